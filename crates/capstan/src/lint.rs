//! `capstan lint`: reads the charts, lint's own flags and the template flags off
//! the command line; the checks are `chart::lint`.

use std::ffi::OsString;
use std::io::Write;

use chart::lint::{self, RuleSet};

use crate::{flag_error, options, template_command};

/// Flags of `lint` itself that take a value.
const VALUE_FLAGS: &[&str] = &["output", "select", "ignore", "rules"];

/// Flags of `lint` itself that are booleans.
const BOOL_FLAGS: &[&str] = &["strict", "quiet", "with-subcharts"];

/// `lint`'s own flags, taken out of the command line.
#[derive(Default)]
struct LintArgs {
    output: Option<String>,
    select: Vec<String>,
    ignore: Vec<String>,
    rules: Option<String>,
    strict: bool,
    quiet: bool,
    with_subcharts: bool,
    /// Everything else: the charts and their `template` flags.
    rest: Vec<String>,
}

fn split_args(args: Vec<String>) -> Result<LintArgs, String> {
    let crate::cli::OwnFlags { own, rest } =
        crate::cli::split_own_flags(args, BOOL_FLAGS, |n| VALUE_FLAGS.contains(&n))?;
    let mut out = LintArgs { rest, ..LintArgs::default() };
    for (name, value) in own {
        let list = || value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        match name.as_str() {
            "strict" => out.strict = value == "true",
            "quiet" => out.quiet = value == "true",
            "with-subcharts" => out.with_subcharts = value == "true",
            "output" => out.output = Some(value.clone()),
            "select" => out.select.extend(list()),
            "ignore" => out.ignore.extend(list()),
            _ => out.rules = Some(value.clone()),
        }
    }
    Ok(out)
}

/// `capstan lint [CHART...] [template flags] [lint flags]`: the report and the exit
/// status; with text output a failure prints the report, then Helm's summary as the
/// error.
pub fn run(args: Vec<OsString>) -> Result<(String, i32), (String, i32)> {
    let args: Vec<String> = args.into_iter().map(|a| a.to_string_lossy().into_owned()).collect();
    let l = split_args(args).map_err(|e| (e, 1))?;
    let helm_only = match l.rules.as_deref() {
        None | Some("all") => false,
        Some("helm") => true,
        Some(other) => return Err((format!("invalid argument \"{other}\" for \"--rules\" flag: use helm or all"), 1)),
    };
    let last = l.rest.last().cloned();
    let m = template_command()
        .no_binary_name(true)
        .try_get_matches_from(l.rest.clone())
        .map_err(|e| (flag_error(&e, last.as_deref()), 1))?;
    let opts = options(&m).map_err(|e| (e, 1))?;
    let mut charts = opts.args.clone();
    if charts.is_empty() {
        charts.push(".".into());
    }
    let rules = RuleSet { helm_only, select: l.select, ignore: l.ignore };
    let results: Vec<lint::ChartLint> =
        charts.iter().flat_map(|c| lint::lint(c, &opts, &rules, l.with_subcharts)).collect();
    let failed = results.iter().any(|r| r.failed(l.strict));
    let code = i32::from(failed);
    match l.output.as_deref() {
        Some("json") => Ok((lint::to_json(&results), code)),
        Some("sarif") => Ok((lint::to_sarif(&results), code)),
        None | Some("text") => {
            let (text, summary, failed) = lint::to_text(&results, l.strict, l.quiet);
            if !failed {
                let end = if summary.is_empty() { String::new() } else { format!("{summary}\n") };
                return Ok((format!("{text}{end}"), 0));
            }
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush());
            Err((summary, 1))
        }
        Some(other) => {
            Err((format!("invalid argument \"{other}\" for \"-o, --output\" flag: use text, json or sarif"), 1))
        }
    }
}
