//! Personal values inside cells that are not personal columns: a My Number in 備考, a phone
//! number in 連絡先, a postcode or an e-mail address in 送付先, a birth date in a 券面項目, the
//! row's own name inside 受給者証名. [`find`] returns the spans of one cell's characters that
//! must be replaced; what replaces them is decided by the caller.
//!
//! * **My Number**: 12 digits (half- or full-width, in one run or in groups such as
//!   `1234 5678 9018`) whose check digit passes.
//! * **Phone**: 10 or 11 digits starting with 0, in one run or in groups (`03-1234-5678`,
//!   `090-1234-5678`, `(03)1234-5678`, `０９０－１２３４－５６７８`), or `+81` and 9–10 digits.
//! * **Postcode**: `NNN-NNNN`, or 7 digits after `〒`.
//! * **E-mail**: `local@domain.tld` (also with a full-width `＠`).
//! * **Date** (only where asked: cells that are not date fields): any date the checker's lenient
//!   reader recognises — ISO, `2013/1/1`, `2013年1月1日`, 和暦 (`平成25年1月1日`, `H25.1.1`),
//!   `20130101` — between digits-free boundaries, and the same dates written in kanji numerals
//!   (`昭和二十一年八月二十七日`, `平成元年一月八日`, `二〇一三年一月一日`).
//! * **Own**: one of the row's own personal values of at least two characters, or a part of
//!   one (a name's parts between spaces; of a name written without a space, every beginning
//!   and end of two characters or more, since the surname's length is unknown: 大翔 alone in
//!   `大翔くんの母` is 村上大翔's), anywhere in the cell, compared character for character
//!   after [`fold`] (width, hiragana/katakana, dashes, case): `むらかみ` is ムラカミ.

use std::ops::Range;

use crate::domain::checkdigit::{self, CheckOutcome};
use crate::domain::date::{self, DateForm};

/// What a span holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hit {
    MyNumber,
    Phone,
    Postcode,
    Email,
    Date,
    Own,
}

/// Characters `range` of a cell hold a personal value of kind `hit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) range: Range<usize>,
    pub(crate) hit: Hit,
}

pub(crate) fn digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '０'..='９' => Some((u32::from(c) - u32::from('０')) as u8),
        _ => None,
    }
}

/// Separators between the digit groups of a phone number, postcode or grouped My Number.
fn is_sep(c: char) -> bool {
    matches!(
        c,
        '-' | '‐'
            | '‑'
            | '‒'
            | '–'
            | '—'
            | '―'
            | '−'
            | 'ー'
            | '－'
            | 'ｰ'
            | ' '
            | '　'
            | '('
            | ')'
            | '（'
            | '）'
            | '.'
            | '．'
    )
}

fn is_hyphen(c: char) -> bool {
    is_sep(c) && !matches!(c, ' ' | '　' | '(' | ')' | '（' | '）' | '.' | '．')
}

/// A maximal run of digits.
struct Group {
    start: usize,
    end: usize,
}

fn groups(v: &[char]) -> Vec<Group> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < v.len() {
        if digit(v[i]).is_none() {
            i += 1;
            continue;
        }
        let start = i;
        while i < v.len() && digit(v[i]).is_some() {
            i += 1;
        }
        out.push(Group { start, end: i });
    }
    out
}

/// Whether groups `a` and `b` (adjacent in the list) belong to one number: one or two
/// separators between them.
fn joined(v: &[char], a: &Group, b: &Group) -> bool {
    let gap = &v[a.end..b.start];
    (1..=2).contains(&gap.len()) && gap.iter().all(|&c| is_sep(c))
}

fn numbers(v: &[char], out: &mut Vec<Span>) {
    let gs = groups(v);
    let mut chain_start = 0;
    for k in 0..gs.len() {
        let last = k + 1 == gs.len() || !joined(v, &gs[k], &gs[k + 1]);
        if !last {
            continue;
        }
        // Every run of whole groups inside the chain gs[chain_start..=k].
        for i in chain_start..=k {
            let mut d: Vec<u8> = Vec::new();
            for j in i..=k {
                d.extend(v[gs[j].start..gs[j].end].iter().filter_map(|&c| digit(c)));
                if d.len() > 13 {
                    break;
                }
                let range = gs[i].start..gs[j].end;
                let before = gs[i].start.checked_sub(1).map(|p| v[p]);
                let text: String = d.iter().map(|x| char::from(b'0' + x)).collect();
                let hit = if d.len() == 12 && checkdigit::my_number(&text) == CheckOutcome::Valid {
                    Some(Hit::MyNumber)
                } else if ((10..=11).contains(&d.len()) && d[0] == 0)
                    || ((11..=12).contains(&d.len())
                        && d.starts_with(&[8, 1])
                        && matches!(before, Some('+' | '＋')))
                {
                    Some(Hit::Phone)
                } else if (j == i + 1
                    && i == chain_start
                    && j == k
                    && gs[i].end - gs[i].start == 3
                    && gs[j].end - gs[j].start == 4
                    && v[gs[i].end..gs[j].start].iter().all(|&c| is_hyphen(c)))
                    || (d.len() == 7 && after_postmark(v, gs[i].start))
                {
                    Some(Hit::Postcode)
                } else {
                    None
                };
                if let Some(hit) = hit {
                    out.push(Span { range, hit });
                }
            }
        }
        chain_start = k + 1;
    }
}

/// `〒` right before `at` (a space in between allowed).
fn after_postmark(v: &[char], at: usize) -> bool {
    let mut p = at;
    if p > 0 && matches!(v[p - 1], ' ' | '　') {
        p -= 1;
    }
    p > 0 && v[p - 1] == '〒'
}

fn emails(v: &[char], out: &mut Vec<Span>) {
    let local = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    let domain = |c: char| c.is_ascii_alphanumeric() || ".-".contains(c);
    for (at, &c) in v.iter().enumerate() {
        if c != '@' && c != '＠' {
            continue;
        }
        let mut s = at;
        while s > 0 && local(v[s - 1]) {
            s -= 1;
        }
        let mut e = at + 1;
        while e < v.len() && domain(v[e]) {
            e += 1;
        }
        let dom = &v[at + 1..e];
        let dotted = dom
            .iter()
            .position(|&c| c == '.')
            .is_some_and(|p| p > 0 && p + 1 < dom.len());
        if s < at && dotted {
            out.push(Span {
                range: s..e,
                hit: Hit::Email,
            });
        }
    }
}

const ERA_MARKS: &str = "明大昭平令MTSHRｍｔｓｈｒＭＴＳＨＲmtshr";

fn dates(v: &[char], compact: bool, out: &mut Vec<Span>) {
    let mut i = 0;
    while i < v.len() {
        let c = v[i];
        // A Gregorian date starts with a 4-digit year or is 8 digits (19xx/20xx); a 和暦 one
        // with its era.
        let group = v[i..].iter().take_while(|&&c| digit(c).is_some()).count();
        let century = v.get(i..i + 2).is_some_and(|p| {
            matches!(
                (digit(p[0]), digit(p[1])),
                (Some(1), Some(9)) | (Some(2), Some(0))
            )
        });
        let starts = (digit(c).is_some()
            && (i == 0 || digit(v[i - 1]).is_none())
            && (group == 4 || (compact && group == 8 && century)))
            // An era after a letter or digit (`KH25…` in a code) is no date; after a kanji or
            // kana it is (`生H25.1.1`, `生年月日平成25年1月1日`).
            || (ERA_MARKS.contains(c) && (i == 0 || !v[i - 1].is_ascii_alphanumeric()));
        if !starts {
            i += 1;
            continue;
        }
        let mut found = None;
        for j in (i + 6..=(i + 16).min(v.len())).rev() {
            let last = v[j - 1];
            if !(digit(last).is_some() || last == '日')
                || v.get(j).is_some_and(|&n| digit(n).is_some())
            {
                continue;
            }
            let s: String = v[i..j].iter().collect();
            if let Ok(l) = date::parse_lenient(&s, false)
                && !matches!(l.form, DateForm::EraCode | DateForm::ExcelSerial)
                && (l.form != DateForm::Compact || (1900..=2100).contains(&l.date.year))
            {
                found = Some(j);
                break;
            }
        }
        match found {
            Some(j) => {
                out.push(Span {
                    range: i..j,
                    hit: Hit::Date,
                });
                i = j;
            }
            None => i += 1,
        }
    }
}

/// The eras a date in kanji numerals may start with, and their one-character short forms.
const ERAS: [(&str, char); 5] = [
    ("明治", '明'),
    ("大正", '大'),
    ("昭和", '昭'),
    ("平成", '平'),
    ("令和", '令'),
];

/// The value of a kanji numeral character (`〇`–`九`), or of a digit in either width.
fn numeral(c: char) -> Option<u64> {
    let kanji = "〇一二三四五六七八九";
    match c {
        '零' => Some(0),
        _ => digit(c)
            .map(u64::from)
            .or_else(|| kanji.chars().position(|k| k == c).map(|p| p as u64)),
    }
}

/// A number in kanji numerals at `v[at..]`, written either digit by digit (`二〇一三`) or with
/// 十, 百 and 千 (`二十七`, `千九百四十六`, `二千十三`); digits of either width may stand in for
/// the kanji. Returns its value and where it ends; `None` if none starts at `at`.
fn kanji_number(v: &[char], at: usize) -> Option<(u64, usize)> {
    let (mut total, mut pending, mut end) = (0u64, 0u64, at);
    while let Some(&c) = v.get(end) {
        if end - at >= 8 {
            return None; // longer than any year, month or day
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => match numeral(c) {
                Some(d) => {
                    pending = pending * 10 + d;
                    end += 1;
                    continue;
                }
                None => break,
            },
        };
        total += pending.max(1) * unit;
        pending = 0;
        end += 1;
    }
    (end > at).then_some((total + pending, end))
}

/// Dates written in kanji numerals, which [`dates`] (digits) does not see: an era (`昭和`, or
/// its first character) and a year (`元` for its first), or a Gregorian year of four figures,
/// then `N月N日`. A span is a date only if the checker's lenient reader accepts it with digits
/// in place of the numerals (so an era's last year and the calendar are checked alike).
fn kanji_dates(v: &[char], out: &mut Vec<Span>) {
    for i in 0..v.len() {
        let era = ERAS.iter().find_map(|&(name, short)| {
            let full: Vec<char> = name.chars().collect();
            if v[i..].starts_with(&full) {
                Some((name, i + 2))
            } else if v[i] == short {
                Some((name, i + 1))
            } else {
                None
            }
        });
        // Not inside a number (`十二〇一三年` is no year 2013).
        if era.is_none() && i > 0 && (numeral(v[i - 1]).is_some() || "十百千".contains(v[i - 1]))
        {
            continue;
        }
        let at = era.map_or(i, |(_, at)| at);
        let year = match era {
            Some(_) if v.get(at) == Some(&'元') => Some((1, at + 1)),
            _ => kanji_number(v, at),
        };
        let Some((year, j)) = year.filter(|&(y, _)| era.is_some() || (1000..=9999).contains(&y))
        else {
            continue;
        };
        let Some((month, j)) = (v.get(j) == Some(&'年'))
            .then(|| kanji_number(v, j + 1))
            .flatten()
        else {
            continue;
        };
        let Some((day, j)) = (v.get(j) == Some(&'月'))
            .then(|| kanji_number(v, j + 1))
            .flatten()
        else {
            continue;
        };
        if v.get(j) != Some(&'日') {
            continue;
        }
        // All in digits (`平成25年1月1日`): [`dates`] finds it.
        let kanji = v[at..j]
            .iter()
            .any(|&c| digit(c).is_none() && c != '年' && c != '月');
        if !kanji {
            continue;
        }
        let text = match era {
            Some((name, _)) => format!("{name}{year}年{month}月{day}日"),
            None => format!("{year}年{month}月{day}日"),
        };
        if date::parse_lenient(&text, false).is_ok() {
            out.push(Span {
                range: i..j + 1,
                hit: Hit::Date,
            });
        }
    }
}

const HALF_KANA: &str = "ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ";
const FULL_KANA: &str = "ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";

/// One character as the comparison of own values sees it: full-width letters, digits and
/// spaces as half-width, hiragana and 半角カナ as katakana, dashes as `-`, letters in lower
/// case (one character for one, so that a match maps back to the cell's characters).
pub(crate) fn fold(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        '　' => ' ',
        '\u{3041}'..='\u{3096}' => char::from_u32(u32::from(c) + 0x60).unwrap_or(c),
        '\u{FF66}'..='\u{FF9D}' => HALF_KANA
            .chars()
            .position(|h| h == c)
            .and_then(|i| FULL_KANA.chars().nth(i))
            .unwrap_or(c),
        _ => c,
    };
    match c {
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | 'ー' => '-',
        _ => c.to_ascii_lowercase(),
    }
}

/// One of the row's own personal values, or a part of one (see [`own_parts`]). Both are
/// compared after [`fold`]; a whole value may also be spaced differently, a part may not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OwnValue {
    pub(crate) chars: Vec<char>,
    pub(crate) part: bool,
}

fn own_values(v: &[char], own: &[OwnValue], out: &mut Vec<Span>) {
    let folded: Vec<char> = v.iter().map(|&c| fold(c)).collect();
    for o in own {
        if o.part {
            if o.chars.len() < 2 || o.chars.len() > v.len() {
                continue;
            }
            let o: Vec<char> = o.chars.iter().map(|&c| fold(c)).collect();
            for s in 0..=v.len() - o.len() {
                if folded[s..s + o.len()] == o[..] {
                    out.push(Span {
                        range: s..s + o.len(),
                        hit: Hit::Own,
                    });
                }
            }
            continue;
        }
        // A whole value, folded, with its spaces anywhere or nowhere: 「愛知 花子」 and
        // 「ｱｲﾁﾊﾅｺ」 are 愛知花子 and アイチ　ハナコ as the clerk typed them elsewhere.
        let o: Vec<char> = o
            .chars
            .iter()
            .map(|&c| fold(c))
            .filter(|&c| c != ' ')
            .collect();
        if o.len() < 2 || o.len() > v.len() {
            continue;
        }
        for s in 0..folded.len() {
            if folded[s] != o[0] {
                continue;
            }
            let (mut j, mut k) = (s, 0);
            while j < folded.len() && k < o.len() {
                if folded[j] == o[k] {
                    k += 1;
                } else if folded[j] != ' ' {
                    break;
                }
                j += 1;
            }
            if k == o.len() {
                out.push(Span {
                    range: s..j,
                    hit: Hit::Own,
                });
            }
        }
    }
}

/// Which dates [`find`] looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dates {
    No,
    Separated,
    Any,
}

/// Whether `v` can hold anything [`find`] looks for (a cheap test first: most cells hold no
/// digit, no `@`, no `年` (a date in kanji numerals) and none of the first characters of the
/// row's own values).
pub(crate) fn may_hold(v: &[char], own: &[OwnValue]) -> bool {
    v.len() >= 2
        && v.iter().any(|&c| {
            digit(c).is_some()
                || c == '@'
                || c == '＠'
                || c == '年'
                || own
                    .iter()
                    .any(|o| o.chars.first().is_some_and(|&f| fold(f) == fold(c)))
        })
}

/// The spans of `v` that hold personal values (see the module docs), sorted by start; spans
/// may overlap. `dates`: look for dates too (not in date fields, where dates are the checked
/// value); `Dates::Separated` leaves out 8 bare digits (`20130101`), which in a number or
/// code field (受給者番号) are an identifier, not a date.
pub(crate) fn find(v: &[char], own: &[OwnValue], with_dates: Dates) -> Vec<Span> {
    let mut out = Vec::new();
    if v.iter().any(|&c| digit(c).is_some()) {
        numbers(v, &mut out);
        if with_dates != Dates::No {
            dates(v, with_dates == Dates::Any, &mut out);
        }
    }
    if with_dates != Dates::No && v.contains(&'年') {
        kanji_dates(v, &mut out);
    }
    emails(v, &mut out);
    own_values(v, own, &mut out);
    out.sort_by_key(|s| (s.range.start, s.range.end));
    out
}

/// The row's own personal values to look for elsewhere in the row: each personal cell's
/// trimmed value and its parts between spaces (two characters or more). For a name (`name`)
/// written without a space, where the surname ends is unknown: every beginning and every end of
/// two characters or more is a part (村上大翔: 村上, 村上大, 大翔, 上大翔), so that the given name
/// or the surname alone is found (`大翔くん`, `村上様`). A part of one character is not looked
/// for (翔 alone is in too many words).
pub(crate) fn own_parts(value: &str, name: bool) -> Vec<OwnValue> {
    let t = crate::check::trim_edges(value);
    let mut out: Vec<OwnValue> = Vec::new();
    let chars: Vec<char> = t.chars().collect();
    if chars.len() >= 2 {
        out.push(OwnValue {
            chars: chars.clone(),
            part: false,
        });
    }
    for part in t.split([' ', '　']) {
        let p: Vec<char> = part.chars().collect();
        if p.len() >= 2 && !out.iter().any(|o| o.chars == p) {
            out.push(OwnValue {
                chars: p,
                part: true,
            });
        }
    }
    // Only kanji and kana: a contact column is a name too (電話, mail), and beginnings of its
    // digits (`03`) would be found in every number.
    if name
        && chars.len() >= 3
        && chars
            .iter()
            .all(|&c| !c.is_ascii() && c != '　' && digit(c).is_none())
    {
        for k in 2..chars.len() {
            for p in [&chars[..k], &chars[chars.len() - k..]] {
                if !out.iter().any(|o| o.chars == p) {
                    out.push(OwnValue {
                        chars: p.to_vec(),
                        part: true,
                    });
                }
            }
        }
    }
    // An address written from a later level on (名古屋市中区栄1-1-1, 中区栄1-1-1): its tails
    // after 都道府県, 郡, 市, 区, 町 and 村, four characters or more.
    for (i, c) in chars.iter().enumerate() {
        if matches!(
            c,
            '都' | '道' | '府' | '県' | '郡' | '市' | '区' | '町' | '村'
        ) {
            let tail: Vec<char> = chars[i + 1..].to_vec();
            if tail.len() >= 4 && !out.iter().any(|o| o.chars == tail) {
                out.push(OwnValue {
                    chars: tail,
                    part: true,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(s: &str, own: &[&str], with_dates: bool) -> Vec<(String, Hit)> {
        let with_dates = if with_dates { Dates::Any } else { Dates::No };
        let v: Vec<char> = s.chars().collect();
        let own: Vec<OwnValue> = own
            .iter()
            .map(|o| OwnValue {
                chars: o.chars().collect(),
                part: false,
            })
            .collect();
        find(&v, &own, with_dates)
            .into_iter()
            .map(|sp| (v[sp.range].iter().collect(), sp.hit))
            .collect()
    }

    #[test]
    fn finds_each_kind() {
        use Hit::*;
        assert_eq!(
            hits("備考 123456789018 です", &[], true),
            [("123456789018".into(), MyNumber)]
        );
        assert_eq!(
            hits("1234 5678 9018", &[], true),
            [("1234 5678 9018".into(), MyNumber)]
        );
        assert!(
            hits("123456789012", &[], true).is_empty(),
            "check digit fails"
        );
        assert_eq!(
            hits("TEL 090-1234-5678", &[], true),
            [("090-1234-5678".into(), Phone)]
        );
        assert_eq!(
            hits("(03)1234-5678", &[], true),
            [("03)1234-5678".into(), Phone)]
        );
        assert_eq!(
            hits("０３１２３４５６７８", &[], true),
            [("０３１２３４５６７８".into(), Phone)]
        );
        assert_eq!(
            hits("+81-90-1234-5678", &[], true),
            [("81-90-1234-5678".into(), Phone)]
        );
        assert_eq!(
            hits("〒460-0008 名古屋", &[], true),
            [("460-0008".into(), Postcode)]
        );
        assert_eq!(
            hits("〒 4600008", &[], true),
            [("4600008".into(), Postcode)]
        );
        assert_eq!(
            hits("mail: a.b-c@example.co.jp!", &[], true),
            [("a.b-c@example.co.jp".into(), Email)]
        );
        assert_eq!(
            hits("生 2013-01-01 生", &[], true),
            [("2013-01-01".into(), Date)]
        );
        assert_eq!(
            hits("平成25年1月1日生", &[], true),
            [("平成25年1月1日".into(), Date)]
        );
        assert_eq!(hits("H25.1.1", &[], true), [("H25.1.1".into(), Date)]);
        assert_eq!(hits("20130101", &[], true), [("20130101".into(), Date)]);
        assert!(hits("2013-01-01", &[], false).is_empty());
        let v: Vec<char> = "20130101".chars().collect();
        assert!(
            find(&v, &[], Dates::Separated).is_empty(),
            "an 8-digit identifier"
        );
        assert_eq!(
            hits("山田太郎様の受給者証", &["山田太郎"], true),
            [("山田太郎".into(), Own)]
        );
        // The same value in another width or kana: still the row's own.
        assert_eq!(
            hits("ﾔﾏﾓﾄ ｱｲ 様", &["ヤマモト　アイ"], true),
            [("ﾔﾏﾓﾄ ｱｲ".into(), Own)]
        );
        assert_eq!(
            hits("やまもと", &["ヤマモト"], true),
            [("やまもと".into(), Own)]
        );
        assert_eq!(
            hits("栄１－１－１", &["栄1-1-1"], true),
            [("栄１－１－１".into(), Own)]
        );
        // A 和暦 date glued to the text before it.
        assert_eq!(hits("生H25.1.1", &[], true), [("H25.1.1".into(), Date)]);
        assert_eq!(
            hits("生年月日平成25年1月1日", &[], true),
            [("平成25年1月1日".into(), Date)]
        );
        assert!(hits("KH25.1.1", &[], true).is_empty(), "in a code");
        // Two numbers in one cell, each found.
        let two = hits("090-1234-5678 03-1234-5678", &[], true);
        assert!(two.contains(&("090-1234-5678".into(), Phone)), "{two:?}");
        assert!(two.contains(&("03-1234-5678".into(), Phone)), "{two:?}");
        // Not personal: codes, short numbers, amounts.
        for s in [
            "KODOMO01",
            "01-1;02-3",
            "88134457",
            "12345",
            "子ども医療費受給者証",
            "1310110098",
        ] {
            assert!(hits(s, &[], true).is_empty(), "{s}");
        }
    }

    #[test]
    fn parts_of_names() {
        let p = own_parts(" 山田　太郎 ", true);
        let s: Vec<String> = p.iter().map(|v| v.chars.iter().collect()).collect();
        assert_eq!(
            p.iter().map(|v| v.part).collect::<Vec<_>>(),
            [false, true, true]
        );
        assert_eq!(s, ["山田　太郎", "山田", "太郎"]);
        assert!(own_parts("李", true).is_empty());
        // An address's tails, for the same address written from a later level on.
        let p = own_parts("愛知県名古屋市中区栄1-1-1", false);
        let s: Vec<String> = p.iter().map(|v| v.chars.iter().collect()).collect();
        assert_eq!(
            s,
            [
                "愛知県名古屋市中区栄1-1-1",
                "名古屋市中区栄1-1-1",
                "中区栄1-1-1",
                "栄1-1-1"
            ]
        );
    }

    /// A whole value is found with its spaces anywhere or nowhere, in either width and kana,
    /// and an address from a later level on.
    #[test]
    fn own_values_with_other_spacing_and_levels() {
        let find_own = |cell: &str, value: &str| -> Vec<String> {
            let v: Vec<char> = cell.chars().collect();
            find(&v, &own_parts(value, true), Dates::No)
                .into_iter()
                .map(|sp| v[sp.range].iter().collect())
                .collect()
        };
        // The whole name, and its beginning and end (the surname and the given name).
        assert_eq!(
            find_own("父 愛知 花子 より", "愛知花子"),
            ["愛知", "愛知 花子", "花子"]
        );
        assert_eq!(
            find_own("愛知　花子様", "愛知花子"),
            ["愛知", "愛知　花子", "花子"]
        );
        assert_eq!(
            find_own("ｱｲﾁﾊﾅｺ", "アイチ　ハナコ"),
            ["ｱｲﾁ", "ｱｲﾁﾊﾅｺ", "ﾊﾅｺ"]
        );
        let hits = find_own("送付先 名古屋市中区栄1-1-1", "愛知県名古屋市中区栄1-1-1");
        assert!(hits.contains(&"名古屋市中区栄1-1-1".to_owned()), "{hits:?}");
        // Nothing of the name: neither of its ends, nor one character of it.
        assert!(find_own("花の子供 知る", "愛知花子").is_empty());
        assert!(find_own("大きな翔", "村上大翔").is_empty());
    }

    /// The surname or the given name alone, and a part of the カナ in hiragana or half-width.
    #[test]
    fn parts_of_a_name_alone_in_any_kana() {
        let find_own = |cell: &str, values: &[&str]| -> Vec<String> {
            let v: Vec<char> = cell.chars().collect();
            let own: Vec<OwnValue> = values.iter().flat_map(|n| own_parts(n, true)).collect();
            let mut found: Vec<String> = find(&v, &own, Dates::No)
                .into_iter()
                .map(|sp| v[sp.range].iter().collect())
                .collect();
            found.dedup();
            found
        };
        let name = ["村上大翔", "ムラカミ　ヒロト"];
        assert_eq!(find_own("大翔くんの母", &name), ["大翔"]);
        assert_eq!(find_own("村上様より", &name), ["村上"]);
        assert_eq!(find_own("母 むらかみ", &name), ["むらかみ"]);
        assert_eq!(find_own("ひろとくん", &name), ["ひろと"]);
        assert_eq!(find_own("ﾋﾛﾄ", &name), ["ﾋﾛﾄ"]);
        // Three-character ends of a four-character name, for a one-character surname.
        assert_eq!(find_own("林さんの件", &["林由美子"]), Vec::<String>::new());
        assert!(find_own("由美子さん", &["林由美子"]).contains(&"由美子".to_owned()));
        // Not a name: an address is not cut into beginnings and ends.
        let v: Vec<char> = "愛知県の制度".chars().collect();
        assert!(find(&v, &own_parts("愛知県名古屋市", false), Dates::No).is_empty());
        // A contact (a name column) in digits is not cut either: `03` is in every number.
        assert_eq!(own_parts("0312345678", true).len(), 1);
    }

    #[test]
    fn dates_in_kanji_numerals() {
        let dates = |s: &str| -> Vec<String> {
            let v: Vec<char> = s.chars().collect();
            find(&v, &[], Dates::Any)
                .into_iter()
                .filter(|sp| sp.hit == Hit::Date)
                .map(|sp| v[sp.range].iter().collect())
                .collect()
        };
        assert_eq!(
            dates("昭和二十一年八月二十七日生"),
            ["昭和二十一年八月二十七日"]
        );
        assert_eq!(dates("平成元年一月八日"), ["平成元年一月八日"]);
        assert_eq!(dates("平二十五年十月十日"), ["平二十五年十月十日"]);
        assert_eq!(dates("生年月日 二〇一三年一月一日"), ["二〇一三年一月一日"]);
        assert_eq!(
            dates("千九百四十六年八月二十七日"),
            ["千九百四十六年八月二十七日"]
        );
        assert_eq!(
            dates("二千十三年十二月三十一日"),
            ["二千十三年十二月三十一日"]
        );
        // Digits and kanji mixed.
        assert_eq!(dates("平成25年一月一日"), ["平成25年一月一日"]);
        // Found once when in digits alone (by the digit scanner).
        assert_eq!(dates("平成25年1月1日"), ["平成25年1月1日"]);
        // Not a date: no such day, an era's year past its end, a bare year, a year of two
        // figures without an era, a number before the year.
        for s in [
            "平成二十五年二月三十日",
            "平成二十五年十三月一日",
            "二〇一三年",
            "十三年一月一日",
            "九二〇一三年一月一日",
        ] {
            assert!(dates(s).is_empty(), "{s}: {:?}", dates(s));
        }
    }
}
