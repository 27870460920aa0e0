//! `capstan show chart|values|readme|crds|all CHART`, printing what `helm show` prints.

use govalue::{List, Map, MapEntries, Value};

use crate::load::{self, Chart, Metadata};
use crate::Error;

/// What `show` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShowKind {
    /// The chart's metadata (`Chart.yaml`, re-encoded as Helm does).
    Chart,
    /// The chart's `values.yaml`, as written.
    Values,
    /// The chart's README.
    Readme,
    /// The CRDs of the chart and its subcharts.
    Crds,
    /// All of the above, separated by `---`.
    All,
}

impl ShowKind {
    /// The subcommand word for each kind (`chart`, `values`, ...).
    pub fn parse(word: &str) -> Option<ShowKind> {
        match word {
            "chart" => Some(ShowKind::Chart),
            "values" => Some(ShowKind::Values),
            "readme" => Some(ShowKind::Readme),
            "crds" => Some(ShowKind::Crds),
            "all" => Some(ShowKind::All),
            _ => None,
        }
    }
}

/// Runs `helm show KIND CHART` and returns what it prints.
pub fn show(kind: ShowKind, chart_path: &str) -> Result<String, Error> {
    crate::locate_chart(chart_path)?;
    let chart = load::load(chart_path)?;
    let mut out = String::new();
    if matches!(kind, ShowKind::Chart | ShowKind::All) {
        out.push_str(&metadata_yaml(&chart.metadata)?);
        out.push('\n');
    }
    if matches!(kind, ShowKind::Values | ShowKind::All) {
        if let Some(values) = &chart.values_text {
            if kind == ShowKind::All {
                out.push_str("---\n");
            }
            out.push_str(values);
            out.push('\n');
        }
    }
    if matches!(kind, ShowKind::Readme | ShowKind::All) {
        if let Some(readme) = find_readme(&chart) {
            if kind == ShowKind::All {
                out.push_str("---\n");
            }
            out.push_str(&readme);
            out.push('\n');
        }
    }
    if matches!(kind, ShowKind::Crds | ShowKind::All) {
        for crd in crds(&chart) {
            if !crd.starts_with("---") {
                out.push_str("---\n");
            }
            out.push_str(&crd);
            out.push('\n');
        }
    }
    Ok(out)
}

/// Helm looks for these names, in this order, ignoring case.
const README_NAMES: [&str; 3] = ["readme.md", "readme.txt", "readme"];

fn find_readme(chart: &Chart) -> Option<String> {
    README_NAMES.iter().find_map(|want| {
        chart
            .files
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(want))
            .map(|f| String::from_utf8_lossy(&f.data).into_owned())
    })
}

/// The `crds/` files of the chart, then of its subcharts.
fn crds(chart: &Chart) -> Vec<String> {
    let mut out: Vec<String> = chart
        .files
        .iter()
        .filter(|f| f.name.starts_with("crds/"))
        .map(|f| String::from_utf8_lossy(&f.data).into_owned())
        .collect();
    for sub in &chart.dependencies {
        out.extend(crds(sub));
    }
    out
}

/// Inserts `key` unless the value is empty (Go's `omitempty`).
fn put(m: &mut MapEntries, key: &str, value: Value) {
    let empty = match &value {
        Value::String(s) => s.is_empty(),
        Value::Bool(b) => !b,
        Value::List(l) => l.is_empty(),
        Value::Map(m) => m.is_empty(),
        Value::Nil => true,
        _ => false,
    };
    if !empty {
        m.insert(key.into(), value);
    }
}

fn strings(items: &[String]) -> Value {
    Value::list(items.iter().map(|s| Value::str(s)).collect())
}

/// The metadata as `helm show chart` prints it: Go's JSON field names, empty fields
/// left out, keys sorted.
fn metadata_yaml(meta: &Metadata) -> Result<String, Error> {
    let mut m = MapEntries::new();
    put(&mut m, "name", Value::str(&meta.name));
    put(&mut m, "home", Value::str(&meta.home));
    put(&mut m, "sources", strings(&meta.sources));
    put(&mut m, "version", Value::str(&meta.version));
    put(&mut m, "description", Value::str(&meta.description));
    put(&mut m, "keywords", strings(&meta.keywords));
    let maintainers = meta
        .maintainers
        .iter()
        .map(|p| {
            let mut e = MapEntries::new();
            put(&mut e, "name", Value::str(&p.name));
            put(&mut e, "email", Value::str(&p.email));
            put(&mut e, "url", Value::str(&p.url));
            Value::map(e)
        })
        .collect();
    put(&mut m, "maintainers", Value::list(maintainers));
    put(&mut m, "icon", Value::str(&meta.icon));
    put(&mut m, "apiVersion", Value::str(&meta.api_version));
    put(&mut m, "condition", Value::str(&meta.condition));
    put(&mut m, "tags", Value::str(&meta.tags));
    put(&mut m, "appVersion", Value::str(&meta.app_version));
    put(&mut m, "deprecated", Value::Bool(meta.deprecated));
    if let Some(annotations) = &meta.annotations {
        let a: MapEntries = annotations.iter().map(|(k, v)| (k.as_str().into(), Value::str(v))).collect();
        put(&mut m, "annotations", Value::Map(Map::from_entries(a)));
    }
    put(&mut m, "kubeVersion", Value::str(&meta.kube_version));
    let deps = meta
        .dependencies
        .iter()
        .map(|d| {
            let mut e = MapEntries::new();
            e.insert("name".into(), Value::str(&d.name));
            put(&mut e, "version", Value::str(&d.version));
            e.insert("repository".into(), Value::str(&d.repository));
            put(&mut e, "condition", Value::str(&d.condition));
            put(&mut e, "tags", strings(&d.tags));
            put(&mut e, "enabled", Value::Bool(d.enabled));
            put(&mut e, "import-values", Value::List(List::new(d.import_values.clone())));
            put(&mut e, "alias", Value::str(&d.alias));
            Value::map(e)
        })
        .collect();
    put(&mut m, "dependencies", Value::list(deps));
    put(&mut m, "type", Value::str(&meta.chart_type));
    goyaml::to_yaml(&Value::map(m)).map_err(Error::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_each_part_as_helm_prints_it() {
        let dir = std::env::temp_dir().join(format!("capstan-show-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("crds")).unwrap();
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        std::fs::write(dir.join("Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\ndescription: d\n").unwrap();
        std::fs::write(dir.join("values.yaml"), "a: 1\n# comment\nb: x\n").unwrap();
        std::fs::write(dir.join("README.md"), "# Readme\ntext\n").unwrap();
        std::fs::write(dir.join("crds/x.yaml"), "kind: CustomResourceDefinition\n").unwrap();
        std::fs::write(dir.join("crds/y.yaml"), "---\nkind: CustomResourceDefinition\n").unwrap();
        let path = dir.to_string_lossy().into_owned();
        // Expected bytes recorded from `helm show` (Helm 4.3.1) on the same chart.
        assert_eq!(
            show(ShowKind::Chart, &path).unwrap(),
            "apiVersion: v2\ndescription: d\nname: c\nversion: 0.1.0\n\n"
        );
        assert_eq!(show(ShowKind::Values, &path).unwrap(), "a: 1\n# comment\nb: x\n\n");
        assert_eq!(show(ShowKind::Readme, &path).unwrap(), "# Readme\ntext\n\n");
        // A CRD file that starts with its own `---` gets no second one.
        let crds = "---\nkind: CustomResourceDefinition\n\n";
        assert_eq!(show(ShowKind::Crds, &path).unwrap(), format!("{crds}{crds}"));
        assert_eq!(
            show(ShowKind::All, &path).unwrap(),
            "apiVersion: v2\ndescription: d\nname: c\nversion: 0.1.0\n\n---\na: 1\n# comment\nb: x\n\n---\n# Readme\ntext\n\n---\nkind: CustomResourceDefinition\n\n---\nkind: CustomResourceDefinition\n\n"
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
