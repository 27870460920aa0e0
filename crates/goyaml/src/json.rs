//! Go's `encoding/json` for capstan values.

use govalue::Value;

/// `json.Marshal` (not yet implemented).
pub fn to_json(v: &Value) -> Result<String, String> {
    Err(format!("to_json: not implemented for {}", v.type_name()))
}

/// `json.MarshalIndent(v, "", indent)` (not yet implemented).
pub fn to_json_indent(v: &Value, indent: &str) -> Result<String, String> {
    Err(format!("to_json_indent: not implemented for {} {indent:?}", v.type_name()))
}

/// `json.Unmarshal` into `interface{}` (not yet implemented).
pub fn parse_json(text: &str) -> Result<Value, String> {
    Err(format!("parse_json: not implemented ({} bytes)", text.len()))
}
