//! Validates chart values against a chart's `values.schema.json`, with the error
//! texts Helm 4 prints (its validator reports a tree of failures such as
//! `- at '/port': got string, want integer`).
//!
//! Supported: drafts 4, 6, 7, 2019-09 and 2020-12 (2020-12 when `$schema` is absent),
//! local `$ref`s (`#`, `#/definitions/...`, `#/$defs/...`), every validation and
//! applicator keyword except `unevaluated*`. `format` is not asserted. A `$ref` to
//! another document is refused: capstan never reaches the network for a schema.

use std::fmt::Write as _;

use govalue::strconv;
use govalue::Value;
use serde_json::Value as Json;

/// Deepest schema nesting (through `$ref`s) followed before giving up.
const MAX_DEPTH: usize = 256;

/// Checks `values` against the schema in `schema_json`.
///
/// `Err` holds the text Helm prints under the chart's name: for violations the
/// failure tree (`- at '/a': ...` lines) followed by a newline; for a schema that
/// cannot be read or used, the reason.
pub fn validate(schema_json: &str, values: &Value) -> Result<(), String> {
    let schema: Json = serde_json::from_str(schema_json).map_err(|e| {
        if e.is_eof() {
            "unexpected EOF".to_string()
        } else {
            e.to_string()
        }
    })?;
    let validator = Validator { root: &schema, draft: Draft::of(&schema) };
    let mut location = Vec::new();
    match validator.check(&schema, values, &mut location, 0)? {
        None => Ok(()),
        Some(err) => {
            let causes = if err.is_group { err.causes } else { vec![err] };
            let mut text = String::new();
            for cause in &causes {
                cause.display(&mut text, 1);
            }
            // The validator's first line names a schema file Helm invents; Helm drops it.
            let text = text.strip_prefix('\n').unwrap_or(&text).to_string();
            Err(text + "\n")
        }
    }
}

/// A JSON Schema dialect; later drafts changed how `$ref`, `items` and `format` work.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Draft {
    D4,
    D6,
    D7,
    D2019,
    D2020,
}

impl Draft {
    fn of(schema: &Json) -> Draft {
        let id = schema.get("$schema").and_then(Json::as_str).unwrap_or("");
        if id.contains("draft-04") {
            Draft::D4
        } else if id.contains("draft-06") {
            Draft::D6
        } else if id.contains("draft-07") {
            Draft::D7
        } else if id.contains("2019-09") {
            Draft::D2019
        } else {
            Draft::D2020
        }
    }
}

/// One failure, with the failures that caused it.
struct Failure {
    /// JSON pointer tokens of the failing value.
    location: Vec<String>,
    /// What went wrong (`got string, want integer`).
    message: String,
    /// Several failures of one value, reported together.
    is_group: bool,
    /// A failure found through a `$ref`; shown only when it groups several causes.
    is_reference: bool,
    causes: Vec<Failure>,
}

impl Failure {
    fn new(location: &[String], message: String) -> Failure {
        Failure { location: location.to_vec(), message, is_group: false, is_reference: false, causes: Vec::new() }
    }

    fn with_causes(location: &[String], message: &str, causes: Vec<Failure>) -> Failure {
        Failure { causes, ..Failure::new(location, message.to_string()) }
    }

    fn display(&self, out: &mut String, indent: usize) {
        let mut indent = indent;
        let hidden = self.is_reference && self.causes.len() == 1;
        if !hidden {
            out.push('\n');
            for _ in 1..indent {
                out.push_str("  ");
            }
            out.push_str("- ");
            indent += 1;
            let _ = write!(out, "at {}: {}", quote(&json_pointer(&self.location)), self.message);
        }
        for cause in &self.causes {
            cause.display(out, indent);
        }
    }
}

/// The validator's own single-quoted form of a string.
fn quote(s: &str) -> String {
    let q = strconv::quote(s);
    let inner = &q[1..q.len() - 1];
    format!("'{}'", inner.replace("\\\"", "\"").replace('\'', "\\'"))
}

fn json_pointer(tokens: &[String]) -> String {
    tokens.iter().map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1"))).collect()
}

/// How a JSON value is named in `got X, want Y`.
fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Nil => "null",
        Value::Bool(_) => "boolean",
        Value::Int(_) | Value::Int64(_) | Value::Uint8(_) | Value::Uint64(_) | Value::Float(_) => "number",
        Value::String(_) | Value::ByteString(_) | Value::Bytes(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) => "object",
        Value::Object(_) => "object",
    }
}

fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) | Value::Int64(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn is_integer(v: &Value) -> bool {
    match v {
        Value::Int(_) | Value::Int64(_) => true,
        Value::Float(f) => f.is_finite() && f.fract() == 0.0,
        _ => false,
    }
}

/// `%v` of a number as the validator prints it.
fn number_text(f: f64) -> String {
    strconv::format_float(f, b'g', -1)
}

/// How an `enum`/`const` member is shown: strings quoted, containers as `value`.
fn display_json(v: &Json) -> String {
    match v {
        Json::String(s) => quote(s),
        Json::Array(_) | Json::Object(_) => "value".into(),
        Json::Null => "<nil>".into(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) => number_text(f),
            _ => n.to_string(),
        },
    }
}

/// JSON Schema equality between a value and a schema literal (numbers by value).
fn equals(v: &Value, j: &Json) -> bool {
    match (v, j) {
        (Value::Nil, Json::Null) => true,
        (Value::Bool(a), Json::Bool(b)) => a == b,
        (Value::String(a), Json::String(b)) => &**a == b.as_str(),
        (_, Json::Number(n)) => match (as_number(v), n.as_f64()) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        },
        (Value::List(l), Json::Array(items)) => {
            l.len() == items.len() && l.items().iter().zip(items).all(|(a, b)| equals(a, b))
        }
        (Value::Map(m), Json::Object(o)) => {
            let m = m.borrow();
            m.len() == o.len() && o.iter().all(|(k, jv)| m.get(k.as_str()).is_some_and(|mv| equals(mv, jv)))
        }
        _ => false,
    }
}

/// Equality between two values for `uniqueItems`.
fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.items().iter().zip(y.items()).all(|(p, q)| values_equal(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| values_equal(v, w)))
        }
        _ => match (as_number(a), as_number(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

fn usize_of(j: Option<&Json>) -> Option<usize> {
    j.and_then(Json::as_u64).map(|n| n as usize)
}

fn missing_of(obj: &govalue::MapEntries, required: &[Json]) -> Vec<String> {
    required.iter().filter_map(Json::as_str).filter(|k| !obj.contains_key(*k)).map(str::to_string).collect()
}

fn join_quoted(names: &[String]) -> String {
    names.iter().map(|n| quote(n)).collect::<Vec<_>>().join(", ")
}

type Check = Result<Option<Failure>, String>;

struct Validator<'s> {
    root: &'s Json,
    draft: Draft,
}

impl<'s> Validator<'s> {
    /// Resolves a local `$ref`.
    fn resolve(&self, reference: &str) -> Result<&'s Json, String> {
        let Some(pointer) = reference.strip_prefix('#') else {
            return Err(format!(
                "schema $ref {reference:?} points outside values.schema.json; capstan does not load it (use --skip-schema-validation)"
            ));
        };
        let mut node = self.root;
        for raw in pointer.split('/').skip(1) {
            let token = percent_decode(raw).replace("~1", "/").replace("~0", "~");
            node = match node {
                Json::Object(o) => o.get(&token),
                Json::Array(a) => token.parse::<usize>().ok().and_then(|i| a.get(i)),
                _ => None,
            }
            .ok_or_else(|| format!("schema $ref {reference:?} does not resolve"))?;
        }
        Ok(node)
    }

    fn check(&self, schema: &'s Json, v: &Value, loc: &mut Vec<String>, depth: usize) -> Check {
        if depth > MAX_DEPTH {
            return Err("schema $ref nesting is too deep (a reference cycle?)".into());
        }
        let s = match schema {
            Json::Bool(true) => return Ok(None),
            Json::Bool(false) => return Ok(Some(Failure::new(loc, "false schema".into()))),
            Json::Object(s) => s,
            _ => return Ok(None),
        };

        if let Some(types) = s.get("type") {
            let wanted: Vec<&str> = match types {
                Json::String(t) => vec![t.as_str()],
                Json::Array(ts) => ts.iter().filter_map(Json::as_str).collect(),
                _ => Vec::new(),
            };
            let got = type_of(v);
            let ok = wanted.is_empty()
                || wanted.contains(&got)
                || (wanted.contains(&"integer") && got == "number" && is_integer(v));
            if !ok {
                let msg = format!("got {got}, want {}", wanted.join(" or "));
                return Ok(Some(Failure::new(loc, msg)));
            }
        }
        if let Some(c) = s.get("const") {
            if !equals(v, c) {
                let msg = match c {
                    Json::Array(_) | Json::Object(_) => "const failed".to_string(),
                    _ => format!("value must be {}", display_json(c)),
                };
                return Ok(Some(Failure::new(loc, msg)));
            }
        }
        if let Some(Json::Array(options)) = s.get("enum") {
            if !options.iter().any(|o| equals(v, o)) {
                let primitive = options.iter().all(|o| !matches!(o, Json::Array(_) | Json::Object(_)));
                let msg = if !primitive {
                    "enum failed".to_string()
                } else if options.len() == 1 {
                    format!("value must be {}", display_json(&options[0]))
                } else {
                    let shown: Vec<String> = options.iter().map(display_json).collect();
                    format!("value must be one of {}", shown.join(", "))
                };
                return Ok(Some(Failure::new(loc, msg)));
            }
        }

        let mut errors = Vec::new();
        if let Some(Json::String(reference)) = s.get("$ref") {
            let target = self.resolve(reference)?;
            let found = self.check(target, v, loc, depth + 1)?.map(|inner| {
                let causes = if inner.is_group { inner.causes } else { vec![inner] };
                Failure { is_reference: true, ..Failure::with_causes(loc, "validation failed", causes) }
            });
            if self.draft < Draft::D2019 {
                return Ok(found);
            }
            errors.extend(found);
        }

        match v {
            Value::Map(m) => self.check_object(s, &m.borrow(), loc, depth, &mut errors)?,
            Value::List(l) => self.check_array(s, l.items(), loc, depth, &mut errors)?,
            Value::String(text) => self.check_string(s, text, loc, &mut errors)?,
            _ => {
                if let Some(n) = as_number(v) {
                    self.check_number(s, n, loc, &mut errors);
                }
            }
        }
        self.check_conditions(s, v, loc, depth, &mut errors)?;

        Ok(match errors.len() {
            0 => None,
            1 => errors.pop(),
            _ => Some(Failure { is_group: true, ..Failure::with_causes(loc, "validation failed", errors) }),
        })
    }

    /// Validates a child value (an object member or array item) at `token`.
    fn check_child(&self, schema: &'s Json, v: &Value, token: &str, loc: &mut Vec<String>, depth: usize) -> Check {
        loc.push(token.to_string());
        let result = self.check(schema, v, loc, depth + 1);
        loc.pop();
        result
    }

    fn check_object(
        &self,
        s: &'s serde_json::Map<String, Json>,
        obj: &govalue::MapEntries,
        loc: &mut Vec<String>,
        depth: usize,
        errors: &mut Vec<Failure>,
    ) -> Result<(), String> {
        if let Some(min) = usize_of(s.get("minProperties")) {
            if obj.len() < min {
                errors.push(Failure::new(loc, format!("minProperties: got {}, want {min}", obj.len())));
            }
        }
        if let Some(max) = usize_of(s.get("maxProperties")) {
            if obj.len() > max {
                errors.push(Failure::new(loc, format!("maxProperties: got {}, want {max}", obj.len())));
            }
        }
        if let Some(Json::Array(required)) = s.get("required") {
            let missing = missing_of(obj, required);
            match missing.len() {
                0 => {}
                1 => errors.push(Failure::new(loc, format!("missing property {}", quote(&missing[0])))),
                _ => errors.push(Failure::new(loc, format!("missing properties {}", join_quoted(&missing)))),
            }
        }
        if self.draft <= Draft::D7 {
            if let Some(Json::Object(deps)) = s.get("dependencies") {
                for (name, dep) in deps {
                    if !obj.contains_key(name.as_str()) {
                        continue;
                    }
                    match dep {
                        Json::Array(required) => {
                            let missing = missing_of(obj, required);
                            if !missing.is_empty() {
                                let msg =
                                    format!("properties {} required, if {} exists", join_quoted(&missing), quote(name));
                                errors.push(Failure::new(loc, msg));
                            }
                        }
                        schema => {
                            let value = Value::map(obj.clone());
                            errors.extend(self.check(schema, &value, loc, depth + 1)?);
                        }
                    }
                }
            }
        }

        let properties = s.get("properties").and_then(Json::as_object);
        let patterns = match s.get("patternProperties").and_then(Json::as_object) {
            Some(p) => p
                .iter()
                .map(|(re, sch)| {
                    sprig::regex::compile_go(re)
                        .map(|r| (r, sch))
                        .map_err(|e| format!("invalid patternProperties regex {re:?}: {e}"))
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };
        let additional = s.get("additionalProperties");
        let mut not_allowed = Vec::new();
        for (name, value) in obj {
            let mut evaluated = false;
            if let Some(sch) = properties.and_then(|p| p.get(&**name)) {
                evaluated = true;
                errors.extend(self.check_child(sch, value, name, loc, depth)?);
            }
            for (re, sch) in &patterns {
                if re.is_match(name) {
                    evaluated = true;
                    errors.extend(self.check_child(sch, value, name, loc, depth)?);
                }
            }
            if !evaluated {
                match additional {
                    Some(Json::Bool(false)) => not_allowed.push(name.to_string()),
                    Some(sch @ Json::Object(_)) => errors.extend(self.check_child(sch, value, name, loc, depth)?),
                    _ => {}
                }
            }
        }
        if !not_allowed.is_empty() {
            errors.push(Failure::new(loc, format!("additional properties {} not allowed", join_quoted(&not_allowed))));
        }
        if self.draft == Draft::D4 {
            return Ok(());
        }
        if let Some(names) = s.get("propertyNames") {
            for name in obj.keys() {
                if self.check(names, &Value::str(name), loc, depth + 1)?.is_some() {
                    errors.push(Failure::new(loc, format!("invalid propertyName {}", quote(name))));
                }
            }
        }
        if self.draft >= Draft::D2019 {
            if let Some(Json::Object(deps)) = s.get("dependentSchemas") {
                for (name, schema) in deps {
                    if obj.contains_key(name.as_str()) {
                        let value = Value::map(obj.clone());
                        errors.extend(self.check(schema, &value, loc, depth + 1)?);
                    }
                }
            }
            if let Some(Json::Object(deps)) = s.get("dependentRequired") {
                for (name, required) in deps {
                    if let (true, Json::Array(required)) = (obj.contains_key(name.as_str()), required) {
                        let missing = missing_of(obj, required);
                        if !missing.is_empty() {
                            let msg =
                                format!("properties {} required, if {} exists", join_quoted(&missing), quote(name));
                            errors.push(Failure::new(loc, msg));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn check_array(
        &self,
        s: &'s serde_json::Map<String, Json>,
        items: &[Value],
        loc: &mut Vec<String>,
        depth: usize,
        errors: &mut Vec<Failure>,
    ) -> Result<(), String> {
        if let Some(min) = usize_of(s.get("minItems")) {
            if items.len() < min {
                errors.push(Failure::new(loc, format!("minItems: got {}, want {min}", items.len())));
            }
        }
        if let Some(max) = usize_of(s.get("maxItems")) {
            if items.len() > max {
                errors.push(Failure::new(loc, format!("maxItems: got {}, want {max}", items.len())));
            }
        }
        if s.get("uniqueItems") == Some(&Json::Bool(true)) {
            'outer: for i in 0..items.len() {
                for j in i + 1..items.len() {
                    if values_equal(&items[i], &items[j]) {
                        errors.push(Failure::new(loc, format!("items at {i} and {j} are equal")));
                        break 'outer;
                    }
                }
            }
        }
        let mut evaluated = 0;
        if self.draft < Draft::D2020 {
            match s.get("items") {
                Some(Json::Array(schemas)) => {
                    evaluated = schemas.len().min(items.len());
                    for (i, (item, sch)) in items.iter().zip(schemas).enumerate() {
                        errors.extend(self.check_child(sch, item, &i.to_string(), loc, depth)?);
                    }
                    match s.get("additionalItems") {
                        Some(Json::Bool(false)) if evaluated != items.len() => {
                            let msg = format!("last {} additionalItem(s) not allowed", items.len() - evaluated);
                            errors.push(Failure::new(loc, msg));
                        }
                        Some(sch @ Json::Object(_)) => {
                            for (i, item) in items[evaluated..].iter().enumerate() {
                                errors.extend(self.check_child(sch, item, &i.to_string(), loc, depth)?);
                            }
                        }
                        _ => {}
                    }
                }
                Some(sch) => {
                    for (i, item) in items.iter().enumerate() {
                        errors.extend(self.check_child(sch, item, &i.to_string(), loc, depth)?);
                    }
                }
                None => {}
            }
        } else {
            if let Some(Json::Array(prefix)) = s.get("prefixItems") {
                evaluated = prefix.len().min(items.len());
                for (i, (item, sch)) in items.iter().zip(prefix).enumerate() {
                    errors.extend(self.check_child(sch, item, &i.to_string(), loc, depth)?);
                }
            }
            if let Some(sch) = s.get("items") {
                for (i, item) in items[evaluated..].iter().enumerate() {
                    errors.extend(self.check_child(sch, item, &i.to_string(), loc, depth)?);
                }
            }
        }
        if let Some(contains) = s.get("contains") {
            let mut failures = Vec::new();
            let mut matched = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match self.check_child(contains, item, &i.to_string(), loc, depth)? {
                    Some(f) => failures.push(f),
                    None => matched.push(i),
                }
            }
            let matched_text = matched.iter().map(usize::to_string).collect::<Vec<_>>().join(" ");
            match usize_of(s.get("minContains")) {
                Some(min) if matched.len() < min => {
                    let msg = if matched.is_empty() {
                        format!("min {min} items required to match contains schema, but none matched")
                    } else {
                        format!(
                            "min {min} items required to match contains schema, but matched {} items at {matched_text}",
                            matched.len()
                        )
                    };
                    errors.push(Failure::with_causes(loc, &msg, failures));
                }
                None if matched.is_empty() => {
                    errors.push(Failure::with_causes(loc, "no items match contains schema", failures));
                }
                _ => {}
            }
            if let Some(max) = usize_of(s.get("maxContains")) {
                if matched.len() > max {
                    let msg = format!(
                        "max {max} items required to match contains schema, but matched {} items at {matched_text}",
                        matched.len()
                    );
                    errors.push(Failure::new(loc, msg));
                }
            }
        }
        Ok(())
    }

    fn check_string(
        &self,
        s: &serde_json::Map<String, Json>,
        text: &str,
        loc: &[String],
        errors: &mut Vec<Failure>,
    ) -> Result<(), String> {
        let len = text.chars().count();
        if let Some(min) = usize_of(s.get("minLength")) {
            if len < min {
                errors.push(Failure::new(loc, format!("minLength: got {len}, want {min}")));
            }
        }
        if let Some(max) = usize_of(s.get("maxLength")) {
            if len > max {
                errors.push(Failure::new(loc, format!("maxLength: got {len}, want {max}")));
            }
        }
        if let Some(Json::String(pattern)) = s.get("pattern") {
            let re = sprig::regex::compile_go(pattern).map_err(|e| format!("invalid pattern {pattern:?}: {e}"))?;
            if !re.is_match(text) {
                errors.push(Failure::new(loc, format!("{} does not match pattern {}", quote(text), quote(pattern))));
            }
        }
        Ok(())
    }

    fn check_number(&self, s: &serde_json::Map<String, Json>, n: f64, loc: &[String], errors: &mut Vec<Failure>) {
        let num = |key: &str| s.get(key).and_then(Json::as_f64);
        let exclusive_flag = |key: &str| s.get(key) == Some(&Json::Bool(true));
        let mut fail = |name: &str, want: f64| {
            errors.push(Failure::new(loc, format!("{name}: got {}, want {}", number_text(n), number_text(want))));
        };
        if let Some(min) = num("minimum") {
            if self.draft == Draft::D4 && exclusive_flag("exclusiveMinimum") {
                if n <= min {
                    fail("exclusiveMinimum", min);
                }
            } else if n < min {
                fail("minimum", min);
            }
        }
        if let Some(max) = num("maximum") {
            if self.draft == Draft::D4 && exclusive_flag("exclusiveMaximum") {
                if n >= max {
                    fail("exclusiveMaximum", max);
                }
            } else if n > max {
                fail("maximum", max);
            }
        }
        if self.draft > Draft::D4 {
            if let Some(min) = num("exclusiveMinimum") {
                if n <= min {
                    fail("exclusiveMinimum", min);
                }
            }
            if let Some(max) = num("exclusiveMaximum") {
                if n >= max {
                    fail("exclusiveMaximum", max);
                }
            }
        }
        if let Some(step) = num("multipleOf") {
            if step != 0.0 {
                let q = n / step;
                if !(q.is_finite() && (q - q.round()).abs() < 1e-9) {
                    fail("multipleOf", step);
                }
            }
        }
    }

    fn check_conditions(
        &self,
        s: &'s serde_json::Map<String, Json>,
        v: &Value,
        loc: &mut Vec<String>,
        depth: usize,
        errors: &mut Vec<Failure>,
    ) -> Result<(), String> {
        if let Some(not) = s.get("not") {
            if self.check(not, v, loc, depth + 1)?.is_none() {
                errors.push(Failure::new(loc, "not failed".into()));
            }
        }
        if let Some(Json::Array(all)) = s.get("allOf") {
            let mut failures = Vec::new();
            for sch in all {
                failures.extend(self.check(sch, v, loc, depth + 1)?);
            }
            if !failures.is_empty() {
                errors.push(Failure::with_causes(loc, "allOf failed", failures));
            }
        }
        if let Some(Json::Array(any)) = s.get("anyOf") {
            let mut failures = Vec::new();
            let mut matched = false;
            for sch in any {
                match self.check(sch, v, loc, depth + 1)? {
                    Some(f) => failures.push(f),
                    None => {
                        matched = true;
                        break;
                    }
                }
            }
            if !matched {
                errors.push(Failure::with_causes(loc, "anyOf failed", failures));
            }
        }
        if let Some(Json::Array(one)) = s.get("oneOf") {
            let mut failures = Vec::new();
            let mut matched: Option<usize> = None;
            let mut twice = None;
            for (i, sch) in one.iter().enumerate() {
                match self.check(sch, v, loc, depth + 1)? {
                    Some(f) if matched.is_none() => failures.push(f),
                    Some(_) => {}
                    None => match matched {
                        None => matched = Some(i),
                        Some(first) => {
                            twice = Some((first, i));
                            break;
                        }
                    },
                }
            }
            if let Some((a, b)) = twice {
                errors.push(Failure::new(loc, format!("oneOf failed, subschemas {a}, {b} matched")));
            } else if matched.is_none() {
                errors.push(Failure::with_causes(loc, "oneOf failed, none matched", failures));
            }
        }
        if self.draft >= Draft::D7 {
            if let Some(cond) = s.get("if") {
                if self.check(cond, v, loc, depth + 1)?.is_none() {
                    if let Some(then) = s.get("then") {
                        errors.extend(self.check(then, v, loc, depth + 1)?);
                    }
                } else if let Some(otherwise) = s.get("else") {
                    errors.extend(self.check(otherwise, v, loc, depth + 1)?);
                }
            }
        }
        Ok(())
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use govalue::{List, Map, MapEntries};

    fn obj(pairs: &[(&str, Value)]) -> Value {
        let mut e = MapEntries::new();
        for (k, v) in pairs {
            e.insert((*k).into(), v.clone());
        }
        Value::Map(Map::from_entries(e))
    }

    #[test]
    fn type_mismatch_reads_like_helm() {
        let schema = r#"{"type":"object","properties":{"port":{"type":"integer"}}}"#;
        let err = validate(schema, &obj(&[("port", Value::str("80"))])).unwrap_err();
        assert_eq!(err, "- at '/port': got string, want integer\n");
        assert!(validate(schema, &obj(&[("port", Value::Float(80.0))])).is_ok());
        assert!(validate(schema, &obj(&[("port", Value::Int64(80))])).is_ok());
    }

    #[test]
    fn required_enum_pattern_minimum_additional() {
        let schema = r#"{"required":["name"],"additionalProperties":false,
            "properties":{"mode":{"enum":["a","b"]},"tag":{"pattern":"^[a-z0-9.]+$"},
            "replicas":{"minimum":1},"name":{}}}"#;
        let v = obj(&[
            ("mode", Value::str("c")),
            ("tag", Value::str("bad tag")),
            ("replicas", Value::Float(0.0)),
            ("extra", Value::Bool(true)),
        ]);
        let err = validate(schema, &v).unwrap_err();
        assert_eq!(
            err,
            "- at '': missing property 'name'\n\
             - at '/mode': value must be one of 'a', 'b'\n\
             - at '/replicas': minimum: got 0, want 1\n\
             - at '/tag': 'bad tag' does not match pattern '^[a-z0-9.]+$'\n\
             - at '': additional properties 'extra' not allowed\n"
        );
    }

    /// Go (RE2) syntax in `pattern`/`patternProperties`; results from real Helm 4.3.1.
    #[test]
    fn pattern_uses_go_regex_syntax() {
        let schema = r#"{"properties":{"tag":{"type":"string","pattern":"^[\\w-\\.]+$"}},
            "patternProperties":{"^\\d+$":{"type":"integer"}}}"#;
        assert!(validate(schema, &obj(&[("tag", Value::str("redis-ha.svc_1"))])).is_ok());
        let err = validate(schema, &obj(&[("tag", Value::str("héllo"))])).unwrap_err();
        assert_eq!(err, "- at '/tag': 'héllo' does not match pattern '^[\\\\w-\\\\.]+$'\n");
        // `\d` is ASCII-only: an Arabic-Indic digit key is not checked.
        assert!(validate(schema, &obj(&[("٣", Value::str("x"))])).is_ok());
        let err = validate(schema, &obj(&[("3", Value::str("x"))])).unwrap_err();
        assert_eq!(err, "- at '/3': got string, want integer\n");
    }

    #[test]
    fn nested_failures_are_grouped_and_refs_followed() {
        let schema = r##"{"$defs":{"s":{"type":"string"}},
            "properties":{"a":{"properties":{"x":{"$ref":"#/$defs/s"},"y":{"type":"string"}}},"b":{"type":"string"}}}"##;
        let a = obj(&[("x", Value::Float(1.0)), ("y", Value::Bool(true))]);
        // A single failing member at the top is flattened into its causes...
        let err = validate(schema, &obj(&[("a", a.clone())])).unwrap_err();
        assert_eq!(err, "- at '/a/x': got number, want string\n- at '/a/y': got boolean, want string\n");
        // ...but shown as a group when it sits beside another failure.
        let err = validate(schema, &obj(&[("a", a), ("b", Value::Nil)])).unwrap_err();
        assert_eq!(
            err,
            "- at '/a': validation failed\n  - at '/a/x': got number, want string\n  - at '/a/y': got boolean, want string\n- at '/b': got null, want string\n"
        );
    }

    #[test]
    fn arrays_and_combinators() {
        let schema = r#"{"properties":{"l":{"type":"array","items":{"type":"integer"},"uniqueItems":true},
            "o":{"oneOf":[{"type":"string"},{"type":"integer"}]}}}"#;
        let v =
            obj(&[("l", Value::List(List::new(vec![Value::Float(1.0), Value::Float(1.0)]))), ("o", Value::Bool(true))]);
        let err = validate(schema, &v).unwrap_err();
        assert!(err.contains("- at '/l': items at 0 and 1 are equal"), "{err}");
        assert!(err.contains("- at '/o': oneOf failed, none matched\n  - at '/o': got boolean, want string"), "{err}");
    }

    #[test]
    fn unreadable_and_remote_schemas_are_errors() {
        assert_eq!(validate("{", &obj(&[])).unwrap_err(), "unexpected EOF");
        let remote = r#"{"$ref":"https://example.com/s.json"}"#;
        assert!(validate(remote, &obj(&[])).unwrap_err().contains("does not load it"));
    }

    #[test]
    fn draft7_ref_ignores_siblings() {
        let schema = r##"{"$schema":"http://json-schema.org/draft-07/schema#","definitions":{"any":{}},
            "$ref":"#/definitions/any","required":["x"]}"##;
        assert!(validate(schema, &obj(&[])).is_ok());
    }
}
