//! Payout rails: per-rail limits checked when the player asks, the payout state machine with
//! its append-only transitions, and the ledger moving only on a terminal state, once.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use playproof_server::rails::{Evidence, PayoutState, RailConfig, RailKind, RailLimits, Source};
use playproof_server::store::{AdvanceWrite, LedgerRejection, WriteError};
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::RsaPrivateKey;
use serde_json::{json, Value};

async fn look(server: &Server, player: &str, withdrawal_id: &str) -> (u16, Value) {
    let response = server
        .client
        .get(format!("{}/v1/withdrawals/{withdrawal_id}", server.base))
        .header(DEV_PLAYER_HEADER, player)
        .send()
        .await
        .unwrap();
    answer(response).await
}

async fn earn(server: &Server, player: &str, games: u64) -> i64 {
    for bot_seed in 0..games {
        let session = session(&server.client, &server.base, player, bot_seed).await;
        assert_eq!(submit(&server.client, &server.base, &session).await.0, 200);
    }
    games as i64 * PAYOUT_FEN
}

/// A fresh RSA-2048 key pair as PEM files: the private key 0600, the public one 0644.
fn key_files(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    let private = dir.join(format!("{name}.key.pem"));
    let public = dir.join(format!("{name}.pub.pem"));
    write_file(&private, &key.to_pkcs8_pem(LineEnding::LF).unwrap(), 0o600);
    let public_pem = key
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap();
    write_file(&public, &public_pem, 0o644);
    (private, public)
}

const APIV3_KEY: &str = "0123456789abcdef0123456789abcdef";

/// The WeChat rail configured from files as `serve` would load it.
fn wechat_rail(dir: &Path) -> RailConfig {
    let (merchant_key, _) = key_files(dir, "merchant");
    let (_, platform_public) = key_files(dir, "platform");
    let merchant_key = merchant_key.to_str().unwrap();
    let platform_public = platform_public.to_str().unwrap();
    rail_args(&[
        "--payout-rail=wechat",
        "--wechat-pay-mchid=1900000109",
        "--wechat-pay-app-id=wx-test-app",
        &format!("--wechat-pay-key={merchant_key}"),
        "--wechat-pay-serial=5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
        &format!("--wechat-pay-public-key={platform_public}"),
        "--wechat-pay-public-key-id=PUB_KEY_ID_0000000000000024101100397200000006",
        "--payout-notify-base=http://127.0.0.1:9",
    ])
    .load(10, None, Some(APIV3_KEY))
    .expect("the WeChat rail loads")
}

on_both_stores!(withdrawal_limits_are_checked_when_the_player_asks);
async fn withdrawal_limits_are_checked_when_the_player_asks(backend: Backend) {
    let database = Database::new(&backend);
    let mut rail = RailConfig::manual();
    rail.limits = RailLimits {
        min_fen: 10,
        transfer_max_fen: 40,
        player_daily_max_fen: 60,
        real_name_from_fen: Some(50),
    };
    let options = Options {
        withdrawal_min_fen: 10,
        payout_rail: Some(rail),
        ..Options::default()
    };
    let server = Server::start(&database, options).await;
    let earned = earn(&server, "erin", 4).await;
    assert_eq!(earned, 100);

    let refusals = [
        (9, (422, "below_withdrawal_minimum")),
        (45, (422, "above_transfer_maximum")),
        (55, (422, "real_name_required")),
        // Over every limit and the balance: the rail's limits speak first.
        (1_000, (422, "real_name_required")),
    ];
    for (amount_fen, expected) in refusals {
        let (status, body) = withdraw(&server, "erin", amount_fen, "refused").await;
        assert_eq!((status, error_code(&body)), expected, "{amount_fen} fen");
    }
    let (status, first) = withdraw(&server, "erin", 40, "k1").await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(
        (first["rail"].as_str(), first["state"].as_str()),
        (Some("manual"), Some("requested"))
    );
    let (status, second) = withdraw(&server, "erin", 20, "k2").await;
    assert_eq!(status, 201, "{second}");
    let (status, body) = withdraw(&server, "erin", 10, "k3").await;
    assert_eq!(
        (status, error_code(&body)),
        (422, "above_daily_withdrawal_maximum")
    );

    // A failed withdrawal's money came back: it no longer counts against the day.
    let first_id = first["withdrawal_id"].as_str().unwrap();
    let (status, failed) = operator(
        &server,
        &format!("/v1/operator/withdrawals/{first_id}/failed"),
    )
    .await;
    assert_eq!((status, failed["state"].as_str()), (200, Some("failed")));
    let (status, third) = withdraw(&server, "erin", 40, "k3").await;
    assert_eq!(status, 201, "{third}");

    // The player reads their own withdrawal's state; another player's does not exist for them.
    let (status, seen) = look(&server, "erin", first_id).await;
    assert_eq!((status, seen["state"].as_str()), (200, Some("failed")));
    let (status, body) = look(&server, "frank", first_id).await;
    assert_eq!((status, error_code(&body)), (404, "withdrawal_not_found"));

    let transitions = server
        .service
        .store()
        .withdrawal_transitions(first_id)
        .await
        .unwrap();
    let walked: Vec<(PayoutState, &str)> = transitions
        .iter()
        .map(|transition| (transition.state, transition.source.as_str()))
        .collect();
    assert_eq!(
        walked,
        vec![
            (PayoutState::Requested, "request"),
            (PayoutState::Failed, "operator")
        ]
    );
    let balance_end = balance(&server.client, &server.base, "erin").await;
    assert_eq!(balance_end["balance_fen"], earned - 20 - 40);
    assert_eq!(balance_end["pending_withdrawal_fen"], 60);
    assert_ledger_ok(&server.check_ledger().await);
    server.stop().await;
}

fn report(id: &str, to: PayoutState, provider_state: &str, payload: &[u8]) -> AdvanceWrite {
    let mut fields = serde_json::Map::new();
    fields.insert("out_bill_no".into(), json!(id));
    fields.insert("state".into(), json!(provider_state));
    AdvanceWrite {
        withdrawal_id: id.to_string(),
        to,
        evidence: Evidence::of_payload(Source::Callback, payload, Some(provider_state), fields),
        now_ms: 1,
    }
}

on_both_stores!(a_provider_rails_withdrawal_settles_only_on_its_providers_report);
async fn a_provider_rails_withdrawal_settles_only_on_its_providers_report(backend: Backend) {
    let database = Database::new(&backend);
    let keys = TempDir::new("rail-keys");
    let options = Options {
        withdrawal_min_fen: 10,
        payout_rail: Some(wechat_rail(&keys.0)),
        ..Options::default()
    };
    let server = Server::start(&database, options).await;
    let store = server.service.store();
    let earned = earn(&server, "gina", 4).await;

    let (status, paid) = withdraw(&server, "gina", 30, "paid").await;
    assert_eq!(status, 201, "{paid}");
    assert_eq!(paid["rail"], "wechat");
    let paid_id = paid["withdrawal_id"].as_str().unwrap().to_string();
    // Only the provider's verified report settles a provider's withdrawal.
    let (status, body) =
        operator(&server, &format!("/v1/operator/withdrawals/{paid_id}/paid")).await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "withdrawal_on_provider_rail")
    );

    let submitted = report(
        &paid_id,
        PayoutState::Submitted,
        "ACCEPTED",
        b"{\"state\":\"ACCEPTED\"}",
    );
    assert!(store.advance_withdrawal(submitted).await.unwrap().created);
    let waiting = report(
        &paid_id,
        PayoutState::AwaitingConfirmation,
        "WAIT_USER_CONFIRM",
        b"{\"state\":\"WAIT_USER_CONFIRM\"}",
    );
    assert!(
        store
            .advance_withdrawal(waiting.clone())
            .await
            .unwrap()
            .created
    );
    // The same report twice changes nothing.
    let repeat = store.advance_withdrawal(waiting.clone()).await.unwrap();
    assert_eq!(
        (repeat.created, repeat.state.as_str()),
        (false, "awaiting_confirmation")
    );
    assert_eq!(store.account_balance("settled").await.unwrap(), 0);

    let success_payload = b"{\"state\":\"SUCCESS\"}";
    let success = report(&paid_id, PayoutState::Succeeded, "SUCCESS", success_payload);
    let settled = store.advance_withdrawal(success.clone()).await.unwrap();
    assert_eq!(
        (settled.status.as_str(), settled.state.as_str()),
        ("paid", "succeeded")
    );
    assert!(!store.advance_withdrawal(success).await.unwrap().created);
    // A late, contradicting report is refused and moves nothing.
    let late = report(
        &paid_id,
        PayoutState::Failed,
        "FAIL",
        b"{\"state\":\"FAIL\"}",
    );
    let refused = store.advance_withdrawal(late).await.unwrap_err();
    assert!(
        matches!(
            refused,
            WriteError::Rejected(LedgerRejection::TransitionRefused { .. })
        ),
        "{refused}"
    );
    // A reordered "waiting" after the outcome is refused too.
    assert!(store.advance_withdrawal(waiting).await.is_err());
    assert_eq!(store.account_balance("settled").await.unwrap(), 30);

    let transitions = store.withdrawal_transitions(&paid_id).await.unwrap();
    let states: Vec<PayoutState> = transitions
        .iter()
        .map(|transition| transition.state)
        .collect();
    assert_eq!(
        states,
        vec![
            PayoutState::Requested,
            PayoutState::Submitted,
            PayoutState::AwaitingConfirmation,
            PayoutState::Succeeded
        ]
    );
    let last = transitions.last().unwrap();
    assert_eq!(last.provider_state.as_deref(), Some("SUCCESS"));
    assert_eq!(last.fields["out_bill_no"], json!(paid_id));
    assert_eq!(
        last.payload_sha256,
        Evidence::of_payload(Source::Callback, success_payload, None, Default::default())
            .payload_sha256
    );

    // Cancelled and expired bills return the money to the player, once.
    for (key, to, provider_state) in [
        ("cancelled", PayoutState::Cancelled, "CANCELLED"),
        ("expired", PayoutState::Expired, "CANCELLED"),
    ] {
        let (status, body) = withdraw(&server, "gina", 20, key).await;
        assert_eq!(status, 201, "{body}");
        let id = body["withdrawal_id"].as_str().unwrap();
        let outcome = report(id, to, provider_state, provider_state.as_bytes());
        let returned = store.advance_withdrawal(outcome.clone()).await.unwrap();
        assert_eq!(
            (returned.status.as_str(), returned.created),
            ("failed", true)
        );
        assert!(!store.advance_withdrawal(outcome).await.unwrap().created);
    }
    let balance_end = balance(&server.client, &server.base, "gina").await;
    assert_eq!(balance_end["balance_fen"], earned - 30);
    assert_eq!(balance_end["pending_withdrawal_fen"], 0);
    assert_ledger_ok(&server.check_ledger().await);
    server.stop().await;
}

#[test]
fn rail_credentials_are_checked_at_start_up_naming_the_option_and_the_file() {
    let keys = TempDir::new("rail-credentials");
    let (merchant_key, merchant_public) = key_files(&keys.0, "merchant");
    let config = wechat_rail(&keys.0);
    assert_eq!(config.kind, RailKind::Wechat);
    assert_eq!(config.limits, RailLimits::default_for(RailKind::Wechat));

    let problem = |arguments: &[&str], apiv3_key: Option<&str>| {
        rail_args(arguments)
            .load(10, None, apiv3_key)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        problem(&["--payout-rail=paypal"], None),
        "unknown payout rail \"paypal\": expected manual, wechat or alipay"
    );
    let missing = problem(&["--payout-rail=wechat"], Some(APIV3_KEY));
    assert!(
        missing.contains("--wechat-pay-mchid is missing"),
        "{missing}"
    );

    // A private key others can read is refused, naming the option, the file and the fix.
    write_file(
        &merchant_key,
        &std::fs::read_to_string(&merchant_key).unwrap(),
        0o644,
    );
    let alipay = |key: &Path| {
        vec![
            "--payout-rail=alipay".to_string(),
            "--alipay-app-id=2021000000000000".to_string(),
            format!("--alipay-key={}", key.display()),
            format!("--alipay-public-key={}", merchant_public.display()),
            "--payout-notify-base=https://pay.example.com".to_string(),
        ]
    };
    let arguments = alipay(&merchant_key);
    let arguments: Vec<&str> = arguments.iter().map(String::as_str).collect();
    let exposed = problem(&arguments, None);
    assert!(
        exposed.starts_with("payout rail alipay: --alipay-key (")
            && exposed.contains("mode 0644")
            && exposed.contains("chmod 600"),
        "{exposed}"
    );
    // A file that is not a key says so.
    let not_a_key = keys.0.join("not-a-key.pem");
    write_file(&not_a_key, "hello", 0o600);
    let arguments = alipay(&not_a_key);
    let arguments: Vec<&str> = arguments.iter().map(String::as_str).collect();
    let bad = problem(&arguments, None);
    assert!(bad.contains("not a PEM RSA private key"), "{bad}");
    // Limits that no provider could pay are refused.
    let low = rail_args(&["--payout-rail=alipay"])
        .load(5, None, None)
        .unwrap_err()
        .to_string();
    assert!(
        low.contains("below the provider's minimum of 10 fen"),
        "{low}"
    );
}

on_both_stores!(a_hundred_concurrent_withdrawals_of_one_player_never_overdraw);
async fn a_hundred_concurrent_withdrawals_of_one_player_never_overdraw(backend: Backend) {
    let database = Database::new(&backend);
    let options = Options {
        withdrawal_min_fen: 10,
        ..Options::default()
    };
    let server = Server::start(&database, options).await;
    let earned = earn(&server, "kai", 4).await;
    let requests = (0..100).map(|index| {
        let server = &server;
        async move { withdraw(server, "kai", 10, &format!("k{index}")).await }
    });
    let answers = futures_util::future::join_all(requests).await;
    let mut counts = std::collections::BTreeMap::new();
    for (status, body) in &answers {
        let outcome = if *status == 201 {
            "created"
        } else {
            error_code(body)
        };
        *counts.entry(outcome.to_string()).or_insert(0) += 1;
    }
    let expected: std::collections::BTreeMap<String, i32> = [
        ("created".to_string(), (earned / 10) as i32),
        (
            "insufficient_balance".to_string(),
            100 - (earned / 10) as i32,
        ),
    ]
    .into();
    assert_eq!(counts, expected);
    let balance_end = balance(&server.client, &server.base, "kai").await;
    assert_eq!(balance_end["balance_fen"], 0);
    assert_eq!(balance_end["pending_withdrawal_fen"], earned);
    assert_ledger_ok(&server.check_ledger().await);
    server.stop().await;
}

async fn cancel(server: &Server, player: &str, withdrawal_id: &str) -> (u16, Value) {
    let response = server
        .client
        .post(format!(
            "{}/v1/withdrawals/{withdrawal_id}/cancel",
            server.base
        ))
        .header(DEV_PLAYER_HEADER, player)
        .send()
        .await
        .unwrap();
    answer(response).await
}

on_both_stores!(a_manual_withdrawal_is_cancelled_by_its_player_at_once_and_only_before_it_is_paid);
async fn a_manual_withdrawal_is_cancelled_by_its_player_at_once_and_only_before_it_is_paid(
    backend: Backend,
) {
    let database = Database::new(&backend);
    let options = Options {
        withdrawal_min_fen: 10,
        ..Options::default()
    };
    let server = Server::start(&database, options).await;
    let store = server.service.store();
    let earned = earn(&server, "kai", 4).await;

    let (status, body) = withdraw(&server, "kai", 30, "m1").await;
    assert_eq!(status, 201, "{body}");
    let id = body["withdrawal_id"].as_str().unwrap().to_string();
    let (status, body) = cancel(&server, "kai", &id).await;
    assert_eq!(
        (status, body["state"].as_str(), body["status"].as_str()),
        (200, Some("cancelled"), Some("failed"))
    );
    // Repeating it answers the same; the operator can no longer pay it.
    assert_eq!(cancel(&server, "kai", &id).await.1["state"], "cancelled");
    let (status, body) = operator(&server, &format!("/v1/operator/withdrawals/{id}/paid")).await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "withdrawal_already_settled")
    );
    assert_eq!(look(&server, "kai", &id).await.1["state"], "cancelled");
    let sources: Vec<(PayoutState, String)> = store
        .withdrawal_transitions(&id)
        .await
        .unwrap()
        .into_iter()
        .map(|transition| (transition.state, transition.source))
        .collect();
    assert_eq!(
        sources,
        vec![
            (PayoutState::Requested, "request".to_string()),
            (PayoutState::Cancelled, "cancel".to_string())
        ]
    );

    // Once the operator paid it, it cannot be cancelled.
    let (_, body) = withdraw(&server, "kai", 20, "m2").await;
    let paid = body["withdrawal_id"].as_str().unwrap().to_string();
    assert_eq!(
        operator(&server, &format!("/v1/operator/withdrawals/{paid}/paid"))
            .await
            .0,
        200
    );
    let (status, body) = cancel(&server, "kai", &paid).await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "withdrawal_not_cancellable")
    );

    let balance_end = balance(&server.client, &server.base, "kai").await;
    assert_eq!(balance_end["balance_fen"], earned - 20);
    assert_eq!(balance_end["pending_withdrawal_fen"], 0);
    assert_eq!(store.account_balance("settled").await.unwrap(), 20);
    assert_ledger_ok(&server.check_ledger().await);
    server.stop().await;
}

async fn open_withdrawals(server: &Server, player: &str) -> Vec<(String, String)> {
    let response = server
        .client
        .get(format!("{}/v1/withdrawals", server.base))
        .header(DEV_PLAYER_HEADER, player)
        .send()
        .await
        .unwrap();
    let (status, body) = answer(response).await;
    assert_eq!(status, 200, "{body}");
    body["withdrawals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|withdrawal| {
            (
                withdrawal["withdrawal_id"].as_str().unwrap().to_string(),
                withdrawal["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

on_both_stores!(a_player_finds_their_open_withdrawals_again_and_only_theirs);
async fn a_player_finds_their_open_withdrawals_again_and_only_theirs(backend: Backend) {
    let database = Database::new(&backend);
    let options = Options {
        withdrawal_min_fen: 10,
        ..Options::default()
    };
    let server = Server::start(&database, options).await;
    earn(&server, "kai", 2).await;
    assert_eq!(open_withdrawals(&server, "kai").await, []);
    let (_, first) = withdraw(&server, "kai", 10, "o1").await;
    let first = first["withdrawal_id"].as_str().unwrap().to_string();
    let (_, second) = withdraw(&server, "kai", 11, "o2").await;
    let second = second["withdrawal_id"].as_str().unwrap().to_string();
    let mut both = open_withdrawals(&server, "kai").await;
    both.sort();
    let mut expected = vec![
        (first.clone(), "requested".to_string()),
        (second.clone(), "requested".to_string()),
    ];
    expected.sort();
    assert_eq!(both, expected);
    assert_eq!(
        open_withdrawals(&server, "ana").await,
        [],
        "another player's"
    );
    // Paid and cancelled withdrawals are no longer open.
    let paid = format!("/v1/operator/withdrawals/{second}/paid");
    assert_eq!(operator(&server, &paid).await.0, 200);
    assert_eq!(
        open_withdrawals(&server, "kai").await,
        [(first.clone(), "requested".to_string())]
    );
    assert_eq!(cancel(&server, "kai", &first).await.0, 200);
    assert_eq!(open_withdrawals(&server, "kai").await, []);
    server.stop().await;
}
