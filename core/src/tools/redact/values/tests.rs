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
