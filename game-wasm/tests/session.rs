//! The browser session's whole path, natively: ticket -> live play through quantised touches ->
//! proof -> the real verifier accepts it. Plus the checks `Session::new` makes on its inputs.

use game_core::{Action, Phase};
use game_wasm::input::{Touch, TouchKind};
use game_wasm::layout::Layout;
use game_wasm::session::{Session, SessionError, STATUS_READY_TO_FINISH, TICK_S};
use playproof_proof::{
    level_hash, KeyId, KeyStatus, Keyring, LevelCatalogue, MemorySessionStore, PlausibilityPolicy,
    ServerKey, SessionId, SessionKey, TicketBody, Verdict, Verifier,
};

const MATCH3_LEVEL: &str = "../assets/levels/match3/m3-03-three-colours.json";
const MERGE_LEVEL: &str = "../assets/levels/merge/md-05-vase.json";
const ISSUED_AT_MS: u64 = 1_800_000_000_000;

fn server() -> ServerKey {
    ServerKey::from_secret(KeyId(1), [7; 32])
}

fn ticket(level_bytes: &[u8], key: &SessionKey, seed: u64) -> Vec<u8> {
    let level = game_core::Level::from_json(level_bytes).unwrap();
    server()
        .issue_ticket(&TicketBody {
            session_id: SessionId([3; 16]),
            player_id: "dev-test".into(),
            level_id: level.id,
            level_hash: level_hash(level_bytes),
            seed,
            rules_version: game_core::RULES_VERSION,
            issued_at_ms: ISSUED_AT_MS,
            expires_at_ms: ISSUED_AT_MS + 3_600_000,
            session_public_key: key.public_key(),
        })
        .unwrap()
}

fn verifier(level_bytes: &[u8]) -> Verifier {
    let mut keyring = Keyring::new();
    keyring
        .add(KeyId(1), server().public_key(), KeyStatus::Active)
        .unwrap();
    let mut levels = LevelCatalogue::new();
    levels.insert(level_bytes).unwrap();
    Verifier::new(keyring, levels, PlausibilityPolicy::default())
}

fn touch(kind: TouchKind, x_px: f32, y_px: f32) -> Touch {
    Touch {
        kind,
        pointer_id: 1,
        x_px,
        y_px,
    }
}

/// Runs frames of 1/60 s (with the given touches in the first) until the session is ready or
/// `frames_max` frames have passed. Returns the frames run.
fn run(session: &mut Session, layout: &Layout, touches: &[Touch], frames_max: u32) -> u32 {
    let mut touches = touches;
    for frame in 1..=frames_max {
        let (status, _) = session.frame(TICK_S, touches, layout);
        touches = &[];
        if status & STATUS_READY_TO_FINISH != 0 {
            return frame;
        }
    }
    frames_max
}

fn accept(level_bytes: &[u8], proof: &[u8], wall_ms: u64) -> Verdict {
    verifier(level_bytes)
        .verify(
            proof,
            ISSUED_AT_MS + wall_ms,
            &mut MemorySessionStore::new(),
        )
        .unwrap()
}

#[test]
fn a_match3_game_played_by_swipes_is_accepted() {
    let level_bytes = std::fs::read(MATCH3_LEVEL).unwrap();
    let key = SessionKey::from_entropy([9; 32]);
    let mut session = Session::new(&ticket(&level_bytes, &key, 42), &level_bytes, &key).unwrap();
    let layout = Layout::new(&session.level, &session.game, 720.0, 1280.0, 2.0);
    let mut frames = 0;
    while session.game.phase() == Phase::Playing {
        let (cell, direction) = session.game.match3().unwrap().legal_swaps()[0];
        let (x, y) = layout.cell_centre(f32::from(cell.row), f32::from(cell.col));
        let (dx, dy) = match direction {
            game_core::Direction::Up => (0.0, -layout.cell_px),
            game_core::Direction::Down => (0.0, layout.cell_px),
            game_core::Direction::Left => (-layout.cell_px, 0.0),
            game_core::Direction::Right => (layout.cell_px, 0.0),
        };
        let swipe = [
            touch(TouchKind::Down, x, y),
            touch(TouchKind::Move, x + dx, y + dy),
            touch(TouchKind::Up, x + dx, y + dy),
        ];
        let inputs_before = session.inputs().len();
        frames += run(&mut session, &layout, &swipe, 600);
        assert_eq!(
            session.inputs().len(),
            inputs_before + 1,
            "the swipe became a swap"
        );
        assert!(
            matches!(
                session.inputs().last().unwrap().action,
                Action::Swap { cell: swapped, direction: d } if swapped == cell && d == direction
            ),
            "the swipe quantised to the intended cell and direction"
        );
    }
    let proof = session.finish(&key).unwrap();
    let verdict = accept(&level_bytes, &proof, u64::from(frames) * 1000 / 60 + 1000);
    assert!(verdict.is_accepted(), "{verdict:?}");
}

#[test]
fn a_merge_drop_game_is_accepted() {
    let level_bytes = std::fs::read(MERGE_LEVEL).unwrap();
    let key = SessionKey::from_entropy([5; 32]);
    let mut session = Session::new(&ticket(&level_bytes, &key, 7), &level_bytes, &key).unwrap();
    let layout = Layout::new(&session.level, &session.game, 400.0, 700.0, 1.0);
    let mut frames = 0;
    let mut drops = 0;
    while session.game.phase() == Phase::Playing && frames < 60 * 60 * 3 {
        let x = layout.width_px * if drops % 2 == 0 { 0.3 } else { 0.7 };
        let tap = [
            touch(TouchKind::Down, x, 100.0),
            touch(TouchKind::Up, x, 100.0),
        ];
        let before = session.inputs().len();
        frames += run(&mut session, &layout, &tap, 1);
        drops += session.inputs().len() - before;
        frames += run(&mut session, &layout, &[], 35);
    }
    assert!(drops > 10, "{drops} drops");
    frames += run(&mut session, &layout, &[], 60 * 60 * 3);
    let proof = session.finish(&key).unwrap();
    let verdict = accept(&level_bytes, &proof, u64::from(frames) * 1000 / 60 + 1000);
    assert!(verdict.is_accepted(), "{verdict:?}");
}

#[test]
fn a_session_refuses_another_level_or_key() {
    let level_bytes = std::fs::read(MATCH3_LEVEL).unwrap();
    let other_level = std::fs::read(MERGE_LEVEL).unwrap();
    let key = SessionKey::from_entropy([9; 32]);
    let ticket = ticket(&level_bytes, &key, 1);
    assert!(matches!(
        Session::new(&ticket, &other_level, &key),
        Err(SessionError::LevelHashMismatch)
    ));
    let other_key = SessionKey::from_entropy([8; 32]);
    assert!(matches!(
        Session::new(&ticket, &level_bytes, &other_key),
        Err(SessionError::WrongSessionKey)
    ));
    assert!(matches!(
        Session::new(&ticket[..10], &level_bytes, &key),
        Err(SessionError::BadTicket(_))
    ));
}

#[test]
fn finishing_early_waits_for_the_board_to_rest() {
    let level_bytes = std::fs::read(MATCH3_LEVEL).unwrap();
    let key = SessionKey::from_entropy([9; 32]);
    let mut session = Session::new(&ticket(&level_bytes, &key, 3), &level_bytes, &key).unwrap();
    let layout = Layout::new(&session.level, &session.game, 720.0, 1280.0, 2.0);
    let (cell, direction) = session.game.match3().unwrap().legal_swaps()[0];
    session.act(Action::Swap { cell, direction }).unwrap();
    session.stop();
    assert!(matches!(session.finish(&key), Err(SessionError::NotReady)));
    let frames = run(&mut session, &layout, &[], 600);
    let proof = session.finish(&key).unwrap();
    let verdict = accept(&level_bytes, &proof, u64::from(frames) * 1000 / 60 + 500);
    assert!(verdict.is_accepted(), "{verdict:?}");
}

#[test]
fn practice_plays_any_valid_level_but_has_no_proof() {
    let level_bytes = std::fs::read(MATCH3_LEVEL).unwrap();
    let key = SessionKey::from_entropy([9; 32]);
    let mut session = Session::practice(&level_bytes, 11).unwrap();
    assert!(session.is_practice());
    let layout = Layout::new(&session.level, &session.game, 720.0, 1280.0, 2.0);
    let (cell, direction) = session.game.match3().unwrap().legal_swaps()[0];
    session.act(Action::Swap { cell, direction }).unwrap();
    session.stop();
    run(&mut session, &layout, &[], 600);
    assert!(matches!(session.finish(&key), Err(SessionError::Practice)));
    assert!(matches!(
        Session::practice(b"{\"id\": 1", 11),
        Err(SessionError::BadLevel(_))
    ));
}

#[test]
fn level_problems_are_the_loaders_one_per_line() {
    let level_bytes = std::fs::read_to_string(MATCH3_LEVEL).unwrap();
    assert!(game_wasm::session::level_problems(level_bytes.as_bytes()).is_empty());
    // Nine colours, and the second row two cells short.
    let mut broken = level_bytes.replacen("\"colors\": 3", "\"colors\": 9", 1);
    let row = broken.match_indices("\"......\"").nth(1).unwrap().0;
    broken.replace_range(row..row + 8, "\"....\"");
    assert_eq!(
        game_wasm::session::level_problems(broken.as_bytes()),
        [
            "game.match3.colors: found 9; allowed: 3 to 6",
            "game.match3.layout[1]: found 4 characters; allowed: 6 characters, like layout[0]",
        ]
    );
    let syntax = game_wasm::session::level_problems(b"{\n  \"id\": \"x\",\n  oops\n}");
    assert_eq!(syntax.len(), 1);
    assert!(syntax[0].starts_with("line 3, column 3: "), "{syntax:?}");
}
