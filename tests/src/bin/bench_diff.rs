//! Speed and memory benchmark of `pmhcsv diff` on a large pair of 全件 snapshots.
//!
//! ```text
//! cargo bench-diff                 # 1,000,000 rows each
//! cargo bench-diff -- --rows 200000
//! ```
//!
//! Generates (once, under `bench-data/`) a deterministic synthetic snapshot FROM and a TODAY
//! derived from it: 1% of the rows gone, 2% changed (certificate name), 0.1% with a moved
//! validity start, 1% new. Builds the release CLI, makes the state for FROM (a first run
//! without `--from`), then times `pmhcsv diff --from FROM --to TODAY --state …` (warm cache,
//! best of three, the state restored before each run) and samples the child's peak RSS
//! (VmHWM) from /proc. For scale it also times one `pmhcsv validate` of TODAY.

use std::path::Path;
use std::time::{Duration, Instant};

use conformance::bench::{arg, release_cli, workspace, write_full_file};

/// One synthetic row, possibly changed for TODAY.
fn row(seed: u64, i: u64, change: bool, move_start: bool, line: &mut String) {
    line.clear();
    pmh_core::synth::full_row(seed, i, line);
    if !(change || move_start) {
        return;
    }
    let mut fields: Vec<String> = line.trim_end().split(',').map(str::to_owned).collect();
    if change {
        fields[conformance::bench::synth_column("受給者証名")].push_str("(再交付)");
    }
    if move_start
        && let Ok(d) = chrono::NaiveDate::parse_from_str(
            &fields[conformance::bench::synth_column("有効期間開始日")],
            "%Y-%m-%d",
        )
        && let Some(d) = d.succ_opt()
    {
        fields[conformance::bench::synth_column("有効期間開始日")] = d.to_string();
    }
    *line = fields.join(",");
    line.push_str("\r\n");
}

fn generate(path: &Path, rows: u64, seed: u64, today: bool) -> std::io::Result<()> {
    write_full_file(path, |w| {
        let mut line = String::with_capacity(512);
        for i in 0..rows {
            if today && i % 100 == 7 {
                continue; // gone
            }
            row(
                seed,
                i,
                today && i % 50 == 3,
                today && i % 1000 == 11,
                &mut line,
            );
            w.write_all(line.as_bytes())?;
        }
        if today {
            for i in rows..rows + rows / 100 {
                row(seed, i, false, false, &mut line);
                w.write_all(line.as_bytes())?;
            }
        }
        Ok(())
    })
}

/// Runs the CLI, sampling peak RSS: (time, peak KiB, exit code, stdout).
fn measure(bin: &Path, args: &[&str]) -> (Duration, u64, i32, String) {
    let r = conformance::bench::measure(bin, args);
    (r.elapsed, r.peak_kb, r.code, r.stdout)
}

fn main() {
    let rows = arg("--rows", 1_000_000);
    let seed = arg("--seed", 20_241_122);
    let root = workspace();
    let data = root.join("bench-data");
    let v = pmh_core::synth::VERSION;
    let from = data.join(format!("diff_from_{rows}_{seed}_v{v}.csv"));
    let to = data.join(format!("diff_to_{rows}_{seed}_v{v}.csv"));
    for (path, today) in [(&from, false), (&to, true)] {
        if !path.exists() {
            let t = Instant::now();
            generate(path, rows, seed, today).expect("generate");
            eprintln!(
                "generated {} in {:.1}s",
                path.display(),
                t.elapsed().as_secs_f64()
            );
        }
    }
    let bin = release_cli();
    let s = |p: &Path| p.to_string_lossy().into_owned();
    let out = data.join("diff_out.csv");
    let state0 = data.join(format!("diff_state_{rows}_{seed}_v{v}.txt"));
    let state = data.join("diff_state_run.txt");

    // Day 0: the state after registering FROM (not timed).
    let _ = std::fs::remove_file(&state0);
    let (d0, p0, code, _) = measure(
        &bin,
        &[
            "diff",
            "--to",
            &s(&from),
            "-o",
            &s(&out),
            "--state",
            &s(&state0),
        ],
    );
    assert_eq!(code, 0, "first run");

    let mut best = Duration::MAX;
    let mut peak = 0;
    let mut summary = String::new();
    for _ in 0..3 {
        std::fs::copy(&state0, &state).expect("state copy");
        let (d, kb, code, stdout) = measure(
            &bin,
            &[
                "diff",
                "--from",
                &s(&from),
                "--to",
                &s(&to),
                "-o",
                &s(&out),
                "--state",
                &s(&state),
            ],
        );
        assert_eq!(code, 0, "the synthetic pair must diff cleanly:\n{stdout}");
        best = best.min(d);
        peak = peak.max(kb);
        summary = stdout;
    }
    let (v, vkb, _, _) = measure(
        &bin,
        &["validate", "--format", "json", "-o", "/dev/null", &s(&to)],
    );
    let mb = |p: &Path| std::fs::metadata(p).map_or(0.0, |m| m.len() as f64 / 1e6);
    println!(
        "pmhcsv diff benchmark — {rows} rows each ({:.1} MB + {:.1} MB)",
        mb(&from),
        mb(&to)
    );
    println!("{}", summary.lines().nth(1).unwrap_or("").trim());
    println!(
        "  diff (first run, no --from, writes the state): {:>7.2} s  peak RSS {:>6.1} MB",
        d0.as_secs_f64(),
        p0 as f64 / 1024.0
    );
    println!(
        "  diff --from --to --state (best of 3)          : {:>7.2} s  peak RSS {:>6.1} MB  ({:.0} rows/s per snapshot)",
        best.as_secs_f64(),
        peak as f64 / 1024.0,
        rows as f64 / best.as_secs_f64()
    );
    println!(
        "  for scale: one validate of TODAY             : {:>7.2} s  peak RSS {:>6.1} MB",
        v.as_secs_f64(),
        vkb as f64 / 1024.0
    );
    println!("  output {:.1} MB, state {:.1} MB", mb(&out), mb(&state));
}
