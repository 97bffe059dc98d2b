//! Read access to decoded records, and the keys of a checked row (certificate, 個人番号): for callers that
//! keep the table in memory and re-check single rows (the web app's grid).
//!
//! [`RecordBatch`]es from [`crate::Front`] are what [`crate::Back`] consumes; these accessors
//! let such a caller keep the very same records (same decoding, delimiter detection, line
//! numbers and quote balance) instead of splitting the input a second way.

use crate::check::{KeyTracker, my_number_as_compared, trim_edges};
use crate::input::decode::TextEncoding;
use crate::input::front::{RecMeta, RecordBatch};
use crate::layout::{Check, Layout};

/// One record (or blank line) of a [`RecordBatch`].
#[derive(Debug, Clone, Copy)]
pub struct BatchRecord<'a> {
    text: &'a str,
    /// Offset in `text` where the first field starts.
    base: usize,
    /// End offset in `text` of each field.
    ends: &'a [usize],
    meta: RecMeta,
}

impl<'a> BatchRecord<'a> {
    /// 1-based physical line where the record starts.
    pub fn line(&self) -> u64 {
        self.meta.line
    }

    /// Line breaks inside the record (quoted values spanning lines).
    pub fn inner_lines(&self) -> u64 {
        self.meta.inner_lines
    }

    /// A blank physical line (no fields).
    pub fn is_blank(&self) -> bool {
        self.meta.blank
    }

    /// Whether the record's quotes balance; `false`: an unclosed quote swallowed the rest.
    pub fn quotes_balanced(&self) -> bool {
        self.meta.balanced
    }

    /// Number of fields (0 for a blank line).
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the record has no fields (a blank line).
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Field `i` (decoded, unescaped), or `""` past the end.
    pub fn field(&self, i: usize) -> &'a str {
        let Some(&end) = self.ends.get(i) else {
            return "";
        };
        let start = crate::input::front::field_start(self.base, self.ends, i);
        self.text.get(start..end).unwrap_or("")
    }

    /// Every field, in order.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = &'a str> + '_ {
        (0..self.ends.len()).map(|i| self.field(i))
    }
}

impl RecordBatch {
    /// Record `i` of the batch (0-based), blank lines included.
    pub fn record(&self, i: usize) -> Option<BatchRecord<'_>> {
        let meta = *self.recs.get(i)?;
        let start = match i.checked_sub(1) {
            Some(prev) => self.recs[prev].fields_end as usize,
            None => 0,
        };
        let end = (meta.fields_end as usize).min(self.ends.len());
        let start = start.min(end);
        let base = match start.checked_sub(1) {
            Some(prev) => self.ends[prev],
            None => 0,
        };
        Some(BatchRecord {
            text: &self.text,
            base,
            ends: &self.ends[start..end],
            meta,
        })
    }

    /// Every record of the batch, in order.
    pub fn records(&self) -> impl Iterator<Item = BatchRecord<'_>> + '_ {
        (0..self.recs.len()).filter_map(|i| self.record(i))
    }

    /// Encoding detected when the batch was made.
    pub fn encoding(&self) -> Option<TextEncoding> {
        self.encoding
    }

    /// Delimiter in use.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }
}

/// The fingerprint of a checked row's certificate key exactly as the cross-row checks
/// (K001–K003) compute it, from the row's field values in layout order (as
/// [`crate::RowView::fields`] gives them); `None` when every key field is empty.
pub fn certificate_key(tracker: &KeyTracker, fields: &[&str]) -> Option<u128> {
    tracker.certificate_key(&|i| fields.get(i).map_or("", |v| trim_edges(v)))
}

/// The 個人番号 of checked rows exactly as K005 (one number, two dates of birth) compares it,
/// from a row's field values in layout order. The fields are found once: the page asks for
/// every row of a file.
#[derive(Debug, Clone, Copy)]
pub struct MyNumberKey<'l> {
    layout: &'l Layout,
    field: Option<usize>,
    insurer: Option<usize>,
}

impl<'l> MyNumberKey<'l> {
    /// For rows of `layout`.
    pub fn new(layout: &'l Layout) -> Self {
        let position = |c: Check| layout.fields.iter().position(|f| f.has_check(c));
        Self {
            layout,
            field: position(Check::MyNumber),
            insurer: position(Check::InsurerNumber),
        }
    }

    /// The row's number; `None` when the layout has no 個人番号 field or the value is not a
    /// number K005 compares. Rows with the same answer are checked together.
    pub fn of(&self, fields: &[&str]) -> Option<u64> {
        my_number_as_compared(self.layout, self.insurer, self.field?, &|i| {
            fields.get(i).map_or("", |v| trim_edges(v))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Front, Layout};

    fn batches(text: &str) -> Vec<RecordBatch> {
        let mut f = Front::new(b',');
        f.feed(text.as_bytes());
        let mut out: Vec<RecordBatch> = f.take_ready().collect();
        out.extend(f.finish().0);
        out
    }

    #[test]
    fn records_fields_blank_lines_and_quotes() {
        let b = batches("a,b\r\n\r\n\"x,1\",\"y\r\nz\"\r\n,\r\n");
        let recs: Vec<BatchRecord<'_>> = b.iter().flat_map(RecordBatch::records).collect();
        assert_eq!(recs.len(), 4);
        assert_eq!(recs[0].fields().collect::<Vec<_>>(), ["a", "b"]);
        assert!(recs[1].is_blank() && recs[1].is_empty());
        assert_eq!(recs[1].line(), 2);
        assert_eq!(recs[2].fields().collect::<Vec<_>>(), ["x,1", "y\r\nz"]);
        assert_eq!((recs[2].line(), recs[2].inner_lines()), (3, 1));
        assert_eq!(recs[3].fields().collect::<Vec<_>>(), ["", ""]);
        assert_eq!(recs[3].field(9), "");
        assert!(b[0].record(99).is_none());
        assert_eq!(b[0].delimiter(), b',');
    }

    #[test]
    fn keys_match_the_checker() {
        let layout = Layout::full();
        let tracker = KeyTracker::new(&layout);
        let n = layout.fields.len();
        let mut a = vec![""; n];
        let mut b = vec![""; n];
        assert_eq!(certificate_key(&tracker, &a), None);
        for &i in &layout.key_index().certificate {
            a[i] = "12345678";
            b[i] = " 12345678\u{3000}";
        }
        assert!(certificate_key(&tracker, &a).is_some());
        assert_eq!(certificate_key(&tracker, &a), certificate_key(&tracker, &b));
    }
}
