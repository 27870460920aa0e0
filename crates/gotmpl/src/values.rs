//! The methods of Helm's named `Values` map type (`.Values.Table "a.b"`,
//! `.Values.YAML`, ...), which Go finds before any map key of the same name.

use govalue::{Map, MapKind, Param, Value};

use crate::exec::PType;

/// A method of `common.Values`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum ValuesMethod {
    AsMap,
    Encode,
    PathValue,
    Table,
    Yaml,
}

impl ValuesMethod {
    /// The method called `name`.
    pub fn by_name(name: &str) -> Option<ValuesMethod> {
        Some(match name {
            "AsMap" => ValuesMethod::AsMap,
            "Encode" => ValuesMethod::Encode,
            "PathValue" => ValuesMethod::PathValue,
            "Table" => ValuesMethod::Table,
            "YAML" => ValuesMethod::Yaml,
            _ => return None,
        })
    }

    /// The Go parameter types.
    pub fn params(self) -> Vec<PType> {
        match self {
            ValuesMethod::AsMap | ValuesMethod::Yaml => Vec::new(),
            ValuesMethod::Encode => vec![PType::Writer],
            ValuesMethod::PathValue | ValuesMethod::Table => vec![PType::Param(Param::String)],
        }
    }

    /// Calls the method on `values`; `Err` is the Go error text.
    pub fn call(self, values: &Map, args: &[Value]) -> Result<Value, String> {
        let arg = args.first().and_then(Value::as_str).unwrap_or("");
        match self {
            ValuesMethod::AsMap => Ok(Value::Map(values.with_kind(MapKind::Plain))),
            ValuesMethod::Encode => Err("runtime error: invalid memory address or nil pointer dereference".into()),
            ValuesMethod::Yaml => goyaml::to_yaml(&Value::Map(values.clone())).map(Value::string),
            ValuesMethod::Table => table(values, arg).map(|m| Value::Map(m.with_kind(MapKind::Values))),
            ValuesMethod::PathValue => path_value(values, arg),
        }
    }
}

fn is_table(v: &Value) -> bool {
    matches!(v, Value::Map(m) if m.kind() != MapKind::Strings)
}

/// Helm's `Values.Table`: the sub-map at a dotted path.
fn table(values: &Map, name: &str) -> Result<Map, String> {
    let mut current = values.clone();
    for part in name.split('.') {
        match current.get(part) {
            Some(Value::Map(m)) if m.kind() != MapKind::Strings => current = m,
            _ => return Err(format!("{} is not a table", govalue::strconv::quote(part))),
        }
    }
    Ok(current)
}

/// Helm's `Values.PathValue`: the non-table value at a dotted path.
fn path_value(values: &Map, path: &str) -> Result<Value, String> {
    if path.is_empty() {
        return Err("YAML path cannot be empty".into());
    }
    let parts: Vec<&str> = path.split('.').collect();
    let no_value = |key: &str| Err(format!("{} is not a value", govalue::strconv::quote(key)));
    let Some((key, init)) = parts.split_last() else {
        return no_value(path);
    };
    let holder = if init.is_empty() {
        values.clone()
    } else {
        match table(values, &init.join(".")) {
            Ok(t) => t,
            Err(_) => return no_value(key),
        }
    };
    match holder.get(key) {
        Some(v) if !is_table(&v) => Ok(v),
        _ => no_value(key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Map {
        let inner = Map::new();
        inner.insert("b", Value::Float(2.0));
        let top = Map::new().with_kind(MapKind::Values);
        top.insert("a", Value::Map(inner));
        top
    }

    #[test]
    fn tables_and_path_values() {
        let v = sample();
        assert_eq!(
            ValuesMethod::Table.call(&v, &[Value::str("nope")]).err().as_deref(),
            Some("\"nope\" is not a table")
        );
        assert_eq!(
            ValuesMethod::PathValue.call(&v, &[Value::str("a.b")]).ok().map(|x| x.to_go_string()),
            Some("2".into())
        );
        assert_eq!(ValuesMethod::PathValue.call(&v, &[Value::str("a")]).err().as_deref(), Some("\"a\" is not a value"));
        assert_eq!(
            ValuesMethod::Table.call(&v, &[Value::str("a")]).ok().map(|x| x.type_name()),
            Some("common.Values".into())
        );
    }
}
