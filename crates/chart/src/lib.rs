//! chart (under construction).
