//! Plausibility limits: what a human session can look like, beyond what the rules allow.
//! Defaults apply to every level; a level id may override any of them.
//!
//! JSON form (every field optional):
//! ```json
//! { "default": { "clock_slack_ms": 2000, "input_interval_ticks_min": 6, "session_ticks_max": 108000 },
//!   "levels": { "m3-rush": { "input_interval_ticks_min": 3 } } }
//! ```

use alloc::collections::BTreeMap;
use alloc::string::String;

use game_core::SESSION_TICKS_MAX;
use serde::{Deserialize, Serialize};

/// Plausibility limits for one level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Plausibility {
    /// Milliseconds added to the wall-clock time between ticket issue and submission before it
    /// is compared with the game's ticks: covers client/server clock drift at the start of play
    /// and the time the ticket takes to reach the client. Game time can never otherwise exceed it.
    pub clock_slack_ms: u64,
    /// Fewest ticks between two consecutive inputs. 6 ticks is 100 ms: sustained tapping is far
    /// slower, and a swap or a drop needs a touch down and up.
    pub input_interval_ticks_min: u32,
    /// Longest session accepted for the level, in ticks.
    pub session_ticks_max: u32,
}

impl Default for Plausibility {
    fn default() -> Plausibility {
        Plausibility {
            clock_slack_ms: 2_000,
            input_interval_ticks_min: 6,
            session_ticks_max: SESSION_TICKS_MAX,
        }
    }
}

/// Per-level changes to the default limits; absent fields keep the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlausibilityOverride {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clock_slack_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_interval_ticks_min: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_ticks_max: Option<u32>,
}

/// Default limits plus per-level-id overrides.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlausibilityPolicy {
    pub default: Plausibility,
    pub levels: BTreeMap<String, PlausibilityOverride>,
}

impl PlausibilityPolicy {
    /// The limits that apply to `level_id`.
    pub fn for_level(&self, level_id: &str) -> Plausibility {
        let base = self.default;
        match self.levels.get(level_id) {
            None => base,
            Some(change) => Plausibility {
                clock_slack_ms: change.clock_slack_ms.unwrap_or(base.clock_slack_ms),
                input_interval_ticks_min: change
                    .input_interval_ticks_min
                    .unwrap_or(base.input_interval_ticks_min),
                session_ticks_max: change.session_ticks_max.unwrap_or(base.session_ticks_max),
            },
        }
    }

    /// Reads a policy from its JSON form; unknown fields are errors, missing ones take defaults.
    pub fn from_json(bytes: &[u8]) -> Result<PlausibilityPolicy, serde_json::Error> {
        serde_json::from_slice(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_level_overrides_replace_only_the_fields_they_name() {
        let policy = PlausibilityPolicy::from_json(
            br#"{ "default": { "clock_slack_ms": 500 },
                  "levels": { "fast": { "input_interval_ticks_min": 2 } } }"#,
        )
        .expect("valid policy");
        let fast = policy.for_level("fast");
        assert_eq!(fast.clock_slack_ms, 500);
        assert_eq!(fast.input_interval_ticks_min, 2);
        assert_eq!(fast.session_ticks_max, SESSION_TICKS_MAX);
        assert_eq!(policy.for_level("other").input_interval_ticks_min, 6);
    }

    #[test]
    fn unknown_fields_are_errors() {
        assert!(PlausibilityPolicy::from_json(br#"{ "default": { "slack": 1 } }"#).is_err());
    }
}
