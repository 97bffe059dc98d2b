//! No output may be written over an input: `build X -o X` (or `--report X`, `--receipt X`,
//! `validate X -o X`, `redact X -o X`) would destroy the data it was given, and with an
//! unclosed quote the swallowed rows would be gone for good (issue 9). Nor over another output:
//! `build -o up.csv --report up.csv` would leave the report where the upload file was said to
//! be, and `diff -o state.txt --state state.txt` the state where the diff was. Refused with
//! exit 2 before anything is read or written. Every file a command reads is an input: the data,
//! and also a layout TOML (`--layout`, `--input-layout`), a master, a mapping, `--previous`.

use std::path::{Path, PathBuf};

use pmh_core::Lang;

use crate::Fail;

/// Refuses when any output names the same file as any input, or as another output: the same
/// path after resolving `.`/`..` and links, or (on Unix) the same file through another name (a
/// hard link). `outputs` are named by their option (`-o`, `--report`, …) for the message. Two
/// outputs on one device (`/dev/null`) are allowed: neither is a file that would be lost.
pub(crate) fn outputs_are_not_inputs(
    inputs: &[&Path],
    outputs: &[(&'static str, Option<&Path>)],
    lang: Lang,
) -> Result<(), Fail> {
    let given: Vec<(&'static str, &Path)> = outputs
        .iter()
        .filter_map(|&(flag, p)| Some((flag, p?)))
        .collect();
    for (i, &(flag, output)) in given.iter().enumerate() {
        if is_stream(output) {
            continue;
        }
        for &input in inputs {
            if !is_stream(input) && same_file(input, output) {
                return Err(Fail(
                    crate::text::Usage::OverwriteInput(output).message(lang),
                ));
            }
        }
        for &(other_flag, other) in &given[i + 1..] {
            if !is_stream(other) && !is_device(output) && same_file(output, other) {
                return Err(Fail(
                    crate::text::Usage::SameOutput {
                        path: output,
                        flags: (flag, other_flag),
                    }
                    .message(lang),
                ));
            }
        }
    }
    Ok(())
}

/// The file a layout selector (`--layout`, `--input-layout`) reads: `None` for a built-in
/// layout (`full`, `diff`), which is read from no file (`load_layout` tries those names first).
pub(crate) fn layout_file(sel: &str) -> Option<&Path> {
    pmh_core::Layout::builtin(sel)
        .is_none()
        .then(|| Path::new(sel))
}

/// An existing path that is not a regular file (a device such as `/dev/null`, a pipe).
fn is_device(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

fn is_stream(p: &Path) -> bool {
    p.as_os_str() == "-"
}

/// The path with its directory resolved (the file itself may not exist yet).
fn resolved(p: &Path) -> Option<PathBuf> {
    if let Ok(full) = std::fs::canonicalize(p) {
        return Some(full);
    }
    let dir = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(dir).ok()?.join(p.file_name()?))
}

fn same_file(a: &Path, b: &Path) -> bool {
    if a == b {
        return true;
    }
    if let (Some(x), Some(y)) = (resolved(a), resolved(b))
        && x == y
    {
        return true;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    false
}
