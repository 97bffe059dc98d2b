//! 差分履歴 records from two 全件 snapshots (`pmhcsv diff`). Assumptions and the file formats
//! are documented in `docs/diff.md`.
//!
//! ```text
//! FROM ─check+index─▶ (row key, content) per row ┐
//! TO   ─check+index─▶ (row key, content) per row ┴─ sort, merge ─▶ action per row
//! FROM ─again─▶ deletions ┐
//! TO   ─again─▶ registrations and updates ┴─▶ diff CSV (diff layout) ─check─▶ report
//! ```
//!
//! * A **row key** identifies one history row of one certificate: the full layout's
//!   `keys.certificate` fields (trimmed) plus, by default, its `keys.valid_from`
//!   ([`RowKey::Period`]: a certificate may have a current and a future row). Two rows of one
//!   snapshot with the same row key are a collision: reported, and nothing is written for it.
//! * New row key → registration (new historyKey); same row key, other content → update (new
//!   historyKey under the `hash` and `sequence` schemes, the same one under `period`); row key
//!   gone → a record with the deletion flag set, carrying its last content and its historyKey;
//!   same content → nothing. A moved validity start is a deletion plus a registration.
//! * **Memory**: neither file is held. Each is read twice through the checker (the caller's
//!   [`Snapshot`] re-reads it from the start); between the passes only 32 bytes per row are
//!   kept (a 128-bit row-key fingerprint, a 64-bit content fingerprint, two row numbers), plus
//!   the state when one is given.
//! * **historyKey** ([`HistoryKeyScheme`]): `hash` = the first N hex characters of SHA-256 over
//!   the certificate key, the validity start and the content; `period` = the same over the
//!   certificate key and validity start only; `sequence` = a per-certificate counter kept in
//!   the state.
//!
//! This module reads and writes nothing itself: the caller passes the snapshots as
//! re-readable streams, receives the output bytes, and stores [`DiffState::to_text`].

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

use crate::input::hash::{Fingerprint, Sha256Hasher};

use crate::check::{Checker, Options, RowView, trim_edges};
use crate::domain::date;
use crate::findings::report::Report;
use crate::input::front::{Front, RecordBatch};
use crate::layout::header::Use;
use crate::layout::{Layout, ValueType};
use crate::output::write;

/// A snapshot that can be read from its start as many times as needed.
pub trait Snapshot {
    /// Feeds the whole file, from the start, to `sink` in chunks.
    ///
    /// # Errors
    /// A readable explanation when the file cannot be read.
    fn read(&mut self, sink: &mut dyn FnMut(&[u8])) -> Result<(), String>;
}

/// An in-memory snapshot (tests, the browser).
#[derive(Debug, Clone, Copy)]
pub struct Bytes<'a>(pub &'a [u8]);

impl Snapshot for Bytes<'_> {
    fn read(&mut self, sink: &mut dyn FnMut(&[u8])) -> Result<(), String> {
        for chunk in self.0.chunks(256 * 1024) {
            sink(chunk);
        }
        Ok(())
    }
}

/// How historyKey values are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryKeyScheme {
    /// SHA-256 over certificate key, validity start and content: every version its own key.
    Hash,
    /// SHA-256 over certificate key and validity start: one key per history row, kept across
    /// updates.
    Period,
    /// A per-certificate counter `1`, `2`, … kept in the state.
    Sequence,
}

impl HistoryKeyScheme {
    /// Stable name (`hash`, `period`, `sequence`).
    pub fn as_str(self) -> &'static str {
        match self {
            HistoryKeyScheme::Hash => "hash",
            HistoryKeyScheme::Period => "period",
            HistoryKeyScheme::Sequence => "sequence",
        }
    }

    /// The scheme of a name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "hash" => Some(Self::Hash),
            "period" => Some(Self::Period),
            "sequence" => Some(Self::Sequence),
            _ => None,
        }
    }
}

/// What identifies one history row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKey {
    /// The certificate key plus the validity start (default).
    Period,
    /// The certificate key alone: one row per certificate per snapshot.
    Certificate,
}

impl RowKey {
    /// Stable name (`period`, `certificate`).
    pub fn as_str(self) -> &'static str {
        match self {
            RowKey::Period => "period",
            RowKey::Certificate => "certificate",
        }
    }

    /// The row key of a name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "period" => Some(Self::Period),
            "certificate" => Some(Self::Certificate),
            _ => None,
        }
    }
}

/// Settings of one diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffConfig {
    /// How historyKey values are made.
    pub scheme: HistoryKeyScheme,
    /// Hex characters of a `hash` / `period` key (8–64; also limited by the historyKey
    /// field's maximum length).
    pub key_length: usize,
    /// What identifies one history row.
    pub row_key: RowKey,
    /// Values written into empty cells of fields the diff layout requires but the full one
    /// does not (field id, value). Default: `isAlwaysReimbursement` = `0`.
    pub fills: Vec<(String, String)>,
    /// Id of the boolean deletion flag in the diff layout.
    pub deleted_field: String,
    /// Build the state for the next run ([`DiffOutcome::state`]); without it the last pass
    /// only looks at the rows it writes.
    pub make_state: bool,
}

impl Default for DiffConfig {
    fn default() -> Self {
        Self {
            scheme: HistoryKeyScheme::Hash,
            key_length: 20,
            row_key: RowKey::Period,
            fills: vec![("isAlwaysReimbursement".into(), "0".into())],
            deleted_field: "isDeleted".into(),
            make_state: true,
        }
    }
}

/// Which snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The earlier snapshot (`--from`).
    From,
    /// The later snapshot (`--to`).
    To,
}

impl Side {
    fn ja(self) -> &'static str {
        match self {
            Side::From => "前回のファイル (--from)",
            Side::To => "今回のファイル (--to)",
        }
    }

    fn en(self) -> &'static str {
        match self {
            Side::From => "the earlier snapshot (--from)",
            Side::To => "the later snapshot (--to)",
        }
    }
}

/// Rows listed in a message at most.
const LISTED_ROWS: usize = 5;

/// Something the diff noticed about its inputs, with a Japanese message. Never holds values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffIssue {
    /// Rows of one snapshot with the same row key: which one is meant cannot be told.
    Collision {
        /// Which snapshot.
        side: Side,
        /// Sheet rows (header = 1), at most five.
        rows: Vec<u32>,
        /// How many rows share the key.
        count: u64,
        /// Whether the later snapshot's row was still written (collision in `--from` only).
        written: bool,
    },
    /// Rows whose certificate key fields are all empty: they cannot be followed.
    EmptyKey {
        /// Which snapshot.
        side: Side,
        /// Sheet rows, at most five.
        rows: Vec<u32>,
        /// How many.
        count: u64,
    },
    /// Empty cells of a field the diff layout requires were filled.
    Filled {
        /// Field id.
        field: String,
        /// Japanese label.
        label: String,
        /// The value written.
        value: String,
        /// How many cells.
        count: u64,
    },
    /// Vanished rows whose historyKey the state does not know (sequence scheme): no deletion
    /// record was written for them.
    UnknownHistoryKey {
        /// Sheet rows of `--from`, at most five.
        rows: Vec<u32>,
        /// How many.
        count: u64,
    },
    /// Unchanged rows whose historyKey the state does not know (sequence scheme).
    StateIncomplete {
        /// How many rows.
        count: u64,
    },
    /// The state was written after another snapshot than `--from`.
    StateFromOtherSnapshot,
    /// The state was written with another historyKey scheme.
    StateSchemeChanged {
        /// The state's scheme.
        was: HistoryKeyScheme,
    },
    /// The state was written with another row key: it cannot be matched to this run's rows.
    StateRowKeyChanged {
        /// The state's row key.
        was: RowKey,
    },
    /// Fields of the full layout that the diff layout does not have (not written).
    FieldsNotInDiffLayout {
        /// Field ids.
        fields: Vec<String>,
    },
}

fn rows_ja(rows: &[u32], count: u64) -> String {
    let list: Vec<String> = rows.iter().map(|r| format!("{r}行目")).collect();
    let more = if count > rows.len() as u64 {
        format!(" ほか（計 {count} 行）")
    } else {
        String::new()
    };
    format!("{}{more}", list.join("・"))
}

fn rows_en(rows: &[u32], count: u64) -> String {
    let list: Vec<String> = rows.iter().map(u32::to_string).collect();
    let more = if count > rows.len() as u64 {
        format!(" and more ({count} rows)")
    } else {
        String::new()
    };
    format!("rows {}{more}", list.join(", "))
}

impl DiffIssue {
    /// Whether this makes the result unfit to upload as it is (collisions, unknown keys).
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            DiffIssue::Collision { .. }
                | DiffIssue::UnknownHistoryKey { .. }
                | DiffIssue::EmptyKey { .. }
        )
    }

    /// Japanese message.
    pub fn message_ja(&self) -> String {
        match self {
            DiffIssue::Collision {
                side,
                rows,
                count,
                written,
            } => {
                let what = if *written {
                    "前回どちらが登録されたか判断できないため、今回の行を更新として出力しました。"
                } else {
                    "どちらが正しいか判断できないため、この受給者証の差分は出力していません。元のデータを直してから作り直してください。"
                };
                format!(
                    "{} の {} は、同じ受給者証（受給者証を特定する項目が同じ）で有効期間開始日も同じです。{what}",
                    side.ja(),
                    rows_ja(rows, *count)
                )
            }
            DiffIssue::EmptyKey { side, rows, count } => format!(
                "{} の {} は、受給者証を特定する項目（個人番号・公費受給者番号など）がすべて空のため、差分に含めていません。",
                side.ja(),
                rows_ja(rows, *count)
            ),
            DiffIssue::Filled {
                label,
                value,
                count,
                field,
            } => format!(
                "差分履歴レイアウトで必須の「{label}」({field}) が空の {count} 行に「{value}」を入れました（全件ファイルでは任意項目のため）。違う場合は --fill {field}=値 で指定してください。"
            ),
            DiffIssue::UnknownHistoryKey { rows, count } => format!(
                "前回のファイル (--from) の {} は今回なくなりましたが、状態ファイルに履歴キーがないため削除レコードを出力できませんでした。状態ファイルが前回の差分作成時のものか確認してください。",
                rows_ja(rows, *count)
            ),
            DiffIssue::StateIncomplete { count } => format!(
                "変更のなかった {count} 行の履歴キーが状態ファイルにありません。次回以降、これらの更新・削除に履歴キーを付けられません。状態ファイルが前回の差分作成時のものか確認してください。"
            ),
            DiffIssue::StateFromOtherSnapshot => "状態ファイルは、今回 --from に指定したファイルとは別のファイルから作られています。前回 --to に指定したファイルを --from に指定してください（履歴キーがずれるおそれがあります）。".into(),
            DiffIssue::StateSchemeChanged { was } => format!(
                "状態ファイルは履歴キー方式「{}」で作られています。方式を変えると、以前に送った履歴行と新しい履歴キーが対応しなくなります。",
                was.as_str()
            ),
            DiffIssue::StateRowKeyChanged { was } => format!(
                "状態ファイルは行の識別「{}」で作られているため、今回の行と対応づけられません（履歴キーは計算し直しました）。--row-key を前回と同じにしてください。",
                was.as_str()
            ),
            DiffIssue::FieldsNotInDiffLayout { fields } => format!(
                "全件レイアウトの項目 {} は差分履歴レイアウトにないため出力していません。",
                fields.join("・")
            ),
        }
    }

    /// English message.
    pub fn message_en(&self) -> String {
        match self {
            DiffIssue::Collision {
                side,
                rows,
                count,
                written,
            } => {
                let what = if *written {
                    "which one was registered cannot be told, so the later row was written as an update."
                } else {
                    "which one is right cannot be told, so nothing was written for this certificate. Fix the source data and run again."
                };
                format!(
                    "{}, {}: the same certificate key and validity start; {what}",
                    side.en(),
                    rows_en(rows, *count)
                )
            }
            DiffIssue::EmptyKey { side, rows, count } => format!(
                "{}, {}: every certificate key field is empty; not included in the diff.",
                side.en(),
                rows_en(rows, *count)
            ),
            DiffIssue::Filled {
                field,
                value,
                count,
                ..
            } => format!(
                "{field} is required in the diff layout but optional in the full one: \"{value}\" was written into {count} empty cells (use --fill {field}=VALUE otherwise)."
            ),
            DiffIssue::UnknownHistoryKey { rows, count } => format!(
                "the earlier snapshot (--from), {}: gone now, but the state has no historyKey for them, so no deletion record was written. Check that the state belongs to the previous run.",
                rows_en(rows, *count)
            ),
            DiffIssue::StateIncomplete { count } => format!(
                "{count} unchanged rows have no historyKey in the state; their later updates and deletions cannot carry one. Check that the state belongs to the previous run."
            ),
            DiffIssue::StateFromOtherSnapshot => "the state was written after another snapshot than --from: pass the previous --to file as --from (history keys may not match).".into(),
            DiffIssue::StateSchemeChanged { was } => format!(
                "the state was made with the \"{}\" historyKey scheme; changing it breaks the link to the history rows already sent.",
                was.as_str()
            ),
            DiffIssue::StateRowKeyChanged { was } => format!(
                "the state was made with row key \"{}\" and cannot be matched to this run's rows (keys were recomputed); use the same --row-key as before.",
                was.as_str()
            ),
            DiffIssue::FieldsNotInDiffLayout { fields } => format!(
                "fields {} of the full layout are not in the diff layout and were not written.",
                fields.join(", ")
            ),
        }
    }
}

/// Why no diff could be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffError {
    /// The layouts or settings do not fit (the operator's problem).
    Config {
        /// Japanese explanation.
        ja: String,
        /// English explanation.
        en: String,
    },
    /// A snapshot could not be read, or the output not written.
    Io(String),
    /// A snapshot changed between the two passes over it.
    Changed(Side),
}

impl DiffError {
    fn config(ja: impl Into<String>, en: impl Into<String>) -> Self {
        DiffError::Config {
            ja: ja.into(),
            en: en.into(),
        }
    }

    /// Japanese explanation.
    pub fn message_ja(&self) -> String {
        match self {
            DiffError::Config { ja, .. } => ja.clone(),
            DiffError::Io(e) => format!("読み書きできませんでした: {e}"),
            DiffError::Changed(side) => format!(
                "{} が読み取り中に変更されました。ファイルの書き出しが終わってから実行してください。",
                side.ja()
            ),
        }
    }

    /// English explanation.
    pub fn message_en(&self) -> String {
        match self {
            DiffError::Config { en, .. } => en.clone(),
            DiffError::Io(e) => format!("cannot read or write: {e}"),
            DiffError::Changed(side) => format!(
                "{} changed while it was being read; run again once it is completely written.",
                side.en()
            ),
        }
    }
}

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.message_ja(), self.message_en())
    }
}

impl std::error::Error for DiffError {}

// ---------------------------------------------------------------------------------------------
// State

/// One history row the state remembers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct UnitState {
    unit: u128,
    content: u64,
    key_start: u32,
    key_len: u32,
}

/// What `--state` keeps between days: per history row its row-key fingerprint, content
/// fingerprint and historyKey; per certificate the last sequence number; and the SHA-256 of
/// the snapshot it was written after. Fingerprints are derived from My Numbers: keep the file
/// as carefully as the snapshots.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiffState {
    scheme: Option<HistoryKeyScheme>,
    row_key: Option<RowKey>,
    snapshot_sha256: String,
    units: Vec<UnitState>,
    keys: String,
    counters: Vec<(u128, u32)>,
}

const STATE_MAGIC: &str = "pmhcsv-diff-state 1";

impl DiffState {
    /// Number of history rows remembered.
    pub fn len(&self) -> usize {
        self.units.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// SHA-256 of the snapshot the state was written after.
    pub fn snapshot_sha256(&self) -> &str {
        &self.snapshot_sha256
    }

    #[cfg(test)]
    fn find(&self, unit: u128) -> Option<&UnitState> {
        self.units
            .binary_search_by(|u| u.unit.cmp(&unit))
            .ok()
            .and_then(|i| self.units.get(i))
    }

    fn key_of(&self, u: &UnitState) -> &str {
        let s = u.key_start as usize;
        self.keys.get(s..s + u.key_len as usize).unwrap_or("")
    }

    fn counter(&self, cert: u128) -> u32 {
        self.counters
            .binary_search_by(|c| c.0.cmp(&cert))
            .map_or(0, |i| self.counters[i].1)
    }

    fn push(&mut self, unit: u128, content: u64, key: &str) {
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
            "{STATE_MAGIC}\nscheme {}\nrow-key {}\nsnapshot {}\nunits {}\n",
            self.scheme.map_or("hash", HistoryKeyScheme::as_str),
            self.row_key.map_or("period", RowKey::as_str),
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
    /// A [`DiffError::Config`] naming the line when the text is not such a state.
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
    state: DiffState,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Phase {
    #[default]
    Magic,
    Scheme,
    RowKey,
    Snapshot,
    UnitCount,
    Units,
    CounterCount,
    Counters,
    Done,
}

fn state_error(line: usize, why: &str) -> DiffError {
    DiffError::config(
        format!(
            "状態ファイルの {line} 行目を読めません（{why}）。pmhcsv diff が書いたファイルを指定してください。"
        ),
        format!("state file, line {line}: {why}; pass a file written by pmhcsv diff"),
    )
}

impl DiffStateReader {
    /// A reader at the start of a state file.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the next chunk.
    ///
    /// # Errors
    /// A [`DiffError::Config`] naming the first line that is not part of a state.
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
            return Err(state_error(self.line + 1, "the file ends early"));
        }
        let mut st = self.state;
        st.units.sort_by_key(|u| u.unit);
        st.counters.sort_by_key(|c| c.0);
        Ok(st)
    }

    fn take_line(&mut self, raw: &[u8]) -> Result<(), DiffError> {
        self.line += 1;
        let n = self.line;
        let bad = |why: &str| state_error(n, why);
        let line = std::str::from_utf8(raw)
            .map_err(|_| bad("not text"))?
            .trim_end_matches('\r');
        let value = |name: &str| -> Result<&str, DiffError> {
            line.strip_prefix(name)
                .and_then(|r| r.strip_prefix(' '))
                .ok_or_else(|| bad(&format!("expected `{name}`")))
        };
        let count = |name: &str| -> Result<usize, DiffError> {
            value(name)?.parse().map_err(|_| bad("bad count"))
        };
        match self.phase {
            Phase::Magic => {
                if line != STATE_MAGIC {
                    return Err(bad("not a pmhcsv diff state"));
                }
                self.phase = Phase::Scheme;
            }
            Phase::Scheme => {
                self.state.scheme = Some(
                    HistoryKeyScheme::parse(value("scheme")?)
                        .ok_or_else(|| bad("unknown scheme"))?,
                );
                self.phase = Phase::RowKey;
            }
            Phase::RowKey => {
                self.state.row_key =
                    Some(RowKey::parse(value("row-key")?).ok_or_else(|| bad("unknown row key"))?);
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
                    .ok_or_else(|| bad("bad row key"))?;
                let content = parts
                    .next()
                    .and_then(|p| u64::from_str_radix(p, 16).ok())
                    .ok_or_else(|| bad("bad content"))?;
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
                let (c, v) = line.split_once(' ').ok_or_else(|| bad("bad counter"))?;
                let c = u128::from_str_radix(c, 16).map_err(|_| bad("bad counter"))?;
                let v: u32 = v.parse().map_err(|_| bad("bad counter"))?;
                self.state.counters.push((c, v));
                self.remaining -= 1;
                if self.remaining == 0 {
                    self.phase = Phase::Done;
                }
            }
            Phase::Done => {
                if !line.is_empty() {
                    return Err(bad("text after the end of the state"));
                }
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// The diff

/// Counts of what was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DiffCounts {
    /// Registration records (new history rows).
    pub registered: u64,
    /// Update records.
    pub updated: u64,
    /// Deletion records.
    pub deleted: u64,
    /// History rows unchanged (nothing written).
    pub unchanged: u64,
    /// Rows not written because of a collision, an empty key or an unknown historyKey.
    pub skipped: u64,
}

/// The result of [`diff`].
#[derive(Debug, Clone)]
pub struct DiffOutcome {
    /// The check of `--from` (None when there was none).
    pub from: Option<Report>,
    /// The check of `--to`.
    pub to: Report,
    /// The check of the written diff file against the diff layout.
    pub output: Report,
    /// What was written.
    pub counts: DiffCounts,
    /// What the diff noticed.
    pub issues: Vec<DiffIssue>,
    /// The state to keep for the next run.
    pub state: DiffState,
}

/// One row of a snapshot between the passes.
#[derive(Debug, Clone, Copy)]
struct Entry {
    unit: u128,
    content: u64,
    /// Sheet row (header = 1): how the passes find the row again.
    row: u32,
    /// Index of the row key in the old state, [`NO_STATE`], or [`COLLIDED`].
    st: u32,
}

/// An [`Entry`] whose row key the state does not know.
const NO_STATE: u32 = u32::MAX;
/// An [`Entry`] of a row key that several rows of `to` share.
const COLLIDED: u32 = u32::MAX - 1;

/// Finds each entry's row key in the state by walking both in row-key order (no random
/// lookups: both are sorted).
fn attach(entries: &mut [Entry], state: Option<&DiffState>) {
    let Some(st) = state else { return };
    let mut i = 0usize;
    for e in entries {
        while st.units.get(i).is_some_and(|u| u.unit < e.unit) {
            i += 1;
        }
        if st.units.get(i).is_some_and(|u| u.unit == e.unit) {
            e.st = u32::try_from(i).unwrap_or(NO_STATE);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Action {
    None = 0,
    Register = 1,
    Update = 2,
}

/// The layout positions the diff needs.
struct Plan<'l> {
    full: &'l Layout,
    diff: &'l Layout,
    cfg: &'l DiffConfig,
    cert: Vec<usize>,
    valid_from: Option<usize>,
    /// For each diff field: where its value comes from.
    sources: Vec<Source>,
    key_length: usize,
}

#[derive(Debug, Clone)]
enum Source {
    Full(usize, Option<String>),
    HistoryKey,
    Deleted,
    Fill(String),
}

/// One visited row, reduced to what the passes need.
struct RowFacts {
    unit: Option<u128>,
    cert: u128,
    content: u64,
}

impl<'l> Plan<'l> {
    fn new(full: &'l Layout, diff: &'l Layout, cfg: &'l DiffConfig) -> Result<Self, DiffError> {
        let fk = full.key_index();
        if fk.certificate.is_empty() {
            return Err(DiffError::config(
                "全件レイアウトに受給者証を特定する項目 (keys.certificate) がありません。",
                "the full layout has no certificate key (keys.certificate)",
            ));
        }
        if cfg.row_key == RowKey::Period && fk.valid_from.is_none() {
            return Err(DiffError::config(
                "全件レイアウトに有効期間開始日 (keys.valid_from) がないため、--row-key period は使えません。",
                "the full layout has no keys.valid_from: --row-key period cannot be used",
            ));
        }
        let dk = diff.key_index();
        let Some(hk) = dk.history_key else {
            return Err(DiffError::config(
                format!(
                    "差分レイアウト {} に履歴キー (keys.history_key) がありません。--layout には差分履歴レイアウトを指定してください。",
                    diff.id
                ),
                format!(
                    "layout {} has no keys.history_key: --layout must be a diff-history layout",
                    diff.id
                ),
            ));
        };
        let deleted = diff
            .field_index(&cfg.deleted_field)
            .filter(|&i| diff.fields[i].value_type == ValueType::Boolean);
        let Some(deleted) = deleted else {
            return Err(DiffError::config(
                format!(
                    "差分レイアウト {} に削除フラグ「{}」(真偽値の項目) がありません。",
                    diff.id, cfg.deleted_field
                ),
                format!(
                    "layout {} has no boolean deletion flag '{}'",
                    diff.id, cfg.deleted_field
                ),
            ));
        };
        let hk_max = diff.fields[hk].length_bounds().1.map_or(64, |m| m as usize);
        let key_length = cfg.key_length.clamp(8, 64).min(hk_max);
        for (id, _) in &cfg.fills {
            if diff.field_index(id).is_none() {
                return Err(DiffError::config(
                    format!("--fill の項目 {id} は差分レイアウトにありません。"),
                    format!("--fill names field {id}, which is not in the diff layout"),
                ));
            }
        }
        let sources = diff
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                if i == hk {
                    Source::HistoryKey
                } else if i == deleted {
                    Source::Deleted
                } else {
                    let fill = cfg
                        .fills
                        .iter()
                        .find(|(id, _)| *id == f.id)
                        .map(|(_, v)| v.clone());
                    match full.field_index(&f.id) {
                        Some(j) => Source::Full(j, fill),
                        None => Source::Fill(fill.unwrap_or_default()),
                    }
                }
            })
            .collect();
        Ok(Self {
            full,
            diff,
            cfg,
            cert: fk.certificate,
            valid_from: fk.valid_from,
            sources,
            key_length,
        })
    }

    fn facts(&self, r: &RowView<'_>) -> RowFacts {
        let get = |i: usize| r.fields.get(i).map_or("", |v| trim_edges(v));
        let mut cert = Fingerprint::new(1);
        let mut any = false;
        for &i in &self.cert {
            any |= !get(i).is_empty();
            cert.add(get(i).as_bytes());
        }
        let mut unit = cert.clone();
        if self.cfg.row_key == RowKey::Period {
            unit.add(&[0x1E]);
            unit.add(self.valid_from.map_or("", get).as_bytes());
        }
        let mut content = Fingerprint::new(2);
        for v in r.fields {
            content.add(v.as_bytes());
        }
        for (name, value) in r.details {
            content.add(&[0x1D]);
            content.add(name.as_bytes());
            content.add(value.as_bytes());
        }
        RowFacts {
            unit: any.then(|| unit.finish128()),
            cert: cert.finish128(),
            content: content.finish64(),
        }
    }

    /// The `hash` / `period` historyKey of a row.
    fn hashed_key(&self, r: &RowView<'_>, with_content: bool) -> String {
        let get = |i: usize| r.fields.get(i).map_or("", |v| trim_edges(v));
        let mut h = Sha256Hasher::new();
        h.update(b"pmhcsv-history-key-v1");
        h.update(&[0x1E]);
        for &i in &self.cert {
            h.update(get(i).as_bytes());
            h.update(&[0x1F]);
        }
        h.update(&[0x1E]);
        h.update(self.valid_from.map_or("", get).as_bytes());
        if with_content {
            h.update(&[0x1E]);
            for v in r.fields {
                h.update(v.as_bytes());
                h.update(&[0x1F]);
            }
            for (name, value) in r.details {
                h.update(name.as_bytes());
                h.update(&[0x1D]);
                h.update(value.as_bytes());
                h.update(&[0x1F]);
            }
        }
        let hex = h.finish();
        hex[..self.key_length.min(hex.len())].to_owned()
    }

    /// A value of the full layout, converted to the diff dialect (booleans, dates).
    fn convert(&self, full_field: usize, value: &str) -> String {
        let (fd, dd) = (&self.full.dialect, &self.diff.dialect);
        let f = &self.full.fields[full_field];
        match f.value_type {
            ValueType::Boolean
                if fd.boolean_true != dd.boolean_true || fd.boolean_false != dd.boolean_false =>
            {
                let t = trim_edges(value);
                if t == fd.boolean_true {
                    dd.boolean_true.clone()
                } else if t == fd.boolean_false {
                    dd.boolean_false.clone()
                } else {
                    value.to_owned()
                }
            }
            ValueType::Date if fd.date_format != dd.date_format => {
                date::parse_with_format(trim_edges(value), fd.date_format.as_str())
                    .and_then(|d| date::format_date(d, dd.date_format.as_str()))
                    .unwrap_or_else(|| value.to_owned())
            }
            _ => value.to_owned(),
        }
    }
}

/// Detail (券面項目) columns of a report: names of the columns kept as 券面項目.
fn detail_names(r: &Report) -> Vec<String> {
    r.uses
        .iter()
        .zip(&r.headers)
        .filter(|(u, h)| **u == Use::Detail && !h.trim().is_empty())
        .map(|(_, h)| h.trim().to_owned())
        .collect()
}

/// Reads a snapshot through the checker, calling `visit` with every row.
fn pass(
    layout: &Layout,
    opts: &Options,
    snap: &mut dyn Snapshot,
    visit: &mut dyn FnMut(&RowView<'_>),
) -> Result<Report, DiffError> {
    let mut checker = Checker::new(layout, opts.clone());
    checker.set_visitor(Box::new(|r: RowView<'_>| visit(&r)));
    snap.read(&mut |chunk| checker.feed(chunk))
        .map_err(DiffError::Io)?;
    Ok(checker.finish())
}

/// Indexes one snapshot: one entry per row with a certificate key. Returns the check's
/// report, the entries sorted by row key, and the number of rows visited.
fn index(
    plan: &Plan<'_>,
    opts: &Options,
    snap: &mut dyn Snapshot,
    side: Side,
    issues: &mut Vec<DiffIssue>,
) -> Result<(Report, Vec<Entry>, u64), DiffError> {
    let mut entries = Vec::new();
    let mut empty: (Vec<u32>, u64) = (Vec::new(), 0);
    let mut visited = 0u64;
    let report = pass(plan.full, opts, snap, &mut |r| {
        visited += 1;
        let f = plan.facts(r);
        match f.unit {
            Some(unit) => entries.push(Entry {
                unit,
                content: f.content,
                row: r.row,
                st: NO_STATE,
            }),
            None => {
                if empty.0.len() < LISTED_ROWS {
                    empty.0.push(r.row);
                }
                empty.1 += 1;
            }
        }
    })?;
    if empty.1 > 0 {
        issues.push(DiffIssue::EmptyKey {
            side,
            rows: empty.0,
            count: empty.1,
        });
    }
    entries.sort_unstable_by_key(|e| (e.unit, e.row));
    Ok((report, entries, visited))
}

/// Reads a snapshot again, without checking it: the same decoding and records as the checker
/// ([`Front`]), the columns as the first pass mapped them, and `visit` called with exactly the
/// rows the checker visited. Returns the SHA-256 and the number of rows visited, so that the
/// caller can tell whether the file changed in between.
fn reread(
    layout: &Layout,
    first: &Report,
    snap: &mut dyn Snapshot,
    visit: &mut dyn FnMut(&RowView<'_>),
) -> Result<(String, u64), DiffError> {
    let n = layout.fields.len();
    let mut field_col: Vec<Option<usize>> = vec![None; n];
    let mut detail_cols = Vec::new();
    for (c, u) in first.uses.iter().enumerate() {
        match *u {
            Use::Field(f) if f < n && field_col[f].is_none() => field_col[f] = Some(c),
            Use::Detail if first.headers.get(c).is_some_and(|h| !h.trim().is_empty()) => {
                detail_cols.push(c);
            }
            _ => {}
        }
    }
    let headers: Vec<&str> = first.headers.iter().map(|h| h.trim()).collect();
    // Without a header row the checker reads no row.
    let readable = first.count(crate::findings::codes::Code::NoHeader) == 0;
    let mut row = 0u32;
    let mut header_seen = false;
    let mut visited = 0u64;
    let mut handle = |batch: &RecordBatch| {
        for rec in batch.records() {
            row = row.saturating_add(1);
            if rec.is_blank() {
                continue;
            }
            if !std::mem::replace(&mut header_seen, true) {
                continue;
            }
            if !readable || !rec.quotes_balanced() || rec.fields().all(str::is_empty) {
                continue;
            }
            let fields: Vec<&str> = field_col
                .iter()
                .map(|c| c.map_or("", |c| rec.field(c)))
                .collect();
            let details: Vec<(&str, &str)> = detail_cols
                .iter()
                .map(|&c| (headers.get(c).copied().unwrap_or(""), rec.field(c)))
                .collect();
            visited += 1;
            visit(&RowView {
                row,
                line: rec.line(),
                fields: &fields,
                details: &details,
            });
        }
    };
    let mut front = Front::new(layout.dialect.delimiter_byte());
    snap.read(&mut |chunk| {
        front.feed(chunk);
        let ready: Vec<RecordBatch> = front.take_ready().collect();
        for b in ready {
            handle(&b);
            front.recycle(b);
        }
    })
    .map_err(DiffError::Io)?;
    let (rest, summary) = front.finish();
    for b in &rest {
        handle(b);
    }
    Ok((summary.sha256, visited))
}

/// Groups of equal row keys in a sorted slice.
fn groups(v: &[Entry]) -> impl Iterator<Item = &[Entry]> {
    v.chunk_by(|a, b| a.unit == b.unit)
}

/// Writes diff records (and checks them against the diff layout as they go).
struct Writer<'a, 'l> {
    plan: &'a Plan<'l>,
    out: &'a mut dyn FnMut(&[u8]) -> Result<(), String>,
    checker: Checker<'l>,
    details: Vec<String>,
    buf: Vec<u8>,
    fills: Vec<u64>,
    error: Option<String>,
}

impl Writer<'_, '_> {
    fn flush(&mut self, force: bool) {
        if self.buf.len() < 1 << 16 && !force {
            return;
        }
        self.checker.feed(&self.buf);
        if self.error.is_none()
            && let Err(e) = (self.out)(&self.buf)
        {
            self.error = Some(e);
        }
        self.buf.clear();
    }

    fn header(&mut self) {
        let names: Vec<&str> = self.details.iter().map(String::as_str).collect();
        write::csv_header(&mut self.buf, self.plan.diff, &names);
    }

    fn record(&mut self, r: &RowView<'_>, key: &str, deleted: bool) {
        let plan = self.plan;
        let dd = &plan.diff.dialect;
        let mut values: Vec<String> = Vec::with_capacity(plan.sources.len() + self.details.len());
        for (i, s) in plan.sources.iter().enumerate() {
            values.push(match s {
                Source::HistoryKey => key.to_owned(),
                Source::Deleted => {
                    if deleted {
                        dd.boolean_true.clone()
                    } else {
                        dd.boolean_false.clone()
                    }
                }
                Source::Full(j, fill) => {
                    let v = r.fields.get(*j).copied().unwrap_or("");
                    match fill {
                        Some(fill) if trim_edges(v).is_empty() => {
                            self.fills[i] += 1;
                            fill.clone()
                        }
                        _ => plan.convert(*j, v),
                    }
                }
                Source::Fill(v) => {
                    if !v.is_empty() {
                        self.fills[i] += 1;
                    }
                    v.clone()
                }
            });
        }
        // 券面項目 by name (the n-th column of a name takes the row's n-th item of that name).
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut by_name: HashMap<(&str, usize), &str> = HashMap::new();
        for (name, value) in r.details {
            let n = seen.entry(name).or_default();
            by_name.insert((name, *n), value);
            *n += 1;
        }
        let mut seen_out: HashMap<&str, usize> = HashMap::new();
        for name in &self.details {
            let n = seen_out.entry(name.as_str()).or_default();
            values.push(
                by_name
                    .get(&(name.as_str(), *n))
                    .map_or(String::new(), |v| (*v).to_owned()),
            );
            *n += 1;
        }
        write::csv_row(&mut self.buf, plan.diff, values.iter().map(String::as_str));
        self.flush(false);
    }
}

/// The state of the previous run, if any.
pub enum StateInput<'a> {
    /// No state (the first run, or a scheme that needs none).
    None,
    /// A state already read.
    Loaded(&'a DiffState),
    /// A state file, read after the snapshots are indexed (less memory at the peak).
    Reader(&'a mut dyn Snapshot),
}

impl<'a> From<Option<&'a DiffState>> for StateInput<'a> {
    fn from(s: Option<&'a DiffState>) -> Self {
        s.map_or(StateInput::None, StateInput::Loaded)
    }
}

/// Makes the 差分履歴 records that turn `from` into `to` (see the module docs).
///
/// `full` reads the snapshots, `diff_layout` writes the records; `opts` are the checks applied
/// to the snapshots (masters, known insurer numbers). Without `from`, every row of `to` is a
/// registration (the first upload, or the 差分履歴リセット API). `out` receives the diff CSV in
/// chunks.
///
/// # Errors
/// [`DiffError`] when the layouts do not fit, a snapshot cannot be read or changes between
/// passes, or `out` fails. Problems of the data are [`DiffIssue`]s in the outcome.
#[expect(
    clippy::too_many_arguments,
    reason = "the inputs of one diff, each distinct"
)]
pub fn diff(
    full: &Layout,
    diff_layout: &Layout,
    opts: &Options,
    cfg: &DiffConfig,
    mut from: Option<&mut dyn Snapshot>,
    to: &mut dyn Snapshot,
    state: StateInput<'_>,
    out: &mut dyn FnMut(&[u8]) -> Result<(), String>,
) -> Result<DiffOutcome, DiffError> {
    let plan = Plan::new(full, diff_layout, cfg)?;
    if cfg.scheme == HistoryKeyScheme::Sequence
        && from.is_some()
        && matches!(state, StateInput::None)
    {
        return Err(DiffError::config(
            "履歴キー方式 sequence には前回の状態ファイル (--state) が必要です。初回は --from なしで実行して全件を登録し、状態ファイルを作ってください。",
            "the sequence scheme needs the previous state (--state); run the first time without --from to register everything and create it",
        ));
    }
    let mut issues = Vec::new();
    let missing: Vec<String> = full
        .fields
        .iter()
        .filter(|f| diff_layout.field_index(&f.id).is_none())
        .map(|f| f.id.clone())
        .collect();
    if !missing.is_empty() {
        issues.push(DiffIssue::FieldsNotInDiffLayout { fields: missing });
    }
    let mut check_opts = opts.clone();
    check_opts.output = None;
    check_opts.repair = false;
    check_opts.kind = crate::check::InputKind::Upload;

    // Pass 1 and 2: index both snapshots.
    let (from_report, y, y_visited) = match from.as_deref_mut() {
        Some(s) => {
            let (r, e, n) = index(&plan, &check_opts, s, Side::From, &mut issues)?;
            (Some(r), e, n)
        }
        None => (None, Vec::new(), 0),
    };
    let (to_report, t, t_visited) = index(&plan, &check_opts, to, Side::To, &mut issues)?;
    // The state is read only now, so that it does not add to the checker's memory.
    let owned;
    let state: Option<&DiffState> = match state {
        StateInput::None => None,
        StateInput::Loaded(s) => Some(s),
        StateInput::Reader(r) => {
            let mut reader = DiffStateReader::new();
            let mut result = Ok(());
            r.read(&mut |chunk| {
                if result.is_ok() {
                    result = reader.feed(chunk);
                }
            })
            .map_err(DiffError::Io)?;
            result?;
            owned = reader.finish()?;
            Some(&owned)
        }
    };
    if let Some(st) = state {
        if let Some(was) = st.scheme
            && was != cfg.scheme
        {
            issues.push(DiffIssue::StateSchemeChanged { was });
        }
        if let Some(was) = st.row_key
            && was != cfg.row_key
        {
            issues.push(DiffIssue::StateRowKeyChanged { was });
        }
        if let Some(fr) = &from_report
            && !st.snapshot_sha256.is_empty()
            && st.snapshot_sha256 != fr.sha256
        {
            issues.push(DiffIssue::StateFromOtherSnapshot);
        }
    }

    // Merge: one action per row of `to`, the deletions, and which state entries to carry.
    let (mut y, mut t) = (y, t);
    attach(&mut y, state);
    attach(&mut t, state);
    let mut t_act = vec![Action::None; t.iter().map(|e| e.row as usize + 1).max().unwrap_or(0)];
    let mut deletions: Vec<(u32, u32)> = Vec::new();
    let mut carried: Vec<u32> = Vec::new();
    let mut counts = DiffCounts::default();
    {
        let mut yi = groups(&y).peekable();
        let mut ti = 0usize;
        loop {
            let tg_len = t.get(ti).map_or(0, |f| {
                t[ti..].iter().take_while(|e| e.unit == f.unit).count()
            });
            let order = match (yi.peek(), t.get(ti)) {
                (None, None) => break,
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some(a), Some(b)) => a[0].unit.cmp(&b.unit),
            };
            let (yg, trange): (&[Entry], std::ops::Range<usize>) = match order {
                std::cmp::Ordering::Less => (yi.next().unwrap_or_default(), ti..ti),
                std::cmp::Ordering::Greater => (&[], ti..ti + tg_len),
                std::cmp::Ordering::Equal => (yi.next().unwrap_or_default(), ti..ti + tg_len),
            };
            ti = trange.end;
            let tg = &mut t[trange];
            let listed = |g: &[Entry]| g.iter().take(LISTED_ROWS).map(|e| e.row).collect();
            if tg.len() > 1 {
                issues.push(DiffIssue::Collision {
                    side: Side::To,
                    rows: listed(tg),
                    count: tg.len() as u64,
                    written: false,
                });
                counts.skipped += tg.len() as u64;
                if tg[0].st < COLLIDED {
                    carried.push(tg[0].st);
                }
                for e in tg.iter_mut() {
                    e.st = COLLIDED;
                }
                continue;
            }
            if yg.len() > 1 {
                issues.push(DiffIssue::Collision {
                    side: Side::From,
                    rows: listed(yg),
                    count: yg.len() as u64,
                    written: !tg.is_empty(),
                });
                match tg.first() {
                    Some(te) => t_act[te.row as usize] = Action::Update,
                    None => {
                        counts.skipped += yg.len() as u64;
                        if yg[0].st < COLLIDED {
                            carried.push(yg[0].st);
                        }
                    }
                }
                continue;
            }
            match (yg.first(), tg.first()) {
                (Some(ye), Some(te)) if ye.content == te.content => counts.unchanged += 1,
                (Some(_), Some(te)) => t_act[te.row as usize] = Action::Update,
                (None, Some(te)) => t_act[te.row as usize] = Action::Register,
                (Some(ye), None) => deletions.push((ye.row, ye.st)),
                (None, None) => {}
            }
        }
    }
    deletions.sort_unstable();
    let from_sha = from_report.as_ref().map(|r| r.sha256.clone());
    let to_sha = to_report.sha256.clone();
    drop(y);
    // `to`'s fingerprints, by row, for the last pass.
    t.sort_unstable_by_key(|e| e.row);

    // The output: header (券面項目 of `to`, then those only `from` has), deletions, then
    // registrations and updates.
    let mut details = detail_names(&to_report);
    if let Some(fr) = &from_report {
        let mut have: HashMap<String, usize> = HashMap::new();
        for d in &details {
            *have.entry(d.clone()).or_default() += 1;
        }
        let mut seen: HashMap<String, usize> = HashMap::new();
        for d in detail_names(fr) {
            let n = seen.entry(d.clone()).or_default();
            *n += 1;
            if *n > have.get(&d).copied().unwrap_or(0) {
                details.push(d);
            }
        }
    }
    let mut out_opts = check_opts.clone();
    out_opts.max_diagnostics = opts.max_diagnostics;
    let mut w = Writer {
        plan: &plan,
        out,
        checker: Checker::new(diff_layout, out_opts),
        details,
        buf: Vec::new(),
        fills: vec![0; diff_layout.fields.len()],
        error: None,
    };
    w.header();

    let mut new_state = DiffState {
        scheme: Some(cfg.scheme),
        row_key: Some(cfg.row_key),
        snapshot_sha256: to_sha.clone(),
        ..DiffState::default()
    };
    let mut counters: HashMap<u128, u32> = HashMap::new();
    let counter = |counters: &mut HashMap<u128, u32>, cert: u128| -> u32 {
        *counters
            .entry(cert)
            .or_insert_with(|| state.map_or(0, |s| s.counter(cert)))
    };

    // Pass 3: deletions from `from`.
    let mut unknown: (Vec<u32>, u64) = (Vec::new(), 0);
    if let (Some(s), Some(first)) = (from, from_report.as_ref()) {
        let w = RefCell::new(&mut w);
        let mut cursor = 0usize;
        let again = reread(plan.full, first, s, &mut |r| {
            while deletions.get(cursor).is_some_and(|d| d.0 < r.row) {
                cursor += 1;
            }
            if let Some(&(_, st)) = deletions.get(cursor).filter(|d| d.0 == r.row) {
                let known = state
                    .filter(|_| st < COLLIDED)
                    .and_then(|s| s.units.get(st as usize))
                    .map(|e| st_key(state, e));
                let key = known.or_else(|| match cfg.scheme {
                    HistoryKeyScheme::Hash => Some(plan.hashed_key(r, true)),
                    HistoryKeyScheme::Period => Some(plan.hashed_key(r, false)),
                    HistoryKeyScheme::Sequence => None,
                });
                match key {
                    Some(k) if !k.is_empty() => {
                        w.borrow_mut().record(r, &k, true);
                        counts.deleted += 1;
                    }
                    _ => {
                        if unknown.0.len() < LISTED_ROWS {
                            unknown.0.push(r.row);
                        }
                        unknown.1 += 1;
                        counts.skipped += 1;
                    }
                }
            }
        })?;
        if Some(&again.0) != from_sha.as_ref() || again.1 != y_visited {
            return Err(DiffError::Changed(Side::From));
        }
    }
    if unknown.1 > 0 {
        issues.push(DiffIssue::UnknownHistoryKey {
            rows: unknown.0,
            count: unknown.1,
        });
    }

    // Pass 4: registrations and updates from `to`, and the new state.
    let mut incomplete = 0u64;
    {
        let w = RefCell::new(&mut w);
        let mut cursor = 0usize;
        let again = reread(plan.full, &to_report, to, &mut |r| {
            let act = t_act.get(r.row as usize).copied().unwrap_or(Action::None);
            while t.get(cursor).is_some_and(|e| e.row < r.row) {
                cursor += 1;
            }
            let Some(&Entry {
                unit, content, st, ..
            }) = t.get(cursor).filter(|e| e.row == r.row)
            else {
                return; // no certificate key
            };
            if act == Action::None && !cfg.make_state {
                return;
            }
            let cert = if cfg.scheme == HistoryKeyScheme::Sequence {
                plan.facts(r).cert
            } else {
                0
            };
            let old = state
                .filter(|_| st < COLLIDED)
                .and_then(|s| s.units.get(st as usize));
            let key = match act {
                Action::Register | Action::Update => {
                    let key = match cfg.scheme {
                        HistoryKeyScheme::Hash => plan.hashed_key(r, true),
                        HistoryKeyScheme::Period => plan.hashed_key(r, false),
                        HistoryKeyScheme::Sequence => {
                            let n = counter(&mut counters, cert).saturating_add(1);
                            counters.insert(cert, n);
                            n.to_string()
                        }
                    };
                    w.borrow_mut().record(r, &key, false);
                    if act == Action::Register {
                        counts.registered += 1;
                    } else {
                        counts.updated += 1;
                    }
                    key
                }
                _ => match old {
                    Some(e) => st_key(state, e),
                    None => match cfg.scheme {
                        HistoryKeyScheme::Hash => plan.hashed_key(r, true),
                        HistoryKeyScheme::Period => plan.hashed_key(r, false),
                        HistoryKeyScheme::Sequence => {
                            if state.is_some() {
                                incomplete += 1;
                            }
                            String::new()
                        }
                    },
                },
            };
            if act == Action::None && st == COLLIDED {
                return; // a collision: the old state entry is carried below
            }
            if !cfg.make_state {
                return;
            }
            new_state.push(unit, content, &key);
            if cfg.scheme == HistoryKeyScheme::Sequence
                && let Ok(n) = key.parse::<u32>()
            {
                let c = counter(&mut counters, cert).max(n);
                counters.insert(cert, c);
            }
        })?;
        if again.0 != to_sha || again.1 != t_visited {
            return Err(DiffError::Changed(Side::To));
        }
    }
    if incomplete > 0 {
        issues.push(DiffIssue::StateIncomplete { count: incomplete });
    }
    w.flush(true);
    if let Some(e) = w.error.take() {
        return Err(DiffError::Io(e));
    }
    for (i, n) in w.fills.iter().enumerate() {
        if *n > 0 {
            let f = &diff_layout.fields[i];
            let value = match &plan.sources[i] {
                Source::Full(_, Some(v)) | Source::Fill(v) => v.clone(),
                _ => String::new(),
            };
            issues.push(DiffIssue::Filled {
                field: f.id.clone(),
                label: f.label_ja.clone(),
                value,
                count: *n,
            });
        }
    }
    let output = w.checker.finish();

    // State: carried entries of collided units, then sort; counters from the old state and
    // this run.
    if let Some(st) = state {
        for &i in &carried {
            if let Some(e) = st.units.get(i as usize) {
                let key = st.key_of(e).to_owned();
                new_state.push(e.unit, e.content, &key);
            }
        }
        for &(c, n) in &st.counters {
            counters.entry(c).or_insert(n);
        }
    }
    new_state.units.sort_by_key(|u| u.unit);
    new_state.units.dedup_by_key(|u| u.unit);
    let mut cs: Vec<(u128, u32)> = counters.into_iter().collect();
    cs.sort_unstable();
    new_state.counters = if cfg.scheme == HistoryKeyScheme::Sequence || state.is_some() {
        cs
    } else {
        Vec::new()
    };
    Ok(DiffOutcome {
        from: from_report,
        to: to_report,
        output,
        counts,
        issues,
        state: new_state,
    })
}

fn st_key(state: Option<&DiffState>, e: &UnitState) -> String {
    state.map_or(String::new(), |s| s.key_of(e).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable() {
        // Stored in state files: these values must never change.
        let mut f = Fingerprint::new(1);
        f.add(b"123456789018");
        assert_eq!(f.finish128(), 0xb665_923a_82db_ddeb_be30_5b7c_1f40_38bb);
        let mut g = Fingerprint::new(2);
        g.add(b"");
        assert_eq!(format!("{:016x}", g.finish64()), "d2d279f1c3b21b01");
    }

    #[test]
    fn state_round_trips() {
        let mut s = DiffState {
            scheme: Some(HistoryKeyScheme::Sequence),
            row_key: Some(RowKey::Period),
            snapshot_sha256: "ab".repeat(32),
            ..DiffState::default()
        };
        s.push(7, 9, "3");
        s.push(1, 2, "abc");
        s.units.sort_by_key(|u| u.unit);
        s.counters = vec![(5, 3)];
        let text = s.to_text();
        let back = DiffState::from_text(&text).unwrap();
        assert_eq!(back.to_text(), text);
        assert_eq!(back.find(7).map(|e| back.key_of(e)), Some("3"));
        assert_eq!(back.counter(5), 3);
        let err = DiffState::from_text("pmhcsv-diff-state 1\nscheme nope\n").unwrap_err();
        assert!(err.message_ja().contains("2 行目"), "{}", err.message_ja());
        assert!(DiffState::from_text("hello").is_err());
        assert!(
            DiffState::from_text(&text[..text.len() - 3]).is_err(),
            "truncated"
        );
        // Fed in any chunking.
        for size in [1, 7, 64] {
            let mut r = DiffStateReader::new();
            for c in text.as_bytes().chunks(size) {
                r.feed(c).unwrap();
            }
            assert_eq!(r.finish().unwrap(), back);
        }
    }
}
