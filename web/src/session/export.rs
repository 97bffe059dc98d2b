use super::*;

impl Session {
    /// The current results as a core report (every finding, in file order).
    fn current_report(results: &Results) -> Report {
        results.findings.report(&results.meta)
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
    ) -> Result<(String, &'static str, Vec<u8>, u64), WorkerError> {
        let ui = match lang {
            ReportLang::Ja => Lang::Ja,
            ReportLang::En => Lang::En,
        };
        if matches!(kind, DownloadKind::DiffCsv | DownloadKind::DiffState) {
            // Made from the two 全件 files, not from the loaded input.
            let (name, mime, bytes) = self.diff_download(kind, ui)?;
            return Ok((name, mime, bytes, 0));
        }
        let (input, results) = self.results()?;
        let name = text::download_name(ui, kind, &file_stem(&input.source));
        match kind {
            DownloadKind::UploadCsv | DownloadKind::UploadJson => {
                let (format, mime) = if kind == DownloadKind::UploadCsv {
                    (OutputFormat::Csv, "text/csv")
                } else {
                    (OutputFormat::Json, "application/json")
                };
                let (out, report) =
                    self.build(&input.current(), &results.mapping, format, progress);
                Ok((name, mime, out, report.errors))
            }
            DownloadKind::Helpdesk => {
                let bytes = self.helpdesk_copy(extra.seed)?;
                Ok((name, "text/csv", bytes, 0))
            }
            DownloadKind::Receipt => {
                let json = self.receipt(extra.time, progress)?;
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
                let text = render::render(
                    render::Format::Csv,
                    &self.layout,
                    &[Input {
                        path: input.source.report_name(),
                        report: &report,
                    }],
                    opts,
                );
                Ok((name, "text/csv", text.into_bytes(), report.errors))
            }
            DownloadKind::ChangeLog => {
                let text = change_log_csv(&self.layout, input, &results.meta, ui);
                Ok((name, "text/csv", text.into_bytes(), 0))
            }
            DownloadKind::DiffCsv | DownloadKind::DiffState => {
                let (name, mime, bytes) = self.diff_download(kind, ui)?;
                Ok((name, mime, bytes, 0))
            }
        }
    }

    /// The help-desk copy: the input as loaded (edits not included) with every personal value
    /// replaced by a synthetic one, its findings checked to be the same (code, row, column)
    /// under the options of the check, as `pmhcsv redact --build` makes it.
    ///
    /// # Errors
    /// Nothing was checked yet, or the copy's findings would differ.
    pub fn helpdesk_copy(&self, seed: u64) -> Result<Vec<u8>, WorkerError> {
        let (input, results) = self.results()?;
        // The input as the check read it: as loaded, or with the header row the clerk chose
        // (a paste without a header row must not have its first recipient taken for names).
        let (source, encoding) = match &input.shaped {
            Some(shaped) => (shaped.as_slice(), EncodingChoice::Auto),
            None => (input.as_loaded(), input.encoding),
        };
        let opts = Options {
            encoding,
            ..self.grid_options(&results.mapping)
        };
        // Columns left out of the upload (使わない) and 券面 columns are not the core's to
        // redact (only personal fields and personally named 券面 columns are): every letter
        // and digit of theirs is masked first, so that nothing personal survives, whatever
        // the column is called.
        let report = pmh_core::check_bytes(&self.layout, opts.clone(), source);
        // In place, byte for byte outside the masked cells (the encoding, BOM, quotes and line
        // endings stay); as UTF-8 CSV for the encodings that cannot be walked as bytes.
        let in_place = mask_in_place(source, encoding, input.delimiter, &report.uses);
        let (masked, encoding) = match in_place {
            Masked::Bytes(bytes) => (Some(bytes), encoding),
            Masked::Nothing => (None, encoding),
            Masked::NotWalkable => (
                mask_columns(source, encoding, input.delimiter, &report.uses),
                EncodingChoice::Auto,
            ),
        };
        match masked {
            None => pmh_core::redact::redact(&self.layout, &opts, source, seed)
                .map_err(|e| redact_error(&e)),
            Some(masked) => {
                let opts = Options { encoding, ..opts };
                // The masked copy must keep every finding (code, row, column).
                let after = pmh_core::check_bytes(&self.layout, opts.clone(), &masked);
                let at = |r: &Report| {
                    let mut v: Vec<(Code, Option<u32>, Option<u32>)> = r
                        .diagnostics
                        .iter()
                        .map(|d| (d.code, d.row, d.column))
                        .collect();
                    v.sort();
                    v
                };
                if at(&after) != at(&report) {
                    return Err(WorkerError::RedactMismatch {
                        original: report.diagnostics.len() as u64,
                        redacted: after.diagnostics.len() as u64,
                    });
                }
                pmh_core::redact::redact(&self.layout, &opts, &masked, seed)
                    .map_err(|e| redact_error(&e))
            }
        }
    }

    /// The receipt of the current state (JSON, as `pmhcsv build --receipt` writes it): the
    /// input as loaded (name, size, SHA-256 — of the workbook for an Excel file — and
    /// encoding), the findings of the data as it is now, and the upload CSV the page writes
    /// now (the same bytes as its download). `time` comes from the page's clock.
    ///
    /// # Errors
    /// Nothing was checked yet, or `time` is not RFC 3339.
    pub fn receipt(
        &self,
        time: &str,
        progress: &mut ProgressFn<'_>,
    ) -> Result<String, WorkerError> {
        if !pmh_core::receipt::is_rfc3339(time) {
            return Err(WorkerError::ReceiptTime {
                time: time.to_owned(),
            });
        }
        let (input, results) = self.results()?;
        let (out, mut report) = self.build(
            &input.current(),
            &results.mapping,
            OutputFormat::Csv,
            progress,
        );
        let out_name =
            text::download_name(Lang::Ja, DownloadKind::UploadCsv, &file_stem(&input.source));
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
                // A number of 11 digits or more in the file's name masked, as the CLI's receipt
                // (`愛知花子_123456789018.csv` → `愛知花子_********9018.csv`).
                name: &pmh_core::hide_long_numbers(input.source.report_name()),
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
    pub(super) fn build(
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
            numeric_cells: self.input.as_ref().and_then(|i| i.numeric.clone()),
            encoding: self
                .input
                .as_ref()
                .map_or(EncodingChoice::Auto, Loaded::current_encoding),
            as_of: self.as_of,
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
}

/// What [`mask_in_place`] made.
enum Masked {
    /// The input with the cells masked.
    Bytes(Vec<u8>),
    /// Nothing to mask.
    Nothing,
    /// An encoding whose bytes cannot be walked as ASCII structure (UTF-16, ISO-2022-JP).
    NotWalkable,
}

/// Masks, in the input's own bytes, every character of the cells of the columns that are not
/// layout fields (left out, or 券面 items) in the data records: ASCII digits → 9, ASCII letters
/// → X, any other character → 〇 (in the input's encoding), except the delimiter, quotes, line
/// breaks, ASCII punctuation and spaces, the ideographic space and a BOM (U+FEFF), which
/// findings may be about. Everything else (header, fields, BOM, line endings, encoding) stays
/// byte for byte, so the copy has the findings of the input.
fn mask_in_place(source: &[u8], encoding: EncodingChoice, delimiter: u8, uses: &[Use]) -> Masked {
    let cols: Vec<bool> = uses
        .iter()
        .map(|u| matches!(u, Use::Ignored | Use::Detail))
        .collect();
    if !cols.iter().any(|&c| c) {
        return Masked::Nothing;
    }
    let table = Table::load(source, delimiter, encoding, &mut |_| {});
    let Some(header) = table.header_index() else {
        return Masked::Nothing;
    };
    let summary = table.summary();
    let delimiter = summary.delimiter;
    let kind = match summary.encoding {
        TextEncoding::Ascii | TextEncoding::Utf8 | TextEncoding::Utf8Bom => 0,
        TextEncoding::Cp932 => 1,
        TextEncoding::EucJp => 2,
        _ => return Masked::NotWalkable,
    };
    // 〇 and the ideographic space in each encoding.
    let (maru, space): (&[u8], &[u8]) = match kind {
        0 => ("〇".as_bytes(), "\u{3000}".as_bytes()),
        1 => (&[0x81, 0x5A], &[0x81, 0x40]),
        _ => (&[0xA1, 0xBB], &[0xA1, 0xA1]),
    };
    let mut out = Vec::with_capacity(source.len());
    let mut i = 0;
    if kind == 0 && source.starts_with(b"\xEF\xBB\xBF") {
        out.extend_from_slice(&source[..3]);
        i = 3;
    }
    let (mut record, mut field, mut quoted, mut any) = (0usize, 0usize, false, false);
    while i < source.len() {
        let b = source[i];
        let len = match (kind, b) {
            (_, 0..=0x7F) => 1,
            (0, 0xC0..=0xDF) => 2,
            (0, 0xE0..=0xEF) => 3,
            (0, 0xF0..=0xF7) => 4,
            (1, 0x81..=0x9F | 0xE0..=0xFC) => 2,
            (2, 0x8F) => 3,
            (2, 0x8E | 0xA1..=0xFE) => 2,
            _ => 1,
        };
        let ch = &source[i..(i + len).min(source.len())];
        let masking = record > header && cols.get(field).copied().unwrap_or(false);
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                record += 1;
                field = 0;
            }
            d if d == delimiter && !quoted => field += 1,
            _ => {}
        }
        if masking && b.is_ascii_alphanumeric() {
            out.push(if b.is_ascii_digit() { b'9' } else { b'X' });
            any = true;
        } else if masking && len > 1 && ch != space && ch != b"\xEF\xBB\xBF" {
            out.extend_from_slice(maru);
            any = true;
        } else if masking && kind == 1 && (0xA1..=0xDF).contains(&b) {
            // Half-width katakana (one byte in CP932).
            out.push(b'X');
            any = true;
        } else {
            out.extend_from_slice(ch);
        }
        i += len;
    }
    if any {
        Masked::Bytes(out)
    } else {
        Masked::Nothing
    }
}

/// `source` with every letter and digit of the columns that are not layout fields (left
/// out, or 券面 items) replaced (digits by 9, other letters and digits by X or 〇), as UTF-8
/// CSV; `None` when those columns hold nothing to mask.
fn mask_columns(
    source: &[u8],
    encoding: EncodingChoice,
    delimiter: u8,
    uses: &[Use],
) -> Option<Vec<u8>> {
    let cols: Vec<usize> = uses
        .iter()
        .enumerate()
        .filter(|(_, u)| matches!(u, Use::Ignored | Use::Detail))
        .map(|(c, _)| c)
        .collect();
    if cols.is_empty() {
        return None;
    }
    let table = Table::load(source, delimiter, encoding, &mut |_| {});
    let header = table.header_index()?;
    // Written with the delimiter the input has (a tab-separated paste stays one: S013).
    let delimiter = table.summary().delimiter;
    let mask = |v: &str| -> String {
        v.chars()
            .map(|c| match c {
                '0'..='9' => '9',
                c if c.is_ascii_alphabetic() => 'X',
                c if c.is_alphanumeric() => '〇',
                c => c,
            })
            .collect()
    };
    let mut any = false;
    let mut out = Vec::with_capacity(source.len() + 1024);
    for i in 0..table.len() {
        let Some(rec) = table.record(i) else { continue };
        if rec.blank || i <= header {
            out.extend(table.rows_csv_range(i, i + 1, delimiter));
            continue;
        }
        let cells: Vec<String> = rec
            .cells
            .iter()
            .enumerate()
            .map(|(c, v)| {
                if cols.contains(&c) && v.chars().any(char::is_alphanumeric) {
                    any = true;
                    mask(v)
                } else {
                    (*v).to_owned()
                }
            })
            .collect();
        crate::table::write_cells(&mut out, &cells, delimiter);
    }
    any.then_some(out)
}

/// Why the help-desk copy was not made, for the page (the core's own message speaks of the
/// CLI's `--seed`).
pub(super) fn redact_error(e: &RedactError) -> WorkerError {
    match e {
        RedactError::FindingsChanged {
            original, redacted, ..
        } => WorkerError::RedactMismatch {
            original: *original,
            redacted: *redacted,
        },
        RedactError::UnsupportedEncoding { .. } => WorkerError::RedactEncoding {
            reason: text::core_error(text::CoreError::Redact(e)),
        },
    }
}

/// A file name stem from the input's name: `受給者一覧.xlsx` → `受給者一覧`. A number of 11
/// digits or more in it is masked as in the reports and the receipt (a file named after the
/// recipient, `愛知花子_123456789018.csv` → `愛知花子_********9018`): the names of the files
/// saved (upload file, receipt, report, change log) carry no My Number.
pub(super) fn file_stem(source: &InputSource) -> String {
    pmh_core::hide_long_numbers(&raw_stem(source))
}

/// [`file_stem`] before masking.
fn raw_stem(source: &InputSource) -> String {
    match source {
        InputSource::Paste => text::PASTE_STEM.to_owned(),
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

/// One cell of the change log, a report opened in Excel: the report CSV's rule (no formula
/// start, visible control characters, RFC 4180 quoting).
fn csv_cell(out: &mut String, v: &str) {
    pmh_core::render::push_report_csv_field(out, v);
}

/// The change log as CSV for Excel (UTF-8 with BOM, CRLF), one change per row.
fn change_log_csv(layout: &Layout, input: &Loaded, meta: &Report, lang: Lang) -> String {
    let mut out = String::from("\u{FEFF}");
    out.push_str(text::change_log_header(lang));
    out.push_str("\r\n");
    for (n, c) in input.log.iter().enumerate() {
        let action = text::change_action(lang, &c.kind);
        let code = match &c.kind {
            ChangeKind::Repair(code) | ChangeKind::RepairAll(code) => code.as_str(),
            ChangeKind::Edit
            | ChangeKind::Undo
            | ChangeKind::Redo
            | ChangeKind::ValueMap
            | ChangeKind::ExcludeRow
            | ChangeKind::Replace
            | ChangeKind::Paste
            | ChangeKind::FixSame
            | ChangeKind::Clear
            | ChangeKind::FillDown => "",
        };
        let col = c.cell.col as usize - 1;
        let header = meta.headers.get(col).map_or("", |h| h.trim());
        let field = match meta.uses.get(col) {
            Some(Use::Field(i)) => layout
                .fields
                .get(*i)
                .map_or("", |f| lang.pick(f.label_ja.as_str(), f.label_en.as_str())),
            Some(Use::Detail) => text::Text::CertificateItem.get(lang),
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
