//! How long kept proofs stay.
//!
//! Each accepted game's proof is kept beside its verdict (`console.rs`) so an operator can watch
//! the game and a leaderboard can show it as a ghost replay: 1 to 1.6 KB a game, for ever unless
//! pruned. [`Store::prune_proofs`] removes the proofs of games decided before a cutoff, except
//! those still needed:
//!
//! - a held game no operator has reviewed yet (the review watches it);
//! - a game a public leaderboard shows (the top `board_ranks` entries of its level). A board
//!   entry only ever falls in rank, so a proof removed below the top stays unneeded.
//!
//! The game's ledger rows (session, verdict, risk decision, transfers) stay: only the input log
//! goes, and with it the replay. `playproof ledger prune-proofs` runs it.

use std::collections::{HashMap, HashSet};

use sqlx::Row;

use super::{Store, StoreError};
use crate::risk::Decision;

/// Proofs removed per transaction, so a large prune never holds the write lock for long.
const PRUNE_BATCH_ROWS: usize = 500;

/// What a prune found and did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProofPrune {
    /// Kept proofs of games decided before the cutoff.
    pub older: u64,
    /// Of those, kept: held games still waiting for review.
    pub awaiting_review: u64,
    /// Of those, kept: games a leaderboard shows.
    pub on_boards: u64,
    /// Removed (or, on a dry run, that would be).
    pub removed: u64,
}

/// An old game with a kept proof.
struct OldGame {
    session_id: String,
    level_id: String,
    player_id: String,
    score: i64,
    awaiting_review: bool,
}

impl Store {
    /// Removes the kept proofs of games decided before `cutoff_ms` that no review and no
    /// leaderboard's top `board_ranks` needs; with `dry_run`, only counts them.
    pub async fn prune_proofs(
        &self,
        cutoff_ms: i64,
        board_ranks: i64,
        dry_run: bool,
    ) -> Result<ProofPrune, StoreError> {
        let old = self.old_proofs(cutoff_ms).await?;
        let shown = self.games_on_boards(&old, board_ranks).await?;
        let mut prune = ProofPrune {
            older: old.len() as u64,
            ..ProofPrune::default()
        };
        let mut doomed = Vec::new();
        for game in &old {
            if game.awaiting_review {
                prune.awaiting_review += 1;
            } else if shown.contains(&game.session_id) {
                prune.on_boards += 1;
            } else {
                doomed.push(game.session_id.as_str());
            }
        }
        prune.removed = doomed.len() as u64;
        if !dry_run {
            for batch in doomed.chunks(PRUNE_BATCH_ROWS) {
                let mut transaction = self.pool.begin().await?;
                for session_id in batch {
                    sqlx::query("DELETE FROM game_proofs WHERE session_id = $1")
                        .bind(*session_id)
                        .execute(&mut *transaction)
                        .await?;
                }
                transaction.commit().await?;
            }
        }
        Ok(prune)
    }

    async fn old_proofs(&self, cutoff_ms: i64) -> Result<Vec<OldGame>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.session_id, s.level_id, s.player_id, s.score, r.decision, r.review \
             FROM game_proofs p JOIN sessions s ON s.session_id = p.session_id \
             LEFT JOIN risk_verdicts r ON r.session_id = p.session_id \
             WHERE s.consumed_at_ms < $1",
        )
        .bind(cutoff_ms)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let decision: Option<String> = row.try_get(4)?;
                let review: Option<String> = row.try_get(5)?;
                Ok(OldGame {
                    session_id: row.try_get(0)?,
                    level_id: row.try_get(1)?,
                    player_id: row.try_get(2)?,
                    score: row.try_get(3)?,
                    awaiting_review: decision.as_deref() == Some(Decision::Hold.code())
                        && review.is_none(),
                })
            })
            .collect()
    }

    /// The sessions the top `board_ranks` entries of the old games' levels stand for.
    async fn games_on_boards(
        &self,
        old: &[OldGame],
        board_ranks: i64,
    ) -> Result<HashSet<String>, StoreError> {
        let mut entries: HashMap<(&str, &str), i64> = HashMap::new();
        let levels: HashSet<&str> = old.iter().map(|game| game.level_id.as_str()).collect();
        let mut boards = Vec::new();
        for level_id in levels {
            boards.push((level_id, self.leaderboard(level_id, board_ranks).await?));
        }
        for (level_id, board) in &boards {
            for row in board {
                entries.insert((level_id, row.player_id.as_str()), row.score);
            }
        }
        let mut shown = HashSet::new();
        for game in old {
            let entry = entries.get(&(game.level_id.as_str(), game.player_id.as_str()));
            if entry == Some(&game.score) {
                let session = self
                    .ranked_session(&game.level_id, &game.player_id, game.score)
                    .await?;
                shown.extend(session);
            }
        }
        Ok(shown)
    }
}
