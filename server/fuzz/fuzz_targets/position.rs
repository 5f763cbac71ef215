#![no_main]
//! See `byline::fuzzing::position`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| byline::fuzzing::position(data));
