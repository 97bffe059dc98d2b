//! Validate and build PMH 医療費助成 upload files.
//!
//! The folders are the pipeline:
//!
//! ```text
//! input/     bytes ─decode─▶ UTF-8 ─reader─▶ records (with lines) ─front─▶ batches   (.xlsx → CSV text first)
//! layout/    layout TOML ─▶ Layout;  header row ─header─▶ column → field
//! check/     records ─cells · rows · keys · master · conditions · repair─▶ findings
//! findings/  codes (the catalogue: severity, words, emitting check) · diagnostic · message · report · error_text (every error sentence)
//! output/    report ─render─▶ text | json | csv | junit | github;  rows ─write─▶ upload CSV | JSON;  receipt · docs
//! tools/     diff (差分履歴 from two 全件 snapshots) · redact (help-desk copies)
//! domain/    Japanese public-data rules used by check/: check digits, dates and 和暦, characters, code tables
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

mod check;
mod domain;
mod findings;
mod input;
mod layout;
mod output;
#[cfg(any(test, feature = "synth"))]
pub mod synth;
mod tools;

// Checking: one streaming checker and its option presets.
pub use check::keys::{KeyFinding, KeyTracker};
pub use check::master::{
    Kind as MasterKind, MasterCell, MasterColumn, MasterError, MasterProblem, Masters,
    Place as MasterPlace,
};
pub use check::previous::removal_check;
pub use check::{
    Back, Checker, InputKind, Options, RowView, RowVisitor, check_bytes, hidden_rows_finding,
    incremental,
};
// Findings: codes, one finding, its words, the report of one input.
pub use findings::codes::{Code, CodeInfo, Emitter, STRICT_WHEN_INFERRED, Severity};
pub use findings::diagnostic::{Detail, Diagnostic, column_letter};
pub use findings::message::{hide_long_numbers, message};
pub use findings::report::Report;
// Dates (the 全件 reference date, `Options::as_of`).
pub use domain::date::Ymd;
// Input: bytes → records, for callers that drive the two stages themselves (the CLI's threads).
pub use input::decode::{DecodeFailure, Decoder, EncodingChoice, TextEncoding};
pub use input::front::{Front, FrontSummary, RecordBatch};
pub use input::{header_row, records, xlsx};
// Layouts and header matching.
pub use layout::header::MappingError;
pub use layout::header::{ColumnMapping, MatchKind, Matcher, Use, fold};
pub use layout::template;
pub use layout::{
    Basis, ConfigError, DIFF_TOML, FULL_TOML, Field, Layout, LayoutError, Personal, ValueType,
};
// Output: reports, the upload file, receipts, generated docs.
/// Text with every control, bidi and noncharacter code point written as `<U+XXXX>` (the
/// reports' rule), for text from a file shown on a terminal.
pub use output::escape::visible;
pub use output::render::{Format, Input, Lang, RenderOptions};
pub use output::write::{OutputFormat, push_csv_field};
pub use output::{docs, previous, receipt, render};
// Whole-file tools.
pub use tools::{diff, redact};
