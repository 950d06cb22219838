//! Checks level files and reports every problem with its file, line, column and field path.

use std::fmt;
use std::path::{Path, PathBuf};

use game_core::level::{require_object, LEVEL_FILE_BYTES_MAX};
use game_core::Level;
use game_core::LevelError;

use crate::json_position::{locate, Position};

/// One problem in one level file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub file: PathBuf,
    pub position: Option<Position>,
    /// Field path from the root, `.` when the problem is the whole file.
    pub path: String,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(Position { line, column }) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}: {}", self.path, self.message)
    }
}

/// Checks one level file's bytes; an empty result means the level is valid.
pub fn check_bytes(file: &Path, bytes: &[u8]) -> Vec<Finding> {
    let finding = |position, path: &str, message: String| Finding {
        file: file.to_path_buf(),
        position,
        path: path.to_string(),
        message,
    };
    if bytes.len() > LEVEL_FILE_BYTES_MAX {
        return vec![finding(
            None,
            ".",
            format!(
                "file is {} bytes; at most {LEVEL_FILE_BYTES_MAX} are allowed",
                bytes.len()
            ),
        )];
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return vec![finding(None, ".", "file is not UTF-8 text".into())];
    };
    if let Err(LevelError::Syntax {
        line,
        column,
        message,
    }) = require_object(bytes)
    {
        return vec![finding(Some(Position { line, column }), ".", message)];
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
    let level = match parsed {
        Ok(level) => level,
        Err((path, error)) => {
            let position = (error.line() > 0).then(|| Position {
                line: error.line(),
                column: error.column(),
            });
            let message = error.to_string();
            let message = match message.rfind(" at line ") {
                Some(index) => message[..index].to_string(),
                None => message,
            };
            return vec![finding(position, &path, message)];
        }
    };
    level
        .problems()
        .into_iter()
        .map(|problem| {
            finding(
                locate(text, &problem.path),
                &problem.path,
                format!("found {}; allowed: {}", problem.found, problem.allowed),
            )
        })
        .collect()
}

/// Checks a file on disk.
pub fn check_file(file: &Path) -> Vec<Finding> {
    match std::fs::read(file) {
        Ok(bytes) => check_bytes(file, &bytes),
        Err(error) => vec![Finding {
            file: file.to_path_buf(),
            position: None,
            path: ".".into(),
            message: format!("cannot read: {error}"),
        }],
    }
}
