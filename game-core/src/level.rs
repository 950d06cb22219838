//! Level data: the JSON files under `assets/levels/`, their serde types and their validation.
//!
//! Loading either yields a fully valid [`Level`] or every problem found, each naming the field
//! path, what was found and what is allowed. Nothing downstream re-checks level data.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use serde::{Deserialize, Serialize};

use crate::match3::Match3Level;
use crate::merge::MergeLevel;

/// Largest level file accepted, in bytes. Real levels are a few KB.
pub const LEVEL_FILE_BYTES_MAX: usize = 64 * 1024;

/// Longest level id, in bytes.
pub const LEVEL_ID_BYTES_MAX: usize = 64;

/// Longest level display name, in characters (what a designer counts, whatever the script).
pub const LEVEL_NAME_CHARS_MAX: usize = 120;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// Editor hint pointing at the JSON Schema; ignored by the game.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Stable identifier: lowercase letters, digits and `-`.
    pub id: String,
    /// Name shown to players.
    pub name: String,
    /// The game mode and its tunables.
    pub game: LevelGame,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum LevelGame {
    Match3(Match3Level),
    MergeDrop(MergeLevel),
}

impl LevelGame {
    /// The mode's name as level files spell it: `match3` or `merge_drop`.
    pub fn mode_name(&self) -> &'static str {
        match self {
            LevelGame::Match3(_) => "match3",
            LevelGame::MergeDrop(_) => "merge_drop",
        }
    }
}

/// One thing wrong with a level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Field path from the root, e.g. `game.match3.objectives[1].collect.count`.
    pub path: String,
    pub found: String,
    pub allowed: String,
    /// The named rule behind a check that decides whether a level can work at all (e.g.
    /// `no-possible-swap`); `None` for a field's own range or shape.
    pub rule: Option<&'static str>,
}

impl Problem {
    /// Names the rule that found this problem.
    pub fn rule(mut self, name: &'static str) -> Self {
        self.rule = Some(name);
        self
    }

    pub fn new(
        path: impl Into<String>,
        found: impl fmt::Display,
        allowed: impl Into<String>,
    ) -> Self {
        Problem {
            path: path.into(),
            found: found.to_string(),
            allowed: allowed.into(),
            rule: None,
        }
    }
}

/// `path: found …; allowed: …`, then the rule's name in brackets as `levels check` prints it,
/// e.g. `[no-possible-swap]`: the designer page lists problems in these words.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: found {}; allowed: {}",
            self.path, self.found, self.allowed
        )?;
        match self.rule {
            Some(rule) => write!(f, " [{rule}]"),
            None => Ok(()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LevelError {
    #[error("level file is {bytes} bytes; at most {max} are allowed", max = LEVEL_FILE_BYTES_MAX)]
    TooLarge { bytes: usize },
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}", ProblemList(problems))]
    Invalid { problems: Vec<Problem> },
}

struct ProblemList<'a>(&'a [Problem]);

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        write!(f, "{count} problem{}", if count == 1 { "" } else { "s" })?;
        for problem in self.0 {
            write!(f, "\n  {problem}")?;
        }
        Ok(())
    }
}

impl Level {
    /// Parses and validates a level file.
    pub fn from_json(bytes: &[u8]) -> Result<Level, LevelError> {
        let level = Level::parse(bytes)?;
        let problems = level.problems();
        if problems.is_empty() {
            Ok(level)
        } else {
            Err(LevelError::Invalid { problems })
        }
    }

    /// Reads a level file's syntax and types without validating it, for tools that show an
    /// invalid level (the designer's preview). A game only ever starts from [`Level::from_json`].
    pub fn parse(bytes: &[u8]) -> Result<Level, LevelError> {
        if bytes.len() > LEVEL_FILE_BYTES_MAX {
            return Err(LevelError::TooLarge { bytes: bytes.len() });
        }
        require_object(bytes)?;
        serde_json::from_slice(bytes).map_err(|error| LevelError::Syntax {
            line: error.line(),
            column: error.column(),
            message: strip_position(&error.to_string()),
        })
    }

    /// Every semantic problem with this level; empty when it is valid.
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let id_ok = !self.id.is_empty()
            && self.id.len() <= LEVEL_ID_BYTES_MAX
            && self
                .id
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-');
        if !id_ok {
            problems.push(Problem::new(
                "id",
                format!("{:?}", self.id),
                format!("1 to {LEVEL_ID_BYTES_MAX} characters of a-z, 0-9 and -"),
            ));
        }
        let name_chars = self.name.chars().count();
        if !self.name.chars().any(is_visible) || name_chars > LEVEL_NAME_CHARS_MAX {
            let found = if name_chars > LEVEL_NAME_CHARS_MAX {
                format!("{name_chars} characters")
            } else {
                format!("{:?}", self.name)
            };
            let problem = Problem::new(
                "name",
                found,
                format!("1 to {LEVEL_NAME_CHARS_MAX} characters of visible text"),
            );
            // Spaces alone are plainly empty; other invisible characters need the rule named.
            let hidden = self
                .name
                .chars()
                .any(|character| !character.is_whitespace());
            problems.push(if hidden && name_chars <= LEVEL_NAME_CHARS_MAX {
                problem.rule("name-invisible")
            } else {
                problem
            });
        }
        match &self.game {
            LevelGame::Match3(spec) => spec.validate("game.match3", &mut problems),
            LevelGame::MergeDrop(spec) => spec.validate("game.merge_drop", &mut problems),
        }
        problems
    }
}

impl LevelGame {
    /// An upper bound on any session's score on this level, or `None` when the fields it is
    /// computed from are invalid. Star thresholds and score payouts above it can never be met.
    pub fn score_ceiling_points(&self) -> Option<u32> {
        match self {
            LevelGame::Match3(spec) => spec.score_ceiling_points(),
            LevelGame::MergeDrop(spec) => spec.score_ceiling_points(),
        }
    }

    /// The star thresholds, lowest first.
    pub fn star_thresholds(&self) -> &[u32] {
        match self {
            LevelGame::Match3(spec) => &spec.stars,
            LevelGame::MergeDrop(spec) => &spec.stars,
        }
    }
}

/// True for a character a player can see: not whitespace, not a control character, not an
/// invisible format character (zero-width spaces and joiners, bidirectional marks, the BOM,
/// the soft hyphen). A name made only of the others looks empty on screen.
pub fn is_visible(character: char) -> bool {
    let invisible_format = matches!(
        character,
        '\u{00ad}'
            | '\u{034f}'
            | '\u{061c}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{17b4}'
            | '\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff0}'..='\u{fff8}'
    );
    !(character.is_whitespace() || character.is_control() || invisible_format)
}

/// Refuses text whose first value is not a JSON object: serde would read a level from a JSON
/// array too, with a confusing message.
pub fn require_object(bytes: &[u8]) -> Result<(), LevelError> {
    let Some(index) = bytes.iter().position(|byte| !byte.is_ascii_whitespace()) else {
        return Ok(()); // Empty text: serde reports it as such.
    };
    if bytes[index] == b'{' {
        return Ok(());
    }
    let line_start = bytes[..index]
        .iter()
        .rposition(|&byte| byte == b'\n')
        .map_or(0, |newline| newline + 1);
    Err(LevelError::Syntax {
        line: 1 + bytes[..index].iter().filter(|&&byte| byte == b'\n').count(),
        column: 1 + index - line_start,
        message: "a level file must hold one JSON object".into(),
    })
}

/// serde_json appends " at line L column C"; the position is reported in its own fields.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}
