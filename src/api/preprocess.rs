//! Placeholder module, filled by its owner.
