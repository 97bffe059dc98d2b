//! The result of checking one input file: every finding kept (up to the limit), exact counts,
//! and what was learnt about the file (encoding, size, hash, columns).

use crate::findings::codes::{Code, Severity};
use crate::findings::diagnostic::Diagnostic;
use crate::input::decode::TextEncoding;
use crate::input::reader::LineEndings;
use crate::layout::header::Use;

/// Everything known after checking one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Layout id.
    pub layout_id: String,
    /// Layout version.
    pub layout_version: String,
    /// Detected text encoding.
    pub encoding: TextEncoding,
    /// Input size in bytes.
    pub bytes: u64,
    /// SHA-256 of the input bytes, lower-case hex.
    pub sha256: String,
    /// Data rows (sheet rows after the header, blank ones included).
    pub rows: u64,
    /// Blank data rows.
    pub blank_rows: u64,
    /// Field delimiter found.
    pub delimiter: u8,
    /// Line endings between records.
    pub line_endings: LineEndings,
    /// Header text of each input column.
    pub headers: Vec<String>,
    /// Use of each input column.
    pub uses: Vec<Use>,
    /// Findings kept, in file order (at most the configured maximum).
    pub diagnostics: Vec<Diagnostic>,
    /// Exact count per code, indexed by [`Code::index`].
    pub counts: Vec<u64>,
    /// Exact number of error findings.
    pub errors: u64,
    /// Exact number of warning findings.
    pub warnings: u64,
    /// Exact number of info findings.
    pub infos: u64,
    /// The reference date the 全件 validity check (R003) used, if one was given.
    pub as_of: Option<crate::domain::date::Ymd>,
}

impl Report {
    /// Total findings (exact, including those not kept).
    pub fn total(&self) -> u64 {
        self.errors + self.warnings + self.infos
    }

    /// Whether the kept list is shorter than the total.
    pub fn truncated(&self) -> bool {
        (self.diagnostics.len() as u64) < self.total()
    }

    /// Whether the input was refused unread (S002 unknown or S018 ambiguous encoding,
    /// [`TextEncoding::is_unreadable`]), or read without a header row the layout knows (S016:
    /// a title row above the header, another layout's file): nothing of it was checked or
    /// written. The CLI exits with 2, as for any input it could not read, and `build` leaves a
    /// file already at its output path as it was.
    pub fn refused_unread(&self) -> bool {
        self.bytes > 0
            && (self.encoding.is_unreadable()
                || self.count(crate::findings::codes::Code::NoHeader) > 0)
    }

    /// Whether PMH should accept the file: no error findings.
    pub fn upload_ready(&self) -> bool {
        self.errors == 0
    }

    /// Exact count of one code.
    pub fn count(&self, code: Code) -> u64 {
        self.counts.get(code.index()).copied().unwrap_or(0)
    }

    /// Codes found, with their counts, in catalogue order.
    pub fn codes_found(&self) -> impl Iterator<Item = (Code, u64)> + '_ {
        Code::ALL
            .iter()
            .map(|c| (*c, self.count(*c)))
            .filter(|(_, n)| *n > 0)
    }

    /// Adds a whole-file finding found after the check (P001), listed first so that a cut list
    /// never hides it; counts stay exact.
    pub fn add_first(&mut self, d: Diagnostic) {
        if let Some(n) = self.counts.get_mut(d.code.index()) {
            *n += 1;
        }
        match d.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
        self.diagnostics.insert(0, d);
    }

    /// Number of findings of a severity.
    pub fn severity_count(&self, s: Severity) -> u64 {
        match s {
            Severity::Error => self.errors,
            Severity::Warning => self.warnings,
            Severity::Info => self.infos,
        }
    }
}
