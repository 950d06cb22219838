//! Who decided what: one append-only row per operator decision that took effect, written in the
//! decision's own transaction, so the ledger and its record of who moved the money cannot
//! disagree. A decision repeated (the same release twice, a settlement already recorded) moves
//! nothing and writes nothing here.

use serde::Serialize;
use sqlx::AnyConnection;

/// An operator decision, as `operator_actions.action` stores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperatorAction {
    ReleaseHold,
    ConfiscateHold,
    ApproveWithdrawal,
    RejectWithdrawal,
    SettlePaid,
    SettleFailed,
    FundCampaign,
}

impl OperatorAction {
    pub fn as_str(self) -> &'static str {
        match self {
            OperatorAction::ReleaseHold => "release_hold",
            OperatorAction::ConfiscateHold => "confiscate_hold",
            OperatorAction::ApproveWithdrawal => "approve_withdrawal",
            OperatorAction::RejectWithdrawal => "reject_withdrawal",
            OperatorAction::SettlePaid => "settle_paid",
            OperatorAction::SettleFailed => "settle_failed",
            OperatorAction::FundCampaign => "fund_campaign",
        }
    }

    /// The decisions that review a held game, and those that decide a parked withdrawal: what
    /// the console's `reviewed_by` and `decided_by` are read from.
    pub(super) const HOLD_REVIEWS: [OperatorAction; 2] =
        [OperatorAction::ReleaseHold, OperatorAction::ConfiscateHold];
    pub(super) const WITHDRAWAL_REVIEWS: [OperatorAction; 2] = [
        OperatorAction::ApproveWithdrawal,
        OperatorAction::RejectWithdrawal,
    ];
}

/// One recorded decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OperatorActionRow {
    pub seq: i64,
    pub operator: String,
    /// [`OperatorAction::as_str`].
    pub action: String,
    /// The held game's session id, the review id, the withdrawal id or the campaign id.
    pub subject: String,
    pub at_ms: i64,
}

/// Records that `operator` made `action` on `subject`.
pub(super) async fn record(
    connection: &mut AnyConnection,
    operator: &str,
    action: OperatorAction,
    subject: &str,
    at_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO operator_actions (operator, action, subject, at_ms) VALUES ($1, $2, $3, $4)",
    )
    .bind(operator)
    .bind(action.as_str())
    .bind(subject)
    .bind(at_ms)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// SQL for the operator who made the latest of `actions` on the subject in `subject_column`
/// (a correlated subquery for the console's reads).
pub(super) fn decided_by_sql(actions: &[OperatorAction], subject_column: &str) -> String {
    let actions: Vec<String> = actions
        .iter()
        .map(|action| format!("'{}'", action.as_str()))
        .collect();
    format!(
        "(SELECT o.operator FROM operator_actions o WHERE o.subject = {subject_column} \
         AND o.action IN ({}) ORDER BY o.seq DESC LIMIT 1)",
        actions.join(", ")
    )
}
