//! The ticket decoder never panics, and whatever it accepts is canonical: re-encoding the
//! decoded ticket gives back exactly the bytes its signature covers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playproof_proof::{decode_ticket, TICKET_BYTES_MAX};

fuzz_target!(|bytes: &[u8]| {
    if let Ok(ticket) = decode_ticket(bytes) {
        assert!(bytes.len() <= TICKET_BYTES_MAX);
        let again = ticket
            .body
            .encode_unsigned(ticket.key_id)
            .expect("a decoded ticket re-encodes");
        assert_eq!(again.as_slice(), ticket.signed_bytes());
    }
});
