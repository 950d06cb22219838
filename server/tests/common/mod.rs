//! Test harness: a real service on 127.0.0.1 over a real SQLite file or a real PostgreSQL schema,
//! real HTTP clients, and sessions played by a bot and proven like a client would.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use game_core::Level;
use playproof_bots::{play_random, Pacing, Recording};
use playproof_proof::{KeyId, PlausibilityPolicy, ProofBody, ServerKey, SessionKey};
use playproof_server::auth::{Authenticator, DevAuthenticator, WeChatAuthenticator};
use playproof_server::check::LevelCatalogue;
use playproof_server::clock::{Clock, SystemClock};
use playproof_server::http::{self, HttpOptions};
use playproof_server::metrics::Metrics;
use playproof_server::operator::roster::Roster;
use playproof_server::payout::{Basis, Campaign, PayoutBook, PayoutTable, Sponsor, Tier};
use playproof_server::rails::RailArgs;
use playproof_server::ratelimit::RateLimit;
use playproof_server::risk::policy::Thresholds;
use playproof_server::risk::{RiskPolicy, SignalKind};
use playproof_server::secrets::LoadedRing;
use playproof_server::signed::SignedProofCheck;
use playproof_server::store::{LedgerReport, Store, StoreConfig};
use playproof_server::{Service, ServiceConfig};
use serde_json::Value;
use tokio::sync::oneshot;

/// The header a `--dev` service takes a player's id from.
pub const DEV_PLAYER_HEADER: &str = playproof_server::http::DEV_PLAYER_HEADER;

/// Where the PostgreSQL tests find their database; `cargo xtask test` sets it.
pub const POSTGRES_URL_ENV: &str = "PLAYPROOF_TEST_POSTGRES_URL";
/// The level every test plays: the first shipped match-3 level.
pub const LEVEL_ID: &str = "m3-01-first-steps";
pub const LEVEL_PATH: &str = "../assets/levels/match3/m3-01-first-steps.json";

/// The test level file's bytes.
pub fn level_file() -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(LEVEL_PATH);
    std::fs::read(&path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}
/// What an accepted proof on the test level pays (the table pays it for any score).
pub const PAYOUT_FEN: i64 = 25;
pub const CAMPAIGN_ID: &str = "spring";
/// The display name the test level's sponsor goes by on the level map.
pub const SPONSOR_NAME: &str = "Spring Tea";
pub const OPERATOR_TOKEN: &str = "operator-secret-for-tests";
pub const WECHAT_APP_ID: &str = "wx-test-app";
pub const WECHAT_APP_SECRET: &str = "test-app-secret";
pub const TICKET_SECRET: [u8; 32] = [42; 32];
pub const TOKEN_SECRET: [u8; 32] = [24; 32];
/// A generous limit for tests that are not about rate limits.
pub const NO_RATE_LIMIT: RateLimit = RateLimit {
    per_s: 1e6,
    burst: 1_000_000,
};
/// Bound on any single HTTP call in tests; generous because debug builds verify signatures slowly
/// and the machine may be busy.
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite,
    Postgres { url: String },
}

impl Backend {
    /// PostgreSQL from the environment, or `None` after printing why the test is skipped.
    pub fn postgres() -> Option<Backend> {
        match std::env::var(POSTGRES_URL_ENV) {
            Ok(url) if !url.is_empty() => Some(Backend::Postgres { url }),
            _ => {
                // Written to the stream directly: the test harness captures eprintln! output of
                // passing tests, and a skip must be seen.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "skipped: a PostgreSQL test; {POSTGRES_URL_ENV} is not set (cargo xtask test sets it)"
                );
                None
            }
        }
    }
}

/// Runs a scenario `async fn(Backend)` once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_stores {
    ($scenario:ident) => {
        mod $scenario {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$scenario($crate::common::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                if let Some(backend) = $crate::common::Backend::postgres() {
                    super::$scenario(backend).await
                }
            }
        }
    };
}

/// A directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        let mut random = [0u8; 8];
        getrandom::fill(&mut random).unwrap();
        let name = format!("playproof-{label}-{}", u64::from_le_bytes(random));
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Where one test's data lives: a fresh SQLite file or a fresh PostgreSQL schema.
pub struct Database {
    pub config: StoreConfig,
    pub dir: TempDir,
}

impl Database {
    pub fn new(backend: &Backend) -> Database {
        let dir = TempDir::new("db");
        let config = match backend {
            Backend::Sqlite => StoreConfig::sqlite(&dir.0.join("ledger.sqlite")),
            Backend::Postgres { url } => {
                let mut random = [0u8; 6];
                getrandom::fill(&mut random).unwrap();
                let schema: String = random.iter().map(|byte| format!("{byte:02x}")).collect();
                StoreConfig {
                    url: url.clone(),
                    postgres_schema: Some(format!("test_{schema}")),
                }
            }
        };
        Database { config, dir }
    }
}

#[derive(Clone)]
pub struct Options {
    pub daily_cap_fen: i64,
    pub withdrawal_min_fen: i64,
    pub player_rate: RateLimit,
    pub address_rate: RateLimit,
    /// `(initial budget, boost per proof)` of a campaign sponsoring the test level.
    pub campaign: Option<(i64, i64)>,
    pub static_dir: Option<PathBuf>,
    pub clock: Arc<dyn Clock>,
    /// Base URL of a WeChat API stand-in; enables the `wechat` login provider.
    pub wechat_base: Option<String>,
    pub plausibility: PlausibilityPolicy,
    /// The ticket key ring; `None` is one key, id 1, from [`TICKET_SECRET`].
    pub ticket_keys: Option<LoadedRing>,
    /// How withdrawals are paid; `None` is the manual rail with its default limits.
    pub payout_rail: Option<playproof_server::rails::RailConfig>,
    /// The loopback port to listen on (for stand-ins that must know the notify URL first);
    /// `None` is any free port.
    pub listen_port: Option<u16>,
    /// The risk policy; `RiskPolicy::pay_all()` unless a test is about risk.
    pub risk: Arc<RiskPolicy>,
    /// The operator's responsible-play policy.
    pub play_policy: playproof_server::play_policy::PlayPolicy,
    /// Who may use the operator endpoints; one operator holding [`OPERATOR_TOKEN`] unless a
    /// test is about the roster.
    pub operators: Roster,
}

/// The pay-all policy with one open ticket per player and `weights` weighed under the usual
/// thresholds: flag at 0.3, hold at 0.6, refuse at 1.0.
pub fn weighing(weights: &[(SignalKind, f64)]) -> RiskPolicy {
    let mut policy = RiskPolicy::pay_all();
    policy.tickets.one_open_per_player = true;
    policy.weights.extend(weights.iter().copied());
    policy.thresholds = Thresholds {
        flag: 0.3,
        hold: 0.6,
        refuse: 1.0,
    };
    policy
}

/// Bots play instantly and tests submit at once, so game time runs ahead of the wall clock:
/// tests that are not about plausibility allow that.
pub fn lenient_plausibility() -> PlausibilityPolicy {
    PlausibilityPolicy::from_json(
        br#"{ "default": { "clock_slack_ms": 86400000, "input_interval_ticks_min": 0 } }"#,
    )
    .expect("a valid policy")
}

impl Default for Options {
    fn default() -> Self {
        Options {
            daily_cap_fen: 1_000_000,
            withdrawal_min_fen: 100,
            player_rate: NO_RATE_LIMIT,
            address_rate: NO_RATE_LIMIT,
            campaign: None,
            static_dir: None,
            clock: Arc::new(SystemClock),
            wechat_base: None,
            plausibility: lenient_plausibility(),
            ticket_keys: None,
            payout_rail: None,
            listen_port: None,
            risk: Arc::new(RiskPolicy::pay_all()),
            play_policy: Default::default(),
            operators: Roster::sole(OPERATOR_TOKEN),
        }
    }
}

pub fn test_level() -> Level {
    Level::from_json(&level_file()).expect("the test level is valid")
}

/// A running service and a client for it.
pub struct Server {
    pub base: String,
    pub service: Arc<Service>,
    pub client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Server {
    pub async fn start(database: &Database, options: Options) -> Server {
        let metrics = Arc::new(Metrics::default());
        let mut config = ServiceConfig::new(TOKEN_SECRET);
        config.rules.daily_cap_fen = options.daily_cap_fen;
        config.rules.withdrawal_min_fen = options.withdrawal_min_fen;
        config.player_rate = options.player_rate;
        config.address_rate = options.address_rate;
        config.dev_identity_header = true;
        config.play_policy = options.play_policy.clone();
        config.operators = options.operators.clone();
        if let Some(rail) = &options.payout_rail {
            config.payout_rail = rail.clone();
        }
        config.risk = options.risk.clone();
        let store = Store::open(&database.config, config.rules, metrics.clone())
            .await
            .expect("store opens");
        let sponsor = options.campaign.map(|(_, boost_fen)| Sponsor {
            campaign_id: CAMPAIGN_ID.into(),
            boost_fen,
            name: Some(SPONSOR_NAME.into()),
        });
        let campaigns = options
            .campaign
            .map(|(budget, _)| Campaign {
                id: CAMPAIGN_ID.into(),
                initial_budget_fen: budget,
            })
            .into_iter()
            .collect();
        let payouts = PayoutBook::new(
            vec![PayoutTable {
                level_id: LEVEL_ID.into(),
                basis: Basis::Score,
                tiers: vec![Tier {
                    at_least: 0,
                    payout_fen: PAYOUT_FEN,
                }],
                sponsor,
                budget_per_play_fen: None,
                pays_on_loss: true,
            }],
            campaigns,
        )
        .expect("payouts are valid");
        let levels = LevelCatalogue::from_files(LEVEL_PATH, [level_file()]).unwrap();
        let ring = options.ticket_keys.clone().unwrap_or_else(|| LoadedRing {
            signing_key: ServerKey::from_secret(KeyId(1), TICKET_SECRET),
            other_keys: Vec::new(),
        });
        let check = Arc::new(
            SignedProofCheck::new(
                ring.signing_key,
                &ring.other_keys,
                &levels,
                options.plausibility.clone(),
            )
            .unwrap(),
        );
        let mut authenticators: Vec<Arc<dyn Authenticator>> = vec![Arc::new(DevAuthenticator)];
        if let Some(base) = &options.wechat_base {
            let wechat = WeChatAuthenticator::new(base, WECHAT_APP_ID, WECHAT_APP_SECRET).unwrap();
            authenticators.push(Arc::new(wechat));
        }
        let service = Arc::new(Service::new(
            store,
            check,
            Arc::new(payouts),
            config,
            options.clock.clone(),
            metrics,
            authenticators,
        ));
        service
            .fund_initial_campaigns()
            .await
            .expect("campaigns funded");
        let listener =
            tokio::net::TcpListener::bind(("127.0.0.1", options.listen_port.unwrap_or(0)))
                .await
                .unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let router = http::router(
            service.clone(),
            &HttpOptions {
                static_dir: options.static_dir.clone(),
                cors_any_origin: true,
                ..HttpOptions::default()
            },
        );
        let (shutdown, stop) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            http::serve(listener, router, async {
                let _ = stop.await;
            })
            .await
            .expect("server runs");
        });
        Server {
            base,
            service,
            client: client(),
            shutdown: Some(shutdown),
            task: Some(task),
        }
    }

    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(HTTP_TIMEOUT, task).await;
        }
    }

    pub async fn check_ledger(&self) -> LedgerReport {
        let cap = self.service.config().rules.daily_cap_fen;
        self.service.store().check_ledger(Some(cap)).await.unwrap()
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(HTTP_TIMEOUT)
        .pool_max_idle_per_host(64)
        .build()
        .unwrap()
}

/// A status and a JSON body (or `Null` when the body is not JSON).
pub async fn answer(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.bytes().await.unwrap();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

pub fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no error code>")
}

/// A finished session: its ticket and proof.
#[derive(Clone, Debug)]
pub struct Session {
    pub player: String,
    pub session_id: String,
    pub proof: Vec<u8>,
    pub score: u32,
}

pub fn hex_decode(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|index| u8::from_str_radix(&text[index..index + 2], 16).unwrap())
        .collect()
}

/// A ticket and the session key that will sign its proof.
pub struct Ticket {
    pub body: Value,
    pub key: SessionKey,
}

/// Asks `base` for a ticket as dev player `player`, with a fresh session key.
pub async fn ticket(client: &reqwest::Client, base: &str, player: &str) -> Ticket {
    let mut entropy = [0u8; 32];
    getrandom::fill(&mut entropy).unwrap();
    let key = SessionKey::from_entropy(entropy);
    let public_key: String = key
        .public_key()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let response = client
        .post(format!("{base}/v1/tickets"))
        .header(http::DEV_PLAYER_HEADER, player)
        .json(&serde_json::json!({ "level_id": LEVEL_ID, "session_public_key": public_key }))
        .send()
        .await
        .unwrap();
    let (status, body) = answer(response).await;
    assert_eq!(status, 200, "ticket: {body}");
    Ticket { body, key }
}

/// Plays the ticket's session with a random bot (seeded by `bot_seed`) and proves the result.
pub fn play_ticket(player: &str, ticket: &Ticket, bot_seed: u64) -> Session {
    play_ticket_claiming(player, ticket, bot_seed, |score| score)
}

/// Like [`play_ticket`], but the proof claims `claim(real score)`.
pub fn play_ticket_claiming(
    player: &str,
    ticket: &Ticket,
    bot_seed: u64,
    claim: impl Fn(u32) -> u32,
) -> Session {
    let level = test_level();
    let recording = play_bot(&level, ticket_seed(ticket), Pacing::INSTANT, bot_seed);
    let claimed_score = claim(recording.outcome.score);
    prove(player, ticket, &recording, claimed_score)
}

/// Moves a game needs before the risk signals measure its timing.
pub const TIMED_MOVES_MIN: usize = 8;

/// Plays the ticket's session with the random bot at `pacing` and proves it. The random bot
/// sometimes meets the level's target in a few moves, so bot seeds from `bot_seed` on are tried
/// until a game has [`TIMED_MOVES_MIN`] moves.
pub fn play_ticket_paced(player: &str, ticket: &Ticket, pacing: Pacing, bot_seed: u64) -> Session {
    let level = test_level();
    let seed = ticket_seed(ticket);
    let recording = (bot_seed..bot_seed + 100)
        .map(|bot_seed| play_bot(&level, seed, pacing, bot_seed))
        .find(|recording| recording.inputs.len() >= TIMED_MOVES_MIN)
        .expect("a game long enough to be timed");
    prove(player, ticket, &recording, recording.outcome.score)
}

/// `player` takes a ticket, plays it as [`play_ticket_paced`] does and submits the proof.
pub async fn play_paced(
    server: &Server,
    player: &str,
    pacing: Pacing,
    bot_seed: u64,
) -> (u16, Value) {
    let ticket = ticket(&server.client, &server.base, player).await;
    let session = play_ticket_paced(player, &ticket, pacing, bot_seed);
    submit(&server.client, &server.base, &session).await
}

fn ticket_seed(ticket: &Ticket) -> u64 {
    ticket.body["seed"].as_str().unwrap().parse().unwrap()
}

fn play_bot(level: &Level, seed: u64, pacing: Pacing, bot_seed: u64) -> Recording {
    play_random(level, seed, pacing, bot_seed).expect("the bot plays legally")
}

/// The signed proof of `recording` on `ticket`, claiming `claimed_score`.
fn prove(player: &str, ticket: &Ticket, recording: &Recording, claimed_score: u32) -> Session {
    let body = ProofBody {
        ticket: hex_decode(ticket.body["ticket_hex"].as_str().unwrap()),
        inputs: recording.inputs.clone(),
        claimed_score,
        final_tick: recording.outcome.ticks,
        final_hash: recording.outcome.final_hash,
        checkpoint_hashes: Vec::new(),
    };
    Session {
        player: player.to_string(),
        session_id: ticket.body["session_id"].as_str().unwrap().to_string(),
        proof: ticket.key.sign_proof(&body).expect("the proof encodes"),
        score: recording.outcome.score,
    }
}

/// A ticket, a game and its proof, for dev player `player`.
pub async fn session(client: &reqwest::Client, base: &str, player: &str, bot_seed: u64) -> Session {
    let ticket = ticket(client, base, player).await;
    play_ticket(player, &ticket, bot_seed)
}

pub async fn submit(client: &reqwest::Client, base: &str, session: &Session) -> (u16, Value) {
    submit_bytes(client, base, &session.player, session.proof.clone()).await
}

pub async fn submit_bytes(
    client: &reqwest::Client,
    base: &str,
    player: &str,
    proof: Vec<u8>,
) -> (u16, Value) {
    let response = client
        .post(format!("{base}/v1/proofs"))
        .header(http::DEV_PLAYER_HEADER, player)
        .header("content-type", "application/octet-stream")
        .body(proof)
        .send()
        .await
        .unwrap();
    answer(response).await
}

pub async fn balance(client: &reqwest::Client, base: &str, player: &str) -> Value {
    let response = client
        .get(format!("{base}/v1/balance"))
        .header(http::DEV_PLAYER_HEADER, player)
        .send()
        .await
        .unwrap();
    let (status, body) = answer(response).await;
    assert_eq!(status, 200, "balance: {body}");
    body
}

/// Asserts that every ledger invariant holds, listing what broke otherwise.
pub fn assert_ledger_ok(report: &LedgerReport) {
    assert!(
        report.is_ok(),
        "ledger check failed:\n{}",
        report.problems.join("\n")
    );
}

/// `player` asks to withdraw `amount_fen` under the idempotency key `key`.
pub async fn withdraw(server: &Server, player: &str, amount_fen: i64, key: &str) -> (u16, Value) {
    let response = server
        .client
        .post(format!("{}/v1/withdrawals", server.base))
        .header(http::DEV_PLAYER_HEADER, player)
        .header("idempotency-key", key)
        .json(&serde_json::json!({ "amount_fen": amount_fen }))
        .send()
        .await
        .unwrap();
    answer(response).await
}

/// An operator's POST to `path`, with the operator token.
pub async fn operator(server: &Server, path: &str) -> (u16, Value) {
    operator_as(server, OPERATOR_TOKEN, path).await
}

/// A POST to `path` by the operator holding `token`.
pub async fn operator_as(server: &Server, token: &str, path: &str) -> (u16, Value) {
    let response = server
        .client
        .post(format!("{}{path}", server.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    answer(response).await
}

/// Writes `text` to `path` with the Unix permission `mode` (keys: 0600 private, 0644 public).
pub fn write_file(path: &Path, text: &str, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A port free on 127.0.0.1 now: the service's address, told to a payment stand-in before the
/// service starts (its notify URLs carry it).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[derive(Parser)]
struct ServeRail {
    #[command(flatten)]
    rail: RailArgs,
}

/// `serve`'s payout-rail options from `arguments`, parsed as its command line parses them.
pub fn rail_args<S: AsRef<str>>(arguments: &[S]) -> RailArgs {
    let line = std::iter::once("serve").chain(arguments.iter().map(AsRef::as_ref));
    ServeRail::try_parse_from(line).unwrap().rail
}
