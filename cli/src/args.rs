//! Command-line arguments (clap). Conversions to core types live here, at the edge.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Validate and build PMH 医療費助成 upload files (全件 / 差分履歴).
///
/// Exit codes: 0 = no errors (warnings allowed), 1 = errors found, 2 = an input could not be
/// read or the arguments are wrong.
#[derive(Parser, Debug)]
#[command(name = "pmhcsv", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check upload files against a PMH layout and report every problem.
    Validate(ValidateArgs),
    /// Build a conforming upload file from source data (CSV in any supported encoding, TSV,
    /// .xlsx): map columns, apply safe repairs (each one reported), write the layout's dialect.
    Build(BuildArgs),
    /// Print a template of the municipality master file (制度マスタ) for --master.
    Master(MasterArgs),
    /// Print a layout as documentation (with each rule's basis), JSON, or an empty CSV template.
    Layout(LayoutArgs),
    /// Explain a finding code: what it means, why, and how to fix it. Without a code, list all.
    Explain(ExplainArgs),
    /// Write a copy for the help desk: every personal value (個人番号, 氏名, カナ, 住所,
    /// 生年月日) replaced by a synthetic one, every finding the same.
    Redact(crate::redact::RedactArgs),
    /// Write a 差分履歴 file from yesterday's and today's 全件 snapshots.
    Diff(crate::diff::DiffArgs),
}

#[derive(clap::Args, Debug)]
pub struct LayoutSel {
    /// Record layout: `full` (全件), `diff` (差分履歴) or the path of a layout TOML file.
    #[arg(long, default_value = "full", value_name = "full|diff|PATH")]
    pub layout: String,
}

#[derive(clap::Args, Debug)]
pub struct ValidateArgs {
    /// Input CSV files (`-` reads standard input).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub layout: LayoutSel,
    /// Report format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Language of messages.
    #[arg(long, value_enum, default_value_t = LangArg::Ja)]
    pub lang: LangArg,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// List at most N findings per input (counts stay exact).
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub max_diagnostics: usize,
    /// Show My Numbers and names unmasked in the report.
    #[arg(long)]
    pub show_values: bool,
    /// Column mapping JSON (source header → field id) for files with other headers.
    #[arg(long, value_name = "PATH")]
    pub mapping: Option<PathBuf>,
    #[command(flatten)]
    pub common: CommonChecks,
    #[command(flatten)]
    pub previous: crate::previous::PreviousOpts,
    #[command(flatten)]
    pub receipt: crate::receipt::ReceiptOpts,
}

/// Options shared by validate and build.
#[derive(clap::Args, Debug)]
pub struct CommonChecks {
    /// A 公費負担者番号 known to be printed with a wrong check digit: reported as a warning
    /// (N008) instead of an error. Repeatable.
    #[arg(long = "known-insurer-number", value_name = "NUMBER")]
    pub known_insurer_numbers: Vec<String>,
    /// The municipality master (制度マスタ) CSV; repeatable (files merge). Without it the master
    /// checks are skipped and the report says so once.
    #[arg(long = "master", value_name = "PATH")]
    pub masters: Vec<PathBuf>,
    /// Sheet of an .xlsx input (default: the active sheet, else the first visible one).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    #[command(flatten)]
    pub encoding: EncodingSel,
    /// Reference date (YYYY-MM-DD) of a 全件 file: rows whose validity ended before it are
    /// reported (R003, warning). Default: today (local date). The report states it.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

impl CommonChecks {
    /// The reference date: `--as-of`, or today's local date.
    pub fn as_of(&self, lang: pmh_core::Lang) -> Result<pmh_core::Ymd, crate::Fail> {
        match &self.as_of {
            Some(s) => pmh_core::Ymd::parse_iso(s.trim())
                .ok_or_else(|| crate::Fail(crate::text::Usage::AsOf(s).message(lang))),
            None => {
                use chrono::Datelike;
                let today = chrono::Local::now().date_naive();
                u8::try_from(today.month())
                    .ok()
                    .zip(u8::try_from(today.day()).ok())
                    .and_then(|(m, d)| pmh_core::Ymd::new(today.year(), m, d))
                    .ok_or_else(|| crate::Fail("today's date is out of range".into()))
            }
        }
    }
}

/// The input's text encoding (validate, build, redact).
#[derive(clap::Args, Debug)]
pub struct EncodingSel {
    /// Text encoding of CSV/TSV inputs: `auto` detects it (BOM, then strict decoding; a file
    /// valid as both CP932 and EUC-JP is refused, exit 2); any other value overrides
    /// detection, and bytes invalid in it are reported (S008). Not used for .xlsx.
    #[arg(long, value_enum, default_value_t = EncodingArg::Auto)]
    pub encoding: EncodingArg,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum EncodingArg {
    Auto,
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    #[value(name = "cp932", alias = "shift_jis", alias = "sjis")]
    Cp932,
    #[value(name = "euc-jp")]
    EucJp,
    #[value(name = "iso-2022-jp", alias = "jis")]
    Iso2022Jp,
    #[value(name = "utf-16le")]
    Utf16Le,
    #[value(name = "utf-16be")]
    Utf16Be,
}

impl From<EncodingArg> for pmh_core::EncodingChoice {
    fn from(e: EncodingArg) -> Self {
        match e {
            EncodingArg::Auto => Self::Auto,
            EncodingArg::Utf8 => Self::Utf8,
            EncodingArg::Cp932 => Self::Cp932,
            EncodingArg::EucJp => Self::EucJp,
            EncodingArg::Iso2022Jp => Self::Iso2022Jp,
            EncodingArg::Utf16Le => Self::Utf16Le,
            EncodingArg::Utf16Be => Self::Utf16Be,
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct BuildArgs {
    /// Source data: .csv/.tsv (UTF-8, UTF-16, CP932; comma or tab) or .xlsx.
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    /// The upload file to write.
    #[arg(long, short = 'o', value_name = "OUT")]
    pub output: PathBuf,
    #[command(flatten)]
    pub layout: LayoutSel,
    /// Column mapping JSON (source header → field id; "*" keeps a column as 券面項目, "" ignores it).
    #[arg(long, value_name = "PATH")]
    pub mapping: Option<PathBuf>,
    /// Write the API request body (JSON array) instead of the CSV.
    #[arg(long)]
    pub json: bool,
    /// Write the report here (default: standard output).
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Language of messages.
    #[arg(long, value_enum, default_value_t = LangArg::Ja)]
    pub lang: LangArg,
    /// List at most N findings (counts stay exact).
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub max_diagnostics: usize,
    /// Show My Numbers and names unmasked in the report.
    #[arg(long)]
    pub show_values: bool,
    #[command(flatten)]
    pub common: CommonChecks,
    #[command(flatten)]
    pub previous: crate::previous::PreviousOpts,
    #[command(flatten)]
    pub receipt: crate::receipt::ReceiptOpts,
}

#[derive(clap::Args, Debug)]
pub struct MasterArgs {
    /// Print the template (example rows included).
    #[arg(long)]
    pub template: bool,
    /// Check master files and summarise them.
    #[arg(value_name = "PATH")]
    pub files: Vec<PathBuf>,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct LayoutArgs {
    #[command(flatten)]
    pub layout: LayoutSel,
    /// Output: Markdown documentation, the layout as JSON, or an empty CSV template.
    #[arg(long, value_enum, default_value_t = LayoutFormat::Md)]
    pub format: LayoutFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Make a layout TOML from the official template: the ファイル設計書's 【3】CSVサンプル sheet
    /// (.xlsx) or a CSV whose first row is the official header. Labels and column order are
    /// the template's; rules come from --layout. Sample rows are ignored.
    #[arg(long, value_name = "FILE")]
    pub from_template: Option<PathBuf>,
    /// With --from-template: the sheet of the workbook (default: 【3】CSVサンプル, else the
    /// active sheet, else the first visible one).
    #[arg(long, value_name = "NAME", requires = "from_template")]
    pub sheet: Option<String>,
    /// Language of the --from-template summary.
    #[arg(long, value_enum, default_value_t = LangArg::Ja)]
    pub lang: LangArg,
}

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// A code such as V001. Without it, every code is listed.
    pub code: Option<String>,
    /// Language.
    #[arg(long, value_enum, default_value_t = LangArg::Ja)]
    pub lang: LangArg,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum FormatArg {
    Text,
    Json,
    Csv,
    Junit,
    Github,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum LangArg {
    Ja,
    En,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum LayoutFormat {
    Md,
    Json,
    Template,
}

impl From<FormatArg> for pmh_core::Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Text => Self::Text,
            FormatArg::Json => Self::Json,
            FormatArg::Csv => Self::Csv,
            FormatArg::Junit => Self::Junit,
            FormatArg::Github => Self::Github,
        }
    }
}

impl From<LangArg> for pmh_core::Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::Ja => Self::Ja,
            LangArg::En => Self::En,
        }
    }
}
