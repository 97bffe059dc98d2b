//! The validation worker's job: input bytes in, a result out, progress along the way.
//!
//! This module is pure (no browser APIs), so it runs in the worker and in native unit tests
//! alike. [`run_check`] is the single place where the worker hands input to `pmh_core`.

use serde::{Deserialize, Serialize};

/// How far a job has got, in input bytes. `done <= total` always holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Bytes processed so far.
    pub done: u64,
    /// Bytes in the whole input.
    pub total: u64,
}

/// The field separator seen in the first line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delimiter {
    /// Tab: cells copied from Excel arrive like this.
    Tab,
    /// Comma: a CSV file.
    Comma,
    /// Neither appears in the first line.
    None,
}

/// What the placeholder check reports about an input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputStats {
    /// Size of the input in bytes, including any byte order mark.
    pub bytes: u64,
    /// Number of lines; a last line without a line break counts too.
    pub lines: u64,
    /// Number of fields in the first line (0 for empty input).
    pub columns: u32,
    /// Separator detected in the first line.
    pub delimiter: Delimiter,
}

/// Input is processed (and progress reported) in chunks of at least this many bytes.
const MIN_CHUNK: usize = 64 * 1024;

/// Progress is reported at most about this many times per job.
const MAX_PROGRESS_REPORTS: usize = 100;

/// Checks one input and reports progress through `on_progress`.
///
/// `on_progress` is called at least once, and the last call has `done == total`.
///
/// PLACEHOLDER — THE `pmh_core` CALL GOES HERE. For now this only counts bytes, lines and
/// header columns, so that the worker pipeline (boot, messages, progress, results) can be
/// built and tested end to end while the core validation API is being written. When it lands,
/// replace the body with the core's streaming checker (feed `chunk`s, return its `Report`) and
/// change `InputStats` in the protocol to the report type.
pub fn run_check(input: &[u8], on_progress: &mut dyn FnMut(Progress)) -> InputStats {
    let total = input.len() as u64;
    let chunk_len = MIN_CHUNK.max(input.len().div_ceil(MAX_PROGRESS_REPORTS));
    let mut lines = 0u64;
    let mut done = 0u64;
    for chunk in input.chunks(chunk_len) {
        lines += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
        done += chunk.len() as u64;
        on_progress(Progress { done, total });
    }
    if input.is_empty() {
        on_progress(Progress { done: 0, total: 0 });
    }
    if input.last().is_some_and(|&b| b != b'\n') {
        lines += 1;
    }
    let (columns, delimiter) = header_shape(input);
    InputStats {
        bytes: total,
        lines,
        columns,
        delimiter,
    }
}

/// Counts the fields of the first line and names its separator (ignores quoting).
fn header_shape(input: &[u8]) -> (u32, Delimiter) {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let end = input
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .unwrap_or(input.len());
    let first = &input[..end];
    if first.is_empty() {
        return (0, Delimiter::None);
    }
    let count = |sep: u8| first.iter().filter(|&&b| b == sep).count();
    let (tabs, commas) = (count(b'\t'), count(b','));
    let (separators, delimiter) = if tabs > 0 {
        (tabs, Delimiter::Tab)
    } else if commas > 0 {
        (commas, Delimiter::Comma)
    } else {
        (0, Delimiter::None)
    };
    (u32::try_from(separators + 1).unwrap_or(u32::MAX), delimiter)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &[u8]) -> (InputStats, Vec<Progress>) {
        let mut seen = Vec::new();
        let stats = run_check(input, &mut |p| seen.push(p));
        (stats, seen)
    }

    #[test]
    fn counts_tsv_pasted_from_excel() {
        let (stats, progress) = check("氏名\t個人番号\n山田\t123456789018\r\n".as_bytes());
        assert_eq!(stats.lines, 2);
        assert_eq!(stats.columns, 2);
        assert_eq!(stats.delimiter, Delimiter::Tab);
        assert_eq!(stats.bytes, 41);
        assert_eq!(
            progress.last(),
            Some(&Progress {
                done: 41,
                total: 41
            })
        );
    }

    #[test]
    fn last_line_without_break_counts_and_bom_is_skipped() {
        let (stats, _) = check(b"\xEF\xBB\xBFa,b,c\r\n1,2,3");
        assert_eq!(stats.lines, 2);
        assert_eq!((stats.columns, stats.delimiter), (3, Delimiter::Comma));
    }

    #[test]
    fn empty_input_reports_once() {
        let (stats, progress) = check(b"");
        assert_eq!((stats.lines, stats.columns), (0, 0));
        assert_eq!(progress, vec![Progress { done: 0, total: 0 }]);
    }

    #[test]
    fn progress_is_monotonic_and_bounded() {
        let input = vec![b'x'; 10 * 1024 * 1024 + 7];
        let (_, progress) = check(&input);
        assert!(progress.len() <= MAX_PROGRESS_REPORTS + 1);
        assert!(progress.windows(2).all(|w| w[0].done < w[1].done));
        assert_eq!(progress.last().map(|p| p.done), Some(input.len() as u64));
    }
}
