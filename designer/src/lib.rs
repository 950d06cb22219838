//! Tools for level designers. Everything here reads files; the rules stay in `game-core`.

pub mod check;
pub mod files;
pub mod json_position;
pub mod schema;
pub mod stats;
pub mod tune;
pub mod tune_report;
