//! `pmhcsv`: the command-line front end. Parses arguments, reads files in chunks, hands the
//! bytes to `pmh_core`, prints what core renders, and maps the result to an exit code.

mod args;

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc;

use clap::Parser;
use pmh_core::{
    Back, Code, ColumnMapping, Front, FrontSummary, Input, Layout, Options, RecordBatch,
    RenderOptions, Report, docs,
};

use args::{Cli, Command, ExplainArgs, LayoutArgs, LayoutFormat, ValidateArgs};

/// Bytes read per chunk: large files stream through a fixed buffer.
const CHUNK: usize = 256 * 1024;

/// A failure that is the operator's, not the data's: exit code 2.
struct Fail(String);

impl<E: std::fmt::Display> From<E> for Fail {
    fn from(e: E) -> Self {
        Fail(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate(a) => validate(&a),
        Command::Layout(a) => layout_cmd(&a).map(|()| ExitCode::SUCCESS),
        Command::Explain(a) => explain(&a),
    };
    match result {
        Ok(code) => code,
        Err(Fail(msg)) => {
            let _ = writeln!(io::stderr(), "pmhcsv: {msg}");
            ExitCode::from(2)
        }
    }
}

fn load_layout(sel: &str) -> Result<Layout, Fail> {
    if let Some(l) = Layout::builtin(sel) {
        return Ok(l);
    }
    let text = std::fs::read_to_string(sel).map_err(|e| {
        Fail(format!(
            "レイアウトファイル {sel} を読めません / cannot read layout file {sel}: {e}"
        ))
    })?;
    Layout::from_toml(&text).map_err(|e| Fail(format!("{sel}: {e}")))
}

fn write_out(path: Option<&Path>, bytes: &[u8]) -> Result<(), Fail> {
    match path {
        Some(p) => std::fs::write(p, bytes).map_err(|e| Fail(format!("{}: {e}", p.display()))),
        None => {
            let mut out = io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()?;
            Ok(())
        }
    }
}

/// Streams one input through the checker: reading, hashing, decoding and CSV splitting on
/// one thread ([`Front`]), validation on this one ([`Back`]), batches handed over in between.
fn check_input(layout: &Layout, opts: &Options, path: &Path) -> Result<Report, Fail> {
    let mut reader: Box<dyn Read + Send> = if path.as_os_str() == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(File::open(path).map_err(|e| Fail(format!("{}: {e}", path.display())))?)
    };
    let (batches, received) = mpsc::sync_channel::<RecordBatch>(8);
    let (recycle, recycled) = mpsc::channel::<RecordBatch>();
    std::thread::scope(|scope| {
        let producer = scope.spawn(move || -> Result<FrontSummary, Fail> {
            let mut front = Front::new(layout.dialect.delimiter_byte());
            let mut buf = vec![0u8; CHUNK];
            loop {
                let n = match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(Fail(format!("{}: {e}", path.display()))),
                };
                front.feed(&buf[..n]);
                for used in recycled.try_iter() {
                    front.recycle(used);
                }
                let ready: Vec<RecordBatch> = front.take_ready().collect();
                for batch in ready {
                    if batches.send(batch).is_err() {
                        return Err(Fail("internal: validation stopped".into()));
                    }
                }
            }
            let (rest, summary) = front.finish();
            for batch in rest {
                let _ = batches.send(batch);
            }
            Ok(summary)
        });
        let mut back = Back::new(layout, opts.clone());
        for batch in received {
            back.consume(&batch);
            let _ = recycle.send(batch);
        }
        let summary = producer
            .join()
            .map_err(|_| Fail("internal: reader thread panicked".into()))??;
        Ok(back.finish(&summary))
    })
}

fn validate(a: &ValidateArgs) -> Result<ExitCode, Fail> {
    let layout = load_layout(&a.layout.layout)?;
    let mapping = match &a.mapping {
        Some(p) => {
            let text =
                std::fs::read_to_string(p).map_err(|e| Fail(format!("{}: {e}", p.display())))?;
            Some(
                ColumnMapping::from_json(&text, &layout)
                    .map_err(|e| Fail(format!("{}: {e}", p.display())))?,
            )
        }
        None => None,
    };
    let opts = Options {
        max_diagnostics: a.max_diagnostics,
        mapping,
        known_insurer_numbers: a.known_insurer_numbers.clone(),
        ..Options::default()
    };
    let mut reports = Vec::with_capacity(a.inputs.len());
    for path in &a.inputs {
        reports.push((
            path.display().to_string(),
            check_input(&layout, &opts, path)?,
        ));
    }
    let inputs: Vec<Input<'_>> = reports
        .iter()
        .map(|(p, r)| Input { path: p, report: r })
        .collect();
    let ropts = RenderOptions {
        lang: a.lang.into(),
        show_values: a.show_values,
    };
    let rendered = pmh_core::render::render(a.format.into(), &layout, &inputs, ropts);
    write_out(a.output.as_deref(), rendered.as_bytes())?;
    let errors: u64 = reports.iter().map(|(_, r)| r.errors).sum();
    Ok(if errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn layout_cmd(a: &LayoutArgs) -> Result<(), Fail> {
    let layout = load_layout(&a.layout.layout)?;
    let bytes = match a.format {
        LayoutFormat::Md => docs::layout_markdown(&layout).into_bytes(),
        LayoutFormat::Json => {
            let mut s = serde_json::to_string_pretty(&layout)?;
            s.push('\n');
            s.into_bytes()
        }
        LayoutFormat::Template => docs::template(&layout),
    };
    write_out(a.output.as_deref(), &bytes)
}

fn explain(a: &ExplainArgs) -> Result<ExitCode, Fail> {
    let lang = a.lang.into();
    let text = match &a.code {
        Some(c) => {
            let code = Code::parse(c).ok_or_else(|| Fail(format!("不明なコードです / unknown code: {c} (pmhcsv explain で一覧 / run `pmhcsv explain` for the list)")))?;
            docs::explain(code, lang)
        }
        None => {
            let mut s = String::new();
            for c in Code::ALL {
                let i = c.info();
                let title = if matches!(lang, pmh_core::Lang::Ja) {
                    i.title_ja
                } else {
                    i.title_en
                };
                s.push_str(&format!(
                    "{}  {:<7}  {title}\n",
                    c.as_str(),
                    i.severity.as_str()
                ));
            }
            s
        }
    };
    write_out(None, text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
