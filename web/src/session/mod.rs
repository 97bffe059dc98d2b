//! The worker's state: the loaded input, its findings, the change log, and every operation
//! the page asks for (load, check, views, edits, repairs, downloads).
//!
//! Split by job: `load` (reading an input, the check, the benchmark), `view` (summary, grid
//! windows, findings list), `edit` (edits, repairs, undo and the re-check of changed rows)
//! and `export` (downloads: upload files, findings CSV, change log, help-desk copy, receipt).
//!
//! Pure Rust with no browser API, so it is unit-tested natively. It holds no validation rule of
//! its own: every finding, repair, message and output byte comes from `pmh_core`, called the
//! way `pmhcsv build` calls it. What it adds is bookkeeping: findings by row for the grid, and
//! re-checking edited rows quickly (a small input of the header and the edited rows, then the
//! cross-row findings K001–K003 of the certificates the edit touched).

use std::collections::HashMap;
use std::sync::Arc;

use pmh_core::EncodingChoice;
use pmh_core::Masters;
use pmh_core::OutputFormat;
use pmh_core::TextEncoding;
use pmh_core::Use;
use pmh_core::incremental::{self, FileFindings, RowAt};
use pmh_core::receipt::{ReceiptInput, ReceiptOutput, ReceiptRequest, sha256_hex};
use pmh_core::redact::RedactError;
use pmh_core::render::{self, Input, RenderOptions};
use pmh_core::xlsx::NumericCells;
use pmh_core::{
    Back, Checker, Code, ColumnMapping, Detail, Diagnostic, KeyTracker, Layout, Options, Report,
    RowView, Severity, records, xlsx,
};

use crate::error::WorkerError;
use crate::protocol::{
    BlockEdit, CellRef, CodeCount, DISTINCT_MAX, DownloadKind, Filter, FindingView, FindingsPage,
    GridRow, InputSource, Jumped, LayoutSpec, LeftOut, ListReq, Mark, Msg, Phase, Prepare, Preview,
    RepairView, ReportLang, SameFix, Sev, Summary, ViewData, ViewReq, Window,
};
use crate::table::{CHUNK, Table};
use crate::text::{self, Lang};

mod diffmake;
mod edit;
mod export;
mod load;
pub use load::Bench;
mod previous;
mod view;

pub use diffmake::DiffInputs;

/// Findings kept for the grid (counts stay exact beyond it). The CLI keeps 1,000 for its
/// report; the grid needs every finding to colour every cell.
pub const MAX_FINDINGS: usize = 1_000_000;
/// `--max-diagnostics` of `pmhcsv build` (its default), used for the upload file so that the
/// web page calls the core exactly as the CLI does.
pub const CLI_MAX_DIAGNOSTICS: usize = 1000;
/// Most grid rows one view answer carries.
pub const MAX_WINDOW: u32 = 500;
/// Most findings one list page carries.
pub const MAX_LIST: u32 = 500;
/// Sample values shown per column on the mapping screen.
const SAMPLES: usize = 3;
/// Data rows scanned for samples.
const SAMPLE_ROWS: usize = 200;

/// Progress callback: phase, done, total.
pub type ProgressFn<'a> = dyn FnMut(Phase, u64, u64) + 'a;

/// Tool name recorded in receipts made by the page (the CLI records `pmhcsv`).
pub const RECEIPT_TOOL: &str = "pmh-csv-builder";

/// What some downloads need from outside the worker's data.
#[derive(Debug, Clone, Copy, Default)]
pub struct DownloadExtra<'a> {
    /// Page clock, RFC 3339 (`new Date().toISOString()`), recorded in the receipt.
    pub time: &'a str,
    /// Secret seed of the help-desk copy (from the browser's `crypto.getRandomValues`).
    pub seed: u64,
}

/// One cell change, as the change log lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Changes made by one action (an edit, a repair of every cell, an undo) share a group.
    pub group: u32,
    /// Page clock when it was made.
    pub at: String,
    /// What kind of change.
    pub kind: ChangeKind,
    /// The cell.
    pub cell: CellRef,
    /// Value before.
    pub before: String,
    /// Value after.
    pub after: String,
}

/// What made a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// The user typed a value.
    Edit,
    /// The user applied the repair of one finding.
    Repair(Code),
    /// The user applied the repair to every cell with the finding.
    RepairAll(Code),
    /// The user undid an earlier change.
    Undo,
    /// The user redid a change undone (Ctrl+Y).
    Redo,
    /// A code label mapped to its code (男 → 1) by the mapping's value mapping.
    ValueMap,
    /// The user left the row out of the upload (its cells emptied).
    ExcludeRow,
    /// The user replaced a text in a column.
    Replace,
    /// The user pasted cells copied from Excel (Ctrl+V) into the grid.
    Paste,
    /// The user emptied the cells of a selected range (Delete).
    Clear,
    /// The user copied cells down (Ctrl+D).
    FillDown,
    /// The user gave every cell of a column holding a value she corrected by hand the same
    /// correction (「同じ値のセルをすべて直す」).
    FixSame,
}

/// The results of the last check, kept up to date through edits.
#[derive(Debug)]
struct Results {
    mapping: ColumnMapping,
    /// The full check's report, for its facts about the file (its findings are moved out).
    meta: Report,
    /// Every finding by row, with exact counts (kept by the core through re-checks).
    findings: FileFindings,
    truncated: bool,
    /// Certificate key of each sheet row (index = row), as the cross-row checks see it.
    keys: Vec<Option<u128>>,
    /// 個人番号 of each sheet row (index = row), as K005 compares it.
    numbers: Vec<Option<u64>>,
    /// The sheet rows Excel hides among the data rows ([`pmh_core::Back::hidden_data_rows`]):
    /// S026 is said again from them after every edit.
    hidden: Vec<u32>,
    /// Rows of the last filtered view asked for.
    view_cache: Option<(Filter, Vec<u32>)>,
}

/// The input being worked on.
#[derive(Debug)]
struct Loaded {
    source: InputSource,
    /// The workbook, to read another sheet from.
    workbook: Option<Vec<u8>>,
    sheets: Vec<String>,
    sheet: Option<String>,
    /// The encoding the input was read in (the page's choice; `Auto` for a workbook's sheet).
    encoding: EncodingChoice,
    /// The cells that were numbers in the workbook's sheet: only there are leading zeros
    /// restored (X008); an edited cell is forgotten (its value is the clerk's now).
    numeric: Option<Arc<NumericCells>>,
    /// The bytes fed to the checker (a workbook sheet converted to CSV, or the input itself),
    /// or, once edits were folded in, the table written out as CSV.
    bytes: Vec<u8>,
    /// The bytes as loaded, once `bytes` holds folded edits (`None`: `bytes` are still them).
    /// The help-desk copy anonymises these.
    original: Option<Vec<u8>>,
    /// Size, SHA-256 and encoding of the bytes as loaded (the sheet's CSV for a workbook).
    measured: (u64, String, TextEncoding),
    table: Table,
    /// The delimiter the table was split with (the layout's).
    delimiter: u8,
    results: Option<Results>,
    log: Vec<Change>,
    /// Groups that can still be undone, newest last.
    undo: Vec<u32>,
    /// Undo groups that can be redone, newest last.
    redo: Vec<u32>,
    next_group: u32,
    /// Constant fields added as columns at the end (field id, value).
    appended: Vec<(String, String)>,
    /// The input with the header row the clerk chose (UTF-8 CSV), before any constant or
    /// edit: what the help-desk copy anonymises. `None`: the input as loaded.
    shaped: Option<Vec<u8>>,
}

impl Loaded {
    /// Writes the edits into `bytes` (the table as CSV), keeping the bytes as loaded.
    /// The encoding of `bytes`: the input's own, until edits were folded into UTF-8 CSV.
    fn bytes_encoding(&self) -> EncodingChoice {
        if self.original.is_some() {
            EncodingChoice::Auto
        } else {
            self.encoding
        }
    }

    /// The encoding of [`Loaded::current`]'s bytes.
    fn current_encoding(&self) -> EncodingChoice {
        if self.table.is_edited() {
            EncodingChoice::Auto
        } else {
            self.bytes_encoding()
        }
    }

    fn fold_edits(&mut self) {
        let csv = self.table.to_csv(self.delimiter);
        let before = std::mem::replace(&mut self.bytes, csv);
        self.original.get_or_insert(before);
    }

    /// The bytes as loaded: the pasted text as UTF-8, the file, or the workbook sheet's CSV.
    fn as_loaded(&self) -> &[u8] {
        self.original.as_deref().unwrap_or(&self.bytes)
    }

    /// The bytes the upload file is built from: the table with the edits, as CSV, once a cell
    /// was changed; else the bytes fed to the check.
    fn current(&self) -> std::borrow::Cow<'_, [u8]> {
        if self.table.is_edited() {
            std::borrow::Cow::Owned(self.table.to_csv(self.delimiter))
        } else {
            std::borrow::Cow::Borrowed(&self.bytes)
        }
    }
}

/// Everything the worker holds.
#[derive(Debug)]
pub struct Session {
    layout: Layout,
    masters: Option<Arc<Masters>>,
    tracker: KeyTracker,
    input: Option<Loaded>,
    /// The text encoding of the next input read (the page's selector; `Auto`: detected).
    encoding: EncodingChoice,
    /// The file uploaded last time, as CSV (a workbook's first sheet converted), or why it
    /// cannot be read.
    previous: Option<(String, Result<Vec<u8>, Msg>)>,
    /// The reference date of R003 (a validity that ended before it), as `pmhcsv --as-of`:
    /// the page's local date of the last check (`None` before one, or when the page gave none).
    as_of: Option<pmh_core::Ymd>,
    /// The files of the last 差分履歴 made, until saved or replaced.
    diff_files: Option<diffmake::DiffFiles>,
    /// What the last paste into the grid left out (it did not fit), until asked for.
    left_out: Option<LeftOut>,
}

impl Default for Session {
    fn default() -> Self {
        Self::new(Layout::full(), None)
    }
}

/// A core configuration error (master, mapping) as the worker reports it.
fn config_error(e: &pmh_core::ConfigError) -> WorkerError {
    WorkerError::Config {
        reason: text::core_error(text::CoreError::Config(e)),
    }
}

fn sev(s: Severity) -> Sev {
    match s {
        Severity::Error => Sev::Error,
        Severity::Warning => Sev::Warning,
        Severity::Info => Sev::Info,
    }
}

fn is_proposal(c: Code) -> bool {
    matches!(c, Code::ProposeLongVowel | Code::ProposeMacJis)
}

/// The repair a finding suggests for its cell: (cell column, value after).
fn repair_of(d: &Diagnostic) -> Option<(u32, &str)> {
    match (&d.detail, d.column) {
        (Detail::Repair { after }, Some(col)) => Some((col, after.as_str())),
        _ => None,
    }
}

/// A core text as the page shows it ([`text::page_words`]).
fn page_msg(ja: &str, en: &str) -> Msg {
    Msg::new(text::page_words::ja(ja), text::page_words::en(en))
}

/// A finding, ready to show.
pub fn finding_view(layout: &Layout, d: &Diagnostic) -> FindingView {
    // The clerk's own values, unmasked: the grid beside the message shows them anyway, and a
    // mask makes 「平成24年**月**日」 unreadable. Page only; downloads keep the masks.
    let message = pmh_core::message(layout, d, true);
    let info = d.code.info();
    let repair = match &d.detail {
        Detail::Repair { after } => Some(RepairView {
            before: d.value.clone().unwrap_or_default(),
            after: after.clone(),
            proposal: is_proposal(d.code),
        }),
        _ => None,
    };
    FindingView {
        code: d.code.as_str().to_owned(),
        severity: sev(d.severity),
        row: d.row,
        col: d.column,
        field: d
            .field
            .and_then(|i| layout.fields.get(i))
            .map(|f| Msg::new(f.label_ja.clone(), f.label_en.clone())),
        title: page_msg(info.title_ja, info.title_en),
        message: page_msg(&message.ja, &message.en),
        hint: page_msg(info.hint_ja, info.hint_en),
        repair,
        pair: None,
    }
}

impl Session {
    /// A session checking against `layout` with an optional municipality master.
    pub fn new(layout: Layout, masters: Option<Arc<Masters>>) -> Self {
        Self {
            tracker: KeyTracker::new(&layout),
            layout,
            masters,
            input: None,
            encoding: EncodingChoice::Auto,
            previous: None,
            diff_files: None,
            as_of: None,
            left_out: None,
        }
    }

    /// Reads the next inputs in `name` (a core `EncodingChoice` name; anything else is `auto`).
    /// A workbook's sheet is UTF-8 text whatever the choice.
    pub fn set_encoding(&mut self, name: &str) {
        self.encoding = EncodingChoice::parse(name).unwrap_or(EncodingChoice::Auto);
    }

    /// The layout in use.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Sets the layout and master files. The loaded input stays (it is split again if the
    /// layout's delimiter differs); its results are dropped, as they depend on both.
    ///
    /// # Errors
    /// A bad layout or master file; nothing changes then.
    pub fn configure(
        &mut self,
        spec: &LayoutSpec,
        masters: &[(&str, &[u8])],
    ) -> Result<(), WorkerError> {
        let layout = match spec {
            LayoutSpec::Full => Layout::full(),
            LayoutSpec::Diff => Layout::diff(),
            LayoutSpec::Custom { toml, .. } => {
                Layout::from_toml(toml).map_err(|e| WorkerError::Layout {
                    reason: text::core_error(text::CoreError::Config(&e)),
                })?
            }
        };
        let masters = if masters.is_empty() {
            None
        } else {
            Some(Arc::new(
                Masters::from_files(masters.iter().copied()).map_err(|e| config_error(&e))?,
            ))
        };
        self.tracker = KeyTracker::new(&layout);
        self.layout = layout;
        self.masters = masters;
        if let Some(input) = &mut self.input {
            input.results = None;
            let delimiter = self.layout.dialect.delimiter_byte();
            if input.delimiter != delimiter {
                // Split again as the new layout's delimiter says, keeping the edits.
                if input.table.is_edited() {
                    input.fold_edits();
                }
                input.table =
                    Table::load(&input.bytes, delimiter, input.bytes_encoding(), &mut |_| {});
                input.delimiter = delimiter;
            }
        }
        Ok(())
    }

    /// Forgets the input (its bytes, table, results, change log) and the previous upload:
    /// 「データを消去」.
    pub fn clear(&mut self) {
        self.input = None;
        self.previous = None;
    }

    fn loaded(&self) -> Result<&Loaded, WorkerError> {
        self.input.as_ref().ok_or(WorkerError::NotLoaded)
    }

    fn loaded_mut(&mut self) -> Result<&mut Loaded, WorkerError> {
        self.input.as_mut().ok_or(WorkerError::NotLoaded)
    }

    /// The options of the grid's checks: `pmhcsv build`'s, without writing output, keeping
    /// every finding.
    fn grid_options(&self, mapping: &ColumnMapping) -> Options {
        Options {
            mapping: Some(mapping.clone()),
            masters: self.masters.clone(),
            numeric_cells: self.input.as_ref().and_then(|i| i.numeric.clone()),
            as_of: self.as_of,
            ..Options::grid(MAX_FINDINGS)
        }
    }

    fn results(&self) -> Result<(&Loaded, &Results), WorkerError> {
        let input = self.loaded()?;
        let results = input.results.as_ref().ok_or(WorkerError::NotChecked)?;
        Ok((input, results))
    }

    /// The change log entries (for tests and the page's count).
    pub fn changes(&self) -> &[Change] {
        self.input.as_ref().map_or(&[], |i| i.log.as_slice())
    }
}

#[cfg(test)]
mod tests;
