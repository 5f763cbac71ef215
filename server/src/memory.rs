//! Allocator settings for the `byline` binary and the benches, which use mimalloc.
//!
//! By default mimalloc (v3, as bundled) keeps freed pages for a second before returning them
//! to the OS and commits arena memory eagerly. Indexing interleaves short-lived analysis allocations with the long-lived
//! index on two threads, and a reference list of 26,000 locations is serialised through a
//! 30 MB JSON tree; with the defaults both leave tens of megabytes resident that are no
//! longer used. Measured with `cargo bench -p byline --bench index_memory -- 10000`: peak
//! RSS 134 MB with the defaults, 96 MB with these settings, same live heap.

/// mimalloc's `mi_option_arena_eager_commit` and `mi_option_purge_delay` (positions in the
/// `mi_option_e` enum of mimalloc.h, v3, bundled by libmimalloc-sys 0.1.49; the Rust crate
/// does not name them).
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Return freed memory to the OS promptly. Call first thing in `main`. mimalloc's own
/// environment variables (`MIMALLOC_PURGE_DELAY`, `MIMALLOC_ARENA_EAGER_COMMIT`) still win.
pub fn release_freed_memory_promptly() {
    for (option, env) in [
        (PURGE_DELAY, "MIMALLOC_PURGE_DELAY"),
        (ARENA_EAGER_COMMIT, "MIMALLOC_ARENA_EAGER_COMMIT"),
    ] {
        if std::env::var_os(env).is_none() {
            // SAFETY: a plain setter of one of mimalloc's global options; valid at any time.
            unsafe { libmimalloc_sys::mi_option_set(option, 0) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The positions name the options meant: before, they hold mimalloc v3's defaults
    /// (options.c: purge delay 1000 ms; arena eager commit 2 on Linux); after, zero.
    #[test]
    fn options_are_the_ones_meant() {
        // SAFETY: plain getters.
        let get = |o| unsafe { libmimalloc_sys::mi_option_get(o) };
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(get(PURGE_DELAY), 1000);
        }
        if std::env::var_os("MIMALLOC_ARENA_EAGER_COMMIT").is_none() {
            assert_eq!(get(ARENA_EAGER_COMMIT), 2);
        }
        release_freed_memory_promptly();
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(get(PURGE_DELAY), 0);
        }
        if std::env::var_os("MIMALLOC_ARENA_EAGER_COMMIT").is_none() {
            assert_eq!(get(ARENA_EAGER_COMMIT), 0);
        }
    }
}
