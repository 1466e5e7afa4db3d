//! The two migration sets, `migrations/sqlite` and `migrations/postgres`, must define the
//! same schema: the same steps, and after applying them the same tables, columns (name,
//! normalised type, nullability), primary keys, unique constraints and indexes.
//!
//! The PostgreSQL half needs a server: it runs when `TAKEBACK_TEST_POSTGRES_URL` is set at
//! build time (as `.ci/run` does) and then fails, rather than skips, if the server cannot be
//! reached; without it the test is ignored.

#![allow(clippy::unwrap_used)]

use sqlx::Row;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use takeback_hotline::Store;

const POSTGRES_VAR: &str = "TAKEBACK_TEST_POSTGRES_URL";

fn migrations(engine: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(engine)
}

/// The file names in one migration folder, sorted.
fn steps(engine: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(migrations(engine))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn both_engines_have_the_same_migration_steps() {
    let (sqlite, postgres) = (steps("sqlite"), steps("postgres"));
    assert!(!sqlite.is_empty());
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres must hold one file each per step"
    );
    // One file per version: sqlx would refuse two with the same number, but say it here.
    let versions: BTreeSet<&str> = sqlite
        .iter()
        .map(|name| name.split('_').next().unwrap())
        .collect();
    assert_eq!(
        versions.len(),
        sqlite.len(),
        "two files share a version: {sqlite:?}"
    );
}

/// A schema as a sorted list of lines, one per fact, so that a difference reads as a diff.
type Schema = BTreeSet<String>;

/// A declared or reported column type, reduced to what both engines mean by it.
fn normalised_type(declared: &str) -> String {
    let t = declared.to_ascii_lowercase();
    let kind = if t.contains("int") || t.contains("serial") {
        "integer"
    } else if t.contains("char") || t.contains("text") || t.contains("clob") {
        "text"
    } else if t.contains("blob") || t == "bytea" {
        "blob"
    } else if t.contains("real") || t.contains("floa") || t.contains("doub") || t == "numeric" {
        "real"
    } else if t.contains("bool") {
        "boolean"
    } else {
        return format!("other({t})");
    };
    kind.to_owned()
}

fn column_line(table: &str, column: &str, declared: &str, not_null: bool) -> String {
    let null = if not_null { "not null" } else { "null" };
    format!(
        "column {table}.{column}: {} {null}",
        normalised_type(declared)
    )
}

/// sqlx's own bookkeeping, not part of the hotline's schema.
const SQLX_TABLE: &str = "_sqlx_migrations";

async fn sqlite_schema(path: &Path) -> Schema {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let mut schema = Schema::new();
    let tables = sqlite_rows(
        &pool,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name <> ?1 ORDER BY name",
    )
    .await;
    for table in tables.iter().map(|row| row.get::<String, _>("name")) {
        schema.insert(format!("table {table}"));
        let columns = pragma(&pool, "table_info", &table).await;
        let mut key: Vec<(i64, String)> = Vec::new();
        for column in &columns {
            let name: String = column.get("name");
            let pk: i64 = column.get("pk");
            // A primary key column is never null in PostgreSQL; SQLite only enforces that
            // for INTEGER PRIMARY KEY, but no code stores a null key.
            let not_null = column.get::<i64, _>("notnull") != 0 || pk > 0;
            schema.insert(column_line(&table, &name, column.get("type"), not_null));
            if pk > 0 {
                key.push((pk, name));
            }
        }
        key.sort();
        let key: Vec<String> = key.into_iter().map(|(_, name)| name).collect();
        if !key.is_empty() {
            schema.insert(format!("primary key {table} ({})", key.join(", ")));
        }
        let indexes = pragma(&pool, "index_list", &table).await;
        for index in &indexes {
            let name: String = index.get("name");
            let origin: String = index.get("origin");
            let unique = index.get::<i64, _>("unique") != 0;
            let partial = index.get::<i64, _>("partial") != 0;
            let columns: Vec<String> = pragma(&pool, "index_info", &name)
                .await
                .iter()
                .map(|row| row.get::<String, _>("name"))
                .collect();
            match origin.as_str() {
                // The primary key's own index: covered by the line above.
                "pk" => {}
                "u" => {
                    schema.insert(format!("unique {table} ({})", columns.join(", ")));
                }
                _ => {
                    schema.insert(index_line(&table, &name, &columns, unique, partial));
                }
            }
        }
    }
    pool.close().await;
    schema
}

/// The rows of a query about the schema, whose one parameter (`?1`) is sqlx's own table.
async fn sqlite_rows(pool: &sqlx::SqlitePool, sql: &str) -> Vec<sqlx::sqlite::SqliteRow> {
    sqlx::query(sql)
        .bind(SQLX_TABLE)
        .fetch_all(pool)
        .await
        .unwrap()
}

/// What `PRAGMA name(argument)` says.
async fn pragma(
    pool: &sqlx::SqlitePool,
    name: &str,
    argument: &str,
) -> Vec<sqlx::sqlite::SqliteRow> {
    sqlx::query(&format!("PRAGMA {name}(\"{argument}\")"))
        .fetch_all(pool)
        .await
        .unwrap()
}

/// The rows of a query about the schema, whose one parameter (`$1`) is sqlx's own table.
async fn pg_rows(pool: &sqlx::PgPool, sql: &str) -> Vec<sqlx::postgres::PgRow> {
    sqlx::query(sql)
        .bind(SQLX_TABLE)
        .fetch_all(pool)
        .await
        .unwrap()
}

fn index_line(table: &str, name: &str, columns: &[String], unique: bool, partial: bool) -> String {
    format!(
        "index {name} on {table} ({}){}{}",
        columns.join(", "),
        if unique { " unique" } else { "" },
        if partial { " partial" } else { "" }
    )
}

async fn postgres_schema(url: &str) -> Schema {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let mut schema = Schema::new();
    let tables = pg_rows(
        &pool,
        "SELECT table_name::text AS t FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
         AND table_name <> $1",
    )
    .await;
    for table in &tables {
        schema.insert(format!("table {}", table.get::<String, _>("t")));
    }
    let columns = pg_rows(
        &pool,
        "SELECT table_name::text AS t, column_name::text AS c, data_type::text AS ty, \
         is_nullable::text AS nullable FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name <> $1",
    )
    .await;
    for column in &columns {
        let nullable: String = column.get("nullable");
        schema.insert(column_line(
            column.get("t"),
            column.get("c"),
            column.get("ty"),
            nullable == "NO",
        ));
    }
    // Primary keys and unique constraints, with their columns in key order.
    let constraints = pg_rows(
        &pool,
        "SELECT t.relname::text AS t, c.contype::text AS kind, \
         array_to_string(ARRAY(SELECT a.attname::text FROM unnest(c.conkey) \
         WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a \
         ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord), ', ') AS columns \
         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = current_schema() AND c.contype IN ('p', 'u') AND t.relname <> $1",
    )
    .await;
    for constraint in &constraints {
        let table: String = constraint.get("t");
        let columns: String = constraint.get("columns");
        let kind: String = constraint.get("kind");
        let kind = if kind == "p" { "primary key" } else { "unique" };
        schema.insert(format!("{kind} {table} ({columns})"));
    }
    // Indexes made by CREATE INDEX, not those behind a constraint.
    let indexes = pg_rows(
        &pool,
        "SELECT t.relname::text AS t, i.relname::text AS name, ix.indisunique AS is_unique, \
         ix.indpred IS NOT NULL AS partial, \
         array_to_string(ARRAY(SELECT a.attname::text FROM unnest(ix.indkey) \
         WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a \
         ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord), ', ') AS columns \
         FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid \
         JOIN pg_class i ON i.oid = ix.indexrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = current_schema() AND t.relname <> $1 \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid)",
    )
    .await;
    for index in &indexes {
        let columns: String = index.get("columns");
        let columns: Vec<String> = columns.split(", ").map(str::to_owned).collect();
        schema.insert(index_line(
            index.get("t"),
            index.get("name"),
            &columns,
            index.get("is_unique"),
            index.get("partial"),
        ));
    }
    pool.close().await;
    schema
}

/// Fails with the lines only one side has, each marked with the side that has it.
fn assert_same_schema(sqlite: &Schema, postgres: &Schema) {
    let diff: Vec<String> = sqlite
        .symmetric_difference(postgres)
        .map(|line| {
            let side = if sqlite.contains(line) {
                "only in sqlite:  "
            } else {
                "only in postgres:"
            };
            format!("{side} {line}")
        })
        .collect();
    assert!(
        diff.is_empty(),
        "the migration sets define different schemas:\n{}",
        diff.join("\n")
    );
}

/// The schema the SQLite migrations make, on a fresh file.
async fn migrated_sqlite() -> Schema {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schema.db");
    let store = Store::connect(path.to_str().unwrap(), 1).await.unwrap();
    store.close().await;
    sqlite_schema(&path).await
}

#[tokio::test]
async fn sqlite_schema_is_read_in_full() {
    // Guards the comparison below from passing on two empty readings.
    let schema = migrated_sqlite().await;
    for line in [
        "table entries",
        "column entries.verified: integer not null",
        "column entries.reason: text null",
        "primary key case_hashes (case_id, entry_id)",
        "unique entries (algorithm, value)",
        "index entries_state on entries (state, id)",
    ] {
        assert!(schema.contains(line), "{line:?} missing from\n{schema:#?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(takeback_postgres_tests),
    ignore = "needs TAKEBACK_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn sqlite_and_postgres_migrations_make_the_same_schema() {
    let server = std::env::var(POSTGRES_VAR).unwrap_or_else(|_| {
        panic!("{POSTGRES_VAR} was set when this test was built but is not set now")
    });
    let admin = sqlx::PgPool::connect(&server)
        .await
        .unwrap_or_else(|error| panic!("{POSTGRES_VAR} is set but {server:?} fails: {error}"));
    let name = format!("takeback_schema_{}", std::process::id());
    sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();
    sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    let base = server
        .rsplit_once('/')
        .map_or(server.as_str(), |(base, _)| base);
    let url = format!("{base}/{name}");
    let store = Store::connect(&url, 2).await.unwrap();
    store.close().await;
    let postgres = postgres_schema(&url).await;
    sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    assert_same_schema(&migrated_sqlite().await, &postgres);
}
