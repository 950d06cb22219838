//! The level loader never panics: any bytes give a valid level or a list of problems, and a
//! loaded level passes its own validation.
#![no_main]

use game_core::Level;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(level) = Level::from_json(bytes) {
        assert!(level.problems().is_empty());
    }
});
