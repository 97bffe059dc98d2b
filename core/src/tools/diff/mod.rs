//! 差分履歴 records from two 全件 snapshots (`pmhcsv diff`). Assumptions and the file formats
//! are documented in `docs/diff.md`.
//!
//! ```text
//! FROM ─check+index─▶ (row key, content) per row ┐
//! TO   ─check+index─▶ (row key, content) per row ┴─ sort, merge ─▶ action per row
//! FROM ─again─▶ deletions ┐
//! TO   ─again─▶ registrations and updates ┴─▶ diff CSV (diff layout) ─check─▶ report
//! ```
//!
//! * A **row key** identifies one history row of one certificate: the full layout's
//!   `keys.certificate` fields plus, by default, its `keys.valid_from`
//!   ([`RowKey::Period`]: a certificate may have a current and a future row). Two rows of one
//!   snapshot with the same row key are a collision: reported, and nothing is written for it.
//! * **Key values as sent**: the key fields are read as build writes them — edges trimmed, a
//!   value that is not ASCII folded by the checker's own `check::key_values_as_built`
//!   (`０００１２３４５` is `00012345`) — for the row key, the content, the historyKey and the
//!   values written: a retyped key is the same certificate, never a deletion plus a
//!   registration.
//! * New row key → registration (new historyKey); same row key, other content → update (new
//!   historyKey under the `hash` and `sequence` schemes, the same one under `period`); row key
//!   gone → a record with the deletion flag set, carrying its last content and its historyKey;
//!   same content → nothing. A moved validity start is a deletion plus a registration.
//! * **Memory**: neither file is held. Each is read twice through the checker (the caller's
//!   [`Snapshot`] re-reads it from the start); between the passes only 32 bytes per row are
//!   kept (a 128-bit row-key fingerprint, a 64-bit content fingerprint, two row numbers), plus
//!   the state when one is given.
//! * **historyKey** ([`HistoryKeyScheme`]): `hash` = the first N hex characters of SHA-256 over
//!   the certificate key, the validity start and the content; `period` = the same over the
//!   certificate key and validity start only; `sequence` = a per-certificate counter kept in
//!   the state.
//!
//! This module reads and writes nothing itself: the caller passes the snapshots as
//! re-readable streams, receives the output bytes, and stores [`DiffState::to_text`].

use std::cell::RefCell;
use std::collections::HashMap;

use crate::input::hash::{Fingerprint, Sha256Hasher};

use crate::check::{Checker, Options, RowView, trim_edges};
use crate::domain::date;
use crate::findings::report::Report;
use crate::input::front::{Front, RecordBatch};
use crate::layout::header::Use;
use crate::layout::{Layout, ValueType};
use crate::output::write;

/// A snapshot that can be read from its start as many times as needed.
pub trait Snapshot {
    /// Feeds the whole file, from the start, to `sink` in chunks.
    ///
    /// # Errors
    /// A readable explanation when the file cannot be read.
    fn read(&mut self, sink: &mut dyn FnMut(&[u8])) -> Result<(), String>;
}

/// An in-memory snapshot (tests, the browser).
#[derive(Debug, Clone, Copy)]
pub struct Bytes<'a>(pub &'a [u8]);

impl Snapshot for Bytes<'_> {
    fn read(&mut self, sink: &mut dyn FnMut(&[u8])) -> Result<(), String> {
        for chunk in self.0.chunks(256 * 1024) {
            sink(chunk);
        }
        Ok(())
    }
}

/// How historyKey values are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryKeyScheme {
    /// SHA-256 over certificate key, validity start and content: every version its own key.
    Hash,
    /// SHA-256 over certificate key and validity start: one key per history row, kept across
    /// updates.
    Period,
    /// A per-certificate counter `1`, `2`, … kept in the state.
    Sequence,
}

impl HistoryKeyScheme {
    /// Stable name (`hash`, `period`, `sequence`).
    pub fn as_str(self) -> &'static str {
        match self {
            HistoryKeyScheme::Hash => "hash",
            HistoryKeyScheme::Period => "period",
            HistoryKeyScheme::Sequence => "sequence",
        }
    }

    /// The scheme of a name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "hash" => Some(Self::Hash),
            "period" => Some(Self::Period),
            "sequence" => Some(Self::Sequence),
            _ => None,
        }
    }
}

/// What identifies one history row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKey {
    /// The certificate key plus the validity start (default).
    Period,
    /// The certificate key alone: one row per certificate per snapshot.
    Certificate,
}

impl RowKey {
    /// Stable name (`period`, `certificate`).
    pub fn as_str(self) -> &'static str {
        match self {
            RowKey::Period => "period",
            RowKey::Certificate => "certificate",
        }
    }

    /// The row key of a name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "period" => Some(Self::Period),
            "certificate" => Some(Self::Certificate),
            _ => None,
        }
    }
}

/// Settings of one diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffConfig {
    /// How historyKey values are made.
    pub scheme: HistoryKeyScheme,
    /// Hex characters of a `hash` / `period` key (8–64; also limited by the historyKey
    /// field's maximum length).
    pub key_length: usize,
    /// What identifies one history row.
    pub row_key: RowKey,
    /// Values written into empty cells of fields the diff layout requires but the full one
    /// does not (field id, value). Default: `isAlwaysReimbursement` = `0`.
    pub fills: Vec<(String, String)>,
    /// Id of the boolean deletion flag in the diff layout.
    pub deleted_field: String,
    /// Build the state for the next run ([`DiffOutcome::state`]); without it the last pass
    /// only looks at the rows it writes.
    pub make_state: bool,
    /// The deletion guard: more planned deletions than this refuses the diff
    /// ([`DiffError::TooManyDeletions`]) and nothing is written.
    pub max_deletions: DeletionLimit,
}

/// How many deletions one diff may carry before it is refused: a file that lost rows (a filter
/// left on in Excel, an export that stopped half way) would delete those certificates at PMH.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeletionLimit {
    /// More than 10 deletions *and* more than 5 % of the earlier snapshot's certificates: a
    /// usual day passes, a truncated export does not.
    Default,
    /// At most this many.
    Rows(u64),
    /// At most this share of the earlier snapshot's certificates, in basis points
    /// (1 % = 100).
    Share {
        /// Hundredths of a percent.
        basis_points: u32,
    },
    /// No limit (confirmed by the operator).
    None,
}

impl DeletionLimit {
    /// Whether `deletions` out of `previous` certificates stay within the limit.
    #[must_use]
    pub fn allows(self, deletions: u64, previous: u64) -> bool {
        // deletions / previous ≤ bp / 10,000, in integers.
        let share =
            |bp: u32| u128::from(deletions) * 10_000 <= u128::from(previous) * u128::from(bp);
        match self {
            DeletionLimit::Default => deletions <= 10 || share(500),
            DeletionLimit::Rows(n) => deletions <= n,
            DeletionLimit::Share { basis_points } => share(basis_points),
            DeletionLimit::None => true,
        }
    }
}

/// Why a snapshot cannot be diffed ([`DiffError::UnusableSnapshot`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    /// The bytes were not read as text: S002 (unknown encoding) or S018 (ambiguous).
    Unreadable {
        /// S002 or S018.
        code: crate::findings::codes::Code,
    },
    /// No data rows (an empty file, a header row alone, or no header).
    NoRows,
    /// A certificate key column is missing: every certificate would look new and every old
    /// one deleted.
    MissingKeyColumn {
        /// The field's Japanese label.
        label: String,
    },
    /// Rows were not read: an unclosed quote (S007) swallowed the rest of the file into one
    /// value, or a line too long to be a record (S021) was cut. Their certificates would look
    /// deleted (or go uncounted), so the snapshot is incomplete.
    RowsUnread {
        /// S007 or S021: the first one found.
        code: crate::findings::codes::Code,
        /// The sheet row where it was found (header = 1), when the report kept it.
        row: Option<u32>,
    },
    /// Rows, but every certificate key is empty.
    NoKeyedRows,
}

impl Default for DiffConfig {
    fn default() -> Self {
        Self {
            scheme: HistoryKeyScheme::Hash,
            key_length: 20,
            row_key: RowKey::Period,
            fills: vec![("isAlwaysReimbursement".into(), "0".into())],
            deleted_field: "isDeleted".into(),
            make_state: true,
            max_deletions: DeletionLimit::Default,
        }
    }
}

/// Which snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The earlier snapshot (`--from`).
    From,
    /// The later snapshot (`--to`).
    To,
}

/// Rows listed in a message at most.
const LISTED_ROWS: usize = 5;

/// Something the diff noticed about its inputs (rendered by [`DiffIssue::message`]). Never
/// holds values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffIssue {
    /// Rows of one snapshot with the same row key: which one is meant cannot be told.
    Collision {
        /// Which snapshot.
        side: Side,
        /// Sheet rows (header = 1), at most five.
        rows: Vec<u32>,
        /// How many rows share the key.
        count: u64,
        /// Whether the later snapshot's row was still written (collision in `--from` only).
        written: bool,
    },
    /// Rows whose certificate key fields are all empty: they cannot be followed.
    EmptyKey {
        /// Which snapshot.
        side: Side,
        /// Sheet rows, at most five.
        rows: Vec<u32>,
        /// How many.
        count: u64,
    },
    /// Empty cells of a field the diff layout requires were filled.
    Filled {
        /// Field id.
        field: String,
        /// Japanese label.
        label: String,
        /// The value written.
        value: String,
        /// How many cells.
        count: u64,
    },
    /// Vanished rows whose historyKey the state does not know (sequence scheme): no deletion
    /// record was written for them.
    UnknownHistoryKey {
        /// Sheet rows of `--from`, at most five.
        rows: Vec<u32>,
        /// How many.
        count: u64,
    },
    /// Unchanged rows whose historyKey the state does not know (sequence scheme).
    StateIncomplete {
        /// How many rows.
        count: u64,
    },
    /// The state was written after another snapshot than `--from`.
    StateFromOtherSnapshot,
    /// Fields of the full layout that the diff layout does not have (not written).
    FieldsNotInDiffLayout {
        /// Field ids.
        fields: Vec<String>,
    },
}

impl DiffIssue {
    /// Whether this makes the result unfit to upload as it is (collisions, unknown keys).
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            DiffIssue::Collision { .. }
                | DiffIssue::UnknownHistoryKey { .. }
                | DiffIssue::EmptyKey { .. }
        )
    }
}

/// Why no diff could be made. Rendered by [`DiffError::message`]; `Display` is the Japanese
/// sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    /// The full layout has no `keys.certificate`.
    NoCertificateKey,
    /// `--row-key period` with a full layout without `keys.valid_from`.
    PeriodNeedsValidFrom,
    /// The diff layout has no `keys.history_key`: not a diff-history layout.
    NoHistoryKey {
        /// The diff layout's id.
        layout: String,
    },
    /// The diff layout has no boolean deletion flag of that name.
    NoDeletionFlag {
        /// The diff layout's id.
        layout: String,
        /// The deletion flag's field id.
        field: String,
    },
    /// `--fill` names a field the diff layout does not have.
    UnknownFillField {
        /// The field id.
        field: String,
    },
    /// The `sequence` scheme without the previous state (`--state`).
    SequenceNeedsState,
    /// A state file line that is not part of a state.
    State {
        /// 1-based line.
        line: usize,
        /// What is wrong with it.
        problem: StateProblem,
    },
    /// A snapshot could not be read, or the output not written.
    Io(String),
    /// A snapshot changed between the two passes over it.
    Changed(Side),
    /// A snapshot that cannot be compared: a diff from it would delete (or re-register) every
    /// certificate.
    UnusableSnapshot {
        /// Which snapshot.
        side: Side,
        /// Why.
        reason: Unusable,
    },
    /// The state was written under another key scheme (historyKey numbering, row key or
    /// certificate key fields): PMH's registered history rows cannot be continued, and the
    /// first upload must go through the reset API (S00G-E11/E12, seed 000 lines 758–764).
    KeySchemeChanged {
        /// What differs, in a stable order.
        changes: Vec<KeySchemeChange>,
    },
    /// The diff layout writes CP932 and a value holds a character CP932 cannot (the encoder
    /// would write `&#134071;` as its text): no diff is written.
    Unencodable {
        /// The row of today's snapshot (1-based, the header is row 1).
        row: u32,
        /// The column's name in the diff file.
        column: String,
        /// The character (shown by its code point only: it may be part of a name).
        ch: char,
    },
    /// More deletions than [`DiffConfig::max_deletions`] allows.
    TooManyDeletions {
        /// Deletions the diff would write.
        deletions: u64,
        /// Certificates in the earlier snapshot.
        previous: u64,
        /// The limit in force.
        limit: DeletionLimit,
    },
}

/// One difference between the key scheme a state was written under and this run's
/// ([`DiffError::KeySchemeChanged`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySchemeChange {
    /// The historyKey numbering (`--history-key`).
    HistoryKey {
        /// The state's scheme.
        was: HistoryKeyScheme,
        /// This run's scheme.
        now: HistoryKeyScheme,
    },
    /// What identifies one history row (`--row-key`).
    RowKey {
        /// The state's row key.
        was: RowKey,
        /// This run's row key.
        now: RowKey,
    },
    /// The fields that identify a certificate (the full layout's `keys.certificate`).
    CertificateKey {
        /// The state's key fields (field ids).
        was: Vec<String>,
        /// This run's key fields.
        now: Vec<String>,
    },
}

/// What is wrong with a line of a state file ([`DiffError::State`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateProblem {
    /// Not UTF-8 text.
    NotText,
    /// The first line is not the state's magic line.
    NotAState,
    /// The line should start with this word.
    Expected(&'static str),
    /// An unknown historyKey scheme.
    UnknownScheme,
    /// An unknown row key.
    UnknownRowKey,
    /// A count that is not a number.
    BadCount,
    /// A row line whose row key is not hexadecimal.
    BadRowKey,
    /// A row line whose content fingerprint is not hexadecimal.
    BadContent,
    /// A counter line that is not `hex number`.
    BadCounter,
    /// Text after the end of the state.
    TextAfterEnd,
    /// The file ends before the state does.
    EndsEarly,
}

mod run;
pub use run::{DiffCounts, DiffOutcome, StateInput, diff};
mod compare;
pub use compare::*;
mod state;
pub use state::*;
#[cfg(test)]
mod tests;
