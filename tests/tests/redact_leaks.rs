//! No personal value survives redaction, wherever it is: the row's own 基本5情報 (個人番号, 氏名,
//! 氏名カナ, 住所, 生年月日, also in other forms: 半角カナ with ﾞ, the number with other
//! separators, in kanji numerals or with a wrong check digit), any valid My Number, phone
//! numbers, postcodes and e-mail addresses (also with `/`, `～`, `郵便`, full-width, a local part
//! in kanji, no dot) are planted in random columns — personal ones, other layout fields,
//! 券面項目 whose header names nothing personal (備考, メモ) — of well-formed and broken rows (an
//! unquoted comma in 住所, a column left out, an extra column, an unclosed quote), in UTF-8
//! (with and without BOM), CP932, UTF-16 and ISO-2022-JP, checked as `validate` and as `build`
//! do; 生年月日 and 個人番号 cells hold text the checker cannot read (`1946年8月27日生`, a name
//! after the number). None of them may be in the copy — neither in its decoded text nor in its
//! raw bytes — and the findings stay identical.
//! The property counts what its generator reached and asserts it.

use std::cell::Cell;
use std::collections::HashSet;

use conformance::mode;
use pmh_core::redact::{redact, redact_with_summary};
use pmh_core::{Checker, Decoder, Lang, Layout, Options, Personal, Report, RowView};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

const EXTRA: &str = ",備考,メモ";
const MY_NUMBER: usize = 1;
const NAME: usize = 2;
const KANA: usize = 3;
const ADDRESS: usize = 4;
const BIRTH: usize = 5;
/// Layout fields that are dates (有効期間): a date planted there is the checked value.
const DATE_FIELDS: [usize; 2] = [26, 27];
/// Columns of the file: the 28 layout fields, 受給者証番号, 疾病名, 指定医療機関名, 備考, メモ.
const COLUMNS: usize = 33;

fn positions(r: &Report) -> Vec<(String, Option<u32>, Option<u32>)> {
    let mut v: Vec<_> = r
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str().to_owned(), d.row, d.column))
        .collect();
    v.sort();
    v
}

/// What the checker read of a file.
struct Checked {
    report: Report,
    /// Every value of a non-personal layout field (trimmed), planted ones included.
    public: HashSet<String>,
    /// Every value of a date field (有効期間): the checked value, kept in the copy even where
    /// a shifted row put a birth date there.
    dates: HashSet<String>,
}

/// The report, and the values of the non-personal layout fields: a planted value equal to one
/// of them (a birth date that is also someone's 有効期間開始日) is public in this file.
fn check(layout: &Layout, opts: &Options, bytes: &[u8]) -> Checked {
    let public = std::cell::RefCell::new(HashSet::new());
    let dates = std::cell::RefCell::new(HashSet::new());
    let mut o = opts.clone();
    o.max_diagnostics = usize::MAX;
    let mut c = Checker::new(layout, o);
    c.set_visitor(Box::new(|r: RowView<'_>| {
        for (f, v) in layout.fields.iter().zip(r.fields) {
            if f.personal == Personal::None {
                public.borrow_mut().insert(v.trim().to_owned());
                if f.value_type == pmh_core::ValueType::Date {
                    dates.borrow_mut().insert(v.trim().to_owned());
                }
            }
        }
    }));
    c.feed(bytes);
    Checked {
        report: c.finish(),
        public: public.into_inner(),
        dates: dates.into_inner(),
    }
}

fn decode(bytes: &[u8]) -> String {
    let mut d = Decoder::new();
    let mut out = Vec::new();
    d.push(bytes, &mut out);
    d.finish(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// A tiny deterministic generator (the case's randomness comes from proptest's seed).
#[derive(Clone)]
struct R(u64);

impl R {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
}

fn fullwidth(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap(),
            '-' => '－',
            _ => c,
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum What {
    OwnMyNumber,
    OwnName,
    OwnKana,
    OwnAddress,
    OwnBirth,
    OtherMyNumber,
    Phone,
    Postcode,
    Email,
    /// The row's address with full-width digits and dashes (`栄１－１－１`).
    OwnAddressWide,
    /// The row's カナ in hiragana.
    OwnKanaHiragana,
    /// The surname alone, from a 氏名 written without a space (`村上様`).
    OwnSurname,
    /// The given name alone (`大翔くん`).
    OwnGivenName,
    /// A part of the カナ (the surname's or the given name's) in hiragana (`ひろと`).
    OwnKanaPartHiragana,
    /// The birth date in kanji numerals: 和暦 (`昭和二十一年八月二十七日`) or Gregorian
    /// (`一九四六年八月二十七日`).
    OwnBirthKanji,
    /// The カナ, or its surname or given name, in 半角カナ with ﾞ and ﾟ (`ｲｶﾞﾗｼ`: two
    /// characters for one).
    OwnKanaHalfwidth,
    /// The row's My Number with other separators (`1234/5678/9018`, `1234_5678_9018`,
    /// `1234 - 5678 - 9018`) or in kanji numerals (`一二三四五六七八九〇一八`).
    OwnMyNumberSeparated,
    /// The same, in a row whose My Number has a wrong check digit (no scanner finds it: only
    /// the row's own value).
    OwnMyNumberWrongCheck,
    /// An e-mail address in full width, with a local part in kanji, or without a dot.
    EmailOther,
    /// A phone number with `/`, `～` or spaced dashes, a postcode after `郵便`.
    PhoneOther,
    /// Not planted elsewhere: the row's 生年月日 written so the checker cannot read it
    /// (`1946年8月27日生`, `8/27/1946`, `S21.8.27.`) or followed by the name; what must go is
    /// its month and day, or the name.
    BirthColumnText,
    /// Not planted elsewhere: the row's 個人番号 followed by the name (`123456789018 村上大翔`).
    MyNumberColumnText,
    /// Not planted elsewhere: in a row whose 住所 holds an unquoted comma, the address's part
    /// that moved into 生年月日.
    ShiftedAddressInBirth,
    /// Another row's 氏名, as written or with a space between surname and given name (a
    /// family member named in 備考).
    OtherRowName,
    /// Another row's カナ, whole or a part, in katakana, hiragana or 半角カナ.
    OtherRowKana,
    /// Another row's 住所, whole or from a later level on (`中区栄1-1-1`).
    OtherRowAddress,
    /// Another row's My Number (one with a wrong check digit where there is one: no pattern
    /// finds it), bare, with separators, full-width or in kanji numerals.
    OtherRowMyNumber,
    /// An address's tail: `6丁目5番8号`, `6丁目5-8`, `５番地８`, `6の5の8`, `三丁目五番八号`,
    /// `二〇番地七`.
    AddressTail,
    /// The row's birth date written in part: `8月27日`, `21年8月27日生`, `八月二十七日`, and in
    /// free text `46/8/27`, `8/27`, `8/27/1946`, `21.8.27`.
    PartialBirth,
    /// The row's カナ in romaji, in free text: a part or the whole in either order, Hepburn or
    /// 訓令, long vowels any way (`Ohno`, `Ōno`, `Oono`), any case, full-width.
    Romaji,
    /// Not planted elsewhere: the row's 個人番号 or 生年月日 written in kanji numerals with `〇`
    /// (`一二三四五六七八九〇一八`, `二〇一〇年八月二日`); the copy's cell must hold no `〇`.
    KanjiZero,
}

const WHATS: [What; 31] = [
    What::OwnMyNumber,
    What::OwnName,
    What::OwnKana,
    What::OwnAddress,
    What::OwnBirth,
    What::OtherMyNumber,
    What::Phone,
    What::Postcode,
    What::Email,
    What::OwnAddressWide,
    What::OwnKanaHiragana,
    What::OwnSurname,
    What::OwnGivenName,
    What::OwnKanaPartHiragana,
    What::OwnBirthKanji,
    What::OwnKanaHalfwidth,
    What::OwnMyNumberSeparated,
    What::OwnMyNumberWrongCheck,
    What::EmailOther,
    What::PhoneOther,
    What::BirthColumnText,
    What::MyNumberColumnText,
    What::ShiftedAddressInBirth,
    What::OtherRowName,
    What::OtherRowKana,
    What::OtherRowAddress,
    What::OtherRowMyNumber,
    What::AddressTail,
    What::PartialBirth,
    What::Romaji,
    What::KanjiZero,
];

/// The kinds the fourth stream plants in place of one in three of the others (extended cases).
const NEW_FORMS: [What; 7] = [
    What::OtherRowName,
    What::OtherRowKana,
    What::OtherRowAddress,
    What::OtherRowMyNumber,
    What::AddressTail,
    What::PartialBirth,
    What::Romaji,
];

/// Columns of free text where a value planted stays in free text when the row's values shift
/// one column either way (no certificate key next to it: a romaji name or `8/27` shifted into
/// 受給者番号 is letters and digits, which a key may be): romaji and numeric dates in part are
/// looked for in free text only. Checked against the layout below.
const FREE_TEXT: [usize; 13] = [13, 15, 17, 18, 19, 20, 21, 25, 28, 29, 30, 31, 32];

/// Names of the extended cases (fourth stream), for their romaji: (surname, カナ, given, カナ).
const EXTRA_NAMES: [(&str, &str, &str, &str); 6] = [
    ("大野", "オオノ", "真司", "シンジ"),
    ("伊藤", "イトウ", "純一", "ジュンイチ"),
    ("服部", "ハットリ", "千尋", "チヒロ"),
    ("本間", "ホンマ", "京子", "キョウコ"),
    ("藤田", "フジタ", "翔太", "ショウタ"),
    ("土屋", "ツチヤ", "優希", "ユウキ"),
];

/// How a clerk may write a カナ part in romaji (Hepburn, 訓令, long vowels any way); written
/// out by hand, not by the redaction's own romanization.
fn romaji_of(kana: &str) -> &'static [&'static str] {
    match kana {
        "ムラカミ" => &["Murakami"],
        "ヒロト" => &["Hiroto"],
        "イガラシ" => &["Igarashi", "Igarasi"],
        "ミサキ" => &["Misaki"],
        "ハヤシ" => &["Hayashi", "Hayasi"],
        "ユミコ" => &["Yumiko"],
        "ササキ" => &["Sasaki"],
        "レン" => &["Ren"],
        "ムトウ" => &["Muto", "Mutō", "Mutoh", "Mutou"],
        "ユイナ" => &["Yuina"],
        "スガノ" => &["Sugano"],
        "イツキ" => &["Itsuki", "Ituki"],
        "オオノ" => &["Ohno", "Ono", "Oono", "Ōno"],
        "シンジ" => &["Shinji", "Sinzi", "Shinzi"],
        "イトウ" => &["Ito", "Itō", "Itoh", "Itou"],
        "ジュンイチ" => &["Junichi", "Jun'ichi", "Zyuniti"],
        "ハットリ" => &["Hattori"],
        "チヒロ" => &["Chihiro", "Tihiro"],
        "ホンマ" => &["Homma", "Honma"],
        "キョウコ" => &["Kyoko", "Kyōko", "Kyouko"],
        "フジタ" => &["Fujita", "Huzita"],
        "ショウタ" => &["Shota", "Shōta", "Syota", "Shouta"],
        "ツチヤ" => &["Tsuchiya", "Tutiya"],
        "ユウキ" => &["Yuki", "Yūki", "Yuuki"],
        _ => &[],
    }
}

/// A row before anything is planted in it: its fields (the name as the clerk wrote it, a wrong
/// check digit one row in four), its name, and its name's and third streams after those draws.
#[derive(Clone)]
struct Base {
    f: Vec<String>,
    name: (&'static str, &'static str, &'static str, &'static str),
    n: R,
    x: R,
    wrong_check: bool,
}

fn base_row(seed: u64, i: u64, extended: bool) -> Base {
    let mut line = String::new();
    pmh_core::synth::full_row(seed, i, &mut line);
    let mut f: Vec<String> = line.trim_end().split(',').map(str::to_owned).collect();
    f.push(String::new());
    f.push(String::new());
    assert_eq!(f.len(), COLUMNS);
    // The row's name, written by the clerk without a space between surname and given name
    // three times in four.
    // Drawn from a stream of their own, so that the pinned cases below keep their rows.
    let mut n = R((seed.rotate_left(29) ^ (i + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1);
    let mut name = NAMES[n.below(NAMES.len() as u64) as usize];
    let spaced = n.below(4) == 0;
    // Extended cases: one row in three gets a name whose romaji has Hepburn and 訓令 forms and
    // long vowels (its own stream: the pinned cases are not extended).
    let mut y = R((seed.rotate_left(7) ^ (i + 1).wrapping_mul(0xA076_1D64_78BD_642F)) | 1);
    if extended && y.below(3) == 0 {
        name = EXTRA_NAMES[y.below(EXTRA_NAMES.len() as u64) as usize];
    }
    let (surname, surname_kana, given, given_kana) = name;
    f[NAME] = if spaced {
        format!("{surname}　{given}")
    } else {
        format!("{surname}{given}")
    };
    f[KANA] = format!("{surname_kana}　{given_kana}");
    // The forms added later come from a third stream, so that neither the main stream nor
    // the name's stream change: a row whose My Number has a wrong check digit (one in
    // four), then, per planted value, one in three replaced by one of `OTHER_FORMS`.
    let mut x = R((seed.rotate_left(43) ^ (i + 1).wrapping_mul(0xD1B5_4A32_D192_ED03)) | 1);
    let wrong_check = x.below(4) == 0;
    if wrong_check {
        let mut b = f[MY_NUMBER].clone().into_bytes();
        b[11] = b'0' + (b[11] - b'0' + 1 + x.below(9) as u8) % 10;
        f[MY_NUMBER] = String::from_utf8(b).unwrap();
    }
    Base {
        f,
        name,
        n,
        x,
        wrong_check,
    }
}

/// `s` with ASCII letters and digits in full width.
fn fullwidth_alnum(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap(),
            _ => c,
        })
        .collect()
}

/// A value of a kind of [`NEW_FORMS`] for row `i` (`row` its fields before planting) of a file
/// whose rows are `bases`; with the row it was taken from and its column, for another row's
/// value. `None` when the kind does not fit (no other row).
fn new_value(
    y: &mut R,
    what: What,
    i: usize,
    row: &[String],
    bases: &[Base],
    name: (&str, &str, &str, &str),
    enc: usize,
) -> Option<(String, Option<(usize, usize)>)> {
    let others: Vec<usize> = (0..bases.len()).filter(|&j| j != i).collect();
    let pick = |y: &mut R, prefer: &dyn Fn(&Base) -> bool| -> Option<usize> {
        let preferred: Vec<usize> = others
            .iter()
            .copied()
            .filter(|&j| prefer(&bases[j]))
            .collect();
        let from = if preferred.is_empty() {
            &others
        } else {
            &preferred
        };
        (!from.is_empty()).then(|| from[y.below(from.len() as u64) as usize])
    };
    // Macrons are not in CP932 or ISO-2022-JP (such a file could not hold them).
    let macrons = !matches!(enc, 2 | 5);
    Some(match what {
        What::OtherRowName => {
            let j = pick(y, &|_| true)?;
            let (surname, _, given, _) = bases[j].name;
            let v = match y.below(3) {
                0 => bases[j].f[NAME].clone(),
                1 => format!("{surname} {given}"),
                _ => format!("{surname}　{given}"),
            };
            (v, Some((j, NAME)))
        }
        What::OtherRowKana => {
            let j = pick(y, &|_| true)?;
            let (_, surname_kana, _, given_kana) = bases[j].name;
            let part = match y.below(3) {
                0 => bases[j].f[KANA].clone(),
                1 => surname_kana.to_owned(),
                _ => given_kana.to_owned(),
            };
            let v = match y.below(3) {
                0 => part,
                1 => hiragana(&part),
                _ => halfwidth_kana(&part),
            };
            if v.trim().chars().count() < 2 {
                return None;
            }
            (v, Some((j, KANA)))
        }
        What::OtherRowAddress => {
            let j = pick(y, &|_| true)?;
            let a: Vec<char> = bases[j].f[ADDRESS].chars().collect();
            // Whole, or from after its prefecture, its city or its ward on (with a place name:
            // a tail of numbers alone, `6-20-6`, is looked for in the row's own cells only).
            let cuts: Vec<usize> = a
                .iter()
                .enumerate()
                .filter(|(k, c)| {
                    "都道府県市区町村".contains(**c)
                        && a.len() - k > 5
                        && a[k + 1..].iter().any(|c| !c.is_ascii())
                })
                .map(|(k, _)| k + 1)
                .collect();
            let at = if cuts.is_empty() || y.below(2) == 0 {
                0
            } else {
                cuts[y.below(cuts.len() as u64) as usize]
            };
            (a[at..].iter().collect(), Some((j, ADDRESS)))
        }
        What::OtherRowMyNumber => {
            let j = pick(y, &|b| b.wrong_check)?;
            let s = bases[j].f[MY_NUMBER].clone();
            let v = match y.below(5) {
                0 => s.clone(),
                1 => format!("{}-{}-{}", &s[..4], &s[4..8], &s[8..]),
                2 => format!("{} {} {}", &s[..4], &s[4..8], &s[8..]),
                3 => fullwidth(&s),
                _ => kanji_digits(&s),
            };
            (v, Some((j, MY_NUMBER)))
        }
        What::AddressTail => {
            let (a, b, c) = (1 + y.below(9), 1 + y.below(30), 1 + y.below(20));
            let k = |n: u64| kanji_number(n as u32);
            let v = match y.below(7) {
                0 => format!("{a}丁目{b}番{c}号"),
                1 => format!("{a}丁目{b}-{c}"),
                2 => fullwidth(&format!("{b}番地{c}")),
                3 => format!("{a}の{b}の{c}"),
                4 => format!("{}丁目{}番{}号", k(a), k(b), k(c)),
                5 => format!("{b}番地の{c}"),
                _ => format!("二〇番地{}", k(c)),
            };
            (v, None)
        }
        What::PartialBirth => {
            let p: Vec<u32> = row[BIRTH].split('-').map(|x| x.parse().unwrap()).collect();
            let (yr, m, d) = (p[0], p[1], p[2]);
            let (_, _, era_year) = era_of(yr, m, d);
            let v = match y.below(9) {
                0 => format!("{m}月{d}日"),
                1 => format!("{era_year}年{m}月{d}日生"),
                2 => format!("{}月{}日", kanji_number(m), kanji_number(d)),
                3 => fullwidth(&format!("{m}月{d}日")),
                // In free text only (the caller's column).
                4 => format!("{:02}/{m}/{d}", yr % 100),
                5 => format!("{m}/{d}"),
                6 => format!("{m}/{d}/{yr}"),
                7 => format!("{era_year}.{m}.{d}"),
                _ => format!("{m}/{d}/{:02}", yr % 100),
            };
            (v, None)
        }
        What::Romaji => {
            let (_, surname_kana, _, given_kana) = name;
            let spell = |y: &mut R, kana: &str| -> Option<String> {
                let forms: Vec<&str> = romaji_of(kana)
                    .iter()
                    .copied()
                    .filter(|f| macrons || f.is_ascii())
                    .collect();
                (!forms.is_empty()).then(|| forms[y.below(forms.len() as u64) as usize].to_owned())
            };
            let (s, g) = (spell(y, surname_kana)?, spell(y, given_kana)?);
            let v = match y.below(4) {
                0 => {
                    if y.below(2) == 0 {
                        s
                    } else {
                        g
                    }
                }
                1 => format!("{s} {g}"),
                2 => format!("{g} {s}"),
                _ => format!("{s}{g}"),
            };
            let v = match y.below(4) {
                0 => v.to_uppercase(),
                1 => v.to_lowercase(),
                2 => fullwidth_alnum(&v),
                _ => v,
            };
            (v, None)
        }
        _ => unreachable!("not a new form"),
    })
}

/// The kinds the third stream plants in place of one in three of the others.
const OTHER_FORMS: [What; 4] = [
    What::OwnKanaHalfwidth,
    What::OwnMyNumberSeparated,
    What::EmailOther,
    What::PhoneOther,
];

/// Names the generator writes itself, so that it knows where the surname ends: (surname, its
/// カナ, given name, its カナ). One-character parts are never planted alone.
const NAMES: [(&str, &str, &str, &str); 6] = [
    ("村上", "ムラカミ", "大翔", "ヒロト"),
    ("五十嵐", "イガラシ", "美咲", "ミサキ"),
    ("林", "ハヤシ", "由美子", "ユミコ"),
    ("佐々木", "ササキ", "蓮", "レン"),
    ("武藤", "ムトウ", "結菜", "ユイナ"),
    ("菅野", "スガノ", "樹", "イツキ"),
];

fn hiragana(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{30A1}'..='\u{30F6}' => char::from_u32(c as u32 - 0x60).unwrap(),
            _ => c,
        })
        .collect()
}

/// Katakana in 半角カナ, a voiced kana as two characters (`ガ` → `ｶﾞ`).
fn halfwidth_kana(s: &str) -> String {
    const FULL: &str = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンァィゥェォッャュョー";
    const HALF: &str = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｧｨｩｪｫｯｬｭｮｰ";
    const VOICED: &str = "ガギグゲゴザジズゼゾダヂヅデドバビブベボ";
    const VOICED_HALF: &str = "ｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾊﾋﾌﾍﾎ";
    const SEMI: &str = "パピプペポ";
    const SEMI_HALF: &str = "ﾊﾋﾌﾍﾎ";
    let at = |from: &str, to: &str, c: char| {
        from.chars()
            .position(|x| x == c)
            .and_then(|i| to.chars().nth(i))
    };
    let mut out = String::new();
    for c in s.chars() {
        if let Some(h) = at(FULL, HALF, c) {
            out.push(h);
        } else if let Some(h) = at(VOICED, VOICED_HALF, c) {
            out.push(h);
            out.push('ﾞ');
        } else if let Some(h) = at(SEMI, SEMI_HALF, c) {
            out.push(h);
            out.push('ﾟ');
        } else if c == 'ヴ' {
            out.push_str("ｳﾞ");
        } else if c == '　' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// A digit string in kanji numerals, digit by digit (`一二三〇`).
fn kanji_digits(s: &str) -> String {
    const F: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    s.chars()
        .map(|c| c.to_digit(10).map_or(c, |d| F[d as usize]))
        .collect()
}

/// `n` in kanji numerals as a 和暦 year, month or day is written (`二十七`, `十`, `三十一`).
fn kanji_number(n: u32) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let (tens, ones) = (n / 10, n % 10);
    let tens = match tens {
        0 => String::new(),
        1 => "十".to_owned(),
        t => format!("{}十", D[t as usize]),
    };
    format!("{tens}{}", D[ones as usize])
}

/// The era of a date, its letter and the year in it.
fn era_of(y: u32, m: u32, d: u32) -> (&'static str, char, u32) {
    let (era, letter, first) = match (y, m, d) {
        _ if (y, m, d) >= (2019, 5, 1) => ("令和", 'R', 2019),
        _ if (y, m, d) >= (1989, 1, 8) => ("平成", 'H', 1989),
        _ if (y, m, d) >= (1926, 12, 25) => ("昭和", 'S', 1926),
        _ => ("大正", 'T', 1912),
    };
    (era, letter, y - first + 1)
}

/// An ISO date (`1946-08-27`) in kanji numerals: 和暦 or, with `gregorian`, the year digit by
/// digit (`一九四六年`).
fn kanji_date(iso: &str, gregorian: bool) -> String {
    let p: Vec<u32> = iso.split('-').map(|x| x.parse().unwrap()).collect();
    let (y, m, d) = (p[0], p[1], p[2]);
    if gregorian {
        const F: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
        let year: String = y
            .to_string()
            .bytes()
            .map(|b| F[usize::from(b - b'0')])
            .collect();
        return format!("{year}年{}月{}日", kanji_number(m), kanji_number(d));
    }
    let (era, _, n) = era_of(y, m, d);
    let year = if n == 1 {
        "元".to_owned()
    } else {
        kanji_number(n)
    };
    format!("{era}{year}年{}月{}日", kanji_number(m), kanji_number(d))
}

fn planted_value(r: &mut R, what: What, row: &[String], name: (&str, &str, &str, &str)) -> String {
    let (surname, surname_kana, given, given_kana) = name;
    match what {
        What::OwnSurname => surname.to_owned(),
        What::OwnGivenName => given.to_owned(),
        What::OwnKanaPartHiragana => hiragana(if r.below(2) == 0 {
            surname_kana
        } else {
            given_kana
        }),
        What::OwnBirthKanji => kanji_date(&row[BIRTH], r.below(3) == 0),
        What::OwnMyNumber => row[MY_NUMBER].clone(),
        What::OwnName => row[NAME].clone(),
        What::OwnKana => row[KANA].clone(),
        What::OwnAddress => row[ADDRESS].clone(),
        What::OwnBirth => row[BIRTH].clone(),
        What::OwnAddressWide => fullwidth(&row[ADDRESS]),
        What::OwnKanaHiragana => hiragana(&row[KANA]),
        What::OwnKanaHalfwidth => {
            // The whole カナ, or one of its parts (the one with a voiced kana, if any).
            let voiced = |p: &str| {
                p.chars()
                    .any(|c| "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポヴ".contains(c))
            };
            let part = match r.below(3) {
                0 => row[KANA].clone(),
                _ if voiced(surname_kana) => surname_kana.to_owned(),
                _ if voiced(given_kana) => given_kana.to_owned(),
                _ => row[KANA].clone(),
            };
            halfwidth_kana(&part)
        }
        What::OwnMyNumberSeparated | What::OwnMyNumberWrongCheck => {
            let s = &row[MY_NUMBER];
            let (a, b, c) = (&s[..4], &s[4..8], &s[8..]);
            match r.below(6) {
                0 => format!("{a}/{b}/{c}"),
                1 => format!("{a}_{b}_{c}"),
                2 => format!("{a} - {b} - {c}"),
                3 => format!("{a}-{b}-{c}"),
                4 => fullwidth(&format!("{a}-{b}-{c}")),
                _ => kanji_digits(s),
            }
        }
        What::EmailOther => {
            let local = ["hanako", "taro.yamada", "a_b-c"][r.below(3) as usize];
            match r.below(3) {
                0 => format!("{local}{}＠example{}.co.jp", r.digits(3), r.digits(2))
                    .chars()
                    .map(|c| match c {
                        '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap(),
                        _ => c,
                    })
                    .collect(),
                1 => format!(
                    "{}{}@example{}.jp",
                    ["花子", "たろう", "ハナコ"][r.below(3) as usize],
                    r.digits(2),
                    r.digits(2)
                ),
                _ => format!("{local}{}@localhost", r.digits(3)),
            }
        }
        What::PhoneOther => match r.below(4) {
            0 => format!("0{}/{}/{}", r.digits(2), r.digits(3), r.digits(4)),
            1 => format!("0{}～{}～{}", r.digits(2), r.digits(4), r.digits(4)),
            2 => format!("0{} - {} - {}", r.digits(2), r.digits(3), r.digits(4)),
            _ => format!(
                "{}{}",
                ["郵便", "郵便番号 ", "郵便番号："][r.below(3) as usize],
                r.digits(7)
            ),
        },
        What::BirthColumnText
        | What::MyNumberColumnText
        | What::ShiftedAddressInBirth
        | What::KanjiZero => {
            unreachable!("not planted elsewhere")
        }
        What::OtherRowName
        | What::OtherRowKana
        | What::OtherRowAddress
        | What::OtherRowMyNumber
        | What::AddressTail
        | What::PartialBirth
        | What::Romaji => unreachable!("drawn by `new_value`"),
        What::OtherMyNumber => {
            let mut d: Vec<u8> = (0..11).map(|_| r.below(10) as u8).collect();
            d.push(pmh_core::synth::my_number_check_digit(&d));
            let s: String = d.iter().map(|x| char::from(b'0' + x)).collect();
            match r.below(3) {
                0 => format!("{} {} {}", &s[..4], &s[4..8], &s[8..]),
                1 => fullwidth(&s),
                _ => s,
            }
        }
        What::Phone => {
            let s = match r.below(4) {
                0 => format!("0{}-{}-{}", 1 + r.below(9), r.digits(4), r.digits(4)),
                1 => format!("0{}0-{}-{}", 7 + r.below(3), r.digits(4), r.digits(4)),
                2 => {
                    let n = 9 + r.below(2) as usize;
                    format!("0{}", r.digits(n))
                }
                _ => format!("0{}-{}-{}", r.digits(2), r.digits(3), r.digits(4)),
            };
            if r.below(4) == 0 { fullwidth(&s) } else { s }
        }
        What::Postcode => {
            let s = format!("{}-{}", r.digits(3), r.digits(4));
            if r.below(2) == 0 {
                format!("〒{s}")
            } else {
                s
            }
        }
        What::Email => format!(
            "{}{}@example{}.co.jp",
            ["hanako", "taro.yamada", "a_b-c"][r.below(3) as usize],
            r.digits(3),
            r.digits(2)
        ),
    }
}

/// How a row is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Broken {
    No,
    /// An unquoted comma inside 住所: the values after it move one column right.
    CommaInAddress,
    /// A column left out: the values after it move one column left.
    Dropped,
    /// An extra column at the end.
    Extra,
    /// A quote opened and never closed: the rest of the file is one unread record.
    Unclosed,
}

/// What the generator reached (each asserted at the end).
#[derive(Default)]
struct Reach {
    cases: Cell<u32>,
    refused: Cell<u32>,
    planted: Cell<u32>,
    in_other_fields: Cell<u32>,
    in_unlisted_details: Cell<u32>,
    embedded: Cell<u32>,
    in_broken_rows: Cell<u32>,
    in_shifted_rows: Cell<u32>,
    in_unclosed: Cell<u32>,
    per_kind: [Cell<u32>; WHATS.len()],
    per_encoding: [Cell<u32>; 6],
    build: Cell<u32>,
    /// Copies in which cells of other columns were replaced (the branch this is about).
    found_elsewhere: Cell<u32>,
    /// Another row's My Number with a wrong check digit planted (found by no pattern).
    other_wrong_check: Cell<u32>,
}

fn bump(c: &Cell<u32>) {
    c.set(c.get() + 1);
}

/// A file with planted values, the values to look for, and the encoded bytes.
/// A generated file: its bytes, the values that must not be in its copy, and the cells (sheet
/// row, layout field) of well-formed rows written in kanji numerals with `〇` whose copy must
/// hold no `〇`.
struct Generated {
    bytes: Vec<u8>,
    planted: Vec<String>,
    zero_cells: Vec<(u32, usize)>,
    /// The values of the file's non-personal cells as generated, before anything was planted
    /// in them (codes, 有効期間, clinics): public, so in the copy too. And another row's values
    /// planted whose row lost them (its column left out): nobody's in this file.
    public: HashSet<String>,
}

/// A file with planted values. `extended`: a fourth stream plants the kinds of [`NEW_FORMS`]
/// and [`What::KanjiZero`] too (the pinned cases below are not extended: their files stay as
/// they were found).
fn generate(seed: u64, enc: usize, reach: &Reach, extended: bool) -> Generated {
    let mut r = R(seed | 1);
    let rows = 1 + r.below(6);
    let mut text = format!("{}{EXTRA}\r\n", pmh_core::synth::FULL_HEADER);
    let mut planted = Vec::new();
    let mut unclosed = false;
    let bases: Vec<Base> = (0..rows).map(|i| base_row(seed, i, extended)).collect();
    // Other rows' values planted (value, (row, column)), and how each row was broken (the
    // column left out): a value its row lost is in the file only where it was planted.
    let mut sources: Vec<(String, (usize, usize))> = Vec::new();
    let mut broken_rows: Vec<(Broken, Option<usize>)> = Vec::new();
    let mut zero_cells = Vec::new();
    let mut public = HashSet::new();
    for i in 0..rows {
        let Base {
            mut f,
            name,
            mut n,
            mut x,
            wrong_check,
        } = bases[i as usize].clone();
        // The fourth stream (extended cases only).
        let mut y = R((seed.rotate_left(53) ^ (i + 1).wrapping_mul(0xE703_7ED1_A0B4_28DB)) | 1);
        let original = f.clone();
        for (c, v) in original.iter().enumerate() {
            if ![MY_NUMBER, NAME, KANA, ADDRESS, BIRTH].contains(&c) && !v.trim().is_empty() {
                public.insert(v.trim().to_owned());
            }
        }
        for _ in 0..1 + r.below(4) {
            // The first eleven kinds are drawn from the main stream, as when the pinned cases
            // below were found (every draw of it is made in the same order); the parts of
            // names and the dates in kanji replace one in four of them, from the name's stream.
            let drawn = WHATS[r.below(11) as usize];
            // Any column but the five personal ones (redacted as columns; planting there would
            // also take the row's own value out of the row, leaving nothing to recognise).
            let col = [
                0, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
                27, 28, 29, 30, 31, 32,
            ][r.below(28) as usize];
            let v = planted_value(&mut r, drawn, &original, name);
            // A date in a date field is the checked 有効期間.
            if DATE_FIELDS.contains(&col) && drawn == What::OwnBirth {
                continue;
            }
            if v.trim().chars().count() < 2 {
                continue;
            }
            let embed = r.below(2) == 0;
            let (what, v) = if n.below(4) == 0 {
                // A date in kanji numerals is no date to the checker: planted in date fields too.
                let what = WHATS[11 + n.below(4) as usize];
                (what, planted_value(&mut n, what, &original, name))
            } else {
                (drawn, v)
            };
            let (what, v) = if x.below(3) == 0 {
                let what = match OTHER_FORMS[x.below(4) as usize] {
                    What::OwnMyNumberSeparated if wrong_check => What::OwnMyNumberWrongCheck,
                    w => w,
                };
                (what, planted_value(&mut x, what, &original, name))
            } else {
                (what, v)
            };
            // Extended cases: one in three of those replaced by a kind of `NEW_FORMS`.
            let mut source = None;
            let (what, v, col) = match extended && y.below(3) == 0 {
                true => {
                    let kind = NEW_FORMS[y.below(NEW_FORMS.len() as u64) as usize];
                    match new_value(&mut y, kind, i as usize, &original, &bases, name, enc) {
                        Some((nv, src)) => {
                            source = src;
                            // Romaji and numeric dates in part are looked for in free text; a
                            // date in part in a date field is taken for the 有効期間 it stands in.
                            let numeric = kind == What::PartialBirth && !nv.contains('月');
                            let col = if kind == What::Romaji
                                || numeric
                                || (kind == What::PartialBirth && DATE_FIELDS.contains(&col))
                            {
                                FREE_TEXT[y.below(FREE_TEXT.len() as u64) as usize]
                            } else {
                                col
                            };
                            (kind, nv, col)
                        }
                        None => (what, v, col),
                    }
                }
                false => (what, v, col),
            };
            if let Some(src) = source {
                if what == What::OtherRowMyNumber && bases[src.0].wrong_check {
                    bump(&reach.other_wrong_check);
                }
                sources.push((v.clone(), src));
            }
            if v.trim().chars().count() < 2 {
                continue; // a one-character surname or given name
            }
            f[col] = if embed {
                bump(&reach.embedded);
                format!("連絡先 {v} まで")
            } else {
                v.clone()
            };
            if col >= 24 {
                bump(&reach.in_unlisted_details);
            } else {
                bump(&reach.in_other_fields);
            }
            bump(&reach.per_kind[WHATS.iter().position(|&w| w == what).unwrap()]);
            if what == What::EmailOther {
                // A local part in kana or kanji (`花子` of `花子12@…`) must go too.
                let local: String = v.chars().take_while(|c| !c.is_ascii()).collect();
                if local.chars().count() >= 2 && !local.contains('＠') {
                    planted.push(local);
                }
            }
            planted.push(v);
        }
        // The row's own values must go too, wherever they end up.
        for c in [MY_NUMBER, NAME, KANA, ADDRESS, BIRTH] {
            planted.push(original[c].clone());
        }
        // A 生年月日 the checker cannot read, or with the name after it; a 個人番号 with the
        // name after it (one row in four, one in six; third stream).
        let mut birth_gone = None;
        if x.below(4) == 0 {
            let p: Vec<u32> = original[BIRTH]
                .split('-')
                .map(|x| x.parse().unwrap())
                .collect();
            let (y, m, d) = (p[0], p[1], p[2]);
            let (written, gone) = match x.below(4) {
                0 => (format!("{y}年{m}月{d}日生"), format!("{m}月{d}日生")),
                1 => (format!("{m}/{d}/{y}"), format!("/{d}/{y}")),
                2 => {
                    let (_, letter, n) = era_of(y, m, d);
                    (format!("{letter}{n}.{m}.{d}."), format!(".{m}.{d}."))
                }
                _ => (
                    format!("{} {}", original[BIRTH], original[NAME]),
                    original[NAME].clone(),
                ),
            };
            f[BIRTH] = written.clone();
            planted.push(written);
            birth_gone = Some(gone);
            bump(
                &reach.per_kind[WHATS
                    .iter()
                    .position(|&w| w == What::BirthColumnText)
                    .unwrap()],
            );
        }
        if x.below(6) == 0 {
            f[MY_NUMBER] = format!("{} {}", original[MY_NUMBER], original[NAME]);
            planted.push(f[MY_NUMBER].clone());
            bump(
                &reach.per_kind[WHATS
                    .iter()
                    .position(|&w| w == What::MyNumberColumnText)
                    .unwrap()],
            );
        }
        // Extended cases: the 個人番号 or the 生年月日 in kanji numerals with `〇` (one row in
        // four, where the column is still as generated and its digits hold a 0).
        let mut zero_col = None;
        if extended && y.below(4) == 0 {
            let year = &original[BIRTH][..4];
            if f[MY_NUMBER] == original[MY_NUMBER] && original[MY_NUMBER].contains('0') {
                f[MY_NUMBER] = kanji_digits(&original[MY_NUMBER]);
                zero_col = Some(MY_NUMBER);
            } else if f[BIRTH] == original[BIRTH] && year.contains('0') {
                f[BIRTH] = kanji_date(&original[BIRTH], true);
                zero_col = Some(BIRTH);
            }
            if let Some(c) = zero_col {
                planted.push(f[c].clone());
            }
        }
        let mut dropped = None;
        let swallowed = unclosed;
        let broken = if unclosed {
            Broken::No
        } else {
            [
                Broken::No,
                Broken::No,
                Broken::CommaInAddress,
                Broken::Dropped,
                Broken::Extra,
                Broken::Unclosed,
            ][r.below(6) as usize]
        };
        match broken {
            Broken::No => {}
            Broken::CommaInAddress => {
                let a: Vec<char> = f[ADDRESS].chars().collect();
                let at = 1 + r.below(a.len().saturating_sub(1) as u64) as usize;
                f[ADDRESS] = format!(
                    "{},{}",
                    a[..at.min(a.len())].iter().collect::<String>(),
                    a[at.min(a.len())..].iter().collect::<String>()
                );
                // The part that moved into 生年月日: its kanji and kana (three or more, two of
                // them not kept as an address's or a date's structure) must go.
                let moved: String = a[at.min(a.len())..]
                    .iter()
                    .take_while(|c| !c.is_ascii() && !('０'..='９').contains(*c))
                    .collect();
                let plain = moved
                    .chars()
                    .filter(|&c| !"都道府県市区町村郡丁目番地号ヵヶ年月日元明大昭平令".contains(c))
                    .count();
                if moved.chars().count() >= 3 && plain >= 2 {
                    planted.push(moved);
                    bump(
                        &reach.per_kind[WHATS
                            .iter()
                            .position(|&w| w == What::ShiftedAddressInBirth)
                            .unwrap()],
                    );
                }
            }
            Broken::Dropped => {
                let c = r.below(8) as usize;
                f.remove(c);
                dropped = Some(c);
            }
            Broken::Extra => f.push("余分".to_owned()),
            Broken::Unclosed => {
                let c = r.below(f.len() as u64) as usize;
                f[c] = format!("\"{}", f[c]);
                unclosed = true;
                bump(&reach.in_unclosed);
            }
        }
        // Its month and day must go from the 生年月日 column; moved to another column by a
        // shift, it is replaced like any other value there (a partial date may stay).
        if !matches!(broken, Broken::CommaInAddress | Broken::Dropped) {
            planted.extend(birth_gone);
        }
        if broken != Broken::No {
            bump(&reach.in_broken_rows);
            if matches!(broken, Broken::CommaInAddress | Broken::Dropped) {
                bump(&reach.in_shifted_rows);
            }
        }
        // A cell written with `〇` is checked in the copy where the row is read as written.
        if let Some(c) = zero_col
            && broken == Broken::No
            && !swallowed
        {
            zero_cells.push((i as u32 + 2, c));
            bump(&reach.per_kind[WHATS.iter().position(|&w| w == What::KanjiZero).unwrap()]);
        }
        broken_rows.push((broken, dropped));
        text.push_str(&f.join(","));
        text.push_str("\r\n");
    }
    // Another row's value that its row lost (its column left out, or its 住所 cut in two by a
    // comma) is in the file only where it was planted: nobody's value there.
    for (v, (j, c)) in &sources {
        let lost = match broken_rows[*j] {
            (Broken::Dropped, Some(d)) => d == *c,
            (Broken::CommaInAddress, _) => *c == ADDRESS,
            _ => false,
        };
        if lost {
            planted.retain(|p| p != v);
            public.insert(v.clone());
        }
    }
    // A value a broken row lost (a column left out) is not in the file: whatever the copy
    // holds, it cannot have come from there.
    planted.retain(|v| v.trim().chars().count() >= 2 && text.contains(v.trim()));
    for v in &mut planted {
        *v = v.trim().to_owned();
    }
    bump(&reach.per_encoding[enc]);
    let bytes = match enc {
        0 => format!("\u{FEFF}{text}").into_bytes(),
        1 => text.into_bytes(),
        2 => encoding_rs::SHIFT_JIS.encode(&text).0.into_owned(),
        3 => std::iter::once(0xFEFF)
            .chain(text.encode_utf16())
            .flat_map(u16::to_le_bytes)
            .collect(),
        4 => std::iter::once(0xFEFF)
            .chain(text.encode_utf16())
            .flat_map(u16::to_be_bytes)
            .collect(),
        // ISO-2022-JP (JIS): copied through UTF-8 and encoded back.
        _ => encoding_rs::ISO_2022_JP.encode(&text).0.into_owned(),
    };
    Generated {
        bytes,
        planted,
        zero_cells,
        public,
    }
}

fn encoded(v: &str, enc: usize) -> Vec<u8> {
    match enc {
        0 | 1 => v.as_bytes().to_vec(),
        2 => encoding_rs::SHIFT_JIS.encode(v).0.into_owned(),
        3 => v.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        4 => v.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        // ISO-2022-JP: a value's bytes depend on the escape state around it; ASCII values are
        // themselves, others are looked for in the decoded text only.
        _ => v.as_bytes().to_vec(),
    }
}

/// [`conformance::holds_value`], where a number also continues across a separator: `5/7`
/// planted is not in `5/7/0445` (a replacement's digits), nor `8/2` in `18/27`.
fn holds_number(text: &str, v: &str) -> bool {
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let sep = |c: char| matches!(c, '/' | '.' | '-' | '／' | '．' | '－');
    let (Some(first), Some(last)) = (v.chars().next(), v.chars().last()) else {
        return false;
    };
    text.match_indices(v).any(|(at, _)| {
        let mut before = text[..at].chars().rev();
        let mut after = text[at + v.len()..].chars();
        let (b1, b2) = (before.next(), before.next());
        let (a1, a2) = (after.next(), after.next());
        let glued_before = digit(first)
            && (b1.is_some_and(digit) || (b1.is_some_and(sep) && b2.is_some_and(digit)));
        let glued_after = digit(last)
            && (a1.is_some_and(digit) || (a1.is_some_and(sep) && a2.is_some_and(digit)));
        !glued_before && !glued_after
    })
}

/// [`holds_number`] at a place where the original holds `v` too (the copy keeps every
/// character's place: each is replaced by one character).
fn holds_in_place(original: &str, copy: &str, v: &str) -> bool {
    let (o, c): (Vec<char>, Vec<char>) = (original.chars().collect(), copy.chars().collect());
    let w: Vec<char> = v.chars().collect();
    if o.len() != c.len() || w.is_empty() {
        return holds_number(copy, v);
    }
    (0..c.len().saturating_sub(w.len() - 1)).any(|at| {
        c[at..at + w.len()] == w[..] && o[at..at + w.len()] == w[..] && {
            let here: String = c[at.saturating_sub(2)..(at + w.len() + 2).min(c.len())]
                .iter()
                .collect();
            holds_number(&here, v)
        }
    })
}

/// Whether the copy's bytes hold `raw` (the value `v` encoded), not glued to other digits where
/// `v` starts or ends with one (as [`holds_number`] reads text: a `8/24` planted is not in
/// `18/245`), and not as a part of a public value's bytes.
fn bytes_hold(copy: &[u8], raw: &[u8], enc: usize, v: &str, public: &HashSet<String>) -> bool {
    if public.iter().any(|p| p.contains(v)) {
        return false;
    }
    // ISO-2022-JP: only bytes in ASCII mode are ASCII (in JIS mode every character is two bytes
    // of the ASCII range, which may spell anything).
    let mut ascii_mode = vec![true; copy.len()];
    if enc == 5 {
        let mut jis = false;
        let mut i = 0;
        while i < copy.len() {
            if copy[i] == 0x1B && i + 2 < copy.len() {
                match &copy[i + 1..i + 3] {
                    b"$B" | b"$@" => jis = true,
                    b"(B" | b"(J" => jis = false,
                    _ => {}
                }
                ascii_mode[i..i + 3].fill(false);
                i += 3;
                continue;
            }
            ascii_mode[i] = !jis;
            i += 1;
        }
    }
    let digit = |c: char| c.is_ascii_digit();
    let (first, last) = (v.chars().next(), v.chars().last());
    // The code unit before and after a match, where the encoding's units are one or two bytes.
    let unit = if matches!(enc, 3 | 4) { 2 } else { 1 };
    let ascii_at = |at: usize| -> Option<char> {
        let u = copy.get(at..at + unit)?;
        let b = match (enc, u) {
            (3, [lo, 0]) => *lo,
            (4, [0, lo]) => *lo,
            (3 | 4, _) => return None,
            (_, [b]) => *b,
            _ => return None,
        };
        b.is_ascii().then_some(char::from(b))
    };
    (0..copy.len().saturating_sub(raw.len() - 1)).any(|at| {
        if &copy[at..at + raw.len()] != raw || !ascii_mode[at..at + raw.len()].iter().all(|&a| a) {
            return false;
        }
        let sep = |c: char| matches!(c, '/' | '.' | '-');
        let before = at.checked_sub(unit).and_then(ascii_at);
        let before2 = at.checked_sub(2 * unit).and_then(ascii_at);
        let after = ascii_at(at + raw.len());
        let after2 = ascii_at(at + raw.len() + unit);
        let glued_before = first.is_some_and(digit)
            && (before.is_some_and(digit)
                || (before.is_some_and(sep) && before2.is_some_and(digit)));
        let glued_after = last.is_some_and(digit)
            && (after.is_some_and(digit) || (after.is_some_and(sep) && after2.is_some_and(digit)));
        !glued_before && !glued_after
    })
}

/// Each read row's field values (layout order), by sheet row.
fn rows_of(
    layout: &Layout,
    opts: &Options,
    bytes: &[u8],
) -> std::collections::HashMap<u32, Vec<String>> {
    let rows = std::cell::RefCell::new(std::collections::HashMap::new());
    let mut c = Checker::new(layout, opts.clone());
    c.set_visitor(Box::new(|r: RowView<'_>| {
        rows.borrow_mut()
            .insert(r.row, r.fields.iter().map(|s| (*s).to_owned()).collect());
    }));
    c.feed(bytes);
    c.finish();
    rows.into_inner()
}

/// One case of the property: a file with planted values (`seed`, encoding `enc`; `extended`:
/// the kinds of [`NEW_FORMS`] too), redacted in build or validate mode with `redact_seed`; no
/// planted value may survive.
fn one_case(
    reach: &Reach,
    layout: &Layout,
    extended: bool,
    (seed, enc, build, redact_seed): (u64, usize, bool, u64),
) -> Result<(), TestCaseError> {
    bump(&reach.cases);
    let Generated {
        bytes,
        planted,
        zero_cells,
        public: generated_public,
    } = generate(seed, enc, reach, extended);
    let opts = mode(build);
    if build {
        bump(&reach.build);
    }
    reach
        .planted
        .set(reach.planted.get() + planted.len() as u32);
    let copy = match redact_with_summary(layout, &opts, &bytes, redact_seed) {
        Ok(c) => {
            if c.summary.found_elsewhere > 0 {
                bump(&reach.found_elsewhere);
            }
            c.bytes
        }
        Err(e) => {
            // Refused (nothing written): never a leak, but counted.
            eprintln!("refused: {}", e.message(Lang::En));
            bump(&reach.refused);
            return Ok(());
        }
    };
    let before = check(layout, &opts, &bytes);
    let after = check(layout, &opts, &copy);
    prop_assert_eq!(
        positions(&before.report),
        positions(&after.report),
        "findings"
    );
    let text = decode(&copy);
    let original_text = decode(&bytes);
    for v in &planted {
        // Public: a value of a non-personal field as generated, or one in a date field (kept
        // as the checked value). Not extended (the pinned cases, as they were found): any
        // value of a non-personal field as read, planted ones included.
        let public = if extended {
            generated_public.contains(v.as_str()) || before.dates.contains(v.as_str())
        } else {
            before.public.contains(v.as_str())
        };
        if public {
            continue;
        }
        // Where a public value holds it (`ITO` in the code `HITORI01`), it is that value's.
        let mut text = text.clone();
        for p in generated_public.iter().filter(|p| p.contains(v.as_str())) {
            text = text.replace(p.as_str(), "\u{1}");
        }
        // A value of three letters or digits or fewer (`れん`, `5/7`, `.5.2.`) may be spelled by
        // chance by the random characters of a replacement: left only where the original had
        // it.
        let short = v.chars().filter(|c| c.is_alphanumeric()).count() <= 3;
        let left = if short {
            holds_in_place(&original_text, &text, v)
        } else {
            holds_number(&text, v)
        };
        prop_assert!(!left, "left in the copy: {v}\n{text}");
        // (In raw bytes, where characters need not keep their places, only values of four
        // letters or digits or more: shorter ones are spelled by chance.)
        if (enc == 5 && !v.is_ascii()) || short {
            continue;
        }
        let raw = encoded(v, enc);
        prop_assert!(
            !bytes_hold(&copy, &raw, enc, v, &generated_public),
            "left in the copy's bytes: {v}"
        );
    }
    // A 個人番号 or 生年月日 written in kanji numerals keeps no `〇` (the kanji zero is
    // replaced like every other kanji of the cell).
    if !zero_cells.is_empty() {
        let rows = rows_of(layout, &opts, &copy);
        for (row, col) in &zero_cells {
            let cell = rows.get(row).map(|r| r[*col].as_str()).unwrap_or_default();
            prop_assert!(!cell.contains('〇'), "〇 kept in row {row}: {cell}");
        }
    }
    Ok(())
}

#[test]
fn planted_personal_values_never_survive() {
    let reach = Reach::default();
    let layout = Layout::full();
    // A fixed stream of cases, so that CI reproduces what it finds; `PMH_REDACT_RANDOM=1` draws
    // fresh cases instead (random runs found the phone numbers that looked like 医療機関コード).
    let config = Config {
        cases: 400,
        ..Config::default()
    };
    let mut runner = if std::env::var_os("PMH_REDACT_RANDOM").is_some() {
        TestRunner::new(config)
    } else {
        TestRunner::new_with_rng(
            config,
            proptest::test_runner::TestRng::deterministic_rng(
                proptest::test_runner::RngAlgorithm::ChaCha,
            ),
        )
    };
    runner
        .run(
            &(any::<u64>(), 0usize..6, any::<bool>(), any::<u64>()),
            |case| one_case(&reach, &layout, true, case),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let n = reach.cases.get();
    let per_kind: Vec<u32> = reach.per_kind.iter().map(Cell::get).collect();
    let per_enc: Vec<u32> = reach.per_encoding.iter().map(Cell::get).collect();
    let stats = format!(
        "cases {n}, refused {}, copies with cells of other columns replaced {}, planted {} (other fields {}, unlisted 券面 {}, embedded {}), broken rows {} (shifted {}, unclosed {}), build {}, other rows' My Numbers with a wrong check digit {}, per kind {per_kind:?}, per encoding {per_enc:?}",
        reach.refused.get(),
        reach.found_elsewhere.get(),
        reach.planted.get(),
        reach.in_other_fields.get(),
        reach.in_unlisted_details.get(),
        reach.embedded.get(),
        reach.in_broken_rows.get(),
        reach.in_shifted_rows.get(),
        reach.in_unclosed.get(),
        reach.build.get(),
        reach.other_wrong_check.get(),
    );
    eprintln!("{stats}");
    // The generator reaches every place and kind.
    assert!(reach.in_other_fields.get() >= 200, "{stats}");
    assert!(reach.in_unlisted_details.get() >= 40, "{stats}");
    assert!(reach.embedded.get() >= 100, "{stats}");
    assert!(reach.in_shifted_rows.get() >= 100, "{stats}");
    assert!(reach.in_unclosed.get() >= 50, "{stats}");
    assert!(per_kind.iter().all(|&k| k >= 30), "{stats}");
    assert!(reach.other_wrong_check.get() >= 30, "{stats}");
    assert!(per_enc.iter().all(|&k| k >= 40), "{stats}");
    assert!(reach.build.get() >= 100, "{stats}");
    assert!(reach.found_elsewhere.get() * 100 >= n * 70, "{stats}");
    // Refusals (no copy, never a leak) stay rare: 0 of 2,000 cases when written.
    assert!(reach.refused.get() * 200 <= n, "{stats}");
}

/// [`FREE_TEXT`] are the columns of free text (no field, or a text field that is not letters
/// and digits) whose neighbours are no certificate key or type.
#[test]
fn free_text_columns_are_free_text() {
    let layout = Layout::full();
    let key = |c: usize| {
        c < layout.fields.len()
            && [
                "orgSpecificCertificateTypeId",
                "medicalSubsidyRecipientNumber",
                "certificationSubKey",
            ]
            .contains(&layout.fields[c].id.as_str())
    };
    let free = |c: usize| {
        c >= layout.fields.len()
            || (layout.fields[c].value_type == pmh_core::ValueType::Text
                && !matches!(layout.fields[c].chars.as_str(), "alnum" | "digits")
                && layout.fields[c].personal == Personal::None)
    };
    let expected: Vec<usize> = (0..COLUMNS)
        .filter(|&c| free(c) && !key(c - 1) && !key(c + 1))
        .collect();
    assert_eq!(FREE_TEXT.to_vec(), expected);
}

/// The kanji zero `〇` in free text does not stay where it was: the row's My Number written in
/// kanji numerals, a date in kanji numerals and an address's tail in kanji numerals get other
/// numerals (`〇` among them only as often as chance gives it), not `〇` kept in place with the
/// other numerals replaced (which would show where the 0 digits of the original are).
#[test]
fn the_kanji_zero_does_not_stay_where_it_was() {
    let h = pmh_core::synth::FULL_HEADER;
    let cells = [
        "〇二三四五六七八九〇一三",
        "二〇一〇年八月二日生",
        "栄二〇番地三〇号",
    ];
    let row = format!(
        "KODOMO01,023456789013,愛知花子,アイチ　ハナコ,愛知県名古屋市中区栄1-1-1,2010-08-02,2,0,88134457,子ども医療費受給者証,00012345,,,,,,0,,,,,,,,,,2025-04-01,2026-03-31,,,,{},{} {}",
        cells[0], cells[1], cells[2]
    );
    let input = format!("\u{FEFF}{h}{EXTRA}\r\n{row}\r\n");
    let layout = Layout::full();
    let (mut zeros, mut kept) = (0, 0);
    for build in [false, true] {
        let opts = mode(build);
        for seed in 1..=40 {
            let copy = decode(&redact(&layout, &opts, input.as_bytes(), seed).unwrap());
            let line = copy.lines().nth(1).unwrap();
            let fields: Vec<&str> = line.split(',').collect();
            let after = format!("{} {}", fields[31], fields[32]);
            let before = format!("{} {} {}", cells[0], cells[1], cells[2]);
            assert_eq!(after.chars().count(), before.chars().count(), "{after}");
            for (a, b) in before.chars().zip(after.chars()) {
                if a == '〇' {
                    zeros += 1;
                    kept += usize::from(b == '〇');
                }
            }
            assert!(
                !copy.contains(cells[0]) && !copy.contains(cells[1]),
                "{copy}"
            );
        }
    }
    // By chance about one in ten (where a digit may be 0); kept in place it would be all.
    assert!(kept * 3 < zeros, "{kept} of {zeros} kept");
}

/// The hostile cases kept as fixtures (`fixtures/redact/*.csv`, fake data): each redacts, in
/// validate and in build mode, with the same findings, and none of the values its `.leaks`
/// file lists is in the copy (decoded or raw, in the file's encoding).
#[test]
fn hostile_fixtures_leak_nothing() {
    let dir = conformance::fixtures_dir().join("redact");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "{files:?}");
    let layout = Layout::full();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let leaks: Vec<String> = std::fs::read_to_string(f.with_extension("leaks"))
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(str::to_owned)
            .collect();
        assert!(!leaks.is_empty());
        let original = decode(&bytes);
        for v in &leaks {
            assert!(
                original.contains(v.as_str()),
                "{f:?}: {v} is not in the fixture"
            );
        }
        let enc = match bytes.get(..2) {
            Some([0xFF, 0xFE]) => 3,
            _ if std::str::from_utf8(&bytes).is_err() => 2,
            _ => 0,
        };
        for build in [false, true] {
            let opts = mode(build);
            for seed in [1, 2, 3] {
                let copy = redact(&layout, &opts, &bytes, seed)
                    .unwrap_or_else(|e| panic!("{f:?}: {}", e.message(Lang::En)));
                let before = check(&layout, &opts, &bytes).report;
                let after = check(&layout, &opts, &copy).report;
                assert_eq!(positions(&before), positions(&after), "{f:?}");
                let text = decode(&copy);
                for v in &leaks {
                    assert!(
                        !conformance::holds_value(&text, v),
                        "{f:?}: {v} left in\n{text}"
                    );
                    let raw = encoded(v, enc);
                    assert!(
                        !copy.windows(raw.len()).any(|w| w == raw.as_slice()),
                        "{f:?}: {v} left in the bytes"
                    );
                }
            }
        }
    }
}

/// What only looks like a personal value is kept: an 8-digit 受給者番号 that reads as a date
/// (`19490227`), a 医療機関コード of Hokkaido (`0110113719`, 10 digits from 0, its check digit
/// passing), a 公費負担者番号, a 追加条件 — in a well-formed row, nothing else changes.
#[test]
fn identifiers_that_only_look_personal_are_kept() {
    let h = pmh_core::synth::FULL_HEADER;
    let row = "KODOMO01,123456789018,愛知花子,アイチ　ハナコ,愛知県名古屋市中区栄1-1-1,2013-01-01,2,0,88134457,子ども医療費受給者証,19490227,,,,01-1;02-3,0110113719 札幌病院,0,,,,,,,,,,2025-04-01,2026-03-31,A-1,喘息,札幌病院";
    let input = format!("\u{FEFF}{h}\r\n{row}\r\n");
    let layout = Layout::full();
    for build in [false, true] {
        let opts = mode(build);
        let copy = redact(&layout, &opts, input.as_bytes(), 4).unwrap();
        let text = decode(&copy);
        for kept in [
            "KODOMO01",
            "88134457",
            "19490227",
            "01-1;02-3",
            "札幌病院",
            "2025-04-01",
            "2026-03-31",
            "子ども医療費受給者証",
        ] {
            assert!(text.contains(kept), "{kept} was replaced: {text}");
        }
        // A 医療機関コード is indistinguishable from a phone number (one in ten passes its check
        // digit): replaced, with the same findings, rather than risk a phone left in the copy.
        for gone in [
            "123456789018",
            "愛知花子",
            "アイチ　ハナコ",
            "2013-01-01",
            "0110113719",
        ] {
            assert!(!text.contains(gone), "{gone} left: {text}");
        }
    }
}

/// Found by random runs: in a row whose 住所 holds an unquoted comma, the birth date moved into
/// 性別 and its replacement (the date moved by a few days) was another recipient's birth date —
/// a readable row's, and a row swallowed by a quote left open (which the checker never reads).
/// Replacements are drawn again until they are none of the file's personal values. And an
/// address that a column left out moved into column A (機関別受給者証種別ID) is replaced.
#[test]
fn a_replacement_is_never_another_recipients_value() {
    for case in [
        (
            11_002_317_157_273_910_213,
            0,
            false,
            12_509_240_938_833_722_612,
        ),
        (
            13_486_059_850_790_151_228,
            0,
            false,
            16_522_995_373_132_644_051,
        ),
        // An address moved into 機関別受給者証種別ID by a column left out (kept there while
        // the type was part of the certificate key, and then no longer).
        (8_578_629_696_836_247_300, 0, false, 0),
        // A 生年月日 with the name after it, moved into 性別 by a comma in 住所, whose tail `19`
        // moved into 生年月日: every moved date kept `19`, "another recipient's value", so no
        // draw was taken and the cell was kept (now: values of two characters are no one's, and
        // a cell no draw fits is replaced whole).
        (14_865_605_438_072_823_429, 0, false, 0),
    ] {
        let reach = Reach::default();
        one_case(&reach, &Layout::full(), false, case).unwrap();
        assert!(
            reach.in_shifted_rows.get() >= 1,
            "the case has shifted rows"
        );
    }
    let reach = Reach::default();
    let _ = generate(13_486_059_850_790_151_228, 0, &reach, false);
    assert_eq!(
        reach.in_unclosed.get(),
        1,
        "the second case has a quote left open"
    );
}
