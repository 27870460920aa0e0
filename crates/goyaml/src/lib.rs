//! goyaml (under construction).
