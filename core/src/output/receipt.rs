//! A receipt of what was checked: a small JSON document that staff attach to their internal
//! approval and vendors archive with the nightly export.
//!
//! It holds the tool and layout versions, each input's name, size, SHA-256, encoding, row
//! counts and findings by code, the SHA-256 of the file `build` wrote, and a time **the caller
//! supplies** (this crate has no clock: the CLI passes the current UTC time, the browser its
//! own). No value from the file is in it — only counts and hashes.
//!
//! ```
//! use pmh_core::receipt::{receipt, ReceiptInput, ReceiptRequest};
//! use pmh_core::{check_bytes, Layout, Options};
//! let layout = Layout::full();
//! let bytes = "個人番号\r\n123456789018\r\n".as_bytes();
//! let report = check_bytes(&layout, Options::default(), bytes);
//! let json = receipt(&ReceiptRequest {
//!     tool_name: "pmhcsv",
//!     tool_version: "0.1.0",
//!     command: "validate",
//!     time: "2025-04-01T09:00:00Z",
//!     layout: &layout,
//!     inputs: &[ReceiptInput::new("export.csv", &report)],
//!     output: None,
//! });
//! assert!(json.contains("\"sha256\""));
//! ```
//!
//! Field order is stable (documented in README.md); fields may be added, never renamed.

use std::collections::BTreeMap;

pub use crate::input::hash::{Sha256Hasher, sha256_hex};
use serde::Serialize;

use crate::findings::codes::{Code, Severity};
use crate::findings::report::Report;
use crate::layout::Layout;

/// Version of the receipt format.
pub const RECEIPT_VERSION: u32 = 1;

/// One checked input.
#[derive(Debug, Clone)]
pub struct ReceiptInput<'a> {
    /// File name as the user knows it (the CLI records the name without its directories).
    pub name: &'a str,
    /// Size of the file as stored, in bytes.
    pub bytes: u64,
    /// SHA-256 of the file as stored, lower-case hex.
    pub sha256: &'a str,
    /// How the file was read: `csv` (text) or `xlsx` (a workbook sheet turned into CSV).
    pub format: &'a str,
    /// The check's report.
    pub report: &'a Report,
}

impl<'a> ReceiptInput<'a> {
    /// A text input: size and hash as the checker measured them.
    pub fn new(name: &'a str, report: &'a Report) -> Self {
        Self {
            name,
            bytes: report.bytes,
            sha256: &report.sha256,
            format: "csv",
            report,
        }
    }
}

/// The file `build` wrote.
#[derive(Debug, Clone, Copy)]
pub struct ReceiptOutput<'a> {
    /// File name.
    pub name: &'a str,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256, lower-case hex.
    pub sha256: &'a str,
}

/// Everything a receipt records.
#[derive(Debug, Clone)]
pub struct ReceiptRequest<'a> {
    /// Tool name, e.g. `pmhcsv` or `pmh-csv-builder`.
    pub tool_name: &'a str,
    /// Tool version.
    pub tool_version: &'a str,
    /// What was done: `validate` or `build`.
    pub command: &'a str,
    /// When, as RFC 3339 (see [`is_rfc3339`]); supplied by the caller.
    pub time: &'a str,
    /// The layout checked against.
    pub layout: &'a Layout,
    /// The inputs.
    pub inputs: &'a [ReceiptInput<'a>],
    /// The file written (`build`).
    pub output: Option<ReceiptOutput<'a>>,
}

#[derive(Serialize)]
struct JsonTool<'a> {
    name: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct JsonLayout<'a> {
    id: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct JsonInput<'a> {
    name: &'a str,
    format: &'a str,
    bytes: u64,
    sha256: &'a str,
    encoding: &'a str,
    rows: u64,
    blank_rows: u64,
    errors: u64,
    warnings: u64,
    infos: u64,
    upload_ready: bool,
    counts: BTreeMap<&'static str, u64>,
    errors_by_code: BTreeMap<&'static str, u64>,
    warnings_by_code: BTreeMap<&'static str, u64>,
    infos_by_code: BTreeMap<&'static str, u64>,
    by_code_exact: bool,
    /// The 全件 reference date (R003) the findings were made with, so they can be reproduced.
    #[serde(skip_serializing_if = "Option::is_none")]
    as_of: Option<String>,
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    name: &'a str,
    bytes: u64,
    sha256: &'a str,
}

#[derive(Serialize)]
struct JsonSummary {
    inputs: usize,
    rows: u64,
    errors: u64,
    warnings: u64,
    infos: u64,
    upload_ready: bool,
}

#[derive(Serialize)]
struct JsonReceipt<'a> {
    receipt: &'static str,
    receipt_version: u32,
    tool: JsonTool<'a>,
    command: &'a str,
    time: &'a str,
    layout: JsonLayout<'a>,
    inputs: Vec<JsonInput<'a>>,
    output: Option<JsonOutput<'a>>,
    summary: JsonSummary,
}

/// Findings by code and severity. A code's findings usually share one severity, but a rule
/// whose basis is not verified reports at most a warning, so the split is counted from the
/// listed findings; findings beyond `--max-diagnostics` are counted at their code's catalogue
/// severity (then `by_code_exact` is false).
fn by_severity(r: &Report) -> [BTreeMap<&'static str, u64>; 3] {
    let mut out: [BTreeMap<&'static str, u64>; 3] = Default::default();
    let mut listed: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    for d in &r.diagnostics {
        *listed
            .entry((d.code.index(), d.severity as usize))
            .or_default() += 1;
    }
    for (code, total) in r.codes_found() {
        let mut rest = total;
        for sev in [Severity::Error, Severity::Warning, Severity::Info] {
            let n = listed
                .get(&(code.index(), sev as usize))
                .copied()
                .unwrap_or(0);
            if n > 0 {
                *out[sev as usize].entry(code.as_str()).or_default() += n;
                rest = rest.saturating_sub(n);
            }
        }
        if rest > 0 {
            *out[code.severity() as usize]
                .entry(code.as_str())
                .or_default() += rest;
        }
    }
    out
}

/// The receipt as pretty JSON with a final newline. Field order is stable.
pub fn receipt(req: &ReceiptRequest<'_>) -> String {
    let inputs: Vec<JsonInput<'_>> = req
        .inputs
        .iter()
        .map(|i| {
            let r = i.report;
            let [errors_by_code, warnings_by_code, infos_by_code] = by_severity(r);
            JsonInput {
                name: i.name,
                format: i.format,
                bytes: i.bytes,
                sha256: i.sha256,
                encoding: r.encoding.as_str(),
                rows: r.rows,
                blank_rows: r.blank_rows,
                errors: r.errors,
                warnings: r.warnings,
                infos: r.infos,
                upload_ready: r.upload_ready(),
                counts: r.codes_found().map(|(c, n)| (Code::as_str(c), n)).collect(),
                errors_by_code,
                warnings_by_code,
                infos_by_code,
                by_code_exact: !r.truncated(),
                as_of: r.as_of.map(|d| d.to_string()),
            }
        })
        .collect();
    let summary = JsonSummary {
        inputs: req.inputs.len(),
        rows: req.inputs.iter().map(|i| i.report.rows).sum(),
        errors: req.inputs.iter().map(|i| i.report.errors).sum(),
        warnings: req.inputs.iter().map(|i| i.report.warnings).sum(),
        infos: req.inputs.iter().map(|i| i.report.infos).sum(),
        upload_ready: req.inputs.iter().all(|i| i.report.upload_ready()),
    };
    let doc = JsonReceipt {
        receipt: "pmhcsv-receipt",
        receipt_version: RECEIPT_VERSION,
        tool: JsonTool {
            name: req.tool_name,
            version: req.tool_version,
        },
        command: req.command,
        time: req.time,
        layout: JsonLayout {
            id: &req.layout.id,
            version: &req.layout.version,
        },
        inputs,
        output: req.output.map(|o| JsonOutput {
            name: o.name,
            bytes: o.bytes,
            sha256: o.sha256,
        }),
        summary,
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// Whether `s` is an RFC 3339 date-time (`2025-04-01T09:00:00Z`, `2025-04-01T18:00:00.5+09:00`):
/// a real calendar date, hours 00–23, minutes 00–59, seconds 00–60, and `Z` or an offset.
pub fn is_rfc3339(s: &str) -> bool {
    // chrono's parser also takes a space for the `T` (RFC 3339 §5.6 allows it as a note);
    // receipts keep the strict `T` form.
    s.as_bytes()
        .get(10)
        .is_some_and(|b| matches!(b, b'T' | b't'))
        && chrono::DateTime::parse_from_rfc3339(s).is_ok()
}

/// Seconds since 1970-01-01T00:00:00Z as RFC 3339 UTC (`2025-04-01T09:00:00Z`). The caller
/// reads the clock; this only formats.
pub fn format_rfc3339_utc(unix_seconds: i64) -> String {
    // Outside what chrono represents (not a clock a caller can have): the epoch, never a panic.
    chrono::DateTime::from_timestamp(unix_seconds, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Layout, Options, check_bytes};

    #[test]
    fn rfc3339() {
        for ok in [
            "2025-04-01T09:00:00Z",
            "2025-04-01T09:00:00.123Z",
            "2024-02-29T23:59:60Z",
            "2025-04-01T18:00:00+09:00",
            "2025-04-01t09:00:00z",
        ] {
            assert!(is_rfc3339(ok), "{ok}");
        }
        for bad in [
            "",
            "2025-04-01",
            "2025-04-01 09:00:00Z",
            "2025-02-30T09:00:00Z",
            "2025-04-01T24:00:00Z",
            "2025-04-01T09:00:00",
            "2025-04-01T09:00:00+0900",
            "2025-04-01T09:00:00.Z",
            "２０２５-04-01T09:00:00Z",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }

    #[test]
    fn formats_utc() {
        assert_eq!(format_rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339_utc(1_743_498_000), "2025-04-01T09:00:00Z");
        assert_eq!(format_rfc3339_utc(-1), "1969-12-31T23:59:59Z");
        assert!(is_rfc3339(&format_rfc3339_utc(4_102_444_800)));
    }

    #[test]
    fn sha256_known_answer() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn receipt_fields_in_order_and_counts() {
        let layout = Layout::full();
        let bytes = "\u{FEFF}個人番号,氏名\r\n123456789012,山田太郎\r\n".as_bytes();
        let report = check_bytes(&layout, Options::default(), bytes);
        let json = receipt(&ReceiptRequest {
            tool_name: "pmhcsv",
            tool_version: "9.9.9",
            command: "build",
            time: "2025-04-01T09:00:00Z",
            layout: &layout,
            inputs: &[ReceiptInput::new("in.csv", &report)],
            output: Some(ReceiptOutput {
                name: "out.csv",
                bytes: 3,
                sha256: "abc",
            }),
        });
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let order = [
            "receipt",
            "receipt_version",
            "tool",
            "command",
            "time",
            "layout",
            "inputs",
            "output",
            "summary",
        ];
        let at: Vec<usize> = order
            .iter()
            .map(|k| json.find(&format!("\n  \"{k}\":")).unwrap())
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{json}");
        let input = &v["inputs"][0];
        assert_eq!(input["sha256"], report.sha256.as_str());
        assert_eq!(input["bytes"], bytes.len());
        assert_eq!(input["encoding"], "utf-8-bom");
        assert_eq!(input["counts"]["N001"], 1);
        assert_eq!(input["errors_by_code"]["N001"], 1);
        assert_eq!(input["by_code_exact"], true);
        assert_eq!(v["output"]["name"], "out.csv");
        assert_eq!(v["summary"]["upload_ready"], false);
        assert!(!json.contains("123456789012"), "no values in a receipt");
        assert!(!json.contains("山田"));
    }

    #[test]
    fn truncated_lists_still_count_every_finding() {
        let layout = Layout::full();
        let mut csv = String::from("個人番号\r\n");
        for _ in 0..5 {
            csv.push_str("123456789012\r\n");
        }
        let opts = Options {
            max_diagnostics: 1,
            ..Options::default()
        };
        let report = check_bytes(&layout, opts, csv.as_bytes());
        let json = receipt(&ReceiptRequest {
            tool_name: "pmhcsv",
            tool_version: "0",
            command: "validate",
            time: "2025-04-01T09:00:00Z",
            layout: &layout,
            inputs: &[ReceiptInput::new("x.csv", &report)],
            output: None,
        });
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["inputs"][0]["errors_by_code"]["N001"], 5);
        assert_eq!(v["inputs"][0]["by_code_exact"], false);
        assert_eq!(v["output"], serde_json::Value::Null);
    }
}
