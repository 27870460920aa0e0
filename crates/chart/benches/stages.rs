//! Criterion benchmarks of the render pipeline's stages on real charts of the
//! shared corpus (`../shared/corpus/charts`): loading a chart (files and values
//! YAML), coalescing values, parsing its templates, executing them, and sorting
//! the output into Helm's install order. Skipped, with a message, when the
//! corpus is not beside the repository.
//!
//!     cargo bench -p chart --bench stages

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use chart::load::Chart;
use chart::objects::Capabilities;
use chart::render::RenderContext;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use govalue::Map;

/// Charts of several sizes and shapes: a large umbrella chart, a mid-size one with
/// many helpers, a Bitnami chart built on the `common` library, and many `tpl` calls.
const CHARTS: &[&str] = &["kube-prometheus-stack", "ingress-nginx", "bitnami-postgresql", "loki-distributed"];

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/charts");
    dir.is_dir().then_some(dir)
}

/// Every template of a chart and its subcharts, with the paths `render` gives them.
fn templates(c: &Chart, path: &str, out: &mut Vec<(String, Vec<u8>)>) {
    for t in &c.templates {
        out.push((format!("{path}/{}", t.name), t.data.to_vec()));
    }
    for sub in &c.dependencies {
        templates(sub, &format!("{path}/charts/{}", sub.name()), out);
    }
}

fn stages(c: &mut Criterion) {
    let Some(root) = corpus() else {
        eprintln!("benches/stages: ../shared/corpus is missing beside the repository; nothing to measure");
        return;
    };
    let caps = Capabilities::new(None, &[]);
    for name in CHARTS {
        let path = root.join(name).to_string_lossy().into_owned();
        let mut g = c.benchmark_group(*name);
        g.sample_size(20);
        g.bench_function("load", |b| b.iter(|| chart::load::load(&path).unwrap()));
        let loaded = chart::load::load(&path).unwrap();
        let mut loaded_deps = chart::load::load(&path).unwrap();
        chart::deps::process_dependencies(&mut loaded_deps, &Map::new(), &chart::render::semver_satisfies).unwrap();
        g.bench_function("coalesce", |b| b.iter(|| chart::values::coalesce_values(&loaded_deps, &Map::new()).unwrap()));
        let values = chart::values::coalesce_values(&loaded_deps, &Map::new()).unwrap();
        let mut tpls = Vec::new();
        templates(&loaded, name, &mut tpls);
        g.bench_function("parse", |b| {
            b.iter_batched(
                || gotmpl::Templates::new(sprig::helm_func_map()),
                |mut set| {
                    for (n, text) in &tpls {
                        set.add_bytes(n, text).unwrap();
                    }
                    set
                },
                BatchSize::LargeInput,
            )
        });
        let ctx = RenderContext {
            release: chart::objects::release("rel", "ns", false),
            capabilities: &caps,
            seed: Some(1),
            enable_dns: false,
            exit_without_freeing: false,
        };
        g.bench_function("parse+execute", |b| b.iter(|| chart::render::render(&loaded_deps, &values, &ctx).unwrap()));
        let mut files = chart::render::render(&loaded_deps, &values, &ctx).unwrap();
        files.retain(|k, _| !k.ends_with("NOTES.txt"));
        g.bench_function("sort", |b| b.iter(|| chart::manifest::sort_manifests(&files).unwrap()));
        g.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
