//! Tools for level designers. Everything here reads files; the rules stay in `game-core`.

pub mod check;
pub mod json_position;
pub mod schema;
