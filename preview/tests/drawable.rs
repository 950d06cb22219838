//! Every level that parses and whose fields are each valid is drawn, including those that break
//! a named rule (the designer page shows them beside their problems); the rest are not.

use std::path::Path;

use game_core::Level;
use playproof_preview::{drawable, picture, svg, Theme};

fn theme() -> Theme {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/themes/default.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn json_files(relative: &str) -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let mut files: Vec<_> = walk(&dir);
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flat_map(|entry| {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path)
            } else if path
                .extension()
                .is_some_and(|extension| extension == "json")
            {
                vec![path]
            } else {
                Vec::new()
            }
        })
        .collect()
}

/// Shapes by SVG element name.
fn count(drawing: &str, element: &str) -> usize {
    drawing.matches(&format!("<{element} ")).count()
}

#[test]
fn every_shipped_level_is_drawn_with_its_pieces_or_walls() {
    let theme = theme();
    for file in json_files("../assets/levels") {
        let level = Level::from_json(&std::fs::read(&file).unwrap()).unwrap();
        let drawing = svg(&picture(&level, 1, &theme));
        assert!(drawing.starts_with("<svg") && drawing.ends_with("</svg>\n"));
        assert!(count(&drawing, "circle") > 3, "{}", file.display());
    }
}

#[test]
fn a_level_that_breaks_only_named_rules_is_drawn_and_one_with_a_bad_field_is_not() {
    let theme = theme();
    let mut drawn = Vec::new();
    let mut refused = 0;
    for file in json_files("../designer/tests/malformed") {
        let Ok(level) = Level::parse(&std::fs::read(&file).unwrap()) else {
            continue;
        };
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        if drawable(&level) {
            let drawing = svg(&picture(&level, 1, &theme));
            assert!(count(&drawing, "circle") > 0, "{name}");
            drawn.push(name);
        } else {
            refused += 1;
        }
    }
    for named in [
        "merge-tier-wider-than-container.json",
        "no-possible-swap-all-iced.json",
        "no-possible-swap-strip.json",
        "collect-out-of-reach.json",
        "name-invisible.json",
    ] {
        assert!(
            drawn.iter().any(|name| name == named),
            "{named} not drawn: {drawn:?}"
        );
    }
    assert!(refused >= 10, "{refused} refused");
}

#[test]
fn the_pages_preview_is_the_clis_drawing_or_says_why_not() {
    let theme_json = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/themes/default.json"),
    )
    .unwrap();
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/levels/match3/m3-05-jelly.json");
    let bytes = std::fs::read(file).unwrap();
    let level = Level::from_json(&bytes).unwrap();
    assert_eq!(
        playproof_preview::preview_svg(&bytes, 3, &theme_json).unwrap(),
        svg(&picture(&level, 3, &theme()))
    );
    let bad_field = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../designer/tests/malformed/colors-too-many.json"),
    )
    .unwrap();
    let refused = |bytes: &[u8], theme: &str| {
        playproof_preview::preview_svg(bytes, 1, theme)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        refused(&bad_field, &theme_json),
        "no preview until every field is valid"
    );
    assert_eq!(
        refused(b"{\"id\": ", &theme_json),
        "no preview: the file does not read as a level (line 1, column 7: EOF while parsing a value)"
    );
    assert!(refused(&bytes, "{}").starts_with("no preview: the theme is not valid (missing field"));
}
