//! A tuning report as a terminal table, Markdown, JSON and SVG plots.

use std::fmt::Write;

use crate::tune::{LevelReport, TuneReport};

/// Score histogram bins per plot.
const HISTOGRAM_BINS: usize = 20;

fn attempts(value: Option<f64>) -> String {
    value.map_or("never".to_string(), |attempts| format!("{attempts:.1}"))
}

fn rows(report: &TuneReport) -> Vec<[String; 11]> {
    let mut rows = Vec::new();
    for level in &report.levels {
        for bot in &level.bots {
            rows.push([
                level.level_id.clone(),
                format!("{:?}", level.difficulty).to_lowercase(),
                bot.bot.clone(),
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
                level
                    .payout_budget_per_play_fen
                    .map_or("-".to_string(), |budget| budget.to_string()),
                bot.games.to_string(),
            ]);
        }
    }
    rows
}

const HEADERS: [&str; 11] = [
    "level",
    "difficulty",
    "bot",
    "pass rate [95% CI]",
    "tries/pass",
    "score p10/p50/p90",
    "stars 0/1/2/3",
    "moves",
    "payout fen/play ± se",
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
            if column < 3 {
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
    text
}

/// The report as a Markdown table with a short header.
pub fn markdown(report: &TuneReport) -> String {
    let mut text = format!(
        "# Tuning report\n\nSeed {}, {} games per level and bot. Pass rates with 95% Wilson intervals; payout is the base payout per play under the level's payout table, with its standard error.\n\n",
        report.seed, report.games_per_bot
    );
    text += &format!("| {} |\n", HEADERS.join(" | "));
    text += &format!("|{}\n", " --- |".repeat(HEADERS.len()));
    for row in rows(report) {
        text += &format!("| {} |\n", row.join(" | "));
    }
    text
}

/// The report as JSON (every figure, no raw scores).
pub fn json(report: &TuneReport) -> String {
    serde_json::to_string_pretty(report).expect("a report serialises") + "\n"
}

/// Per level: a score histogram per bot and a pass-rate bar chart, as one SVG.
pub fn svg(level: &LevelReport) -> String {
    const WIDTH: f64 = 720.0;
    const PLOT_HEIGHT: f64 = 160.0;
    const MARGIN: f64 = 40.0;
    const PALETTE: [&str; 4] = ["#8d99ae", "#2a9d8f", "#e76f51", "#6a4c93"];
    let bots = &level.bots;
    let height = MARGIN * 2.0 + (PLOT_HEIGHT + MARGIN) * (bots.len() as f64 + 1.0);
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="{MARGIN}" y="24" font-size="16">{} ({}) — {:?}</text>
"#,
        level.level_id, level.mode, level.difficulty
    );
    let score_max = bots
        .iter()
        .flat_map(|bot| bot.scores.iter())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let plot_width = WIDTH - 2.0 * MARGIN;
    for (index, bot) in bots.iter().enumerate() {
        let top = MARGIN + index as f64 * (PLOT_HEIGHT + MARGIN);
        let mut bins = [0u32; HISTOGRAM_BINS];
        for &score in &bot.scores {
            let bin =
                (u64::from(score) * HISTOGRAM_BINS as u64 / (u64::from(score_max) + 1)) as usize;
            bins[bin.min(HISTOGRAM_BINS - 1)] += 1;
        }
        let tallest = bins.iter().copied().max().unwrap_or(0).max(1);
        let _ = writeln!(
            svg,
            r#"<text x="{MARGIN}" y="{}">score histogram: {} bot ({} games, p50 {})</text>"#,
            top + 14.0,
            bot.bot,
            bot.games,
            bot.score_p50
        );
        let bar_width = plot_width / HISTOGRAM_BINS as f64;
        for (bin, &count) in bins.iter().enumerate() {
            let bar = (PLOT_HEIGHT - 24.0) * f64::from(count) / f64::from(tallest);
            let _ = writeln!(
                svg,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{bar:.1}" fill="{}"/>"#,
                MARGIN + bin as f64 * bar_width,
                top + PLOT_HEIGHT - bar,
                bar_width - 1.0,
                PALETTE[index % PALETTE.len()]
            );
        }
        let _ = writeln!(
            svg,
            r#"<text x="{MARGIN}" y="{:.1}">0</text><text x="{:.1}" y="{:.1}" text-anchor="end">{score_max}</text>"#,
            top + PLOT_HEIGHT + 14.0,
            WIDTH - MARGIN,
            top + PLOT_HEIGHT + 14.0
        );
    }
    let top = MARGIN + bots.len() as f64 * (PLOT_HEIGHT + MARGIN);
    let _ = writeln!(
        svg,
        r#"<text x="{MARGIN}" y="{}">pass rate by bot (bars: 95% Wilson interval)</text>"#,
        top + 14.0
    );
    let slot = plot_width / bots.len().max(1) as f64;
    for (index, bot) in bots.iter().enumerate() {
        let x = MARGIN + index as f64 * slot + slot * 0.2;
        let scale = PLOT_HEIGHT - 40.0;
        let bar = scale * bot.pass_rate;
        let base = top + PLOT_HEIGHT - 16.0;
        let _ = writeln!(
            svg,
            r#"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{bar:.1}" fill="{}"/>"#,
            base - bar,
            slot * 0.6,
            PALETTE[index % PALETTE.len()]
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
