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
    /// Print a layout as documentation (with each rule's basis), JSON, or an empty CSV template.
    Layout(LayoutArgs),
    /// Explain a finding code: what it means, why, and how to fix it. Without a code, list all.
    Explain(ExplainArgs),
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
    /// A 公費負担者番号 known to be printed with a wrong check digit: reported as a warning
    /// (N008) instead of an error. Repeatable.
    #[arg(long = "known-insurer-number", value_name = "NUMBER")]
    pub known_insurer_numbers: Vec<String>,
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
