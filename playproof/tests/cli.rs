//! The `playproof` binary as a user runs it: exit codes and the lines people read.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn playproof(args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_playproof"))
        .args(args)
        .current_dir(repo_root())
        .env("RUST_BACKTRACE", "0")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("playproof starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().expect("playproof finishes")
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

#[test]
fn demo_replays_each_session_identically() {
    let output = playproof(&["demo", "--every", "1000"], "");
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert_eq!(
        stdout.matches("replay: identical to the live game").count(),
        2,
        "{stdout}"
    );
}

#[test]
fn play_refuses_bad_commands_and_illegal_swaps_without_ending_the_game() {
    let level = "assets/levels/match3/m3-01-first-steps.json";
    let output = playproof(&["play", level, "--seed", "1"], "1 1 sideways\n0 0 u\nq\n");
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert!(
        stdout.contains("unknown direction \"sideways\"; use u, d, l or r"),
        "{stdout}"
    );
    assert!(stdout.contains("refused: "), "{stdout}");
    assert!(stdout.contains("replay: 0 inputs"), "{stdout}");
}

#[test]
fn a_malformed_level_file_is_named_with_the_reason_and_exits_non_zero() {
    let dir = std::env::temp_dir().join(format!("playproof-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let level = dir.join("broken.json");
    std::fs::write(
        &level,
        r#"{"id": "x", "name": "X", "game": {"match3": {"colors": 9}}}"#,
    )
    .unwrap();
    let output = playproof(&["play", level.to_str().unwrap()], "");
    let stderr = text(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains(&format!("level file {} is not valid", level.display())),
        "{stderr}"
    );
    assert!(stderr.contains("missing field"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A new key ring and a bot's signed proof on m3-01 (seed 3) in `dir`: `(keys.json, proof.bin)`.
fn demo_proof_in(dir: &Path) -> (PathBuf, PathBuf) {
    let keys = dir.join("keys.json");
    let proof = dir.join("proof.bin");
    let made = playproof(&["keys", "new", "--out", keys.to_str().unwrap()], "");
    assert!(made.status.success(), "{}", text(&made.stderr));
    let made = playproof(
        &[
            "demo-proof",
            "--keys",
            keys.to_str().unwrap(),
            "--level",
            "assets/levels/match3/m3-01-first-steps.json",
            "--seed",
            "3",
            "--out",
            proof.to_str().unwrap(),
        ],
        "",
    );
    assert!(made.status.success(), "{}", text(&made.stderr));
    (keys, proof)
}

#[test]
fn verify_accepts_a_demo_proof_and_rejects_it_truncated() {
    let dir = std::env::temp_dir().join(format!("playproof-verify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (keys, proof) = demo_proof_in(&dir);
    let path = |path: &Path| path.to_str().unwrap().to_string();

    let accepted = playproof(
        &[
            "verify",
            &path(&proof),
            "--keys",
            &path(&keys),
            "--levels",
            "assets/levels",
        ],
        "",
    );
    assert!(accepted.status.success(), "{}", text(&accepted.stdout));
    assert!(text(&accepted.stdout).starts_with("accepted: player demo-player scored "));

    let bytes = std::fs::read(&proof).unwrap();
    std::fs::write(&proof, &bytes[..bytes.len() - 1]).unwrap();
    let rejected = playproof(
        &[
            "verify",
            &path(&proof),
            "--keys",
            &path(&keys),
            "--levels",
            "assets/levels",
            "--json",
        ],
        "",
    );
    assert_eq!(rejected.status.code(), Some(1));
    assert!(
        text(&rejected.stdout).contains(r#""reason":"truncated""#),
        "{}",
        text(&rejected.stdout)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_failed_command_says_why_in_a_few_lines_even_with_backtraces_asked_for() {
    let dir = std::env::temp_dir().join(format!("playproof-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let short = dir.join("short.bin");
    std::fs::write(&short, [1u8, 0, 0]).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_playproof"))
        .args(["replay", short.to_str().unwrap()])
        .current_dir(repo_root())
        .env("RUST_BACKTRACE", "full")
        .output()
        .expect("playproof runs");
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(&format!("Error: {}: not a valid proof", short.display())),
        "{stderr}"
    );
    assert!(stderr.contains("Caused by:"), "{stderr}");
    assert!(!stderr.contains("backtrace"), "{stderr}");
    assert!(stderr.lines().count() <= 4, "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn prune_proofs_refuses_a_short_retention_and_a_missing_ledger() {
    let short = playproof(
        &[
            "ledger",
            "prune-proofs",
            "--older-than-days",
            "7",
            "--dry-run",
        ],
        "",
    );
    assert_eq!(short.status.code(), Some(1));
    assert_eq!(
        text(&short.stderr).trim(),
        "Error: --older-than-days 7: at least 30"
    );
    let missing = playproof(
        &[
            "ledger",
            "prune-proofs",
            "--db",
            "sqlite:/nonexistent/ledger.sqlite",
            "--older-than-days",
            "90",
        ],
        "",
    );
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(
        text(&missing.stderr).trim(),
        "Error: no ledger at /nonexistent/ledger.sqlite"
    );
}

/// Runs the command with its standard output already closed, as `playproof … | head` leaves it
/// once `head` has read enough; returns the exit status and what it wrote to standard error.
fn playproof_into_closed_pipe(args: &[&str]) -> (std::process::ExitStatus, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_playproof"))
        .args(args)
        .current_dir(repo_root())
        .env("RUST_BACKTRACE", "0")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("playproof starts");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("playproof finishes");
    (output.status, text(&output.stderr))
}

#[test]
fn replay_and_verify_into_a_closed_pipe_stop_quietly_without_a_panic() {
    let dir = std::env::temp_dir().join(format!("playproof-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (keys, proof) = demo_proof_in(&dir);
    let path = |path: &Path| path.to_str().unwrap().to_string();

    let (status, stderr) =
        playproof_into_closed_pipe(&["replay", &path(&proof), "--levels", "assets/levels"]);
    assert_eq!(stderr, "");
    assert!(status.success(), "{status}");

    // A rejection still says no through the exit status when nobody reads the verdict.
    let bytes = std::fs::read(&proof).unwrap();
    std::fs::write(&proof, &bytes[..bytes.len() - 1]).unwrap();
    let (status, stderr) = playproof_into_closed_pipe(&[
        "verify",
        &path(&proof),
        "--keys",
        &path(&keys),
        "--levels",
        "assets/levels",
    ]);
    assert_eq!(stderr, "");
    assert_eq!(status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn demo_into_a_closed_pipe_stops_quietly_without_a_panic() {
    let (status, stderr) = playproof_into_closed_pipe(&["demo", "--every", "1000"]);
    assert_eq!(stderr, "");
    assert!(status.success(), "{status}");
}

/// A daily play limit counts play from the ticket records, which only the one-open-ticket rule
/// keeps: `serve` refuses a play policy with a limit beside a risk policy without the rule,
/// naming the play policy file and what to change, and exits instead of serving.
#[test]
fn serve_refuses_a_daily_play_limit_without_ticket_records() {
    let dir = std::env::temp_dir().join(format!("playproof-play-limit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let play_policy = dir.join("play.json");
    std::fs::write(&play_policy, r#"{ "daily_play_minutes": 60 }"#).unwrap();
    let shipped = std::fs::read_to_string(repo_root().join("assets/risk/policy.json")).unwrap();
    let risk_policy = dir.join("risk.json");
    let without_records = shipped.replace(
        r#""one_open_per_player": true"#,
        r#""one_open_per_player": false"#,
    );
    assert_ne!(
        without_records, shipped,
        "the shipped policy keeps ticket records"
    );
    std::fs::write(&risk_policy, without_records).unwrap();
    let db = format!("sqlite:{}", dir.join("ledger.sqlite").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_playproof"))
        .args([
            "serve",
            "--dev",
            "--db",
            &db,
            "--listen",
            "127.0.0.1:0",
            "--metrics-listen",
            "127.0.0.1:0",
            "--play-policy",
            &play_policy.display().to_string(),
            "--risk-policy",
            &risk_policy.display().to_string(),
        ])
        .current_dir(repo_root())
        .env("RUST_BACKTRACE", "0")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("playproof starts");
    // A service that started anyway would never exit: stop it and fail.
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("serve started with a daily play limit and no ticket records");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    let stderr = text(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains(&play_policy.display().to_string())
            && stderr.contains("tickets.one_open_per_player"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
