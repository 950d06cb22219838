//! `GET /v1/levels`: the level map's prices. For each level with a payout table: the most one
//! game pays under it, the sponsor's boost and name while the campaign has budget left, and the
//! asking player's best verified stars. Read-only; the numbers come from the same payout book
//! and ledger that pay.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::service::{ApiError, Service};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LevelOffer {
    pub level_id: String,
    /// The table's highest tier, in fen: what "up to" on the map says.
    pub up_to_fen: i64,
    /// Added to a paying game while the sponsor's campaign has budget; 0 otherwise.
    pub boost_fen: i64,
    /// The campaign that boosts, named as the payout book names it; absent without a boost.
    pub sponsor: Option<String>,
    /// The sponsor's name as players read it (the table's `sponsor.name`, else the campaign
    /// id); absent without a boost.
    pub sponsor_name: Option<String>,
    /// The player's most stars on this level in an accepted game (0 when none).
    pub best_stars: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LevelMapResponse {
    pub levels: Vec<LevelOffer>,
}

impl Service {
    pub async fn level_map(&self, player_id: &str) -> Result<LevelMapResponse, ApiError> {
        let best: BTreeMap<String, i64> = self
            .store()
            .best_stars(player_id)
            .await?
            .into_iter()
            .collect();
        let mut levels = Vec::new();
        for table in self.payouts().tables() {
            let up_to_fen = table.tiers.iter().map(|tier| tier.payout_fen).max();
            let mut offer = LevelOffer {
                level_id: table.level_id.clone(),
                up_to_fen: up_to_fen.unwrap_or(0),
                boost_fen: 0,
                sponsor: None,
                sponsor_name: None,
                best_stars: best.get(&table.level_id).copied().unwrap_or(0),
            };
            if let Some(sponsor) = table.sponsor.as_ref().filter(|s| s.boost_fen > 0) {
                if self.store().campaign_budget(&sponsor.campaign_id).await? > 0 {
                    offer.boost_fen = sponsor.boost_fen;
                    offer.sponsor = Some(sponsor.campaign_id.clone());
                    offer.sponsor_name = Some(
                        sponsor
                            .name
                            .clone()
                            .unwrap_or_else(|| sponsor.campaign_id.clone()),
                    );
                }
            }
            levels.push(offer);
        }
        Ok(LevelMapResponse { levels })
    }
}
