//! An Alipay open-platform gateway stand-in on loopback, for `alipay.fund.trans.uni.transfer`
//! and `alipay.fund.trans.order.query`.
//!
//! It checks each request's RSA2 signature (SHA256withRSA over the sorted `name=value`
//! parameters but `sign`) with the app's public key, keeps orders by `out_biz_no` (a repeated
//! transfer with the same amount answers the same order), signs each response node with its
//! own key, and posts `alipay.fund.trans.order.changed` notifications, form-encoded and signed,
//! expecting the body `success`.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::random_text;

pub const GATEWAY_PATH: &str = "/gateway.do";
/// The smallest transfer: 0.1 yuan.
pub const TRANSFER_MIN_FEN: i64 = 10;

#[derive(Clone)]
pub struct AlipayConfig {
    pub app_id: String,
    /// Verifies the app's requests.
    pub app_key: RsaPublicKey,
}

/// Faults the test turns on.
#[derive(Clone, Debug, Default)]
pub struct AlipayFaults {
    /// Each notification is sent this many extra times.
    pub duplicate: u32,
    /// Notifications are not sent.
    pub drop: bool,
    /// Transfers make the order, then answer nothing for this long.
    pub hang_after_create_ms: u64,
    /// Transfers are refused with this `sub_code` (code 40004) and make nothing.
    pub refuse_creates: Option<String>,
    /// Every call is answered code 20000 (service unavailable) and does nothing.
    pub unavailable: bool,
    /// New orders stay `DEALING` until [`AlipaySim::complete`] or [`AlipaySim::fail`].
    pub defer_outcome: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimOrder {
    pub out_biz_no: String,
    pub order_id: String,
    pub amount_fen: i64,
    pub payee: String,
    pub status: String,
    pub notify_url: Option<String>,
}

impl SimOrder {
    fn view(&self) -> Value {
        json!({
            "out_biz_no": self.out_biz_no,
            "order_id": self.order_id,
            "pay_fund_order_id": format!("{}01", self.order_id),
            "status": self.status,
            "trans_amount": format!("{}.{:02}", self.amount_fen / 100, self.amount_fen % 100),
            "trans_date": "2026-01-01 00:00:00",
        })
    }
}

struct Inner {
    config: AlipayConfig,
    alipay_key: RsaPrivateKey,
    orders: Mutex<BTreeMap<String, SimOrder>>,
    faults: Mutex<AlipayFaults>,
    creates: Mutex<u32>,
    client: reqwest::Client,
}

#[derive(Clone)]
pub struct AlipaySim {
    inner: Arc<Inner>,
    /// The gateway URL (`…/gateway.do`).
    pub gateway: String,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl AlipaySim {
    pub async fn start(config: AlipayConfig, address: SocketAddr) -> std::io::Result<AlipaySim> {
        let alipay_key =
            RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).map_err(std::io::Error::other)?;
        let inner = Arc::new(Inner {
            config,
            alipay_key,
            orders: Mutex::new(BTreeMap::new()),
            faults: Mutex::new(AlipayFaults::default()),
            creates: Mutex::new(0),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .map_err(std::io::Error::other)?,
        });
        let router = Router::new()
            .route(GATEWAY_PATH, post(gateway))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind(address).await?;
        let gateway = format!("http://{}{GATEWAY_PATH}", listener.local_addr()?);
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(AlipaySim { inner, gateway })
    }

    /// The stand-in's public key: what the service is configured with as Alipay's.
    pub fn alipay_public_key(&self) -> RsaPublicKey {
        self.inner.alipay_key.to_public_key()
    }

    pub fn set_faults(&self, faults: AlipayFaults) {
        *lock(&self.inner.faults) = faults;
    }

    pub fn order(&self, out_biz_no: &str) -> Option<SimOrder> {
        lock(&self.inner.orders).get(out_biz_no).cloned()
    }

    /// Transfers that made a new order.
    pub fn orders_created(&self) -> u32 {
        *lock(&self.inner.creates)
    }

    /// A `DEALING` order succeeds, and the merchant is notified.
    pub async fn complete(&self, out_biz_no: &str) -> bool {
        self.finish(out_biz_no, "SUCCESS").await
    }

    /// A `DEALING` order fails, and the merchant is notified.
    pub async fn fail(&self, out_biz_no: &str) -> bool {
        self.finish(out_biz_no, "FAIL").await
    }

    /// Sends the order's current state as a notification again.
    pub async fn resend(&self, out_biz_no: &str) -> bool {
        match self.order(out_biz_no) {
            Some(order) => {
                notify(&self.inner, &order).await;
                true
            }
            None => false,
        }
    }

    /// A notification about `order_view` signed with `key` (the stand-in's own, or a forger's).
    pub fn signed_notification(&self, order_view: &Value, key: Option<&RsaPrivateKey>) -> Vec<u8> {
        notification_form(
            key.unwrap_or(&self.inner.alipay_key),
            &self.inner.config.app_id,
            order_view,
        )
    }

    /// The merchant's account statement (账务明细, UTF-8) as Alipay lays it out: `#` lines
    /// above and below the table, one row per movement of the balance, fields padded with a
    /// tab; a successful transfer is money out under its `out_biz_no`, a failed one moved
    /// nothing and has no row.
    pub fn statement_csv(&self) -> String {
        let mut text = String::from(
            "#支付宝账务明细查询\n#账号：[20880000000000000000]\n#起始日期：[2026年01月01日 00:00:00]\n\
             账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,\
             支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注\n",
        );
        let orders = lock(&self.inner.orders);
        let paid: Vec<&SimOrder> = orders
            .values()
            .filter(|order| order.status == "SUCCESS")
            .collect();
        for (n, order) in paid.iter().enumerate() {
            text.push_str(&format!(
                "{:020}\t,{}\t,{}\t,,2026-01-01 00:00:00,{}\t,,-{}.{:02},,,转账,\n",
                n + 1,
                order.order_id,
                order.out_biz_no,
                order.payee,
                order.amount_fen / 100,
                order.amount_fen % 100
            ));
        }
        text.push_str("#-----------------------------------------账务明细列表结束------------------------------------\n");
        text.push_str(&format!("#支出合计：{}笔\n", paid.len()));
        text
    }

    pub fn order_view(&self, out_biz_no: &str) -> Option<Value> {
        self.order(out_biz_no).map(|order| order.view())
    }

    async fn finish(&self, out_biz_no: &str, status: &str) -> bool {
        let order = {
            let mut orders = lock(&self.inner.orders);
            let Some(order) = orders.get_mut(out_biz_no) else {
                return false;
            };
            if order.status != "DEALING" {
                return false;
            }
            order.status = status.to_string();
            order.clone()
        };
        notify(&self.inner, &order).await;
        true
    }
}

/// Alipay's sign content: sorted `name=value` of the non-empty parameters but those excluded.
fn sign_content(params: &BTreeMap<String, String>, excluded: &[&str]) -> String {
    params
        .iter()
        .filter(|(name, value)| !excluded.contains(&name.as_str()) && !value.is_empty())
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn sign(key: &RsaPrivateKey, content: &[u8]) -> String {
    BASE64.encode(
        SigningKey::<Sha256>::new(key.clone())
            .sign(content)
            .to_bytes(),
    )
}

fn notification_form(key: &RsaPrivateKey, app_id: &str, order_view: &Value) -> Vec<u8> {
    let mut params: BTreeMap<String, String> = [
        ("notify_id", random_text(32)),
        ("utc_timestamp", (crate::unix_s_now() * 1000).to_string()),
        ("msg_method", "alipay.fund.trans.order.changed".to_string()),
        ("app_id", app_id.to_string()),
        ("version", "1.1".to_string()),
        ("charset", "utf-8".to_string()),
        ("biz_content", order_view.to_string()),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_string(), value))
    .collect();
    let signature = sign(
        key,
        sign_content(&params, &["sign", "sign_type"]).as_bytes(),
    );
    params.insert("sign".into(), signature);
    params.insert("sign_type".into(), "RSA2".into());
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter())
        .finish()
        .into_bytes()
}

async fn notify(inner: &Inner, order: &SimOrder) {
    let Some(url) = order.notify_url.clone() else {
        return;
    };
    let faults = lock(&inner.faults).clone();
    if faults.drop {
        return;
    }
    let body = notification_form(&inner.alipay_key, &inner.config.app_id, &order.view());
    for _ in 0..=faults.duplicate {
        let _ = inner
            .client
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
            .await;
    }
}

/// The signed response `{"<method>_response": node, "sign": …}`, node signed as sent.
fn respond(inner: &Inner, method: &str, node: Value) -> Response {
    let node_text = node.to_string();
    let signature = sign(&inner.alipay_key, node_text.as_bytes());
    let body = format!(
        "{{\"{}_response\":{node_text},\"sign\":\"{signature}\"}}",
        method.replace('.', "_")
    );
    (
        StatusCode::OK,
        [("content-type", "application/json;charset=utf-8")],
        body,
    )
        .into_response()
}

fn failure(inner: &Inner, method: &str, code: &str, sub_code: &str) -> Response {
    respond(
        inner,
        method,
        json!({ "code": code, "msg": "Business Failed", "sub_code": sub_code, "sub_msg": sub_code }),
    )
}

async fn gateway(State(inner): State<Arc<Inner>>, body: Bytes) -> Response {
    let params: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let method = params.get("method").cloned().unwrap_or_default();
    let faults = lock(&inner.faults).clone();
    if faults.unavailable {
        return respond(
            &inner,
            &method,
            json!({ "code": "20000", "msg": "Service Currently Unavailable", "sub_code": "isp.unknow-error" }),
        );
    }
    let signed = params.get("sign").is_some_and(|signature| {
        BASE64
            .decode(signature)
            .ok()
            .and_then(|bytes| Signature::try_from(bytes.as_slice()).ok())
            .is_some_and(|signature| {
                VerifyingKey::<Sha256>::new(inner.config.app_key.clone())
                    .verify(sign_content(&params, &["sign"]).as_bytes(), &signature)
                    .is_ok()
            })
    });
    if params.get("sign_type").map(String::as_str) != Some("RSA2") || !signed {
        return failure(&inner, &method, "40002", "isv.invalid-signature");
    }
    if params.get("app_id") != Some(&inner.config.app_id) || !params.contains_key("timestamp") {
        return failure(&inner, &method, "40002", "isv.invalid-app-id");
    }
    let biz: Value = params
        .get("biz_content")
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or(Value::Null);
    match method.as_str() {
        "alipay.fund.trans.uni.transfer" => transfer(&inner, &method, &params, &biz, &faults).await,
        "alipay.fund.trans.order.query" => {
            let no = biz["out_biz_no"].as_str().unwrap_or_default();
            match lock(&inner.orders).get(no) {
                Some(order) => {
                    let mut view = order.view();
                    view["code"] = json!("10000");
                    view["msg"] = json!("Success");
                    respond(&inner, &method, view)
                }
                None => failure(&inner, &method, "40004", "ORDER_NOT_EXIST"),
            }
        }
        _ => failure(&inner, &method, "40002", "isv.invalid-method"),
    }
}

async fn transfer(
    inner: &Inner,
    method: &str,
    params: &BTreeMap<String, String>,
    biz: &Value,
    faults: &AlipayFaults,
) -> Response {
    let text = |name: &str| biz[name].as_str().unwrap_or_default().to_string();
    let amount_fen = parse_yuan(&text("trans_amount"));
    let out_biz_no = text("out_biz_no");
    let payee = biz["payee_info"]["identity"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let valid = text("product_code") == "TRANS_ACCOUNT_NO_PWD"
        && text("biz_scene") == "DIRECT_TRANSFER"
        && !out_biz_no.is_empty()
        && out_biz_no.len() <= 64
        && !payee.is_empty()
        && amount_fen.is_some_and(|fen| fen >= TRANSFER_MIN_FEN);
    let Some(amount_fen) = amount_fen.filter(|_| valid) else {
        return failure(inner, method, "40004", "INVALID_PARAMETER");
    };
    if let Some(sub_code) = &faults.refuse_creates {
        return failure(inner, method, "40004", sub_code);
    }
    let order = {
        let mut orders = lock(&inner.orders);
        match orders.get(&out_biz_no) {
            Some(existing) if existing.amount_fen != amount_fen => {
                return failure(inner, method, "40004", "PAYMENT_INFO_INCONSISTENCY");
            }
            Some(existing) => existing.clone(),
            None => {
                let order = SimOrder {
                    out_biz_no: out_biz_no.clone(),
                    order_id: format!("2026{}", random_text(16).to_ascii_lowercase()),
                    amount_fen,
                    payee,
                    status: if faults.defer_outcome {
                        "DEALING"
                    } else {
                        "SUCCESS"
                    }
                    .into(),
                    notify_url: params.get("notify_url").cloned(),
                };
                orders.insert(out_biz_no.clone(), order.clone());
                *lock(&inner.creates) += 1;
                order
            }
        }
    };
    if faults.hang_after_create_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.hang_after_create_ms)).await;
    }
    let mut view = order.view();
    view["code"] = json!("10000");
    view["msg"] = json!("Success");
    respond(inner, method, view)
}

fn parse_yuan(text: &str) -> Option<i64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || fraction.len() > 2 {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let cents: i64 = format!("{fraction:0<2}").parse().ok()?;
    Some(whole * 100 + cents)
}
