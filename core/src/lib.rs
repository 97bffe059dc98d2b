//! Validate and build PMH 医療費助成 upload files.
//!
//! ```text
//! bytes ─Decoder─▶ UTF-8 ─RecordReader─▶ records ─Checker─▶ Report ─render─▶ text | json | csv | junit | github
//! ```
//!
//! This crate performs no I/O, reads no clock and no environment: callers pass bytes (in
//! chunks, so large files stream) and get values back. It builds for `wasm32-unknown-unknown`
//! so that the browser app runs exactly the same code as the CLI.
//!
//! ```
//! use pmh_core::{check_bytes, Layout, Options, Code};
//! let layout = Layout::full();
//! let csv = "個人番号,氏名\r\n123456789012,山田太郎\r\n";
//! let report = check_bytes(&layout, Options::default(), csv.as_bytes());
//! assert!(report.count(Code::MyNumberCheckDigit) == 1);
//! ```
#![warn(clippy::disallowed_methods)]
#![warn(missing_docs)]

pub(crate) mod cells;
pub mod check;
pub mod codes;
pub mod decode;
pub mod diagnostic;
pub mod diff;
pub mod docs;
pub mod domain;
pub mod front;
pub mod header;
pub mod incremental;
pub mod keys;
pub mod layout;
pub mod master;
pub mod message;
pub mod reader;
pub mod receipt;
pub mod records;
pub mod redact;
pub mod render;
pub mod repair;
pub mod report;
pub mod synth;
pub mod write;
pub mod xlsx;

pub use check::{Back, Checker, InputKind, KeyTracker, Options, RowView, RowVisitor, check_bytes};
pub use codes::{Code, CodeInfo, Severity};
pub use diagnostic::{Detail, Diagnostic};
pub use front::{Front, FrontSummary, RecordBatch};
pub use header::ColumnMapping;
pub use layout::{Basis, ConfigError, Layout};
pub use render::{Format, Input, Lang, RenderOptions};
pub use report::Report;
