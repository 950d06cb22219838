//! PlayProof's WebAssembly boundary: the only crate that knows JavaScript exists.
//!
//! - [`replay_abi`] exposes the core's replay entry point with a plain C ABI (no glue code), so
//!   any wasm host, a Node test or a mini-game runtime, can replay a session and read its hashes.
//! - [`session`], [`input`], [`layout`] and [`scene`] are the playable session in plain Rust:
//!   ticket and level checks, touch quantisation, the fixed-tick clock, render preparation.
//! - `web` (feature `web`) is the wasm-bindgen API and the WebGL renderer over them: one call
//!   per frame, render data in linear memory.

extern crate alloc;

#[cfg(feature = "web")]
mod gl;
pub mod input;
pub mod layout;
pub mod replay_abi;
pub mod scene;
pub mod session;
#[cfg(feature = "web")]
pub mod web;
