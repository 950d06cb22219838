//! What the operator's read endpoints answer, as JSON: the store's rows ([`crate::store`]'s
//! console reads) in the shapes `docs/CONSOLE.md` documents. Rows shown as they are (games,
//! links, reviews, a player's counters, campaign budgets) serialize straight from the store;
//! a view type here means the wire differs (transfers as from/to, a decoded proof). A game's proof is decoded
//! here (format only: it was verified when it was accepted) into what the replay viewer needs.

use serde::Serialize;

use crate::service::WithdrawalResponse;
use crate::store::{
    AssessedGame, CampaignBudget, Cursor, GameRecord, GameRow, LinkRow, OperatorActionRow,
    PlayerRecord, PlayerRiskRow, ReviewRow, RiskRow, TransferView, TransitionView,
    WithdrawalHistory, WithdrawalsRecord,
};

/// A page's cursor as it travels in a query string: `{at_ms}.{id}`.
pub fn cursor_text(cursor: &Cursor) -> String {
    format!("{}.{}", cursor.at_ms, cursor.id)
}

/// The cursor in a query string; `None` when it is not `{at_ms}.{id}`.
pub fn parse_cursor(text: &str) -> Option<Cursor> {
    let (at_ms, id) = text.split_once('.')?;
    let valid_id = !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-'));
    valid_id.then_some(Cursor {
        at_ms: at_ms.parse().ok()?,
        id: id.to_string(),
    })
}

/// A game as lists show it: the ledger's record and its risk decision.
#[derive(Serialize)]
pub struct GameSummary {
    #[serde(flatten)]
    pub game: GameRow,
    pub risk: Option<RiskRow>,
}

impl From<AssessedGame> for GameSummary {
    fn from(assessed: AssessedGame) -> Self {
        GameSummary {
            game: assessed.game,
            risk: assessed.risk,
        }
    }
}

#[derive(Serialize)]
pub struct QueueView {
    pub games: Vec<GameSummary>,
    /// Pass as `after` for the next page; `null` on the last one.
    pub next: Option<String>,
}

/// One input of the log, readable: the tick it applies at and the action.
#[derive(Serialize)]
pub struct InputView {
    pub tick: u32,
    /// `swap r3c4 right` or `drop 1250` (thousandths of a world unit).
    pub action: String,
}

fn input_view(input: &game_core::Input) -> InputView {
    let action = match input.action {
        game_core::Action::Swap { cell, direction } => {
            let direction = match direction {
                game_core::Direction::Up => "up",
                game_core::Direction::Down => "down",
                game_core::Direction::Left => "left",
                game_core::Direction::Right => "right",
            };
            format!("swap r{}c{} {direction}", cell.row, cell.col)
        }
        game_core::Action::Drop { x_milli } => format!("drop {x_milli}"),
    };
    InputView {
        tick: input.tick,
        action,
    }
}

/// What a replay needs, from the accepted proof: with the level file whose SHA-256 is
/// `level_hash`, `seed` and the input log replay the game exactly.
#[derive(Serialize)]
pub struct ReplayView {
    pub level_hash: String,
    /// Decimal: a u64 does not fit a JavaScript number.
    pub seed: String,
    pub rules_version: u16,
    /// The canonical input log codec (`docs/FORMATS.md`), hex: what the viewer decodes.
    pub input_log_hex: String,
    pub inputs: Vec<InputView>,
    /// Verified: the replay's final tick and state hash equalled these claims.
    pub ticks: u32,
    pub final_hash: String,
    pub issued_at_ms: u64,
}

#[derive(Serialize)]
pub struct TransferItem {
    pub seq: i64,
    pub id: String,
    pub kind: String,
    pub from: String,
    pub to: String,
    pub amount_fen: i64,
    pub created_at_ms: i64,
}

impl From<TransferView> for TransferItem {
    fn from(row: TransferView) -> Self {
        TransferItem {
            seq: row.seq,
            id: row.id,
            kind: row.kind,
            from: row.debit_account,
            to: row.credit_account,
            amount_fen: row.amount_fen,
            created_at_ms: row.created_at_ms,
        }
    }
}

#[derive(Serialize)]
pub struct GameView {
    #[serde(flatten)]
    pub game: GameSummary,
    /// `null` when no proof was kept (a rejected game, or one accepted before proofs were).
    pub replay: Option<ReplayView>,
    pub transfers: Vec<TransferItem>,
}

/// Why a kept proof could not be shown: it decodes no more (a bug or a damaged row).
#[derive(Debug, thiserror::Error)]
#[error("the kept proof of {session_id} does not decode: {source}")]
pub struct KeptProofError {
    pub session_id: String,
    pub source: playproof_proof::DecodeError,
}

pub fn game_view(record: GameRecord) -> Result<GameView, KeptProofError> {
    let session_id = record.assessed.game.session_id.clone();
    let replay = match &record.proof {
        None => None,
        Some(bytes) => {
            let proof = playproof_proof::decode_proof(bytes).map_err(|source| KeptProofError {
                session_id: session_id.clone(),
                source,
            })?;
            let mut log = Vec::new();
            game_core::kernel::input::encode_input_log(&proof.inputs, &mut log);
            let body = &proof.ticket.body;
            Some(ReplayView {
                level_hash: crate::hex::encode(&body.level_hash),
                seed: body.seed.to_string(),
                rules_version: body.rules_version,
                input_log_hex: crate::hex::encode(&log),
                inputs: proof.inputs.iter().map(input_view).collect(),
                ticks: proof.final_tick,
                final_hash: format!("{:016x}", proof.final_hash),
                issued_at_ms: body.issued_at_ms,
            })
        }
    };
    Ok(GameView {
        game: record.assessed.into(),
        replay,
        transfers: record
            .transfers
            .into_iter()
            .map(TransferItem::from)
            .collect(),
    })
}

#[derive(Serialize)]
pub struct PlayerView {
    pub player_id: String,
    pub risk: PlayerRiskRow,
    pub balance_fen: i64,
    pub held_fen: i64,
    pub pending_withdrawal_fen: i64,
    /// Newest first: each game's verdict and risk decision (the risk over time).
    pub games: Vec<GameSummary>,
    /// Pass as `before` for older games; `null` on the last page.
    pub next: Option<String>,
    pub links: Vec<LinkRow>,
    pub withdrawals: Vec<WithdrawalResponse>,
    pub reviews: Vec<ReviewRow>,
}

pub fn player_view(record: PlayerRecord, limit: i64) -> PlayerView {
    let next = (record.games.len() as i64 == limit)
        .then(|| record.games.last())
        .flatten()
        .map(|last| {
            cursor_text(&Cursor {
                at_ms: last.game.consumed_at_ms,
                id: last.game.session_id.clone(),
            })
        });
    PlayerView {
        player_id: record.player_id,
        risk: record.risk,
        balance_fen: record.balance_fen,
        held_fen: record.held_fen,
        pending_withdrawal_fen: record.pending_fen,
        games: record.games.into_iter().map(GameSummary::from).collect(),
        next,
        links: record.links,
        withdrawals: record
            .withdrawals
            .into_iter()
            .map(WithdrawalResponse::from)
            .collect(),
        reviews: record.reviews,
    }
}

#[derive(Serialize)]
pub struct TransitionItem {
    pub state: String,
    /// Who reported it: `request`, `operator`, a provider's answer or notification, ...
    pub source: String,
    pub provider_state: Option<String>,
    pub at_ms: i64,
}

impl From<TransitionView> for TransitionItem {
    fn from(view: TransitionView) -> Self {
        TransitionItem {
            state: view.state.as_str().to_string(),
            source: view.source,
            provider_state: view.provider_state,
            at_ms: view.at_ms,
        }
    }
}

#[derive(Serialize)]
pub struct WithdrawalItem {
    #[serde(flatten)]
    pub withdrawal: WithdrawalResponse,
    /// Its walk through the payout state machine, in order.
    pub history: Vec<TransitionItem>,
}

impl From<WithdrawalHistory> for WithdrawalItem {
    fn from(history: WithdrawalHistory) -> Self {
        WithdrawalItem {
            withdrawal: history.withdrawal.into(),
            history: history
                .transitions
                .into_iter()
                .map(TransitionItem::from)
                .collect(),
        }
    }
}

#[derive(Serialize)]
pub struct WithdrawalsView {
    pub awaiting_review: Vec<ReviewRow>,
    pub open: Vec<WithdrawalItem>,
    pub recent: Vec<WithdrawalItem>,
    /// Pass as `before` for older withdrawals; `null` on the last page.
    pub next: Option<String>,
}

pub fn withdrawals_view(record: WithdrawalsRecord, limit: i64) -> WithdrawalsView {
    let next = (record.recent.len() as i64 == limit)
        .then(|| record.recent.last())
        .flatten()
        .map(|last| {
            cursor_text(&Cursor {
                at_ms: last.withdrawal.requested_at_ms,
                id: last.withdrawal.id.clone(),
            })
        });
    WithdrawalsView {
        awaiting_review: record.awaiting_review,
        open: record.open.into_iter().map(WithdrawalItem::from).collect(),
        recent: record
            .recent
            .into_iter()
            .map(WithdrawalItem::from)
            .collect(),
        next,
    }
}

#[derive(Serialize)]
pub struct CampaignsView {
    pub campaigns: Vec<CampaignBudget>,
}

#[derive(Serialize)]
pub struct ActionsView {
    pub actions: Vec<OperatorActionRow>,
    /// Pass as `before` for older actions; `null` on the last page.
    pub next: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_travels_as_its_text_and_nothing_else_parses() {
        let cursor = Cursor {
            at_ms: 1_764_000_000_123,
            id: "0123abcd".into(),
        };
        assert_eq!(parse_cursor(&cursor_text(&cursor)), Some(cursor));
        for bad in ["", "1", "1.", ".abc", "x.abc", "1.a b", "1.a'--", "1.a.b"] {
            assert_eq!(parse_cursor(bad), None, "{bad:?}");
        }
    }
}
