//! The commands around rendering: `version`, `completion`, `man`, and the
//! `--post-renderer` step of `template`.

use std::ffi::OsString;
use std::io::Write;
use std::process::{Command, Stdio};

use govalue::{MapEntries, Value};

use crate::cli;

/// The Helm release whose behaviour capstan matches.
pub const HELM_VERSION: &str = "v4.3.1";

/// The Kubernetes client version Helm 4.3.1 reports.
const KUBE_CLIENT_VERSION: &str = "v1.37";

/// Parses a command's words with its flags (and the global flags).
pub fn parse_words(
    name: &'static str,
    tables: &[&'static [cli::Flag]],
    args: Vec<OsString>,
) -> Result<clap::ArgMatches, String> {
    let last = args.last().and_then(|a| a.to_str()).map(str::to_string);
    cli::parser(name, tables)
        .no_binary_name(true)
        .try_get_matches_from(args)
        .map_err(|e| crate::flag_error(&e, last.as_deref()))
}

/// `capstan version [--short] [--template T]`: Helm's version with capstan's as
/// build metadata, `v4.3.1+capstan.X.Y.Z`.
pub fn run(args: Vec<OsString>) -> Result<String, String> {
    let m = parse_words("version", &[cli::VERSION], args)?;
    let warnings = cli::check(&m, &[cli::VERSION])?;
    for w in warnings {
        let _ = writeln!(std::io::stderr(), "{w}");
    }
    if let Some(arg) = m.get_many::<String>("args").and_then(|mut a| a.next().cloned()) {
        return Err(format!("unknown command \"{arg}\" for \"capstan version\""));
    }
    let commit = format!("capstan.{}", env!("CARGO_PKG_VERSION"));
    if let Some(text) = m.get_one::<String>("template") {
        let fields: MapEntries = [
            ("Version", HELM_VERSION),
            ("GitCommit", commit.as_str()),
            ("GitTreeState", "clean"),
            ("GoVersion", ""),
            ("KubeClientVersion", KUBE_CLIENT_VERSION),
        ]
        .into_iter()
        .map(|(k, v)| (k.into(), Value::str(v)))
        .collect();
        let mut t = gotmpl::Templates::new(govalue::FuncMap::new());
        t.add("_", text).map_err(|e| e.go_message().to_string())?;
        return t.execute("_", &Value::map(fields)).map_err(|e| e.go_message().to_string());
    }
    if crate::flag(&m, "short")? {
        return Ok(format!("{HELM_VERSION}+{commit}\n"));
    }
    Ok(format!(
        "version.BuildInfo{{Version:\"{HELM_VERSION}\", GitCommit:\"{commit}\", GitTreeState:\"clean\", GoVersion:\"\", KubeClientVersion:\"{KUBE_CLIENT_VERSION}\"}}\n"
    ))
}

/// `capstan completion bash|zsh|fish`.
pub fn completion(args: Vec<OsString>) -> Result<String, String> {
    let words: Vec<String> = args.into_iter().map(|a| a.to_string_lossy().into_owned()).collect();
    let shell = match words.first().map(String::as_str) {
        Some("bash") => clap_complete::Shell::Bash,
        Some("zsh") => clap_complete::Shell::Zsh,
        Some("fish") => clap_complete::Shell::Fish,
        Some(other) => return Err(format!("unknown shell \"{other}\": use bash, zsh or fish")),
        None => return Err("capstan completion needs a shell: bash, zsh or fish".into()),
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cli::tree(), "capstan", &mut out);
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// `capstan man`: the man page, in roff.
pub fn man(args: Vec<OsString>) -> Result<String, String> {
    if let Some(a) = args.first() {
        return Err(format!("unknown command \"{}\" for \"capstan man\"", a.to_string_lossy()));
    }
    let tree = cli::tree();
    let mut out = Vec::new();
    clap_mangen::Man::new(tree.clone()).render(&mut out).map_err(|e| e.to_string())?;
    // Each command's own flags, after the page of the whole program.
    for sub in tree.get_subcommands().filter(|s| s.get_arguments().any(|a| !a.is_positional())) {
        out.extend_from_slice(format!(".SH \"CAPSTAN {}\"\n", sub.get_name().to_uppercase()).as_bytes());
        let page = clap_mangen::Man::new(sub.clone());
        page.render_description_section(&mut out).map_err(|e| e.to_string())?;
        page.render_options_section(&mut out).map_err(|e| e.to_string())?;
    }
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// Where `name` runs from: a path (it holds a `/`) or a program on `$PATH`, as
/// Helm 3's post-renderer found it.
fn find_executable(name: &str) -> Option<std::path::PathBuf> {
    if name.contains('/') {
        let p = std::path::PathBuf::from(name);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

/// Pipes the rendered manifests through the post-renderer `name` with `args`:
/// its standard output replaces them.
pub fn post_render(name: &str, args: &[String], manifests: &str) -> Result<String, String> {
    let Some(exe) = find_executable(name) else {
        return Err(format!(
            "invalid argument \"{name}\" for \"--post-renderer\" flag: plugin: {{Name:{name} Type:postrenderer/v1}} not found"
        ));
    };
    let mut child = Command::new(&exe)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("error while running post-renderer {name}: {e}"))?;
    let input = manifests.as_bytes().to_vec();
    let writer = child.stdin.take().map(|mut stdin| std::thread::spawn(move || stdin.write_all(&input)));
    let output = child.wait_with_output().map_err(|e| format!("error while running post-renderer {name}: {e}"))?;
    if let Some(w) = writer {
        let _ = w.join();
    }
    if !output.status.success() {
        return Err(format!(
            "error while running command {}. error output:\n{}: {}",
            exe.display(),
            String::from_utf8_lossy(&output.stderr),
            output.status
        ));
    }
    String::from_utf8(output.stdout).map_err(|_| format!("post-renderer {name} printed text that is not UTF-8"))
}
