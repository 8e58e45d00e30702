//! Placeholder module, filled by its trainer.
