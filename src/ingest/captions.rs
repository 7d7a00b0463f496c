//! Placeholder: shared caption helpers (issue 3).
