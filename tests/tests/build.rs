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
    conformance::build_in_chunks(layout, opts, bytes, 4096)
}

/// Asserts the round trip; returns the build report and whether the file built without errors
/// (and so was validated again: the branch that matters).
fn assert_round_trip(what: &str, layout: &Layout, opts: Options, input: &[u8]) -> (Report, bool) {
    let (report, out) = build(layout, opts.clone(), input);
    let readable = report.count(Code::NoHeader) == 0 && report.count(Code::UnknownEncoding) == 0;
    // Every input row is in the output or in the report: all rows are written except blank
    // rows, a row that swallowed the file through an unclosed quote and a line too long to
    // read (all reported).
    let written = if out.is_empty() {
        0
    } else {
        check_bytes(layout, Options::default(), &out).rows
    };
    if readable {
        let expected = report.rows
            - report.blank_rows
            - report.count(Code::UnclosedQuote)
            - report.count(Code::RecordTooLong);
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
        return (report, true);
    }
    (report, false)
}

#[test]
fn build_output_of_every_fixture_round_trips() {
    for f in fixture_files("valid")
        .into_iter()
        .chain(fixture_files("invalid"))
    {
        let bytes = std::fs::read(&f).unwrap();
        let layout = layout_for(&f);
        let n = name(&f);
        let (_, validated) = assert_round_trip(&n, &layout, options_for(&f), &bytes);
        // Valid files and repair fixtures build without errors: their output was re-validated.
        // A proposal (X010) is not applied: the error it explains stays, and build says so.
        if n.starts_with("X010") {
            assert!(!validated, "{n}: a proposed My Number must not build clean");
        } else if f.parent().is_some_and(|d| d.ends_with("valid")) || n.starts_with('X') {
            assert!(validated, "{n}: expected to build without errors");
        }
    }
}

#[test]
fn repairs_make_damaged_input_uploadable() {
    for n in [
        "X002_full_width_digits.csv",
        "X003_halfwidth_kana.csv",
        "X006_wareki_date.csv",
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

/// One source row with the damage staff produce (全角 digits, 半角カナ, 和暦, dropped zeros,
/// Mac/JIS characters…), mostly repairable: about a quarter of the rows keep an error (exponent-form
/// My Number, 外字, a date before its era).
/// `{FROM}` and `{TO}` are the validity period, filled in per row so that no two rows are the
/// same certificate (which would be K001/K002, not what this test is about).
fn damaged_row() -> impl Strategy<Value = String> {
    let births = prop::sample::select(vec![
        "2013-01-01",
        "平成25年1月1日",
        "H25.1.1",
        "2013/1/1",
        "20130101",
        "41275",
        "㍻25.1.1",
        "2013-01-01",
        "平成25年1月1日",
        "H25.1.1",
        "平成元年1月7日", // before Heisei began: never repaired (V004)
    ]);
    let kana = prop::sample::select(vec![
        "アイチ　ハナコ",
        "ｱｲﾁ ﾊﾅｺ",
        "ｱｲﾁ ﾊﾅｺ",
        "アイチ　ハナコ",
        "あいち", // V003, inferred: a warning
        "アイチ－ハナコ",
    ]);
    let numbers = prop::sample::select(vec![
        "123456789018",
        "１２３４５６７８９０１８",
        " 123456789018 ",
        "123456789018",
        "１２３４５６７８９０１８",
        "123456789018",
        " １２３４５６７８９０１８",
        "123456789018",
        "１２３４５６７８９０１８ ",
        "123456789018",
        "1234\u{200B}56789018", // pasted from a web page: X014
        "\u{2060}１２３４５６７８９０１８\u{00AD}",
        "23456789013", // a lost zero or a lost digit? only proposed in text: X010 + V002
        "2.10988E+11", // the digits are gone: N002
    ]);
    let names = prop::sample::select(vec![
        "愛知花子",
        "髙橋花子",
        "愛知 花子 ",
        "愛知花子",
        "髙橋花子",
        "愛知 花子 ",
        "愛知花子",
        "髙橋花子",
        "愛知 花子 ",
        "愛知\u{202E}花子", // a direction control: X014
        "愛知\u{E000}子",   // 外字: C001
    ]);
    // The end of the period, in the formats source data has (`{E}` is its year).
    let ends = prop::sample::select(vec!["iso", "slash", "compact", "reiwa", "r"]);
    let addresses = prop::sample::select(vec![
        "愛知県名古屋市中区栄1-1-1",
        "愛知県名古屋市中区栄1〜3", // X009, proposed only
    ]);
    (numbers, names, kana, births, ends, addresses).prop_map(|(n, name, k, d1, end, a)| {
        format!(
            "KODOMO01,{n},{name},{k},{a},{d1},2,0,子ども医療費受給者証,{{FROM}},{{TO:{end}}}\r\n"
        )
    })
}

/// Rows with their validity periods: row i covers April of 2025+i to March of 2026+i.
fn damaged_rows() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(damaged_row(), 1..6).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, r)| {
                let y = 2025 + i;
                let e = y + 1;
                let r = r.replace("{FROM}", &format!("{y}-04-01"));
                let reiwa = e - 2018;
                [
                    ("{TO:iso}", format!("{e}-03-31")),
                    ("{TO:slash}", format!("{e}/3/31")),
                    ("{TO:compact}", format!("{e}0331")),
                    ("{TO:reiwa}", format!("令和{reiwa}年3月31日")),
                    ("{TO:r}", format!("R{reiwa}.3.31")),
                ]
                .iter()
                .fold(r, |r, (k, v)| r.replace(k, v))
            })
            .collect()
    })
}

/// Repairs that build applies (X004 and X009 are only proposed).
const APPLIED: [Code; 8] = [
    Code::RepairTrim,
    Code::RepairInvisible,
    Code::RepairWidth,
    Code::RepairKana,
    Code::RepairMacJis,
    Code::RepairDate,
    Code::RepairEraOverflow,
    Code::RepairLeadingZeros,
];

#[test]
fn built_files_without_errors_validate_clean() {
    use proptest::test_runner::{Config, TestRunner};
    use std::cell::Cell;

    let header = "機関別受給者証種別ID,個人番号,氏名,氏名カナ,住所,生年月日,性別,不開示フラグ,受給者証名,有効期間開始日,有効期間終了日\r\n";
    let (cases, files_clean) = (Cell::new(0u32), Cell::new(0u32));
    let (rows, rows_clean, rows_repaired) = (Cell::new(0u64), Cell::new(0u64), Cell::new(0u64));
    let invisible = Cell::new(0u64);
    let mut runner = TestRunner::new(Config {
        cases: 200,
        ..Config::default()
    });
    runner
        .run(&damaged_rows(), |generated| {
            let input = format!("{header}{}", generated.concat());
            let (report, validated) = assert_round_trip(
                "generated",
                &Layout::full(),
                Options::default(),
                input.as_bytes(),
            );
            cases.set(cases.get() + 1);
            files_clean.set(files_clean.get() + u32::from(validated));
            assert!(report.diagnostics.len() < 1000, "findings were cut");
            let with = |pred: &dyn Fn(&pmh_core::Diagnostic) -> bool| -> u64 {
                (2..)
                    .take(generated.len())
                    .filter(|&r| {
                        report
                            .diagnostics
                            .iter()
                            .any(|d| d.row == Some(r) && pred(d))
                    })
                    .count() as u64
            };
            let n = generated.len() as u64;
            rows.set(rows.get() + n);
            rows_clean
                .set(rows_clean.get() + n - with(&|d| d.severity == pmh_core::Severity::Error));
            rows_repaired.set(rows_repaired.get() + with(&|d| APPLIED.contains(&d.code)));
            invisible.set(invisible.get() + with(&|d| d.code == Code::RepairInvisible));
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    // The generator reaches the branch that matters: most rows build without errors, many of
    // them through a repair, and many whole files were built and validated again.
    let (rows, clean, repaired) = (rows.get(), rows_clean.get(), rows_repaired.get());
    assert!(
        clean * 100 >= rows * 60,
        "{clean} of {rows} rows built without errors"
    );
    assert!(
        repaired * 100 >= rows * 30,
        "{repaired} of {rows} rows were repaired"
    );
    assert!(
        invisible.get() * 100 >= rows * 5,
        "{} of {rows} rows had invisible characters deleted",
        invisible.get()
    );
    assert!(
        files_clean.get() * 100 >= cases.get() * 20,
        "{} of {} files built without errors and were validated again",
        files_clean.get(),
        cases.get()
    );
}

/// One spelling of an identifier as source data holds it: as it is, in 全角, with edge spaces,
/// with a zero-width space pasted inside, or 全角 with a soft hyphen.
fn spelled(v: &str, how: u8) -> String {
    let wide = || {
        v.chars()
            .map(|c| char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c))
            .collect::<String>()
    };
    match how {
        0 => v.to_owned(),
        1 => wide(),
        2 => format!(" {v}\u{3000}"),
        3 => format!("{}\u{200B}{}", &v[..4], &v[4..]),
        _ => format!("{}\u{00AD}", wide()),
    }
}

/// Validate and build find the same certificates twice (K001) and the same overlapping periods
/// (K002), however the key values are spelled: validate compares a key that is not ASCII as
/// build writes it. Before, a certificate listed twice (once in 全角) passed validate with a
/// warning and failed only in build.
#[test]
fn validate_and_build_find_the_same_duplicate_certificates() {
    use proptest::test_runner::{Config, TestRunner};
    use std::cell::Cell;
    use std::collections::BTreeSet;

    let header = "機関別受給者証種別ID,個人番号,氏名,氏名カナ,住所,生年月日,性別,不開示フラグ,公費負担者番号,受給者証名,公費受給者番号,有効期間開始日,有効期間終了日\r\n";
    // Two people, two recipient numbers, two periods (the second overlaps the first): a
    // handful of rows repeat some certificate often.
    let numbers = ["123456789018", "023456789013"];
    let recipients = ["00012345", "00054321"];
    let periods = [("2025-04-01", "2026-03-31"), ("2025-10-01", "2026-09-30")];
    let row = (0..2usize, 0..5u8, 0..2usize, 0..5u8, 0..2usize);
    let (cases, spelled_dups) = (Cell::new(0u32), Cell::new(0u32));
    let mut runner = TestRunner::new(Config {
        cases: 150,
        ..Config::default()
    });
    runner
        .run(
            &prop::collection::vec(row, 2..7),
            |rows: Vec<(usize, u8, usize, u8, usize)>| {
                let mut input = header.to_owned();
                for &(n, hn, r, hr, p) in &rows {
                    let (from, to) = periods[p];
                    input.push_str(&format!(
                        "KODOMO01,{},愛知花子,アイチ　ハナコ,愛知県名古屋市中区栄1-1-1,2013-01-01,2,0,88134457,子ども医療費受給者証,{},{from},{to}\r\n",
                        spelled(numbers[n], hn),
                        spelled(recipients[r], hr),
                    ));
                }
                let layout = Layout::full();
                let validated = check_bytes(&layout, Options::default(), input.as_bytes());
                let (built, _) = build(&layout, Options::default(), input.as_bytes());
                let keyed = |r: &Report| -> BTreeSet<(&'static str, u32)> {
                    r.diagnostics
                        .iter()
                        .filter(|d| {
                            matches!(
                                d.code,
                                Code::DuplicateCertificate | Code::OverlappingPeriods
                            )
                        })
                        .map(|d| (d.code.as_str(), d.row.unwrap_or(0)))
                        .collect()
                };
                let (v, b) = (keyed(&validated), keyed(&built));
                prop_assert_eq!(&v, &b, "{}", input);
                cases.set(cases.get() + 1);
                // The branch that matters: a key finding on a row spelled otherwise.
                let odd = |row: u32| {
                    let i = row as usize - 2;
                    rows.get(i).is_some_and(|&(_, hn, _, hr, _)| hn != 0 || hr != 0)
                };
                if v.iter().any(|&(_, row)| odd(row)) {
                    spelled_dups.set(spelled_dups.get() + 1);
                }
                Ok(())
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        spelled_dups.get() * 100 >= cases.get() * 40,
        "{} of {} files had a key finding on a row spelled otherwise",
        spelled_dups.get(),
        cases.get()
    );
}

/// The header and the first row of `valid/full_minimal.csv`, split at commas (it has no
/// quotes): a valid row to put hostile values into.
fn minimal_row() -> (Vec<String>, Vec<String>) {
    let text = std::fs::read_to_string(conformance::fixtures_dir().join("valid/full_minimal.csv"))
        .unwrap();
    let mut lines = text.lines();
    let split = |l: &str| -> Vec<String> { l.split(',').map(str::to_owned).collect() };
    let header = split(lines.next().unwrap().trim_start_matches('\u{FEFF}'));
    let base = split(lines.next().unwrap());
    (header, base)
}

/// A full-width letter or digit anywhere in a number, code, date or flag is never ✔ (V016, an
/// error whatever the field's rule basis), and build narrows it back to the value it was, which
/// then validates clean. Before, a 全角 公費受給者番号 or 性別 was a warning (the character rule
/// and the code list are inferred) and validate said アップロードできます.
#[test]
fn full_width_in_a_code_is_an_error_and_build_narrows_it() {
    use proptest::test_runner::{Config, TestRunner};
    use std::cell::Cell;
    use std::collections::BTreeSet;

    let layout = Layout::full();
    let (header, base) = minimal_row();
    let (header, base): (Vec<&str>, Vec<&str>) = (
        header.iter().map(String::as_str).collect(),
        base.iter().map(String::as_str).collect(),
    );
    // The columns whose field is code-like and whose value holds a letter or digit.
    let columns: Vec<usize> = (0..header.len())
        .filter(|&i| {
            layout
                .fields
                .iter()
                .any(|f| f.label_ja == header[i] && f.is_code_like())
                && base[i].chars().any(|c| c.is_ascii_alphanumeric())
        })
        .collect();
    assert!(columns.len() >= 10, "{columns:?}");
    let widen = |v: &str, mask: u64| -> String {
        v.chars()
            .enumerate()
            .map(|(i, c)| {
                if c.is_ascii_alphanumeric() && mask >> (i % 64) & 1 == 1 {
                    char::from_u32(u32::from(c) + 0xFEE0).unwrap()
                } else {
                    c
                }
            })
            .collect()
    };
    let (cases, warned_before) = (Cell::new(0u32), Cell::new(BTreeSet::new()));
    let mut runner = TestRunner::new(Config {
        cases: 200,
        ..Config::default()
    });
    runner
        .run(&(0..columns.len(), 1..u64::MAX), |(pick, mask)| {
            let col = columns[pick];
            let wide = widen(base[col], mask);
            if wide == base[col] {
                return Ok(()); // no letter or digit chosen
            }
            let mut row = base.clone();
            row[col] = &wide;
            let input = format!("\u{FEFF}{}\r\n{}\r\n", header.join(","), row.join(","));
            let v = check_bytes(&layout, Options::default(), input.as_bytes());
            let v016: Vec<_> = v
                .diagnostics
                .iter()
                .filter(|d| d.code == Code::FullWidthInCode)
                .collect();
            prop_assert_eq!(v016.len(), 1, "{}: {:?}", header[col], v.diagnostics);
            prop_assert_eq!(v016[0].column, Some(col as u32 + 1));
            prop_assert_eq!(v016[0].severity, pmh_core::Severity::Error);
            prop_assert!(v.errors >= 1);
            // The branch that matters: a field whose own rule would only have warned.
            if v016[0].basis != pmh_core::Basis::Verified {
                let mut s = warned_before.take();
                s.insert(header[col].to_owned());
                warned_before.set(s);
            }
            let (built, out) = build(&layout, Options::default(), input.as_bytes());
            prop_assert_eq!(built.count(Code::FullWidthInCode), 0);
            let again = check_bytes(&layout, Options::default(), &out);
            prop_assert_eq!(again.errors, 0, "{:?}", again.diagnostics);
            let out = String::from_utf8(out).unwrap();
            let cell = out
                .lines()
                .nth(1)
                .unwrap()
                .split(',')
                .nth(col)
                .unwrap()
                .to_owned();
            prop_assert_eq!(cell, base[col]);
            cases.set(cases.get() + 1);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(cases.get() >= 150, "{} cases", cases.get());
    let warned = warned_before.take();
    for field in ["公費受給者番号", "性別"] {
        assert!(
            warned.contains(field),
            "{field} not reached with an inferred rule: {warned:?}"
        );
    }
}

/// A `?` (or `？`, `〓`, `●`) or a character reference put anywhere in a name, a カナ or an address of a valid row
/// is never ✔: exactly one C006, an error, at that cell, and no other finding there (the
/// reference's digits in 氏名 are not V012); build finds the same and keeps the value (it is
/// not a repair's to guess the lost character).
#[test]
fn a_lost_character_in_a_name_or_address_is_an_error() {
    use proptest::test_runner::{Config, TestRunner};
    use std::cell::Cell;

    let layout = Layout::full();
    let (header, base) = minimal_row();
    let (header, base): (Vec<&str>, Vec<&str>) = (
        header.iter().map(String::as_str).collect(),
        base.iter().map(String::as_str).collect(),
    );
    let columns: Vec<usize> = ["氏名", "氏名カナ", "住所"]
        .iter()
        .map(|n| header.iter().position(|h| h == n).unwrap())
        .collect();
    let marks = [
        "?",
        "？",
        "〓",
        "●",
        "&#134071;",
        "&#x30B5;",
        "&#X9AD9;",
        "&#38;",
    ];
    let (cases, references, wide) = (Cell::new(0u32), Cell::new(0u32), Cell::new(0u32));
    let mut runner = TestRunner::new(Config {
        cases: 200,
        ..Config::default()
    });
    runner
        .run(
            &(0..columns.len(), 0..marks.len(), 0..64usize),
            |(pick, mark, at)| {
                let col = columns[pick];
                let chars: Vec<char> = base[col].chars().collect();
                let at = at % (chars.len() + 1);
                let value: String = chars[..at]
                    .iter()
                    .chain(marks[mark].chars().collect::<Vec<_>>().iter())
                    .chain(&chars[at..])
                    .collect();
                let mut row = base.clone();
                row[col] = &value;
                let input = format!("\u{FEFF}{}\r\n{}\r\n", header.join(","), row.join(","));
                for report in [
                    check_bytes(&layout, Options::default(), input.as_bytes()),
                    build(&layout, Options::default(), input.as_bytes()).0,
                ] {
                    let here: Vec<_> = report
                        .diagnostics
                        .iter()
                        .filter(|d| d.column == Some(col as u32 + 1) && d.row == Some(2))
                        .map(|d| (d.code, d.severity))
                        .collect();
                    prop_assert_eq!(
                        here,
                        vec![(Code::LostCharacter, pmh_core::Severity::Error)],
                        "{}",
                        value
                    );
                    prop_assert!(report.errors >= 1);
                }
                let (_, out) = build(&layout, Options::default(), input.as_bytes());
                let out = String::from_utf8(out).unwrap();
                prop_assert!(out.contains(&value), "{}", out);
                cases.set(cases.get() + 1);
                if mark > 3 {
                    references.set(references.get() + 1);
                } else if mark > 0 {
                    wide.set(wide.get() + 1);
                }
                Ok(())
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cases.get(), 200);
    assert!(references.get() >= 60, "{} references", references.get());
    assert!(wide.get() >= 40, "{} marks", wide.get());
}
