//! The verifier, one attack at a time: each is rejected with its exact reason code.

mod common;

use common::*;
use game_core::{Action, Cell, Direction, Input};
use playproof_proof::{
    level_hash, KeyId, KeyStatus, Keyring, LevelCatalogue, MemorySessionStore, PlausibilityPolicy,
    ServerKey, SessionKey, TicketBody, Verdict, Verifier,
};

#[test]
fn a_bot_session_is_accepted_with_the_replayed_result() {
    let world = World::new();
    let session = world.session(0, 1);
    let Verdict::Accepted(accepted) = world.verify(&session.proof, session.submitted_at_ms) else {
        panic!(
            "rejected: {:?}",
            world.verify(&session.proof, session.submitted_at_ms)
        );
    };
    assert_eq!(accepted.score, session.outcome.score);
    assert_eq!(accepted.stars, session.outcome.stars);
    assert_eq!(accepted.ticks, session.outcome.ticks);
    assert_eq!(accepted.level_id, session.ticket_body.level_id);
    assert_eq!(accepted.session_id, session.ticket_body.session_id);
    assert_eq!(accepted.player_id, session.ticket_body.player_id);
}

#[test]
fn a_second_proof_for_the_same_session_is_refused() {
    let world = World::new();
    let session = world.session(0, 2);
    let mut store = MemorySessionStore::new();
    let first = world
        .verifier
        .verify(&session.proof, session.submitted_at_ms, &mut store);
    assert!(first.expect("infallible store").is_accepted());
    let second = world
        .verifier
        .verify(&session.proof, session.submitted_at_ms, &mut store);
    assert_eq!(
        code(&second.expect("infallible store")),
        "session_already_consumed"
    );
}

#[test]
fn a_proof_carrying_another_sessions_ticket_is_refused() {
    let world = World::new();
    let mine = world.session(0, 3);
    let theirs = world.session(0, 4);
    // My inputs and claims, their ticket, signed with my session key.
    let mut body = mine.body.clone();
    body.ticket = theirs.ticket.clone();
    assert_eq!(
        code(&world.verify(&mine.sign(&body), mine.submitted_at_ms)),
        "bad_session_signature"
    );
}

#[test]
fn a_ticket_edited_to_name_another_player_is_refused() {
    let world = World::new();
    let session = world.session(0, 5);
    let mut ticket_body = session.ticket_body.clone();
    ticket_body.player_id = "someone-else".into();
    // The attacker cannot sign as the server, so they sign the edited ticket with their own key.
    let forger = ServerKey::from_secret(SERVER_KEY_ID, [0x66; 32]);
    let mut body = session.body.clone();
    body.ticket = forger.issue_ticket(&ticket_body).expect("encodable");
    assert_eq!(
        code(&world.verify(&session.sign(&body), session.submitted_at_ms)),
        "bad_ticket_signature"
    );
}

#[test]
fn a_claimed_score_off_by_one_is_refused() {
    let world = World::new();
    let session = world.session(0, 6);
    for delta in [1i64, -1] {
        let mut body = session.body.clone();
        body.claimed_score = (i64::from(body.claimed_score) + delta) as u32;
        assert_eq!(
            code(&world.verify(&session.sign(&body), session.submitted_at_ms)),
            "score_mismatch"
        );
    }
}

#[test]
fn a_wrong_final_tick_hash_or_checkpoint_is_refused() {
    let world = World::new();
    let session = world.session(0, 8); // even: carries checkpoints
    assert!(!session.body.checkpoint_hashes.is_empty());
    let mut tick = session.body.clone();
    tick.final_tick += 1;
    let mut hash = session.body.clone();
    hash.final_hash ^= 1;
    let mut checkpoint = session.body.clone();
    checkpoint.checkpoint_hashes[0] ^= 1;
    let mut missing = session.body.clone();
    missing.checkpoint_hashes.pop();
    for (body, expected) in [
        (tick, "final_tick_mismatch"),
        (hash, "final_hash_mismatch"),
        (checkpoint, "checkpoint_mismatch"),
        (missing, "checkpoint_mismatch"),
    ] {
        assert_eq!(
            code(&world.verify(&session.sign(&body), session.submitted_at_ms)),
            expected
        );
    }
}

#[test]
fn a_valid_game_submitted_faster_than_real_time_is_refused() {
    let world = World::new();
    let session = world.session(0, 9);
    let slack_ms = PlausibilityPolicy::default().default.clock_slack_ms;
    let game = game_ms(session.outcome.ticks);
    assert!(game > slack_ms, "the session must outlast the slack");
    // Submitted just before the game could have been played since the ticket was issued.
    let too_soon = ISSUED_AT_MS + game - slack_ms - 1;
    assert_eq!(
        code(&world.verify(&session.proof, too_soon)),
        "faster_than_real_time"
    );
    assert_eq!(
        code(&world.verify(&session.proof, too_soon + 1)),
        "accepted"
    );
}

#[test]
fn an_expired_ticket_is_refused() {
    let world = World::new();
    let session = world.session(0, 10);
    let expiry = session.ticket_body.expires_at_ms;
    assert_eq!(code(&world.verify(&session.proof, expiry)), "accepted");
    assert_eq!(
        code(&world.verify(&session.proof, expiry + 1)),
        "ticket_expired"
    );
}

#[test]
fn an_unknown_key_id_is_refused() {
    let world = World::new();
    let session = world.session(0, 11);
    let other = ServerKey::from_secret(KeyId(99), [0x5e; 32]);
    let mut body = session.body.clone();
    body.ticket = other.issue_ticket(&session.ticket_body).expect("encodable");
    assert_eq!(
        code(&world.verify(&session.sign(&body), session.submitted_at_ms)),
        "unknown_key_id"
    );
}

#[test]
fn a_rotated_key_ring_accepts_every_active_key_and_refuses_retired_ones() {
    let world = World::new();
    let session = world.session(0, 12);
    let new_key = ServerKey::from_secret(KeyId(8), [0x77; 32]);
    let mut body = session.body.clone();
    body.ticket = new_key
        .issue_ticket(&session.ticket_body)
        .expect("encodable");
    let proof_under_new_key = session.sign(&body);

    let levels = catalogue(&world);
    let mut keyring = Keyring::new();
    keyring
        .add(SERVER_KEY_ID, world.server.public_key(), KeyStatus::Active)
        .unwrap();
    keyring
        .add(new_key.id(), new_key.public_key(), KeyStatus::Active)
        .unwrap();
    let both = Verifier::new(
        keyring.clone(),
        levels.clone(),
        PlausibilityPolicy::default(),
    );
    for proof in [&session.proof, &proof_under_new_key] {
        let verdict = both.verify(
            proof,
            session.submitted_at_ms,
            &mut MemorySessionStore::new(),
        );
        assert_eq!(code(&verdict.unwrap()), "accepted");
    }

    assert!(keyring.retire(SERVER_KEY_ID));
    let rotated = Verifier::new(keyring, levels, PlausibilityPolicy::default());
    let verdict = rotated.verify(
        &session.proof,
        session.submitted_at_ms,
        &mut MemorySessionStore::new(),
    );
    assert_eq!(code(&verdict.unwrap()), "retired_key_id");
    let verdict = rotated.verify(
        &proof_under_new_key,
        session.submitted_at_ms,
        &mut MemorySessionStore::new(),
    );
    assert_eq!(code(&verdict.unwrap()), "accepted");
}

fn catalogue(world: &World) -> LevelCatalogue {
    let mut levels = LevelCatalogue::new();
    for file in &world.levels {
        levels.insert(&file.bytes).unwrap();
    }
    levels
}

/// Re-issues `session`'s ticket, changed by `edit`, with the real server key.
fn reissued(world: &World, session: &Session, edit: impl FnOnce(&mut TicketBody)) -> Vec<u8> {
    let mut ticket_body = session.ticket_body.clone();
    edit(&mut ticket_body);
    let mut body = session.body.clone();
    body.ticket = world.server.issue_ticket(&ticket_body).expect("encodable");
    session.sign(&body)
}

#[test]
fn a_ticket_for_an_unknown_level_hash_is_refused() {
    let world = World::new();
    let session = world.session(0, 13);
    let edited_level = [world.levels[0].bytes.as_slice(), b" "].concat();
    let proof = reissued(&world, &session, |ticket| {
        ticket.level_hash = level_hash(&edited_level)
    });
    assert_eq!(
        code(&world.verify(&proof, session.submitted_at_ms)),
        "unknown_level"
    );
}

#[test]
fn a_ticket_whose_level_id_disagrees_with_its_level_hash_is_refused() {
    let world = World::new();
    let session = world.session(0, 14);
    let proof = reissued(&world, &session, |ticket| {
        ticket.level_id = "not-this-level".into()
    });
    assert_eq!(
        code(&world.verify(&proof, session.submitted_at_ms)),
        "level_id_mismatch"
    );
}

#[test]
fn an_unknown_rules_version_is_refused() {
    let world = World::new();
    let session = world.session(0, 15);
    let proof = reissued(&world, &session, |ticket| ticket.rules_version += 1);
    assert_eq!(
        code(&world.verify(&proof, session.submitted_at_ms)),
        "unknown_rules_version"
    );
}

#[test]
fn a_session_key_that_is_not_a_curve_point_is_refused() {
    let world = World::new();
    let session = world.session(0, 16);
    // y = 2 has no x on edwards25519.
    let mut not_a_point = [0u8; 32];
    not_a_point[0] = 2;
    let proof = reissued(&world, &session, |ticket| {
        ticket.session_public_key = not_a_point
    });
    assert_eq!(
        code(&world.verify(&proof, session.submitted_at_ms)),
        "invalid_session_key"
    );
}

#[test]
fn a_proof_signed_by_another_session_key_is_refused() {
    let world = World::new();
    let session = world.session(0, 17);
    let stranger = SessionKey::from_entropy([0x99; 32]);
    let proof = stranger.sign_proof(&session.body).expect("encodable");
    assert_eq!(
        code(&world.verify(&proof, session.submitted_at_ms)),
        "bad_session_signature"
    );
}

/// The first level whose bot session ends the game, with that session.
fn finished_session(world: &World) -> Session {
    (0..world.levels.len())
        .map(|level| world.session(level, 18))
        .find(|session| session.outcome.finished && !session.body.inputs.is_empty())
        .expect("some level's bot session reaches game over")
}

#[test]
fn an_input_after_game_over_is_refused() {
    let world = World::new();
    let session = finished_session(&world);
    let mut body = session.body.clone();
    let last = *body.inputs.last().expect("inputs");
    body.inputs.push(Input {
        tick: session.outcome.ticks + 60,
        action: last.action,
    });
    assert_eq!(
        code(&world.verify(&session.sign(&body), session.submitted_at_ms + 1_000)),
        "input_after_game_over"
    );
}

#[test]
fn an_illegal_input_is_refused() {
    let world = World::new();
    let session = world.session(0, 19);
    let mut body = session.body.clone();
    body.inputs[0].action = Action::Swap {
        cell: Cell::new(200, 200),
        direction: Direction::Right,
    };
    assert_eq!(
        code(&world.verify(&session.sign(&body), session.submitted_at_ms)),
        "input_refused"
    );
}

#[test]
fn inputs_faster_than_the_level_allows_are_refused() {
    let world = World::new();
    let session = world.session(0, 20);
    let gaps: Vec<u32> = session
        .body
        .inputs
        .windows(2)
        .map(|w| w[1].tick - w[0].tick)
        .collect();
    let fastest = *gaps.iter().min().expect("two inputs or more");
    let level_id = session.ticket_body.level_id.clone();
    let strict = PlausibilityPolicy::from_json(
        format!(
            r#"{{ "levels": {{ "{level_id}": {{ "input_interval_ticks_min": {} }} }} }}"#,
            fastest + 1
        )
        .as_bytes(),
    )
    .unwrap();
    let world = World::with_policy(strict);
    assert_eq!(
        code(&world.verify(&session.proof, session.submitted_at_ms)),
        "inputs_too_fast"
    );
}

#[test]
fn a_session_longer_than_the_level_allows_is_refused() {
    let session = World::new().session(0, 21);
    let level_id = session.ticket_body.level_id.clone();
    let policy = PlausibilityPolicy::from_json(
        format!(
            r#"{{ "levels": {{ "{level_id}": {{ "session_ticks_max": {} }} }} }}"#,
            session.outcome.ticks - 1
        )
        .as_bytes(),
    )
    .unwrap();
    let world = World::with_policy(policy);
    assert_eq!(
        code(&world.verify(&session.proof, session.submitted_at_ms)),
        "session_over_level_limit"
    );
}

#[test]
fn every_level_under_test_yields_accepted_sessions() {
    let world = World::new();
    for (index, file) in world.levels.iter().enumerate() {
        let session = world.session(index, 22);
        let verdict = world.verify(&session.proof, session.submitted_at_ms);
        assert_eq!(
            code(&verdict),
            "accepted",
            "{}: {verdict:?}",
            file.path.display()
        );
    }
}

#[test]
fn a_ticket_issued_to_another_player_cannot_carry_my_game() {
    let world = World::new();
    let theirs = world.session(0, 23);
    let mine = world.session(0, 24);
    assert_ne!(theirs.ticket_body.player_id, mine.ticket_body.player_id);
    // My recorded game under their ticket, signed with my key: the ticket names their key.
    let mut body = mine.body.clone();
    body.ticket = theirs.ticket.clone();
    assert_eq!(
        code(&world.verify(&mine.sign(&body), mine.submitted_at_ms)),
        "bad_session_signature"
    );
    // Their own proof, submitted by anyone, is credited to them: the verdict's player comes from
    // the signed ticket, never from the submitter.
    let Verdict::Accepted(accepted) = world.verify(&theirs.proof, theirs.submitted_at_ms) else {
        panic!("their proof is valid");
    };
    assert_eq!(accepted.player_id, theirs.ticket_body.player_id);
}
