//! Header matching against real-world spellings (issue 10, item 1).
//!
//! Each row is a header as staff or the public documents write it, with the field it names or
//! `None` when no field must be taken from it (another person's value, a 券面 item, an
//! ambiguous word). The test measures three shares and prints them:
//!
//! * **correct** — applied to the expected field, or (for `None`) left alone with no suggestion;
//! * **unmatched** — a field was expected, none applied (a correct suggestion counts here too:
//!   a suggestion is only offered, never applied);
//! * **mismatched** — a wrong field applied, or a wrong field *suggested*. Must be 0: a wrong
//!   suggestion is worse than none.
//!
//! `cargo test -p conformance --test headers -- --nocapture` prints the table's shares
//! (quoted in README.md, "Header matching").

use pmh_core::{Layout, Matcher};

/// (layout, header, expected field id, where the spelling comes from).
const TABLE: &[(&str, &str, Option<&str>, &str)] = &[
    // The documents' own labels.
    (
        "full",
        "医療費助成資格有効期間開始日",
        Some("validFrom"),
        "S2",
    ),
    (
        "full",
        "医療費助成資格有効期間終了日",
        Some("validTo"),
        "S2",
    ),
    (
        "full",
        "有効期間-始期",
        Some("validFrom"),
        "seed 000 line 131",
    ),
    (
        "full",
        "有効期間-終期",
        Some("validTo"),
        "seed 000 line 132",
    ),
    (
        "full",
        "有効期間－始期",
        Some("validFrom"),
        "seed 002 line 379, 全角 hyphen",
    ),
    (
        "full",
        "有効期間 終期",
        Some("validTo"),
        "seed 003 line 211, space",
    ),
    (
        "full",
        "公費受給者証番号",
        Some("medicalSubsidyRecipientNumber"),
        "seed 000 line 549",
    ),
    (
        "full",
        "非開示フラグ",
        Some("isNotDisclosed"),
        "seed 000 line 437",
    ),
    (
        "full",
        "不開示該当フラグ",
        Some("isNotDisclosed"),
        "オン資 concept",
    ),
    (
        "full",
        "不開示フラグ",
        Some("isNotDisclosed"),
        "seed 002 line 363",
    ),
    (
        "full",
        "マイナンバー",
        Some("myNumber"),
        "seed 002 line 357",
    ),
    (
        "full",
        "氏名カナ",
        Some("basicFiveInfo.nameKana"),
        "seed 000 line 144",
    ),
    (
        "full",
        "受給者番号",
        Some("medicalSubsidyRecipientNumber"),
        "seed 000 line 119",
    ),
    (
        "full",
        "公費負担者番号",
        Some("medicalSubsidyInsurerNumber"),
        "seed 000 line 118",
    ),
    (
        "full",
        "指定医療機関情報",
        Some("designatedMedicalInstitutions"),
        "seed 000 line 122",
    ),
    (
        "full",
        "受給者証名",
        Some("certificationName"),
        "seed 000 line 110",
    ),
    (
        "full",
        "受給者証サブキー",
        Some("certificationSubKey"),
        "seed 000 line 550",
    ),
    (
        "full",
        "機関別受給者証種別ID",
        Some("orgSpecificCertificateTypeId"),
        "S1",
    ),
    (
        "full",
        "有効期限(開始日)",
        Some("validFrom"),
        "seed 004 line 1154",
    ),
    (
        "full",
        "有効期限(終了日)",
        Some("validTo"),
        "seed 004 line 1154",
    ),
    (
        "full",
        "適用期間 (始期)",
        Some("validFrom"),
        "seed 002 line 332",
    ),
    (
        "full",
        "適用期間（終期）",
        Some("validTo"),
        "seed 002 line 333",
    ),
    (
        "full",
        "(フリガナ)",
        Some("basicFiveInfo.nameKana"),
        "seed 002 line 326",
    ),
    (
        "full",
        "(氏名)",
        Some("basicFiveInfo.name"),
        "seed 002 line 327",
    ),
    (
        "full",
        "支給決定者 (住所)",
        Some("basicFiveInfo.address"),
        "seed 002 line 325",
    ),
    (
        "full",
        "受給者氏名",
        Some("basicFiveInfo.name"),
        "seed 002 line 471",
    ),
    (
        "full",
        "受給者生年月日",
        Some("basicFiveInfo.dateOfBirth"),
        "seed 002 line 471",
    ),
    (
        "full",
        "受給者性別",
        Some("basicFiveInfo.sex"),
        "seed 002 line 471",
    ),
    (
        "full",
        "受給者住所",
        Some("basicFiveInfo.address"),
        "seed 002 line 471",
    ),
    // Bracketed qualifiers that only describe the value.
    (
        "full",
        "氏名（漢字）",
        Some("basicFiveInfo.name"),
        "issue 10",
    ),
    (
        "full",
        "氏名(漢字)",
        Some("basicFiveInfo.name"),
        "half-width brackets",
    ),
    ("full", "個人番号（12桁）", Some("myNumber"), "issue 10"),
    ("full", "個人番号(マイナンバー)", Some("myNumber"), "common"),
    (
        "full",
        "生年月日（和暦）",
        Some("basicFiveInfo.dateOfBirth"),
        "issue 10",
    ),
    (
        "full",
        "生年月日(西暦)",
        Some("basicFiveInfo.dateOfBirth"),
        "common",
    ),
    (
        "full",
        "生年月日（yyyy/mm/dd）",
        Some("basicFiveInfo.dateOfBirth"),
        "format note",
    ),
    (
        "full",
        "性別（男女）",
        Some("basicFiveInfo.sex"),
        "issue 10",
    ),
    (
        "full",
        "性別(1:男 2:女)",
        Some("basicFiveInfo.sex"),
        "code note",
    ),
    (
        "full",
        "不開示フラグ(0:無 1:有)",
        Some("isNotDisclosed"),
        "code note",
    ),
    (
        "full",
        "公費負担者番号（8桁）",
        Some("medicalSubsidyInsurerNumber"),
        "length note",
    ),
    (
        "full",
        "有効期間開始日（西暦）",
        Some("validFrom"),
        "format note",
    ),
    // Steering qualifiers.
    (
        "full",
        "氏名（カナ）",
        Some("basicFiveInfo.nameKana"),
        "common",
    ),
    (
        "full",
        "氏名（フリガナ）",
        Some("basicFiveInfo.nameKana"),
        "common",
    ),
    (
        "full",
        "氏名（ふりがな）",
        Some("basicFiveInfo.nameKana"),
        "hiragana",
    ),
    (
        "full",
        "氏名（カナ）（全角）",
        Some("basicFiveInfo.nameKana"),
        "two notes",
    ),
    ("full", "ﾌﾘｶﾞﾅ", Some("basicFiveInfo.nameKana"), "半角カナ"),
    (
        "full",
        "カナ",
        Some("basicFiveInfo.nameKana"),
        "issue 10: カナ alone",
    ),
    ("full", "カナ氏名", Some("basicFiveInfo.nameKana"), "common"),
    (
        "full",
        "受給者氏名カナ",
        Some("basicFiveInfo.nameKana"),
        "prefix",
    ),
    (
        "full",
        "氏名漢字",
        Some("basicFiveInfo.name"),
        "marker outside brackets",
    ),
    ("full", "漢字氏名", Some("basicFiveInfo.name"), "common"),
    ("full", "有効期間（至）", Some("validTo"), "issue 10"),
    (
        "full",
        "有効期間（自）",
        Some("validFrom"),
        "paper certificates",
    ),
    (
        "full",
        "有効期間（始）",
        Some("validFrom"),
        "paper certificates",
    ),
    (
        "full",
        "有効期間（終）",
        Some("validTo"),
        "paper certificates",
    ),
    ("full", "有効期間（開始）", Some("validFrom"), "common"),
    ("full", "有効期間（終了）", Some("validTo"), "common"),
    (
        "full",
        "認定有効期間（自）",
        Some("validFrom"),
        "難病 certificates",
    ),
    (
        "full",
        "有効期間開始年月日",
        Some("validFrom"),
        "issue 10: 開始年月日",
    ),
    (
        "full",
        "有効期間終了年月日",
        Some("validTo"),
        "issue 10: 終了年月日",
    ),
    ("full", "開始年月日", Some("validFrom"), "issue 10"),
    ("full", "終了年月日", Some("validTo"), "issue 10"),
    ("full", "適用開始日", Some("validFrom"), "common"),
    ("full", "対象者氏名", Some("basicFiveInfo.name"), "prefix"),
    // Width, case, spaces, ids.
    ("full", "ＭｙＮｕｍｂｅｒ", Some("myNumber"), "全角 id"),
    ("full", "my_number", Some("myNumber"), "snake case"),
    (
        "full",
        "Date of Birth",
        Some("basicFiveInfo.dateOfBirth"),
        "English label",
    ),
    ("full", "valid_to", Some("validTo"), "snake case"),
    ("full", "個 人 番 号", Some("myNumber"), "spaces"),
    ("full", "性別コード", Some("basicFiveInfo.sex"), "alias"),
    ("full", "受給者証名称", Some("certificationName"), "alias"),
    (
        "full",
        "DVフラグ",
        Some("isNotDisclosed"),
        "seed 000 line 166",
    ),
    ("full", "区分", Some("segment"), "label"),
    ("full", "所得区分", Some("incomeSegment"), "label"),
    (
        "full",
        "常に償還払い",
        Some("isAlwaysReimbursement"),
        "label",
    ),
    // Must name nothing: another person's or place's value, 券面 items, ambiguous words,
    // contradictory qualifiers.
    ("full", "種別", None, "issue 10: never 性別"),
    ("full", "住所（送付先）", None, "another address"),
    ("full", "氏名（保護者）", None, "another person"),
    ("full", "生年月日(保護者)", None, "another person"),
    ("full", "保護者氏名", None, "another person"),
    ("full", "保護者氏名カナ", None, "another person"),
    ("full", "世帯主氏名", None, "another person"),
    ("full", "母氏名カナ", None, "another person"),
    ("full", "父氏名", None, "another person"),
    ("full", "疾病名", None, "券面 item, seed 000 line 114"),
    (
        "full",
        "指定医療機関名",
        None,
        "券面 item, seed 000 line 116",
    ),
    ("full", "年齢", None, "券面 item, seed 000 line 146"),
    ("full", "交付年月日", None, "券面 item, seed 002 line 334"),
    (
        "full",
        "受給者証番号",
        None,
        "券面 item in the template, seed 002 line 471",
    ),
    ("full", "制度", None, "seed 002 line 323"),
    ("full", "自己負担 (種別)", None, "seed 002 line 330"),
    ("full", "(月額)", None, "seed 002 line 331"),
    ("full", "有効期間", None, "which end?"),
    ("full", "有効期限", None, "start or end?"),
    ("full", "終期", None, "of what?"),
    ("full", "住所(カナ)", None, "no such field"),
    ("full", "生年月日（至）", None, "contradictory"),
    ("full", "氏名（漢字）（カナ）", None, "contradictory"),
    ("full", "郵便番号", None, "not a field"),
    ("full", "電話番号", None, "not a field"),
    ("full", "備考", None, "not a field"),
    // Typos: not applied, only offered.
    (
        "full",
        "公費負担者番",
        Some("medicalSubsidyInsurerNumber"),
        "typo",
    ),
    (
        "full",
        "生年月目",
        Some("basicFiveInfo.dateOfBirth"),
        "typo",
    ),
    ("full", "個人番後", Some("myNumber"), "typo"),
    // 差分履歴.
    ("diff", "履歴キー", Some("historyKey"), "S2"),
    ("diff", "削除フラグ", Some("isDeleted"), "seed 000 line 576"),
    (
        "diff",
        "医療費助成資格有効期間終了日",
        Some("validTo"),
        "S2",
    ),
    ("diff", "有効期間（至）", Some("validTo"), "issue 10"),
];

#[derive(Debug, Default)]
struct Tally {
    correct: usize,
    unmatched: usize,
    suggested: usize,
    mismatched: Vec<String>,
}

fn measure() -> Tally {
    let (full, diff) = (Layout::full(), Layout::diff());
    let (mf, md) = (Matcher::new(&full), Matcher::new(&diff));
    let mut t = Tally::default();
    for &(lid, header, want, source) in TABLE {
        let (layout, m) = if lid == "diff" {
            (&diff, &md)
        } else {
            (&full, &mf)
        };
        let want_ix = want.map(|id| {
            layout
                .field_index(id)
                .unwrap_or_else(|| panic!("{id} is not in the {lid} layout"))
        });
        let id = |i: usize| layout.fields[i].id.clone();
        match (m.lookup(header), want_ix) {
            (Some(got), w) if Some(got) == w => t.correct += 1,
            (Some(got), _) => t.mismatched.push(format!(
                "{header} ({source}): applied {} ≠ {want:?}",
                id(got)
            )),
            (None, w) => match (m.suggest(header), w) {
                (None, None) => t.correct += 1,
                (None, Some(_)) => t.unmatched += 1,
                (Some(s), Some(w)) if s == w => {
                    t.unmatched += 1;
                    t.suggested += 1;
                }
                (Some(s), _) => t.mismatched.push(format!(
                    "{header} ({source}): suggested {} ≠ {want:?}",
                    id(s)
                )),
            },
        }
    }
    t
}

#[test]
fn header_table_has_no_mismatch() {
    assert!(TABLE.len() >= 60, "{} spellings", TABLE.len());
    let t = measure();
    let n = TABLE.len() as f64;
    let pct = |k: usize| 100.0 * k as f64 / n;
    println!(
        "header table: {} spellings — correct {} ({:.1} %), unmatched {} ({:.1} %, {} of them suggested correctly), mismatched {} ({:.1} %)",
        TABLE.len(),
        t.correct,
        pct(t.correct),
        t.unmatched,
        pct(t.unmatched),
        t.suggested,
        t.mismatched.len(),
        pct(t.mismatched.len()),
    );
    assert!(t.mismatched.is_empty(), "{:#?}", t.mismatched);
    // Every row of this table is one the matcher is meant to read (the three typos only as
    // suggestions): a regression shows here.
    assert_eq!(
        (t.unmatched, t.suggested),
        (3, 3),
        "unmatched: see the table"
    );
    assert_eq!(t.correct, TABLE.len() - 3);
}

/// The three answers the issue names, on their own.
#[test]
fn never_the_wrong_field() {
    let full = Layout::full();
    let m = Matcher::new(&full);
    let kana = full.field_index("basicFiveInfo.nameKana");
    let from = full.field_index("validFrom");
    let sex = full.field_index("basicFiveInfo.sex");
    for h in ["氏名（漢字）", "氏名漢字", "漢字氏名"] {
        assert_ne!(m.lookup(h), kana, "{h}");
        assert_ne!(m.suggest(h), kana, "{h}");
    }
    for h in ["有効期間（至）", "有効期間(終)", "有効期間終了"] {
        assert_ne!(m.lookup(h), from, "{h}");
        assert_ne!(m.suggest(h), from, "{h}");
    }
    for h in ["種別", "種　別", "性別区分"] {
        assert_ne!(m.lookup(h), sex, "{h}");
        assert_ne!(m.suggest(h), sex, "{h}");
    }
}
