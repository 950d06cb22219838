//! The board: a fixed-size grid of tiles, each with its ground (hole, open, stone, chocolate),
//! blocker layers and the piece it holds.
//!
//! Piece kinds and blocker layers live here, in the grid, rather than as ECS components: every
//! rule (detection, specials, combos, gravity, shuffle) is a neighbourhood query by cell, the
//! whole board is ~500 bytes that the bots copy freely as their pure model, and hashing it in
//! canonical cell order is one word per cell. Only the motion of pieces lives in the ECS world
//! (see `motion.rs`).

use crate::kernel::input::{Cell, Direction};

/// Fewest rows a level may have.
pub const GRID_ROWS_MIN: u8 = 3;
/// Most rows a level may have.
pub const GRID_ROWS_MAX: u8 = 9;
/// Fewest columns a level may have.
pub const GRID_COLS_MIN: u8 = 3;
/// Most columns a level may have; also the row stride of [`Board`]'s tile array.
pub const GRID_COLS_MAX: u8 = 9;
/// Tiles in the fixed-size grid storage.
pub const CELLS_MAX: usize = GRID_ROWS_MAX as usize * GRID_COLS_MAX as usize;
/// Fewest piece colours a level may use.
pub const COLORS_MIN: u8 = 3;
/// Most piece colours a level may use.
pub const COLORS_MAX: u8 = 6;
/// Most layers of ice or jelly on one cell.
pub const LAYERS_MAX: u8 = 3;
/// Shortest line of one colour that clears.
pub const LINE_MIN: u8 = 3;
/// The letters that name colours 0 to 5 in level files.
pub const COLOR_LETTERS: [char; COLORS_MAX as usize] = ['R', 'G', 'B', 'Y', 'P', 'O'];

/// A set of cells as a bit mask over tile indices (81 bits fit in a `u128`).
pub type CellSet = u128;

/// One bit of a [`CellSet`].
#[inline]
pub fn bit(index: usize) -> CellSet {
    1u128 << index
}

/// A piece colour, `0..colors`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Color(pub u8);

impl Color {
    pub fn letter(self) -> char {
        COLOR_LETTERS[usize::from(self.0)]
    }

    pub fn from_letter(letter: char) -> Option<Color> {
        COLOR_LETTERS
            .iter()
            .position(|&known| known == letter)
            .map(|index| Color(index as u8))
    }
}

/// Which line a striped piece clears.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Axis {
    /// Clears its whole row.
    Row,
    /// Clears its whole column.
    Col,
}

impl Axis {
    /// The axis a swap in `direction` moves along.
    pub fn of(direction: Direction) -> Axis {
        match direction {
            Direction::Left | Direction::Right => Axis::Row,
            Direction::Up | Direction::Down => Axis::Col,
        }
    }
}

/// A piece on the board.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Piece {
    Plain(Color),
    /// Made by a line of 4; clears its row or column when triggered.
    Striped(Color, Axis),
    /// Made by an L, T or + of 5 or more; blasts 3x3 when triggered, then again once it has
    /// fallen.
    Wrapped(Color),
    /// A wrapped piece after its first blast: it no longer matches, and blasts the square of
    /// `radius` cells around it when the board next comes to rest.
    Detonating(Color, u8),
    /// Made by a line of 5; swapped with a piece, clears every piece of that colour.
    ColorBomb,
}

impl Piece {
    /// The colour this piece matches with, if it can be part of a line.
    #[inline]
    pub fn match_color(self) -> Option<Color> {
        match self {
            Piece::Plain(color) | Piece::Striped(color, _) | Piece::Wrapped(color) => Some(color),
            Piece::Detonating(..) | Piece::ColorBomb => None,
        }
    }

    /// The colour drawn and collected, if any.
    pub fn color(self) -> Option<Color> {
        match self {
            Piece::Plain(color)
            | Piece::Striped(color, _)
            | Piece::Wrapped(color)
            | Piece::Detonating(color, _) => Some(color),
            Piece::ColorBomb => None,
        }
    }

    /// True for striped, wrapped and colour bomb pieces: the ones that combine when swapped.
    pub fn is_swappable_special(self) -> bool {
        matches!(
            self,
            Piece::Striped(..) | Piece::Wrapped(_) | Piece::ColorBomb
        )
    }

    /// Stable code for hashing: tag in bits 0-2, colour in 3-5, axis or radius in 6-7.
    fn code(self) -> u64 {
        let (tag, color, extra) = match self {
            Piece::Plain(color) => (1u64, color.0, 0u64),
            Piece::Striped(color, Axis::Row) => (2, color.0, 0),
            Piece::Striped(color, Axis::Col) => (2, color.0, 1),
            Piece::Wrapped(color) => (3, color.0, 0),
            Piece::Detonating(color, radius) => (4, color.0, u64::from(radius)),
            Piece::ColorBomb => (5, 0, 0),
        };
        tag | (u64::from(color) << 3) | (extra << 6)
    }
}

/// What a cell is made of, beneath any piece.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ground {
    /// Not part of the board; pieces fall past it.
    Hole,
    /// Holds a piece.
    Open,
    /// Immovable and indestructible; blocks falling pieces.
    Stone,
    /// The spreading blocker: holds no piece, blocks falling pieces, destroyed by a match next to
    /// it or a blast on it, and spreads at the end of a move in which none was destroyed.
    Chocolate,
}

/// One cell of the board.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tile {
    pub ground: Ground,
    /// Ice layers locking the piece in place: it cannot be swapped or fall, still matches, and
    /// each hit removes a layer instead of the piece.
    pub ice: u8,
    /// Jelly layers beneath the piece: each time a piece is cleared here, one layer goes.
    pub jelly: u8,
    pub piece: Option<Piece>,
}

impl Tile {
    pub const HOLE: Tile = Tile {
        ground: Ground::Hole,
        ice: 0,
        jelly: 0,
        piece: None,
    };

    /// True when a piece may rest here (open ground).
    #[inline]
    pub fn is_slot(&self) -> bool {
        self.ground == Ground::Open
    }

    /// True when the piece here may be swapped and fall: open ground without ice.
    #[inline]
    pub fn is_free(&self) -> bool {
        self.ground == Ground::Open && self.ice == 0
    }

    /// Everything about this tile in 16 bits, for the state hash.
    fn hash_word(&self) -> u64 {
        let ground = match self.ground {
            Ground::Hole => 0u64,
            Ground::Open => 1,
            Ground::Stone => 2,
            Ground::Chocolate => 3,
        };
        let piece = self.piece.map_or(0, Piece::code);
        ground | (u64::from(self.ice) << 2) | (u64::from(self.jelly) << 4) | (piece << 8)
    }
}

/// The grid: `rows x cols` tiles stored row-major with a fixed stride of [`GRID_COLS_MAX`], so a
/// tile index is `row * 9 + col` whatever the level's size.
/// Tiles outside `rows x cols` are holes without pieces, always.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Board {
    rows: u8,
    cols: u8,
    tiles: [Tile; CELLS_MAX],
}

/// Tile-index distance between vertically adjacent cells.
pub const STRIDE: usize = GRID_COLS_MAX as usize;

/// The tile indices of a grid in row-major order (see [`Board::indices`]). One comparison per
/// index: the walk jumps the stride's gap only at a row's end.
#[derive(Clone, Debug)]
pub struct Indices {
    index: usize,
    /// One past the last index of the current row.
    row_end: usize,
    /// One past the last index of the last row.
    end: usize,
    /// Indices past the grid's width in each row of the stride.
    gap: usize,
}

impl Iterator for Indices {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        if self.index == self.row_end {
            if self.row_end == self.end {
                return None;
            }
            self.index += self.gap;
            self.row_end += STRIDE;
        }
        let index = self.index;
        self.index += 1;
        Some(index)
    }
}

impl Board {
    /// An all-hole board of `rows x cols`; callers fill in the tiles.
    pub fn new(rows: u8, cols: u8) -> Board {
        assert!((GRID_ROWS_MIN..=GRID_ROWS_MAX).contains(&rows));
        assert!((GRID_COLS_MIN..=GRID_COLS_MAX).contains(&cols));
        Board {
            rows,
            cols,
            tiles: [Tile::HOLE; CELLS_MAX],
        }
    }

    #[inline]
    pub fn rows(&self) -> u8 {
        self.rows
    }

    #[inline]
    pub fn cols(&self) -> u8 {
        self.cols
    }

    /// The tile index of `cell`, if it is inside the grid.
    #[inline]
    pub fn index(&self, cell: Cell) -> Option<usize> {
        (cell.row < self.rows && cell.col < self.cols)
            .then(|| usize::from(cell.row) * STRIDE + usize::from(cell.col))
    }

    /// The cell of tile `index`.
    #[inline]
    pub fn cell(index: usize) -> Cell {
        Cell::new((index / STRIDE) as u8, (index % STRIDE) as u8)
    }

    #[inline]
    pub fn tile(&self, index: usize) -> &Tile {
        &self.tiles[index]
    }

    #[inline]
    pub fn tile_mut(&mut self, index: usize) -> &mut Tile {
        &mut self.tiles[index]
    }

    /// The tiles of every row of the grid, full stride: tiles past the last column are holes.
    #[inline]
    pub fn row_tiles(&self) -> &[Tile] {
        &self.tiles[..usize::from(self.rows) * STRIDE]
    }

    /// The tile at `cell`, if it is inside the grid.
    pub fn tile_at(&self, cell: Cell) -> Option<&Tile> {
        self.index(cell).map(|index| &self.tiles[index])
    }

    #[inline]
    pub fn piece(&self, index: usize) -> Option<Piece> {
        self.tiles[index].piece
    }

    #[inline]
    pub fn match_color(&self, index: usize) -> Option<Color> {
        self.tiles[index].piece.and_then(Piece::match_color)
    }

    /// The neighbour of tile `index` in `direction`, if inside the grid.
    #[inline]
    pub fn step(&self, index: usize, direction: Direction) -> Option<usize> {
        let cell = Board::cell(index);
        self.index(cell.neighbour(direction)?)
    }

    /// Every tile index of the grid, in canonical (row-major) order.
    #[inline]
    pub fn indices(&self) -> Indices {
        let cols = usize::from(self.cols);
        Indices {
            index: 0,
            row_end: cols,
            end: (usize::from(self.rows) - 1) * STRIDE + cols,
            gap: STRIDE - cols,
        }
    }

    /// Swaps the pieces of two tiles.
    pub fn swap_pieces(&mut self, a: usize, b: usize) {
        let piece = self.tiles[a].piece;
        self.tiles[a].piece = self.tiles[b].piece;
        self.tiles[b].piece = piece;
    }

    /// Jelly layers left on the whole board.
    pub fn jelly_layers(&self) -> u32 {
        self.indices()
            .map(|index| u32::from(self.tiles[index].jelly))
            .sum()
    }

    /// True when any tile is chocolate.
    pub fn has_chocolate(&self) -> bool {
        self.indices()
            .any(|index| self.tiles[index].ground == Ground::Chocolate)
    }

    /// Hashes every tile in canonical order, four 16-bit tile codes to a word (a checkpoint
    /// hash of a 9x9 board is 21 words, not 81).
    pub fn hash_into(&self, hasher: &mut crate::kernel::hash::StateHasher) {
        self.hash_words().hash_into(hasher);
    }

    /// The words [`Board::hash_into`] writes: the grid size, then the tiles' 16-bit hash
    /// words packed four to a word in row-major order. A still board's words never change,
    /// so a game can keep them between checkpoints.
    pub fn hash_words(&self) -> BoardWords {
        let mut words = [0u64; BOARD_WORDS_MAX];
        words[0] = u64::from(self.rows);
        words[1] = u64::from(self.cols);
        let mut len = 2;
        let mut word = 0u64;
        let mut packed = 0;
        // Row slices rather than `indices()`: the walk is hot (every checkpoint of a new board).
        let cols = usize::from(self.cols);
        for row in self.tiles.chunks_exact(STRIDE).take(usize::from(self.rows)) {
            for tile in &row[..cols] {
                word = (word << 16) | tile.hash_word();
                packed += 1;
                if packed == 4 {
                    words[len] = word;
                    len += 1;
                    word = 0;
                    packed = 0;
                }
            }
        }
        if packed > 0 {
            words[len] = word;
            len += 1;
        }
        BoardWords {
            words,
            len: len as u8,
        }
    }
}

/// Most words a board hashes to: the grid size, and the largest grid's tiles four to a word.
const BOARD_WORDS_MAX: usize = 2 + CELLS_MAX.div_ceil(4);

/// A board's hash words ([`Board::hash_words`]), written by [`BoardWords::hash_into`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BoardWords {
    words: [u64; BOARD_WORDS_MAX],
    len: u8,
}

impl BoardWords {
    /// The words, in the order they are hashed.
    pub fn as_slice(&self) -> &[u64] {
        &self.words[..usize::from(self.len)]
    }

    pub fn hash_into<H: crate::kernel::hash::WriteWords>(&self, hasher: &mut H) {
        for &word in &self.words[..usize::from(self.len)] {
            hasher.write_u64(word);
        }
    }
}
