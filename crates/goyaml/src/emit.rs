//! `sigs.k8s.io/yaml.Marshal`: Go values to YAML text as go-yaml v2 emits it.

use govalue::Value;

/// `sigs.k8s.io/yaml.Marshal` output for `v` (not yet implemented).
pub fn to_yaml(v: &Value) -> Result<String, String> {
    Err(format!("to_yaml: not implemented for {}", v.type_name()))
}
