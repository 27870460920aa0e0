//! Rendering a chart tree (`engine.Render`): one template set for every chart, parsed
//! and executed in Helm's order (deepest path first, then reverse name order), each
//! chart's templates sharing one top-level map so that `set $ "Values"` in one
//! template is seen by the next. Partials (`_*`) are parsed but not executed.

use std::collections::BTreeMap;
use std::rc::Rc;

use gotmpl::trace::{Prov, Span, Tracer};
use gotmpl::Templates;
use govalue::{Map, MapKind, Value};

use crate::error::Error;
use crate::load::Chart;
use crate::objects::{chart_map, template_object, Capabilities, Files};
use crate::values::table_at;

/// What every chart of a render shares.
pub struct RenderContext<'a> {
    /// `.Release`
    pub release: Value,
    /// `.Capabilities`
    pub capabilities: &'a Capabilities,
    /// `--seed`: makes random and time functions deterministic.
    pub seed: Option<u64>,
    /// `--enable-dns`: `getHostByName` really resolves.
    pub enable_dns: bool,
    /// Leave the syntax trees allocated when done (see
    /// [`TemplateOptions::exit_without_freeing`](crate::TemplateOptions::exit_without_freeing)).
    pub exit_without_freeing: bool,
}

/// One template file to render.
struct Renderable {
    /// The source bytes (Go keeps bytes that are not UTF-8).
    text: Rc<[u8]>,
    /// The chart's shared top-level map.
    top: Map,
    base_path: String,
}

/// Builds each chart's shared top-level map and lists its templates under their full
/// paths (`parent/charts/sub/templates/x.yaml`).
fn collect(
    chart: &Chart,
    values: Map,
    is_root: bool,
    path: &str,
    ctx: &RenderContext,
    tracer: Option<&Rc<Tracer>>,
    out: &mut BTreeMap<String, Renderable>,
) -> Map {
    let top = Map::new();
    top.insert("Chart", chart_map(chart, is_root));
    let mut files = Files::new(&chart.files);
    if let Some(t) = tracer {
        files.trace = Some((t.clone(), Rc::from(path)));
    }
    top.insert("Files", Value::Object(Rc::new(files)));
    top.insert("Release", ctx.release.clone());
    top.insert("Capabilities", Value::Object(Rc::new(ctx.capabilities.clone())));
    top.insert("Values", Value::Map(values.clone()));
    let subcharts = Map::new();
    top.insert("Subcharts", Value::Map(subcharts.clone()));
    for child in &chart.dependencies {
        let child_values = table_at(&values, child.name())
            .map(|m| m.with_kind(MapKind::Values))
            .unwrap_or_else(|| Map::new().with_kind(MapKind::Values));
        let child_path = format!("{path}/charts/{}", child.name());
        let child_top = collect(child, child_values, false, &child_path, ctx, tracer, out);
        subcharts.insert(child.name(), Value::Map(child_top));
    }
    if let Some(t) = tracer {
        for key in ["Chart", "Release", "Capabilities", "Files", "Template", "Subcharts"] {
            t.set_slot(&top, key, Rc::new(Prov::Builtin(format!(".{key}").into())));
        }
    }
    for t in &chart.templates {
        if chart.is_library() && !base_name(&t.name).starts_with('_') {
            continue;
        }
        out.insert(
            format!("{path}/{}", t.name),
            Renderable { text: t.data.clone(), top: top.clone(), base_path: format!("{path}/templates") },
        );
    }
    top
}

fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Helm's execution order: more `/` first, then reverse lexical order.
pub fn execution_order<'a>(names: impl Iterator<Item = &'a String>) -> Vec<&'a String> {
    let mut keys: Vec<&String> = names.collect();
    keys.sort_by(|a, b| {
        let (ca, cb) = (a.matches('/').count(), b.matches('/').count());
        cb.cmp(&ca).then_with(|| b.cmp(a))
    });
    keys
}

/// Renders every template of `chart` with the coalesced `values`; returns each
/// template's output bytes (partials left out, `<no value>` removed) by full path.
pub fn render(chart: &Chart, values: &Map, ctx: &RenderContext) -> Result<BTreeMap<String, Vec<u8>>, Error> {
    Ok(render_with(chart, values, ctx, None)?.outputs)
}

/// [`render`] with provenance tracing: each template's output with the spans that
/// say where its bytes came from.
pub fn render_traced(chart: &Chart, values: &Map, ctx: &RenderContext, tracer: &Rc<Tracer>) -> Result<Rendered, Error> {
    render_with(chart, values, ctx, Some(tracer))
}

/// Each template's output and, when traced, its spans, by full path.
pub struct Rendered {
    /// Each template's output bytes (as [`render`] returns them).
    pub outputs: BTreeMap<String, Vec<u8>>,
    /// When traced, where each template's output bytes came from.
    pub spans: BTreeMap<String, Vec<Span>>,
}

fn render_with(
    chart: &Chart,
    values: &Map,
    ctx: &RenderContext,
    tracer: Option<&Rc<Tracer>>,
) -> Result<Rendered, Error> {
    let mut tpls = BTreeMap::new();
    collect(chart, values.with_kind(MapKind::Values), true, chart.name(), ctx, tracer, &mut tpls);
    let mut funcs = sprig::helm_func_map();
    if ctx.enable_dns {
        funcs.extend(sprig::dns_functions());
    }
    let mut set = Templates::new(funcs);
    set.set_seed(ctx.seed);
    let order = execution_order(tpls.keys());
    for name in &order {
        set.add_bytes(name, &tpls[*name].text).map_err(|e| Error::new(e.helm_message()))?;
    }
    let mut rendered = Rendered { outputs: BTreeMap::new(), spans: BTreeMap::new() };
    for name in order {
        if base_name(name).starts_with('_') {
            continue;
        }
        let r = &tpls[name];
        r.top.insert("Template", template_object(name, &r.base_path));
        // Helm passes each chart's top map as its named `Values` type.
        let data = Value::Map(r.top.with_kind(MapKind::Values));
        let (out, spans) = match tracer {
            Some(t) => {
                let (out, spans) = set.execute_traced(name, &data, t).map_err(|e| Error::new(e.helm_message()))?;
                let spans = gotmpl::trace::strip_no_value(&out, spans);
                (out, spans)
            }
            None => (set.execute_bytes(name, &data).map_err(|e| Error::new(e.helm_message()))?, Vec::new()),
        };
        rendered.outputs.insert(name.clone(), gotmpl::strip_no_value(out));
        if tracer.is_some() {
            rendered.spans.insert(name.clone(), spans);
        }
    }
    if ctx.exit_without_freeing {
        std::mem::forget(set);
        std::mem::forget(tpls);
    }
    Ok(rendered)
}

/// Whether `version` satisfies the semver range `constraint`, by Sprig's
/// `semverCompare` (Helm's `IsCompatibleRange`); a bad range or version is `false`.
pub fn semver_satisfies(constraint: &str, version: &str) -> bool {
    sprig::semver_check(constraint, version) == Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_deepest_first_then_reverse_name() {
        let names: Vec<String> =
            ["c/templates/a.yaml", "c/templates/b.yaml", "c/charts/s/templates/z.yaml", "c/templates/_h.tpl"]
                .iter()
                .map(|s| s.to_string())
                .collect();
        let order: Vec<&str> = execution_order(names.iter()).into_iter().map(|s| s.as_str()).collect();
        assert_eq!(
            order,
            ["c/charts/s/templates/z.yaml", "c/templates/b.yaml", "c/templates/a.yaml", "c/templates/_h.tpl"]
        );
    }

    #[test]
    fn semver_ranges() {
        assert!(semver_satisfies(">=1.20.0-0", "v1.37.0"));
        assert!(!semver_satisfies("<1.20", "v1.37.0"));
        assert!(!semver_satisfies("not a range", "1.0.0"));
    }
}
