#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| takeback_fuzzing::rdap_answer(data));
