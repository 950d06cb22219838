//! Risk: whether a verified game should be paid, paid and flagged, held for review, or refused.
//!
//! Replay proves a game legal, not that a person played it. The verifier's replay timed every
//! input; from those facts and the ticket's issue time [`signals::of_play`] measures the game,
//! and where the policy says it can move the money ([`RiskPolicy::play_quality_decides`]) a
//! second replay compares each match-3 move with the greedy and lookahead bots (merge-drop's
//! cheaper quality comes with the first replay). Inside the verdict's own transaction the ledger
//! adds what it knows of the player ([`signals::of_player`]: abandoned tickets, the platform's
//! risk rank, the accounts linked to it by address, union id, payee name or play times, and
//! when and how fast it plays). The policy file ([`policy::RiskPolicy`]) weighs them into a
//! score and a [`policy::Decision`]. The writer moves the money accordingly in the same
//! transaction (`store/risk.rs`): to the player, to `held:<player>`, or nowhere.
//!
//! ```text
//! judge (replay, reactions) -> of_play -+-> play quality only if it can move the money -+
//!                                                                                       +-> policy.assess -> decision -> ledger, one transaction
//! ledger rows of the player -> of_player ------------------------------------------------+
//! ```
//!
//! What this catches and what it cannot: `docs/RISK.md`.

pub mod links;
pub mod policy;
pub mod signals;

pub use policy::{Assessment, Decision, PolicyError, RiskPolicy};
pub use signals::{PlayFacts, PlayerFacts, Signal, SignalKind};
