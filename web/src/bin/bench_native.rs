//! Native half of `cargo xtask bench-web`: writes the benchmark's paste data (a synthetic 全件
//! file as Excel would put it on the clipboard: tab-separated, no BOM) and times the very
//! checker run the worker's benchmark times (`Session::bench`), natively, for the
//! WASM-vs-native throughput ratio.
//!
//! Usage: `bench_native ROWS OUT.tsv AS_OF` → prints one JSON line (AS_OF: the reference date
//! the page's clock is set to in `tests/e2e/bench.mjs`, `YYYY-MM-DD`):
//! `{"rows":…, "bytes":…, "native_ms":[…]}`.

use std::time::Instant;

use web::protocol::{InputSource, Phase};
use web::session::Session;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rows: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let out = args.get(1).map_or("bench-paste.tsv", String::as_str);
    let as_of = args.get(2).map_or("2022-01-01", String::as_str);
    let text = pmh_core::synth::full_file(20_241_122, rows);
    let tsv = text.trim_start_matches('\u{FEFF}').replace(',', "\t");
    if let Err(e) = std::fs::write(out, tsv.as_bytes()) {
        eprintln!("bench_native: {out}: {e}");
        std::process::exit(2);
    }
    let mut session = Session::default();
    let mut quiet = |_: Phase, _: u64, _: u64| {};
    let preview = match session.load(InputSource::Paste, Some(tsv.into_bytes()), None, &mut quiet) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("bench_native: {}", e);
            std::process::exit(2);
        }
    };
    let targets = web::mapping::targets(session.layout(), &preview.headers, None);
    let mapping = web::mapping::to_mapping("", session.layout(), &preview.headers, &targets);
    // The page checks with its date as the reference date (R003 for the rows whose validity
    // has ended): the native run it is compared with gets the same date, or the two would time
    // different work.
    if let Err(e) = session.check(
        &mapping.to_json(),
        &web::protocol::Prepare::default(),
        &format!("{as_of} 00:00:00"),
        &mut quiet,
    ) {
        eprintln!("bench_native: {}", e);
        std::process::exit(2);
    }
    let timed = session.bench(5, &mut |run| {
        let t = Instant::now();
        run();
        t.elapsed().as_secs_f64() * 1000.0
    });
    match timed {
        Ok(b) => {
            let list = |runs: &[f64]| {
                runs.iter()
                    .map(|ms| format!("{ms:.1}"))
                    .collect::<Vec<_>>()
                    .join(",")
            };
            println!(
                "{{\"rows\":{},\"bytes\":{},\"native_ms\":[{}],\"native_check_ms\":[{}]}}",
                b.rows,
                b.bytes,
                list(&b.runs_ms),
                list(&b.check_ms)
            );
        }
        Err(e) => {
            eprintln!("bench_native: {}", e);
            std::process::exit(2);
        }
    }
}
