//! Provider notifications (`POST /v1/payouts/{rail}/notify`): verified, decrypted, matched to
//! the withdrawal they name, and recorded as a transition, or refused and logged having
//! changed nothing.
//!
//! ```text
//!   signed headers ─► key id ─► timestamp window ─► signature ─► decrypt ─► our bill?
//!        ─► same amount, same rail ─► transition (a repeat is a no-op) ─► answer
//! ```
//!
//! The answer is in the provider's format: WeChat Pay takes 204 with no body as received and
//! retries anything else; Alipay takes the body `success` and retries anything else. A refused
//! notification is answered as a failure, so a genuine one refused by a passing fault (the
//! database down) is sent again; a forged one is only logged.

use super::wechat::{self, SignedHeaders};
use super::{Credentials, RailConfig, RailKind, Source};
use crate::store::{AdvanceWrite, LedgerRejection, Store, WriteError};

/// An answer in the provider's own format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotifyAnswer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl NotifyAnswer {
    fn wechat_received() -> Self {
        NotifyAnswer {
            status: 204,
            content_type: "application/json",
            body: Vec::new(),
        }
    }

    fn wechat_failed(status: u16, message: &str) -> Self {
        NotifyAnswer {
            status,
            content_type: "application/json",
            body: serde_json::json!({ "code": "FAIL", "message": message })
                .to_string()
                .into_bytes(),
        }
    }
}

/// Why a notification was not recorded.
#[derive(Debug, thiserror::Error)]
enum Refused {
    #[error("no {0} rail is configured")]
    NotConfigured(RailKind),
    #[error(transparent)]
    Wechat(#[from] wechat::Refusal),
    #[error("no withdrawal {0:?}")]
    UnknownBill(String),
    #[error("{0}")]
    Alipay(String),
    /// Not a refusal: the ledger could not be read, so the provider must send it again.
    #[error("the ledger could not be read: {0}")]
    Storage(String),
    #[error("withdrawal {id:?}: {field} is {found}, ours is {expected}")]
    Mismatch {
        id: String,
        field: &'static str,
        found: String,
        expected: String,
    },
}

pub async fn handle(
    store: &Store,
    rail_config: &RailConfig,
    now_ms: u64,
    rail: RailKind,
    headers: &axum::http::HeaderMap,
    body: &[u8],
) -> NotifyAnswer {
    match rail {
        RailKind::Wechat => wechat_notification(store, rail_config, now_ms, headers, body).await,
        RailKind::Alipay => alipay_notification(store, rail_config, now_ms, body).await,
        RailKind::Manual => {
            tracing::warn!(%rail, "payout notification for a rail that takes none here");
            NotifyAnswer::wechat_failed(404, "no such rail")
        }
    }
}

/// Alipay takes the body `success` as received and sends again on anything else. Its
/// notifications keep their first `utc_timestamp` across retries, so no time window applies:
/// a replay of a genuine notification is a repeat the state machine ignores.
async fn alipay_notification(
    store: &Store,
    rail_config: &RailConfig,
    now_ms: u64,
    body: &[u8],
) -> NotifyAnswer {
    let answer = |text: &str| NotifyAnswer {
        status: 200,
        content_type: "text/plain",
        body: text.as_bytes().to_vec(),
    };
    let verified = async {
        let Credentials::Alipay(credentials) = &rail_config.credentials else {
            return Err(Refused::NotConfigured(RailKind::Alipay));
        };
        let (bill_no, amount_fen, report) =
            super::alipay::read_notification(credentials, body).map_err(Refused::Alipay)?;
        let record = store
            .withdrawal(&bill_no)
            .await
            .map_err(|error| Refused::Storage(error.to_string()))?
            .ok_or_else(|| Refused::UnknownBill(bill_no.clone()))?;
        if record.rail != RailKind::Alipay.as_str() {
            return Err(Refused::Alipay(format!(
                "withdrawal {bill_no:?} is on the {} rail",
                record.rail
            )));
        }
        if amount_fen.is_some_and(|amount_fen| amount_fen != record.amount_fen) {
            return Err(Refused::Alipay(format!(
                "withdrawal {bill_no:?}: trans_amount {amount_fen:?} fen, ours is {}",
                record.amount_fen
            )));
        }
        Ok((bill_no, report))
    }
    .await;
    let (withdrawal_id, report) = match verified {
        Ok(verified) => verified,
        Err(Refused::Storage(error)) => {
            tracing::error!(rail = "alipay", %error, "payout notification not read; the provider will retry");
            return answer("fail");
        }
        Err(reason) => {
            tracing::warn!(rail = "alipay", %reason, "payout notification refused; nothing changed");
            return answer("fail");
        }
    };
    let Some(to) = report.to else {
        return answer("success");
    };
    let write = AdvanceWrite {
        withdrawal_id: withdrawal_id.clone(),
        to,
        evidence: report.evidence,
        now_ms: now_ms as i64,
    };
    super::failpoint::hit(super::failpoint::FailPoint::NotificationVerified);
    match store.advance_withdrawal(write).await {
        Ok(_) => answer("success"),
        Err(WriteError::Rejected(rejection @ LedgerRejection::TransitionRefused { .. })) => {
            tracing::warn!(withdrawal = %withdrawal_id, %rejection, "payout notification out of order; nothing changed");
            answer("success")
        }
        Err(error) => {
            tracing::error!(withdrawal = %withdrawal_id, %error, "payout notification not recorded; the provider will retry");
            answer("fail")
        }
    }
}

async fn wechat_notification(
    store: &Store,
    rail_config: &RailConfig,
    now_ms: u64,
    headers: &axum::http::HeaderMap,
    body: &[u8],
) -> NotifyAnswer {
    let verified = async {
        let Credentials::Wechat(credentials) = &rail_config.credentials else {
            return Err(Refused::NotConfigured(RailKind::Wechat));
        };
        let signed = SignedHeaders::from_headers(headers)?;
        let (bill, plain) = wechat::read_notification(credentials, &signed, body, now_ms)?;
        let record = store
            .withdrawal(&bill.out_bill_no)
            .await
            .map_err(|error| Refused::Storage(error.to_string()))?
            .ok_or_else(|| Refused::UnknownBill(bill.out_bill_no.clone()))?;
        let mismatch = |field, found: String, expected: String| Refused::Mismatch {
            id: record.id.clone(),
            field,
            found,
            expected,
        };
        if record.rail != RailKind::Wechat.as_str() {
            return Err(mismatch("rail", "wechat".into(), record.rail.clone()));
        }
        if let Some(amount_fen) = bill.transfer_amount {
            if amount_fen != record.amount_fen {
                return Err(mismatch(
                    "transfer_amount",
                    amount_fen.to_string(),
                    record.amount_fen.to_string(),
                ));
            }
        }
        // `CANCELLED` is the player's cancellation if they asked for one, else the expiry.
        let cancel_requested = store
            .cancel_requested(&record.id)
            .await
            .map_err(|error| Refused::Storage(error.to_string()))?;
        Ok(bill.report(Source::Callback, &plain, cancel_requested))
    }
    .await;
    let report = match verified {
        Ok(report) => report,
        Err(Refused::Storage(error)) => {
            tracing::error!(rail = "wechat", %error, "payout notification not read; the provider will retry");
            return NotifyAnswer::wechat_failed(500, "not recorded; retry");
        }
        Err(refused) => {
            tracing::warn!(rail = "wechat", reason = %refused, "payout notification refused; nothing changed");
            return NotifyAnswer::wechat_failed(401, "refused");
        }
    };
    let Some(to) = report.to else {
        return NotifyAnswer::wechat_received();
    };
    let withdrawal_id = report.evidence.fields["out_bill_no"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let write = AdvanceWrite {
        withdrawal_id: withdrawal_id.clone(),
        to,
        evidence: report.evidence,
        now_ms: now_ms as i64,
    };
    super::failpoint::hit(super::failpoint::FailPoint::NotificationVerified);
    match store.advance_withdrawal(write).await {
        Ok(record) => {
            if record.created {
                tracing::info!(withdrawal = %withdrawal_id, state = %to, "payout notification recorded");
            }
            NotifyAnswer::wechat_received()
        }
        // Authentic but out of order (the outcome was recorded before): nothing to retry.
        Err(WriteError::Rejected(rejection @ LedgerRejection::TransitionRefused { .. })) => {
            tracing::warn!(withdrawal = %withdrawal_id, %rejection, "payout notification out of order; nothing changed");
            NotifyAnswer::wechat_received()
        }
        Err(error) => {
            tracing::error!(withdrawal = %withdrawal_id, %error, "payout notification not recorded; the provider will retry");
            NotifyAnswer::wechat_failed(500, "not recorded; retry")
        }
    }
}
