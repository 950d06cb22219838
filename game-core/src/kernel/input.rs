//! Player inputs: quantised integers stamped with the tick they apply at. No float ever arrives
//! from outside the core.
//!
//! The input log has one canonical binary encoding (documented in `docs/FORMATS.md`), shared by
//! proofs, the wasm boundary and golden replays.

use alloc::vec::Vec;

use super::tick::SESSION_TICKS_MAX;

/// Most inputs one session may hold: one drop per 0.2 s over the longest session.
pub const INPUTS_MAX: u32 = SESSION_TICKS_MAX / 12;

/// One player action, applied before the simulation step of `tick`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Input {
    pub tick: u32,
    pub action: Action,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Match-3: swap the piece at `cell` with its neighbour in `direction`.
    Swap { cell: Cell, direction: Direction },
    /// Merge-drop: release the previewed piece at `x_milli` thousandths of a world unit.
    Drop { x_milli: i32 },
}

/// A grid cell; row 0 is the top row, column 0 the leftmost.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cell {
    pub row: u8,
    pub col: u8,
}

impl Cell {
    pub const fn new(row: u8, col: u8) -> Self {
        Cell { row, col }
    }

    /// The neighbour in `direction`, if it has non-negative coordinates.
    pub fn neighbour(self, direction: Direction) -> Option<Cell> {
        let (row, col) = match direction {
            Direction::Up => (self.row.checked_sub(1)?, self.col),
            Direction::Down => (self.row.checked_add(1)?, self.col),
            Direction::Left => (self.row, self.col.checked_sub(1)?),
            Direction::Right => (self.row, self.col.checked_add(1)?),
        };
        Some(Cell { row, col })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Direction {
    Up = 0,
    Down = 1,
    Left = 2,
    Right = 3,
}

impl Direction {
    pub const ALL: [Direction; 4] = [
        Direction::Up,
        Direction::Down,
        Direction::Left,
        Direction::Right,
    ];

    pub fn from_code(code: u8) -> Option<Direction> {
        Direction::ALL.get(usize::from(code)).copied()
    }
}

/// Why the core refused an input. Refusing never changes state. The codes are stable: they
/// appear in proof verdicts and never change meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the game is over")]
    GameOver,
    #[error("this action belongs to the other game mode")]
    WrongMode,
    #[error("the cell is outside the grid")]
    OutsideGrid,
    #[error("the cell is a hole")]
    Hole,
    #[error("the piece cannot move (stone or locked)")]
    Immovable,
    #[error("the swap makes no match")]
    NoMatch,
    #[error("the board is still moving")]
    BoardNotStable,
    #[error("the drop cooldown has not elapsed")]
    DropCooldown,
    #[error("the drop position is outside the container")]
    OutsideContainer,
}

impl Refusal {
    /// Stable machine-readable reason code.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::GameOver => "game_over",
            Refusal::WrongMode => "wrong_mode",
            Refusal::OutsideGrid => "outside_grid",
            Refusal::Hole => "hole",
            Refusal::Immovable => "immovable",
            Refusal::NoMatch => "no_match",
            Refusal::BoardNotStable => "board_not_stable",
            Refusal::DropCooldown => "drop_cooldown",
            Refusal::OutsideContainer => "outside_container",
        }
    }
}

/// Input-log wire tags. New input kinds get new tags; old tags never change meaning.
const TAG_SWAP: u8 = 1;
const TAG_DROP: u8 = 2;

/// Longest LEB128 encoding of a `u32`.
const VARINT_U32_BYTES_MAX: usize = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InputLogError {
    #[error("input log ends inside input {index}")]
    Truncated { index: u32 },
    #[error("input log has an over-long or overflowing integer at byte {offset}")]
    BadVarint { offset: u32 },
    #[error("input log holds {count} inputs; at most {max} are allowed", max = INPUTS_MAX)]
    TooManyInputs { count: u32 },
    #[error("input {index} has unknown tag {tag}")]
    UnknownTag { index: u32, tag: u8 },
    #[error("input {index} has unknown direction code {code}")]
    UnknownDirection { index: u32, code: u8 },
    #[error("input {index} is at the same tick as the one before it")]
    SameTick { index: u32 },
    #[error("input {index} is at tick {tick}, past the session limit of {max}", max = SESSION_TICKS_MAX)]
    TickTooLate { index: u32, tick: u64 },
    #[error("input log has {count} trailing bytes")]
    TrailingBytes { count: u32 },
}

/// Encodes `inputs` canonically: `count` then, per input, the tick delta from the previous input
/// (from 0 for the first), a tag and its payload. Integers are LEB128; `x_milli` is zig-zagged.
///
/// Panics if `inputs` is not encodable (too many, ticks not strictly increasing): callers hold
/// logs produced by the core, so that is a bug, not bad input.
pub fn encode_input_log(inputs: &[Input], out: &mut Vec<u8>) {
    assert!(
        inputs.len() <= INPUTS_MAX as usize,
        "input log over INPUTS_MAX"
    );
    write_varint(out, inputs.len() as u32);
    let mut previous_tick = 0u32;
    for (index, input) in inputs.iter().enumerate() {
        assert!(
            index == 0 || input.tick > previous_tick,
            "input ticks must strictly increase"
        );
        assert!(
            input.tick <= SESSION_TICKS_MAX,
            "input past SESSION_TICKS_MAX"
        );
        write_varint(out, input.tick - previous_tick);
        previous_tick = input.tick;
        match input.action {
            Action::Swap { cell, direction } => {
                out.extend_from_slice(&[TAG_SWAP, cell.row, cell.col, direction as u8]);
            }
            Action::Drop { x_milli } => {
                out.push(TAG_DROP);
                write_varint(out, zigzag(x_milli));
            }
        }
    }
}

/// Decodes a canonical input log that must fill `bytes` exactly.
pub fn decode_input_log(bytes: &[u8]) -> Result<Vec<Input>, InputLogError> {
    let (log, used) = decode_input_log_prefix(bytes)?;
    let trailing = bytes.len() - used;
    if trailing > 0 {
        return Err(InputLogError::TrailingBytes {
            count: trailing as u32,
        });
    }
    Ok(log)
}

/// Decodes an input log at the start of `bytes`, returning it and the number of bytes it used.
/// For containers (proofs) that carry more fields after the log.
pub fn decode_input_log_prefix(bytes: &[u8]) -> Result<(Vec<Input>, usize), InputLogError> {
    let mut reader = Reader { bytes, offset: 0 };
    let count = reader
        .varint()?
        .ok_or(InputLogError::Truncated { index: 0 })?;
    if count > INPUTS_MAX {
        return Err(InputLogError::TooManyInputs { count });
    }
    // Bounded by INPUTS_MAX before allocating; each input takes at least two bytes.
    let capacity = (count as usize).min(reader.remaining() / 2);
    let mut inputs = Vec::with_capacity(capacity);
    let mut tick = 0u64;
    for index in 0..count {
        let delta = reader.varint()?.ok_or(InputLogError::Truncated { index })?;
        if index > 0 && delta == 0 {
            return Err(InputLogError::SameTick { index });
        }
        tick += u64::from(delta);
        if tick > u64::from(SESSION_TICKS_MAX) {
            return Err(InputLogError::TickTooLate { index, tick });
        }
        let tag = reader.byte().ok_or(InputLogError::Truncated { index })?;
        let action = match tag {
            TAG_SWAP => {
                let [row, col, code] = reader.array().ok_or(InputLogError::Truncated { index })?;
                let direction = Direction::from_code(code)
                    .ok_or(InputLogError::UnknownDirection { index, code })?;
                Action::Swap {
                    cell: Cell { row, col },
                    direction,
                }
            }
            TAG_DROP => {
                let raw = reader.varint()?.ok_or(InputLogError::Truncated { index })?;
                Action::Drop {
                    x_milli: unzigzag(raw),
                }
            }
            tag => return Err(InputLogError::UnknownTag { index, tag }),
        };
        inputs.push(Input {
            tick: tick as u32,
            action,
        });
    }
    Ok((inputs, reader.offset))
}

fn zigzag(value: i32) -> u32 {
    ((value << 1) ^ (value >> 31)) as u32
}

fn unzigzag(value: u32) -> i32 {
    ((value >> 1) as i32) ^ -((value & 1) as i32)
}

/// Appends `value` as LEB128.
pub fn write_varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// A bounds-checked cursor over untrusted bytes.
struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl Reader<'_> {
    fn remaining(&self) -> usize {
        self.bytes.len() - self.offset
    }

    fn byte(&mut self) -> Option<u8> {
        let byte = *self.bytes.get(self.offset)?;
        self.offset += 1;
        Some(byte)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        let slice = self.bytes.get(self.offset..self.offset + N)?;
        self.offset += N;
        slice.try_into().ok()
    }

    /// Reads a canonical LEB128 `u32`: `Ok(None)` when the bytes run out, `Err` when the
    /// encoding is longer than needed or overflows 32 bits.
    fn varint(&mut self) -> Result<Option<u32>, InputLogError> {
        let start = self.offset;
        let mut value = 0u32;
        for position in 0..VARINT_U32_BYTES_MAX {
            let Some(byte) = self.byte() else {
                return Ok(None);
            };
            let payload = u32::from(byte & 0x7f);
            let shift = 7 * position as u32;
            if position == VARINT_U32_BYTES_MAX - 1 && payload > 0x0f {
                return Err(InputLogError::BadVarint {
                    offset: start as u32,
                });
            }
            value |= payload << shift;
            if byte & 0x80 == 0 {
                // A final zero byte after the first means the encoding was padded.
                if position > 0 && byte == 0 {
                    return Err(InputLogError::BadVarint {
                        offset: start as u32,
                    });
                }
                return Ok(Some(value));
            }
        }
        Err(InputLogError::BadVarint {
            offset: start as u32,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use proptest::prelude::*;

    fn swap(tick: u32, row: u8, col: u8, direction: Direction) -> Input {
        Input {
            tick,
            action: Action::Swap {
                cell: Cell::new(row, col),
                direction,
            },
        }
    }

    #[test]
    fn encodes_a_known_log_byte_for_byte() {
        let inputs = [
            swap(90, 2, 3, Direction::Right),
            Input {
                tick: 300,
                action: Action::Drop { x_milli: -1 },
            },
        ];
        let mut bytes = Vec::new();
        encode_input_log(&inputs, &mut bytes);
        // count=2 | delta=90, swap(2,3,right) | delta=210 (0xd2 0x01), drop zigzag(-1)=1
        assert_eq!(bytes, vec![2, 90, 1, 2, 3, 3, 0xd2, 0x01, 2, 1]);
        assert_eq!(decode_input_log(&bytes), Ok(inputs.to_vec()));
    }

    #[test]
    fn rejects_trailing_bytes() {
        assert_eq!(
            decode_input_log(&[0, 7]),
            Err(InputLogError::TrailingBytes { count: 1 })
        );
    }

    #[test]
    fn rejects_padded_varints() {
        assert_eq!(
            decode_input_log(&[0x80, 0x00]),
            Err(InputLogError::BadVarint { offset: 0 })
        );
    }

    #[test]
    fn rejects_overflowing_varints() {
        assert_eq!(
            decode_input_log(&[0xff, 0xff, 0xff, 0xff, 0x1f]),
            Err(InputLogError::BadVarint { offset: 0 })
        );
    }

    #[test]
    fn rejects_two_inputs_in_one_tick() {
        assert_eq!(
            decode_input_log(&[2, 5, 2, 0, 0, 2, 0]),
            Err(InputLogError::SameTick { index: 1 })
        );
    }

    #[test]
    fn rejects_counts_over_the_limit_before_allocating() {
        let mut bytes = Vec::new();
        write_varint(&mut bytes, INPUTS_MAX + 1);
        assert_eq!(
            decode_input_log(&bytes),
            Err(InputLogError::TooManyInputs {
                count: INPUTS_MAX + 1
            })
        );
    }

    #[test]
    fn rejects_unknown_tags_and_directions() {
        assert_eq!(
            decode_input_log(&[1, 0, 9]),
            Err(InputLogError::UnknownTag { index: 0, tag: 9 })
        );
        assert_eq!(
            decode_input_log(&[1, 0, 1, 0, 0, 4]),
            Err(InputLogError::UnknownDirection { index: 0, code: 4 })
        );
    }

    fn arb_log() -> impl Strategy<Value = Vec<Input>> {
        let action = prop_oneof![
            (any::<u8>(), any::<u8>(), 0u8..4).prop_map(|(row, col, code)| Action::Swap {
                cell: Cell::new(row, col),
                direction: Direction::from_code(code).unwrap(),
            }),
            any::<i32>().prop_map(|x_milli| Action::Drop { x_milli }),
        ];
        proptest::collection::vec((1u32..500, action), 0..64).prop_map(|steps| {
            let mut tick = 0;
            steps
                .into_iter()
                .map(|(delta, action)| {
                    tick += delta;
                    Input { tick, action }
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn round_trips_any_valid_log(log in arb_log()) {
            let mut bytes = Vec::new();
            encode_input_log(&log, &mut bytes);
            prop_assert_eq!(decode_input_log(&bytes), Ok(log));
        }

        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            if let Ok(log) = decode_input_log(&bytes) {
                // Whatever decodes re-encodes to the very same bytes: the encoding is canonical.
                let mut again = Vec::new();
                encode_input_log(&log, &mut again);
                prop_assert_eq!(again, bytes);
            }
        }
    }
}
