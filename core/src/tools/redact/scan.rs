//! Personal values inside cells that are not personal columns: a My Number in 備考, a phone
//! number in 連絡先, a postcode or an e-mail address in 送付先, a birth date in a 券面項目, the
//! row's own name inside 受給者証名. [`find`] returns the spans of one cell's characters that
//! must be replaced; what replaces them is decided by the caller.
//!
//! * **My Number**: 12 digits (half- or full-width, in one run or in groups such as
//!   `1234 5678 9018`, `1234/5678/9018`) whose check digit passes.
//! * **Phone**: 10 or 11 digits starting with 0, in one run or in groups separated by one to
//!   three of `-`, dashes, spaces, parentheses, `.`, `/`, `_`, `~`, `～` (`03-1234-5678`,
//!   `090-1234-5678`, `(03)1234-5678`, `052 - 961 - 1234`, `052/961/1234`,
//!   `０９０－１２３４－５６７８`), or `+81` and 9–10 digits.
//! * **Postcode**: `NNN-NNNN`, or 7 digits after `〒`, `郵便` or `郵便番号` (a space or a colon
//!   in between allowed).
//! * **E-mail**: `local@domain`, in either width (`ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ`), with a
//!   local part in any script (`花子@example.jp`) and a domain with a letter, dotted or not
//!   (`hanako@localhost`; `単価@100` is none).
//! * **Date** (only where asked: cells that are not date fields): any date the checker's lenient
//!   reader recognises — ISO, `2013/1/1`, `2013年1月1日`, 和暦 (`平成25年1月1日`, `H25.1.1`),
//!   `20130101` — between digits-free boundaries, and the same dates written in kanji numerals
//!   (`昭和二十一年八月二十七日`, `平成元年一月八日`, `二〇一三年一月一日`).
//! * **Date in part** (where dates are asked for): a month and a day, a year of two figures
//!   before them or not, in digits or kanji numerals (`8月27日`, `21年8月27日生`,
//!   `八月二十七日`); in free text also `46/8/27`, `46.8.27`, `8/27/1946`, `8/27`. Only its
//!   numerals are replaced ([`partial_dates`]).
//! * **Address tail** (where dates are asked for): numbers joined by 丁目, 番地, 番, 号 or
//!   の (`6丁目5番8号`, `6丁目5-8`, `５番地８`, `三丁目`, `6の5の8`); not `第1号`, `3番窓口`, `1号`
//!   ([`address_tails`]). Only its numerals are replaced.
//! * **Own**: one of the row's own personal values of at least two characters, or a part of
//!   one (a name's parts between spaces; of a name written without a space, every beginning
//!   and end of two characters or more, since the surname's length is unknown: 大翔 alone in
//!   `大翔くんの母` is 村上大翔's), anywhere in the cell, compared after folding both sides
//!   ([`fold_into`]): width, hiragana/katakana, 半角カナ with ﾞ/ﾟ (`ﾔﾏﾀﾞ` is ヤマダ: a voiced
//!   kana is compared as its base and the mark, and a match covers whole characters of the
//!   cell), small kana as large (`キヨウコ` is キョウコ), ヂ/ヅ as ジ/ズ, dashes, case, kanji
//!   numerals as digits, and the variant kanji of names (髙橋 is 高橋, 渡邉 is 渡辺). A whole
//!   value may be spaced differently; a value in digits (the 個人番号, even with a wrong check
//!   digit) may be written with any separators (`1234-5678-9019`, `1234 / 5678 / 9019`) or in
//!   kanji numerals (`一二三四五六七八九〇一九`), but is not found inside a longer number.
//! * **Every row's** values ([`Shared`], [`find_in`]): the same comparison with every row's
//!   personal values (whole, parts between spaces, addresses from a later level on, numbers),
//!   and the カナ in romaji in free text (`Murakami Hiroto`, `Sinzi`, `Ōno`).

use std::ops::Range;

use super::shared::Shared;
use crate::domain::checkdigit::{self, CheckOutcome};
use crate::domain::date::{self, DateForm};

/// What a span holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Hit {
    MyNumber,
    Phone,
    Postcode,
    Email,
    Date,
    Own,
    /// The numbers of an address's tail (`6丁目5番8号`): its numerals are replaced.
    Address,
    /// A birth date written in part (`8月27日`, `46/8/27`): its numerals are replaced.
    PartialDate,
}

/// Characters `range` of a cell hold a personal value of kind `hit`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
    is_hyphen(c)
        || matches!(
            c,
            ' ' | '　'
                | '('
                | ')'
                | '（'
                | '）'
                | '.'
                | '．'
                | '/'
                | '／'
                | '_'
                | '＿'
                | '~'
                | '〜'
                | '～'
        )
}

/// Dashes: between the two groups of a postcode (`460-0008`).
fn is_hyphen(c: char) -> bool {
    matches!(
        c,
        '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | 'ー' | '－' | 'ｰ'
    )
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

/// Whether groups `a` and `b` (adjacent in the list) belong to one number: one to three
/// separators between them (`03-1234`, `(03) 1234`, `052 - 961`).
fn joined(v: &[char], a: &Group, b: &Group) -> bool {
    let gap = &v[a.end..b.start];
    (1..=3).contains(&gap.len()) && gap.iter().all(|&c| is_sep(c))
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

/// `〒`, `郵便` or `郵便番号` right before `at` (a space or a colon in between allowed).
fn after_postmark(v: &[char], at: usize) -> bool {
    let mut p = at;
    while p > 0 && at - p < 2 && matches!(v[p - 1], ' ' | '　' | ':' | '：') {
        p -= 1;
    }
    let ends_with = |w: &str| {
        let w: Vec<char> = w.chars().collect();
        p >= w.len() && v[p - w.len()..p] == w[..]
    };
    ends_with("〒") || ends_with("〶") || ends_with("郵便") || ends_with("郵便番号")
}

/// `c` in half-width if it is a full-width ASCII form (`ｈ` → `h`, `＠` → `@`).
fn narrow(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

fn emails(v: &[char], out: &mut Vec<Span>) {
    if !v.iter().any(|&c| c == '@' || c == '＠') {
        return;
    }
    // In either width; a local part in any script (`花子@example.jp`), a domain with or
    // without a dot (`hanako@localhost`) but with a letter in it (`単価@100` is no address).
    let w: Vec<char> = v.iter().map(|&c| narrow(c)).collect();
    let local = |c: char| c.is_alphanumeric() || "._%+-'".contains(c);
    let domain = |c: char| c.is_alphanumeric() || ".-".contains(c);
    for (at, &c) in w.iter().enumerate() {
        if c != '@' {
            continue;
        }
        let mut s = at;
        while s > 0 && local(w[s - 1]) {
            s -= 1;
        }
        let mut e = at + 1;
        while e < w.len() && domain(w[e]) {
            e += 1;
        }
        let dom = &w[at + 1..e];
        let named =
            dom.len() >= 2 && dom[0].is_alphanumeric() && dom.iter().any(|c| c.is_alphabetic());
        if s < at && named {
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
/// The value of a digit of either width or of a kanji numeral digit (`〇`, `零`, `一`–`九`).
pub(crate) fn numeral(c: char) -> Option<u8> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return digit(c),
    })
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
                    pending = pending * 10 + u64::from(d);
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

/// A numeral of a number as [`kanji_number`] reads it: a digit of either width, `〇`–`九`,
/// `零`, `十`, `百`, `千`.
fn is_numeral(c: char) -> bool {
    numeral(c).is_some() || matches!(c, '十' | '百' | '千')
}

/// Whether a number may start at `i`: a numeral not inside another number.
fn number_starts(v: &[char], i: usize) -> bool {
    is_numeral(v[i]) && (i == 0 || !is_numeral(v[i - 1]))
}

/// The tails of addresses (`6丁目5番8号`, `6丁目5-8`, `５番地８`, `三丁目五番`, `6の5の8`): numbers
/// (digits of either width or kanji numerals) joined by `丁目`, `番地`, `番`, `号`, `の`/`ノ`/`之`
/// or a dash. A tail is two numbers or more with `丁目`, `番地`, `番` or `号` after one of them,
/// three or more joined by `の`/`ノ`/`之`, or one number followed by `丁目` or `番地` (`3丁目`).
/// Not a tail: one number with `番` or `号` alone (`3番窓口`, `1号`, `一番`), anything after `第`
/// (`第1号`, `第2番3号`), numbers joined by dashes alone (`1-2-3`: phone numbers and dates are
/// found as such, the file's addresses as values). The span runs from the first number's first
/// numeral to the last number's last; only its numerals are replaced.
fn address_tails(v: &[char], out: &mut Vec<Span>) {
    let mut i = 0;
    while i < v.len() {
        if !number_starts(v, i) || (i > 0 && v[i - 1] == '第') {
            i += 1;
            continue;
        }
        let (mut count, mut marked, mut big, mut no) = (0usize, false, false, 0usize);
        let (mut j, mut end) = (i, i);
        while let Some((_, e)) = kanji_number(v, j) {
            count += 1;
            end = e;
            let mut k = e;
            let marker = if v[k..].starts_with(&['丁', '目']) || v[k..].starts_with(&['番', '地'])
            {
                Some(2)
            } else if matches!(v.get(k), Some('番' | '号')) {
                Some(1)
            } else {
                None
            };
            if let Some(n) = marker {
                marked = true;
                big |= n == 2 && count == 1;
                k += n;
            }
            let joint = v
                .get(k)
                .is_some_and(|&c| matches!(c, 'の' | 'ノ' | '之') || is_hyphen(c));
            if joint {
                no += usize::from(marker.is_none() && matches!(v[k], 'の' | 'ノ' | '之'));
                k += 1;
            }
            if (marker.is_none() && !joint) || !v.get(k).is_some_and(|&c| is_numeral(c)) {
                break;
            }
            j = k;
        }
        if (count >= 2 && marked) || (count >= 3 && no >= 2) || (count == 1 && big) {
            out.push(Span {
                range: i..end,
                hit: Hit::Address,
            });
        }
        i = end.max(i + 1);
    }
}

/// Birth dates written in part, which [`dates`] and [`kanji_dates`] do not take for dates: with
/// `month`, a month and a day (`8月27日`, `八月二十七日`), a year before them or not (`21年8月27日`:
/// a year of two figures without an era), in digits or kanji numerals; and, with `numeric`
/// (free text), numbers joined by one kind of separator: a month and day after a year of up to
/// four figures (`46/8/27`, `46.8.27`, `46-8-27`), before a year of two or four (`8/27/1946`),
/// or alone with a slash (`8/27`). A month is 1–12, a day 1–31; a chain of four numbers or
/// more (an IP address) is none.
fn partial_dates(v: &[char], month: bool, numeric: bool, out: &mut Vec<Span>) {
    let mut i = 0;
    while month && i < v.len() {
        if !number_starts(v, i) {
            i += 1;
            continue;
        }
        let Some((first, e1)) = kanji_number(v, i) else {
            i += 1;
            continue;
        };
        let end = (|| {
            let (month, e2) = if v.get(e1) == Some(&'年') {
                kanji_number(v, e1 + 1)?
            } else {
                (first, e1)
            };
            if v.get(e2) != Some(&'月') {
                return None;
            }
            let (day, e3) = kanji_number(v, e2 + 1)?;
            (v.get(e3) == Some(&'日') && (1..=12).contains(&month) && (1..=31).contains(&day))
                .then_some(e3 + 1)
        })();
        match end {
            Some(end) => {
                out.push(Span {
                    range: i..end,
                    hit: Hit::PartialDate,
                });
                i = end;
            }
            None => i = e1.max(i + 1),
        }
    }
    if numeric {
        numeric_dates(v, out);
    }
}

/// The numeric forms of [`partial_dates`].
fn numeric_dates(v: &[char], out: &mut Vec<Span>) {
    let family = |c: char| match c {
        '/' | '／' => Some(0),
        '.' | '．' => Some(1),
        _ if is_hyphen(c) => Some(2),
        _ => None,
    };
    let gs = groups(v);
    let len = |g: &Group| g.end - g.start;
    let value = |g: &Group| {
        v[g.start..g.end]
            .iter()
            .filter_map(|&c| digit(c))
            .fold(0u32, |a, d| {
                a.saturating_mul(10).saturating_add(u32::from(d))
            })
    };
    let month_day = |m: &Group, d: &Group| {
        len(m) <= 2 && len(d) <= 2 && (1..=12).contains(&value(m)) && (1..=31).contains(&value(d))
    };
    let mut k = 0;
    while k < gs.len() {
        // Groups joined by one separator each, all of one kind.
        let (mut end, mut kind) = (k, None);
        while end + 1 < gs.len() && gs[end + 1].start == gs[end].end + 1 {
            let f = family(v[gs[end].end]);
            if f.is_none() || (kind.is_some() && f != kind) {
                break;
            }
            kind = f;
            end += 1;
        }
        let found = match (end - k + 1, kind) {
            (3, Some(_)) => {
                let (a, b, c) = (&gs[k], &gs[k + 1], &gs[k + 2]);
                (len(a) <= 4 && month_day(b, c)) || (matches!(len(c), 2 | 4) && month_day(a, b))
            }
            (2, Some(0)) => month_day(&gs[k], &gs[k + 1]),
            _ => false,
        };
        // Not a piece of a longer chain (`1.2.3.4`, `03-1234-5678-9`), nor of a code (`KH25.1.1`,
        // `v1.2.3`); after an era's letter it is a date (`H25.2.30`).
        let at = gs[k].start;
        let before = at.checked_sub(1).map(|p| v[p]);
        let glued_before =
            before.is_some_and(|c| family(c).is_some()) && at >= 2 && digit(v[at - 2]).is_some();
        let in_code = before.is_some_and(|c| {
            c.is_ascii_alphanumeric()
                && !("MTSHRmtshr".contains(c) && (at < 2 || !v[at - 2].is_ascii_alphanumeric()))
        });
        if found && !glued_before && !in_code {
            out.push(Span {
                range: gs[k].start..gs[end].end,
                hit: Hit::PartialDate,
            });
        }
        k = end + 1;
    }
}

const HALF_KANA: &str = "ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ";
const FULL_KANA: &str = "ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";
const VOICED_MARK: char = '゛';
const SEMI_VOICED_MARK: char = '゜';

/// The code point `d` before `c`.
fn back(c: char, d: u32) -> char {
    char::from_u32(u32::from(c) - d).unwrap_or(c)
}

/// One character as the comparison of own values sees it, as one or two characters: full-width
/// letters, digits and spaces as half-width; hiragana and 半角カナ as katakana; a voiced kana
/// as its base and the voiced mark (`ガ`, `ｶﾞ`, `が` are `カ゛`; `ヂ`, `ヅ` are `ジ`, `ズ`); small
/// kana as large; dashes as `-`; letters in lower case; kanji numerals (`一`) as digits; the
/// variant kanji of names as their common forms (`髙` as `高`: 髙﨑邊邉齋齊澤濱嶋德廣櫻眞國).
fn fold_into(c: char, out: &mut impl FnMut(char)) {
    if c.is_ascii() {
        return out(c.to_ascii_lowercase());
    }
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => return out(back(c, 0xFEE0).to_ascii_lowercase()),
        '　' => return out(' '),
        // Hiragana as katakana.
        '\u{3041}'..='\u{3096}' => char::from_u32(u32::from(c) + 0x60).unwrap_or(c),
        '\u{FF66}'..='\u{FF9D}' => HALF_KANA
            .chars()
            .position(|h| h == c)
            .and_then(|i| FULL_KANA.chars().nth(i))
            .unwrap_or(c),
        'ﾞ' | '\u{3099}' | '゛' => return out(VOICED_MARK),
        'ﾟ' | '\u{309A}' | '゜' => return out(SEMI_VOICED_MARK),
        _ => c,
    };
    let c = match c {
        // Small kana as large (the next code point).
        'ァ' | 'ィ' | 'ゥ' | 'ェ' | 'ォ' | 'ッ' | 'ャ' | 'ュ' | 'ョ' | 'ヮ' => {
            char::from_u32(u32::from(c) + 1).unwrap_or(c)
        }
        'ヵ' => 'カ',
        'ヶ' => 'ケ',
        _ => c,
    };
    match c {
        // Voiced: the base is the code point before (ヂ, ヅ: ジ, ズ).
        'ヂ' => {
            out('シ');
            out(VOICED_MARK);
        }
        'ヅ' => {
            out('ス');
            out(VOICED_MARK);
        }
        'ガ' | 'ギ' | 'グ' | 'ゲ' | 'ゴ' | 'ザ' | 'ジ' | 'ズ' | 'ゼ' | 'ゾ' | 'ダ' | 'デ'
        | 'ド' | 'バ' | 'ビ' | 'ブ' | 'ベ' | 'ボ' => {
            out(back(c, 1));
            out(VOICED_MARK);
        }
        'パ' | 'ピ' | 'プ' | 'ペ' | 'ポ' => {
            out(back(c, 2));
            out(SEMI_VOICED_MARK);
        }
        'ヴ' => {
            out('ウ');
            out(VOICED_MARK);
        }
        'ヷ' | 'ヸ' | 'ヹ' | 'ヺ' => {
            out(back(c, 8));
            out(VOICED_MARK);
        }
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | 'ー' => out('-'),
        '〇' => out('0'),
        '一' => out('1'),
        '二' => out('2'),
        '三' => out('3'),
        '四' => out('4'),
        '五' => out('5'),
        '六' => out('6'),
        '七' => out('7'),
        '八' => out('8'),
        '九' => out('9'),
        '髙' => out('高'),
        '﨑' => out('崎'),
        '邊' | '邉' => out('辺'),
        '齋' | '齊' => out('斎'),
        '澤' => out('沢'),
        '濱' => out('浜'),
        '嶋' => out('島'),
        '德' => out('徳'),
        '廣' => out('広'),
        '櫻' => out('桜'),
        '眞' => out('真'),
        '國' => out('国'),
        _ => out(c),
    }
}

/// `v` folded ([`fold_into`]): each folded character with the index of the character of `v`
/// it comes from. A voiced mark written apart (`ﾁﾞ`) joins its kana as `ヂ` does (`ジ`).
pub(super) fn fold_chars(v: &[char], out: &mut impl FnMut(char, usize)) {
    let mut last = None;
    for (i, &c) in v.iter().enumerate() {
        fold_into(c, &mut |f| {
            if f == VOICED_MARK {
                match last {
                    Some(('チ', at)) => out('シ', at),
                    Some(('ツ', at)) => out('ス', at),
                    Some((x, at)) => out(x, at),
                    None => {}
                }
            } else if let Some((x, at)) = last {
                out(x, at);
            }
            last = Some((f, i));
        });
    }
    if let Some((x, at)) = last {
        out(x, at);
    }
}

/// [`fold_chars`] as two vectors: the folded characters and where each comes from.
pub(super) fn fold_seq(v: &[char]) -> (Vec<char>, Vec<usize>) {
    let mut folded = Vec::with_capacity(v.len() + 2);
    let mut from = Vec::with_capacity(v.len() + 2);
    fold_chars(v, &mut |f, i| {
        folded.push(f);
        from.push(i);
    });
    (folded, from)
}

/// The first character of `c` folded (its base, for a voiced kana).
fn fold_first(c: char) -> char {
    let mut first = None;
    fold_into(c, &mut |f| {
        first.get_or_insert(f);
    });
    first.unwrap_or(c)
}

/// Separators a number may be written with (`1234-5678-9018`, `1234/5678/9018`, `1234 5678`),
/// folded.
pub(super) fn is_number_sep(c: char) -> bool {
    matches!(c, ' ' | '-' | '/' | '_' | '.' | '~' | '〜')
}

/// One of the row's own personal values, or a part of one (see [`own_parts`]). Both are
/// compared after folding; a whole value may also be spaced differently, a part may not; a
/// value in digits may be written with separators (`1234-5678-9018`, `1234 / 5678 / 9018`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OwnValue {
    pub(crate) chars: Vec<char>,
    pub(crate) part: bool,
    /// A beginning or an end of a name written without a space (`大翔` of `村上大翔`): looked
    /// for in the row's own cells only, never file-wide ([`super::shared`]).
    pub(crate) own_only: bool,
    /// `chars` folded ([`fold_seq`]), for a value in digits (empty otherwise).
    pub(super) folded: Vec<char>,
    /// What a cell is compared with: `folded`, without spaces for a whole value, without
    /// separators for a value in digits.
    pub(super) key: Vec<char>,
    /// A value in digits (a whole value, or a part without separators: the number before a
    /// name): written with any separators or none, but not glued to other digits (the tail
    /// `1-13-2` of an address is not in the 公費負担者番号 `81132987`).
    pub(super) digits: bool,
}

impl OwnValue {
    pub(crate) fn new(chars: Vec<char>, part: bool) -> Self {
        let mut folded = Vec::with_capacity(chars.len() + 2);
        fold_chars(&chars, &mut |f, _| folded.push(f));
        let digits = folded.iter().any(char::is_ascii_digit)
            && folded
                .iter()
                .all(|&c| c.is_ascii_digit() || is_number_sep(c))
            && (!part || folded.iter().all(char::is_ascii_digit));
        // A whole value with its spaces anywhere or nowhere: 「愛知 花子」 and 「ｱｲﾁﾊﾅｺ」 are
        // 愛知花子 and アイチ　ハナコ as the clerk typed them elsewhere.
        let (key, folded) = if digits {
            (
                folded
                    .iter()
                    .copied()
                    .filter(char::is_ascii_digit)
                    .collect(),
                folded,
            )
        } else if part {
            (folded, Vec::new())
        } else {
            folded.retain(|&c| c != ' ');
            (folded, Vec::new())
        };
        Self {
            chars,
            part,
            own_only: false,
            folded,
            key,
            digits,
        }
    }

    /// Whether the cell's folded character `c` may stand between two of the value's.
    fn skips(&self, c: char) -> bool {
        if self.digits {
            is_number_sep(c)
        } else {
            !self.part && c == ' '
        }
    }
}

/// A voiced or semi-voiced mark as [`fold_into`] writes it.
pub(super) fn is_mark(c: char) -> bool {
    c == VOICED_MARK || c == SEMI_VOICED_MARK
}

/// Whether folded character `s` begins a character of the cell (a match never starts inside
/// `ガ`, two folded characters).
pub(super) fn starts_char(from: &[usize], s: usize) -> bool {
    s == 0 || from[s] != from[s - 1]
}

/// Whether a match may end before folded character `e`: at the end of a character of the cell,
/// never between `ﾀ` and its `ﾞ`.
pub(super) fn ends_char(folded: &[char], from: &[usize], e: usize) -> bool {
    e == folded.len() || (from[e] != from[e - 1] && !is_mark(folded[e]))
}

fn own_values(folded: &[char], from: &[usize], own: &[OwnValue], out: &mut Vec<Span>) {
    let starts_char = |s: usize| starts_char(from, s);
    let ends_char = |e: usize| ends_char(folded, from, e);
    for o in own {
        let key = &o.key;
        // Two characters at least, a voiced mark not counted (`ﾊﾟ` is one kana).
        if key.iter().filter(|&&c| !is_mark(c)).nth(1).is_none() {
            continue;
        }
        // Digits as the value writes them, or apart from other digits.
        let apart = |s: usize, e: usize| {
            folded[s..e] == o.folded[..]
                || ((s == 0 || !folded[s - 1].is_ascii_digit())
                    && folded.get(e).is_none_or(|c| !c.is_ascii_digit()))
        };
        for s in 0..folded.len() {
            if folded[s] != key[0] || !starts_char(s) {
                continue;
            }
            let (mut j, mut k) = (s, 0);
            while j < folded.len() && k < key.len() {
                if folded[j] == key[k] {
                    k += 1;
                } else if !o.skips(folded[j]) {
                    break;
                }
                j += 1;
            }
            if k == key.len() && ends_char(j) && (!o.digits || apart(s, j)) {
                out.push(Span {
                    range: from[s]..from[j - 1] + 1,
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
/// digit, no `@`, no `年`, `月`, `丁`, `番` or `号` (a date or an address in kanji numerals)
/// and none of the first characters of the row's own values).
pub(crate) fn may_hold(v: &[char], own: &[OwnValue]) -> bool {
    may_hold_in(v, own, None, false)
}

/// [`may_hold`], with every row's values (`shared`) too; `free_text`: romaji are looked for.
pub(crate) fn may_hold_in(
    v: &[char],
    own: &[OwnValue],
    shared: Option<&Shared>,
    free_text: bool,
) -> bool {
    if v.len() < 2 {
        return false;
    }
    if v.iter()
        .any(|&c| digit(c).is_some() || matches!(c, '@' | '＠' | '年' | '月' | '丁' | '番' | '号'))
    {
        return true;
    }
    if shared.is_some_and(|s| s.may_hold(v, free_text)) {
        return true;
    }
    if own.is_empty() {
        return false;
    }
    v.iter().enumerate().any(|(i, &c)| {
        // A kanji numeral stands for a digit only among others (`一般` is no number).
        if numeral(c).is_some() && v.get(i + 1).and_then(|&n| numeral(n)).is_none() {
            return false;
        }
        let f = fold_first(c);
        own.iter().any(|o| o.key.first() == Some(&f))
    })
}

/// The spans of `v` that hold personal values (see the module docs), sorted by start; spans
/// may overlap. `dates`: look for dates too (not in date fields, where dates are the checked
/// value); `Dates::Separated` leaves out 8 bare digits (`20130101`), which in a number or
/// code field (受給者番号) are an identifier, not a date.
pub(crate) fn find(v: &[char], own: &[OwnValue], with_dates: Dates) -> Vec<Span> {
    find_in(v, own, None, with_dates)
}

/// [`find`], with every row's values (`shared`) too. With dates (`Dates::Separated` or
/// `Dates::Any`), the tails of addresses and birth dates written in part are looked for too
/// (`6丁目5番8号`, `8月27日`; `46/8/27` and `8/27` only in free text, `Dates::Any`, where romaji
/// names are looked for too).
pub(crate) fn find_in(
    v: &[char],
    own: &[OwnValue],
    shared: Option<&Shared>,
    with_dates: Dates,
) -> Vec<Span> {
    let mut out = Vec::new();
    let digits = v.iter().any(|&c| digit(c).is_some());
    if digits {
        numbers(v, &mut out);
        if with_dates != Dates::No {
            dates(v, with_dates == Dates::Any, &mut out);
        }
    }
    if with_dates != Dates::No && v.contains(&'年') {
        kanji_dates(v, &mut out);
    }
    if with_dates != Dates::No {
        // (Cheap tests first: most cells hold no 月, no separator, no 丁, 番, 号, の.)
        let month = v.contains(&'月');
        let numeric = with_dates == Dates::Any
            && digits
            && v.iter()
                .any(|&c| matches!(c, '/' | '／' | '.' | '．') || is_hyphen(c));
        if month || numeric {
            partial_dates(v, month, numeric, &mut out);
        }
        if v.iter()
            .any(|&c| matches!(c, '丁' | '番' | '号' | 'の' | 'ノ' | '之'))
        {
            address_tails(v, &mut out);
        }
    }
    emails(v, &mut out);
    let (folded, from) = fold_seq(v);
    own_values(&folded, &from, own, &mut out);
    if let Some(s) = shared {
        s.find(v, &folded, &from, with_dates == Dates::Any, &mut out);
    }
    // A date written in part inside a whole date is that date (replaced as a date).
    let whole: Vec<Range<usize>> = out
        .iter()
        .filter(|s| s.hit == Hit::Date)
        .map(|s| s.range.clone())
        .collect();
    out.retain(|s| {
        s.hit != Hit::PartialDate
            || !whole
                .iter()
                .any(|w| w.start <= s.range.start && s.range.end <= w.end)
    });
    out.sort_by_key(|s| (s.range.start, s.range.end));
    out.dedup();
    out
}

/// Whether `v` holds one of every row's values (a certificate key cell: the answer is the same
/// for the same value in every row, so the key is replaced alike everywhere).
pub(crate) fn shared_holds(v: &[char], shared: &Shared) -> bool {
    if v.len() < 2 {
        return false;
    }
    let (folded, from) = fold_seq(v);
    let mut out = Vec::new();
    shared.find(v, &folded, &from, false, &mut out);
    !out.is_empty()
}

/// The row's own personal values to look for elsewhere in the row: each personal cell's
/// trimmed value and its parts between spaces (two characters or more). For a name (`name`)
/// written without a space, where the surname ends is unknown: every beginning and every end of
/// two characters or more is a part (村上大翔: 村上, 村上大, 大翔, 上大翔), so that the given name
/// or the surname alone is found (`大翔くん`, `村上様`). A part of one character is not looked
/// for (翔 alone is in too many words).
///
/// Linear in the value's length, whatever the value (a 50,000-character 氏名 without a space
/// made every beginning and end a part: gigabytes, then an abort): the beginnings and ends of a
/// name and the tails of an address are taken from values of at most [`PARTS_MAX`] characters
/// (no name or address is longer; a longer value is V002 and is replaced whole), and parts are
/// told apart through a set.
pub(crate) fn own_parts(value: &str, name: bool) -> Vec<OwnValue> {
    let t = crate::check::trim_edges(value);
    let mut out: Vec<OwnValue> = Vec::new();
    let mut seen: std::collections::HashSet<Vec<char>> = std::collections::HashSet::new();
    let mut add = |out: &mut Vec<OwnValue>, p: Vec<char>, part: bool, own_only: bool| {
        if p.len() >= 2 && seen.insert(p.clone()) {
            out.push(OwnValue {
                own_only,
                ..OwnValue::new(p, part)
            });
        }
    };
    let chars: Vec<char> = t.chars().collect();
    add(&mut out, chars.clone(), false, false);
    for part in t.split([' ', '　']) {
        add(&mut out, part.chars().collect(), true, false);
    }
    let short = chars.len() <= PARTS_MAX;
    // Only kanji and kana: a contact column is a name too (電話, mail), and beginnings of its
    // digits (`03`) would be found in every number.
    if name
        && short
        && chars.len() >= 3
        && chars
            .iter()
            .all(|&c| !c.is_ascii() && c != '　' && digit(c).is_none())
    {
        for k in 2..chars.len() {
            add(&mut out, chars[..k].to_vec(), true, true);
            add(&mut out, chars[chars.len() - k..].to_vec(), true, true);
        }
    }
    // An address written from a later level on (名古屋市中区栄1-1-1, 中区栄1-1-1): its tails
    // after 都道府県, 郡, 市, 区, 町 and 村, four characters or more.
    if short {
        for (i, c) in chars.iter().enumerate() {
            if matches!(
                c,
                '都' | '道' | '府' | '県' | '郡' | '市' | '区' | '町' | '村'
            ) {
                let tail: Vec<char> = chars[i + 1..].to_vec();
                if tail.len() >= 4 {
                    add(&mut out, tail, true, false);
                }
            }
        }
    }
    out
}

/// The longest value whose beginnings, ends and tails [`own_parts`] takes (characters).
const PARTS_MAX: usize = 128;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Personal;

    /// A 氏名 or 住所 of 50,000 characters (a hostile file; the page's worker trapped on it)
    /// gives a handful of parts, not every beginning and end; a real name still gives them.
    #[test]
    fn own_parts_stay_few_for_a_huge_value() {
        let huge = "愛".repeat(50_000);
        assert!(own_parts(&huge, true).len() <= 2);
        let address = "市".repeat(50_000);
        assert!(own_parts(&address, false).len() <= 2);
        let parts = own_parts("村上大翔", true);
        let texts: Vec<String> = parts.iter().map(|p| p.chars.iter().collect()).collect();
        for want in ["村上大翔", "村上", "大翔", "村上大", "上大翔"] {
            assert!(texts.iter().any(|t| t == want), "{want} in {texts:?}");
        }
    }

    fn hits(s: &str, own: &[&str], with_dates: bool) -> Vec<(String, Hit)> {
        let with_dates = if with_dates { Dates::Any } else { Dates::No };
        let v: Vec<char> = s.chars().collect();
        let own: Vec<OwnValue> = own
            .iter()
            .map(|o| OwnValue::new(o.chars().collect(), false))
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
        // (Its tail `１－１－１` is a year, month and day too, in free text.)
        assert_eq!(
            hits("栄１－１－１", &["栄1-1-1"], false),
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

    fn own_hits(cell: &str, values: &[&str]) -> Vec<String> {
        let v: Vec<char> = cell.chars().collect();
        let own: Vec<OwnValue> = values.iter().flat_map(|n| own_parts(n, true)).collect();
        let mut found: Vec<String> = find(&v, &own, Dates::No)
            .into_iter()
            .filter(|sp| sp.hit == Hit::Own)
            .map(|sp| v[sp.range].iter().collect())
            .collect();
        found.dedup();
        found
    }

    /// The spans of `cell` that hold `value` as a whole (no parts).
    fn whole(cell: &str, value: &str) -> Vec<String> {
        let v: Vec<char> = cell.chars().collect();
        let own = [OwnValue::new(value.chars().collect(), false)];
        find(&v, &own, Dates::No)
            .into_iter()
            .filter(|sp| sp.hit == Hit::Own)
            .map(|sp| v[sp.range].iter().collect())
            .collect()
    }

    /// 半角カナ with ﾞ/ﾟ (two characters for one), hiragana, small kana written large, ヂ/ヅ
    /// written ジ/ズ, and the variant kanji of names: each way round, the span covering exactly
    /// the cell's characters.
    #[test]
    fn voiced_small_and_variant_forms_are_the_same_value() {
        assert_eq!(
            own_hits("ﾔﾏﾀﾞ ﾀﾛｳ", &["ヤマダ　タロウ"]),
            ["ﾔﾏﾀﾞ", "ﾔﾏﾀﾞ ﾀﾛｳ", "ﾀﾛｳ"]
        );
        assert_eq!(own_hits("ﾔﾏﾀﾞ様", &["ヤマダ　タロウ"]), ["ﾔﾏﾀﾞ"]);
        assert_eq!(own_hits("ヤマダ", &["ﾔﾏﾀﾞ ﾀﾛｳ"]), ["ヤマダ"]);
        assert_eq!(own_hits("やまだ", &["ﾔﾏﾀﾞ ﾀﾛｳ"]), ["やまだ"]);
        assert_eq!(own_hits("ｲｶﾞﾗｼ ﾐｻｷ", &["イガラシ　ミサキ"])[0], "ｲｶﾞﾗｼ");
        assert_eq!(own_hits("パパ", &["ﾊﾟﾊﾟ"]), ["パパ"], "ﾊﾟ alone is one kana");
        // A combining voiced mark.
        assert_eq!(whole("ヤマタ\u{3099}", "ヤマダ"), ["ヤマタ\u{3099}"]);
        // Small kana written large, and the other way round.
        assert_eq!(whole("キヨウコ", "キョウコ"), ["キヨウコ"]);
        assert_eq!(whole("ハットリ", "ハツトリ"), ["ハットリ"]);
        assert_eq!(whole("ｷｮｳｺ", "キヨウコ"), ["ｷｮｳｺ"]);
        // ヂ and ヅ as ジ and ズ, in any width.
        assert_eq!(whole("ミカズキ", "ミカヅキ"), ["ミカズキ"]);
        assert_eq!(whole("ﾁﾁﾞﾜ", "チジワ"), ["ﾁﾁﾞﾜ"]);
        assert_eq!(whole("ちぢわ", "チジワ"), ["ちぢわ"]);
        // Variant kanji.
        assert_eq!(whole("高橋様", "髙橋"), ["高橋"]);
        assert_eq!(whole("渡辺", "渡邉"), ["渡辺"]);
        assert_eq!(whole("齊藤さん", "齋藤"), ["齊藤"]);
        assert_eq!(whole("山崎", "山﨑"), ["山崎"]);
        for (a, b) in [
            ('髙', '高'),
            ('﨑', '崎'),
            ('邊', '辺'),
            ('邉', '辺'),
            ('齋', '斎'),
            ('齊', '斎'),
            ('澤', '沢'),
            ('濱', '浜'),
            ('嶋', '島'),
            ('德', '徳'),
            ('廣', '広'),
            ('櫻', '桜'),
            ('眞', '真'),
            ('國', '国'),
        ] {
            assert_eq!(fold_first(a), b, "{a}");
            let own = format!("{a}田");
            let cell = format!("{b}田");
            assert_eq!(whole(&cell, &own), [cell.as_str()], "{a}");
            assert_eq!(whole(&own, &cell), [own.as_str()], "{b}");
        }
        // Never a part of a voiced kana: ヤマタ is not in ヤマダ.
        assert!(whole("ヤマダ", "ヤマタ").is_empty());
        assert!(whole("ﾔﾏﾀﾞ", "ヤマタ").is_empty());
        // Still not one character of a name, nor a different kana.
        assert!(whole("ヤマカ", "ヤマガ").is_empty());
    }

    /// A value in digits (the row's My Number, also with a wrong check digit) with any
    /// separators, full-width, or in kanji numerals; a name is not matched across them.
    #[test]
    fn own_numbers_with_other_separators() {
        for cell in [
            "1234-5678-9019",
            "1234/5678/9019",
            "1234_5678_9019",
            "1234 - 5678 - 9019",
            "1234.5678.9019",
            "１２３４／５６７８／９０１９",
            "１２３４－５６７８－９０１９",
            "一二三四五六七八九〇一九",
        ] {
            let embedded = format!("番号 {cell} まで");
            assert_eq!(own_hits(&embedded, &["123456789019"]), [cell], "{cell}");
        }
        // Not from a separator before the first digit or after the last.
        assert_eq!(
            own_hits("-123456789019-", &["123456789019"]),
            ["123456789019"]
        );
        // Not inside a longer number, unless written as the value is: an address's tail
        // `1-13-2` is not in `81132987`.
        assert!(whole("81132987", "1-13-2").is_empty());
        assert_eq!(whole("番地1/13/2", "1-13-2"), ["1/13/2"]);
        assert_eq!(whole("91-13-29", "1-13-2"), ["1-13-2"]);
        let v: Vec<char> = "81132987".chars().collect();
        assert!(find(&v, &own_parts("東京都千代田区1-13-2", false), Dates::No).is_empty());
        // Another number is not the row's.
        assert!(own_hits("1234-5678-9010", &["123456789019"]).is_empty());
        // A name's whole value is not read across separators (its parts still are).
        let v: Vec<char> = "山田/太郎".chars().collect();
        let whole = [OwnValue::new("山田太郎".chars().collect(), false)];
        assert!(find(&v, &whole, Dates::No).is_empty());
    }

    /// E-mail addresses in full width, with a local part in kana or kanji, or without a dot;
    /// phone numbers with `/`, `～` or spaced dashes; a postcode after 郵便.
    #[test]
    fn wider_contacts() {
        use Hit::*;
        assert_eq!(
            hits("ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ", &[], false),
            [("ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ".into(), Email)]
        );
        assert_eq!(
            hits("連絡 花子@example.jp まで", &[], false),
            [("花子@example.jp".into(), Email)]
        );
        assert_eq!(
            hits("hanako@localhost", &[], false),
            [("hanako@localhost".into(), Email)]
        );
        for s in ["単価@100", "@example.jp", "a@b"] {
            assert!(hits(s, &[], false).is_empty(), "{s}");
        }
        for s in [
            "052/961/1234",
            "052～961～1234",
            "052〜961〜1234",
            "052 - 961 - 1234",
            "０５２／９６１／１２３４",
        ] {
            assert_eq!(hits(s, &[], false), [(s.into(), Phone)], "{s}");
        }
        assert_eq!(
            hits("1234/5678/9018", &[], false),
            [("1234/5678/9018".into(), MyNumber)]
        );
        assert_eq!(
            hits("郵便4600008", &[], false),
            [("4600008".into(), Postcode)]
        );
        assert_eq!(
            hits("郵便番号：4600008", &[], false),
            [("4600008".into(), Postcode)]
        );
        // Not a postcode: a slash between the groups, 7 digits after other words.
        assert!(hits("460/0008", &[], false).is_empty());
        assert!(hits("番号4600008", &[], false).is_empty());
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

    fn spans_of(s: &str, dates: Dates, hit: Hit) -> Vec<String> {
        let v: Vec<char> = s.chars().collect();
        find(&v, &[], dates)
            .into_iter()
            .filter(|sp| sp.hit == hit)
            .map(|sp| v[sp.range].iter().collect())
            .collect()
    }

    /// The tails of addresses, wherever they are written: numbers with 丁目, 番地, 番, 号, in
    /// digits of either width or kanji numerals, joined by の or dashes. Not: an ordinal after
    /// 第, one number with 番 or 号 alone (a counter, a window), dashes alone.
    #[test]
    fn address_tails_are_found() {
        let tails = |s: &str| spans_of(s, Dates::Separated, Hit::Address);
        for (cell, tail) in [
            // From the first number to the last (the markers between them are kept).
            ("緑が丘6丁目5番8号", "6丁目5番8"),
            ("栄6丁目5-8 コーポ", "6丁目5-8"),
            ("字新川５番地８", "５番地８"),
            ("6の5の8", "6の5の8"),
            ("三丁目五番八号", "三丁目五番八"),
            ("二十三丁目", "二十三"),
            ("本町3丁目", "3"),
            ("大字東12番地", "12"),
            ("10番15号", "10番15"),
            ("4－23－13号", "4－23－13"),
            ("1番地の2", "1番地の2"),
            ("二〇番地", "二〇"),
        ] {
            assert_eq!(tails(cell), [tail], "{cell}");
        }
        for cell in [
            "第1号",
            "第2番3号",
            "3番窓口",
            "1号",
            "一番よい",
            "四番町",
            "2号機",
            "1-2-3",
            "052-961-1234",
            "1番と2番",
            "6の5",
        ] {
            assert!(tails(cell).is_empty(), "{cell}: {:?}", tails(cell));
        }
        // Not looked for where no dates are (the header's own values).
        assert!(spans_of("6丁目5番8号", Dates::No, Hit::Address).is_empty());
        // The cheap test lets a tail in kanji numerals through.
        assert!(may_hold(&"三丁目五番".chars().collect::<Vec<_>>(), &[]));
    }

    /// Birth dates written in part: a month and a day (a year of two figures before them or
    /// not) in digits or kanji numerals; in free text also `46/8/27`, `8/27`, `8/27/1946`.
    #[test]
    fn partial_dates_are_found() {
        let any = |s: &str| spans_of(s, Dates::Any, Hit::PartialDate);
        for (cell, date) in [
            ("8月27日生", "8月27日"),
            ("21年8月27日生", "21年8月27日"),
            ("誕生日は八月二十七日です", "八月二十七日"),
            ("十月十日", "十月十日"),
            ("１２月３１日", "１２月３１日"),
            ("46/8/27", "46/8/27"),
            ("生 46.8.27", "46.8.27"),
            ("46-08-27", "46-08-27"),
            ("8/27/1946", "8/27/1946"),
            ("8/27/46", "8/27/46"),
            ("誕生日 8/27", "8/27"),
            ("１２／３１", "１２／３１"),
            // An impossible full date is a date in part all the same.
            ("平成35年2月30日", "35年2月30日"),
        ] {
            assert_eq!(any(cell), [date], "{cell}");
        }
        for cell in [
            "13月1日",
            "8月32日",
            "2024年度",
            "4月から",
            "460-0008",
            "03-1234-5678",
            "192.168.1.1",
            "1.5",
            "8-27",
            "13/1",
        ] {
            assert!(any(cell).is_empty(), "{cell}: {:?}", any(cell));
        }
        // Only a month and a day with 月 and 日 outside free text (`46/8/27` may be a code).
        assert_eq!(
            spans_of("8月27日", Dates::Separated, Hit::PartialDate),
            ["8月27日"]
        );
        assert!(spans_of("46/8/27", Dates::Separated, Hit::PartialDate).is_empty());
        // A whole date is a date, not a date in part; S46.8.27 was found already.
        assert!(any("2013年8月27日").is_empty());
        assert_eq!(spans_of("S46.8.27", Dates::Any, Hit::Date), ["S46.8.27"]);
        assert!(any("S46.8.27").is_empty());
        assert_eq!(
            spans_of("S21年8月27日", Dates::Any, Hit::Date),
            ["S21年8月27日"]
        );
        // Not in a code (`KH25.1.1`, `v1.2.3`), but after an era's letter (`H25.2.30`, no
        // such day, so no date).
        assert!(any("KH25.1.1").is_empty());
        assert!(any("v1.2.3").is_empty());
        assert_eq!(any("H25.2.30"), ["25.2.30"]);
        assert!(may_hold(&"八月二十七日".chars().collect::<Vec<_>>(), &[]));
    }

    /// An index of the given rows' personal cells ((text, kind, ragged row)).
    fn index(cells: &[(&str, Personal, bool)]) -> Shared {
        let mut s = Shared::new();
        for &(text, kind, ragged) in cells {
            let parts = own_parts(text, kind == Personal::Name);
            s.add_cell(text, &parts, kind, ragged);
        }
        s
    }

    fn shared_hits(cell: &str, shared: &Shared, dates: Dates) -> Vec<String> {
        let v: Vec<char> = cell.chars().collect();
        let mut found: Vec<String> = find_in(&v, &[], Some(shared), dates)
            .into_iter()
            .filter(|sp| sp.hit == Hit::Own)
            .map(|sp| v[sp.range].iter().collect())
            .collect();
        found.dedup();
        found
    }

    /// Another row's name, カナ, address and My Number (a wrong check digit too) are found in
    /// this row's cells, folded as the row's own are; the beginnings and ends of a name written
    /// without a space are not (across a file they would be in every word).
    #[test]
    fn every_rows_values_are_found() {
        use Personal::*;
        let s = index(&[
            ("村上大翔", Name, false),
            ("ムラカミ　ヒロト", Name, false),
            ("神奈川県足柄下郡箱根町緑が丘6－5－8", Address, false),
            ("123456789019", MyNumber, false),
            ("高橋　美咲", Name, false),
            ("1946年8月27日生", BirthDate, false),
            ("2013-01-01", BirthDate, false),
        ]);
        let any = |c: &str| shared_hits(c, &s, Dates::Any);
        assert_eq!(any("兄 村上 大翔 同居"), ["村上 大翔"]);
        assert_eq!(
            any("むらかみ ひろと"),
            ["むらかみ", "むらかみ ひろと", "ひろと"]
        );
        assert_eq!(any("ﾑﾗｶﾐ"), ["ﾑﾗｶﾐ"]);
        assert_eq!(
            any("送付先 箱根町緑が丘６－５－８"),
            ["箱根町緑が丘６－５－８", "緑が丘６－５－８"]
        );
        assert_eq!(any("父 1234-5678-9019"), ["1234-5678-9019"]);
        assert_eq!(
            any("父 一二三四五六七八九〇一九"),
            ["一二三四五六七八九〇一九"]
        );
        assert_eq!(any("髙橋美咲"), ["髙橋", "髙橋美咲", "美咲"]);
        assert_eq!(any("美咲ちゃん"), ["美咲"]);
        assert_eq!(any("1946年8月27日生の祖父"), ["1946年8月27日生"]);
        // Not: a beginning or an end of a name without a space, another number, a number
        // inside a longer one, a date the patterns find (left to them).
        assert!(any("大翔くん").is_empty());
        assert!(any("村上様").is_empty());
        assert!(any("1234-5678-9010").is_empty());
        // (A number inside a longer one only as the value writes it, as the row's own.)
        let spaced = index(&[("1234 5678 9018", MyNumber, false)]);
        let in_spaced = |c: &str| shared_hits(c, &spaced, Dates::Any);
        assert_eq!(in_spaced("番号123456789018"), ["123456789018"]);
        assert!(in_spaced("91234567890189").is_empty());
        assert_eq!(in_spaced("91234 5678 90189"), ["1234 5678 9018"]);
        assert!(any("2013-01-01").is_empty());
        // An address's tail of numbers alone: as a number, with six digits or more.
        let tails = index(&[
            ("東京都千代田区永田町12-30-15", Address, false),
            ("愛知県名古屋市中区栄町6-20-6", Address, false),
        ]);
        let in_tails = |c: &str| shared_hits(c, &tails, Dates::Any);
        assert_eq!(in_tails("旧 12-30-15"), ["12-30-15"]);
        assert!(in_tails("旧 6-20-6").is_empty());
        assert!(in_tails("0312301512").is_empty());
        // In a code field too (a certificate key holding another row's My Number).
        assert!(shared_holds(
            &"123456789019".chars().collect::<Vec<_>>(),
            &s
        ));
        assert!(!shared_holds(&"00012345".chars().collect::<Vec<_>>(), &s));
        // The cheap test: a cell without digits is let through only when a value may start.
        assert!(s.may_hold(&"むらかみ".chars().collect::<Vec<_>>(), false));
        // Another row's My Number in kanji numerals, with no digit and nothing of this row's.
        let v: Vec<char> = "連絡先 一二三四五六七八九〇一九 まで".chars().collect();
        assert!(may_hold_in(&v, &[], Some(&s), false));
        assert!(!s.may_hold(&"子ども医療費受給者証".chars().collect::<Vec<_>>(), false));
    }

    /// A row with the wrong number of columns may have a code or a number shifted into a
    /// personal column: nobody's, and not looked for in every row.
    #[test]
    fn shifted_codes_are_not_every_rows_values() {
        use Personal::*;
        let s = index(&[
            ("KODOMO01", Name, true),
            ("88134457", BirthDate, true),
            ("88134458", Address, true),
            ("愛知花子", Address, true),
            ("SMITH JOHN", Name, false),
        ]);
        let any = |c: &str| shared_hits(c, &s, Dates::Any);
        assert!(any("KODOMO01").is_empty());
        assert!(any("88134458").is_empty());
        assert_eq!(any("愛知花子様"), ["愛知花子"]);
        assert_eq!(any("Mr. Smith"), ["Smith"]);
    }

    /// The カナ in romaji, in free text only: Hepburn and 訓令, long vowels any way, any case
    /// and width, a part of three letters or more (of fewer than five at a word's start), the
    /// whole in either order without a space.
    #[test]
    fn romaji_names_are_found() {
        use Personal::*;
        let s = index(&[
            ("ムラカミ　ヒロト", Name, false),
            ("ｵｵﾉ ｼﾝｼﾞ", Name, false),
            ("いとう　れん", Name, false),
        ]);
        let any = |c: &str| shared_hits(c, &s, Dates::Any);
        assert_eq!(
            any("Murakami Hiroto"),
            ["Murakami", "Murakami Hiroto", "Hiroto"]
        );
        assert_eq!(
            any("HIROTO MURAKAMI"),
            ["HIROTO", "HIROTO MURAKAMI", "MURAKAMI"]
        );
        assert_eq!(any("連絡 murakami まで"), ["murakami"]);
        assert_eq!(any("ＭＵＲＡＫＡＭＩ"), ["ＭＵＲＡＫＡＭＩ"]);
        assert_eq!(
            any("MurakamiHiroto"),
            ["Murakami", "MurakamiHiroto", "Hiroto"]
        );
        assert_eq!(
            any("HIROTOMURAKAMI"),
            ["HIROTO", "HIROTOMURAKAMI", "MURAKAMI"]
        );
        for ohno in ["Ohno", "Ono", "Oono", "Ōno", "OHNO", "Ouno"] {
            assert_eq!(any(ohno), [ohno], "{ohno}");
        }
        for shinji in ["Shinji", "Sinzi", "SHINZI"] {
            assert_eq!(any(&format!("{shinji}-kun")), [shinji], "{shinji}");
        }
        assert_eq!(any("Satoh Ren"), ["Ren"]);
        // Not: a short part inside a word, or outside free text.
        assert!(any("parent").is_empty());
        assert!(shared_hits("Murakami", &s, Dates::Separated).is_empty());
        assert!(any("Murakumo").is_empty());
    }
}
