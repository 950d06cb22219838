//! Tools for level designers. Everything here reads files; the rules stay in `game-core`.

pub mod campaign;
pub mod check;
pub mod files;
pub mod json_position;
pub mod messages;
pub mod pace;
pub mod pack;
pub mod png;
pub mod probe;
pub mod render;
pub mod schema;
pub mod stats;
pub mod tune;
pub mod tune_report;
