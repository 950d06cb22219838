//! What `std` would otherwise provide to the glue-free wasm builds (the mini-game artifact is
//! `no_std` on `wasm32v1-none`): the allocator and the panic handler.
//!
//! A panic stores its message (truncated to [`PANIC_MESSAGE_MAX`] bytes, without allocating:
//! the allocator may be what failed) and traps. The host catches the trap and reads the message
//! through `pp_panic_message_ptr`/`_len` to report it.

use core::fmt::Write;

use crate::host_cell::HostCell;

#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

pub const PANIC_MESSAGE_MAX: usize = 256;

struct PanicMessage {
    bytes: [u8; PANIC_MESSAGE_MAX],
    len: usize,
}

impl Write for PanicMessage {
    fn write_str(&mut self, text: &str) -> core::fmt::Result {
        for &byte in text.as_bytes() {
            if self.len == PANIC_MESSAGE_MAX {
                return Err(core::fmt::Error);
            }
            self.bytes[self.len] = byte;
            self.len += 1;
        }
        Ok(())
    }
}

static PANIC_MESSAGE: HostCell<PanicMessage> = HostCell::new(PanicMessage {
    bytes: [0; PANIC_MESSAGE_MAX],
    len: 0,
});

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    // The message may be cut inside a UTF-8 sequence; hosts decode it leniently.
    PANIC_MESSAGE.try_with(|message| {
        message.len = 0;
        let _ = write!(message, "{info}");
    });
    core::arch::wasm32::unreachable()
}

#[no_mangle]
pub extern "C" fn pp_panic_message_ptr() -> *const u8 {
    PANIC_MESSAGE.with(|message| message.bytes.as_ptr())
}

#[no_mangle]
pub extern "C" fn pp_panic_message_len() -> u32 {
    PANIC_MESSAGE.with(|message| message.len as u32)
}
