//! Streaming CSV records over UTF-8 bytes, with what a person needs to find them again.
//!
//! Wraps `csv_core` (RFC 4180, `""` escapes, CR/LF/CRLF terminators) and adds: physical line
//! numbers, blank lines reported instead of silently skipped (csv_core skips them, which would
//! shift every row number after them), quote balance per record (an unclosed quote swallows
//! the rest of the file), and counts of the line endings used between records.

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};

/// One thing the reader found.
pub enum Event<'a> {
    /// An empty physical line between records (not at the end of the file), at this 1-based line.
    Blank {
        /// 1-based physical line.
        line: u64,
    },
    /// One record.
    Record(Record<'a>),
}

/// One CSV record: unescaped field bytes and their end offsets.
pub struct Record<'a> {
    /// Field data: concatenated, or with the one-byte delimiter between fields kept
    /// (`separated`).
    pub data: &'a [u8],
    /// End offset of each field in `data`.
    pub ends: &'a [usize],
    /// `data` is the record's line as it stands (no quote in it): each field after the first
    /// starts one byte (the delimiter) after the previous one's end. Otherwise (csv_core's
    /// unescaped output) each field starts where the previous one ends.
    pub separated: bool,
    /// 1-based physical line where the record starts.
    pub line: u64,
    /// Line breaks inside the record (quoted values spanning lines).
    pub inner_lines: u64,
    /// Whether the record's quotes balance and it was read whole; `false` means an unclosed
    /// quote, or a record cut at [`MAX_RECORD_BYTES`] (`too_long`).
    pub quotes_balanced: bool,
    /// The record outgrew [`MAX_RECORD_BYTES`] on one line with its quotes balanced: a line
    /// that long, not a quote left open (S021, not S007). Its data is cut, so it is never
    /// taken as whole.
    pub too_long: bool,
    /// The first field (0-based) with a quote that RFC 4180 does not allow: inside an unquoted
    /// field (`愛知"花"子`), or text after a closing quote (`"2013"-01-01`). Parsers differ on
    /// what such a field means.
    pub bare_quote: Option<u32>,
}

impl Record<'_> {
    /// Number of fields.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Bytes of field `i`.
    pub fn field(&self, i: usize) -> &[u8] {
        let start = if i == 0 {
            0
        } else {
            self.ends[i - 1] + usize::from(self.separated)
        };
        &self.data[start..self.ends[i]]
    }
}

/// Line endings seen between records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineEndings {
    /// `\r\n`.
    pub crlf: u64,
    /// `\n` alone.
    pub lf: u64,
    /// `\r` alone.
    pub cr: u64,
}

/// Push-based record reader; feed UTF-8 bytes, get [`Event`]s.
pub struct RecordReader {
    core: Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    nout: usize,
    nend: usize,
    /// Between records (skipping line breaks ourselves).
    at_start: bool,
    /// The last record or blank line ended with `\r`; a following `\n` completes it.
    cr_pending: bool,
    /// Physical line breaks (`\n`, `\r\n`, or a lone `\r`) consumed so far.
    lines: u64,
    /// Inside a record, the last byte consumed was a `\r`: a line break of its own unless the
    /// next byte is `\n` (a chunk may end between the two).
    inner_cr: bool,
    rec_line: u64,
    rec_inner: u64,
    rec_quotes: u64,
    endings: LineEndings,
    /// Blank lines seen since the last record; reported once another record follows.
    /// Blank lines as runs of consecutive line numbers (start, count): 100 MB of blank lines
    /// is one run, not a number per line (issue 9: 1.6 GB).
    blanks: Vec<(u64, u64)>,
    /// Quote grammar of the current record (records with a quote, or split across inputs).
    quoting: Quoting,
    done: bool,
    /// Most bytes of field data kept for one record ([`MAX_RECORD_BYTES`]; smaller in tests).
    record_limit: usize,
    /// The current record outgrew `record_limit`: its bytes after that are read (for lines and
    /// quotes) into `discard` and dropped, and it is reported as unclosed (S007). An unclosed
    /// quote no longer buffers the rest of the file (issue 9).
    truncated: bool,
    discard: Vec<u8>,
    /// Quote-free lines are split here, without csv_core ([`split_line`]): allowed once
    /// csv_core has read the first record (before that it would strip a BOM that starts a
    /// later record it reads) and for a tab or a printable ASCII delimiter other than `"`.
    fast: bool,
    /// Whether the delimiter allows the quote-free path at all (false in tests comparing it).
    fast_allowed: bool,
    /// Field ends of the record split by the quote-free path.
    line_ends: Vec<usize>,
    /// No byte of the current record has gone to csv_core yet (it may take the quote-free
    /// path).
    rec_fresh: bool,
}

/// Most bytes of one record's field data kept in memory (1 MiB): no PMH record comes near it
/// (a row is a few hundred bytes, a few KB with 受給者証券面項目), an unclosed quote that swallows
/// the rest of a large file stops growing here (S007), and a longer line is S021.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

impl RecordReader {
    /// A reader for the given delimiter.
    pub fn new(delimiter: u8) -> Self {
        Self {
            core: ReaderBuilder::new().delimiter(delimiter).build(),
            out: vec![0; 64 * 1024],
            ends: vec![0; 256],
            nout: 0,
            nend: 0,
            at_start: true,
            cr_pending: false,
            lines: 0,
            inner_cr: false,
            rec_line: 1,
            rec_inner: 0,
            rec_quotes: 0,
            endings: LineEndings::default(),
            blanks: Vec::new(),
            quoting: Quoting::new(delimiter),
            done: false,
            record_limit: MAX_RECORD_BYTES,
            truncated: false,
            discard: Vec::new(),
            fast: false,
            fast_allowed: ((b'!'..=b'~').contains(&delimiter) || delimiter == b'\t')
                && delimiter != b'"',
            line_ends: Vec::with_capacity(64),
            rec_fresh: false,
        }
    }

    /// A reader that always goes through csv_core (tests compare the two paths).
    #[cfg(test)]
    fn without_fast_path(delimiter: u8) -> Self {
        Self {
            fast_allowed: false,
            ..Self::new(delimiter)
        }
    }

    /// A reader that keeps at most `limit` bytes of one record (tests).
    #[cfg(test)]
    fn with_record_limit(delimiter: u8, limit: usize) -> Self {
        Self {
            record_limit: limit,
            ..Self::new(delimiter)
        }
    }

    /// Line endings seen between records so far.
    pub fn line_endings(&self) -> LineEndings {
        self.endings
    }

    /// Feeds bytes; calls `f` for every complete record and blank line.
    pub fn feed(&mut self, input: &[u8], f: &mut dyn FnMut(Event<'_>)) {
        self.run(input, false, f);
    }

    /// Ends the input: flushes the last record.
    pub fn finish(&mut self, f: &mut dyn FnMut(Event<'_>)) {
        self.run(&[], true, f);
    }

    fn run(&mut self, mut input: &[u8], eof: bool, f: &mut dyn FnMut(Event<'_>)) {
        if self.done {
            return;
        }
        // Where the next '"' of `input` is, as an offset from the start of the original input
        // (`total`: none): one search per quote or per input instead of a count per record.
        let total = input.len();
        let mut next_quote: Option<usize> = None;
        loop {
            if self.at_start {
                input = self.skip_line_breaks(input);
                if input.is_empty() && !eof {
                    return;
                }
                if self.cr_pending {
                    // The \r was not followed by \n: a lone CR line ending.
                    self.endings.cr += 1;
                    self.lines += 1;
                    self.cr_pending = false;
                }
                if input.is_empty() {
                    // Blank lines at the very end are a trailing newline, not rows.
                    self.blanks.clear();
                } else {
                    for line in self
                        .blanks
                        .drain(..)
                        .flat_map(|(start, count)| start..start + count)
                    {
                        f(Event::Blank { line });
                    }
                }
                self.at_start = false;
                self.rec_line = self.lines + 1;
                self.rec_inner = 0;
                self.rec_quotes = 0;
                self.quoting.reset();
                self.rec_fresh = true;
            }
            // csv-core takes an empty input for the end of the file: an empty chunk (the
            // decoder held back part of a character) must not end the record.
            if input.is_empty() && !eof {
                return;
            }
            // The common record: a whole line in `input` without a quote. Its fields are the
            // bytes between delimiters, as csv_core would give them (a test compares the two
            // on every shape of input and chunking).
            if self.fast && self.rec_fresh {
                let start = total - input.len();
                if let Some(p) = memchr::memchr2(b'\n', b'\r', input)
                    && p < self.record_limit.min(1 << 16)
                    && next_quote_at(&mut next_quote, input, start, total) > start + p
                {
                    let (line, terminator) = (&input[..p], input[p]);
                    split_line(line, self.quoting.delimiter, &mut self.line_ends);
                    if terminator == b'\n' {
                        self.lines += 1;
                        self.endings.lf += 1;
                    } else {
                        self.cr_pending = true;
                    }
                    f(Event::Record(Record {
                        data: line,
                        ends: &self.line_ends,
                        separated: true,
                        line: self.rec_line,
                        inner_lines: 0,
                        quotes_balanced: true,
                        too_long: false,
                        bare_quote: None,
                    }));
                    self.at_start = true;
                    input = &input[p + 1..];
                    continue;
                }
            }
            self.rec_fresh = false;
            let out: &mut [u8] = if self.truncated {
                &mut self.discard
            } else {
                &mut self.out[self.nout..]
            };
            let (res, nin, nout, nend) =
                self.core
                    .read_record(input, out, &mut self.ends[self.nend..]);
            if self.truncated {
                // Field ends count from the record's start, dropped bytes included: the kept
                // bytes are the first `nout` of the record, so later ends clamp to them.
                let kept = self.nout;
                for e in &mut self.ends[self.nend..self.nend + nend] {
                    *e = (*e).min(kept);
                }
            }
            let consumed = &input[..nin];
            let last = consumed.last().copied();
            // A line break inside a record needs a quote; without one, the only possible
            // line break in `consumed` is its last byte (the terminator). One SIMD scan for
            // '"' instead of counting line breaks in every record.
            let start = total - input.len();
            let quotes = if next_quote_at(&mut next_quote, input, start, total) >= start + nin {
                0
            } else {
                count(consumed, b'"')
            };
            // The quote grammar, only where a quote is (or was) or the record continues in
            // the next input (so its state is known when a quote comes later).
            if quotes > 0 || self.rec_quotes > 0 || !matches!(res, ReadRecordResult::Record) {
                self.quoting.scan(consumed);
            }
            let newlines = if quotes > 0 || self.rec_quotes > 0 {
                let terminated = matches!(res, ReadRecordResult::Record);
                count(consumed, b'\n') + self.lone_crs(consumed, terminated)
            } else {
                u64::from(last == Some(b'\n'))
            };
            self.lines += newlines;
            self.rec_inner += newlines;
            self.rec_quotes += quotes;
            input = &input[nin..];
            if !self.truncated {
                self.nout += nout;
            }
            self.nend += nend;
            match res {
                ReadRecordResult::InputEmpty => {
                    if !eof {
                        return;
                    }
                }
                ReadRecordResult::OutputFull => {
                    if self.truncated {
                        // The discard buffer was filled: read on into it again.
                    } else if self.out.len() < self.record_limit {
                        let n = (self.out.len() * 2).min(self.record_limit.max(1));
                        self.out.resize(n.max(self.out.len() + 1), 0);
                    } else {
                        self.truncated = true;
                        self.discard.resize(64 * 1024, 0);
                    }
                }
                ReadRecordResult::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                ReadRecordResult::Record => {
                    match last {
                        Some(b'\n') => {
                            self.endings.lf += 1;
                            self.rec_inner = self.rec_inner.saturating_sub(1);
                        }
                        Some(b'\r') => self.cr_pending = true,
                        _ => {}
                    }
                    let rec = Record {
                        data: &self.out[..self.nout],
                        ends: &self.ends[..self.nend],
                        separated: false,
                        line: self.rec_line,
                        inner_lines: self.rec_inner,
                        // Ended inside a quoted value (only the end of the file ends a
                        // record there: the rest of the file was swallowed), or cut at the
                        // limit: never taken as whole. A quote inside an unquoted value
                        // (`山田"太郎`) is literal and ends nothing: the record is whole, and
                        // the quote is S019 (`bare_quote`), whatever the count of quotes.
                        quotes_balanced: !self.quoting.in_quotes() && !self.truncated,
                        // Cut, not inside quotes, and no line break inside: one long line. A
                        // cut record spanning lines is a quoted value that ran on (S007).
                        too_long: self.truncated
                            && !self.quoting.in_quotes()
                            && self.rec_inner == 0,
                        bare_quote: self.quoting.bare,
                    };
                    f(Event::Record(rec));
                    self.fast = self.fast_allowed;
                    self.nout = 0;
                    self.nend = 0;
                    self.at_start = true;
                    if self.truncated {
                        self.truncated = false;
                        self.discard = Vec::new();
                        self.out.truncate(64 * 1024);
                        self.out.shrink_to_fit();
                    }
                }
                ReadRecordResult::End => {
                    self.done = true;
                    return;
                }
            }
        }
    }

    /// Lone `\r`s (not followed by `\n`) in a slice of a quoted record: line breaks of their
    /// own. A `\r` ending the slice waits for the next one, unless it ends the record
    /// (`terminated`: the terminator's line break is counted between records).
    fn lone_crs(&mut self, consumed: &[u8], terminated: bool) -> u64 {
        let mut n = 0;
        if std::mem::take(&mut self.inner_cr) {
            match consumed.first() {
                Some(b'\n') => {}
                Some(_) => n += 1,
                None => {
                    self.inner_cr = true;
                    return 0;
                }
            }
        }
        for p in memchr::memchr_iter(b'\r', consumed) {
            match consumed.get(p + 1) {
                Some(b'\n') => {}
                Some(_) => n += 1,
                None if terminated => {}
                None => self.inner_cr = true,
            }
        }
        n
    }

    /// Notes a blank line, extending the last run when it follows it.
    fn blank(&mut self, line: u64) {
        match self.blanks.last_mut() {
            Some((start, count)) if *start + *count == line => *count += 1,
            _ => self.blanks.push((line, 1)),
        }
    }

    /// Consumes line breaks between records, reporting blank lines.
    fn skip_line_breaks<'i>(&mut self, input: &'i [u8]) -> &'i [u8] {
        let mut i = 0;
        while let Some(&b) = input.get(i) {
            match b {
                b'\n' => {
                    if self.cr_pending {
                        self.cr_pending = false;
                        self.endings.crlf += 1;
                    } else {
                        self.endings.lf += 1;
                        self.blank(self.lines + 1);
                    }
                    self.lines += 1;
                }
                b'\r' => {
                    if self.cr_pending {
                        self.endings.cr += 1;
                        self.lines += 1;
                    }
                    self.blank(self.lines + 1);
                    self.cr_pending = true;
                }
                _ => break,
            }
            i += 1;
        }
        &input[i..]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Q {
    /// At the start of a field.
    FieldStart,
    /// In a field that did not start with a quote.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// A quote inside a quoted field: `""` (an escaped quote) or the closing one.
    QuoteInQuoted,
}

/// RFC 4180's quote grammar over a record's bytes, fed in slices: finds the first field with a
/// quote where none may be (csv_core keeps `愛知"花"子` as is and reads `"2013"-01-01` as
/// `2013-01-01`; a strict parser may reject both or read them otherwise).
struct Quoting {
    delimiter: u8,
    state: Q,
    field: u32,
    bare: Option<u32>,
}

impl Quoting {
    fn new(delimiter: u8) -> Self {
        Self {
            delimiter,
            state: Q::FieldStart,
            field: 0,
            bare: None,
        }
    }

    fn reset(&mut self) {
        self.state = Q::FieldStart;
        self.field = 0;
        self.bare = None;
    }

    /// Inside a quoted value: a record ending here ended with the file, its quote unclosed.
    fn in_quotes(&self) -> bool {
        self.state == Q::Quoted
    }

    fn scan(&mut self, s: &[u8]) {
        let d = self.delimiter;
        let mut i = 0;
        while i < s.len() {
            match self.state {
                Q::Quoted => match memchr::memchr(b'"', &s[i..]) {
                    Some(p) => {
                        i += p + 1;
                        self.state = Q::QuoteInQuoted;
                    }
                    None => return,
                },
                Q::QuoteInQuoted => {
                    let b = s[i];
                    i += 1;
                    self.state = if b == b'"' {
                        Q::Quoted
                    } else if b == d {
                        self.field += 1;
                        Q::FieldStart
                    } else if b == b'\r' || b == b'\n' {
                        Q::FieldStart // the record's end
                    } else {
                        self.bare.get_or_insert(self.field);
                        Q::Unquoted
                    };
                }
                Q::FieldStart => {
                    let b = s[i];
                    if b == b'"' {
                        i += 1;
                        self.state = Q::Quoted;
                    } else if b == d {
                        i += 1;
                        self.field += 1;
                    } else {
                        self.state = Q::Unquoted;
                    }
                }
                Q::Unquoted => match memchr::memchr2(b'"', d, &s[i..]) {
                    Some(p) => {
                        let b = s[i + p];
                        i += p + 1;
                        if b == d {
                            self.field += 1;
                            self.state = Q::FieldStart;
                        } else {
                            self.bare.get_or_insert(self.field);
                        }
                    }
                    None => return,
                },
            }
        }
    }
}

/// Where the first '"' at or after `start` is (offsets in the input `run` was given, whose
/// bytes from `start` on are `input`; `total`, its length, for none). `found` keeps the last
/// answer, valid while it is not behind `start`: one search per quote, not one per record.
fn next_quote_at(found: &mut Option<usize>, input: &[u8], start: usize, total: usize) -> usize {
    match *found {
        Some(q) if q >= start => q,
        _ => {
            let q = memchr::memchr(b'"', input).map_or(total, |k| start + k);
            *found = Some(q);
            q
        }
    }
}

/// The field ends of a quote-free line: every delimiter's offset, then the line's length.
/// Eight bytes at a time (SWAR): a byte equal to the delimiter is a zero byte of `word ^
/// pattern`, found exactly (no false positives) by the carry-free test below.
fn split_line(line: &[u8], delimiter: u8, ends: &mut Vec<usize>) {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let pattern = u64::from_le_bytes([delimiter; 8]);
    ends.clear();
    let mut words = line.chunks_exact(8);
    let mut at = 0;
    for word in &mut words {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        let x = u64::from_le_bytes(w) ^ pattern;
        // High bit of each byte: set when the byte of `x` is not zero.
        let nonzero = ((x & LOW7) + LOW7) | x;
        let mut hits = !nonzero & HIGH;
        while hits != 0 {
            ends.push(at + hits.trailing_zeros() as usize / 8);
            hits &= hits - 1;
        }
        at += 8;
    }
    for (k, &b) in words.remainder().iter().enumerate() {
        if b == delimiter {
            ends.push(at + k);
        }
    }
    ends.push(line.len());
}

fn count(bytes: &[u8], needle: u8) -> u64 {
    memchr::memchr_iter(needle, bytes).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Ev {
        Blank(u64),
        Rec(Vec<String>, u64, bool),
    }

    fn read(input: &[u8], chunk: usize) -> (Vec<Ev>, LineEndings) {
        let mut r = RecordReader::new(b',');
        let mut evs = Vec::new();
        let mut f = |e: Event<'_>| match e {
            Event::Blank { line } => evs.push(Ev::Blank(line)),
            Event::Record(rec) => evs.push(Ev::Rec(
                (0..rec.len())
                    .map(|i| String::from_utf8_lossy(rec.field(i)).into_owned())
                    .collect(),
                rec.line,
                rec.quotes_balanced,
            )),
        };
        for c in input.chunks(chunk.max(1)) {
            r.feed(c, &mut f);
        }
        r.finish(&mut f);
        (evs, r.line_endings())
    }

    fn rec(fields: &[&str], line: u64) -> Ev {
        Ev::Rec(fields.iter().map(|s| (*s).to_owned()).collect(), line, true)
    }

    #[test]
    fn crlf_and_blank_lines_in_any_chunking() {
        for chunk in [1, 2, 3, 1000] {
            let (evs, le) = read(b"a,b\r\nc,d\r\n\r\ne,f\r\n\r\n", chunk);
            assert_eq!(
                evs,
                vec![
                    rec(&["a", "b"], 1),
                    rec(&["c", "d"], 2),
                    Ev::Blank(3),
                    rec(&["e", "f"], 4)
                ],
                "{chunk}"
            );
            assert_eq!(
                le,
                LineEndings {
                    crlf: 5,
                    lf: 0,
                    cr: 0
                },
                "{chunk}"
            );
        }
    }

    #[test]
    fn lf_and_quoted_newlines() {
        for chunk in [1, 4, 1000] {
            let (evs, le) = read(b"a,b\n\nc,\"x\ny\"\ne,f", chunk);
            assert_eq!(
                evs,
                vec![
                    rec(&["a", "b"], 1),
                    Ev::Blank(2),
                    rec(&["c", "x\ny"], 3),
                    rec(&["e", "f"], 5)
                ]
            );
            assert_eq!(
                le,
                LineEndings {
                    crlf: 0,
                    lf: 3,
                    cr: 0
                }
            );
        }
    }

    #[test]
    fn unclosed_quote_is_unbalanced() {
        let (evs, _) = read(b"a,b\r\nc,\"d\r\ne,f\r\n", 1000);
        assert_eq!(evs.len(), 2);
        assert!(matches!(&evs[1], Ev::Rec(_, 2, false)));
    }

    #[test]
    fn escaped_quotes_balance() {
        let (evs, _) = read(b"\"a\"\"b\",c\n", 1000);
        assert_eq!(evs, vec![rec(&["a\"b", "c"], 1)]);
    }

    #[test]
    fn big_record_grows_buffers() {
        let big = "x".repeat(200_000);
        let many = vec!["y"; 1000].join(",");
        let input = format!("{big},{many}\n1\n");
        let (evs, _) = read(input.as_bytes(), 7777);
        match &evs[0] {
            Ev::Rec(f, 1, true) => {
                assert_eq!(f.len(), 1001);
                assert_eq!(f[0].len(), 200_000);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(evs[1], rec(&["1"], 2));
    }

    /// CR-only files (old Mac, some 住基 exports): every row on its own physical line, blank
    /// lines and quoted line breaks counted, in any chunking.
    #[test]
    fn cr_only_line_numbers() {
        for chunk in [1, 2, 3, 5, 1000] {
            let (evs, le) = read(b"a,b\rc,d\r\re,\"x\ry\"\rg,h\r", chunk);
            assert_eq!(
                evs,
                vec![
                    rec(&["a", "b"], 1),
                    rec(&["c", "d"], 2),
                    Ev::Blank(3),
                    rec(&["e", "x\ry"], 4),
                    rec(&["g", "h"], 6)
                ],
                "{chunk}"
            );
            assert_eq!(le.cr, 5, "{chunk}");
        }
        // Mixed: a quoted CRLF and a quoted lone CR in one value.
        for chunk in [1, 2, 1000] {
            let (evs, _) = read(b"a\r\n\"1\r\n2\r3\"\r\nb\r\n", chunk);
            assert_eq!(
                evs,
                vec![rec(&["a"], 1), rec(&["1\r\n2\r3"], 2), rec(&["b"], 5)],
                "{chunk}"
            );
        }
    }

    fn bare_quotes(input: &[u8], chunk: usize) -> Vec<Option<u32>> {
        let mut r = RecordReader::new(b',');
        let mut out = Vec::new();
        let mut f = |e: Event<'_>| {
            if let Event::Record(rec) = e {
                out.push(rec.bare_quote);
            }
        };
        for c in input.chunks(chunk) {
            r.feed(c, &mut f);
        }
        r.finish(&mut f);
        out
    }

    #[test]
    fn bare_quotes_are_found_in_any_chunking() {
        let input = "a,愛知\"花\"子\r\n\"2013\"-01-01,b\r\n\"a\"\"b\",\"\",c\r\nx,\"y\r\nz\",w\"\r\n\"ok\"\r\n";
        for chunk in [1, 2, 3, 7, 1000] {
            assert_eq!(
                bare_quotes(input.as_bytes(), chunk),
                vec![Some(1), Some(0), None, Some(2), None],
                "{chunk}"
            );
        }
    }

    /// Issue 9 (8): blank lines are kept as runs until the next record, not a number each.
    #[test]
    fn a_run_of_blank_lines_is_one_entry() {
        let mut r = RecordReader::new(b',');
        let mut blanks = 0u64;
        let mut f = |e: Event<'_>| {
            if matches!(e, Event::Blank { .. }) {
                blanks += 1;
            }
        };
        r.feed(b"a,b\n", &mut f);
        r.feed(&vec![b'\n'; 200_000], &mut f);
        assert_eq!(r.blanks.len(), 1, "one run");
        r.feed(b"c,d\n", &mut f);
        r.finish(&mut f);
        assert_eq!(blanks, 200_000);
    }

    /// Issue 9 (8): a quote that never closes swallows the rest of the file; the reader keeps
    /// at most its limit of that record (not the rest of the file), still counts its lines,
    /// and reports it as unclosed. A record after a cut one is read whole.
    #[test]
    fn a_record_is_kept_up_to_the_limit() {
        let limit = 100_000;
        let body = "1234567890,あいうえお\n".repeat(50_000); // ~1.3 MB
        for closed in [false, true] {
            let mut r = RecordReader::with_record_limit(b',', limit);
            let mut seen: Vec<(usize, u64, u64, bool)> = Vec::new();
            let mut too_long = Vec::new();
            let mut f = |e: Event<'_>| {
                if let Event::Record(rec) = e {
                    seen.push((
                        rec.data.len(),
                        rec.line,
                        rec.inner_lines,
                        rec.quotes_balanced,
                    ));
                    too_long.push(rec.too_long);
                }
            };
            let mut text = String::from("a,b\n\"");
            text.push_str(&body);
            if closed {
                text.push_str("\",x\nlast,row\n");
            }
            for chunk in text.as_bytes().chunks(4096) {
                r.feed(chunk, &mut f);
                assert!(r.out.len() <= limit.max(64 * 1024) * 2, "{}", r.out.len());
            }
            r.finish(&mut f);
            assert_eq!(seen[0], (2, 1, 0, true));
            let (len, line, inner, balanced) = seen[1];
            assert!(len <= limit * 2, "kept {len}");
            assert_eq!(line, 2);
            assert!(!balanced, "a cut record is never taken as whole");
            assert!(inner >= 49_999, "{inner} lines counted");
            // A quoted value running over 50,000 lines is a quote problem (S007) whether or not
            // it closes at last, never a line too long (S021).
            assert!(!too_long[1]);
            if closed {
                assert_eq!(seen.len(), 3);
                assert_eq!(seen[2].1, 50_003, "the next record's line");
                assert!(seen[2].3);
                assert!(!too_long[2]);
            } else {
                assert_eq!(seen.len(), 2);
            }
        }
    }

    /// A line without a quote past the limit (no line breaks, or not a CSV file) is cut and
    /// marked too long, not unclosed; the lines after it are read whole.
    #[test]
    fn a_long_line_without_quotes_is_too_long() {
        let limit = 100_000;
        let mut text = String::from("a,b\n");
        text.push_str(&"x,".repeat(200_000));
        text.push_str("\nlast,row\n");
        let mut r = RecordReader::with_record_limit(b',', limit);
        let mut seen = Vec::new();
        let mut f = |e: Event<'_>| {
            if let Event::Record(rec) = e {
                seen.push((rec.line, rec.quotes_balanced, rec.too_long, rec.len()));
            }
        };
        for chunk in text.as_bytes().chunks(4096) {
            r.feed(chunk, &mut f);
        }
        r.finish(&mut f);
        assert_eq!(seen.len(), 3, "{seen:?}");
        assert_eq!(seen[0], (1, true, false, 2));
        assert_eq!((seen[1].0, seen[1].1, seen[1].2), (2, false, true));
        assert_eq!(seen[2], (3, true, false, 2));
        // The same with the long value quoted: balanced, on one line, so too long too.
        let text = format!("a,b\n\"{}\",y\nlast,row\n", "x".repeat(300_000));
        let mut r = RecordReader::with_record_limit(b',', limit);
        let mut seen = Vec::new();
        let mut f = |e: Event<'_>| {
            if let Event::Record(rec) = e {
                seen.push((rec.line, rec.quotes_balanced, rec.too_long));
            }
        };
        for chunk in text.as_bytes().chunks(4096) {
            r.feed(chunk, &mut f);
        }
        r.finish(&mut f);
        assert_eq!(seen, [(1, true, false), (2, false, true), (3, true, false)]);
    }

    /// A record as the comparison sees it: fields, line, inner lines, balance, bare quote.
    type Seen = (Vec<Vec<u8>>, u64, u64, bool, Option<u32>);

    /// Everything a reader reports, for comparing two readers.
    fn all_events(mut r: RecordReader, input: &[u8], chunks: &[usize]) -> (Vec<Seen>, LineEndings) {
        let mut evs = Vec::new();
        let mut f = |e: Event<'_>| match e {
            Event::Blank { line } => evs.push((Vec::new(), line, u64::MAX, true, None)),
            Event::Record(rec) => evs.push((
                (0..rec.len()).map(|i| rec.field(i).to_vec()).collect(),
                rec.line,
                rec.inner_lines,
                rec.quotes_balanced,
                rec.bare_quote,
            )),
        };
        let mut rest = input;
        let mut k = 0;
        while !rest.is_empty() {
            let n = chunks
                .get(k % chunks.len().max(1))
                .copied()
                .unwrap_or(7)
                .clamp(1, rest.len());
            r.feed(&rest[..n], &mut f);
            rest = &rest[n..];
            k += 1;
        }
        r.finish(&mut f);
        (evs, r.line_endings())
    }

    #[test]
    fn split_line_finds_every_delimiter() {
        let mut ends = Vec::new();
        for line in [
            &b""[..],
            b",",
            b"abc",
            b",,,,,,,,,,,,,,,,,",
            b"a,bb,ccc,dddd,eeeee,ffffff,ggggggg,hhhhhhhh,",
            "名前,\u{2C00},\u{AC2C}x,,".as_bytes(),
        ] {
            split_line(line, b',', &mut ends);
            let mut expected: Vec<usize> = memchr::memchr_iter(b',', line).collect();
            expected.push(line.len());
            assert_eq!(ends, expected, "{line:?}");
        }
    }

    proptest::proptest! {
        /// The quote-free path gives exactly what csv_core gives: the same records, fields,
        /// lines, quote balance, bare quotes and line endings, for any bytes (quotes, CR, LF,
        /// CRLF, BOMs inside, cut characters) in any chunking, and with a small record limit.
        #[test]
        fn quote_free_path_agrees_with_csv_core(
            input in proptest::collection::vec(
                proptest::sample::select(vec![
                    b'a', b'b', b',', b',', b'"', b'\r', b'\n', b'\n', b' ', b'\t',
                    0xEF, 0xBB, 0xBF, 0xE3, 0x81, 0x82,
                ]),
                0..300,
            ),
            chunks in proptest::collection::vec(1usize..64, 1..8),
            limit in proptest::option::of(1usize..40),
            delimiter in proptest::sample::select(vec![b',', b'\t']),
        ) {
            let make = |fast: bool| {
                let mut r = if fast {
                    RecordReader::new(delimiter)
                } else {
                    RecordReader::without_fast_path(delimiter)
                };
                if let Some(l) = limit {
                    r.record_limit = l;
                }
                r
            };
            let with_fast = all_events(make(true), &input, &chunks);
            let core_only = all_events(make(false), &input, &chunks);
            proptest::prop_assert_eq!(with_fast, core_only);
        }
    }
}
