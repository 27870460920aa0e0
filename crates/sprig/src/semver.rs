//! Semantic versions as Masterminds/semver v3 parses and compares them: the
//! `semver` function (a `*semver.Version` object) and `semverCompare` with its
//! constraint language (`>=1.2`, `^1.0`, `~1.2.x`, `1.1 - 1.3`, `||`, ...).

use std::any::Any;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::LazyLock;

use govalue::{FuncError, FuncSpec, MethodSig, Object, Param, Value};
use regex_lite::Regex;

use crate::conv::{arg_str, fallible};

/// The semver functions.
pub(crate) fn functions() -> Vec<FuncSpec> {
    vec![
        fallible("semver", &[Param::String], |_, a| {
            parsed_version(arg_str(a, 0)).map(Value::Object).map_err(FuncError::new)
        }),
        fallible("semverCompare", &[Param::String, Param::String], |_, a| {
            check(arg_str(a, 0), arg_str(a, 1)).map(Value::Bool).map_err(FuncError::new)
        }),
    ]
}

/// A version inside a constraint (wildcards allowed), as Masterminds writes it.
const CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
/// The constraint operators (the empty one means `=`).
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";

/// `NewVersion`'s coercing version pattern.
static LOOSE: LazyLock<Regex> = LazyLock::new(|| {
    regex_or_never(
        r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$",
    )
});
/// One operator and version.
static CONSTRAINT: LazyLock<Regex> = LazyLock::new(|| regex_or_never(&format!(r"^\s*({OPS})\s*({CV})\s*$")));
/// A hyphen range `A - B`.
static RANGE: LazyLock<Regex> = LazyLock::new(|| regex_or_never(&format!(r"\s*({CV})\s+-\s+({CV})\s*")));
/// Finds each operator and version in a conjunction.
static FIND: LazyLock<Regex> = LazyLock::new(|| regex_or_never(&format!(r"({OPS})\s*({CV})")));
/// A whole conjunction (comma or space separated).
static VALID: LazyLock<Regex> =
    LazyLock::new(|| regex_or_never(&format!(r"^(\s*({OPS})\s*({CV})\s*)((?:\s+|,\s*)({OPS})\s*({CV})\s*)*$")));

/// Compiles one of the fixed patterns above (a pattern that never matches if it
/// somehow failed to compile, rather than a panic). Classes are ASCII, as in Go's
/// regexp (`\s` is `[\t\n\f\r ]`), which also makes them quick to compile.
fn regex_or_never(p: &str) -> Regex {
    Regex::new(p).unwrap_or_else(|_| Regex::new(r"[^\s\S]").unwrap_or_else(|_| unreachable!()))
}

/// A parsed version (`*semver.Version`).
#[derive(Clone, Debug)]
pub(crate) struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    metadata: String,
    original: String,
}

/// Longest version string Masterminds semver parses.
const MAX_VERSION_LEN: usize = 256;
/// Longest constraint string Masterminds semver parses.
const MAX_CONSTRAINT_LEN: usize = 512;
/// Most `||` groups a Masterminds semver constraint may have.
const MAX_CONSTRAINT_GROUPS: usize = 32;

impl Version {
    /// `semver.NewVersion` (coercing: `v1.2` is `1.2.0`).
    pub(crate) fn parse(v: &str) -> Result<Version, String> {
        const INVALID: &str = "invalid semantic version";
        if v.len() > MAX_VERSION_LEN {
            return Err(format!("version string is too long (max {MAX_VERSION_LEN} bytes)"));
        }
        let m = LOOSE.captures(v).ok_or(INVALID)?;
        let seg = |i: usize| -> Result<u64, String> {
            match m.get(i) {
                None => Ok(0),
                Some(s) => s.as_str().trim_start_matches('.').parse::<u64>().map_err(|_| {
                    format!(
                        "error parsing version segment: strconv.ParseUint: parsing {}: value out of range",
                        govalue::strconv::quote(s.as_str().trim_start_matches('.'))
                    )
                }),
            }
        };
        let text = |i: usize| m.get(i).map(|s| s.as_str().to_string()).unwrap_or_default();
        let sv = Version {
            major: seg(1)?,
            minor: seg(2)?,
            patch: seg(3)?,
            pre: text(5),
            metadata: text(8),
            original: v.to_string(),
        };
        if !sv.pre.is_empty() {
            validate_prerelease(&sv.pre)?;
        }
        if !sv.metadata.is_empty() {
            validate_metadata(&sv.metadata)?;
        }
        Ok(sv)
    }

    /// `Version.Compare`: -1, 0 or 1 (metadata ignored).
    fn compare(&self, o: &Version) -> Ordering {
        self.major.cmp(&o.major).then(self.minor.cmp(&o.minor)).then(self.patch.cmp(&o.patch)).then_with(|| {
            match (self.pre.is_empty(), o.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &o.pre),
            }
        })
    }

    /// `Version.String`.
    fn text(&self) -> String {
        let mut s = format!("{}.{}.{}", self.major, self.minor, self.patch);
        if !self.pre.is_empty() {
            s.push('-');
            s.push_str(&self.pre);
        }
        if !self.metadata.is_empty() {
            s.push('+');
            s.push_str(&self.metadata);
        }
        s
    }

    /// A derived version whose `Original` keeps this one's `v` prefix.
    fn derived(&self, mut next: Version) -> Version {
        let prefix = if self.original.starts_with('v') { "v" } else { "" };
        next.original = format!("{prefix}{}", next.text());
        next
    }
}

/// Whether every character of `s` is allowed.
fn only(s: &str, allowed: impl Fn(char) -> bool) -> bool {
    s.chars().all(allowed)
}

/// A character of a prerelease or metadata identifier.
fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

/// Masterminds' `validatePrerelease`.
fn validate_prerelease(p: &str) -> Result<(), String> {
    for part in p.split('.') {
        if part.is_empty() {
            return Err("invalid prerelease string".into());
        } else if only(part, |c| c.is_ascii_digit()) {
            if part.len() > 1 && part.starts_with('0') {
                return Err("version segment starts with 0".into());
            }
        } else if !only(part, is_ident_char) {
            return Err("invalid prerelease string".into());
        }
    }
    Ok(())
}

/// Masterminds' `validateMetadata`.
fn validate_metadata(m: &str) -> Result<(), String> {
    if m.split('.').any(|p| p.is_empty() || !only(p, is_ident_char)) {
        return Err("invalid metadata string".into());
    }
    Ok(())
}

/// Masterminds' `comparePrerelease`: dot-separated parts, numbers below words.
fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let sa: Vec<&str> = a.split('.').collect();
    let sb: Vec<&str> = b.split('.').collect();
    for i in 0..sa.len().max(sb.len()) {
        let d = compare_pre_part(sa.get(i).copied().unwrap_or(""), sb.get(i).copied().unwrap_or(""));
        if d != Ordering::Equal {
            return d;
        }
    }
    Ordering::Equal
}

/// Compares one prerelease part.
fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    match (s.parse::<u64>(), o.parse::<u64>()) {
        (Err(_), Err(_)) => {
            if s > o {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Ok(a), Ok(b)) => {
            if a > b {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

/// What copystructure makes of a `*semver.Version` (its fields are unexported, so
/// `deepCopy` yields the zero version), or `None` for other objects.
pub(crate) fn deep_copied(o: &dyn Object) -> Option<Value> {
    o.as_any().downcast_ref::<Version>().map(|_| {
        version_value(Version {
            major: 0,
            minor: 0,
            patch: 0,
            pre: String::new(),
            metadata: String::new(),
            original: String::new(),
        })
    })
}

/// A version value for templates.
fn version_value(v: Version) -> Value {
    Value::Object(Rc::new(v))
}

/// The version behind an argument, if it is one.
fn as_version(v: &Value) -> Option<&Version> {
    match v {
        Value::Object(o) => o.as_any().downcast_ref::<Version>(),
        _ => None,
    }
}

impl Object for Version {
    fn type_name(&self) -> &str {
        "*semver.Version"
    }

    fn kind_name(&self) -> &str {
        "ptr"
    }

    fn field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "Major" => Value::Uint64(self.major),
            "Minor" => Value::Uint64(self.minor),
            "Patch" => Value::Uint64(self.patch),
            "Prerelease" => Value::str(&self.pre),
            "Metadata" => Value::str(&self.metadata),
            "Original" => Value::str(&self.original),
            "String" => Value::string(self.text()),
            "IncPatch" => {
                let mut n = self.clone();
                if self.pre.is_empty() {
                    n.patch = self.patch.wrapping_add(1);
                }
                n.pre.clear();
                n.metadata.clear();
                version_value(self.derived(n))
            }
            "IncMinor" => {
                let n = Version {
                    minor: self.minor.wrapping_add(1),
                    patch: 0,
                    pre: String::new(),
                    metadata: String::new(),
                    ..self.clone()
                };
                version_value(self.derived(n))
            }
            "IncMajor" => {
                let n = Version {
                    major: self.major.wrapping_add(1),
                    minor: 0,
                    patch: 0,
                    pre: String::new(),
                    metadata: String::new(),
                    ..self.clone()
                };
                version_value(self.derived(n))
            }
            _ => return None,
        })
    }

    fn method(&self, name: &str) -> Option<MethodSig> {
        match name {
            // `o *Version`: any value is passed; the method checks it.
            "Compare" | "LessThan" | "LessThanEqual" | "GreaterThan" | "GreaterThanEqual" | "Equal" => {
                Some(MethodSig(&[Param::Any]))
            }
            "SetPrerelease" | "SetMetadata" => Some(MethodSig(&[Param::String])),
            _ => None,
        }
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        if let "SetPrerelease" | "SetMetadata" = name {
            let s = args.first().and_then(Value::as_str).unwrap_or("").to_string();
            let mut n = self.clone();
            let check = if name == "SetPrerelease" {
                n.pre = s.clone();
                validate_prerelease(&s)
            } else {
                n.metadata = s.clone();
                validate_metadata(&s)
            };
            if !s.is_empty() {
                if let Err(e) = check {
                    return Some(Err(e));
                }
            }
            return Some(Ok(version_value(self.derived(n))));
        }
        let other = args.first().and_then(as_version)?;
        let ord = self.compare(other);
        Some(Ok(match name {
            "Compare" => Value::Int(ord as i64),
            "LessThan" => Value::Bool(ord == Ordering::Less),
            "LessThanEqual" => Value::Bool(ord != Ordering::Greater),
            "GreaterThan" => Value::Bool(ord == Ordering::Greater),
            "GreaterThanEqual" => Value::Bool(ord != Ordering::Less),
            "Equal" => Value::Bool(ord == Ordering::Equal),
            _ => return None,
        }))
    }

    fn format_v(&self) -> String {
        self.text()
    }

    fn to_json_value(&self) -> Option<Value> {
        Some(Value::string(self.text()))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// One comparison of a constraint (`>=1.2`), with which parts were wildcards.
struct Constraint {
    con: Version,
    op: String,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

/// `semver.Constraints`: alternatives (`||`) of conjunctions.
struct Constraints {
    or: Vec<(Vec<Constraint>, bool)>,
}

/// A wildcard version part.
fn is_x(s: &str) -> bool {
    matches!(s, "x" | "*" | "X")
}

/// Rewrites `A - B` ranges as `>= A, <= B`.
fn rewrite_range(input: &str) -> String {
    let mut out = input.to_string();
    for m in RANGE.captures_iter(input) {
        let (Some(all), Some(a), Some(b)) = (m.get(0), m.get(1), m.get(11)) else { continue };
        out = out.replacen(all.as_str(), &format!(">= {}, <= {} ", a.as_str(), b.as_str()), 1);
    }
    out
}

impl Constraints {
    /// `semver.NewConstraint`.
    fn parse(text: &str) -> Result<Constraints, String> {
        if text.len() > MAX_CONSTRAINT_LEN {
            return Err(format!("constraint string is too long (max {MAX_CONSTRAINT_LEN} bytes)"));
        }
        let text = rewrite_range(text);
        if text.split("||").count() > MAX_CONSTRAINT_GROUPS {
            return Err(format!("too many constraint groups (max {MAX_CONSTRAINT_GROUPS})"));
        }
        let mut or = Vec::new();
        for part in text.split("||") {
            if !VALID.is_match(part) {
                return Err(format!("improper constraint: {}", govalue::strconv::quote(part)));
            }
            let mut found: Vec<String> = FIND.find_iter(part).map(|m| m.as_str().to_string()).collect();
            if found.is_empty() {
                found.push(part.to_string());
            }
            let mut list = Vec::new();
            let mut has_pre = false;
            for s in &found {
                let c = Constraint::parse(s)?;
                has_pre |= !c.con.pre.is_empty();
                list.push(c);
            }
            or.push((list, has_pre));
        }
        Ok(Constraints { or })
    }

    /// `Constraints.Check`.
    fn check(&self, v: &Version) -> bool {
        self.or.iter().any(|(list, pre)| list.iter().all(|c| c.check(v, *pre)))
    }
}

impl Constraint {
    fn parse(c: &str) -> Result<Constraint, String> {
        if c.is_empty() {
            let con = Version::parse("0.0.0")?;
            return Ok(Constraint { con, op: String::new(), minor_dirty: false, patch_dirty: false, dirty: true });
        }
        let m = CONSTRAINT.captures(c).ok_or_else(|| format!("improper constraint: {}", govalue::strconv::quote(c)))?;
        let g = |i: usize| m.get(i).map(|x| x.as_str()).unwrap_or("");
        let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
        let ver = if is_x(g(3)) || g(3).is_empty() {
            dirty = true;
            format!("0.0.0{}", g(6))
        } else if is_x(g(4).trim_start_matches('.')) || g(4).is_empty() {
            minor_dirty = true;
            dirty = true;
            format!("{}.0.0{}", g(3), g(6))
        } else if is_x(g(5).trim_start_matches('.')) || g(5).is_empty() {
            dirty = true;
            patch_dirty = true;
            format!("{}{}.0{}", g(3), g(4), g(6))
        } else {
            g(2).to_string()
        };
        let con = Version::parse(&ver).map_err(|_| "constraint parser error".to_string())?;
        Ok(Constraint { con, op: g(1).to_string(), minor_dirty, patch_dirty, dirty })
    }

    fn check(&self, v: &Version, include_pre: bool) -> bool {
        if !v.pre.is_empty() && !include_pre {
            return false;
        }
        let c = &self.con;
        let cmp = v.compare(c);
        match self.op.as_str() {
            "" | "=" => {
                if self.dirty {
                    self.tilde(v)
                } else {
                    cmp == Ordering::Equal
                }
            }
            "!=" => {
                if self.dirty {
                    if c.major != v.major {
                        return true;
                    }
                    if c.minor != v.minor && !self.minor_dirty {
                        return true;
                    } else if self.minor_dirty {
                        return false;
                    } else if c.patch != v.patch && !self.patch_dirty {
                        return true;
                    } else if self.patch_dirty {
                        if !v.pre.is_empty() || !c.pre.is_empty() {
                            return compare_prerelease(&v.pre, &c.pre) != Ordering::Equal;
                        }
                        return false;
                    }
                }
                cmp != Ordering::Equal
            }
            ">" => {
                if !self.dirty {
                    return cmp == Ordering::Greater;
                }
                if v.major != c.major {
                    return v.major > c.major;
                }
                if self.minor_dirty {
                    return false;
                }
                if self.patch_dirty {
                    return v.minor > c.minor;
                }
                cmp == Ordering::Greater
            }
            "<" => cmp == Ordering::Less,
            ">=" | "=>" => cmp != Ordering::Less,
            "<=" | "=<" => {
                if !self.dirty {
                    return cmp != Ordering::Greater;
                }
                if v.major > c.major {
                    return false;
                }
                !(v.major == c.major && v.minor > c.minor && !self.minor_dirty)
            }
            "~" | "~>" => self.tilde(v),
            "^" => self.caret(v),
            _ => false,
        }
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        v.minor == c.minor || self.minor_dirty
    }

    fn caret(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major > 0 || self.minor_dirty {
            return v.major == c.major;
        }
        if v.major > 0 {
            return false;
        }
        if c.minor > 0 || self.patch_dirty {
            return v.minor == c.minor;
        }
        if v.minor > 0 {
            return false;
        }
        c.patch == v.patch
    }
}

/// How many parsed constraints and versions are remembered (charts test the same
/// few, `semverCompare ">=1.21-0" .Capabilities.KubeVersion.GitVersion`, in
/// template after template).
const PARSED_CACHE_LIMIT: usize = 256;

/// Remembered parses by source text.
type ParseCache<T> = RefCell<HashMap<String, Result<T, String>>>;

thread_local! {
    static PARSED_CONSTRAINTS: ParseCache<Rc<Constraints>> = RefCell::new(HashMap::new());
    static PARSED_VERSIONS: ParseCache<Rc<dyn Object>> = RefCell::new(HashMap::new());
}

/// Looks `key` up in `cache`, or computes and remembers it (up to the limit).
fn cached<T: Clone>(
    cache: &'static std::thread::LocalKey<RefCell<HashMap<String, T>>>,
    key: &str,
    compute: impl FnOnce() -> T,
) -> T {
    if let Some(hit) = cache.with(|c| c.borrow().get(key).cloned()) {
        return hit;
    }
    let value = compute();
    cache.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() < PARSED_CACHE_LIMIT {
            c.insert(key.to_string(), value.clone());
        }
    });
    value
}

/// `semver.NewVersion(text)` as a template value.
fn parsed_version(text: &str) -> Result<Rc<dyn Object>, String> {
    cached(&PARSED_VERSIONS, text, || Version::parse(text).map(|v| Rc::new(v) as Rc<dyn Object>))
}

/// Sprig's `semverCompare`: whether `version` satisfies `constraint` (Masterminds
/// semver v3), or the error either fails to parse with.
pub fn check(constraint: &str, version: &str) -> Result<bool, String> {
    let c = cached(&PARSED_CONSTRAINTS, constraint, || Constraints::parse(constraint).map(Rc::new))?;
    let v = parsed_version(version)?;
    let v = v.as_any().downcast_ref::<Version>().ok_or("invalid semantic version")?;
    Ok(c.check(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_print() {
        assert_eq!(Version::parse("v1.2").unwrap().text(), "1.2.0");
        assert_eq!(Version::parse("01.2.3").unwrap().text(), "1.2.3");
        assert_eq!(Version::parse("not.a.version").unwrap_err(), "invalid semantic version");
        let v = Version::parse("1.2.3-beta.1+build.5").unwrap();
        assert_eq!(v.pre, "beta.1");
        assert_eq!(v.metadata, "build.5");
    }

    #[test]
    fn constraints_like_masterminds() {
        assert_eq!(check(">=1.2.0", "1.10.0"), Ok(true));
        assert_eq!(check("^1.2.0", "2.0.0"), Ok(false));
        assert_eq!(check("~1.2.0", "1.2.9"), Ok(true));
        assert_eq!(check("~1.2.0", "1.3.0"), Ok(false));
        assert_eq!(check(">=1.0.0, <2.0.0", "1.5.0"), Ok(true));
        assert_eq!(check("<1.0.0 || >=3.0.0", "3.1.0"), Ok(true));
        assert_eq!(check(">=1.20.0", "1.21.0-eks-123"), Ok(false));
        assert_eq!(check(">=1.20.0-0", "1.21.0-eks-123"), Ok(true));
        assert_eq!(check("1.2.x", "1.2.7"), Ok(true));
        assert_eq!(check("!=1.2.3", "1.2.3"), Ok(false));
        assert_eq!(check(">1.0", "v1.0.1"), Ok(false));
        assert_eq!(check("1.1 - 1.3", "1.2.5"), Ok(true));
        assert_eq!(check(">1.0.0-alpha", "1.0.0-beta"), Ok(true));
        assert_eq!(check("!!1", "1.0.0"), Err("improper constraint: \"!!1\"".into()));
    }
}
