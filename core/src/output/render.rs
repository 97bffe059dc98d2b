//! Reports as text, JSON, CSV, JUnit XML and GitHub annotations.
//!
//! Rendering lives in core so that the CLI and the browser produce the same bytes for the same
//! findings. Personal values are masked unless [`RenderOptions::show_values`]; every value is cut
//! to `VALUE_MAX` characters (the report says how many were cut), and every format writes
//! values, paths and messages through its neutraliser in `output::escape`.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::findings::codes::Severity;
use crate::findings::diagnostic::{Diagnostic, column_letter};
use crate::findings::message::{Message, message, shown_value};
use crate::findings::report::Report;
use crate::input::decode::TextEncoding;
use crate::layout::Layout;
use crate::output::escape::{self, visible};
use crate::output::previous::{self, Previous};

/// Name and version of this tool, as written into reports.
pub const TOOL_NAME: &str = "pmhcsv";
/// Version of this tool.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Language of human-readable output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// 日本語 (default).
    #[default]
    Ja,
    /// English.
    En,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Human-readable text.
    #[default]
    Text,
    /// JSON report.
    Json,
    /// CSV report that opens in Japanese Excel (UTF-8 with BOM, CRLF).
    Csv,
    /// JUnit XML for CI systems.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

impl Format {
    /// Every format, in the order the CLI lists them (tests render a report in each).
    pub const ALL: [Format; 5] = {
        // A new format fails to compile here until it is listed.
        const fn listed(f: Format) -> usize {
            match f {
                Format::Text => 0,
                Format::Json => 1,
                Format::Csv => 2,
                Format::Junit => 3,
                Format::Github => 4,
            }
        }
        let all = [
            Format::Text,
            Format::Json,
            Format::Csv,
            Format::Junit,
            Format::Github,
        ];
        let mut i = 0;
        while i < all.len() {
            assert!(listed(all[i]) == i);
            i += 1;
        }
        all
    };

    /// Whether a report in this format shows the SHA-256 of each input. Only then (or for a
    /// receipt) does the CLI hash what it reads: the hash is about a sixth of a check's CPU
    /// time, and a test renders every format with two different hashes to keep this true.
    #[must_use]
    pub fn shows_input_hash(self) -> bool {
        matches!(self, Self::Json)
    }
}

/// Rendering options.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Language of text output.
    pub lang: Lang,
    /// Show personal values unmasked.
    pub show_values: bool,
}

/// One checked input and its report.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// Path or name of the input as the user gave it.
    pub path: &'a str,
    /// Its report.
    pub report: &'a Report,
}

/// A file's path as a report shows it: a number of 11 digits or more in it (a file named after
/// the recipient, 「愛知花子_123456789018.csv」) is masked as the report's values are, unless
/// values are shown.
fn shown_path(path: &str, opts: RenderOptions) -> String {
    if opts.show_values {
        path.to_owned()
    } else {
        crate::findings::message::hide_long_numbers(path)
    }
}

/// `inputs` with these paths.
fn with_paths<'a>(inputs: &[Input<'a>], paths: &'a [String]) -> Vec<Input<'a>> {
    inputs
        .iter()
        .zip(paths)
        .map(|(i, path)| Input {
            path,
            report: i.report,
        })
        .collect()
}

/// Renders the reports of all inputs in `format` (every report's entry point: the inputs'
/// paths are masked here: a number of 11 digits or more, unless values are shown).
pub fn render(
    format: Format,
    layout: &Layout,
    inputs: &[Input<'_>],
    opts: RenderOptions,
) -> String {
    let paths: Vec<String> = inputs.iter().map(|i| shown_path(i.path, opts)).collect();
    let shown = with_paths(inputs, &paths);
    let inputs = &shown[..];
    match format {
        Format::Text => text(layout, inputs, opts),
        Format::Json => json(layout, inputs, opts),
        Format::Csv => csv(layout, inputs, opts),
        Format::Junit => junit(layout, inputs, opts),
        Format::Github => github(layout, inputs, opts),
    }
}

fn encoding_label(e: TextEncoding, lang: Lang) -> &'static str {
    match (e, lang) {
        (TextEncoding::Ascii, _) => "ASCII (UTF-8)",
        (TextEncoding::Utf8, Lang::Ja) => "UTF-8（BOMなし）",
        (TextEncoding::Utf8, Lang::En) => "UTF-8 (no BOM)",
        (TextEncoding::Utf8Bom, Lang::Ja) => "UTF-8（BOMあり）",
        (TextEncoding::Utf8Bom, Lang::En) => "UTF-8 with BOM",
        (TextEncoding::Utf16Le, _) => "UTF-16LE",
        (TextEncoding::Utf16Be, _) => "UTF-16BE",
        (TextEncoding::Cp932, _) => "Shift_JIS (CP932)",
        (TextEncoding::EucJp, _) => "EUC-JP",
        (TextEncoding::Iso2022Jp, _) => "ISO-2022-JP",
        (TextEncoding::Ambiguous, Lang::Ja) => {
            "判別不能（CP932 と EUC-JP のどちらとしても読めます）"
        }
        (TextEncoding::Ambiguous, Lang::En) => "ambiguous (valid as CP932 and as EUC-JP)",
        (TextEncoding::Unknown, Lang::Ja) => "不明",
        (TextEncoding::Unknown, Lang::En) => "unknown",
    }
}

fn severity_label(s: Severity, lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => s.label_ja(),
        Lang::En => s.as_str(),
    }
}

/// Human-readable text report: a header, one block per finding, a summary.
pub fn text(layout: &Layout, inputs: &[Input<'_>], opts: RenderOptions) -> String {
    text_with(layout, inputs, opts, None)
}

/// [`render`] with the comparison with the previous upload (`--previous`): its block in the
/// text report, its `"previous"` object in the JSON report (other formats: the P001 finding
/// only).
pub fn render_with_previous(
    format: Format,
    layout: &Layout,
    inputs: &[Input<'_>],
    opts: RenderOptions,
    previous: Option<&Previous<'_>>,
) -> String {
    if !matches!(format, Format::Text | Format::Json) {
        return render(format, layout, inputs, opts);
    }
    let paths: Vec<String> = inputs.iter().map(|i| shown_path(i.path, opts)).collect();
    let shown = with_paths(inputs, &paths);
    let previous_path = previous.map(|p| shown_path(p.path, opts));
    let previous = previous
        .zip(previous_path.as_deref())
        .map(|(p, path)| Previous {
            path,
            comparison: p.comparison,
            limit: p.limit,
        });
    match format {
        Format::Json => json_with(layout, &shown, opts, previous.as_ref()),
        _ => text_with(layout, &shown, opts, previous.as_ref()),
    }
}

fn text_with(
    layout: &Layout,
    inputs: &[Input<'_>],
    opts: RenderOptions,
    previous: Option<&Previous<'_>>,
) -> String {
    let lang = opts.lang;
    let mut out = String::new();
    let title = if lang == Lang::Ja {
        &layout.title_ja
    } else {
        &layout.title_en
    };
    let title = visible(title);
    let (id, version) = (visible(&layout.id), visible(&layout.version));
    let _ = match lang {
        Lang::Ja => writeln!(
            out,
            "{TOOL_NAME} {TOOL_VERSION} — レイアウト: {title}（{id} {version}）"
        ),
        Lang::En => writeln!(
            out,
            "{TOOL_NAME} {TOOL_VERSION} — layout: {title} ({id} {version})"
        ),
    };
    let (mut rows, mut errors, mut warnings, mut infos) = (0, 0, 0, 0);
    for input in inputs {
        let r = input.report;
        rows += r.rows;
        errors += r.errors;
        warnings += r.warnings;
        infos += r.infos;
        let enc = encoding_label(r.encoding, lang);
        let path = visible(input.path);
        let _ = match lang {
            Lang::Ja => writeln!(out, "\n■ {path}（{enc}、{}行、{}バイト）", r.rows, r.bytes),
            Lang::En => writeln!(
                out,
                "\n■ {path} ({enc}, {} rows, {} bytes)",
                r.rows, r.bytes
            ),
        };
        if let Some(as_of) = r.as_of {
            let _ = match lang {
                Lang::Ja => writeln!(
                    out,
                    "  基準日: {as_of}（この日より前に有効期間が終わった行を R003 として報告）"
                ),
                Lang::En => writeln!(
                    out,
                    "  reference date: {as_of} (rows whose validity ended before it are R003)"
                ),
            };
        }
        for d in &r.diagnostics {
            let m = message(layout, d, opts.show_values);
            let info = d.code.info();
            let place = place(&path, d, lang);
            let (sentence, hint) = match lang {
                Lang::Ja => (m.ja, info.hint_ja),
                Lang::En => (m.en, info.hint_en),
            };
            let _ = writeln!(
                out,
                "{place} [{} {}] {}",
                severity_label(d.severity, lang),
                d.code.as_str(),
                visible(&sentence)
            );
            let field = d.field.and_then(|i| layout.fields.get(i));
            let basis = if lang == Lang::Ja {
                d.basis.label(Lang::Ja)
            } else {
                d.basis.label(Lang::En)
            };
            // File-structure findings have no layout rule behind them: no basis line unless
            // the rule is an inferred default (BOM, line endings).
            let _ = match (lang, field) {
                (Lang::Ja, Some(f)) => writeln!(
                    out,
                    "    項目: {}（{}）　根拠: {basis}",
                    visible(&f.label_ja),
                    visible(&f.id)
                ),
                (Lang::En, Some(f)) => writeln!(
                    out,
                    "    field: {} ({})  basis: {basis}",
                    visible(&f.label_en),
                    visible(&f.id)
                ),
                (Lang::Ja, None) if d.basis != crate::layout::Basis::Verified => {
                    writeln!(out, "    根拠: {basis}")
                }
                (Lang::En, None) if d.basis != crate::layout::Basis::Verified => {
                    writeln!(out, "    basis: {basis}")
                }
                _ => Ok(()),
            };
            let _ = match lang {
                Lang::Ja => writeln!(out, "    修正方法: {hint}"),
                Lang::En => writeln!(out, "    fix: {hint}"),
            };
        }
        if r.truncated() {
            let _ = match lang {
                Lang::Ja => writeln!(
                    out,
                    "（ほか {}件の指摘は省略しました。件数は下の集計に含まれます）",
                    r.total() - r.diagnostics.len() as u64
                ),
                Lang::En => writeln!(
                    out,
                    "({} more findings not listed; they are counted below)",
                    r.total() - r.diagnostics.len() as u64
                ),
            };
        }
        let by_code: Vec<String> = r
            .codes_found()
            .map(|(c, n)| format!("{}×{n}", c.as_str()))
            .collect();
        if !by_code.is_empty() {
            let _ = match lang {
                Lang::Ja => writeln!(out, "内訳: {}", by_code.join(" ")),
                Lang::En => writeln!(out, "by code: {}", by_code.join(" ")),
            };
        }
    }
    if let Some(p) = previous {
        out.push_str(&previous::text_block(layout, p, lang));
    }
    let ready = errors == 0;
    let _ = match lang {
        Lang::Ja => writeln!(
            out,
            "\n結果: {rows}行 — エラー {errors}件、警告 {warnings}件、情報 {infos}件。{}",
            if ready {
                "アップロードできます。"
            } else {
                "このままではアップロードできません。"
            }
        ),
        Lang::En => writeln!(
            out,
            "\nResult: {rows} rows — {errors} errors, {warnings} warnings, {infos} info. {}",
            if ready {
                "Ready to upload."
            } else {
                "Not ready to upload."
            }
        ),
    };
    out
}

fn place(path: &str, d: &Diagnostic, lang: Lang) -> String {
    let col = d.column.map(column_letter);
    match (d.row, col, lang) {
        (Some(r), Some(c), Lang::Ja) => format!("{path} {r}行目 {c}列"),
        (Some(r), None, Lang::Ja) => format!("{path} {r}行目"),
        (None, Some(c), Lang::Ja) => format!("{path} {c}列"),
        (Some(r), Some(c), Lang::En) => format!("{path} row {r} col {c}"),
        (Some(r), None, Lang::En) => format!("{path} row {r}"),
        (None, Some(c), Lang::En) => format!("{path} col {c}"),
        (None, None, _) => path.to_owned(),
    }
}

/// One finding in the JSON report.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    input: &'a str,
    code: &'static str,
    severity: &'static str,
    row: Option<u32>,
    line: Option<u64>,
    column: Option<String>,
    column_index: Option<u32>,
    field: Option<&'a str>,
    label_ja: Option<&'a str>,
    label_en: Option<&'a str>,
    message_ja: String,
    message_en: String,
    hint_ja: &'static str,
    hint_en: &'static str,
    basis: &'static str,
    /// The value, masked unless values are shown, cut to `VALUE_MAX` characters (then ending
    /// in `…`).
    value: Option<String>,
    /// Characters of the value left out by the cut (0 when whole; null without a value).
    value_cut: Option<usize>,
}

#[derive(Serialize)]
struct JsonInput<'a> {
    path: &'a str,
    encoding: &'static str,
    bytes: u64,
    rows: u64,
    sha256: &'a str,
    errors: u64,
    warnings: u64,
    infos: u64,
    /// The 全件 reference date (R003), when one was used.
    #[serde(skip_serializing_if = "Option::is_none")]
    as_of: Option<String>,
}

#[derive(Serialize)]
struct JsonSummary {
    rows: u64,
    errors: u64,
    warnings: u64,
    infos: u64,
    diagnostics_listed: u64,
    truncated: bool,
    upload_ready: bool,
}

#[derive(Serialize)]
struct JsonTool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonLayout<'a> {
    id: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    tool: JsonTool,
    layout: JsonLayout<'a>,
    inputs: Vec<JsonInput<'a>>,
    summary: JsonSummary,
    counts: BTreeMap<&'static str, u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous: Option<previous::JsonPrevious<'a>>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

/// The JSON report (documented in README.md). Field order is stable.
pub fn json(layout: &Layout, inputs: &[Input<'_>], opts: RenderOptions) -> String {
    json_with(layout, inputs, opts, None)
}

fn json_with(
    layout: &Layout,
    inputs: &[Input<'_>],
    opts: RenderOptions,
    previous: Option<&Previous<'_>>,
) -> String {
    let mut counts: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut diagnostics = Vec::new();
    let mut summary = JsonSummary {
        rows: 0,
        errors: 0,
        warnings: 0,
        infos: 0,
        diagnostics_listed: 0,
        truncated: false,
        upload_ready: true,
    };
    for input in inputs {
        let r = input.report;
        summary.rows += r.rows;
        summary.errors += r.errors;
        summary.warnings += r.warnings;
        summary.infos += r.infos;
        summary.truncated |= r.truncated();
        for (c, n) in r.codes_found() {
            *counts.entry(c.as_str()).or_default() += n;
        }
        for d in &r.diagnostics {
            let Message { ja, en } = message(layout, d, opts.show_values);
            let info = d.code.info();
            let field = d.field.and_then(|i| layout.fields.get(i));
            let value = shown_value(layout, d, opts.show_values);
            diagnostics.push(JsonDiagnostic {
                input: input.path,
                code: d.code.as_str(),
                severity: d.severity.as_str(),
                row: d.row,
                line: d.line,
                column: d.column.map(column_letter),
                column_index: d.column,
                field: field.map(|f| f.id.as_str()),
                label_ja: field.map(|f| f.label_ja.as_str()),
                label_en: field.map(|f| f.label_en.as_str()),
                message_ja: ja,
                message_en: en,
                hint_ja: info.hint_ja,
                hint_en: info.hint_en,
                basis: d.basis.as_str(),
                value_cut: value.as_ref().map(|v| v.cut),
                value: value.map(|v| {
                    if v.cut > 0 {
                        format!("{}…", v.text)
                    } else {
                        v.text
                    }
                }),
            });
        }
    }
    summary.diagnostics_listed = diagnostics.len() as u64;
    summary.upload_ready = summary.errors == 0;
    let report = JsonReport {
        tool: JsonTool {
            name: TOOL_NAME,
            version: TOOL_VERSION,
        },
        layout: JsonLayout {
            id: &layout.id,
            version: &layout.version,
        },
        inputs: inputs
            .iter()
            .map(|i| JsonInput {
                path: i.path,
                encoding: i.report.encoding.as_str(),
                bytes: i.report.bytes,
                rows: i.report.rows,
                sha256: &i.report.sha256,
                errors: i.report.errors,
                warnings: i.report.warnings,
                infos: i.report.infos,
                as_of: i.report.as_of.map(|d| d.to_string()),
            })
            .collect(),
        summary,
        counts,
        previous: previous.map(|p| previous::json_object(layout, p)),
        diagnostics,
    };
    let mut s = serde_json::to_string_pretty(&report).unwrap_or_default();
    s.push('\n');
    s
}

/// Quotes one comma-separated field when needed (RFC 4180).
pub(crate) fn csv_field(out: &mut String, v: &str) {
    crate::output::write::push_csv_field(out, v, ',', false);
}

/// Appends one cell of a CSV made to be opened in Excel (reports, change logs): control and
/// bidi characters shown as `<U+001B>`, a `'` before a cell that would start a formula, then
/// quoted when needed (RFC 4180). Not for the upload file, whose values go to PMH as they are.
pub fn push_report_csv_field(out: &mut String, v: &str) {
    csv_field(out, &escape::csv_cell(&visible(v)));
}

/// The error report as CSV for Excel: UTF-8 with BOM, CRLF, one finding per row. Every cell is
/// written visibly (`escape::visible`) and cannot start a formula (`escape::csv_cell`);
/// the value column holds at most `VALUE_MAX` characters of the value and the count of the
/// rest (`…(+1048376文字)`).
pub fn csv(layout: &Layout, inputs: &[Input<'_>], opts: RenderOptions) -> String {
    let mut out = String::from("\u{FEFF}");
    let header: &[&str] = match opts.lang {
        Lang::Ja => &[
            "ファイル",
            "行",
            "列",
            "項目",
            "項目ID",
            "コード",
            "重要度",
            "メッセージ",
            "修正方法",
            "根拠",
            "値",
        ],
        Lang::En => &[
            "file", "row", "column", "field", "field id", "code", "severity", "message", "fix",
            "basis", "value",
        ],
    };
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for input in inputs {
        for d in &input.report.diagnostics {
            let m = message(layout, d, opts.show_values);
            let info = d.code.info();
            let field = d.field.and_then(|i| layout.fields.get(i));
            let (label, msg, hint, basis) = match opts.lang {
                Lang::Ja => (
                    field.map(|f| f.label_ja.as_str()),
                    m.ja,
                    info.hint_ja,
                    d.basis.label(Lang::Ja),
                ),
                Lang::En => (
                    field.map(|f| f.label_en.as_str()),
                    m.en,
                    info.hint_en,
                    d.basis.label(Lang::En),
                ),
            };
            let cells = [
                input.path.to_owned(),
                d.row.map(|r| r.to_string()).unwrap_or_default(),
                d.column.map(column_letter).unwrap_or_default(),
                label.unwrap_or("").to_owned(),
                field.map(|f| f.id.clone()).unwrap_or_default(),
                d.code.as_str().to_owned(),
                severity_label(d.severity, opts.lang).to_owned(),
                msg,
                hint.to_owned(),
                basis.to_owned(),
                shown_value(layout, d, opts.show_values)
                    .map(|v| v.marked(opts.lang == Lang::Ja))
                    .unwrap_or_default(),
            ];
            for (i, c) in cells.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_report_csv_field(&mut out, c);
            }
            out.push_str("\r\n");
        }
    }
    out
}

/// JUnit XML: one test suite per input, one test case per finding (errors fail, warnings
/// and info pass with their message as output), or one passing case for a clean file. When
/// `--max-diagnostics` left findings out, one more case says how many, and fails when errors
/// are among them: a CI that renders test cases must never show a truncated report as green.
pub fn junit(layout: &Layout, inputs: &[Input<'_>], opts: RenderOptions) -> String {
    // Per input: (test cases, failing cases, findings left out, errors left out).
    let counts: Vec<(usize, usize, u64, u64)> = inputs
        .iter()
        .map(|i| {
            let r = i.report;
            let listed_errors = r
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            let left_out = r.total().saturating_sub(r.diagnostics.len() as u64);
            let errors_left_out = r.errors.saturating_sub(listed_errors as u64);
            let cases = (r.diagnostics.len() + usize::from(left_out > 0)).max(1);
            let failing = listed_errors + usize::from(errors_left_out > 0);
            (cases, failing, left_out, errors_left_out)
        })
        .collect();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let total: usize = counts.iter().map(|c| c.0).sum();
    let failures: usize = counts.iter().map(|c| c.1).sum();
    let _ = writeln!(
        out,
        "<testsuites name=\"{TOOL_NAME}\" tests=\"{total}\" failures=\"{failures}\">"
    );
    for (input, &(cases, failing, left_out, errors_left_out)) in inputs.iter().zip(&counts) {
        let r = input.report;
        let path = escape::xml(input.path);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{path}\" tests=\"{cases}\" failures=\"{failing}\">"
        );
        if r.diagnostics.is_empty() && left_out == 0 {
            let _ = writeln!(
                out,
                "    <testcase classname=\"{path}\" name=\"validate\"/>"
            );
        }
        for d in &r.diagnostics {
            let m = message(layout, d, opts.show_values);
            let msg = escape::xml(if opts.lang == Lang::Ja { &m.ja } else { &m.en });
            let name = escape::xml(&place(input.path, d, opts.lang));
            let code = d.code.as_str();
            let _ = writeln!(
                out,
                "    <testcase classname=\"{path}\" name=\"{code} {name}\">"
            );
            if d.severity == Severity::Error {
                let _ = writeln!(
                    out,
                    "      <failure type=\"{code}\" message=\"{msg}\">{msg}</failure>"
                );
            } else {
                let _ = writeln!(
                    out,
                    "      <system-out>{}: {msg}</system-out>",
                    d.severity.as_str()
                );
            }
            let _ = writeln!(out, "    </testcase>");
        }
        if left_out > 0 {
            let (name, msg) = if opts.lang == Lang::Ja {
                (
                    format!("ほか{left_out}件の指摘"),
                    format!(
                        "ほか{left_out}件の指摘（うちエラー{errors_left_out}件）は --max-diagnostics の上限のため一覧にありません。件数は正確です。"
                    ),
                )
            } else {
                (
                    format!("{left_out} more findings"),
                    format!(
                        "{left_out} more findings ({errors_left_out} errors) are not listed (--max-diagnostics); the counts are exact."
                    ),
                )
            };
            let _ = writeln!(
                out,
                "    <testcase classname=\"{path}\" name=\"{}\">",
                escape::xml(&name)
            );
            if errors_left_out > 0 {
                let _ = writeln!(
                    out,
                    "      <failure type=\"truncated\" message=\"{0}\">{0}</failure>",
                    escape::xml(&msg)
                );
            } else {
                let _ = writeln!(out, "      <system-out>{}</system-out>", escape::xml(&msg));
            }
            let _ = writeln!(out, "    </testcase>");
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    out.push_str("</testsuites>\n");
    out
}

/// GitHub Actions annotations: `::error file=…,line=…,title=…::message`.
pub fn github(layout: &Layout, inputs: &[Input<'_>], opts: RenderOptions) -> String {
    let mut out = String::new();
    for input in inputs {
        for d in &input.report.diagnostics {
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let m = message(layout, d, opts.show_values);
            let msg = if opts.lang == Lang::Ja { m.ja } else { m.en };
            let mut props = format!("file={}", escape::github_property(input.path));
            if let Some(l) = d.line {
                let _ = write!(props, ",line={l}");
            }
            if let Some(c) = d.column {
                let _ = write!(props, ",col={c}");
            }
            let title = match d.field.and_then(|i| layout.fields.get(i)) {
                Some(f) => format!("{} {}", d.code.as_str(), f.label_ja),
                None => d.code.as_str().to_owned(),
            };
            let _ = writeln!(
                out,
                "::{level} {props},title={}::{}",
                escape::github_property(&title),
                escape::github_data(&msg)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`Format::shows_input_hash`] is what the report shows: two reports that differ only in
    /// the hash render alike in every format that says it does not show it.
    #[test]
    fn only_the_formats_that_say_so_show_the_input_hash() {
        let layout = Layout::full();
        let file = format!("{}bad,row\r\n", crate::synth::full_file(5, 40));
        let mut checker = crate::check::Checker::new(&layout, crate::check::Options::default());
        checker.feed(file.as_bytes());
        let hashed = checker.finish();
        assert_eq!(hashed.sha256.len(), 64);
        assert!(hashed.errors > 0, "findings are rendered too");
        let unhashed = Report {
            sha256: String::new(),
            ..hashed.clone()
        };
        for format in Format::ALL {
            for lang in [Lang::Ja, Lang::En] {
                let opts = RenderOptions {
                    lang,
                    show_values: false,
                };
                let out = |report: &Report| {
                    let inputs = [Input {
                        path: "in.csv",
                        report,
                    }];
                    render(format, &layout, &inputs, opts)
                };
                let (with, without) = (out(&hashed), out(&unhashed));
                assert_eq!(
                    with.contains(&hashed.sha256),
                    format.shows_input_hash(),
                    "{format:?} {lang:?}"
                );
                assert_eq!(
                    with != without,
                    format.shows_input_hash(),
                    "{format:?} {lang:?}"
                );
            }
        }
    }
}
