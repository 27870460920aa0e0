//! `capstan diff`: reads the two sides and the comparison's flags off the command
//! line; the comparison is `chart::diff`.

use std::ffi::OsString;
use std::io::{IsTerminal, Read};

use chart::diff::{DiffOptions, Ignore, Source};

use crate::{flag_error, options, template_command};

/// Whether `name` is one of `diff`'s own flags taking a value (`-o` is `output`);
/// `--color` is the global flag, which `diff` uses for its views.
fn diff_value_flag(name: &str) -> bool {
    name == "color"
        || name == "colour"
        || crate::cli::DIFF.iter().any(|f| f.long == name && f.kind != crate::cli::Kind::Bool)
}

/// The flags that make the short form (one chart, per-side differences).
const SIDE_FLAGS: &[&str] = &["left-set", "right-set", "left-values", "right-values", "left-flags", "right-flags"];

/// The command line with `diff`'s own flags taken out.
struct DiffArgs {
    /// `diff` flags with a value, in order.
    values: Vec<(String, String)>,
    /// `--no-origins`
    no_origins: bool,
    /// Everything else: the sides, or the chart and its `template` flags.
    rest: Vec<String>,
}

impl DiffArgs {
    fn all(&self, name: &str) -> Vec<String> {
        self.values.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }

    fn last(&self, name: &str) -> Option<String> {
        self.all(name).pop()
    }
}

fn split_args(args: Vec<String>) -> Result<DiffArgs, String> {
    let crate::cli::OwnFlags { own, rest } = crate::cli::split_own_flags(args, &["no-origins"], diff_value_flag)?;
    let mut out = DiffArgs { values: Vec::new(), no_origins: false, rest };
    for (name, value) in own {
        if name == "no-origins" {
            out.no_origins = value == "true";
        } else {
            out.values.push((name, value));
        }
    }
    Ok(out)
}

/// A render side from `template` words; errors name the side.
fn render(which: &str, tokens: Vec<String>) -> Result<Source, String> {
    let last = tokens.last().cloned();
    let m = template_command()
        .no_binary_name(true)
        .try_get_matches_from(tokens)
        .map_err(|e| format!("{which} side: {}", flag_error(&e, last.as_deref())))?;
    options(&m).map(|o| Source::Render(Box::new(o))).map_err(|e| format!("{which} side: {e}"))
}

/// Splits a quoted command line as a POSIX shell would.
fn words(which: &str, line: &str) -> Result<Vec<String>, String> {
    shlex::split(line).ok_or_else(|| format!("{which} side: cannot split {line:?} into words (unbalanced quotes?)"))
}

/// `capstan diff [NAME] CHART [flags] --left-set ... --right-set ...`: the common
/// words, then each side's own.
fn short_form(d: &DiffArgs) -> Result<(Source, Source), String> {
    let side = |which: &str| -> Result<Source, String> {
        let mut t = d.rest.clone();
        for s in d.all(&format!("{which}-set")) {
            t.extend(["--set".to_string(), s]);
        }
        for f in d.all(&format!("{which}-values")) {
            t.extend(["-f".to_string(), f]);
        }
        for f in d.all(&format!("{which}-flags")) {
            t.extend(words(which, &f)?);
        }
        render(which, t)
    };
    Ok((side("left")?, side("right")?))
}

/// `capstan diff LEFT RIGHT [template flags for both]`: each side a file of
/// manifests (`-`: standard input) or a quoted `template` command line.
fn long_form(d: &DiffArgs) -> Result<(Source, Source), String> {
    let last = d.rest.last().cloned();
    let m = template_command()
        .no_binary_name(true)
        .try_get_matches_from(d.rest.clone())
        .map_err(|e| flag_error(&e, last.as_deref()))?;
    let sides: Vec<String> = m.get_many::<String>("args").map(|v| v.cloned().collect()).unwrap_or_default();
    let [left, right] = sides.as_slice() else {
        return Err(format!(
            "capstan diff takes two sides (a quoted template command line, a manifests file or -), or a chart with --left-*/--right-* flags; got {}{}",
            sides.len(),
            crate::usage("diff")
        ));
    };
    if left == "-" && right == "-" {
        return Err("only one side can be read from standard input".into());
    }
    // The remaining words are `template` flags for both rendered sides.
    let mut common = d.rest.clone();
    for s in [left, right] {
        if let Some(i) = common.iter().position(|w| w == s) {
            common.remove(i);
        }
    }
    let side = |which: &str, s: &str| -> Result<Source, String> {
        if s == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| format!("{which} side: read standard input: {e}"))?;
            return Ok(Source::Manifests { file: "<stdin>".into(), text });
        }
        let path = std::path::Path::new(s);
        let one_word = !s.chars().any(char::is_whitespace);
        let looks_like_file = one_word && [".yaml", ".yml", ".json"].iter().any(|x| s.ends_with(x));
        if path.is_file() || (looks_like_file && !path.is_dir()) {
            let bytes = std::fs::read(path)
                .map_err(|e| format!("{which} side: {}", chart::load::go_os_error("open", s, &e)))?;
            let text = String::from_utf8(bytes).map_err(|_| format!("{which} side: {s}: not UTF-8 text"))?;
            return Ok(Source::Manifests { file: s.to_string(), text });
        }
        let mut w = words(which, s)?;
        if w.first().is_some_and(|f| f == "helm" || f == "capstan") {
            w.remove(0);
        }
        if w.first().is_some_and(|f| f == "template") {
            w.remove(0);
        }
        let mut tokens = common.clone();
        tokens.extend(w);
        render(which, tokens)
    };
    Ok((side("left", left)?, side("right", right)?))
}

/// Runs `capstan diff`: the output and the exit status (0: same, 1: different);
/// an error exits 2.
pub fn run(args: Vec<OsString>) -> Result<(String, i32), String> {
    let args: Vec<String> = args.into_iter().map(|a| a.to_string_lossy().into_owned()).collect();
    let d = split_args(args)?;
    let output = d.last("output").unwrap_or_else(|| "text".into());
    if !matches!(output.as_str(), "text" | "json" | "diff") {
        return Err(format!("invalid argument \"{output}\" for \"-o, --output\" flag: use text, json or diff"));
    }
    let color = match d.last("color").or_else(|| d.last("colour")).as_deref() {
        None | Some("auto") => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        Some("always") => true,
        Some("never") => false,
        Some(other) => {
            return Err(format!("invalid argument \"{other}\" for \"--color\" flag: use auto, always or never"))
        }
    };
    let ignore =
        d.all("ignore").iter().map(|s| Ignore::parse(s)).collect::<Result<Vec<_>, _>>().map_err(|e| e.to_string())?;
    let ignore_kinds =
        d.all("ignore-kind").iter().flat_map(|k| k.split(',').map(str::to_string).collect::<Vec<_>>()).collect();
    let (left, right) = if SIDE_FLAGS.iter().any(|f| !d.all(f).is_empty()) { short_form(&d)? } else { long_form(&d)? };
    let opts = DiffOptions { origins: !d.no_origins, ignore, ignore_kinds };
    let diff = chart::diff::diff(&left, &right, &opts).map_err(|e| e.to_string())?;
    let out = match output.as_str() {
        "json" => chart::diff::to_json(&diff),
        "diff" => chart::diff::to_unified(&diff, color),
        _ => chart::diff::to_text(&diff, color),
    };
    Ok((out, if diff.changes.is_empty() { 0 } else { 1 }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(args: &[&str]) -> DiffArgs {
        split_args(args.iter().map(|s| s.to_string()).collect()).unwrap()
    }

    #[test]
    fn diff_flags_are_taken_out_in_every_form() {
        let d = split(&["x", "--left-set", "a=1", "--right-set=a=2", "-o", "json", "-n", "ns", "--no-origins"]);
        assert_eq!(d.rest, ["x", "-n", "ns"]);
        assert_eq!(d.all("left-set"), ["a=1"]);
        assert_eq!(d.all("right-set"), ["a=2"]);
        assert_eq!(d.last("output").as_deref(), Some("json"));
        assert!(d.no_origins);
        assert_eq!(split(&["-ojson"]).last("output").as_deref(), Some("json"));
        assert!(split_args(vec!["--ignore".into()]).is_err());
    }

    #[test]
    fn short_form_appends_each_sides_words() {
        let d =
            split(&["rel", "./c", "-f", "a.yaml", "--left-values", "l.yaml", "--right-flags", "--set x=1 -n 'p q'"]);
        let (Source::Render(l), Source::Render(r)) = short_form(&d).unwrap() else { panic!("renders") };
        assert_eq!(l.value_files, ["a.yaml", "l.yaml"]);
        assert_eq!(r.value_files, ["a.yaml"]);
        assert_eq!(r.set, ["x=1"]);
        assert_eq!(r.namespace.as_deref(), Some("p q"));
        assert_eq!(l.args, ["rel", "./c"]);
    }

    #[test]
    fn long_form_reads_command_lines_and_shares_flags() {
        let d = split(&["helm template a ./c --set x=1", "template b ./c", "--seed", "3"]);
        let (Source::Render(l), Source::Render(r)) = long_form(&d).unwrap() else { panic!("renders") };
        assert_eq!(l.args, ["a", "./c"]);
        assert_eq!(l.set, ["x=1"]);
        assert_eq!(r.args, ["b", "./c"]);
        assert_eq!((l.seed, r.seed), (Some(3), Some(3)));
        assert!(long_form(&split(&["one side"])).is_err());
        assert!(long_form(&split(&["-", "-"])).is_err());
    }
}
