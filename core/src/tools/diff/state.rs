//! The state file `pmhcsv diff` keeps between days: what each history unit looked like when
//! it was last sent, read and written as a small text format (docs/diff.md).

use super::*;

/// One history row the state remembers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct UnitState {
    pub(super) unit: u128,
    /// The content fingerprint when the row was last seen (as compared: a cell written as its
    /// fill value counts as empty). Kept for the record and never read to decide anything, so
    /// states whose fingerprints were made otherwise give the same diff (docs/diff.md).
    pub(super) content: u64,
    key_start: u32,
    key_len: u32,
}

/// What `--state` keeps between days: per history row its row-key fingerprint, content
/// fingerprint and historyKey; per certificate the last sequence number; and the SHA-256 of
/// the snapshot it was written after. Fingerprints are derived from My Numbers: keep the file
/// as carefully as the snapshots.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiffState {
    pub(super) scheme: Option<HistoryKeyScheme>,
    pub(super) row_key: Option<RowKey>,
    /// The full layout's `keys.certificate` the state was written under; `None` for a state
    /// written before this was recorded (format 1), see [`LEGACY_CERTIFICATE_KEY`].
    pub(super) key_fields: Option<Vec<String>>,
    pub(super) snapshot_sha256: String,
    pub(super) units: Vec<UnitState>,
    pub(super) keys: String,
    pub(super) counters: Vec<(u128, u32)>,
}

const STATE_MAGIC: &str = "pmhcsv-diff-state 2";
/// Format 1 had no `key-fields` line; it is still read.
const STATE_MAGIC_V1: &str = "pmhcsv-diff-state 1";

/// The certificate key every state of format 1 was written under when made with the built-in
/// layout (the only key the tool had then, unless a layout file changed it): a format-1 state
/// is compared with this.
pub const LEGACY_CERTIFICATE_KEY: &[&str] = &[
    "myNumber",
    "medicalSubsidyRecipientNumber",
    "certificationSubKey",
    "orgSpecificCertificateTypeId",
];

impl DiffState {
    /// Number of history rows remembered.
    pub fn len(&self) -> usize {
        self.units.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// The certificate key fields (field ids) the state was written under (a format-1 state:
    /// [`LEGACY_CERTIFICATE_KEY`]).
    pub fn key_fields(&self) -> Vec<String> {
        self.key_fields.clone().unwrap_or_else(|| {
            LEGACY_CERTIFICATE_KEY
                .iter()
                .map(|s| (*s).to_owned())
                .collect()
        })
    }

    /// SHA-256 of the snapshot the state was written after.
    pub fn snapshot_sha256(&self) -> &str {
        &self.snapshot_sha256
    }

    #[cfg(test)]
    pub(super) fn find(&self, unit: u128) -> Option<&UnitState> {
        self.units
            .binary_search_by(|u| u.unit.cmp(&unit))
            .ok()
            .and_then(|i| self.units.get(i))
    }

    pub(super) fn key_of(&self, u: &UnitState) -> &str {
        let s = u.key_start as usize;
        self.keys.get(s..s + u.key_len as usize).unwrap_or("")
    }

    pub(super) fn counter(&self, cert: u128) -> u32 {
        self.counters
            .binary_search_by(|c| c.0.cmp(&cert))
            .map_or(0, |i| self.counters[i].1)
    }

    pub(super) fn push(&mut self, unit: u128, content: u64, key: &str) {
        let key_start = u32::try_from(self.keys.len()).unwrap_or(u32::MAX);
        self.keys.push_str(key);
        self.units.push(UnitState {
            unit,
            content,
            key_start,
            key_len: u32::try_from(key.len()).unwrap_or(0),
        });
    }

    /// The state as text (one line per history row; see docs/diff.md).
    pub fn to_text(&self) -> String {
        let mut out = Vec::with_capacity(64 + self.units.len() * 72);
        let _ = self.write_text(&mut |b| {
            out.extend_from_slice(b);
            Ok(())
        });
        String::from_utf8(out).unwrap_or_default()
    }

    /// Writes [`DiffState::to_text`] to `sink` in chunks (no copy of the whole text).
    ///
    /// # Errors
    /// The first error of `sink`.
    pub fn write_text(
        &self,
        sink: &mut dyn FnMut(&[u8]) -> Result<(), String>,
    ) -> Result<(), String> {
        use std::fmt::Write as _;
        let mut buf = String::with_capacity(1 << 16);
        let _ = write!(
            buf,
            "{STATE_MAGIC}\nscheme {}\nrow-key {}\nkey-fields {}\nsnapshot {}\nunits {}\n",
            self.scheme.map_or("hash", HistoryKeyScheme::as_str),
            self.row_key.map_or("period", RowKey::as_str),
            self.key_fields().join(","),
            self.snapshot_sha256,
            self.units.len()
        );
        for u in &self.units {
            let _ = writeln!(buf, "{:032x} {:016x} {}", u.unit, u.content, self.key_of(u));
            if buf.len() > (1 << 16) - 256 {
                sink(buf.as_bytes())?;
                buf.clear();
            }
        }
        let _ = writeln!(buf, "counters {}", self.counters.len());
        for (c, n) in &self.counters {
            let _ = writeln!(buf, "{c:032x} {n}");
            if buf.len() > (1 << 16) - 256 {
                sink(buf.as_bytes())?;
                buf.clear();
            }
        }
        sink(buf.as_bytes())
    }

    /// Reads a state written by [`DiffState::to_text`].
    ///
    /// # Errors
    /// A [`DiffError::State`] naming the line when the text is not such a state.
    pub fn from_text(text: &str) -> Result<DiffState, DiffError> {
        let mut r = DiffStateReader::new();
        r.feed(text.as_bytes())?;
        r.finish()
    }
}

/// Reads a state file in chunks, line by line (the file is never held whole).
#[derive(Debug, Default)]
pub struct DiffStateReader {
    partial: Vec<u8>,
    line: usize,
    phase: Phase,
    remaining: usize,
    /// The file is format 1 (no `key-fields` line).
    v1: bool,
    state: DiffState,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Phase {
    #[default]
    Magic,
    Scheme,
    RowKey,
    KeyFields,
    Snapshot,
    UnitCount,
    Units,
    CounterCount,
    Counters,
    Done,
}

fn state_error(line: usize, problem: StateProblem) -> DiffError {
    DiffError::State { line, problem }
}

impl DiffStateReader {
    /// A reader at the start of a state file.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the next chunk.
    ///
    /// # Errors
    /// A [`DiffError::State`] naming the first line that is not part of a state.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), DiffError> {
        let mut rest = chunk;
        while let Some(nl) = memchr::memchr(b'\n', rest) {
            let line = if self.partial.is_empty() {
                self.take_line(&rest[..nl])?;
                rest = &rest[nl + 1..];
                continue;
            } else {
                self.partial.extend_from_slice(&rest[..nl]);
                std::mem::take(&mut self.partial)
            };
            self.take_line(&line)?;
            rest = &rest[nl + 1..];
        }
        self.partial.extend_from_slice(rest);
        Ok(())
    }

    /// Ends the file.
    ///
    /// # Errors
    /// When the file ended before the state did.
    pub fn finish(mut self) -> Result<DiffState, DiffError> {
        if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            self.take_line(&line)?;
        }
        if self.phase != Phase::Done {
            return Err(state_error(self.line + 1, StateProblem::EndsEarly));
        }
        let mut st = self.state;
        st.units.sort_by_key(|u| u.unit);
        st.counters.sort_by_key(|c| c.0);
        Ok(st)
    }

    fn take_line(&mut self, raw: &[u8]) -> Result<(), DiffError> {
        self.line += 1;
        let n = self.line;
        let bad = |problem: StateProblem| state_error(n, problem);
        let line = std::str::from_utf8(raw)
            .map_err(|_| bad(StateProblem::NotText))?
            .trim_end_matches('\r');
        let value = |name: &'static str| -> Result<&str, DiffError> {
            line.strip_prefix(name)
                .and_then(|r| r.strip_prefix(' '))
                .ok_or_else(|| bad(StateProblem::Expected(name)))
        };
        let count = |name: &'static str| -> Result<usize, DiffError> {
            value(name)?
                .parse()
                .map_err(|_| bad(StateProblem::BadCount))
        };
        match self.phase {
            Phase::Magic => {
                if line == STATE_MAGIC_V1 {
                    self.v1 = true;
                } else if line != STATE_MAGIC {
                    return Err(bad(StateProblem::NotAState));
                }
                self.phase = Phase::Scheme;
            }
            Phase::Scheme => {
                self.state.scheme = Some(
                    HistoryKeyScheme::parse(value("scheme")?)
                        .ok_or_else(|| bad(StateProblem::UnknownScheme))?,
                );
                self.phase = Phase::RowKey;
            }
            Phase::RowKey => {
                self.state.row_key = Some(
                    RowKey::parse(value("row-key")?)
                        .ok_or_else(|| bad(StateProblem::UnknownRowKey))?,
                );
                self.phase = if self.v1 {
                    Phase::Snapshot
                } else {
                    Phase::KeyFields
                };
            }
            Phase::KeyFields => {
                let fields: Vec<String> = value("key-fields")?
                    .split(',')
                    .filter(|f| !f.is_empty())
                    .map(str::to_owned)
                    .collect();
                self.state.key_fields = Some(fields);
                self.phase = Phase::Snapshot;
            }
            Phase::Snapshot => {
                self.state.snapshot_sha256 = value("snapshot")?.to_owned();
                self.phase = Phase::UnitCount;
            }
            Phase::UnitCount => {
                self.remaining = count("units")?;
                self.state.units.reserve(self.remaining.min(1 << 24));
                self.phase = if self.remaining == 0 {
                    Phase::CounterCount
                } else {
                    Phase::Units
                };
            }
            Phase::Units => {
                let mut parts = line.splitn(3, ' ');
                let unit = parts
                    .next()
                    .and_then(|p| u128::from_str_radix(p, 16).ok())
                    .ok_or_else(|| bad(StateProblem::BadRowKey))?;
                let content = parts
                    .next()
                    .and_then(|p| u64::from_str_radix(p, 16).ok())
                    .ok_or_else(|| bad(StateProblem::BadContent))?;
                self.state.push(unit, content, parts.next().unwrap_or(""));
                self.remaining -= 1;
                if self.remaining == 0 {
                    self.phase = Phase::CounterCount;
                }
            }
            Phase::CounterCount => {
                self.remaining = count("counters")?;
                self.phase = if self.remaining == 0 {
                    Phase::Done
                } else {
                    Phase::Counters
                };
            }
            Phase::Counters => {
                let (c, v) = line
                    .split_once(' ')
                    .ok_or_else(|| bad(StateProblem::BadCounter))?;
                let c = u128::from_str_radix(c, 16).map_err(|_| bad(StateProblem::BadCounter))?;
                let v: u32 = v.parse().map_err(|_| bad(StateProblem::BadCounter))?;
                self.state.counters.push((c, v));
                self.remaining -= 1;
                if self.remaining == 0 {
                    self.phase = Phase::Done;
                }
            }
            Phase::Done => {
                if !line.is_empty() {
                    return Err(bad(StateProblem::TextAfterEnd));
                }
            }
        }
        Ok(())
    }
}
