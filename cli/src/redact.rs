//! `pmhcsv redact`: a copy for the help desk in which every personal value is synthetic and
//! every finding is the same (`pmh_core::redact`).

use std::hash::{BuildHasher, Hasher};
use std::path::PathBuf;
use std::process::ExitCode;

use pmh_core::redact::{RedactError, redact_with_summary};
use pmh_core::{InputKind, Lang, Options};

use crate::Fail;
use crate::args::{LangArg, LayoutSel};

/// Arguments of `pmhcsv redact`.
#[derive(clap::Args, Debug)]
pub struct RedactArgs {
    /// The file to anonymise, as received (CSV/TSV in UTF-8, UTF-16 or CP932); `-` reads
    /// standard input.
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    /// Where to write the anonymised copy; `-` writes it to standard output (the summary then
    /// goes to standard error).
    #[arg(long, short = 'o', value_name = "OUT")]
    pub output: PathBuf,
    #[command(flatten)]
    pub layout: LayoutSel,
    /// Column mapping JSON, as given to validate or build.
    #[arg(long, value_name = "PATH")]
    pub mapping: Option<PathBuf>,
    /// Keep the findings of `pmhcsv build` (source data) rather than those of `validate`.
    #[arg(long)]
    pub build: bool,
    /// Secret seed: the same seed gives the same copy. Default: a random seed, not shown.
    /// Never send the seed with the copy.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// The municipality master (制度マスタ), as given to validate; repeatable.
    #[arg(long = "master", value_name = "PATH")]
    pub masters: Vec<PathBuf>,
    /// A 公費負担者番号 known to be misprinted, as given to validate; repeatable.
    #[arg(long = "known-insurer-number", value_name = "NUMBER")]
    pub known_insurer_numbers: Vec<String>,
    /// Language of messages.
    #[arg(long, value_enum, default_value_t = LangArg::Ja)]
    pub lang: LangArg,
    #[command(flatten)]
    pub encoding: crate::args::EncodingSel,
}

fn random_seed() -> u64 {
    // RandomState is seeded from the operating system's random source.
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(u64::from(std::process::id()));
    h.finish()
}

/// Runs `pmhcsv redact`.
pub fn run(a: &RedactArgs) -> Result<ExitCode, Fail> {
    let ja = matches!(a.lang, LangArg::Ja);
    let lang: Lang = a.lang.into();
    let mut inputs: Vec<&std::path::Path> = vec![a.input.as_path()];
    inputs.extend(crate::guard::layout_file(&a.layout.layout));
    inputs.extend(a.masters.iter().map(PathBuf::as_path));
    inputs.extend(a.mapping.as_deref());
    crate::guard::outputs_are_not_inputs(&inputs, &[("-o", Some(a.output.as_path()))], lang)?;
    let layout = crate::load_layout(&a.layout.layout, lang)?;
    let opts = Options {
        kind: if a.build {
            InputKind::Source
        } else {
            InputKind::Upload
        },
        repair: a.build,
        mapping: crate::load_mapping(a.mapping.as_deref(), &layout, lang)?,
        known_insurer_numbers: a.known_insurer_numbers.clone(),
        masters: crate::load_masters(&a.masters, lang)?,
        encoding: a.encoding.encoding.into(),
        ..Options::default()
    };
    let stdin = a.input.as_os_str() == "-";
    let stdout = a.output.as_os_str() == "-";
    // An output over the input was refused above (`guard`), as for every command.
    let input = if stdin {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut b)
            .map_err(|e| crate::io_fail(std::path::Path::new("-"), &e))?;
        b
    } else {
        std::fs::read(&a.input).map_err(|e| crate::io_fail(&a.input, &e))?
    };
    if input.starts_with(b"PK\x03\x04") {
        return Err(Fail(format!(
            "{}: Excel ブック (.xlsx) は匿名化できません。CSV で保存してから指定してください / workbooks cannot be redacted: save the sheet as CSV first",
            a.input.display()
        )));
    }
    let seed = a.seed.unwrap_or_else(random_seed);
    let done = match redact_with_summary(&layout, &opts, &input, seed) {
        Ok(d) => d,
        Err(e) => {
            let msg = e.message(lang);
            eprintln!("pmhcsv: {msg}");
            // An encoding this tool cannot copy is an input it could not read: exit 2.
            let code = if matches!(e, RedactError::UnsupportedEncoding { .. }) {
                2
            } else {
                1
            };
            return Ok(ExitCode::from(code));
        }
    };
    if stdout {
        crate::write_out(None, &done.bytes)?;
    } else {
        let staged = crate::staged::Staged::new(&a.output);
        if let Err(e) = std::fs::write(staged.path(), &done.bytes) {
            return Err(staged.fail(&e));
        }
        staged.commit()?;
    }
    let s = &done.summary;
    let out = a.output.display();
    let text = if ja {
        let mut t = format!(
            "匿名化したファイルを書き出しました: {out}\n  置き換えた値: 個人番号 {} 件、氏名・氏名カナ {} 件、住所 {} 件、生年月日 {} 件、券面項目 {} 件\n",
            s.my_numbers, s.names, s.addresses, s.birth_dates, s.detail_cells
        );
        if s.found_elsewhere > 0 {
            t.push_str(&format!(
                "  ほかの列（備考・券面項目・列のずれた行など）で見つかった個人情報（個人番号・電話番号・郵便番号・メールアドレス・日付・その行の氏名や住所）を含むセル {} 件も置き換えました。\n",
                s.found_elsewhere
            ));
        }
        if s.swallowed > 0 {
            t.push_str(&format!(
                "  読み取れない行（閉じていない引用符など）のセル {} 件は、文字をすべて置き換えました。\n",
                s.swallowed
            ));
        }
        if s.stand_in_bytes > 0 {
            t.push_str(&format!(
                "  テキストとして読めない部分 {} バイトは、同じ理由で読めない代わりのバイトに置き換えました。\n",
                s.stand_in_bytes
            ));
        }
        t.push_str(&format!(
            "  検査結果は元のファイルと同じです（指摘 {} 件、コード・行・列が一致）。\n",
            s.findings
        ));
        if a.seed.is_none() {
            t.push_str("  乱数の種はその都度ランダムです。同じ匿名化を再現するには --seed を指定してください。\n");
        }
        t.push_str("  --seed の値はファイルと一緒に送らないでください（元の値の推測に使われるおそれがあります）。\n");
        t
    } else {
        let mut t = format!(
            "Wrote the anonymised copy: {out}\n  Replaced: {} My Numbers, {} names, {} addresses, {} birth dates, {} certificate items\n",
            s.my_numbers, s.names, s.addresses, s.birth_dates, s.detail_cells
        );
        if s.found_elsewhere > 0 {
            t.push_str(&format!(
                "  {} cells of other columns (remarks, certificate items, shifted rows) held personal values (My Numbers, phone numbers, postcodes, e-mail addresses, dates, the row's own name or address) and were replaced too.\n",
                s.found_elsewhere
            ));
        }
        if s.swallowed > 0 {
            t.push_str(&format!(
                "  {} cells of unreadable rows (unclosed quotes etc.) had every character replaced.\n",
                s.swallowed
            ));
        }
        if s.stand_in_bytes > 0 {
            t.push_str(&format!(
                "  {} bytes that are not text were replaced by stand-in bytes that fail the same way.\n",
                s.stand_in_bytes
            ));
        }
        t.push_str(&format!(
            "  Findings are the same as the original's ({} findings; code, row and column match).\n",
            s.findings
        ));
        if a.seed.is_none() {
            t.push_str("  The seed was random; pass --seed to reproduce this copy.\n");
        }
        t.push_str("  Never send the --seed value with the copy.\n");
        t
    };
    if stdout {
        eprint!("{text}");
    } else {
        crate::write_out(None, text.as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}
