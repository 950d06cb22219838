//! The manual rail: the operator pays each withdrawal outside the service and then says so
//! (`POST /v1/operator/withdrawals/{id}/paid` or `…/failed`). Its transitions are
//! `requested → succeeded | failed`, with the operator's word as the only evidence; no provider
//! is called and no notification is accepted.

use super::{Evidence, PayoutState, Source};

/// The transition an operator's settlement makes; its evidence names the operator.
pub fn operator_settlement(paid: bool, operator: &str) -> (PayoutState, Evidence) {
    let to = if paid {
        PayoutState::Succeeded
    } else {
        PayoutState::Failed
    };
    let mut evidence = Evidence::bare(Source::Operator);
    evidence
        .fields
        .insert("operator".into(), serde_json::Value::from(operator));
    (to, evidence)
}
