//! `serve`: the verification service under load. A server process on 127.0.0.1 (this binary,
//! re-run as a child), an open-loop load generator in this process offering proofs at fixed
//! rates, and one row per store and rate: accepted proofs per second, latency percentiles and the
//! server's peak resident memory.
//!
//! Latency is measured from when a request was *due*, not when it was sent, so a generator that
//! falls behind shows up as latency instead of hiding it (coordinated omission). The generator
//! shares the machine's cores with the server, so the figures are a floor for the server alone.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Parser;
use game_core::{Level, LevelGame, SESSION_TICKS_MAX};
use playproof_bots::{play, random_bot, Pacing};
use playproof_proof::{PlausibilityPolicy, ProofBody, SessionKey};
use playproof_server::http::DEV_PLAYER_HEADER;
use playproof_server::run::ServeArgs;

use crate::levels::shipped_levels;

/// Set in the child process that runs the server.
const CHILD_ENV: &str = "PLAYPROOF_BENCH_SERVER_CHILD";
/// PostgreSQL to benchmark against, when set (the test database URL works).
const POSTGRES_URL_ENV: &str = "PLAYPROOF_TEST_POSTGRES_URL";
/// Offered loads, in proofs per second.
const OFFERED_RATES: [u32; 5] = [250, 500, 1_000, 1_500, 2_000];
/// How long each rate is offered.
const RATE_SECONDS: u32 = 4;
/// Distinct players the load is spread over (no per-player limit is hit).
const PLAYERS: u32 = 1_000;
/// Requests the generator keeps open at most; more wait (and count as latency).
const IN_FLIGHT_MAX: usize = 512;
/// What each accepted proof pays, in fen (the budget is about the ledger write, not the amount).
const PAYOUT_FEN: i64 = 1;
/// Longest wait for the server to start or a setup request to answer.
const SETUP_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Parser)]
struct ChildCli {
    /// The suite name the parent passed (`serve`).
    suite: String,
    #[command(flatten)]
    serve: ServeArgs,
}

pub fn run() -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    if std::env::var_os(CHILD_ENV).is_some() {
        let cli = ChildCli::parse();
        return runtime
            .block_on(playproof_server::run::run(&cli.serve))
            .map_err(Into::into);
    }
    runtime.block_on(parent())
}

struct Row {
    store: &'static str,
    offered: u32,
    accepted: usize,
    errors: usize,
    accepted_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    rss_peak_mb: f64,
}

async fn parent() -> Result<()> {
    let scratch =
        std::env::temp_dir().join(format!("playproof-bench-serve-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    let level = write_assets(&scratch)?;
    println!(
        "verify + credit under open-loop load on 127.0.0.1, level {}, {RATE_SECONDS} s per rate",
        level.id
    );
    println!("(the load generator shares the machine's cores with the server)\n");
    let mut stores = vec![(
        "sqlite",
        format!("sqlite:{}", scratch.join("ledger.sqlite").display()),
        None,
    )];
    match std::env::var(POSTGRES_URL_ENV) {
        Ok(url) if !url.is_empty() => stores.push((
            "postgres",
            url,
            Some(format!("bench_{}", std::process::id())),
        )),
        _ => println!("postgres: skipped ({POSTGRES_URL_ENV} not set)\n"),
    }
    println!(
        "{:<9} {:>9} {:>10} {:>7} {:>11} {:>8} {:>8} {:>13}",
        "store",
        "offered/s",
        "accepted",
        "errors",
        "accepted/s",
        "p50 ms",
        "p99 ms",
        "server RSS MB"
    );
    let mut rows = Vec::new();
    for (store, url, schema) in stores {
        let server = spawn_server(&scratch, &url, schema.as_deref())?;
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(IN_FLIGHT_MAX)
            .timeout(SETUP_TIMEOUT)
            .build()?;
        for offered in OFFERED_RATES {
            let count = (offered * RATE_SECONDS) as usize;
            let proofs = prepare_proofs(&client, &server.base, &level, count).await?;
            let row = offer(&client, &server, store, offered, proofs).await?;
            println!(
                "{:<9} {:>9} {:>10} {:>7} {:>11.0} {:>8.2} {:>8.2} {:>13.1}",
                row.store,
                row.offered,
                row.accepted,
                row.errors,
                row.accepted_per_s,
                row.p50_ms,
                row.p99_ms,
                row.rss_peak_mb
            );
            rows.push(row);
        }
    }
    println!("\nbudget (SQLite, 2 cores): >= 1000 accepted/s with p99 <= 50 ms; RSS <= 200 MB");
    let _ = std::fs::remove_dir_all(&scratch);
    if rows.iter().any(|row| row.errors > 0) {
        bail!("some requests failed; see the errors column");
    }
    Ok(())
}

/// The level to play: the first shipped match-3 level.
fn write_assets(scratch: &Path) -> Result<Level> {
    let shipped = shipped_levels()?;
    let file = shipped
        .into_iter()
        .find(|file| matches!(file.level.game, LevelGame::Match3(_)))
        .context("no shipped match-3 level under assets/levels")?;
    let (level, bytes) = (file.level, file.bytes);
    for dir in ["levels", "payouts"] {
        std::fs::create_dir_all(scratch.join(dir))?;
    }
    std::fs::write(scratch.join("levels/level.json"), bytes)?;
    let table = serde_json::json!({
        "level_id": level.id, "basis": "score",
        "tiers": [{ "at_least": 0, "payout_fen": PAYOUT_FEN }]
    });
    std::fs::write(scratch.join("payouts/level.json"), table.to_string())?;
    // Bots play a whole game in an instant; the benchmark measures verification and credit,
    // so the wall-clock and tapping-speed checks are relaxed (replay, claims and signatures
    // are checked as always).
    let mut policy = PlausibilityPolicy::default();
    policy.default.clock_slack_ms = 24 * 60 * 60 * 1000;
    policy.default.input_interval_ticks_min = 0;
    std::fs::write(
        scratch.join("plausibility.json"),
        serde_json::to_string(&policy)?,
    )?;
    Ok(level)
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Peak resident memory of the server process so far (VmHWM), in MB.
    fn rss_peak_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| {
                value
                    .trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<f64>()
                    .ok()
            })
            .map_or(f64::NAN, |kb| kb / 1024.0)
    }
}

fn spawn_server(scratch: &Path, url: &str, schema: Option<&str>) -> Result<Server> {
    let unlimited = "1000000";
    let mut command = Command::new(std::env::current_exe()?);
    command
        .arg("serve")
        .args([
            "--db",
            url,
            "--listen",
            "127.0.0.1:0",
            "--metrics-listen",
            "127.0.0.1:0",
        ])
        .arg("--levels")
        .arg(path(scratch, "levels"))
        .arg("--payouts")
        .arg(path(scratch, "payouts"))
        .arg("--plausibility")
        .arg(path(scratch, "plausibility.json"))
        .args(["--dev", "--daily-cap-fen", "1000000000"])
        .args([
            "--player-rate-per-s",
            unlimited,
            "--player-burst",
            unlimited,
        ])
        .args([
            "--address-rate-per-s",
            unlimited,
            "--address-burst",
            unlimited,
        ])
        .env(CHILD_ENV, "1")
        .env(playproof_server::run::TICKET_SECRET_ENV, "5a69".repeat(16))
        .env(playproof_server::run::TOKEN_SECRET_ENV, "a596".repeat(16))
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(schema) = schema {
        command.args(["--pg-schema", schema]);
    }
    let mut child = command.spawn().context("starting the server process")?;
    let stdout = child.stdout.take().context("server stdout")?;
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(base) = line.strip_prefix("listening on ") {
                let _ = sender.send(base.to_string());
            }
        }
    });
    let base = receiver
        .recv_timeout(SETUP_TIMEOUT)
        .context("the server did not print its address")?;
    Ok(Server { child, base })
}

fn path(scratch: &Path, name: &str) -> PathBuf {
    scratch.join(name)
}

/// `(player, proof)` pairs: tickets from the server, games played here by a random bot.
async fn prepare_proofs(
    client: &reqwest::Client,
    base: &str,
    level: &Level,
    count: usize,
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut tickets = Vec::with_capacity(count);
    for chunk in (0..count).collect::<Vec<_>>().chunks(64) {
        let requests = chunk.iter().map(|index| {
            let player = format!("bench-{}", *index as u32 % PLAYERS);
            // Session keys from a counter: the benchmark needs distinct keys, not secret ones.
            let mut entropy = [0u8; 32];
            entropy[..8].copy_from_slice(&(*index as u64 + 1).to_le_bytes());
            let key = SessionKey::from_entropy(entropy);
            let public_key = playproof_server::hex::encode(&key.public_key());
            let request = client
                .post(format!("{base}/v1/tickets"))
                .header(DEV_PLAYER_HEADER, player.clone())
                .json(
                    &serde_json::json!({ "level_id": level.id, "session_public_key": public_key }),
                )
                .send();
            async move {
                let ticket: serde_json::Value = request.await?.error_for_status()?.json().await?;
                anyhow::Ok((player, ticket, key))
            }
        });
        for ticket in futures_util::future::join_all(requests).await {
            tickets.push(ticket?);
        }
    }
    let level = level.clone();
    tokio::task::spawn_blocking(move || {
        tickets
            .into_iter()
            .enumerate()
            .map(|(index, (player, ticket, key))| {
                let seed: u64 = ticket["seed"].as_str().context("seed")?.parse()?;
                let bytes =
                    playproof_server::hex::decode(ticket["ticket_hex"].as_str().context("ticket")?)
                        .context("ticket hex")?;
                let mut bot = random_bot(&level);
                let recording = play(
                    &level,
                    seed,
                    bot.as_mut(),
                    Pacing::INSTANT,
                    index as u64,
                    SESSION_TICKS_MAX,
                )?;
                let body = ProofBody {
                    ticket: bytes,
                    inputs: recording.inputs,
                    claimed_score: recording.outcome.score,
                    final_tick: recording.outcome.ticks,
                    final_hash: recording.outcome.final_hash,
                    checkpoint_hashes: Vec::new(),
                };
                Ok((player, key.sign_proof(&body)?))
            })
            .collect()
    })
    .await?
}

/// Offers `proofs` at `rate` per second, open loop; returns the row.
async fn offer(
    client: &reqwest::Client,
    server: &Server,
    store: &'static str,
    rate: u32,
    proofs: Vec<(String, Vec<u8>)>,
) -> Result<Row> {
    let gate = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT_MAX));
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(proofs.len());
    for (index, (player, proof)) in proofs.into_iter().enumerate() {
        let due = start + interval * index as u32;
        tokio::time::sleep_until(due.into()).await;
        let (client, base, gate) = (client.clone(), server.base.clone(), gate.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire().await.ok()?;
            let response = client
                .post(format!("{base}/v1/proofs"))
                .header(DEV_PLAYER_HEADER, player)
                .header("content-type", "application/octet-stream")
                .body(proof)
                .send()
                .await
                .ok()?;
            let accepted = response.status().is_success();
            let _ = response.bytes().await;
            accepted.then(|| (due.elapsed(), Instant::now()))
        }));
    }
    let mut latencies = Vec::with_capacity(tasks.len());
    let mut errors = 0;
    let mut last = start;
    for task in tasks {
        match task.await? {
            Some((latency, finished)) => {
                latencies.push(latency);
                last = last.max(finished);
            }
            None => errors += 1,
        }
    }
    latencies.sort_unstable();
    let percentile = |fraction: f64| {
        latencies
            .get(
                ((latencies.len() as f64 * fraction) as usize)
                    .min(latencies.len().saturating_sub(1)),
            )
            .map_or(f64::NAN, |latency| latency.as_secs_f64() * 1000.0)
    };
    Ok(Row {
        store,
        offered: rate,
        accepted: latencies.len(),
        errors,
        accepted_per_s: latencies.len() as f64 / (last - start).as_secs_f64().max(1e-9),
        p50_ms: percentile(0.50),
        p99_ms: percentile(0.99),
        rss_peak_mb: server.rss_peak_mb(),
    })
}
