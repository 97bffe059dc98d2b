//! Re-checking some rows of a checked file after they were edited, through the same checker.
//!
//! A grid editor keeps a file's findings by row ([`FileFindings`]) and, after an edit, checks
//! a *part* of the file — its header record and some data records, in file order — with
//! [`check_part`]. The checker sees the part exactly as it sees the whole file: every cell, row
//! and master check of a row depends only on that row and the header, and the cross-row checks
//! only on the rows that share its key (K001–K004) or its 個人番号 (K005). So a part made of the
//! edited rows plus every row sharing an old or new key or number of theirs gives each of its
//! rows the very findings, in the very order, the whole file's check would give it. [`FileFindings::replace_rows`] then swaps those
//! rows' findings and keeps the exact counts as the checker's own sink counts them.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::check::{Checker, KeyTracker, Options, RowView};
use crate::findings::codes::{Code, Severity};
use crate::findings::diagnostic::{Detail, Diagnostic};
use crate::findings::report::Report;
use crate::input::records::{MyNumberKey, certificate_key};
use crate::layout::Layout;

/// Where a data record of a part sits in the whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowAt {
    /// Sheet row in the whole file.
    pub row: u32,
    /// Physical line in the whole file where the record starts.
    pub line: u64,
}

/// The findings of the data rows of a part, in the whole file's terms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartFindings {
    /// Findings of each row of the part (every row given, empty when clean), in checker order,
    /// with the whole file's rows, lines and cross-row references.
    pub rows: BTreeMap<u32, Vec<Diagnostic>>,
    /// Certificate key of each row, in the order given (as the cross-row checks compute it).
    pub keys: Vec<Option<u128>>,
    /// 個人番号 of each row, in the order given, as K005 compares it.
    pub numbers: Vec<Option<u64>>,
}

/// Checks a part of a file: `part` is its header record followed by the data records `rows`
/// describes, one each, in file order. Findings about the part as a file (its header, a missing
/// master) are not returned: they are the whole file's business.
pub fn check_part(layout: &Layout, opts: Options, part: &[u8], rows: &[RowAt]) -> PartFindings {
    // The workbook's number cells, renumbered as the part's rows.
    let numeric_cells = opts
        .numeric_cells
        .as_ref()
        .map(|cells| Arc::new(cells.for_part(rows.iter().map(|r| r.row))));
    let opts = Options {
        numeric_cells,
        ..opts
    };
    let tracker = KeyTracker::new(layout);
    let number_key = MyNumberKey::new(layout);
    let mut keys: Vec<Option<u128>> = vec![None; rows.len()];
    let mut numbers: Vec<Option<u64>> = vec![None; rows.len()];
    let report = {
        let mut checker = Checker::new(layout, opts);
        checker.set_visitor(Box::new(|row: RowView<'_>| {
            if let Some(k) = (row.row as usize).checked_sub(2)
                && let (Some(key), Some(number)) = (keys.get_mut(k), numbers.get_mut(k))
            {
                *key = certificate_key(&tracker, row.fields);
                *number = number_key.of(row.fields);
            }
        }));
        checker.feed(part);
        checker.finish()
    };
    // The part's header is its row 1; its data record k is its row k + 2.
    let whole = |part_row: u32| (part_row as usize).checked_sub(2).and_then(|k| rows.get(k));
    let mut found: BTreeMap<u32, Vec<Diagnostic>> =
        rows.iter().map(|r| (r.row, Vec::new())).collect();
    for mut d in report.diagnostics {
        let Some(at) = d.row.and_then(whole) else {
            continue;
        };
        d.row = Some(at.row);
        d.line = Some(at.line);
        if let Detail::OtherRow { row } = &mut d.detail
            && let Some(other) = whole(*row)
        {
            *row = other.row;
        }
        found.entry(at.row).or_default().push(d);
    }
    PartFindings {
        rows: found,
        keys,
        numbers,
    }
}

/// A checked file's findings by row, with exact counts, kept up to date through edits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileFindings {
    /// Findings about the file or its header reported before the first data row's.
    head: Vec<Diagnostic>,
    /// Findings of each data row (rows without findings are absent).
    rows: BTreeMap<u32, Vec<Diagnostic>>,
    /// Findings about the file reported after the data rows' (e.g. M007).
    tail: Vec<Diagnostic>,
    /// Exact count per code ([`Code::index`]).
    counts: Vec<u64>,
    /// Exact count per severity.
    severities: [u64; 3],
}

impl FileFindings {
    /// Takes the findings out of a whole file's report; data rows are the sheet rows after
    /// `header_row`. The counts are the report's exact counts.
    pub fn from_report(report: &mut Report, header_row: u32) -> Self {
        let mut out = FileFindings {
            counts: report.counts.clone(),
            severities: [report.errors, report.warnings, report.infos],
            ..FileFindings::default()
        };
        for d in std::mem::take(&mut report.diagnostics) {
            match d.row {
                Some(r) if r > header_row => out.rows.entry(r).or_default().push(d),
                _ if out.rows.is_empty() => out.head.push(d),
                _ => out.tail.push(d),
            }
        }
        out
    }

    /// Replaces the findings of every row of `part` with the part's.
    pub fn replace_rows(&mut self, part: PartFindings) {
        for (row, fresh) in part.rows {
            for d in self.rows.remove(&row).unwrap_or_default() {
                self.count(&d, false);
            }
            for d in &fresh {
                self.count(d, true);
            }
            if !fresh.is_empty() {
                self.rows.insert(row, fresh);
            }
        }
    }

    /// Sets the file's finding of `code` (one for the file, such as S026) to `fresh`, keeping
    /// the counts exact: in the place of the one it replaces, or, new, before the first
    /// file-level finding whose code is in `before` (the ones the file's check makes after it),
    /// else after every other finding; `None` removes it.
    pub fn set_file_finding(&mut self, code: Code, fresh: Option<Diagnostic>, before: &[Code]) {
        let mut place: Option<(bool, usize)> = None;
        let mut gone: Vec<Diagnostic> = Vec::new();
        for in_head in [true, false] {
            let list = if in_head {
                &mut self.head
            } else {
                &mut self.tail
            };
            if let Some(i) = list.iter().position(|d| d.code == code) {
                place.get_or_insert((in_head, i));
            }
            let (out, kept): (Vec<Diagnostic>, Vec<Diagnostic>) = std::mem::take(list)
                .into_iter()
                .partition(|d| d.code == code);
            *list = kept;
            gone.extend(out);
        }
        for d in &gone {
            self.count(d, false);
        }
        let Some(d) = fresh else {
            return;
        };
        self.count(&d, true);
        let place = place.or_else(|| {
            let later = |list: &[Diagnostic]| list.iter().position(|d| before.contains(&d.code));
            later(&self.head)
                .map(|i| (true, i))
                .or_else(|| later(&self.tail).map(|i| (false, i)))
        });
        match place {
            Some((true, i)) => self.head.insert(i.min(self.head.len()), d),
            Some((false, i)) => self.tail.insert(i.min(self.tail.len()), d),
            None if self.rows.is_empty() => self.head.push(d),
            None => self.tail.push(d),
        }
    }

    fn count(&mut self, d: &Diagnostic, add: bool) {
        let (n, s) = (
            &mut self.counts[d.code.index()],
            &mut self.severities[d.severity as usize],
        );
        if add {
            *n += 1;
            *s += 1;
        } else {
            *n = n.saturating_sub(1);
            *s = s.saturating_sub(1);
        }
    }

    /// Findings of each data row with findings, by sheet row.
    pub fn rows(&self) -> &BTreeMap<u32, Vec<Diagnostic>> {
        &self.rows
    }

    /// Findings about the whole file or its header.
    pub fn file_level(&self) -> impl Iterator<Item = &Diagnostic> {
        self.head.iter().chain(&self.tail)
    }

    /// Every finding, in file order.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.head
            .iter()
            .chain(self.rows.values().flatten())
            .chain(&self.tail)
    }

    /// Exact count of one code.
    pub fn count_of(&self, code: Code) -> u64 {
        self.counts.get(code.index()).copied().unwrap_or(0)
    }

    /// Exact number of findings of a severity.
    pub fn severity_count(&self, s: Severity) -> u64 {
        self.severities[s as usize]
    }

    /// `meta` (the whole file's report, for its facts) with these findings and counts.
    pub fn report(&self, meta: &Report) -> Report {
        let mut report = meta.clone();
        report.diagnostics = self.iter().cloned().collect();
        report.counts = self.counts.clone();
        report.errors = self.severity_count(Severity::Error);
        report.warnings = self.severity_count(Severity::Warning);
        report.infos = self.severity_count(Severity::Info);
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check_bytes;

    const HEAD: &str = "個人番号,氏名,公費負担者番号,公費受給者番号,有効開始日,有効終了日";

    fn whole(rows: &[&str]) -> String {
        let mut s = format!("{HEAD}\r\n");
        for r in rows {
            s.push_str(r);
            s.push_str("\r\n");
        }
        s
    }

    /// Checking a part gives its rows the whole file's findings, in the same order.
    #[test]
    fn a_part_reports_what_the_whole_file_reports_for_its_rows() {
        let layout = Layout::full();
        let rows = [
            "123456789012,山田,12345678,1234567,2025-04-01,2026-03-31",
            "x,鈴木,,,2025-04-01,2024-03-31",
            "123456789012,山田,12345678,1234567,2025-04-01,2026-03-31",
        ];
        let text = whole(&rows);
        let mut report = check_bytes(&layout, Options::default(), text.as_bytes());
        let all = FileFindings::from_report(&mut report, 1);
        // Rows 2 and 4 of the sheet (a duplicate pair), without row 3.
        let part = whole(&[rows[0], rows[2]]);
        let at = [RowAt { row: 2, line: 2 }, RowAt { row: 4, line: 4 }];
        let found = check_part(&layout, Options::default(), part.as_bytes(), &at);
        for r in [2, 4] {
            assert_eq!(
                found.rows[&r],
                all.rows().get(&r).cloned().unwrap_or_default(),
                "row {r}"
            );
        }
        // The test means something: row 4 is a duplicate of row 2, reported after its own
        // cell findings, and row 3 (left out) had findings of its own.
        assert!(found.rows[&4].iter().any(
            |d| d.code == Code::DuplicateCertificate && d.detail == Detail::OtherRow { row: 2 }
        ));
        assert!(all.rows().contains_key(&3));
        assert_eq!(found.keys[0], found.keys[1]);
        assert!(found.keys[0].is_some());
    }

    #[test]
    fn replacing_rows_keeps_exact_counts() {
        let layout = Layout::full();
        let rows = [
            "x,山田,,,2025-04-01,2026-03-31",
            "y,鈴木,,,2025-04-01,2026-03-31",
        ];
        let mut report = check_bytes(&layout, Options::default(), whole(&rows).as_bytes());
        let meta = report.clone();
        let mut findings = FileFindings::from_report(&mut report, 1);
        // Row 3 edited to match row 2.
        let edited = [rows[0], rows[0]];
        let expected = check_bytes(&layout, Options::default(), whole(&edited).as_bytes());
        let part = whole(&edited);
        let at = [RowAt { row: 2, line: 2 }, RowAt { row: 3, line: 3 }];
        findings.replace_rows(check_part(
            &layout,
            Options::default(),
            part.as_bytes(),
            &at,
        ));
        let now = findings.report(&meta);
        assert_eq!(now.counts, expected.counts);
        assert_eq!(
            (now.errors, now.warnings, now.infos),
            (expected.errors, expected.warnings, expected.infos)
        );
        assert_eq!(now.diagnostics, expected.diagnostics);
        assert!(expected.count(Code::DuplicateCertificate) == 1);
    }
}
