//! The upload file compared with the one uploaded last time, as `pmhcsv validate --previous`
//! compares them (`pmh_core::diff::compare`, the default removal limit): counts, and the
//! lists with 氏名 and 公費受給者番号 — the clerk's own data, shown only in the page, never
//! stored.

use std::collections::HashMap;

use pmh_core::diff::{Bytes, Comparison, DeletionLimit, DiffError};

use super::*;
use crate::protocol::{PersonRow, PreviousView};

/// Certificates listed per list at most.
pub const LISTED: usize = 100;

impl Session {
    /// Sets (or clears) the previous upload: CSV in any supported encoding, or a workbook
    /// (its first visible sheet). A file that cannot be read is kept with the reason, which
    /// the results show.
    pub fn set_previous(&mut self, previous: Option<(&str, &[u8])>) {
        self.previous = previous.map(|(name, bytes)| {
            let csv = if xlsx::is_xlsx(bytes) {
                xlsx::sheet_to_csv_with_numbers(bytes, None)
                    .map(|(csv, _)| csv)
                    .map_err(|e| text::core_error(text::CoreError::Xlsx(&e)))
            } else {
                Ok(bytes.to_vec())
            };
            (name.to_owned(), csv)
        });
        if let Some(input) = &mut self.input {
            input.results = None;
        }
    }

    /// The comparison of the upload file the data makes now with the previous upload, when
    /// one was given.
    pub(super) fn comparison(&self) -> Option<PreviousView> {
        let (name, previous) = self.previous.as_ref()?;
        let refused = |reason: Msg| PreviousView {
            name: name.clone(),
            refused: Some(reason),
            ..PreviousView::default()
        };
        let previous = match previous {
            Ok(p) => p,
            Err(reason) => return Some(refused(reason.clone())),
        };
        if self.layout.key_index().history_key.is_some() {
            return Some(refused(text::previous_not_full()));
        }
        let (input, results) = self.results().ok()?;
        let (upload, _) = self.build(
            &input.current(),
            &results.mapping,
            OutputFormat::Csv,
            &mut |_, _, _| {},
        );
        let opts = Options {
            masters: None,
            ..Options::default()
        };
        let c = match pmh_core::diff::compare(
            &self.layout,
            &opts,
            &mut Bytes(previous),
            &mut Bytes(&upload),
        ) {
            Ok(c) => c,
            Err(DiffError::UnusableSnapshot { side, reason }) => {
                return Some(refused(text::previous_refused(
                    side == pmh_core::diff::Side::From,
                    &reason,
                )));
            }
            Err(e) => return Some(refused(text::core_error(text::CoreError::Diff(&e)))),
        };
        Some(self.view_of(name, &c, previous, &upload))
    }

    fn view_of(&self, name: &str, c: &Comparison, previous: &[u8], upload: &[u8]) -> PreviousView {
        let first = |rows: &[u32]| rows.first().copied().unwrap_or(0);
        let removed: Vec<u32> = c
            .removed
            .iter()
            .take(LISTED)
            .map(|g| first(&g.rows))
            .collect();
        let added: Vec<u32> = c
            .added
            .iter()
            .take(LISTED)
            .map(|g| first(&g.rows))
            .collect();
        let changed: Vec<u32> = c
            .changed
            .iter()
            .take(LISTED)
            .map(|g| first(&g.current_rows))
            .collect();
        let before = self.people(previous, &removed);
        let now = self.people(upload, &[added.as_slice(), changed.as_slice()].concat());
        let person = |people: &HashMap<u32, (String, String)>, row: u32, fields: Vec<Msg>| {
            let (name, number) = people.get(&row).cloned().unwrap_or_default();
            PersonRow {
                row,
                name,
                number,
                fields,
            }
        };
        PreviousView {
            name: name.to_owned(),
            refused: None,
            previous_certificates: c.previous_certificates,
            current_certificates: c.current_certificates,
            added: c.added.len() as u64,
            changed: c.changed.len() as u64,
            removed: c.removed.len() as u64,
            unchanged: c.unchanged,
            over_limit: !c.removals_allowed(DeletionLimit::Default),
            removed_list: removed
                .iter()
                .map(|&r| person(&before, r, Vec::new()))
                .collect(),
            added_list: added.iter().map(|&r| person(&now, r, Vec::new())).collect(),
            changed_list: c
                .changed
                .iter()
                .take(LISTED)
                .map(|g| {
                    let mut fields: Vec<Msg> = g
                        .fields
                        .iter()
                        .filter_map(|&i| self.layout.fields.get(i))
                        .map(|f| Msg::new(f.label_ja.clone(), f.label_en.clone()))
                        .collect();
                    if g.details {
                        fields.push(text::certificate_items());
                    }
                    if g.history_rows {
                        fields.push(text::history_rows());
                    }
                    person(&now, first(&g.current_rows), fields)
                })
                .collect(),
        }
    }

    /// 氏名 and 公費受給者番号 of the given sheet rows of an upload file.
    fn people(&self, bytes: &[u8], rows: &[u32]) -> HashMap<u32, (String, String)> {
        let mut out = HashMap::new();
        if rows.is_empty() {
            return out;
        }
        let wanted: std::collections::HashSet<u32> = rows.iter().copied().collect();
        let name = self.layout.field_index("basicFiveInfo.name");
        let number = self.layout.field_index("medicalSubsidyRecipientNumber");
        let get = |r: &RowView<'_>, i: Option<usize>| {
            i.and_then(|i| r.fields.get(i))
                .map_or(String::new(), |v| v.trim().to_owned())
        };
        let opts = Options {
            max_diagnostics: 0,
            ..Options::default()
        };
        let mut checker = Checker::new(&self.layout, opts);
        checker.set_visitor(Box::new(|r: RowView<'_>| {
            if wanted.contains(&r.row) {
                out.insert(r.row, (get(&r, name), get(&r, number)));
            }
        }));
        checker.feed(bytes);
        checker.finish();
        out
    }
}
