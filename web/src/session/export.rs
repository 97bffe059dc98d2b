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
}

/// Why the help-desk copy was not made, for the page (the core's own message speaks of the
/// CLI's `--seed`).
pub(super) fn redact_msg(e: &RedactError) -> Msg {
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
            pmh_core::diagnostic::column_letter(c.cell.col),
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
