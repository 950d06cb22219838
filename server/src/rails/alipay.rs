//! Alipay's transfer to an account: `alipay.fund.trans.uni.transfer`
//! (`product_code=TRANS_ACCOUNT_NO_PWD`, `biz_scene=DIRECT_TRANSFER`, `out_biz_no` = the
//! withdrawal id, the amount in yuan), RSA2-signed; the outcome by
//! `alipay.fund.trans.order.query` and the `alipay.fund.trans.order.changed` notification,
//! verified with Alipay's public key and answered `success`.

use std::collections::BTreeMap;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use sha2::Sha256;

use super::provider::{Bill, CallError, CallFuture, Provider, Report};
use super::{Evidence, PayoutState, Source};

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

/// The transfer method and its fixed product and scene.
pub const TRANSFER_METHOD: &str = "alipay.fund.trans.uni.transfer";
pub const QUERY_METHOD: &str = "alipay.fund.trans.order.query";
pub const CHANGED_METHOD: &str = "alipay.fund.trans.order.changed";
const PRODUCT_CODE: &str = "TRANS_ACCOUNT_NO_PWD";
const BIZ_SCENE: &str = "DIRECT_TRANSFER";
const ORDER_TITLE: &str = "游戏奖励提现";
/// Largest answer or notification read, in bytes.
pub const BODY_BYTES_MAX: usize = 64 * 1024;

/// Alipay's RSA2 sign content: every parameter but `sign` (and, for notifications, also
/// `sign_type`) with a non-empty value, sorted by name, as `name=value` joined by `&`, values
/// as they are (not URL-encoded).
pub fn sign_content(params: &BTreeMap<String, String>, exclude_sign_type: bool) -> String {
    params
        .iter()
        .filter(|(name, value)| {
            name.as_str() != "sign"
                && !(exclude_sign_type && name.as_str() == "sign_type")
                && !value.is_empty()
        })
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The raw JSON text of `{"<name>": VALUE, ...}`'s VALUE, exactly as sent: Alipay signs the
/// bytes of the response node, so it must be verified over them, never over a re-encoding.
pub fn raw_member<'a>(json: &'a str, name: &str) -> Option<&'a str> {
    let key = format!("\"{name}\"");
    let start = json.find(&key)? + key.len();
    let rest = json[start..].trim_start().strip_prefix(':')?.trim_start();
    let offset = json.len() - rest.len();
    let bytes = rest.as_bytes();
    if bytes.first() != Some(&b'{') {
        return None;
    }
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (index, &byte) in bytes.iter().enumerate() {
        match (in_string, escaped, byte) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') => in_string = false,
            (true, false, _) => {}
            (false, _, b'"') => in_string = true,
            (false, _, b'{') => depth += 1,
            (false, _, b'}') => {
                depth -= 1;
                if depth == 0 {
                    return Some(&json[offset..offset + index + 1]);
                }
            }
            _ => {}
        }
    }
    None
}

fn verify(key: &rsa::RsaPublicKey, content: &[u8], signature_base64: &str) -> bool {
    let Some(signature) = BASE64
        .decode(signature_base64)
        .ok()
        .and_then(|bytes| Signature::try_from(bytes.as_slice()).ok())
    else {
        return false;
    };
    VerifyingKey::<Sha256>::new(key.clone())
        .verify(content, &signature)
        .is_ok()
}

/// Alipay's order states and what they mean here.
pub fn payout_state(status: &str) -> Option<PayoutState> {
    match status {
        "INIT" | "DEALING" | "WAIT_PAY" | "UNKNOWN" => Some(PayoutState::Submitted),
        "SUCCESS" => Some(PayoutState::Succeeded),
        // REFUND: paid, then returned to the merchant; after a success the machine refuses it
        // and reconciliation lists it.
        "FAIL" | "CLOSED" | "REFUND" => Some(PayoutState::Failed),
        _ => None,
    }
}

/// `1234` fen as Alipay's `12.34` yuan.
pub fn yuan(amount_fen: i64) -> String {
    format!("{}.{:02}", amount_fen / 100, amount_fen % 100)
}

/// An order as Alipay describes it.
#[derive(Clone, Debug, serde::Deserialize)]
struct OrderView {
    #[serde(default)]
    out_biz_no: Option<String>,
    #[serde(default)]
    order_id: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    trans_amount: Option<String>,
    #[serde(default)]
    fail_reason: Option<String>,
}

impl OrderView {
    fn report(&self, source: Source, payload: &[u8]) -> Report {
        let mut fields = serde_json::Map::new();
        for (name, value) in [
            ("out_biz_no", &self.out_biz_no),
            ("order_id", &self.order_id),
            ("trans_amount", &self.trans_amount),
            ("fail_reason", &self.fail_reason),
        ] {
            if let Some(value) = value {
                fields.insert(name.into(), value.clone().into());
            }
        }
        let status = self.status.as_deref().unwrap_or_default();
        Report {
            to: payout_state(status),
            evidence: Evidence::of_payload(source, payload, Some(status), fields),
        }
    }
}

/// A verified `alipay.fund.trans.order.changed` notification (form-encoded), as the bill
/// number, the amount in fen and the report.
pub fn read_notification(
    credentials: &AlipayCredentials,
    body: &[u8],
) -> Result<(String, Option<i64>, Report), String> {
    let params: BTreeMap<String, String> = form_urlencoded::parse(body).into_owned().collect();
    let signature = params.get("sign").ok_or("no sign")?;
    if params.get("sign_type").map(String::as_str) != Some("RSA2") {
        return Err("sign_type is not RSA2".into());
    }
    if !verify(
        &credentials.alipay_key,
        sign_content(&params, true).as_bytes(),
        signature,
    ) {
        return Err("the signature does not verify".into());
    }
    if params.get("app_id") != Some(&credentials.app_id) {
        return Err(format!("app_id {:?} is not ours", params.get("app_id")));
    }
    if params.get("msg_method").map(String::as_str) != Some(CHANGED_METHOD) {
        return Err(format!("msg_method {:?}", params.get("msg_method")));
    }
    let biz_content = params.get("biz_content").ok_or("no biz_content")?;
    let order: OrderView =
        serde_json::from_str(biz_content).map_err(|error| format!("biz_content: {error}"))?;
    let bill_no = order.out_biz_no.clone().ok_or("no out_biz_no")?;
    let amount_fen = order
        .trans_amount
        .as_deref()
        .map(|amount| {
            super::reconcile::parse_yuan(amount).ok_or(format!("trans_amount {amount:?}"))
        })
        .transpose()?;
    Ok((bill_no, amount_fen, order.report(Source::Callback, body)))
}

/// The Alipay client: signs requests (RSA2), verifies the signed response node.
pub struct AlipayProvider {
    credentials: AlipayCredentials,
    client: reqwest::Client,
}

impl AlipayProvider {
    pub fn new(credentials: AlipayCredentials, timeout: Duration) -> Result<Self, reqwest::Error> {
        Ok(AlipayProvider {
            credentials,
            client: reqwest::Client::builder().timeout(timeout).build()?,
        })
    }

    /// Calls `method` and returns the verified response node's raw JSON text.
    async fn call(
        &self,
        method: &str,
        biz_content: serde_json::Value,
    ) -> Result<String, CallError> {
        let mut params = BTreeMap::new();
        let now_s = crate::clock::unix_ms_now() / 1000 + 8 * 3600;
        let (days, seconds) = (now_s / 86_400, now_s % 86_400);
        let (year, month, day) = civil_from_days(days as i64);
        let timestamp = format!(
            "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        );
        for (name, value) in [
            ("app_id", self.credentials.app_id.as_str()),
            ("method", method),
            ("format", "JSON"),
            ("charset", "utf-8"),
            ("sign_type", "RSA2"),
            ("timestamp", timestamp.as_str()),
            ("version", "1.0"),
        ] {
            params.insert(name.to_string(), value.to_string());
        }
        if method == TRANSFER_METHOD {
            params.insert("notify_url".into(), self.credentials.notify_url.clone());
        }
        params.insert("biz_content".into(), biz_content.to_string());
        let signature = SigningKey::<Sha256>::new(self.credentials.app_key.clone())
            .sign(sign_content(&params, false).as_bytes());
        params.insert("sign".into(), BASE64.encode(signature.to_bytes()));
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params.iter())
            .finish();
        let response = self
            .client
            .post(&self.credentials.gateway)
            .header(
                "content-type",
                "application/x-www-form-urlencoded;charset=utf-8",
            )
            .body(body)
            .send()
            .await
            .map_err(|error| CallError::Transient(format!("Alipay unreachable: {error}")))?;
        let status = response.status().as_u16();
        let text = response
            .text()
            .await
            .map_err(|error| CallError::Transient(format!("reading Alipay's answer: {error}")))?;
        if status != 200 || text.len() > BODY_BYTES_MAX {
            return Err(CallError::Transient(format!(
                "HTTP {status}, {} bytes",
                text.len()
            )));
        }
        let node_name = format!("{}_response", method.replace('.', "_"));
        let node = raw_member(&text, &node_name)
            .ok_or_else(|| CallError::Unverified(format!("no {node_name}")))?;
        let whole: serde_json::Value = serde_json::from_str(&text)
            .map_err(|error| CallError::Unverified(error.to_string()))?;
        let signature = whole["sign"].as_str().unwrap_or_default();
        if !verify(&self.credentials.alipay_key, node.as_bytes(), signature) {
            return Err(CallError::Unverified(
                "the response signature does not verify".into(),
            ));
        }
        Ok(node.to_string())
    }

    fn order_report(&self, node: &str, source: Source, bill: &Bill) -> Result<Report, CallError> {
        let view: serde_json::Value =
            serde_json::from_str(node).map_err(|error| CallError::Unverified(error.to_string()))?;
        let code = view["code"].as_str().unwrap_or_default();
        let sub_code = view["sub_code"].as_str().unwrap_or_default();
        match code {
            "10000" => {}
            // 20000: the service was unavailable; the outcome is unknown.
            "20000" => return Err(CallError::Transient(format!("{code} {sub_code}"))),
            _ if sub_code == "ORDER_NOT_EXIST" => return Err(CallError::NotFound),
            _ => return Err(CallError::Refused(format!("{code} {sub_code}"))),
        }
        let order: OrderView =
            serde_json::from_str(node).map_err(|error| CallError::Unverified(error.to_string()))?;
        if order.out_biz_no.as_deref() != Some(bill.withdrawal_id.as_str()) {
            return Err(CallError::Unverified(format!(
                "answer names order {:?}, asked for {:?}",
                order.out_biz_no, bill.withdrawal_id
            )));
        }
        Ok(order.report(source, node.as_bytes()))
    }
}

impl Provider for AlipayProvider {
    fn create<'a>(&'a self, bill: &'a Bill) -> CallFuture<'a> {
        Box::pin(async move {
            let biz_content = serde_json::json!({
                "out_biz_no": bill.withdrawal_id,
                "trans_amount": yuan(bill.amount_fen),
                "product_code": PRODUCT_CODE,
                "biz_scene": BIZ_SCENE,
                "order_title": ORDER_TITLE,
                "payee_info": {
                    "identity": open_id(&bill.player_id),
                    "identity_type": "ALIPAY_OPEN_ID",
                },
            });
            let node = self.call(TRANSFER_METHOD, biz_content).await?;
            self.order_report(&node, Source::Create, bill)
        })
    }

    fn query<'a>(&'a self, bill: &'a Bill, _cancel_requested: bool) -> CallFuture<'a> {
        Box::pin(async move {
            let biz_content = serde_json::json!({ "out_biz_no": bill.withdrawal_id });
            let node = self.call(QUERY_METHOD, biz_content).await?;
            self.order_report(&node, Source::Query, bill)
        })
    }

    fn cancel<'a>(&'a self, _bill: &'a Bill) -> CallFuture<'a> {
        Box::pin(async {
            Err(CallError::Refused(
                "an Alipay transfer cannot be cancelled".into(),
            ))
        })
    }
}

/// The payee's Alipay open id: Alipay players' ids are `ap-<open id>`; other ids (dev logins
/// against the stand-in) are passed as they are.
pub fn open_id(player_id: &str) -> &str {
    player_id.strip_prefix("ap-").unwrap_or(player_id)
}

/// Year, month, day of a day count from 1970-01-01 (proleptic Gregorian).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sign_content_sorts_skips_empty_values_and_the_signature() {
        let params: BTreeMap<String, String> = [
            ("method", "m"),
            ("app_id", "1"),
            ("sign", "xyz"),
            ("sign_type", "RSA2"),
            ("empty", ""),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
        assert_eq!(
            sign_content(&params, false),
            "app_id=1&method=m&sign_type=RSA2"
        );
        assert_eq!(sign_content(&params, true), "app_id=1&method=m");
    }

    #[test]
    fn the_signed_node_is_cut_from_the_bytes_received() {
        let text =
            r#"{"alipay_x_response":{"code":"10000","msg":"a \"}\" b","n":{"k":1}},"sign":"s"}"#;
        assert_eq!(
            raw_member(text, "alipay_x_response"),
            Some(r#"{"code":"10000","msg":"a \"}\" b","n":{"k":1}}"#)
        );
        assert_eq!(raw_member(text, "missing"), None);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_790), (2026, 12, 3));
        assert_eq!(yuan(10), "0.10");
    }
}
