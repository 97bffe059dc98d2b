//! `validate --previous` and `build --previous` (issue 12): the comparison with the last
//! upload in the text and JSON reports, P001 and its exit code, no upload needed when nothing
//! changed, and the refusals (exit 2) of a previous file that cannot be compared.

mod common;

use common::{run, stderr, stdout, tmp};
use serde_json::Value;

/// A synthetic 全件 upload (UTF-8 BOM, CRLF) of the given synthetic rows, in that order.
fn upload(rows: impl IntoIterator<Item = u64>) -> String {
    let mut s = String::from("\u{FEFF}");
    s.push_str(pmh_core::synth::FULL_HEADER);
    s.push_str("\r\n");
    for i in rows {
        pmh_core::synth::full_row(12, i, &mut s);
    }
    s
}

/// `text` without its second column (個人番号 in the full layout): a file with no certificate key.
fn without_my_number_column(text: &str) -> String {
    text.split("\r\n")
        .map(|l| {
            let mut c: Vec<&str> = l.split(',').collect();
            if c.len() > 1 {
                c.remove(1);
            }
            c.join(",")
        })
        .collect::<Vec<_>>()
        .join("\r\n")
}

fn write(name: &str, text: &str) -> String {
    let p = tmp(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

fn json(args: &[&str]) -> (Option<i32>, Value) {
    let mut v: Vec<&str> = args.to_vec();
    v.extend(["--format", "json"]);
    let o = run(&v);
    let j = serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o)));
    (o.status.code(), j)
}

#[test]
fn a_truncated_file_is_an_error_naming_the_deletions() {
    let prev = write("prev20.csv", &upload(0..20));
    let cur = write("cur5.csv", &upload(0..5));
    let o = run(&["validate", &cur, "--previous", &prev]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("[エラー P001]"), "{text}");
    assert!(text.contains("PMH から 15件が削除されます"), "{text}");
    assert!(
        text.contains("追加 0件 / 変更 0件 / 削除 15件 / 変更なし 5件"),
        "{text}"
    );
    assert!(!text.contains("アップロードは不要"), "{text}");

    let (code, j) = json(&[
        "validate",
        &cur,
        "--previous",
        &prev,
        "--as-of",
        "2022-01-01",
    ]);
    assert_eq!(code, Some(1));
    let p = &j["previous"];
    assert_eq!(p["previous_certificates"], 20);
    assert_eq!(p["current_certificates"], 5);
    assert_eq!(
        (&p["added"], &p["changed"], &p["removed"], &p["unchanged"]),
        (
            &Value::from(0),
            &Value::from(0),
            &Value::from(15),
            &Value::from(5)
        )
    );
    assert_eq!(p["upload_needed"], true);
    assert_eq!(p["max_removals"], "default");
    assert_eq!(p["removals_within_limit"], false);
    // Rows of the previous file: data rows 6..=20 are sheet rows 7..=21.
    let removed: Vec<u64> = p["removed_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_u64().unwrap())
        .collect();
    assert_eq!(removed, (7..=21).collect::<Vec<u64>>());
    assert_eq!(j["counts"]["P001"], 1);
    assert_eq!(j["summary"]["upload_ready"], false);
    assert_eq!(j["diagnostics"][0]["code"], "P001");

    // English, one language only.
    let en = run(&["validate", &cur, "--previous", &prev, "--lang", "en"]);
    let t = stdout(&en);
    assert!(
        t.contains("added 0 / changed 0 / removed 15 / unchanged 5"),
        "{t}"
    );
    assert!(t.contains("deletes 15 certificates at PMH"), "{t}");
}

#[test]
fn max_removals_sets_the_limit() {
    let prev = write("lim-prev.csv", &upload(0..20));
    let cur = write("lim-cur.csv", &upload(0..5));
    for (limit, want, shown) in [
        ("15", 0, "15"),
        ("14", 1, "14"),
        ("75%", 0, "75%"),
        ("74.9%", 1, "74.90%"),
        ("all", 0, "all"),
        ("0", 1, "0"),
    ] {
        let (code, j) = json(&[
            "validate",
            &cur,
            "--previous",
            &prev,
            "--max-removals",
            limit,
        ]);
        assert_eq!(code, Some(want), "--max-removals {limit}");
        assert_eq!(j["previous"]["removals_within_limit"], want == 0, "{limit}");
        assert_eq!(j["previous"]["max_removals"], shown);
    }
    let bad = run(&[
        "validate",
        &cur,
        "--previous",
        &prev,
        "--max-removals",
        "lots",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("--max-removals lots"),
        "{}",
        stderr(&bad)
    );
    // The default: 10 removals out of 20 pass (not more than 10), 11 do not.
    let ten = write("lim-ten.csv", &upload(0..10));
    assert_eq!(
        run(&["validate", &ten, "--previous", &prev]).status.code(),
        Some(0)
    );
    let nine = write("lim-nine.csv", &upload(0..9));
    assert_eq!(
        run(&["validate", &nine, "--previous", &prev]).status.code(),
        Some(1)
    );
}

#[test]
fn nothing_changed_means_no_upload_is_needed() {
    let prev = write("same-prev.csv", &upload(0..30));
    // The same certificates in another order, re-encoded as CP932 without BOM.
    let shuffled = upload((0..30).rev());
    let text = shuffled.trim_start_matches('\u{FEFF}');
    let (cp932, _, lossy) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!lossy);
    let cur = tmp("same-cur.csv");
    std::fs::write(&cur, &cp932).unwrap();
    let cur = cur.to_string_lossy().into_owned();
    let o = run(&["validate", &cur, "--previous", &prev]);
    let t = stdout(&o);
    assert!(
        t.contains("前回から変更はありません。アップロードは不要です。"),
        "{t}"
    );
    assert!(t.contains("変更なし 30件"), "{t}");
    assert!(!t.contains("P001"), "{t}");
    // CP932 is S010 (PMH takes UTF-8), the file's only error; the comparison adds none.
    assert_eq!(o.status.code(), Some(1), "{t}");
    let (code, j) = json(&[
        "validate",
        &cur,
        "--previous",
        &prev,
        "--as-of",
        "2022-01-01",
    ]);
    assert_eq!(code, Some(1));
    assert_eq!(j["counts"], serde_json::json!({"M007": 1, "S010": 1}));
    // The same file in UTF-8, other order: exit 0.
    let utf8 = write("same-utf8.csv", &shuffled);
    assert_eq!(
        run(&["validate", &utf8, "--previous", &prev]).status.code(),
        Some(0)
    );
    assert_eq!(j["previous"]["upload_needed"], false);
    assert_eq!(j["previous"]["unchanged"], 30);
    let en = stdout(&run(&[
        "validate",
        &cur,
        "--previous",
        &prev,
        "--lang",
        "en",
    ]));
    assert!(en.contains("no upload is needed"), "{en}");
    assert!(!en.contains("アップロード"), "{en}");
}

#[test]
fn added_changed_and_removed_are_listed_with_fields() {
    let prev = write("mix-prev.csv", &upload(0..20));
    // Row 3 (data row 4) loses its name, certificate 7 is gone, certificate 100 is new.
    let mut lines: Vec<String> = upload(0..20).split("\r\n").map(str::to_owned).collect();
    let mut cells: Vec<String> = lines[4].split(',').map(str::to_owned).collect();
    cells[2] = "変更後".into();
    lines[4] = cells.join(",");
    lines.remove(8);
    let mut cur = lines.join("\r\n");
    pmh_core::synth::full_row(12, 100, &mut cur);
    let cur = write("mix-cur.csv", &cur);
    let (code, j) = json(&[
        "validate",
        &cur,
        "--previous",
        &prev,
        "--as-of",
        "2022-01-01",
    ]);
    assert_eq!(code, Some(0), "{j}");
    let p = &j["previous"];
    assert_eq!(
        (&p["added"], &p["changed"], &p["removed"], &p["unchanged"]),
        (
            &Value::from(1),
            &Value::from(1),
            &Value::from(1),
            &Value::from(18)
        )
    );
    assert_eq!(p["removed_rows"], serde_json::json!([[9]]));
    assert_eq!(p["added_rows"], serde_json::json!([[21]]));
    let ch = &p["changed_certificates"][0];
    assert_eq!(ch["rows"], serde_json::json!([5]));
    assert_eq!(ch["previous_rows"], serde_json::json!([5]));
    assert_eq!(ch["fields"], serde_json::json!(["basicFiveInfo.name"]));
    assert_eq!(ch["history_rows"], false);
    let t = stdout(&run(&["validate", &cur, "--previous", &prev]));
    assert!(
        t.contains("変更（このファイルの行と項目）: 5行目（氏名）"),
        "{t}"
    );
    // No personal value in either report.
    assert!(!t.contains("変更後"), "{t}");
    assert!(!j.to_string().contains("変更後"));
}

#[test]
fn a_previous_file_that_cannot_be_compared_is_refused() {
    let cur = write("ref-cur.csv", &upload(0..5));
    let header_only = write("ref-header.csv", &upload(0..0));
    let empty = write("ref-empty.csv", "");
    // Without the 個人番号 column every certificate would look removed.
    let no_key = write("ref-nokey.csv", &without_my_number_column(&upload(0..5)));
    for (prev, words) in [
        (&header_only, "データの行がありません"),
        (&empty, "データの行がありません"),
        (&no_key, "受給者証を特定する列「個人番号」がありません"),
    ] {
        let o = run(&["validate", &cur, "--previous", prev]);
        assert_eq!(o.status.code(), Some(2), "{prev}: {}", stdout(&o));
        let e = stderr(&o);
        assert!(e.contains(words) && e.contains("--previous"), "{prev}: {e}");
        assert!(stdout(&o).is_empty(), "no report when nothing was compared");
    }
    let en = run(&["validate", &cur, "--previous", &header_only, "--lang", "en"]);
    assert_eq!(en.status.code(), Some(2));
    assert!(stderr(&en).contains("has no data rows"), "{}", stderr(&en));
    // A current file that cannot be compared is refused too (it would delete everyone).
    let o = run(&["validate", &header_only, "--previous", &cur]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("今回のファイル"), "{}", stderr(&o));
    // Several inputs, standard input, a missing file.
    let two = run(&["validate", &cur, &cur, "--previous", &cur]);
    assert_eq!(two.status.code(), Some(2));
    let stdin = run(&["validate", "-", "--previous", &cur]);
    assert_eq!(stdin.status.code(), Some(2));
    let missing = run(&["validate", &cur, "--previous", "/nonexistent/prev.csv"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("見つかりません"),
        "{}",
        stderr(&missing)
    );
    // --max-removals needs --previous.
    let alone = run(&["validate", &cur, "--max-removals", "3"]);
    assert_eq!(alone.status.code(), Some(2));
}

#[test]
fn build_compares_the_upload_it_writes() {
    let prev = write("b-prev.csv", &upload(0..20));
    let src = write("b-src.csv", &upload(0..20));
    let out = tmp("b-out.csv");
    let out_s = out.to_string_lossy().into_owned();
    let report = tmp("b-report.json");
    let report_s = report.to_string_lossy().into_owned();
    let args = |src: &str| {
        run(&[
            "build",
            src,
            "-o",
            &out_s,
            "--previous",
            &prev,
            "--format",
            "json",
            "--report",
            &report_s,
        ])
    };
    let o = args(&src);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let j: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(j["previous"]["upload_needed"], false, "{j}");
    let short = write("b-short.csv", &upload(0..5));
    let o = args(&short);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let j: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(j["previous"]["removed"], 15);
    assert_eq!(j["counts"]["P001"], 1);
    // The request body is not a 全件 CSV to compare.
    let o = run(&["build", &src, "-o", &out_s, "--json", "--previous", &prev]);
    assert_eq!(o.status.code(), Some(2));
    // The previous upload is an input: never written over.
    let o = run(&["build", &src, "-o", &prev, "--previous", &prev]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(tmp("b-prev.csv")).unwrap(),
        upload(0..20)
    );
}

/// A `build --previous` whose comparison is refused (exit 2) writes no upload file and leaves
/// a file already at the output path as it was. The upload file is compared before it is moved
/// into place: a header-only source used to leave a header-only upload file behind, which in
/// 全件連携 deletes every certificate PMH holds (seed `000_5215241ca3f73f91.txt`, lines 527–575).
#[test]
fn a_build_whose_comparison_is_refused_writes_nothing() {
    let prev = write("r-prev.csv", &upload(0..20));
    let src = write("r-src.csv", &upload(0..20));
    let header_only = write("r-header.csv", &upload(0..0));
    let no_key = write("r-nokey.csv", &without_my_number_column(&upload(0..5)));
    // Row 6 opens a quote it never closes: rows 7–21 are swallowed, so 15 certificates would
    // go uncounted and their deletion unnoticed.
    let unclosed = {
        let mut lines: Vec<String> = upload(0..20).split("\r\n").map(str::to_owned).collect();
        lines[5].insert(0, '"');
        write("r-unclosed.csv", &lines.join("\r\n"))
    };
    let out = tmp("r-out.csv");
    let out_s = out.to_string_lossy().into_owned();
    let partial = tmp("r-out.csv.pmhcsv-partial");
    let report = tmp("r-report.txt");
    let report_s = report.to_string_lossy().into_owned();
    let earlier = "an earlier upload file, kept\r\n";
    for (source, previous, reason) in [
        // Today's source has no rows: everyone would be deleted.
        (
            &header_only,
            &prev,
            "今回のファイルにデータの行がありません",
        ),
        // The previous upload has no rows, or no key column: nothing can be compared.
        (
            &src,
            &header_only,
            "前回アップロードしたファイル (--previous)にデータの行がありません",
        ),
        (
            &src,
            &no_key,
            "受給者証を特定する列「個人番号」がありません",
        ),
        (
            &src,
            &unclosed,
            "前回アップロードしたファイル (--previous)に読めなかった行があります（6行目: S007",
        ),
    ] {
        for existing in [false, true] {
            if existing {
                std::fs::write(&out, earlier).unwrap();
            } else {
                let _ = std::fs::remove_file(&out);
            }
            let _ = std::fs::remove_file(&report);
            let o = run(&[
                "build",
                source,
                "-o",
                &out_s,
                "--previous",
                previous,
                "--report",
                &report_s,
            ]);
            let e = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{source} / {previous}: {e}");
            assert!(e.contains(reason), "{e}");
            assert!(
                e.contains("アップロードファイルは書き出していません"),
                "{e}"
            );
            if existing {
                assert_eq!(std::fs::read_to_string(&out).unwrap(), earlier, "{e}");
            } else {
                assert!(!out.exists(), "no upload file after a refusal: {e}");
            }
            assert!(!partial.exists(), "no partial file is left");
            assert!(!report.exists(), "no report when nothing was compared");
        }
    }
    // The current file named is the source the clerk gave, with advice about it.
    let o = run(&["build", &header_only, "-o", &out_s, "--previous", &prev]);
    let e = stderr(&o);
    assert!(
        e.contains(&format!("{header_only}: 今回のファイル"))
            && e.contains("受給者のデータの行があるファイルか確認してください"),
        "{e}"
    );
    let en = run(&[
        "build",
        &header_only,
        "-o",
        &out_s,
        "--previous",
        &prev,
        "--lang",
        "en",
    ]);
    assert_eq!(en.status.code(), Some(2));
    assert!(
        stderr(&en).contains("no upload file was written"),
        "{}",
        stderr(&en)
    );
    // A device cannot be read back to compare: refused before the build, saying why.
    #[cfg(unix)]
    {
        let o = run(&["build", &src, "-o", "/dev/null", "--previous", &prev]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(
            stderr(&o).contains(
                "/dev/null: --previous は書き出したアップロードファイルを読み直して比べるため"
            ),
            "{}",
            stderr(&o)
        );
        assert!(stdout(&o).is_empty(), "no report: nothing was built");
    }
    // A comparison that can be made still writes the upload file (exit 0 or 1).
    let _ = std::fs::remove_file(&out);
    let ok = run(&["build", &src, "-o", &out_s, "--previous", &prev]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert!(out.exists());
}

/// A workbook is read as `validate` reads it (its first sheet), on either side.
#[test]
fn a_workbook_is_compared_by_its_sheet() {
    let book = common::fixture("xlsx/rows_gap.xlsx");
    let (_, j) = json(&["validate", &book, "--previous", &book]);
    let p = &j["previous"];
    assert_eq!(p["previous_certificates"], 2, "{j}");
    assert_eq!(p["unchanged"], 2);
    assert_eq!(p["upload_needed"], false);
}
