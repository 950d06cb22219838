//! Merge-drop.
