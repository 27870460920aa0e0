//! sprig (under construction).
