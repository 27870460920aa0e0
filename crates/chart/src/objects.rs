//! The built-in objects templates see: `.Release`, `.Chart` (a map in Helm 4, with
//! Go's field names), `.Capabilities` (`KubeVersion`, `APIVersions` with `.Has`,
//! `HelmVersion`), `.Files` (`Get`, `GetBytes`, `Glob`, `Lines`, `AsConfig`,
//! `AsSecrets`) and `.Template`.

use std::any::Any;
use std::collections::BTreeMap;
use std::rc::Rc;

use govalue::gostruct::Field;
use govalue::{GoType, List, Map, MapKind, MethodSig, Object, Param, Value};

use crate::glob::FilesGlob;
use crate::load::{Chart, File};

/// What `helm version` reports; `.Capabilities.HelmVersion`.
const HELM_VERSION: &str = "v4.3.1";
const HELM_GIT_COMMIT: &str = "c0d08d0d6d9424d4a14febb5e8a3e51b0dd00dff";
const HELM_GO_VERSION: &str = "go1.27.2";
const HELM_KUBE_CLIENT_VERSION: &str = "v1.37";

/// The API versions Helm 4.3.1 knows without a cluster, in its order.
const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "lifecycle.k8s.io/v1alpha1",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// `common.KubeVersion`: `.Capabilities.KubeVersion`.
#[derive(Clone, Debug, PartialEq)]
pub struct KubeVersion {
    /// The full version as given (`v1.30.5-gke.1017000`); also `.GitVersion`.
    pub version: String,
    /// The numeric part (`v1.30.5`): what `String()` prints and ranges are checked against.
    pub normalized: String,
    /// `Major`
    pub major: String,
    /// `Minor`
    pub minor: String,
    /// Whether this is the field of `.Capabilities` itself (addressable, so the
    /// template printer calls `String`) rather than a copy.
    addressable: bool,
}

impl Default for KubeVersion {
    fn default() -> Self {
        KubeVersion {
            version: "v1.37.0".into(),
            normalized: "v1.37.0".into(),
            major: "1".into(),
            minor: "37".into(),
            addressable: false,
        }
    }
}

impl KubeVersion {
    /// `common.ParseKubeVersion` (Kubernetes' generic version parsing), with its errors.
    pub fn parse(text: &str) -> Result<KubeVersion, String> {
        let quoted = govalue::strconv::quote(text);
        let s = text.trim_start();
        let s = s.strip_prefix('v').unwrap_or(s);
        let numeric_len = s.bytes().take_while(|b| b.is_ascii_digit() || *b == b'.').count();
        let numeric = &s[..numeric_len];
        let numeric = numeric.trim_end_matches('.');
        let valid = !numeric.is_empty()
            && numeric.split('.').all(|p| !p.is_empty())
            && s.as_bytes().first().is_some_and(|b| b.is_ascii_digit());
        if !valid {
            return Err(format!("could not parse {quoted} as version"));
        }
        let parts: Vec<&str> = numeric.split('.').collect();
        if parts.len() < 2 {
            return Err(format!("illegal version string {quoted}"));
        }
        for p in &parts {
            if p.len() > 1 && p.starts_with('0') {
                return Err(format!(
                    "illegal zero-prefixed version component {} in {quoted}",
                    govalue::strconv::quote(p)
                ));
            }
            // Kubernetes reads each component with `strconv.ParseUint(p, 10, 64)`.
            if p.parse::<u64>().is_err() {
                let p = govalue::strconv::quote(p);
                return Err(format!(
                    "illegal non-numeric version component {p} in {quoted}: strconv.ParseUint: parsing {p}: value out of range"
                ));
            }
        }
        let version = if text.starts_with('v') { text.to_string() } else { format!("v{text}") };
        Ok(KubeVersion {
            version,
            normalized: format!("v{}", parts.join(".")),
            major: parts[0].parse::<u64>().map(|n| n.to_string()).unwrap_or_default(),
            minor: parts[1].parse::<u64>().map(|n| n.to_string()).unwrap_or_default(),
            addressable: false,
        })
    }
}

impl Object for KubeVersion {
    fn type_name(&self) -> &str {
        "common.KubeVersion"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            // Methods: `GitVersion` is the full version, `String` the numeric part.
            "GitVersion" => Some(Value::str(&self.version)),
            "String" => Some(Value::str(&self.normalized)),
            _ => field_by_name(self, name),
        }
    }

    fn struct_fields(&self) -> Option<Vec<Field>> {
        Some(vec![
            Field::new("Version", Value::str(&self.version)),
            Field::new("normalizedVersion", Value::str(&self.normalized)),
            Field::new("Major", Value::str(&self.major)),
            Field::new("Minor", Value::str(&self.minor)),
        ])
    }

    /// `String` is declared on `*KubeVersion`.
    fn template_text(&self) -> Option<String> {
        self.addressable.then(|| self.normalized.clone())
    }

    fn copied(&self) -> Option<Value> {
        self.addressable.then(|| Value::Object(Rc::new(KubeVersion { addressable: false, ..self.clone() })))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `common.VersionSet`: `.Capabilities.APIVersions`, with `.Has`.
#[derive(Clone, Debug)]
pub struct VersionSet(pub Vec<String>);

impl Object for VersionSet {
    fn type_name(&self) -> &str {
        "common.VersionSet"
    }

    fn kind_name(&self) -> &str {
        "slice"
    }

    fn method(&self, name: &str) -> Option<MethodSig> {
        (name == "Has").then_some(MethodSig(&[Param::String]))
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        if name != "Has" {
            return None;
        }
        Some(match args {
            [Value::String(s)] => Ok(Value::Bool(self.0.iter().any(|v| v == &**s))),
            [other] => Err(format!("wrong type for value; expected string; got {}", other.type_name())),
            _ => Err(format!("wrong number of args for Has: want 1 got {}", args.len())),
        })
    }

    fn format_v(&self) -> String {
        format!("[{}]", self.0.join(" "))
    }

    fn to_json_value(&self) -> Option<Value> {
        Some(self.as_list())
    }

    fn truthy(&self) -> bool {
        !self.0.is_empty()
    }

    fn underlying(&self) -> Option<Value> {
        Some(self.as_list())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl VersionSet {
    /// The versions as a `[]string` value.
    pub fn as_list(&self) -> Value {
        Value::List(List::typed(self.0.iter().map(|s| Value::str(s)).collect(), GoType::String))
    }
}

/// `version.BuildInfo`: `.Capabilities.HelmVersion`.
#[derive(Clone, Debug)]
struct BuildInfo;

impl Object for BuildInfo {
    fn type_name(&self) -> &str {
        "version.BuildInfo"
    }

    fn field(&self, name: &str) -> Option<Value> {
        field_by_name(self, name)
    }

    fn struct_fields(&self) -> Option<Vec<Field>> {
        Some(vec![
            Field::tagged("Version", "version", true, Value::str(HELM_VERSION)),
            Field::tagged("GitCommit", "git_commit", true, Value::str(HELM_GIT_COMMIT)),
            Field::tagged("GitTreeState", "git_tree_state", true, Value::str("clean")),
            Field::tagged("GoVersion", "go_version", true, Value::str(HELM_GO_VERSION)),
            Field::tagged("KubeClientVersion", "kube_client_version", true, Value::str(HELM_KUBE_CLIENT_VERSION)),
        ])
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// An exported field of a struct object, by its Go name.
fn field_by_name(o: &dyn Object, name: &str) -> Option<Value> {
    o.struct_fields()?.into_iter().find(|f| f.name == name && f.exported()).map(|f| f.value)
}

/// `*common.Capabilities`: `.Capabilities`.
#[derive(Clone, Debug)]
pub struct Capabilities {
    /// `.KubeVersion`
    pub kube_version: KubeVersion,
    /// `.APIVersions`: the defaults plus `--api-versions`.
    pub api_versions: VersionSet,
}

impl Capabilities {
    /// Helm's client-only capabilities with an optional `--kube-version` and extra API versions.
    pub fn new(kube_version: Option<KubeVersion>, extra_api_versions: &[String]) -> Capabilities {
        let mut versions: Vec<String> = DEFAULT_API_VERSIONS.iter().map(|s| s.to_string()).collect();
        versions.extend(extra_api_versions.iter().cloned());
        Capabilities { kube_version: kube_version.unwrap_or_default(), api_versions: VersionSet(versions) }
    }
}

impl Object for Capabilities {
    fn type_name(&self) -> &str {
        "*common.Capabilities"
    }

    fn kind_name(&self) -> &str {
        "ptr"
    }

    fn field(&self, name: &str) -> Option<Value> {
        field_by_name(self, name)
    }

    fn struct_fields(&self) -> Option<Vec<Field>> {
        Some(vec![
            Field::new(
                "KubeVersion",
                Value::Object(Rc::new(KubeVersion { addressable: true, ..self.kube_version.clone() })),
            ),
            Field::new("APIVersions", Value::Object(Rc::new(self.api_versions.clone()))),
            Field::new("HelmVersion", Value::Object(Rc::new(BuildInfo))),
        ])
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `engine.files`: `.Files`, a map of path to bytes with helper methods.
#[derive(Clone, Default)]
pub struct Files {
    /// The files by path inside the chart.
    pub files: BTreeMap<String, Rc<[u8]>>,
    /// When tracing: the recorder, and the chart's path in the render (files read
    /// with `Get` are recorded as chart files under it).
    pub trace: Option<(Rc<gotmpl::trace::Tracer>, Rc<str>)>,
}

impl Files {
    /// The files of one chart.
    pub fn new(files: &[File]) -> Files {
        Files { files: files.iter().map(|f| (f.name.clone(), f.data.clone())).collect(), trace: None }
    }

    fn get_bytes(&self, name: &str) -> Rc<[u8]> {
        self.files.get(name).cloned().unwrap_or_else(|| Rc::from(&b""[..]))
    }

    fn glob(&self, pattern: &str) -> Files {
        let g = FilesGlob::compile(pattern).or_else(|| FilesGlob::compile("**"));
        Files {
            files: self
                .files
                .iter()
                .filter(|(name, _)| g.as_ref().is_some_and(|g| g.matches(name)))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            trace: self.trace.clone(),
        }
    }

    fn lines(&self, path: &str) -> Value {
        let items = match self.files.get(path) {
            Some(data) if !data.is_empty() => {
                let data = data.strip_suffix(b"\n").unwrap_or(data);
                data.split(|&b| b == b'\n').map(|line| Value::from_go_bytes(line.to_vec())).collect()
            }
            _ => Vec::new(),
        };
        Value::List(List::typed(items, GoType::String))
    }

    /// `AsConfig` (`encode` = false) or `AsSecrets` (`encode` = true).
    fn as_config(&self, encode: bool) -> Value {
        let m = Map::new().with_kind(MapKind::Strings);
        for (k, v) in &self.files {
            let base = k.rsplit('/').next().unwrap_or(k);
            let text = if encode { Value::string(base64(v)) } else { Value::from_go_bytes(v.to_vec()) };
            m.insert(base, text);
        }
        match goyaml::to_yaml(&Value::Map(m)) {
            Ok(y) => Value::string(y.strip_suffix('\n').unwrap_or(&y).to_string()),
            Err(_) => Value::str(""),
        }
    }
}

fn string_arg(args: &[Value]) -> Result<&str, String> {
    match args {
        [v] if v.is_string() => Ok(v.as_str().unwrap_or_default()),
        [other] => Err(format!("wrong type for value; expected string; got {}", other.type_name())),
        _ => Err(format!("wrong number of args: want 1 got {}", args.len())),
    }
}

impl Object for Files {
    fn type_name(&self) -> &str {
        "engine.files"
    }

    fn kind_name(&self) -> &str {
        "map"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "AsConfig" => Some(self.as_config(false)),
            "AsSecrets" => Some(self.as_config(true)),
            _ => None,
        }
    }

    fn method(&self, name: &str) -> Option<MethodSig> {
        matches!(name, "Get" | "GetBytes" | "Glob" | "Lines").then_some(MethodSig(&[Param::String]))
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let arg = match string_arg(args) {
            Ok(a) => a,
            Err(e) => return self.method(name).map(|_| Err(e)),
        };
        Some(Ok(match name {
            "Get" => {
                let v = Value::from_go_bytes(self.get_bytes(arg).to_vec());
                if let (Some((tracer, chart)), Value::String(text)) = (&self.trace, &v) {
                    let site =
                        gotmpl::trace::Site { file: format!("{chart}/{arg}").into(), text: text.clone(), offset: 0 };
                    tracer.set_string(&v, Rc::new(gotmpl::trace::Prov::Literal(site)));
                }
                v
            }
            "GetBytes" => Value::Bytes(self.get_bytes(arg)),
            "Glob" => Value::Object(Rc::new(self.glob(arg))),
            "Lines" => self.lines(arg),
            _ => return None,
        }))
    }

    fn format_v(&self) -> String {
        let parts: Vec<String> =
            self.files.iter().map(|(k, v)| format!("{k}:{}", Value::Bytes(v.clone()).to_go_string())).collect();
        format!("map[{}]", parts.join(" "))
    }

    fn to_json_value(&self) -> Option<Value> {
        let m = Map::new();
        for (k, v) in &self.files {
            m.insert(k.as_str(), Value::string(base64(v)));
        }
        Some(Value::Map(m))
    }

    fn truthy(&self) -> bool {
        !self.files.is_empty()
    }

    fn underlying(&self) -> Option<Value> {
        let m = Map::new();
        for (k, v) in &self.files {
            m.insert(k.as_str(), Value::Bytes(v.clone()));
        }
        Some(Value::Map(m))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Standard base64 with padding.
fn base64(data: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// `.Release`: a plain map, as Helm builds it.
pub fn release(name: &str, namespace: &str, is_upgrade: bool) -> Value {
    let m = Map::new();
    m.insert("Name", Value::str(name));
    m.insert("Namespace", Value::str(namespace));
    m.insert("IsUpgrade", Value::Bool(is_upgrade));
    m.insert("IsInstall", Value::Bool(!is_upgrade));
    m.insert("Revision", Value::Int(1));
    m.insert("Service", Value::str("Helm"));
    Value::Map(m)
}

fn strings(items: &[String]) -> Value {
    Value::list(items.iter().map(|s| Value::str(s)).collect())
}

/// `.Chart`: the chart's metadata as a map with Go's field names (`MetadataAsMap`).
pub fn chart_map(chart: &Chart, is_root: bool) -> Value {
    let md = &chart.metadata;
    let m = Map::new();
    m.insert("APIVersion", Value::str(&md.api_version));
    // A chart without annotations leaves Go's map nil.
    let ann = match md.annotations {
        Some(_) => Map::new().with_kind(MapKind::Strings),
        None => Map::nil(MapKind::Strings),
    };
    for (k, v) in md.annotations.iter().flatten() {
        ann.insert(k.as_str(), Value::str(v));
    }
    m.insert("Annotations", Value::Map(ann));
    m.insert("AppVersion", Value::str(&md.app_version));
    m.insert("Condition", Value::str(&md.condition));
    let deps = md
        .dependencies
        .iter()
        .map(|d| {
            let dm = Map::new();
            dm.insert("Alias", Value::str(&d.alias));
            dm.insert("Condition", Value::str(&d.condition));
            dm.insert("Enabled", Value::Bool(d.enabled));
            dm.insert("ImportValues", Value::list(d.import_values.clone()));
            dm.insert("Name", Value::str(&d.name));
            dm.insert("Repository", Value::str(&d.repository));
            dm.insert("Tags", strings(&d.tags));
            dm.insert("Version", Value::str(&d.version));
            Value::Map(dm)
        })
        .collect();
    m.insert("Dependencies", Value::list(deps));
    m.insert("Deprecated", Value::Bool(md.deprecated));
    m.insert("Description", Value::str(&md.description));
    m.insert("Home", Value::str(&md.home));
    m.insert("Icon", Value::str(&md.icon));
    m.insert("IsRoot", Value::Bool(is_root));
    m.insert("Keywords", strings(&md.keywords));
    m.insert("KubeVersion", Value::str(&md.kube_version));
    let maint = md
        .maintainers
        .iter()
        .map(|x| {
            let mm = Map::new();
            mm.insert("Email", Value::str(&x.email));
            mm.insert("Name", Value::str(&x.name));
            mm.insert("URL", Value::str(&x.url));
            Value::Map(mm)
        })
        .collect();
    m.insert("Maintainers", Value::list(maint));
    m.insert("Name", Value::str(&md.name));
    m.insert("Sources", strings(&md.sources));
    m.insert("Tags", Value::str(&md.tags));
    m.insert("Type", Value::str(&md.chart_type));
    m.insert("Version", Value::str(&md.version));
    Value::Map(m)
}

/// `.Template`: `{Name, BasePath}` as Helm's `Values` map type.
pub fn template_object(name: &str, base_path: &str) -> Value {
    let m = Map::new().with_kind(MapKind::Values);
    m.insert("Name", Value::str(name));
    m.insert("BasePath", Value::str(base_path));
    Value::Map(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kube_version_parsing() {
        let kv = KubeVersion::parse("v1.30.5-gke.1017000").unwrap();
        assert_eq!((kv.normalized.as_str(), kv.major.as_str(), kv.minor.as_str()), ("v1.30.5", "1", "30"));
        assert_eq!(KubeVersion::parse("1.29").unwrap().version, "v1.29");
        assert_eq!(KubeVersion::parse("1").unwrap_err(), "illegal version string \"1\"");
        assert_eq!(KubeVersion::parse("abc").unwrap_err(), "could not parse \"abc\" as version");
        assert_eq!(
            KubeVersion::parse("01.02").unwrap_err(),
            "illegal zero-prefixed version component \"01\" in \"01.02\""
        );
    }

    #[test]
    fn capabilities_print_like_go() {
        let caps = Capabilities::new(None, &["foo/v1".into()]);
        assert!(caps.format_v().starts_with("&{{v1.37.0 v1.37.0 1 37} [v1 admissionregistration.k8s.io/v1 "));
        assert!(caps
            .format_v()
            .ends_with(" foo/v1] {v4.3.1 c0d08d0d6d9424d4a14febb5e8a3e51b0dd00dff clean go1.27.2 v1.37}}"));
        assert_eq!(caps.api_versions.0.len(), 58);
        let has = caps.api_versions.call_method("Has", &[Value::str("apps/v1")]);
        assert!(matches!(has, Some(Ok(Value::Bool(true)))));
    }

    #[test]
    fn files_methods() {
        let files = Files::new(&[
            File { name: "files/a.txt".into(), data: b"one\ntwo\n".to_vec().into() },
            File { name: "files/b.md".into(), data: b"hi".to_vec().into() },
        ]);
        let lines = files.lines("files/a.txt");
        assert_eq!(lines.to_go_string(), "[one two]");
        let g = files.glob("files/*.txt");
        assert_eq!(g.files.len(), 1);
        assert_eq!(files.format_v(), "map[files/a.txt:[111 110 101 10 116 119 111 10] files/b.md:[104 105]]");
        assert_eq!(base64(b"hi\n"), "aGkK");
        let under = files.underlying().unwrap();
        assert_eq!(under.as_map().map(|m| m.len()), Some(2));
    }

    #[test]
    fn release_and_template() {
        assert_eq!(
            release("r", "ns", false).to_go_string(),
            "map[IsInstall:true IsUpgrade:false Name:r Namespace:ns Revision:1 Service:Helm]"
        );
        assert_eq!(template_object("c/templates/t.yaml", "c/templates").type_name(), "common.Values");
    }
}
