//! Go's `fmt` package as templates reach it: `Sprint`, `Sprintln` and `Sprintf`
//! over [`Value`]s, with Go's verbs, flags, argument indexes and error forms.
//! Output is bytes, as in Go: a string operand's bytes are copied exactly.

use govalue::strconv::{
    can_backquote, format_float, is_print, quote_bytes, quote_rune, quote_rune_to_ascii, quote_to_ascii_bytes,
};
use govalue::Value;

/// The value of an unsigned integer (`uint8`, `uint64`); 0 for anything else.
fn unsigned(v: &Value) -> i128 {
    match v {
        Value::Uint8(b) => i128::from(*b),
        Value::Uint64(u) => i128::from(*u),
        _ => 0,
    }
}

/// Go's `fmt.Sprint`: operands separated by a space when neither side is a string.
pub fn sprint(args: &[Value]) -> Vec<u8> {
    let mut p = Printer::default();
    let mut prev_string = false;
    for (i, arg) in args.iter().enumerate() {
        let is_string = arg.is_string();
        if i > 0 && !is_string && !prev_string {
            p.buf.push(' ');
        }
        p.print_arg(arg, 'v');
        prev_string = is_string;
    }
    p.buf.0
}

/// Go's `fmt.Sprintln`: operands always separated by spaces, then a newline.
pub fn sprintln(args: &[Value]) -> Vec<u8> {
    let mut p = Printer::default();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            p.buf.push(' ');
        }
        p.print_arg(arg, 'v');
    }
    p.buf.push('\n');
    p.buf.0
}

/// Go's `fmt.Sprintf`.
pub fn sprintf(format: &str, args: &[Value]) -> Vec<u8> {
    let mut p = Printer::default();
    p.do_printf(format, args);
    p.buf.0
}

/// One value formatted with a single verb and no flags (`fmt.Sprintf("%s", v)`).
pub fn format_verb(value: &Value, verb: char) -> Vec<u8> {
    let mut p = Printer::default();
    p.print_arg(value, verb);
    p.buf.0
}

#[derive(Default, Clone, Copy)]
struct Flags {
    plus: bool,
    minus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    plus_v: bool,
    sharp_v: bool,
    wid: Option<usize>,
    prec: Option<usize>,
}

/// The output of one print: bytes, written as text or copied from Go strings.
#[derive(Default)]
struct Buf(Vec<u8>);

impl Buf {
    fn push(&mut self, c: char) {
        let mut b = [0u8; 4];
        self.0.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
    }

    fn push_str(&mut self, s: &str) {
        self.0.extend_from_slice(s.as_bytes());
    }

    fn push_bytes(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }
}

/// The bytes of each rune of a Go string, as Go's `range` decodes it: a byte that
/// does not start a valid UTF-8 sequence is one rune (U+FFFD) of width 1.
fn go_runes(s: &[u8]) -> impl Iterator<Item = &[u8]> {
    s.utf8_chunks().flat_map(|chunk| {
        let valid = chunk.valid();
        valid.char_indices().map(move |(i, c)| &valid.as_bytes()[i..i + c.len_utf8()]).chain(chunk.invalid().chunks(1))
    })
}

#[derive(Default)]
struct Printer {
    buf: Buf,
    f: Flags,
    good_arg_num: bool,
    reordered: bool,
}

const LOWER_HEX: &[u8] = b"0123456789abcdef";
const UPPER_HEX: &[u8] = b"0123456789ABCDEF";

fn parse_num(s: &[u8], start: usize) -> (Option<usize>, usize) {
    let mut i = start;
    let mut num: usize = 0;
    let mut any = false;
    while i < s.len() && s[i].is_ascii_digit() {
        if num > 1_000_000 {
            return (None, s.len());
        }
        num = num * 10 + (s[i] - b'0') as usize;
        any = true;
        i += 1;
    }
    (if any { Some(num) } else { None }, i)
}

impl Printer {
    fn write_padding(&mut self, n: usize) {
        let pad = if self.f.zero { '0' } else { ' ' };
        for _ in 0..n {
            self.buf.push(pad);
        }
    }

    /// Pads `s` to the width, left or right.
    fn pad(&mut self, s: &str) {
        self.pad_bytes(s.as_bytes());
    }

    /// Pads the Go string `s` to the width (counted in runes), left or right.
    fn pad_bytes(&mut self, s: &[u8]) {
        let Some(wid) = self.f.wid else {
            self.buf.push_bytes(s);
            return;
        };
        let width = go_runes(s).count();
        if width >= wid {
            self.buf.push_bytes(s);
            return;
        }
        if self.f.minus {
            self.buf.push_bytes(s);
            let zero = self.f.zero;
            self.f.zero = false;
            self.write_padding(wid - width);
            self.f.zero = zero;
        } else {
            self.write_padding(wid - width);
            self.buf.push_bytes(s);
        }
    }

    /// The Go string `s` cut to the precision, counted in runes.
    fn truncate<'s>(&self, s: &'s [u8]) -> &'s [u8] {
        match self.f.prec {
            Some(p) => &s[..go_runes(s).take(p).map(<[u8]>::len).sum::<usize>()],
            None => s,
        }
    }

    fn do_printf(&mut self, format: &str, args: &[Value]) {
        let fb = format.as_bytes();
        let end = fb.len();
        let mut arg_num = 0usize;
        let mut after_index;
        self.reordered = false;
        let mut i = 0;
        while i < end {
            self.good_arg_num = true;
            let lasti = i;
            while i < end && fb[i] != b'%' {
                i += 1;
            }
            if i > lasti {
                self.buf.push_str(&format[lasti..i]);
            }
            if i >= end {
                break;
            }
            i += 1;
            self.f = Flags::default();
            while i < end {
                match fb[i] {
                    b'#' => self.f.sharp = true,
                    b'0' => self.f.zero = !self.f.minus,
                    b'+' => self.f.plus = true,
                    b'-' => {
                        self.f.minus = true;
                        self.f.zero = false;
                    }
                    b' ' => self.f.space = true,
                    _ => break,
                }
                i += 1;
            }
            let (n, ni, ai) = self.arg_number(arg_num, fb, i, args.len());
            arg_num = n;
            i = ni;
            after_index = ai;
            if i < end && fb[i] == b'*' {
                i += 1;
                let (wid, ok, n) = int_from_arg(args, arg_num);
                arg_num = n;
                if !ok {
                    self.buf.push_str("%!(BADWIDTH)");
                    self.f.wid = None;
                } else if wid < 0 {
                    self.f.wid = Some(wid.unsigned_abs() as usize);
                    self.f.minus = true;
                    self.f.zero = false;
                } else {
                    self.f.wid = Some(wid as usize);
                }
                after_index = false;
            } else {
                let (wid, ni) = parse_num(fb, i);
                self.f.wid = wid;
                i = ni;
                if after_index && wid.is_some() {
                    self.good_arg_num = false;
                }
            }
            if i + 1 < end && fb[i] == b'.' {
                i += 1;
                if after_index {
                    self.good_arg_num = false;
                }
                let (n, ni, ai) = self.arg_number(arg_num, fb, i, args.len());
                arg_num = n;
                i = ni;
                after_index = ai;
                if i < end && fb[i] == b'*' {
                    i += 1;
                    let (prec, ok, n) = int_from_arg(args, arg_num);
                    arg_num = n;
                    if prec < 0 || !ok {
                        self.f.prec = None;
                        self.buf.push_str("%!(BADPREC)");
                    } else {
                        self.f.prec = Some(prec as usize);
                    }
                    after_index = false;
                } else {
                    let (prec, ni) = parse_num(fb, i);
                    i = ni;
                    self.f.prec = Some(prec.unwrap_or(0));
                }
            }
            if !after_index {
                let (n, ni, _) = self.arg_number(arg_num, fb, i, args.len());
                arg_num = n;
                i = ni;
            }
            if i >= end {
                self.buf.push_str("%!(NOVERB)");
                break;
            }
            let verb = format[i..].chars().next().unwrap_or('?');
            i += verb.len_utf8();
            if verb == '%' {
                self.buf.push('%');
            } else if !self.good_arg_num {
                self.buf.push_str(&format!("%!{verb}(BADINDEX)"));
            } else if arg_num >= args.len() {
                self.buf.push_str(&format!("%!{verb}(MISSING)"));
            } else {
                if verb == 'v' {
                    self.f.sharp_v = self.f.sharp;
                    self.f.sharp = false;
                    self.f.plus_v = self.f.plus;
                    self.f.plus = false;
                }
                self.print_arg(&args[arg_num], verb);
                arg_num += 1;
            }
        }
        if !self.reordered && arg_num < args.len() {
            self.f = Flags::default();
            self.buf.push_str("%!(EXTRA ");
            for (i, arg) in args[arg_num..].iter().enumerate() {
                if i > 0 {
                    self.buf.push_str(", ");
                }
                if arg.is_nil() {
                    self.buf.push_str("<nil>");
                } else {
                    self.buf.push_str(&arg.type_name());
                    self.buf.push('=');
                    self.print_arg(arg, 'v');
                }
            }
            self.buf.push(')');
        }
    }

    fn arg_number(&mut self, arg_num: usize, fb: &[u8], i: usize, num_args: usize) -> (usize, usize, bool) {
        if fb.len() <= i || fb[i] != b'[' {
            return (arg_num, i, false);
        }
        self.reordered = true;
        // Parse "[n]". Fewer than three bytes left ("[]" at the end) is a bad index
        // that skips only the "[": the "]" is then read as the verb.
        if fb.len() - i < 3 {
            self.good_arg_num = false;
            return (arg_num, i + 1, false);
        }
        let mut j = i + 1;
        while j < fb.len() && fb[j] != b']' {
            j += 1;
        }
        if j >= fb.len() {
            self.good_arg_num = false;
            return (arg_num, i + 1, false);
        }
        let digits = &fb[i + 1..j];
        let parsed = if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            None
        } else {
            std::str::from_utf8(digits).ok().and_then(|s| s.parse::<usize>().ok())
        };
        match parsed {
            Some(n) if n >= 1 && n - 1 < num_args => (n - 1, j + 1, true),
            Some(_) => {
                self.good_arg_num = false;
                (arg_num, j + 1, true)
            }
            None => {
                self.good_arg_num = false;
                (arg_num, j + 1, false)
            }
        }
    }

    fn bad_verb(&mut self, verb: char, value: &Value) {
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        if value.is_nil() {
            self.buf.push_str("<nil>");
        } else {
            self.buf.push_str(&value.type_name());
            self.buf.push('=');
            match value {
                // While reporting an error Go skips `String` methods: a named
                // integer prints as its number.
                Value::Object(o) if o.integer().is_some() => {
                    self.print_value(&Value::Int64(o.integer().unwrap_or(0)), 'v', 0)
                }
                _ => self.print_value(value, 'v', 0),
            }
        }
        self.buf.push(')');
    }

    fn print_arg(&mut self, arg: &Value, verb: char) {
        if arg.is_nil() {
            match verb {
                'T' | 'v' => self.pad("<nil>"),
                _ => self.bad_verb(verb, arg),
            }
            return;
        }
        if verb == 'T' {
            let name = arg.type_name();
            self.fmt_s(name.as_bytes());
            return;
        }
        self.print_value(arg, verb, 0);
    }

    fn print_value(&mut self, value: &Value, verb: char, depth: usize) {
        // Deeper than any real data nests: a map that contains itself.
        if depth > 10_000 {
            self.buf.push_str("...");
            return;
        }
        match value {
            Value::Nil => {
                if depth == 0 {
                    self.buf.push_str("<invalid reflect.Value>");
                } else if self.f.sharp_v {
                    self.buf.push_str("interface {}(nil)");
                } else {
                    self.buf.push_str("<nil>");
                }
            }
            Value::Bool(b) => match verb {
                't' | 'v' => self.pad(if *b { "true" } else { "false" }),
                _ => self.bad_verb(verb, value),
            },
            Value::Int(i) | Value::Int64(i) => self.fmt_integer_verb(i128::from(*i), verb, value),
            // `%#v` prints an unsigned integer in hex (`0x41`).
            Value::Uint8(_) | Value::Uint64(_) if verb == 'v' && self.f.sharp_v => {
                self.f.sharp = true;
                self.fmt_integer(unsigned(value), 16, verb, LOWER_HEX);
                self.f.sharp = false;
            }
            Value::Uint8(_) | Value::Uint64(_) => self.fmt_integer_verb(unsigned(value), verb, value),
            Value::Float(f) => match verb {
                'v' => self.fmt_float(*f, 'g', None),
                'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float(*f, verb, None),
                'f' | 'e' | 'E' | 'F' => self.fmt_float(*f, verb, Some(6)),
                _ => self.bad_verb(verb, value),
            },
            Value::String(s) => self.fmt_string(s.as_bytes(), verb, value),
            Value::ByteString(s) => self.fmt_string(s.bytes(), verb, value),
            Value::Bytes(b) => self.fmt_bytes(b, verb, value, depth),
            Value::List(l) => self.print_list(l, &value.type_name(), verb, depth),
            Value::Map(m) => self.print_map(m, &value.type_name(), verb, depth),
            Value::Object(o) => {
                if depth > 0 && verb == 'v' && o.kind_name() == "ptr" {
                    // Go prints a pointer inside a container as its address.
                    let addr = std::rc::Rc::as_ptr(o) as *const () as usize;
                    self.pad(&format!("{addr:#x}"));
                    return;
                }
                if let Some(fields) = o.struct_fields() {
                    self.print_struct(o.as_ref(), &fields, verb, depth);
                    return;
                }
                if let Some(c) = o.as_any().downcast_ref::<crate::exec::Complex>() {
                    self.fmt_complex(c.0, c.1, verb, value);
                    return;
                }
                if o.integer().is_none() {
                    // A named slice or map type prints as its elements, under its own name.
                    match o.underlying() {
                        Some(Value::List(l)) => return self.print_list(&l, o.type_name(), verb, depth),
                        Some(Value::Map(m)) => return self.print_map(&m, o.type_name(), verb, depth),
                        _ => {}
                    }
                }
                let text = o.format_v();
                match verb {
                    'v' | 's' | 'x' | 'X' | 'q' => self.fmt_string(text.as_bytes(), verb, value),
                    'd' | 'b' | 'o' | 'O' | 'c' | 'U' if o.integer().is_some() => {
                        self.fmt_integer_verb(i128::from(o.integer().unwrap_or(0)), verb, value)
                    }
                    _ => self.bad_verb(verb, value),
                }
            }
        }
    }

    /// A struct, field by field with the same verb: `{a b}`, `{A:a B:b}` for
    /// `%+v`, `T{A:"a", B:"b"}` for `%#v`; a pointer to one starts with `&`.
    fn print_struct(&mut self, o: &dyn govalue::Object, fields: &[govalue::gostruct::Field], verb: char, depth: usize) {
        let ptr = o.kind_name() == "ptr";
        if ptr {
            self.buf.push('&');
        }
        if self.f.sharp_v {
            let name = o.type_name();
            self.buf.push_str(if ptr { name.strip_prefix('*').unwrap_or(name) } else { name });
        }
        self.buf.push('{');
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                self.buf.push_str(if self.f.sharp_v { ", " } else { " " });
            }
            if self.f.plus_v || self.f.sharp_v {
                self.buf.push_str(f.name);
                self.buf.push(':');
            }
            self.print_value(&f.value, verb, depth + 1);
        }
        self.buf.push('}');
    }

    /// Go's `fmtComplex`: `(re+imi)`, each part formatted as a float with the
    /// verb, flags, width and precision; the imaginary part always with its sign.
    fn fmt_complex(&mut self, re: f64, im: f64, verb: char, value: &Value) {
        let (verb, default_prec) = match verb {
            'v' => ('g', None),
            'b' | 'g' | 'G' | 'x' | 'X' => (verb, None),
            'f' | 'F' | 'e' | 'E' => (verb, Some(6)),
            _ => return self.bad_verb(verb, value),
        };
        let plus = self.f.plus;
        self.buf.push('(');
        self.fmt_float(re, verb, default_prec);
        self.f.plus = true;
        self.fmt_float(im, verb, default_prec);
        self.buf.push_str("i)");
        self.f.plus = plus;
    }

    /// A slice of type `type_name`: `[a b]`, or `T{a, b}` and `T(nil)` for `%#v`.
    fn print_list(&mut self, l: &govalue::List, type_name: &str, verb: char, depth: usize) {
        if self.f.sharp_v && l.is_nil() {
            self.buf.push_str(type_name);
            self.buf.push_str("(nil)");
        } else if self.f.sharp_v {
            self.buf.push_str(type_name);
            self.buf.push('{');
            for (i, item) in l.items().iter().enumerate() {
                if i > 0 {
                    self.buf.push_str(", ");
                }
                self.print_value(item, verb, depth + 1);
            }
            self.buf.push('}');
        } else {
            self.buf.push('[');
            for (i, item) in l.items().iter().enumerate() {
                if i > 0 {
                    self.buf.push(' ');
                }
                self.print_value(item, verb, depth + 1);
            }
            self.buf.push(']');
        }
    }

    /// A map of type `type_name`: `map[k:v]`, or `T{"k":v}` and `T(nil)` for `%#v`.
    fn print_map(&mut self, m: &govalue::Map, type_name: &str, verb: char, depth: usize) {
        let entries: Vec<(govalue::Str, Value)> = m.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        if self.f.sharp_v && m.is_nil() {
            self.buf.push_str(type_name);
            self.buf.push_str("(nil)");
        } else if self.f.sharp_v {
            self.buf.push_str(type_name);
            self.buf.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    self.buf.push_str(", ");
                }
                self.print_value(&Value::from_map_key(k), verb, depth + 1);
                self.buf.push(':');
                self.print_value(v, verb, depth + 1);
            }
            self.buf.push('}');
        } else {
            self.buf.push_str("map[");
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    self.buf.push(' ');
                }
                self.print_value(&Value::from_map_key(k), verb, depth + 1);
                self.buf.push(':');
                self.print_value(v, verb, depth + 1);
            }
            self.buf.push(']');
        }
    }

    fn fmt_integer_verb(&mut self, i: i128, verb: char, value: &Value) {
        match verb {
            'v' | 'd' => self.fmt_integer(i, 10, verb, LOWER_HEX),
            'b' => self.fmt_integer(i, 2, verb, LOWER_HEX),
            'o' | 'O' => self.fmt_integer(i, 8, verb, LOWER_HEX),
            'x' => self.fmt_integer(i, 16, verb, LOWER_HEX),
            'X' => self.fmt_integer(i, 16, verb, UPPER_HEX),
            'c' => {
                let c = char::from_u32(i as u32).filter(|_| (0..=0x10FFFF).contains(&i)).unwrap_or('\u{FFFD}');
                self.pad(&c.to_string());
            }
            'q' => {
                let c = char::from_u32(i as u32).filter(|_| (0..=0x10FFFF).contains(&i)).unwrap_or('\u{FFFD}');
                let s = if self.f.plus { quote_rune_to_ascii(c) } else { quote_rune(c) };
                self.pad(&s);
            }
            'U' => {
                let digits = self.f.prec.filter(|p| *p > 4).unwrap_or(4);
                let mut s = format!("U+{:0digits$X}", i as u64);
                if self.f.sharp {
                    if let Some(c) = char::from_u32(i as u32).filter(|c| is_print(*c)) {
                        s.push_str(&format!(" '{c}'"));
                    }
                }
                let zero = self.f.zero;
                self.f.zero = false;
                self.pad(&s);
                self.f.zero = zero;
            }
            _ => self.bad_verb(verb, value),
        }
    }

    fn fmt_integer(&mut self, value: i128, base: u128, verb: char, digits: &[u8]) {
        let negative = value < 0;
        let mut u = value.unsigned_abs();
        let mut prec: usize = 0;
        let mut has_prec = false;
        if let Some(p) = self.f.prec {
            if p == 0 && u == 0 {
                let zero = self.f.zero;
                self.f.zero = false;
                let wid = self.f.wid.unwrap_or(0);
                self.write_padding(wid);
                self.f.zero = zero;
                return;
            }
            prec = p;
            has_prec = true;
        } else if self.f.zero && !self.f.minus {
            if let Some(w) = self.f.wid {
                prec = w;
                has_prec = true;
                if negative || self.f.plus || self.f.space {
                    prec = prec.saturating_sub(1);
                }
            }
        }
        let mut out: Vec<u8> = Vec::new();
        if u == 0 {
            out.push(b'0');
        }
        while u > 0 {
            out.push(digits[(u % base) as usize]);
            u /= base;
        }
        if has_prec {
            while out.len() < prec {
                out.push(b'0');
            }
        }
        if self.f.sharp {
            match base {
                2 => out.extend_from_slice(b"b0"),
                8 if out.last() != Some(&b'0') => {
                    out.push(b'0');
                }
                16 => {
                    out.push(if verb == 'X' { b'X' } else { b'x' });
                    out.push(b'0');
                }
                _ => {}
            }
        }
        if verb == 'O' {
            out.extend_from_slice(b"o0");
        }
        if negative {
            out.push(b'-');
        } else if self.f.plus {
            out.push(b'+');
        } else if self.f.space {
            out.push(b' ');
        }
        out.reverse();
        let text = String::from_utf8(out).unwrap_or_default();
        let zero = self.f.zero;
        self.f.zero = false;
        self.pad(&text);
        self.f.zero = zero;
    }

    fn fmt_float(&mut self, v: f64, verb: char, default_prec: Option<usize>) {
        let prec: i32 = match self.f.prec.or(default_prec) {
            Some(p) => p.min(10_000) as i32,
            None => -1,
        };
        let verb = if verb == 'F' { 'f' } else { verb };
        let mut num = match verb {
            'x' | 'X' => format_hex_float(v, verb, prec),
            'b' => format_binary_float(v),
            _ => format_float(v, verb as u8, prec),
        };
        if !num.starts_with('-') && !num.starts_with('+') {
            num.insert(0, '+');
        }
        if self.f.space && num.starts_with('+') && !self.f.plus {
            num.replace_range(0..1, " ");
        }
        if num[1..].starts_with("Inf") || num[1..].starts_with("NaN") {
            let zero = self.f.zero;
            self.f.zero = false;
            if num[1..].starts_with("NaN") && !self.f.space && !self.f.plus {
                num.remove(0);
            }
            self.pad(&num);
            self.f.zero = zero;
            return;
        }
        if self.f.sharp && verb != 'b' {
            num = sharp_float(&num, verb, prec);
        }
        if self.f.plus || !num.starts_with('+') {
            if let Some(w) = self.f.wid {
                if self.f.zero && !self.f.minus && w > num.len() {
                    let sign = num.remove(0);
                    self.buf.push(sign);
                    self.write_padding(w - num.len() - 1);
                    self.buf.push_str(&num);
                    return;
                }
            }
            self.pad(&num);
            return;
        }
        self.pad(&num[1..]);
    }

    fn fmt_s(&mut self, s: &[u8]) {
        let s = self.truncate(s);
        self.pad_bytes(s);
    }

    /// Go's `fmtSbx`: hex of each byte, with `#` and space forms; zero padding
    /// applies as for numbers.
    fn fmt_sx(&mut self, bytes: &[u8], digits: &[u8]) {
        let mut length = bytes.len();
        if let Some(p) = self.f.prec {
            length = length.min(p);
        }
        let mut width = 2 * length;
        if width == 0 {
            if let Some(w) = self.f.wid {
                self.write_padding(w);
            }
            return;
        }
        if self.f.space {
            if self.f.sharp {
                width *= 2;
            }
            width += length - 1;
        } else if self.f.sharp {
            width += 2;
        }
        let pad = self.f.wid.filter(|w| *w > width).map(|w| w - width);
        if let (Some(n), false) = (pad, self.f.minus) {
            self.write_padding(n);
        }
        let x = if digits[10] == b'a' { 'x' } else { 'X' };
        if self.f.sharp {
            self.buf.push('0');
            self.buf.push(x);
        }
        for (i, b) in bytes.iter().take(length).enumerate() {
            if self.f.space && i > 0 {
                self.buf.push(' ');
                if self.f.sharp {
                    self.buf.push('0');
                    self.buf.push(x);
                }
            }
            self.buf.push(digits[(b >> 4) as usize] as char);
            self.buf.push(digits[(b & 0xf) as usize] as char);
        }
        if let (Some(n), true) = (pad, self.f.minus) {
            self.write_padding(n);
        }
    }

    fn fmt_q(&mut self, s: &[u8]) {
        let s = self.truncate(s);
        let backquote = if self.f.sharp && can_backquote(s) { std::str::from_utf8(s).ok() } else { None };
        match backquote {
            Some(t) => self.pad(&format!("`{t}`")),
            _ if self.f.plus => self.pad(&quote_to_ascii_bytes(s)),
            _ => self.pad(&quote_bytes(s)),
        }
    }

    fn fmt_string(&mut self, s: &[u8], verb: char, value: &Value) {
        match verb {
            'v' => {
                if self.f.sharp_v {
                    self.fmt_q(s);
                } else {
                    self.fmt_s(s);
                }
            }
            's' => self.fmt_s(s),
            'x' => self.fmt_sx(s, LOWER_HEX),
            'X' => self.fmt_sx(s, UPPER_HEX),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(verb, value),
        }
    }

    fn fmt_bytes(&mut self, b: &[u8], verb: char, value: &Value, depth: usize) {
        match verb {
            'v' | 'd' => {
                if self.f.sharp_v {
                    // Go names the operand `[]byte`, a nested slice by its reflected type.
                    self.buf.push_str(if depth == 0 { "[]byte{" } else { "[]uint8{" });
                    for (i, c) in b.iter().enumerate() {
                        if i > 0 {
                            self.buf.push_str(", ");
                        }
                        self.buf.push_str(&format!("0x{c:x}"));
                    }
                    self.buf.push('}');
                } else {
                    self.buf.push('[');
                    for (i, c) in b.iter().enumerate() {
                        if i > 0 {
                            self.buf.push(' ');
                        }
                        self.fmt_integer(i128::from(*c), 10, verb, LOWER_HEX);
                    }
                    self.buf.push(']');
                }
            }
            's' => self.fmt_s(b),
            'x' => self.fmt_sx(b, LOWER_HEX),
            'X' => self.fmt_sx(b, UPPER_HEX),
            'q' => self.fmt_q(b),
            _ => {
                let items: Vec<Value> = b.iter().map(|c| Value::Int(*c as i64)).collect();
                if items.is_empty() {
                    self.bad_verb(verb, value);
                    return;
                }
                self.print_value(&Value::list(items), verb, depth);
            }
        }
    }
}

/// Go's `%#` for floats: always a decimal point, and for `%g`-like verbs the
/// trailing zeros up to the precision. `num` starts with its sign.
fn sharp_float(num: &str, verb: char, prec: i32) -> String {
    let mut digits: i32 = match verb {
        'v' | 'g' | 'G' | 'x' => {
            if prec == -1 {
                6
            } else {
                prec
            }
        }
        _ => 0,
    };
    let bytes = num.as_bytes();
    let mut body = String::new();
    let mut tail = String::new();
    let mut has_point = false;
    let mut saw_nonzero = false;
    body.push(bytes[0] as char);
    let mut i = 1;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'.' => {
                has_point = true;
                body.push('.');
            }
            b'p' | b'P' => {
                tail.push_str(&num[i..]);
                break;
            }
            b'e' | b'E' if verb != 'x' && verb != 'X' => {
                tail.push_str(&num[i..]);
                break;
            }
            _ => {
                if c != b'0' {
                    saw_nonzero = true;
                }
                if saw_nonzero {
                    digits -= 1;
                }
                body.push(c as char);
            }
        }
        i += 1;
    }
    if !has_point {
        if body.len() == 2 && body.as_bytes()[1] == b'0' {
            digits -= 1;
        }
        body.push('.');
    }
    while digits > 0 {
        body.push('0');
        digits -= 1;
    }
    body.push_str(&tail);
    body
}

fn int_from_arg(args: &[Value], arg_num: usize) -> (i64, bool, usize) {
    match args.get(arg_num) {
        Some(Value::Int(n)) | Some(Value::Int64(n)) => {
            if *n > 1_000_000 || *n < -1_000_000 {
                (0, false, arg_num + 1)
            } else {
                (*n, true, arg_num + 1)
            }
        }
        Some(_) => (0, false, arg_num + 1),
        None => (0, false, arg_num),
    }
}

/// Go's `%x` of a float64 (`strconv.FormatFloat(f, 'x', prec, 64)`).
fn format_hex_float(v: f64, verb: char, prec: i32) -> String {
    let bits = v.to_bits();
    let neg = bits >> 63 != 0;
    let mut exp = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = bits & ((1u64 << 52) - 1);
    if exp == 0x7ff {
        return if mant != 0 {
            "NaN".into()
        } else if neg {
            "-Inf".into()
        } else {
            "+Inf".into()
        };
    }
    if exp == 0 {
        exp += 1;
    } else {
        mant |= 1u64 << 52;
    }
    exp -= 1023;
    if mant == 0 {
        exp = 0;
    }
    mant <<= 60 - 52;
    while mant != 0 && mant & (1u64 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if (0..15).contains(&prec) {
        let shift = (prec * 4) as u32;
        let extra = (mant << shift) & ((1u64 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > (1u64 << 59) {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1u64 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let hex = if verb == 'X' { UPPER_HEX } else { LOWER_HEX };
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push('0');
    out.push(verb);
    out.push((b'0' + ((mant >> 60) & 1) as u8) as char);
    mant <<= 4;
    if prec < 0 && mant != 0 {
        out.push('.');
        while mant != 0 {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    } else if prec > 0 {
        out.push('.');
        for _ in 0..prec {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    }
    out.push(if verb == 'X' { 'P' } else { 'p' });
    let (sign, e) = if exp < 0 { ('-', -exp) } else { ('+', exp) };
    out.push(sign);
    if e < 10 {
        out.push('0');
    }
    out.push_str(&e.to_string());
    out
}

/// Go's `%b` of a float64: `mantissa p exponent` in decimal.
fn format_binary_float(v: f64) -> String {
    let bits = v.to_bits();
    let neg = bits >> 63 != 0;
    let mut exp = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        exp += 1;
    } else {
        mant |= 1u64 << 52;
    }
    exp -= 1023 + 52;
    format!("{}{}p{}{}", if neg { "-" } else { "" }, mant, if exp >= 0 { "+" } else { "" }, exp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(format: &str, args: &[Value]) -> String {
        String::from_utf8_lossy(&sprintf(format, args)).into_owned()
    }

    #[test]
    fn verbs_and_errors() {
        let s = |x: &str| Value::str(x);
        assert_eq!(f("%d", &[Value::Float(42.0)]), "%!d(float64=42)");
        assert_eq!(f("%.2f", &[Value::Int(3)]), "%!f(int=03)");
        assert_eq!(f("%s %s", &[s("a")]), "a %!s(MISSING)");
        assert_eq!(f("%s", &[s("a"), s("b")]), "a%!(EXTRA string=b)");
        assert_eq!(f("%z", &[Value::Int(1)]), "%!z(int=1)");
        assert_eq!(f("%s", &[Value::Nil]), "%!s(<nil>)");
        assert_eq!(f("%05d", &[Value::Int(-42)]), "-0042");
        assert_eq!(f("%x", &[Value::Float(1.5)]), "0x1.8p+00");
        assert_eq!(f("%#x", &[Value::Int(255)]), "0xff");
        assert_eq!(f("%x", &[Value::Int(-255)]), "-ff");
        assert_eq!(f("%[2]s %[1]s", &[s("a"), s("b")]), "b a");
        assert_eq!(f("%*d", &[Value::Int(4), Value::Int(7)]), "   7");
        assert_eq!(f("%8.3f", &[Value::Float(1.23456)]), "   1.235");
        assert_eq!(f("%q", &[Value::Int(65)]), "'A'");
        assert_eq!(f("%+q", &[s("é")]), "\"\\u00e9\"");
        assert_eq!(f("%U", &[Value::Int(9731)]), "U+2603");
        assert_eq!(f("%e", &[Value::Float(1234.5678)]), "1.234568e+03");
        assert_eq!(f("%", &[]), "%!(NOVERB)");
        assert_eq!(f("%x", &[s("hi")]), "6869");
        assert_eq!(
            f("%#g|%#.3x|%#.0f", &[Value::Float(1.0), Value::Float(1.5), Value::Float(2.0)]),
            "1.00000|0x1.800p+00|2."
        );
        assert_eq!(f("%.*d", &[Value::Int(-1), Value::Int(5)]), "%!(BADPREC)5");
    }

    #[test]
    fn composite_values() {
        let list = Value::list(vec![Value::Int(1), Value::str("a")]);
        assert_eq!(f("%#v", std::slice::from_ref(&list)), "[]interface {}{1, \"a\"}");
        assert_eq!(format_verb(&Value::list(vec![Value::Int(1)]), 's'), b"[%!s(int=1)]");
        assert_eq!(sprint(&[Value::Int(1), Value::Int(2)]), b"1 2");
        assert_eq!(sprint(&[Value::str("a"), Value::Int(1), Value::str("b")]), b"a1b");
        assert_eq!(sprintln(&[Value::str("x"), Value::str("y")]), b"x y\n");
    }

    #[test]
    fn byte_strings_keep_their_bytes() {
        // Outputs of Helm 4.3.1 for "hello \xff" (`"aGVsbG8g/w==" | b64dec`).
        let raw = Value::from_go_bytes(b"hello \xff".to_vec());
        let args = [raw.clone(), raw.clone(), raw.clone(), raw.clone()];
        assert_eq!(sprintf("%v|%s|%10s|%.3s", &args), b"hello \xff|hello \xff|   hello \xff|hel");
        assert_eq!(f("%q", std::slice::from_ref(&raw)), "\"hello \\xff\"");
        assert_eq!(f("%x|% X", &[raw.clone(), raw.clone()]), "68656c6c6f20ff|68 65 6C 6C 6F 20 FF");
        assert_eq!(sprint(&[raw.clone(), Value::Int(1)]), b"hello \xff1");
        assert_eq!(f("%T", &[raw]), "string");
    }
}
