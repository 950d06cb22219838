//! A glue-free replay surface: the host writes level and input-log bytes into buffers it got
//! from [`pp_alloc`], calls [`pp_replay`], and reads the result from [`pp_result_ptr`].
//!
//! Result layout (little-endian): `score u32, stars u8, finished u8, passed u8, ticks u32,
//! final_hash u64, checkpoint_count u32`, then per checkpoint `tick u32, hash u64`.
//!
//! Status codes returned by `pp_replay` are the ABI; they never change meaning.

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;

use game_core::kernel::input::decode_input_log;
use game_core::{replay, Level};

/// Version of this ABI; a host checks it before calling anything else.
pub const REPLAY_ABI_VERSION: u32 = 1;

pub const STATUS_OK: i32 = 0;
pub const STATUS_BAD_LEVEL: i32 = -1;
pub const STATUS_BAD_INPUT_LOG: i32 = -2;
pub const STATUS_REPLAY_REJECTED: i32 = -3;

use crate::host_cell::HostCell;

static RESULT: HostCell<Vec<u8>> = HostCell::new(Vec::new());

#[no_mangle]
pub extern "C" fn pp_replay_abi_version() -> u32 {
    REPLAY_ABI_VERSION
}

/// Allocates `len` bytes for the host to fill; release with [`pp_free`].
#[no_mangle]
pub extern "C" fn pp_alloc(len: u32) -> *mut u8 {
    let mut buffer = vec![0u8; len as usize].into_boxed_slice();
    let pointer = buffer.as_mut_ptr();
    core::mem::forget(buffer);
    pointer
}

/// Releases a buffer from [`pp_alloc`].
///
/// # Safety
/// `pointer` and `len` must come from one earlier `pp_alloc` call, freed once.
#[no_mangle]
pub unsafe extern "C" fn pp_free(pointer: *mut u8, len: u32) {
    // SAFETY: the caller passes back exactly what pp_alloc leaked.
    drop(unsafe { Box::from_raw(core::ptr::slice_from_raw_parts_mut(pointer, len as usize)) });
}

/// Replays a session; on success the result is readable at [`pp_result_ptr`].
///
/// # Safety
/// The pointer/length pairs must describe readable memory (e.g. from [`pp_alloc`]).
#[no_mangle]
pub unsafe extern "C" fn pp_replay(
    level_pointer: *const u8,
    level_len: u32,
    inputs_pointer: *const u8,
    inputs_len: u32,
    seed: u64,
) -> i32 {
    // SAFETY: the caller guarantees both ranges are readable.
    let level_bytes = unsafe { core::slice::from_raw_parts(level_pointer, level_len as usize) };
    let input_bytes = unsafe { core::slice::from_raw_parts(inputs_pointer, inputs_len as usize) };
    let Ok(level) = Level::from_json(level_bytes) else {
        return STATUS_BAD_LEVEL;
    };
    let Ok(inputs) = decode_input_log(input_bytes) else {
        return STATUS_BAD_INPUT_LOG;
    };
    let Ok(outcome) = replay(&level, seed, &inputs) else {
        return STATUS_REPLAY_REJECTED;
    };
    RESULT.with(|result| {
        result.clear();
        result.extend_from_slice(&outcome.score.to_le_bytes());
        result.extend_from_slice(&[
            outcome.stars,
            outcome.finished.into(),
            outcome.passed.into(),
        ]);
        result.extend_from_slice(&outcome.ticks.to_le_bytes());
        result.extend_from_slice(&outcome.final_hash.to_le_bytes());
        let count = u32::try_from(outcome.checkpoints.len())
            .expect("checkpoints bounded by SESSION_TICKS_MAX");
        result.extend_from_slice(&count.to_le_bytes());
        for checkpoint in &outcome.checkpoints {
            result.extend_from_slice(&checkpoint.tick.to_le_bytes());
            result.extend_from_slice(&checkpoint.hash.to_le_bytes());
        }
    });
    STATUS_OK
}

#[no_mangle]
pub extern "C" fn pp_result_ptr() -> *const u8 {
    RESULT.with(|result| result.as_ptr())
}

#[no_mangle]
pub extern "C" fn pp_result_len() -> u32 {
    RESULT.with(|result| result.len() as u32)
}
