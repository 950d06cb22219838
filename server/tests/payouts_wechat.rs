//! The WeChat Pay rail end to end against the loopback stand-in (`playproof-paysim`), which
//! checks the service's request signatures and signs and encrypts its own answers and
//! notifications: a withdrawal is created as a bill numbered by its id, waits for the player,
//! and settles only on a verified outcome; faults (timeouts after creating, refusals,
//! duplicates, reordering, forgeries, stale and tampered notifications, expiry) change nothing
//! they should not.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use playproof_paysim::clock::SimClock;
use playproof_paysim::wechat::{Faults, WechatConfig, WechatSim};
use playproof_server::clock::SystemClock;
use playproof_server::rails::outbox::{Outbox, OutboxConfig, PassSummary};
use playproof_server::rails::wechat::WechatProvider;
use playproof_server::rails::{reconcile, Credentials, RailConfig, RailKind};
use playproof_server::ratelimit::RateLimit;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::RsaPrivateKey;
use serde_json::{json, Value};

const MCHID: &str = "1900000109";
const MERCHANT_SERIAL: &str = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
const PLATFORM_KEY_ID: &str = "PUB_KEY_ID_0000000000000024101100397200000006";
const APIV3_KEY: &str = "0123456789abcdef0123456789abcdef";
/// The service's call timeout in these tests: short, so a hung create is seen quickly.
const CALL_TIMEOUT: Duration = Duration::from_millis(1_500);

/// A service on the WeChat rail, the stand-in it pays through, and its outbox.
struct Rig {
    server: Server,
    sim: WechatSim,
    outbox: Outbox,
    /// A second client, as `playproof ledger reconcile --query` makes.
    query_provider: WechatProvider,
    _keys: TempDir,
}

async fn rig(database: &Database) -> Rig {
    let keys = TempDir::new("wechat-rail");
    let merchant = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    let merchant_key = keys.0.join("apiclient_key.pem");
    write_file(
        &merchant_key,
        &merchant.to_pkcs8_pem(LineEnding::LF).unwrap(),
        0o600,
    );
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
    let platform_key = keys.0.join("pub_key.pem");
    let platform_pem = sim
        .platform_public_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap();
    write_file(&platform_key, &platform_pem, 0o644);
    let port = free_port();
    let arguments = [
        "--payout-rail=wechat".to_string(),
        format!("--wechat-pay-mchid={MCHID}"),
        format!("--wechat-pay-app-id={WECHAT_APP_ID}"),
        format!("--wechat-pay-key={}", merchant_key.display()),
        format!("--wechat-pay-serial={MERCHANT_SERIAL}"),
        format!("--wechat-pay-public-key={}", platform_key.display()),
        format!("--wechat-pay-public-key-id={PLATFORM_KEY_ID}"),
        format!("--wechat-pay-base-url={}", sim.base_url),
        format!("--payout-notify-base=http://127.0.0.1:{port}"),
    ];
    let rail: RailConfig = rail_args(&arguments)
        .load(10, None, Some(APIV3_KEY))
        .unwrap();
    let Credentials::Wechat(credentials) = rail.credentials.clone() else {
        unreachable!("the wechat rail loads WeChat credentials")
    };
    let options = Options {
        withdrawal_min_fen: 10,
        payout_rail: Some(rail),
        listen_port: Some(port),
        ..Options::default()
    };
    let server = Server::start(database, options).await;
    let query_provider =
        WechatProvider::new(credentials.clone(), Arc::new(SystemClock), CALL_TIMEOUT).unwrap();
    let provider = WechatProvider::new(credentials, Arc::new(SystemClock), CALL_TIMEOUT).unwrap();
    let outbox = Outbox::new(
        server.service.store().clone(),
        RailKind::Wechat,
        Arc::new(provider),
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
    Rig {
        server,
        sim,
        outbox,
        query_provider,
        _keys: keys,
    }
}

async fn withdraw(server: &Server, player: &str, amount_fen: i64, key: &str) -> String {
    let response = server
        .client
        .post(format!("{}/v1/withdrawals", server.base))
        .header(DEV_PLAYER_HEADER, player)
        .header("idempotency-key", key)
        .json(&json!({ "amount_fen": amount_fen }))
        .send()
        .await
        .unwrap();
    let (status, body) = answer(response).await;
    assert_eq!(status, 201, "{body}");
    body["withdrawal_id"].as_str().unwrap().to_string()
}

async fn state(server: &Server, player: &str, id: &str) -> Value {
    let response = server
        .client
        .get(format!("{}/v1/withdrawals/{id}", server.base))
        .header(DEV_PLAYER_HEADER, player)
        .send()
        .await
        .unwrap();
    let (status, body) = answer(response).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Waits (bounded) until the withdrawal reaches `expected`, which a notification brings.
async fn until_state(server: &Server, player: &str, id: &str, expected: &str) -> Value {
    for _ in 0..100 {
        let body = state(server, player, id).await;
        if body["state"] == expected {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "{id} never reached {expected}: {}",
        state(server, player, id).await
    );
}

async fn earn(server: &Server, player: &str, games: u64) -> i64 {
    for bot_seed in 0..games {
        let session = session(&server.client, &server.base, player, bot_seed).await;
        assert_eq!(submit(&server.client, &server.base, &session).await.0, 200);
    }
    games as i64 * PAYOUT_FEN
}

async fn notify(server: &Server, headers: &[(String, String)], body: Vec<u8>) -> u16 {
    let mut request = server
        .client
        .post(format!("{}/v1/payouts/wechat/notify", server.base))
        .header("content-type", "application/json")
        .body(body);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    request.send().await.unwrap().status().as_u16()
}

on_both_stores!(a_wechat_withdrawal_waits_for_the_player_and_settles_on_the_verified_notification);
async fn a_wechat_withdrawal_waits_for_the_player_and_settles_on_the_verified_notification(
    backend: Backend,
) {
    let database = Database::new(&backend);
    let mut rig = rig(&database).await;
    let (server, sim) = (&rig.server, rig.sim.clone());
    let store = server.service.store().clone();
    let earned = earn(server, "hana", 4).await;
    let id = withdraw(server, "hana", 30, "w1").await;

    let summary = rig.outbox.pass().await.unwrap();
    assert_eq!(
        summary,
        PassSummary {
            calls: 1,
            advanced: 1,
            unknown: 0,
            rate_limited: false
        }
    );
    // The bill is numbered by the withdrawal id and waits for the player's confirmation.
    let bill = sim.bill(&id).expect("the stand-in has the bill");
    assert_eq!((bill.amount_fen, bill.openid.as_str()), (30, "dev-hana"));
    let waiting = state(server, "hana", &id).await;
    assert_eq!(
        (waiting["state"].as_str(), waiting["status"].as_str()),
        (Some("awaiting_confirmation"), Some("pending"))
    );
    let transitions = store.withdrawal_transitions(&id).await.unwrap();
    assert_eq!(
        transitions.last().unwrap().fields["package_info"],
        json!(bill.package_info)
    );
    // What the client hands to wx.requestMerchantTransfer.
    assert_eq!(
        waiting["confirmation"],
        json!({ "mch_id": MCHID, "app_id": WECHAT_APP_ID, "package": bill.package_info })
    );
    // Querying while the player has not confirmed changes nothing.
    rig.outbox.pass().await.unwrap();
    assert_eq!(store.account_balance("settled").await.unwrap(), 0);

    // The player confirms; WeChat Pay notifies; the money leaves the ledger once.
    sim.set_faults(Faults {
        duplicate: 2,
        ..Faults::default()
    });
    assert!(sim.confirm(&id).await);
    let paid = until_state(server, "hana", &id, "succeeded").await;
    assert_eq!(paid["status"], "paid");
    assert!(paid.get("confirmation").is_none());
    assert!(sim.resend(&id).await);
    rig.outbox.pass().await.unwrap();
    assert_eq!(store.account_balance("settled").await.unwrap(), 30);
    let settled = store.withdrawal_transitions(&id).await.unwrap();
    let last = settled.last().unwrap();
    assert_eq!(
        (last.source.as_str(), last.provider_state.as_deref()),
        ("callback", Some("SUCCESS"))
    );
    assert_eq!(last.payload_sha256.as_ref().map(String::len), Some(64));

    // A failed transfer and an expired bill return the money, once each.
    sim.set_faults(Faults::default());
    let failing = withdraw(server, "hana", 20, "w2").await;
    let expiring = withdraw(server, "hana", 15, "w3").await;
    rig.outbox.pass().await.unwrap();
    assert!(sim.fail(&failing, "ACCOUNT_FROZEN").await);
    until_state(server, "hana", &failing, "failed").await;
    sim.advance_clock(24 * 60 * 60 * 1000 + 1).await;
    until_state(server, "hana", &expiring, "expired").await;
    assert!(sim.resend(&failing).await);
    rig.outbox.pass().await.unwrap();

    assert_eq!(sim.bills_created(), 3);

    // Reconciliation: the day's withdrawals agree with the queries and the statement; a
    // statement missing a paid bill, or reporting another amount, is listed.
    let today = store
        .withdrawals_requested_between(RailKind::Wechat, 0, i64::MAX)
        .await
        .unwrap();
    assert_eq!(today.len(), 3);
    let queried = reconcile::query_all(&rig.query_provider, &today)
        .await
        .unwrap();
    assert_eq!(reconcile::compare(&today, &queried), vec![]);
    let statement = reconcile::read_wechat_statement(&sim.statement_csv()).unwrap();
    assert_eq!(reconcile::compare(&today, &statement), vec![]);
    let tampered: String = sim
        .statement_csv()
        .lines()
        .filter(|line| !line.contains(&id))
        .map(|line| line.replace("`0.20,", "`0.21,") + "\n")
        .collect();
    let differences: Vec<String> = reconcile::compare(
        &today,
        &reconcile::read_wechat_statement(&tampered).unwrap(),
    )
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(
        differences,
        vec![
            format!("{id}: succeeded in the ledger; the provider does not report it"),
            format!("{failing}: 20 fen in the ledger, 21 fen at the provider"),
        ]
    );
    let balance_end = balance(&server.client, &server.base, "hana").await;
    assert_eq!(balance_end["balance_fen"], earned - 30);
    assert_eq!(balance_end["pending_withdrawal_fen"], 0);
    assert_ledger_ok(&server.check_ledger().await);
    rig.server.stop().await;
}

on_both_stores!(forged_stale_tampered_and_reordered_notifications_change_nothing);
async fn forged_stale_tampered_and_reordered_notifications_change_nothing(backend: Backend) {
    let database = Database::new(&backend);
    let mut rig = rig(&database).await;
    let (server, sim) = (&rig.server, rig.sim.clone());
    let store = server.service.store().clone();
    earn(server, "ivan", 2).await;
    let id = withdraw(server, "ivan", 40, "w1").await;
    rig.outbox.pass().await.unwrap();
    let mut success = sim.bill_resource(&id).unwrap();
    success["state"] = json!("SUCCESS");
    let now_s = playproof_paysim::unix_s_now();

    // Signed by another key under WeChat Pay's key id: refused.
    let forger = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    let (_, body) = sim.signed_notification(&success, now_s);
    let forged = playproof_paysim::wechat::sign_answer(&forger, PLATFORM_KEY_ID, now_s, &body);
    assert_eq!(notify(server, &forged, body).await, 401);
    // Genuine but ten minutes old (a replay): refused.
    let (stale, body) = sim.signed_notification(&success, now_s - 600);
    assert_eq!(notify(server, &stale, body).await, 401);
    // Genuine signature, another key id: refused.
    let (mut other_serial, body) = sim.signed_notification(&success, now_s);
    other_serial[0].1 = "PUB_KEY_ID_OTHER".into();
    assert_eq!(notify(server, &other_serial, body).await, 401);
    // Genuine signature over a body changed after signing: refused.
    let (signed, mut body) = sim.signed_notification(&success, now_s);
    let last = body.len() - 2;
    body[last] ^= 1;
    assert_eq!(notify(server, &signed, body).await, 401);
    // Authentic, but about another amount than the withdrawal's: refused.
    let mut wrong_amount = success.clone();
    wrong_amount["transfer_amount"] = json!(4_000);
    let (signed, body) = sim.signed_notification(&wrong_amount, now_s);
    assert_eq!(notify(server, &signed, body).await, 401);
    // Authentic, about a bill that is not ours: refused.
    let mut unknown = success.clone();
    unknown["out_bill_no"] = json!("w_not_ours");
    let (signed, body) = sim.signed_notification(&unknown, now_s);
    assert_eq!(notify(server, &signed, body).await, 401);
    let still = state(server, "ivan", &id).await;
    assert_eq!(still["state"], "awaiting_confirmation");
    assert_eq!(store.account_balance("settled").await.unwrap(), 0);

    // Reordered: the outcome and then a stale "waiting" view; the outcome stands.
    sim.set_faults(Faults {
        reorder: true,
        ..Faults::default()
    });
    assert!(sim.confirm(&id).await);
    let waiting = sim.bill_resource(&id).map(|mut view| {
        view["state"] = json!("WAIT_USER_CONFIRM");
        view
    });
    let (signed, body) = sim.signed_notification(&waiting.unwrap(), now_s);
    // A non-terminal view is received (204) but moves nothing backwards.
    sim.release_held().await;
    until_state(server, "ivan", &id, "succeeded").await;
    assert_eq!(notify(server, &signed, body).await, 204);
    assert_eq!(state(server, "ivan", &id).await["state"], "succeeded");
    assert_eq!(store.account_balance("settled").await.unwrap(), 40);
    assert_ledger_ok(&server.check_ledger().await);
    rig.server.stop().await;
}

on_both_stores!(an_unknown_create_outcome_is_resolved_by_querying_never_by_a_new_bill);
async fn an_unknown_create_outcome_is_resolved_by_querying_never_by_a_new_bill(backend: Backend) {
    let database = Database::new(&backend);
    let mut rig = rig(&database).await;
    let (server, sim) = (&rig.server, rig.sim.clone());
    earn(server, "jade", 4).await;

    // The stand-in makes the bill and then answers nothing: the outcome is unknown.
    sim.set_faults(Faults {
        hang_after_create_ms: 3_000,
        ..Faults::default()
    });
    let id = withdraw(server, "jade", 25, "w1").await;
    let summary = rig.outbox.pass().await.unwrap();
    assert_eq!((summary.calls, summary.unknown), (1, 1));
    assert_eq!(state(server, "jade", &id).await["state"], "submitted");
    assert!(sim.bill(&id).is_some());

    // Provider down: still unknown, backing off; nothing is recorded.
    sim.set_faults(Faults {
        unavailable: true,
        ..Faults::default()
    });
    tokio::time::sleep(Duration::from_millis(600)).await;
    let summary = rig.outbox.pass().await.unwrap();
    assert_eq!(summary.unknown, 1);

    // Back: the next due pass queries the same bill and finds it waiting.
    sim.set_faults(Faults::default());
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    rig.outbox.pass().await.unwrap();
    assert_eq!(
        state(server, "jade", &id).await["state"],
        "awaiting_confirmation"
    );
    assert_eq!(sim.bills_created(), 1);

    // A definite refusal of the create fails the withdrawal and returns the money.
    sim.set_faults(Faults {
        refuse_creates: Some("NO_AUTH".into()),
        ..Faults::default()
    });
    let refused = withdraw(server, "jade", 20, "w2").await;
    rig.outbox.pass().await.unwrap();
    let failed = state(server, "jade", &refused).await;
    assert_eq!(
        (failed["state"].as_str(), failed["status"].as_str()),
        (Some("failed"), Some("failed"))
    );
    assert!(sim.bill(&refused).is_none());
    let balance_end = balance(&server.client, &server.base, "jade").await;
    assert_eq!(balance_end["pending_withdrawal_fen"], 25);
    assert_ledger_ok(&server.check_ledger().await);
    rig.server.stop().await;
}

on_both_stores!(a_lost_notification_is_made_up_for_by_the_outboxs_query);
async fn a_lost_notification_is_made_up_for_by_the_outboxs_query(backend: Backend) {
    let database = Database::new(&backend);
    let mut rig = rig(&database).await;
    let (server, sim) = (&rig.server, rig.sim.clone());
    earn(server, "nora", 2).await;
    let id = withdraw(server, "nora", 50, "w1").await;
    rig.outbox.pass().await.unwrap();
    // Every notification is lost, and the stand-in answers slowly.
    sim.set_faults(Faults {
        drop: true,
        delay_ms: 200,
        ..Faults::default()
    });
    assert!(sim.confirm(&id).await);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        state(server, "nora", &id).await["state"],
        "awaiting_confirmation"
    );
    let summary = rig.outbox.pass().await.unwrap();
    assert_eq!((summary.calls, summary.advanced), (1, 1));
    let paid = state(server, "nora", &id).await;
    assert_eq!(
        (paid["state"].as_str(), paid["status"].as_str()),
        (Some("succeeded"), Some("paid"))
    );
    let last = server
        .service
        .store()
        .withdrawal_transitions(&id)
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(last.source, "query");
    assert_ledger_ok(&server.check_ledger().await);
    rig.server.stop().await;
}

async fn cancel(server: &Server, player: &str, id: &str) -> (u16, Value) {
    let response = server
        .client
        .post(format!("{}/v1/withdrawals/{id}/cancel", server.base))
        .header(DEV_PLAYER_HEADER, player)
        .send()
        .await
        .unwrap();
    answer(response).await
}

on_both_stores!(a_player_cancels_an_unconfirmed_wechat_withdrawal_and_the_money_returns_once);
async fn a_player_cancels_an_unconfirmed_wechat_withdrawal_and_the_money_returns_once(
    backend: Backend,
) {
    let database = Database::new(&backend);
    let mut rig = rig(&database).await;
    let (server, sim) = (&rig.server, rig.sim.clone());
    let store = server.service.store().clone();
    let earned = earn(server, "ines", 4).await;

    // Waiting for the player: the cancel is accepted (202), sent by the outbox, and WeChat Pay's
    // CANCELLED returns the money. Asking again changes nothing.
    let waiting = withdraw(server, "ines", 30, "c1").await;
    rig.outbox.pass().await.unwrap();
    assert_eq!(sim.bill(&waiting).unwrap().state, "WAIT_USER_CONFIRM");
    let (status, body) = cancel(server, "ines", &waiting).await;
    assert_eq!(
        (status, body["state"].as_str()),
        (202, Some("awaiting_confirmation"))
    );
    assert_eq!(cancel(server, "ines", &waiting).await.0, 202);
    rig.outbox.pass().await.unwrap();
    let cancelled = until_state(server, "ines", &waiting, "cancelled").await;
    assert_eq!(cancelled["status"], "failed");
    assert_eq!(sim.bill(&waiting).unwrap().state, "CANCELLED");
    // The player can no longer confirm it; repeats of everything move nothing.
    assert!(!sim.confirm(&waiting).await);
    assert!(sim.resend(&waiting).await);
    rig.outbox.pass().await.unwrap();
    let (status, body) = cancel(server, "ines", &waiting).await;
    assert_eq!((status, body["state"].as_str()), (200, Some("cancelled")));
    let transitions = store.withdrawal_transitions(&waiting).await.unwrap();
    let last = transitions.last().unwrap();
    assert_eq!(
        (last.state.as_str(), last.provider_state.as_deref()),
        ("cancelled", Some("CANCELLED"))
    );

    // Before the bill was created: no bill is ever made.
    let early = withdraw(server, "ines", 20, "c2").await;
    assert_eq!(cancel(server, "ines", &early).await.0, 202);
    rig.outbox.pass().await.unwrap();
    until_state(server, "ines", &early, "cancelled").await;
    assert!(sim.bill(&early).is_none());

    // Paid, or someone else's: refused with a stable code.
    let paid = withdraw(server, "ines", 15, "c3").await;
    rig.outbox.pass().await.unwrap();
    assert!(sim.confirm(&paid).await);
    until_state(server, "ines", &paid, "succeeded").await;
    let (status, body) = cancel(server, "ines", &paid).await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "withdrawal_not_cancellable")
    );
    let (status, body) = cancel(server, "someone-else", &waiting).await;
    assert_eq!((status, error_code(&body)), (404, "withdrawal_not_found"));

    assert_eq!(sim.bills_created(), 2);
    let balance_end = balance(&server.client, &server.base, "ines").await;
    assert_eq!(balance_end["balance_fen"], earned - 15);
    assert_eq!(balance_end["pending_withdrawal_fen"], 0);
    assert_eq!(store.account_balance("settled").await.unwrap(), 15);
    let today = store
        .withdrawals_requested_between(RailKind::Wechat, 0, i64::MAX)
        .await
        .unwrap();
    let queried = reconcile::query_all(&rig.query_provider, &today)
        .await
        .unwrap();
    assert_eq!(reconcile::compare(&today, &queried), vec![]);
    assert_ledger_ok(&server.check_ledger().await);
    rig.server.stop().await;
}

on_both_stores!(a_cancel_racing_the_players_confirmation_is_decided_by_wechat_pay);
async fn a_cancel_racing_the_players_confirmation_is_decided_by_wechat_pay(backend: Backend) {
    let database = Database::new(&backend);
    let mut rig = rig(&database).await;
    let (server, sim) = (&rig.server, rig.sim.clone());
    let store = server.service.store().clone();
    let earned = earn(server, "jon", 12).await;

    // Confirmed just before the cancel arrived (its notification not yet here): WeChat Pay
    // refuses the cancel, the query finds SUCCESS, and nothing is returned.
    sim.set_faults(Faults {
        drop: true,
        ..Faults::default()
    });
    let confirmed = withdraw(server, "jon", 30, "r1").await;
    rig.outbox.pass().await.unwrap();
    assert!(sim.confirm(&confirmed).await);
    assert_eq!(cancel(server, "jon", &confirmed).await.0, 202);
    rig.outbox.pass().await.unwrap();
    assert_eq!(state(server, "jon", &confirmed).await["state"], "succeeded");
    sim.set_faults(Faults::default());

    // Confirmation and cancellation at the same moment, bill by bill: whichever WeChat Pay took
    // first decides, and the ledger moves exactly as the bill ended.
    let mut racing = Vec::new();
    for n in 0..6 {
        racing.push(withdraw(server, "jon", 10 + n, &format!("race{n}")).await);
    }
    rig.outbox.pass().await.unwrap();
    for id in &racing {
        assert_eq!(cancel(server, "jon", id).await.0, 202);
    }
    // Staggered so that the outbox's cancels (one signed HTTP call each) meet confirmations
    // both before and after them.
    let confirms: Vec<_> = racing
        .iter()
        .enumerate()
        .map(|(n, id)| {
            let (sim, id) = (sim.clone(), id.clone());
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(35 * n as u64)).await;
                sim.confirm(&id).await
            })
        })
        .collect();
    rig.outbox.pass().await.unwrap();
    for confirm in confirms {
        confirm.await.unwrap();
    }
    let mut paid_fen = 30;
    for id in &racing {
        rig.outbox.pass().await.unwrap();
        let bill = sim.bill(id).unwrap();
        let expected = match bill.state.as_str() {
            "SUCCESS" => "succeeded",
            "CANCELING" | "CANCELLED" => "cancelled",
            other => panic!("{id}: the stand-in left it {other}"),
        };
        until_state(server, "jon", id, expected).await;
        if expected == "succeeded" {
            paid_fen += bill.amount_fen;
        }
    }
    assert_eq!(store.account_balance("settled").await.unwrap(), paid_fen);
    let balance_end = balance(&server.client, &server.base, "jon").await;
    assert_eq!(balance_end["balance_fen"], earned - paid_fen);
    assert_eq!(balance_end["pending_withdrawal_fen"], 0);
    assert_ledger_ok(&server.check_ledger().await);
    rig.server.stop().await;
}
