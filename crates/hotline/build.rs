// `sqlx::migrate!` embeds the migrations at compile time; rebuild when they change.
//
// `takeback_postgres_tests` is set when `TAKEBACK_TEST_POSTGRES_URL` names a PostgreSQL
// server for the tests: without it, the tests that need one are ignored (and say why)
// rather than passing without having run.
fn main() {
    println!("cargo::rerun-if-changed=migrations");
    println!("cargo::rerun-if-env-changed=TAKEBACK_TEST_POSTGRES_URL");
    println!("cargo::rustc-check-cfg=cfg(takeback_postgres_tests)");
    if std::env::var_os("TAKEBACK_TEST_POSTGRES_URL").is_some_and(|url| !url.is_empty()) {
        println!("cargo::rustc-cfg=takeback_postgres_tests");
    }
}
