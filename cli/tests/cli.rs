//! End-to-end: the real `pmhcsv` binary on fixture files — exit codes, every format, custom
//! layouts, masking, explain and layout output.

mod common;

use common::{bin, fixture_path as fixture, run, stderr, stdout, tmp};

#[test]
fn exit_0_for_a_clean_file() {
    let o = run(&[
        "validate",
        fixture("valid/full_minimal.csv").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("アップロードできます"));
}

#[test]
fn exit_0_with_warnings_only() {
    let o = run(&[
        "validate",
        fixture("invalid/S009_blank_row.csv").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("S009"));
}

#[test]
fn exit_1_for_errors() {
    let o = run(&[
        "validate",
        fixture("invalid/N001_my_number_check_digit.csv")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("N001") && out.contains("2行目 B列"), "{out}");
    assert!(
        out.contains("********9012") && !out.contains("123456789012"),
        "masked by default: {out}"
    );
}

#[test]
fn exit_2_for_missing_input_and_bad_arguments() {
    let o = run(&["validate", "/nonexistent/x.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/x.csv"));
    assert_eq!(
        run(&["validate", "--format", "yaml", "x.csv"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(run(&["validate"]).status.code(), Some(2));
    let o = run(&[
        "validate",
        "--layout",
        "/nonexistent/layout.toml",
        fixture("valid/full_minimal.csv").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn every_format() {
    let f = fixture("invalid/K001_duplicate_certificate.csv");
    let f = f.to_str().unwrap();
    // A reference date inside the fixture's validity (the default, today, may be after it).
    let json = run(&["validate", "--format", "json", "--as-of", "2025-06-01", f]);
    assert_eq!(json.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("valid JSON");
    assert_eq!(v["tool"]["name"], "pmhcsv");
    assert_eq!(v["layout"]["id"], "full");
    assert_eq!(v["inputs"][0]["rows"], 3);
    assert_eq!(v["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(v["summary"]["errors"], 1);
    let d = &v["diagnostics"][0];
    for key in [
        "code",
        "severity",
        "row",
        "column",
        "field",
        "label_ja",
        "message_ja",
        "message_en",
        "hint_ja",
        "basis",
    ] {
        assert!(d.get(key).is_some(), "diagnostic lacks {key}");
    }
    assert_eq!(d["code"], "K001");
    assert_eq!(d["row"], 4);
    // Regression: cross-row findings once lost their column.
    assert_eq!(d["column"], "B");

    let csv = run(&["validate", "--format", "csv", "--as-of", "2025-06-01", f]);
    assert!(
        csv.stdout.starts_with(b"\xEF\xBB\xBF"),
        "CSV report has a BOM for Excel"
    );
    let text = String::from_utf8_lossy(&csv.stdout);
    assert!(text.contains("\r\n") && text.contains("K001"));

    let junit = stdout(&run(&[
        "validate",
        "--format",
        "junit",
        "--as-of",
        "2025-06-01",
        f,
    ]));
    assert!(
        junit.starts_with("<?xml") && junit.contains("<failure type=\"K001\""),
        "{junit}"
    );

    let gh = stdout(&run(&[
        "validate",
        "--format",
        "github",
        "--as-of",
        "2025-06-01",
        f,
    ]));
    assert!(gh.starts_with("::error file="), "{gh}");
    assert!(gh.contains(",line=4,"), "{gh}");

    let en = stdout(&run(&[
        "validate",
        "--lang",
        "en",
        "--as-of",
        "2025-06-01",
        f,
    ]));
    assert!(en.contains("Same certificate"), "{en}");
}

#[test]
fn output_file_and_show_values() {
    let out = tmp("report.json");
    let f = fixture("invalid/N001_my_number_check_digit.csv");
    let o = run(&[
        "validate",
        "--format",
        "json",
        "--show-values",
        "-o",
        out.to_str().unwrap(),
        f.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.contains("123456789012"));
}

#[test]
fn max_diagnostics_truncates_but_counts_exactly() {
    let f = fixture("invalid/S007_unclosed_quote.csv");
    let many = fixture("invalid/V001_required_name_empty.csv");
    let o = run(&[
        "validate",
        "--format",
        "json",
        "--max-diagnostics",
        "0",
        f.to_str().unwrap(),
        many.to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0);
    assert_eq!(v["summary"]["errors"], 2);
    assert_eq!(v["summary"]["truncated"], true);
    assert_eq!(v["inputs"].as_array().unwrap().len(), 2);
}

#[test]
fn custom_layout_file() {
    // A vendor layout: 氏名 may be 10 characters at most, and sex code 3 is allowed.
    let layout = pmh_core::FULL_TOML
        .replacen("id = \"full\"", "id = \"vendor\"", 1)
        .replacen("max_length = 100\nchars = \"name\"", "max_length = 3\nchars = \"name\"", 1)
        .replacen("  { code = \"2\", ja = \"女\", en = \"female\", aliases = [\"女性\"] },", "  { code = \"2\", ja = \"女\", en = \"female\" },\n  { code = \"3\", ja = \"不明\", en = \"unknown\" },", 1);
    let path = tmp("vendor.toml");
    std::fs::write(&path, layout).unwrap();
    let f = fixture("valid/full_minimal.csv");
    let o = run(&[
        "validate",
        "--format",
        "json",
        "--layout",
        path.to_str().unwrap(),
        f.to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["layout"]["id"], "vendor");
    assert!(v["counts"]["V002"].as_u64().unwrap() >= 1, "{v}");
    let sex3 = fixture("invalid/V005_sex_code.csv");
    let o = run(&[
        "validate",
        "--layout",
        path.to_str().unwrap(),
        sex3.to_str().unwrap(),
    ]);
    assert!(
        stdout(&o).contains("3（不明）"),
        "the message lists the layout's codes"
    );

    let bad = tmp("bad.toml");
    std::fs::write(&bad, "id = \"x\"\nfields = 3\n").unwrap();
    let o = run(&[
        "validate",
        "--layout",
        bad.to_str().unwrap(),
        f.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("レイアウトファイル"));
}

#[test]
fn diff_layout_and_known_insurer_numbers() {
    let o = run(&[
        "validate",
        "--layout",
        "diff",
        fixture("valid/diff_history.csv").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let f = fixture("invalid/N003_insurer_check_digit.csv");
    assert_eq!(
        run(&["validate", f.to_str().unwrap()]).status.code(),
        Some(1)
    );
    let o = run(&[
        "validate",
        "--known-insurer-number",
        "88134458",
        f.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("N008"));
}

#[test]
fn reads_standard_input() {
    use std::io::Write;
    let mut child = bin()
        .args(["validate", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let bytes = std::fs::read(fixture("valid/full_minimal.csv")).unwrap();
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn explain_and_layout() {
    let o = run(&["explain", "N001"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("最後の桁だけを直さないでください"));
    assert_eq!(run(&["explain", "Z999"]).status.code(), Some(2));
    let all = stdout(&run(&["explain"]));
    assert!(all.lines().count() >= 30);

    let md = stdout(&run(&["layout", "--format", "md"]));
    assert!(
        md.contains("| 2 | 個人番号 | `myNumber` | 必須 |") && md.contains("推定"),
        "{md}"
    );
    let json = run(&["layout", "--layout", "diff", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["id"], "diff");
    let tpl = run(&["layout", "--format", "template"]);
    assert!(
        tpl.stdout
            .starts_with("\u{FEFF}機関別受給者証種別ID,個人番号,氏名".as_bytes())
    );
    assert!(tpl.stdout.ends_with(b"\r\n"));
    // The template is itself a header-only upload file: exactly S003.
    let path = tmp("template.csv");
    std::fs::write(&path, &tpl.stdout).unwrap();
    let o = run(&["validate", "--format", "json", path.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["counts"], serde_json::json!({"S003": 1, "M007": 1}));
}

#[test]
fn build_repairs_and_writes_the_upload_file() {
    let out = tmp("built.csv");
    let report = tmp("build-report.json");
    let f = fixture("invalid/X006_wareki_date.csv");
    let o = run(&[
        "build",
        f.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(v["counts"]["X006"], 3, "{v}");
    let built = std::fs::read(&out).unwrap();
    assert!(built.starts_with("\u{FEFF}機関別受給者証種別ID".as_bytes()));
    // What build wrote without errors validates clean.
    let o = run(&["validate", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(!tmp("built.csv.pmhcsv-partial").exists());
}

#[test]
fn build_exit_1_when_errors_remain_and_json_output() {
    let out = tmp("built.json");
    let f = fixture("invalid/N002_my_number_exponent.csv");
    let o = run(&[
        "build",
        f.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("N002"));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1, "every row is in the output");
    assert_eq!(v[0]["isNotDisclosed"], false);
}

#[test]
fn masters_and_template() {
    let tpl = run(&["master", "--template"]);
    assert_eq!(tpl.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&tpl.stdout).contains("種類,機関別受給者証種別ID"));
    let master = fixture("masters/example_master.csv");
    let ok = run(&[
        "validate",
        "--master",
        master.to_str().unwrap(),
        fixture("valid/full_minimal.csv").to_str().unwrap(),
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    assert!(!stdout(&ok).contains("M007"));
    let bad = run(&[
        "validate",
        "--master",
        master.to_str().unwrap(),
        fixture("invalid/M001_unknown_certificate_type.csv")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stdout(&bad).contains("KODOMO01"),
        "lists the valid IDs: {}",
        stdout(&bad)
    );
    let none = run(&[
        "validate",
        fixture("valid/full_minimal.csv").to_str().unwrap(),
    ]);
    assert!(
        stdout(&none).contains("M007"),
        "says once that master checks were skipped"
    );
    let broken = tmp("broken-master.csv");
    std::fs::write(&broken, "種類,機関別受給者証種別ID\n何か,X\n").unwrap();
    let o = run(&[
        "validate",
        "--master",
        broken.to_str().unwrap(),
        fixture("valid/full_minimal.csv").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn operator_errors_follow_lang() {
    let broken = tmp("lang-master.csv");
    std::fs::write(&broken, "種類,機関別受給者証種別ID\n何か,X\n").unwrap();
    let input = fixture("valid/full_minimal.csv");
    let with = |lang: &str| {
        run(&[
            "validate",
            "--lang",
            lang,
            "--master",
            broken.to_str().unwrap(),
            input.to_str().unwrap(),
        ])
    };
    let ja = with("ja");
    assert_eq!(ja.status.code(), Some(2));
    let err = common::stderr(&ja);
    assert!(err.contains("知らない種類「何か」"), "{err}");
    assert!(!err.contains("unknown kind"), "one language only: {err}");

    let en = with("en");
    assert_eq!(en.status.code(), Some(2));
    let err = common::stderr(&en);
    assert!(err.contains("unknown kind \"何か\""), "{err}");
    assert!(!err.contains("知らない種類"), "one language only: {err}");

    let bad = tmp("lang-bad.toml");
    std::fs::write(&bad, "id = \"\"\n").unwrap();
    let o = run(&[
        "validate",
        "--lang",
        "en",
        "--layout",
        bad.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = common::stderr(&o);
    assert!(err.contains("cannot read the layout file"), "{err}");
}

/// The binary passes nothing hostile on: a file whose cells hold an ESC sequence, a bidi
/// override, a formula and a My Number inside 受給者証サブキー gives a text report with none of them raw, a
/// CSV report whose cells start no formula, and no My Number beyond its last 4 digits.
#[test]
fn hostile_cells_reach_no_terminal_and_no_spreadsheet() {
    let header = std::fs::read_to_string(fixture("valid/full_minimal.csv")).unwrap();
    let header = header.lines().next().unwrap();
    let input = tmp("hostile.csv");
    std::fs::write(
        &input,
        format!(
            "{header}\r\nKODOMO01,123456789012,愛知花子,アイチ　ハナコ,住所,2013-05-17,2,0,\"=HYPERLINK(\"\"http://x\"\")\",\"証\u{1B}[2J\u{202E}\",00012345,番号983205673219です,,,,,0,,,2025-04-01,2026-03-31\r\n"
        ),
    )
    .unwrap();
    let path = input.to_str().unwrap();
    let text = stdout(&run(&["validate", path]));
    assert!(text.contains("<U+001B>[2J<U+202E>"), "{text}");
    assert!(
        !text.contains('\u{1B}') && !text.contains('\u{202E}'),
        "{text}"
    );
    assert!(
        text.contains("********9012") && !text.contains("12345678"),
        "{text}"
    );
    assert!(
        text.contains("番号********3219です") && !text.contains("98320567"),
        "{text}"
    );
    let csv = stdout(&run(&["validate", "--format", "csv", path]));
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    for line in csv.lines() {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell} in {line}");
        }
    }
}

/// EUC-JP is read as EUC-JP (not CP932 mojibake): `build` writes the real names in UTF-8.
/// Bytes valid as both CP932 and EUC-JP are refused (S018, exit 2, no output) until
/// `--encoding` names one; the named encoding is then used.
#[test]
fn encodings_are_detected_refused_when_ambiguous_and_chosen_with_the_option() {
    let out = tmp("euc.csv");
    let o = run(&[
        "build",
        fixture("invalid/S010_euc_jp.csv").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.contains("山田太郎") && written.contains("北海道札幌市中央区北一条西2丁目"));
    let o = run(&[
        "validate",
        fixture("invalid/S010_euc_jp.csv").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("EUC-JP"), "{}", stdout(&o));

    let amb = fixture("invalid/S018_ambiguous_encoding.csv");
    let out = tmp("amb.csv");
    let o = run(&["build", amb.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stdout(&o).contains("S018") && stdout(&o).contains("--encoding"));
    assert!(
        !out.exists(),
        "nothing is written from a file that was not read"
    );
    let o = run(&["validate", amb.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&[
        "build",
        "--encoding",
        "euc-jp",
        amb.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(std::fs::read_to_string(&out).unwrap().contains("愛知花子"));
    let o = run(&[
        "validate",
        "--encoding",
        "cp932",
        "--format",
        "json",
        amb.to_str().unwrap(),
    ]);
    assert!(
        stdout(&o).contains("\"encoding\": \"cp932\""),
        "{}",
        stdout(&o)
    );
    let o = run(&["validate", "--encoding", "latin1", amb.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&[
        "redact",
        amb.to_str().unwrap(),
        "-o",
        tmp("r.csv").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

/// Seed 004 Q76 (lines 1386–1401): in 全件 only currently valid certificates are sent. The
/// reference date is `--as-of` (default today) and every report format states it, so that a
/// finding can be reproduced.
#[test]
fn as_of_reference_date_for_expired_rows() {
    // Validity 2025-04-01 … 2026-03-31 (and a renewal 2026-04-01 … 2027-03-31).
    let f = fixture("invalid/R003_expired_in_full.csv");
    let f = f.to_str().unwrap();
    let codes = |args: &[&str]| -> (serde_json::Value, serde_json::Value) {
        let mut all = vec!["validate", "--format", "json", f];
        all.extend_from_slice(args);
        let o = run(&all);
        assert_eq!(o.status.code(), Some(0), "warnings only: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        (v["counts"].clone(), v["inputs"][0]["as_of"].clone())
    };
    let (c, as_of) = codes(&["--as-of", "2026-03-31"]);
    assert_eq!(
        c,
        serde_json::json!({"M007": 1}),
        "the last day is still valid"
    );
    assert_eq!(as_of, "2026-03-31");
    let (c, as_of) = codes(&["--as-of", "2026-04-01"]);
    assert_eq!(c, serde_json::json!({"M007": 1, "R003": 1}));
    assert_eq!(as_of, "2026-04-01");
    let (c, _) = codes(&["--as-of", "2027-04-01"]);
    assert_eq!(c, serde_json::json!({"M007": 1, "R003": 2}));
    // Default: today's local date, stated in the report.
    let (_, as_of) = codes(&[]);
    let as_of = as_of.as_str().unwrap().to_owned();
    assert!(pmh_core::Ymd::parse_iso(&as_of).is_some(), "{as_of}");
    let text = stdout(&run(&["validate", "--as-of", "2026-04-01", f]));
    assert!(text.contains("基準日: 2026-04-01"), "{text}");
    assert!(text.contains("[警告 R003]"), "{text}");
    // The diff layout (差分履歴) sends history: no R003 there.
    let diff = fixture("valid/diff_history.csv");
    let o = run(&[
        "validate",
        "--layout",
        "diff",
        "--format",
        "json",
        "--as-of",
        "2099-01-01",
        diff.to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["counts"].get("R003").is_none(), "{}", v["counts"]);
    // A date that is not YYYY-MM-DD is an argument error.
    let o = run(&["validate", "--as-of", "2026/04/01", f]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--as-of"), "{}", stderr(&o));
    // The receipt records it.
    let receipt = tmp("as-of-receipt.json");
    let o = run(&[
        "validate",
        "--as-of",
        "2026-04-01",
        "--receipt",
        receipt.to_str().unwrap(),
        f,
    ]);
    assert_eq!(o.status.code(), Some(0));
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&receipt).unwrap()).unwrap();
    assert_eq!(r["inputs"][0]["as_of"], "2026-04-01");
}
