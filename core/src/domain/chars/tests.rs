use super::*;
use proptest::prelude::*;
use unicode_normalization::UnicodeNormalization;

// Spec: domain-codes §8.4 classification table.
#[test]
fn all_clear_agrees_with_is_clear() {
    for s in [
        "山田太郎",
        "ヤマダ　タロウ",
        "東京都八王子市元本郷町1-2-3 コーポ101号室",
        "髙橋",
        "ﾔﾏﾀﾞ",
        "𠮷田",
        "a\u{7}",
        "\u{E000}",
        "①",
        "〜",
        "ゔ",
        "",
        "ｶﾞ",
        "Ａ１",
    ] {
        assert_eq!(all_clear(s), s.chars().all(is_clear), "{s:?}");
    }
}

#[test]
fn section_8_4_examples() {
    for c in [
        '①', '㈱', 'Ⅰ', '№', '℡', '㍻', 'ⅰ', '￤', '髙', '\u{FA11}', '濵',
    ] {
        assert_eq!(classify(c), Some(CharIssue::VendorSpecific), "{c}");
    }
    for c in ['\u{20BB7}', 'ゔ', 'ヷ', 'é', '\u{3099}', '㋿', '\u{200B}'] {
        assert_eq!(classify(c), Some(CharIssue::OutsideCp932), "{c}");
    }
    for c in ['\u{E000}', '\u{F8FF}', '\u{F0000}', '\u{10FFFD}'] {
        assert_eq!(classify(c), Some(CharIssue::Gaiji), "U+{:X}", u32::from(c));
    }
    assert_eq!(classify('\u{E757}'), Some(CharIssue::Gaiji));
    assert_eq!(classify('ｶ'), Some(CharIssue::HalfWidthKana));
    assert_eq!(classify('\u{FF9F}'), Some(CharIssue::HalfWidthKana));
    for c in ['\0', '\t', '\n', '\r', '\u{7F}', '\u{80}', '\u{9F}'] {
        assert_eq!(
            classify(c),
            Some(CharIssue::Control),
            "U+{:X}",
            u32::from(c)
        );
    }
}

#[test]
fn ordinary_characters() {
    for c in "Aa0 ~あアー漢字高崎濱浜吉徳々〆〇・ヴヶ　！＃～－―∥￠￡￢、。「」ΣАα─≒∵¥".chars()
    {
        assert_eq!(classify(c), None, "{c} U+{:X}", u32::from(c));
    }
    // Mac/JIS forms are judged after mapping to CP932 (§8.3): not falsely 外字.
    for c in ['〜', '−', '—', '‖', '¢', '£', '¬'] {
        assert_eq!(classify(c), None, "{c}");
        let mapped = mac_jis_to_cp932(c).unwrap();
        assert_ne!(encode_sjis(mapped), Sjis::Unmappable, "{mapped}");
        assert_eq!(suggestion(c), Some(mapped.to_string().as_str()));
    }
    // Without the mapping these really are unmappable (except U+2212, which the WHATWG
    // encoder maps to 0x817C itself).
    for c in ['〜', '—', '‖', '¢', '£', '¬'] {
        assert_eq!(encode_sjis(c), Sjis::Unmappable, "{c}");
    }
}

#[test]
fn the_encoder_memo_answers_as_the_encoder() {
    // Every character of the BMP and a few beyond, forwards and backwards: the second pass
    // meets characters in their slots and characters whose slot another one has taken.
    let chars: Vec<char> = (0..0x1_0000u32)
        .chain(0x2_0000..0x2_0100)
        .filter_map(char::from_u32)
        .collect();
    for c in chars.iter().chain(chars.iter().rev()) {
        assert_eq!(encode_sjis(*c), encode_sjis_uncached(*c), "{c:?}");
    }
    // The same character twice in a row (a hit) and a colliding pair in turn (misses).
    for c in ['髙', '髙', '①', '\u{20BB7}', '①', '\u{20BB7}'] {
        assert_eq!(encode_sjis(c), encode_sjis_uncached(c), "{c:?}");
    }
}

#[test]
fn encoder_bytes_match_section_8_4() {
    assert_eq!(encode_sjis('①'), Sjis::Double(0x87, 0x40));
    assert_eq!(encode_sjis('㈱'), Sjis::Double(0x87, 0x8A));
    assert_eq!(encode_sjis('髙'), Sjis::Double(0xFB, 0xFC));
    assert_eq!(encode_sjis('\u{FA11}'), Sjis::Double(0xFA, 0xB1));
    assert_eq!(encode_sjis('濵'), Sjis::Double(0xFB, 0x4D));
    assert_eq!(encode_sjis('ｶ'), Sjis::Single(0xB6));
    assert_eq!(encode_sjis('\u{20BB7}'), Sjis::Unmappable);
    assert_eq!(encode_sjis('¥'), Sjis::Single(0x5C));
}

#[test]
fn kanji_bitmap_matches_encoding_rs() {
    let mut expected = [0u8; KANJI_BITMAP_LEN];
    for cp in KANJI_FIRST..=KANJI_LAST {
        let c = char::from_u32(cp).unwrap();
        if let Sjis::Double(0x88..=0x9F | 0xE0..=0xEA, _) = encode_sjis(c) {
            let i = (cp - KANJI_FIRST) as usize;
            expected[i >> 3] |= 1 << (i & 7);
        }
    }
    if expected != JIS0208_KANJI {
        let hex: String = expected
            .chunks(32)
            .map(|line| line.iter().map(|b| format!("{b:02x}")).collect::<String>() + "\n")
            .collect();
        panic!("core/data/jis0208_kanji.hex is stale; replace it with:\n{hex}");
    }
    let count: u32 = JIS0208_KANJI.iter().map(|b| b.count_ones()).sum();
    assert_eq!(count, 6355, "JIS X 0208 has 6,355 kanji");
}

#[test]
fn bmp_bitmap_matches_is_clear() {
    let mut expected = [0u8; BMP_BITMAP_LEN];
    for cp in 0..0x1_0000u32 {
        // From the encoder alone: `classify` itself answers from the map.
        let exact = |c: char| {
            classify_with(c, false).is_none() && mac_jis_to_cp932(c).is_none() && !is_lost_mark(c)
        };
        if char::from_u32(cp).is_some_and(exact) {
            expected[(cp >> 3) as usize] |= 1 << (cp & 7);
        }
    }
    if expected != BMP_CLEAR {
        let hex: String = expected
            .chunks(32)
            .map(|line| line.iter().map(|b| format!("{b:02x}")).collect::<String>() + "\n")
            .collect();
        panic!("core/data/bmp_clear.hex is stale; replace it with:\n{hex}");
    }
    // ASCII without controls, and every JIS X 0208 kanji, among others.
    let count: u32 = BMP_CLEAR.iter().map(|b| b.count_ones()).sum();
    assert!(count > 95 + 6355, "{count}");
    assert!(all_clear("\u{20}~") && !all_clear("\u{7F}"));
    // Every character, alone and after eight ASCII bytes (the SWAR path hands over).
    let mut flagged = 0;
    for c in (0..=0x10_FFFFu32).filter_map(char::from_u32) {
        assert_eq!(classify(c), classify_with(c, false), "{c:?}");
        let clear = is_clear(c);
        assert_eq!(all_clear(c.encode_utf8(&mut [0; 4])), clear, "{c:?}");
        assert_eq!(all_clear(&format!("abcdefgh{c}ij")), clear, "{c:?}");
        flagged += usize::from(!clear);
    }
    assert!(flagged > 1_000_000, "{flagged}");
}

#[test]
fn classify_agrees_with_the_encoder_everywhere() {
    // Fast paths must never disagree with the encoder-based definition.
    for cp in (0..=0x3_FFFF).chain(0xE_0000..=0x10_FFFF) {
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        let slow = match cp {
            0..=0x1F | 0x7F..=0x9F => Some(CharIssue::Control),
            0xE000..=0xF8FF | 0xF_0000..=0x10_FFFF => Some(CharIssue::Gaiji),
            0xFF61..=0xFF9F => Some(CharIssue::HalfWidthKana),
            _ => match encode_sjis(mac_jis_to_cp932(c).unwrap_or(c)) {
                Sjis::Unmappable => Some(CharIssue::OutsideCp932),
                Sjis::Double(0x87 | 0xED | 0xEE | 0xFA..=0xFC, _) => {
                    Some(CharIssue::VendorSpecific)
                }
                _ => None,
            },
        };
        assert_eq!(classify(c), slow, "U+{cp:04X}");
    }
}

#[test]
fn suggestions() {
    assert_eq!(suggestion('髙'), Some("高"));
    assert_eq!(suggestion('\u{FA11}'), Some("崎"));
    assert_eq!(suggestion('濵'), Some("濱"));
    assert_eq!(suggestion('\u{20BB7}'), Some("吉"));
    assert_eq!(suggestion('①'), Some("(1)"));
    assert_eq!(suggestion('⑳'), Some("(20)"));
    assert_eq!(suggestion('㈱'), Some("(株)"));
    assert_eq!(suggestion('㈲'), Some("(有)"));
    assert_eq!(suggestion('Ⅲ'), Some("III"));
    assert_eq!(suggestion('№'), Some("No."));
    assert_eq!(suggestion('℡'), Some("TEL"));
    assert_eq!(suggestion('㍻'), Some("平成"));
    assert_eq!(suggestion('〜'), Some("～"));
    assert_eq!(suggestion('−'), Some("－"));
    assert_eq!(suggestion('—'), Some("―"));
    assert_eq!(suggestion('‖'), Some("∥"));
    assert_eq!(suggestion('¢'), Some("￠"));
    assert_eq!(suggestion('£'), Some("￡"));
    assert_eq!(suggestion('¬'), Some("￢"));
    assert_eq!(suggestion('ヷ'), Some("ワ゛"));
    assert_eq!(suggestion('\u{FA10}'), Some("塚"));
    assert_eq!(suggestion('高'), None);
    assert_eq!(suggestion('a'), None);
    assert_eq!(suggestion('\u{5897}'), None);
}

#[test]
fn suggestion_tables_are_sorted_and_sound() {
    for table in [SUGGESTIONS, KANJI_SUGGESTIONS] {
        assert!(
            table.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted, no duplicates"
        );
    }
    for &(c, v) in SUGGESTIONS.iter().chain(KANJI_SUGGESTIONS) {
        assert_eq!(suggestion(c), Some(v));
        // The source is a problem character (or a Mac/JIS form) …
        assert!(
            classify(c).is_some() || mac_jis_to_cp932(c).is_some(),
            "{c}"
        );
        // … and the replacement is clean.
        for r in v.chars() {
            assert_eq!(classify(r), None, "{c} → {v}: {r}");
        }
    }
    // Where NFKC agrees with the chosen plain form, it must be equal (catches code point
    // typos in the unit squares, Roman numerals and era squares).
    for &(c, v) in SUGGESTIONS {
        let nfkc: String = c.to_string().nfkc().collect();
        let cp = u32::from(c);
        if (0x2160..=0x2179).contains(&cp)
            || (0x3300..=0x33FF).contains(&cp)
            || cp == 0x32FF
            || (0x3231..=0x3239).contains(&cp)
        {
            assert_eq!(nfkc, v, "{c}");
        }
    }
    // Compatibility ideographs map to their canonical equivalent.
    for &(c, v) in KANJI_SUGGESTIONS {
        if (0xF900..=0xFAFF).contains(&u32::from(c)) && c != '\u{FA11}' {
            let nfc: String = c.to_string().nfc().collect();
            assert_eq!(nfc, v, "{c}");
        }
    }
}

// Spec: domain-codes §8.2.
#[test]
fn halfwidth_kana() {
    assert_eq!(halfwidth_kana_to_fullwidth("ｶﾞｷﾞｸﾞ ﾊﾟ"), "ガギグ パ");
    assert_eq!(halfwidth_kana_to_fullwidth("ｳﾞ"), "ヴ");
    assert_eq!(halfwidth_kana_to_fullwidth("ｰ"), "ー");
    assert_eq!(halfwidth_kana_to_fullwidth("ｧｯ"), "ァッ");
    assert_eq!(halfwidth_kana_to_fullwidth("｡｢｣､･"), "。「」、・");
    assert_eq!(halfwidth_kana_to_fullwidth("ｱﾞ"), "ア゛");
    assert_eq!(halfwidth_kana_to_fullwidth("ｶﾟ"), "カ゜");
    assert_eq!(halfwidth_kana_to_fullwidth("ﾜﾞｦﾞ"), "ワ゛ヲ゛");
    assert_eq!(halfwidth_kana_to_fullwidth("ﾞﾟ"), "゛゜");
    assert_eq!(halfwidth_kana_to_fullwidth("ｶﾞﾞ"), "ガ゛");
    assert_eq!(halfwidth_kana_to_fullwidth("カﾞ"), "カ゛");
    assert_eq!(halfwidth_kana_to_fullwidth("ﾊﾞﾋﾟﾌﾞﾍﾟﾎﾞ"), "バピブペボ");
    assert_eq!(
        halfwidth_kana_to_fullwidth("ﾔﾏﾀﾞ ﾀﾛｳ abc 123"),
        "ヤマダ タロウ abc 123"
    );
    assert_eq!(halfwidth_kana_to_fullwidth(""), "");
}

#[test]
fn halfwidth_table_agrees_with_nfkc() {
    for (i, &full) in HALF_TO_FULL.iter().enumerate() {
        let half = char::from_u32(0xFF61 + i as u32).unwrap();
        if half == HALF_VOICED_MARK || half == HALF_SEMI_VOICED_MARK {
            continue; // NFKC gives the combining marks; we want the spacing ones.
        }
        let nfkc: String = half.to_string().nfkc().collect();
        assert_eq!(nfkc, full.to_string(), "{half}");
    }
    // Every combined result agrees with NFKC of the pair (the pairs CP932 can hold).
    for base in 0xFF66..=0xFF9D_u32 {
        let base = char::from_u32(base).unwrap();
        for mark in [HALF_VOICED_MARK, HALF_SEMI_VOICED_MARK] {
            let pair: String = [base, mark].iter().collect();
            let ours = halfwidth_kana_to_fullwidth(&pair);
            if ours.chars().count() == 1 {
                assert_eq!(ours, pair.nfkc().collect::<String>(), "{pair}");
            }
        }
    }
}

#[test]
fn fullwidth_alnum() {
    assert_eq!(fullwidth_alnum_to_halfwidth("ＡＢＣ１２３ａｚ"), "ABC123az");
    assert_eq!(fullwidth_alnum_to_halfwidth("ＡＢＣ－１２３"), "ABC－123");
    assert_eq!(fullwidth_alnum_to_halfwidth("（株）　Ｚ９"), "（株）　Z9");
    assert_eq!(fullwidth_alnum_to_halfwidth("abc"), "abc");
}

#[test]
fn katakana_names() {
    assert!(is_fullwidth_katakana_name("アイチハナコ"));
    assert!(is_fullwidth_katakana_name("アイチ　ハナコ"));
    assert!(is_fullwidth_katakana_name("アイチ ハナコ"));
    assert!(is_fullwidth_katakana_name("スミス・ジョン"));
    assert!(is_fullwidth_katakana_name("ヴァーヶ"));
    assert!(is_fullwidth_katakana_name("ジョン ポール ジョーンズ"));
    for bad in [
        "",
        " アイチ",
        "アイチ ",
        "アイチ  ハナコ",
        "アイチ　 ハナコ",
        "あいち",
        "ｱｲﾁ",
        "アイチ花子",
        "ヷ",
        "アイチ-ハナコ",
        "　",
    ] {
        assert!(!is_fullwidth_katakana_name(bad), "{bad:?}");
    }
}

// Spec: domain-codes §8.3 policy.
#[test]
fn long_vowel_lookalikes() {
    assert_eq!(
        lookalike_long_vowel_fix("コーヒ－").as_deref(),
        Some("コーヒー")
    );
    for dash in ['-', '－', '−', '‐', '―', '—', '─', 'ｰ'] {
        let s = format!("ラ{dash}メン");
        assert_eq!(
            lookalike_long_vowel_fix(&s).as_deref(),
            Some("ラーメン"),
            "{s}"
        );
    }
    assert_eq!(
        lookalike_long_vowel_fix("カ一ド").as_deref(),
        Some("カード")
    );
    assert_eq!(lookalike_long_vowel_fix("カ一").as_deref(), None); // 一 not between katakana
    assert_eq!(lookalike_long_vowel_fix("一カ"), None);
    assert_eq!(lookalike_long_vowel_fix("カ--").as_deref(), Some("カーー"));
    assert_eq!(lookalike_long_vowel_fix("-カ"), None);
    assert_eq!(lookalike_long_vowel_fix("ラーメン"), None);
    assert_eq!(lookalike_long_vowel_fix("12-34"), None);
    assert_eq!(lookalike_long_vowel_fix("あ-"), None);
    assert_eq!(lookalike_long_vowel_fix(""), None);
}

#[test]
fn trimming() {
    assert_eq!(trim_edges("abc"), "abc");
    assert_eq!(trim_edges(""), "");
    assert_eq!(trim_edges(" abc "), "abc");
    assert_eq!(
        trim_edges("\u{3000}山田\u{3000}太郎\u{3000}"),
        "山田\u{3000}太郎"
    );
    assert_eq!(trim_edges("\u{FEFF}abc"), "abc");
    assert_eq!(
        trim_edges("\u{200B}\u{200C}\u{200D}\u{2060}\u{A0}x\t\r\n"),
        "x"
    );
    assert_eq!(trim_edges("   "), "");
}

#[test]
fn issues_iterator() {
    let found: Vec<_> = "山田髙子①ｶ"
        .char_indices()
        .filter_map(|(i, c)| classify(c).map(|issue| (i, c, issue)))
        .collect();
    assert_eq!(
        found,
        [
            (6, '髙', CharIssue::VendorSpecific),
            (12, '①', CharIssue::VendorSpecific),
            (15, 'ｶ', CharIssue::HalfWidthKana),
        ]
    );
}

fn is_halfwidth_kana(c: char) -> bool {
    ('\u{FF61}'..='\u{FF9F}').contains(&c)
}

/// The checker looks for invisible characters (V014) only in records the all-clear scan did
/// not pass, and build's X014 step only there: that is sound only if no invisible character is
/// clear. Every code point is tried.
#[test]
fn no_invisible_character_is_clear() {
    let mut invisible = 0;
    for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
        // The fast path decides as the three definitions do.
        let by_definition = c.is_control() || is_invisible_format(c) || is_noncharacter(c);
        assert_eq!(is_invisible(c), by_definition, "U+{:04X}", u32::from(c));
        if is_invisible(c) {
            invisible += 1;
            assert!(
                !is_clear(c),
                "U+{:04X} is invisible yet clear",
                u32::from(c)
            );
            assert!(!all_clear(&format!("12{c}34")), "U+{:04X}", u32::from(c));
        }
        if is_invisible_format(c) {
            assert!(!c.is_ascii(), "has_invisible_format skips ASCII");
            assert!(!is_edge_space(c) || trim_edges(&format!("{c}1{c}")) == "1");
        }
    }
    // C0, DEL and C1 (65) and the format characters listed.
    assert!(invisible > 65 + 100, "{invisible}");
}

#[test]
fn invisible_characters_are_found_and_deleted() {
    assert_eq!(
        first_invisible("0001234\u{200B}5", |_| false),
        Some((8, '\u{200B}'))
    );
    assert_eq!(
        first_invisible("愛知\u{202E}花子", |_| false),
        Some((3, '\u{202E}'))
    );
    assert_eq!(first_invisible("a\tb", |_| false), Some((2, '\t')));
    assert_eq!(first_invisible("a\tb", |c| c == '\t'), None);
    // An 異体字 selector chooses a glyph: not invisible.
    assert_eq!(first_invisible("葛\u{E0100}飾", |_| false), None);
    assert_eq!(first_invisible("愛知花子", |_| false), None);
    assert_eq!(
        without_invisible_format("愛\u{00AD}知\u{200D}花\u{2066}子"),
        "愛知花子"
    );
    // Control characters are the user's to place: not deleted.
    assert_eq!(without_invisible_format("a\tb"), "a\tb");
    assert!(has_invisible_format("1\u{2060}2"));
    assert!(!has_invisible_format("1\t2"));
}

proptest! {
    #[test]
    fn all_clear_is_exactly_every_char_clear(s in "\\PC{0,12}|[ -~ぁ-んァ-ヶ亜-熙ｱ-ﾝ髙﨑①〜−—‖¢£¬\u{E000}\u{0}-\u{1F}\u{7F}]{0,24}") {
        prop_assert_eq!(all_clear(&s), s.chars().all(is_clear));
    }

    /// Runs of ASCII long and short around kana, kanji and the characters that fail, so that
    /// a control character falls in every position of an eight-byte word before, at and after
    /// a multi-byte character (the branch the commas between kanji cells take).
    #[test]
    fn all_clear_is_exactly_every_char_clear_in_long_mixed_text(
        parts in prop::collection::vec("[ -~]{0,19}[\u{0}-\u{1F}\u{7F}]?[ -~]{0,3}|[村上大翔ムラカミ　ｺ①髙〜é𠮷\u{E000}]{1,3}", 0..12)
    ) {
        let s: String = parts.concat();
        prop_assert_eq!(all_clear(&s), s.chars().all(is_clear), "{:?}", s);
    }

    #[test]
    fn widened_kana_leaves_no_halfwidth_and_adds_nothing_outside_cp932(s in "[\u{FF61}-\u{FF9F}ｱ-ﾝ ア-ンa-z0-9〜—あ-ん]{0,24}") {
        let out = halfwidth_kana_to_fullwidth(&s);
        prop_assert!(!out.chars().any(is_halfwidth_kana), "{}", out);
        let input_had_outside = s.chars().any(|c| classify(c) == Some(CharIssue::OutsideCp932));
        if !input_had_outside {
            prop_assert!(!out.chars().any(|c| classify(c) == Some(CharIssue::OutsideCp932)), "{}", out);
        }
    }

    #[test]
    fn no_panics_on_arbitrary_strings(s in any::<String>()) {
        for c in s.chars() {
            let _ = classify(c);
            let _ = suggestion(c);
            let _ = mac_jis_to_cp932(c);
        }
        let out = halfwidth_kana_to_fullwidth(&s);
        prop_assert!(!out.chars().any(is_halfwidth_kana), "{}", out);
        let _ = fullwidth_alnum_to_halfwidth(&s);
        let _ = is_fullwidth_katakana_name(&s);
        let _ = lookalike_long_vowel_fix(&s);
        let _ = trim_edges(&s);
        let _ = s.chars().filter_map(classify).count();
    }
}

/// C006's traces, first one wins, positions in characters: the ASCII `?`, the marks other
/// conversions write (`？ 〓 ●`), and references (as the character they stand for).
#[test]
fn lost_traces_are_found_where_they_stand() {
    let cases: [(&str, Option<(u32, char)>); 12] = [
        ("?田花子", Some((1, '?'))),
        ("山田●子", Some((3, '●'))),
        ("愛知県名古屋市中区〓1-1-1", Some((10, '〓'))),
        ("佐藤？郎", Some((3, '？'))),
        ("●&#30000;", Some((1, '●'))),
        ("&#30000;●", Some((1, '田'))),
        ("田中&#x20BB7;?", Some((3, '𠮷'))),
        ("田中&amp;●", Some((8, '●'))),
        ("a?b", Some((2, '?'))),
        ("愛知花子", None),
        ("ＡＢＣ　○◎・ー", None),
        ("Tom & Jerry", None),
    ];
    for (value, want) in cases {
        assert_eq!(first_lost_character(value), want, "{value}");
    }
    for mark in ['？', '〓', '●'] {
        assert!(is_lost_mark(mark) && !is_clear(mark) && classify(mark).is_none());
        assert!(!all_clear(&format!("愛知{mark}子")));
    }
    assert!(!is_lost_mark('?') && !is_lost_mark('○') && is_clear('○'));
}
