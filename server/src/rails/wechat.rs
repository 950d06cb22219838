//! WeChat Pay's merchant transfer with the player's confirmation (商家转账, the flow since
//! 2025): `POST /v3/fund-app/mch-transfer/transfer-bills` creates a bill numbered by the
//! withdrawal id and answers `WAIT_USER_CONFIRM` with a `package_info` the client hands to
//! `wx.requestMerchantTransfer`; the outcome arrives as a signed `MCHTRANSFER.BILL.FINISHED`
//! notification and can always be queried by bill number.

use std::time::Duration;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use sha2::Sha256;

use super::provider::{Bill, CallError, CallFuture, Provider, Report};
use super::{Evidence, PayoutState, Source};

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

/// The signature scheme named in our `Authorization` header.
pub const AUTH_SCHEME: &str = "WECHATPAY2-SHA256-RSA2048";
/// Creating a transfer bill.
pub const TRANSFER_BILLS_PATH: &str = "/v3/fund-app/mch-transfer/transfer-bills";
/// The notification event that ends a bill.
pub const BILL_FINISHED_EVENT: &str = "MCHTRANSFER.BILL.FINISHED";
/// An answer or notification whose `Wechatpay-Timestamp` is further than this from our clock
/// is refused as stale or replayed, in seconds (WeChat Pay's own request window is 5 minutes).
pub const TIMESTAMP_WINDOW_S: i64 = 300;
/// Bound on one call to WeChat Pay, in seconds. An unanswered create is resolved by querying.
pub const CALL_TIMEOUT_S: u64 = 10;
/// Largest answer or notification body read, in bytes (a bill's JSON is a few hundred bytes).
pub const BODY_BYTES_MAX: usize = 64 * 1024;
/// What the player sees as the payer's reason (用户收款感知), one of the scene's fixed phrases.
const USER_RECV_PERCEPTION: &str = "活动奖励";
/// The remark shown with the transfer, at most 32 characters.
const TRANSFER_REMARK: &str = "游戏奖励提现";

/// The WeChat Pay state names and what they mean here. `CANCELING` moves nothing (the outcome
/// follows); `CANCELLED` of a bill we never asked to cancel is the 24-hour expiry.
pub fn payout_state(provider_state: &str, cancel_requested: bool) -> Option<PayoutState> {
    match provider_state {
        "ACCEPTED" | "PROCESSING" | "TRANSFERING" => Some(PayoutState::Submitted),
        "WAIT_USER_CONFIRM" => Some(PayoutState::AwaitingConfirmation),
        "SUCCESS" => Some(PayoutState::Succeeded),
        "FAIL" => Some(PayoutState::Failed),
        "CANCELLED" if cancel_requested => Some(PayoutState::Cancelled),
        "CANCELLED" => Some(PayoutState::Expired),
        _ => None,
    }
}

/// The five-line message a request signature covers.
pub fn request_message(
    method: &str,
    path: &str,
    timestamp: i64,
    nonce: &str,
    body: &str,
) -> String {
    format!("{method}\n{path}\n{timestamp}\n{nonce}\n{body}\n")
}

/// The three-line message an answer's or notification's signature covers.
pub fn answer_message(timestamp: &str, nonce: &str, body: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(body.len() + 64);
    message.extend_from_slice(timestamp.as_bytes());
    message.push(b'\n');
    message.extend_from_slice(nonce.as_bytes());
    message.push(b'\n');
    message.extend_from_slice(body);
    message.push(b'\n');
    message
}

/// The signed headers of an answer or a notification.
#[derive(Clone, Debug, Default)]
pub struct SignedHeaders {
    pub serial: String,
    pub signature: String,
    pub timestamp: String,
    pub nonce: String,
}

impl SignedHeaders {
    pub fn from_headers(headers: &axum::http::HeaderMap) -> Result<SignedHeaders, Refusal> {
        let get = |name: &'static str| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_string)
                .ok_or(Refusal::MissingHeader(name))
        };
        Ok(SignedHeaders {
            serial: get("wechatpay-serial")?,
            signature: get("wechatpay-signature")?,
            timestamp: get("wechatpay-timestamp")?,
            nonce: get("wechatpay-nonce")?,
        })
    }
}

/// Why an answer or a notification from "WeChat Pay" is not believed. Nothing is changed for
/// it; the reason is logged.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("no {0} header")]
    MissingHeader(&'static str),
    #[error("signed by key {found:?}, not WeChat Pay's configured key {expected:?}")]
    UnknownSerial { found: String, expected: String },
    #[error("timestamp {0:?} is not a number")]
    BadTimestamp(String),
    #[error("timestamp {timestamp_s} s is {skew_s} s from our clock (window {TIMESTAMP_WINDOW_S} s): stale or replayed")]
    Stale { timestamp_s: i64, skew_s: i64 },
    #[error("the signature does not verify")]
    BadSignature,
    #[error("the body is not what it should be: {0}")]
    Malformed(String),
    #[error("the resource does not decrypt with the APIv3 key")]
    Undecryptable,
    #[error("the bill {field} is {found:?}, ours is {expected:?}")]
    Mismatch {
        field: &'static str,
        found: String,
        expected: String,
    },
}

/// Checks the signed headers over `body`: the key id, the timestamp window, the signature.
pub fn verify_signed(
    credentials: &WechatCredentials,
    headers: &SignedHeaders,
    body: &[u8],
    now_ms: u64,
) -> Result<(), Refusal> {
    if headers.serial != credentials.platform_key_id {
        return Err(Refusal::UnknownSerial {
            found: headers.serial.clone(),
            expected: credentials.platform_key_id.clone(),
        });
    }
    let timestamp_s: i64 = headers
        .timestamp
        .parse()
        .map_err(|_| Refusal::BadTimestamp(headers.timestamp.clone()))?;
    let skew_s = timestamp_s - (now_ms / 1000) as i64;
    if skew_s.abs() > TIMESTAMP_WINDOW_S {
        return Err(Refusal::Stale {
            timestamp_s,
            skew_s,
        });
    }
    let signature = BASE64
        .decode(&headers.signature)
        .ok()
        .and_then(|bytes| Signature::try_from(bytes.as_slice()).ok())
        .ok_or(Refusal::BadSignature)?;
    VerifyingKey::<Sha256>::new(credentials.platform_key.clone())
        .verify(
            &answer_message(&headers.timestamp, &headers.nonce, body),
            &signature,
        )
        .map_err(|_| Refusal::BadSignature)
}

/// Decrypts a notification's `AEAD_AES_256_GCM` resource with the APIv3 key.
pub fn decrypt_resource(
    apiv3_key: &[u8; 32],
    nonce: &str,
    associated_data: &str,
    ciphertext_base64: &str,
) -> Result<Vec<u8>, Refusal> {
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    // WeChat Pay's nonce is 12 ASCII characters, used as the 96-bit GCM nonce as is.
    if nonce.len() != 12 {
        return Err(Refusal::Malformed(format!(
            "resource nonce of {} bytes",
            nonce.len()
        )));
    }
    let ciphertext = BASE64
        .decode(ciphertext_base64)
        .map_err(|_| Refusal::Malformed("resource ciphertext is not base64".into()))?;
    let cipher = aes_gcm::Aes256Gcm::new(apiv3_key.into());
    cipher
        .decrypt(
            aes_gcm::Nonce::from_slice(nonce.as_bytes()),
            Payload {
                msg: &ciphertext,
                aad: associated_data.as_bytes(),
            },
        )
        .map_err(|_| Refusal::Undecryptable)
}

/// A bill as WeChat Pay describes it (answers to create and query, decrypted notifications).
#[derive(Clone, Debug, serde::Deserialize)]
pub struct BillView {
    pub out_bill_no: String,
    #[serde(default)]
    pub transfer_bill_no: Option<String>,
    pub state: String,
    #[serde(default)]
    pub package_info: Option<String>,
    #[serde(default)]
    pub transfer_amount: Option<i64>,
    #[serde(default)]
    pub mch_id: Option<String>,
    #[serde(default)]
    pub fail_reason: Option<String>,
}

impl BillView {
    /// The report this view makes, with the payload's hash and the fields read.
    pub fn report(&self, source: Source, payload: &[u8], cancel_requested: bool) -> Report {
        let mut fields = serde_json::Map::new();
        fields.insert("out_bill_no".into(), self.out_bill_no.clone().into());
        let optional = [
            ("transfer_bill_no", &self.transfer_bill_no),
            ("package_info", &self.package_info),
            ("fail_reason", &self.fail_reason),
            ("mch_id", &self.mch_id),
        ];
        for (name, value) in optional {
            if let Some(value) = value {
                fields.insert(name.into(), value.clone().into());
            }
        }
        if let Some(amount_fen) = self.transfer_amount {
            fields.insert("transfer_amount".into(), amount_fen.into());
        }
        Report {
            to: payout_state(&self.state, cancel_requested),
            evidence: Evidence::of_payload(source, payload, Some(&self.state), fields),
        }
    }
}

/// A verified, decrypted `MCHTRANSFER.BILL.FINISHED` notification.
pub fn read_notification(
    credentials: &WechatCredentials,
    headers: &SignedHeaders,
    body: &[u8],
    now_ms: u64,
) -> Result<(BillView, Vec<u8>), Refusal> {
    verify_signed(credentials, headers, body, now_ms)?;
    #[derive(serde::Deserialize)]
    struct Notification {
        event_type: String,
        resource: Resource,
    }
    #[derive(serde::Deserialize)]
    struct Resource {
        algorithm: String,
        ciphertext: String,
        #[serde(default)]
        associated_data: String,
        nonce: String,
    }
    let notification: Notification =
        serde_json::from_slice(body).map_err(|error| Refusal::Malformed(error.to_string()))?;
    if notification.event_type != BILL_FINISHED_EVENT {
        return Err(Refusal::Malformed(format!(
            "event {:?}",
            notification.event_type
        )));
    }
    if notification.resource.algorithm != "AEAD_AES_256_GCM" {
        return Err(Refusal::Malformed(format!(
            "algorithm {:?}",
            notification.resource.algorithm
        )));
    }
    let plain = decrypt_resource(
        &credentials.apiv3_key,
        &notification.resource.nonce,
        &notification.resource.associated_data,
        &notification.resource.ciphertext,
    )?;
    let bill: BillView =
        serde_json::from_slice(&plain).map_err(|error| Refusal::Malformed(error.to_string()))?;
    if let Some(mch_id) = &bill.mch_id {
        if mch_id != &credentials.mchid {
            return Err(Refusal::Mismatch {
                field: "mch_id",
                found: mch_id.clone(),
                expected: credentials.mchid.clone(),
            });
        }
    }
    Ok((bill, plain))
}

/// The WeChat Pay client: signs requests, verifies answers.
pub struct WechatProvider {
    credentials: WechatCredentials,
    client: reqwest::Client,
    clock: std::sync::Arc<dyn crate::clock::Clock>,
}

impl WechatProvider {
    /// A client whose calls give up after `timeout` (production: [`CALL_TIMEOUT_S`]).
    pub fn new(
        credentials: WechatCredentials,
        clock: std::sync::Arc<dyn crate::clock::Clock>,
        timeout: Duration,
    ) -> Result<WechatProvider, reqwest::Error> {
        let client = reqwest::Client::builder().timeout(timeout).build()?;
        Ok(WechatProvider {
            credentials,
            client,
            clock,
        })
    }

    fn authorization(&self, method: &str, path: &str, body: &str) -> String {
        let timestamp = (self.clock.now_ms() / 1000) as i64;
        let nonce = super::random_token();
        let message = request_message(method, path, timestamp, &nonce, body);
        let signature = SigningKey::<Sha256>::new(self.credentials.merchant_key.clone())
            .sign(message.as_bytes());
        format!(
            "{AUTH_SCHEME} mchid=\"{}\",nonce_str=\"{nonce}\",signature=\"{}\",timestamp=\"{timestamp}\",serial_no=\"{}\"",
            self.credentials.mchid,
            BASE64.encode(signature.to_bytes()),
            self.credentials.merchant_serial
        )
    }

    /// Sends one signed request and returns the verified answer's status and body.
    async fn call(
        &self,
        method: &str,
        path: &str,
        body: String,
    ) -> Result<(u16, Vec<u8>), CallError> {
        let url = format!("{}{path}", self.credentials.base_url);
        let request = match method {
            "GET" => self.client.get(url),
            _ => self.client.post(url).body(body.clone()),
        };
        let response = request
            .header("authorization", self.authorization(method, path, &body))
            .header("accept", "application/json")
            .header("content-type", "application/json")
            .header("wechatpay-serial", &self.credentials.platform_key_id)
            .send()
            .await
            .map_err(|error| CallError::Transient(format!("WeChat Pay unreachable: {error}")))?;
        let status = response.status().as_u16();
        let headers = SignedHeaders::from_headers(response.headers());
        let bytes = response.bytes().await.map_err(|error| {
            CallError::Transient(format!("reading WeChat Pay's answer: {error}"))
        })?;
        if bytes.len() > BODY_BYTES_MAX {
            return Err(CallError::Transient(format!(
                "an answer of {} bytes",
                bytes.len()
            )));
        }
        // Every answer, errors included, is signed; an unsigned one did not come from WeChat Pay.
        let headers = headers.map_err(|refusal| CallError::Unverified(refusal.to_string()))?;
        verify_signed(&self.credentials, &headers, &bytes, self.clock.now_ms())
            .map_err(|refusal| CallError::Unverified(refusal.to_string()))?;
        Ok((status, bytes.to_vec()))
    }

    fn bill_report(
        &self,
        status: u16,
        bytes: &[u8],
        source: Source,
        bill: &Bill,
        cancel_requested: bool,
    ) -> Result<Report, CallError> {
        match status {
            200..=299 => {
                let view: BillView = serde_json::from_slice(bytes)
                    .map_err(|error| CallError::Unverified(format!("answer: {error}")))?;
                if view.out_bill_no != bill.withdrawal_id {
                    return Err(CallError::Unverified(format!(
                        "answer names bill {:?}, asked for {:?}",
                        view.out_bill_no, bill.withdrawal_id
                    )));
                }
                if let Some(amount_fen) = view.transfer_amount {
                    if amount_fen != bill.amount_fen {
                        return Err(CallError::Unverified(format!(
                            "answer says {amount_fen} fen, the bill is {} fen",
                            bill.amount_fen
                        )));
                    }
                }
                Ok(view.report(source, bytes, cancel_requested))
            }
            404 => Err(CallError::NotFound),
            429 | 500..=599 => Err(CallError::Transient(error_text(status, bytes))),
            _ => Err(CallError::Refused(error_text(status, bytes))),
        }
    }
}

/// WeChat Pay's error body `{"code": …, "message": …}` in one line.
fn error_text(status: u16, bytes: &[u8]) -> String {
    let body: serde_json::Value = serde_json::from_slice(bytes).unwrap_or_default();
    format!(
        "HTTP {status} {} {}",
        body["code"].as_str().unwrap_or("?"),
        body["message"].as_str().unwrap_or("")
    )
}

impl Provider for WechatProvider {
    fn create<'a>(&'a self, bill: &'a Bill) -> CallFuture<'a> {
        Box::pin(async move {
            let body = serde_json::json!({
                "appid": self.credentials.app_id,
                "out_bill_no": bill.withdrawal_id,
                "transfer_scene_id": self.credentials.scene_id,
                "openid": openid(&bill.player_id),
                "transfer_amount": bill.amount_fen,
                "transfer_remark": TRANSFER_REMARK,
                "notify_url": self.credentials.notify_url,
                "user_recv_perception": USER_RECV_PERCEPTION,
                "transfer_scene_report_infos": [
                    { "info_type": "活动名称", "info_content": "游戏奖励" },
                    { "info_type": "奖励说明", "info_content": "游戏得分奖励提现" },
                ],
            })
            .to_string();
            let (status, bytes) = self.call("POST", TRANSFER_BILLS_PATH, body).await?;
            self.bill_report(status, &bytes, Source::Create, bill, false)
        })
    }

    fn query<'a>(&'a self, bill: &'a Bill, cancel_requested: bool) -> CallFuture<'a> {
        Box::pin(async move {
            let path = format!("{TRANSFER_BILLS_PATH}/out-bill-no/{}", bill.withdrawal_id);
            let (status, bytes) = self.call("GET", &path, String::new()).await?;
            self.bill_report(status, &bytes, Source::Query, bill, cancel_requested)
        })
    }

    fn cancel<'a>(&'a self, bill: &'a Bill) -> CallFuture<'a> {
        Box::pin(async move {
            let path = format!(
                "{TRANSFER_BILLS_PATH}/out-bill-no/{}/cancel",
                bill.withdrawal_id
            );
            let (status, bytes) = self.call("POST", &path, String::new()).await?;
            self.bill_report(status, &bytes, Source::Cancel, bill, true)
        })
    }
}

/// The payee's openid: WeChat players' ids are `wx-<openid>` (`auth.rs`); other ids (dev logins
/// against the stand-ins) are passed as they are.
pub fn openid(player_id: &str) -> &str {
    player_id.strip_prefix("wx-").unwrap_or(player_id)
}
