//! The two glob dialects Helm uses: Go's `path/filepath.Match` (`.helmignore`,
//! `--show-only`) and gobwas/glob with `/` as separator (`.Files.Glob`).

/// Go's `filepath.Match` on `/`-separated names; `None` is `ErrBadPattern`.
pub fn go_match(pattern: &str, name: &str) -> Option<bool> {
    if pattern.is_ascii() && name.is_ascii() {
        // Runes and bytes coincide: no decoding needed.
        return match_runes(pattern.as_bytes(), name.as_bytes());
    }
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    match_runes(&pattern, &name)
}

/// A `filepath.Match` pattern prepared for matching many names: the common shapes
/// of `.helmignore` rules (`name`, `*.ext`) are matched without the general
/// algorithm, with the same results.
pub struct GoPattern {
    pattern: String,
    shape: Shape,
}

enum Shape {
    /// No metacharacter: matches only itself.
    Literal,
    /// `*` then a literal: a name ending with it, with no `/` before it.
    StarSuffix,
    /// Anything else.
    General,
}

impl GoPattern {
    /// Prepares `pattern`.
    pub fn new(pattern: &str) -> GoPattern {
        let meta = |s: &str| s.contains(['*', '?', '[', '\\']);
        let shape = match pattern.strip_prefix('*') {
            _ if !meta(pattern) => Shape::Literal,
            Some(rest) if !rest.is_empty() && !meta(rest) => Shape::StarSuffix,
            _ => Shape::General,
        };
        GoPattern { pattern: pattern.to_string(), shape }
    }

    /// [`go_match`] of this pattern against `name`.
    pub fn matches(&self, name: &str) -> Option<bool> {
        match self.shape {
            Shape::Literal => Some(self.pattern == name),
            Shape::StarSuffix => {
                let suffix = &self.pattern[1..];
                Some(name.strip_suffix(suffix).is_some_and(|head| !head.contains('/')))
            }
            Shape::General => go_match(&self.pattern, name),
        }
    }
}

/// A rune of a pattern or name: a `char`, or a byte of ASCII text.
trait Rune: Copy + Ord {
    /// Whether this rune is the ASCII character `c`.
    fn is(self, c: u8) -> bool;
}

impl Rune for u8 {
    fn is(self, c: u8) -> bool {
        self == c
    }
}

impl Rune for char {
    fn is(self, c: u8) -> bool {
        self == c as char
    }
}

fn match_runes<R: Rune>(pattern: &[R], name: &[R]) -> Option<bool> {
    let mut pattern = pattern;
    let mut name = name;
    'outer: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            return Some(!name.iter().any(|c| c.is(b'/')));
        }
        let (t, ok, err) = match_chunk(chunk, name);
        if ok && (t.is_empty() || !pattern.is_empty()) {
            name = t;
            continue;
        }
        if err {
            return None;
        }
        if star {
            let mut i = 0;
            while i < name.len() && !name[i].is(b'/') {
                let (t, ok, err) = match_chunk(chunk, &name[i + 1..]);
                if ok {
                    if pattern.is_empty() && !t.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = t;
                    continue 'outer;
                }
                if err {
                    return None;
                }
                i += 1;
            }
        }
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            if match_chunk(chunk, &[]).2 {
                return None;
            }
        }
        return Some(false);
    }
    Some(name.is_empty())
}

fn scan_chunk<R: Rune>(pattern: &[R]) -> (bool, &[R], &[R]) {
    let mut p = pattern;
    let mut star = false;
    while p.first().is_some_and(|c| c.is(b'*')) {
        p = &p[1..];
        star = true;
    }
    let mut inrange = false;
    let mut i = 0;
    while i < p.len() {
        let c = p[i];
        if c.is(b'\\') && i + 1 < p.len() {
            i += 1;
        } else if c.is(b'[') {
            inrange = true;
        } else if c.is(b']') {
            inrange = false;
        } else if c.is(b'*') && !inrange {
            break;
        }
        i += 1;
    }
    (star, &p[..i], &p[i..])
}

/// Returns (rest of name, matched, bad pattern).
fn match_chunk<'s, R: Rune>(chunk: &[R], s: &'s [R]) -> (&'s [R], bool, bool) {
    let mut chunk = chunk;
    let mut s = s;
    let mut failed = false;
    while !chunk.is_empty() {
        if !failed && s.is_empty() {
            failed = true;
        }
        let c = chunk[0];
        if c.is(b'[') {
            let r = if !failed { Some(s[0]) } else { None };
            if !failed {
                s = &s[1..];
            }
            chunk = &chunk[1..];
            let mut negated = false;
            if chunk.first().is_some_and(|c| c.is(b'^')) {
                negated = true;
                chunk = &chunk[1..];
            }
            let mut matched = false;
            let mut nrange = 0;
            loop {
                if nrange > 0 && chunk.first().is_some_and(|c| c.is(b']')) {
                    chunk = &chunk[1..];
                    break;
                }
                let Some((lo, rest)) = get_esc(chunk) else { return (&[], false, true) };
                chunk = rest;
                let mut hi = lo;
                if chunk.first().is_some_and(|c| c.is(b'-')) {
                    let Some((h, rest)) = get_esc(&chunk[1..]) else { return (&[], false, true) };
                    hi = h;
                    chunk = rest;
                }
                if let Some(r) = r {
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                }
                nrange += 1;
            }
            if matched == negated {
                failed = true;
            }
        } else if c.is(b'?') {
            if !failed {
                if s[0].is(b'/') {
                    failed = true;
                }
                s = &s[1..];
            }
            chunk = &chunk[1..];
        } else if c.is(b'\\') {
            chunk = &chunk[1..];
            if chunk.is_empty() {
                return (&[], false, true);
            }
            if !failed {
                if chunk[0] != s[0] {
                    failed = true;
                }
                s = &s[1..];
            }
            chunk = &chunk[1..];
        } else {
            if !failed {
                if c != s[0] {
                    failed = true;
                }
                s = &s[1..];
            }
            chunk = &chunk[1..];
        }
    }
    if failed {
        return (&[], false, false);
    }
    (s, true, false)
}

fn get_esc<R: Rune>(chunk: &[R]) -> Option<(R, &[R])> {
    let first = *chunk.first()?;
    if first.is(b'-') || first.is(b']') {
        return None;
    }
    let mut chunk = chunk;
    let mut r = first;
    if first.is(b'\\') {
        chunk = &chunk[1..];
        r = *chunk.first()?;
    }
    chunk = &chunk[1..];
    if chunk.is_empty() {
        return None;
    }
    Some((r, chunk))
}

/// One piece of a compiled gobwas glob.
#[derive(Clone, Debug)]
enum Tok {
    Lit(char),
    Any,
    Star,
    SuperStar,
    Class(bool, Vec<(char, char)>),
    Alt(Vec<Vec<Tok>>),
}

/// A `.Files.Glob` pattern (gobwas/glob with `/` as the separator).
pub struct FilesGlob(Vec<Tok>);

impl FilesGlob {
    /// Compiles `pattern`; `None` when it is malformed (Helm then matches everything).
    pub fn compile(pattern: &str) -> Option<FilesGlob> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut pos = 0;
        let toks = parse_seq(&chars, &mut pos, false)?;
        if pos != chars.len() {
            return None;
        }
        Some(FilesGlob(toks))
    }

    /// Whether `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        let chars: Vec<char> = name.chars().collect();
        match_toks(&self.0, &chars, 0)
    }
}

fn parse_seq(p: &[char], pos: &mut usize, in_alt: bool) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    while *pos < p.len() {
        let c = p[*pos];
        match c {
            ',' | '}' if in_alt => return Some(out),
            '*' => {
                if p.get(*pos + 1) == Some(&'*') {
                    *pos += 2;
                    out.push(Tok::SuperStar);
                } else {
                    *pos += 1;
                    out.push(Tok::Star);
                }
            }
            '?' => {
                *pos += 1;
                out.push(Tok::Any);
            }
            '\\' => {
                *pos += 1;
                let c = *p.get(*pos)?;
                *pos += 1;
                out.push(Tok::Lit(c));
            }
            '[' => {
                *pos += 1;
                let mut neg = false;
                if p.get(*pos) == Some(&'!') {
                    neg = true;
                    *pos += 1;
                }
                let mut ranges = Vec::new();
                loop {
                    let c = *p.get(*pos)?;
                    *pos += 1;
                    if c == ']' {
                        break;
                    }
                    if p.get(*pos) == Some(&'-') && p.get(*pos + 1).is_some_and(|&h| h != ']') {
                        let hi = p[*pos + 1];
                        *pos += 2;
                        ranges.push((c, hi));
                    } else {
                        ranges.push((c, c));
                    }
                }
                out.push(Tok::Class(neg, ranges));
            }
            '{' => {
                *pos += 1;
                let mut alts = Vec::new();
                loop {
                    alts.push(parse_seq(p, pos, true)?);
                    match p.get(*pos)? {
                        ',' => *pos += 1,
                        _ => {
                            *pos += 1;
                            break;
                        }
                    }
                }
                out.push(Tok::Alt(alts));
            }
            _ => {
                *pos += 1;
                out.push(Tok::Lit(c));
            }
        }
    }
    if in_alt {
        return None;
    }
    Some(out)
}

fn match_toks(toks: &[Tok], s: &[char], depth: usize) -> bool {
    if depth > 64 {
        return false;
    }
    let Some(first) = toks.first() else { return s.is_empty() };
    let rest = &toks[1..];
    match first {
        Tok::Lit(c) => s.first() == Some(c) && match_toks(rest, &s[1..], depth),
        Tok::Any => s.first().is_some_and(|&c| c != '/') && match_toks(rest, &s[1..], depth),
        Tok::Class(neg, ranges) => {
            s.first().is_some_and(|&c| ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *neg)
                && match_toks(rest, &s[1..], depth)
        }
        Tok::Star => {
            for i in 0..=s.len() {
                if match_toks(rest, &s[i..], depth) {
                    return true;
                }
                if i < s.len() && s[i] == '/' {
                    return false;
                }
            }
            false
        }
        Tok::SuperStar => (0..=s.len()).any(|i| match_toks(rest, &s[i..], depth)),
        Tok::Alt(alts) => alts.iter().any(|alt| {
            let mut joined = alt.clone();
            joined.extend_from_slice(rest);
            match_toks(&joined, s, depth + 1)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_filepath_match() {
        assert_eq!(go_match("templates/*.yaml", "templates/a.yaml"), Some(true));
        assert_eq!(go_match("*.yaml", "templates/a.yaml"), Some(false));
        assert_eq!(go_match("templates/[ab].yaml", "templates/b.yaml"), Some(true));
        assert_eq!(go_match("a?c", "abc"), Some(true));
        assert_eq!(go_match("[", "a"), None);
        assert_eq!(go_match("templates/a.yaml", "templates/a.yaml"), Some(true));
    }

    #[test]
    fn gobwas_glob() {
        let g = FilesGlob::compile("files/*.txt").unwrap();
        assert!(g.matches("files/a.txt"));
        assert!(!g.matches("files/sub/a.txt"));
        assert!(FilesGlob::compile("files/**").unwrap().matches("files/sub/a.txt"));
        assert!(FilesGlob::compile("files/*.{txt,md}").unwrap().matches("files/a.md"));
        assert!(FilesGlob::compile("{").is_none());
    }
}

#[cfg(test)]
mod prepared_pattern_tests {
    use super::*;

    #[test]
    fn prepared_patterns_agree_with_go_match() {
        let patterns =
            ["*.swp", ".git", "*~", "a*b", "*", "*.", "x", "*/y", "[ab].txt", "\\*.md", "*.tpl", "dir/*.yaml"];
        let names = [
            "a.swp",
            "dir/a.swp",
            ".swp",
            "x",
            "a~",
            "~",
            "ab",
            "a/b",
            "a.txt",
            "*.md",
            ".git",
            "b.txt",
            "dir/y.yaml",
            "",
        ];
        for p in patterns {
            let prepared = GoPattern::new(p);
            for n in names {
                assert_eq!(prepared.matches(n), go_match(p, n), "{p:?} {n:?}");
            }
        }
    }
}
