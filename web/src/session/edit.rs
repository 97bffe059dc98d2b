use super::*;

impl Session {
    /// Sets one cell and re-checks. Returns how many cells changed (0 or 1).
    ///
    /// # Errors
    /// Nothing was checked yet, or the cell is not in a data row.
    pub fn edit(&mut self, cell: CellRef, value: &str, at: &str) -> Result<u32, WorkerError> {
        self.change(&[(cell, value.to_owned())], ChangeKind::Edit, at)
    }

    /// Pastes cells copied from Excel (tab-separated, one line per row) with their top-left
    /// corner at `start`: one change, undone at once. Cells beyond the last row or column are
    /// left out (the table has no row to add them to); what was left out is kept for the page
    /// to say ([`Session::take_left_out`]). Returns how many cells changed.
    ///
    /// # Errors
    /// Nothing was checked yet, or `start` is not a data cell.
    pub fn paste(&mut self, start: CellRef, text: &str, at: &str) -> Result<u32, WorkerError> {
        self.left_out = None;
        let (input, results) = self.results()?;
        let last_row = input.table.len() as u32;
        let last_col = results.meta.headers.len() as u32;
        let mut edits = Vec::new();
        let mut left = LeftOut::default();
        for (dr, line) in crate::clipboard::from_text(text).into_iter().enumerate() {
            let row = start.row.saturating_add(dr as u32);
            let width = line.len() as u32;
            if row > last_row {
                left.rows += 1;
                left.cells = left.cells.saturating_add(width);
                continue;
            }
            let fits = last_col
                .saturating_sub(start.col.saturating_sub(1))
                .min(width);
            left.cols = left.cols.max(width - fits);
            left.cells = left.cells.saturating_add(width - fits);
            for (dc, value) in line.into_iter().take(fits as usize).enumerate() {
                let col = start.col + dc as u32;
                edits.push((CellRef { row, col }, value));
            }
        }
        if edits.is_empty() {
            return Err(WorkerError::NotADataCell {
                row: start.row,
                col: start.col,
            });
        }
        let n = self.change(&edits, ChangeKind::Paste, at)?;
        self.left_out = (left.cells > 0).then_some(left);
        Ok(n)
    }

    /// What the last paste left out because it did not fit (once: it is forgotten then).
    pub fn take_left_out(&mut self) -> Option<LeftOut> {
        self.left_out.take()
    }

    /// Sets a block of cells of the grid's selected range (Delete, Ctrl+D, Ctrl+V of one value
    /// onto a range) as one change, undone at once. Returns how many cells changed.
    ///
    /// # Errors
    /// Nothing was checked yet, no cell was given, or one is not a data cell.
    pub fn set_cells(
        &mut self,
        cells: &[(CellRef, String)],
        how: BlockEdit,
        at: &str,
    ) -> Result<u32, WorkerError> {
        if cells.is_empty() {
            return Err(WorkerError::NotADataCell { row: 0, col: 0 });
        }
        let kind = match how {
            BlockEdit::Clear => ChangeKind::Clear,
            BlockEdit::FillDown => ChangeKind::FillDown,
            BlockEdit::Fill => ChangeKind::Paste,
        };
        self.change(cells, kind, at)
    }

    /// Applies the repair suggested by the `code` finding of `cell`, or, with `all`, of every
    /// cell with a `code` finding. Returns how many cells changed.
    ///
    /// # Errors
    /// Nothing was checked yet, or there is no such repair.
    pub fn repair(
        &mut self,
        cell: CellRef,
        code: &str,
        all: bool,
        at: &str,
    ) -> Result<u32, WorkerError> {
        let code = Code::parse(code).ok_or_else(|| WorkerError::UnknownCode {
            code: code.to_owned(),
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
            for (&row, findings) in results.findings.rows() {
                for d in findings {
                    add(row, d);
                }
            }
        } else if let Some(findings) = results.findings.rows().get(&cell.row) {
            for d in findings.iter().filter(|d| d.column == Some(cell.col)) {
                add(cell.row, d);
            }
        }
        if edits.is_empty() {
            return Err(WorkerError::RepairNotFound);
        }
        let kind = if all {
            ChangeKind::RepairAll(code)
        } else {
            ChangeKind::Repair(code)
        };
        self.change(&edits, kind, at)
    }

    /// Leaves sheet row `row` out of the upload: every cell emptied (a row without values is
    /// not uploaded, S009), as one change that can be undone. Returns how many cells changed.
    ///
    /// # Errors
    /// Nothing was checked yet, or `row` is not a data row.
    pub fn exclude_row(&mut self, row: u32, at: &str) -> Result<u32, WorkerError> {
        let (input, _) = self.results()?;
        let cells: Vec<(CellRef, String)> = input
            .table
            .record((row as usize).wrapping_sub(1))
            .map(|r| {
                r.cells
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(c, _)| {
                        let cell = CellRef {
                            row,
                            col: c as u32 + 1,
                        };
                        (cell, String::new())
                    })
                    .collect()
            })
            .unwrap_or_default();
        if cells.is_empty() {
            return Err(WorkerError::NotADataCell { row, col: 0 });
        }
        self.change(&cells, ChangeKind::ExcludeRow, at)
    }

    /// Replaces `find` by `replace` in every data cell of column `col` (1-based), as one
    /// change. Returns how many cells changed.
    ///
    /// # Errors
    /// Nothing was checked yet, `find` is empty, or no cell holds it.
    pub fn replace_in_column(
        &mut self,
        col: u32,
        find: &str,
        replace: &str,
        at: &str,
    ) -> Result<u32, WorkerError> {
        if find.is_empty() {
            return Err(WorkerError::RepairNotFound);
        }
        let edits =
            self.column_edits(col, |v| v.contains(find).then(|| v.replace(find, replace)))?;
        self.change(&edits, ChangeKind::Replace, at)
    }

    /// 「同じ値のセルをすべて直す」: every data cell of `fix.col` whose whole value is
    /// `fix.before` gets `fix.after`, as one change. Returns how many cells changed.
    ///
    /// # Errors
    /// Nothing was checked yet, or no cell holds the old value any more.
    pub fn fix_same(&mut self, fix: &SameFix, at: &str) -> Result<u32, WorkerError> {
        // An empty old value would fill every empty cell (and blank rows): never offered.
        if fix.before.is_empty() {
            return Err(WorkerError::RepairNotFound);
        }
        let edits = self.column_edits(fix.col, |v| (v == fix.before).then(|| fix.after.clone()))?;
        self.change(&edits, ChangeKind::FixSame, at)
    }

    /// What to offer after the newest change: when it was one cell corrected by hand, the
    /// other data cells of its column that still hold the old value.
    pub fn same_offer(&self) -> Option<SameFix> {
        let input = self.input.as_ref()?;
        let last = input.log.last()?;
        let one = input
            .log
            .iter()
            .rev()
            .take_while(|c| c.group == last.group)
            .count()
            == 1;
        if last.kind != ChangeKind::Edit || !one || last.before.is_empty() {
            return None;
        }
        let count = self
            .column_cells(last.cell.col)
            .filter(|(_, v)| *v == last.before)
            .count();
        (count > 0).then(|| SameFix {
            col: last.cell.col,
            before: last.before.clone(),
            after: last.after.clone(),
            count: u32::try_from(count).unwrap_or(u32::MAX),
        })
    }

    /// The data cells of column `col` (1-based), with their values.
    fn column_cells(&self, col: u32) -> impl Iterator<Item = (CellRef, &str)> {
        let table = self.input.as_ref().map(|i| &i.table);
        let first = table.and_then(|t| t.header_index()).map_or(0, |h| h + 1);
        table
            .filter(|_| col > 0)
            .into_iter()
            .flat_map(move |t| t.column(col as usize - 1))
            .filter(move |&(i, _)| i >= first)
            .map(move |(i, v)| {
                let cell = CellRef {
                    row: i as u32 + 1,
                    col,
                };
                (cell, v)
            })
    }

    /// The edits `edit` makes to the data cells of column `col` (1-based).
    ///
    /// # Errors
    /// Nothing was checked yet, or `edit` changes no cell.
    fn column_edits(
        &self,
        col: u32,
        edit: impl Fn(&str) -> Option<String>,
    ) -> Result<Vec<(CellRef, String)>, WorkerError> {
        self.results()?;
        let edits: Vec<(CellRef, String)> = self
            .column_cells(col)
            .filter_map(|(cell, v)| Some((cell, edit(v)?)))
            .collect();
        if edits.is_empty() {
            return Err(WorkerError::RepairNotFound);
        }
        Ok(edits)
    }

    /// Undoes the newest change that was not undone yet. Returns how many cells changed.
    ///
    /// # Errors
    /// Nothing to undo.
    pub fn undo(&mut self, at: &str) -> Result<u32, WorkerError> {
        let input = self.loaded_mut()?;
        let Some(group) = input.undo.pop() else {
            return Err(WorkerError::NothingToUndo);
        };
        let edits = taken_back(&input.log, group);
        let n = self.change(&edits, ChangeKind::Undo, at)?;
        // An undo cannot itself be undone; it can be redone.
        if let Some(input) = self.input.as_mut() {
            input.undo.retain(|&g| g + 1 != input.next_group);
            input.redo.push(input.next_group - 1);
        }
        Ok(n)
    }

    /// Redoes the newest undo (Ctrl+Y): its cells get back the values the undo replaced, as
    /// a change that can be undone again. Returns how many cells changed.
    ///
    /// # Errors
    /// Nothing to redo (a new change since the undo forgets it).
    pub fn redo(&mut self, at: &str) -> Result<u32, WorkerError> {
        let input = self.loaded_mut()?;
        let Some(group) = input.redo.pop() else {
            return Err(WorkerError::NothingToUndo);
        };
        let edits = taken_back(&input.log, group);
        let redo = std::mem::take(&mut self.loaded_mut()?.redo);
        let n = self.change(&edits, ChangeKind::Redo, at)?;
        if let Some(input) = self.input.as_mut() {
            input.redo = redo;
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
    ) -> Result<u32, WorkerError> {
        let (input, _) = self.results()?;
        let header_row = input.table.header_index().map_or(0, |h| h as u32 + 1);
        let last = input.table.len() as u32;
        for (cell, _) in edits {
            if cell.row <= header_row || cell.row > last || cell.col == 0 {
                return Err(WorkerError::NotADataCell {
                    row: cell.row,
                    col: cell.col,
                });
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
            if let Some(numeric) = input.numeric.as_mut() {
                Arc::make_mut(numeric).remove(cell.row, cell.col);
            }
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
        // A new change forgets what could be redone (as in Excel).
        if !matches!(kind, ChangeKind::Undo | ChangeKind::Redo) {
            input.redo.clear();
        }
        let changed = rows.len() as u32;
        rows.sort_unstable();
        rows.dedup();
        self.recheck(&rows);
        Ok(changed)
    }

    /// Re-checks sheet rows `rows` (sorted, distinct) after an edit, through the core's
    /// checker ([`incremental::check_part`]): first the edited rows alone (their findings and
    /// their new certificate keys), then, if other rows share an old or new key of theirs, the
    /// edited rows together with those rows, so that every cross-row finding (K001–K003) of the
    /// certificates involved is the checker's own. The core then swaps those rows' findings and
    /// keeps the exact counts ([`FileFindings::replace_rows`]).
    fn recheck(&mut self, rows: &[u32]) {
        let opts = match self.input.as_ref().and_then(|i| i.results.as_ref()) {
            Some(results) => self.grid_options(&results.mapping),
            None => return,
        };
        let layout = &self.layout;
        let Some(input) = self.input.as_mut() else {
            return;
        };
        let Some(results) = input.results.as_mut() else {
            return;
        };
        let (table, delimiter) = (&input.table, input.delimiter);
        let part = |rows: &[u32]| {
            let at: Vec<RowAt> = rows
                .iter()
                .map(|&row| RowAt {
                    row,
                    line: table.record(row as usize - 1).map_or(0, |r| r.line),
                })
                .collect();
            let recs: Vec<usize> = rows.iter().map(|&r| r as usize - 1).collect();
            let csv = table.subset_csv(&recs, delimiter);
            incremental::check_part(layout, opts.clone(), &csv, &at)
        };

        // 1. The edited rows alone.
        let own = part(rows);
        // 2. Every row sharing a key (K001–K004) or a 個人番号 (K005) the edited rows had or
        // have now.
        let keys = old_and_new(&mut results.keys, rows, &own.keys);
        let numbers = old_and_new(&mut results.numbers, rows, &own.numbers);
        let group: Vec<u32> = if keys.is_empty() && numbers.is_empty() {
            Vec::new()
        } else {
            let shares = |r: usize| {
                holds_one_of(&results.keys, r, &keys) || holds_one_of(&results.numbers, r, &numbers)
            };
            (0..results.keys.len().max(results.numbers.len()))
                .filter(|&r| shares(r))
                .map(|r| r as u32)
                .collect()
        };
        let mut together: Vec<u32> = rows.iter().chain(&group).copied().collect();
        together.sort_unstable();
        together.dedup();
        let found = if together.len() > rows.len() {
            part(&together)
        } else {
            own
        };
        results.findings.replace_rows(found);
        sync_header_only(results);
        sync_hidden_rows(results);
        results.view_cache = None;
    }
}

/// The values `rows` (sheet rows) had in `per_row` and have now (`fresh`, one per row in the
/// same order), sorted and distinct; `per_row` takes the fresh ones.
fn old_and_new<K: Copy + Ord>(
    per_row: &mut [Option<K>],
    rows: &[u32],
    fresh: &[Option<K>],
) -> Vec<K> {
    let mut all: Vec<K> = Vec::new();
    for (&row, &now) in rows.iter().zip(fresh) {
        if let Some(slot) = per_row.get_mut(row as usize) {
            all.extend(*slot);
            *slot = now;
        }
        all.extend(now);
    }
    all.sort_unstable();
    all.dedup();
    all
}

/// Whether sheet row `row` has one of `set` (sorted) in `per_row`.
fn holds_one_of<K: Copy + Ord>(per_row: &[Option<K>], row: usize, set: &[K]) -> bool {
    per_row
        .get(row)
        .copied()
        .flatten()
        .is_some_and(|k| set.binary_search(&k).is_ok())
}

/// S003 (見出し行だけ) is about the whole file, so a re-check of some rows cannot give it: after
/// an edit it is worked out again from the current rows, as the full check does (a header and no
/// data row that is not blank, S009). Every data row emptied (「この行をアップロードから除く」,
/// Delete, 置換) makes a header-only upload file, which deletes every certificate in 全件連携:
/// the verdict and the download question must say so. A value typed back takes it away.
fn sync_header_only(results: &mut Results) {
    let rows = results.meta.rows;
    let want = rows > 0 && results.findings.count_of(Code::BlankRow) >= rows;
    let has = results.findings.count_of(Code::HeaderOnly) > 0;
    if want != has {
        let fresh = want.then(|| Diagnostic::new(Code::HeaderOnly));
        // The full check says it last.
        results
            .findings
            .set_file_finding(Code::HeaderOnly, fresh, &[]);
    }
}

/// S026 (rows hidden in Excel that hold data) is about the whole file too, so a re-check of
/// some rows cannot give it: after an edit it is said again, as the full check says it, of the
/// hidden rows that are not blank now. Leaving a hidden row out of the upload (「この行を
/// アップロードから除く」 empties it) takes it off the list; an undo puts it back.
fn sync_hidden_rows(results: &mut Results) {
    if results.hidden.is_empty() {
        return;
    }
    let findings = &results.findings;
    let blank = |r: u32| {
        findings
            .rows()
            .get(&r)
            .is_some_and(|found| found.iter().any(|d| d.code == Code::BlankRow))
    };
    let fresh = pmh_core::hidden_rows_finding(&results.hidden, blank);
    // The findings the full check makes after S026 (`Back::finish`).
    const LATER: [Code; 4] = [
        Code::HiddenColumns,
        Code::EncodingLooksUtf8,
        Code::NoMaster,
        Code::HeaderOnly,
    ];
    results
        .findings
        .set_file_finding(Code::HiddenRows, fresh, &LATER);
}

/// The edits that take change-log group `group` back: each of its cells gets the value it had
/// before, newest first.
fn taken_back(log: &[Change], group: u32) -> Vec<(CellRef, String)> {
    log.iter()
        .rev()
        .filter(|c| c.group == group)
        .map(|c| (c.cell, c.before.clone()))
        .collect()
}
