//! Replacement values that look like the originals to every check.
//!
//! Each function takes the characters of one cell (as the checker sees them, edge spaces and
//! all) and returns the same number of characters, changing only "substitutable" ones: digits,
//! letters, kana, kanji, 外字 and 機種依存文字 — each for another of the same class. Spaces,
//! punctuation, separators, quotes and line breaks never change, so the record structure and
//! every finding about spacing or separators stay as they were.
//!
//! * My Numbers keep their digit count, the check-digit relation (valid stays valid; a wrong
//!   check digit stays wrong by the same amount), the exponent form, full-width digits and the
//!   all-same-digit form. The body goes through a keyed format-preserving permutation, so equal
//!   numbers get equal replacements and different numbers different ones (K001/K002 survive).
//!   Every group of a number written in groups changes; any other letter, kana or kanji in the
//!   cell (a name typed after the number) is replaced like a name's.
//! * Dates keep their form (ISO, `2013/1/1`, 和暦, serial …) and validity: a valid date is moved
//!   by some days and written back into the same digit positions (a day whose year, month and
//!   day all differ is preferred); an invalid one gets other digits in every run that are
//!   invalid in the same way. Letters, kana and kanji that are not date syntax
//!   ([`date_syntax`]: 年月日, eras, 元) are replaced like a name's, so a name after the date or
//!   an address shifted into the column keeps nothing. Every candidate is checked against the
//!   original with the same functions the checker uses ([`DateSig`]).
//! * Names, カナ and addresses: every character for another of its class (a 外字 for another
//!   外字, 機種依存 for 機種依存, 半角カナ for 半角カナ, the kanji zero `〇` for a kanji, a Latin
//!   vowel with a macron for another …), the same character for the same replacement within a
//!   cell, distinct characters for distinct replacements.
//! * Numbers found in free text as an address's tail or a date in part ([`renumber`]): each
//!   digit for a digit of its width, each kanji numeral for a kanji numeral.

use std::collections::HashMap;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use crate::check::cells::is_exponent_form;
use crate::check::repair::{self, RepairKind, RowContext, Unrepairable};
use crate::check::trim_edges;
use crate::domain::chars::{self, CharIssue};
use crate::domain::checkdigit::{self, CheckOutcome};
use crate::domain::date::{self, DateError, DateForm, DateNote, Era, Ymd};
use crate::layout::{CharClass, Dialect, Field, Personal};
use crate::tools::redact::scan;
use crate::tools::rng::Rng;

/// The secret that makes replacements reproducible for one seed and unguessable without it.
#[derive(Clone)]
pub(crate) struct Key([u8; 32]);

impl Key {
    pub(crate) fn new(seed: u64) -> Self {
        let mut h = Sha256::new();
        h.update(b"pmhcsv-redact-v1");
        h.update(seed.to_le_bytes());
        Self(h.finalize().into())
    }

    fn hash(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.0);
        for p in parts {
            h.update((p.len() as u64).to_le_bytes());
            h.update(p);
        }
        h.finalize().into()
    }

    /// A generator for one value of one kind: the same value always gets the same stream.
    pub(crate) fn rng(&self, tag: &str, value: &str, attempt: u32) -> Rng {
        let d = self.hash(&[tag.as_bytes(), value.as_bytes(), &attempt.to_le_bytes()]);
        let mut w = [0u8; 8];
        w.copy_from_slice(&d[..8]);
        Rng::new(u64::from_le_bytes(w))
    }

    fn prf(&self, tweak: &[u8], round: u8, x: u64) -> u64 {
        let d = self.hash(&[tweak, &[round], &x.to_le_bytes()]);
        let mut w = [0u8; 8];
        w.copy_from_slice(&d[..8]);
        u64::from_le_bytes(w)
    }

    /// A keyed permutation of the digit strings of one length (digit values `0..=9`):
    /// alternating Feistel rounds with addition mod 10^k, so each round — and the whole — is a
    /// bijection. Strings longer than 36 digits are permuted in 36-digit blocks.
    pub(crate) fn permute_digits(&self, tweak: &[u8], digits: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(digits.len());
        for (block, chunk) in digits.chunks(36).enumerate() {
            let mut t = tweak.to_vec();
            t.extend_from_slice(&(block as u32).to_le_bytes());
            t.extend_from_slice(&(chunk.len() as u32).to_le_bytes());
            out.extend(self.feistel(&t, chunk));
        }
        out
    }

    fn feistel(&self, tweak: &[u8], digits: &[u8]) -> Vec<u8> {
        let n = digits.len();
        let u = n / 2;
        let v = n - u;
        let num = |d: &[u8]| d.iter().fold(0u64, |a, &x| a * 10 + u64::from(x % 10));
        let pow = |k: usize| 10u64.pow(k as u32);
        let (mut a, mut b) = (num(&digits[..u]), num(&digits[u..]));
        for round in 0..10u8 {
            if round % 2 == 0 {
                let m = pow(u);
                a = ((u128::from(a) + u128::from(self.prf(tweak, round, b) % m)) % u128::from(m))
                    as u64;
            } else {
                let m = pow(v);
                b = ((u128::from(b) + u128::from(self.prf(tweak, round, a) % m)) % u128::from(m))
                    as u64;
            }
        }
        let mut out = vec![0u8; n];
        let mut put = |mut x: u64, range: std::ops::Range<usize>| {
            for i in range.rev() {
                out[i] = (x % 10) as u8;
                x /= 10;
            }
        };
        put(a, 0..u);
        put(b, u..n);
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Character pools

/// JIS X 0208 level 1 (第一水準) kanji: the common ones, in Unicode order (computed once from
/// the CP932 encoder: Shift_JIS 0x889F–0x9872).
fn level1_kanji() -> &'static [char] {
    static LEVEL1: OnceLock<Vec<char>> = OnceLock::new();
    LEVEL1.get_or_init(|| {
        (0x4E00u32..=0x9FA0)
            .filter_map(char::from_u32)
            // `一` between katakana is what the long-vowel proposal looks for: never produce it.
            .filter(|&c| c != '一')
            .filter(|&c| {
                matches!(crate::input::lex::encode_char(c, crate::input::lex::Enc::Cp932).as_deref(),
                    Some(&[a, b]) if (0x889F..=0x9872).contains(&(u16::from(a) << 8 | u16::from(b))))
            })
            .collect()
    })
}
const OUTSIDE_KANJI: &str = "𠮷鷗剝頰𩸽塡俱𠀋㐂𡈽";
const VENDOR_SYMBOLS: &str = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅰⅱⅲⅳⅴⅵⅶⅷⅸⅹ㈱㈲㈹㍻㍼㍽㍾";
const HIRAGANA: &str = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんがぎぐげござじずぜぞだでどばびぶべぼぱぴぷぺぽ";
const HIRAGANA_SMALL: &str = "ぁぃぅぇぉっゃゅょゎ";
const KATAKANA: &str = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンガギグゲゴザジズゼゾダデドバビブベボパピプペポヴ";
const KATAKANA_SMALL: &str = "ァィゥェォッャュョヮ";
const KATAKANA_OUTSIDE: &str = "ヷヸヹヺ";
const HALF_KANA: &str = "ｦｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ";
const HALF_KANA_SMALL: &str = "ｧｨｩｪｫｬｭｮｯ";
const HALF_VOICEABLE: &str = "ｳｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾊﾋﾌﾍﾎ";
const HALF_SEMI_VOICEABLE: &str = "ﾊﾋﾌﾍﾎ";
const ADDRESS_KEEP: &str = "都道府県市区町村郡丁目番地号ヵヶ";

fn in_pool(pool: &str, c: char) -> bool {
    pool.contains(c)
}

fn is_ideograph(c: char) -> bool {
    matches!(u32::from(c),
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x2_0000..=0x3_134F)
}

/// The characters `c` may be replaced by (`None`: `c` is kept). The pool's characters share
/// `c`'s class and its [`chars::classify`] result (checked again when picking).
fn pool_for(c: char, next: Option<char>) -> Option<Pool> {
    let p = |s: &'static str| Some(Pool::Str(s));
    match c {
        '0'..='9' => Some(Pool::Range('0', '9')),
        'A'..='Z' => Some(Pool::Range('A', 'Z')),
        'a'..='z' => Some(Pool::Range('a', 'z')),
        '０'..='９' => Some(Pool::Range('０', '９')),
        'Ａ'..='Ｚ' => Some(Pool::Range('Ａ', 'Ｚ')),
        'ａ'..='ｚ' => Some(Pool::Range('ａ', 'ｚ')),
        // (The pools' blocks first: most characters of a name are in none of the others.)
        '\u{3041}'..='\u{30FF}' => {
            if in_pool(HIRAGANA_SMALL, c) {
                p(HIRAGANA_SMALL)
            } else if in_pool(HIRAGANA, c) {
                p(HIRAGANA)
            } else if in_pool(KATAKANA_SMALL, c) {
                p(KATAKANA_SMALL)
            } else if in_pool(KATAKANA, c) {
                p(KATAKANA)
            } else if in_pool(KATAKANA_OUTSIDE, c) {
                p(KATAKANA_OUTSIDE)
            } else {
                None
            }
        }
        _ if in_pool(HALF_KANA_SMALL, c) => p(HALF_KANA_SMALL),
        '\u{FF61}'..='\u{FF9F}' if in_pool(HALF_KANA, c) => match next {
            // The builder combines ｶﾞ into ガ: keep a kana that can take the mark.
            Some('ﾞ') if in_pool(HALF_VOICEABLE, c) => p(HALF_VOICEABLE),
            Some('ﾟ') if in_pool(HALF_SEMI_VOICEABLE, c) => p(HALF_SEMI_VOICEABLE),
            Some('ﾞ' | 'ﾟ') => p(HALF_KANA_NOT_VOICEABLE),
            _ => p(HALF_KANA),
        },
        '\u{E000}'..='\u{F8FF}' => Some(Pool::Range('\u{E000}', '\u{E757}')),
        '\u{F0000}'..='\u{10FFFF}' => Some(Pool::Range('\u{F0000}', '\u{F00FF}')),
        _ if is_ideograph(c) => match chars::classify(c) {
            None => Some(Pool::Chars(level1_kanji())),
            // IBM extension kanji (CJK compatibility ideographs 﨎–鶴, all 機種依存 in CP932).
            Some(CharIssue::VendorSpecific) => Some(Pool::Range('\u{FA0E}', '\u{FA2D}')),
            Some(CharIssue::OutsideCp932) => p(OUTSIDE_KANJI),
            _ => None,
        },
        '\u{2160}'..='\u{2473}' | '\u{3231}'..='\u{337E}' if in_pool(VENDOR_SYMBOLS, c) => {
            p(VENDOR_SYMBOLS)
        }
        // The kanji zero (a numeral, not an ideograph to Unicode: `二〇一三年`, `〇〇町`).
        '〇' => Some(Pool::Chars(level1_kanji())),
        // Romaji with long vowels (`Ōno`).
        'ā' | 'ē' | 'ī' | 'ō' | 'ū' => p(MACRON_LOWER),
        'Ā' | 'Ē' | 'Ī' | 'Ō' | 'Ū' => p(MACRON_UPPER),
        'â' | 'ê' | 'î' | 'ô' | 'û' => p(CIRCUMFLEX_LOWER),
        'Â' | 'Ê' | 'Î' | 'Ô' | 'Û' => p(CIRCUMFLEX_UPPER),
        _ => None,
    }
}

const MACRON_LOWER: &str = "āēīōū";
const MACRON_UPPER: &str = "ĀĒĪŌŪ";
const CIRCUMFLEX_LOWER: &str = "âêîôû";
const CIRCUMFLEX_UPPER: &str = "ÂÊÎÔÛ";

const HALF_KANA_NOT_VOICEABLE: &str = "ｦｱｲｴｵﾅﾆﾇﾈﾉﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ";

#[derive(Clone, Copy)]
enum Pool {
    Str(&'static str),
    Range(char, char),
    Chars(&'static [char]),
}

impl Pool {
    fn pick(self, rng: &mut Rng) -> char {
        match self {
            Pool::Str(s) => {
                let n = s.chars().count() as u64;
                s.chars().nth(rng.below(n) as usize).unwrap_or('?')
            }
            Pool::Range(a, b) => {
                let span = u64::from(u32::from(b) - u32::from(a) + 1);
                char::from_u32(u32::from(a) + rng.below(span) as u32).unwrap_or(a)
            }
            Pool::Chars(cs) => cs
                .get(rng.below(cs.len() as u64) as usize)
                .copied()
                .unwrap_or('?'),
        }
    }
}

/// Which characters a text replacement must keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextMode {
    /// Names (氏名, 氏名カナ); in カナ fields `一` is kept (the long-vowel proposal looks at it).
    Name { kana_field: bool },
    /// Addresses: the structure words (都道府県市区町村, 丁目, 番地 …) are kept.
    Address,
    /// Everything substitutable changes (cells the checker does not read).
    All,
}

/// Replaces the substitutable characters of a text value (see the module docs).
/// `encodable` says whether the file's encoding can hold a character.
pub(crate) fn redact_text(
    value: &[char],
    mode: TextMode,
    rng: &mut Rng,
    encodable: &dyn Fn(char) -> bool,
) -> Vec<char> {
    // A character reference (`&#134071;`, C006 in a name or an address) is rewritten as a whole
    // ([`rewrite_reference`]): its digits changed one by one would often name no character.
    let references = reference_spans(value);
    let keep = |i: usize, c: char| {
        references.iter().any(|r| r.contains(&i))
            || match mode {
                TextMode::Address => ADDRESS_KEEP.contains(c),
                TextMode::Name { kana_field: true } => c == '一',
                _ => false,
            }
    };
    let mut out = redact_text_keeping(value, &keep, rng, encodable);
    for r in references {
        rewrite_reference(&mut out[r], rng);
    }
    out
}

/// The numeric character references of `value` ([`chars::numeric_reference`]), as ranges of
/// character indices from `&` to `;`.
fn reference_spans(value: &[char]) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < value.len() {
        if value[i] == '&' && value.get(i + 1) == Some(&'#') {
            // The longest reference: `&#x` and six digits, or `&#` and seven, and `;`.
            let text: String = value[i..].iter().take(10).collect();
            if chars::numeric_reference(&text).is_some()
                && let Some(end) = text.find(';')
            {
                let len = text[..=end].chars().count();
                spans.push(i..i + len);
                i += len;
                continue;
            }
        }
        i += 1;
    }
    spans
}

/// Writes another character reference over `reference` (`&#…;`, as [`reference_spans`] found
/// it): the same form (decimal or hexadecimal, the letters' case) and number of digits, naming
/// another character, so C006 stays and the character does not. With no luck in 64 draws (a
/// 7-digit reference names a character one time in nine) the number is 1 (`&#0000001;`).
fn rewrite_reference(reference: &mut [char], rng: &mut Rng) {
    let hex = matches!(reference.get(2), Some('x' | 'X'));
    let start = if hex { 3 } else { 2 };
    let end = reference.len().saturating_sub(1);
    if start >= end {
        return;
    }
    let digits = &reference[start..end];
    let radix: u32 = if hex { 16 } else { 10 };
    let lower = digits.iter().any(char::is_ascii_lowercase);
    let value = |d: &[char]| {
        d.iter()
            .try_fold(0u32, |n, c| Some(n * radix + c.to_digit(radix)?))
    };
    let original = value(digits);
    let digit = |n: u32| {
        let c = char::from_digit(n, radix).unwrap_or('0');
        if lower { c } else { c.to_ascii_uppercase() }
    };
    let n = end - start;
    let mut chosen: Option<Vec<char>> = None;
    for _ in 0..64 {
        let cand: Vec<char> = (0..n)
            .map(|_| digit(rng.below(u64::from(radix)) as u32))
            .collect();
        let v = value(&cand);
        if v != original && v.and_then(char::from_u32).is_some() {
            chosen = Some(cand);
            break;
        }
    }
    let cand = chosen.unwrap_or_else(|| {
        let mut one = vec!['0'; n];
        one[n - 1] = '1';
        one
    });
    reference[start..end].copy_from_slice(&cand);
}

/// [`redact_text`], keeping the characters for which `keep(index, char)` holds (the date
/// syntax of a 生年月日, the digits of a My Number placed apart).
pub(crate) fn redact_text_keeping(
    value: &[char],
    keep: &dyn Fn(usize, char) -> bool,
    rng: &mut Rng,
    encodable: &dyn Fn(char) -> bool,
) -> Vec<char> {
    // One replacement per distinct character; the pool is the strictest any occurrence needs.
    let mut pools: Vec<(char, Pool)> = Vec::new();
    for (i, &c) in value.iter().enumerate() {
        if keep(i, c) {
            continue;
        }
        let Some(pool) = pool_for(c, value.get(i + 1).copied()) else {
            continue;
        };
        match pools.iter_mut().find(|(k, _)| *k == c) {
            Some((_, existing)) => {
                if matches!(pool, Pool::Str(s) if s.len() < pool_len(*existing)) {
                    *existing = pool;
                }
            }
            None => pools.push((c, pool)),
        }
    }
    let mut map: HashMap<char, char> = HashMap::new();
    let mut used: Vec<char> = Vec::new();
    for &(c, pool) in &pools {
        let class = chars::classify(c);
        let mut chosen = None;
        for attempt in 0..64 {
            let cand = pool.pick(rng);
            let fresh = attempt >= 48 || !used.contains(&cand);
            if cand != c && fresh && chars::classify(cand) == class && encodable(cand) {
                chosen = Some(cand);
                break;
            }
        }
        if let Some(r) = chosen {
            used.push(r);
            map.insert(c, r);
        }
    }
    value
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if keep(i, *c) {
                *c
            } else {
                map.get(c).copied().unwrap_or(*c)
            }
        })
        .collect()
}

fn pool_len(p: Pool) -> usize {
    match p {
        Pool::Str(s) => s.len(),
        Pool::Range(a, b) => (u32::from(b) - u32::from(a)) as usize * 3,
        Pool::Chars(cs) => cs.len() * 3,
    }
}

// ---------------------------------------------------------------------------------------------
// Signatures: what the checker would conclude about a cell, without the value itself.

/// The repair steps the builder would take (kind, applied, with a date note) and its problem.
type RepairSig = (Vec<(RepairKind, bool, bool, bool)>, Option<u8>);

fn repair_sig(field: &Field, dialect: &Dialect, value: &str) -> (String, RepairSig) {
    let rc = repair::repair_cell(field, dialect, value, RowContext::default());
    let steps = rc
        .repairs
        .iter()
        .map(|r| {
            let serial = r.date_form == Some(crate::domain::date::DateForm::ExcelSerial);
            (r.kind, r.applied, r.date_note.is_some(), serial)
        })
        .collect();
    let problem = rc.problem.as_ref().map(|p| match p {
        Unrepairable::ExponentMyNumber => 0,
        Unrepairable::Date(e) => 1 + date_error_index(e),
    });
    (rc.value_or(value).to_owned(), (steps, problem))
}

fn date_error_index(e: &DateError) -> u8 {
    match e {
        DateError::Empty => 0,
        DateError::Unrecognised => 1,
        DateError::InvalidCalendarDate => 2,
        DateError::BeforeEraStart { .. } => 3,
        DateError::UnsupportedMeiji => 4,
        DateError::AmbiguousTwoDigitYear => 5,
        DateError::SerialOutOfRange => 6,
        DateError::Serial60 => 7,
        DateError::EraYearTooLate { .. } => 8,
    }
}

/// Everything the checker concludes about a My Number cell.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct NumberSig {
    repair: Option<RepairSig>,
    edge_space: bool,
    empty: bool,
    exponent: bool,
    chars: usize,
    ascii_digits: bool,
    check: Option<(bool, bool)>,
}

/// The context a cell is judged in.
pub(crate) struct CellCtx<'a> {
    pub(crate) field: &'a Field,
    pub(crate) dialect: &'a Dialect,
    /// Build mode: the builder's repairs run first.
    pub(crate) repair: bool,
    /// The row's validity start as the checker read it (for R002).
    pub(crate) valid_from: Option<Ymd>,
    /// A date of birth the checker reads: the validity starts of every row with that date of
    /// birth, which the replacement must stand on the same side of (R002) in every one of them.
    /// It is then the same in every row where the original is, and two rows of one 個人番号
    /// keep one date of birth (K005).
    pub(crate) starts_of_birth: &'a [Ymd],
}

pub(crate) fn number_sig(ctx: &CellCtx<'_>, raw: &str) -> NumberSig {
    let (value, repair) = if ctx.repair {
        let (v, s) = repair_sig(ctx.field, ctx.dialect, raw);
        (v, Some(s))
    } else {
        (raw.to_owned(), None)
    };
    let t = trim_edges(&value);
    let twelve = t.len() == 12 && t.bytes().all(|b| b.is_ascii_digit());
    NumberSig {
        repair,
        edge_space: trim_edges(raw).len() != raw.len(),
        empty: t.is_empty(),
        exponent: is_exponent_form(t),
        chars: t.chars().count(),
        ascii_digits: t.bytes().all(|b| b.is_ascii_digit()),
        check: twelve.then(|| {
            (
                checkdigit::my_number(t) == CheckOutcome::Valid,
                checkdigit::is_all_same_digit(t),
            )
        }),
    }
}

/// Everything the checker concludes about a date cell (and about its order against the row's
/// validity start).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct DateSig {
    repair: Option<RepairSig>,
    edge_space: bool,
    empty: bool,
    strict: bool,
    after_start: Option<bool>,
    /// After each of [`CellCtx::starts_of_birth`].
    after_starts_of_birth: Vec<bool>,
    lenient: Result<(u8, Option<Era>, u8), u8>,
}

pub(crate) fn date_sig(ctx: &CellCtx<'_>, raw: &str) -> DateSig {
    let (value, repair) = if ctx.repair {
        let (v, s) = repair_sig(ctx.field, ctx.dialect, raw);
        (v, Some(s))
    } else {
        (raw.to_owned(), None)
    };
    let t = trim_edges(&value);
    let strict = date::parse_with_format(t, ctx.dialect.date_format.as_str());
    let lenient = match date::parse_lenient(raw, true) {
        Ok(l) => {
            let (form, era) = match l.form {
                DateForm::Iso => (0, None),
                DateForm::Slash => (1, None),
                DateForm::Kanji => (2, None),
                DateForm::Compact => (3, None),
                DateForm::Wareki { era } => (4, Some(era)),
                DateForm::EraCode => (5, None),
                DateForm::ExcelSerial => (6, None),
            };
            let note = match l.note {
                None => 0,
                Some(DateNote::EraOverflow { .. }) => 1,
                Some(DateNote::BoundaryDay) => 2,
            };
            Ok((form, era, note))
        }
        Err(e) => Err(date_error_index(&e)),
    };
    DateSig {
        repair,
        edge_space: trim_edges(raw).len() != raw.len(),
        empty: t.is_empty(),
        strict: strict.is_some(),
        after_start: strict.zip(ctx.valid_from).map(|(b, f)| b > f),
        after_starts_of_birth: strict.map_or_else(Vec::new, |b| {
            ctx.starts_of_birth.iter().map(|&f| b > f).collect()
        }),
        lenient,
    }
}

/// The date the checker reads in a date cell (after build's repairs in build mode), as
/// [`date_sig`] judges it.
pub(crate) fn checked_date(ctx: &CellCtx<'_>, raw: &str) -> Option<Ymd> {
    let value = if ctx.repair {
        repair_sig(ctx.field, ctx.dialect, raw).0
    } else {
        raw.to_owned()
    };
    date::parse_with_format(trim_edges(&value), ctx.dialect.date_format.as_str())
}

// ---------------------------------------------------------------------------------------------
// Digits

fn digit_value(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '０'..='９' => Some((u32::from(c) - u32::from('０')) as u8),
        _ => None,
    }
}

/// The kanji numerals of the digits 0–9.
const KANJI_DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// Digit `d` written as `template` is: half width, full width, or a kanji numeral.
pub(crate) fn with_digit(template: char, d: u8) -> char {
    let d = d % 10;
    match template {
        '0'..='9' => char::from(b'0' + d),
        '０'..='９' => char::from_u32(u32::from('０') + u32::from(d)).unwrap_or(template),
        _ if template == '零' || KANJI_DIGITS.contains(&template) => KANJI_DIGITS[usize::from(d)],
        _ => char::from_u32(u32::from('０') + u32::from(d)).unwrap_or(template),
    }
}

/// Every number of `value` (a run of digits of either width and kanji numerals) for another of
/// the same form: each digit for a digit of its width, each kanji numeral digit for a kanji
/// numeral (`〇` only in a number written digit by digit, `二〇一三`; where `十`, `百`, `千` stand
/// in it, `一`–`九`), and a number of `十`, `百`, `千` alone (`十月十日`) for one of `一`–`九`.
/// Every number changes; everything else (`丁目`, `番`, `年`, `月`, `日`, separators) is kept.
pub(crate) fn renumber(value: &[char], rng: &mut Rng) -> Vec<char> {
    let unit = |c: char| matches!(c, '十' | '百' | '千');
    let numeral = |c: char| scan::numeral(c).is_some() || unit(c);
    let mut out = value.to_vec();
    let mut i = 0;
    while i < value.len() {
        if !numeral(value[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < value.len() && numeral(value[i]) {
            i += 1;
        }
        let run = &value[start..i];
        let units = run.iter().any(|&c| unit(c));
        let only_units = run.iter().all(|&c| unit(c));
        for _ in 0..16 {
            for (k, &c) in run.iter().enumerate() {
                out[start + k] = match digit_value(c) {
                    Some(_) => with_digit(c, rng.below(10) as u8),
                    None if only_units || (!unit(c) && units) => {
                        KANJI_DIGITS[1 + rng.below(9) as usize]
                    }
                    None if !unit(c) => KANJI_DIGITS[rng.below(10) as usize],
                    None => c,
                };
            }
            if out[start..i] != *run {
                break;
            }
        }
    }
    out
}

/// Writes `digits` into the digit positions `pos` of `value` (each keeps its width).
fn place(value: &[char], pos: &[usize], digits: &[u8]) -> Vec<char> {
    let mut out = value.to_vec();
    for (&p, &d) in pos.iter().zip(digits) {
        out[p] = with_digit(value[p], d);
    }
    out
}

fn all_same(d: &[u8]) -> bool {
    d.windows(2).all(|w| w[0] == w[1])
}

/// The My Number check digit of a body of up to 11 digits, zero-padded on the left (the value
/// the builder's leading-zero repair would check).
fn padded_check(body: &[u8]) -> u8 {
    if body.len() > 11 {
        return checkdigit::my_number_check_digit(&body[body.len() - 11..]);
    }
    let mut d = vec![0u8; 11 - body.len()];
    d.extend_from_slice(body);
    checkdigit::my_number_check_digit(&d)
}

/// The canonical replacement of a digit string of a My Number (see the module docs).
pub(crate) fn my_number_digits(key: &Key, d: &[u8], attempt: u32) -> Vec<u8> {
    let n = d.len();
    let tweak = |what: &str| {
        let mut t = what.as_bytes().to_vec();
        t.extend_from_slice(&attempt.to_le_bytes());
        t
    };
    if n >= 2 && all_same(d) {
        let shift = 1 + (key.prf(&tweak("same"), 0, n as u64) % 9) as u8;
        return vec![(d[0] + shift) % 10; n];
    }
    if !(2..=12).contains(&n) {
        return key.permute_digits(&tweak("digits"), d);
    }
    let (body, last) = d.split_at(n - 1);
    let offset = (10 + last[0] - padded_check(body)) % 10;
    let new_body = if body.len() >= 2 && all_same(body) {
        let shift = 1 + (key.prf(&tweak("body-same"), 0, n as u64) % 9) as u8;
        vec![(body[0] + shift) % 10; body.len()]
    } else {
        let mut b = key.permute_digits(&tweak("body"), body);
        // Cycle-walk off the all-same bodies (a bijection on the others).
        let mut guard = 0;
        while body.len() >= 2 && all_same(&b) && guard < 100 {
            b = key.permute_digits(&tweak("body"), &b);
            guard += 1;
        }
        b
    };
    let mut out = new_body.clone();
    out.push((padded_check(&new_body) + offset) % 10);
    out
}

/// Replaces a My Number cell: its digits as above, and every other letter, kana and kanji
/// (a name typed after the number, an address shifted into the column) for one of its class.
/// Only the `E` of the exponent form is kept.
pub(crate) fn redact_my_number(
    value: &[char],
    key: &Key,
    ctx: &CellCtx<'_>,
    rng_text: &mut Rng,
    encodable: &dyn Fn(char) -> bool,
    salt: u32,
) -> Vec<char> {
    let raw: String = value.iter().collect();
    let goal = number_sig(ctx, &raw);
    // Judged as the builder would after widening (`１.２E+11` is the same value as `1.2E+11`).
    let exponent = is_exponent_form(&chars::fullwidth_alnum_to_halfwidth(trim_edges(&raw)));
    // Digit positions: the mantissa only in the exponent form.
    let mut pos = Vec::new();
    let mut digits = Vec::new();
    let mut seen_e = false;
    let is_e = |c: char| matches!(c, 'E' | 'e' | 'Ｅ' | 'ｅ');
    for (i, &c) in value.iter().enumerate() {
        if exponent && is_e(c) {
            seen_e = true;
        }
        if exponent && seen_e {
            continue;
        }
        if let Some(d) = digit_value(c) {
            pos.push(i);
            digits.push(d);
        }
    }
    if digits.is_empty() {
        return redact_text(value, TextMode::All, rng_text, encodable);
    }
    // The text around the digits, replaced (the exponent's `E` and digits kept).
    let keep = |_: usize, c: char| digit_value(c).is_some() || (exponent && is_e(c));
    let has_text = value
        .iter()
        .enumerate()
        .any(|(i, &c)| !keep(i, c) && pool_for(c, value.get(i + 1).copied()).is_some());
    let text = |attempt: u32| -> Vec<char> {
        if has_text {
            let mut rng = key.rng("myNumber-text", &raw, attempt);
            redact_text_keeping(value, &keep, &mut rng, encodable)
        } else {
            value.to_vec()
        }
    };
    // The digit runs the digits fall into (a number written in groups, `1234 5678 9018`):
    // each must change, so that no group of the original is left.
    let mut run_of = Vec::with_capacity(pos.len());
    for (k, &p) in pos.iter().enumerate() {
        let same_run = k > 0 && pos[k - 1] + 1 == p;
        let r = if same_run { run_of[k - 1] } else { k };
        run_of.push(r);
    }
    let every_run_changed = |new: &[u8]| {
        run_of.iter().all(|&r| {
            (0..digits.len())
                .filter(|&k| run_of[k] == r)
                .any(|k| new[k] != digits[k])
        })
    };
    let (mut first, mut judged_same) = (None, None);
    for attempt in salt * 24..salt * 24 + 24 {
        let new = if exponent {
            let mut m = key.permute_digits(&attempt.to_le_bytes(), &digits);
            let mut guard = 0;
            while digits[0] != 0 && m[0] == 0 && guard < 100 {
                m = key.permute_digits(&attempt.to_le_bytes(), &m);
                guard += 1;
            }
            m
        } else {
            my_number_digits(key, &digits, attempt)
        };
        let cand = place(&text(attempt), &pos, &new);
        if new == digits && digits.len() > 1 {
            continue;
        }
        let s: String = cand.iter().collect();
        if number_sig(ctx, &s) == goal {
            if every_run_changed(&new) {
                return cand;
            }
            judged_same.get_or_insert(cand.clone());
        }
        first.get_or_insert(cand);
    }
    if let Some(cand) = judged_same {
        return cand;
    }
    // Nothing else is judged the same (e.g. the all-zero placeholder 000000000000): a value
    // that carries no personal information is kept (its text, if any, replaced); otherwise the
    // first candidate (the final comparison of findings will say so if it matters).
    if all_same(&digits) {
        return text(salt * 24);
    }
    first.unwrap_or_else(|| text(salt * 24))
}

// ---------------------------------------------------------------------------------------------
// Dates

/// Runs of digits: (start index, length, value).
fn digit_runs(value: &[char]) -> Vec<(usize, usize, u64)> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < value.len() {
        if digit_value(value[i]).is_none() {
            i += 1;
            continue;
        }
        let start = i;
        let mut v: u64 = 0;
        while let Some(d) = value.get(i).copied().and_then(digit_value) {
            v = v.saturating_mul(10).saturating_add(u64::from(d));
            i += 1;
        }
        runs.push((start, i - start, v));
    }
    runs
}

/// Writes `n` into the run (zero-padded to its width); `false` if it does not fit.
fn write_run(out: &mut [char], run: (usize, usize, u64), n: u64) -> bool {
    let (start, len, _) = run;
    let s = format!("{n:0len$}");
    if s.len() != len {
        return false;
    }
    for (k, b) in s.bytes().enumerate() {
        out[start + k] = with_digit(out[start + k], b - b'0');
    }
    true
}

/// `d` written into the digit positions of `value`, which was read as `form`.
pub(crate) fn render_date(value: &[char], form: &DateForm, d: Ymd) -> Option<Vec<char>> {
    let runs = digit_runs(value);
    let mut out = value.to_vec();
    let (y, m, day) = (d.year as u64, u64::from(d.month), u64::from(d.day));
    let ok = match form {
        DateForm::Iso | DateForm::Slash | DateForm::Kanji => {
            runs.len() >= 3
                && write_run(&mut out, runs[0], y)
                && write_run(&mut out, runs[1], m)
                && write_run(&mut out, runs[2], day)
        }
        DateForm::Compact => {
            runs.len() == 1 && write_run(&mut out, runs[0], y * 10_000 + m * 100 + day)
        }
        DateForm::Wareki { era } => {
            let ey = i64::from(d.year) - i64::from(era.first_year()) + 1;
            if ey < 1 {
                return None;
            }
            if runs.len() == 2 {
                // 元年: the year is not written in digits.
                ey == 1 && write_run(&mut out, runs[0], m) && write_run(&mut out, runs[1], day)
            } else {
                runs.len() >= 3
                    && write_run(&mut out, runs[0], ey as u64)
                    && write_run(&mut out, runs[1], m)
                    && write_run(&mut out, runs[2], day)
            }
        }
        DateForm::EraCode => {
            let run = *runs.first()?;
            let code = digit_value(value[run.0])?;
            let era = Era::from_code(code)?;
            let ey = i64::from(d.year) - i64::from(era.first_year()) + 1;
            (1..=99).contains(&ey)
                && runs.len() == 1
                && write_run(
                    &mut out,
                    run,
                    u64::from(code) * 1_000_000 + ey as u64 * 10_000 + m * 100 + day,
                )
        }
        DateForm::ExcelSerial => {
            let serial = u64::from(date::date_to_excel_serial(d));
            !runs.is_empty() && serial > 0 && write_run(&mut out, runs[0], serial)
        }
    };
    ok.then_some(out)
}

/// Which characters of a date cell are date syntax, kept by [`redact_date`]: `年`, `月`, `日`
/// (and a `生` right after `日`), `元`, era names (`昭和`), 和暦 ligatures (`㍻`), and an era's
/// one-character form or letter before a digit or `元` (`昭21`, `S21`, `ｈ25`). Every other
/// letter, kana and kanji (a name typed after the date, an address shifted into the column) is
/// replaced.
pub(crate) fn date_syntax(value: &[char]) -> Vec<bool> {
    let mut keep = vec![false; value.len()];
    let numeric = |c: Option<&char>| c.is_some_and(|&c| digit_value(c).is_some() || c == '元');
    for (i, &c) in value.iter().enumerate() {
        let next = value.get(i + 1);
        let era_name = matches!(
            (c, next),
            ('明', Some('治'))
                | ('大', Some('正'))
                | ('昭', Some('和'))
                | ('平', Some('成'))
                | ('令', Some('和'))
        );
        if era_name {
            keep[i] = true;
            keep[i + 1] = true;
        }
        keep[i] |= match c {
            '年' | '月' | '日' | '元' | '㍾' | '㍽' | '㍼' | '㍻' | '㋿' => true,
            '生' => i > 0 && value[i - 1] == '日',
            '明' | '大' | '昭' | '平' | '令' | 'M' | 'T' | 'S' | 'H' | 'R' | 'm' | 't' | 's'
            | 'h' | 'r' | 'Ｍ' | 'Ｔ' | 'Ｓ' | 'Ｈ' | 'Ｒ' | 'ｍ' | 'ｔ' | 'ｓ' | 'ｈ' | 'ｒ' => {
                numeric(next)
            }
            _ => false,
        };
    }
    keep
}

/// Whether every digit run of `value` among the first `n` differs in `cand`.
fn runs_changed(value: &[char], cand: &[char], runs: &[(usize, usize, u64)], n: usize) -> bool {
    runs.iter()
        .take(n)
        .all(|&(start, len, _)| value[start..start + len] != cand[start..start + len])
}

/// Replaces a date cell (see the module docs). `tag` separates the streams of different fields.
/// Every digit run changes (a valid date moved by some days keeps its year, month or day only
/// when no other day is judged the same), and every letter, kana and kanji that is not date
/// syntax ([`date_syntax`]) is replaced by one of its class.
pub(crate) fn redact_date(
    value: &[char],
    key: &Key,
    ctx: &CellCtx<'_>,
    tag: &str,
    encodable: &dyn Fn(char) -> bool,
) -> Vec<char> {
    redact_date_to(value, key, ctx, tag, encodable, None).0
}

/// [`redact_date`], trying the day `prefer` first (the day another cell of the same day was
/// moved to: the same day spelt two ways in two rows of one person, `平成25年1月1日` and
/// `4250101`, whose forms may judge other days the same), and the day the value was moved to,
/// when it was.
pub(crate) fn redact_date_to(
    value: &[char],
    key: &Key,
    ctx: &CellCtx<'_>,
    tag: &str,
    encodable: &dyn Fn(char) -> bool,
    prefer: Option<Ymd>,
) -> (Vec<char>, Option<Ymd>) {
    let raw: String = value.iter().collect();
    let goal = date_sig(ctx, &raw);
    let accept = |cand: &[char]| -> bool {
        cand != value && {
            let s: String = cand.iter().collect();
            date_sig(ctx, &s) == goal
        }
    };
    let runs = digit_runs(value);
    let syntax = date_syntax(value);
    let keep = |i: usize, c: char| syntax[i] || digit_value(c).is_some();
    let has_text = value
        .iter()
        .enumerate()
        .any(|(i, &c)| !keep(i, c) && pool_for(c, value.get(i + 1).copied()).is_some());
    // The text of a candidate (its digits already drawn) replaced too.
    let with_text = |cand: Vec<char>, attempt: u32| -> Vec<char> {
        if has_text {
            let mut rng = key.rng(tag, &raw, 1000 + attempt);
            redact_text_keeping(&cand, &keep, &mut rng, encodable)
        } else {
            cand
        }
    };
    let mut judged_same = None;
    if let Ok(l) = date::parse_lenient(&raw, true) {
        // Drawn from the day, not from its spelling, and kept by the day's parts: the same day
        // written two ways (`1976-02-14` and `19760214`, which build reads alike) moves to the
        // same day, so two rows of one 個人番号 keep one date of birth (K005).
        let mut rng = key.rng(tag, &l.date.to_string(), 0);
        let moved_whole =
            |nd: Ymd| nd.year != l.date.year && nd.month != l.date.month && nd.day != l.date.day;
        // The runs that hold the year, month and day.
        let written = runs.len().min(3);
        if let Some(nd) = prefer
            && let Some(cand) = render_date(value, &l.form, nd)
        {
            let cand = with_text(cand, 0);
            if accept(&cand) && moved_whole(nd) && runs_changed(value, &cand, &runs, written) {
                return (cand, Some(nd));
            }
        }
        for attempt in 0..120u32 {
            let span: i64 = match attempt {
                0..=39 => 730,
                40..=79 => 90,
                _ => 10,
            };
            let mut delta = rng.below(span as u64) as i64 + 1;
            if rng.below(2) == 0 {
                delta = -delta;
            }
            let Some(nd) = l.date.add_days(delta as i32) else {
                continue;
            };
            if let Some(cand) = render_date(value, &l.form, nd) {
                let cand = with_text(cand, attempt);
                if accept(&cand) {
                    if moved_whole(nd) && runs_changed(value, &cand, &runs, written) {
                        return (cand, Some(nd));
                    }
                    judged_same.get_or_insert((cand, Some(nd)));
                }
            }
        }
    }
    if let Some(same) = judged_same {
        return same;
    }
    if !runs.is_empty() {
        let mut rng = key.rng(tag, &raw, 1);
        for attempt in 0..96u32 {
            let mut cand = value.to_vec();
            for &run in &runs {
                let (start, len, _) = run;
                // Another number in every run (drawn again while it is the original's).
                for _ in 0..16 {
                    for i in 0..len {
                        // Keep the century of a four-digit year while that can work.
                        if attempt < 64 && len == 4 && i == 0 {
                            continue;
                        }
                        cand[start + i] = with_digit(value[start + i], rng.below(10) as u8);
                    }
                    if cand[start..start + len] != value[start..start + len] {
                        break;
                    }
                }
            }
            let cand = with_text(cand, 200 + attempt);
            if runs_changed(value, &cand, &runs, runs.len()) && accept(&cand) {
                return (cand, None);
            }
        }
    }
    // No digits (or nothing else was judged the same): other characters of the same classes
    // (every digit for another, the date syntax kept).
    for attempt in 2..34u32 {
        let mut rng = key.rng(tag, &raw, attempt);
        let cand = redact_text_keeping(value, &|i, _| syntax[i], &mut rng, encodable);
        if accept(&cand) {
            return (cand, None);
        }
    }
    // Nothing else is judged the same. A value of one or two letters or digits (a 生年月日 of
    // `0` in build mode: every other digit is an Excel serial, a repair instead of V004)
    // carries no birth date: it is kept. Anything longer is replaced all the same, and the
    // final comparison of findings refuses the copy rather than leak it.
    if substitutable(value) <= 2 {
        return (value.to_vec(), None);
    }
    let mut rng = key.rng(tag, &raw, 99);
    (redact_text(value, TextMode::All, &mut rng, encodable), None)
}

/// Whether a replacement may change character `i` of `value`.
pub(crate) fn substitutable_at(value: &[char], i: usize) -> bool {
    pool_for(value[i], value.get(i + 1).copied()).is_some()
}

/// How many characters of `value` a replacement may change.
pub(crate) fn substitutable(value: &[char]) -> usize {
    value
        .iter()
        .enumerate()
        .filter(|&(i, &c)| pool_for(c, value.get(i + 1).copied()).is_some())
        .count()
}

// ---------------------------------------------------------------------------------------------
// Other columns: personal values found inside cells that are not personal columns

/// Every substitutable character of `value` for a random one of its class (digits each drawn
/// anew, not one replacement per distinct digit: a phone number keeps no pattern of repeats;
/// every run of digits changes).
pub(crate) fn scramble(
    value: &[char],
    rng: &mut Rng,
    encodable: &dyn Fn(char) -> bool,
) -> Vec<char> {
    let mut out: Vec<char> = (0..value.len())
        .map(|i| scramble_at(value, i, rng, encodable))
        .collect();
    // Every run of digits changes (drawn anew, `40/2/28` could come out as itself: one draw in
    // 100,000): one of its digits for another where none did.
    for (start, len, _) in digit_runs(value) {
        if out[start..start + len] == value[start..start + len] {
            let at = start + rng.below(len as u64) as usize;
            let d = digit_value(value[at]).unwrap_or(0);
            out[at] = with_digit(value[at], (d + 1 + rng.below(9) as u8) % 10);
        }
    }
    out
}

/// Character `i` of `value` for a random one of its class (a digit for any digit of its
/// width; a character that is not substitutable is kept).
pub(crate) fn scramble_at(
    value: &[char],
    i: usize,
    rng: &mut Rng,
    encodable: &dyn Fn(char) -> bool,
) -> char {
    let c = value[i];
    if digit_value(c).is_some() {
        return with_digit(c, rng.below(10) as u8);
    }
    let Some(pool) = pool_for(c, value.get(i + 1).copied()) else {
        return c;
    };
    let class = chars::classify(c);
    for _ in 0..32 {
        let cand = pool.pick(rng);
        if cand != c && chars::classify(cand) == class && encodable(cand) {
            return cand;
        }
    }
    c
}

/// Everything the checker concludes about a cell of a field that is not personal, from its
/// value alone (and the row's 公費負担者番号 for the 7-digit 医療機関コード): repairs, edge
/// spaces, length, character class, code list, date (the date itself: validity periods must
/// not move), 追加条件 syntax, character findings and check digits. The master and the
/// cross-row checks are not in it (the final comparison of findings covers them).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct OtherSig {
    repair: Option<RepairSig>,
    edge_space: bool,
    empty: bool,
    chars: usize,
    disallowed: bool,
    listed: bool,
    date: Option<Ymd>,
    conditions: bool,
    char_issues: Vec<CharIssue>,
    checks: Vec<u8>,
    my_number: bool,
}

/// Whether a whole value (edge spaces aside) is a My Number by the checker's own rule for V013
/// ([`crate::check::cells::is_whole_my_number`]), so a replacement keeps it one.
pub(crate) fn whole_my_number(raw: &str) -> bool {
    crate::check::cells::is_whole_my_number(trim_edges(raw))
}

fn outcome(o: CheckOutcome) -> u8 {
    match o {
        CheckOutcome::Valid => 0,
        CheckOutcome::Invalid { .. } => 1,
        _ => 2,
    }
}

pub(crate) fn other_sig(
    field: &Field,
    dialect: &Dialect,
    repair: bool,
    raw: &str,
    insurer: &str,
    known: &[String],
) -> OtherSig {
    use crate::layout::{Check, ValueType};
    let (value, repair) = if repair {
        let (v, s) = repair_sig(field, dialect, raw);
        (v, Some(s))
    } else {
        (raw.to_owned(), None)
    };
    let t = trim_edges(&value);
    let class = if field.value_type == ValueType::Digits {
        Some(CharClass::Digits)
    } else if field.value_type == ValueType::Text {
        Some(field.chars)
    } else {
        None
    };
    let mut checks = Vec::new();
    for check in &field.checks {
        match check {
            Check::MyNumber => {
                checks.push(outcome(checkdigit::my_number(t)));
                checks.push(u8::from(checkdigit::is_all_same_digit(t)));
            }
            Check::InsurerNumber => {
                checks.push(u8::from(
                    t.len() == 8 && !checkdigit::insurer_prefecture_valid(t),
                ));
                checks.push(outcome(checkdigit::insurer_number(t)));
                checks.push(u8::from(known.iter().any(|k| k == t)));
                // Whether the row's 受給者番号 carries a check digit (N005) depends on it.
                checks.push(u8::from(
                    crate::domain::tables::insurer_kind(t)
                        == Some(crate::domain::tables::InsurerKind::National),
                ));
            }
            Check::RecipientNumber => checks.push(outcome(checkdigit::recipient_number(t))),
            Check::MedicalInstitutionCodes => {
                let prefecture = insurer
                    .get(2..4)
                    .and_then(|p| p.parse::<u8>().ok())
                    .filter(|_| insurer.len() == 8);
                for c in crate::check::cells::digit_runs(t, 10) {
                    checks.push(outcome(checkdigit::medical_institution_code(c)));
                }
                for c in crate::check::cells::digit_runs(t, 7) {
                    if let Some(p) = prefecture {
                        checks.push(outcome(checkdigit::medical_institution_code7(c, p)));
                    }
                }
            }
            Check::MasterSegment | Check::MasterIncomeSegment | Check::Amount => {}
        }
    }
    OtherSig {
        repair,
        edge_space: trim_edges(raw).len() != raw.len(),
        empty: t.is_empty(),
        chars: t.chars().count(),
        disallowed: class.is_some_and(|c| crate::check::cells::first_disallowed(t, c).is_some()),
        listed: match field.value_type {
            ValueType::Code => field.codes.iter().any(|c| c.code == t),
            ValueType::Boolean => t == dialect.boolean_true || t == dialect.boolean_false,
            _ => false,
        },
        date: (field.value_type == ValueType::Date)
            .then(|| date::parse_with_format(t, dialect.date_format.as_str()))
            .flatten(),
        conditions: field.value_type == ValueType::Conditions
            && crate::check::conditions::first_malformed(t).is_some(),
        char_issues: repair::char_findings(field, t)
            .iter()
            .map(|f| f.issue)
            .collect(),
        checks,
        my_number: whole_my_number(t),
    }
}

/// The text mode for a field that holds a name or an address.
pub(crate) fn text_mode(field: Option<&Field>, kind: Personal) -> TextMode {
    match kind {
        Personal::Address => TextMode::Address,
        _ => TextMode::Name {
            kana_field: field.is_some_and(|f| f.chars == CharClass::Katakana),
        },
    }
}

#[cfg(test)]
mod tests;
