//! UI state and the reducer: the only place where UI state changes and where it is decided
//! what happens next.
//!
//! [`State::update`] takes an [`Action`] (something the user did, or an answer from the
//! outside world) and returns the [`Effect`]s to run: posting to the worker, reading a file,
//! localStorage, a download, a question to the user, a performance mark. One executor
//! (`effects.rs`, browser only) runs them and reports back with more actions. The reducer is
//! pure and synchronous — the clock comes in as [`Now`], browser objects as opaque
//! [`Handle`]s — so every decision is unit-tested natively. It always sees the latest state:
//! callbacks send actions and never read a copy of the state.
//!
//! Large data (the table, the findings) stays in the worker; the state holds what is on
//! screen, behind `Rc`s so that cloning it per action is cheap.

use std::any::Any;
use std::fmt;
use std::rc::Rc;

use pmh_core::{ColumnMapping, Layout};

use crate::error::{AppError, Notice};
use crate::mapping::{self, Target};
use crate::protocol::{
    BlockEdit, CellRef, DiffMadeView, DownloadKind, Filter, FindingView, FindingsPage, FromWorker,
    GridRow, InputSource, JobId, LayoutSpec, ListReq, Msg, Phase, Preview, ReportLang, SameFix,
    Summary, ToWorker, ViewData, ViewReq, Window, WindowReq,
};
use crate::text::{self, Lang, Text};

/// Grid rows asked for per window.
pub const WINDOW_ROWS: u32 = 200;
/// Findings per page of the side list.
pub const LIST_PAGE: u32 = 50;
/// Rows kept loaded beyond the visible ones before a new window is asked for.
pub const MARGIN_ROWS: u32 = 20;

/// A layout shared by the state and the components (compared by identity).
#[derive(Clone, Debug)]
pub struct LayoutRef(pub Rc<Layout>);

impl PartialEq for LayoutRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Default for LayoutRef {
    fn default() -> Self {
        LayoutRef(Rc::new(Layout::full()))
    }
}

/// Which layout the user chose.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LayoutChoice {
    /// 全件.
    #[default]
    Full,
    /// 差分履歴.
    Diff,
    /// A layout file.
    Custom,
}

/// A layout file the user loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomLayout {
    /// File name.
    pub name: String,
    /// Its text.
    pub toml: Rc<str>,
}

/// A municipality master file the user loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MasterFile {
    /// File name.
    pub name: String,
    /// Its bytes.
    pub bytes: Rc<[u8]>,
}

/// Layout and masters.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    /// The choice.
    pub choice: LayoutChoice,
    /// The layout in use.
    pub layout: LayoutRef,
    /// The layout file, once one was loaded (kept when the user switches back and forth).
    pub custom: Option<CustomLayout>,
    /// Master files in use.
    pub masters: Vec<MasterFile>,
    /// What the masters define.
    pub masters_summary: Option<Msg>,
    /// The text encoding of the next input read: `auto` (detected) or a name the core knows
    /// (`EncodingChoice::parse`); the choice overrides detection, as the CLI's `--encoding`.
    pub encoding: String,
    /// The file uploaded last time (「前回アップロードしたファイル」): compared with the upload
    /// file on the results screen. Held in memory only, never stored.
    pub previous: Option<MasterFile>,
    /// What 「公式テンプレートを読み込む」 made of the template last read (or restored).
    pub template: Option<Msg>,
}

impl Config {
    /// The layout as the worker is told.
    pub fn spec(&self) -> LayoutSpec {
        match (&self.choice, &self.custom) {
            (LayoutChoice::Diff, _) => LayoutSpec::Diff,
            (LayoutChoice::Custom, Some(c)) => LayoutSpec::Custom {
                name: c.name.clone(),
                toml: c.toml.to_string(),
            },
            _ => LayoutSpec::Full,
        }
    }
}

/// Which file of 「差分履歴ファイルを作る」.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffSlot {
    /// The previous 全件 file (`pmhcsv diff --from`).
    From,
    /// The current 全件 file (`--to`).
    To,
    /// The state file the clerk keeps (`--state`).
    State,
}

/// 「差分履歴ファイルを作る」 (step 1 in 差分履歴 mode): the 差分履歴 upload made from two 全件
/// files and the state file, as `pmhcsv diff` makes it. Held in memory only, never stored.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DiffMaker {
    /// The previous 全件 file.
    pub from: Option<MasterFile>,
    /// The current 全件 file.
    pub to: Option<MasterFile>,
    /// The state file.
    pub state: Option<MasterFile>,
    /// What the last attempt made (its files wait in the worker); cleared when a file changes.
    pub made: Option<Rc<DiffMadeView>>,
}

impl DiffMaker {
    /// The file in `slot`.
    pub fn slot_mut(&mut self, slot: DiffSlot) -> &mut Option<MasterFile> {
        match slot {
            DiffSlot::From => &mut self.from,
            DiffSlot::To => &mut self.to,
            DiffSlot::State => &mut self.state,
        }
    }
}

/// Life cycle of the validation worker.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum WorkerStatus {
    /// Spawned, not yet answered. Requests posted now are queued by the worker's bootstrap.
    #[default]
    Starting,
    /// Answered `Ready`.
    Ready,
    /// Could not be started; the detail is for the details line.
    Failed(String),
}

/// The step shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Screen {
    /// Settings and input.
    #[default]
    Input,
    /// Column mapping.
    Mapping,
    /// Results, fixing and downloads.
    Results,
}

/// What a long job does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Task {
    /// Reading an input.
    Load(InputSource),
    /// Checking.
    Check,
    /// Making a download.
    Download(DownloadKind),
    /// Applying a change to many cells.
    Change,
    /// Making the 差分履歴 file.
    MakeDiff,
}

/// A long job under way (progress bar).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Busy {
    /// The request.
    pub job: JobId,
    /// What it does.
    pub task: Task,
    /// A file is still being read on the page, before the worker has it.
    pub reading: bool,
    /// What the worker reports doing.
    pub phase: Option<Phase>,
    /// Progress.
    pub done: u64,
    /// Out of.
    pub total: u64,
    /// Page clock when it started, milliseconds.
    pub started_ms: u64,
}

/// The column mapping screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MappingState {
    /// Headers and samples of the input.
    pub preview: Rc<Preview>,
    /// What each column becomes.
    pub targets: Vec<Target>,
    /// Near-matching field for unmatched columns.
    pub suggestions: Vec<Option<String>>,
    /// The saved mapping in use, by name.
    pub applied: Option<String>,
    /// The name to save under.
    pub name: String,
    /// Fields the source lacks, filled with one value for every row: (field id, value).
    pub constants: Vec<(String, String)>,
    /// Value mapping of code fields: field id → (source value → code).
    pub values: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
    /// The clerk answered that row 1 is the header row (when it looks like data).
    pub header_confirmed: bool,
}

/// The cell with the keyboard focus: its index in the grid's view and its sheet position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Active {
    /// Index of its row in the view.
    pub index: u32,
    /// The cell.
    pub cell: CellRef,
}

/// The results screen.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultsState {
    /// Counts, verdict, file-level findings.
    pub summary: Rc<Summary>,
    /// Grid rows loaded.
    pub window: Rc<Window>,
    /// Start of a window asked for and not yet received.
    pub requested: Option<u32>,
    /// The findings list page shown.
    pub list: Rc<FindingsPage>,
    /// The focused cell.
    pub active: Option<Active>,
    /// Bumped to make the grid scroll to `active` (and focus it).
    pub scroll_nonce: u32,
    /// A download waiting for the user to confirm (errors remain).
    pub confirm: Option<DownloadKind>,
    /// The last change: cells changed and time to re-check, in milliseconds.
    pub last_change: Option<(u32, f64)>,
    /// After a cell was corrected by hand: the other cells of its column with the old value.
    pub same_offer: Option<SameFix>,
    /// After a paste into the grid: what did not fit and was not pasted (said until the next
    /// change).
    pub left_out: Option<crate::protocol::LeftOut>,
    /// Time the worker spent on the check, and from request to answer on the page.
    pub check_ms: (f64, u64),
    /// The upload CSV was saved with these results, when there were this many changes.
    pub upload_saved: Option<u32>,
}

/// Whether the upload CSV the receipt describes is the one the user saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UploadSaved {
    /// Not saved since the check: the receipt records the file the data makes now.
    No,
    /// Saved, and nothing changed since: the receipt records that very file.
    Current,
    /// Saved, then cells were changed: the receipt records the file the data makes now.
    Stale,
}

/// Everything the UI shows, apart from the data itself.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    /// Language of the UI.
    pub lang: Lang,
    /// The worker.
    pub worker: WorkerStatus,
    /// Layout and masters.
    pub config: Config,
    /// Saved column mappings (from localStorage).
    pub saved: Rc<Vec<ColumnMapping>>,
    /// Constant fields and value mappings saved with them.
    pub extras: Rc<Vec<mapping::Extras>>,
    /// The step shown.
    pub screen: Screen,
    /// A long job under way.
    pub busy: Option<Busy>,
    /// The last error, shown until the next action.
    pub error: Option<AppError>,
    /// A status line (e.g. "saved").
    pub notice: Option<Notice>,
    /// The mapping screen, once an input was read.
    pub mapping: Option<Rc<MappingState>>,
    /// The results, once checked.
    pub results: Option<Rc<ResultsState>>,
    /// What the last check was asked with (the mapping without its name, and the constant
    /// fields and value mappings): results made with another mapping than the one shown are
    /// not reachable ([`State::results_current`]).
    pub checked_with: Option<(String, crate::protocol::Prepare)>,
    /// 「差分履歴ファイルを作る」.
    pub diff_maker: DiffMaker,
    /// The last job id handed out (ids identify requests to the worker).
    pub last_job: u32,
}

/// The page's clock when an action is applied (the reducer does not read clocks).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Now {
    /// Milliseconds since the epoch.
    pub ms: u64,
    /// Local date and time for the change log: `2025-04-01 09:30:15`.
    pub local: String,
    /// UTC, RFC 3339 with milliseconds, for the receipt.
    pub iso: String,
}

/// A browser object (a `File`, a `Uint8Array`) carried through the reducer untouched, for the
/// executor. Compared by identity.
#[derive(Clone)]
pub struct Handle(Rc<dyn Any>);

impl Handle {
    /// Wraps a value.
    pub fn new<T: 'static>(value: T) -> Self {
        Handle(Rc::new(value))
    }

    /// The value, if it is a `T`.
    pub fn get<T: 'static>(&self) -> Option<&T> {
        self.0.downcast_ref()
    }
}

impl PartialEq for Handle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Handle")
    }
}

/// Bytes beside a worker request.
#[derive(Clone, Debug, PartialEq)]
pub enum Payload {
    /// Bytes held by the page's state (master files).
    Bytes(Rc<[u8]>),
    /// A JS buffer (`Uint8Array`) that never entered wasm memory (a paste, a download).
    Js(Handle),
    /// Text made on the page (an exported mapping).
    Text(String),
}

/// A file's name and bytes.
pub type NamedBytes = (String, Vec<u8>);

/// A user file the page itself reads as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextFile {
    /// A layout TOML.
    Layout,
    /// A mapping JSON to import.
    Mapping,
}

/// Something that happened; [`State::update`] turns it into the next state and effects.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The app is shown: start the worker, read the saved mappings.
    Started,
    /// The user picked a language.
    SetLang(Lang),
    /// The worker could not be spawned at all (for example, blocked by a browser policy).
    SpawnFailed(String),
    /// A message arrived from the worker, with the bytes it carried.
    Worker(Box<FromWorker>, Option<Handle>),
    /// A request could not be posted to the worker.
    PostFailed {
        /// The request.
        job: JobId,
        /// The browser's error text.
        detail: String,
    },
    /// The user chose a layout.
    PickLayout(LayoutChoice),
    /// The user chose the text encoding of the next input (a core `EncodingChoice` name).
    PickEncoding(String),
    /// The user gave a layout file.
    LayoutFile(Handle, String),
    /// The user gave master files (file, name).
    MasterFiles(Vec<(Handle, String)>),
    /// The master files were read: (name, bytes), or the name and the browser's error.
    MastersRead(Result<Vec<NamedBytes>, (String, String)>),
    /// The user removed the masters.
    ClearMasters,
    /// The user gave the previous upload (file, name).
    PreviousFile(Handle, String),
    /// The previous upload was read: (name, bytes), or the name and the browser's error.
    PreviousRead(Result<NamedBytes, (String, String)>),
    /// The user removed the previous upload.
    ClearPrevious,
    /// A user file was read as text.
    TextRead {
        /// What it is for.
        purpose: TextFile,
        /// Its name.
        name: String,
        /// The text, or the browser's error.
        result: Result<String, String>,
    },
    /// Text was pasted (its UTF-8 bytes, made by the browser, and their length).
    Paste {
        /// A `Uint8Array`.
        bytes: Handle,
        /// Its length.
        len: u64,
        /// The user agreed to discard the edits.
        confirmed: bool,
    },
    /// The user dropped or picked an input file.
    OpenFile {
        /// A `File`.
        file: Handle,
        /// Its name.
        name: String,
        /// Its size.
        size: u64,
        /// The user agreed to discard the edits.
        confirmed: bool,
    },
    /// Reading a dropped or picked file failed on the page.
    ReadFailed {
        /// The request.
        job: JobId,
        /// Browser's error text.
        detail: String,
    },
    /// The saved mappings as stored (`None`: nothing stored or no storage).
    SavedRead(Option<String>),
    /// The saved constant fields and value mappings as stored.
    ExtrasRead(Option<String>),
    /// The saved constant fields and value mappings were written.
    ExtrasWritten(Rc<Vec<mapping::Extras>>),
    /// Use row `n` of the input as its header row (`0`: there is none).
    SetHeaderRow(u32),
    /// The clerk says row 1 is the header row although it looks like data.
    ConfirmHeader,
    /// 「データを消去」 (`confirmed`: the clerk said yes).
    ClearData {
        /// Asked already.
        confirmed: bool,
    },
    /// Save the municipality master template.
    MasterTemplate,
    /// Leave sheet row `n` out of the upload.
    ExcludeRow(u32),
    /// Redo the last change undone.
    Redo,
    /// Set a block of cells of the grid's selected range.
    SetCells(Vec<(CellRef, String)>, BlockEdit),
    /// A copy of a range wider than the rows loaded was refused.
    RangeTooLarge,
    /// 「同じ値のセルをすべて直す」: the offer made after the last hand correction.
    FixSame(SameFix),
    /// Replace a text in every cell of a column.
    Replace {
        /// 1-based column.
        col: u32,
        /// Text to find.
        find: String,
        /// Replacement.
        replace: String,
    },
    /// Map source value `from` of a code field to code `to` (`""`: no mapping).
    SetValue {
        /// Field id.
        field: String,
        /// Source value.
        from: String,
        /// Code.
        to: String,
    },
    /// Fill field `field` with `value` in every row (`""`: not filled).
    SetConstant {
        /// Field id.
        field: String,
        /// The value.
        value: String,
    },
    /// Column `col` becomes `target`.
    SetTarget {
        /// 0-based source column.
        col: usize,
        /// What it becomes.
        target: Target,
    },
    /// Use the saved mapping at this index, or the automatic matching.
    UseSaved(Option<usize>),
    /// Use a mapping (saved or imported).
    UseMapping(ColumnMapping),
    /// The name to save the mapping under.
    SetMappingName(String),
    /// Save the mapping under its name.
    SaveMapping,
    /// Delete a saved mapping.
    DeleteSaved(String),
    /// The saved mappings were written to storage.
    SavedWritten {
        /// The list now stored.
        saved: Rc<Vec<ColumnMapping>>,
        /// The mapping saved (to use now), or `None` after a delete.
        used: Option<ColumnMapping>,
        /// Column names left out of the stored copy because they look like data.
        left_out: usize,
    },
    /// Download the mapping as JSON.
    ExportMapping,
    /// The user gave a mapping JSON to import.
    ImportMapping(Handle, String),
    /// Read another sheet of the workbook.
    Sheet(Option<String>),
    /// Check with the mapping shown.
    Check,
    /// Show another step.
    GoTo(Screen),
    /// Clear the error and the status line.
    Dismiss,
    /// Show other rows in the grid.
    SetFilter(Filter),
    /// Rows `first..first + visible` of the view are on screen.
    Need {
        /// First visible index.
        first: u32,
        /// Visible rows.
        visible: u32,
    },
    /// The focused cell.
    Activate(Active),
    /// Bring a cell into view.
    Jump(CellRef),
    /// Set a cell.
    Edit(CellRef, String),
    /// Paste cells copied from Excel (the clipboard's text) with their top-left corner here.
    PasteCells(CellRef, String),
    /// Apply the repair of finding `code` to one cell, or to every cell with it.
    Repair(CellRef, String, bool),
    /// Undo the last change.
    Undo,
    /// Show a page of the findings list.
    List(Option<String>, u32),
    /// The user asked for a download.
    Download(DownloadKind),
    /// The user answered the download question.
    Confirm(bool),
    /// A download was handed to the browser (`Ok`) or refused.
    Saved(Result<String, String>),
    /// Benchmark: time the checker `n` times (`window.pmhBench`).
    Bench(u32),
    /// localStorage refused a write.
    StorageFailed,
    /// The user gave the official template (an .xlsx of the ファイル設計書 or a CSV whose first
    /// row is the official header) (file, name).
    TemplateFile(Handle, String),
    /// The template was read: (name, bytes), or the name and the browser's error.
    TemplateRead(Result<NamedBytes, (String, String)>),
    /// The layout derived from a template, as stored (`None`: none stored).
    TemplateRestored(Option<String>),
    /// The derived layout was written to storage.
    TemplateStored,
    /// Forget the stored template layout (and use the 全件 layout).
    ForgetTemplate,
    /// The user gave a file for 「差分履歴ファイルを作る」 (file, name).
    DiffFile(DiffSlot, Handle, String),
    /// That file was read: (name, bytes), or the name and the browser's error.
    DiffFileRead(DiffSlot, Result<NamedBytes, (String, String)>),
    /// The user removed that file.
    ClearDiffFile(DiffSlot),
    /// Make the 差分履歴 file; `true` once the user confirmed the deletions the guard refused.
    MakeDiff(bool),
    /// Save a file of the 差分履歴 made (`DiffCsv` or `DiffState`).
    SaveDiff(DownloadKind),
}

/// Something for the executor to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Start a worker (terminating any previous one).
    SpawnWorker,
    /// Post a request to the worker.
    Post {
        /// The request's id (to report a failure to post).
        job: JobId,
        /// The request.
        request: ToWorker,
        /// Bytes beside it.
        bytes: Option<Payload>,
    },
    /// Read an input file into a JS buffer and post it with `Load` (never entering this
    /// thread's wasm memory); [`Action::ReadFailed`] if the browser cannot read it.
    LoadFile {
        /// The request.
        job: JobId,
        /// The `File`.
        file: Handle,
        /// Where it comes from.
        source: InputSource,
    },
    /// Read a user file as text; answers [`Action::TextRead`].
    ReadText {
        /// The `File`.
        file: Handle,
        /// Its name.
        name: String,
        /// What it is for.
        purpose: TextFile,
    },
    /// Read master files; answers [`Action::MastersRead`].
    ReadMasters(Vec<(Handle, String)>),
    /// Read the previous upload; answers [`Action::PreviousRead`].
    ReadPrevious(Handle, String),
    /// Read the official template; answers [`Action::TemplateRead`].
    ReadTemplate(Handle, String),
    /// Remove a localStorage value.
    Unstore(&'static str),
    /// Read a file of 「差分履歴ファイルを作る」; answers [`Action::DiffFileRead`].
    ReadDiffFile(DiffSlot, Handle, String),
    /// Read the saved mappings from localStorage; answers [`Action::SavedRead`].
    ReadSaved,
    /// Write a localStorage value; then `then`, or [`Action::StorageFailed`].
    Store {
        /// Key.
        key: &'static str,
        /// Value.
        value: String,
        /// What to apply once written.
        then: Box<Action>,
    },
    /// Save a file through a `blob:` link; answers [`Action::Saved`] when `report`.
    Download {
        /// File name.
        name: String,
        /// MIME type.
        mime: String,
        /// The bytes.
        data: Payload,
        /// Say so in the status line.
        report: bool,
    },
    /// Ask a yes/no question in the browser's dialog; on yes, apply `yes`.
    Ask {
        /// The question.
        question: Text,
        /// What to do on yes.
        yes: Box<Action>,
    },
    /// A performance mark (read by the benchmark).
    Mark(&'static str),
    /// Give the benchmark script its timings (`window.__pmhBench`, JSON).
    PublishBench(String),
    /// `<html lang>` and the window title.
    Document(Lang),
    /// Ask before the page is closed or reloaded (edits would be lost), or stop asking.
    GuardUnload(bool),
    /// Once the screen is drawn: focus the element with this id and set a mark.
    FocusLater(&'static str, &'static str),
}

impl ResultsState {
    /// The view request for the grid's current view from `start`, with the findings list
    /// page (`list`) and a jump.
    pub fn view_req(&self, start: u32, list: Option<ListReq>, jump: Option<CellRef>) -> ViewReq {
        ViewReq {
            window: WindowReq {
                filter: self.window.filter.clone(),
                start,
                count: WINDOW_ROWS,
            },
            list,
            jump,
        }
    }

    /// The findings list page shown now (to ask for it again after a change).
    pub fn list_req(&self) -> ListReq {
        ListReq {
            code: self.list.code.clone(),
            offset: self.list.offset,
            limit: LIST_PAGE,
        }
    }

    /// Whether the upload CSV was saved for the data as it is now.
    pub fn upload_saved(&self) -> UploadSaved {
        match self.upload_saved {
            None => UploadSaved::No,
            Some(changes) if changes == self.summary.changes => UploadSaved::Current,
            Some(_) => UploadSaved::Stale,
        }
    }

    /// The loaded grid row with sheet row `row`.
    pub fn row(&self, row: u32) -> Option<&GridRow> {
        self.window.rows.iter().find(|g| g.row == row)
    }

    /// The findings of a cell (and of its row as a whole), most serious first.
    pub fn findings_of(&self, cell: CellRef) -> Vec<FindingView> {
        let Some(row) = self.row(cell.row) else {
            return Vec::new();
        };
        let mut out: Vec<FindingView> = row
            .marks
            .iter()
            .filter(|m| m.col == cell.col || m.col == 0)
            .flat_map(|m| m.findings.iter().cloned())
            .collect();
        out.sort_by_key(|f| f.severity);
        out
    }
}

/// The window to ask for so that rows `first..first + visible` are loaded with a margin, or
/// `None` if they are (or a request for them is under way).
pub fn window_needed(
    window: &Window,
    requested: Option<u32>,
    first: u32,
    visible: u32,
) -> Option<u32> {
    let total = window.total;
    if total == 0 {
        return None;
    }
    let want_start = first.saturating_sub(MARGIN_ROWS);
    let want_end = (first + visible + MARGIN_ROWS).min(total);
    let have_start = window.start;
    let have_end = window.start + window.rows.len() as u32;
    let covered = have_start <= want_start && want_end <= have_end;
    if covered {
        return None;
    }
    // Centre the new window on the visible rows.
    let start = first
        .saturating_sub((WINDOW_ROWS.saturating_sub(visible)) / 2)
        .min(total.saturating_sub(WINDOW_ROWS));
    if let Some(pending) = requested {
        let pending_end = pending + WINDOW_ROWS;
        if pending <= want_start && want_end <= pending_end.min(total) {
            return None;
        }
    }
    Some(start)
}

mod reduce;
#[cfg(test)]
mod tests;
