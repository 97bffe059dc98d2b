//! End-to-end: `pmhcsv layout --from-template` (issue 10 item 6) on a workbook in the shape of
//! the official ファイル設計書 (seed 002 lines 429–498; fixtures/xlsx/make_template.py) and on a
//! CSV whose first row is the header; then `build --layout` writes exactly the template's
//! header row and the result validates with the derived layout.

mod common;

use common::{fixture_path, run, stderr, stdout, tmp};

/// The header row of fixtures/xlsx/template_official.xlsx (sheet 【3】CSVサンプル).
const TEMPLATE_HEADER: &str = "機関別受給者証種別ID,個人番号(マイナンバー),氏名,氏名(カナ),住所,生年月日,性別,不開示フラグ,公費負担者番号,受給者証名,公費受給者番号,受給者証サブキー,区分,所得区分,追加条件,指定医療機関情報,常に償還払い,有効期間(開始),有効期間(終了),受給者証番号,受給者氏名,受給者生年月日,受給者性別,受給者住所";

#[test]
fn xlsx_template_gives_a_layout_whose_build_writes_the_template_header() {
    let template = fixture_path("xlsx/template_official.xlsx");
    let layout = tmp("template-layout.toml");
    let o = run(&[
        "layout",
        "--from-template",
        template.to_str().unwrap(),
        "-o",
        layout.to_str().unwrap(),
    ]);
    let s = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{s}{}", stderr(&o));
    for needle in [
        "シート「【3】CSVサンプル」、見出し 1 行目、24 列",
        "対応づけた列（19列）",
        "B「個人番号(マイナンバー)」→ 個人番号（myNumber）",
        "R「有効期間(開始)」→ 有効期間開始日（validFrom）",
        "受給者証券面項目として出力する列（5列、この順）: T「受給者証番号」、U「受給者氏名」",
        "見本のデータ行（3 行）は読み込んでいません",
    ] {
        assert!(s.contains(needle), "{needle}:\n{s}");
    }
    assert!(!s.contains("対応づけられなかった列"), "{s}");
    let toml = std::fs::read_to_string(&layout).unwrap();
    assert!(
        toml.contains("label_ja = \"個人番号(マイナンバー)\""),
        "{toml}"
    );

    // Source data in the template's own columns (values of fixtures/valid/full_minimal.csv).
    let src = tmp("template-src.csv");
    let row = "KODOMO01,123456789018,愛知花子,アイチ　ハナコ,愛知県名古屋市中区栄1-1-1,2013-01-01,2,0,88134457,子ども医療費受給者証,00012345,,,,,,0,2025-04-01,2026-03-31,00012345,愛知花子,平成25年1月1日,女,愛知県名古屋市中区栄1-1-1";
    std::fs::write(&src, format!("{TEMPLATE_HEADER}\r\n{row}\r\n")).unwrap();
    let out = tmp("template-out.csv");
    let l = layout.to_str().unwrap();
    let o = run(&[
        "build",
        src.to_str().unwrap(),
        "--layout",
        l,
        "--as-of",
        "2025-06-01",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let written = std::fs::read_to_string(&out).unwrap();
    let first = written.split("\r\n").next().unwrap();
    assert_eq!(
        first,
        format!("\u{FEFF}{TEMPLATE_HEADER}"),
        "exactly the template's header"
    );
    assert_eq!(written, format!("\u{FEFF}{TEMPLATE_HEADER}\r\n{row}\r\n"));

    // The written file validates with the derived layout: no error, no S005 for the 券面
    // columns named like fixed fields (受給者氏名, 受給者生年月日 …).
    let o = run(&[
        "validate",
        "--format",
        "json",
        "--layout",
        l,
        "--as-of",
        "2025-06-01",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["errors"], 0);
    assert_eq!(
        v["counts"],
        serde_json::json!({"M007": 1}),
        "{}",
        v["counts"]
    );
    assert_eq!(v["layout"]["id"], "full-template");
}

#[test]
fn csv_template_reports_what_it_could_not_map_and_what_is_missing() {
    let template = tmp("template.csv");
    std::fs::write(
        &template,
        "\u{FEFF}個人番号,氏名,氏名カナ,住所,生年月日,性別,記入者メモ,受給者証名,有効期間開始日,有効期間終了日,疾病名\r\n\
         000000000001,東京子,トウキョウ　コ,東京都,2013-01-01,2,,子ども医療費受給者証,2025-04-01,2026-03-31,喘息\r\n",
    )
    .unwrap();
    let o = run(&["layout", "--from-template", template.to_str().unwrap()]);
    // Without -o the layout goes to standard output and the summary to standard error.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let toml = stdout(&o);
    let layout = pmh_core::Layout::from_toml(&toml).unwrap_or_else(|e| panic!("{e}\n{toml}"));
    let s = stderr(&o);
    for needle in [
        "見出し 1 行目、11 列",
        "対応づけられなかった列: G「記入者メモ」",
        "自由記述の項目 templateColumn7",
        "テンプレートにない必須（またはキー）項目: 機関別受給者証種別ID（orgSpecificCertificateTypeId）",
        "テンプレートにない必須（またはキー）項目: 不開示フラグ（isNotDisclosed）",
        "受給者証券面項目として出力する列（1列、この順）: K「疾病名」",
        "見本のデータ行（1 行）は読み込んでいません",
        "終了コード 1",
    ] {
        assert!(s.contains(needle), "{needle}:\n{s}");
    }
    // Kept, so that a file without them is not passed: validate reports S004.
    assert!(layout.field_index("orgSpecificCertificateTypeId").is_some());
    assert!(layout.field_index("templateColumn7").is_some());
    assert!(
        layout.field_index("segment").is_none(),
        "optional, not in the template"
    );
    // The output is never written over the template.
    let o = run(&[
        "layout",
        "--from-template",
        template.to_str().unwrap(),
        "-o",
        template.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

/// A header cell's ESC sequence (screen clear, colour) reaches the terminal written visibly,
/// as the reports write it, not raw.
#[test]
fn a_template_summary_writes_control_characters_visibly() {
    let template = tmp("template-esc.csv");
    std::fs::write(
        &template,
        "\u{FEFF}個人番号,氏名,疾病名\u{1b}[2J\u{1b}[31mEVIL\u{7}\r\n",
    )
    .unwrap();
    let o = run(&["layout", "--from-template", template.to_str().unwrap()]);
    let s = stderr(&o);
    assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'), "{s:?}");
    assert!(s.contains("<U+001B>[2J<U+001B>[31mEVIL<U+0007>"), "{s}");
}
