#![no_main]
//! See `byline::fuzzing::config`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| byline::fuzzing::config(data));
