//! Per-rail withdrawal limits as data, checked when the player asks (inside the ledger
//! transaction that moves the money to pending, so concurrent requests cannot slip past the
//! daily maximum together).
//!
//! The defaults are the providers' published product rules; a merchant's console may set lower
//! ones, which the operator mirrors with the `--withdrawal-*` options of `serve`.

use super::RailKind;

/// One yuan, in fen.
const YUAN_FEN: i64 = 100;

/// The smallest transfer both providers make: 0.1 yuan (WeChat Pay's cash-marketing scene and
/// Alipay's `alipay.fund.trans.uni.transfer` both refuse less).
pub const PROVIDER_MIN_FEN: i64 = 10;
/// WeChat Pay requires the payee's real name (`user_name`) from 2,000 yuan per transfer.
pub const WECHAT_REAL_NAME_FROM_FEN: i64 = 2_000 * YUAN_FEN;
/// WeChat Pay's default per-transfer ceiling for the user-confirmation flow: 200 yuan (a
/// merchant may raise it in the console up to the real-name threshold).
pub const WECHAT_TRANSFER_MAX_FEN: i64 = 200 * YUAN_FEN;
/// Alipay's ceiling for one transfer to a personal account: 50,000 yuan.
pub const ALIPAY_TRANSFER_MAX_FEN: i64 = 50_000 * YUAN_FEN;
/// Per player per earning day, all rails: what a cash-reward game pays a player in a day is a
/// few yuan (the daily earning cap defaults to 20 yuan), so 200 yuan a day withdrawn is already
/// far above any honest player and bounds what one stolen account can drain.
pub const PLAYER_DAILY_MAX_FEN: i64 = 200 * YUAN_FEN;

/// What one rail allows, in fen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RailLimits {
    /// Smallest withdrawal.
    pub min_fen: i64,
    /// Largest single withdrawal.
    pub transfer_max_fen: i64,
    /// Most one player may withdraw per earning day (failed, cancelled and expired withdrawals
    /// do not count: their money came back).
    pub player_daily_max_fen: i64,
    /// From this amount the provider needs the payee's verified real name, which this service
    /// does not collect: such withdrawals are refused. `None`: no such rule.
    pub real_name_from_fen: Option<i64>,
}

impl RailLimits {
    pub const fn default_for(kind: RailKind) -> RailLimits {
        match kind {
            RailKind::Manual => RailLimits {
                min_fen: PROVIDER_MIN_FEN,
                transfer_max_fen: WECHAT_TRANSFER_MAX_FEN,
                player_daily_max_fen: PLAYER_DAILY_MAX_FEN,
                real_name_from_fen: None,
            },
            RailKind::Wechat => RailLimits {
                min_fen: PROVIDER_MIN_FEN,
                transfer_max_fen: WECHAT_TRANSFER_MAX_FEN,
                player_daily_max_fen: PLAYER_DAILY_MAX_FEN,
                real_name_from_fen: Some(WECHAT_REAL_NAME_FROM_FEN),
            },
            RailKind::Alipay => RailLimits {
                min_fen: PROVIDER_MIN_FEN,
                transfer_max_fen: ALIPAY_TRANSFER_MAX_FEN,
                player_daily_max_fen: PLAYER_DAILY_MAX_FEN,
                real_name_from_fen: None,
            },
        }
    }

    /// Whether the limits are coherent: positive, ordered, and not below what the provider can
    /// pay at all.
    pub fn validate(&self, kind: RailKind) -> Result<(), String> {
        if kind.has_provider() && self.min_fen < PROVIDER_MIN_FEN {
            return Err(format!(
                "the minimum {} fen is below the provider's minimum of {PROVIDER_MIN_FEN} fen",
                self.min_fen
            ));
        }
        if self.min_fen < 1 {
            return Err("the minimum must be at least 1 fen".into());
        }
        if self.transfer_max_fen < self.min_fen {
            return Err(format!(
                "the per-transfer maximum {} fen is below the minimum {} fen",
                self.transfer_max_fen, self.min_fen
            ));
        }
        if self.player_daily_max_fen < self.min_fen {
            return Err(format!(
                "the per-player daily maximum {} fen is below the minimum {} fen",
                self.player_daily_max_fen, self.min_fen
            ));
        }
        Ok(())
    }

    /// Checks one request of `amount_fen` from a player who has `withdrawn_today_fen` in
    /// withdrawals today that did not come back. Checks in a fixed order so a request gets the
    /// same code every time. The minimum and the balance are the ledger's own checks
    /// (`policy::admit_withdrawal`).
    pub fn admit(&self, amount_fen: i64, withdrawn_today_fen: i64) -> Result<(), LimitRejection> {
        if let Some(from_fen) = self.real_name_from_fen {
            if amount_fen >= from_fen {
                return Err(LimitRejection::RealNameRequired {
                    amount_fen,
                    from_fen,
                });
            }
        }
        if amount_fen > self.transfer_max_fen {
            return Err(LimitRejection::AboveTransferMax {
                amount_fen,
                max_fen: self.transfer_max_fen,
            });
        }
        if withdrawn_today_fen.saturating_add(amount_fen) > self.player_daily_max_fen {
            return Err(LimitRejection::AboveDailyMax {
                amount_fen,
                withdrawn_today_fen,
                max_fen: self.player_daily_max_fen,
            });
        }
        Ok(())
    }
}

/// A withdrawal over one of its rail's limits; nothing was written for it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LimitRejection {
    #[error(
        "{amount_fen} fen needs the payee's verified real name (from {from_fen} fen), which this \
         service does not collect"
    )]
    RealNameRequired { amount_fen: i64, from_fen: i64 },
    #[error("{amount_fen} fen is above the largest single withdrawal of {max_fen} fen")]
    AboveTransferMax { amount_fen: i64, max_fen: i64 },
    #[error(
        "{amount_fen} fen on top of {withdrawn_today_fen} fen today is above the daily maximum of \
         {max_fen} fen"
    )]
    AboveDailyMax {
        amount_fen: i64,
        withdrawn_today_fen: i64,
        max_fen: i64,
    },
}

impl LimitRejection {
    /// The stable reason code (`reasons::SERVICE`).
    pub fn code(&self) -> &'static str {
        match self {
            LimitRejection::RealNameRequired { .. } => "real_name_required",
            LimitRejection::AboveTransferMax { .. } => "above_transfer_maximum",
            LimitRejection::AboveDailyMax { .. } => "above_daily_withdrawal_maximum",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_minimum_is_the_providers_tenth_of_a_yuan() {
        for kind in RailKind::ALL {
            let limits = RailLimits::default_for(kind);
            assert_eq!(limits.min_fen, 10, "{kind}");
            assert_eq!(limits.validate(kind), Ok(()));
        }
    }

    #[test]
    fn requests_are_checked_in_a_fixed_order() {
        let limits = RailLimits {
            min_fen: 10,
            transfer_max_fen: 500,
            player_daily_max_fen: 800,
            real_name_from_fen: Some(400),
        };
        // Over both the real-name threshold and the maximum: the real name speaks first.
        assert_eq!(
            limits.admit(600, 0).unwrap_err().code(),
            "real_name_required"
        );
        let limits = RailLimits {
            real_name_from_fen: None,
            ..limits
        };
        assert_eq!(
            limits.admit(501, 0),
            Err(LimitRejection::AboveTransferMax {
                amount_fen: 501,
                max_fen: 500
            })
        );
        assert_eq!(limits.admit(500, 300), Ok(()));
        assert_eq!(
            limits.admit(500, 301),
            Err(LimitRejection::AboveDailyMax {
                amount_fen: 500,
                withdrawn_today_fen: 301,
                max_fen: 800
            })
        );
    }

    #[test]
    fn incoherent_limits_are_refused_with_the_reason() {
        let mut limits = RailLimits::default_for(RailKind::Wechat);
        limits.min_fen = 5;
        assert!(limits
            .validate(RailKind::Wechat)
            .unwrap_err()
            .contains("provider's minimum"));
        // The manual rail may pay less than a provider could.
        assert_eq!(limits.validate(RailKind::Manual), Ok(()));
        limits.min_fen = 10;
        limits.transfer_max_fen = 9;
        assert!(limits
            .validate(RailKind::Wechat)
            .unwrap_err()
            .contains("per-transfer maximum"));
    }
}
