//! Lets the Node.js tests (`tests/node.rs`) show as ignored, not passed, when there are no
//! .wasm files to test: they run when `TAKEBACK_PDQ_WASM` names the folder `tools/wasm`
//! built them into, as `tools/test` does. Likewise the test on Meta's reference images,
//! with `TAKEBACK_PDQ_REFERENCE` too.

fn main() {
    println!("cargo::rerun-if-env-changed=TAKEBACK_PDQ_WASM");
    println!("cargo::rustc-check-cfg=cfg(takeback_pdq_wasm)");
    if std::env::var_os("TAKEBACK_PDQ_WASM").is_some_and(|dir| !dir.is_empty()) {
        println!("cargo::rustc-cfg=takeback_pdq_wasm");
    }
    println!("cargo::rerun-if-env-changed=TAKEBACK_PDQ_REFERENCE");
    println!("cargo::rustc-check-cfg=cfg(takeback_pdq_reference)");
    if std::env::var_os("TAKEBACK_PDQ_REFERENCE").is_some_and(|dir| !dir.is_empty()) {
        println!("cargo::rustc-cfg=takeback_pdq_reference");
    }
}
