//! Lets the Node.js tests (`tests/node.rs`) show as ignored, not passed, when there is no
//! .wasm to test: they run when `TAKEBACK_PDQ_WASM` names one, as `tools/test` does.

fn main() {
    println!("cargo::rerun-if-env-changed=TAKEBACK_PDQ_WASM");
    println!("cargo::rustc-check-cfg=cfg(takeback_pdq_wasm)");
    if std::env::var_os("TAKEBACK_PDQ_WASM").is_some_and(|file| !file.is_empty()) {
        println!("cargo::rustc-cfg=takeback_pdq_wasm");
    }
}
