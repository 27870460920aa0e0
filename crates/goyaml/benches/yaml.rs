//! Criterion benches of YAML in (`parse`, `parse_documents`) and out (`to_yaml`):
//! real corpus files (read from `../shared` beside the repository, skipped when
//! it is absent) and generated maps of 1k/10k/100k keys (decoding must stay linear).
//!
//!     cargo bench -p goyaml --bench yaml

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use govalue::Value;

/// `../shared/corpus` relative to the repository root.
fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

/// Real inputs: rendered multi-document outputs (what the output sorter reads)
/// and a large values file.
fn real_inputs() -> Vec<(&'static str, String)> {
    let files = [
        ("istio-base.out", "expected/istio-base--default.out"),
        ("argo-rollouts.out", "expected/argo-rollouts--default.out"),
        ("kube-prometheus-stack.out", "expected/kube-prometheus-stack--default.out"),
        ("kube-prometheus-stack-values", "charts/kube-prometheus-stack/values.yaml"),
    ];
    let mut out = Vec::new();
    for (name, path) in files {
        match std::fs::read_to_string(corpus().join(path)) {
            Ok(text) => out.push((name, text)),
            Err(_) => eprintln!("skipping {name}: {} not found", corpus().join(path).display()),
        }
    }
    out
}

/// One map of `n` keys (as a values.yaml holding it under `big`).
fn big_map(n: usize) -> String {
    let mut s = String::from("big:\n");
    for i in 0..n {
        s.push_str(&format!("  key{i:06}: value-{}\n", i * 7919 % 100_003));
    }
    s
}

fn decode(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode");
    for (name, text) in real_inputs() {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), &text, |b, t| {
            b.iter(|| goyaml::parse_documents(black_box(t)).unwrap())
        });
    }
    for n in [1_000, 10_000, 100_000] {
        let text = big_map(n);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("map", n), &text, |b, t| b.iter(|| goyaml::parse(black_box(t)).unwrap()));
    }
    g.finish();
}

fn emit(c: &mut Criterion) {
    let mut g = c.benchmark_group("emit");
    for (name, text) in real_inputs() {
        let docs: Vec<Value> = goyaml::parse_documents(&text).unwrap();
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), &docs, |b, docs| {
            b.iter(|| {
                for d in docs {
                    black_box(goyaml::to_yaml(d).unwrap());
                }
            })
        });
    }
    for n in [1_000, 10_000, 100_000] {
        let v = goyaml::parse(&big_map(n)).unwrap();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("map", n), &v, |b, v| b.iter(|| goyaml::to_yaml(black_box(v)).unwrap()));
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = decode, emit
}
criterion_main!(benches);
