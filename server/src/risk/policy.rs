//! The risk policy: a data file of weights and thresholds that turns a game's signals into one
//! of four decisions. Operators change the file, not the code (`docs/RISK.md`).
//!
//! ```json
//! { "tickets": { "one_open_per_player": true },
//!   "weights": { "reaction_floor": 0.6, "slow_motion": 0.5, "greedy_agreement": 0.3, "...": 0 },
//!   "thresholds": { "flag": 0.3, "hold": 0.6, "refuse": 0.95 },
//!   "clusters": { "daily_cap_fen": 8000 } }
//! ```
//!
//! (Every [`SignalKind`] needs its weight; `assets/risk/policy.json` is the shipped file.)
//!
//! The score combines the signals as independent pieces of evidence (a "noisy or"):
//! `score = 1 - Π (1 - weight × strength)`. One signal alone scores at most its weight; two
//! moderate ones add up; the score never leaves [0, 1]. A weight of 0 turns a signal off.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::signals::{Signal, SignalKind};

/// Largest policy file read, in bytes: a policy is a few dozen lines.
pub const POLICY_FILE_BYTES_MAX: u64 = 64 * 1024;

/// What becomes of a verified game's winnings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Paid to the player's balance.
    Pay,
    /// Paid, and the player's withdrawals wait for review from now on.
    Flag,
    /// Paid into `held:<player>` until an operator releases or confiscates it.
    Hold,
    /// Not paid at all; the verdict and its signals are kept.
    Refuse,
}

impl Decision {
    /// As stored in `risk_verdicts.decision`.
    pub fn code(self) -> &'static str {
        match self {
            Decision::Pay => "pay",
            Decision::Flag => "flag",
            Decision::Hold => "hold",
            Decision::Refuse => "refuse",
        }
    }

    /// The decision stored as `code`.
    pub fn from_code(code: &str) -> Option<Decision> {
        [
            Decision::Pay,
            Decision::Flag,
            Decision::Hold,
            Decision::Refuse,
        ]
        .into_iter()
        .find(|decision| decision.code() == code)
    }

    /// Whether the player's withdrawals wait for review after this decision.
    pub fn flags_player(self) -> bool {
        self != Decision::Pay
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketRules {
    /// Asking for a ticket forfeits the player's open one (recorded as an abandoned game).
    pub one_open_per_player: bool,
}

/// Rules for account clusters (players linked by address, union id or payee name).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterRules {
    /// Most a cluster earns per earning day, in fen, on top of each player's own daily cap;
    /// absent: no cluster cap.
    pub daily_cap_fen: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub flag: f64,
    pub hold: f64,
    pub refuse: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskPolicy {
    pub tickets: TicketRules,
    /// Every signal kind by name, 0 to 1.
    pub weights: BTreeMap<SignalKind, f64>,
    pub thresholds: Thresholds,
    /// Absent: no cluster cap.
    #[serde(default)]
    pub clusters: ClusterRules,
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("reading {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is {bytes} bytes; at most {POLICY_FILE_BYTES_MAX} are allowed")]
    TooLarge { path: String, bytes: u64 },
    #[error("{path} is not a valid risk policy: {source}")]
    Json {
        path: String,
        source: serde_json::Error,
    },
    #[error("{path}: {field}: {problem}")]
    Invalid {
        path: String,
        field: String,
        problem: String,
    },
}

/// A game's score, decision and the signals behind them, as stored beside the verdict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// 0 to 1.
    pub score: f64,
    pub decision: Decision,
    pub signals: Vec<Signal>,
}

impl Assessment {
    /// The score in thousandths, as stored.
    pub fn score_milli(&self) -> i64 {
        (self.score * 1000.0).round() as i64
    }
}

impl RiskPolicy {
    /// A policy that pays every verified game and leaves tickets unrestricted: what a service
    /// embedding the library gets until it loads a policy (`serve` loads `assets/risk/`).
    pub fn pay_all() -> RiskPolicy {
        RiskPolicy {
            tickets: TicketRules {
                one_open_per_player: false,
            },
            weights: SignalKind::ALL
                .into_iter()
                .map(|kind| (kind, 0.0))
                .collect(),
            thresholds: Thresholds {
                flag: 1.0,
                hold: 1.0,
                refuse: 1.0,
            },
            clusters: ClusterRules::default(),
        }
    }

    pub fn load(path: &Path) -> Result<RiskPolicy, PolicyError> {
        let shown = path.display().to_string();
        let io = |source| PolicyError::Io {
            path: shown.clone(),
            source,
        };
        let bytes = std::fs::metadata(path).map_err(io)?.len();
        if bytes > POLICY_FILE_BYTES_MAX {
            return Err(PolicyError::TooLarge { path: shown, bytes });
        }
        let text = std::fs::read(path).map_err(io)?;
        RiskPolicy::from_json(&shown, &text)
    }

    /// Parses and checks a policy; `path` names it in errors.
    pub fn from_json(path: &str, bytes: &[u8]) -> Result<RiskPolicy, PolicyError> {
        let policy: RiskPolicy =
            serde_json::from_slice(bytes).map_err(|source| PolicyError::Json {
                path: path.to_string(),
                source,
            })?;
        policy.check(path)?;
        Ok(policy)
    }

    fn check(&self, path: &str) -> Result<(), PolicyError> {
        let invalid = |field: String, problem: String| PolicyError::Invalid {
            path: path.to_string(),
            field,
            problem,
        };
        for kind in SignalKind::ALL {
            let field = format!("weights.{}", kind.name());
            match self.weights.get(&kind) {
                None => return Err(invalid(field, "missing; give 0 to turn it off".into())),
                Some(weight) if !(0.0..=1.0).contains(weight) => {
                    return Err(invalid(field, format!("{weight} is not between 0 and 1")))
                }
                Some(_) => {}
            }
        }
        if let Some(cap_fen) = self.clusters.daily_cap_fen.filter(|cap_fen| *cap_fen <= 0) {
            return Err(invalid(
                "clusters.daily_cap_fen".into(),
                format!("{cap_fen} is not a positive number of fen"),
            ));
        }
        let Thresholds { flag, hold, refuse } = self.thresholds;
        for (name, value) in [("flag", flag), ("hold", hold), ("refuse", refuse)] {
            if !(value > 0.0 && value <= 1.0) {
                return Err(invalid(
                    format!("thresholds.{name}"),
                    format!("{value} is not above 0 and at most 1"),
                ));
            }
        }
        if !(flag <= hold && hold <= refuse) {
            return Err(invalid(
                "thresholds".into(),
                format!("flag {flag} <= hold {hold} <= refuse {refuse} does not hold"),
            ));
        }
        Ok(())
    }

    fn weight(&self, kind: SignalKind) -> f64 {
        self.weights.get(&kind).copied().unwrap_or(0.0)
    }

    /// Whether `kind` counts at all (a signal weighed 0 need not be measured).
    pub fn weighs(&self, kind: SignalKind) -> bool {
        self.weight(kind) > 0.0
    }

    /// Whether the policy changes nothing: every weight 0 and tickets unrestricted. The service
    /// then skips the risk check and its writes altogether.
    pub fn is_off(&self) -> bool {
        !self.tickets.one_open_per_player
            && self.clusters.daily_cap_fen.is_none()
            && SignalKind::ALL.iter().all(|kind| !self.weighs(*kind))
    }

    /// The score of `signals`: `1 - Π (1 - weight × strength)`.
    pub fn score(&self, signals: &[Signal]) -> f64 {
        let clear: f64 = signals
            .iter()
            .map(|signal| 1.0 - self.weight(signal.kind) * signal.strength)
            .product();
        (1.0 - clear).clamp(0.0, 1.0)
    }

    pub fn decide(&self, score: f64) -> Decision {
        let t = self.thresholds;
        if score >= t.refuse {
            Decision::Refuse
        } else if score >= t.hold {
            Decision::Hold
        } else if score >= t.flag {
            Decision::Flag
        } else {
            Decision::Pay
        }
    }

    /// Whether measuring play quality (the signals `kinds` that apply to the game's mode) can
    /// change what becomes of a game whose other signals are `known`: whether its money would
    /// be paid, held or refused differs between those signals all at nothing and all at full
    /// strength. A flag alone (paid, withdrawals reviewed) does not justify the cost of
    /// consulting a bot before every move.
    pub fn play_quality_decides(&self, known: &[Signal], kinds: &[SignalKind]) -> bool {
        let money = |decision: Decision| match decision {
            Decision::Pay | Decision::Flag => 0,
            Decision::Hold => 1,
            Decision::Refuse => 2,
        };
        let without = self.score(known);
        let clear_with: f64 = kinds.iter().map(|kind| 1.0 - self.weight(*kind)).product();
        let with = 1.0 - (1.0 - without) * clear_with;
        money(self.decide(without)) != money(self.decide(with))
    }

    /// Scores `signals` and decides.
    pub fn assess(&self, signals: Vec<Signal>) -> Assessment {
        let score = self.score(&signals);
        Assessment {
            score,
            decision: self.decide(score),
            signals,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../../../assets/risk/policy.json");

    fn signal(kind: SignalKind, strength: f64) -> Signal {
        Signal {
            kind,
            strength,
            measured: 0.0,
            explanation: String::new(),
        }
    }

    #[test]
    fn the_shipped_policy_parses_and_restricts_tickets() {
        let policy = RiskPolicy::from_json("assets/risk/policy.json", SHIPPED.as_bytes()).unwrap();
        assert!(policy.tickets.one_open_per_player);
        assert_eq!(policy.assess(Vec::new()).decision, Decision::Pay);
        assert!(!policy.is_off() && policy.weighs(SignalKind::GreedyAgreement));
        assert!(RiskPolicy::pay_all().is_off());
    }

    #[test]
    fn signals_combine_as_independent_evidence() {
        let mut policy = RiskPolicy::pay_all();
        policy.weights.insert(SignalKind::ReactionFloor, 0.5);
        policy.weights.insert(SignalKind::SlowMotion, 0.5);
        policy.thresholds = Thresholds {
            flag: 0.3,
            hold: 0.6,
            refuse: 0.9,
        };
        let one = policy.assess(vec![signal(SignalKind::ReactionFloor, 1.0)]);
        assert_eq!((one.score, one.decision), (0.5, Decision::Flag));
        let two = policy.assess(vec![
            signal(SignalKind::ReactionFloor, 1.0),
            signal(SignalKind::SlowMotion, 1.0),
        ]);
        assert_eq!((two.score, two.decision), (0.75, Decision::Hold));
        // A weight of 0 turns a signal off whatever its strength.
        let off = policy.assess(vec![signal(SignalKind::PlatformRisk, 1.0)]);
        assert_eq!((off.score, off.decision), (0.0, Decision::Pay));
        assert_eq!(policy.decide(0.9), Decision::Refuse);
    }

    #[test]
    fn play_quality_is_measured_only_where_it_can_move_the_money() {
        let mut policy = RiskPolicy::pay_all();
        policy.weights.insert(SignalKind::GreedyAgreement, 0.3);
        policy.weights.insert(SignalKind::LookaheadAgreement, 0.3);
        policy.weights.insert(SignalKind::ReactionFloor, 0.5);
        policy.thresholds = Thresholds {
            flag: 0.3,
            hold: 0.6,
            refuse: 0.95,
        };
        // Nothing else suspicious: quality alone reaches 0.51, a flag at most.
        let match3 = [SignalKind::GreedyAgreement, SignalKind::LookaheadAgreement];
        assert!(!policy.play_quality_decides(&[], &match3));
        // Half the reaction floor: 0.25 without quality, up to 0.63 with it, a hold.
        let floor = |strength| vec![signal(SignalKind::ReactionFloor, strength)];
        assert!(policy.play_quality_decides(&floor(0.5), &match3));
        assert!(
            !policy.play_quality_decides(&floor(0.5), &[]),
            "no quality to measure"
        );
        // Already held without it, and it cannot reach a refusal.
        policy.weights.insert(SignalKind::ReactionFloor, 0.7);
        assert!(!policy.play_quality_decides(&floor(1.0), &match3));
    }

    #[test]
    fn a_bad_policy_names_its_file_field_and_reason() {
        let error = |text: &str| {
            RiskPolicy::from_json("risk.json", text.as_bytes())
                .unwrap_err()
                .to_string()
        };
        let weights = |extra: &str| {
            format!(
                r#"{{ "tickets": {{ "one_open_per_player": true }},
                     "weights": {{ {extra} "reaction_floor": 0.5, "timing_regularity": 0.5,
                                  "quantised_pacing": 0.5, "slow_motion": 0.5, "abandonment": 0.5 }},
                     "thresholds": {{ "flag": 0.3, "hold": 0.6, "refuse": 0.9 }} }}"#
            )
        };
        assert_eq!(
            error(&weights("")),
            "risk.json: weights.platform_risk: missing; give 0 to turn it off"
        );
        assert_eq!(
            error(&weights(r#""platform_risk": 1.5,"#)),
            "risk.json: weights.platform_risk: 1.5 is not between 0 and 1"
        );
        let unknown = error(&weights(r#""platform_risk": 0.5, "mouse_wiggle": 1,"#));
        assert!(
            unknown.starts_with(
                "risk.json is not a valid risk policy: unknown variant `mouse_wiggle`"
            ),
            "{unknown}"
        );
        let order = SHIPPED.replace(r#""hold": 0.6"#, r#""hold": 0.2"#);
        assert_ne!(order, SHIPPED, "the shipped policy holds at 0.6");
        assert_eq!(
            error(&order),
            "risk.json: thresholds: flag 0.3 <= hold 0.2 <= refuse 0.95 does not hold"
        );
        let cap = SHIPPED.replace(r#""daily_cap_fen": 8000"#, r#""daily_cap_fen": 0"#);
        assert_ne!(cap, SHIPPED, "the shipped policy caps clusters at 8000 fen");
        assert_eq!(
            error(&cap),
            "risk.json: clusters.daily_cap_fen: 0 is not a positive number of fen"
        );
    }
}
