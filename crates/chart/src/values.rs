//! Values: reading values files, merging the user's layers (`-f` files in order, then
//! `--set-json`, `--set`, `--set-string`, `--set-file`, `--set-literal`), and Helm's
//! coalescing with chart defaults: maps merge recursively, `null` deletes a default,
//! subcharts see their own section plus `global`.

use govalue::{Map, MapKind, Value};

use crate::load::Chart;

/// Nesting deeper than this is cut off when copying (Go would loop on cycles too).
const MAX_COPY_DEPTH: usize = 1000;

/// Whether `v` is a Go `map[string]interface{}` (a "table" in Helm's words).
fn table(v: &Value) -> Option<Map> {
    match v {
        Value::Map(m) if m.kind() != MapKind::Strings => Some(m.clone()),
        _ => None,
    }
}

/// A deep copy of maps and lists (`copystructure.Copy`); scalars are shared.
pub fn deep_copy(v: &Value) -> Value {
    copy_depth(v, 0)
}

fn copy_depth(v: &Value, depth: usize) -> Value {
    if depth > MAX_COPY_DEPTH {
        return Value::Nil;
    }
    match v {
        Value::Map(m) => Value::Map(copy_map_depth(m, depth)),
        Value::List(l) => Value::List(l.with_items(l.items().iter().map(|i| copy_depth(i, depth + 1)).collect())),
        other => other.clone(),
    }
}

fn copy_map_depth(m: &Map, depth: usize) -> Map {
    let entries = m.borrow().iter().map(|(k, v)| (k.clone(), copy_depth(v, depth + 1))).collect();
    Map::from_entries(entries).with_kind(m.kind())
}

/// A deep copy of a map.
pub fn copy_map(m: &Map) -> Map {
    copy_map_depth(m, 0)
}

fn entries(m: &Map) -> Vec<(govalue::Str, Value)> {
    m.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// One document of a values file, with the line it starts on (1-based).
pub struct Document {
    /// The document's text.
    pub text: String,
    /// The line of the file where the document's text begins.
    pub first_line: usize,
}

/// Splits a YAML stream the way Kubernetes' `YAMLReader` does: at lines starting
/// with `---` (only spaces or a comment may follow); empty documents are skipped.
pub fn split_documents(text: &str) -> Result<Vec<Document>, String> {
    let mut docs = Vec::new();
    let mut buf = String::new();
    let mut first_line = 1;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err(format!("error reading yaml document: invalid Yaml document separator: {trimmed}"));
            }
            if !buf.is_empty() {
                docs.push(Document { text: std::mem::take(&mut buf), first_line });
            }
            first_line = i + 2;
            continue;
        }
        buf.push_str(line);
    }
    if !buf.is_empty() {
        docs.push(Document { text: buf, first_line });
    }
    Ok(docs)
}

/// Parses one values document into its positioned tree (`None` when it is empty).
pub fn parse_document(doc: &Document) -> Result<Option<goyaml::Node>, String> {
    let node = goyaml::parse_node(&doc.text)
        .map_err(|e| format!("cannot unmarshal yaml document: error converting YAML to JSON: {e}"))?;
    match &node {
        None => Ok(None),
        Some(n) => match &n.kind {
            goyaml::NodeKind::Map(_) => Ok(node),
            goyaml::NodeKind::Scalar(Value::Nil) => Ok(None),
            goyaml::NodeKind::Scalar(v) => Err(not_a_map(v)),
            goyaml::NodeKind::List(_) => Err(not_a_map(&Value::list(Vec::new()))),
        },
    }
}

fn not_a_map(v: &Value) -> String {
    let kind = match v {
        Value::List(_) => "array",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        _ => "number",
    };
    format!(
        "cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"
    )
}

/// Parses a values file (`loader.LoadValues`): every YAML document must be a map,
/// and the documents are merged in order.
pub fn load_values(text: &str) -> Result<Map, String> {
    let mut text = text.to_string();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let mut out = Map::new();
    for doc in split_documents(&text)? {
        if let Some(node) = parse_document(&doc)? {
            if let Value::Map(m) = node.to_value() {
                out = merge_maps(&out, &m);
            }
        }
    }
    Ok(out)
}

/// [`load_values`] of raw bytes, which go-yaml reads document by document: the
/// documents before the first one its reader rejects (invalid UTF-8) are parsed
/// as usual, so their errors come first; that one gives the reader's error.
pub fn load_values_bytes(data: &[u8]) -> Result<Map, String> {
    let Err(_) = std::str::from_utf8(data) else { return load_values(&String::from_utf8_lossy(data)) };
    let mut data = data.to_vec();
    if data.last() != Some(&b'\n') {
        data.push(b'\n');
    }
    let mut out = Map::new();
    let mut doc: Vec<u8> = Vec::new();
    let mut lines = data.split_inclusive(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let separator = line.strip_prefix(b"---");
        if let Some(rest) = separator {
            let rest = String::from_utf8_lossy(rest);
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err(format!("error reading yaml document: invalid Yaml document separator: {trimmed}"));
            }
        } else {
            doc.extend_from_slice(line);
        }
        if (separator.is_some() || lines.peek().is_none()) && !doc.is_empty() {
            let text = goyaml::input_text(&doc)
                .map_err(|e| format!("cannot unmarshal yaml document: error converting YAML to JSON: {e}"))?;
            let parsed = parse_document(&Document { text: text.to_string(), first_line: 1 })?;
            if let Some(Value::Map(m)) = parsed.map(|n| n.to_value()) {
                out = merge_maps(&out, &m);
            }
            doc.clear();
        }
    }
    Ok(out)
}

/// `loader.MergeMaps`: `b` over `a`, maps merged recursively, into new maps.
pub fn merge_maps(a: &Map, b: &Map) -> Map {
    merge_maps_depth(a, b, 0)
}

fn merge_maps_depth(a: &Map, b: &Map, depth: usize) -> Map {
    let out = a.shallow_copy().with_kind(MapKind::Plain);
    for (k, v) in entries(b) {
        if let Some(bm) = table(&v) {
            if let Some(am) = out.get(&k).as_ref().and_then(table) {
                if depth < MAX_COPY_DEPTH {
                    out.insert(k, Value::Map(merge_maps_depth(&am, &bm, depth + 1)));
                    continue;
                }
            }
        }
        out.insert(k, v);
    }
    out
}

/// Go's `%t` verb applied to a non-bool value (`%!t(string=scalar)`).
fn go_bad_t(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Nil => "%!t(<nil>)".into(),
        Value::List(l) => {
            let items: Vec<String> = l.items().iter().map(go_bad_t).collect();
            format!("[{}]", items.join(" "))
        }
        other => format!("%!t({}={})", other.type_name(), other.to_go_string()),
    }
}

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}.{b}")
    }
}

/// `CoalesceValues`: the chart's defaults (and its subcharts') under a copy of the
/// user's values; the result is the chart's `.Values`.
pub fn coalesce_values(chart: &Chart, vals: &Map) -> Result<Map, String> {
    let dest = copy_map(vals);
    coalesce(chart, &dest, "", false)?;
    Ok(dest)
}

/// `MergeValues`: like [`coalesce_values`] but keeps nulls.
pub fn merge_values(chart: &Chart, vals: &Map) -> Result<Map, String> {
    let dest = copy_map(vals);
    coalesce(chart, &dest, "", true)?;
    Ok(dest)
}

fn coalesce(chart: &Chart, dest: &Map, prefix: &str, merge: bool) -> Result<(), String> {
    coalesce_chart_values(chart, dest, prefix, merge);
    for sub in &chart.dependencies {
        let name = sub.name();
        let dv = match dest.get(name) {
            None => {
                let m = Map::new();
                dest.insert(name, Value::Map(m.clone()));
                m
            }
            Some(v) => match table(&v) {
                Some(m) => m,
                None => return Err(format!("type mismatch on {name}: {}", go_bad_t(&v))),
            },
        };
        let sub_prefix = concat_prefix(prefix, chart.name());
        coalesce_globals(&dv, dest);
        coalesce(sub, &dv, &sub_prefix, merge)?;
    }
    Ok(())
}

fn coalesce_globals(dest: &Map, src: &Map) {
    let dg = match dest.get("global") {
        None => Map::new(),
        Some(v) => match table(&v) {
            Some(m) => m,
            None => return,
        },
    };
    let sg = match src.get("global") {
        None => Map::new(),
        Some(v) => match table(&v) {
            Some(m) => m,
            None => return,
        },
    };
    for (key, val) in entries(&sg) {
        if let Some(vm) = table(&val) {
            let vv = vm.shallow_copy();
            match dg.get(&key) {
                None => dg.insert(key, Value::Map(vv)),
                Some(destv) => {
                    if let Some(destvmap) = table(&destv) {
                        coalesce_tables(&vv, &destvmap, true);
                        dg.insert(key, Value::Map(vv));
                    }
                }
            }
        } else if dg.get(&key).as_ref().and_then(table).is_some() {
            // key is a table in the destination: skipped
        } else {
            dg.insert(key, val);
        }
    }
    dest.insert("global", Value::Map(dg));
}

fn coalesce_chart_values(chart: &Chart, v: &Map, _prefix: &str, merge: bool) {
    let vc = copy_map(&chart.values);
    for (key, val) in entries(&vc) {
        match v.get(&key) {
            Some(value) => {
                if value.is_nil() && !merge {
                    v.remove(&key);
                } else if let Some(dest) = table(&value) {
                    if let Some(src) = table(&val) {
                        let sub_merge = merge || chart.dependencies.iter().any(|d| d.name() == &*key);
                        if !sub_merge {
                            clean_nil_values(&src);
                        }
                        coalesce_tables(&dest, &src, sub_merge);
                    }
                }
            }
            None => {
                if !merge {
                    if val.is_nil() {
                        continue;
                    }
                    if let Some(sub) = table(&val) {
                        clean_nil_values(&sub);
                    }
                }
                v.insert(key, val);
            }
        }
    }
}

/// `coalesceTablesFullKey`: fills `dst` from `src` where `dst` has nothing; `dst` wins.
pub fn coalesce_tables(dst: &Map, src: &Map, merge: bool) {
    coalesce_tables_depth(dst, src, merge, 0)
}

fn coalesce_tables_depth(dst: &Map, src: &Map, merge: bool, depth: usize) {
    if depth > MAX_COPY_DEPTH || dst.ptr_eq(src) {
        return;
    }
    let src_non_nil: Vec<govalue::Str> =
        src.borrow().iter().filter(|(_, v)| !v.is_nil()).map(|(k, _)| k.clone()).collect();
    for (key, val) in entries(dst) {
        if val.is_nil() {
            src.insert(key, Value::Nil);
        }
    }
    for (key, val) in entries(src) {
        match dst.get(&key) {
            Some(dv) if !merge && dv.is_nil() && src_non_nil.contains(&key) => {
                dst.remove(&key);
            }
            None => dst.insert(key, val),
            Some(dv) => {
                if let Some(vm) = table(&val) {
                    if let Some(dm) = table(&dv) {
                        coalesce_tables_depth(&dm, &vm, merge, depth + 1);
                    }
                }
            }
        }
    }
}

fn clean_nil_values(m: &Map) {
    clean_nil_depth(m, 0)
}

fn clean_nil_depth(m: &Map, depth: usize) {
    if depth > MAX_COPY_DEPTH {
        return;
    }
    for (key, val) in entries(m) {
        if val.is_nil() {
            m.remove(&key);
        } else if let Some(sub) = table(&val) {
            clean_nil_depth(&sub, depth + 1);
        }
    }
}

/// `Values.Table`: the map at a dotted path, if every step is a map.
pub fn table_at(root: &Map, path: &str) -> Option<Map> {
    let mut cur = root.clone();
    for part in path.split('.') {
        let next = cur.get(part)?;
        cur = table(&next)?;
    }
    Some(cur)
}

/// `Values.PathValue`: the non-map value at a dotted path.
pub fn path_value(root: &Map, path: &str) -> Option<Value> {
    if path.is_empty() {
        return None;
    }
    let (parent, key) = match path.rsplit_once('.') {
        Some((p, k)) => (table_at(root, p)?, k),
        None => (root.clone(), path),
    };
    let v = parent.get(key)?;
    if table(&v).is_some() {
        return None;
    }
    Some(v)
}

/// `MergeTables`: like [`coalesce_tables`] keeping nulls; returns `dst`.
pub fn merge_tables(dst: &Map, src: &Map) -> Map {
    coalesce_tables(dst, src, true);
    dst.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart_with(values: &str) -> Chart {
        Chart { values: load_values(values).unwrap(), ..Chart::default() }
    }

    #[test]
    fn user_values_win_and_null_deletes() {
        let c = chart_with("a: 1\nb:\n  c: 2\n  d: 3\ne: 4\n");
        let user = load_values("b:\n  c: 9\n  d: null\ne: null\n").unwrap();
        let out = coalesce_values(&c, &user).unwrap();
        assert_eq!(Value::Map(out).to_go_string(), "map[a:1 b:map[c:9]]");
    }

    #[test]
    fn chart_nulls_are_dropped() {
        let c = chart_with("a: null\nb:\n  c: null\n");
        let out = coalesce_values(&c, &Map::new()).unwrap();
        assert_eq!(Value::Map(out).to_go_string(), "map[b:map[]]");
    }

    #[test]
    fn merge_maps_is_recursive_and_replaces_lists() {
        let a = load_values("m:\n  x: 1\n  w: 2\nl: [1, 2]\n").unwrap();
        let b = load_values("m:\n  w: 3\nl: [9]\n").unwrap();
        assert_eq!(Value::Map(merge_maps(&a, &b)).to_go_string(), "map[l:[9] m:map[w:3 x:1]]");
    }

    #[test]
    fn subcharts_get_globals() {
        let mut c = chart_with("global:\n  g: 1\nsub:\n  x: 1\n");
        c.metadata.name = "top".into();
        let mut sub = chart_with("x: 0\nw: 2\n");
        sub.metadata.name = "sub".into();
        c.dependencies.push(sub);
        let out = coalesce_values(&c, &Map::new()).unwrap();
        assert_eq!(Value::Map(out).to_go_string(), "map[global:map[g:1] sub:map[global:map[g:1] w:2 x:1]]");
    }

    #[test]
    fn subchart_values_not_a_map() {
        let mut c = chart_with("sub: scalar\n");
        let mut sub = Chart::default();
        sub.metadata.name = "sub".into();
        c.dependencies.push(sub);
        let err = coalesce_values(&c, &Map::new()).err();
        assert_eq!(err.as_deref(), Some("type mismatch on sub: %!t(string=scalar)"));
    }

    #[test]
    fn documents_and_errors() {
        let m = load_values("a: 1\n---\nb: 2\n--- # c\n").unwrap();
        assert_eq!(Value::Map(m).to_go_string(), "map[a:1 b:2]");
        assert_eq!(
            load_values_bytes(b"a: \"x\xff\"\n").err().unwrap_or_default(),
            "cannot unmarshal yaml document: error converting YAML to JSON: yaml: invalid leading UTF-8 octet"
        );
        let e = load_values("x: 1\n---\na: b\n c: d\n").err().unwrap_or_default();
        assert!(e.ends_with("yaml: line 2: mapping values are not allowed in this context"), "{e}");
        assert!(load_values("- a\n")
            .err()
            .unwrap_or_default()
            .ends_with("cannot unmarshal array into Go value of type map[string]interface {}"));
        assert!(load_values("--- x\n").is_err());
    }

    #[test]
    fn paths() {
        let m = load_values("a:\n  b:\n    c: true\n").unwrap();
        assert!(table_at(&m, "a.b").is_some());
        assert_eq!(path_value(&m, "a.b.c").map(|v| v.to_go_string()), Some("true".into()));
        assert!(path_value(&m, "a.b").is_none());
    }
}
