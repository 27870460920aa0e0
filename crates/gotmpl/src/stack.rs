//! How far down the executing thread's stack may grow, so that a runaway
//! recursion ends in Go's depth error instead of a stack overflow.

/// Room kept free below the limit for the frames that report the error.
const SAFETY_MARGIN: usize = 512 << 10;

/// Stack assumed when the real size cannot be read (Linux's main-thread default).
const FALLBACK_SIZE: usize = 8 << 20;

/// The lowest stack address execution may reach on this thread: the bottom of
/// the thread's stack mapping (or, for the main thread, its top minus the stack
/// size limit) plus a safety margin. `here` is the address of a local.
pub(crate) fn floor(here: usize) -> usize {
    let bottom = mapped_bottom(here).unwrap_or_else(|| here.saturating_sub(FALLBACK_SIZE));
    bottom.saturating_add(SAFETY_MARGIN)
}

/// The address of a local variable of the caller's frame, roughly.
#[inline(never)]
pub(crate) fn current() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

fn mapped_bottom(here: usize) -> Option<usize> {
    let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
    for line in maps.lines() {
        let range = line.split_whitespace().next()?;
        let (lo, hi) = range.split_once('-')?;
        let (lo, hi) = (usize::from_str_radix(lo, 16).ok()?, usize::from_str_radix(hi, 16).ok()?);
        if here < lo || here >= hi {
            continue;
        }
        if line.ends_with("[stack]") {
            let limit = main_stack_limit().unwrap_or(FALLBACK_SIZE);
            return Some(hi.saturating_sub(limit));
        }
        return Some(lo);
    }
    None
}

/// The soft `RLIMIT_STACK`, which bounds the main thread's stack.
fn main_stack_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max stack size"))?;
    let soft = line.trim_start_matches("Max stack size").split_whitespace().next()?;
    if soft == "unlimited" {
        return Some(FALLBACK_SIZE * 8);
    }
    soft.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_lies_below_the_current_frame() {
        let here = current();
        let f = floor(here);
        assert!(f < here);
        assert!(here - f < 1 << 40);
    }
}
