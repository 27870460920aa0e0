//! A small deterministic `Host` for unit tests.

use govalue::{FuncError, FuncResult, Host, Value};

/// A host whose random source is a fixed-seed splitmix64 and whose clock is fixed.
pub(crate) struct TestHost {
    state: u64,
    /// The time `now_unix_nanos` reports.
    pub now: i128,
}

impl TestHost {
    /// A host seeded with a constant, at 2024-01-02T03:04:05Z.
    pub(crate) fn new() -> TestHost {
        TestHost { state: 42, now: 1_704_164_645_000_000_000 }
    }
}

impl Host for TestHost {
    fn include(&mut self, name: &str, data: &Value) -> Result<Vec<u8>, FuncError> {
        Ok(format!("[{name}:{data}]").into_bytes())
    }

    fn tpl(&mut self, text: &[u8], data: &Value) -> Result<Vec<u8>, FuncError> {
        Ok(format!("<{}|{data}>", String::from_utf8_lossy(text)).into_bytes())
    }

    fn random_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn now_unix_nanos(&mut self) -> i128 {
        self.now
    }
}

/// Calls a function of Helm's map by name.
pub(crate) fn call(host: &mut TestHost, name: &str, args: &[Value]) -> FuncResult {
    let map = crate::helm_func_map();
    let spec = map.get(name).unwrap_or_else(|| panic!("no function {name}"));
    (spec.body)(host, args)
}
