//! The loaded input as a table of records, kept in the worker for the grid, edits and
//! re-checks.
//!
//! Records are exactly what `pmh_core`'s [`Front`] splits (same decoding, delimiter detection,
//! blank lines and line numbers), stored as its [`RecordBatch`]es so that a full check feeds
//! them straight to [`pmh_core::Back`] without splitting the input again. Edited records live
//! in an overlay. Record `i` (0-based, blank lines included) is sheet row `i + 1`, as the
//! checker numbers rows.

use std::collections::HashMap;

use pmh_core::FrontSummary;
use pmh_core::{EncodingChoice, Front, RecordBatch};

/// Bytes fed to the front end per call (and per progress report).
pub const CHUNK: usize = 256 * 1024;

/// An edited record.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Edited {
    cells: Vec<String>,
    line: u64,
    /// The record as read had an unclosed quote (see [`RecordRef::unclosed`]).
    unclosed: bool,
}

/// The records of one input.
#[derive(Debug)]
pub struct Table {
    batches: Vec<RecordBatch>,
    /// Global index of the first record of each batch.
    starts: Vec<usize>,
    len: usize,
    /// Index of the header record (the first record that is not a blank line).
    header: Option<usize>,
    overlay: HashMap<usize, Edited>,
    summary: FrontSummary,
    /// Records the reader cut as longer than its limit (S021; record → limit in bytes): the
    /// checker leaves them out of the upload file, so they are written out too long again.
    too_long: HashMap<usize, u64>,
}

/// One record, borrowed from a batch or the overlay.
#[derive(Debug, Clone)]
pub struct RecordRef<'a> {
    /// The fields (empty for a blank line).
    pub cells: Vec<&'a str>,
    /// Physical line where it starts.
    pub line: u64,
    /// A blank physical line.
    pub blank: bool,
    /// An unclosed quote swallowed the rest of the input into this record (S007): the checker
    /// leaves it out of the upload file. It is written back with its quote still open, so that
    /// the table written out after edits is checked and built as the input was: the record is
    /// still S007 and still left out (not closed into a garbled record).
    pub unclosed: bool,
    /// The reader cut this record as longer than this many bytes (S021): it is written out
    /// longer than that again, so that it is cut and left out as the input's was.
    pub too_long: Option<u64>,
}

impl Table {
    /// Splits `input` into records (`delimiter`: the layout's), calling `progress(done)` with
    /// the bytes read so far.
    pub fn load(
        input: &[u8],
        delimiter: u8,
        encoding: EncodingChoice,
        progress: &mut dyn FnMut(usize),
    ) -> Table {
        let mut front = Front::with_encoding(delimiter, encoding);
        let mut batches = Vec::new();
        let mut done = 0;
        for chunk in input.chunks(CHUNK) {
            front.feed(chunk);
            batches.extend(front.take_ready());
            done += chunk.len();
            progress(done);
        }
        let (rest, summary) = front.finish();
        batches.extend(rest);
        let mut starts = Vec::with_capacity(batches.len());
        let mut len = 0;
        let mut header = None;
        for batch in &batches {
            starts.push(len);
            if header.is_none()
                && let Some(i) = batch.records().position(|r| !r.is_blank())
            {
                header = Some(len + i);
            }
            len += batch.len();
        }
        Table {
            batches,
            starts,
            len,
            header,
            overlay: HashMap::new(),
            summary,
            too_long: HashMap::new(),
        }
    }

    /// Number of records, blank lines included.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there is no record at all.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Index of the header record.
    pub fn header_index(&self) -> Option<usize> {
        self.header
    }

    /// The header cells (empty when there is no header).
    pub fn headers(&self) -> Vec<String> {
        self.header
            .and_then(|h| self.record(h))
            .map(|r| r.cells.iter().map(|c| (*c).to_owned()).collect())
            .unwrap_or_default()
    }

    /// What the front end learnt about the input (encoding, size, hash, delimiter).
    pub fn summary(&self) -> &FrontSummary {
        &self.summary
    }

    /// The batches as split, for a full check; `None` once a record was edited.
    pub fn pristine_batches(&self) -> Option<&[RecordBatch]> {
        self.overlay.is_empty().then_some(self.batches.as_slice())
    }

    /// Marks record `i` as cut by the reader at `limit` bytes (S021, from the full check).
    pub fn mark_too_long(&mut self, i: usize, limit: u64) {
        self.too_long.insert(i, limit);
    }

    /// Whether any record was edited.
    pub fn is_edited(&self) -> bool {
        !self.overlay.is_empty()
    }

    /// Cell `col` (0-based) of every record that has one, with the record's index, in order
    /// (as [`Table::record`] gives them). One pass over the batches: no per-record lookup or
    /// allocation.
    pub fn column(&self, col: usize) -> impl Iterator<Item = (usize, &str)> + '_ {
        self.batches
            .iter()
            .zip(&self.starts)
            .flat_map(move |(batch, &start)| {
                batch.records().enumerate().filter_map(move |(k, rec)| {
                    let i = start + k;
                    let value = match self.overlay.get(&i) {
                        Some(e) => e.cells.get(col).map(String::as_str),
                        None => rec.fields().nth(col),
                    };
                    Some((i, value?))
                })
            })
    }

    /// Record `i`.
    pub fn record(&self, i: usize) -> Option<RecordRef<'_>> {
        if let Some(e) = self.overlay.get(&i) {
            return Some(RecordRef {
                cells: e.cells.iter().map(String::as_str).collect(),
                line: e.line,
                blank: false,
                unclosed: e.unclosed,
                too_long: self.too_long.get(&i).copied(),
            });
        }
        if i >= self.len {
            return None;
        }
        let b = self.starts.partition_point(|&s| s <= i).checked_sub(1)?;
        let rec = self.batches.get(b)?.record(i - self.starts[b])?;
        Some(RecordRef {
            cells: rec.fields().collect(),
            line: rec.line(),
            blank: rec.is_blank(),
            // (A record cut as too long is not balanced either: S021, not S007.)
            unclosed: !rec.is_blank() && !rec.quotes_balanced() && !self.too_long.contains_key(&i),
            too_long: self.too_long.get(&i).copied(),
        })
    }

    /// Replaces cell `col` (0-based) of record `i`, padding a short or blank record with empty
    /// cells. Returns the previous value, or `None` if there is no such record.
    pub fn set_cell(&mut self, i: usize, col: usize, value: &str) -> Option<String> {
        let rec = self.record(i)?;
        let (line, unclosed) = (rec.line, rec.unclosed);
        let mut cells: Vec<String> = rec.cells.iter().map(|c| (*c).to_owned()).collect();
        if cells.len() <= col {
            cells.resize(col + 1, String::new());
        }
        let before = std::mem::replace(&mut cells[col], value.to_owned());
        self.overlay.insert(
            i,
            Edited {
                cells,
                line,
                unclosed,
            },
        );
        Some(before)
    }

    /// The whole table as CSV text (UTF-8, `delimiter`, CRLF; blank lines kept), so that
    /// splitting it again gives the same records, edits included.
    pub fn to_csv(&self, delimiter: u8) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.summary.bytes as usize + 1024);
        for i in 0..self.len {
            if let Some(rec) = self.record(i) {
                write_record(&mut out, &rec, delimiter);
            }
        }
        out
    }

    /// The header record followed by records `rows` (in the order given) as CSV text: a small
    /// input for re-checking those records alone. Record `rows[k]` becomes sheet row `k + 2`.
    pub fn subset_csv(&self, rows: &[usize], delimiter: u8) -> Vec<u8> {
        let mut out = Vec::new();
        if let Some(h) = self.header.and_then(|h| self.record(h)) {
            write_record(&mut out, &h, delimiter);
        }
        for &i in rows {
            if let Some(rec) = self.record(i) {
                write_record(&mut out, &rec, delimiter);
            }
        }
        out
    }
}

impl Table {
    /// Records `from..` as CSV text (as [`Table::to_csv`] writes them).
    pub fn rows_csv(&self, from: usize, delimiter: u8) -> Vec<u8> {
        self.rows_csv_range(from, self.len, delimiter)
    }

    /// Records `from..to` as CSV text.
    pub fn rows_csv_range(&self, from: usize, to: usize, delimiter: u8) -> Vec<u8> {
        let mut out = Vec::new();
        for i in from..to.min(self.len) {
            if let Some(rec) = self.record(i) {
                write_record(&mut out, &rec, delimiter);
            }
        }
        out
    }

    /// The table as CSV with its last `drop` columns removed and `header` / `values` appended
    /// (the header record gets `header`, every data record `values`). Only records exactly as
    /// wide as the header are changed: a ragged record stays as it is, so that its finding
    /// stays too. Blank lines stay blank.
    pub fn with_columns(
        &self,
        drop: usize,
        header: &[String],
        values: &[String],
        delimiter: u8,
    ) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.summary.bytes as usize + 1024);
        let width = self
            .header
            .and_then(|h| self.record(h))
            .map_or(0, |r| r.cells.len());
        for i in 0..self.len {
            let Some(rec) = self.record(i) else { continue };
            let is_header = Some(i) == self.header;
            if rec.blank
                || rec.unclosed
                || rec.too_long.is_some()
                || rec.cells.len() != width
                || self.header.is_none_or(|h| i < h)
            {
                write_record(&mut out, &rec, delimiter);
                continue;
            }
            let keep = rec.cells.len().saturating_sub(drop);
            let mut cells: Vec<String> =
                rec.cells[..keep].iter().map(|c| (*c).to_owned()).collect();
            cells.extend_from_slice(if is_header { header } else { values });
            write_cells(&mut out, &cells, delimiter);
        }
        out
    }
}

/// Appends one record of `cells` as a CSV line.
pub fn write_cells(out: &mut Vec<u8>, cells: &[String], delimiter: u8) {
    let rec = RecordRef {
        cells: cells.iter().map(String::as_str).collect(),
        line: 0,
        blank: false,
        unclosed: false,
        too_long: None,
    };
    write_record(out, &rec, delimiter);
}

/// Appends one record as a CSV line (RFC 4180 quoting) ending in CRLF.
fn write_record(out: &mut Vec<u8>, rec: &RecordRef<'_>, delimiter: u8) {
    if rec.blank {
        out.extend_from_slice(b"\r\n");
        return;
    }
    // A record of one empty field must not become a blank line.
    if rec.cells.len() == 1 && rec.cells[0].is_empty() {
        out.extend_from_slice(b"\"\"\r\n");
        return;
    }
    let mut line = String::new();
    let last = rec.cells.len().saturating_sub(1);
    for (k, cell) in rec.cells.iter().enumerate() {
        if k > 0 {
            line.push(char::from(delimiter));
        }
        if rec.unclosed && k == last {
            // The quote the input left open, still open: the rest of the text is this value
            // (its quotes doubled, as read), up to the end, with no line break added.
            line.push('"');
            line.push_str(&cell.replace('"', "\"\""));
            out.extend_from_slice(line.as_bytes());
            return;
        }
        pmh_core::push_csv_field(&mut line, cell, char::from(delimiter), false);
    }
    if let Some(limit) = rec.too_long {
        // One more field of spaces past the limit: the reader cuts the record again (S021)
        // and the checker leaves it out, as it left out the input's.
        line.push(char::from(delimiter));
        let pad = usize::try_from(limit)
            .unwrap_or(usize::MAX)
            .saturating_add(1);
        line.extend(std::iter::repeat_n(' ', pad));
    }
    line.push_str("\r\n");
    out.extend_from_slice(line.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Table {
        Table::load(text.as_bytes(), b',', EncodingChoice::Auto, &mut |_| {})
    }

    fn cells(t: &Table, i: usize) -> Vec<String> {
        t.record(i)
            .unwrap()
            .cells
            .iter()
            .map(|c| (*c).to_owned())
            .collect()
    }

    #[test]
    fn records_and_header() {
        // The delimiter is detected from the first line (here a blank one: the layout's comma).
        let t = load("\r\n氏名,番号\r\n山田,1\r\n\r\n佐藤,\"2\r\n3\"\r\n");
        assert_eq!(t.len(), 5);
        assert_eq!(t.header_index(), Some(1));
        assert_eq!(t.headers(), ["氏名", "番号"]);
        assert!(t.record(0).unwrap().blank);
        assert_eq!(cells(&t, 2), ["山田", "1"]);
        assert!(t.record(3).unwrap().blank);
        assert_eq!(cells(&t, 4), ["佐藤", "2\r\n3"]);
        assert_eq!(t.record(4).unwrap().line, 5);
        assert!(t.record(5).is_none());
        assert!(t.pristine_batches().is_some());
    }

    /// A record whose quote is never closed is written back still open, edited or not: read
    /// again, it is the same unclosed record (the checker leaves it out of the upload file).
    #[test]
    fn an_unclosed_quote_stays_open_when_written_out() {
        let text = "a,b\r\n1,2\r\n3,\"x\"\"y\r\n4,5\r\n";
        let mut t = load(text);
        assert_eq!(t.len(), 3);
        assert!(t.record(2).unwrap().unclosed);
        assert!(!t.record(1).unwrap().unclosed);
        t.set_cell(1, 0, "9");
        let again = load(std::str::from_utf8(&t.to_csv(b',')).unwrap());
        assert_eq!(again.len(), 3);
        assert_eq!(cells(&again, 1), ["9", "2"]);
        assert!(again.record(2).unwrap().unclosed);
        assert_eq!(cells(&again, 2), cells(&t, 2));
        // The open record itself edited: still open.
        t.set_cell(2, 0, "7");
        let again = load(std::str::from_utf8(&t.to_csv(b',')).unwrap());
        assert!(again.record(2).unwrap().unclosed);
        assert_eq!(cells(&again, 2)[0], "7");
    }

    #[test]
    fn many_batches_are_indexed() {
        let mut text = String::from("a,b\r\n");
        for i in 0..10_000 {
            text.push_str(&format!("{i},x\r\n"));
        }
        let t = load(&text);
        assert_eq!(t.len(), 10_001);
        assert_eq!(cells(&t, 1), ["0", "x"]);
        assert_eq!(cells(&t, 5000), ["4999", "x"]);
        assert_eq!(cells(&t, 10_000), ["9999", "x"]);
    }

    #[test]
    fn edits_pad_and_round_trip() {
        let mut t = load("a,b,c\r\n1,2\r\n\r\nx,\"q\"\"uote\",\"new\nline\"\r\n");
        assert_eq!(t.set_cell(1, 2, "3"), Some(String::new()));
        assert_eq!(cells(&t, 1), ["1", "2", "3"]);
        assert_eq!(t.set_cell(2, 1, "b"), Some(String::new()));
        assert_eq!(cells(&t, 2), ["", "b"]);
        assert!(t.set_cell(9, 0, "x").is_none());
        assert!(t.is_edited() && t.pristine_batches().is_none());

        let csv = t.to_csv(b',');
        let again = Table::load(&csv, b',', EncodingChoice::Auto, &mut |_| {});
        assert_eq!(again.len(), t.len());
        for i in 0..t.len() {
            assert_eq!(cells(&again, i), cells(&t, i), "record {i}");
        }
        assert_eq!(cells(&again, 3), ["x", "q\"uote", "new\nline"]);
    }

    #[test]
    fn a_column_is_what_the_records_hold() {
        // Many batches, blank lines, short records and edited ones.
        let mut text = String::from("a,b,c\r\n");
        for i in 0..5_000 {
            match i % 4 {
                0 => text.push_str("\r\n"),
                1 => text.push_str(&format!("{i}\r\n")),
                _ => text.push_str(&format!("{i},x{i},\"y\r\n{i}\"\r\n")),
            }
        }
        let mut t = load(&text);
        t.set_cell(3, 2, "edited");
        t.set_cell(4, 1, "padded");
        for col in 0..4 {
            let by_record: Vec<(usize, String)> = (0..t.len())
                .filter_map(|i| Some((i, (*t.record(i)?.cells.get(col)?).to_owned())))
                .collect();
            let by_column: Vec<(usize, String)> =
                t.column(col).map(|(i, v)| (i, v.to_owned())).collect();
            assert_eq!(by_column, by_record, "column {col}");
        }
        assert!(t.column(2).any(|(i, v)| i == 3 && v == "edited"));
    }

    #[test]
    fn subset_starts_with_the_header() {
        let t = load("\r\nh1,h2\r\n1,2\r\n3,4\r\n5,6\r\n");
        let csv = String::from_utf8(t.subset_csv(&[4, 2], b',')).unwrap();
        assert_eq!(csv, "h1,h2\r\n5,6\r\n1,2\r\n");
    }

    #[test]
    fn one_empty_field_stays_a_record() {
        let mut t = load("h\r\nx\r\n");
        t.set_cell(1, 0, "");
        assert_eq!(t.to_csv(b','), b"h\r\n\"\"\r\n");
    }

    #[test]
    fn progress_reaches_the_end() {
        let text = "a\r\n".repeat(200_000);
        let mut seen = Vec::new();
        let t = Table::load(text.as_bytes(), b',', EncodingChoice::Auto, &mut |d| {
            seen.push(d)
        });
        assert_eq!(t.len(), 200_000);
        assert_eq!(seen.last(), Some(&text.len()));
        assert!(seen.len() >= 2);
    }
}
