//! go-yaml v2's timestamp recognition (`parseTimestamp`), which decides whether a
//! string such as `2001-12-14` must be quoted when emitted.

fn digits(b: &[u8], i: &mut usize, max: usize) -> Option<u32> {
    let st = *i;
    let mut v = 0u32;
    while *i < b.len() && *i - st < max && b[*i].is_ascii_digit() {
        v = v * 10 + (b[*i] - b'0') as u32;
        *i += 1;
    }
    (*i > st).then_some(v)
}

/// Go's `getnum(s, false)`: one or two digits.
fn num12(b: &[u8], i: &mut usize) -> Option<u32> {
    digits(b, i, 2)
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 => {
            if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) {
                29
            } else {
                28
            }
        }
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Whether `s` parses with one of go-yaml's timestamp layouts:
/// `2006-1-2T15:4:5.999999999Z07:00` (also with `t`), `2006-1-2 15:4:5.999999999`
/// or `2006-1-2`.
pub fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let year = b[..4].iter().fold(0u32, |a, d| a * 10 + (d - b'0') as u32);
    let mut i = 5;
    let Some(month) = num12(b, &mut i) else { return false };
    if !(1..=12).contains(&month) || b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    let Some(day) = num12(b, &mut i) else { return false };
    if day < 1 || day > days_in(month, year) {
        return false;
    }
    if i == b.len() {
        return true;
    }
    let with_zone = match b[i] {
        b'T' | b't' => true,
        b' ' => false,
        _ => return false,
    };
    i += 1;
    let Some(hour) = num12(b, &mut i) else { return false };
    if hour >= 24 || b.get(i) != Some(&b':') {
        return false;
    }
    i += 1;
    let Some(minute) = num12(b, &mut i) else { return false };
    if minute >= 60 || b.get(i) != Some(&b':') {
        return false;
    }
    i += 1;
    let Some(second) = num12(b, &mut i) else { return false };
    if second >= 60 {
        return false;
    }
    if i + 1 < b.len() && (b[i] == b'.' || b[i] == b',') && b[i + 1].is_ascii_digit() {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if with_zone {
        if b.get(i) == Some(&b'Z') {
            i += 1;
        } else {
            if b.len() < i + 6 || !(b[i] == b'+' || b[i] == b'-') || b[i + 3] != b':' {
                return false;
            }
            let hh = &b[i + 1..i + 3];
            let mm = &b[i + 4..i + 6];
            if !hh.iter().chain(mm).all(u8::is_ascii_digit) {
                return false;
            }
            let h = (hh[0] - b'0') as u32 * 10 + (hh[1] - b'0') as u32;
            let m = (mm[0] - b'0') as u32 * 10 + (mm[1] - b'0') as u32;
            if h > 24 || m > 60 {
                return false;
            }
            i += 6;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::is_timestamp;

    #[test]
    fn go_yaml_timestamp_layouts() {
        assert!(is_timestamp("2001-12-14"));
        assert!(is_timestamp("2001-1-2"));
        assert!(is_timestamp("2001-12-14 21:59:43.10"));
        assert!(is_timestamp("2001-12-14T21:59:43.10-05:00"));
        assert!(is_timestamp("2001-12-14t21:59:43Z"));
        assert!(!is_timestamp("2001-13-45"));
        assert!(!is_timestamp("2001-02-29"));
        assert!(is_timestamp("2004-02-29"));
        assert!(!is_timestamp("2001-12-14 21:59:43Z"));
        assert!(!is_timestamp("12001-12-14"));
        assert!(!is_timestamp("2001-12-14x"));
    }
}
