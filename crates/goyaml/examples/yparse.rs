//! Prints how `goyaml::parse` reads each file given on the command line: the value
//! as JSON-ish `%v`, or the error text. A tool for comparing with the reference Helm.

fn main() {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        match goyaml::parse(&text) {
            Ok(v) => println!("{path}: OK {}", v.to_go_string()),
            Err(e) => println!("{path}: {e}"),
        }
    }
}
