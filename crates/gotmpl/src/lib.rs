//! gotmpl (under construction).
