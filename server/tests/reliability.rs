//! Exactly-once under concurrency, several instances and a killed process.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use futures_util::future::join_all;
use playproof_server::store::{Store, StoreConfig};
use tokio::sync::Semaphore;

/// Submissions of one proof at the same time.
const SAME_PROOF_COPIES: usize = 100;
/// Sessions of one player submitted at the same time against the daily cap.
const CAP_SESSIONS: usize = 50;
/// Full payouts that fit under the cap in the cap test, plus a partial one.
const CAP_FULL_PAYOUTS: i64 = 7;
const CAP_PARTIAL_FEN: i64 = 10;

on_both_stores!(the_same_proof_submitted_100_times_at_once_is_paid_once);
async fn the_same_proof_submitted_100_times_at_once_is_paid_once(backend: Backend) {
    let database = Database::new(&backend);
    let server = Server::start(&database, Options::default()).await;
    let session = session(&server.client, &server.base, "olga", 5).await;
    let answers =
        join_all((0..SAME_PROOF_COPIES).map(|_| submit(&server.client, &server.base, &session)))
            .await;
    let accepted: Vec<_> = answers
        .iter()
        .filter(|(status, _)| *status == 200)
        .collect();
    assert_eq!(accepted.len(), 1, "exactly one submission is accepted");
    assert_eq!(accepted[0].1["payout_fen"], PAYOUT_FEN);
    for (status, body) in answers.iter().filter(|(status, _)| *status != 200) {
        assert_eq!(
            (*status, error_code(body)),
            (409, "session_already_consumed"),
            "{body}"
        );
    }
    assert_eq!(
        balance(&server.client, &server.base, "olga").await["balance_fen"],
        PAYOUT_FEN
    );
    assert_eq!(server.service.store().counts().await.unwrap(), (1, 1, 0));
    assert_ledger_ok(&server.check_ledger().await);
    server.stop().await;
}

on_both_stores!(fifty_concurrent_sessions_of_one_player_never_exceed_the_daily_cap);
async fn fifty_concurrent_sessions_of_one_player_never_exceed_the_daily_cap(backend: Backend) {
    let database = Database::new(&backend);
    let cap_fen = CAP_FULL_PAYOUTS * PAYOUT_FEN + CAP_PARTIAL_FEN;
    let options = Options {
        daily_cap_fen: cap_fen,
        ..Options::default()
    };
    let server = Server::start(&database, options).await;
    let mut sessions = Vec::new();
    for bot_seed in 0..CAP_SESSIONS as u64 {
        sessions.push(session(&server.client, &server.base, "paul", bot_seed).await);
    }
    let answers = join_all(
        sessions
            .iter()
            .map(|session| submit(&server.client, &server.base, session)),
    )
    .await;
    let mut payouts = BTreeMap::<i64, usize>::new();
    for (status, receipt) in &answers {
        assert_eq!(*status, 200, "{receipt}");
        *payouts
            .entry(receipt["payout_fen"].as_i64().unwrap())
            .or_default() += 1;
    }
    let expected = BTreeMap::from([
        (0, CAP_SESSIONS - CAP_FULL_PAYOUTS as usize - 1),
        (CAP_PARTIAL_FEN, 1),
        (PAYOUT_FEN, CAP_FULL_PAYOUTS as usize),
    ]);
    assert_eq!(payouts, expected, "payouts (fen -> sessions)");
    let balance = balance(&server.client, &server.base, "paul").await;
    assert_eq!(balance["balance_fen"], cap_fen);
    assert_eq!(balance["earned_today_fen"], cap_fen);
    assert_ledger_ok(&server.check_ledger().await);
    server.stop().await;
}

on_both_stores!(two_instances_on_one_database_keep_exactly_once_under_load);
async fn two_instances_on_one_database_keep_exactly_once_under_load(backend: Backend) {
    const PLAYERS: u64 = 8;
    const SESSIONS_PER_PLAYER: u64 = 8;
    const COPIES_PER_INSTANCE: usize = 2;
    let database = Database::new(&backend);
    let first = Server::start(&database, Options::default()).await;
    let second = Server::start(&database, Options::default()).await;
    let mut sessions = Vec::new();
    for player in 0..PLAYERS {
        for bot_seed in 0..SESSIONS_PER_PLAYER {
            let name = format!("multi-{player}");
            // Tickets from either instance are good at both: they share the ticket secret.
            let base = if bot_seed % 2 == 0 {
                &first.base
            } else {
                &second.base
            };
            sessions.push(session(&first.client, base, &name, bot_seed).await);
        }
    }
    let submissions = sessions.iter().flat_map(|session| {
        [&first, &second]
            .into_iter()
            .flat_map(move |server| (0..COPIES_PER_INSTANCE).map(move |_| (server, session)))
    });
    let answers = join_all(submissions.map(|(server, session)| async move {
        (
            session.session_id.clone(),
            submit(&server.client, &server.base, session).await,
        )
    }))
    .await;
    let mut accepted = BTreeMap::<String, usize>::new();
    for (session_id, (status, body)) in &answers {
        match status {
            200 => *accepted.entry(session_id.clone()).or_default() += 1,
            409 => assert_eq!(error_code(body), "session_already_consumed"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(
        accepted.len(),
        sessions.len(),
        "every session accepted somewhere"
    );
    assert!(
        accepted.values().all(|count| *count == 1),
        "no session accepted twice"
    );
    for player in 0..PLAYERS {
        let balance = balance(&first.client, &first.base, &format!("multi-{player}")).await;
        assert_eq!(
            balance["balance_fen"],
            SESSIONS_PER_PLAYER as i64 * PAYOUT_FEN
        );
    }
    let sessions_count = (PLAYERS * SESSIONS_PER_PLAYER) as i64;
    assert_eq!(
        first.service.store().counts().await.unwrap(),
        (sessions_count, sessions_count, 0)
    );
    assert_ledger_ok(&first.check_ledger().await);
    first.stop().await;
    second.stop().await;
}

/// Proofs submitted in the crash test, and how many are acknowledged before the kill.
const CRASH_SESSIONS: usize = 5_000;
const CRASH_PLAYERS: usize = 50;
const CRASH_KILL_AFTER_ACKS: usize = 1_500;
/// After the restart, every this-many-th acknowledged proof is submitted again.
const CRASH_RECHECK_EVERY: usize = 10;
/// Requests in flight at once from the test's client.
const CRASH_CLIENTS: usize = 32;
/// Longest wait for the server process to print its address.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

struct Process {
    child: Child,
    base: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_server(config: &StoreConfig, assets: &TempDir) -> Process {
    let mut command = Command::new(env!("CARGO_BIN_EXE_playproof-server"));
    command
        .args(["--db", &config.url])
        .args(["--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"])
        .arg("--levels")
        .arg(assets.0.join("levels"))
        .arg("--payouts")
        .arg(assets.0.join("payouts"))
        .arg("--plausibility")
        .arg(assets.0.join("plausibility.json"))
        .arg("--risk-policy")
        .arg(assets.0.join("risk-policy.json"))
        .args(["--dev", "--daily-cap-fen", "100000000"])
        .args([
            "--player-rate-per-s",
            "1000000",
            "--player-burst",
            "1000000",
        ])
        .args([
            "--address-rate-per-s",
            "1000000",
            "--address-burst",
            "1000000",
        ])
        // Fixed test secrets; serve refuses a secret that is one byte value repeated.
        .env(
            "PLAYPROOF_TICKET_SECRET",
            "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
        )
        .env(
            "PLAYPROOF_TOKEN_SECRET",
            "8796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978",
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(schema) = &config.postgres_schema {
        command.args(["--pg-schema", schema]);
    }
    let mut child = command.spawn().expect("the server binary starts");
    let stdout = child.stdout.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(base) = line.strip_prefix("listening on ") {
                let _ = sender.send(base.to_string());
            }
        }
    });
    let base = receiver
        .recv_timeout(STARTUP_TIMEOUT)
        .expect("the server prints its address");
    Process { child, base }
}

fn write_assets() -> TempDir {
    let assets = TempDir::new("assets");
    std::fs::create_dir_all(assets.0.join("levels")).unwrap();
    std::fs::create_dir_all(assets.0.join("payouts")).unwrap();
    std::fs::write(assets.0.join("levels/test-level.json"), level_file()).unwrap();
    let table = serde_json::json!({
        "level_id": LEVEL_ID, "basis": "score", "tiers": [{ "at_least": 0, "payout_fen": PAYOUT_FEN }],
        "pays_on_loss": true
    });
    std::fs::write(assets.0.join("payouts/test-level.json"), table.to_string()).unwrap();
    let policy = serde_json::to_string(&lenient_plausibility()).unwrap();
    std::fs::write(assets.0.join("plausibility.json"), policy).unwrap();
    // Many tickets per player at once: the one-open-ticket rule and risk holds are not tested here.
    let risk = serde_json::to_string(&playproof_server::risk::RiskPolicy::pay_all()).unwrap();
    std::fs::write(assets.0.join("risk-policy.json"), risk).unwrap();
    assets
}

/// On SQLite, the default store, whose durability (`synchronous=FULL`, commit before answer) is
/// what a kill tests; exactly-once on PostgreSQL is the two-instance test's subject.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_killed_mid_load_keeps_every_acknowledged_payment_and_pays_nothing_twice() {
    let database = Database::new(&Backend::Sqlite);
    let assets = write_assets();
    let mut process = spawn_server(&database.config, &assets);
    let client = client();

    // Tickets from the live server, games played locally.
    let gate = Arc::new(Semaphore::new(CRASH_CLIENTS));
    let tickets = join_all((0..CRASH_SESSIONS).map(|index| {
        let (client, base, gate) = (client.clone(), process.base.clone(), gate.clone());
        async move {
            let _permit = gate.acquire().await.unwrap();
            let player = format!("crash-{}", index % CRASH_PLAYERS);
            let ticket = ticket(&client, &base, &player).await;
            (player, ticket, index as u64)
        }
    }))
    .await;
    let sessions: Vec<Session> = tokio::task::spawn_blocking(move || {
        tickets
            .iter()
            .map(|(player, ticket, bot_seed)| play_ticket(player, ticket, *bot_seed))
            .collect()
    })
    .await
    .unwrap();

    // Submit everything; kill the process once enough payments were acknowledged.
    let acknowledged = Arc::new(std::sync::Mutex::new(BTreeSet::new()));
    let killer = {
        let acknowledged = acknowledged.clone();
        let pid = process.child.id();
        tokio::spawn(async move {
            for _ in 0..6_000 {
                if acknowledged.lock().unwrap().len() >= CRASH_KILL_AFTER_ACKS {
                    // SIGKILL: no shutdown code runs.
                    let _ = Command::new("kill")
                        .args(["-KILL", &pid.to_string()])
                        .status();
                    return true;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            false
        })
    };
    let results = join_all(sessions.iter().map(|session| {
        let (client, base, gate, acknowledged) = (
            client.clone(),
            process.base.clone(),
            gate.clone(),
            acknowledged.clone(),
        );
        async move {
            let _permit = gate.acquire().await.unwrap();
            let response = client
                .post(format!("{base}/v1/proofs"))
                .header(playproof_server::http::DEV_PLAYER_HEADER, &session.player)
                .header("content-type", "application/octet-stream")
                .body(session.proof.clone())
                .send()
                .await;
            if let Ok(response) = response {
                if let Ok(body) = response.json::<serde_json::Value>().await {
                    if body["verdict"] == "accepted" {
                        assert_eq!(body["payout_fen"], PAYOUT_FEN);
                        acknowledged
                            .lock()
                            .unwrap()
                            .insert(session.session_id.clone());
                    }
                }
            }
        }
    }))
    .await;
    assert_eq!(results.len(), CRASH_SESSIONS);
    assert!(killer.await.unwrap(), "the server was killed mid-load");
    let _ = process.child.wait();
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= CRASH_KILL_AFTER_ACKS);
    assert!(
        acknowledged.len() < CRASH_SESSIONS,
        "the kill landed before the end"
    );

    // Restart on the same data. Submit again every proof not acknowledged (the client retries)
    // and every tenth acknowledged one (which must be refused with the payment it got).
    drop(process);
    let process = spawn_server(&database.config, &assets);
    let resubmitted: Vec<&Session> = sessions
        .iter()
        .enumerate()
        .filter(|(index, session)| {
            !acknowledged.contains(&session.session_id) || index % CRASH_RECHECK_EVERY == 0
        })
        .map(|(_, session)| session)
        .collect();
    let answers = join_all(resubmitted.iter().map(|session| {
        let (client, base, gate) = (client.clone(), process.base.clone(), gate.clone());
        async move {
            let _permit = gate.acquire().await.unwrap();
            (*session, submit(&client, &base, session).await)
        }
    }))
    .await;
    let mut rechecked = 0;
    for (session, (status, body)) in &answers {
        if acknowledged.contains(&session.session_id) {
            assert_eq!(
                (*status, error_code(body)),
                (409, "session_already_consumed")
            );
            assert_eq!(
                body["error"]["details"]["payout_fen"], PAYOUT_FEN,
                "kept: {body}"
            );
            rechecked += 1;
        } else {
            assert!(*status == 200 || *status == 409, "{status}: {body}");
        }
    }
    assert!(rechecked > 0);
    // Every session is now decided; each player's balance is exactly one payout per session.
    let per_player = (CRASH_SESSIONS / CRASH_PLAYERS) as i64 * PAYOUT_FEN;
    for player in 0..CRASH_PLAYERS {
        let balance = balance(&client, &process.base, &format!("crash-{player}")).await;
        assert_eq!(balance["balance_fen"], per_player, "crash-{player}");
    }
    let metrics = Arc::new(playproof_server::metrics::Metrics::default());
    let rules = playproof_server::store::LedgerRules {
        daily_cap_fen: 100_000_000,
        withdrawal_min_fen: 100,
    };
    let store = Store::open(&database.config, rules, metrics).await.unwrap();
    let sessions_count = CRASH_SESSIONS as i64;
    assert_eq!(
        store.counts().await.unwrap(),
        (sessions_count, sessions_count, 0)
    );
    let report = store.check_ledger(Some(rules.daily_cap_fen)).await.unwrap();
    assert_ledger_ok(&report);
    assert_eq!(report.paid_sessions, sessions_count);
}
