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

/// Longest value carried in a report (the JSON `value`, the CSV 値 column), in characters.
/// A longer value is cut to its first `VALUE_MAX` characters and the report says how many
/// characters were left out.
pub const VALUE_MAX: usize = 200;

/// Longest value echoed inside a message, in characters (cut the same way, with the count).
pub const ECHO_MAX: usize = 40;

/// Whether `c` is a decimal digit as a clerk would type one: ASCII or 全角.
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// The masking star for `c`: 全角 for 全角 (and kanji) characters so the width stays.
fn star(c: char) -> char {
    if c.is_ascii() { '*' } else { '＊' }
}

/// Masks a personal value for display. Every mask keeps the value's length in characters (one
/// star per hidden character): the length is not personal, and it is what a clerk needs to see
/// (an 11-digit My Number lost a digit).
///
/// - My Number: at most its last four characters (`********9018`); all stars below ten
///   characters, so a fragment is never mostly shown.
/// - Names and addresses: the first character (`愛＊＊＊`) unless it is a digit, spaces kept.
/// - Birth dates: the year only (`2013-**-**`, `2013****`, `平成25年*月*日`); every other digit,
///   全角 or kanji numeral is hidden, and all of them when no year can be told (`*****`).
///
/// Then, whatever the kind, every long run of digits is hidden but its last four (see
/// [`hide_long_numbers`]): a My Number typed into 備考 or a shifted column is masked too.
pub fn mask(kind: Personal, value: &str) -> String {
    let masked: String = match kind {
        Personal::None => return hide_long_numbers(value),
        Personal::MyNumber => {
            // The last four digits, never other characters: a row shifted by one puts a name
            // (`SMITH JOHN`) in the column, whose end is no digit.
            // Excel's exponent form keeps its tail (`*******E+11`): it shows what happened.
            let n = value.chars().count();
            let shown_from = if n >= 10 { n - 4 } else { n };
            let exponent = crate::check::cells::is_exponent_form(value);
            value
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if i < shown_from || !(is_digit(c) || exponent) {
                        star(c)
                    } else {
                        c
                    }
                })
                .collect()
        }
        Personal::Name | Personal::Address => value
            .chars()
            .enumerate()
            .map(|(i, c)| {
                // The first character, unless it is a digit (then the value is no name: a
                // number typed into the wrong column).
                if (i == 0 && !is_digit(c)) || c.is_whitespace() {
                    c
                } else {
                    '＊'
                }
            })
            .collect(),
        Personal::BirthDate => {
            // The year, then only the date's separators: anything else (a name in the
            // column, a month written in words) is hidden.
            let keep = year_prefix(value);
            value
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if i < keep || c.is_whitespace() || "-/.・－／．年月日".contains(c) {
                        c
                    } else {
                        star(c)
                    }
                })
                .collect()
        }
    };
    hide_long_numbers(&masked)
}

/// How many leading characters of a birth date are its year and may be shown: four digits at
/// the start (`2013-01-01`, `2013年1月1日`, `20130101`), or an era of one or two letters and a
/// year of one or two digits (`平成25年1月1日`, `H25.1.1`). Zero otherwise.
fn year_prefix(value: &str) -> usize {
    let chars: Vec<char> = value.chars().collect();
    let lead = chars.iter().take_while(|c| is_digit(**c)).count();
    if lead == 4 || (lead == 8 && chars.len() == 8) {
        return 4;
    }
    if lead > 0 {
        return 0;
    }
    let era = chars
        .iter()
        .take_while(|c| !is_digit(**c) && c.is_alphabetic())
        .count();
    let year = chars[era..].iter().take_while(|c| is_digit(**c)).count();
    let after = chars.get(era + year);
    if (1..=2).contains(&era) && (1..=2).contains(&year) && after.is_some() {
        era + year
    } else {
        0
    }
}

/// Separators that may stand between the digit groups of one number (`1234 5678 9018`,
/// `1234-5678-9018`).
fn is_number_separator(c: char) -> bool {
    matches!(c, ' ' | '　' | '-' | '－' | '‐' | '−' | 'ー')
}

/// Digits from which a number in any column is hidden in reports ([`hide_long_numbers`]): it
/// may be a My Number (12 digits, or 11 after Excel dropped a leading zero).
const HIDDEN_NUMBER_DIGITS: usize = 11;

/// Whether `value` has enough digits that [`hide_long_numbers`] may hide some of them: what a
/// repair must not rewrite, since the masked report would then show what the hidden digits
/// were.
pub(crate) fn may_hide_digits(value: &str) -> bool {
    value.chars().filter(|&c| is_digit(c)).count() >= HIDDEN_NUMBER_DIGITS
}

/// Hides all but the last four digits of every number that may hold a My Number, whatever the
/// column: 11 or more digits in a row or in groups joined by single separators (a My Number,
/// one that lost its leading zero, one with more digits around it, `1234 5678 9018` as on the
/// card, a mobile phone number). Digits are ASCII or 全角. Ten digits or fewer (医療機関コード,
/// dates, postcodes) stay.
pub fn hide_long_numbers(value: &str) -> String {
    if !may_hide_digits(value) {
        return value.to_owned();
    }
    let chars: Vec<char> = value.chars().collect();
    let mut hide = vec![false; chars.len()];
    let mut i = 0;
    while i < chars.len() {
        if !is_digit(chars[i]) {
            i += 1;
            continue;
        }
        // One number: digit runs joined by single separators.
        let start = i;
        let mut digits = 0;
        loop {
            while i < chars.len() && is_digit(chars[i]) {
                i += 1;
                digits += 1;
            }
            if i + 1 < chars.len() && is_number_separator(chars[i]) && is_digit(chars[i + 1]) {
                i += 1;
            } else {
                break;
            }
        }
        if digits >= HIDDEN_NUMBER_DIGITS {
            hide_all_but_last_digits(&chars[start..i], &mut hide[start..i], 4);
        }
    }
    chars
        .iter()
        .zip(hide)
        .map(|(&c, h)| if h { star(c) } else { c })
        .collect()
}

fn hide_all_but_last_digits(chars: &[char], hide: &mut [bool], keep: usize) {
    let mut kept = 0;
    for (c, h) in chars.iter().zip(hide.iter_mut()).rev() {
        if is_digit(*c) {
            if kept < keep {
                kept += 1;
            } else {
                *h = true;
            }
        }
    }
}

/// A value as it may be shown: masked for its kind unless `show_values`.
pub fn shown(kind: Personal, value: &str, show_values: bool) -> String {
    if show_values {
        value.to_owned()
    } else {
        mask(kind, value)
    }
}

/// The first `max` characters of `value` and how many characters were left out.
pub fn clip(value: &str, max: usize) -> (&str, usize) {
    match value.char_indices().nth(max) {
        Some((at, _)) => (&value[..at], value[at..].chars().count()),
        None => (value, 0),
    }
}

/// A value shown in a report: masked unless values are shown, then cut to [`VALUE_MAX`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownValue {
    /// At most [`VALUE_MAX`] characters.
    pub text: String,
    /// Characters left out at the end (0 when the value is whole).
    pub cut: usize,
}

impl ShownValue {
    /// The text with the cut marked: `…(+1048376文字)` / `…(+1048376 chars)`.
    pub fn marked(&self, ja: bool) -> String {
        let mut s = self.text.clone();
        push_cut_marker(&mut s, self.cut, ja);
        s
    }
}

fn push_cut_marker(s: &mut String, cut: usize, ja: bool) {
    if cut > 0 {
        if ja {
            s.push_str(&format!("…(+{cut}文字)"));
        } else {
            s.push_str(&format!("…(+{cut} chars)"));
        }
    }
}

/// Personal-data kind of a finding's value: its field's, or, in a field of codes, digits, flags
/// or dates that is not personal, what the value looks like. A row with a comma too many
/// (S006) or a mapping off by one column puts a name into 性別 or a birth date into 不開示フラグ:
/// text there is masked as a name, a date (with separators) outside a date field as a birth
/// date. Free-text fields (受給者証名) keep their values.
fn kind_of(layout: &Layout, d: &Diagnostic) -> Personal {
    let Some(f) = d.field.and_then(|i| layout.fields.get(i)) else {
        // A 受給者証券面項目 column's value is free text the municipality chose (a guardian's
        // name, a disease): masked as a name. The other findings on such a column show an
        // Excel error's fixed text (V011) or a number `hide_long_numbers` masks (V013).
        return match d.code {
            Code::InvisibleChar | Code::BomInValue | Code::NotInOutputEncoding
                if d.row != Some(1) =>
            {
                Personal::Name
            }
            _ => Personal::None,
        };
    };
    // Only a value the checks rejected may be out of place: a repair (X013 「女」→ 2, X006 a
    // 和暦 date) recognised it as the field's own.
    let rejected = matches!(
        d.code,
        Code::Length
            | Code::Chars
            | Code::InvisibleChar
            | Code::EdgeSpaceInCode
            | Code::FullWidthInCode
            | Code::Date
            | Code::NotInCodeList
            | Code::Boolean
            | Code::ConditionsSyntax
    );
    if f.personal != Personal::None || f.value_type == ValueType::Text || !rejected {
        return f.personal;
    }
    let Some(v) = d.value.as_deref() else {
        return Personal::None;
    };
    let structured =
        |c: char| c.is_ascii() || ('\u{FF01}'..='\u{FF5E}').contains(&c) || c.is_whitespace();
    // Words of Latin letters (a name in romaji, `SMITH JOHN`; an address) are text too; a
    // code is one word (`KODOMO99`).
    let words =
        v.contains(char::is_whitespace) && v.chars().filter(char::is_ascii_alphabetic).count() >= 2;
    if !v.chars().all(structured) || words {
        // Text where codes belong; in a date field, unless it is a date in words (平成99年…).
        let date_in_words = f.value_type == ValueType::Date && v.chars().any(is_digit);
        return if date_in_words {
            Personal::None
        } else {
            Personal::Name
        };
    }
    let separated = v.chars().any(|c| !is_digit(c));
    if f.value_type != ValueType::Date
        && separated
        && crate::domain::date::parse_lenient(v, true).is_ok()
    {
        return Personal::BirthDate;
    }
    Personal::None
}

/// The value of a finding as it may be shown: masked unless `show_values`, and bounded.
pub fn shown_value(layout: &Layout, d: &Diagnostic, show_values: bool) -> Option<ShownValue> {
    let v = d.value.as_deref()?;
    let s = shown(kind_of(layout, d), v, show_values);
    let (text, cut) = clip(&s, VALUE_MAX);
    Some(ShownValue {
        text: text.to_owned(),
        cut,
    })
}

/// A value (already masked) quoted for a message, in both languages: at most [`ECHO_MAX`]
/// characters with the count of the rest, line breaks shown as ↵.
fn quoted(v: Option<&str>) -> (String, String) {
    match v {
        Some(v) => {
            let (head, cut) = clip(v, ECHO_MAX);
            let head = head.replace(['\r', '\n'], "↵");
            let (mut ja, mut en) = (head.clone(), head);
            push_cut_marker(&mut ja, cut, true);
            push_cut_marker(&mut en, cut, false);
            (format!("「{ja}」"), format!("\"{en}\""))
        }
        None => (String::new(), String::new()),
    }
}

/// Names a character: `「Ａ」(U+FF21)`, only the code point for characters that do not show
/// (controls, spaces, format characters such as bidi overrides, noncharacters), and nothing
/// but `(*)` for a character the mask hid (`hidden`).
fn char_name(c: char, hidden: bool) -> String {
    let invisible = c.is_whitespace() || crate::domain::chars::is_invisible(c);
    if hidden {
        return "(*)".to_owned();
    }
    let shown = if invisible {
        String::new()
    } else {
        format!("「{c}」")
    };
    format!("{shown}(U+{:04X})", u32::from(c))
}

/// What an invisible character is (V014), in Japanese and English: it cannot be shown.
fn invisible_kind(c: char) -> (&'static str, &'static str) {
    match c {
        '\t' => ("タブ", "a tab"),
        '\n' | '\r' | '\u{2028}' | '\u{2029}' => ("改行", "a line break"),
        '\u{00AD}' => ("ソフトハイフン", "a soft hyphen"),
        '\u{200B}' => ("ゼロ幅スペース", "a zero-width space"),
        '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => {
            ("ゼロ幅文字", "a zero-width character")
        }
        '\u{200E}'
        | '\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{061C}' => ("文字の向きを変える制御文字", "a text-direction control"),
        c if c.is_control() => ("制御文字", "a control character"),
        c if crate::domain::chars::is_noncharacter(c) => ("文字でない符号", "a noncharacter"),
        _ => ("書式制御文字", "a formatting character"),
    }
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

/// The earliest plausible date of birth (R004), as the finding's second date shows it.
pub(crate) const BIRTH_FLOOR: &str = "1900-01-01";

/// Builds the sentence of one finding.
#[expect(
    clippy::too_many_lines,
    reason = "one arm per code keeps every sentence in one place"
)]
pub fn message(layout: &Layout, d: &Diagnostic, show_values: bool) -> Message {
    let field = d.field.and_then(|i| layout.fields.get(i));
    // A finding on a 受給者証券面項目 column (no layout field) names it as such.
    let (label_ja, label_en) = field.map_or_else(
        || match d.code {
            Code::BomInValue
            | Code::ExcelError
            | Code::InvisibleChar
            | Code::NotInOutputEncoding => {
                ("受給者証券面項目".to_owned(), "certificate item".to_owned())
            }
            _ => (String::new(), String::new()),
        },
        |f| (f.label_ja.clone(), f.label_en.clone()),
    );
    let kind = kind_of(layout, d);
    // Every value from the file passes here: masked for its kind (unless values are shown),
    // then cut to ECHO_MAX by `quoted`.
    let show = |v: &str| shown(kind, v, show_values);
    let value = d.value.as_deref().map(show);
    // A character finding names its character only where the mask shows it: a name held in
    // half-width kana has a C004 finding for every character, and naming each would spell the
    // name the mask hid. The position finds it in the file; --show-values names it.
    let hidden = |pos: u32| match (d.value.as_deref(), value.as_deref()) {
        (Some(raw), Some(masked)) => {
            let at = (pos as usize).saturating_sub(1);
            raw.chars().nth(at) != masked.chars().nth(at)
        }
        _ => false,
    };
    let (v_ja, v_en) = quoted(value.as_deref());
    let (ja, en): (String, String) = match (d.code, &d.detail) {
        (Code::EmptyFile, _) => (
            "ファイルが空です（0バイト）。".into(),
            "The file is empty (0 bytes).".into(),
        ),
        (Code::UnknownEncoding, Detail::Unreadable(why)) => (
            format!("文字コードを判別できません（{}）。", why.ja()),
            format!("Cannot tell the text encoding ({}).", why.en()),
        ),
        (Code::UnknownEncoding, _) => (
            "UTF-8 としても Shift_JIS としても読めないバイト列です。".into(),
            "The bytes are neither valid UTF-8 nor Shift_JIS.".into(),
        ),
        (Code::WorkbookNotUpload, _) => (
            "Excel ブック（.xlsx）です。データは検査しましたが、このファイルはそのままアップロードできません。pmhcsv build でアップロード用の CSV を作ってください。".into(),
            "An Excel workbook (.xlsx): its data was checked, but this file cannot be uploaded as it is. Make the upload CSV with pmhcsv build.".into(),
        ),
        (Code::OtherLayoutColumn, Detail::Header { header, .. }) => (
            format!("列「{header}」は別のレイアウト（差分履歴など）の項目です。このレイアウトのファイルではありません。"),
            format!("Column \"{header}\" is a field of another layout (such as 差分履歴); the file is not of this layout."),
        ),
        (Code::RowsInValue, Detail::Lines { count }) => (
            format!("引用符で囲まれた値の中に、ほかの行のようなデータが {count} 行分入っています。"),
            format!("A quoted value holds {count} lines that look like other rows."),
        ),
        (Code::EncodingLooksUtf8, _) => (
            "指定した文字コードで読みましたが、ファイルは UTF-8 のようです（文字化けのおそれ）。".into(),
            "The file was read in the encoding given, but it looks like UTF-8 (values may be garbled).".into(),
        ),
        (Code::MyNumberElsewhere, _) => (
            "個人番号の列でない列に、個人番号と同じ形の値（12桁・チェックデジット一致）があります。".into(),
            "A column that is not the 個人番号 column holds a value shaped like a My Number (12 digits, check digit passes).".into(),
        ),
        (Code::HeaderOnly, _) => (
            "見出し行だけで、データ行が1行もありません。全件連携でこのままアップロードすると、PMH に登録済みの受給者証がすべて削除されます。".into(),
            "The file has a header row but no data rows. Uploaded as it is in 全件連携 (full snapshot), it deletes every certificate PMH holds.".into(),
        ),
        (Code::MissingColumn, _) => (
            format!("必須項目「{label_ja}」の列が見出し行にありません。"),
            format!("The header row has no column for the required field \"{label_en}\"."),
        ),
        (
            Code::DuplicateColumn | Code::CardItemNamedLikeField,
            Detail::Header {
                header,
                other_column,
                ..
            },
        ) => {
            let other = other_column
                .map(crate::findings::diagnostic::column_letter)
                .unwrap_or_default();
            let (h_ja, h_en) = quoted(Some(&shown(Personal::None, header, show_values)));
            if d.code == Code::DuplicateColumn {
                (
                    format!("列{h_ja}は{other}列と同じ項目「{label_ja}」を表しています。"),
                    format!("Column {h_en} maps to \"{label_en}\", like column {other}."),
                )
            } else {
                (
                    format!(
                        "列{h_ja}は固定項目「{label_ja}」（{other}列）と同じ名前ですが、固定項目の後ろにあるため券面項目として扱います。"
                    ),
                    format!(
                        "Column {h_en} has the name of the fixed field \"{label_en}\" (column {other}); it stands after the fixed fields, so it is kept as a certificate-face item."
                    ),
                )
            }
        }
        (Code::HeaderNotLabel, Detail::Header { header, .. }) => {
            let (h_ja, h_en) = quoted(Some(&shown(Personal::None, header, show_values)));
            (
                format!(
                    "列{h_ja}を「{label_ja}」として検査しました。アップロードファイルの見出しは、レイアウトの項目名「{label_ja}」と同じにしてください。"
                ),
                format!(
                    "Column {h_en} was checked as \"{label_en}\"; in an upload file its header is the layout's field name \"{label_ja}\"."
                ),
            )
        }
        (
            Code::ColumnOrder,
            Detail::Header {
                suggestion,
                other_column,
                ..
            },
        ) => {
            let other = other_column
                .map(crate::findings::diagnostic::column_letter)
                .unwrap_or_default();
            let (before_ja, before_en) = suggestion
                .and_then(|i| layout.fields.get(i))
                .map_or(("", ""), |f| (f.label_ja.as_str(), f.label_en.as_str()));
            (
                format!(
                    "「{label_ja}」の列が、レイアウトではその前にある「{before_ja}」の列（{other}列）より前にあります。列の順序がレイアウトと違います。"
                ),
                format!(
                    "The column of \"{label_en}\" stands before that of \"{before_en}\" (column {other}), which the layout puts first: the columns are not in the layout's order."
                ),
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
        (Code::RecordTooLong, Detail::Limit { bytes }) => {
            let mib = bytes >> 20;
            (
                format!(
                    "この行は改行のないまま {mib} MiB を超えています。値は読んでいません（改行のないファイル、または CSV ではないファイルの可能性があります）。"
                ),
                format!(
                    "This line runs past {mib} MiB without a line break; its values were not read (the file may have no line breaks, or not be a CSV file)."
                ),
            )
        }
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
            let (h_ja, h_en) = quoted(Some(&shown(Personal::None, header, show_values)));
            match sug {
                Some(s) => (
                    format!(
                        "列名{h_ja}はレイアウトにありません。「{}」の誤記ではありませんか。券面項目として扱います。",
                        s.label_ja
                    ),
                    format!(
                        "Column {h_en} is not in the layout. Did you mean \"{}\"? Kept as a certificate-face item.",
                        s.label_en
                    ),
                ),
                None => (
                    format!("列名{h_ja}はレイアウトにありません。券面項目として扱います。"),
                    format!(
                        "Column {h_en} is not in the layout; kept as a certificate-face item."
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
        (Code::AmbiguousEncoding, _) => (
            "このファイルは Shift_JIS (CP932) としても EUC-JP としても読め、どちらかを決められないため読み込みませんでした。文字コードを指定してください（--encoding cp932 または --encoding euc-jp）。".into(),
            "The file reads validly both as Shift_JIS (CP932) and as EUC-JP; it was not read. Name the encoding (--encoding cp932 or --encoding euc-jp).".into(),
        ),
        (Code::BareQuote, _) => (
            format!("この列の値{v_ja}に、引用符（\"）が CSV の規則（RFC 4180）に反する位置にあります。読み取るソフトによって値が変わります。"),
            format!("The value {v_en} in this column has a quote (\") where CSV (RFC 4180) does not allow one; parsers read it differently."),
        ),
        // On the header row: a column name (not a value of anyone's).
        (Code::BomInValue, _) if d.row == Some(1) => {
            let (h_ja, h_en) = quoted(d.value.as_deref().map(|h| shown(Personal::None, h, show_values)).as_deref());
            (
                format!("見出し{h_ja}に BOM（U+FEFF、目に見えない文字）が含まれています。このままでは列名の一部としてアップロードされます。"),
                format!("The column name {h_en} holds a byte-order mark (U+FEFF, invisible); it would be uploaded as part of the name."),
            )
        }
        (Code::BomInValue, _) => (
            format!("「{label_ja}」の値{v_ja}に BOM（U+FEFF、目に見えない文字）が含まれています。このままではその値の一部としてアップロードされます。"),
            format!("The value {v_en} of \"{label_en}\" holds a byte-order mark (U+FEFF, invisible); it would be uploaded as part of the value."),
        ),
        (Code::DigitInName, _) => (
            format!("「{label_ja}」{v_ja}に数字があります。別の列の値（個人番号・生年月日など）が入っていないか確認してください。"),
            format!("\"{label_en}\" {v_en} holds a digit; check that no other column's value (a My Number, a birth date) is in it."),
        ),
        (Code::ExcelError, _) => {
            // One of Excel's fixed error texts (`is_excel_error`): nothing personal to mask.
            let (e_ja, e_en) = quoted(d.value.as_deref());
            (
                format!("「{label_ja}」の値{e_ja}は Excel のエラー値です（数式の結果がエラーのまま保存されています）。このままでは{e_ja}という文字が登録されます。"),
                format!("The value {e_en} of \"{label_en}\" is an Excel error value (a formula's error saved as it shows); the text {e_en} would be registered."),
            )
        }
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
        (Code::InvisibleChar, Detail::Char { ch, pos }) => {
            let (kj, ke) = invisible_kind(*ch);
            let code = format!("U+{:04X}", u32::from(*ch));
            (
                format!("「{label_ja}」{v_ja}の{pos}文字目に見えない文字（{kj} {code}）があります。"),
                format!("\"{label_en}\" {v_en}: character {pos} is invisible ({ke} {code})."),
            )
        }
        (Code::EdgeSpaceInCode, _) => (
            format!("「{label_ja}」{v_ja}の前後に空白があります。空白も値の一部としてアップロードされます。"),
            format!("\"{label_en}\" {v_en} has spaces around it; they would be uploaded as part of the value."),
        ),
        (Code::LostCharacter, Detail::Char { ch: '?', pos }) => (
            format!(
                "「{label_ja}」{v_ja}の{pos}文字目の「?」は、Shift_JIS（CP932）で保存したときに表せなかった文字の跡です。正しい文字を確かめて入力してください。"
            ),
            format!(
                "\"{label_en}\" {v_en}: the \"?\" at character {pos} is what a Shift_JIS (CP932) save leaves for a character it could not hold; type the right character."
            ),
        ),
        // A mark as written (`●`), not a reference that stands for one (`&#9679;`).
        (Code::LostCharacter, Detail::Char { ch, pos })
            if crate::domain::chars::is_lost_mark(*ch)
                && d.value.as_deref().and_then(|v| {
                    v.chars().nth((*pos as usize).saturating_sub(1))
                }) != Some('&') =>
        {
            let (what_ja, what_en) = match ch {
                '？' => (
                    "「？」は、変換で表せなかった文字の跡の「?」が全角になったもの",
                    "is the \"?\" a conversion leaves for a character it could not hold, made full-width",
                ),
                '〓' => (
                    "「〓」（げた記号）は、表せない文字の代わりに置かれる記号",
                    "(geta mark) stands in for a character that could not be shown",
                ),
                _ => (
                    "「●」は、扱えない文字を置き換えた跡（住民記録から移した氏名の「●化」など）",
                    "replaced a character a system could not hold (as names moved from the resident register were)",
                ),
            };
            (
                format!(
                    "「{label_ja}」{v_ja}の{pos}文字目の{what_ja}です。正しい文字を確かめて入力してください。"
                ),
                format!(
                    "\"{label_en}\" {v_en}: the \"{ch}\" at character {pos} {what_en}; type the right character."
                ),
            )
        }
        (Code::LostCharacter, Detail::Char { ch, pos }) if !hidden(*pos) => {
            // The reference as written: from its `&` to its `;`.
            let raw = d.value.as_deref().unwrap_or_default();
            let mut reference: String = raw
                .chars()
                .skip((*pos as usize).saturating_sub(1))
                .take_while(|&c| c != ';')
                .collect();
            reference.push(';');
            (
                format!(
                    "「{label_ja}」{v_ja}の{pos}文字目からの「{reference}」は、文字「{ch}」を番号で書いた文字参照です。このままでは「{reference}」という文字列が登録されます。"
                ),
                format!(
                    "\"{label_en}\" {v_en}: \"{reference}\" at character {pos} is a character reference, the character \"{ch}\" written as its number; the text \"{reference}\" would be registered."
                ),
            )
        }
        (Code::LostCharacter, Detail::Char { pos, .. }) => (
            format!(
                "「{label_ja}」{v_ja}の{pos}文字目から文字参照（文字を「&#番号;」と書いたもの）があります。このままではその文字列が登録されます。"
            ),
            format!(
                "\"{label_en}\" {v_en}: a character reference (a character written as \"&#number;\") starts at character {pos}; it would be registered as that text."
            ),
        ),
        (Code::FullWidthInCode, Detail::Char { ch, pos }) => (
            format!(
                "「{label_ja}」{v_ja}の{pos}文字目{}は全角です。半角の英数字で入力してください。",
                char_name(*ch, hidden(*pos))
            ),
            format!(
                "\"{label_en}\" {v_en}: character {pos} {} is full-width; type it in half-width.",
                char_name(*ch, hidden(*pos))
            ),
        ),
        (Code::Chars, Detail::Char { ch, pos }) => {
            let class = field.map(|f| (f.chars.label(Lang::Ja), f.chars.label(Lang::En)));
            let (cj, ce) = match field.map(|f| f.value_type) {
                Some(ValueType::Digits) => ("半角数字", "half-width digits"),
                _ => class.unwrap_or(("", "")),
            };
            (
                format!(
                    "「{label_ja}」{v_ja}の{pos}文字目{}は使えません（{cj}のみ）。",
                    char_name(*ch, hidden(*pos))
                ),
                format!(
                    "\"{label_en}\" {v_en}: character {pos} {} is not allowed ({ce} only).",
                    char_name(*ch, hidden(*pos))
                ),
            )
        }
        (Code::Date, Detail::Date { recognised }) => {
            let fmt = layout.dialect.date_format.as_str();
            match recognised.as_deref().map(show) {
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
        (Code::PeriodReversed, Detail::Dates { first, second }) => {
            let (first, second) = (clip(first, ECHO_MAX).0, clip(second, ECHO_MAX).0);
            (
                format!("有効期間開始日 {first} が有効期間終了日 {second} より後です。"),
                format!("The validity start {first} is after the end {second}."),
            )
        }
        (Code::BirthAfterStart, Detail::Dates { first, second }) => {
            // The finding's field is the birth date: `first` is masked as one.
            let first = show(clip(first, ECHO_MAX).0);
            let second = clip(second, ECHO_MAX).0;
            (
                format!("生年月日 {first} が有効期間開始日 {second} より後です。"),
                format!("The date of birth {first} is after the validity start {second}."),
            )
        }
        (Code::BirthImpossible, Detail::Dates { first, second }) => {
            // The finding's field is the birth date: `first` is masked as one.
            let first = show(clip(first, ECHO_MAX).0);
            let second = clip(second, ECHO_MAX).0;
            if second == BIRTH_FLOOR {
                (
                    format!("生年月日 {first} は {second} より前です。"),
                    format!("The date of birth {first} is before {second}."),
                )
            } else {
                (
                    format!("生年月日 {first} は基準日 {second} より後です。"),
                    format!("The date of birth {first} is after the reference date {second}."),
                )
            }
        }
        (Code::ExpiredInFull, Detail::Dates { first, second }) => {
            let (first, second) = (clip(first, ECHO_MAX).0, clip(second, ECHO_MAX).0);
            (
                format!(
                    "有効期間終了日 {first} が基準日 {second} より前です。全件連携では期限切れの受給者証は送りません。"
                ),
                format!(
                    "The validity ended {first}, before the reference date {second}; a full snapshot does not send expired certificates."
                ),
            )
        }
        (Code::RecipientNumberEmpty, _) => (
            format!("「{label_ja}」が空です。PMH で登録内容を照会するときに必要な番号です。"),
            format!("\"{label_en}\" is empty; PMH needs it to look the certificate up."),
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
        (Code::CertificateTypeOnly, Detail::OtherRow { row }) => (
            format!(
                "{row}行目と個人番号・公費受給者番号・受給者証サブキーが同じで有効期間が重なり、機関別受給者証種別ID{v_ja}が異なります。PMHでは同じ受給者証になります。"
            ),
            format!(
                "Same My Number, recipient number and sub-key as row {row}, overlapping validity, another certificate type ID {v_en}. PMH takes them as one certificate."
            ),
        ),
        (Code::BirthDateConflict, Detail::OtherRow { row }) => (
            format!(
                "{row}行目と個人番号が同じですが、生年月日が違います。どちらかの個人番号が別の人のもの（保護者の番号など）か、生年月日の誤りです。"
            ),
            format!(
                "Same My Number as row {row}, but another date of birth: one of the two numbers is another person's (a parent's, say), or a date of birth is wrong."
            ),
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
            format!("「{label_ja}」{v_ja}は Excel の指数表示です。下の桁が失われていて復元できません。"),
            format!(
                "\"{label_en}\" {v_en} is in Excel's exponent form; the lower digits are lost and cannot be recovered."
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
        (Code::Gaiji | Code::VendorChar | Code::OutsideCp932 | Code::NotInOutputEncoding | Code::HalfwidthKanaInText, Detail::CharIssue { ch, pos, suggestion }) => {
            let what = match d.code {
                Code::Gaiji => ("外字", "a private-use character"),
                Code::VendorChar => ("機種依存文字", "a vendor-specific character"),
                Code::OutsideCp932 => ("Shift_JIS で表せない文字", "a character outside Shift_JIS"),
                Code::NotInOutputEncoding => (
                    "アップロード用ファイルの文字コード（Shift_JIS）で書けない文字",
                    "a character the upload file's encoding (Shift_JIS) cannot hold",
                ),
                _ => ("半角カナ", "half-width katakana"),
            };
            let (sj, se) = match suggestion.filter(|_| !hidden(*pos)) {
                Some(s) => (format!("標準の文字は「{s}」です。"), format!(" Standard form: \"{s}\".")),
                None => (String::new(), String::new()),
            };
            (
                format!("「{label_ja}」{v_ja}の{pos}文字目{}は{}です。{sj}", char_name(*ch, hidden(*pos)), what.0),
                format!("\"{label_en}\" {v_en}: character {pos} {} is {}.{se}", char_name(*ch, hidden(*pos)), what.1),
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
            let shown = part.as_deref().map(|p| quoted(Some(&show(p)))).unwrap_or((v_ja.clone(), v_en.clone()));
            let values: Vec<&str> = values.iter().map(|v| clip(v, ECHO_MAX).0).collect();
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
            | Code::RepairExcelSerial
            | Code::RepairAmount
            | Code::RepairCodeLabel
            | Code::RepairInvisible
            | Code::RepairConditions
            | Code::RepairLeadingZeros
            | Code::ProposeMacJis
            | Code::ProposeLeadingZeros,
            Detail::Repair { after },
        ) => {
            let after = show(after);
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
        (Code::HiddenRows, Detail::HiddenRows { count, rows }) => {
            let list = rows.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
            let more = *count > rows.len() as u64;
            let (etc_ja, etc_en) = if more { ("など", ", …") } else { ("", "") };
            let (n_en, word) = if *count == 1 {
                ("1 row is".to_owned(), "row")
            } else {
                (format!("{count} rows are"), "rows")
            };
            (
                format!("Excel で非表示の行が {count} 行あります（{list} 行目{etc_ja}）。非表示の行もアップロードされます。送らない行は削除してください。"),
                format!("{n_en} hidden in Excel ({word} {list}{etc_en}). Hidden rows are uploaded too: delete the rows that must not be sent."),
            )
        }
        (Code::HiddenColumns, Detail::HiddenColumns { count, columns }) => {
            let more = *count > columns.len() as u64;
            let ja: Vec<String> = columns
                .iter()
                .map(|(c, h)| format!("{} 列「{h}」", crate::findings::diagnostic::column_letter(*c)))
                .collect();
            let en: Vec<String> = columns
                .iter()
                .map(|(c, h)| format!("{} \"{h}\"", crate::findings::diagnostic::column_letter(*c)))
                .collect();
            let (etc_ja, etc_en) = if more { ("など", ", …") } else { ("", "") };
            let (n_en, word) = if *count == 1 {
                ("1 column is".to_owned(), "column")
            } else {
                (format!("{count} columns are"), "columns")
            };
            (
                format!("Excel で非表示の列が {count} 列あります（{}{etc_ja}）。非表示の列の値もアップロードされます。送らない列は削除してください。", ja.join("、")),
                format!("{n_en} hidden in Excel ({word} {}{etc_en}). Hidden columns are uploaded too: delete the columns that must not be sent.", en.join(", ")),
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
        assert_eq!(mask(Personal::MyNumber, "123456789018"), "********9018");
        // X008: 11 digits before, 12 after; both show the same last four digits only.
        assert_eq!(mask(Personal::MyNumber, "23456789013"), "*******9013");
        assert_eq!(
            mask(Personal::MyNumber, "１２３４５６７８９０１８"),
            "＊＊＊＊＊＊＊＊９０１８"
        );
        assert_eq!(mask(Personal::MyNumber, "2.10988E+11"), "*******E+11");
        assert_eq!(mask(Personal::MyNumber, "12345"), "*****");
        assert_eq!(mask(Personal::MyNumber, "123456789"), "*********");
        assert_eq!(mask(Personal::Name, "愛知花子"), "愛＊＊＊");
        assert_eq!(mask(Personal::Name, "愛知 花子"), "愛＊ ＊＊");
        assert_eq!(mask(Personal::None, "abc"), "abc");
        assert_eq!(mask(Personal::Name, ""), "");
        assert_eq!(
            mask(Personal::Name, "123456789018"),
            "＊＊＊＊＊＊＊＊＊＊＊＊"
        );
    }

    /// C006's message tells a mark as written (`●`) from a reference that stands for one
    /// (`&#9679;`): both are found as '●', only the raw value at the position differs.
    #[test]
    fn a_lost_mark_and_a_reference_to_one_get_their_own_message() {
        let layout = Layout::full();
        let name = layout.field_index("basicFiveInfo.name");
        let text = |value: &str| {
            let (pos, ch) = crate::domain::chars::first_lost_character(value).unwrap();
            let mut d = Diagnostic::new(Code::LostCharacter)
                .value(value)
                .detail(Detail::Char { ch, pos });
            d.field = name;
            let m = message(&layout, &d, true);
            (m.ja, m.en)
        };
        let (ja, en) = text("山田●子");
        assert!(
            ja.contains("3文字目の「●」は、扱えない文字を置き換えた跡"),
            "{ja}"
        );
        assert!(en.contains("the \"●\" at character 3 replaced"), "{en}");
        let (ja, en) = text("佐藤？郎");
        assert!(ja.contains("3文字目の「？」は") && en.contains("\"？\" at character 3 is"));
        let (ja, _) = text("山田〓子");
        assert!(ja.contains("「〓」（げた記号）"), "{ja}");
        let (ja, en) = text("山田&#9679;子");
        assert!(
            ja.contains("「&#9679;」は、文字「●」を番号で書いた文字参照"),
            "{ja}"
        );
        assert!(!en.contains("replaced a character"), "{en}");
    }

    #[test]
    fn birth_dates_keep_the_year_only() {
        for (v, m) in [
            ("2013-01-01", "2013-**-**"),
            ("2013/1/1", "2013/*/*"),
            ("20130101", "2013****"),
            ("2013年1月1日", "2013年*月*日"),
            ("平成25年1月1日", "平成25年*月*日"),
            ("H25.1.1", "H25.*.*"),
            ("２０１３－０１－０１", "２０１３－＊＊－＊＊"),
            // No year to tell: every digit hidden.
            ("41275", "*****"),
            ("4250101", "*******"),
            ("201301011", "*********"),
            // No year in digits: the era is hidden too (anything but the separators is).
            ("平成二十五年一月一日", "＊＊＊＊＊年＊月＊日"),
            // A name typed into the column is no date: hidden whole.
            ("鈴木次郎", "＊＊＊＊"),
            ("1-1-2013", "*-*-****"),
            ("", ""),
        ] {
            assert_eq!(mask(Personal::BirthDate, v), m, "{v}");
        }
    }

    #[test]
    fn long_numbers_are_hidden_in_every_column() {
        for (v, m) in [
            ("備考123456789018です", "備考********9018です"),
            ("1234 5678 9018", "**** **** 9018"),
            ("1234-5678-9018", "****-****-9018"),
            ("１２３４５６７８９０１８", "＊＊＊＊＊＊＊＊９０１８"),
            ("23456789013", "*******9013"),
            ("09012345678", "*******5678"),
            ("1234567890123", "*********0123"),
            ("a1234567890180b", "a*********0180b"),
            ("7476 5145 49391", "**** **** *9391"),
            ("090-1234-5678", "***-****-5678"),
            ("2013-01-01 2025-04-01", "****-**-** ****-04-01"),
            // Not a My Number: dates, postcodes, 10-digit institution codes, short groups.
            ("2013-01-01", "2013-01-01"),
            ("460-0008", "460-0008"),
            ("0110113719 札幌病院", "0110113719 札幌病院"),
            ("01-1;02-3", "01-1;02-3"),
            ("88134457", "88134457"),
        ] {
            assert_eq!(hide_long_numbers(v), m, "{v}");
            assert_eq!(mask(Personal::None, v), m, "{v}");
        }
    }

    #[test]
    fn character_findings_do_not_name_a_hidden_digit() {
        use crate::layout::Basis;
        let layout = Layout::full();
        let at = |id: &str| layout.field_index(id).unwrap();
        // A My Number in 全角 typed into a digits column: V016 on its first digit, as the
        // checker reports it; V003 names a disallowed character the same way.
        for code in [Code::FullWidthInCode, Code::Chars] {
            let d = Diagnostic::new(code)
                .field(at("medicalSubsidyInsurerNumber"), Basis::Verified)
                .value("１２３４５６７８９０１８")
                .detail(Detail::Char { ch: '１', pos: 1 });
            let m = message(&layout, &d, false);
            assert!(
                m.ja.contains("1文字目(*)") && !m.ja.contains("１」"),
                "{}",
                m.ja
            );
            assert!(m.en.contains("character 1 (*)"), "{}", m.en);
            assert!(message(&layout, &d, true).ja.contains("「１」(U+FF11)"));
        }
        // Nor a character of a name the mask hid: one finding per half-width kana would spell
        // the name. The first character, which the mask shows, is named.
        for (pos, ch) in [(3, '\u{FF93}'), (7, '\u{FF99}')] {
            let d = Diagnostic::new(Code::HalfwidthKanaInText)
                .field(at("basicFiveInfo.name"), Basis::Verified)
                .value("ﾔﾏﾓﾄﾐﾂﾙ")
                .detail(Detail::CharIssue {
                    ch,
                    pos,
                    suggestion: Some("モ"),
                });
            let m = message(&layout, &d, false);
            assert!(m.ja.contains(&format!("{pos}文字目(*)")), "{}", m.ja);
            assert!(
                !m.ja.contains(ch) && !m.ja.contains("U+FF") && !m.ja.contains('モ'),
                "{}",
                m.ja
            );
            assert!(message(&layout, &d, true).ja.contains(&format!("「{ch}」")));
        }
        let d = Diagnostic::new(Code::Gaiji)
            .field(at("basicFiveInfo.name"), Basis::Verified)
            .value("\u{E000}知花子")
            .detail(Detail::CharIssue {
                ch: '\u{E000}',
                pos: 1,
                suggestion: None,
            });
        assert!(message(&layout, &d, false).ja.contains("(U+E000)"));
    }

    /// A value in the wrong column (a comma too many in the row, a mapping off by one) is
    /// masked by what it looks like where the field is a code, flag or date: a name in 性別, a
    /// birth date in 不開示フラグ, a name in 生年月日. Free text (受給者証名) is shown.
    #[test]
    fn values_in_the_wrong_column_are_masked_by_their_look() {
        use crate::layout::Basis;
        let layout = Layout::full();
        let at = |id: &str| layout.fields.iter().position(|f| f.id == id).unwrap();
        let shown = |field: &str, code: Code, v: &str| {
            let d = Diagnostic::new(code)
                .field(at(field), Basis::Verified)
                .value(v);
            message(&layout, &d, false).ja
        };
        let sex = "basicFiveInfo.sex";
        let m = shown(sex, Code::NotInCodeList, "鈴木次郎");
        assert!(m.contains("「鈴＊＊＊」") && !m.contains("木次郎"), "{m}");
        let m = shown(sex, Code::NotInCodeList, "2013-05-17");
        assert!(m.contains("「2013-**-**」"), "{m}");
        let m = shown("basicFiveInfo.dateOfBirth", Code::Date, "鈴木次郎");
        assert!(m.contains("「＊＊＊＊」"), "{m}");
        let m = shown(
            "basicFiveInfo.dateOfBirth",
            Code::Date,
            "２０１３－０１－０１",
        );
        assert!(m.contains("「２０１３－＊＊－＊＊」"), "{m}");
        // Romaji: words of letters are masked like a name; a code (one word) is not.
        let m = shown(sex, Code::NotInCodeList, "SMITH JOHN");
        assert!(
            m.contains("「S＊＊＊＊ ＊＊＊＊」") && !m.contains("JOHN"),
            "{m}"
        );
        let m = shown(sex, Code::NotInCodeList, "1-1-1 Sakae Naka-ku Nagoya");
        assert!(!m.contains("Sakae"), "{m}");
        // A name shifted into 個人番号: its end is no digit, so nothing of it is shown.
        let m = shown("myNumber", Code::Length, "SMITH JOHN");
        assert!(!m.contains("JOHN") && !m.contains("SMITH"), "{m}");
        // A code stays readable: the clerk must see what was typed.
        let m = shown(sex, Code::NotInCodeList, "9");
        assert!(m.contains("「9」"), "{m}");
    }

    #[test]
    fn clip_counts_what_it_cuts() {
        assert_eq!(clip("abc", 5), ("abc", 0));
        assert_eq!(clip("abc", 3), ("abc", 0));
        assert_eq!(clip("愛知花子", 2), ("愛知", 2));
        let v = "x".repeat(1_048_576);
        assert_eq!(clip(&v, VALUE_MAX).1, 1_048_576 - VALUE_MAX);
        let (ja, en) = quoted(Some(&"y".repeat(45)));
        assert_eq!(ja, format!("「{}…(+5文字)」", "y".repeat(40)));
        assert_eq!(en, format!("\"{}…(+5 chars)\"", "y".repeat(40)));
    }
}
