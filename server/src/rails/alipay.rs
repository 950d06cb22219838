//! Alipay's transfer to an account: `alipay.fund.trans.uni.transfer`
//! (`product_code=TRANS_ACCOUNT_NO_PWD`, `biz_scene=DIRECT_TRANSFER`, `out_biz_no` = the
//! withdrawal id, the amount in yuan), RSA2-signed; the outcome by
//! `alipay.fund.trans.order.query` and the `alipay.fund.trans.order.changed` notification,
//! verified with Alipay's public key and answered `success`.

use rsa::{RsaPrivateKey, RsaPublicKey};

/// Production gateway.
pub const ALIPAY_GATEWAY_DEFAULT: &str = "https://openapi.alipay.com/gateway.do";

/// Everything the Alipay rail needs, loaded and checked at start-up.
#[derive(Clone)]
pub struct AlipayCredentials {
    pub app_id: String,
    /// Signs our requests (RSA2: SHA256withRSA).
    pub app_key: RsaPrivateKey,
    /// Alipay's public key: verifies its answers and notifications.
    pub alipay_key: RsaPublicKey,
    pub gateway: String,
    pub notify_url: String,
}

/// Secrets stay out of logs: only the public parts are shown.
impl std::fmt::Debug for AlipayCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlipayCredentials")
            .field("app_id", &self.app_id)
            .field("gateway", &self.gateway)
            .field("notify_url", &self.notify_url)
            .finish_non_exhaustive()
    }
}
