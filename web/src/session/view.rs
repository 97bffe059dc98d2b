use super::*;

impl Session {
    /// The summary of the current results.
    ///
    /// # Errors
    /// Nothing was checked yet.
    pub fn summary(&self) -> Result<Summary, WorkerError> {
        let (input, r) = self.results()?;
        let layout = &self.layout;
        let mut error_rows = 0;
        let mut problem_rows = 0;
        let mut repairable = vec![0u64; Code::ALL.len()];
        // The severity the findings of each code really have (a code list marked inferred
        // makes V005 a warning): the panel must not call a warning an error.
        let mut seen: Vec<Option<Severity>> = vec![None; Code::ALL.len()];
        // Lines the reader could not read as rows: swallowed by an unclosed quote (S007, its
        // own line included) or cut as too long (S021). Not in the upload file.
        let mut unread_lines = 0u64;
        for d in r.findings.file_level() {
            let s = &mut seen[d.code.index()];
            *s = Some(s.map_or(d.severity, |s| s.min(d.severity)));
        }
        for findings in r.findings.rows().values() {
            let worst = findings.iter().map(|d| d.severity).min();
            if worst == Some(Severity::Error) {
                error_rows += 1;
            }
            if worst.is_some_and(|s| s != Severity::Info) {
                problem_rows += 1;
            }
            for d in findings {
                match (d.code, &d.detail) {
                    (Code::UnclosedQuote, pmh_core::Detail::Lines { count }) => {
                        unread_lines += count;
                    }
                    (Code::RecordTooLong, _) => unread_lines += 1,
                    _ => {}
                }
                if repair_of(d).is_some() {
                    repairable[d.code.index()] += 1;
                }
                let s = &mut seen[d.code.index()];
                *s = Some(s.map_or(d.severity, |s| s.min(d.severity)));
            }
        }
        let codes = Code::ALL
            .iter()
            .filter_map(|&c| {
                let count = r.findings.count_of(c);
                (count > 0).then(|| {
                    let info = c.info();
                    CodeCount {
                        code: c.as_str().to_owned(),
                        severity: sev(seen[c.index()].unwrap_or(info.severity)),
                        title: page_msg(info.title_ja, info.title_en),
                        count,
                        repairable: repairable[c.index()],
                    }
                })
            })
            .collect();
        let masters = match &self.masters {
            Some(m) => text::masters_summary(m),
            None => text::masters_summary(&Masters::new()),
        };
        let previous = self.comparison();
        let held = previous
            .as_ref()
            .is_some_and(crate::protocol::PreviousView::holds_the_upload);
        Ok(Summary {
            source: Some(input.source.clone()),
            sheet: input.sheet.clone(),
            workbook: input.workbook.is_some(),
            encoding: text::encoding(r.meta.encoding),
            bytes: r.meta.bytes,
            rows: r.meta.rows,
            errors: r.findings.severity_count(Severity::Error),
            warnings: r.findings.severity_count(Severity::Warning),
            infos: r.findings.severity_count(Severity::Info),
            error_rows,
            problem_rows,
            upload_ready: r.findings.severity_count(Severity::Error) == 0 && !held,
            truncated: r.truncated,
            codes,
            file_findings: r
                .findings
                .file_level()
                .map(|d| finding_view(layout, d))
                .collect(),
            changes: u32::try_from(input.log.len()).unwrap_or(u32::MAX),
            layout: Msg::new(layout.title_ja.clone(), layout.title_en.clone()),
            masters,
            previous,
            unread_lines,
            header_only: r.findings.count_of(Code::HeaderOnly) > 0,
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
                    .findings
                    .rows()
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
    pub fn view(&mut self, req: &ViewReq) -> Result<ViewData, WorkerError> {
        let layout = &self.layout;
        let input = self.input.as_mut().ok_or(WorkerError::NotLoaded)?;
        let table = &input.table;
        let results = input.results.as_mut().ok_or(WorkerError::NotChecked)?;
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
}

/// A row's finding as the page shows it: with the other cell it is about, if any.
fn row_finding_view(layout: &Layout, results: &Results, d: &Diagnostic) -> FindingView {
    let mut view = finding_view(layout, d);
    view.pair = pair_column(layout, results, d);
    view
}

/// The first of the two cells a finding is about, when its report names the second: R001 is
/// reported at 有効期間終了日, but which of the two dates is wrong only the clerk can tell, so
/// the page marks 有効期間開始日 too and jumps there first (reading order).
fn pair_column(layout: &Layout, results: &Results, d: &Diagnostic) -> Option<u32> {
    if d.code != Code::PeriodReversed {
        return None;
    }
    let from = layout.field_index(layout.keys.valid_from.as_deref()?)?;
    let col = results
        .meta
        .uses
        .iter()
        .position(|u| *u == Use::Field(from))?;
    u32::try_from(col + 1).ok().filter(|&c| Some(c) != d.column)
}

/// The findings of one sheet row, as a grid row.
fn grid_row(layout: &Layout, table: &Table, results: &Results, row: u32) -> GridRow {
    let rec = table.record(row as usize - 1);
    let (cells, blank) = rec.map_or((Vec::new(), false), |r| {
        (r.cells.iter().map(|c| (*c).to_owned()).collect(), r.blank)
    });
    let mut marks: Vec<Mark> = Vec::new();
    if let Some(findings) = results.findings.rows().get(&row) {
        for d in findings {
            let view = row_finding_view(layout, results, d);
            // A finding about two cells marks both.
            for col in [view.pair, Some(d.column.unwrap_or(0))]
                .into_iter()
                .flatten()
            {
                match marks.iter_mut().find(|m| m.col == col) {
                    Some(m) => {
                        m.severity = m.severity.min(view.severity);
                        m.findings.push(view.clone());
                    }
                    None => marks.push(Mark {
                        col,
                        severity: view.severity,
                        findings: vec![view.clone()],
                    }),
                }
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
        .findings
        .iter()
        .filter(|d| code.is_none_or(|c| d.code == c));
    let mut total = 0u32;
    let mut items = Vec::new();
    let limit = req.limit.min(MAX_LIST) as usize;
    for d in all {
        if total >= req.offset && items.len() < limit {
            items.push(row_finding_view(layout, results, d));
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
