use super::*;
use encoding_rs::SHIFT_JIS;
use proptest::prelude::*;

const JA: &str = "\u{FEFF}種類,機関別受給者証種別ID,コード,名称,公費負担者番号,法別番号,受給者番号検証,項目コード,項目名\r\n\
    受給者証種別,KODOMO01,,子ども医療費受給者証,88134457,,,,\r\n\
    受給者証種別,NANBYO01,,特定医療費(指定難病)受給者証,,54,,,\r\n\
    区分,NANBYO01,1,入院,,,,,\r\n\
    所得区分,,一般,一般所得,,,,,\r\n\
    追加条件,NANBYO01,1,該当,,,,01,人工呼吸器等装着\r\n\
    追加条件,NANBYO01,3,高額かつ長期,,,,02,負担上限の特例\r\n";

fn load(text: &str) -> Result<Masters, ConfigError> {
    Masters::from_files([("m.csv", text.as_bytes())])
}

fn load_err(text: &str) -> ConfigError {
    match load(text) {
        Ok(m) => panic!("expected an error, got {m:?}"),
        Err(e) => e,
    }
}

/// The message names the file, the line and (when given) the column, in both languages.
fn assert_names(e: &ConfigError, line: u64, column: Option<(usize, &str)>) {
    assert!(
        e.message(Lang::Ja).contains("「m.csv」"),
        "{}",
        e.message(Lang::Ja)
    );
    assert!(
        e.message(Lang::En).contains("\"m.csv\""),
        "{}",
        e.message(Lang::En)
    );
    assert!(
        e.message(Lang::Ja).contains(&format!("{line}行目")),
        "{}",
        e.message(Lang::Ja)
    );
    assert!(
        e.message(Lang::En).contains(&format!("line {line}")),
        "{}",
        e.message(Lang::En)
    );
    if let Some((n, name)) = column {
        assert!(
            e.message(Lang::Ja).contains(&format!("{n}列目「{name}」")),
            "{}",
            e.message(Lang::Ja)
        );
        assert!(
            e.message(Lang::En)
                .contains(&format!("column {n} \"{name}\"")),
            "{}",
            e.message(Lang::En)
        );
    }
}

fn ok_all(m: &Masters, type_id: &str, insurer: &str, seg: &str, inc: &str, cond: &str) {
    assert_eq!(
        m.check_certificate_type(type_id),
        CodeCheck::Ok,
        "{type_id}"
    );
    assert_eq!(
        m.check_insurer_number(type_id, insurer),
        InsurerMatch::Ok,
        "{type_id} {insurer}"
    );
    assert!(
        matches!(
            m.check_segment(type_id, seg),
            CodeCheck::Ok | CodeCheck::NoRule
        ),
        "{type_id} {seg}"
    );
    assert!(
        matches!(
            m.check_income_segment(type_id, inc),
            CodeCheck::Ok | CodeCheck::NoRule
        ),
        "{type_id} {inc}"
    );
    assert_eq!(
        m.check_conditions(type_id, cond),
        vec![],
        "{type_id} {cond}"
    );
}

#[test]
fn module_example() {
    let csv = "種類,機関別受給者証種別ID,コード,名称,公費負担者番号,法別番号\r\n\
               受給者証種別,KODOMO01,,子ども医療費受給者証,88134457,\r\n\
               受給者証種別,NANBYO01,,特定医療費(指定難病)受給者証,,54\r\n\
               所得区分,,一般,一般\r\n";
    let m = Masters::from_files([("master.csv", csv.as_bytes())]).unwrap();
    assert_eq!(m.check_certificate_type("KODOMO01"), CodeCheck::Ok);
    assert!(matches!(
        m.check_certificate_type("KODOMO02"),
        CodeCheck::Unknown { .. }
    ));
    assert_eq!(
        m.check_insurer_number("NANBYO01", "54016027"),
        InsurerMatch::Ok
    );
    assert_eq!(m.check_income_segment("KODOMO01", "一般"), CodeCheck::Ok);
    assert_eq!(m.check_segment("KODOMO01", "1"), CodeCheck::NoRule);
    assert_eq!(
        m.certificate_type("NANBYO01")
            .unwrap()
            .recipient_check_digit,
        Some(true)
    ); // 54 is national
}

#[test]
fn japanese_header() {
    let m = load(JA).unwrap();
    assert!(!m.is_empty());
    let k = m.certificate_type("KODOMO01").unwrap();
    assert_eq!(k.name, "子ども医療費受給者証");
    assert_eq!(k.insurer_numbers, ["88134457"]);
    assert!(k.houbetsu.is_empty());
    assert_eq!(
        k.recipient_check_digit,
        Some(false),
        "88 is not a national 法別"
    );
    assert_eq!(k.defined_at.to_string(), "m.csv:2");
    let n = m.certificate_type("NANBYO01").unwrap();
    assert_eq!(n.houbetsu, ["54"]);
    assert_eq!(n.recipient_check_digit, Some(true), "54 is national");
    assert_eq!(
        m.certificate_type_ids().collect::<Vec<_>>(),
        ["KODOMO01", "NANBYO01"]
    );
    assert_eq!(m.segment_codes("NANBYO01"), Some(vec!["1"]));
    assert_eq!(m.segment_codes("KODOMO01"), None);
    assert_eq!(m.income_segment_codes("KODOMO01"), Some(vec!["一般"]));
    assert_eq!(m.segment_name("NANBYO01", "1"), Some("入院"));
    assert_eq!(m.income_segment_name("X", "一般"), Some("一般所得"));
    assert_eq!(
        m.condition_item_name("NANBYO01", "01"),
        Some("人工呼吸器等装着")
    );
    assert_eq!(m.condition_item_name("KODOMO01", "01"), None);
    assert_eq!(m.sources().len(), 1);
    assert_eq!(m.sources()[0].encoding, TextEncoding::Utf8Bom);
    assert_eq!(m.sources()[0].sha256.len(), 64);
    let d = m.describe(Lang::Ja);
    assert!(d.contains("m.csv"), "{d}");
    assert!(
        d.contains("受給者証種別 2件、区分 1件、所得区分 1件、追加条件 2項目・2コード"),
        "{d}"
    );
    assert!(m.describe(Lang::En).contains("2 certificate types"));
}

#[test]
fn english_header_kinds_and_column_order() {
    let text = "Kind,Code,Certificate_Type_ID,Name,Houbetsu,Recipient_Check,Item_Code,Item_Name,Insurer_Number,Note\n\
        certificate_type,,T1,Type one,81,yes,,,81136244;81137242,\n\
        CERTIFICATE_TYPE,,T2,,,no,,,,\n\
        segment,A,T1,,,,,,,\n\
        income_segment,X,,,,,,,,note\n\
        condition,9,T1;T2,,,,ZZ,Item,,\n";
    let m = load(text).unwrap();
    let t1 = m.certificate_type("T1").unwrap();
    assert_eq!(t1.insurer_numbers, ["81136244", "81137242"]);
    assert_eq!(t1.recipient_check_digit, Some(true), "explicit yes");
    assert_eq!(
        m.certificate_type("T2").unwrap().recipient_check_digit,
        Some(false)
    );
    assert_eq!(m.segment_codes("T1"), Some(vec!["A"]));
    assert_eq!(m.income_segment_codes("T2"), Some(vec!["X"]));
    assert_eq!(m.check_conditions("T2", "ZZ-9"), vec![]);
    assert_eq!(m.check_conditions("T1", "ZZ-9"), vec![]);
    assert_eq!(m.sources()[0].encoding, TextEncoding::Ascii);
    // Full-width and spaced header spellings fold to the same columns.
    let text = "ｋｉｎｄ, certificate type id ,ｃｏｄｅ\r\n受給者証種別,A1,\r\n";
    let m = load(text).unwrap();
    assert!(m.certificate_type("A1").is_some());
}

#[test]
fn cp932_master() {
    let (bytes, _, unmappable) = SHIFT_JIS.encode(JA.trim_start_matches('\u{FEFF}'));
    assert!(!unmappable);
    let m = Masters::from_files([("sjis.csv", &bytes[..])]).unwrap();
    assert_eq!(m.sources()[0].encoding, TextEncoding::Cp932);
    assert_eq!(
        m.certificate_type("NANBYO01").unwrap().name,
        "特定医療費(指定難病)受給者証"
    );
    assert_eq!(m.income_segment_codes("NANBYO01"), Some(vec!["一般"]));
    // UTF-16 with BOM works too.
    let mut utf16 = vec![0xFF, 0xFE];
    for u in JA.trim_start_matches('\u{FEFF}').encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let m = Masters::from_files([("u16.csv", &utf16[..])]).unwrap();
    assert_eq!(m.certificate_type_ids().count(), 2);
}

#[test]
fn comments_blank_rows_and_tabs() {
    let text = "# comment, with a comma\n\n種類,機関別受給者証種別ID,コード\n,,\n＃ 全角の井桁もコメント\n  \n受給者証種別,A1,\n#受給者証種別,A2,\n";
    let m = load(text).unwrap();
    assert_eq!(m.certificate_type_ids().collect::<Vec<_>>(), ["A1"]);
    let tsv = "種類\t機関別受給者証種別ID\tコード\n区分\t\t1\n所得区分\t\t一般\n";
    let m = load(tsv).unwrap();
    assert_eq!(m.segment_codes("any"), Some(vec!["1"]));
    assert_eq!(m.income_segment_codes("any"), Some(vec!["一般"]));
}

#[test]
fn merging_two_files() {
    let a = "種類,機関別受給者証種別ID,コード,名称,公費負担者番号\r\n受給者証種別,KODOMO01,,子ども,88134457\r\n";
    let b = "種類,機関別受給者証種別ID,コード,名称\r\n区分,KODOMO01,1,一\r\n所得区分,,一般,\r\n";
    let m = Masters::from_files([("a.csv", a.as_bytes()), ("b.csv", b.as_bytes())]).unwrap();
    assert_eq!(m.sources().len(), 2);
    assert_eq!(m.segment_codes("KODOMO01"), Some(vec!["1"]));
    assert_eq!(
        m.check_insurer_number("KODOMO01", "88134457"),
        InsurerMatch::Ok
    );
    let d = m.describe(Lang::Ja);
    assert!(d.contains("a.csv, b.csv"), "{d}");
    // A scoped row may come before the type it names, as long as some file defines it.
    let m = Masters::from_files([("b.csv", b.as_bytes()), ("a.csv", a.as_bytes())]).unwrap();
    assert_eq!(m.segment_codes("KODOMO01"), Some(vec!["1"]));
    // ... but not if no file does.
    let e = Masters::from_files([("b.csv", b.as_bytes())]).unwrap_err();
    assert!(
        e.message(Lang::Ja).contains("「b.csv」2行目"),
        "{}",
        e.message(Lang::Ja)
    );
    assert!(
        e.message(Lang::Ja).contains("機関別受給者証種別ID"),
        "{}",
        e.message(Lang::Ja)
    );
    assert!(
        e.message(Lang::En).contains("\"b.csv\" line 2"),
        "{}",
        e.message(Lang::En)
    );
    assert!(
        e.message(Lang::En).contains("KODOMO01"),
        "{}",
        e.message(Lang::En)
    );
}

#[test]
fn duplicates_name_both_places() {
    // Within one file.
    let e = load("種類,機関別受給者証種別ID,コード\n受給者証種別,A1,\n区分,,1\n受給者証種別,A1,\n")
        .to_owned()
        .unwrap_err();
    assert_names(&e, 4, Some((2, "機関別受給者証種別ID")));
    assert!(
        e.message(Lang::Ja).contains("「m.csv」2行目"),
        "{}",
        e.message(Lang::Ja)
    );
    assert!(
        e.message(Lang::En).contains("\"m.csv\" line 2"),
        "{}",
        e.message(Lang::En)
    );
    // Between files; the failed load leaves the masters unchanged.
    let a = "種類,機関別受給者証種別ID,コード\n所得区分,,一般\n";
    let b = "種類,機関別受給者証種別ID,コード\n受給者証種別,A1,\n所得区分,A1,一般\n";
    let mut m = Masters::new();
    m.load_csv(a.as_bytes(), "a.csv").unwrap();
    let e = m.load_csv(b.as_bytes(), "b.csv").unwrap_err();
    assert!(
        e.message(Lang::Ja)
            .contains("「b.csv」3行目 3列目「コード」"),
        "{}",
        e.message(Lang::Ja)
    );
    assert!(
        e.message(Lang::Ja).contains("「a.csv」2行目"),
        "{}",
        e.message(Lang::Ja)
    );
    assert!(
        e.message(Lang::Ja).contains("すべての受給者証種別"),
        "{}",
        e.message(Lang::Ja)
    );
    assert!(
        e.message(Lang::En).contains("\"a.csv\" line 2"),
        "{}",
        e.message(Lang::En)
    );
    assert!(
        m.certificate_type("A1").is_none(),
        "unchanged after a failed load"
    );
    assert_eq!(m.sources().len(), 1);
    // Same code for two different types is fine; twice for one type is not.
    let ok = "種類,機関別受給者証種別ID,コード\n受給者証種別,A1,\n受給者証種別,A2,\n区分,A1,1\n区分,A2,1\n";
    assert!(load(ok).is_ok());
    let e = load("種類,機関別受給者証種別ID,コード\n受給者証種別,A1,\n区分,A1,1\n区分,A1;A2,1\n受給者証種別,A2,\n")
        .unwrap_err();
    assert_names(&e, 4, Some((3, "コード")));
    assert!(
        e.message(Lang::Ja).contains("「m.csv」3行目"),
        "{}",
        e.message(Lang::Ja)
    );
    // 追加条件 pairs.
    let e = load("種類,機関別受給者証種別ID,コード,項目コード\n追加条件,,1,01\n追加条件,,2,01\n追加条件,,1,01\n")
        .unwrap_err();
    assert_names(&e, 4, Some((3, "コード")));
    assert!(
        e.message(Lang::Ja).contains("01-1"),
        "{}",
        e.message(Lang::Ja)
    );
    // Loading the same file twice is a duplicate too.
    let mut m = Masters::new();
    m.load_csv(a.as_bytes(), "a.csv").unwrap();
    assert!(m.load_csv(a.as_bytes(), "a.csv").is_err());
}

#[test]
fn bad_rows_name_file_line_and_column() {
    const H: &str = "種類,機関別受給者証種別ID,コード,名称,公費負担者番号,法別番号,受給者番号検証,項目コード,項目名\n";
    // (data row, column number, column header, expected fragment of the Japanese message)
    let cases: &[(&str, usize, &str, &str)] = &[
        (
            "受給者証種別,ＫＯＤＯＭＯ01,,,,,,,",
            2,
            "機関別受給者証種別ID",
            "半角で「KODOMO01」",
        ),
        (
            "受給者証種別,KODOMO-01,,,,,,,",
            2,
            "機関別受給者証種別ID",
            "半角英数字",
        ),
        (
            &format!("受給者証種別,{},,,,,,,", "A".repeat(51)),
            2,
            "機関別受給者証種別ID",
            "50文字以内",
        ),
        (
            "受給者証種別,,,,,,,,",
            2,
            "機関別受給者証種別ID",
            "値が必要",
        ),
        ("受給者証種別,A1,B1,,,,,,", 3, "コード", "コードを空に"),
        (
            "受給者証種別,A1,,,8813445,,,,",
            5,
            "公費負担者番号",
            "半角数字8桁",
        ),
        (
            "受給者証種別,A1,,,８８１３４４５７,,,,",
            5,
            "公費負担者番号",
            "半角で「88134457」",
        ),
        (
            "受給者証種別,A1,,,88134457;88134457,,,,",
            5,
            "公費負担者番号",
            "2回",
        ),
        ("受給者証種別,A1,,,,541,,,", 6, "法別番号", "2桁"),
        ("受給者証種別,A1,,,,06,,,", 6, "法別番号", "医療保険"),
        (
            "受給者証種別,A1,,,88134457,54,,,",
            5,
            "公費負担者番号",
            "法別「88」",
        ),
        (
            "受給者証種別,A1,,,,,たぶん,,",
            7,
            "受給者番号検証",
            "する / しない",
        ),
        ("受給者証種別,A1,,,,,,01,", 8, "項目コード", "使いません"),
        ("区分,,1,,88134457,,,,", 5, "公費負担者番号", "使いません"),
        ("区分,,,名前だけ,,,,,", 3, "コード", "値が必要"),
        (
            &format!("区分,,{},,,,,,", "あ".repeat(51)),
            3,
            "コード",
            "50文字以内",
        ),
        ("区分,A1;A1,1,,,,,,", 2, "機関別受給者証種別ID", "2回"),
        ("区分,A 1,1,,,,,,", 2, "機関別受給者証種別ID", "半角英数字"),
        (
            "所得区分,;,1,,,,,,",
            2,
            "機関別受給者証種別ID",
            "ありません",
        ),
        ("追加条件,,1,,,,,,", 8, "項目コード", "値が必要"),
        ("追加条件,,,,,,,01,", 3, "コード", "値が必要"),
        ("追加条件,,1,,,,,０１,", 8, "項目コード", "半角で「01」"),
        ("追加条件,,1-2,,,,,01,", 3, "コード", "半角英数字"),
        ("不明な種類,,1,,,,,,", 1, "種類", "知らない種類"),
        (",A1,1,,,,,,", 1, "種類", "種類が空"),
        ("区分,,1,,,,,,,extra", 10, "", "見出しのない列"),
    ];
    for &(row, n, col, frag) in cases {
        let text = format!("{H}{row}\n");
        let e = load_err(&text);
        assert_names(&e, 2, Some((n, col)));
        assert!(
            e.message(Lang::Ja).contains(frag),
            "{row}: {}",
            e.message(Lang::Ja)
        );
        assert!(!e.message(Lang::En).is_empty());
    }
    let e = load_err(&format!(
        "{H}受給者証種別,A1,,,,,,,\n追加条件,,1,,,,,01,項目\n追加条件,,2,,,,,01,別の名前\n"
    ));
    assert_names(&e, 4, Some((9, "項目名")));
    assert!(
        e.message(Lang::Ja).contains("「m.csv」3行目"),
        "{}",
        e.message(Lang::Ja)
    );
}

#[test]
fn bad_files() {
    // Unknown and duplicate headers, missing 種類.
    let e = load_err("種類,コード,公費負担者番,名称\n区分,1,,\n");
    assert_names(&e, 1, Some((3, "公費負担者番")));
    assert!(
        e.message(Lang::Ja).contains("知らない列名"),
        "{}",
        e.message(Lang::Ja)
    );
    let e = load_err("種類,コード,code\n区分,1,1\n");
    assert_names(&e, 1, Some((3, "code")));
    let e = load_err("コード,名称\n1,a\n");
    assert_names(&e, 1, None);
    assert!(
        e.message(Lang::Ja).contains("列「種類」がありません"),
        "{}",
        e.message(Lang::Ja)
    );
    // A kind whose column is missing.
    let e = load_err("種類,コード\n受給者証種別,\n");
    assert_names(&e, 2, None);
    assert!(
        e.message(Lang::Ja)
            .contains("列「機関別受給者証種別ID」がありません"),
        "{}",
        e.message(Lang::Ja)
    );
    let e = load_err("種類,コード\n追加条件,1\n");
    assert!(
        e.message(Lang::Ja).contains("列「項目コード」がありません"),
        "{}",
        e.message(Lang::Ja)
    );
    // Empty header cells are fine while their column is empty.
    assert!(load("種類,コード,,\n区分,1,,\n").is_ok());
    let e = load_err("種類,コード,,\n区分,1,,x\n");
    assert_names(&e, 2, Some((4, "")));
    // Empty, header only, comments only, undecodable, binary, unclosed quote.
    for text in ["", "\u{FEFF}", "# only a comment\n", "\n\n"] {
        let e = load_err(text);
        assert!(
            e.message(Lang::Ja).contains("「m.csv」が空"),
            "{:?}: {}",
            text,
            e.message(Lang::Ja)
        );
    }
    let e = load_err("種類,コード\n");
    assert!(
        e.message(Lang::Ja).contains("定義の行がありません"),
        "{}",
        e.message(Lang::Ja)
    );
    let e = Masters::from_files([("m.csv", &b"PK\x03\x04\x14\x00\x00\x00"[..])]).unwrap_err();
    assert!(
        e.message(Lang::Ja).contains("文字コード"),
        "{}",
        e.message(Lang::Ja)
    );
    let mut bytes = SHIFT_JIS.encode("種類,コード\n区分,一般\n").0.into_owned();
    bytes.extend_from_slice(b"\x81,x\n");
    let e = Masters::from_files([("m.csv", &bytes[..])]).unwrap_err();
    assert_names(&e, 3, None);
    assert!(
        e.message(Lang::Ja).contains("1列目"),
        "{}",
        e.message(Lang::Ja)
    );
    let e = load_err("種類,コード\n区分,\"1\n区分,2\n");
    assert_names(&e, 2, None);
    assert!(
        e.message(Lang::Ja).contains("引用符"),
        "{}",
        e.message(Lang::Ja)
    );
}

#[test]
fn several_problems_are_reported_together() {
    let mut text = String::from("種類,機関別受給者証種別ID,コード\n");
    for _ in 0..(MAX_ERRORS + 5) {
        text.push_str("区分,,\n");
    }
    text.push_str("区分,,1\n");
    let e = load_err(&text);
    assert!(
        e.message(Lang::Ja).contains(&format!(
            "誤りが{}件あります（最初の{MAX_ERRORS}件）",
            MAX_ERRORS + 5
        )),
        "{}",
        e.message(Lang::Ja)
    );
    assert_eq!(e.message(Lang::Ja).matches("\n- ").count(), MAX_ERRORS);
    assert!(
        e.message(Lang::Ja)
            .contains("「m.csv」2行目 3列目「コード」"),
        "{}",
        e.message(Lang::Ja)
    );
    assert!(
        e.message(Lang::En).contains("has 25 problems"),
        "{}",
        e.message(Lang::En)
    );
}

#[test]
fn template_round_trip() {
    let t = Masters::template();
    assert!(t.starts_with(b"\xEF\xBB\xBF"));
    let body = &t[3..];
    assert_eq!(
        body.windows(2).filter(|w| w == b"\r\n").count(),
        body.iter().filter(|&&b| b == b'\n').count(),
        "CRLF only"
    );
    assert!(std::str::from_utf8(body).unwrap().contains(HEADER));
    let m = Masters::from_files([("template.csv", &t[..])]).unwrap();
    let c = m.counts();
    assert!(c.iter().all(|&n| n >= 1), "{c:?}");
    assert!(
        m.describe(Lang::Ja)
            .starts_with("制度マスタ（template.csv）: 受給者証種別 2件")
    );
    // The template's example rows satisfy the checks they describe.
    ok_all(&m, "NANBYO01", "54016027", "1", "一般", "01-1;02-3");
    ok_all(&m, "KODOMO01", "88134457", "", "低所得", "");
    // Its comment rows are parsed as comments by Excel-style CSV readers too.
    assert!(
        std::str::from_utf8(body)
            .unwrap()
            .lines()
            .filter(|l| l.starts_with('#'))
            .all(|l| !l.contains(',') && !l.contains('"'))
    );
}

#[test]
fn example_fixture_matches_valid_fixtures() {
    let bytes = include_bytes!("../../../../fixtures/masters/example_master.csv");
    let m = Masters::from_files([("example_master.csv", &bytes[..])]).unwrap();
    assert_eq!(
        m.certificate_type_ids().collect::<Vec<_>>(),
        ["KODOMO01", "NANBYO01"]
    );
    let fixtures: [&str; 5] = [
        include_str!("../../../../fixtures/valid/diff_history.csv"),
        include_str!("../../../../fixtures/valid/full_certificate_items.csv"),
        include_str!("../../../../fixtures/valid/full_id_headers.csv"),
        include_str!("../../../../fixtures/valid/full_minimal.csv"),
        include_str!("../../../../fixtures/valid/full_renewal_not_overlapping.csv"),
    ];
    let mut rows = 0;
    for text in fixtures {
        let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{FEFF}').as_bytes());
        let headers = r.headers().unwrap().clone();
        let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h)).unwrap();
        let (t, ins, seg, inc, cond, rec) = (
            col(&["機関別受給者証種別ID", "orgSpecificCertificateTypeId"]),
            col(&["公費負担者番号"]),
            col(&["区分"]),
            col(&["所得区分"]),
            col(&["追加条件"]),
            col(&["公費受給者番号"]),
        );
        for record in r.records() {
            let record = record.unwrap();
            let f = |i: usize| record.get(i).unwrap();
            ok_all(&m, f(t), f(ins), f(seg), f(inc), f(cond));
            // The recipient number passes the check the master asks for.
            if m.certificate_type(f(t)).unwrap().recipient_check_digit == Some(true) {
                assert_eq!(
                    crate::domain::checkdigit::recipient_number(f(rec)),
                    crate::domain::checkdigit::CheckOutcome::Valid,
                    "{}",
                    f(rec)
                );
            }
            rows += 1;
        }
    }
    assert!(rows >= 10, "{rows}");
    // And the values used there are really checked.
    assert!(matches!(
        m.check_segment("NANBYO01", "9"),
        CodeCheck::Unknown { .. }
    ));
    assert_eq!(m.check_segment("KODOMO01", "9"), CodeCheck::NoRule);
    assert!(matches!(
        m.check_insurer_number("KODOMO01", "88134458"),
        InsurerMatch::NotRegistered { .. }
    ));
}

#[test]
fn lookups() {
    let m = load(JA).unwrap();
    assert_eq!(m.check_certificate_type("NANBYO01"), CodeCheck::Ok);
    assert_eq!(m.check_certificate_type(" NANBYO01 "), CodeCheck::Ok);
    assert_eq!(m.check_certificate_type(""), CodeCheck::Ok);
    assert_eq!(
        m.check_certificate_type("nanbyo01"),
        CodeCheck::Unknown {
            valid: vec!["KODOMO01".into(), "NANBYO01".into()],
            more: 0
        }
    );
    assert_eq!(m.check_segment("NANBYO01", "1"), CodeCheck::Ok);
    assert_eq!(m.check_segment("NANBYO01", ""), CodeCheck::Ok);
    assert_eq!(
        m.check_segment("NANBYO01", "2"),
        CodeCheck::Unknown {
            valid: vec!["1".into()],
            more: 0
        }
    );
    assert_eq!(m.check_segment("KODOMO01", "2"), CodeCheck::NoRule);
    assert_eq!(m.check_income_segment("KODOMO01", "一般"), CodeCheck::Ok);
    assert!(matches!(
        m.check_income_segment("UNKNOWN9", "低所得"),
        CodeCheck::Unknown { .. }
    ));
    // Insurer numbers: by number, by 法別, missing, unknown type.
    assert_eq!(
        m.check_insurer_number("KODOMO01", "88134457"),
        InsurerMatch::Ok
    );
    assert_eq!(
        m.check_insurer_number("KODOMO01", "88134458"),
        InsurerMatch::NotRegistered {
            expected: vec!["88134457".into()]
        }
    );
    assert_eq!(
        m.check_insurer_number("NANBYO01", "54016027"),
        InsurerMatch::Ok
    );
    assert_eq!(
        m.check_insurer_number("NANBYO01", "51016027"),
        InsurerMatch::WrongHoubetsu {
            expected: vec!["54".into()]
        }
    );
    assert_eq!(
        m.check_insurer_number("NANBYO01", ""),
        InsurerMatch::Missing {
            expected: vec!["54".into()]
        }
    );
    assert_eq!(
        m.check_insurer_number("OTHER", "54016027"),
        InsurerMatch::TypeUnknown
    );
    let bare = load("種類,機関別受給者証種別ID\n受給者証種別,T1\n").unwrap();
    assert_eq!(
        bare.check_insurer_number("T1", "12345678"),
        InsurerMatch::NoRule
    );
    // Neither 法別 nor numbers nor an explicit answer: the row's 公費負担者番号 decides.
    assert_eq!(
        bare.certificate_type("T1").unwrap().recipient_check_digit,
        None
    );
    // Recipient check digit defaults: from the 法別 column, else from the numbers.
    let m2 = load(
        "種類,機関別受給者証種別ID,公費負担者番号,法別番号,受給者番号検証\n\
         受給者証種別,A,54016027,,\n受給者証種別,B,,21;88,\n受給者証種別,C,,88,する\n\
         受給者証種別,D,,54,しない\n受給者証種別,E,,15;21,\n",
    )
    .unwrap();
    let rc = |id: &str| m2.certificate_type(id).unwrap().recipient_check_digit == Some(true);
    assert!(rc("A") && !rc("B") && rc("C") && !rc("D") && rc("E"));
    // An empty master checks nothing.
    let empty = Masters::new();
    assert!(empty.is_empty());
    assert_eq!(empty.check_certificate_type("X"), CodeCheck::NoRule);
    assert_eq!(empty.check_insurer_number("X", "1"), InsurerMatch::NoRule);
    assert_eq!(empty.check_segment("X", "1"), CodeCheck::NoRule);
    assert_eq!(empty.check_conditions("X", "01-1"), vec![]);
    assert!(empty.describe(Lang::Ja).starts_with("制度マスタなし"));
    assert!(empty.validate().is_ok());
}

#[test]
fn list_limit() {
    let mut text = String::from("種類,機関別受給者証種別ID,コード,項目コード\n");
    for i in 0..13 {
        text.push_str(&format!(
            "受給者証種別,T{i:02},,\n区分,,{i},\n追加条件,,{i},I{i}\n追加条件,,{i},J\n"
        ));
    }
    let m = load(&text).unwrap();
    let CodeCheck::Unknown { valid, more } = m.check_certificate_type("X") else {
        panic!()
    };
    assert_eq!((valid.len(), more), (LIST_LIMIT, 3));
    assert_eq!(valid[0], "T00");
    let CodeCheck::Unknown { valid, more } = m.check_segment("T00", "x") else {
        panic!()
    };
    assert_eq!((valid.len(), more, valid[9].as_str()), (LIST_LIMIT, 3, "9"));
    let p = m.check_conditions("T00", "K-1;J-99");
    assert!(
        matches!(&p[0], ConditionProblem::UnknownItem { index: 1, valid, more: 4, .. } if valid.len() == LIST_LIMIT && valid[1] == "J"),
        "{p:?}"
    );
    assert!(
        matches!(
            &p[1],
            ConditionProblem::UnknownCode {
                index: 2,
                more: 3,
                ..
            }
        ),
        "{p:?}"
    );
    assert!(
        m.describe(Lang::Ja).contains("追加条件 14項目・26コード"),
        "{}",
        m.describe(Lang::Ja)
    );
}

#[test]
fn conditions() {
    let m = load(JA).unwrap();
    let ok = |t: &str, v: &str| assert_eq!(m.check_conditions(t, v), vec![], "{v}");
    ok("NANBYO01", "01-1;02-3");
    ok("NANBYO01", "01\u{2010}1;02\u{2010}3");
    ok("NANBYO01", " 01-1 ; 02-3 ; ");
    ok("NANBYO01", "01-1;");
    ok("NANBYO01", "");
    ok("NANBYO01", "　");
    // No items for KODOMO01: only the syntax is checked.
    ok("KODOMO01", "99-9");
    // Malformed entries are V007's alone (`conditions::entries`): the master checks the
    // well-formed ones around them.
    ok("KODOMO01", "99-9;x");
    assert_eq!(
        m.check_conditions("NANBYO01", "01-1;03-1;01-2;;0１-1;01-1-1;-1;01-;01‑1"),
        vec![
            ConditionProblem::UnknownItem {
                index: 2,
                item: "03".into(),
                valid: vec!["01".into(), "02".into()],
                more: 0
            },
            ConditionProblem::UnknownCode {
                index: 3,
                item: "01".into(),
                code: "2".into(),
                valid: vec!["1".into()],
                more: 0
            },
        ]
    );
    ok("NANBYO01", ";");
    // Unscoped items apply to every type, scoped ones add to them.
    let m = load(
        "種類,機関別受給者証種別ID,コード,項目コード,項目名\n受給者証種別,A,,,\n受給者証種別,B,,,\n\
         追加条件,,1,01,共通\n追加条件,A,2,01,Aだけ\n",
    )
    .unwrap();
    assert_eq!(m.check_conditions("A", "01-1;01-2"), vec![]);
    assert_eq!(m.check_conditions("B", "01-1"), vec![]);
    assert!(matches!(
        m.check_conditions("B", "01-2")[..],
        [ConditionProblem::UnknownCode { index: 1, .. }]
    ));
    assert_eq!(m.condition_item_name("A", "01"), Some("Aだけ"));
    assert_eq!(m.condition_item_name("B", "01"), Some("共通"));
}

/// One master row of a random kind, with values in the columns that kind uses and now and
/// then noise in any column.
fn master_row() -> impl Strategy<Value = String> {
    let ids = proptest::sample::select(vec!["KODOMO01", "NANBYO01", "", "KODOMO01;NANBYO01"]);
    let verify = proptest::sample::select(vec!["", "する", "しない"]);
    let noise = "[ A-Z0-9;,\"#区分受給者証種別所得追加条件一般\\-]{0,6}";
    let row = (
        0u8..4,
        ids,
        "[0-9]{1,2}",
        "[ア-ン]{1,4}",
        "[0-9]{2}",
        verify,
    );
    let damage = (proptest::bool::weighted(0.15), 0usize..9, noise);
    (row, damage).prop_map(
        |((kind, ids, code, name, item, verify), (noisy, at, noise))| {
            let line = match kind {
                0 => format!("受給者証種別,T{code},,{name},88134457,,{verify},,"),
                1 => format!("区分,{ids},{code},{name},,,,,"),
                2 => format!("所得区分,{ids},{code},{name},,,,,"),
                _ => format!("追加条件,{ids},{code},{name},,,,{item},{name}"),
            };
            let mut cells: Vec<String> = line.split(',').map(str::to_owned).collect();
            if noisy {
                cells[at] = noise;
            }
            cells.join(",")
        },
    )
}

/// Masters made of the example's certificate types and random rows: loading, validation
/// and every check never panic, and most masters load (so that the checks run).
#[test]
fn arbitrary_rows_never_panic() {
    let (cases, loaded, checked) = (
        std::cell::Cell::new(0u32),
        std::cell::Cell::new(0u32),
        std::cell::Cell::new(0u32),
    );
    let head = JA.lines().take(3).collect::<Vec<_>>().join("\r\n");
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(256));
    runner
        .run(&proptest::collection::vec(master_row(), 0..8), |rows| {
            cases.set(cases.get() + 1);
            let mut text = head.clone();
            for r in &rows {
                text.push_str("\r\n");
                text.push_str(r);
            }
            let mut m = Masters::new();
            if m.load_csv(text.as_bytes(), "p.csv").is_ok() {
                loaded.set(loaded.get() + 1);
                let _ = m.validate();
                let ids: Vec<String> = m.certificate_type_ids().map(str::to_owned).collect();
                checked.set(checked.get() + u32::from(!ids.is_empty()));
                for id in ids.iter().map(String::as_str).chain(["", "X"]) {
                    let _ = m.check_insurer_number(id, "12345678");
                    let _ = m.check_segment(id, "1");
                    let _ = m.check_conditions(id, "01-1;A");
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let (n, loaded, checked) = (cases.get(), loaded.get(), checked.get());
    assert!(loaded * 100 >= n * 50, "{loaded} of {n} masters loaded");
    assert!(
        checked * 100 >= n * 50,
        "{checked} of {n} masters were checked against"
    );
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut m = Masters::new();
        let _ = m.load_csv(&bytes, "p.csv");
        let _ = m.validate();
        let _ = m.describe(Lang::Ja);
    }

    #[test]
    fn conditions_never_panic(value in "\\PC{0,40}", ty in "[A-Z0-9]{0,3}") {
        let m = load(JA).unwrap();
        let p = m.check_conditions(&ty, &value);
        prop_assert!(p.len() <= value.split(';').count());
    }

    #[test]
    fn well_formed_conditions_have_no_syntax_problems(
        pairs in proptest::collection::vec(("[0-9A-Za-z]{1,4}", "[0-9A-Za-z]{1,4}", proptest::bool::ANY), 1..6)
    ) {
        let value = pairs
            .iter()
            .map(|(a, b, u)| format!("{a}{}{b}", if *u { '\u{2010}' } else { '-' }))
            .collect::<Vec<_>>()
            .join(";");
        let p = Masters::new().check_conditions("X", &value);
        prop_assert!(p.is_empty(), "{:?}", p);
    }
}

/// The indexed 区分 check against the linear one it replaced (issue 9: linear in the master's
/// size for every row), on random scoped lists and queries, reaching all three outcomes.
#[test]
fn indexed_code_check_agrees_with_a_linear_scan() {
    fn linear(list: &[CodeEntry], type_id: &str, value: &str) -> CodeCheck {
        let applicable: Vec<&CodeEntry> =
            list.iter().filter(|e| applies(&e.scope, type_id)).collect();
        if applicable.iter().any(|e| e.code == value) {
            CodeCheck::Ok
        } else if applicable.is_empty() {
            CodeCheck::NoRule
        } else if value.is_empty() {
            CodeCheck::Ok
        } else {
            let (valid, more) = first_few(applicable.iter().map(|e| e.code.as_str()));
            CodeCheck::Unknown { valid, more }
        }
    }
    let (ok, unknown, no_rule) = (
        std::cell::Cell::new(0u32),
        std::cell::Cell::new(0u32),
        std::cell::Cell::new(0u32),
    );
    let entry = (0u8..3, 0u16..40).prop_map(|(s, c)| CodeEntry {
        scope: [None, Some("A".to_owned()), Some("B".to_owned())][s as usize].clone(),
        code: c.to_string(),
        name: String::new(),
        at: Place {
            source: String::new(),
            line: 1,
        },
    });
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(300));
    runner
        .run(
            &(
                proptest::collection::vec(entry, 0..30),
                proptest::collection::vec((0u8..4, 0u16..45), 1..20),
            ),
            |(mut list, queries)| {
                // As a loaded master: a code is defined once for overlapping scopes.
                let mut seen = std::collections::HashSet::new();
                list.retain(|e| seen.insert(e.code.clone()));
                let index = CodeIndex::new(&list);
                for (t, v) in queries {
                    let t = ["A", "B", "C", ""][t as usize];
                    let v = if v == 44 {
                        String::new()
                    } else {
                        v.to_string()
                    };
                    let got = index.check(&list, t, &v);
                    prop_assert_eq!(&got, &linear(&list, t, &v), "{} {}", t, v);
                    match got {
                        CodeCheck::Ok => ok.set(ok.get() + 1),
                        CodeCheck::Unknown { .. } => unknown.set(unknown.get() + 1),
                        CodeCheck::NoRule => no_rule.set(no_rule.get() + 1),
                    }
                }
                Ok(())
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(ok.get() > 100 && unknown.get() > 100 && no_rule.get() > 20);
}
