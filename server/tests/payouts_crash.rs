//! The service binary on the WeChat rail, SIGKILLed at each step of a withdrawal's walk and
//! restarted on the same data (including just after a cancellation was asked for, and after
//! WeChat Pay cancelled the bill): no bill is created twice, no money is lost or returned twice,
//! and `ledger check` passes. The stand-in (`playproof-paysim`) lives in the test process, so
//! it outlives each kill like the real provider would.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use playproof_paysim::clock::SimClock;
use playproof_paysim::wechat::{Faults, WechatConfig, WechatSim};
use playproof_server::store::{LedgerRules, Store, StoreConfig};
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::RsaPrivateKey;
use serde_json::{json, Value};

const MCHID: &str = "1900000109";
const MERCHANT_SERIAL: &str = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
const PLATFORM_KEY_ID: &str = "PUB_KEY_ID_0000000000000024101100397200000006";
const APIV3_KEY: &str = "0123456789abcdef0123456789abcdef";
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// The outbox polls once a second: a step it must take is waited for this long at most.
const STEP_TIMEOUT: Duration = Duration::from_secs(30);

struct Process(Child);

impl Process {
    /// Whether the process ended by itself within `STEP_TIMEOUT`.
    fn exits(&mut self) -> bool {
        let started = std::time::Instant::now();
        while started.elapsed() < STEP_TIMEOUT {
            if self.0.try_wait().unwrap().is_some() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// SIGKILL: no shutdown code runs.
    fn kill(mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Level, payout table and a lenient plausibility policy for the binary, and the rail's keys.
struct Files {
    dir: TempDir,
}

impl Files {
    fn new(merchant: &RsaPrivateKey, sim: &WechatSim) -> Files {
        let dir = TempDir::new("payout-crash");
        std::fs::create_dir_all(dir.0.join("levels")).unwrap();
        std::fs::create_dir_all(dir.0.join("payouts")).unwrap();
        std::fs::write(dir.0.join("levels/test-level.json"), level_file()).unwrap();
        let table = json!({
            "level_id": LEVEL_ID, "basis": "score",
            "tiers": [{ "at_least": 0, "payout_fen": PAYOUT_FEN }], "pays_on_loss": true
        });
        std::fs::write(dir.0.join("payouts/test-level.json"), table.to_string()).unwrap();
        let policy = serde_json::to_string(&lenient_plausibility()).unwrap();
        std::fs::write(dir.0.join("plausibility.json"), policy).unwrap();
        let risk = serde_json::to_string(&playproof_server::risk::RiskPolicy::pay_all()).unwrap();
        std::fs::write(dir.0.join("risk-policy.json"), risk).unwrap();
        write_file(
            &dir.0.join("apiclient_key.pem"),
            &merchant.to_pkcs8_pem(LineEnding::LF).unwrap(),
            0o600,
        );
        let platform = sim
            .platform_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap();
        write_file(&dir.0.join("pub_key.pem"), &platform, 0o644);
        Files { dir }
    }
}

fn spawn_server(
    config: &StoreConfig,
    files: &Files,
    sim: &WechatSim,
    port: u16,
) -> (Process, String) {
    spawn_server_failing_at(config, files, sim, port, None)
}

/// The server binary; with `fail_point`, it aborts when it reaches that point
/// (`rails::failpoint`, compiled into test builds only).
fn spawn_server_failing_at(
    config: &StoreConfig,
    files: &Files,
    sim: &WechatSim,
    port: u16,
    fail_point: Option<&str>,
) -> (Process, String) {
    let dir = &files.dir.0;
    let mut command = Command::new(env!("CARGO_BIN_EXE_playproof-server"));
    command
        .args(["--db", &config.url])
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--metrics-listen",
            "127.0.0.1:0",
        ])
        .arg("--levels")
        .arg(dir.join("levels"))
        .arg("--payouts")
        .arg(dir.join("payouts"))
        .arg("--plausibility")
        .arg(dir.join("plausibility.json"))
        // The bot that earns here plays like one; this test is about payouts, not risk.
        .arg("--risk-policy")
        .arg(dir.join("risk-policy.json"))
        .args(["--dev", "--withdrawal-min-fen", "10"])
        .args(["--payout-rail", "wechat", "--wechat-pay-mchid", MCHID])
        .args([
            "--wechat-pay-app-id",
            WECHAT_APP_ID,
            "--wechat-pay-serial",
            MERCHANT_SERIAL,
        ])
        .arg("--wechat-pay-key")
        .arg(dir.join("apiclient_key.pem"))
        .arg("--wechat-pay-public-key")
        .arg(dir.join("pub_key.pem"))
        .args(["--wechat-pay-public-key-id", PLATFORM_KEY_ID])
        .args(["--wechat-pay-base-url", &sim.base_url])
        .args(["--payout-notify-base", &format!("http://127.0.0.1:{port}")])
        .env("PLAYPROOF_WECHAT_PAY_APIV3_KEY", APIV3_KEY)
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
    if let Some(point) = fail_point {
        command.env("PLAYPROOF_FAIL_POINT", point);
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
    (Process(child), base)
}

async fn withdraw(client: &reqwest::Client, base: &str, amount_fen: i64, key: &str) -> String {
    let response = client
        .post(format!("{base}/v1/withdrawals"))
        .header(DEV_PLAYER_HEADER, "lena")
        .header("idempotency-key", key)
        .json(&json!({ "amount_fen": amount_fen }))
        .send()
        .await
        .unwrap();
    let (status, body) = answer(response).await;
    assert_eq!(status, 201, "{body}");
    body["withdrawal_id"].as_str().unwrap().to_string()
}

async fn state(client: &reqwest::Client, base: &str, id: &str) -> Value {
    let response = client
        .get(format!("{base}/v1/withdrawals/{id}"))
        .header(DEV_PLAYER_HEADER, "lena")
        .send()
        .await
        .unwrap();
    answer(response).await.1
}

async fn until_state(client: &reqwest::Client, base: &str, id: &str, expected: &str) {
    let started = std::time::Instant::now();
    while started.elapsed() < STEP_TIMEOUT {
        if state(client, base, id).await["state"] == expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{id} never reached {expected}: {}",
        state(client, base, id).await
    );
}

async fn cancel(client: &reqwest::Client, base: &str, id: &str) -> u16 {
    let response = client
        .post(format!("{base}/v1/withdrawals/{id}/cancel"))
        .header(DEV_PLAYER_HEADER, "lena")
        .send()
        .await
        .unwrap();
    answer(response).await.0
}

async fn until(condition: impl Fn() -> bool) {
    let started = std::time::Instant::now();
    while !condition() {
        assert!(started.elapsed() < STEP_TIMEOUT, "timed out");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The WeChat Pay stand-in, in this process so it outlives every kill, and the files the
/// server needs to pay through it.
async fn start_sim() -> (WechatSim, Files) {
    let merchant = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    let mut apiv3_key = [0u8; 32];
    apiv3_key.copy_from_slice(APIV3_KEY.as_bytes());
    let sim = WechatSim::start(
        WechatConfig {
            mchid: MCHID.into(),
            app_id: WECHAT_APP_ID.into(),
            merchant_serial: MERCHANT_SERIAL.into(),
            merchant_key: merchant.to_public_key(),
            apiv3_key,
            platform_key_id: PLATFORM_KEY_ID.into(),
        },
        Arc::new(SimClock::new()),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let files = Files::new(&merchant, &sim);
    (sim, files)
}

on_both_stores!(
    a_service_killed_at_each_step_of_a_withdrawal_creates_no_bill_twice_and_moves_money_once
);
async fn a_service_killed_at_each_step_of_a_withdrawal_creates_no_bill_twice_and_moves_money_once(
    backend: Backend,
) {
    let database = Database::new(&backend);
    let (sim, files) = start_sim().await;
    let port = free_port();
    let client = client();
    let (process, base) = spawn_server(&database.config, &files, &sim, port);
    for bot_seed in 0..8 {
        let session = session(&client, &base, "lena", bot_seed).await;
        assert_eq!(submit(&client, &base, &session).await.0, 200);
    }
    let earned = 8 * PAYOUT_FEN;

    // 1. Killed before the create call: the withdrawal is only requested.
    let before_create = withdraw(&client, &base, 30, "before-create").await;
    process.kill();
    let (process, base) = spawn_server(&database.config, &files, &sim, port);
    until_state(&client, &base, &before_create, "awaiting_confirmation").await;

    // 2. Killed after the create was sent, before its answer was stored.
    sim.set_faults(Faults {
        hang_after_create_ms: 20_000,
        ..Faults::default()
    });
    let after_send = withdraw(&client, &base, 40, "after-send").await;
    until(|| sim.bill(&after_send).is_some()).await;
    process.kill();
    sim.set_faults(Faults::default());
    let (process, base) = spawn_server(&database.config, &files, &sim, port);
    until_state(&client, &base, &after_send, "awaiting_confirmation").await;

    // 3. Killed just after a success notification was answered (and so recorded); WeChat Pay
    //    sends it again. The kill between verifying a notification and storing it is
    //    `a_service_killed_between_verifying_a_notification_and_storing_it_settles_once_after`.
    assert!(sim.confirm(&before_create).await);
    process.kill();
    let (process, base) = spawn_server(&database.config, &files, &sim, port);
    assert!(sim.resend(&before_create).await);
    until_state(&client, &base, &before_create, "succeeded").await;

    // 4. Killed during the refund of a failed transfer; the notification comes again.
    assert!(sim.fail(&after_send, "ACCOUNT_FROZEN").await);
    process.kill();
    let (process, base) = spawn_server(&database.config, &files, &sim, port);
    assert!(sim.resend(&after_send).await);
    assert!(sim.resend(&after_send).await);
    until_state(&client, &base, &after_send, "failed").await;

    // 5. Killed right after the player asked to cancel: the restarted outbox cancels the bill.
    let cancel_asked = withdraw(&client, &base, 20, "cancel-asked").await;
    until_state(&client, &base, &cancel_asked, "awaiting_confirmation").await;
    assert_eq!(cancel(&client, &base, &cancel_asked).await, 202);
    process.kill();
    let (process, base) = spawn_server(&database.config, &files, &sim, port);
    until_state(&client, &base, &cancel_asked, "cancelled").await;

    // 6. Killed after WeChat Pay cancelled the bill, its notification lost: the cancel is sent
    //    again after the restart and its answer (CANCELLED) returns the money, once.
    let cancel_sent = withdraw(&client, &base, 10, "cancel-sent").await;
    until_state(&client, &base, &cancel_sent, "awaiting_confirmation").await;
    sim.set_faults(Faults {
        drop: true,
        ..Faults::default()
    });
    assert_eq!(cancel(&client, &base, &cancel_sent).await, 202);
    until(|| {
        sim.bill(&cancel_sent)
            .is_some_and(|bill| bill.state == "CANCELLED")
    })
    .await;
    process.kill();
    let (process, base) = spawn_server(&database.config, &files, &sim, port);
    until_state(&client, &base, &cancel_sent, "cancelled").await;
    sim.set_faults(Faults::default());
    assert!(sim.resend(&cancel_sent).await);

    assert_eq!(sim.bills_created(), 4, "no bill was created twice");
    let balance_end = balance(&client, &base, "lena").await;
    assert_eq!(balance_end["balance_fen"], earned - 30);
    assert_eq!(balance_end["pending_withdrawal_fen"], 0);
    process.kill();
    let rules = LedgerRules {
        daily_cap_fen: 2_000,
        withdrawal_min_fen: 10,
    };
    let metrics = Arc::new(playproof_server::metrics::Metrics::default());
    let store = Store::open(&database.config, rules, metrics).await.unwrap();
    assert_eq!(store.account_balance("settled").await.unwrap(), 30);
    assert_ledger_ok(&store.check_ledger(None).await.unwrap());
}

on_both_stores!(
    a_service_killed_between_verifying_a_notification_and_storing_it_settles_once_after
);
async fn a_service_killed_between_verifying_a_notification_and_storing_it_settles_once_after(
    backend: Backend,
) {
    let database = Database::new(&backend);
    let (sim, files) = start_sim().await;
    let port = free_port();
    let client = client();
    let (mut process, base) = spawn_server_failing_at(
        &database.config,
        &files,
        &sim,
        port,
        Some("notification-verified"),
    );
    for bot_seed in 0..4 {
        let session = session(&client, &base, "lena", bot_seed).await;
        assert_eq!(submit(&client, &base, &session).await.0, 200);
    }
    let earned = 4 * PAYOUT_FEN;
    let id = withdraw(&client, &base, 30, "unrecorded").await;
    until_state(&client, &base, &id, "awaiting_confirmation").await;

    // The player confirms; WeChat Pay's SUCCESS arrives, verifies, and the service dies before
    // storing it: nothing was recorded.
    assert!(sim.confirm(&id).await);
    assert!(process.exits(), "the fail point ends the service");
    let rules = LedgerRules {
        daily_cap_fen: 2_000,
        withdrawal_min_fen: 10,
    };
    let metrics = Arc::new(playproof_server::metrics::Metrics::default());
    let store = Store::open(&database.config, rules, metrics).await.unwrap();
    let stored = store.withdrawal(&id).await.unwrap().unwrap();
    assert_eq!(
        (stored.state.as_str(), stored.status.as_str()),
        ("awaiting_confirmation", "pending")
    );
    assert_eq!(store.account_balance("settled").await.unwrap(), 0);

    // Restarted: WeChat Pay's retry (and the outbox's first query) settle it, once.
    let (process, base) = spawn_server(&database.config, &files, &sim, port);
    assert!(sim.resend(&id).await);
    until_state(&client, &base, &id, "succeeded").await;
    assert!(sim.resend(&id).await);
    let transitions = store.withdrawal_transitions(&id).await.unwrap();
    let states: Vec<&str> = transitions.iter().map(|t| t.state.as_str()).collect();
    assert_eq!(
        states,
        [
            "requested",
            "submitted",
            "awaiting_confirmation",
            "succeeded"
        ]
    );
    assert!(["callback", "query"].contains(&transitions[3].source.as_str()));
    let balance_end = balance(&client, &base, "lena").await;
    assert_eq!(balance_end["balance_fen"], earned - 30);
    assert_eq!(balance_end["pending_withdrawal_fen"], 0);
    process.kill();
    assert_eq!(store.account_balance("settled").await.unwrap(), 30);
    assert_eq!(sim.bills_created(), 1);
    assert_ledger_ok(&store.check_ledger(None).await.unwrap());
}
