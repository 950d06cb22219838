//! The proof decoder never panics, and whatever it accepts is canonical: re-encoding the
//! decoded proof gives back exactly the bytes its signature covers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playproof_proof::{decode_proof, PROOF_BYTES_MAX};

fuzz_target!(|bytes: &[u8]| {
    if let Ok(proof) = decode_proof(bytes) {
        assert!(bytes.len() <= PROOF_BYTES_MAX);
        let again = proof.body().encode_unsigned().expect("a decoded proof re-encodes");
        assert_eq!(again.as_slice(), proof.signed_bytes());
    }
});
