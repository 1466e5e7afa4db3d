//! Black-box tests of the matcher: the real `takeback matcher` following the real
//! `takeback serve`, called over HTTP as a platform's services would, with a proxy between
//! them to break the hotline's answers; and `takeback scan`.

// Helpers as well as tests: a failed step should stop the test right there.
#![allow(clippy::unwrap_used)]

// The hotline tests' helpers: starting `takeback serve`, partners, reports.
#[path = "../hotline/support.rs"]
#[allow(dead_code)]
mod support;

mod clips;
mod proc;

mod api;
mod chain;
mod end_to_end;
mod faults;
mod scan;
mod videos;
