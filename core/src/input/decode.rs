//! Bytes → UTF-8 text, streaming, with the encoding detected on the way.
//!
//! Recipe (domain-codes.md §9.1): a BOM decides (UTF-8, UTF-16LE/BE). Without one, ASCII bytes
//! are passed on undecided (they mean the same in every candidate); at the first non-ASCII byte
//! a window of up to [`WINDOW`] bytes decides between strict UTF-8 and strict Shift_JIS (CP932,
//! the WHATWG/Windows repertoire of `encoding_rs`). Nothing is ever decoded lossily without
//! being counted: a malformed sequence becomes U+FFFD *and* is recorded, so the row can be
//! reported (S008).

use encoding_rs::{DecoderResult, SHIFT_JIS, UTF_16BE, UTF_16LE};

/// Bytes of look-ahead used to decide the encoding at the first non-ASCII byte.
pub const WINDOW: usize = 4096;

/// The text encoding of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    /// No non-ASCII byte (yet): valid as UTF-8 and as CP932.
    Ascii,
    /// UTF-8 without BOM.
    Utf8,
    /// UTF-8 with BOM (Excel's 「CSV UTF-8」).
    Utf8Bom,
    /// UTF-16 little endian with BOM.
    Utf16Le,
    /// UTF-16 big endian with BOM.
    Utf16Be,
    /// Shift_JIS as Windows writes it.
    Cp932,
    /// Not a known text encoding.
    Unknown,
}

impl TextEncoding {
    /// Stable name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            TextEncoding::Ascii => "ascii",
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf8Bom => "utf-8-bom",
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
            TextEncoding::Cp932 => "cp932",
            TextEncoding::Unknown => "unknown",
        }
    }

    /// Whether the text is UTF-8 (or plain ASCII, which is also UTF-8).
    pub fn is_utf8(self) -> bool {
        matches!(
            self,
            TextEncoding::Ascii | TextEncoding::Utf8 | TextEncoding::Utf8Bom
        )
    }

    /// Whether the file started with a BOM.
    pub fn has_bom(self) -> bool {
        matches!(
            self,
            TextEncoding::Utf8Bom | TextEncoding::Utf16Le | TextEncoding::Utf16Be
        )
    }
}

enum State {
    /// Fewer than 3 bytes seen so far and no decision.
    Start,
    /// Only ASCII bytes so far (passed through).
    Ascii,
    /// Pass-through UTF-8 (validated per record later).
    Utf8,
    /// Decoding through `encoding_rs`.
    Transcode(encoding_rs::Decoder),
    /// Unknown encoding: everything else is dropped.
    Failed,
}

/// Streaming decoder. Feed chunks with [`Decoder::push`], then call [`Decoder::finish`].
pub struct Decoder {
    state: State,
    encoding: TextEncoding,
    /// Bytes held back until a decision can be made.
    pending: Vec<u8>,
    /// Malformed sequences replaced by U+FFFD while transcoding.
    malformed: u64,
    /// Why detection failed, for the S002 message.
    failure: Option<&'static str>,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder {
    /// A decoder that has seen nothing.
    pub fn new() -> Self {
        Self {
            state: State::Start,
            encoding: TextEncoding::Ascii,
            pending: Vec::new(),
            malformed: 0,
            failure: None,
        }
    }

    /// The encoding detected so far.
    pub fn encoding(&self) -> TextEncoding {
        self.encoding
    }

    /// Why the encoding is unknown (`None` unless it is).
    pub fn failure(&self) -> Option<&'static str> {
        self.failure
    }

    /// How many malformed sequences were replaced by U+FFFD while transcoding.
    pub fn malformed(&self) -> u64 {
        self.malformed
    }

    /// Decodes `input`; UTF-8 text is appended to `out`. UTF-8 input is passed through as is
    /// (its validity is checked record by record).
    pub fn push(&mut self, input: &[u8], out: &mut Vec<u8>) {
        self.run(input, false, out);
    }

    /// Flushes held-back bytes at the end of input.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        self.run(&[], true, out);
    }

    fn run(&mut self, input: &[u8], last: bool, out: &mut Vec<u8>) {
        // Work on held-back bytes plus the new input as one slice.
        let joined;
        let data: &[u8] = if self.pending.is_empty() {
            input
        } else {
            let mut p = std::mem::take(&mut self.pending);
            p.extend_from_slice(input);
            joined = p;
            &joined
        };
        let mut data = data;
        loop {
            match &mut self.state {
                State::Start => {
                    if data.len() < 3 && !last && !data.is_empty() && is_bom_prefix(data) {
                        self.pending.extend_from_slice(data);
                        return;
                    }
                    if let Some(rest) = data.strip_prefix(b"\xEF\xBB\xBF") {
                        self.encoding = TextEncoding::Utf8Bom;
                        self.state = State::Utf8;
                        data = rest;
                    } else if let Some(rest) = data.strip_prefix(b"\xFF\xFE") {
                        self.encoding = TextEncoding::Utf16Le;
                        self.state = State::Transcode(UTF_16LE.new_decoder_without_bom_handling());
                        data = rest;
                    } else if let Some(rest) = data.strip_prefix(b"\xFE\xFF") {
                        self.encoding = TextEncoding::Utf16Be;
                        self.state = State::Transcode(UTF_16BE.new_decoder_without_bom_handling());
                        data = rest;
                    } else if data.is_empty() && !last {
                        return;
                    } else {
                        self.state = State::Ascii;
                    }
                }
                State::Ascii => {
                    let first_non_ascii = data.iter().position(|&b| b >= 0x80 || b == 0);
                    let Some(p) = first_non_ascii else {
                        out.extend_from_slice(data);
                        return;
                    };
                    let window_end = (p + WINDOW).min(data.len());
                    if window_end - p < WINDOW && !last {
                        // Not enough look-ahead yet: pass the ASCII part on, hold the rest.
                        out.extend_from_slice(&data[..p]);
                        self.pending.extend_from_slice(&data[p..]);
                        return;
                    }
                    out.extend_from_slice(&data[..p]);
                    let window = &data[p..window_end];
                    match detect(window, window_end == data.len() && last) {
                        Ok(TextEncoding::Cp932) => {
                            self.encoding = TextEncoding::Cp932;
                            self.state =
                                State::Transcode(SHIFT_JIS.new_decoder_without_bom_handling());
                        }
                        Ok(enc) => {
                            self.encoding = enc;
                            self.state = State::Utf8;
                        }
                        Err(why) => {
                            self.encoding = TextEncoding::Unknown;
                            self.failure = Some(why);
                            self.state = State::Failed;
                        }
                    }
                    data = &data[p..];
                }
                State::Utf8 => {
                    out.extend_from_slice(data);
                    return;
                }
                State::Transcode(decoder) => {
                    transcode(decoder, data, last, out, &mut self.malformed);
                    return;
                }
                State::Failed => return,
            }
        }
    }
}

fn is_bom_prefix(data: &[u8]) -> bool {
    [&b"\xEF\xBB\xBF"[..], b"\xFF\xFE", b"\xFE\xFF"]
        .iter()
        .any(|bom| bom.starts_with(data))
}

/// Decides the encoding from a window that starts at the first non-ASCII (or NUL) byte.
fn detect(window: &[u8], at_eof: bool) -> Result<TextEncoding, &'static str> {
    if window.contains(&0) {
        return Err("NUL bytes: a binary file, or UTF-16 without a byte-order mark");
    }
    if window.starts_with(b"PK\x03\x04") {
        return Err("a ZIP archive (an .xlsx workbook?)");
    }
    // 1. The whole window is strict UTF-8 (a sequence may be cut at the window's end).
    let utf8 = std::str::from_utf8(window);
    match &utf8 {
        Ok(_) => return Ok(TextEncoding::Utf8),
        Err(e) if e.error_len().is_none() && !at_eof => return Ok(TextEncoding::Utf8),
        Err(_) => {}
    }
    // 2. The whole window is strict CP932 (a lead byte may be cut at the window's end).
    let mut buf = vec![0u8; window.len() * 3 + 16];
    let mut dec = SHIFT_JIS.new_decoder_without_bom_handling();
    let (res, _, _) = dec.decode_to_utf8_without_replacement(window, &mut buf, at_eof);
    if matches!(res, DecoderResult::InputEmpty | DecoderResult::OutputFull) {
        return Ok(TextEncoding::Cp932);
    }
    // 3. Damaged files: whichever encoding reads the first character.
    if utf8.is_err_and(|e| e.valid_up_to() > 0) {
        return Ok(TextEncoding::Utf8);
    }
    let head = &window[..window.len().min(2)];
    let mut dec = SHIFT_JIS.new_decoder_without_bom_handling();
    let (res, _, _) = dec.decode_to_utf8_without_replacement(head, &mut buf, true);
    if matches!(res, DecoderResult::InputEmpty) && head.len() == 2 && head[0] >= 0x81 {
        return Ok(TextEncoding::Cp932);
    }
    Err("neither UTF-8 nor Shift_JIS (CP932)")
}

fn transcode(
    decoder: &mut encoding_rs::Decoder,
    mut data: &[u8],
    last: bool,
    out: &mut Vec<u8>,
    malformed: &mut u64,
) {
    loop {
        let need = decoder
            .max_utf8_buffer_length_without_replacement(data.len())
            .unwrap_or(data.len() * 3 + 16);
        let start = out.len();
        out.resize(start + need.max(16), 0);
        let (res, read, written) =
            decoder.decode_to_utf8_without_replacement(data, &mut out[start..], last);
        out.truncate(start + written);
        data = &data[read..];
        match res {
            DecoderResult::InputEmpty => return,
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(_, _) => {
                *malformed += 1;
                out.extend_from_slice("\u{FFFD}".as_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_in_chunks(bytes: &[u8], chunk: usize) -> (TextEncoding, String, u64) {
        let mut d = Decoder::new();
        let mut out = Vec::new();
        for c in bytes.chunks(chunk.max(1)) {
            d.push(c, &mut out);
        }
        d.finish(&mut out);
        (
            d.encoding(),
            String::from_utf8_lossy(&out).into_owned(),
            d.malformed(),
        )
    }

    #[test]
    fn utf8_bom() {
        for chunk in [1, 2, 3, 7, 4096] {
            let (e, s, _) = decode_in_chunks("\u{FEFF}氏名,a\r\n".as_bytes(), chunk);
            assert_eq!(e, TextEncoding::Utf8Bom);
            assert_eq!(s, "氏名,a\r\n");
        }
    }

    #[test]
    fn cp932_detected_after_ascii() {
        let (bytes, _, _) = SHIFT_JIS.encode("id,name\r\n1,山田ﾀﾛｳ\r\n");
        for chunk in [1, 5, 4096] {
            let (e, s, m) = decode_in_chunks(&bytes, chunk);
            assert_eq!(e, TextEncoding::Cp932);
            assert_eq!(s, "id,name\r\n1,山田ﾀﾛｳ\r\n");
            assert_eq!(m, 0);
        }
    }

    #[test]
    fn utf16le_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "氏名,a".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let (e, s, _) = decode_in_chunks(&bytes, 3);
        assert_eq!(e, TextEncoding::Utf16Le);
        assert_eq!(s, "氏名,a");
    }

    #[test]
    fn ascii_only_stays_ascii() {
        let (e, s, _) = decode_in_chunks(b"a,b\n1,2\n", 2);
        assert_eq!(e, TextEncoding::Ascii);
        assert_eq!(s, "a,b\n1,2\n");
    }

    #[test]
    fn binary_is_unknown() {
        let (e, _, _) = decode_in_chunks(b"PK\x03\x04\x14\x00\x00\x00", 4096);
        assert_eq!(e, TextEncoding::Unknown);
        let (e, _, _) = decode_in_chunks(&[0x81, 0x20, 0xFF, 0xFF, 0xFF], 4096);
        assert_eq!(e, TextEncoding::Unknown);
    }

    #[test]
    fn malformed_cp932_is_counted() {
        let (mut bytes, _, _) = SHIFT_JIS.encode("名前\r\n");
        let bytes = bytes.to_mut();
        bytes.extend_from_slice(&[0x81, 0x0A]);
        let (e, s, m) = decode_in_chunks(bytes, 4096);
        assert_eq!(e, TextEncoding::Cp932);
        assert!(s.contains('\u{FFFD}'));
        assert_eq!(m, 1);
    }
}
