use super::*;
use crate::domain::date::{Era, WarekiStyle, Ymd};
use crate::layout::{DateFormat, Layout};
use proptest::prelude::*;

fn full() -> Layout {
    Layout::full()
}

fn field(id: &str) -> Field {
    let layout = full();
    let i = layout.field_index(id).unwrap();
    layout.fields[i].clone()
}

// Cells as a spreadsheet number holds them: leading zeros provably lost (X008 applies).
const NATIONAL: RowContext = RowContext {
    national_programme: true,
    numeric_source: true,
    row_all_clear: false,
};
const LOCAL: RowContext = RowContext {
    national_programme: false,
    numeric_source: true,
    row_all_clear: false,
};
// Text from a CSV: padding is only proposed (X010).
const LOCAL_TEXT: RowContext = RowContext {
    national_programme: false,
    numeric_source: false,
    row_all_clear: false,
};

/// Issue 9 (2): an 11-digit My Number in text may be a dropped digit; padding it can give
/// another person's valid number, so it is proposed with the candidate, never applied.
#[test]
fn leading_zeros_in_text_are_only_proposed() {
    let f = field("myNumber");
    let r = repair_cell(&f, &full().dialect, "23456789013", LOCAL_TEXT);
    assert_eq!(r.value, None);
    assert_eq!(r.repairs.len(), 1);
    assert_eq!(r.repairs[0].kind, RepairKind::LeadingZeros);
    assert!(!r.repairs[0].applied);
    assert_eq!(r.repairs[0].after, "023456789013");
    let r = repair_cell(&f, &full().dialect, "23456789013", LOCAL);
    assert_eq!(r.value.as_deref(), Some("023456789013"));
    assert!(r.repairs[0].applied);
}

fn repair(id: &str, value: &str) -> CellRepair {
    repair_cell(&field(id), &full().dialect, value, LOCAL)
}

fn kinds(r: &CellRepair) -> Vec<(RepairKind, bool)> {
    r.repairs.iter().map(|x| (x.kind, x.applied)).collect()
}

/// The single applied repair of `kind` and the final value.
#[track_caller]
fn assert_applied(r: &CellRepair, kind: RepairKind, before: &str, after: &str, value: &str) {
    let step = r
        .repairs
        .iter()
        .find(|x| x.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} in {r:?}"));
    assert!(step.applied, "{r:?}");
    assert_eq!((step.before.as_str(), step.after.as_str()), (before, after));
    assert_eq!(r.value.as_deref(), Some(value), "{r:?}");
}

const MY_NUMBER: &str = "myNumber";
const NAME: &str = "basicFiveInfo.name";
const KANA: &str = "basicFiveInfo.nameKana";
const ADDRESS: &str = "basicFiveInfo.address";
const BIRTH: &str = "basicFiveInfo.dateOfBirth";
const VALID_FROM: &str = "validFrom";
const RECIPIENT: &str = "medicalSubsidyRecipientNumber";
const CERT_NAME: &str = "certificationName";
const AMOUNT: &str = "maxCopaymentAmount.amountMonth";

#[test]
fn clean_values_get_nothing() {
    for (id, v) in [
        (MY_NUMBER, "123456789018"),
        (NAME, "山田太郎"),
        (NAME, "山田　太郎"),
        (KANA, "ヤマダ　タロウ"),
        (KANA, "アイチハナコ"),
        (ADDRESS, "愛知県名古屋市中区三の丸３－１－２"),
        (BIRTH, "2013-01-01"),
        (VALID_FROM, "2025-04-01"),
        ("basicFiveInfo.sex", "2"),
        ("isNotDisclosed", "0"),
        ("medicalSubsidyInsurerNumber", "54016027"),
        (RECIPIENT, "1234566"),
        (RECIPIENT, "ABC-123"),
        (CERT_NAME, "子ども医療費受給者証"),
        (AMOUNT, "45748"),
        ("additionalConditions", "01-1;02-3"),
        (MY_NUMBER, ""),
        (BIRTH, ""),
        (MY_NUMBER, "12345"), // wrong length: the validator's finding, not a repair
    ] {
        let r = repair_cell(&field(id), &full().dialect, v, NATIONAL);
        assert!(r.is_clean(), "{id} {v:?}: {r:?}");
        assert_eq!(r.value_or(v), v);
    }
}

#[test]
fn trim_edges_in_every_field() {
    let r = repair(MY_NUMBER, " 123456789018\u{3000}");
    assert_eq!(kinds(&r), [(RepairKind::Trim, true)]);
    assert_applied(
        &r,
        RepairKind::Trim,
        " 123456789018\u{3000}",
        "123456789018",
        "123456789018",
    );
    let r = repair(NAME, "\u{A0}山田\u{3000}太郎\u{200B}");
    assert_eq!(kinds(&r), [(RepairKind::Trim, true)]);
    assert_eq!(r.value.as_deref(), Some("山田\u{3000}太郎"));
    let r = repair(KANA, "\u{FEFF}ヤマダ ");
    assert_eq!(r.value.as_deref(), Some("ヤマダ"));
    let r = repair(BIRTH, "\t2013-01-01\r\n");
    assert_eq!(kinds(&r), [(RepairKind::Trim, true)]);
    assert_eq!(r.value.as_deref(), Some("2013-01-01"));
    // Only spaces: trimmed to empty; no date problem (required-ness is checked elsewhere).
    let r = repair(BIRTH, " \u{3000} ");
    assert_eq!(r.value.as_deref(), Some(""));
    assert_eq!(r.problem, None);
}

/// X014: invisible formatting characters are deleted in every field, then the edges trimmed
/// again; control characters stay for the validator (V014), and an all-clear row is not
/// looked at (none is clear: `no_invisible_character_is_clear`).
#[test]
fn invisible_characters_are_deleted_in_every_field() {
    let r = repair(RECIPIENT, "0001234\u{200B}5");
    assert_eq!(kinds(&r), [(RepairKind::Invisible, true)]);
    assert_applied(
        &r,
        RepairKind::Invisible,
        "0001234\u{200B}5",
        "00012345",
        "00012345",
    );
    let r = repair(NAME, "愛知\u{00AD}花\u{202E}子");
    assert_applied(
        &r,
        RepairKind::Invisible,
        "愛知\u{00AD}花\u{202E}子",
        "愛知花子",
        "愛知花子",
    );
    // Deleting leaves a space at the edge: trimmed after.
    let r = repair(MY_NUMBER, "123456789018\u{3000}\u{2066}x\u{2069}");
    assert_eq!(r.value.as_deref(), Some("123456789018\u{3000}x"), "{r:?}");
    let r = repair(MY_NUMBER, "\u{3000}\u{200C}123456789018");
    assert_eq!(r.value.as_deref(), Some("123456789018"));
    let r = repair(BIRTH, "2013\u{2060}-01-01");
    assert_applied(
        &r,
        RepairKind::Invisible,
        "2013\u{2060}-01-01",
        "2013-01-01",
        "2013-01-01",
    );
    let r = repair(MY_NUMBER, "1234\u{200B} 56789018");
    assert_eq!(
        kinds(&r),
        [(RepairKind::Invisible, true)],
        "an inner space is not trimmed"
    );
    assert_eq!(r.value.as_deref(), Some("1234 56789018"));
    let r = repair(NAME, "愛知\t花子");
    assert!(r.is_clean(), "a tab is the user's to place: {r:?}");
    let clear = RowContext {
        row_all_clear: true,
        ..LOCAL
    };
    // The all-clear scan cannot pass such a row; if told so, the step is not looked for.
    let r = repair_cell(&field(NAME), &full().dialect, "愛知\u{200B}花子", clear);
    assert!(r.is_clean(), "{r:?}");
}

// Spec: issue 3 item 4, 全角 digits/letters → 半角 in code and number fields only.
#[test]
fn width() {
    let r = repair(MY_NUMBER, "１２３４５６７８９０１８");
    assert_eq!(kinds(&r), [(RepairKind::Width, true)]);
    assert_applied(
        &r,
        RepairKind::Width,
        "１２３４５６７８９０１８",
        "123456789018",
        "123456789018",
    );
    let r = repair("orgSpecificCertificateTypeId", "ＫＯＤＯＭＯ０１");
    assert_eq!(r.value.as_deref(), Some("KODOMO01"));
    let r = repair(RECIPIENT, "ａｂ１２");
    assert_eq!(r.value.as_deref(), Some("ab12"));
    assert_eq!(
        repair("basicFiveInfo.sex", "２").value.as_deref(),
        Some("2")
    );
    assert_eq!(repair("isNotDisclosed", "１").value.as_deref(), Some("1"));
    assert_eq!(
        repair("additionalConditions", "０１-１").value.as_deref(),
        Some("01-1")
    );
    assert_eq!(repair(AMOUNT, "１０００").value.as_deref(), Some("1000"));
    // Never in names, addresses, カナ or free text.
    for (id, v) in [
        (NAME, "山田１郎"),
        (ADDRESS, "中区三の丸３－１－２"),
        (KANA, "ヤマダ１"),
        (CERT_NAME, "第１種"),
    ] {
        let r = repair(id, v);
        assert!(
            r.repairs.iter().all(|x| x.kind != RepairKind::Width),
            "{r:?}"
        );
        assert_eq!(r.value, None, "{id} {v}");
    }
}

// Spec: issue 3 item 4 and domain-codes §8.2.
#[test]
fn halfwidth_kana_only_in_kana_fields() {
    let r = repair(KANA, "ｶﾞ");
    assert_applied(&r, RepairKind::HalfwidthKana, "ｶﾞ", "ガ", "ガ");
    let r = repair(KANA, "ﾔﾏﾀﾞ ﾀﾛｳ");
    assert_eq!(r.value.as_deref(), Some("ヤマダ タロウ"));
    assert_eq!(kinds(&r), [(RepairKind::HalfwidthKana, true)]);
    // ｰ becomes ー with the rest; ﾜﾞ stays inside CP932.
    assert_eq!(repair(KANA, "ｺｰﾋｰ").value.as_deref(), Some("コーヒー"));
    assert_eq!(repair(KANA, "ﾜﾞ").value.as_deref(), Some("ワ゛"));
    // A name field is never changed: only flagged.
    let r = repair(NAME, "ｶﾞ");
    assert!(r.is_clean(), "{r:?}");
    let found = char_findings(&field(NAME), "ｶﾞ");
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(|f| f.issue == CharIssue::HalfWidthKana));
    assert!(repair(ADDRESS, "ｱｲﾁｹﾝ").is_clean());
}

// Spec: domain-codes §8.3 policy: ー between katakana is proposed, never silent.
#[test]
fn long_vowel_is_a_proposal() {
    let r = repair(KANA, "アイチ−ハナコ");
    assert_eq!(kinds(&r), [(RepairKind::LongVowel, false)]);
    assert_eq!(r.repairs[0].before, "アイチ−ハナコ");
    assert_eq!(r.repairs[0].after, "アイチーハナコ");
    assert_eq!(r.value, None);
    assert_eq!(r.repairs.iter().filter(|x| !x.applied).count(), 1);
    assert_eq!(r.repairs.iter().filter(|x| x.applied).count(), 0);
    for dash in ['-', '－', '‐', '―', '—', '─'] {
        let v = format!("コ{dash}ヒ{dash}");
        let r = repair(KANA, &v);
        assert_eq!(kinds(&r), [(RepairKind::LongVowel, false)], "{v}");
        assert_eq!(r.repairs[0].after, "コーヒー");
    }
    // After widening: the proposal is made on the widened value.
    let r = repair(KANA, "ｺ-ﾋ-");
    assert_eq!(
        kinds(&r),
        [
            (RepairKind::HalfwidthKana, true),
            (RepairKind::LongVowel, false)
        ]
    );
    assert_eq!(r.value.as_deref(), Some("コ-ヒ-"));
    assert_eq!(r.repairs[1].before, "コ-ヒ-");
    assert_eq!(r.repairs[1].after, "コーヒー");
    // Not in names.
    assert!(repair(NAME, "アイチ-ハナコ").is_clean());
}

// Spec: domain-codes §8.3 (CP932 vs JIS pairs).
#[test]
fn mac_jis() {
    // Address (name class): a proposal only.
    let r = repair(ADDRESS, "東京都千代田区1〜3");
    assert_eq!(kinds(&r), [(RepairKind::MacJis, false)]);
    assert_eq!(r.repairs[0].after, "東京都千代田区1～3");
    assert_eq!(r.value, None);
    let r = repair(NAME, "山田—太郎");
    assert_eq!(kinds(&r), [(RepairKind::MacJis, false)]);
    assert_eq!(r.repairs[0].after, "山田―太郎");
    // Free text: applied, every pair.
    let r = repair(CERT_NAME, "〜−—‖¢£¬");
    assert_applied(
        &r,
        RepairKind::MacJis,
        "〜−—‖¢£¬",
        "～－―∥￠￡￢",
        "～－―∥￠￡￢",
    );
    // After trimming, on the trimmed value.
    let r = repair(CERT_NAME, " 医療費〜 ");
    assert_eq!(
        kinds(&r),
        [(RepairKind::Trim, true), (RepairKind::MacJis, true)]
    );
    assert_eq!(r.repairs[1].before, "医療費〜");
    assert_eq!(r.value.as_deref(), Some("医療費～"));
    // Not in カナ (the dash is a long-vowel proposal there) nor in number fields.
    let r = repair(KANA, "アイチ〜");
    assert!(
        r.repairs.iter().all(|x| x.kind != RepairKind::MacJis),
        "{r:?}"
    );
    assert!(repair(AMOUNT, "1〜3").is_clean());
}

// Spec: issue 3 item 4 and domain-codes §7.2: every form listed.
#[test]
fn dates_from_every_listed_form() {
    for (input, iso, form) in [
        (
            "平成25年1月1日",
            "2013-01-01",
            DateForm::Wareki { era: Era::Heisei },
        ),
        (
            "H25.1.1",
            "2013-01-01",
            DateForm::Wareki { era: Era::Heisei },
        ),
        (
            "h25/1/1",
            "2013-01-01",
            DateForm::Wareki { era: Era::Heisei },
        ),
        (
            "平25.1.1",
            "2013-01-01",
            DateForm::Wareki { era: Era::Heisei },
        ),
        (
            "㍻25.1.1",
            "2013-01-01",
            DateForm::Wareki { era: Era::Heisei },
        ),
        ("R7/4/1", "2025-04-01", DateForm::Wareki { era: Era::Reiwa }),
        (
            "令和7年4月1日",
            "2025-04-01",
            DateForm::Wareki { era: Era::Reiwa },
        ),
        (
            "令和元年5月1日",
            "2019-05-01",
            DateForm::Wareki { era: Era::Reiwa },
        ),
        (
            "昭和64年1月7日",
            "1989-01-07",
            DateForm::Wareki { era: Era::Showa },
        ),
        ("2013/1/1", "2013-01-01", DateForm::Slash),
        ("2013/1/1 0:00", "2013-01-01", DateForm::Slash),
        ("2013.1.1", "2013-01-01", DateForm::Slash),
        ("2013年1月1日", "2013-01-01", DateForm::Kanji),
        ("20130101", "2013-01-01", DateForm::Compact),
        ("4250101", "2013-01-01", DateForm::EraCode),
        ("45748", "2025-04-01", DateForm::ExcelSerial),
        ("41275", "2013-01-01", DateForm::ExcelSerial),
    ] {
        let r = repair(VALID_FROM, input);
        assert_eq!(kinds(&r), [(RepairKind::Date, true)], "{input}");
        assert_applied(&r, RepairKind::Date, input, iso, iso);
        assert_eq!(r.repairs[0].date_form, Some(form), "{input}");
        assert_eq!(r.repairs[0].date_note, None, "{input}");
        assert_eq!(r.problem, None);
    }
    // Full-width: widened first, then read.
    let r = repair(BIRTH, "平成２５年１月１日");
    assert_eq!(
        kinds(&r),
        [(RepairKind::Width, true), (RepairKind::Date, true)]
    );
    assert_eq!(r.repairs[0].after, "平成25年1月1日");
    assert_eq!(r.value.as_deref(), Some("2013-01-01"));
    let r = repair(BIRTH, "２０１３－０１－０１");
    assert_eq!(r.value.as_deref(), Some("2013-01-01"));
}

// Spec: domain-codes §7.1 (era overflow legal on pre-printed certificates).
#[test]
fn era_overflow_is_repaired_with_a_note() {
    let r = repair("validTo", "平成32年3月31日");
    assert_applied(
        &r,
        RepairKind::Date,
        "平成32年3月31日",
        "2020-03-31",
        "2020-03-31",
    );
    assert_eq!(
        r.repairs[0].date_note,
        Some(DateNote::EraOverflow {
            era: Era::Heisei,
            year: 32
        })
    );
    let r = repair(BIRTH, "明治45年7月30日");
    assert_eq!(r.value.as_deref(), Some("1912-07-30"));
    assert_eq!(r.repairs[0].date_note, Some(DateNote::BoundaryDay));
}

#[test]
fn unreadable_dates_are_problems() {
    for (input, err) in [
        (
            "平成元年1月7日",
            DateError::BeforeEraStart { era: Era::Heisei },
        ),
        ("25/1/1", DateError::AmbiguousTwoDigitYear),
        ("2013/2/30", DateError::InvalidCalendarDate),
        ("明治5年1月1日", DateError::UnsupportedMeiji),
        ("60", DateError::SerialOutOfRange),
        ("1", DateError::SerialOutOfRange),
        (
            "平成99年3月31日",
            DateError::EraYearTooLate { era: Era::Heisei },
        ),
        ("73416", DateError::SerialOutOfRange),
        ("いつか", DateError::Unrecognised),
    ] {
        let r = repair(VALID_FROM, input);
        assert_eq!(r.problem, Some(Unrepairable::Date(err)), "{input}");
        assert_eq!(r.value, None, "{input}");
        assert!(r.repairs.is_empty(), "{input}");
    }
}

// Spec: domain-codes §7.2 (serials only in date columns).
#[test]
fn serials_only_in_date_fields() {
    assert_eq!(
        repair(VALID_FROM, "45748").value.as_deref(),
        Some("2025-04-01")
    );
    for id in [AMOUNT, RECIPIENT, CERT_NAME, "certificationSubKey"] {
        assert!(repair(id, "45748").is_clean(), "{id}");
    }
}

#[test]
fn dates_follow_the_dialect_format() {
    let f = field(VALID_FROM);
    let mut dialect = full().dialect;
    dialect.date_format = DateFormat::Slash;
    let r = repair_cell(&f, &dialect, "2013-01-01", LOCAL);
    assert_eq!(r.value.as_deref(), Some("2013/01/01"));
    assert_eq!(r.repairs[0].date_form, Some(DateForm::Iso));
    assert!(repair_cell(&f, &dialect, "2013/01/01", LOCAL).is_clean());
    assert_eq!(
        repair_cell(&f, &dialect, "H25.1.1", LOCAL).value.as_deref(),
        Some("2013/01/01")
    );
    dialect.date_format = DateFormat::Compact;
    assert!(repair_cell(&f, &dialect, "20130101", LOCAL).is_clean());
    assert_eq!(
        repair_cell(&f, &dialect, "4250101", LOCAL).value.as_deref(),
        Some("20130101")
    );
    assert_eq!(
        repair_cell(&f, &dialect, "2013-01-01", LOCAL)
            .value
            .as_deref(),
        Some("20130101")
    );
}

// Spec: domain-codes §9.2 (a My Number starting with 0 loses it in Excel).
#[test]
fn my_number_leading_zero() {
    assert_eq!(
        checkdigit::my_number("023456789013"),
        checkdigit::CheckOutcome::Valid
    );
    let r = repair(MY_NUMBER, "23456789013");
    assert_eq!(kinds(&r), [(RepairKind::LeadingZeros, true)]);
    assert_applied(
        &r,
        RepairKind::LeadingZeros,
        "23456789013",
        "023456789013",
        "023456789013",
    );
    // Padded value fails the check digit: left alone (the validator reports the length).
    assert_ne!(
        checkdigit::my_number("012345678901"),
        checkdigit::CheckOutcome::Valid
    );
    assert!(repair(MY_NUMBER, "12345678901").is_clean());
    // Never to a placeholder, never for other lengths.
    assert_eq!(
        checkdigit::my_number("000000000000"),
        checkdigit::CheckOutcome::Valid
    );
    assert!(repair(MY_NUMBER, "00000000000").is_clean());
    assert!(repair(MY_NUMBER, "3456789013").is_clean());
    // Full width and trimmed first.
    let r = repair(MY_NUMBER, " ２３４５６７８９０１３");
    assert_eq!(
        kinds(&r),
        [
            (RepairKind::Trim, true),
            (RepairKind::Width, true),
            (RepairKind::LeadingZeros, true)
        ]
    );
    assert_eq!(r.value.as_deref(), Some("023456789013"));
    // Only in fields that carry the My Number check.
    assert!(repair(AMOUNT, "23456789013").is_clean());
}

// Spec: domain-codes §9.2: Excel's exponent form destroys the digits.
#[test]
fn my_number_exponent_form_is_unrepairable() {
    for v in ["2.10988E+11", "2.10988e+11", "1E+11", "2.1E11"] {
        let r = repair(MY_NUMBER, v);
        assert_eq!(r.problem, Some(Unrepairable::ExponentMyNumber), "{v}");
        assert_eq!(r.value, None);
        assert!(r.repairs.is_empty());
    }
    let r = repair(MY_NUMBER, " 2.10988E+11 ");
    assert_eq!(r.problem, Some(Unrepairable::ExponentMyNumber));
    assert_eq!(kinds(&r), [(RepairKind::Trim, true)]);
    for v in ["E+11", "2.1E", "2..1E+11", "2.1E+1a", "abc", "210987654320"] {
        assert!(!is_exponent_form(v), "{v}");
    }
    assert!(repair(AMOUNT, "2.10988E+11").is_clean());
}

// Spec: domain-codes §2.3–§2.4 (national 受給者番号: Luhn over 6 digits).
#[test]
fn recipient_leading_zero_only_for_national_programmes() {
    assert_eq!(
        checkdigit::recipient_number("0123455"),
        checkdigit::CheckOutcome::Valid
    );
    let f = field(RECIPIENT);
    let d = full().dialect;
    let r = repair_cell(&f, &d, "123455", NATIONAL);
    assert_applied(&r, RepairKind::LeadingZeros, "123455", "0123455", "0123455");
    assert!(repair_cell(&f, &d, "123455", LOCAL).is_clean());
    // Padded value does not validate.
    assert_ne!(
        checkdigit::recipient_number("0123456"),
        checkdigit::CheckOutcome::Valid
    );
    assert!(repair_cell(&f, &d, "123456", NATIONAL).is_clean());
    // Other lengths, other fields: never.
    assert!(repair_cell(&f, &d, "23455", NATIONAL).is_clean());
    assert!(repair_cell(&field("certificationSubKey"), &d, "123455", NATIONAL).is_clean());
}

#[test]
fn row_context_from_insurer_number() {
    // 54 難病 (national) / 88 地単 (§6).
    assert!(RowContext::from_insurer_number("54016027").national_programme);
    assert!(RowContext::from_insurer_number(" ５４０１６０２７　").national_programme);
    assert!(!RowContext::from_insurer_number("88134457").national_programme);
    assert!(!RowContext::from_insurer_number("").national_programme);
    assert!(!RowContext::from_insurer_number("5401602").national_programme);
}

#[test]
fn prefilters_agree_with_the_conversions() {
    for cp in 0..=0x3_FFFF {
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        let s = format!("漢{c}あ");
        assert_eq!(
            has_mac_jis(&s),
            chars::mac_jis_to_cp932(c).is_some(),
            "U+{cp:04X}"
        );
        assert_eq!(
            has_fullwidth_alnum(&s),
            chars::fullwidth_alnum_to_halfwidth(&s) != s,
            "U+{cp:04X}"
        );
    }
}

#[test]
fn character_findings() {
    let name = field(NAME);
    let found = char_findings(&name, "髙橋①\u{E000}𠮷髙");
    let summary: Vec<_> = found
        .iter()
        .map(|f| (f.issue, f.ch, f.pos, f.suggestion))
        .collect();
    assert_eq!(
        summary,
        [
            (CharIssue::VendorSpecific, '髙', 1, Some("高")),
            (CharIssue::VendorSpecific, '①', 3, Some("(1)")),
            (CharIssue::Gaiji, '\u{E000}', 4, None),
            (CharIssue::OutsideCp932, '\u{20BB7}', 5, Some("吉")),
        ]
    );
    let found = char_findings(&field(ADDRESS), "大阪府㈱\u{FA11}");
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].suggestion, Some("(株)"));
    assert_eq!(found[1].suggestion, Some("崎"));
    // カナ: outside CP932 with a suggestion; half-width kana are a repair there, not a finding.
    let kana = field(KANA);
    let found = char_findings(&kana, "ヷｶ");
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].issue, found[0].suggestion),
        (CharIssue::OutsideCp932, Some("ワ゛"))
    );
    // Free text is examined too; half-width kana only in names.
    assert_eq!(char_findings(&field(CERT_NAME), "①ｶ").len(), 1);
    // Mac/JIS forms and controls are someone else's finding.
    assert!(char_findings(&name, "山田〜太郎\u{85}").is_empty());
    // Clean, ASCII and non-text fields: nothing.
    assert!(char_findings(&name, "山田太郎").is_empty());
    assert!(char_findings(&name, "Smith John").is_empty());
    assert!(char_findings(&field(MY_NUMBER), "①").is_empty());
    assert!(char_findings(&field(RECIPIENT), "①").is_empty());
    assert!(char_findings(&field(BIRTH), "㍻25.1.1").is_empty());
    // Capped, one per distinct character.
    let many: String = ('\u{E000}'..='\u{E020}').chain(['\u{E000}'; 5]).collect();
    let found = char_findings(&name, &many);
    assert_eq!(found.len(), MAX_CHAR_FINDINGS);
    assert_eq!(found.last().map(|f| f.pos), Some(10));
    assert_eq!(char_findings(&name, "髙髙髙").len(), 1);
}

fn all_fields() -> Vec<(Field, Dialect)> {
    [Layout::full(), Layout::diff()]
        .into_iter()
        .flat_map(|l| {
            let d = l.dialect.clone();
            l.fields.into_iter().map(move |f| (f, d.clone()))
        })
        .collect()
}

/// Repairing the repaired value applies nothing more and reports the same problem.
fn assert_idempotent(
    f: &Field,
    d: &Dialect,
    s: &str,
    ctx: RowContext,
) -> Result<(), TestCaseError> {
    let first = repair_cell(f, d, s, ctx);
    for r in &first.repairs {
        prop_assert_ne!(&r.before, &r.after, "{} {:?}", f.id, r);
    }
    let once = first.value_or(s);
    let second = repair_cell(f, d, once, ctx);
    prop_assert_eq!(
        second.repairs.iter().filter(|x| x.applied).count(),
        0,
        "{} {:?} → {:?}: {:?}",
        f.id,
        s,
        once,
        second
    );
    prop_assert_eq!(second.value, None);
    prop_assert_eq!(&second.problem, &first.problem, "{} {:?}", f.id, s);
    let _ = char_findings(f, s);
    let _ = char_findings(f, once);
    Ok(())
}

proptest! {
    // Spec: issue 3 tests: era round trips.
    #[test]
    fn wareki_round_trip(days in Ymd::new(1912, 7, 30).unwrap().to_days()..=Ymd::new(2100, 12, 31).unwrap().to_days()) {
        let d = Ymd::from_days(days).unwrap();
        let f = field(VALID_FROM);
        let dialect = full().dialect;
        for style in [WarekiStyle::Kanji, WarekiStyle::Letter, WarekiStyle::EraCode] {
            let text = date::format_wareki(d, style).unwrap();
            let r = repair_cell(&f, &dialect, &text, LOCAL);
            prop_assert_eq!(r.value, Some(d.to_string()), "{}", text);
            prop_assert_eq!(r.repairs.len(), 1);
            prop_assert_eq!(r.repairs[0].kind, RepairKind::Date);
            prop_assert_eq!(&r.repairs[0].date_note, &None);
            prop_assert_eq!(r.problem, None);
        }
    }

    #[test]
    fn width_is_idempotent(s in "[０-９Ａ-Ｚａ-ｚ0-9A-Za-z －ー]{0,16}") {
        for id in [MY_NUMBER, RECIPIENT, "orgSpecificCertificateTypeId", "basicFiveInfo.sex", AMOUNT] {
            let f = field(id);
            let d = full().dialect;
            let once = repair_cell(&f, &d, &s, LOCAL);
            let v = once.value_or(&s);
            prop_assert!(!has_fullwidth_alnum(v), "{}", v);
            let twice = repair_cell(&f, &d, v, LOCAL);
            prop_assert!(twice.repairs.iter().all(|r| r.kind != RepairKind::Width));
            prop_assert_eq!(twice.value, None);
        }
    }

    #[test]
    fn never_panics_and_is_idempotent(s in any::<String>(), national in any::<bool>()) {
        let ctx = RowContext {
            national_programme: national,
            numeric_source: true,
            row_all_clear: false,
        };
        for (f, d) in all_fields() {
            assert_idempotent(&f, &d, &s, ctx)?;
        }
    }

    #[test]
    fn idempotent_on_damaged_looking_values(
        s in "[ 　\u{A0}\u{200B}0-9０-９.E+/年月日元平成令和㍻HRhr\u{FF61}-\u{FF9F}ア-ン〜−—ー\\-]{0,14}",
        national in any::<bool>(),
    ) {
        let ctx = RowContext {
            national_programme: national,
            numeric_source: true,
            row_all_clear: false,
        };
        for (f, d) in all_fields() {
            assert_idempotent(&f, &d, &s, ctx)?;
        }
    }
}

/// Issue 10 item 4: amounts as staff type them become whole yen; every other form is left to
/// the validator (V003), never guessed.
#[test]
fn amounts_as_typed_become_digits_and_ambiguous_ones_stay() {
    for (before, after) in [
        ("10,000円", "10000"),
        ("10000円", "10000"),
        ("￥10,000", "10000"),
        ("¥1,234,567", "1234567"),
        ("1万円", "10000"),
        ("1万", "10000"),
        ("1.5万円", "15000"),
        ("2万3000円", "23000"),
        ("10,000", "10000"),
    ] {
        let r = repair(AMOUNT, before);
        assert_applied(&r, RepairKind::Amount, before, after, after);
    }
    // Full-width digits are widened first, then the amount is read.
    let r = repair(AMOUNT, "１０，０００円");
    assert_eq!(r.value.as_deref(), Some("10000"), "{r:?}");
    assert!(kinds(&r).contains(&(RepairKind::Amount, true)));
    for ambiguous in [
        // Eleven digits or more: no amount, and hidden in reports but the last four digits
        // (dropping the leading zero would show what the hidden digits were).
        "016951697875",
        "01234567890円",
        "10.000",
        "1,00円",
        "約1万円",
        "1万5千円",
        "1.5円",
        "1万円〜2万円",
        "10,0000",
        "1.23456万",
        "1.5万2000",
        "万円",
        "円",
        "1万10000",
        "99999999999999999999円",
    ] {
        let r = repair(AMOUNT, ambiguous);
        assert!(
            !kinds(&r).iter().any(|k| k.0 == RepairKind::Amount),
            "{ambiguous}: {r:?}"
        );
    }
    // Only in amount fields: a 公費受給者番号 or a name keeps its 円.
    assert!(repair(RECIPIENT, "1万円").value.is_none());
    assert!(repair(CERT_NAME, "10,000円").value.is_none());
    // Every amount field of the layout has the check.
    for id in [
        "maxCopaymentAmount.amountDay",
        "maxCopaymentAmount.amountPerVisit",
    ] {
        assert_eq!(repair(id, "1万円").value.as_deref(), Some("10000"), "{id}");
    }
}

/// Issue 10 item 4: a code field takes its own labels and the aliases its code table lists; a
/// flag takes 有/無, あり/なし, はい/いいえ. Nothing else is guessed.
#[test]
fn code_labels_become_codes_only_where_the_table_says_so() {
    const SEX: &str = "basicFiveInfo.sex";
    for (id, before, after) in [
        (SEX, "女", "2"),
        (SEX, "女性", "2"),
        (SEX, "男", "1"),
        (SEX, "男性", "1"),
        ("isAlwaysReimbursement", "はい", "1"),
        ("isAlwaysReimbursement", "いいえ", "0"),
        ("isNotDisclosed", "有", "1"),
        ("isNotDisclosed", "無", "0"),
        ("isNotDisclosed", "あり", "1"),
        ("isNotDisclosed", "なし", "0"),
        ("isNotDisclosed", "はい", "1"),
        ("isNotDisclosed", "いいえ", "0"),
    ] {
        let r = repair(id, before);
        assert_applied(&r, RepairKind::CodeLabel, before, after, after);
    }
    // Trimmed and widened first (a 全角 space around the label).
    assert_eq!(repair(SEX, "　女　").value.as_deref(), Some("2"));
    for (id, v) in [
        (SEX, "F"),
        (SEX, "女子"),
        (SEX, "おんな"),
        (SEX, "不明"),
        ("isNotDisclosed", "true"),
        ("isNotDisclosed", "○"),
        ("isAlwaysReimbursement", "有"),
        (NAME, "女"),
    ] {
        let r = repair(id, v);
        assert!(
            !kinds(&r).iter().any(|k| k.0 == RepairKind::CodeLabel),
            "{id} {v}: {r:?}"
        );
    }
}

/// Thousands separators as Excel and staff write them.
fn with_commas(n: u64) -> String {
    let d = n.to_string();
    let mut out = String::new();
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

proptest! {
    // Issue 10 item 4: every unambiguous way of typing an amount gives that amount, and a
    // separator out of place (which could be a typo for another amount) is never repaired.
    #[test]
    fn typed_amounts_give_the_amount(yen in 0u64..=999_999_999, man in 1u64..=99_999, rest in 0u64..10_000, slip in 1usize..4) {
        let f = field(AMOUNT);
        let d = full().dialect;
        let forms = [
            format!("{}円", with_commas(yen)),
            format!("￥{}", with_commas(yen)),
            format!("{yen}円"),
            format!("{man}万円"),
            format!("{man}万{rest}円"),
        ];
        let want = [yen, yen, yen, man * 10_000, man * 10_000 + rest];
        for (text, want) in forms.iter().zip(want) {
            let r = repair_cell(&f, &d, text, LOCAL);
            prop_assert_eq!(r.value_or(text), want.to_string(), "{}", text);
        }
        // The comma moved `slip` places: a group of 1, 2 or 4+ digits is ambiguous.
        let plain = yen.to_string();
        if plain.len() > slip + 1 && slip != 3 {
            let bad = format!("{},{}円", &plain[..plain.len() - slip], &plain[plain.len() - slip..]);
            let r = repair_cell(&f, &d, &bad, LOCAL);
            prop_assert!(r.repairs.iter().all(|x| x.kind != RepairKind::Amount), "{} {:?}", bad, r);
        }
    }
}

/// `RowContext::row_all_clear` (the front end's all-clear scan passed the row) skips the
/// Mac/JIS step: it must never change what a cell gets. Every value of up to three characters
/// over an alphabet of the characters that matter (the seven Mac/JIS forms among them, and
/// what other steps repair), in every field of both layouts, national or not.
#[test]
fn the_all_clear_shortcut_changes_no_repair() {
    let alphabet = [
        "", " ", "　", "1", "１", "a", "山", "ヤ", "ｱ", "ー", "〜", "−", "—", "‖", "¢", "£", "¬",
    ];
    let fields = all_fields();
    let (mut compared, mut repaired, mut mac_jis_seen) = (0u32, 0u32, 0u32);
    for a in alphabet {
        for b in alphabet {
            for c in alphabet {
                let s = format!("{a}{b}{c}");
                let clear = chars::all_clear(&s);
                for national_programme in [false, true] {
                    let full = RowContext {
                        national_programme,
                        numeric_source: false,
                        row_all_clear: false,
                    };
                    let looked = fields.iter().map(|(f, d)| repair_cell(f, d, &s, full));
                    if !clear {
                        mac_jis_seen += u32::from(
                            looked
                                .clone()
                                .flat_map(|r| r.repairs)
                                .any(|r| r.kind == RepairKind::MacJis),
                        );
                        continue;
                    }
                    let shortcut = RowContext {
                        row_all_clear: true,
                        ..full
                    };
                    for ((f, d), want) in fields.iter().zip(looked) {
                        let got = repair_cell(f, d, &s, shortcut);
                        assert_eq!(got, want, "{s:?} in {}", f.id);
                        compared += 1;
                        repaired += u32::from(!got.is_clean());
                    }
                }
            }
        }
    }
    // The sweep reached both sides: clear values that other steps repair, and values the
    // scan stops at because of a Mac/JIS form (which the step then repairs).
    assert!(compared > 10_000, "{compared}");
    assert!(repaired > 1_000, "{repaired}");
    assert!(mac_jis_seen > 1_000, "{mac_jis_seen}");
}
