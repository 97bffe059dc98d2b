use super::*;
use crate::Layout;

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

fn s(v: &[char]) -> String {
    v.iter().collect()
}

#[test]
fn digit_permutation_is_a_bijection() {
    let key = Key::new(7);
    for n in 1..=4usize {
        let total = 10usize.pow(n as u32);
        let mut seen = std::collections::HashSet::new();
        for x in 0..total {
            let d: Vec<u8> = format!("{x:0n$}").bytes().map(|b| b - b'0').collect();
            let p = key.permute_digits(b"t", &d);
            assert_eq!(p.len(), n);
            assert!(seen.insert(p), "n={n}");
        }
    }
}

fn ctx<'a>(layout: &'a Layout, id: &str, repair: bool) -> CellCtx<'a> {
    CellCtx {
        field: &layout.fields[layout.field_index(id).unwrap()],
        dialect: &layout.dialect,
        repair,
        valid_from: Ymd::new(2025, 4, 1),
        starts_of_birth: &[],
    }
}

#[test]
fn my_numbers_keep_their_class() {
    let layout = Layout::full();
    let key = Key::new(1);
    let yes = |_: char| true;
    for repair in [false, true] {
        let c = ctx(&layout, "myNumber", repair);
        for v in [
            "123456789018",
            "123456789012",
            "23456789013",
            "2.10988E+11",
            "１２３４５６７８９０１８",
            " 123456789018",
            "111111111111",
            "1234567890",
            "000000000000",
        ] {
            let mut rng = Rng::new(3);
            let out = redact_my_number(&chars(v), &key, &c, &mut rng, &yes, 0);
            assert_eq!(
                number_sig(&c, &s(&out)),
                number_sig(&c, v),
                "{v} → {}",
                s(&out)
            );
            assert_eq!(out.len(), v.chars().count());
            if v != "000000000000" {
                assert_ne!(s(&out), v);
            }
        }
    }
}

#[test]
fn equal_numbers_equal_replacements() {
    let layout = Layout::full();
    let c = ctx(&layout, "myNumber", false);
    let key = Key::new(5);
    let yes = |_: char| true;
    let a = redact_my_number(&chars("123456789018"), &key, &c, &mut Rng::new(1), &yes, 0);
    let b = redact_my_number(&chars("123456789018"), &key, &c, &mut Rng::new(2), &yes, 0);
    let other = redact_my_number(&chars("023456789013"), &key, &c, &mut Rng::new(1), &yes, 0);
    assert_eq!(a, b);
    assert_ne!(a, other);
}

#[test]
fn dates_keep_form_validity_and_order() {
    let layout = Layout::full();
    let key = Key::new(9);
    let yes = |_: char| true;
    for repair in [false, true] {
        let c = ctx(&layout, "basicFiveInfo.dateOfBirth", repair);
        for v in [
            "2013-01-01",
            "2025-06-01",
            "2013/1/1",
            "2013-02-30",
            "2013-02-29",
            "平成25年1月1日",
            "令和元年5月1日",
            "平成32年3月31日",
            "H25.1.1",
            "4250101",
            "41275",
            "20130101",
            "２０１３－０１－０１",
            " 2013-01-01",
            "不明",
        ] {
            let out = redact_date(&chars(v), &key, &c, "birth", &yes);
            assert_eq!(date_sig(&c, &s(&out)), date_sig(&c, v), "{v} → {}", s(&out));
            assert_ne!(s(&out), v, "{v}");
            assert_eq!(out.len(), v.chars().count());
        }
    }
}

#[test]
fn text_keeps_classes_and_distinctness() {
    let yes = |_: char| true;
    let mut rng = Rng::new(4);
    let v = chars("髙橋\u{E001}子　ﾔﾏﾀﾞ 𠮷田ア-ハ①１a");
    let out = redact_text(&v, TextMode::Name { kana_field: false }, &mut rng, &yes);
    assert_eq!(out.len(), v.len());
    for (a, b) in v.iter().zip(&out) {
        assert_eq!(chars::classify(*a), chars::classify(*b), "{a} → {b}");
    }
    assert_eq!(out[4], '　');
    assert_eq!(out[8], 'ﾞ');
    assert!(HALF_VOICEABLE.contains(out[7]));
    assert_ne!(s(&out), s(&v));
    let addr = chars("愛知県名古屋市中区栄1-1-1");
    let out = redact_text(&addr, TextMode::Address, &mut rng, &yes);
    assert_eq!(out[2], '県');
    assert_eq!(out[11], '-');
    assert_ne!(out[0], '愛');
}

#[test]
fn pools_hold_what_they_claim() {
    let l1 = level1_kanji();
    assert_eq!(l1.len(), 2964, "JIS X 0208 level 1 without 一");
    for &c in l1 {
        assert_eq!(chars::classify(c), None, "{c}");
    }
    assert!(l1.contains(&'亜') && l1.contains(&'腕') && !l1.contains(&'弌'));
    for cp in 0xFA0E..=0xFA2D {
        let c = char::from_u32(cp).unwrap();
        assert_eq!(chars::classify(c), Some(CharIssue::VendorSpecific), "{c}");
    }
    assert!(
        OUTSIDE_KANJI
            .chars()
            .filter(|&c| chars::classify(c) == Some(CharIssue::OutsideCp932))
            .count()
            >= 5
    );
}

/// The digit runs of a value: (start, text).
fn runs_of(v: &str) -> Vec<(usize, String)> {
    let c = chars(v);
    digit_runs(&c)
        .into_iter()
        .map(|(start, len, _)| (start, s(&c[start..start + len])))
        .collect()
}

/// A 生年月日 the checker cannot read as a date keeps nothing of the original but its date
/// syntax: every digit run changes (not only the first), and every letter, kana and kanji that
/// is not 年月日, an era or 元 (a name typed after the date, an address shifted into the
/// column) is replaced by one of its class.
#[test]
fn birth_dates_lose_every_digit_run_and_their_text() {
    let layout = Layout::full();
    let key = Key::new(7);
    let yes = |_: char| true;
    for repair in [false, true] {
        let c = ctx(&layout, "basicFiveInfo.dateOfBirth", repair);
        for (v, kept) in [
            ("1946年8月27日生", "年月日生"),
            ("8/27/1946", "//"),
            ("S21.8.27.", "S..."),
            ("昭和21年8月27日生まれ", "昭和年月日生"),
            ("1946-08-27 村上大翔", "-- "),
            ("神奈川県足柄下郡箱根町緑が丘7－5－8", "－－"),
            ("1946-08-27", "--"),
            ("平成25年1月1日", "平成年月日"),
            ("令和元年5月1日", "令和元年月日"),
            ("H25.1.1", "H.."),
            // In kanji numerals, the kanji zero too.
            ("二〇一三年一月一日", "年月日"),
            ("昭和二十一年八月二十七日", "昭和年月日"),
        ] {
            let out = redact_date(&chars(v), &key, &c, "birth", &yes);
            assert_eq!(date_sig(&c, &s(&out)), date_sig(&c, v), "{v} → {}", s(&out));
            assert_eq!(out.len(), v.chars().count());
            let before = runs_of(v);
            let after = runs_of(&s(&out));
            assert_eq!(before.len(), after.len(), "{v} → {}", s(&out));
            for (a, b) in before.iter().zip(&after) {
                assert_ne!(a, b, "{v} → {}: a digit run kept", s(&out));
            }
            // What is left of the original besides digits is exactly its date syntax.
            let same: String = chars(v)
                .iter()
                .zip(&out)
                .filter(|(a, b)| a == b && digit_value(**a).is_none())
                .map(|(a, _)| *a)
                .collect();
            assert_eq!(same, kept, "{v} → {}", s(&out));
        }
    }
}

#[test]
fn date_syntax_is_only_dates() {
    let keep = |v: &str| -> String {
        let c = chars(v);
        date_syntax(&c)
            .iter()
            .zip(&c)
            .filter(|(k, _)| **k)
            .map(|(_, c)| *c)
            .collect()
    };
    assert_eq!(keep("平成25年1月1日生"), "平成年月日生");
    assert_eq!(keep("H25.1.1"), "H");
    assert_eq!(keep("ｈ２５.１.１"), "ｈ");
    assert_eq!(keep("昭21.8.27"), "昭");
    assert_eq!(keep("㍻25年1月1日"), "㍻年月日");
    // A name's 大 or 平, a letter not before digits, 生 not after 日: replaced.
    assert_eq!(keep("村上大翔"), "");
    assert_eq!(keep("平野 Sato"), "");
    assert_eq!(keep("生H25.1.1"), "H");
}

/// A My Number cell keeps only its digits' places (and the exponent's `E`): a name typed after
/// the number is replaced, every group of a grouped number changes.
#[test]
fn my_number_cells_lose_their_text() {
    let layout = Layout::full();
    let key = Key::new(7);
    let yes = |_: char| true;
    for repair in [false, true] {
        let c = ctx(&layout, "myNumber", repair);
        for v in [
            "123456789018 村上",
            "123456789018 ﾑﾗｶﾐ",
            "000000000000 村上",
            "1234 5678 9018",
            "村上 1234",
            "2.10988E+11",
        ] {
            let mut rng = Rng::new(3);
            let out = redact_my_number(&chars(v), &key, &c, &mut rng, &yes, 0);
            assert_eq!(
                number_sig(&c, &s(&out)),
                number_sig(&c, v),
                "{v} → {}",
                s(&out)
            );
            for (a, b) in chars(v).iter().zip(&out) {
                if digit_value(*a).is_none() && pool_for(*a, None).is_some() && *a != 'E' {
                    assert_ne!(a, b, "{v} → {}", s(&out));
                }
            }
            if !v.starts_with("000") {
                let (before, after) = (runs_of(v), runs_of(&s(&out)));
                for (a, b) in before.iter().zip(&after).filter(|(a, _)| a.1.len() > 2) {
                    assert_ne!(a, b, "{v} → {}", s(&out));
                }
            }
        }
        let out = redact_my_number(&chars("2.10988E+11"), &key, &c, &mut Rng::new(3), &yes, 0);
        assert_eq!(out[7], 'E');
    }
}

/// The kanji zero `〇` is replaced like every other kanji of a personal cell (a name, an
/// address, a My Number written in kanji numerals), never kept.
#[test]
fn the_kanji_zero_is_replaced() {
    let yes = |_: char| true;
    for mode in [
        TextMode::Name { kana_field: false },
        TextMode::Address,
        TextMode::All,
    ] {
        for seed in 0..20 {
            let v = chars("〇〇町二〇一三番地");
            let out = redact_text(&v, mode, &mut Rng::new(seed), &yes);
            assert!(!out.contains(&'〇'), "{} → {}", s(&v), s(&out));
            for (a, b) in v.iter().zip(&out) {
                assert_eq!(chars::classify(*a), chars::classify(*b), "{a} → {b}");
            }
        }
    }
    let layout = Layout::full();
    let c = ctx(&layout, "myNumber", false);
    let v = chars("一二三四五六七八九〇一八");
    let out = redact_my_number(&v, &Key::new(3), &c, &mut Rng::new(1), &yes, 0);
    assert_ne!(out[9], '〇', "{}", s(&out));
    assert_eq!(number_sig(&c, &s(&out)), number_sig(&c, &s(&v)));
}

/// [`renumber`]: every number of an address's tail or a date in part for another in the same
/// script and width (`〇` too), everything else kept.
#[test]
fn numbers_are_renumbered_in_their_script() {
    for seed in 0..50 {
        let mut rng = Rng::new(seed);
        for (v, kept) in [
            ("6丁目5番8号", "丁目番号"),
            ("６丁目５－８", "丁目－"),
            ("二〇一三年一月一日", "年月日"),
            ("十月十日", "月日"),
            ("二十三丁目", "丁目"),
            ("46/8/27", "//"),
        ] {
            let out = renumber(&chars(v), &mut rng);
            assert_eq!(out.len(), v.chars().count());
            let same: String = chars(v)
                .iter()
                .zip(&out)
                .filter(|(a, b)| a == b && scan::numeral(**a).is_none() && !"十百千".contains(**a))
                .map(|(a, _)| *a)
                .collect();
            assert_eq!(same, kept, "{v} → {}", s(&out));
            for (a, b) in chars(v).iter().zip(&out) {
                if digit_value(*a).is_some() {
                    assert!(digit_value(*b).is_some(), "{v} → {}", s(&out));
                    assert_eq!(a.is_ascii(), b.is_ascii(), "{v} → {}: width", s(&out));
                } else if scan::numeral(*a).is_some() {
                    assert!(scan::numeral(*b).is_some(), "{v} → {}", s(&out));
                }
            }
            // Every number changes.
            let runs = |x: &[char]| -> Vec<String> {
                x.split(|&c| scan::numeral(c).is_none() && !"十百千".contains(c))
                    .filter(|r| !r.is_empty())
                    .map(|r| r.iter().collect())
                    .collect()
            };
            for (a, b) in runs(&chars(v)).iter().zip(runs(&out).iter()) {
                assert_ne!(a, b, "{v} → {}", s(&out));
            }
        }
    }
    // `〇` only where the number is written digit by digit.
    for seed in 0..50 {
        let out = renumber(&chars("二十七"), &mut Rng::new(seed));
        assert!(!out.contains(&'〇'), "{}", s(&out));
    }
    assert_eq!(with_digit('〇', 7), '七');
    assert_eq!(scan::numeral('〇'), Some(0));
    assert_eq!(scan::numeral('九'), Some(9));
}

/// A romaji name with long vowels (`Ōno`) keeps its case and class.
#[test]
fn macron_letters_are_replaced_in_kind() {
    let yes = |_: char| true;
    let v = chars("Ōno Kyōko");
    let out = scramble(&v, &mut Rng::new(2), &yes);
    assert!(!out.contains(&'Ō') && !out.contains(&'ō'), "{}", s(&out));
    for (a, b) in v.iter().zip(&out) {
        assert_eq!(chars::classify(*a), chars::classify(*b), "{a} → {b}");
        assert_eq!(a.is_uppercase(), b.is_uppercase(), "{a} → {b}");
    }
}

/// A number found in free text never comes out as itself (a draw of every digit could: one in
/// ten for one digit).
#[test]
fn scrambled_digit_runs_always_change() {
    let yes = |_: char| true;
    for seed in 0..500 {
        for v in ["1", "40/2/28", "０３-1", "8 年"] {
            let v = chars(v);
            let out = scramble(&v, &mut Rng::new(seed), &yes);
            let before = runs_of(&s(&v));
            let after = runs_of(&s(&out));
            for (a, b) in before.iter().zip(&after) {
                assert_ne!(a, b, "{} → {}", s(&v), s(&out));
            }
        }
    }
}

/// A character reference (C006) is rewritten as a whole: another reference of the same form
/// and length that names a character (so the finding stays) other than the original one (so
/// the name's character does not), wherever it stands in a name or an address, for any seed.
#[test]
fn character_references_stay_references_to_another_character() {
    let yes = |_: char| true;
    let cases = [
        ("山&#30000;太郎", TextMode::Name { kana_field: false }),
        (
            "&#x30B5;トウ　イチロウ",
            TextMode::Name { kana_field: true },
        ),
        ("愛知県名古屋市中区&#134071;1-1-1", TextMode::Address),
        ("&#X20BB7;&#1114111;", TextMode::All),
    ];
    let mut rewritten = 0;
    for seed in 0..200 {
        for (v, mode) in cases {
            let out = s(&redact_text(&chars(v), mode, &mut Rng::new(seed), &yes));
            assert_eq!(out.chars().count(), v.chars().count(), "{v} → {out}");
            let refs = |t: &str| -> Vec<(usize, char, String)> {
                t.char_indices()
                    .filter_map(|(i, _)| {
                        let c = chars::numeric_reference(&t[i..])?;
                        let end = i + t[i..].find(';')?;
                        Some((t[..i].chars().count(), c, t[i..=end].to_owned()))
                    })
                    .collect()
            };
            let (before, after) = (refs(v), refs(&out));
            assert_eq!(before.len(), after.len(), "{v} → {out}");
            for ((pa, ca, ta), (pb, cb, tb)) in before.iter().zip(&after) {
                assert_eq!(pa, pb, "{v} → {out}");
                assert_eq!(ta.len(), tb.len(), "{v} → {out}");
                let form = |t: &str| t.chars().nth(2).filter(|c| matches!(c, 'x' | 'X'));
                assert_eq!(form(ta), form(tb), "the form: {v} → {out}");
                let lower = |t: &str| t.chars().any(|c| c.is_ascii_lowercase() && c != 'x');
                assert_eq!(lower(ta), lower(tb), "the letters' case: {v} → {out}");
                assert_ne!(ca, cb, "{v} → {out}");
                rewritten += 1;
            }
            assert_eq!(
                chars::first_lost_character(&out).map(|(p, _)| p),
                chars::first_lost_character(v).map(|(p, _)| p)
            );
        }
    }
    assert_eq!(rewritten, 200 * 5);
}
