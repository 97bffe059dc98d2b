//! What can go wrong on the page, and the status lines the page shows, as enums a caller can
//! match. Their wording (Japanese and English) lives in [`crate::text`]: see
//! [`crate::text::error`] and [`crate::text::notice`]. `Display` (English) is for logs only.

use thiserror::Error;

use crate::protocol::Msg;

/// An error shown in the page's error box until the next action.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum AppError {
    /// The browser could not read a file the user gave (`name`: which one, if known).
    #[error("file could not be read ({detail})")]
    ReadFailed {
        /// The file's name, when the message names it.
        name: Option<String>,
        /// The browser's error text.
        detail: String,
    },
    /// The browser could not save a download.
    #[error("file could not be saved ({detail})")]
    SaveFailed {
        /// The browser's error text.
        detail: String,
    },
    /// A request could not be posted to the worker.
    #[error("checker unreachable ({detail})")]
    Unreachable {
        /// The browser's error text.
        detail: String,
    },
    /// localStorage refused the write.
    #[error("storage unavailable")]
    StorageFailed,
    /// A mapping cannot be saved without a name.
    #[error("mapping name needed")]
    NameNeeded,
    /// The check waits for the answer to 「1行目は見出しですか？」.
    #[error("header row question unanswered")]
    HeaderUnanswered,
    /// A dropped or picked file is not a type the page reads.
    #[error("unknown file type: {name}")]
    FileType {
        /// The file's name.
        name: String,
    },
    /// A layout file cannot be used (`name`: the file, for a file the user just gave).
    #[error("layout file unusable: {}", .reason.en)]
    Layout {
        /// The file's name, when the user just gave it.
        name: Option<String>,
        /// The core's reason (see [`crate::text::core_error`]).
        reason: Msg,
    },
    /// Master files cannot be used.
    #[error("master unusable: {}", .0.en)]
    Masters(Msg),
    /// A mapping (saved or imported) cannot be used with this layout.
    #[error("mapping unusable: {}", .reason.en)]
    Mapping {
        /// The imported file's name.
        name: Option<String>,
        /// The core's reason.
        reason: Msg,
    },
    /// A range to copy reaches beyond the rows loaded around the screen.
    #[error("range too large to copy (at most {max} rows)")]
    RangeTooLarge {
        /// Rows that can be copied at once.
        max: u32,
    },
    /// An upload file was asked for an input of which nothing was checked (no header row the
    /// layout knows, S016): it would hold no recipient, and in 全件連携 delete them all.
    #[error("nothing to upload: no header row was recognised")]
    NothingToUpload,
    /// The worker panicked: its data is gone.
    #[error("worker panicked")]
    WorkerPanicked,
    /// The worker could not do what was asked.
    #[error(transparent)]
    Worker(WorkerError),
}

/// A status line (role=status) shown until the next action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// A download was handed to the browser.
    Downloaded(String),
    /// A mapping was saved under this name.
    MappingSaved(String),
    /// Saved, leaving out column names that look like data (their count).
    MappingSavedWithout(String, usize),
    /// The mapping file was written without this many column names that look like data.
    MappingExportedWithout(usize),
    /// A saved mapping was deleted.
    MappingDeleted,
    /// A mapping file was imported.
    MappingImported,
    /// The session's data was removed.
    DataCleared,
    /// The layout or master changed: check again.
    ConfigChanged,
    /// The layout derived from the official template was stored.
    TemplateSaved,
}

/// Why the worker could not do what the page asked. Travels from the worker to the page (so
/// it is serialisable); core errors come with their text (see [`crate::text::core_error`]).
#[derive(Clone, Debug, PartialEq, Eq, Error, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WorkerError {
    /// No input was loaded.
    #[error("no data loaded")]
    NotLoaded,
    /// The input was not checked yet.
    #[error("not checked yet")]
    NotChecked,
    /// Another sheet was asked for, but the input read last is no workbook.
    #[error("no workbook to choose a sheet from")]
    NoWorkbook,
    /// The input is empty.
    #[error("empty input")]
    Empty,
    /// The input's text encoding is not recognised (S002); why, in both languages
    /// (`pmh_core::DecodeFailure`): a .xls or password-protected workbook is named as such.
    #[error("unknown encoding: {why_en}")]
    UnknownEncoding {
        /// The reason in Japanese.
        why_ja: String,
        /// The reason in English.
        why_en: String,
    },
    /// The bytes read as both Shift_JIS and EUC-JP with different text (S018).
    #[error("ambiguous text encoding")]
    AmbiguousEncoding,
    /// The input has only blank lines.
    #[error("no header row")]
    NoHeader,
    /// Internal: the files of a request do not add up to the bytes sent with it.
    #[error("internal: file lengths do not match the bytes")]
    BadLengths,
    /// No 差分履歴 file was made yet (nothing to save).
    #[error("no diff-history file made yet")]
    NoDiffMade,
    /// Internal: the edited table could not be read again.
    #[error("internal: table not reloaded")]
    TableNotReloaded,
    /// A repair was asked for with a code that does not exist.
    #[error("unknown code: {code}")]
    UnknownCode {
        /// The code asked for.
        code: String,
    },
    /// The suggested repair is gone (already fixed).
    #[error("repair not found")]
    RepairNotFound,
    /// Nothing to undo.
    #[error("nothing to undo")]
    NothingToUndo,
    /// An edit outside the data cells.
    #[error("row {row}, column {col} is not a data cell")]
    NotADataCell {
        /// Sheet row.
        row: u32,
        /// Column, 1-based.
        col: u32,
    },
    /// The receipt's time is not RFC 3339.
    #[error("bad receipt time {time}")]
    ReceiptTime {
        /// The time given.
        time: String,
    },
    /// The help-desk copy's findings differ from the original's: not saved.
    #[error("redacted findings differ ({original} before, {redacted} after)")]
    RedactMismatch {
        /// Findings of the original.
        original: u64,
        /// Findings of the copy.
        redacted: u64,
    },
    /// The help-desk copy is not made for this input's encoding (ambiguous, or an ISO-2022-JP
    /// value that does not survive the copy).
    #[error("{}", .reason.en)]
    RedactEncoding {
        /// The core's reason (its own text, in both languages).
        reason: Msg,
    },
    /// No random numbers for the help-desk copy.
    #[error("no random numbers ({detail})")]
    NoRandom {
        /// The browser's error text.
        detail: String,
    },
    /// A layout file the worker was given cannot be used.
    #[error("layout unusable: {}", .reason.en)]
    Layout {
        /// The core's reason.
        reason: Msg,
    },
    /// Master files or a mapping cannot be used.
    #[error("{}", .reason.en)]
    Config {
        /// The core's reason.
        reason: Msg,
    },
    /// A workbook cannot be read.
    #[error("{}", .reason.en)]
    Workbook {
        /// The core's reason.
        reason: Msg,
    },
}
