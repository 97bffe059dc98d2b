use super::export::redact_error;
use super::*;
use crate::protocol::WindowReq;
use crate::text::Lang;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures");

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{path}")).unwrap()
}

fn no_progress() -> impl FnMut(Phase, u64, u64) {
    |_, _, _| {}
}

/// The automatic mapping of `headers` (what the page offers before the clerk changes it).
fn auto_mapping(s: &Session, headers: &[String]) -> ColumnMapping {
    let targets = crate::mapping::targets(s.layout(), headers, None);
    crate::mapping::to_mapping("", s.layout(), headers, &targets)
}

/// Loads `bytes` and checks them with the automatic mapping.
fn checked(bytes: Vec<u8>) -> Session {
    checked_from(
        InputSource::File {
            name: "t.csv".into(),
        },
        bytes,
    )
}

/// `bytes` read from `source`, mapped automatically and checked.
fn checked_from(source: InputSource, bytes: Vec<u8>) -> Session {
    let mut s = Session::default();
    load_and_check(&mut s, source, bytes);
    s
}

/// Loads `bytes` from `source` into `s` (as configured), maps automatically and checks.
fn load_and_check(s: &mut Session, source: InputSource, bytes: Vec<u8>) {
    let preview = s
        .load(source, Some(bytes), None, &mut no_progress())
        .unwrap();
    let mapping = auto_mapping(s, &preview.headers);
    s.check(
        &mapping.to_json(),
        &Prepare::default(),
        "",
        &mut no_progress(),
    )
    .unwrap();
}

fn view_all(s: &mut Session) -> ViewData {
    s.view(&ViewReq {
        window: WindowReq {
            filter: Filter::All,
            start: 0,
            count: 100,
        },
        list: Some(ListReq {
            code: None,
            offset: 0,
            limit: 100,
        }),
        jump: None,
    })
    .unwrap()
}

fn codes_of(s: &Session) -> Vec<(String, u64)> {
    s.summary()
        .unwrap()
        .codes
        .into_iter()
        .map(|c| (c.code, c.count))
        .collect()
}

/// What `pmhcsv build` computes for `bytes`: the checker alone, CLI options.
fn cli_build(bytes: &[u8], mapping: &str) -> (Vec<u8>, Report) {
    let layout = Layout::full();
    let opts = Options {
        mapping: Some(ColumnMapping::from_json(mapping, &layout).unwrap()),
        ..Options::build(OutputFormat::Csv)
    };
    let mut c = Checker::new(&layout, opts);
    let mut out = Vec::new();
    for chunk in bytes.chunks(64 * 1024) {
        c.feed(chunk);
        out.extend(c.take_output());
    }
    let (report, tail) = c.finish_with_output();
    out.extend(tail);
    (out, report)
}

/// The upload CSV the page saves now: (file name, MIME type, bytes, errors in it).
fn upload_csv(s: &Session) -> (String, &'static str, Vec<u8>, u64) {
    s.download(
        DownloadKind::UploadCsv,
        ReportLang::Ja,
        &DownloadExtra::default(),
        &mut no_progress(),
    )
    .unwrap()
}

fn full_check_counts(s: &Session) -> Vec<(String, u64)> {
    // A fresh full check of the current (edited) table: what incremental re-checks must match.
    let (input, results) = s.results().unwrap();
    let bytes = input.table.to_csv(b',');
    let mut fresh = Session::default();
    fresh
        .load(InputSource::Paste, Some(bytes), None, &mut no_progress())
        .unwrap();
    fresh
        .check(
            &results.mapping.to_json(),
            &Prepare::default(),
            "",
            &mut no_progress(),
        )
        .unwrap();
    codes_of(&fresh)
}

#[test]
fn loads_checks_and_shows_a_clean_file() {
    let mut s = checked(fixture("valid/full_minimal.csv"));
    let summary = s.summary().unwrap();
    assert_eq!(summary.rows, 3);
    assert_eq!(summary.errors, 0);
    assert!(!summary.truncated);
    assert!(summary.upload_ready);
    // Without a master the checker says so once (M007, info).
    assert_eq!(summary.file_findings.len(), 1);
    assert_eq!(summary.file_findings[0].code, "M007");
    let view = view_all(&mut s);
    assert_eq!(view.window.total, 3);
    assert_eq!(view.window.rows[0].row, 2);
    assert_eq!(view.window.rows[0].cells[2], "愛知花子");
    assert!(view.window.rows.iter().all(|r| r.marks.is_empty()));
}

#[test]
fn preview_has_headers_samples_and_sheets() {
    let mut s = Session::default();
    let p = s
        .load(
            InputSource::Paste,
            Some("氏名\t個人番号\r\n山田\t1\r\n\t2\r\n佐藤\t3\r\n田中\t4\r\n".into()),
            None,
            &mut no_progress(),
        )
        .unwrap();
    assert_eq!(p.headers, ["氏名", "個人番号"]);
    assert_eq!(p.samples[0], ["山田", "佐藤", "田中"]);
    assert_eq!(p.rows, 4);
    assert!(p.sheets.is_empty());

    let p = s
        .load(
            InputSource::File {
                name: "b.xlsx".into(),
            },
            Some(fixture("xlsx/full_numbers_dates.xlsx")),
            None,
            &mut no_progress(),
        )
        .unwrap();
    assert!(!p.sheets.is_empty());
    assert!(p.headers.iter().any(|h| h == "個人番号"), "{:?}", p.headers);
    // Another sheet of the same workbook, without sending it again.
    let first = p.sheets[0].clone();
    let again = s
        .load(
            InputSource::Paste,
            None,
            Some(first.clone()),
            &mut no_progress(),
        )
        .unwrap();
    assert_eq!(again.sheet, Some(first));
}

#[test]
fn bad_inputs_are_clear_errors() {
    let mut s = Session::default();
    let empty = s.load(
        InputSource::Paste,
        Some(Vec::new()),
        None,
        &mut no_progress(),
    );
    assert_eq!(empty.unwrap_err(), WorkerError::Empty);
    let blank = s.load(
        InputSource::Paste,
        Some(b"\r\n\r\n".to_vec()),
        None,
        &mut no_progress(),
    );
    assert!(blank.is_err());
    let binary = s.load(
        InputSource::Paste,
        Some(vec![0, 159, 146, 150, 0, 255, 0, 1, 2, 3]),
        None,
        &mut no_progress(),
    );
    assert!(binary.is_err());
    let broken = s.load(
        InputSource::Paste,
        Some(fixture("xlsx/truncated.xlsx")),
        None,
        &mut no_progress(),
    );
    assert!(broken.is_err());
    // No sheet to switch to.
    assert!(
        s.load(
            InputSource::Paste,
            None,
            Some("x".into()),
            &mut no_progress()
        )
        .is_err()
    );
    assert!(s.summary().is_err());
    assert!(s.edit(CellRef { row: 2, col: 1 }, "x", "").is_err());
    assert!(
        s.check("{}", &Prepare::default(), "", &mut no_progress())
            .is_err()
    );
}

#[test]
fn cp932_input_is_decoded() {
    let mut s = checked(fixture("invalid/S010_cp932.csv"));
    let summary = s.summary().unwrap();
    assert_eq!(summary.encoding.ja, "Shift_JIS（CP932）");
    assert_eq!(summary.errors, 0, "source data may be CP932");
    let view = view_all(&mut s);
    assert!(view.window.rows[0].cells.iter().any(|c| c.contains("愛知")));
}

#[test]
fn editing_a_cell_rechecks_its_row() {
    let text = String::from_utf8(fixture("valid/full_minimal.csv")).unwrap();
    let bad = text.replacen("123456789018", "123456789012", 1);
    let mut s = checked(bad.into_bytes());
    assert_eq!(s.summary().unwrap().errors, 1);
    let view = view_all(&mut s);
    let mark = &view.window.rows[0].marks[0];
    assert_eq!((mark.col, mark.severity), (2, Sev::Error));
    assert_eq!(mark.findings[0].code, "N001");
    assert!(mark.findings[0].message.ja.contains("チェックデジット"));
    assert_eq!(view.list.as_ref().unwrap().items[0].code, "N001");

    // Problems view: only that row.
    let problems = s
        .view(&ViewReq {
            window: WindowReq {
                filter: Filter::Problems,
                start: 0,
                count: 10,
            },
            ..ViewReq::default()
        })
        .unwrap();
    assert_eq!(problems.window.total, 1);

    let n = s
        .edit(CellRef { row: 2, col: 2 }, "123456789018", "t1")
        .unwrap();
    assert_eq!(n, 1);
    let summary = s.summary().unwrap();
    assert_eq!(summary.errors, 0);
    assert!(summary.upload_ready);
    assert_eq!(summary.changes, 1);
    assert!(view_all(&mut s).window.rows[0].marks.is_empty());
    // The same value again changes nothing and is not logged.
    assert_eq!(
        s.edit(CellRef { row: 2, col: 2 }, "123456789018", "t2")
            .unwrap(),
        0
    );
    assert_eq!(s.changes().len(), 1);
    // Header and out-of-range cells are refused.
    assert!(s.edit(CellRef { row: 1, col: 1 }, "x", "").is_err());
    assert!(s.edit(CellRef { row: 99, col: 1 }, "x", "").is_err());
    assert!(s.edit(CellRef { row: 2, col: 0 }, "x", "").is_err());
    assert_eq!(codes_of(&s), full_check_counts(&s));
}

/// How many findings of `code` the page's summary counts.
fn summary_count(s: &Session, code: &str) -> u64 {
    s.summary()
        .unwrap()
        .codes
        .iter()
        .find(|c| c.code == code)
        .map_or(0, |c| c.count)
}

#[test]
fn cross_row_findings_follow_edits() {
    let mut s = checked(fixture("invalid/K001_duplicate_certificate.csv"));
    let k001 = |s: &Session| summary_count(s, "K001");
    assert_eq!(k001(&s), 1);
    let view = view_all(&mut s);
    let dup_row = view
        .window
        .rows
        .iter()
        .find(|r| {
            r.marks
                .iter()
                .any(|m| m.findings.iter().any(|f| f.code == "K001"))
        })
        .unwrap()
        .row;
    assert_eq!(dup_row, 4);
    // Change the earlier row's My Number: the later row is no longer a duplicate.
    s.edit(CellRef { row: 2, col: 2 }, "983205673214", "t")
        .unwrap();
    assert_eq!(k001(&s), 0);
    assert_eq!(codes_of(&s), full_check_counts(&s));
    // Change it back: the duplicate returns, reported on the later row, naming row 2.
    s.undo("t").unwrap();
    assert_eq!(k001(&s), 1);
    let view = view_all(&mut s);
    let f = view.window.rows[2]
        .marks
        .iter()
        .flat_map(|m| &m.findings)
        .find(|f| f.code == "K001")
        .unwrap();
    assert!(f.message.ja.contains('2'), "{}", f.message.ja);
    assert_eq!(codes_of(&s), full_check_counts(&s));
    // Make row 3 a duplicate of row 2 as well.
    s.edit(CellRef { row: 3, col: 2 }, "123456789018", "t")
        .unwrap();
    assert_eq!(codes_of(&s), full_check_counts(&s));
    assert!(k001(&s) >= 2);
    assert_eq!(s.changes().len(), 3);
}

#[test]
fn repairs_apply_to_one_cell_or_all() {
    let mut s = checked(fixture("invalid/X006_wareki_date.csv"));
    let before = codes_of(&s);
    let x006 = before
        .iter()
        .find(|(c, _)| c == "X006")
        .map(|(_, n)| *n)
        .unwrap();
    assert!(x006 >= 2, "{before:?}");
    let view = view_all(&mut s);
    let (row, col, after) = view
        .window
        .rows
        .iter()
        .flat_map(|r| r.marks.iter().map(move |m| (r.row, m)))
        .flat_map(|(row, m)| m.findings.iter().map(move |f| (row, m.col, f)))
        .find(|(_, _, f)| f.code == "X006")
        .map(|(row, col, f)| (row, col, f.repair.clone().unwrap().after))
        .unwrap();
    assert_eq!(
        s.repair(CellRef { row, col }, "X006", false, "t").unwrap(),
        1
    );
    let cells = view_all(&mut s).window.rows[(row - 2) as usize]
        .cells
        .clone();
    assert_eq!(cells[col as usize - 1], after);
    let left = codes_of(&s)
        .iter()
        .find(|(c, _)| c == "X006")
        .map_or(0, |(_, n)| *n);
    assert_eq!(left, x006 - 1);
    assert_eq!(
        s.repair(CellRef { row, col }, "X006", true, "t").unwrap() as u64,
        x006 - 1
    );
    assert!(!codes_of(&s).iter().any(|(c, _)| c == "X006"));
    assert_eq!(codes_of(&s), full_check_counts(&s));
    assert!(s.repair(CellRef { row, col }, "X006", false, "t").is_err());
    assert!(s.repair(CellRef { row, col }, "nope", false, "t").is_err());
    // The log names what was done.
    let kinds: Vec<_> = s.changes().iter().map(|c| c.kind.clone()).collect();
    assert_eq!(kinds[0], ChangeKind::Repair(Code::RepairDate));
    assert_eq!(kinds[1], ChangeKind::RepairAll(Code::RepairDate));
    let (_, _, log, _) = s
        .download(
            DownloadKind::ChangeLog,
            ReportLang::Ja,
            &DownloadExtra::default(),
            &mut no_progress(),
        )
        .unwrap();
    let log = String::from_utf8(log).unwrap();
    assert!(log.starts_with("\u{FEFF}番号,日時,操作,行,列"));
    assert!(log.contains("修正案を一括適用"));
    assert!(log.contains("平成25年1月1日"));
    assert_eq!(log.matches("\r\n").count(), 1 + s.changes().len());
}

#[test]
fn downloads_are_what_the_cli_writes() {
    let bytes = fixture("invalid/X006_wareki_date.csv");
    let mut s = checked(bytes.clone());
    let mapping = s.results().unwrap().1.mapping.to_json();
    let (name, mime, csv, errors) = upload_csv(&s);
    let (cli, report) = cli_build(&bytes, &mapping);
    assert_eq!(csv, cli);
    assert_eq!(errors, report.errors);
    assert_eq!((name.as_str(), mime), ("t_PMH.csv", "text/csv"));
    assert!(csv.starts_with("\u{FEFF}機関別受給者証種別ID".as_bytes()));

    let (_, _, json, _) = s
        .download(
            DownloadKind::UploadJson,
            ReportLang::Ja,
            &DownloadExtra::default(),
            &mut no_progress(),
        )
        .unwrap();
    let parsed: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert!(parsed.is_array());

    let (name, _, report_csv, _) = s
        .download(
            DownloadKind::ReportCsv,
            ReportLang::Ja,
            &DownloadExtra::default(),
            &mut no_progress(),
        )
        .unwrap();
    assert_eq!(name, "t_確認結果.csv");
    let report_csv = String::from_utf8(report_csv).unwrap();
    assert!(report_csv.starts_with("\u{FEFF}ファイル,行,列,項目"));
    assert!(report_csv.contains("X006"));

    // After an edit the upload file is built from the edited table.
    s.edit(CellRef { row: 2, col: 3 }, "愛知花代", "t").unwrap();
    let (_, _, edited, _) = upload_csv(&s);
    let edited = String::from_utf8(edited).unwrap();
    assert!(edited.contains("愛知花代"));
    let (_, _, report_csv, _) = s
        .download(
            DownloadKind::ReportCsv,
            ReportLang::En,
            &DownloadExtra::default(),
            &mut no_progress(),
        )
        .unwrap();
    assert!(
        String::from_utf8(report_csv)
            .unwrap()
            .starts_with("\u{FEFF}file,row,column")
    );
}

/// (code, row, column) of every finding of `bytes` under the grid's options.
fn positions(s: &Session, bytes: &[u8]) -> Vec<(Code, Option<u32>, Option<u32>)> {
    let opts = s.grid_options(&s.results().unwrap().1.mapping);
    let report = pmh_core::check_bytes(s.layout(), opts, bytes);
    let mut v: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| (d.code, d.row, d.column))
        .collect();
    v.sort();
    v
}

#[test]
fn the_helpdesk_copy_is_anonymous_with_the_same_findings() {
    let bytes = fixture("invalid/K001_duplicate_certificate.csv");
    let mut s = checked(bytes.clone());
    let extra = DownloadExtra { time: "", seed: 7 };
    let (name, mime, copy, _) = s
        .download(
            DownloadKind::Helpdesk,
            ReportLang::Ja,
            &extra,
            &mut no_progress(),
        )
        .unwrap();
    // Never the input's name, which may hold a name or a number.
    assert_eq!(
        (name.as_str(), mime),
        ("ヘルプデスク用_匿名化.csv", "text/csv")
    );
    let text = String::from_utf8(copy.clone()).unwrap();
    for personal in [
        "123456789018",
        "023456789013",
        "愛知花子",
        "山田太郎",
        "アイチ　ハナコ",
        "愛知県名古屋市",
        "2013-01-01",
        "2015-06-30",
    ] {
        assert!(!text.contains(personal), "{personal} in {text}");
    }
    assert!(text.contains("子ども医療費受給者証") && text.contains("88134457"));
    let original = positions(&s, &bytes);
    assert!(original.iter().any(|p| p.0 == Code::DuplicateCertificate));
    assert_eq!(positions(&s, &copy), original);
    // The same seed gives the same copy; another seed another one.
    assert_eq!(s.helpdesk_copy(7).unwrap(), copy);
    assert_ne!(s.helpdesk_copy(8).unwrap(), copy);

    // Edits are not included: the file is anonymised as loaded, also once the edits were
    // folded into the checked bytes (a new check).
    s.edit(CellRef { row: 4, col: 2 }, "983205673214", "t")
        .unwrap();
    assert_eq!(s.helpdesk_copy(7).unwrap(), copy);
    let mapping = s.results().unwrap().1.mapping.to_json();
    s.check(&mapping, &Prepare::default(), "", &mut no_progress())
        .unwrap();
    assert!(s.loaded().unwrap().original.is_some());
    assert_eq!(s.helpdesk_copy(7).unwrap(), copy);
}

#[test]
fn the_helpdesk_copy_keeps_the_encoding_and_needs_a_check() {
    let bytes = fixture("invalid/S010_cp932.csv");
    let s = checked(bytes.clone());
    let copy = s.helpdesk_copy(1).unwrap();
    assert!(!copy.starts_with(b"\xEF\xBB\xBF"));
    assert!(String::from_utf8(copy.clone()).is_err(), "still CP932");
    assert_eq!(positions(&s, &copy), positions(&s, &bytes));
    let mut fresh = Session::default();
    fresh
        .load(InputSource::Paste, Some(bytes), None, &mut no_progress())
        .unwrap();
    assert_eq!(fresh.helpdesk_copy(1).unwrap_err(), WorkerError::NotChecked);
}

#[test]
fn redaction_failures_read_as_the_page_speaks() {
    let e = redact_error(&RedactError::FindingsChanged {
        original: 3,
        redacted: 2,
        first: None,
    });
    assert_eq!(
        e,
        WorkerError::RedactMismatch {
            original: 3,
            redacted: 2
        }
    );
    let (ja, en) = (
        crate::text::worker_error(Lang::Ja, &e),
        crate::text::worker_error(Lang::En, &e),
    );
    assert!(
        ja.contains("元のファイルの指摘 3 件、匿名化後 2 件"),
        "{ja}"
    );
    assert!(!ja.contains("--seed"));
    assert!(en.contains("3 before, 2 after"));
}

#[test]
fn the_receipt_records_the_input_the_findings_and_the_upload_csv() {
    let bytes = fixture("invalid/X006_wareki_date.csv");
    let mut s = checked(bytes.clone());
    let time = "2025-04-01T00:30:15.123Z";
    let extra = DownloadExtra { time, seed: 0 };
    let receipt = |s: &Session| {
        let (name, mime, json, _) = s
            .download(
                DownloadKind::Receipt,
                ReportLang::Ja,
                &extra,
                &mut no_progress(),
            )
            .unwrap();
        assert_eq!(
            (name.as_str(), mime),
            ("t_確認の記録.json", "application/json")
        );
        serde_json::from_slice::<serde_json::Value>(&json).unwrap()
    };
    let upload = |s: &Session| {
        s.download(
            DownloadKind::UploadCsv,
            ReportLang::Ja,
            &extra,
            &mut no_progress(),
        )
        .unwrap()
        .2
    };
    let v = receipt(&s);
    assert_eq!(v["tool"]["name"], RECEIPT_TOOL);
    assert_eq!(v["command"], "build");
    assert_eq!(v["time"], time);
    assert_eq!(v["layout"]["id"], "full");
    let input = &v["inputs"][0];
    assert_eq!(input["name"], "t.csv");
    assert_eq!(input["format"], "csv");
    assert_eq!(input["bytes"], bytes.len());
    assert_eq!(input["sha256"], sha256_hex(&bytes));
    assert_eq!(input["encoding"], "utf-8-bom");
    let mapping = s.results().unwrap().1.mapping.to_json();
    let (cli, report) = cli_build(&bytes, &mapping);
    for (code, n) in report.codes_found() {
        assert_eq!(input["counts"][code.as_str()], n);
    }
    assert_eq!(input["rows"], report.rows);
    assert_eq!(v["output"]["name"], "t_PMH.csv");
    assert_eq!(v["output"]["sha256"], sha256_hex(&cli));
    assert_eq!(v["output"]["sha256"], sha256_hex(&upload(&s)));
    assert_eq!(v["output"]["bytes"], cli.len());

    // After an edit: the same input, the counts and the upload CSV of the data now.
    let x006 = input["counts"]["X006"].as_u64().unwrap();
    let cell = view_all(&mut s).window.rows[0]
        .marks
        .iter()
        .find(|m| m.findings.iter().any(|f| f.code == "X006"))
        .map(|m| CellRef { row: 2, col: m.col })
        .unwrap();
    s.repair(cell, "X006", false, "t").unwrap();
    // (A repair the build makes anyway leaves the upload CSV as it was.)
    assert_eq!(receipt(&s)["output"], v["output"]);
    s.edit(CellRef { row: 2, col: 3 }, "愛知花代", "t").unwrap();
    let after = receipt(&s);
    assert_eq!(after["inputs"][0]["sha256"], sha256_hex(&bytes));
    assert_eq!(after["inputs"][0]["encoding"], "utf-8-bom");
    assert_eq!(after["inputs"][0]["counts"]["X006"], x006 - 1);
    assert_ne!(after["output"]["sha256"], v["output"]["sha256"]);
    assert_eq!(after["output"]["sha256"], sha256_hex(&upload(&s)));

    // The page's clock must be a real time.
    let bad = s.download(
        DownloadKind::Receipt,
        ReportLang::En,
        &DownloadExtra::default(),
        &mut no_progress(),
    );
    assert!(matches!(bad.unwrap_err(), WorkerError::ReceiptTime { .. }));
}

#[test]
fn a_paste_is_anonymised_and_recorded_as_its_utf8_text() {
    let text = String::from_utf8(fixture("invalid/N001_my_number_check_digit.csv"))
        .unwrap()
        .trim_start_matches('\u{FEFF}')
        .replace(',', "\t");
    let s = checked_from(InputSource::Paste, text.clone().into_bytes());
    let extra = DownloadExtra {
        time: "2025-04-01T00:00:00Z",
        seed: 99,
    };
    let (name, _, copy, _) = s
        .download(
            DownloadKind::Helpdesk,
            ReportLang::Ja,
            &extra,
            &mut no_progress(),
        )
        .unwrap();
    assert_eq!(name, "ヘルプデスク用_匿名化.csv");
    assert!(
        positions(&s, text.as_bytes())
            .iter()
            .any(|p| p.0 == Code::MyNumberCheckDigit)
    );
    assert_eq!(positions(&s, &copy), positions(&s, text.as_bytes()));
    assert!(
        String::from_utf8(copy).unwrap().contains('\t'),
        "tab-separated as pasted"
    );
    let v: serde_json::Value =
        serde_json::from_str(&s.receipt(extra.time, &mut no_progress()).unwrap()).unwrap();
    assert_eq!(v["inputs"][0]["name"], "貼り付け");
    assert_eq!(v["inputs"][0]["sha256"], sha256_hex(text.as_bytes()));
    assert_eq!(v["inputs"][0]["bytes"], text.len());
    assert_eq!(v["output"]["name"], "貼り付けデータ_PMH.csv");
}

#[test]
fn the_receipt_of_a_workbook_records_the_workbook() {
    let book = fixture("xlsx/full_numbers_dates.xlsx");
    let s = checked_from(
        InputSource::File {
            name: "受給者.xlsx".into(),
        },
        book.clone(),
    );
    assert!(s.summary().unwrap().workbook);
    let json = s
        .receipt("2025-04-01T00:00:00Z", &mut no_progress())
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let input = &v["inputs"][0];
    assert_eq!(input["name"], "受給者.xlsx");
    assert_eq!(input["format"], "xlsx");
    assert_eq!(input["bytes"], book.len());
    assert_eq!(input["sha256"], sha256_hex(&book));
    // The help-desk copy is the sheet's CSV, anonymised.
    let copy = s.helpdesk_copy(3).unwrap();
    assert!(!xlsx::is_xlsx(&copy));
    let sheet = s.loaded().unwrap().as_loaded().to_vec();
    assert_eq!(positions(&s, &copy), positions(&s, &sheet));
}

#[test]
fn views_filter_jump_and_page() {
    let mut text = String::from_utf8(fixture("valid/full_minimal.csv")).unwrap();
    let row = text.lines().nth(1).unwrap().to_owned();
    for i in 0..300 {
        // Every 10th row has an impossible date.
        let r = if i % 10 == 0 {
            row.replace("2013-01-01", "2013-02-30")
        } else {
            row.replace("123456789018", &pmh_core::synth::my_number(i))
        };
        text.push_str(&r);
        text.push_str("\r\n");
    }
    let mut s = checked(text.into_bytes());
    let summary = s.summary().unwrap();
    assert_eq!(summary.rows, 303);
    assert!(summary.error_rows >= 30);
    let req = |filter: Filter, start: u32, jump: Option<CellRef>| ViewReq {
        window: WindowReq {
            filter,
            start,
            count: 20,
        },
        list: Some(ListReq {
            code: Some("V004".into()),
            offset: 5,
            limit: 10,
        }),
        jump,
    };
    let v = s.view(&req(Filter::Code("V004".into()), 0, None)).unwrap();
    assert_eq!(v.window.total, 30);
    assert_eq!(v.window.rows.len(), 20);
    let list = v.list.unwrap();
    assert_eq!((list.total, list.offset, list.items.len()), (30, 5, 10));
    assert!(list.items.iter().all(|f| f.code == "V004"));
    let v = s.view(&req(Filter::All, 290, None)).unwrap();
    assert_eq!(v.window.start, 290);
    assert_eq!(v.window.rows.len(), 13);
    // Past the end: clamped.
    let v = s.view(&req(Filter::All, 10_000, None)).unwrap();
    assert_eq!(v.window.start, 302);
    // Jump to a row the filter hides: back to all rows.
    let cell = CellRef { row: 150, col: 3 };
    let v = s.view(&req(Filter::Errors, 0, Some(cell))).unwrap();
    assert_eq!(v.window.filter, Filter::All);
    let jumped = v.jumped.unwrap();
    assert_eq!(jumped.index, 148);
    assert!(v.window.rows.iter().any(|r| r.row == 150));
    // A jump within the filter stays in it.
    let v = s
        .view(&req(Filter::Errors, 0, Some(CellRef { row: 105, col: 6 })))
        .unwrap();
    assert_eq!(v.window.filter, Filter::Errors);
    assert_eq!(v.jumped.unwrap().index, 10);
}

#[test]
fn configure_changes_layout_and_masters() {
    let mut s = checked(fixture("valid/full_minimal_with_master.csv"));
    assert!(
        s.summary()
            .unwrap()
            .file_findings
            .iter()
            .any(|f| f.code == "M007")
    );
    let master = fixture("masters/example_master.csv");
    s.configure(&LayoutSpec::Full, &[("example_master.csv", &master)])
        .unwrap();
    assert!(s.summary().is_err(), "results are dropped");
    let headers = s.loaded().unwrap().table.headers();
    let m = auto_mapping(&s, &headers);
    s.check(&m.to_json(), &Prepare::default(), "", &mut no_progress())
        .unwrap();
    let summary = s.summary().unwrap();
    assert!(!summary.file_findings.iter().any(|f| f.code == "M007"));
    assert!(summary.masters.ja.contains("example_master.csv"));
    assert_eq!(summary.errors, 0);

    assert!(
        s.configure(&LayoutSpec::Full, &[("bad.csv", b"x,y\r\n")])
            .is_err()
    );
    let bad = s.configure(
        &LayoutSpec::Custom {
            name: "x.toml".into(),
            toml: "id = ".into(),
        },
        &[],
    );
    let bad = bad.unwrap_err();
    assert!(matches!(bad, WorkerError::Layout { .. }));
    assert!(
        crate::text::worker_error(Lang::Ja, &bad).starts_with("レイアウトファイルを使えません")
    );
    s.configure(&LayoutSpec::Diff, &[]).unwrap();
    assert_eq!(s.layout().id, "diff");
    s.configure(
        &LayoutSpec::Custom {
            name: "full.toml".into(),
            toml: pmh_core::FULL_TOML.into(),
        },
        &[],
    )
    .unwrap();
    assert_eq!(s.layout().id, "full");
}

#[test]
fn edits_survive_a_layout_with_another_delimiter() {
    let mut s = checked(fixture("valid/full_minimal.csv"));
    s.edit(CellRef { row: 2, col: 3 }, "愛知花代", "t").unwrap();
    let tabbed = pmh_core::FULL_TOML.replace("delimiter = \",\"", "delimiter = \"\\t\"");
    let spec = LayoutSpec::Custom {
        name: "tab.toml".into(),
        toml: tabbed,
    };
    s.configure(&spec, &[]).unwrap();
    assert_eq!(s.layout().dialect.delimiter_byte(), b'\t');
    let headers = s.loaded().unwrap().table.headers();
    assert_eq!(
        headers.len(),
        28,
        "still split into columns (the 28 columns of full_minimal.csv)"
    );
    let m = auto_mapping(&s, &headers);
    s.check(&m.to_json(), &Prepare::default(), "", &mut no_progress())
        .unwrap();
    let view = view_all(&mut s);
    assert_eq!(view.window.rows[0].cells[2], "愛知花代");
}

#[test]
fn bench_times_every_run() {
    let s = checked(fixture("valid/full_minimal.csv"));
    let mut calls = 0;
    let b = s
        .bench(3, &mut |f| {
            f();
            calls += 1;
            1.5
        })
        .unwrap();
    // Each repeat times the checker with and without the SHA-256.
    assert_eq!(
        (b.rows, b.runs_ms.len(), b.check_ms.len(), calls),
        (3, 3, 3, 6)
    );
    assert!(b.bytes > 100);
}

#[test]
fn blank_and_short_rows_can_be_filled_in() {
    let text = String::from_utf8(fixture("valid/full_minimal.csv")).unwrap();
    let mut lines: Vec<&str> = text.split("\r\n").collect();
    lines.insert(2, "");
    let text = lines.join("\r\n");
    let mut s = checked(text.into_bytes());
    assert!(codes_of(&s).iter().any(|(c, _)| c == "S009"));
    let v = view_all(&mut s);
    assert!(v.window.rows[1].blank);
    s.edit(CellRef { row: 3, col: 3 }, "名前", "t").unwrap();
    assert!(!codes_of(&s).iter().any(|(c, _)| c == "S009"));
    assert_eq!(codes_of(&s), full_check_counts(&s));
}

/// Every finding of the session, in order, as (code, row, column, detail).
fn ordered(s: &Session) -> Vec<(Code, Option<u32>, Option<u32>, String)> {
    let (_, results) = s.results().unwrap();
    results
        .findings
        .report(&results.meta)
        .diagnostics
        .iter()
        .map(|d| (d.code, d.row, d.column, format!("{:?}", d.detail)))
        .collect()
}

/// K005 ties rows that share only a 個人番号 (their certificate keys differ): an edit of either
/// re-checks both, so the page's findings stay the full check's.
#[test]
fn a_birth_date_conflict_follows_edits_of_either_row() {
    let mut s = checked(fixture("invalid/K005_sibling_number_in_child_row.csv"));
    let k005 = |s: &Session| summary_count(s, "K005");
    assert_eq!(k005(&s), 1);
    // The first row's date of birth typed as the second's: no conflict, and none left on row 3.
    s.edit(CellRef { row: 2, col: 6 }, "2016-05-05", "t")
        .unwrap();
    assert_eq!(k005(&s), 0);
    assert_eq!(codes_of(&s), full_check_counts(&s));
    s.undo("t").unwrap();
    assert_eq!(k005(&s), 1);
    assert_eq!(codes_of(&s), full_check_counts(&s));
    // The second row given its own number: no conflict.
    s.edit(CellRef { row: 3, col: 2 }, "983205673214", "t")
        .unwrap();
    assert_eq!(k005(&s), 0);
    assert_eq!(codes_of(&s), full_check_counts(&s));
    // Row 3 given the shared number back: K005 again, found through the number alone (the two
    // rows' certificate keys differ).
    s.edit(CellRef { row: 3, col: 2 }, "123456789018", "t")
        .unwrap();
    assert_eq!(k005(&s), 1);
    assert_eq!(codes_of(&s), full_check_counts(&s));
}

#[test]
fn rechecks_give_the_findings_of_a_full_check_in_its_order_with_a_master() {
    let master = fixture("masters/example_master.csv");
    let session = || {
        let mut s = Session::default();
        s.configure(&LayoutSpec::Full, &[("m.csv", &master)])
            .unwrap();
        s
    };
    let mut s = session();
    s.load(
        InputSource::Paste,
        Some(fixture("invalid/K001_duplicate_certificate.csv")),
        None,
        &mut no_progress(),
    )
    .unwrap();
    let mapping = {
        let (input, _) = (s.loaded().unwrap(), ());
        let headers = input.table.headers();
        auto_mapping(&s, &headers).to_json()
    };
    s.check(&mapping, &Prepare::default(), "", &mut no_progress())
        .unwrap();
    let fresh = |s: &Session| {
        let bytes = s.loaded().unwrap().table.to_csv(b',');
        let mut f = session();
        f.load(InputSource::Paste, Some(bytes), None, &mut no_progress())
            .unwrap();
        f.check(&mapping, &Prepare::default(), "", &mut no_progress())
            .unwrap();
        ordered(&f)
    };
    // A type whose insurer number (M002) and 区分 (M003) the master lacks, on both rows of a
    // duplicate pair (K001 on row 4).
    for (row, col, value) in [(4, 1, "NANBYO01"), (4, 13, "9"), (2, 1, "NANBYO01")] {
        s.edit(CellRef { row, col }, value, "t").unwrap();
        assert_eq!(ordered(&s), fresh(&s), "row {row} col {col}");
    }
    // The test means something: a key finding and a master finding on the same row.
    let row4: Vec<Code> = ordered(&s)
        .into_iter()
        .filter(|f| f.1 == Some(4))
        .map(|f| f.0)
        .collect();
    assert!(
        row4.contains(&Code::DuplicateCertificate) && row4.iter().any(|c| c.as_str() == "M002"),
        "{row4:?}"
    );
    for (cell, value) in [
        (CellRef { row: 2, col: 13 }, "9"),
        (CellRef { row: 2, col: 2 }, "983205673214"),
        (CellRef { row: 3, col: 2 }, "123456789018"),
        (CellRef { row: 2, col: 2 }, "123456789018"),
    ] {
        s.edit(cell, value, "t").unwrap();
        assert_eq!(ordered(&s), fresh(&s), "after {cell:?} = {value}");
    }
    s.undo("t").unwrap();
    assert_eq!(ordered(&s), fresh(&s));
}

/// A clerk's workbook saved as Excel 97-2003 (.xls) or with a password is an OLE2 file, not
/// a zip: the page says which, instead of only that the encoding is unknown.
#[test]
fn a_file_that_is_not_text_is_refused_with_its_reason() {
    let mut ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    ole.resize(4096, 0);
    let cases = [
        (ole, ".xls"),
        (b"\x00\x01\x02binary".to_vec(), "NUL"),
        (b"\xFD\xFD\x80\x80,a\r\n".to_vec(), "EUC-JP"),
    ];
    for (bytes, said) in cases {
        let mut s = Session::default();
        let r = s.load(
            InputSource::File {
                name: "x.xlsx".into(),
            },
            Some(bytes),
            None,
            &mut no_progress(),
        );
        let e = r.unwrap_err();
        let WorkerError::UnknownEncoding { why_ja, .. } = &e else {
            panic!("{e:?}");
        };
        assert!(why_ja.contains(said), "{why_ja}");
        let text = crate::text::worker_error(crate::text::Lang::Ja, &e);
        assert!(text.contains(why_ja.as_str()), "{text}");
    }
}

/// Issue 9 (1): the page refuses a file that reads as both Shift_JIS and EUC-JP instead of
/// guessing, and reads it as the clerk's choice (the selector, as the CLI's `--encoding`).
#[test]
fn an_ambiguous_file_is_refused_until_an_encoding_is_chosen() {
    let bytes = fixture("invalid/S018_ambiguous_encoding.csv");
    let mut s = Session::default();
    let r = s.load(
        InputSource::File {
            name: "x.csv".into(),
        },
        Some(bytes.clone()),
        None,
        &mut no_progress(),
    );
    assert_eq!(r.unwrap_err(), WorkerError::AmbiguousEncoding);
    s.set_encoding("euc-jp");
    let preview = s
        .load(
            InputSource::File {
                name: "x.csv".into(),
            },
            Some(bytes),
            None,
            &mut no_progress(),
        )
        .unwrap();
    let text = format!("{preview:?}");
    assert!(text.contains("愛知花子"), "{text}");
    // An unknown name is "detect".
    s.set_encoding("klingon");
    assert_eq!(s.encoding, EncodingChoice::Auto);
}

/// The upload compared with the previous one (issue 12): a 5-row file against the 20-row
/// previous upload of the P001 fixture → 15 removals over the limit, listed with 氏名 and
/// 公費受給者番号 (the page only); the same file → nothing changed; an unusable previous
/// file → refused with the reason; nothing compared without one.
#[test]
fn compared_with_the_previous_upload() {
    let previous = fixture("previous/P001_too_many_removals.csv");
    let mut s = checked(fixture("invalid/P001_too_many_removals.csv"));
    assert_eq!(s.summary().unwrap().previous, None);
    s.set_previous(Some(("last.csv", &previous)));
    assert!(
        s.summary().is_err(),
        "a new previous upload voids the results"
    );
    let mut s = checked(fixture("invalid/P001_too_many_removals.csv"));
    s.set_previous(Some(("last.csv", &previous)));
    load_and_check(
        &mut s,
        InputSource::File {
            name: "t.csv".into(),
        },
        fixture("invalid/P001_too_many_removals.csv"),
    );
    let summary = s.summary().unwrap();
    let p = summary.previous.clone().unwrap();
    assert_eq!((p.removed, p.added, p.changed, p.unchanged), (15, 0, 0, 5));
    assert!(p.over_limit && !summary.upload_ready);
    assert_eq!(p.removed_list.len(), 15);
    assert_eq!(p.removed_list[0].row, 7);
    assert_eq!(p.removed_list[0].name, "愛知花子");
    assert_eq!(p.removed_list[0].number, "00010005");

    // The previous upload against itself: no upload needed.
    let mut same = checked(previous.clone());
    same.set_previous(Some(("last.csv", &previous)));
    let mapping = {
        let headers = same
            .load(
                InputSource::File {
                    name: "t.csv".into(),
                },
                Some(previous.clone()),
                None,
                &mut no_progress(),
            )
            .unwrap()
            .headers;
        let targets = crate::mapping::targets(same.layout(), &headers, None);
        crate::mapping::to_mapping("", same.layout(), &headers, &targets)
    };
    same.check(
        &mapping.to_json(),
        &Prepare::default(),
        "",
        &mut no_progress(),
    )
    .unwrap();
    let p = same.summary().unwrap().previous.unwrap();
    assert!(p.nothing_changed() && !p.over_limit, "{p:?}");
    assert_eq!(p.unchanged, 20);

    // A header-only previous file is refused, with the reason; the file without errors is then
    // not called ready: the guard the clerk asked for did not run (`--previous` exits 2).
    let header_only = fixture("invalid/S003_header_only.csv");
    let mut s = checked(fixture("invalid/P001_too_many_removals.csv"));
    let alone = s.summary().unwrap();
    assert!(alone.errors == 0 && alone.upload_ready, "{alone:?}");
    s.set_previous(Some(("empty.csv", &header_only)));
    s.check(
        &mapping.to_json(),
        &Prepare::default(),
        "",
        &mut no_progress(),
    )
    .unwrap();
    let summary = s.summary().unwrap();
    let p = summary.previous.clone().unwrap();
    assert!(
        p.refused
            .as_ref()
            .is_some_and(|m| m.ja.contains("データの行がありません")),
        "{p:?}"
    );
    assert!(!p.nothing_changed() && !p.over_limit);
    assert!(summary.errors == 0 && !summary.upload_ready, "{summary:?}");
}

/// 「差分履歴ファイルを作る」 (issue 12, item 4) makes the very bytes `pmh_core::diff::diff`
/// makes with the CLI's defaults; the deletion guard refuses 15 deletions of 20 until
/// confirmed; the state it returns, given back, makes an identical second day a header-only
/// file ("no upload needed"); a bad state file is refused with the core's reason.
#[test]
fn the_diff_history_file_is_the_clis() {
    let from = fixture("previous/P001_too_many_removals.csv");
    let to = fixture("invalid/P001_too_many_removals.csv");
    let mut s = Session::default();
    let inputs = |allow: bool| DiffInputs {
        from: Some(("yesterday.csv", from.as_slice())),
        to: ("today.csv", to.as_slice()),
        state: None,
        allow_deletions: allow,
    };
    let refused = s.make_diff(&inputs(false));
    assert_eq!(refused.deletions, Some((15, 20)), "{refused:?}");
    assert!(refused.refused.is_some());
    assert_eq!(
        s.diff_download(DownloadKind::DiffCsv, Lang::Ja)
            .unwrap_err(),
        WorkerError::NoDiffMade,
        "a refused diff leaves nothing to save"
    );

    let made = s.make_diff(&inputs(true));
    assert_eq!(made.refused, None);
    assert_eq!(
        (made.registered, made.updated, made.deleted, made.unchanged),
        (0, 0, 15, 5)
    );
    assert!(made.ok, "{made:?}");
    let (name, _, csv) = s.diff_download(DownloadKind::DiffCsv, Lang::Ja).unwrap();
    assert_eq!(name, "today_差分履歴.csv");
    let (state_name, _, state) = s.diff_download(DownloadKind::DiffState, Lang::Ja).unwrap();
    assert_eq!(state_name, "差分履歴_状態ファイル.txt");

    // The same call the CLI makes (cli/src/diff.rs), on the same bytes.
    let cfg = pmh_core::diff::DiffConfig {
        max_deletions: pmh_core::diff::DeletionLimit::None,
        ..pmh_core::diff::DiffConfig::default()
    };
    let mut expected = Vec::new();
    let outcome = pmh_core::diff::diff(
        &Layout::full(),
        &Layout::diff(),
        &Options::default(),
        &cfg,
        Some(&mut pmh_core::diff::Bytes(&from)),
        &mut pmh_core::diff::Bytes(&to),
        pmh_core::diff::StateInput::None,
        &mut |b| {
            expected.extend_from_slice(b);
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(csv, expected);
    assert_eq!(state, outcome.state.to_text().into_bytes());
    assert_eq!(
        csv.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count(),
        1 + 15,
        "header and 15 deletion records"
    );

    // Day two: today's file again, with the state saved on day one → nothing to upload.
    let again = s.make_diff(&DiffInputs {
        from: Some(("today.csv", to.as_slice())),
        to: ("today.csv", to.as_slice()),
        state: Some(state.as_slice()),
        allow_deletions: false,
    });
    assert!(again.nothing_changed() && again.ok, "{again:?}");
    assert!(again.issues.is_empty(), "{again:?}");

    // A state file that is not one: refused with the core's reason, nothing to save.
    let bad = s.make_diff(&DiffInputs {
        state: Some(b"not a state\n"),
        ..inputs(true)
    });
    assert!(bad.refused.is_some() && bad.deletions.is_none(), "{bad:?}");
    assert!(s.diff_download(DownloadKind::DiffCsv, Lang::Ja).is_err());
}

/// `full_minimal.csv` with 備考 and 電話番号 columns appended (issue 11).
fn with_private_columns() -> Vec<u8> {
    let text = String::from_utf8(fixture("valid/full_minimal.csv")).unwrap();
    let mut out = String::new();
    for (i, line) in text.split_inclusive("\r\n").enumerate() {
        let body = line.trim_end_matches("\r\n");
        if body.is_empty() {
            out.push_str(line);
            continue;
        }
        let extra = if i == 0 {
            ",備考,電話番号".to_owned()
        } else {
            format!(",要連絡{i},052-123-45{i:02}")
        };
        out.push_str(&format!("{body}{extra}\r\n"));
    }
    out.into_bytes()
}

#[test]
fn the_helpdesk_copy_masks_columns_left_out_and_certificate_items() {
    let bytes = with_private_columns();
    // 備考 and 電話番号 are left out (the page's default), then 備考 kept as a 券面 item: in
    // neither case does any of their values survive, and the findings are the same.
    for detail in [false, true] {
        let mut s = Session::default();
        let preview = s
            .load(
                InputSource::Paste,
                Some(bytes.clone()),
                None,
                &mut no_progress(),
            )
            .unwrap();
        let mut targets = crate::mapping::targets(s.layout(), &preview.headers, None);
        let n = targets.len();
        assert_eq!(
            targets[n - 2..],
            [
                crate::mapping::Target::Ignore,
                crate::mapping::Target::Ignore
            ]
        );
        if detail {
            targets[n - 2] = crate::mapping::Target::Detail;
        }
        let mapping = crate::mapping::to_mapping("", s.layout(), &preview.headers, &targets);
        s.check(
            &mapping.to_json(),
            &Prepare::default(),
            "",
            &mut no_progress(),
        )
        .unwrap();
        let copy = String::from_utf8(s.helpdesk_copy(5).unwrap()).unwrap();
        for i in 1..=3 {
            assert!(!copy.contains(&format!("要連絡{i}")), "{copy}");
            assert!(!copy.contains(&format!("052-123-45{i:02}")), "{copy}");
        }
        assert!(
            copy.contains("備考") && copy.contains("電話番号"),
            "headers are kept"
        );
        assert_eq!(positions(&s, copy.as_bytes()), positions(&s, &bytes));
    }
}

#[test]
fn a_paste_without_its_header_row_keeps_every_recipient() {
    let text = String::from_utf8(fixture("valid/full_minimal.csv")).unwrap();
    let rows: String = text.split_inclusive("\r\n").skip(1).collect();
    let data_rows = rows.lines().filter(|l| !l.is_empty()).count() as u64;
    let mut s = Session::default();
    let preview = s
        .load(
            InputSource::Paste,
            Some(rows.clone().into_bytes()),
            None,
            &mut no_progress(),
        )
        .unwrap();
    // Row 1 is taken for the header: one recipient fewer, and the page is told it looks like data.
    assert!(preview.header_looks_like_data);
    assert_eq!(preview.rows, data_rows - 1);
    let preview = s.set_header_row(0).unwrap();
    assert!(!preview.header_looks_like_data);
    assert_eq!(preview.rows, data_rows);
    assert_eq!(preview.headers[0], "列A");
    assert_eq!(preview.header_row, 0);
    // Title rows: the header is row 3 of the input as read.
    let titled = format!("受給者一覧\r\n\r\n{text}");
    let preview = s
        .load(
            InputSource::Paste,
            Some(titled.into_bytes()),
            None,
            &mut no_progress(),
        )
        .unwrap();
    assert_eq!(preview.headers, ["受給者一覧"]);
    assert_eq!(
        preview.top_rows.iter().map(|r| r.0).collect::<Vec<_>>()[..2],
        [1, 3]
    );
    let preview = s.set_header_row(3).unwrap();
    assert_eq!(preview.headers[0], "機関別受給者証種別ID");
    assert_eq!(preview.rows, data_rows);
    assert_eq!(
        s.set_header_row(2).unwrap_err(),
        WorkerError::NoHeader,
        "a blank line"
    );
}

#[test]
fn constants_and_value_mappings_are_applied_before_the_check() {
    let text = String::from_utf8(fixture("valid/full_minimal.csv")).unwrap();
    // 性別 as labels, and the 不開示フラグ column removed (filled as a constant instead).
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() {
            continue;
        }
        let mut cells: Vec<String> = line.split(',').map(str::to_owned).collect();
        if i > 0 {
            cells[6] = if cells[6] == "1" {
                "男".into()
            } else {
                "女性".into()
            };
        }
        cells.remove(7);
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    let mut s = Session::default();
    let preview = s
        .load(
            InputSource::Paste,
            Some(out.into_bytes()),
            None,
            &mut no_progress(),
        )
        .unwrap();
    let sex = preview.headers.iter().position(|h| h == "性別").unwrap();
    let distinct = preview.distinct[sex].clone().unwrap();
    assert!(distinct.iter().any(|(v, _)| v == "男") && distinct.iter().any(|(v, _)| v == "女性"));
    let mapping = auto_mapping(&s, &preview.headers).to_json();
    s.check(&mapping, &Prepare::default(), "", &mut no_progress())
        .unwrap();
    let before: Vec<String> = codes_of(&s).into_iter().map(|c| c.0).collect();
    // The core proposes the code for a label (X013); the clerk's value mapping makes it moot.
    assert!(before.contains(&"X013".to_owned()), "{before:?}");
    assert!(
        before.contains(&"S002".to_owned()) || before.iter().any(|c| c.starts_with('S')),
        "{before:?}"
    );

    let prepare = Prepare {
        constants: vec![("isNotDisclosed".into(), "0".into())],
        values: std::collections::BTreeMap::from([(
            "basicFiveInfo.sex".to_owned(),
            std::collections::BTreeMap::from([
                ("男".to_owned(), "1".to_owned()),
                ("女性".to_owned(), "2".to_owned()),
            ]),
        )]),
    };
    s.check(&mapping, &prepare, "t", &mut no_progress())
        .unwrap();
    // Only M007 (no municipality master given) is left.
    assert_eq!(
        codes_of(&s),
        vec![("M007".to_owned(), 1)],
        "no finding left"
    );
    let rows = s.summary().unwrap().rows;
    assert!(s.changes().iter().all(|c| c.kind == ChangeKind::ValueMap));
    assert_eq!(s.changes().len() as u64, rows);
    // Checking again changes nothing more; without the constant the column goes away again.
    s.check(&mapping, &prepare, "t", &mut no_progress())
        .unwrap();
    assert_eq!(s.changes().len() as u64, rows);
    s.check(
        &mapping,
        &Prepare {
            constants: Vec::new(),
            ..prepare.clone()
        },
        "t",
        &mut no_progress(),
    )
    .unwrap();
    assert!(
        codes_of(&s).iter().any(|c| c.0 != "M007"),
        "the required column is missing again"
    );
    // The upload file holds the codes and the constant.
    s.check(&mapping, &prepare, "t", &mut no_progress())
        .unwrap();
    let extra = DownloadExtra { time: "", seed: 1 };
    let (_, _, upload, _) = s
        .download(
            DownloadKind::UploadCsv,
            ReportLang::Ja,
            &extra,
            &mut no_progress(),
        )
        .unwrap();
    let upload = String::from_utf8(upload).unwrap();
    assert!(!upload.contains("女性") && !upload.contains(",男,"));
}

#[test]
fn no_page_text_sends_the_clerk_to_a_command_line_and_the_check_digit_has_one_name() {
    let mut rewritten = 0;
    for &code in Code::ALL {
        let info = code.info();
        for (ja, en) in [(info.title_ja, info.title_en), (info.hint_ja, info.hint_en)] {
            let page = page_msg(ja, en);
            for word in text::page_words::FORBIDDEN {
                assert!(!page.ja.contains(word), "{code:?}: {}", page.ja);
                assert!(!page.en.contains(word), "{code:?}: {}", page.en);
            }
            for word in ["検証番号", "検査用数字", "検証用数字"] {
                assert!(!page.ja.contains(word), "{code:?}: {}", page.ja);
            }
            assert!(!page.ja.is_empty() && !page.en.is_empty(), "{code:?}");
            if page.ja != ja {
                rewritten += 1;
            }
        }
    }
    // The generator reaches the rewrite (the core texts do name the CLI).
    assert!(rewritten >= 10, "{rewritten}");
    let m007 = page_msg(Code::NoMaster.info().hint_ja, Code::NoMaster.info().hint_en);
    assert!(
        m007.ja
            .contains("「1. 設定と読み込み」で読み込んでください"),
        "{}",
        m007.ja
    );
}

#[test]
fn a_duplicate_row_is_left_out_in_one_change_and_comes_back_on_undo() {
    let bytes = fixture("invalid/K001_duplicate_certificate.csv");
    let mut s = checked(bytes);
    let dup = s
        .results()
        .unwrap()
        .1
        .findings
        .iter()
        .find(|d| d.code == Code::DuplicateCertificate)
        .and_then(|d| d.row)
        .unwrap();
    let rows_before = s.summary().unwrap().rows;
    let n = s.exclude_row(dup, "t").unwrap();
    assert!(n > 5, "every non-empty cell of the row: {n}");
    let codes: Vec<String> = codes_of(&s).into_iter().map(|c| c.0).collect();
    assert!(!codes.contains(&"K001".to_owned()), "{codes:?}");
    assert!(
        codes.contains(&"S009".to_owned()),
        "a blank row is left out of the upload: {codes:?}"
    );
    assert!(
        s.changes()
            .iter()
            .all(|c| c.kind == ChangeKind::ExcludeRow && c.after.is_empty())
    );
    // The upload file has one recipient fewer.
    let extra = DownloadExtra { time: "", seed: 1 };
    let (_, _, upload, _) = s
        .download(
            DownloadKind::UploadCsv,
            ReportLang::Ja,
            &extra,
            &mut no_progress(),
        )
        .unwrap();
    let lines = String::from_utf8(upload)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .count() as u64;
    assert_eq!(
        lines, rows_before,
        "header + every row but the excluded one"
    );
    s.undo("t").unwrap();
    assert!(codes_of(&s).iter().any(|c| c.0 == "K001"));
    assert_eq!(
        s.exclude_row(1, "t").unwrap_err(),
        WorkerError::NotADataCell { row: 1, col: 1 },
        "the header row"
    );
}

#[test]
fn replace_in_a_column_changes_every_cell_holding_the_text() {
    let bytes = fixture("valid/full_minimal.csv");
    // The 1-based column of 有効期間開始日, found by its header (the layout grows).
    let header = String::from_utf8_lossy(&bytes)
        .lines()
        .next()
        .unwrap()
        .to_owned();
    let col = 1 + header
        .trim_start_matches('\u{FEFF}')
        .split(',')
        .position(|h| h == "有効期間開始日")
        .unwrap() as u32;
    let mut s = checked(bytes);
    let n = s.replace_in_column(col, "2025-", "2024-", "t").unwrap();
    assert_eq!(u64::from(n), s.summary().unwrap().rows);
    assert!(
        s.changes()
            .iter()
            .all(|c| c.kind == ChangeKind::Replace && c.after.starts_with("2024-"))
    );
    assert_eq!(
        s.replace_in_column(col, "nothing", "x", "t").unwrap_err(),
        WorkerError::RepairNotFound
    );
    assert_eq!(
        s.replace_in_column(col, "", "x", "t").unwrap_err(),
        WorkerError::RepairNotFound
    );
}

#[test]
fn a_shown_character_loses_its_code_point_an_invisible_one_keeps_it() {
    use crate::text::page_words::strip_code_points;
    assert_eq!(
        strip_code_points("「10,000円」の3文字目「,」(U+002C)は使えません"),
        "「10,000円」の3文字目「,」は使えません"
    );
    assert_eq!(
        strip_code_points("値に (U+200B) があります"),
        "値に (U+200B) があります"
    );
    assert_eq!(strip_code_points("“Ａ”(U+FF21) and (U+"), "“Ａ” and (U+");
}

#[test]
fn redo_brings_back_what_undo_took_and_a_new_change_forgets_it() {
    let mut s = checked(fixture("valid/full_minimal.csv"));
    let cell = CellRef { row: 2, col: 3 };
    let value = |s: &Session| s.loaded().unwrap().table.record(1).unwrap().cells[2].to_owned();
    let before = value(&s);
    s.edit(cell, "山田花子", "t").unwrap();
    s.undo("t").unwrap();
    assert_eq!(value(&s), before);
    s.redo("t").unwrap();
    assert_eq!(value(&s), "山田花子");
    assert_eq!(s.changes().last().unwrap().kind, ChangeKind::Redo);
    // A redo can be undone; then a new edit forgets the redo.
    s.undo("t").unwrap();
    assert_eq!(value(&s), before);
    s.edit(CellRef { row: 3, col: 3 }, "佐藤花子", "t").unwrap();
    assert_eq!(s.redo("t").unwrap_err(), WorkerError::NothingToUndo);
}

/// `bytes` (lines ending in `eol`) with a column `memo` holding a phone number appended.
fn with_memo(bytes: &[u8], eol: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut first = true;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        let body = line.strip_suffix(eol).unwrap_or(line);
        if body.is_empty() {
            out.extend_from_slice(line);
            continue;
        }
        out.extend_from_slice(body);
        out.extend_from_slice(if first {
            b",memo"
        } else {
            b",tel 052-123-4567"
        });
        out.extend_from_slice(eol);
        first = false;
    }
    out
}

#[test]
fn the_helpdesk_copy_masks_in_place_keeping_encoding_bom_and_line_endings() {
    for (path, eol) in [
        ("invalid/S010_cp932.csv", &b"\r\n"[..]),
        ("invalid/S012_lf_line_endings.csv", &b"\n"[..]),
        ("valid/full_minimal.csv", &b"\r\n"[..]),
        ("invalid/S010_euc_jp.csv", &b"\r\n"[..]),
    ] {
        let bytes = with_memo(&fixture(path), eol);
        let s = checked(bytes.clone());
        let copy = s
            .helpdesk_copy(3)
            .unwrap_or_else(|e| panic!("{path}: {e:?}"));
        assert!(
            !copy.windows(12).any(|w| w == b"052-123-4567"),
            "{path}: the phone number survived"
        );
        assert!(
            copy.windows(12).any(|w| w == b"XXX 999-999-"),
            "{path}: masked in place"
        );
        // Same findings, same BOM, same line endings, same encoding.
        assert_eq!(positions(&s, &copy), positions(&s, &bytes), "{path}");
        assert_eq!(
            copy.starts_with(b"\xEF\xBB\xBF"),
            bytes.starts_with(b"\xEF\xBB\xBF"),
            "{path}"
        );
        assert_eq!(
            copy.iter().filter(|&&b| b == b'\r').count(),
            bytes.iter().filter(|&&b| b == b'\r').count(),
            "{path}"
        );
    }
}

/// The page's local date of the check is the reference date of R003, as today's is for
/// `pmhcsv validate` (issue 10, item 4): the same file, the same findings, in the grid and in
/// the upload file's report.
#[test]
fn the_check_date_is_the_reference_date_of_r003() {
    let bytes = fixture("valid/full_minimal.csv");
    let mut s = Session::default();
    let preview = s
        .load(InputSource::Paste, Some(bytes), None, &mut no_progress())
        .unwrap();
    let mapping = auto_mapping(&s, &preview.headers).to_json();
    let r003 = |s: &Session| {
        codes_of(s)
            .into_iter()
            .find(|(c, _)| c == "R003")
            .map_or(0, |(_, n)| n)
    };
    // Every row of the fixture is valid until 2026-03-31.
    s.check(
        &mapping,
        &Prepare::default(),
        "2026-03-31 23:59:59",
        &mut no_progress(),
    )
    .unwrap();
    assert_eq!(r003(&s), 0);
    s.check(
        &mapping,
        &Prepare::default(),
        "2026-04-01 00:00:00",
        &mut no_progress(),
    )
    .unwrap();
    let rows = s.summary().unwrap().rows;
    assert!(rows > 0);
    assert_eq!(r003(&s), rows, "every row ended the day before");
    let (_, report) = s.build(
        &s.loaded().unwrap().current(),
        &s.results().unwrap().1.mapping,
        OutputFormat::Csv,
        &mut no_progress(),
    );
    assert_eq!(
        report.count(Code::ExpiredInFull),
        rows,
        "the upload file's report agrees"
    );
}

/// An .xlsx opens on its active tab, as Excel shows it (issue 11): the clerk saved the
/// workbook looking at 「今月」; reading 「先月」 would upload last month's data.
#[test]
fn a_workbook_opens_on_its_active_sheet() {
    let mut s = Session::default();
    let preview = s
        .load(
            InputSource::File {
                name: "b.xlsx".into(),
            },
            Some(fixture("xlsx/sheets_active.xlsx")),
            None,
            &mut no_progress(),
        )
        .unwrap();
    assert_eq!(preview.sheet.as_deref(), Some("今月"));
    assert_eq!(preview.samples[1], ["今月の人"]);
}

/// Ctrl+V of cells copied from Excel (issue 11): a 2×2 block lands with its top-left corner at
/// the cell, as one change that one undo takes back; what does not fit is left out; the header
/// row is not a data cell.
#[test]
fn pasted_cells_are_one_change() {
    let mut s = checked(fixture("valid/full_minimal.csv"));
    let cell = |s: &mut Session, row: u32, col: u32| -> String {
        let v = view_all(s);
        let r = v.window.rows.iter().find(|g| g.row == row).unwrap();
        r.cells[col as usize - 1].clone()
    };
    let (name, kana) = (cell(&mut s, 2, 3), cell(&mut s, 3, 4));
    let n = s
        .paste(
            CellRef { row: 2, col: 3 },
            "山田花子\tヤマダ　ハナコ\r\n山田一郎\tヤマダ　イチロウ\r\n",
            "t",
        )
        .unwrap();
    assert_eq!(n, 4);
    assert_eq!(cell(&mut s, 2, 3), "山田花子");
    assert_eq!(cell(&mut s, 3, 4), "ヤマダ　イチロウ");
    assert!(s.changes().iter().all(|c| c.kind == ChangeKind::Paste));
    s.undo("t").unwrap();
    assert_eq!(cell(&mut s, 2, 3), name);
    assert_eq!(cell(&mut s, 3, 4), kana);
    // Beyond the last column: left out.
    let header = String::from_utf8(fixture("valid/full_minimal.csv")).unwrap();
    let cols = header.lines().next().unwrap().split(',').count() as u32;
    let n = s
        .paste(CellRef { row: 2, col: cols }, "a\tb\tc", "t")
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        s.take_left_out(),
        Some(crate::protocol::LeftOut {
            rows: 0,
            cols: 2,
            cells: 2
        })
    );
    assert_eq!(s.take_left_out(), None, "said once");
    assert_eq!(
        s.paste(CellRef { row: 1, col: 1 }, "x", "t").unwrap_err(),
        WorkerError::NotADataCell { row: 1, col: 1 }
    );
}

#[test]
fn a_hand_correction_is_offered_for_every_cell_of_its_column_with_the_old_value() {
    let mut s = checked(fixture("valid/full_minimal.csv"));
    let address = |s: &Session, row: usize| {
        s.loaded().unwrap().table.record(row - 1).unwrap().cells[4].to_owned()
    };
    let old = address(&s, 2);
    assert_eq!((address(&s, 3), address(&s, 4)), (old.clone(), old.clone()));
    // Nothing changed yet: nothing to offer.
    assert_eq!(s.same_offer(), None);
    s.edit(CellRef { row: 2, col: 5 }, "東京都千代田区1-1", "t")
        .unwrap();
    let offer = s.same_offer().unwrap();
    assert_eq!(
        offer,
        SameFix {
            col: 5,
            before: old.clone(),
            after: "東京都千代田区1-1".into(),
            count: 2,
        }
    );
    assert_eq!(s.fix_same(&offer, "t").unwrap(), 2);
    assert_eq!(
        (address(&s, 3), address(&s, 4)),
        ("東京都千代田区1-1".into(), "東京都千代田区1-1".into())
    );
    assert!(
        s.changes()[1..]
            .iter()
            .all(|c| c.kind == ChangeKind::FixSame)
    );
    // Done: no offer after it, and a second application finds nothing.
    assert_eq!(s.same_offer(), None);
    assert_eq!(
        s.fix_same(&offer, "t").unwrap_err(),
        WorkerError::RepairNotFound
    );
    // One undo takes the whole fix back; the hand correction stays.
    s.undo("t").unwrap();
    assert_eq!((address(&s, 3), address(&s, 4)), (old.clone(), old.clone()));
    assert_eq!(address(&s, 2), "東京都千代田区1-1");
    // A correction of a value no other cell holds offers nothing; nor does a paste.
    s.edit(CellRef { row: 2, col: 3 }, "愛知花", "t").unwrap();
    assert_eq!(s.same_offer(), None);
    s.paste(CellRef { row: 3, col: 5 }, "大阪府", "t").unwrap();
    assert_eq!(s.same_offer(), None);
}

#[test]
fn a_reversed_period_marks_both_dates_and_its_list_entry_leads_to_the_start() {
    // fixtures/invalid/R001_period_reversed.csv: 有効期間開始日 (AA, column 27) 2026-04-01 after
    // 有効期間終了日 (AB, column 28) 2025-03-31; the report names 終了日.
    let mut s = checked(fixture("invalid/R001_period_reversed.csv"));
    let v = view_all(&mut s);
    let row = &v.window.rows[0];
    let r001 = |col: u32| {
        row.marks
            .iter()
            .find(|m| m.col == col)
            .is_some_and(|m| m.findings.iter().any(|f| f.code == "R001"))
    };
    assert!(r001(27) && r001(28), "{:?}", row.marks);
    let entry = v
        .list
        .unwrap()
        .items
        .into_iter()
        .find(|f| f.code == "R001")
        .unwrap();
    assert_eq!((entry.col, entry.pair), (Some(28), Some(27)));
    // Other findings are about one cell.
    let others: Vec<_> = row
        .marks
        .iter()
        .flat_map(|m| &m.findings)
        .filter(|f| f.code != "R001")
        .collect();
    assert!(others.iter().all(|f| f.pair.is_none()));
}

/// An unclosed quote swallows the rows after it: the summary counts the lines not read (for
/// the download question, which says they are not in the file and would be deleted at PMH).
#[test]
fn lines_not_read_are_counted_for_the_download_question() {
    let text = String::from_utf8(fixture("valid/full_minimal.csv")).unwrap();
    let mut lines: Vec<String> = text.split("\r\n").map(str::to_owned).collect();
    // Row 3 (the second recipient) opens a quote it never closes: it and row 4 are swallowed.
    lines[2].insert(0, '"');
    let s = checked(lines.join("\r\n").into_bytes());
    let summary = s.summary().unwrap();
    assert!(
        summary.codes.iter().any(|c| c.code == "S007"),
        "{:?}",
        summary.codes
    );
    // Rows 3 and 4: the line break ending the file starts no line after it.
    assert_eq!(summary.unread_lines, 2, "{summary:?}");
    // Without that line break, the same two lines.
    let s = checked(lines.join("\r\n").trim_end().as_bytes().to_vec());
    assert_eq!(s.summary().unwrap().unread_lines, 2);
    // Six data rows, the quote opened in row 3: rows 3 to 7 are not read.
    let mut six: Vec<String> = text.split("\r\n").map(str::to_owned).collect();
    let data: Vec<String> = six[1..4].to_vec();
    six.splice(4..4, data);
    six[2].insert(0, '"');
    let s = checked(six.join("\r\n").into_bytes());
    assert_eq!(s.summary().unwrap().unread_lines, 5, "{six:?}");
    let clean = checked(fixture("valid/full_minimal.csv"));
    assert_eq!(clean.summary().unwrap().unread_lines, 0);
    assert!(crate::text::confirm_unread(crate::text::Lang::Ja, 2).starts_with("2 行分"));
}

/// A file with a header row and no data rows: its upload file would delete every certificate
/// in 全件連携, so the download question says so (not "PMH may reject it").
#[test]
fn a_header_only_file_is_flagged_for_the_download_question() {
    let s = checked(fixture("invalid/S003_header_only.csv"));
    let summary = s.summary().unwrap();
    assert!(summary.header_only, "{summary:?}");
    assert!(!summary.upload_ready);
    assert!(
        !checked(fixture("valid/full_minimal.csv"))
            .summary()
            .unwrap()
            .header_only
    );
    assert!(crate::text::confirm_header_only(crate::text::Lang::Ja).contains("すべて削除されます"));
}

/// Every data row left out (「この行をアップロードから除く」 on each): the upload file would be
/// its header alone, which deletes every certificate in 全件連携. The verdict is not ✔, S003 is
/// among the findings, and the download question is the header-only one; the upload file is
/// what `pmhcsv build` makes of it, with S003 too. Undo brings ✔ back.
#[test]
fn every_row_left_out_is_a_header_only_file_until_undone() {
    let mut s = checked(fixture("valid/full_minimal.csv"));
    let ready = s.summary().unwrap();
    assert!(ready.upload_ready && !ready.header_only, "{ready:?}");
    let rows = ready.rows as u32;
    assert_eq!(rows, 3);
    for row in 2..=rows + 1 {
        s.exclude_row(row, "t").unwrap();
        let summary = s.summary().unwrap();
        // Only the last exclusion leaves no data row.
        assert_eq!(
            summary.header_only,
            row == rows + 1,
            "row {row}: {summary:?}"
        );
    }
    let summary = s.summary().unwrap();
    assert!(!summary.upload_ready, "{summary:?}");
    assert!(summary.errors > 0);
    assert!(
        summary.codes.iter().any(|c| c.code == "S003"),
        "{:?}",
        summary.codes
    );
    assert!(summary.file_findings.iter().any(|f| f.code == "S003"));
    // The counts are those of a full check of the edited table.
    assert_eq!(codes_of(&s), full_check_counts(&s));
    // The upload file the page makes is the CLI's, and the CLI finds S003 in it too.
    let (_, _, csv, errors) = upload_csv(&s);
    assert!(errors > 0);
    let mapping = s.results().unwrap().1.mapping.to_json();
    let (_, report) = cli_build(&csv, &mapping);
    assert!(report.count(Code::HeaderOnly) > 0, "{:?}", report.counts);
    // The download question: asked (errors, header-only) with the header-only sentence.
    assert!(crate::text::confirm_header_only(Lang::Ja).contains("すべて削除されます"));

    // Undo of the last exclusion: one recipient is back, and so is ✔.
    s.undo("t").unwrap();
    let summary = s.summary().unwrap();
    assert!(!summary.header_only && summary.upload_ready, "{summary:?}");
    assert!(!summary.codes.iter().any(|c| c.code == "S003"));
    assert_eq!(codes_of(&s), full_check_counts(&s));
    // Every exclusion undone: the file as loaded.
    s.undo("t").unwrap();
    s.undo("t").unwrap();
    assert_eq!(s.summary().unwrap().errors, 0);
    assert_eq!(
        codes_of(&s),
        codes_of(&checked(fixture("valid/full_minimal.csv")))
    );
}

/// A file named after the recipient with her My Number in it: the receipt and the names of the
/// files saved mask the number as `pmhcsv build --receipt` does (no value of 11 digits or more
/// in full), and the report CSV's ファイル column too.
#[test]
fn a_my_number_in_the_file_name_is_masked_in_the_receipt_and_file_names() {
    let name = "愛知花子_123456789018.csv";
    let s = checked_from(
        InputSource::File { name: name.into() },
        fixture("valid/full_minimal.csv"),
    );
    let extra = DownloadExtra {
        time: "2025-06-02T00:00:00Z",
        seed: 1,
    };
    let masked = pmh_core::hide_long_numbers(name);
    assert_eq!(masked, "愛知花子_********9018.csv");
    for kind in [
        DownloadKind::UploadCsv,
        DownloadKind::UploadJson,
        DownloadKind::ReportCsv,
        DownloadKind::ChangeLog,
        DownloadKind::Receipt,
        DownloadKind::Helpdesk,
    ] {
        for lang in [ReportLang::Ja, ReportLang::En] {
            let (file, _, bytes, _) = s.download(kind, lang, &extra, &mut no_progress()).unwrap();
            // (The help-desk copy has a name of its own.)
            assert!(
                kind == DownloadKind::Helpdesk || file.starts_with("愛知花子_********9018"),
                "{kind:?}: {file}"
            );
            assert!(!file.contains("123456789018"), "{kind:?}: {file}");
            // (The upload file holds the recipient's own number: it is her data.)
            if matches!(kind, DownloadKind::Receipt | DownloadKind::ReportCsv) {
                let text = String::from_utf8_lossy(&bytes);
                assert!(!text.contains("123456789018"), "{kind:?}: {text}");
            }
        }
    }
    let receipt: serde_json::Value =
        serde_json::from_str(&s.receipt(extra.time, &mut no_progress()).unwrap()).unwrap();
    assert_eq!(receipt["inputs"][0]["name"], masked);
    assert_eq!(receipt["output"]["name"], "愛知花子_********9018_PMH.csv");
}

/// The upload CSV the page would download now.
fn upload(s: &Session) -> Vec<u8> {
    upload_csv(s).2
}

/// The data rows of an upload CSV (its lines but the header).
fn data_lines(csv: &[u8]) -> usize {
    String::from_utf8_lossy(csv).lines().count() - 1
}

/// An unclosed quote (S007) swallows the rest of the file; the checker leaves that record out
/// of the upload file. After an edit anywhere, the upload file is built from the table written
/// out: the record must stay open and out, as the download question says, not come back closed
/// as one garbled record.
#[test]
fn the_rows_an_unclosed_quote_swallowed_stay_out_of_the_upload_after_edits() {
    let text = String::from_utf8(fixture("valid/full_minimal.csv")).unwrap();
    let mut lines: Vec<String> = text.split("\r\n").map(str::to_owned).collect();
    lines[2].insert(0, '"');
    let bytes = lines.join("\r\n").into_bytes();
    let mut s = checked(bytes.clone());
    let mapping = s.results().unwrap().1.mapping.to_json();
    let before = upload(&s);
    assert_eq!(before, cli_build(&bytes, &mapping).0);
    assert_eq!(data_lines(&before), 1);
    let unread = s.summary().unwrap().unread_lines;
    assert_eq!(unread, 2);

    // An edit of row 2: the upload file is the edited row alone, S007 stays, and so does the
    // question's count.
    let name_col = s
        .results()
        .unwrap()
        .1
        .meta
        .headers
        .iter()
        .position(|h| h == "受給者証名");
    let col = name_col.map_or(10, |c| c as u32 + 1);
    s.edit(CellRef { row: 2, col }, "子ども医療費受給者証２", "t")
        .unwrap();
    let after = upload(&s);
    assert_eq!(data_lines(&after), 1, "{}", String::from_utf8_lossy(&after));
    assert!(String::from_utf8_lossy(&after).contains("子ども医療費受給者証２"));
    let summary = s.summary().unwrap();
    assert!(summary.codes.iter().any(|c| c.code == "S007"));
    assert_eq!(summary.unread_lines, unread);
    // The CLI, given the table written out, finds the same.
    let (input, _) = s.results().unwrap();
    let (_, report) = cli_build(&input.current(), &mapping);
    assert_eq!(report.count(Code::UnclosedQuote), 1);
    assert_eq!(codes_of(&s), full_check_counts(&s));

    // The swallowing row itself edited (or left out): still S007, still out of the file.
    let mut s = checked(fixture("invalid/S007_unclosed_quote.csv"));
    let row = s
        .results()
        .unwrap()
        .1
        .findings
        .rows()
        .iter()
        .find(|(_, f)| f.iter().any(|d| d.code == Code::UnclosedQuote))
        .map(|(&r, _)| r)
        .unwrap();
    let upload_before = upload(&s);
    s.edit(CellRef { row, col: 1 }, "KODOMO02", "t").unwrap();
    assert!(s.summary().unwrap().codes.iter().any(|c| c.code == "S007"));
    assert_eq!(s.summary().unwrap().unread_lines, {
        let fresh = checked(fixture("invalid/S007_unclosed_quote.csv"));
        fresh.summary().unwrap().unread_lines
    });
    assert_eq!(data_lines(&upload(&s)), data_lines(&upload_before));
    s.exclude_row(row, "t").unwrap();
    assert!(s.summary().unwrap().codes.iter().any(|c| c.code == "S007"));
    assert_eq!(data_lines(&upload(&s)), data_lines(&upload_before));
}

/// A block of three rows pasted onto the last row: one row fits, two do not. The page says how
/// many rows and cells were left out (they are not in the upload file); a paste that fits says
/// nothing.
#[test]
fn a_paste_that_does_not_fit_says_what_was_left_out() {
    let mut s = checked(fixture("valid/full_minimal.csv"));
    let last = s.summary().unwrap().rows as u32 + 1;
    let block = "a\tb\tc\td\te\r\nf\tg\th\ti\tj\r\nk\tl\tm\tn\to\r\n";
    let n = s.paste(CellRef { row: last, col: 3 }, block, "t").unwrap();
    assert_eq!(n, 5);
    let left = s.take_left_out().unwrap();
    assert_eq!(
        left,
        crate::protocol::LeftOut {
            rows: 2,
            cols: 0,
            cells: 10
        }
    );
    let ja = crate::text::paste_left_out(Lang::Ja, left);
    assert!(
        ja.contains("下の 2 行") && ja.contains("10 セル") && ja.contains("貼り付けていません"),
        "{ja}"
    );
    let en = crate::text::paste_left_out(Lang::En, left);
    assert!(
        en.contains("2 rows below") && en.contains("10 cells"),
        "{en}"
    );
    // Rows and columns both.
    let both = crate::protocol::LeftOut {
        rows: 1,
        cols: 1,
        cells: 3,
    };
    assert!(crate::text::paste_left_out(Lang::Ja, both).contains("下の 1 行と右の 1 列"));
    assert!(
        crate::text::paste_left_out(Lang::En, both)
            .contains("1 row below and 1 column to the right")
    );
    // A paste that fits leaves nothing to say.
    s.paste(CellRef { row: 2, col: 3 }, "x\ty", "t").unwrap();
    assert_eq!(s.take_left_out(), None);
}

/// A line longer than the reader's limit (S021) is cut and left out of the upload file. After
/// an edit elsewhere, the table written out keeps it too long: still S021, still out of the
/// file (not a cut, garbled record uploaded).
#[test]
fn a_line_cut_as_too_long_stays_out_of_the_upload_after_edits() {
    let text = String::from_utf8(fixture("valid/full_minimal.csv")).unwrap();
    let mut lines: Vec<String> = text.split("\r\n").map(str::to_owned).collect();
    lines[2] = lines[2].replace("愛知県名古屋市中区栄1-1-1", &"x".repeat((1 << 20) + 10));
    let bytes = lines.join("\r\n").into_bytes();
    let mut s = checked(bytes.clone());
    assert!(s.summary().unwrap().codes.iter().any(|c| c.code == "S021"));
    let mapping = s.results().unwrap().1.mapping.to_json();
    let before = upload(&s);
    assert_eq!(before, cli_build(&bytes, &mapping).0);
    assert_eq!(data_lines(&before), 2);
    s.edit(CellRef { row: 2, col: 3 }, "愛知花代", "t").unwrap();
    let after = upload(&s);
    assert_eq!(data_lines(&after), 2, "{}", after.len());
    assert!(!String::from_utf8_lossy(&after).contains("xxxx"));
    let (input, _) = s.results().unwrap();
    let (_, report) = cli_build(&input.current(), &mapping);
    assert_eq!(report.count(Code::RecordTooLong), 1);
    assert_eq!(s.summary().unwrap().unread_lines, 1);
    assert_eq!(codes_of(&s), full_check_counts(&s));
}

/// A 公費受給者番号 typed in 全角 (V016 in `pmhcsv validate`): the page checks as build does,
/// so its ✔ is about the upload CSV it writes, which holds the number half-width (X002, shown
/// with its repair), never `０００１２３４５`. No hint sends the clerk to the CLI.
#[test]
fn a_full_width_recipient_number_is_written_half_width_under_the_pages_tick() {
    let mut s = checked(fixture("invalid/V016_full_width_recipient_number.csv"));
    let view = view_all(&mut s);
    let findings: Vec<_> = view
        .window
        .rows
        .iter()
        .flat_map(|r| r.marks.iter().flat_map(|m| m.findings.iter()))
        .collect();
    let x002 = findings
        .iter()
        .find(|f| f.code == "X002")
        .unwrap_or_else(|| panic!("no X002: {:?}", codes_of(&s)));
    assert_eq!(x002.repair.as_ref().unwrap().after, "00012345");
    for f in &findings {
        assert!(!f.hint.ja.contains("pmhcsv"), "{:?}", f.hint);
    }
    let summary = s.summary().unwrap();
    assert!(summary.upload_ready && summary.errors == 0, "{summary:?}");
    let (_, _, csv, errors) = upload_csv(&s);
    assert_eq!(errors, 0);
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains(",00012345,") && !csv.contains('０'), "{csv}");
    // And the CLI, checking that upload file, finds no V016.
    let checked = pmh_core::check_bytes(&Layout::full(), Options::default(), csv.as_bytes());
    assert_eq!(checked.count(Code::FullWidthInCode), 0);
    assert_eq!(checked.errors, 0);
}

/// S026 on the page follows the clerk's exclusions: a hidden row left out of the upload
/// (「この行をアップロードから除く」 empties it) is no longer among the hidden rows that are
/// uploaded, all of them left out is no S026, and undo brings each back. A full check of the
/// edited sheet says the same; S027 (a hidden column) stays throughout.
#[test]
fn hidden_rows_left_out_are_no_longer_reported() {
    let mut s = checked_from(
        InputSource::File {
            name: "h.xlsx".into(),
        },
        fixture("xlsx/hidden_rows_columns.xlsx"),
    );
    let s026 = |s: &Session| {
        let results = s.results().unwrap().1;
        let found: Vec<Detail> = results
            .findings
            .file_level()
            .filter(|d| d.code == Code::HiddenRows)
            .map(|d| d.detail.clone())
            .collect();
        assert_eq!(
            results.findings.count_of(Code::HiddenRows),
            found.len() as u64
        );
        assert_eq!(results.findings.count_of(Code::HiddenColumns), 1);
        found
    };
    let listed = |rows: &[u32]| {
        vec![Detail::HiddenRows {
            count: rows.len() as u64,
            rows: rows.to_vec(),
        }]
    };
    assert_eq!(s026(&s), listed(&[5, 6, 9]));
    s.exclude_row(6, "t").unwrap();
    assert_eq!(s026(&s), listed(&[5, 9]));
    s.exclude_row(5, "t").unwrap();
    assert_eq!(s026(&s), listed(&[9]));
    s.exclude_row(9, "t").unwrap();
    assert_eq!(s026(&s), vec![]);
    // A shown row left out changes nothing.
    s.exclude_row(3, "t").unwrap();
    assert_eq!(s026(&s), vec![]);
    s.undo("t").unwrap();
    s.undo("t").unwrap();
    assert_eq!(s026(&s), listed(&[9]));
    s.undo("t").unwrap();
    assert_eq!(s026(&s), listed(&[5, 9]));
    // The full check of the sheet as edited now.
    let mapping = s.results().unwrap().1.mapping.to_json();
    s.check(&mapping, &Prepare::default(), "", &mut no_progress())
        .unwrap();
    assert_eq!(s026(&s), listed(&[5, 9]));
}
