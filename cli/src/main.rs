//! `pmhcsv`: the command-line front end. Parses arguments, reads files in chunks, hands the
//! bytes to `pmh_core`, prints what core renders, and maps the result to an exit code.

mod args;
mod diff;
mod guard;
mod previous;
mod receipt;
mod redact;
mod staged;
mod text;

use std::cell::{Cell, RefCell};
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, mpsc};

use clap::{CommandFactory, FromArgMatches};
use pmh_core::OutputFormat;
use pmh_core::xlsx::NumericCells;
use pmh_core::{
    Back, Code, ColumnMapping, EncodingChoice, Front, FrontSummary, Input, InputKind, Layout,
    Options, RecordBatch, RenderOptions, Report, docs, xlsx,
};
use pmh_core::{Lang, Masters};

use args::{
    BuildArgs, Cli, Command, ExplainArgs, FormatArg, LayoutArgs, LayoutFormat, MasterArgs,
    ValidateArgs,
};

/// Bytes read per chunk: large files stream through a fixed buffer.
const CHUNK: usize = 256 * 1024;

/// A failure that is the operator's, not the data's: exit code 2.
struct Fail(String);

/// An operating-system error on `path` ([`text::os_error`]).
pub(crate) fn io_fail(path: &Path, e: &io::Error) -> Fail {
    Fail(text::os_error(path, e))
}

impl<E: std::fmt::Display> From<E> for Fail {
    fn from(e: E) -> Self {
        Fail(e.to_string())
    }
}

fn main() -> ExitCode {
    // `--version` names the commit and the built-in layouts' versions, known only at run time
    // (the layouts are parsed from their embedded TOML): set once, for the one parse.
    let version: &'static str = Box::leak(text::version_text().into_boxed_str());
    let matches = Cli::command().version(version).get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let result = match cli.command {
        Command::Validate(a) => validate(&a),
        Command::Build(a) => build(&a),
        Command::Master(a) => master_cmd(&a),
        Command::Layout(a) => match &a.from_template {
            Some(t) => layout_from_template(&a, t),
            None => layout_cmd(&a).map(|()| ExitCode::SUCCESS),
        },
        Command::Explain(a) => explain(&a),
        Command::Redact(a) => redact::run(&a),
        Command::Diff(a) => diff::run(&a),
    };
    match result {
        Ok(code) => code,
        Err(Fail(msg)) => {
            let _ = writeln!(io::stderr(), "pmhcsv: {msg}");
            ExitCode::from(2)
        }
    }
}

/// A built-in layout, or a layout TOML; its errors in `lang`.
fn load_layout(sel: &str, lang: Lang) -> Result<Layout, Fail> {
    if let Some(l) = Layout::builtin(sel) {
        return Ok(l);
    }
    let text = std::fs::read_to_string(sel).map_err(|e| {
        Fail(
            text::Usage::LayoutUnreadable {
                sel,
                detail: e.to_string(),
            }
            .message(lang),
        )
    })?;
    Layout::from_toml(&text).map_err(|e| Fail(format!("{sel}: {}", e.message(lang))))
}

fn write_out(path: Option<&Path>, bytes: &[u8]) -> Result<(), Fail> {
    match path {
        Some(p) => std::fs::write(p, bytes).map_err(|e| crate::io_fail(p, &e)),
        None => {
            let mut out = io::stdout().lock();
            out.write_all(bytes)
                .and_then(|()| out.flush())
                .map_err(|e| Fail(text::stdout_error(&e)))
        }
    }
}

/// An input opened for checking: a stream, or an .xlsx sheet already turned into CSV text.
enum Source {
    Stream(Box<dyn Read + Send>),
    /// A workbook's sheet as CSV, with the cells that were numbers (leading zeros restored
    /// only there, X008); or bytes in a ZIP that is no workbook.
    Converted(Vec<u8>, Option<Arc<NumericCells>>),
}

impl Source {
    /// The workbook's number cells, for `Options::numeric_cells`.
    fn numeric_cells(&self) -> Option<Arc<NumericCells>> {
        match self {
            Source::Converted(_, cells) => cells.clone(),
            Source::Stream(_) => None,
        }
    }
}

fn open_input(path: &Path, sheet: Option<&str>, lang: Lang) -> Result<Source, Fail> {
    if path.as_os_str() == "-" {
        return Ok(Source::Stream(Box::new(io::stdin())));
    }
    let mut file = File::open(path).map_err(|e| crate::io_fail(path, &e))?;
    let mut magic = [0u8; 4];
    let n = file
        .read(&mut magic)
        .map_err(|e| crate::io_fail(path, &e))?;
    if n == 4 && magic == *b"PK\x03\x04" {
        // A workbook is a ZIP: it is read whole (calamine needs random access).
        let mut bytes = magic.to_vec();
        file.read_to_end(&mut bytes)
            .map_err(|e| crate::io_fail(path, &e))?;
        if xlsx::is_xlsx(&bytes) {
            let (csv, numbers) = xlsx::sheet_to_csv_with_numbers(&bytes, sheet)
                .map_err(|e| Fail(format!("{}: {}", path.display(), e.message(lang))))?;
            return Ok(Source::Converted(csv, Some(Arc::new(numbers))));
        }
        return Ok(Source::Converted(bytes, None));
    }
    Ok(Source::Stream(Box::new(
        io::Cursor::new(magic[..n].to_vec()).chain(file),
    )))
}

/// Streams one input through the checker: reading, hashing, decoding and CSV splitting
/// ([`Front`]), then validation ([`Back`]). With two or more processors the front runs on its
/// own thread and hands batches over; with one it runs on this thread, batch by batch, since
/// two threads on one processor would only take turns. In build mode the upload file is
/// written to `out` as rows are checked.
fn check_input(
    layout: &Layout,
    opts: &Options,
    source: Source,
    path: &Path,
    out: Option<(&mut dyn Write, &Path)>,
    hash: InputHash,
) -> Result<Report, Fail> {
    let reader: Box<dyn Read + Send> = match source {
        Source::Stream(r) => r,
        Source::Converted(bytes, _) => Box::new(io::Cursor::new(bytes)),
    };
    // The front hashes each chunk as it is fed, on the reading thread, while it is in the cache.
    let front = Front::with_encoding(layout.dialect.delimiter_byte(), opts.encoding);
    let front = match hash {
        InputHash::Needed => front,
        InputHash::NotShown => front.without_hash(),
    };
    let back = Back::new(layout, opts.clone());
    let one_processor = std::thread::available_parallelism().is_ok_and(|n| n.get() == 1);
    if one_processor {
        check_on_one_thread(reader, front, back, path, out)
    } else {
        check_on_two_threads(reader, front, back, path, out)
    }
}

/// Whether the input's SHA-256 is computed while it is checked: only when the report shows it
/// (JSON) or a receipt needs it from standard input. A receipt reads a file again from disk
/// (`receipt::measure`: a workbook's own bytes, not its CSV text), so a file's hash is not
/// needed from the check. The hash is about a sixth of a check's CPU time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum InputHash {
    Needed,
    NotShown,
}

impl InputHash {
    fn for_outputs(format: FormatArg, receipt: Option<&receipt::Pending>, input: &Path) -> Self {
        let shown = pmh_core::Format::from(format).shows_input_hash();
        if shown || (receipt.is_some() && receipt::reads_from_check(input)) {
            Self::Needed
        } else {
            Self::NotShown
        }
    }
}

/// Reads `reader` to its end through `front` and passes each finished batch to `batch`, then
/// the front's last batches; a batch that `batch` gives back is reused. `take_back` may give
/// the front used batches after each chunk. Returns the front's summary.
fn read_all(
    mut reader: Box<dyn Read + Send>,
    mut front: Front,
    path: &Path,
    mut take_back: impl FnMut(&mut Front),
    mut batch: impl FnMut(RecordBatch) -> Result<Option<RecordBatch>, Fail>,
) -> Result<FrontSummary, Fail> {
    let mut buf = vec![0; CHUNK];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(crate::io_fail(path, &e)),
        };
        front.feed(&buf[..n]);
        if front.gave_up() {
            // Unreadable (S002/S018): nothing more would be decoded, and a stream such as
            // /dev/urandom never ends. The report covers the bytes read.
            break;
        }
        take_back(&mut front);
        let ready: Vec<RecordBatch> = front.take_ready().collect();
        for b in ready {
            if let Some(used) = batch(b)? {
                front.recycle(used);
            }
        }
    }
    let (rest, summary) = front.finish();
    for b in rest {
        batch(b)?;
    }
    Ok(summary)
}

/// [`check_input`] with one processor: each batch is checked as soon as it is split.
fn check_on_one_thread(
    reader: Box<dyn Read + Send>,
    front: Front,
    mut back: Back,
    path: &Path,
    mut out: Option<(&mut dyn Write, &Path)>,
) -> Result<Report, Fail> {
    let summary = read_all(
        reader,
        front,
        path,
        |_| {},
        |batch| {
            back.consume(&batch);
            if let Some((w, out_path)) = out.as_mut() {
                w.write_all(&back.take_output())
                    .map_err(|e| io_fail(out_path, &e))?;
            }
            Ok(Some(batch))
        },
    )?;
    finish_check(back, &summary, out)
}

/// Batches the reader may have handed over and not had back (read, split, waiting or being
/// checked) before it waits: the memory bound of [`check_on_two_threads`].
const MAX_IN_FLIGHT: usize = 8;

/// How many checked batches the checker gives back at once. The reader, ahead of the checker
/// on most files, waits for them: given back one at a time, it slept and was woken once per
/// batch (a futex wait and wake, a few microseconds each, about 2 % of a check's CPU time).
const RETURN_GROUP: usize = 4;

/// [`check_input`] with two or more processors: the front on a thread of its own.
fn check_on_two_threads(
    reader: Box<dyn Read + Send>,
    front: Front,
    mut back: Back,
    path: &Path,
    mut out: Option<(&mut dyn Write, &Path)>,
) -> Result<Report, Fail> {
    const _: () = assert!(
        RETURN_GROUP < MAX_IN_FLIGHT,
        "the checker could wait on the reader"
    );
    // Unbounded: the reader bounds what is in flight by the batches it gets back.
    let (batches, received) = mpsc::channel::<RecordBatch>();
    let (recycle, recycled) = mpsc::channel::<Vec<RecordBatch>>();
    std::thread::scope(|scope| {
        let producer = scope.spawn(move || {
            let stopped = || Fail("internal: validation stopped".into());
            // Sent and not given back; and given back, for the front to reuse.
            let in_flight = Cell::new(0usize);
            let spare = RefCell::new(Vec::new());
            let given_back = |group: Vec<RecordBatch>| {
                in_flight.set(in_flight.get() - group.len());
                spare.borrow_mut().extend(group);
            };
            read_all(
                reader,
                front,
                path,
                |front| {
                    recycled.try_iter().for_each(given_back);
                    for used in spare.borrow_mut().drain(..) {
                        front.recycle(used);
                    }
                },
                |batch| {
                    // The checker holds fewer than RETURN_GROUP checked batches, so with
                    // MAX_IN_FLIGHT out it has a group's worth to check: it gives one back.
                    while in_flight.get() >= MAX_IN_FLIGHT {
                        given_back(recycled.recv().map_err(|_| stopped())?);
                    }
                    batches.send(batch).map_err(|_| stopped())?;
                    in_flight.set(in_flight.get() + 1);
                    Ok(None)
                },
            )
        });
        let mut write_err = None;
        let mut checked = Vec::with_capacity(RETURN_GROUP);
        for batch in received {
            back.consume(&batch);
            checked.push(batch);
            if checked.len() == RETURN_GROUP {
                let group = std::mem::replace(&mut checked, Vec::with_capacity(RETURN_GROUP));
                let _ = recycle.send(group);
            }
            if let Some((w, _)) = out.as_mut()
                && let Err(e) = w.write_all(&back.take_output())
            {
                write_err = Some(e);
                break;
            }
        }
        // The reader may wait for batches given back: without them (a failed write) it sees
        // the closed channel and stops.
        drop(recycle);
        // Joined first: a failed write stops the checker, which the reader then sees as a
        // closed channel; the write error, with its path, is the one to report.
        let produced = producer
            .join()
            .map_err(|_| Fail("internal: reader thread panicked".into()))?;
        if let (Some(e), Some((_, out_path))) = (write_err, out.as_ref()) {
            return Err(io_fail(out_path, &e));
        }
        finish_check(back, &produced?, out)
    })
}

/// The report once every batch is checked; in build mode the upload file's last bytes.
fn finish_check(
    back: Back,
    summary: &FrontSummary,
    out: Option<(&mut dyn Write, &Path)>,
) -> Result<Report, Fail> {
    let (report, tail) = back.finish_with_output(summary);
    if let Some((w, out_path)) = out {
        w.write_all(&tail)
            .and_then(|()| w.flush())
            .map_err(|e| io_fail(out_path, &e))?;
    }
    Ok(report)
}

/// A rough row count from the file size (rows are ~250 bytes), to size the key index once.
fn expected_rows(path: &Path) -> Option<usize> {
    let len = std::fs::metadata(path).ok()?.len();
    usize::try_from(len / 200).ok()
}

fn load_masters(paths: &[PathBuf], lang: Lang) -> Result<Option<Arc<Masters>>, Fail> {
    if paths.is_empty() {
        return Ok(None);
    }
    let mut m = Masters::new();
    for p in paths {
        let bytes = std::fs::read(p).map_err(|e| crate::io_fail(p, &e))?;
        m.load_csv(&bytes, &p.display().to_string())
            .map_err(|e| Fail(e.message(lang)))?;
    }
    m.validate().map_err(|e| Fail(e.message(lang)))?;
    Ok(Some(Arc::new(m)))
}

fn load_mapping(
    path: Option<&Path>,
    layout: &Layout,
    lang: Lang,
) -> Result<Option<ColumnMapping>, Fail> {
    let Some(p) = path else { return Ok(None) };
    let text = std::fs::read_to_string(p).map_err(|e| crate::io_fail(p, &e))?;
    Ok(Some(ColumnMapping::from_json(&text, layout).map_err(
        |e| Fail(format!("{}: {}", p.display(), e.message(lang))),
    )?))
}

fn validate(a: &ValidateArgs) -> Result<ExitCode, Fail> {
    let lang: Lang = a.lang.into();
    let mut inputs: Vec<&Path> = a.inputs.iter().map(PathBuf::as_path).collect();
    inputs.extend(guard::layout_file(&a.layout.layout));
    inputs.extend(a.common.masters.iter().map(PathBuf::as_path));
    inputs.extend(a.mapping.as_deref());
    inputs.extend(a.previous.previous.as_deref());
    guard::outputs_are_not_inputs(
        &inputs,
        &[
            ("-o", a.output.as_deref()),
            ("--receipt", a.receipt.receipt.as_deref()),
        ],
        lang,
    )?;
    // The receipt is written after the report: a folder that does not exist fails now, not
    // after a report was written for a run that then exits 2.
    if let Some(p) = a.receipt.receipt.as_deref() {
        staged::Staged::probe(p)?;
    }
    let prev = previous::prepare(&a.previous, &a.inputs, lang)?;
    let receipt = receipt::prepare(&a.receipt, lang)?;
    let layout = load_layout(&a.layout.layout, lang)?;
    let opts = Options {
        max_diagnostics: a.max_diagnostics,
        mapping: load_mapping(a.mapping.as_deref(), &layout, lang)?,
        known_insurer_numbers: a.common.known_insurer_numbers.clone(),
        masters: load_masters(&a.common.masters, lang)?,
        encoding: a.common.encoding.encoding.into(),
        as_of: Some(a.common.as_of(lang)?),
        ..Options::validate()
    };
    let mut reports = Vec::with_capacity(a.inputs.len());
    for path in &a.inputs {
        let source = open_input(path, a.common.sheet.as_deref(), lang)?;
        let mut o = opts.clone();
        o.expected_rows = expected_rows(path);
        if matches!(source, Source::Converted(..)) {
            o.kind = InputKind::Source; // a workbook is source data, not an upload file
            o.encoding = EncodingChoice::Auto; // and its CSV text is UTF-8
            o.workbook = true; // and never "ready to upload" (S022)
        }
        o.numeric_cells = source.numeric_cells();
        reports.push((
            path.display().to_string(),
            check_input(
                &layout,
                &o,
                source,
                path,
                None,
                InputHash::for_outputs(a.format, receipt.as_ref(), path),
            )?,
        ));
    }
    let comparison = match (&prev, reports.first_mut()) {
        (Some(p), Some((_, report))) => Some(previous::compare(
            p,
            &layout,
            &opts,
            &previous::Current {
                read: &a.inputs[0],
                shown: &a.inputs[0],
                sheet: a.common.sheet.as_deref(),
            },
            report,
            lang,
        )?),
        _ => None,
    };
    let prev_path = prev.as_ref().map(|p| p.path.display().to_string());
    let shown = previous::shown(prev.as_ref(), comparison.as_ref(), prev_path.as_deref());
    let inputs: Vec<Input<'_>> = reports
        .iter()
        .map(|(p, r)| Input { path: p, report: r })
        .collect();
    let ropts = RenderOptions {
        lang: a.lang.into(),
        show_values: a.show_values,
    };
    let rendered = pmh_core::render::render_with_previous(
        a.format.into(),
        &layout,
        &inputs,
        ropts,
        shown.as_ref(),
    );
    write_out(a.output.as_deref(), rendered.as_bytes())?;
    receipt::write_validate(receipt.as_ref(), &layout, &a.inputs, &reports)?;
    let errors: u64 = reports.iter().map(|(_, r)| r.errors).sum();
    if reports.iter().any(|(_, r)| r.refused_unread()) {
        return Ok(ExitCode::from(2));
    }
    Ok(if errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn build(a: &BuildArgs) -> Result<ExitCode, Fail> {
    let lang: Lang = a.lang.into();
    if a.output == Path::new("-") {
        return Err(Fail(text::Usage::OutputStdout.message(lang)));
    }
    let mut inputs: Vec<&Path> = vec![a.input.as_path()];
    inputs.extend(guard::layout_file(&a.layout.layout));
    inputs.extend(a.common.masters.iter().map(PathBuf::as_path));
    inputs.extend(a.mapping.as_deref());
    inputs.extend(a.previous.previous.as_deref());
    guard::outputs_are_not_inputs(
        &inputs,
        &[
            ("-o", Some(a.output.as_path())),
            ("--report", a.report.as_deref()),
            ("--receipt", a.receipt.receipt.as_deref()),
        ],
        lang,
    )?;
    if a.json && a.previous.previous.is_some() {
        return Err(Fail(text::Usage::PreviousWithJson.message(lang)));
    }
    // The comparison reads the upload file back: a device or pipe (`-o /dev/null`) cannot be.
    if a.previous.previous.is_some() && staged::Staged::new(&a.output).is_direct() {
        return Err(Fail(
            text::Usage::PreviousNeedsFile(&a.output).message(lang),
        ));
    }
    // The report and the receipt are written before the upload file is moved into place, and
    // a failure there discards it; a folder that does not exist fails now (exit 2), before
    // anything is built.
    for later in [a.report.as_deref(), a.receipt.receipt.as_deref()]
        .into_iter()
        .flatten()
    {
        staged::Staged::probe(later)?;
    }
    // The comparison reads the upload file written (the full layout's CSV), not the source.
    let prev = previous::prepare(&a.previous, std::slice::from_ref(&a.output), lang)?;
    let receipt = receipt::prepare(&a.receipt, lang)?;
    let layout = load_layout(&a.layout.layout, lang)?;
    let format = if a.json {
        OutputFormat::Json
    } else {
        OutputFormat::Csv
    };
    let opts = Options {
        max_diagnostics: a.max_diagnostics,
        mapping: load_mapping(a.mapping.as_deref(), &layout, lang)?,
        known_insurer_numbers: a.common.known_insurer_numbers.clone(),
        masters: load_masters(&a.common.masters, lang)?,
        expected_rows: expected_rows(&a.input),
        encoding: a.common.encoding.encoding.into(),
        as_of: Some(a.common.as_of(lang)?),
        ..Options::build(format)
    };
    let source = open_input(&a.input, a.common.sheet.as_deref(), lang)?;
    let opts = Options {
        numeric_cells: source.numeric_cells(),
        // A workbook's CSV text is UTF-8, whatever --encoding says about CSV input.
        encoding: if matches!(source, Source::Converted(..)) {
            EncodingChoice::Auto
        } else {
            opts.encoding
        },
        ..opts
    };
    // Written next to the target and renamed at the end: a failed build leaves no half file.
    let staged = staged::Staged::new(&a.output);
    let file = staged.create()?;
    let mut w = io::BufWriter::new(file);
    let report = check_input(
        &layout,
        &opts,
        source,
        &a.input,
        Some((&mut w, a.output.as_path())),
        InputHash::for_outputs(a.format, receipt.as_ref(), &a.input),
    );
    drop(w);
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            staged.discard();
            return Err(e);
        }
    };
    let refused = report.refused_unread();
    let mut report = report;
    // The comparison reads the upload file before it is moved into place: when it cannot be
    // made (exit 2), nothing is written, and an earlier file at the output path is left as it
    // was. A header-only source would otherwise leave a header-only upload file, which in
    // 全件連携 deletes every certificate.
    let comparison = match &prev {
        Some(p) if !refused => {
            // The written file is an upload file: read as such, with the layout's own headers.
            let read = Options {
                known_insurer_numbers: opts.known_insurer_numbers.clone(),
                ..Options::validate()
            };
            // Its findings are about the source: the message names the source, not the
            // upload file that is not written.
            match previous::compare(
                p,
                &layout,
                &read,
                &previous::Current {
                    read: staged.path(),
                    shown: &a.input,
                    sheet: None,
                },
                &mut report,
                lang,
            ) {
                Ok(c) => Some(c),
                Err(Fail(why)) => {
                    staged.discard();
                    let nothing = text::Usage::NothingWritten(&a.output).message(lang);
                    return Err(Fail(format!("{why}\n{nothing}")));
                }
            }
        }
        _ => None,
    };
    let prev_path = prev.as_ref().map(|p| p.path.display().to_string());
    let shown = previous::shown(prev.as_ref(), comparison.as_ref(), prev_path.as_deref());
    let path = a.input.display().to_string();
    let inputs = [Input {
        path: &path,
        report: &report,
    }];
    let ropts = RenderOptions {
        lang: a.lang.into(),
        show_values: a.show_values,
    };
    let rendered = pmh_core::render::render_with_previous(
        a.format.into(),
        &layout,
        &inputs,
        ropts,
        shown.as_ref(),
    );
    if refused {
        // Nothing is written from a file that could not be read (S002, S018) or had no header
        // row the layout knows (S016), and an earlier file at the output path is left as it
        // was: its rows are neither in an upload file nor named in the report.
        staged.discard();
        write_out(a.report.as_deref(), rendered.as_bytes())?;
        let nothing = text::Usage::NothingWritten(&a.output).message(lang);
        let _ = writeln!(io::stderr(), "pmhcsv: {nothing}");
        return Ok(ExitCode::from(2));
    }
    // The report and the receipt are written before the upload file is moved into place: one
    // that cannot be written (a full disk, a closed pipe such as `| head`) ends the run with
    // exit 2, and an exit 2 never leaves a new upload file behind.
    let written = write_out(a.report.as_deref(), rendered.as_bytes()).and_then(|()| {
        // The receipt measures the upload file where it was written, before it is moved.
        receipt::write_build(
            receipt.as_ref(),
            &layout,
            &a.input,
            &report,
            &a.output,
            staged.path(),
        )
    });
    if let Err(Fail(why)) = written {
        staged.discard();
        let nothing = text::Usage::NothingWritten(&a.output).message(lang);
        return Err(Fail(format!("{why}\n{nothing}")));
    }
    staged.commit()?;
    Ok(if report.errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn master_cmd(a: &MasterArgs) -> Result<ExitCode, Fail> {
    // `pmhcsv master` has no --lang: Japanese, the CLI's default. The summary (or the
    // template) is never written over a master it was given.
    let inputs: Vec<&Path> = a.files.iter().map(PathBuf::as_path).collect();
    guard::outputs_are_not_inputs(&inputs, &[("-o", a.output.as_deref())], Lang::Ja)?;
    if a.template || a.files.is_empty() {
        write_out(a.output.as_deref(), &Masters::template())?;
        return Ok(ExitCode::SUCCESS);
    }
    let m = load_masters(&a.files, Lang::Ja)?.unwrap_or_default();
    write_out(
        a.output.as_deref(),
        format!("{}\n", m.describe(Lang::Ja)).as_bytes(),
    )?;
    Ok(ExitCode::SUCCESS)
}

fn layout_cmd(a: &LayoutArgs) -> Result<(), Fail> {
    // `pmhcsv layout` has no --lang: Japanese, the CLI's default.
    let inputs: Vec<&Path> = guard::layout_file(&a.layout.layout).into_iter().collect();
    guard::outputs_are_not_inputs(&inputs, &[("-o", a.output.as_deref())], Lang::Ja)?;
    let layout = load_layout(&a.layout.layout, Lang::Ja)?;
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

/// `pmhcsv layout --from-template FILE`: the layout TOML of the official template, and a
/// summary of what was mapped (stdout when the layout goes to a file, else stderr). Exit 1
/// when the template lacks a required field or has a fixed column no field matched (the layout
/// is written, and says so).
fn layout_from_template(a: &LayoutArgs, template: &Path) -> Result<ExitCode, Fail> {
    let lang: Lang = a.lang.into();
    let mut inputs: Vec<&Path> = vec![template];
    inputs.extend(guard::layout_file(&a.layout.layout));
    guard::outputs_are_not_inputs(&inputs, &[("-o", a.output.as_deref())], lang)?;
    let base = load_layout(&a.layout.layout, lang)?;
    let bytes = std::fs::read(template).map_err(|e| io_fail(template, &e))?;
    let (layout, report) =
        pmh_core::template::from_template_bytes(&base, &bytes, a.sheet.as_deref()).map_err(
            |e| {
                Fail(format!(
                    "{}: {}",
                    template.display(),
                    template_error(&e, lang)
                ))
            },
        )?;
    let name = template.file_name().map_or_else(
        || template.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let toml = format!(
        "# Made by `pmhcsv layout --from-template {}` (header labels and column order of the\n# official template; rules from layout {} {}). Use it with --layout.\n\n{}",
        name.replace('\n', " "),
        base.id,
        base.version,
        layout.to_toml()
    );
    write_out(a.output.as_deref(), toml.as_bytes())?;
    let summary = text::template_summary(&report, &layout, &name, a.output.as_deref(), lang);
    if a.output.is_some() {
        write_out(None, summary.as_bytes())?;
    } else {
        let _ = io::stderr().write_all(summary.as_bytes());
    }
    Ok(if report.complete() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn template_error(e: &pmh_core::template::TemplateError, lang: Lang) -> String {
    use pmh_core::template::TemplateError as E;
    match (e, lang) {
        (E::Xlsx(x), _) => x.message(lang),
        (E::NoHeader(_), Lang::Ja) => e.to_string(),
        (E::NoHeader(n), Lang::En) => format!(
            "no header row found: none of the first {n} rows has a column named like a field of the layout"
        ),
    }
}

fn explain(a: &ExplainArgs) -> Result<ExitCode, Fail> {
    let lang = a.lang.into();
    let text = match &a.code {
        Some(c) => {
            let code =
                Code::parse(c).ok_or_else(|| Fail(text::Usage::UnknownCode(c).message(lang)))?;
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
