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

mod run;
pub use run::*;
mod state;
pub use state::*;
#[cfg(test)]
mod tests;
