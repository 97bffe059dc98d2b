//! Validate and build PMH 医療費助成 upload files.
//!
//! ```text
//! bytes ─decode─▶ records ─Checker─▶ Report ─render─▶ text | json | csv | junit | github
//! ```
//!
//! This crate performs no I/O: callers pass bytes (in chunks, so large files stream) and get
//! values back. It builds for `wasm32-unknown-unknown` so the browser app runs the same code.
#![warn(clippy::disallowed_methods)]

pub mod domain;
