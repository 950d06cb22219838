//! The payout rail's options for `serve`, and turning them into a checked [`RailConfig`]:
//! every missing or bad credential is reported with the option, the file and the reason before
//! the service listens.

use std::path::PathBuf;

use super::alipay::{AlipayCredentials, ALIPAY_GATEWAY_DEFAULT};
use super::wechat::{WechatCredentials, WECHAT_PAY_BASE_DEFAULT, WECHAT_TRANSFER_SCENE_DEFAULT};
use super::{keys, Credentials, RailConfig, RailConfigError, RailKind, RailLimits};

/// Environment variable with WeChat Pay's APIv3 key (32 characters), which decrypts callbacks.
pub const WECHAT_PAY_APIV3_KEY_ENV: &str = "PLAYPROOF_WECHAT_PAY_APIV3_KEY";

#[derive(Clone, Debug, clap::Args)]
pub struct RailArgs {
    /// How withdrawals are paid: `manual` (an operator pays and marks each one), `wechat`
    /// (WeChat Pay merchant transfer) or `alipay` (Alipay transfer to an account).
    #[arg(long, default_value = "manual")]
    pub payout_rail: String,
    /// Largest single withdrawal, in fen (default: the rail's).
    #[arg(long)]
    pub withdrawal_transfer_max_fen: Option<i64>,
    /// Most one player may withdraw per earning day, in fen (default: the rail's).
    #[arg(long)]
    pub withdrawal_daily_max_fen: Option<i64>,
    /// Public base URL the providers send notifications to (`…/v1/payouts/{rail}/notify` is
    /// appended).
    #[arg(long, value_name = "URL")]
    pub payout_notify_base: Option<String>,
    /// WeChat Pay merchant id (商户号).
    #[arg(long)]
    pub wechat_pay_mchid: Option<String>,
    /// App id the transfers are made under (the mini-game's; default: `--wechat-app-id`).
    #[arg(long)]
    pub wechat_pay_app_id: Option<String>,
    /// The merchant API private key (`apiclient_key.pem`), mode 0600.
    #[arg(long, value_name = "FILE")]
    pub wechat_pay_key: Option<PathBuf>,
    /// Serial number of the merchant API certificate that goes with `--wechat-pay-key`.
    #[arg(long)]
    pub wechat_pay_serial: Option<String>,
    /// WeChat Pay's public key (`pub_key.pem`), which verifies its answers and callbacks.
    #[arg(long, value_name = "FILE")]
    pub wechat_pay_public_key: Option<PathBuf>,
    /// The id of that public key (`PUB_KEY_ID_…`), sent as `Wechatpay-Serial`.
    #[arg(long)]
    pub wechat_pay_public_key_id: Option<String>,
    /// Transfer scene (转账场景) id from the merchant console.
    #[arg(long, default_value = WECHAT_TRANSFER_SCENE_DEFAULT)]
    pub wechat_pay_scene_id: String,
    #[arg(long, default_value = WECHAT_PAY_BASE_DEFAULT)]
    pub wechat_pay_base_url: String,
    /// Alipay app id.
    #[arg(long)]
    pub alipay_app_id: Option<String>,
    /// The app's private key (PKCS#8 or PKCS#1 PEM), mode 0600.
    #[arg(long, value_name = "FILE")]
    pub alipay_key: Option<PathBuf>,
    /// Alipay's public key (PEM), which verifies its answers and notifications.
    #[arg(long, value_name = "FILE")]
    pub alipay_public_key: Option<PathBuf>,
    #[arg(long, default_value = ALIPAY_GATEWAY_DEFAULT)]
    pub alipay_gateway: String,
}

impl RailArgs {
    /// Checks the options and loads the chosen rail's credentials. `withdrawal_min_fen` is
    /// `serve`'s `--withdrawal-min-fen`; `login_app_id` its `--wechat-app-id`;
    /// `apiv3_key` the value of [`WECHAT_PAY_APIV3_KEY_ENV`], if set.
    pub fn load(
        &self,
        withdrawal_min_fen: i64,
        login_app_id: Option<&str>,
        apiv3_key: Option<&str>,
    ) -> Result<RailConfig, RailConfigError> {
        let kind = RailKind::parse(&self.payout_rail)
            .ok_or_else(|| RailConfigError::UnknownRail(self.payout_rail.clone()))?;
        let mut limits = RailLimits::default_for(kind);
        limits.min_fen = withdrawal_min_fen;
        if let Some(max_fen) = self.withdrawal_transfer_max_fen {
            limits.transfer_max_fen = max_fen;
        }
        if let Some(max_fen) = self.withdrawal_daily_max_fen {
            limits.player_daily_max_fen = max_fen;
        }
        limits
            .validate(kind)
            .map_err(|reason| RailConfigError::Invalid {
                rail: kind,
                field:
                    "--withdrawal-min-fen/--withdrawal-transfer-max-fen/--withdrawal-daily-max-fen",
                reason,
            })?;
        let credentials = match kind {
            RailKind::Manual => Credentials::Manual,
            RailKind::Wechat => Credentials::Wechat(self.wechat(login_app_id, apiv3_key)?),
            RailKind::Alipay => Credentials::Alipay(self.alipay()?),
        };
        Ok(RailConfig {
            kind,
            limits,
            credentials,
        })
    }

    fn notify_url(&self, kind: RailKind) -> Result<String, RailConfigError> {
        let base = required(
            kind,
            "--payout-notify-base",
            &self.payout_notify_base,
            "the public https base URL the provider posts notifications to",
        )?;
        if !(base.starts_with("https://")
            || base.starts_with("http://127.0.0.1")
            || base.starts_with("http://localhost"))
        {
            return Err(RailConfigError::Invalid {
                rail: kind,
                field: "--payout-notify-base",
                reason: format!(
                    "{base:?} must be https:// (or http:// on loopback, for the stand-ins)"
                ),
            });
        }
        Ok(format!(
            "{}/v1/payouts/{kind}/notify",
            base.trim_end_matches('/')
        ))
    }

    fn wechat(
        &self,
        login_app_id: Option<&str>,
        apiv3_key: Option<&str>,
    ) -> Result<WechatCredentials, RailConfigError> {
        let rail = RailKind::Wechat;
        let mchid = required(
            rail,
            "--wechat-pay-mchid",
            &self.wechat_pay_mchid,
            "the merchant id",
        )?;
        let app_id = self
            .wechat_pay_app_id
            .clone()
            .or_else(|| login_app_id.map(str::to_string))
            .ok_or(RailConfigError::Missing {
                rail,
                field: "--wechat-pay-app-id",
                hint: "the app id transfers are made under (or --wechat-app-id)",
            })?;
        let key_path = required(
            rail,
            "--wechat-pay-key",
            &self.wechat_pay_key,
            "the merchant API private key file, apiclient_key.pem",
        )?;
        let serial = required(
            rail,
            "--wechat-pay-serial",
            &self.wechat_pay_serial,
            "the merchant API certificate's serial number",
        )?;
        let public_key_path = required(
            rail,
            "--wechat-pay-public-key",
            &self.wechat_pay_public_key,
            "WeChat Pay's public key file, pub_key.pem",
        )?;
        let public_key_id = required(
            rail,
            "--wechat-pay-public-key-id",
            &self.wechat_pay_public_key_id,
            "the id of WeChat Pay's public key, PUB_KEY_ID_…",
        )?;
        let apiv3_key = apiv3_key.ok_or(RailConfigError::Missing {
            rail,
            field: WECHAT_PAY_APIV3_KEY_ENV,
            hint: "the APIv3 key set in the merchant console (32 characters)",
        })?;
        if apiv3_key.len() != 32 || !apiv3_key.is_ascii() {
            return Err(RailConfigError::Invalid {
                rail,
                field: WECHAT_PAY_APIV3_KEY_ENV,
                reason: format!("must be 32 ASCII characters, got {} bytes", apiv3_key.len()),
            });
        }
        let mut apiv3 = [0u8; 32];
        apiv3.copy_from_slice(apiv3_key.as_bytes());
        Ok(WechatCredentials {
            mchid,
            app_id,
            merchant_key: keys::private_key(rail, "--wechat-pay-key", &key_path)?,
            merchant_serial: serial,
            platform_key: keys::public_key(rail, "--wechat-pay-public-key", &public_key_path)?,
            platform_key_id: public_key_id,
            apiv3_key: apiv3,
            scene_id: self.wechat_pay_scene_id.clone(),
            base_url: self.wechat_pay_base_url.trim_end_matches('/').to_string(),
            notify_url: self.notify_url(rail)?,
        })
    }

    fn alipay(&self) -> Result<AlipayCredentials, RailConfigError> {
        let rail = RailKind::Alipay;
        let app_id = required(
            rail,
            "--alipay-app-id",
            &self.alipay_app_id,
            "the Alipay app id",
        )?;
        let key_path = required(
            rail,
            "--alipay-key",
            &self.alipay_key,
            "the app's private key file",
        )?;
        let public_key_path = required(
            rail,
            "--alipay-public-key",
            &self.alipay_public_key,
            "Alipay's public key file",
        )?;
        Ok(AlipayCredentials {
            app_id,
            app_key: keys::private_key(rail, "--alipay-key", &key_path)?,
            alipay_key: keys::public_key(rail, "--alipay-public-key", &public_key_path)?,
            gateway: self.alipay_gateway.clone(),
            notify_url: self.notify_url(rail)?,
        })
    }
}

fn required<T: Clone>(
    rail: RailKind,
    field: &'static str,
    value: &Option<T>,
    hint: &'static str,
) -> Result<T, RailConfigError> {
    value
        .clone()
        .ok_or(RailConfigError::Missing { rail, field, hint })
}
