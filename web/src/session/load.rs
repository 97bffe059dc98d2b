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
        sheet: Option<String>,
        progress: &mut ProgressFn<'_>,
    ) -> Result<Preview, WorkerError> {
        let (workbook, sheets, csv, numeric) = match bytes {
            Some(bytes) if xlsx::is_xlsx(&bytes) => {
                progress(Phase::Converting, 0, bytes.len() as u64);
                let sheets = xlsx::sheet_names(&bytes).map_err(|e| workbook_error(&e))?;
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
        if encoding == pmh_core::TextEncoding::Unknown {
            return Err(WorkerError::UnknownEncoding);
        }
        if encoding == pmh_core::TextEncoding::Ambiguous {
            return Err(WorkerError::AmbiguousEncoding);
        }
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
        let preview = Preview {
            source: Some(source.clone()),
            rows: (table.len() - header - 1) as u64,
            headers,
            samples,
            encoding: text::encoding(encoding),
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
            next_group: 1,
        });
        Ok(preview)
    }

    /// Checks the loaded input with `mapping` (the JSON of a mapping file).
    ///
    /// # Errors
    /// No input, or a mapping that does not fit the layout.
    pub fn check(
        &mut self,
        mapping: &str,
        progress: &mut ProgressFn<'_>,
    ) -> Result<(), WorkerError> {
        let mapping =
            ColumnMapping::from_json(mapping, &self.layout).map_err(|e| config_error(&e))?;
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
        let findings = FileFindings::from_report(&mut report, header_row);
        input.results = Some(Results {
            mapping,
            meta: report,
            findings,
            truncated,
            keys,
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
    ) -> Result<(u64, u64, Vec<f64>), WorkerError> {
        let (input, results) = self.results()?;
        let opts = Options {
            encoding: input.bytes_encoding(),
            ..self.grid_options(&results.mapping)
        };
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
}
