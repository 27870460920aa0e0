//! Subchart processing before a render (`chartutil.ProcessDependencies`): aliases,
//! `tags` and `condition` switches, and `import-values`.

use govalue::{Map, Value};

use crate::error::Error;
use crate::load::Chart;
use crate::values::{self, merge_tables, path_value, table_at};

/// Whether `version` satisfies the semver range `constraint` (Helm's `IsCompatibleRange`).
pub type RangeCheck<'a> = &'a dyn Fn(&str, &str) -> bool;

/// `action.CheckDependencies`: every dependency in Chart.yaml must be in `charts/`.
pub fn check_dependencies(chart: &Chart) -> Result<(), Error> {
    let missing: Vec<&str> = chart
        .metadata
        .dependencies
        .iter()
        .filter(|r| !chart.dependencies.iter().any(|d| d.name() == r.name))
        .map(|r| r.name.as_str())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::new(format!(
        "an error occurred while checking for chart dependencies. You may need to run 'helm dependency build' to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}",
        missing.join(", ")
    )))
}

/// Applies aliases, disables subcharts by tags and conditions, and imports values.
pub fn process_dependencies(chart: &mut Chart, vals: &Map, compatible: RangeCheck) -> Result<(), Error> {
    process_enabled(chart, vals, "", compatible, 0)?;
    process_import_values(chart)
}

fn process_enabled(c: &mut Chart, v: &Map, path: &str, compatible: RangeCheck, depth: usize) -> Result<(), Error> {
    if c.metadata.dependencies.is_empty() || depth > 64 {
        return Ok(());
    }
    let mut chart_deps: Vec<Chart> = Vec::new();
    for existing in &c.dependencies {
        let required = c
            .metadata
            .dependencies
            .iter()
            .any(|r| existing.name() == r.name && compatible(&r.version, &existing.metadata.version));
        if !required {
            chart_deps.push(existing.clone());
        }
    }
    for req in &mut c.metadata.dependencies {
        if let Some(found) =
            c.dependencies.iter().find(|ch| ch.name() == req.name && compatible(&req.version, &ch.metadata.version))
        {
            let mut copy = found.clone();
            if !req.alias.is_empty() {
                copy.metadata.name = req.alias.clone();
            }
            chart_deps.push(copy);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
    }
    c.dependencies = chart_deps;
    for r in &mut c.metadata.dependencies {
        r.enabled = true;
    }
    let cvals = values::coalesce_values(c, v).map_err(Error::new)?;
    // tags
    if let Some(tags) = table_at(&cvals, "tags") {
        for r in &mut c.metadata.dependencies {
            let (mut has_true, mut has_false) = (false, false);
            for k in &r.tags {
                if let Some(Value::Bool(b)) = tags.get(k) {
                    if b {
                        has_true = true;
                    } else {
                        has_false = true;
                    }
                }
            }
            r.enabled = has_true || !has_false;
        }
    }
    // conditions
    for r in &mut c.metadata.dependencies {
        for cond in r.condition.trim().split(',') {
            if cond.is_empty() {
                continue;
            }
            if let Some(Value::Bool(b)) = path_value(&cvals, &format!("{path}{cond}")) {
                r.enabled = b;
                break;
            }
        }
    }
    let disabled: Vec<String> = c.metadata.dependencies.iter().filter(|r| !r.enabled).map(|r| r.name.clone()).collect();
    c.dependencies.retain(|d| !disabled.iter().any(|n| n == d.name()));
    c.metadata.dependencies.retain(|r| !disabled.contains(&r.name));
    for t in &mut c.dependencies {
        let subpath = format!("{path}{}.", t.name());
        process_enabled(t, &cvals, &subpath, compatible, depth + 1)?;
    }
    Ok(())
}

/// `pathToMap`: nests `data` under a dotted path (`.` is the root itself).
fn path_to_map(path: &str, data: Map) -> Map {
    if path == "." {
        return data;
    }
    let mut cur = data;
    for part in path.split('.').rev() {
        let m = Map::new();
        m.insert(part, Value::Map(cur));
        cur = m;
    }
    cur
}

fn process_import_values(c: &mut Chart) -> Result<(), Error> {
    for d in &mut c.dependencies {
        process_import_values(d)?;
    }
    if c.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let cvals = values::merge_values(c, &Map::new()).map_err(Error::new)?;
    let b = Map::new();
    for r in &mut c.metadata.dependencies {
        let mut out = Vec::new();
        for riv in &r.import_values {
            match riv {
                Value::Map(iv) => {
                    let child = iv.get("child").unwrap_or(Value::Nil).to_go_string();
                    let parent = iv.get("parent").unwrap_or(Value::Nil).to_go_string();
                    let norm = Map::new();
                    norm.insert("child", Value::str(&child));
                    norm.insert("parent", Value::str(&parent));
                    out.push(Value::Map(norm));
                    if let Some(vv) = table_at(&cvals, &format!("{}.{child}", r.name)) {
                        merge_tables(&b, &path_to_map(&parent, values::copy_map(&vv)));
                    }
                }
                Value::String(iv) => {
                    let norm = Map::new();
                    norm.insert("child", Value::string(format!("exports.{iv}")));
                    norm.insert("parent", Value::str("."));
                    out.push(Value::Map(norm));
                    if let Some(vm) = table_at(&cvals, &format!("{}.exports.{iv}", r.name)) {
                        merge_tables(&b, &values::copy_map(&vm));
                    }
                }
                _ => {}
            }
        }
        if !r.import_values.is_empty() {
            r.import_values = out;
        }
    }
    let copied = values::copy_map(&cvals);
    c.values = merge_tables(&copied, &b);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Chart, Dependency};

    fn chart(name: &str, values: &str) -> Chart {
        let mut c = Chart { values: values::load_values(values).unwrap(), ..Chart::default() };
        c.metadata.name = name.into();
        c.metadata.version = "1.0.0".into();
        c
    }

    fn any_version(_: &str, _: &str) -> bool {
        true
    }

    #[test]
    fn condition_disables_subchart() {
        let mut top = chart("top", "sub:\n  enabled: false\n");
        top.dependencies.push(chart("sub", "x: 1\n"));
        top.metadata.dependencies.push(Dependency {
            name: "sub".into(),
            condition: "sub.enabled".into(),
            ..Dependency::default()
        });
        process_dependencies(&mut top, &Map::new(), &any_version).unwrap();
        assert!(top.dependencies.is_empty());
        let mut top2 = chart("top", "sub:\n  enabled: false\n");
        top2.dependencies.push(chart("sub", ""));
        top2.metadata.dependencies.push(Dependency {
            name: "sub".into(),
            condition: "sub.enabled".into(),
            ..Dependency::default()
        });
        let user = values::load_values("sub:\n  enabled: true\n").unwrap();
        process_dependencies(&mut top2, &user, &any_version).unwrap();
        assert_eq!(top2.dependencies.len(), 1);
    }

    #[test]
    fn alias_renames_and_imports() {
        let mut top = chart("top", "");
        top.dependencies.push(chart("sub", "exports:\n  data:\n    k: v\n"));
        top.metadata.dependencies.push(Dependency {
            name: "sub".into(),
            alias: "other".into(),
            import_values: vec![Value::str("data")],
            ..Dependency::default()
        });
        process_dependencies(&mut top, &Map::new(), &any_version).unwrap();
        assert_eq!(top.dependencies[0].name(), "other");
        assert_eq!(top.values.get("k").map(|v| v.to_go_string()), Some("v".into()));
    }

    #[test]
    fn missing_dependency() {
        let mut top = chart("top", "");
        top.metadata.dependencies.push(Dependency { name: "absent".into(), ..Dependency::default() });
        assert!(check_dependencies(&top).unwrap_err().to_string().ends_with("charts/ directory: absent"));
    }
}
