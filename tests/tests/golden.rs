//! Every golden replay under `tests/golden/` reproduces its recorded score, stars, ticks and
//! every checkpoint hash exactly.

use playproof_tests::golden::GoldenReplay;
use playproof_tests::levels::repo_root;

#[test]
fn golden_replays_reproduce_exactly() {
    let dir = repo_root().join("tests/golden");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/golden exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "json")
        })
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 20,
        "expected at least 20 golden replays, found {}",
        paths.len()
    );
    let failures: Vec<String> = paths
        .iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let golden: GoldenReplay = serde_json::from_str(&text)
                .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
            golden
                .check()
                .err()
                .map(|error| format!("{}: {error:#}", path.display()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} golden replays differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
