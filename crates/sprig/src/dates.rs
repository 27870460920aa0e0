//! Date functions (`now`, `date`, `toDate`, `dateModify`, `ago`, `duration`, ...)
//! over a `time.Time` object with Go's layout-string formatting and parsing.
//! The current time comes from `Host::now_unix_nanos`; `Local` is the zone named
//! by the `TZ` environment variable or `/etc/localtime`, as Go reads it.

use std::any::Any;
use std::rc::Rc;

use chrono::{DateTime, Offset, TimeZone};
use chrono_tz::{OffsetName, Tz};
use govalue::{strconv, FuncError, FuncSpec, Host, MethodSig, Object, Param, Value};

use crate::conv::{arg, arg_str, err, fallible, func};

use Param::{Any as A, String as S};

const NANOS: i64 = 1_000_000_000;

/// The largest year, month or day shift `AddDate` applies (keeps the calendar
/// arithmetic far from overflow).
const MAX_SHIFT: i64 = 100_000_000;

/// The date functions.
pub(crate) fn functions() -> Vec<FuncSpec> {
    let mut v = vec![
        func("now", &[], |h, _| Ok(Value::Object(Rc::new(now(h))))),
        func("date", &[S, A], |h, a| Ok(Value::string(date_in_zone(h, arg_str(a, 0), &arg(a, 1), "Local")))),
        func("htmlDate", &[A], |h, a| Ok(Value::string(date_in_zone(h, "2006-01-02", &arg(a, 0), "Local")))),
        func("htmlDateInZone", &[A, S], |h, a| {
            Ok(Value::string(date_in_zone(h, "2006-01-02", &arg(a, 0), arg_str(a, 1))))
        }),
        func("ago", &[A], |h, a| {
            let t = time_of(h, &arg(a, 0));
            let since = now(h).sub(&t);
            Ok(Value::string(format_duration(round_duration(since, NANOS))))
        }),
        func("duration", &[A], |_, a| {
            let n = match arg(a, 0) {
                Value::String(s) => s.parse::<i64>().unwrap_or(0),
                Value::Int64(n) => n,
                _ => 0,
            };
            Ok(Value::string(format_duration(n.wrapping_mul(NANOS))))
        }),
        func("durationRound", &[A], |h, a| {
            let d = match arg(a, 0) {
                Value::String(s) => parse_duration(&s).unwrap_or(0),
                Value::Int64(n) => n,
                Value::Object(o) => match o.as_any().downcast_ref::<Time>() {
                    Some(t) => now(h).sub(t),
                    None => 0,
                },
                _ => 0,
            };
            Ok(Value::str(&duration_round(d)))
        }),
        func("toDate", &[S, S], |_, a| {
            Ok(Value::Object(Rc::new(parse(arg_str(a, 0), arg_str(a, 1)).unwrap_or_else(|_| Time::zero()))))
        }),
        fallible("mustToDate", &[S, S], |_, a| {
            parse(arg_str(a, 0), arg_str(a, 1)).map(|t| Value::Object(Rc::new(t))).map_err(FuncError::new)
        }),
        fallible("unixEpoch", &[A], |_, a| {
            let t = expect_time(&arg(a, 0))?;
            Ok(Value::string(t.sec.to_string()))
        }),
    ];
    for name in ["dateInZone", "date_in_zone"] {
        v.push(func(name, &[S, A, S], |h, a| {
            Ok(Value::string(date_in_zone(h, arg_str(a, 0), &arg(a, 1), arg_str(a, 2))))
        }));
    }
    for name in ["dateModify", "date_modify"] {
        v.push(fallible(name, &[S, A], |_, a| {
            let t = expect_time(&arg(a, 1))?;
            Ok(Value::Object(Rc::new(match parse_duration(arg_str(a, 0)) {
                Ok(d) => t.add(d),
                Err(_) => t,
            })))
        }));
    }
    for name in ["mustDateModify", "must_date_modify"] {
        v.push(fallible(name, &[S, A], |_, a| {
            let t = expect_time(&arg(a, 1))?;
            let d = parse_duration(arg_str(a, 0)).map_err(FuncError::new)?;
            Ok(Value::Object(Rc::new(t.add(d))))
        }));
    }
    v
}

/// A time zone: Go's `*time.Location`.
#[derive(Clone, Debug)]
enum Loc {
    Utc,
    Local,
    Named(Tz),
    Fixed(i32, String),
}

impl Loc {
    /// `time.LoadLocation`.
    fn load(name: &str) -> Option<Loc> {
        match name {
            "" | "UTC" => Some(Loc::Utc),
            "Local" => Some(Loc::Local),
            other => other.parse::<Tz>().ok().map(Loc::Named),
        }
    }

    /// The zone abbreviation and UTC offset in effect at `unix`.
    fn lookup(&self, unix: i64) -> (String, i32) {
        let tz = match self {
            Loc::Utc => return ("UTC".into(), 0),
            Loc::Fixed(off, name) => return (name.clone(), *off),
            Loc::Named(tz) => *tz,
            Loc::Local => match local_zone() {
                Some(tz) => tz,
                None => return ("UTC".into(), 0),
            },
        };
        let Some(dt) = DateTime::from_timestamp(unix, 0) else { return ("UTC".into(), 0) };
        let off = tz.offset_from_utc_datetime(&dt.naive_utc());
        let secs = off.fix().local_minus_utc();
        let abbr = off.abbreviation().map(str::to_string).unwrap_or_else(|| numeric_zone_name(secs));
        (abbr, secs)
    }
}

/// Go's `time.Local`: the zone `TZ` names, or else the one `/etc/localtime` links
/// to; `None` means UTC.
fn local_zone() -> Option<Tz> {
    thread_local! {
        static LOCAL: std::cell::OnceCell<Option<Tz>> = const { std::cell::OnceCell::new() };
    }
    LOCAL.with(|l| *l.get_or_init(read_local_zone))
}

fn read_local_zone() -> Option<Tz> {
    match std::env::var("TZ") {
        Ok(tz) => {
            let tz = tz.strip_prefix(':').unwrap_or(&tz);
            tz.parse::<Tz>().ok()
        }
        Err(_) => {
            let target = std::fs::read_link("/etc/localtime").ok()?;
            let target = target.to_string_lossy();
            let (_, name) = target.split_once("zoneinfo/")?;
            name.parse::<Tz>().ok()
        }
    }
}

/// How Go names a zone that has no abbreviation (`+09`, `-0330`).
fn numeric_zone_name(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let m = secs.abs() / 60;
    if m % 60 == 0 {
        format!("{sign}{:02}", m / 60)
    } else {
        format!("{sign}{:02}{:02}", m / 60, m % 60)
    }
}

/// A Go `time.Time`: an instant and the zone it is shown in.
#[derive(Clone, Debug)]
pub(crate) struct Time {
    sec: i64,
    nsec: i64,
    loc: Loc,
    /// The monotonic clock reading `time.Now` attaches (printed as `m=+…`).
    mono: Option<i64>,
}

/// Calendar fields of a time in its zone.
struct Fields {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    min: i64,
    sec: i64,
    nsec: i64,
    weekday: i64,
    yday: i64,
    abbr: String,
    offset: i32,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in(month: i64, year: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Time {
    /// Go's zero `time.Time` (0001-01-01 00:00:00 UTC).
    fn zero() -> Time {
        Time { sec: days_from_civil(1, 1, 1) * 86_400, nsec: 0, loc: Loc::Utc, mono: None }
    }

    /// `time.Unix(sec, 0)` in `Local`.
    fn unix(sec: i64) -> Time {
        Time { sec, nsec: 0, loc: Loc::Local, mono: None }
    }

    /// `time.Date`: normalizes out-of-range fields and resolves the zone offset.
    #[allow(clippy::too_many_arguments)]
    fn date(year: i64, month: i64, day: i64, hour: i64, min: i64, sec: i64, nsec: i64, loc: Loc) -> Time {
        let m0 = month - 1;
        let year = year + m0.div_euclid(12);
        let month = m0.rem_euclid(12) + 1;
        let sec = sec + nsec.div_euclid(NANOS);
        let nsec = nsec.rem_euclid(NANOS);
        // Go's arithmetic wraps for absurd dates; so does this.
        let days = days_from_civil(year, month, 1).wrapping_add(day - 1);
        let local = days.wrapping_mul(86_400).wrapping_add(hour * 3600).wrapping_add(min * 60).wrapping_add(sec);
        let (_, off1) = loc.lookup(local);
        let mut unix = local.wrapping_sub(off1 as i64);
        let (_, off2) = loc.lookup(unix);
        if off2 != off1 {
            unix = local.wrapping_sub(off2 as i64);
        }
        Time { sec: unix, nsec, loc, mono: None }
    }

    fn fields(&self) -> Fields {
        let (abbr, offset) = self.loc.lookup(self.sec);
        let local = self.sec.saturating_add(offset as i64);
        let days = local.div_euclid(86_400);
        let secs = local.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        Fields {
            year,
            month,
            day,
            hour: secs / 3600,
            min: secs / 60 % 60,
            sec: secs % 60,
            nsec: self.nsec,
            weekday: (days + 4).rem_euclid(7),
            yday: days - days_from_civil(year, 1, 1) + 1,
            abbr,
            offset,
        }
    }

    /// `t.Add(d)`.
    fn add(&self, d: i64) -> Time {
        let total = self.nsec + d.rem_euclid(NANOS);
        Time {
            sec: self.sec.wrapping_add(d.div_euclid(NANOS)).wrapping_add(total / NANOS),
            nsec: total % NANOS,
            loc: self.loc.clone(),
            mono: self.mono.map(|m| m.wrapping_add(d)),
        }
    }

    /// `t.Sub(u)` in nanoseconds, saturating like Go.
    fn sub(&self, u: &Time) -> i64 {
        let d = (self.sec as i128 - u.sec as i128) * NANOS as i128 + (self.nsec - u.nsec) as i128;
        d.clamp(i64::MIN as i128, i64::MAX as i128) as i64
    }

    /// `t.In(loc)`.
    fn in_loc(&self, loc: Loc) -> Time {
        Time { loc, mono: None, ..self.clone() }
    }

    /// Go's `Time.String`.
    fn text(&self) -> String {
        let mut s = format(self, "2006-01-02 15:04:05.999999999 -0700 MST");
        if let Some(m) = self.mono {
            let sign = if m < 0 { '-' } else { '+' };
            let m = m.unsigned_abs();
            s.push_str(&format!(" m={sign}{}.{:09}", m / 1_000_000_000, m % 1_000_000_000));
        }
        s
    }

    /// RFC 3339 with nanoseconds, as `MarshalJSON` writes it.
    fn rfc3339(&self) -> String {
        format(self, "2006-01-02T15:04:05.999999999Z07:00")
    }
}

impl Object for Time {
    fn type_name(&self) -> &str {
        "time.Time"
    }

    fn field(&self, name: &str) -> Option<Value> {
        let f = self.fields();
        Some(match name {
            "Year" => Value::Int(f.year),
            "Month" => Value::str(MONTHS.get((f.month - 1) as usize).copied().unwrap_or("")),
            "Day" => Value::Int(f.day),
            "Hour" => Value::Int(f.hour),
            "Minute" => Value::Int(f.min),
            "Second" => Value::Int(f.sec),
            "Nanosecond" => Value::Int(f.nsec),
            "YearDay" => Value::Int(f.yday),
            "Weekday" => Value::str(DAYS.get(f.weekday as usize).copied().unwrap_or("")),
            "Unix" => Value::Int64(self.sec),
            "UnixMilli" => Value::Int64(self.sec.wrapping_mul(1000).wrapping_add(self.nsec / 1_000_000)),
            "UnixMicro" => Value::Int64(self.sec.wrapping_mul(1_000_000).wrapping_add(self.nsec / 1000)),
            "UnixNano" => Value::Int64(self.sec.wrapping_mul(NANOS).wrapping_add(self.nsec)),
            "IsZero" => Value::Bool(self.sec == Time::zero().sec && self.nsec == 0),
            "UTC" => Value::Object(Rc::new(self.in_loc(Loc::Utc))),
            "Local" => Value::Object(Rc::new(self.in_loc(Loc::Local))),
            "String" => Value::string(self.text()),
            _ => return None,
        })
    }

    fn method(&self, name: &str) -> Option<MethodSig> {
        match name {
            "Format" => Some(MethodSig(&[Param::String])),
            "AddDate" => Some(MethodSig(&[Param::Int, Param::Int, Param::Int])),
            // A `time.Duration` or a `time.Time`: the method checks it.
            "Add" | "Before" | "After" | "Equal" | "Sub" => Some(MethodSig(&[Param::Any])),
            _ => None,
        }
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let int = |i: usize| match args.get(i) {
            Some(Value::Int(n)) | Some(Value::Int64(n)) => *n,
            _ => 0,
        };
        let other = || args.first().and_then(as_time);
        Some(Ok(match name {
            "Format" => Value::string(format(self, args.first().and_then(Value::as_str).unwrap_or(""))),
            "AddDate" => {
                let f = self.fields();
                let t = Time::date(
                    f.year + int(0).clamp(-MAX_SHIFT, MAX_SHIFT),
                    f.month + int(1).clamp(-MAX_SHIFT, MAX_SHIFT),
                    f.day + int(2).clamp(-MAX_SHIFT, MAX_SHIFT),
                    f.hour,
                    f.min,
                    f.sec,
                    f.nsec,
                    self.loc.clone(),
                );
                Value::Object(Rc::new(t))
            }
            "Add" => Value::Object(Rc::new(self.add(int(0)))),
            "Sub" => Value::Int64(self.sub(other()?)),
            "Before" => Value::Bool(self.sub(other()?) < 0),
            "After" => Value::Bool(self.sub(other()?) > 0),
            "Equal" => Value::Bool(self.sub(other()?) == 0),
            _ => return None,
        }))
    }

    fn format_v(&self) -> String {
        self.text()
    }

    fn to_json_value(&self) -> Option<Value> {
        Some(Value::string(self.rfc3339()))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A `time.Time` value for a calendar date and clock time at a fixed UTC offset
/// (`None`: UTC) whose zone prints as `zone` (numeric when empty).
#[allow(clippy::too_many_arguments)]
pub(crate) fn fixed_time(
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    min: i64,
    sec: i64,
    nsec: i64,
    offset: Option<i32>,
    zone: &str,
) -> Value {
    let loc = match offset {
        None => Loc::Utc,
        Some(off) => Loc::Fixed(off, zone.to_string()),
    };
    Value::Object(Rc::new(Time::date(year, month, day, hour, min, sec, nsec, loc)))
}

/// A time value's RFC 3339 text (with nanoseconds), as go-yaml v3 writes it.
pub(crate) fn rfc3339(v: &Value) -> Option<String> {
    as_time(v).map(Time::rfc3339)
}

fn as_time(v: &Value) -> Option<&Time> {
    match v {
        Value::Object(o) => o.as_any().downcast_ref::<Time>(),
        _ => None,
    }
}

/// A `time.Time` parameter: anything else is Go's argument type error.
fn expect_time(v: &Value) -> Result<Time, FuncError> {
    match as_time(v) {
        Some(t) => Ok(t.clone()),
        None if v.is_nil() => err("invalid value; expected time.Time"),
        None => err(format!("wrong type for value; expected time.Time; got {}", v.type_name())),
    }
}

thread_local! {
    /// The clock reading of the first `now` call.
    static FIRST_NOW: std::cell::OnceCell<i128> = const { std::cell::OnceCell::new() };
}

/// `time.Now()` from the host's clock, in `Local`.
fn now(host: &mut dyn Host) -> Time {
    let n = host.now_unix_nanos();
    let sec = n.div_euclid(NANOS as i128).clamp(i64::MIN as i128, i64::MAX as i128) as i64;
    // Go's monotonic reading counts from process start; here it counts from the
    // first `now` of the process, plus a tenth of a second of start-up.
    let first = FIRST_NOW.with(|f| *f.get_or_init(|| n));
    let mono = (n - first).clamp(0, i64::MAX as i128 / 2) as i64 + 100_000_000;
    Time { sec, nsec: n.rem_euclid(NANOS as i128) as i64, loc: Loc::Local, mono: Some(mono) }
}

/// Sprig's date argument: a time, a Unix time in seconds, or else now.
fn time_of(host: &mut dyn Host, v: &Value) -> Time {
    match v {
        Value::Int(n) | Value::Int64(n) => Time::unix(*n),
        other => match as_time(other) {
            Some(t) => t.clone(),
            None => now(host),
        },
    }
}

/// Sprig's `dateInZone` (an unknown zone means UTC).
fn date_in_zone(host: &mut dyn Host, layout: &str, date: &Value, zone: &str) -> String {
    let t = time_of(host, date);
    let loc = Loc::load(zone).unwrap_or(Loc::Utc);
    format(&t.in_loc(loc), layout)
}

/// The elements of a Go layout string.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    Tz,
    Iso8601Tz,
    Iso8601SecondsTz,
    Iso8601ShortTz,
    Iso8601ColonTz,
    Iso8601ColonSecondsTz,
    NumTz,
    NumSecondsTz,
    NumShortTz,
    NumColonTz,
    NumColonSecondsTz,
    /// Fractional seconds: digit count, whether trailing zeros are trimmed, separator.
    Frac(usize, bool, u8),
}

fn starts_lower(b: &[u8]) -> bool {
    b.first().is_some_and(u8::is_ascii_lowercase)
}

/// Go's `nextStdChunk`: (prefix length, element, element length).
fn next_std(layout: &[u8]) -> Option<(usize, Std, usize)> {
    let has = |i: usize, s: &str| layout.get(i..i + s.len()) == Some(s.as_bytes());
    for i in 0..layout.len() {
        let found = match layout[i] {
            b'J' if has(i, "Jan") => {
                if has(i, "January") {
                    Some((Std::LongMonth, 7))
                } else if !starts_lower(&layout[i + 3..]) {
                    Some((Std::Month, 3))
                } else {
                    None
                }
            }
            b'M' if has(i, "Mon") => {
                if has(i, "Monday") {
                    Some((Std::LongWeekDay, 6))
                } else if !starts_lower(&layout[i + 3..]) {
                    Some((Std::WeekDay, 3))
                } else {
                    None
                }
            }
            b'M' if has(i, "MST") => Some((Std::Tz, 3)),
            b'0' => match layout.get(i + 1) {
                Some(c @ b'1'..=b'6') => Some((
                    [Std::ZeroMonth, Std::ZeroDay, Std::ZeroHour12, Std::ZeroMinute, Std::ZeroSecond, Std::Year]
                        [(c - b'1') as usize],
                    2,
                )),
                _ if has(i, "002") => Some((Std::ZeroYearDay, 3)),
                _ => None,
            },
            b'1' => Some(if has(i, "15") { (Std::Hour, 2) } else { (Std::NumMonth, 1) }),
            b'2' => Some(if has(i, "2006") { (Std::LongYear, 4) } else { (Std::Day, 1) }),
            b'_' if has(i, "_2") => {
                if has(i + 1, "2006") {
                    return Some((i + 1, Std::LongYear, 4));
                }
                Some((Std::UnderDay, 2))
            }
            b'_' if has(i, "__2") => Some((Std::UnderYearDay, 3)),
            b'3' => Some((Std::Hour12, 1)),
            b'4' => Some((Std::Minute, 1)),
            b'5' => Some((Std::Second, 1)),
            b'P' if has(i, "PM") => Some((Std::PM, 2)),
            b'p' if has(i, "pm") => Some((Std::Pm, 2)),
            b'-' => [
                ("-070000", Std::NumSecondsTz),
                ("-07:00:00", Std::NumColonSecondsTz),
                ("-0700", Std::NumTz),
                ("-07:00", Std::NumColonTz),
                ("-07", Std::NumShortTz),
            ]
            .iter()
            .find(|(s, _)| has(i, s))
            .map(|(s, std)| (*std, s.len())),
            b'Z' => [
                ("Z070000", Std::Iso8601SecondsTz),
                ("Z07:00:00", Std::Iso8601ColonSecondsTz),
                ("Z0700", Std::Iso8601Tz),
                ("Z07:00", Std::Iso8601ColonTz),
                ("Z07", Std::Iso8601ShortTz),
            ]
            .iter()
            .find(|(s, _)| has(i, s))
            .map(|(s, std)| (*std, s.len())),
            sep @ (b'.' | b',') => match layout.get(i + 1) {
                Some(&ch @ (b'0' | b'9')) => {
                    let mut j = i + 1;
                    while layout.get(j) == Some(&ch) {
                        j += 1;
                    }
                    if layout.get(j).is_some_and(u8::is_ascii_digit) {
                        None
                    } else {
                        Some((Std::Frac(j - i - 1, ch == b'9', sep), j - i))
                    }
                }
                _ => None,
            },
            _ => None,
        };
        if let Some((std, len)) = found {
            return Some((i, std, len));
        }
    }
    None
}

fn pad(out: &mut Vec<u8>, n: i64, width: usize) {
    let s = n.unsigned_abs().to_string();
    if n < 0 {
        out.push(b'-');
    }
    for _ in s.len()..width {
        out.push(b'0');
    }
    out.extend_from_slice(s.as_bytes());
}

/// Go's `Time.Format`.
fn format(t: &Time, layout: &str) -> String {
    let f = t.fields();
    let mut out: Vec<u8> = Vec::with_capacity(layout.len() + 10);
    let mut rest = layout.as_bytes();
    while let Some((prefix, std, len)) = next_std(rest) {
        out.extend_from_slice(&rest[..prefix]);
        rest = &rest[prefix + len..];
        match std {
            Std::Year => pad(&mut out, f.year.rem_euclid(100), 2),
            Std::LongYear => pad(&mut out, f.year, 4),
            Std::Month => out.extend_from_slice(&MONTHS[(f.month - 1) as usize].as_bytes()[..3]),
            Std::LongMonth => out.extend_from_slice(MONTHS[(f.month - 1) as usize].as_bytes()),
            Std::NumMonth => pad(&mut out, f.month, 0),
            Std::ZeroMonth => pad(&mut out, f.month, 2),
            Std::WeekDay => out.extend_from_slice(&DAYS[f.weekday as usize].as_bytes()[..3]),
            Std::LongWeekDay => out.extend_from_slice(DAYS[f.weekday as usize].as_bytes()),
            Std::Day => pad(&mut out, f.day, 0),
            Std::UnderDay => {
                if f.day < 10 {
                    out.push(b' ');
                }
                pad(&mut out, f.day, 0);
            }
            Std::ZeroDay => pad(&mut out, f.day, 2),
            Std::UnderYearDay => {
                if f.yday < 100 {
                    out.push(b' ');
                    if f.yday < 10 {
                        out.push(b' ');
                    }
                }
                pad(&mut out, f.yday, 0);
            }
            Std::ZeroYearDay => pad(&mut out, f.yday, 3),
            Std::Hour => pad(&mut out, f.hour, 2),
            Std::Hour12 => pad(&mut out, if f.hour % 12 == 0 { 12 } else { f.hour % 12 }, 0),
            Std::ZeroHour12 => pad(&mut out, if f.hour % 12 == 0 { 12 } else { f.hour % 12 }, 2),
            Std::Minute => pad(&mut out, f.min, 0),
            Std::ZeroMinute => pad(&mut out, f.min, 2),
            Std::Second => pad(&mut out, f.sec, 0),
            Std::ZeroSecond => pad(&mut out, f.sec, 2),
            Std::PM => out.extend_from_slice(if f.hour >= 12 { b"PM" } else { b"AM" }),
            Std::Pm => out.extend_from_slice(if f.hour >= 12 { b"pm" } else { b"am" }),
            Std::Tz => {
                if !f.abbr.is_empty() {
                    out.extend_from_slice(f.abbr.as_bytes());
                } else {
                    let zone = f.offset / 60;
                    out.push(if zone < 0 { b'-' } else { b'+' });
                    pad(&mut out, (zone.abs() / 60) as i64, 2);
                    pad(&mut out, (zone.abs() % 60) as i64, 2);
                }
            }
            Std::Frac(n, trim, sep) => {
                let digits = format!("{:09}", f.nsec);
                let mut d = &digits[..n.min(9)];
                if trim {
                    d = d.trim_end_matches('0');
                    if d.is_empty() {
                        continue;
                    }
                }
                out.push(sep);
                out.extend_from_slice(d.as_bytes());
            }
            tz => {
                let iso = matches!(
                    tz,
                    Std::Iso8601Tz
                        | Std::Iso8601SecondsTz
                        | Std::Iso8601ShortTz
                        | Std::Iso8601ColonTz
                        | Std::Iso8601ColonSecondsTz
                );
                if iso && f.offset == 0 {
                    out.push(b'Z');
                    continue;
                }
                let zone = f.offset / 60;
                let abs = f.offset.abs();
                out.push(if zone < 0 { b'-' } else { b'+' });
                let zone = zone.abs();
                pad(&mut out, (zone / 60) as i64, 2);
                let colon = matches!(
                    tz,
                    Std::Iso8601ColonTz | Std::NumColonTz | Std::Iso8601ColonSecondsTz | Std::NumColonSecondsTz
                );
                if colon {
                    out.push(b':');
                }
                if !matches!(tz, Std::NumShortTz | Std::Iso8601ShortTz) {
                    pad(&mut out, (zone % 60) as i64, 2);
                }
                if matches!(
                    tz,
                    Std::Iso8601SecondsTz | Std::NumSecondsTz | Std::NumColonSecondsTz | Std::Iso8601ColonSecondsTz
                ) {
                    if colon {
                        out.push(b':');
                    }
                    pad(&mut out, (abs % 60) as i64, 2);
                }
            }
        }
    }
    out.extend_from_slice(rest);
    String::from_utf8_lossy(&out).into_owned()
}

/// Go's `time.ParseError` text.
fn parse_error(layout: &str, value: &str, layout_elem: &[u8], value_elem: &[u8], message: &str) -> String {
    if !message.is_empty() {
        return format!("parsing time {}{message}", strconv::quote(value));
    }
    format!(
        "parsing time {} as {}: cannot parse {} as {}",
        strconv::quote(value),
        strconv::quote(layout),
        strconv::quote(&String::from_utf8_lossy(value_elem)),
        strconv::quote(&String::from_utf8_lossy(layout_elem))
    )
}

/// Go's `getnum`: one or two digits (exactly two when `fixed`).
fn getnum(s: &[u8], fixed: bool) -> Option<(i64, &[u8])> {
    let d0 = *s.first().filter(|c| c.is_ascii_digit())?;
    match s.get(1) {
        Some(d1) if d1.is_ascii_digit() => Some(((d0 - b'0') as i64 * 10 + (d1 - b'0') as i64, &s[2..])),
        _ if fixed => None,
        _ => Some(((d0 - b'0') as i64, &s[1..])),
    }
}

/// Go's `getnum3`: one to three digits (exactly three when `fixed`).
fn getnum3(s: &[u8], fixed: bool) -> Option<(i64, &[u8])> {
    let n = s.iter().take(3).take_while(|c| c.is_ascii_digit()).count();
    if n == 0 || (fixed && n != 3) {
        return None;
    }
    let v = s[..n].iter().fold(0i64, |a, c| a * 10 + (c - b'0') as i64);
    Some((v, &s[n..]))
}

/// Case-insensitive prefix lookup of a month or day name.
fn lookup<'a>(names: &[&str], val: &'a [u8], short: bool) -> Option<(usize, &'a [u8])> {
    for (i, name) in names.iter().enumerate() {
        let name = if short { &name[..3] } else { name };
        if val.len() >= name.len() && val[..name.len()].eq_ignore_ascii_case(name.as_bytes()) {
            return Some((i, &val[name.len()..]));
        }
    }
    None
}

fn cutspace(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| **c == b' ').count();
    &b[n..]
}

/// Go's `skip`: matches the literal prefix (runs of spaces match loosely).
fn skip<'a>(mut value: &'a [u8], mut prefix: &[u8]) -> Result<&'a [u8], &'a [u8]> {
    while let Some(&p) = prefix.first() {
        if p == b' ' {
            if value.first().is_some_and(|c| *c != b' ') {
                return Err(value);
            }
            prefix = cutspace(prefix);
            value = cutspace(value);
            continue;
        }
        if value.first() != Some(&p) {
            return Err(value);
        }
        prefix = &prefix[1..];
        value = &value[1..];
    }
    Ok(value)
}

/// Go's `parseTimeZone`: the length of a zone abbreviation at the start of `v`.
fn parse_time_zone(v: &[u8]) -> Option<usize> {
    if v.len() < 3 {
        return None;
    }
    if v.starts_with(b"ChST") || v.starts_with(b"MeST") {
        return Some(4);
    }
    if v.starts_with(b"GMT") {
        let rest = &v[3..];
        if matches!(rest.first(), Some(b'+' | b'-')) {
            let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if n > 0 {
                return Some(4 + n);
            }
        }
        return Some(3);
    }
    if matches!(v[0], b'+' | b'-') {
        let n = v[1..].iter().take(2).take_while(|c| c.is_ascii_digit()).count();
        return (n == 2).then_some(3);
    }
    let upper = v.iter().take(6).take_while(|c| c.is_ascii_uppercase()).count();
    match upper {
        3 => Some(3),
        4 if v[3] == b'T' || v.starts_with(b"WITA") => Some(4),
        5 if v[4] == b'T' => Some(5),
        _ => None,
    }
}

/// Go's `parseNanoseconds`.
fn parse_nanos(v: &[u8], nbytes: usize) -> Option<i64> {
    if !matches!(v.first(), Some(b'.' | b',')) {
        return None;
    }
    let nbytes = nbytes.min(10);
    let digits = v.get(1..nbytes)?;
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut ns = digits.iter().fold(0i64, |a, c| a * 10 + (c - b'0') as i64);
    for _ in 0..(10 - nbytes) {
        ns *= 10;
    }
    Some(ns)
}

/// Go's `time.ParseInLocation(layout, value, time.Local)`.
fn parse(layout_str: &str, value_str: &str) -> Result<Time, String> {
    let mut layout = layout_str.as_bytes();
    let mut value = value_str.as_bytes();
    let (mut year, mut month, mut day, mut yday) = (0i64, -1i64, -1i64, -1i64);
    let (mut hour, mut min, mut sec, mut nsec) = (0i64, 0i64, 0i64, 0i64);
    let (mut am, mut pm) = (false, false);
    let mut utc = false;
    let mut zone_offset: Option<i64> = None;
    let mut zone_name = String::new();
    let bad = |le: &[u8], ve: &[u8]| parse_error(layout_str, value_str, le, ve, "");
    loop {
        let chunk = next_std(layout);
        let prefix = &layout[..chunk.map(|c| c.0).unwrap_or(layout.len())];
        value = skip(value, prefix).map_err(|v| bad(prefix, v))?;
        let Some((p, std, len)) = chunk else {
            if !value.is_empty() {
                let extra = String::from_utf8_lossy(value);
                return Err(parse_error(
                    layout_str,
                    value_str,
                    b"",
                    b"",
                    &format!(": extra text: {}", strconv::quote(&extra)),
                ));
            }
            break;
        };
        let stdstr = &layout[p..p + len];
        layout = &layout[p + len..];
        let hold = value;
        let mut range_err = "";
        let ok: Option<()> = (|| {
            match std {
                Std::Year => {
                    let p = value.get(..2)?;
                    value = &value[2..];
                    let y = std::str::from_utf8(p).ok()?.parse::<i64>().ok()?;
                    year = if y >= 69 { y + 1900 } else { y + 2000 };
                }
                Std::LongYear => {
                    let p = value.get(..4).filter(|p| p[0].is_ascii_digit())?;
                    value = &value[4..];
                    year = std::str::from_utf8(p).ok()?.parse::<i64>().ok()?;
                }
                Std::Month | Std::LongMonth => {
                    let (m, rest) = lookup(&MONTHS, value, std == Std::Month)?;
                    month = m as i64 + 1;
                    value = rest;
                }
                Std::NumMonth | Std::ZeroMonth => {
                    let (m, rest) = getnum(value, std == Std::ZeroMonth)?;
                    month = m;
                    value = rest;
                    if !(1..=12).contains(&m) {
                        range_err = "month";
                    }
                }
                Std::WeekDay | Std::LongWeekDay => {
                    value = lookup(&DAYS, value, std == Std::WeekDay)?.1;
                }
                Std::Day | Std::UnderDay | Std::ZeroDay => {
                    if std == Std::UnderDay && value.first() == Some(&b' ') {
                        value = &value[1..];
                    }
                    let (d, rest) = getnum(value, std == Std::ZeroDay)?;
                    day = d;
                    value = rest;
                }
                Std::UnderYearDay | Std::ZeroYearDay => {
                    for _ in 0..2 {
                        if std == Std::UnderYearDay && value.first() == Some(&b' ') {
                            value = &value[1..];
                        }
                    }
                    let (d, rest) = getnum3(value, std == Std::ZeroYearDay)?;
                    yday = d;
                    value = rest;
                }
                Std::Hour => {
                    let (h, rest) = getnum(value, false)?;
                    hour = h;
                    value = rest;
                    if !(0..24).contains(&h) {
                        range_err = "hour";
                    }
                }
                Std::Hour12 | Std::ZeroHour12 => {
                    let (h, rest) = getnum(value, std == Std::ZeroHour12)?;
                    hour = h;
                    value = rest;
                    if !(0..=12).contains(&h) {
                        range_err = "hour";
                    }
                }
                Std::Minute | Std::ZeroMinute => {
                    let (m, rest) = getnum(value, std == Std::ZeroMinute)?;
                    min = m;
                    value = rest;
                    if !(0..60).contains(&m) {
                        range_err = "minute";
                    }
                }
                Std::Second | Std::ZeroSecond => {
                    let (s, rest) = getnum(value, std == Std::ZeroSecond)?;
                    sec = s;
                    value = rest;
                    if !(0..60).contains(&s) {
                        range_err = "second";
                        return Some(());
                    }
                    if value.len() >= 2 && matches!(value[0], b'.' | b',') && value[1].is_ascii_digit() {
                        if let Some((_, Std::Frac(..), _)) = next_std(layout) {
                            return Some(());
                        }
                        let n = 2 + value[2..].iter().take_while(|c| c.is_ascii_digit()).count();
                        nsec = parse_nanos(value, n)?;
                        value = &value[n..];
                    }
                }
                Std::PM | Std::Pm => {
                    let p = value.get(..2)?;
                    value = &value[2..];
                    let (pm_s, am_s): (&[u8], &[u8]) = if std == Std::PM { (b"PM", b"AM") } else { (b"pm", b"am") };
                    if p == pm_s {
                        pm = true;
                    } else if p == am_s {
                        am = true;
                    } else {
                        return None;
                    }
                }
                Std::Tz => {
                    if value.starts_with(b"UTC") {
                        utc = true;
                        value = &value[3..];
                        return Some(());
                    }
                    let n = parse_time_zone(value)?;
                    zone_name = String::from_utf8_lossy(&value[..n]).into_owned();
                    value = &value[n..];
                }
                Std::Frac(n, trim, _) => {
                    if !trim {
                        let nd = 1 + n;
                        if value.len() < nd {
                            return None;
                        }
                        nsec = parse_nanos(value, nd)?;
                        value = &value[nd..];
                    } else {
                        if value.len() < 2 || !matches!(value[0], b'.' | b',') || !value[1].is_ascii_digit() {
                            return Some(());
                        }
                        let i = value[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                        nsec = parse_nanos(value, 1 + i)?;
                        value = &value[1 + i..];
                    }
                }
                tz => {
                    let iso = matches!(
                        tz,
                        Std::Iso8601Tz
                            | Std::Iso8601SecondsTz
                            | Std::Iso8601ShortTz
                            | Std::Iso8601ColonTz
                            | Std::Iso8601ColonSecondsTz
                    );
                    if iso && value.first() == Some(&b'Z') {
                        value = &value[1..];
                        utc = true;
                        return Some(());
                    }
                    let (sign, h, m, s, rest): (u8, &[u8], &[u8], &[u8], &[u8]) = match tz {
                        Std::Iso8601ColonTz | Std::NumColonTz => {
                            let v = value.get(..6).filter(|v| v[3] == b':')?;
                            (v[0], &v[1..3], &v[4..6], b"00", &value[6..])
                        }
                        Std::NumShortTz | Std::Iso8601ShortTz => {
                            let v = value.get(..3)?;
                            (v[0], &v[1..3], b"00", b"00", &value[3..])
                        }
                        Std::Iso8601ColonSecondsTz | Std::NumColonSecondsTz => {
                            let v = value.get(..9).filter(|v| v[3] == b':' && v[6] == b':')?;
                            (v[0], &v[1..3], &v[4..6], &v[7..9], &value[9..])
                        }
                        Std::Iso8601SecondsTz | Std::NumSecondsTz => {
                            let v = value.get(..7)?;
                            (v[0], &v[1..3], &v[3..5], &v[5..7], &value[7..])
                        }
                        _ => {
                            let v = value.get(..5)?;
                            (v[0], &v[1..3], &v[3..5], b"00", &value[5..])
                        }
                    };
                    value = rest;
                    let hr = getnum(h, true)?.0;
                    let mm = getnum(m, true)?.0;
                    let ss = getnum(s, true)?.0;
                    if hr > 24 {
                        range_err = "time zone offset hour";
                    }
                    if mm > 60 {
                        range_err = "time zone offset minute";
                    }
                    if ss > 60 {
                        range_err = "time zone offset second";
                    }
                    let off = (hr * 60 + mm) * 60 + ss;
                    zone_offset = Some(match sign {
                        b'+' => off,
                        b'-' => -off,
                        _ => return None,
                    });
                }
            }
            Some(())
        })();
        if !range_err.is_empty() {
            return Err(parse_error(layout_str, value_str, b"", b"", &format!(": {range_err} out of range")));
        }
        if ok.is_none() {
            return Err(bad(stdstr, hold));
        }
    }
    if pm && hour < 12 {
        hour += 12;
    } else if am && hour == 12 {
        hour = 0;
    }
    if yday >= 0 {
        let mut yd = yday;
        let (mut m, mut d) = (0, 0);
        if is_leap(year) {
            if yd == 31 + 29 {
                m = 2;
                d = 29;
            } else if yd > 31 + 29 {
                yd -= 1;
            }
        }
        if !(1..=365).contains(&yd) {
            return Err(parse_error(layout_str, value_str, b"", b"", ": day-of-year out of range"));
        }
        if m == 0 {
            const BEFORE: [i64; 13] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
            m = (yd - 1) / 31 + 1;
            if BEFORE[m as usize] < yd {
                m += 1;
            }
            d = yd - BEFORE[(m - 1) as usize];
        }
        if month >= 0 && month != m {
            return Err(parse_error(layout_str, value_str, b"", b"", ": day-of-year does not match month"));
        }
        month = m;
        if day >= 0 && day != d {
            return Err(parse_error(layout_str, value_str, b"", b"", ": day-of-year does not match day"));
        }
        day = d;
    } else {
        if month < 0 {
            month = 1;
        }
        if day < 0 {
            day = 1;
        }
    }
    if day < 1 || day > days_in(month, year) {
        return Err(parse_error(layout_str, value_str, b"", b"", ": day out of range"));
    }
    if utc {
        return Ok(Time::date(year, month, day, hour, min, sec, nsec, Loc::Utc));
    }
    if let Some(off) = zone_offset {
        let t = Time::date(year, month, day, hour, min, sec, nsec, Loc::Utc);
        let t = Time { sec: t.sec - off, ..t };
        let (name, local_off) = Loc::Local.lookup(t.sec);
        if local_off as i64 == off && (zone_name.is_empty() || name == zone_name) {
            return Ok(t.in_loc(Loc::Local));
        }
        return Ok(t.in_loc(Loc::Fixed(off as i32, zone_name)));
    }
    if !zone_name.is_empty() {
        let t = Time::date(year, month, day, hour, min, sec, nsec, Loc::Utc);
        let (name, local_off) = Loc::Local.lookup(t.sec);
        if name == zone_name {
            return Ok(Time { sec: t.sec - local_off as i64, ..t }.in_loc(Loc::Local));
        }
        let mut off = 0;
        if zone_name.len() > 3 && zone_name.starts_with("GMT") {
            off = zone_name[3..].parse::<i32>().unwrap_or(0).saturating_mul(3600);
        }
        return Ok(t.in_loc(Loc::Fixed(off, zone_name)));
    }
    Ok(Time::date(year, month, day, hour, min, sec, nsec, Loc::Local))
}

/// Go's `time.ParseDuration`, in nanoseconds.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let orig = s;
    let invalid = || format!("time: invalid duration {}", strconv::quote(orig));
    let mut s = s.as_bytes();
    let mut neg = false;
    if let Some(&c) = s.first() {
        if c == b'-' || c == b'+' {
            neg = c == b'-';
            s = &s[1..];
        }
    }
    if s == b"0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    while !s.is_empty() {
        if !(s[0] == b'.' || s[0].is_ascii_digit()) {
            return Err(invalid());
        }
        let int_len = s.iter().take_while(|c| c.is_ascii_digit()).count();
        let int_part = &s[..int_len];
        s = &s[int_len..];
        let mut frac_part: &[u8] = &[];
        let pre = int_len > 0;
        let mut post = false;
        if s.first() == Some(&b'.') {
            s = &s[1..];
            let n = s.iter().take_while(|c| c.is_ascii_digit()).count();
            frac_part = &s[..n];
            post = n > 0;
            s = &s[n..];
        }
        if !pre && !post {
            return Err(invalid());
        }
        let unit_len = s.iter().take_while(|c| **c != b'.' && !c.is_ascii_digit()).count();
        if unit_len == 0 {
            return Err(format!("time: missing unit in duration {}", strconv::quote(orig)));
        }
        let unit = &s[..unit_len];
        s = &s[unit_len..];
        let scale: u128 = match unit {
            b"ns" => 1,
            b"us" | b"\xc2\xb5s" | b"\xce\xbcs" => 1_000,
            b"ms" => 1_000_000,
            b"s" => 1_000_000_000,
            b"m" => 60_000_000_000,
            b"h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    strconv::quote(&String::from_utf8_lossy(unit)),
                    strconv::quote(orig)
                ))
            }
        };
        let mut v: u128 = 0;
        for c in int_part {
            v = v * 10 + (c - b'0') as u128;
            if v > 1 << 63 {
                return Err(invalid());
            }
        }
        let mut value = v * scale;
        if !frac_part.is_empty() {
            let mut f: u128 = 0;
            let mut div: u128 = 1;
            for c in frac_part.iter().take(18) {
                f = f * 10 + (c - b'0') as u128;
                div *= 10;
            }
            value += f * scale / div;
        }
        total += value;
        if total > 1 << 63 {
            return Err(invalid());
        }
    }
    if neg {
        Ok((total as i128).wrapping_neg() as i64)
    } else if total > i64::MAX as u128 {
        Err(invalid())
    } else {
        Ok(total as i64)
    }
}

/// Go's `Duration.String`.
pub(crate) fn format_duration(d: i64) -> String {
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    let mut out = String::new();
    if u < 1_000_000_000 {
        let (prec, unit) = match u {
            0 => return "0s".into(),
            1..=999 => (0, "ns"),
            1000..=999_999 => (3, "µs"),
            _ => (6, "ms"),
        };
        let (frac, int) = frac_digits(u, prec);
        out.push_str(&int.to_string());
        out.push_str(&frac);
        out.push_str(unit);
    } else {
        let (frac, secs) = frac_digits(u, 9);
        u = secs;
        let s = format!("{}{frac}s", u % 60);
        u /= 60;
        if u > 0 {
            let m = format!("{}m", u % 60);
            u /= 60;
            if u > 0 {
                out.push_str(&format!("{u}h"));
            }
            out.push_str(&m);
        }
        out.push_str(&s);
    }
    if neg {
        out.insert(0, '-');
    }
    out
}

/// Go's `fmtFrac`: the fraction of `v / 10^prec` without trailing zeros (and
/// without the point when zero), and the integer part.
fn frac_digits(v: u64, prec: u32) -> (String, u64) {
    let p = 10u64.pow(prec);
    let frac = v % p;
    if frac == 0 {
        return (String::new(), v / p);
    }
    let digits = format!("{:0width$}", frac, width = prec as usize);
    (format!(".{}", digits.trim_end_matches('0')), v / p)
}

/// Go's `Duration.Round(m)`.
pub(crate) fn round_duration(d: i64, m: i64) -> i64 {
    let r = d % m;
    let less_than_half = |x: i64| (x as u64).wrapping_add(x as u64) < m as u64;
    if d < 0 {
        let r = -r;
        if less_than_half(r) {
            return d + r;
        }
        d.checked_sub(m - r).unwrap_or(i64::MIN)
    } else {
        if less_than_half(r) {
            return d - r;
        }
        d.checked_add(m - r).unwrap_or(i64::MAX)
    }
}

/// Sprig's `durationRound`: the largest whole unit (y, mo, d, h, m, s).
fn duration_round(d: i64) -> String {
    let u = d.unsigned_abs();
    const HOUR: u64 = 3_600_000_000_000;
    for (unit, name) in [
        (HOUR * 24 * 365, "y"),
        (HOUR * 24 * 30, "mo"),
        (HOUR * 24, "d"),
        (HOUR, "h"),
        (60_000_000_000, "m"),
        (1_000_000_000, "s"),
    ] {
        if u > unit {
            return format!("{}{name}", u / unit);
        }
    }
    "0s".into()
}

/// The result of a function, for tests.
#[cfg(test)]
fn text(r: govalue::FuncResult) -> String {
    match r {
        Ok(v) => v.to_go_string(),
        Err(e) => format!("ERR {}", e.message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{call, TestHost};

    fn d(layout: &str, value: &str) -> Value {
        Value::Object(Rc::new(parse(layout, value).unwrap()))
    }

    #[test]
    fn format_and_parse_like_go() {
        let mut h = TestHost::new();
        let t = d("2006-01-02", "2021-03-04");
        assert_eq!(t.to_go_string(), "2021-03-04 00:00:00 +0000 UTC");
        assert_eq!(text(call(&mut h, "date", &[Value::str("Mon Jan 2 2006"), t.clone()])), "Thu Mar 4 2021");
        let t2 = d("2006-01-02T15:04:05Z07:00", "2020-02-29T23:59:58+02:00");
        assert_eq!(text(call(&mut h, "date", &[Value::str("2006-01-02T15:04:05Z07:00"), t2])), "2020-02-29T21:59:58Z");
        let t3 = d("2006-01-02 15:04:05", "2021-12-25 07:08:09");
        assert_eq!(
            text(call(&mut h, "date", &[Value::str("02/01/06 03:04:05PM .000"), t3])),
            "25/12/21 07:08:09AM .000"
        );
        assert_eq!(
            parse("2006-01-02", "garbage").unwrap_err(),
            "parsing time \"garbage\" as \"2006-01-02\": cannot parse \"garbage\" as \"2006\""
        );
        let tz = d("2006-01-02 15:04", "2021-03-04 12:00");
        assert_eq!(
            text(call(&mut h, "dateInZone", &[Value::str("15:04 -0700 MST"), tz, Value::str("Asia/Tokyo")])),
            "21:00 +0900 JST"
        );
        assert_eq!(
            text(call(&mut h, "date", &[Value::str("2006-01-02 15:04:05"), Value::Int(86400)])),
            "1970-01-02 00:00:00"
        );
        assert_eq!(text(call(&mut h, "unixEpoch", &[d("2006-01-02", "2021-03-04")])), "1614816000");
    }

    #[test]
    fn durations_like_go() {
        assert_eq!(format_duration(95 * NANOS), "1m35s");
        assert_eq!(format_duration(3600 * NANOS), "1h0m0s");
        assert_eq!(format_duration(1_500_000), "1.5ms");
        assert_eq!(parse_duration("+36h"), Ok(36 * 3600 * NANOS));
        assert_eq!(parse_duration("-1.5h"), Ok(-5400 * NANOS));
        assert_eq!(parse_duration("bogus").unwrap_err(), "time: invalid duration \"bogus\"");
        assert_eq!(duration_round(parse_duration("2h10m5s").unwrap()), "2h");
        assert_eq!(duration_round(parse_duration("400h").unwrap()), "16d");
        assert_eq!(duration_round(parse_duration("9000h").unwrap()), "1y");
    }

    #[test]
    fn modify_and_now() {
        let mut h = TestHost::new();
        let t = d("2006-01-02", "2021-03-04");
        let m = call(&mut h, "dateModify", &[Value::str("-90m"), t.clone()]).unwrap();
        assert_eq!(text(call(&mut h, "date", &[Value::str("2006-01-02 15:04"), m])), "2021-03-03 22:30");
        assert_eq!(
            text(call(&mut h, "mustDateModify", &[Value::str("bogus"), t])),
            "ERR time: invalid duration \"bogus\""
        );
        assert_eq!(text(call(&mut h, "now", &[])), "2024-01-02 03:04:05 +0000 UTC m=+0.100000000");
    }
}

#[cfg(test)]
mod edge_tests {
    use super::*;
    use crate::testing::{call, TestHost};

    #[test]
    fn extreme_inputs_do_not_panic() {
        let mut h = TestHost::new();
        for n in [i64::MAX, i64::MIN, 0] {
            let t = call(&mut h, "date", &[Value::str("2006-01-02 15:04:05 MST"), Value::Int64(n)]);
            assert!(t.is_ok());
            let d = call(&mut h, "durationRound", &[Value::Int64(n)]);
            assert!(d.is_ok());
        }
        let t = Value::Object(Rc::new(Time::unix(i64::MAX)));
        if let Value::Object(o) = &t {
            let r = o.call_method("AddDate", &[Value::Int(i64::MAX), Value::Int(i64::MIN), Value::Int(5)]);
            assert!(r.is_some());
        }
        assert!(parse_duration("1.99999999999999999999999999999999h").is_ok());
        assert!(parse_duration("9999999999999999999h").is_err());
    }
}
