//! Black-box tests of the hotline: the real `takeback serve` on a free port, called over
//! HTTP as reporters, partners and analysts would. Each runs on SQLite, and also on
//! PostgreSQL when `TAKEBACK_TEST_POSTGRES_URL` is set (as `.ci/run` does).

// Helpers as well as tests: a failed step should stop the test right there.
#![allow(clippy::unwrap_used)]

mod cluster;
mod loopback;
mod support;

mod access;
mod bad_input;
mod config;
mod console;
mod console_addresses;
mod console_admin;
mod console_records;
mod defences;
mod durability;
mod exports;
mod faults;
mod feed_chain;
mod guard_reload;
mod hsts;
mod list;
mod pages;
mod postgres;
mod postgres_tls;
mod privacy;
mod reports;
mod takedown;
mod takedown_faults;
mod takedown_flow;
mod videos;
