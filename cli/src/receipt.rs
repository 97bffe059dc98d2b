//! `--receipt PATH` on `validate` and `build`: a JSON receipt of what was checked
//! (`pmh_core::receipt`). The CLI supplies what the core cannot: the time (now, UTC, unless
//! `--receipt-time` says otherwise) and the size and SHA-256 of the files as stored.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use pmh_core::receipt::{self, ReceiptInput, ReceiptOutput, ReceiptRequest, Sha256Hasher};
use pmh_core::{Layout, Report};

use crate::Fail;

/// Receipt options shared by `validate` and `build`.
#[derive(clap::Args, Debug, Default)]
pub struct ReceiptOpts {
    /// Also write a JSON receipt of this check: tool and layout versions, each file's name,
    /// size and SHA-256, encoding, row counts and findings by code (no values from the file).
    #[arg(long, value_name = "PATH")]
    pub receipt: Option<PathBuf>,
    /// Time recorded in the receipt, RFC 3339 (e.g. 2025-04-01T09:00:00Z). Default: now, UTC.
    /// Give it for reproducible receipts.
    #[arg(long, value_name = "RFC3339", requires = "receipt")]
    pub receipt_time: Option<String>,
}

/// A receipt to write once the work is done.
pub struct Pending {
    path: PathBuf,
    time: String,
}

/// Checks the options before any work: a wrong `--receipt-time` is an argument error (exit 2).
pub fn prepare(o: &ReceiptOpts, lang: pmh_core::Lang) -> Result<Option<Pending>, Fail> {
    let Some(path) = &o.receipt else {
        return Ok(None);
    };
    let time = match &o.receipt_time {
        Some(t) if receipt::is_rfc3339(t) => t.clone(),
        Some(t) => {
            return Err(Fail(crate::text::Usage::ReceiptTime(t).message(lang)));
        }
        None => {
            let secs = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
            receipt::format_rfc3339_utc(secs)
        }
    };
    Ok(Some(Pending {
        path: path.clone(),
        time,
    }))
}

/// Name shown in the receipt: the file name without its directories (paths often carry user
/// names), a number of 11 digits or more in it masked (a file named after the recipient);
/// `-` for standard input.
fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        return "-".into();
    }
    pmh_core::hide_long_numbers(&path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    ))
}

/// Size, SHA-256 and whether the file is a workbook, read from disk in chunks.
fn measure(path: &Path) -> Result<(u64, String, bool), Fail> {
    let mut f = File::open(path).map_err(|e| crate::io_fail(path, &e))?;
    let mut h = Sha256Hasher::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    let mut head = Vec::new();
    loop {
        let n = match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(crate::io_fail(path, &e)),
        };
        if head.len() < 4 {
            head.extend_from_slice(&buf[..n.min(4 - head.len())]);
        }
        h.update(&buf[..n]);
        total += n as u64;
    }
    Ok((total, h.finish(), head == b"PK\x03\x04"))
}

fn write(pending: &Pending, json: &str) -> Result<(), Fail> {
    std::fs::write(&pending.path, json).map_err(|e| crate::io_fail(&pending.path, &e))
}

fn inputs<'a>(
    names: &'a [String],
    measured: &'a [(u64, String, bool)],
    reports: &'a [&'a Report],
) -> Vec<ReceiptInput<'a>> {
    names
        .iter()
        .zip(measured)
        .zip(reports)
        .map(|((name, (bytes, sha, xlsx)), r)| ReceiptInput {
            name,
            bytes: *bytes,
            sha256: sha,
            format: if *xlsx { "xlsx" } else { "csv" },
            report: r,
        })
        .collect()
}

/// Whether the receipt takes `input`'s size and hash from its check's report: standard input
/// cannot be read again. Any other input is measured again from disk.
pub fn reads_from_check(input: &Path) -> bool {
    input.as_os_str() == "-"
}

fn measure_input(path: &Path, report: &Report) -> Result<(u64, String, bool), Fail> {
    if reads_from_check(path) {
        // The hash taken while checking (`InputHash::for_outputs` asks for it).
        if report.sha256.is_empty() {
            return Err(Fail(
                "internal: standard input was read without its SHA-256".into(),
            ));
        }
        Ok((report.bytes, report.sha256.clone(), false))
    } else {
        measure(path)
    }
}

/// The receipt of `pmhcsv validate`.
pub fn write_validate(
    pending: Option<&Pending>,
    layout: &Layout,
    paths: &[PathBuf],
    reports: &[(String, Report)],
) -> Result<(), Fail> {
    let Some(p) = pending else { return Ok(()) };
    let names: Vec<String> = paths.iter().map(|p| display_name(p)).collect();
    let measured = paths
        .iter()
        .zip(reports)
        .map(|(path, (_, r))| measure_input(path, r))
        .collect::<Result<Vec<_>, Fail>>()?;
    let rs: Vec<&Report> = reports.iter().map(|(_, r)| r).collect();
    let json = receipt::receipt(&ReceiptRequest {
        tool_name: env!("CARGO_PKG_NAME"),
        tool_version: env!("CARGO_PKG_VERSION"),
        command: "validate",
        time: &p.time,
        layout,
        inputs: &inputs(&names, &measured, &rs),
        output: None,
    });
    write(p, &json)
}

/// The receipt of `pmhcsv build` (with the SHA-256 of the file it wrote).
pub fn write_build(
    pending: Option<&Pending>,
    layout: &Layout,
    input: &Path,
    report: &Report,
    output: &Path,
    written: &Path,
) -> Result<(), Fail> {
    let Some(p) = pending else { return Ok(()) };
    let names = [display_name(input)];
    let measured = [measure_input(input, report)?];
    let (out_bytes, out_sha, _) = measure(written)?;
    let out_name = display_name(output);
    let json = receipt::receipt(&ReceiptRequest {
        tool_name: env!("CARGO_PKG_NAME"),
        tool_version: env!("CARGO_PKG_VERSION"),
        command: "build",
        time: &p.time,
        layout,
        inputs: &inputs(&names, &measured, &[report]),
        output: Some(ReceiptOutput {
            name: &out_name,
            bytes: out_bytes,
            sha256: &out_sha,
        }),
    });
    write(p, &json)
}
