//! The designer commands as a designer runs them: `levels check` exit codes and summaries,
//! `levels render`, `tune --compare` and `tune --budget`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn playproof(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_playproof"))
        .args(args)
        .current_dir(repo_root())
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("playproof runs")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("playproof-designer-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn the_shipped_pack_passes_levels_check_with_warnings_denied() {
    // No probe here (a debug build plays slowly): the test command runs the default eight.
    let output = playproof(&["levels", "check", "--deny-warnings", "--probe", "0"]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert!(
        stdout.contains("checked 16 level file(s) and 16 payout table(s), 0 probe game(s) per level (seed 1): 0 error(s), 0 warning(s)"),
        "{stdout}"
    );
}

#[test]
fn a_typo_in_the_path_is_an_error_with_a_suggestion() {
    let output = playproof(&["levels", "check", "assets/levls"]);
    let stdout = text(&output.stdout);
    assert!(!output.status.success());
    assert!(
        stdout.contains(
            "assets/levls: .: no such file or folder; did you mean assets/levels? [missing-path]"
        ),
        "{stdout}"
    );
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let fixture = "designer/tests/malformed/warning-foreign-schema.json";
    let lenient = playproof(&["levels", "check", fixture, "--probe", "0"]);
    assert!(lenient.status.success(), "{}", text(&lenient.stdout));
    assert!(text(&lenient.stdout).contains("0 error(s), 1 warning(s)"));
    let strict = playproof(&[
        "levels",
        "check",
        fixture,
        "--probe",
        "0",
        "--deny-warnings",
    ]);
    assert!(!strict.status.success());
    assert!(text(&strict.stderr).contains("1 warning(s) and --deny-warnings"));
}

#[test]
fn render_writes_an_svg_and_a_png_of_the_start() {
    let svg = scratch("board.svg");
    let output = playproof(&[
        "levels",
        "render",
        "assets/levels/match3/m3-01-first-steps.json",
        "--seed",
        "5",
        "--out",
        svg.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let drawing = std::fs::read_to_string(&svg).unwrap();
    assert!(
        drawing.starts_with("<svg") && drawing.contains("<circle"),
        "{drawing}"
    );
    let png = scratch("container.png");
    let output = playproof(&[
        "levels",
        "render",
        "assets/levels/merge/md-01-classic.json",
        "--out",
        png.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let refused = playproof(&[
        "levels",
        "render",
        "assets/levels/merge/md-01-classic.json",
        "--out",
        "board.gif",
    ]);
    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("name a .svg or .png file"));
}

#[test]
fn tune_names_the_line_and_column_of_an_invalid_level() {
    let output = playproof(&[
        "tune",
        "designer/tests/malformed/moves-zero.json",
        "--games",
        "1",
    ]);
    assert!(!output.status.success());
    assert!(
        text(&output.stderr)
            .contains("moves-zero.json:17:16: game.match3.moves: found 0; allowed: 1 to 99"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn compare_shows_both_versions_on_the_same_seeds() {
    let old = "assets/levels/match3/m3-01-first-steps.json";
    let output = playproof(&["tune", "--compare", old, old, "--games", "6", "--seed", "2"]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    // The same level twice on the same seeds changes nothing.
    assert_eq!(stdout.matches("(+0.0)").count(), 3, "{stdout}");
    assert_eq!(stdout.matches("(+0.00)").count(), 3, "{stdout}");
}

#[test]
fn budget_says_when_the_campaign_runs_dry() {
    let output = playproof(&[
        "tune",
        "assets/levels/match3/m3-01-first-steps.json",
        "--games",
        "6",
        "--budget",
        "1000",
        "--boost",
        "10",
        "--plays-per-day",
        "100",
        "--players",
        "10",
        "--days",
        "5",
    ]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert!(stdout.contains("budget runs out on day"), "{stdout}");
    assert!(stdout.contains("fen per player"), "{stdout}");
}
