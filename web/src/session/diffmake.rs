//! 「差分履歴ファイルを作る」: the 差分履歴 upload made from the previous and the current 全件
//! files and the state file the clerk keeps — the very call `pmhcsv diff` makes with its
//! defaults (`DiffConfig::default()`: historyKey `hash`, one row per certificate and validity
//! start, the deletion guard), so the page's file is byte for byte the CLI's. The files made
//! wait here until the clerk saves them; nothing is stored in the browser.

use pmh_core::diff::{Bytes, DeletionLimit, DiffConfig, DiffError, Snapshot, StateInput};

use super::*;
use crate::protocol::DiffMadeView;

/// The files of the last 差分履歴 made, waiting to be saved.
#[derive(Debug, Default)]
pub struct DiffFiles {
    /// The current 全件 file's name (the downloads are named after it).
    to_name: String,
    /// The 差分履歴 CSV.
    csv: Vec<u8>,
    /// The state file for the next run.
    state: Vec<u8>,
}

/// The inputs of one 差分履歴.
#[derive(Debug, Clone, Copy)]
pub struct DiffInputs<'a> {
    /// The previous 全件 file (name, bytes); `None` the first time.
    pub from: Option<(&'a str, &'a [u8])>,
    /// The current 全件 file (name, bytes).
    pub to: (&'a str, &'a [u8]),
    /// The state file kept since the last run.
    pub state: Option<&'a [u8]>,
    /// The clerk confirmed the deletions the guard refused.
    pub allow_deletions: bool,
}

impl Session {
    /// Makes the 差分履歴 file (kept for [`Session::diff_download`]) and says what happened.
    /// The 全件 files are read with the built-in 全件 layout and the masters in use, and the
    /// text encoding is detected, as `pmhcsv diff` reads them.
    pub fn make_diff(&mut self, inputs: &DiffInputs<'_>) -> DiffMadeView {
        self.diff_files = None;
        let full = Layout::full();
        let diff_layout = Layout::diff();
        let cfg = DiffConfig {
            max_deletions: if inputs.allow_deletions {
                DeletionLimit::None
            } else {
                DeletionLimit::Default
            },
            ..DiffConfig::default()
        };
        let opts = Options {
            masters: self.masters.clone(),
            ..Options::default()
        };
        // The state is read by the diff itself, as `pmhcsv diff --state` has it read.
        let mut state = inputs.state.map(Bytes);
        let mut csv = Vec::new();
        let mut from = inputs.from.map(|(_, b)| Bytes(b));
        let result = pmh_core::diff::diff(
            &full,
            &diff_layout,
            &opts,
            &cfg,
            from.as_mut().map(|f| f as &mut dyn Snapshot),
            &mut Bytes(inputs.to.1),
            match state.as_mut() {
                Some(s) => StateInput::Reader(s),
                None => StateInput::None,
            },
            &mut |b| {
                csv.extend_from_slice(b);
                Ok(())
            },
        );
        let outcome = match result {
            Ok(o) => o,
            Err(
                e @ DiffError::TooManyDeletions {
                    deletions,
                    previous,
                    ..
                },
            ) => {
                return DiffMadeView {
                    deletions: Some((deletions, previous)),
                    ..refused(&e)
                };
            }
            Err(e) => return refused(&e),
        };
        let both = |f: &dyn Fn(pmh_core::Lang) -> String| {
            Msg::new(f(pmh_core::Lang::Ja), f(pmh_core::Lang::En))
        };
        let c = outcome.counts;
        let view = DiffMadeView {
            refused: None,
            deletions: None,
            registered: c.registered,
            updated: c.updated,
            deleted: c.deleted,
            unchanged: c.unchanged,
            skipped: c.skipped,
            issues: outcome
                .issues
                .iter()
                .map(|i| (both(&|l| i.message(l)), i.is_error()))
                .collect(),
            from_errors: outcome.from.as_ref().map(|r| r.errors),
            to_errors: outcome.to.errors,
            output_errors: outcome.output_errors(),
            state_rows: outcome.state.len() as u64,
            ok: outcome.fit_to_upload(),
        };
        self.diff_files = Some(DiffFiles {
            to_name: inputs.to.0.to_owned(),
            csv,
            state: outcome.state.to_text().into_bytes(),
        });
        view
    }

    /// A file of the last 差分履歴 made: (name, MIME type, bytes).
    ///
    /// # Errors
    /// No 差分履歴 was made (or the last attempt was refused).
    pub fn diff_download(
        &self,
        kind: DownloadKind,
        lang: Lang,
    ) -> Result<(String, &'static str, Vec<u8>), WorkerError> {
        let files = self.diff_files.as_ref().ok_or(WorkerError::NoDiffMade)?;
        let stem = export::file_stem(&InputSource::File {
            name: files.to_name.clone(),
        });
        let name = text::download_name(lang, kind, &stem);
        match kind {
            DownloadKind::DiffState => Ok((name, "text/plain", files.state.clone())),
            _ => Ok((name, "text/csv", files.csv.clone())),
        }
    }
}

fn refused(e: &DiffError) -> DiffMadeView {
    DiffMadeView {
        refused: Some(text::core_error(text::CoreError::Diff(e))),
        ..DiffMadeView::default()
    }
}
