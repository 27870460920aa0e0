//! Go strings are bytes: a chart whose `files/` holds binary data (every byte value)
//! renders exactly as Helm 4.3.1 renders it (`.Files.Get | b64enc`, hashes, `len`,
//! `b64dec` round trips, `substr`/`trunc` cutting a character), and a manifest that
//! prints bytes that are not UTF-8 fails with Helm's YAML error. Template source
//! itself is bytes too (text, raw strings and `tpl` text keep stray bytes).
//!
//! The expected output was printed by the real Helm (`tests/expected/binary-strings.yaml`).
//! With `REFERENCE_HELM` set to a Helm 4.3.1 binary, the test also compares live.
// Test code: a failed unwrap or panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use testkit::write;

/// 512 bytes: every value 0..=255 once, then a fixed permutation of them.
fn keystore_bytes() -> Vec<u8> {
    let mut data: Vec<u8> = (0..=255u8).collect();
    data.extend((0..256u32).map(|i| ((i * 73 + 41) % 256) as u8));
    data
}

const BIN_YAML: &str = r#"apiVersion: v1
kind: Secret
metadata:
  name: keystore
data:
  keystore.bin: {{ .Files.Get "files/keystore.bin" | b64enc }}
  fromBytes: {{ .Files.GetBytes "files/keystore.bin" | toString | b64enc }}
stringData:
  sha256: {{ .Files.Get "files/keystore.bin" | sha256sum }}
  sha1: {{ .Files.Get "files/keystore.bin" | sha1sum }}
  adler32: {{ .Files.Get "files/keystore.bin" | adler32sum | quote }}
  len: {{ .Files.Get "files/keystore.bin" | len | quote }}
  roundTrip: {{ .Files.Get "files/keystore.bin" | b64enc | b64dec | b64enc }}
  sameAfterRoundTrip: {{ eq (.Files.Get "files/keystore.bin") (.Files.Get "files/keystore.bin" | b64enc | b64dec) | quote }}
  b32: {{ .Files.Get "files/keystore.bin" | b32enc | b32dec | sha256sum }}
  substr: {{ .Files.Get "files/text.txt" | substr 0 2 | b64enc }}
  substrLen: {{ .Files.Get "files/text.txt" | substr 0 2 | len | quote }}
  trunc: {{ .Files.Get "files/text.txt" | trunc 2 | b64enc }}
  truncTail: {{ .Files.Get "files/text.txt" | trunc -3 | b64enc }}
  quote: {{ "aGVsbG8g/w==" | b64dec | quote }}
  printfQ: {{ printf "%q" ("aGVsbG8g/w==" | b64dec) | quote }}
  printfX: {{ printf "%x" ("aGVsbG8g/w==" | b64dec) | quote }}
  printfS: {{ printf "%s|%8s|%.3s" ("aGVsbG8g/w==" | b64dec) ("aGVsbG8g/w==" | b64dec) ("aGVsbG8g/w==" | b64dec) | b64enc }}
  squote: {{ "aGVsbG8g/w==" | b64dec | squote | b64enc }}
  cat: {{ cat ("aGVsbG8g/w==" | b64dec) "x" | b64enc }}
  join: {{ list ("aGVsbG8g/w==" | b64dec) "x" | join "," | b64enc }}
  replace: {{ "aGVsbG8g/w==" | b64dec | replace "h" "j" | b64enc }}
  upper: {{ "aGVsbG8g/w==" | b64dec | upper | b64enc }}
  toJson: {{ "aGVsbG8g/w==" | b64dec | toJson | quote }}
  toYaml: {{ dict "k" ("aGVsbG8g/w==" | b64dec) | toYaml | quote }}
  typeOf: {{ "aGVsbG8g/w==" | b64dec | typeOf }}
  aes: {{ .Files.Get "files/keystore.bin" | encryptAES "secret" | decryptAES "secret" | sha256sum }}
  lines: {{ .Files.Lines "files/keystore.bin" | len | quote }}
  secrets: {{ (.Files.Glob "files/keystore.bin").AsSecrets | sha256sum }}
  print: {{ print ("aGVsbG8g/w==" | b64dec) 1 | b64enc }}
  include: {{ include "bt.raw" . | b64enc }}
  trim: {{ "ICBoZWxsbyD/IAo=" | b64dec | trim | b64enc }}
  trimAll: {{ "aGVsbG8g/w==" | b64dec | trimAll "h" | b64enc }}
  nindent: {{ "aGVsbG8g/w==" | b64dec | nindent 2 | b64enc }}
  fromYaml: {{ "aGVsbG8g/w==" | b64dec | fromYaml | toJson | quote }}
"#;

const RAW_YAML: &str = r#"{{- if eq .Values.raw "byte" }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: raw
data:
  raw: {{ "aGVsbG8g/w==" | b64dec | squote }}
{{- else if eq .Values.raw "cut" }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: cut
data:
  cut: {{ .Files.Get "files/text.txt" | substr 0 2 }}
{{- end }}
"#;

const SET_FILE_YAML: &str = r#"{{- if .Values.k }}
sf: {{ .Values.k | b64enc }}
len: {{ .Values.k | len }}
{{- end }}
"#;

/// Writes the test chart under a fresh scratch directory and returns its path.
fn binary_chart(tag: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("capstan-binary-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let chart = root.join("bt");
    write(&chart.join("Chart.yaml"), b"apiVersion: v2\nname: bt\nversion: 0.1.0\n");
    write(&chart.join("values.yaml"), b"raw: \"\"\n");
    write(&chart.join("files/keystore.bin"), keystore_bytes());
    write(&chart.join("files/text.txt"), "héllo wörld €\n".as_bytes());
    write(&chart.join("templates/NOTES.txt"), b"Raw bytes in notes: {{ \"aGVsbG8g/w==\" | b64dec }}\n");
    write(
        &chart.join("templates/_helpers.tpl"),
        b"{{- define \"bt.raw\" }}{{ \"aGVsbG8g/w==\" | b64dec }}{{ end -}}\n",
    );
    write(&chart.join("templates/bin.yaml"), BIN_YAML.as_bytes());
    write(&chart.join("templates/raw.yaml"), RAW_YAML.as_bytes());
    write(&chart.join("templates/sf.yaml"), SET_FILE_YAML.as_bytes());
    chart
}

/// Runs `program template bt CHART extra…`; returns exit code, stdout bytes, stderr.
fn run(program: &Path, chart: &Path, extra: &[&str]) -> (i32, Vec<u8>, String) {
    let out =
        Command::new(program).arg("template").arg("bt").arg(chart).args(extra).output().expect("the renderer runs");
    (out.status.code().unwrap_or(-1), out.stdout, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn capstan() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_capstan"))
}

fn reference_helm() -> Option<PathBuf> {
    std::env::var_os("REFERENCE_HELM").map(PathBuf::from).filter(|p| p.is_file())
}

fn expected(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/expected").join(name);
    std::fs::read(path).expect("expected output is checked in")
}

#[test]
fn binary_files_keep_every_byte_like_helm() {
    let chart = binary_chart("render");
    let (code, stdout, stderr) = run(&capstan(), &chart, &[]);
    assert_eq!(code, 0, "stderr: {stderr}");
    assert_eq!(String::from_utf8_lossy(&stdout), String::from_utf8_lossy(&expected("binary-strings.yaml")));
    assert_eq!(stdout, expected("binary-strings.yaml"));
    if let Some(helm) = reference_helm() {
        let (hcode, hout, herr) = run(&helm, &chart, &[]);
        assert_eq!((hcode, hout), (0, expected("binary-strings.yaml")), "helm stderr: {herr}");
    }
    let _ = std::fs::remove_dir_all(chart.parent().expect("scratch root"));
}

/// What Helm 4.3.1 printed for each mode of `templates/raw.yaml`.
const RAW_ERRORS: &[(&str, &str)] = &[
    (
        "raw=byte",
        "Error: YAML parse error on bt/templates/raw.yaml: error converting YAML to JSON: yaml: invalid leading UTF-8 octet\n\nUse --debug flag to render out invalid YAML\n",
    ),
    (
        "raw=cut",
        "Error: YAML parse error on bt/templates/raw.yaml: error converting YAML to JSON: yaml: invalid trailing UTF-8 octet\n\nUse --debug flag to render out invalid YAML\n",
    ),
];

#[test]
fn invalid_utf8_in_a_manifest_fails_like_helm() {
    let chart = binary_chart("raw");
    let out_dir = chart.parent().expect("scratch root").join("out");
    let out_arg = out_dir.to_string_lossy().into_owned();
    for (set, want) in RAW_ERRORS {
        for extra in [vec!["--set", set], vec!["--set", set, "--output-dir", &out_arg]] {
            let (code, stdout, stderr) = run(&capstan(), &chart, &extra);
            assert_eq!(code, 1, "{extra:?}: stderr: {stderr}");
            assert!(stdout.is_empty(), "{extra:?}: stdout must be empty");
            assert_eq!(&stderr, want, "{extra:?}");
            assert!(!out_dir.exists(), "{extra:?}: nothing is written on failure");
            if let Some(helm) = reference_helm() {
                let (hcode, hout, herr) = run(&helm, &chart, &extra);
                assert_eq!((hcode, hout.is_empty(), herr.as_str()), (1, true, *want), "{extra:?}");
            }
        }
    }
    let _ = std::fs::remove_dir_all(chart.parent().expect("scratch root"));
}

#[test]
fn binary_set_file_and_values_files_read_bytes_like_helm() {
    let chart = binary_chart("values");
    let root = chart.parent().expect("scratch root").to_path_buf();
    let set_file = format!("k={}", chart.join("files/keystore.bin").display());
    let args = ["--set-file", set_file.as_str(), "-s", "templates/sf.yaml"];
    let (code, stdout, stderr) = run(&capstan(), &chart, &args);
    assert_eq!(code, 0, "stderr: {stderr}");
    assert_eq!(stdout, expected("binary-strings-set-file.yaml"));
    let bad = root.join("bad-values.yaml");
    write(&bad, b"a: \"x\xff\"\n");
    let bad_arg = bad.to_string_lossy().into_owned();
    let (code, stdout, stderr) = run(&capstan(), &chart, &["-f", &bad_arg]);
    assert_eq!((code, stdout.is_empty()), (1, true), "stderr: {stderr}");
    let want = format!(
        "Error: failed to parse {bad_arg}: cannot unmarshal yaml document: error converting YAML to JSON: yaml: invalid leading UTF-8 octet\n"
    );
    assert_eq!(stderr, want);
    if let Some(helm) = reference_helm() {
        let (hcode, hout, herr) = run(&helm, &chart, &args);
        assert_eq!((hcode, hout), (0, expected("binary-strings-set-file.yaml")), "helm stderr: {herr}");
        let (hcode, _, herr) = run(&helm, &chart, &["-f", &bad_arg]);
        assert_eq!((hcode, herr), (1, want));
    }
    let _ = std::fs::remove_dir_all(root);
}

/// Template source is bytes in Go: (what, template, extra chart files, exit code,
/// stdout or stderr). Every expectation is what Helm 4.3.1 printed for the same
/// chart (`helm template c CHART`, the case as `templates/t.yaml`): text and raw
/// strings keep stray bytes, double-quoted strings and character constants decode
/// them as U+FFFD, positions count bytes and errors quote them as `\xff`.
type SourceCase = (&'static str, &'static [u8], &'static [(&'static str, &'static [u8])], i32, &'static [u8]);

const SOURCE_CASES: &[SourceCase] = &[
    (
        "literal text, comments, string constants and raw strings",
        b"a: {{ \"q\xfeq\" | b64enc }}\n{{/* h\xffi */}}\nb: {{ len \"q\xfeq\" }}\nc: {{ `r\xe2\x82` | b64enc }}\nd: {{ \"q\\xfeq\" | b64enc }}\ne: {{ tpl \"{{ `\xf0` | b64enc }}z\xc3\" . | b64enc }}\nf: {{ printf \"%q\" \"a\xffb\" }}\ng: {{ \"\xff\" | quote }}\nh: {{ include \"x\" . | b64enc }}\ni: {{ '\xff' }}\nj: {{ `\xf4\x8f\xb9\x81` | b64enc }}\nk: {{ tpl (.Files.Get \"f.txt\") . | b64enc }}\nl: {{ \"\xf4\x8f\xb9\x81\" | b64enc }}\n{{- define \"x\" }}A\xffB{{ end }}\n",
        &[("f.txt", b"{{ `\xf0` | b64enc }}x\xff")],
        0,
        b"---\n# Source: c/templates/t.yaml\na: ce+/vXE=\n\nb: 5\nc: cuKC\nd: cf5x\ne: NzcrOXrvv70=\nf: \"a\xef\xbf\xbdb\"\ng: \"\xef\xbf\xbd\"\nh: Qf9C\ni: 65533\nj: 9I+5gQ==\nk: OEE9PXj/\nl: 9I+5gQ==\n",
    ),
    (
        "text printed into the manifest",
        b"a: x\xff\n",
        &[],
        1,
        b"Error: YAML parse error on c/templates/t.yaml: error converting YAML to JSON: yaml: invalid leading UTF-8 octet\n\nUse --debug flag to render out invalid YAML\n",
    ),
    (
        "an execution error after a stray byte: Go's byte column",
        b"a: \xff\xfe {{ fail \"boom\" }}\n",
        &[],
        1,
        b"Error: execution error at (c/templates/t.yaml:1:9): boom\n\nUse --debug flag to render out invalid YAML\n",
    ),
    (
        "a stray byte inside an action",
        b"a: {{ \xff }}\n",
        &[],
        1,
        b"Error: parse error at (c/templates/t.yaml:1): U+FFFD '\xef\xbf\xbd'\n\nUse --debug flag to render out invalid YAML\n",
    ),
    (
        "a stray byte ending a field name",
        b"a: {{ .Values.x\xff }}\n",
        &[],
        1,
        b"Error: parse error at (c/templates/t.yaml:1): bad character U+FFFD '\xef\xbf\xbd'\n\nUse --debug flag to render out invalid YAML\n",
    ),
    (
        "a string token in a parse error",
        b"a: {{ end \"x\xffyz\" }}\n",
        &[],
        1,
        b"Error: parse error at (c/templates/t.yaml:1): unexpected \"\\\"x\\xffyz\\\"\" in end\n\nUse --debug flag to render out invalid YAML\n",
    ),
    (
        "a long string token in a parse error",
        b"a: {{ end \"x\xffyzabcdefghijk\" }}\n",
        &[],
        1,
        b"Error: parse error at (c/templates/t.yaml:1): unexpected \"\\\"x\\xffyzabcde\"... in end\n\nUse --debug flag to render out invalid YAML\n",
    ),
    (
        "tpl text from a file that fails to parse",
        b"{{ tpl (.Files.Get \"f.txt\") . | b64enc }}\n",
        &[("f.txt", b"a{{ `\xf0` | b64enc }}x\xff {{ end }}")],
        1,
        b"Error: template: c/templates/t.yaml:1:3: executing \"c/templates/t.yaml\" at <tpl (.Files.Get \"f.txt\") .>: error calling tpl: cannot parse template \"a{{ `\\xf0` | b64enc }}x\\xff {{ end }}\": template: gotpl:1: unexpected {{end}}\n\nUse --debug flag to render out invalid YAML\n",
    ),
];

/// Map keys, lists and text functions over byte strings, checked the same way:
/// Go keeps a key's bytes (range, `keys`, `%v`, `toToml`, `sortAlpha`/`join`) and
/// its JSON and YAML encoders write each stray byte as U+FFFD.
const MAP_KEY_CASES: &[SourceCase] = &[
    (
        "dict, set, keys, range, index, get, pick, omit and the encoders",
        b"{{- $k := \"aMr/\" | b64dec }}\n{{- $d := dict $k 1 \"b\" 2 }}\n{{- $_ := set $d (\"/w==\" | b64dec) 3 }}\na: {{ $d | toJson | b64enc }}\nb: {{ $d | toYaml | b64enc }}\nc: {{ keys $d | sortAlpha | toJson | b64enc }}\nd: {{ range $kk, $v := $d }}{{ $kk | b64enc }}={{ $v }};{{ end }}\ne: {{ $d | toToml | b64enc }}\nf: {{ hasKey $d $k }}\ng: {{ index $d $k }}\nh: {{ get $d $k }}\ni: {{ $d | toPrettyJson | b64enc }}\nj: {{ $d | mustToRawJson | b64enc }}\nk: {{ printf \"%v\" $d | b64enc }}\nl: {{ omit $d $k | toJson | b64enc }}\nm: {{ pick $d $k | toJson | b64enc }}\nn: {{ keys $d | sortAlpha | join \",\" | b64enc }}\n",
        &[],
        0,
        b"---\n# Source: c/templates/t.yaml\na: eyJiIjoyLCJo77+977+9IjoxLCLvv70iOjN9\nb: 77+9OiAzCmI6IDIKaO+/ve+/vTogMQ==\nc: WyJiIiwiaO+/ve+/vSIsIu+/vSJd\nd: Yg===2;aMr/=1;/w===3;\ne: YiA9IDIKImjK/yIgPSAxCiL/IiA9IDMK\nf: true\ng: 1\nh: 1\ni: ewogICJiIjogMiwKICAiaO+/ve+/vSI6IDEsCiAgIu+/vSI6IDMKfQ==\nj: eyJiIjoyLCJo77+977+9IjoxLCLvv70iOjN9\nk: bWFwW2I6MiBoyv86MSD/OjNd\nl: eyJiIjoyLCLvv70iOjN9\nm: eyJo77+977+9IjoxfQ==\nn: Yixoyv8s/w==\n",
    ),
    (
        "sortAlpha, toToml, uniq, has, without on byte strings",
        b"{{ $s := \"aMr/\" | b64dec }}a: {{ dict \"k\" $s \"l\" (list $s) | toToml | b64enc }}\nb: {{ list $s \"b\" \"\\x80\" | sortAlpha | join \",\" | b64enc }}\nc: {{ list $s \"a\" $s | uniq | join \",\" | b64enc }}\nd: {{ list $s \"a\" | has $s }}\ne: {{ without (list $s \"a\") $s | join \",\" | b64enc }}\nf: {{ list $s \"a\" | mustHas (printf \"%s\" \"h\xc3\xbf\") }}\n",
        &[],
        0,
        b"---\n# Source: c/templates/t.yaml\na: ayA9ICJoyv8iCmwgPSBbImjK/yJdCg==\nb: Yixoyv8sgA==\nc: aMr/LGE=\nd: true\ne: YQ==\nf: false\n",
    ),
    (
        "Go's rune decoding: each stray byte of a cut character is one U+FFFD",
        b"{{ $s := \"4oI=\" | b64dec }}a: {{ $s | upper | b64enc }}\nb: {{ $s | toJson | b64enc }}\nc: {{ dict $s 1 | toJson | b64enc }}\nd: {{ $s | quote | b64enc }}\ne: {{ $s | title | b64enc }}\nf: {{ $s | toYaml | b64enc }}\n",
        &[],
        0,
        b"---\n# Source: c/templates/t.yaml\na: 77+977+9\nb: Iu+/ve+/vSI=\nc: eyLvv73vv70iOjF9\nd: Ilx4ZTJceDgyIg==\ne: 77+977+9\nf: 77+977+9\n",
    ),
    (
        "string, regex and escaping functions keep the bytes they do not change",
        b"{{ $s := \"aMr/LWI=\" | b64dec }}{{ $f := \"/w==\" | b64dec }}\na: {{ contains $f $s }}\nb: {{ hasPrefix (\"aMo=\" | b64dec) $s }}\nc: {{ hasSuffix (\"/y1i\" | b64dec) $s }}\nd: {{ $s | replace $f \"X\" | b64enc }}\ne: {{ $s | replace \"-\" $f | b64enc }}\nf: {{ split \"-\" $s | toJson | b64enc }}\nf2: {{ (split \"-\" $s)._0 | b64enc }}\ng: {{ splitList \"-\" $s | join \"|\" | b64enc }}\ng2: {{ splitList $f $s | join \"|\" | b64enc }}\nh: {{ splitn \"-\" 2 $s | toJson | b64enc }}\ni: {{ $s | trimPrefix \"h\" | b64enc }}\nj: {{ $s | trimSuffix \"b\" | b64enc }}\nj2: {{ $s | trimSuffix (\"LWI=\" | b64dec) | b64enc }}\nk: {{ $s | indent 2 | b64enc }}\nl: {{ cat $s $s | b64enc }}\nm: {{ regexMatch \"h.*b\" $s }}\nn: {{ regexFind \"h..\" $s | b64enc }}\no: {{ regexReplaceAll \"-\" $s \"+\" | b64enc }}\no2: {{ regexReplaceAllLiteral \"-\" $s \"+\" | b64enc }}\np: {{ regexSplit \"-\" $s -1 | join \"|\" | b64enc }}\nq: {{ regexFindAll \".\" $s -1 | join \"|\" | b64enc }}\nr: {{ $s | lower | b64enc }}\ns: {{ $s | repeat 2 | b64enc }}\nt: {{ $s | abbrev 5 | b64enc }}\nu: {{ $s | nospace | b64enc }}\nw: {{ $s | trunc 3 | b64enc }}\nx: {{ $s | wrap 2 | b64enc }}\ny: {{ $s | initials | b64enc }}\nz: {{ $s | toStrings | join \",\" | b64enc }}\nA: {{ $s | default \"x\" | b64enc }}\nB: {{ coalesce \"\" $s | b64enc }}\nC: {{ $s | trimAll $f | b64enc }}\nD: {{ $s | trim | b64enc }}\nE: {{ $s | untitle | b64enc }}\nF: {{ $s | swapcase | b64enc }}\nH: {{ $s | camelcase | b64enc }}\nI: {{ $s | shuffle | len }}\n\nK: {{ $s | wrapWith 2 \"|\" | b64enc }}\nL: {{ $s | substr 1 4 | b64enc }}\nM: {{ regexQuoteMeta $s | b64enc }}\n\nO: {{ list $s | toStrings | first | b64enc }}\nP: {{ ternary $s \"n\" true | b64enc }}\nQ: {{ $s | urlquery | b64enc }}\nR: {{ $s | html | b64enc }}\nS: {{ $s | js | b64enc }}\nT: {{ mustRegexReplaceAll \"(h)\" $s \"${1}1\" | b64enc }}\nU: {{ $s | toString | b64enc }}\nV: {{ printf \"%-6s|%6.2s|%x\" $s $s $s | b64enc }}\nW: {{ $s | sha1sum }}\n",
        &[],
        0,
        b"---\n# Source: c/templates/t.yaml\na: true\nb: true\nc: true\nd: aMpYLWI=\ne: aMr//2I=\nf: eyJfMCI6Imjvv73vv70iLCJfMSI6ImIifQ==\nf2: aMr/\ng: aMr/fGI=\ng2: aMp8LWI=\nh: eyJfMCI6Imjvv73vv70iLCJfMSI6ImIifQ==\ni: yv8tYg==\nj: aMr/LQ==\nj2: aMr/\nk: ICBoyv8tYg==\nl: aMr/LWIgaMr/LWI=\nm: true\nn: aMr/\no: aMr/K2I=\no2: aMr/K2I=\np: aMr/fGI=\nq: aHzKfP98LXxi\nr: aO+/ve+/vS1i\ns: aMr/LWJoyv8tYg==\nt: aMr/LWI=\nu: aMr/LWI=\nw: aMr/\nx: aMr/LWI=\ny: aA==\nz: aMr/LWI=\nA: aMr/LWI=\nB: aMr/LWI=\nC: aMr/LWI=\nD: aMr/LWI=\nE: aO+/ve+/vS1i\nF: SO+/ve+/vS1C\nH: SO+/ve+/vUI=\nI: 9\n\nK: aMp8/y18Yg==\nL: yv8t\nM: aMr/LWI=\n\nO: aMr/LWI=\nP: aMr/LWI=\nQ: aCVDQSVGRi1i\nR: aMr/LWI=\nS: aMr/LWI=\nT: aDHK/y1i\nU: aMr/LWI=\nV: aMr/LWIgfCAgICBoynw2OGNhZmYyZDYy\nW: be0add2f570a8e32fb25d73f45dfa9b9bb40a06c\n",
    ),
    (
        "split into characters, stray-byte needles, html/js/urlquery, abbrevboth, splitn",
        b"{{ $s := \"aMr/LWI=\" | b64dec }}a: {{ splitList \"\" $s | join \"|\" | b64enc }}\nb: {{ contains \"\xef\xbf\xbd\" $s }}\nc: {{ $s | html | b64enc }}\nd: {{ print $s 1 | js | b64enc }}\ne: {{ urlquery $s \"x\" | b64enc }}\nf: {{ abbrevboth 1 7 (print $s $s $s) | b64enc }}\ng: {{ splitn \"-\" 1 $s | toJson | b64enc }}\nh: {{ regexSplit \"\" $s -1 | join \"|\" | b64enc }}\n\n",
        &[],
        0,
        b"---\n# Source: c/templates/t.yaml\na: aHzKfP98LXxi\nb: false\nc: aMr/LWI=\nd: aMr/LWIx\ne: aCVDQSVGRi1ieA==\nf: aMr/LS4uLg==\ng: eyJfMCI6Imjvv73vv70tYiJ9\nh: aHzKfP98LXxi\n",
    ),
];

/// Writes a chart `c` whose only template is `template`, with `files`.
fn source_chart(i: &str, template: &[u8], files: &[(&str, &[u8])]) -> PathBuf {
    let root = std::env::temp_dir().join(format!("capstan-binary-source-{i}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let chart = root.join("c");
    write(&chart.join("Chart.yaml"), b"apiVersion: v2\nname: c\nversion: 0.1.0\n");
    write(&chart.join("templates/t.yaml"), template);
    for (name, data) in files {
        write(&chart.join(name), data);
    }
    chart
}

#[test]
fn template_source_bytes_are_kept_like_helm() {
    check_cases("source", SOURCE_CASES);
}

#[test]
fn byte_string_map_keys_and_lists_like_helm() {
    check_cases("keys", MAP_KEY_CASES);
}

/// Renders each case with capstan (and the reference Helm when `REFERENCE_HELM` is set).
fn check_cases(tag: &str, cases: &[SourceCase]) {
    for (i, (what, template, files, want_code, want)) in cases.iter().enumerate() {
        let chart = source_chart(&format!("{tag}-{i}"), template, files);
        for program in std::iter::once(capstan()).chain(reference_helm()) {
            let out = Command::new(&program).arg("template").arg("c").arg(&chart).output().expect("the renderer runs");
            let code = out.status.code().unwrap_or(-1);
            let got = if code == 0 { out.stdout } else { out.stderr };
            assert_eq!(
                (code, String::from_utf8_lossy(&got)),
                (*want_code, String::from_utf8_lossy(want)),
                "{what} ({})",
                program.display()
            );
            assert_eq!(&got, want, "{what} ({})", program.display());
        }
        let _ = std::fs::remove_dir_all(chart.parent().expect("scratch root"));
    }
}
