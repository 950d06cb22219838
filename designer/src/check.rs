//! Checks level files and reports every problem with its file, line, column and field path.
//!
//! One file goes through these stages; a stage that finds an error stops the file there, so one
//! root cause is reported once:
//!
//! ```text
//! bytes ── size, BOM, UTF-8 ── one JSON object? ── serde (syntax, types, unknown fields)
//!       ── game-core's validation (fields, then named rules: can this level work at all?)
//!       ── warnings (the level works, but a designer would want to know)
//! ```
//! Pack-wide checks (ids, payout tables) are in [`crate::pack`], the play probe in
//! [`crate::probe`].

use std::fmt;
use std::path::{Path, PathBuf};

use game_core::level::{is_visible, require_object, LEVEL_FILE_BYTES_MAX};
use game_core::{Level, LevelError, LevelGame};

use crate::json_position::{locate, Position};
use crate::messages;

/// The `$schema` suffix of the project's level schema, whatever the relative path to it.
pub const SCHEMA_SUFFIX: &str = "schema/level.schema.json";

/// Whether a finding stops a level from shipping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The level (or pack) cannot ship.
    Error,
    /// It works, but probably not as meant; `--deny-warnings` makes these errors too.
    Warning,
}

/// One problem in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub file: PathBuf,
    pub position: Option<Position>,
    /// Field path from the root, `.` when the problem is the whole file.
    pub path: String,
    pub message: String,
    pub severity: Severity,
    /// The named check that fired, for checks beyond a field's own type, range or shape.
    pub check: Option<&'static str>,
}

impl Finding {
    pub fn error(file: &Path, position: Option<Position>, path: &str, message: String) -> Self {
        Finding {
            file: file.to_path_buf(),
            position,
            path: path.to_string(),
            message,
            severity: Severity::Error,
            check: None,
        }
    }

    pub fn warning(file: &Path, position: Option<Position>, path: &str, message: String) -> Self {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(file, position, path, message)
        }
    }

    /// Names the check that fired.
    pub fn check(mut self, name: &'static str) -> Self {
        self.check = Some(name);
        self
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(Position { line, column }) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        if self.severity == Severity::Warning {
            write!(f, ": warning")?;
        }
        write!(f, ": {}: {}", self.path, self.message)?;
        if let Some(check) = self.check {
            write!(f, " [{check}]")?;
        }
        Ok(())
    }
}

/// Checks one level file's bytes; an empty result means the level is valid and has no warnings.
pub fn check_bytes(file: &Path, bytes: &[u8]) -> Vec<Finding> {
    match parse_bytes(file, bytes) {
        Err(findings) => findings,
        Ok((level, text)) => {
            let mut findings = rule_findings(file, &text, &level);
            if findings.is_empty() {
                findings = warnings(file, &text, &level);
            }
            findings
        }
    }
}

/// A level that parsed, with its text (for positions).
pub type Parsed = (Level, String);

/// Reads a level file up to a parsed [`Level`] (not yet validated), or the one finding that
/// stops it: size, encoding, syntax, a wrong type or an unknown field.
pub fn parse_bytes(file: &Path, bytes: &[u8]) -> Result<Parsed, Vec<Finding>> {
    let stop = |position, path: &str, message: String| {
        Err(vec![Finding::error(file, position, path, message)])
    };
    let start = Some(Position { line: 1, column: 1 });
    if bytes.len() > LEVEL_FILE_BYTES_MAX {
        return stop(
            None,
            ".",
            format!(
                "file is {} bytes; at most {LEVEL_FILE_BYTES_MAX} are allowed",
                bytes.len()
            ),
        );
    }
    if bytes.starts_with(b"\xef\xbb\xbf") {
        return stop(
            start,
            ".",
            "the file starts with a byte-order mark (BOM), which JSON does not allow; save it as UTF-8 without BOM".into(),
        );
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = String::from_utf8_lossy(&bytes[..error.valid_up_to()]);
            let line = valid.matches('\n').count() + 1;
            let column = valid
                .rsplit('\n')
                .next()
                .map_or(0, |tail| tail.chars().count())
                + 1;
            return stop(
                Some(Position { line, column }),
                ".",
                "bytes that are not UTF-8 text; save the file as UTF-8".into(),
            );
        }
    };
    if let Err(LevelError::Syntax {
        line,
        column,
        message,
    }) = require_object(bytes)
    {
        let position = Some(Position { line, column });
        if let Some(message) = not_a_level(text) {
            return Err(vec![
                Finding::error(file, position, ".", message).check("not-a-level")
            ]);
        }
        return stop(position, ".", message);
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let parsed = serde_path_to_error::deserialize::<_, Level>(&mut deserializer)
        .map_err(|error| (error.path().to_string(), error.into_inner()))
        .and_then(|level| {
            deserializer
                .end()
                .map_err(|error| (".".to_string(), error))?;
            Ok(level)
        });
    match parsed {
        Ok(level) => Ok((level, text.to_string())),
        Err((path, error)) => {
            if let Some(message) = not_a_level(text) {
                return Err(vec![
                    Finding::error(file, start, ".", message).check("not-a-level")
                ]);
            }
            // serde_path_to_error names a key it could not read `?`: the object is the place.
            let path = match path
                .strip_suffix('?')
                .map(|parent| parent.trim_end_matches('.'))
            {
                Some("") => ".".to_string(),
                Some(parent) => parent.to_string(),
                None => path,
            };
            let (line, byte_column) = (error.line(), error.column());
            let position = (line > 0).then(|| Position {
                line,
                column: messages::character_column(text, line, byte_column),
            });
            let raw = error.to_string();
            let raw = match raw.rfind(" at line ") {
                Some(index) => raw[..index].to_string(),
                None => raw,
            };
            let message = match error.classify() {
                serde_json::error::Category::Syntax => {
                    messages::explain_syntax_error(text, line, byte_column).unwrap_or(raw)
                }
                _ => messages::explain_unknown_field(&messages::explain_value_error(&path, &raw)),
            };
            stop(position, &path, message)
        }
    }
}

/// Names the other JSON files that live near levels: payout tables and the campaign list.
fn not_a_level(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let has = |object: &serde_json::Value, key: &str| object.get(key).is_some();
    if value.is_object() && has(&value, "level_id") && has(&value, "tiers") && !has(&value, "game")
    {
        return Some(
            "this is a payout table, not a level (payout tables live in assets/payouts/)".into(),
        );
    }
    let campaigns = value.as_array().is_some_and(|items| {
        !items.is_empty() && items.iter().all(|item| has(item, "initial_budget_fen"))
    });
    campaigns.then(|| {
        "this is a campaign list, not a level (it lives in assets/payouts/campaigns.json)".into()
    })
}

/// game-core's validation: every field problem, then the named rules.
pub fn rule_findings(file: &Path, text: &str, level: &Level) -> Vec<Finding> {
    level
        .problems()
        .into_iter()
        .map(|problem| {
            let finding = Finding::error(
                file,
                locate(text, &problem.path),
                &problem.path,
                format!("found {}; allowed: {}", problem.found, problem.allowed),
            );
            match problem.rule {
                Some(rule) => finding.check(rule),
                None => finding,
            }
        })
        .collect()
}

/// What a valid level may still get wrong: a foreign `$schema`, a score objective that hides
/// stars, control characters in the name.
pub fn warnings(file: &Path, text: &str, level: &Level) -> Vec<Finding> {
    let mut found = Vec::new();
    let warn = |path: &str, message: String, check| {
        Finding::warning(file, locate(text, path), path, message).check(check)
    };
    if let Some(schema) = &level.schema {
        if !schema.ends_with(SCHEMA_SUFFIX) {
            found.push(warn(
                "$schema",
                format!(
                    "found {schema:?}; allowed: the project's schema, e.g. \"../../{SCHEMA_SUFFIX}\" (editors validate against the wrong rules otherwise)"
                ),
                "foreign-schema",
            ));
        }
    }
    if let Some((index, character)) = level
        .name
        .chars()
        .enumerate()
        .find(|(_, character)| !is_visible(*character) && *character != ' ')
    {
        found.push(warn(
            "name",
            format!(
                "found U+{:04X}, an invisible or control character, at character {}; allowed: visible text and spaces",
                u32::from(character),
                index + 1
            ),
            "name-control-character",
        ));
    }
    if let LevelGame::Match3(spec) = &level.game {
        let top = spec.stars.last().copied().unwrap_or(0);
        for (index, objective) in spec.objectives.iter().enumerate() {
            if let game_core::match3::Objective::Score(target) = objective {
                if *target > top {
                    let path = format!("game.match3.objectives[{index}].score");
                    found.push(warn(
                        &path,
                        format!(
                            "found {target}, above the top star threshold {top}: a game that passes always has {} stars, so fewer stars never show; allowed: at most {top}",
                            spec.stars.len()
                        ),
                        "objective-above-stars",
                    ));
                }
            }
        }
    }
    found
}

/// Checks a file on disk.
pub fn check_file(file: &Path) -> Vec<Finding> {
    match std::fs::read(file) {
        Ok(bytes) => check_bytes(file, &bytes),
        Err(error) => vec![Finding::error(
            file,
            None,
            ".",
            format!("cannot read: {error}"),
        )],
    }
}
