//! Lets the test against the vPDQ reference's sample hashes (`tests/reference_samples.rs`) show
//! as ignored, not passed, when there are none: they run when `TAKEBACK_PDQ_REFERENCE` names
//! the folder, as `tools/test` does when it is beside the checkout.

fn main() {
    println!("cargo::rerun-if-env-changed=TAKEBACK_PDQ_REFERENCE");
    println!("cargo::rustc-check-cfg=cfg(takeback_pdq_reference)");
    if std::env::var_os("TAKEBACK_PDQ_REFERENCE").is_some_and(|dir| !dir.is_empty()) {
        println!("cargo::rustc-cfg=takeback_pdq_reference");
    }
}
