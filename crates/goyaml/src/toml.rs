//! Helm's `toToml` (BurntSushi/toml encoder).

use govalue::Value;

/// `toToml` output (not yet implemented).
pub fn to_toml(v: &Value) -> Result<String, String> {
    Err(format!("to_toml: not implemented for {}", v.type_name()))
}
