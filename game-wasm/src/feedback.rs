//! What the player should feel and hear this frame. The game decides from the tick's events;
//! the host only plays it through the platform's vibration and audio APIs (the shim's
//! `feedback`), so every host reacts to the same moments.
//!
//! The flags travel in the HUD word `feedback`; their names reach the host as text
//! ([`flag_names`]), so the shim never hard-codes the bits.

use alloc::string::String;

use game_core::Event;

/// Pieces cleared (match-3) or merged (merge-drop).
pub const CLEAR: u32 = 1;
/// A special fired, two specials combined, or two top-tier pieces vanished.
pub const SPECIAL: u32 = 2;
/// The player's move took effect: a swap, or a piece dropped.
pub const MOVE: u32 = 4;
/// The game ended with the level passed.
pub const WIN: u32 = 8;
/// The game ended without passing the level.
pub const END: u32 = 16;

/// `name:bit` pairs, comma-separated, for the host.
pub fn flag_names() -> String {
    alloc::format!("clear:{CLEAR},special:{SPECIAL},move:{MOVE},win:{WIN},end:{END}")
}

/// The flags of one frame's events.
pub fn of_events(events: &[Event]) -> u32 {
    events.iter().fold(0, |flags, event| {
        use game_core::match3::Event as Match3;
        use game_core::merge::Event as Merge;
        flags
            | match event {
                Event::Match3(Match3::PieceCleared { .. })
                | Event::MergeDrop(Merge::Merged { .. }) => CLEAR,
                Event::Match3(Match3::SpecialTriggered { .. } | Match3::Combo { .. })
                | Event::MergeDrop(Merge::TopPairVanished { .. }) => SPECIAL,
                Event::Match3(Match3::Swapped { .. }) | Event::MergeDrop(Merge::Dropped { .. }) => {
                    MOVE
                }
                Event::Finished { passed: true } => WIN,
                Event::Finished { passed: false } => END,
                _ => 0,
            }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use game_core::match3::{Color, Piece};
    use game_core::Cell;

    #[test]
    fn a_frame_s_events_become_its_flags() {
        let cell = Cell::new(2, 3);
        let cleared = Event::Match3(game_core::match3::Event::PieceCleared {
            cell,
            piece: Piece::Plain(Color(1)),
        });
        let swapped = Event::Match3(game_core::match3::Event::Swapped {
            from: cell,
            to: Cell::new(2, 4),
        });
        let merged = Event::MergeDrop(game_core::merge::Event::Merged {
            first: 1,
            second: 2,
            into: 3,
            tier: 2,
            x_milli: 0,
            y_milli: 0,
        });
        let cases = [
            (alloc::vec![], 0),
            (alloc::vec![swapped.clone()], MOVE),
            (alloc::vec![swapped, cleared.clone(), cleared], MOVE | CLEAR),
            (
                alloc::vec![merged, Event::ScoreChanged { score: 10 }],
                CLEAR,
            ),
            (alloc::vec![Event::Finished { passed: true }], WIN),
            (alloc::vec![Event::Finished { passed: false }], END),
        ];
        for (events, flags) in cases {
            assert_eq!(of_events(&events), flags, "{events:?}");
        }
        assert_eq!(flag_names(), "clear:1,special:2,move:4,win:8,end:16");
    }
}
