//! The rulebook, special pieces: which shapes make which specials, where they appear, and what
//! each does when it is cleared. Boards are exact; cells the refill would fill show as `_`.

mod match3_support;

use game_core::Direction::{Right, Up};
use match3_support::{check, swap};

/// A 5x5 open level with six colours and the given fixed pieces.
fn board_5x5(pieces: [&str; 5]) -> String {
    format!(
        r#""layout": [".....", ".....", ".....", ".....", "....."],
           "pieces": {pieces:?}, "colors": 6, "moves": 10,
           "objectives": [{{"score": 1000}}], "stars": [1000, 2000, 3000]"#
    )
}

#[test]
fn a_line_of_four_makes_a_striped_piece_on_the_swapped_cell_along_the_swap() {
    let level = board_5x5([
        "P O G P O",
        "O P B O Y",
        "R R Y R G",
        "Y B R B Y",
        "G Y B Y B",
    ]);
    // R moves up into the gap: four reds in row 2; the swap was vertical, so a column stripe.
    let result = check(&level, 1, &[swap(3, 2, Up)]);
    assert_eq!(
        result.board,
        [
            "_ _ G _ O",
            "P O B P Y",
            "O P R| O G",
            "Y B Y B Y",
            "G Y B Y B",
        ]
    );
    // Four pieces at 20, one special at 60.
    assert_eq!(result.points, 4 * 20 + 60);
}

#[test]
fn an_l_of_five_makes_a_wrapped_piece_on_the_swapped_cell() {
    let level = board_5x5([
        "P O G P O",
        "O P R O Y",
        "B G R Y G",
        "R R Y B P",
        "G Y R O B",
    ]);
    let result = check(&level, 1, &[swap(4, 2, Up)]);
    assert_eq!(
        result.board,
        [
            "_ _ _ P O",
            "P O _ O Y",
            "O P G Y G",
            "B G R+ B P",
            "G Y Y O B",
        ]
    );
    assert_eq!(result.points, 5 * 20 + 60);
}

#[test]
fn a_line_of_five_makes_a_colour_bomb() {
    let level = board_5x5([
        "P O G P O",
        "O P B O Y",
        "B G Y Y G",
        "R R Y R R",
        "G Y R O B",
    ]);
    let result = check(&level, 1, &[swap(4, 2, Up)]);
    assert_eq!(
        result.board,
        [
            "_ _ G _ _",
            "P O B P O",
            "O P Y O Y",
            "B G * Y G",
            "G Y Y O B",
        ]
    );
    assert_eq!(result.points, 5 * 20 + 60);
}

#[test]
fn a_column_striped_piece_in_a_match_clears_its_column() {
    let level = board_5x5([
        "P O G P O",
        "O P B O Y",
        "R R| Y G G",
        "Y B R B Y",
        "G Y B Y B",
    ]);
    let result = check(&level, 1, &[swap(3, 2, Up)]);
    assert_eq!(
        result.board,
        [
            "_ _ _ P O",
            "P _ G O Y",
            "O _ B G G",
            "Y _ Y B Y",
            "G _ B Y B",
        ]
    );
    // Three matched plus the four others of column 1.
    assert_eq!(result.points, 7 * 20);
}

#[test]
fn a_row_striped_piece_in_a_match_clears_its_row() {
    let level = board_5x5([
        "P O G P O",
        "O P B O Y",
        "R R- Y G G",
        "Y B R B Y",
        "G Y B Y B",
    ]);
    let result = check(&level, 1, &[swap(3, 2, Up)]);
    assert_eq!(
        result.board,
        [
            "_ _ _ _ _",
            "P O G P O",
            "O P B O Y",
            "Y B Y B Y",
            "G Y B Y B",
        ]
    );
    assert_eq!(result.points, 5 * 20);
}

#[test]
fn a_wrapped_piece_blasts_three_by_three_then_again_after_it_falls() {
    let level = board_5x5([
        "P O G P O",
        "O P B O Y",
        "B G Y P G",
        "R R+ Y B O",
        "G Y R O B",
    ]);
    let result = check(&level, 1, &[swap(4, 2, Up)]);
    // First wave: two reds and six blasted around (3,1); the wrapped piece falls to (4,1) and
    // blasts again in the second wave, taking itself and five more at double points.
    assert_eq!(
        result.board,
        [
            "_ _ _ P O",
            "_ _ _ O Y",
            "_ _ _ P G",
            "_ _ _ B O",
            "_ O _ O B",
        ]
    );
    assert_eq!(result.points, 8 * 20 + 6 * 20 * 2);
}

#[test]
fn a_colour_bomb_swapped_with_a_piece_clears_every_piece_of_its_colour() {
    let level = board_5x5([
        "P O G P O",
        "R P B O R",
        "B G * R G",
        "Y R Y B O",
        "G Y R O B",
    ]);
    let result = check(&level, 1, &[swap(2, 2, Right)]);
    assert_eq!(
        result.board,
        [
            "_ _ _ _ _",
            "P O _ P O",
            "B P G O G",
            "Y G B B O",
            "G Y Y O B",
        ]
    );
    // Five reds and the bomb itself.
    assert_eq!(result.points, 6 * 20);
}
