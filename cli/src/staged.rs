//! Output files written so that a failure never leaves half a file: the bytes go next to the
//! target (`<target>.pmhcsv-partial`) and are renamed into place at the end. A target that
//! exists and is not a regular file (`/dev/null`, a FIFO, a terminal) is written directly
//! instead: renaming over it would replace the device or pipe itself (run as root,
//! `pmhcsv build X -o /dev/null` used to turn /dev/null into a regular file for every program
//! on the machine).

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::{Fail, io_fail};

/// Where one output file is being written.
pub(crate) struct Staged {
    target: PathBuf,
    /// The partial file beside a regular (or new) target; `None` for a device or pipe.
    partial: Option<PathBuf>,
}

impl Staged {
    pub(crate) fn new(target: &Path) -> Self {
        // `metadata` follows links: a link to /dev/null is written through, too.
        let special = std::fs::metadata(target).is_ok_and(|m| !m.file_type().is_file());
        let partial = (!special).then(|| {
            let mut p = target.as_os_str().to_owned();
            p.push(".pmhcsv-partial");
            PathBuf::from(p)
        });
        Self {
            target: target.to_owned(),
            partial,
        }
    }

    /// Whether the target is written directly (a device or pipe), not through a partial file.
    pub(crate) fn is_direct(&self) -> bool {
        self.partial.is_none()
    }

    /// The path the bytes are written to.
    pub(crate) fn path(&self) -> &Path {
        self.partial.as_deref().unwrap_or(&self.target)
    }

    /// Opens [`Self::path`] for writing. A failure names the target, the file the user named
    /// (not the partial file beside it).
    pub(crate) fn create(&self) -> Result<File, Fail> {
        File::create(self.path()).map_err(|e| io_fail(&self.target, &e))
    }

    /// Flushes a finished partial file to disk (a device or pipe has nothing to flush, and
    /// `fsync` fails on it).
    pub(crate) fn sync(&self, file: &File) -> std::io::Result<()> {
        if self.partial.is_some() {
            file.sync_all()
        } else {
            Ok(())
        }
    }

    /// Moves the finished file into place.
    pub(crate) fn commit(self) -> Result<(), Fail> {
        let Some(partial) = &self.partial else {
            return Ok(());
        };
        std::fs::rename(partial, &self.target).map_err(|e| {
            let _ = std::fs::remove_file(partial);
            io_fail(&self.target, &e)
        })
    }

    /// A failed write: drops what was written and names the target.
    pub(crate) fn fail(self, e: &std::io::Error) -> Fail {
        let fail = io_fail(&self.target, e);
        self.discard();
        fail
    }

    /// Fails now, naming `target`, when a file could not be written there at the end (a
    /// missing folder, no permission): a command that writes several files checks the later
    /// ones before it writes the first. Nothing is left behind; a device or pipe is not opened.
    pub(crate) fn probe(target: &Path) -> Result<(), Fail> {
        let staged = Self::new(target);
        if staged.is_direct() {
            // A folder cannot take the file: opening it for writing fails, and changes nothing.
            if target.is_dir()
                && let Err(e) = File::create(target)
            {
                return Err(io_fail(target, &e));
            }
            return Ok(());
        }
        drop(staged.create()?);
        staged.discard();
        Ok(())
    }

    /// Drops what was written (a device or pipe keeps what it was given).
    pub(crate) fn discard(self) {
        if let Some(partial) = &self.partial {
            let _ = std::fs::remove_file(partial);
        }
    }
}
