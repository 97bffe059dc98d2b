//! Record layouts as data: the PMH 全件 and 差分履歴 layouts, and any layout a vendor supplies.
//!
//! A layout is a TOML document (see `core/layouts/*.toml`, documented in README.md). It is
//! parsed with serde into [`Layout`], then checked for consistency; every problem with the file
//! is a [`ConfigError`] with a clear message, never a panic. The two PMH layouts are embedded in
//! the binary and are the defaults.

pub(crate) mod header;
pub mod template;

use std::collections::HashMap;

pub use crate::check::master::MasterError;
pub use header::MappingError;

use crate::output::render::Lang;

use serde::{Deserialize, Serialize};

/// The embedded 全件 (full snapshot) layout source.
pub const FULL_TOML: &str = include_str!("../../layouts/full.toml");
/// The embedded 差分履歴 (diff history) layout source.
pub const DIFF_TOML: &str = include_str!("../../layouts/diff.toml");

/// A configuration problem: a layout, mapping or master file that cannot be used.
///
/// Kept apart from data findings: a bad layout is the operator's problem, not the data's. Each
/// variant carries the facts (file, line, column, the value, what was expected); the sentences
/// are rendered in one place, [`ConfigError::message`] (`core/src/findings/error_text/`).
/// `Display` is the Japanese sentence (staff read Japanese first, and the CLI's default
/// `--lang` is `ja`); call `message(Lang::En)` for English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The layout TOML cannot be used.
    Layout(LayoutError),
    /// The column mapping JSON cannot be used.
    Mapping(MappingError),
    /// One problem of a master (制度マスタ) file.
    Master(MasterError),
    /// Several problems of one master file (or of the loaded masters, found by
    /// [`Masters::validate`](crate::Masters::validate)): the first 20 (`MAX_ERRORS`) of
    /// `total`.
    Masters {
        /// The file name (for [`Masters::validate`](crate::Masters::validate), every loaded
        /// file's name, joined with `, `).
        file: String,
        /// How many problems there are.
        total: usize,
        /// The first problems, in file order.
        first: Vec<MasterError>,
    },
}

impl From<LayoutError> for ConfigError {
    fn from(e: LayoutError) -> Self {
        ConfigError::Layout(e)
    }
}

impl From<MappingError> for ConfigError {
    fn from(e: MappingError) -> Self {
        ConfigError::Mapping(e)
    }
}

impl From<MasterError> for ConfigError {
    fn from(e: MasterError) -> Self {
        ConfigError::Master(e)
    }
}

/// What is wrong with a layout TOML. Field problems name the field by its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayoutError {
    /// TOML syntax, an unknown key or a wrong type: the parser's own words (with line and
    /// column).
    Toml {
        /// The TOML parser's message.
        detail: String,
    },
    /// `id` is empty.
    EmptyId,
    /// No `fields`.
    NoFields,
    /// The delimiter is not one ASCII character other than a quote.
    BadDelimiter {
        /// The delimiter as written.
        delimiter: String,
    },
    /// `boolean_true` / `boolean_false` are empty or equal.
    BadBooleans,
    /// A field id that is not ASCII letters, digits, dots and underscores.
    BadFieldId {
        /// 1-based position of the field.
        number: usize,
        /// The id as written.
        id: String,
    },
    /// `label_ja` or `label_en` is empty.
    EmptyLabel {
        /// Field id.
        field: String,
    },
    /// Two fields with one id.
    DuplicateFieldId {
        /// Field id.
        field: String,
    },
    /// Both `length` and `min_length`/`max_length`.
    LengthConflict {
        /// Field id.
        field: String,
    },
    /// `min_length` > `max_length`.
    MinAboveMax {
        /// Field id.
        field: String,
    },
    /// `type = "code"` without `codes`.
    CodeWithoutCodes {
        /// Field id.
        field: String,
    },
    /// `codes` on a field that is not `type = "code"`.
    CodesOnNonCode {
        /// Field id.
        field: String,
    },
    /// A code listed twice in `codes`.
    DuplicateCode {
        /// Field id.
        field: String,
    },
    /// `keys` names a field the layout does not have.
    UnknownKeyField {
        /// The id named.
        field: String,
    },
    /// A date key (`valid_from`, `valid_to`, `date_of_birth`) is not `type = "date"`.
    KeyDateNotDate {
        /// Field id.
        field: String,
    },
    /// `no_overlap` without `valid_from` and `valid_to`.
    OverlapNeedsValidity,
    /// `length = 0` or `max_length = 0`: no value could ever be right.
    ZeroLength {
        /// Field id.
        field: String,
    },
    /// `keys.certificate` is empty: duplicates (K001) and overlaps (K002) would never be found,
    /// and no comparison with a previous upload could be made.
    NoCertificateKey,
    /// A field named twice in `keys.certificate`.
    RepeatedKeyField {
        /// Field id.
        field: String,
    },
    /// `valid_from` and `valid_to` name one field: a reversed period (R001) could never be found.
    SameValidityFields,
    /// `header = false`: every front end reads and writes a header row, so the setting would be
    /// silently ignored.
    NoHeaderRow,
}

/// Where a rule comes from. Shown to the user next to every finding and in the layout docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// Seen verbatim in a public Digital Agency document.
    Verified,
    /// Our reasoning from verified facts or domain practice (推定規則).
    #[default]
    Inferred,
    /// Nothing public says; a documented default that the user may change.
    Unknown,
}

impl Basis {
    /// Stable lower-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Verified => "verified",
            Basis::Inferred => "inferred",
            Basis::Unknown => "unknown",
        }
    }

    /// The label shown to staff (`推定規則`) or in English (`inferred rule`).
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Basis::Verified, Lang::Ja) => "公開仕様で確認済み",
            (Basis::Inferred, Lang::Ja) => "推定規則",
            (Basis::Unknown, Lang::Ja) => "仕様未公開（既定値）",
            (Basis::Verified, Lang::En) => "verified in the public spec",
            (Basis::Inferred, Lang::En) => "inferred rule",
            (Basis::Unknown, Lang::En) => "unknown in the public spec (default)",
        }
    }
}

/// The kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueType {
    /// Free text, limited by length and character class.
    Text,
    /// Half-width digits only (identifiers: never parsed as numbers).
    Digits,
    /// One of the listed codes.
    Code,
    /// A calendar date in the dialect's date format.
    Date,
    /// A boolean in the dialect's spelling.
    Boolean,
    /// `項目コード-コード` pairs joined by `;` (追加条件).
    Conditions,
}

impl ValueType {
    /// Stable lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ValueType::Text => "text",
            ValueType::Digits => "digits",
            ValueType::Code => "code",
            ValueType::Date => "date",
            ValueType::Boolean => "boolean",
            ValueType::Conditions => "conditions",
        }
    }
}

/// Which characters a text field accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum CharClass {
    /// Anything printable (no control characters).
    #[default]
    Text,
    /// 半角数字 `[0-9]`.
    Digits,
    /// 半角英数 `[0-9A-Za-z]`.
    Alnum,
    /// 全角カタカナ, ー, ・ and one space between family and given name.
    Katakana,
    /// Names and addresses: any printable text; 外字 and 機種依存文字 are flagged.
    Name,
}

impl CharClass {
    /// Stable lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            CharClass::Text => "text",
            CharClass::Digits => "digits",
            CharClass::Alnum => "alnum",
            CharClass::Katakana => "katakana",
            CharClass::Name => "name",
        }
    }

    /// The description, in Japanese as the spec's 文字種 column would say it (`半角数字`), or
    /// in English (`half-width digits`).
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (CharClass::Text, Lang::Ja) => "文字列",
            (CharClass::Digits, Lang::Ja) => "半角数字",
            (CharClass::Alnum, Lang::Ja) => "半角英数",
            (CharClass::Katakana, Lang::Ja) => "全角カタカナ",
            (CharClass::Name, Lang::Ja) => "文字列（氏名・住所）",
            (CharClass::Text, Lang::En) => "text",
            (CharClass::Digits, Lang::En) => "half-width digits",
            (CharClass::Alnum, Lang::En) => "half-width letters and digits",
            (CharClass::Katakana, Lang::En) => "full-width katakana",
            (CharClass::Name, Lang::En) => "text (names and addresses)",
        }
    }
}

/// What kind of personal data a field holds: drives masking in reports and redaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Personal {
    /// Not personal.
    #[default]
    None,
    /// 個人番号.
    MyNumber,
    /// 氏名 / 氏名カナ.
    Name,
    /// 住所.
    Address,
    /// 生年月日.
    BirthDate,
}

/// How a field reports 外字, 機種依存文字, characters outside CP932 and 半角カナ (C001–C004),
/// overriding the codes' default levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CharLevel {
    /// Report as errors.
    Error,
    /// Report as warnings.
    Warning,
    /// Report for information.
    Info,
    /// Do not report.
    Ignore,
}

impl CharLevel {
    /// The severity findings get (for `Ignore`, never used).
    pub fn severity(self) -> crate::findings::codes::Severity {
        match self {
            CharLevel::Error => crate::findings::codes::Severity::Error,
            CharLevel::Warning => crate::findings::codes::Severity::Warning,
            CharLevel::Info | CharLevel::Ignore => crate::findings::codes::Severity::Info,
        }
    }
}

/// A named check that is not expressed by type/length/class alone (check digits, masters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// 個人番号 check digit (mod 11).
    MyNumber,
    /// 公費負担者番号 check digit and prefecture.
    InsurerNumber,
    /// 公費受給者番号 check digit (national programmes only).
    RecipientNumber,
    /// 医療機関コード check digits inside the value.
    MedicalInstitutionCodes,
    /// 区分 against the municipality master.
    MasterSegment,
    /// 所得区分 against the municipality master.
    MasterIncomeSegment,
    /// An amount in yen: `build` repairs 「10,000円」「1万円」 to digits (X012).
    Amount,
}

impl Check {
    /// Stable snake_case name, as written in layout files.
    pub fn as_str(self) -> &'static str {
        match self {
            Check::MyNumber => "my_number",
            Check::InsurerNumber => "insurer_number",
            Check::RecipientNumber => "recipient_number",
            Check::MedicalInstitutionCodes => "medical_institution_codes",
            Check::MasterSegment => "master_segment",
            Check::MasterIncomeSegment => "master_income_segment",
            Check::Amount => "amount",
        }
    }
}

/// One entry of a code list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeEntry {
    /// The code as written in the file.
    pub code: String,
    /// Japanese meaning.
    pub ja: String,
    /// English meaning.
    #[serde(default)]
    pub en: String,
    /// Other spellings staff type for this code (`女性` for `2` = 女): `build` repairs them
    /// (and the Japanese meaning itself) to the code, reported (X013).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// Columns known to be 受給者証券面項目 wherever they stand (`[certificate_items]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateItems {
    /// Header names (compared as headers are: ignoring width, case and spaces).
    #[serde(default)]
    pub known: Vec<String>,
}

/// Per-rule basis overrides of a field (`rule_basis = { max_length = "unknown" }`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleBasis {
    /// Basis of required-ness.
    pub required: Option<Basis>,
    /// Basis of the length rule(s).
    pub max_length: Option<Basis>,
    /// Basis of the character class.
    pub chars: Option<Basis>,
    /// Basis of the code list.
    pub codes: Option<Basis>,
    /// Basis of the named checks.
    pub checks: Option<Basis>,
}

/// The rule a finding comes from; used to look up its basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Required-ness.
    Required,
    /// Length.
    Length,
    /// Character class.
    Chars,
    /// Code list / type format.
    Codes,
    /// Named checks.
    Checks,
}

/// One column of an upload file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Stable identifier: the JSON property path, e.g. `basicFiveInfo.name`.
    pub id: String,
    /// Japanese label (the CSV header).
    pub label_ja: String,
    /// English label.
    pub label_en: String,
    /// Other headers accepted when reading.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Whether a value is required in every row.
    #[serde(default)]
    pub required: bool,
    /// Value type.
    #[serde(rename = "type")]
    pub value_type: ValueType,
    /// Exact length in characters.
    pub length: Option<u32>,
    /// Minimum length in characters.
    pub min_length: Option<u32>,
    /// Maximum length in characters.
    pub max_length: Option<u32>,
    /// Character class (text fields).
    #[serde(default)]
    pub chars: CharClass,
    /// Code list (code fields).
    #[serde(default)]
    pub codes: Vec<CodeEntry>,
    /// Named checks.
    #[serde(default)]
    pub checks: Vec<Check>,
    /// Personal-data kind (masking, redaction).
    #[serde(default)]
    pub personal: Personal,
    /// Level of character findings (C001–C004) in this field; default: the codes' own.
    #[serde(default)]
    pub char_issues: Option<CharLevel>,
    /// Where the field's rules come from.
    pub basis: Basis,
    /// Short source note shown with the basis.
    #[serde(default)]
    pub source: String,
    /// Per-rule basis where it differs from `basis`.
    #[serde(default)]
    pub rule_basis: RuleBasis,
}

impl Field {
    /// The basis of one rule of this field.
    pub fn basis_of(&self, rule: Rule) -> Basis {
        let over = match rule {
            Rule::Required => self.rule_basis.required,
            Rule::Length => self.rule_basis.max_length,
            Rule::Chars => self.rule_basis.chars,
            Rule::Codes => self.rule_basis.codes,
            Rule::Checks => self.rule_basis.checks,
        };
        over.unwrap_or(self.basis)
    }

    /// Length bounds in characters as (min, max).
    pub fn length_bounds(&self) -> (Option<u32>, Option<u32>) {
        match self.length {
            Some(n) => (Some(n), Some(n)),
            None => (self.min_length, self.max_length),
        }
    }

    /// Whether the field carries a named check.
    pub fn has_check(&self, check: Check) -> bool {
        self.checks.contains(&check)
    }

    /// Whether the field is a name (氏名, 氏名カナ) or an address written in text, where a `?`
    /// or a character reference (`&#134071;`) is the trace of a character lost in an earlier
    /// conversion (C006).
    pub fn may_lose_characters(&self) -> bool {
        self.value_type == ValueType::Text
            && matches!(self.personal, Personal::Name | Personal::Address)
    }

    /// Whether the field holds a number, code, date, flag or 追加条件 (every type but text,
    /// and text of the digits or 半角英数 classes), not words: a value compared character for
    /// character, where an edge space makes another value (V015) and 全角 letters and digits
    /// are written 半角 by build (X002).
    pub fn is_code_like(&self) -> bool {
        match self.value_type {
            ValueType::Text => matches!(self.chars, CharClass::Digits | CharClass::Alnum),
            ValueType::Digits
            | ValueType::Code
            | ValueType::Date
            | ValueType::Boolean
            | ValueType::Conditions => true,
        }
    }
}

/// Output text encoding of the upload file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Encoding {
    /// UTF-8 (the PMH manual's 「CSV UTF-8」).
    #[default]
    #[serde(rename = "utf-8")]
    Utf8,
    /// Shift_JIS as Windows writes it.
    #[serde(rename = "cp932")]
    Cp932,
}

/// Line ending between records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LineEnding {
    /// `\r\n`, as Excel writes.
    #[default]
    Crlf,
    /// `\n`.
    Lf,
}

/// Quoting policy of the writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Quoting {
    /// Quote only fields that need it (RFC 4180).
    #[default]
    Necessary,
    /// Quote every field.
    Always,
}

/// Supported date formats of the dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum DateFormat {
    /// `2013-01-01` (PMH JSON; our CSV default).
    #[default]
    #[serde(rename = "YYYY-MM-DD")]
    Iso,
    /// `2013/01/01`.
    #[serde(rename = "YYYY/MM/DD")]
    Slash,
    /// `20130101`.
    #[serde(rename = "YYYYMMDD")]
    Compact,
}

impl DateFormat {
    /// The format as written in layout files.
    pub fn as_str(self) -> &'static str {
        match self {
            DateFormat::Iso => "YYYY-MM-DD",
            DateFormat::Slash => "YYYY/MM/DD",
            DateFormat::Compact => "YYYYMMDD",
        }
    }
}

/// The CSV conventions of the upload file (pmh-layout.md §2; mostly UNKNOWN defaults).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dialect {
    /// Text encoding.
    #[serde(default)]
    pub encoding: Encoding,
    /// Whether the file starts with a byte-order mark.
    #[serde(default = "yes")]
    pub bom: bool,
    /// Line ending.
    #[serde(default)]
    pub line_ending: LineEnding,
    /// Field delimiter (one ASCII character).
    #[serde(default = "comma")]
    pub delimiter: String,
    /// Whether the first row is a header row.
    #[serde(default = "yes")]
    pub header: bool,
    /// Date format.
    #[serde(default)]
    pub date_format: DateFormat,
    /// Spelling of true.
    #[serde(default = "one")]
    pub boolean_true: String,
    /// Spelling of false.
    #[serde(default = "zero")]
    pub boolean_false: String,
    /// Quoting.
    #[serde(default)]
    pub quoting: Quoting,
    /// Whether the fields' labels and order are the official upload header (a layout derived
    /// from the municipality's template, `pmhcsv layout --from-template`): an upload file's
    /// other headers and order are then warnings (S028, S029). The built-in layouts are a
    /// reconstruction from the public documents: against them the same differences are
    /// information.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub official_header: bool,
}

fn yes() -> bool {
    true
}
fn comma() -> String {
    ",".into()
}
fn one() -> String {
    "1".into()
}
fn zero() -> String {
    "0".into()
}

impl Dialect {
    /// The delimiter byte (validated to be one ASCII character at load time).
    pub fn delimiter_byte(&self) -> u8 {
        self.delimiter.as_bytes().first().copied().unwrap_or(b',')
    }
}

/// Which fields identify a certificate and carry its history (file-level checks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Keys {
    /// Field ids that together identify one certificate.
    pub certificate: Vec<String>,
    /// Basis of the certificate key.
    #[serde(default)]
    pub certificate_basis: Basis,
    /// Field id of the certificate type (機関別受給者証種別ID): rows of one certificate whose
    /// type differs are K004 (a warning) instead of K001/K002/K003. Not part of the key.
    #[serde(default)]
    pub certificate_type: Option<String>,
    /// Field id of the history key (diff layouts): unique per certificate.
    pub history_key: Option<String>,
    /// Whether two rows of one certificate must not have overlapping validity periods.
    #[serde(default)]
    pub no_overlap: bool,
    /// Field id of the validity start.
    pub valid_from: Option<String>,
    /// Field id of the validity end.
    pub valid_to: Option<String>,
    /// Field id of the date of birth.
    pub date_of_birth: Option<String>,
}

/// A record layout: dialect plus ordered fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// Short id, e.g. `full`, `diff`.
    pub id: String,
    /// Version of this layout file.
    pub version: String,
    /// Japanese title.
    pub title_ja: String,
    /// English title.
    pub title_en: String,
    /// Where the layout comes from.
    #[serde(default)]
    pub source: String,
    /// CSV conventions.
    pub dialect: Dialect,
    /// Certificate identity and history.
    pub keys: Keys,
    /// Fields in file order. Columns after these are 受給者証券面項目.
    pub fields: Vec<Field>,
    /// Columns known to be 受給者証券面項目 even among the fixed ones (no S014).
    #[serde(default)]
    pub certificate_items: CertificateItems,
}

/// Indices of the fields that the row and file checks use, resolved once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyIndex {
    /// Certificate key field positions.
    pub certificate: Vec<usize>,
    /// Certificate type field position (K004).
    pub certificate_type: Option<usize>,
    /// History key field position.
    pub history_key: Option<usize>,
    /// Validity start.
    pub valid_from: Option<usize>,
    /// Validity end.
    pub valid_to: Option<usize>,
    /// Date of birth.
    pub date_of_birth: Option<usize>,
}

impl Layout {
    /// Parses and checks a layout from TOML text.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the problem (TOML syntax with line and column, an unknown key,
    /// an inconsistent field) — never a panic.
    pub fn from_toml(text: &str) -> Result<Layout, ConfigError> {
        let layout: Layout = toml::from_str(text).map_err(|e| LayoutError::Toml {
            detail: e.to_string(),
        })?;
        layout.check().map_err(ConfigError::Layout)?;
        Ok(layout)
    }

    /// The embedded 全件 layout.
    pub fn full() -> Layout {
        Self::from_toml(FULL_TOML).unwrap_or_else(|e| unreachable!("embedded full layout: {e}"))
    }

    /// The embedded 差分履歴 layout.
    pub fn diff() -> Layout {
        Self::from_toml(DIFF_TOML).unwrap_or_else(|e| unreachable!("embedded diff layout: {e}"))
    }

    /// The ids of the embedded layouts, in the order `pmhcsv --version` and the page's footer
    /// list them with their versions.
    pub const BUILTIN_IDS: [&'static str; 2] = ["full", "diff"];

    /// An embedded layout by id (one of [`Layout::BUILTIN_IDS`]).
    pub fn builtin(id: &str) -> Option<Layout> {
        match id {
            "full" => Some(Self::full()),
            "diff" => Some(Self::diff()),
            _ => None,
        }
    }

    /// Position of a field by id.
    pub fn field_index(&self, id: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.id == id)
    }

    /// Resolves the key field ids to positions (checked at load time, so this cannot fail
    /// for a layout that came through [`Layout::from_toml`]).
    pub fn key_index(&self) -> KeyIndex {
        let ix = |id: &Option<String>| id.as_deref().and_then(|i| self.field_index(i));
        KeyIndex {
            certificate: self
                .keys
                .certificate
                .iter()
                .filter_map(|id| self.field_index(id))
                .collect(),
            certificate_type: ix(&self.keys.certificate_type),
            history_key: ix(&self.keys.history_key),
            valid_from: ix(&self.keys.valid_from),
            valid_to: ix(&self.keys.valid_to),
            date_of_birth: ix(&self.keys.date_of_birth),
        }
    }

    fn check(&self) -> Result<(), LayoutError> {
        use LayoutError as E;
        if self.id.trim().is_empty() {
            return Err(E::EmptyId);
        }
        if self.fields.is_empty() {
            return Err(E::NoFields);
        }
        let d = &self.dialect;
        // One printable ASCII character or TAB, not the quote: a line break (or another
        // control character) as the delimiter would put every value on a line of its own.
        if d.delimiter.len() != 1
            || !d.delimiter.is_ascii()
            || d.delimiter == "\""
            || (d.delimiter != "\t" && d.delimiter.bytes().any(|b| b.is_ascii_control()))
        {
            return Err(E::BadDelimiter {
                delimiter: d.delimiter.clone(),
            });
        }
        if d.boolean_true.is_empty()
            || d.boolean_false.is_empty()
            || d.boolean_true == d.boolean_false
        {
            return Err(E::BadBooleans);
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, f) in self.fields.iter().enumerate() {
            let n = i + 1;
            let field = || f.id.clone();
            if f.id.is_empty()
                || !f
                    .id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
            {
                return Err(E::BadFieldId {
                    number: n,
                    id: field(),
                });
            }
            if f.label_ja.trim().is_empty() || f.label_en.trim().is_empty() {
                return Err(E::EmptyLabel { field: field() });
            }
            if seen.insert(f.id.as_str(), n).is_some() {
                return Err(E::DuplicateFieldId { field: field() });
            }
            if f.length.is_some() && (f.min_length.is_some() || f.max_length.is_some()) {
                return Err(E::LengthConflict { field: field() });
            }
            if let (Some(lo), Some(hi)) = (f.min_length, f.max_length)
                && lo > hi
            {
                return Err(E::MinAboveMax { field: field() });
            }
            if f.length == Some(0) || f.max_length == Some(0) {
                return Err(E::ZeroLength { field: field() });
            }
            if f.value_type == ValueType::Code && f.codes.is_empty() {
                return Err(E::CodeWithoutCodes { field: field() });
            }
            if f.value_type != ValueType::Code && !f.codes.is_empty() {
                return Err(E::CodesOnNonCode { field: field() });
            }
            let mut codes: Vec<&str> = f.codes.iter().map(|c| c.code.as_str()).collect();
            codes.sort_unstable();
            if codes.windows(2).any(|w| w[0] == w[1]) {
                return Err(E::DuplicateCode { field: field() });
            }
        }
        let key_ids = self.keys.certificate.iter().map(String::as_str);
        let singles = [
            &self.keys.certificate_type,
            &self.keys.history_key,
            &self.keys.valid_from,
            &self.keys.valid_to,
            &self.keys.date_of_birth,
        ];
        for id in key_ids.chain(singles.iter().filter_map(|o| o.as_deref())) {
            if !seen.contains_key(id) {
                return Err(E::UnknownKeyField {
                    field: id.to_owned(),
                });
            }
        }
        for id in [
            &self.keys.valid_from,
            &self.keys.valid_to,
            &self.keys.date_of_birth,
        ]
        .into_iter()
        .flatten()
        {
            let f = &self.fields[seen[id.as_str()] - 1];
            if f.value_type != ValueType::Date {
                return Err(E::KeyDateNotDate { field: id.clone() });
            }
        }
        if self.keys.no_overlap && (self.keys.valid_from.is_none() || self.keys.valid_to.is_none())
        {
            return Err(E::OverlapNeedsValidity);
        }
        if self.keys.certificate.is_empty() {
            return Err(E::NoCertificateKey);
        }
        let mut keys: Vec<&str> = self.keys.certificate.iter().map(String::as_str).collect();
        keys.sort_unstable();
        if let Some(w) = keys.windows(2).find(|w| w[0] == w[1]) {
            return Err(E::RepeatedKeyField {
                field: w[0].to_owned(),
            });
        }
        if self.keys.valid_from.is_some() && self.keys.valid_from == self.keys.valid_to {
            return Err(E::SameValidityFields);
        }
        if !d.header {
            return Err(E::NoHeaderRow);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_layouts_load() {
        let full = Layout::full();
        let diff = Layout::diff();
        assert_eq!(full.id, "full");
        assert_eq!(diff.id, "diff");
        assert!(diff.field_index("historyKey").is_some());
        assert!(full.field_index("historyKey").is_none());
        // The seeds' key (seed 000 lines 549–551); the type is compared apart (K004).
        let ids = |l: &Layout| l.keys.certificate.clone();
        for l in [&full, &diff] {
            assert_eq!(
                ids(l),
                [
                    "myNumber",
                    "medicalSubsidyRecipientNumber",
                    "certificationSubKey"
                ]
            );
        }
        assert_eq!(
            full.keys.certificate_type.as_deref(),
            Some("orgSpecificCertificateTypeId")
        );
    }

    #[test]
    fn builtin_ids_name_every_embedded_layout_by_its_own_id() {
        for id in Layout::BUILTIN_IDS {
            let layout = Layout::builtin(id).unwrap();
            assert_eq!(layout.id, id);
            assert!(!layout.version.trim().is_empty());
        }
        assert!(Layout::builtin("other").is_none());
    }

    #[test]
    fn bad_toml_is_a_config_error_with_position() {
        let err = Layout::from_toml("id = \"x\"\nversion = ").unwrap_err();
        assert!(
            err.message(Lang::En).contains("line 2"),
            "{}",
            err.message(Lang::En)
        );
    }

    #[test]
    fn unknown_key_is_rejected() {
        let text = FULL_TOML.replace("bom = true", "bom = true\nbommm = 1");
        let err = Layout::from_toml(&text).unwrap_err();
        assert!(
            err.message(Lang::En).contains("bommm"),
            "{}",
            err.message(Lang::En)
        );
    }

    /// Settings that would switch a check off without a word, or make every value wrong, are
    /// refused: a line break as the delimiter (`build` wrote a file it then called valid), no
    /// certificate key (K001 never found), one field for both validity dates (R001 never
    /// found), a length of 0, no header row (ignored by every front end).
    #[test]
    fn settings_that_silently_break_a_check_are_refused() {
        for (from, to, says) in [
            ("delimiter = \",\"", "delimiter = \"\\n\"", "'\\n'"),
            ("delimiter = \",\"", "delimiter = \"\\r\"", "'\\r'"),
            ("delimiter = \",\"", "delimiter = \"\\u0000\"", "'\\0'"),
            ("header = true ", "header = false ", "header"),
        ] {
            assert!(FULL_TOML.contains(from), "{from}");
            let err = Layout::from_toml(&FULL_TOML.replacen(from, to, 1)).unwrap_err();
            assert!(
                err.message(Lang::Ja).contains(says),
                "{to}: {}",
                err.message(Lang::Ja)
            );
        }
        let tab = FULL_TOML.replacen("delimiter = \",\"", "delimiter = \"\\t\"", 1);
        assert!(Layout::from_toml(&tab).is_ok(), "a tab is a delimiter");
        let err = |text: String| Layout::from_toml(&text).unwrap_err();
        assert_eq!(
            err(FULL_TOML.replace("valid_to = \"validTo\"", "valid_to = \"validFrom\"")),
            ConfigError::Layout(LayoutError::SameValidityFields)
        );
        assert_eq!(
            err(FULL_TOML.replacen(
                "max_length = 100\nchars = \"name\"",
                "max_length = 0\nchars = \"name\"",
                1
            )),
            ConfigError::Layout(LayoutError::ZeroLength {
                field: "basicFiveInfo.name".into()
            })
        );
        assert_eq!(
            err(FULL_TOML.replace(
                "certificate = [\"myNumber\", \"medicalSubsidyRecipientNumber\", \"certificationSubKey\"]",
                "certificate = []"
            )),
            ConfigError::Layout(LayoutError::NoCertificateKey)
        );
        assert_eq!(
            err(FULL_TOML.replace(
                "certificate = [\"myNumber\", \"medicalSubsidyRecipientNumber\", \"certificationSubKey\"]",
                "certificate = [\"myNumber\", \"myNumber\"]"
            )),
            ConfigError::Layout(LayoutError::RepeatedKeyField {
                field: "myNumber".into()
            })
        );
    }

    #[test]
    fn key_must_name_existing_field() {
        let text = FULL_TOML.replace("\"certificationSubKey\"]", "\"nope\"]");
        let err = Layout::from_toml(&text).unwrap_err();
        assert!(
            err.message(Lang::En).contains("nope"),
            "{}",
            err.message(Lang::En)
        );
        let text = FULL_TOML.replace(
            "certificate_type = \"orgSpecificCertificateTypeId\"",
            "certificate_type = \"nope2\"",
        );
        let err = Layout::from_toml(&text).unwrap_err();
        assert!(err.message(Lang::En).contains("nope2"));
    }
}
