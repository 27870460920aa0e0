//! Reads each YAML file given on the command line with `goyaml::parse` and prints
//! the result: `%v` by default, `toYaml` output with `--yaml`, `toJson` with `--json`, `toToml` with `--toml`, `toPrettyJson` with `--pretty`, a TOML file
//! as JSON with `--fromtoml`,
//! `toYaml` of each top-level value as a JSON object with `--yamlkeys`, or the
//! parse error. A tool for comparing with the reference Helm.
// Test code: a failed unwrap or panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

fn main() {
    let mut mode = String::from("v");
    for arg in std::env::args().skip(1) {
        if let Some(m) = arg.strip_prefix("--") {
            mode = m.to_string();
            continue;
        }
        let text = std::fs::read_to_string(&arg).unwrap_or_default();
        if mode == "fromtoml" {
            let out = goyaml::parse_toml(&text).and_then(|v| goyaml::to_json(&v));
            println!("{arg}: {}", out.unwrap_or_else(|e| format!("ERROR {e}")));
            continue;
        }
        let out = match goyaml::parse(&text) {
            Ok(v) => match mode.as_str() {
                "yaml" => goyaml::to_yaml(&v).unwrap_or_else(|e| format!("ERROR {e}")),
                "json" => goyaml::to_json(&v).unwrap_or_else(|e| format!("ERROR {e}")),
                "pretty" => goyaml::to_json_indent(&v, "  ").unwrap_or_else(|e| format!("ERROR {e}")),
                "toml" => goyaml::to_toml(&v).unwrap_or_else(|e| format!("ERROR {e}")),
                "yamlkeys" => yaml_per_key(&v),
                _ => format!("OK {}", v.to_go_string()),
            },
            Err(e) => e.to_string(),
        };
        println!("{arg}: {out}");
    }
}

fn yaml_per_key(v: &govalue::Value) -> String {
    let Some(m) = v.as_map() else { return "not a map".into() };
    let mut e = govalue::MapEntries::new();
    for k in m.keys() {
        let y = m.get(&k).map(|x| goyaml::to_yaml(&x).unwrap_or_else(|e| format!("ERROR {e}"))).unwrap_or_default();
        e.insert(k, govalue::Value::string(y));
    }
    goyaml::to_json(&govalue::Value::map(e)).unwrap_or_default()
}
