//! Conformance tests that cite their source (issue 10, item 8): every test names the seed file
//! and line (`/work/shared/seeds/`, or S1/S2: the public API pages, see
//! `shared/reference/pmh-layout.md` "Sources") whose statement it encodes, so a reviewer can
//! check each rule against its text. Seeds:
//! 000 = `000_5215241ca3f73f91.txt` (自治体ベンダ向け資料 FY2025), 002 = `002_85a596e65900550c.txt`
//! (MHLW briefing 2026-01), 003 = `003_4a8a48b5083ba301.txt` (vendor briefing FY2024),
//! 004 = `004_8331864771852513.txt` (Q&A 2024-04).

use std::collections::{BTreeMap, BTreeSet};

use pmh_core::{
    Code, ColumnMapping, InputKind, Layout, Matcher, Options, OutputFormat, Report, check_bytes,
};
use proptest::prelude::*;

/// A valid row (computed check digits), by field id; fields not named are empty.
fn base_row() -> BTreeMap<&'static str, String> {
    [
        ("orgSpecificCertificateTypeId", "KODOMO01"),
        ("myNumber", "123456789018"),
        ("basicFiveInfo.name", "愛知花子"),
        ("basicFiveInfo.nameKana", "アイチ　ハナコ"),
        ("basicFiveInfo.address", "愛知県名古屋市中区栄1-1-1"),
        ("basicFiveInfo.dateOfBirth", "2013-01-01"),
        ("basicFiveInfo.sex", "2"),
        ("isNotDisclosed", "0"),
        ("medicalSubsidyInsurerNumber", "88134457"),
        ("certificationName", "子ども医療費受給者証"),
        ("medicalSubsidyRecipientNumber", "00012345"),
        ("isAlwaysReimbursement", "0"),
        ("validFrom", "2025-04-01"),
        ("validTo", "2026-03-31"),
        ("historyKey", "H0001"),
        ("isDeleted", "0"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

fn quote(v: &str) -> String {
    if v.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_owned()
    }
}

/// An upload file (UTF-8 with BOM, CRLF): the layout's fields in order, each headed by its
/// label unless `labels` names another, then the 券面 columns `extra` (name, value).
fn file(
    layout: &Layout,
    labels: &[(&str, &str)],
    extra: &[(&str, &str)],
    rows: &[BTreeMap<&'static str, String>],
) -> Vec<u8> {
    let label = |id: &str, ja: &str| {
        labels
            .iter()
            .find(|(i, _)| *i == id)
            .map_or(ja.to_owned(), |(_, l)| (*l).to_owned())
    };
    let mut head: Vec<String> = layout
        .fields
        .iter()
        .map(|f| label(&f.id, &f.label_ja))
        .collect();
    head.extend(extra.iter().map(|(n, _)| (*n).to_owned()));
    let mut out = String::from("\u{FEFF}");
    out.push_str(&head.iter().map(|h| quote(h)).collect::<Vec<_>>().join(","));
    out.push_str("\r\n");
    for r in rows {
        let mut cells: Vec<String> = layout
            .fields
            .iter()
            .map(|f| quote(r.get(f.id.as_str()).map_or("", String::as_str)))
            .collect();
        cells.extend(extra.iter().map(|(_, v)| quote(v)));
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

fn codes(r: &Report) -> BTreeSet<&'static str> {
    r.codes_found().map(|(c, _)| c.as_str()).collect()
}

/// Without a master every file gets M007 (information) and nothing else when it is clean.
fn clean() -> BTreeSet<&'static str> {
    BTreeSet::from([Code::NoMaster.as_str()])
}

/// A clean file titled in the documents' own words: M007 and, as information only, S028 for
/// each such header (the built-in layout's labels are a reconstruction; nothing asks the clerk
/// to rename a documented label).
fn clean_with_labels_noted(r: &Report, labels: usize) -> bool {
    let noted: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::HeaderNotLabel)
        .collect();
    codes(r) == BTreeSet::from([Code::HeaderNotLabel.as_str(), Code::NoMaster.as_str()])
        && noted.len() == labels
        && noted.iter().all(|d| d.severity == pmh_core::Severity::Info)
        && r.errors == 0
        && r.warnings == 0
}

fn validate(layout: &Layout, bytes: &[u8]) -> Report {
    check_bytes(layout, Options::validate(), bytes)
}

/// `pmhcsv build`: the report and the written upload file.
fn build(layout: &Layout, mapping: Option<ColumnMapping>, bytes: &[u8]) -> (Report, Vec<u8>) {
    let opts = Options {
        mapping,
        kind: InputKind::Source,
        ..Options::build(OutputFormat::Csv)
    };
    conformance::build_in_chunks(layout, opts, bytes, 4096)
}

fn header_of(out: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(out);
    let first = text
        .trim_start_matches('\u{FEFF}')
        .lines()
        .next()
        .unwrap_or("");
    first.split(',').map(str::to_owned).collect()
}

// --- The documents' own labels (item 1) ------------------------------------------------------

/// S2 (医療費助成対象者差分履歴情報登録API) labels the dates 医療費助成資格有効期間開始日 /
/// 医療費助成資格有効期間終了日: a file using them is read, in both layouts, with no error or
/// warning (S028 notes each such header).
#[test]
fn s2_validity_date_labels() {
    for layout in [Layout::full(), Layout::diff()] {
        let labels = [
            ("validFrom", "医療費助成資格有効期間開始日"),
            ("validTo", "医療費助成資格有効期間終了日"),
        ];
        let r = validate(&layout, &file(&layout, &labels, &[], &[base_row()]));
        assert!(
            clean_with_labels_noted(&r, labels.len()),
            "{}: {r:?}",
            layout.id
        );
    }
}

/// Seed 000 lines 131–132 (and 002 lines 379–380, 003 lines 210–211): 有効期間-始期 /
/// 有効期間-終期.
#[test]
fn seed_000_lines_131_132_period_labels() {
    let layout = Layout::full();
    let labels = [("validFrom", "有効期間-始期"), ("validTo", "有効期間-終期")];
    let r = validate(&layout, &file(&layout, &labels, &[], &[base_row()]));
    assert!(clean_with_labels_noted(&r, labels.len()), "{r:?}");
}

/// Seed 000 line 549: 「公費受給者証番号」 names the 公費受給者番号.
#[test]
fn seed_000_line_549_recipient_certificate_number() {
    let layout = Layout::full();
    let labels = [("medicalSubsidyRecipientNumber", "公費受給者証番号")];
    let r = validate(&layout, &file(&layout, &labels, &[], &[base_row()]));
    assert!(clean_with_labels_noted(&r, labels.len()), "{r:?}");
    assert_eq!(
        Matcher::new(&layout).lookup("公費受給者証番号"),
        layout.field_index("medicalSubsidyRecipientNumber")
    );
}

/// Seed 000 line 437 writes 「非開示フラグ」 for the 不開示フラグ (lines 160–166).
#[test]
fn seed_000_line_437_non_disclosure_spelling() {
    let layout = Layout::full();
    let labels = [("isNotDisclosed", "非開示フラグ")];
    let r = validate(&layout, &file(&layout, &labels, &[], &[base_row()]));
    assert!(clean_with_labels_noted(&r, labels.len()), "{r:?}");
}

/// Seed 002 lines 355–363 (対象者個人に係る情報): マイナンバー, 氏名, 氏名カナ, 年齢, 生年月日,
/// 住所, 不開示フラグ. 年齢 is not a field (seed 000 line 146: printed on certificates, not one of
/// the 基本5情報): no match, so a 年齢 column is a 券面 item.
#[test]
fn seed_002_lines_355_363_personal_labels() {
    let layout = Layout::full();
    let m = Matcher::new(&layout);
    for (label, id) in [
        ("マイナンバー", Some("myNumber")),
        ("氏名", Some("basicFiveInfo.name")),
        ("氏名カナ", Some("basicFiveInfo.nameKana")),
        ("年齢", None),
        ("生年月日", Some("basicFiveInfo.dateOfBirth")),
        ("住所", Some("basicFiveInfo.address")),
        ("不開示フラグ", Some("isNotDisclosed")),
    ] {
        assert_eq!(
            m.lookup(label),
            id.and_then(|i| layout.field_index(i)),
            "{label}"
        );
    }
    assert_eq!(m.suggest("年齢"), None);
    let r = validate(
        &layout,
        &file(&layout, &[], &[("年齢", "12")], &[base_row()]),
    );
    assert_eq!(codes(&r), clean());
}

/// Seed 002 lines 322–333: how a municipality's own certificate layout titles its items —
/// 支給決定者 (住所), (フリガナ), (氏名), 適用期間 (始期) / (終期); 自己負担 (種別) and (月額) name
/// nothing we may guess.
#[test]
fn seed_002_lines_322_333_certificate_titles() {
    let layout = Layout::full();
    let m = Matcher::new(&layout);
    for (label, id) in [
        ("支給決定者 (住所)", Some("basicFiveInfo.address")),
        ("(フリガナ)", Some("basicFiveInfo.nameKana")),
        ("(氏名)", Some("basicFiveInfo.name")),
        ("適用期間 (始期)", Some("validFrom")),
        ("適用期間（終期）", Some("validTo")),
        ("自己負担 (種別)", None),
        ("(月額)", None),
        ("交付年月日", None),
    ] {
        let want = id.and_then(|i| layout.field_index(i));
        assert_eq!(m.lookup(label), want, "{label}");
        if want.is_none() {
            assert_eq!(m.suggest(label), None, "{label}");
        }
    }
}

/// Seed 004 line 1154: 「有効期限(開始日・終了日)」 — with one end named, each is read.
#[test]
fn seed_004_line_1154_expiry_labels() {
    let layout = Layout::full();
    let m = Matcher::new(&layout);
    assert_eq!(
        m.lookup("有効期限(開始日)"),
        layout.field_index("validFrom")
    );
    assert_eq!(m.lookup("有効期限(終了日)"), layout.field_index("validTo"));
    // Both ends in one header name neither.
    assert_eq!(m.lookup("有効期限(開始日・終了日)"), None);
    assert_eq!(m.suggest("有効期限(開始日・終了日)"), None);
}

// --- 券面 columns repeating fixed labels (item 2) ---------------------------------------------

/// Seed 000 lines 108–116 (also 002 lines 383–389, 003 lines 213–220): the 受給者証券面項目
/// include 受給者証名 and 公費負担者番号. Such columns after the fixed ones are 券面 items kept
/// in order, not S005 — said once per column (S020, information, naming the fixed column);
/// `build` writes them after the fixed header, in order.
#[test]
fn seed_000_lines_108_116_card_items_repeat_fixed_labels() {
    let layout = Layout::full();
    let extra = [
        ("受給者証名", "子ども医療費受給者証"),
        ("公費負担者番号", "88134457"),
        ("疾病名", "気管支喘息"),
        ("指定医療機関名", "市立総合病院"),
    ];
    let bytes = file(&layout, &[], &extra, &[base_row()]);
    let with_s020 = BTreeSet::from([Code::CardItemNamedLikeField.as_str(), "M007"]);
    let r = validate(&layout, &bytes);
    assert_eq!(codes(&r), with_s020);
    assert_eq!(
        r.count(Code::CardItemNamedLikeField),
        2,
        "受給者証名, 公費負担者番号"
    );
    let (report, out) = build(&layout, None, &bytes);
    assert_eq!(report.errors, 0);
    let head = header_of(&out);
    let n = layout.fields.len();
    assert_eq!(head[n..], extra.map(|(h, _)| h.to_owned()));
    assert_eq!(codes(&validate(&layout, &out)), with_s020);
}

/// Seed 002 line 471: the official template's green 券面 columns — 受給者証番号, 受給者氏名,
/// 受給者生年月日, 受給者性別, 受給者住所, 受給者住所 (twice) — after the fixed ones.
#[test]
fn seed_002_line_471_template_green_columns() {
    let layout = Layout::full();
    let extra = [
        ("受給者証番号", "0001234"),
        ("受給者氏名", "愛知花子"),
        ("受給者生年月日", "平成25年1月1日"),
        ("受給者性別", "女"),
        ("受給者住所", "愛知県名古屋市中区栄1-1-1"),
        ("受給者住所", "同上"),
    ];
    let bytes = file(&layout, &[], &extra, &[base_row()]);
    assert_eq!(codes(&validate(&layout, &bytes)), clean());
    let (_, out) = build(&layout, None, &bytes);
    assert_eq!(
        header_of(&out)[layout.fields.len()..],
        extra.map(|(h, _)| h.to_owned())
    );
}

/// Seed 000 lines 108–116 and issue 10 (2): a mapping that keeps columns named 氏名 and 個人番号
/// as 券面 items — the fixed fields coming from other columns — builds a file that then
/// validates without S005 (it did not).
#[test]
fn seed_000_lines_108_116_build_then_validate_has_no_s005() {
    let layout = Layout::full();
    let labels = [
        ("basicFiveInfo.name", "漢字氏名"),
        ("myNumber", "マイナンバー"),
    ];
    let extra = [("氏名", "愛知　花子"), ("個人番号", "123456789018")];
    let bytes = file(&layout, &labels, &extra, &[base_row()]);
    let mapping =
        ColumnMapping::from_json(r#"{"columns": {"氏名": "*", "個人番号": "*"}}"#, &layout)
            .unwrap();
    let (report, out) = build(&layout, Some(mapping), &bytes);
    // The one error: a My Number as a 券面 item would be shown at medical institutions (V013).
    assert_eq!(
        codes(&report),
        BTreeSet::from([Code::MyNumberElsewhere.as_str(), "M007"])
    );
    let head = header_of(&out);
    let n = layout.fields.len();
    assert_eq!(head[n..], ["氏名", "個人番号"]);
    assert_eq!(head[2], "氏名");
    let again = validate(&layout, &out);
    assert_eq!(again.count(Code::DuplicateColumn), 0);
    assert_eq!(again.count(Code::CardItemNamedLikeField), 2);
    assert_eq!(
        codes(&again),
        BTreeSet::from([
            Code::CardItemNamedLikeField.as_str(),
            Code::MyNumberElsewhere.as_str(),
            "M007"
        ])
    );
}

/// Seed 000 lines 108–116, generalised: any 券面 columns — named like fixed labels, aliases,
/// ids or anything — after the fixed ones, built and validated again, never give S005 or an
/// error. The generator provably reaches the branch (券面 names equal to fixed labels).
#[test]
fn card_items_named_like_anything_round_trip() {
    let layout = Layout::full();
    let mut pool: Vec<String> = layout
        .fields
        .iter()
        .flat_map(|f| {
            let mut v = vec![f.label_ja.clone(), f.id.clone()];
            v.extend(f.aliases.iter().cloned());
            v
        })
        .collect();
    pool.extend(
        [
            "疾病名",
            "受給者証番号",
            "受給者氏名",
            "年齢",
            "氏名（漢字）",
            "有効期間（至）",
        ]
        .map(str::to_owned),
    );
    let labels: BTreeSet<String> = layout.fields.iter().map(|f| f.label_ja.clone()).collect();
    let reached = std::cell::Cell::new(0);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(96));
    let names = proptest::collection::vec((0..pool.len(), "[a-z0-9 あ-ん]{0,6}"), 1..6);
    runner
        .run(&names, |cols| {
            let extra: Vec<(&str, &str)> = cols
                .iter()
                .map(|(i, v)| (pool[*i].as_str(), v.as_str()))
                .collect();
            if extra.iter().any(|(n, _)| labels.contains(*n)) {
                reached.set(reached.get() + 1);
            }
            let bytes = file(&layout, &[], &extra, &[base_row()]);
            let r = validate(&layout, &bytes);
            prop_assert_eq!(r.count(Code::DuplicateColumn), 0);
            prop_assert_eq!(r.errors, 0, "{:?}", codes(&r));
            let (b, out) = build(&layout, None, &bytes);
            prop_assert_eq!(b.errors, 0);
            let head = header_of(&out);
            let n = layout.fields.len();
            // Kept, in order (build trims the names).
            let want: Vec<String> = extra.iter().map(|(h, _)| h.trim().to_owned()).collect();
            prop_assert_eq!(&head[n..], &want[..]);
            let again = validate(&layout, &out);
            prop_assert_eq!(again.count(Code::DuplicateColumn), 0);
            prop_assert_eq!(again.errors, 0);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        reached.get() >= 30,
        "{} cases had a 券面 column named like a fixed field",
        reached.get()
    );
}

// --- The certificate key (item 3) ------------------------------------------------------------

/// Seed 000 lines 549–551: 「個人番号（マイナンバー）、公費受給者証番号、受給者証サブキー…を
/// 受給者証を一意に特定する」 — the default key of both layouts.
#[test]
fn seed_000_lines_549_551_certificate_key() {
    for layout in [Layout::full(), Layout::diff()] {
        assert_eq!(
            layout.keys.certificate,
            [
                "myNumber",
                "medicalSubsidyRecipientNumber",
                "certificationSubKey"
            ],
            "{}",
            layout.id
        );
    }
}

/// Seed 000 lines 579–582: when one 公費受給者証番号 covers several certificates, a 受給者証
/// サブキー tells them apart. Same person, number and period: different sub keys are two
/// certificates; the same sub key is the same certificate twice (K001).
#[test]
fn seed_000_lines_579_582_sub_key_tells_certificates_apart() {
    let layout = Layout::full();
    let mut a = base_row();
    a.insert("certificationSubKey", "1".to_owned());
    let mut b = base_row();
    b.insert("certificationSubKey", "2".to_owned());
    let r = validate(&layout, &file(&layout, &[], &[], &[a.clone(), b]));
    assert_eq!(codes(&r), clean());
    let r = validate(&layout, &file(&layout, &[], &[], &[a.clone(), a]));
    assert_eq!(
        codes(&r),
        BTreeSet::from([Code::DuplicateCertificate.as_str(), "M007"])
    );
}

/// Seed 000 lines 549–551 with 579–582: 機関別受給者証種別ID is not part of the key, so two rows
/// that differ only by it are one certificate at PMH: K004, a warning (the file can still be
/// uploaded; the finding says to assign a sub key).
#[test]
fn seed_000_lines_549_551_rows_differing_only_by_type_warn() {
    let layout = Layout::full();
    let mut other = base_row();
    other.insert("orgSpecificCertificateTypeId", "HITORI01".to_owned());
    let r = validate(&layout, &file(&layout, &[], &[], &[base_row(), other]));
    assert_eq!(
        codes(&r),
        BTreeSet::from([Code::CertificateTypeOnly.as_str(), "M007"])
    );
    assert_eq!(r.errors, 0);
    assert_eq!(r.warnings, 1);
}

// --- Existing rules tied to a source line -----------------------------------------------------

/// Seed 002 line 498: the file is saved as 「CSV UTF-8(コンマ区切り)」, i.e. UTF-8 with a BOM.
/// Without the BOM: S011 (a warning, the BOM itself is inferred); in CP932: S010 (an error).
#[test]
fn seed_002_line_498_csv_utf8_with_bom() {
    let layout = Layout::full();
    let bytes = file(&layout, &[], &[], &[base_row()]);
    let no_bom = &bytes[3..];
    let r = validate(&layout, no_bom);
    assert_eq!(
        codes(&r),
        BTreeSet::from([Code::BomMismatch.as_str(), "M007"])
    );
    assert_eq!(r.errors, 0);
    let text = String::from_utf8(no_bom.to_vec()).unwrap();
    let (cp932, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
    let r = validate(&layout, &cp932);
    assert!(
        r.count(Code::NotUtf8) == 1 && r.errors >= 1,
        "{:?}",
        codes(&r)
    );
}

/// S1 (医療費助成対象者情報登録API, certificationName): 最大100桁 — characters, not bytes.
#[test]
fn s1_certificate_name_at_most_100_characters() {
    let layout = Layout::full();
    let mut ok = base_row();
    ok.insert("certificationName", "医".repeat(100));
    assert_eq!(
        codes(&validate(&layout, &file(&layout, &[], &[], &[ok]))),
        clean()
    );
    let mut long = base_row();
    long.insert("certificationName", "医".repeat(101));
    assert_eq!(
        codes(&validate(&layout, &file(&layout, &[], &[], &[long]))),
        BTreeSet::from([Code::Length.as_str(), "M007"])
    );
}

/// S1 (medicalSubsidyInsurerNumber): 最小8桁 最大8桁, 半角数字.
#[test]
fn s1_insurer_number_exactly_8_digits() {
    let layout = Layout::full();
    let mut short = base_row();
    short.insert("medicalSubsidyInsurerNumber", "8813445".to_owned());
    let r = validate(&layout, &file(&layout, &[], &[], &[short]));
    assert_eq!(codes(&r), BTreeSet::from([Code::Length.as_str(), "M007"]));
}

/// S2 (isAlwaysReimbursement): enum "0" / "1".
#[test]
fn s2_always_reimbursement_is_0_or_1() {
    let layout = Layout::diff();
    let mut bad = base_row();
    bad.insert("isAlwaysReimbursement", "2".to_owned());
    let r = validate(&layout, &file(&layout, &[], &[], &[bad]));
    assert_eq!(
        codes(&r),
        BTreeSet::from([Code::NotInCodeList.as_str(), "M007"])
    );
}

/// S2 (historyKey): one history row of one certificate — a repeated 履歴キー within a
/// certificate is K003; another certificate may reuse it.
#[test]
fn s2_history_key_unique_per_certificate() {
    let layout = Layout::diff();
    let mut next = base_row();
    next.insert("validFrom", "2026-04-01".to_owned());
    next.insert("validTo", "2027-03-31".to_owned());
    let r = validate(
        &layout,
        &file(&layout, &[], &[], &[base_row(), next.clone()]),
    );
    assert_eq!(
        codes(&r),
        BTreeSet::from([Code::DuplicateHistoryKey.as_str(), "M007"])
    );
    let mut other = next;
    other.insert("myNumber", "023456789013".to_owned());
    let r = validate(&layout, &file(&layout, &[], &[], &[base_row(), other]));
    assert_eq!(codes(&r), clean());
}

/// Seed 000 lines 164–166: 不開示フラグ is a flag (対象者の情報を不開示にするか): a value that is
/// neither 0 nor 1 is V006; the column missing is S004 (S1: 必須).
#[test]
fn seed_000_lines_164_166_non_disclosure_is_a_flag() {
    let layout = Layout::full();
    let mut bad = base_row();
    bad.insert("isNotDisclosed", "2".to_owned());
    let r = validate(&layout, &file(&layout, &[], &[], &[bad]));
    assert_eq!(codes(&r), BTreeSet::from([Code::Boolean.as_str(), "M007"]));
    let labels = [("isNotDisclosed", "メモ")];
    let r = validate(&layout, &file(&layout, &labels, &[], &[base_row()]));
    assert!(r.count(Code::MissingColumn) == 1, "{:?}", codes(&r));
}

/// Seed 002 lines 429–498: staff fill in the official template's CSVサンプル sheet, whose header
/// row is then the upload file's. Against a layout derived from it (its exact labels and
/// order), an upload file titled otherwise is a warning per column (S028) and one out of order
/// a warning once (S029); the file `build` writes from either has neither. Against the
/// built-in layout the same differences are information only.
#[test]
fn seed_002_lines_429_498_upload_headers_against_the_official_template() {
    let base = Layout::full();
    // A template naming the dates as S2 does: its labels become the layout's.
    let official: Vec<String> = base
        .fields
        .iter()
        .map(|f| match f.id.as_str() {
            "validFrom" => "医療費助成資格有効期間開始日".to_owned(),
            "validTo" => "医療費助成資格有効期間終了日".to_owned(),
            _ => f.label_ja.clone(),
        })
        .collect();
    let (layout, _) = pmh_core::template::from_template(&base, &official);
    assert!(layout.dialect.official_header && !base.dialect.official_header);
    // Our labels, and フリガナ for the カナ: three headers that are not the template's.
    let ours = file(
        &base,
        &[("basicFiveInfo.nameKana", "フリガナ")],
        &[],
        &[base_row()],
    );
    let severities = |r: &Report, code: Code| -> Vec<(Option<u32>, pmh_core::Severity)> {
        r.diagnostics
            .iter()
            .filter(|d| d.code == code)
            .map(|d| (d.column, d.severity))
            .collect()
    };
    let r = validate(&layout, &ours);
    let n = base.fields.len() as u32;
    let warn = pmh_core::Severity::Warning;
    assert_eq!(
        severities(&r, Code::HeaderNotLabel),
        [(Some(4), warn), (Some(n - 1), warn), (Some(n), warn)]
    );
    assert_eq!(r.errors, 0);
    assert_eq!(
        severities(&validate(&base, &ours), Code::HeaderNotLabel).len(),
        1
    );
    // The template's own header with 氏名 and 氏名カナ swapped: S029 once, on 氏名カナ's column
    // (C), naming 氏名's (D).
    let mut swapped = String::from_utf8(file(&layout, &[], &[], &[base_row()])).unwrap();
    let rows: Vec<String> = swapped
        .trim_start_matches('\u{FEFF}')
        .lines()
        .map(|l| {
            let mut c: Vec<&str> = l.split(',').collect();
            c.swap(2, 3);
            c.join(",")
        })
        .collect();
    swapped = format!("\u{FEFF}{}\r\n", rows.join("\r\n"));
    let r = validate(&layout, swapped.as_bytes());
    assert_eq!(severities(&r, Code::ColumnOrder), [(Some(3), warn)]);
    assert!(r.diagnostics.iter().any(|d| d.code == Code::ColumnOrder
        && d.detail
            == pmh_core::Detail::Header {
                header: "氏名カナ".into(),
                suggestion: layout.field_index("basicFiveInfo.name"),
                other_column: Some(4),
            }));
    assert_eq!(r.count(Code::HeaderNotLabel), 0);
    assert_eq!(
        severities(&validate(&base, swapped.as_bytes()), Code::ColumnOrder),
        [(Some(3), pmh_core::Severity::Info)]
    );
    // Built from either: the template's header in its order, nothing to say.
    for source in [ours, swapped.into_bytes()] {
        let (report, out) = build(&layout, None, &source);
        assert_eq!(report.errors, 0);
        assert_eq!(header_of(&out), official);
        let again = validate(&layout, &out);
        assert_eq!(
            again.count(Code::HeaderNotLabel) + again.count(Code::ColumnOrder),
            0
        );
    }
}
