//! Go's dynamic values as Helm templates see them.
//!
//! - [`Value`]: one value type with Go's type distinctions and shared-reference maps.
//! - [`strconv::format_float`]: Go's float formatting, the base of `%v`, JSON and YAML.
//! - [`func`]: how template functions declare their Go signatures and are called.
//! - [`gostruct`]: Go structs as declared, read by `fmt` and the encoders.

pub mod bytekey;
pub mod func;
pub mod gostruct;
mod printable;
pub mod strconv;
pub mod value;

pub use func::{FuncBody, FuncError, FuncMap, FuncResult, FuncSpec, Host, Param};
pub use value::{ByteString, GoType, List, Map, MapEntries, MapKind, MethodSig, Object, Str, Value};
