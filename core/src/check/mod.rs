//! The streaming checker: bytes in (any chunking), one [`Report`] out.
//!
//! [`Checker`] runs the two stages, [`Front`] (hash, decode, split into record batches) and
//! [`Back`] (header mapping, cell, row and key checks), on one thread (the browser worker,
//! tests); the CLI runs them on two threads.
//!
//! ```text
//! chunk ─Decoder─▶ UTF-8 ─RecordReader─▶ records ─header map─▶ rows ─cell/row/key checks─▶ Report
//! ```
//!
//! Memory is bounded by the longest record plus the certificate-key index (a few dozen bytes
//! per row), never by the file: the CLI feeds 64 KiB chunks.

pub(crate) mod cells;
pub(crate) mod conditions;
mod fields;
mod file;
pub mod incremental;
pub(crate) mod keys;
pub(crate) mod master;
pub mod previous;
pub(crate) mod repair;
mod rows;

use std::sync::Arc;

/// Re-exported: other modules trim the way the checker does.
pub(crate) use crate::check::cells::trim_edges;
use crate::check::cells::{
    all_ascii_digits, char_count, digit_runs, first_disallowed, holds_digit, is_excel_error,
    is_excel_exponent_display, is_exponent_form, is_whole_my_number, my_number_shaped,
};
/// Re-exported: the page says S026 again after an edit as the checker says it.
pub use crate::check::file::hidden_rows_finding;
pub use crate::check::keys::KeyTracker;
use crate::check::keys::{BirthDates, KeyFinding, SortedKeys};
use crate::check::master::{CodeCheck, ConditionProblem, InsurerMatch, Masters};
/// Re-exported: `pmhcsv diff` folds key values the way the checker does.
pub(crate) use crate::check::rows::{key_values_as_built, my_number_as_compared};
use crate::domain::chars::{CharIssue, first_invisible};
use crate::domain::{checkdigit, date, tables};
use crate::findings::codes::{Code, Severity};
use crate::findings::diagnostic::{Detail, Diagnostic};
use crate::findings::report::Report;
use crate::input::decode::{DecodeFailure, EncodingChoice, TextEncoding};
use crate::input::front::{Front, FrontSummary, RecMeta, RecordBatch, field_start};
use crate::input::reader::LineEndings;
use crate::input::xlsx::NumericCells;
use crate::layout::header::Use;
use crate::layout::header::{ColumnMapping, HeaderMap, Matcher};
use crate::layout::{
    Basis, CharClass, CharLevel, Check, Encoding, KeyIndex, Layout, LineEnding, Rule, ValueType,
};
use crate::output::write::{self, OutputFormat};

/// What the input is meant to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputKind {
    /// An upload file: it must follow the layout's dialect (encoding, BOM, delimiter...).
    #[default]
    Upload,
    /// Source data to be built into an upload file: any supported encoding and delimiter.
    Source,
}

/// Options of one check.
#[derive(Debug, Clone)]
pub struct Options {
    /// Upload file or source data.
    pub kind: InputKind,
    /// At most this many findings are kept (counts stay exact). `0` keeps none.
    pub max_diagnostics: usize,
    /// Expected number of rows, if known (e.g. from the file size): sizes the certificate-key
    /// index once instead of growing it. Only a hint.
    pub expected_rows: Option<usize>,
    /// Explicit column mapping.
    pub mapping: Option<ColumnMapping>,
    /// 公費負担者番号 known to be printed with a wrong check digit (N003 becomes N008).
    pub known_insurer_numbers: Vec<String>,
    /// The municipality's 制度マスタ; `None` skips the master checks (reported once, M007).
    pub masters: Option<Arc<Masters>>,
    /// Apply the safe repairs (`pmhcsv build`) and report each one (X codes); the checks then
    /// run on the repaired values.
    pub repair: bool,
    /// Write the (repaired) upload file in this format; take it with [`Back::take_output`].
    pub output: Option<OutputFormat>,
    /// The cells that were numbers in the source workbook (`xlsx::sheet_to_csv_with_numbers`):
    /// only there are leading zeros restored (X008); elsewhere they are proposed (X010).
    pub numeric_cells: Option<Arc<NumericCells>>,
    /// The input's text encoding: detected ([`EncodingChoice::Auto`], the default), or the
    /// caller's explicit choice (`--encoding`, the page's selector), which overrides detection.
    /// Callers that drive [`Front`] themselves pass it to [`Front::with_encoding`].
    pub encoding: EncodingChoice,
    /// The reference date of a 全件 file (`pmhcsv --as-of`, default today; the page passes the
    /// browser's date): rows whose validity ended before it are R003. `None` skips the check
    /// (core reads no clock).
    pub as_of: Option<date::Ymd>,
    /// The input is a workbook checked as it stands (`pmhcsv validate book.xlsx`): its data
    /// is judged as source data, and the file itself is no file PMH takes (S022, an error, so
    /// that it is never "ready to upload").
    pub workbook: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            kind: InputKind::Upload,
            max_diagnostics: 1000,
            expected_rows: None,
            mapping: None,
            known_insurer_numbers: Vec::new(),
            masters: None,
            repair: false,
            output: None,
            numeric_cells: None,
            encoding: EncodingChoice::Auto,
            as_of: None,
            workbook: false,
        }
    }
}

/// The option presets every front end uses, so that the CLI and the page cannot drift apart:
/// `pmhcsv validate` ([`Options::validate`]), `pmhcsv build` and the page's downloads
/// ([`Options::build`]), and the page's grid ([`Options::grid`]). Callers then set what is
/// theirs (mapping, masters, limits) on the returned value.
impl Options {
    /// `pmhcsv validate`: an upload file checked as it is, no repairs, no output.
    #[must_use]
    pub fn validate() -> Self {
        Self::default()
    }

    /// `pmhcsv build` and the page's downloads: source data in any supported encoding, the safe
    /// repairs applied and reported, the upload file written in `output`.
    #[must_use]
    pub fn build(output: OutputFormat) -> Self {
        Self {
            kind: InputKind::Source,
            repair: true,
            output: Some(output),
            ..Self::default()
        }
    }

    /// The page's grid: exactly [`Options::build`]'s checks, without writing output, keeping up
    /// to `max_diagnostics` findings.
    #[must_use]
    pub fn grid(max_diagnostics: usize) -> Self {
        Self {
            output: None,
            max_diagnostics,
            ..Self::build(OutputFormat::Csv)
        }
    }
}

/// Findings collector: O(1) per finding, exact counts when the list is truncated.
pub(crate) struct Sink {
    pub(crate) kept: Vec<Diagnostic>,
    pub(crate) counts: Vec<u64>,
    pub(crate) severities: [u64; 3],
    max: usize,
    /// (row, findings pushed before that row's certificate check), recorded while the count
    /// changes and is below `max`: where the sorted index's findings go (at most `max` + 1
    /// entries).
    key_marks: Vec<(u32, u64)>,
}

impl Sink {
    fn new(max: usize) -> Self {
        Self {
            kept: Vec::new(),
            counts: vec![0; Code::ALL.len()],
            severities: [0; 3],
            max,
            key_marks: Vec::new(),
        }
    }

    fn total(&self) -> u64 {
        self.severities.iter().sum()
    }

    /// Notes how many findings precede row `row`'s certificate finding, which the sorted index
    /// only finds at the end of the file.
    fn mark_key_check(&mut self, row: u32) {
        let n = self.total();
        match self.key_marks.last() {
            Some(&(_, m)) if m == n || m >= self.max as u64 => {}
            _ => self.key_marks.push((row, n)),
        }
    }

    /// Adds the sorted index's findings (in row order) where each row's certificate check
    /// would have pushed them, so that the kept list and its order are those of the per-row
    /// index: the first `max` findings in file order.
    fn merge_key_findings(&mut self, found: impl Iterator<Item = (u32, Diagnostic)>) {
        let mut found = found.peekable();
        if found.peek().is_none() {
            return;
        }
        let marks = std::mem::take(&mut self.key_marks);
        let mut earlier = std::mem::take(&mut self.kept).into_iter();
        let mut kept = Vec::with_capacity(self.max.min(1 << 16));
        let (mut copied, mut m) = (0u64, 0usize);
        for (row, d) in found {
            self.counts[d.code.index()] += 1;
            self.severities[d.severity as usize] += 1;
            while marks.get(m + 1).is_some_and(|&(r, _)| r <= row) {
                m += 1;
            }
            let at = marks
                .get(m)
                .filter(|&&(r, _)| r <= row)
                .map_or(0, |&(_, n)| n);
            if at < self.max as u64 && kept.len() < self.max {
                while copied < at {
                    let Some(x) = earlier.next() else { break };
                    kept.push(x);
                    copied += 1;
                }
                kept.push(d);
            }
        }
        kept.extend(earlier);
        kept.truncate(self.max);
        self.kept = kept;
    }

    /// Pushes `d` completed by `fill` (its value or detail), which runs only when the finding
    /// is kept: past `max` only the counts change, and they depend on the code and severity
    /// alone, which `fill` must not change.
    fn push_with(&mut self, d: Diagnostic, fill: impl FnOnce(Diagnostic) -> Diagnostic) {
        if self.kept.len() < self.max {
            let (code, severity) = (d.code, d.severity);
            let d = fill(d);
            debug_assert!(d.code == code && d.severity == severity);
            self.push(d);
        } else {
            self.push(d);
        }
    }

    fn push(&mut self, d: Diagnostic) {
        self.counts[d.code.index()] += 1;
        self.severities[d.severity as usize] += 1;
        if self.kept.len() < self.max {
            self.kept.push(d);
        }
    }
}

/// Streaming checker of one input file: [`Front`] and [`Back`] on one thread.
pub struct Checker<'l> {
    front: Front,
    back: Back<'l>,
}

impl<'l> Checker<'l> {
    /// A checker for `layout`.
    pub fn new(layout: &'l Layout, opts: Options) -> Self {
        Self {
            front: Front::with_encoding(layout.dialect.delimiter_byte(), opts.encoding),
            back: Back::new(layout, opts),
        }
    }

    /// Leaves out the SHA-256 of the input ([`Front::without_hash`]; the report's `sha256` is
    /// empty): the checker's own work, which the page's benchmark times apart from the hash.
    #[must_use]
    pub fn without_hash(mut self) -> Self {
        self.front = self.front.without_hash();
        self
    }

    /// See [`Back::use_per_row_keys`].
    #[cfg(test)]
    pub(crate) fn use_per_row_keys(&mut self) {
        self.back.use_per_row_keys();
    }

    /// See [`Back::set_visitor`].
    pub fn set_visitor(&mut self, visitor: Box<RowVisitor<'l>>) {
        self.back.set_visitor(visitor);
    }

    /// Ends the input: the report and the last bytes of the upload file (build mode; the
    /// earlier bytes come from [`Checker::take_output`]).
    pub fn finish_with_output(mut self) -> (Report, Vec<u8>) {
        let (rest, summary) = self.front.finish();
        for batch in &rest {
            self.back.consume(batch);
        }
        self.back.finish_with_output(&summary)
    }

    /// The upload file bytes written so far (build mode).
    pub fn take_output(&mut self) -> Vec<u8> {
        self.back.take_output()
    }

    /// Feeds the next chunk of the file.
    pub fn feed(&mut self, chunk: &[u8]) {
        self.front.feed(chunk);
        let ready: Vec<RecordBatch> = self.front.take_ready().collect();
        for batch in ready {
            self.back.consume(&batch);
            self.front.recycle(batch);
        }
    }

    /// Ends the input and returns the report.
    pub fn finish(mut self) -> Report {
        let (rest, summary) = self.front.finish();
        for batch in &rest {
            self.back.consume(batch);
        }
        self.back.finish(&summary)
    }
}

/// Stage 2 of checking: record batches → findings.
pub struct Back<'l> {
    layout: &'l Layout,
    opts: Options,
    matcher: Matcher,
    keys: KeyIndex,
    header: Option<HeaderMap>,
    /// Sheet row of the header record (0 before it is read).
    header_at: u32,
    stopped: bool,
    delimiter: u8,
    encoding: TextEncoding,
    sink: Sink,
    /// Sheet row of the last record (header = 1).
    row: u32,
    data_rows: u64,
    blank_rows: u64,
    /// The blank data rows (S009), ascending, for a workbook's sheet only: a hidden row that is
    /// blank now (the page empties a row it leaves out) holds no data (S026).
    blank_in_workbook: Vec<u32>,
    /// The per-row certificate-key index: 履歴キー layouts, and tests comparing it with
    /// `sorted_keys`.
    key_tracker: KeyTracker,
    /// The sorted certificate-key index (layouts without 履歴キー): decided at the end.
    sorted_keys: Option<SortedKeys>,
    /// 個人番号 and 生年月日 of every row (K005), decided at the end; `None` when the layout has
    /// no 個人番号 field or no date of birth.
    birth_dates: Option<BirthDates>,
    /// The layout's 個人番号 field.
    my_number_field: Option<usize>,
    /// The 差分履歴 layout's 削除フラグ (S2: `isDeleted`): a deleted row carries the content
    /// PMH held before, which may be what a correction replaced, so K005 passes it over.
    deleted_field: Option<usize>,
    /// (row, line) wherever `line - row` changes among the rows in `sorted_keys` or
    /// `birth_dates`, to give the findings found at the end their line.
    key_lines: Vec<(u32, u64)>,
    /// Reusable per-row buffer: (start, end) of each layout field's value.
    values: Vec<(usize, usize)>,
    /// Input column (1-based) of each layout field.
    field_cols: Vec<Option<u32>>,
    /// Input column (0-based) of each layout field; `usize::MAX` where the file has none.
    field_indices: Vec<usize>,
    /// Every layout field is the input column of its position (a file in the layout's order):
    /// a record's field values are its first fields, one after the other.
    fields_in_order: bool,
    /// Tests turn the in-order path off to compare it with the general one.
    #[cfg(test)]
    in_order_path: bool,
    /// The 公費負担者番号 field, which decides whether 受給者番号 has a check digit.
    insurer_field: Option<usize>,
    /// Fields holding the master-checked values.
    type_field: Option<usize>,
    /// Fields the layout marks for the master checks (`master_segment`,
    /// `master_income_segment`) and the 追加条件 field, resolved once.
    segment_field: Option<usize>,
    income_segment_field: Option<usize>,
    conditions_field: Option<usize>,
    /// The current record has no character that a character scan could flag, nor a Mac/JIS
    /// form for build mode to repair ([`crate::domain::chars::is_clear`]).
    clean: bool,
    /// A cell of the current record may hold a BOM (U+FEFF): the record is not clean and has
    /// one (or the row is repaired first). One search per record instead of one per cell.
    may_have_bom: bool,
    /// The fields where a `?` or a character reference is the trace of a lost character (C006,
    /// [`crate::layout::Field::may_lose_characters`]). A record is searched once, from the
    /// first of their cells to the last, not once a cell.
    lost_fields: Vec<usize>,
    /// The layout's date format, resolved once ([`date::format_separator`]).
    date_separator: Option<Option<u8>>,
    /// Per layout field: what every cell's checks need of the field, resolved once
    /// ([`CellPlan`]).
    cell_plans: Vec<CellPlan>,
    header_columns: usize,
    /// Build mode: the repaired row (values concatenated) and each field's range in it.
    repaired_text: String,
    repaired_values: Vec<(usize, usize)>,
    /// Build mode: why a date cell could not be repaired, per field, for its V004 message.
    date_problems: Vec<Option<date::DateError>>,
    /// Build mode: each field's repair steps, planned once ([`repair::FieldPlan`]).
    repair_plans: Vec<repair::FieldPlan>,
    /// Input columns kept as 受給者証券面項目, in order.
    detail_cols: Vec<usize>,
    /// The upload file being written (build mode).
    out: Vec<u8>,
    rows_written: u64,
    /// Called with every data row after its checks (see [`Back::set_visitor`]).
    visitor: Option<Box<RowVisitor<'l>>>,
}

/// What the checks of every cell of one layout field need of the field, resolved once per
/// file instead of once per cell (one bounds check, one cache line).
#[derive(Debug, Clone, Copy)]
pub(super) struct CellPlan {
    /// An empty cell is a finding (required, or 受給者番号). An empty cell of any other field
    /// has nothing to check and is skipped before [`Back::cell`], which would return at once.
    empty_is_finding: bool,
    /// An identifier, where Excel's exponent form (N002) destroyed the value (digits, 個人番号,
    /// 公費受給者番号, 公費負担者番号): `Some(strict)`. `strict` where the identifier may hold
    /// letters (a 地単 公費受給者番号 such as `20E0001`): only Excel's own display
    /// (`1.23457E+13`) is taken for the exponent form there.
    identifier: Option<bool>,
    /// A name written in text (氏名, not its katakana), where a digit is V012.
    name_text: bool,
    /// A text field other than 氏名 and the identifiers, where a whole My Number is V013.
    my_number_elsewhere: bool,
    /// A number, code, date or flag ([`crate::layout::Field::is_code_like`]): spaces around
    /// the value are V015, not V008.
    code_like: bool,
    /// Length bounds in characters ([`crate::layout::Field::length_bounds`]).
    min_chars: Option<u32>,
    max_chars: Option<u32>,
    /// Byte lengths that prove the character count within the bounds without counting (a
    /// UTF-8 character is 1–4 bytes): `min_bytes..=max_bytes`.
    min_bytes: usize,
    max_bytes: usize,
}

impl CellPlan {
    fn of(f: &crate::layout::Field) -> Self {
        let digits = f.value_type == ValueType::Digits
            || f.has_check(Check::MyNumber)
            || f.chars == CharClass::Digits;
        let identifier =
            digits || f.has_check(Check::RecipientNumber) || f.has_check(Check::InsurerNumber);
        let (min_chars, max_chars) = f.length_bounds();
        let (min_bytes, max_bytes) = surely_fitting_bytes(min_chars, max_chars);
        Self {
            empty_is_finding: f.required || f.has_check(Check::RecipientNumber),
            identifier: identifier.then_some(!digits),
            name_text: f.personal == crate::layout::Personal::Name && f.chars == CharClass::Name,
            my_number_elsewhere: f.value_type == ValueType::Text
                && !identifier
                && !(f.personal == crate::layout::Personal::Name && f.chars == CharClass::Name),
            code_like: f.is_code_like(),
            min_chars,
            max_chars,
            min_bytes,
            max_bytes,
        }
    }

    /// Whether the byte length alone proves the character count within the bounds, so the
    /// common case needs no counting.
    fn length_surely_fits(&self, value: &str) -> bool {
        (self.min_bytes..=self.max_bytes).contains(&value.len())
    }
}

/// The byte lengths that prove a UTF-8 text's character count within `min..=max` characters:
/// `n` bytes hold `n.div_ceil(4)..=n` characters.
fn surely_fitting_bytes(min: Option<u32>, max: Option<u32>) -> (usize, usize) {
    let to_usize = |n: u32| usize::try_from(n).unwrap_or(usize::MAX);
    (
        min.map_or(0, |m| to_usize(m).saturating_mul(4).saturating_sub(3)),
        max.map_or(usize::MAX, to_usize),
    )
}

/// One checked data row, as [`Back::set_visitor`] hands it over.
#[derive(Debug, Clone, Copy)]
pub struct RowView<'a> {
    /// Row in the sheet (header = 1).
    pub row: u32,
    /// Physical line where the row starts.
    pub line: u64,
    /// Value of each layout field, in layout order (repaired in build mode; `""` when the
    /// column is absent).
    pub fields: &'a [&'a str],
    /// 受給者証券面項目 in input order: (header, value).
    pub details: &'a [(&'a str, &'a str)],
}

/// A callback receiving every checked data row.
pub type RowVisitor<'l> = dyn FnMut(RowView<'_>) + 'l;

impl<'l> Back<'l> {
    /// The validation stage for `layout`.
    pub fn new(layout: &'l Layout, opts: Options) -> Self {
        let max = opts.max_diagnostics;
        let expected_rows = opts.expected_rows.unwrap_or(0);
        let keys = layout.key_index();
        let my_number_field = layout
            .fields
            .iter()
            .position(|f| f.has_check(Check::MyNumber));
        let births = my_number_field.is_some() && keys.date_of_birth.is_some();
        Self {
            layout,
            matcher: Matcher::new(layout),
            keys,
            opts,
            header: None,
            header_at: 0,
            stopped: false,
            delimiter: layout.dialect.delimiter_byte(),
            encoding: TextEncoding::Ascii,
            sink: Sink::new(max),
            row: 0,
            data_rows: 0,
            blank_rows: 0,
            blank_in_workbook: Vec::new(),
            key_tracker: if SortedKeys::applies(layout) {
                KeyTracker::new(layout)
            } else {
                KeyTracker::with_capacity(layout, expected_rows)
            },
            sorted_keys: SortedKeys::applies(layout)
                .then(|| SortedKeys::with_capacity(layout, expected_rows)),
            birth_dates: births.then(|| BirthDates::with_capacity(expected_rows)),
            my_number_field,
            deleted_field: layout
                .field_index("isDeleted")
                .filter(|&i| layout.fields[i].value_type == ValueType::Boolean),
            key_lines: Vec::new(),
            values: Vec::new(),
            field_cols: Vec::new(),
            field_indices: Vec::new(),
            fields_in_order: false,
            #[cfg(test)]
            in_order_path: true,
            insurer_field: layout
                .fields
                .iter()
                .position(|f| f.has_check(Check::InsurerNumber)),
            type_field: layout.field_index("orgSpecificCertificateTypeId"),
            segment_field: layout
                .fields
                .iter()
                .position(|f| f.has_check(Check::MasterSegment)),
            income_segment_field: layout
                .fields
                .iter()
                .position(|f| f.has_check(Check::MasterIncomeSegment)),
            conditions_field: layout
                .fields
                .iter()
                .position(|f| f.value_type == ValueType::Conditions),
            clean: false,
            may_have_bom: true,
            lost_fields: (0..layout.fields.len())
                .filter(|&fi| layout.fields[fi].may_lose_characters())
                .collect(),
            date_separator: date::format_separator(layout.dialect.date_format.as_str()),
            cell_plans: layout.fields.iter().map(CellPlan::of).collect(),
            header_columns: 0,
            repaired_text: String::new(),
            repaired_values: Vec::new(),
            date_problems: vec![None; layout.fields.len()],
            repair_plans: layout.fields.iter().map(repair::FieldPlan::of).collect(),
            detail_cols: Vec::new(),
            out: Vec::new(),
            rows_written: 0,
            visitor: None,
        }
    }

    /// Checks one batch of records, in file order.
    pub fn consume(&mut self, batch: &RecordBatch) {
        if let Some(e) = batch.encoding {
            self.encoding = e;
        }
        self.delimiter = batch.delimiter;
        let mut start = 0usize;
        for meta in &batch.recs {
            let end = meta.fields_end as usize;
            if meta.blank {
                self.blank(meta.line);
            } else {
                let ends = &batch.ends[start..end];
                let base = if start == 0 { 0 } else { batch.ends[start - 1] };
                self.clean = meta.clean;
                self.record(&batch.text, base, ends, meta);
            }
            start = end;
        }
    }

    /// Decides the certificate checks row by row ([`KeyTracker`]) instead of sorting at the
    /// end: the reference the sorted index is compared with (call before the first batch).
    #[cfg(test)]
    pub(crate) fn use_per_row_keys(&mut self) {
        self.sorted_keys = None;
    }

    /// Calls `visitor` with every data row after its checks (blank rows and rows swallowed by
    /// an unclosed quote are not rows). Used by the diff builder, redaction and the web app.
    pub fn set_visitor(&mut self, visitor: Box<RowVisitor<'l>>) {
        self.visitor = Some(visitor);
    }

    /// The upload file bytes written so far (build mode); the buffer is emptied.
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    /// Ends the file: file-level checks, and the report.
    pub fn finish(self, summary: &FrontSummary) -> Report {
        self.finish_with_output(summary).0
    }

    /// Ends the file: the report, and the last bytes of the upload file (build mode).
    pub fn finish_with_output(mut self, summary: &FrontSummary) -> (Report, Vec<u8>) {
        self.encoding = summary.encoding;
        self.deferred_key_checks();
        self.finish_file(summary);
        let out = std::mem::take(&mut self.out);
        let columns = self.header.map(|h| (h.headers, h.uses)).unwrap_or_default();
        let report = Report {
            layout_id: self.layout.id.clone(),
            layout_version: self.layout.version.clone(),
            encoding: summary.encoding,
            bytes: summary.bytes,
            sha256: summary.sha256.clone(),
            rows: self.data_rows,
            blank_rows: self.blank_rows,
            delimiter: summary.delimiter,
            line_endings: summary.line_endings,
            headers: columns.0,
            uses: columns.1,
            diagnostics: self.sink.kept,
            counts: self.sink.counts,
            errors: self.sink.severities[Severity::Error as usize],
            warnings: self.sink.severities[Severity::Warning as usize],
            infos: self.sink.severities[Severity::Info as usize],
            as_of: self.opts.as_of,
        };
        (report, out)
    }

    /// One record: `ends` are absolute offsets in `all`; the first field starts at `base`.
    fn record(&mut self, all: &str, base: usize, ends: &[usize], meta: &RecMeta) {
        let (line, inner_lines, balanced) = (meta.line, meta.inner_lines, meta.balanced);
        self.row = self.row.saturating_add(1);
        if self.stopped {
            self.data_rows += 1;
            return;
        }
        let text = all
            .get(base..ends.last().copied().unwrap_or(base))
            .unwrap_or("");
        let field =
            |i: usize| -> &str { all.get(field_start(base, ends, i)..ends[i]).unwrap_or("") };
        if self.header.is_none() {
            let headers: Vec<String> = (0..ends.len()).map(|i| field(i).to_owned()).collect();
            self.header_row(headers, line);
            return;
        }
        self.data_rows += 1;
        let row = self.row;
        if meta.too_long {
            // A line longer than any PMH record (no line breaks in the file, or not a CSV): it
            // was cut, so its cells mean nothing.
            self.sink
                .push(
                    Diagnostic::new(Code::RecordTooLong)
                        .at(row, line)
                        .detail(Detail::Limit {
                            bytes: crate::input::reader::MAX_RECORD_BYTES as u64,
                        }),
                );
            return;
        }
        if !balanced {
            // The rest of the file was swallowed into this row: its cells mean nothing.
            self.sink
                .push(
                    Diagnostic::new(Code::UnclosedQuote)
                        .at(row, line)
                        .detail(Detail::Lines {
                            // The lines from this one to the end of the file: a line break
                            // ending the file ends the last line and starts none after it.
                            count: (inner_lines + 1)
                                .saturating_sub(u64::from(text.ends_with(['\n', '\r']))),
                        }),
                );
            return;
        }
        // Every field empty: the record's text is only the separators between them.
        if text.len() == ends.len().saturating_sub(1) {
            self.blank_row(row, line);
            return;
        }
        self.may_have_bom = !self.clean && (self.opts.repair || text.contains('\u{FEFF}'));
        // A clean record (front end's all-clear scan) has no U+FFFD: skip the search.
        if !self.clean && text.contains('\u{FFFD}') {
            self.undecodable(all, base, ends, row, line);
        }
        if let Some(col) = meta.bare_quote {
            self.bare_quote(all, base, ends, row, line, col);
        }
        if inner_lines > 0 {
            self.rows_in_value(all, base, ends, row, line);
        }
        if ends.len() != self.header_columns {
            self.sink.push(
                Diagnostic::new(Code::RaggedRow)
                    .at(row, line)
                    .detail(Detail::Ragged {
                        expected: u32::try_from(self.header_columns).unwrap_or(u32::MAX),
                        found: u32::try_from(ends.len()).unwrap_or(u32::MAX),
                    }),
            );
        }
        // Field values by layout position (absent column or short row = empty).
        let field_cols = std::mem::take(&mut self.field_cols);
        let mut values = std::mem::take(&mut self.values);
        values.clear();
        if self.fields_in_order && ends.len() >= self.field_indices.len() {
            // Field i runs from the byte after field i − 1's end (the first from `base`) to its
            // own end: pairs of neighbouring ends, with no value carried from one to the next.
            let ends = &ends[..self.field_indices.len()];
            if let Some(&first) = ends.first() {
                values.push((base, first));
                values.extend(ends.windows(2).map(|w| (w[0] + 1, w[1])));
            }
        } else {
            values.extend(self.field_indices.iter().map(|&c| match ends.get(c) {
                Some(&end) => (ends.get(c.wrapping_sub(1)).map_or(base, |&p| p + 1), end),
                None => (0, 0),
            }));
        }
        // Build mode: repair every cell first; the checks then see the repaired row.
        let mut repaired_text = std::mem::take(&mut self.repaired_text);
        let mut repaired_values = std::mem::take(&mut self.repaired_values);
        let repaired = self.opts.repair
            && self.repair_row(
                all,
                &values,
                &field_cols,
                row,
                line,
                &mut repaired_text,
                &mut repaired_values,
            );
        let (text, ranges): (&str, &[(usize, usize)]) = if repaired {
            (&repaired_text, &repaired_values)
        } else {
            (all, &values)
        };
        let mut dates = RowDates::default();
        // A cell where C006 said what is wrong is passed over as an absent column is.
        let lost_cols;
        let cell_cols: &[Option<u32>] = if self.may_have_lost(text, ranges) {
            lost_cols = self.lost_characters(text, ranges, &field_cols, row, line);
            &lost_cols
        } else {
            &field_cols
        };
        for (fi, &(s, e)) in ranges.iter().enumerate() {
            let col = cell_cols[fi];
            if col.is_none() {
                continue; // an absent column is reported once (S004/S017), not per row
            }
            if s == e && !self.cell_plans[fi].empty_is_finding {
                continue;
            }
            let value = text.get(s..e).unwrap_or("");
            self.cell(fi, value, row, line, col, text, ranges, &mut dates);
        }
        // 券面 columns are uploaded too: an Excel error value in one is V011, an invisible
        // character inside V014 (a line break or a tab may be the text's own), a BOM V009, as in
        // a layout field.
        // One pass over them; a clean record (the front end's all-clear scan) has neither a
        // control character nor a BOM, and one byte rules out an Excel error in almost every cell.
        for k in 0..self.detail_cols.len() {
            let c = self.detail_cols[k];
            if c >= ends.len() {
                continue;
            }
            let value = field(c);
            let col = u32::try_from(c + 1).ok();
            if value.as_bytes().first() == Some(&b'#') && is_excel_error(trim_edges(value)) {
                self.excel_error(row, line, col, None, trim_edges(value));
            }
            // 12 digits, with edge spaces or in full width (36 bytes) and some: V013.
            if (12..=48).contains(&value.len()) && my_number_shaped(trim_edges(value)) {
                self.my_number_elsewhere(row, line, col, None, trim_edges(value));
            }
            if self.clean {
                continue;
            }
            // A line break or a tab may be the text's own here; U+FEFF is V009's.
            let keep = |ch: char| matches!(ch, '\t' | '\n' | '\r' | '\u{FEFF}');
            if let Some(found) = first_invisible(value, keep) {
                self.invisible_char(row, line, col, None, value, found);
            }
            if self.may_have_bom && value.contains('\u{FEFF}') {
                self.bom_in_value(row, line, col, None, value);
            }
        }
        // `field_cols` is moved out of self here, so the row and key checks get it passed in.
        self.row_checks(row, line, &dates, &field_cols);
        self.key_checks(row, line, text, ranges, &dates, &field_cols);
        if self.opts.masters.is_some() {
            self.master_checks(row, line, text, ranges, &field_cols);
        }
        if self.opts.output.is_some() || self.visitor.is_some() {
            // Moved out for the call so the row's parts can borrow them while self is mutated.
            let header = self.header.take();
            let detail_cols = std::mem::take(&mut self.detail_cols);
            let (fields, details) =
                row_parts(header.as_ref(), &detail_cols, text, ranges, all, base, ends);
            if self.opts.output.is_some() {
                // A clean record has only clear characters, which CP932 holds.
                if !self.clean && self.cp932_output() {
                    self.unencodable(row, line, &fields, &details, &field_cols, &detail_cols);
                }
                self.write_row(&fields, &details);
            }
            if let Some(v) = self.visitor.as_mut() {
                v(RowView {
                    row,
                    line,
                    fields: &fields,
                    details: &details,
                });
            }
            self.header = header;
            self.detail_cols = detail_cols;
        }
        self.values = values;
        self.repaired_text = repaired_text;
        self.repaired_values = repaired_values;
        self.field_cols = field_cols;
    }

    /// C005: a value about to be written in a CP932 upload file holds a character CP932
    /// cannot (the encoder would write `&#134071;` as text): one finding per value, on its
    /// first such character. Out of line: only records the all-clear scan did not pass.
    #[cold]
    #[inline(never)]
    pub(super) fn unencodable(
        &mut self,
        row: u32,
        line: u64,
        fields: &[&str],
        details: &[(&str, &str)],
        field_cols: &[Option<u32>],
        detail_cols: &[usize],
    ) {
        let first = |v: &str| {
            v.chars()
                .zip(1u32..)
                .find(|&(c, _)| !crate::domain::chars::encodes_in_cp932(c))
        };
        let cells = fields
            .iter()
            .enumerate()
            .map(|(fi, &v)| (Some(fi), field_cols.get(fi).copied().flatten(), v))
            .chain(
                details
                    .iter()
                    .zip(detail_cols)
                    .map(|(&(_, v), &c)| (None, u32::try_from(c + 1).ok(), v)),
            );
        for (field, col, v) in cells {
            let Some((ch, pos)) = first(v) else { continue };
            let mut d = Diagnostic::new(Code::NotInOutputEncoding)
                .at(row, line)
                .column(col);
            if let Some(fi) = field {
                d = d.field(fi, Basis::Verified);
            }
            self.sink.push(d.value(v).detail(Detail::CharIssue {
                ch,
                pos,
                suggestion: crate::domain::chars::suggestion(ch),
            }));
        }
    }

    /// S008 for a record with U+FFFD (bytes the decoder could not read), in its first column
    /// with one. Out of line: such records are rare.
    #[cold]
    #[inline(never)]
    fn undecodable(&mut self, all: &str, base: usize, ends: &[usize], row: u32, line: u64) {
        let field = |i: usize| field_text(all, base, ends, i);
        let col = (0..ends.len())
            .find(|&i| field(i).contains('\u{FFFD}'))
            .map(|c| c as u32 + 1);
        let found = match self.encoding {
            TextEncoding::Cp932 => "Shift_JIS (CP932)",
            TextEncoding::EucJp => "EUC-JP",
            TextEncoding::Iso2022Jp => "ISO-2022-JP",
            TextEncoding::Utf16Le | TextEncoding::Utf16Be => "UTF-16",
            _ => "UTF-8",
        };
        self.sink.push(
            Diagnostic::new(Code::UndecodableBytes)
                .at(row, line)
                .column(col)
                .detail(Detail::Encoding { found }),
        );
    }

    /// S024 for each column whose quoted value spans lines and holds lines that look like other
    /// rows: at least half as many separators as the header has (and two or more). Two stray
    /// quotes make the rows between them one value, which is then neither checked nor uploaded.
    /// Out of line: only records with a line break inside get here.
    #[cold]
    #[inline(never)]
    fn rows_in_value(&mut self, all: &str, base: usize, ends: &[usize], row: u32, line: u64) {
        let separator = char::from(self.delimiter);
        let enough = (self.header_columns.saturating_sub(1) / 2).max(2);
        for c in 0..ends.len() {
            let value = field_text(all, base, ends, c);
            if !value.contains(['\r', '\n']) {
                continue;
            }
            let rows = value
                .split(['\r', '\n'])
                .skip(1)
                .filter(|l| l.matches(separator).count() >= enough)
                .count() as u64;
            if rows > 0 {
                self.sink.push(
                    Diagnostic::new(Code::RowsInValue)
                        .at(row, line)
                        .column(u32::try_from(c + 1).ok())
                        .detail(Detail::Lines { count: rows }),
                );
            }
        }
    }

    /// S019 for a quote inside an unquoted value of column `col` (0-based). Out of line.
    #[cold]
    #[inline(never)]
    fn bare_quote(
        &mut self,
        all: &str,
        base: usize,
        ends: &[usize],
        row: u32,
        line: u64,
        col: u32,
    ) {
        let mut d = Diagnostic::new(Code::BareQuote)
            .at(row, line)
            .column(Some(col + 1));
        // The value only where the column is a layout field, so that it is masked as that
        // field's values are (a 券面 column may hold anything).
        let field = self
            .header
            .as_ref()
            .and_then(|h| match h.uses.get(col as usize) {
                Some(Use::Field(fi)) => Some(*fi),
                _ => None,
            });
        if let Some(fi) = field {
            d = d
                .field(fi, Basis::Verified)
                .value(field_text(all, base, ends, col as usize));
        }
        self.sink.push(d);
    }

    /// Build mode: appends the row to the upload file (fields, then 券面項目).
    fn write_row(&mut self, fields: &[&str], details: &[(&str, &str)]) {
        match self.opts.output {
            Some(OutputFormat::Csv) => {
                let values = fields
                    .iter()
                    .copied()
                    .chain(details.iter().map(|&(_, v)| v));
                write::csv_row(&mut self.out, self.layout, values);
            }
            Some(OutputFormat::Json) => {
                let record = write::json_record(self.layout, fields, details);
                write::json_push(&mut self.out, &record, self.rows_written == 0);
            }
            None => return,
        }
        self.rows_written += 1;
    }
}

/// Field `i` of a record whose fields end at `ends` in `all` (the first starting at `base`).
fn field_text<'a>(all: &'a str, base: usize, ends: &[usize], i: usize) -> &'a str {
    let Some(&end) = ends.get(i) else { return "" };
    all.get(field_start(base, ends, i)..end).unwrap_or("")
}

/// The input column (1-based) of a layout field, when the file has one.
fn column_of(field_cols: &[Option<u32>], field: Option<usize>) -> Option<u32> {
    field_cols.get(field?).copied().flatten()
}

/// A row's field values (repaired in build mode) and its 券面項目 as (header, value).
fn row_parts<'a>(
    header: Option<&'a HeaderMap>,
    detail_cols: &[usize],
    text: &'a str,
    ranges: &[(usize, usize)],
    all: &'a str,
    base: usize,
    ends: &[usize],
) -> (Vec<&'a str>, Vec<(&'a str, &'a str)>) {
    let field = |i: usize| -> &'a str {
        if i >= ends.len() {
            return "";
        }
        all.get(field_start(base, ends, i)..ends[i]).unwrap_or("")
    };
    let fields = ranges
        .iter()
        .map(|&(s, e)| text.get(s..e).unwrap_or(""))
        .collect();
    let headers = header.map(|h| h.headers.as_slice()).unwrap_or_default();
    let details = detail_cols
        .iter()
        .map(|&c| (headers.get(c).map_or("", |h| h.trim()), field(c)))
        .collect();
    (fields, details)
}

/// Why a date could not be read, in both languages.
fn date_error_text(e: &date::DateError) -> (&'static str, &'static str) {
    use date::DateError as E;
    match e {
        E::Empty => ("空です", "empty"),
        E::Unrecognised => (
            "日付の書き方として認識できません",
            "not a recognised date form",
        ),
        E::InvalidCalendarDate => ("実在しない日付です", "no such day in the calendar"),
        E::BeforeEraStart { .. } => ("その元号が始まる前の日付です", "before the era began"),
        E::UnsupportedMeiji => (
            "明治5年以前の日付は旧暦のため変換できません",
            "Meiji 1–5 used the lunisolar calendar",
        ),
        E::AmbiguousTwoDigitYear => (
            "元号のない2桁の年は西暦か和暦か決められません",
            "a two-digit year without an era is ambiguous",
        ),
        E::SerialOutOfRange => (
            "Excel の日付シリアル値として読める範囲（61〜73415: 1900年3月1日〜2100年12月31日）の外です",
            "outside the Excel date serials read (61–73415: 1900-03-01 to 2100-12-31)",
        ),
        E::EraYearTooLate { .. } => (
            "元号の終わりから5年を超える年です（年の誤りと思われます）",
            "more than 5 years after the era ended (likely a wrong year)",
        ),
        E::Serial60 => (
            "Excel の 1900年2月29日（実在しない日）です",
            "Excel's 1900-02-29, a day that does not exist",
        ),
    }
}

/// Dates of the current row that the row and key checks need.
#[derive(Default)]
struct RowDates {
    valid_from: Option<date::Ymd>,
    valid_to: Option<date::Ymd>,
    date_of_birth: Option<date::Ymd>,
}

impl RowDates {
    fn set(&mut self, keys: &KeyIndex, field: usize, d: date::Ymd) {
        if keys.valid_from == Some(field) {
            self.valid_from = Some(d);
        }
        if keys.valid_to == Some(field) {
            self.valid_to = Some(d);
        }
        if keys.date_of_birth == Some(field) {
            self.date_of_birth = Some(d);
        }
    }
}

/// Checks a whole in-memory file (convenience for tests and small inputs).
pub fn check_bytes(layout: &Layout, opts: Options, bytes: &[u8]) -> Report {
    let mut c = Checker::new(layout, opts);
    c.feed(bytes);
    c.finish()
}

#[cfg(test)]
mod tests;
