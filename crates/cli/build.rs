//! Lets the hotline's PostgreSQL-only tests (`tests/hotline/postgres.rs`, and one in
//! `durability.rs`) show as ignored, not passed, without a server: they run when
//! `TAKEBACK_TEST_POSTGRES_URL` names one, as `.ci/run` does. Likewise the tests on Meta's
//! reference samples, with `TAKEBACK_PDQ_REFERENCE` (set by `tools/test`).

fn main() {
    println!("cargo::rerun-if-env-changed=TAKEBACK_TEST_POSTGRES_URL");
    println!("cargo::rustc-check-cfg=cfg(takeback_postgres_tests)");
    if std::env::var_os("TAKEBACK_TEST_POSTGRES_URL").is_some_and(|url| !url.is_empty()) {
        println!("cargo::rustc-cfg=takeback_postgres_tests");
    }
    println!("cargo::rerun-if-env-changed=TAKEBACK_PDQ_REFERENCE");
    println!("cargo::rustc-check-cfg=cfg(takeback_pdq_reference)");
    if std::env::var_os("TAKEBACK_PDQ_REFERENCE").is_some_and(|dir| !dir.is_empty()) {
        println!("cargo::rustc-cfg=takeback_pdq_reference");
    }
}
