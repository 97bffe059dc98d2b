//! Every sentence a finding can produce, in Japanese and English: the only place that turns the
//! facts of a [`Diagnostic`] into words. Translators review this file alone.

use crate::findings::codes::Code;
use crate::findings::diagnostic::{Detail, Diagnostic};
use crate::layout::{Layout, Personal, ValueType};
use crate::output::render::Lang;

/// A finding's sentence in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Japanese.
    pub ja: String,
    /// English.
    pub en: String,
}

/// Masks a personal value for display: My Number keeps its first and last four digits
/// (`1234****9018`), names and addresses their first character, birth dates their year.
pub fn mask(kind: Personal, value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    match kind {
        Personal::None => value.to_owned(),
        Personal::MyNumber => {
            if chars.len() >= 10 {
                let head: String = chars[..4].iter().collect();
                let tail: String = chars[chars.len() - 4..].iter().collect();
                format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
            } else {
                "*".repeat(chars.len())
            }
        }
        Personal::Name | Personal::Address => chars
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 || c.is_whitespace() {
                    *c
                } else {
                    '＊'
                }
            })
            .collect(),
        Personal::BirthDate => chars
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i >= 4 && (c.is_ascii_digit() || ('０'..='９').contains(c)) {
                    '*'
                } else {
                    *c
                }
            })
            .collect(),
    }
}

/// The value of a finding as it may be shown: masked unless `show_values`.
pub fn shown_value(layout: &Layout, d: &Diagnostic, show_values: bool) -> Option<String> {
    let v = d.value.as_deref()?;
    let kind = d
        .field
        .and_then(|i| layout.fields.get(i))
        .map_or(Personal::None, |f| f.personal);
    Some(if show_values {
        v.to_owned()
    } else {
        mask(kind, v)
    })
}

/// Longest value echoed in a message, in characters.
const ECHO_MAX: usize = 40;

fn quoted(v: Option<&str>) -> (String, String) {
    match v {
        Some(v) => {
            let n = v.chars().count();
            let v: String = if n > ECHO_MAX {
                let head: String = v.chars().take(ECHO_MAX).collect();
                format!("{head}…")
            } else {
                v.to_owned()
            };
            let v = v.replace(['\r', '\n'], "↵");
            (format!("「{v}」"), format!("\"{v}\""))
        }
        None => (String::new(), String::new()),
    }
}

fn char_name(c: char) -> String {
    let shown = if c.is_control() || c.is_whitespace() {
        String::new()
    } else {
        format!("「{c}」")
    };
    format!("{shown}(U+{:04X})", u32::from(c))
}

fn length_rule(min: Option<u32>, max: Option<u32>) -> (String, String) {
    match (min, max) {
        (Some(a), Some(b)) if a == b => (format!("{a}桁ちょうど"), format!("exactly {a}")),
        (Some(a), Some(b)) => (format!("{a}〜{b}桁"), format!("{a} to {b}")),
        (None, Some(b)) => (format!("{b}桁以内"), format!("at most {b}")),
        (Some(a), None) => (format!("{a}桁以上"), format!("at least {a}")),
        (None, None) => (String::new(), String::new()),
    }
}

/// Lists allowed codes as `1（男）、2（女）`, the first `limit` of them.
fn code_list(layout: &Layout, field: Option<usize>, limit: usize) -> (String, String) {
    let Some(f) = field.and_then(|i| layout.fields.get(i)) else {
        return (String::new(), String::new());
    };
    let more = f.codes.len().saturating_sub(limit);
    let mut ja: Vec<String> = f
        .codes
        .iter()
        .take(limit)
        .map(|c| format!("{}（{}）", c.code, c.ja))
        .collect();
    let mut en: Vec<String> = f
        .codes
        .iter()
        .take(limit)
        .map(|c| {
            format!(
                "{} ({})",
                c.code,
                if c.en.is_empty() { &c.ja } else { &c.en }
            )
        })
        .collect();
    if more > 0 {
        ja.push(format!("ほか{more}件"));
        en.push(format!("and {more} more"));
    }
    (ja.join("、"), en.join(", "))
}

/// Builds the sentence of one finding.
#[expect(
    clippy::too_many_lines,
    reason = "one arm per code keeps every sentence in one place"
)]
pub fn message(layout: &Layout, d: &Diagnostic, show_values: bool) -> Message {
    let field = d.field.and_then(|i| layout.fields.get(i));
    let (label_ja, label_en) = field.map_or((String::new(), String::new()), |f| {
        (f.label_ja.clone(), f.label_en.clone())
    });
    let value = shown_value(layout, d, show_values);
    let (v_ja, v_en) = quoted(value.as_deref());
    let (ja, en): (String, String) = match (d.code, &d.detail) {
        (Code::EmptyFile, _) => (
            "ファイルが空です（0バイト）。".into(),
            "The file is empty (0 bytes).".into(),
        ),
        (Code::UnknownEncoding, Detail::Header { header, .. }) => (
            format!("文字コードを判別できません（{header}）。"),
            format!("Cannot tell the text encoding ({header})."),
        ),
        (Code::UnknownEncoding, _) => (
            "UTF-8 としても Shift_JIS としても読めないバイト列です。".into(),
            "The bytes are neither valid UTF-8 nor Shift_JIS.".into(),
        ),
        (Code::HeaderOnly, _) => (
            "見出し行だけで、データ行が1行もありません。".into(),
            "The file has a header row but no data rows.".into(),
        ),
        (Code::MissingColumn, _) => (
            format!("必須項目「{label_ja}」の列が見出し行にありません。"),
            format!("The header row has no column for the required field \"{label_en}\"."),
        ),
        (
            Code::DuplicateColumn,
            Detail::Header {
                header,
                other_column,
                ..
            },
        ) => {
            let other = other_column
                .map(crate::findings::diagnostic::column_letter)
                .unwrap_or_default();
            (
                format!("列「{header}」は{other}列と同じ項目「{label_ja}」を表しています。"),
                format!("Column \"{header}\" maps to \"{label_en}\", like column {other}."),
            )
        }
        (Code::RaggedRow, Detail::Ragged { expected, found }) => (
            format!("この行は{found}列ありますが、見出し行は{expected}列です。"),
            format!("This row has {found} columns; the header row has {expected}."),
        ),
        (Code::UnclosedQuote, Detail::Lines { count }) => (
            format!(
                "この行で始まった \" が閉じられず、ファイルの終わりまでの{count}行が1つの値として読まれました。"
            ),
            format!(
                "A quote opened on this row never closes; the remaining {count} lines were read as one value."
            ),
        ),
        (Code::UndecodableBytes, Detail::Encoding { found }) => (
            format!("{found} として読めないバイトがこの行にあります（「\u{FFFD}」で表示）。"),
            format!("This row has bytes that are not valid {found} (shown as \u{FFFD})."),
        ),
        (Code::BlankRow, _) => (
            "空の行です。アップロードファイルからは除きます。".into(),
            "Blank row; it is left out of the upload.".into(),
        ),
        (Code::NotUtf8, Detail::Encoding { found }) => (
            format!(
                "このファイルの文字コードは {found} です。PMH へは UTF-8 でアップロードします。"
            ),
            format!("This file is {found}; PMH expects UTF-8."),
        ),
        (
            Code::BomMismatch | Code::LineEndingMismatch | Code::DelimiterMismatch,
            Detail::Dialect { expected, found },
        ) => {
            let (what_ja, what_en) = match d.code {
                Code::BomMismatch => ("BOM", "byte-order mark"),
                Code::LineEndingMismatch => ("改行コード", "line ending"),
                _ => ("区切り文字", "delimiter"),
            };
            (
                format!("{what_ja}が「{found}」です（レイアウトの設定は「{expected}」）。"),
                format!("The {what_en} is \"{found}\"; the layout expects \"{expected}\"."),
            )
        }
        (
            Code::UnknownColumn,
            Detail::Header {
                header, suggestion, ..
            },
        ) => {
            let sug = suggestion.and_then(|i| layout.fields.get(i));
            match sug {
                Some(s) => (
                    format!(
                        "列名「{header}」はレイアウトにありません。「{}」の誤記ではありませんか。券面項目として扱います。",
                        s.label_ja
                    ),
                    format!(
                        "Column \"{header}\" is not in the layout. Did you mean \"{}\"? Kept as a certificate-face item.",
                        s.label_en
                    ),
                ),
                None => (
                    format!("列名「{header}」はレイアウトにありません。券面項目として扱います。"),
                    format!(
                        "Column \"{header}\" is not in the layout; kept as a certificate-face item."
                    ),
                ),
            }
        }
        (Code::EmptyHeader, _) => (
            "見出しが空欄の列です。".into(),
            "This column has an empty header.".into(),
        ),
        (Code::NoHeader, _) => (
            format!(
                "1行目にレイアウト「{}」の項目名が1つもありません。",
                layout.title_ja
            ),
            format!(
                "The first row has none of the field names of layout \"{}\".",
                layout.title_en
            ),
        ),
        (Code::OptionalColumnAbsent, _) => (
            format!("任意項目「{label_ja}」の列がありません。空欄として扱います。"),
            format!("No column for the optional field \"{label_en}\"; treated as empty."),
        ),
        (Code::Required, _) => (
            format!("必須項目「{label_ja}」が空です。"),
            format!("The required field \"{label_en}\" is empty."),
        ),
        (Code::Length, Detail::Length { min, max, actual }) => {
            let (rj, re) = length_rule(*min, *max);
            (
                format!("「{label_ja}」{v_ja}は{actual}文字です。{rj}で入力してください。"),
                format!("\"{label_en}\" {v_en} has {actual} characters; it must have {re}."),
            )
        }
        (Code::Chars, Detail::Char { ch, pos }) => {
            let class = field.map(|f| (f.chars.label(Lang::Ja), f.chars.label(Lang::En)));
            let (cj, ce) = match field.map(|f| f.value_type) {
                Some(ValueType::Digits) => ("半角数字", "half-width digits"),
                _ => class.unwrap_or(("", "")),
            };
            (
                format!(
                    "「{label_ja}」{v_ja}の{pos}文字目{}は使えません（{cj}のみ）。",
                    char_name(*ch)
                ),
                format!(
                    "\"{label_en}\" {v_en}: character {pos} {} is not allowed ({ce} only).",
                    char_name(*ch)
                ),
            )
        }
        (Code::Date, Detail::Date { recognised }) => {
            let fmt = layout.dialect.date_format.as_str();
            match recognised {
                Some(iso) => (
                    format!(
                        "「{label_ja}」{v_ja}は {fmt} 形式ではありません。{iso} のことであれば {iso} と入力してください。"
                    ),
                    format!(
                        "\"{label_en}\" {v_en} is not in {fmt} format. If you mean {iso}, write {iso}."
                    ),
                ),
                None => (
                    format!("「{label_ja}」{v_ja}は {fmt} 形式の実在する日付ではありません。"),
                    format!("\"{label_en}\" {v_en} is not an existing date in {fmt} format."),
                ),
            }
        }
        (Code::NotInCodeList, _) => {
            let (lj, le) = code_list(layout, d.field, 10);
            (
                format!("「{label_ja}」{v_ja}はコードの一覧にありません。有効な値: {lj}。"),
                format!("\"{label_en}\" {v_en} is not a valid code. Valid: {le}."),
            )
        }
        (Code::Boolean, _) => {
            let (t, f) = (&layout.dialect.boolean_true, &layout.dialect.boolean_false);
            (
                format!(
                    "「{label_ja}」{v_ja}はフラグとして読めません。{t}（はい）か {f}（いいえ）で入力してください。"
                ),
                format!("\"{label_en}\" {v_en} is not a flag; write {t} (yes) or {f} (no)."),
            )
        }
        (Code::ConditionsSyntax, Detail::Entry { index }) => (
            format!(
                "「{label_ja}」{v_ja}の{index}番目の条件が「項目コード-コード」の形になっていません。"
            ),
            format!("\"{label_en}\" {v_en}: entry {index} is not an item-code-code pair."),
        ),
        (Code::Whitespace, _) => (
            format!("「{label_ja}」{v_ja}の前後に空白があります。"),
            format!("\"{label_en}\" {v_en} has leading or trailing spaces."),
        ),
        (Code::PeriodReversed, Detail::Dates { first, second }) => (
            format!("有効期間開始日 {first} が有効期間終了日 {second} より後です。"),
            format!("The validity start {first} is after the end {second}."),
        ),
        (Code::BirthAfterStart, Detail::Dates { first, second }) => (
            format!("生年月日 {first} が有効期間開始日 {second} より後です。"),
            format!("The date of birth {first} is after the validity start {second}."),
        ),
        (Code::DuplicateCertificate, Detail::OtherRow { row }) => (
            format!("{row}行目と同じ受給者証（キーと有効期間が同じ）です。"),
            format!("Same certificate (key and validity period) as row {row}."),
        ),
        (Code::OverlappingPeriods, Detail::OtherRow { row }) => (
            format!("{row}行目と同じ受給者証で、有効期間が重なっています。"),
            format!("Same certificate as row {row}, and the validity periods overlap."),
        ),
        (Code::DuplicateHistoryKey, Detail::OtherRow { row }) => (
            format!("{row}行目と同じ受給者証で、履歴キー{v_ja}が重複しています。"),
            format!("Same certificate and history key {v_en} as row {row}."),
        ),
        (Code::MyNumberCheckDigit, _) => (
            format!(
                "個人番号{v_ja}の検査用数字（12桁目）が合いません。元の記録で番号全体を確認してください。"
            ),
            format!(
                "My Number {v_en}: the check digit (12th digit) does not match. Re-check the whole number in the source record."
            ),
        ),
        (Code::MyNumberExponent, _) => (
            format!("個人番号{v_ja}は Excel の指数表示です。下の桁が失われていて復元できません。"),
            format!(
                "My Number {v_en} is in Excel's exponent form; the lower digits are lost and cannot be recovered."
            ),
        ),
        (Code::MyNumberSameDigits, _) => (
            format!("個人番号{v_ja}はすべて同じ数字です。仮の値ではありませんか。"),
            format!("My Number {v_en} is one repeated digit; is it a placeholder?"),
        ),
        (Code::InsurerCheckDigit, Detail::Expected { digit }) => (
            format!(
                "公費負担者番号{v_ja}の検証番号（8桁目）が合いません。計算上の検証番号は {digit} です。"
            ),
            format!("Public insurer number {v_en}: the check digit (8th digit) should be {digit}."),
        ),
        (Code::InsurerCheckDigitOverridden, Detail::Expected { digit }) => (
            format!(
                "公費負担者番号{v_ja}の検証番号は計算上 {digit} ですが、既知番号として許可されています。"
            ),
            format!(
                "Public insurer number {v_en}: the check digit should be {digit}, but the number is listed as known."
            ),
        ),
        (Code::InsurerPrefecture, _) => (
            format!("公費負担者番号{v_ja}の3〜4桁目が都道府県番号（01〜47）ではありません。"),
            format!("Public insurer number {v_en}: digits 3–4 are not a prefecture code (01–47)."),
        ),
        (Code::RecipientCheckDigit, Detail::Expected { digit }) => (
            format!("公費受給者番号{v_ja}の検証番号（7桁目）が合いません。計算上は {digit} です。"),
            format!(
                "Public recipient number {v_en}: the check digit (7th digit) should be {digit}."
            ),
        ),
        (Code::MedicalInstitutionCheckDigit, Detail::Expected { digit }) => (
            format!(
                "「{label_ja}」の医療機関コード{v_ja}の検証番号が合いません。計算上は {digit} です。"
            ),
            format!("\"{label_en}\": medical institution code {v_en} should end in {digit}."),
        ),
        (Code::Date, Detail::DateProblem { ja, en }) => (
            format!("「{label_ja}」{v_ja}を日付として読めません（{ja}）。"),
            format!("\"{label_en}\" {v_en} cannot be read as a date ({en})."),
        ),
        (Code::Gaiji | Code::VendorChar | Code::OutsideCp932 | Code::HalfwidthKanaInText, Detail::CharIssue { ch, pos, suggestion }) => {
            let what = match d.code {
                Code::Gaiji => ("外字", "a private-use character"),
                Code::VendorChar => ("機種依存文字", "a vendor-specific character"),
                Code::OutsideCp932 => ("Shift_JIS で表せない文字", "a character outside Shift_JIS"),
                _ => ("半角カナ", "half-width katakana"),
            };
            let (sj, se) = match suggestion {
                Some(s) => (format!("標準の文字は「{s}」です。"), format!(" Standard form: \"{s}\".")),
                None => (String::new(), String::new()),
            };
            (
                format!("「{label_ja}」{v_ja}の{pos}文字目{}は{}です。{sj}", char_name(*ch), what.0),
                format!("\"{label_en}\" {v_en}: character {pos} {} is {}.{se}", char_name(*ch), what.1),
            )
        }
        (
            Code::UnknownCertificateType
            | Code::InsurerNotRegistered
            | Code::UnknownSegment
            | Code::UnknownIncomeSegment
            | Code::UnknownConditionItem
            | Code::UnknownConditionCode,
            Detail::Valid { part, values, more },
        ) => {
            let info = d.code.info();
            let shown = part.as_deref().map(|p| quoted(Some(p))).unwrap_or((v_ja.clone(), v_en.clone()));
            let (mj, me) = if *more > 0 { (format!(" ほか{more}件"), format!(" and {more} more")) } else { (String::new(), String::new()) };
            let list = values.join("、");
            if values.is_empty() {
                (format!("「{label_ja}」{}: {}。", shown.0, info.title_ja), format!("\"{label_en}\" {}: {}.", shown.1, info.title_en))
            } else {
                (
                    format!("「{label_ja}」{}: {}。有効な値: {list}{mj}。", shown.0, info.title_ja),
                    format!("\"{label_en}\" {}: {}. Valid: {}{me}.", shown.1, info.title_en, values.join(", ")),
                )
            }
        }
        (
            Code::RepairTrim
            | Code::RepairWidth
            | Code::RepairKana
            | Code::ProposeLongVowel
            | Code::RepairMacJis
            | Code::RepairDate
            | Code::RepairEraOverflow
            | Code::RepairLeadingZeros
            | Code::ProposeMacJis
            | Code::ProposeLeadingZeros,
            Detail::Repair { after },
        ) => {
            let kind = field.map_or(Personal::None, |f| f.personal);
            let after = if show_values { after.clone() } else { mask(kind, after) };
            let (a_ja, a_en) = quoted(Some(&after));
            let info = d.code.info();
            if matches!(
                d.code,
                Code::ProposeLongVowel | Code::ProposeMacJis | Code::ProposeLeadingZeros
            ) {
                (
                    format!("「{label_ja}」{v_ja}: {}。修正案は{a_ja}です（自動では直していません）。", info.title_ja),
                    format!("\"{label_en}\" {v_en}: {}; proposed {a_en} (not applied).", info.title_en),
                )
            } else {
                (
                    format!("「{label_ja}」{v_ja}を{a_ja}に直しました（{}）。", info.title_ja),
                    format!("\"{label_en}\" {v_en} became {a_en} ({}).", info.title_en),
                )
            }
        }
        (Code::NoMaster, _) => (
            "制度マスタが指定されていないため、種別ID・区分・所得区分・追加条件の登録値との照合は行っていません。".into(),
            "No municipality master was given: type IDs, segments and conditions were not checked against it.".into(),
        ),
        (Code::TooManyRemovals, Detail::Removals { removed, previous, rows }) => {
            let list = |sep: &str| rows.iter().map(u32::to_string).collect::<Vec<_>>().join(sep);
            (
                format!("前回アップロードしたファイルの受給者証 {previous}件のうち {removed}件がこのファイルにありません。このままアップロードすると PMH から {removed}件が削除されます（前回ファイルの {}行目 など）。", list("・")),
                format!("{removed} of the {previous} certificates of the previous upload are missing from this file; uploading it deletes {removed} certificates at PMH (previous file rows {} …).", list(", ")),
            )
        }
        // A code paired with an unexpected detail: fall back to the catalogue title.
        (code, _) => {
            let info = code.info();
            let at_ja = if label_ja.is_empty() {
                String::new()
            } else {
                format!("「{label_ja}」{v_ja}: ")
            };
            let at_en = if label_en.is_empty() {
                String::new()
            } else {
                format!("\"{label_en}\" {v_en}: ")
            };
            (
                format!("{at_ja}{}。", info.title_ja),
                format!("{at_en}{}.", info.title_en),
            )
        }
    };
    Message { ja, en }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask(Personal::MyNumber, "123456789018"), "1234****9018");
        assert_eq!(mask(Personal::MyNumber, "12345"), "*****");
        assert_eq!(mask(Personal::Name, "愛知花子"), "愛＊＊＊");
        assert_eq!(mask(Personal::Name, "愛知 花子"), "愛＊ ＊＊");
        assert_eq!(mask(Personal::BirthDate, "2013-01-01"), "2013-**-**");
        assert_eq!(mask(Personal::None, "abc"), "abc");
        assert_eq!(mask(Personal::Name, ""), "");
    }
}
