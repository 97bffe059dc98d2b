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
    /// The worker panicked: its data is gone.
    #[error("worker panicked")]
    WorkerPanicked,
    /// The worker could not do what was asked; its message comes in both languages.
    #[error("{}", .0.en)]
    Worker(Msg),
}

/// A status line (role=status) shown until the next action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// A download was handed to the browser.
    Downloaded(String),
    /// A mapping was saved under this name.
    MappingSaved(String),
    /// A saved mapping was deleted.
    MappingDeleted,
    /// A mapping file was imported.
    MappingImported,
    /// The layout or master changed: check again.
    ConfigChanged,
}
