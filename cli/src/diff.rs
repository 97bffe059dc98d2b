//! `pmhcsv diff`: 差分履歴 records from yesterday's and today's 全件 snapshots
//! (`pmh_core::diff`). The files are streamed from disk (each twice); the output and the state
//! are written next to their targets and renamed into place only when everything succeeded.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use pmh_core::diff::{
    DeletionLimit, DiffConfig, DiffOutcome, DiffState, HistoryKeyScheme, RowKey, Snapshot,
    StateInput,
};
use pmh_core::{Input, Lang, Options, RenderOptions};

use crate::Fail;
use crate::args::LangArg;
use crate::staged::Staged;
use crate::text::Usage;

/// Arguments of `pmhcsv diff`.
#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// Yesterday's full snapshot (全件). Omit it the first time: every row is registered.
    #[arg(long, value_name = "YESTERDAY")]
    pub from: Option<PathBuf>,
    /// Today's full snapshot (全件).
    #[arg(long, value_name = "TODAY")]
    pub to: PathBuf,
    /// The 差分履歴 file to write.
    #[arg(long, short = 'o', value_name = "DIFF.csv")]
    pub output: PathBuf,
    /// Layout of the file written: `diff` (差分履歴) or a layout TOML file.
    #[arg(long, default_value = "diff", value_name = "diff|PATH")]
    pub layout: String,
    /// Layout of the two snapshots: `full` (全件) or a layout TOML file.
    #[arg(long, default_value = "full", value_name = "full|PATH")]
    pub input_layout: String,
    /// State kept between days (history keys, sequence numbers). Read when it exists, then
    /// rewritten. Contains fingerprints derived from My Numbers: keep it like the snapshots.
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,
    /// How historyKey values are made (docs/diff.md).
    #[arg(long, value_enum, default_value_t = SchemeArg::Hash)]
    pub history_key: SchemeArg,
    /// Hex characters of a `hash` or `period` historyKey (8–50).
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub history_key_length: usize,
    /// What identifies one history row: the certificate key plus 有効期間開始日 (`period`), or
    /// the certificate key alone (`certificate`).
    #[arg(long, value_enum, default_value_t = RowKeyArg::Period)]
    pub row_key: RowKeyArg,
    /// A value for empty cells of a field the diff layout requires (FIELD=VALUE, repeatable).
    /// Default: isAlwaysReimbursement=0.
    #[arg(long = "fill", value_name = "FIELD=VALUE")]
    pub fills: Vec<String>,
    /// The municipality master (制度マスタ) for the checks of the snapshots; repeatable.
    #[arg(long = "master", value_name = "PATH")]
    pub masters: Vec<PathBuf>,
    /// A 公費負担者番号 known to be misprinted (reported as a warning); repeatable.
    #[arg(long = "known-insurer-number", value_name = "NUMBER")]
    pub known_insurer_numbers: Vec<String>,
    /// Most deletions one diff may carry: a count (`50`), a share of yesterday's certificates
    /// (`10%`) or `all`. Default: refused when more than 10 and more than 5 % would be deleted
    /// (a truncated export would delete those certificates at PMH).
    #[arg(long, value_name = "N|N%|all")]
    pub max_deletions: Option<String>,
    /// Language of messages.
    #[arg(long, value_enum, default_value_t = LangArg::Ja)]
    pub lang: LangArg,
}

/// `--max-deletions`: `N`, `N%` (decimals allowed, e.g. `0.5%`) or `all`.
pub(crate) fn deletion_limit(text: &str) -> Option<DeletionLimit> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("all") {
        return Some(DeletionLimit::None);
    }
    if let Some(p) = t.strip_suffix('%') {
        let p: f64 = p.trim().parse().ok()?;
        if !(0.0..=100.0).contains(&p) {
            return None;
        }
        // Hundredths of a percent: 0.01 % is the finest step.
        return Some(DeletionLimit::Share {
            basis_points: (p * 100.0).round() as u32,
        });
    }
    t.parse().ok().map(DeletionLimit::Rows)
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum SchemeArg {
    Hash,
    Period,
    Sequence,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum RowKeyArg {
    Period,
    Certificate,
}

/// A snapshot on disk, streamed from its start on every read.
struct FileSnapshot<'a>(&'a Path);

impl Snapshot for FileSnapshot<'_> {
    fn read(&mut self, sink: &mut dyn FnMut(&[u8])) -> Result<(), String> {
        let mut f = File::open(self.0).map_err(|e| format!("{}: {e}", self.0.display()))?;
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            match f.read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(n) => sink(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("{}: {e}", self.0.display())),
            }
        }
    }
}

/// Writes the state next to `path`, flushes it to disk, then renames it into place: a failure
/// leaves the previous state as it was.
fn write_state(path: &Path, state: &DiffState) -> Result<(), Fail> {
    let staged = Staged::new(path);
    let mut w = BufWriter::with_capacity(1 << 20, staged.create()?);
    let written = state
        .write_text(&mut |b| w.write_all(b).map_err(|e| e.to_string()))
        .map_err(io::Error::other)
        .and_then(|()| w.into_inner().map_err(io::IntoInnerError::into_error))
        .and_then(|f| staged.sync(&f));
    if let Err(e) = written {
        return Err(staged.fail(&e));
    }
    staged.commit()
}

fn config(a: &DiffArgs) -> Result<DiffConfig, Fail> {
    let mut cfg = DiffConfig {
        scheme: match a.history_key {
            SchemeArg::Hash => HistoryKeyScheme::Hash,
            SchemeArg::Period => HistoryKeyScheme::Period,
            SchemeArg::Sequence => HistoryKeyScheme::Sequence,
        },
        key_length: a.history_key_length,
        row_key: match a.row_key {
            RowKeyArg::Period => RowKey::Period,
            RowKeyArg::Certificate => RowKey::Certificate,
        },
        make_state: a.state.is_some(),
        ..DiffConfig::default()
    };
    if let Some(text) = &a.max_deletions {
        cfg.max_deletions = deletion_limit(text)
            .ok_or_else(|| Fail(Usage::MaxDeletions(text).message(a.lang.into())))?;
    }
    if !(8..=50).contains(&a.history_key_length) {
        return Err(Fail(Usage::HistoryKeyLength.message(a.lang.into())));
    }
    for f in &a.fills {
        let Some((field, value)) = f.split_once('=') else {
            return Err(Fail(Usage::Fill(f).message(a.lang.into())));
        };
        cfg.fills.retain(|(id, _)| id != field);
        cfg.fills.push((field.trim().to_owned(), value.to_owned()));
    }
    Ok(cfg)
}

/// Runs `pmhcsv diff`.
pub fn run(a: &DiffArgs) -> Result<ExitCode, Fail> {
    let ja = matches!(a.lang, LangArg::Ja);
    let lang: Lang = a.lang.into();
    if a.output == Path::new("-") {
        return Err(Fail(Usage::OutputStdout.message(lang)));
    }
    // The state is read and rewritten: an output, never one of the inputs or the diff file.
    // Checked before anything is read (the layouts and masters included).
    let mut inputs: Vec<&Path> = vec![a.to.as_path()];
    inputs.extend(a.from.as_deref());
    inputs.extend(crate::guard::layout_file(&a.input_layout));
    inputs.extend(crate::guard::layout_file(&a.layout));
    inputs.extend(a.masters.iter().map(std::path::PathBuf::as_path));
    crate::guard::outputs_are_not_inputs(
        &inputs,
        &[
            ("-o", Some(a.output.as_path())),
            ("--state", a.state.as_deref()),
        ],
        lang,
    )?;
    let full = crate::load_layout(&a.input_layout, lang)?;
    let diff_layout = crate::load_layout(&a.layout, lang)?;
    let cfg = config(a)?;
    let opts = Options {
        known_insurer_numbers: a.known_insurer_numbers.clone(),
        masters: crate::load_masters(&a.masters, lang)?,
        ..Options::default()
    };
    // The state is written after the 差分履歴 file is moved into place: a state that cannot be
    // written (a missing or read-only folder) fails now, before an earlier 差分履歴 file is
    // replaced by one whose state would not be kept (the next day's keys would not follow).
    if let Some(p) = a.state.as_deref() {
        Staged::probe(p)?;
    }
    // The state is read by the diff after it has indexed the snapshots (lower peak memory).
    let mut state = a.state.as_deref().filter(|p| p.exists()).map(FileSnapshot);
    if a.state.is_none() && matches!(a.history_key, SchemeArg::Sequence) {
        return Err(Fail(Usage::SequenceNeedsState.message(lang)));
    }

    let staged = Staged::new(&a.output);
    let mut w = BufWriter::with_capacity(1 << 20, staged.create()?);
    let mut sink = |b: &[u8]| -> Result<(), String> { w.write_all(b).map_err(|e| e.to_string()) };
    let mut from = a.from.as_deref().map(FileSnapshot);
    let mut to = FileSnapshot(&a.to);
    let result = pmh_core::diff::diff(
        &full,
        &diff_layout,
        &opts,
        &cfg,
        from.as_mut().map(|f| f as &mut dyn Snapshot),
        &mut to,
        match state.as_mut() {
            Some(s) => StateInput::Reader(s),
            None => StateInput::None,
        },
        &mut sink,
    );
    let flushed = w
        .into_inner()
        .map_err(io::IntoInnerError::into_error)
        .and_then(|f| staged.sync(&f));
    let outcome = match (result, flushed) {
        (Ok(o), Ok(())) => o,
        (Err(e), _) => {
            staged.discard();
            return Err(Fail(e.message(lang)));
        }
        (_, Err(e)) => return Err(staged.fail(&e)),
    };
    staged.commit()?;
    if let Some(p) = &a.state {
        write_state(p, &outcome.state)?;
    }
    let (text, ok) = summary(a, &diff_layout, &outcome, ja);
    crate::write_out(None, text.as_bytes())?;
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The summary shown after a diff, and whether everything is fit to upload.
fn summary(
    a: &DiffArgs,
    diff_layout: &pmh_core::Layout,
    o: &DiffOutcome,
    ja: bool,
) -> (String, bool) {
    let c = &o.counts;
    let records = o.records();
    let out_errors = o.output_errors();
    let from_errors = o.from.as_ref().map_or(0, |r| r.errors);
    let ok = o.fit_to_upload();
    let mut t = String::new();
    let out = a.output.display();
    let scheme = match a.history_key {
        SchemeArg::Hash => "hash",
        SchemeArg::Period => "period",
        SchemeArg::Sequence => "sequence",
    };
    let input = |name: &str, p: &Path, r: &pmh_core::Report| {
        if ja {
            format!(
                "  {name}: {}  {} 行（エラー {}、警告 {}）\n",
                p.display(),
                r.rows,
                r.errors,
                r.warnings
            )
        } else {
            format!(
                "  {name}: {}  {} rows ({} errors, {} warnings)\n",
                p.display(),
                r.rows,
                r.errors,
                r.warnings
            )
        }
    };
    if ja {
        t.push_str(&format!("差分履歴ファイルを作成しました: {out}\n"));
        t.push_str(&format!(
            "  登録 {} 件・更新 {} 件・削除 {} 件（変更なし {} 件、出力しなかった行 {} 件）\n",
            c.registered, c.updated, c.deleted, c.unchanged, c.skipped
        ));
        t.push_str(&format!(
            "  履歴キー: {scheme}／行の識別: {}\n",
            match a.row_key {
                RowKeyArg::Period => "受給者証＋有効期間開始日",
                RowKeyArg::Certificate => "受給者証",
            }
        ));
    } else {
        t.push_str(&format!("Wrote the diff-history file: {out}\n"));
        t.push_str(&format!(
            "  {} registered, {} updated, {} deleted ({} unchanged, {} rows not written)\n",
            c.registered, c.updated, c.deleted, c.unchanged, c.skipped
        ));
        t.push_str(&format!(
            "  historyKey: {scheme}; row key: {}\n",
            match a.row_key {
                RowKeyArg::Period => "certificate + validity start",
                RowKeyArg::Certificate => "certificate",
            }
        ));
    }
    if let (Some(p), Some(r)) = (&a.from, &o.from) {
        t.push_str(&input(if ja { "前回 --from" } else { "--from" }, p, r));
    }
    t.push_str(&input(if ja { "今回 --to" } else { "--to" }, &a.to, &o.to));
    t.push_str(&if ja {
        format!(
            "  出力の検査（{}）: エラー {}、警告 {}\n",
            diff_layout.title_ja, out_errors, o.output.warnings
        )
    } else {
        format!(
            "  Check of the output ({}): {} errors, {} warnings\n",
            diff_layout.title_en, out_errors, o.output.warnings
        )
    });
    if let Some(p) = &a.state {
        t.push_str(&if ja {
            format!(
                "  状態ファイル: {}（{} 履歴行）\n",
                p.display(),
                o.state.len()
            )
        } else {
            format!(
                "  State: {} ({} history rows)\n",
                p.display(),
                o.state.len()
            )
        });
    }
    if records == 0 {
        t.push_str(if ja {
            "  差分はありません。出力ファイルは見出し行だけです（アップロードは不要です）。\n"
        } else {
            "  Nothing changed: the output holds the header row only (no upload needed).\n"
        });
    }
    if from_errors + o.to.errors > 0 {
        // Values are copied as written, so the output carries the snapshots' errors, except
        // in key values, which are written as build sends them (docs/diff.md item 2).
        t.push_str(match (ja, out_errors > 0) {
            (true, true) => "  入力ファイルにエラーがあります。pmhcsv validate で確認してください（出力にも同じ誤りが含まれます）。\n",
            (true, false) => "  入力ファイルにエラーがあります。pmhcsv validate で確認してください。\n",
            (false, true) => "  The snapshots have errors: check them with pmhcsv validate (the output carries them too).\n",
            (false, false) => "  The snapshots have errors: check them with pmhcsv validate.\n",
        });
    }
    if !o.issues.is_empty() {
        t.push_str(if ja { "注意:\n" } else { "Notes:\n" });
        for i in &o.issues {
            let m = i.message(if ja { Lang::Ja } else { Lang::En });
            t.push_str(&format!("  - {m}\n"));
        }
    }
    if out_errors > 0 {
        let name = a.output.display().to_string();
        t.push_str(&pmh_core::render::text(
            diff_layout,
            &[Input {
                path: &name,
                report: &o.output,
            }],
            RenderOptions {
                lang: if ja {
                    pmh_core::Lang::Ja
                } else {
                    pmh_core::Lang::En
                },
                show_values: false,
            },
        ));
    }
    (t, ok)
}
