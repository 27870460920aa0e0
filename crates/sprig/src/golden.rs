//! Table tests: function calls with the results Helm 4.3.1 gives for them.

use govalue::{List, Map, Value};

use crate::testing::{call, TestHost};

fn s(x: &str) -> Value {
    Value::str(x)
}

fn i(x: i64) -> Value {
    Value::Int(x)
}

fn f(x: f64) -> Value {
    Value::Float(x)
}

fn l(items: Vec<Value>) -> Value {
    Value::list(items)
}

fn d(pairs: &[(&str, Value)]) -> Value {
    let m = Map::new();
    for (k, v) in pairs {
        m.insert(*k, v.clone());
    }
    Value::Map(m)
}

/// `%v` of the result, or `ERR <message>`.
fn run(h: &mut TestHost, name: &str, args: &[Value]) -> String {
    match call(h, name, args) {
        Ok(v) => v.to_go_string(),
        Err(e) => format!("ERR {}", e.message),
    }
}

#[test]
fn results_match_helm() {
    let cases: Vec<(&str, Vec<Value>, &str)> = vec![
        ("abbrevboth", vec![i(0), i(6), s("1234567890")], "123..."),
        ("abbrevboth", vec![i(2), i(8), s("abcdefghijkl")], "abcde..."),
        ("wrapWith", vec![i(5), s("<br>"), s("abcdefghij klm")], "abcde<br>fghij<br>klm"),
        ("title", vec![s("hello_world foo.bar ñandú")], "Hello_world Foo.Bar Ñandú"),
        ("swapcase", vec![s("Hello ÑANDÚ x")], "hELLO ñandú X"),
        ("snakecase", vec![s("getHTTPResponseCode")], "get_http_response_code"),
        ("kebabcase", vec![s("XMLHttpRequest2Go")], "xml-http-request2-go"),
        ("camelcase", vec![s("hello-world_foo bar")], "HelloWorldFooBar"),
        ("initials", vec![s("hello World ñ")], "hWÃ"),
        ("splitn", vec![s(","), i(0), s("a,b")], "map[]"),
        ("splitList", vec![s(""), s("héllo")], "[h é l l o]"),
        ("quote", vec![s("\t\u{1}é")], "\"\\t\\x01é\""),
        ("squote", vec![Value::Nil, s("a")], "'a'"),
        ("toStrings", vec![l(vec![Value::Nil, f(1.5), l(vec![i(1)])])], "[1.5 [1]]"),
        ("sortAlpha", vec![Value::Nil], "[<nil>]"),
        ("uniq", vec![l(vec![Value::Nil, Value::Nil, l(vec![i(1)]), l(vec![i(1)])])], "[<nil> [1]]"),
        ("chunk", vec![i(1), l(vec![i(1), i(2)])], "[[1] [2]]"),
        ("chunk", vec![i(0), l(vec![i(1), i(2)])], "ERR runtime error: makeslice: len out of range"),
        ("slice", vec![l(vec![i(1), i(2), i(3)]), i(1), i(1)], "[]"),
        ("dict", vec![s("a")], "map[a:]"),
        ("add1", vec![s("x")], "1"),
        ("add", vec![f(1.5), s("2.5")], "1"),
        ("min", vec![s("5"), f(3.9)], "3"),
        ("round", vec![f(2.345), i(2)], "2.35"),
        ("round", vec![f(-0.5), i(0)], "-1"),
        ("mulf", vec![f(0.1), i(3)], "0.3"),
        ("divf", vec![i(2), i(3)], "0.6666666666666667"),
        ("divf", vec![i(1), i(0)], "ERR decimal division by 0"),
        ("int64", vec![s("-0x10")], "-16"),
        ("int", vec![s("0b1_0")], "2"),
        ("float64", vec![s("inf")], "+Inf"),
        ("toDecimal", vec![s("-17")], "-15"),
        ("b64dec", vec![s("YQ=")], "illegal base64 data at input byte 3"),
        ("b64dec", vec![s("Y Q==")], "illegal base64 data at input byte 1"),
        ("b32dec", vec![s("MFRA====")], "ab"),
        ("seq", vec![i(5), i(-2), i(1)], "5 3 1"),
        ("seq", vec![i(1), i(0), i(5)], ""),
        ("untilStep", vec![i(-5), i(5), i(3)], "[-5 -2 1 4]"),
        ("semverCompare", vec![s("^0.0.3"), s("0.0.4")], "false"),
        ("semverCompare", vec![s("<=1.2"), s("1.2.9")], "true"),
        ("semverCompare", vec![s(">= 1.2 < 2"), s("1.5.0")], "true"),
        ("semverCompare", vec![s(""), s("1.0.0")], "ERR improper constraint: \"\""),
        ("regexReplaceAll", vec![s("a(b)?"), s("xaxab"), s("[$1]")], "x[]x[b]"),
        ("regexFindAll", vec![s("a*"), s("baaab"), i(-1)], "[ aaa ]"),
        ("regexSplit", vec![s("x*"), s("axbc"), i(-1)], "[a b c]"),
        ("adler32sum", vec![s("Wikipedia")], "300286872"),
        ("htpasswd", vec![s("a:b"), s("c")], "invalid username: a:b"),
        ("dir", vec![s("a//b")], "a"),
        ("clean", vec![s("a/../..")], ".."),
        ("ext", vec![s("a.b.")], "."),
        ("duration", vec![s("90061")], "25h1m1s"),
        ("durationRound", vec![s("721h")], "1mo"),
        ("durationRound", vec![s("1ms")], "0s"),
        ("fromJson", vec![s("{\"a\":1} x")], "map[Error:invalid character 'x' after top-level value]"),
        ("fromJsonArray", vec![s("")], "[unexpected end of JSON input]"),
        ("toPrettyJson", vec![d(&[("a", l(vec![i(1)]))])], "{\n  \"a\": [\n    1\n  ]\n}"),
        ("toRawJson", vec![l(vec![s("<&>")])], "[\"<&>\"]"),
        ("toToml", vec![d(&[("a", i(1)), ("c", d(&[("d", f(2.5))]))])], "a = 1\n\n[c]\n  d = 2.5\n"),
        ("urlJoin", vec![d(&[("host", s("h")), ("path", s("rel"))])], "//h/rel"),
        ("typeOf", vec![Value::List(List::typed(vec![], govalue::GoType::String))], "[]string"),
    ];
    let mut h = TestHost::new();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, args, want)| {
            let got = run(&mut h, name, args);
            (got != *want).then(|| format!("{name} {args:?}: got {got:?}, want {want:?}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
