//! UI state and the reducer: the only place where UI state changes.
//!
//! Pure and synchronous, so it is unit-tested natively. Effects (posting to the worker, reading
//! files, localStorage, the clock) happen in `app.rs`; they report back through [`Action`]s,
//! which carry every outside fact the reducer needs (job ids, times), so the reducer stays
//! deterministic. Large data (the table, the findings) stays in the worker; the state holds
//! what is on screen, behind `Rc`s so that cloning it per action is cheap.

use std::rc::Rc;

use pmh_core::{ColumnMapping, Layout};

use crate::mapping::{self, Target};
use crate::protocol::{
    CellRef, DownloadKind, Filter, FindingView, FindingsPage, FromWorker, GridRow, InputSource,
    JobId, LayoutSpec, ListReq, Msg, Phase, Preview, Summary, ViewData, ViewReq, Window, WindowReq,
};
use crate::text::Lang;

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
    pub error: Option<Msg>,
    /// A status line (e.g. "saved").
    pub notice: Option<Msg>,
    /// The mapping screen, once an input was read.
    pub mapping: Option<Rc<MappingState>>,
    /// The results, once checked.
    pub results: Option<Rc<ResultsState>>,
}

/// Something that happened; [`State::reduce`] turns it into the next state.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The user picked a language.
    SetLang(Lang),
    /// The worker could not be spawned at all (for example, blocked by a browser policy).
    SpawnFailed(String),
    /// A message arrived from the worker.
    Worker {
        /// The decoded message (boxed: some answers are large).
        message: Box<FromWorker>,
        /// Page clock when it arrived, milliseconds since the epoch.
        at_ms: u64,
    },
    /// A layout was chosen (and, for a file, read and parsed).
    LayoutChosen {
        /// Which.
        choice: LayoutChoice,
        /// The layout.
        layout: Rc<Layout>,
        /// The file, for a layout file.
        custom: Option<CustomLayout>,
    },
    /// Master files were read and validated (empty: removed).
    MastersLoaded {
        /// The files.
        files: Vec<MasterFile>,
        /// What they define.
        summary: Option<Msg>,
    },
    /// Something the user gave cannot be used (a layout, master or mapping file).
    Error(Msg),
    /// A status line.
    Notice(Msg),
    /// Clear the error and the status line.
    Dismiss,
    /// An input is being read (superseding any running job).
    LoadStarted {
        /// Fresh id of the request.
        job: JobId,
        /// Where it comes from.
        source: InputSource,
        /// Its size in bytes.
        total: u64,
        /// `true` if a file must still be read on the page.
        reading: bool,
        /// Page clock.
        at_ms: u64,
    },
    /// Reading a dropped or picked file failed on the page.
    ReadFailed {
        /// The request.
        job: JobId,
        /// Browser's error text.
        detail: String,
    },
    /// Column `col` becomes `target`.
    SetTarget {
        /// 0-based source column.
        col: usize,
        /// What it becomes.
        target: Target,
    },
    /// Use a saved or imported mapping.
    UseMapping(ColumnMapping),
    /// Back to the automatic matching.
    AutoMapping,
    /// The name to save the mapping under.
    SetMappingName(String),
    /// The saved mappings changed (saved, deleted, read at start).
    SavedList(Rc<Vec<ColumnMapping>>),
    /// A check was asked for.
    CheckStarted {
        /// The request.
        job: JobId,
        /// Page clock.
        at_ms: u64,
    },
    /// Show another step.
    GoTo(Screen),
    /// Show other rows in the grid (the app asks the worker for them).
    SetFilter(Filter),
    /// A grid window was asked for.
    WindowRequested(u32),
    /// The focused cell.
    Activate(Option<Active>),
    /// Ask before downloading (errors remain), or stop asking.
    Confirm(Option<DownloadKind>),
    /// A change of many cells was asked for (a repair of every cell with a finding).
    BulkChangeStarted {
        /// The request.
        job: JobId,
        /// Page clock.
        at_ms: u64,
    },
    /// A download was asked for.
    DownloadStarted {
        /// The request.
        job: JobId,
        /// Which file.
        kind: DownloadKind,
        /// Page clock.
        at_ms: u64,
    },
}

impl State {
    /// Applies one action. Answers about requests that are no longer current are ignored.
    #[must_use]
    pub fn reduce(mut self, action: Action) -> State {
        match action {
            Action::SetLang(lang) => self.lang = lang,
            Action::SpawnFailed(detail) => {
                self.busy = None;
                self.worker = WorkerStatus::Failed(detail);
            }
            Action::Worker { message, at_ms } => self.on_worker(*message, at_ms),
            Action::LayoutChosen {
                choice,
                layout,
                custom,
            } => {
                let changed = !Rc::ptr_eq(&self.config.layout.0, &layout);
                self.config.choice = choice;
                self.config.layout = LayoutRef(layout);
                if custom.is_some() {
                    self.config.custom = custom;
                }
                self.error = None;
                self.config_changed(changed);
            }
            Action::MastersLoaded { files, summary } => {
                self.config.masters = files;
                self.config.masters_summary = summary;
                self.error = None;
                self.config_changed(false);
            }
            Action::Error(message) => {
                self.error = Some(message);
                self.notice = None;
            }
            Action::Notice(message) => {
                self.notice = Some(message);
                self.error = None;
            }
            Action::Dismiss => {
                self.error = None;
                self.notice = None;
            }
            Action::LoadStarted {
                job,
                source,
                total,
                reading,
                at_ms,
            } => {
                self.error = None;
                self.notice = None;
                self.busy = Some(Busy {
                    job,
                    task: Task::Load(source),
                    reading,
                    phase: None,
                    done: 0,
                    total,
                    started_ms: at_ms,
                });
            }
            Action::ReadFailed { job, detail } => {
                if self.busy.as_ref().is_some_and(|b| b.job == job) {
                    self.busy = None;
                    self.error = Some(Msg::new(
                        format!("ファイルを読み込めませんでした（{detail}）。"),
                        format!("The file could not be read ({detail})."),
                    ));
                }
            }
            Action::SetTarget { col, target } => {
                let layout = self.config.layout.0.clone();
                self.edit_mapping(|m| {
                    mapping::set_target(&m.preview.headers, &mut m.targets, col, &target);
                    m.suggestions = mapping::suggestions(&layout, &m.preview.headers, &m.targets);
                });
            }
            Action::UseMapping(chosen) => {
                let layout = self.config.layout.0.clone();
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
            Action::AutoMapping => {
                let layout = self.config.layout.0.clone();
                self.edit_mapping(|m| {
                    m.targets = mapping::targets(&layout, &m.preview.headers, None);
                    m.suggestions = mapping::suggestions(&layout, &m.preview.headers, &m.targets);
                    m.applied = None;
                });
            }
            Action::SetMappingName(name) => self.edit_mapping(|m| m.name = name.clone()),
            Action::SavedList(saved) => self.saved = saved,
            Action::CheckStarted { job, at_ms } => {
                self.error = None;
                self.notice = None;
                self.busy = Some(Busy {
                    job,
                    task: Task::Check,
                    reading: false,
                    phase: None,
                    done: 0,
                    total: 0,
                    started_ms: at_ms,
                });
            }
            Action::GoTo(screen) => {
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
            Action::SetFilter(filter) => self.edit_results(|r| {
                let window = Rc::make_mut(&mut r.window);
                window.filter = filter.clone();
                window.start = 0;
                window.rows.clear();
                r.requested = Some(0);
                r.active = None;
            }),
            Action::WindowRequested(start) => self.edit_results(|r| r.requested = Some(start)),
            Action::Activate(active) => self.edit_results(|r| r.active = active),
            Action::Confirm(kind) => self.edit_results(|r| r.confirm = kind),
            Action::BulkChangeStarted { job, at_ms } => {
                self.busy = Some(Busy {
                    job,
                    task: Task::Change,
                    reading: false,
                    phase: None,
                    done: 0,
                    total: 0,
                    started_ms: at_ms,
                });
            }
            Action::DownloadStarted { job, kind, at_ms } => {
                self.edit_results(|r| r.confirm = None);
                self.busy = Some(Busy {
                    job,
                    task: Task::Download(kind),
                    reading: false,
                    phase: None,
                    done: 0,
                    total: 0,
                    started_ms: at_ms,
                });
            }
        }
        self
    }

    /// After a layout or master change: results are void (the worker dropped them); a loaded
    /// input goes back to the mapping step (re-matched if the layout changed).
    fn config_changed(&mut self, layout_changed: bool) {
        self.results = None;
        if layout_changed {
            let layout = self.config.layout.0.clone();
            self.edit_mapping(|m| {
                m.targets = mapping::targets(&layout, &m.preview.headers, None);
                m.suggestions = mapping::suggestions(&layout, &m.preview.headers, &m.targets);
                m.applied = None;
            });
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

    fn on_worker(&mut self, message: FromWorker, at_ms: u64) {
        match message {
            FromWorker::Ready => self.worker = WorkerStatus::Ready,
            FromWorker::BootFailed { message } => {
                self.busy = None;
                self.worker = WorkerStatus::Failed(message);
            }
            FromWorker::Panicked { .. } => {
                // The page replaces the dead worker; the data it held is gone.
                self.busy = None;
                self.worker = WorkerStatus::Starting;
                self.mapping = None;
                self.results = None;
                self.screen = Screen::Input;
                self.error = Some(Msg::new(
                    "確認中に内部エラーが発生しました。お手数ですが、データをもう一度読み込んでください。データはどこにも送信されていません。",
                    "An internal error occurred while checking. Please load the data again. No data was sent anywhere.",
                ));
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
            FromWorker::ConfigFailed { message } => self.error = Some(message),
            FromWorker::Loaded { job, preview } => {
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
            FromWorker::Checked {
                job,
                summary,
                view,
                worker_ms,
            } => {
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
            }
            FromWorker::File { job, .. } => {
                let Some(busy) = self.busy.take_if(|b| b.job == job) else {
                    return;
                };
                if busy.task == Task::Download(DownloadKind::UploadCsv) {
                    self.edit_results(|r| r.upload_saved = Some(r.summary.changes));
                }
            }
            FromWorker::Benched { .. } => {}
            FromWorker::Failed { job, message } => {
                if self.busy_with(job) {
                    self.busy = None;
                }
                self.edit_results(|r| r.requested = None);
                self.error = Some(message);
            }
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
        Action::Worker {
            message: Box::new(message),
            at_ms: 1_500,
        }
    }

    fn load(job: u32) -> Action {
        Action::LoadStarted {
            job: JobId(job),
            source: InputSource::Paste,
            total: 100,
            reading: false,
            at_ms: 1_000,
        }
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
        actions.into_iter().fold(State::default(), State::reduce)
    }

    fn to_results() -> State {
        run([
            worker(FromWorker::Ready),
            load(1),
            worker(FromWorker::Loaded {
                job: JobId(1),
                preview: preview(&["個人番号", "氏名", "メモ"]),
            }),
            Action::CheckStarted {
                job: JobId(2),
                at_ms: 1_000,
            },
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
        ])
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
            Action::SavedList(Rc::new(vec![saved.clone()])),
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
        let auto = state.reduce(Action::AutoMapping).mapping.unwrap();
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
            message: Msg::new("古い", "old"),
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
        let state = state.reduce(Action::Activate(Some(Active {
            index: 3,
            cell: CellRef { row: 5, col: 2 },
        })));
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
        let bulk = state.clone().reduce(Action::BulkChangeStarted {
            job: JobId(11),
            at_ms: 5,
        });
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
        let state = to_results()
            .reduce(Action::Confirm(Some(DownloadKind::UploadCsv)))
            .reduce(Action::DownloadStarted {
                job: JobId(5),
                kind: DownloadKind::UploadCsv,
                at_ms: 3_000,
            });
        assert_eq!(state.results.as_ref().unwrap().confirm, None);
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
        let download = |job: u32, kind: DownloadKind| Action::DownloadStarted {
            job: JobId(job),
            kind,
            at_ms: 3_000,
        };
        let saved = |s: &State| s.results.as_ref().unwrap().upload_saved();
        let state = to_results();
        assert_eq!(saved(&state), UploadSaved::No);
        // Other downloads (the help-desk copy, the receipt, the JSON body) do not count.
        let state = [
            download(5, DownloadKind::Helpdesk),
            file(5),
            download(6, DownloadKind::Receipt),
            file(6),
            download(7, DownloadKind::UploadJson),
            file(7),
        ]
        .into_iter()
        .fold(state, State::reduce);
        assert!(!state.is_busy());
        assert_eq!(saved(&state), UploadSaved::No);
        // The upload CSV.
        let state = state
            .reduce(download(8, DownloadKind::UploadCsv))
            .reduce(file(8));
        assert!(!state.is_busy());
        assert_eq!(saved(&state), UploadSaved::Current);
        // A stale answer (another job) changes nothing.
        let state = state
            .reduce(download(9, DownloadKind::Receipt))
            .reduce(file(8));
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
        let again = changed
            .reduce(download(11, DownloadKind::UploadCsv))
            .reduce(file(11));
        assert_eq!(saved(&again), UploadSaved::Current);
        // A new check starts over.
        let rechecked = again
            .reduce(Action::CheckStarted {
                job: JobId(12),
                at_ms: 4_000,
            })
            .reduce(worker(FromWorker::Checked {
                job: JobId(12),
                summary: Summary::default(),
                view: view(Filter::All, 0, 2..202, 300),
                worker_ms: 1.0,
            }));
        assert_eq!(saved(&rechecked), UploadSaved::No);
    }

    #[test]
    fn config_changes_void_the_results() {
        let state = to_results().reduce(Action::LayoutChosen {
            choice: LayoutChoice::Diff,
            layout: Rc::new(Layout::diff()),
            custom: None,
        });
        assert!(state.results.is_none());
        assert_eq!(state.screen, Screen::Mapping);
        assert_eq!(state.config.spec(), LayoutSpec::Diff);
        let state = state.reduce(Action::MastersLoaded {
            files: vec![MasterFile {
                name: "m.csv".into(),
                bytes: Rc::from(&b"x"[..]),
            }],
            summary: Some(Msg::new("a", "b")),
        });
        assert_eq!(state.config.masters.len(), 1);
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
        assert!(state.error.unwrap().ja.contains("NotReadableError"));
        let state = run([Action::Error(Msg::new("x", "y")), Action::Dismiss]);
        assert_eq!(state.error, None);
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
