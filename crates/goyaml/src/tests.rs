//! Behaviour tests for parsing, checked against the reference Helm.

use super::*;

fn v(text: &str) -> String {
    match parse(text) {
        Ok(v) => v.to_go_string(),
        Err(e) => format!("ERR {e}"),
    }
}

fn err(text: &str) -> String {
    match parse(text) {
        Ok(v) => format!("OK {}", v.to_go_string()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn basic_shapes() {
    assert_eq!(v("a: 1\nb: [x, z]\nc:\n  d: true\n"), "map[a:1 b:[x z] c:map[d:true]]");
    assert_eq!(v(""), "<nil>");
    assert_eq!(v("# only a comment\n"), "<nil>");
    assert_eq!(v("---\n"), "<nil>");
    assert_eq!(v("a: 1000000"), "map[a:1e+06]");
    assert_eq!(v("- a\n- b: 1\n  c: 2\n"), "[a map[b:1 c:2]]");
    assert_eq!(v("a:\n- 1\n- 2\n"), "map[a:[1 2]]");
    assert_eq!(v("{a: 1, b: [x]}"), "map[a:1 b:[x]]");
    assert_eq!(v("{\"a\":1,\"b\":\"c\"}"), "map[a:1 b:c]");
}

#[test]
fn yaml11_booleans_and_keys() {
    assert_eq!(v("n: 1\ny: 2\nyes: 3\noff: 4\n"), "map[false:4 true:3]");
    assert_eq!(v("- y\n- n\n- 'y'\n"), "[true false y]");
    assert_eq!(v("1.5: x\n3.14159265358979: a\n1e10: z\n"), "map[1.5:x 1e+10:z 3.1415927:a]");
    assert_eq!(v("1: a\ntrue: b\n"), "map[1:a true:b]");
}

#[test]
fn duplicate_keys_last_wins() {
    assert_eq!(v("a: 1\na: 2\n"), "map[a:2]");
}

#[test]
fn large_maps_keep_duplicate_semantics() {
    // Past the size where keys are found by hash: the same keys as in a small map
    // (1 and 1.0 differ as YAML keys but not as strings; 0.0 and -0.0 are one key;
    // two NaN keys are two YAML keys), the last value winning, the first order kept.
    let pad: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
    let dups =
        "1: int\n1.0: float\n'1': str\n0.0: zero\n-0.0: negzero\n.nan: n1\n.nan: n2\ntrue: t\nyes: y\nk5: again\n";
    let text = format!("{pad}{dups}");
    let Ok(Value::Map(m)) = parse(&text) else { panic!("not a map") };
    let get = |k: &str| m.get(k).map(|x| x.to_go_string());
    assert_eq!(m.len(), 44);
    assert_eq!(get("1").as_deref(), Some("str"));
    assert_eq!(get("-0").as_deref(), Some("negzero"));
    assert_eq!(get(".nan").as_deref(), Some("n2"));
    assert_eq!(get("true").as_deref(), Some("true"));
    assert_eq!(get("k5").as_deref(), Some("again"));
    let Ok(Some(Node { kind: NodeKind::Map(entries), .. })) = parse_node(&text) else { panic!("not a map") };
    let keys: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(keys[..6], ["k0", "k1", "k2", "k3", "k4", "k5"]);
    assert_eq!(keys[40..], ["1", "-0", ".nan", "true"]);
    assert_eq!((entries[5].1, entries[5].2), (50, 1));
    assert_eq!((entries[40].1, entries[41].1), (43, 45));
}

#[test]
fn numbers() {
    assert_eq!(
        v("j: 017\nl: 08\nm: 0o17\nx: 0x1F\no: 1_000\np: +1\nq: 9223372036854775808\ns: 2001-12-14\nt: 1e400\n"),
        "map[j:15 l:8 m:15 o:1000 p:1 q:9.223372036854776e+18 s:2001-12-14 t:1e400 x:31]"
    );
    assert_eq!(v("a: 9007199254740993"), "map[a:9.007199254740992e+15]");
    assert_eq!(v("a: '1'\nb: \"2\"\n"), "map[a:1 b:2]");
    assert_eq!(
        parse("a: '1'").ok().and_then(|m| m.as_map().and_then(|m| m.get("a"))).map(|x| x.type_name()),
        Some("string".into())
    );
}

#[test]
fn block_scalars() {
    assert_eq!(v("a: |\n  x\n  y\nb: end\n"), "map[a:x\ny\n b:end]");
    assert_eq!(v("a: |-\n  x\n\n"), "map[a:x]");
    assert_eq!(v("a: |+\n  x\n\n"), "map[a:x\n\n]");
    assert_eq!(v("a: >\n  x\n  y\n\n  z\n"), "map[a:x y\nz\n]");
    assert_eq!(v("a: |2\n   x\n"), "map[a: x\n]");
}

#[test]
fn quoted_scalars() {
    assert_eq!(v(r#"a: "x\ty\u00e9\n""#), "map[a:x\ty\u{e9}\n]");
    assert_eq!(v("a: 'it''s'"), "map[a:it's]");
    assert_eq!(v(r#"a: "\xc3\xa9\xff""#), "map[a:\u{c3}\u{a9}\u{ff}]");
    assert_eq!(v("a: \"one\n  two\"\n"), "map[a:one two]");
    assert_eq!(v("a: plain\n  continued\n"), "map[a:plain continued]");
}

#[test]
fn anchors_aliases_and_merges() {
    assert_eq!(v("base: &b {x: 1}\nd:\n  <<: *b\n  z: 2\n"), "map[base:map[x:1] d:map[x:1 z:2]]");
    assert_eq!(v("a: &a [1]\nb: *a\n"), "map[a:[1] b:[1]]");
    assert_eq!(v("a: &a {x: 1}\nb: &b {z: 2}\nc:\n  <<: [*a, *b]\n"), "map[a:map[x:1] b:map[z:2] c:map[x:1 z:2]]");
    assert_eq!(v("a: &a {x: 1}\nc:\n  x: 2\n  <<: *a\n"), "map[a:map[x:1] c:map[x:1]]");
    assert_eq!(v("'<<': 1"), "map[<<:1]");
    assert_eq!(err("a: *nope\n"), "yaml: unknown anchor 'nope' referenced");
    assert_eq!(err("a: &x [*x]\n"), "yaml: anchor 'x' value contains itself");
    assert_eq!(err("a: {b: 1}\nc:\n  <<: 1\n"), "yaml: map merge requires map or sequence of maps as the value");
}

#[test]
fn alias_bomb_is_bounded() {
    let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..30 {
        let p = i - 1;
        s.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
    }
    assert_eq!(err(&s), "yaml: document contains excessive aliasing");
}

#[test]
fn deep_nesting_is_refused_not_crashing() {
    let deep = "[".repeat(20000);
    assert!(parse(&deep).is_err());
    let deep2 = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    assert!(parse(&deep2).is_err());
}

#[test]
fn conversion_errors() {
    assert_eq!(err("~: x\n"), "unsupported map key of type: %!s(<nil>), key: <nil>, value: \"x\"");
    assert_eq!(err("null: 1\n"), "unsupported map key of type: %!s(<nil>), key: <nil>, value: 1");
    assert_eq!(err("k: .nan\n"), "json: unsupported value: NaN");
    assert_eq!(err("[1,2]: x\n"), "yaml: invalid map key: []interface {}{1, 2}");
    assert_eq!(err("{a: 1}: x\n"), "yaml: invalid map key: map[interface {}]interface {}{\"a\":1}");
    assert_eq!(err("a: !!int \"x\"\n"), "yaml: cannot decode !!str `x` as a !!int");
    assert_eq!(v("a: !!binary aGVsbG8=\nb: !!int \"12\"\n"), "map[a:hello b:12]");
    assert_eq!(v("\"\": 1"), "map[:1]");
}

#[test]
fn syntax_errors_match_go_yaml() {
    assert_eq!(err("a: [1, 2\n"), "yaml: line 1: did not find expected ',' or ']'");
    assert_eq!(err("a:\n  b: 1\n c: 2\n"), "yaml: line 2: did not find expected key");
    assert_eq!(err("a:\n\tb: 1\n"), "yaml: line 2: found character that cannot start any token");
    assert_eq!(err("a: b: c\n"), "yaml: mapping values are not allowed in this context");
    assert_eq!(err("a: 1\nb: 2\nc: 3\nd: [\n"), "yaml: line 4: did not find expected node content");
    assert_eq!(err("a: |\ntext at column zero\n"), "yaml: line 3: could not find expected ':'");
    assert_eq!(err("%YAML 1.1\n"), "yaml: line 1: did not find expected <document start>");
    assert_eq!(err("spec:\n  labels: a: 1\nb: 2\n"), "yaml: line 2: mapping values are not allowed in this context");
    assert_eq!(err("a: &\n"), "yaml: did not find expected alphabetic or numeric character");
    assert_eq!(err("a: 1\nb: &\n"), "yaml: line 2: did not find expected alphabetic or numeric character");
    assert_eq!(err("a: \"x\u{1}\"\n"), "yaml: control characters are not allowed");
    assert_eq!(err("a: 1\n---\nb: [\n"), "OK map[a:1]");
}

#[test]
fn documents() {
    let docs = parse_documents("a: 1\n---\nb: 2\n---\n").unwrap_or_default();
    let shown: Vec<String> = docs.iter().map(|d| d.to_go_string()).collect();
    assert_eq!(shown, vec!["map[a:1]", "map[b:2]", "<nil>"]);
    assert!(parse_documents("a: 1\n---\nb: [\n").is_err());
}

#[test]
fn node_positions() {
    let n = parse_node("a:\n  b: x\nc: [1, 2]\n").ok().flatten();
    let Some(Node { kind: NodeKind::Map(entries), .. }) = n else { panic!("not a map") };
    assert_eq!((entries[0].0.as_str(), entries[0].1, entries[0].2), ("a", 1, 1));
    let NodeKind::Map(inner) = &entries[0].3.kind else { panic!("not a map") };
    assert_eq!((inner[0].1, inner[0].2, inner[0].3.line, inner[0].3.column), (2, 3, 2, 6));
    assert_eq!((entries[1].3.line, entries[1].3.column), (3, 4));
    let text = "é: [1, x]\nb: ünï\n";
    let Some(Node { kind: NodeKind::Map(entries), .. }) = parse_node(text).ok().flatten() else { panic!("not a map") };
    let NodeKind::List(items) = &entries[0].3.kind else { panic!("not a list") };
    assert_eq!(&text[items[1].offset..items[1].offset + 1], "x");
    assert_eq!(&text[entries[1].3.offset..], "ünï\n");
    assert!(parse_node("").ok().flatten().is_none());
}

/// A tiny deterministic generator (xorshift) for the robustness test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_yaml_like_input_never_panics() {
    const PIECES: &[&str] = &[
        "a",
        "b",
        ": ",
        ":",
        "- ",
        "-",
        "\n",
        "\n  ",
        "\n    ",
        " ",
        "\t",
        "[",
        "]",
        "{",
        "}",
        ",",
        "?",
        "? ",
        "&x ",
        "*x",
        "&y",
        "*y ",
        "!!str ",
        "!t ",
        "|",
        ">",
        "|-",
        ">+2",
        "'",
        "\"",
        "\\",
        "#",
        "%YAML 1.1",
        "---",
        "...",
        "<<: ",
        "1",
        "0x",
        "1e3",
        "~",
        "é",
        "\u{2028}",
        "\r\n",
        "!<x>",
        "%TAG ! !x\n",
        "\\u12",
        "@",
    ];
    let mut rng = Rng(0x2545F4914F6CDD1D);
    for _ in 0..20000 {
        let n = (rng.next() % 24) as usize;
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(PIECES[(rng.next() % PIECES.len() as u64) as usize]);
        }
        if let Ok(v) = parse(&s) {
            let _ = to_yaml(&v);
            let _ = to_json(&v);
            let _ = to_toml(&v);
        }
        let _ = parse_documents(&s);
        let _ = parse_json(&s);
        let _ = parse_toml(&s);
        let _ = parse_toml(&s.replace(':', "=").replace('-', "[[t]]\n"));
    }
}

#[test]
fn deep_values_serialize_without_overflow() {
    let depth = 490;
    let text = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let v = parse(&text).unwrap_or(Value::Nil);
    assert!(to_json(&v).is_ok_and(|s| s.len() == 2 * depth + 1));
    assert!(to_yaml(&v).is_ok());
    assert!(to_toml(&Value::list(vec![v])).is_ok());
    let json = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    assert!(parse_json(&json).is_ok());
    let too_deep = format!("{}1{}", "[".repeat(600), "]".repeat(600));
    assert_eq!(err(&too_deep), "yaml: exceeded max depth of 500");
    assert!(parse_json(&too_deep).is_err());
}

#[test]
fn typed_parse_for_struct_fields() {
    let v = parse_typed("a: 20240101\nb: 3.14159265358979\nc: yes\nd: x\ne: 1e3\nf: 12345678901234567890\n")
        .unwrap_or(Value::Nil);
    let m = v.as_map().cloned().unwrap_or_default();
    let field = |k: &str| m.get(k).and_then(|x| string_field_text(&x)).unwrap_or_default();
    assert_eq!(field("a"), "20240101");
    assert_eq!(field("b"), "3.1415927");
    assert_eq!(field("c"), "true");
    assert_eq!(field("d"), "x");
    assert_eq!(field("e"), "1000");
    assert_eq!(field("f"), "12345678901234567890");
    assert_eq!(m.get("a").map(|x| x.type_name()), Some("int64".into()));
}

/// Errors the reference Helm reports for these values files (checked one by one
/// with `helm template`; Helm prints them after `error converting YAML to JSON: `).
#[test]
fn go_yaml_error_catalogue() {
    let cases: &[(&str, &str)] = &[
        ("a: &\n", "yaml: did not find expected alphabetic or numeric character"),
        ("a: *\n", "yaml: did not find expected alphabetic or numeric character"),
        ("a: !<x\n", "yaml: did not find the expected '>'"),
        ("a: \"x\n", "yaml: line 2: found unexpected end of stream"),
        ("a: 'x\n", "yaml: line 2: found unexpected end of stream"),
        ("a: \"\\q\"\n", "yaml: found unknown escape character"),
        ("a:\n  - b\n  c: d\n", "yaml: line 2: did not find expected '-' indicator"),
        ("a:\n  b\n  c: d\n", "yaml: line 3: mapping values are not allowed in this context"),
        ("- a\nb: c\n", "yaml: line 1: did not find expected '-' indicator"),
        ("a: b\n- c\n", "yaml: line 1: did not find expected key"),
        ("a: [b, c\n", "yaml: line 1: did not find expected ',' or ']'"),
        ("a: {b: c\n", "yaml: line 1: did not find expected ',' or '}'"),
        ("a: {b: c]\n", "yaml: did not find expected ',' or '}'"),
        ("a: ]\n", "yaml: did not find expected node content"),
        ("a: }\n", "yaml: did not find expected node content"),
        ("a: @x\n", "yaml: found character that cannot start any token"),
        ("a: `x\n", "yaml: found character that cannot start any token"),
        ("a: %x\n", "yaml: found character that cannot start any token"),
        ("a:\n  b: 1\n   c: 2\n", "yaml: line 3: mapping values are not allowed in this context"),
        ("a: 1\n  b: 2\n", "yaml: line 2: mapping values are not allowed in this context"),
        ("key: value\n\tother: x\n", "yaml: line 2: found a tab character that violates indentation"),
        ("a: |\n  x\n y\n", "yaml: line 2: did not find expected key"),
        ("a: 'x' y\n", "yaml: did not find expected key"),
        ("a: \"x\" y\n", "yaml: did not find expected key"),
        ("a: |0\n  x\n", "yaml: found an indentation indicator equal to 0"),
        ("a: |\n  x\n\tb\n", "yaml: line 3: found a tab character where an indentation space is expected"),
        ("a: ? b\n", "yaml: mapping keys are not allowed in this context"),
        ("{a: 1}: 2\n", "yaml: invalid map key: map[interface {}]interface {}{\"a\":1}"),
        ("a: b\nc\n", "yaml: line 3: could not find expected ':'"),
        ("a: [1, 2]]\n", "yaml: did not find expected key"),
        ("a: 'x'\n  b: 2\n", "yaml: line 1: did not find expected key"),
        ("a: \"\\xzz\"\n", "yaml: did not find expected hexdecimal number"),
        ("a: \"\\ud800\"\n", "yaml: found invalid Unicode character escape code"),
        ("a: [1,,2]\n", "yaml: did not find expected node content"),
        ("a: [,]\n", "yaml: did not find expected node content"),
        ("a: {,}\n", "yaml: did not find expected node content"),
        ("a: -1\nb: - 1\n", "yaml: line 2: block sequence entries are not allowed in this context"),
        ("a: -\n", "yaml: block sequence entries are not allowed in this context"),
        ("a: ?\n", "yaml: mapping keys are not allowed in this context"),
        ("a: :\n", "yaml: mapping values are not allowed in this context"),
        ("a: ::\n", "yaml: mapping values are not allowed in this context"),
        ("a: x:y\nb: x: y\n", "yaml: line 2: mapping values are not allowed in this context"),
        ("a: b\n  # comment\n  c\n", "yaml: line 2: did not find expected key"),
        ("a: 1\nb: \"unclosed\nc: 3\n", "yaml: line 4: found unexpected end of stream"),
        ("a: 1\nb: 'unclosed\n", "yaml: line 3: found unexpected end of stream"),
        ("a:\n  b: 1\n  c: [1,\n  d: 2\n", "yaml: line 4: did not find expected ',' or ']'"),
        ("a:\n  b: {x: 1\n  c: 2\n", "yaml: line 2: did not find expected ',' or '}'"),
        (
            "spec:\n  containers:\n  - name: x\n    image: y\n     ports: 1\n",
            "yaml: line 5: mapping values are not allowed in this context",
        ),
        ("spec:\n  containers:\n  - name: x\n   image: y\n", "yaml: line 3: did not find expected key"),
        ("a:\n  - b\n  c: d\n", "yaml: line 2: did not find expected '-' indicator"),
        ("a: b\n c: d\n", "yaml: line 2: mapping values are not allowed in this context"),
        (
            "metadata:\n  labels:\n    app: x\n  app: y\n    z: 1\n",
            "yaml: line 5: mapping values are not allowed in this context",
        ),
        ("a: |\n  ok\n bad: 1\n", "yaml: line 2: did not find expected key"),
        ("a: >\n  x\n\ty\n", "yaml: line 3: found a tab character where an indentation space is expected"),
        ("a: 'x'\nb: \"y\" z\n", "yaml: line 1: did not find expected key"),
        ("x:\n  - a\n  -b\n  - c\n", "yaml: line 4: could not find expected ':'"),
        ("%foo bar\n---\na: 1\n", "yaml: found unknown directive name"),
        ("a: !<tag:x\n", "yaml: did not find the expected '>'"),
        ("a: !x!y z\n", "yaml: found undefined tag handle"),
        ("a: !!\n", "yaml: did not find expected tag URI"),
        ("a: &a1 &a2 x\n", "yaml: did not find expected key"),
        ("a: *a b\n", "yaml: unknown anchor 'a' referenced"),
        ("a: [*]\n", "yaml: did not find expected alphabetic or numeric character"),
        ("key: \"value with \\z escape\"\n", "yaml: found unknown escape character"),
        ("k: \"\\u12\"\n", "yaml: did not find expected hexdecimal number"),
        ("k: |x\n", "yaml: did not find expected comment or line break"),
        ("k: >+-\n  x\n", "yaml: did not find expected comment or line break"),
        ("l1\nl2: x\n", "yaml: line 2: mapping values are not allowed in this context"),
        ("a: 1\n:\n", "yaml: line 1: did not find expected key"),
        (": a\n", "yaml: did not find expected key"),
        ("- a\n-b: c\n", "yaml: line 1: did not find expected '-' indicator"),
        ("[a, b]: c\n", "yaml: invalid map key: []interface {}{\"a\", \"b\"}"),
        ("a: {b: c}}\n", "yaml: did not find expected key"),
        ("a: [b, c]]\n", "yaml: did not find expected key"),
        ("a: x\n\n\n\n\n\n\n\n\nb: [\n", "yaml: line 10: did not find expected node content"),
        ("a: x\n#comment\n  bad\n", "yaml: line 2: did not find expected key"),
        ("a:\n  - 1\n - 2\n", "yaml: line 2: did not find expected key"),
        ("? a\n? b\n: c\n: d\n", "yaml: line 3: did not find expected key"),
        ("a: @\n", "yaml: found character that cannot start any token"),
        ("a:\n\t- x\n", "yaml: line 2: found character that cannot start any token"),
        ("a: x\n  \tb: y\n", "yaml: line 2: mapping values are not allowed in this context"),
        ("\"a\nb\": c\n", "yaml: line 2: mapping values are not allowed in this context"),
        ("'a': b: c\n", "yaml: mapping values are not allowed in this context"),
        ("a: \"b\": c\n", "yaml: mapping values are not allowed in this context"),
    ];
    for (input, expected) in cases {
        assert_eq!(err(input), *expected, "input: {input:?}");
    }
}

#[test]
fn reader_errors_on_raw_bytes_match_go_yaml() {
    // Each case is a document `x: BYTES\n` as Helm 4.3.1 reported it.
    let cases: &[(&[u8], &str)] = &[
        (b"\xff", "yaml: invalid leading UTF-8 octet"),
        (b"\x80", "yaml: invalid leading UTF-8 octet"),
        (b"hi\x80", "yaml: invalid leading UTF-8 octet"),
        (b"\xfe\xff", "yaml: invalid leading UTF-8 octet"),
        (b"\xe2\x82", "yaml: invalid trailing UTF-8 octet"),
        (b"\xc0", "yaml: invalid trailing UTF-8 octet"),
        (b"\xf0\x9f\x98ab", "yaml: invalid trailing UTF-8 octet"),
        (b"\xc0\x80", "yaml: invalid length of a UTF-8 sequence"),
        (b"\xe0\x80\x80", "yaml: invalid length of a UTF-8 sequence"),
        (b"\xed\xa0\x80", "yaml: invalid Unicode character"),
        (b"\xf4\x90\x80\x80", "yaml: invalid Unicode character"),
        (b"\x07", "yaml: control characters are not allowed"),
        (b"\xef\xbf\xbf", "yaml: control characters are not allowed"),
        (b"\xe2", "yaml: incomplete UTF-8 octet sequence"),
    ];
    for (bytes, want) in cases {
        let mut doc = b"x: ".to_vec();
        doc.extend_from_slice(bytes);
        doc.push(b'\n');
        let got = crate::check_bytes(&doc).map_err(|e| e.to_string());
        assert_eq!(got, Err(want.to_string()), "{bytes:x?}");
    }
    assert!(crate::check_bytes("x: é\n".as_bytes()).is_ok());
}

#[test]
fn scalar_ends() {
    let t = "a: \"x\\\"y\" # c\nb: 'it''s'\nc: plain words # note\nd: |\n  one\n  two\ne: {f: 1, g: [x, y]}\n";
    let at = |needle: &str| t.find(needle).unwrap();
    assert_eq!(&t[at("\"x")..crate::scalar_end(t, at("\"x"))], "\"x\\\"y\"");
    assert_eq!(&t[at("'it")..crate::scalar_end(t, at("'it"))], "'it''s'");
    assert_eq!(&t[at("plain")..crate::scalar_end(t, at("plain"))], "plain words");
    assert_eq!(&t[at("|")..crate::scalar_end(t, at("|"))], "|\n  one\n  two");
    assert_eq!(&t[at("1,")..crate::scalar_end(t, at("1,"))], "1");
    assert_eq!(&t[at("y]")..crate::scalar_end(t, at("y]"))], "y");
}

#[test]
fn parse_keys_builds_only_the_kept_keys_and_finds_every_error() {
    let doc = "kind: A\nspec:\n  x: [1, 2]\nmetadata:\n  name: n\n";
    let v = crate::parse_keys(doc, &["kind", "metadata"]).unwrap();
    let Value::Map(m) = v else { panic!("not a map") };
    assert_eq!(m.len(), 2);
    assert!(m.get("spec").is_none());
    assert_eq!(m.get("kind").and_then(|k| k.as_str().map(str::to_string)).as_deref(), Some("A"));
    for bad in
        ["kind: A\nspec:\n  x: .nan\n", "kind: A\nspec:\n  ~: 1\n", "kind: A\nspec: {a: &x 1, b: *y}\n", "kind: [\n"]
    {
        let whole = crate::parse(bad).map(|_| ()).map_err(|e| e.to_string());
        assert!(whole.is_err(), "{bad:?} should be an error");
        assert_eq!(crate::parse_keys(bad, &["kind"]).map(|_| ()).map_err(|e| e.to_string()), whole, "{bad:?}");
    }
}
