//! Test support for the workspace's test suites.
//!
//! The shared suites (`../shared`, beside the repository) are never copied into the
//! project; tests read them in place. Outside CI a missing `../shared` skips those
//! tests with a message; in CI (`CI=true`) it fails them loudly, so a green CI always
//! means the shared suites ran.

use std::path::PathBuf;

/// The shared suites' folder, `../shared` beside the repository.
pub fn shared_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// Whether this run is CI's (`CI` set to `true` or `1`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The shared suites' folder when `marker` (a path inside it) exists. When it does
/// not: in CI, panics (the test fails); elsewhere prints `SKIPPED: ...` and gives
/// `None`.
pub fn shared_dir(marker: &str) -> Option<PathBuf> {
    let dir = shared_path();
    if dir.join(marker).exists() {
        return Some(dir);
    }
    let msg = format!("no shared suites at {} (expected {marker} there, beside the repository)", dir.display());
    if in_ci() {
        #[allow(clippy::panic)] // In CI a missing ../shared must fail the test run.
        {
            panic!("CI=true but {msg}");
        }
    }
    eprintln!("SKIPPED: {msg}");
    None
}

/// Like [`shared_dir`], but also needs `program` (e.g. `python3`) on the PATH, with
/// the same rule: a failure in CI, a message and a skip elsewhere.
pub fn shared_dir_with(marker: &str, program: &str) -> Option<PathBuf> {
    let dir = shared_dir(marker)?;
    if std::process::Command::new(program).arg("--version").output().is_ok() {
        return Some(dir);
    }
    let msg = format!("{program} is needed to run the shared suites");
    if in_ci() {
        #[allow(clippy::panic)] // In CI a missing runner must fail the test run.
        {
            panic!("CI=true but {msg}");
        }
    }
    eprintln!("SKIPPED: {msg}");
    None
}

/// A small deterministic mutation fuzzer for the in-repo fuzz tests: each input is
/// a seed from the repository's own charts with a few random edits (bit flips,
/// deletions, duplications, splices from other seeds and tokens that parsers treat
/// specially). Deterministic for a given seed, so a finding can be replayed.
pub struct Mutator {
    state: u64,
    tokens: Vec<Vec<u8>>,
}

impl Mutator {
    /// A mutator seeded with `seed` that also inserts the given `tokens`.
    pub fn new(seed: u64, tokens: &[&str]) -> Mutator {
        Mutator { state: seed ^ 0x9e37_79b9_7f4a_7c15, tokens: tokens.iter().map(|t| t.as_bytes().to_vec()).collect() }
    }

    /// The next pseudo-random number (SplitMix64).
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// A mutant of one of `seeds`: one to eight edits.
    pub fn mutate(&mut self, seeds: &[Vec<u8>]) -> Vec<u8> {
        let mut data = seeds.get(self.below(seeds.len())).cloned().unwrap_or_default();
        let edits = 1 + self.below(8);
        for _ in 0..edits {
            self.edit(&mut data, seeds);
        }
        data
    }

    fn edit(&mut self, data: &mut Vec<u8>, seeds: &[Vec<u8>]) {
        let len = data.len();
        match self.below(8) {
            0 if len > 0 => {
                let i = self.below(len);
                data[i] ^= 1 << self.below(8);
            }
            1 => {
                let i = self.below(len + 1);
                let b = self.next_u64() as u8;
                data.insert(i, b);
            }
            2 if len > 0 => {
                let i = self.below(len);
                let n = 1 + self.below((len - i).min(32));
                data.drain(i..i + n);
            }
            3 if len > 0 => {
                let i = self.below(len);
                let n = 1 + self.below((len - i).min(64));
                let piece: Vec<u8> = data[i..i + n].to_vec();
                let at = self.below(len + 1);
                let times = 1 + self.below(4);
                for _ in 0..times {
                    data.splice(at..at, piece.iter().copied());
                }
            }
            4 | 5 if !self.tokens.is_empty() => {
                let k = self.below(self.tokens.len());
                let t = self.tokens[k].clone();
                let at = self.below(len + 1);
                data.splice(at..at, t);
            }
            6 if !seeds.is_empty() => {
                let other = &seeds[self.below(seeds.len())];
                if !other.is_empty() {
                    let i = self.below(other.len());
                    let n = 1 + self.below((other.len() - i).min(128));
                    let at = self.below(len + 1);
                    data.splice(at..at, other[i..i + n].iter().copied());
                }
            }
            _ if len > 0 => {
                // Overwrite a byte with one that lexers care about.
                const SPECIAL: &[u8] = b"{}[]()|:-\"'`\\#&*!%@$.,= \t\n\r\x00\xff\xc3";
                let i = self.below(len);
                data[i] = SPECIAL[self.below(SPECIAL.len())];
            }
            _ => data.push(self.next_u64() as u8),
        }
    }
}

/// How many inputs each fuzz target tries: `CAPSTAN_FUZZ_ITERS`, or `default`.
pub fn fuzz_iterations(default: usize) -> usize {
    std::env::var("CAPSTAN_FUZZ_ITERS").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The fuzzers' seed: `CAPSTAN_FUZZ_SEED`, or a fixed one so CI runs are repeatable.
pub fn fuzz_seed() -> u64 {
    std::env::var("CAPSTAN_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(20261204)
}

/// A fresh, empty scratch directory for one test: `capstan-SUITE-NAME-PID` in the
/// system's temporary directory.
#[allow(clippy::expect_used)] // Test support: a failure here is a failed test.
pub fn scratch(suite: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("capstan-{suite}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Writes `data` to `path`, creating its folders.
#[allow(clippy::expect_used)] // Test support: a failure here is a failed test.
pub fn write(path: &std::path::Path, data: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
    std::fs::write(path, data).expect("write");
}
