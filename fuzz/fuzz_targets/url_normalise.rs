#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| takeback_fuzzing::url_normalise(data));
