//! WeChat Pay's merchant transfer with the player's confirmation (商家转账, the flow since
//! 2025): `POST /v3/fund-app/mch-transfer/transfer-bills` creates a bill numbered by the
//! withdrawal id and answers `WAIT_USER_CONFIRM` with a `package_info` the client hands to
//! `wx.requestMerchantTransfer`; the outcome arrives as a signed `MCHTRANSFER.BILL.FINISHED`
//! notification and can always be queried by bill number.

use rsa::{RsaPrivateKey, RsaPublicKey};

/// Production API host.
pub const WECHAT_PAY_BASE_DEFAULT: &str = "https://api.mch.weixin.qq.com";
/// The cash-marketing transfer scene (现金营销), the one for game rewards.
pub const WECHAT_TRANSFER_SCENE_DEFAULT: &str = "1000";

/// Everything the WeChat rail needs, loaded and checked at start-up.
#[derive(Clone)]
pub struct WechatCredentials {
    pub mchid: String,
    pub app_id: String,
    /// Signs our requests (`WECHATPAY2-SHA256-RSA2048`).
    pub merchant_key: RsaPrivateKey,
    /// The merchant certificate's serial, named in our `Authorization` header.
    pub merchant_serial: String,
    /// WeChat Pay's public key: verifies its answers and notifications.
    pub platform_key: RsaPublicKey,
    /// Its id, which answers and notifications name in `Wechatpay-Serial`.
    pub platform_key_id: String,
    /// Decrypts notification resources (AEAD_AES_256_GCM).
    pub apiv3_key: [u8; 32],
    pub scene_id: String,
    pub base_url: String,
    pub notify_url: String,
}

/// Secrets stay out of logs: only the public parts are shown.
impl std::fmt::Debug for WechatCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WechatCredentials")
            .field("mchid", &self.mchid)
            .field("app_id", &self.app_id)
            .field("merchant_serial", &self.merchant_serial)
            .field("platform_key_id", &self.platform_key_id)
            .field("scene_id", &self.scene_id)
            .field("base_url", &self.base_url)
            .field("notify_url", &self.notify_url)
            .finish_non_exhaustive()
    }
}
