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

use pmh_core::master::Masters;
use pmh_core::{ColumnMapping, Layout};

use crate::error::{AppError, Notice};
use crate::mapping::{self, Target};
use crate::protocol::{
    CellRef, DownloadKind, Filter, FindingView, FindingsPage, FromWorker, GridRow, InputSource,
    JobId, LayoutSpec, ListReq, Msg, Phase, Preview, ReportLang, Summary, ToWorker, ViewData,
    ViewReq, Window, WindowReq,
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
    /// The user gave a layout file.
    LayoutFile(Handle, String),
    /// The user gave master files (file, name).
    MasterFiles(Vec<(Handle, String)>),
    /// The master files were read: (name, bytes), or the name and the browser's error.
    MastersRead(Result<Vec<NamedBytes>, (String, String)>),
    /// The user removed the masters.
    ClearMasters,
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

/// Extensions of the files the page reads as input.
fn accepted_input(name: &str) -> bool {
    let lower = name.to_lowercase();
    [".csv", ".tsv", ".txt", ".xlsx", ".xlsm"]
        .iter()
        .any(|ext| lower.ends_with(ext))
        || !lower.contains('.')
}

/// One request to the worker.
fn post(job: JobId, request: ToWorker, bytes: Option<Payload>) -> Vec<Effect> {
    vec![Effect::Post {
        job,
        request,
        bytes,
    }]
}

/// A new input replaces the data: ask first when it was edited.
fn ask_discard(yes: Action) -> Vec<Effect> {
    vec![Effect::Ask {
        question: Text::DiscardChanges,
        yes: Box::new(yes),
    }]
}

impl State {
    /// Applies one action and returns what to do next. Answers about requests that are no
    /// longer current are ignored.
    pub fn update(&mut self, action: Action, now: &Now) -> Vec<Effect> {
        let before = (self.lang, self.screen, self.edited());
        let mut fx = match action {
            Action::Started => {
                vec![
                    Effect::ReadSaved,
                    Effect::SpawnWorker,
                    Effect::Document(self.lang),
                ]
            }
            Action::SetLang(lang) => {
                self.lang = lang;
                Vec::new()
            }
            Action::SpawnFailed(detail) => {
                self.busy = None;
                self.worker = WorkerStatus::Failed(detail);
                Vec::new()
            }
            Action::Worker(message, bytes) => self.on_worker(*message, bytes, now.ms),
            Action::PostFailed { job, detail } => {
                if self.busy_with(job) {
                    self.busy = None;
                }
                self.edit_results(|r| r.requested = None);
                self.fail(AppError::Unreachable { detail })
            }
            Action::PickLayout(_)
            | Action::LayoutFile(..)
            | Action::MasterFiles(_)
            | Action::MastersRead(_)
            | Action::ClearMasters => self.on_settings(action),
            Action::TextRead {
                purpose,
                name,
                result,
            } => self.on_text(purpose, name, result),
            Action::Paste { .. } | Action::OpenFile { .. } | Action::ReadFailed { .. } => {
                self.on_input(action, now)
            }
            Action::SavedRead(stored) => {
                self.saved = Rc::new(stored.map(|s| mapping::parse_store(&s)).unwrap_or_default());
                Vec::new()
            }
            Action::SetTarget { .. }
            | Action::UseSaved(_)
            | Action::UseMapping(_)
            | Action::SetMappingName(_)
            | Action::SaveMapping
            | Action::DeleteSaved(_)
            | Action::SavedWritten { .. }
            | Action::ExportMapping
            | Action::ImportMapping(..)
            | Action::Sheet(_)
            | Action::Check => self.on_mapping(action, now),
            Action::GoTo(screen) => {
                self.go_to(screen);
                Vec::new()
            }
            Action::Dismiss => {
                self.error = None;
                self.notice = None;
                Vec::new()
            }
            Action::SetFilter(_)
            | Action::Need { .. }
            | Action::Activate(_)
            | Action::Jump(_)
            | Action::List(..) => self.on_view(action),
            Action::Edit(..) | Action::Repair(..) | Action::Undo => self.on_change(action, now),
            Action::Download(_) | Action::Confirm(_) => self.on_download(action, now),
            Action::Saved(Ok(name)) => self.tell(Notice::Downloaded(name)),
            Action::Saved(Err(detail)) => self.fail(AppError::SaveFailed { detail }),
            Action::Bench(repeats) => {
                let job = self.job();
                post(job, ToWorker::Bench { job, repeats }, None)
            }
            Action::StorageFailed => self.fail(AppError::StorageFailed),
        };
        fx.extend(self.document_effects(before));
        fx
    }

    /// Applies one action, dropping its effects (tests, and chains of answers).
    #[must_use]
    pub fn reduce(mut self, action: Action) -> State {
        let _ = self.update(action, &Now::default());
        self
    }

    /// Effects that follow from what changed on screen.
    fn document_effects(&self, (lang, screen, edited): (Lang, Screen, bool)) -> Vec<Effect> {
        let mut fx = Vec::new();
        if self.lang != lang {
            fx.push(Effect::Document(self.lang));
        }
        if self.edited() != edited {
            fx.push(Effect::GuardUnload(self.edited()));
        }
        if self.screen != screen {
            // Move the focus to the heading of a step when it is shown.
            match self.screen {
                Screen::Input => {}
                Screen::Mapping => {
                    fx.push(Effect::FocusLater("mapping-heading", "pmh:mapping-shown"));
                }
                Screen::Results => {
                    fx.push(Effect::FocusLater("results-heading", "pmh:results-shown"));
                }
            }
        }
        fx
    }

    /// Whether cells were changed since the check (closing the page would lose them).
    pub fn edited(&self) -> bool {
        self.results.as_ref().is_some_and(|r| r.summary.changes > 0)
    }

    fn job(&mut self) -> JobId {
        self.last_job = self.last_job.wrapping_add(1);
        JobId(self.last_job)
    }

    fn fail(&mut self, error: AppError) -> Vec<Effect> {
        self.error = Some(error);
        self.notice = None;
        Vec::new()
    }

    fn tell(&mut self, notice: Notice) -> Vec<Effect> {
        self.notice = Some(notice);
        self.error = None;
        Vec::new()
    }

    fn start(&mut self, job: JobId, task: Task, total: u64, reading: bool, at_ms: u64) {
        self.busy = Some(Busy {
            job,
            task,
            reading,
            phase: None,
            done: 0,
            total,
            started_ms: at_ms,
        });
    }

    fn go_to(&mut self, screen: Screen) {
        let possible = match screen {
            Screen::Input => true,
            Screen::Mapping => self.mapping.is_some(),
            Screen::Results => self.results.is_some(),
        };
        if possible {
            self.screen = screen;
            self.error = None;
        }
    }

    /// The worker request that configures the current layout and masters.
    fn configure(&self) -> Effect {
        let files = &self.config.masters;
        let mut bytes = Vec::new();
        for f in files {
            bytes.extend_from_slice(&f.bytes);
        }
        let request = ToWorker::Configure {
            layout: self.config.spec(),
            masters: files.iter().map(|f| f.name.clone()).collect(),
            lens: files
                .iter()
                .map(|f| u32::try_from(f.bytes.len()).unwrap_or(u32::MAX))
                .collect(),
        };
        Effect::Post {
            job: JobId(0),
            request,
            bytes: (!bytes.is_empty()).then(|| Payload::Bytes(Rc::from(bytes))),
        }
    }

    /// Layout and master choices.
    fn on_settings(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::PickLayout(choice) => {
                let layout = match choice {
                    LayoutChoice::Full => Layout::full(),
                    LayoutChoice::Diff => Layout::diff(),
                    LayoutChoice::Custom => {
                        let Some(custom) = &self.config.custom else {
                            return Vec::new();
                        };
                        match Layout::from_toml(&custom.toml) {
                            Ok(l) => l,
                            Err(e) => {
                                return self.fail(AppError::Layout {
                                    name: None,
                                    reason: text::core_error(text::CoreError::Config(&e)),
                                });
                            }
                        }
                    }
                };
                let had_input = self.mapping.is_some();
                let fx = self.set_layout(choice, Rc::new(layout), None);
                if had_input {
                    self.tell(Notice::ConfigChanged);
                }
                fx
            }
            Action::LayoutFile(file, name) => vec![Effect::ReadText {
                file,
                name,
                purpose: TextFile::Layout,
            }],
            Action::MasterFiles(files) => vec![Effect::ReadMasters(files)],
            Action::MastersRead(Err((name, detail))) => self.fail(AppError::ReadFailed {
                name: Some(name),
                detail,
            }),
            Action::MastersRead(Ok(files)) => {
                // Validated here for an immediate message; the worker loads the same bytes.
                let inputs = files.iter().map(|(n, b)| (n.as_str(), b.as_slice()));
                match Masters::from_files(inputs) {
                    Ok(m) => {
                        let files = files
                            .into_iter()
                            .map(|(name, bytes)| MasterFile {
                                name,
                                bytes: Rc::from(bytes),
                            })
                            .collect();
                        self.set_masters(files, Some(text::masters_summary(&m)))
                    }
                    Err(e) => self.fail(AppError::Masters(text::core_error(
                        text::CoreError::Config(&e),
                    ))),
                }
            }
            Action::ClearMasters => self.set_masters(Vec::new(), None),
            _ => Vec::new(),
        }
    }

    fn set_layout(
        &mut self,
        choice: LayoutChoice,
        layout: Rc<Layout>,
        custom: Option<CustomLayout>,
    ) -> Vec<Effect> {
        let changed = !Rc::ptr_eq(&self.config.layout.0, &layout);
        self.config.choice = choice;
        self.config.layout = LayoutRef(layout);
        if custom.is_some() {
            self.config.custom = custom;
        }
        self.error = None;
        self.config_changed(changed);
        vec![self.configure()]
    }

    fn set_masters(&mut self, files: Vec<MasterFile>, summary: Option<Msg>) -> Vec<Effect> {
        self.config.masters = files;
        self.config.masters_summary = summary;
        self.error = None;
        self.config_changed(false);
        vec![self.configure()]
    }

    /// A layout or mapping file read as text.
    fn on_text(
        &mut self,
        purpose: TextFile,
        name: String,
        result: Result<String, String>,
    ) -> Vec<Effect> {
        let text = match result {
            Ok(text) => text,
            Err(detail) => {
                return self.fail(AppError::ReadFailed {
                    name: Some(name),
                    detail,
                });
            }
        };
        match purpose {
            TextFile::Layout => match Layout::from_toml(&text) {
                Ok(layout) => {
                    let custom = CustomLayout {
                        name,
                        toml: Rc::from(text.as_str()),
                    };
                    self.set_layout(LayoutChoice::Custom, Rc::new(layout), Some(custom))
                }
                Err(e) => self.fail(AppError::Layout {
                    name: Some(name),
                    reason: text::core_error(text::CoreError::Config(&e)),
                }),
            },
            TextFile::Mapping => {
                let layout = self.config.layout.0.clone();
                match ColumnMapping::from_json(text.trim_start_matches('\u{FEFF}'), &layout) {
                    Ok(m) => {
                        let fx = self.on_mapping(Action::UseMapping(m), &Now::default());
                        self.tell(Notice::MappingImported);
                        fx
                    }
                    Err(e) => self.fail(AppError::Mapping {
                        name: Some(name),
                        reason: text::core_error(text::CoreError::Config(&e)),
                    }),
                }
            }
        }
    }

    /// A new input: pasted text or a file.
    fn on_input(&mut self, action: Action, now: &Now) -> Vec<Effect> {
        match action {
            Action::Paste {
                bytes,
                len,
                confirmed,
            } => {
                if self.edited() && !confirmed {
                    return ask_discard(Action::Paste {
                        bytes,
                        len,
                        confirmed: true,
                    });
                }
                let job = self.job();
                self.error = None;
                self.notice = None;
                self.start(job, Task::Load(InputSource::Paste), len, false, now.ms);
                let request = ToWorker::Load {
                    job,
                    source: InputSource::Paste,
                    sheet: None,
                };
                let mut fx = vec![Effect::Mark("pmh:input")];
                fx.extend(post(job, request, Some(Payload::Js(bytes))));
                fx
            }
            Action::OpenFile {
                file,
                name,
                size,
                confirmed,
            } => {
                if self.edited() && !confirmed {
                    return ask_discard(Action::OpenFile {
                        file,
                        name,
                        size,
                        confirmed: true,
                    });
                }
                if !accepted_input(&name) {
                    return self.fail(AppError::FileType { name });
                }
                let job = self.job();
                let source = InputSource::File { name };
                self.error = None;
                self.notice = None;
                self.start(job, Task::Load(source.clone()), size, true, now.ms);
                vec![
                    Effect::Mark("pmh:input"),
                    Effect::LoadFile { job, file, source },
                ]
            }
            Action::ReadFailed { job, detail } => {
                if self.busy_with(job) {
                    self.busy = None;
                    return self.fail(AppError::ReadFailed { name: None, detail });
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// The mapping as a mapping file says it.
    pub fn current_mapping(&self) -> Option<ColumnMapping> {
        let m = self.mapping.as_ref()?;
        Some(mapping::to_mapping(
            &m.name,
            &self.config.layout.0,
            &m.preview.headers,
            &m.targets,
        ))
    }

    /// The column mapping screen.
    fn on_mapping(&mut self, action: Action, now: &Now) -> Vec<Effect> {
        let layout = self.config.layout.0.clone();
        match action {
            Action::SetTarget { col, target } => self.edit_mapping(|m| {
                mapping::set_target(&m.preview.headers, &mut m.targets, col, &target);
                m.suggestions = mapping::suggestions(&layout, &m.preview.headers, &m.targets);
            }),
            Action::UseSaved(index) => match index.and_then(|i| self.saved.get(i)) {
                // Field ids that the current layout lacks are reported, not guessed.
                Some(m) => match ColumnMapping::from_json(&m.to_json(), &layout) {
                    Ok(m) => return self.on_mapping(Action::UseMapping(m), now),
                    Err(e) => {
                        return self.fail(AppError::Mapping {
                            name: None,
                            reason: text::core_error(text::CoreError::Config(&e)),
                        });
                    }
                },
                None => self.auto_mapping(),
            },
            Action::UseMapping(chosen) => {
                let name = chosen.name.clone();
                self.edit_mapping(|m| {
                    m.targets = mapping::targets(&layout, &m.preview.headers, Some(&chosen));
                    m.suggestions = mapping::suggestions(&layout, &m.preview.headers, &m.targets);
                    m.applied = (!name.is_empty()).then(|| name.clone());
                    if !name.is_empty() {
                        m.name = name.clone();
                    }
                });
            }
            Action::SetMappingName(name) => self.edit_mapping(|m| m.name = name),
            Action::SaveMapping => return self.save_mapping(),
            Action::DeleteSaved(name) => {
                let saved = mapping::remove(&self.saved, &name, &layout.id);
                return vec![Effect::Store {
                    key: mapping::STORE_KEY,
                    value: mapping::store_json(&saved),
                    then: Box::new(Action::SavedWritten {
                        saved: Rc::new(saved),
                        used: None,
                    }),
                }];
            }
            Action::SavedWritten { saved, used } => {
                self.saved = saved;
                match used {
                    Some(m) => {
                        let name = m.name.clone();
                        let fx = self.on_mapping(Action::UseMapping(m), now);
                        self.tell(Notice::MappingSaved(name));
                        return fx;
                    }
                    None => {
                        self.auto_mapping();
                        return self.tell(Notice::MappingDeleted);
                    }
                }
            }
            Action::ExportMapping => return self.export_mapping(),
            Action::ImportMapping(file, name) => {
                return vec![Effect::ReadText {
                    file,
                    name,
                    purpose: TextFile::Mapping,
                }];
            }
            Action::Sheet(sheet) => return self.read_sheet(sheet, now),
            Action::Check => return self.check(now),
            _ => {}
        }
        Vec::new()
    }

    fn auto_mapping(&mut self) {
        let layout = self.config.layout.0.clone();
        self.edit_mapping(|m| {
            m.targets = mapping::targets(&layout, &m.preview.headers, None);
            m.suggestions = mapping::suggestions(&layout, &m.preview.headers, &m.targets);
            m.applied = None;
        });
    }

    fn save_mapping(&mut self) -> Vec<Effect> {
        let Some(m) = self.current_mapping() else {
            return Vec::new();
        };
        if m.name.is_empty() {
            return self.fail(AppError::NameNeeded);
        }
        let saved = mapping::upsert(&self.saved, m.clone());
        vec![Effect::Store {
            key: mapping::STORE_KEY,
            value: mapping::store_json(&saved),
            then: Box::new(Action::SavedWritten {
                saved: Rc::new(saved),
                used: Some(m),
            }),
        }]
    }

    fn export_mapping(&mut self) -> Vec<Effect> {
        let Some(m) = self.current_mapping() else {
            return Vec::new();
        };
        let stem = if m.name.is_empty() {
            "mapping".to_owned()
        } else {
            m.name.clone()
        };
        let mut json = m.to_json();
        json.push('\n');
        vec![Effect::Download {
            name: format!("{stem}.json"),
            mime: "application/json".into(),
            data: Payload::Text(json),
            report: false,
        }]
    }

    fn read_sheet(&mut self, sheet: Option<String>, now: &Now) -> Vec<Effect> {
        let Some(source) = self.mapping.as_ref().and_then(|m| m.preview.source.clone()) else {
            return Vec::new();
        };
        let job = self.job();
        self.error = None;
        self.notice = None;
        self.start(job, Task::Load(source.clone()), 0, false, now.ms);
        post(job, ToWorker::Load { job, source, sheet }, None)
    }

    fn check(&mut self, now: &Now) -> Vec<Effect> {
        let Some(m) = self.current_mapping() else {
            return Vec::new();
        };
        let job = self.job();
        self.error = None;
        self.notice = None;
        self.start(job, Task::Check, 0, false, now.ms);
        let view = ViewReq {
            window: WindowReq {
                filter: Filter::All,
                start: 0,
                count: WINDOW_ROWS,
            },
            list: Some(ListReq {
                code: None,
                offset: 0,
                limit: LIST_PAGE,
            }),
            jump: None,
        };
        let mut fx = vec![Effect::Mark("pmh:check")];
        fx.extend(post(
            job,
            ToWorker::Check {
                job,
                mapping: m.to_json(),
                view,
            },
            None,
        ));
        fx
    }

    /// What the results screen shows: filter, scrolling, focus, jumps, list pages.
    fn on_view(&mut self, action: Action) -> Vec<Effect> {
        let Some(results) = self.results.clone() else {
            return Vec::new();
        };
        match action {
            Action::SetFilter(filter) => {
                self.edit_results(|r| {
                    let window = Rc::make_mut(&mut r.window);
                    window.filter = filter;
                    window.start = 0;
                    window.rows.clear();
                    r.requested = Some(0);
                    r.active = None;
                });
                self.view(0, None, None)
            }
            Action::Need { first, visible } => {
                match window_needed(&results.window, results.requested, first, visible) {
                    Some(start) => {
                        self.edit_results(|r| r.requested = Some(start));
                        self.view(start, None, None)
                    }
                    None => Vec::new(),
                }
            }
            Action::Activate(active) => {
                self.edit_results(|r| r.active = Some(active));
                Vec::new()
            }
            Action::Jump(cell) => self.view(results.window.start, None, Some(cell)),
            Action::List(code, offset) => {
                let list = ListReq {
                    code,
                    offset,
                    limit: LIST_PAGE,
                };
                self.view(results.window.start, Some(list), None)
            }
            _ => Vec::new(),
        }
    }

    /// Asks the worker for a view of the results.
    fn view(&mut self, start: u32, list: Option<ListReq>, jump: Option<CellRef>) -> Vec<Effect> {
        let Some(results) = &self.results else {
            return Vec::new();
        };
        let view = results.view_req(start, list, jump);
        let job = self.job();
        post(job, ToWorker::View { job, view }, None)
    }

    /// Edits, repairs and undo: the worker changes the data and re-checks.
    fn on_change(&mut self, action: Action, now: &Now) -> Vec<Effect> {
        let Some(results) = self.results.clone() else {
            return Vec::new();
        };
        let job = self.job();
        let view = results.view_req(results.window.start, Some(results.list_req()), None);
        let at = now.local.clone();
        let mut fx = Vec::new();
        let request = match action {
            Action::Edit(cell, value) => {
                fx.push(Effect::Mark("pmh:edit"));
                ToWorker::Edit {
                    job,
                    cell,
                    value,
                    at,
                    view,
                }
            }
            Action::Repair(cell, code, all) => {
                // A repair of every cell with a finding can take a moment: show it.
                if all {
                    self.start(job, Task::Change, 0, false, now.ms);
                }
                ToWorker::Repair {
                    job,
                    cell,
                    code,
                    all,
                    at,
                    view,
                }
            }
            _ => ToWorker::Undo { job, at, view },
        };
        fx.extend(post(job, request, None));
        fx
    }

    /// Downloads; upload files ask first while errors remain.
    fn on_download(&mut self, action: Action, now: &Now) -> Vec<Effect> {
        let Some(results) = self.results.clone() else {
            return Vec::new();
        };
        let kind = match action {
            Action::Download(kind) => {
                let upload = matches!(kind, DownloadKind::UploadCsv | DownloadKind::UploadJson);
                if upload && results.summary.errors > 0 {
                    self.edit_results(|r| r.confirm = Some(kind));
                    return Vec::new();
                }
                kind
            }
            Action::Confirm(yes) => {
                self.edit_results(|r| r.confirm = None);
                match (yes, results.confirm) {
                    (true, Some(kind)) => kind,
                    _ => return Vec::new(),
                }
            }
            _ => return Vec::new(),
        };
        let job = self.job();
        self.start(job, Task::Download(kind), 0, false, now.ms);
        let lang = match self.lang {
            Lang::Ja => ReportLang::Ja,
            Lang::En => ReportLang::En,
        };
        let request = ToWorker::Download {
            job,
            kind,
            lang,
            time: now.iso.clone(),
        };
        post(job, request, None)
    }

    /// After a layout or master change: results are void (the worker dropped them); a loaded
    /// input goes back to the mapping step (re-matched if the layout changed).
    fn config_changed(&mut self, layout_changed: bool) {
        self.results = None;
        if layout_changed {
            self.auto_mapping();
        }
        if self.screen == Screen::Results {
            self.screen = Screen::Mapping;
        }
    }

    fn edit_mapping(&mut self, f: impl FnOnce(&mut MappingState)) {
        if let Some(m) = self.mapping.as_mut() {
            f(Rc::make_mut(m));
        }
    }

    fn edit_results(&mut self, f: impl FnOnce(&mut ResultsState)) {
        if let Some(r) = self.results.as_mut() {
            f(Rc::make_mut(r));
        }
    }

    fn busy_with(&self, job: JobId) -> bool {
        self.busy.as_ref().is_some_and(|b| b.job == job)
    }

    fn on_worker(&mut self, message: FromWorker, bytes: Option<Handle>, at_ms: u64) -> Vec<Effect> {
        match message {
            FromWorker::Ready => {
                self.worker = WorkerStatus::Ready;
                return vec![self.configure()];
            }
            FromWorker::BootFailed { message } => {
                self.busy = None;
                self.worker = WorkerStatus::Failed(message);
            }
            FromWorker::Panicked { .. } => {
                // The data the worker held is gone. A worker that had been ready is replaced.
                let respawn = self.worker == WorkerStatus::Ready;
                self.busy = None;
                self.worker = WorkerStatus::Starting;
                self.mapping = None;
                self.results = None;
                self.screen = Screen::Input;
                self.fail(AppError::WorkerPanicked);
                return if respawn {
                    vec![Effect::SpawnWorker]
                } else {
                    Vec::new()
                };
            }
            FromWorker::Progress {
                job,
                phase,
                done,
                total,
            } => {
                if let Some(b) = self.busy.as_mut().filter(|b| b.job == job) {
                    b.reading = false;
                    b.phase = Some(phase);
                    b.total = total;
                    b.done = done.min(total);
                }
            }
            FromWorker::ConfigFailed { error } => {
                self.error = Some(AppError::Worker(error));
            }
            FromWorker::Loaded { job, preview } => {
                self.on_loaded(job, preview);
                return vec![Effect::Mark("pmh:loaded")];
            }
            FromWorker::Checked {
                job,
                summary,
                view,
                worker_ms,
            } => {
                self.on_checked(job, summary, view, worker_ms, at_ms);
                return vec![Effect::Mark("pmh:checked")];
            }
            FromWorker::Viewed { view, .. } => self.apply_view(view),
            FromWorker::Changed {
                job,
                summary,
                view,
                cells,
                recheck_ms,
            } => {
                if self.busy_with(job) {
                    self.busy = None;
                }
                self.edit_results(|r| {
                    r.summary = Rc::new(summary);
                    r.last_change = Some((cells, recheck_ms));
                });
                self.apply_view(view);
                return vec![Effect::Mark("pmh:changed")];
            }
            FromWorker::File {
                job, name, mime, ..
            } => return self.on_file(job, name, mime, bytes),
            FromWorker::Benched {
                bytes,
                rows,
                runs_ms,
                ..
            } => {
                // For the benchmark script (tests/e2e/bench.mjs).
                let value = serde_json::json!({ "bytes": bytes, "rows": rows, "runs_ms": runs_ms });
                return vec![Effect::PublishBench(value.to_string())];
            }
            FromWorker::Failed { job, error } => {
                if self.busy_with(job) {
                    self.busy = None;
                }
                self.edit_results(|r| r.requested = None);
                self.fail(AppError::Worker(error));
            }
        }
        Vec::new()
    }

    fn on_loaded(&mut self, job: JobId, preview: Preview) {
        if !self.busy_with(job) {
            return;
        }
        self.busy = None;
        let layout = self.config.layout.0.clone();
        let saved = mapping::best_saved(&self.saved, &layout.id, &preview.headers)
            .and_then(|i| self.saved.get(i));
        let targets = mapping::targets(&layout, &preview.headers, saved);
        let suggestions = mapping::suggestions(&layout, &preview.headers, &targets);
        let applied = saved.map(|m| m.name.clone());
        self.mapping = Some(Rc::new(MappingState {
            preview: Rc::new(preview),
            targets,
            suggestions,
            name: applied.clone().unwrap_or_default(),
            applied,
        }));
        self.results = None;
        self.screen = Screen::Mapping;
    }

    fn on_checked(
        &mut self,
        job: JobId,
        summary: Summary,
        view: ViewData,
        worker_ms: f64,
        at_ms: u64,
    ) {
        let Some(busy) = self.busy.take_if(|b| b.job == job) else {
            return;
        };
        self.results = Some(Rc::new(ResultsState {
            summary: Rc::new(summary),
            window: Rc::new(view.window),
            requested: None,
            list: Rc::new(view.list.unwrap_or_default()),
            active: None,
            scroll_nonce: 0,
            confirm: None,
            last_change: None,
            check_ms: (worker_ms, at_ms.saturating_sub(busy.started_ms)),
            upload_saved: None,
        }));
        self.screen = Screen::Results;
    }

    /// A download is ready: save it if it is the one being waited for.
    fn on_file(
        &mut self,
        job: JobId,
        name: String,
        mime: String,
        bytes: Option<Handle>,
    ) -> Vec<Effect> {
        let Some(busy) = self.busy.take_if(|b| b.job == job) else {
            return Vec::new();
        };
        if busy.task == Task::Download(DownloadKind::UploadCsv) {
            self.edit_results(|r| r.upload_saved = Some(r.summary.changes));
        }
        match bytes {
            Some(bytes) => vec![Effect::Download {
                name,
                mime,
                data: Payload::Js(bytes),
                report: true,
            }],
            None => Vec::new(),
        }
    }

    /// Applies a view answer to the results.
    fn apply_view(&mut self, view: ViewData) {
        self.edit_results(|r| {
            let window = view.window;
            if r.requested == Some(window.start) || view.jumped.is_some() {
                r.requested = None;
            }
            if let Some(jumped) = view.jumped {
                r.active = Some(Active {
                    index: jumped.index,
                    cell: jumped.cell,
                });
                r.scroll_nonce = r.scroll_nonce.wrapping_add(1);
            } else if let Some(active) = r.active.as_mut() {
                // Keep the focused cell on its row if the row is still shown, else on the
                // row now at its place.
                if let Some(k) = window.rows.iter().position(|g| g.row == active.cell.row) {
                    active.index = window.start + k as u32;
                } else if let Some(g) = active
                    .index
                    .checked_sub(window.start)
                    .and_then(|k| window.rows.get(k as usize))
                {
                    active.cell.row = g.row;
                }
            }
            if window.filter != r.window.filter && window.total > 0 {
                r.active = r.active.filter(|_| view.jumped.is_some());
            }
            r.window = Rc::new(window);
            if let Some(list) = view.list {
                r.list = Rc::new(list);
            }
        });
    }

    /// Whether a long job is under way.
    pub fn is_busy(&self) -> bool {
        self.busy.is_some()
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::WorkerError;
    use crate::protocol::{Jumped, Mark, Sev};

    fn preview(headers: &[&str]) -> Preview {
        Preview {
            source: Some(InputSource::Paste),
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            samples: vec![Vec::new(); headers.len()],
            rows: 2,
            ..Preview::default()
        }
    }

    fn worker(message: FromWorker) -> Action {
        Action::Worker(Box::new(message), None)
    }

    /// A paste, started at 1,000 ms (job ids count up from 1).
    fn load(job: u32) -> Action {
        let _ = job;
        Action::Paste {
            bytes: Handle::new(()),
            len: 100,
            confirmed: false,
        }
    }

    fn at(ms: u64) -> Now {
        Now {
            ms,
            local: "2025-04-01 09:30:15".into(),
            iso: "2025-04-01T00:30:15.000Z".into(),
        }
    }

    /// Applies `action` as job `job` (the next id handed out) at 1,000 ms, with its effects.
    fn step(mut state: State, job: u32, action: Action) -> (State, Vec<Effect>) {
        state.last_job = job - 1;
        let fx = state.update(action, &at(1_000));
        (state, fx)
    }

    fn as_job(state: State, job: u32, action: Action) -> State {
        step(state, job, action).0
    }

    fn grid_row(row: u32) -> GridRow {
        GridRow {
            row,
            cells: vec!["a".into(), "b".into()],
            blank: false,
            marks: vec![Mark {
                col: 2,
                severity: Sev::Error,
                findings: vec![finding("N001", Sev::Error)],
            }],
        }
    }

    fn finding(code: &str, severity: Sev) -> FindingView {
        FindingView {
            code: code.into(),
            severity,
            row: Some(2),
            col: Some(2),
            field: None,
            title: Msg::default(),
            message: Msg::new("m", "m"),
            hint: Msg::default(),
            repair: None,
        }
    }

    fn view(filter: Filter, start: u32, rows: std::ops::Range<u32>, total: u32) -> ViewData {
        ViewData {
            window: Window {
                filter,
                start,
                total,
                rows: rows.map(grid_row).collect(),
            },
            list: Some(FindingsPage::default()),
            jumped: None,
        }
    }

    fn run(actions: impl IntoIterator<Item = Action>) -> State {
        actions.into_iter().fold(State::default(), |mut s, a| {
            let _ = s.update(a, &at(1_000));
            s
        })
    }

    fn to_results() -> State {
        let state = run([
            worker(FromWorker::Ready),
            load(1),
            worker(FromWorker::Loaded {
                job: JobId(1),
                preview: preview(&["個人番号", "氏名", "メモ"]),
            }),
            Action::Check,
        ]);
        let mut state = state;
        let _ = state.update(
            worker(FromWorker::Checked {
                job: JobId(2),
                summary: Summary {
                    rows: 300,
                    errors: 1,
                    ..Summary::default()
                },
                view: view(Filter::All, 0, 2..202, 300),
                worker_ms: 120.5,
            }),
            &at(1_500),
        );
        state
    }

    #[test]
    fn starts_on_the_input_step_in_japanese() {
        let state = State::default();
        assert_eq!(state.lang, Lang::Ja);
        assert_eq!(state.worker, WorkerStatus::Starting);
        assert_eq!(state.screen, Screen::Input);
        assert_eq!(state.config.layout.0.id, "full");
        assert_eq!(state.config.spec(), LayoutSpec::Full);
        assert_eq!(run([Action::SetLang(Lang::En)]).lang, Lang::En);
        // Steps that have nothing to show are not reachable.
        assert_eq!(run([Action::GoTo(Screen::Results)]).screen, Screen::Input);
    }

    #[test]
    fn load_shows_the_mapping_with_automatic_targets() {
        let state = run([
            load(1),
            worker(FromWorker::Progress {
                job: JobId(1),
                phase: Phase::Reading,
                done: 500,
                total: 100,
            }),
        ]);
        let busy = state.busy.clone().unwrap();
        assert_eq!((busy.done, busy.phase), (100, Some(Phase::Reading)));
        let state = state.reduce(worker(FromWorker::Loaded {
            job: JobId(1),
            preview: preview(&["個人番号", "氏名", "メモ"]),
        }));
        assert!(!state.is_busy());
        assert_eq!(state.screen, Screen::Mapping);
        let m = state.mapping.clone().unwrap();
        assert_eq!(m.targets[0], Target::Field("myNumber".into()));
        assert_eq!(m.targets[2], Target::Detail);
        assert_eq!(m.applied, None);

        let state = state.reduce(Action::SetTarget {
            col: 2,
            target: Target::Ignore,
        });
        assert_eq!(state.mapping.unwrap().targets[2], Target::Ignore);
    }

    #[test]
    fn a_saved_mapping_is_offered_for_the_same_columns() {
        let layout = Layout::full();
        let headers: Vec<String> = ["番号", "氏名"].iter().map(|s| (*s).to_owned()).collect();
        let saved = mapping::to_mapping(
            "区の様式",
            &layout,
            &headers,
            &[Target::Field("myNumber".into()), Target::Ignore],
        );
        let state = run([
            Action::SavedRead(Some(mapping::store_json(std::slice::from_ref(&saved)))),
            load(1),
            worker(FromWorker::Loaded {
                job: JobId(1),
                preview: preview(&["番号", "氏名"]),
            }),
        ]);
        let m = state.mapping.clone().unwrap();
        assert_eq!(m.applied.as_deref(), Some("区の様式"));
        assert_eq!(m.name, "区の様式");
        assert_eq!(
            m.targets,
            [Target::Field("myNumber".into()), Target::Ignore]
        );
        let auto = state.reduce(Action::UseSaved(None)).mapping.unwrap();
        assert_eq!(auto.applied, None);
        assert_eq!(auto.targets[1], Target::Field("basicFiveInfo.name".into()));
        let again = run([
            load(1),
            worker(FromWorker::Loaded {
                job: JobId(1),
                preview: preview(&["番号", "氏名"]),
            }),
            Action::UseMapping(saved),
        ]);
        assert_eq!(again.mapping.unwrap().applied.as_deref(), Some("区の様式"));
    }

    #[test]
    fn superseded_answers_are_ignored() {
        let state = run([
            load(1),
            load(2),
            worker(FromWorker::Loaded {
                job: JobId(1),
                preview: preview(&["a"]),
            }),
        ]);
        assert!(state.mapping.is_none());
        assert!(state.is_busy());
        let state = state.reduce(worker(FromWorker::Failed {
            job: JobId(1),
            error: WorkerError::NotLoaded,
        }));
        assert!(state.is_busy(), "an old failure does not end the new job");
        assert!(state.error.is_some());
    }

    #[test]
    fn check_results_windows_and_changes() {
        let state = to_results();
        assert_eq!(state.screen, Screen::Results);
        let r = state.results.clone().unwrap();
        assert_eq!(r.check_ms, (120.5, 500));
        assert_eq!(r.window.rows.len(), 200);
        assert_eq!(r.findings_of(CellRef { row: 5, col: 2 })[0].code, "N001");
        assert!(r.findings_of(CellRef { row: 5, col: 1 }).is_empty());
        assert!(r.findings_of(CellRef { row: 900, col: 2 }).is_empty());

        // Focus a cell, then the rows move: it follows its row.
        let state = state.reduce(Action::Activate(Active {
            index: 3,
            cell: CellRef { row: 5, col: 2 },
        }));
        let state = state.reduce(worker(FromWorker::Changed {
            job: JobId(9),
            summary: Summary {
                errors: 0,
                upload_ready: true,
                ..Summary::default()
            },
            view: view(Filter::All, 0, 3..203, 300),
            cells: 1,
            recheck_ms: 2.5,
        }));
        let r = state.results.clone().unwrap();
        assert_eq!(r.active.unwrap().index, 2);
        assert_eq!(r.last_change, Some((1, 2.5)));
        let bulk = as_job(
            state.clone(),
            11,
            Action::Repair(CellRef { row: 5, col: 2 }, "X001".into(), true),
        );
        assert!(bulk.is_busy());
        let bulk = bulk.reduce(worker(FromWorker::Changed {
            job: JobId(11),
            summary: Summary::default(),
            view: view(Filter::All, 0, 2..202, 300),
            cells: 200,
            recheck_ms: 900.0,
        }));
        assert!(!bulk.is_busy());
        assert!(r.summary.upload_ready);

        // A filter clears the rows and asks from the top.
        let state = state.reduce(Action::SetFilter(Filter::Problems));
        let r = state.results.clone().unwrap();
        assert_eq!(r.window.filter, Filter::Problems);
        assert!(r.window.rows.is_empty());
        assert_eq!(r.requested, Some(0));
        assert_eq!(r.view_req(0, None, None).window.filter, Filter::Problems);
        let state = state.reduce(worker(FromWorker::Viewed {
            job: JobId(10),
            view: view(Filter::Problems, 0, 2..4, 2),
        }));
        assert_eq!(state.results.unwrap().requested, None);
    }

    #[test]
    fn jumps_focus_the_cell_and_scroll() {
        let state = to_results();
        let mut v = view(Filter::All, 100, 102..302, 300);
        v.jumped = Some(Jumped {
            cell: CellRef { row: 150, col: 4 },
            index: 148,
        });
        let state = state.reduce(worker(FromWorker::Viewed {
            job: JobId(3),
            view: v,
        }));
        let r = state.results.unwrap();
        assert_eq!(
            r.active,
            Some(Active {
                index: 148,
                cell: CellRef { row: 150, col: 4 }
            })
        );
        assert_eq!(r.scroll_nonce, 1);
    }

    #[test]
    fn downloads_ask_first_and_show_progress() {
        // Errors remain: the upload CSV asks first.
        let (state, fx) = step(to_results(), 5, Action::Download(DownloadKind::UploadCsv));
        assert!(fx.is_empty());
        assert_eq!(
            state.results.as_ref().unwrap().confirm,
            Some(DownloadKind::UploadCsv)
        );
        assert_eq!(state.clone().reduce(Action::Confirm(false)).busy, None);
        let (state, fx) = step(state, 5, Action::Confirm(true));
        assert_eq!(state.results.as_ref().unwrap().confirm, None);
        assert!(matches!(
            &fx[..],
            [Effect::Post {
                job: JobId(5),
                request: ToWorker::Download {
                    kind: DownloadKind::UploadCsv,
                    ..
                },
                ..
            }]
        ));
        assert!(state.is_busy());
        let state = state.reduce(worker(FromWorker::File {
            job: JobId(5),
            name: "a.csv".into(),
            mime: "text/csv".into(),
            errors: 1,
        }));
        assert!(!state.is_busy());
    }

    #[test]
    fn the_receipt_knows_whether_the_upload_csv_was_saved() {
        let file = |job: u32| {
            worker(FromWorker::File {
                job: JobId(job),
                name: "x".into(),
                mime: "text/csv".into(),
                errors: 0,
            })
        };
        let download = |job: u32, kind: DownloadKind| (job, Action::Download(kind));
        let saved = |s: &State| s.results.as_ref().unwrap().upload_saved();
        let state = to_results();
        assert_eq!(saved(&state), UploadSaved::No);
        // Other downloads (the help-desk copy, the receipt, the JSON body) do not count.
        let state = [
            download(5, DownloadKind::Helpdesk),
            (5, file(5)),
            download(6, DownloadKind::Receipt),
            (6, file(6)),
            download(7, DownloadKind::UploadJson),
            (7, Action::Confirm(true)),
            (7, file(7)),
        ]
        .into_iter()
        .fold(state, |s, (job, a)| as_job(s, job, a));
        assert!(!state.is_busy());
        assert_eq!(saved(&state), UploadSaved::No);
        // The upload CSV.
        let (job, a) = download(8, DownloadKind::UploadCsv);
        let state = as_job(state, job, a);
        let state = as_job(state, 8, Action::Confirm(true)).reduce(file(8));
        assert!(!state.is_busy());
        assert_eq!(saved(&state), UploadSaved::Current);
        // A stale answer (another job) changes nothing.
        let (job, a) = download(9, DownloadKind::Receipt);
        let state = as_job(state, job, a).reduce(file(8));
        assert!(state.is_busy());
        assert_eq!(saved(&state), UploadSaved::Current);
        let state = state.reduce(file(9));
        // A change after saving: the saved file is out of date.
        let changed = state.clone().reduce(worker(FromWorker::Changed {
            job: JobId(10),
            summary: Summary {
                changes: 1,
                ..Summary::default()
            },
            view: view(Filter::All, 0, 2..202, 300),
            cells: 1,
            recheck_ms: 1.0,
        }));
        assert_eq!(saved(&changed), UploadSaved::Stale);
        let (job, a) = download(11, DownloadKind::UploadCsv);
        let again = as_job(as_job(changed, job, a), 11, Action::Confirm(true)).reduce(file(11));
        assert_eq!(saved(&again), UploadSaved::Current);
        // A new check starts over.
        let rechecked = as_job(again, 12, Action::GoTo(Screen::Mapping));
        let rechecked = as_job(rechecked, 12, Action::Check).reduce(worker(FromWorker::Checked {
            job: JobId(12),
            summary: Summary::default(),
            view: view(Filter::All, 0, 2..202, 300),
            worker_ms: 1.0,
        }));
        assert_eq!(saved(&rechecked), UploadSaved::No);
    }

    #[test]
    fn config_changes_void_the_results() {
        let (state, fx) = step(to_results(), 3, Action::PickLayout(LayoutChoice::Diff));
        assert!(matches!(
            &fx[..],
            [
                Effect::Post {
                    request: ToWorker::Configure {
                        layout: LayoutSpec::Diff,
                        ..
                    },
                    ..
                },
                Effect::FocusLater("mapping-heading", "pmh:mapping-shown"),
            ]
        ));
        assert_eq!(state.notice, Some(Notice::ConfigChanged));
        assert!(state.results.is_none());
        assert_eq!(state.screen, Screen::Mapping);
        assert_eq!(state.config.spec(), LayoutSpec::Diff);
        let master = include_bytes!("../../fixtures/masters/example_master.csv");
        let state = state.reduce(Action::MastersRead(Ok(vec![(
            "m.csv".into(),
            master.to_vec(),
        )])));
        assert_eq!(state.config.masters.len(), 1, "{:?}", state.error);
        let bad = state.clone().reduce(Action::MastersRead(Ok(vec![(
            "bad.csv".into(),
            b"x".to_vec(),
        )])));
        assert!(matches!(bad.error, Some(AppError::Masters(_))));
        assert_eq!(bad.config.masters.len(), 1);
        // A custom layout without its file falls back to 全件.
        let config = Config {
            choice: LayoutChoice::Custom,
            ..Config::default()
        };
        assert_eq!(config.spec(), LayoutSpec::Full);
    }

    #[test]
    fn a_worker_panic_goes_back_to_the_input() {
        let state = to_results().reduce(worker(FromWorker::Panicked {
            message: "boom".into(),
        }));
        assert_eq!(state.screen, Screen::Input);
        assert!(state.results.is_none() && state.mapping.is_none());
        assert!(state.error.is_some());
        assert_eq!(state.worker, WorkerStatus::Starting);
        let failed = run([load(1), Action::SpawnFailed("blocked".into())]);
        assert_eq!(failed.worker, WorkerStatus::Failed("blocked".into()));
        assert!(!failed.is_busy());
    }

    #[test]
    fn read_failures_are_reported() {
        let state = run([
            load(1),
            Action::ReadFailed {
                job: JobId(1),
                detail: "NotReadableError".into(),
            },
        ]);
        assert!(!state.is_busy());
        assert_eq!(
            state.error,
            Some(AppError::ReadFailed {
                name: None,
                detail: "NotReadableError".into()
            })
        );
        let state = run([Action::StorageFailed, Action::Dismiss]);
        assert_eq!(state.error, None);
    }

    #[test]
    fn effects_are_decided_by_the_reducer() {
        // Start: read the saved mappings, start the worker; once ready, configure it.
        let mut state = State::default();
        let fx = state.update(Action::Started, &at(0));
        assert_eq!(
            fx,
            [
                Effect::ReadSaved,
                Effect::SpawnWorker,
                Effect::Document(Lang::Ja)
            ]
        );
        let fx = state.update(worker(FromWorker::Ready), &at(0));
        assert!(matches!(
            &fx[..],
            [Effect::Post {
                job: JobId(0),
                request: ToWorker::Configure { .. },
                bytes: None
            }]
        ));

        // A paste over edited data asks first; the answer carries the confirmation.
        let edited = to_results().reduce(worker(FromWorker::Changed {
            job: JobId(9),
            summary: Summary {
                changes: 1,
                ..Summary::default()
            },
            view: view(Filter::All, 0, 2..202, 300),
            cells: 1,
            recheck_ms: 1.0,
        }));
        let bytes = Handle::new(());
        let (asked, fx) = step(
            edited.clone(),
            20,
            Action::Paste {
                bytes: bytes.clone(),
                len: 3,
                confirmed: false,
            },
        );
        assert!(!asked.is_busy());
        assert_eq!(
            fx,
            [Effect::Ask {
                question: Text::DiscardChanges,
                yes: Box::new(Action::Paste {
                    bytes: bytes.clone(),
                    len: 3,
                    confirmed: true
                })
            }]
        );
        let (loading, fx) = step(
            asked,
            20,
            Action::Paste {
                bytes: bytes.clone(),
                len: 3,
                confirmed: true,
            },
        );
        assert!(loading.is_busy());
        assert_eq!(fx.len(), 2);
        assert_eq!(fx[0], Effect::Mark("pmh:input"));
        // The edit guard follows the edits.
        let (_, fx) = step(edited.clone(), 21, Action::PickLayout(LayoutChoice::Diff));
        assert!(fx.contains(&Effect::GuardUnload(false)));

        // A file of an unknown type is refused before anything is read.
        let (refused, fx) = step(
            State::default(),
            1,
            Action::OpenFile {
                file: Handle::new(()),
                name: "a.pdf".into(),
                size: 9,
                confirmed: false,
            },
        );
        assert!(fx.is_empty());
        assert_eq!(
            refused.error,
            Some(AppError::FileType {
                name: "a.pdf".into()
            })
        );

        // Edits go to the worker with the view shown and the local time for the log.
        let (_, fx) = step(
            edited.clone(),
            30,
            Action::Edit(CellRef { row: 5, col: 2 }, "x".into()),
        );
        match &fx[..] {
            [
                Effect::Mark("pmh:edit"),
                Effect::Post {
                    job: JobId(30),
                    request: ToWorker::Edit { at, view, .. },
                    ..
                },
            ] => {
                assert_eq!(at, "2025-04-01 09:30:15");
                assert_eq!(
                    view.list,
                    Some(ListReq {
                        code: None,
                        offset: 0,
                        limit: LIST_PAGE
                    })
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn views_and_downloads_go_through_the_reducer() {
        let edited = to_results();
        // Scrolling within the loaded rows asks for nothing.
        let (_, fx) = step(
            edited.clone(),
            31,
            Action::Need {
                first: 10,
                visible: 15,
            },
        );
        assert!(fx.is_empty());

        // A download from the worker is saved only for the job waited for.
        let (waiting, _) = step(
            edited.clone(),
            40,
            Action::Download(DownloadKind::ReportCsv),
        );
        let data = Handle::new(());
        let file = |job| {
            Action::Worker(
                Box::new(FromWorker::File {
                    job: JobId(job),
                    name: "r.csv".into(),
                    mime: "text/csv".into(),
                    errors: 0,
                }),
                Some(data.clone()),
            )
        };
        assert!(waiting.clone().update(file(39), &at(0)).is_empty());
        let mut done = waiting;
        assert_eq!(
            done.update(file(40), &at(0)),
            [Effect::Download {
                name: "r.csv".into(),
                mime: "text/csv".into(),
                data: Payload::Js(data.clone()),
                report: true
            }]
        );
        let done = done.reduce(Action::Saved(Ok("r.csv".into())));
        assert_eq!(done.notice, Some(Notice::Downloaded("r.csv".into())));
    }

    #[test]
    fn mappings_are_stored_before_they_count_as_saved() {
        let mut state = run([
            load(1),
            worker(FromWorker::Loaded {
                job: JobId(1),
                preview: preview(&["番号", "氏名"]),
            }),
        ]);
        assert!(state.update(Action::SaveMapping, &at(0)).is_empty());
        assert_eq!(state.error, Some(AppError::NameNeeded));
        let _ = state.update(Action::SetMappingName("区".into()), &at(0));
        let fx = state.update(Action::SaveMapping, &at(0));
        let [Effect::Store { key, value, then }] = &fx[..] else {
            panic!("{fx:?}");
        };
        assert_eq!(*key, mapping::STORE_KEY);
        assert!(value.contains("番号") && !value.contains("山田"));
        // Nothing counts as saved until storage took it.
        assert!(state.saved.is_empty());
        let storage_refused = state.clone().reduce(Action::StorageFailed);
        assert!(storage_refused.saved.is_empty());
        assert_eq!(storage_refused.error, Some(AppError::StorageFailed));
        let state = state.reduce((**then).clone());
        assert_eq!(state.saved.len(), 1);
        assert_eq!(state.notice, Some(Notice::MappingSaved("区".into())));
        assert_eq!(state.mapping.unwrap().applied.as_deref(), Some("区"));
    }

    #[test]
    fn a_worker_that_was_ready_is_replaced_after_a_panic() {
        let panic = || {
            worker(FromWorker::Panicked {
                message: "boom".into(),
            })
        };
        let mut ready = run([worker(FromWorker::Ready)]);
        assert_eq!(ready.update(panic(), &at(0)), [Effect::SpawnWorker]);
        // A worker that never started is not restarted in a loop.
        let mut booting = State::default();
        assert!(booting.update(panic(), &at(0)).is_empty());
    }

    #[test]
    fn windows_are_asked_for_only_when_needed() {
        let window = Window {
            filter: Filter::All,
            start: 100,
            total: 10_000,
            rows: (0..200).map(|i| grid_row(i + 102)).collect(),
        };
        // Rows 150..165 visible: loaded.
        assert_eq!(window_needed(&window, None, 150, 15), None);
        // Near the end of the window: a new one centred on the visible rows.
        assert_eq!(window_needed(&window, None, 280, 15), Some(280 - 92));
        // Already asked for.
        assert_eq!(window_needed(&window, Some(188), 280, 15), None);
        // At the very end.
        assert_eq!(window_needed(&window, None, 9_990, 15), Some(9_800));
        // Nothing to show.
        let empty = Window::default();
        assert_eq!(window_needed(&empty, None, 0, 15), None);
        // Short views are covered by one window.
        let short = Window {
            total: 5,
            rows: (0..5).map(grid_row).collect(),
            ..Window::default()
        };
        assert_eq!(window_needed(&short, None, 0, 15), None);
    }
}
