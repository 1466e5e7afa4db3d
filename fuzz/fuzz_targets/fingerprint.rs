#![no_main]

use std::sync::Once;

static QUIET_CONTAINED_PANICS: Once = Once::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // takeback-fingerprint contains a panic inside an image decoder (a bug of the decoder
    // on a malformed file: zune-jpeg 0.5.15 on fuzz/regressions/fingerprint/) and returns
    // it as a corrupt file; the hook libFuzzer installs would abort on it all the same. A
    // panic that escapes `fingerprint` (a broken assertion, or a panic not contained)
    // still ends the run as a crash: fuzz_target! aborts on it.
    QUIET_CONTAINED_PANICS.call_once(|| {
        std::panic::set_hook(Box::new(|info| eprintln!("panic (contained unless the run stops): {info}")))
    });
    takeback_fuzzing::fingerprint(data)
});
