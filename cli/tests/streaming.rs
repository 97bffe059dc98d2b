//! End-to-end: how the CLI streams its input. Read in 256 KiB chunks, hashed as it is read,
//! and checked on two threads, or on one when the process may use one processor: the report,
//! its hash and the upload file are the same whichever way.

mod common;

use std::path::Path;
use std::process::Command;

use common::{fixture, run, run_on_one_processor, sha256, tmp};

/// The report's SHA-256 is the input's, also when the input is read in many chunks (the CLI
/// hashes each chunk on the reading thread) and when it comes on standard input. The file is
/// about 1.3 MB, five of the CLI's 256 KiB chunks, with a row cut at every chunk edge.
#[test]
fn report_hash_covers_every_chunk() {
    use std::io::Write;
    let header = std::fs::read_to_string(fixture("valid/full_certificate_items.csv")).unwrap();
    let header = header.lines().next().unwrap();
    let mut text = String::from(header);
    text.push_str("\r\n");
    let mut i = 0u32;
    while text.len() < 1_300_000 {
        // Rows of varying length, so that the chunk edges fall at different places in a row.
        text.push_str(&format!(
            "JIRITSU1,12345678901{},山田{},ヤマダ,{}\r\n",
            i % 10,
            "一".repeat((i % 7) as usize),
            "x".repeat((i % 13) as usize)
        ));
        i += 1;
    }
    let input = tmp("many_chunks.csv");
    std::fs::write(&input, &text).unwrap();
    let expected = sha256(input.to_str().unwrap());
    let report = |o: &std::process::Output| -> serde_json::Value {
        serde_json::from_slice(&o.stdout).expect("a JSON report")
    };
    let from_file = run(&["validate", input.to_str().unwrap(), "--format", "json"]);
    assert_eq!(report(&from_file)["inputs"][0]["sha256"], expected);
    assert_eq!(report(&from_file)["inputs"][0]["bytes"], text.len());
    let mut child = common::bin()
        .args(["validate", "-", "--format", "json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let bytes = text.clone().into_bytes();
    let writer = std::thread::spawn(move || stdin.write_all(&bytes));
    let from_stdin = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert_eq!(report(&from_stdin)["inputs"][0]["sha256"], expected);
    assert_eq!(
        report(&from_file)["inputs"][0]["rows"],
        report(&from_stdin)["inputs"][0]["rows"]
    );
    assert!(report(&from_file)["inputs"][0]["rows"].as_u64().unwrap() > 20_000);
}

/// With one processor the CLI reads and checks on one thread, with more on two (the reading
/// thread hands batches over). Both must give the same report, receipt hash, upload file and
/// exit code, byte for byte: here on a realistic file of about 1.5 MB (six of the CLI's
/// 256 KiB chunks, so batches are reused), one row in ten with a finding, in both modes.
#[test]
fn one_processor_gives_the_same_results_as_two() {
    // The two paths are only both taken where the test may use two processors and `taskset`
    // really leaves one (it asks the kernel as `available_parallelism` does).
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert!(
        cpus >= 2,
        "this test needs two processors to compare the two paths"
    );
    let pinned = Command::new("taskset")
        .args(["-c", "0", "nproc"])
        .output()
        .expect("taskset");
    assert_eq!(String::from_utf8_lossy(&pinned.stdout).trim(), "1");

    let rows = 5_000;
    let input = tmp("one_processor.csv");
    std::fs::write(&input, pmh_core::synth::varied_file(7, rows)).unwrap();
    assert!(std::fs::metadata(&input).unwrap().len() > 5 * 256 * 1024);
    let path = input.to_str().unwrap();
    let json = |o: &std::process::Output| -> serde_json::Value {
        serde_json::from_slice(&o.stdout).expect("a JSON report")
    };

    let validate = [
        "validate",
        path,
        "--format",
        "json",
        "--as-of",
        "2022-01-01",
    ];
    let two = run(&validate);
    let one = run_on_one_processor(&validate);
    assert_eq!(two.status.code(), Some(1), "the file has findings");
    assert_eq!(one.status.code(), two.status.code());
    assert_eq!(one.stdout, two.stdout, "validate reports differ");
    let report = json(&one);
    assert_eq!(report["inputs"][0]["sha256"], sha256(path));
    assert_eq!(report["inputs"][0]["rows"], rows);
    assert!(
        report["summary"]["errors"].as_u64().unwrap() > 100,
        "{}",
        report["summary"]
    );

    let (out_two, out_one) = (tmp("one_processor_two.csv"), tmp("one_processor_one.csv"));
    let build = |out: &Path| {
        [
            "build".to_string(),
            path.to_string(),
            "-o".into(),
            out.to_string_lossy().into_owned(),
            "--format".into(),
            "json".into(),
            "--as-of".into(),
            "2022-01-01".into(),
        ]
    };
    let args_two = build(&out_two);
    let args_one = build(&out_one);
    let two = run(&args_two.iter().map(String::as_str).collect::<Vec<_>>());
    let one = run_on_one_processor(&args_one.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(one.status.code(), two.status.code());
    assert_eq!(one.stdout, two.stdout, "build reports differ");
    let (built_two, built_one) = (
        std::fs::read(&out_two).expect("build wrote the upload file"),
        std::fs::read(&out_one).expect("build wrote the upload file"),
    );
    assert_eq!(built_one, built_two, "upload files differ");
    assert!(built_one.len() > 1_000_000, "most rows are written");
}

/// An upload file that cannot be written to the end stops the check on two threads: the
/// checker stops at its first failed write, and the reading thread, ahead of it and waiting
/// for checked batches to be given back, sees the closed channel instead of waiting for ever.
/// The file may grow to 1 MB (`ulimit -f`; SIGXFSZ ignored, so a longer write fails with
/// EFBIG as on a full quota) while the upload file would be about 4 MB. Exit 2 in Japanese,
/// no file left behind, within a deadline: a reader that waits for ever fails the test (it
/// catches a checker that keeps its end of the returned batches open while it joins the reader).
#[cfg(target_os = "linux")]
#[test]
fn a_write_that_fails_halfway_stops_both_threads() {
    let input = tmp("too_large_two_threads.csv");
    let out = tmp("too_large_two_threads_out.csv");
    let _ = std::fs::remove_file(&out);
    // About 60 batches of 256 rows, 4.4 MB.
    std::fs::write(&input, pmh_core::synth::varied_file(11, 15_000)).unwrap();
    let script =
        "trap '' XFSZ; ulimit -f 2048; exec \"$0\" build \"$1\" -o \"$2\" --as-of 2022-01-01";
    let mut child = Command::new("sh")
        .args(["-c", script, env!("CARGO_BIN_EXE_pmhcsv")])
        .arg(&input)
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("pmhcsv build did not end within 60 s of a failed write");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(2), "{err}");
    assert!(err.contains("読み書きできませんでした"), "{err}");
    assert!(!out.exists(), "{err}");
}
