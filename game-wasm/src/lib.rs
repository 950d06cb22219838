//! PlayProof's WebAssembly boundary: the only crate that knows JavaScript exists.
//!
//! - [`session`], [`input`], [`layout`], [`scene`] and [`client`] are the playable game in plain
//!   Rust: ticket and level checks, touch quantisation, the fixed-tick clock, render
//!   preparation, the HUD. Tested natively.
//! - [`shaders`] is the GPU program both hosts' renderers compile.
//! - Three host boundaries wrap them:
//!   - `web` (feature `web`): the wasm-bindgen API and the WebGL renderer, for browsers, with
//!     `designer` for the designer page (level problems, the level's preview as SVG);
//!   - `play_abi`: the same game over a glue-free C ABI, for mini-game containers, built
//!     `no_std` for `wasm32v1-none` (MVP wasm, see `cargo xtask minigame`);
//!   - `replay_abi`: the core's replay entry point over a C ABI, for the cross-target checks.
//!
//! The C ABIs exist only on single-threaded wasm; `runtime` supplies the allocator and panic
//! handler there when no `std` is linked.

#![no_std]

extern crate alloc;
// Native builds (tests, tools) and the browser build (wasm-bindgen) have std; only the
// glue-free wasm goes without, with `runtime` in its place.
#[cfg(any(feature = "web", not(target_arch = "wasm32")))]
extern crate std;

pub mod client;
#[cfg(feature = "web")]
pub mod designer;
pub mod feedback;
pub mod flow;
#[cfg(feature = "web")]
mod gl;
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
mod host_cell;
pub mod input;
pub mod layout;
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
pub mod play_abi;
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
pub mod replay_abi;
#[cfg(all(target_arch = "wasm32", not(feature = "web")))]
mod runtime;
pub mod scene;
pub mod screens;
pub mod session;
pub mod shaders;
pub mod text;
pub mod watch;
#[cfg(feature = "web")]
pub mod web;
