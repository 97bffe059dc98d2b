//! End-to-end: `pmhcsv redact` (help-desk copies) and `pmhcsv diff` (差分履歴 from two
//! snapshots) — exit codes, files written, messages, and that the results validate.

mod common;

use std::path::{Path, PathBuf};

use common::{fixture, run, stderr, stdout, tmp};

/// (code, row, column) of a JSON report's findings, sorted.
fn findings(path: &str, layout: &str, extra: &[&str]) -> Vec<(String, String, String)> {
    let mut args = vec!["validate", "--format", "json", "--layout", layout, path];
    args.extend_from_slice(extra);
    let o = run(&args);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let mut out: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].to_string(),
                d["row"].to_string(),
                d["column"].to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// `pmhcsv diff [--from FROM] --to TO -o OUT --state STATE --history-key sequence`.
fn diff_by_sequence(from: Option<&str>, to: &str, out: &Path, state: &str) -> std::process::Output {
    let out = out.to_str().unwrap();
    let mut args = vec!["diff"];
    if let Some(from) = from {
        args.extend(["--from", from]);
    }
    args.extend([
        "--to",
        to,
        "-o",
        out,
        "--state",
        state,
        "--history-key",
        "sequence",
    ]);
    run(&args)
}

#[test]
fn redact_keeps_findings_and_removes_personal_values() {
    for name in [
        "invalid/N001_my_number_check_digit.csv",
        "invalid/K001_duplicate_certificate.csv",
        "invalid/S010_cp932.csv",
        "invalid/C001_gaiji_in_name.csv",
        "valid/full_certificate_items.csv",
    ] {
        let input = fixture(name);
        let out = tmp(&format!("{}.redacted.csv", name.replace('/', "_")));
        let o = run(&[
            "redact",
            &input,
            "-o",
            out.to_str().unwrap(),
            "--seed",
            "42",
        ]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert!(
            stdout(&o).contains("検査結果は元のファイルと同じです"),
            "{}",
            stdout(&o)
        );
        let out = out.to_str().unwrap();
        assert_eq!(
            findings(&input, "full", &[]),
            findings(out, "full", &[]),
            "{name}"
        );
        let text = String::from_utf8_lossy(&std::fs::read(out).unwrap()).into_owned();
        for personal in ["愛知花子", "山田太郎", "アイチ　ハナコ", "123456789018"] {
            assert!(!text.contains(personal), "{name}: {personal}");
        }
    }
}

#[test]
fn redact_is_deterministic_for_a_seed() {
    let input = fixture("valid/full_minimal.csv");
    let a = tmp("seed-a.csv");
    let b = tmp("seed-b.csv");
    let c = tmp("seed-c.csv");
    for (p, seed) in [(&a, "1"), (&b, "1"), (&c, "2")] {
        let o = run(&["redact", &input, "-o", p.to_str().unwrap(), "--seed", seed]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let read = |p: &PathBuf| std::fs::read(p).unwrap();
    assert_eq!(read(&a), read(&b));
    assert_ne!(read(&a), read(&c));
    // Without --seed: random, and the message says how to reproduce.
    let d = tmp("seed-d.csv");
    let o = run(&["redact", &input, "-o", d.to_str().unwrap()]);
    assert!(stdout(&o).contains("--seed"));
}

#[test]
fn redact_reads_standard_input() {
    use std::io::Write;
    use std::process::Stdio;
    let input = fixture("invalid/N001_my_number_check_digit.csv");
    let bytes = std::fs::read(&input).unwrap();
    let to_file = tmp("stdin-copy.csv");
    let from_file = tmp("file-copy.csv");
    let pipe = |args: &[&str]| {
        let mut child = common::bin()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&bytes).unwrap();
        child.wait_with_output().unwrap()
    };
    // `redact - -o FILE`: the same copy as from the file, for the same seed.
    let o = pipe(&[
        "redact",
        "-",
        "-o",
        to_file.to_str().unwrap(),
        "--seed",
        "7",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o2 = run(&[
        "redact",
        &input,
        "-o",
        from_file.to_str().unwrap(),
        "--seed",
        "7",
    ]);
    assert_eq!(o2.status.code(), Some(0), "{}", stderr(&o2));
    assert_eq!(
        std::fs::read(&to_file).unwrap(),
        std::fs::read(&from_file).unwrap()
    );
    // `redact - -o -`: the copy on standard output, the summary on standard error.
    let o = pipe(&["redact", "-", "-o", "-", "--seed", "7"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(o.stdout, std::fs::read(&from_file).unwrap());
    assert!(
        stderr(&o).contains("検査結果は元のファイルと同じです"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn redact_in_build_mode_keeps_the_build_findings() {
    let input = fixture("invalid/X003_halfwidth_kana.csv");
    let out = tmp("x003.csv");
    let o = run(&[
        "redact",
        "--build",
        &input,
        "-o",
        out.to_str().unwrap(),
        "--seed",
        "5",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = |p: &str| {
        let built = tmp(&format!("built-{}.csv", p.len()));
        let o = run(&[
            "build",
            p,
            "-o",
            built.to_str().unwrap(),
            "--format",
            "json",
        ]);
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let mut codes: Vec<String> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| format!("{}{}{}", d["code"], d["row"], d["column"]))
            .collect();
        codes.sort();
        codes
    };
    assert_eq!(report(&input), report(out.to_str().unwrap()));
}

#[test]
fn redact_refuses_workbooks_and_overwriting_the_input() {
    let xlsx = fixture("xlsx/full_numbers_dates.xlsx");
    if Path::new(&xlsx).exists() {
        let o = run(&["redact", &xlsx, "-o", tmp("x.csv").to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("CSV で保存"), "{}", stderr(&o));
    }
    let copy = tmp("self.csv");
    std::fs::copy(fixture("valid/full_minimal.csv"), &copy).unwrap();
    let o = run(&[
        "redact",
        copy.to_str().unwrap(),
        "-o",
        copy.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        std::fs::read(fixture("valid/full_minimal.csv")).unwrap()
    );
}

/// A 全件 snapshot of synthetic rows.
fn snapshot(name: &str, rows: &[u64], changed: &[u64]) -> String {
    let mut s = String::from("\u{FEFF}");
    s.push_str(pmh_core::synth::FULL_HEADER);
    s.push_str("\r\n");
    for &i in rows {
        let mut line = String::new();
        pmh_core::synth::full_row(5, i, &mut line);
        if changed.contains(&i) {
            line = line.replacen("受給者証,", "受給者証(再交付),", 1);
        }
        s.push_str(&line);
    }
    let p = tmp(name);
    std::fs::write(&p, s).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn diff_over_three_days_with_state() {
    let day1 = snapshot("day1.csv", &[0, 1, 2, 3], &[]);
    let day2 = snapshot("day2.csv", &[0, 1, 3, 4], &[1]);
    let day3 = snapshot("day3.csv", &[0, 1, 3, 4], &[1]);
    let state = tmp("state.txt");
    let state = state.to_str().unwrap();
    let _ = std::fs::remove_file(state);
    let out1 = tmp("diff1.csv");
    let o = diff_by_sequence(None, &day1, &out1, state);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("登録 4 件"), "{}", stdout(&o));
    let o = run(&["validate", "--layout", "diff", out1.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));

    let out2 = tmp("diff2.csv");
    let o = diff_by_sequence(Some(&day1), &day2, &out2, state);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let s = stdout(&o);
    assert!(s.contains("登録 1 件・更新 1 件・削除 1 件"), "{s}");
    let o = run(&["validate", "--layout", "diff", out2.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let text = std::fs::read_to_string(&out2).unwrap();
    assert!(
        text.lines().any(|l| l.contains(",2,0,")),
        "update gets number 2:\n{text}"
    );
    assert!(
        text.lines().any(|l| l.contains(",1,1,")),
        "deletion keeps number 1:\n{text}"
    );

    let out3 = tmp("diff3.csv");
    let o = diff_by_sequence(Some(&day2), &day3, &out3, state);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("差分はありません"), "{}", stdout(&o));
    assert!(!Path::new(&format!("{state}.pmhcsv-partial")).exists());
}

#[test]
fn diff_reports_collisions_with_exit_1() {
    let day1 = snapshot("c1.csv", &[0, 1], &[]);
    let day2 = snapshot("c2.csv", &[0, 1, 1], &[]);
    let out = tmp("c.csv");
    let o = run(&[
        "diff",
        "--from",
        &day1,
        "--to",
        &day2,
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let s = stdout(&o);
    assert!(s.contains("3行目・4行目"), "{s}");
    assert!(s.contains("出力していません"), "{s}");
    let o = run(&[
        "diff",
        "--from",
        &day1,
        "--to",
        &day2,
        "-o",
        out.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert!(stdout(&o).contains("rows 3, 4"), "{}", stdout(&o));
}

#[test]
fn diff_argument_errors_exit_2() {
    let day1 = snapshot("e1.csv", &[0], &[]);
    let out = tmp("e.csv");
    let o = run(&[
        "diff",
        "--to",
        &day1,
        "-o",
        out.to_str().unwrap(),
        "--history-key",
        "sequence",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--state"), "{}", stderr(&o));
    let o = run(&[
        "diff",
        "--to",
        &day1,
        "-o",
        out.to_str().unwrap(),
        "--layout",
        "full",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("履歴キー"), "{}", stderr(&o));
    let o = run(&["diff", "--to", &day1, "-o", &day1]);
    assert_eq!(o.status.code(), Some(2));
    let bad = tmp("bad-state.txt");
    std::fs::write(&bad, "not a state").unwrap();
    let o = run(&[
        "diff",
        "--to",
        &day1,
        "-o",
        out.to_str().unwrap(),
        "--state",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("状態ファイル"), "{}", stderr(&o));
    let o = run(&[
        "diff",
        "--to",
        &day1,
        "-o",
        out.to_str().unwrap(),
        "--fill",
        "nope",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn diff_never_prints_personal_values() {
    let day1 = snapshot("p1.csv", &[0, 1], &[]);
    let day2 = snapshot("p2.csv", &[0, 0, 1], &[1]);
    let out = tmp("p.csv");
    let o = run(&[
        "diff",
        "--from",
        &day1,
        "--to",
        &day2,
        "-o",
        out.to_str().unwrap(),
    ]);
    let all = format!("{}{}", stdout(&o), stderr(&o));
    let first = pmh_core::synth::my_number(0);
    assert!(!all.contains(&first), "{all}");
}

/// Seed 000 lines 758–764: a new historyKey numbering needs the reset API. `diff` with a state
/// made under another scheme stops with exit 2, writes no diff and leaves the state as it was.
#[test]
fn diff_refuses_a_state_from_another_key_scheme() {
    let day1 = snapshot("k1.csv", &[0, 1, 2], &[]);
    let day2 = snapshot("k2.csv", &[0, 1, 2, 3], &[]);
    let state = tmp("k-state.txt");
    let state = state.to_str().unwrap();
    let _ = std::fs::remove_file(state);
    let out1 = tmp("k-diff1.csv");
    let o = run(&[
        "diff",
        "--to",
        &day1,
        "-o",
        out1.to_str().unwrap(),
        "--state",
        state,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let before = std::fs::read(state).unwrap();
    let out2 = tmp("k-diff2.csv");
    let _ = std::fs::remove_file(&out2);
    let o = diff_by_sequence(Some(&day1), &day2, &out2, state);
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("リセットAPI（S00G-E11/E12"), "{err}");
    assert!(
        err.contains("履歴キー方式: 状態ファイル「hash」、今回「sequence」"),
        "{err}"
    );
    assert!(!out2.exists(), "no diff written");
    assert!(!Path::new(&format!("{}.pmhcsv-partial", out2.display())).exists());
    assert_eq!(std::fs::read(state).unwrap(), before, "state untouched");
}
