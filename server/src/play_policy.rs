//! The operator's responsible-play policy: the minutes of continuous play before the game
//! reminds the player to take a break, and quiet hours during which no ticket is issued (for
//! example the night hours minors' rules name). Read from a JSON file:
//!
//! ```json
//! { "reminder_minutes": 30, "quiet_hours": [{ "from": "22:00", "to": "08:00" }],
//!   "daily_play_minutes": 90 }
//! ```
//!
//! `daily_play_minutes`, when set, is a limit on each player's play per earning day (minors'
//! rules, or an operator's own): once the day's games (ticket to verdict, from the ticket
//! records) reach it, tickets are refused with `daily_play_limit` until the next day.
//!
//! Times are local to the earning day's offset (`--utc-offset-minutes`); a window whose `to`
//! is not after its `from` runs over midnight. A bad file is refused whole, naming the field.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// Minutes of continuous play before a reminder, by default, and the range an operator may set
/// (under 5 interrupts every other game; over 4 hours reminds no one). The game checks the same
/// range (game-wasm's `flow.rs`).
pub const REMINDER_MINUTES_DEFAULT: u32 = 30;
pub const REMINDER_MINUTES_MIN: u32 = 5;
pub const REMINDER_MINUTES_MAX: u32 = 240;
/// Quiet windows one policy may hold: a day has few.
pub const QUIET_WINDOWS_MAX: usize = 8;
/// The daily play limit an operator may set, in minutes: under 10 no game of ours fits; a
/// whole day limits nothing.
pub const DAILY_PLAY_MINUTES_MIN: u32 = 10;
pub const DAILY_PLAY_MINUTES_MAX: u32 = 24 * 60;
const MINUTES_PER_DAY: u32 = 24 * 60;

#[derive(Debug, thiserror::Error)]
pub enum PlayPolicyError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: not a play policy: {source}")]
    Json {
        path: String,
        source: serde_json::Error,
    },
    #[error("{path}: {field} is {found:?}; {allowed}")]
    Field {
        path: String,
        field: String,
        found: String,
        allowed: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    #[serde(default = "reminder_default")]
    reminder_minutes: u32,
    #[serde(default)]
    quiet_hours: Vec<WindowFile>,
    #[serde(default)]
    daily_play_minutes: Option<u32>,
}

fn reminder_default() -> u32 {
    REMINDER_MINUTES_DEFAULT
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WindowFile {
    from: String,
    to: String,
}

/// A quiet window, in minutes after local midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuietWindow {
    pub from_minute: u32,
    pub to_minute: u32,
}

impl QuietWindow {
    fn contains(&self, minute: u32) -> bool {
        if self.from_minute < self.to_minute {
            (self.from_minute..self.to_minute).contains(&minute)
        } else {
            minute >= self.from_minute || minute < self.to_minute
        }
    }
}

/// What the game is told (`GET /v1/play-policy`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlayPolicyResponse {
    pub reminder_minutes: u32,
    /// `["22:00", "08:00"]` pairs.
    pub quiet_hours: Vec<[String; 2]>,
    /// Each player's play per day, when the operator limits it.
    pub daily_play_minutes: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlayPolicy {
    pub reminder_minutes: u32,
    pub quiet_hours: Vec<QuietWindow>,
    pub daily_play_minutes: Option<u32>,
}

impl Default for PlayPolicy {
    fn default() -> Self {
        PlayPolicy {
            reminder_minutes: REMINDER_MINUTES_DEFAULT,
            quiet_hours: Vec::new(),
            daily_play_minutes: None,
        }
    }
}

/// `"HH:MM"` as minutes after midnight.
fn minute_of(text: &str) -> Option<u32> {
    let (hours, minutes) = text.split_once(':')?;
    if hours.len() != 2 || minutes.len() != 2 {
        return None;
    }
    let (hours, minutes): (u32, u32) = (hours.parse().ok()?, minutes.parse().ok()?);
    (hours < 24 && minutes < 60).then_some(hours * 60 + minutes)
}

fn hh_mm(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

impl PlayPolicy {
    pub fn load(path: &Path) -> Result<PlayPolicy, PlayPolicyError> {
        let name = path.display().to_string();
        let text = std::fs::read(path).map_err(|source| PlayPolicyError::Read {
            path: name.clone(),
            source,
        })?;
        PlayPolicy::from_json(&name, &text)
    }

    /// The policy in `bytes`, `path` naming it in errors.
    pub fn from_json(path: &str, bytes: &[u8]) -> Result<PlayPolicy, PlayPolicyError> {
        let file: PolicyFile =
            serde_json::from_slice(bytes).map_err(|source| PlayPolicyError::Json {
                path: path.into(),
                source,
            })?;
        let field = |field: String, found: String, allowed: &str| PlayPolicyError::Field {
            path: path.into(),
            field,
            found,
            allowed: allowed.into(),
        };
        if !(REMINDER_MINUTES_MIN..=REMINDER_MINUTES_MAX).contains(&file.reminder_minutes) {
            return Err(field(
                "reminder_minutes".into(),
                file.reminder_minutes.to_string(),
                &format!("allowed: {REMINDER_MINUTES_MIN} to {REMINDER_MINUTES_MAX}"),
            ));
        }
        if file.quiet_hours.len() > QUIET_WINDOWS_MAX {
            return Err(field(
                "quiet_hours".into(),
                format!("{} windows", file.quiet_hours.len()),
                &format!("allowed: at most {QUIET_WINDOWS_MAX}"),
            ));
        }
        let mut quiet_hours = Vec::new();
        for (index, window) in file.quiet_hours.iter().enumerate() {
            let time = |name: &str, text: &str| {
                minute_of(text).ok_or_else(|| {
                    field(
                        format!("quiet_hours[{index}].{name}"),
                        text.into(),
                        "allowed: a time HH:MM from 00:00 to 23:59",
                    )
                })
            };
            let (from_minute, to_minute) = (time("from", &window.from)?, time("to", &window.to)?);
            if from_minute == to_minute {
                return Err(field(
                    format!("quiet_hours[{index}]"),
                    format!("{} to {}", window.from, window.to),
                    "a window must not be empty",
                ));
            }
            quiet_hours.push(QuietWindow {
                from_minute,
                to_minute,
            });
        }
        if let Some(minutes) = file.daily_play_minutes {
            if !(DAILY_PLAY_MINUTES_MIN..=DAILY_PLAY_MINUTES_MAX).contains(&minutes) {
                return Err(field(
                    "daily_play_minutes".into(),
                    minutes.to_string(),
                    &format!("allowed: {DAILY_PLAY_MINUTES_MIN} to {DAILY_PLAY_MINUTES_MAX}"),
                ));
            }
        }
        Ok(PlayPolicy {
            reminder_minutes: file.reminder_minutes,
            quiet_hours,
            daily_play_minutes: file.daily_play_minutes,
        })
    }

    /// The quiet window `now_ms` falls in, local time `utc_offset_minutes` east of UTC.
    pub fn quiet_at(&self, now_ms: u64, utc_offset_minutes: i32) -> Option<QuietWindow> {
        let local_minutes = (now_ms / 60_000) as i64 + i64::from(utc_offset_minutes);
        let minute = local_minutes.rem_euclid(i64::from(MINUTES_PER_DAY)) as u32;
        self.quiet_hours
            .iter()
            .copied()
            .find(|window| window.contains(minute))
    }

    pub fn response(&self) -> PlayPolicyResponse {
        PlayPolicyResponse {
            reminder_minutes: self.reminder_minutes,
            quiet_hours: self
                .quiet_hours
                .iter()
                .map(|window| [hh_mm(window.from_minute), hh_mm(window.to_minute)])
                .collect(),
            daily_play_minutes: self.daily_play_minutes,
        }
    }
}

impl crate::service::Service {
    /// Refuses a ticket during the operator's quiet hours (`quiet_hours`, 403).
    pub fn check_quiet_hours(&self) -> Result<(), crate::service::ApiError> {
        let config = self.config();
        let now_ms = self.clock_now_ms();
        match config
            .play_policy
            .quiet_at(now_ms, config.utc_offset_minutes)
        {
            None => Ok(()),
            Some(window) => Err(crate::service::ApiError::coded(
                "quiet_hours",
                format!(
                    "play rests from {} to {}; tickets are issued again after {}",
                    hh_mm(window.from_minute),
                    hh_mm(window.to_minute),
                    hh_mm(window.to_minute)
                ),
            )),
        }
    }

    /// Refuses a ticket to a player whose play today reached the operator's daily limit
    /// (`daily_play_limit`, 403). Play is counted from the ticket records: from each ticket's
    /// issue to its proof, or to now while it is open, at most the ticket's lifetime.
    pub async fn check_daily_play(&self, player_id: &str) -> Result<(), crate::service::ApiError> {
        let config = self.config();
        let Some(minutes) = config.play_policy.daily_play_minutes else {
            return Ok(());
        };
        let played_ms = self.played_today_ms(player_id).await?;
        if played_ms < i64::from(minutes) * 60_000 {
            return Ok(());
        }
        Err(crate::service::ApiError::coded(
            "daily_play_limit",
            format!(
                "today's play has reached the limit of {minutes} minutes; tickets are issued \
                 again tomorrow"
            ),
        ))
    }

    /// Milliseconds `player_id` played today (the earning day), from the ticket records.
    pub async fn played_today_ms(&self, player_id: &str) -> Result<i64, crate::service::ApiError> {
        let config = self.config();
        let now_ms = self.clock_now_ms();
        let day = crate::clock::earning_day(now_ms, config.utc_offset_minutes);
        let day_start_ms =
            day * crate::clock::DAY_MS as i64 - i64::from(config.utc_offset_minutes) * 60_000;
        Ok(self
            .store()
            .played_ms_since(
                player_id,
                day_start_ms,
                now_ms as i64,
                crate::check::TICKET_TTL_MS as i64,
            )
            .await?)
    }

    pub fn play_policy(&self) -> PlayPolicyResponse {
        self.config().play_policy.response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NIGHT: &[u8] =
        br#"{ "reminder_minutes": 45, "quiet_hours": [{ "from": "22:00", "to": "08:00" }] }"#;

    #[test]
    fn a_window_over_midnight_is_quiet_at_night_only() {
        let policy = PlayPolicy::from_json("policy.json", NIGHT).unwrap();
        assert_eq!(policy.reminder_minutes, 45);
        let at = |hours: u64, minutes: u64| (hours * 60 + minutes) * 60_000;
        // UTC+8: 14:00 UTC is 22:00 local.
        for (utc, quiet) in [
            (at(14, 0), true),
            (at(13, 59), false),
            (at(23, 59), true),
            (at(0, 0), false),
            (at(19, 30), true),
        ] {
            assert_eq!(policy.quiet_at(utc, 8 * 60).is_some(), quiet, "{utc}");
        }
        assert_eq!(
            policy.response().quiet_hours,
            [["22:00".to_string(), "08:00".to_string()]]
        );
    }

    #[test]
    fn no_file_means_no_quiet_hours_and_a_thirty_minute_reminder() {
        let policy = PlayPolicy::from_json("p.json", b"{}").unwrap();
        assert_eq!(policy, PlayPolicy::default());
        assert_eq!(policy.quiet_at(0, 0), None);
    }

    #[test]
    fn a_bad_policy_names_its_field() {
        for (json, message) in [
            (
                &br#"{"reminder_minutes": 2}"#[..],
                "p.json: reminder_minutes is \"2\"; allowed: 5 to 240",
            ),
            (
                br#"{"quiet_hours": [{"from": "25:00", "to": "08:00"}]}"#,
                "p.json: quiet_hours[0].from is \"25:00\"; allowed: a time HH:MM from 00:00 to 23:59",
            ),
            (
                br#"{"quiet_hours": [{"from": "08:00", "to": "08:00"}]}"#,
                "p.json: quiet_hours[0] is \"08:00 to 08:00\"; a window must not be empty",
            ),
        ] {
            let error = PlayPolicy::from_json("p.json", json).unwrap_err();
            assert_eq!(error.to_string(), message);
        }
        let error = PlayPolicy::from_json("p.json", br#"{"quiet": []}"#).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("p.json: not a play policy: unknown field"),
            "{error}"
        );
    }
}
