//! Bytes → UTF-8 text, streaming, with the encoding detected on the way.
//!
//! Recipe (domain-codes.md §9.1): a BOM decides (UTF-8, UTF-16LE/BE). Without one, ASCII bytes
//! are passed on undecided (they mean the same in every candidate); at the first non-ASCII byte
//! (or the first ESC, which starts ISO-2022-JP's escape sequences) a window of up to [`WINDOW`]
//! bytes decides: ISO-2022-JP when it designates JIS X 0208 (`ESC $ B` / `ESC $ @`) and decodes
//! strictly; else strict UTF-8; else strict Shift_JIS (CP932, the WHATWG/Windows repertoire of
//! `encoding_rs`) and strict EUC-JP. When both CP932 and EUC-JP read the window without an
//! error (and say different things), up to [`WIDE_WINDOW`] bytes are tried; still both: the file
//! is [`TextEncoding::Ambiguous`] and nothing is decoded — never a guess (the caller can name
//! the encoding: [`Decoder::with_choice`]). Nothing is ever decoded lossily without being
//! counted: a malformed sequence becomes U+FFFD *and* is recorded, so the row can be reported
//! (S008).

use encoding_rs::{DecoderResult, EUC_JP, Encoding, ISO_2022_JP, SHIFT_JIS, UTF_16BE, UTF_16LE};

/// Bytes of look-ahead used to decide the encoding at the first non-ASCII byte.
pub const WINDOW: usize = 4096;

/// Bytes of look-ahead tried when CP932 and EUC-JP both read the first [`WINDOW`] bytes.
pub const WIDE_WINDOW: usize = 1 << 20;

/// The encoding a caller asks for: detection, or an explicit one that overrides it (the CLI's
/// `--encoding`, the page's selector). Bytes invalid in the chosen encoding are reported as
/// S008, as always.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EncodingChoice {
    /// Detect (BOM, then strict decoding; refuse when ambiguous).
    #[default]
    Auto,
    /// UTF-8 (a leading BOM is skipped).
    Utf8,
    /// Shift_JIS as Windows writes it.
    Cp932,
    /// EUC-JP.
    EucJp,
    /// ISO-2022-JP (JIS).
    Iso2022Jp,
    /// UTF-16 little endian (a leading BOM is skipped).
    Utf16Le,
    /// UTF-16 big endian (a leading BOM is skipped).
    Utf16Be,
}

impl EncodingChoice {
    /// Every choice, `Auto` first.
    pub const ALL: [EncodingChoice; 7] = [
        EncodingChoice::Auto,
        EncodingChoice::Utf8,
        EncodingChoice::Cp932,
        EncodingChoice::EucJp,
        EncodingChoice::Iso2022Jp,
        EncodingChoice::Utf16Le,
        EncodingChoice::Utf16Be,
    ];

    /// Stable name (`auto`, `utf-8`, `cp932`, `euc-jp`, `iso-2022-jp`, `utf-16le`, `utf-16be`).
    pub fn as_str(self) -> &'static str {
        match self {
            EncodingChoice::Auto => "auto",
            EncodingChoice::Utf8 => "utf-8",
            EncodingChoice::Cp932 => "cp932",
            EncodingChoice::EucJp => "euc-jp",
            EncodingChoice::Iso2022Jp => "iso-2022-jp",
            EncodingChoice::Utf16Le => "utf-16le",
            EncodingChoice::Utf16Be => "utf-16be",
        }
    }

    /// Parses a name as [`EncodingChoice::as_str`] gives it (case-insensitive; `shift_jis`,
    /// `sjis`, `utf8`, `jis` are accepted too).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase();
        let alias = match s.as_str() {
            "utf8" => "utf-8",
            "shift_jis" | "shift-jis" | "sjis" | "windows-31j" => "cp932",
            "eucjp" | "euc_jp" => "euc-jp",
            "jis" | "iso2022jp" => "iso-2022-jp",
            other => other,
        };
        Self::ALL.into_iter().find(|c| c.as_str() == alias)
    }
}

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
    /// EUC-JP (Unix 住基 systems).
    EucJp,
    /// ISO-2022-JP (JIS, 7-bit with escape sequences).
    Iso2022Jp,
    /// Valid as more than one of CP932 and EUC-JP with different text: not decoded (S018).
    Ambiguous,
    /// Not a known text encoding.
    Unknown,
}

impl TextEncoding {
    /// Whether the input was refused unread: its encoding is unknown (S002) or ambiguous
    /// (S018). Nothing of such an input is checked or written (a partial 全件 file would delete
    /// every certificate after the point where reading stopped), and the CLI exits with 2.
    #[must_use]
    pub fn is_unreadable(self) -> bool {
        self.refusal(None).is_some()
    }

    /// Why an input of this encoding was refused unread (`None` when it can be read), from the
    /// decoder's reason ([`Decoder::failure`], always given for these two): the one place
    /// that decides what S002 and S018 say, for the checker, the master reader and the page.
    #[must_use]
    pub fn refusal(self, failure: Option<DecodeFailure>) -> Option<DecodeFailure> {
        match self {
            Self::Ambiguous => Some(DecodeFailure::Ambiguous),
            Self::Unknown => Some(failure.unwrap_or(DecodeFailure::NotJapaneseText)),
            _ => None,
        }
    }

    /// Stable name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            TextEncoding::Ascii => "ascii",
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf8Bom => "utf-8-bom",
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
            TextEncoding::Cp932 => "cp932",
            TextEncoding::EucJp => "euc-jp",
            TextEncoding::Iso2022Jp => "iso-2022-jp",
            TextEncoding::Ambiguous => "ambiguous",
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
    /// UTF-8 chosen by the caller: a BOM at the very start is skipped.
    ForcedUtf8,
    /// UTF-16 chosen by the caller (`true`: little endian): a BOM at the very start is skipped.
    ForcedUtf16(bool),
    /// Decoding through `encoding_rs`.
    Transcode(encoding_rs::Decoder),
    /// Unknown or ambiguous encoding: everything else is dropped.
    Failed,
}

/// Why the bytes could not be read as text (S002, S018), in both languages: staff read the
/// reason in the Japanese report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeFailure {
    /// NUL bytes: a binary file, or UTF-16 without a byte-order mark.
    NulBytes,
    /// A ZIP archive that is not read as a workbook (a .docx, a .zip, a damaged .xlsx).
    ZipArchive,
    /// An OLE2 compound file: an Excel 97-2003 workbook (.xls), or an Excel workbook saved
    /// with a password (encrypted workbooks are stored in that container).
    OleCompound,
    /// None of UTF-8, Shift_JIS (CP932) and EUC-JP.
    NotJapaneseText,
    /// Valid both as Shift_JIS (CP932) and as EUC-JP, with different text (S018).
    Ambiguous,
}

impl DecodeFailure {
    /// The reason in Japanese.
    #[must_use]
    pub fn ja(self) -> &'static str {
        match self {
            Self::NulBytes => "NUL バイトがあります。バイナリファイルか、BOM のない UTF-16 です",
            Self::ZipArchive => "ZIP 形式のファイルで、CSV でも読める Excel ブックでもありません",
            Self::OleCompound => {
                "Excel 97-2003 形式（.xls）のブックか、パスワードで保護された Excel ブックです"
            }
            Self::NotJapaneseText => "UTF-8、Shift_JIS (CP932)、EUC-JP のどれとしても読めません",
            Self::Ambiguous => {
                "Shift_JIS (CP932) としても EUC-JP としても読めて、読み方によって文字が変わります"
            }
        }
    }

    /// The reason in English.
    #[must_use]
    pub fn en(self) -> &'static str {
        match self {
            Self::NulBytes => "NUL bytes: a binary file, or UTF-16 without a byte-order mark",
            Self::ZipArchive => "a ZIP archive, neither a CSV file nor a readable workbook",
            Self::OleCompound => {
                "an Excel 97-2003 workbook (.xls) or a password-protected Excel workbook"
            }
            Self::NotJapaneseText => "neither UTF-8, Shift_JIS (CP932) nor EUC-JP",
            Self::Ambiguous => {
                "the bytes read validly both as Shift_JIS (CP932) and as EUC-JP, with different text"
            }
        }
    }
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
    failure: Option<DecodeFailure>,
    /// The wide window was already tried (CP932/EUC-JP ambiguity in the first window).
    wide: bool,
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
            wide: false,
        }
    }

    /// A decoder for `choice`: [`EncodingChoice::Auto`] detects; any other decodes in that
    /// encoding from the first byte (a BOM of the same encoding is skipped) and reports it.
    pub fn with_choice(choice: EncodingChoice) -> Self {
        let mut d = Self::new();
        let (encoding, state) = match choice {
            EncodingChoice::Auto => return d,
            EncodingChoice::Utf8 => (TextEncoding::Utf8, State::ForcedUtf8),
            EncodingChoice::Cp932 => (TextEncoding::Cp932, transcoder(SHIFT_JIS)),
            EncodingChoice::EucJp => (TextEncoding::EucJp, transcoder(EUC_JP)),
            EncodingChoice::Iso2022Jp => (TextEncoding::Iso2022Jp, transcoder(ISO_2022_JP)),
            EncodingChoice::Utf16Le => (TextEncoding::Utf16Le, State::ForcedUtf16(true)),
            EncodingChoice::Utf16Be => (TextEncoding::Utf16Be, State::ForcedUtf16(false)),
        };
        d.encoding = encoding;
        d.state = state;
        d
    }

    /// The encoding detected so far.
    pub fn encoding(&self) -> TextEncoding {
        self.encoding
    }

    /// Whether the encoding is known to be unreadable (unknown, S002, or ambiguous, S018):
    /// nothing more will be decoded, so a caller reading a stream may stop.
    pub fn gave_up(&self) -> bool {
        matches!(self.state, State::Failed)
    }

    /// Whether [`Decoder::push`] would append its input unchanged: UTF-8 is established and no
    /// bytes are held back. The caller may then use the input itself instead of a copy.
    pub(crate) fn passes_through(&self) -> bool {
        matches!(self.state, State::Utf8) && self.pending.is_empty()
    }

    /// Why the bytes could not be read (`None` unless the encoding is unknown or ambiguous).
    pub fn failure(&self) -> Option<DecodeFailure> {
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
                    let may_be_marker = (data.len() < 3 && is_bom_prefix(data))
                        || CONTAINERS
                            .iter()
                            .any(|(magic, _)| data.len() < magic.len() && magic.starts_with(data));
                    if !last && !data.is_empty() && may_be_marker {
                        self.pending.extend_from_slice(data);
                        return;
                    }
                    if let Some((_, why)) = container_signature(data) {
                        // A file format, not text: nothing of it is decoded.
                        self.encoding = TextEncoding::Unknown;
                        self.failure = Some(why);
                        self.state = State::Failed;
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
                    let first_non_ascii =
                        data.iter().position(|&b| b >= 0x80 || b == 0 || b == 0x1B);
                    let Some(p) = first_non_ascii else {
                        out.extend_from_slice(data);
                        return;
                    };
                    let want = if self.wide { WIDE_WINDOW } else { WINDOW };
                    let window_end = (p + want).min(data.len());
                    if window_end - p < want && !last {
                        // Not enough look-ahead yet: pass the ASCII part on, hold the rest.
                        out.extend_from_slice(&data[..p]);
                        self.pending.extend_from_slice(&data[p..]);
                        return;
                    }
                    let window = &data[p..window_end];
                    let at_eof = window_end == data.len() && last;
                    let found = detect(window, at_eof);
                    if found == Ok(TextEncoding::Ambiguous) && !self.wide && !at_eof {
                        // Both CP932 and EUC-JP so far: look further before refusing.
                        self.wide = true;
                        continue;
                    }
                    out.extend_from_slice(&data[..p]);
                    match found {
                        Ok(TextEncoding::Cp932) => {
                            self.encoding = TextEncoding::Cp932;
                            self.state = transcoder(SHIFT_JIS);
                        }
                        Ok(TextEncoding::EucJp) => {
                            self.encoding = TextEncoding::EucJp;
                            self.state = transcoder(EUC_JP);
                        }
                        Ok(TextEncoding::Iso2022Jp) => {
                            self.encoding = TextEncoding::Iso2022Jp;
                            self.state = transcoder(ISO_2022_JP);
                        }
                        Ok(TextEncoding::Ambiguous) => {
                            self.encoding = TextEncoding::Ambiguous;
                            self.failure = Some(DecodeFailure::Ambiguous);
                            self.state = State::Failed;
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
                State::ForcedUtf8 => {
                    if data.len() < 3 && !last && !data.is_empty() && is_bom_prefix(data) {
                        self.pending.extend_from_slice(data);
                        return;
                    }
                    if data.is_empty() && !last {
                        return;
                    }
                    if let Some(rest) = data.strip_prefix(b"\xEF\xBB\xBF") {
                        self.encoding = TextEncoding::Utf8Bom;
                        data = rest;
                    }
                    self.state = State::Utf8;
                }
                State::ForcedUtf16(le) => {
                    let le = *le;
                    if data.len() < 2 && !last && !data.is_empty() {
                        self.pending.extend_from_slice(data);
                        return;
                    }
                    if data.is_empty() && !last {
                        return;
                    }
                    let bom: &[u8] = if le { b"\xFF\xFE" } else { b"\xFE\xFF" };
                    if let Some(rest) = data.strip_prefix(bom) {
                        data = rest;
                    }
                    self.state = transcoder(if le { UTF_16LE } else { UTF_16BE });
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

fn transcoder(encoding: &'static Encoding) -> State {
    State::Transcode(encoding.new_decoder_without_bom_handling())
}

/// Container formats recognised by their first bytes: a clerk's file saved in a spreadsheet
/// format instead of CSV. Said by name (S002), since "NUL bytes" would not tell a clerk what
/// to do.
const CONTAINERS: [(&[u8], DecodeFailure); 2] = [
    (b"PK\x03\x04", DecodeFailure::ZipArchive),
    (
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        DecodeFailure::OleCompound,
    ),
];

/// The container signature `bytes` start with, if any ([`CONTAINERS`]).
pub(crate) fn container_signature(bytes: &[u8]) -> Option<(&'static [u8], DecodeFailure)> {
    CONTAINERS
        .iter()
        .copied()
        .find(|(magic, _)| bytes.starts_with(magic))
}

fn is_bom_prefix(data: &[u8]) -> bool {
    [&b"\xEF\xBB\xBF"[..], b"\xFF\xFE", b"\xFE\xFF"]
        .iter()
        .any(|bom| bom.starts_with(data))
}

/// Whether `window` decodes in `encoding` without a single malformed sequence (a sequence cut
/// at the window's end is fine unless `at_eof`); with the text it gives.
fn strict(encoding: &'static Encoding, window: &[u8], at_eof: bool) -> Option<String> {
    let mut dec = encoding.new_decoder_without_bom_handling();
    let mut buf = vec![0u8; window.len() * 3 + 16];
    let (res, _, written) = dec.decode_to_utf8_without_replacement(window, &mut buf, at_eof);
    matches!(res, DecoderResult::InputEmpty).then(|| {
        buf.truncate(written);
        String::from_utf8(buf).unwrap_or_default()
    })
}

/// Decides the encoding from a window that starts at the first non-ASCII (or NUL, or ESC) byte.
fn detect(window: &[u8], at_eof: bool) -> Result<TextEncoding, DecodeFailure> {
    if window.contains(&0) {
        return Err(DecodeFailure::NulBytes);
    }
    // 0. ISO-2022-JP: 7-bit, designates JIS X 0208 with ESC $ B (or ESC $ @).
    if window.starts_with(b"\x1B")
        && (memchr::memmem::find(window, b"\x1B$B").is_some()
            || memchr::memmem::find(window, b"\x1B$@").is_some())
        && window.iter().all(|&b| b < 0x80)
        && strict(ISO_2022_JP, window, at_eof).is_some()
    {
        return Ok(TextEncoding::Iso2022Jp);
    }
    // 1. The whole window is strict UTF-8 (a sequence may be cut at the window's end).
    let utf8 = std::str::from_utf8(window);
    match &utf8 {
        Ok(_) => return Ok(TextEncoding::Utf8),
        Err(e) if e.error_len().is_none() && !at_eof => return Ok(TextEncoding::Utf8),
        Err(_) => {}
    }
    // 2. The whole window is strict CP932 or strict EUC-JP (a lead byte may be cut at the
    //    window's end). Both, with different text: ambiguous — the caller must say which.
    let cp932 = strict(SHIFT_JIS, window, at_eof);
    let euc = strict(EUC_JP, window, at_eof);
    match (cp932, euc) {
        (Some(a), Some(b)) if a != b => return Ok(TextEncoding::Ambiguous),
        (Some(_), _) => return Ok(TextEncoding::Cp932),
        (None, Some(_)) => return Ok(TextEncoding::EucJp),
        (None, None) => {}
    }
    // 3. Damaged files: whichever encoding reads the first character.
    if utf8.is_err_and(|e| e.valid_up_to() > 0) {
        return Ok(TextEncoding::Utf8);
    }
    let mut buf = [0u8; 16];
    let head = &window[..window.len().min(2)];
    let mut dec = SHIFT_JIS.new_decoder_without_bom_handling();
    let (res, _, _) = dec.decode_to_utf8_without_replacement(head, &mut buf, true);
    if matches!(res, DecoderResult::InputEmpty) && head.len() == 2 && head[0] >= 0x81 {
        return Ok(TextEncoding::Cp932);
    }
    Err(DecodeFailure::NotJapaneseText)
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

    /// A workbook's container (.xls or password-protected: OLE2; a zip that is not read as a
    /// workbook) is refused by name whatever the chunking, and text that only starts like a
    /// signature is still text.
    #[test]
    fn a_spreadsheet_container_is_named_in_any_chunking() {
        let mut ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
        ole.extend_from_slice(&[0; 100]);
        let mut zip = b"PK\x03\x04".to_vec();
        zip.extend_from_slice(b"\x14\x00\x00\x00word/document.xml");
        for (bytes, why) in [
            (ole, DecodeFailure::OleCompound),
            (zip, DecodeFailure::ZipArchive),
        ] {
            for chunk in [1, 3, 5, bytes.len()] {
                let mut d = Decoder::new();
                let mut out = Vec::new();
                for part in bytes.chunks(chunk) {
                    d.push(part, &mut out);
                }
                d.finish(&mut out);
                assert_eq!(
                    (d.encoding(), d.failure(), out.len()),
                    (TextEncoding::Unknown, Some(why), 0),
                    "{why:?} in chunks of {chunk}"
                );
            }
        }
        // A text that starts like a signature is text: `PK` and `P` alone decode.
        for text in [&b"PK,a\r\n"[..], b"P", b"PK\x03"] {
            let mut d = Decoder::new();
            let mut out = Vec::new();
            d.push(text, &mut out);
            d.finish(&mut out);
            assert_eq!((d.failure(), out.as_slice()), (None, text), "{text:?}");
        }
    }

    /// `Front::feed` skips the copy when the decoder passes its input through: it must then
    /// append exactly its input, whatever the chunking (BOM, no BOM, invalid bytes, a
    /// character cut between chunks).
    #[test]
    fn pass_through_appends_the_input_unchanged() {
        let texts: [&[u8]; 4] = [
            "\u{FEFF}氏名,a\r\n山田,b\r\n".as_bytes(),
            "id,名前\r\n1,田中\r\n".as_bytes(),
            b"id,x\r\n1,\xE5\xB1\r\n2,\xFF\r\n",
            b"\xEF\xBB\xBFa\xE3\x81\x82b\xE3\x81",
        ];
        for bytes in texts {
            for chunk in [1, 2, 3, 5, 4096] {
                let mut d = Decoder::new();
                let mut out = Vec::new();
                for c in bytes.chunks(chunk) {
                    if d.passes_through() {
                        let before = out.len();
                        d.push(c, &mut out);
                        assert_eq!(&out[before..], c);
                    } else {
                        d.push(c, &mut out);
                    }
                }
                d.finish(&mut out);
            }
        }
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

    fn with_choice(
        bytes: &[u8],
        choice: EncodingChoice,
        chunk: usize,
    ) -> (TextEncoding, String, u64) {
        let mut d = Decoder::with_choice(choice);
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

    const JA: &str =
        "氏名,住所\r\n山田太郎,愛知県名古屋市中区栄1-1-1\r\n佐藤一郎,子ども医療費受給者証\r\n";

    #[test]
    fn euc_jp_is_detected_and_decoded() {
        let (bytes, _, _) = EUC_JP.encode(JA);
        for chunk in [1, 2, 3, 5, 64, 4096] {
            let (e, s, m) = decode_in_chunks(&bytes, chunk);
            assert_eq!((e, s.as_str(), m), (TextEncoding::EucJp, JA, 0), "{chunk}");
        }
    }

    #[test]
    fn iso_2022_jp_is_detected_and_decoded() {
        let (bytes, _, _) = ISO_2022_JP.encode(JA);
        assert!(bytes.iter().all(|&b| b < 0x80));
        for chunk in [1, 2, 3, 5, 64, 4096] {
            let (e, s, m) = decode_in_chunks(&bytes, chunk);
            assert_eq!(
                (e, s.as_str(), m),
                (TextEncoding::Iso2022Jp, JA, 0),
                "{chunk}"
            );
        }
    }

    #[test]
    fn cp932_and_euc_jp_both_valid_is_ambiguous_and_nothing_is_decoded() {
        // 愛知花子 in EUC-JP is ｰｦﾃﾎｲﾖｻﾒ in CP932: both strictly valid.
        let (bytes, _, _) = EUC_JP.encode("id,name\r\n1,愛知花子\r\n");
        for chunk in [1, 7, 4096] {
            let (e, s, _) = decode_in_chunks(&bytes, chunk);
            assert_eq!(e, TextEncoding::Ambiguous, "{chunk}");
            assert_eq!(s, "id,name\r\n1,", "only the ASCII start is passed on");
        }
    }

    #[test]
    fn ambiguity_is_resolved_by_bytes_past_the_first_window() {
        // 5,000 ambiguous bytes, then a character only EUC-JP can read (子ども…).
        let text = format!("a\r\n{}\r\n子ども\r\n", "愛知花子,".repeat(600));
        let (bytes, _, _) = EUC_JP.encode(&text);
        assert!(bytes.len() > WINDOW);
        for chunk in [1, 1000, 1 << 20] {
            let (e, s, _) = decode_in_chunks(&bytes, chunk);
            assert_eq!(
                (e, s.as_str()),
                (TextEncoding::EucJp, text.as_str()),
                "{chunk}"
            );
        }
    }

    #[test]
    fn an_explicit_choice_overrides_detection() {
        let (euc, _, _) = EUC_JP.encode("id,name\r\n1,愛知花子\r\n");
        let (e, s, m) = with_choice(&euc, EncodingChoice::EucJp, 3);
        assert_eq!(
            (e, s.as_str(), m),
            (TextEncoding::EucJp, "id,name\r\n1,愛知花子\r\n", 0)
        );
        let (e, s, m) = with_choice(&euc, EncodingChoice::Cp932, 3);
        assert_eq!(
            (e, s.as_str(), m),
            (TextEncoding::Cp932, "id,name\r\n1,ｰｦﾃﾎｲﾖｻﾒ\r\n", 0)
        );
        // Bytes invalid in the chosen encoding are counted (S008), never dropped silently.
        let (sjis, _, _) = SHIFT_JIS.encode("名前\r\n");
        let (_, s, m) = with_choice(&sjis, EncodingChoice::EucJp, 1);
        assert!(m > 0 && s.contains('\u{FFFD}'));
        // UTF-8 and UTF-16 skip their own BOM, and need none.
        for chunk in [1, 2, 64] {
            let (e, s, _) = with_choice("\u{FEFF}氏名".as_bytes(), EncodingChoice::Utf8, chunk);
            assert_eq!((e, s.as_str()), (TextEncoding::Utf8Bom, "氏名"));
            let mut le: Vec<u8> = Vec::new();
            for u in "氏名".encode_utf16() {
                le.extend_from_slice(&u.to_le_bytes());
            }
            let (e, s, _) = with_choice(&le, EncodingChoice::Utf16Le, chunk);
            assert_eq!((e, s.as_str()), (TextEncoding::Utf16Le, "氏名"));
            let mut be = vec![0xFE, 0xFF];
            for u in "氏名".encode_utf16() {
                be.extend_from_slice(&u.to_be_bytes());
            }
            let (e, s, _) = with_choice(&be, EncodingChoice::Utf16Be, chunk);
            assert_eq!((e, s.as_str()), (TextEncoding::Utf16Be, "氏名"));
        }
    }

    #[test]
    fn choice_names_round_trip() {
        for c in EncodingChoice::ALL {
            assert_eq!(EncodingChoice::parse(c.as_str()), Some(c));
        }
        assert_eq!(
            EncodingChoice::parse("Shift_JIS"),
            Some(EncodingChoice::Cp932)
        );
        assert_eq!(EncodingChoice::parse("latin1"), None);
    }
}
