#![no_main]
//! See `byline::fuzzing::framing`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| byline::fuzzing::framing(data));
