//! serde's messages in a designer's words: ranges instead of Rust type names, "did you mean"
//! for near-miss field names, comments and byte-order marks named as such, and columns counted
//! in characters from 1, as editors count them.

use game_core::match3::board::{COLORS_MAX, COLORS_MIN};
use game_core::match3::level::{ANIMATION_TICKS_MAX, COLLECT_COUNT_MAX, MOVES_MAX, POINTS_MAX};
use game_core::merge::{
    DANGER_GRACE_TICKS_MAX, DANGER_GRACE_TICKS_MIN, DROPPABLE_TIERS_MAX, DROP_COOLDOWN_TICKS_MAX,
    DROP_COOLDOWN_TICKS_MIN, FRICTION_MAX_PERMILLE, RESTITUTION_MAX_PERMILLE, SCORE_MAX,
    TIME_LIMIT_TICKS_MIN,
};
use game_core::SESSION_TICKS_MAX;
use playproof_payout::TIER_PAYOUT_FEN_MAX;

/// The allowed values of a numeric field, by its path with array indices removed, for the
/// fields whose range is known before parsing. Other numbers fall back to their type's range.
fn field_range(path: &str) -> Option<String> {
    let field: String = strip_indices(path);
    let range = |low: i64, high: i64| Some(format!("{low} to {high}"));
    match field.as_str() {
        "game.match3.colors" => range(COLORS_MIN.into(), COLORS_MAX.into()),
        "game.match3.moves" => range(1, MOVES_MAX.into()),
        "game.match3.objectives.collect.count" => range(1, COLLECT_COUNT_MAX.into()),
        "game.match3.motion.swap_ticks" => range(1, ANIMATION_TICKS_MAX.into()),
        "game.match3.motion.clear_ticks" => range(0, ANIMATION_TICKS_MAX.into()),
        "game.merge_drop.droppable_tiers" => range(1, DROPPABLE_TIERS_MAX.into()),
        "game.merge_drop.restitution_permille" => range(0, RESTITUTION_MAX_PERMILLE.into()),
        "game.merge_drop.friction_permille" => range(0, FRICTION_MAX_PERMILLE.into()),
        "game.merge_drop.tiers.score" => range(1, SCORE_MAX.into()),
        "game.merge_drop.top_pair_bonus" => range(0, SCORE_MAX.into()),
        "game.merge_drop.danger_grace_ticks" => {
            range(DANGER_GRACE_TICKS_MIN.into(), DANGER_GRACE_TICKS_MAX.into())
        }
        "game.merge_drop.drop_cooldown_ticks" => range(
            DROP_COOLDOWN_TICKS_MIN.into(),
            DROP_COOLDOWN_TICKS_MAX.into(),
        ),
        "game.merge_drop.time_limit_ticks" => {
            range(TIME_LIMIT_TICKS_MIN.into(), SESSION_TICKS_MAX.into())
        }
        _ if field.starts_with("game.match3.scoring.") => range(0, POINTS_MAX.into()),
        // Payout tables.
        "tiers.payout_fen" | "budget_per_play_fen" | "sponsor.boost_fen" => {
            range(0, TIER_PAYOUT_FEN_MAX)
        }
        _ => None,
    }
}

fn strip_indices(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0;
    for character in path.chars() {
        match character {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(character),
            _ => {}
        }
    }
    out
}

/// The range a Rust integer type holds, in words.
fn type_range(rust_type: &str) -> Option<&'static str> {
    Some(match rust_type {
        "u8" => "0 to 255",
        "u16" => "0 to 65535",
        "u32" => "0 to 4294967295",
        "u64" => "0 to 18446744073709551615",
        "i32" => "-2147483648 to 2147483647",
        "i64" => "-9223372036854775808 to 9223372036854775807",
        _ => return None,
    })
}

/// Rewrites serde's "invalid type/value: X, expected T" for a field at `path` as
/// "found X; allowed: RANGE"; other messages are returned unchanged.
pub fn explain_value_error(path: &str, message: &str) -> String {
    let Some((kind_and_found, expected)) = message.split_once(", expected ") else {
        return message.to_string();
    };
    let Some(found) = kind_and_found
        .strip_prefix("invalid type: ")
        .or_else(|| kind_and_found.strip_prefix("invalid value: "))
    else {
        return message.to_string();
    };
    let Some(type_words) = type_range(expected.trim()) else {
        return message.to_string();
    };
    let allowed = field_range(path).unwrap_or_else(|| type_words.to_string());
    let (found, whole) = describe_found(found);
    let allowed = if whole {
        allowed
    } else {
        format!("a whole number, {allowed}")
    };
    format!("found {found}; allowed: {allowed}")
}

/// serde's description of a found value, in a designer's words; whether it was an integer.
fn describe_found(found: &str) -> (String, bool) {
    let quoted = |prefix: &str| {
        found
            .strip_prefix(prefix)
            .map(|rest| rest.trim_matches('`').to_string())
    };
    if let Some(integer) = quoted("integer ") {
        return (integer, true);
    }
    if let Some(number) = quoted("floating point ") {
        return (format!("{number} (a fraction)"), false);
    }
    if let Some(text) = found.strip_prefix("string ") {
        return (format!("{text} (text)"), false);
    }
    if let Some(boolean) = quoted("boolean ") {
        return (format!("{boolean} (true/false)"), false);
    }
    let words = match found {
        "map" => "an object",
        "sequence" => "a list",
        "null" => "null",
        other => other,
    };
    (words.to_string(), false)
}

/// Adds "did you mean `x`?" to serde's "unknown field `y`, expected one of ..." when one of the
/// expected names is a near miss (a typo, a missing or extra letter, a wrong case).
pub fn explain_unknown_field(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((unknown, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let candidates: Vec<&str> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|name| !name.is_empty())
        .collect();
    let nearest = candidates
        .iter()
        .map(|name| {
            (
                edit_distance(&unknown.to_lowercase(), &name.to_lowercase()),
                *name,
            )
        })
        .min();
    match nearest {
        Some((distance, name)) if distance <= near_miss_max(unknown) => {
            format!("unknown field `{unknown}`; did you mean `{name}`?")
        }
        _ => message.to_string(),
    }
}

/// How many edits still count as a typo: one for short names, up to three for long ones.
fn near_miss_max(name: &str) -> usize {
    (name.chars().count() / 4).clamp(1, 3)
}

/// Edit distance over characters, counting a swap of two neighbours as one edit (the commonest
/// typo: `nmae` for `name`).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    // rows[i][j]: distance between a[..i] and b[..j].
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// Names what sits at a syntax error when designers meet it coming from other formats: a
/// comment, a doubled or trailing comma. `None` when serde's own message is the best one.
pub fn explain_syntax_error(text: &str, line: usize, byte_column: usize) -> Option<String> {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let offset = (line_start + byte_column.saturating_sub(1)).min(text.len());
    let at = text.get(offset..)?;
    let before = text.get(..offset)?.trim_end();
    if at.starts_with("//") || at.starts_with("/*") || before.ends_with('/') {
        return Some(
            "a comment (// or /* */): JSON has no comments; delete it, or keep notes outside the level file"
                .into(),
        );
    }
    if at.starts_with('#') {
        return Some("a # comment: JSON has no comments; delete it".into());
    }
    if at.starts_with(',') && before.ends_with(',') {
        return Some("two commas in a row: delete one".into());
    }
    let value_end =
        before.ends_with(['"', ']', '}']) || before.ends_with(|c: char| c.is_ascii_digit());
    if at.starts_with('"') && value_end {
        return Some("a missing comma: put , between the two values".into());
    }
    if (at.starts_with('}') || at.starts_with(']')) && before.ends_with(',') {
        return Some(
            "a comma after the last item: JSON allows none before } or ]; delete it".into(),
        );
    }
    None
}

/// serde_json counts a line's bytes; editors count characters from 1. Converts serde's column
/// on `line` (1-based) into a character column, at least 1.
pub fn character_column(text: &str, line: usize, byte_column: usize) -> usize {
    let Some(line_text) = line
        .checked_sub(1)
        .and_then(|index| text.lines().nth(index))
    else {
        return byte_column.max(1);
    };
    let mut end = byte_column.min(line_text.len());
    while !line_text.is_char_boundary(end) {
        end -= 1;
    }
    // serde's column is that of the last byte it read: the character it stopped at.
    line_text[..end].chars().count().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_become_ranges() {
        assert_eq!(
            explain_value_error(
                "game.match3.moves",
                "invalid type: string \"fifteen\", expected u16"
            ),
            "found \"fifteen\" (text); allowed: a whole number, 1 to 99"
        );
        assert_eq!(
            explain_value_error(
                "game.match3.colors",
                "invalid value: integer `-1`, expected u8"
            ),
            "found -1; allowed: 3 to 6"
        );
        assert_eq!(
            explain_value_error(
                "game.merge_drop.tiers[2].radius_milli",
                "invalid type: floating point `1.5`, expected i32"
            ),
            "found 1.5 (a fraction); allowed: a whole number, -2147483648 to 2147483647"
        );
    }

    #[test]
    fn near_miss_field_names_get_a_suggestion() {
        assert_eq!(
            explain_unknown_field(
                "unknown field `color`, expected one of `layout`, `colors`, `moves`"
            ),
            "unknown field `color`; did you mean `colors`?"
        );
        let far = "unknown field `gravity`, expected one of `layout`, `colors`";
        assert_eq!(explain_unknown_field(far), far);
        assert_eq!(edit_distance("stras", "stars"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn comments_and_stray_commas_are_named() {
        let text = "{\n  \"a\": 1, // note\n  \"b\": [1, 2,]\n}";
        assert!(explain_syntax_error(text, 2, 11)
            .unwrap()
            .starts_with("a comment"));
        assert!(explain_syntax_error(text, 3, 14)
            .unwrap()
            .starts_with("a comma after"));
        assert_eq!(explain_syntax_error(text, 1, 1), None);
    }

    #[test]
    fn columns_count_characters() {
        let text = "{\n  \"name\": \"星星\", x\n}";
        // "星星" is 6 bytes: the x at serde's byte column 21 is at character column 17.
        assert_eq!(character_column(text, 2, 21), 17);
        assert_eq!(character_column(text, 2, 0), 1);
    }
}
