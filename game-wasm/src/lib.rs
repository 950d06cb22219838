//! PlayProof's WebAssembly boundary: the only crate that knows JavaScript exists.
//!
//! [`replay_abi`] exposes the core's replay entry point with a plain C ABI (no glue code), so any
//! wasm host, a Node test or a mini-game runtime, can replay a session and read its hashes.

pub mod replay_abi;
