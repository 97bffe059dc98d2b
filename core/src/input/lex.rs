//! The raw file as characters with their byte ranges, split into records and fields the way
//! the checker's reader does (csv_core rules plus blank lines), so that a cell can be rewritten
//! in place: every byte that is not part of a replaced character is copied unchanged.
//!
//! Only the structural characters matter for splitting (`"`, the delimiter, CR, LF), and they are
//! ASCII in every supported encoding; in CP932 a double-byte character is one unit, so its trail
//! byte never counts as a delimiter.

use encoding_rs::{DecoderResult, EUC_JP, EncoderResult, Encoding, SHIFT_JIS};

/// How the raw bytes are read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Enc {
    Utf8,
    Cp932,
    EucJp,
    Utf16Le,
    Utf16Be,
}

/// One character of the raw file: its bytes and what it decodes to (`None` for bytes that do
/// not decode; the checker sees U+FFFD there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unit {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) ch: Option<char>,
}

/// Reads the unit starting at `i` (which must be `< b.len()`).
pub(crate) fn unit_at(b: &[u8], i: usize, enc: Enc) -> Unit {
    match enc {
        Enc::Utf8 => utf8_unit(b, i),
        Enc::Cp932 => cp932_unit(b, i),
        Enc::EucJp => euc_jp_unit(b, i),
        Enc::Utf16Le | Enc::Utf16Be => utf16_unit(b, i, enc == Enc::Utf16Le),
    }
}

fn invalid(start: usize, len: usize) -> Unit {
    Unit {
        start,
        end: start + len,
        ch: None,
    }
}

fn utf8_unit(b: &[u8], i: usize) -> Unit {
    let b0 = b[i];
    if b0 < 0x80 {
        return Unit {
            start: i,
            end: i + 1,
            ch: Some(char::from(b0)),
        };
    }
    let len = match b0 {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return invalid(i, 1),
    };
    match b
        .get(i..i + len)
        .and_then(|s| std::str::from_utf8(s).ok())
        .and_then(|s| s.chars().next())
    {
        Some(c) => Unit {
            start: i,
            end: i + len,
            ch: Some(c),
        },
        None => invalid(i, 1),
    }
}

fn cp932_unit(b: &[u8], i: usize) -> Unit {
    let b0 = b[i];
    let single = |c: char| Unit {
        start: i,
        end: i + 1,
        ch: Some(c),
    };
    match b0 {
        0x00..=0x80 => single(char::from(b0)),
        0xA1..=0xDF => single(char::from_u32(0xFF61 + u32::from(b0 - 0xA1)).unwrap_or('\u{FFFD}')),
        0x81..=0x9F | 0xE0..=0xFC => {
            let Some(&b1) = b.get(i + 1) else {
                return invalid(i, 1);
            };
            if !matches!(b1, 0x40..=0x7E | 0x80..=0xFC) {
                return invalid(i, 1);
            }
            match decode_sjis_pair([b0, b1]) {
                Some(c) => Unit {
                    start: i,
                    end: i + 2,
                    ch: Some(c),
                },
                // WHATWG: an unmapped pair whose trail is ASCII gives the ASCII byte back.
                None if b1 < 0x80 => invalid(i, 1),
                None => invalid(i, 2),
            }
        }
        _ => invalid(i, 1),
    }
}

/// EUC-JP (WHATWG): ASCII; `8E` + half-width katakana; `8F` + two bytes of JIS X 0212; a
/// JIS X 0208 pair `A1–FE A1–FE`. As in [`cp932_unit`], an unmapped sequence whose next byte
/// is ASCII gives that byte back.
fn euc_jp_unit(b: &[u8], i: usize) -> Unit {
    let b0 = b[i];
    if b0 < 0x80 {
        return Unit {
            start: i,
            end: i + 1,
            ch: Some(char::from(b0)),
        };
    }
    let len = match b0 {
        0x8E | 0xA1..=0xFE => 2,
        0x8F => 3,
        _ => return invalid(i, 1),
    };
    let Some(seq) = b.get(i..i + len) else {
        return invalid(i, 1);
    };
    if let Some(k) = seq[1..].iter().position(|&x| x < 0x80) {
        return invalid(i, 1 + k);
    }
    match decode_one(EUC_JP, seq) {
        Some(c) => Unit {
            start: i,
            end: i + len,
            ch: Some(c),
        },
        None => invalid(i, len),
    }
}

fn decode_sjis_pair(pair: [u8; 2]) -> Option<char> {
    decode_one(SHIFT_JIS, &pair)
}

/// The one character `seq` decodes to in `encoding`, strictly.
fn decode_one(encoding: &'static Encoding, seq: &[u8]) -> Option<char> {
    let mut dec = encoding.new_decoder_without_bom_handling();
    let mut out = [0u8; 8];
    let (res, _, written) = dec.decode_to_utf8_without_replacement(seq, &mut out, true);
    if !matches!(res, DecoderResult::InputEmpty) {
        return None;
    }
    let s = std::str::from_utf8(out.get(..written)?).ok()?;
    let mut it = s.chars();
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

fn utf16_unit(b: &[u8], i: usize, le: bool) -> Unit {
    let word = |j: usize| -> Option<u16> {
        let p = b.get(j..j + 2)?;
        Some(if le {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        })
    };
    let Some(w0) = word(i) else {
        return invalid(i, b.len() - i);
    };
    match w0 {
        0xD800..=0xDBFF => match word(i + 2) {
            Some(w1 @ 0xDC00..=0xDFFF) => {
                let cp = 0x10000 + ((u32::from(w0) - 0xD800) << 10) + (u32::from(w1) - 0xDC00);
                Unit {
                    start: i,
                    end: i + 4,
                    ch: char::from_u32(cp),
                }
            }
            _ => invalid(i, 2),
        },
        0xDC00..=0xDFFF => invalid(i, 2),
        _ => Unit {
            start: i,
            end: i + 2,
            ch: char::from_u32(u32::from(w0)),
        },
    }
}

/// Encodes `c` in `enc`; `None` when the encoding cannot hold it.
pub(crate) fn encode_char(c: char, enc: Enc) -> Option<Vec<u8>> {
    match enc {
        Enc::Utf8 => {
            let mut buf = [0u8; 4];
            Some(c.encode_utf8(&mut buf).as_bytes().to_vec())
        }
        Enc::Cp932 if ('\u{E000}'..='\u{E757}').contains(&c) => {
            // 外字: the user-defined area F040–F9FC, which the WHATWG decoder maps to these PUA
            // code points but its encoder does not write back.
            let pointer = u32::from(c) - 0xE000 + 8836;
            let (lead, trail) = (pointer / 188, pointer % 188);
            let lead = lead + if lead < 0x1F { 0x81 } else { 0xC1 };
            let trail = trail + if trail < 0x3F { 0x40 } else { 0x41 };
            Some(vec![lead as u8, trail as u8])
        }
        Enc::Cp932 | Enc::EucJp => {
            let mut utf8 = [0u8; 4];
            let src: &str = c.encode_utf8(&mut utf8);
            let mut dst = [0u8; 8];
            let mut enc = if enc == Enc::Cp932 {
                SHIFT_JIS.new_encoder()
            } else {
                EUC_JP.new_encoder()
            };
            let (res, _, written) = enc.encode_from_utf8_without_replacement(src, &mut dst, true);
            match res {
                EncoderResult::InputEmpty => dst.get(..written).map(<[u8]>::to_vec),
                _ => None,
            }
        }
        Enc::Utf16Le | Enc::Utf16Be => {
            let mut units = [0u16; 2];
            let mut out = Vec::with_capacity(4);
            for u in c.encode_utf16(&mut units) {
                out.extend_from_slice(&if enc == Enc::Utf16Le {
                    u.to_le_bytes()
                } else {
                    u.to_be_bytes()
                });
            }
            Some(out)
        }
    }
}

/// One field of a record: the units that make up its value (quotes that delimit or escape are
/// not part of it).
#[derive(Debug, Default)]
pub(crate) struct FieldUnits {
    pub(crate) content: Vec<Unit>,
}

/// One record: its fields, and the physical line (1-based, counting `\n`) where it starts.
#[derive(Debug, Default)]
pub(crate) struct RecordUnits {
    pub(crate) fields: Vec<FieldUnits>,
    pub(crate) line: u64,
    /// Blank lines between the previous record and this one (the checker counts each as a
    /// row: S009); CRLF is one line break, CR or LF alone one each.
    pub(crate) blank_before: u64,
    /// Quote characters in the record.
    pub(crate) quotes: u64,
    /// The record ended with the input inside a quoted value: what the checker calls an
    /// unclosed quote (S007), and it then reads none of the record's cells. A quote inside an
    /// unquoted value (`山田"太郎`) is literal and closes nothing.
    pub(crate) unclosed: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    StartField,
    InField,
    InQuoted,
    AfterQuote,
}

/// Record splitter over raw bytes in `[pos, end)`.
pub(crate) struct Lexer<'a> {
    b: &'a [u8],
    pos: usize,
    end: usize,
    enc: Enc,
    delim: char,
    /// Line breaks (`\n`, `\r\n`, lone `\r`) seen so far.
    lines: u64,
    /// The last record ended with CR: an LF right after it completes that line break.
    after_cr: bool,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(b: &'a [u8], start: usize, end: usize, enc: Enc, delim: u8) -> Self {
        Self {
            b,
            pos: start,
            end: end.min(b.len()),
            enc,
            delim: char::from(delim),
            lines: 0,
            after_cr: false,
        }
    }

    fn next_unit(&mut self) -> Option<Unit> {
        if self.pos >= self.end {
            return None;
        }
        let mut u = unit_at(self.b, self.pos, self.enc);
        u.end = u.end.min(self.end);
        self.pos = u.end.max(self.pos + 1);
        // A line break is `\n`, `\r\n` or a lone `\r` (old Mac files), as the checker counts.
        if u.ch == Some('\n')
            || (u.ch == Some('\r') && self.peek_unit().is_some_and(|n| n.ch != Some('\n')))
        {
            self.lines += 1;
        }
        Some(u)
    }

    fn peek_unit(&self) -> Option<Unit> {
        (self.pos < self.end).then(|| unit_at(self.b, self.pos, self.enc))
    }

    /// The next record (blank lines between records are skipped, as the checker does).
    pub(crate) fn next_record(&mut self, rec: &mut RecordUnits) -> bool {
        rec.fields.clear();
        rec.quotes = 0;
        rec.unclosed = false;
        rec.blank_before = 0;
        // Line breaks between records: each is a blank line (CRLF counts once).
        let mut after_cr = std::mem::take(&mut self.after_cr);
        while let Some(u) = self.peek_unit() {
            match u.ch {
                Some('\n') if after_cr => after_cr = false,
                Some('\n') => rec.blank_before += 1,
                Some('\r') => {
                    rec.blank_before += 1;
                    after_cr = true;
                }
                _ => break,
            }
            self.next_unit();
        }
        if self.pos >= self.end {
            return false;
        }
        rec.line = self.lines + 1;
        let mut field = FieldUnits::default();
        let mut state = State::StartField;
        loop {
            let Some(u) = self.next_unit() else {
                rec.unclosed = state == State::InQuoted;
                rec.fields.push(field);
                return true;
            };
            let c = u.ch;
            if c == Some('"') {
                rec.quotes += 1;
            }
            let is_delim = c == Some(self.delim);
            let is_eol = matches!(c, Some('\r' | '\n'));
            match state {
                State::StartField | State::InField | State::AfterQuote if is_delim || is_eol => {
                    rec.fields.push(std::mem::take(&mut field));
                    if is_eol {
                        self.after_cr = c == Some('\r');
                        return true;
                    }
                    state = State::StartField;
                }
                State::StartField if c == Some('"') => state = State::InQuoted,
                State::StartField | State::InField => {
                    field.content.push(u);
                    state = State::InField;
                }
                State::InQuoted if c == Some('"') => state = State::AfterQuote,
                State::InQuoted => field.content.push(u),
                State::AfterQuote if c == Some('"') => {
                    field.content.push(u);
                    state = State::InQuoted;
                }
                State::AfterQuote => {
                    field.content.push(u);
                    state = State::InField;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(input: &str) -> Vec<Vec<String>> {
        let b = input.as_bytes();
        let mut lx = Lexer::new(b, 0, b.len(), Enc::Utf8, b',');
        let mut rec = RecordUnits::default();
        let mut out = Vec::new();
        while lx.next_record(&mut rec) {
            out.push(
                rec.fields
                    .iter()
                    .map(|f| f.content.iter().map(|u| u.ch.unwrap_or('?')).collect())
                    .collect(),
            );
        }
        out
    }

    #[test]
    fn splits_like_csv_core() {
        assert_eq!(
            fields("a,\"b,\"\"c\"\"\",d\r\n\r\ne,\"f\ng\"\n"),
            vec![vec!["a", "b,\"c\"", "d"], vec!["e", "f\ng"]]
        );
        assert_eq!(fields("a\"b,\"c\"d\n"), vec![vec!["a\"b", "cd"]]);
        assert_eq!(fields(",\n"), vec![vec!["", ""]]);
    }

    #[test]
    fn blank_lines_are_counted_as_the_checker_counts_rows() {
        let b = b"h\r\na\r\n\r\nb\r\rc\n\nd\re";
        let mut lx = Lexer::new(b, 0, b.len(), Enc::Utf8, b',');
        let mut rec = RecordUnits::default();
        let mut blanks = Vec::new();
        while lx.next_record(&mut rec) {
            blanks.push(rec.blank_before);
        }
        assert_eq!(blanks, [0, 0, 1, 1, 1, 0]);
    }

    #[test]
    fn unclosed_quote_swallows_the_rest() {
        let b = b"a,\"b\nc,d\n";
        let mut lx = Lexer::new(b, 0, b.len(), Enc::Utf8, b',');
        let mut rec = RecordUnits::default();
        assert!(lx.next_record(&mut rec));
        assert!(rec.unclosed, "what the checker calls unbalanced");
        assert_eq!(rec.fields.len(), 2);
        assert!(!lx.next_record(&mut rec));
        // A quote inside an unquoted value is literal: the record is whole.
        let b = "a,山田\"太郎,b\nc,d\n".as_bytes();
        let mut lx = Lexer::new(b, 0, b.len(), Enc::Utf8, b',');
        let mut one = RecordUnits::default();
        assert!(lx.next_record(&mut one));
        assert!(!one.unclosed && one.quotes == 1 && one.fields.len() == 3);
        assert!(lx.next_record(&mut one) && !one.unclosed);
    }

    #[test]
    fn cp932_trail_bytes_are_not_delimiters() {
        // ソ is 0x83 0x5C: its trail byte is '\' — and with '|' (0x7C) as the delimiter,
        // 0x83 0x7C (ポ? no: ポ is 0x83 0x7C) must stay one character.
        let (bytes, _, _) = SHIFT_JIS.encode("ポ|ソ\r\n");
        let mut lx = Lexer::new(&bytes, 0, bytes.len(), Enc::Cp932, b'|');
        let mut rec = RecordUnits::default();
        assert!(lx.next_record(&mut rec));
        assert_eq!(rec.fields.len(), 2);
        assert_eq!(rec.fields[0].content[0].ch, Some('ポ'));
    }

    #[test]
    fn encodes_round_trip() {
        for enc in [Enc::Utf8, Enc::Cp932, Enc::Utf16Le, Enc::Utf16Be] {
            for c in ['a', '山', 'ｱ', '\u{E000}', '\u{E757}', '\u{E1AB}'] {
                let bytes = encode_char(c, enc).unwrap();
                let u = unit_at(&bytes, 0, enc);
                assert_eq!(u.ch, Some(c), "{enc:?} {c}");
                assert_eq!(u.end, bytes.len());
            }
        }
        assert_eq!(encode_char('𠮷', Enc::Cp932), None);
        assert!(encode_char('𠮷', Enc::Utf16Le).is_some_and(|b| b.len() == 4));
    }

    #[test]
    fn euc_jp_units_round_trip_and_bad_bytes_keep_ascii() {
        for c in ['a', '山', 'ｱ', '愛'] {
            let bytes = encode_char(c, Enc::EucJp).unwrap();
            let u = unit_at(&bytes, 0, Enc::EucJp);
            assert_eq!((u.ch, u.end), (Some(c), bytes.len()), "{c}");
        }
        assert_eq!(encode_char('\u{E000}', Enc::EucJp), None);
        // A lead byte before a comma: one bad byte, the comma stays a delimiter.
        let u = unit_at(b"\xB0,", 0, Enc::EucJp);
        assert_eq!((u.ch, u.end), (None, 1));
        let u = unit_at(b"\x8F\xA2,", 0, Enc::EucJp);
        assert_eq!((u.ch, u.end), (None, 2));
    }
}
