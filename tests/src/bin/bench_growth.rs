//! Growth of `pmhcsv validate` on the pathological shapes of issue 9 (item 8): for each shape,
//! the release CLI on inputs of N and 4N units, its wall time and peak RSS, and the ratios.
//! Linear time shows as a time ratio near 4 (quadratic near 16); bounded memory as an RSS ratio
//! near 1. A benchmark, not a test: it prints, it does not judge.
//!
//! ```text
//! cargo bench-growth                # N = 25,000
//! cargo bench-growth -- --n 100000
//! ```

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use conformance::bench::{arg, measure, release_cli, workspace};

/// One shape: a name and a generator of an input with `n` units.
struct Shape {
    name: &'static str,
    unit: &'static str,
    make: fn(u64) -> Vec<u8>,
}

fn header() -> String {
    format!("\u{FEFF}{}\r\n", pmh_core::synth::FULL_HEADER)
}

/// One certificate with `n` distinct, renewing validity periods (K-index groups).
fn one_certificate(n: u64) -> Vec<u8> {
    let mut s = header();
    let mut line = String::new();
    pmh_core::synth::full_row(1, 0, &mut line);
    let fields: Vec<&str> = line.trim_end().split(',').collect();
    for i in 0..n {
        let year = 1000 + i / 4;
        let (from, to) = match i % 4 {
            0 => ("01-01", "03-31"),
            1 => ("04-01", "06-30"),
            2 => ("07-01", "09-30"),
            _ => ("10-01", "12-31"),
        };
        let mut f: Vec<String> = fields.iter().map(|s| (*s).to_owned()).collect();
        f[conformance::bench::synth_column("有効期間開始日")] = format!("{year:04}-{from}");
        f[conformance::bench::synth_column("有効期間終了日")] = format!("{year:04}-{to}");
        let _ = write!(s, "{}\r\n", f.join(","));
    }
    s.into_bytes()
}

/// A header, one row, `n` blank lines and one more row.
fn blank_lines(n: u64) -> Vec<u8> {
    let mut s = header();
    let mut line = String::new();
    pmh_core::synth::full_row(2, 0, &mut line);
    s.push_str(&line);
    s.push_str(&"\r\n".repeat(n as usize));
    line.clear();
    pmh_core::synth::full_row(2, 1, &mut line);
    s.push_str(&line);
    s.into_bytes()
}

/// A quote opened in the first row and never closed: `n` rows swallowed.
fn unclosed_quote(n: u64) -> Vec<u8> {
    let mut s = header();
    let mut line = String::new();
    for i in 0..n {
        line.clear();
        pmh_core::synth::full_row(3, i, &mut line);
        if i == 0 {
            line = line.replacen("愛知", "\"愛知", 1);
        }
        s.push_str(&line);
    }
    s.into_bytes()
}

fn run(bin: &Path, file: &Path) -> (f64, f64) {
    let f = file.to_string_lossy();
    // Best of three: the machine is shared.
    (0..3)
        .map(|_| {
            let r = measure(
                bin,
                &["validate", "--format", "json", "-o", "/dev/null", &f],
            );
            (r.elapsed.as_secs_f64(), r.peak_kb as f64 / 1024.0)
        })
        .fold((f64::MAX, 0.0), |(t, m), (t2, m2)| (t.min(t2), m.max(m2)))
}

fn main() {
    let n = arg("--n", 25_000);
    let dir: PathBuf = workspace().join("bench-data/growth");
    std::fs::create_dir_all(&dir).expect("bench-data/growth");
    let bin = release_cli();
    let shapes = [
        Shape {
            name: "one certificate, many periods",
            unit: "rows",
            make: one_certificate,
        },
        Shape {
            name: "blank lines",
            unit: "lines",
            make: blank_lines,
        },
        Shape {
            name: "unclosed quote",
            unit: "rows swallowed",
            make: unclosed_quote,
        },
    ];
    println!(
        "pmhcsv validate — growth from N = {n} to 4N (best of three; time ratio 4 = linear, 16 = quadratic)"
    );
    for shape in &shapes {
        let mut results = Vec::new();
        for k in [n, 4 * n] {
            let file = dir.join(format!("{}_{k}.csv", shape.name.replace([' ', ','], "_")));
            std::fs::write(&file, (shape.make)(k)).expect("write");
            let mb = std::fs::metadata(&file).map_or(0.0, |m| m.len() as f64 / 1e6);
            let (t, rss) = run(&bin, &file);
            results.push((k, mb, t, rss));
        }
        let (a, b) = (results[0], results[1]);
        // A run too short for the memory sampler shows 0 MB: no ratio then.
        let rss_ratio = if a.3 >= 1.0 {
            format!("×{:.2}", b.3 / a.3)
        } else {
            "n/a".to_owned()
        };
        println!(
            "  {:<30} {:>9} {} ({:.1} MB): {:.3} s, {:.1} MB RSS | {:>9} ({:.1} MB): {:.3} s, {:.1} MB RSS | time ×{:.1}, RSS {}",
            shape.name,
            a.0,
            shape.unit,
            a.1,
            a.2,
            a.3,
            b.0,
            b.1,
            b.2,
            b.3,
            b.2 / a.2.max(1e-9),
            rss_ratio
        );
    }
}
