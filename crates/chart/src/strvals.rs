//! Helm's `--set` family parser (`helm.sh/helm/v4/pkg/strvals`), ported rune for rune
//! so that results and error texts match: `a.b=c`, lists `a[0]=x`, `{x,y}` lists,
//! commas between assignments, backslash escapes, and type inference.

use govalue::strconv::{quote, quote_rune};
use govalue::{List, Map, Value};

/// Largest list index `--set` accepts.
const MAX_INDEX: i64 = 65536;
/// Deepest `a.b.c...` nesting `--set` accepts.
const MAX_NESTED_NAME_LEVEL: usize = 30;
/// What one `[i]` of a `--set` key leads to.
enum Step {
    /// The list with the value set.
    Done(Vec<Value>),
    /// Another `[next]` follows: `inner` (the current item at `i` of `list`) is
    /// descended into.
    Nested { list: Vec<Value>, i: i64, inner: Vec<Value>, next: i64 },
}

/// How values on the right of `=` are read.
pub enum Mode<'a> {
    /// `--set`: integers become int64, `true`/`false` booleans, `null` nil.
    Typed,
    /// `--set-string`: always strings.
    String,
    /// `--set-json`: each value is a JSON document.
    Json,
    /// `--set-file`: each value names a file whose contents become the string value.
    File(&'a mut dyn FnMut(&str) -> Result<Value, String>),
}

/// A parse failure: the end of input (not an error at the top) or a Go error text.
enum PErr {
    Eof,
    NotList,
    Msg(String),
}

impl PErr {
    fn text(self) -> String {
        match self {
            PErr::Eof => "EOF".into(),
            PErr::NotList => "not a list".into(),
            PErr::Msg(m) => m,
        }
    }
}

type PResult<T> = Result<T, PErr>;

/// A rune scanner with one rune of push-back, like Go's `bytes.Buffer`.
struct Scanner {
    runes: Vec<char>,
    pos: usize,
}

impl Scanner {
    fn read(&mut self) -> Option<char> {
        let r = self.runes.get(self.pos).copied();
        if r.is_some() {
            self.pos += 1;
        }
        r
    }

    fn unread(&mut self) {
        self.pos = self.pos.saturating_sub(1);
    }

    fn rest(&self) -> String {
        self.runes[self.pos.min(self.runes.len())..].iter().collect()
    }

    /// Reads up to a stop rune, honouring backslash escapes (`literal` turns them off).
    /// Returns the runes read, the stop rune (None at end of input).
    fn until(&mut self, stop: &[char], literal: bool) -> (String, Option<char>) {
        let mut v = String::new();
        loop {
            match self.read() {
                None => return (v, None),
                Some(r) if stop.contains(&r) => return (v, Some(r)),
                Some('\\') if !literal => match self.read() {
                    None => return (v, None),
                    Some(next) => v.push(next),
                },
                Some(r) => v.push(r),
            }
        }
    }
}

/// Go's panic text for a failed type assertion `x.(T)`.
fn conversion_panic(found: &Value, want: &str) -> PErr {
    let have = if found.is_nil() { "nil".to_string() } else { found.type_name() };
    PErr::Msg(format!("unable to parse key: interface conversion: interface {{}} is {have}, not {want}"))
}

const LIST_T: &str = "[]interface {}";
const MAP_T: &str = "map[string]interface {}";

struct Parser<'a, 'b> {
    sc: Scanner,
    mode: &'a mut Mode<'b>,
    literal: bool,
}

/// Parses one `--set`-style argument into `dest`, as `strvals.ParseInto` and friends do.
pub fn parse_into(s: &str, dest: &Map, mode: &mut Mode) -> Result<(), String> {
    let mut p = Parser { sc: Scanner { runes: s.chars().collect(), pos: 0 }, mode, literal: false };
    p.parse(dest)
}

/// Parses one `--set-literal` argument into `dest` (`strvals.ParseLiteralInto`).
pub fn parse_literal_into(s: &str, dest: &Map) -> Result<(), String> {
    let mut mode = Mode::String;
    let mut p = Parser { sc: Scanner { runes: s.chars().collect(), pos: 0 }, mode: &mut mode, literal: true };
    p.parse(dest)
}

fn set(data: &Map, key: &str, val: Value) {
    if !key.is_empty() {
        data.insert(key, val);
    }
}

fn set_index(mut list: Vec<Value>, index: i64, val: Value) -> PResult<Vec<Value>> {
    if index < 0 {
        return Err(PErr::Msg(format!("negative {index} index not allowed")));
    }
    if index > MAX_INDEX {
        return Err(PErr::Msg(format!("index of {index} is greater than maximum supported index of {MAX_INDEX}")));
    }
    let i = index as usize;
    if list.len() <= i {
        list.resize(i + 1, Value::Nil);
    }
    list[i] = val;
    Ok(list)
}

/// Go's `typedVal`: the type inference of `--set`.
fn typed_val(v: &str, as_string: bool) -> Value {
    if as_string {
        return Value::str(v);
    }
    if v.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if v.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if v.eq_ignore_ascii_case("null") {
        return Value::Nil;
    }
    if v == "0" {
        return Value::Int64(0);
    }
    if !v.is_empty() && !v.starts_with('0') {
        if let Some(i) = parse_go_int(v) {
            return Value::Int64(i);
        }
    }
    Value::str(v)
}

/// `strconv.ParseInt(s, 10, 64)`: optional sign, decimal digits only.
fn parse_go_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok()
}

/// `strconv.Atoi` with Go's error text.
fn atoi(s: &str) -> Result<i64, String> {
    match parse_go_int(s) {
        Some(i) => Ok(i),
        None => {
            let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
            let why = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                "value out of range"
            } else {
                "invalid syntax"
            };
            Err(format!("strconv.Atoi: parsing {}: {why}", quote(s)))
        }
    }
}

impl Parser<'_, '_> {
    fn parse(&mut self, data: &Map) -> Result<(), String> {
        loop {
            match self.key(data, 0) {
                Ok(()) => continue,
                Err(PErr::Eof) => return Ok(()),
                Err(e) => return Err(e.text()),
            }
        }
    }

    fn read_value(&mut self, rs: &str) -> PResult<Value> {
        match &mut self.mode {
            Mode::Typed => Ok(typed_val(rs, false)),
            Mode::String | Mode::Json => Ok(typed_val(rs, true)),
            Mode::File(reader) => reader(rs).map_err(PErr::Msg),
        }
    }

    fn is_json(&self) -> bool {
        matches!(self.mode, Mode::Json)
    }

    fn key(&mut self, data: &Map, mut level: usize) -> PResult<()> {
        let stop: &[char] = if self.literal { &['=', '[', '.'] } else { &['=', '[', ',', '.'] };
        let (k, last) = self.sc.until(stop, self.literal);
        let Some(last) = last else {
            if k.is_empty() {
                return Err(PErr::Eof);
            }
            return Err(PErr::Msg(format!("key {} has no value", quote(&k))));
        };
        match last {
            '[' => {
                let i = self.key_index()?;
                let list = match data.get(&k) {
                    None => Vec::new(),
                    Some(Value::List(l)) => l.items().to_vec(),
                    Some(other) => return Err(conversion_panic(&other, LIST_T)),
                };
                match self.list_item(list, i, level) {
                    Ok(list) => {
                        set(data, &k, Value::List(List::new(list)));
                        Ok(())
                    }
                    Err(PErr::Eof) => {
                        set(data, &k, Value::list(Vec::new()));
                        Err(PErr::Eof)
                    }
                    Err(e) => Err(e),
                }
            }
            '=' if self.literal => {
                let v = self.sc.until(&[], true).0;
                set(data, &k, Value::string(v));
                Ok(())
            }
            '=' => {
                if self.is_json() {
                    let v = self.json_value()?;
                    set(data, &k, v);
                    return self.json_tail();
                }
                match self.val_list() {
                    Ok(vl) => {
                        set(data, &k, Value::list(vl));
                        Ok(())
                    }
                    Err(PErr::Eof) => {
                        set(data, &k, Value::str(""));
                        Err(PErr::Eof)
                    }
                    Err(PErr::NotList) => {
                        let rs = self.sc.until(&[','], false).0;
                        let v = self.read_value(&rs)?;
                        set(data, &k, v);
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            ',' => {
                set(data, &k, Value::str(""));
                Err(PErr::Msg(format!("key {} has no value (cannot end with ,)", quote(&k))))
            }
            _ => {
                // '.'
                level += 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(PErr::Msg(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    )));
                }
                let inner = match data.get(&k) {
                    None => Map::new(),
                    Some(Value::Map(m)) => m,
                    Some(other) => return Err(conversion_panic(&other, MAP_T)),
                };
                let e = self.key(&inner, level);
                if e.is_ok() && inner.is_empty() {
                    return Err(PErr::Msg(format!("key map {} has no value", quote(&k))));
                }
                if !inner.is_empty() {
                    set(data, &k, Value::Map(inner));
                }
                e
            }
        }
    }

    fn key_index(&mut self) -> PResult<i64> {
        let (v, last) = self.sc.until(&[']'], self.literal);
        if last.is_none() {
            return Err(PErr::Msg("error parsing index: EOF".into()));
        }
        atoi(&v).map_err(|e| PErr::Msg(format!("error parsing index: {e}")))
    }

    /// `listItem`. Helm recurses once per `[n]` of `a[0][1]...`, with no limit; the
    /// chain of lists is kept on the heap here so any depth an argument can hold fits.
    fn list_item(&mut self, list: Vec<Value>, i: i64, level: usize) -> PResult<Vec<Value>> {
        let mut outer: Vec<(Vec<Value>, i64)> = Vec::new();
        let (mut list, mut i) = (list, i);
        let innermost = loop {
            match self.list_step(list, i, level)? {
                Step::Done(l) => break l,
                Step::Nested { list: l, i: at, inner, next } => {
                    outer.push((l, at));
                    list = inner;
                    i = next;
                }
            }
        };
        let mut done = innermost;
        while let Some((l, at)) = outer.pop() {
            done = set_index(l, at, Value::list(done))?;
        }
        Ok(done)
    }

    /// One `[i]` of [`Parser::list_item`]: the finished list, or the list to descend
    /// into for a following `[next]`.
    fn list_step(&mut self, list: Vec<Value>, i: i64, level: usize) -> PResult<Step> {
        if i < 0 {
            return Err(PErr::Msg(format!("negative {i} index not allowed")));
        }
        let (k, last) = self.sc.until(&['[', '.', '='], self.literal);
        if !k.is_empty() {
            // Go prints the rest of the key as a rune slice with %q: ['n' 'a' 'm' 'e'].
            let runes: Vec<String> = k.chars().map(quote_rune).collect();
            return Err(PErr::Msg(format!("unexpected data at end of array index: [{}]", runes.join(" "))));
        }
        let Some(last) = last else { return Err(PErr::Eof) };
        let iu = i as usize;
        let done = match last {
            '=' if self.literal => {
                let v = self.sc.until(&[], true).0;
                set_index(list, i, Value::string(v))
            }
            '=' => {
                if self.is_json() {
                    let v = self.json_value()?;
                    let list = set_index(list, i, v)?;
                    self.json_tail()?;
                    return Ok(Step::Done(list));
                }
                match self.val_list() {
                    Ok(vl) => set_index(list, i, Value::list(vl)),
                    Err(PErr::Eof) => set_index(list, i, Value::str("")),
                    Err(PErr::NotList) => {
                        let rs = self.sc.until(&[','], false).0;
                        let v = self.read_value(&rs)?;
                        set_index(list, i, v)
                    }
                    Err(e) => Err(e),
                }
            }
            '[' => {
                let next = self.key_index()?;
                let inner = match list.get(iu) {
                    None | Some(Value::Nil) => Vec::new(),
                    Some(Value::List(l)) => l.items().to_vec(),
                    Some(other) => return Err(conversion_panic(other, LIST_T)),
                };
                return Ok(Step::Nested { list, i, inner, next });
            }
            _ => {
                // '.'
                let inner = match list.get(iu) {
                    Some(Value::Map(m)) => m.clone(),
                    _ => Map::new(),
                };
                self.key(&inner, level)?;
                set_index(list, i, Value::Map(inner))
            }
        };
        done.map(Step::Done)
    }

    /// `emptyVal`: skips spaces; true at the end of input or at a comma.
    fn empty_val(&mut self) -> bool {
        loop {
            match self.sc.read() {
                None | Some(',') => return true,
                Some(r) if r.is_whitespace() => continue,
                Some(_) => {
                    self.sc.unread();
                    return false;
                }
            }
        }
    }

    /// Reads one JSON document (or nothing, meaning nil) after `=` in `--set-json`.
    fn json_value(&mut self) -> PResult<Value> {
        if self.empty_val() {
            return Ok(Value::Nil);
        }
        let rest = self.sc.rest();
        let len = json_prefix_len(&rest).ok_or_else(|| PErr::Msg("invalid JSON".into()))?;
        let v = goyaml::parse_json(&rest[..len]).map_err(PErr::Msg)?;
        self.sc.pos += rest[..len].chars().count();
        Ok(v)
    }

    fn json_tail(&mut self) -> PResult<()> {
        self.empty_val();
        Ok(())
    }

    fn val_list(&mut self) -> PResult<Vec<Value>> {
        match self.sc.read() {
            None => return Err(PErr::Eof),
            Some('{') => {}
            Some(_) => {
                self.sc.unread();
                return Err(PErr::NotList);
            }
        }
        let mut list = Vec::new();
        loop {
            let (rs, last) = self.sc.until(&[',', '}'], false);
            match last {
                None => return Err(PErr::Msg("list must terminate with '}'".into())),
                Some('}') => {
                    if let Some(r) = self.sc.read() {
                        if r != ',' {
                            self.sc.unread();
                        }
                    }
                    list.push(self.read_value(&rs)?);
                    return Ok(list);
                }
                Some(_) => list.push(self.read_value(&rs)?),
            }
        }
    }
}

/// The length in bytes of the first JSON value at the start of `s` (after leading
/// spaces), the way `json.Decoder` reads one value from a stream.
fn json_prefix_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && (b[i] as char).is_ascii_whitespace() {
        i += 1;
    }
    let start = *b.get(i)?;
    if start == b'{' || start == b'[' {
        let mut depth = 0usize;
        let mut in_str = false;
        while i < b.len() {
            let c = b[i];
            if in_str {
                if c == b'\\' {
                    i += 1;
                } else if c == b'"' {
                    in_str = false;
                }
            } else if c == b'"' {
                in_str = true;
            } else if c == b'{' || c == b'[' {
                depth += 1;
            } else if c == b'}' || c == b']' {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            i += 1;
        }
        None
    } else if start == b'"' {
        i += 1;
        while i < b.len() {
            if b[i] == b'\\' {
                i += 1;
            } else if b[i] == b'"' {
                return Some(i + 1);
            }
            i += 1;
        }
        None
    } else {
        let begin = i;
        while i < b.len() && !matches!(b[i], b',' | b' ' | b'\t' | b'\n' | b'\r' | b'}' | b']') {
            i += 1;
        }
        (i > begin).then_some(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_v(s: &str) -> Result<String, String> {
        let m = Map::new();
        parse_into(s, &m, &mut Mode::Typed)?;
        Ok(Value::Map(m).to_go_string())
    }

    #[test]
    fn nested_keys_lists_and_types() {
        assert_eq!(set_v("a.b=c,d=1").unwrap(), "map[a:map[b:c] d:1]");
        assert_eq!(set_v("l[1]=x").unwrap(), "map[l:[<nil> x]]");
        assert_eq!(set_v("l={a,b}").unwrap(), "map[l:[a b]]");
        assert_eq!(set_v("a=true,b=null,c=007,d=1.5").unwrap(), "map[a:true b:<nil> c:007 d:1.5]");
        assert_eq!(set_v("a=").unwrap(), "map[a:]");
        assert_eq!(set_v(r"a\.b=c\,d").unwrap(), "map[a.b:c,d]");
        assert_eq!(set_v("l[0].n=x").unwrap(), "map[l:[map[n:x]]]");
    }

    #[test]
    fn int64_and_strings() {
        let m = Map::new();
        parse_into("a=5,b=99999999999999999999", &m, &mut Mode::Typed).unwrap();
        assert_eq!(m.get("a").unwrap().type_name(), "int64");
        assert_eq!(m.get("b").unwrap().type_name(), "string");
        let m = Map::new();
        parse_into("a=5", &m, &mut Mode::String).unwrap();
        assert_eq!(m.get("a").unwrap().type_name(), "string");
    }

    #[test]
    fn helm_error_texts() {
        assert_eq!(set_v("a").unwrap_err(), "key \"a\" has no value");
        assert_eq!(set_v("a,b=1").unwrap_err(), "key \"a\" has no value (cannot end with ,)");
        assert_eq!(set_v("a[x]=1").unwrap_err(), "error parsing index: strconv.Atoi: parsing \"x\": invalid syntax");
        assert_eq!(set_v("a[-1]=1").unwrap_err(), "negative -1 index not allowed");
        assert_eq!(
            set_v("a=1,a.b=2").unwrap_err(),
            "unable to parse key: interface conversion: interface {} is int64, not map[string]interface {}"
        );
    }

    #[test]
    fn literal_keeps_everything() {
        let m = Map::new();
        parse_literal_into(r"a.b=x,y\z", &m).unwrap();
        assert_eq!(Value::Map(m).to_go_string(), r"map[a:map[b:x,y\z]]");
    }

    #[test]
    fn json_prefix() {
        assert_eq!(json_prefix_len(r#"{"a":"}"} ,x"#), Some(9));
        assert_eq!(json_prefix_len("12,b"), Some(2));
    }
}
