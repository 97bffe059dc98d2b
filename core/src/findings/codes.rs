//! THE catalogue of finding codes: one `match` gives each code its severity, titles, the reason
//! it matters and how to fix it (修正方法).
//!
//! Codes are public API (CI logs, help-desk tickets, fixtures are named after them): they are
//! never renumbered, only retired. The letter is the category, not the severity:
//! `S` structure and encoding, `V` cell values, `R` one row, `K` certificate keys across rows,
//! `N` identifiers and check digits, `C` characters (外字, 機種依存文字), `M` the municipality's
//! master (制度マスタ), `X` repairs made or proposed by `pmhcsv build`, `P` the file compared
//! with the one uploaded last time (`--previous`).

use serde::Serialize;

use crate::layout::Basis;

/// The inferred-rule policy. A finding from a rule whose basis is not `verified` (PMH's rules
/// are partly unpublished) is at most a warning — EXCEPT the codes listed here, where the data
/// is wrong whatever PMH's rules are, so they keep their severity (a wrong ✔ is the worst
/// answer this tool can give):
///
/// - R001: the validity period ends before it starts;
/// - K001: the same certificate twice in one file;
/// - K002: two validity periods of one certificate overlap in a 全件 snapshot (which one is in
///   force on the shared days cannot be told);
/// - C001: a 外字 (private-use character), which shows as another character or nothing on
///   every PC but the one that made it;
/// - V012: a digit in 氏名, which no name has: the value of another column (a My Number, a
///   date) that PMH would show as the patient's name at every medical institution;
/// - C006: a `?` (or `？`, `〓`, `●`) or a character reference (`&#134071;`) in a name or an
///   address, the trace of a character lost in an earlier conversion: PMH would show it at
///   medical institutions as the patient's name;
/// - V016: a full-width letter or digit in a number, code, date or flag (`００１２３４５６` as a
///   公費受給者番号): another value than the one on the certificate unless PMH narrows it, which
///   is not published, so the certificate is not found when a medical institution types the
///   number (in 全件連携 the one sent in half-width before is deleted);
/// - K005: one 個人番号 with two dates of birth: a person has one, so one row holds another
///   person's number (PMH would attach its certificate to that person) or a wrong date.
pub const STRICT_WHEN_INFERRED: &[Code] = &[
    Code::PeriodReversed,
    Code::DuplicateCertificate,
    Code::OverlappingPeriods,
    Code::Gaiji,
    Code::DigitInName,
    Code::FullWidthInCode,
    Code::LostCharacter,
    Code::BirthDateConflict,
];

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// PMH will reject the data, or the data is wrong.
    Error,
    /// Likely wrong, or found by an inferred rule.
    Warning,
    /// For information.
    Info,
}

impl Severity {
    /// Stable lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    /// Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Severity::Error => "エラー",
            Severity::Warning => "警告",
            Severity::Info => "情報",
        }
    }
}

/// Static description of one code.
#[derive(Debug, Clone, Copy)]
pub struct CodeInfo {
    /// Default severity.
    pub severity: Severity,
    /// Short Japanese title.
    pub title_ja: &'static str,
    /// Short English title.
    pub title_en: &'static str,
    /// Why it matters (Japanese).
    pub why_ja: &'static str,
    /// Why it matters (English).
    pub why_en: &'static str,
    /// How to fix it (修正方法).
    pub hint_ja: &'static str,
    /// How to fix it (English).
    pub hint_en: &'static str,
}

/// Where a code is checked: the source file and the function that emits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Emitter {
    /// Path from the repository root, e.g. `core/src/check/fields.rs`.
    pub file: &'static str,
    /// `Type::method` or function name, e.g. `Back::named_checks`.
    pub function: &'static str,
}

/// The registry: every code with its stable id and the one function that emits it (as ruff's
/// rule registry does). Severity, titles and 修正方法 are in [`Code::info`] below.
macro_rules! codes {
    ($($variant:ident = $code:literal => $file:literal, $function:literal;)*) => {
        /// A finding code. See [`Code::info`] for its meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $(#[doc = $code] $variant,)* }

        impl Code {
            /// Every code, in catalogue order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable code string, e.g. `V001`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// Looks a code up by its string (case-insensitive).
            pub fn parse(s: &str) -> Option<Code> {
                let s = s.trim();
                Code::ALL.iter().copied().find(|c| c.as_str().eq_ignore_ascii_case(s))
            }

            /// The one function that emits this code (`pmhcsv explain` shows it; a test
            /// scans `core/src/check/` and fails when a code is emitted anywhere else).
            pub fn emitter(self) -> Emitter {
                match self {
                    $(Code::$variant => Emitter { file: $file, function: $function },)*
                }
            }

            /// Position in [`Code::ALL`], for O(1) counting.
            pub fn index(self) -> usize {
                self as usize
            }
        }
    };
}

codes! {
    EmptyFile = "S001" => "core/src/check/file.rs", "Back::finish_file";
    UnknownEncoding = "S002" => "core/src/check/file.rs", "Back::finish_file";
    HeaderOnly = "S003" => "core/src/check/file.rs", "Back::finish_file";
    MissingColumn = "S004" => "core/src/check/file.rs", "Back::header_row";
    DuplicateColumn = "S005" => "core/src/check/file.rs", "Back::header_row";
    RaggedRow = "S006" => "core/src/check/mod.rs", "Back::record";
    UnclosedQuote = "S007" => "core/src/check/mod.rs", "Back::record";
    UndecodableBytes = "S008" => "core/src/check/mod.rs", "Back::undecodable";
    BlankRow = "S009" => "core/src/check/file.rs", "Back::blank_row";
    NotUtf8 = "S010" => "core/src/check/file.rs", "Back::encoding_checks";
    BomMismatch = "S011" => "core/src/check/file.rs", "Back::encoding_checks";
    LineEndingMismatch = "S012" => "core/src/check/file.rs", "Back::finish_file";
    DelimiterMismatch = "S013" => "core/src/check/file.rs", "Back::delimiter_check";
    UnknownColumn = "S014" => "core/src/check/file.rs", "Back::header_row";
    EmptyHeader = "S015" => "core/src/check/file.rs", "Back::header_row";
    NoHeader = "S016" => "core/src/check/file.rs", "Back::header_row";
    OptionalColumnAbsent = "S017" => "core/src/check/file.rs", "Back::header_row";
    AmbiguousEncoding = "S018" => "core/src/check/file.rs", "Back::finish_file";
    BareQuote = "S019" => "core/src/check/mod.rs", "Back::bare_quote";
    CardItemNamedLikeField = "S020" => "core/src/check/file.rs", "Back::header_row";
    RecordTooLong = "S021" => "core/src/check/mod.rs", "Back::record";
    WorkbookNotUpload = "S022" => "core/src/check/file.rs", "Back::finish_file";
    OtherLayoutColumn = "S023" => "core/src/check/file.rs", "Back::other_layout_columns";
    RowsInValue = "S024" => "core/src/check/mod.rs", "Back::rows_in_value";
    EncodingLooksUtf8 = "S025" => "core/src/check/file.rs", "Back::finish_file";
    HiddenRows = "S026" => "core/src/check/file.rs", "hidden_rows_finding";
    HiddenColumns = "S027" => "core/src/check/file.rs", "Back::hidden_in_workbook";
    HeaderNotLabel = "S028" => "core/src/check/file.rs", "Back::header_as_layout";
    ColumnOrder = "S029" => "core/src/check/file.rs", "Back::header_as_layout";
    Required = "V001" => "core/src/check/fields.rs", "Back::cell";
    Length = "V002" => "core/src/check/fields.rs", "Back::cell";
    Chars = "V003" => "core/src/check/fields.rs", "Back::char_not_allowed";
    Date = "V004" => "core/src/check/fields.rs", "Back::cell";
    NotInCodeList = "V005" => "core/src/check/fields.rs", "Back::cell";
    Boolean = "V006" => "core/src/check/fields.rs", "Back::cell";
    ConditionsSyntax = "V007" => "core/src/check/fields.rs", "Back::cell";
    Whitespace = "V008" => "core/src/check/fields.rs", "Back::edge_space";
    BomInValue = "V009" => "core/src/check/fields.rs", "Back::bom_in_value";
    RecipientNumberEmpty = "V010" => "core/src/check/fields.rs", "Back::cell";
    ExcelError = "V011" => "core/src/check/fields.rs", "Back::excel_error";
    DigitInName = "V012" => "core/src/check/fields.rs", "Back::cell";
    MyNumberElsewhere = "V013" => "core/src/check/fields.rs", "Back::my_number_elsewhere";
    InvisibleChar = "V014" => "core/src/check/fields.rs", "Back::invisible_char";
    EdgeSpaceInCode = "V015" => "core/src/check/fields.rs", "Back::edge_space";
    FullWidthInCode = "V016" => "core/src/check/fields.rs", "Back::full_width_in_code";
    PeriodReversed = "R001" => "core/src/check/rows.rs", "Back::row_checks";
    BirthAfterStart = "R002" => "core/src/check/rows.rs", "Back::row_checks";
    ExpiredInFull = "R003" => "core/src/check/rows.rs", "Back::row_checks";
    BirthImpossible = "R004" => "core/src/check/rows.rs", "Back::row_checks";
    DuplicateCertificate = "K001" => "core/src/check/keys.rs", "KeyTracker::observe_key";
    OverlappingPeriods = "K002" => "core/src/check/keys.rs", "KeyTracker::observe_key";
    DuplicateHistoryKey = "K003" => "core/src/check/keys.rs", "KeyTracker::observe_key";
    CertificateTypeOnly = "K004" => "core/src/check/keys.rs", "KeyTracker::observe_key";
    BirthDateConflict = "K005" => "core/src/check/rows.rs", "Back::birth_date_conflict";
    MyNumberCheckDigit = "N001" => "core/src/check/fields.rs", "Back::named_checks";
    MyNumberExponent = "N002" => "core/src/check/fields.rs", "Back::cell";
    InsurerCheckDigit = "N003" => "core/src/check/fields.rs", "Back::named_checks";
    InsurerPrefecture = "N004" => "core/src/check/fields.rs", "Back::named_checks";
    RecipientCheckDigit = "N005" => "core/src/check/fields.rs", "Back::named_checks";
    MedicalInstitutionCheckDigit = "N006" => "core/src/check/fields.rs", "Back::named_checks";
    MyNumberSameDigits = "N007" => "core/src/check/fields.rs", "Back::named_checks";
    InsurerCheckDigitOverridden = "N008" => "core/src/check/fields.rs", "Back::named_checks";
    Gaiji = "C001" => "core/src/check/fields.rs", "Back::cell";
    VendorChar = "C002" => "core/src/check/fields.rs", "Back::cell";
    OutsideCp932 = "C003" => "core/src/check/fields.rs", "Back::cell";
    HalfwidthKanaInText = "C004" => "core/src/check/fields.rs", "Back::cell";
    NotInOutputEncoding = "C005" => "core/src/check/mod.rs", "Back::unencodable";
    LostCharacter = "C006" => "core/src/check/fields.rs", "Back::lost_characters";
    UnknownCertificateType = "M001" => "core/src/check/master/rules.rs", "Back::master_checks";
    InsurerNotRegistered = "M002" => "core/src/check/master/rules.rs", "Back::master_checks";
    UnknownSegment = "M003" => "core/src/check/master/rules.rs", "Back::master_checks";
    UnknownIncomeSegment = "M004" => "core/src/check/master/rules.rs", "Back::master_checks";
    UnknownConditionItem = "M005" => "core/src/check/master/rules.rs", "Back::master_checks";
    UnknownConditionCode = "M006" => "core/src/check/master/rules.rs", "Back::master_checks";
    NoMaster = "M007" => "core/src/check/file.rs", "Back::finish_file";
    RepairTrim = "X001" => "core/src/check/repair/mod.rs", "Back::repair_row";
    RepairWidth = "X002" => "core/src/check/repair/mod.rs", "Back::repair_row";
    RepairKana = "X003" => "core/src/check/repair/mod.rs", "Back::repair_row";
    ProposeLongVowel = "X004" => "core/src/check/repair/mod.rs", "Back::repair_row";
    RepairMacJis = "X005" => "core/src/check/repair/mod.rs", "Back::repair_row";
    RepairDate = "X006" => "core/src/check/repair/mod.rs", "Back::repair_row";
    RepairEraOverflow = "X007" => "core/src/check/repair/mod.rs", "Back::repair_row";
    RepairLeadingZeros = "X008" => "core/src/check/repair/mod.rs", "Back::repair_row";
    ProposeMacJis = "X009" => "core/src/check/repair/mod.rs", "Back::repair_row";
    ProposeLeadingZeros = "X010" => "core/src/check/repair/mod.rs", "Back::repair_row";
    RepairExcelSerial = "X011" => "core/src/check/repair/mod.rs", "Back::repair_row";
    RepairAmount = "X012" => "core/src/check/repair/mod.rs", "Back::repair_row";
    RepairCodeLabel = "X013" => "core/src/check/repair/mod.rs", "Back::repair_row";
    RepairInvisible = "X014" => "core/src/check/repair/mod.rs", "Back::repair_row";
    RepairConditions = "X015" => "core/src/check/repair/mod.rs", "Back::repair_row";
    TooManyRemovals = "P001" => "core/src/check/previous.rs", "removal_check";
}

impl Code {
    /// Severity, titles, reason and fix of this code.
    #[expect(
        clippy::too_many_lines,
        reason = "the catalogue is one table on purpose"
    )]
    pub fn info(self) -> CodeInfo {
        use Severity::{Error, Info, Warning};
        let i = |severity, title_ja, title_en, why_ja, why_en, hint_ja, hint_en| CodeInfo {
            severity,
            title_ja,
            title_en,
            why_ja,
            why_en,
            hint_ja,
            hint_en,
        };
        match self {
            Code::EmptyFile => i(
                Error,
                "ファイルが空です",
                "The file is empty",
                "空のファイルをアップロードすると、全件連携ではすべての受給者が削除扱いになるおそれがあります。",
                "An empty upload can make PMH treat every recipient as deleted in full-snapshot mode.",
                "出力元のシステムや Excel から、見出し行とデータを含むファイルを保存し直してください。",
                "Export the file again with its header row and data.",
            ),
            Code::UnknownEncoding => i(
                Error,
                "文字コードを判別できません",
                "Unknown text encoding",
                "UTF-8、Shift_JIS (CP932)、EUC-JP、ISO-2022-JP、BOM 付き UTF-16 のどれでもないバイト列です。テキストの CSV ではない可能性があります。途中まで読めても、一部だけのアップロードファイルは残りの受給者証を削除してしまうため、ファイル全体を読み込みません。",
                "The bytes are none of UTF-8, Shift_JIS (CP932), EUC-JP, ISO-2022-JP or UTF-16 with a BOM; this may not be a text CSV file. Even when a first part is readable the file is not read at all: an upload file of that part would delete the remaining certificates.",
                "Excel で開き、「名前を付けて保存」で「CSV UTF-8(コンマ区切り)」を選んで保存し直してください。",
                "Open it in Excel and save as \"CSV UTF-8 (Comma delimited)\".",
            ),
            Code::HeaderOnly => i(
                Error,
                "データ行がありません",
                "No data rows",
                "見出し行だけのファイルです。全件連携では全員が削除扱いになるおそれがあります。",
                "The file has a header row only; in full-snapshot mode that can delete every recipient.",
                "データ行を含めて保存し直してください。本当に対象者が0人の場合は担当部署に確認してください。",
                "Save the file with its data rows. If there really are no recipients, check with the PMH contact.",
            ),
            Code::MissingColumn => i(
                Error,
                "必須の列がありません",
                "A required column is missing",
                "必須項目の列が見出し行に見つかりません。",
                "The header row has no column for a required field.",
                "見出し行に該当の列を追加してください（列名はレイアウトの日本語名・項目IDのどちらでも可）。",
                "Add the column to the header row (the Japanese label or the field id both work).",
            ),
            Code::DuplicateColumn => i(
                Error,
                "同じ項目の列が重複しています",
                "Duplicate column",
                "同じ項目に対応する列が2つ以上あり、どちらの値を使うべきか決められません。",
                "Two or more columns map to the same field, so it is unclear which value to use.",
                "不要な方の列を削除するか、列名を修正してください。",
                "Delete the unneeded column or rename it.",
            ),
            Code::RaggedRow => i(
                Error,
                "列の数が見出し行と違います",
                "Wrong number of columns",
                "この行の列数が見出し行の列数と一致しません。区切り文字（コンマ）の過不足や、値の中のコンマが原因のことが多いです。",
                "This row has a different number of columns from the header row, usually an extra or missing comma.",
                "値の中にコンマを含む場合は値全体を \" で囲んでください。余分な列や不足している列を修正してください。",
                "Quote values that contain commas, and remove extra or add missing columns.",
            ),
            Code::UnclosedQuote => i(
                Error,
                "引用符 (\") が閉じられていません",
                "Unclosed quote",
                "\" で始まった値が閉じられないままファイルの終わりまで続いています。以降の行が1つの値として読まれています。",
                "A quoted value never ends, so the rest of the file was read as one value.",
                "該当する行の \" の対応を確認し、値の中の \" は \"\" と2つ重ねて書いてください。",
                "Check the quotes on that row; write a quote inside a value as two quotes (\"\").",
            ),
            Code::UndecodableBytes => i(
                Error,
                "文字として読めないバイトがあります",
                "Bytes that are not valid text",
                "判別した文字コードでは文字にならないバイト列が含まれています。文字化けの原因になります。",
                "The row contains bytes that are not valid in the detected encoding; they would become garbage characters.",
                "元のデータで該当行の文字を確認し、UTF-8 で保存し直してください。",
                "Check the characters of this row in the source and save the file as UTF-8 again.",
            ),
            Code::BlankRow => i(
                Warning,
                "空の行があります",
                "Blank row",
                "値が1つもない行です。アップロードファイルからは除かれます。",
                "The row has no values; it is left out of the upload file.",
                "不要な空行なら削除してください。データが消えていないか確認してください。",
                "Delete the blank row if it is not needed, and make sure no data was lost.",
            ),
            Code::NotUtf8 => i(
                Error,
                "UTF-8 ではありません",
                "Not UTF-8",
                "PMH へは UTF-8 の CSV をアップロードします。このファイルは別の文字コードのため文字化けします。",
                "PMH expects a UTF-8 CSV; this file uses another encoding and would be garbled.",
                "Excel の「名前を付けて保存」で「CSV UTF-8(コンマ区切り)」を選ぶか、pmhcsv build で変換してください。",
                "Save as \"CSV UTF-8 (Comma delimited)\" in Excel, or convert it with `pmhcsv build`.",
            ),
            Code::BomMismatch => i(
                Warning,
                "BOM の有無がレイアウトと違います",
                "Byte-order mark differs from the layout",
                "Excel の「CSV UTF-8」は先頭に BOM を付けます。レイアウトの設定と異なります。",
                "Excel's \"CSV UTF-8\" starts the file with a BOM; this file differs from the layout's setting.",
                "Excel で「CSV UTF-8(コンマ区切り)」として保存し直すか、pmhcsv build で出力してください。",
                "Save as \"CSV UTF-8\" in Excel again, or write the file with `pmhcsv build`.",
            ),
            Code::LineEndingMismatch => i(
                Warning,
                "改行コードがレイアウトと違います",
                "Line endings differ from the layout",
                "Excel は CRLF で行を区切ります。このファイルの改行コードはレイアウトの設定と異なります。",
                "Excel separates rows with CRLF; this file uses other line endings than the layout says.",
                "Excel で保存し直すか、pmhcsv build で出力してください。",
                "Save it from Excel again, or write the file with `pmhcsv build`.",
            ),
            Code::DelimiterMismatch => i(
                Error,
                "区切り文字がレイアウトと違います",
                "Wrong delimiter",
                "タブ区切りなど、レイアウトと異なる区切り文字のファイルです。PMH では読み取れません。",
                "The file uses another delimiter (for example tabs) than the layout, which PMH cannot read.",
                "「CSV UTF-8(コンマ区切り)」で保存し直すか、pmhcsv build で変換してください。",
                "Save as \"CSV UTF-8 (Comma delimited)\" or convert with `pmhcsv build`.",
            ),
            Code::UnknownColumn => i(
                Warning,
                "レイアウトにない列名です",
                "Unknown column name",
                "固定項目の間にある列の名前がレイアウトのどの項目とも一致しません。受給者証券面項目として扱います。",
                "A column among the fixed fields matches no field of the layout; it is kept as a certificate-face item.",
                "項目名の誤記であれば正しい日本語名に直してください。券面項目であれば固定項目の後ろへ移してください。",
                "Fix the name if it is a typo; if it is a certificate-face item, move it after the fixed fields.",
            ),
            Code::RecordTooLong => i(
                Error,
                "1行が長すぎて読めません",
                "A line too long to read",
                "改行のないまま 1 MiB を超える行があります。PMH の1行（1件の受給者証）はその千分の一にも届かないため、改行のないファイル、または CSV ではないファイルと考えられます。この行の値は読んでいません。",
                "A line runs past 1 MiB without a line break. A PMH row (one certificate) is not a thousandth of that, so the file likely has no line breaks, or is not a CSV file. The values on this line were not read.",
                "正しいファイルか、1件ごとに改行されているかを確認してください。別のシステムから出力したファイルであれば、1件ごとに改行（CRLF または LF）を入れて出力し直してください。",
                "Check that it is the right file and has one certificate per line. If another system wrote it, export it again with a line break (CRLF or LF) after each certificate.",
            ),
            Code::WorkbookNotUpload => i(
                Error,
                "Excel ブック（.xlsx）はそのままアップロードできません",
                "An Excel workbook (.xlsx) cannot be uploaded as it is",
                "PMH が受け付けるのは CSV（UTF-8）のファイルです。このブックのデータは検査しましたが、このファイル自体はアップロードできません。",
                "PMH takes CSV (UTF-8) files. The workbook's data was checked, but the file itself cannot be uploaded.",
                "pmhcsv build でアップロード用の CSV を作り、その CSV を検査してアップロードしてください（画面では「アップロード用 CSV」をダウンロード）。",
                "Make the upload CSV with pmhcsv build, then check and upload that CSV (on the page: download the upload CSV).",
            ),
            Code::OtherLayoutColumn => i(
                Error,
                "別のレイアウトの項目の列があります",
                "A column of another layout's field",
                "この列は別のレイアウトの項目（例: 差分履歴の履歴キー・削除フラグ）です。差分履歴のファイルを全件連携として送ると、削除フラグの行も有効な受給者証として登録され、ファイルにない受給者証は削除されます。",
                "This column is a field of another layout (e.g. the 差分履歴 layout's history key and deletion flag). A 差分履歴 file sent as a full snapshot registers its deleted rows as valid certificates, and PMH deletes every certificate the file lacks.",
                "差分履歴のファイルなら --layout diff で（画面では「1. 設定と読み込み」のレイアウトで「差分履歴」を選んで）検査してください。全件のファイルなら、この列を削除してください。",
                "If it is a 差分履歴 file, check it with --layout diff (on the page, choose 差分履歴 as the layout in step 1). If it is a full snapshot, delete this column.",
            ),
            Code::RowsInValue => i(
                Error,
                "値の中にほかの行が入っています",
                "Other rows inside a value",
                "引用符（\"）で囲まれた値が複数の行にまたがり、その中にほかの行のようなデータ（区切りの多い行）があります。引用符の付け忘れ・閉じ忘れが2か所あると、その間の行が1つの値として読まれます。その行はアップロードされず、全件連携では PMH から削除されます。",
                "A quoted value spans several lines, and some of them look like other rows (many separators). Two stray quotes make the rows between them one value: those rows are not uploaded, and in a full snapshot PMH deletes them.",
                "元のファイルで、この列の値の引用符（\"）を確認してください。値の中の \" は \"\" と2つ重ねて書きます。",
                "Check the quotes of this column's value in the source file; a quote inside a value is written as two quotes (\"\").",
            ),
            Code::HiddenRows => i(
                Warning,
                "Excel で非表示の行があります",
                "Rows hidden in Excel",
                "ブックのシートに、Excel で非表示にした行（フィルターで絞り込んだときに隠れる行を含む）があり、データが入っています。非表示の行も変換され、アップロードされます（Excel の「CSV で保存」でも書き出されます）。「今月分」に絞り込んだつもりでも、画面に見えていない行まで送られます。",
                "The workbook's sheet has rows hidden in Excel (including rows a filter hides) that hold data. Hidden rows are converted and uploaded too (Excel's own \"Save as CSV\" writes them as well): a list filtered to \"this month\" still sends the rows the filter hides.",
                "Excel でフィルターを解除し、非表示の行を再表示して内容を確認してください。送らない行は削除してから保存し直してください。",
                "In Excel, clear the filter and unhide the rows to check them. Delete the rows that must not be sent, then save the workbook again.",
            ),
            Code::HiddenColumns => i(
                Warning,
                "Excel で非表示の列があります",
                "Columns hidden in Excel",
                "ブックのシートで非表示にした列が、項目（または受給者証券面項目）として読み取られています。非表示の列の値も変換され、アップロードされます。画面に見えていない値が送られます。",
                "Columns hidden in the workbook's sheet are read as fields (or certificate-face items). Their values are converted and uploaded too: values nobody sees on screen are sent.",
                "Excel で非表示の列を再表示して値を確認してください。送らない列は削除してから保存し直してください。",
                "In Excel, unhide the columns and check their values. Delete the columns that must not be sent, then save the workbook again.",
            ),
            Code::HeaderNotLabel => i(
                Warning,
                "見出しがレイアウトの項目名と違います",
                "A header is not the layout's field name",
                "この列は別名や表記の違い（「フリガナ」「氏名(カナ)」、英語名など）から項目を判断して検査しましたが、アップロードファイルの見出しはファイル設計書の項目名どおりが前提です。PMH が見出しを名前で照合するかどうかは公開されていないため、このままでは取り込めないおそれがあります。公式テンプレートから作ったレイアウトに対しては警告、組み込みのレイアウト（公開資料からの再構成で、見出しは推定）に対しては情報です。",
                "The column was checked as the field its alias or spelling names (フリガナ, 氏名(カナ), an English name …), but an upload file's headers are the file design's field names. Whether PMH matches headers by name is not published, so the file may be refused as it is. A warning against a layout made from the official template; information against a built-in layout (a reconstruction from the public documents, whose headers are inferred).",
                "見出しをメッセージに示すレイアウトの項目名に直してください。元データから変換して作るファイルには、項目名どおりの見出しが書き出されます。",
                "Rename the header to the layout's field name given in the message. A file converted from source data is written with the field names as its headers.",
            ),
            Code::ColumnOrder => i(
                Warning,
                "列の順序がレイアウトと違います",
                "The columns are not in the layout's order",
                "列は見出しの名前で項目に対応付けて検査しましたが、ファイル設計書は列の順序を定めています。PMH が列を順序で読む場合、値は別の項目として登録されます（氏名が氏名カナとして、など）。PMH がどちらで読むかは公開されていません。公式テンプレートから作ったレイアウトに対しては警告、組み込みのレイアウト（列の順序は推定）に対しては情報です。",
                "Columns were matched to fields by their headers, but the file design fixes the columns' order. Should PMH read columns by position, values would be registered as other fields (a name as the カナ …); which way PMH reads them is not published. A warning against a layout made from the official template; information against a built-in layout (whose order is inferred).",
                "列をレイアウトの順序に並べ替えてください。元データから変換して作るファイルは、レイアウトの順序で書き出されます。",
                "Put the columns in the layout's order. A file converted from source data is written in the layout's order.",
            ),
            Code::EncodingLooksUtf8 => i(
                Error,
                "指定した文字コードと違うようです",
                "The file looks like another encoding",
                "文字コードを指定して読みましたが、ファイルは UTF-8 として正しいバイト列で、日本語を含んでいます。別の文字コードとして読むと文字化けした値（氏名・住所など）がそのまま検査され、アップロードされます。",
                "The file was read in the encoding you named, but its bytes are valid UTF-8 with Japanese text in it. Read as another encoding, garbled values (names, addresses) would be checked and uploaded as they are.",
                "文字コードの指定を「自動」（--encoding auto）にするか、UTF-8 を指定して読み直してください。",
                "Read it again with the encoding set to automatic (--encoding auto) or UTF-8.",
            ),
            Code::CardItemNamedLikeField => i(
                Info,
                "固定項目と同じ名前の券面項目です",
                "Certificate-face item named like a fixed field",
                "固定項目の後ろにある列の名前が固定項目と同じです。受給者証名や公費負担者番号は券面にも印字されるため（デジタル庁 自治体ベンダ向け資料）、最初の列を固定項目、この列を受給者証券面項目として扱います。",
                "A column after the fixed fields has the name of a fixed field. Certificate names and insurer numbers are also printed on the certificate (Digital Agency vendor briefing), so the first column is the fixed field and this one a certificate-face item.",
                "券面に印字された項目であればこのままで構いません。固定項目のつもりであれば、列の順序と名前を確認してください。",
                "Nothing to do if it is printed on the certificate. If it was meant as the fixed field, check the column order and names.",
            ),
            Code::EmptyHeader => i(
                Warning,
                "見出しが空の列があります",
                "Column without a header",
                "見出しが空欄の列は何の項目かわかりません。アップロードファイルを作るときは、この列の値は入りません（値があれば、その値は送られません）。",
                "A column with an empty header cannot be identified. When the upload file is made, this column's values are left out (any value in it is not sent).",
                "列の見出しを入力するか、不要な列なら削除してください。値がある列なら、見出しを入れてから読み込み直してください。",
                "Give the column a header, or delete it if it is not needed. If the column holds values, give it a header and load the file again.",
            ),
            Code::NoHeader => i(
                Error,
                "見出し行が見つかりません",
                "No header row",
                "1行目がレイアウトのどの項目名とも一致しません。見出し行がないか、別のレイアウトのファイルです。",
                "The first row matches no field name; the header row is missing or this is another layout's file.",
                "1行目に項目名（例: 個人番号, 氏名）の見出し行を入れてください。差分履歴のファイルなら --layout diff を指定してください。",
                "Put a header row with field names first; for a diff-history file use --layout diff.",
            ),
            Code::OptionalColumnAbsent => i(
                Info,
                "任意項目の列がありません",
                "Optional column absent",
                "任意項目の列がありません。すべての行で空欄として扱います。",
                "An optional field has no column; it is treated as empty in every row.",
                "その項目を使う場合は列を追加してください。",
                "Add the column if you use this field.",
            ),
            Code::AmbiguousEncoding => i(
                Error,
                "文字コードを決められません（Shift_JIS と EUC-JP のどちらとしても読めます）",
                "Ambiguous text encoding (valid as Shift_JIS and as EUC-JP)",
                "このファイルのバイト列は Shift_JIS (CP932) としても EUC-JP としても正しく読め、読み方によって氏名や住所が別の文字になります。推測で読むと文字化けしたデータを登録するおそれがあるため、読み込みません。",
                "The bytes are valid both as Shift_JIS (CP932) and as EUC-JP and give different names and addresses; guessing could register garbled data, so the file is not read.",
                "出力元のシステムで文字コードを確認し、--encoding cp932 または --encoding euc-jp（画面では文字コードの選択）で指定してください。できれば UTF-8 で出力し直してください。",
                "Check the encoding with the exporting system and name it: --encoding cp932 or --encoding euc-jp (the page's encoding selector). Better: export UTF-8.",
            ),
            Code::BareQuote => i(
                Error,
                "引用符（\"）の使い方が CSV の規則に合いません",
                "A quote (\") where CSV does not allow one",
                "引用符で囲まれていない値の中の \"（愛知\"花\"子）や、閉じた引用符の後に続く文字（\"2013\"-01-01）は CSV の規則（RFC 4180）に反します。読み取るソフトによって値が変わり（このツールは 2013-01-01 と読みますが、PMH が同じに読むとは限りません）、誤った値で登録されるおそれがあります。",
                "A quote inside an unquoted value (愛知\"花\"子) or text after a closing quote (\"2013\"-01-01) breaks CSV's rules (RFC 4180); parsers read such values differently (this tool reads 2013-01-01, PMH may not), so a wrong value could be registered.",
                "値に \" を含める場合は値全体を \" で囲み、中の \" を \"\" と2つ重ねてください（\"愛知\"\"花\"\"子\"）。不要な \" は削除してください。Excel で保存し直すか pmhcsv build で作り直すと正しく書かれます。",
                "To keep a quote in a value, enclose the whole value in quotes and double the quote inside (\"愛知\"\"花\"\"子\"); otherwise delete it. Saving again from Excel or rebuilding with pmhcsv build writes it correctly.",
            ),
            Code::Required => i(
                Error,
                "必須項目が空です",
                "Required value missing",
                "この項目は必須です。空欄のままでは PMH に登録できません。",
                "This field is required; PMH does not accept the row without it.",
                "元の記録を確認して値を入力してください。",
                "Enter the value from the source record.",
            ),
            Code::Length => i(
                Error,
                "桁数（文字数）が違います",
                "Wrong length",
                "値の文字数がレイアウトの桁数に合いません（桁は文字数で数えます）。",
                "The number of characters does not fit the field's length (lengths count characters).",
                "桁数を確認してください。番号の先頭の 0 が Excel で消えていないかも確認してください。",
                "Check the length; also check that Excel did not drop leading zeros.",
            ),
            Code::Chars => i(
                Error,
                "使えない文字があります",
                "Characters not allowed",
                "この項目で使えない種類の文字が含まれています。",
                "The value has characters that this field does not allow.",
                "全角・半角の違いや、スペース・記号の混入を確認して直してください。",
                "Check full-width/half-width characters and stray spaces or symbols.",
            ),
            Code::Date => i(
                Error,
                "日付が正しくありません",
                "Invalid date",
                "日付はレイアウトの形式（既定は YYYY-MM-DD）の、実在する日付で書きます。",
                "Dates are written in the layout's format (default YYYY-MM-DD) and must exist in the calendar.",
                "例: 2013-01-01。和暦や 2013/1/1 の形式は pmhcsv build で自動変換できます。",
                "Example: 2013-01-01. Japanese-era and 2013/1/1 forms can be converted by `pmhcsv build`.",
            ),
            Code::NotInCodeList => i(
                Error,
                "コードの一覧にない値です",
                "Value not in the code list",
                "この項目は決められたコードのどれかでなければなりません。",
                "This field must be one of the listed codes.",
                "メッセージに示す有効なコードのどれかに直してください。",
                "Use one of the valid codes shown in the message.",
            ),
            Code::Boolean => i(
                Error,
                "フラグの値が正しくありません",
                "Invalid flag value",
                "フラグ項目はレイアウトで決めた表記（既定は 0 または 1）で書きます。",
                "Flags are written in the layout's spelling (default 0 or 1).",
                "0（いいえ）または 1（はい）に直してください。",
                "Use 0 (no) or 1 (yes).",
            ),
            Code::ConditionsSyntax => i(
                Error,
                "追加条件の書き方が正しくありません",
                "Malformed additional conditions",
                "追加条件は「項目コード-コード」を ; で区切って並べます（例: 01-1;02-3）。",
                "Additional conditions are item-code/code pairs joined by ';' (for example 01-1;02-3).",
                "「項目コード-コード;項目コード-コード」の形に直してください。",
                "Rewrite it as item-code-code pairs separated by ';'.",
            ),
            Code::Whitespace => i(
                Warning,
                "値の前後に空白があります",
                "Leading or trailing spaces",
                "氏名・住所などの文字列の前後の空白（全角スペース・改行などを含む）は照合の失敗や登録エラーの原因になります（番号・コード・日付の前後の空白は V015）。",
                "Spaces (including full-width spaces and line breaks) around text such as a name or an address can break matching or registration (around a number, code or date they are V015).",
                "値の前後の空白を削除してください（pmhcsv build は自動で削除し、記録に残します）。",
                "Remove the spaces (`pmhcsv build` trims them and records it).",
            ),
            Code::BomInValue => i(
                Error,
                "値の中に BOM（U+FEFF）があります",
                "A byte-order mark (U+FEFF) inside a value",
                "BOM（EF BB BF）は本来ファイルの先頭だけに置く印です。行の先頭や値の中にあると（CSV を連結したときに起きます）、目に見えないままその値の一部としてアップロードされ、種別IDなどが一致しなくなります。",
                "A BOM (EF BB BF) belongs at the start of the file only. At the start of a row or inside a value (it happens when CSV files are concatenated) it is uploaded, invisibly, as part of the value, and IDs stop matching.",
                "該当の値から BOM を削除してください。CSV ファイルを連結した場合は、2つ目以降のファイルの先頭の BOM と見出し行を除いてから連結してください（pmhcsv build は値の前後と中の BOM を削除し、記録に残します）。",
                "Delete the BOM from the value. When concatenating CSV files, drop the BOM and header row of every file after the first (pmhcsv build deletes a BOM at a value's edges or inside it and records it).",
            ),
            Code::DigitInName => i(
                Error,
                "氏名に数字があります",
                "A digit in the name",
                "氏名に数字が使われることはありません。別の列の値（個人番号、生年月日、電話番号など）が入っていると考えられます。このままでは、その数字が氏名として医療機関の画面に表示されます。",
                "No name contains a digit: the value of another column (a My Number, a birth date, a phone number) is likely in it. As it stands, the digits would be shown as the patient's name at medical institutions.",
                "元のデータで、その行の氏名の列に正しい氏名が入っているか、列がずれていないかを確認してください。",
                "Check in the source that the row's name column holds the name, and that the columns are not shifted.",
            ),
            Code::MyNumberElsewhere => i(
                Error,
                "個人番号の列でない列に個人番号があります",
                "A My Number outside the 個人番号 column",
                "個人番号の列ではない項目や券面項目の値が、チェックデジットの合う12桁の個人番号です。列の対応付けがずれているか、別の人（保護者など）の個人番号です。券面項目は医療機関の画面に表示されます。",
                "A field or certificate-face item that is not the 個人番号 column holds a 12-digit number whose My Number check digit passes: a column mapped one off, or someone else's (a guardian's) My Number. Certificate-face items are shown at medical institutions.",
                "列の対応付けを確認してください。個人番号は個人番号の列にだけ入れ、券面項目には入れないでください。",
                "Check the column mapping. A My Number belongs in the 個人番号 column only, never in a certificate-face item.",
            ),
            Code::InvisibleChar => i(
                Error,
                "値の中に見えない文字があります",
                "An invisible character inside a value",
                "ゼロ幅スペース（U+200B）、ソフトハイフン（U+00AD）、文字の向きを変える制御文字（U+202E など）、タブ・改行などの制御文字は、画面にも印刷にも現れないまま値の一部としてアップロードされます。番号なら別の番号に、氏名なら同じ人の別の書き方になり、照合できません。Web ページや PDF からのコピー＆ペーストで入ります。",
                "A zero-width space (U+200B), a soft hyphen (U+00AD), a direction control (U+202E …) or a control character such as a tab or a line break shows neither on screen nor in print, yet it is uploaded as part of the value: a number becomes another number, a name another spelling of it, and nothing matches. Copying from web pages or PDFs brings them in.",
                "該当の文字を削除してください。値を入力し直すのが確実です（pmhcsv build はゼロ幅文字・書式制御文字を自動で削除し、記録に残します。タブ・改行などの制御文字は手で直してください）。",
                "Delete the character; typing the value again is surest (`pmhcsv build` deletes zero-width and formatting characters and records it; tabs, line breaks and other control characters must be fixed by hand).",
            ),
            Code::EdgeSpaceInCode => i(
                Error,
                "番号・コード・日付の前後に空白があります",
                "Spaces around a number, code or date",
                "番号・コード・日付・フラグは1文字ずつ照合される値です。前後の空白（全角スペース・改行・ゼロ幅スペースを含む）は値の一部としてアップロードされ、PMH がそれを取り除くかは公開されていません。取り除かれなければ、12桁の個人番号が13文字になるように、別の値になります。",
                "Numbers, codes, dates and flags are compared character for character. Spaces around one (full-width spaces, line breaks and zero-width spaces included) are uploaded as part of it, and whether PMH removes them is not published; if it does not, the value is another value (a 12-digit My Number becomes 13 characters).",
                "値の前後の空白を削除してください（pmhcsv build は自動で削除し、記録に残します）。",
                "Remove the spaces (`pmhcsv build` trims them and records it).",
            ),
            Code::FullWidthInCode => i(
                Error,
                "番号・コード・日付に全角の英数字があります",
                "Full-width letters or digits in a number, code or date",
                "番号・コード・日付・フラグは1文字ずつ照合される値です。全角の「０」と半角の「0」は別の文字で、PMH が全角を半角に直すかは公開されていません。直されなければ、医療機関が半角で入力する公費受給者番号などと一致せず、受給者証が見つかりません（全件連携では、前回半角で送った受給者証が削除され、別の受給者証として登録されます）。",
                "Numbers, codes, dates and flags are compared character for character. A full-width \"０\" is another character than \"0\", and whether PMH narrows full-width characters is not published. If it does not, the value does not match what a medical institution types (a recipient number in half-width) and the certificate is not found (in a full upload, the certificate sent in half-width before is deleted and this one registered as another).",
                "半角の英数字で入力し直してください（pmhcsv build は自動で半角にし、記録に残します）。",
                "Type it again in half-width letters and digits (`pmhcsv build` narrows them and records it).",
            ),
            Code::ExcelError => i(
                Error,
                "Excel のエラー値（#N/A など）が値になっています",
                "An Excel error value (#N/A …) in place of a value",
                "数式の結果がエラーになったセル（VLOOKUP で見つからない #N/A、参照先が消えた #REF!、#VALUE! など）が、その表示のまま保存されています。このままでは「#N/A」という文字が氏名などとして登録されます。",
                "A formula that failed (a VLOOKUP that found nothing gives #N/A, a deleted reference #REF!, and #VALUE! …) was saved as it shows. As it stands, the text \"#N/A\" would be registered as a name or another value.",
                "元の Excel で、その列の数式の参照先（検索する表や範囲）を確認し、正しい値が出るようにしてから保存し直してください。値だけを貼り付ける場合も、エラーが消えたことを確かめてください。",
                "In the source workbook, check what the column's formula refers to (the table or range it looks up) until it shows the right value, then save again. When pasting values only, make sure no error is left.",
            ),
            Code::RecipientNumberEmpty => i(
                Warning,
                "公費受給者番号が空です",
                "Public recipient number is empty",
                "PMH の「医療費助成情報照会」では公費受給者番号の入力が必須です（資料 002 の 542 行）。空のままだと、登録した内容を照会できません。",
                "PMH's look-up screen (医療費助成情報照会) requires the public recipient number (seed 002 line 542): a certificate without one cannot be looked up.",
                "受給者証に印字された公費受給者番号を入力してください。",
                "Enter the public recipient number printed on the certificate.",
            ),
            Code::PeriodReversed => i(
                Error,
                "有効期間の開始日が終了日より後です",
                "Validity starts after it ends",
                "有効期間開始日が有効期間終了日より後になっています。",
                "The validity start date is after the end date.",
                "受給者証の有効期間を確認し、開始日と終了日を直してください。",
                "Check the certificate's validity period and correct the dates.",
            ),
            Code::BirthAfterStart => i(
                Warning,
                "生年月日が有効期間開始日より後です",
                "Born after the validity start",
                "生まれる前から有効な受給者証になっています。生年月日か有効期間開始日の誤りの可能性があります。",
                "The certificate would be valid before the person was born; one of the dates is probably wrong.",
                "生年月日と有効期間開始日を元の記録で確認してください。",
                "Check the date of birth and the validity start in the source record.",
            ),
            Code::BirthImpossible => i(
                Error,
                "ありえない生年月日です",
                "An impossible date of birth",
                "生年月日が基準日（今日）より後か、1900年より前です。まだ生まれていない人や125歳を超える人の受給者証はありません。和暦の元号の取り違え（令和と昭和など）、西暦の入力誤り、仮の値（0000-01-01）が考えられます。",
                "The date of birth is after the reference date (today) or before 1900: nobody not yet born, or older than 125, holds a certificate. An era mistaken for another (令和 for 昭和), a mistyped year or a placeholder (0000-01-01) is likely.",
                "生年月日を元の記録で確認して直してください。",
                "Check the date of birth in the source record and correct it.",
            ),
            Code::ExpiredInFull => i(
                Warning,
                "有効期間が基準日より前に終わっています（全件）",
                "Validity ended before the reference date (full snapshot)",
                "全件連携で送るのは現時点で有効な受給者証（と、更新前なら切り替え後の未来日分の証）です（資料 004 Q76）。期限切れの証を送ると、PMH に有効な証として残るおそれがあります。",
                "A full snapshot sends the certificates valid now (and, before a renewal, the next ones) (seed 004 Q76). An expired certificate sent may stay registered at PMH as if valid.",
                "期限切れの行を削除してください。まだ有効な証なら有効期間終了日を確認してください。基準日は --as-of で指定できます（既定は今日）。",
                "Delete the expired rows; if the certificate is still valid, check its end date. Set the reference date with --as-of (default: today).",
            ),
            Code::DuplicateCertificate => i(
                Error,
                "同じ受給者証が重複しています",
                "Duplicate certificate",
                "受給者証を特定するキー（既定では個人番号・公費受給者番号・受給者証サブキー。レイアウトの keys.certificate）と機関別受給者証種別IDと有効期間が同じ行が2つあります。",
                "Two rows have the same certificate key (by default My Number, recipient number and sub-key: the layout's keys.certificate), certificate type ID and validity period.",
                "重複している行のどちらかを削除してください。別の受給者証なら受給者証サブキーで区別してください。",
                "Delete one of the rows; if they are different certificates, tell them apart with the sub-key.",
            ),
            Code::OverlappingPeriods => i(
                Error,
                "同じ受給者証の有効期間が重なっています",
                "Overlapping validity periods",
                "同じ受給者証の行の有効期間が重なっています。どちらの内容が有効か決められません。",
                "Rows of the same certificate have overlapping validity periods, so it is unclear which applies.",
                "古い行の有効期間終了日を新しい行の開始日の前日にするなど、期間が重ならないように直してください。",
                "Make the periods not overlap, e.g. end the old row the day before the new one starts.",
            ),
            Code::DuplicateHistoryKey => i(
                Error,
                "同じ受給者証で履歴キーが重複しています",
                "Duplicate history key",
                "差分履歴では、1つの受給者証の履歴ごとに異なる履歴キーが必要です。",
                "In diff history every history row of one certificate needs its own history key.",
                "重複している行の履歴キーを、その受給者証の中で一意になるように直してください。",
                "Give each history row of the certificate a distinct history key.",
            ),
            Code::CertificateTypeOnly => i(
                Warning,
                "機関別受給者証種別IDだけが異なる受給者証があります",
                "Certificates differ only by their type ID",
                "PMHは受給者証を個人番号・公費受給者番号・受給者証サブキーで特定します（デジタル庁 自治体ベンダ向け資料 連携単位）。この2行はそれらが同じで、有効期間も同じか重なっており、機関別受給者証種別IDだけが異なります。PMHでは1つの受給者証として扱われ、一方がもう一方を上書きするおそれがあります。",
                "PMH identifies a certificate by My Number, recipient number and sub-key (Digital Agency vendor briefing, 連携単位). These two rows share them, their validity periods are the same or overlap, and only the certificate type ID differs: PMH would take them as one certificate, one overwriting the other.",
                "別の受給者証であれば、それぞれに異なる受給者証サブキーを付番してください（公費受給者番号で受給者証を一意に特定できない場合はサブキーを付番する、とされています）。同じ受給者証であれば、誤った方の行を削除してください。",
                "If they are different certificates, give each its own 受給者証サブキー (the briefing asks for a sub-key whenever the recipient number does not identify one certificate). If they are the same certificate, delete the wrong row.",
            ),
            Code::BirthDateConflict => i(
                Error,
                "同じ個人番号で生年月日が違う行があります",
                "One My Number with two dates of birth",
                "PMH は受給者証を受給者本人の個人番号に結び付けます（こども医療で制度上の受給者が保護者でも、連携先は子ども本人の個人番号です。資料 004 Q31）。個人番号は一人に一つで、生年月日も一人に一つです。個人番号が同じで生年月日が違う2行は、どちらかが別の人の個人番号か、誤った生年月日です。保護者の個人番号を子どもの行に入れた場合などに起こり、チェックデジットでは見つかりません。このままでは、その行の受給者証が別の人に結び付きます。",
                "PMH attaches a certificate to the recipient's own My Number (for children's medical care, the child's, even where the municipality's recipient is the parent: seed 004 Q31). A My Number is one person's, and a person has one date of birth. Two rows with the same number and different dates of birth mean that one row holds another person's number, or a wrong date. It happens when a parent's number is entered in a child's row (children's medical care, for example), and the check digit cannot tell. As it stands, that row's certificate is attached to another person.",
                "指摘された行と、メッセージが示す行の個人番号と生年月日を、元の記録（住民記録・申請書）で確認して直してください。",
                "Check the My Number and the date of birth of both rows (the one flagged and the one the message names) in the source records, and correct them.",
            ),
            Code::MyNumberCheckDigit => i(
                Error,
                "個人番号のチェックデジットが合いません",
                "My Number check digit is wrong",
                "個人番号の検査用数字（12桁目）が計算と合いません。誤った番号は受給者が資格を確認できないだけでなく、別人に助成が結び付くおそれがあります。",
                "The 12th digit does not match the check digit. A wrong My Number can block the recipient or, worse, attach the subsidy to another person.",
                "元の記録（住民記録・申請書）で個人番号を確認してください。どの桁が誤っているかはわからないため、最後の桁だけを直さないでください。",
                "Re-check the number in the source record. Any digit may be wrong: do not just change the last digit.",
            ),
            Code::MyNumberExponent => i(
                Error,
                "番号（個人番号・公費受給者番号など）が Excel の指数表示で壊れています",
                "A number (My Number, recipient number …) destroyed by Excel's exponent format",
                "2.10988E+11 のような指数表示の値は、Excel が表示桁数に丸めたもので、下の桁が失われています。16桁以上の番号は Excel が15桁しか保持しないため、ブックから読んだ値もこの形になります。このファイルからは元の番号を復元できません。",
                "A value like 2.10988E+11 is Excel's rounded display; the lower digits are lost. Excel keeps 15 digits, so a number of 16 or more digits read from a workbook takes this form too. It cannot be recovered from this file.",
                "元のシステムから出力し直すか、Excel で列の書式を「文字列」にしてから貼り付け直し、「CSV UTF-8」で保存してください。",
                "Export again from the source system, or format the column as Text in Excel before pasting, then save as CSV UTF-8.",
            ),
            Code::InsurerCheckDigit => i(
                Error,
                "公費負担者番号の検証番号が合いません",
                "Public insurer number check digit is wrong",
                "公費負担者番号の8桁目（検証番号）が計算と合いません。この番号はそのままレセコンに連携されます。",
                "The 8th digit does not match the check digit; the number is passed to medical billing systems as is.",
                "正しい検証番号をメッセージに示します。受給者証に誤った番号が印字されている場合は、設定ファイルの既知番号一覧に登録すると警告扱いになります。",
                "The expected digit is shown. If certificates were printed with this wrong number, list it as a known number in the configuration to downgrade the finding.",
            ),
            Code::InsurerPrefecture => i(
                Error,
                "公費負担者番号の都道府県番号が正しくありません",
                "Invalid prefecture in the public insurer number",
                "公費負担者番号の3〜4桁目は都道府県番号（01〜47）です。",
                "Digits 3–4 of the public insurer number are the prefecture code (01–47).",
                "受給者証の公費負担者番号を確認してください。",
                "Check the public insurer number on the certificate.",
            ),
            Code::RecipientCheckDigit => i(
                Warning,
                "公費受給者番号の検証番号が合いません",
                "Public recipient number check digit is wrong",
                "国の公費制度の受給者番号（7桁）の最後の桁は検証番号です。計算と合いません。",
                "For national programmes the 7th digit of the recipient number is a check digit; it does not match.",
                "受給者証の番号を確認してください。先頭の 0 が消えていないかも確認してください。",
                "Check the number on the certificate, including leading zeros Excel may have dropped.",
            ),
            Code::MedicalInstitutionCheckDigit => i(
                Error,
                "医療機関コードの検証番号が合いません",
                "Medical institution code check digit is wrong",
                "10桁の医療機関コードの最後の桁（検証番号）が計算と合いません。",
                "The last digit of the 10-digit medical institution code does not match its check digit.",
                "医療機関コードを地方厚生局の一覧などで確認してください。",
                "Check the code against the regional health bureau's list.",
            ),
            Code::MyNumberSameDigits => i(
                Warning,
                "個人番号がすべて同じ数字です",
                "My Number is one repeated digit",
                "000000000000 のような番号は計算上は正しくても、発行された番号ではありません（仮の値の可能性）。",
                "A number such as 000000000000 passes the formula but is not an issued number (probably a placeholder).",
                "元の記録で正しい個人番号を確認してください。",
                "Look up the real number in the source record.",
            ),
            Code::InsurerCheckDigitOverridden => i(
                Warning,
                "検証番号の誤りを既知の番号として許可しました",
                "Known wrong check digit accepted by override",
                "公費負担者番号の検証番号は計算と合いませんが、設定の既知番号一覧にあるため警告として扱いました。",
                "The check digit is wrong, but the number is in the configured list of known numbers, so this is a warning.",
                "受給者証の印字が訂正されたら、既知番号一覧から削除してください。",
                "Remove it from the known-number list once the certificates are corrected.",
            ),
            Code::Gaiji => i(
                Error,
                "外字（私用領域の文字）があります",
                "Private-use character (外字)",
                "外字は作成したパソコンでしか正しく表示されず、PMH や医療機関では別の文字や空白になります。",
                "A private-use character only displays correctly on the PC that defined it; elsewhere it becomes another character or a blank.",
                "住民記録の正字・標準字形に置き換えてください（例: 髙→高）。置き換えられない場合は担当部署に確認してください。",
                "Replace it with the standard character from the resident record; if that is impossible, ask the PMH contact.",
            ),
            Code::VendorChar => i(
                Warning,
                "機種依存文字があります",
                "Vendor-specific character",
                "NEC・IBM 拡張文字（①、㈱、髙、﨑 など）は JIS 規格外で、受け取る側のシステムによっては表示できません。",
                "NEC/IBM extension characters (①, ㈱, 髙, 﨑 …) are outside JIS X 0208 and may not display in receiving systems.",
                "メッセージに示す標準の文字への置き換えを検討してください。",
                "Consider the standard character shown in the message.",
            ),
            Code::OutsideCp932 => i(
                Warning,
                "Shift_JIS で表せない文字があります",
                "Character outside Shift_JIS (CP932)",
                "𠮷 などの JIS X 0213 の文字や絵文字は、Shift_JIS を使うシステムでは表示できないことがあります。",
                "Characters such as 𠮷 (JIS X 0213) or emoji cannot be shown by systems that use Shift_JIS.",
                "受給者証の表記と照らし、必要なら標準の文字に置き換えてください。",
                "Check against the certificate and replace with a standard character if needed.",
            ),
            Code::NotInOutputEncoding => i(
                Error,
                "アップロード用ファイルの文字コード（Shift_JIS）で書けない文字があります",
                "A character the upload file's encoding (Shift_JIS) cannot hold",
                "レイアウトの出力文字コードが Shift_JIS（CP932）のため、𠮷 などの JIS X 0213 の文字や絵文字は書き出せません。書き出すと「&#134071;」のような文字列に置き換わり、そのまま氏名や住所として登録されてしまいます。",
                "The layout writes the upload file in Shift_JIS (CP932), which cannot hold characters such as 𠮷 (JIS X 0213) or emoji: they would be written as text like \"&#134071;\" and registered as part of the name or address.",
                "受給者証の表記と照らして標準の文字（「吉」など）に置き換えるか、レイアウトの出力文字コードを UTF-8 にしてください（PMH の手引きの形式は CSV UTF-8 です）。",
                "Replace it with the standard character (吉 …) after checking the certificate, or set the layout's output encoding to UTF-8 (the PMH manual's format is CSV UTF-8).",
            ),
            Code::LostCharacter => i(
                Error,
                "変換で失われた文字の跡があります",
                "A trace of a character lost in a conversion",
                "氏名・住所の「?」は、Shift_JIS（CP932）で保存したときに表せなかった文字（𠮷 など）が置き換わったものです。全角の「？」、「〓」（げた記号）、「●」も、ほかの変換が失った文字の代わりに置く記号です（住民記録から移した氏名の「●化」など）。「&#134071;」のような文字参照は、文字をその番号で書いたものです。どれもそのままの文字列で登録され、医療機関の画面に「?田花子」「●田花子」「&#134071;田花子」と表示されます。",
                "A \"?\" in a name or an address is what a Shift_JIS (CP932) save writes for a character it cannot hold (such as 𠮷); a full-width \"？\", \"〓\" (geta mark) or \"●\" is what other conversions put in its place (names moved from the resident register were so replaced by ●); a character reference such as \"&#134071;\" is a character written as its number. Each is registered as it stands, and medical institutions would see \"?田花子\", \"●田花子\" or \"&#134071;田花子\".",
                "元のデータ（住民記録など）で正しい文字を確かめて入力し直してください。文字参照はメッセージに示す文字を表しています。",
                "Check the right character in the source data (the resident register …) and type it again. A character reference stands for the character the message names.",
            ),
            Code::HalfwidthKanaInText => i(
                Warning,
                "半角カナがあります",
                "Half-width katakana",
                "氏名・住所などに半角カナが含まれています。全角で入力するのが一般的です。",
                "Names or addresses contain half-width katakana; full-width is the usual form.",
                "全角カナに直してください（カナ氏名の列は pmhcsv build が自動で全角にします）。",
                "Use full-width katakana (`pmhcsv build` converts the カナ name column automatically).",
            ),
            Code::UnknownCertificateType => i(
                Error,
                "制度マスタにない受給者証種別IDです",
                "Certificate type not in the master",
                "機関別受給者証種別ID は、自治体が PMH に登録した制度マスタの値でなければなりません。",
                "The certificate type ID must be one that the municipality registered in its PMH master.",
                "メッセージに示す登録済みの種別IDに直すか、制度マスタを確認してください。",
                "Use one of the registered IDs shown, or check the master.",
            ),
            Code::InsurerNotRegistered => i(
                Error,
                "この種別に登録されていない公費負担者番号です",
                "Insurer number not registered for this type",
                "制度マスタでは、この受給者証種別に別の公費負担者番号（または法別番号）が登録されています。",
                "The master registers another insurer number (or 法別) for this certificate type.",
                "受給者証の公費負担者番号と種別IDの組み合わせを確認してください。",
                "Check the pair of insurer number and certificate type on the certificate.",
            ),
            Code::UnknownSegment => i(
                Error,
                "制度マスタにない区分です",
                "Segment not in the master",
                "区分はこの受給者証種別について制度マスタに登録したコードでなければなりません。",
                "The segment must be a code registered in the master for this certificate type.",
                "メッセージに示す有効なコードに直してください。",
                "Use one of the valid codes shown.",
            ),
            Code::UnknownIncomeSegment => i(
                Error,
                "制度マスタにない所得区分です",
                "Income segment not in the master",
                "所得区分はこの受給者証種別について制度マスタに登録したコードでなければなりません。",
                "The income segment must be a code registered in the master for this certificate type.",
                "メッセージに示す有効なコードに直してください。",
                "Use one of the valid codes shown.",
            ),
            Code::UnknownConditionItem => i(
                Error,
                "制度マスタにない追加条件の項目コードです",
                "Additional-condition item not in the master",
                "追加条件の項目コードは制度マスタに登録したものでなければなりません。",
                "The item code of an additional condition must be registered in the master.",
                "メッセージに示す有効な項目コードに直してください。",
                "Use one of the valid item codes shown.",
            ),
            Code::UnknownConditionCode => i(
                Error,
                "制度マスタにない追加条件のコードです",
                "Additional-condition code not in the master",
                "追加条件のコードは、その項目について制度マスタに登録したものでなければなりません。",
                "The code must be registered in the master for that item.",
                "メッセージに示す有効なコードに直してください。",
                "Use one of the valid codes shown.",
            ),
            Code::NoMaster => i(
                Info,
                "制度マスタの照合を行っていません",
                "Master checks skipped",
                "制度マスタ（--master）が指定されていないため、種別ID・区分・所得区分・追加条件の登録値との照合を省略しました。",
                "No municipality master (--master) was given, so type IDs, segments and conditions were not checked against it.",
                "自治体の制度マスタを CSV で用意し、--master で指定してください（pmhcsv master --template で雛形を出力できます）。",
                "Provide the municipality master as CSV with --master (`pmhcsv master --template` prints a template).",
            ),
            Code::RepairTrim => i(
                Info,
                "前後の空白を削除しました",
                "Trimmed spaces",
                "値の前後の空白・改行・ゼロ幅文字を削除しました。",
                "Spaces, line breaks and zero-width characters around the value were removed.",
                "修正後の値を確認してください。",
                "Check the corrected value.",
            ),
            Code::RepairWidth => i(
                Info,
                "全角の英数字を半角にしました",
                "Full-width letters and digits made half-width",
                "番号・コード・日付の項目は半角で登録します。",
                "Numbers, codes and dates are registered in half-width characters.",
                "修正後の値を確認してください。",
                "Check the corrected value.",
            ),
            Code::RepairKana => i(
                Info,
                "半角カナを全角カナにしました",
                "Half-width katakana made full-width",
                "カナ氏名は全角カタカナで登録します（濁点・半濁点は1文字にまとめました）。",
                "The katakana name is registered in full-width katakana (voiced marks combined).",
                "修正後の値を確認してください。",
                "Check the corrected value.",
            ),
            Code::ProposeLongVowel => i(
                Warning,
                "長音記号の誤りの可能性があります（修正案）",
                "Probably a mistyped long-vowel mark (proposal)",
                "カタカナの後のハイフンやダッシュは、長音記号「ー」の入力誤りであることが多いです。自動では直していません。",
                "A hyphen or dash after katakana is usually a mistyped long-vowel mark ー. Not changed automatically.",
                "修正案の値でよければ、その値に直してください（画面では「修正案を適用」で直せます）。",
                "If the proposal is right, use it (the web app applies it with one click).",
            ),
            Code::RepairMacJis => i(
                Info,
                "Mac/JIS の記号を Windows の文字にしました",
                "Mac/JIS symbol replaced by its Windows form",
                "〜（波ダッシュ）や −（マイナス記号）は Shift_JIS（Windows）で表せないため、対応する文字（～、－）にしました。",
                "〜 (wave dash) and − (minus sign) cannot be written in Shift_JIS (Windows), so they were replaced by ～ and －.",
                "修正後の値を確認してください。",
                "Check the corrected value.",
            ),
            Code::RepairDate => i(
                Info,
                "日付の書き方を直しました",
                "Date rewritten",
                "和暦・スラッシュ区切り・Excel のシリアル値などの日付を、レイアウトの形式（既定は YYYY-MM-DD）にしました。",
                "Japanese-era, slash-separated and Excel-serial dates were rewritten in the layout's format (default YYYY-MM-DD).",
                "修正後の日付が受給者証と一致するか確認してください。",
                "Check that the rewritten date matches the certificate.",
            ),
            Code::RepairEraOverflow => i(
                Warning,
                "改元後の和暦年（平成32年など）を読み替えました",
                "Era year past the era's end read across",
                "改元前に印刷された受給者証には「平成32年3月31日」のような日付があり、有効とされています（令和2年3月31日 = 2020-03-31）。",
                "Certificates printed before the 2019 era change carry dates such as 平成32年3月31日, which are valid (= 2020-03-31).",
                "読み替えた日付が正しいか確認してください。",
                "Check the date that was read across.",
            ),
            Code::RepairExcelSerial => i(
                Warning,
                "数値を Excel の日付シリアル値として日付にしました",
                "A number read as an Excel date serial",
                "日付の列の数値（41275 など）は Excel が日付をシリアル値で書き出したものと読み、日付にしました（41275 = 2013-01-01）。数値の入力間違いでも日付になるため、1900年3月1日〜2100年12月31日（61〜73415）の範囲だけを読み、確認を求めます。",
                "A number in a date column (e.g. 41275) is read as the serial Excel writes for a date (41275 = 2013-01-01). A mistyped number would become a date too, so only 61–73415 (1900-03-01 to 2100-12-31) are read, and each is to be confirmed.",
                "修正後の日付が受給者証と一致するか確認してください。元の Excel で列の表示形式を「日付」にして保存し直すと確実です。",
                "Check the date against the certificate. Saving the column with a date format in Excel avoids the question.",
            ),
            Code::RepairAmount => i(
                Info,
                "金額を数字だけにしました",
                "Amount written as digits",
                "「10,000円」「￥10,000」「1万円」のように入力された金額を、円単位の数字（10000）にしました。読み方が一つに決まる書き方だけを直し、「約1万円」「10.000」「1万5千円」などはそのまま（エラー）にします。",
                "An amount typed as 「10,000円」, 「￥10,000」 or 「1万円」 became whole yen in digits (10000). Only forms with one reading are changed; 「約1万円」, 「10.000」 or 「1万5千円」 stay as they are (an error).",
                "修正後の金額が受給者証と一致するか確認してください。元のデータで金額を数字だけで入力すると確実です。",
                "Check the amount against the certificate. Entering amounts as plain digits in the source avoids the question.",
            ),
            Code::RepairCodeLabel => i(
                Warning,
                "コードの名称をコードにしました",
                "A code's label replaced by the code",
                "コードの列に、コード表の名称やレイアウトが認める別名（性別「女」「女性」→ 2 など）やフラグの「有」「無」「はい」「いいえ」が入っていたため、コードにしました。コード表に完全に一致するものだけを直し、推測はしません。",
                "A code column held the label of a code, or an alias the layout's code table lists (sex 「女」/「女性」 → 2), or a flag word (「有」「無」「はい」「いいえ」): it became the code. Only exact matches are changed; nothing is guessed.",
                "修正後のコードが受給者証と一致するか確認してください（性別の 1=男・2=女 は推定のコード表です）。元のデータでコードを入力すると確実です。",
                "Check the code against the certificate (the sex table 1 = male, 2 = female is inferred). Entering codes in the source avoids the question.",
            ),
            Code::RepairInvisible => i(
                Info,
                "見えない文字を削除しました",
                "Invisible characters deleted",
                "値の中のゼロ幅スペース・ソフトハイフン・書式制御文字（U+200B、U+00AD、U+202E など）を削除しました。目に見える文字は変わっていません。",
                "Zero-width spaces, soft hyphens and formatting characters (U+200B, U+00AD, U+202E …) inside the value were deleted; every visible character is unchanged.",
                "修正後の値を確認してください。元のデータにも同じ文字が入っているため、元のデータも直すと次回から出なくなります。",
                "Check the corrected value. The source data holds the same characters: fixing it there stops this repair from recurring.",
            ),
            Code::RepairConditions => i(
                Info,
                "追加条件を決まった書き方に整えました",
                "Additional conditions written in the layout's form",
                "追加条件の「‐」（U+2010、仕様書の表記）を半角の「-」にし、項目の前後の空白と末尾の「;」を除いて「01-1;02-3」の形にしました。内容は変わっていません。",
                "The additional conditions were written as `01-1;02-3`: the hyphen U+2010 (as the specification prints it) became `-`, and spaces around entries and a trailing `;` were dropped. The content is unchanged.",
                "対応は不要です。元のデータを同じ形にすると、次回から出なくなります。",
                "Nothing to do. Writing the source in the same form stops this note.",
            ),
            Code::RepairLeadingZeros => i(
                Warning,
                "先頭の 0 を補いました",
                "Leading zeros restored",
                "Excel の数値のセルは先頭の 0 を持てないため、0 が消えたことが確かなセル（.xlsx の数値）に限って 0 を補い、検査用数字が合うことを確認しました。",
                "An Excel number cannot keep leading zeros, so they were restored where the workbook proves they were lost (an .xlsx number cell); the check digit matches after restoring.",
                "元の記録の番号と一致するか確認してください。",
                "Check that the number matches the source record.",
            ),
            Code::ProposeMacJis => i(
                Warning,
                "氏名・住所の Mac/JIS の記号（修正案）",
                "Mac/JIS symbol in a name or address (proposal)",
                "〜（波ダッシュ）などは Shift_JIS で表せません。氏名・住所は自動では直していません。",
                "〜 (wave dash) and similar cannot be written in Shift_JIS. Names and addresses are never changed automatically.",
                "修正案の値でよければ、その値に直してください。",
                "If the proposal is right, use it.",
            ),
            Code::ProposeLeadingZeros => i(
                Warning,
                "先頭の 0 を補う修正案",
                "Leading zero proposed",
                "0 を補うと検査用数字は合いますが、Excel で 0 が消えたのか、1桁抜けたのか（その場合は別の人の番号になり得ます）はファイルからは分かりません。そのため自動では直していません。",
                "The check digit matches with a leading zero, but whether Excel dropped a zero or a digit was lost (which can give another person's number) cannot be told from the file, so it was not changed.",
                "元の記録（住民記録・申請書）で番号を確認し、正しければ修正案の値に直してください。Excel で作る場合は、列を「文字列」にしてから入力すると 0 は消えません。",
                "Check the number in the source record and use the proposal if it is right. In Excel, format the column as Text before typing so the zero is kept.",
            ),
            Code::TooManyRemovals => i(
                Error,
                "前回のアップロードより受給者証が大きく減っています",
                "Many certificates missing since the last upload",
                "全件連携では、ファイルにない受給者証は削除されたものとして PMH から消され、翌日から医療機関で確認できなくなります。Excel のフィルター、途中で止まった出力、別のシートなどで行が欠けていると、その受給者全員が窓口で資格を確認できなくなります。",
                "In a full upload PMH deletes every certificate the file lacks; they can no longer be confirmed at medical institutions. A filter left on in Excel, an export that stopped half way or the wrong sheet deletes all of those recipients.",
                "前回のファイルにあって今回ないとされた受給者証（前回ファイルの行番号）を確認してください。本当に削除してよい場合だけ、--max-removals で上限を指定して（例: --max-removals 50 または 10%）実行し直してください。",
                "Check the certificates listed as missing (rows of the previous file). Only if they really are to be deleted, run again with a higher --max-removals (e.g. 50 or 10%).",
            ),
        }
    }

    /// The code's default severity.
    pub fn severity(self) -> Severity {
        self.info().severity
    }

    /// Whether the code is on [`STRICT_WHEN_INFERRED`].
    pub fn strict_when_inferred(self) -> bool {
        STRICT_WHEN_INFERRED.contains(&self)
    }

    /// The inferred-rule policy ([`STRICT_WHEN_INFERRED`]): the severity a finding of this code
    /// gets when its rule's basis is `basis` and it would otherwise be `severity`.
    #[must_use]
    pub fn policy_severity(self, basis: Basis, severity: Severity) -> Severity {
        if basis == Basis::Verified || self.strict_when_inferred() {
            severity
        } else {
            severity.max(Severity::Warning)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_round_trips() {
        for c in Code::ALL {
            assert_eq!(Code::parse(c.as_str()), Some(*c));
            assert_eq!(Code::parse(&c.as_str().to_lowercase()), Some(*c));
        }
        assert_eq!(Code::parse("Z999"), None);
    }

    #[test]
    fn index_matches_position() {
        for (i, c) in Code::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
        }
    }
}
