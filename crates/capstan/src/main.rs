//! capstan: a drop-in `helm template`. This file only reads the command line; the
//! work is done by the `chart` crate.

use std::ffi::OsString;
use std::io::Write;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgMatches, Command};

mod cli;
mod diff;
mod lint;
mod version;

/// Go's `strconv.ParseBool`, which pflag uses for boolean flags.
fn go_bool(s: &str) -> Result<bool, String> {
    match s {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
        _ => Err(format!("strconv.ParseBool: parsing \"{s}\": invalid syntax")),
    }
}

/// The `template` subcommand's parser: Helm's template and global flags.
fn template_command() -> Command {
    cli::parser("template", &[cli::TEMPLATE])
}

/// Turns clap's error into pflag's wording; `last` is the last command-line word.
fn flag_error(e: &clap::Error, last: Option<&str>) -> String {
    let arg = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) if e.kind() == ErrorKind::UnknownArgument => s.clone(),
        Some(ContextValue::String(s)) => s.split_whitespace().next().unwrap_or("").to_string(),
        _ => String::new(),
    };
    let arg = arg.split('=').next().unwrap_or("").to_string();
    match e.kind() {
        ErrorKind::UnknownArgument => match arg.strip_prefix("--") {
            Some(_) => format!("unknown flag: {arg}"),
            None => {
                let c = arg.trim_start_matches('-').chars().next().unwrap_or('?');
                format!("unknown shorthand flag: '{c}' in {arg}")
            }
        },
        ErrorKind::InvalidValue | ErrorKind::NoEquals | ErrorKind::WrongNumberOfValues => match last {
            Some(short) if short.len() == 2 && short.starts_with('-') && short != "--" => {
                format!("flag needs an argument: '{}' in {short}", &short[1..])
            }
            _ => format!("flag needs an argument: {arg}"),
        },
        _ => e.to_string().trim().trim_start_matches("error: ").to_string(),
    }
}

fn strings(m: &ArgMatches, id: &str) -> Vec<String> {
    m.get_many::<String>(id).map(|v| v.cloned().collect()).unwrap_or_default()
}

fn flag(m: &ArgMatches, id: &str) -> Result<bool, String> {
    match m.get_one::<String>(id) {
        Some(v) => go_bool(v).map_err(|e| {
            let name = cli::lookup(&[cli::TEMPLATE], id).map_or_else(|| format!("--{id}"), cli::Flag::display);
            format!("invalid argument \"{v}\" for \"{name}\" flag: {e}")
        }),
        None => Ok(false),
    }
}

/// `-f` and `-a` take comma-separated lists, like pflag's slice flags.
fn comma_list(m: &ArgMatches, id: &str) -> Vec<String> {
    strings(m, id).iter().flat_map(|s| s.split(',').map(str::to_string).collect::<Vec<_>>()).collect()
}

/// Checks the flags as Helm does (printing its warnings on stderr), and refuses
/// those that need a cluster or the network.
fn check_flags(m: &ArgMatches) -> Result<(), String> {
    let mut warnings = cli::check(m, &[cli::TEMPLATE])?;
    let result = refuse_cluster_flags(m, &mut warnings);
    let mut stderr = std::io::stderr().lock();
    for w in warnings {
        let _ = writeln!(stderr, "{w}");
    }
    result
}

/// Helm's checks made after parsing, and flags whose only purpose is to ask a
/// Kubernetes cluster or a chart repository something.
fn refuse_cluster_flags(m: &ArgMatches, warnings: &mut Vec<String>) -> Result<(), String> {
    cli::exclusive(m)?;
    if let Some(v) = m.get_one::<String>("dry-run") {
        warnings.extend(cli::check_dry_run(v)?);
    }
    let offline = "capstan renders offline and never contacts a Kubernetes cluster";
    if flag(m, "validate")? {
        return Err(format!("--validate checks the manifests against a cluster: {offline}"));
    }
    if m.get_one::<String>("dry-run").is_some_and(|v| v == "server") {
        return Err(format!("--dry-run=server asks a cluster to check the manifests: {offline}"));
    }
    if let Some(repo) = m.get_one::<String>("repo") {
        return Err(format!("--repo {repo} fetches the chart from a repository: capstan renders local charts only"));
    }
    if flag(m, "verify")? {
        return Err("--verify checks a downloaded chart's provenance: capstan renders local charts only".into());
    }
    Ok(())
}

/// `-n` if given, else `$HELM_NAMESPACE` (when set and not empty), as in Helm.
fn namespace(m: &ArgMatches) -> Option<String> {
    m.get_one::<String>("namespace").cloned().or_else(|| std::env::var("HELM_NAMESPACE").ok().filter(|n| !n.is_empty()))
}

fn options(m: &ArgMatches) -> Result<chart::TemplateOptions, String> {
    check_flags(m)?;
    let seed = match m.get_one::<String>("seed") {
        Some(s) => Some(s.parse::<u64>().map_err(|_| format!("invalid argument \"{s}\" for \"--seed\" flag"))?),
        None => None,
    };
    Ok(chart::TemplateOptions {
        args: strings(m, "args"),
        value_files: comma_list(m, "values"),
        set: strings(m, "set"),
        set_string: strings(m, "set-string"),
        set_file: strings(m, "set-file"),
        set_json: strings(m, "set-json"),
        set_literal: strings(m, "set-literal"),
        namespace: namespace(m),
        show_only: strings(m, "show-only"),
        include_crds: flag(m, "include-crds")?,
        skip_tests: flag(m, "skip-tests")?,
        no_hooks: flag(m, "no-hooks")?,
        is_upgrade: flag(m, "is-upgrade")?,
        kube_version: m.get_one::<String>("kube-version").cloned(),
        api_versions: comma_list(m, "api-versions"),
        name_template: m.get_one::<String>("name-template").cloned(),
        generate_name: flag(m, "generate-name")?,
        output_dir: m.get_one::<String>("output-dir").cloned(),
        use_release_name: flag(m, "release-name")?,
        skip_schema_validation: flag(m, "skip-schema-validation")?,
        enable_dns: flag(m, "enable-dns")?,
        seed,
        exit_without_freeing: false,
    })
}

/// Runs a command: what it prints and its exit status, or its error and exit
/// status (an empty error: already reported on stderr).
fn run_any(args: Vec<OsString>) -> Result<(String, i32), (String, i32)> {
    let args = hoist_globals(args).map_err(|e| (e, 1))?;
    let words: Vec<&OsString> = args.iter().skip(1).take_while(|a| *a != "--").collect();
    let help = words.iter().any(|a| *a == "-h" || *a == "--help");
    let sub = args.get(1).and_then(|a| a.to_str()).map(str::to_string);
    if help {
        return Ok((sub.as_deref().and_then(cli::command).map_or_else(cli::root_help, cli::command_help), 0));
    }
    if sub.as_deref() == Some("diff") {
        return diff::run(args.into_iter().skip(2).collect()).map_err(|e| (e, 2));
    }
    if !help && args.get(1).is_some_and(|a| a == "lint") {
        return lint::run(args.into_iter().skip(2).collect());
    }
    run(args).map(|out| (out, 0)).map_err(|e| (e, 1))
}

/// Moves global flags given before the subcommand (`capstan -n x template ...`)
/// after it, where every command accepts them.
fn hoist_globals(args: Vec<OsString>) -> Result<Vec<OsString>, String> {
    let mut it = args.into_iter();
    let mut out: Vec<OsString> = it.next().into_iter().collect();
    let mut globals = Vec::new();
    while let Some(a) = it.next() {
        let text = a.to_string_lossy().into_owned();
        if !text.starts_with('-') || text == "-" || text == "-h" || text == "--help" {
            out.push(a);
            break;
        }
        let (f, inline) = match text.strip_prefix("--") {
            Some(long) => {
                let (name, inline) = long.split_once('=').map_or((long, false), |(n, _)| (n, true));
                (cli::global(Some(name), None).ok_or_else(|| format!("unknown flag: --{name}"))?, inline)
            }
            None => {
                let c = text.chars().nth(1).unwrap_or('-');
                let f = cli::global(None, Some(c)).ok_or_else(|| format!("unknown shorthand flag: '{c}' in {text}"))?;
                (f, text.len() > 2)
            }
        };
        globals.push(a);
        if f.kind != cli::Kind::Bool && !inline {
            globals.push(it.next().ok_or_else(|| match text.strip_prefix("--") {
                Some(_) => format!("flag needs an argument: {text}"),
                None => format!("flag needs an argument: '{}' in {text}", &text[1..]),
            })?);
        }
    }
    out.extend(globals);
    out.extend(it);
    Ok(out)
}

fn run(args: Vec<OsString>) -> Result<String, String> {
    let mut rest = args.into_iter().skip(1);
    match rest.next().and_then(|a| a.into_string().ok()).as_deref() {
        Some("template") => {}
        Some("explain") => return run_explain(rest.collect()),
        Some("show") => return run_show(rest.collect()),
        Some("version") => return version::run(rest.collect()),
        Some("completion") => return version::completion(rest.collect()),
        Some("man") => return version::man(rest.collect()),
        Some("help") => return help(rest.collect()),
        Some(other) => return Err(format!("unknown command \"{other}\" for \"capstan\"")),
        None => return Ok(cli::root_help()),
    }
    let rest: Vec<OsString> = rest.collect();
    let last = rest.last().and_then(|a| a.to_str()).map(str::to_string);
    let matches = template_command()
        .no_binary_name(true)
        .try_get_matches_from(rest)
        .map_err(|e| flag_error(&e, last.as_deref()))?;
    if let Some(line) = cli::color_error(&matches) {
        let _ = writeln!(std::io::stderr(), "{line}");
        return Err(String::new());
    }
    // The process exits right after printing.
    let opts = chart::TemplateOptions { exit_without_freeing: true, ..options(&matches)? };
    let mut log = Vec::new();
    let result = chart::template(&opts, &mut log).map_err(|e| e.to_string());
    if result.is_ok() && flag(&matches, "warn-unused")? {
        let report =
            chart::fields::explain_fields(&opts, &chart::fields::Selection::default()).map_err(|e| e.to_string())?;
        log.extend(report.unused_warnings());
    }
    let mut stderr = std::io::stderr().lock();
    for line in log {
        let _ = writeln!(stderr, "{line}");
    }
    drop(stderr);
    match matches.get_one::<String>("post-renderer") {
        Some(renderer) => version::post_render(renderer, &strings(&matches, "post-renderer-args"), &result?),
        None => result,
    }
}

/// `capstan help [command]`.
fn help(args: Vec<OsString>) -> Result<String, String> {
    let words: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    match words.first() {
        None => Ok(cli::root_help()),
        Some(w) => cli::command(w).map(cli::command_help).ok_or_else(|| format!("unknown help topic \"{w}\"")),
    }
}

/// The usage line of a command, for errors.
fn usage(name: &str) -> String {
    cli::command(name).map_or_else(String::new, |c| format!("\n\nUsage:\n  capstan {}", c.usage))
}

/// `capstan explain values [NAME] CHART [template flags] [PATH] [-o text|json]`.
fn run_explain(args: Vec<OsString>) -> Result<String, String> {
    let mut args = args.into_iter();
    let fields = match args.next().and_then(|a| a.into_string().ok()).as_deref() {
        Some("values") => false,
        Some("fields") => true,
        Some(other) => {
            return Err(format!("unknown subject \"{other}\" for \"capstan explain\": \"values\" or \"fields\""))
        }
        None => return Err(format!("capstan explain needs a subject{}", usage("explain"))),
    };
    let rest: Vec<OsString> = args.collect();
    let last = rest.last().and_then(|a| a.to_str()).map(str::to_string);
    let matches = cli::parser("explain", &[cli::EXPLAIN, cli::TEMPLATE])
        .no_binary_name(true)
        .try_get_matches_from(rest)
        .map_err(|e| flag_error(&e, last.as_deref()))?;
    let mut opts = options(&matches)?;
    if fields {
        let select = split_field_selection(&mut opts.args);
        let report = chart::fields::explain_fields(&opts, &select).map_err(|e| e.to_string())?;
        let mut stderr = std::io::stderr().lock();
        for line in report.unused_warnings() {
            let _ = writeln!(stderr, "{line}");
        }
        let items = &report.fields;
        return match matches.get_one::<String>("output").map(String::as_str) {
            None | Some("text") => Ok(chart::fields::to_text(items)),
            Some("json") => Ok(chart::fields::to_json(items)),
            Some("yaml") => Ok(chart::fields::to_yaml(&report)),
            Some("mermaid") => chart::fields::to_mermaid(items).map_err(|e| e.to_string()),
            Some(other) => {
                Err(format!("invalid argument \"{other}\" for \"-o, --output\" flag: use text, json, yaml or mermaid"))
            }
        };
    }
    let path = split_explain_path(&mut opts.args);
    let items = chart::explain::explain_values(&opts, path.as_deref()).map_err(|e| e.to_string())?;
    match matches.get_one::<String>("output").map(String::as_str) {
        None | Some("text") => Ok(chart::explain::to_text(&items)),
        Some("json") => Ok(chart::explain::to_json(&items)),
        Some("mermaid") => Ok(chart::explain::to_mermaid(&items)),
        Some(other) => {
            Err(format!("invalid argument \"{other}\" for \"-o, --output\" flag: use text, json or mermaid"))
        }
    }
}

/// Whether `p` names a chart: a directory with `Chart.yaml`, or an archive.
fn is_chart(p: &str) -> bool {
    let path = std::path::Path::new(p);
    path.join("Chart.yaml").is_file() || (path.is_file() && (p.ends_with(".tgz") || p.ends_with(".tar.gz")))
}

/// Takes `[KIND/NAME [FIELD]]` off `[NAME] CHART [KIND/NAME [FIELD]]`: the words
/// after the first one that names a chart.
fn split_field_selection(args: &mut Vec<String>) -> chart::fields::Selection {
    let c = if args.len() >= 2 && is_chart(&args[1]) { Some(1) } else { args.iter().position(|a| is_chart(a)) };
    let Some(c) = c else { return chart::fields::Selection::default() };
    let mut rest = args.split_off(c + 1).into_iter();
    chart::fields::Selection { document: rest.next(), field: rest.next() }
}

/// Takes the optional value PATH off `[NAME] CHART [PATH]`: three words always end in
/// a path; of two, the second is a path when it is not a chart and the first is.
fn split_explain_path(args: &mut Vec<String>) -> Option<String> {
    match args.len() {
        3 => args.pop(),
        2 if is_chart(&args[0]) && !is_chart(&args[1]) => args.pop(),
        _ => None,
    }
}

/// `capstan show chart|values|readme|crds|all CHART [--jsonpath EXPR]`.
fn run_show(args: Vec<OsString>) -> Result<String, String> {
    let m = version::parse_words("show", &[cli::SHOW_VALUES], args)?;
    let words = strings(&m, "args");
    match words.as_slice() {
        [kind, chart] => match chart::show::ShowKind::parse(kind) {
            Some(k) => {
                let jsonpath = m.get_one::<String>("jsonpath").filter(|_| kind == "values");
                match jsonpath {
                    Some(expr) => Err(format!("--jsonpath {expr}: not supported yet by capstan")),
                    None => chart::show::show(k, chart).map_err(|e| e.to_string()),
                }
            }
            None => Err(format!("unknown command \"{kind}\" for \"capstan show\"")),
        },
        _ => Err(format!("capstan show takes a kind and a chart{}", usage("show"))),
    }
}

/// Deeply nested charts and values recurse deeply; run on a large stack. Go lets
/// Helm's stack grow to 1 GB (about 500,000 nested `{{ if }}`s); capstan's frames
/// are larger, so it reserves 2 GiB (address space: untouched pages cost no memory),
/// or [`SMALL_STACK_SIZE`] where that cannot be had.
const STACK_SIZE: usize = 2048 * 1024 * 1024;

/// The stack to fall back to when [`STACK_SIZE`] cannot be reserved.
const SMALL_STACK_SIZE: usize = 512 * 1024 * 1024;

/// Tunes glibc's allocator for one short render: all threads share the main arena
/// (a thread of its own would grow its arena one `mprotect` call at a time), which
/// grows in 64 MiB steps and is never trimmed. Untouched pages cost no memory.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)] // glibc's mallopt has no safe wrapper; see the SAFETY note.
fn tune_allocator() {
    // SAFETY: mallopt only sets allocator parameters; it is called before any other
    // thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_TOP_PAD, 64 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, i32::MAX);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}

fn main() {
    tune_allocator();
    let args: Vec<OsString> = std::env::args_os().collect();
    let shared = std::sync::Arc::new(std::sync::Mutex::new(Some(args)));
    let start = |size: usize| {
        let shared = shared.clone();
        std::thread::Builder::new().stack_size(size).spawn(move || {
            let args = shared.lock().map(|mut a| a.take().unwrap_or_default()).unwrap_or_default();
            run_any(args)
        })
    };
    let result = start(STACK_SIZE)
        .or_else(|_| start(SMALL_STACK_SIZE))
        .map_err(|e| (e.to_string(), 1))
        .and_then(|h| h.join().unwrap_or_else(|_| Err(("internal error".into(), 1))));
    match result {
        Ok((out, code)) => {
            let mut stdout = std::io::stdout().lock();
            if stdout.write_all(out.as_bytes()).and_then(|_| stdout.flush()).is_err() {
                std::process::exit(1);
            }
            if code != 0 {
                std::process::exit(code);
            }
        }
        Err((msg, code)) => {
            if !msg.is_empty() {
                let _ = writeln!(std::io::stderr(), "Error: {msg}");
            }
            std::process::exit(code);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<chart::TemplateOptions, String> {
        let m = template_command()
            .no_binary_name(true)
            .try_get_matches_from(args.iter().map(OsString::from))
            .map_err(|e| flag_error(&e, args.last().copied()))?;
        options(&m)
    }

    #[test]
    fn flags_in_any_position() {
        let o =
            parse(&["rel", "-f", "a.yaml,b.yaml", "./c", "--set", "x=1,y=2", "--namespace", "ns", "--include-crds"])
                .unwrap();
        assert_eq!(o.args, ["rel", "./c"]);
        assert_eq!(o.value_files, ["a.yaml", "b.yaml"]);
        assert_eq!(o.set, ["x=1,y=2"]);
        assert_eq!(o.namespace.as_deref(), Some("ns"));
        assert!(o.include_crds);
    }

    #[test]
    fn pflag_style_errors() {
        assert_eq!(parse(&["./c", "--bogus"]).unwrap_err(), "unknown flag: --bogus");
        assert_eq!(parse(&["./c", "-n"]).unwrap_err(), "flag needs an argument: 'n' in -n");
        assert!(parse(&["./c", "--is-upgrade=maybe"]).is_err());
        assert!(!parse(&["./c", "--is-upgrade=false"]).unwrap().is_upgrade);
        assert_eq!(parse(&["./c", "-n", "a", "-n", "b"]).unwrap().namespace.as_deref(), Some("b"));
        assert_eq!(parse(&["--wait", "./c", "--create-namespace"]).unwrap().args, ["./c"]);
    }
}
