//! Whole-file and structure checks (S codes): the header row, blank rows, the dialect
//! (encoding, BOM, delimiter, line endings) and what is only known at the end of the file.

use super::*;

impl<'l> Back<'l> {
    pub(super) fn blank(&mut self, line: u64) {
        self.row = self.row.saturating_add(1);
        if self.header.is_some() {
            self.data_rows += 1;
            self.blank_row(self.row, line);
        }
    }

    /// S028 and S029, for an upload file: a field's column whose header is not the layout's
    /// label as written (an alias, another spelling, the JSON id: matched for the check, but
    /// PMH's own matching is not published), and the first field whose column stands before
    /// that of a field the layout puts earlier (once a file: one reordering moves many). The
    /// file `build` writes has neither. A BOM in a header is V009's, not compared here.
    ///
    /// Warnings against a layout whose header is the official one (a template's, verified);
    /// information against the built-in layouts, whose labels and order are reconstructed from
    /// the public documents (a file titled in the documents' own words is not told to rename).
    fn header_as_layout(&mut self, map: &HeaderMap, headers: &[String], row: u32, line: u64) {
        let layout = self.layout;
        let (basis, severity) = if layout.dialect.official_header {
            (Basis::Verified, Severity::Warning)
        } else {
            (Basis::Inferred, Severity::Info)
        };
        // One finding on field `fi`'s column; `other`: the field and column it stands before.
        let told = |code: Code, fi: usize, col: usize, other: Option<(usize, usize)>| {
            let mut d = Diagnostic::new(code)
                .at(row, line)
                .column(u32::try_from(col + 1).ok())
                .detail(Detail::Header {
                    header: headers.get(col).cloned().unwrap_or_default(),
                    suggestion: other.map(|(f, _)| f),
                    other_column: other.and_then(|(_, c)| u32::try_from(c + 1).ok()),
                })
                .field(fi, basis);
            d.severity = severity;
            d
        };
        // The field of the rightmost column seen so far, in layout order.
        let mut rightmost: Option<(usize, usize)> = None;
        let mut order_told = false;
        for (fi, f) in layout.fields.iter().enumerate() {
            let Some(col) = map.field_column.get(fi).copied().flatten() else {
                continue;
            };
            let header = headers.get(col).map_or("", String::as_str);
            if header.replace('\u{FEFF}', "") != f.label_ja {
                self.sink.push(told(Code::HeaderNotLabel, fi, col, None));
            }
            match rightmost {
                Some(before) if col < before.1 => {
                    if !std::mem::replace(&mut order_told, true) {
                        self.sink
                            .push(told(Code::ColumnOrder, fi, col, Some(before)));
                    }
                }
                _ => rightmost = Some((fi, col)),
            }
        }
    }

    /// S009: an empty line, or a record with no text at all.
    pub(super) fn blank_row(&mut self, row: u32, line: u64) {
        self.blank_rows += 1;
        if self.opts.numeric_cells.is_some() {
            self.blank_in_workbook.push(row);
        }
        self.sink
            .push(Diagnostic::new(Code::BlankRow).at(row, line));
    }

    pub(super) fn header_row(&mut self, headers: Vec<String>, line: u64) {
        self.header_at = self.row;
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
        self.field_indices = map
            .field_column
            .iter()
            .map(|c| c.unwrap_or(usize::MAX))
            .collect();
        self.fields_in_order = self.field_indices.iter().enumerate().all(|(i, &c)| c == i);
        #[cfg(test)]
        {
            self.fields_in_order &= self.in_order_path;
        }
        if !map.any_field() {
            self.sink
                .push(Diagnostic::new(Code::NoHeader).at(self.row, line));
            self.stopped = true;
            self.header = Some(map);
            return;
        }
        let row = self.row;
        // A column named like an earlier one: a second column of a field, or a 券面 item.
        let repeats = [
            (Code::DuplicateColumn, &map.duplicates),
            (Code::CardItemNamedLikeField, &map.card_repeats),
        ];
        for (code, list) in repeats {
            for &(col, first, f) in list {
                self.sink.push(
                    Diagnostic::new(code)
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
        }
        let known_items: Vec<String> = layout
            .certificate_items
            .known
            .iter()
            .map(|k| crate::layout::header::fold(k))
            .collect();
        for &(col, suggestion) in &map.unknown_among_fixed {
            // 年齢, 疾病名 … are 受給者証券面項目 wherever they stand (the layout lists them).
            if known_items.contains(&crate::layout::header::fold(&headers[col])) {
                continue;
            }
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
        self.other_layout_columns(&map, &headers, row, line);
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
            self.header_as_layout(&map, &headers, row, line);
            self.delimiter_check(line);
            // A BOM in a header cell is uploaded with it (a column name copied from the start of
            // another file): PMH's column name would be "\u{FEFF}氏名". The header is matched
            // without it, so say so here. (A BOM right after the file's own BOM never gets here:
            // the CSV reader drops it at the start of the first record.)
            for (c, h) in headers.iter().enumerate() {
                if h.contains('\u{FEFF}') {
                    self.bom_in_value(row, line, u32::try_from(c + 1).ok(), None, h);
                }
            }
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
            if self.layout.dialect.encoding == Encoding::Cp932 {
                // The 券面 names are written as the header (the fields' labels are the
                // layout's): one CP932 cannot hold is C005 on the header row.
                let cells: Vec<(&str, &str)> = names.iter().map(|&n| ("", n)).collect();
                let detail_cols = self.detail_cols.clone();
                self.unencodable(row, line, &[], &cells, &[], &detail_cols);
            }
            write::csv_header(&mut self.out, self.layout, &names);
        }
        self.header = Some(map);
    }

    /// S023: a 券面 column named like a field that another built-in layout has and this one
    /// lacks — 履歴キー or 削除フラグ in a 全件 check is a 差分履歴 file, whose deleted rows would
    /// be registered as valid and whose missing certificates deleted. Only for the built-in
    /// layouts: a vendor's layout decides its own columns.
    fn other_layout_columns(&mut self, map: &HeaderMap, headers: &[String], row: u32, line: u64) {
        let layout = self.layout;
        if !Layout::BUILTIN_IDS.contains(&layout.id.as_str()) {
            return;
        }
        for id in Layout::BUILTIN_IDS.iter().filter(|&&id| id != layout.id) {
            let Some(other) = Layout::builtin(id) else {
                continue;
            };
            let matcher = Matcher::new(&other);
            for (col, header) in headers.iter().enumerate() {
                if map.uses.get(col) != Some(&Use::Detail) {
                    continue;
                }
                let theirs = matcher
                    .resolve(header)
                    .and_then(|(f, _)| other.fields.get(f))
                    .is_some_and(|f| layout.field_index(&f.id).is_none());
                if theirs {
                    self.sink.push(
                        Diagnostic::new(Code::OtherLayoutColumn)
                            .at(row, line)
                            .column(u32::try_from(col + 1).ok())
                            .detail(Detail::Header {
                                header: header.clone(),
                                suggestion: None,
                                other_column: None,
                            }),
                    );
                }
            }
        }
    }

    pub(super) fn delimiter_check(&mut self, line: u64) {
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
    pub(super) fn encoding_checks(&mut self, enc: TextEncoding) {
        let d = &self.layout.dialect;
        let utf8_expected = d.encoding == Encoding::Utf8;
        if utf8_expected && !enc.is_utf8() && !enc.is_unreadable() {
            let found = match enc {
                TextEncoding::Cp932 => "Shift_JIS (CP932)",
                TextEncoding::EucJp => "EUC-JP",
                TextEncoding::Iso2022Jp => "ISO-2022-JP",
                _ => "UTF-16",
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

    pub(super) fn finish_file(&mut self, summary: &FrontSummary) {
        if summary.bytes > 0
            && let Some(why) = summary.encoding.refusal(summary.failure)
        {
            // Refused unread (`TextEncoding::is_unreadable`): whatever came before the bytes
            // that could not be read (a header, rows of ASCII) is dropped with its findings
            // and output, and the one finding says why.
            self.sink = Sink::new(self.sink.max);
            self.out.clear();
            self.rows_written = 0;
            self.data_rows = 0;
            self.blank_rows = 0;
            let d = if why == DecodeFailure::Ambiguous {
                Diagnostic::new(Code::AmbiguousEncoding)
            } else {
                Diagnostic::new(Code::UnknownEncoding).detail(Detail::Unreadable(why))
            };
            self.sink.push(d);
            return;
        }
        if self.opts.output == Some(OutputFormat::Json) {
            write::json_close(&mut self.out, self.rows_written == 0);
        }
        if self.opts.workbook {
            self.sink.push(Diagnostic::new(Code::WorkbookNotUpload));
        }
        self.hidden_in_workbook();
        if summary.looks_utf8 {
            self.sink.push(Diagnostic::new(Code::EncodingLooksUtf8));
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
        // Blank rows are no data: a header and blank lines (or every row excluded on the page)
        // uploads as a header-only file, which deletes every certificate in 全件連携.
        if self.header.is_some() && self.data_rows <= self.blank_rows && !self.stopped {
            self.sink.push(Diagnostic::new(Code::HeaderOnly));
        }
        if self.header.is_none() {
            // Only line breaks: nothing readable.
            self.sink.push(Diagnostic::new(Code::EmptyFile));
        }
        if self.opts.kind == InputKind::Upload && !self.stopped && self.header.is_some() {
            if summary.bom_twice {
                // The header's first name, with the BOM the reader dropped.
                let first = self
                    .header
                    .as_ref()
                    .and_then(|h| h.headers.first())
                    .map_or_else(String::new, |h| format!("\u{FEFF}{h}"));
                self.bom_in_value(1, 1, Some(1), None, &first);
            }
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

    /// The sheet rows S026 is about: the rows Excel hides that held a value in the workbook,
    /// among this check's data rows, blank now or not ([`hidden_rows_finding`] leaves out the
    /// blank ones). Empty without a workbook, without a header the layout knows, or when the
    /// check stopped. The page keeps them, to say S026 again after an edit.
    #[must_use]
    pub fn hidden_data_rows(&self) -> Vec<u32> {
        let Some(cells) = self.opts.numeric_cells.as_deref() else {
            return Vec::new();
        };
        if self.header.is_none() || self.stopped {
            return Vec::new();
        }
        let (first, last) = (self.header_at, self.row);
        cells
            .hidden_rows()
            .iter()
            .copied()
            .filter(|&r| r > first && r <= last)
            .collect()
    }

    /// S026 and S027: rows and columns of a workbook's sheet that Excel hides (by hand, by an
    /// autofilter, by a collapsed outline) are converted and uploaded like any other — so is
    /// Excel's own "Save as CSV" — while the clerk who filtered the list sees nothing of them.
    /// They stay in the data; the finding says how many and which: the hidden rows among the
    /// data rows that hold a value (as the report numbers rows), and the hidden columns that
    /// are uploaded (mapped to a field or kept as a 券面項目). A file without a header the
    /// layout knows (S016) has neither. One finding each, for the whole file.
    fn hidden_in_workbook(&mut self) {
        let Some(cells) = self.opts.numeric_cells.as_deref() else {
            return;
        };
        let Some(header) = self.header.as_ref().filter(|_| !self.stopped) else {
            return;
        };
        let blank = &self.blank_in_workbook;
        let rows = hidden_rows_finding(&self.hidden_data_rows(), |r| {
            blank.binary_search(&r).is_ok()
        });
        let columns: Vec<(u32, String)> = header
            .uses
            .iter()
            .zip(&header.headers)
            .enumerate()
            .filter(|&(_, (u, h))| match u {
                Use::Field(_) => true,
                Use::Detail => !h.trim().is_empty(),
                Use::Ignored => false,
            })
            .filter_map(|(c, (_, h))| {
                let column = u32::try_from(c + 1).ok()?;
                cells
                    .column_hidden(column)
                    .then(|| (column, h.trim().to_owned()))
            })
            .collect();
        if let Some(d) = rows {
            self.sink.push(d);
        }
        if !columns.is_empty() {
            self.sink.push(
                Diagnostic::new(Code::HiddenColumns).detail(Detail::HiddenColumns {
                    count: columns.len() as u64,
                    columns: columns.into_iter().take(HIDDEN_LISTED).collect(),
                }),
            );
        }
    }
}

/// How many hidden rows (S026) or columns (S027) a finding names; it counts them all.
const HIDDEN_LISTED: usize = 5;

/// S026 for `hidden` (ascending sheet rows that Excel hides, [`Back::hidden_data_rows`]) less
/// the rows that are `blank` now: a row the clerk emptied (the page's 「この行をアップロードから
/// 除く」, Delete) is no longer uploaded, and an undo that fills it again brings it back. One
/// finding for the file, listing the first five rows; `None` when no hidden row holds data.
#[must_use]
pub fn hidden_rows_finding(hidden: &[u32], blank: impl Fn(u32) -> bool) -> Option<Diagnostic> {
    let rows: Vec<u32> = hidden.iter().copied().filter(|&r| !blank(r)).collect();
    (!rows.is_empty()).then(|| {
        Diagnostic::new(Code::HiddenRows).detail(Detail::HiddenRows {
            count: rows.len() as u64,
            rows: rows.into_iter().take(HIDDEN_LISTED).collect(),
        })
    })
}
