//! Messages between the page (UI thread) and the validation worker.
//!
//! A message on the wire is a plain JS object `{ json: string, bytes?: Uint8Array }`:
//! `json` is one of the enums below encoded with serde (so both sides share one definition,
//! testable natively), and bulk data (input files, downloads) travels beside it in `bytes`, as
//! a transferable buffer, never inside the JSON.
//!
//! The worker owns the data (the table, its findings, the change log); the page asks for what
//! it shows: a window of grid rows, a page of the findings list, the summary.

use serde::{Deserialize, Serialize};

use crate::error::WorkerError;

/// Identifies one request, so that answers to an outdated request can be ignored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct JobId(pub u32);

/// Where an input came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InputSource {
    /// Text pasted into the paste area (sent as UTF-8).
    Paste,
    /// A dropped or picked file.
    File {
        /// The file's name, without any path.
        name: String,
    },
}

impl InputSource {
    /// A file name for reports: the file's own name, or `貼り付け` for pasted data.
    pub fn report_name(&self) -> &str {
        match self {
            InputSource::Paste => crate::text::PASTE_REPORT_NAME,
            InputSource::File { name } => name,
        }
    }
}

/// A sentence in both languages (messages from `pmh_core` come this way).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Msg {
    /// Japanese.
    pub ja: String,
    /// English.
    pub en: String,
}

impl Msg {
    /// A message from its two texts.
    pub fn new(ja: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            ja: ja.into(),
            en: en.into(),
        }
    }
}

/// Which record layout to check against.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LayoutSpec {
    /// The built-in 全件 layout.
    #[default]
    Full,
    /// The built-in 差分履歴 layout.
    Diff,
    /// A layout file the user loaded.
    Custom {
        /// File name.
        name: String,
        /// Its TOML text.
        toml: String,
    },
}

/// Severity of a finding, as the page shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sev {
    /// エラー: PMH will reject the data, or it is wrong.
    Error,
    /// 警告: likely wrong, or an inferred rule.
    Warning,
    /// 情報: for information (e.g. a repair that was made).
    Info,
}

/// Which rows the grid shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "code", rename_all = "snake_case")]
pub enum Filter {
    /// Every data row.
    #[default]
    All,
    /// Rows with an error or a warning.
    Problems,
    /// Rows with an error.
    Errors,
    /// Rows with a finding of this code (e.g. `V004`).
    Code(String),
}

/// A cell: sheet row (header = 1) and 1-based input column (A = 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CellRef {
    /// Sheet row.
    pub row: u32,
    /// Input column, 1-based.
    pub col: u32,
}

/// What set a block of cells of the grid's selected range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockEdit {
    /// Delete: the cells emptied.
    Clear,
    /// Ctrl+D: the range's top row (or the row above a one-row range) copied down.
    FillDown,
    /// Ctrl+V of one value onto a range: every cell of it gets the value.
    Fill,
}

/// What a paste (Ctrl+V) into the grid left out because it did not fit below the last row or
/// right of the last column, so that the page can say so.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOut {
    /// Pasted rows below the last row of the table.
    pub rows: u32,
    /// Pasted columns right of the last column.
    pub cols: u32,
    /// Pasted cells not pasted, in all.
    pub cells: u32,
}

/// A hand correction of one cell, offered for every other cell of its column holding the
/// same old value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SameFix {
    /// Input column, 1-based.
    pub col: u32,
    /// The whole old value.
    pub before: String,
    /// The value it was corrected to.
    pub after: String,
    /// Data cells of the column that still hold `before`.
    pub count: u32,
}

/// The grid rows wanted: `count` rows of `filter`'s view from index `start`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowReq {
    /// Which rows.
    pub filter: Filter,
    /// First index in the filtered view.
    pub start: u32,
    /// How many rows.
    pub count: u32,
}

/// A page of the findings list wanted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListReq {
    /// Only this code, or every finding.
    pub code: Option<String>,
    /// First finding (0-based).
    pub offset: u32,
    /// How many.
    pub limit: u32,
}

/// What the page shows of the results; every answer that changes them carries the new view.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewReq {
    /// Grid rows.
    pub window: WindowReq,
    /// Findings list page (omitted while scrolling).
    pub list: Option<ListReq>,
    /// Bring this cell into the window (the filter falls back to all rows if it hides it).
    pub jump: Option<CellRef>,
}

/// A suggested repair: the cell's value before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepairView {
    /// Value before the repair.
    pub before: String,
    /// Value after it.
    pub after: String,
    /// A proposal (X004, X009): the upload file keeps the value unless the user applies it.
    pub proposal: bool,
}

/// One finding, ready to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingView {
    /// Stable code, e.g. `N001`.
    pub code: String,
    /// Severity.
    pub severity: Sev,
    /// Sheet row, if the finding is about one.
    pub row: Option<u32>,
    /// Input column (1-based), if known.
    pub col: Option<u32>,
    /// Field label, if the finding is about a field.
    pub field: Option<Msg>,
    /// Short title of the code.
    pub title: Msg,
    /// The finding's sentence (personal values masked, as in reports).
    pub message: Msg,
    /// How to fix it (修正方法).
    pub hint: Msg,
    /// The suggested repair, if any.
    pub repair: Option<RepairView>,
    /// For a finding about two cells of its row whose report names the second (R001: 開始日
    /// after 終了日), the first one's input column: marked too, and where a jump goes.
    #[serde(default)]
    pub pair: Option<u32>,
}

/// The findings of one cell (`col` 0: of the row as a whole).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    /// Input column (1-based), or 0 for the row.
    pub col: u32,
    /// The most serious severity among them.
    pub severity: Sev,
    /// The findings.
    pub findings: Vec<FindingView>,
}

/// One grid row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridRow {
    /// Sheet row.
    pub row: u32,
    /// Cell values (may be shorter or longer than the header).
    pub cells: Vec<String>,
    /// A blank line.
    pub blank: bool,
    /// Findings by cell.
    pub marks: Vec<Mark>,
}

/// Grid rows of one view.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// The view.
    pub filter: Filter,
    /// Index of `rows[0]` in the view.
    pub start: u32,
    /// Rows in the whole view.
    pub total: u32,
    /// The rows.
    pub rows: Vec<GridRow>,
}

/// A page of the findings list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingsPage {
    /// The code shown, or every finding.
    pub code: Option<String>,
    /// Index of `items[0]`.
    pub offset: u32,
    /// Findings in the whole list.
    pub total: u32,
    /// The findings.
    pub items: Vec<FindingView>,
}

/// Where a jump landed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jumped {
    /// The cell.
    pub cell: CellRef,
    /// Its row's index in the window's view.
    pub index: u32,
}

/// The answer to a [`ViewReq`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewData {
    /// Grid rows.
    pub window: Window,
    /// Findings list page, if asked for.
    pub list: Option<FindingsPage>,
    /// Where a jump landed, if one was asked for.
    pub jumped: Option<Jumped>,
}

/// Count of one code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeCount {
    /// Code.
    pub code: String,
    /// Its default severity.
    pub severity: Sev,
    /// Its title.
    pub title: Msg,
    /// Findings (exact).
    pub count: u64,
    /// Findings that carry a repair the user can apply.
    pub repairable: u64,
}

/// The state of the results after a check or a change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Where the input came from.
    pub source: Option<InputSource>,
    /// The sheet read, for a workbook.
    pub sheet: Option<String>,
    /// The input is a workbook (its sheet was converted to CSV).
    pub workbook: bool,
    /// Encoding found.
    pub encoding: Msg,
    /// Input size in bytes.
    pub bytes: u64,
    /// Data rows (blank ones included).
    pub rows: u64,
    /// Error findings.
    pub errors: u64,
    /// Warning findings.
    pub warnings: u64,
    /// Info findings.
    pub infos: u64,
    /// Rows with at least one error.
    pub error_rows: u64,
    /// Rows with at least one error or warning.
    pub problem_rows: u64,
    /// No errors: PMH should accept the upload file.
    pub upload_ready: bool,
    /// Not every finding could be kept (counts stay exact).
    pub truncated: bool,
    /// Counts by code, in catalogue order.
    pub codes: Vec<CodeCount>,
    /// Findings about the whole file or its header row.
    pub file_findings: Vec<FindingView>,
    /// Entries in the change log.
    pub changes: u32,
    /// The layout's title.
    pub layout: Msg,
    /// The municipality master in use.
    pub masters: Msg,
    /// The comparison with the previous upload, when one was given.
    #[serde(default)]
    pub previous: Option<PreviousView>,
    /// Lines of the input not read as rows (an unclosed quote's swallowed lines, S007; lines
    /// too long, S021): absent from the upload file, so deleted at PMH in 全件連携.
    #[serde(default)]
    pub unread_lines: u64,
    /// A header row and no data rows (S003): in 全件連携 the upload file deletes every
    /// certificate PMH holds.
    #[serde(default)]
    pub header_only: bool,
}

/// One certificate in a list of the comparison with the previous upload: the clerk's own data,
/// shown only in the page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRow {
    /// Its first row (of the previous file for a removal, of the upload file otherwise).
    pub row: u32,
    /// 氏名.
    pub name: String,
    /// 公費受給者番号.
    pub number: String,
    /// Fields that changed (changed certificates).
    pub fields: Vec<Msg>,
}

/// The upload file compared with the one uploaded last time (`pmhcsv validate --previous`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousView {
    /// The previous file's name.
    pub name: String,
    /// Why it could not be compared (nothing else is set then).
    pub refused: Option<Msg>,
    /// Certificates in the previous file.
    pub previous_certificates: u64,
    /// Certificates in the upload file.
    pub current_certificates: u64,
    /// Added certificates.
    pub added: u64,
    /// Changed certificates.
    pub changed: u64,
    /// Removed certificates (PMH deletes them).
    pub removed: u64,
    /// Unchanged certificates.
    pub unchanged: u64,
    /// More removals than the default limit (`DeletionLimit::Default`): the upload download
    /// asks first, naming the number.
    pub over_limit: bool,
    /// Removed certificates, first ones.
    pub removed_list: Vec<PersonRow>,
    /// Added certificates, first ones.
    pub added_list: Vec<PersonRow>,
    /// Changed certificates, first ones.
    pub changed_list: Vec<PersonRow>,
}

impl PreviousView {
    /// Nothing added, changed or removed: no upload is needed.
    pub fn nothing_changed(&self) -> bool {
        self.refused.is_none() && self.added == 0 && self.changed == 0 && self.removed == 0
    }

    /// The previous upload given could not be compared: the guard the clerk asked for did not
    /// run (`pmhcsv … --previous` exits 2).
    pub fn not_compared(&self) -> bool {
        self.refused.is_some()
    }

    /// The comparison keeps the file from being called ready, and the upload download asks
    /// first: more removals than the limit allows, or no comparison at all.
    pub fn holds_the_upload(&self) -> bool {
        self.over_limit || self.not_compared()
    }
}

/// 「差分履歴ファイルを作る」: the 差分履歴 upload made from the previous and the current 全件
/// files (and the state file the clerk keeps), as `pmhcsv diff` makes it with its defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffMadeView {
    /// Why no file was made (nothing else is set then, but `deletions`).
    pub refused: Option<Msg>,
    /// The deletion guard refused: (deletions, certificates in the previous file). Confirming
    /// makes the file anyway.
    pub deletions: Option<(u64, u64)>,
    /// Registration records.
    pub registered: u64,
    /// Update records.
    pub updated: u64,
    /// Deletion records.
    pub deleted: u64,
    /// History rows unchanged.
    pub unchanged: u64,
    /// Rows not written (collisions, empty keys, unknown history keys).
    pub skipped: u64,
    /// What the diff noticed: the message, and whether it makes the file unfit to upload.
    pub issues: Vec<(Msg, bool)>,
    /// Errors in the previous file (none when there was none).
    pub from_errors: Option<u64>,
    /// Errors in the current file.
    pub to_errors: u64,
    /// Errors in the written 差分履歴 file.
    pub output_errors: u64,
    /// Rows of the new state file.
    pub state_rows: u64,
    /// Fit to upload (`DiffOutcome::fit_to_upload`, the CLI's exit code 0).
    pub ok: bool,
}

impl DiffMadeView {
    /// Nothing to upload: no record was written.
    pub fn nothing_changed(&self) -> bool {
        self.refused.is_none() && self.registered + self.updated + self.deleted == 0
    }
}

/// What the page needs to show the column mapping screen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    /// Where the input came from.
    pub source: Option<InputSource>,
    /// Header cells, one per source column.
    pub headers: Vec<String>,
    /// A few non-empty values of each column.
    pub samples: Vec<Vec<String>>,
    /// Data rows.
    pub rows: u64,
    /// Encoding found.
    pub encoding: Msg,
    /// Worksheets, for a workbook.
    pub sheets: Vec<String>,
    /// The worksheet read (`None`: the first visible one).
    pub sheet: Option<String>,
    /// Row of the input used as the header row (1-based; `0`: none, the columns are named
    /// 列A, 列B … and every row is data).
    #[serde(default)]
    pub header_row: u32,
    /// The header row looks like data (a 12-digit number, a date …): the page asks.
    #[serde(default)]
    pub header_looks_like_data: bool,
    /// The first non-blank rows of the input as read: (1-based row, a few of its cells), to
    /// choose the header row from.
    #[serde(default)]
    pub top_rows: Vec<(u32, String)>,
    /// Each column's distinct non-empty values with their counts, when it has at most
    /// [`DISTINCT_MAX`] (a code column: 男/女 …); `None` for columns with more.
    #[serde(default)]
    pub distinct: Vec<Option<Vec<(String, u64)>>>,
}

/// Most distinct values of a column listed for value mapping.
pub const DISTINCT_MAX: usize = 12;

/// What the worker does to the input before a check: fill fields the source lacks and map
/// code labels to codes. Saved with the mapping (never a value from the data: see
/// `mapping::storable_value_key`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prepare {
    /// (field id, value) for every row: a column is added under the field id.
    #[serde(default)]
    pub constants: Vec<(String, String)>,
    /// Field id → (source value → code), applied to the columns mapped to that field.
    #[serde(default)]
    pub values: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
}

/// What to download.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DownloadKind {
    /// The upload CSV in the layout's dialect (what `pmhcsv build` writes).
    UploadCsv,
    /// The JSON API request body (what `pmhcsv build --json` writes).
    UploadJson,
    /// The error report as CSV for Excel (what `pmhcsv validate --format csv` writes).
    ReportCsv,
    /// The change log as CSV for Excel.
    ChangeLog,
    /// 「ヘルプデスク用に匿名化して保存」: the input as loaded with every personal value
    /// synthetic and the same findings (what `pmhcsv redact --build` writes).
    Helpdesk,
    /// 「確認の記録（JSON）」: the receipt (what `pmhcsv build --receipt` writes).
    Receipt,
    /// The 差分履歴 file made last (what `pmhcsv diff -o` writes).
    DiffCsv,
    /// The state file of the 差分履歴 made last (what `pmhcsv diff --state` writes).
    DiffState,
}

/// Language of generated reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportLang {
    /// Japanese.
    #[default]
    Ja,
    /// English.
    En,
}

/// A request from the page to the worker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToWorker {
    /// Use this layout and these municipality master files (their bytes, concatenated, in the
    /// message's `bytes`, `lens` giving each file's length).
    Configure {
        /// The layout.
        layout: LayoutSpec,
        /// Master file names.
        masters: Vec<String>,
        /// Master file sizes, in order (then the previous upload's, when there is one).
        lens: Vec<u32>,
        /// The previous upload's file name; its bytes follow the masters'.
        #[serde(default)]
        previous: Option<String>,
    },
    /// Read the next inputs in this text encoding (a core `EncodingChoice` name; `auto`:
    /// detected). Workbooks are not affected.
    SetEncoding {
        /// The encoding's name.
        encoding: String,
    },
    /// Read an input (its bytes in `bytes`), or, without bytes, read another sheet of the
    /// workbook read last.
    Load {
        /// Echoed in the answer.
        job: JobId,
        /// Where the bytes came from.
        source: InputSource,
        /// The worksheet to read (workbooks only; `None`: the first visible one).
        sheet: Option<String>,
    },
    /// Check the loaded input with this column mapping (the mapping file's JSON).
    Check {
        /// Echoed in the answer.
        job: JobId,
        /// The mapping, as the JSON the CLI's `--mapping` reads.
        mapping: String,
        /// Constant fields and value mappings, applied first.
        #[serde(default)]
        prepare: Prepare,
        /// Page clock, for the change log (value mappings).
        #[serde(default)]
        at: String,
        /// The view to answer with.
        view: ViewReq,
    },
    /// Forget the input, its results and changes, and the previous upload.
    Clear,
    /// Leave sheet row `row` out of the upload (every cell emptied: a blank row is not
    /// uploaded), logged and undoable.
    ExcludeRow {
        /// Echoed.
        job: JobId,
        /// Sheet row.
        row: u32,
        /// Page clock, for the change log.
        at: String,
        /// The view to answer with.
        view: ViewReq,
    },
    /// Replace `find` by `replace` in every cell of column `col`.
    Replace {
        /// Echoed.
        job: JobId,
        /// 1-based column.
        col: u32,
        /// Text to find (not empty).
        find: String,
        /// Its replacement.
        replace: String,
        /// Page clock, for the change log.
        at: String,
        /// The view to answer with.
        view: ViewReq,
    },
    /// Use row `row` of the input as read as its header row (`0`: there is none); answered
    /// with `Loaded`. Rows above it are left out (title rows).
    SetHeaderRow {
        /// Echoed in the answer.
        job: JobId,
        /// 1-based row, or 0.
        row: u32,
    },
    /// Send another view of the results.
    View {
        /// Echoed.
        job: JobId,
        /// What to show.
        view: ViewReq,
    },
    /// Set one cell, re-check its row and the rows sharing its certificate.
    Edit {
        /// Echoed.
        job: JobId,
        /// The cell.
        cell: CellRef,
        /// Its new value.
        value: String,
        /// Page clock, for the change log.
        at: String,
        /// The view to answer with.
        view: ViewReq,
    },
    /// Paste cells copied from Excel (tab-separated rows) with their top-left corner at
    /// `start`.
    PasteCells {
        /// Echoed.
        job: JobId,
        /// The top-left cell.
        start: CellRef,
        /// The clipboard's text.
        text: String,
        /// Page clock, for the change log.
        at: String,
        /// The view to answer with.
        view: ViewReq,
    },
    /// Set a block of cells of the selected range at once (Delete, Ctrl+D, Ctrl+V of one
    /// value), one change undone at once.
    SetCells {
        /// Echoed.
        job: JobId,
        /// The cells and their new values.
        cells: Vec<(CellRef, String)>,
        /// What the clerk did (the change log says it).
        how: BlockEdit,
        /// Page clock, for the change log.
        at: String,
        /// The view to answer with.
        view: ViewReq,
    },
    /// Apply the repair suggested by finding `code` in one cell, or in every cell with it.
    Repair {
        /// Echoed.
        job: JobId,
        /// The cell whose finding was chosen.
        cell: CellRef,
        /// The finding's code.
        code: String,
        /// Every cell with a finding of this code.
        all: bool,
        /// Page clock, for the change log.
        at: String,
        /// The view to answer with.
        view: ViewReq,
    },
    /// Give every data cell of column `col` whose whole value is `before` the value `after`
    /// (「同じ値のセルをすべて直す」 after a cell was corrected by hand).
    FixSame {
        /// Echoed.
        job: JobId,
        /// What to fix.
        fix: SameFix,
        /// Page clock, for the change log.
        at: String,
        /// The view to answer with.
        view: ViewReq,
    },
    /// Undo the last change.
    Undo {
        /// Echoed.
        job: JobId,
        /// Page clock, for the change log.
        at: String,
        /// The view to answer with.
        view: ViewReq,
    },
    /// Redo the last change undone (Ctrl+Y).
    Redo {
        /// Echoed.
        job: JobId,
        /// Page clock, for the change log.
        at: String,
        /// The view to answer with.
        view: ViewReq,
    },
    /// Make a file to download.
    Download {
        /// Echoed.
        job: JobId,
        /// Which file.
        kind: DownloadKind,
        /// Language of reports.
        lang: ReportLang,
        /// Page clock, RFC 3339 UTC (`new Date().toISOString()`): the receipt's time.
        #[serde(default)]
        time: String,
    },
    /// Make the 差分履歴 file from two 全件 files and the state file (their bytes, in this
    /// order, in the message's `bytes`; `lens` gives each length).
    MakeDiff {
        /// Echoed.
        job: JobId,
        /// The previous 全件 file's name (absent the first time: everything is registered).
        from: Option<String>,
        /// The current 全件 file's name.
        to: String,
        /// Whether a state file follows.
        state: bool,
        /// Byte lengths, in order: previous (when given), current, state (when given).
        lens: Vec<u32>,
        /// The clerk confirmed the deletions the guard refused.
        allow_deletions: bool,
    },
    /// Benchmark: time the core checker on the loaded input, `repeats` times.
    Bench {
        /// Echoed.
        job: JobId,
        /// Repetitions.
        repeats: u32,
    },
}

/// What a long job is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Converting a workbook sheet.
    Converting,
    /// Reading (decoding and splitting) the input.
    Reading,
    /// Checking.
    Checking,
    /// Making a download.
    Building,
}

/// A message from the worker to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker instantiated the wasm module and listens for requests.
    Ready,
    /// The worker's JS bootstrap could not instantiate the module (sent by
    /// `worker_bootstrap.js`, so the spelling must match it).
    BootFailed {
        /// The JS error, for the details line.
        message: String,
    },
    /// A long job is under way.
    Progress {
        /// The request this is about.
        job: JobId,
        /// What it is doing.
        phase: Phase,
        /// Units done so far.
        done: u64,
        /// Units in all.
        total: u64,
    },
    /// `Configure` could not be applied.
    ConfigFailed {
        /// Why.
        error: WorkerError,
    },
    /// An input was read: the column mapping screen can be shown.
    Loaded {
        /// The request.
        job: JobId,
        /// Headers and samples.
        preview: Preview,
    },
    /// A check finished.
    Checked {
        /// The request.
        job: JobId,
        /// Results.
        summary: Summary,
        /// The view asked for.
        view: ViewData,
        /// Time spent in the worker, in milliseconds.
        worker_ms: f64,
    },
    /// A view of the results.
    Viewed {
        /// The request.
        job: JobId,
        /// The view.
        view: ViewData,
    },
    /// An edit, repair or undo was applied and re-checked.
    Changed {
        /// The request.
        job: JobId,
        /// Results now.
        summary: Summary,
        /// The view asked for.
        view: ViewData,
        /// Cells changed.
        cells: u32,
        /// Time spent re-checking, in milliseconds.
        recheck_ms: f64,
        /// After a cell was corrected by hand: the other cells of its column that still hold
        /// the old value, to correct them all at once.
        #[serde(default)]
        same: Option<SameFix>,
        /// After a paste into the grid: what did not fit and was not pasted.
        #[serde(default)]
        left_out: Option<LeftOut>,
    },
    /// A download is ready; its bytes are in the message's `bytes`.
    File {
        /// The request.
        job: JobId,
        /// Suggested file name.
        name: String,
        /// MIME type.
        mime: String,
        /// Error findings in the file written (upload files).
        errors: u64,
    },
    /// The 差分履歴 file was made (or refused); its files wait in the worker for a download.
    DiffMade {
        /// The request.
        job: JobId,
        /// What happened.
        view: DiffMadeView,
    },
    /// Benchmark timings.
    Benched {
        /// The request.
        job: JobId,
        /// Input bytes.
        bytes: u64,
        /// Data rows.
        rows: u64,
        /// Milliseconds per run.
        runs_ms: Vec<f64>,
        /// Milliseconds per run without the SHA-256 of the input.
        #[serde(default)]
        check_ms: Vec<f64>,
    },
    /// A request could not be carried out.
    Failed {
        /// The request this is about.
        job: JobId,
        /// What went wrong.
        error: WorkerError,
    },
    /// The worker panicked; its wasm instance is dead and must be replaced.
    Panicked {
        /// The panic message, for the details line.
        message: String,
    },
}

/// Encodes a message for the `json` field.
pub fn encode<T: Serialize>(message: &T) -> String {
    // Serializing these plain types cannot fail (no maps with non-string keys, no I/O).
    serde_json::to_string(message).unwrap_or_default()
}

/// Decodes the `json` field of a message.
pub fn decode<'a, T: Deserialize<'a>>(json: &'a str) -> Result<T, String> {
    serde_json::from_str(json).map_err(|e| format!("bad worker message: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip() {
        let request = ToWorker::Load {
            job: JobId(7),
            source: InputSource::File {
                name: "受給者.csv".into(),
            },
            sheet: None,
        };
        let json = encode(&request);
        assert_eq!(
            json,
            r#"{"type":"load","job":7,"source":{"kind":"file","name":"受給者.csv"},"sheet":null}"#
        );
        assert_eq!(decode::<ToWorker>(&json), Ok(request));

        let edit = ToWorker::Edit {
            job: JobId(3),
            cell: CellRef { row: 5, col: 2 },
            value: "山田".into(),
            at: "2025-01-01T00:00:00".into(),
            view: ViewReq {
                window: WindowReq {
                    filter: Filter::Code("V004".into()),
                    start: 0,
                    count: 50,
                },
                list: Some(ListReq::default()),
                jump: None,
            },
        };
        assert_eq!(decode::<ToWorker>(&encode(&edit)), Ok(edit));
        let configure = ToWorker::Configure {
            layout: LayoutSpec::Custom {
                name: "x.toml".into(),
                toml: "id = 'x'".into(),
            },
            masters: vec!["m.csv".into()],
            lens: vec![10, 20],
            previous: Some("last.csv".into()),
        };
        assert_eq!(decode::<ToWorker>(&encode(&configure)), Ok(configure));
        let download = ToWorker::Download {
            job: JobId(4),
            kind: DownloadKind::Helpdesk,
            lang: ReportLang::Ja,
            time: "2025-04-01T00:00:00.000Z".into(),
        };
        let json = encode(&download);
        assert!(json.contains(r#""kind":"helpdesk""#), "{json}");
        assert_eq!(decode::<ToWorker>(&json), Ok(download));
        assert_eq!(
            decode::<ToWorker>(r#"{"type":"download","job":1,"kind":"receipt","lang":"en"}"#),
            Ok(ToWorker::Download {
                job: JobId(1),
                kind: DownloadKind::Receipt,
                lang: ReportLang::En,
                time: String::new(),
            })
        );
    }

    #[test]
    fn answers_round_trip() {
        let answers = [
            FromWorker::Ready,
            FromWorker::Progress {
                job: JobId(1),
                phase: Phase::Checking,
                done: 5,
                total: 10,
            },
            FromWorker::Loaded {
                job: JobId(1),
                preview: Preview {
                    headers: vec!["氏名".into()],
                    samples: vec![vec!["山田".into()]],
                    ..Preview::default()
                },
            },
            FromWorker::Failed {
                job: JobId(2),
                error: WorkerError::NotADataCell { row: 1, col: 2 },
            },
            FromWorker::ConfigFailed {
                error: WorkerError::Config {
                    reason: Msg::new("だめ", "no"),
                },
            },
            FromWorker::Panicked {
                message: "boom".into(),
            },
        ];
        for answer in answers {
            assert_eq!(decode::<FromWorker>(&encode(&answer)), Ok(answer));
        }
    }

    #[test]
    fn bootstrap_failure_matches_worker_bootstrap_js() {
        // worker_bootstrap.js builds this JSON by hand.
        let js = include_str!("worker_bootstrap.js");
        assert!(js.contains(r#"type: "boot_failed""#));
        assert_eq!(
            decode::<FromWorker>(r#"{"type":"boot_failed","message":"x"}"#),
            Ok(FromWorker::BootFailed {
                message: "x".into()
            })
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode::<FromWorker>("{").is_err());
        assert!(decode::<FromWorker>(r#"{"type":"nope"}"#).is_err());
        assert!(decode::<ToWorker>(r#"{"type":"edit"}"#).is_err());
    }

    #[test]
    fn report_names() {
        assert_eq!(InputSource::Paste.report_name(), "貼り付け");
        assert_eq!(
            InputSource::File {
                name: "a.csv".into()
            }
            .report_name(),
            "a.csv"
        );
    }
}
