//! The ledger's rules as plain functions: how accounts and transfers are named, what a verdict
//! pays under the daily cap and a campaign's budget, which withdrawals are admitted and which
//! settlements are allowed. The writer ([`super::writer`]) reads the rows these need, calls
//! them, and writes what they decide; nothing here touches the database.

use super::writer::LedgerRejection;
use super::LedgerRules;

/// The account that issues base payouts (may go negative: money entering the ledger).
pub(crate) const HOUSE: &str = "house";
/// The account that funds campaigns (may go negative).
pub(crate) const SPONSOR: &str = "sponsor";
/// Money paid out of the ledger to players.
pub(crate) const SETTLED: &str = "settled";

/// A player's spendable balance.
pub(crate) fn player_account(player_id: &str) -> String {
    format!("player:{player_id}")
}

/// A player's withdrawals awaiting the operator.
pub(crate) fn pending_account(player_id: &str) -> String {
    format!("pending:{player_id}")
}

/// A player's winnings held for review: not spendable, not withdrawable.
pub(crate) fn held_account(player_id: &str) -> String {
    format!("held:{player_id}")
}

/// A sponsor campaign's remaining budget.
pub(crate) fn campaign_account(campaign_id: &str) -> String {
    format!("campaign:{campaign_id}")
}

/// Transfer ids: each derives from what it pays for, so a unique constraint on the id makes every
/// payment happen at most once.
pub(crate) mod transfer_id {
    /// The base payout of a session.
    pub fn payout(session_id: &str) -> String {
        format!("payout:{session_id}")
    }

    /// The campaign boost of a session.
    pub fn boost(session_id: &str) -> String {
        format!("boost:{session_id}")
    }

    /// Money moved to pending when a withdrawal is requested.
    pub fn withdrawal(withdrawal_id: &str) -> String {
        format!("withdraw:{withdrawal_id}")
    }

    /// Money leaving pending when a withdrawal settles: paid out, or returned to the player.
    pub fn settlement(withdrawal_id: &str, paid: bool) -> String {
        if paid {
            format!("withdraw-paid:{withdrawal_id}")
        } else {
            format!("withdraw-returned:{withdrawal_id}")
        }
    }

    /// A held game's winnings released to the player.
    pub fn release(session_id: &str) -> String {
        format!("release:{session_id}")
    }

    /// A held game's base payout confiscated back to the house.
    pub fn confiscate(session_id: &str) -> String {
        format!("confiscate:{session_id}")
    }

    /// A held game's boost confiscated back to its campaign.
    pub fn confiscate_boost(session_id: &str) -> String {
        format!("confiscate-boost:{session_id}")
    }

    /// One funding of a campaign, per operator idempotency key.
    pub fn fund(campaign_id: &str, key: &str) -> String {
        format!("fund:{campaign_id}:{key}")
    }
}

/// What is left of today's cap after `earned_today_fen`, in fen; never negative.
pub(crate) fn cap_room_fen(rules: &LedgerRules, earned_today_fen: i64) -> i64 {
    (rules.daily_cap_fen - earned_today_fen).max(0)
}

/// Room left under the player's cap and, where the policy sets one, the cap of the player's
/// account cluster (every linked player's earnings today, the player's own included): a farm
/// cannot multiply the daily cap by opening accounts.
pub(crate) fn cluster_cap_room_fen(
    player_room_fen: i64,
    cluster_cap_fen: Option<i64>,
    cluster_earned_today_fen: i64,
) -> i64 {
    match cluster_cap_fen {
        Some(cap_fen) => player_room_fen.min((cap_fen - cluster_earned_today_fen).max(0)),
        None => player_room_fen,
    }
}

/// The base payout under the cap: the cap cuts the base first.
pub(crate) fn base_payout_fen(base_owed_fen: i64, room_fen: i64) -> i64 {
    base_owed_fen.min(room_fen).max(0)
}

/// The boost a campaign may still pay after `base_paid_fen` used part of the room. Zero means the
/// campaign's budget need not be read (and locked) at all.
pub(crate) fn boost_wanted_fen(boost_owed_fen: i64, room_fen: i64, base_paid_fen: i64) -> i64 {
    boost_owed_fen.min(room_fen - base_paid_fen).max(0)
}

/// The boost actually paid: what is wanted, at most the campaign's remaining budget.
pub(crate) fn boost_payout_fen(wanted_fen: i64, budget_fen: i64) -> i64 {
    wanted_fen.min(budget_fen.max(0)).max(0)
}

/// Whether a new withdrawal of `amount_fen` may be made from `balance_fen` (after the
/// idempotency key was found unused).
pub(crate) fn admit_withdrawal(
    rules: &LedgerRules,
    amount_fen: i64,
    balance_fen: i64,
) -> Result<(), LedgerRejection> {
    if amount_fen <= 0 {
        return Err(LedgerRejection::NonPositiveAmount(amount_fen));
    }
    if amount_fen < rules.withdrawal_min_fen {
        return Err(LedgerRejection::BelowWithdrawalMin {
            amount_fen,
            min_fen: rules.withdrawal_min_fen,
        });
    }
    if balance_fen < amount_fen {
        return Err(LedgerRejection::InsufficientBalance {
            balance_fen,
            amount_fen,
        });
    }
    Ok(())
}

/// Withdrawal states as stored.
pub(crate) const PENDING: &str = "pending";
pub(crate) const PAID: &str = "paid";
pub(crate) const FAILED: &str = "failed";

/// What settling a withdrawal in `status` as paid (or failed) does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Settlement {
    /// It already ended this way: answer the record, move nothing.
    Repeat,
    /// Move the money out of pending and mark the withdrawal `to`.
    Move { to: &'static str },
}

pub(crate) fn settle(
    withdrawal_id: &str,
    status: &str,
    paid: bool,
) -> Result<Settlement, LedgerRejection> {
    let target = if paid { PAID } else { FAILED };
    if status == target {
        return Ok(Settlement::Repeat);
    }
    if status != PENDING {
        return Err(LedgerRejection::WithdrawalSettled {
            id: withdrawal_id.to_string(),
            status: status.to_string(),
        });
    }
    Ok(Settlement::Move { to: target })
}

/// Reviews of a held game as stored.
pub(crate) const RELEASED: &str = "released";
pub(crate) const CONFISCATED: &str = "confiscated";

/// What reviewing a held game does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HoldReview {
    /// It was already reviewed this way: answer the record, move nothing.
    Repeat { review: &'static str },
    /// Move the held money (to the player, or back to where it came from) and record `to`.
    Move { to: &'static str },
}

/// A hold is reviewed once: the same review repeated is a no-op, the other one is refused.
pub(crate) fn review_hold(
    session_id: &str,
    review: Option<&str>,
    release: bool,
) -> Result<HoldReview, LedgerRejection> {
    let target = if release { RELEASED } else { CONFISCATED };
    match review {
        None => Ok(HoldReview::Move { to: target }),
        Some(done) if done == target => Ok(HoldReview::Repeat { review: target }),
        Some(done) => Err(LedgerRejection::HoldReviewed {
            session_id: session_id.to_string(),
            review: done.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: LedgerRules = LedgerRules {
        daily_cap_fen: 100,
        withdrawal_min_fen: 50,
    };

    #[test]
    fn the_cap_cuts_the_base_first_then_the_boost() {
        // 70 earned today: 30 of room; a 25 fen base fits, 5 of a 20 fen boost does.
        let room = cap_room_fen(&RULES, 70);
        assert_eq!(room, 30);
        let base = base_payout_fen(25, room);
        assert_eq!(base, 25);
        assert_eq!(boost_wanted_fen(20, room, base), 5);
        // Over the cap already (the cap was lowered): no room, nothing paid, never negative.
        let room = cap_room_fen(&RULES, 130);
        assert_eq!(room, 0);
        assert_eq!(base_payout_fen(25, room), 0);
        assert_eq!(boost_wanted_fen(20, room, 0), 0);
    }

    #[test]
    fn a_cluster_cap_cuts_the_room_of_each_linked_player() {
        assert_eq!(cluster_cap_room_fen(30, None, 1_000), 30, "no cluster cap");
        assert_eq!(cluster_cap_room_fen(30, Some(200), 150), 30);
        assert_eq!(cluster_cap_room_fen(30, Some(200), 185), 15);
        assert_eq!(
            cluster_cap_room_fen(30, Some(200), 260),
            0,
            "never negative"
        );
    }

    #[test]
    fn a_boost_is_at_most_the_campaign_budget() {
        assert_eq!(boost_payout_fen(20, 12), 12);
        assert_eq!(boost_payout_fen(20, 500), 20);
        assert_eq!(boost_payout_fen(20, -3), 0);
    }

    #[test]
    fn withdrawals_are_admitted_in_rule_order() {
        assert_eq!(
            admit_withdrawal(&RULES, 0, 1_000),
            Err(LedgerRejection::NonPositiveAmount(0))
        );
        assert_eq!(
            admit_withdrawal(&RULES, 49, 1_000),
            Err(LedgerRejection::BelowWithdrawalMin {
                amount_fen: 49,
                min_fen: 50
            })
        );
        assert_eq!(
            admit_withdrawal(&RULES, 60, 59),
            Err(LedgerRejection::InsufficientBalance {
                balance_fen: 59,
                amount_fen: 60
            })
        );
        assert_eq!(admit_withdrawal(&RULES, 50, 50), Ok(()));
    }

    #[test]
    fn a_withdrawal_settles_once_each_way() {
        assert_eq!(
            settle("w", PENDING, true),
            Ok(Settlement::Move { to: PAID })
        );
        assert_eq!(
            settle("w", PENDING, false),
            Ok(Settlement::Move { to: FAILED })
        );
        assert_eq!(settle("w", PAID, true), Ok(Settlement::Repeat));
        assert_eq!(
            settle("w", PAID, false),
            Err(LedgerRejection::WithdrawalSettled {
                id: "w".into(),
                status: PAID.into()
            })
        );
    }

    #[test]
    fn a_hold_is_reviewed_once_either_way() {
        assert_eq!(
            review_hold("s", None, true),
            Ok(HoldReview::Move { to: RELEASED })
        );
        assert_eq!(
            review_hold("s", None, false),
            Ok(HoldReview::Move { to: CONFISCATED })
        );
        assert_eq!(
            review_hold("s", Some(CONFISCATED), false),
            Ok(HoldReview::Repeat {
                review: CONFISCATED
            })
        );
        assert_eq!(
            review_hold("s", Some(RELEASED), false),
            Err(LedgerRejection::HoldReviewed {
                session_id: "s".into(),
                review: RELEASED.into()
            })
        );
        assert_eq!(held_account("dev-a"), "held:dev-a");
        assert_eq!(transfer_id::confiscate_boost("s1"), "confiscate-boost:s1");
    }

    #[test]
    fn transfer_ids_name_what_they_pay_for() {
        assert_eq!(transfer_id::payout("s1"), "payout:s1");
        assert_eq!(transfer_id::boost("s1"), "boost:s1");
        assert_eq!(transfer_id::settlement("w_1", true), "withdraw-paid:w_1");
        assert_eq!(
            transfer_id::settlement("w_1", false),
            "withdraw-returned:w_1"
        );
        assert_eq!(transfer_id::fund("spring", "k"), "fund:spring:k");
        assert_eq!(player_account("dev-a"), "player:dev-a");
    }
}
