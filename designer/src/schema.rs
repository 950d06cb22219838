//! The JSON Schema of level files, generated from the Rust level types so editors validate and
//! complete exactly what the game accepts. Committed as `assets/schema/level.schema.json`; a
//! test keeps the committed copy current.

use game_core::Level;

/// Where the committed schema lives, relative to the repository root.
pub const SCHEMA_PATH: &str = "assets/schema/level.schema.json";

/// The schema as pretty-printed JSON with a trailing newline.
pub fn level_schema_json() -> String {
    let mut schema = schemars::schema_for!(Level);
    schema.insert("title".into(), "PlayProof level".into());
    schema.insert(
        "description".into(),
        "A level file under assets/levels/. Generated from game-core's level types by `playproof levels schema`; \
         semantic rules (sizes, thresholds, reachability) are checked by `playproof levels check`."
            .into(),
    );
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serialises");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_schema_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(SCHEMA_PATH);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == level_schema_json(),
            "{} is out of date: run `cargo run -p playproof -- levels schema --write`",
            SCHEMA_PATH
        );
    }
}
