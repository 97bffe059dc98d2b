//! Every user-visible sentence of the web app, in Japanese and English.
//!
//! Translators review this one file: components never spell out UI text themselves, they ask
//! for a [`Text`] (fixed wording) or call one of the formatting functions below (wording with
//! numbers in it). Japanese is the default language.

use crate::job::{Delimiter, InputStats};
use crate::protocol::InputSource;
use crate::state::JobError;

/// The language the UI is shown in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// 日本語 (default).
    #[default]
    Ja,
    /// English.
    En,
}

impl Lang {
    /// Both languages, in the order the toggle shows them.
    pub const ALL: [Lang; 2] = [Lang::Ja, Lang::En];

    /// BCP 47 tag for the `lang` attribute of `<html>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// The language's own name, as the toggle button shows it.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Ja => "日本語",
            Lang::En => "English",
        }
    }

    /// Picks the Japanese or the English variant.
    pub fn pick<T>(self, ja: T, en: T) -> T {
        match self {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }
}

/// A fixed piece of UI text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Text {
    /// Page title and main heading.
    Title,
    /// The privacy promise, shown near the top of the page.
    Privacy,
    /// Accessible label of the language toggle group.
    LanguageLabel,
    /// Heading of the input section.
    InputHeading,
    /// Text inside the file drop area.
    DropHint,
    /// Text above the file picker button.
    PickFile,
    /// The file picker button.
    PickButton,
    /// Heading of the paste area.
    PasteHeading,
    /// Placeholder text of the paste area.
    PastePlaceholder,
    /// Button that sends the paste area's text to the checker.
    PasteSubmit,
    /// Heading of the results section.
    ResultsHeading,
    /// Results section before any input was given.
    NoInputYet,
    /// Status while the worker boots.
    WorkerStarting,
    /// Status once the worker answered.
    WorkerReady,
    /// Status when the worker could not be started.
    WorkerFailed,
    /// Label of the progress bar.
    Checking,
    /// Status while a dropped or picked file is read.
    ReadingFile,
}

impl Text {
    /// Every variant, for completeness tests.
    pub const ALL: &'static [Text] = &[
        Text::Title,
        Text::Privacy,
        Text::LanguageLabel,
        Text::InputHeading,
        Text::DropHint,
        Text::PickFile,
        Text::PickButton,
        Text::PasteHeading,
        Text::PastePlaceholder,
        Text::PasteSubmit,
        Text::ResultsHeading,
        Text::NoInputYet,
        Text::WorkerStarting,
        Text::WorkerReady,
        Text::WorkerFailed,
        Text::Checking,
        Text::ReadingFile,
    ];

    /// The text in `lang`.
    pub fn get(self, lang: Lang) -> &'static str {
        let (ja, en) = match self {
            Text::Title => (
                "PMH 医療費助成 アップロードファイル作成",
                "PMH medical subsidy upload file builder",
            ),
            Text::Privacy => (
                "このページはインターネットに接続せず、データはこのパソコンの外に送信されません。",
                "This page does not connect to the internet, and your data never leaves this computer.",
            ),
            Text::LanguageLabel => ("表示言語", "Language"),
            Text::InputHeading => ("1. データを読み込む", "1. Load your data"),
            Text::DropHint => (
                "ファイル（.csv / .tsv / .xlsx）をここにドロップ",
                "Drop a file (.csv / .tsv / .xlsx) here",
            ),
            Text::PickFile => ("または", "or"),
            Text::PickButton => ("ファイルを選択…", "Choose a file…"),
            Text::PasteHeading => ("Excel から貼り付け", "Paste from Excel"),
            Text::PastePlaceholder => (
                "Excel で見出し行を含むセル範囲をコピーし、ここに貼り付けてください（Ctrl+V）。",
                "Copy the cells in Excel, including the header row, and paste them here (Ctrl+V).",
            ),
            Text::PasteSubmit => ("貼り付けた内容を確認", "Check pasted data"),
            Text::ResultsHeading => ("2. 確認結果", "2. Results"),
            Text::NoInputYet => (
                "まだデータが読み込まれていません。",
                "No data has been loaded yet.",
            ),
            Text::WorkerStarting => ("確認機能を準備しています…", "Starting the checker…"),
            Text::WorkerReady => ("確認機能の準備ができました。", "The checker is ready."),
            Text::WorkerFailed => (
                "確認機能を開始できませんでした。ページを再読み込みしてください。",
                "The checker could not be started. Please reload the page.",
            ),
            Text::Checking => ("確認中", "Checking"),
            Text::ReadingFile => ("ファイルを読み込んでいます…", "Reading the file…"),
        };
        lang.pick(ja, en)
    }
}

/// Formats `n` with thousands separators (`12345` → `12,345`), as both languages write it.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Describes where an input came from: 「貼り付け」 or the file name.
pub fn source_name(lang: Lang, source: &InputSource) -> String {
    match source {
        InputSource::Paste => lang.pick("貼り付けたデータ", "Pasted data").to_owned(),
        InputSource::File { name } => {
            lang.pick(format!("ファイル「{name}」"), format!("File “{name}”"))
        }
    }
}

/// Progress line: 「確認中… 1,024 / 4,096 バイト（25%）」.
pub fn progress(lang: Lang, done: u64, total: u64) -> String {
    let percent = done.saturating_mul(100).checked_div(total).unwrap_or(100);
    let (done, total) = (group_thousands(done), group_thousands(total));
    lang.pick(
        format!("確認中… {done} / {total} バイト（{percent}%）"),
        format!("Checking… {done} / {total} bytes ({percent}%)"),
    )
}

/// One-line summary of a finished check.
pub fn stats_summary(lang: Lang, stats: &InputStats) -> String {
    let bytes = group_thousands(stats.bytes);
    let lines = group_thousands(stats.lines);
    let columns = group_thousands(u64::from(stats.columns));
    let delimiter = match (stats.delimiter, lang) {
        (Delimiter::Tab, Lang::Ja) => "タブ区切り",
        (Delimiter::Tab, Lang::En) => "tab-separated",
        (Delimiter::Comma, Lang::Ja) => "カンマ区切り",
        (Delimiter::Comma, Lang::En) => "comma-separated",
        (Delimiter::None, Lang::Ja) => "区切りなし",
        (Delimiter::None, Lang::En) => "no delimiter",
    };
    lang.pick(
        format!("{bytes} バイト、{lines} 行、見出し {columns} 列（{delimiter}）を受け取りました。"),
        format!("Received {bytes} bytes, {lines} lines, {columns} header columns ({delimiter})."),
    )
}

/// Elapsed time line: 「処理時間 12 ms」.
pub fn elapsed(lang: Lang, ms: u64) -> String {
    let ms = group_thousands(ms);
    lang.pick(format!("処理時間 {ms} ms"), format!("Took {ms} ms"))
}

/// Explains why a check did not finish.
pub fn job_error(lang: Lang, error: &JobError) -> String {
    match error {
        JobError::ReadFailed(detail) => lang.pick(
            format!("ファイルを読み込めませんでした（{detail}）。"),
            format!("The file could not be read ({detail})."),
        ),
        JobError::WorkerCrashed => lang.pick(
            "確認中に内部エラーが発生しました。もう一度お試しください。データは送信されていません。",
            "An internal error occurred while checking. Please try again. No data was sent anywhere.",
        )
        .to_owned(),
        JobError::Worker(detail) => lang.pick(
            format!("確認できませんでした（{detail}）。"),
            format!("The check failed ({detail})."),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_has_both_languages() {
        for text in Text::ALL {
            for lang in Lang::ALL {
                assert!(!text.get(lang).trim().is_empty(), "{text:?} {lang:?}");
            }
            assert_ne!(text.get(Lang::Ja), text.get(Lang::En), "{text:?}");
        }
    }

    #[test]
    fn japanese_is_the_default() {
        assert_eq!(Lang::default(), Lang::Ja);
        assert_eq!(
            Text::Title.get(Lang::default()),
            "PMH 医療費助成 アップロードファイル作成"
        );
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1,000");
        assert_eq!(group_thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn progress_handles_empty_input() {
        assert_eq!(progress(Lang::En, 0, 0), "Checking… 0 / 0 bytes (100%)");
        assert_eq!(
            progress(Lang::Ja, 512, 2048),
            "確認中… 512 / 2,048 バイト（25%）"
        );
    }
}
