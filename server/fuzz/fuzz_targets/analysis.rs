#![no_main]
//! See `byline::fuzzing::analysis`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| byline::fuzzing::analysis(data));
