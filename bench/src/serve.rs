//! `serve`: the verification service under a realistic load. A server process on 127.0.0.1
//! (this binary, re-run as a child), an open-loop load generator in this process, and one row
//! per store and offered rate: accepted proofs per second, latency percentiles, the server's CPU
//! per proof and its peak resident memory.
//!
//! The load is what production sees: 3-minute sessions of both modes on every shipped level,
//! in a configurable ratio (default 90% match-3, 10% merge-drop), played at human pace (the
//! greedy bot with its moves spread over three minutes; the heuristic merge-drop bot dropping
//! every 0.5 to 6 s). Only the wall-clock plausibility check is relaxed: the benchmark cannot
//! wait three minutes per proof. Two more rows per store offer one mode alone, to price each
//! mode in server CPU: the cores a deployment needs per 1,000 proofs/s, and two more price the
//! shipped risk policy on top (every signal computed, stored and weighed).
//!
//! Latency is measured from when a request was *due*, not when it was sent, so a generator that
//! falls behind shows up as latency instead of hiding it (coordinated omission). The generator
//! and PostgreSQL share the machine's cores with the server, so the figures are a floor for the
//! server alone. Every rate runs a bounded number of requests, then the server is stopped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Parser;
use game_core::{Level, LevelGame};
use playproof_bots::{play, standard_bot};
use playproof_proof::{PlausibilityPolicy, ProofBody, SessionKey};
use playproof_server::http::DEV_PLAYER_HEADER;
use playproof_server::risk::{RiskPolicy, SignalKind};
use playproof_server::run::ServeArgs;

use crate::levels::{shipped_levels, three_minute_pace, SESSION_TICKS};

/// Set in the child process that runs the server.
const CHILD_ENV: &str = "PLAYPROOF_BENCH_SERVER_CHILD";
/// PostgreSQL to benchmark against, when set (the test database URL works).
const POSTGRES_URL_ENV: &str = "PLAYPROOF_TEST_POSTGRES_URL";
/// Offered loads of the mix, in proofs per second (a merge-drop proof costs the server ~10
/// CPU ms, a match-3 one ~1, so 90/10 saturates two cores near a thousand per second).
const OFFERED_RATES: [u32; 6] = [50, 100, 200, 400, 600, 800];
/// How long each rate is offered, in seconds.
const RATE_SECONDS: u32 = 4;
/// The one-mode rows that price each mode: offered rate and seconds.
const MATCH3_ONLY: (u32, u32) = (400, 3);
const MERGE_ONLY: (u32, u32) = (20, 4);
/// Match-3 under the shipped risk policy: offered below what one writer sustains on PostgreSQL
/// (about 250/s on 2 cores: the risk check's reads and writes are a dozen more round trips per
/// verdict inside the writer's transaction), so the row prices CPU rather than queueing.
const MATCH3_RISK: (u32, u32) = (200, 3);
/// A rate is sustained when at least this share of what was offered is accepted per second
/// and p99 is within the budget's latency.
const SUSTAINED_SHARE: f64 = 0.95;
const P99_BUDGET_MS: f64 = 50.0;
/// Distinct players the load is spread over (no per-player limit is hit).
const PLAYERS: u32 = 1_000;
/// Requests the generator keeps open at most; more wait (and count as latency).
const IN_FLIGHT_MAX: usize = 512;
/// What each accepted proof pays, in fen (the budget is about the ledger write, not the amount).
const PAYOUT_FEN: i64 = 1;
/// Longest wait for the server to start or a setup request to answer.
const SETUP_TIMEOUT: Duration = Duration::from_secs(60);

/// `playproof-bench serve [OPTIONS]`.
#[derive(Parser)]
struct ParentCli {
    /// The suite name (`serve`).
    suite: String,
    /// Percentage of merge-drop proofs in the mix; the rest are match-3.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(0..=100))]
    merge_percent: u32,
    /// Offered rates of the mix, proofs per second, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = OFFERED_RATES)]
    rates: Vec<u32>,
    /// Seconds each rate is offered.
    #[arg(long, default_value_t = RATE_SECONDS, value_parser = clap::value_parser!(u32).range(1..=60))]
    seconds: u32,
}

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

/// Which game modes a run offers.
#[derive(Clone, Copy)]
enum Mix {
    /// `merge_percent` of the proofs are merge-drop.
    Both {
        merge_percent: u32,
    },
    Match3Only,
    MergeOnly,
}

impl Mix {
    fn label(self) -> String {
        match self {
            Mix::Both { merge_percent } => format!("{}/{merge_percent}", 100 - merge_percent),
            Mix::Match3Only => "m3 only".into(),
            Mix::MergeOnly => "md only".into(),
        }
    }

    /// Whether proof `index` of a run is merge-drop: spread evenly through the run.
    fn is_merge(self, index: usize) -> bool {
        match self {
            Mix::Both { merge_percent } => {
                let share = |n: usize| n * merge_percent as usize / 100;
                share(index + 1) > share(index)
            }
            Mix::Match3Only => false,
            Mix::MergeOnly => true,
        }
    }
}

/// The risk policy the server runs under.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Policy {
    /// Nothing weighed: the rate rows, which measure verification and the ledger write.
    PayAll,
    /// The shipped policy ([`shipped_risk_policy`]): what the risk check adds per proof.
    Shipped,
}

impl Policy {
    fn label(self) -> &'static str {
        match self {
            Policy::PayAll => "pay_all",
            Policy::Shipped => "shipped",
        }
    }

    fn file(self) -> &'static str {
        match self {
            Policy::PayAll => PAY_ALL_POLICY,
            Policy::Shipped => SHIPPED_POLICY,
        }
    }
}

/// How one offered proof ended.
enum Outcome {
    /// Accepted: its latency from when it was due, and when the answer arrived.
    Accepted(Duration, Instant),
    /// Answered 503: the service shed it, past what it can take (its overload answer).
    Shed,
    /// Anything else: refused, failed or never answered.
    Failed,
}

struct Row {
    accepted: usize,
    /// Answered 503 past saturation: the service protecting itself, not a fault.
    shed: usize,
    /// Refused or failed otherwise: a fault, which fails the benchmark.
    errors: usize,
    accepted_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    p999_ms: f64,
    /// Server CPU time (user + system) per accepted proof, in milliseconds.
    cpu_ms_per_proof: f64,
    rss_peak_mb: f64,
}

impl Row {
    /// Cores kept busy by 1,000 accepted proofs per second at this row's CPU per proof.
    fn cores_per_1000(&self) -> f64 {
        self.cpu_ms_per_proof
    }
}

/// Every shipped level, by mode.
struct Levels {
    match3: Vec<Level>,
    merge: Vec<Level>,
}

async fn parent() -> Result<()> {
    let cli = ParentCli::parse();
    let scratch =
        std::env::temp_dir().join(format!("playproof-bench-serve-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    let levels = write_assets(&scratch)?;
    let mix = Mix::Both {
        merge_percent: cli.merge_percent,
    };
    println!(
        "verify + credit under open-loop load on 127.0.0.1: 3-minute sessions at human pace, {} match-3 and {} merge-drop levels, {} s per rate",
        levels.match3.len(),
        levels.merge.len(),
        cli.seconds
    );
    println!("(the load generator and the database share the machine's cores with the server)\n");
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
        _ => println!("postgres: skipped ({POSTGRES_URL_ENV} not set; `cargo xtask bench serve` starts the test cluster)\n"),
    }
    println!(
        "{:<9} | {:>13} | {:>9} | {:>8} | {:>5} | {:>6} | {:>10} | {:>7} | {:>7} | {:>8} | {:>11} | {:>13} | {:>7}",
        "store",
        "mix %",
        "offered/s",
        "accepted",
        "shed",
        "errors",
        "accepted/s",
        "p50 ms",
        "p99 ms",
        "p99.9 ms",
        "CPU ms/proof",
        "cores/1000/s",
        "RSS MB"
    );
    println!("{}", "-".repeat(150));
    let mut errors = 0;
    let mut summary = Vec::new();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(IN_FLIGHT_MAX)
        .timeout(SETUP_TIMEOUT)
        .build()?;
    for (store, url, schema) in stores {
        let mut runs: Vec<(Mix, Policy, u32, u32)> = cli
            .rates
            .iter()
            .map(|&rate| (mix, Policy::PayAll, rate, cli.seconds))
            .collect();
        for (policy, match3) in [
            (Policy::PayAll, MATCH3_ONLY),
            (Policy::Shipped, MATCH3_RISK),
        ] {
            runs.push((Mix::Match3Only, policy, match3.0, match3.1));
            runs.push((Mix::MergeOnly, policy, MERGE_ONLY.0, MERGE_ONLY.1));
        }
        let mut sustained: Option<(u32, f64)> = None;
        let mut mix_cpu_ms = f64::NAN;
        let top_rate = cli.rates.iter().copied().max().unwrap_or(0);
        let mut per_mode = Vec::new();
        let mut server: Option<(Policy, Server)> = None;
        for (run_mix, policy, offered, seconds) in runs {
            // One server per policy, started when its first run comes (the old one stopped).
            if server
                .as_ref()
                .is_none_or(|(running, _)| *running != policy)
            {
                drop(server.take());
                let schema = schema
                    .as_ref()
                    .map(|schema| format!("{schema}_{}", policy.label()));
                let url = match url.strip_suffix(".sqlite") {
                    Some(stem) => format!("{stem}-{}.sqlite", policy.label()),
                    None => url.clone(),
                };
                let spawned = spawn_server(&scratch, &url, schema.as_deref(), policy.file())?;
                server = Some((policy, spawned));
            }
            let (_, server) = server.as_ref().expect("started above");
            let count = (offered * seconds) as usize;
            let proofs = prepare_proofs(&client, &server.base, &levels, run_mix, count).await?;
            let row = offer(&client, server, offered, proofs).await?;
            let label = match policy {
                Policy::PayAll => run_mix.label(),
                Policy::Shipped => format!("{} +risk", run_mix.label()),
            };
            println!(
                "{store:<9} | {:>13} | {offered:>9} | {:>8} | {:>5} | {:>6} | {:>10.0} | {:>7.2} | {:>7.2} | {:>8.2} | {:>11.2} | {:>13.2} | {:>7.1}",
                label,
                row.accepted,
                row.shed,
                row.errors,
                row.accepted_per_s,
                row.p50_ms,
                row.p99_ms,
                row.p999_ms,
                row.cpu_ms_per_proof,
                row.cores_per_1000(),
                row.rss_peak_mb
            );
            errors += row.errors;
            match run_mix {
                Mix::Both { .. } => {
                    if offered == top_rate {
                        mix_cpu_ms = row.cpu_ms_per_proof;
                    }
                    let kept_up = row.accepted_per_s >= SUSTAINED_SHARE * f64::from(offered)
                        && row.p99_ms <= P99_BUDGET_MS;
                    if kept_up && sustained.is_none_or(|(rate, _)| rate < offered) {
                        sustained = Some((offered, row.p99_ms));
                    }
                }
                Mix::Match3Only | Mix::MergeOnly => {
                    per_mode.push((label, row.cores_per_1000()));
                }
            }
        }
        // When even the top rate was sustained, saturation lies above it: the server's CPU per
        // proof at that rate says where its cores would run out.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        let cpu_bound = (sustained.is_some_and(|(rate, _)| rate == top_rate))
            .then(|| cores * 1000.0 / mix_cpu_ms);
        summary.push((store, sustained, cpu_bound, per_mode));
    }
    println!();
    for (store, sustained, cpu_bound, per_mode) in summary {
        let mut sustained = match sustained {
            Some((rate, p99)) => format!("{rate} proofs/s (p99 {p99:.1} ms)"),
            None => "none of the offered rates".into(),
        };
        if let Some(bound) = cpu_bound {
            sustained += &format!(
                ", the highest offered: saturation lies above, the server's cores run out near {bound:.0}/s"
            );
        }
        let modes: Vec<String> = per_mode
            .iter()
            .map(|(mode, cores)| format!("{mode} {cores:.2}"))
            .collect();
        println!(
            "{store}: highest mix rate sustained (>= {:.0}% accepted, p99 <= {P99_BUDGET_MS:.0} ms): {sustained}; server cores per 1,000 proofs/s: {}",
            SUSTAINED_SHARE * 100.0,
            modes.join(", ")
        );
    }
    println!("cores/1000/s = server CPU seconds per second at 1,000 accepted proofs/s (the database's own CPU comes on top with PostgreSQL)");
    println!("budget (SQLite, 2 cores): >= 1000 accepted/s with p99 <= 50 ms (stated for match-3); RSS <= 200 MB");
    let _ = std::fs::remove_dir_all(&scratch);
    if errors > 0 {
        bail!("{errors} requests failed (not shed with 503); see the errors column");
    }
    Ok(())
}

/// Every shipped level with a payout table paying 1 fen, and the relaxed clock check.
fn write_assets(scratch: &Path) -> Result<Levels> {
    for dir in ["levels", "payouts"] {
        std::fs::create_dir_all(scratch.join(dir))?;
    }
    let mut levels = Levels {
        match3: Vec::new(),
        merge: Vec::new(),
    };
    for file in shipped_levels()? {
        let id = file.level.id.clone();
        std::fs::write(scratch.join(format!("levels/{id}.json")), &file.bytes)?;
        let table = serde_json::json!({
            "level_id": id, "basis": "score",
            "tiers": [{ "at_least": 0, "payout_fen": PAYOUT_FEN }]
        });
        std::fs::write(
            scratch.join(format!("payouts/{id}.json")),
            table.to_string(),
        )?;
        match file.level.game {
            LevelGame::Match3(_) => levels.match3.push(file.level),
            LevelGame::MergeDrop(_) => levels.merge.push(file.level),
        }
    }
    if levels.match3.is_empty() || levels.merge.is_empty() {
        bail!("the mix needs shipped levels of both modes under assets/levels");
    }
    // Bots play a 3-minute game in milliseconds; the benchmark cannot wait three minutes per
    // proof, so only the wall-clock check is relaxed. Tapping speed, session length, replay,
    // claims and signatures are checked as always.
    let mut policy = PlausibilityPolicy::default();
    policy.default.clock_slack_ms = 24 * 60 * 60 * 1000;
    std::fs::write(
        scratch.join("plausibility.json"),
        serde_json::to_string(&policy)?,
    )?;
    // The rate rows hold many tickets per player at once and measure throughput, not risk:
    // every verified game is paid, tickets are unrestricted.
    std::fs::write(
        scratch.join(PAY_ALL_POLICY),
        serde_json::to_string(&RiskPolicy::pay_all())?,
    )?;
    std::fs::write(
        scratch.join(SHIPPED_POLICY),
        serde_json::to_string(&shipped_risk_policy()?)?,
    )?;
    Ok(levels)
}

/// The risk policy files the server runs under: none weighed, or the shipped one.
const PAY_ALL_POLICY: &str = "risk-pay-all.json";
const SHIPPED_POLICY: &str = "risk-shipped.json";

/// The shipped risk policy as a deployment runs it, with the two rules a load generator cannot
/// meet relaxed: it holds many tickets per player at once (one open ticket per player would
/// forfeit them), and its thousand players share one address (one cluster: every game would be
/// linked, capped and held). Every signal is still computed, stored and weighed, play quality
/// replays included.
fn shipped_risk_policy() -> Result<RiskPolicy> {
    let mut policy = RiskPolicy::from_json(
        "assets/risk/policy.json",
        playproof_server::run::RISK_POLICY_DEFAULT.as_bytes(),
    )?;
    policy.tickets.one_open_per_player = false;
    policy.weights.insert(SignalKind::LinkedAccounts, 0.0);
    policy.clusters.daily_cap_fen = None;
    Ok(policy)
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
    /// CPU time the server process has used so far (user + system).
    fn cpu_time(&self) -> Duration {
        crate::process::cpu_time(&self.child.id().to_string())
    }

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

fn spawn_server(
    scratch: &Path,
    url: &str,
    schema: Option<&str>,
    risk_policy: &str,
) -> Result<Server> {
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
        .arg("--risk-policy")
        .arg(path(scratch, risk_policy))
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

/// `(player, proof)` pairs: tickets from the server, 3-minute games played here at human pace
/// by each mode's standard bot, on every level in turn.
async fn prepare_proofs(
    client: &reqwest::Client,
    base: &str,
    levels: &Levels,
    mix: Mix,
    count: usize,
) -> Result<Vec<(String, Vec<u8>)>> {
    let plan: Vec<Level> = (0..count)
        .map(|index| {
            let pool = if mix.is_merge(index) {
                &levels.merge
            } else {
                &levels.match3
            };
            pool[index % pool.len()].clone()
        })
        .collect();
    let mut tickets = Vec::with_capacity(count);
    for chunk in plan.iter().enumerate().collect::<Vec<_>>().chunks(64) {
        let requests = chunk.iter().map(|(index, level)| {
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
    // Playing the games is the slow part (a merge-drop game is ~100 ms): all cores, before the
    // load starts.
    tokio::task::spawn_blocking(move || play_all(&plan, tickets)).await?
}

fn play_all(
    plan: &[Level],
    tickets: Vec<(String, serde_json::Value, SessionKey)>,
) -> Result<Vec<(String, Vec<u8>)>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let work: Vec<(usize, (String, serde_json::Value, SessionKey))> =
        tickets.into_iter().enumerate().collect();
    let chunk_len = work.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = work
            .chunks(chunk_len)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|(index, (player, ticket, key))| {
                            let proof = play_one(&plan[*index], *index as u64, ticket, key)?;
                            Ok((player.clone(), proof))
                        })
                        .collect::<Result<Vec<_>>>()
                })
            })
            .collect();
        let mut proofs = Vec::with_capacity(plan.len());
        for handle in handles {
            proofs.extend(handle.join().expect("a player thread panicked")?);
        }
        Ok(proofs)
    })
}

/// One signed proof of a 3-minute game on `level` with the ticket's seed.
fn play_one(
    level: &Level,
    bot_seed: u64,
    ticket: &serde_json::Value,
    key: &SessionKey,
) -> Result<Vec<u8>> {
    let seed: u64 = ticket["seed"].as_str().context("seed")?.parse()?;
    let bytes = playproof_server::hex::decode(ticket["ticket_hex"].as_str().context("ticket")?)
        .context("ticket hex")?;
    let mut bot = standard_bot(level);
    let recording = play(
        level,
        seed,
        bot.as_mut(),
        three_minute_pace(level),
        bot_seed,
        SESSION_TICKS,
    )?;
    let body = ProofBody::from_replay(bytes, recording.inputs, &recording.outcome, true);
    Ok(key.sign_proof(&body)?)
}

/// Offers `proofs` at `rate` per second, open loop; returns the row.
async fn offer(
    client: &reqwest::Client,
    server: &Server,
    rate: u32,
    proofs: Vec<(String, Vec<u8>)>,
) -> Result<Row> {
    let cpu_before = server.cpu_time();
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
            let status = response.status();
            let _ = response.bytes().await;
            Some(if status.is_success() {
                Outcome::Accepted(due.elapsed(), Instant::now())
            } else if status == reqwest::StatusCode::SERVICE_UNAVAILABLE {
                Outcome::Shed
            } else {
                Outcome::Failed
            })
        }));
    }
    let mut latencies = Vec::with_capacity(tasks.len());
    let (mut shed, mut errors) = (0, 0);
    let mut last = start;
    for task in tasks {
        match task.await?.unwrap_or(Outcome::Failed) {
            Outcome::Accepted(latency, finished) => {
                latencies.push(latency);
                last = last.max(finished);
            }
            Outcome::Shed => shed += 1,
            Outcome::Failed => errors += 1,
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
    let cpu = server.cpu_time().saturating_sub(cpu_before);
    Ok(Row {
        accepted: latencies.len(),
        shed,
        errors,
        accepted_per_s: latencies.len() as f64 / (last - start).as_secs_f64().max(1e-9),
        p50_ms: percentile(0.50),
        p99_ms: percentile(0.99),
        p999_ms: percentile(0.999),
        cpu_ms_per_proof: cpu.as_secs_f64() * 1e3 / latencies.len().max(1) as f64,
        rss_peak_mb: server.rss_peak_mb(),
    })
}
