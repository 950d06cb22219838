//! The Alipay rail end to end against the loopback gateway stand-in (`playproof-paysim`), which
//! checks the service's RSA2 request signatures and signs its responses and notifications: a
//! transfer numbered by the withdrawal id settles on its verified answer or notification;
//! unknown outcomes are queried, never re-numbered; forged or mismatched notifications change
//! nothing.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use playproof_paysim::alipay::{AlipayConfig, AlipayFaults, AlipaySim};
use playproof_server::clock::SystemClock;
use playproof_server::rails::alipay::AlipayProvider;
use playproof_server::rails::outbox::{Outbox, OutboxConfig};
use playproof_server::rails::{reconcile, Credentials, RailKind};
use playproof_server::ratelimit::RateLimit;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::RsaPrivateKey;
use serde_json::{json, Value};

const APP_ID: &str = "2021000000000000";
const CALL_TIMEOUT: Duration = Duration::from_millis(1_500);

async fn withdraw(server: &Server, amount_fen: i64, key: &str) -> String {
    let response = server
        .client
        .post(format!("{}/v1/withdrawals", server.base))
        .header(DEV_PLAYER_HEADER, "mona")
        .header("idempotency-key", key)
        .json(&json!({ "amount_fen": amount_fen }))
        .send()
        .await
        .unwrap();
    let (status, body) = answer(response).await;
    assert_eq!(status, 201, "{body}");
    body["withdrawal_id"].as_str().unwrap().to_string()
}

async fn state(server: &Server, id: &str) -> Value {
    let response = server
        .client
        .get(format!("{}/v1/withdrawals/{id}", server.base))
        .header(DEV_PLAYER_HEADER, "mona")
        .send()
        .await
        .unwrap();
    answer(response).await.1
}

async fn until_state(server: &Server, id: &str, expected: &str) {
    for _ in 0..100 {
        if state(server, id).await["state"] == expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{id} never reached {expected}: {}", state(server, id).await);
}

async fn notify(server: &Server, body: Vec<u8>) -> String {
    server
        .client
        .post(format!("{}/v1/payouts/alipay/notify", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

on_both_stores!(an_alipay_transfer_settles_on_its_verified_answer_or_notification_once);
async fn an_alipay_transfer_settles_on_its_verified_answer_or_notification_once(backend: Backend) {
    let database = Database::new(&backend);
    let keys = TempDir::new("alipay-rail");
    let app = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    let app_key = keys.0.join("app_private_key.pem");
    write_file(&app_key, &app.to_pkcs8_pem(LineEnding::LF).unwrap(), 0o600);
    let sim = AlipaySim::start(
        AlipayConfig {
            app_id: APP_ID.into(),
            app_key: app.to_public_key(),
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let alipay_key = keys.0.join("alipay_public_key.pem");
    let pem = sim
        .alipay_public_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap();
    write_file(&alipay_key, &pem, 0o644);
    let port = free_port();
    let rail = rail_args(&[
        "--payout-rail=alipay".to_string(),
        format!("--alipay-app-id={APP_ID}"),
        format!("--alipay-key={}", app_key.display()),
        format!("--alipay-public-key={}", alipay_key.display()),
        format!("--alipay-gateway={}", sim.gateway),
        format!("--payout-notify-base=http://127.0.0.1:{port}"),
    ])
    .load(10, None, None)
    .unwrap();
    let Credentials::Alipay(credentials) = rail.credentials.clone() else {
        unreachable!("the alipay rail loads Alipay credentials")
    };
    let options = Options {
        withdrawal_min_fen: 10,
        payout_rail: Some(rail),
        listen_port: Some(port),
        ..Options::default()
    };
    let server = Server::start(&database, options).await;
    let store = server.service.store().clone();
    let mut outbox = Outbox::new(
        store.clone(),
        RailKind::Alipay,
        Arc::new(AlipayProvider::new(credentials, CALL_TIMEOUT).unwrap()),
        Arc::new(SystemClock),
        OutboxConfig {
            calls: RateLimit {
                per_s: 1_000.0,
                burst: 1_000,
            },
            poll_interval_ms: 50,
            requery_after_ms: 0,
        },
    );
    for bot_seed in 0..6 {
        let session = session(&server.client, &server.base, "mona", bot_seed).await;
        assert_eq!(submit(&server.client, &server.base, &session).await.0, 200);
    }
    let earned = 6 * PAYOUT_FEN;

    // A direct transfer succeeds in its answer.
    let direct = withdraw(&server, 30, "direct").await;
    outbox.pass().await.unwrap();
    assert_eq!(state(&server, &direct).await["state"], "succeeded");
    let order = sim.order(&direct).unwrap();
    assert_eq!((order.amount_fen, order.payee.as_str()), (30, "dev-mona"));

    // Outcomes that come later arrive as signed notifications, duplicated here.
    sim.set_faults(AlipayFaults {
        defer_outcome: true,
        duplicate: 1,
        ..AlipayFaults::default()
    });
    let later = withdraw(&server, 20, "later").await;
    let failing = withdraw(&server, 15, "failing").await;
    outbox.pass().await.unwrap();
    assert_eq!(state(&server, &later).await["state"], "submitted");

    // Forged and mismatched notifications change nothing.
    let mut success = sim.order_view(&later).unwrap();
    success["status"] = json!("SUCCESS");
    let forger = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    assert_eq!(
        notify(&server, sim.signed_notification(&success, Some(&forger))).await,
        "fail"
    );
    let mut wrong_amount = success.clone();
    wrong_amount["trans_amount"] = json!("20.00");
    assert_eq!(
        notify(&server, sim.signed_notification(&wrong_amount, None)).await,
        "fail"
    );
    let mut tampered = sim.signed_notification(&success, None);
    let at = tampered.len() / 2;
    tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
    assert_eq!(notify(&server, tampered).await, "fail");
    assert_eq!(state(&server, &later).await["state"], "submitted");

    assert!(sim.complete(&later).await);
    until_state(&server, &later, "succeeded").await;
    assert!(sim.fail(&failing).await);
    until_state(&server, &failing, "failed").await;
    assert!(sim.resend(&failing).await);

    // A transfer whose answer never came is queried, not sent again under a new number.
    sim.set_faults(AlipayFaults {
        hang_after_create_ms: 3_000,
        ..AlipayFaults::default()
    });
    let unknown = withdraw(&server, 10, "unknown").await;
    let summary = outbox.pass().await.unwrap();
    assert_eq!(summary.unknown, 1);
    sim.set_faults(AlipayFaults::default());
    tokio::time::sleep(Duration::from_millis(600)).await;
    outbox.pass().await.unwrap();
    assert_eq!(state(&server, &unknown).await["state"], "succeeded");

    // A definite refusal fails the withdrawal and returns the money.
    sim.set_faults(AlipayFaults {
        refuse_creates: Some("PAYEE_NOT_EXIST".into()),
        ..AlipayFaults::default()
    });
    let refused = withdraw(&server, 10, "refused").await;
    outbox.pass().await.unwrap();
    assert_eq!(state(&server, &refused).await["state"], "failed");

    assert_eq!(sim.orders_created(), 4);
    assert_eq!(
        store.account_balance("settled").await.unwrap(),
        30 + 20 + 10
    );

    // An Alipay transfer has no confirmation step to cancel before.
    let response = server
        .client
        .post(format!("{}/v1/withdrawals/{direct}/cancel", server.base))
        .header(DEV_PLAYER_HEADER, "mona")
        .send()
        .await
        .unwrap();
    let (status, body) = answer(response).await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "withdrawal_not_cancellable")
    );

    // Reconciliation against Alipay's account statement: it agrees; a tampered copy (a paid
    // transfer removed, another's amount changed, a transfer the ledger never made) is listed.
    let today = store
        .withdrawals_requested_between(RailKind::Alipay, 0, i64::MAX)
        .await
        .unwrap();
    let statement = sim.statement_csv();
    assert_eq!(
        reconcile::compare(
            &today,
            &reconcile::read_alipay_statement(&statement).unwrap()
        ),
        vec![]
    );
    let tampered: String = statement
        .lines()
        .filter(|line| !line.contains(&direct))
        .map(|line| line.replace(",-0.20,", ",-0.21,") + "\n")
        .chain(std::iter::once(
            "00000000000000000099\t,x\t,wforeign\t,,2026-01-01 00:00:00,z\t,,-0.50,,,转账,\n"
                .to_string(),
        ))
        .collect();
    let differences: Vec<String> = reconcile::compare(
        &today,
        &reconcile::read_alipay_statement(&tampered).unwrap(),
    )
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(
        differences,
        vec![
            format!("{direct}: succeeded in the ledger; the provider does not report it"),
            format!("{later}: 20 fen in the ledger, 21 fen at the provider"),
            "wforeign: the provider reports 50 fen; the ledger has no such withdrawal".to_string(),
        ]
    );
    let balance_end = balance(&server.client, &server.base, "mona").await;
    assert_eq!(balance_end["balance_fen"], earned - 60);
    assert_eq!(balance_end["pending_withdrawal_fen"], 0);
    assert_ledger_ok(&server.check_ledger().await);
    server.stop().await;
}
