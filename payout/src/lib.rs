//! Payout tables: what a verified score or star count on a level pays, in fen, and which
//! sponsor campaign (if any) boosts it. Loaded from JSON files under `assets/payouts/`.
//!
//! A table file:
//! ```json
//! { "level_id": "m3-001", "basis": "stars",
//!   "tiers": [ { "at_least": 1, "payout_fen": 5 }, { "at_least": 3, "payout_fen": 20 } ],
//!   "sponsor": { "campaign_id": "spring", "boost_fen": 10, "name": "Spring Tea" } }
//! ```
//! The highest tier whose `at_least` the result reaches pays; below every tier pays nothing.
//! A lost game (objectives not met) pays nothing unless the table says `"pays_on_loss": true`:
//! stars come from the score alone, so without the rule a failed game can earn money.
//! `campaigns.json` in the same directory lists the campaigns and their initial budgets.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Largest payout file read, in bytes: a table has a handful of tiers.
pub const PAYOUT_FILE_BYTES_MAX: u64 = 64 * 1024;
/// Most tiers in one table; more is a data mistake, not a design.
pub const TIERS_MAX: usize = 64;
/// Most payout files in a directory.
pub const PAYOUT_FILES_MAX: usize = 10_000;
/// Largest single tier payout or boost, in fen (1,000 CNY): a typo guard, not a business rule.
pub const TIER_PAYOUT_FEN_MAX: i64 = 100_000;
/// Longest campaign id, in bytes.
pub const CAMPAIGN_ID_BYTES_MAX: usize = 64;
/// The file in a payout directory that lists the campaigns.
pub const CAMPAIGNS_FILE: &str = "campaigns.json";

#[derive(Debug, thiserror::Error)]
pub enum PayoutError {
    #[error("reading {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is {bytes} bytes; at most {PAYOUT_FILE_BYTES_MAX} are allowed")]
    TooLarge { path: PathBuf, bytes: u64 },
    #[error("{path} is not a valid payout file: {source}")]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{path}: {problem}")]
    Invalid {
        path: PathBuf,
        problem: TableProblem,
    },
    #[error("{path}: more than {PAYOUT_FILES_MAX} payout files")]
    TooManyFiles { path: PathBuf },
}

/// What a table's tiers are measured in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    Score,
    Stars,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub at_least: u32,
    pub payout_fen: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sponsor {
    pub campaign_id: String,
    /// Added to any non-zero tier payout while the campaign's budget lasts.
    pub boost_fen: i64,
    /// The sponsor's name as players read it on the level map ("boosted by …"); the campaign
    /// id stands in where a table gives none.
    #[serde(default)]
    pub name: Option<String>,
}

/// The longest sponsor name, in bytes: one line of the map's tile (the game cuts names there).
pub const SPONSOR_NAME_BYTES_MAX: usize = 48;

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayoutTable {
    pub level_id: String,
    pub basis: Basis,
    /// Strictly increasing `at_least`.
    pub tiers: Vec<Tier>,
    #[serde(default)]
    pub sponsor: Option<Sponsor>,
    /// The most one play of this level may pay on average (base payout, before boosts and
    /// caps), in fen. Tuning estimates the expected payout per play with bots and the
    /// level-pack gate fails a level whose estimate exceeds it.
    #[serde(default)]
    pub budget_per_play_fen: Option<i64>,
    /// Whether a lost game (objectives not met) is paid by its score or stars. Off by default:
    /// stars come from the score alone, so a failed game can reach a paying tier.
    #[serde(default)]
    pub pays_on_loss: bool,
}

/// One thing wrong with a payout file: the field path, what was found, what is allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableProblem {
    pub path: String,
    pub found: String,
    pub allowed: String,
    /// The named rule, for problems beyond a field's own range (e.g. `tier-pays-less`).
    pub rule: Option<&'static str>,
}

impl std::fmt::Display for TableProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: found {}; allowed: {}",
            self.path, self.found, self.allowed
        )
    }
}

impl TableProblem {
    pub fn new(path: impl Into<String>, found: impl ToString, allowed: impl Into<String>) -> Self {
        TableProblem {
            path: path.into(),
            found: found.to_string(),
            allowed: allowed.into(),
            rule: None,
        }
    }
}

/// How a verified game ended, as far as payouts care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Finish {
    pub score: u32,
    pub stars: u8,
    /// The level's objectives were met.
    pub passed: bool,
}

impl PayoutTable {
    /// Every problem this table has on its own (campaigns and levels are checked by whoever
    /// holds them); empty when it is valid.
    pub fn problems(&self) -> Vec<TableProblem> {
        let mut problems = Vec::new();
        if let Err(problem) = check_id(&self.level_id) {
            problems.push(TableProblem::new(
                "level_id",
                format!("{:?}", self.level_id),
                problem,
            ));
        }
        if self.tiers.is_empty() || self.tiers.len() > TIERS_MAX {
            problems.push(TableProblem::new(
                "tiers",
                format!("{} tiers", self.tiers.len()),
                format!("1 to {TIERS_MAX} tiers"),
            ));
        }
        for (index, tier) in self.tiers.iter().enumerate() {
            if !(0..=TIER_PAYOUT_FEN_MAX).contains(&tier.payout_fen) {
                problems.push(TableProblem::new(
                    format!("tiers[{index}].payout_fen"),
                    tier.payout_fen,
                    format!("0 to {TIER_PAYOUT_FEN_MAX}"),
                ));
            }
            let Some(previous) = index.checked_sub(1).map(|before| &self.tiers[before]) else {
                continue;
            };
            if tier.at_least <= previous.at_least {
                problems.push(TableProblem::new(
                    format!("tiers[{index}].at_least"),
                    tier.at_least,
                    format!(
                        "more than tiers[{}].at_least {} (tiers strictly increase)",
                        index - 1,
                        previous.at_least
                    ),
                ));
            } else if tier.payout_fen < previous.payout_fen {
                let mut problem = TableProblem::new(
                    format!("tiers[{index}].payout_fen"),
                    format!(
                        "{} for a better result than tiers[{}] pays ({})",
                        tier.payout_fen,
                        index - 1,
                        previous.payout_fen
                    ),
                    format!(
                        "at least {} (a better result never pays less)",
                        previous.payout_fen
                    ),
                );
                problem.rule = Some("tier-pays-less");
                problems.push(problem);
            }
        }
        if let Some(budget) = self.budget_per_play_fen {
            if !(0..=TIER_PAYOUT_FEN_MAX).contains(&budget) {
                problems.push(TableProblem::new(
                    "budget_per_play_fen",
                    budget,
                    format!("0 to {TIER_PAYOUT_FEN_MAX}"),
                ));
            }
        }
        if let Some(sponsor) = &self.sponsor {
            if !(0..=TIER_PAYOUT_FEN_MAX).contains(&sponsor.boost_fen) {
                problems.push(TableProblem::new(
                    "sponsor.boost_fen",
                    sponsor.boost_fen,
                    format!("0 to {TIER_PAYOUT_FEN_MAX}"),
                ));
            }
            if let Some(name) = &sponsor.name {
                let blank = name.trim().is_empty();
                if blank
                    || name.len() > SPONSOR_NAME_BYTES_MAX
                    || name.chars().any(char::is_control)
                {
                    problems.push(TableProblem::new(
                        "sponsor.name",
                        format!("{name:?}"),
                        format!(
                            "a name of 1 to {SPONSOR_NAME_BYTES_MAX} bytes, without control characters"
                        ),
                    ));
                }
            }
        }
        problems
    }

    /// The base payout for `finish` under this table, in fen.
    pub fn base_fen(&self, finish: Finish) -> i64 {
        if !finish.passed && !self.pays_on_loss {
            return 0;
        }
        let reached = match self.basis {
            Basis::Score => finish.score,
            Basis::Stars => u32::from(finish.stars),
        };
        self.tiers
            .iter()
            .rev()
            .find(|tier| reached >= tier.at_least)
            .map_or(0, |tier| tier.payout_fen)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    pub id: String,
    /// Funded once, from the sponsor account, the first time the service starts with it.
    pub initial_budget_fen: i64,
}

/// What one verified result is owed before the daily cap and the campaign budget apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owed {
    pub base_fen: i64,
    /// `(campaign id, boost)` when the level is sponsored and the result pays at all.
    pub boost: Option<(String, i64)>,
}

/// Every level's payout table and every campaign.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PayoutBook {
    tables: BTreeMap<String, PayoutTable>,
    campaigns: BTreeMap<String, Campaign>,
}

impl PayoutBook {
    /// Builds a book from tables and campaigns, checking each as a file would be checked.
    pub fn new(tables: Vec<PayoutTable>, campaigns: Vec<Campaign>) -> Result<Self, PayoutError> {
        let origin = PathBuf::from("<memory>");
        let mut book = PayoutBook::default();
        for campaign in campaigns {
            book.add_campaign(&origin, campaign)?;
        }
        for table in tables {
            book.add_table(&origin, table)?;
        }
        Ok(book)
    }

    /// Loads every `*.json` in `dir` (`campaigns.json` lists campaigns; the rest are tables).
    /// Any bad file fails the whole load with the file and the problem named.
    pub fn load_dir(dir: &Path) -> Result<Self, PayoutError> {
        let io = |source| PayoutError::Io {
            path: dir.to_path_buf(),
            source,
        };
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path
                .extension()
                .is_some_and(|extension| extension == "json")
            {
                paths.push(path);
            }
            if paths.len() > PAYOUT_FILES_MAX {
                return Err(PayoutError::TooManyFiles {
                    path: dir.to_path_buf(),
                });
            }
        }
        paths.sort();
        let mut book = PayoutBook::default();
        let (campaign_files, table_files): (Vec<_>, Vec<_>) = paths
            .into_iter()
            .partition(|path| path.file_name().is_some_and(|name| name == CAMPAIGNS_FILE));
        for path in campaign_files {
            let campaigns: Vec<Campaign> = read_json(&path)?;
            for campaign in campaigns {
                book.add_campaign(&path, campaign)?;
            }
        }
        for path in table_files {
            let table: PayoutTable = read_json(&path)?;
            book.add_table(&path, table)?;
        }
        Ok(book)
    }

    fn add_campaign(&mut self, path: &Path, campaign: Campaign) -> Result<(), PayoutError> {
        let invalid = |field: &str, found: String, allowed: String| PayoutError::Invalid {
            path: path.to_path_buf(),
            problem: TableProblem::new(field, found, allowed),
        };
        check_id(&campaign.id)
            .map_err(|allowed| invalid("id", format!("{:?}", campaign.id), allowed))?;
        if campaign.initial_budget_fen < 0 {
            return Err(invalid(
                "initial_budget_fen",
                format!("{} (campaign {})", campaign.initial_budget_fen, campaign.id),
                "0 or more".into(),
            ));
        }
        if self.campaigns.contains_key(&campaign.id) {
            return Err(invalid(
                "id",
                format!("campaign {} a second time", campaign.id),
                "each campaign once".into(),
            ));
        }
        self.campaigns.insert(campaign.id.clone(), campaign);
        Ok(())
    }

    fn add_table(&mut self, path: &Path, table: PayoutTable) -> Result<(), PayoutError> {
        let invalid = |problem: TableProblem| PayoutError::Invalid {
            path: path.to_path_buf(),
            problem,
        };
        if let Some(problem) = table.problems().into_iter().next() {
            return Err(invalid(problem));
        }
        if let Some(sponsor) = &table.sponsor {
            if !self.campaigns.contains_key(&sponsor.campaign_id) {
                return Err(invalid(TableProblem::new(
                    "sponsor.campaign_id",
                    format!("{:?}", sponsor.campaign_id),
                    format!("a campaign listed in {CAMPAIGNS_FILE}"),
                )));
            }
        }
        if self.tables.contains_key(&table.level_id) {
            return Err(invalid(TableProblem::new(
                "level_id",
                format!("{:?}, which already has a payout table", table.level_id),
                "one payout table per level",
            )));
        }
        self.tables.insert(table.level_id.clone(), table);
        Ok(())
    }

    /// What a verified game on `level_id` is owed. Levels without a table pay 0.
    pub fn owed(&self, level_id: &str, finish: Finish) -> Owed {
        let Some(table) = self.tables.get(level_id) else {
            return Owed {
                base_fen: 0,
                boost: None,
            };
        };
        let base_fen = table.base_fen(finish);
        let boost = table
            .sponsor
            .as_ref()
            .filter(|sponsor| base_fen > 0 && sponsor.boost_fen > 0)
            .map(|sponsor| (sponsor.campaign_id.clone(), sponsor.boost_fen));
        Owed { base_fen, boost }
    }

    pub fn table(&self, level_id: &str) -> Option<&PayoutTable> {
        self.tables.get(level_id)
    }

    pub fn tables(&self) -> impl Iterator<Item = &PayoutTable> {
        self.tables.values()
    }

    pub fn campaigns(&self) -> impl Iterator<Item = &Campaign> {
        self.campaigns.values()
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, PayoutError> {
    let io = |source| PayoutError::Io {
        path: path.to_path_buf(),
        source,
    };
    let bytes = std::fs::metadata(path).map_err(io)?.len();
    if bytes > PAYOUT_FILE_BYTES_MAX {
        return Err(PayoutError::TooLarge {
            path: path.to_path_buf(),
            bytes,
        });
    }
    let text = std::fs::read(path).map_err(io)?;
    serde_json::from_slice(&text).map_err(|source| PayoutError::Json {
        path: path.to_path_buf(),
        source,
    })
}

/// Ids are lowercase letters, digits and `-`, 1 to [`CAMPAIGN_ID_BYTES_MAX`] bytes; the error
/// says what is allowed.
fn check_id(id: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if id.is_empty() || id.len() > CAMPAIGN_ID_BYTES_MAX || !id.chars().all(allowed) {
        return Err(format!(
            "1 to {CAMPAIGN_ID_BYTES_MAX} characters of a-z, 0-9 and -"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn won(score: u32, stars: u8) -> Finish {
        Finish {
            score,
            stars,
            passed: true,
        }
    }

    fn book() -> PayoutBook {
        PayoutBook::new(
            vec![
                PayoutTable {
                    level_id: "stars-level".into(),
                    basis: Basis::Stars,
                    tiers: vec![
                        Tier {
                            at_least: 1,
                            payout_fen: 5,
                        },
                        Tier {
                            at_least: 3,
                            payout_fen: 20,
                        },
                    ],
                    sponsor: Some(Sponsor {
                        campaign_id: "spring".into(),
                        boost_fen: 7,
                        name: Some("Spring Tea".into()),
                    }),
                    budget_per_play_fen: None,
                    pays_on_loss: true,
                },
                PayoutTable {
                    level_id: "score-level".into(),
                    basis: Basis::Score,
                    tiers: vec![Tier {
                        at_least: 1000,
                        payout_fen: 3,
                    }],
                    sponsor: None,
                    budget_per_play_fen: Some(2),
                    pays_on_loss: false,
                },
            ],
            vec![Campaign {
                id: "spring".into(),
                initial_budget_fen: 100,
            }],
        )
        .unwrap()
    }

    #[test]
    fn the_highest_reached_tier_pays_and_sponsors_boost_only_paying_results() {
        let book = book();
        assert_eq!(
            book.owed("stars-level", won(0, 0)),
            Owed {
                base_fen: 0,
                boost: None
            }
        );
        assert_eq!(
            book.owed("stars-level", won(0, 2)),
            Owed {
                base_fen: 5,
                boost: Some(("spring".into(), 7))
            }
        );
        assert_eq!(book.owed("stars-level", won(0, 3)).base_fen, 20);
        assert_eq!(book.owed("score-level", won(999, 3)).base_fen, 0);
        assert_eq!(
            book.owed("score-level", won(1000, 0)),
            Owed {
                base_fen: 3,
                boost: None
            }
        );
        assert_eq!(book.owed("no-table", won(5000, 3)).base_fen, 0);
    }

    #[test]
    fn a_lost_game_pays_only_where_the_table_says_so() {
        let book = book();
        let lost = |score, stars| Finish {
            score,
            stars,
            passed: false,
        };
        // "stars-level" pays on loss; "score-level" does not.
        assert_eq!(book.owed("stars-level", lost(0, 2)).base_fen, 5);
        assert_eq!(
            book.owed("score-level", lost(5000, 3)),
            Owed {
                base_fen: 0,
                boost: None
            }
        );
        assert_eq!(book.owed("score-level", won(5000, 3)).base_fen, 3);
    }

    #[test]
    fn bad_tables_are_refused_with_the_problem_named() {
        let table = |tiers: Vec<Tier>, sponsor: Option<Sponsor>| PayoutTable {
            level_id: "l".into(),
            basis: Basis::Score,
            tiers,
            sponsor,
            budget_per_play_fen: None,
            pays_on_loss: false,
        };
        let cases = [
            (table(vec![], None), "0 tiers"),
            (
                table(
                    vec![
                        Tier {
                            at_least: 5,
                            payout_fen: 1,
                        },
                        Tier {
                            at_least: 5,
                            payout_fen: 2,
                        },
                    ],
                    None,
                ),
                "strictly increase",
            ),
            (
                table(
                    vec![Tier {
                        at_least: 1,
                        payout_fen: -1,
                    }],
                    None,
                ),
                "tiers[0].payout_fen: found -1",
            ),
            (
                table(
                    vec![Tier {
                        at_least: 1,
                        payout_fen: 1,
                    }],
                    Some(Sponsor {
                        campaign_id: "nobody".into(),
                        boost_fen: 1,
                        name: None,
                    }),
                ),
                "a campaign listed in",
            ),
        ];
        let cases = cases.into_iter().chain([(
            table(
                vec![
                    Tier {
                        at_least: 1,
                        payout_fen: 9,
                    },
                    Tier {
                        at_least: 2,
                        payout_fen: 4,
                    },
                ],
                None,
            ),
            "tiers[1].payout_fen: found 4 for a better result than tiers[0] pays (9)",
        )]);
        let named = |name: &str| {
            table(
                vec![Tier {
                    at_least: 1,
                    payout_fen: 1,
                }],
                Some(Sponsor {
                    campaign_id: "nobody".into(),
                    boost_fen: 1,
                    name: Some(name.into()),
                }),
            )
        };
        let long = "茶".repeat(17);
        let cases = cases.chain([
            (named(" "), "sponsor.name: found \" \""),
            (named("Spring\nTea"), "sponsor.name: found \"Spring\\nTea\""),
            (named(&long), "a name of 1 to 48 bytes"),
        ]);
        for (table, expected) in cases {
            let error = PayoutBook::new(vec![table], vec![])
                .unwrap_err()
                .to_string();
            assert!(
                error.contains(expected),
                "{error:?} should mention {expected:?}"
            );
        }
    }

    #[test]
    fn the_shipped_payout_files_load() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/payouts");
        let book = PayoutBook::load_dir(&dir).unwrap();
        assert_eq!(book.campaigns().count(), 1);
        // One table per shipped level (11 match-3, 5 merge-drop), each with a budget the
        // level-pack gate holds the level to.
        assert_eq!(book.tables().count(), 16);
        assert!(book
            .tables()
            .all(|table| table.budget_per_play_fen.is_some()));
        assert_eq!(
            book.owed("m3-05-jelly", won(0, 3)),
            Owed {
                base_fen: 30,
                boost: Some(("launch-week".into(), 10))
            }
        );
    }

    #[test]
    fn a_broken_payout_file_is_named_in_the_error() {
        let dir = std::env::temp_dir().join(format!("playproof-payouts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("bad.json"),
            br#"{"level_id": "x", "basis": "stars", "tiers": 5}"#,
        )
        .unwrap();
        let error = PayoutBook::load_dir(&dir).unwrap_err().to_string();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(
            error.contains("bad.json") && error.contains("invalid type"),
            "{error}"
        );
    }
}
