//! Starting the service from command-line options: shared by the `playproof-server` binary and
//! `playproof serve`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::auth::{Authenticator, DevAuthenticator, WeChatAuthenticator, WECHAT_API_BASE};
use crate::check::{LevelCatalogue, ProofCheck};
use crate::clock::SystemClock;
use crate::http::{self, HttpOptions, READY_WAIT_MS_DEFAULT};
use crate::logging::LogFormat;
use crate::metrics::Metrics;
use crate::operator::roster::Roster;
use crate::payout::PayoutBook;
use crate::ratelimit::{RateLimit, AUTH_FAILURE_RATE_DEFAULT};
use crate::risk::RiskPolicy;
use crate::secrets::{KeyFile, LoadedRing};
use crate::service::{
    Service, ServiceConfig, ADDRESS_RATE_DEFAULT, DAILY_CAP_FEN_DEFAULT, PLAYER_RATE_DEFAULT,
    UTC_OFFSET_MINUTES_DEFAULT, WITHDRAWAL_MIN_FEN_DEFAULT,
};
use crate::signed::SignedProofCheck;
use crate::store::{Store, StoreConfig, StoreError, WRITE_WAIT_MS_DEFAULT};
use crate::transport::{
    self, TransportLimits, BODY_READ_TIMEOUT_MS_DEFAULT, CONNECTIONS_MAX_DEFAULT,
    CONNECTIONS_PER_ADDRESS_MAX_DEFAULT, HEADER_READ_TIMEOUT_MS_DEFAULT,
    HEALTH_CONNECTIONS_RESERVED_DEFAULT, IDLE_TIMEOUT_MS_DEFAULT, REQUEST_TIMEOUT_MS_DEFAULT,
    SHUTDOWN_GRACE_MS_DEFAULT,
};
use playproof_proof::{KeyId, ServerKey};

/// Environment variable with the login-token secret (64 hex digits); shared by instances.
pub const TOKEN_SECRET_ENV: &str = "PLAYPROOF_TOKEN_SECRET";
/// Environment variable with the server's Ed25519 ticket-signing secret key (64 hex digits).
pub const TICKET_SECRET_ENV: &str = "PLAYPROOF_TICKET_SECRET";
/// Environment variable with the operator endpoints' bearer token.
pub const OPERATOR_TOKEN_ENV: &str = "PLAYPROOF_OPERATOR_TOKEN";
/// Environment variable with the WeChat app secret.
pub const WECHAT_SECRET_ENV: &str = "PLAYPROOF_WECHAT_SECRET";

#[derive(Clone, Debug, clap::Args)]
pub struct ServeArgs {
    /// Database: `sqlite:PATH` or `postgres://…`.
    #[arg(long, default_value = "sqlite:.playproof/ledger.sqlite")]
    pub db: String,
    /// PostgreSQL schema to use (created if missing).
    #[arg(long)]
    pub pg_schema: Option<String>,
    /// API address.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Prometheus metrics address (a separate port, never exposed with the API).
    #[arg(long, default_value = "127.0.0.1:9090")]
    pub metrics_listen: SocketAddr,
    /// Directory of level files.
    #[arg(long, default_value = "assets/levels")]
    pub levels: PathBuf,
    /// Directory of payout tables and campaigns.json.
    #[arg(long, default_value = "assets/payouts")]
    pub payouts: PathBuf,
    /// Ticket key ring file (`playproof keys new|rotate|retire`): its issuing key signs new
    /// tickets, its other active keys still verify, so a rotation rejects no game in flight.
    /// Must be mode 0600. Without it, one key from PLAYPROOF_TICKET_SECRET with `--key-id`.
    #[arg(long, value_name = "FILE")]
    pub keys: Option<PathBuf>,
    /// Operator roster (`playproof operators add|remove`): each operator's name and the SHA-256
    /// of their token, so every decision is recorded with who made it. PLAYPROOF_OPERATOR_TOKEN
    /// adds one more operator, named `operator`. With neither, the operator endpoints are off.
    #[arg(long, value_name = "FILE")]
    pub operators: Option<PathBuf>,
    /// Id of the single ticket-signing key from PLAYPROOF_TICKET_SECRET (without `--keys`).
    #[arg(long, default_value_t = 1)]
    pub key_id: u32,
    /// Plausibility policy (JSON; see playproof-proof's `PlausibilityPolicy`). Default: the
    /// verifier's defaults.
    #[arg(long, value_name = "FILE")]
    pub plausibility: Option<PathBuf>,
    /// Risk policy (JSON; `docs/RISK.md`): signal weights, decision thresholds, one open ticket
    /// per player. Default: the shipped `assets/risk/policy.json`, built in.
    #[arg(long, value_name = "FILE")]
    pub risk_policy: Option<PathBuf>,
    /// Serve static files (the playable web page) from this directory.
    #[arg(long = "static", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,
    /// The operator's responsible-play policy (break reminders, quiet hours), a JSON file.
    #[arg(long, value_name = "FILE")]
    pub play_policy: Option<PathBuf>,
    /// Local development: dev login, the dev identity header and CORS from any origin.
    #[arg(long)]
    pub dev: bool,
    /// WeChat mini-game app id; enables WeChat login (secret from PLAYPROOF_WECHAT_SECRET).
    #[arg(long)]
    pub wechat_app_id: Option<String>,
    #[arg(long, default_value = WECHAT_API_BASE)]
    pub wechat_base_url: String,
    #[arg(long, default_value_t = DAILY_CAP_FEN_DEFAULT)]
    pub daily_cap_fen: i64,
    #[arg(long, default_value_t = WITHDRAWAL_MIN_FEN_DEFAULT)]
    pub withdrawal_min_fen: i64,
    /// The earning day starts at local midnight this many minutes east of UTC.
    #[arg(long, default_value_t = UTC_OFFSET_MINUTES_DEFAULT, allow_hyphen_values = true)]
    pub utc_offset_minutes: i32,
    #[arg(long, default_value_t = PLAYER_RATE_DEFAULT.per_s)]
    pub player_rate_per_s: f64,
    #[arg(long, default_value_t = PLAYER_RATE_DEFAULT.burst)]
    pub player_burst: u32,
    #[arg(long, default_value_t = ADDRESS_RATE_DEFAULT.per_s)]
    pub address_rate_per_s: f64,
    #[arg(long, default_value_t = ADDRESS_RATE_DEFAULT.burst)]
    pub address_burst: u32,
    /// Failed authentications (wrong token, credential or operator token) allowed per address:
    /// sustained rate and burst. Past them the address is refused with 429.
    #[arg(long, default_value_t = AUTH_FAILURE_RATE_DEFAULT.per_s)]
    pub auth_failure_rate_per_s: f64,
    #[arg(long, default_value_t = AUTH_FAILURE_RATE_DEFAULT.burst)]
    pub auth_failure_burst: u32,
    /// A request's head must arrive within this (also after a kept-alive response).
    #[arg(long, default_value_t = HEADER_READ_TIMEOUT_MS_DEFAULT)]
    pub header_read_timeout_ms: u64,
    /// A request's body must arrive within this of its head.
    #[arg(long, default_value_t = BODY_READ_TIMEOUT_MS_DEFAULT)]
    pub body_read_timeout_ms: u64,
    /// A connection with nothing in flight that moves no byte for this long is closed.
    #[arg(long, default_value_t = IDLE_TIMEOUT_MS_DEFAULT)]
    pub idle_timeout_ms: u64,
    /// A whole request (body, verification, ledger write) must finish within this.
    #[arg(long, default_value_t = REQUEST_TIMEOUT_MS_DEFAULT)]
    pub request_timeout_ms: u64,
    /// Connections served the whole API; lowered to fit the open-file limit.
    #[arg(long, default_value_t = CONNECTIONS_MAX_DEFAULT)]
    pub connections_max: usize,
    /// Connections one client address may hold; past it, its new connections are closed.
    #[arg(long, default_value_t = CONNECTIONS_PER_ADDRESS_MAX_DEFAULT)]
    pub connections_per_address_max: usize,
    /// Connections past the cap that still get the health endpoints.
    #[arg(long, default_value_t = HEALTH_CONNECTIONS_RESERVED_DEFAULT)]
    pub health_connections_reserved: usize,
    /// On SIGTERM or Ctrl-C, in-flight requests get this long to finish.
    #[arg(long, default_value_t = SHUTDOWN_GRACE_MS_DEFAULT)]
    pub shutdown_grace_ms: u64,
    /// A ledger write that has not committed within this is answered 503 `storage_timeout`.
    #[arg(long, default_value_t = WRITE_WAIT_MS_DEFAULT)]
    pub write_wait_ms: u64,
    /// `/health/ready` answers 503 when the writer cannot commit within this.
    #[arg(long, default_value_t = READY_WAIT_MS_DEFAULT)]
    pub ready_wait_ms: u64,
    /// Log format on standard error (default: PLAYPROOF_LOG_FORMAT, else text); the filter is
    /// PLAYPROOF_LOG (e.g. `info`, `playproof_server=debug`).
    #[arg(long, value_enum)]
    pub log_format: Option<LogFormat>,
    /// How withdrawals are paid (`--payout-rail`) and that rail's limits and credentials.
    #[command(flatten)]
    pub rail: crate::rails::RailArgs,
}

impl ServeArgs {
    /// The transport bounds from the options, the cap lowered to fit the open-file limit.
    fn transport_limits(&self) -> Result<TransportLimits, RunError> {
        let millis = |name: &str, value: u64| {
            if value == 0 {
                Err(RunError::Config(format!("--{name} must be at least 1 ms")))
            } else {
                Ok(Duration::from_millis(value))
            }
        };
        if self.connections_max == 0 || self.connections_per_address_max == 0 {
            return Err(RunError::Config(
                "--connections-max and --connections-per-address-max must be at least 1".into(),
            ));
        }
        let mut connections_max = self.connections_max;
        if let Some(fits) =
            transport::connections_max_for_open_files(self.health_connections_reserved)
        {
            if fits < connections_max {
                tracing::warn!(
                    connections_max,
                    fits,
                    "the open-file limit is too low for --connections-max; lowering the cap"
                );
                connections_max = fits;
            }
        }
        Ok(TransportLimits {
            header_read: millis("header-read-timeout-ms", self.header_read_timeout_ms)?,
            body_read: millis("body-read-timeout-ms", self.body_read_timeout_ms)?,
            idle: millis("idle-timeout-ms", self.idle_timeout_ms)?,
            request: millis("request-timeout-ms", self.request_timeout_ms)?,
            connections_max,
            health_connections_reserved: self.health_connections_reserved,
            connections_per_address_max: self.connections_per_address_max,
            shutdown_grace: millis("shutdown-grace-ms", self.shutdown_grace_ms)?,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("configuration: {0}")]
    Config(String),
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Payouts(#[from] crate::payout::PayoutError),
    #[error(transparent)]
    Levels(#[from] crate::check::CatalogueError),
    #[error(transparent)]
    Verifier(#[from] crate::signed::SignedCheckError),
    #[error(transparent)]
    Secret(#[from] crate::secrets::SecretError),
    #[error(transparent)]
    Logging(#[from] crate::logging::LoggingError),
    #[error(transparent)]
    RiskPolicy(#[from] crate::risk::PolicyError),
    #[error(transparent)]
    PlayPolicy(#[from] crate::play_policy::PlayPolicyError),
    #[error(transparent)]
    Operators(#[from] crate::operator::roster::RosterError),
}

/// The shipped risk policy, `serve`'s default.
pub const RISK_POLICY_DEFAULT: &str = include_str!("../../assets/risk/policy.json");

/// The operator roster from `--operators`, plus the holder of `PLAYPROOF_OPERATOR_TOKEN`.
fn operators(args: &ServeArgs) -> Result<Roster, RunError> {
    let token = std::env::var(OPERATOR_TOKEN_ENV)
        .ok()
        .filter(|token| !token.is_empty());
    if let Some(token) = &token {
        crate::secrets::check_operator_token(token)
            .map_err(|problem| RunError::Config(format!("{OPERATOR_TOKEN_ENV}: {problem}")))?;
    }
    let roster = match &args.operators {
        Some(path) => Roster::load(path)?,
        None => Roster::default(),
    };
    Ok(match token {
        Some(token) => roster.with_sole(&token)?,
        None => roster,
    })
}

fn secret(env: &str, dev: bool) -> Result<([u8; 32], bool), RunError> {
    match std::env::var(env) {
        Ok(hex) => {
            let secret = crate::secrets::parse_secret(&hex)
                .map_err(|problem| RunError::Config(format!("{env}: {problem}")))?;
            Ok((secret, false))
        }
        Err(_) if dev => {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes)
                .map_err(|error| RunError::Config(format!("no OS randomness: {error}")))?;
            Ok((bytes, true))
        }
        Err(_) => Err(RunError::Config(format!(
            "{env} is not set (64 hex digits; only --dev makes one up)"
        ))),
    }
}

/// The ticket key ring: from `--keys`, or one key from the environment.
fn ticket_keys(args: &ServeArgs) -> Result<LoadedRing, RunError> {
    if let Some(path) = &args.keys {
        if std::env::var_os(TICKET_SECRET_ENV).is_some() {
            return Err(RunError::Config(format!(
                "both --keys and {TICKET_SECRET_ENV} are given; use one"
            )));
        }
        return Ok(KeyFile::load(path)?.ring(path)?);
    }
    let (ticket_secret, made_up) = secret(TICKET_SECRET_ENV, args.dev)?;
    if made_up {
        eprintln!("warning: {TICKET_SECRET_ENV} not set; tickets issued now fail after a restart");
    }
    Ok(LoadedRing {
        signing_key: ServerKey::from_secret(KeyId(args.key_id), ticket_secret),
        other_keys: Vec::new(),
    })
}

/// A service built from options, with its listeners bound but not yet serving.
pub struct Prepared {
    pub service: Arc<Service>,
    pub api: TcpListener,
    pub metrics: TcpListener,
    pub http: HttpOptions,
}

impl Prepared {
    pub fn api_addr(&self) -> std::io::Result<SocketAddr> {
        self.api.local_addr()
    }

    /// Serves the API and the metrics until `shutdown` completes.
    pub async fn serve(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), RunError> {
        let router = http::router(self.service.clone(), &self.http);
        let metrics = http::metrics_router(self.service.metrics().clone());
        let metrics_task = tokio::spawn(async move { axum::serve(self.metrics, metrics).await });
        let served = http::serve_with(
            self.api,
            router,
            self.http.transport,
            self.service.metrics().clone(),
            shutdown,
        )
        .await;
        metrics_task.abort();
        served.map_err(|source| RunError::Io {
            what: "serving HTTP".into(),
            source,
        })
    }
}

/// Loads everything the options name, opens the store and binds the listeners. Messages for the
/// operator go to standard error; `listening on …` lines go to standard output.
pub async fn prepare(args: &ServeArgs) -> Result<Prepared, RunError> {
    let levels = LevelCatalogue::load_dir(&args.levels)?;
    let payouts = PayoutBook::load_dir(&args.payouts)?;
    for table in payouts.tables() {
        if levels.get(&table.level_id).is_none() {
            eprintln!(
                "warning: payout table for level {:?}, which is not served",
                table.level_id
            );
        }
    }
    let ring = ticket_keys(args)?;
    let (token_secret, _) = secret(TOKEN_SECRET_ENV, args.dev)?;
    let policy = match &args.plausibility {
        None => playproof_proof::PlausibilityPolicy::default(),
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|source| RunError::Io {
                what: format!("reading {}", path.display()),
                source,
            })?;
            playproof_proof::PlausibilityPolicy::from_json(&bytes)
                .map_err(|error| RunError::Config(format!("{}: {error}", path.display())))?
        }
    };
    let check: Arc<dyn ProofCheck> = Arc::new(SignedProofCheck::new(
        ring.signing_key,
        &ring.other_keys,
        &levels,
        policy,
    )?);
    let mut config = ServiceConfig::new(token_secret);
    config.risk = Arc::new(match &args.risk_policy {
        None => RiskPolicy::from_json("assets/risk/policy.json", RISK_POLICY_DEFAULT.as_bytes())?,
        Some(path) => RiskPolicy::load(path)?,
    });
    config.rules.daily_cap_fen = args.daily_cap_fen;
    config.rules.withdrawal_min_fen = args.withdrawal_min_fen;
    config.utc_offset_minutes = args.utc_offset_minutes;
    if let Some(path) = &args.play_policy {
        config.play_policy = crate::play_policy::PlayPolicy::load(path)?;
        // Play is counted from the ticket records, which the one-open-ticket rule keeps.
        if config.play_policy.daily_play_minutes.is_some()
            && !config.risk.tickets.one_open_per_player
        {
            return Err(RunError::Config(format!(
                "{}: daily_play_minutes counts play from ticket records, which the risk policy \
                 keeps only with tickets.one_open_per_player; turn it on in --risk-policy",
                path.display()
            )));
        }
    }
    config.player_rate = RateLimit {
        per_s: args.player_rate_per_s,
        burst: args.player_burst,
    };
    config.address_rate = RateLimit {
        per_s: args.address_rate_per_s,
        burst: args.address_burst,
    };
    config.dev_identity_header = args.dev;
    config.operators = operators(args)?;
    if args.daily_cap_fen < 0 || args.withdrawal_min_fen < 1 {
        return Err(RunError::Config(
            "--daily-cap-fen must be >= 0 and --withdrawal-min-fen >= 1".into(),
        ));
    }
    if !(args.player_rate_per_s > 0.0
        && args.address_rate_per_s > 0.0
        && args.auth_failure_rate_per_s > 0.0)
    {
        return Err(RunError::Config("rate limits must be positive".into()));
    }
    config.payout_rail = args
        .rail
        .load(
            args.withdrawal_min_fen,
            args.wechat_app_id.as_deref(),
            std::env::var(crate::rails::config::WECHAT_PAY_APIV3_KEY_ENV)
                .ok()
                .as_deref(),
        )
        .map_err(|error| RunError::Config(error.to_string()))?;
    let mut authenticators: Vec<Arc<dyn Authenticator>> = Vec::new();
    if args.dev {
        authenticators.push(Arc::new(DevAuthenticator));
    }
    if let Some(app_id) = &args.wechat_app_id {
        let app_secret = std::env::var(WECHAT_SECRET_ENV)
            .map_err(|_| RunError::Config(format!("--wechat-app-id needs {WECHAT_SECRET_ENV}")))?;
        let wechat = WeChatAuthenticator::new(&args.wechat_base_url, app_id, &app_secret)
            .map_err(|error| RunError::Config(error.to_string()))?;
        authenticators.push(Arc::new(wechat));
    }
    if let Some(parent) = args
        .db
        .strip_prefix("sqlite:")
        .and_then(|path| std::path::Path::new(path).parent())
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(|source| RunError::Io {
            what: format!("creating {}", parent.display()),
            source,
        })?;
    }
    refuse_database_under_static(&args.db, args.static_dir.as_deref())?;
    let transport = args.transport_limits()?;
    if args.write_wait_ms == 0 || args.ready_wait_ms == 0 {
        return Err(RunError::Config(
            "--write-wait-ms and --ready-wait-ms must be at least 1".into(),
        ));
    }
    let metrics = Arc::new(Metrics::default());
    let store_config = StoreConfig {
        url: args.db.clone(),
        postgres_schema: args.pg_schema.clone(),
    };
    let mut store = Store::open(&store_config, config.rules, metrics.clone()).await?;
    store.set_write_wait(Duration::from_millis(args.write_wait_ms));
    let service = Arc::new(Service::new(
        store,
        check,
        Arc::new(payouts),
        config,
        Arc::new(SystemClock),
        metrics,
        authenticators,
    ));
    service
        .fund_initial_campaigns()
        .await
        .map_err(|error| RunError::Config(format!("funding campaigns: {error}")))?;
    crate::rails::outbox::spawn_for(&service).map_err(RunError::Config)?;
    let bind = |address: SocketAddr| async move {
        TcpListener::bind(address)
            .await
            .map_err(|source| RunError::Io {
                what: format!("binding {address}"),
                source,
            })
    };
    let api = bind(args.listen).await?;
    let metrics = bind(args.metrics_listen).await?;
    Ok(Prepared {
        service,
        api,
        metrics,
        http: HttpOptions {
            static_dir: args.static_dir.clone(),
            cors_any_origin: args.dev,
            transport,
            auth_failure_rate: RateLimit {
                per_s: args.auth_failure_rate_per_s,
                burst: args.auth_failure_burst,
            },
            ready_wait: Duration::from_millis(args.ready_wait_ms),
        },
    })
}

/// A SQLite database inside the static directory would be served to anyone who asks: refuse
/// to start. (The static handler also serves page files only; this catches the mistake early.)
fn refuse_database_under_static(
    db: &str,
    static_dir: Option<&std::path::Path>,
) -> Result<(), RunError> {
    let (Some(path), Some(static_dir)) = (db.strip_prefix("sqlite:"), static_dir) else {
        return Ok(());
    };
    let path = std::path::Path::new(path.split('?').next().unwrap_or(path));
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    let database_dir = std::fs::canonicalize(parent.unwrap_or(std::path::Path::new(".")));
    let static_dir_real = std::fs::canonicalize(static_dir);
    if let (Ok(database_dir), Ok(static_dir_real)) = (database_dir, static_dir_real) {
        if database_dir.starts_with(&static_dir_real) {
            return Err(RunError::Config(format!(
                "the database {} is inside --static {}; it would be served",
                path.display(),
                static_dir.display()
            )));
        }
    }
    Ok(())
}

/// Runs the service until Ctrl-C or SIGTERM, logging to standard error.
pub async fn run(args: &ServeArgs) -> Result<(), RunError> {
    crate::logging::init(crate::logging::format_from(args.log_format)?)?;
    let prepared = prepare(args).await?;
    let api = prepared.api.local_addr().map_err(|source| RunError::Io {
        what: "reading the API address".into(),
        source,
    })?;
    let metrics = prepared
        .metrics
        .local_addr()
        .map_err(|source| RunError::Io {
            what: "reading the metrics address".into(),
            source,
        })?;
    println!("listening on http://{api}");
    println!("metrics on http://{metrics}/metrics");
    tracing::info!(%api, %metrics, "serving");
    let served = prepared.serve(shutdown_signal()).await;
    tracing::info!("stopped");
    served
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
        tracing::info!("shutting down: finishing in-flight requests");
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
