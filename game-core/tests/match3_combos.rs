//! The rulebook, special + special: every pair of specials swapped together, and a colour bomb
//! with anything. Boards are exact; cells the refill would fill show as `_`.

mod match3_support;

use game_core::Direction::Right;
use match3_support::{check, swap};

fn level(size: usize, pieces: &[&str]) -> String {
    let layout = vec![".".repeat(size); size];
    format!(
        r#""layout": {layout:?}, "pieces": {pieces:?}, "colors": 6, "moves": 10,
           "objectives": [{{"score": 1000}}], "stars": [1000, 2000, 3000]"#
    )
}

/// Colour of cell (r, c) is (2r + c) mod 6: no two neighbours in a row share a colour and a
/// column repeats only every third row, so the base board has no line and no cascade.
fn base_6x6(overrides: &[(usize, usize, &str)]) -> String {
    let letters = ["R", "G", "B", "Y", "P", "O"];
    let rows: Vec<String> = (0..6)
        .map(|row| {
            (0..6)
                .map(|col| {
                    overrides
                        .iter()
                        .find(|&&(r, c, _)| (r, c) == (row, col))
                        .map_or(letters[(2 * row + col) % 6], |&(_, _, token)| token)
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    level(6, &rows)
}

const EMPTY_6: &str = "_ _ _ _ _ _";

#[test]
fn striped_and_striped_clear_the_row_and_column_through_the_target() {
    let level = level(
        5,
        &[
            "P O G P O",
            "O P B O Y",
            "B R- G| Y G",
            "Y B R B O",
            "G Y B O B",
        ],
    );
    let result = check(&level, 1, &[swap(2, 1, Right)]);
    assert_eq!(
        result.board,
        [
            "_ _ _ _ _",
            "P O _ P O",
            "O P _ O Y",
            "Y B _ B O",
            "G Y _ O B",
        ]
    );
    assert_eq!(result.points, 9 * 20);
}

#[test]
fn striped_and_wrapped_clear_three_rows_and_three_columns() {
    let level = level(
        5,
        &[
            "P O G P O",
            "O P B O Y",
            "B R- G+ Y G",
            "Y B R B O",
            "G Y B O B",
        ],
    );
    let result = check(&level, 1, &[swap(2, 1, Right)]);
    assert_eq!(
        result.board,
        [
            "_ _ _ _ _",
            "_ _ _ _ _",
            "_ _ _ _ _",
            "P _ _ _ O",
            "G _ _ _ B",
        ]
    );
    assert_eq!(result.points, 21 * 20);
}

#[test]
fn wrapped_and_wrapped_blast_five_by_five_twice() {
    let level = base_6x6(&[(1, 0, "B+"), (1, 1, "Y+")]);
    let result = check(&level, 1, &[swap(1, 0, Right)]);
    // First blast around (1,1): rows 0-3, columns 0-3. The survivor falls to (3,1) and blasts
    // rows 1-5, columns 0-3 in the second wave, at double points.
    assert_eq!(
        result.board,
        [
            "_ _ _ _ P O",
            "_ _ _ _ R G",
            "_ _ _ _ B Y",
            "_ _ _ _ P O",
            "_ _ _ _ R G",
            "_ _ _ _ B Y",
        ]
    );
    assert_eq!(result.points, 15 * 20 + 9 * 20 * 2);
}

#[test]
fn bomb_and_striped_turn_every_piece_of_that_colour_striped_and_fire_them() {
    let level = base_6x6(&[(2, 2, "*"), (2, 3, "G-")]);
    let result = check(&level, 1, &[swap(2, 2, Right)]);
    // Greens at (0,1) (3,1) (1,5) (4,5) (5,3) and the swapped (2,2): stripes alternate by cell
    // parity, clearing columns 1 and 5 and rows 1, 2, 3 and 5.
    assert_eq!(
        result.board,
        [
            EMPTY_6,
            EMPTY_6,
            EMPTY_6,
            EMPTY_6,
            "R _ B Y P _",
            "B _ P O R _"
        ]
    );
    assert_eq!(result.points, 28 * 20);
}

#[test]
fn bomb_and_wrapped_turn_every_piece_of_that_colour_wrapped_and_fire_them_twice() {
    let level = base_6x6(&[(2, 2, "*"), (2, 3, "G+")]);
    let result = check(&level, 1, &[swap(2, 2, Right)]);
    assert_eq!(result.board, [EMPTY_6; 6]);
    // 27 pieces in the first wave; the six wrapped pieces and three more in the second.
    assert_eq!(result.points, 27 * 20 + 9 * 20 * 2);
}

#[test]
fn bomb_and_bomb_clear_the_whole_board() {
    let level = base_6x6(&[(2, 2, "*"), (2, 3, "*")]);
    let result = check(&level, 1, &[swap(2, 2, Right)]);
    assert_eq!(result.board, [EMPTY_6; 6]);
    assert_eq!(result.points, 36 * 20);
}

#[test]
fn bomb_and_plain_piece_is_a_legal_swap_even_without_a_line() {
    // (2,3) is G and no line forms; the bomb makes the swap legal and clears all six greens.
    let level = base_6x6(&[(2, 2, "*")]);
    let result = check(&level, 1, &[swap(2, 2, Right)]);
    assert_eq!(result.points, 7 * 20);
    assert!(result.board.iter().all(|row| !row.contains('G')));
}
