//! Golden replays: recorded inputs with the exact outcome and hashes they must reproduce.
//!
//! Each file under `tests/golden/` embeds its level, so editing a shipped level never changes a
//! golden; only a change to the rules can. Such a change is a new rules version
//! (docs/DETERMINISM.md).

use anyhow::{bail, Context, Result};
use game_core::{replay, Input, Level, ReplayOutcome, RULES_VERSION};
use serde::{Deserialize, Serialize};

use crate::inputs_text::{format_input, parse_input};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoldenReplay {
    pub description: String,
    pub rules_version: u16,
    /// The shipped level file this was recorded on; the `level` copy is what counts.
    pub level_file: String,
    pub level: serde_json::Value,
    pub seed: u64,
    pub inputs: Vec<String>,
    pub expect: Expected,
}

/// An outcome in a diff-friendly form: hashes as 16 hex digits, checkpoints as `tick:hash`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    pub score: u32,
    pub stars: u8,
    pub ticks: u32,
    pub finished: bool,
    pub passed: bool,
    pub final_hash: String,
    pub checkpoints: Vec<String>,
}

impl Expected {
    pub fn of(outcome: &ReplayOutcome) -> Expected {
        Expected {
            score: outcome.score,
            stars: outcome.stars,
            ticks: outcome.ticks,
            finished: outcome.finished,
            passed: outcome.passed,
            final_hash: format!("{:016x}", outcome.final_hash),
            checkpoints: outcome
                .checkpoints
                .iter()
                .map(|checkpoint| format!("{}:{:016x}", checkpoint.tick, checkpoint.hash))
                .collect(),
        }
    }
}

impl GoldenReplay {
    pub fn record(
        description: String,
        level_file: &str,
        level_bytes: &[u8],
        seed: u64,
        inputs: &[Input],
    ) -> Result<GoldenReplay> {
        let level = Level::from_json(level_bytes)?;
        let outcome = replay(&level, seed, inputs)?;
        Ok(GoldenReplay {
            description,
            rules_version: RULES_VERSION,
            level_file: level_file.to_string(),
            level: serde_json::from_slice(level_bytes)?,
            seed,
            inputs: inputs.iter().map(format_input).collect(),
            expect: Expected::of(&outcome),
        })
    }

    pub fn parsed_inputs(&self) -> Result<Vec<Input>> {
        self.inputs.iter().map(|text| parse_input(text)).collect()
    }

    /// Replays this golden and explains the first difference, if any.
    pub fn check(&self) -> Result<()> {
        if self.rules_version != RULES_VERSION {
            bail!(
                "recorded under rules version {} but the core is version {RULES_VERSION}",
                self.rules_version
            );
        }
        let level_bytes = serde_json::to_vec(&self.level)?;
        let level = Level::from_json(&level_bytes).context("embedded level")?;
        let outcome = replay(&level, self.seed, &self.parsed_inputs()?).context("replay")?;
        let actual = Expected::of(&outcome);
        if actual == self.expect {
            return Ok(());
        }
        let diverged = self
            .expect
            .checkpoints
            .iter()
            .zip(&actual.checkpoints)
            .find(|(expected, actual)| expected != actual);
        let mut report = String::from("replay differs from the golden record");
        if let Some((expected, actual)) = diverged {
            report +=
                &format!("\n  first divergent checkpoint: expected {expected}, actual {actual}");
        }
        for (field, expected, actual) in [
            (
                "score",
                self.expect.score.to_string(),
                actual.score.to_string(),
            ),
            (
                "stars",
                self.expect.stars.to_string(),
                actual.stars.to_string(),
            ),
            (
                "ticks",
                self.expect.ticks.to_string(),
                actual.ticks.to_string(),
            ),
            (
                "finished",
                self.expect.finished.to_string(),
                actual.finished.to_string(),
            ),
            (
                "passed",
                self.expect.passed.to_string(),
                actual.passed.to_string(),
            ),
            (
                "final_hash",
                self.expect.final_hash.clone(),
                actual.final_hash.clone(),
            ),
            (
                "checkpoint count",
                self.expect.checkpoints.len().to_string(),
                actual.checkpoints.len().to_string(),
            ),
        ] {
            if expected != actual {
                report += &format!("\n  {field}: expected {expected}, actual {actual}");
            }
        }
        report += "\n  a rules change that alters replays needs a new RULES_VERSION (docs/DETERMINISM.md)";
        bail!(report)
    }
}
