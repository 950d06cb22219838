//! Checks a level pack as a whole: the paths given, every level file, the payout tables beside
//! them, and how the two fit together.
//!
//! ```text
//! paths ── exist? hold level files? ── each file (check.rs) ── unique ids
//!       ── payout tables (each one's fields) ── every level paid, every table for a level,
//!          every tier reachable ── the probe (probe.rs) on the levels that passed so far,
//!          and on their tables: spend per play at the fastest legal pace within the budget
//! ```
//! Every finding names its file, line, column, field path and, for the pack rules, the check.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use game_core::Level;
use playproof_payout::{Basis, Campaign, PayoutTable, CAMPAIGNS_FILE};

use crate::check::{parse_bytes, rule_findings, warnings, Finding, Severity};
use crate::json_position::{locate, Position};
use crate::messages::edit_distance;
use crate::probe::{probe, probe_budget, ProbedTable};

/// What to check.
#[derive(Clone, Debug)]
pub struct PackOptions {
    /// Level files, or directories searched for `*.json`.
    pub roots: Vec<PathBuf>,
    /// The payout tables' directory; `None` skips the payout checks.
    pub payouts: Option<PathBuf>,
    /// Probe games per valid level (0: no probe).
    pub probe_games: u32,
    pub probe_seed: u64,
}

/// Everything found, and what was looked at.
#[derive(Clone, Debug, Default)]
pub struct PackReport {
    pub level_files: usize,
    pub payout_files: usize,
    pub findings: Vec<Finding>,
}

impl PackReport {
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|finding| finding.severity == severity)
            .count()
    }
}

/// A level that parsed, wherever it came from.
struct PackLevel {
    file: PathBuf,
    text: String,
    level: Level,
    valid: bool,
}

/// A payout table that parsed.
struct PackTable {
    file: PathBuf,
    text: String,
    table: PayoutTable,
}

/// Checks the pack described by `options`.
pub fn check_pack(options: &PackOptions) -> PackReport {
    let mut report = PackReport::default();
    let files = level_files(&options.roots, &mut report.findings);
    report.level_files = files.len();
    let mut levels = Vec::new();
    for file in files {
        let bytes = match std::fs::read(&file) {
            Ok(bytes) => bytes,
            Err(error) => {
                let message = format!("cannot read: {error}");
                report
                    .findings
                    .push(Finding::error(&file, None, ".", message));
                continue;
            }
        };
        match parse_bytes(&file, &bytes) {
            Err(findings) => report.findings.extend(findings),
            Ok((level, text)) => {
                let errors = rule_findings(&file, &text, &level);
                let valid = errors.is_empty();
                report.findings.extend(errors);
                if valid {
                    report.findings.extend(warnings(&file, &text, &level));
                }
                levels.push(PackLevel {
                    file,
                    text,
                    level,
                    valid,
                });
            }
        }
    }
    duplicate_ids(&levels, &mut report.findings);
    // With a path missing or empty the pack is not all there: comparing it with the payout
    // tables would only echo that one mistake.
    let whole_pack = !report
        .findings
        .iter()
        .any(|finding| matches!(finding.check, Some("missing-path" | "no-levels")));
    let mut tables = Vec::new();
    if let Some(dir) = options.payouts.as_ref().filter(|_| whole_pack) {
        let unreadable;
        (tables, unreadable) = payout_tables(dir, &mut report);
        cross_check(&levels, &tables, &unreadable, &mut report.findings);
    }
    let clean = |findings: &[Finding], file: &Path| {
        !findings
            .iter()
            .any(|finding| finding.file == file && finding.severity == Severity::Error)
    };
    for entry in levels.iter().filter(|entry| entry.valid) {
        if !clean(&report.findings, &entry.file) {
            continue;
        }
        report.findings.extend(probe(
            &entry.file,
            &entry.text,
            &entry.level,
            options.probe_games,
            options.probe_seed,
        ));
        // The table's own problems come first: its spend is only worth measuring once it
        // is a table the service would load.
        let paid = tables
            .iter()
            .find(|table| table.table.level_id == entry.level.id)
            .filter(|table| clean(&report.findings, &table.file));
        if let Some(paid) = paid {
            let table = ProbedTable {
                file: &paid.file,
                text: &paid.text,
                table: &paid.table,
            };
            report.findings.extend(probe_budget(
                &entry.level,
                table,
                options.probe_games,
                options.probe_seed,
            ));
        }
    }
    report
}

/// The level files under `roots`; a missing path or a folder without level files is an error.
fn level_files(roots: &[PathBuf], findings: &mut Vec<Finding>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for root in roots {
        if root.is_dir() {
            match crate::files::level_files(root) {
                Ok(found) if found.is_empty() => findings.push(
                    Finding::error(
                        root,
                        None,
                        ".",
                        "an empty folder: no level files (*.json) in it or below it".into(),
                    )
                    .check("no-levels"),
                ),
                Ok(found) => files.extend(found),
                Err(error) => findings.push(Finding::error(
                    root,
                    None,
                    ".",
                    format!("cannot list: {error}"),
                )),
            }
        } else if root.exists() {
            files.push(root.clone());
        } else {
            let hint = nearest_sibling(root)
                .map(|name| format!("; did you mean {}?", name.display()))
                .unwrap_or_default();
            findings.push(
                Finding::error(root, None, ".", format!("no such file or folder{hint}"))
                    .check("missing-path"),
            );
        }
    }
    files.sort();
    files.dedup();
    files
}

/// The existing path beside `path` whose name is a near miss of its name.
fn nearest_sibling(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let (distance, sibling) = std::fs::read_dir(&parent)
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| {
            let sibling = entry.file_name().to_string_lossy().into_owned();
            (edit_distance(&name, &sibling), sibling)
        })
        .min()?;
    (distance <= (name.chars().count() / 4).clamp(1, 3)).then(|| path.with_file_name(sibling))
}

fn duplicate_ids(levels: &[PackLevel], findings: &mut Vec<Finding>) {
    let mut first: BTreeMap<&str, &Path> = BTreeMap::new();
    for entry in levels {
        match first.get(entry.level.id.as_str()) {
            Some(earlier) => findings.push(
                Finding::error(
                    &entry.file,
                    locate(&entry.text, "id"),
                    "id",
                    format!(
                        "found {:?}, already the id of {}; allowed: an id no other level has",
                        entry.level.id,
                        earlier.display()
                    ),
                )
                .check("duplicate-id"),
            ),
            None => {
                first.insert(&entry.level.id, &entry.file);
            }
        }
    }
}

/// Reads every payout table in `dir` (and its campaign list), reporting each file's own
/// problems with positions. Also returns the level ids that tables which do not parse still
/// name, so their levels are not reported as unpaid on top.
fn payout_tables(dir: &Path, report: &mut PackReport) -> (Vec<PackTable>, Vec<String>) {
    let mut tables = Vec::new();
    let mut unreadable = Vec::new();
    let files = match crate::files::level_files(dir) {
        Ok(files) => files,
        Err(error) => {
            let message = format!("cannot list payout tables: {error}");
            report
                .findings
                .push(Finding::error(dir, None, ".", message).check("missing-path"));
            return (tables, unreadable);
        }
    };
    let (campaign_files, table_files): (Vec<_>, Vec<_>) = files
        .into_iter()
        .partition(|path| path.file_name().is_some_and(|name| name == CAMPAIGNS_FILE));
    let mut campaigns: Vec<String> = Vec::new();
    for file in &campaign_files {
        if let Some((_, list)) = read_json::<Vec<Campaign>>(file, &mut report.findings) {
            campaigns.extend(list.into_iter().map(|campaign| campaign.id));
        }
    }
    report.payout_files = table_files.len();
    for file in table_files {
        let Some((text, table)) = read_json::<PayoutTable>(&file, &mut report.findings) else {
            let named = std::fs::read(&file)
                .ok()
                .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
                .and_then(|value| value.get("level_id")?.as_str().map(String::from));
            unreadable.extend(named);
            continue;
        };
        for problem in table.problems() {
            let finding = Finding::error(
                &file,
                locate(&text, &problem.path),
                &problem.path,
                format!("found {}; allowed: {}", problem.found, problem.allowed),
            );
            report.findings.push(match problem.rule {
                Some(rule) => finding.check(rule),
                None => finding,
            });
        }
        if let Some(sponsor) = &table.sponsor {
            if !campaigns.contains(&sponsor.campaign_id) {
                let path = "sponsor.campaign_id";
                report.findings.push(
                    Finding::error(
                        &file,
                        locate(&text, path),
                        path,
                        format!(
                            "found {:?}; allowed: a campaign listed in {CAMPAIGNS_FILE}",
                            sponsor.campaign_id
                        ),
                    )
                    .check("unknown-campaign"),
                );
            }
        }
        tables.push(PackTable { file, text, table });
    }
    (tables, unreadable)
}

/// Parses a JSON file into `T`, or reports where and why it does not parse.
fn read_json<T: serde::de::DeserializeOwned>(
    file: &Path,
    findings: &mut Vec<Finding>,
) -> Option<(String, T)> {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(error) => {
            findings.push(Finding::error(
                file,
                None,
                ".",
                format!("cannot read: {error}"),
            ));
            return None;
        }
    };
    let mut deserializer = serde_json::Deserializer::from_str(&text);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(value) => Some((text, value)),
        Err(error) => {
            let path = error.path().to_string();
            let inner = error.into_inner();
            let line = inner.line();
            let position = (line > 0).then(|| Position {
                line,
                column: crate::messages::character_column(&text, line, inner.column()),
            });
            let raw = inner.to_string();
            let raw = raw
                .rfind(" at line ")
                .map_or(raw.clone(), |at| raw[..at].into());
            let message = crate::messages::explain_unknown_field(
                &crate::messages::explain_value_error(&path, &raw),
            );
            findings.push(Finding::error(file, position, &path, message));
            None
        }
    }
}

/// Levels against payout tables: each level paid, each table for a level, each tier reachable.
fn cross_check(
    levels: &[PackLevel],
    tables: &[PackTable],
    unreadable: &[String],
    findings: &mut Vec<Finding>,
) {
    let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
    for entry in tables {
        let id = entry.table.level_id.as_str();
        let at = |path: &str| locate(&entry.text, path);
        if let Some(earlier) = seen.insert(id, &entry.file) {
            findings.push(
                Finding::error(
                    &entry.file,
                    at("level_id"),
                    "level_id",
                    format!(
                        "found {id:?}, which {} already pays; allowed: one payout table per level",
                        earlier.display()
                    ),
                )
                .check("duplicate-payout-table"),
            );
        }
        let Some(level) = levels.iter().find(|level| level.level.id == id) else {
            let hint = levels
                .iter()
                .map(|level| (edit_distance(id, &level.level.id), &level.level.id))
                .min()
                .filter(|(distance, _)| *distance <= 3)
                .map(|(_, near)| format!(" (did you mean {near:?}?)"))
                .unwrap_or_default();
            findings.push(
                Finding::error(
                    &entry.file,
                    at("level_id"),
                    "level_id",
                    format!("found {id:?}, which is no level's id; allowed: the id of a level in the pack{hint}"),
                )
                .check("payout-without-level"),
            );
            continue;
        };
        unreachable_tiers(entry, &level.level, findings);
    }
    for level in levels {
        let id = level.level.id.as_str();
        if !seen.contains_key(id) && !unreadable.iter().any(|named| named == id) {
            findings.push(
                Finding::error(
                    &level.file,
                    locate(&level.text, "id"),
                    "id",
                    format!(
                        "found {:?}, which no payout table names; allowed: a level with a payout table (a file in the payouts folder with \"level_id\": {:?})",
                        level.level.id, level.level.id
                    ),
                )
                .check("level-without-payout"),
            );
        }
    }
}

/// Tiers no game can reach: more stars than the level has thresholds, or a score above the
/// level's score ceiling.
fn unreachable_tiers(entry: &PackTable, level: &Level, findings: &mut Vec<Finding>) {
    let (reachable, what) = match entry.table.basis {
        Basis::Stars => {
            let stars = level.game.star_thresholds().len() as u32;
            (
                Some(stars),
                format!("the level has {stars} star thresholds"),
            )
        }
        Basis::Score => {
            let ceiling = level.game.score_ceiling_points();
            (
                ceiling,
                format!(
                    "no game on the level can score more than {}",
                    ceiling.unwrap_or(0)
                ),
            )
        }
    };
    let Some(reachable) = reachable else { return };
    for (index, tier) in entry.table.tiers.iter().enumerate() {
        if tier.at_least > reachable {
            let path = format!("tiers[{index}].at_least");
            findings.push(
                Finding::error(
                    &entry.file,
                    locate(&entry.text, &path),
                    &path,
                    format!(
                        "found {}, which no game reaches ({what}); allowed: 0 to {reachable}",
                        tier.at_least
                    ),
                )
                .check("unreachable-tier"),
            );
        }
    }
}
