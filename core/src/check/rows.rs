//! Checks across the fields of one row (R codes: validity period order, birth before
//! validity) and across rows (K codes, through the certificate-key index in [`keys`]).

use super::*;
use crate::check::cells::is_ascii_short;
use crate::check::keys::{BirthDates, my_number_value};
use crate::check::repair::RowContext;

impl<'l> Back<'l> {
    pub(super) fn row_checks(
        &mut self,
        row: u32,
        line: u64,
        dates: &RowDates,
        field_cols: &[Option<u32>],
    ) {
        if let (Some(from), Some(to)) = (dates.valid_from, dates.valid_to)
            && from > to
        {
            let col = column_of(field_cols, self.keys.valid_to);
            let mut d = Diagnostic::new(Code::PeriodReversed)
                .at(row, line)
                .column(col);
            d.field = self.keys.valid_to;
            self.sink.push_with(d.with_basis(Basis::Inferred), |d| {
                d.detail(Detail::Dates {
                    first: from.to_string(),
                    second: to.to_string(),
                })
            });
        }
        // Seed 004 Q76 (lines 1386–1401): a 全件 file sends the certificates valid now (plus the
        // next ones before a renewal), so a row that ended before the reference date is stale.
        if let (Some(as_of), Some(to)) = (self.opts.as_of, dates.valid_to)
            && self.layout.keys.history_key.is_none()
            && to < as_of
        {
            let col = column_of(field_cols, self.keys.valid_to);
            let mut d = Diagnostic::new(Code::ExpiredInFull)
                .at(row, line)
                .column(col);
            d.field = self.keys.valid_to;
            // Most rows of an old 全件 file can be R003: past the kept findings, only the
            // count changes, so the dates are not formatted (`Sink::push_with`).
            self.sink.push_with(d.with_basis(Basis::Verified), |d| {
                d.detail(Detail::Dates {
                    first: to.to_string(),
                    second: as_of.to_string(),
                })
            });
        }
        // Nobody not yet born or born before 1900 (older than any living person) holds a
        // certificate: an era mistaken for another (令和25年 for 昭和25年), a mistyped year, a
        // placeholder (0000-01-01). Wrong whatever PMH's rules are.
        if let Some(birth) = dates.date_of_birth {
            let future = self.opts.as_of.filter(|&as_of| birth > as_of);
            if future.is_some() || birth.year < 1900 {
                let col = column_of(field_cols, self.keys.date_of_birth);
                let mut d = Diagnostic::new(Code::BirthImpossible)
                    .at(row, line)
                    .column(col);
                d.field = self.keys.date_of_birth;
                let second = future.map_or_else(
                    || crate::findings::message::BIRTH_FLOOR.to_owned(),
                    |a| a.to_string(),
                );
                self.sink
                    .push(d.with_basis(Basis::Verified).detail(Detail::Dates {
                        first: birth.to_string(),
                        second,
                    }));
                // Born after the validity start too, surely: R002 would say it again.
                return;
            }
        }
        if let (Some(birth), Some(from)) = (dates.date_of_birth, dates.valid_from)
            && birth > from
        {
            let col = column_of(field_cols, self.keys.date_of_birth);
            let mut d = Diagnostic::new(Code::BirthAfterStart)
                .at(row, line)
                .column(col);
            d.field = self.keys.date_of_birth;
            self.sink.push_with(d.with_basis(Basis::Inferred), |d| {
                d.detail(Detail::Dates {
                    first: birth.to_string(),
                    second: from.to_string(),
                })
            });
        }
    }

    pub(super) fn key_checks(
        &mut self,
        row: u32,
        line: u64,
        text: &str,
        values: &[(usize, usize)],
        dates: &RowDates,
        field_cols: &[Option<u32>],
    ) {
        let raw = |i: usize| {
            values
                .get(i)
                .and_then(|&(s, e)| text.get(s..e))
                .map_or("", trim_edges)
        };
        // K005 looks at the 個人番号 whatever the certificate key holds: a vendor's layout may
        // key certificates on fields that a row leaves empty.
        let deleted = self
            .deleted_field
            .is_some_and(|i| raw(i) == self.layout.dialect.boolean_true);
        if let (Some(f), Some(births), false) =
            (self.my_number_field, self.birth_dates.as_mut(), deleted)
        {
            let number = my_number_as_compared(self.layout, self.insurer_field, f, &raw);
            births.push(row, number, dates.date_of_birth);
        }
        let reader = self
            .sorted_keys
            .as_ref()
            .map_or(&self.key_tracker, |s| s.tracker());
        let Some((mut key, ascii)) = reader.certificate_key_read(&raw) else {
            // Every key field empty: no certificate, no certificate finding.
            if self.birth_dates.is_some() {
                self.note_deferred(row, line);
            }
            return;
        };
        // Validate compares a key value that is not ASCII as build writes it (全角 digits and
        // letters half-width, invisible characters deleted …), so it finds the certificate
        // that build's output would hold twice (`00012345` and `０００１２３４５`): PMH gets one
        // of them under a number no certificate shows. Build's values are repaired already.
        let others_ascii = [self.keys.certificate_type, self.keys.history_key]
            .into_iter()
            .flatten()
            .all(|i| is_ascii_short(raw(i).as_bytes()));
        let built = if (ascii && others_ascii) || self.opts.repair {
            Vec::new()
        } else {
            self.key_values_as_built(&raw)
        };
        let value = |i: usize| {
            built
                .iter()
                .find(|&&(k, _)| k == i)
                .map_or_else(|| raw(i), |(_, v)| v.as_str())
        };
        if !built.is_empty()
            && let Some(k) = reader.certificate_key(&value)
        {
            key = k;
        }
        if let Some(sorted) = self.sorted_keys.as_mut() {
            sorted.push_with_key(row, key, &value, dates.valid_from, dates.valid_to);
            self.note_deferred(row, line);
            return;
        }
        let found =
            self.key_tracker
                .observe_with_key(row, key, &value, dates.valid_from, dates.valid_to);
        if let Some(found) = found {
            // The value the finding shows: the 履歴キー (K003) or the row's type (K004).
            let shown = if found.on_history_key {
                self.keys.history_key
            } else if found.on_type {
                self.keys.certificate_type
            } else {
                None
            };
            let value = shown.map(|i| raw(i).to_owned());
            let d = self.key_diagnostic(row, line, found, field_cols, value);
            self.sink.push(d);
        }
        if self.birth_dates.is_some() {
            // After the row's certificate finding: K005 follows it, as in the sorted index.
            self.note_deferred(row, line);
        }
    }

    /// Notes where row `row`'s findings decided at the end of the file go (after the findings
    /// pushed so far) and its line.
    fn note_deferred(&mut self, row: u32, line: u64) {
        self.sink.mark_key_check(row);
        let delta = |(r, l): (u32, u64)| l.wrapping_sub(u64::from(r));
        if self.key_lines.last().copied().map(delta) != Some(delta((row, line))) {
            self.key_lines.push((row, line));
        }
    }

    /// The key fields' values (certificate key, type, 履歴キー) that build would write
    /// otherwise, for the ones that are not ASCII ([`key_values_as_built`]).
    #[cold]
    #[inline(never)]
    fn key_values_as_built<'v>(&self, raw: &dyn Fn(usize) -> &'v str) -> Vec<(usize, String)> {
        let keys = &self.keys;
        let fields = keys
            .certificate
            .iter()
            .copied()
            .chain(keys.certificate_type)
            .chain(keys.history_key);
        key_values_as_built(self.layout, self.insurer_field, fields, raw)
    }

    /// The findings decided at the end of the file — the sorted index's (K001–K004) and K005 —
    /// each where its row's certificate check would have put it (K005 after the row's
    /// certificate finding).
    pub(super) fn deferred_key_checks(&mut self) {
        // The certificate index first: its finish sorts and frees its rows (32 bytes each)
        // before K005's are sorted, so the two are never sorted at once.
        let keyed = self.sorted_keys.take().map(SortedKeys::finish);
        let births = self
            .birth_dates
            .take()
            .map(BirthDates::finish)
            .unwrap_or_default();
        if keyed.is_none() && births.is_empty() {
            return;
        }
        let lines = std::mem::take(&mut self.key_lines);
        let field_cols = std::mem::take(&mut self.field_cols);
        // Each finding becomes a `Diagnostic` only on its way into the sink, which keeps at
        // most `max_diagnostics` of them: a file of one certificate repeated a million times
        // has a million K001 findings, and holding them all as diagnostics took 144 bytes each.
        let mut sink = std::mem::replace(&mut self.sink, Sink::new(0));
        let mut keyed = keyed.into_iter().flatten().peekable();
        let mut births = births.into_iter().peekable();
        // The two row-ordered streams as one, a row's certificate finding first.
        let merged = std::iter::from_fn(|| {
            let key_first = match (keyed.peek(), births.peek()) {
                (Some(k), Some(b)) => k.0 <= b.0,
                (k, _) => k.is_some(),
            };
            if key_first {
                keyed
                    .next()
                    .map(|(row, f, value)| (row, Deferred::Key(f, value)))
            } else {
                births
                    .next()
                    .map(|(row, other)| (row, Deferred::Birth(other)))
            }
        });
        let mut l = 0;
        sink.merge_key_findings(merged.map(|(row, found)| {
            while lines.get(l + 1).is_some_and(|&(r, _)| r <= row) {
                l += 1;
            }
            let line = lines.get(l).map_or(u64::from(row), |&(r, line)| {
                line.wrapping_sub(u64::from(r)).wrapping_add(u64::from(row))
            });
            let d = match found {
                Deferred::Key(f, value) => self.key_diagnostic(row, line, f, &field_cols, value),
                Deferred::Birth(other) => self.birth_date_conflict(row, line, other, &field_cols),
            };
            (row, d)
        }));
        self.sink = sink;
        self.field_cols = field_cols;
    }

    /// K005: row `row` has the 個人番号 of row `other_row` and another 生年月日
    /// ([`BirthDates`]). Inferred (no PMH document states it) but an error whatever PMH's
    /// rules are ([`crate::STRICT_WHEN_INFERRED`]): a person has one date of birth.
    fn birth_date_conflict(
        &self,
        row: u32,
        line: u64,
        other_row: u32,
        field_cols: &[Option<u32>],
    ) -> Diagnostic {
        let mut d = Diagnostic::new(Code::BirthDateConflict)
            .at(row, line)
            .column(column_of(field_cols, self.my_number_field))
            .detail(Detail::OtherRow { row: other_row });
        d.field = self.my_number_field;
        d.with_basis(Basis::Inferred)
    }

    /// The finding of a row that repeats an earlier row of its certificate (`value`: the
    /// 履歴キー, for K003, or the row's certificate type, for K004).
    fn key_diagnostic(
        &self,
        row: u32,
        line: u64,
        found: KeyFinding,
        field_cols: &[Option<u32>],
        value: Option<String>,
    ) -> Diagnostic {
        let type_only = found.on_type;
        let field = if found.on_history_key {
            self.keys.history_key
        } else if type_only {
            self.keys.certificate_type
        } else {
            self.keys.certificate.first().copied()
        };
        let col = column_of(field_cols, field);
        let mut d = Diagnostic::new(found.code)
            .at(row, line)
            .column(col)
            .detail(Detail::OtherRow {
                row: found.other_row,
            });
        if found.on_history_key || type_only {
            d.value = value;
        }
        d.field = field;
        let basis = if found.on_history_key {
            Basis::Verified
        } else {
            self.layout.keys.certificate_basis
        };
        d.with_basis(basis)
    }
}

/// A finding decided at the end of the file ([`Back::deferred_key_checks`]).
enum Deferred {
    /// The sorted certificate index's (K001–K004), with the value it shows.
    Key(KeyFinding, Option<String>),
    /// K005, with the first row of the 個人番号.
    Birth(u32),
}

/// The 個人番号 of a row as K005 compares it ([`my_number_value`]): the value of `field` as
/// build writes it (a 全角 number made half-width …, [`key_values_as_built`]). `raw` gives a
/// field's value with its edges trimmed. The checker and the page's re-check after an edit
/// (which rows share a number) both use it.
pub(crate) fn my_number_as_compared<'v>(
    layout: &Layout,
    insurer_field: Option<usize>,
    field: usize,
    raw: &dyn Fn(usize) -> &'v str,
) -> Option<u64> {
    let v = raw(field);
    if v.is_ascii() {
        return my_number_value(v);
    }
    let built = key_values_as_built(layout, insurer_field, std::iter::once(field), raw);
    my_number_value(built.first().map_or(v, |(_, b)| b.as_str()))
}

/// The values of `fields` (key fields of `layout`) that build would write otherwise, for the
/// ones that are not ASCII: 全角 digits and letters half-width, invisible characters deleted …
/// ([`repair::repair_cell`]). `raw` gives a field's value with its edges trimmed
/// ([`trim_edges`]); `insurer_field` is the layout's 公費負担者番号 field (whether a 受給者番号
/// carries the national check digit). ASCII values build changes (a dropped leading zero) have
/// an error of their own and are left as they are.
///
/// The one folding of key values: the checker's certificate index (`validate` finds the
/// certificate build's output would hold twice) and `pmhcsv diff`'s keys (a certificate
/// retyped in 全角 is the same certificate) both use it. Out of line: rows with such keys are
/// rare.
#[cold]
#[inline(never)]
pub(crate) fn key_values_as_built<'v>(
    layout: &Layout,
    insurer_field: Option<usize>,
    fields: impl Iterator<Item = usize>,
    raw: &dyn Fn(usize) -> &'v str,
) -> Vec<(usize, String)> {
    let ctx = insurer_field.map_or(RowContext::default(), |k| {
        RowContext::from_insurer_number(raw(k))
    });
    let mut built: Vec<(usize, String)> = Vec::new();
    for i in fields {
        let v = raw(i);
        if v.is_ascii() || built.iter().any(|&(k, _)| k == i) {
            continue;
        }
        let Some(f) = layout.fields.get(i) else {
            continue;
        };
        if let Some(after) = repair::repair_cell(f, &layout.dialect, v, ctx).value {
            built.push((i, after));
        }
    }
    built
}
