//! The worker's state: the loaded input, its findings, the change log, and every operation
//! the page asks for (load, check, views, edits, repairs, downloads).
//!
//! Pure Rust with no browser API, so it is unit-tested natively. It holds no validation rule of
//! its own: every finding, repair, message and output byte comes from `pmh_core`, called the
//! way `pmhcsv build` calls it. What it adds is bookkeeping: findings by row for the grid, and
//! re-checking edited rows quickly (a small input of the header and the edited rows, then the
//! cross-row findings K001–K003 of the certificates the edit touched).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use pmh_core::Masters;
use pmh_core::OutputFormat;
use pmh_core::TextEncoding;
use pmh_core::Use;
use pmh_core::receipt::{ReceiptInput, ReceiptOutput, ReceiptRequest, sha256_hex};
use pmh_core::redact::RedactError;
use pmh_core::render::{self, Input, RenderOptions};
use pmh_core::{
    Back, Checker, Code, ColumnMapping, Detail, Diagnostic, KeyTracker, Layout, Options, Report,
    RowView, Severity, records, xlsx,
};

use crate::protocol::{
    CellRef, CodeCount, DownloadKind, Filter, FindingView, FindingsPage, GridRow, InputSource,
    Jumped, LayoutSpec, ListReq, Mark, Msg, Phase, Preview, RepairView, ReportLang, Sev, Summary,
    ViewData, ViewReq, Window,
};
use crate::table::{CHUNK, Table};

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
}

/// The results of the last check, kept up to date through edits.
#[derive(Debug)]
struct Results {
    mapping: ColumnMapping,
    /// The full check's report, for its facts about the file (its findings are moved out).
    meta: Report,
    /// Whole-file and header findings reported before the data rows, and after them.
    file_head: Vec<Diagnostic>,
    file_tail: Vec<Diagnostic>,
    /// Findings of each data row, by sheet row (only rows with findings).
    rows: BTreeMap<u32, Vec<Diagnostic>>,
    /// Exact count per code ([`Code::index`]).
    counts: Vec<u64>,
    /// Exact count per severity.
    severities: [u64; 3],
    truncated: bool,
    /// Certificate key of each sheet row (index = row), as the cross-row checks see it.
    keys: Vec<Option<u128>>,
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
    next_group: u32,
}

impl Loaded {
    /// Writes the edits into `bytes` (the table as CSV), keeping the bytes as loaded.
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

/// Why the help-desk copy was not made, for the page (the core's own message speaks of the
/// CLI's `--seed`).
fn redact_msg(e: &RedactError) -> Msg {
    match e {
        RedactError::FindingsChanged {
            original, redacted, ..
        } => Msg::new(
            format!(
                "匿名化したファイルの確認結果が元のファイルと一致しなかったため、匿名化ファイルは保存していません（元のファイルの指摘 {original} 件、匿名化後 {redacted} 件）。もう一度お試しください（毎回別の乱数で作ります）。繰り返し起きる場合は、ファイルは送らず、このメッセージだけを開発元にお伝えください。"
            ),
            format!(
                "The anonymised copy was not saved: its findings did not match the original's ({original} before, {redacted} after). Please try again (each attempt uses new random values). If it keeps happening, report this message (not the file) to the developers."
            ),
        ),
    }
}

/// Everything the worker holds.
#[derive(Debug)]
pub struct Session {
    layout: Layout,
    masters: Option<Arc<Masters>>,
    tracker: KeyTracker,
    input: Option<Loaded>,
}

impl Default for Session {
    fn default() -> Self {
        Self::new(Layout::full(), None)
    }
}

fn config_msg(e: &pmh_core::ConfigError) -> Msg {
    Msg::new(e.ja.clone(), e.en.clone())
}

fn sev(s: Severity) -> Sev {
    match s {
        Severity::Error => Sev::Error,
        Severity::Warning => Sev::Warning,
        Severity::Info => Sev::Info,
    }
}

fn is_key_code(c: Code) -> bool {
    matches!(
        c,
        Code::DuplicateCertificate | Code::OverlappingPeriods | Code::DuplicateHistoryKey
    )
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

/// The label of an encoding, in both languages.
pub fn encoding_msg(e: pmh_core::TextEncoding) -> Msg {
    use pmh_core::TextEncoding as E;
    match e {
        E::Ascii => Msg::new("ASCII（UTF-8）", "ASCII (UTF-8)"),
        E::Utf8 => Msg::new("UTF-8（BOMなし）", "UTF-8 (no BOM)"),
        E::Utf8Bom => Msg::new("UTF-8（BOMあり）", "UTF-8 with BOM"),
        E::Utf16Le => Msg::new("UTF-16LE", "UTF-16LE"),
        E::Utf16Be => Msg::new("UTF-16BE", "UTF-16BE"),
        E::Cp932 => Msg::new("Shift_JIS（CP932）", "Shift_JIS (CP932)"),
        E::Unknown => Msg::new("不明", "unknown"),
    }
}

/// A finding, ready to show.
pub fn finding_view(layout: &Layout, d: &Diagnostic) -> FindingView {
    let message = pmh_core::message(layout, d, false);
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
        title: Msg::new(info.title_ja, info.title_en),
        message: Msg::new(message.ja, message.en),
        hint: Msg::new(info.hint_ja, info.hint_en),
        repair,
    }
}

/// Runs the core checker over `input`, calling `visit` with every checked row.
fn run_checker(
    layout: &Layout,
    opts: Options,
    input: &[u8],
    visit: &mut dyn FnMut(RowView<'_>),
) -> Report {
    let mut checker = Checker::new(layout, opts);
    checker.set_visitor(Box::new(visit));
    checker.feed(input);
    checker.finish()
}

impl Session {
    /// A session checking against `layout` with an optional municipality master.
    pub fn new(layout: Layout, masters: Option<Arc<Masters>>) -> Self {
        Self {
            tracker: KeyTracker::new(&layout),
            layout,
            masters,
            input: None,
        }
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
    pub fn configure(&mut self, spec: &LayoutSpec, masters: &[(&str, &[u8])]) -> Result<(), Msg> {
        let layout = match spec {
            LayoutSpec::Full => Layout::full(),
            LayoutSpec::Diff => Layout::diff(),
            LayoutSpec::Custom { toml, .. } => Layout::from_toml(toml).map_err(|e| {
                Msg::new(
                    format!("レイアウトファイルを使えません: {}", e.ja),
                    format!("The layout file cannot be used: {}", e.en),
                )
            })?,
        };
        let masters = if masters.is_empty() {
            None
        } else {
            Some(Arc::new(
                Masters::from_files(masters.iter().copied()).map_err(|e| config_msg(&e))?,
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
                input.table = Table::load(&input.bytes, delimiter, &mut |_| {});
                input.delimiter = delimiter;
            }
        }
        Ok(())
    }

    /// Reads an input: `bytes` (a CSV/TSV file in any supported encoding, pasted text, or an
    /// `.xlsx` workbook), or, when `None`, sheet `sheet` of the workbook read last.
    ///
    /// # Errors
    /// A workbook that cannot be read, a missing sheet, an input with no text or no header row.
    pub fn load(
        &mut self,
        source: InputSource,
        bytes: Option<Vec<u8>>,
        sheet: Option<String>,
        progress: &mut ProgressFn<'_>,
    ) -> Result<Preview, Msg> {
        let (workbook, sheets, csv) = match bytes {
            Some(bytes) if xlsx::is_xlsx(&bytes) => {
                progress(Phase::Converting, 0, bytes.len() as u64);
                let sheets = xlsx::sheet_names(&bytes).map_err(|e| Msg::new(e.ja, e.en))?;
                let csv = xlsx::sheet_to_csv(&bytes, sheet.as_deref())
                    .map_err(|e| Msg::new(e.ja, e.en))?;
                (Some(bytes), sheets, csv)
            }
            Some(bytes) => (None, Vec::new(), bytes),
            None => {
                let Some(Loaded {
                    workbook: Some(workbook),
                    sheets,
                    ..
                }) = self.input.take()
                else {
                    return Err(Msg::new(
                        "シートを選び直すには、Excel ファイルをもう一度読み込んでください。",
                        "To choose another sheet, load the Excel file again.",
                    ));
                };
                progress(Phase::Converting, 0, workbook.len() as u64);
                let csv = match xlsx::sheet_to_csv(&workbook, sheet.as_deref()) {
                    Ok(csv) => csv,
                    Err(e) => {
                        self.input = None;
                        return Err(Msg::new(e.ja, e.en));
                    }
                };
                (Some(workbook), sheets, csv)
            }
        };
        self.input = None;
        let total = csv.len() as u64;
        let delimiter = self.layout.dialect.delimiter_byte();
        let table = Table::load(&csv, delimiter, &mut |done| {
            progress(Phase::Reading, done as u64, total);
        });
        let encoding = table.summary().encoding;
        if csv.is_empty() {
            return Err(Msg::new(
                "データが空です。見出し行を含むデータを貼り付けるか、ファイルを選んでください。",
                "The data is empty. Paste data including its header row, or choose a file.",
            ));
        }
        if encoding == pmh_core::TextEncoding::Unknown {
            return Err(Msg::new(
                "文字コードを判別できません。CSV・TSV（UTF-8、Shift_JIS、UTF-16）または Excel（.xlsx）のファイルを選んでください。",
                "The text encoding cannot be recognised. Choose a CSV or TSV file (UTF-8, Shift_JIS, UTF-16) or an Excel workbook (.xlsx).",
            ));
        }
        let Some(header) = table.header_index() else {
            return Err(Msg::new(
                "見出し行が見つかりません（空行だけのデータです）。",
                "No header row was found (the data has only blank lines).",
            ));
        };
        let headers = table.headers();
        let mut samples = vec![Vec::new(); headers.len()];
        for i in (header + 1..table.len()).take(SAMPLE_ROWS) {
            let Some(rec) = table.record(i) else { continue };
            for (col, cell) in rec.cells.iter().enumerate().take(headers.len()) {
                let cell = cell.trim();
                if !cell.is_empty() && samples[col].len() < SAMPLES {
                    samples[col].push(cell.chars().take(60).collect());
                }
            }
        }
        let preview = Preview {
            source: Some(source.clone()),
            rows: (table.len() - header - 1) as u64,
            headers,
            samples,
            encoding: encoding_msg(encoding),
            sheets: sheets.clone(),
            sheet: sheet.clone(),
        };
        let front = table.summary();
        let measured = (front.bytes, front.sha256.clone(), front.encoding);
        self.input = Some(Loaded {
            source,
            workbook,
            sheets,
            sheet,
            bytes: csv,
            original: None,
            measured,
            table,
            delimiter,
            results: None,
            log: Vec::new(),
            undo: Vec::new(),
            next_group: 1,
        });
        Ok(preview)
    }

    fn loaded(&self) -> Result<&Loaded, Msg> {
        self.input
            .as_ref()
            .ok_or_else(|| Msg::new("データが読み込まれていません。", "No data has been loaded."))
    }

    fn loaded_mut(&mut self) -> Result<&mut Loaded, Msg> {
        self.input
            .as_mut()
            .ok_or_else(|| Msg::new("データが読み込まれていません。", "No data has been loaded."))
    }

    /// The options of the grid's checks: `pmhcsv build`'s, without writing output, keeping
    /// every finding.
    fn grid_options(&self, mapping: &ColumnMapping) -> Options {
        Options {
            mapping: Some(mapping.clone()),
            masters: self.masters.clone(),
            ..Options::grid(MAX_FINDINGS)
        }
    }

    /// Checks the loaded input with `mapping` (the JSON of a mapping file).
    ///
    /// # Errors
    /// No input, or a mapping that does not fit the layout.
    pub fn check(&mut self, mapping: &str, progress: &mut ProgressFn<'_>) -> Result<(), Msg> {
        let mapping =
            ColumnMapping::from_json(mapping, &self.layout).map_err(|e| config_msg(&e))?;
        let opts = self.grid_options(&mapping);
        let layout = &self.layout;
        let tracker = &self.tracker;
        let input = self.input.as_mut().ok_or_else(|| {
            Msg::new("データが読み込まれていません。", "No data has been loaded.")
        })?;
        if input.table.is_edited() {
            // Fold the edits into the input so that the check sees plain record batches.
            input.fold_edits();
            input.table = Table::load(&input.bytes, input.delimiter, &mut |_| {});
        }
        let table = &input.table;
        let Some(batches) = table.pristine_batches() else {
            return Err(Msg::new(
                "内部エラー: 表を読み直せません。",
                "internal: table not reloaded",
            ));
        };
        let mut keys: Vec<Option<u128>> = vec![None; table.len() + 2];
        let total: u64 = batches.iter().map(|b| b.len() as u64).sum();
        let mut back = Back::new(layout, opts);
        back.set_visitor(Box::new(|row: RowView<'_>| {
            if let Some(slot) = keys.get_mut(row.row as usize) {
                *slot = records::certificate_key(tracker, row.fields);
            }
        }));
        let mut done = 0u64;
        let step = (total / 50).max(4096);
        let mut next_report = step;
        progress(Phase::Checking, 0, total);
        for batch in batches {
            back.consume(batch);
            done += batch.len() as u64;
            if done >= next_report {
                progress(Phase::Checking, done, total);
                next_report = done + step;
            }
        }
        let mut report = back.finish(table.summary());
        progress(Phase::Checking, total, total);
        let header_row = table.header_index().map_or(0, |h| h as u32 + 1);
        let truncated = report.truncated();
        let diagnostics = std::mem::take(&mut report.diagnostics);
        let mut results = Results {
            mapping,
            file_head: Vec::new(),
            file_tail: Vec::new(),
            rows: BTreeMap::new(),
            counts: report.counts.clone(),
            severities: [report.errors, report.warnings, report.infos],
            truncated,
            keys,
            view_cache: None,
            meta: report,
        };
        for d in diagnostics {
            match d.row {
                Some(r) if r > header_row => results.rows.entry(r).or_default().push(d),
                _ if results.rows.is_empty() => results.file_head.push(d),
                _ => results.file_tail.push(d),
            }
        }
        input.results = Some(results);
        Ok(())
    }

    fn results(&self) -> Result<(&Loaded, &Results), Msg> {
        let input = self.loaded()?;
        let results = input.results.as_ref().ok_or_else(|| {
            Msg::new(
                "まだ確認していません。",
                "The data has not been checked yet.",
            )
        })?;
        Ok((input, results))
    }

    /// The summary of the current results.
    ///
    /// # Errors
    /// Nothing was checked yet.
    pub fn summary(&self) -> Result<Summary, Msg> {
        let (input, r) = self.results()?;
        let layout = &self.layout;
        let mut error_rows = 0;
        let mut problem_rows = 0;
        let mut repairable = vec![0u64; Code::ALL.len()];
        for findings in r.rows.values() {
            let worst = findings.iter().map(|d| d.severity).min();
            if worst == Some(Severity::Error) {
                error_rows += 1;
            }
            if worst.is_some_and(|s| s != Severity::Info) {
                problem_rows += 1;
            }
            for d in findings {
                if repair_of(d).is_some() {
                    repairable[d.code.index()] += 1;
                }
            }
        }
        let codes = Code::ALL
            .iter()
            .filter_map(|&c| {
                let count = r.counts.get(c.index()).copied().unwrap_or(0);
                (count > 0).then(|| {
                    let info = c.info();
                    CodeCount {
                        code: c.as_str().to_owned(),
                        severity: sev(info.severity),
                        title: Msg::new(info.title_ja, info.title_en),
                        count,
                        repairable: repairable[c.index()],
                    }
                })
            })
            .collect();
        let masters = match &self.masters {
            Some(m) => Msg::new(m.describe(), m.describe_en()),
            None => Msg::new(Masters::new().describe(), Masters::new().describe_en()),
        };
        Ok(Summary {
            source: Some(input.source.clone()),
            sheet: input.sheet.clone(),
            workbook: input.workbook.is_some(),
            encoding: encoding_msg(r.meta.encoding),
            bytes: r.meta.bytes,
            rows: r.meta.rows,
            errors: r.severities[Severity::Error as usize],
            warnings: r.severities[Severity::Warning as usize],
            infos: r.severities[Severity::Info as usize],
            error_rows,
            problem_rows,
            upload_ready: r.severities[Severity::Error as usize] == 0,
            truncated: r.truncated,
            codes,
            file_findings: r
                .file_head
                .iter()
                .chain(&r.file_tail)
                .map(|d| finding_view(layout, d))
                .collect(),
            changes: u32::try_from(input.log.len()).unwrap_or(u32::MAX),
            layout: Msg::new(layout.title_ja.clone(), layout.title_en.clone()),
            masters,
        })
    }

    /// Sheet rows of a filtered view, in order (cached until the results change).
    fn view_rows<'a>(
        results: &'a mut Results,
        first: u32,
        last: u32,
        filter: &Filter,
    ) -> &'a [u32] {
        let fresh = matches!(&results.view_cache, Some((f, _)) if f == filter);
        if !fresh {
            let keep = |findings: &Vec<Diagnostic>| match filter {
                Filter::All => true,
                Filter::Problems => findings.iter().any(|d| d.severity != Severity::Info),
                Filter::Errors => findings.iter().any(|d| d.severity == Severity::Error),
                Filter::Code(code) => findings.iter().any(|d| d.code.as_str() == code),
            };
            let rows: Vec<u32> = if *filter == Filter::All {
                (first..=last).collect()
            } else {
                results
                    .rows
                    .iter()
                    .filter(|(_, f)| keep(f))
                    .map(|(&r, _)| r)
                    .collect()
            };
            results.view_cache = Some((filter.clone(), rows));
        }
        results
            .view_cache
            .as_ref()
            .map_or(&[], |(_, rows)| rows.as_slice())
    }

    /// Answers a view request.
    ///
    /// # Errors
    /// Nothing was checked yet.
    pub fn view(&mut self, req: &ViewReq) -> Result<ViewData, Msg> {
        let layout = &self.layout;
        let input = self.input.as_mut().ok_or_else(|| {
            Msg::new("データが読み込まれていません。", "No data has been loaded.")
        })?;
        let table = &input.table;
        let results = input.results.as_mut().ok_or_else(|| {
            Msg::new(
                "まだ確認していません。",
                "The data has not been checked yet.",
            )
        })?;
        // Data rows are the sheet rows after the header.
        let first = table.header_index().map_or(1, |h| h as u32 + 2);
        let last = table.len() as u32;
        let mut filter = req.window.filter.clone();
        let count = req.window.count.min(MAX_WINDOW);
        let mut start = req.window.start;
        let mut jumped = None;
        if let Some(cell) = req.jump
            && cell.row >= first
            && cell.row <= last
        {
            let mut index = Self::view_rows(results, first, last, &filter).binary_search(&cell.row);
            if index.is_err() && filter != Filter::All {
                filter = Filter::All;
                index = Self::view_rows(results, first, last, &filter).binary_search(&cell.row);
            }
            if let Ok(index) = index {
                let index = index as u32;
                start = index.saturating_sub(count / 4);
                jumped = Some(Jumped { cell, index });
            }
        }
        let rows = Self::view_rows(results, first, last, &filter);
        let total = rows.len() as u32;
        let start = start.min(total.saturating_sub(1));
        let end = (start + count).min(total);
        let chosen: Vec<u32> = rows
            .get(start as usize..end as usize)
            .unwrap_or(&[])
            .to_vec();
        let rows = chosen
            .iter()
            .map(|&row| grid_row(layout, table, results, row))
            .collect();
        let list = req.list.as_ref().map(|l| list_page(layout, results, l));
        Ok(ViewData {
            window: Window {
                filter,
                start,
                total,
                rows,
            },
            list,
            jumped,
        })
    }

    /// Sets one cell and re-checks. Returns how many cells changed (0 or 1).
    ///
    /// # Errors
    /// Nothing was checked yet, or the cell is not in a data row.
    pub fn edit(&mut self, cell: CellRef, value: &str, at: &str) -> Result<u32, Msg> {
        self.change(&[(cell, value.to_owned())], ChangeKind::Edit, at)
    }

    /// Applies the repair suggested by the `code` finding of `cell`, or, with `all`, of every
    /// cell with a `code` finding. Returns how many cells changed.
    ///
    /// # Errors
    /// Nothing was checked yet, or there is no such repair.
    pub fn repair(&mut self, cell: CellRef, code: &str, all: bool, at: &str) -> Result<u32, Msg> {
        let code = Code::parse(code).ok_or_else(|| {
            Msg::new(
                format!("不明なコード: {code}"),
                format!("unknown code: {code}"),
            )
        })?;
        let (_, results) = self.results()?;
        let mut edits: Vec<(CellRef, String)> = Vec::new();
        let mut index: HashMap<CellRef, usize> = HashMap::new();
        let mut add = |row: u32, d: &Diagnostic| {
            if d.code == code
                && let Some((col, after)) = repair_of(d)
            {
                let target = CellRef { row, col };
                // One value per cell: the last repair of a cell includes the earlier ones.
                match index.get(&target) {
                    Some(&k) => edits[k].1 = after.to_owned(),
                    None => {
                        index.insert(target, edits.len());
                        edits.push((target, after.to_owned()));
                    }
                }
            }
        };
        if all {
            for (&row, findings) in &results.rows {
                for d in findings {
                    add(row, d);
                }
            }
        } else if let Some(findings) = results.rows.get(&cell.row) {
            for d in findings.iter().filter(|d| d.column == Some(cell.col)) {
                add(cell.row, d);
            }
        }
        if edits.is_empty() {
            return Err(Msg::new(
                "この修正案は見つかりません（すでに直っている可能性があります）。",
                "This suggested repair was not found (it may already be fixed).",
            ));
        }
        let kind = if all {
            ChangeKind::RepairAll(code)
        } else {
            ChangeKind::Repair(code)
        };
        self.change(&edits, kind, at)
    }

    /// Undoes the newest change that was not undone yet. Returns how many cells changed.
    ///
    /// # Errors
    /// Nothing to undo.
    pub fn undo(&mut self, at: &str) -> Result<u32, Msg> {
        let input = self.loaded_mut()?;
        let Some(group) = input.undo.pop() else {
            return Err(Msg::new(
                "元に戻す変更はありません。",
                "There is nothing to undo.",
            ));
        };
        let edits: Vec<(CellRef, String)> = input
            .log
            .iter()
            .rev()
            .filter(|c| c.group == group)
            .map(|c| (c.cell, c.before.clone()))
            .collect();
        let n = self.change(&edits, ChangeKind::Undo, at)?;
        // An undo cannot itself be undone.
        if let Some(input) = self.input.as_mut() {
            input.undo.retain(|&g| g + 1 != input.next_group);
        }
        Ok(n)
    }

    /// Whether a change can be undone.
    pub fn can_undo(&self) -> bool {
        self.input.as_ref().is_some_and(|i| !i.undo.is_empty())
    }

    /// Applies cell edits (one change-log group) and re-checks the rows they touch.
    fn change(
        &mut self,
        edits: &[(CellRef, String)],
        kind: ChangeKind,
        at: &str,
    ) -> Result<u32, Msg> {
        let (input, _) = self.results()?;
        let header_row = input.table.header_index().map_or(0, |h| h as u32 + 1);
        let last = input.table.len() as u32;
        for (cell, _) in edits {
            if cell.row <= header_row || cell.row > last || cell.col == 0 {
                return Err(Msg::new(
                    format!("{}行{}列はデータのセルではありません。", cell.row, cell.col),
                    format!("Row {}, column {} is not a data cell.", cell.row, cell.col),
                ));
            }
        }
        let input = self.loaded_mut()?;
        let group = input.next_group;
        let mut rows = Vec::new();
        for (cell, value) in edits {
            let i = cell.row as usize - 1;
            let current = input
                .table
                .record(i)
                .map(|r| {
                    r.cells
                        .get(cell.col as usize - 1)
                        .map_or(String::new(), |c| (*c).to_owned())
                })
                .unwrap_or_default();
            if current == *value {
                continue;
            }
            let Some(before) = input.table.set_cell(i, cell.col as usize - 1, value) else {
                continue;
            };
            input.log.push(Change {
                group,
                at: at.to_owned(),
                kind: kind.clone(),
                cell: *cell,
                before,
                after: value.clone(),
            });
            rows.push(cell.row);
        }
        if rows.is_empty() {
            return Ok(0);
        }
        input.next_group += 1;
        if kind != ChangeKind::Undo {
            input.undo.push(group);
        }
        let changed = rows.len() as u32;
        rows.sort_unstable();
        rows.dedup();
        self.recheck(&rows);
        Ok(changed)
    }

    /// Re-checks sheet rows `rows` (sorted, distinct) after an edit: their own findings from a
    /// small input (header + those rows), then the cross-row findings of every certificate
    /// whose rows they were or are now part of.
    fn recheck(&mut self, rows: &[u32]) {
        let layout = &self.layout;
        let tracker = &self.tracker;
        let masters = self.masters.clone();
        let Some(input) = self.input.as_mut() else {
            return;
        };
        let Some(results) = input.results.as_mut() else {
            return;
        };
        let opts = Options {
            mapping: Some(results.mapping.clone()),
            masters,
            ..Options::grid(MAX_FINDINGS)
        };
        let table = &input.table;
        let line_of = |row: u32| table.record(row as usize - 1).map_or(0, |r| r.line);

        // 1. The edited rows' own findings.
        let recs: Vec<usize> = rows.iter().map(|&r| r as usize - 1).collect();
        let small = table.subset_csv(&recs, input.delimiter);
        let mut new_keys: Vec<Option<u128>> = vec![None; rows.len()];
        let report = run_checker(layout, opts.clone(), &small, &mut |row| {
            if let Some(slot) = (row.row as usize)
                .checked_sub(2)
                .and_then(|k| new_keys.get_mut(k))
            {
                *slot = records::certificate_key(tracker, row.fields);
            }
        });
        let mut own: BTreeMap<u32, Vec<Diagnostic>> = BTreeMap::new();
        for mut d in report.diagnostics {
            let Some(real) = d
                .row
                .and_then(|t| (t as usize).checked_sub(2))
                .and_then(|k| rows.get(k))
            else {
                continue;
            };
            if is_key_code(d.code) {
                continue;
            }
            d.row = Some(*real);
            d.line = Some(line_of(*real));
            own.entry(*real).or_default().push(d);
        }

        // 2. Cross-row findings of the certificates involved, old and new.
        let mut keys: Vec<u128> = Vec::new();
        for (k, &row) in rows.iter().enumerate() {
            let slot = results.keys.get_mut(row as usize);
            if let Some(slot) = slot {
                keys.extend(*slot);
                *slot = new_keys[k];
            }
            keys.extend(new_keys[k]);
        }
        keys.sort_unstable();
        keys.dedup();
        let group: Vec<u32> = if keys.is_empty() {
            Vec::new()
        } else {
            results
                .keys
                .iter()
                .enumerate()
                .filter(|(_, k)| k.is_some_and(|k| keys.binary_search(&k).is_ok()))
                .map(|(r, _)| r as u32)
                .collect()
        };
        let mut cross: BTreeMap<u32, Vec<Diagnostic>> = BTreeMap::new();
        if group.len() > 1 {
            let recs: Vec<usize> = group.iter().map(|&r| r as usize - 1).collect();
            let small = table.subset_csv(&recs, input.delimiter);
            let report = run_checker(layout, opts, &small, &mut |_| {});
            let real = |t: u32| {
                (t as usize)
                    .checked_sub(2)
                    .and_then(|k| group.get(k))
                    .copied()
            };
            for mut d in report.diagnostics {
                if !is_key_code(d.code) {
                    continue;
                }
                let Some(row) = d.row.and_then(real) else {
                    continue;
                };
                if let Detail::OtherRow { row: other } = &mut d.detail
                    && let Some(o) = real(*other)
                {
                    *other = o;
                }
                d.row = Some(row);
                d.line = Some(line_of(row));
                cross.entry(row).or_default().push(d);
            }
        }

        // 3. Replace: every finding of the edited rows, the cross-row ones of the others.
        let mut touched: Vec<u32> = rows.iter().chain(&group).copied().collect();
        touched.sort_unstable();
        touched.dedup();
        for row in touched {
            let edited = rows.binary_search(&row).is_ok();
            let old = results.rows.remove(&row).unwrap_or_default();
            let (removed, kept): (Vec<Diagnostic>, Vec<Diagnostic>) =
                old.into_iter().partition(|d| edited || is_key_code(d.code));
            for d in &removed {
                results.counts[d.code.index()] = results.counts[d.code.index()].saturating_sub(1);
                let s = &mut results.severities[d.severity as usize];
                *s = s.saturating_sub(1);
            }
            let fresh = if edited {
                own.remove(&row).unwrap_or_default()
            } else {
                Vec::new()
            };
            let added = cross.remove(&row).unwrap_or_default();
            for d in fresh.iter().chain(&added) {
                results.counts[d.code.index()] += 1;
                results.severities[d.severity as usize] += 1;
            }
            let mut findings = if edited { fresh } else { kept };
            // The checker reports key findings before the master ones.
            let at = findings
                .iter()
                .position(|d| d.code.as_str().starts_with('M'))
                .unwrap_or(findings.len());
            let _ = findings.splice(at..at, added);
            if !findings.is_empty() {
                results.rows.insert(row, findings);
            }
        }
        results.view_cache = None;
    }

    /// The current results as a core report (every finding, in file order).
    fn current_report(results: &Results) -> Report {
        let mut report = results.meta.clone();
        report.diagnostics = results
            .file_head
            .iter()
            .chain(results.rows.values().flatten())
            .chain(&results.file_tail)
            .cloned()
            .collect();
        report.counts = results.counts.clone();
        report.errors = results.severities[Severity::Error as usize];
        report.warnings = results.severities[Severity::Warning as usize];
        report.infos = results.severities[Severity::Info as usize];
        report
    }

    /// Makes a file to download: (name, MIME type, bytes, error findings in it).
    ///
    /// The upload files are what `pmhcsv build` writes for the same input and mapping: the
    /// very same core calls and options on the very same bytes (the edited table written out
    /// as CSV once cells were changed). The help-desk copy is what `pmhcsv redact --build`
    /// writes for the input as loaded; the receipt what `pmhcsv build --receipt` writes.
    ///
    /// # Errors
    /// Nothing was checked yet; the help-desk copy would not reproduce the findings; a receipt
    /// time that is not RFC 3339.
    pub fn download(
        &self,
        kind: DownloadKind,
        lang: ReportLang,
        extra: &DownloadExtra<'_>,
        progress: &mut ProgressFn<'_>,
    ) -> Result<(String, &'static str, Vec<u8>, u64), Msg> {
        let (input, results) = self.results()?;
        let stem = file_stem(&input.source);
        match kind {
            DownloadKind::UploadCsv | DownloadKind::UploadJson => {
                let format = if kind == DownloadKind::UploadCsv {
                    OutputFormat::Csv
                } else {
                    OutputFormat::Json
                };
                let (out, report) =
                    self.build(&input.current(), &results.mapping, format, progress);
                let (name, mime) = if format == OutputFormat::Csv {
                    (upload_csv_name(&stem), "text/csv")
                } else {
                    (format!("{stem}_PMH.json"), "application/json")
                };
                Ok((name, mime, out, report.errors))
            }
            DownloadKind::Helpdesk => {
                let bytes = self.helpdesk_copy(extra.seed)?;
                Ok((format!("{stem}-helpdesk.csv"), "text/csv", bytes, 0))
            }
            DownloadKind::Receipt => {
                let json = self.receipt(extra.time, progress)?;
                let name = match lang {
                    ReportLang::Ja => format!("{stem}_確認の記録.json"),
                    ReportLang::En => format!("{stem}_receipt.json"),
                };
                Ok((name, "application/json", json.into_bytes(), 0))
            }
            DownloadKind::ReportCsv => {
                let report = Self::current_report(results);
                let opts = RenderOptions {
                    lang: match lang {
                        ReportLang::Ja => pmh_core::Lang::Ja,
                        ReportLang::En => pmh_core::Lang::En,
                    },
                    show_values: false,
                };
                let text = render::csv(
                    &self.layout,
                    &[Input {
                        path: input.source.report_name(),
                        report: &report,
                    }],
                    opts,
                );
                let name = match lang {
                    ReportLang::Ja => format!("{stem}_確認結果.csv"),
                    ReportLang::En => format!("{stem}_findings.csv"),
                };
                Ok((name, "text/csv", text.into_bytes(), report.errors))
            }
            DownloadKind::ChangeLog => {
                let text = change_log_csv(&self.layout, input, &results.meta, lang);
                let name = match lang {
                    ReportLang::Ja => format!("{stem}_変更履歴.csv"),
                    ReportLang::En => format!("{stem}_changes.csv"),
                };
                Ok((name, "text/csv", text.into_bytes(), 0))
            }
        }
    }

    /// The help-desk copy: the input as loaded (edits not included) with every personal value
    /// replaced by a synthetic one, its findings checked to be the same (code, row, column)
    /// under the options of the check, as `pmhcsv redact --build` makes it.
    ///
    /// # Errors
    /// Nothing was checked yet, or the copy's findings would differ.
    pub fn helpdesk_copy(&self, seed: u64) -> Result<Vec<u8>, Msg> {
        let (input, results) = self.results()?;
        let opts = self.grid_options(&results.mapping);
        pmh_core::redact::redact(&self.layout, &opts, input.as_loaded(), seed)
            .map_err(|e| redact_msg(&e))
    }

    /// The receipt of the current state (JSON, as `pmhcsv build --receipt` writes it): the
    /// input as loaded (name, size, SHA-256 — of the workbook for an Excel file — and
    /// encoding), the findings of the data as it is now, and the upload CSV the page writes
    /// now (the same bytes as its download). `time` comes from the page's clock.
    ///
    /// # Errors
    /// Nothing was checked yet, or `time` is not RFC 3339.
    pub fn receipt(&self, time: &str, progress: &mut ProgressFn<'_>) -> Result<String, Msg> {
        if !pmh_core::receipt::is_rfc3339(time) {
            return Err(Msg::new(
                format!("確認の記録を作れません：日時「{time}」を読み取れません。"),
                format!("The receipt cannot be made: the time “{time}” is not valid."),
            ));
        }
        let (input, results) = self.results()?;
        let (out, mut report) = self.build(
            &input.current(),
            &results.mapping,
            OutputFormat::Csv,
            progress,
        );
        let out_name = upload_csv_name(&file_stem(&input.source));
        let out_sha = sha256_hex(&out);
        let (bytes, sha, encoding) = &input.measured;
        // The findings are those of the data now; the encoding is the file's as loaded.
        report.encoding = *encoding;
        let (bytes, sha, format) = match &input.workbook {
            Some(book) => (book.len() as u64, sha256_hex(book), "xlsx"),
            None => (*bytes, sha.clone(), "csv"),
        };
        Ok(pmh_core::receipt::receipt(&ReceiptRequest {
            tool_name: RECEIPT_TOOL,
            tool_version: env!("CARGO_PKG_VERSION"),
            command: "build",
            time,
            layout: &self.layout,
            inputs: &[ReceiptInput {
                name: input.source.report_name(),
                bytes,
                sha256: &sha,
                format,
                report: &report,
            }],
            output: Some(ReceiptOutput {
                name: &out_name,
                bytes: out.len() as u64,
                sha256: &out_sha,
            }),
        }))
    }

    /// `pmhcsv build` on `bytes`: the upload file and the report.
    fn build(
        &self,
        bytes: &[u8],
        mapping: &ColumnMapping,
        format: OutputFormat,
        progress: &mut ProgressFn<'_>,
    ) -> (Vec<u8>, Report) {
        let opts = Options {
            max_diagnostics: CLI_MAX_DIAGNOSTICS,
            mapping: Some(mapping.clone()),
            masters: self.masters.clone(),
            ..Options::build(format)
        };
        let mut checker = Checker::new(&self.layout, opts);
        let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 4);
        let total = bytes.len() as u64;
        let mut done = 0;
        for chunk in bytes.chunks(CHUNK) {
            checker.feed(chunk);
            out.extend_from_slice(&checker.take_output());
            done += chunk.len() as u64;
            progress(Phase::Building, done, total);
        }
        let (report, tail) = checker.finish_with_output();
        out.extend_from_slice(&tail);
        (out, report)
    }

    /// Benchmark: times `run` over the loaded input's bytes with the grid's options (the
    /// checker alone, as `pmhcsv` runs it). Returns (bytes, rows, and what `time` returned
    /// for each run).
    ///
    /// # Errors
    /// Nothing was checked yet.
    pub fn bench(
        &self,
        repeats: u32,
        time: &mut dyn FnMut(&mut dyn FnMut()) -> f64,
    ) -> Result<(u64, u64, Vec<f64>), Msg> {
        let (input, results) = self.results()?;
        let opts = self.grid_options(&results.mapping);
        let mut runs = Vec::new();
        for _ in 0..repeats.max(1) {
            runs.push(time(&mut || {
                let mut checker = Checker::new(&self.layout, opts.clone());
                for chunk in input.bytes.chunks(64 * 1024) {
                    checker.feed(chunk);
                }
                let _ = checker.finish();
            }));
        }
        Ok((input.bytes.len() as u64, results.meta.rows, runs))
    }

    /// The change log entries (for tests and the page's count).
    pub fn changes(&self) -> &[Change] {
        self.input.as_ref().map_or(&[], |i| i.log.as_slice())
    }
}

/// The findings of one sheet row, as a grid row.
fn grid_row(layout: &Layout, table: &Table, results: &Results, row: u32) -> GridRow {
    let rec = table.record(row as usize - 1);
    let (cells, blank) = rec.map_or((Vec::new(), false), |r| {
        (r.cells.iter().map(|c| (*c).to_owned()).collect(), r.blank)
    });
    let mut marks: Vec<Mark> = Vec::new();
    if let Some(findings) = results.rows.get(&row) {
        for d in findings {
            let col = d.column.unwrap_or(0);
            let view = finding_view(layout, d);
            match marks.iter_mut().find(|m| m.col == col) {
                Some(m) => {
                    m.severity = m.severity.min(view.severity);
                    m.findings.push(view);
                }
                None => marks.push(Mark {
                    col,
                    severity: view.severity,
                    findings: vec![view],
                }),
            }
        }
    }
    marks.sort_by_key(|m| m.col);
    GridRow {
        row,
        cells,
        blank,
        marks,
    }
}

/// A page of the findings list.
fn list_page(layout: &Layout, results: &Results, req: &ListReq) -> FindingsPage {
    let code = req.code.as_deref().and_then(Code::parse);
    let all = results
        .file_head
        .iter()
        .chain(results.rows.values().flatten())
        .chain(&results.file_tail)
        .filter(|d| code.is_none_or(|c| d.code == c));
    let mut total = 0u32;
    let mut items = Vec::new();
    let limit = req.limit.min(MAX_LIST) as usize;
    for d in all {
        if total >= req.offset && items.len() < limit {
            items.push(finding_view(layout, d));
        }
        total += 1;
    }
    FindingsPage {
        code: code.map(|c| c.as_str().to_owned()),
        offset: req.offset,
        total,
        items,
    }
}

/// The upload CSV's file name.
fn upload_csv_name(stem: &str) -> String {
    format!("{stem}_PMH.csv")
}

/// A file name stem from the input's name: `受給者一覧.xlsx` → `受給者一覧`.
fn file_stem(source: &InputSource) -> String {
    match source {
        InputSource::Paste => "貼り付けデータ".to_owned(),
        InputSource::File { name } => {
            let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
            let stem: String = stem
                .chars()
                .map(|c| {
                    if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                        '_'
                    } else {
                        c
                    }
                })
                .collect();
            if stem.trim().is_empty() {
                "pmh".to_owned()
            } else {
                stem
            }
        }
    }
}

fn csv_cell(out: &mut String, v: &str) {
    if v.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&v.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(v);
    }
}

/// The change log as CSV for Excel (UTF-8 with BOM, CRLF), one change per row.
fn change_log_csv(layout: &Layout, input: &Loaded, meta: &Report, lang: ReportLang) -> String {
    let ja = lang == ReportLang::Ja;
    let mut out = String::from("\u{FEFF}");
    out.push_str(if ja {
        "番号,日時,操作,行,列,見出し,項目,コード,変更前,変更後\r\n"
    } else {
        "no,time,action,row,column,header,field,code,before,after\r\n"
    });
    for (n, c) in input.log.iter().enumerate() {
        let (action, code) = match &c.kind {
            ChangeKind::Edit => (if ja { "手入力" } else { "edit" }, ""),
            ChangeKind::Repair(code) => (if ja { "修正案を適用" } else { "repair" }, code.as_str()),
            ChangeKind::RepairAll(code) => (
                if ja {
                    "修正案を一括適用"
                } else {
                    "repair all"
                },
                code.as_str(),
            ),
            ChangeKind::Undo => (if ja { "元に戻す" } else { "undo" }, ""),
        };
        let col = c.cell.col as usize - 1;
        let header = meta.headers.get(col).map_or("", |h| h.trim());
        let field = match meta.uses.get(col) {
            Some(Use::Field(i)) => layout.fields.get(*i).map_or("", |f| {
                if ja {
                    f.label_ja.as_str()
                } else {
                    f.label_en.as_str()
                }
            }),
            Some(Use::Detail) => {
                if ja {
                    "受給者証券面項目"
                } else {
                    "certificate item"
                }
            }
            _ => "",
        };
        let cells = [
            (n + 1).to_string(),
            c.at.clone(),
            action.to_owned(),
            c.cell.row.to_string(),
            pmh_core::column_letter(c.cell.col),
            header.to_owned(),
            field.to_owned(),
            code.to_owned(),
            c.before.clone(),
            c.after.clone(),
        ];
        for (k, v) in cells.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            csv_cell(&mut out, v);
        }
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::WindowReq;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures");

    fn fixture(path: &str) -> Vec<u8> {
        std::fs::read(format!("{FIXTURES}/{path}")).unwrap()
    }

    fn no_progress() -> impl FnMut(Phase, u64, u64) {
        |_, _, _| {}
    }

    /// Loads `bytes` and checks them with the automatic mapping.
    fn checked(bytes: Vec<u8>) -> Session {
        let mut s = Session::default();
        let preview = s
            .load(
                InputSource::File {
                    name: "t.csv".into(),
                },
                Some(bytes),
                None,
                &mut no_progress(),
            )
            .unwrap();
        let targets = crate::mapping::targets(s.layout(), &preview.headers, None);
        let mapping = crate::mapping::to_mapping("", s.layout(), &preview.headers, &targets);
        s.check(&mapping.to_json(), &mut no_progress()).unwrap();
        s
    }

    fn view_all(s: &mut Session) -> ViewData {
        s.view(&ViewReq {
            window: WindowReq {
                filter: Filter::All,
                start: 0,
                count: 100,
            },
            list: Some(ListReq {
                code: None,
                offset: 0,
                limit: 100,
            }),
            jump: None,
        })
        .unwrap()
    }

    fn codes_of(s: &Session) -> Vec<(String, u64)> {
        s.summary()
            .unwrap()
            .codes
            .into_iter()
            .map(|c| (c.code, c.count))
            .collect()
    }

    /// What `pmhcsv build` computes for `bytes`: the checker alone, CLI options.
    fn cli_build(bytes: &[u8], mapping: &str) -> (Vec<u8>, Report) {
        let layout = Layout::full();
        let opts = Options {
            mapping: Some(ColumnMapping::from_json(mapping, &layout).unwrap()),
            ..Options::build(OutputFormat::Csv)
        };
        let mut c = Checker::new(&layout, opts);
        let mut out = Vec::new();
        for chunk in bytes.chunks(64 * 1024) {
            c.feed(chunk);
            out.extend(c.take_output());
        }
        let (report, tail) = c.finish_with_output();
        out.extend(tail);
        (out, report)
    }

    fn full_check_counts(s: &Session) -> Vec<(String, u64)> {
        // A fresh full check of the current (edited) table: what incremental re-checks must match.
        let (input, results) = s.results().unwrap();
        let bytes = input.table.to_csv(b',');
        let mut fresh = Session::default();
        fresh
            .load(InputSource::Paste, Some(bytes), None, &mut no_progress())
            .unwrap();
        fresh
            .check(&results.mapping.to_json(), &mut no_progress())
            .unwrap();
        codes_of(&fresh)
    }

    #[test]
    fn loads_checks_and_shows_a_clean_file() {
        let mut s = checked(fixture("valid/full_minimal.csv"));
        let summary = s.summary().unwrap();
        assert_eq!(summary.rows, 3);
        assert_eq!(summary.errors, 0);
        assert!(!summary.truncated);
        assert!(summary.upload_ready);
        // Without a master the checker says so once (M007, info).
        assert_eq!(summary.file_findings.len(), 1);
        assert_eq!(summary.file_findings[0].code, "M007");
        let view = view_all(&mut s);
        assert_eq!(view.window.total, 3);
        assert_eq!(view.window.rows[0].row, 2);
        assert_eq!(view.window.rows[0].cells[2], "愛知花子");
        assert!(view.window.rows.iter().all(|r| r.marks.is_empty()));
    }

    #[test]
    fn preview_has_headers_samples_and_sheets() {
        let mut s = Session::default();
        let p = s
            .load(
                InputSource::Paste,
                Some("氏名\t個人番号\r\n山田\t1\r\n\t2\r\n佐藤\t3\r\n田中\t4\r\n".into()),
                None,
                &mut no_progress(),
            )
            .unwrap();
        assert_eq!(p.headers, ["氏名", "個人番号"]);
        assert_eq!(p.samples[0], ["山田", "佐藤", "田中"]);
        assert_eq!(p.rows, 4);
        assert!(p.sheets.is_empty());

        let p = s
            .load(
                InputSource::File {
                    name: "b.xlsx".into(),
                },
                Some(fixture("xlsx/full_numbers_dates.xlsx")),
                None,
                &mut no_progress(),
            )
            .unwrap();
        assert!(!p.sheets.is_empty());
        assert!(p.headers.iter().any(|h| h == "個人番号"), "{:?}", p.headers);
        // Another sheet of the same workbook, without sending it again.
        let first = p.sheets[0].clone();
        let again = s
            .load(
                InputSource::Paste,
                None,
                Some(first.clone()),
                &mut no_progress(),
            )
            .unwrap();
        assert_eq!(again.sheet, Some(first));
    }

    #[test]
    fn bad_inputs_are_clear_errors() {
        let mut s = Session::default();
        let empty = s.load(
            InputSource::Paste,
            Some(Vec::new()),
            None,
            &mut no_progress(),
        );
        assert!(empty.unwrap_err().ja.contains("空"));
        let blank = s.load(
            InputSource::Paste,
            Some(b"\r\n\r\n".to_vec()),
            None,
            &mut no_progress(),
        );
        assert!(blank.is_err());
        let binary = s.load(
            InputSource::Paste,
            Some(vec![0, 159, 146, 150, 0, 255, 0, 1, 2, 3]),
            None,
            &mut no_progress(),
        );
        assert!(binary.is_err());
        let broken = s.load(
            InputSource::Paste,
            Some(fixture("xlsx/truncated.xlsx")),
            None,
            &mut no_progress(),
        );
        assert!(broken.is_err());
        // No sheet to switch to.
        assert!(
            s.load(
                InputSource::Paste,
                None,
                Some("x".into()),
                &mut no_progress()
            )
            .is_err()
        );
        assert!(s.summary().is_err());
        assert!(s.edit(CellRef { row: 2, col: 1 }, "x", "").is_err());
        assert!(s.check("{}", &mut no_progress()).is_err());
    }

    #[test]
    fn cp932_input_is_decoded() {
        let mut s = checked(fixture("invalid/S010_cp932.csv"));
        let summary = s.summary().unwrap();
        assert_eq!(summary.encoding.ja, "Shift_JIS（CP932）");
        assert_eq!(summary.errors, 0, "source data may be CP932");
        let view = view_all(&mut s);
        assert!(view.window.rows[0].cells.iter().any(|c| c.contains("愛知")));
    }

    #[test]
    fn editing_a_cell_rechecks_its_row() {
        let text = String::from_utf8(fixture("valid/full_minimal.csv")).unwrap();
        let bad = text.replacen("123456789018", "123456789012", 1);
        let mut s = checked(bad.into_bytes());
        assert_eq!(s.summary().unwrap().errors, 1);
        let view = view_all(&mut s);
        let mark = &view.window.rows[0].marks[0];
        assert_eq!((mark.col, mark.severity), (2, Sev::Error));
        assert_eq!(mark.findings[0].code, "N001");
        assert!(mark.findings[0].message.ja.contains("検査用数字"));
        assert_eq!(view.list.as_ref().unwrap().items[0].code, "N001");

        // Problems view: only that row.
        let problems = s
            .view(&ViewReq {
                window: WindowReq {
                    filter: Filter::Problems,
                    start: 0,
                    count: 10,
                },
                ..ViewReq::default()
            })
            .unwrap();
        assert_eq!(problems.window.total, 1);

        let n = s
            .edit(CellRef { row: 2, col: 2 }, "123456789018", "t1")
            .unwrap();
        assert_eq!(n, 1);
        let summary = s.summary().unwrap();
        assert_eq!(summary.errors, 0);
        assert!(summary.upload_ready);
        assert_eq!(summary.changes, 1);
        assert!(view_all(&mut s).window.rows[0].marks.is_empty());
        // The same value again changes nothing and is not logged.
        assert_eq!(
            s.edit(CellRef { row: 2, col: 2 }, "123456789018", "t2")
                .unwrap(),
            0
        );
        assert_eq!(s.changes().len(), 1);
        // Header and out-of-range cells are refused.
        assert!(s.edit(CellRef { row: 1, col: 1 }, "x", "").is_err());
        assert!(s.edit(CellRef { row: 99, col: 1 }, "x", "").is_err());
        assert!(s.edit(CellRef { row: 2, col: 0 }, "x", "").is_err());
        assert_eq!(codes_of(&s), full_check_counts(&s));
    }

    #[test]
    fn cross_row_findings_follow_edits() {
        let mut s = checked(fixture("invalid/K001_duplicate_certificate.csv"));
        let k001 = |s: &Session| {
            s.summary()
                .unwrap()
                .codes
                .iter()
                .find(|c| c.code == "K001")
                .map_or(0, |c| c.count)
        };
        assert_eq!(k001(&s), 1);
        let view = view_all(&mut s);
        let dup_row = view
            .window
            .rows
            .iter()
            .find(|r| {
                r.marks
                    .iter()
                    .any(|m| m.findings.iter().any(|f| f.code == "K001"))
            })
            .unwrap()
            .row;
        assert_eq!(dup_row, 4);
        // Change the earlier row's My Number: the later row is no longer a duplicate.
        s.edit(CellRef { row: 2, col: 2 }, "983205673214", "t")
            .unwrap();
        assert_eq!(k001(&s), 0);
        assert_eq!(codes_of(&s), full_check_counts(&s));
        // Change it back: the duplicate returns, reported on the later row, naming row 2.
        s.undo("t").unwrap();
        assert_eq!(k001(&s), 1);
        let view = view_all(&mut s);
        let f = view.window.rows[2]
            .marks
            .iter()
            .flat_map(|m| &m.findings)
            .find(|f| f.code == "K001")
            .unwrap();
        assert!(f.message.ja.contains('2'), "{}", f.message.ja);
        assert_eq!(codes_of(&s), full_check_counts(&s));
        // Make row 3 a duplicate of row 2 as well.
        s.edit(CellRef { row: 3, col: 2 }, "123456789018", "t")
            .unwrap();
        assert_eq!(codes_of(&s), full_check_counts(&s));
        assert!(k001(&s) >= 2);
        assert_eq!(s.changes().len(), 3);
    }

    #[test]
    fn repairs_apply_to_one_cell_or_all() {
        let mut s = checked(fixture("invalid/X006_wareki_date.csv"));
        let before = codes_of(&s);
        let x006 = before
            .iter()
            .find(|(c, _)| c == "X006")
            .map(|(_, n)| *n)
            .unwrap();
        assert!(x006 >= 2, "{before:?}");
        let view = view_all(&mut s);
        let (row, col, after) = view
            .window
            .rows
            .iter()
            .flat_map(|r| r.marks.iter().map(move |m| (r.row, m)))
            .flat_map(|(row, m)| m.findings.iter().map(move |f| (row, m.col, f)))
            .find(|(_, _, f)| f.code == "X006")
            .map(|(row, col, f)| (row, col, f.repair.clone().unwrap().after))
            .unwrap();
        assert_eq!(
            s.repair(CellRef { row, col }, "X006", false, "t").unwrap(),
            1
        );
        let cells = view_all(&mut s).window.rows[(row - 2) as usize]
            .cells
            .clone();
        assert_eq!(cells[col as usize - 1], after);
        let left = codes_of(&s)
            .iter()
            .find(|(c, _)| c == "X006")
            .map_or(0, |(_, n)| *n);
        assert_eq!(left, x006 - 1);
        assert_eq!(
            s.repair(CellRef { row, col }, "X006", true, "t").unwrap() as u64,
            x006 - 1
        );
        assert!(!codes_of(&s).iter().any(|(c, _)| c == "X006"));
        assert_eq!(codes_of(&s), full_check_counts(&s));
        assert!(s.repair(CellRef { row, col }, "X006", false, "t").is_err());
        assert!(s.repair(CellRef { row, col }, "nope", false, "t").is_err());
        // The log names what was done.
        let kinds: Vec<_> = s.changes().iter().map(|c| c.kind.clone()).collect();
        assert_eq!(kinds[0], ChangeKind::Repair(Code::RepairDate));
        assert_eq!(kinds[1], ChangeKind::RepairAll(Code::RepairDate));
        let (_, _, log, _) = s
            .download(
                DownloadKind::ChangeLog,
                ReportLang::Ja,
                &DownloadExtra::default(),
                &mut no_progress(),
            )
            .unwrap();
        let log = String::from_utf8(log).unwrap();
        assert!(log.starts_with("\u{FEFF}番号,日時,操作,行,列"));
        assert!(log.contains("修正案を一括適用"));
        assert!(log.contains("平成25年1月1日"));
        assert_eq!(log.matches("\r\n").count(), 1 + s.changes().len());
    }

    #[test]
    fn downloads_are_what_the_cli_writes() {
        let bytes = fixture("invalid/X006_wareki_date.csv");
        let mut s = checked(bytes.clone());
        let mapping = s.results().unwrap().1.mapping.to_json();
        let (name, mime, csv, errors) = s
            .download(
                DownloadKind::UploadCsv,
                ReportLang::Ja,
                &DownloadExtra::default(),
                &mut no_progress(),
            )
            .unwrap();
        let (cli, report) = cli_build(&bytes, &mapping);
        assert_eq!(csv, cli);
        assert_eq!(errors, report.errors);
        assert_eq!((name.as_str(), mime), ("t_PMH.csv", "text/csv"));
        assert!(csv.starts_with("\u{FEFF}機関別受給者証種別ID".as_bytes()));

        let (_, _, json, _) = s
            .download(
                DownloadKind::UploadJson,
                ReportLang::Ja,
                &DownloadExtra::default(),
                &mut no_progress(),
            )
            .unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert!(parsed.is_array());

        let (name, _, report_csv, _) = s
            .download(
                DownloadKind::ReportCsv,
                ReportLang::Ja,
                &DownloadExtra::default(),
                &mut no_progress(),
            )
            .unwrap();
        assert_eq!(name, "t_確認結果.csv");
        let report_csv = String::from_utf8(report_csv).unwrap();
        assert!(report_csv.starts_with("\u{FEFF}ファイル,行,列,項目"));
        assert!(report_csv.contains("X006"));

        // After an edit the upload file is built from the edited table.
        s.edit(CellRef { row: 2, col: 3 }, "愛知花代", "t").unwrap();
        let (_, _, edited, _) = s
            .download(
                DownloadKind::UploadCsv,
                ReportLang::Ja,
                &DownloadExtra::default(),
                &mut no_progress(),
            )
            .unwrap();
        let edited = String::from_utf8(edited).unwrap();
        assert!(edited.contains("愛知花代"));
        let (_, _, report_csv, _) = s
            .download(
                DownloadKind::ReportCsv,
                ReportLang::En,
                &DownloadExtra::default(),
                &mut no_progress(),
            )
            .unwrap();
        assert!(
            String::from_utf8(report_csv)
                .unwrap()
                .starts_with("\u{FEFF}file,row,column")
        );
    }

    /// (code, row, column) of every finding of `bytes` under the grid's options.
    fn positions(s: &Session, bytes: &[u8]) -> Vec<(Code, Option<u32>, Option<u32>)> {
        let opts = s.grid_options(&s.results().unwrap().1.mapping);
        let report = run_checker(s.layout(), opts, bytes, &mut |_| {});
        let mut v: Vec<_> = report
            .diagnostics
            .iter()
            .map(|d| (d.code, d.row, d.column))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn the_helpdesk_copy_is_anonymous_with_the_same_findings() {
        let bytes = fixture("invalid/K001_duplicate_certificate.csv");
        let mut s = checked(bytes.clone());
        let extra = DownloadExtra { time: "", seed: 7 };
        let (name, mime, copy, _) = s
            .download(
                DownloadKind::Helpdesk,
                ReportLang::Ja,
                &extra,
                &mut no_progress(),
            )
            .unwrap();
        assert_eq!((name.as_str(), mime), ("t-helpdesk.csv", "text/csv"));
        let text = String::from_utf8(copy.clone()).unwrap();
        for personal in [
            "123456789018",
            "023456789013",
            "愛知花子",
            "山田太郎",
            "アイチ　ハナコ",
            "愛知県名古屋市",
            "2013-01-01",
            "2015-06-30",
        ] {
            assert!(!text.contains(personal), "{personal} in {text}");
        }
        assert!(text.contains("子ども医療費受給者証") && text.contains("88134457"));
        let original = positions(&s, &bytes);
        assert!(original.iter().any(|p| p.0 == Code::DuplicateCertificate));
        assert_eq!(positions(&s, &copy), original);
        // The same seed gives the same copy; another seed another one.
        assert_eq!(s.helpdesk_copy(7).unwrap(), copy);
        assert_ne!(s.helpdesk_copy(8).unwrap(), copy);

        // Edits are not included: the file is anonymised as loaded, also once the edits were
        // folded into the checked bytes (a new check).
        s.edit(CellRef { row: 4, col: 2 }, "983205673214", "t")
            .unwrap();
        assert_eq!(s.helpdesk_copy(7).unwrap(), copy);
        let mapping = s.results().unwrap().1.mapping.to_json();
        s.check(&mapping, &mut no_progress()).unwrap();
        assert!(s.loaded().unwrap().original.is_some());
        assert_eq!(s.helpdesk_copy(7).unwrap(), copy);
    }

    #[test]
    fn the_helpdesk_copy_keeps_the_encoding_and_needs_a_check() {
        let bytes = fixture("invalid/S010_cp932.csv");
        let s = checked(bytes.clone());
        let copy = s.helpdesk_copy(1).unwrap();
        assert!(!copy.starts_with(b"\xEF\xBB\xBF"));
        assert!(String::from_utf8(copy.clone()).is_err(), "still CP932");
        assert_eq!(positions(&s, &copy), positions(&s, &bytes));
        let mut fresh = Session::default();
        fresh
            .load(InputSource::Paste, Some(bytes), None, &mut no_progress())
            .unwrap();
        assert!(fresh.helpdesk_copy(1).unwrap_err().ja.contains("確認"));
    }

    #[test]
    fn redaction_failures_read_as_the_page_speaks() {
        let m = redact_msg(&RedactError::FindingsChanged {
            original: 3,
            redacted: 2,
            first: None,
        });
        assert!(
            m.ja.contains("元のファイルの指摘 3 件、匿名化後 2 件"),
            "{}",
            m.ja
        );
        assert!(!m.ja.contains("--seed"));
        assert!(m.en.contains("3 before, 2 after"));
    }

    #[test]
    fn the_receipt_records_the_input_the_findings_and_the_upload_csv() {
        let bytes = fixture("invalid/X006_wareki_date.csv");
        let mut s = checked(bytes.clone());
        let time = "2025-04-01T00:30:15.123Z";
        let extra = DownloadExtra { time, seed: 0 };
        let receipt = |s: &Session| {
            let (name, mime, json, _) = s
                .download(
                    DownloadKind::Receipt,
                    ReportLang::Ja,
                    &extra,
                    &mut no_progress(),
                )
                .unwrap();
            assert_eq!(
                (name.as_str(), mime),
                ("t_確認の記録.json", "application/json")
            );
            serde_json::from_slice::<serde_json::Value>(&json).unwrap()
        };
        let upload = |s: &Session| {
            s.download(
                DownloadKind::UploadCsv,
                ReportLang::Ja,
                &extra,
                &mut no_progress(),
            )
            .unwrap()
            .2
        };
        let v = receipt(&s);
        assert_eq!(v["tool"]["name"], RECEIPT_TOOL);
        assert_eq!(v["command"], "build");
        assert_eq!(v["time"], time);
        assert_eq!(v["layout"]["id"], "full");
        let input = &v["inputs"][0];
        assert_eq!(input["name"], "t.csv");
        assert_eq!(input["format"], "csv");
        assert_eq!(input["bytes"], bytes.len());
        assert_eq!(input["sha256"], sha256_hex(&bytes));
        assert_eq!(input["encoding"], "utf-8-bom");
        let mapping = s.results().unwrap().1.mapping.to_json();
        let (cli, report) = cli_build(&bytes, &mapping);
        for (code, n) in report.codes_found() {
            assert_eq!(input["counts"][code.as_str()], n);
        }
        assert_eq!(input["rows"], report.rows);
        assert_eq!(v["output"]["name"], "t_PMH.csv");
        assert_eq!(v["output"]["sha256"], sha256_hex(&cli));
        assert_eq!(v["output"]["sha256"], sha256_hex(&upload(&s)));
        assert_eq!(v["output"]["bytes"], cli.len());

        // After an edit: the same input, the counts and the upload CSV of the data now.
        let x006 = input["counts"]["X006"].as_u64().unwrap();
        let cell = view_all(&mut s).window.rows[0]
            .marks
            .iter()
            .find(|m| m.findings.iter().any(|f| f.code == "X006"))
            .map(|m| CellRef { row: 2, col: m.col })
            .unwrap();
        s.repair(cell, "X006", false, "t").unwrap();
        // (A repair the build makes anyway leaves the upload CSV as it was.)
        assert_eq!(receipt(&s)["output"], v["output"]);
        s.edit(CellRef { row: 2, col: 3 }, "愛知花代", "t").unwrap();
        let after = receipt(&s);
        assert_eq!(after["inputs"][0]["sha256"], sha256_hex(&bytes));
        assert_eq!(after["inputs"][0]["encoding"], "utf-8-bom");
        assert_eq!(after["inputs"][0]["counts"]["X006"], x006 - 1);
        assert_ne!(after["output"]["sha256"], v["output"]["sha256"]);
        assert_eq!(after["output"]["sha256"], sha256_hex(&upload(&s)));

        // The page's clock must be a real time.
        let bad = s.download(
            DownloadKind::Receipt,
            ReportLang::En,
            &DownloadExtra::default(),
            &mut no_progress(),
        );
        assert!(bad.unwrap_err().ja.contains("日時"));
    }

    #[test]
    fn a_paste_is_anonymised_and_recorded_as_its_utf8_text() {
        let text = String::from_utf8(fixture("invalid/N001_my_number_check_digit.csv"))
            .unwrap()
            .trim_start_matches('\u{FEFF}')
            .replace(',', "\t");
        let mut s = Session::default();
        let p = s
            .load(
                InputSource::Paste,
                Some(text.clone().into_bytes()),
                None,
                &mut no_progress(),
            )
            .unwrap();
        let targets = crate::mapping::targets(s.layout(), &p.headers, None);
        let mapping = crate::mapping::to_mapping("", s.layout(), &p.headers, &targets);
        s.check(&mapping.to_json(), &mut no_progress()).unwrap();
        let extra = DownloadExtra {
            time: "2025-04-01T00:00:00Z",
            seed: 99,
        };
        let (name, _, copy, _) = s
            .download(
                DownloadKind::Helpdesk,
                ReportLang::Ja,
                &extra,
                &mut no_progress(),
            )
            .unwrap();
        assert_eq!(name, "貼り付けデータ-helpdesk.csv");
        assert!(
            positions(&s, text.as_bytes())
                .iter()
                .any(|p| p.0 == Code::MyNumberCheckDigit)
        );
        assert_eq!(positions(&s, &copy), positions(&s, text.as_bytes()));
        assert!(
            String::from_utf8(copy).unwrap().contains('\t'),
            "tab-separated as pasted"
        );
        let v: serde_json::Value =
            serde_json::from_str(&s.receipt(extra.time, &mut no_progress()).unwrap()).unwrap();
        assert_eq!(v["inputs"][0]["name"], "貼り付け");
        assert_eq!(v["inputs"][0]["sha256"], sha256_hex(text.as_bytes()));
        assert_eq!(v["inputs"][0]["bytes"], text.len());
        assert_eq!(v["output"]["name"], "貼り付けデータ_PMH.csv");
    }

    #[test]
    fn the_receipt_of_a_workbook_records_the_workbook() {
        let book = fixture("xlsx/full_numbers_dates.xlsx");
        let mut s = Session::default();
        let p = s
            .load(
                InputSource::File {
                    name: "受給者.xlsx".into(),
                },
                Some(book.clone()),
                None,
                &mut no_progress(),
            )
            .unwrap();
        let targets = crate::mapping::targets(s.layout(), &p.headers, None);
        let mapping = crate::mapping::to_mapping("", s.layout(), &p.headers, &targets);
        s.check(&mapping.to_json(), &mut no_progress()).unwrap();
        assert!(s.summary().unwrap().workbook);
        let json = s
            .receipt("2025-04-01T00:00:00Z", &mut no_progress())
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let input = &v["inputs"][0];
        assert_eq!(input["name"], "受給者.xlsx");
        assert_eq!(input["format"], "xlsx");
        assert_eq!(input["bytes"], book.len());
        assert_eq!(input["sha256"], sha256_hex(&book));
        // The help-desk copy is the sheet's CSV, anonymised.
        let copy = s.helpdesk_copy(3).unwrap();
        assert!(!xlsx::is_xlsx(&copy));
        let sheet = s.loaded().unwrap().as_loaded().to_vec();
        assert_eq!(positions(&s, &copy), positions(&s, &sheet));
    }

    #[test]
    fn views_filter_jump_and_page() {
        let mut text = String::from_utf8(fixture("valid/full_minimal.csv")).unwrap();
        let row = text.lines().nth(1).unwrap().to_owned();
        for i in 0..300 {
            // Every 10th row has an impossible date.
            let r = if i % 10 == 0 {
                row.replace("2013-01-01", "2013-02-30")
            } else {
                row.replace("123456789018", &pmh_core::synth::my_number(i))
            };
            text.push_str(&r);
            text.push_str("\r\n");
        }
        let mut s = checked(text.into_bytes());
        let summary = s.summary().unwrap();
        assert_eq!(summary.rows, 303);
        assert!(summary.error_rows >= 30);
        let req = |filter: Filter, start: u32, jump: Option<CellRef>| ViewReq {
            window: WindowReq {
                filter,
                start,
                count: 20,
            },
            list: Some(ListReq {
                code: Some("V004".into()),
                offset: 5,
                limit: 10,
            }),
            jump,
        };
        let v = s.view(&req(Filter::Code("V004".into()), 0, None)).unwrap();
        assert_eq!(v.window.total, 30);
        assert_eq!(v.window.rows.len(), 20);
        let list = v.list.unwrap();
        assert_eq!((list.total, list.offset, list.items.len()), (30, 5, 10));
        assert!(list.items.iter().all(|f| f.code == "V004"));
        let v = s.view(&req(Filter::All, 290, None)).unwrap();
        assert_eq!(v.window.start, 290);
        assert_eq!(v.window.rows.len(), 13);
        // Past the end: clamped.
        let v = s.view(&req(Filter::All, 10_000, None)).unwrap();
        assert_eq!(v.window.start, 302);
        // Jump to a row the filter hides: back to all rows.
        let cell = CellRef { row: 150, col: 3 };
        let v = s.view(&req(Filter::Errors, 0, Some(cell))).unwrap();
        assert_eq!(v.window.filter, Filter::All);
        let jumped = v.jumped.unwrap();
        assert_eq!(jumped.index, 148);
        assert!(v.window.rows.iter().any(|r| r.row == 150));
        // A jump within the filter stays in it.
        let v = s
            .view(&req(Filter::Errors, 0, Some(CellRef { row: 105, col: 6 })))
            .unwrap();
        assert_eq!(v.window.filter, Filter::Errors);
        assert_eq!(v.jumped.unwrap().index, 10);
    }

    #[test]
    fn configure_changes_layout_and_masters() {
        let mut s = checked(fixture("valid/full_minimal_with_master.csv"));
        assert!(
            s.summary()
                .unwrap()
                .file_findings
                .iter()
                .any(|f| f.code == "M007")
        );
        let master = fixture("masters/example_master.csv");
        s.configure(&LayoutSpec::Full, &[("example_master.csv", &master)])
            .unwrap();
        assert!(s.summary().is_err(), "results are dropped");
        let headers = s.loaded().unwrap().table.headers();
        let t = crate::mapping::targets(s.layout(), &headers, None);
        let m = crate::mapping::to_mapping("", s.layout(), &headers, &t);
        s.check(&m.to_json(), &mut no_progress()).unwrap();
        let summary = s.summary().unwrap();
        assert!(!summary.file_findings.iter().any(|f| f.code == "M007"));
        assert!(summary.masters.ja.contains("example_master.csv"));
        assert_eq!(summary.errors, 0);

        assert!(
            s.configure(&LayoutSpec::Full, &[("bad.csv", b"x,y\r\n")])
                .is_err()
        );
        let bad = s.configure(
            &LayoutSpec::Custom {
                name: "x.toml".into(),
                toml: "id = ".into(),
            },
            &[],
        );
        assert!(
            bad.unwrap_err()
                .ja
                .starts_with("レイアウトファイルを使えません")
        );
        s.configure(&LayoutSpec::Diff, &[]).unwrap();
        assert_eq!(s.layout().id, "diff");
        s.configure(
            &LayoutSpec::Custom {
                name: "full.toml".into(),
                toml: pmh_core::FULL_TOML.into(),
            },
            &[],
        )
        .unwrap();
        assert_eq!(s.layout().id, "full");
    }

    #[test]
    fn edits_survive_a_layout_with_another_delimiter() {
        let mut s = checked(fixture("valid/full_minimal.csv"));
        s.edit(CellRef { row: 2, col: 3 }, "愛知花代", "t").unwrap();
        let tabbed = pmh_core::FULL_TOML.replace("delimiter = \",\"", "delimiter = \"\\t\"");
        let spec = LayoutSpec::Custom {
            name: "tab.toml".into(),
            toml: tabbed,
        };
        s.configure(&spec, &[]).unwrap();
        assert_eq!(s.layout().dialect.delimiter_byte(), b'\t');
        let headers = s.loaded().unwrap().table.headers();
        assert_eq!(headers.len(), 21, "still split into columns");
        let t = crate::mapping::targets(s.layout(), &headers, None);
        let m = crate::mapping::to_mapping("", s.layout(), &headers, &t);
        s.check(&m.to_json(), &mut no_progress()).unwrap();
        let view = view_all(&mut s);
        assert_eq!(view.window.rows[0].cells[2], "愛知花代");
    }

    #[test]
    fn bench_times_every_run() {
        let s = checked(fixture("valid/full_minimal.csv"));
        let mut calls = 0;
        let (bytes, rows, runs) = s
            .bench(3, &mut |f| {
                f();
                calls += 1;
                1.5
            })
            .unwrap();
        assert_eq!((rows, runs.len(), calls), (3, 3, 3));
        assert!(bytes > 100);
    }

    #[test]
    fn blank_and_short_rows_can_be_filled_in() {
        let text = String::from_utf8(fixture("valid/full_minimal.csv")).unwrap();
        let mut lines: Vec<&str> = text.split("\r\n").collect();
        lines.insert(2, "");
        let text = lines.join("\r\n");
        let mut s = checked(text.into_bytes());
        assert!(codes_of(&s).iter().any(|(c, _)| c == "S009"));
        let v = view_all(&mut s);
        assert!(v.window.rows[1].blank);
        s.edit(CellRef { row: 3, col: 3 }, "名前", "t").unwrap();
        assert!(!codes_of(&s).iter().any(|(c, _)| c == "S009"));
        assert_eq!(codes_of(&s), full_check_counts(&s));
    }
}
