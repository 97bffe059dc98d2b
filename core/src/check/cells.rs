//! Checks and helpers on one cell's text: edge spaces, character classes, lengths, Excel's
//! exponent form, digit runs. Byte-level where the hot path needs it.

use crate::layout::CharClass;

pub(crate) use crate::domain::chars::trim_edges;

pub(crate) fn char_count(s: &str) -> u32 {
    let n = if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    };
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// `2.10988E+11`, `1E+11`, `2.1e11`: a number as Excel's General format shows 12 or more
/// digits (the last digits are gone). The one test of it: the checker (N002), the repairs
/// (never padded or rewritten) and redaction (kept in that form) all call this.
pub(crate) fn is_exponent_form(s: &str) -> bool {
    // Most values have no E at all (every 個人番号 cell): one byte scan first.
    if !s.bytes().any(|b| b | 0x20 == b'e') {
        return false;
    }
    let Some((mantissa, exponent)) = s.split_once(['E', 'e']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    !int.is_empty() && digits(int) && digits(frac) && !exponent.is_empty() && digits(exponent)
}

/// Excel's own display of a number of 12 digits or more in the General format, as a CSV saved
/// from it holds it: one digit, maybe a decimal part, `E+` and an exponent of 11 or more
/// (`2.10988E+11`, `1.23457E+13`, `1.23456789012346E+18` from a workbook). Narrower than
/// [`is_exponent_form`]: for identifiers that may hold letters (`20E0001`, `1e5` are 地単
/// numbers there).
pub(crate) fn is_excel_exponent_display(s: &str) -> bool {
    // Almost every value has no E at all: one byte scan first.
    if !s.bytes().any(|b| b | 0x20 == b'e') {
        return false;
    }
    let Some((mantissa, exponent)) = s.split_once(['E', 'e']) else {
        return false;
    };
    let Some(exponent) = exponent.strip_prefix('+') else {
        return false;
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    int.len() == 1
        && digits(int)
        && digits(frac)
        && (mantissa.len() == 1 || !frac.is_empty())
        && exponent.len() >= 2
        && digits(exponent)
        && exponent.parse::<u32>().is_ok_and(|e| e >= 11)
}

/// Whether `s` holds a digit, ASCII or full-width (EF BC 90–99): one scan of the bytes, eight
/// at a time while none of them is an ASCII digit or the lead byte EF (a name's kanji and kana
/// are neither).
pub(crate) fn holds_digit(s: &str) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(chunk) = b.get(from..from + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let w = u64::from_le_bytes(w);
        // An ASCII byte above 0x2F and below 0x3A (a byte with its high bit set is none).
        let low = w & (ONES * 0x7F);
        let digit = (ONES * (127 + 0x3A) - low) & !w & (low + ONES * (127 - 0x2F)) & HIGH;
        // A byte equal to EF: a zero byte of `w ^ EF…` (exact for whether there is one).
        let x = w ^ (ONES * 0xEF);
        let ef = x.wrapping_sub(ONES) & !x & HIGH;
        if digit | ef != 0 {
            break;
        }
        from += 8;
    }
    (from..b.len()).any(|i| {
        b[i].is_ascii_digit()
            || (b[i] == 0xEF && matches!(b.get(i + 1..i + 3), Some([0xBC, 0x90..=0x99])))
    })
}

/// Whether `v` has the shape of a My Number written whole: 12 ASCII digits, or 12 full-width
/// ones (EF BC 90–99). The check digit is for the caller (`Back::my_number_elsewhere`); this
/// is the test every text cell pays, so it looks at the length first.
#[inline]
pub(crate) fn my_number_shaped(v: &str) -> bool {
    let b = v.as_bytes();
    match b.len() {
        12 => b[0].is_ascii_digit() && all_ascii_digits(b),
        36 => b[0] == 0xEF && fullwidth_digits_only(b),
        _ => false,
    }
}

/// V013's rule, in one place (the checker reports it; redaction keeps it true or false): a whole
/// value that is a My Number — [`my_number_shaped`], its check digit valid, not one digit
/// repeated (a placeholder such as `111111111111`).
pub(crate) fn is_whole_my_number(v: &str) -> bool {
    if !my_number_shaped(v) {
        return false;
    }
    let digits: String = v
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect();
    crate::domain::checkdigit::my_number(&digits) == crate::domain::checkdigit::CheckOutcome::Valid
        && !crate::domain::checkdigit::is_all_same_digit(&digits)
}

/// Whether `b` is full-width digits only (EF BC 90–99 each).
#[inline(never)]
fn fullwidth_digits_only(b: &[u8]) -> bool {
    b.len().is_multiple_of(3)
        && b.chunks_exact(3)
            .all(|c| c[0] == 0xEF && c[1] == 0xBC && (0x90..=0x99).contains(&c[2]))
}

/// Whether every byte of `b` is an ASCII digit, eight at a time: each byte's high nibble is 3,
/// and adding 6 leaves it 3 (no byte carries into the next, as every byte is below 0x40).
pub(crate) fn all_ascii_digits(b: &[u8]) -> bool {
    const NIBBLES: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const THREES: u64 = 0x3030_3030_3030_3030;
    let mut chunks = b.chunks_exact(8);
    for chunk in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let w = u64::from_le_bytes(w);
        if w & NIBBLES != THREES || w.wrapping_add(0x0606_0606_0606_0606) & NIBBLES != THREES {
            return false;
        }
    }
    chunks.remainder().iter().all(u8::is_ascii_digit)
}

/// Whether `b` is ASCII, decided with at most two overlapping loads for up to 16 bytes (the
/// key values: a My Number, a 受給者番号, a type ID), where `<[u8]>::is_ascii` walks a short
/// slice byte by byte.
#[inline]
pub(crate) fn is_ascii_short(b: &[u8]) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let load = |s: &[u8]| {
        let mut w = [0u8; 8];
        w[..s.len()].copy_from_slice(s);
        u64::from_le_bytes(w)
    };
    match b.len() {
        0..=8 => load(b) & HIGH == 0,
        9..=16 => (load(&b[..8]) | load(&b[b.len() - 8..])) & HIGH == 0,
        _ => b.is_ascii(),
    }
}

/// `#N/A`, `#REF!`, `#VALUE!` …: a value Excel shows for a formula that failed (a VLOOKUP
/// that found nothing, a deleted reference), saved in its place. Never data: the checker
/// (V011) reports it in every column, and redaction keeps it as it is. Excel's own spelling,
/// the same in Japanese Excel; case is ignored.
pub(crate) fn is_excel_error(s: &str) -> bool {
    const ERRORS: [&str; 16] = [
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#PYTHON!",
    ];
    s.as_bytes().first() == Some(&b'#') && ERRORS.iter().any(|e| e.eq_ignore_ascii_case(s))
}

/// The first character (1-based position) that the class does not allow.
pub(crate) fn first_disallowed(s: &str, class: CharClass) -> Option<(u32, char)> {
    let pos = |byte_index: usize| -> (u32, char) {
        let n = s[..byte_index].chars().count() + 1;
        (
            u32::try_from(n).unwrap_or(u32::MAX),
            s[byte_index..].chars().next().unwrap_or('\u{FFFD}'),
        )
    };
    let b = s.as_bytes();
    match class {
        CharClass::Digits => b.iter().position(|c| !c.is_ascii_digit()).map(pos),
        CharClass::Alnum => b.iter().position(|c| !c.is_ascii_alphanumeric()).map(pos),
        // Control characters: C0, DEL and C1 (U+0080–U+009F, encoded C2 80–C2 9F). Found on
        // bytes without decoding: names and addresses are long and almost always clean.
        CharClass::Text | CharClass::Name => (0..b.len())
            .find(|&i| {
                b[i] < 0x20
                    || b[i] == 0x7F
                    || (b[i] == 0xC2 && b.get(i + 1).is_some_and(|n| (0x80..0xA0).contains(n)))
            })
            .map(pos),
        // Every allowed character but the space is U+3000–U+3FFF (lead byte E3): `E3 b1 b2`
        // is bit `b2 & 0x3F` of word `b1 & 0x3F` of [`KATAKANA_E3`], nothing decoded (a
        // `char` iterator cost WebAssembly twice what it costs natively). A test compares
        // this with `is_katakana_class` for every character.
        CharClass::Katakana => {
            let mut rest = b;
            loop {
                match rest {
                    [] => return None,
                    [0xE3, b1, b2, tail @ ..]
                        if KATAKANA_E3[usize::from(b1 & 0x3F)] & (1 << (b2 & 0x3F)) != 0 =>
                    {
                        rest = tail;
                    }
                    [b' ', tail @ ..] => rest = tail,
                    _ => return Some(pos(b.len() - rest.len())),
                }
            }
        }
    }
}

/// The characters of the カナ class with lead byte `E3` (U+3000–U+3FFF, all but the ASCII
/// space): word `n` holds U+3000 + 64n … + 64n + 63, bit `c & 0x3F` for `c`.
static KATAKANA_E3: [u64; 64] = {
    let mut words = [0u64; 64];
    let mut c = 0x3000u32;
    while c < 0x4000 {
        if let Some(ch) = char::from_u32(c)
            && is_katakana_class(ch)
        {
            words[((c >> 6) & 0x3F) as usize] |= 1 << (c & 0x3F);
        }
        c += 1;
    }
    words
};

/// The characters of the カナ class: full-width katakana ァ–ヶ, ・, ー, and the ideographic
/// and ASCII spaces.
const fn is_katakana_class(c: char) -> bool {
    matches!(
        c,
        '\u{30A1}'..='\u{30F6}' | '\u{30FC}' | '\u{30FB}' | '\u{3000}' | ' '
    )
}

/// Maximal runs of exactly `len` ASCII digits inside a text. On bytes: an ASCII digit is never
/// part of a multi-byte UTF-8 character, so every run starts and ends on a character boundary,
/// and a 3- or 4-byte character is passed over from its lead byte.
pub(crate) fn digit_runs(s: &str, len: usize) -> DigitRuns<'_> {
    DigitRuns { s, at: 0, len }
}

/// The iterator of [`digit_runs`].
pub(crate) struct DigitRuns<'a> {
    s: &'a str,
    at: usize,
    len: usize,
}

impl<'a> Iterator for DigitRuns<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let b = self.s.as_bytes();
        let mut i = self.at;
        loop {
            // To the next digit: kana and kanji three bytes at a time.
            loop {
                match b.get(i) {
                    None => {
                        self.at = i;
                        return None;
                    }
                    Some(c) if c.is_ascii_digit() => break,
                    Some(&c) if c >= 0xE0 => i += 3,
                    Some(_) => i += 1,
                }
            }
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i - start == self.len {
                self.at = i;
                return self.s.get(start..i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every length to 40, a high byte at every position: the overlapping loads see it.
    #[test]
    fn is_ascii_short_sees_every_byte() {
        for len in 0..=40usize {
            let mut b = vec![b'7'; len];
            assert!(is_ascii_short(&b), "{len}");
            for at in 0..len {
                b[at] = 0xBC;
                assert!(!is_ascii_short(&b), "{len} {at}");
                b[at] = b'7';
            }
        }
    }

    #[test]
    fn exponent_forms() {
        for (s, yes) in [
            ("山田", false),
            ("山田1", true),
            ("山田１", true),
            ("Ｙａｍａ", false),
            ("", false),
        ] {
            assert_eq!(holds_digit(s), yes, "{s}");
        }
        assert!(is_excel_error("#N/A") && is_excel_error("#div/0!") && is_excel_error("#SPILL!"));
        for not in ["", "#", "N/A", "#N/A ", "＃N/A", "#NA", "#1", "#REF"] {
            assert!(!is_excel_error(not), "{not}");
        }
        for yes in [
            "2.10988E+11",
            "1.23457E+13",
            "1E+11",
            "1.23456789012346E+18",
        ] {
            assert!(is_excel_exponent_display(yes), "{yes}");
        }
        for no in [
            "20E0001",
            "1E0234567",
            "0E12",
            "99E1",
            "1e5",
            "7E7",
            "1.5E-3",
            "12.3E+13",
            "1.E+13",
            "1E+5",
        ] {
            assert!(!is_excel_exponent_display(no), "{no}");
        }
        assert!(is_exponent_form("2.10988E+11"));
        assert!(is_exponent_form("1E+11"));
        assert!(is_exponent_form("1.23457e13"));
        assert!(!is_exponent_form("123456789018"));
        assert!(!is_exponent_form("E+11"));
        assert!(!is_exponent_form("22E"));
        // A mantissa without an integer digit is not Excel's (issue 8: the checker's old copy
        // accepted these, the repairs' did not).
        assert!(!is_exponent_form(".5E3"));
        assert!(!is_exponent_form(".E5"));
        assert!(!is_exponent_form("1.2.3E4"));
    }

    #[test]
    fn classes() {
        assert_eq!(first_disallowed("12a4", CharClass::Digits), Some((3, 'a')));
        assert_eq!(
            first_disallowed("ヤマダ　タロウ", CharClass::Katakana),
            None
        );
        assert_eq!(
            first_disallowed("ヤマダたろう", CharClass::Katakana),
            Some((4, 'た'))
        );
        assert_eq!(
            first_disallowed("ab\u{7}", CharClass::Text),
            Some((3, '\u{7}'))
        );
        assert_eq!(first_disallowed("山田", CharClass::Name), None);
    }

    #[test]
    fn katakana_bytes_agree_with_the_class_for_every_character() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            let s = format!("ア{c}ー");
            let expected = (!is_katakana_class(c)).then_some((2, c));
            assert_eq!(
                first_disallowed(&s, CharClass::Katakana),
                expected,
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn digit_runs_are_exact() {
        let v: Vec<&str> =
            digit_runs("0110113719 東京病院, 12345678901 x 1310110098", 10).collect();
        assert_eq!(v, vec!["0110113719", "1310110098"]);
    }

    proptest::proptest! {
        /// The byte scan for digits finds what a scan of the characters finds: ASCII and
        /// full-width digits, and nothing else of the full-width block around them.
        #[test]
        fn holds_digit_is_a_character_scan(s in "[a山ＡＺ０-９／：ｚ。-ﾟ0-9]{0,6}|[a山／：]{0,6}|[村上大翔ヒロト/:\\x2F\\x3A]{0,12}[0-9０-９]?[村上大翔ヒロト]{0,6}") {
            let expected = s.chars().any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c));
            proptest::prop_assert_eq!(holds_digit(&s), expected);
        }


        /// The byte-level runs are the runs of splitting on every character that is not an
        /// ASCII digit (full-width digits and kanji around them included).
        #[test]
        fn digit_runs_match_splitting_on_characters(
            s in "([0-9]{1,12}|[a東１ ,　é𠮷]){0,8}",
            len in 1usize..12,
        ) {
            let reference: Vec<&str> = s
                .split(|c: char| !c.is_ascii_digit())
                .filter(|run| run.len() == len)
                .collect();
            proptest::prop_assert_eq!(digit_runs(&s, len).collect::<Vec<_>>(), reference);
        }
    }
}

#[cfg(test)]
mod trim_tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn trims_every_edge_space() {
        for sp in [
            " ", "\t", "\u{3000}", "\u{A0}", "\u{200B}", "\u{FEFF}", "\u{2060}", "\u{1680}",
            "\u{2003}", "\r\n",
        ] {
            assert_eq!(trim_edges(&format!("{sp}山田{sp}")), "山田", "{sp:?}");
            assert_eq!(trim_edges(&format!("ヤマダ{sp}")), "ヤマダ", "{sp:?}");
        }
        assert_eq!(trim_edges("ヤマダ"), "ヤマダ");
        assert_eq!(trim_edges(""), "");
    }

    /// The inlined byte test decides on a value's first and last bytes: every character, alone
    /// and at either edge of kana, kanji and ASCII, is trimmed exactly as the generic trim does.
    #[test]
    fn byte_test_of_the_edges_agrees_on_every_character() {
        let generic = |s: &str| {
            s.trim_matches(crate::domain::chars::is_edge_space)
                .to_owned()
        };
        let mut trimmed = 0;
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for (before, after) in [("", ""), ("山", ""), ("", "ア"), ("a", "湊")] {
                let s = format!("{before}{c}{after}");
                assert_eq!(trim_edges(&s), generic(&s), "U+{:04X} in {s:?}", c as u32);
                trimmed += usize::from(trim_edges(&s).len() != s.len());
            }
        }
        // Every edge space (26 characters in Unicode 16) was seen trimmed, at both edges.
        assert!(trimmed >= 26 * 3, "{trimmed}");
    }

    #[test]
    fn control_characters_found_on_bytes() {
        assert_eq!(
            first_disallowed("山田\u{85}x", CharClass::Name),
            Some((3, '\u{85}'))
        );
        assert_eq!(first_disallowed("山田\u{A0}x", CharClass::Name), None);
        assert_eq!(
            first_disallowed("a\u{7F}", CharClass::Text),
            Some((2, '\u{7F}'))
        );
    }

    proptest! {
        #[test]
        fn fast_trim_equals_generic_trim(s in "\\PC{0,8}|[ \u{3000}\u{A0}\u{200B}\u{FEFF}a-zあア山]{0,8}") {
            prop_assert_eq!(trim_edges(&s), s.trim_matches(crate::domain::chars::is_edge_space));
        }

        #[test]
        fn katakana_scan_equals_char_scan(s in "[ \u{3000}-\u{30FF}ｱa山]{0,10}") {
            let expected = s
                .chars()
                .enumerate()
                .find(|&(_, c)| !is_katakana_class(c))
                .map(|(i, c)| (i as u32 + 1, c));
            prop_assert_eq!(first_disallowed(&s, CharClass::Katakana), expected);
        }

        #[test]
        fn byte_scan_equals_char_scan(s in "\\PC{0,12}|[\u{0}-\u{9F}あ]{0,12}") {
            let expected = s.chars().enumerate().find(|&(_, c)| c.is_control()).map(|(i, c)| (i as u32 + 1, c));
            prop_assert_eq!(first_disallowed(&s, CharClass::Name), expected);
        }
    }
}

#[cfg(test)]
mod digit_scan_tests {
    use super::{all_ascii_digits, my_number_shaped};

    /// The byte test of a My Number's shape is the character test: twelve digits, all ASCII or
    /// all full-width; one character changed at any place to a neighbour of the digits (or a
    /// digit of the other width) breaks it.
    #[test]
    fn my_number_shape_is_twelve_digits_of_one_width() {
        let reference = |s: &str| {
            let c: Vec<char> = s.chars().collect();
            c.len() == 12
                && (c.iter().all(char::is_ascii_digit)
                    || c.iter().all(|d| ('０'..='９').contains(d)))
        };
        let mut both = [0u32; 2];
        for wide in [false, true] {
            let digit = |d: u32| char::from_u32(if wide { 0xFF10 + d } else { 0x30 + d }).unwrap();
            let base: Vec<char> = (0..12).map(|i| digit(i % 10)).collect();
            for at in 0..12 {
                for other in ['/', ':', '／', '：', '0', '０', '9', '９', 'a', '一'] {
                    let mut v = base.clone();
                    v[at] = other;
                    let s: String = v.iter().collect();
                    assert_eq!(my_number_shaped(&s), reference(&s), "{s}");
                    both[usize::from(reference(&s))] += 1;
                }
            }
            let s: String = base.iter().collect();
            assert!(my_number_shaped(&s), "{s}");
            assert!(!my_number_shaped(
                &s[..s.len() - s.chars().last().unwrap().len_utf8()]
            ));
        }
        assert!(both[0] > 100 && both[1] > 10, "{both:?}");
    }

    /// Eight bytes at a time, as byte by byte: every byte value at every place of strings of
    /// 0–19 bytes that are otherwise digits (`0` and `9`, the edges of the range).
    #[test]
    fn all_ascii_digits_is_a_byte_scan() {
        let mut both = [0u32; 2];
        for len in 0..20 {
            for fill in [b'0', b'9'] {
                for at in 0..len {
                    for byte in 0..=255u8 {
                        let mut b = vec![fill; len];
                        b[at] = byte;
                        let expected = b.iter().all(u8::is_ascii_digit);
                        assert_eq!(all_ascii_digits(&b), expected, "{b:?}");
                        both[usize::from(expected)] += 1;
                    }
                }
                assert!(all_ascii_digits(&vec![fill; len]));
            }
        }
        assert!(both[0] > 1000 && both[1] > 100, "{both:?}");
    }
}
