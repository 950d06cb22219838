//! The reason table, exercised whole: every [`Reason`] is produced by some real proof, and each
//! is produced by the stage it is filed under (authenticate refuses what ties to no session;
//! judge refuses what is authentic). `docs/FORMATS.md` lists the same table, compared with
//! `Reason::ALL` by the server's documentation test.

mod common;

use std::collections::BTreeMap;

use common::*;
use game_core::{Input, SESSION_TICKS_MAX};
use playproof_proof::{
    level_hash, KeyId, KeyStatus, Keyring, LevelCatalogue, MemorySessionStore, PlausibilityPolicy,
    Reason, ServerKey, Stage, TicketBody, Verdict, Verifier, PROOF_BYTES_MAX, PROOF_INPUTS_MAX,
    TICKET_BYTES_MAX,
};

/// Reasons the proof format makes unreachable through [`Verifier::verify`], with why. The
/// verifier keeps the check because game-core's replay takes logs from other callers too.
const UNREACHABLE: &[(Reason, &str)] = &[(
    Reason::InputOutOfOrder,
    "the input log codec stores tick deltas of at least 1, so ticks strictly increase and the \
     replay, which advances one tick at a time, never finds an input before its tick",
)];

/// LEB128, as the formats write lengths and counts.
fn varint(mut value: u32) -> Vec<u8> {
    let mut out = Vec::new();
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
    out
}

/// Where the embedded ticket starts inside a proof.
fn ticket_offset(session: &Session) -> usize {
    session
        .proof
        .windows(session.ticket.len())
        .position(|window| window == session.ticket.as_slice())
        .expect("the proof embeds its ticket")
}

/// `session`'s proof header (magic, version, ticket length, ticket) followed by `log_and_rest`.
fn with_input_log(session: &Session, log_and_rest: &[u8]) -> Vec<u8> {
    let start = ticket_offset(session);
    let end = start + session.ticket.len();
    [&session.proof[..end], log_and_rest].concat()
}

/// Proofs that are refused while authenticating, each with the reason it must get.
fn unauthentic(world: &World, session: &Session) -> Vec<(Reason, Vec<u8>)> {
    let proof = &session.proof;
    let ticket_at = ticket_offset(session);
    // Ticket layout: magic 4, version 1, key id 4, session id 16, then player id (length, bytes).
    let player_id_at = ticket_at + 4 + 1 + 4 + 16 + 1;
    let mut not_utf8 = proof.clone();
    not_utf8[player_id_at] = 0xff;
    // ... level id, level hash 32, seed 8, rules 2, issued 8, expires 8.
    let body = &session.ticket_body;
    let issued_at = player_id_at + body.player_id.len() + 1 + body.level_id.len() + 32 + 8 + 2;
    let mut expiry_not_after_issue = proof.clone();
    let issued: Vec<u8> = proof[issued_at..issued_at + 8].to_vec();
    expiry_not_after_issue[issued_at + 8..issued_at + 16].copy_from_slice(&issued);
    let mut version = proof.clone();
    version[4] = 2;
    let embedded_too_large =
        [b"PPPF\x01".as_slice(), &varint(TICKET_BYTES_MAX as u32 + 1)].concat();
    let retired = {
        let key = ServerKey::from_secret(KeyId(RETIRED_KEY_ID), [0x3c; 32]);
        let mut body = session.body.clone();
        body.ticket = key.issue_ticket(&session.ticket_body).expect("encodable");
        session.sign(&body)
    };
    let unknown_key = {
        let key = ServerKey::from_secret(KeyId(99), [0x5e; 32]);
        let mut body = session.body.clone();
        body.ticket = key.issue_ticket(&session.ticket_body).expect("encodable");
        session.sign(&body)
    };
    let forged_ticket = {
        let forger = ServerKey::from_secret(SERVER_KEY_ID, [0x66; 32]);
        let mut body = session.body.clone();
        body.ticket = forger
            .issue_ticket(&session.ticket_body)
            .expect("encodable");
        session.sign(&body)
    };
    // The identity point: a key of small order, which would accept forged signatures.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let weak_key = reissued(world, session, |ticket| {
        ticket.session_public_key = identity
    });
    let stranger = playproof_proof::SessionKey::from_entropy([0x99; 32]);
    vec![
        (Reason::TooLarge, vec![0; PROOF_BYTES_MAX + 1]),
        (Reason::TooLarge, embedded_too_large),
        (Reason::BadMagic, [b"PPXX".as_slice(), &proof[4..]].concat()),
        (Reason::UnsupportedFormatVersion, version),
        (Reason::Truncated, proof[..proof.len() - 1].to_vec()),
        (Reason::OverlongInteger, b"PPPF\x01\x80\x00".to_vec()),
        (Reason::OutOfBounds, b"PPPF\x01\x00".to_vec()),
        (Reason::InvalidUtf8, not_utf8),
        (Reason::ExpiryNotAfterIssue, expiry_not_after_issue),
        (Reason::TrailingBytes, [proof.as_slice(), &[0]].concat()),
        (
            Reason::TooManyInputs,
            with_input_log(session, &varint(PROOF_INPUTS_MAX + 1)),
        ),
        // One input at tick 0 with tag 0xff.
        (
            Reason::InvalidInputLog,
            with_input_log(session, &[1, 0, 0xff]),
        ),
        (Reason::UnknownKeyId, unknown_key),
        (Reason::RetiredKeyId, retired),
        (Reason::BadTicketSignature, forged_ticket),
        (Reason::InvalidSessionKey, weak_key),
        (
            Reason::BadSessionSignature,
            stranger.sign_proof(&session.body).expect("encodable"),
        ),
    ]
}

const RETIRED_KEY_ID: u32 = 3;

/// Re-issues `session`'s ticket, changed by `edit`, with the real server key.
fn reissued(world: &World, session: &Session, edit: impl FnOnce(&mut TicketBody)) -> Vec<u8> {
    let mut ticket_body = session.ticket_body.clone();
    edit(&mut ticket_body);
    let mut body = session.body.clone();
    body.ticket = world.server.issue_ticket(&ticket_body).expect("encodable");
    session.sign(&body)
}

/// A world whose key ring also holds a retired key, and a strict policy for plausibility.
fn verifier(world: &World, policy: PlausibilityPolicy) -> Verifier {
    let mut keyring = Keyring::new();
    keyring
        .add(SERVER_KEY_ID, world.server.public_key(), KeyStatus::Active)
        .unwrap();
    let retired = ServerKey::from_secret(KeyId(RETIRED_KEY_ID), [0x3c; 32]);
    keyring
        .add(retired.id(), retired.public_key(), KeyStatus::Retired)
        .unwrap();
    let mut levels = LevelCatalogue::new();
    for file in &world.levels {
        levels.insert(&file.bytes).unwrap();
    }
    Verifier::new(keyring, levels, policy)
}

/// Authentic proofs that are refused while judging, each with its reason and receipt time.
fn judged(world: &World, session: &Session) -> Vec<(Reason, Vec<u8>, u64)> {
    let at = session.submitted_at_ms;
    let edited_level = [world.levels[0].bytes.as_slice(), b" "].concat();
    let mut claims = Vec::new();
    for (reason, edit) in [
        (
            Reason::ScoreMismatch,
            (|body: &mut playproof_proof::ProofBody| body.claimed_score += 1)
                as fn(&mut playproof_proof::ProofBody),
        ),
        (Reason::FinalTickMismatch, |body| body.final_tick += 1),
        (Reason::FinalHashMismatch, |body| body.final_hash ^= 1),
        (Reason::CheckpointMismatch, |body| {
            body.checkpoint_hashes = vec![1]
        }),
        (Reason::InputRefused, |body| {
            body.inputs[0].action = game_core::Action::Swap {
                cell: game_core::Cell::new(200, 200),
                direction: game_core::Direction::Right,
            }
        }),
    ] {
        let mut body = session.body.clone();
        edit(&mut body);
        claims.push((reason, session.sign(&body), at));
    }
    // A swap left for the very last tick: the board is still resolving it when the session
    // limit is reached.
    let mut last_tick = session.body.clone();
    last_tick.inputs = vec![Input {
        tick: SESSION_TICKS_MAX,
        action: session.body.inputs[0].action,
    }];
    claims.push((
        Reason::SessionTooLong,
        session.sign(&last_tick),
        at + game_ms(SESSION_TICKS_MAX),
    ));
    let finished = world
        .levels
        .iter()
        .enumerate()
        .map(|(index, _)| world.session(index, 18))
        .find(|candidate| candidate.outcome.finished && !candidate.body.inputs.is_empty())
        .expect("some bot session reaches game over");
    let mut after_end = finished.body.clone();
    let last = *after_end.inputs.last().expect("inputs");
    after_end.inputs.push(Input {
        tick: finished.outcome.ticks + 60,
        action: last.action,
    });
    claims.push((
        Reason::InputAfterGameOver,
        finished.sign(&after_end),
        finished.submitted_at_ms + 1_000,
    ));
    claims.extend([
        (
            Reason::TicketExpired,
            session.proof.clone(),
            session.ticket_body.expires_at_ms + 1,
        ),
        (
            Reason::UnknownLevel,
            reissued(world, session, |ticket| {
                ticket.level_hash = level_hash(&edited_level)
            }),
            at,
        ),
        (
            Reason::LevelIdMismatch,
            reissued(world, session, |ticket| {
                ticket.level_id = "elsewhere".into()
            }),
            at,
        ),
        (
            Reason::UnknownRulesVersion,
            reissued(world, session, |ticket| ticket.rules_version += 1),
            at,
        ),
        (Reason::FasterThanRealTime, session.proof.clone(), 0),
    ]);
    claims
}

#[test]
fn every_reason_is_produced_by_a_real_proof_at_its_own_stage() {
    let world = World::new();
    let session = world.session(0, 40);
    let verifier = verifier(&world, PlausibilityPolicy::default());
    let mut produced: BTreeMap<Reason, usize> = BTreeMap::new();

    for (expected, proof) in unauthentic(&world, &session) {
        let rejection = verifier
            .authenticate(&proof)
            .expect_err("refused while authenticating");
        assert_eq!(rejection.reason, expected, "{rejection}");
        assert_eq!(expected.stage(), Stage::Authenticate, "{expected}");
        *produced.entry(expected).or_default() += 1;
    }

    for (expected, proof, now_ms) in judged(&world, &session) {
        let authentic = verifier.authenticate(&proof).unwrap_or_else(|rejection| {
            panic!("{expected}: authentic proofs pass the first stage, got {rejection}")
        });
        let rejection = verifier
            .judge(&authentic, now_ms)
            .expect_err("refused while judging");
        assert_eq!(rejection.reason, expected, "{rejection}");
        assert_eq!(expected.stage(), Stage::Judge, "{expected}");
        *produced.entry(expected).or_default() += 1;
    }

    // The plausibility reasons that need a policy.
    let gaps = session
        .body
        .inputs
        .windows(2)
        .map(|w| w[1].tick - w[0].tick);
    let fastest = gaps.min().expect("two inputs or more");
    let level_id = &session.ticket_body.level_id;
    for (expected, policy) in [
        (
            Reason::InputsTooFast,
            format!(
                r#"{{ "levels": {{ "{level_id}": {{ "input_interval_ticks_min": {} }} }} }}"#,
                fastest + 1
            ),
        ),
        (
            Reason::SessionOverLevelLimit,
            format!(
                r#"{{ "levels": {{ "{level_id}": {{ "session_ticks_max": {} }} }} }}"#,
                session.outcome.ticks - 1
            ),
        ),
    ] {
        let strict = verifier_with(&world, &policy);
        let authentic = strict.authenticate(&session.proof).expect("authentic");
        let rejection = strict
            .judge(&authentic, session.submitted_at_ms)
            .expect_err("implausible");
        assert_eq!(rejection.reason, expected, "{rejection}");
        *produced.entry(expected).or_default() += 1;
    }

    // Consumption, between the stages, through a session store.
    let mut store = MemorySessionStore::new();
    let first = verifier.verify(&session.proof, session.submitted_at_ms, &mut store);
    assert!(matches!(first, Ok(Verdict::Accepted(_))), "{first:?}");
    let second = verifier.verify(&session.proof, session.submitted_at_ms, &mut store);
    let Ok(Verdict::Rejected(rejection)) = second else {
        panic!("a second proof is refused: {second:?}");
    };
    assert_eq!(rejection.reason, Reason::SessionAlreadyConsumed);
    assert_eq!(rejection.reason.stage(), Stage::Consume);
    *produced.entry(rejection.reason).or_default() += 1;

    for (reason, why) in UNREACHABLE {
        assert!(
            !produced.contains_key(reason),
            "{reason} is reachable after all"
        );
        assert!(!why.is_empty());
    }
    let missing: Vec<_> = Reason::ALL
        .into_iter()
        .filter(|reason| !produced.contains_key(reason))
        .filter(|reason| {
            !UNREACHABLE
                .iter()
                .any(|(unreachable, _)| unreachable == reason)
        })
        .map(Reason::code)
        .collect();
    assert!(missing.is_empty(), "reasons no proof produced: {missing:?}");
}

fn verifier_with(world: &World, policy: &str) -> Verifier {
    verifier(
        world,
        PlausibilityPolicy::from_json(policy.as_bytes()).expect("a valid policy"),
    )
}

#[test]
fn an_expired_ticket_is_authentic_so_its_proof_consumes_the_session() {
    let world = World::new();
    let session = world.session(0, 41);
    let late = session.ticket_body.expires_at_ms + 1;
    let mut store = MemorySessionStore::new();
    let verdict = world.verifier.verify(&session.proof, late, &mut store);
    assert_eq!(code(&verdict.unwrap()), "ticket_expired");
    assert!(store.is_consumed(session.ticket_body.session_id));
}

#[test]
fn a_proof_refused_while_authenticating_leaves_its_session_open() {
    let world = World::new();
    let session = world.session(0, 42);
    let mut store = MemorySessionStore::new();
    let stranger = playproof_proof::SessionKey::from_entropy([0x42; 32]);
    let forged = stranger.sign_proof(&session.body).expect("encodable");
    let verdict = world
        .verifier
        .verify(&forged, session.submitted_at_ms, &mut store);
    assert_eq!(code(&verdict.unwrap()), "bad_session_signature");
    assert!(!store.is_consumed(session.ticket_body.session_id));
    // The owner's own proof is still judged.
    let verdict = world
        .verifier
        .verify(&session.proof, session.submitted_at_ms, &mut store);
    assert_eq!(code(&verdict.unwrap()), "accepted");
}

/// Every 13th single-bit flip of a real proof, over its whole length: none gets past
/// authentication, so a mutated copy of someone's proof can never consume their session.
#[test]
fn no_bit_flip_of_a_proof_passes_authentication() {
    let world = World::new();
    let session = world.session(0, 43);
    let bits = session.proof.len() * 8;
    let mut tried = 0;
    for bit in (0..bits).step_by(13) {
        let mut flipped = session.proof.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        let rejection = world
            .verifier
            .authenticate(&flipped)
            .expect_err("a flipped proof is not authentic");
        assert_eq!(
            rejection.reason.stage(),
            Stage::Authenticate,
            "bit {bit}: {rejection}"
        );
        tried += 1;
    }
    assert!(tried > 100, "{tried} flips");
    assert!(world.verifier.authenticate(&session.proof).is_ok());
}
