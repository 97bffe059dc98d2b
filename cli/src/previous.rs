//! `--previous` of `validate` and `build`: today's 全件 file compared with the one uploaded
//! last time (`pmh_core::diff::compare`), the summary in the report, and P001 when more
//! certificates would be deleted at PMH than `--max-removals` allows.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use pmh_core::diff::{Comparison, DeletionLimit, DiffError, Side, Snapshot};
use pmh_core::{Lang, Layout, Options, Report};

use crate::Fail;
use crate::text::Usage;

/// Options shared by `validate` and `build`.
#[derive(clap::Args, Debug)]
pub struct PreviousOpts {
    /// The 全件 file uploaded last time (CSV in any supported encoding, or .xlsx): the report
    /// counts certificates added, changed, removed and unchanged, says when no upload is
    /// needed, and reports P001 (an error) when too many certificates would be deleted.
    #[arg(long, value_name = "PATH")]
    pub previous: Option<PathBuf>,
    /// Most certificates that may be missing since the previous upload: a count (`50`), a
    /// share of the previous certificates (`10%`) or `all`. Default: an error when more than
    /// 10 and more than 5 % are missing (the same rule as `pmhcsv diff --max-deletions`).
    #[arg(long, value_name = "N|N%|all", requires = "previous")]
    pub max_removals: Option<String>,
}

/// `--previous` checked before anything is read.
pub(crate) struct Prepared {
    pub(crate) path: PathBuf,
    pub(crate) limit: DeletionLimit,
}

/// The previous file and the limit, or `None` without `--previous`. `current` is the one
/// input it is compared with (several inputs, or standard input, are refused).
pub(crate) fn prepare(
    o: &PreviousOpts,
    current: &[PathBuf],
    lang: Lang,
) -> Result<Option<Prepared>, Fail> {
    let Some(path) = &o.previous else {
        return Ok(None);
    };
    let limit = match &o.max_removals {
        None => DeletionLimit::Default,
        Some(t) => crate::diff::deletion_limit(t)
            .ok_or_else(|| Fail(Usage::MaxRemovals(t).message(lang)))?,
    };
    if current.len() != 1 {
        return Err(Fail(Usage::PreviousOneInput.message(lang)));
    }
    if [path.as_path(), current[0].as_path()]
        .iter()
        .any(|p| p.as_os_str() == "-")
    {
        return Err(Fail(Usage::PreviousStdin.message(lang)));
    }
    Ok(Some(Prepared {
        path: path.clone(),
        limit,
    }))
}

/// A snapshot read from its start on every pass: a file streamed from disk, or a workbook's
/// sheet already turned into CSV text.
enum Snap {
    File(PathBuf),
    Bytes(Vec<u8>),
}

impl Snapshot for Snap {
    fn read(&mut self, sink: &mut dyn FnMut(&[u8])) -> Result<(), String> {
        match self {
            Snap::Bytes(b) => pmh_core::diff::Bytes(b).read(sink),
            Snap::File(p) => {
                let mut f = File::open(&*p).map_err(|e| format!("{}: {e}", p.display()))?;
                let mut buf = vec![0u8; 256 * 1024];
                loop {
                    match f.read(&mut buf) {
                        Ok(0) => return Ok(()),
                        Ok(n) => sink(&buf[..n]),
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(format!("{}: {e}", p.display())),
                    }
                }
            }
        }
    }
}

fn snapshot(path: &Path, sheet: Option<&str>, lang: Lang) -> Result<Snap, Fail> {
    Ok(match crate::open_input(path, sheet, lang)? {
        crate::Source::Converted(bytes, _) => Snap::Bytes(bytes),
        crate::Source::Stream(_) => Snap::File(path.to_owned()),
    })
}

/// The current side of a comparison: the file read (with `sheet` when a workbook) and the
/// name messages give it. They differ in `build`, which compares the upload file it staged but
/// names the source the clerk gave.
pub(crate) struct Current<'a> {
    pub read: &'a Path,
    pub shown: &'a Path,
    pub sheet: Option<&'a str>,
}

/// Compares `current` with the previous file, then adds P001 to `report` when the removals
/// exceed the limit. A snapshot that cannot be compared is refused (exit 2), as `pmhcsv diff`
/// refuses it.
pub(crate) fn compare(
    p: &Prepared,
    layout: &Layout,
    opts: &Options,
    current: &Current<'_>,
    report: &mut Report,
    lang: Lang,
) -> Result<Comparison, Fail> {
    let mut prev = snapshot(&p.path, None, lang)?;
    let mut cur = snapshot(current.read, current.sheet, lang)?;
    let cmp = pmh_core::diff::compare(layout, opts, &mut prev, &mut cur).map_err(|e| match e {
        DiffError::UnusableSnapshot { side, reason } => Fail(
            Usage::Unusable {
                path: if side == Side::From {
                    &p.path
                } else {
                    current.shown
                },
                previous: side == Side::From,
                reason: &reason,
            }
            .message(lang),
        ),
        e => Fail(e.message(lang)),
    })?;
    pmh_core::removal_check(report, &cmp, p.limit);
    Ok(cmp)
}

/// What the report shows of the comparison, once one was made: the previous file's name as
/// given (`path`, the caller's), the comparison and the limit.
pub(crate) fn shown<'a>(
    prev: Option<&Prepared>,
    comparison: Option<&'a Comparison>,
    path: Option<&'a str>,
) -> Option<pmh_core::previous::Previous<'a>> {
    Some(pmh_core::previous::Previous {
        path: path?,
        comparison: comparison?,
        limit: prev?.limit,
    })
}
