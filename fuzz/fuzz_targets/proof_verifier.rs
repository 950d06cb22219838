//! The whole verifier never panics on arbitrary bytes, judged against a fixed key ring and the
//! shipped levels. (Signatures stop most inputs early; the decoder targets go deeper into the
//! formats, this one guards the glue between the steps.)
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use playproof_proof::{
    KeyId, KeyStatus, Keyring, LevelCatalogue, MemorySessionStore, PlausibilityPolicy, ServerKey,
    Verifier,
};

fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| {
        let server = ServerKey::from_secret(KeyId(1), [0x5e; 32]);
        let mut keyring = Keyring::new();
        keyring
            .add(server.id(), server.public_key(), KeyStatus::Active)
            .expect("valid key");
        let mut levels = LevelCatalogue::new();
        for mode in ["match3", "merge"] {
            let dir = format!("{}/../assets/levels/{mode}", env!("CARGO_MANIFEST_DIR"));
            for entry in std::fs::read_dir(&dir).expect("shipped levels") {
                let path = entry.expect("entry").path();
                if path.extension().is_some_and(|ext| ext == "json") {
                    let _ = levels.insert(&std::fs::read(&path).expect("readable"));
                }
            }
        }
        Verifier::new(keyring, levels, PlausibilityPolicy::default())
    })
}

fuzz_target!(|bytes: &[u8]| {
    let now_ms = 1_800_000_600_000;
    let Ok(_verdict) = verifier().verify(bytes, now_ms, &mut MemorySessionStore::new());
});
