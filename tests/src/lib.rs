//! Shared pieces of the cross-crate tests: shipped levels, golden replay files and the
//! randomised sessions of the cross-target test.

pub mod golden;
pub mod inputs_text;
pub mod levels;
pub mod sessions;
