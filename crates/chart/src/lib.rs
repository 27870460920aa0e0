//! Helm charts for capstan: load a chart, coalesce values, render every template in
//! Helm's order and assemble the output exactly as `helm template` (Helm 4.3.1) does.
//!
//! [`template`] runs the whole pipeline for the CLI; the modules are its stages.

#![warn(missing_docs)]

pub mod archive;
pub mod deps;
pub mod diff;
pub mod error;
pub mod explain;
pub mod fields;
pub mod glob;
pub mod lint;
pub mod load;
pub mod manifest;
pub mod objects;
pub mod provenance;
pub mod render;
pub mod show;
pub mod strvals;
pub mod values;

use std::io::Read;

use govalue::{Map, Value};

pub use error::Error;

use crate::manifest::source_block;
use crate::objects::{Capabilities, KubeVersion};

/// What `helm template` was asked to do.
#[derive(Clone, Debug, Default)]
pub struct TemplateOptions {
    /// The positional arguments: `[NAME] CHART`.
    pub args: Vec<String>,
    /// `-f/--values`, in order.
    pub value_files: Vec<String>,
    /// `--set`
    pub set: Vec<String>,
    /// `--set-string`
    pub set_string: Vec<String>,
    /// `--set-file`
    pub set_file: Vec<String>,
    /// `--set-json`
    pub set_json: Vec<String>,
    /// `--set-literal`
    pub set_literal: Vec<String>,
    /// `-n/--namespace` (`default` when absent).
    pub namespace: Option<String>,
    /// `-s/--show-only`
    pub show_only: Vec<String>,
    /// `--include-crds`
    pub include_crds: bool,
    /// `--skip-tests`
    pub skip_tests: bool,
    /// `--no-hooks`
    pub no_hooks: bool,
    /// `--is-upgrade`
    pub is_upgrade: bool,
    /// `--kube-version`
    pub kube_version: Option<String>,
    /// `-a/--api-versions` (each may hold a comma-separated list).
    pub api_versions: Vec<String>,
    /// `--name-template`
    pub name_template: Option<String>,
    /// `--generate-name`
    pub generate_name: bool,
    /// `--output-dir`
    pub output_dir: Option<String>,
    /// `--release-name`: put files under `output-dir/NAME`.
    pub use_release_name: bool,
    /// `--skip-schema-validation`
    pub skip_schema_validation: bool,
    /// `--enable-dns`: `getHostByName` really resolves.
    pub enable_dns: bool,
    /// `--seed`: deterministic random and time functions.
    pub seed: Option<u64>,
    /// Leave the chart, values and syntax trees allocated when done. A process that
    /// exits right after the render gets that memory back from the OS at once;
    /// freeing it one allocation at a time would only delay the exit.
    pub exit_without_freeing: bool,
}

/// Suffix Helm adds to every error that happens while rendering resources.
pub(crate) const DEBUG_HINT: &str = "\n\nUse --debug flag to render out invalid YAML";

pub(crate) fn with_hint(e: Error) -> Error {
    if e.message().ends_with(DEBUG_HINT.trim_start()) {
        e
    } else {
        Error::new(format!("{}{DEBUG_HINT}", e.message()))
    }
}

/// Reads a values or `--set-file` input as Helm does (`-` is standard input).
fn read_input(path: &str) -> Result<Vec<u8>, String> {
    if path.trim() == "-" {
        let mut data = Vec::new();
        std::io::stdin().read_to_end(&mut data).map_err(|e| e.to_string())?;
        return Ok(data);
    }
    if path.starts_with("http://") || path.starts_with("https://") || path.starts_with("oci://") {
        return Err(format!("capstan does not fetch remote files: {path}"));
    }
    if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        return Err(format!("read {path}: is a directory"));
    }
    std::fs::read(path).map_err(|e| load::go_os_error("open", path, &e))
}

/// `values.Options.MergeValues`: the user's values from every flag, in Helm's order.
pub fn user_values(opts: &TemplateOptions) -> Result<Map, Error> {
    read_user_values(opts).map(|(values, _)| values)
}

/// [`user_values`], and the bytes of each `-f` file as read (once: `-` is standard
/// input), so that where each value came from can be recorded from the same input.
pub(crate) fn read_user_values(opts: &TemplateOptions) -> Result<(Map, Vec<Vec<u8>>), Error> {
    let mut base = Map::new();
    let mut files = Vec::new();
    for file in &opts.value_files {
        let raw = read_input(file).map_err(Error::new)?;
        let current =
            values::load_values_bytes(&raw).map_err(|e| Error::new(format!("failed to parse {file}: {e}")))?;
        base = values::merge_maps(&base, &current);
        files.push(raw);
    }
    for value in &opts.set_json {
        let trimmed = value.trim();
        if trimmed.starts_with('{') {
            match goyaml::parse_json(trimmed) {
                Ok(Value::Map(m)) => base = values::merge_maps(&base, &m),
                _ => return Err(Error::new(format!("failed parsing --set-json data JSON: {value}"))),
            }
        } else if strvals::parse_into(value, &base, &mut strvals::Mode::Json).is_err() {
            return Err(Error::new(format!("failed parsing --set-json data {value}")));
        }
    }
    for value in &opts.set {
        strvals::parse_into(value, &base, &mut strvals::Mode::Typed)
            .map_err(|e| Error::new(format!("failed parsing --set data: {e}")))?;
    }
    for value in &opts.set_string {
        strvals::parse_into(value, &base, &mut strvals::Mode::String)
            .map_err(|e| Error::new(format!("failed parsing --set-string data: {e}")))?;
    }
    for value in &opts.set_file {
        let mut reader = |path: &str| -> Result<Value, String> { read_input(path).map(Value::from_go_bytes) };
        strvals::parse_into(value, &base, &mut strvals::Mode::File(&mut reader))
            .map_err(|e| Error::new(format!("failed parsing --set-file data: {e}")))?;
    }
    for value in &opts.set_literal {
        strvals::parse_literal_into(value, &base)
            .map_err(|e| Error::new(format!("failed parsing --set-literal data: {e}")))?;
    }
    Ok((base, files))
}

/// `chartutil.ValidateReleaseName`.
fn validate_release_name(name: &str) -> Result<(), Error> {
    fn label_ok(l: &str) -> bool {
        let b = l.as_bytes();
        !b.is_empty()
            && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
            && b[0] != b'-'
            && b[b.len() - 1] != b'-'
    }
    if name.is_empty() {
        return Err(Error::new("release name check failed: no name provided"));
    }
    if name.len() > 53 || !name.split('.').all(label_ok) {
        return Err(Error::new(format!(
            "release name check failed: release name {}: invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53",
            govalue::strconv::quote(name)
        )));
    }
    Ok(())
}

/// `action.Install.NameAndChart` for `helm template` (whose default name is `release-name`).
fn name_and_chart(opts: &TemplateOptions) -> Result<(String, String), Error> {
    match opts.args.as_slice() {
        [] => Err(Error::new(
            "\"helm template\" requires at least 1 argument\n\nUsage:  helm template [NAME] [CHART] [flags]",
        )),
        [name, chart] => {
            if opts.generate_name {
                return Err(Error::new("cannot set --generate-name and also specify a name"));
            }
            if opts.name_template.is_some() {
                return Err(Error::new("cannot set --name-template and also specify a name"));
            }
            Ok((name.clone(), chart.clone()))
        }
        [chart] => {
            if let Some(t) = &opts.name_template {
                // `action.TemplateName`: Sprig's functions only, Go's plain error text.
                let mut funcs = govalue::FuncMap::new();
                funcs.extend(sprig::sprig_functions());
                let mut set = gotmpl::Templates::new(funcs);
                // `--seed` fixes the random source and the clock here too.
                set.set_seed(opts.seed);
                set.add("name-template", t).map_err(|e| Error::new(e.to_string()))?;
                let name = set.execute("name-template", &Value::Nil).map_err(|e| Error::new(e.to_string()))?;
                return Ok((name, chart.clone()));
            }
            Ok(("release-name".into(), chart.clone()))
        }
        [_, _, rest @ ..] => {
            Err(Error::new(format!("expected at most two arguments, unexpected arguments: {}", rest.join(", "))))
        }
    }
}

/// Writes one block into `--output-dir`, as Helm's `writeToFile`; returns the
/// `wrote PATH` line Helm prints. `root` is the output directory the user named;
/// `rel` (the release name, with `--release-name`, and the template path) is
/// created under it without following any symbolic link, so nothing is written
/// outside `root`.
fn write_to_file(root: &str, rel: &str, name: &str, data: &str, append: bool) -> Result<String, Error> {
    let path = format!("{root}/{rel}");
    let parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    if parts.contains(&"..") || rel.starts_with('/') || parts.is_empty() {
        return Err(Error::new(format!("refusing to write outside the output directory: {rel}")));
    }
    std::fs::create_dir_all(root).map_err(|e| Error::new(format!("cannot create {root}: {e}")))?;
    let mut at = std::path::PathBuf::from(root);
    for (i, part) in parts.iter().enumerate() {
        at.push(part);
        let last = i + 1 == parts.len();
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(Error::new(format!(
                    "refusing to write {path}: {} is a symbolic link inside the output directory",
                    at.display()
                )))
            }
            Ok(m) if !last && !m.is_dir() => {
                // Helm's `stat` of the file's directory.
                let dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or(root);
                return Err(Error::new(format!("stat {dir}: not a directory")));
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !last {
                    match std::fs::create_dir(&at) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                        Err(e) => return Err(Error::new(format!("cannot create {}: {e}", at.display()))),
                    }
                }
            }
            Err(e) => return Err(Error::new(format!("cannot write {path}: {e}"))),
        }
    }
    let mut block = String::new();
    source_block(&mut block, name, data);
    let mut options = std::fs::OpenOptions::new();
    if append {
        options.append(true);
    } else {
        options.write(true).create(true).truncate(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NOFOLLOW: a link put in place since the check above is not followed either.
        options.custom_flags(NO_FOLLOW);
    }
    use std::io::Write;
    options
        .open(&at)
        .and_then(|mut f| f.write_all(block.as_bytes()))
        .map_err(|e| Error::new(format!("cannot write {path}: {e}")))?;
    Ok(format!("wrote {path}\n"))
}

/// `O_NOFOLLOW` of the platforms capstan builds for.
#[cfg(all(unix, any(target_os = "linux", target_os = "android")))]
const NO_FOLLOW: i32 = 0o400000;
#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
const NO_FOLLOW: i32 = 0x0100;

/// Every CRD file of the chart tree: `(full path, contents)`.
fn crd_objects(chart: &load::Chart, path: &str, out: &mut Vec<(String, String)>) {
    for f in &chart.files {
        let is_manifest = f.name.ends_with(".yaml") || f.name.ends_with(".yml") || f.name.ends_with(".json");
        if f.name.starts_with("crds/") && is_manifest {
            out.push((format!("{path}/{}", f.name), String::from_utf8_lossy(&f.data).into_owned()));
        }
    }
    for d in &chart.dependencies {
        crd_objects(d, &format!("{path}/charts/{}", d.name()), out);
    }
}

/// `ValidateAgainstSchema`: checks each chart's values against its `values.schema.json`,
/// appending Helm's report for every chart that fails.
fn validate_schemas(chart: &load::Chart, vals: &Map, report: &mut String) {
    if let Some(schema) = &chart.schema {
        if let Err(e) = schema::validate(&String::from_utf8_lossy(schema), &Value::Map(vals.clone())) {
            report.push_str(&format!("{}:\n{e}", chart.name()));
        }
    }
    for sub in &chart.dependencies {
        match vals.get(sub.name()) {
            None | Some(Value::Nil) => {}
            Some(Value::Map(m)) => validate_schemas(sub, &m, report),
            Some(other) => report.push_str(&format!(
                "{}:\ninvalid type for values: expected object (map), got {}\n",
                sub.name(),
                other.type_name()
            )),
        }
    }
}

/// `LocateChart` without repositories: a local path must exist; anything else would
/// need a chart repository or registry, which capstan never contacts.
fn locate_chart(name: &str) -> Result<(), Error> {
    if std::fs::metadata(name).is_ok() {
        return Ok(());
    }
    if name.starts_with('/') || name.starts_with('.') {
        return Err(Error::new(format!("path {} not found", govalue::strconv::quote(name))));
    }
    if name.contains("://") {
        return Err(Error::new(format!("capstan does not download charts: {name}")));
    }
    match name.split_once('/') {
        Some((repo, _)) => Err(Error::new(format!("repo {repo} not found"))),
        None => Err(Error::new(format!("non-absolute URLs should be in form of repo_name/path_to_chart, got: {name}"))),
    }
}

/// Runs `helm template` and returns what it prints on stdout. The log lines Helm
/// prints on stderr (`level=WARN msg="this chart is deprecated"`) are appended to
/// `log`, whether the render succeeds or not.
pub fn template(opts: &TemplateOptions, log: &mut Vec<String>) -> Result<String, Error> {
    let p = prepare(opts, log)?;
    let (mut printed, full) =
        render_resources(opts, &p.chart, &p.coalesced, &p.caps, &p.release_name, &p.namespace).map_err(with_hint)?;
    if !opts.show_only.is_empty() {
        printed.push_str(&manifest::show_only(&full, &opts.show_only)?);
    } else {
        printed.push_str(&full);
    }
    if opts.exit_without_freeing {
        std::mem::forget(p);
    }
    Ok(printed)
}

/// A chart loaded and its values coalesced, ready to render.
pub(crate) struct Prepared {
    pub chart: load::Chart,
    pub chart_path: String,
    /// The bytes of each `-f` file, as read.
    pub value_files: Vec<Vec<u8>>,
    pub coalesced: Map,
    pub caps: Capabilities,
    pub release_name: String,
    pub namespace: String,
}

/// Everything `helm template` does before rendering: flags, chart, dependencies,
/// values and their schema check.
pub(crate) fn prepare(opts: &TemplateOptions, log: &mut Vec<String>) -> Result<Prepared, Error> {
    let kube_version = match &opts.kube_version {
        Some(v) if !v.is_empty() => {
            Some(KubeVersion::parse(v).map_err(|e| Error::new(format!("invalid kube version '{v}': {e}")))?)
        }
        _ => None,
    };
    let (release_name, chart_path) = name_and_chart(opts)?;
    locate_chart(&chart_path)?;
    let (vals, value_files) = read_user_values(opts)?;
    let mut chart = load::load(&chart_path)?;
    match chart.metadata.chart_type.as_str() {
        "" | "application" => {}
        other => return Err(Error::new(format!("{other} charts are not installable"))),
    }
    if chart.metadata.deprecated {
        log.push("level=WARN msg=\"this chart is deprecated\"".into());
    }
    if !chart.metadata.dependencies.is_empty() {
        deps::check_dependencies(&chart)?;
    }
    if chart.metadata.api_version == "v3" {
        return Err(Error::new("invalid chart apiVersion"));
    }
    validate_release_name(&release_name).inspect_err(|e| {
        let cause = e.message().trim_start_matches("release name check failed: ");
        log.push(format!("level=ERROR msg=\"release name check failed\" error={}", govalue::strconv::quote(cause)));
    })?;
    deps::process_dependencies(&mut chart, &vals, &render::semver_satisfies).map_err(|e| {
        let quoted = govalue::strconv::quote(e.message());
        log.push(format!("level=ERROR msg=\"chart dependencies processing failed\" error={quoted}"));
        Error::new(format!("chart dependencies processing failed: {e}"))
    })?;
    let api_versions: Vec<String> = opts
        .api_versions
        .iter()
        .flat_map(|a| a.split(',').map(str::to_string).collect::<Vec<_>>())
        .filter(|a| !a.is_empty())
        .collect();
    let caps = Capabilities::new(kube_version, &api_versions);
    let coalesced = values::coalesce_values(&chart, &vals).map_err(Error::new)?;
    if !opts.skip_schema_validation {
        let mut report = String::new();
        validate_schemas(&chart, &coalesced, &mut report);
        if !report.is_empty() {
            return Err(Error::new(format!(
                "values don't meet the specifications of the schema(s) in the following chart(s):\n{report}"
            )));
        }
    }
    let namespace = opts.namespace.clone().unwrap_or_else(|| "default".into());
    Ok(Prepared { chart, chart_path, value_files, coalesced, caps, release_name, namespace })
}

/// The context of a render, once the chart's `kubeVersion` is checked.
pub(crate) fn render_context<'a>(
    opts: &TemplateOptions,
    chart: &load::Chart,
    caps: &'a Capabilities,
    release_name: &str,
    namespace: &str,
) -> Result<render::RenderContext<'a>, Error> {
    if !chart.metadata.kube_version.is_empty()
        && !render::semver_satisfies(&chart.metadata.kube_version, &caps.kube_version.normalized)
    {
        return Err(Error::new(format!(
            "chart requires kubeVersion: {} which is incompatible with Kubernetes {}",
            chart.metadata.kube_version, caps.kube_version.version
        )));
    }
    Ok(render::RenderContext {
        release: objects::release(release_name, namespace, opts.is_upgrade),
        capabilities: caps,
        seed: opts.seed,
        enable_dns: opts.enable_dns,
        exit_without_freeing: opts.exit_without_freeing,
    })
}

/// `renderResources` plus the assembly of `helm template`: returns the `wrote` lines
/// of `--output-dir` and the whole manifest stream.
fn render_resources(
    opts: &TemplateOptions,
    chart: &load::Chart,
    coalesced: &Map,
    caps: &Capabilities,
    release_name: &str,
    namespace: &str,
) -> Result<(String, String), Error> {
    let ctx = render_context(opts, chart, caps, release_name, namespace)?;
    let mut files = render::render(chart, coalesced, &ctx)?;
    files.retain(|k, _| !k.ends_with("NOTES.txt"));
    let (hooks, manifests) = manifest::sort_manifests(&files)?;
    if opts.exit_without_freeing {
        std::mem::forget(files);
    }

    let mut printed = String::new();
    let mut body = String::new();
    let out_dir = opts.output_dir.as_deref();
    let mut written: Vec<String> = Vec::new();
    let mut write = |name: &str, data: &str, printed: &mut String| -> Result<(), Error> {
        let root = out_dir.unwrap_or(".");
        let rel = if opts.use_release_name { format!("{release_name}/{name}") } else { name.to_string() };
        let append = written.iter().any(|w| w == name);
        printed.push_str(&write_to_file(root, &rel, name, data, append)?);
        written.push(name.to_string());
        Ok(())
    };
    if opts.include_crds {
        let mut crds = Vec::new();
        crd_objects(chart, chart.name(), &mut crds);
        for (name, data) in crds {
            if out_dir.is_some() {
                write(&name, &data, &mut printed)?;
            } else {
                source_block(&mut body, &name, &data);
            }
        }
    }
    for m in &manifests {
        if out_dir.is_some() {
            write(&m.name, &m.content, &mut printed)?;
        } else {
            source_block(&mut body, &m.name, &m.content);
        }
    }
    let mut full = String::new();
    full.push_str(body.trim());
    full.push('\n');
    if !opts.no_hooks {
        for h in &hooks {
            if opts.skip_tests && h.is_test {
                continue;
            }
            if out_dir.is_some() {
                write(&h.path, &h.manifest, &mut printed)?;
            } else {
                source_block(&mut full, &h.path, &h.manifest);
            }
        }
    }
    Ok((printed, full))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_names() {
        assert!(validate_release_name("my-rel.v2").is_ok());
        assert!(validate_release_name("R_x").unwrap_err().to_string().contains("invalid release name"));
    }

    #[test]
    fn chart_references() {
        assert_eq!(locate_chart("./missing").unwrap_err().to_string(), "path \"./missing\" not found");
        assert_eq!(locate_chart("repo/chart").unwrap_err().to_string(), "repo repo not found");
        assert!(locate_chart("nope").unwrap_err().to_string().starts_with("non-absolute URLs"));
    }

    #[test]
    fn arguments() {
        let mut o = TemplateOptions { args: vec!["./c".into()], ..Default::default() };
        assert_eq!(name_and_chart(&o).unwrap(), ("release-name".into(), "./c".into()));
        o.args = vec!["a".into(), "b".into(), "c".into()];
        assert_eq!(
            name_and_chart(&o).unwrap_err().to_string(),
            "expected at most two arguments, unexpected arguments: c"
        );
    }
}
