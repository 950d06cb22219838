//! The ticket and proof byte formats of `docs/FORMATS.md`: a golden vector, round trips, and
//! each decoder error named by its reason code.

use game_core::{Action, Cell, Direction, Input};
use playproof_proof::{
    decode_proof, decode_ticket, DecodeError, EncodeError, KeyId, Part, ProofBody, ServerKey,
    SessionId, SessionKey, TicketBody, CHECKPOINTS_MAX, PROOF_BYTES_MAX, PROOF_INPUTS_MAX,
    PROOF_TICKS_MAX, TICKET_BYTES_MAX,
};

fn server() -> ServerKey {
    ServerKey::from_secret(KeyId(0x0102_0304), [0x11; 32])
}

fn session_key() -> SessionKey {
    SessionKey::from_entropy([0x22; 32])
}

fn ticket_body() -> TicketBody {
    TicketBody {
        session_id: SessionId([0xaa; 16]),
        player_id: "p1".into(),
        level_id: "m3-001".into(),
        level_hash: [0xbb; 32],
        seed: 0x0102_0304_0506_0708,
        rules_version: 1,
        issued_at_ms: 1_800_000_000_000,
        expires_at_ms: 1_800_003_600_000,
        session_public_key: session_key().public_key(),
    }
}

fn proof_body() -> ProofBody {
    ProofBody {
        ticket: server().issue_ticket(&ticket_body()).unwrap(),
        inputs: vec![Input {
            tick: 90,
            action: Action::Swap {
                cell: Cell::new(2, 3),
                direction: Direction::Right,
            },
        }],
        claimed_score: 1234,
        final_tick: 600,
        final_hash: 0x1122_3344_5566_7788,
        checkpoint_hashes: vec![0xdead_beef],
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The example ticket of `docs/FORMATS.md`, signature included.
const EXAMPLE_TICKET_HEX: &str =
    "5050544b0104030201aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa027031066d332d303031\
bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb0807060504030201010000505c18a301\
0000803e9318a3010000a09aa5f47a6759802ff955f8dc2d2a14a5c99d23be97f864127ff9383455a4f0013c1b05cd\
2a238d3cb439cfc44e4f0be144ec0594e6fdbf309e925716fad06d3880c4cd3ee01c265406e7ce49071a0c35e00851\
d2b16b1183665126f5ba9a07";

/// The example in `docs/FORMATS.md`, field by field (signature excluded: it is checked by
/// verifying it, and Ed25519 signatures are deterministic so the full bytes are stable too).
#[test]
fn a_ticket_is_laid_out_byte_by_byte_as_documented() {
    let bytes = server().issue_ticket(&ticket_body()).unwrap();
    let fields = [
        hex(b"PPTK"),                             // magic
        "01".into(),                              // format version
        "04030201".into(),                        // key id 0x01020304, LE
        "aa".repeat(16),                          // session id
        "02".to_string() + &hex(b"p1"),           // player id
        "06".to_string() + &hex(b"m3-001"),       // level id
        "bb".repeat(32),                          // level hash
        "0807060504030201".into(),                // seed, LE
        "0100".into(),                            // rules version 1, LE
        hex(&1_800_000_000_000u64.to_le_bytes()), // issued at
        hex(&1_800_003_600_000u64.to_le_bytes()), // expires at
        hex(&session_key().public_key()),         // session public key
    ];
    let unsigned = fields.concat();
    assert_eq!(hex(&bytes[..bytes.len() - 64]), unsigned);
    assert_eq!(bytes.len(), 181 + 2 + 6);
    assert_eq!(hex(&bytes), EXAMPLE_TICKET_HEX);
}

#[test]
fn a_proof_is_laid_out_byte_by_byte_as_documented() {
    let body = proof_body();
    let bytes = session_key().sign_proof(&body).unwrap();
    // The 189-byte ticket's length in LEB128: 0xbd 0x01.
    assert_eq!(body.ticket.len(), 189);
    let fields = [
        hex(b"PPPF"),
        "01".into(),
        "bd01".into(),
        hex(&body.ticket),
        "01".into(),       // one input
        "5a".into(),       // at tick 90
        "01020303".into(), // swap (2, 3) right
        "d2040000".into(), // score 1234
        "58020000".into(), // final tick 600
        "8877665544332211".into(),
        "01".into(), // one checkpoint
        "efbeadde00000000".into(),
    ];
    assert_eq!(hex(&bytes[..bytes.len() - 64]), fields.concat());
}

#[test]
fn tickets_and_proofs_round_trip() {
    let body = proof_body();
    let bytes = session_key().sign_proof(&body).unwrap();
    let proof = decode_proof(&bytes).unwrap();
    assert_eq!(proof.ticket.body, ticket_body());
    assert_eq!(proof.ticket.key_id, KeyId(0x0102_0304));
    assert_eq!(proof.ticket.bytes(), body.ticket.as_slice());
    assert_eq!(proof.inputs, body.inputs);
    assert_eq!(proof.claimed_score, body.claimed_score);
    assert_eq!(proof.final_tick, body.final_tick);
    assert_eq!(proof.final_hash, body.final_hash);
    assert_eq!(proof.checkpoint_hashes, body.checkpoint_hashes);
    assert_eq!(proof.bytes(), bytes.as_slice());
    assert_eq!(proof.signed_bytes(), &bytes[..bytes.len() - 64]);
}

#[test]
fn wrong_magic_and_unknown_versions_are_named() {
    let ticket = server().issue_ticket(&ticket_body()).unwrap();
    let mut bad = ticket.clone();
    bad[0] = b'X';
    assert_eq!(decode_ticket(&bad).unwrap_err().code(), "bad_magic");
    let mut future = ticket.clone();
    future[4] = 2;
    assert_eq!(
        decode_ticket(&future).unwrap_err(),
        DecodeError::UnsupportedVersion {
            part: Part::Ticket,
            version: 2,
            supported: 1
        }
    );
    let proof = session_key().sign_proof(&proof_body()).unwrap();
    let mut future = proof.clone();
    future[4] = 9;
    assert_eq!(
        decode_proof(&future).unwrap_err().code(),
        "unsupported_format_version"
    );
    assert_eq!(decode_proof(&ticket).unwrap_err().code(), "bad_magic");
}

#[test]
fn trailing_bytes_are_refused_in_tickets_proofs_and_embedded_tickets() {
    let ticket = server().issue_ticket(&ticket_body()).unwrap();
    let longer = [ticket.as_slice(), &[0]].concat();
    assert_eq!(
        decode_ticket(&longer).unwrap_err(),
        DecodeError::TrailingBytes {
            part: Part::Ticket,
            count: 1
        }
    );
    // A ticket with a stray byte inside a proof: the embedded length covers the extra byte.
    let mut body = proof_body();
    body.ticket.push(0);
    let bytes = session_key().sign_proof(&body).unwrap();
    assert_eq!(
        decode_proof(&bytes).unwrap_err(),
        DecodeError::TrailingBytes {
            part: Part::Ticket,
            count: 1
        }
    );
}

#[test]
fn over_long_length_prefixes_are_refused() {
    let ticket = server().issue_ticket(&ticket_body()).unwrap();
    // The player id length 2 written as 0x82 0x00: same value, padded encoding.
    let padded = [&ticket[..25], &[0x82, 0x00], &ticket[26..]].concat();
    assert_eq!(
        decode_ticket(&padded).unwrap_err().code(),
        "overlong_integer"
    );
}

#[test]
fn sizes_over_their_bounds_are_refused_before_reading_further() {
    assert_eq!(
        decode_proof(&vec![0; PROOF_BYTES_MAX + 1]).unwrap_err(),
        DecodeError::TooLarge {
            part: Part::Proof,
            bytes: PROOF_BYTES_MAX + 1,
            max: PROOF_BYTES_MAX
        }
    );
    assert_eq!(
        decode_ticket(&vec![0; TICKET_BYTES_MAX + 1])
            .unwrap_err()
            .code(),
        "too_large"
    );
    // A proof declaring a 2,000-byte ticket, with nothing after it: the embedded ticket is too
    // large (FORMATS.md), refused from its length prefix alone.
    let declared = [b"PPPF".as_slice(), &[1, 0xd0, 0x0f]].concat();
    assert_eq!(
        decode_proof(&declared).unwrap_err(),
        DecodeError::TooLarge {
            part: Part::Ticket,
            bytes: 2000,
            max: TICKET_BYTES_MAX
        }
    );
    // A ticket declaring a 65-byte player id.
    let ticket = server().issue_ticket(&ticket_body()).unwrap();
    let long_id = [&ticket[..25], &[65]].concat();
    assert_eq!(decode_ticket(&long_id).unwrap_err().code(), "out_of_bounds");
}

#[test]
fn claims_over_their_bounds_are_refused() {
    let bytes = session_key().sign_proof(&proof_body()).unwrap();
    let ticket_length = proof_body().ticket.len();
    // Offsets in the example proof: magic 4, version 1, length 2, ticket, input log 6 bytes,
    // score 4, then the final tick.
    let final_tick_at = 7 + ticket_length + 6 + 4;
    let mut late = bytes.clone();
    late[final_tick_at..final_tick_at + 4].copy_from_slice(&(PROOF_TICKS_MAX + 1).to_le_bytes());
    assert_eq!(decode_proof(&late).unwrap_err().code(), "out_of_bounds");
    let count_at = final_tick_at + 4 + 8;
    let mut many = bytes[..count_at].to_vec();
    many.extend_from_slice(&[0x89, 0x0e]); // 1,801 checkpoints
    assert_eq!(
        decode_proof(&many).unwrap_err(),
        DecodeError::OutOfBounds {
            part: Part::Proof,
            field: "checkpoint_count",
            value: u64::from(CHECKPOINTS_MAX) + 1,
            min: 0,
            max: u64::from(CHECKPOINTS_MAX)
        }
    );
}

#[test]
fn encoders_refuse_what_decoders_would_refuse() {
    let mut ticket = ticket_body();
    ticket.player_id = "x".repeat(65);
    assert!(matches!(
        server().issue_ticket(&ticket),
        Err(EncodeError::IdLength {
            field: "player_id",
            ..
        })
    ));
    let mut ticket = ticket_body();
    ticket.expires_at_ms = ticket.issued_at_ms;
    assert!(matches!(
        server().issue_ticket(&ticket),
        Err(EncodeError::ExpiryNotAfterIssue { .. })
    ));
    let mut body = proof_body();
    body.inputs.push(body.inputs[0]);
    assert_eq!(
        session_key().sign_proof(&body),
        Err(EncodeError::BadInputTick { index: 1 })
    );
    let mut body = proof_body();
    body.checkpoint_hashes = vec![0; CHECKPOINTS_MAX as usize + 1];
    assert!(matches!(
        session_key().sign_proof(&body),
        Err(EncodeError::TooManyCheckpoints { .. })
    ));
}

#[test]
fn the_largest_proof_the_bounds_allow_fits_in_proof_bytes_max() {
    let mut ticket = ticket_body();
    ticket.player_id = "p".repeat(64);
    ticket.level_id = "l".repeat(64);
    let ticket_bytes = server().issue_ticket(&ticket).unwrap();
    assert_eq!(ticket_bytes.len(), 309);
    assert!(ticket_bytes.len() <= TICKET_BYTES_MAX);
    // Drops with the widest coordinate, 12 ticks apart, up to the session limit.
    let inputs: Vec<Input> = (0..PROOF_INPUTS_MAX)
        .map(|i| Input {
            tick: i * 12,
            action: Action::Drop { x_milli: i32::MIN },
        })
        .collect();
    let body = ProofBody {
        ticket: ticket_bytes,
        inputs,
        claimed_score: u32::MAX,
        final_tick: PROOF_TICKS_MAX,
        final_hash: u64::MAX,
        checkpoint_hashes: vec![u64::MAX; CHECKPOINTS_MAX as usize],
    };
    let bytes = session_key().sign_proof(&body).unwrap();
    assert!(bytes.len() <= PROOF_BYTES_MAX, "{} bytes", bytes.len());
    assert_eq!(
        decode_proof(&bytes).unwrap().inputs.len(),
        PROOF_INPUTS_MAX as usize
    );
}

#[test]
fn arbitrary_bytes_never_panic_the_decoders() {
    // A fixed-seed walk over short random buffers, each also prefixed with valid magic and
    // version so the decoders get past the header.
    let mut state = 0x1234_5678_9abc_def0u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..20_000 {
        let length = (next() % 400) as usize;
        let mut bytes: Vec<u8> = (0..length).map(|_| next() as u8).collect();
        let _ = decode_ticket(&bytes);
        let _ = decode_proof(&bytes);
        if bytes.len() >= 5 {
            bytes[..5].copy_from_slice(b"PPTK\x01");
            let _ = decode_ticket(&bytes);
            bytes[..5].copy_from_slice(b"PPPF\x01");
            let _ = decode_proof(&bytes);
        }
    }
}
