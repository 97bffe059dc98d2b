//! Every user-visible sentence of the web app, in Japanese and English.
//!
//! Translators review this one file: components never spell out UI text themselves, they ask
//! for a [`Text`] (fixed wording) or call one of the formatting functions below (wording with
//! numbers in it). Messages about findings come from `pmh_core` (both languages at once).
//! Japanese is the default language.

use pmh_core::Masters;

use pmh_core::TextEncoding;

use crate::error::{AppError, Notice, WorkerError};
use crate::protocol::{DownloadKind, Filter, InputSource, Msg, Phase, Sev};
use crate::state::{Busy, Task, UploadSaved};

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

    /// The text of a two-language message.
    pub fn msg(self, m: &Msg) -> &str {
        self.pick(&m.ja, &m.en)
    }
}

macro_rules! texts {
    ($($(#[doc = $doc:literal])* $name:ident => ($ja:literal, $en:literal),)*) => {
        /// A fixed piece of UI text.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Text { $($(#[doc = $doc])* $name,)* }

        impl Text {
            /// Every variant, for completeness tests.
            pub const ALL: &'static [Text] = &[$(Text::$name,)*];

            /// The text in `lang`.
            pub fn get(self, lang: Lang) -> &'static str {
                match self { $(Text::$name => lang.pick($ja, $en),)* }
            }
        }
    };
}

texts! {
    /// Page title and main heading.
    Title => ("PMH 医療費助成 アップロードファイル作成", "PMH medical subsidy upload file builder"),
    /// The privacy promise, shown near the top of the page.
    Privacy => (
        "このページはインターネットに接続せず、データはこのパソコンの外に送信されません。",
        "This page does not connect to the internet, and your data never leaves this computer."
    ),
    /// Accessible label of the language toggle group.
    LanguageLabel => ("表示言語", "Language"),
    /// Accessible label of the step list.
    StepsLabel => ("手順", "Steps"),
    /// The button removing the session's data from the page and memory.
    ClearData => ("データを消去", "Clear data"),
    /// Asked before clearing.
    ClearDataQuestion => (
        "読み込んだデータ、確認結果、変更、前回アップロードしたファイルを、このページとメモリからすべて消去しますか？（保存した対応付けは残ります）",
        "Remove the data, results, changes and the previous upload file from this page and memory? (Saved mappings stay.)"
    ),
    /// After clearing.
    DataCleared => ("データを消去しました。", "The data was cleared."),
    /// Download of the municipality master template.
    MasterTemplate => ("制度マスタの雛形を保存", "Save the master template"),
    /// Step 1.
    StepInput => ("1. 設定と読み込み", "1. Settings and data"),
    /// Step 2.
    StepMapping => ("2. 列の対応付け", "2. Column mapping"),
    /// Step 3.
    StepResults => ("3. 確認・修正・ダウンロード", "3. Check, fix and download"),
    /// Step 2 after a mapping change: the results shown before no longer apply.
    ResultsOutdated => ("対応付けを変えたため、前の確認結果（3. 確認・修正・ダウンロード）は使えません。「この対応付けで確認する」で確認し直してください。", "The mapping changed, so the earlier results (step 3) no longer apply. Check again with this mapping."),
    /// Heading of the settings.
    SettingsHeading => ("レコードレイアウトと制度マスタ", "Record layout and municipality master"),
    /// Label of the layout choice.
    LayoutLabel => ("レコードレイアウト", "Record layout"),
    /// 全件.
    LayoutFull => ("全件（全受給者）", "Full (all recipients)"),
    /// 差分履歴.
    LayoutDiff => ("差分履歴", "Difference history"),
    /// A layout file.
    LayoutCustom => ("レイアウトファイル", "Layout file"),
    /// Button to load a layout file.
    LayoutFilePick => (
        "レイアウトファイル（ベンダーから受け取った .toml 形式の様式定義）を読み込む…",
        "Load a layout file (a .toml record layout from your vendor)…"
    ),
    /// Label of the master files.
    MastersLabel => ("制度マスタ（任意）", "Municipality master (optional)"),
    /// Button to load master files.
    MastersPick => ("制度マスタ（.csv）を読み込む…", "Load master files (.csv)…"),
    /// Button to remove master files.
    MastersClear => ("制度マスタを外す", "Remove the master"),
    /// Label of the encoding choice.
    EncodingLabel => ("文字コード（CSV・TSV・貼り付け）", "Text encoding (CSV, TSV, paste)"),
    /// Under the encoding choice.
    EncodingHelp => (
        "通常は「自動判別」のままにしてください。判別できないと表示されたときだけ、元のシステムの文字コードを選んでから読み込み直してください。",
        "Leave it on \"Detect\" unless the page says the encoding cannot be told; then choose the encoding of the source system and load the file again."
    ),
    /// Label of the previous upload.
    PreviousLabel => ("前回アップロードしたファイル（任意）", "The file uploaded last time (optional)"),
    /// Button to load the previous upload.
    PreviousPick => ("前回アップロードしたファイルを読み込む…", "Load the file uploaded last time…"),
    /// What the previous upload is for.
    PreviousHint => (
        "今回のファイルと比べて、追加・変更・削除される受給者証を示します。全件連携では、ファイルにない受給者証は PMH から削除されます。",
        "Shows which certificates are added, changed and deleted compared with this file. In a full upload, PMH deletes every certificate the file lacks."
    ),
    /// Button to remove the previous upload.
    PreviousClear => ("前回のファイルを外す", "Remove the previous file"),
    /// Heading of the comparison on the results screen.
    PreviousHeading => ("前回アップロードしたファイルとの比較", "Compared with the previous upload"),
    /// Nothing changed since the previous upload.
    PreviousNothingChanged => ("前回から変更はありません。アップロードは不要です。", "Nothing changed since the previous upload. No upload is needed."),
    /// List heading: removed certificates.
    PreviousRemovedList => ("削除される受給者証（前回ファイルの行）", "Certificates PMH will delete (rows of the previous file)"),
    /// List heading: added certificates.
    PreviousAddedList => ("追加される受給者証", "Certificates added"),
    /// List heading: changed certificates.
    PreviousChangedList => ("変更される受給者証", "Certificates changed"),
    /// Label of the official template.
    TemplateLabel => ("公式テンプレート（任意）", "The official template (optional)"),
    /// Button to load the official template.
    TemplatePick => ("公式テンプレートを読み込む…", "Load the official template…"),
    /// What the official template is for.
    TemplateHint => (
        "ファイル設計書の【3】CSVサンプル（.xlsx）か、PMH に受け付けられた CSV を選ぶと、その見出し行（列名と並び、券面項目）をそのまま使ってアップロード用ファイルを作ります。見本の行は読み込みません。列名だけをこのブラウザーに保存します。",
        "Choose the ファイル設計書's 【3】CSVサンプル (.xlsx) or a CSV PMH accepted: its header row (names, order, certificate items) is used as it is for the upload file. Sample rows are not read. Only the column names are kept in this browser."
    ),
    /// Button to forget the template.
    TemplateForget => ("テンプレートを使わない（保存を削除）", "Stop using the template (delete it)"),
    /// The derived layout was stored.
    TemplateSaved => ("公式テンプレートの列名をこのブラウザーに保存しました（データは保存していません）。", "The template's column names were saved in this browser (no data was saved)."),
    /// Heading of 「差分履歴ファイルを作る」.
    DiffMakerHeading => ("2つの全件ファイルから差分履歴ファイルを作る", "Make the diff-history file from two full files"),
    /// What 「差分履歴ファイルを作る」 does.
    DiffMakerHint => (
        "差分履歴連携の自治体向けです。前回と今回の全件ファイル（PMH の全件レイアウトの CSV）を比べて、登録・更新・削除のレコードだけの差分履歴ファイルを作ります（pmhcsv diff と同じ結果です）。状態ファイルには前回までに作った履歴キーが入っています。作るたびに新しい状態ファイルを保存し、次回はそれを読み込んでください。ファイルはこのパソコンの外には送られず、ブラウザーにも保存されません。",
        "For municipalities that upload diff history. Compares the previous and the current full files (CSV in PMH's full layout) and writes only the registration, update and deletion records (the same result as pmhcsv diff). The state file holds the history keys made so far: save the new one every time and load it next time. Nothing leaves this PC or is stored in the browser."
    ),
    /// Label: the previous full file.
    DiffFromLabel => ("前回の全件ファイル（初回は不要）", "The previous full file (not needed the first time)"),
    /// Label: the current full file.
    DiffToLabel => ("今回の全件ファイル", "The current full file"),
    /// Label: the state file.
    DiffStateLabel => ("状態ファイル（前回保存したもの。初回は不要）", "The state file (saved last time; not needed the first time)"),
    /// Button: pick a file.
    DiffPick => ("ファイルを選ぶ…", "Choose a file…"),
    /// Button: remove a file.
    DiffClear => ("外す", "Remove"),
    /// Button: make the diff-history file.
    DiffMake => ("差分履歴ファイルを作る", "Make the diff-history file"),
    /// The current full file is missing.
    DiffNeedsTo => ("今回の全件ファイルを選んでください。", "Choose the current full file."),
    /// Button: save the diff-history CSV.
    DiffSaveCsv => ("差分履歴ファイルを保存", "Save the diff-history file"),
    /// Button: save the state file.
    DiffSaveState => ("新しい状態ファイルを保存（次回使います）", "Save the new state file (needed next time)"),
    /// Nothing changed: no upload.
    DiffNothingChanged => ("前回から変更はありません。アップロードは不要です（差分履歴ファイルは見出し行だけです）。", "Nothing changed since the previous file. No upload is needed (the diff-history file holds the header row only)."),
    /// The file is fit to upload.
    DiffOk => ("この差分履歴ファイルはアップロードできます。状態ファイルも必ず保存してください。", "This diff-history file can be uploaded. Save the state file too."),
    /// The file is not fit to upload.
    DiffNotOk => ("このままではアップロードできません。下の注意と、元の全件ファイルのエラーを直してから作り直してください。", "Not fit to upload as it is: fix what the notes below and the full files' errors say, then make it again."),
    /// Heading of the notes.
    DiffNotes => ("注意", "Notes"),
    /// When the reset API is needed.
    DiffResetHint => (
        "受給者証サブキーや履歴キーの付け方を変えたとき（業者の変更、全件連携からの切り替え、別の設定で作った状態ファイル）は、最初のアップロードを差分履歴リセット API で行う必要があります。それまでに登録した情報は強制的に失効します（S00G-E11/E12）。",
        "When the numbering of the certificate sub-key or the history keys changes (a new vendor, a switch from full uploads, a state file made with other settings), the first upload must go through the diff-history reset API, which forcibly expires what was registered before (S00G-E11/E12)."
    ),
    /// Heading of the input section.
    InputHeading => ("データを読み込む", "Load your data"),
    /// Text inside the file drop area.
    DropHint => ("ファイル（.csv / .tsv / .xlsx）をここにドロップ", "Drop a file (.csv / .tsv / .xlsx) here"),
    /// Text above the file picker button.
    PickFile => ("または", "or"),
    /// The file picker button.
    PickButton => ("ファイルを選択…", "Choose a file…"),
    /// Encodings understood.
    EncodingsHint => (
        "CSV は UTF-8・Shift_JIS・EUC-JP・UTF-16 のどれでも読めます。",
        "CSV may be UTF-8, Shift_JIS, EUC-JP or UTF-16."
    ),
    /// Heading of the paste area.
    PasteHeading => ("Excel から貼り付け", "Paste from Excel"),
    /// Placeholder text of the paste area.
    PastePlaceholder => (
        "Excel で見出し行を含むセル範囲をコピーし、ここに貼り付けてください（Ctrl+V）。",
        "Copy the cells in Excel, including the header row, and paste them here (Ctrl+V)."
    ),
    /// Button that sends the paste area's text.
    PasteSubmit => ("入力した内容を読み込む", "Load the typed text"),
    /// Status while the worker boots.
    WorkerStarting => ("確認機能を準備しています…", "Starting the checker…"),
    /// Status once the worker answered.
    WorkerReady => ("確認機能の準備ができました。", "The checker is ready."),
    /// Status when the worker could not be started.
    WorkerFailed => (
        "確認機能を開始できませんでした。ページを再読み込みしてください。",
        "The checker could not be started. Please reload the page."
    ),
    /// Label of the progress bar.
    Working => ("処理中", "Working"),
    /// Dismiss a message.
    Close => ("閉じる", "Close"),
    /// Heading of the mapping step.
    MappingHeading => ("列の対応付け", "Column mapping"),
    /// What the mapping step is for.
    MappingIntro => (
        "元データの各列が PMH のどの項目にあたるかを確認してください。自動で照合した結果を、一覧で直せます。",
        "Check which PMH field each column of your data holds. The automatic matching can be corrected below."
    ),
    /// Column header: column letter.
    ColLetter => ("列", "Col."),
    /// Column header: source header.
    ColHeader => ("元データの見出し", "Header in your data"),
    /// Column header: samples.
    ColSamples => ("値の例", "Sample values"),
    /// Column header: target.
    ColTarget => ("PMH の項目", "PMH field"),
    /// Target: keep as a certificate item.
    TargetDetail => ("受給者証券面項目として残す", "Keep as a certificate item"),
    /// Target: ignore.
    TargetIgnore => ("使わない（出力しない）", "Do not use (leave out)"),
    /// Group label of the fields in the dropdown.
    FieldsGroup => ("PMH の項目", "PMH fields"),
    /// Marker of a required field.
    Required => ("必須", "required"),
    /// A column without a header.
    NoHeader => ("（見出しなし）", "(no header)"),
    /// Saved mappings label.
    SavedLabel => ("保存した対応付け", "Saved mappings"),
    /// The automatic matching, in the saved mappings list.
    SavedAuto => ("（自動で照合）", "(automatic matching)"),
    /// Button: delete the saved mapping.
    SavedDelete => ("この保存を削除", "Delete this saved mapping"),
    /// Name field label.
    MappingName => ("保存する名前", "Name to save as"),
    /// Save button.
    MappingSave => ("この対応付けを保存", "Save this mapping"),
    /// Export button.
    MappingExport => ("JSON ファイルに書き出す", "Export as JSON"),
    /// Import button.
    MappingImport => ("JSON ファイルを読み込む…", "Import JSON…"),
    /// What is saved.
    MappingSaveHint => (
        "保存されるのは列の見出しと項目の対応だけで、データは保存されません（このパソコンのブラウザ内に保存）。",
        "Only the column headers and their fields are saved, never data (in this computer's browser)."
    ),
    /// Run the check.
    RunCheck => ("この対応付けで確認する", "Check with this mapping"),
    /// Back to the input step.
    BackToInput => ("データを読み込み直す", "Load other data"),
    /// Sheet label.
    SheetLabel => ("シート", "Sheet"),
    /// The default sheet.
    SheetDefault => ("（最初に表示されるシート）", "(first visible sheet)"),
    /// Heading of the results.
    ResultsHeading => ("確認結果", "Results"),
    /// Upload ready.
    VerdictReady => ("アップロードできます（エラーはありません）", "Ready to upload (no errors)"),
    /// No errors, but the previous upload given could not be compared with this file.
    VerdictNotCompared => (
        "まだアップロードできません：前回アップロードしたファイルと比べられませんでした（理由は下の「前回アップロードしたファイルとの比較」にあります）",
        "Not ready to upload: the previous upload could not be compared with this file (the reason is under “Compared with the previous upload” below)"
    ),
    /// Label of the counts by code.
    ByCode => ("種類別の件数", "Findings by code"),
    /// Filter label.
    FilterLabel => ("表示する行", "Rows shown"),
    /// Filter: all.
    FilterAll => ("すべての行", "All rows"),
    /// Filter: problems.
    FilterProblems => ("エラー・警告のある行", "Rows with errors or warnings"),
    /// Filter: errors.
    FilterErrors => ("エラーのある行", "Rows with errors"),
    /// Undo button.
    Undo => ("元に戻す", "Undo"),
    /// Back to the mapping.
    BackToMapping => ("対応付けを変更", "Edit mapping"),
    /// Downloads heading.
    Downloads => ("ダウンロード", "Downloads"),
    /// Upload CSV.
    DownloadUpload => ("アップロード用 CSV", "Upload CSV"),
    /// JSON body.
    DownloadJson => ("API 用 JSON", "API JSON body"),
    /// Report CSV.
    DownloadReport => ("確認結果 CSV（Excel 用）", "Findings CSV (for Excel)"),
    /// Change log.
    DownloadLog => ("変更履歴 CSV", "Change log CSV"),
    /// Heading of the help-desk copy and the receipt.
    DownloadsMore => ("ヘルプデスク・記録", "Help desk and records"),
    /// The anonymised copy for the help desk.
    DownloadHelpdesk => ("ヘルプデスク用に匿名化して保存", "Save anonymised copy for the help desk"),
    /// What the anonymised copy is.
    HelpdeskNote => (
        "個人番号・氏名・カナ・住所・生年月日を架空の値に置き換えた写しです。指摘はすべて元と同じです。このアプリでの修正は含みません（読み込んだファイルを匿名化します）。",
        "My Numbers, names, kana, addresses and birth dates are replaced by synthetic values; every finding stays the same. Edits made here are not included (the file is anonymised as loaded)."
    ),
    /// The anonymised copy of a workbook.
    HelpdeskNoteWorkbook => (
        "Excel ファイルは、読み込んだシートを CSV にしたものを匿名化します。",
        "For an Excel workbook, the copy is a CSV of the sheet read."
    ),
    /// The receipt.
    DownloadReceipt => ("確認の記録（JSON）", "Receipt (JSON)"),
    /// What the receipt is.
    ReceiptNote => (
        "ツールとレイアウトの版、ファイルの SHA-256（ファイルの指紋：内容が1文字でも違えば変わる値）、文字コード、行数、コード別の件数、日時の記録です（データの値は含みません）。",
        "Tool and layout versions, the file's SHA-256 (its fingerprint: it changes if a single character differs), encoding, row counts, findings by code and the time (no values from the data)."
    ),
    /// Confirm: the previous upload could not be compared.
    ConfirmNotCompared => (
        "前回アップロードしたファイルと比べられなかったため、このファイルで PMH から削除される受給者証の数を確かめていません。前回のファイルを選び直すか外してから確認するのが安全です。",
        "The previous upload could not be compared, so how many certificates this file deletes at PMH was not checked. It is safer to choose the previous file again, or remove it, and check again."
    ),
    /// Confirm: go ahead.
    ConfirmYes => ("このままダウンロードする", "Download anyway"),
    /// Confirm: cancel.
    ConfirmNo => ("やめる", "Cancel"),
    /// Grid label.
    GridLabel => ("データ（行番号は Excel と同じ）", "Data (row numbers as in Excel)"),
    /// Keyboard help of the grid.
    GridHelp => (
        "矢印キーで移動、Shift+矢印（Shift+クリック）で範囲を選択。文字を打つと置き換え、Enter または F2 で編集、Enter で確定、Esc で取り消し。Delete で消去、Ctrl+C でコピー、Ctrl+V で貼り付け、Ctrl+D で上のセルを下へコピー、Ctrl+Z で元に戻す。",
        "Arrow keys move, Shift+arrows (Shift+click) select a range. Typing replaces, Enter or F2 edits, Enter confirms, Esc cancels. Delete clears, Ctrl+C copies, Ctrl+V pastes, Ctrl+D fills down, Ctrl+Z undoes."
    ),
    /// Row number column.
    RowHeader => ("行", "Row"),
    /// Nothing to show.
    NoRows => ("表示する行はありません。", "No rows to show."),
    /// Loading rows.
    LoadingRows => ("読み込み中…", "Loading…"),
    /// Label of the cell editor.
    EditLabel => ("セルの値", "Cell value"),
    /// Heading of the cell panel.
    CellHeading => ("選択中のセル", "Selected cell"),
    /// No cell selected.
    NoCell => (
        "表のセルを選ぶと、ここに指摘と修正方法が表示されます。",
        "Select a cell in the table to see its findings and how to fix them."
    ),
    /// No findings in the cell.
    CellClean => ("このセルに指摘はありません。", "No findings in this cell."),
    /// How to fix.
    Fix => ("修正方法", "How to fix"),
    /// Apply one repair.
    ApplyRepair => ("この修正案を適用", "Apply this repair"),
    /// The upload file already carries this repair.
    RepairAuto => (
        "この修正はアップロード用ファイルでは自動で行われます。元データの値も直すには「適用」を押してください。",
        "The upload file gets this repair automatically. Apply it to change the value in your data too."
    ),
    /// A proposal.
    RepairProposal => (
        "修正案です。自動では直しません。正しければ「適用」を押してください。",
        "A proposal: not applied automatically. Apply it if it is right."
    ),
    /// Findings list heading.
    FindingsHeading => ("指摘一覧", "Findings"),
    /// All codes in the list.
    ListAllCodes => ("すべての指摘", "All findings"),
    /// Previous page.
    PagePrev => ("前へ", "Previous"),
    /// Next page.
    PageNext => ("次へ", "Next"),
    /// Findings about the whole file.
    FileFindings => ("ファイル全体についての指摘", "About the whole file"),
    /// No findings at all.
    NoFindings => ("指摘はありません。", "No findings."),
    /// Severity: error.
    SevError => ("エラー", "Error"),
    /// Severity: warning.
    SevWarning => ("警告", "Warning"),
    /// Severity: info.
    SevInfo => ("情報", "Info"),
    /// Show only this code.
    ShowCode => ("この種類の行だけ表示", "Show only these rows"),
    /// Truncated findings.
    Truncated => (
        "指摘が多いため、表に色が付くのは最初の 1,000,000 件までです（件数は正確です）。",
        "There are so many findings that only the first 1,000,000 are marked in the table (counts are exact)."
    ),
    /// Layout in use.
    LayoutInUse => ("レイアウト", "Layout"),
    /// Master in use.
    MasterInUse => ("制度マスタ", "Master"),
    /// Deleted notice.
    Deleted => ("保存した対応付けを削除しました。", "The saved mapping was deleted."),
    /// Imported notice.
    Imported => ("対応付けファイルを読み込みました。", "The mapping file was imported."),
    /// A name is needed to save.
    NameNeeded => ("保存する名前を入力してください。", "Enter a name to save the mapping under."),
    /// Storage not available.
    StorageFailed => (
        "このブラウザでは保存できませんでした（保存領域が使えません）。JSON ファイルに書き出してください。",
        "The mapping could not be saved in this browser (storage unavailable). Export it as JSON instead."
    ),
    /// Settings changed after load.
    ConfigChanged => (
        "設定を変更しました。列の対応付けを確認して、もう一度確認してください。",
        "Settings changed. Review the column mapping and check again."
    ),
    /// Asked before a new input replaces edited data.
    DiscardChanges => (
        "変更したデータは、新しいデータを読み込むと失われます。必要なら先に「アップロード用 CSV」や「変更履歴 CSV」を保存してください。新しいデータを読み込みますか？",
        "Your changes are lost when new data is loaded. Save the upload CSV or the change log first if you need them. Load the new data?"
    ),
    /// The worker died; its data is gone.
    WorkerPanicked => (
        "確認中に内部エラーが発生しました。お手数ですが、データをもう一度読み込んでください。データはどこにも送信されていません。",
        "An internal error occurred while checking. Please load the data again. No data was sent anywhere."
    ),
    /// A column kept as a certificate-face item, in the change log.
    CertificateItem => ("受給者証券面項目", "certificate item"),
    /// A cell without a value, in the side panel.
    EmptyValue => ("（空）", "(empty)"),
    /// Column header label in the grid for ignored columns.
    Ignored => ("使わない", "not used"),
    /// Column header label in the grid for certificate items.
    DetailItem => ("券面項目", "certificate item"),
    /// A row-level finding.
    WholeRow => ("行全体", "whole row"),
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

/// Describes where an input came from: 「貼り付けたデータ」 or the file name.
pub fn source_name(lang: Lang, source: &InputSource) -> String {
    match source {
        InputSource::Paste => lang.pick("貼り付けたデータ", "Pasted data").to_owned(),
        InputSource::File { name } => {
            lang.pick(format!("ファイル「{name}」"), format!("File “{name}”"))
        }
    }
}

/// The label of a severity.
pub fn severity(lang: Lang, s: Sev) -> &'static str {
    match s {
        Sev::Error => Text::SevError.get(lang),
        Sev::Warning => Text::SevWarning.get(lang),
        Sev::Info => Text::SevInfo.get(lang),
    }
}

/// The progress line of a long job: 「確認中… 12,000 / 100,000 行（12%）」.
pub fn busy_line(lang: Lang, busy: &Busy) -> String {
    if busy.reading {
        return lang
            .pick("ファイルを読み込んでいます…", "Reading the file…")
            .to_owned();
    }
    let percent = busy
        .done
        .saturating_mul(100)
        .checked_div(busy.total)
        .unwrap_or(0);
    let (done, total) = (group_thousands(busy.done), group_thousands(busy.total));
    match (busy.phase, &busy.task) {
        (Some(Phase::Converting), _) => lang
            .pick(
                "Excel ファイルを変換しています…",
                "Converting the Excel workbook…",
            )
            .to_owned(),
        (Some(Phase::Reading), _) => lang.pick(
            format!("データを読み込んでいます… {done} / {total} バイト（{percent}%）"),
            format!("Reading the data… {done} / {total} bytes ({percent}%)"),
        ),
        (Some(Phase::Checking), _) => lang.pick(
            format!("確認しています… {done} / {total} 行（{percent}%）"),
            format!("Checking… {done} / {total} rows ({percent}%)"),
        ),
        (Some(Phase::Building), _) => lang.pick(
            format!("ファイルを作成しています… {percent}%"),
            format!("Making the file… {percent}%"),
        ),
        (None, Task::Load(_)) => lang.pick("読み込んでいます…", "Loading…").to_owned(),
        (None, Task::Check) => lang.pick("確認しています…", "Checking…").to_owned(),
        (_, Task::Download(DownloadKind::Helpdesk)) => lang
            .pick(
                "匿名化して、確認結果が元と同じかを確かめています…",
                "Anonymising, and checking that the findings stay the same…",
            )
            .to_owned(),
        (None, Task::Download(_)) => lang
            .pick("ファイルを作成しています…", "Making the file…")
            .to_owned(),
        (None, Task::MakeDiff) => lang
            .pick(
                "差分履歴ファイルを作成しています…",
                "Making the diff-history file…",
            )
            .to_owned(),
        (None, Task::Change) => lang
            .pick(
                "修正を適用して確認し直しています…",
                "Applying the repairs and checking again…",
            )
            .to_owned(),
    }
}

/// `n` and an English noun, plural when `n` is not 1: `1 error`, `2 errors`.
pub fn count_en(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", group_thousands(n), if n == 1 { one } else { many })
}

/// The verdict when the data has no error but PMH would delete more certificates than the
/// limit allows (compared with the previous upload).
pub fn verdict_deletions(lang: Lang, removed: u64) -> String {
    let removed = group_thousands(removed);
    lang.pick(
        format!("このままアップロードすると PMH から受給者証 {removed}件が削除されます（前回アップロードしたファイルとの比較）"),
        format!("Uploading this file deletes {removed} certificates at PMH (compared with the previous upload)"),
    )
}

/// The verdict while errors remain.
pub fn verdict_not_ready(lang: Lang, errors: u64, rows: u64) -> String {
    // Errors of the file as a whole (a missing column …) are in no row: no 「（0 行）」.
    if rows == 0 {
        return lang.pick(
            format!(
                "まだアップロードできません：ファイル全体のエラー {} 件を直してください",
                group_thousands(errors)
            ),
            format!(
                "Not ready to upload: fix {} in the file as a whole",
                count_en(errors, "error", "errors")
            ),
        );
    }
    match lang {
        Lang::Ja => format!(
            "まだアップロードできません：エラー {} 件（{} 行）を直してください",
            group_thousands(errors),
            group_thousands(rows)
        ),
        Lang::En => format!(
            "Not ready to upload: fix {} ({})",
            count_en(errors, "error", "errors"),
            count_en(rows, "row", "rows")
        ),
    }
}

/// The counts line of the summary.
pub fn counts_line(lang: Lang, rows: u64, errors: u64, warnings: u64, infos: u64) -> String {
    match lang {
        Lang::Ja => {
            let [rows, errors, warnings, infos] =
                [rows, errors, warnings, infos].map(group_thousands);
            format!(
                "データ {rows} 行 ／ エラー {errors} 件 ／ 警告 {warnings} 件 ／ 情報 {infos} 件"
            )
        }
        Lang::En => format!(
            "{} / {} / {} / {} info",
            count_en(rows, "data row", "data rows"),
            count_en(errors, "error", "errors"),
            count_en(warnings, "warning", "warnings"),
            group_thousands(infos)
        ),
    }
}

/// The facts line of the summary: input, layout, master, time.
pub fn facts_line(lang: Lang, source: &str, layout: &str, master: &str, time: &str) -> String {
    lang.pick(
        format!("{source} ／ レイアウト：{layout} ／ 制度マスタ：{master} ／ {time}"),
        format!("{source} / Layout: {layout} / Master: {master} / {time}"),
    )
}

/// What the mapping screen shows about the input.
pub fn preview_line(
    lang: Lang,
    source: &InputSource,
    rows: u64,
    columns: usize,
    encoding: &Msg,
) -> String {
    let name = source_name(lang, source);
    let rows = group_thousands(rows);
    let enc = lang.msg(encoding);
    // A workbook has no text encoding (the empty message): none is reported.
    if enc.is_empty() {
        return lang.pick(
            format!("{name}：データ {rows} 行、{columns} 列（Excel ブック）"),
            format!("{name}: {rows} data rows, {columns} columns (Excel workbook)"),
        );
    }
    lang.pick(
        format!("{name}：データ {rows} 行、{columns} 列（文字コード {enc}）"),
        format!("{name}: {rows} data rows, {columns} columns (encoding {enc})"),
    )
}

/// The saved mapping applied.
pub fn saved_applied(lang: Lang, name: &str) -> String {
    lang.pick(
        format!("保存した対応付け「{name}」を使っています（変更できます）。"),
        format!("Using the saved mapping “{name}” (you can change it)."),
    )
}

/// Required fields without a column.
pub fn missing_required(lang: Lang, labels: &[String]) -> String {
    lang.pick(
        format!("必須項目で、対応する列がないもの：{}", labels.join("、")),
        format!("Required fields without a column: {}", labels.join(", ")),
    )
}

/// A field held by several columns.
pub fn conflict(lang: Lang, label: &str, letters: &[String]) -> String {
    lang.pick(
        format!(
            "「{label}」に複数の列（{}）が対応しています。1つにしてください。",
            letters.join("、")
        ),
        format!(
            "Several columns ({}) are mapped to “{label}”; keep one.",
            letters.join(", ")
        ),
    )
}

/// A near-match suggestion.
pub fn suggestion(lang: Lang, label: &str) -> String {
    lang.pick(format!("「{label}」では？"), format!("“{label}”?"))
}

/// The button applying a suggestion.
pub fn use_suggestion(lang: Lang, label: &str) -> String {
    lang.pick(format!("「{label}」にする"), format!("Use “{label}”"))
}

/// Filter option for one code.
pub fn filter_code(lang: Lang, code: &str, title: &Msg) -> String {
    lang.pick(
        format!("{code}（{}）のある行", title.ja),
        format!("Rows with {code} ({})", title.en),
    )
}

/// The label of a filter in the status line.
pub fn filter_name(lang: Lang, filter: &Filter) -> String {
    match filter {
        Filter::All => Text::FilterAll.get(lang).to_owned(),
        Filter::Problems => Text::FilterProblems.get(lang).to_owned(),
        Filter::Errors => Text::FilterErrors.get(lang).to_owned(),
        Filter::Code(code) => lang.pick(format!("{code} のある行"), format!("Rows with {code}")),
    }
}

/// Rows in the current view.
pub fn rows_shown(lang: Lang, total: u32) -> String {
    match lang {
        Lang::Ja => format!("{} 行", group_thousands(u64::from(total))),
        Lang::En => count_en(u64::from(total), "row", "rows"),
    }
}

/// The button applying a repair everywhere.
pub fn apply_all(lang: Lang, code: &str, count: u64) -> String {
    let count = group_thousands(count);
    lang.pick(
        format!("{code} の修正案をすべて適用（{count} 件）"),
        format!("Apply every {code} repair ({count})"),
    )
}

/// Milliseconds: one decimal below 10.
fn ms(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.1}")
    } else {
        group_thousands(v.round() as u64)
    }
}

/// After a paste into the grid: what did not fit below the last row or right of the last
/// column, and was not pasted. The grid has no row to add, so the clerk adds the recipients to
/// her file (or pastes them onto rows of their own) and loads it again.
pub fn paste_left_out(lang: Lang, left: crate::protocol::LeftOut) -> String {
    let cells = group_thousands(u64::from(left.cells));
    let (rows, cols) = (left.rows, left.cols);
    match lang {
        Lang::Ja => {
            let what = match (rows > 0, cols > 0) {
                (true, true) => format!("下の {rows} 行と右の {cols} 列"),
                (true, false) => format!("下の {rows} 行"),
                _ => format!("右の {cols} 列"),
            };
            format!(
                "貼り付けた範囲のうち{what}（{cells} セル）は表に入りきらないため、貼り付けていません。アップロード用のファイルにも入りません。受給者を足すときは、元のファイルに行を足してから読み込み直してください。"
            )
        }
        Lang::En => {
            let what = match (rows > 0, cols > 0) {
                (true, true) => format!(
                    "{} below and {} to the right",
                    count_en(u64::from(rows), "row", "rows"),
                    count_en(u64::from(cols), "column", "columns")
                ),
                (true, false) => format!("{} below", count_en(u64::from(rows), "row", "rows")),
                _ => format!(
                    "{} to the right",
                    count_en(u64::from(cols), "column", "columns")
                ),
            };
            format!(
                "The pasted block did not fit: {what} ({}) were not pasted and are not in the upload file. To add recipients, add rows to the source file and load it again.",
                count_en(u64::from(left.cells), "cell", "cells")
            )
        }
    }
}

/// The last change.
pub fn last_change(lang: Lang, cells: u32, millis: f64) -> String {
    let t = ms(millis);
    match lang {
        Lang::Ja => format!("{cells} セルを変更し、{t} ms で確認し直しました。"),
        Lang::En => format!(
            "Changed {} and re-checked in {t} ms.",
            count_en(u64::from(cells), "cell", "cells")
        ),
    }
}

/// Changes so far.
pub fn changes(lang: Lang, n: u32) -> String {
    match lang {
        Lang::Ja => format!("変更 {n} 件"),
        Lang::En => count_en(u64::from(n), "change", "changes"),
    }
}

/// Check time.
pub fn check_time(lang: Lang, worker_ms: f64, page_ms: u64) -> String {
    let (worker, page) = (ms(worker_ms), group_thousands(page_ms));
    lang.pick(
        format!("確認時間 {worker} ms（画面表示まで {page} ms）"),
        format!("Checked in {worker} ms ({page} ms until shown)"),
    )
}

/// Where a finding is: 「12 行 C 列（個人番号）」.
pub fn place(lang: Lang, row: Option<u32>, col: Option<u32>, field: Option<&Msg>) -> String {
    let letter = col.map(pmh_core::column_letter);
    let field = field.map(|f| lang.msg(f).to_owned());
    let mut parts = Vec::new();
    if let Some(r) = row {
        parts.push(lang.pick(format!("{r} 行"), format!("row {r}")));
    }
    if let Some(l) = letter {
        parts.push(lang.pick(format!("{l} 列"), format!("column {l}")));
    }
    let mut s = parts.join(lang.pick(" ", ", "));
    if let Some(f) = field {
        if s.is_empty() {
            s = f;
        } else {
            s = lang.pick(format!("{s}（{f}）"), format!("{s} ({f})"));
        }
    }
    s
}

/// Where a finding about two cells of a row is: 「5 行 T・U 列」.
pub fn place_two(lang: Lang, row: Option<u32>, first: u32, second: u32) -> String {
    let (a, b) = (
        pmh_core::column_letter(first),
        pmh_core::column_letter(second),
    );
    let cols = lang.pick(format!("{a}・{b} 列"), format!("columns {a} and {b}"));
    match row {
        Some(r) => lang.pick(format!("{r} 行 {cols}"), format!("row {r}, {cols}")),
        None => cols,
    }
}

/// The page range of the findings list: 「1–50 / 120 件」.
pub fn page_range(lang: Lang, offset: u32, shown: usize, total: u32) -> String {
    let from = if shown == 0 { 0 } else { offset + 1 };
    let to = offset + shown as u32;
    let total = group_thousands(u64::from(total));
    lang.pick(
        format!("{from}–{to} ／ {total} 件"),
        format!("{from}–{to} of {total}"),
    )
}

/// Asks before downloading with errors left.
pub fn confirm_download(lang: Lang, kind: DownloadKind, errors: u64, rows: u64) -> String {
    let (errors, rows) = (group_thousands(errors), group_thousands(rows));
    let what = match kind {
        DownloadKind::UploadJson => lang.pick("API 用 JSON", "the API JSON body"),
        _ => lang.pick("アップロード用 CSV", "the upload CSV"),
    };
    lang.pick(
        format!("エラーが {errors} 件（{rows} 行）残っています。このまま{what}をダウンロードすると、PMH で受け付けられない可能性があります。ダウンロードしますか？"),
        format!("{errors} errors remain ({rows} rows). If you download {what} now, PMH may reject it. Download anyway?"),
    )
}

/// The comparison's counts: 追加 / 変更 / 削除 / 変更なし.
pub fn previous_counts(lang: Lang, p: &crate::protocol::PreviousView) -> String {
    let g = group_thousands;
    lang.pick(
        format!(
            "受給者証: 前回 {}件 → 今回 {}件　追加 {}件 / 変更 {}件 / 削除 {}件 / 変更なし {}件",
            g(p.previous_certificates),
            g(p.current_certificates),
            g(p.added),
            g(p.changed),
            g(p.removed),
            g(p.unchanged)
        ),
        format!(
            "Certificates: previous {} → now {}　added {} / changed {} / removed {} / unchanged {}",
            g(p.previous_certificates),
            g(p.current_certificates),
            g(p.added),
            g(p.changed),
            g(p.removed),
            g(p.unchanged)
        ),
    )
}

/// What 「公式テンプレートを読み込む」 made of a template: columns mapped, 券面 items, what
/// could not be mapped, required fields it lacks, and the ignored sample rows.
pub fn template_summary(name: &str, r: &pmh_core::template::TemplateReport) -> Msg {
    use pmh_core::template::TemplateColumn as C;
    let fields = r
        .columns
        .iter()
        .filter(|c| matches!(c, C::Field { .. }))
        .count();
    let items = r
        .columns
        .iter()
        .filter(|c| matches!(c, C::CertificateItem))
        .count();
    let unmapped: Vec<&str> = r
        .columns
        .iter()
        .zip(&r.headers)
        .filter(|(c, _)| matches!(c, C::Unmapped { .. }))
        .map(|(_, h)| h.as_str())
        .collect();
    let missing: Vec<&str> = r.missing_required.iter().map(|(_, l)| l.as_str()).collect();
    let mut ja = format!(
        "公式テンプレート「{name}」の見出し行（{} 行目）を使います：項目 {fields} 列、券面項目 {items} 列。見本の行 {} 行は読み込んでいません。",
        r.header_row, r.sample_rows
    );
    let mut en = format!(
        "Using the header row (row {}) of the official template “{name}”: {fields} field columns, {items} certificate items. Its {} sample rows were not read.",
        r.header_row, r.sample_rows
    );
    if !unmapped.is_empty() {
        ja.push_str(&format!(
            "項目が分からない列（確認せずそのまま使います）：{}。",
            unmapped.join("、")
        ));
        en.push_str(&format!(
            " Columns matching no field (used unchecked): {}.",
            unmapped.join(", ")
        ));
    }
    if !missing.is_empty() {
        ja.push_str(&format!(
            "テンプレートにない必須項目（列を追加しました）：{}。",
            missing.join("、")
        ));
        en.push_str(&format!(
            " Required fields the template lacks (columns added): {}.",
            missing.join(", ")
        ));
    }
    Msg::new(ja, en)
}

/// A template layout restored from the browser.
pub fn template_restored(name: &str) -> Msg {
    Msg::new(
        format!("前回読み込んだ公式テンプレート「{name}」の列名と並びを使います。"),
        format!(
            "Using the column names and order of the official template “{name}” loaded before."
        ),
    )
}

/// What the 差分履歴 file holds.
pub fn diff_counts(lang: Lang, v: &crate::protocol::DiffMadeView) -> String {
    let g = group_thousands;
    lang.pick(
        format!(
            "登録 {}件 / 更新 {}件 / 削除 {}件（変更なし {}件、出力しなかった行 {}件）",
            g(v.registered),
            g(v.updated),
            g(v.deleted),
            g(v.unchanged),
            g(v.skipped)
        ),
        format!(
            "{} registered / {} updated / {} deleted ({} unchanged, {} rows not written)",
            g(v.registered),
            g(v.updated),
            g(v.deleted),
            g(v.unchanged),
            g(v.skipped)
        ),
    )
}

/// Errors found in the 全件 files and in the file written.
pub fn diff_errors(lang: Lang, v: &crate::protocol::DiffMadeView) -> String {
    let g = group_thousands;
    let from = v.from_errors.map(g);
    match lang {
        Lang::Ja => format!(
            "エラー: 前回の全件ファイル {}、今回の全件ファイル {}件、差分履歴ファイル {}件",
            from.map_or("（なし）".to_owned(), |n| format!("{n}件")),
            g(v.to_errors),
            g(v.output_errors)
        ),
        Lang::En => format!(
            "Errors: previous full file {}, current full file {}, diff-history file {}",
            from.unwrap_or_else(|| "(none)".to_owned()),
            g(v.to_errors),
            g(v.output_errors)
        ),
    }
}

/// The deletion guard refused: the button that confirms.
pub fn diff_confirm_deletions(lang: Lang, deletions: u64) -> String {
    let n = group_thousands(deletions);
    lang.pick(
        format!("{n}件の削除を確認しました。このまま作る"),
        format!("I checked the {n} deletions: make it anyway"),
    )
}

/// The warning when more certificates would be deleted than the limit allows (P001).
pub fn previous_over_limit(lang: Lang, removed: u64, previous: u64) -> String {
    let (removed, previous) = (group_thousands(removed), group_thousands(previous));
    lang.pick(
        format!("前回アップロードしたファイルの受給者証 {previous}件のうち {removed}件がこのファイルにありません。このままアップロードすると PMH から {removed}件が削除され、医療機関で資格を確認できなくなります。"),
        format!("{removed} of the {previous} certificates of the previous upload are missing from this file. Uploading it deletes {removed} certificates at PMH; they can no longer be confirmed at medical institutions."),
    )
}

/// The download question when lines were not read as rows (S007, S021): they are not in the
/// file, and in 全件連携 PMH deletes what the file lacks.
pub fn confirm_unread(lang: Lang, lines: u64) -> String {
    let lines = group_thousands(lines);
    lang.pick(
        format!("{lines} 行分のデータを読めていないため（引用符の閉じ忘れ、長すぎる行）、ダウンロードするファイルに入りません。全件連携では、そこにあった受給者証が PMH から削除されます。元のファイルを直してから読み込み直してください。"),
        format!("{lines} lines could not be read (an unclosed quote, a line too long) and are not in the file. In 全件連携, PMH deletes the certificates they held. Fix the source file and load it again."),
    )
}

/// The question before the upload file of a file without data rows is downloaded: in 全件連携
/// it deletes every certificate (errors alone would say "PMH may reject it", which understates
/// it: PMH accepts an empty snapshot).
pub fn confirm_header_only(lang: Lang) -> &'static str {
    lang.pick(
        "データ行が1行もありません（見出し行だけです）。全件連携でこのファイルをアップロードすると、PMH に登録済みの受給者証がすべて削除されます。対象者が本当に0人の場合だけダウンロードしてください。",
        "The file has no data rows (a header row only). Uploaded in 全件連携, it deletes every certificate PMH holds. Download it only if there really are no recipients.",
    )
}

/// The question before the upload file is downloaded while PMH would delete more
/// certificates than the limit allows.
pub fn confirm_deletions(lang: Lang, removed: u64) -> String {
    let removed = group_thousands(removed);
    lang.pick(
        format!("このファイルをアップロードすると PMH から受給者証 {removed}件が削除されます。本当に削除してよい場合だけダウンロードしてください。"),
        format!("Uploading this file deletes {removed} certificates at PMH. Download only if they really are to be deleted."),
    )
}

/// One certificate of a comparison list: row, 氏名, 公費受給者番号, changed fields.
pub fn person_row(lang: Lang, p: &crate::protocol::PersonRow) -> String {
    let fields: Vec<&str> = p.fields.iter().map(|f| lang.msg(f)).collect();
    let fields = if fields.is_empty() {
        String::new()
    } else {
        lang.pick(
            format!("（{}）", fields.join("・")),
            format!(" ({})", fields.join(", ")),
        )
    };
    lang.pick(
        format!("{}行目　{}　{}{fields}", p.row, p.name, p.number),
        format!("row {}  {}  {}{fields}", p.row, p.name, p.number),
    )
}

/// "and N more" under a cut list.
pub fn more_rows(lang: Lang, more: u64) -> String {
    let more = group_thousands(more);
    lang.pick(format!("ほか {more}件"), format!("and {more} more"))
}

/// What the receipt records of the upload CSV, and of edits.
pub fn receipt_upload(lang: Lang, saved: UploadSaved, changes: u32) -> String {
    let upload = match saved {
        UploadSaved::No => lang.pick(
            "アップロード用 CSV はまだ保存していません。今の内容で作る場合の SHA-256 を記録します。",
            "The upload CSV has not been saved yet: the receipt records the SHA-256 of the file the data makes now.",
        ),
        UploadSaved::Current => lang.pick(
            "保存したアップロード用 CSV の SHA-256 を記録します。",
            "The receipt records the SHA-256 of the upload CSV you saved.",
        ),
        UploadSaved::Stale => lang.pick(
            "アップロード用 CSV を保存した後に変更があります。今の内容の SHA-256 を記録するので、アップロード用 CSV も保存し直してください。",
            "The data changed after the upload CSV was saved: the receipt records the SHA-256 of the data now, so save the upload CSV again too.",
        ),
    };
    if changes == 0 {
        upload.to_owned()
    } else {
        let edits = lang.pick(
            format!("件数は、このアプリでの変更 {changes} 件の後のものです。"),
            format!(
                "The counts are after the {} made here.",
                count_en(u64::from(changes), "change", "changes")
            ),
        );
        format!("{upload}{}{edits}", lang.pick("", " "))
    }
}

/// A download finished.
pub fn downloaded(lang: Lang, name: &str) -> String {
    lang.pick(
        format!("「{name}」を保存しました。"),
        format!("Saved “{name}”."),
    )
}

/// A file had to be ignored.
pub fn file_type_unknown(lang: Lang, name: &str) -> String {
    lang.pick(
        format!(
            "「{name}」は読み込めない種類のファイルです。.csv、.tsv、.txt、.xlsx を選んでください。"
        ),
        format!(
            "“{name}” is not a file type this page reads. Choose a .csv, .tsv, .txt or .xlsx file."
        ),
    )
}

/// An error of `pmh_core` whose wording the page shows.
#[derive(Clone, Copy, Debug)]
pub enum CoreError<'a> {
    /// A layout, master or mapping file that cannot be used.
    Config(&'a pmh_core::ConfigError),
    /// A workbook that cannot be read.
    Xlsx(&'a pmh_core::xlsx::XlsxError),
    /// A comparison with the previous upload that could not be made.
    Diff(&'a pmh_core::diff::DiffError),
    /// A help-desk copy that could not be made.
    Redact(&'a pmh_core::redact::RedactError),
    /// An official template that could not be read.
    Template(&'a pmh_core::template::TemplateError),
}

/// The text of a core error, in both languages: the core renders its own error enums
/// (`message(Lang)`, one text module in core); this is the one place the page asks for it.
pub fn core_error(error: CoreError<'_>) -> Msg {
    let both = |f: &dyn Fn(pmh_core::Lang) -> String| {
        Msg::new(f(pmh_core::Lang::Ja), f(pmh_core::Lang::En))
    };
    match error {
        CoreError::Config(e) => both(&|l| e.message(l)),
        CoreError::Xlsx(e) => both(&|l| e.message(l)),
        CoreError::Diff(e) => both(&|l| e.message(l)),
        CoreError::Redact(e) => both(&|l| e.message(l)),
        CoreError::Template(e) => both(&|l| e.message(l)),
    }
}

/// The previous upload compared with a 差分履歴 layout: only 全件 files are compared.
pub fn previous_not_full() -> Msg {
    Msg::new(
        "前回ファイルとの比較は全件連携のファイルだけで行います（差分履歴では比較しません）。",
        "Only full (全件) files are compared with the previous upload (not diff history).",
    )
}

/// Why the previous upload (or this file) cannot be compared: the same refusal as `pmhcsv
/// diff` and `validate --previous`.
pub fn previous_refused(previous: bool, reason: &pmh_core::diff::Unusable) -> Msg {
    use pmh_core::diff::Unusable as U;
    let (ja, en) = if previous {
        ("前回アップロードしたファイル", "The previous upload")
    } else {
        ("今回のファイル", "This file")
    };
    match reason {
        // The page's 文字コード choice applies to this file, not to the previous upload, which
        // PMH took as UTF-8: the advice for that side is to choose the file uploaded.
        U::Unreadable { code } if previous => Msg::new(
            format!(
                "{ja}を読めません（{} {}）。比較しませんでした。PMH にアップロードしたファイル（UTF-8 の CSV）そのものを選んでください。",
                code.as_str(),
                code.info().title_ja,
            ),
            format!(
                "{en} cannot be read ({} {}); nothing was compared. Choose the very file uploaded to PMH (a UTF-8 CSV).",
                code.as_str(),
                code.info().title_en,
            ),
        ),
        U::Unreadable { code } => Msg::new(
            format!(
                "{ja}を読めません（{} {}）。比較しませんでした。{}",
                code.as_str(),
                code.info().title_ja,
                page_words::ja(code.info().hint_ja)
            ),
            format!(
                "{en} cannot be read ({} {}); nothing was compared. {}",
                code.as_str(),
                code.info().title_en,
                page_words::en(code.info().hint_en)
            ),
        ),
        U::NoRows => Msg::new(
            format!(
                "{ja}にデータの行がありません（空のファイル、見出し行だけ、または見出し行を読めません）。比べると全員が削除されたように見えるため、比較しませんでした。{}",
                if previous {
                    "前回アップロードしたファイルを選び直してください。"
                } else {
                    "受給者のデータの行があるファイルか確認してください。"
                }
            ),
            format!(
                "{en} has no data rows (empty, header only, or no readable header); compared with it everyone would look deleted, so nothing was compared."
            ),
        ),
        U::MissingKeyColumn { label } => Msg::new(
            format!(
                "{ja}に受給者証を特定する列「{label}」がありません。比べると全員が削除・追加されたように見えるため、比較しませんでした。"
            ),
            format!(
                "{en} lacks the certificate key column \"{label}\"; everyone would look deleted and added, so nothing was compared."
            ),
        ),
        U::RowsUnread { code, row } => Msg::new(
            format!(
                "{ja}に読めなかった行があります（{}{} {}）。読めなかった受給者証は削除されたように見えたり数えられなかったりするため、比較しませんでした。{}",
                row.map_or_else(String::new, |r| format!("{r}行目: ")),
                code.as_str(),
                code.info().title_ja,
                page_words::ja(code.info().hint_ja)
            ),
            format!(
                "{en} has rows that were not read ({}{} {}); their certificates would look deleted or go uncounted, so nothing was compared. {}",
                row.map_or_else(String::new, |r| format!("row {r}: ")),
                code.as_str(),
                code.info().title_en,
                page_words::en(code.info().hint_en)
            ),
        ),
        U::NoKeyedRows => Msg::new(
            format!(
                "{ja}のどの行も受給者証を特定する項目（個人番号・公費受給者番号など）が空です。比較しませんでした。"
            ),
            format!(
                "Every row of {} has an empty certificate key (My Number, recipient number …); nothing was compared.",
                en.to_lowercase()
            ),
        ),
    }
}

/// 券面項目, as a changed field.
pub fn certificate_items() -> Msg {
    Msg::new("券面項目", "certificate items")
}

/// More or fewer history rows, as a changed field.
pub fn history_rows() -> Msg {
    Msg::new("履歴行の数", "number of history rows")
}

/// What the municipality master defines, in both languages.
pub fn masters_summary(masters: &Masters) -> Msg {
    Msg::new(
        masters.describe(pmh_core::Lang::Ja),
        masters.describe(pmh_core::Lang::En),
    )
}

/// The text of an error on the page.
pub fn error(lang: Lang, error: &AppError) -> String {
    match error {
        AppError::ReadFailed { name: None, detail } => lang.pick(
            format!("ファイルを読み込めませんでした（{detail}）。"),
            format!("The file could not be read ({detail})."),
        ),
        AppError::ReadFailed {
            name: Some(name),
            detail,
        } => lang.pick(
            format!("「{name}」を読めませんでした（{detail}）。"),
            format!("“{name}” could not be read ({detail})."),
        ),
        AppError::SaveFailed { detail } => lang.pick(
            format!("ファイルを保存できませんでした（{detail}）。"),
            format!("The file could not be saved ({detail})."),
        ),
        AppError::Unreachable { detail } => lang.pick(
            format!("確認機能に依頼できませんでした（{detail}）。"),
            format!("The checker could not be reached ({detail})."),
        ),
        AppError::StorageFailed => Text::StorageFailed.get(lang).to_owned(),
        AppError::NameNeeded => Text::NameNeeded.get(lang).to_owned(),
        AppError::RangeTooLarge { max } => {
            let max = group_thousands(u64::from(*max));
            lang.pick(
                format!(
                    "選択した範囲が広すぎてコピーできません。一度にコピーできるのは {max} 行までです。範囲を狭めてください。"
                ),
                format!("The selected range is too large to copy: at most {max} rows at once. Select fewer rows."),
            )
        }
        AppError::HeaderUnanswered => prep::header_unanswered(lang).to_owned(),
        AppError::NothingToUpload => lang
            .pick(
                "見出し行が見つからないため、このデータからはアップロードファイルを作れません（受給者が1人も入らず、全件連携では全員が削除されます）。ブックならデータのあるシートを選び、そうでなければ「2. 列の対応付け」で見出し行と列を確認してください。",
                "No header row was recognised, so no upload file can be made from this data (it would hold no recipient, and in 全件連携 everyone would be deleted). For a workbook, choose the sheet with the data; otherwise check the header row and the columns in step 2.",
            )
            .to_owned(),
        AppError::FileType { name } => file_type_unknown(lang, name),
        AppError::Layout { name: None, reason }
        | AppError::Mapping { name: None, reason }
        | AppError::Masters(reason) => lang.msg(reason).to_owned(),
        AppError::Worker(e) => worker_error(lang, e),
        AppError::Layout {
            name: Some(name),
            reason,
        } => lang.pick(
            format!(
                "「{name}」はレイアウトファイルとして使えません：{}",
                reason.ja
            ),
            format!("“{name}” cannot be used as a layout file: {}", reason.en),
        ),
        AppError::Mapping {
            name: Some(name),
            reason,
        } => lang.pick(
            format!("「{name}」：{}", reason.ja),
            format!("“{name}”: {}", reason.en),
        ),
        AppError::WorkerPanicked => Text::WorkerPanicked.get(lang).to_owned(),
    }
}

/// The text of an error of the worker.
pub fn worker_error(lang: Lang, error: &WorkerError) -> String {
    let pick = |ja: &str, en: &str| lang.pick(ja, en).to_owned();
    match error {
        WorkerError::NotLoaded => pick("データが読み込まれていません。", "No data has been loaded."),
        WorkerError::NotChecked => pick("まだ確認していません。", "The data has not been checked yet."),
        WorkerError::NoWorkbook => pick(
            "シートを選び直すには、Excel ファイルをもう一度読み込んでください。",
            "To choose another sheet, load the Excel file again.",
        ),
        WorkerError::Empty => pick(
            "データが空です。見出し行を含むデータを貼り付けるか、ファイルを選んでください。",
            "The data is empty. Paste data including its header row, or choose a file.",
        ),
        WorkerError::UnknownEncoding { why_ja, why_en } => lang.pick(
            format!(
                "文字コードを判別できません（{why_ja}）。CSV・TSV（UTF-8、Shift_JIS、UTF-16）または Excel（.xlsx、パスワードなし）のファイルを選んでください。"
            ),
            format!(
                "The text encoding cannot be recognised ({why_en}). Choose a CSV or TSV file (UTF-8, Shift_JIS, UTF-16) or an Excel workbook (.xlsx, without a password)."
            ),
        ),
        WorkerError::AmbiguousEncoding => pick(
            "文字コードを判別できません：Shift_JIS（CP932）としても EUC-JP としても読めて、文字が違ってしまいます。推測はしません。元のシステムで UTF-8 または Shift_JIS の CSV として出力し直すか、「文字コード」で指定してから読み込んでください。",
            "The text encoding is ambiguous: the file reads as both Shift_JIS (CP932) and EUC-JP with different text, and it is not guessed. Export it again as UTF-8 or Shift_JIS CSV, or choose the encoding under \"Text encoding\" and load it again.",
        ),
        WorkerError::NoHeader => pick(
            "見出し行が見つかりません（空行だけのデータです）。",
            "No header row was found (the data has only blank lines).",
        ),
        WorkerError::BadLengths => pick(
            "内部エラー: 受け取ったファイルの長さが合いません。もう一度お試しください。",
            "internal: the file lengths do not match the bytes received. Please try again.",
        ),
        WorkerError::NoDiffMade => pick(
            "保存する差分履歴ファイルがありません。先に「差分履歴ファイルを作る」を押してください。",
            "There is no diff-history file to save. Press “Make the diff-history file” first.",
        ),
        WorkerError::TableNotReloaded => pick(
            "内部エラー: 表を読み直せません。",
            "internal: table not reloaded",
        ),
        WorkerError::UnknownCode { code } => {
            lang.pick(format!("不明なコード: {code}"), format!("unknown code: {code}"))
        }
        WorkerError::RepairNotFound => pick(
            "この修正案は見つかりません（すでに直っている可能性があります）。",
            "This suggested repair was not found (it may already be fixed).",
        ),
        WorkerError::NothingToUndo => {
            pick("元に戻す変更はありません。", "There is nothing to undo.")
        }
        WorkerError::NotADataCell { row, col } => lang.pick(
            format!("{row}行{col}列はデータのセルではありません。"),
            format!("Row {row}, column {col} is not a data cell."),
        ),
        WorkerError::ReceiptTime { time } => lang.pick(
            format!("確認の記録を作れません：日時「{time}」を読み取れません。"),
            format!("The receipt cannot be made: the time “{time}” is not valid."),
        ),
        WorkerError::RedactMismatch { original, redacted } => lang.pick(
            format!(
                "匿名化したファイルの確認結果が元のファイルと一致しなかったため、匿名化ファイルは保存していません（元のファイルの指摘 {original} 件、匿名化後 {redacted} 件）。もう一度お試しください（毎回別の乱数で作ります）。繰り返し起きる場合は、ファイルは送らず、このメッセージだけを開発元にお伝えください。"
            ),
            format!(
                "The anonymised copy was not saved: its findings did not match the original's ({original} before, {redacted} after). Please try again (each attempt uses new random values). If it keeps happening, report this message (not the file) to the developers."
            ),
        ),
        WorkerError::RedactEncoding { reason } => lang.msg(reason).to_owned(),
        WorkerError::NoRandom { detail } => lang.pick(
            format!("乱数を用意できなかったため、匿名化ファイルは作成していません（{detail}）。"),
            format!("The anonymised copy was not made: no random numbers are available ({detail})."),
        ),
        WorkerError::Layout { reason } => lang.pick(
            format!("レイアウトファイルを使えません: {}", reason.ja),
            format!("The layout file cannot be used: {}", reason.en),
        ),
        WorkerError::Config { reason } | WorkerError::Workbook { reason } => {
            lang.msg(reason).to_owned()
        }
    }
}

/// The label of an encoding choice, in both languages.
pub fn encoding_choice(c: pmh_core::EncodingChoice) -> Msg {
    use pmh_core::EncodingChoice as C;
    let (ja, en) = match c {
        C::Auto => ("自動判別", "Detect"),
        C::Utf8 => ("UTF-8", "UTF-8"),
        C::Cp932 => ("Shift_JIS（CP932）", "Shift_JIS (CP932)"),
        C::EucJp => ("EUC-JP", "EUC-JP"),
        C::Iso2022Jp => ("ISO-2022-JP（JIS）", "ISO-2022-JP (JIS)"),
        C::Utf16Le => ("UTF-16LE", "UTF-16LE"),
        C::Utf16Be => ("UTF-16BE", "UTF-16BE"),
    };
    Msg::new(ja, en)
}

/// The label of a text encoding, in both languages.
pub fn encoding(e: TextEncoding) -> Msg {
    let (ja, en) = match e {
        TextEncoding::Ascii => ("ASCII（UTF-8）", "ASCII (UTF-8)"),
        TextEncoding::Utf8 => ("UTF-8（BOMなし）", "UTF-8 (no BOM)"),
        TextEncoding::Utf8Bom => ("UTF-8（BOMあり）", "UTF-8 with BOM"),
        TextEncoding::Utf16Le => ("UTF-16LE", "UTF-16LE"),
        TextEncoding::Utf16Be => ("UTF-16BE", "UTF-16BE"),
        TextEncoding::Cp932 => ("Shift_JIS（CP932）", "Shift_JIS (CP932)"),
        TextEncoding::EucJp => ("EUC-JP", "EUC-JP"),
        TextEncoding::Iso2022Jp => ("ISO-2022-JP（JIS）", "ISO-2022-JP (JIS)"),
        TextEncoding::Ambiguous => (
            "判別できません（Shift_JIS と EUC-JP のどちらとも読めます）",
            "ambiguous (reads as both Shift_JIS and EUC-JP)",
        ),
        TextEncoding::Unknown => ("不明", "unknown"),
    };
    Msg::new(ja, en)
}

/// The input's name in reports and receipts, for pasted data (as the CLI names a file).
pub const PASTE_REPORT_NAME: &str = "貼り付け";

/// The file name stem of downloads made from pasted data.
pub const PASTE_STEM: &str = "貼り付けデータ";

/// The name of a generated file, from the input's stem, in the language of the reports.
pub fn download_name(lang: Lang, kind: DownloadKind, stem: &str) -> String {
    match kind {
        DownloadKind::UploadCsv => format!("{stem}_PMH.csv"),
        DownloadKind::UploadJson => format!("{stem}_PMH.json"),
        // The copy goes outside the office: its name must not carry the input's, which may
        // hold a name or a number (「愛知花子_123456789018.csv」).
        DownloadKind::Helpdesk => lang
            .pick("ヘルプデスク用_匿名化.csv", "helpdesk-anonymised.csv")
            .to_owned(),
        DownloadKind::Receipt => lang.pick(
            format!("{stem}_確認の記録.json"),
            format!("{stem}_receipt.json"),
        ),
        DownloadKind::ReportCsv => lang.pick(
            format!("{stem}_確認結果.csv"),
            format!("{stem}_findings.csv"),
        ),
        DownloadKind::ChangeLog => lang.pick(
            format!("{stem}_変更履歴.csv"),
            format!("{stem}_changes.csv"),
        ),
        DownloadKind::DiffCsv => lang.pick(
            format!("{stem}_差分履歴.csv"),
            format!("{stem}_diff-history.csv"),
        ),
        // One name whatever the language: the clerk loads it again next time.
        DownloadKind::DiffState => "差分履歴_状態ファイル.txt".to_owned(),
    }
}

/// The header row of the change log CSV.
pub fn change_log_header(lang: Lang) -> &'static str {
    lang.pick(
        "番号,日時,操作,行,列,見出し,項目,コード,変更前,変更後",
        "no,time,action,row,column,header,field,code,before,after",
    )
}

/// What made a change, as the change log says it.
pub fn change_action(lang: Lang, kind: &crate::session::ChangeKind) -> &'static str {
    use crate::session::ChangeKind;
    match kind {
        ChangeKind::Edit => lang.pick("手入力", "edit"),
        ChangeKind::Repair(_) => lang.pick("修正案を適用", "repair"),
        ChangeKind::RepairAll(_) => lang.pick("修正案を一括適用", "repair all"),
        ChangeKind::Undo => lang.pick("元に戻す", "undo"),
        ChangeKind::Redo => lang.pick("やり直し", "redo"),
        ChangeKind::ValueMap => lang.pick("値の対応付け", "value mapping"),
        ChangeKind::ExcludeRow => lang.pick("行を除外", "row left out"),
        ChangeKind::Replace => lang.pick("列内で置換", "replace in column"),
        ChangeKind::Paste => lang.pick("貼り付け", "paste"),
        ChangeKind::Clear => lang.pick("範囲を消去", "range cleared"),
        ChangeKind::FillDown => lang.pick("下へコピー", "filled down"),
        ChangeKind::FixSame => lang.pick("同じ値を一括修正", "same value fixed"),
    }
}

/// What separates two sentences: nothing in Japanese, a space in English.
pub fn sentence_gap(lang: Lang) -> &'static str {
    lang.pick("", " ")
}

/// The text of a status line.
pub fn notice(lang: Lang, notice: &Notice) -> String {
    match notice {
        Notice::Downloaded(name) => downloaded(lang, name),
        Notice::MappingSaved(name) => lang.pick(
            format!("対応付け「{name}」を保存しました。"),
            format!("Saved the mapping “{name}”."),
        ),
        Notice::MappingSavedWithout(name, n) => lang.pick(
            format!("対応付け「{name}」を保存しました。データに見える列名 {n} 個は保存していません（個人の情報を残さないため）。"),
            format!("Saved the mapping “{name}”. {n} column names that look like data were not saved (no personal data is kept)."),
        ),
        Notice::MappingExportedWithout(n) => lang.pick(
            format!("対応付けのファイルを書き出しました。データに見える列名 {n} 個は書き出していません（個人の情報を渡さないため）。その列は読み込み後にもう一度選んでください。"),
            format!("Wrote the mapping file. {n} column names that look like data were left out (no personal data leaves with it); choose those columns again after importing it."),
        ),
        Notice::MappingDeleted => Text::Deleted.get(lang).to_owned(),
        Notice::MappingImported => Text::Imported.get(lang).to_owned(),
        Notice::DataCleared => Text::DataCleared.get(lang).to_owned(),
        Notice::TemplateSaved => Text::TemplateSaved.get(lang).to_owned(),
        Notice::ConfigChanged => Text::ConfigChanged.get(lang).to_owned(),
    }
}

/// The source commit the page was built from (`build-support/source_commit.rs`), if known.
pub const SOURCE_COMMIT: Option<&str> = option_env!("PMH_SOURCE_COMMIT");

/// The footer: the same facts as `pmhcsv --version` — the tool version, the source commit
/// (when known) and each built-in layout's version — so that staff and a vendor can tell
/// whether the page and the CLI check by the same rules.
pub fn version_footer(lang: Lang, commit: Option<&str>) -> String {
    let version = env!("CARGO_PKG_VERSION");
    let commit = match (commit, lang) {
        (Some(c), Lang::Ja) => format!("コミット {c}"),
        (Some(c), Lang::En) => format!("commit {c}"),
        (None, Lang::Ja) => "コミット不明".to_owned(),
        (None, Lang::En) => "commit unknown".to_owned(),
    };
    let layouts: Vec<String> = pmh_core::Layout::BUILTIN_IDS
        .iter()
        .filter_map(|id| pmh_core::Layout::builtin(id))
        .map(|l| format!("{} {}", l.id, l.version))
        .collect();
    match lang {
        Lang::Ja => format!(
            "pmhcsv {version}（{commit}）／ レイアウト: {}",
            layouts.join("、")
        ),
        Lang::En => format!(
            "pmhcsv {version} ({commit}) / layouts: {}",
            layouts.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::JobId;

    /// A file without data rows is named, and the advice is about that file: choose the
    /// previous upload again, or check this file (not "choose the previous upload again").
    #[test]
    fn a_comparison_refused_for_no_rows_advises_about_the_file_that_has_none() {
        use pmh_core::diff::Unusable;
        for (previous, named, advice) in [
            (
                true,
                "前回アップロードしたファイル",
                "前回アップロードしたファイルを選び直してください。",
            ),
            (
                false,
                "今回のファイル",
                "受給者のデータの行があるファイルか確認してください。",
            ),
        ] {
            let m = previous_refused(previous, &Unusable::NoRows);
            let start = format!("{named}にデータの行がありません");
            assert!(m.ja.starts_with(&start) && m.ja.ends_with(advice), "{m:?}");
        }
    }

    /// The comparison's refusals are page texts too: no command-line option in them (S018's
    /// hint names `--encoding`), and for the previous upload no advice to use the page's
    /// 文字コード choice, which applies to this file only.
    #[test]
    fn comparison_refusals_name_no_command_line() {
        use pmh_core::Code;
        use pmh_core::diff::Unusable;
        let reasons = [
            Unusable::Unreadable {
                code: Code::AmbiguousEncoding,
            },
            Unusable::Unreadable {
                code: Code::UnknownEncoding,
            },
            Unusable::NoRows,
            Unusable::MissingKeyColumn {
                label: "個人番号".into(),
            },
            Unusable::RowsUnread {
                code: Code::UnclosedQuote,
                row: Some(4),
            },
            Unusable::RowsUnread {
                code: Code::RecordTooLong,
                row: None,
            },
            Unusable::NoKeyedRows,
        ];
        for previous in [true, false] {
            for reason in &reasons {
                let m = previous_refused(previous, reason);
                for word in page_words::FORBIDDEN {
                    assert!(!m.ja.contains(word) && !m.en.contains(word), "{m:?}");
                }
                if previous {
                    assert!(!m.ja.contains("文字コードで選んで"), "{m:?}");
                }
            }
        }
    }

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
    fn footer_names_the_version_commit_and_every_layout_version() {
        let full = pmh_core::Layout::full().version;
        let diff = pmh_core::Layout::diff().version;
        let version = env!("CARGO_PKG_VERSION");
        assert_eq!(
            version_footer(Lang::Ja, Some("0123456789ab")),
            format!(
                "pmhcsv {version}（コミット 0123456789ab）／ レイアウト: full {full}、diff {diff}"
            )
        );
        assert_eq!(
            version_footer(Lang::En, None),
            format!("pmhcsv {version} (commit unknown) / layouts: full {full}, diff {diff}")
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
    fn formatted_lines() {
        let busy = Busy {
            job: JobId(1),
            task: Task::Check,
            reading: false,
            phase: Some(Phase::Checking),
            done: 2_500,
            total: 10_000,
            started_ms: 0,
        };
        assert_eq!(
            busy_line(Lang::Ja, &busy),
            "確認しています… 2,500 / 10,000 行（25%）"
        );
        assert_eq!(
            busy_line(Lang::En, &busy),
            "Checking… 2,500 / 10,000 rows (25%)"
        );
        assert_eq!(
            verdict_not_ready(Lang::Ja, 1234, 12),
            "まだアップロードできません：エラー 1,234 件（12 行）を直してください"
        );
        assert_eq!(
            place(Lang::Ja, Some(12), Some(3), Some(&Msg::new("氏名", "Name"))),
            "12 行 C 列（氏名）"
        );
        assert_eq!(
            place(Lang::En, None, None, Some(&Msg::new("氏名", "Name"))),
            "Name"
        );
        assert_eq!(page_range(Lang::Ja, 0, 0, 0), "0–0 ／ 0 件");
        assert_eq!(page_range(Lang::En, 50, 50, 1200), "51–100 of 1,200");
        assert!(confirm_download(Lang::Ja, DownloadKind::UploadCsv, 3, 2).contains("3 件（2 行）"));
        assert!(
            receipt_upload(Lang::Ja, UploadSaved::No, 0).starts_with("アップロード用 CSV はまだ")
        );
        assert!(
            receipt_upload(Lang::Ja, UploadSaved::Stale, 2).ends_with("変更 2 件の後のものです。")
        );
        assert!(
            receipt_upload(Lang::En, UploadSaved::Current, 1)
                .ends_with("you saved. The counts are after the 1 change made here.")
        );
        let redacting = Busy {
            task: Task::Download(DownloadKind::Helpdesk),
            phase: None,
            ..busy.clone()
        };
        assert!(busy_line(Lang::Ja, &redacting).starts_with("匿名化して"));
        assert_eq!(Lang::En.msg(&Msg::new("a", "b")), "b");
        assert_eq!(
            verdict_not_ready(Lang::En, 1, 1),
            "Not ready to upload: fix 1 error (1 row)"
        );
        assert_eq!(
            counts_line(Lang::En, 100_000, 2, 1, 0),
            "100,000 data rows / 2 errors / 1 warning / 0 info"
        );
        assert_eq!(
            last_change(Lang::Ja, 1, 2.345),
            "1 セルを変更し、2.3 ms で確認し直しました。"
        );
        assert_eq!(
            check_time(Lang::En, 254.4, 1262),
            "Checked in 254 ms (1,262 ms until shown)"
        );
    }
}

/// Texts of the header-row choice, value mapping, constant fields and the 券面 list.
pub mod prep {
    use super::Lang;

    /// The question when the first row looks like data.
    pub fn header_question(lang: Lang, first: &str) -> String {
        lang.pick(
            format!("1行目は見出しですか？ 1行目：{first}（番号や日付があり、データのように見えます。見出しでなければ、その人がアップロードから抜けてしまいます）"),
            format!("Is row 1 the header row? Row 1: {first} (it has numbers or dates and looks like data; if it is not a header, that person would be missing from the upload)"),
        )
    }
    /// Answer: row 1 is data.
    pub fn header_no(lang: Lang) -> &'static str {
        lang.pick("いいえ、1行目からデータです", "No, row 1 is data")
    }
    /// Answer: row 1 is the header.
    pub fn header_yes(lang: Lang) -> &'static str {
        lang.pick("はい、1行目は見出しです", "Yes, row 1 is the header")
    }
    /// Why the check waits.
    pub fn header_unanswered(lang: Lang) -> &'static str {
        lang.pick(
            "先に「1行目は見出しですか？」に答えてください。",
            "Answer “Is row 1 the header row?” first.",
        )
    }
    /// Label of the header-row choice.
    pub fn header_row_label(lang: Lang) -> &'static str {
        lang.pick("見出しの行", "Header row")
    }
    /// Option: no header row.
    pub fn header_none(lang: Lang) -> &'static str {
        lang.pick(
            "見出しなし（1行目からデータ、列A・列B…と呼ぶ）",
            "None (row 1 is data; columns named 列A, 列B …)",
        )
    }
    /// Option: row n.
    pub fn header_row_option(lang: Lang, n: usize, cells: &str) -> String {
        lang.pick(format!("{n}行目：{cells}"), format!("Row {n}: {cells}"))
    }
    /// Heading of the value mapping.
    pub fn values_heading(lang: Lang) -> &'static str {
        lang.pick(
            "コードの対応付け（値の置き換え）",
            "Code mapping (value replacement)",
        )
    }
    /// Explanation of the value mapping.
    pub fn values_intro(lang: Lang) -> &'static str {
        lang.pick(
            "PMH が受け付けない値を、どのコードにするか選んでください。確認の前に置き換え、変更履歴に残します。対応付けと一緒に保存するのは「男」「女性」のようなコードの名前だけです。",
            "Choose the code for each value PMH does not accept. Values are replaced before the check and logged. Only code names such as 男 or 女性 are saved with the mapping.",
        )
    }
    /// One value row's label.
    pub fn value_label(lang: Lang, column: &str, value: &str, rows: u64) -> String {
        lang.pick(
            format!(
                "{column}：「{value}」（{} 行）",
                super::group_thousands(rows)
            ),
            format!(
                "{column}: “{value}” ({} rows)",
                super::group_thousands(rows)
            ),
        )
    }
    /// Option: keep the value.
    pub fn value_keep(lang: Lang) -> &'static str {
        lang.pick("そのまま", "Keep")
    }
    /// Heading of the constant fields.
    pub fn constants_heading(lang: Lang) -> &'static str {
        lang.pick(
            "元データにない項目を全行同じ値で埋める",
            "Fill a field the data lacks with one value for every row",
        )
    }
    /// Label of the field choice.
    pub fn constant_field(lang: Lang) -> &'static str {
        lang.pick("項目", "Field")
    }
    /// Label of the value.
    pub fn constant_value(lang: Lang) -> &'static str {
        lang.pick("全行の値", "Value for every row")
    }
    /// The add button.
    pub fn constant_add(lang: Lang) -> &'static str {
        lang.pick("埋める", "Fill")
    }
    /// The remove button.
    pub fn constant_remove(lang: Lang, label: &str) -> String {
        lang.pick(
            format!("「{label}」を埋めない"),
            format!("Do not fill “{label}”"),
        )
    }
    /// One constant.
    pub fn constant_line(lang: Lang, label: &str, value: &str) -> String {
        lang.pick(
            format!("{label} ＝ {value}（全行）"),
            format!("{label} = {value} (every row)"),
        )
    }
    /// Heading of the 券面 list on the results screen.
    pub fn details_heading(lang: Lang) -> &'static str {
        lang.pick(
            "受給者証券面項目としてアップロードする列",
            "Columns uploaded as certificate items",
        )
    }
    /// No 券面 column.
    pub fn details_none(lang: Lang) -> &'static str {
        lang.pick(
            "なし（対応付けで「使わない」以外にした列だけがアップロードされます）",
            "None (only columns you chose in the mapping are uploaded)",
        )
    }
    /// One 券面 column with a sample.
    pub fn detail_line(lang: Lang, header: &str, sample: &str) -> String {
        lang.pick(
            format!("{header}（例：{sample}）"),
            format!("{header} (e.g. {sample})"),
        )
    }
}

/// Core texts (titles, messages, 修正方法) as the page shows them: one term for the check
/// digit (チェックデジット), and nothing that sends the clerk to a command line or a
/// configuration file — the page's own way instead.
pub mod page_words {
    /// Words that must not reach the page: the CLI and its options, files the clerk does not
    /// have.
    pub const FORBIDDEN: [&str; 6] = [
        "pmhcsv",
        "--",
        "設定ファイル",
        ".toml",
        "configuration",
        "command line",
    ];

    const JA: [(&str, &str); 21] = [
        ("検証番号", "チェックデジット"),
        (
            "差分履歴のファイルなら --layout diff で（画面では「1. 設定と読み込み」のレイアウトで「差分履歴」を選んで）検査してください。",
            "差分履歴のファイルなら「1. 設定と読み込み」のレイアウトで「差分履歴」を選んで検査し直してください。",
        ),
        (
            "文字コードの指定を「自動」（--encoding auto）にするか、UTF-8 を指定して読み直してください。",
            "「1. 設定と読み込み」の文字コードを「自動」か UTF-8 にして読み込み直してください。",
        ),
        ("検査用数字", "チェックデジット"),
        (
            "か、pmhcsv build で変換してください",
            "か、このページで読み込んで「アップロード用 CSV」を保存してください",
        ),
        (
            "か、pmhcsv build で出力してください",
            "か、このページで読み込んで「アップロード用 CSV」を保存してください",
        ),
        (
            "か pmhcsv build で作り直すと",
            "か、このページの「アップロード用 CSV」で保存すると",
        ),
        (
            "pmhcsv build で自動変換できます",
            "このページの修正案でまとめて変換できます",
        ),
        (
            "（pmhcsv build は自動で削除し、記録に残します）",
            "（このページの修正案で削除でき、変更履歴に残ります）",
        ),
        (
            "（pmhcsv build は自動で半角にし、記録に残します）",
            "（このページの修正案で半角にでき、変更履歴に残ります）",
        ),
        (
            "（pmhcsv build はゼロ幅文字・書式制御文字を自動で削除し、記録に残します。",
            "（このページの修正案でゼロ幅文字・書式制御文字を削除でき、変更履歴に残ります。",
        ),
        (
            "（pmhcsv build は値の前後と中の BOM を削除し、記録に残します）",
            "（このページの修正案で削除できます）",
        ),
        (
            "（カナ氏名の列は pmhcsv build が自動で全角にします）",
            "（このページの修正案で全角にできます）",
        ),
        (
            "差分履歴のファイルなら --layout diff を指定してください。",
            "差分履歴のファイルなら「1. 設定と読み込み」で差分履歴を選んでください。",
        ),
        (
            "--encoding cp932 または --encoding euc-jp（画面では文字コードの選択）で指定してください",
            "「1. 設定と読み込み」の文字コードで選んでください",
        ),
        (
            "設定ファイルの既知番号一覧に登録すると警告扱いになります",
            "システム担当者に連絡してください（既知の番号として登録すると警告になります）",
        ),
        (
            "自治体の制度マスタを CSV で用意し、--master で指定してください（pmhcsv master --template で雛形を出力できます）。",
            "自治体の制度マスタを CSV で用意し、「1. 設定と読み込み」で読み込んでください（雛形は「制度マスタの雛形を保存」で保存できます）。",
        ),
        ("制度マスタ（--master）", "制度マスタ"),
        (
            "本当に削除してよい場合だけ、--max-removals で上限を指定して（例: --max-removals 50 または 10%）実行し直してください。",
            "本当に削除してよい場合だけ、システム担当者に確認してからアップロードしてください。",
        ),
        (
            "Excel で保存し直すか、pmhcsv build で出力してください",
            "Excel で保存し直すか、このページで読み込んで「アップロード用 CSV」を保存してください",
        ),
        (
            "pmhcsv build でアップロード用の CSV を作り、その CSV を検査してアップロードしてください（画面では「アップロード用 CSV」をダウンロード）。",
            "このページの「アップロード用 CSV」をダウンロードして、そのファイルをアップロードしてください。",
        ),
    ];

    const EN: [(&str, &str); 17] = [
        (
            "check it with --layout diff (on the page, choose 差分履歴 as the layout in step 1)",
            "choose 差分履歴 as the layout in step 1 and check it again",
        ),
        (
            "Read it again with the encoding set to automatic (--encoding auto) or UTF-8.",
            "Set step 1's encoding to automatic or UTF-8 and load it again.",
        ),
        (
            ", or convert it with `pmhcsv build`",
            ", or load it in this page and save the upload CSV",
        ),
        (
            ", or write the file with `pmhcsv build`",
            ", or load it in this page and save the upload CSV",
        ),
        (
            " or convert with `pmhcsv build`",
            " or load it in this page and save the upload CSV",
        ),
        (
            "or rebuilding with pmhcsv build writes it correctly",
            "or saving the upload CSV from this page writes it correctly",
        ),
        (
            "can be converted by `pmhcsv build`",
            "can be converted with this page's repairs",
        ),
        (
            " (`pmhcsv build` trims them and records it)",
            " (this page's repair does it and logs it)",
        ),
        (
            " (`pmhcsv build` narrows them and records it)",
            " (this page's repair does it and logs it)",
        ),
        (
            " (`pmhcsv build` deletes zero-width and formatting characters and records it;",
            " (this page's repair deletes zero-width and formatting characters and logs it;",
        ),
        (
            " (pmhcsv build deletes a BOM at a value's edges or inside it and records it)",
            " (this page's repair removes it)",
        ),
        (
            " (`pmhcsv build` converts the カナ name column automatically)",
            " (this page's repair converts it)",
        ),
        (
            "; for a diff-history file use --layout diff",
            "; for a diff-history file choose 差分履歴 in step 1",
        ),
        (
            "name it: --encoding cp932 or --encoding euc-jp (the page's encoding selector)",
            "choose it in step 1's encoding selector",
        ),
        (
            "list it as a known number in the configuration to downgrade the finding",
            "tell your system administrator (a known number is reported as a warning)",
        ),
        (
            "Provide the municipality master as CSV with --master (`pmhcsv master --template` prints a template).",
            "Load the municipality master CSV in step 1 (save a template with “Save the master template”).",
        ),
        (
            "Make the upload CSV with pmhcsv build, then check and upload that CSV (on the page: download the upload CSV).",
            "Download the upload CSV from this page and upload that file.",
        ),
    ];

    /// The Japanese text for the page.
    pub fn ja(text: &str) -> String {
        let t = JA
            .iter()
            .fold(text.to_owned(), |t, (from, to)| t.replace(from, to));
        clean(strip_code_points(&t), '。')
    }

    /// `「，」(U+FF0C)` → `「，」`: the character is shown, its code point is jargon. A code
    /// point alone (an invisible character) stays.
    pub fn strip_code_points(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find("(U+") {
            let (before, after) = rest.split_at(at);
            let hex = after[3..]
                .chars()
                .take_while(char::is_ascii_hexdigit)
                .count();
            let shown = before.ends_with(['」', '"', '”']);
            out.push_str(before);
            if shown && (4..=6).contains(&hex) && after[3 + hex..].starts_with(')') {
                rest = &after[4 + hex..];
            } else {
                out.push_str("(U+");
                rest = &after[3..];
            }
        }
        out.push_str(rest);
        out
    }

    /// The English text for the page.
    pub fn en(text: &str) -> String {
        let t = EN
            .iter()
            .fold(text.to_owned(), |t, (from, to)| t.replace(from, to));
        let t = strip_code_points(&t).replace(" (--master)", "").replace(
            ", run again with a higher --max-removals (e.g. 50 or 10%)",
            ", check with your system administrator before uploading",
        );
        clean(t, '.')
    }

    /// Drops any sentence that still names the CLI (a core text this table does not know).
    fn clean(text: String, stop: char) -> String {
        if !FORBIDDEN.iter().any(|w| text.contains(w)) {
            return text;
        }
        text.split_inclusive(stop)
            .filter(|s| !FORBIDDEN.iter().any(|w| s.contains(w)))
            .collect::<String>()
            .trim()
            .to_owned()
    }
}

/// The button leaving a row out of the upload.
pub fn exclude_row(lang: Lang, row: u32) -> String {
    lang.pick(
        format!(
            "この行（{} 行目）をアップロードから除く",
            group_thousands(u64::from(row))
        ),
        format!(
            "Leave row {} out of the upload",
            group_thousands(u64::from(row))
        ),
    )
}

/// Label of the text to find in a column.
pub fn replace_find(lang: Lang, column: &str) -> String {
    lang.pick(
        format!("{column} 列で検索"),
        format!("Find in column {column}"),
    )
}

/// Label of the replacement.
pub fn replace_with(lang: Lang) -> &'static str {
    lang.pick("置き換え後", "Replace with")
}

/// The replace button.
pub fn replace_run(lang: Lang) -> &'static str {
    lang.pick("この列ですべて置換", "Replace all in this column")
}

/// The offer after a hand correction: the other cells of the column with the old value.
pub fn fix_same_offer(lang: Lang, letter: &str, before: &str, after: &str, count: u32) -> String {
    let count = group_thousands(u64::from(count));
    let after = if after.is_empty() {
        lang.pick("（空欄）", "(empty)")
    } else {
        after
    };
    lang.pick(
        format!(
            "{letter}列には「{before}」のセルがほかに {count} 件あります。「{after}」に直しますか？"
        ),
        format!(
            "Column {letter} has {count} more cells with “{before}”. Change them to “{after}” too?"
        ),
    )
}

/// The button that applies a hand correction to every cell with the same old value.
pub fn fix_same_button(lang: Lang, count: u32) -> String {
    let count = group_thousands(u64::from(count));
    lang.pick(
        format!("同じ値のセルをすべて直す（{count} 件）"),
        format!("Fix all cells with the same value ({count})"),
    )
}
