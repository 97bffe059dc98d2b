//! `build` round trip: whatever build writes without errors validates with zero errors, every
//! input row is in the output or in the report, and repairs are what they claim to be.

use conformance::{fixture_files, layout_for, name, options_for};
use pmh_core::OutputFormat;
use pmh_core::{Checker, Code, InputKind, Layout, Options, Report, check_bytes};
use proptest::prelude::*;

/// Runs build on `bytes`: the report and the written upload file.
fn build(layout: &Layout, mut opts: Options, bytes: &[u8]) -> (Report, Vec<u8>) {
    opts.kind = InputKind::Source;
    opts.repair = true;
    opts.output = Some(OutputFormat::Csv);
    let mut front = pmh_core::Front::new(layout.dialect.delimiter_byte());
    let mut back = pmh_core::Back::new(layout, opts);
    let mut out = Vec::new();
    for chunk in bytes.chunks(4096) {
        front.feed(chunk);
        let ready: Vec<_> = front.take_ready().collect();
        for b in ready {
            back.consume(&b);
            out.extend(back.take_output());
        }
    }
    let (rest, summary) = front.finish();
    for b in &rest {
        back.consume(b);
    }
    let (report, tail) = back.finish_with_output(&summary);
    out.extend(tail);
    (report, out)
}

fn assert_round_trip(what: &str, layout: &Layout, opts: Options, input: &[u8]) {
    let (report, out) = build(layout, opts.clone(), input);
    let readable = report.count(Code::NoHeader) == 0 && report.count(Code::UnknownEncoding) == 0;
    // Every input row is in the output or in the report: all rows are written except blank
    // rows and a row that swallowed the file through an unclosed quote (both reported).
    let written = if out.is_empty() {
        0
    } else {
        check_bytes(layout, Options::default(), &out).rows
    };
    if readable {
        let expected = report.rows - report.blank_rows - report.count(Code::UnclosedQuote);
        assert_eq!(written, expected, "{what}: rows written");
    }
    if report.errors == 0 && report.count(Code::NoHeader) == 0 {
        let mut v = Options {
            masters: opts.masters.clone(),
            ..Options::default()
        };
        v.known_insurer_numbers = opts.known_insurer_numbers.clone();
        let again = check_bytes(layout, v, &out);
        let listed: Vec<String> = again
            .diagnostics
            .iter()
            .map(|d| format!("{} row {:?}", d.code.as_str(), d.row))
            .collect();
        assert_eq!(
            again.errors,
            0,
            "{what}: built file does not validate: {listed:?}\n{}",
            String::from_utf8_lossy(&out)
        );
    }
}

#[test]
fn build_output_of_every_fixture_round_trips() {
    for f in fixture_files("valid")
        .into_iter()
        .chain(fixture_files("invalid"))
    {
        let bytes = std::fs::read(&f).unwrap();
        let layout = layout_for(&f);
        assert_round_trip(&name(&f), &layout, options_for(&f), &bytes);
    }
}

#[test]
fn repairs_make_damaged_input_uploadable() {
    for n in [
        "X002_full_width_digits.csv",
        "X003_halfwidth_kana.csv",
        "X006_wareki_date.csv",
        "X008_leading_zero_my_number.csv",
        "X001_trim.csv",
    ] {
        let f = conformance::fixtures_dir().join("invalid").join(n);
        let layout = layout_for(&f);
        let plain = check_bytes(&layout, Options::default(), &std::fs::read(&f).unwrap());
        assert!(
            plain.errors + plain.warnings > 0,
            "{n}: damaged input is flagged by validate"
        );
        let (report, out) = build(&layout, Options::default(), &std::fs::read(&f).unwrap());
        assert_eq!(report.errors, 0, "{n}");
        let again = check_bytes(&layout, Options::default(), &out);
        assert_eq!(
            again.errors + again.warnings,
            0,
            "{n}: {:?}",
            again.diagnostics
        );
    }
}

#[test]
fn wareki_and_serial_dates_become_iso() {
    let f = conformance::fixtures_dir().join("invalid/X006_wareki_date.csv");
    let (_, out) = build(
        &Layout::full(),
        Options::default(),
        &std::fs::read(f).unwrap(),
    );
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains(",2013-01-01,") && text.contains(",2025-04-01,2026-03-31"),
        "{text}"
    );
}

#[test]
fn cp932_tsv_source_builds_utf8_csv() {
    let header = "機関別受給者証種別ID\t個人番号\t氏名\t氏名カナ\t住所\t生年月日\t性別\t不開示フラグ\t受給者証名\t有効期間開始日\t有効期間終了日\r\n";
    let row = "KODOMO01\t123456789018\t愛知花子\tｱｲﾁ ﾊﾅｺ\t愛知県名古屋市中区栄1-1-1\t平成25年1月1日\t2\t0\t子ども医療費受給者証\tR7.4.1\tR8.3.31\r\n";
    let source = format!("{header}{row}");
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(&source);
    let (report, out) = build(&Layout::full(), Options::default(), &bytes);
    assert_eq!(report.errors, 0, "{:?}", report.diagnostics);
    assert!(out.starts_with("\u{FEFF}機関別受給者証種別ID,個人番号".as_bytes()));
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("アイチ ハナコ")
            && text.contains("2013-01-01")
            && text.contains("2025-04-01,2026-03-31"),
        "{text}"
    );
    assert!(text.ends_with("\r\n"));
}

#[test]
fn json_output_has_api_types() {
    let f = conformance::fixtures_dir().join("valid/full_certificate_items.csv");
    let mut opts = Options {
        repair: true,
        kind: InputKind::Source,
        output: Some(OutputFormat::Json),
        ..Options::default()
    };
    opts.max_diagnostics = 10;
    let layout = Layout::full();
    let mut c = Checker::new(&layout, opts);
    c.feed(&std::fs::read(f).unwrap());
    let _ = c.finish();
    // Checker drops output; use the Back API to get it.
    let bytes = std::fs::read(conformance::fixtures_dir().join("valid/full_certificate_items.csv"))
        .unwrap();
    let mut front = pmh_core::Front::new(b',');
    front.feed(&bytes);
    let (batches, summary) = front.finish();
    let mut back = pmh_core::Back::new(
        &layout,
        Options {
            repair: true,
            kind: InputKind::Source,
            output: Some(OutputFormat::Json),
            ..Options::default()
        },
    );
    for b in &batches {
        back.consume(b);
    }
    let (_, out) = back.finish_with_output(&summary);
    let v: serde_json::Value = serde_json::from_slice(&out).expect("JSON array");
    let rec = &v[0];
    assert_eq!(rec["basicFiveInfo"]["name"], "愛知花子");
    assert_eq!(rec["isNotDisclosed"], false);
    assert_eq!(rec["isAlwaysReimbursement"], "0");
    assert_eq!(rec["basicFiveInfo"]["dateOfBirth"], "2013-01-01");
    assert_eq!(rec["certificationDetail"][1]["itemName"], "疾病名");
}

fn damaged_row() -> impl Strategy<Value = String> {
    let dates = prop::sample::select(vec![
        "2013-01-01",
        "平成25年1月1日",
        "H25.1.1",
        "2013/1/1",
        "20130101",
        "41275",
        "㍻25.1.1",
        "平成元年1月7日",
    ]);
    let kana = prop::sample::select(vec![
        "アイチ　ハナコ",
        "ｱｲﾁ ﾊﾅｺ",
        "アイチ－ハナコ",
        "あいち",
    ]);
    let numbers = prop::sample::select(vec![
        "123456789018",
        "１２３４５６７８９０１８",
        "23456789013",
        "2.10988E+11",
        " 123456789018 ",
    ]);
    let names = prop::sample::select(vec!["愛知花子", "髙橋花子", "愛知\u{E000}子", "愛知 花子 "]);
    (numbers, names, kana, dates.clone(), dates).prop_map(|(n, name, k, d1, d2)| {
        format!("KODOMO01,{n},{name},{k},愛知県名古屋市中区栄1〜3,{d1},2,0,子ども医療費受給者証,2025-04-01,{d2}\r\n")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn built_files_without_errors_validate_clean(rows in prop::collection::vec(damaged_row(), 1..6)) {
        let header = "機関別受給者証種別ID,個人番号,氏名,氏名カナ,住所,生年月日,性別,不開示フラグ,受給者証名,有効期間開始日,有効期間終了日\r\n";
        let input = format!("{header}{}", rows.concat());
        assert_round_trip("generated", &Layout::full(), Options::default(), input.as_bytes());
    }
}
