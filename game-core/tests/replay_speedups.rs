//! The replay's speed-ups are exact. It crosses quiet match-3 ticks at once
//! (`Game::skip_quiet`: a still board, a swap's and a clear's countdown, falling pieces in
//! closed form), and a match-3 game keeps a still board's hash words between hashes.
//! Properties: for random legal sessions with random think times, the replay computes exactly
//! what stepping every tick computes (outcome, every checkpoint hash, the final hash, every
//! observed event); skipping any number of quiet ticks leaves the state stepping leaves; a
//! falling piece's closed form is its tick-by-tick motion; and the cached hash equals the hash
//! computed afresh at every tick.

use game_core::match3::{Fall, Motion, CELL_UNITS};
use game_core::{
    replay_observed, Action, Checkpoint, Event, Game, Input, Level, Phase, ReplayOutcome,
    CHECKPOINT_INTERVAL_TICKS, SESSION_TICKS_MAX,
};
use proptest::prelude::*;

const LEVELS: [&str; 4] = [
    include_str!("../../assets/levels/match3/m3-01-first-steps.json"),
    include_str!("../../assets/levels/match3/m3-08-chocolate.json"),
    include_str!("../../assets/levels/match3/m3-09-fireworks.json"),
    include_str!("../../assets/levels/match3/m3-10-gauntlet.json"),
];

/// The straightforward replay: one `step` per tick, a hash at every checkpoint tick. Only for
/// legal logs (the generator below makes nothing else).
fn replay_tick_by_tick(
    level: &Level,
    seed: u64,
    inputs: &[Input],
) -> (ReplayOutcome, Vec<(u32, Vec<Event>)>) {
    let mut game = Game::new(level, seed);
    let mut observed = Vec::new();
    let mut checkpoints = Vec::new();
    let mut next = 0;
    loop {
        let now = game.tick();
        while next < inputs.len() && inputs[next].tick == now {
            game.apply(inputs[next].action).expect("a legal log");
            next += 1;
        }
        let finished = matches!(game.phase(), Phase::Finished { .. });
        if (finished || next == inputs.len()) && game.is_quiescent() {
            break;
        }
        assert!(now < SESSION_TICKS_MAX, "the generated session ends");
        let events = game.step();
        if !events.is_empty() {
            observed.push((now, events.to_vec()));
        }
        if game.tick().is_multiple_of(CHECKPOINT_INTERVAL_TICKS) {
            checkpoints.push(Checkpoint {
                tick: game.tick(),
                hash: game.state_hash(),
            });
        }
    }
    let outcome = ReplayOutcome {
        score: game.score(),
        stars: game.stars(),
        ticks: game.tick(),
        finished: matches!(game.phase(), Phase::Finished { .. }),
        passed: matches!(game.phase(), Phase::Finished { passed: true }),
        final_hash: game.state_hash(),
        checkpoints,
    };
    (outcome, observed)
}

/// Plays `choices` (which legal action, after how many ticks of thought) and records the log.
fn record(level: &Level, seed: u64, choices: &[(u32, u32)]) -> Vec<Input> {
    let mut game = Game::new(level, seed);
    let mut inputs = Vec::new();
    for &(choice, think_ticks) in choices {
        for _ in 0..think_ticks {
            if game.tick() >= SESSION_TICKS_MAX / 2 || game.phase() != Phase::Playing {
                return inputs;
            }
            game.step();
        }
        while !game.accepts_input() {
            if game.tick() >= SESSION_TICKS_MAX / 2 || game.phase() != Phase::Playing {
                return inputs;
            }
            game.step();
        }
        let swaps = game.match3().unwrap().legal_swaps();
        let (cell, direction) = swaps[choice as usize % swaps.len()];
        let action = Action::Swap { cell, direction };
        game.apply(action).expect("a legal action");
        inputs.push(Input {
            tick: game.tick(),
            action,
        });
    }
    inputs
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn skipping_quiet_ticks_replays_exactly_like_stepping_every_tick(
        level_number in 0usize..LEVELS.len(),
        seed in any::<u64>(),
        // Think times from none (input on the first stable tick) to past a checkpoint interval
        // and across several, so skips end at inputs, at checkpoints, and exactly on both.
        choices in proptest::collection::vec((any::<u32>(), prop_oneof![
            Just(0u32), 1u32..4, 55u32..66, 100u32..400
        ]), 0..25),
    ) {
        let level = Level::from_json(LEVELS[level_number].as_bytes()).unwrap();
        let inputs = record(&level, seed, &choices);
        let mut observed = Vec::new();
        let skipped = replay_observed(&level, seed, &inputs, |tick, events| {
            observed.push((tick, events.to_vec()));
        })
        .unwrap();
        let (stepped, stepped_observed) = replay_tick_by_tick(&level, seed, &inputs);
        prop_assert_eq!(skipped, stepped);
        prop_assert_eq!(observed, stepped_observed);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn the_cached_state_hash_equals_the_fresh_one_at_every_tick(
        level_number in 0usize..LEVELS.len(),
        seed in any::<u64>(),
        choices in proptest::collection::vec((any::<u32>(), 0u32..30), 1..12),
        // Hashing only some ticks leaves the cache filled across several changes.
        hash_every in 1u32..8,
    ) {
        let level = Level::from_json(LEVELS[level_number].as_bytes()).unwrap();
        let inputs = record(&level, seed, &choices);
        let mut game = Game::new(&level, seed);
        let mut next = 0;
        let end = inputs.last().map_or(0, |input| input.tick) + 400;
        while game.tick() < end && game.phase() == Phase::Playing {
            while next < inputs.len() && inputs[next].tick == game.tick() {
                game.apply(inputs[next].action).unwrap();
                next += 1;
                prop_assert_eq!(game.state_hash(), game.state_hash_fresh());
            }
            game.step();
            if game.tick().is_multiple_of(hash_every) {
                prop_assert_eq!(game.state_hash(), game.state_hash_fresh(), "tick {}", game.tick());
            }
        }
        prop_assert_eq!(game.state_hash(), game.state_hash_fresh());
    }
}

/// A refused swap leaves the cached hash as it was, and equal to the fresh one.
#[test]
fn a_refused_swap_keeps_the_hash() {
    let level = Level::from_json(LEVELS[0].as_bytes()).unwrap();
    let mut game = Game::new(&level, 11);
    let before = game.state_hash();
    let refused = game.apply(Action::Swap {
        cell: game_core::Cell { row: 200, col: 0 },
        direction: game_core::Direction::Right,
    });
    assert!(refused.is_err());
    assert_eq!(game.state_hash(), before);
    assert_eq!(game.state_hash_fresh(), before);
}

/// A checkpoint that falls on an input's tick is taken after the skip ends there, before the
/// input applies: the same hash stepping gives.
#[test]
fn a_skip_that_ends_on_a_checkpoint_and_an_input_hashes_like_stepping() {
    let level = Level::from_json(LEVELS[0].as_bytes()).unwrap();
    let game = Game::new(&level, 7);
    let swaps = game.match3().unwrap().legal_swaps();
    let (cell, direction) = swaps[0];
    let inputs = [Input {
        tick: 2 * CHECKPOINT_INTERVAL_TICKS,
        action: Action::Swap { cell, direction },
    }];
    let skipped = replay_observed(&level, 7, &inputs, |_, _| {}).unwrap();
    let (stepped, _) = replay_tick_by_tick(&level, 7, &inputs);
    assert_eq!(skipped, stepped);
    assert_eq!(skipped.checkpoints[1].tick, 2 * CHECKPOINT_INTERVAL_TICKS);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// From any tick of a random session, skipping any number of the quiet ticks ahead leaves
    /// the hash (computed afresh), tick, score and events that as many steps leave.
    #[test]
    fn skipping_quiet_ticks_leaves_the_state_stepping_leaves(
        level_number in 0usize..LEVELS.len(),
        seed in any::<u64>(),
        choices in proptest::collection::vec((any::<u32>(), 0u32..30), 1..8),
        stop_after in 0u32..400,
        skip_share in 1u32..=100,
    ) {
        let level = Level::from_json(LEVELS[level_number].as_bytes()).unwrap();
        let inputs = record(&level, seed, &choices);
        let mut game = Game::new(&level, seed);
        let mut next = 0;
        let stop = inputs.first().map_or(0, |input| input.tick) + stop_after;
        while game.tick() < stop && game.phase() == Phase::Playing {
            while next < inputs.len() && inputs[next].tick == game.tick() {
                game.apply(inputs[next].action).unwrap();
                next += 1;
            }
            game.step();
        }
        // Bounded so the stepped twin stays quick on a still board.
        let quiet = game.quiet_ticks().min(500);
        let ticks = (quiet * skip_share).div_ceil(100);
        let mut stepped = Game::new(&level, seed);
        let mut next = 0;
        while stepped.tick() < game.tick() {
            while next < inputs.len() && inputs[next].tick == stepped.tick() {
                stepped.apply(inputs[next].action).unwrap();
                next += 1;
            }
            stepped.step();
        }
        for _ in 0..ticks {
            prop_assert!(stepped.step().is_empty(), "a quiet tick has no events");
        }
        game.skip_quiet(ticks);
        prop_assert_eq!(game.tick(), stepped.tick());
        prop_assert_eq!(game.score(), stepped.score());
        prop_assert!(game.events().is_empty());
        prop_assert_eq!(game.state_hash_fresh(), stepped.state_hash_fresh());
        prop_assert_eq!(game.state_hash(), stepped.state_hash());
        // What a renderer reads: every piece's motion.
        let (skipped_board, stepped_board) = (game.match3().unwrap(), stepped.match3().unwrap());
        for row in 0..skipped_board.rows() {
            for col in 0..skipped_board.cols() {
                let cell = game_core::Cell { row, col };
                prop_assert_eq!(
                    skipped_board.fall(game.kernel(), cell),
                    stepped_board.fall(stepped.kernel(), cell)
                );
            }
        }
    }

    /// Cleared pieces' entities are given to new pieces instead of being despawned and
    /// spawned: at every tick of a random session each piece still has an entity of its own,
    /// slotted at its cell (the hashes that depend on it are the replay properties above).
    #[test]
    fn reused_entities_stay_one_per_piece(
        level_number in 0usize..LEVELS.len(),
        seed in any::<u64>(),
        choices in proptest::collection::vec((any::<u32>(), 0u32..30), 1..12),
    ) {
        let level = Level::from_json(LEVELS[level_number].as_bytes()).unwrap();
        let inputs = record(&level, seed, &choices);
        let mut game = Game::new(&level, seed);
        let mut next = 0;
        let end = inputs.last().map_or(0, |input| input.tick) + 200;
        while game.tick() < end {
            while next < inputs.len() && inputs[next].tick == game.tick() {
                game.apply(inputs[next].action).unwrap();
                next += 1;
            }
            game.step();
            prop_assert!(
                game.match3().unwrap().piece_entities_hold(game.kernel()),
                "tick {}", game.tick()
            );
        }
    }

    /// `Fall::advanced` and `Fall::ticks_to_land` are what `Fall::step` does tick by tick,
    /// up to the landing and past it, for every motion a level may set and every height a
    /// piece can fall from.
    #[test]
    fn a_falling_piece_in_closed_form_moves_as_stepped(
        gravity_units in 1u16..=CELL_UNITS as u16,
        speed_share in 0u32..=100,
        offset_units in 1i32..=20 * CELL_UNITS,
        velocity_share in 0u32..=100,
    ) {
        let speed_max = u32::from(gravity_units)
            + (CELL_UNITS as u32 - u32::from(gravity_units)) * speed_share / 100;
        let motion = Motion {
            gravity_units,
            fall_speed_max_units: speed_max as u16,
            ..Motion::default()
        };
        let start = Fall {
            offset_units,
            velocity_units: (speed_max * velocity_share / 100) as i32,
        };
        let mut fall = start;
        let mut ticks = 0;
        while fall.offset_units > 0 {
            fall = fall.step(&motion);
            ticks += 1;
            prop_assert_eq!(start.advanced(ticks, &motion), fall, "after {} ticks", ticks);
        }
        prop_assert_eq!(start.ticks_to_land(&motion), ticks);
        prop_assert_eq!(fall, Fall::default());
        prop_assert_eq!(start.advanced(ticks + 1, &motion), Fall::default());
        prop_assert_eq!(start.advanced(0, &motion), start);
    }
}

#[test]
fn a_resting_piece_needs_no_ticks_to_land() {
    assert_eq!(Fall::default().ticks_to_land(&Motion::default()), 0);
}

/// The board's index walk is the straightforward row-by-row loop over the grid, for every
/// grid size a level may have.
#[test]
fn board_indices_walk_the_grid_row_by_row() {
    use game_core::match3::board::{
        GRID_COLS_MAX, GRID_COLS_MIN, GRID_ROWS_MAX, GRID_ROWS_MIN, STRIDE,
    };
    use game_core::match3::Board;
    for rows in GRID_ROWS_MIN..=GRID_ROWS_MAX {
        for cols in GRID_COLS_MIN..=GRID_COLS_MAX {
            let mut expected = Vec::new();
            for row in 0..usize::from(rows) {
                for col in 0..usize::from(cols) {
                    expected.push(row * STRIDE + col);
                }
            }
            let walked: Vec<usize> = Board::new(rows, cols).indices().collect();
            assert_eq!(walked, expected, "{rows}x{cols}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Merge-drop hashes its pieces through a list it keeps between checkpoints (so a
    /// checkpoint allocates nothing); the hash equals the one gathered into a new list, at
    /// every tick of a random game.
    #[test]
    fn merge_drop_hashes_with_its_kept_list_as_with_a_new_one(
        seed in any::<u64>(),
        drops in proptest::collection::vec((0u32..=1000, 20u32..90), 1..30),
    ) {
        let level = Level::from_json(
            include_str!("../../assets/levels/merge/md-01-classic.json").as_bytes(),
        )
        .unwrap();
        let mut game = Game::new(&level, seed);
        for (place_permille, wait_ticks) in drops {
            for _ in 0..wait_ticks {
                if game.phase() != Phase::Playing {
                    return Ok(());
                }
                game.step();
                prop_assert_eq!(game.state_hash(), game.state_hash_fresh(), "tick {}", game.tick());
            }
            if game.accepts_input() {
                let (low, high) = game.merge_drop().unwrap().drop_range_milli();
                let x_milli = low + ((high - low) as i64 * i64::from(place_permille) / 1000) as i32;
                game.apply(Action::Drop { x_milli }).unwrap();
            }
        }
    }
}

/// The straightforward initial fill: every colour tried at every cell.
fn fill_initial_reference(
    board: &mut game_core::match3::Board,
    cells: u128,
    colors: u8,
    rng: &mut game_core::Pcg32,
) {
    use game_core::match3::{detect::in_line, Color, Piece};
    for index in board.indices() {
        if cells & (1u128 << index) == 0 {
            continue;
        }
        let mut allowed = Vec::new();
        for color in 0..colors {
            board.tile_mut(index).piece = Some(Piece::Plain(Color(color)));
            if !in_line(board, index) {
                allowed.push(Color(color));
            }
        }
        let piece = if allowed.is_empty() {
            Piece::Plain(Color(rng.below(u32::from(colors)) as u8))
        } else {
            Piece::Plain(allowed[rng.below(allowed.len() as u32) as usize])
        };
        board.tile_mut(index).piece = Some(piece);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The initial fill tries only the colours next to a cell (no other can make a line
    /// there): on random grids with holes, stones, ice and fixed pieces it draws exactly the
    /// board and the random numbers that trying every colour draws.
    #[test]
    fn the_initial_fill_draws_what_trying_every_colour_draws(
        rows in 3u8..=9,
        cols in 3u8..=9,
        colors in 3u8..=6,
        // Per cell: ground (mostly open), a fixed piece or not, ice.
        tiles in proptest::collection::vec((0u8..10, 0u8..12, 0u8..4), 81),
        seed in any::<u64>(),
    ) {
        use game_core::match3::{Board, Color, Ground, Piece, Tile};
        let mut board = Board::new(rows, cols);
        let mut cells = 0u128;
        for index in board.indices().collect::<Vec<_>>() {
            let (ground, piece, ice) = tiles[index];
            let ground = match ground {
                0 => Ground::Hole,
                1 => Ground::Stone,
                _ => Ground::Open,
            };
            let piece = (ground == Ground::Open && piece < colors * 2 && piece % 2 == 0)
                .then_some(Piece::Plain(Color(piece / 2)));
            if ground == Ground::Open && piece.is_none() {
                cells |= 1u128 << index;
            }
            let ice = if ground == Ground::Open && ice == 3 { 1 } else { 0 };
            *board.tile_mut(index) = Tile { ground, ice, jelly: 0, piece };
        }
        let mut reference = board.clone();
        let mut rng = game_core::Pcg32::for_session(seed);
        let mut reference_rng = rng.clone();
        game_core::match3::refill::fill_initial(&mut board, cells, colors, &mut rng);
        fill_initial_reference(&mut reference, cells, colors, &mut reference_rng);
        prop_assert_eq!(board, reference);
        prop_assert_eq!(rng, reference_rng);
    }
}

/// The board's hash words by their definition: the grid size, then each tile's 16-bit code
/// (ground, ice << 2, jelly << 4, piece << 8) in `indices()` order, four to a word.
fn board_words_reference(board: &game_core::match3::Board) -> Vec<u64> {
    use game_core::match3::{Axis, Ground, Piece};
    let code = |piece: Piece| -> u64 {
        let (tag, color, extra) = match piece {
            Piece::Plain(color) => (1u64, color.0, 0u64),
            Piece::Striped(color, Axis::Row) => (2, color.0, 0),
            Piece::Striped(color, Axis::Col) => (2, color.0, 1),
            Piece::Wrapped(color) => (3, color.0, 0),
            Piece::Detonating(color, radius) => (4, color.0, u64::from(radius)),
            Piece::ColorBomb => (5, 0, 0),
        };
        tag | (u64::from(color) << 3) | (extra << 6)
    };
    let mut words = vec![u64::from(board.rows()), u64::from(board.cols())];
    let codes: Vec<u64> = board
        .indices()
        .map(|index| {
            let tile = board.tile(index);
            let ground = match tile.ground {
                Ground::Hole => 0,
                Ground::Open => 1,
                Ground::Stone => 2,
                Ground::Chocolate => 3,
            };
            ground
                | (u64::from(tile.ice) << 2)
                | (u64::from(tile.jelly) << 4)
                | (tile.piece.map_or(0, code) << 8)
        })
        .collect();
    for chunk in codes.chunks(4) {
        words.push(chunk.iter().fold(0, |word, &code| (word << 16) | code));
    }
    words
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The board's hash words, walked row slice by row slice, are their definition's, for
    /// random grids of every size with every kind of ground, blocker and piece.
    #[test]
    fn board_hash_words_follow_their_definition(
        rows in 3u8..=9,
        cols in 3u8..=9,
        tiles in proptest::collection::vec((0u8..4, 0u8..4, 0u8..4, 0u8..9, 0u8..6), 81),
    ) {
        use game_core::match3::{Axis, Board, Color, Ground, Piece, Tile};
        let mut board = Board::new(rows, cols);
        for index in board.indices().collect::<Vec<_>>() {
            let (ground, ice, jelly, kind, color) = tiles[index];
            let ground = [Ground::Hole, Ground::Open, Ground::Stone, Ground::Chocolate]
                [usize::from(ground)];
            let color = Color(color);
            let piece = match kind {
                0 => None,
                1 => Some(Piece::Striped(color, Axis::Row)),
                2 => Some(Piece::Striped(color, Axis::Col)),
                3 => Some(Piece::Wrapped(color)),
                4 => Some(Piece::Detonating(color, ice)),
                5 => Some(Piece::ColorBomb),
                _ => Some(Piece::Plain(color)),
            };
            *board.tile_mut(index) = Tile { ground, ice, jelly, piece };
        }
        let words = board.hash_words();
        prop_assert_eq!(words.as_slice(), &board_words_reference(&board)[..]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// The hashes of a still board at several ticks ahead, computed side by side, are the
    /// hashes computed afresh after skipping to each tick.
    #[test]
    fn still_hashes_side_by_side_are_the_hashes_at_those_ticks(
        level_number in 0usize..LEVELS.len(),
        seed in any::<u64>(),
        choices in proptest::collection::vec((any::<u32>(), 0u32..30), 0..6),
        gaps in proptest::collection::vec(0u32..200, game_core::game::STILL_LANES),
    ) {
        let level = Level::from_json(LEVELS[level_number].as_bytes()).unwrap();
        let inputs = record(&level, seed, &choices);
        let mut game = Game::new(&level, seed);
        let mut next = 0;
        let stop = inputs.last().map_or(0, |input| input.tick);
        while game.tick() <= stop || game.quiet_ticks() != u32::MAX {
            while next < inputs.len() && inputs[next].tick == game.tick() {
                game.apply(inputs[next].action).unwrap();
                next += 1;
            }
            game.step();
        }
        let mut tick = game.tick();
        let ticks: [u32; game_core::game::STILL_LANES] = std::array::from_fn(|lane| {
            tick += gaps[lane];
            tick
        });
        let hashes = game.still_state_hashes(ticks).expect("a still board");
        for (tick, hash) in ticks.into_iter().zip(hashes) {
            game.skip_quiet(tick - game.tick());
            prop_assert_eq!(hash, game.state_hash_fresh(), "tick {}", tick);
        }
    }
}
