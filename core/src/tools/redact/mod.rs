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
//!   or a person (a header containing 氏名, 名前, フリガナ, カナ, 旧姓, 世帯主, 保護者, 申請者,
//!   代理人, 母, 父, 宛名, 児童, 患者, 受診者, 親権者, 扶養義務者, 担当者, 家族, 被保険者, 本人,
//!   電話, 連絡先, メール, TEL, mail, name, 住所, 送付先, 居所, 郵便, 所在地, address, 生年月日,
//!   誕生日, birth, 個人番号 or マイナンバー). In a 個人番号 or 生年月日 cell every digit run
//!   changes and every letter, kana and kanji that is not date syntax (年月日, an era, 元) is
//!   replaced too: a name typed after the number or the date, an address shifted into the
//!   column, a date the checker cannot read (`1946年8月27日生`) keep nothing of the original.
//! * **Every other cell** of every record read (broken rows included) is searched for personal
//!   values (`scan`): a valid My Number, a phone number, a postcode, an e-mail address, a
//!   date (outside date fields), a birth date in part (`8月27日`, `46/8/27`), an address's tail
//!   (`6丁目5番8号`), the row's own 基本5情報 (and parts of names) and every row's (`shared`: a
//!   family member's name in 備考 is another row's 氏名; a My Number with a wrong check digit
//!   too), and, in free text, a カナ in romaji (`romaji`). What is found
//!   is replaced by a value of the same shape that leaves the cell's findings as they were
//!   (`values::other_sig`). In a row with the wrong number of columns (S006) the values are
//!   shifted, so every cell that is not a date, a valid code or flag, an 8-digit 公費負担者番号,
//!   the 機関別受給者証種別ID or a master-checked value is replaced whole. A certificate key
//!   value (受給者番号, サブキー) or 機関別受給者証種別ID found to hold a personal value is
//!   replaced in every row by the same replacement, drawn once in the first row that holds it
//!   (K001/K002/K004 see the same keys and types).
//!   Without a header row the columns are taken in layout order. Cells that may hold anyone's
//!   data in any column — every cell of a row with an unclosed quote (S007, not read by the
//!   checker) and any value spanning lines — have every letter, digit, kana and kanji
//!   replaced; bytes that do not decode in a personal cell are replaced too; a file whose encoding is unknown keeps its readable ASCII start (redacted)
//!   and gets a stand-in for the rest that fails detection the same way.
//! * **The header row** is kept for the findings, except a cell that is no field's name and
//!   holds a My Number, phone number, postcode, e-mail address or date, equals a personal
//!   value of the file, or holds a row's own personal value or a part of a name (searched for
//!   with every row's own values, `村上大翔 備考`, `備考（村上様）`): its letters, digits, kana
//!   and kanji are replaced.
//! * **The 履歴キー** of a 差分履歴 file (made from the My Number) is replaced in every row by a
//!   stand-in drawn from the key alone: every letter, digit, kana and kanji for one of its
//!   class, equal keys alike (K003).
//! * **A UTF-8 file read in another encoding** (the caller's choice, S025) is redacted as the
//!   UTF-8 text it is and judged as it was read.
//! * **Same findings, checked.** How each value is replaced is in `values`; at the end the
//!   copy is checked again and compared with the original by (code, row, column). Any difference
//!   is an error ([`RedactError::FindingsChanged`]) and no copy is returned.
//! * **The seed is a secret.** Replacements are derived from it with SHA-256; whoever holds the
//!   seed and the copy could test guesses of the originals, so the seed must never travel with
//!   the file. Different seeds give unrelated replacements.

mod romaji;
mod scan;
mod shared;
mod values;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::check::{Checker, Options, RowView, trim_edges};
use crate::domain::date::{self, Ymd};
use crate::findings::codes::Code;
use crate::findings::report::Report;
use crate::input::decode::{Decoder, TextEncoding};
use crate::layout::header::{Use, fold};
use crate::layout::{CharClass, Check, Field, Layout, Personal, ValueType};

use crate::input::lex::{Enc, FieldUnits, Lexer, RecordUnits, Unit, encode_char};
use crate::tools::rng::Rng;
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
    /// Cells of other columns in which a personal value was found and replaced: a My Number,
    /// phone number, postcode, e-mail address or date, or the row's own 基本5情報 (and, in a
    /// row with the wrong number of columns, whole cells near the personal columns).
    pub found_elsewhere: u64,
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
    /// The input's encoding is ambiguous (S018), or an ISO-2022-JP input holds bytes or
    /// values that do not survive the way through UTF-8: no copy is made rather than one in
    /// another encoding.
    UnsupportedEncoding {
        /// The input's encoding.
        encoding: TextEncoding,
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
    let birth = layout.key_index().date_of_birth;
    let starts_of_birth: RefCell<HashMap<Ymd, Vec<Ymd>>> = RefCell::new(HashMap::new());
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
            let born = birth
                .and_then(|i| r.fields.get(i))
                .and_then(|v| date::parse_with_format(trim_edges(v), format));
            if let (Some(b), Some(f)) = (born, from) {
                starts_of_birth.borrow_mut().entry(b).or_default().push(f);
            }
            let mut avoid = avoid.borrow_mut();
            for &i in &personal {
                if let Some(v) = r.fields.get(i) {
                    avoid_value(&mut avoid, v, layout.fields[i].personal);
                }
            }
        }));
        // In chunks: the checker then consumes records as they are split (bounded memory).
        for chunk in input.chunks(CHUNK) {
            checker.feed(chunk);
        }
        checker.finish()
    };
    match report.encoding {
        TextEncoding::Ambiguous => {
            return Err(RedactError::UnsupportedEncoding {
                encoding: report.encoding,
            });
        }
        TextEncoding::Iso2022Jp => return via_utf8(layout, &opts, input, &report, seed),
        _ if report.count(Code::EncodingLooksUtf8) > 0 => {
            return as_read_utf8(layout, &opts, input, &report, seed);
        }
        _ => {}
    }
    let starts = starts.into_inner();
    let avoid = avoid.into_inner();
    let mut starts_of_birth = starts_of_birth.into_inner();
    for v in starts_of_birth.values_mut() {
        v.sort_unstable();
        v.dedup();
    }

    // 2. Rewrite, and 3. the copy must be judged exactly as the original. Stand-ins are drawn
    // from small spaces (a value keeps its length and form), so two values can rarely meet
    // where the original's did not (two certificates' keys becoming one: K004). Such a copy is
    // never given; the next attempt draws other stand-ins from a seed derived from `seed`, so
    // the same seed still gives the same copy.
    let seen = Seen {
        starts,
        avoid,
        starts_of_birth,
    };
    let mut refusal = None;
    for attempt in 0..ATTEMPTS {
        let mut summary = RedactSummary {
            rows: report.rows,
            findings: report.total(),
            ..RedactSummary::default()
        };
        let seed = attempt_seed(seed, attempt);
        let bytes = rewrite(layout, &opts, &report, input, seed, &seen, &mut summary);
        match judged_as_original(layout, &opts, &report, &bytes) {
            Ok(()) => return Ok(Redacted { bytes, summary }),
            Err(e) => {
                refusal.get_or_insert(e);
            }
        }
    }
    Err(refusal.expect("at least one attempt"))
}

/// Copies drawn before one whose findings are those of the original is given up.
const ATTEMPTS: u64 = 4;

/// The same for a UTF-8 file read in another encoding (S025): every replaced character changes
/// how its bytes are misread (a lead byte for a trail byte), so that in a row of a few kana
/// cells only about one copy in five is judged as the original (`S025_utf8_read_as_cp932.csv`:
/// 27 of 60 seeds gave a copy with four attempts). Such a file is a mistake to be shown, rarely
/// large: drawn up to 64 times (a refusal then about one in a million).
const ATTEMPTS_MISREAD: u64 = 64;

/// The seed of attempt `k` (attempt 0: `seed` itself).
fn attempt_seed(seed: u64, k: u64) -> u64 {
    if k == 0 {
        return seed;
    }
    // SplitMix64's finaliser over the seed and the attempt: unrelated streams per attempt.
    let mut z = seed ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `opts` with the input read as UTF-8 (the copy is redacted as UTF-8 text).
fn read_as_utf8(opts: &Options) -> Options {
    Options {
        encoding: crate::input::decode::EncodingChoice::Utf8,
        ..opts.clone()
    }
}

/// An ISO-2022-JP file (its escape sequences switch character sets, so it cannot be rewritten
/// cell by cell in place): decoded to UTF-8, redacted there, encoded back to ISO-2022-JP, and
/// the copy checked against the original's findings like every other copy. A value that does
/// not encode back (a character outside JIS X 0208) refuses the copy rather than change it.
fn via_utf8(
    layout: &Layout,
    opts: &Options,
    input: &[u8],
    report: &Report,
    seed: u64,
) -> Result<Redacted, RedactError> {
    let unsupported = || RedactError::UnsupportedEncoding {
        encoding: TextEncoding::Iso2022Jp,
    };
    let (text, malformed) = encoding_rs::ISO_2022_JP.decode_without_bom_handling(input);
    if malformed {
        return Err(unsupported());
    }
    let utf8 = read_as_utf8(opts);
    let inner = redact_with_summary(layout, &utf8, text.as_bytes(), seed)?;
    let copy = std::str::from_utf8(&inner.bytes).map_err(|_| unsupported())?;
    let (bytes, _, unmappable) = encoding_rs::ISO_2022_JP.encode(copy);
    if unmappable {
        return Err(unsupported());
    }
    let bytes = bytes.into_owned();
    judged_as_original(layout, opts, report, &bytes)?;
    Ok(Redacted {
        bytes,
        summary: inner.summary,
    })
}

/// A UTF-8 file read in another encoding the caller chose (S025): its cells, read that way,
/// are garbled, and characters rewritten in that encoding would leave bytes that are no longer
/// UTF-8 (S025 gone). It is redacted as the UTF-8 text it is (its names are names there), and
/// the copy, still UTF-8, must be judged as the original was read; the stand-ins are drawn
/// again (as in [`redact_with_summary`]) before the copy is refused.
fn as_read_utf8(
    layout: &Layout,
    opts: &Options,
    input: &[u8],
    report: &Report,
    seed: u64,
) -> Result<Redacted, RedactError> {
    let utf8 = read_as_utf8(opts);
    let mut refusal = None;
    for attempt in 0..ATTEMPTS_MISREAD {
        let copy = redact_with_summary(layout, &utf8, input, attempt_seed(seed, attempt)).and_then(
            |mut inner| {
                judged_as_original(layout, opts, report, &inner.bytes)?;
                inner.summary.findings = report.total();
                Ok(inner)
            },
        );
        match copy {
            Ok(c) => return Ok(c),
            Err(e) => {
                refusal.get_or_insert(e);
            }
        }
    }
    Err(refusal.expect("at least one attempt"))
}

/// Checks the copy as the original was checked and demands the very same findings (code, row,
/// column).
fn judged_as_original(
    layout: &Layout,
    opts: &Options,
    report: &Report,
    copy: &[u8],
) -> Result<(), RedactError> {
    let again = {
        let mut checker = Checker::new(layout, opts.clone());
        for chunk in copy.chunks(CHUNK) {
            checker.feed(chunk);
        }
        checker.finish()
    };
    let (before, after) = (positions(report), positions(&again));
    if before == after {
        return Ok(());
    }
    let first = before
        .iter()
        .zip(&after)
        .find(|(a, b)| a != b)
        .map(|(a, b)| *a.min(b))
        .or_else(|| before.get(after.len()).or(after.get(before.len())).copied());
    Err(RedactError::FindingsChanged {
        original: report.total(),
        redacted: again.total(),
        first,
    })
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
    if has(&["個人番号", "マイナンバー", "mynumber", "my number"]) {
        Personal::MyNumber
    } else if has(&["生年月日", "誕生日", "birth"]) {
        Personal::BirthDate
    } else if has(&["住所", "送付先", "居所", "郵便", "所在地", "address"]) {
        Personal::Address
    } else if has(&[
        "氏名",
        "名前",
        "フリガナ",
        "カナ",
        "旧姓",
        "世帯主",
        "保護者",
        "申請者",
        "代理人",
        "母",
        "父",
        "宛名",
        "児童",
        "患者",
        "受診者",
        "親権者",
        "扶養義務者",
        "担当者",
        "家族",
        "被保険者",
        "本人",
        "電話",
        "連絡先",
        "メール",
        "TEL",
        "mail",
        "name",
    ]) {
        // Names, and contacts (every letter and digit is replaced, like a name's).
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
        Enc::EucJp => encoding_rs::EUC_JP.decode_without_bom_handling(bytes).0,
        _ => String::from_utf8_lossy(bytes),
    };
    text.chars().filter(|&c| c == '\u{FFFD}').count().max(1)
}

/// The replacement (`None`: kept) of each certificate key or type value, by field and value.
type KeyMemo = HashMap<(usize, String), Option<Vec<char>>>;

/// A cell of another column as its replacement depends on it: the field (its index), the value,
/// the row's 公費負担者番号 where the field's check reads it, and the spans found.
type OtherKey = (Option<usize>, String, String, Vec<scan::Span>);

/// Replacements of other columns' cells drawn lately (the same clinic, the same note in many
/// rows): a replacement is a function of its [`OtherKey`] alone, so one drawn for an equal key
/// is the one that would be drawn again. At most [`OTHER_MEMO`] entries (then emptied).
type OtherMemo = HashMap<OtherKey, Option<Vec<char>>>;

const OTHER_MEMO: usize = 4096;

struct Rewriter<'a> {
    layout: &'a Layout,
    /// Hashes of the file's original personal values (trimmed).
    avoid: HashSet<u64>,
    repair: bool,
    key: Key,
    enc: Enc,
    birth_field: Option<&'a Field>,
    number_field: Option<&'a Field>,
    known_insurers: &'a [String],
    /// See [`Seen::starts_of_birth`].
    starts_of_birth: &'a HashMap<Ymd, Vec<Ymd>>,
    /// The day each date of birth (by its day) was moved to, first cell first.
    birth_memo: RefCell<HashMap<Ymd, Ymd>>,
    /// Replacements of certificate key and type values ([`Self::key_cell`]).
    key_memo: RefCell<KeyMemo>,
    /// Replacements of other columns' cells ([`Self::other_replacement`]).
    other_memo: RefCell<OtherMemo>,
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
        // The checker compares a value without its edge spaces (U+FEFF among them): `X` and
        // `X<U+FEFF>` in two rows of one certificate are K001. So the value between them is
        // replaced as it stands alone and the edges are kept as they are (spaces, BOMs and
        // controls: nobody's data): the two get one stand-in. A value of edges only is
        // replaced whole.
        let is_edge = |c: &&char| crate::domain::chars::is_edge_space(**c);
        let lead = value.iter().take_while(is_edge).count();
        let trail = value[lead..].iter().rev().take_while(is_edge).count();
        let (lead, trail) = if lead == value.len() {
            (0, 0)
        } else {
            (lead, trail)
        };
        let (front, core, back) = (
            &value[..lead],
            &value[lead..value.len() - trail],
            &value[value.len() - trail..],
        );
        let mut drawn = Vec::new();
        for salt in 0..8 {
            drawn = self.replacement(core, kind, field, valid_from, salt);
            let s: String = drawn.iter().collect();
            if !self.avoid.contains(&value_hash(trim_edges(&s))) {
                break;
            }
        }
        // The day a layout 生年月日 was moved to, for the next cells of the same day (the
        // value kept, not a draw refused for meeting an original value).
        if kind == Personal::BirthDate
            && field.is_some()
            && let (Ok(from), Ok(to)) = (
                date::parse_lenient(&core.iter().collect::<String>(), true),
                date::parse_lenient(&drawn.iter().collect::<String>(), true),
            )
        {
            self.birth_memo
                .borrow_mut()
                .entry(from.date)
                .or_insert(to.date);
        }
        let new = [front, &drawn, back].concat();
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
        // Seeded by the value without its edge spaces (U+FEFF among them), as the checker
        // compares it: "X" and " X" in two rows of one certificate get one stand-in.
        let mut rng = self.key.rng(&tag, trim_edges(&raw), 0);
        // An Excel error value (#N/A …) is nobody's data, and its finding (V011) must stay.
        if crate::check::cells::is_excel_error(trim_edges(&raw)) {
            return value.to_vec();
        }
        // A whole My Number in a text field or a 券面 column of another kind (a column mapped
        // one off): V013, which another valid My Number keeps.
        let text_cell = field.is_none_or(|f| f.value_type == ValueType::Text);
        if kind != Personal::MyNumber
            && text_cell
            && values::whole_my_number(&raw)
            && let Some(f) = self.number_field
        {
            let ctx = CellCtx {
                field: f,
                dialect: &self.layout.dialect,
                repair: false,
                valid_from,
                starts_of_birth: &[],
            };
            return values::redact_my_number(value, &self.key, &ctx, &mut rng, &encodable, salt);
        }
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
                        starts_of_birth: &[],
                    };
                    values::redact_my_number(value, &self.key, &ctx, &mut rng, &encodable, salt)
                }
                None => values::redact_text(value, TextMode::All, &mut rng, &encodable),
            },
            Personal::BirthDate => match field.or(self.birth_field) {
                Some(f) => {
                    let mut ctx = CellCtx {
                        field: f,
                        dialect: &self.layout.dialect,
                        repair: self.repair && field.is_some(),
                        valid_from: if field.is_some() { valid_from } else { None },
                        starts_of_birth: &[],
                    };
                    if field.is_none() {
                        return values::redact_date(value, &self.key, &ctx, &tag, &encodable);
                    }
                    // The layout's 生年月日 (not a 券面 column named like it): judged against
                    // every row with this date of birth, and moved to the day the first cell
                    // of the same day was moved to when that day is judged the same here.
                    if let Some(starts) =
                        values::checked_date(&ctx, &raw).and_then(|b| self.starts_of_birth.get(&b))
                    {
                        ctx.starts_of_birth = starts;
                    }
                    // A draw again (salt > 0: the first equals an original value) draws anew.
                    let prefer = (salt == 0)
                        .then(|| date::parse_lenient(&raw, true).ok())
                        .flatten()
                        .and_then(|l| self.birth_memo.borrow().get(&l.date).copied());
                    values::redact_date_to(value, &self.key, &ctx, &tag, &encodable, prefer).0
                }
                None => values::redact_text(value, TextMode::All, &mut rng, &encodable),
            },
        }
    }

    /// Replaces the personal values found in a cell of another column (see [`scan`]), or the
    /// whole cell (`whole`); `true` if anything changed. Where the column is a layout field,
    /// the replacement must leave everything the checker concludes about the cell as it was
    /// ([`values::other_sig`]); when no draw does, the cell is replaced all the same (never
    /// kept with the value in it) and the final comparison of findings refuses the copy.
    fn other_cell(
        &self,
        units: &[Unit],
        field: Option<&Field>,
        ctx: &OtherCtx<'_>,
        whole: bool,
        out: &mut Out<'_>,
    ) -> bool {
        let value: Vec<char> = units.iter().map(|u| u.ch.unwrap_or('\u{FFFD}')).collect();
        match self.other_replacement(&value, field, ctx, whole) {
            Some(cand) => self.emit(units, &value, &cand, out),
            None => false,
        }
    }

    /// A cell of a certificate key field (受給者番号, サブキー …) or of the certificate type that
    /// holds a personal value: replaced whole, and by the same replacement in every row that
    /// holds the same value, so that K001/K002/K004 compare the rows as in the original. The
    /// replacement is drawn once, in the first such row: drawn again in another row it could
    /// differ, since a draw also avoids that row's own personal values.
    fn key_cell(
        &self,
        fi: usize,
        units: &[Unit],
        field: Option<&Field>,
        ctx: &OtherCtx<'_>,
        out: &mut Out<'_>,
    ) -> bool {
        let value: Vec<char> = units.iter().map(|u| u.ch.unwrap_or('\u{FFFD}')).collect();
        let memo_key = (fi, value.iter().collect::<String>());
        let known = self.key_memo.borrow().get(&memo_key).cloned();
        let cand = known.unwrap_or_else(|| {
            let cand = self.other_replacement(&value, field, ctx, true);
            self.key_memo.borrow_mut().insert(memo_key, cand.clone());
            cand
        });
        match cand {
            Some(cand) => self.emit(units, &value, &cand, out),
            None => false,
        }
    }

    /// Replaces a 履歴キー by a stand-in drawn from the value alone (with the copy's secret
    /// seed): equal keys stay equal (K003), and each character keeps its class (a digit, a hex
    /// letter, another letter, either case; any other letter, digit, kana or kanji — a name or
    /// a My Number typed into the column — for one of its class), so the length and character
    /// checks judge the stand-in as the original. Anything else (a hyphen, a space) is kept.
    fn history_key_cell(&self, units: &[Unit], out: &mut Out<'_>) -> bool {
        let value: Vec<char> = units.iter().map(|u| u.ch.unwrap_or('\u{FFFD}')).collect();
        let raw: String = value.iter().collect();
        let encodable = self.encodable();
        let mut rng = self.key.rng("historyKey", trim_edges(&raw), 0);
        let new: Vec<char> = (0..value.len())
            .map(|i| {
                let mut pick = |from: u8, n: u64| char::from(from + rng.below(n) as u8);
                match value[i] {
                    '0'..='9' => pick(b'0', 10),
                    'a'..='f' => pick(b'a', 6),
                    'A'..='F' => pick(b'A', 6),
                    'g'..='z' => pick(b'g', 20),
                    'G'..='Z' => pick(b'G', 20),
                    _ => values::scramble_at(&value, i, &mut rng, &encodable),
                }
            })
            .collect();
        self.emit(units, &value, &new, out)
    }

    /// What [`Self::other_cell`] writes for a cell's characters: `None` keeps the cell.
    fn other_replacement(
        &self,
        value: &[char],
        field: Option<&Field>,
        ctx: &OtherCtx<'_>,
        whole: bool,
    ) -> Option<Vec<char>> {
        // 8 bare digits are a date only where free text is: not in number or code fields.
        // A date field's value that is no date the checker reads (a date in kanji numerals,
        // `生H25.1.1`) is searched like free text. Romaji names are looked for in free text.
        let dates = match field {
            Some(f)
                if f.value_type != ValueType::Text
                    || matches!(f.chars, CharClass::Alnum | CharClass::Digits) =>
            {
                scan::Dates::Separated
            }
            _ => scan::Dates::Any,
        };
        let free_text = dates == scan::Dates::Any;
        if !whole && !scan::may_hold_in(value, ctx.own, Some(ctx.shared), free_text) {
            return None;
        }
        let raw: String = value.iter().collect();
        let date_field = field.is_some_and(|f| f.value_type == ValueType::Date);
        // A date in a date field (有効期間) is the checked value, not a birth date, even when it
        // is the same day (a certificate valid from birth): kept.
        let is_date = date_field && date::parse_lenient(&raw, true).is_ok();
        let mut spans = if is_date {
            Vec::new()
        } else {
            let mut spans = scan::find_in(value, ctx.own, Some(ctx.shared), dates);
            // A validity date the checker cannot read (`平成99年3月31日`) is what the help desk
            // must see: not taken for a birth date written in part.
            if date_field {
                spans.retain(|sp| sp.hit != scan::Hit::PartialDate);
            }
            spans
        };
        // A 10-digit number in 指定医療機関情報 may be a 医療機関コード or a phone number: the
        // digits cannot tell (one phone in ten passes the code's check digit). It is replaced
        // like any phone number; the replacement keeps the cell's findings (N006 included).
        if whole {
            spans.insert(
                0,
                scan::Span {
                    range: 0..value.len(),
                    hit: scan::Hit::Own,
                },
            );
        }
        if spans.is_empty() {
            return None;
        }
        // The row's 公費負担者番号 is read by the check of a 7-digit 医療機関コード alone (a run
        // of exactly seven digits, half-width or, once repaired, full-width): a cell without
        // one is judged (and replaced) alike in every row.
        let runs_of_seven =
            |digit: &dyn Fn(char) -> bool| value.split(|&c| !digit(c)).any(|run| run.len() == 7);
        let seven =
            runs_of_seven(&|c| c.is_ascii_digit()) || runs_of_seven(&|c| scan::digit(c).is_some());
        let insurer = ctx
            .insurer
            .filter(|_| seven && field.is_some_and(|f| f.has_check(Check::MedicalInstitutionCodes)))
            .map(|f| {
                let t: String = f.content.iter().filter_map(|u| u.ch).collect();
                let t = trim_edges(&t);
                if self.repair {
                    crate::domain::chars::fullwidth_alnum_to_halfwidth(t)
                } else {
                    t.to_owned()
                }
            })
            .unwrap_or_default();
        let key: OtherKey = (
            field.and_then(|f| self.layout.fields.iter().position(|g| std::ptr::eq(g, f))),
            raw.clone(),
            insurer.clone(),
            spans.clone(),
        );
        if let Some(known) = self.other_memo.borrow().get(&key) {
            return known.clone();
        }
        let drawn = self.draw_other(value, &raw, field, &spans, &insurer);
        let mut memo = self.other_memo.borrow_mut();
        if memo.len() >= OTHER_MEMO {
            memo.clear();
        }
        memo.insert(key, drawn.clone());
        drawn
    }

    /// The replacement of the `spans` of a cell of another column (see
    /// [`Self::other_replacement`]), judged with the row's 公費負担者番号 `insurer` where the
    /// field's check reads it.
    fn draw_other(
        &self,
        value: &[char],
        raw: &str,
        field: Option<&Field>,
        spans: &[scan::Span],
        insurer: &str,
    ) -> Option<Vec<char>> {
        let sig = |v: &str, f: &Field| {
            values::other_sig(
                f,
                &self.layout.dialect,
                self.repair,
                v,
                insurer,
                self.known_insurers,
            )
        };
        let goal = field.map(|f| sig(raw, f));
        // A cell of no field (a 券面 column) that is a My Number stays one (V013).
        let my_number = values::whole_my_number(raw);
        let mut last = None;
        // One stream per cell (one SHA-256 for every draw of it).
        let mut rng = self.key.rng("elsewhere", trim_edges(raw), 0);
        for attempt in 0..256u32 {
            let cand = self.replace_spans(value, spans, &mut rng, attempt);
            if cand == value || self.clashes(&cand, spans) {
                continue;
            }
            let s: String = cand.iter().collect();
            let judged = match (field, &goal) {
                (Some(f), Some(g)) => sig(&s, f) == *g,
                _ => values::whole_my_number(&s) == my_number,
            };
            if !judged {
                last = Some(cand);
                continue;
            }
            return Some(cand);
        }
        // No draw keeps the findings. One or two letters or digits hold no personal value (a
        // `0` in a date column is V004 in build mode, every other digit an Excel serial):
        // kept. Anything longer is replaced all the same, and the final comparison of findings
        // refuses the copy rather than leak the value.
        if values::substitutable(value) <= 2 {
            return None;
        }
        // Every draw met another recipient's value: the cell's every letter, digit, kana and
        // kanji replaced instead (never kept).
        last.or_else(|| {
            let mut rng = self.key.rng("elsewhere-all", trim_edges(raw), 0);
            let cand = values::redact_text(value, TextMode::All, &mut rng, &self.encodable());
            (cand != value).then_some(cand)
        })
    }

    /// Whether a candidate brings in one of the file's original personal values, as the cell
    /// or as one of its replaced parts: a birth date moved by a few days can land on another
    /// recipient's birth date, a scrambled number on another's My Number. Values of one or two
    /// characters are no one's (a `19` shifted into 生年月日 is the century of every date).
    fn clashes(&self, cand: &[char], spans: &[scan::Span]) -> bool {
        std::iter::once(0..cand.len())
            .chain(spans.iter().map(|sp| sp.range.clone()))
            .any(|r| {
                let t: String = cand.get(r).unwrap_or_default().iter().collect();
                let t = trim_edges(&t);
                t.chars().nth(2).is_some() && self.avoid.contains(&value_hash(t))
            })
    }

    /// One draw of replacements for the `spans` of a cell: `rng` is the cell's stream (seeded
    /// once per cell from the secret key and the value, drawn on from attempt to attempt),
    /// `attempt` the draw's number (for the numbers' keyed permutations).
    fn replace_spans(
        &self,
        value: &[char],
        spans: &[scan::Span],
        rng: &mut Rng,
        attempt: u32,
    ) -> Vec<char> {
        let encodable = self.encodable();
        let mut out = value.to_vec();
        for (k, sp) in spans.iter().enumerate() {
            let sub = &value[sp.range.clone()];
            // The row's own value in digits (a My Number written in groups or in kanji
            // numerals, with a wrong check digit, its birth date as `19460827`) is replaced like
            // a My Number: another number of the same check-digit outcome.
            let digits_only = sp.hit == scan::Hit::Own
                && sub.iter().any(|&c| scan::numeral(c).is_some())
                && (0..sub.len())
                    .all(|i| scan::numeral(sub[i]).is_some() || !values::substitutable_at(sub, i));
            let new = match sp.hit {
                scan::Hit::MyNumber => self.number_like(sub, attempt + 1000 * k as u32),
                _ if digits_only => self.number_like(sub, attempt + 1000 * k as u32),
                // An address's tail, a date in part: other numerals, in their script and width
                // (the 丁目, 番, 月, 日 … kept).
                scan::Hit::Address | scan::Hit::PartialDate => values::renumber(sub, rng),
                scan::Hit::Date => {
                    let s: String = sub.iter().collect();
                    date::parse_lenient(&s, false)
                        .ok()
                        .and_then(|l| {
                            let delta = rng.below(730) as i32 + 1;
                            let delta = if rng.below(2) == 0 { -delta } else { delta };
                            let nd = l.date.add_days(delta)?;
                            values::render_date(sub, &l.form, nd)
                        })
                        // A date in kanji numerals (`二〇一三年一月一日`): other numerals.
                        .unwrap_or_else(|| values::renumber(sub, rng))
                }
                _ => values::scramble(sub, rng, &encodable),
            };
            out[sp.range.clone()].copy_from_slice(&new);
        }
        out
    }

    /// A number found in a cell (a My Number, or the row's own value in digits) with its digits
    /// replaced by [`values::my_number_digits`] (a valid My Number stays valid, a wrong check
    /// digit stays wrong by the same amount); separators kept.
    fn number_like(&self, sub: &[char], attempt: u32) -> Vec<char> {
        let pos: Vec<usize> = (0..sub.len())
            .filter(|&i| scan::numeral(sub[i]).is_some())
            .collect();
        let d: Vec<u8> = pos.iter().filter_map(|&i| scan::numeral(sub[i])).collect();
        let nd = values::my_number_digits(&self.key, &d, attempt);
        let mut n = sub.to_vec();
        for (&i, &x) in pos.iter().zip(&nd) {
            n[i] = values::with_digit(sub[i], x);
        }
        n
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
                if matches!(self.enc, Enc::Utf8 | Enc::Cp932 | Enc::EucJp) {
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

fn cell_text(f: &FieldUnits) -> String {
    f.content
        .iter()
        .map(|u| u.ch.unwrap_or('\u{FFFD}'))
        .collect()
}

/// The row's own personal values (and parts of names), looked for in its other cells; with
/// `shared` (the index and whether the row has the wrong number of columns), also added to
/// every row's values.
fn row_own(
    rec: &RecordUnits,
    personal_cols: &[usize],
    roles: &[Role],
    mut shared: Option<(&mut shared::Shared, bool)>,
) -> Vec<scan::OwnValue> {
    let mut own: Vec<scan::OwnValue> = Vec::new();
    for &c in personal_cols {
        let kind = match roles.get(c) {
            Some(Role::Field(_, p) | Role::Detail(p)) => *p,
            _ => continue,
        };
        if let Some(f) = rec.fields.get(c) {
            let text = cell_text(f);
            let parts = scan::own_parts(&text, kind == Personal::Name);
            if let Some((index, ragged)) = shared.as_mut() {
                index.add_cell(&text, &parts, kind, *ragged);
            }
            for p in parts {
                if !own.contains(&p) {
                    own.push(p);
                }
            }
        }
    }
    own
}

/// Adds every number of `text` shaped like a My Number (twelve digits of either width or kanji
/// numerals, with separators or not, whatever its check digit: `123456789019`,
/// `1234-5678-9019 村上`, `一二三四五六七八九〇一九`) to every row's values: in a row whose values
/// are shifted, a My Number may stand in any column.
fn share_my_number_shaped(text: &str, shared: &mut shared::Shared) {
    let v: Vec<char> = text.chars().collect();
    let sep = |c: char| matches!(c, ' ' | '　' | '-' | '－' | '/' | '／');
    let mut i = 0;
    while i < v.len() {
        if scan::numeral(v[i]).is_none() {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        let mut digits = 0;
        while i < v.len() && (scan::numeral(v[i]).is_some() || sep(v[i])) {
            if scan::numeral(v[i]).is_some() {
                digits += 1;
                end = i + 1;
            }
            i += 1;
        }
        if digits == 12 {
            let number: String = v[start..end].iter().collect();
            let parts = scan::own_parts(&number, false);
            shared.add_cell(&number, &parts, Personal::MyNumber, true);
        }
    }
}

/// The rows an unread record (a quote left open) swallowed are rows of the file too: its text
/// is split into lines and values as it would be without the quote, and the values at the
/// personal columns' places (and any value shaped like a My Number) are added to every row's
/// values, as those of a row with the wrong number of columns.
fn share_swallowed(
    rec: &RecordUnits,
    delimiter: u8,
    personal_cols: &[usize],
    roles: &[Role],
    shared: &mut shared::Shared,
) {
    let d = char::from(delimiter);
    let mut text = String::new();
    for (k, f) in rec.fields.iter().enumerate() {
        if k > 0 {
            text.push(d);
        }
        text.push_str(&cell_text(f));
    }
    for line in text.split(['\r', '\n']) {
        let cells: Vec<&str> = line.split(d).map(|v| v.trim_matches('"')).collect();
        for &c in personal_cols {
            let (Some(v), Some(Role::Field(_, kind) | Role::Detail(kind))) =
                (cells.get(c), roles.get(c))
            else {
                continue;
            };
            let parts = scan::own_parts(v, *kind == Personal::Name);
            shared.add_cell(v, &parts, *kind, true);
        }
        for v in cells {
            share_my_number_shaped(v, shared);
        }
    }
}

/// The row a cell of another column is judged in.
struct OtherCtx<'a> {
    /// The row's own personal values (and parts of names).
    own: &'a [scan::OwnValue],
    /// Every row's personal values.
    shared: &'a shared::Shared,
    /// The row's 公費負担者番号 cell (for the 7-digit 医療機関コード check).
    insurer: Option<&'a FieldUnits>,
}

/// Whether a whole cell of a row with the wrong number of columns may be replaced: its values
/// are shifted, so any cell may hold any personal value. Kept: dates (validity periods are
/// compared across rows), an 8-digit 公費負担者番号 (it decides which 受給者番号 carry a check
/// digit), valid codes and flags (not personal), and, when a municipality master is given, the
/// values checked against it. Certificate keys (受給者番号, サブキー) and the certificate type
/// (機関別受給者証種別ID, compared by K004) are not decided here: a key value
/// in which a personal value is found (or, in a shifted row, any key value that is not
/// half-width letters and digits) is replaced in every row, by the same replacement.
fn shifted_may_replace(layout: &Layout, field: Option<usize>, value: &str, masters: bool) -> bool {
    let Some(i) = field else {
        return true;
    };
    let f = &layout.fields[i];
    if f.has_check(Check::InsurerNumber) {
        return !(value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit()));
    }
    let master = f.has_check(Check::MasterSegment)
        || f.has_check(Check::MasterIncomeSegment)
        || f.value_type == ValueType::Conditions;
    if master && masters {
        return false;
    }
    match f.value_type {
        ValueType::Text | ValueType::Digits | ValueType::Conditions => true,
        ValueType::Code => !f.codes.iter().any(|c| c.code == value),
        ValueType::Boolean => {
            value != layout.dialect.boolean_true && value != layout.dialect.boolean_false
        }
        // A date stays (and keeps its place among the validity periods); anything else in a
        // date column is not a date of this row.
        ValueType::Date => date::parse_lenient(value, true).is_err(),
    }
}

/// What the checker's pass over the original told us.
struct Seen {
    /// (sheet row, 有効期間開始日) of every row the checker read. Rows, not physical lines:
    /// with CR-only line endings every record starts on "line 1".
    starts: Vec<(u32, Option<Ymd>)>,
    /// Hashes of the original personal values.
    avoid: HashSet<u64>,
    /// The validity starts of the rows with each date of birth (as the checker reads it).
    starts_of_birth: HashMap<Ymd, Vec<Ymd>>,
}

fn rewrite(
    layout: &Layout,
    opts: &Options,
    report: &Report,
    input: &[u8],
    seed: u64,
    seen: &Seen,
    summary: &mut RedactSummary,
) -> Vec<u8> {
    let bom = |b: &[u8]| if input.starts_with(b) { b.len() } else { 0 };
    let (enc, start, end) = match report.encoding {
        TextEncoding::Ascii | TextEncoding::Utf8 => (Enc::Utf8, 0, input.len()),
        TextEncoding::Utf8Bom => (Enc::Utf8, 3, input.len()),
        TextEncoding::Cp932 => (Enc::Cp932, 0, input.len()),
        TextEncoding::EucJp => (Enc::EucJp, 0, input.len()),
        // A UTF-16 file read by the caller's choice may have no BOM.
        TextEncoding::Utf16Le => (Enc::Utf16Le, bom(b"\xFF\xFE"), input.len()),
        TextEncoding::Utf16Be => (Enc::Utf16Be, bom(b"\xFE\xFF"), input.len()),
        TextEncoding::Unknown | TextEncoding::Iso2022Jp | TextEncoding::Ambiguous => {
            let p = input
                .iter()
                .position(|&b| b >= 0x80 || b == 0)
                .unwrap_or(input.len());
            (Enc::Utf8, 0, p)
        }
    };
    let starts = &seen.starts;
    // Grown below by the tokens of unread cells; each attempt starts from the original's.
    let mut avoid = seen.avoid.clone();
    let repair = opts.repair;
    let known_insurers = opts.known_insurer_numbers.as_slice();
    let no_header = report.count(Code::NoHeader) > 0;
    let roles = roles(layout, report, no_header);
    // Each input column's layout field, and where the personal columns are.
    let field_at: Vec<Option<usize>> = if no_header {
        (0..layout.fields.len()).map(Some).collect()
    } else {
        report
            .uses
            .iter()
            .map(|u| match *u {
                Use::Field(i) => Some(i),
                _ => None,
            })
            .collect()
    };
    let personal_cols: Vec<usize> = (0..roles.len())
        .filter(|&c| matches!(roles[c], Role::Field(..) | Role::Detail(_)))
        .collect();
    let columns = if no_header {
        layout.fields.len()
    } else {
        report.headers.len()
    };
    let masters = opts.masters.is_some();
    let insurer_col = field_at
        .iter()
        .position(|f| f.is_some_and(|i| layout.fields[i].has_check(Check::InsurerNumber)));
    // The certificate key and the certificate type (K004 compares it between rows of one
    // certificate): a value replaced in one row is replaced alike in every row.
    let key_fields: Vec<usize> = {
        let k = layout.key_index();
        k.certificate
            .iter()
            .copied()
            .chain(k.certificate_type)
            .collect()
    };
    // The 履歴キー (差分履歴): made from the My Number and the certificate's other key values
    // by `pmhcsv diff`; with those kept in the copy, a search over the My Numbers finds each
    // original again. Replaced in every row, alike wherever it is equal (K003 compares it).
    let history_key = layout.key_index().history_key;
    // The raw personal values, so that no replacement equals any of them; and the certificate
    // key values (受給者番号, サブキー …) that hold a personal value in some row: those are
    // replaced in every row, by the same replacement, so that K001/K002 see the same keys.
    let mut key_values: HashSet<(usize, String)> = HashSet::new();
    // The header row's cells that are no field's name (a note typed above a column), and
    // whether one of them holds a row's own personal value (`村上大翔 備考`, `備考（村上様）`).
    let mut header_notes: Vec<(usize, Vec<char>)> = Vec::new();
    let mut header_own: HashSet<usize> = HashSet::new();
    // Every row's personal values, looked for in every row's other cells (a family member's
    // name in 備考 is another row's 氏名).
    let mut shared = shared::Shared::new();
    let mut lexer = Lexer::new(input, start.min(input.len()), end, enc, report.delimiter);
    let mut rec = RecordUnits::default();
    let mut first = true;
    while lexer.next_record(&mut rec) {
        if std::mem::take(&mut first) && !no_header {
            for (col, f) in rec.fields.iter().enumerate() {
                if matches!(report.uses.get(col), Some(Use::Field(_))) {
                    continue;
                }
                let chars: Vec<char> = trim_edges(&cell_text(f)).chars().collect();
                if chars.len() >= 2 {
                    header_notes.push((col, chars));
                }
            }
            continue;
        }
        let unread = rec.unclosed;
        for (col, f) in rec.fields.iter().enumerate() {
            let text = cell_text(f);
            if let Some(Role::Field(_, kind) | Role::Detail(kind)) = roles.get(col) {
                avoid_value(&mut avoid, &text, *kind);
            }
            // An unread record (a quote left open) or a value spanning lines swallows whole
            // rows: their cells, which the checker never saw, are personal values to avoid too.
            if unread || text.contains(['\r', '\n']) {
                let delimiter = char::from(report.delimiter);
                for token in text.split([delimiter, '\r', '\n']) {
                    avoid.insert(value_hash(trim_edges(token.trim_matches('"'))));
                }
            }
        }
        if unread {
            share_swallowed(&rec, report.delimiter, &personal_cols, &roles, &mut shared);
            continue;
        }
        let ragged = rec.fields.len() != columns;
        let own = row_own(&rec, &personal_cols, &roles, Some((&mut shared, ragged)));
        if ragged {
            // A My Number shifted out of its column (a column left out before it).
            for (col, f) in rec.fields.iter().enumerate() {
                if !personal_cols.contains(&col) {
                    share_my_number_shaped(&cell_text(f), &mut shared);
                }
            }
        }
        for (col, chars) in &header_notes {
            if !header_own.contains(col)
                && scan::may_hold(chars, &own)
                && !scan::find(chars, &own, scan::Dates::No).is_empty()
            {
                header_own.insert(*col);
            }
        }
        for (col, f) in rec.fields.iter().enumerate() {
            let Some(fi) = field_at.get(col).copied().flatten() else {
                continue;
            };
            if !key_fields.contains(&fi) || !matches!(roles.get(col), Some(Role::Keep)) {
                continue;
            }
            let v = cell_text(f);
            let chars: Vec<char> = v.chars().collect();
            if !scan::may_hold(&chars, &own) && !ragged {
                continue;
            }
            // A personal value found in it, or, in a row whose values are shifted, anything
            // but the half-width letters and digits a key is made of (a name or an address
            // moved there).
            let t = trim_edges(&v);
            let found = !scan::find(&chars, &own, scan::Dates::Separated).is_empty()
                || (ragged && !t.is_empty() && !t.chars().all(|c| c.is_ascii_alphanumeric()));
            if found {
                key_values.insert((fi, trim_edges(&v).to_owned()));
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
        known_insurers,
        starts_of_birth: &seen.starts_of_birth,
        birth_memo: RefCell::default(),
        key_memo: RefCell::default(),
        other_memo: RefCell::default(),
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
            // The header row: kept for the findings, but a cell that is no field's name may
            // hold a value (a second header row, a note typed above a column): one equal to a
            // personal value of the file, holding a row's own personal value (or a part of a
            // name), or holding a My Number, phone number, postcode, e-mail address or date,
            // is replaced like a swallowed cell.
            for (col, f) in rec.fields.iter().enumerate() {
                if matches!(report.uses.get(col), Some(Use::Field(_))) {
                    continue;
                }
                let text = cell_text(f);
                let t = trim_edges(&text);
                let chars: Vec<char> = t.chars().collect();
                let personal = chars.len() >= 2
                    && (header_own.contains(&col)
                        || rw.avoid.contains(&value_hash(t))
                        || !scan::find_in(&chars, &[], Some(&shared), scan::Dates::Any).is_empty());
                if personal && rw.swallowed(&f.content, &mut out) {
                    summary.found_elsewhere += 1;
                }
            }
            continue;
        }
        while cursor < starts.len() && starts[cursor].0 < row {
            cursor += 1;
        }
        let valid_from = starts.get(cursor).filter(|s| s.0 == row).and_then(|s| s.1);
        // A record with an odd number of quotes is not read by the checker (S007): nothing in it
        // is judged, and its columns may hold anything (often the rows that follow).
        let unread = rec.unclosed;
        // The row's own personal values, looked for in every other cell of the row.
        let own = if unread {
            Vec::new()
        } else {
            row_own(&rec, &personal_cols, &roles, None)
        };
        let text_of = |c: Option<usize>| -> String {
            c.and_then(|c| rec.fields.get(c))
                .map(|f| f.content.iter().filter_map(|u| u.ch).collect::<String>())
                .map(|v| {
                    let t = trim_edges(&v);
                    if repair {
                        crate::domain::chars::fullwidth_alnum_to_halfwidth(t)
                    } else {
                        t.to_owned()
                    }
                })
                .unwrap_or_default()
        };
        let ctx = OtherCtx {
            own: &own,
            shared: &shared,
            insurer: insurer_col.and_then(|c| rec.fields.get(c)),
        };
        // A row with the wrong number of columns (an unquoted comma in 住所, a column left
        // out) has its values shifted: any cell may hold any personal value.
        let ragged = rec.fields.len() != columns;
        for (col, f) in rec.fields.iter().enumerate() {
            let role = if unread {
                None
            } else {
                roles.get(col).copied()
            };
            if matches!(role, Some(Role::Keep)) || (role.is_none() && !unread) {
                let fi = field_at.get(col).copied().flatten();
                let field = fi.map(|i| &layout.fields[i]);
                let spans_lines = f.content.iter().any(|u| matches!(u.ch, Some('\r' | '\n')));
                if !spans_lines && !f.content.is_empty() {
                    let key = fi.filter(|i| key_fields.contains(i));
                    let changed = match key {
                        _ if fi.is_some() && fi == history_key => {
                            rw.history_key_cell(&f.content, &mut out)
                        }
                        // A certificate key: the same replacement wherever the value is (a value
                        // holding another row's personal value is found in every row alike).
                        Some(i) => {
                            let v = cell_text(f);
                            let chars: Vec<char> = v.chars().collect();
                            (key_values.contains(&(i, trim_edges(&v).to_owned()))
                                || scan::shared_holds(&chars, &shared))
                                && rw.key_cell(i, &f.content, field, &ctx, &mut out)
                        }
                        None => {
                            let whole = ragged
                                && shifted_may_replace(layout, fi, &text_of(Some(col)), masters);
                            rw.other_cell(&f.content, field, &ctx, whole, &mut out)
                        }
                    };
                    if changed {
                        summary.found_elsewhere += 1;
                    }
                    continue;
                }
            }
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

/// Adds a personal value to the values no replacement may equal: trimmed, and, for a 生年月日 or
/// 個人番号 of more than one word (`2012-06-13 林由美子`: a birth date with the name after it),
/// each word of three characters or more with a digit in it too (a date moved by a few days
/// must not land on `2012-06-13`).
fn avoid_value(avoid: &mut HashSet<u64>, v: &str, kind: Personal) {
    let t = trim_edges(v);
    avoid.insert(value_hash(t));
    if matches!(kind, Personal::BirthDate | Personal::MyNumber) && t.contains([' ', '　']) {
        for word in t.split([' ', '　']) {
            if word.chars().nth(2).is_some() && word.chars().any(|c| scan::digit(c).is_some()) {
                avoid.insert(value_hash(word));
            }
        }
    }
}

fn value_hash(v: &str) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// `len` bytes that, after `prefix`, make the decoder reject the file for the same reason as
/// `original` (NUL bytes, neither UTF-8 nor Shift_JIS, or a container format such as a .xls
/// workbook, kept as its signature followed by zeros: the signature is the format's, not the
/// person's).
fn stand_in(original: &[u8], prefix: &[u8], len: usize) -> Vec<u8> {
    let reason = |bytes: &[u8]| {
        let mut d = Decoder::new();
        let mut sink = Vec::new();
        d.push(bytes, &mut sink);
        d.finish(&mut sink);
        d.failure()
    };
    let goal = reason(original);
    let mut candidates = vec![vec![0x00u8; len], vec![0xFD; len]];
    if let Some((magic, _)) = crate::input::decode::container_signature(original)
        && prefix.is_empty()
        && magic.len() <= len
    {
        let mut signed = magic.to_vec();
        signed.resize(len, 0);
        candidates.push(signed);
    }
    for candidate in candidates {
        let mut whole = prefix.to_vec();
        whole.extend_from_slice(&candidate);
        if reason(&whole) == goal {
            return candidate;
        }
    }
    vec![0u8; len]
}
