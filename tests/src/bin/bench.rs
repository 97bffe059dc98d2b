//! Speed and memory benchmark of `pmhcsv validate` against the floor (issue 13).
//!
//! ```text
//! cargo bench-validate                                   # 1,000,000 rows, both files
//! cargo bench-validate -- --rows 200000 --rounds 5
//! cargo bench-validate -- --baseline /path/to/old/pmhcsv # before/after in one run
//! cargo bench-validate -- --static                       # also the shipped static binary
//! ```
//!
//! Generates two deterministic 全件 files under `bench-data/` once: the synthetic one (valid,
//! very repetitive) and the "realistic variety" one (64 × 36 names of JIS X 0208 kanji,
//! addresses of varying length and form, one row in ten with a finding:
//! `pmh_core::synth::varied_row`). Builds the release CLI, then on the same bytes (warm page
//! cache) runs, in interleaved rounds, every contender as its own process:
//!
//! * the floor: a bare `csv`-crate pass that only counts the records (the `floor` binary of
//!   this package, built on its own so that edits to this harness do not move its code);
//! * `pmhcsv validate` on 2 cores, and on 1 core (`taskset -c 0`), with a JSON report (which
//!   shows the input's SHA-256, so it is computed);
//! * `pmhcsv validate` with its default text report (no SHA-256: nothing shows it), on 2 cores
//!   and on 1 core;
//! * with `--baseline BIN`, the same two runs of another `pmhcsv` (e.g. the commit before):
//!   its reports must be byte-identical to this build's;
//! * with `--static`, the same two runs of the Linux binary `cargo xtask dist` ships (static,
//!   musl, built here with the `dist` profile), whose reports must be identical too.
//!
//! For each it prints the median wall and CPU time, the peak RSS (VmHWM sampled every 5 ms)
//! and the ratios to the floor. A benchmark, not a test: it prints; it asserts only that the
//! reports agree and that the exit codes are the expected ones.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use conformance::bench::{arg, measure, release_cli, workspace, write_full_file};

fn generate(path: &Path, rows: u64, seed: u64, row: fn(u64, u64, &mut String)) {
    let write = || {
        write_full_file(path, |w| {
            let mut line = String::with_capacity(512);
            for i in 0..rows {
                line.clear();
                row(seed, i, &mut line);
                w.write_all(line.as_bytes())?;
            }
            Ok(())
        })
    };
    if !path.exists() {
        let t = Instant::now();
        write().expect("generate");
        eprintln!(
            "generated {} in {:.1}s",
            path.display(),
            t.elapsed().as_secs_f64()
        );
    }
}

/// The reference date given to every `pmhcsv` contender (see [`Contender::args`]).
const AS_OF: &str = "2022-01-01";

/// One contender: a label and how to run it on a file (`out`: where the report goes).
struct Contender {
    label: String,
    program: PathBuf,
    prefix: Vec<String>,
    /// A `pmhcsv` (its report is compared), or the floor.
    pmhcsv: bool,
    /// A `pmhcsv` run with its default text report instead of the JSON one: only the JSON
    /// report shows the input's SHA-256, so only the JSON runs compute it.
    text: bool,
}

impl Contender {
    fn args(&self, file: &Path, out: &Path) -> Vec<String> {
        let mut a = self.prefix.clone();
        if self.pmhcsv {
            // A reference date before every validity period of both files (they start in
            // 2022–2026): the files are meant to be current 全件 files with the findings they
            // plant, not ones where today's date makes most rows stale (R003). The
            // `varied_file` test checks its findings the same way (no R003).
            a.extend(["validate", "--as-of", AS_OF].map(String::from));
            if !self.text {
                a.extend(["--format", "json"].map(String::from));
            }
            a.push("-o".into());
            a.push(out.to_string_lossy().into_owned());
        }
        a.push(file.to_string_lossy().into_owned());
        a
    }
}

#[derive(Default)]
struct Samples {
    wall: Vec<Duration>,
    cpu: Vec<Duration>,
    peak_kb: u64,
}

fn median(v: &[Duration]) -> f64 {
    let mut v = v.to_vec();
    v.sort();
    v.get(v.len() / 2).map_or(0.0, Duration::as_secs_f64)
}

fn pmhcsv_contenders(label: &str, bin: &Path) -> [Contender; 2] {
    [
        Contender {
            label: format!("{label}, 2 cores"),
            program: bin.to_path_buf(),
            prefix: Vec::new(),
            pmhcsv: true,
            text: false,
        },
        one_core(format!("{label}, 1 core (taskset -c 0)"), bin, false),
    ]
}

fn one_core(label: String, bin: &Path, text: bool) -> Contender {
    Contender {
        label,
        program: PathBuf::from("taskset"),
        prefix: vec!["-c".into(), "0".into(), bin.to_string_lossy().into_owned()],
        pmhcsv: true,
        text,
    }
}

fn run_file(name: &str, file: &Path, rows: u64, rounds: u64, contenders: &[Contender]) {
    let bytes = std::fs::metadata(file).expect("file").len();
    let dir = file.parent().unwrap_or(Path::new("."));
    let _ = std::fs::read(file).expect("read"); // warm the page cache
    let mut samples: Vec<Samples> = contenders.iter().map(|_| Samples::default()).collect();
    let mut reports: Vec<Option<(i32, Vec<u8>)>> = contenders.iter().map(|_| None).collect();
    for round in 0..rounds {
        for (k, c) in contenders.iter().enumerate() {
            let out = if round == 0 {
                dir.join(format!("report-{k}"))
            } else {
                PathBuf::from("/dev/null")
            };
            let args = c.args(file, &out);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let r = measure(&c.program, &args);
            if !c.pmhcsv {
                assert_eq!(r.code, 0);
                assert_eq!(
                    r.stdout.trim(),
                    rows.to_string(),
                    "the floor counts every row"
                );
            } else if round == 0 {
                let report = std::fs::read(&out).expect("report");
                let _ = std::fs::remove_file(&out);
                reports[k] = Some((r.code, report));
            }
            let s = &mut samples[k];
            s.wall.push(r.elapsed);
            s.cpu.push(r.cpu);
            s.peak_kb = s.peak_kb.max(r.peak_kb);
        }
    }
    let mb = bytes as f64 / 1e6;
    println!(
        "\n{name} — {rows} rows, {mb:.1} MB ({}), {rounds} interleaved rounds",
        file.display()
    );
    println!(
        "| contender | wall (median) | CPU (median) | peak RSS | wall ÷ floor | CPU ÷ floor |"
    );
    println!("|---|---|---|---|---|---|");
    let (floor_wall, floor_cpu) = (median(&samples[0].wall), median(&samples[0].cpu));
    for (c, s) in contenders.iter().zip(&samples) {
        let (w, cpu) = (median(&s.wall), median(&s.cpu));
        println!(
            "| {} | {w:.3} s | {cpu:.2} s | {:.1} MB | {:.2}× | {:.2}× |",
            c.label,
            s.peak_kb as f64 / 1024.0,
            w / floor_wall,
            cpu / floor_cpu.max(0.01),
        );
    }
    // Every pmhcsv gives the same exit code, and the same report in the same format.
    for text in [false, true] {
        let mut first: Option<(&str, &(i32, Vec<u8>))> = None;
        let mut same = 0;
        for (c, r) in contenders.iter().zip(&reports) {
            let Some(r) = r.as_ref().filter(|_| c.text == text) else {
                continue;
            };
            same += 1;
            match first {
                None => first = Some((&c.label, r)),
                Some((label, f)) => assert!(
                    f == r,
                    "{}: its report or exit code differs from {label}",
                    c.label,
                ),
            }
        }
        if let Some((_, (code, report))) = first {
            let format = if text { "text" } else { "JSON" };
            let bytes = report.len();
            if same > 1 {
                println!(
                    "{format} reports of all {same} identical ({bytes} bytes, exit code {code})"
                );
            } else {
                println!("{format} report: {bytes} bytes, exit code {code}");
            }
        }
    }
    let codes: Vec<i32> = reports.iter().flatten().map(|(code, _)| *code).collect();
    assert!(
        codes.windows(2).all(|w| w[0] == w[1]),
        "exit codes differ: {codes:?}"
    );
}

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    let rows = arg("--rows", 1_000_000);
    let seed = arg("--seed", 20_241_122);
    let rounds = arg("--rounds", 3).max(1);
    let baseline = argv
        .iter()
        .position(|a| a == "--baseline")
        .and_then(|i| argv.get(i + 1))
        .map(PathBuf::from);
    let root = workspace();
    let v = pmh_core::synth::VERSION;
    let synthetic = root.join(format!("bench-data/full_{rows}_{seed}_v{v}.csv"));
    let varied = root.join(format!("bench-data/varied_{rows}_{seed}_v{v}.csv"));
    generate(&synthetic, rows, seed, pmh_core::synth::full_row);
    generate(&varied, rows, seed, pmh_core::synth::varied_row);
    let bin = release_cli();
    let mut contenders = vec![Contender {
        label: "bare `csv`-crate record count (the floor)".into(),
        program: conformance::bench::floor(),
        prefix: Vec::new(),
        pmhcsv: false,
        text: false,
    }];
    contenders.extend(pmhcsv_contenders("`pmhcsv validate`", &bin));
    contenders.push(Contender {
        label: "`pmhcsv validate`, text report (the default), 2 cores".into(),
        program: bin.clone(),
        prefix: Vec::new(),
        pmhcsv: true,
        text: true,
    });
    contenders.push(one_core(
        "`pmhcsv validate`, text report (the default), 1 core".into(),
        &bin,
        true,
    ));
    if argv.iter().any(|a| a == "--static") {
        let shipped = conformance::bench::static_cli();
        contenders.extend(pmhcsv_contenders(
            "static Linux binary (musl, as shipped)",
            &shipped,
        ));
    }
    if let Some(b) = &baseline {
        contenders.extend(pmhcsv_contenders(&format!("baseline `{}`", b.display()), b));
    }
    println!("pmhcsv validate benchmark (median of {rounds}; ratios from this run only)");
    run_file("synthetic file", &synthetic, rows, rounds, &contenders);
    run_file("realistic variety file", &varied, rows, rounds, &contenders);
}
