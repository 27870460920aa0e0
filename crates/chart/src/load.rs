//! Loading a chart from a directory or a `.tgz` archive, as Helm's v2 loader does:
//! `Chart.yaml`, `values.yaml`, `values.schema.json`, `templates/`, `charts/`
//! (subchart directories and archives), `.helmignore`, and every other file for
//! `.Files`. Nothing outside the chart is ever read, and archives are size-limited.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use govalue::{Map, Value};

use crate::error::Error;
use crate::glob::{go_match, GoPattern};
use crate::values;

/// Largest decompressed archive Helm accepts (100 MiB).
const MAX_CHART_SIZE: u64 = 100 * 1024 * 1024;
/// Deepest subchart nesting we follow (protects against archive bombs).
const MAX_DEPTH: usize = 64;
/// Most files one chart may hold, all subcharts included.
const MAX_FILES: usize = 100_000;

/// A file of a chart: its path relative to the chart root and its bytes.
#[derive(Clone, Debug)]
pub struct File {
    /// `/`-separated path inside the chart (`templates/x.yaml`, `files/a.txt`).
    pub name: String,
    /// The contents, without a UTF-8 byte order mark.
    pub data: Rc<[u8]>,
}

/// One entry of `maintainers` in `Chart.yaml`.
#[derive(Clone, Debug, Default)]
pub struct Maintainer {
    /// `name`
    pub name: String,
    /// `email`
    pub email: String,
    /// `url`
    pub url: String,
}

/// One entry of `dependencies` in `Chart.yaml`.
#[derive(Clone, Debug, Default)]
pub struct Dependency {
    /// `name` (replaced by the alias once dependencies are processed).
    pub name: String,
    /// `version` (a semver range).
    pub version: String,
    /// `repository`
    pub repository: String,
    /// `condition`: comma-separated value paths.
    pub condition: String,
    /// `tags`
    pub tags: Vec<String>,
    /// Whether the dependency is enabled (set while processing).
    pub enabled: bool,
    /// `import-values`: strings or `{child, parent}` maps.
    pub import_values: Vec<Value>,
    /// `alias`
    pub alias: String,
}

/// `Chart.yaml`, with Helm's field types.
#[derive(Clone, Debug, Default)]
pub struct Metadata {
    /// `name`
    pub name: String,
    /// `home`
    pub home: String,
    /// `sources`
    pub sources: Vec<String>,
    /// `version`
    pub version: String,
    /// `description`
    pub description: String,
    /// `keywords`
    pub keywords: Vec<String>,
    /// `maintainers`
    pub maintainers: Vec<Maintainer>,
    /// `icon`
    pub icon: String,
    /// `apiVersion` (`v1` when absent).
    pub api_version: String,
    /// `condition`
    pub condition: String,
    /// `tags`
    pub tags: String,
    /// `appVersion`
    pub app_version: String,
    /// `deprecated`
    pub deprecated: bool,
    /// `annotations`; `None` when absent (Go's nil map).
    pub annotations: Option<Vec<(String, String)>>,
    /// `kubeVersion`: a semver range the cluster must satisfy.
    pub kube_version: String,
    /// `dependencies`
    pub dependencies: Vec<Dependency>,
    /// `type`: `application`, `library` or empty.
    pub chart_type: String,
}

/// A loaded chart and its subcharts.
#[derive(Clone, Default)]
pub struct Chart {
    /// `Chart.yaml`
    pub metadata: Metadata,
    /// Files under `templates/`, in load order.
    pub templates: Vec<File>,
    /// The chart's `values.yaml` (all documents merged); empty when absent.
    pub values: Map,
    /// The raw `values.yaml` text, for provenance.
    pub values_text: Option<String>,
    /// `values.schema.json`
    pub schema: Option<Vec<u8>>,
    /// Every other file (what `.Files` sees, and `crds/`).
    pub files: Vec<File>,
    /// Subcharts from `charts/`.
    pub dependencies: Vec<Chart>,
}

impl std::fmt::Debug for Chart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chart").field("name", &self.metadata.name).field("dependencies", &self.dependencies).finish()
    }
}

impl Chart {
    /// The chart's name.
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// Whether `type: library`.
    pub fn is_library(&self) -> bool {
        self.metadata.chart_type.eq_ignore_ascii_case("library")
    }
}

/// Loads the chart at `path` (a directory or an archive), as `loader.Load` does.
pub fn load(path: &str) -> Result<Chart, Error> {
    let p = Path::new(path);
    let meta = std::fs::metadata(p).map_err(|e| Error::new(go_os_error("stat", path, &e)))?;
    if meta.is_dir() {
        let chart_yaml = absolute(p).join("Chart.yaml");
        if let Err(e) = std::fs::metadata(&chart_yaml) {
            let shown = chart_yaml.display().to_string();
            return Err(Error::new(format!("unable to detect chart at {shown}: {}", go_os_error("open", &shown, &e))));
        }
        let files = read_dir_files(p)?;
        check_api_version(&files)?;
        load_files(files, 0)
    } else {
        let data = read_limited(p, MAX_CHART_SIZE).map_err(|e| Error::new(go_os_error("open", path, &e)))?;
        if !data.starts_with(&[0x1f, 0x8b]) {
            if path.ends_with(".yml") || path.ends_with(".yaml") {
                return Err(Error::new(format!(
                    "file '{}' seems to be a YAML file, but expected a gzipped archive",
                    absolute(p).display()
                )));
            }
            return Err(Error::new(format!(
                "file '{path}' does not appear to be a gzipped archive; got 'application/octet-stream'"
            )));
        }
        let files =
            archive_files(&data).map_err(|e| Error::new(format!("unable to load chart archive: {}", e.message())))?;
        if !files.iter().any(|f| f.name == "Chart.yaml") {
            return Err(Error::new("unable to detect chart version, no Chart.yaml found"));
        }
        check_api_version(&files)?;
        load_files(files, 0)
    }
}

/// The loader's first look at `Chart.yaml`: only chart API versions v1, v2 (and
/// Helm 4's internal v3) are known.
fn check_api_version(files: &[File]) -> Result<(), Error> {
    let Some(f) = files.iter().find(|f| f.name == "Chart.yaml") else { return Ok(()) };
    let Ok(Value::Map(m)) = goyaml::parse(&String::from_utf8_lossy(&f.data)) else { return Ok(()) };
    match m.get("apiVersion") {
        None | Some(Value::Nil) => Ok(()),
        Some(Value::String(v)) if matches!(&*v, "v1" | "v2" | "v3" | "") => Ok(()),
        Some(_) => Err(Error::new("unsupported chart version")),
    }
}

/// Go's `filepath.Abs`: joined with the working directory and cleaned lexically.
fn absolute(p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().map(|d| d.join(p)).unwrap_or_else(|_| p.to_path_buf())
    };
    let mut out: Vec<String> = Vec::new();
    for part in joined.to_string_lossy().split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            other => out.push(other.to_string()),
        }
    }
    PathBuf::from(format!("/{}", out.join("/")))
}

/// Go's `*PathError` text for an I/O failure: `open NAME: no such file or directory`.
pub fn go_os_error(op: &str, name: &str, e: &std::io::Error) -> String {
    let why = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ if e.raw_os_error() == Some(21) => "is a directory".to_string(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_lowercase(),
                None => s,
            }
        }
    };
    if op == "stat" && e.kind() == std::io::ErrorKind::NotFound {
        return format!("path {} not found", govalue::strconv::quote(name));
    }
    format!("{op} {name}: {why}")
}

fn read_limited(p: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let f = std::fs::File::open(p)?;
    // Sized from the file's length (one read instead of a doubling series); the
    // limit still holds if the file grows meanwhile.
    let size = f.metadata().map_or(0, |m| m.len()).min(limit);
    let mut data = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    f.take(limit + 1).read_to_end(&mut data)?;
    if data.len() as u64 > limit {
        return Err(std::io::Error::new(std::io::ErrorKind::FileTooLarge, "file too large"));
    }
    Ok(data)
}

fn strip_bom(mut data: Vec<u8>) -> Vec<u8> {
    if data.starts_with(&[0xEF, 0xBB, 0xBF]) {
        data.drain(..3);
    }
    data
}

/// `.helmignore` rules (Helm's `pkg/ignore`).
struct IgnoreRules(Vec<IgnoreRule>);

struct IgnoreRule {
    pattern: GoPattern,
    negate: bool,
    must_dir: bool,
    /// How the pattern is matched: against the whole path or its base name.
    whole_path: bool,
}

impl IgnoreRules {
    fn parse(text: &str) -> Result<IgnoreRules, Error> {
        let mut rules = IgnoreRules(Vec::new());
        for line in text.lines() {
            rules.add(line)?;
        }
        rules.add("templates/.?*")?;
        Ok(rules)
    }

    fn add(&mut self, rule: &str) -> Result<(), Error> {
        let mut rule = rule.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err(Error::new("double-star (**) syntax is not supported"));
        }
        if go_match(rule, "abc").is_none() {
            return Err(Error::new("syntax error in pattern"));
        }
        let mut negate = false;
        if let Some(r) = rule.strip_prefix('!') {
            negate = true;
            rule = r;
        }
        let mut must_dir = false;
        if let Some(r) = rule.strip_suffix('/') {
            must_dir = true;
            rule = r;
        }
        let mut whole_path = rule.contains('/');
        if let Some(r) = rule.strip_prefix('/') {
            rule = r;
            whole_path = true;
        }
        self.0.push(IgnoreRule { pattern: GoPattern::new(rule), negate, must_dir, whole_path });
        Ok(())
    }

    fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        for r in &self.0 {
            let target = if r.whole_path { path } else { path.rsplit('/').next().unwrap_or(path) };
            let matched = r.pattern.matches(target).unwrap_or(false);
            if r.negate {
                if r.must_dir && !is_dir {
                    return true;
                }
                if !matched {
                    return true;
                }
                continue;
            }
            if r.must_dir && !is_dir {
                continue;
            }
            if matched {
                return true;
            }
        }
        false
    }
}

/// Reads every file of a chart directory, honouring `.helmignore`. Symbolic links
/// are followed only when they stay inside the chart directory.
fn read_dir_files(dir: &Path) -> Result<Vec<File>, Error> {
    let root = std::fs::canonicalize(dir).map_err(|e| Error::new(e.to_string()))?;
    let rules = match std::fs::read_to_string(root.join(".helmignore")) {
        Ok(text) => IgnoreRules::parse(&text)?,
        Err(_) => IgnoreRules::parse("")?,
    };
    let mut files = Vec::new();
    let mut total = 0u64;
    walk(&root, &root, "", &rules, &mut files, &mut total, 0)?;
    Ok(files)
}

fn walk(
    root: &Path,
    dir: &Path,
    rel: &str,
    rules: &IgnoreRules,
    out: &mut Vec<File>,
    total: &mut u64,
    depth: usize,
) -> Result<(), Error> {
    if depth > MAX_DEPTH {
        return Err(Error::new(format!("chart directory {rel} is nested too deeply")));
    }
    let entries = std::fs::read_dir(dir).map_err(|e| Error::new(format!("error reading {rel}: {e}")))?;
    let mut names: Vec<(String, PathBuf, Option<std::fs::FileType>)> = entries
        .filter_map(|e| e.ok())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path(), e.file_type().ok()))
        .collect();
    names.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, path, file_type) in names {
        let n = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
        // `dir` is already free of links, so only a link needs resolving and checking.
        let (real, is_dir, is_file) = match file_type {
            Some(t) if !t.is_symlink() => (path.clone(), t.is_dir(), t.is_file()),
            _ => {
                let real = std::fs::canonicalize(&path).map_err(|e| Error::new(format!("error reading {n}: {e}")))?;
                if !real.starts_with(root) {
                    return Err(Error::new(format!(
                        "chart file {n} is a symbolic link that leaves the chart directory"
                    )));
                }
                let meta = std::fs::metadata(&real).map_err(|e| Error::new(format!("error reading {n}: {e}")))?;
                (real, meta.is_dir(), meta.is_file())
            }
        };
        if is_dir {
            if rules.ignore(&n, true) {
                continue;
            }
            walk(root, &real, &n, rules, out, total, depth + 1)?;
            continue;
        }
        if rules.ignore(&n, false) {
            continue;
        }
        if !is_file {
            return Err(Error::new(format!(
                "cannot load irregular file {} as it has file mode type bits set",
                path.display()
            )));
        }
        // Helm's directory loader has no per-file limit, only the whole chart's
        // (the decompressed-archive limit): read no more than what is left of it.
        let left = MAX_CHART_SIZE.saturating_sub(*total);
        let data = match read_limited(&real, left) {
            Ok(data) => data,
            Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => {
                return Err(Error::new(format!(
                    "error reading {n}: chart exceeds maximum decompressed size of {MAX_CHART_SIZE} bytes"
                )))
            }
            Err(e) => return Err(Error::new(format!("error reading {n}: {e}"))),
        };
        *total += data.len() as u64;
        out.push(File { name: n, data: strip_bom(data).into() });
    }
    Ok(())
}

/// Unpacks a gzipped tar chart archive into its files (the chart's top folder
/// removed), refusing anything that could leave the chart or exhaust memory.
pub fn archive_files(data: &[u8]) -> Result<Vec<File>, Error> {
    let files = crate::archive::read_chart_archive(data).map_err(Error::new)?;
    if files.len() > MAX_FILES {
        return Err(Error::new("chart archive holds too many files"));
    }
    Ok(files.into_iter().map(|f| File { name: f.path, data: strip_bom(f.data).into() }).collect())
}

/// Builds a chart from its files (`loader.LoadFiles`).
pub fn load_files(files: Vec<File>, depth: usize) -> Result<Chart, Error> {
    if depth > MAX_DEPTH {
        return Err(Error::new("subcharts are nested too deeply"));
    }
    let mut c = Chart::default();
    let mut have_meta = false;
    for f in &files {
        if f.name == "Chart.yaml" {
            c.metadata = parse_metadata(&f.data).map_err(|e| Error::new(format!("cannot load Chart.yaml: {e}")))?;
            if c.metadata.api_version.is_empty() {
                c.metadata.api_version = "v1".into();
            }
            have_meta = true;
        }
    }
    let mut subcharts: Vec<(String, Vec<File>)> = Vec::new();
    for f in files {
        match f.name.as_str() {
            "Chart.yaml" | "Chart.lock" | "requirements.lock" => {}
            "values.yaml" => {
                c.values = values::load_values_bytes(&f.data)
                    .map_err(|e| Error::new(format!("cannot load values.yaml: {e}")))?;
                c.values_text = Some(String::from_utf8_lossy(&f.data).into_owned());
            }
            "values.schema.json" => c.schema = Some(f.data.to_vec()),
            "requirements.yaml" => {
                let meta =
                    parse_metadata(&f.data).map_err(|e| Error::new(format!("cannot load requirements.yaml: {e}")))?;
                c.metadata.dependencies = meta.dependencies;
                if c.metadata.api_version == "v1" {
                    c.files.push(f);
                }
            }
            n if n.starts_with("templates/") => c.templates.push(f),
            n if n.starts_with("charts/") => {
                if n.ends_with(".prov") {
                    c.files.push(f);
                    continue;
                }
                let fname = n["charts/".len()..].to_string();
                let cname = fname.split('/').next().unwrap_or("").to_string();
                let sub = File { name: fname, data: f.data };
                match subcharts.iter_mut().find(|(name, _)| *name == cname) {
                    Some((_, list)) => list.push(sub),
                    None => subcharts.push((cname, vec![sub])),
                }
            }
            _ => c.files.push(f),
        }
    }
    if !have_meta {
        return Err(Error::new("Chart.yaml file is missing"));
    }
    validate(&mut c.metadata)?;
    subcharts.sort_by(|a, b| a.0.cmp(&b.0));
    for (n, files) in subcharts {
        if n.starts_with('_') || n.starts_with('.') {
            continue;
        }
        let loaded = if n.ends_with(".tgz") {
            let Some(file) = files.first() else { continue };
            if file.name != n {
                return Err(Error::new(format!(
                    "error unpacking subchart tar in {}: expected {n}, got {}",
                    c.name(),
                    file.name
                )));
            }
            archive_files(&file.data).and_then(|fs| {
                if !fs.iter().any(|f| f.name == "Chart.yaml") {
                    return Err(Error::new("unable to detect chart version, no Chart.yaml found"));
                }
                load_files(fs, depth + 1)
            })
        } else {
            let inner: Vec<File> = files
                .into_iter()
                .filter_map(|f| {
                    let (_, rest) = f.name.split_once('/')?;
                    Some(File { name: rest.to_string(), data: f.data })
                })
                .collect();
            load_files(inner, depth + 1)
        };
        match loaded {
            Ok(sc) => c.dependencies.push(sc),
            Err(e) => {
                return Err(Error::new(format!("error unpacking subchart {n} in {}: {e}", c.name())));
            }
        }
    }
    Ok(c)
}

/// Go's `sanitizeString`: every space becomes ' ', non-printable runes are dropped.
fn sanitize(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if govalue::strconv::is_print(c) {
                Some(c)
            } else {
                None
            }
        })
        .collect()
}

fn is_valid_semver(v: &str) -> bool {
    // Masterminds semver refuses versions over 256 bytes.
    if v.len() > 256 {
        return false;
    }
    let v = v.strip_prefix('v').unwrap_or(v);
    let (main, _build) = match v.split_once('+') {
        Some((m, b)) => {
            if b.is_empty()
                || !b.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
            {
                return false;
            }
            (m, Some(b))
        }
        None => (v, None),
    };
    let (core, pre) = match main.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (main, None),
    };
    if let Some(p) = pre {
        if p.is_empty()
            || !p.split('.').all(|x| !x.is_empty() && x.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        {
            return false;
        }
    }
    let parts: Vec<&str> = core.split('.').collect();
    !parts.is_empty()
        && parts.len() <= 3
        && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn validate(md: &mut Metadata) -> Result<(), Error> {
    md.name = sanitize(&md.name);
    md.description = sanitize(&md.description);
    md.home = sanitize(&md.home);
    md.icon = sanitize(&md.icon);
    md.condition = sanitize(&md.condition);
    md.tags = sanitize(&md.tags);
    md.app_version = sanitize(&md.app_version);
    md.kube_version = sanitize(&md.kube_version);
    md.sources = md.sources.iter().map(|x| sanitize(x)).collect();
    md.keywords = md.keywords.iter().map(|x| sanitize(x)).collect();
    let v = |m: &str| Err(Error::new(format!("validation: {m}")));
    if md.api_version.is_empty() {
        return v("chart.metadata.apiVersion is required");
    }
    if md.name.is_empty() {
        return v("chart.metadata.name is required");
    }
    if md.name == "." || md.name == ".." {
        return v(&format!("chart.metadata.name {} is not allowed", govalue::strconv::quote(&md.name)));
    }
    if md.name.contains('/') {
        return v(&format!("chart.metadata.name {} is invalid", govalue::strconv::quote(&md.name)));
    }
    if md.version.is_empty() {
        return v("chart.metadata.version is required");
    }
    if !is_valid_semver(&md.version) {
        return v(&format!("chart.metadata.version {} is invalid", govalue::strconv::quote(&md.version)));
    }
    if !(md.chart_type.is_empty() || md.chart_type == "application" || md.chart_type == "library") {
        return v("chart.metadata.type must be application or library");
    }
    let mut keys: Vec<String> = Vec::new();
    for d in &mut md.dependencies {
        d.name = sanitize(&d.name);
        d.version = sanitize(&d.version);
        d.repository = sanitize(&d.repository);
        d.condition = sanitize(&d.condition);
        let alias_ok = d.alias.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !d.alias.is_empty() && !alias_ok {
            return v(&format!(
                "dependency {} has disallowed characters in the alias",
                govalue::strconv::quote(&d.name)
            ));
        }
        let key = if d.alias.is_empty() { d.name.clone() } else { d.alias.clone() };
        if keys.contains(&key) {
            return v(&format!("more than one dependency with name or alias {}", govalue::strconv::quote(&key)));
        }
        keys.push(key);
    }
    Ok(())
}

/// The Go error for a JSON value of the wrong kind in a struct field.
fn field_error(found: &Value, field: &str, want: &str) -> String {
    let kind = match found {
        Value::List(_) => "array",
        Value::Map(_) => "object",
        Value::Bool(_) => "bool",
        Value::String(_) => "string",
        _ => "number",
    };
    format!("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {kind} into Go struct field .{field} of type {want}")
}

/// What a Go `string` field receives through sigs.k8s.io/yaml: integers in decimal,
/// floats as float32 text (`appVersion: 3.14159265358979` is `3.1415927`).
fn as_string(v: &Value, field: &str) -> Result<String, String> {
    match v {
        Value::Nil => Ok(String::new()),
        Value::List(_) | Value::Map(_) => Err(field_error(v, field, "string")),
        other => Ok(goyaml::string_field_text(other).unwrap_or_else(|| other.to_go_string())),
    }
}

fn as_strings(v: &Value, field: &str) -> Result<Vec<String>, String> {
    match v {
        Value::Nil => Ok(Vec::new()),
        Value::List(l) => l.items().iter().map(|i| as_string(i, field)).collect(),
        other => Err(field_error(other, field, "[]string")),
    }
}

fn parse_metadata(data: &[u8]) -> Result<Metadata, String> {
    let v = goyaml::input_text(data)
        .and_then(goyaml::parse_typed)
        .map_err(|e| format!("error converting YAML to JSON: {e}"))?;
    let m = match v {
        Value::Map(m) => m,
        Value::Nil => Map::new(),
        other => {
            return Err(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type v2.Metadata",
            match other {
                Value::List(_) => "array",
                Value::Bool(_) => "bool",
                Value::String(_) => "string",
                _ => "number",
            }
        ))
        }
    };
    let s = |k: &str| -> Result<String, String> { as_string(&m.get(k).unwrap_or(Value::Nil), k) };
    let mut md = Metadata {
        name: s("name")?,
        home: s("home")?,
        sources: as_strings(&m.get("sources").unwrap_or(Value::Nil), "sources")?,
        version: s("version")?,
        description: s("description")?,
        keywords: as_strings(&m.get("keywords").unwrap_or(Value::Nil), "keywords")?,
        icon: s("icon")?,
        api_version: s("apiVersion")?,
        condition: s("condition")?,
        tags: s("tags")?,
        app_version: s("appVersion")?,
        kube_version: s("kubeVersion")?,
        chart_type: s("type")?,
        ..Metadata::default()
    };
    md.deprecated = match m.get("deprecated") {
        None | Some(Value::Nil) => false,
        Some(Value::Bool(b)) => b,
        Some(other) => return Err(field_error(&other, "deprecated", "bool")),
    };
    match m.get("annotations") {
        None | Some(Value::Nil) => {}
        Some(Value::Map(a)) => {
            let mut out = Vec::new();
            for (k, v) in a.borrow().iter() {
                out.push((k.to_string(), as_string(v, "annotations")?));
            }
            md.annotations = Some(out);
        }
        Some(other) => return Err(field_error(&other, "annotations", "map[string]string")),
    }
    match m.get("maintainers") {
        None | Some(Value::Nil) => {}
        Some(Value::List(l)) => {
            for item in l.items() {
                let Value::Map(mm) = item else {
                    if item.is_nil() {
                        return Err("validation: maintainers must not contain empty or null nodes".into());
                    }
                    return Err(field_error(item, "maintainers", "v2.Maintainer"));
                };
                let g = |k: &str| as_string(&mm.get(k).unwrap_or(Value::Nil), &format!("maintainers.{k}"));
                md.maintainers.push(Maintainer { name: g("name")?, email: g("email")?, url: g("url")? });
            }
        }
        Some(other) => return Err(field_error(&other, "maintainers", "[]*v2.Maintainer")),
    }
    match m.get("dependencies") {
        None | Some(Value::Nil) => {}
        Some(Value::List(l)) => {
            for item in l.items() {
                let Value::Map(dm) = item else {
                    if item.is_nil() {
                        return Err("validation: dependencies must not contain empty or null nodes".into());
                    }
                    return Err(field_error(item, "dependencies", "v2.Dependency"));
                };
                let g = |k: &str| as_string(&dm.get(k).unwrap_or(Value::Nil), &format!("dependencies.{k}"));
                let import_values = match dm.get("import-values") {
                    None | Some(Value::Nil) => Vec::new(),
                    Some(Value::List(l)) => l.items().to_vec(),
                    Some(other) => return Err(field_error(&other, "dependencies.import-values", "[]interface {}")),
                };
                md.dependencies.push(Dependency {
                    name: g("name")?,
                    version: g("version")?,
                    repository: g("repository")?,
                    condition: g("condition")?,
                    tags: as_strings(&dm.get("tags").unwrap_or(Value::Nil), "dependencies.tags")?,
                    enabled: matches!(dm.get("enabled"), Some(Value::Bool(true))),
                    import_values,
                    alias: g("alias")?,
                });
            }
        }
        Some(other) => return Err(field_error(&other, "dependencies", "[]*v2.Dependency")),
    }
    Ok(md)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn loads_a_chart_directory_with_subcharts_and_helmignore() {
        let c = load(&fixture("parent")).unwrap();
        assert_eq!(c.name(), "parent");
        assert_eq!(c.dependencies.len(), 1);
        assert_eq!(c.dependencies[0].name(), "child");
        assert!(c.templates.iter().any(|t| t.name == "templates/cm.yaml"));
        assert!(c.files.iter().any(|f| f.name == "files/a.txt"));
        assert!(!c.files.iter().any(|f| f.name == "ignored.txt"), ".helmignore applies");
    }

    #[test]
    fn missing_chart_errors() {
        let e = load("/nonexistent/chart").unwrap_err();
        assert_eq!(e.to_string(), "path \"/nonexistent/chart\" not found");
    }

    #[test]
    fn chart_yaml_numbers_become_strings() {
        let md = parse_metadata(b"name: c\nversion: 1.0\nappVersion: 1.10\n").unwrap();
        assert_eq!(md.version, "1");
        assert_eq!(md.app_version, "1.1");
        let md =
            parse_metadata(b"name: 12\nversion: 1.0\nappVersion: 3.14159265358979\ndescription: 20240101\n").unwrap();
        assert_eq!((md.name.as_str(), md.app_version.as_str()), ("12", "3.1415927"));
        assert_eq!(md.description, "20240101");
        let e = parse_metadata(b"name: [c]\n").unwrap_err();
        assert!(e.ends_with("cannot unmarshal array into Go struct field .name of type string"), "{e}");
    }

    #[test]
    fn archives_are_read_through_the_safe_reader() {
        assert!(archive_files(b"not gzip").is_err());
    }

    #[test]
    fn semver_versions() {
        assert!(is_valid_semver("1.2.3-rc.1+build.5"));
        assert!(is_valid_semver("v1"));
        assert!(!is_valid_semver("1.x"));
    }
}
