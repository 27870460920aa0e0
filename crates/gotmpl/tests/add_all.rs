#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `Templates::add_all` (templates lexed on a helper thread when there is much
//! source) gives exactly what adding each template in turn gives: the same trees,
//! output and errors, including lexer errors and errors at the end of the text.

use gotmpl::Templates;
use govalue::{FuncMap, Value};

/// Enough templates, each large enough, that `add_all` takes its parallel path.
fn sources(bad: Option<(usize, &str)>) -> Vec<(String, Vec<u8>)> {
    (0..40)
        .map(|i| {
            let mut text = format!("{{{{ define \"d{i}\" }}}}d{i}:{{{{ . }}}}{{{{ end }}}}");
            for j in 0..300 {
                text.push_str(&format!(
                    "line {j} {{{{- if eq . \"x\" }}}} {{{{ template \"d{i}\" . }}}} {{{{ end -}}}}\n"
                ));
            }
            if let Some((at, tail)) = bad {
                if at == i {
                    text.push_str(tail);
                }
            }
            (format!("t{i}.yaml"), text.into_bytes())
        })
        .collect()
}

fn one_by_one(src: &[(String, Vec<u8>)]) -> Result<Templates, String> {
    let mut set = Templates::new(FuncMap::new());
    for (name, text) in src {
        set.add_bytes(name, text).map_err(|e| e.helm_message())?;
    }
    Ok(set)
}

fn all_at_once(src: &[(String, Vec<u8>)]) -> Result<Templates, String> {
    let mut set = Templates::new(FuncMap::new());
    let refs: Vec<(&str, &[u8])> = src.iter().map(|(n, t)| (n.as_str(), t.as_slice())).collect();
    set.add_all(&refs).map_err(|e| e.helm_message())?;
    Ok(set)
}

#[test]
fn same_output_as_adding_one_by_one() {
    let src = sources(None);
    let a = one_by_one(&src).unwrap();
    let b = all_at_once(&src).unwrap();
    for (name, _) in &src {
        let data = Value::str("x");
        assert_eq!(a.execute_bytes(name, &data).unwrap(), b.execute_bytes(name, &data).unwrap());
    }
}

#[test]
fn same_errors_as_adding_one_by_one() {
    for tail in [
        "{{ end }}",
        "{{ .x ",
        "{{ \"unterminated }}",
        "{{ 1 | 2 }}",
        "{{/* open",
        "{{ if 1 }}",
        "{{ $y }}",
        "{{ nosuchfunc }}",
        "{{ \u{1} }}",
    ] {
        let src = sources(Some((17, tail)));
        let a = one_by_one(&src).err();
        assert!(a.as_deref().is_some_and(|e| e.contains("t17.yaml")), "{tail:?}: {a:?}");
        assert_eq!(a, all_at_once(&src).err(), "{tail:?}");
    }
}
