//! The one table of capstan's flags and commands. Each flag is declared once, with
//! its name, shorthand, kind, Helm's help text and what capstan does with it; the
//! table drives parsing (clap), the value checks Helm's pflag makes, `--help` for
//! every command, `help [command]`, shell completions and the man page.

use clap::{Arg, ArgAction, ArgMatches, Command};

/// How a flag takes its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// No value, or `--flag=true|false` (Go's `strconv.ParseBool`).
    Bool,
    /// One value; a repeat replaces it.
    Value,
    /// Repeatable; every value is kept.
    List,
}

/// What capstan does with a flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// It changes the render as in Helm.
    Used,
    /// Accepted and checked, without effect: Helm ignores it for a local render too.
    Ignored,
    /// It needs a cluster or the network: refused with a clear error.
    Refused,
    /// capstan's own.
    Capstan,
}

/// How a flag's value is checked, as pflag (or Helm after parsing) checks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// Any text.
    Any,
    /// Go's `strconv.ParseBool`.
    Bool,
    /// Go's `time.ParseDuration`.
    Duration,
    /// Go's `strconv.ParseInt` (64 bits).
    Int,
    /// Go's `strconv.ParseFloat` (32 bits).
    Float32,
    /// A `stringToString` list: comma-separated `key=value`.
    KeyValues,
    /// `--wait`'s strategies.
    Wait,
    /// `--color`'s modes.
    Color,
}

/// One flag.
#[derive(Debug)]
pub struct Flag {
    /// Long name, without `--`.
    pub long: &'static str,
    /// One-letter shorthand.
    pub short: Option<char>,
    /// How it takes its value.
    pub kind: Kind,
    /// The value's type as Helm's help names it (`string`, `strings`, `duration`…);
    /// empty for booleans.
    pub type_name: &'static str,
    /// Help text.
    pub help: &'static str,
    /// The default as help prints it (`"client"`, `5m0s`); `~` stands for `$HOME`.
    pub default: Option<&'static str>,
    /// The value given by the bare flag (pflag's `NoOptDefVal`), for non-booleans.
    pub bare: Option<&'static str>,
    /// What capstan does with it.
    pub effect: Effect,
    /// How its value is checked.
    pub check: Check,
    /// pflag's deprecation message; a deprecated flag is hidden from help.
    pub deprecated: Option<&'static str>,
}

/// A flag with the defaults of most entries.
const fn flag(long: &'static str, kind: Kind, type_name: &'static str, help: &'static str) -> Flag {
    let check = match kind {
        Kind::Bool => Check::Bool,
        _ => Check::Any,
    };
    Flag {
        long,
        short: None,
        kind,
        type_name,
        help,
        default: None,
        bare: None,
        effect: Effect::Used,
        check,
        deprecated: None,
    }
}

const fn bool_(long: &'static str, help: &'static str) -> Flag {
    flag(long, Kind::Bool, "", help)
}

const fn value(long: &'static str, help: &'static str) -> Flag {
    flag(long, Kind::Value, "string", help)
}

const fn array(long: &'static str, help: &'static str) -> Flag {
    flag(long, Kind::List, "stringArray", help)
}

impl Flag {
    const fn short(self, c: char) -> Flag {
        Flag { short: Some(c), ..self }
    }
    const fn ignored(self) -> Flag {
        Flag { effect: Effect::Ignored, ..self }
    }
    const fn refused(self) -> Flag {
        Flag { effect: Effect::Refused, ..self }
    }
    const fn capstan(self) -> Flag {
        Flag { effect: Effect::Capstan, ..self }
    }
    const fn default(self, d: &'static str) -> Flag {
        Flag { default: Some(d), ..self }
    }
    const fn bare(self, b: &'static str) -> Flag {
        Flag { bare: Some(b), ..self }
    }
    const fn check(self, check: Check) -> Flag {
        Flag { check, ..self }
    }
    const fn typed(self, type_name: &'static str) -> Flag {
        Flag { type_name, ..self }
    }
    const fn deprecated(self, msg: &'static str) -> Flag {
        Flag { deprecated: Some(msg), ..self }
    }

    /// The name in pflag's messages: `-l, --labels` or `--timeout`.
    pub fn display(&self) -> String {
        match self.short {
            Some(c) => format!("-{c}, --{}", self.long),
            None => format!("--{}", self.long),
        }
    }

    /// The clap argument for this flag.
    fn arg(&self) -> Arg {
        let note = match self.effect {
            Effect::Used | Effect::Capstan => "",
            Effect::Ignored => " [accepted without effect: Helm ignores it for a local render]",
            Effect::Refused => " [refused: capstan renders local charts offline]",
        };
        let help = format!("{}{note}", self.help);
        let mut a = Arg::new(self.long).long(self.long).help(help).hide(self.deprecated.is_some());
        if let Some(c) = self.short {
            a = a.short(c);
        }
        match (self.kind, self.bare) {
            (Kind::Bool, _) => {
                a.num_args(0..=1).require_equals(true).default_missing_value("true").action(ArgAction::Set)
            }
            (_, Some(bare)) => {
                a.num_args(0..=1).require_equals(true).default_missing_value(bare).action(ArgAction::Set)
            }
            (Kind::Value, None) => a.action(ArgAction::Set).allow_hyphen_values(true),
            (Kind::List, None) => a.action(ArgAction::Append).allow_hyphen_values(true),
        }
    }
}

const HELP: Flag = bool_("help", "help for this command").short('h');

/// Helm's global flags.
pub const GLOBAL: &[Flag] = &[
    flag("burst-limit", Kind::Value, "int", "client-side default throttling limit")
        .default("100")
        .check(Check::Int)
        .ignored(),
    value("color", "use colored output (never, auto, always)").default("\"auto\"").check(Check::Color).ignored(),
    value("colour", "use colored output (never, auto, always)").default("\"auto\"").check(Check::Color).ignored(),
    value("content-cache", "path to the directory containing cached content (e.g. charts)")
        .default("\"~/.cache/helm/content\"")
        .ignored(),
    bool_("debug", "enable verbose output").ignored(),
    value("kube-apiserver", "the address and the port for the Kubernetes API server").ignored(),
    array(
        "kube-as-group",
        "group to impersonate for the operation, this flag can be repeated to specify multiple groups.",
    )
    .ignored(),
    value("kube-as-user", "username to impersonate for the operation").ignored(),
    value("kube-ca-file", "the certificate authority file for the Kubernetes API server connection").ignored(),
    value("kube-context", "name of the kubeconfig context to use").ignored(),
    bool_("kube-insecure-skip-tls-verify", "if true, the Kubernetes API server's certificate will not be checked for validity. This will make your HTTPS connections insecure").ignored(),
    value("kube-tls-server-name", "server name to use for Kubernetes API server certificate validation. If it is not provided, the hostname used to contact the server is used").ignored(),
    value("kube-token", "bearer token used for authentication").ignored(),
    value("kubeconfig", "path to the kubeconfig file").ignored(),
    value("namespace", "namespace scope for this request").short('n'),
    flag(
        "qps",
        Kind::Value,
        "float32",
        "queries per second used when communicating with the Kubernetes API, not including bursting",
    )
    .check(Check::Float32)
    .ignored(),
    value("registry-config", "path to the registry config file")
        .default("\"~/.config/helm/registry/config.json\"")
        .ignored(),
    value("repository-cache", "path to the directory containing cached repository indexes")
        .default("\"~/.cache/helm/repository\"")
        .ignored(),
    value("repository-config", "path to the file containing repository names and URLs")
        .default("\"~/.config/helm/repositories.yaml\"")
        .ignored(),
];

/// The flags of `helm template` (and capstan's own render flags).
pub const TEMPLATE: &[Flag] = &[
    flag("api-versions", Kind::List, "strings", "Kubernetes api versions used for Capabilities.APIVersions (multiple can be specified)").short('a'),
    bool_("atomic", "deprecated").deprecated("use --rollback-on-failure instead").ignored(),
    value("ca-file", "verify certificates of HTTPS-enabled servers using this CA bundle").ignored(),
    value("cert-file", "identify HTTPS client using this SSL certificate file").ignored(),
    bool_("create-namespace", "create the release namespace if not present").ignored(),
    bool_("dependency-update", "update dependencies if they are missing before installing the chart").ignored(),
    value("description", "add a custom description").ignored(),
    bool_("devel", "use development versions, too. Equivalent to version '>0.0.0-0'. If --version is set, this is ignored").ignored(),
    bool_("disable-openapi-validation", "if set, the installation process will not validate rendered templates against the Kubernetes OpenAPI Schema").ignored(),
    value("dry-run", "simulates the operation either client-side or server-side. Must be either: \"client\", or \"server\". '--dry-run=client simulates the operation client-side only and avoids cluster connections. '--dry-run=server' simulates/validates the operation on the server, requiring cluster connectivity.").default("\"client\"").bare("unset"),
    bool_("enable-dns", "enable DNS lookups when rendering templates"),
    bool_("force", "deprecated").deprecated("use --force-replace instead").ignored(),
    bool_("force-conflicts", "if set server-side apply will force changes against conflicts").ignored(),
    bool_("force-replace", "force resource updates by replacement").ignored(),
    bool_("generate-name", "generate the name (and omit the NAME parameter)").short('g'),
    bool_("hide-notes", "if set, do not show notes in install output. Does not affect presence in chart metadata").deprecated("this flag has no effect for 'helm template' and will be removed in Helm 5").ignored(),
    bool_("include-crds", "include CRDs in the templated output"),
    bool_("insecure-skip-tls-verify", "skip tls certificate checks for the chart download").ignored(),
    bool_("is-upgrade", "set .Release.IsUpgrade instead of .Release.IsInstall"),
    value("key-file", "identify HTTPS client using this SSL key file").ignored(),
    value("keyring", "location of public keys used for verification").default("\"~/.gnupg/pubring.gpg\"").ignored(),
    value("kube-version", "Kubernetes version used for Capabilities.KubeVersion"),
    flag("labels", Kind::List, "stringToString", "Labels that would be added to release metadata. Should be divided by comma.").short('l').default("[]").check(Check::KeyValues).ignored(),
    value("name-template", "specify template used to name the release"),
    bool_("no-hooks", "prevent hooks from running during install"),
    value("output-dir", "writes the executed templates to files in output-dir instead of stdout"),
    bool_("pass-credentials", "pass credentials to all domains").ignored(),
    value("password", "chart repository password where to locate the requested chart").ignored(),
    bool_("plain-http", "use insecure HTTP connections for the chart download").ignored(),
    value("post-renderer", "the name of a postrenderer type plugin to be used for post rendering. If it exists, the plugin will be used").typed("postRendererString"),
    array("post-renderer-args", "an argument to the post-renderer (can specify multiple)").typed("postRendererArgsSlice").default("[]"),
    bool_("release-name", "use release name in the output-dir path."),
    bool_("render-subchart-notes", "if set, render subchart notes along with the parent").deprecated("this flag has no effect for 'helm template' and will be removed in Helm 5").ignored(),
    bool_("replace", "reuse the given name, only if that name is a deleted release which remains in the history. This is unsafe in production").ignored(),
    value("repo", "chart repository url where to locate the requested chart").refused(),
    bool_("rollback-on-failure", "if set, Helm will rollback (uninstall) the installation upon failure. The --wait flag will be default to \"watcher\" if --rollback-on-failure is set").ignored(),
    bool_("server-side", "object updates run in the server instead of the client").default("true").ignored(),
    array("set", "set values on the command line (can specify multiple or separate values with commas: key1=val1,key2=val2)"),
    array("set-file", "set values from respective files specified via the command line (can specify multiple or separate values with commas: key1=path1,key2=path2)"),
    array("set-json", "set JSON values on the command line (can specify multiple or separate values with commas: key1=jsonval1,key2=jsonval2 or using json format: {\"key1\": jsonval1, \"key2\": \"jsonval2\"})"),
    array("set-literal", "set a literal STRING value on the command line"),
    array("set-string", "set STRING values on the command line (can specify multiple or separate values with commas: key1=val1,key2=val2)"),
    array("show-only", "only show manifests rendered from the given templates").short('s'),
    bool_("skip-crds", "if set, no CRDs will be installed. By default, CRDs are installed if not already present").ignored(),
    bool_("skip-schema-validation", "if set, disables JSON schema validation"),
    bool_("skip-tests", "skip tests from templated output"),
    bool_("take-ownership", "if set, install will ignore the check for helm annotations and take ownership of the existing resources").ignored(),
    flag("timeout", Kind::Value, "duration", "time to wait for any individual Kubernetes operation (like Jobs for hooks)").default("5m0s").check(Check::Duration).ignored(),
    value("username", "chart repository username where to locate the requested chart").ignored(),
    bool_("validate", "deprecated").deprecated("use '--dry-run=server' instead").refused(),
    flag("values", Kind::List, "strings", "specify values in a YAML file or a URL (can specify multiple)").short('f'),
    bool_("verify", "verify the package before using it").refused(),
    value("version", "specify a version constraint for the chart version to use. This constraint can be a specific tag (e.g. 1.1.1) or it may reference a valid range (e.g. ^2.0.0). If this is not specified, the latest version is used").ignored(),
    flag("wait", Kind::Value, "WaitStrategy", "wait until resources are ready (up to --timeout). Use '--wait' alone for 'watcher' strategy, or specify one of: 'watcher', 'hookOnly', 'legacy'. Default when flag is omitted: 'hookOnly'.").default("hookOnly").bare("watcher").check(Check::Wait).ignored(),
    bool_("wait-for-jobs", "if set and --wait enabled, will wait until all Jobs have been completed before marking the release as successful. It will wait for as long as --timeout").ignored(),
    // capstan's own
    value("seed", "capstan: draw random functions from a generator seeded with N and fix the clock, so renders are reproducible").typed("uint").capstan(),
    bool_("warn-unused", "capstan: warn on stderr about supplied values no template uses").capstan(),
];

/// `explain`'s own flag.
pub const EXPLAIN: &[Flag] = &[value(
    "output",
    "capstan: the report's format: text or json (values; also mermaid), text, json, yaml or mermaid (fields)",
)
.short('o')
.capstan()];

/// `diff`'s own flags (the rest are `template`'s, for both sides).
pub const DIFF: &[Flag] = &[
    array("ignore", "leave a field out: [DOCS/]PATH (explain path or JSON pointer)").capstan(),
    array("ignore-kind", "leave out documents of a kind (globs; repeatable or comma-separated)").capstan(),
    array("left-flags", "any template flags for the left side only (short form)").capstan(),
    array("left-set", "--set on the left side only (short form)").capstan(),
    array("left-values", "-f on the left side only (short form)").capstan(),
    bool_("no-origins", "skip tracing where changed fields came from").capstan(),
    value("output", "text (readable summary), json (entries) or diff (unified diff)").short('o').capstan(),
    array("right-flags", "any template flags for the right side only (short form)").capstan(),
    array("right-set", "--set on the right side only (short form)").capstan(),
    array("right-values", "-f on the right side only (short form)").capstan(),
];

/// `show values`' own flag.
pub const SHOW_VALUES: &[Flag] = &[value("jsonpath", "supply a JSONPath expression to filter the output")];

/// `version`'s flags.
pub const VERSION: &[Flag] = &[
    bool_("client", "accepted for Helm 3's `version --client` (`-c`): capstan has only a client").short('c').capstan(),
    bool_("short", "print the version number"),
    value("template", "template for version string format"),
];

/// A command of the table.
pub struct Cmd {
    /// Its name.
    pub name: &'static str,
    /// Its usage line, after `capstan `.
    pub usage: &'static str,
    /// One line for the command list.
    pub short: &'static str,
    /// The description at the top of its help.
    pub long: &'static str,
    /// Its own flags.
    pub flags: &'static [&'static [Flag]],
    /// Its subcommands (name, one line); a command with subcommands takes one first.
    pub subcommands: &'static [(&'static str, &'static str)],
}

/// Every command, in the order `capstan --help` lists them.
pub const COMMANDS: &[Cmd] = &[
    Cmd {
        name: "template",
        usage: "template [NAME] [CHART] [flags]",
        short: "locally render templates, as helm template does",
        long: "Render a chart's templates locally and print them, byte for byte as Helm 4.3.1's\n`helm template` does. CHART is a chart directory or a .tgz archive. Nothing is\nlooked up in a cluster: flags that only matter to a cluster are accepted and\nhave no effect, as in Helm; --validate, --dry-run=server, --repo and --verify are\nrefused because capstan renders offline.",
        flags: &[TEMPLATE],
        subcommands: &[],
    },
    Cmd {
        name: "explain",
        usage: "explain values|fields [NAME] CHART [flags] [PATH | KIND/NAME [FIELD]]",
        short: "say where each value or rendered field came from",
        long: "explain values lists every final value (or those at or below PATH) with the\nlayer that set it and the values it overrode. explain fields renders the chart\nas template does and traces every rendered field back through the templates.\nThe template flags apply.",
        flags: &[EXPLAIN, TEMPLATE],
        subcommands: &[
            ("fields", "every rendered field and where it came from"),
            ("values", "every final value and the layer that set it"),
        ],
    },
    Cmd {
        name: "diff",
        usage: "diff LEFT RIGHT [flags] | diff [NAME] CHART [flags] --left-set a=b --right-set a=c",
        short: "what changes between two renders, and why",
        long: "Compare two renders field by field and say where each changed field came from.\nEach side is a quoted template command line, a manifests file, or - (standard\ninput); or give one chart and the --left-*/--right-* flags. Exit status: 0 no\ndifferences, 1 differences, 2 error. The template flags apply to both sides.",
        flags: &[DIFF, TEMPLATE],
        subcommands: &[],
    },
    Cmd {
        name: "lint",
        usage: "lint [CHART...] [flags]",
        short: "examine charts for possible issues, with Helm's checks and capstan's rules",
        long: "Run helm lint's checks (--rules helm prints exactly what helm lint prints) and\ncapstan's rules CS101-CS112, each finding pointing at the values or template\nline that caused it. --select/--ignore pick rules by code or prefix; -o text,\njson or sarif; --strict fails on warnings. The template flags apply.",
        flags: &[TEMPLATE],
        subcommands: &[],
    },
    Cmd {
        name: "show",
        usage: "show all|chart|crds|readme|values [CHART] [flags]",
        short: "show information of a chart, as helm show does",
        long: "Print a chart's definition, values, README or CRDs, as helm show does.",
        flags: &[SHOW_VALUES],
        subcommands: &[
            ("all", "show all information of the chart"),
            ("chart", "show the chart's definition"),
            ("crds", "show the chart's CRDs"),
            ("readme", "show the chart's README"),
            ("values", "show the chart's values"),
        ],
    },
    Cmd {
        name: "version",
        usage: "version [flags]",
        short: "print the version information",
        long: "Print the version of Helm that capstan matches, with capstan's own version as\nbuild metadata (v4.3.1+capstan.X.Y.Z), in the forms `helm version` prints, so\nthat tools that check Helm's version (helmfile, kustomize --enable-helm) accept\ncapstan. --template takes the fields .Version, .GitCommit, .GitTreeState,\n.GoVersion and .KubeClientVersion.",
        flags: &[VERSION],
        subcommands: &[],
    },
    Cmd {
        name: "completion",
        usage: "completion bash|zsh|fish",
        short: "generate autocompletion scripts for the specified shell",
        long: "Print a completion script for bash, zsh or fish, generated from capstan's flag\ntable. For example: capstan completion bash > /etc/bash_completion.d/capstan",
        flags: &[],
        subcommands: &[
            ("bash", "generate autocompletion script for bash"),
            ("fish", "generate autocompletion script for fish"),
            ("zsh", "generate autocompletion script for zsh"),
        ],
    },
    Cmd {
        name: "man",
        usage: "man",
        short: "print the man page",
        long: "Print capstan's man page (roff), generated from the flag table. For example:\ncapstan man > /usr/local/share/man/man1/capstan.1",
        flags: &[],
        subcommands: &[],
    },
    Cmd {
        name: "help",
        usage: "help [command]",
        short: "Help about any command",
        long: "Help provides help for any command in the application.",
        flags: &[],
        subcommands: &[],
    },
];

/// The command of that name.
pub fn command(name: &str) -> Option<&'static Cmd> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// The global flag, by long name or shorthand letter.
pub fn global(long: Option<&str>, short: Option<char>) -> Option<&'static Flag> {
    GLOBAL.iter().find(|f| long.is_some_and(|l| f.long == l) || (short.is_some() && f.short == short))
}

/// The flag of that long name among these tables.
pub fn lookup(tables: &[&'static [Flag]], long: &str) -> Option<&'static Flag> {
    tables.iter().flat_map(|t| t.iter()).chain(GLOBAL).find(|f| f.long == long)
}

/// A clap command parsing these tables (and the global flags) and free words.
pub fn parser(name: &'static str, tables: &[&'static [Flag]]) -> Command {
    Command::new(name)
        .args_override_self(true)
        .disable_help_flag(true)
        .arg(Arg::new("args").action(ArgAction::Append).num_args(0..))
        .args(tables.iter().flat_map(|t| t.iter()).chain(GLOBAL).map(Flag::arg))
}

/// The whole command tree, for completions and the man page.
pub fn tree() -> Command {
    let mut root = Command::new("capstan")
        .about("A drop-in `helm template`: Helm 4.3.1's flags and byte-identical output.")
        .version(env!("CARGO_PKG_VERSION"))
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .args(GLOBAL.iter().map(|f| f.arg().global(true)));
    for c in COMMANDS {
        let mut sub = Command::new(c.name)
            .about(c.short)
            .long_about(c.long)
            .args(c.flags.iter().flat_map(|t| t.iter()).filter(|f| f.deprecated.is_none()).map(Flag::arg));
        if c.name == "help" {
            sub = sub.arg(
                Arg::new("command")
                    .value_parser(COMMANDS.iter().map(|c| c.name).collect::<Vec<_>>())
                    .action(ArgAction::Set),
            );
        }
        for (name, about) in c.subcommands {
            sub = sub.subcommand(Command::new(*name).about(*about));
        }
        if c.subcommands.is_empty() && !matches!(c.name, "version" | "man" | "help") {
            sub =
                sub.arg(Arg::new("args").action(ArgAction::Append).num_args(0..).value_hint(clap::ValueHint::AnyPath));
        }
        root = root.subcommand(sub);
    }
    root
}

/// `~` in a default as `$HOME`.
fn expand_home(s: &str) -> String {
    match std::env::var("HOME") {
        Ok(home) => s.replace('~', &home),
        Err(_) => s.to_string(),
    }
}

/// Flags listed the way pflag lists them: sorted, one a line, help in a column.
fn flag_lines(flags: &[&Flag]) -> String {
    let mut flags: Vec<&&Flag> = flags.iter().filter(|f| f.deprecated.is_none()).collect();
    flags.sort_by_key(|f| f.long);
    let heads: Vec<String> = flags
        .iter()
        .map(|f| {
            let mut h = match f.short {
                Some(c) => format!("  -{c}, --{}", f.long),
                None => format!("      --{}", f.long),
            };
            if !f.type_name.is_empty() {
                h.push(' ');
                h.push_str(f.type_name);
            }
            match f.bare {
                Some(b) if f.type_name == "string" => h.push_str(&format!("[=\"{b}\"]")),
                Some(b) => h.push_str(&format!("[={b}]")),
                None => {}
            }
            h
        })
        .collect();
    let width = heads.iter().map(String::len).max().unwrap_or(0);
    let mut out = String::new();
    for (f, h) in flags.iter().zip(heads) {
        out.push_str(&format!("{h:width$}   {}", f.help));
        if let Some(d) = f.default {
            out.push_str(&format!(" (default {})", expand_home(d)));
        }
        out.push('\n');
    }
    out
}

/// `capstan --help`.
pub fn root_help() -> String {
    let width = COMMANDS.iter().map(|c| c.name.len()).max().unwrap_or(0);
    let mut out = String::from(
        "capstan: a drop-in `helm template`, written in Rust: Helm 4.3.1's flags and\nbyte-identical output, and able to say where a value came from.\n\nUsage:\n  capstan [command]\n\nAvailable Commands:\n",
    );
    for c in COMMANDS {
        out.push_str(&format!("  {:width$}  {}\n", c.name, c.short));
    }
    let global: Vec<&Flag> = GLOBAL.iter().chain([&HELP]).collect();
    out.push_str(&format!(
        "\nFlags:\n{}\nUse \"capstan [command] --help\" for more information about a command.\n",
        flag_lines(&global)
    ));
    out
}

/// `capstan COMMAND --help`.
pub fn command_help(c: &Cmd) -> String {
    let mut out = format!("{}\n\nUsage:\n  capstan {}\n", c.long, c.usage);
    if !c.subcommands.is_empty() {
        let width = c.subcommands.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        out.push_str("\nAvailable Commands:\n");
        for (name, about) in c.subcommands {
            out.push_str(&format!("  {name:width$}  {about}\n"));
        }
    }
    let own: Vec<&Flag> = c.flags.iter().flat_map(|t| t.iter()).chain([&HELP]).collect();
    out.push_str(&format!("\nFlags:\n{}", flag_lines(&own)));
    let global: Vec<&Flag> = GLOBAL.iter().collect();
    out.push_str(&format!("\nGlobal Flags:\n{}", flag_lines(&global)));
    out
}

/// Flags that cannot be given together (cobra's groups, in the order it checks them).
const EXCLUSIVE: &[[&str; 2]] =
    &[["force", "force-conflicts"], ["force-replace", "force-conflicts"], ["validate", "dry-run"]];

/// Cobra's error for mutually exclusive flags given together.
pub fn exclusive(m: &ArgMatches) -> Result<(), String> {
    for group in EXCLUSIVE {
        let mut set: Vec<&str> = group.iter().copied().filter(|f| given(m, f)).collect();
        if set.len() > 1 {
            set.sort_unstable();
            return Err(format!(
                "if any flags in the group [{}] are set none of the others can be; [{}] were all set",
                group.join(" "),
                set.join(" ")
            ));
        }
    }
    Ok(())
}

/// Whether the flag was given on the command line.
pub fn given(m: &ArgMatches, id: &str) -> bool {
    m.try_get_raw(id).ok().flatten().is_some()
}

/// Checks every given value of these tables' flags in command-line order, as pflag
/// does while parsing: the warnings Helm prints (deprecations), or the first error.
pub fn check(m: &ArgMatches, tables: &[&'static [Flag]]) -> Result<Vec<String>, String> {
    let mut given_values: Vec<(usize, &Flag, String)> = Vec::new();
    for f in tables.iter().flat_map(|t| t.iter()).chain(GLOBAL) {
        let (Some(idx), Ok(Some(vals))) = (m.indices_of(f.long), m.try_get_many::<String>(f.long)) else {
            continue;
        };
        for (i, v) in idx.zip(vals) {
            given_values.push((i, f, v.clone()));
        }
    }
    given_values.sort_by_key(|(i, _, _)| *i);
    let mut warnings = Vec::new();
    let mut deprecated_seen: Vec<&str> = Vec::new();
    for (_, f, v) in given_values {
        check_value(f, &v, &mut warnings)
            .map_err(|e| format!("invalid argument \"{v}\" for \"{}\" flag: {e}", f.display()))?;
        if let Some(msg) = f.deprecated {
            if !deprecated_seen.contains(&f.long) {
                deprecated_seen.push(f.long);
                warnings.push(format!("Flag --{} has been deprecated, {msg}", f.long));
            }
        }
    }
    Ok(warnings)
}

/// One value's check.
fn check_value(f: &Flag, v: &str, warnings: &mut Vec<String>) -> Result<(), String> {
    match f.check {
        Check::Any => Ok(()),
        Check::Bool => crate::go_bool(v).map(|_| ()),
        Check::Duration => sprig::parse_duration(v).map(|_| ()),
        Check::Int => go_parse_int(v).map(|_| ()),
        Check::Float32 => go_parse_float32(v),
        Check::KeyValues => {
            for pair in v.split(',').filter(|p| !p.is_empty()) {
                if !pair.contains('=') {
                    return Err(format!("{pair} must be formatted as key=value"));
                }
            }
            Ok(())
        }
        Check::Wait => match v {
            "watcher" | "legacy" | "hookOnly" => Ok(()),
            "true" | "false" => {
                let to = if v == "true" { "watcher" } else { "hookOnly" };
                warnings.push(format!(
                    "level=WARN msg=\"--wait={v} is deprecated (boolean value) and can be replaced with --wait={to}\""
                ));
                Ok(())
            }
            _ => Err(format!("invalid wait input \"{v}\". Valid inputs are watcher, hookOnly, and legacy")),
        },
        // Helm checks the colour mode after parsing (see `color_error`).
        Check::Color => Ok(()),
    }
}

/// Helm's `--color`/`--colour` check, made before the command runs: a warning line
/// on stderr and exit status 1.
pub fn color_error(m: &ArgMatches) -> Option<String> {
    ["colour", "color"].iter().filter_map(|id| m.get_one::<String>(id)).find_map(|v| {
        (!matches!(v.as_str(), "never" | "auto" | "always")).then(|| {
            format!(
                "level=WARN msg=\"command failed\" error=\"invalid color mode \\\"{v}\\\": must be one of: never, auto, always\""
            )
        })
    })
}

/// Go's `strconv.ParseInt(s, 0, 64)` errors.
fn go_parse_int(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    let neg = s.starts_with('-');
    let (radix, body) = match digits.get(..2) {
        Some("0x" | "0X") => (16, &digits[2..]),
        Some("0o" | "0O") => (8, &digits[2..]),
        Some("0b" | "0B") => (2, &digits[2..]),
        _ if digits.len() > 1 && digits.starts_with('0') => (8, &digits[1..]),
        _ => (10, digits),
    };
    let body: String = if radix == 10 { body.to_string() } else { body.replace('_', "") };
    let syntax = || format!("strconv.ParseInt: parsing {}: invalid syntax", govalue::strconv::quote(s));
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return Err(syntax());
    }
    let signed = if neg { format!("-{body}") } else { body };
    i64::from_str_radix(&signed, radix)
        .map_err(|_| format!("strconv.ParseInt: parsing {}: value out of range", govalue::strconv::quote(s)))
}

/// Go's `strconv.ParseFloat(s, 32)` errors.
fn go_parse_float32(s: &str) -> Result<(), String> {
    let quoted = govalue::strconv::quote(s);
    let Some(f) = s.parse::<f64>().ok().or_else(|| govalue::strconv::parse_float(s)) else {
        return Err(format!("strconv.ParseFloat: parsing {quoted}: invalid syntax"));
    };
    let literal_inf = matches!(s.trim_start_matches(['+', '-']).to_ascii_lowercase().as_str(), "inf" | "infinity");
    if !literal_inf && (f.is_infinite() || f.abs() > f64::from(f32::MAX)) {
        return Err(format!("strconv.ParseFloat: parsing {quoted}: value out of range"));
    }
    Ok(())
}

/// Helm's check of `--dry-run` for `helm template`: its warning, or its error.
pub fn check_dry_run(v: &str) -> Result<Option<String>, String> {
    match v {
        "unset" => Ok(Some(
            "level=WARN msg=\"--dry-run is deprecated and should be replaced with '--dry-run=client'\"".into(),
        )),
        "client" | "server" => Ok(None),
        "none" => Err(format!("invalid dry-run value ({}). Must be \"server\" or \"client\"", govalue::strconv::quote(v))),
        _ => match crate::go_bool(v) {
            Err(_) => Err(format!(
                "invalid dry-run value ({}). Must be \"none\", \"server\", or \"client\"",
                govalue::strconv::quote(v)
            )),
            Ok(false) => {
                Err(format!("invalid dry-run value ({}). Must be \"server\" or \"client\"", govalue::strconv::quote(v)))
            }
            Ok(true) => Ok(Some(format!(
                "level=WARN msg=\"boolean '--dry-run={v}' flag is deprecated and must be replaced with '--dry-run=client'\""
            ))),
        },
    }
}

/// What [`split_own_flags`] separates.
pub struct OwnFlags {
    /// The subcommand's own flags, `(name, value)`, in order.
    pub own: Vec<(String, String)>,
    /// Everything else, for `template`'s parser.
    pub rest: Vec<String>,
}

/// A subcommand's own flags (`lint`'s, `diff`'s) taken out of its arguments; the
/// rest is left for `template`'s parser. A flag named in `bools` takes an optional
/// `=VALUE` (Go's boolean syntax; its value comes back as `true`/`false`); one named
/// in `takes_value` takes the next word or `=VALUE`; `-o` is `--output`. Everything
/// after `--` is left alone.
pub fn split_own_flags(
    args: Vec<String>,
    bools: &[&str],
    takes_value: impl Fn(&str) -> bool,
) -> Result<OwnFlags, String> {
    let (mut own, mut rest) = (Vec::new(), Vec::new());
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        if a == "--" {
            rest.push(a);
            rest.extend(it.by_ref());
            break;
        }
        let (name, inline) = if let Some(long) = a.strip_prefix("--") {
            match long.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (long.to_string(), None),
            }
        } else if let Some(v) = a.strip_prefix("-o") {
            let v = v.strip_prefix('=').unwrap_or(v);
            ("output".to_string(), (!v.is_empty()).then(|| v.to_string()))
        } else {
            rest.push(a);
            continue;
        };
        if bools.contains(&name.as_str()) {
            let on = match inline {
                Some(v) => {
                    crate::go_bool(&v).map_err(|e| format!("invalid argument \"{v}\" for \"--{name}\" flag: {e}"))?
                }
                None => true,
            };
            own.push((name, on.to_string()));
        } else if takes_value(&name) {
            let value = match inline {
                Some(v) => v,
                None => it.next().ok_or_else(|| format!("flag needs an argument: --{name}"))?,
            };
            own.push((name, value));
        } else {
            rest.push(a);
        }
    }
    Ok(OwnFlags { own, rest })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_numbers() {
        assert_eq!(go_parse_int("0x10"), Ok(16));
        assert_eq!(go_parse_int("-7"), Ok(-7));
        assert!(go_parse_int("x").unwrap_err().ends_with("invalid syntax"));
        assert!(go_parse_int("99999999999999999999").unwrap_err().ends_with("value out of range"));
        assert!(go_parse_float32("1e400").unwrap_err().ends_with("value out of range"));
        assert!(go_parse_float32("1e39").unwrap_err().ends_with("value out of range"));
        assert!(go_parse_float32("2.5").is_ok());
        assert!(go_parse_float32("x").unwrap_err().ends_with("invalid syntax"));
    }

    #[test]
    fn table_has_no_duplicates() {
        for c in COMMANDS {
            let mut names: Vec<&str> = c.flags.iter().flat_map(|t| t.iter()).chain(GLOBAL).map(|f| f.long).collect();
            let n = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), n, "{}", c.name);
        }
        tree().debug_assert();
    }
}
