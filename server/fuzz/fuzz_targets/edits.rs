#![no_main]
//! See `byline::fuzzing::edits`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| byline::fuzzing::edits(data));
