use super::*;

/// A workbook that cannot be read, as the worker reports it.
fn workbook_error(e: &xlsx::XlsxError) -> WorkerError {
    WorkerError::Workbook {
        reason: text::core_error(text::CoreError::Xlsx(e)),
    }
}

impl Session {
    /// Reads an input: `bytes` (a CSV/TSV file in any supported encoding, pasted text, or an
    /// `.xlsx` workbook), or, when `None`, sheet `sheet` of the workbook read last.
    ///
    /// # Errors
    /// A workbook that cannot be read, a missing sheet, an input with no text or no header row.
    pub fn load(
        &mut self,
        source: InputSource,
        bytes: Option<Vec<u8>>,
        mut sheet: Option<String>,
        progress: &mut ProgressFn<'_>,
    ) -> Result<Preview, WorkerError> {
        let (workbook, sheets, csv, numeric) = match bytes {
            Some(bytes) if xlsx::is_xlsx(&bytes) => {
                progress(Phase::Converting, 0, bytes.len() as u64);
                let sheets = xlsx::sheet_names(&bytes).map_err(|e| workbook_error(&e))?;
                // No sheet named: the one the core reads (the active tab), shown as chosen.
                if sheet.is_none() {
                    sheet = Some(xlsx::default_sheet(&bytes).map_err(|e| workbook_error(&e))?);
                }
                let (csv, numbers) = xlsx::sheet_to_csv_with_numbers(&bytes, sheet.as_deref())
                    .map_err(|e| workbook_error(&e))?;
                (Some(bytes), sheets, csv, Some(Arc::new(numbers)))
            }
            Some(bytes) => (None, Vec::new(), bytes, None),
            None => {
                let Some(Loaded {
                    workbook: Some(workbook),
                    sheets,
                    ..
                }) = self.input.take()
                else {
                    return Err(WorkerError::NoWorkbook);
                };
                progress(Phase::Converting, 0, workbook.len() as u64);
                let (csv, numbers) =
                    match xlsx::sheet_to_csv_with_numbers(&workbook, sheet.as_deref()) {
                        Ok(converted) => converted,
                        Err(e) => {
                            self.input = None;
                            return Err(workbook_error(&e));
                        }
                    };
                (Some(workbook), sheets, csv, Some(Arc::new(numbers)))
            }
        };
        self.input = None;
        let total = csv.len() as u64;
        let delimiter = self.layout.dialect.delimiter_byte();
        // A workbook's sheet is UTF-8 text; a file or paste is read as the page says.
        let choice = if workbook.is_some() {
            EncodingChoice::Auto
        } else {
            self.encoding
        };
        let table = Table::load(&csv, delimiter, choice, &mut |done| {
            progress(Phase::Reading, done as u64, total);
        });
        let encoding = table.summary().encoding;
        if csv.is_empty() {
            return Err(WorkerError::Empty);
        }
        match encoding.refusal(table.summary().failure) {
            None => {}
            Some(pmh_core::DecodeFailure::Ambiguous) => return Err(WorkerError::AmbiguousEncoding),
            Some(why) => {
                return Err(WorkerError::UnknownEncoding {
                    why_ja: why.ja().into(),
                    why_en: why.en().into(),
                });
            }
        }
        let first = table.header_index().map_or(1, |h| h as u32 + 1);
        let preview = preview_of(
            &table,
            &table,
            &source,
            &sheets,
            sheet.as_ref(),
            first,
            encoding,
        )?;
        let front = table.summary();
        let measured = (front.bytes, front.sha256.clone(), front.encoding);
        self.input = Some(Loaded {
            source,
            workbook,
            sheets,
            sheet,
            encoding: choice,
            numeric,
            bytes: csv,
            original: None,
            measured,
            table,
            delimiter,
            results: None,
            log: Vec::new(),
            undo: Vec::new(),
            redo: Vec::new(),
            next_group: 1,
            appended: Vec::new(),
            shaped: None,
        });
        Ok(preview)
    }

    /// Uses row `row` (1-based, blank lines counted) of the input as read as its header row,
    /// leaving out the rows above it (title rows); `0`: the input has no header row, every row
    /// is data (from the first that is not blank), and the
    /// columns are named 列A, 列B … (a paste without its header row must not lose its first
    /// recipient). Edits are dropped: the page offers this before any.
    ///
    /// # Errors
    /// Nothing loaded, or no such row.
    pub fn set_header_row(&mut self, row: u32) -> Result<Preview, WorkerError> {
        let input = self.input.as_mut().ok_or(WorkerError::NotLoaded)?;
        let delimiter = input.delimiter;
        let raw = Table::load(input.as_loaded(), delimiter, input.encoding, &mut |_| {});
        let Some(first) = raw.header_index() else {
            return Err(WorkerError::NoHeader);
        };
        let encoding = raw.summary().encoding;
        let reshaped: Option<Vec<u8>> = match row {
            // As read.
            k if k as usize == first + 1 => None,
            0 => {
                let width = (first..raw.len())
                    .filter_map(|i| raw.record(i))
                    .map(|r| r.cells.len())
                    .max()
                    .unwrap_or(0);
                let names: Vec<String> = (1..=width as u32)
                    .map(|c| format!("列{}", pmh_core::column_letter(c)))
                    .collect();
                let mut out = Vec::new();
                crate::table::write_cells(&mut out, &names, delimiter);
                out.extend(raw.rows_csv(first, delimiter));
                Some(out)
            }
            k => {
                let from = k as usize - 1;
                if from >= raw.len() || raw.record(from).is_none_or(|r| r.blank) {
                    return Err(WorkerError::NoHeader);
                }
                Some(raw.rows_csv(from, delimiter))
            }
        };
        let reshaped_table = reshaped
            .as_ref()
            .map(|csv| Table::load(csv, delimiter, EncodingChoice::Auto, &mut |_| {}));
        let preview = preview_of(
            reshaped_table.as_ref().unwrap_or(&raw),
            &raw,
            &input.source,
            &input.sheets,
            input.sheet.as_ref(),
            row,
            encoding,
        )?;
        if let Some(csv) = reshaped {
            let loaded = input
                .original
                .take()
                .unwrap_or_else(|| std::mem::take(&mut input.bytes));
            input.original = Some(loaded);
            input.bytes = csv;
            // Cell positions moved: the workbook's number cells no longer line up.
            input.numeric = None;
        } else if let Some(loaded) = input.original.take() {
            input.bytes = loaded;
        }
        input.shaped = input.original.is_some().then(|| input.bytes.clone());
        input.table = reshaped_table.unwrap_or(raw);
        input.results = None;
        input.log.clear();
        input.undo.clear();
        input.redo.clear();
        input.appended.clear();
        Ok(preview)
    }

    /// Checks the loaded input with `mapping` (the JSON of a mapping file), after filling the
    /// constant fields and mapping code labels as `prepare` says.
    ///
    /// # Errors
    /// No input, or a mapping that does not fit the layout.
    pub fn check(
        &mut self,
        mapping: &str,
        prepare: &Prepare,
        at: &str,
        progress: &mut ProgressFn<'_>,
    ) -> Result<(), WorkerError> {
        let mut mapping =
            ColumnMapping::from_json(mapping, &self.layout).map_err(|e| config_error(&e))?;
        self.prepare(&mut mapping, prepare, at)?;
        // The page's local date (`at` is `2025-04-01 09:30:15`) is the reference date of R003,
        // as the CLI takes today's: the same file gets the same findings in both.
        self.as_of = at.get(..10).and_then(pmh_core::Ymd::parse_iso);
        let opts = self.grid_options(&mapping);
        let layout = &self.layout;
        let tracker = &self.tracker;
        let input = self.input.as_mut().ok_or(WorkerError::NotLoaded)?;
        if input.table.is_edited() {
            // Fold the edits into the input so that the check sees plain record batches.
            input.fold_edits();
            input.table = Table::load(
                &input.bytes,
                input.delimiter,
                input.bytes_encoding(),
                &mut |_| {},
            );
        }
        let table = &input.table;
        let Some(batches) = table.pristine_batches() else {
            return Err(WorkerError::TableNotReloaded);
        };
        let mut keys: Vec<Option<u128>> = vec![None; table.len() + 2];
        let mut numbers: Vec<Option<u64>> = vec![None; table.len() + 2];
        let number_key = records::MyNumberKey::new(layout);
        let total: u64 = batches.iter().map(|b| b.len() as u64).sum();
        let mut back = Back::new(layout, opts);
        back.set_visitor(Box::new(|row: RowView<'_>| {
            let r = row.row as usize;
            if let (Some(key), Some(number)) = (keys.get_mut(r), numbers.get_mut(r)) {
                *key = records::certificate_key(tracker, row.fields);
                *number = number_key.of(row.fields);
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
        let hidden = back.hidden_data_rows();
        let mut report = back.finish(table.summary());
        progress(Phase::Checking, total, total);
        let header_row = table.header_index().map_or(0, |h| h as u32 + 1);
        let truncated = report.truncated();
        let findings = FileFindings::from_report(&mut report, header_row);
        // Records the reader cut (S021) stay cut when the table is written out after edits.
        for (&row, found) in findings.rows() {
            for d in found {
                if let (Code::RecordTooLong, Detail::Limit { bytes }) = (d.code, &d.detail) {
                    input.table.mark_too_long(row as usize - 1, *bytes);
                }
            }
        }
        input.results = Some(Results {
            mapping,
            meta: report,
            findings,
            truncated,
            keys,
            numbers,
            hidden,
            view_cache: None,
        });
        Ok(())
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
    ) -> Result<Bench, WorkerError> {
        let (input, results) = self.results()?;
        let opts = Options {
            encoding: input.bytes_encoding(),
            ..self.grid_options(&results.mapping)
        };
        let mut bench = Bench {
            bytes: input.bytes.len() as u64,
            rows: results.meta.rows,
            ..Bench::default()
        };
        // Alternating, so that a drift of the machine's speed touches both alike.
        for _ in 0..repeats.max(1) {
            for hashed in [true, false] {
                let ms = time(&mut || {
                    let mut checker = Checker::new(&self.layout, opts.clone());
                    if !hashed {
                        checker = checker.without_hash();
                    }
                    for chunk in input.bytes.chunks(64 * 1024) {
                        checker.feed(chunk);
                    }
                    let _ = checker.finish();
                });
                if hashed {
                    bench.runs_ms.push(ms);
                } else {
                    bench.check_ms.push(ms);
                }
            }
        }
        Ok(bench)
    }
}

/// Timings of the core checker on the loaded input ([`Session::bench`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bench {
    /// Input bytes.
    pub bytes: u64,
    /// Data rows.
    pub rows: u64,
    /// Milliseconds per run of the whole checker, SHA-256 of the input included.
    pub runs_ms: Vec<f64>,
    /// Milliseconds per run without the SHA-256 (the page hashes once, when it reads the
    /// input; the CLI on a thread of its own).
    pub check_ms: Vec<f64>,
}

/// The mapping screen's view of `table`: headers, samples, the first rows, and the distinct
/// values of each low-cardinality column.
fn preview_of(
    table: &Table,
    raw: &Table,
    source: &InputSource,
    sheets: &[String],
    sheet: Option<&String>,
    header_row: u32,
    encoding: pmh_core::TextEncoding,
) -> Result<Preview, WorkerError> {
    let Some(header) = table.header_index() else {
        return Err(WorkerError::NoHeader);
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
    // Distinct values per column, given up on a column once it has more than DISTINCT_MAX.
    let mut distinct: Vec<Option<Vec<(String, u64)>>> = vec![Some(Vec::new()); headers.len()];
    for i in header + 1..table.len() {
        if distinct.iter().all(Option::is_none) {
            break;
        }
        let Some(rec) = table.record(i) else { continue };
        for (col, cell) in rec.cells.iter().enumerate().take(headers.len()) {
            let cell = cell.trim();
            let Some(values) = distinct[col].as_mut() else {
                continue;
            };
            if cell.is_empty() {
                continue;
            }
            match values.iter().position(|(v, _)| v == cell) {
                Some(k) => values[k].1 += 1,
                None if values.len() < DISTINCT_MAX => values.push((cell.to_owned(), 1)),
                None => distinct[col] = None,
            }
        }
    }
    let top_rows = (0..raw.len().min(8))
        .filter_map(|i| Some((i, raw.record(i)?)))
        .filter(|(_, r)| !r.blank)
        .take(5)
        .map(|(i, r)| {
            let cells: Vec<String> = r
                .cells
                .iter()
                .take(6)
                .map(|c| c.trim().chars().take(20).collect())
                .collect();
            (i as u32 + 1, cells.join(" ／ "))
        })
        .collect();
    let header_cells: Vec<&str> = headers.iter().map(String::as_str).collect();
    Ok(Preview {
        source: Some(source.clone()),
        rows: (table.len() - header - 1) as u64,
        header_looks_like_data: header_row != 0
            && pmh_core::header_row::looks_like_data(&header_cells),
        headers,
        samples,
        // A workbook's sheet is read as cells, not as text in some encoding.
        encoding: if sheets.is_empty() {
            text::encoding(encoding)
        } else {
            Msg::new(String::new(), String::new())
        },
        sheets: sheets.to_vec(),
        sheet: sheet.cloned(),
        header_row,
        top_rows,
        distinct,
    })
}

impl Session {
    /// Fills the constant fields (a column per field, added at the end, under the field id)
    /// and maps code labels to codes in the columns of the fields `prepare` names (logged as
    /// one change, which can be undone).
    fn prepare(
        &mut self,
        mapping: &mut ColumnMapping,
        prepare: &Prepare,
        at: &str,
    ) -> Result<(), WorkerError> {
        let layout = &self.layout;
        let input = self.input.as_mut().ok_or(WorkerError::NotLoaded)?;
        // Constants: fields of the layout that no source column holds.
        let constants: Vec<(String, String)> = prepare
            .constants
            .iter()
            .filter(|(id, _)| layout.field_index(id).is_some())
            .filter(|(id, _)| !mapping.columns.iter().any(|(h, v)| v == id && h != id))
            .cloned()
            .collect();
        if constants != input.appended {
            let header: Vec<String> = constants.iter().map(|(id, _)| id.clone()).collect();
            let values: Vec<String> = constants.iter().map(|(_, v)| v.clone()).collect();
            let csv =
                input
                    .table
                    .with_columns(input.appended.len(), &header, &values, input.delimiter);
            let before = std::mem::replace(&mut input.bytes, csv);
            input.original.get_or_insert(before);
            input.table = Table::load(
                &input.bytes,
                input.delimiter,
                EncodingChoice::Auto,
                &mut |_| {},
            );
            input.appended = constants;
            input.results = None;
        }
        for (id, _) in &input.appended {
            mapping.columns.insert(id.clone(), id.clone());
        }
        // Value mappings: the columns mapped to a field with a value map.
        let headers = input.table.headers();
        let maps: Vec<(usize, &std::collections::BTreeMap<String, String>)> = headers
            .iter()
            .enumerate()
            .filter_map(|(c, h)| {
                let id = mapping.columns.get(h.trim())?;
                prepare
                    .values
                    .get(id)
                    .filter(|m| !m.is_empty())
                    .map(|m| (c, m))
            })
            .collect();
        if maps.is_empty() {
            return Ok(());
        }
        let Some(header) = input.table.header_index() else {
            return Ok(());
        };
        let mut edits: Vec<(usize, usize, String)> = Vec::new();
        for i in header + 1..input.table.len() {
            let Some(rec) = input.table.record(i) else {
                continue;
            };
            for &(c, map) in &maps {
                if let Some(to) = rec.cells.get(c).and_then(|v| map.get(v.trim()))
                    && rec.cells[c] != to.as_str()
                {
                    edits.push((i, c, to.clone()));
                }
            }
        }
        if edits.is_empty() {
            return Ok(());
        }
        let group = input.next_group;
        for (i, c, to) in edits {
            if let Some(before) = input.table.set_cell(i, c, &to) {
                input.log.push(Change {
                    group,
                    at: at.to_owned(),
                    kind: ChangeKind::ValueMap,
                    cell: CellRef {
                        row: i as u32 + 1,
                        col: c as u32 + 1,
                    },
                    before,
                    after: to,
                });
            }
        }
        input.next_group += 1;
        input.undo.push(group);
        input.results = None;
        Ok(())
    }
}
