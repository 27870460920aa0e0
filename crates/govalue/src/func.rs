//! The contract between the template engine and the functions it calls.
//!
//! Go's text/template checks each argument against the Go parameter type of the
//! function before calling it (`wrong type for value; expected int; got float64`), so
//! every function declares its Go signature here. The engine converts and checks the
//! arguments; the function body receives values that already have the declared type.

use std::collections::HashMap;

use crate::value::Value;

/// The Go type of one function parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    /// `interface{}`: anything, including nil.
    Any,
    /// `string`
    String,
    /// `int`: an untyped integer constant or a value of Go type `int`.
    Int,
    /// `int64`
    Int64,
    /// `float64`
    Float64,
    /// `bool`
    Bool,
    /// `[]interface{}`
    List,
    /// `[]string`
    StringList,
    /// `map[string]interface{}` (Helm's named `Values` type is accepted too).
    Map,
}

impl Param {
    /// The Go spelling used in error messages (`expected map[string]interface {}`).
    pub fn go_name(self) -> &'static str {
        match self {
            Param::Any => "interface {}",
            Param::String => "string",
            Param::Int => "int",
            Param::Int64 => "int64",
            Param::Float64 => "float64",
            Param::Bool => "bool",
            Param::List => "[]interface {}",
            Param::StringList => "[]string",
            Param::Map => "map[string]interface {}",
        }
    }
}

/// The error a function returns; the engine wraps it as
/// `error calling NAME: MESSAGE` with the template position.
#[derive(Clone, Debug, PartialEq)]
pub struct FuncError {
    /// The Go error text.
    pub message: String,
}

impl FuncError {
    /// An error with the given Go error text.
    pub fn new(message: impl Into<String>) -> FuncError {
        FuncError { message: message.into() }
    }
}

impl std::fmt::Display for FuncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// What a function call returns.
pub type FuncResult = Result<Value, FuncError>;

/// Services the engine offers to functions that need more than their arguments:
/// Helm's `include` and `tpl` run templates, the random and clock functions draw
/// from a source that `--seed` can make deterministic.
pub trait Host {
    /// Executes the named template with `data` and returns its output bytes (`include`).
    fn include(&mut self, name: &str, data: &Value) -> Result<Vec<u8>, FuncError>;

    /// Parses `text` as a template, with the defines of the current template set
    /// visible, and executes it with `data` (`tpl`); returns the output bytes. The
    /// text is the Go string's bytes (text that is not UTF-8 is kept, as in Go).
    fn tpl(&mut self, text: &[u8], data: &Value) -> Result<Vec<u8>, FuncError>;

    /// A uniformly random 64-bit number: from the operating system's CSPRNG, or
    /// from a deterministic generator when `--seed` is given.
    fn random_u64(&mut self) -> u64;

    /// The current time as nanoseconds since the Unix epoch (fixed when `--seed` is given).
    fn now_unix_nanos(&mut self) -> i128;
}

/// A function body. `args` already match the declared parameter types.
pub type FuncBody = fn(&mut dyn Host, &[Value]) -> FuncResult;

/// One template function with its Go signature.
#[derive(Clone, Copy)]
pub struct FuncSpec {
    /// The name templates call it by.
    pub name: &'static str,
    /// Fixed parameters, in order.
    pub params: &'static [Param],
    /// The element type of a trailing variadic parameter, if any.
    pub variadic: Option<Param>,
    /// Whether the Go function also returns an `error` (so a failure stops the
    /// render); functions that cannot fail in Go must not return `Err`.
    pub can_fail: bool,
    /// The implementation.
    pub body: FuncBody,
}

/// The functions a template set can call, by name.
#[derive(Clone, Default)]
pub struct FuncMap {
    /// Looked up at every call: a fast (randomly seeded) hasher.
    funcs: HashMap<&'static str, FuncSpec, foldhash::fast::RandomState>,
}

impl FuncMap {
    /// An empty function map.
    pub fn new() -> FuncMap {
        FuncMap::default()
    }

    /// Adds (or replaces) functions.
    pub fn extend(&mut self, specs: impl IntoIterator<Item = FuncSpec>) {
        for spec in specs {
            self.funcs.insert(spec.name, spec);
        }
    }

    /// Removes a function (Helm deletes `env` and `expandenv` from Sprig's map).
    pub fn remove(&mut self, name: &str) {
        self.funcs.remove(name);
    }

    /// Looks a function up by name.
    pub fn get(&self, name: &str) -> Option<&FuncSpec> {
        self.funcs.get(name)
    }

    /// Whether `name` is defined.
    pub fn contains(&self, name: &str) -> bool {
        self.funcs.contains_key(name)
    }
}
