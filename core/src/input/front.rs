//! Stage 1 of checking: bytes → batches of decoded CSV records.
//!
//! Hashes the input (SHA-256), detects and decodes the encoding, detects the delimiter from
//! the header line, splits records (with line numbers, blank lines and quote balance) and
//! validates their UTF-8. Its output, [`RecordBatch`], is plain owned data: the CLI runs this
//! stage on one thread and the validation ([`crate::check::Back`]) on another.

use crate::input::hash::Sha256Hasher;

use crate::input::decode::{Decoder, EncodingChoice, TextEncoding};
use crate::input::reader::{Event, LineEndings, RecordReader};

/// Records per batch: large enough to make hand-over cheap, small enough to stay in cache.
const BATCH_RECORDS: usize = 256;

/// One record or blank line of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RecMeta {
    /// End (exclusive) of this record's fields in [`RecordBatch::ends`]; equal to the previous
    /// record's for a blank line.
    pub(crate) fields_end: u32,
    /// 1-based physical line where it starts.
    pub(crate) line: u64,
    /// Line breaks inside the record.
    pub(crate) inner_lines: u64,
    /// A blank physical line (no record).
    pub(crate) blank: bool,
    /// Quotes balance (false: an unclosed quote swallowed the rest of the file, or the record
    /// was cut at [`crate::input::reader::MAX_RECORD_BYTES`]).
    pub(crate) balanced: bool,
    /// Cut at [`crate::input::reader::MAX_RECORD_BYTES`] with its quotes balanced (S021).
    pub(crate) too_long: bool,
    /// First field (0-based) with a quote RFC 4180 does not allow (S019).
    pub(crate) bare_quote: Option<u32>,
    /// No character of the record is a control, 外字, 機種依存 or non-CP932 character, or a
    /// Mac/JIS form ([`crate::domain::chars::all_clear`]): the checker skips its per-field
    /// scans, and build mode its Mac/JIS step. Computed here because this stage has spare time
    /// while the checker is the busier one.
    pub(crate) clean: bool,
}

/// A batch of decoded records: field text, field ends and per-record facts.
#[derive(Debug, Clone, Default)]
pub struct RecordBatch {
    /// Text of all records, one after the other; within a record one separator byte between
    /// fields (always valid UTF-8; undecodable bytes are U+FFFD). A record is usually its
    /// line as read, delimiters included, so it is copied in one piece.
    pub(crate) text: String,
    /// End offset in `text` of every field: a record's first field starts where the previous
    /// record ends, every other field one byte after the previous field's end
    /// ([`field_start`]).
    pub(crate) ends: Vec<usize>,
    /// One entry per record or blank line.
    pub(crate) recs: Vec<RecMeta>,
    /// Encoding detected when the batch was made.
    pub(crate) encoding: Option<TextEncoding>,
    /// Delimiter in use.
    pub(crate) delimiter: u8,
}

/// Where field `i` of a record starts in [`RecordBatch::text`]: `base` for the first, one
/// (separator) byte after the previous field's end for the others.
pub(crate) fn field_start(base: usize, ends: &[usize], i: usize) -> usize {
    match i.checked_sub(1) {
        None => base,
        Some(prev) => ends[prev] + 1,
    }
}

impl RecordBatch {
    /// Number of records and blank lines in the batch.
    pub fn len(&self) -> usize {
        self.recs.len()
    }

    /// Whether the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }

    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.recs.clear();
    }
}

/// What stage 1 learnt about the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontSummary {
    /// Detected encoding.
    pub encoding: TextEncoding,
    /// Why the encoding is unknown, if it is.
    pub failure: Option<crate::input::decode::DecodeFailure>,
    /// Input size.
    pub bytes: u64,
    /// SHA-256 of the input, lower-case hex.
    pub sha256: String,
    /// Line endings between records.
    pub line_endings: LineEndings,
    /// Delimiter found.
    pub delimiter: u8,
    /// The text after the file's BOM starts with another BOM (written twice): the CSV reader
    /// drops it at the first record, but PMH would read it as part of the first column name.
    pub bom_twice: bool,
    /// Read in an encoding the caller named (not UTF-8 or UTF-16), while the bytes are valid
    /// UTF-8 with multi-byte characters in them: the values are likely garbled (S025).
    pub looks_utf8: bool,
}

/// Whether bytes fed in chunks are valid UTF-8 with at least one multi-byte character. Used
/// only when the caller names a non-Unicode encoding, so its cost is of no concern.
#[derive(Debug, Default)]
struct Utf8Probe {
    /// The last bytes of a chunk that end inside a character.
    pending: Vec<u8>,
    invalid: bool,
    multibyte: bool,
}

impl Utf8Probe {
    fn feed(&mut self, chunk: &[u8]) {
        if self.invalid {
            return;
        }
        let mut bytes = std::mem::take(&mut self.pending);
        bytes.extend_from_slice(chunk);
        let valid = match std::str::from_utf8(&bytes) {
            Ok(_) => bytes.len(),
            // Cut inside a character at the chunk's end: kept for the next chunk.
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => {
                self.invalid = true;
                return;
            }
        };
        self.multibyte |= bytes[..valid].iter().any(|&b| b >= 0x80);
        self.pending = bytes[valid..].to_vec();
    }

    fn looks_utf8(&self) -> bool {
        !self.invalid && self.pending.is_empty() && self.multibyte
    }
}

/// Stage 1: feed bytes, take batches.
pub struct Front {
    decoder: Decoder,
    decoded: Vec<u8>,
    reader: Option<RecordReader>,
    head: Vec<u8>,
    /// See [`FrontSummary::bom_twice`].
    bom_twice: bool,
    layout_delimiter: u8,
    delimiter: u8,
    /// `None` when the caller hashes the input itself (the CLI does, on another thread).
    sha: Option<Sha256Hasher>,
    bytes: u64,
    batch: RecordBatch,
    ready: Vec<RecordBatch>,
    spare: Vec<RecordBatch>,
    /// A quote-free line with its separators written as `,` (tab-separated input).
    line: Vec<u8>,
    /// Whether the input is UTF-8 after all, when the caller named another encoding.
    probe: Option<Utf8Probe>,
}

impl Front {
    /// A front end for a layout whose dialect uses `layout_delimiter`.
    pub fn new(layout_delimiter: u8) -> Self {
        Self::with_encoding(layout_delimiter, EncodingChoice::Auto)
    }

    /// A front end that decodes as `encoding` ([`EncodingChoice::Auto`]: detects).
    pub fn with_encoding(layout_delimiter: u8, encoding: EncodingChoice) -> Self {
        Self {
            decoder: Decoder::with_choice(encoding),
            decoded: Vec::new(),
            reader: None,
            head: Vec::new(),
            bom_twice: false,
            layout_delimiter,
            delimiter: layout_delimiter,
            sha: Some(Sha256Hasher::new()),
            bytes: 0,
            batch: RecordBatch::default(),
            ready: Vec::new(),
            spare: Vec::new(),
            line: Vec::new(),
            probe: matches!(
                encoding,
                EncodingChoice::Cp932 | EncodingChoice::EucJp | EncodingChoice::Iso2022Jp
            )
            .then(Utf8Probe::default),
        }
    }

    /// Does not hash the input: [`FrontSummary::sha256`] stays empty. For a caller that shows
    /// no hash: the CLI with a report format other than JSON and no receipt of standard input.
    #[must_use]
    pub fn without_hash(mut self) -> Self {
        self.sha = None;
        self
    }

    /// Feeds the next chunk of the file. Completed batches wait in [`Front::take_ready`].
    pub fn feed(&mut self, chunk: &[u8]) {
        self.bytes += chunk.len() as u64;
        if let Some(sha) = self.sha.as_mut() {
            sha.update(chunk);
        }
        if let Some(probe) = self.probe.as_mut() {
            probe.feed(chunk);
        }
        if self.decoder.passes_through() {
            // UTF-8 established: the decoder would only copy the chunk (a test compares).
            self.consume(chunk, false);
            return;
        }
        let mut decoded = std::mem::take(&mut self.decoded);
        decoded.clear();
        self.decoder.push(chunk, &mut decoded);
        self.consume(&decoded, false);
        self.decoded = decoded;
    }

    /// Whether the input's encoding is known to be unreadable (S002 or S018): everything
    /// after this is dropped, so a caller reading a stream (a pipe, a device) can stop reading.
    pub fn gave_up(&self) -> bool {
        self.decoder.gave_up()
    }

    /// Completed batches, oldest first.
    pub fn take_ready(&mut self) -> std::vec::Drain<'_, RecordBatch> {
        self.ready.drain(..)
    }

    /// Gives a used batch back so its buffers are reused.
    pub fn recycle(&mut self, mut batch: RecordBatch) {
        batch.clear();
        if self.spare.len() < 8 {
            self.spare.push(batch);
        }
    }

    /// Ends the input: the last batches and the file summary.
    pub fn finish(mut self) -> (Vec<RecordBatch>, FrontSummary) {
        let mut decoded = std::mem::take(&mut self.decoded);
        decoded.clear();
        self.decoder.finish(&mut decoded);
        self.consume(&decoded, true);
        if !self.batch.is_empty() {
            let b = std::mem::take(&mut self.batch);
            self.ready.push(b);
        }
        let summary = FrontSummary {
            encoding: self.decoder.encoding(),
            failure: self.decoder.failure(),
            bytes: self.bytes,
            sha256: self.sha.map(Sha256Hasher::finish).unwrap_or_default(),
            line_endings: self
                .reader
                .as_ref()
                .map(RecordReader::line_endings)
                .unwrap_or_default(),
            delimiter: self.delimiter,
            bom_twice: self.bom_twice,
            looks_utf8: self.probe.as_ref().is_some_and(Utf8Probe::looks_utf8),
        };
        (self.ready, summary)
    }

    fn consume(&mut self, text: &[u8], eof: bool) {
        if self.reader.is_none() {
            self.head.extend_from_slice(text);
            let line_end = memchr::memchr(b'\n', &self.head);
            if line_end.is_none() && !eof && self.head.len() < 1 << 20 {
                return;
            }
            let first_line = &self.head[..line_end.unwrap_or(self.head.len())];
            self.bom_twice = first_line.starts_with("\u{FEFF}".as_bytes());
            self.delimiter = detect_delimiter(first_line, self.layout_delimiter);
            self.reader = Some(RecordReader::new(self.delimiter));
            let head = std::mem::take(&mut self.head);
            self.read(&head, eof);
            return;
        }
        self.read(text, eof);
    }

    fn read(&mut self, text: &[u8], eof: bool) {
        let Some(mut reader) = self.reader.take() else {
            return;
        };
        let encoding = self.decoder.encoding();
        let delimiter = self.delimiter;
        let mut on_event = |ev: Event<'_>| {
            let b = &mut self.batch;
            if b.recs.is_empty() {
                b.encoding = Some(encoding);
                b.delimiter = delimiter;
            }
            match ev {
                Event::Blank { line } => b.recs.push(RecMeta {
                    fields_end: u32::try_from(b.ends.len()).unwrap_or(u32::MAX),
                    line,
                    inner_lines: 0,
                    blank: true,
                    balanced: true,
                    too_long: false,
                    bare_quote: None,
                    clean: true,
                }),
                Event::Record(rec) => {
                    let base = b.text.len();
                    // A tab between fields would make the record look unclean to the all-clear
                    // scan below: a line split on tabs gets ',' as its separators.
                    let data = if rec.separated && !(b'!'..=b'~').contains(&delimiter) {
                        let line = &mut self.line;
                        line.clear();
                        line.extend_from_slice(rec.data);
                        for &e in rec.ends.iter().take(rec.ends.len().saturating_sub(1)) {
                            if let Some(sep) = line.get_mut(e) {
                                *sep = b',';
                            }
                        }
                        &self.line[..]
                    } else {
                        rec.data
                    };
                    // SIMD validation (simdutf8): UTF-8 checking is a large share of the front end.
                    let valid = simdutf8::basic::from_utf8(data).ok();
                    match valid {
                        // A quote-free line: its delimiters are the separators, one piece.
                        Some(t) if rec.separated => {
                            b.text.push_str(t);
                            b.ends.extend(rec.ends.iter().map(|e| base + e));
                        }
                        // csv_core's unescaped fields, concatenated: a separator between them.
                        // Fields of valid UTF-8 end on character boundaries (only ASCII bytes
                        // were removed around them).
                        Some(t) => {
                            let mut start = 0;
                            for (i, &end) in rec.ends.iter().enumerate() {
                                if i > 0 {
                                    b.text.push(',');
                                }
                                match t.get(start..end) {
                                    Some(field) => b.text.push_str(field),
                                    None => b.text.push_str(&String::from_utf8_lossy(rec.field(i))),
                                }
                                b.ends.push(b.text.len());
                                start = end;
                            }
                        }
                        None => {
                            for i in 0..rec.len() {
                                if i > 0 {
                                    b.text.push(',');
                                }
                                b.text.push_str(&String::from_utf8_lossy(rec.field(i)));
                                b.ends.push(b.text.len());
                            }
                        }
                    }
                    b.recs.push(RecMeta {
                        fields_end: u32::try_from(b.ends.len()).unwrap_or(u32::MAX),
                        line: rec.line,
                        inner_lines: rec.inner_lines,
                        blank: false,
                        balanced: rec.quotes_balanced,
                        too_long: rec.too_long,
                        bare_quote: rec.bare_quote,
                        clean: crate::domain::chars::all_clear(&b.text[base..]),
                    });
                }
            }
            if b.recs.len() >= BATCH_RECORDS {
                let next = self.spare.pop().unwrap_or_default();
                let full = std::mem::replace(&mut self.batch, next);
                self.ready.push(full);
            }
        };
        reader.feed(text, &mut on_event);
        if eof {
            reader.finish(&mut on_event);
        }
        self.reader = Some(reader);
    }
}

/// The delimiter of a header line: tab when it has more tabs than the layout's delimiter.
pub(crate) fn detect_delimiter(first_line: &[u8], layout_delim: u8) -> u8 {
    let count = |d: u8| memchr::memchr_iter(d, first_line).count();
    let tabs = count(b'\t');
    if layout_delim != b'\t' && tabs > count(layout_delim) {
        b'\t'
    } else if layout_delim != b',' && count(b',') > count(layout_delim) && tabs == 0 {
        b','
    } else {
        layout_delim
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_detection() {
        assert_eq!(detect_delimiter(b"a\tb\tc", b','), b'\t');
        assert_eq!(detect_delimiter(b"a,b,c", b','), b',');
        assert_eq!(detect_delimiter(b"a,b\tc,d", b','), b',');
    }

    #[test]
    fn batches_split_and_keep_order() {
        let mut text = String::from("a,b\r\n");
        for i in 0..5000 {
            text.push_str(&format!("{i},x\r\n"));
        }
        let mut f = Front::new(b',');
        let mut seen = 0;
        for c in text.as_bytes().chunks(1000) {
            f.feed(c);
            seen += f.take_ready().map(|b| b.len()).sum::<usize>();
        }
        let (rest, summary) = f.finish();
        seen += rest.iter().map(RecordBatch::len).sum::<usize>();
        assert_eq!(seen, 5001);
        assert_eq!(summary.bytes, text.len() as u64);
        assert_eq!(summary.line_endings.crlf, 5001);
    }
}
