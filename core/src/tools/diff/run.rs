//! The diff itself: both snapshots read and checked, rows keyed, joined with the state, and
//! the 差分履歴 rows written.

use super::*;
use crate::check::key_values_as_built;
use crate::domain::chars;
use crate::findings::codes::Code;
use crate::layout::{Check, Encoding};

/// Counts of what was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DiffCounts {
    /// Registration records (new history rows).
    pub registered: u64,
    /// Update records.
    pub updated: u64,
    /// Deletion records.
    pub deleted: u64,
    /// History rows unchanged (nothing written).
    pub unchanged: u64,
    /// Rows not written because of a collision, an empty key or an unknown historyKey.
    pub skipped: u64,
}

/// The result of [`diff`].
#[derive(Debug, Clone)]
pub struct DiffOutcome {
    /// The check of `--from` (None when there was none).
    pub from: Option<Report>,
    /// The check of `--to`.
    pub to: Report,
    /// The check of the written diff file against the diff layout.
    pub output: Report,
    /// What was written.
    pub counts: DiffCounts,
    /// What the diff noticed.
    pub issues: Vec<DiffIssue>,
    /// The state to keep for the next run.
    pub state: DiffState,
}

impl DiffOutcome {
    /// Records written (registrations, updates, deletions): zero means nothing changed and
    /// the file is the header row alone.
    #[must_use]
    pub fn records(&self) -> u64 {
        self.counts.registered + self.counts.updated + self.counts.deleted
    }

    /// Errors in the check of the written file. A file without records is the header alone:
    /// its S003 ("no data rows") means "nothing to upload", not an error of the diff.
    #[must_use]
    pub fn output_errors(&self) -> u64 {
        if self.records() == 0 {
            self.output
                .errors
                .saturating_sub(self.output.count(Code::HeaderOnly))
        } else {
            self.output.errors
        }
    }

    /// Whether the file is fit to upload as it is: no error in either snapshot, in the
    /// written file, or among the issues (collisions, empty keys, unknown history keys). The
    /// CLI's exit code and the page's verdict both come from here.
    #[must_use]
    pub fn fit_to_upload(&self) -> bool {
        self.output_errors() == 0
            && self.from.as_ref().map_or(0, |r| r.errors) == 0
            && self.to.errors == 0
            && !self.issues.iter().any(DiffIssue::is_error)
    }
}

/// One row of a snapshot between the passes.
#[derive(Debug, Clone, Copy)]
struct Entry {
    unit: u128,
    content: u64,
    /// Sheet row (header = 1): how the passes find the row again.
    row: u32,
    /// Index of the row key in the old state, [`NO_STATE`], or [`COLLIDED`].
    st: u32,
}

/// An [`Entry`] whose row key the state does not know.
const NO_STATE: u32 = u32::MAX;
/// An [`Entry`] of a row key that several rows of `to` share.
const COLLIDED: u32 = u32::MAX - 1;

/// Finds each entry's row key in the state by walking both in row-key order (no random
/// lookups: both are sorted).
fn attach(entries: &mut [Entry], state: Option<&DiffState>) {
    let Some(st) = state else { return };
    let mut i = 0usize;
    for e in entries {
        while st.units.get(i).is_some_and(|u| u.unit < e.unit) {
            i += 1;
        }
        if st.units.get(i).is_some_and(|u| u.unit == e.unit) {
            e.st = u32::try_from(i).unwrap_or(NO_STATE);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Action {
    None = 0,
    Register = 1,
    Update = 2,
}

/// The layout positions the diff needs.
struct Plan<'l> {
    keys: Keys<'l>,
    diff: &'l Layout,
    /// For each diff field: where its value comes from.
    sources: Vec<Source>,
    key_length: usize,
}

#[derive(Debug, Clone)]
enum Source {
    Full(usize, Option<String>),
    HistoryKey,
    Deleted,
    Fill(String),
}

/// One visited row, reduced to what the passes need.
pub(super) struct RowFacts {
    /// Fingerprint of the row key; `None` when every certificate key field is empty.
    pub(super) unit: Option<u128>,
    /// Fingerprint of the certificate key alone.
    pub(super) cert: u128,
    /// Fingerprint of the whole row (fields and 券面項目).
    pub(super) content: u64,
}

/// How rows of the full layout are keyed: the one key implementation of `diff` and
/// [`compare()`](super::compare()).
pub(super) struct Keys<'l> {
    pub(super) full: &'l Layout,
    /// The layout's `keys.certificate` fields.
    pub(super) cert: Vec<usize>,
    /// The layout's `keys.valid_from` field.
    pub(super) valid_from: Option<usize>,
    pub(super) row_key: RowKey,
    /// The fields whose values identify a history row: the certificate key, then the validity
    /// start. Compared, hashed and (by `diff`) written as build sends them ([`SentKeys`]).
    key_fields: Vec<usize>,
    /// Per full-layout field: whether it is one of `key_fields`.
    is_key: Vec<bool>,
    /// The 公費負担者番号 field (whether a 受給者番号 carries the national check digit), for the
    /// folding of key values.
    insurer: Option<usize>,
    /// `diff` only: the layout written and, per full-layout field, the value its empty cells
    /// are written as ([`DiffConfig::fills`]). Empty for `compare()`: a 全件 file is compared
    /// as it is.
    sent: Option<Sent<'l>>,
}

/// A row's key values (certificate key, validity start) as build sends them: edges trimmed
/// ([`trim_edges`]) and a value that is not ASCII folded as build writes it
/// ([`key_values_as_built`], the checker's own folding: 全角 digits and letters half-width,
/// invisible characters deleted, a date in another form rewritten). A certificate whose
/// 受給者番号 was retyped as `０００１２３４５` is the certificate `00012345`, not a deletion
/// plus a registration; `diff` writes the key in this form.
pub(super) struct SentKeys<'v> {
    fields: &'v [&'v str],
    /// The folded values, of the key fields whose trimmed value is not ASCII.
    built: Vec<(usize, String)>,
}

impl SentKeys<'_> {
    /// Key field `i`'s value as sent.
    pub(super) fn get(&self, i: usize) -> &str {
        match self.built.iter().find(|&&(k, _)| k == i) {
            Some((_, v)) => v,
            None => self.fields.get(i).map_or("", |v| trim_edges(v)),
        }
    }
}

/// What `diff` writes for a field with a fill value ([`Keys::sent`]).
struct Sent<'l> {
    diff: &'l Layout,
    fills: Vec<Option<String>>,
}

impl<'l> Keys<'l> {
    pub(super) fn new(full: &'l Layout, row_key: RowKey) -> Result<Self, DiffError> {
        let fk = full.key_index();
        if fk.certificate.is_empty() {
            return Err(DiffError::NoCertificateKey);
        }
        if row_key == RowKey::Period && fk.valid_from.is_none() {
            return Err(DiffError::PeriodNeedsValidFrom);
        }
        let mut key_fields = fk.certificate.clone();
        key_fields.extend(fk.valid_from.filter(|v| !fk.certificate.contains(v)));
        let mut is_key = vec![false; full.fields.len()];
        for &i in &key_fields {
            if let Some(k) = is_key.get_mut(i) {
                *k = true;
            }
        }
        Ok(Self {
            full,
            cert: fk.certificate,
            valid_from: fk.valid_from,
            row_key,
            key_fields,
            is_key,
            insurer: full
                .fields
                .iter()
                .position(|f| f.has_check(Check::InsurerNumber)),
            sent: None,
        })
    }

    /// Whether full-layout field `i` is a key field (certificate key or validity start).
    fn is_key(&self, i: usize) -> bool {
        self.is_key.get(i).copied().unwrap_or(false)
    }

    /// The row's key values as build sends them ([`SentKeys`]). Allocates nothing when every
    /// key value is ASCII (nearly every row).
    pub(super) fn sent_keys<'v>(&self, r: &RowView<'v>) -> SentKeys<'v> {
        let fields = r.fields;
        let raw = |i: usize| fields.get(i).map_or("", |v| trim_edges(v));
        let built = if self.key_fields.iter().all(|&i| raw(i).is_ascii()) {
            Vec::new()
        } else {
            key_values_as_built(
                self.full,
                self.insurer,
                self.key_fields.iter().copied(),
                &raw,
            )
        };
        SentKeys { fields, built }
    }

    /// Whether cell `value` of full-layout field `i` is written to the diff file as the
    /// field's fill value: an empty cell (filled), or one that holds that value (after the
    /// dialect conversion). Only with a fill for the field (`diff`).
    fn sent_as_fill(&self, i: usize, value: &str) -> bool {
        let Some(sent) = &self.sent else {
            return false;
        };
        let Some(Some(fill)) = sent.fills.get(i) else {
            return false;
        };
        trim_edges(value).is_empty() || convert(self.full, sent.diff, i, value) == *fill
    }

    /// Field `i`'s value as the content is compared and hashed (the content fingerprint, the
    /// `hash` historyKey): the value as written, except that every cell written as the field's
    /// fill value counts as an empty cell, and (`diff`) a key field counts as sent (`keys`).
    /// Yesterday's `0` and today's empty cell, both sent as `0`, are the same content, so the
    /// row is unchanged (nothing re-sent under a new key); and an empty cell hashes as it did
    /// before fills were compared this way, so the keys of such rows stay the ones PMH holds.
    /// Likewise yesterday's `00012345` and today's `０００１２３４５` (or ` 00012345`). An ASCII
    /// key value without edge spaces is the value as written, so its hash is unchanged.
    pub(super) fn content_value<'a>(
        &self,
        keys: &'a SentKeys<'_>,
        i: usize,
        value: &'a str,
    ) -> &'a str {
        if self.sent.is_some() && self.is_key(i) {
            keys.get(i)
        } else if self.sent_as_fill(i, value) {
            ""
        } else {
            value
        }
    }

    pub(super) fn facts(&self, r: &RowView<'_>) -> RowFacts {
        let keys = self.sent_keys(r);
        let get = |i: usize| keys.get(i);
        let mut cert = Fingerprint::new(1);
        let mut any = false;
        for &i in &self.cert {
            any |= !get(i).is_empty();
            cert.add(get(i).as_bytes());
        }
        let mut unit = cert.clone();
        if self.row_key == RowKey::Period {
            unit.add(&[0x1E]);
            unit.add(self.valid_from.map_or("", get).as_bytes());
        }
        let mut content = Fingerprint::new(2);
        for (i, v) in r.fields.iter().enumerate() {
            content.add(self.content_value(&keys, i, v).as_bytes());
        }
        for (name, value) in r.details {
            content.add(&[0x1D]);
            content.add(name.as_bytes());
            content.add(value.as_bytes());
        }
        RowFacts {
            unit: any.then(|| unit.finish128()),
            cert: cert.finish128(),
            content: content.finish64(),
        }
    }
}

impl<'l> Plan<'l> {
    fn new(full: &'l Layout, diff: &'l Layout, cfg: &'l DiffConfig) -> Result<Self, DiffError> {
        let mut keys = Keys::new(full, cfg.row_key)?;
        let dk = diff.key_index();
        let Some(hk) = dk.history_key else {
            return Err(DiffError::NoHistoryKey {
                layout: diff.id.clone(),
            });
        };
        let deleted = diff
            .field_index(&cfg.deleted_field)
            .filter(|&i| diff.fields[i].value_type == ValueType::Boolean);
        let Some(deleted) = deleted else {
            return Err(DiffError::NoDeletionFlag {
                layout: diff.id.clone(),
                field: cfg.deleted_field.clone(),
            });
        };
        let hk_max = diff.fields[hk].length_bounds().1.map_or(64, |m| m as usize);
        let key_length = cfg.key_length.clamp(8, 64).min(hk_max);
        for (id, _) in &cfg.fills {
            if diff.field_index(id).is_none() {
                return Err(DiffError::UnknownFillField { field: id.clone() });
            }
        }
        let sources = diff
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                if i == hk {
                    Source::HistoryKey
                } else if i == deleted {
                    Source::Deleted
                } else {
                    let fill = cfg
                        .fills
                        .iter()
                        .find(|(id, _)| *id == f.id)
                        .map(|(_, v)| v.clone());
                    match full.field_index(&f.id) {
                        Some(j) => Source::Full(j, fill),
                        None => Source::Fill(fill.unwrap_or_default()),
                    }
                }
            })
            .collect::<Vec<Source>>();
        // Rows are compared and hashed as they are written: with the fills.
        let mut fills = vec![None; full.fields.len()];
        for s in &sources {
            if let Source::Full(j, Some(v)) = s
                && let Some(f) = fills.get_mut(*j)
            {
                *f = Some(v.clone());
            }
        }
        keys.sent = Some(Sent { diff, fills });
        Ok(Self {
            keys,
            diff,
            sources,
            key_length,
        })
    }

    /// The `hash` / `period` historyKey of a row.
    fn hashed_key(&self, r: &RowView<'_>, with_content: bool) -> String {
        let keys = self.keys.sent_keys(r);
        let get = |i: usize| keys.get(i);
        let mut h = Sha256Hasher::new();
        h.update(b"pmhcsv-history-key-v1");
        h.update(&[0x1E]);
        for &i in &self.keys.cert {
            h.update(get(i).as_bytes());
            h.update(&[0x1F]);
        }
        h.update(&[0x1E]);
        h.update(self.keys.valid_from.map_or("", get).as_bytes());
        if with_content {
            h.update(&[0x1E]);
            for (i, v) in r.fields.iter().enumerate() {
                h.update(self.keys.content_value(&keys, i, v).as_bytes());
                h.update(&[0x1F]);
            }
            for (name, value) in r.details {
                h.update(name.as_bytes());
                h.update(&[0x1D]);
                h.update(value.as_bytes());
                h.update(&[0x1F]);
            }
        }
        let hex = h.finish();
        hex[..self.key_length.min(hex.len())].to_owned()
    }

    /// A value of the full layout, converted to the diff dialect (booleans, dates).
    fn convert(&self, full_field: usize, value: &str) -> String {
        convert(self.keys.full, self.diff, full_field, value)
    }
}

/// A value of field `full_field` of `full`, converted to the dialect of `diff` (booleans,
/// dates).
fn convert(full: &Layout, diff: &Layout, full_field: usize, value: &str) -> String {
    let (fd, dd) = (&full.dialect, &diff.dialect);
    let f = &full.fields[full_field];
    match f.value_type {
        ValueType::Boolean
            if fd.boolean_true != dd.boolean_true || fd.boolean_false != dd.boolean_false =>
        {
            let t = trim_edges(value);
            if t == fd.boolean_true {
                dd.boolean_true.clone()
            } else if t == fd.boolean_false {
                dd.boolean_false.clone()
            } else {
                value.to_owned()
            }
        }
        ValueType::Date if fd.date_format != dd.date_format => {
            date::parse_with_format(trim_edges(value), fd.date_format.as_str())
                .and_then(|d| date::format_date(d, dd.date_format.as_str()))
                .unwrap_or_else(|| value.to_owned())
        }
        _ => value.to_owned(),
    }
}

/// Detail (券面項目) columns of a report: names of the columns kept as 券面項目.
fn detail_names(r: &Report) -> Vec<String> {
    r.uses
        .iter()
        .zip(&r.headers)
        .filter(|(u, h)| **u == Use::Detail && !h.trim().is_empty())
        .map(|(_, h)| h.trim().to_owned())
        .collect()
}

/// Reads a snapshot through the checker, calling `visit` with every row.
pub(super) fn pass(
    layout: &Layout,
    opts: &Options,
    snap: &mut dyn Snapshot,
    visit: &mut dyn FnMut(&RowView<'_>),
) -> Result<Report, DiffError> {
    let mut checker = Checker::new(layout, opts.clone());
    checker.set_visitor(Box::new(|r: RowView<'_>| visit(&r)));
    snap.read(&mut |chunk| checker.feed(chunk))
        .map_err(DiffError::Io)?;
    Ok(checker.finish())
}

/// Refuses a snapshot a diff (or a comparison) cannot be made from: no data rows, a
/// certificate key column missing (S004 on a key field), rows not read (S007, S021), or rows
/// whose certificate keys are all empty (`keyed` = rows with a key). Any of these would make
/// certificates look deleted (or new, or uncounted).
pub(super) fn usable(
    keys: &Keys<'_>,
    side: Side,
    report: &Report,
    keyed: u64,
) -> Result<(), DiffError> {
    let refuse = |reason| Err(DiffError::UnusableSnapshot { side, reason });
    // Bytes not read as text (unknown encoding S002, ambiguous S018): no rows at all.
    for code in [Code::UnknownEncoding, Code::AmbiguousEncoding] {
        if report.count(code) > 0 {
            return refuse(Unusable::Unreadable { code });
        }
    }
    let data_rows = report.rows.saturating_sub(report.blank_rows);
    if data_rows == 0 || report.count(Code::NoHeader) > 0 || report.count(Code::UnknownEncoding) > 0
    {
        return refuse(Unusable::NoRows);
    }
    if let Some(d) = report
        .diagnostics
        .iter()
        .find(|d| d.code == Code::MissingColumn && d.field.is_some_and(|f| keys.cert.contains(&f)))
    {
        let label = d
            .field
            .and_then(|f| keys.full.fields.get(f))
            .map_or_else(String::new, |f| f.label_ja.clone());
        return refuse(Unusable::MissingKeyColumn { label });
    }
    // A row that swallowed the rest of the file (S007) or was cut (S021) hides certificates:
    // on the earlier side they would go uncounted, on the later side they would look deleted.
    let unread = [Code::UnclosedQuote, Code::RecordTooLong];
    if let Some(&counted) = unread.iter().find(|&&c| report.count(c) > 0) {
        // The first such row the report kept (a report may keep fewer than it counts).
        let first = report
            .diagnostics
            .iter()
            .filter(|d| unread.contains(&d.code))
            .min_by_key(|d| d.row.unwrap_or(u32::MAX));
        return refuse(Unusable::RowsUnread {
            code: first.map_or(counted, |d| d.code),
            row: first.and_then(|d| d.row),
        });
    }
    if keyed == 0 {
        return refuse(Unusable::NoKeyedRows);
    }
    Ok(())
}

/// Reads one snapshot through the checker and keys every row: `keep` is called with the facts
/// and sheet row of each row with a certificate key; rows without one are an
/// [`DiffIssue::EmptyKey`]. Returns the check's report, the number of rows visited and the
/// number kept.
pub(super) fn scan(
    keys: &Keys<'_>,
    opts: &Options,
    snap: &mut dyn Snapshot,
    side: Side,
    issues: &mut Vec<DiffIssue>,
    keep: &mut dyn FnMut(&RowFacts, u32),
) -> Result<(Report, u64, u64), DiffError> {
    let mut empty: (Vec<u32>, u64) = (Vec::new(), 0);
    let (mut visited, mut kept) = (0u64, 0u64);
    let report = pass(keys.full, opts, snap, &mut |r| {
        visited += 1;
        let f = keys.facts(r);
        if f.unit.is_some() {
            kept += 1;
            keep(&f, r.row);
        } else {
            if empty.0.len() < LISTED_ROWS {
                empty.0.push(r.row);
            }
            empty.1 += 1;
        }
    })?;
    if empty.1 > 0 {
        issues.push(DiffIssue::EmptyKey {
            side,
            rows: empty.0,
            count: empty.1,
        });
    }
    Ok((report, visited, kept))
}

/// Indexes one snapshot for the diff: the check's report, one entry per row with a
/// certificate key sorted by row key, and the number of rows visited. Refused when
/// [`usable`] says so.
fn index(
    plan: &Plan<'_>,
    opts: &Options,
    snap: &mut dyn Snapshot,
    side: Side,
    issues: &mut Vec<DiffIssue>,
) -> Result<(Report, Vec<Entry>, u64), DiffError> {
    let mut entries = Vec::new();
    let (report, visited, kept) = scan(&plan.keys, opts, snap, side, issues, &mut |f, row| {
        if let Some(unit) = f.unit {
            entries.push(Entry {
                unit,
                content: f.content,
                row,
                st: NO_STATE,
            });
        }
    })?;
    usable(&plan.keys, side, &report, kept)?;
    entries.sort_unstable_by_key(|e| (e.unit, e.row));
    Ok((report, entries, visited))
}

/// Reads a snapshot again, without checking it: the same decoding and records as the checker
/// ([`Front`]), the columns as the first pass mapped them, and `visit` called with exactly the
/// rows the checker visited. Returns the SHA-256 and the number of rows visited, so that the
/// caller can tell whether the file changed in between.
pub(super) fn reread(
    layout: &Layout,
    first: &Report,
    snap: &mut dyn Snapshot,
    visit: &mut dyn FnMut(&RowView<'_>),
) -> Result<(String, u64), DiffError> {
    let n = layout.fields.len();
    let mut field_col: Vec<Option<usize>> = vec![None; n];
    let mut detail_cols = Vec::new();
    for (c, u) in first.uses.iter().enumerate() {
        match *u {
            Use::Field(f) if f < n && field_col[f].is_none() => field_col[f] = Some(c),
            Use::Detail if first.headers.get(c).is_some_and(|h| !h.trim().is_empty()) => {
                detail_cols.push(c);
            }
            _ => {}
        }
    }
    let headers: Vec<&str> = first.headers.iter().map(|h| h.trim()).collect();
    // Without a header row the checker reads no row.
    let readable = first.count(crate::findings::codes::Code::NoHeader) == 0;
    let mut row = 0u32;
    let mut header_seen = false;
    let mut visited = 0u64;
    let mut handle = |batch: &RecordBatch| {
        for rec in batch.records() {
            row = row.saturating_add(1);
            if rec.is_blank() {
                continue;
            }
            if !std::mem::replace(&mut header_seen, true) {
                continue;
            }
            if !readable || !rec.quotes_balanced() || rec.fields().all(str::is_empty) {
                continue;
            }
            let fields: Vec<&str> = field_col
                .iter()
                .map(|c| c.map_or("", |c| rec.field(c)))
                .collect();
            let details: Vec<(&str, &str)> = detail_cols
                .iter()
                .map(|&c| (headers.get(c).copied().unwrap_or(""), rec.field(c)))
                .collect();
            visited += 1;
            visit(&RowView {
                row,
                line: rec.line(),
                fields: &fields,
                details: &details,
            });
        }
    };
    let mut front = Front::new(layout.dialect.delimiter_byte());
    snap.read(&mut |chunk| {
        front.feed(chunk);
        let ready: Vec<RecordBatch> = front.take_ready().collect();
        for b in ready {
            handle(&b);
            front.recycle(b);
        }
    })
    .map_err(DiffError::Io)?;
    let (rest, summary) = front.finish();
    for b in &rest {
        handle(b);
    }
    Ok((summary.sha256, visited))
}

/// Groups of equal row keys in a sorted slice.
fn groups(v: &[Entry]) -> impl Iterator<Item = &[Entry]> {
    v.chunk_by(|a, b| a.unit == b.unit)
}

/// Writes diff records (and checks them against the diff layout as they go).
struct Writer<'a, 'l> {
    plan: &'a Plan<'l>,
    out: &'a mut dyn FnMut(&[u8]) -> Result<(), String>,
    checker: Checker<'l>,
    details: Vec<String>,
    buf: Vec<u8>,
    fills: Vec<u64>,
    error: Option<String>,
    /// The first value a CP932 diff file cannot hold: (row of today's snapshot, the column's
    /// name, the character). The diff is then refused: the encoder would write `&#134071;`
    /// as the value's text.
    unencodable: Option<(u32, String, char)>,
}

impl Writer<'_, '_> {
    fn flush(&mut self, force: bool) {
        if self.buf.len() < 1 << 16 && !force {
            return;
        }
        self.checker.feed(&self.buf);
        if self.error.is_none()
            && let Err(e) = (self.out)(&self.buf)
        {
            self.error = Some(e);
        }
        self.buf.clear();
    }

    fn header(&mut self) {
        let names: Vec<&str> = self.details.iter().map(String::as_str).collect();
        write::csv_header(&mut self.buf, self.plan.diff, &names);
    }

    fn record(&mut self, r: &RowView<'_>, key: &str, deleted: bool) {
        let plan = self.plan;
        let dd = &plan.diff.dialect;
        let keys = plan.keys.sent_keys(r);
        let mut values: Vec<String> = Vec::with_capacity(plan.sources.len() + self.details.len());
        for (i, s) in plan.sources.iter().enumerate() {
            values.push(match s {
                Source::HistoryKey => key.to_owned(),
                Source::Deleted => {
                    if deleted {
                        dd.boolean_true.clone()
                    } else {
                        dd.boolean_false.clone()
                    }
                }
                Source::Full(j, fill) => {
                    let v = r.fields.get(*j).copied().unwrap_or("");
                    match fill {
                        Some(fill) if trim_edges(v).is_empty() => {
                            self.fills[i] += 1;
                            fill.clone()
                        }
                        // The key as build sends it: the history row PMH holds.
                        _ if plan.keys.is_key(*j) => plan.convert(*j, keys.get(*j)),
                        _ => plan.convert(*j, v),
                    }
                }
                Source::Fill(v) => {
                    if !v.is_empty() {
                        self.fills[i] += 1;
                    }
                    v.clone()
                }
            });
        }
        // 券面項目 by name (the n-th column of a name takes the row's n-th item of that name).
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut by_name: HashMap<(&str, usize), &str> = HashMap::new();
        for (name, value) in r.details {
            let n = seen.entry(name).or_default();
            by_name.insert((name, *n), value);
            *n += 1;
        }
        let mut seen_out: HashMap<&str, usize> = HashMap::new();
        for name in &self.details {
            let n = seen_out.entry(name.as_str()).or_default();
            values.push(
                by_name
                    .get(&(name.as_str(), *n))
                    .map_or(String::new(), |v| (*v).to_owned()),
            );
            *n += 1;
        }
        if self.unencodable.is_none() && plan.diff.dialect.encoding == Encoding::Cp932 {
            self.unencodable = values.iter().enumerate().find_map(|(i, v)| {
                let ch = v.chars().find(|&c| !chars::encodes_in_cp932(c))?;
                let name = match plan.diff.fields.get(i) {
                    Some(f) => f.label_ja.clone(),
                    None => self.details.get(i - plan.sources.len()).cloned()?,
                };
                Some((r.row, name, ch))
            });
        }
        write::csv_row(&mut self.buf, plan.diff, values.iter().map(String::as_str));
        self.flush(false);
    }
}

/// The state of the previous run, if any.
pub enum StateInput<'a> {
    /// No state (the first run, or a scheme that needs none).
    None,
    /// A state already read.
    Loaded(&'a DiffState),
    /// A state file, read after the snapshots are indexed (less memory at the peak).
    Reader(&'a mut dyn Snapshot),
}

impl<'a> From<Option<&'a DiffState>> for StateInput<'a> {
    fn from(s: Option<&'a DiffState>) -> Self {
        s.map_or(StateInput::None, StateInput::Loaded)
    }
}

/// How the key scheme of this run differs from the one `st` was written under (empty: the
/// same). Any difference means PMH's registered history rows cannot be continued.
fn scheme_changes(st: &DiffState, cfg: &DiffConfig, key: &[String]) -> Vec<KeySchemeChange> {
    let mut changes = Vec::new();
    if let Some(was) = st.scheme
        && was != cfg.scheme
    {
        changes.push(KeySchemeChange::HistoryKey {
            was,
            now: cfg.scheme,
        });
    }
    if let Some(was) = st.row_key
        && was != cfg.row_key
    {
        changes.push(KeySchemeChange::RowKey {
            was,
            now: cfg.row_key,
        });
    }
    let was = st.key_fields();
    if was != key {
        changes.push(KeySchemeChange::CertificateKey {
            was,
            now: key.to_vec(),
        });
    }
    changes
}

/// Makes the 差分履歴 records that turn `from` into `to` (see the module docs).
///
/// `full` reads the snapshots, `diff_layout` writes the records; `opts` are the checks applied
/// to the snapshots (masters, known insurer numbers). Without `from`, every row of `to` is a
/// registration (the first upload, or the 差分履歴リセット API). `out` receives the diff CSV in
/// chunks.
///
/// # Errors
/// [`DiffError`] when the layouts do not fit, a snapshot cannot be read or changes between
/// passes, or `out` fails. Problems of the data are [`DiffIssue`]s in the outcome.
#[expect(
    clippy::too_many_arguments,
    reason = "the inputs of one diff, each distinct"
)]
pub fn diff(
    full: &Layout,
    diff_layout: &Layout,
    opts: &Options,
    cfg: &DiffConfig,
    mut from: Option<&mut dyn Snapshot>,
    to: &mut dyn Snapshot,
    state: StateInput<'_>,
    out: &mut dyn FnMut(&[u8]) -> Result<(), String>,
) -> Result<DiffOutcome, DiffError> {
    let plan = Plan::new(full, diff_layout, cfg)?;
    if cfg.scheme == HistoryKeyScheme::Sequence
        && from.is_some()
        && matches!(state, StateInput::None)
    {
        return Err(DiffError::SequenceNeedsState);
    }
    let mut issues = Vec::new();
    let missing: Vec<String> = full
        .fields
        .iter()
        .filter(|f| diff_layout.field_index(&f.id).is_none())
        .map(|f| f.id.clone())
        .collect();
    if !missing.is_empty() {
        issues.push(DiffIssue::FieldsNotInDiffLayout { fields: missing });
    }
    let mut check_opts = opts.clone();
    check_opts.output = None;
    check_opts.repair = false;
    check_opts.kind = crate::check::InputKind::Upload;

    // Pass 1 and 2: index both snapshots.
    let (from_report, y, y_visited) = match from.as_deref_mut() {
        Some(s) => {
            let (r, e, n) = index(&plan, &check_opts, s, Side::From, &mut issues)?;
            (Some(r), e, n)
        }
        None => (None, Vec::new(), 0),
    };
    let (to_report, t, t_visited) = index(&plan, &check_opts, to, Side::To, &mut issues)?;
    // The state is read only now, so that it does not add to the checker's memory.
    let owned;
    let state: Option<&DiffState> = match state {
        StateInput::None => None,
        StateInput::Loaded(s) => Some(s),
        StateInput::Reader(r) => {
            let mut reader = DiffStateReader::new();
            let mut result = Ok(());
            r.read(&mut |chunk| {
                if result.is_ok() {
                    result = reader.feed(chunk);
                }
            })
            .map_err(DiffError::Io)?;
            result?;
            owned = reader.finish()?;
            Some(&owned)
        }
    };
    if let Some(st) = state {
        let changes = scheme_changes(st, cfg, &full.keys.certificate);
        if !changes.is_empty() {
            return Err(DiffError::KeySchemeChanged { changes });
        }
        if let Some(fr) = &from_report
            && !st.snapshot_sha256.is_empty()
            && st.snapshot_sha256 != fr.sha256
        {
            issues.push(DiffIssue::StateFromOtherSnapshot);
        }
    }

    // Merge: one action per row of `to`, the deletions, and which state entries to carry.
    let (mut y, mut t) = (y, t);
    attach(&mut y, state);
    attach(&mut t, state);
    let mut t_act = vec![Action::None; t.iter().map(|e| e.row as usize + 1).max().unwrap_or(0)];
    let mut deletions: Vec<(u32, u32)> = Vec::new();
    let mut carried: Vec<u32> = Vec::new();
    let mut counts = DiffCounts::default();
    {
        let mut yi = groups(&y).peekable();
        let mut ti = 0usize;
        loop {
            let tg_len = t.get(ti).map_or(0, |f| {
                t[ti..].iter().take_while(|e| e.unit == f.unit).count()
            });
            let order = match (yi.peek(), t.get(ti)) {
                (None, None) => break,
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some(a), Some(b)) => a[0].unit.cmp(&b.unit),
            };
            let (yg, trange): (&[Entry], std::ops::Range<usize>) = match order {
                std::cmp::Ordering::Less => (yi.next().unwrap_or_default(), ti..ti),
                std::cmp::Ordering::Greater => (&[], ti..ti + tg_len),
                std::cmp::Ordering::Equal => (yi.next().unwrap_or_default(), ti..ti + tg_len),
            };
            ti = trange.end;
            let tg = &mut t[trange];
            let listed = |g: &[Entry]| g.iter().take(LISTED_ROWS).map(|e| e.row).collect();
            if tg.len() > 1 {
                issues.push(DiffIssue::Collision {
                    side: Side::To,
                    rows: listed(tg),
                    count: tg.len() as u64,
                    written: false,
                });
                counts.skipped += tg.len() as u64;
                if tg[0].st < COLLIDED {
                    carried.push(tg[0].st);
                }
                for e in tg.iter_mut() {
                    e.st = COLLIDED;
                }
                continue;
            }
            if yg.len() > 1 {
                issues.push(DiffIssue::Collision {
                    side: Side::From,
                    rows: listed(yg),
                    count: yg.len() as u64,
                    written: !tg.is_empty(),
                });
                match tg.first() {
                    Some(te) => t_act[te.row as usize] = Action::Update,
                    None => {
                        counts.skipped += yg.len() as u64;
                        if yg[0].st < COLLIDED {
                            carried.push(yg[0].st);
                        }
                    }
                }
                continue;
            }
            match (yg.first(), tg.first()) {
                (Some(ye), Some(te)) if ye.content == te.content => counts.unchanged += 1,
                (Some(_), Some(te)) => t_act[te.row as usize] = Action::Update,
                (None, Some(te)) => t_act[te.row as usize] = Action::Register,
                (Some(ye), None) => deletions.push((ye.row, ye.st)),
                (None, None) => {}
            }
        }
    }
    deletions.sort_unstable();
    let previous = groups(&y).count() as u64;
    if !cfg.max_deletions.allows(deletions.len() as u64, previous) {
        return Err(DiffError::TooManyDeletions {
            deletions: deletions.len() as u64,
            previous,
            limit: cfg.max_deletions,
        });
    }
    let from_sha = from_report.as_ref().map(|r| r.sha256.clone());
    let to_sha = to_report.sha256.clone();
    drop(y);
    // `to`'s fingerprints, by row, for the last pass.
    t.sort_unstable_by_key(|e| e.row);

    // The output: header (券面項目 of `to`, then those only `from` has), deletions, then
    // registrations and updates.
    let mut details = detail_names(&to_report);
    if let Some(fr) = &from_report {
        let mut have: HashMap<String, usize> = HashMap::new();
        for d in &details {
            *have.entry(d.clone()).or_default() += 1;
        }
        let mut seen: HashMap<String, usize> = HashMap::new();
        for d in detail_names(fr) {
            let n = seen.entry(d.clone()).or_default();
            *n += 1;
            if *n > have.get(&d).copied().unwrap_or(0) {
                details.push(d);
            }
        }
    }
    let mut out_opts = check_opts.clone();
    out_opts.max_diagnostics = opts.max_diagnostics;
    let mut w = Writer {
        plan: &plan,
        out,
        checker: Checker::new(diff_layout, out_opts),
        details,
        buf: Vec::new(),
        fills: vec![0; diff_layout.fields.len()],
        error: None,
        unencodable: None,
    };
    w.header();

    let mut new_state = DiffState {
        scheme: Some(cfg.scheme),
        row_key: Some(cfg.row_key),
        key_fields: Some(full.keys.certificate.clone()),
        snapshot_sha256: to_sha.clone(),
        ..DiffState::default()
    };
    let mut counters: HashMap<u128, u32> = HashMap::new();
    let counter = |counters: &mut HashMap<u128, u32>, cert: u128| -> u32 {
        *counters
            .entry(cert)
            .or_insert_with(|| state.map_or(0, |s| s.counter(cert)))
    };

    // Pass 3: deletions from `from`.
    let mut unknown: (Vec<u32>, u64) = (Vec::new(), 0);
    if let (Some(s), Some(first)) = (from, from_report.as_ref()) {
        let w = RefCell::new(&mut w);
        let mut cursor = 0usize;
        let again = reread(plan.keys.full, first, s, &mut |r| {
            while deletions.get(cursor).is_some_and(|d| d.0 < r.row) {
                cursor += 1;
            }
            if let Some(&(_, st)) = deletions.get(cursor).filter(|d| d.0 == r.row) {
                let known = state
                    .filter(|_| st < COLLIDED)
                    .and_then(|s| s.units.get(st as usize))
                    .map(|e| st_key(state, e));
                let key = known.or_else(|| match cfg.scheme {
                    HistoryKeyScheme::Hash => Some(plan.hashed_key(r, true)),
                    HistoryKeyScheme::Period => Some(plan.hashed_key(r, false)),
                    HistoryKeyScheme::Sequence => None,
                });
                match key {
                    Some(k) if !k.is_empty() => {
                        w.borrow_mut().record(r, &k, true);
                        counts.deleted += 1;
                    }
                    _ => {
                        if unknown.0.len() < LISTED_ROWS {
                            unknown.0.push(r.row);
                        }
                        unknown.1 += 1;
                        counts.skipped += 1;
                    }
                }
            }
        })?;
        if Some(&again.0) != from_sha.as_ref() || again.1 != y_visited {
            return Err(DiffError::Changed(Side::From));
        }
    }
    if unknown.1 > 0 {
        issues.push(DiffIssue::UnknownHistoryKey {
            rows: unknown.0,
            count: unknown.1,
        });
    }

    // Pass 4: registrations and updates from `to`, and the new state.
    let mut incomplete = 0u64;
    {
        let w = RefCell::new(&mut w);
        let mut cursor = 0usize;
        let again = reread(plan.keys.full, &to_report, to, &mut |r| {
            let act = t_act.get(r.row as usize).copied().unwrap_or(Action::None);
            while t.get(cursor).is_some_and(|e| e.row < r.row) {
                cursor += 1;
            }
            let Some(&Entry {
                unit, content, st, ..
            }) = t.get(cursor).filter(|e| e.row == r.row)
            else {
                return; // no certificate key
            };
            if act == Action::None && !cfg.make_state {
                return;
            }
            let cert = if cfg.scheme == HistoryKeyScheme::Sequence {
                plan.keys.facts(r).cert
            } else {
                0
            };
            let old = state
                .filter(|_| st < COLLIDED)
                .and_then(|s| s.units.get(st as usize));
            let key = match act {
                Action::Register | Action::Update => {
                    let key = match cfg.scheme {
                        HistoryKeyScheme::Hash => plan.hashed_key(r, true),
                        HistoryKeyScheme::Period => plan.hashed_key(r, false),
                        HistoryKeyScheme::Sequence => {
                            let n = counter(&mut counters, cert).saturating_add(1);
                            counters.insert(cert, n);
                            n.to_string()
                        }
                    };
                    w.borrow_mut().record(r, &key, false);
                    if act == Action::Register {
                        counts.registered += 1;
                    } else {
                        counts.updated += 1;
                    }
                    key
                }
                _ => match old {
                    Some(e) => st_key(state, e),
                    None => match cfg.scheme {
                        HistoryKeyScheme::Hash => plan.hashed_key(r, true),
                        HistoryKeyScheme::Period => plan.hashed_key(r, false),
                        HistoryKeyScheme::Sequence => {
                            if state.is_some() {
                                incomplete += 1;
                            }
                            String::new()
                        }
                    },
                },
            };
            if act == Action::None && st == COLLIDED {
                return; // a collision: the old state entry is carried below
            }
            if !cfg.make_state {
                return;
            }
            new_state.push(unit, content, &key);
            if cfg.scheme == HistoryKeyScheme::Sequence
                && let Ok(n) = key.parse::<u32>()
            {
                let c = counter(&mut counters, cert).max(n);
                counters.insert(cert, c);
            }
        })?;
        if again.0 != to_sha || again.1 != t_visited {
            return Err(DiffError::Changed(Side::To));
        }
    }
    if incomplete > 0 {
        issues.push(DiffIssue::StateIncomplete { count: incomplete });
    }
    w.flush(true);
    if let Some(e) = w.error.take() {
        return Err(DiffError::Io(e));
    }
    if let Some((row, column, ch)) = w.unencodable.take() {
        return Err(DiffError::Unencodable { row, column, ch });
    }
    for (i, n) in w.fills.iter().enumerate() {
        if *n > 0 {
            let f = &diff_layout.fields[i];
            let value = match &plan.sources[i] {
                Source::Full(_, Some(v)) | Source::Fill(v) => v.clone(),
                _ => String::new(),
            };
            issues.push(DiffIssue::Filled {
                field: f.id.clone(),
                label: f.label_ja.clone(),
                value,
                count: *n,
            });
        }
    }
    let output = w.checker.finish();

    // State: carried entries of collided units, then sort; counters from the old state and
    // this run.
    if let Some(st) = state {
        for &i in &carried {
            if let Some(e) = st.units.get(i as usize) {
                let key = st.key_of(e).to_owned();
                new_state.push(e.unit, e.content, &key);
            }
        }
        for &(c, n) in &st.counters {
            counters.entry(c).or_insert(n);
        }
    }
    new_state.units.sort_by_key(|u| u.unit);
    new_state.units.dedup_by_key(|u| u.unit);
    let mut cs: Vec<(u128, u32)> = counters.into_iter().collect();
    cs.sort_unstable();
    new_state.counters = if cfg.scheme == HistoryKeyScheme::Sequence || state.is_some() {
        cs
    } else {
        Vec::new()
    };
    Ok(DiffOutcome {
        from: from_report,
        to: to_report,
        output,
        counts,
        issues,
        state: new_state,
    })
}

fn st_key(state: Option<&DiffState>, e: &UnitState) -> String {
    state.map_or(String::new(), |s| s.key_of(e).to_owned())
}
