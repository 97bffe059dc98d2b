//! Speed and memory benchmark of `pmhcsv validate` (issue: ≤ 3× a bare csv pass, < 200 MB).
//!
//! ```text
//! cargo bench-validate                 # 1,000,000 rows
//! cargo bench-validate -- --rows 200000
//! ```
//!
//! Generates a deterministic synthetic 全件 file (valid check digits, realistic names and
//! addresses, 券面 columns) under `bench-data/` once, builds the release CLI, then on the same
//! bytes (warm page cache) times (a) a bare `csv`-crate pass that only counts records and
//! (b) the real `pmhcsv validate` process, best of three each, and samples the child's peak
//! RSS (VmHWM) from /proc.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use conformance::bench::{arg, measure, release_cli, workspace};

fn generate(path: &Path, rows: u64, seed: u64) -> std::io::Result<()> {
    std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
    let tmp = path.with_extension("tmp");
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
    w.write_all("\u{FEFF}".as_bytes())?;
    w.write_all(pmh_core::synth::FULL_HEADER.as_bytes())?;
    w.write_all(b"\r\n")?;
    let mut line = String::with_capacity(512);
    for i in 0..rows {
        line.clear();
        pmh_core::synth::full_row(seed, i, &mut line);
        w.write_all(line.as_bytes())?;
    }
    w.flush()?;
    drop(w);
    std::fs::rename(tmp, path)
}

fn bare_count(path: &Path) -> u64 {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .expect("open");
    let mut rec = csv::ByteRecord::new();
    let mut n = 0;
    while rdr.read_byte_record(&mut rec).expect("read") {
        n += 1;
    }
    n
}

fn validate_once(bin: &Path, file: &Path) -> (Duration, u64, i32) {
    let f = file.to_string_lossy();
    let r = measure(
        bin,
        &["validate", "--format", "json", "-o", "/dev/null", &f],
    );
    (r.elapsed, r.peak_kb, r.code)
}

fn main() {
    let rows = arg("--rows", 1_000_000);
    let seed = arg("--seed", 20_241_122);
    let root = workspace();
    let file = root.join(format!("bench-data/full_{rows}_{seed}.csv"));
    if !file.exists() {
        let t = Instant::now();
        generate(&file, rows, seed).expect("generate");
        eprintln!(
            "generated {} in {:.1}s",
            file.display(),
            t.elapsed().as_secs_f64()
        );
    }
    let bin = release_cli();
    let bytes = std::fs::metadata(&file).expect("file").len();
    let mb = bytes as f64 / 1e6;

    // Warm the page cache, then best of three for each side.
    let _ = bare_count(&file);
    let mut bare = Duration::MAX;
    let mut counted = 0;
    for _ in 0..3 {
        let t = Instant::now();
        counted = bare_count(&file);
        bare = bare.min(t.elapsed());
    }
    assert_eq!(counted, rows, "bare pass counts every record");
    let mut best = Duration::MAX;
    let mut peak = 0;
    for _ in 0..3 {
        let (d, kb, code) = validate_once(&bin, &file);
        assert_eq!(code, 0, "the synthetic file must validate clean");
        best = best.min(d);
        peak = peak.max(kb);
    }
    let ratio = best.as_secs_f64() / bare.as_secs_f64();
    println!(
        "pmhcsv validate benchmark — {rows} rows, {mb:.1} MB ({})",
        file.display()
    );
    println!(
        "  bare csv count : {:>8.3} s  {:>10.0} rows/s  {:>7.1} MB/s",
        bare.as_secs_f64(),
        rows as f64 / bare.as_secs_f64(),
        mb / bare.as_secs_f64()
    );
    println!(
        "  pmhcsv validate: {:>8.3} s  {:>10.0} rows/s  {:>7.1} MB/s",
        best.as_secs_f64(),
        rows as f64 / best.as_secs_f64(),
        mb / best.as_secs_f64()
    );
    println!("  ratio validate/bare: {ratio:.2}× (target ≤ 3.00×)");
    println!(
        "  peak RSS of pmhcsv : {:.1} MB (target < 200 MB)",
        peak as f64 / 1024.0
    );
}
