//! `capstan lint`: `helm lint`'s checks, plus capstan's own rules (`CS1xx`) on the
//! rendered output, each pointing at the values or template line that caused it
//! (from [`explain_fields`](crate::fields::explain_fields)).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use govalue::Value;
use goyaml::{Node, NodeKind};

use crate::fields::{self, Document, Field, Origin, Place, Report, Selection};
use crate::TemplateOptions;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// `[INFO]`
    Info,
    /// `[WARNING]`
    Warning,
    /// `[ERROR]`
    Error,
}

impl Level {
    /// The upper-case name Helm prints.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "INFO",
            Level::Warning => "WARNING",
            Level::Error => "ERROR",
        }
    }
}

/// One of capstan's rules.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// The stable code (`CS101`).
    pub code: &'static str,
    /// Its level.
    pub level: Level,
    /// What it looks for, in one line.
    pub summary: &'static str,
}

/// Every capstan rule, by code.
pub const RULES: &[Rule] = &[
    Rule {
        code: "CS101",
        level: Level::Warning,
        summary: "credential rendered into a ConfigMap, an env value or an annotation",
    },
    Rule { code: "CS102", level: Level::Warning, summary: "credential committed in a values file" },
    Rule { code: "CS103", level: Level::Warning, summary: "Secret whose data renders empty" },
    Rule { code: "CS104", level: Level::Error, summary: "Secret data that is not base64" },
    Rule {
        code: "CS105",
        level: Level::Warning,
        summary: "output that changes on every render (random, time or key function without lookup)",
    },
    Rule { code: "CS106", level: Level::Warning, summary: "image with a latest tag or no tag, and no digest" },
    Rule { code: "CS107", level: Level::Warning, summary: "user value that no rendered field depends on" },
    Rule { code: "CS108", level: Level::Warning, summary: "user value overridden at template time" },
    Rule { code: "CS109", level: Level::Warning, summary: "user's empty or false value ignored by merge" },
    Rule { code: "CS110", level: Level::Warning, summary: "duplicate key in a values file" },
    Rule { code: "CS111", level: Level::Warning, summary: "duplicate key in a rendered manifest" },
    Rule { code: "CS112", level: Level::Warning, summary: "Go formatting artifact in the output" },
];

/// The rendered object a finding is in.
#[derive(Clone, Debug, PartialEq)]
pub struct DocRef {
    /// `kind`
    pub kind: Option<String>,
    /// `metadata.name`
    pub name: Option<String>,
    /// `metadata.namespace`
    pub namespace: Option<String>,
}

/// One finding: a Helm check's message or a capstan rule's.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// The rule's code; empty for Helm's own checks.
    pub code: &'static str,
    /// How serious it is.
    pub level: Level,
    /// What is wrong, in one line.
    pub message: String,
    /// Where to fix it: a file relative to where capstan runs, or a flag
    /// (`--set a=b`), or Helm's location (`templates/`).
    pub file: Option<String>,
    /// 1-based line in `file`.
    pub line: Option<usize>,
    /// 1-based column in `file`.
    pub column: Option<usize>,
    /// The rendered object.
    pub document: Option<DocRef>,
    /// The field in it.
    pub path: Option<String>,
}

impl Finding {
    /// The location Helm's text form prints before the message.
    pub fn location(&self) -> String {
        match (&self.file, self.line, self.column) {
            (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}"),
            (Some(f), Some(l), None) => format!("{f}:{l}"),
            (Some(f), _, _) => f.clone(),
            _ => String::new(),
        }
    }

    /// The message with the rule's code, object and field.
    pub fn text(&self) -> String {
        if self.code.is_empty() {
            return self.message.clone();
        }
        let mut out = format!("{} {}", self.code, self.message);
        if let Some(d) = &self.document {
            out.push_str(&format!(" ({}", doc_label(d)));
            if let Some(p) = &self.path {
                out.push_str(&format!(" {p}"));
            }
            out.push(')');
        }
        out
    }
}

/// The lint of one chart.
#[derive(Clone, Debug)]
pub struct ChartLint {
    /// The chart as named on the command line.
    pub chart: String,
    /// A failure that stopped the lint before any check (Helm's `Error ...` line).
    pub fatal: Option<String>,
    /// The findings, Helm's first.
    pub findings: Vec<Finding>,
}

impl ChartLint {
    /// Whether the chart fails: a fatal error, an error, or with `strict` a warning.
    pub fn failed(&self, strict: bool) -> bool {
        let bar = if strict { Level::Warning } else { Level::Error };
        self.fatal.is_some() || self.findings.iter().any(|f| f.level >= bar)
    }
}

/// Which rules run.
#[derive(Clone, Debug, Default)]
pub struct RuleSet {
    /// Only Helm's checks (`--rules helm`).
    pub helm_only: bool,
    /// Codes or prefixes to keep (all when empty).
    pub select: Vec<String>,
    /// Codes or prefixes to drop.
    pub ignore: Vec<String>,
}

impl RuleSet {
    fn keeps(&self, code: &str) -> bool {
        if code.is_empty() {
            return true;
        }
        if self.helm_only {
            return false;
        }
        let hit = |p: &String| code.starts_with(p.as_str());
        (self.select.is_empty() || self.select.iter().any(hit)) && !self.ignore.iter().any(hit)
    }
}

/// Lints `chart` (and with `with_subcharts` each chart under its `charts/`), rendered
/// with `base`'s values and flags. Nothing here fails: problems are findings.
pub fn lint(chart: &str, base: &TemplateOptions, rules: &RuleSet, with_subcharts: bool) -> Vec<ChartLint> {
    let mut out = vec![lint_one(chart, base, rules)];
    if with_subcharts {
        let dir = std::path::Path::new(chart).join("charts");
        let mut subs: Vec<String> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter(|e| e.path().join("Chart.yaml").is_file())
                    .map(|e| format!("{}/charts/{}", chart.trim_end_matches('/'), e.file_name().to_string_lossy()))
                    .collect()
            })
            .unwrap_or_default();
        subs.sort();
        for s in subs {
            out.push(lint_one(&s, base, rules));
        }
    }
    out
}

fn helm(level: Level, file: &str, message: impl Into<String>) -> Finding {
    Finding {
        code: "",
        level,
        message: message.into(),
        file: Some(file.to_string()),
        line: None,
        column: None,
        document: None,
        path: None,
    }
}

fn lint_one(chart: &str, base: &TemplateOptions, rules: &RuleSet) -> ChartLint {
    let mut result = ChartLint { chart: chart.to_string(), fatal: None, findings: Vec::new() };
    let dir = std::path::Path::new(chart);
    let chart_yaml = dir.join("Chart.yaml");
    let is_archive = dir.is_file();
    if !is_archive && !chart_yaml.is_file() {
        result.fatal = Some(format!(
            "unable to check Chart.yaml file in chart: stat {}: no such file or directory",
            chart_yaml.display()
        ));
        return result;
    }
    let mut loadable = true;
    if !is_archive {
        let meta = std::fs::read_to_string(&chart_yaml)
            .ok()
            .and_then(|t| goyaml::parse(&t).ok())
            .and_then(|v| v.as_map().cloned())
            .unwrap_or_default();
        let text = |k: &str| meta.get(k).filter(|v| !v.is_nil()).map(|v| v.to_go_string()).unwrap_or_default();
        let mut unknown: Vec<govalue::Str> =
            meta.keys().into_iter().filter(|k| !CHART_FIELDS.contains(&&**k)).collect();
        unknown.sort();
        if let Some(field) = unknown.first() {
            result.findings.push(helm(
                Level::Warning,
                "Chart.yaml",
                format!("failed to strictly parse chart metadata file\n\terror unmarshaling JSON: while decoding JSON: json: unknown field \"{field}\""),
            ));
        }
        if text("name").is_empty() {
            result.findings.push(helm(Level::Error, "Chart.yaml", "name is required"));
            loadable = false;
        }
        if text("apiVersion").is_empty() {
            result.findings.push(helm(
                Level::Error,
                "Chart.yaml",
                "apiVersion is required. The value must be either \"v1\" or \"v2\"",
            ));
        }
        let version = text("version");
        if version.is_empty() {
            result.findings.push(helm(Level::Error, "Chart.yaml", "version is required"));
            loadable = false;
        }
        let icon = text("icon");
        if icon.is_empty() {
            result.findings.push(helm(Level::Info, "Chart.yaml", "icon is recommended"));
        } else if !request_uri(&icon) {
            result.findings.push(helm(Level::Error, "Chart.yaml", format!("invalid icon URL '{icon}'")));
        }
        if !strict_semver(&version) {
            result.findings.push(helm(
                Level::Warning,
                "Chart.yaml",
                format!("version '{version}' is not a valid SemVerV2"),
            ));
        }
        if !dir.join("values.yaml").is_file() {
            result.findings.push(helm(Level::Info, "values.yaml", "file does not exist"));
        }
        if let Some(f) = values_schema(dir, base) {
            result.findings.push(f);
        }
        if !dir.join("templates").is_dir() {
            result.findings.push(helm(Level::Warning, "templates/", "directory does not exist"));
        }
        if !loadable {
            let what = if text("name").is_empty() { "name" } else { "version" };
            let msg = format!("validation: chart.metadata.{what} is required");
            result.findings.push(helm(Level::Error, "templates/", msg.clone()));
            result.findings.push(helm(Level::Error, "", format!("unable to load chart\n\t{msg}")));
            return result;
        }
    }
    let opts = TemplateOptions { args: vec!["test-release".into(), chart.to_string()], ..base.clone() };
    let report = match fields::explain_fields(&opts, &Selection::default()) {
        Ok(r) => r,
        Err(e) => {
            let msg = e.message().trim_end_matches(crate::DEBUG_HINT).to_string();
            result.findings.push(render_error(&msg));
            return result;
        }
    };
    let kube = kube_minor(opts.kube_version.as_deref());
    for (doc, text) in &report.documents {
        result.findings.extend(name_check(doc));
        result.findings.extend(deprecation(doc, kube));
        result.findings.extend(selector_check(doc, text));
    }
    if !rules.helm_only {
        let mut own = Vec::new();
        capstan_rules(&opts, chart, &report, &mut own);
        dedupe(&mut own);
        own.sort_by_key(|f| f.code);
        result.findings.extend(own);
    }
    result.findings.retain(|f| rules.keeps(f.code));
    result
}

/// Whether Go's `url.ParseRequestURI` takes `s`: an absolute path, or a URI with a
/// scheme.
fn request_uri(s: &str) -> bool {
    if s.starts_with('/') {
        return true;
    }
    let Some((scheme, _)) = s.split_once(':') else { return false };
    let mut b = scheme.bytes();
    b.next().is_some_and(|c| c.is_ascii_alphabetic())
        && b.all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
}

/// The Kubernetes (major, minor) lint checks deprecations against: `--kube-version`
/// or capstan's default, 1.37.
fn kube_minor(v: Option<&str>) -> (u32, u32) {
    let digits = |p: &str| {
        p.bytes()
            .take_while(u8::is_ascii_digit)
            .fold(None, |a: Option<u32>, d| Some(a.unwrap_or(0).saturating_mul(10).saturating_add(u32::from(d - b'0'))))
    };
    v.and_then(|v| {
        let mut parts = v.trim_start_matches('v').split('.');
        Some((digits(parts.next()?)?, digits(parts.next()?)?))
    })
    .unwrap_or((1, 37))
}

/// A Kubernetes (major, minor) version.
type Minor = (u32, u32);

/// apiVersion, kind, deprecated in, removed in, replacement.
type DeprecatedApi = (&'static str, &'static str, Minor, Option<Minor>, Option<&'static str>);

/// Kubernetes API versions Helm calls deprecated: apiVersion, kind, deprecated in,
/// removed in, replacement (as `helm lint` 4.3.1 reports them).
const DEPRECATED_APIS: &[DeprecatedApi] = &[
    ("admissionregistration.k8s.io/v1alpha1", "ValidatingAdmissionPolicy", (1, 29), Some((1, 32)), None),
    ("admissionregistration.k8s.io/v1alpha1", "ValidatingAdmissionPolicyBinding", (1, 29), Some((1, 32)), None),
    (
        "admissionregistration.k8s.io/v1beta1",
        "MutatingWebhookConfiguration",
        (1, 16),
        Some((1, 22)),
        Some("admissionregistration.k8s.io/v1 MutatingWebhookConfiguration"),
    ),
    ("admissionregistration.k8s.io/v1beta1", "ValidatingAdmissionPolicy", (1, 31), Some((1, 34)), None),
    ("admissionregistration.k8s.io/v1beta1", "ValidatingAdmissionPolicyBinding", (1, 31), Some((1, 34)), None),
    (
        "admissionregistration.k8s.io/v1beta1",
        "ValidatingWebhookConfiguration",
        (1, 16),
        Some((1, 22)),
        Some("admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration"),
    ),
    ("apps/v1beta1", "Deployment", (1, 8), Some((1, 16)), Some("apps/v1 Deployment")),
    ("apps/v1beta1", "StatefulSet", (1, 8), Some((1, 16)), Some("apps/v1 StatefulSet")),
    ("apps/v1beta2", "DaemonSet", (1, 9), Some((1, 16)), Some("apps/v1 DaemonSet")),
    ("apps/v1beta2", "Deployment", (1, 9), Some((1, 16)), Some("apps/v1 Deployment")),
    ("apps/v1beta2", "ReplicaSet", (1, 9), Some((1, 16)), Some("apps/v1 ReplicaSet")),
    ("apps/v1beta2", "StatefulSet", (1, 9), Some((1, 16)), Some("apps/v1 StatefulSet")),
    (
        "authentication.k8s.io/v1beta1",
        "TokenReview",
        (1, 19),
        Some((1, 22)),
        Some("authentication.k8s.io/v1 TokenReview"),
    ),
    (
        "authorization.k8s.io/v1beta1",
        "SubjectAccessReview",
        (1, 19),
        Some((1, 22)),
        Some("authorization.k8s.io/v1 SubjectAccessReview"),
    ),
    ("batch/v1beta1", "CronJob", (1, 21), Some((1, 25)), Some("batch/v1 CronJob")),
    (
        "certificates.k8s.io/v1beta1",
        "CertificateSigningRequest",
        (1, 19),
        Some((1, 22)),
        Some("certificates.k8s.io/v1 CertificateSigningRequest"),
    ),
    ("coordination.k8s.io/v1beta1", "Lease", (1, 19), Some((1, 22)), Some("coordination.k8s.io/v1 Lease")),
    ("discovery.k8s.io/v1beta1", "EndpointSlice", (1, 21), Some((1, 25)), Some("discovery.k8s.io/v1 EndpointSlice")),
    ("events.k8s.io/v1beta1", "Event", (1, 22), Some((1, 25)), None),
    ("extensions/v1beta1", "DaemonSet", (1, 8), Some((1, 16)), Some("apps/v1 DaemonSet")),
    ("extensions/v1beta1", "Deployment", (1, 8), Some((1, 16)), Some("apps/v1 Deployment")),
    ("extensions/v1beta1", "Ingress", (1, 14), Some((1, 22)), Some("networking.k8s.io/v1 Ingress")),
    ("extensions/v1beta1", "NetworkPolicy", (1, 9), Some((1, 16)), Some("networking.k8s.io/v1 NetworkPolicy")),
    ("extensions/v1beta1", "ReplicaSet", (1, 8), Some((1, 16)), Some("apps/v1 ReplicaSet")),
    (
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "FlowSchema",
        (1, 23),
        Some((1, 26)),
        Some("flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema"),
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "PriorityLevelConfiguration",
        (1, 23),
        Some((1, 26)),
        Some("flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration"),
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "FlowSchema",
        (1, 26),
        Some((1, 29)),
        Some("flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema"),
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "PriorityLevelConfiguration",
        (1, 26),
        Some((1, 29)),
        Some("flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration"),
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "FlowSchema",
        (1, 29),
        Some((1, 32)),
        Some("flowcontrol.apiserver.k8s.io/v1 FlowSchema"),
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "PriorityLevelConfiguration",
        (1, 29),
        Some((1, 32)),
        Some("flowcontrol.apiserver.k8s.io/v1 PriorityLevelConfiguration"),
    ),
    ("networking.k8s.io/v1beta1", "IPAddress", (1, 34), Some((1, 37)), None),
    ("networking.k8s.io/v1beta1", "Ingress", (1, 19), Some((1, 22)), Some("networking.k8s.io/v1 Ingress")),
    (
        "networking.k8s.io/v1beta1",
        "IngressClass",
        (1, 19),
        Some((1, 22)),
        Some("networking.k8s.io/v1 IngressClassList"),
    ),
    ("networking.k8s.io/v1beta1", "ServiceCIDR", (1, 34), Some((1, 37)), None),
    ("node.k8s.io/v1beta1", "RuntimeClass", (1, 22), Some((1, 25)), None),
    ("policy/v1beta1", "PodDisruptionBudget", (1, 21), Some((1, 25)), Some("policy/v1 PodDisruptionBudget")),
    (
        "rbac.authorization.k8s.io/v1beta1",
        "ClusterRole",
        (1, 17),
        Some((1, 22)),
        Some("rbac.authorization.k8s.io/v1 ClusterRole"),
    ),
    (
        "rbac.authorization.k8s.io/v1beta1",
        "ClusterRoleBinding",
        (1, 17),
        Some((1, 22)),
        Some("rbac.authorization.k8s.io/v1 ClusterRoleBinding"),
    ),
    ("rbac.authorization.k8s.io/v1beta1", "Role", (1, 17), Some((1, 22)), Some("rbac.authorization.k8s.io/v1 Role")),
    (
        "rbac.authorization.k8s.io/v1beta1",
        "RoleBinding",
        (1, 17),
        Some((1, 22)),
        Some("rbac.authorization.k8s.io/v1 RoleBinding"),
    ),
    ("resource.k8s.io/v1beta1", "ResourceClaim", (1, 35), Some((1, 38)), None),
    ("scheduling.k8s.io/v1beta1", "PriorityClass", (1, 14), Some((1, 22)), Some("scheduling.k8s.io/v1 PriorityClass")),
    (
        "storage.k8s.io/v1alpha1",
        "CSIStorageCapacity",
        (1, 21),
        Some((1, 24)),
        Some("storage.k8s.io/v1beta1 CSIStorageCapacity"),
    ),
    ("storage.k8s.io/v1alpha1", "VolumeAttachment", (1, 21), Some((1, 24)), Some("storage.k8s.io/v1 VolumeAttachment")),
    (
        "storage.k8s.io/v1alpha1",
        "VolumeAttributesClass",
        (1, 32),
        Some((1, 35)),
        Some("storage.k8s.io/v1 VolumeAttributesClass"),
    ),
    ("storage.k8s.io/v1beta1", "CSIDriver", (1, 19), Some((1, 22)), Some("storage.k8s.io/v1 CSIDriver")),
    ("storage.k8s.io/v1beta1", "CSINode", (1, 17), Some((1, 22)), Some("storage.k8s.io/v1 CSINode")),
    (
        "storage.k8s.io/v1beta1",
        "CSIStorageCapacity",
        (1, 24),
        Some((1, 27)),
        Some("storage.k8s.io/v1 CSIStorageCapacity"),
    ),
    ("storage.k8s.io/v1beta1", "StorageClass", (1, 19), Some((1, 22)), Some("storage.k8s.io/v1 StorageClass")),
    ("storage.k8s.io/v1beta1", "VolumeAttachment", (1, 19), Some((1, 22)), Some("storage.k8s.io/v1 VolumeAttachment")),
    (
        "storage.k8s.io/v1beta1",
        "VolumeAttributesClass",
        (1, 34),
        Some((1, 37)),
        Some("storage.k8s.io/v1 VolumeAttributesClass"),
    ),
    ("v1", "ComponentStatus", (1, 19), None, None),
];

/// Helm's warning for an object whose API version is deprecated in `kube`.
fn deprecation(doc: &Document, kube: (u32, u32)) -> Option<Finding> {
    let (api, kind) = (doc.api_version.as_deref()?, doc.kind.as_deref()?);
    let (_, _, (dm, dn), removed, replacement) = DEPRECATED_APIS.iter().find(|(a, k, ..)| *a == api && *k == kind)?;
    if kube < (*dm, *dn) {
        return None;
    }
    let mut msg = format!("{api} {kind} is deprecated in v{dm}.{dn}+");
    if let Some((rm, rn)) = removed {
        msg.push_str(&format!(", unavailable in v{rm}.{rn}+"));
    }
    if let Some(r) = replacement {
        msg.push_str(&format!("; use {r}"));
    }
    let file = doc.source.split_once('/').map_or(doc.source.as_str(), |(_, r)| r);
    Some(helm(Level::Warning, file, msg))
}

/// Helm's error for a workload with no `spec.selector`.
fn selector_check(doc: &Document, text: &str) -> Option<Finding> {
    let kind = doc.kind.as_deref()?;
    if !matches!(kind, "Deployment" | "DaemonSet" | "ReplicaSet" | "StatefulSet") {
        return None;
    }
    let v = goyaml::parse(text).ok()?;
    let selector = v.as_map()?.get("spec").and_then(|s| s.as_map()?.get("selector"));
    // Helm only objects to a missing selector (`selector: {}` passes).
    if selector.is_some_and(|s| !s.is_nil()) {
        return None;
    }
    let name = doc.name.as_deref().unwrap_or("");
    let file = doc.source.split_once('/').map_or(doc.source.as_str(), |(_, r)| r);
    Some(helm(
        Level::Error,
        file,
        format!("a {kind} must contain matchLabels or matchExpressions, and \"{name}\" does not"),
    ))
}

/// The top-level fields of `Chart.yaml`.
const CHART_FIELDS: &[&str] = &[
    "name",
    "home",
    "sources",
    "version",
    "description",
    "keywords",
    "maintainers",
    "icon",
    "apiVersion",
    "condition",
    "tags",
    "appVersion",
    "deprecated",
    "annotations",
    "kubeVersion",
    "dependencies",
    "type",
];

/// Whether `v` is a strict semantic version 2 (`1.2.3`, `1.2.3-rc.1+b5`; no `v`).
fn strict_semver(v: &str) -> bool {
    let ident = |p: &str, numeric_rule: bool| {
        !p.is_empty()
            && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !(numeric_rule && p.len() > 1 && p.starts_with('0') && p.bytes().all(|b| b.is_ascii_digit()))
    };
    let (rest, build) = match v.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (v, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && (p.len() == 1 || !p.starts_with('0')))
        && pre.is_none_or(|p| p.split('.').all(|i| ident(i, true)))
        && build.is_none_or(|b| b.split('.').all(|i| ident(i, false)))
}

/// Helm's check of `values.yaml` (with the user's values over it) against
/// `values.schema.json`.
fn values_schema(dir: &std::path::Path, base: &TemplateOptions) -> Option<Finding> {
    let schema = std::fs::read_to_string(dir.join("values.schema.json")).ok()?;
    let text = std::fs::read_to_string(dir.join("values.yaml")).ok()?;
    let values = goyaml::parse(&text).ok()?.as_map().cloned().unwrap_or_default();
    // Standard input can be read once only: the render needs it.
    if !base.value_files.iter().any(|f| f.trim() == "-") {
        if let Ok(user) = crate::user_values(base) {
            overlay(&values, &user, 0);
        }
    }
    let err = schema::validate(&schema, &Value::Map(values)).err()?;
    Some(helm(Level::Error, "values.yaml", err))
}

/// Puts `top`'s entries over `into` (a freshly parsed map), merging maps.
fn overlay(into: &govalue::Map, top: &govalue::Map, depth: usize) {
    for k in top.keys() {
        let Some(v) = top.get(&k) else { continue };
        match (into.get(&k), &v) {
            (Some(Value::Map(inner)), Value::Map(t)) if depth < 100 => overlay(&inner, t, depth + 1),
            _ => into.insert(k.clone(), v.clone()),
        }
    }
}

/// A render failure as `helm lint` words it.
fn render_error(msg: &str) -> Finding {
    const YAML: &str = "YAML parse error on ";
    if let Some(rest) = msg.strip_prefix(YAML) {
        if let Some((name, why)) = rest.split_once(": ") {
            let file = name.split_once('/').map_or(name, |(_, r)| r);
            return helm(Level::Error, file, format!("unable to parse YAML: {why}"));
        }
    }
    helm(Level::Error, "templates/", msg)
}

/// Helm's warning for a `metadata.name` (missing counts as empty) that is not an
/// RFC 1123 subdomain.
fn name_check(doc: &Document) -> Option<Finding> {
    let name = doc.name.as_deref().unwrap_or("");
    // RBAC objects take path-segment names (`system:x` is fine); their wording is
    // not reproduced here, so they are left unchecked.
    let rbac = matches!(doc.kind.as_deref(), Some("Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding"));
    if rbac || is_subdomain(name) {
        return None;
    }
    let file = doc.source.split_once('/').map_or(doc.source.as_str(), |(_, r)| r);
    Some(helm(
        Level::Warning,
        file,
        format!(
            "object name does not conform to Kubernetes naming requirements: \"{name}\": metadata.name: Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        ),
    ))
}

/// Kubernetes' DNS-1123 subdomain: dot-separated labels of `[a-z0-9-]`, each
/// starting and ending alphanumeric, 253 bytes at most.
fn is_subdomain(s: &str) -> bool {
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    s.len() <= 253
        && s.split('.').all(|l| {
            let b = l.as_bytes();
            !b.is_empty() && alnum(b[0]) && alnum(b[b.len() - 1]) && b.iter().all(|&c| alnum(c) || c == b'-')
        })
}

fn doc_label(d: &DocRef) -> String {
    let kind = d.kind.as_deref().unwrap_or("?");
    let name = d.name.as_deref().unwrap_or("?");
    match &d.namespace {
        Some(ns) => format!("{kind}/{ns}/{name}"),
        None => format!("{kind}/{name}"),
    }
}

fn doc_ref(d: &Document) -> DocRef {
    DocRef { kind: d.kind.clone(), name: d.name.clone(), namespace: d.namespace.clone() }
}

/// Keeps the first finding of each code, object and field.
fn dedupe(findings: &mut Vec<Finding>) {
    let mut seen = HashSet::new();
    findings.retain(|f| seen.insert((f.code, f.document.as_ref().map(doc_label), f.path.clone(), f.location())));
}

fn rule(code: &str) -> Level {
    RULES.iter().find(|r| r.code == code).map_or(Level::Warning, |r| r.level)
}

/// Where to fix something: a file position or a flag.
#[derive(Clone, Debug, Default)]
struct Loc {
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
}

impl Loc {
    fn origin(o: &Origin) -> Loc {
        match &o.arg {
            Some(arg) => Loc { file: Some(format!("--{} {arg}", o.kind)), line: None, column: None },
            None => Loc { file: o.file.clone(), line: o.line, column: o.column },
        }
    }

    fn place(p: &Place) -> Loc {
        Loc { file: Some(p.file.clone()), line: Some(p.line), column: Some(p.column) }
    }
}

const VALUE_KINDS: &[&str] = &[
    "chart-values",
    "subchart-values",
    "values-file",
    "set",
    "set-string",
    "set-file",
    "set-json",
    "set-literal",
    "global",
];
const USER_KINDS: &[&str] = &["values-file", "set", "set-string", "set-file", "set-json", "set-literal"];

/// The best place to fix a field: the values entry it came from, else any file it
/// came from, else the template text that wrote it.
fn field_loc(f: &Field) -> Loc {
    if let Some(o) = f.origins.iter().find(|o| VALUE_KINDS.contains(&o.kind.as_str())) {
        return Loc::origin(o);
    }
    if let Some(o) = f.origins.iter().find(|o| o.file.is_some() && o.line.is_some()) {
        return Loc::origin(o);
    }
    f.written_by.as_ref().map(Loc::place).unwrap_or_default()
}

fn finding(code: &'static str, message: String, loc: Loc, doc: Option<&Document>, path: Option<&str>) -> Finding {
    Finding {
        code,
        level: rule(code),
        message,
        file: loc.file,
        line: loc.line,
        column: loc.column,
        document: doc.map(doc_ref),
        path: path.map(str::to_string),
    }
}

fn field_finding(code: &'static str, message: String, f: &Field) -> Finding {
    finding(code, message, field_loc(f), Some(&f.document), Some(&f.path))
}

fn capstan_rules(opts: &TemplateOptions, chart: &str, report: &Report, out: &mut Vec<Finding>) {
    let by_path: HashMap<(*const Document, &str), &Field> =
        report.fields.iter().map(|f| ((Rc::as_ptr(&f.document), f.path.as_str()), f)).collect();
    let mut overridden_paths = HashSet::new();
    for f in &report.fields {
        plaintext_credentials(f, &by_path, out);
        secret_data(f, out);
        nondeterministic(f, out);
        image_tag(f, out);
        format_artifact(f, out);
        for o in &f.overrode {
            if !USER_KINDS.contains(&o.origin.kind.as_str()) {
                continue;
            }
            if let Some(p) = &o.origin.path {
                overridden_paths.insert(p.clone());
            }
            let what = o.origin.path.clone().unwrap_or_default();
            let merged = f.via.iter().any(|v| v.op == "merge" || v.op == "mustMerge");
            if merged && is_empty(&o.value) {
                let msg = format!(
                    "your value {what}={} is ignored: merge keeps only non-empty values (mustMergeOverwrite would keep it); the field renders {}",
                    json(&o.value),
                    json(&f.value)
                );
                out.push(finding("CS109", msg, Loc::origin(&o.origin), Some(&f.document), Some(&f.path)));
            } else {
                let by = field_loc(f);
                let msg = format!(
                    "your value {what}={} is overridden at template time by {} from {}",
                    json(&o.value),
                    json(&f.value),
                    Finding {
                        code: "",
                        level: Level::Info,
                        message: String::new(),
                        file: by.file,
                        line: by.line,
                        column: by.column,
                        document: None,
                        path: None
                    }
                    .location()
                );
                out.push(finding("CS108", msg, Loc::origin(&o.origin), Some(&f.document), Some(&f.path)));
            }
        }
    }
    for u in &report.unused {
        if overridden_paths.contains(&u.path) {
            continue;
        }
        out.push(finding(
            "CS107",
            format!("{} is set but no rendered field uses it", u.path),
            Loc::origin(&u.origin),
            None,
            None,
        ));
    }
    empty_secrets(report, chart, out);
    for file in values_files(opts, chart) {
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        if let Ok(Some(node)) = goyaml::parse_node(&text) {
            committed_credentials(&file, &node, "", out, 0);
        }
        for (path, line, column) in duplicate_keys(&text) {
            let loc = Loc { file: Some(file.clone()), line: Some(line), column: Some(column) };
            out.push(finding(
                "CS110",
                format!("key {path} is repeated; YAML keeps the last one silently"),
                loc,
                None,
                None,
            ));
        }
    }
    for (doc, text) in &report.documents {
        for (path, line, _) in duplicate_keys(text) {
            let loc = by_path
                .get(&(Rc::as_ptr(doc), path.as_str()))
                .and_then(|f| f.written_by.as_ref().map(Loc::place))
                .unwrap_or_else(|| Loc { file: Some(chart_file(chart, &doc.source)), line: None, column: None });
            let msg =
                format!("key {path} is repeated (line {line} of the rendered document); the last one wins silently");
            out.push(finding("CS111", msg, loc, Some(doc), Some(&path)));
        }
    }
}

/// A render name (`chart/templates/x.yaml`) as a path under the chart directory.
fn chart_file(chart: &str, source: &str) -> String {
    match source.split_once('/') {
        Some((_, rest)) => format!("{}/{rest}", chart.trim_end_matches('/')),
        None => source.to_string(),
    }
}

fn json(v: &Value) -> String {
    crate::explain::json_value(v)
}

/// Go's notion of an empty value, as `merge` uses it.
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Nil => true,
        Value::Bool(b) => !b,
        _ => {
            let s = v.to_go_string();
            s.is_empty() || s == "0" || s == "map[]" || s == "[]"
        }
    }
}

/// The words of a key: split at non-alphanumerics and lower-to-upper changes, upper-cased.
fn words(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_uppercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether a key names a credential (`REDIS_PASSWORD`, `clientSecret`,
/// `MINIO_SECRET_KEY`), not a reference to one (`secretName`, `existingSecret`).
fn credential_key(key: &str) -> bool {
    const CRED: &[&str] =
        &["PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY", "CREDENTIAL", "CREDENTIALS", "PRIVATEKEY"];
    const NOT_LAST: &[&str] = &[
        "NAME",
        "NAMES",
        "REF",
        "FILE",
        "PATH",
        "DIR",
        "URL",
        "URI",
        "HOST",
        "PORT",
        "ENABLED",
        "ENABLE",
        "EXPIRY",
        "EXPIRE",
        "EXPIRATION",
        "TTL",
        "TYPE",
        "LENGTH",
        "SIZE",
        "ISSUER",
        "AUDIENCE",
        "MOUNT",
        "VERSION",
        "FORMAT",
        "HEADER",
        "FIELD",
        "ALGORITHM",
        "TIMEOUT",
        "SECONDS",
        "COUNT",
        "PROVIDER",
        "STORE",
        "CLASS",
        "SELECTOR",
        "POLICY",
        "ENDPOINT",
        "MODE",
        "REFS",
        "SECRETS",
        "KIND",
    ];
    let w = words(key);
    let (Some(first), Some(last)) = (w.first(), w.last()) else { return false };
    if NOT_LAST.contains(&last.as_str()) || first == "EXISTING" || w.iter().any(|x| x == "CHECKSUM" || x == "PUBLIC") {
        return false;
    }
    w.iter().any(|x| CRED.contains(&x.as_str())) || (last == "KEY" && w.len() > 1)
}

/// Whether a value has the shape of a secret: a private key or a well-known token.
fn credential_shape(s: &str) -> bool {
    let prefixed = |p: &str, min: usize| {
        s.strip_prefix(p).is_some_and(|r| r.len() >= min && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
    };
    let aws = s.len() == 20 && s.starts_with("AKIA") && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    let jwt = {
        let parts: Vec<&str> = s.split('.').collect();
        parts.len() == 3 && parts[0].starts_with("eyJ") && parts[1].starts_with("eyJ") && parts[2].len() >= 16
    };
    (s.contains("-----BEGIN") && s.contains("PRIVATE KEY-----"))
        || aws
        || jwt
        || ["ghp_", "gho_", "ghs_", "ghu_", "github_pat_", "glpat-", "sk_live_", "xoxb-", "xoxp-"]
            .iter()
            .any(|p| prefixed(p, 16))
}

/// Whether a rendered string is worth reporting as a credential.
fn has_secret_text(v: &Value) -> bool {
    let s = v.to_go_string();
    !(s.is_empty() || matches!(s.as_str(), "true" | "false") || matches!(v, Value::Bool(_)))
}

/// The last key of a field path (`data."a.b"` → `a.b`).
fn last_key(path: &str) -> String {
    let tail = match path.strip_suffix('"') {
        Some(head) => head.rfind('"').map_or(path, |i| &path[i..]),
        None => path.rsplit('.').next().unwrap_or(path),
    };
    tail.trim_matches('"').to_string()
}

fn plaintext_credentials(f: &Field, by_path: &HashMap<(*const Document, &str), &Field>, out: &mut Vec<Finding>) {
    if !has_secret_text(&f.value) {
        return;
    }
    let kind = f.document.kind.as_deref().unwrap_or("");
    let shape = credential_shape(&f.value.to_go_string());
    let (key, place) = if kind == "ConfigMap" && f.path.starts_with("data.") {
        (last_key(&f.path), "a ConfigMap")
    } else if f.path.contains("annotations.") {
        (last_key(&f.path), "an annotation")
    } else if let Some(base) = f.path.strip_suffix(".value").filter(|b| b.ends_with(']') && b.contains("env[")) {
        let name = by_path
            .get(&(Rc::as_ptr(&f.document), format!("{base}.name").as_str()))
            .map(|n| n.value.to_go_string())
            .unwrap_or_default();
        (name, "an env value")
    } else if shape && kind != "Secret" {
        (last_key(&f.path), "a field")
    } else {
        return;
    };
    if credential_key(&key) || shape {
        let msg = format!("credential {key} is rendered in plain text into {place}; put it in a Secret");
        out.push(field_finding("CS101", msg, f));
    }
}

fn committed_credentials(file: &str, node: &Node, prefix: &str, out: &mut Vec<Finding>, depth: usize) {
    if depth > 100 {
        return;
    }
    match &node.kind {
        NodeKind::Map(entries) => {
            for (key, _, _, child) in entries {
                let path = crate::provenance::join_path(prefix, key);
                if let NodeKind::Scalar(v) = &child.kind {
                    let s = v.to_go_string();
                    let keyed = credential_key(key) && matches!(v, Value::String(_)) && has_secret_text(v);
                    if keyed || (matches!(v, Value::String(_)) && credential_shape(&s)) {
                        let loc =
                            Loc { file: Some(file.to_string()), line: Some(child.line), column: Some(child.column) };
                        let msg = format!("credential {path} is committed in a values file; pass it at deploy time or reference an existing Secret");
                        out.push(finding("CS102", msg, loc, None, Some(&path)));
                    }
                } else {
                    committed_credentials(file, child, &path, out, depth + 1);
                }
            }
        }
        NodeKind::List(items) => {
            for (i, item) in items.iter().enumerate() {
                committed_credentials(file, item, &format!("{prefix}[{i}]"), out, depth + 1);
            }
        }
        NodeKind::Scalar(_) => {}
    }
}

fn secret_data(f: &Field, out: &mut Vec<Finding>) {
    if f.document.kind.as_deref() != Some("Secret") {
        return;
    }
    let key = last_key(&f.path);
    let data = f.path.starts_with("data.");
    if (data || f.path.starts_with("stringData.")) && f.value.to_go_string().is_empty() {
        out.push(field_finding("CS103", format!("Secret key {key} renders empty"), f));
    } else if data {
        use base64::Engine as _;
        let s = f.value.to_go_string();
        if base64::engine::general_purpose::STANDARD.decode(s.as_bytes()).is_err() {
            let msg =
                format!("Secret data {key} is not base64 (the API server rejects it); b64enc it or use stringData");
            out.push(field_finding("CS104", msg, f));
        }
    }
}

/// Secrets with no data at all (a type that needs none excepted).
fn empty_secrets(report: &Report, chart: &str, out: &mut Vec<Finding>) {
    for (doc, text) in &report.documents {
        if doc.kind.as_deref() != Some("Secret") {
            continue;
        }
        let Ok(v) = goyaml::parse(text) else { continue };
        let Some(m) = v.as_map() else { continue };
        let ty = m.get("type").map(|t| t.to_go_string()).unwrap_or_default();
        if ty == "kubernetes.io/service-account-token" {
            continue;
        }
        let empty = |k: &str| m.get(k).is_none_or(|d| is_empty(&d));
        if empty("data") && empty("stringData") {
            let loc = Loc { file: Some(chart_file(chart, &doc.source)), line: None, column: None };
            out.push(finding("CS103", "Secret renders no data".into(), loc, Some(doc), None));
        }
    }
}

/// Functions whose result differs on every render.
const NONDETERMINISTIC: &[&str] = &[
    "randAlphaNum",
    "randAlpha",
    "randNumeric",
    "randAscii",
    "randBytes",
    "randInt",
    "uuidv4",
    "now",
    "genCA",
    "genCAWithKey",
    "genPrivateKey",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
    "htpasswd",
    "encryptAES",
    "shuffle",
];

fn nondeterministic(f: &Field, out: &mut Vec<Finding>) {
    let guarded = f.conditions.iter().any(|c| {
        c.text.contains("lookup") || c.origins.iter().any(|o| o.file.is_some() && source_line(o).contains("lookup"))
    }) || f.via.iter().chain(&f.computed).any(|v| v.op == "lookup");
    if guarded {
        return;
    }
    let mut calls: Vec<&fields::Via> =
        f.computed.iter().chain(&f.via).filter(|v| NONDETERMINISTIC.contains(&v.op.as_str())).collect();
    calls.extend(f.conditions.iter().flat_map(|c| c.via.iter()).filter(|v| NONDETERMINISTIC.contains(&v.op.as_str())));
    let by_origin = f
        .origins
        .iter()
        .find(|o| o.kind == "function" && o.path.as_deref().is_some_and(|p| NONDETERMINISTIC.contains(&p)));
    if let Some(call) = calls.first() {
        let msg =
            format!("{} here makes a new value on every render (guard it with lookup to reuse the live one)", call.op);
        out.push(finding("CS105", msg, Loc::place(&call.place), Some(&f.document), Some(&f.path)));
    } else if let Some(o) = by_origin {
        let loc = Loc::origin(o);
        let msg = format!(
            "{} makes a new value on every render (guard it with lookup to reuse the live one)",
            o.path.as_deref().unwrap_or("")
        );
        out.push(finding("CS105", msg, loc, Some(&f.document), Some(&f.path)));
    }
}

/// The text of the line an origin points at (empty when it cannot be read).
fn source_line(o: &Origin) -> String {
    let (Some(file), Some(line)) = (&o.file, o.line) else { return String::new() };
    std::fs::read_to_string(file)
        .ok()
        .and_then(|t| t.lines().nth(line.saturating_sub(1)).map(str::to_string))
        .unwrap_or_default()
}

fn image_tag(f: &Field, out: &mut Vec<Finding>) {
    let is_image = f.path.ends_with(".image")
        && ["containers[", "initContainers[", "ephemeralContainers["].iter().any(|c| f.path.contains(c));
    if !is_image {
        return;
    }
    let image = f.value.to_go_string();
    if image.is_empty() || image.contains('@') {
        return;
    }
    let last = image.rsplit('/').next().unwrap_or(&image);
    let why = match last.split_once(':') {
        None => "has no tag (so it means latest)".to_string(),
        Some((_, tag)) if tag == "latest" || tag.starts_with("latest-") || tag.starts_with("latest_") => {
            format!("uses the mutable tag {tag}")
        }
        Some(_) => return,
    };
    let loc = f
        .origins
        .iter()
        .rev()
        .find(|o| VALUE_KINDS.contains(&o.kind.as_str()) && o.path.as_deref().is_some_and(|p| p.ends_with("tag")))
        .map(Loc::origin)
        .unwrap_or_else(|| field_loc(f));
    out.push(finding("CS106", format!("image {image} {why} and no digest"), loc, Some(&f.document), Some(&f.path)));
}

fn format_artifact(f: &Field, out: &mut Vec<Finding>) {
    let Value::String(_) = &f.value else { return };
    let s = f.value.to_go_string();
    let bytes = s.as_bytes();
    let verb = bytes.windows(3).any(|w| w[0] == b'%' && w[1] == b'!' && (w[2] == b'(' || w[2].is_ascii_alphabetic()));
    let what = if verb {
        "a Go formatting error (%!...)"
    } else if s.contains("<nil>") {
        "<nil> (a missing value printed by Go)"
    } else if s.contains("<no value>") {
        "<no value> (a missing value printed by Go)"
    } else {
        return;
    };
    let loc = f.written_by.as_ref().map(Loc::place).unwrap_or_else(|| field_loc(f));
    out.push(finding(
        "CS112",
        format!("the value {} contains {what}", govalue::strconv::quote(&s)),
        loc,
        Some(&f.document),
        Some(&f.path),
    ));
}

/// The values files to check: the chart's `values.yaml` and other `values*.yaml`
/// next to it, and the `-f` files.
fn values_files(opts: &TemplateOptions, chart: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let dir = std::path::Path::new(chart);
    if dir.is_dir() {
        let mut own: Vec<String> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with("values") && (n.ends_with(".yaml") || n.ends_with(".yml")))
                    .collect()
            })
            .unwrap_or_default();
        own.sort_by_key(|n| (n != "values.yaml", n.clone()));
        out.extend(own.into_iter().map(|n| format!("{}/{n}", chart.trim_end_matches('/'))));
    }
    for f in &opts.value_files {
        let same =
            |a: &String| std::fs::canonicalize(a).ok().zip(std::fs::canonicalize(f).ok()).is_some_and(|(x, y)| x == y);
        if f != "-" && !out.iter().any(same) {
            out.push(f.clone());
        }
    }
    out
}

/// Repeated keys of block mappings in YAML text: (path, line, column) of each
/// repetition. Flow collections and block scalars are skipped.
pub fn duplicate_keys(text: &str) -> Vec<(String, usize, usize)> {
    // Open mappings: (indent, keys seen with their line, the key last seen).
    let mut stack: Vec<(usize, BTreeMap<String, usize>, String)> = Vec::new();
    let mut block: Option<usize> = None;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let content = line.trim_start_matches(' ');
        let indent = line.len() - content.len();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if let Some(b) = block {
            if indent > b {
                continue;
            }
            block = None;
        }
        if indent == 0 && (content.starts_with("---") || content.starts_with("...")) {
            stack.clear();
            continue;
        }
        let mut col = indent;
        let mut c = content;
        let mut item = false;
        while let Some(rest) = c.strip_prefix("- ").or_else(|| (c == "-").then_some("")) {
            let trimmed = rest.trim_start_matches(' ');
            col += c.len() - trimmed.len();
            c = trimmed;
            item = true;
        }
        let Some((key, value)) = split_key(c) else {
            if item {
                stack.retain(|(ind, _, _)| *ind < col);
            }
            continue;
        };
        stack.retain(|(ind, _, _)| if item { *ind < col } else { *ind <= col });
        if stack.last().is_none_or(|(ind, _, _)| *ind < col) {
            stack.push((col, BTreeMap::new(), String::new()));
        }
        let parents: Vec<String> = stack[..stack.len() - 1].iter().map(|(_, _, k)| k.clone()).collect();
        if let Some(top) = stack.last_mut() {
            if top.1.contains_key(&key) {
                let mut path = parents.iter().fold(String::new(), |acc, k| crate::provenance::join_path(&acc, k));
                path = crate::provenance::join_path(&path, &key);
                out.push((path, i + 1, col + 1));
            }
            top.1.insert(key.clone(), i + 1);
            top.2 = key;
        }
        let v = value.trim();
        let v = v.split(" #").next().unwrap_or(v).trim();
        if v.starts_with('|') || v.starts_with('>') {
            block = Some(indent);
        }
    }
    out
}

/// A block mapping line's key and the text after its `:`.
fn split_key(c: &str) -> Option<(String, &str)> {
    if c.starts_with('{') || c.starts_with('[') {
        return None;
    }
    if let Some(q) = c.chars().next().filter(|q| *q == '"' || *q == '\'') {
        let end = c[1..].find(q)? + 1;
        let rest = c[end + 1..].strip_prefix(':')?;
        if !(rest.is_empty() || rest.starts_with(' ')) {
            return None;
        }
        return Some((c[1..end].to_string(), rest));
    }
    let mut search = 0;
    while let Some(p) = c[search..].find(':') {
        let at = search + p;
        let rest = &c[at + 1..];
        if rest.is_empty() || rest.starts_with(' ') {
            let key = c[..at].trim_end();
            if key.is_empty() || key.contains(" #") {
                return None;
            }
            return Some((key.to_string(), rest));
        }
        search = at + 1;
    }
    None
}

/// Helm's text report: a block per chart (with `quiet`, only charts with warnings
/// or errors, and only those lines); the summary line (empty when quiet found
/// nothing); whether the summary is an error.
pub fn to_text(results: &[ChartLint], strict: bool, quiet: bool) -> (String, String, bool) {
    let mut out = String::new();
    for r in results {
        let shown: Vec<&Finding> = r.findings.iter().filter(|f| !quiet || f.level >= Level::Warning).collect();
        if quiet && shown.is_empty() && r.fatal.is_none() {
            continue;
        }
        out.push_str(&format!("==> Linting {}\n", r.chart));
        if let Some(e) = &r.fatal {
            out.push_str(&format!("Error {e}\n"));
        }
        for f in shown {
            out.push_str(&format!("[{}] {}: {}\n", f.level.as_str(), f.location(), f.text()));
        }
        out.push('\n');
    }
    let failed = results.iter().filter(|r| r.failed(strict)).count();
    let summary = format!("{} chart(s) linted, {failed} chart(s) failed", results.len());
    // Quiet and nothing to say: Helm prints no summary either.
    if quiet && out.is_empty() && failed == 0 {
        return (out, String::new(), false);
    }
    (out, summary, failed > 0)
}

fn opt_str(s: &Option<String>) -> String {
    s.as_deref().map_or("null".into(), |s| json(&Value::str(s)))
}

fn opt_num(n: Option<usize>) -> String {
    n.map_or("null".into(), |n| n.to_string())
}

/// All findings of all charts, a chart's fatal error as an `ERROR` finding.
fn flat(results: &[ChartLint]) -> Vec<(String, Finding)> {
    let mut out = Vec::new();
    for r in results {
        if let Some(e) = &r.fatal {
            out.push((r.chart.clone(), helm(Level::Error, &r.chart, e.clone())));
        }
        out.extend(r.findings.iter().map(|f| (r.chart.clone(), f.clone())));
    }
    out
}

/// The JSON report: a list of findings (see the README for its shape).
pub fn to_json(results: &[ChartLint]) -> String {
    let items: Vec<String> = flat(results)
        .iter()
        .map(|(chart, f)| {
            let doc = f.document.as_ref().map_or("null".into(), |d| {
                format!("{{\"kind\":{},\"name\":{},\"namespace\":{}}}", opt_str(&d.kind), opt_str(&d.name), opt_str(&d.namespace))
            });
            format!(
                "{{\"chart\":{},\"code\":{},\"level\":{},\"message\":{},\"file\":{},\"line\":{},\"column\":{},\"document\":{doc},\"path\":{}}}",
                json(&Value::str(chart)),
                json(&Value::str(f.code)),
                json(&Value::str(&f.level.as_str().to_ascii_lowercase())),
                json(&Value::str(&f.message)),
                opt_str(&f.file),
                opt_num(f.line),
                opt_num(f.column),
                opt_str(&f.path)
            )
        })
        .collect();
    format!("[{}]\n", items.join(",\n"))
}

/// The SARIF 2.1.0 report: one run, capstan's rules, a result per finding.
pub fn to_sarif(results: &[ChartLint]) -> String {
    let s = |t: &str| json(&Value::str(t));
    let rules: Vec<String> = RULES
        .iter()
        .map(|r| {
            format!(
                "{{\"id\":{},\"shortDescription\":{{\"text\":{}}},\"defaultConfiguration\":{{\"level\":{}}}}}",
                s(r.code),
                s(r.summary),
                s(sarif_level(r.level))
            )
        })
        .collect();
    let items: Vec<String> = flat(results)
        .iter()
        .map(|(chart, f)| {
            let id = if f.code.is_empty() { "helm" } else { f.code };
            let text = if f.code.is_empty() { format!("{}: {}", f.location(), f.message) } else { f.text() };
            let location = match (&f.file, f.line) {
                (Some(file), Some(line)) if !file.starts_with("--") => format!(
                    ",\"locations\":[{{\"physicalLocation\":{{\"artifactLocation\":{{\"uri\":{}}},\"region\":{{\"startLine\":{line},\"startColumn\":{}}}}}}}]",
                    s(file),
                    f.column.unwrap_or(1)
                ),
                _ => format!(
                    ",\"locations\":[{{\"physicalLocation\":{{\"artifactLocation\":{{\"uri\":{}}}}}}}]",
                    s(&format!("{}/Chart.yaml", chart.trim_end_matches('/')))
                ),
            };
            format!("{{\"ruleId\":{},\"level\":{},\"message\":{{\"text\":{}}}{location}}}", s(id), s(sarif_level(f.level)), s(&text))
        })
        .collect();
    format!(
        "{{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{{\"tool\":{{\"driver\":{{\"name\":\"capstan\",\"rules\":[{}]}}}},\"results\":[{}]}}]}}\n",
        rules.join(","),
        items.join(",\n")
    )
}

fn sarif_level(l: Level) -> &'static str {
    match l {
        Level::Info => "note",
        Level::Warning => "warning",
        Level::Error => "error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_keys() {
        for k in [
            "REDIS_PASSWORD",
            "MINIO_DATA_SECRET_KEY",
            "MINIO_DATA_ACCESS_KEY",
            "rootPassword",
            "apiToken",
            "clientSecret",
        ] {
            assert!(credential_key(k), "{k}");
        }
        for k in ["secretName", "existingSecret", "MINIO_SECURE", "key", "checksum/secret", "TOKEN_TTL", "LOG_LEVEL"] {
            assert!(!credential_key(k), "{k}");
        }
    }

    #[test]
    fn duplicates_in_block_yaml() {
        let text = "a:\n  b: 1\n  c: |\n    b: x\n    b: y\n  b: 2\nl:\n  - n: 1\n  - n: 2\n    n: 3\n";
        assert_eq!(duplicate_keys(text), vec![("a.b".to_string(), 6, 3), ("l.n".to_string(), 10, 5)]);
        assert!(duplicate_keys("a: 1\nb:\n  a: 2\n").is_empty());
    }

    #[test]
    fn subdomains() {
        assert!(is_subdomain("a-b.c"));
        assert!(!is_subdomain("X_y"));
        assert!(!is_subdomain("-a"));
    }
}
