//! End-to-end: `--receipt` and `--receipt-time` on `pmhcsv validate` and `pmhcsv build`.

mod common;

use std::path::Path;
use std::process::Command;

use common::{fixture, run, sha256, tmp};

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn validate_writes_a_reproducible_receipt() {
    let r = tmp("validate.json");
    let input = fixture("invalid/N001_my_number_check_digit.csv");
    let args = [
        "validate",
        input.as_str(),
        "--receipt",
        r.to_str().unwrap(),
        "--receipt-time",
        "2025-04-01T09:00:00Z",
    ];
    let o = run(&args);
    assert_eq!(o.status.code(), Some(1), "the exit code is the check's");
    let first = std::fs::read(&r).unwrap();
    let v = json(&r);
    assert_eq!(v["tool"]["name"], "pmhcsv");
    assert_eq!(v["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["command"], "validate");
    assert_eq!(v["time"], "2025-04-01T09:00:00Z");
    assert_eq!(v["layout"]["id"], "full");
    let i = &v["inputs"][0];
    assert_eq!(
        i["name"], "N001_my_number_check_digit.csv",
        "name without directories"
    );
    assert_eq!(i["sha256"], sha256(&input));
    assert_eq!(i["bytes"], std::fs::metadata(&input).unwrap().len());
    assert_eq!(i["encoding"], "utf-8-bom");
    assert_eq!(i["errors_by_code"]["N001"], 1);
    assert_eq!(v["output"], serde_json::Value::Null);
    assert_eq!(v["summary"]["upload_ready"], false);
    let text = String::from_utf8(first.clone()).unwrap();
    assert!(
        !text.contains("123456789012") && !text.contains("愛知"),
        "no values"
    );
    run(&args);
    assert_eq!(std::fs::read(&r).unwrap(), first, "same time, same receipt");
}

#[test]
fn default_time_is_now_in_utc() {
    let r = tmp("now.json");
    let o = run(&[
        "validate",
        &fixture("valid/full_minimal.csv"),
        "--receipt",
        r.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v = json(&r);
    let t = v["time"].as_str().unwrap();
    assert!(pmh_core::receipt::is_rfc3339(t) && t.ends_with('Z'), "{t}");
    assert!(t >= "2025-01-01", "{t}");
}

#[test]
fn several_inputs_and_standard_input() {
    let r = tmp("multi.json");
    let a = fixture("valid/full_minimal.csv");
    let b = fixture("invalid/S010_cp932.csv");
    let o = Command::new(env!("CARGO_BIN_EXE_pmhcsv"))
        .args(["validate", &a, &b, "-", "--receipt", r.to_str().unwrap()])
        .stdin(std::fs::File::open(&a).unwrap())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "S010 in the CP932 file is an error"
    );
    let v = json(&r);
    assert_eq!(v["summary"]["inputs"], 3);
    assert_eq!(v["inputs"][1]["encoding"], "cp932");
    assert_eq!(v["inputs"][2]["name"], "-");
    assert_eq!(v["inputs"][2]["sha256"], sha256(&a));
}

#[test]
fn build_receipt_has_the_output_hash() {
    let r = tmp("build.json");
    let out = tmp("built.csv");
    let input = fixture("invalid/X003_halfwidth_kana.csv");
    let o = run(&[
        "build",
        &input,
        "-o",
        out.to_str().unwrap(),
        "--receipt",
        r.to_str().unwrap(),
        "--receipt-time",
        "2025-04-01T18:00:00+09:00",
    ]);
    assert_eq!(o.status.code(), Some(0), "the halfwidth kana are repaired");
    let v = json(&r);
    assert_eq!(v["command"], "build");
    assert_eq!(v["time"], "2025-04-01T18:00:00+09:00");
    assert_eq!(v["output"]["name"], "built.csv");
    assert_eq!(v["output"]["sha256"], sha256(out.to_str().unwrap()));
    assert_eq!(v["inputs"][0]["sha256"], sha256(&input));
}

#[test]
fn a_bad_time_is_an_argument_error() {
    let r = tmp("bad.json");
    let o = run(&[
        "validate",
        &fixture("valid/full_minimal.csv"),
        "--receipt",
        r.to_str().unwrap(),
        "--receipt-time",
        "yesterday",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("RFC 3339"));
    assert!(!r.exists(), "nothing written");
    let o = run(&[
        "validate",
        &fixture("valid/full_minimal.csv"),
        "--receipt-time",
        "2025-04-01T09:00:00Z",
    ]);
    assert_eq!(o.status.code(), Some(2), "--receipt-time needs --receipt");
}

/// The input's SHA-256 is taken only when something shows it (`InputHash` in main.rs): a JSON
/// report, or a receipt. Each such output, on each path that reads, carries the true hash.
#[test]
fn every_output_that_shows_the_input_hash_has_it() {
    let input = fixture("invalid/X003_halfwidth_kana.csv");
    let expected = sha256(&input);
    // build, JSON report, no receipt.
    let report = tmp("hash-build-report.json");
    let out = tmp("hash-built.csv");
    let o = run(&[
        "build",
        &input,
        "-o",
        out.to_str().unwrap(),
        "--format",
        "json",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the halfwidth kana are repaired: {o:?}"
    );
    assert_eq!(json(&report)["inputs"][0]["sha256"], expected);
    // validate from standard input: JSON report without a receipt, and a receipt with the
    // default text report (standard input cannot be read again for the receipt).
    let receipt = tmp("hash-stdin-receipt.json");
    for args in [
        vec!["validate", "-", "--format", "json"],
        vec!["validate", "-", "--receipt", receipt.to_str().unwrap()],
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_pmhcsv"))
            .args(&args)
            .stdin(std::fs::File::open(&input).unwrap())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "warnings only: {args:?}: {o:?}");
        if args.contains(&"json") {
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            assert_eq!(v["inputs"][0]["sha256"], expected);
        } else {
            assert_eq!(json(&receipt)["inputs"][0]["sha256"], expected);
        }
    }
}

/// A workbook given to `validate`: its data is checked, but the file is no upload file, so it
/// is never "ready to upload" (S022, exit 1), even when its data has no error.
#[test]
fn a_validated_workbook_is_never_ready_to_upload() {
    let r = tmp("workbook.json");
    let input = fixture("xlsx/validated_as_upload.xlsx");
    let o = run(&[
        "validate",
        input.as_str(),
        "--receipt",
        r.to_str().unwrap(),
        "--as-of",
        "2025-06-01",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("[エラー S022] Excel ブック（.xlsx）です")
            && out.contains("このままではアップロードできません"),
        "{out}"
    );
    let v = json(&r);
    assert_eq!(v["summary"]["upload_ready"], false);
    assert_eq!(v["inputs"][0]["errors_by_code"]["S022"], 1);
    // build reads the same workbook as source data: no S022 there.
    let up = tmp("workbook-upload.csv");
    let o = run(&["build", input.as_str(), "-o", up.to_str().unwrap()]);
    assert!(!String::from_utf8_lossy(&o.stdout).contains("S022"));
}

/// A file named after the recipient (「愛知花子_123456789018.csv」): the reports and the receipt
/// mask the number in its name as they mask the values; `--show-values` shows it.
#[test]
fn a_number_in_the_file_name_is_masked() {
    let dir = tmp("named-after-the-recipient");
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("愛知花子_123456789018.csv");
    std::fs::copy(fixture("valid/full_minimal.csv"), &input).unwrap();
    let r = dir.join("receipt.json");
    for format in ["text", "json", "csv", "junit", "github"] {
        let o = run(&[
            "validate",
            input.to_str().unwrap(),
            "--format",
            format,
            "--receipt",
            r.to_str().unwrap(),
        ]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(!out.contains("123456789018"), "{format}: {out}");
        assert!(out.contains("********9018"), "{format}: {out}");
        let receipt = std::fs::read_to_string(&r).unwrap();
        assert!(!receipt.contains("123456789018"), "{receipt}");
        assert!(receipt.contains("愛知花子_********9018.csv"), "{receipt}");
    }
    let o = run(&["validate", input.to_str().unwrap(), "--show-values"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("123456789018"));
}
