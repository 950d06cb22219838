//! What the level map reads: a player's best verified stars per level, and whether a sponsor's
//! campaign still has budget to boost with.

use sqlx::Row;

use super::policy::campaign_account;
use super::{Store, StoreError};

impl Store {
    /// The most stars of every level the player has an accepted game of, by level id.
    pub async fn best_stars(&self, player_id: &str) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT level_id, MAX(stars) AS best FROM sessions \
             WHERE player_id = $1 AND verdict = 'accepted' \
             GROUP BY level_id ORDER BY level_id",
        )
        .bind(player_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect()
    }

    /// What campaign `campaign_id` has left to boost with, in fen (0 if never funded).
    pub async fn campaign_budget(&self, campaign_id: &str) -> Result<i64, StoreError> {
        self.account_balance(&campaign_account(campaign_id)).await
    }
}
