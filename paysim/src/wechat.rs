//! A WeChat Pay merchant-transfer stand-in on loopback.
//!
//! It checks each request's `WECHATPAY2-SHA256-RSA2048` signature with the merchant's public
//! key (merchant id, certificate serial, a 5-minute timestamp window), keeps bills by
//! `out_bill_no` (a repeated create with the same parameters answers the same bill), signs
//! every answer with its own key, and sends `MCHTRANSFER.BILL.FINISHED` notifications with an
//! `AEAD_AES_256_GCM` resource under the APIv3 key and signed headers. The test drives the
//! player (confirm), the bank (fail), the merchant (cancel: `CANCELING`, then `CANCELLED`) and
//! time (expiry), and injects faults ([`Faults`]).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::clock::SimClock;
use crate::{random_text, unix_s_now};

/// A bill not confirmed within this is cancelled by WeChat Pay, in milliseconds (24 hours).
pub const UNCONFIRMED_LIFETIME_MS: u64 = 24 * 60 * 60 * 1000;
/// Requests signed further than this from the stand-in's clock are refused, in seconds.
pub const REQUEST_WINDOW_S: i64 = 300;
/// The smallest transfer: 0.1 yuan.
pub const TRANSFER_MIN_FEN: i64 = 10;
/// From this amount a real name (`user_name`) is required: 2,000 yuan.
pub const REAL_NAME_FROM_FEN: i64 = 200_000;
const BILLS_PATH: &str = "/v3/fund-app/mch-transfer/transfer-bills";
/// Not WeChat Pay's API: the stand-in's side of WeChat's confirmation page, which a test's
/// `wx.requestMerchantTransfer` posts `{"package": …}` to when the player confirms.
pub const CONFIRM_PATH: &str = "/standin/confirm";
/// The stand-in's "WeChat" for a browser, which has none: a page, clearly marked as the
/// stand-in's, listing the bills waiting for the player, each with the buttons below.
pub const PAGE_PATH: &str = "/standin/";
/// Also the stand-in's alone, each taking `{"package": …}` of a bill waiting for the player:
/// the player closes the page without confirming (nothing changes: the bill keeps waiting, as
/// WeChat's does, until cancelled or expired); the player confirms but the transfer fails (the
/// bank's refusal, `FAIL`); the day passes unconfirmed (`CANCELLED`, WeChat Pay's expiry).
pub const DECLINE_PATH: &str = "/standin/decline";
pub const FAIL_PATH: &str = "/standin/fail";
pub const EXPIRE_PATH: &str = "/standin/expire";
/// The reason a failed transfer gives (one of WeChat Pay's `fail_reason` codes).
pub const STANDIN_FAIL_REASON: &str = "PAYEE_ACCOUNT_ABNORMAL";

/// Who the stand-in serves.
#[derive(Clone)]
pub struct WechatConfig {
    pub mchid: String,
    pub app_id: String,
    /// The merchant certificate's serial that requests must name.
    pub merchant_serial: String,
    /// Verifies the merchant's requests.
    pub merchant_key: RsaPublicKey,
    pub apiv3_key: [u8; 32],
    /// The id of the stand-in's own key, sent as `Wechatpay-Serial`.
    pub platform_key_id: String,
}

/// Faults the test turns on; each applies until turned off.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// Every answer and notification waits this long first.
    pub delay_ms: u64,
    /// Each notification is sent this many extra times.
    pub duplicate: u32,
    /// Notifications are not sent at all.
    pub drop: bool,
    /// Notifications are held and sent newest first by [`WechatSim::release_held`].
    pub reorder: bool,
    /// Creates make the bill, then answer nothing for this long (the caller times out).
    pub hang_after_create_ms: u64,
    /// Creates are refused with this error code (HTTP 400) and make nothing.
    pub refuse_creates: Option<String>,
    /// Every call is answered 500 SYSTEM_ERROR and does nothing.
    pub unavailable: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimBill {
    pub out_bill_no: String,
    pub transfer_bill_no: String,
    pub openid: String,
    pub amount_fen: i64,
    pub state: String,
    pub fail_reason: Option<String>,
    pub package_info: String,
    pub notify_url: Option<String>,
    pub created_sim_ms: u64,
}

impl SimBill {
    fn view(&self, mchid: &str) -> Value {
        let mut view = json!({
            "mch_id": mchid,
            "out_bill_no": self.out_bill_no,
            "transfer_bill_no": self.transfer_bill_no,
            "state": self.state,
            "transfer_amount": self.amount_fen,
            "openid": self.openid,
        });
        if self.state == "WAIT_USER_CONFIRM" {
            view["package_info"] = json!(self.package_info);
        }
        if let Some(reason) = &self.fail_reason {
            view["fail_reason"] = json!(reason);
        }
        view
    }
}

/// A notification to send: URL, body, signed headers.
type Delivery = (String, Vec<u8>, Vec<(String, String)>);

struct Inner {
    config: WechatConfig,
    platform_key: RsaPrivateKey,
    clock: Arc<SimClock>,
    bills: Mutex<BTreeMap<String, SimBill>>,
    faults: Mutex<Faults>,
    held: Mutex<Vec<Delivery>>,
    /// Counts for tests: creates that made a new bill, and every request seen.
    creates: Mutex<u32>,
    requests: Mutex<u32>,
    client: reqwest::Client,
}

/// A running stand-in.
#[derive(Clone)]
pub struct WechatSim {
    inner: Arc<Inner>,
    pub base_url: String,
}

impl WechatSim {
    /// Starts on `address` (use port 0 for any) with a fresh key pair of its own.
    pub async fn start(
        config: WechatConfig,
        clock: Arc<SimClock>,
        address: SocketAddr,
    ) -> std::io::Result<WechatSim> {
        let platform_key =
            RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).map_err(std::io::Error::other)?;
        let inner = Arc::new(Inner {
            config,
            platform_key,
            clock,
            bills: Mutex::new(BTreeMap::new()),
            faults: Mutex::new(Faults::default()),
            held: Mutex::new(Vec::new()),
            creates: Mutex::new(0),
            requests: Mutex::new(0),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .map_err(std::io::Error::other)?,
        });
        let router = Router::new()
            .route(BILLS_PATH, post(create))
            .route(CONFIRM_PATH, post(confirm_page))
            .route(PAGE_PATH, get(waiting_page))
            .route(DECLINE_PATH, post(decline_page))
            .route(FAIL_PATH, post(fail_page))
            .route(EXPIRE_PATH, post(expire_page))
            .route(&format!("{BILLS_PATH}/out-bill-no/{{no}}"), get(query))
            .route(
                &format!("{BILLS_PATH}/out-bill-no/{{no}}/cancel"),
                post(cancel),
            )
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind(address).await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(WechatSim { inner, base_url })
    }

    /// The stand-in's public key: what the service is configured with as WeChat Pay's.
    pub fn platform_public_key(&self) -> RsaPublicKey {
        self.inner.platform_key.to_public_key()
    }

    pub fn set_faults(&self, faults: Faults) {
        *lock(&self.inner.faults) = faults;
    }

    pub fn bill(&self, out_bill_no: &str) -> Option<SimBill> {
        lock(&self.inner.bills).get(out_bill_no).cloned()
    }

    pub fn bills(&self) -> Vec<SimBill> {
        lock(&self.inner.bills).values().cloned().collect()
    }

    /// Creates that made a new bill (a repeated create of the same bill does not count).
    pub fn bills_created(&self) -> u32 {
        *lock(&self.inner.creates)
    }

    /// The player confirmed in WeChat and the money arrived.
    pub async fn confirm(&self, out_bill_no: &str) -> bool {
        self.finish(out_bill_no, "SUCCESS", None).await
    }

    /// The transfer failed after confirmation (e.g. the player's account is restricted).
    pub async fn fail(&self, out_bill_no: &str, reason: &str) -> bool {
        self.finish(out_bill_no, "FAIL", Some(reason)).await
    }

    /// Moves the test clock; unconfirmed bills older than 24 hours are cancelled and notified.
    pub async fn advance_clock(&self, by_ms: u64) {
        self.inner.clock.advance_ms(by_ms);
        let now_ms = self.inner.clock.now_ms();
        let expired: Vec<String> = lock(&self.inner.bills)
            .values()
            .filter(|bill| {
                bill.state == "WAIT_USER_CONFIRM"
                    && now_ms >= bill.created_sim_ms + UNCONFIRMED_LIFETIME_MS
            })
            .map(|bill| bill.out_bill_no.clone())
            .collect();
        for out_bill_no in expired {
            self.finish(&out_bill_no, "CANCELLED", Some("TRANSFER_EXPIRED"))
                .await;
        }
    }

    /// A notification about `resource` signed with the stand-in's own key at `timestamp_s`,
    /// as the test needs for replayed, stale or tampered deliveries.
    pub fn signed_notification(
        &self,
        resource: &Value,
        timestamp_s: i64,
    ) -> (Vec<(String, String)>, Vec<u8>) {
        let body = notification_body(&self.inner.config.apiv3_key, resource);
        let headers = sign_answer(
            &self.inner.platform_key,
            &self.inner.config.platform_key_id,
            timestamp_s,
            &body,
        );
        (headers, body)
    }

    /// The bill as the stand-in would describe it in a notification.
    pub fn bill_resource(&self, out_bill_no: &str) -> Option<Value> {
        self.bill(out_bill_no)
            .map(|bill| bill.view(&self.inner.config.mchid))
    }

    /// The merchant-transfer statement of every bill, as the merchant console's CSV download:
    /// a header row, one row per bill with backtick-prefixed fields, amounts in yuan, then a
    /// blank line and a summary.
    pub fn statement_csv(&self) -> String {
        let bills = self.bills();
        let mut text = String::from("转账时间,商家单号,微信单号,转账金额(元),转账状态\n");
        for bill in &bills {
            text.push_str(&format!(
                "`2026-01-01 00:00:00,`{},`{},`{}.{:02},`{}\n",
                bill.out_bill_no,
                bill.transfer_bill_no,
                bill.amount_fen / 100,
                bill.amount_fen % 100,
                bill.state
            ));
        }
        text.push_str(&format!("\n总笔数,{}\n", bills.len()));
        text
    }

    /// Sends the notifications held under [`Faults::reorder`], newest first.
    pub async fn release_held(&self) {
        let held: Vec<_> = std::mem::take(&mut *lock(&self.inner.held));
        for (url, body, headers) in held.into_iter().rev() {
            post_notification(&self.inner.client, &url, body, headers).await;
        }
    }

    /// Sends `bill`'s current state as a notification again, as WeChat Pay does until answered.
    pub async fn resend(&self, out_bill_no: &str) -> bool {
        let Some(bill) = self.bill(out_bill_no) else {
            return false;
        };
        notify(&self.inner, &bill).await;
        true
    }

    async fn finish(&self, out_bill_no: &str, state: &str, reason: Option<&str>) -> bool {
        let bill = {
            let mut bills = lock(&self.inner.bills);
            let Some(bill) = bills.get_mut(out_bill_no) else {
                return false;
            };
            if !matches!(
                bill.state.as_str(),
                "WAIT_USER_CONFIRM" | "ACCEPTED" | "PROCESSING" | "TRANSFERING"
            ) {
                return false;
            }
            bill.state = state.to_string();
            bill.fail_reason = reason.map(str::to_string);
            bill.clone()
        };
        notify(&self.inner, &bill).await;
        true
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The signed headers over `body`, with the stand-in's key.
pub fn sign_answer(
    key: &RsaPrivateKey,
    key_id: &str,
    timestamp_s: i64,
    body: &[u8],
) -> Vec<(String, String)> {
    let nonce = random_text(32);
    let mut message = format!("{timestamp_s}\n{nonce}\n").into_bytes();
    message.extend_from_slice(body);
    message.push(b'\n');
    let signature = SigningKey::<Sha256>::new(key.clone()).sign(&message);
    vec![
        ("wechatpay-serial".into(), key_id.into()),
        ("wechatpay-timestamp".into(), timestamp_s.to_string()),
        ("wechatpay-nonce".into(), nonce),
        (
            "wechatpay-signature".into(),
            BASE64.encode(signature.to_bytes()),
        ),
    ]
}

/// A `MCHTRANSFER.BILL.FINISHED` notification body for `resource` (the bill's JSON), encrypted
/// under `apiv3_key`.
pub fn notification_body(apiv3_key: &[u8; 32], resource: &Value) -> Vec<u8> {
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    let nonce = random_text(12);
    let associated_data = "mch_payment";
    let cipher = aes_gcm::Aes256Gcm::new(apiv3_key.into());
    let ciphertext = cipher
        .encrypt(
            aes_gcm::Nonce::from_slice(nonce.as_bytes()),
            Payload {
                msg: resource.to_string().as_bytes(),
                aad: associated_data.as_bytes(),
            },
        )
        .expect("AES-GCM encryption of a small message cannot fail");
    json!({
        "id": random_text(36),
        "create_time": "2026-01-01T00:00:00+08:00",
        "resource_type": "encrypt-resource",
        "event_type": "MCHTRANSFER.BILL.FINISHED",
        "summary": "商家转账单据终态通知",
        "resource": {
            "original_type": "mch_payment",
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": BASE64.encode(ciphertext),
            "associated_data": associated_data,
            "nonce": nonce,
        },
    })
    .to_string()
    .into_bytes()
}

async fn notify(inner: &Inner, bill: &SimBill) {
    let Some(url) = bill.notify_url.clone() else {
        return;
    };
    let faults = lock(&inner.faults).clone();
    if faults.drop {
        return;
    }
    let body = notification_body(&inner.config.apiv3_key, &bill.view(&inner.config.mchid));
    let headers = sign_answer(
        &inner.platform_key,
        &inner.config.platform_key_id,
        unix_s_now(),
        &body,
    );
    if faults.reorder {
        lock(&inner.held).push((url, body, headers));
        return;
    }
    tokio::time::sleep(Duration::from_millis(faults.delay_ms)).await;
    for _ in 0..=faults.duplicate {
        post_notification(&inner.client, &url, body.clone(), headers.clone()).await;
    }
}

async fn post_notification(
    client: &reqwest::Client,
    url: &str,
    body: Vec<u8>,
    headers: Vec<(String, String)>,
) {
    let mut request = client
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    // WeChat Pay retries an unanswered notification; the test resends explicitly instead.
    let _ = request.send().await;
}

/// Why a request is refused (HTTP 401 SIGN_ERROR).
fn check_signature(
    inner: &Inner,
    method: &str,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), String> {
    let authorization = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .ok_or("no Authorization header")?;
    let fields = authorization
        .strip_prefix("WECHATPAY2-SHA256-RSA2048 ")
        .ok_or("not WECHATPAY2-SHA256-RSA2048")?;
    let mut parts = BTreeMap::new();
    for part in fields.split(',') {
        let (name, value) = part.split_once('=').ok_or("malformed Authorization")?;
        parts.insert(name.trim(), value.trim().trim_matches('"'));
    }
    let field = |name: &str| parts.get(name).copied().ok_or(format!("no {name}"));
    if field("mchid")? != inner.config.mchid {
        return Err("mchid is not this merchant".into());
    }
    if field("serial_no")? != inner.config.merchant_serial {
        return Err("serial_no is not the merchant certificate's".into());
    }
    let timestamp: i64 = field("timestamp")?.parse().map_err(|_| "timestamp")?;
    if (timestamp - unix_s_now()).abs() > REQUEST_WINDOW_S {
        return Err("timestamp outside the window".into());
    }
    let message = format!(
        "{method}\n{path}\n{timestamp}\n{}\n{}\n",
        field("nonce_str")?,
        String::from_utf8_lossy(body)
    );
    let signature = BASE64
        .decode(field("signature")?)
        .ok()
        .and_then(|bytes| Signature::try_from(bytes.as_slice()).ok())
        .ok_or("signature is not base64 RSA")?;
    VerifyingKey::<Sha256>::new(inner.config.merchant_key.clone())
        .verify(message.as_bytes(), &signature)
        .map_err(|_| "the signature does not verify".to_string())
}

fn answer(inner: &Inner, status: StatusCode, body: Value) -> Response {
    let body = body.to_string().into_bytes();
    let headers = sign_answer(
        &inner.platform_key,
        &inner.config.platform_key_id,
        unix_s_now(),
        &body,
    );
    let mut response = (status, body).into_response();
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::from_bytes(name.as_bytes()),
            axum::http::HeaderValue::from_str(&value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response.headers_mut().insert(
        "content-type",
        axum::http::HeaderValue::from_static("application/json"),
    );
    response
}

fn error(inner: &Inner, status: StatusCode, code: &str, message: &str) -> Response {
    answer(inner, status, json!({ "code": code, "message": message }))
}

/// Common to every call: faults, counting, the signature.
async fn admit(
    inner: &Inner,
    method: &str,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Faults, Response> {
    *lock(&inner.requests) += 1;
    let faults = lock(&inner.faults).clone();
    tokio::time::sleep(Duration::from_millis(faults.delay_ms)).await;
    if faults.unavailable {
        return Err(error(
            inner,
            StatusCode::INTERNAL_SERVER_ERROR,
            "SYSTEM_ERROR",
            "stand-in told to fail",
        ));
    }
    check_signature(inner, method, path, headers, body)
        .map_err(|problem| error(inner, StatusCode::UNAUTHORIZED, "SIGN_ERROR", &problem))?;
    Ok(faults)
}

async fn create(State(inner): State<Arc<Inner>>, headers: HeaderMap, body: Bytes) -> Response {
    let faults = match admit(&inner, "POST", BILLS_PATH, &headers, &body).await {
        Ok(faults) => faults,
        Err(response) => return response,
    };
    let request: Value = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(_) => {
            return error(
                &inner,
                StatusCode::BAD_REQUEST,
                "PARAM_ERROR",
                "body is not JSON",
            )
        }
    };
    let text = |name: &str| request[name].as_str().unwrap_or_default().to_string();
    let amount_fen = request["transfer_amount"].as_i64().unwrap_or(0);
    let problem = if text("appid") != inner.config.app_id {
        Some("appid is not bound to this merchant")
    } else if text("out_bill_no").is_empty()
        || text("out_bill_no").len() > 32
        || !text("out_bill_no")
            .chars()
            .all(|c| c.is_ascii_alphanumeric())
    {
        Some("out_bill_no must be 1 to 32 letters or digits")
    } else if text("openid").is_empty() || text("transfer_scene_id").is_empty() {
        Some("openid and transfer_scene_id are required")
    } else if amount_fen < TRANSFER_MIN_FEN {
        Some("transfer_amount is below 0.1 yuan")
    } else if amount_fen >= REAL_NAME_FROM_FEN && request["user_name"].is_null() {
        Some("user_name is required from 2,000 yuan")
    } else if text("transfer_remark").chars().count() > 32 {
        Some("transfer_remark is over 32 characters")
    } else if !request["transfer_scene_report_infos"].is_array() {
        Some("transfer_scene_report_infos is required")
    } else {
        None
    };
    if let Some(problem) = problem {
        return error(&inner, StatusCode::BAD_REQUEST, "PARAM_ERROR", problem);
    }
    if let Some(code) = &faults.refuse_creates {
        return error(
            &inner,
            StatusCode::BAD_REQUEST,
            code,
            "stand-in told to refuse",
        );
    }
    let out_bill_no = text("out_bill_no");
    let bill = {
        let mut bills = lock(&inner.bills);
        if let Some(existing) = bills.get(&out_bill_no) {
            if existing.amount_fen != amount_fen || existing.openid != text("openid") {
                return error(
                    &inner,
                    StatusCode::BAD_REQUEST,
                    "INVALID_REQUEST",
                    "out_bill_no was used for another transfer",
                );
            }
            existing.clone()
        } else {
            let bill = SimBill {
                out_bill_no: out_bill_no.clone(),
                transfer_bill_no: format!("1330{}", random_digits(24)),
                openid: text("openid"),
                amount_fen,
                state: "WAIT_USER_CONFIRM".into(),
                fail_reason: None,
                package_info: format!("ABBQO+oYAAABAAAAAAB{}", random_text(24)),
                notify_url: request["notify_url"].as_str().map(str::to_string),
                created_sim_ms: inner.clock.now_ms(),
            };
            bills.insert(out_bill_no.clone(), bill.clone());
            *lock(&inner.creates) += 1;
            bill
        }
    };
    if faults.hang_after_create_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.hang_after_create_ms)).await;
    }
    let mut view = bill.view(&inner.config.mchid);
    view["create_time"] = json!("2026-01-01T00:00:00+08:00");
    answer(&inner, StatusCode::OK, view)
}

async fn query(
    State(inner): State<Arc<Inner>>,
    Path(no): Path<String>,
    headers: HeaderMap,
) -> Response {
    let path = format!("{BILLS_PATH}/out-bill-no/{no}");
    if let Err(response) = admit(&inner, "GET", &path, &headers, b"").await {
        return response;
    }
    match lock(&inner.bills).get(&no) {
        Some(bill) => answer(&inner, StatusCode::OK, bill.view(&inner.config.mchid)),
        None => error(&inner, StatusCode::NOT_FOUND, "NOT_FOUND", "no such bill"),
    }
}

async fn cancel(
    State(inner): State<Arc<Inner>>,
    Path(no): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = format!("{BILLS_PATH}/out-bill-no/{no}/cancel");
    if let Err(response) = admit(&inner, "POST", &path, &headers, &body).await {
        return response;
    }
    // WeChat Pay accepts the cancel (`CANCELING`) and finishes it asynchronously (`CANCELLED`,
    // notified); a bill already cancelling or cancelled answers its state again.
    let (bill, accepted) = {
        let mut bills = lock(&inner.bills);
        let Some(bill) = bills.get_mut(&no) else {
            return error(&inner, StatusCode::NOT_FOUND, "NOT_FOUND", "no such bill");
        };
        match bill.state.as_str() {
            "WAIT_USER_CONFIRM" => {
                bill.state = "CANCELING".into();
                (bill.clone(), true)
            }
            "CANCELING" | "CANCELLED" => (bill.clone(), false),
            _ => {
                return error(
                    &inner,
                    StatusCode::BAD_REQUEST,
                    "INVALID_REQUEST",
                    "only an unconfirmed bill can be cancelled",
                )
            }
        }
    };
    if accepted {
        let inner = inner.clone();
        let no = no.clone();
        tokio::spawn(async move {
            let cancelled = {
                let mut bills = lock(&inner.bills);
                bills.get_mut(&no).map(|bill| {
                    bill.state = "CANCELLED".into();
                    bill.clone()
                })
            };
            if let Some(bill) = cancelled {
                notify(&inner, &bill).await;
            }
        });
    }
    answer(&inner, StatusCode::OK, bill.view(&inner.config.mchid))
}

/// The player confirmed the bill whose `package_info` the client was given.
async fn confirm_page(State(inner): State<Arc<Inner>>, body: Bytes) -> Response {
    finish_waiting(&inner, &body, "SUCCESS", None).await
}

/// The player confirmed, and the transfer to them failed.
async fn fail_page(State(inner): State<Arc<Inner>>, body: Bytes) -> Response {
    finish_waiting(&inner, &body, "FAIL", Some(STANDIN_FAIL_REASON)).await
}

/// A day passed without the player's confirmation.
async fn expire_page(State(inner): State<Arc<Inner>>, body: Bytes) -> Response {
    finish_waiting(&inner, &body, "CANCELLED", Some("TRANSFER_EXPIRED")).await
}

/// The player closed the page: the bill still waits (404 when there is no such bill).
async fn decline_page(State(inner): State<Arc<Inner>>, body: Bytes) -> Response {
    let package = package_of(&body);
    let waiting = lock(&inner.bills)
        .values()
        .any(|bill| bill.package_info == package && bill.state == "WAIT_USER_CONFIRM");
    if waiting {
        StatusCode::NO_CONTENT.into_response()
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

fn package_of(body: &[u8]) -> String {
    let body: Value = serde_json::from_slice(body).unwrap_or_default();
    body["package"].as_str().unwrap_or_default().to_string()
}

/// Moves the waiting bill whose package `body` names into `state` and notifies it.
async fn finish_waiting(inner: &Inner, body: &[u8], state: &str, reason: Option<&str>) -> Response {
    let package = package_of(body);
    let bill = {
        let mut bills = lock(&inner.bills);
        let Some(bill) = bills
            .values_mut()
            .find(|bill| bill.package_info == package && bill.state == "WAIT_USER_CONFIRM")
        else {
            return StatusCode::NOT_FOUND.into_response();
        };
        bill.state = state.into();
        bill.fail_reason = reason.map(str::to_string);
        bill.clone()
    };
    notify(inner, &bill).await;
    StatusCode::NO_CONTENT.into_response()
}

/// The bills waiting for the player, each with what a player (or a test) can make happen.
async fn waiting_page(State(inner): State<Arc<Inner>>) -> Response {
    let mut rows = String::new();
    for bill in lock(&inner.bills).values() {
        if bill.state != "WAIT_USER_CONFIRM" {
            continue;
        }
        // Packages and bill numbers are the stand-in's own letters and digits, safe in HTML;
        // the package travels as a JSON string all the same.
        let package = serde_json::to_string(&bill.package_info).unwrap_or_default();
        rows.push_str(&format!(
            "<li data-bill=\"{no}\"><strong>&yen;{yuan}.{fen:02}</strong> <code>{no}</code>\
             <button data-action=\"confirm\" data-package='{package}'>Confirm receipt</button>\
             <button data-action=\"decline\" data-package='{package}'>Close without confirming</button>\
             <button data-action=\"fail\" data-package='{package}'>Confirm, then the transfer fails</button>\
             <button data-action=\"expire\" data-package='{package}'>Let a day pass unconfirmed</button></li>",
            no = bill.out_bill_no,
            yuan = bill.amount_fen / 100,
            fen = bill.amount_fen % 100,
        ));
    }
    if rows.is_empty() {
        rows.push_str("<li>No bill waits for you. Withdraw in the game, then reload.</li>");
    }
    axum::response::Html(WAITING_PAGE.replace("{rows}", &rows)).into_response()
}

/// WeChat's confirmation page as the stand-in draws it: obviously not WeChat.
const WAITING_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>WeChat Pay stand-in</title>
<style>
body { font: 16px system-ui, sans-serif; margin: 0; padding: 16px; background: #fff7e0; }
p.banner { background: #c62828; color: #fff; padding: 8px; border-radius: 6px; }
ul { list-style: none; padding: 0; }
li { background: #fff; border-radius: 8px; padding: 12px; margin: 12px 0; }
button { display: block; width: 100%; min-height: 44px; margin: 8px 0; font-size: 16px; }
</style></head><body>
<p class="banner">WeChat Pay stand-in (paysim): not WeChat, and no money moves. These are the
merchant transfers waiting for the player's confirmation, as WeChat would show them.</p>
<ul>{rows}</ul>
<script>
for (const button of document.querySelectorAll('button[data-action]')) {
  button.addEventListener('click', async () => {
    const body = JSON.stringify({ package: JSON.parse(button.dataset.package) });
    await fetch('/standin/' + button.dataset.action, { method: 'POST', body });
    location.reload();
  });
}
</script></body></html>
"#;

fn random_digits(count: usize) -> String {
    random_text(count)
        .bytes()
        .map(|byte| char::from(b'0' + byte % 10))
        .collect()
}
