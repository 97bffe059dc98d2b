//! Redaction for the help desk (「ヘルプデスク用に匿名化して保存」): a copy of an upload or
//! source file in which every personal value is synthetic, while every finding stays the same.
//!
//! ```text
//! bytes ─Checker (+visitor)─▶ report, column roles, each row's 有効期間開始日
//!       ─raw rewrite─▶ bytes' ─Checker─▶ same (code, row, column) as before, or an error
//! ```
//!
//! * **Raw rewrite, not a rebuilt file.** The input is walked character by character in its
//!   own encoding (UTF-8 with or without BOM, CP932, UTF-16) and split into records exactly as
//!   the checker splits them; only the characters of personal cells are replaced, each by one
//!   character of the same class, written in the same encoding. Everything else — BOM,
//!   delimiter, quotes, line endings, blank and ragged rows, every non-personal byte — is
//!   copied unchanged.
//! * **Personal cells** are the columns mapped to a field whose `personal` is set (個人番号,
//!   氏名, 氏名カナ, 住所, 生年月日), and 受給者証券面項目 columns whose header names such a value
//!   (a header containing 氏名, 名前, フリガナ, 住所, 生年月日, 誕生日, 個人番号 or マイナンバー).
//!   Without a header row the columns are taken in layout order. Cells that may hold anyone's
//!   data in any column — every cell of a row with an unclosed quote (S007, not read by the
//!   checker) and any value spanning lines — have every letter, digit, kana and kanji
//!   replaced; bytes that do not decode in a personal cell are replaced too; a file whose encoding is unknown keeps its readable ASCII start (redacted)
//!   and gets a stand-in for the rest that fails detection the same way.
//! * **Same findings, checked.** How each value is replaced is in [`values`]; at the end the
//!   copy is checked again and compared with the original by (code, row, column). Any difference
//!   is an error ([`RedactError::FindingsChanged`]) and no copy is returned.
//! * **The seed is a secret.** Replacements are derived from it with SHA-256; whoever holds the
//!   seed and the copy could test guesses of the originals, so the seed must never travel with
//!   the file. Different seeds give unrelated replacements.

mod values;

use std::cell::RefCell;
use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::check::{Checker, Options, RowView, trim_edges};
use crate::domain::date::{self, Ymd};
use crate::findings::codes::Code;
use crate::findings::report::Report;
use crate::input::decode::{Decoder, TextEncoding};
use crate::layout::header::{Use, fold};
use crate::layout::{Field, Layout, Personal};

use crate::input::lex::{Enc, FieldUnits, Lexer, RecordUnits, Unit, encode_char};
use values::{CellCtx, Key, TextMode};

/// Bytes handed to the checker at a time.
const CHUNK: usize = 256 * 1024;

/// What a redaction replaced (counts only: never values).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RedactSummary {
    /// Data rows read.
    pub rows: u64,
    /// 個人番号 cells replaced.
    pub my_numbers: u64,
    /// 氏名 / 氏名カナ cells replaced.
    pub names: u64,
    /// 住所 cells replaced.
    pub addresses: u64,
    /// 生年月日 cells replaced.
    pub birth_dates: u64,
    /// 券面項目 cells replaced because their header names a personal value.
    pub detail_cells: u64,
    /// Personal cells left as they were because they hold no personal information (empty, or a
    /// placeholder such as `000000000000` that nothing else is judged the same as).
    pub kept: u64,
    /// Cells the checker does not read as values (rows with an unclosed quote, values spanning
    /// lines), replaced character by character whatever their column.
    pub swallowed: u64,
    /// The part of the file after its readable start was replaced by a stand-in (unknown
    /// encoding).
    pub stand_in_bytes: u64,
    /// Findings, identical before and after.
    pub findings: u64,
}

/// A redacted copy and what was replaced.
#[derive(Debug, Clone)]
pub struct Redacted {
    /// The copy, in the input's encoding and dialect.
    pub bytes: Vec<u8>,
    /// Counts.
    pub summary: RedactSummary,
}

/// Where a finding is: code, row and column (what must not change).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct FindingAt {
    /// The code.
    pub code: Code,
    /// Sheet row (header = 1), if any.
    pub row: Option<u32>,
    /// Column (1-based), if any.
    pub column: Option<u32>,
}

/// Why no redacted copy could be made. Rendered by [`RedactError::message`]; `Display` is the
/// Japanese sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedactError {
    /// The copy would not reproduce the original's findings exactly.
    FindingsChanged {
        /// Findings of the original.
        original: u64,
        /// Findings of the copy.
        redacted: u64,
        /// The first finding that differs (present in one and not the other).
        first: Option<FindingAt>,
    },
}

/// A redacted copy of `input` (see the module docs): personal values synthetic, findings the
/// same under `layout` and `opts`, deterministic for `seed`.
///
/// # Errors
/// [`RedactError::FindingsChanged`] when the copy's findings would differ from the original's.
pub fn redact(
    layout: &Layout,
    opts: &Options,
    input: &[u8],
    seed: u64,
) -> Result<Vec<u8>, RedactError> {
    redact_with_summary(layout, opts, input, seed).map(|r| r.bytes)
}

/// [`redact`], with counts of what was replaced.
///
/// # Errors
/// As [`redact`].
pub fn redact_with_summary(
    layout: &Layout,
    opts: &Options,
    input: &[u8],
    seed: u64,
) -> Result<Redacted, RedactError> {
    let mut opts = opts.clone();
    opts.max_diagnostics = usize::MAX;
    opts.output = None;

    // 1. The original as the checker sees it, and each row's validity start (for R002).
    let valid_from = layout.key_index().valid_from;
    let starts: RefCell<Vec<(u32, Option<Ymd>)>> = RefCell::new(Vec::new());
    let personal: Vec<usize> = (0..layout.fields.len())
        .filter(|&i| layout.fields[i].personal != Personal::None)
        .collect();
    let avoid: RefCell<HashSet<u64>> = RefCell::new(HashSet::new());
    let format = layout.dialect.date_format.as_str();
    let report = {
        let mut checker = Checker::new(layout, opts.clone());
        checker.set_visitor(Box::new(|r: RowView<'_>| {
            let from = valid_from
                .and_then(|i| r.fields.get(i))
                .and_then(|v| date::parse_with_format(trim_edges(v), format));
            starts.borrow_mut().push((r.row, from));
            let mut avoid = avoid.borrow_mut();
            for &i in &personal {
                if let Some(v) = r.fields.get(i) {
                    avoid.insert(value_hash(trim_edges(v)));
                }
            }
        }));
        // In chunks: the checker then consumes records as they are split (bounded memory).
        for chunk in input.chunks(CHUNK) {
            checker.feed(chunk);
        }
        checker.finish()
    };
    let starts = starts.into_inner();
    let avoid = avoid.into_inner();

    // 2. Rewrite.
    let mut summary = RedactSummary {
        rows: report.rows,
        findings: report.total(),
        ..RedactSummary::default()
    };
    let seen = Seen { starts, avoid };
    let bytes = rewrite(
        layout,
        opts.repair,
        &report,
        input,
        seed,
        seen,
        &mut summary,
    );

    // 3. The copy must be judged exactly as the original.
    let again = {
        let mut checker = Checker::new(layout, opts);
        for chunk in bytes.chunks(CHUNK) {
            checker.feed(chunk);
        }
        checker.finish()
    };
    let before = positions(&report);
    let after = positions(&again);
    if before != after {
        let first = before
            .iter()
            .zip(&after)
            .find(|(a, b)| a != b)
            .map(|(a, b)| *a.min(b))
            .or_else(|| before.get(after.len()).or(after.get(before.len())).copied());
        return Err(RedactError::FindingsChanged {
            original: report.total(),
            redacted: again.total(),
            first,
        });
    }
    Ok(Redacted { bytes, summary })
}

fn positions(r: &Report) -> Vec<FindingAt> {
    let mut v: Vec<FindingAt> = r
        .diagnostics
        .iter()
        .map(|d| FindingAt {
            code: d.code,
            row: d.row,
            column: d.column,
        })
        .collect();
    v.sort();
    v
}

/// What a column holds.
#[derive(Debug, Clone, Copy)]
enum Role {
    Keep,
    /// A layout field with personal data.
    Field(usize, Personal),
    /// A 券面項目 whose header names personal data.
    Detail(Personal),
}

fn detail_kind(header: &str) -> Personal {
    let h = fold(header);
    let has = |words: &[&str]| words.iter().any(|w| h.contains(&fold(w)));
    if has(&["個人番号", "マイナンバー"]) {
        Personal::MyNumber
    } else if has(&["生年月日", "誕生日"]) {
        Personal::BirthDate
    } else if has(&["住所"]) {
        Personal::Address
    } else if has(&["氏名", "名前", "フリガナ"]) {
        Personal::Name
    } else {
        Personal::None
    }
}

fn roles(layout: &Layout, report: &Report, no_header: bool) -> Vec<Role> {
    if no_header {
        return layout
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| match f.personal {
                Personal::None => Role::Keep,
                p => Role::Field(i, p),
            })
            .collect();
    }
    report
        .uses
        .iter()
        .zip(&report.headers)
        .map(|(u, h)| match *u {
            Use::Field(i) => match layout.fields.get(i).map(|f| f.personal) {
                Some(Personal::None) | None => Role::Keep,
                Some(p) => Role::Field(i, p),
            },
            Use::Detail => match detail_kind(h) {
                Personal::None => Role::Keep,
                p => Role::Detail(p),
            },
            Use::Ignored => Role::Keep,
        })
        .collect()
}

/// Output under construction: untouched input bytes are copied in runs.
struct Out<'a> {
    input: &'a [u8],
    out: Vec<u8>,
    copied: usize,
}

impl Out<'_> {
    fn replace(&mut self, u: &Unit, bytes: &[u8]) {
        self.replace_span(u.start, u.end, bytes);
    }

    fn replace_span(&mut self, start: usize, end: usize, bytes: &[u8]) {
        if start < self.copied {
            return;
        }
        self.out.extend_from_slice(&self.input[self.copied..start]);
        self.out.extend_from_slice(bytes);
        self.copied = end;
    }
}

/// How many U+FFFD the checker's decoder makes of `bytes` (a run that does not decode, between
/// characters that do). `0xFF` is one U+FFFD in both UTF-8 and Shift_JIS.
fn replacement_chars(bytes: &[u8], enc: Enc) -> usize {
    let text = match enc {
        Enc::Cp932 => encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes).0,
        _ => String::from_utf8_lossy(bytes),
    };
    text.chars().filter(|&c| c == '\u{FFFD}').count().max(1)
}

struct Rewriter<'a> {
    layout: &'a Layout,
    /// Hashes of the file's original personal values (trimmed).
    avoid: HashSet<u64>,
    repair: bool,
    key: Key,
    enc: Enc,
    birth_field: Option<&'a Field>,
    number_field: Option<&'a Field>,
}

impl Rewriter<'_> {
    fn encodable(&self) -> impl Fn(char) -> bool + '_ {
        move |c| self.enc == Enc::Utf8 || encode_char(c, self.enc).is_some()
    }

    /// Replaces one personal cell; `true` if anything changed. A replacement that happens to
    /// equal one of the file's original personal values is drawn again.
    fn cell(
        &self,
        units: &[Unit],
        kind: Personal,
        field: Option<&Field>,
        valid_from: Option<Ymd>,
        out: &mut Out<'_>,
    ) -> bool {
        let value: Vec<char> = units.iter().map(|u| u.ch.unwrap_or('\u{FFFD}')).collect();
        let mut new = Vec::new();
        for salt in 0..8 {
            new = self.replacement(&value, kind, field, valid_from, salt);
            let s: String = new.iter().collect();
            if !self.avoid.contains(&value_hash(trim_edges(&s))) {
                break;
            }
        }
        self.emit(units, &value, &new, out)
    }

    fn replacement(
        &self,
        value: &[char],
        kind: Personal,
        field: Option<&Field>,
        valid_from: Option<Ymd>,
        salt: u32,
    ) -> Vec<char> {
        let raw: String = value.iter().collect();
        let encodable = self.encodable();
        let tag = field.map_or("detail", |f| f.id.as_str());
        let tag = if salt == 0 {
            tag.to_owned()
        } else {
            format!("{tag}#{salt}")
        };
        let mut rng = self.key.rng(&tag, &raw, 0);
        match kind {
            Personal::None => value.to_vec(),
            Personal::Name | Personal::Address => {
                values::redact_text(value, values::text_mode(field, kind), &mut rng, &encodable)
            }
            Personal::MyNumber => match field.or(self.number_field) {
                Some(f) => {
                    let ctx = CellCtx {
                        field: f,
                        dialect: &self.layout.dialect,
                        repair: self.repair && field.is_some(),
                        valid_from,
                    };
                    values::redact_my_number(value, &self.key, &ctx, &mut rng, &encodable, salt)
                }
                None => values::redact_text(value, TextMode::All, &mut rng, &encodable),
            },
            Personal::BirthDate => match field.or(self.birth_field) {
                Some(f) => {
                    let ctx = CellCtx {
                        field: f,
                        dialect: &self.layout.dialect,
                        repair: self.repair && field.is_some(),
                        valid_from: if field.is_some() { valid_from } else { None },
                    };
                    values::redact_date(value, &self.key, &ctx, &tag, &encodable)
                }
                None => values::redact_text(value, TextMode::All, &mut rng, &encodable),
            },
        }
    }

    /// Replaces every substitutable character of a value the checker does not read.
    fn swallowed(&self, units: &[Unit], out: &mut Out<'_>) -> bool {
        let value: Vec<char> = units.iter().map(|u| u.ch.unwrap_or('\u{FFFD}')).collect();
        let raw: String = value.iter().collect();
        let mut rng = self.key.rng("swallowed", &raw, 0);
        let new = values::redact_text(&value, TextMode::All, &mut rng, &self.encodable());
        self.emit(units, &value, &new, out)
    }

    fn emit(&self, units: &[Unit], old: &[char], new: &[char], out: &mut Out<'_>) -> bool {
        if new.len() != old.len() {
            return false; // never: every replacement keeps the length
        }
        let mut changed = false;
        let mut i = 0;
        while i < units.len() {
            if units[i].ch.is_none() {
                // Bytes that do not decode may still spell a name in another encoding: replace
                // them by bytes that do not decode either (UTF-16 lone surrogates carry
                // nothing). The checker's decoder turns a run of such bytes into some number of
                // U+FFFD (one per maximal invalid subpart, not one per byte): the stand-in
                // gives exactly as many, so lengths (V002) and characters stay as judged.
                let run = i..units[i..]
                    .iter()
                    .position(|u| u.ch.is_some())
                    .map_or(units.len(), |k| i + k);
                if matches!(self.enc, Enc::Utf8 | Enc::Cp932) {
                    let (s, e) = (units[run.start].start, units[run.end - 1].end);
                    let n = replacement_chars(&out.input[s..e], self.enc);
                    out.replace_span(s, e, &vec![0xFF; n]);
                    changed = true;
                }
                i = run.end;
                continue;
            }
            let (u, o, n) = (&units[i], old[i], new[i]);
            i += 1;
            if o != n
                && let Some(b) = encode_char(n, self.enc)
            {
                out.replace(u, &b);
                changed = true;
            }
        }
        changed
    }
}

/// What the checker's pass over the original told us.
struct Seen {
    /// (sheet row, 有効期間開始日) of every row the checker read. Rows, not physical lines:
    /// with CR-only line endings every record starts on "line 1".
    starts: Vec<(u32, Option<Ymd>)>,
    /// Hashes of the original personal values.
    avoid: HashSet<u64>,
}

fn rewrite(
    layout: &Layout,
    repair: bool,
    report: &Report,
    input: &[u8],
    seed: u64,
    seen: Seen,
    summary: &mut RedactSummary,
) -> Vec<u8> {
    let (enc, start, end) = match report.encoding {
        TextEncoding::Ascii | TextEncoding::Utf8 => (Enc::Utf8, 0, input.len()),
        TextEncoding::Utf8Bom => (Enc::Utf8, 3, input.len()),
        TextEncoding::Cp932 => (Enc::Cp932, 0, input.len()),
        TextEncoding::Utf16Le => (Enc::Utf16Le, 2, input.len()),
        TextEncoding::Utf16Be => (Enc::Utf16Be, 2, input.len()),
        TextEncoding::Unknown => {
            let p = input
                .iter()
                .position(|&b| b >= 0x80 || b == 0)
                .unwrap_or(input.len());
            (Enc::Utf8, 0, p)
        }
    };
    let Seen { starts, mut avoid } = seen;
    let no_header = report.count(Code::NoHeader) > 0;
    let roles = roles(layout, report, no_header);
    // The raw personal values, so that no replacement equals any of them.
    let mut lexer = Lexer::new(input, start.min(input.len()), end, enc, report.delimiter);
    let mut rec = RecordUnits::default();
    let mut first = true;
    while lexer.next_record(&mut rec) {
        if std::mem::take(&mut first) && !no_header {
            continue;
        }
        for (col, f) in rec.fields.iter().enumerate() {
            if matches!(roles.get(col), Some(Role::Field(..) | Role::Detail(_))) {
                let v: String = f
                    .content
                    .iter()
                    .map(|u| u.ch.unwrap_or('\u{FFFD}'))
                    .collect();
                avoid.insert(value_hash(trim_edges(&v)));
            }
        }
    }
    let rw = Rewriter {
        layout,
        avoid,
        repair,
        key: Key::new(seed),
        enc,
        birth_field: layout
            .fields
            .iter()
            .find(|f| f.personal == Personal::BirthDate),
        number_field: layout
            .fields
            .iter()
            .find(|f| f.personal == Personal::MyNumber),
    };
    let mut out = Out {
        input,
        out: Vec::with_capacity(input.len()),
        copied: 0,
    };
    let mut lexer = Lexer::new(input, start.min(input.len()), end, enc, report.delimiter);
    let mut rec = RecordUnits::default();
    let mut first = true;
    let mut cursor = 0usize;
    let mut row = 0u32;
    while lexer.next_record(&mut rec) {
        // The sheet row as the checker counts it: every blank line is a row too.
        row = row.saturating_add(u32::try_from(rec.blank_before + 1).unwrap_or(u32::MAX));
        if std::mem::take(&mut first) && !no_header {
            continue; // the header row
        }
        while cursor < starts.len() && starts[cursor].0 < row {
            cursor += 1;
        }
        let valid_from = starts.get(cursor).filter(|s| s.0 == row).and_then(|s| s.1);
        // A record with an odd number of quotes is not read by the checker (S007): nothing in it
        // is judged, and its columns may hold anything (often the rows that follow).
        let unread = rec.quotes % 2 == 1;
        for (col, f) in rec.fields.iter().enumerate() {
            let role = if unread {
                None
            } else {
                roles.get(col).copied()
            };
            rewrite_field(&rw, f, role, unread, valid_from, &mut out, summary);
        }
    }
    if end < input.len() {
        // Unknown encoding: what follows the readable start is never read; a stand-in that
        // fails detection the same way takes its place.
        out.out.extend_from_slice(&input[out.copied..end]);
        out.copied = input.len();
        let prefix = out.out.clone();
        out.out
            .extend_from_slice(&stand_in(input, &prefix, input.len() - end));
        summary.stand_in_bytes = (input.len() - end) as u64;
    }
    out.out
        .extend_from_slice(&input[out.copied.min(input.len())..]);
    out.out
}

fn rewrite_field(
    rw: &Rewriter<'_>,
    f: &FieldUnits,
    role: Option<Role>,
    unread: bool,
    valid_from: Option<Ymd>,
    out: &mut Out<'_>,
    summary: &mut RedactSummary,
) {
    // Cells of unread records (an odd number of quotes: S007, which includes a quote left open
    // to the end of the file) and values spanning lines (in this layout always spilled rows)
    // may hold anyone's data in any column: every letter, digit, kana and kanji is replaced,
    // structure and spacing kept.
    let spans_lines = f.content.iter().any(|u| matches!(u.ch, Some('\r' | '\n')));
    if unread || spans_lines {
        if rw.swallowed(&f.content, out) {
            summary.swallowed += 1;
        }
        return;
    }
    let (kind, field) = match role {
        Some(Role::Field(i, p)) => (p, rw.layout.fields.get(i)),
        Some(Role::Detail(p)) => (p, None),
        Some(Role::Keep) | None => return,
    };
    if f.content.is_empty() {
        return;
    }
    if !rw.cell(&f.content, kind, field, valid_from, out) {
        summary.kept += 1;
        return;
    }
    let counter = match (role, kind) {
        (Some(Role::Detail(_)), _) => &mut summary.detail_cells,
        (_, Personal::MyNumber) => &mut summary.my_numbers,
        (_, Personal::Address) => &mut summary.addresses,
        (_, Personal::BirthDate) => &mut summary.birth_dates,
        _ => &mut summary.names,
    };
    *counter += 1;
}

fn value_hash(v: &str) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// `len` bytes that, after `prefix`, make the decoder reject the file for the same reason as
/// `original` (NUL bytes, or neither UTF-8 nor Shift_JIS).
fn stand_in(original: &[u8], prefix: &[u8], len: usize) -> Vec<u8> {
    let reason = |bytes: &[u8]| {
        let mut d = Decoder::new();
        let mut sink = Vec::new();
        d.push(bytes, &mut sink);
        d.finish(&mut sink);
        d.failure()
    };
    let goal = reason(original);
    for fill in [0x00u8, 0xFD] {
        let mut whole = prefix.to_vec();
        whole.extend(std::iter::repeat_n(fill, len));
        if reason(&whole) == goal {
            return vec![fill; len];
        }
    }
    vec![0u8; len]
}
