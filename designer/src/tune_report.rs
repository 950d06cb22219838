//! A tuning report as a terminal table, Markdown, JSON and SVG plots.

use std::fmt::Write;

use crate::tune::{LevelReport, TuneReport};

/// Score histogram bins per plot.
const HISTOGRAM_BINS: usize = 20;

fn attempts(value: Option<f64>) -> String {
    value.map_or("never".to_string(), |attempts| format!("{attempts:.1}"))
}

/// What lost games earn per play (the table pays them) or would earn (it does not).
fn on_loss(level: &LevelReport, fen: f64) -> String {
    let word = if level.pays_on_loss { "paid" } else { "unpaid" };
    format!("{word} {fen:.2}")
}

/// The pace column: tuning rows play at a person's pace or already at the fastest legal one;
/// the extra row per merge-drop level plays at the fastest legal pace.
fn pace(level: &LevelReport, fastest_row: bool) -> &'static str {
    if fastest_row || level.fastest_pace_is_tuning_pace {
        "fastest legal"
    } else {
        "person"
    }
}

fn rows(report: &TuneReport) -> Vec<[String; 13]> {
    let mut rows = Vec::new();
    for level in &report.levels {
        let extra = (!level.fastest_pace_is_tuning_pace).then_some(&level.fastest_pace);
        let played = level.bots.iter().map(|bot| (bot, false));
        for (bot, fastest_row) in played.chain(extra.map(|bot| (bot, true))) {
            rows.push([
                level.level_id.clone(),
                level.difficulty.label().to_string(),
                bot.bot.clone(),
                pace(level, fastest_row).to_string(),
                format!(
                    "{:.1}% [{:.1}, {:.1}]",
                    bot.pass_rate * 100.0,
                    bot.pass_rate_low * 100.0,
                    bot.pass_rate_high * 100.0
                ),
                attempts(bot.attempts_per_success),
                format!("{} / {} / {}", bot.score_p10, bot.score_p50, bot.score_p90),
                format!(
                    "{}/{}/{}/{}",
                    bot.stars[0], bot.stars[1], bot.stars[2], bot.stars[3]
                ),
                format!("{:.1}", bot.moves_mean),
                format!(
                    "{:.2} ± {:.2}",
                    bot.payout_mean_fen, bot.payout_standard_error_fen
                ),
                on_loss(level, bot.loss_payout_mean_fen),
                level
                    .payout_budget_per_play_fen
                    .map_or("-".to_string(), |budget| budget.to_string()),
                bot.games.to_string(),
            ]);
        }
    }
    rows
}

const HEADERS: [&str; 13] = [
    "level",
    "difficulty",
    "bot",
    "pace",
    "pass rate [95% CI]",
    "tries/pass",
    "score p10/p50/p90",
    "stars 0/1/2/3",
    "moves",
    "payout fen/play ± se",
    "lost games fen/play",
    "budget",
    "games",
];

/// The report as aligned columns for a terminal.
pub fn table(report: &TuneReport) -> String {
    let rows = rows(report);
    let widths: Vec<usize> = (0..HEADERS.len())
        .map(|column| {
            rows.iter()
                .map(|row| row[column].chars().count())
                .chain([HEADERS[column].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| -> String {
        let mut text = String::new();
        for (column, cell) in cells.iter().enumerate() {
            let pad = widths[column] - cell.chars().count();
            if column < 4 {
                let _ = write!(text, "{cell}{}  ", " ".repeat(pad));
            } else {
                let _ = write!(text, "{}{cell}  ", " ".repeat(pad));
            }
        }
        text.trim_end().to_string() + "\n"
    };
    let mut text = line(&HEADERS.map(String::from));
    text += &line(
        &widths
            .iter()
            .map(|width| "-".repeat(*width))
            .collect::<Vec<_>>(),
    );
    for row in &rows {
        text += &line(row);
    }
    text + &notes(report)
}

/// Per level, what a designer should look at: a ladder that is not monotonic and star
/// thresholds no bot reached but close to the best score (notes), and star thresholds far
/// above every score (a warning: out of any player's reach, as `levels check` warns too).
pub fn notes(report: &TuneReport) -> String {
    let mut text = String::new();
    for level in &report.levels {
        for note in level.ladder_notes.iter().chain(&level.rare_stars) {
            let _ = writeln!(text, "note: {}: {note}", level.level_id);
        }
        for warning in &level.unreached_stars {
            let _ = writeln!(text, "warning: {}: {warning}", level.level_id);
        }
    }
    text
}

/// What the report's columns mean, for readers of the Markdown report.
const EXPLANATION: &str = "How to read this: each level is played by a ladder of bots, weakest first (match-3: random, greedy, two-move lookahead; merge-drop: random, heuristic). **Difficulty** comes from the random bot's and the best bot's pass rates: trivial (random passes 90%+), easy (random 50%+), moderate (best 90%+), tricky (75-90%), hard (50-75%), very hard (under 50%), impossible (never). **Pass rate** is the share of games whose objectives were met, with its 95% Wilson interval; **tries/pass** is how many attempts a player of that strength needs on average. **Stars** counts games ending with 0/1/2/3 stars; stars come from the score alone, so lost games can have stars. **Pace**: match-3 bots act the moment the board takes input, which is the fastest pace the verifier accepts (inputs at least 6 ticks apart); merge-drop bots drop at a person's pace (0.5 to 6 s a drop), the player stars are meant for, and the strongest one plays again on the same seeds at the fastest legal pace (a drop every cooldown), because merge-drop scores with every drop and money goes to whoever plays fastest. **Payout** is the base payout per play under the level's payout table; **lost games** is what lost games earn per play when the table pays on loss (`pays_on_loss`), or would earn if it did. The gate fails a level whose strongest bot never passes or whose payout per play exceeds its **budget**, at either pace.\n\n";

/// The report as a Markdown table with a short header.
pub fn markdown(report: &TuneReport) -> String {
    let mut text = format!(
        "# Tuning report\n\nSeed {}, {} games per level and bot. Pass rates with 95% Wilson intervals; payout is the base payout per play under the level's payout table, with its standard error.\n\n",
        report.seed, report.games_per_bot
    );
    text += EXPLANATION;
    text += &format!("| {} |\n", HEADERS.join(" | "));
    text += &format!("|{}\n", " --- |".repeat(HEADERS.len()));
    for row in rows(report) {
        text += &format!("| {} |\n", row.join(" | "));
    }
    let notes = notes(report);
    if !notes.is_empty() {
        text += "\n## Notes\n\n";
        for line in notes.lines() {
            text += &format!("- {line}\n");
        }
    }
    text
}

/// The report as JSON (every figure, no raw scores).
pub fn json(report: &TuneReport) -> String {
    serde_json::to_string_pretty(report).expect("a report serialises") + "\n"
}

/// Colours of the plots: passed and failed games, star-threshold and 50% lines, axes.
const PASSED_FILL: &str = "#2a9d8f";
const FAILED_FILL: &str = "#e76f51";
const STAR_STROKE: &str = "#b8860b";
const HALF_STROKE: &str = "#6a4c93";
const AXIS_STROKE: &str = "#555555";
/// Ticks per plot axis.
const AXIS_TICKS: u32 = 5;

/// Per level: a score histogram per bot (passed and failed games stacked, star thresholds as
/// vertical lines, ticks on both axes) and a pass-rate chart (95% intervals, the 50% line), as
/// one SVG.
pub fn svg(level: &LevelReport) -> String {
    const WIDTH: f64 = 760.0;
    const PLOT_HEIGHT: f64 = 170.0;
    const MARGIN: f64 = 56.0;
    let bots = &level.bots;
    let height = MARGIN * 2.0 + (PLOT_HEIGHT + MARGIN) * (bots.len() as f64 + 1.0);
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="{MARGIN}" y="24" font-size="16">{} ({}): {}</text>
<text x="{MARGIN}" y="42">bars: passed games ({PASSED_FILL}) on failed games ({FAILED_FILL}); dashed: star thresholds</text>
"#,
        level.level_id,
        level.mode,
        level.difficulty.label()
    );
    let score_max = bots
        .iter()
        .flat_map(|bot| bot.games_played.iter().map(|game| game.score))
        .chain(level.star_thresholds.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let plot_width = WIDTH - 2.0 * MARGIN;
    let x_of = |score: u32| MARGIN + plot_width * f64::from(score) / f64::from(score_max);
    for (index, bot) in bots.iter().enumerate() {
        let top = MARGIN + 10.0 + index as f64 * (PLOT_HEIGHT + MARGIN);
        let base = top + PLOT_HEIGHT;
        let mut passed = [0u32; HISTOGRAM_BINS];
        let mut failed = [0u32; HISTOGRAM_BINS];
        for game in &bot.games_played {
            let bin = (u64::from(game.score) * HISTOGRAM_BINS as u64 / (u64::from(score_max) + 1))
                as usize;
            let bins = if game.passed {
                &mut passed
            } else {
                &mut failed
            };
            bins[bin.min(HISTOGRAM_BINS - 1)] += 1;
        }
        let tallest = (0..HISTOGRAM_BINS)
            .map(|bin| passed[bin] + failed[bin])
            .max()
            .unwrap_or(0)
            .max(1);
        let scale = (PLOT_HEIGHT - 24.0) / f64::from(tallest);
        let _ = writeln!(
            svg,
            r#"<text x="{MARGIN}" y="{:.1}">{} bot: {} games, {} passed, score p50 {}</text>"#,
            top + 14.0,
            bot.bot,
            bot.games,
            bot.passed,
            bot.score_p50
        );
        let bar_width = plot_width / HISTOGRAM_BINS as f64;
        for bin in 0..HISTOGRAM_BINS {
            let x = MARGIN + bin as f64 * bar_width;
            let failed_height = scale * f64::from(failed[bin]);
            let passed_height = scale * f64::from(passed[bin]);
            for (height, bottom, fill) in [
                (failed_height, base, FAILED_FILL),
                (passed_height, base - failed_height, PASSED_FILL),
            ] {
                if height > 0.0 {
                    let _ = writeln!(
                        svg,
                        r#"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{height:.1}" fill="{fill}"/>"#,
                        bottom - height,
                        bar_width - 1.0
                    );
                }
            }
        }
        axes(&mut svg, MARGIN, base, plot_width, PLOT_HEIGHT - 24.0);
        for tick in 0..=AXIS_TICKS {
            let score = u64::from(score_max) * u64::from(tick) / u64::from(AXIS_TICKS);
            let x = x_of(score as u32);
            let count = u64::from(tallest) * u64::from(tick) / u64::from(AXIS_TICKS);
            let y = base - (PLOT_HEIGHT - 24.0) * f64::from(tick) / f64::from(AXIS_TICKS);
            let _ = writeln!(
                svg,
                r#"<line x1="{x:.1}" x2="{x:.1}" y1="{base:.1}" y2="{:.1}" stroke="{AXIS_STROKE}"/><text x="{x:.1}" y="{:.1}" text-anchor="middle">{score}</text><text x="{:.1}" y="{:.1}" text-anchor="end">{count}</text>"#,
                base + 4.0,
                base + 16.0,
                MARGIN - 6.0,
                y + 4.0
            );
        }
        for (star, &threshold) in level.star_thresholds.iter().enumerate() {
            let x = x_of(threshold);
            let _ = writeln!(
                svg,
                r#"<line x1="{x:.1}" x2="{x:.1}" y1="{:.1}" y2="{base:.1}" stroke="{STAR_STROKE}" stroke-dasharray="4 3"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" fill="{STAR_STROKE}">{}★</text>"#,
                top + 20.0,
                top + 18.0,
                star + 1
            );
        }
    }
    let top = MARGIN + 10.0 + bots.len() as f64 * (PLOT_HEIGHT + MARGIN);
    let scale = PLOT_HEIGHT - 40.0;
    let base = top + PLOT_HEIGHT - 16.0;
    let _ = writeln!(
        svg,
        r#"<text x="{MARGIN}" y="{}">pass rate by bot (whiskers: 95% Wilson interval; dashed: 50%)</text>"#,
        top + 14.0
    );
    axes(&mut svg, MARGIN, base, plot_width, scale);
    for tick in 0..=AXIS_TICKS {
        let y = base - scale * f64::from(tick) / f64::from(AXIS_TICKS);
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}%</text>"#,
            MARGIN - 6.0,
            y + 4.0,
            100 * tick / AXIS_TICKS
        );
    }
    let half = base - scale * 0.5;
    let _ = writeln!(
        svg,
        r#"<line x1="{MARGIN}" x2="{:.1}" y1="{half:.1}" y2="{half:.1}" stroke="{HALF_STROKE}" stroke-dasharray="6 4"/>"#,
        MARGIN + plot_width
    );
    let slot = plot_width / bots.len().max(1) as f64;
    for (index, bot) in bots.iter().enumerate() {
        let x = MARGIN + index as f64 * slot + slot * 0.2;
        let bar = scale * bot.pass_rate;
        let _ = writeln!(
            svg,
            r#"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{bar:.1}" fill="{PASSED_FILL}"/>"#,
            base - bar,
            slot * 0.6
        );
        let centre = x + slot * 0.3;
        let _ = writeln!(
            svg,
            r#"<line x1="{centre:.1}" x2="{centre:.1}" y1="{:.1}" y2="{:.1}" stroke="black"/>"#,
            base - scale * bot.pass_rate_low,
            base - scale * bot.pass_rate_high
        );
        let _ = writeln!(
            svg,
            r#"<text x="{centre:.1}" y="{:.1}" text-anchor="middle">{} {:.0}%</text>"#,
            base + 14.0,
            bot.bot,
            bot.pass_rate * 100.0
        );
    }
    svg += "</svg>\n";
    svg
}

/// The x and y axes of a plot whose origin is `(left, base)`.
fn axes(svg: &mut String, left: f64, base: f64, width: f64, height: f64) {
    let _ = writeln!(
        svg,
        r#"<line x1="{left:.1}" x2="{:.1}" y1="{base:.1}" y2="{base:.1}" stroke="{AXIS_STROKE}"/><line x1="{left:.1}" x2="{left:.1}" y1="{base:.1}" y2="{:.1}" stroke="{AXIS_STROKE}"/>"#,
        left + width,
        base - height
    );
}

/// `old` against `new` (two versions of one level, tuned with the same seeds): per bot, the
/// pass rate, stars and payout per play before and after, with the change.
pub fn compare(old: &LevelReport, new: &LevelReport) -> String {
    let mut text = format!(
        "compare {} ({}) -> {} ({}): difficulty {} -> {}\n",
        old.path,
        old.level_id,
        new.path,
        new.level_id,
        old.difficulty.label(),
        new.difficulty.label()
    );
    let _ = writeln!(
        text,
        "{:<10} {:>26} {:>26} {:>30} {:>26}",
        "bot", "pass rate", "stars 0/1/2/3", "payout fen/play", "lost games fen/play"
    );
    for (before, after) in old.bots.iter().zip(&new.bots) {
        let stars = |bot: &crate::tune::BotReport| {
            format!(
                "{}/{}/{}/{}",
                bot.stars[0], bot.stars[1], bot.stars[2], bot.stars[3]
            )
        };
        let _ = writeln!(
            text,
            "{:<10} {:>26} {:>26} {:>30} {:>26}",
            before.bot,
            format!(
                "{:.1}% -> {:.1}% ({:+.1})",
                before.pass_rate * 100.0,
                after.pass_rate * 100.0,
                (after.pass_rate - before.pass_rate) * 100.0
            ),
            format!("{} -> {}", stars(before), stars(after)),
            format!(
                "{:.2} -> {:.2} ({:+.2})",
                before.payout_mean_fen,
                after.payout_mean_fen,
                after.payout_mean_fen - before.payout_mean_fen
            ),
            format!(
                "{} -> {}",
                on_loss(old, before.loss_payout_mean_fen),
                on_loss(new, after.loss_payout_mean_fen)
            ),
        );
    }
    if !old.fastest_pace_is_tuning_pace && !new.fastest_pace_is_tuning_pace {
        let (before, after) = (&old.fastest_pace, &new.fastest_pace);
        let _ = writeln!(
            text,
            "{} at the fastest legal pace: payout {:.2} -> {:.2} ({:+.2}) fen/play, median score {} -> {}",
            after.bot,
            before.payout_mean_fen,
            after.payout_mean_fen,
            after.payout_mean_fen - before.payout_mean_fen,
            before.score_p50,
            after.score_p50
        );
    }
    if old.bots.len() != new.bots.len() {
        text += "the two files are of different game modes: their ladders differ\n";
    }
    text
}
