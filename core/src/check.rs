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

use std::sync::Arc;

/// Re-exported: other modules trim the way the checker does.
pub(crate) use crate::cells::trim_edges;
use crate::cells::{
    char_count, conditions_error, digit_runs, first_disallowed, is_exponent_form,
    length_surely_fits,
};
use crate::codes::{Code, Severity};
use crate::decode::TextEncoding;
use crate::diagnostic::{Detail, Diagnostic};
use crate::domain::chars::CharIssue;
use crate::domain::{checkdigit, date, tables};
use crate::front::{Front, FrontSummary, RecordBatch};
use crate::header::Use;
use crate::header::{ColumnMapping, HeaderMap, Matcher};
pub use crate::keys::KeyTracker;
use crate::layout::{
    Basis, CharClass, CharLevel, Check, Encoding, KeyIndex, Layout, LineEnding, Rule, ValueType,
};
use crate::master::{CodeCheck, ConditionProblem, InsurerMatch, Masters};
use crate::reader::LineEndings;
use crate::repair::{self, RepairKind, RowContext, Unrepairable};
use crate::report::Report;
use crate::write::{self, OutputFormat};

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
}

impl Sink {
    fn new(max: usize) -> Self {
        Self {
            kept: Vec::new(),
            counts: vec![0; Code::ALL.len()],
            severities: [0; 3],
            max,
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
            front: Front::new(layout.dialect.delimiter_byte()),
            back: Back::new(layout, opts),
        }
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
    stopped: bool,
    delimiter: u8,
    encoding: TextEncoding,
    sink: Sink,
    /// Sheet row of the last record (header = 1).
    row: u32,
    data_rows: u64,
    blank_rows: u64,
    key_tracker: KeyTracker,
    /// Reusable per-row buffer: (start, end) of each layout field's value.
    values: Vec<(usize, usize)>,
    /// Input column (1-based) of each layout field.
    field_cols: Vec<Option<u32>>,
    /// The 公費負担者番号 field, which decides whether 受給者番号 has a check digit.
    insurer_field: Option<usize>,
    /// Fields holding the master-checked values.
    type_field: Option<usize>,
    /// Fields the layout marks for the master checks (`master_segment`,
    /// `master_income_segment`) and the 追加条件 field, resolved once.
    segment_field: Option<usize>,
    income_segment_field: Option<usize>,
    conditions_field: Option<usize>,
    /// The current record has no character that a character scan could flag.
    clean: bool,
    header_columns: usize,
    /// Build mode: the repaired row (values concatenated) and each field's range in it.
    repaired_text: String,
    repaired_values: Vec<(usize, usize)>,
    /// Build mode: why a date cell could not be repaired, per field, for its V004 message.
    date_problems: Vec<Option<date::DateError>>,
    /// Input columns kept as 受給者証券面項目, in order.
    detail_cols: Vec<usize>,
    /// The upload file being written (build mode).
    out: Vec<u8>,
    rows_written: u64,
    /// Called with every data row after its checks (see [`Back::set_visitor`]).
    visitor: Option<Box<RowVisitor<'l>>>,
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
        Self {
            layout,
            matcher: Matcher::new(layout),
            keys: layout.key_index(),
            opts,
            header: None,
            stopped: false,
            delimiter: layout.dialect.delimiter_byte(),
            encoding: TextEncoding::Ascii,
            sink: Sink::new(max),
            row: 0,
            data_rows: 0,
            blank_rows: 0,
            key_tracker: KeyTracker::with_capacity(layout, expected_rows),
            values: Vec::new(),
            field_cols: Vec::new(),
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
            header_columns: 0,
            repaired_text: String::new(),
            repaired_values: Vec::new(),
            date_problems: vec![None; layout.fields.len()],
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
                self.record(
                    &batch.text,
                    base,
                    ends,
                    meta.line,
                    meta.inner_lines,
                    meta.balanced,
                );
            }
            start = end;
        }
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
        };
        (report, out)
    }

    fn blank(&mut self, line: u64) {
        self.row = self.row.saturating_add(1);
        if self.header.is_some() {
            self.data_rows += 1;
            self.blank_rows += 1;
            self.sink
                .push(Diagnostic::new(Code::BlankRow).at(self.row, line));
        }
    }

    /// One record: `ends` are absolute offsets in `all`; the first field starts at `base`.
    fn record(
        &mut self,
        all: &str,
        base: usize,
        ends: &[usize],
        line: u64,
        inner_lines: u64,
        balanced: bool,
    ) {
        self.row = self.row.saturating_add(1);
        if self.stopped {
            self.data_rows += 1;
            return;
        }
        let text = all
            .get(base..ends.last().copied().unwrap_or(base))
            .unwrap_or("");
        let field = |i: usize| -> &str {
            let start = if i == 0 { base } else { ends[i - 1] };
            all.get(start..ends[i]).unwrap_or("")
        };
        if self.header.is_none() {
            let headers: Vec<String> = (0..ends.len()).map(|i| field(i).to_owned()).collect();
            self.header_row(headers, line);
            return;
        }
        self.data_rows += 1;
        let row = self.row;
        if !balanced {
            // The rest of the file was swallowed into this row: its cells mean nothing.
            self.sink
                .push(
                    Diagnostic::new(Code::UnclosedQuote)
                        .at(row, line)
                        .detail(Detail::Lines {
                            count: inner_lines + 1,
                        }),
                );
            return;
        }
        if text.is_empty() {
            self.blank_rows += 1;
            self.sink
                .push(Diagnostic::new(Code::BlankRow).at(row, line));
            return;
        }
        // A clean record (front end's all-clear scan) has no U+FFFD: skip the search.
        if !self.clean && text.contains('\u{FFFD}') {
            let col = (0..ends.len())
                .find(|&i| field(i).contains('\u{FFFD}'))
                .map(|c| c as u32 + 1);
            let found = match self.encoding {
                TextEncoding::Cp932 => "Shift_JIS (CP932)",
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
        for col in &field_cols {
            values.push(match *col {
                Some(c) if (c as usize) <= ends.len() => {
                    let c = c as usize - 1;
                    (if c == 0 { base } else { ends[c - 1] }, ends[c])
                }
                _ => (0, 0),
            });
        }
        // Build mode: repair every cell first; the checks then see the repaired row.
        let mut repaired_text = std::mem::take(&mut self.repaired_text);
        let mut repaired_values = std::mem::take(&mut self.repaired_values);
        if self.opts.repair {
            self.repair_row(
                all,
                &values,
                &field_cols,
                row,
                line,
                &mut repaired_text,
                &mut repaired_values,
            );
        }
        let (text, ranges): (&str, &[(usize, usize)]) = if self.opts.repair {
            (&repaired_text, &repaired_values)
        } else {
            (all, &values)
        };
        let mut dates = RowDates::default();
        for (fi, &(s, e)) in ranges.iter().enumerate() {
            let col = field_cols[fi];
            if col.is_none() {
                continue; // an absent column is reported once (S004/S017), not per row
            }
            let value = text.get(s..e).unwrap_or("");
            self.cell(fi, value, row, line, col, text, ranges, &mut dates);
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

    /// Build mode: repairs every cell of the row into `text` (values concatenated, `ranges` per
    /// field) and reports each repair, proposal and unrepairable value.
    #[expect(clippy::too_many_arguments, reason = "borrow-split parts of self")]
    fn repair_row(
        &mut self,
        all: &str,
        values: &[(usize, usize)],
        field_cols: &[Option<u32>],
        row: u32,
        line: u64,
        text: &mut String,
        ranges: &mut Vec<(usize, usize)>,
    ) {
        let layout = self.layout;
        text.clear();
        ranges.clear();
        let get = |i: usize| {
            values
                .get(i)
                .and_then(|&(s, e)| all.get(s..e))
                .unwrap_or("")
        };
        let ctx = self.insurer_field.map_or(RowContext::default(), |i| {
            RowContext::from_insurer_number(get(i))
        });
        for (fi, f) in layout.fields.iter().enumerate() {
            let raw = get(fi);
            self.date_problems[fi] = None;
            let start = text.len();
            if field_cols[fi].is_none() || raw.is_empty() {
                text.push_str(raw);
                ranges.push((start, text.len()));
                continue;
            }
            let cr = repair::repair_cell(f, &layout.dialect, raw, ctx);
            text.push_str(cr.value_or(raw));
            ranges.push((start, text.len()));
            if cr.is_clean() {
                continue;
            }
            let col = field_cols[fi];
            for r in &cr.repairs {
                let code = match (r.kind, r.applied) {
                    (RepairKind::Trim, _) => Code::RepairTrim,
                    (RepairKind::Width, _) => Code::RepairWidth,
                    (RepairKind::HalfwidthKana, _) => Code::RepairKana,
                    (RepairKind::LongVowel, _) => Code::ProposeLongVowel,
                    (RepairKind::MacJis, true) => Code::RepairMacJis,
                    (RepairKind::MacJis, false) => Code::ProposeMacJis,
                    (RepairKind::Date, _) if r.date_note.is_some() => Code::RepairEraOverflow,
                    (RepairKind::Date, _) => Code::RepairDate,
                    (RepairKind::LeadingZeros, _) => Code::RepairLeadingZeros,
                };
                self.sink.push(
                    Diagnostic::new(code)
                        .at(row, line)
                        .column(col)
                        .field(fi, Basis::Verified)
                        .value(&r.before)
                        .detail(Detail::Repair {
                            after: r.after.clone(),
                        }),
                );
            }
            if let Some(Unrepairable::Date(e)) = cr.problem {
                self.date_problems[fi] = Some(e);
            }
        }
    }

    /// The 制度マスタ checks of one row: type ID, its 公費負担者番号, 区分, 所得区分, 追加条件.
    fn master_checks(
        &mut self,
        row: u32,
        line: u64,
        text: &str,
        ranges: &[(usize, usize)],
        field_cols: &[Option<u32>],
    ) {
        let Some(masters) = self.opts.masters.clone() else {
            return;
        };
        let Some(tf) = self.type_field else { return };
        let get = |i: usize| {
            ranges
                .get(i)
                .and_then(|&(s, e)| text.get(s..e))
                .map_or("", trim_edges)
        };
        let type_id = get(tf);
        if type_id.is_empty() {
            return;
        }
        let layout = self.layout;
        let push = |sink: &mut Sink,
                    code: Code,
                    fi: usize,
                    value: &str,
                    part: Option<String>,
                    valid: Vec<String>,
                    more: usize| {
            let f = &layout.fields[fi];
            sink.push(
                Diagnostic::new(code)
                    .at(row, line)
                    .column(field_cols[fi])
                    .field(fi, f.basis_of(Rule::Checks))
                    .value(value)
                    .detail(Detail::Valid {
                        part,
                        values: valid,
                        more,
                    }),
            );
        };
        if let CodeCheck::Unknown { valid, more } = masters.check_certificate_type(type_id) {
            push(
                &mut self.sink,
                Code::UnknownCertificateType,
                tf,
                type_id,
                None,
                valid,
                more,
            );
            return; // the other checks depend on the type
        }
        if let Some(fi) = self.insurer_field {
            let v = get(fi);
            match masters.check_insurer_number(type_id, v) {
                InsurerMatch::NotRegistered { expected }
                | InsurerMatch::WrongHoubetsu { expected } => {
                    push(
                        &mut self.sink,
                        Code::InsurerNotRegistered,
                        fi,
                        v,
                        None,
                        expected,
                        0,
                    );
                }
                _ => {}
            }
        }
        let segments = [
            (self.segment_field, Code::UnknownSegment, true),
            (self.income_segment_field, Code::UnknownIncomeSegment, false),
        ];
        for (field, code, seg) in segments {
            let Some(fi) = field else { continue };
            let v = get(fi);
            if v.is_empty() {
                continue;
            }
            let check = if seg {
                masters.check_segment(type_id, v)
            } else {
                masters.check_income_segment(type_id, v)
            };
            if let CodeCheck::Unknown { valid, more } = check {
                push(&mut self.sink, code, fi, v, None, valid, more);
            }
        }
        if let Some(fi) = self.conditions_field {
            let v = get(fi);
            for p in masters.check_conditions(type_id, v) {
                match p {
                    ConditionProblem::Malformed { .. } => {} // V007 already
                    ConditionProblem::UnknownItem {
                        item, valid, more, ..
                    } => {
                        push(
                            &mut self.sink,
                            Code::UnknownConditionItem,
                            fi,
                            v,
                            Some(item),
                            valid,
                            more,
                        );
                    }
                    ConditionProblem::UnknownCode {
                        item,
                        code,
                        valid,
                        more,
                        ..
                    } => {
                        push(
                            &mut self.sink,
                            Code::UnknownConditionCode,
                            fi,
                            v,
                            Some(format!("{item}-{code}")),
                            valid,
                            more,
                        );
                    }
                }
            }
        }
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

    fn header_row(&mut self, headers: Vec<String>, line: u64) {
        let layout = self.layout;
        let map = self
            .matcher
            .map(layout, &headers, self.opts.mapping.as_ref());
        self.header_columns = headers.len();
        self.field_cols = map
            .field_column
            .iter()
            .map(|c| c.map(|c| c as u32 + 1))
            .collect();
        if !map.any_field() {
            self.sink
                .push(Diagnostic::new(Code::NoHeader).at(self.row, line));
            self.stopped = true;
            self.header = Some(map);
            return;
        }
        let row = self.row;
        for &(col, first, f) in &map.duplicates {
            self.sink.push(
                Diagnostic::new(Code::DuplicateColumn)
                    .at(row, line)
                    .column(Some(col as u32 + 1))
                    .field(f, Basis::Verified)
                    .detail(Detail::Header {
                        header: headers[col].clone(),
                        suggestion: None,
                        other_column: Some(first as u32 + 1),
                    }),
            );
        }
        for &(col, suggestion) in &map.unknown_among_fixed {
            self.sink.push(
                Diagnostic::new(Code::UnknownColumn)
                    .at(row, line)
                    .column(Some(col as u32 + 1))
                    .detail(Detail::Header {
                        header: headers[col].clone(),
                        suggestion,
                        other_column: None,
                    }),
            );
        }
        for &col in &map.empty_headers {
            self.sink.push(
                Diagnostic::new(Code::EmptyHeader)
                    .at(row, line)
                    .column(Some(col as u32 + 1)),
            );
        }
        for (fi, f) in layout.fields.iter().enumerate() {
            if map.field_column[fi].is_none() {
                if !f.required && self.opts.kind == InputKind::Source {
                    continue; // source data for build: absent optional columns are normal
                }
                let code = if f.required {
                    Code::MissingColumn
                } else {
                    Code::OptionalColumnAbsent
                };
                self.sink
                    .push(Diagnostic::new(code).field(fi, f.basis_of(Rule::Required)));
            }
        }
        if self.opts.kind == InputKind::Upload {
            self.delimiter_check(line);
        }
        self.detail_cols = (0..map.uses.len())
            .filter(|&c| map.uses[c] == Use::Detail && !map.headers[c].trim().is_empty())
            .collect();
        if self.opts.output == Some(OutputFormat::Csv) {
            let names: Vec<&str> = self
                .detail_cols
                .iter()
                .map(|&c| map.headers[c].trim())
                .collect();
            write::csv_header(&mut self.out, self.layout, &names);
        }
        self.header = Some(map);
    }

    fn delimiter_check(&mut self, line: u64) {
        let d = &self.layout.dialect;
        if self.delimiter != d.delimiter_byte() {
            let name = |b: u8| match b {
                b'\t' => "TAB",
                b',' => ",",
                b';' => ";",
                _ => "?",
            };
            self.sink.push(
                Diagnostic::new(Code::DelimiterMismatch)
                    .at(self.row, line)
                    .detail(Detail::Dialect {
                        expected: name(d.delimiter_byte()),
                        found: name(self.delimiter),
                    }),
            );
        }
    }

    /// Encoding and BOM against the dialect: decided over the whole file, so checked at the
    /// end (an ASCII header can come before the first Japanese byte).
    fn encoding_checks(&mut self, enc: TextEncoding) {
        let d = &self.layout.dialect;
        let utf8_expected = d.encoding == Encoding::Utf8;
        if utf8_expected && !enc.is_utf8() && enc != TextEncoding::Unknown {
            let found = if enc == TextEncoding::Cp932 {
                "Shift_JIS (CP932)"
            } else {
                "UTF-16"
            };
            self.sink
                .push(Diagnostic::new(Code::NotUtf8).detail(Detail::Encoding { found }));
        }
        if utf8_expected && enc.is_utf8() && enc.has_bom() != d.bom {
            let (expected, found) = if d.bom {
                ("BOM あり", "BOM なし")
            } else {
                ("BOM なし", "BOM あり")
            };
            self.sink.push(
                Diagnostic::new(Code::BomMismatch)
                    .with_basis(Basis::Inferred)
                    .detail(Detail::Dialect { expected, found }),
            );
        }
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "hot path: plain arguments, no per-cell allocation"
    )]
    fn cell(
        &mut self,
        fi: usize,
        raw: &str,
        row: u32,
        line: u64,
        col: Option<u32>,
        text: &str,
        values: &[(usize, usize)],
        dates: &mut RowDates,
    ) {
        let layout = self.layout;
        let f = &layout.fields[fi];
        let at = |code: Code, rule: Rule| {
            Diagnostic::new(code)
                .at(row, line)
                .column(col)
                .field(fi, f.basis_of(rule))
        };
        let value = trim_edges(raw);
        if value.is_empty() {
            if f.required {
                self.sink.push(at(Code::Required, Rule::Required));
            }
            if !raw.is_empty() {
                self.sink.push(at(Code::Whitespace, Rule::Chars).value(raw));
            }
            return;
        }
        if value.len() != raw.len() {
            self.sink.push(at(Code::Whitespace, Rule::Chars).value(raw));
        }
        // Excel's exponent form destroys identifiers: say so instead of "not digits".
        if f.has_check(Check::MyNumber) && is_exponent_form(value) {
            self.sink
                .push(at(Code::MyNumberExponent, Rule::Checks).value(value));
            return;
        }
        let mut ok = true;
        let (min, max) = f.length_bounds();
        if (min.is_some() || max.is_some()) && !length_surely_fits(value, min, max) {
            let n = char_count(value);
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                ok = false;
                self.sink
                    .push(
                        at(Code::Length, Rule::Length)
                            .value(value)
                            .detail(Detail::Length {
                                min,
                                max,
                                actual: n,
                            }),
                    );
            }
        }
        match f.value_type {
            ValueType::Text | ValueType::Digits => {
                let class = if f.value_type == ValueType::Digits {
                    CharClass::Digits
                } else {
                    f.chars
                };
                // A clean record has no control character: nothing to find for text classes.
                let scan = !(self.clean && matches!(class, CharClass::Text | CharClass::Name));
                if let Some((pos, ch)) = if scan {
                    first_disallowed(value, class)
                } else {
                    None
                } {
                    ok = false;
                    self.sink.push(
                        at(Code::Chars, Rule::Chars)
                            .value(value)
                            .detail(Detail::Char { ch, pos }),
                    );
                }
            }
            ValueType::Code => {
                if !f.codes.iter().any(|c| c.code == value) {
                    ok = false;
                    self.sink
                        .push(at(Code::NotInCodeList, Rule::Codes).value(value));
                }
            }
            ValueType::Date => {
                let parsed = date::parse_with_format(value, layout.dialect.date_format.as_str());
                match parsed {
                    Some(d) => dates.set(&self.keys, fi, d),
                    None => {
                        ok = false;
                        let detail = match &self.date_problems[fi] {
                            Some(e) => {
                                let (ja, en) = date_error_text(e);
                                Detail::DateProblem { ja, en }
                            }
                            None => Detail::Date {
                                recognised: date::parse_lenient(value, true)
                                    .ok()
                                    .map(|l| l.date.to_string()),
                            },
                        };
                        self.sink
                            .push(at(Code::Date, Rule::Codes).value(value).detail(detail));
                    }
                }
            }
            ValueType::Boolean => {
                let d = &layout.dialect;
                if value != d.boolean_true && value != d.boolean_false {
                    ok = false;
                    self.sink.push(at(Code::Boolean, Rule::Codes).value(value));
                }
            }
            ValueType::Conditions => {
                if let Some(index) = conditions_error(value) {
                    ok = false;
                    self.sink.push(
                        at(Code::ConditionsSyntax, Rule::Codes)
                            .value(value)
                            .detail(Detail::Entry { index }),
                    );
                }
            }
        }
        if f.value_type == ValueType::Text && !self.clean && !value.is_ascii() {
            for cf in repair::char_findings(f, value) {
                let code = match cf.issue {
                    CharIssue::Gaiji => Code::Gaiji,
                    CharIssue::VendorSpecific => Code::VendorChar,
                    // The decoder writes U+FFFD for bytes it could not read; every U+FFFD in a
                    // row is reported once, by the row's S008, not again as outside CP932.
                    CharIssue::OutsideCp932 if cf.ch == '\u{FFFD}' => continue,
                    CharIssue::OutsideCp932 => Code::OutsideCp932,
                    CharIssue::HalfWidthKana => Code::HalfwidthKanaInText,
                    CharIssue::Control => continue, // V003 already
                };
                let d = Diagnostic::new(code).at(row, line).column(col);
                let mut d = d.value(value).detail(Detail::CharIssue {
                    ch: cf.ch,
                    pos: cf.pos,
                    suggestion: cf.suggestion,
                });
                d.field = Some(fi);
                // PMH's character set is not public (inferred rule): at most a warning. The
                // layout may set the level per field (`char_issues`), within the same policy.
                let d = d.with_basis(Basis::Inferred);
                match f.char_issues {
                    None => self.sink.push(d),
                    Some(CharLevel::Ignore) => {}
                    Some(level) => self.sink.push(Diagnostic {
                        severity: code.policy_severity(d.basis, level.severity()),
                        ..d
                    }),
                }
            }
        }
        if ok && !f.checks.is_empty() {
            self.named_checks(fi, value, row, line, col, text, values);
        }
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "hot path: plain arguments, no per-cell allocation"
    )]
    fn named_checks(
        &mut self,
        fi: usize,
        value: &str,
        row: u32,
        line: u64,
        col: Option<u32>,
        text: &str,
        values: &[(usize, usize)],
    ) {
        let f = &self.layout.fields[fi];
        let at = |code: Code| {
            Diagnostic::new(code)
                .at(row, line)
                .column(col)
                .field(fi, f.basis_of(Rule::Checks))
        };
        for check in &f.checks {
            match check {
                Check::MyNumber => match checkdigit::my_number(value) {
                    checkdigit::CheckOutcome::Invalid { .. } => {
                        self.sink.push(at(Code::MyNumberCheckDigit).value(value));
                    }
                    checkdigit::CheckOutcome::Valid if checkdigit::is_all_same_digit(value) => {
                        self.sink.push(at(Code::MyNumberSameDigits).value(value));
                    }
                    _ => {}
                },
                Check::InsurerNumber => {
                    if value.len() == 8 && !checkdigit::insurer_prefecture_valid(value) {
                        self.sink.push(at(Code::InsurerPrefecture).value(value));
                    }
                    if let checkdigit::CheckOutcome::Invalid { expected } =
                        checkdigit::insurer_number(value)
                    {
                        let known = self.opts.known_insurer_numbers.iter().any(|k| k == value);
                        let code = if known {
                            Code::InsurerCheckDigitOverridden
                        } else {
                            Code::InsurerCheckDigit
                        };
                        self.sink.push(
                            at(code)
                                .value(value)
                                .detail(Detail::Expected { digit: expected }),
                        );
                    }
                }
                Check::RecipientNumber => {
                    // Only national programmes use the check digit: the master says so per
                    // certificate type when given; otherwise 法別 in the national table.
                    let get = |i: Option<usize>| {
                        i.and_then(|i| values.get(i))
                            .and_then(|&(s, e)| text.get(s..e))
                            .map_or("", trim_edges)
                    };
                    let from_master = self
                        .opts
                        .masters
                        .as_deref()
                        .and_then(|m| m.certificate_type(get(self.type_field)))
                        .map(|t| t.recipient_check_digit);
                    let national = from_master.unwrap_or_else(|| {
                        tables::insurer_kind(get(self.insurer_field))
                            == Some(tables::InsurerKind::National)
                    });
                    if national
                        && let checkdigit::CheckOutcome::Invalid { expected } =
                            checkdigit::recipient_number(value)
                    {
                        self.sink.push(
                            at(Code::RecipientCheckDigit)
                                .value(value)
                                .detail(Detail::Expected { digit: expected }),
                        );
                    }
                }
                Check::MedicalInstitutionCodes => {
                    // 10-digit codes carry their prefecture. A bare 7-digit code can only be
                    // checked in prefectures 11–14 (known here from the row's 公費負担者番号);
                    // elsewhere it is never rejected (domain-codes §4.2).
                    let insurer = self
                        .insurer_field
                        .and_then(|i| values.get(i))
                        .and_then(|&(s, e)| text.get(s..e))
                        .map_or("", trim_edges);
                    let prefecture = insurer
                        .get(2..4)
                        .and_then(|p| p.parse::<u8>().ok())
                        .filter(|_| insurer.len() == 8);
                    let tens =
                        digit_runs(value, 10).map(|c| (c, checkdigit::medical_institution_code(c)));
                    let sevens = digit_runs(value, 7).filter_map(|c| {
                        prefecture.map(|p| (c, checkdigit::medical_institution_code7(c, p)))
                    });
                    for (code, outcome) in tens.chain(sevens) {
                        if let checkdigit::CheckOutcome::Invalid { expected } = outcome {
                            self.sink.push(
                                at(Code::MedicalInstitutionCheckDigit)
                                    .value(code)
                                    .detail(Detail::Expected { digit: expected }),
                            );
                        }
                    }
                }
                // Master checks need a municipality master (domain-rules issue); without one they
                // are skipped.
                Check::MasterSegment | Check::MasterIncomeSegment => {}
            }
        }
    }

    fn row_checks(&mut self, row: u32, line: u64, dates: &RowDates, field_cols: &[Option<u32>]) {
        if let (Some(from), Some(to)) = (dates.valid_from, dates.valid_to)
            && from > to
        {
            let col = column_of(field_cols, self.keys.valid_to);
            let mut d = Diagnostic::new(Code::PeriodReversed)
                .at(row, line)
                .column(col)
                .detail(Detail::Dates {
                    first: from.to_string(),
                    second: to.to_string(),
                });
            d.field = self.keys.valid_to;
            self.sink.push(d.with_basis(Basis::Inferred));
        }
        if let (Some(birth), Some(from)) = (dates.date_of_birth, dates.valid_from)
            && birth > from
        {
            let col = column_of(field_cols, self.keys.date_of_birth);
            let mut d = Diagnostic::new(Code::BirthAfterStart)
                .at(row, line)
                .column(col)
                .detail(Detail::Dates {
                    first: birth.to_string(),
                    second: from.to_string(),
                });
            d.field = self.keys.date_of_birth;
            self.sink.push(d.with_basis(Basis::Inferred));
        }
    }

    fn key_checks(
        &mut self,
        row: u32,
        line: u64,
        text: &str,
        values: &[(usize, usize)],
        dates: &RowDates,
        field_cols: &[Option<u32>],
    ) {
        let value = |i: usize| {
            values
                .get(i)
                .and_then(|&(s, e)| text.get(s..e))
                .map_or("", trim_edges)
        };
        let Some((code, other)) =
            self.key_tracker
                .observe(row, &value, dates.valid_from, dates.valid_to)
        else {
            return;
        };
        let field = if code == Code::DuplicateHistoryKey {
            self.keys.history_key
        } else {
            self.keys.certificate.first().copied()
        };
        let col = column_of(field_cols, field);
        let mut d = Diagnostic::new(code)
            .at(row, line)
            .column(col)
            .detail(Detail::OtherRow { row: other });
        if code == Code::DuplicateHistoryKey {
            d.value = self.keys.history_key.map(|i| value(i).to_owned());
        }
        d.field = field;
        let basis = if code == Code::DuplicateHistoryKey {
            Basis::Verified
        } else {
            self.layout.keys.certificate_basis
        };
        self.sink.push(d.with_basis(basis));
    }

    fn finish_file(&mut self, summary: &FrontSummary) {
        if self.opts.output == Some(OutputFormat::Json) {
            write::json_close(&mut self.out, self.rows_written == 0);
        }
        if self.opts.masters.is_none()
            && self.header.is_some()
            && self.type_field.is_some()
            && !self.stopped
        {
            self.sink.push(Diagnostic::new(Code::NoMaster));
        }
        if summary.bytes == 0 {
            self.sink.push(Diagnostic::new(Code::EmptyFile));
            return;
        }
        if summary.encoding == TextEncoding::Unknown {
            let why = summary.failure.unwrap_or("");
            self.sink.push(
                Diagnostic::new(Code::UnknownEncoding).detail(Detail::Header {
                    header: why.to_owned(),
                    suggestion: None,
                    other_column: None,
                }),
            );
            return;
        }
        if self.header.is_some() && self.data_rows == 0 && !self.stopped {
            self.sink.push(Diagnostic::new(Code::HeaderOnly));
        }
        if self.header.is_none() {
            // Only line breaks: nothing readable.
            self.sink.push(Diagnostic::new(Code::EmptyFile));
        }
        if self.opts.kind == InputKind::Upload && !self.stopped && self.header.is_some() {
            self.encoding_checks(summary.encoding);
            let le: LineEndings = summary.line_endings;
            let expected = self.layout.dialect.line_ending;
            let (exp_name, bad) = match expected {
                LineEnding::Crlf => ("CRLF", le.lf + le.cr),
                LineEnding::Lf => ("LF", le.crlf + le.cr),
            };
            if bad > 0 {
                let found = if le.lf >= le.cr && le.lf >= le.crlf {
                    "LF"
                } else if le.cr > le.crlf {
                    "CR"
                } else {
                    "CRLF"
                };
                let found = if found == exp_name {
                    "混在 (mixed)"
                } else {
                    found
                };
                self.sink.push(
                    Diagnostic::new(Code::LineEndingMismatch)
                        .with_basis(Basis::Inferred)
                        .detail(Detail::Dialect {
                            expected: exp_name,
                            found,
                        }),
                );
            }
        }
    }
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
        let start = if i == 0 { base } else { ends[i - 1] };
        all.get(start..ends[i]).unwrap_or("")
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
            "Excel の日付シリアル値として範囲外です",
            "out of range as an Excel date serial",
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
mod visitor_tests {
    use super::*;

    #[test]
    fn visitor_sees_every_data_row_with_details() {
        let layout = Layout::full();
        let file = crate::synth::full_file(3, 25);
        let rows = std::cell::RefCell::new(Vec::new());
        let mut c = Checker::new(&layout, Options::default());
        c.set_visitor(Box::new(|r: RowView<'_>| {
            rows.borrow_mut()
                .push((r.row, r.fields[1].to_owned(), r.details.len()));
        }));
        c.feed(file.as_bytes());
        let report = c.finish();
        let rows = rows.into_inner();
        assert_eq!(rows.len() as u64, report.rows);
        assert_eq!(rows[0].0, 2);
        assert_eq!(rows[0].1, crate::synth::my_number(0));
        assert_eq!(rows[0].2, 3, "three 券面 columns");
    }
}

#[cfg(test)]
mod char_level_tests {
    use super::*;

    #[test]
    fn layout_sets_the_level_of_character_findings() {
        let csv = "機関別受給者証種別ID,個人番号,氏名,氏名カナ,住所,生年月日,性別,不開示フラグ,受給者証名,有効期間開始日,有効期間終了日\r\n\
                   A1,123456789018,髙橋花子,タカハシ　ハナコ,東京都,2013-01-01,2,0,受給者証①,2025-04-01,2026-03-31\r\n";
        let layout = Layout::full();
        let r = check_bytes(&layout, Options::default(), csv.as_bytes());
        let vendor: Vec<(Option<usize>, Severity)> = r
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::VendorChar)
            .map(|d| (d.field, d.severity))
            .collect();
        let name = layout.field_index("basicFiveInfo.name");
        let cert = layout.field_index("certificationName");
        assert!(vendor.contains(&(name, Severity::Warning)), "{vendor:?}");
        assert!(vendor.contains(&(cert, Severity::Info)), "{vendor:?}");
        let ignore =
            crate::layout::FULL_TOML.replace("char_issues = \"info\"", "char_issues = \"ignore\"");
        let layout = Layout::from_toml(&ignore).unwrap();
        let r = check_bytes(&layout, Options::default(), csv.as_bytes());
        assert_eq!(r.count(Code::VendorChar), 1);
    }
}

#[cfg(test)]
mod medical_code_tests {
    use super::*;

    fn check(insurer: &str, institutions: &str) -> u64 {
        let csv = format!(
            "機関別受給者証種別ID,個人番号,氏名,氏名カナ,住所,生年月日,性別,不開示フラグ,公費負担者番号,受給者証名,指定医療機関情報,有効期間開始日,有効期間終了日\r\n\
             A1,123456789018,山田花子,ヤマダ　ハナコ,東京都,2013-01-01,2,0,{insurer},受給者証,{institutions},2025-04-01,2026-03-31\r\n"
        );
        check_bytes(&Layout::full(), Options::default(), csv.as_bytes())
            .count(Code::MedicalInstitutionCheckDigit)
    }

    #[test]
    fn seven_digit_codes_only_where_checkable() {
        // 1310110098 is valid (三井記念病院); its 7-digit form 0110098 is checkable in Tokyo.
        assert_eq!(check("88134457", "1310110098 三井記念病院"), 0);
        assert_eq!(check("88134457", "1310110091"), 1);
        assert_eq!(check("88134457", "0110098"), 0);
        assert_eq!(check("88134457", "0110091"), 1);
        // Outside 11–14 a bare 7-digit code is never rejected.
        assert_eq!(check("54016027", "0110091"), 0);
        assert_eq!(check("", "0110091"), 0);
    }
}

#[cfg(test)]
mod repair_problem_tests {
    use super::*;

    #[test]
    fn a_date_that_cannot_be_repaired_says_why() {
        let csv = "機関別受給者証種別ID,個人番号,氏名,氏名カナ,住所,生年月日,性別,不開示フラグ,受給者証名,有効期間開始日,有効期間終了日\r\n\
                   A1,123456789018,山田花子,ヤマダ　ハナコ,東京都,平成元年1月7日,2,0,受給者証,2025-04-01,2026-03-31\r\n";
        let layout = Layout::full();
        let opts = Options {
            kind: InputKind::Source,
            repair: true,
            ..Options::default()
        };
        let r = check_bytes(&layout, opts, csv.as_bytes());
        let d = r
            .diagnostics
            .iter()
            .find(|d| d.code == Code::Date)
            .expect("V004");
        assert_eq!(
            d.detail,
            Detail::DateProblem {
                ja: "その元号が始まる前の日付です",
                en: "before the era began"
            }
        );
        assert!(
            crate::message::message(&layout, d, true)
                .ja
                .contains("元号が始まる前")
        );
    }
}

#[cfg(test)]
mod master_rule_tests {
    use super::*;

    fn with_master(master: &str) -> Report {
        let mut m = Masters::new();
        m.load_csv(master.as_bytes(), "m.csv").unwrap();
        m.validate().unwrap();
        let csv = "機関別受給者証種別ID,個人番号,氏名,氏名カナ,住所,生年月日,性別,不開示フラグ,公費負担者番号,受給者証名,公費受給者番号,有効期間開始日,有効期間終了日\r\n\
                   NANBYO01,123456789018,山田花子,ヤマダ　ハナコ,東京都,2013-01-01,2,0,54016027,特定医療費受給者証,1234567,2025-04-01,2026-03-31\r\n";
        let opts = Options {
            masters: Some(Arc::new(m)),
            ..Options::default()
        };
        check_bytes(&Layout::full(), opts, csv.as_bytes())
    }

    #[test]
    fn master_decides_whether_the_recipient_number_has_a_check_digit() {
        let header = "種類,機関別受給者証種別ID,名称,法別番号,受給者番号検証\r\n";
        let checked = with_master(&format!("{header}受給者証種別,NANBYO01,難病,54,する\r\n"));
        assert_eq!(checked.count(Code::RecipientCheckDigit), 1);
        let unchecked = with_master(&format!("{header}受給者証種別,NANBYO01,難病,54,しない\r\n"));
        assert_eq!(unchecked.count(Code::RecipientCheckDigit), 0);
        assert_eq!(unchecked.count(Code::NoMaster), 0);
    }
}
