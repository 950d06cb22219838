//! Who the operators are: each a name and the SHA-256 of its bearer token.
//!
//! Every operator decision that moves money (a hold released or confiscated, a withdrawal
//! approved, rejected or settled by hand, a campaign funded) is recorded with the name of the
//! operator who made it, so a team can answer "who released this" from the ledger itself.
//!
//! The roster file holds digests, never tokens: reading it gives nobody a way in, so it needs no
//! secret file mode. `playproof operators add` makes a token, prints it once and writes its
//! digest; `remove` takes a name out, and the service refuses that token from its next start.
//! `PLAYPROOF_OPERATOR_TOKEN` still works on its own and names its holder [`SOLE_OPERATOR`].
//!
//! ```json
//! { "operators": [ { "name": "li.wei", "token_sha256": "9f86d0…" } ] }
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The name of the operator who holds `PLAYPROOF_OPERATOR_TOKEN`.
pub const SOLE_OPERATOR: &str = "operator";
/// Who funds a campaign from the payout book's `initial_budget_fen` at start-up: no operator's
/// name can take this one (names have no spaces or brackets).
pub const PAYOUT_BOOK: &str = "(payout book)";
/// Longest operator name, in bytes: a name is shown in tables and log lines.
pub const NAME_BYTES_MAX: usize = 32;
/// Most operators in a roster: a review team, not a user base (each request checks them all).
pub const OPERATORS_MAX: usize = 64;
/// Random bytes in a token `playproof operators add` makes (hex: 64 characters).
pub const TOKEN_BYTES: usize = 32;

/// One operator as the roster file spells it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RosterEntry {
    pub name: String,
    /// Lowercase hex SHA-256 of the operator's bearer token.
    pub token_sha256: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RosterFile {
    pub operators: Vec<RosterEntry>,
}

/// Why a roster cannot be used; each names the file and the entry.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a roster ({source})")]
    Syntax {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{path}: operators[{index}].name {name:?}: {reason}")]
    Name {
        path: PathBuf,
        index: usize,
        name: String,
        reason: &'static str,
    },
    #[error("{path}: operators[{index}].token_sha256: not 64 lowercase hex digits")]
    Digest { path: PathBuf, index: usize },
    #[error("{path}: operators[{index}].token_sha256: the same token as operators[{first}]")]
    SharedToken {
        path: PathBuf,
        index: usize,
        first: usize,
    },
    #[error("{path}: {count} operators; at most {OPERATORS_MAX}")]
    TooMany { path: PathBuf, count: usize },
}

/// The operators the service accepts.
#[derive(Clone, Debug, Default)]
pub struct Roster {
    operators: Vec<(String, [u8; 32])>,
}

impl Roster {
    /// One operator, [`SOLE_OPERATOR`], holding `token`.
    pub fn sole(token: &str) -> Self {
        Roster {
            operators: vec![(SOLE_OPERATOR.to_string(), token_digest(token))],
        }
    }

    /// The roster in `path`, checked entry by entry.
    pub fn load(path: &Path) -> Result<Self, RosterError> {
        let bytes = std::fs::read(path).map_err(|source| RosterError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &bytes)
    }

    /// The roster in `bytes`, read from `path` (which the errors name).
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Self, RosterError> {
        let file = parse_file(path, bytes)?;
        let mut roster = Roster::default();
        for (index, entry) in file.operators.iter().enumerate() {
            check_name(&entry.name).map_err(|reason| RosterError::Name {
                path: path.to_path_buf(),
                index,
                name: entry.name.clone(),
                reason,
            })?;
            let digest = crate::hex::decode_lowercase(&entry.token_sha256)
                .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                .ok_or_else(|| RosterError::Digest {
                    path: path.to_path_buf(),
                    index,
                })?;
            roster.add(path, index, &entry.name, digest)?;
        }
        Ok(roster)
    }

    /// Adds the holder of `PLAYPROOF_OPERATOR_TOKEN` to a loaded roster.
    pub fn with_sole(mut self, token: &str) -> Result<Self, RosterError> {
        let path = PathBuf::from(crate::run::OPERATOR_TOKEN_ENV);
        let index = self.operators.len();
        self.add(&path, index, SOLE_OPERATOR, token_digest(token))?;
        Ok(self)
    }

    fn add(
        &mut self,
        path: &Path,
        index: usize,
        name: &str,
        digest: [u8; 32],
    ) -> Result<(), RosterError> {
        if self.operators.iter().any(|(known, _)| known == name) {
            return Err(RosterError::Name {
                path: path.to_path_buf(),
                index,
                name: name.to_string(),
                reason: "named twice",
            });
        }
        if let Some(first) = self
            .operators
            .iter()
            .position(|(_, known)| *known == digest)
        {
            return Err(RosterError::SharedToken {
                path: path.to_path_buf(),
                index,
                first,
            });
        }
        if self.operators.len() == OPERATORS_MAX {
            return Err(RosterError::TooMany {
                path: path.to_path_buf(),
                count: self.operators.len() + 1,
            });
        }
        self.operators.push((name.to_string(), digest));
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.operators.is_empty()
    }

    /// The operator holding `token`, if any. Every entry is compared, in constant time, so the
    /// answer's timing says nothing about which entry (or how much of a digest) matched.
    pub fn identify(&self, token: &str) -> Option<&str> {
        let digest = token_digest(token);
        let mut found = None;
        for (name, known) in &self.operators {
            let differs = known
                .iter()
                .zip(&digest)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b));
            if differs == 0 {
                found = Some(name.as_str());
            }
        }
        found
    }
}

/// Lowercase hex SHA-256 of a token, as the roster file keeps it.
pub fn token_sha256_hex(token: &str) -> String {
    crate::hex::encode(&token_digest(token))
}

fn token_digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Names are short and plain so they read the same in a table, a log line and a shell.
pub fn check_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() || name.len() > NAME_BYTES_MAX {
        return Err("1 to 32 characters");
    }
    let plain = name
        .bytes()
        .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || b"._-".contains(&byte));
    if !plain {
        return Err("only a-z, 0-9, '.', '_' and '-'");
    }
    Ok(())
}

/// The roster file's entries as written, before they are checked.
pub fn parse_file(path: &Path, bytes: &[u8]) -> Result<RosterFile, RosterError> {
    let file: RosterFile = serde_json::from_slice(bytes).map_err(|source| RosterError::Syntax {
        path: path.to_path_buf(),
        source,
    })?;
    if file.operators.len() > OPERATORS_MAX {
        return Err(RosterError::TooMany {
            path: path.to_path_buf(),
            count: file.operators.len(),
        });
    }
    Ok(file)
}

impl RosterFile {
    /// The roster in `path`, or an empty one when there is no file yet.
    pub fn load_or_empty(path: &Path) -> Result<Self, RosterError> {
        match std::fs::read(path) {
            Ok(bytes) => parse_file(path, &bytes),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(RosterError::Io {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Adds operator `name` with a fresh random token; the token, which is kept nowhere.
    pub fn add(&mut self, path: &Path, name: &str) -> Result<String, RosterError> {
        let index = self.operators.len();
        check_name(name).map_err(|reason| RosterError::Name {
            path: path.to_path_buf(),
            index,
            name: name.to_string(),
            reason,
        })?;
        let mut bytes = [0u8; TOKEN_BYTES];
        getrandom::fill(&mut bytes).map_err(|error| RosterError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other(error.to_string()),
        })?;
        let token = crate::hex::encode(&bytes);
        let mut added = self.clone();
        added.operators.push(RosterEntry {
            name: name.to_string(),
            token_sha256: token_sha256_hex(&token),
        });
        // The whole roster is checked as `serve` will read it (a name taken twice, too many);
        // a refused name leaves the roster as it was.
        Roster::parse(path, &added.to_json())?;
        *self = added;
        Ok(token)
    }

    /// Takes operator `name` out; whether it was there.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.operators.len();
        self.operators.retain(|entry| entry.name != name);
        self.operators.len() != before
    }

    /// Writes the roster so that no reader ever sees half of it.
    pub fn save(&self, path: &Path) -> Result<(), RosterError> {
        crate::secrets::replace_file(path, &self.to_json()).map_err(|source| RosterError::Io {
            path: path.to_path_buf(),
            source,
        })
    }

    fn to_json(&self) -> Vec<u8> {
        let mut text = serde_json::to_vec_pretty(self).expect("a roster serializes");
        text.push(b'\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATH: &str = "ops/operators.json";

    fn parse(text: &str) -> Result<Roster, RosterError> {
        Roster::parse(Path::new(PATH), text.as_bytes())
    }

    fn entry(name: &str, token: &str) -> String {
        format!(
            r#"{{"name":"{name}","token_sha256":"{}"}}"#,
            token_sha256_hex(token)
        )
    }

    #[test]
    fn each_token_identifies_its_operator_and_nothing_else_does() {
        let text = format!(
            r#"{{"operators":[{},{}]}}"#,
            entry("li.wei", "token-of-li"),
            entry("zhang_min", "token-of-zhang")
        );
        let roster = parse(&text).unwrap().with_sole("token-from-env").unwrap();
        assert_eq!(roster.identify("token-of-li"), Some("li.wei"));
        assert_eq!(roster.identify("token-of-zhang"), Some("zhang_min"));
        assert_eq!(roster.identify("token-from-env"), Some(SOLE_OPERATOR));
        assert_eq!(roster.identify("token-of-l"), None);
        assert_eq!(roster.identify(""), None);
        assert_eq!(Roster::sole("only").identify("only"), Some(SOLE_OPERATOR));
    }

    #[test]
    fn a_bad_roster_names_the_file_the_entry_and_the_reason() {
        let cases = [
            (
                r#"{"operators":[{"name":"Li Wei","token_sha256":"00"}]}"#.to_string(),
                "operators[0].name \"Li Wei\": only a-z, 0-9, '.', '_' and '-'",
            ),
            (
                r#"{"operators":[{"name":"","token_sha256":"00"}]}"#.to_string(),
                "operators[0].name \"\": 1 to 32 characters",
            ),
            (
                r#"{"operators":[{"name":"li","token_sha256":"ABCD"}]}"#.to_string(),
                "operators[0].token_sha256: not 64 lowercase hex digits",
            ),
            (
                format!(
                    r#"{{"operators":[{},{}]}}"#,
                    entry("li", "a"),
                    entry("li", "b")
                ),
                "operators[1].name \"li\": named twice",
            ),
            (
                format!(
                    r#"{{"operators":[{},{}]}}"#,
                    entry("li", "a"),
                    entry("wu", "a")
                ),
                "operators[1].token_sha256: the same token as operators[0]",
            ),
            (
                r#"{"operators":[{"name":"li","token":"x"}]}"#.to_string(),
                "not a roster",
            ),
            ("[".to_string(), "not a roster"),
        ];
        for (text, wanted) in cases {
            let error = parse(&text).unwrap_err().to_string();
            assert!(
                error.starts_with(PATH) && error.contains(wanted),
                "{text}: {error}"
            );
        }
        let missing = Roster::load(Path::new("/nonexistent/operators.json")).unwrap_err();
        assert!(missing
            .to_string()
            .starts_with("/nonexistent/operators.json: "));
    }

    #[test]
    fn an_added_operator_gets_a_fresh_token_that_the_saved_roster_accepts() {
        let path =
            std::env::temp_dir().join(format!("playproof-roster-{}.json", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let mut file = RosterFile::load_or_empty(&path).unwrap();
        let li = file.add(&path, "li.wei").unwrap();
        let zhang = file.add(&path, "zhang").unwrap();
        assert_eq!((li.len(), zhang.len()), (2 * TOKEN_BYTES, 2 * TOKEN_BYTES));
        assert_ne!(li, zhang);
        assert!(file
            .add(&path, "li.wei")
            .unwrap_err()
            .to_string()
            .contains("named twice"));
        file.save(&path).unwrap();
        let roster = Roster::load(&path).unwrap();
        assert_eq!(roster.identify(&li), Some("li.wei"));
        assert_eq!(roster.identify(&zhang), Some("zhang"));
        let saved = std::fs::read_to_string(&path).unwrap();
        assert!(!saved.contains(&li) && !saved.contains(&zhang), "{saved}");
        let mut file = RosterFile::load_or_empty(&path).unwrap();
        assert!(file.remove("li.wei"));
        assert!(!file.remove("li.wei"));
        file.save(&path).unwrap();
        let roster = Roster::load(&path).unwrap();
        assert_eq!(roster.identify(&li), None);
        assert_eq!(roster.identify(&zhang), Some("zhang"));
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn the_env_token_may_not_reuse_a_roster_token_or_name() {
        let roster = parse(&format!(r#"{{"operators":[{}]}}"#, entry("li", "shared")));
        let error = roster.unwrap().with_sole("shared").unwrap_err();
        assert!(
            error.to_string().contains("the same token as operators[0]"),
            "{error}"
        );
        let roster = parse(&format!(
            r#"{{"operators":[{}]}}"#,
            entry(SOLE_OPERATOR, "one")
        ));
        let error = roster.unwrap().with_sole("two").unwrap_err();
        assert!(error.to_string().contains("named twice"), "{error}");
    }
}
