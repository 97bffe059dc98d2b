//! Issue 9 (4): nothing is lost. No output is written over an input, whatever the path says;
//! `diff` refuses snapshots that would delete everyone, and more deletions than its limit.

mod common;

use common::{fixture, fixture_path, run, stderr, tmp};

/// A copy of a fixture in this test's directory, and its bytes.
fn copy(fixture: &str, name: &str) -> (std::path::PathBuf, Vec<u8>) {
    let bytes = std::fs::read(fixture_path(fixture)).unwrap();
    let p = tmp(name);
    std::fs::write(&p, &bytes).unwrap();
    (p, bytes)
}

fn assert_refused(o: &std::process::Output, what: &str) {
    assert_eq!(o.status.code(), Some(2), "{what}: {}", stderr(o));
    assert!(
        stderr(o).contains("入力ファイルと同じファイルには書き込めません"),
        "{what}: {}",
        stderr(o)
    );
}

#[test]
fn no_output_is_written_over_an_input() {
    // An unclosed quote: the rows it swallowed would be gone for good.
    let (input, bytes) = copy("invalid/S007_unclosed_quote.csv", "in.csv");
    let s = input.to_string_lossy().into_owned();
    let dir = input.parent().unwrap();
    let dotted = dir.join(".").join("in.csv").to_string_lossy().into_owned();
    let cases: Vec<(&str, Vec<String>)> = vec![
        (
            "build -o same",
            vec!["build".into(), s.clone(), "-o".into(), s.clone()],
        ),
        (
            "build -o ./same",
            vec!["build".into(), s.clone(), "-o".into(), dotted.clone()],
        ),
        (
            "build --report same",
            vec![
                "build".into(),
                s.clone(),
                "-o".into(),
                tmp("out.csv").to_string_lossy().into(),
                "--report".into(),
                s.clone(),
            ],
        ),
        (
            "validate -o same",
            vec!["validate".into(), s.clone(), "-o".into(), s.clone()],
        ),
        (
            "validate --receipt same",
            vec![
                "validate".into(),
                s.clone(),
                "--receipt".into(),
                dotted.clone(),
            ],
        ),
        (
            "redact -o same",
            vec!["redact".into(), s.clone(), "-o".into(), s.clone()],
        ),
    ];
    for (what, args) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&args);
        assert_refused(&o, what);
        assert_eq!(
            std::fs::read(&input).unwrap(),
            bytes,
            "{what}: input changed"
        );
    }
    // English too.
    let o = run(&["validate", &s, "-o", &s, "--lang", "en"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("refusing to write over an input file"),
        "{}",
        stderr(&o)
    );
}

/// A report or receipt that fails while it is written (a full disk: `/dev/full`; a closed
/// pipe: `pmhcsv build … | head`) ends the build with exit 2 in Japanese, and an exit 2
/// leaves no new upload file: the earlier one stays.
#[cfg(target_os = "linux")]
#[test]
fn a_build_whose_report_fails_while_written_keeps_the_earlier_upload_file() {
    let valid = fixture_path("valid/full_minimal.csv");
    let v = valid.to_string_lossy();
    let out = tmp("kept-on-full-disk.csv");
    let out_s = out.to_string_lossy().into_owned();
    let receipt = tmp("kept-on-full-disk-receipt.json");
    let earlier = b"an earlier upload file\r\n";
    for (option, to) in [("--report", "/dev/full"), ("--receipt", "/dev/full")] {
        std::fs::write(&out, earlier).unwrap();
        let o = run(&["build", &v, "-o", &out_s, option, to]);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{option}: {e}");
        assert!(
            e.contains("ディスクの空き容量が足りません")
                && e.contains("アップロードファイルは書き出していません"),
            "{option}: {e}"
        );
        assert_eq!(std::fs::read(&out).unwrap(), earlier, "{option}: {e}");
        assert!(!tmp("kept-on-full-disk.csv.pmhcsv-partial").exists());
    }
    // Standard output closed before the report is written.
    std::fs::write(&out, earlier).unwrap();
    let _ = std::fs::remove_file(&receipt);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pmhcsv"))
        .args(["build", &v, "-o", &out_s, "--receipt"])
        .arg(&receipt)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains("標準出力") && e.contains("書き込み先が閉じられました"),
        "{e}"
    );
    assert_eq!(std::fs::read(&out).unwrap(), earlier, "{e}");
    assert!(
        !receipt.exists(),
        "no receipt for an upload file not written: {e}"
    );
}

/// Two outputs named alike: the one written last would replace the other (the upload file
/// left holding the report, or the receipt describing bytes no longer there; the diff file
/// holding the state). Refused before anything is read; a file already there is untouched,
/// and no other output appears. Two outputs on `/dev/null` are still fine.
#[test]
fn no_output_is_written_over_another_output() {
    let (input, _) = copy("valid/full_minimal.csv", "two-outputs-in.csv");
    let s = input.to_string_lossy().into_owned();
    let same = tmp("two-outputs-same.csv");
    let same_s = same.to_string_lossy().into_owned();
    let other = tmp("two-outputs-other.txt");
    let other_s = other.to_string_lossy().into_owned();
    let dotted = same
        .parent()
        .unwrap()
        .join(".")
        .join("two-outputs-same.csv")
        .to_string_lossy()
        .into_owned();
    let earlier = b"an earlier file, kept\r\n";
    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        (
            "build -o X --report X",
            vec![
                "build",
                &s,
                "-o",
                &same_s,
                "--report",
                &same_s,
                "--receipt",
                &other_s,
            ],
            "-o と --report",
        ),
        (
            "build -o X --receipt ./X",
            vec![
                "build",
                &s,
                "-o",
                &same_s,
                "--report",
                &other_s,
                "--receipt",
                &dotted,
            ],
            "-o と --receipt",
        ),
        (
            "build --report X --receipt X",
            vec![
                "build",
                &s,
                "-o",
                &other_s,
                "--report",
                &same_s,
                "--receipt",
                &same_s,
            ],
            "--report と --receipt",
        ),
        (
            "validate -o X --receipt X",
            vec!["validate", &s, "-o", &same_s, "--receipt", &same_s],
            "-o と --receipt",
        ),
        (
            "diff -o X --state X",
            vec!["diff", "--to", &s, "-o", &same_s, "--state", &same_s],
            "-o と --state",
        ),
    ];
    for (what, args, flags) in &cases {
        std::fs::write(&same, earlier).unwrap();
        let _ = std::fs::remove_file(&other);
        let o = run(args);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{what}: {e}");
        assert!(
            e.contains(&format!("{flags} に同じファイルが指定されています"))
                && e.contains("何も書き出していません"),
            "{what}: {e}"
        );
        assert_eq!(
            std::fs::read(&same).unwrap(),
            earlier,
            "{what}: file replaced"
        );
        assert!(!other.exists(), "{what}: another output was written");
    }
    let o = run(&[
        "validate",
        &s,
        "-o",
        &same_s,
        "--receipt",
        &same_s,
        "--lang",
        "en",
    ]);
    assert!(
        stderr(&o).contains("-o and --receipt name the same file"),
        "{}",
        stderr(&o)
    );
    // Discarding both is not a collision.
    let o = run(&["validate", &s, "-o", "/dev/null", "--receipt", "/dev/null"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[cfg(unix)]
#[test]
fn a_hard_link_is_the_same_file() {
    let (input, bytes) = copy("valid/full_minimal.csv", "linked.csv");
    let link = tmp("link-to-input.csv");
    let _ = std::fs::remove_file(&link);
    std::fs::hard_link(&input, &link).unwrap();
    let o = run(&[
        "build",
        &input.to_string_lossy(),
        "-o",
        &link.to_string_lossy(),
    ]);
    assert_refused(&o, "hard link");
    assert_eq!(std::fs::read(&input).unwrap(), bytes);
}

/// A file of the workspace (outside `fixtures/`), as a test input.
fn workspace_file(p: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(p)
}

/// Every file a command reads is an input, not only the data: a layout TOML (`--layout`,
/// `--input-layout`, the vendor's layout made from the official template) and the masters of
/// `pmhcsv master`. An output named like one of them (directly, as `./X`, through a symlink or
/// a hard link) is refused with exit 2 before anything is read; the file keeps its bytes and
/// no other output appears.
#[cfg(unix)]
#[test]
fn no_output_is_written_over_a_layout_or_a_master() {
    let path = |p: &std::path::Path| p.to_string_lossy().into_owned();
    let (input, _) = copy("valid/full_minimal.csv", "guard-in.csv");
    let layout_bytes = std::fs::read(workspace_file("core/layouts/full.toml")).unwrap();
    let diff_layout_bytes = std::fs::read(workspace_file("core/layouts/diff.toml")).unwrap();
    let (master, master_bytes) = copy("masters/example_master.csv", "guard-seido.csv");
    let (other_master, _) = copy("masters/example_master.csv", "guard-seido-2.csv");
    let my = tmp("guard-my.toml");
    let dl = tmp("guard-dl.toml");
    std::fs::write(&my, &layout_bytes).unwrap();
    std::fs::write(&dl, &diff_layout_bytes).unwrap();
    let dir = my.parent().unwrap().to_path_buf();
    let dotted = |name: &str| path(&dir.join(".").join(name));
    let linked = |target: &std::path::Path, name: &str| {
        let link = tmp(name);
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(target, &link).unwrap();
        path(&link)
    };
    let my_symlink = linked(&my, "guard-my-symlink.toml");
    let master_symlink = linked(&master, "guard-seido-symlink.csv");
    let my_hard_link = tmp("guard-my-hard-link.toml");
    let _ = std::fs::remove_file(&my_hard_link);
    std::fs::hard_link(&my, &my_hard_link).unwrap();
    let my_hard_link = path(&my_hard_link);
    // An output that must not appear: nothing is written when the run is refused.
    let other = tmp("guard-other-output.csv");
    let (input, my_s, dl_s, master_s) = (path(&input), path(&my), path(&dl), path(&master));
    let (other_s, other_master) = (path(&other), path(&other_master));
    let my_dotted = dotted("guard-my.toml");
    let master_dotted = dotted("guard-seido.csv");

    // (what, the file that must keep its bytes, its bytes, the arguments)
    let cases: Vec<(&str, &str, &[u8], Vec<&str>)> = vec![
        (
            "validate --layout X -o X",
            &my_s,
            &layout_bytes,
            vec!["validate", &input, "--layout", &my_s, "-o", &my_s],
        ),
        (
            "validate --layout X -o ./X",
            &my_s,
            &layout_bytes,
            vec!["validate", &input, "--layout", &my_s, "-o", &my_dotted],
        ),
        (
            "validate --layout X --receipt X",
            &my_s,
            &layout_bytes,
            vec!["validate", &input, "--layout", &my_s, "--receipt", &my_s],
        ),
        (
            "validate --layout X -o hard link to X",
            &my_s,
            &layout_bytes,
            vec!["validate", &input, "--layout", &my_s, "-o", &my_hard_link],
        ),
        (
            "build --layout X -o X",
            &my_s,
            &layout_bytes,
            vec!["build", &input, "--layout", &my_s, "-o", &my_s],
        ),
        (
            "build --layout X --report X",
            &my_s,
            &layout_bytes,
            vec![
                "build", &input, "--layout", &my_s, "-o", &other_s, "--report", &my_s,
            ],
        ),
        (
            "build --layout X --receipt symlink to X",
            &my_s,
            &layout_bytes,
            vec![
                "build",
                &input,
                "--layout",
                &my_s,
                "-o",
                &other_s,
                "--receipt",
                &my_symlink,
            ],
        ),
        (
            "redact --layout X -o X",
            &my_s,
            &layout_bytes,
            vec!["redact", &input, "--layout", &my_s, "-o", &my_s],
        ),
        (
            "diff --input-layout X -o X",
            &my_s,
            &layout_bytes,
            vec!["diff", "--to", &input, "--input-layout", &my_s, "-o", &my_s],
        ),
        (
            "diff --layout X -o X",
            &dl_s,
            &diff_layout_bytes,
            vec!["diff", "--to", &input, "--layout", &dl_s, "-o", &dl_s],
        ),
        (
            "diff --input-layout X --state symlink to X",
            &my_s,
            &layout_bytes,
            vec![
                "diff",
                "--to",
                &input,
                "--input-layout",
                &my_s,
                "-o",
                &other_s,
                "--state",
                &my_symlink,
            ],
        ),
        (
            "layout --layout X --format md -o X",
            &my_s,
            &layout_bytes,
            vec!["layout", "--layout", &my_s, "--format", "md", "-o", &my_s],
        ),
        (
            "layout --layout X --format json -o symlink to X",
            &my_s,
            &layout_bytes,
            vec![
                "layout",
                "--layout",
                &my_s,
                "--format",
                "json",
                "-o",
                &my_symlink,
            ],
        ),
        (
            "layout --from-template T --layout X -o ./X",
            &my_s,
            &layout_bytes,
            vec![
                "layout",
                "--from-template",
                &input,
                "--layout",
                &my_s,
                "-o",
                &my_dotted,
            ],
        ),
        (
            "master X -o X",
            &master_s,
            &master_bytes,
            vec!["master", &master_s, "-o", &master_s],
        ),
        (
            "master X -o symlink to X",
            &master_s,
            &master_bytes,
            vec!["master", &master_s, "-o", &master_symlink],
        ),
        (
            "master Y X -o ./X",
            &master_s,
            &master_bytes,
            vec!["master", &other_master, &master_s, "-o", &master_dotted],
        ),
        (
            "master --template X -o X",
            &master_s,
            &master_bytes,
            vec!["master", "--template", &master_s, "-o", &master_s],
        ),
    ];
    // Every case is run, and every failure listed.
    let mut failures = Vec::new();
    for (what, kept, bytes, args) in &cases {
        let _ = std::fs::remove_file(&other);
        let o = run(args);
        let e = stderr(&o);
        if o.status.code() != Some(2) {
            failures.push(format!("{what}: exit {:?}, not 2: {e}", o.status.code()));
        }
        if !e.contains("入力ファイルと同じファイルには書き込めません") {
            failures.push(format!("{what}: not the Japanese refusal: {e}"));
        }
        if std::fs::read(kept).unwrap() != *bytes {
            failures.push(format!("{what}: {kept} was replaced"));
            std::fs::write(kept, bytes).unwrap();
        }
        if other.exists() {
            failures.push(format!("{what}: another output was written"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // The same layout and master written elsewhere are fine: only the collision is refused.
    let elsewhere = path(&tmp("guard-elsewhere.txt"));
    for args in [
        vec!["layout", "--layout", &my_s, "-o", &elsewhere],
        vec!["master", &master_s, "-o", &elsewhere],
        vec![
            "validate",
            &input,
            "--as-of",
            "2025-05-01",
            "--layout",
            &my_s,
            "-o",
            &elsewhere,
        ],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    }
    // A built-in layout is read from no file: a file of that name in the working folder is
    // not an input (`--layout full` never reads `./full`).
    std::fs::write(dir.join("full"), b"not a layout").unwrap();
    let o = common::bin()
        .args(["layout", "--layout", "full", "-o", "full"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// A today's file that lost most rows is refused by `diff` (exit 2): no diff file, the state
/// untouched. `--max-deletions` confirms.
#[test]
fn diff_refuses_a_truncated_snapshot_and_an_empty_one() {
    let mut header = String::from("\u{FEFF}");
    header.push_str(pmh_core::synth::FULL_HEADER);
    header.push_str("\r\n");
    let mut y = header.clone();
    let mut t = header.clone();
    for i in 0..100 {
        let mut line = String::new();
        pmh_core::synth::full_row(5, i, &mut line);
        y.push_str(&line);
        if i < 60 {
            t.push_str(&line);
        }
    }
    let (yp, tp, out, state) = (
        tmp("y.csv"),
        tmp("t.csv"),
        tmp("diff.csv"),
        tmp("state.txt"),
    );
    std::fs::write(&yp, &y).unwrap();
    std::fs::write(&tp, &t).unwrap();
    std::fs::write(&state, b"untouched").unwrap();
    let _ = std::fs::remove_file(&out);
    let args = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = ["diff", "--from"].iter().map(|s| (*s).to_owned()).collect();
        v.push(yp.to_string_lossy().into());
        v.push("--to".into());
        v.push(tp.to_string_lossy().into());
        v.push("-o".into());
        v.push(out.to_string_lossy().into());
        v.extend(extra.iter().map(|s| (*s).to_owned()));
        v
    };
    let refused = run(&args(&[]).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("削除が 40 件"),
        "{}",
        stderr(&refused)
    );
    assert!(!out.exists(), "no diff file is written");
    let ok = run(&args(&["--max-deletions", "40"])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    assert!(ok.status.code().is_some_and(|c| c < 2), "{}", stderr(&ok));
    assert!(out.exists());
    let bad = run(&args(&["--max-deletions", "lots"])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    assert_eq!(bad.status.code(), Some(2));
    // Today's file with the header alone: everyone would be deleted.
    std::fs::write(&tp, &header).unwrap();
    let _ = std::fs::remove_file(&out);
    let empty = run(&args(&["--max-deletions", "all", "--state"])
        .iter()
        .map(String::as_str)
        .chain([state.to_str().unwrap()])
        .collect::<Vec<_>>());
    assert_eq!(empty.status.code(), Some(2), "{}", stderr(&empty));
    assert!(
        stderr(&empty).contains("データの行がありません"),
        "{}",
        stderr(&empty)
    );
    assert!(!out.exists());
    assert_eq!(std::fs::read(&state).unwrap(), b"untouched");
}

/// docs/diff.md item 2: a certificate whose 公費受給者番号 was retyped in 全角 is the
/// certificate PMH holds: unchanged, or an update that writes the number as build sends it.
/// Before, it was deleted and registered anew under `０００…`, exit 0 (a 全角 number was a
/// warning, since build writes it half-width): if PMH rejected the registration, the
/// certificate was lost. The snapshot's check says V016 (an error) on both cells: exit 1,
/// with the diff file written as build would send it.
#[test]
fn diff_keeps_a_certificate_whose_key_was_retyped_in_full_width() {
    let mut header = String::from("\u{FEFF}");
    header.push_str(pmh_core::synth::FULL_HEADER);
    header.push_str("\r\n");
    let lines: Vec<String> = (0..5)
        .map(|i| {
            let mut line = String::new();
            pmh_core::synth::full_row(5, i, &mut line);
            line
        })
        .collect();
    let wide = |s: &str| -> String {
        s.chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => char::from_u32('０' as u32 + d).unwrap_or(c),
                None => c,
            })
            .collect()
    };
    // 公費受給者番号 (column K) in 全角 in rows 0 and 1, and row 1's address changed.
    let retype = |line: &str, col: usize, address: bool| -> String {
        let mut f: Vec<String> = line.trim_end().split(',').map(str::to_owned).collect();
        f[col] = wide(&f[col]);
        if address {
            f[4].push_str("2階");
        }
        f.join(",") + "\r\n"
    };
    let y = header.clone() + &lines.concat();
    let t = header.clone()
        + &retype(&lines[0], 10, false)
        + &retype(&lines[1], 10, true)
        + &lines[2..].concat();
    let (yp, tp, out) = (
        tmp("retyped-y.csv"),
        tmp("retyped-t.csv"),
        tmp("retyped-diff.csv"),
    );
    std::fs::write(&yp, &y).unwrap();
    std::fs::write(&tp, &t).unwrap();
    let o = run(&[
        "diff",
        "--from",
        yp.to_str().unwrap(),
        "--to",
        tp.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let summary = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(1), "{summary}{}", stderr(&o));
    assert!(
        summary.contains("登録 0 件・更新 1 件・削除 0 件（変更なし 4 件"),
        "{summary}"
    );
    assert!(summary.contains("5 行（エラー 2、警告 0）"), "{summary}");
    let written = std::fs::read_to_string(&out).unwrap();
    let records: Vec<&str> = written.lines().skip(1).collect();
    assert_eq!(records.len(), 1, "{written}");
    let fields: Vec<&str> = records[0].split(',').collect();
    let original: Vec<&str> = lines[1].trim_end().split(',').collect();
    assert_eq!(
        fields[10], original[10],
        "the 公費受給者番号 as build sends it"
    );
    assert!(!written.contains('０'), "{written}");
}

/// `diff` writes its state after the 差分履歴 file: a state in a folder that does not exist
/// fails before the diff (exit 2, the state's own path named, not its partial file), and an
/// earlier 差分履歴 file at the output path is left as it was. Otherwise a file was left whose
/// history keys the next day's state would not know.
#[test]
fn a_diff_whose_state_cannot_be_written_replaces_no_diff_file() {
    let (prev, _) = copy("previous/P001_too_many_removals.csv", "s-prev.csv");
    let (today, _) = copy("previous/P001_too_many_removals.csv", "s-today.csv");
    let out = tmp("s-diff.csv");
    let state = tmp("no-such-state-folder").join("state.txt");
    let earlier = b"an earlier diff file\r\n";
    std::fs::write(&out, earlier).unwrap();
    let o = run(&[
        "diff",
        "--from",
        prev.to_str().unwrap(),
        "--to",
        today.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
    ]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains(&format!(
            "{}: ファイルまたはフォルダーが見つかりません",
            state.display()
        )),
        "{e}"
    );
    assert!(!e.contains("pmhcsv-partial"), "{e}");
    assert_eq!(std::fs::read(&out).unwrap(), earlier);
    assert!(!tmp("s-diff.csv.pmhcsv-partial").exists());
}

/// Issue 9 (9): operating-system errors are reported in Japanese with the path, exit 2, and a
/// failed write names the output (never "internal: validation stopped").
#[test]
fn os_errors_are_japanese_with_their_path() {
    let valid = fixture_path("valid/full_minimal.csv");
    let v = valid.to_string_lossy();
    let missing_dir = tmp("no-such-folder").join("out.csv");
    let missing_dir = missing_dir.to_string_lossy();
    let dir = tmp("a-folder");
    std::fs::create_dir_all(&dir).unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["validate", "/no/such/file.csv"],
            "ファイルまたはフォルダーが見つかりません",
        ),
        (
            vec!["build", &v, "-o", &missing_dir],
            "ファイルまたはフォルダーが見つかりません",
        ),
        (vec!["validate", dir.to_str().unwrap()], "フォルダーです"),
    ];
    for (args, want) in cases {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("internal"), "{args:?}: {}", stderr(&o));
    }
}

/// `build`'s report and receipt are probed before the build (and written before its upload
/// file is moved into place): a folder that does not exist for either fails first (exit 2,
/// the path named), and an earlier upload file at the output path is left as it was, with no
/// partial file beside it. The same for `validate`'s receipt, written after its report.
#[test]
fn a_build_whose_report_cannot_be_written_replaces_no_upload_file() {
    let valid = fixture_path("valid/full_minimal.csv");
    let v = valid.to_string_lossy();
    let out = tmp("kept-upload.csv");
    let out_s = out.to_string_lossy().into_owned();
    let nowhere = tmp("no-such-report-folder").join("report.txt");
    let nowhere = nowhere.to_string_lossy().into_owned();
    let earlier = b"an earlier upload file\r\n";
    for option in ["--report", "--receipt"] {
        std::fs::write(&out, earlier).unwrap();
        let o = run(&["build", &v, "-o", &out_s, option, &nowhere]);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{option}: {e}");
        assert!(
            e.contains(&nowhere) && e.contains("ファイルまたはフォルダーが見つかりません"),
            "{option}: {e}"
        );
        assert_eq!(std::fs::read(&out).unwrap(), earlier, "{option}: {e}");
        assert!(!tmp("kept-upload.csv.pmhcsv-partial").exists());
    }
    // A folder given as the report is refused before the build too.
    let folder = tmp("a-report-folder");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(&out, earlier).unwrap();
    let build_reporting_to = |report: &std::path::Path| {
        run(&[
            "build",
            &v,
            "-o",
            &out_s,
            "--report",
            report.to_str().unwrap(),
        ])
    };
    let o = build_reporting_to(&folder);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("フォルダーです"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&out).unwrap(), earlier);
    // validate's report is not written either when its receipt cannot be.
    let report = tmp("validate-report.txt");
    let o = run(&[
        "validate",
        &v,
        "-o",
        report.to_str().unwrap(),
        "--receipt",
        &nowhere,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!report.exists(), "{}", stderr(&o));
    // Where both can be written, all three are.
    let report = tmp("written-report.txt");
    let o = build_reporting_to(&report);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(report.exists() && std::fs::read(&out).unwrap() != earlier);
    assert!(
        !tmp("written-report.txt.pmhcsv-partial").exists(),
        "the probe leaves nothing"
    );
}

/// A write that fails half way (a full disk) names the output file, not an internal error.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_reported_as_such() {
    use std::io::Write;
    // /dev/full accepts the open and fails every write with ENOSPC.
    let mut probe = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    assert!(probe.write_all(b"x").and_then(|()| probe.flush()).is_err());
    let o = run(&[
        "validate",
        &fixture_path("valid/full_minimal.csv").to_string_lossy(),
        "-o",
        "/dev/full",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("/dev/full"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("ディスクの空き容量が足りません"),
        "{}",
        stderr(&o)
    );
}

/// Issue 9 (8): once the input is certainly unreadable (S002), reading stops: an endless
/// stream of random bytes ends with a report instead of being read forever.
#[cfg(target_os = "linux")]
#[test]
fn an_endless_unreadable_stream_is_not_read_forever() {
    let start = std::time::Instant::now();
    let o = run(&["validate", "/dev/urandom"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        common::stdout(&o).contains("S002"),
        "{}",
        common::stdout(&o)
    );
    assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
}

/// An output that exists and is not a regular file — `/dev/null`, a FIFO — is written, never
/// replaced. `build`, `redact` and `diff` write next to the target and rename at the end; over
/// `/dev/null`, run as root, that rename turned the device into a regular file for every
/// program on the machine. Tested on a FIFO (the same code path, harmless if it regressed):
/// it stays a FIFO, and a reader gets exactly what a regular output file gets.
#[cfg(unix)]
#[test]
fn an_output_that_is_not_a_regular_file_is_written_through_not_replaced() {
    use std::os::unix::fs::FileTypeExt;

    let valid = fixture("valid/full_minimal.csv");
    let v = valid.as_str();
    let diff_from = fixture("valid/full_renewal_not_overlapping.csv");
    let cases: [(&str, Vec<&str>); 4] = [
        ("build", vec!["build", v]),
        ("build --format json", vec!["build", v, "--format", "json"]),
        ("redact", vec!["redact", v, "--seed", "7"]),
        ("diff", vec!["diff", "--from", &diff_from, "--to", v]),
    ];
    for (what, args) in cases {
        // The command with `-o out`; it checks (exit 0 or 1), never fails to write.
        let write_to = |out: &std::path::Path| {
            let mut with_output = args.clone();
            with_output.extend(["-o", out.to_str().unwrap()]);
            let o = run(&with_output);
            assert!(
                o.status.code().is_some_and(|c| c < 2),
                "{what}: {}",
                stderr(&o)
            );
        };
        // What the command writes into a regular file.
        let regular = tmp(&format!("regular-{}", what.replace(' ', "_")));
        let _ = std::fs::remove_file(&regular);
        write_to(&regular);
        let expected = std::fs::read(&regular).unwrap();
        assert!(!expected.is_empty(), "{what}");

        let fifo = tmp(&format!("out-{}.fifo", what.replace(' ', "_")));
        let _ = std::fs::remove_file(&fifo);
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success(), "mkfifo");
        // Opening a FIFO for reading waits for its writer: read it on a thread. If the FIFO
        // were replaced, this thread would wait for ever; the assertions below fail first.
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo))
        };
        write_to(&fifo);
        let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(kind.is_fifo(), "{what}: the FIFO was replaced ({kind:?})");
        let mut partial = fifo.clone().into_os_string();
        partial.push(".pmhcsv-partial");
        assert!(
            !std::path::Path::new(&partial).exists(),
            "{what}: a partial file is left"
        );
        let got = reader.join().unwrap().unwrap();
        assert_eq!(got, expected, "{what}: the reader got other bytes");
    }
}

/// `build -o -` and `diff -o -` are refused (exit 2, before anything is read): standard output
/// carries the command's results, and `-` used to become a file of that name in the current
/// folder. (`redact -o -` writes the copy to standard output and its summary to standard error.)
#[test]
fn an_output_of_dash_is_refused_where_standard_output_is_taken() {
    let dir = tmp("dash-cwd");
    std::fs::create_dir_all(&dir).unwrap();
    let valid = fixture("valid/full_minimal.csv");
    for args in [
        vec!["build", valid.as_str(), "-o", "-"],
        vec!["diff", "--to", valid.as_str(), "-o", "-"],
    ] {
        let o = common::bin()
            .current_dir(&dir)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("-o に -（標準出力）は使えません"),
            "{args:?}: {}",
            stderr(&o)
        );
        assert!(o.stdout.is_empty(), "{args:?}: nothing is checked");
        assert!(
            !dir.join("-").exists(),
            "{args:?}: a file named - was created"
        );
    }
}

/// A full disk under `build`, whose upload file is written while rows are checked: reported
/// with the file's name both when the CLI checks on two threads and when, allowed one
/// processor (`taskset -c 0`), it checks on one. The input spans several read chunks, so the
/// write fails in the middle of the stream.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_during_build_is_reported_on_one_thread_and_on_two() {
    let input = tmp("full_disk_build.csv");
    std::fs::write(&input, pmh_core::synth::full_file(3, 4_000)).unwrap();
    assert!(std::fs::metadata(&input).unwrap().len() > 2 * 256 * 1024);
    let args = ["build", input.to_str().unwrap(), "-o", "/dev/full"];
    let two = run(&args);
    let one = common::run_on_one_processor(&args);
    for (o, how) in [(&two, "two threads"), (&one, "one thread")] {
        assert_eq!(o.status.code(), Some(2), "{how}: {}", stderr(o));
        assert!(stderr(o).contains("/dev/full"), "{how}: {}", stderr(o));
        assert!(
            stderr(o).contains("ディスクの空き容量が足りません"),
            "{how}: {}",
            stderr(o)
        );
        assert!(!stderr(o).contains("internal"), "{how}: {}", stderr(o));
    }
}

/// An input that cannot be read as text (S002) is refused whole, as an ambiguous one (S018)
/// is: exit 2 ("an input could not be read"), the one finding with its reason in Japanese,
/// and `build` writes nothing. Before, `build` exited 1 and renamed an empty file over the
/// output path: the upload file of the previous run was gone. With an ASCII start (decoded
/// before the bytes that decide), the rows of that start were built into the upload file: a
/// 全件 file that would delete every certificate after them.
#[test]
fn an_unreadable_input_is_refused_whole_and_the_earlier_upload_file_kept() {
    let text = std::fs::read_to_string(fixture_path("valid/full_minimal.csv")).unwrap();
    let text = text.trim_start_matches('\u{FEFF}');
    let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let layout = pmh_core::Layout::full();
    let ids: Vec<&str> = layout.fields.iter().map(|f| f.id.as_str()).collect();
    let row = vec!["1"; ids.len()].join(",");
    let mut ascii_start = format!("{}\r\n{row}\r\n{row}\r\n", ids.join(",")).into_bytes();
    ascii_start.extend_from_slice(b"\x00\x00\x00garbage\r\n");
    // A workbook saved as Excel 97-2003 (or with a password): an OLE2 file, named as such.
    let mut xls = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    xls.resize(2048, 0);
    let cases: [(&str, Vec<u8>); 5] = [
        ("an Excel 97-2003 workbook", xls),
        ("UTF-16 without a byte-order mark", utf16),
        ("binary", b"PMH\x00\x01\x02\xFF".repeat(200)),
        (
            "neither UTF-8, Shift_JIS nor EUC-JP",
            b"\xFD\xFD\x80\x80,a\r\n".repeat(50),
        ),
        ("an ASCII start, then NUL bytes", ascii_start),
    ];
    for (i, (what, bytes)) in cases.iter().enumerate() {
        let dir = tmp(&format!("unreadable-{i}"));
        std::fs::create_dir_all(&dir).unwrap();
        let input = dir.join("in.csv");
        std::fs::write(&input, bytes).unwrap();
        let input = input.to_string_lossy().into_owned();

        let o = run(&["validate", &input]);
        assert_eq!(o.status.code(), Some(2), "{what}: {}", stderr(&o));
        let report = common::stdout(&o);
        assert!(
            report.contains("内訳: S002×1\n"),
            "{what}: only S002\n{report}"
        );
        assert!(
            report.contains("文字コードを判別できません（"),
            "{what}\n{report}"
        );
        assert!(
            !report.contains("NUL bytes") && !report.contains("neither"),
            "{what}: the reason in Japanese\n{report}"
        );
        if i == 0 {
            assert!(report.contains("Excel 97-2003 形式（.xls）"), "{report}");
        }

        let out = dir.join("upload.csv");
        let earlier = b"the upload file of the previous run\r\n";
        std::fs::write(&out, earlier).unwrap();
        let listing = || {
            let mut names: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            names.sort();
            names
        };
        let before = listing();
        let o = run(&["build", &input, "-o", &out.to_string_lossy()]);
        assert_eq!(o.status.code(), Some(2), "{what}: {}", stderr(&o));
        assert!(common::stdout(&o).contains("S002"), "{what}");
        assert!(
            stderr(&o).contains("アップロードファイルは書き出していません"),
            "{what}: {}",
            stderr(&o)
        );
        assert_eq!(std::fs::read(&out).unwrap(), earlier, "{what}: output kept");
        assert_eq!(listing(), before, "{what}: no file left behind");
    }
}

/// A source whose first row is not a header the layout knows (a title row above the header,
/// as an Excel list often has; another layout's file) is S016, and nothing of it is checked:
/// exit 2, as for a file that could not be read. `build` wrote a 0-byte upload file over the
/// earlier one with exit 1: its rows were in neither the upload file nor the report.
#[test]
fn a_source_without_a_known_header_row_is_refused_and_the_earlier_upload_file_kept() {
    let text = std::fs::read_to_string(fixture_path("valid/full_minimal.csv")).unwrap();
    let titled = format!(
        "令和7年度 子ども医療 受給者一覧\r\n{}",
        text.trim_start_matches('\u{FEFF}')
    );
    let dir = tmp("title-row");
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("source.csv");
    std::fs::write(&input, &titled).unwrap();
    let input = input.to_string_lossy().into_owned();
    let o = run(&["validate", &input]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        common::stdout(&o).contains("内訳: S016×1\n"),
        "{}",
        common::stdout(&o)
    );
    let out = dir.join("upload.csv");
    let earlier = b"the upload file of the previous run\r\n";
    std::fs::write(&out, earlier).unwrap();
    let o = run(&["build", &input, "-o", &out.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(common::stdout(&o).contains("S016"));
    assert!(
        stderr(&o).contains("アップロードファイルは書き出していません"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&out).unwrap(), earlier, "output kept");
    assert!(!dir.join("upload.csv.pmhcsv-partial").exists());
}
