//! The score proof: what the client claims about a finished session, bound to its ticket.
//!
//! Layout (byte by byte in `docs/FORMATS.md`): magic `PPPF`, format version, the signed ticket
//! exactly as issued (length-prefixed), the input log in game-core's codec, claimed score, final
//! tick, final state hash, checkpoint hashes (count-prefixed), then the session key's Ed25519
//! signature over every byte before it.

use alloc::vec::Vec;

use game_core::kernel::input::{decode_input_log_prefix, encode_input_log};
use game_core::{Input, ReplayOutcome};

use crate::error::{DecodeError, EncodeError, Part};
use crate::limits::{
    CHECKPOINTS_MAX, PROOF_BYTES_MAX, PROOF_FORMAT_VERSION, PROOF_INPUTS_MAX, PROOF_MAGIC,
    PROOF_TICKS_MAX, SIGNATURE_BYTES, TICKET_BYTES_MAX,
};
use crate::ticket::{decode_ticket, Ticket};
use crate::wire::{put_varint, Reader};

/// Everything a proof states, without the session signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofBody {
    /// The signed ticket exactly as the server issued it.
    pub ticket: Vec<u8>,
    pub inputs: Vec<Input>,
    pub claimed_score: u32,
    /// Ticks simulated when the game ended (game-core's `ReplayOutcome::ticks`).
    pub final_tick: u32,
    pub final_hash: u64,
    /// Either empty or one state hash per checkpoint the session passed, in tick order.
    pub checkpoint_hashes: Vec<u64>,
}

impl ProofBody {
    /// The proof of a session whose replay gave `outcome`, claiming exactly what it computed;
    /// `with_checkpoints` includes every checkpoint hash (stronger evidence, 8 bytes a second).
    pub fn from_replay(
        ticket: Vec<u8>,
        inputs: Vec<Input>,
        outcome: &ReplayOutcome,
        with_checkpoints: bool,
    ) -> ProofBody {
        let checkpoint_hashes = if with_checkpoints {
            outcome
                .checkpoints
                .iter()
                .map(|checkpoint| checkpoint.hash)
                .collect()
        } else {
            Vec::new()
        };
        ProofBody {
            ticket,
            inputs,
            claimed_score: outcome.score,
            final_tick: outcome.ticks,
            final_hash: outcome.final_hash,
            checkpoint_hashes,
        }
    }

    /// The bytes the session key signs: everything but the signature. Decoding a proof and
    /// encoding its [`Proof::body`] gives back exactly its signed bytes (the format is canonical).
    pub fn encode_unsigned(&self) -> Result<Vec<u8>, EncodeError> {
        if self.ticket.len() > TICKET_BYTES_MAX {
            return Err(EncodeError::TicketTooLarge {
                bytes: self.ticket.len(),
            });
        }
        if self.inputs.len() > PROOF_INPUTS_MAX as usize {
            return Err(EncodeError::TooManyInputs {
                count: self.inputs.len(),
            });
        }
        // The input log codec panics on logs it cannot encode; refuse them here instead.
        let mut previous_tick = None;
        for (index, input) in self.inputs.iter().enumerate() {
            let increasing = previous_tick.is_none_or(|previous| input.tick > previous);
            if !increasing || input.tick > PROOF_TICKS_MAX {
                return Err(EncodeError::BadInputTick { index });
            }
            previous_tick = Some(input.tick);
        }
        if self.final_tick > PROOF_TICKS_MAX {
            return Err(EncodeError::FinalTickTooLate {
                tick: self.final_tick,
            });
        }
        if self.checkpoint_hashes.len() > CHECKPOINTS_MAX as usize {
            return Err(EncodeError::TooManyCheckpoints {
                count: self.checkpoint_hashes.len(),
            });
        }
        let mut out = Vec::new();
        out.extend_from_slice(&PROOF_MAGIC);
        out.push(PROOF_FORMAT_VERSION);
        put_varint(&mut out, self.ticket.len() as u32);
        out.extend_from_slice(&self.ticket);
        encode_input_log(&self.inputs, &mut out);
        out.extend_from_slice(&self.claimed_score.to_le_bytes());
        out.extend_from_slice(&self.final_tick.to_le_bytes());
        out.extend_from_slice(&self.final_hash.to_le_bytes());
        put_varint(&mut out, self.checkpoint_hashes.len() as u32);
        for hash in &self.checkpoint_hashes {
            out.extend_from_slice(&hash.to_le_bytes());
        }
        debug_assert!(out.len() + SIGNATURE_BYTES <= PROOF_BYTES_MAX);
        Ok(out)
    }
}

/// A decoded proof, holding the exact bytes received for signature checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof<'a> {
    pub ticket: Ticket<'a>,
    pub inputs: Vec<Input>,
    pub claimed_score: u32,
    pub final_tick: u32,
    pub final_hash: u64,
    pub checkpoint_hashes: Vec<u64>,
    pub signature: [u8; SIGNATURE_BYTES],
    bytes: &'a [u8],
}

impl<'a> Proof<'a> {
    /// The whole proof as received.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The bytes the session signature covers: all but the last 64.
    pub fn signed_bytes(&self) -> &'a [u8] {
        &self.bytes[..self.bytes.len() - SIGNATURE_BYTES]
    }

    /// The stated contents, without the signature.
    pub fn body(&self) -> ProofBody {
        ProofBody {
            ticket: self.ticket.bytes().to_vec(),
            inputs: self.inputs.clone(),
            claimed_score: self.claimed_score,
            final_tick: self.final_tick,
            final_hash: self.final_hash,
            checkpoint_hashes: self.checkpoint_hashes.clone(),
        }
    }
}

/// Decodes a proof (and the ticket inside it) that must fill `bytes` exactly. Checks the format
/// and its bounds only; signatures and claims are the verifier's business.
pub fn decode_proof(bytes: &[u8]) -> Result<Proof<'_>, DecodeError> {
    const PART: Part = Part::Proof;
    if bytes.len() > PROOF_BYTES_MAX {
        return Err(DecodeError::TooLarge {
            part: PART,
            bytes: bytes.len(),
            max: PROOF_BYTES_MAX,
        });
    }
    let mut reader = Reader::new(bytes, PART);
    let magic = reader.array::<4>("magic")?;
    if magic != PROOF_MAGIC {
        return Err(DecodeError::BadMagic {
            part: PART,
            found: magic,
        });
    }
    let version = reader.u8("format_version")?;
    if version != PROOF_FORMAT_VERSION {
        return Err(DecodeError::UnsupportedVersion {
            part: PART,
            version,
            supported: PROOF_FORMAT_VERSION,
        });
    }
    // A length over the ticket bound is an embedded ticket that is too large (`too_large`, as
    // for a ticket decoded alone); an empty one is out of bounds.
    let ticket_length = reader.length("ticket_length", 1, usize::MAX)?;
    if ticket_length > TICKET_BYTES_MAX {
        return Err(DecodeError::TooLarge {
            part: Part::Ticket,
            bytes: ticket_length,
            max: TICKET_BYTES_MAX,
        });
    }
    let ticket = decode_ticket(reader.take(ticket_length, "ticket")?)?;
    let (inputs, used) = decode_input_log_prefix(reader.rest()).map_err(DecodeError::InputLog)?;
    reader.skip(used);
    let claimed_score = reader.u32("claimed_score")?;
    let final_tick = reader.u32("final_tick")?;
    if final_tick > PROOF_TICKS_MAX {
        return Err(DecodeError::OutOfBounds {
            part: PART,
            field: "final_tick",
            value: u64::from(final_tick),
            min: 0,
            max: u64::from(PROOF_TICKS_MAX),
        });
    }
    let final_hash = reader.u64("final_hash")?;
    let checkpoint_count = reader.length("checkpoint_count", 0, CHECKPOINTS_MAX as usize)?;
    // Bounded by CHECKPOINTS_MAX above; the take below fails before a short buffer allocates.
    let raw = reader.take(checkpoint_count * 8, "checkpoint_hashes")?;
    let checkpoint_hashes = raw
        .chunks_exact(8)
        .map(|chunk| {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            u64::from_le_bytes(word)
        })
        .collect();
    let signature = reader.array("signature")?;
    reader.finish()?;
    debug_assert_eq!(reader.offset(), bytes.len());
    Ok(Proof {
        ticket,
        inputs,
        claimed_score,
        final_tick,
        final_hash,
        checkpoint_hashes,
        signature,
        bytes,
    })
}
