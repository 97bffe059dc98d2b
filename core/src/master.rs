//! The municipality's 制度マスタ (programme master): certificate types, 区分, 所得区分 and
//! 追加条件 codes, loaded from a simple CSV that staff fill in one sheet.
//!
//! PMH knows each municipality's programmes from the 制度マスタ it registered; an upload whose
//! 機関別受給者証種別ID, 公費負担者番号, 区分, 所得区分 or 追加条件 is not in that master is
//! rejected later. [`Masters`] holds one or more master files merged and answers the questions
//! the validator asks per row ([`Masters::check_certificate_type`],
//! [`Masters::check_insurer_number`], [`Masters::check_segment`],
//! [`Masters::check_income_segment`], [`Masters::check_conditions`]). Without a master those
//! checks are skipped (the caller says so once, using [`Masters::is_empty`]).
//!
//! # The master CSV format
//!
//! One row per definition; the 種類 (kind) column says what the row defines:
//!
//! | 種類 (kind) | English alias | defines |
//! |---|---|---|
//! | 受給者証種別 | `certificate_type` | a certificate type: its ID, 受給者証名, 公費負担者番号 and/or 法別番号, whether its 公費受給者番号 has the national check digit |
//! | 区分 | `segment` | one allowed 区分 code |
//! | 所得区分 | `income_segment` | one allowed 所得区分 code |
//! | 追加条件 | `condition` | one allowed 追加条件 pair: 項目コード + コード |
//!
//! Header (column order is free; headers match ignoring 全角/半角, case, spaces and `_`):
//!
//! ```text
//! 種類,機関別受給者証種別ID,コード,名称,公費負担者番号,法別番号,受給者番号検証,項目コード,項目名,備考
//! ```
//!
//! | column | English alias | used by | content |
//! |---|---|---|---|
//! | 種類 | `kind` | every row | the kind (table above); the only required column |
//! | 機関別受給者証種別ID | `certificate_type_id` | every row | 受給者証種別: the ID (required; 半角英数 `[0-9A-Za-z]`, ≤50). Other kinds: optional scope: blank = valid for every type, else one or more IDs separated by `;` |
//! | コード | `code` | 区分, 所得区分, 追加条件 | the code (required). 区分/所得区分: any text ≤50 characters (e.g. `1`, `一般`). 追加条件: the allowed code, 半角英数 ≤50. 受給者証種別 rows: blank (or the same ID) |
//! | 名称 | `name` | every row | 受給者証種別: the 受給者証名; otherwise the code's name. Optional |
//! | 公費負担者番号 | `insurer_number` | 受給者証種別 | 8 半角数字, several separated by `;`. Optional. The check digit is *not* enforced here (misprinted numbers such as Tokyo's 88134458 are real and must be registrable) |
//! | 法別番号 | `houbetsu` | 受給者証種別 | 2 半角数字 10–99, several separated by `;`. Optional. If numbers are listed too, each number must start with one of these |
//! | 受給者番号検証 | `recipient_check` | 受給者証種別 | whether the 公費受給者番号 carries the national 7-digit check digit: する/しない (also はい/いいえ, あり/なし, ○/×, yes/no, true/false, 1/0). Blank: する when every 法別 of the type (this column, else the first two digits of its numbers) is in the national table, otherwise しない |
//! | 項目コード | `item_code` | 追加条件 | the item code (required; 半角英数 ≤50) |
//! | 項目名 | `item_name` | 追加条件 | the item's name (optional; rows of the same item must not disagree) |
//! | 備考 | `note` | every row | free text, ignored |
//!
//! Rules:
//!
//! - Encoding: UTF-8 with or without BOM (Excel「CSV UTF-8」), CP932 (Excel「CSV (コンマ区切り)」) or
//!   UTF-16 with BOM. Comma separated (tab separated when the header row has tabs and no commas).
//!   RFC 4180 quoting. CRLF or LF.
//! - Blank lines, rows whose cells are all empty, and rows whose **first** cell starts with `#`
//!   are ignored (comments, also before the header). The first other row is the header.
//! - Cells are trimmed of edge spaces (including 全角 spaces). A column that the row's kind does
//!   not use must be empty: a value in the wrong column is an error, not silently dropped. An
//!   unknown header is an error; a column with an empty header must be empty.
//! - Duplicates are errors naming both places, within a file and across files: the same
//!   受給者証種別ID twice; the same 区分 (or 所得区分) code twice for one type (an unscoped code
//!   counts for every type); the same 追加条件 項目コード+コード twice for one type.
//! - A scoped row must name a 受給者証種別 defined in the loaded master files. This is checked
//!   once all files are loaded ([`Masters::validate`]; [`Masters::from_files`] does it).
//! - Every problem is a [`ConfigError`] naming the file, the line and the column, in Japanese
//!   and English; up to [`MAX_ERRORS`] problems of one file are reported together. A file that
//!   fails to load leaves the [`Masters`] unchanged.
//! - Uploaded values are compared exactly (case-sensitive), after trimming edge spaces. In Excel,
//!   format code columns as 文字列 (text): otherwise `01` becomes `1`.
//!
//! Checks the validator makes with a master (each message lists the valid values, or the first
//! [`LIST_LIMIT`]):
//!
//! - 機関別受給者証種別ID not defined ([`Masters::check_certificate_type`]);
//! - 公費負担者番号 not registered for the type: equal to one of its numbers; or, when the type
//!   lists only 法別番号, starting with one of them; not checked when it lists neither
//!   ([`Masters::check_insurer_number`]);
//! - 区分 / 所得区分 not allowed for the type (skipped when the master defines none for it);
//! - 追加条件 malformed (`項目コード-コード;...`, `-` or `‐` U+2010) or a pair not allowed for the
//!   type (only the syntax is checked when the master defines no items for it).
//!
//! # Example
//!
//! ```
//! use pmh_core::master::{Masters, CodeCheck, InsurerMatch};
//! let csv = "種類,機関別受給者証種別ID,コード,名称,公費負担者番号,法別番号\r\n\
//!            受給者証種別,KODOMO01,,子ども医療費受給者証,88134457,\r\n\
//!            受給者証種別,NANBYO01,,特定医療費(指定難病)受給者証,,54\r\n\
//!            所得区分,,一般,一般\r\n";
//! let m = Masters::from_files([("master.csv", csv.as_bytes())]).unwrap();
//! assert_eq!(m.check_certificate_type("KODOMO01"), CodeCheck::Ok);
//! assert!(matches!(m.check_certificate_type("KODOMO02"), CodeCheck::Unknown { .. }));
//! assert_eq!(m.check_insurer_number("NANBYO01", "54016027"), InsurerMatch::Ok);
//! assert_eq!(m.check_income_segment("KODOMO01", "一般"), CodeCheck::Ok);
//! assert_eq!(m.check_segment("KODOMO01", "1"), CodeCheck::NoRule);
//! assert!(m.certificate_type("NANBYO01").unwrap().recipient_check_digit); // 54 is national
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use sha2::{Digest, Sha256};

use crate::decode::{Decoder, TextEncoding};
use crate::domain::chars::{fullwidth_alnum_to_halfwidth, is_edge_trim_char};
use crate::domain::tables;
use crate::header::fold;
use crate::layout::ConfigError;
use crate::reader::{Event, RecordReader};

/// At most this many valid values are listed in a [`CodeCheck::Unknown`] or
/// [`ConditionProblem`]; the rest are counted in `more`.
pub const LIST_LIMIT: usize = 10;

/// At most this many problems of one master file are reported (in one [`ConfigError`]).
pub const MAX_ERRORS: usize = 20;

/// Longest certificate type ID, 区分 / 所得区分 code and 追加条件 code (characters).
pub const CODE_MAX_CHARS: usize = 50;

/// What a master row defines (its 種類 column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// 受給者証種別: a certificate type.
    CertificateType,
    /// 区分: an allowed segment code.
    Segment,
    /// 所得区分: an allowed income segment code.
    IncomeSegment,
    /// 追加条件: an allowed additional-condition pair (項目コード + コード).
    Condition,
}

impl Kind {
    /// All kinds, in the order the template uses.
    pub const ALL: [Kind; 4] = [
        Kind::CertificateType,
        Kind::Segment,
        Kind::IncomeSegment,
        Kind::Condition,
    ];

    /// The Japanese kind name written in the 種類 column.
    pub const fn ja(self) -> &'static str {
        match self {
            Kind::CertificateType => "受給者証種別",
            Kind::Segment => "区分",
            Kind::IncomeSegment => "所得区分",
            Kind::Condition => "追加条件",
        }
    }

    /// The English alias accepted in the 種類 column.
    pub const fn en(self) -> &'static str {
        match self {
            Kind::CertificateType => "certificate_type",
            Kind::Segment => "segment",
            Kind::IncomeSegment => "income_segment",
            Kind::Condition => "condition",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            Kind::CertificateType => &["受給者証種別", "certificate_type", "受給者証", "種別"],
            Kind::Segment => &["区分", "segment"],
            Kind::IncomeSegment => &["所得区分", "income_segment"],
            Kind::Condition => &[
                "追加条件",
                "condition",
                "conditions",
                "additional_condition",
                "additional_conditions",
            ],
        }
    }

    fn parse(cell: &str) -> Option<Kind> {
        let f = fold(cell);
        Kind::ALL
            .into_iter()
            .find(|k| k.aliases().iter().any(|a| fold(a) == f))
    }
}

/// Where a definition was made: master file name and 1-based physical line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The file name given to [`Masters::load_csv`].
    pub source: String,
    /// 1-based physical line of the row.
    pub line: u64,
}

impl Place {
    /// `「file」12行目`.
    pub fn ja(&self) -> String {
        format!("「{}」{}行目", self.source, self.line)
    }

    /// `"file" line 12`.
    pub fn en(&self) -> String {
        format!("\"{}\" line {}", self.source, self.line)
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.source, self.line)
    }
}

/// A certificate type (受給者証種別) of the municipality.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateType {
    /// 機関別受給者証種別ID (半角英数, ≤50).
    pub id: String,
    /// 受給者証名 (may be empty).
    pub name: String,
    /// Registered 公費負担者番号 (8 digits each; may be empty).
    pub insurer_numbers: Vec<String>,
    /// Registered 法別番号 (2 digits each; may be empty).
    pub houbetsu: Vec<String>,
    /// Whether the 公費受給者番号 carries the national 7-digit check digit (explicit in the
    /// master, or defaulted from the 法別 as documented in the module).
    pub recipient_check_digit: bool,
    /// Where it was defined.
    pub defined_at: Place,
}

/// One loaded master file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The name given to [`Masters::load_csv`].
    pub name: String,
    /// SHA-256 of the file's bytes, lower-case hex (for the report: which master was used).
    pub sha256: String,
    /// The detected text encoding.
    pub encoding: TextEncoding,
}

/// Outcome of checking a value against a code list of the master.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeCheck {
    /// The value is allowed (or empty: emptiness is not the master's business).
    Ok,
    /// The master defines nothing for this: the check is skipped.
    NoRule,
    /// Not allowed.
    Unknown {
        /// The allowed values (in definition order, sorted for type IDs), at most
        /// [`LIST_LIMIT`].
        valid: Vec<String>,
        /// How many more allowed values were not listed.
        more: usize,
    },
}

/// Outcome of [`Masters::check_insurer_number`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsurerMatch {
    /// The number is registered for the type.
    Ok,
    /// Nothing to check: no master types, or the type lists neither numbers nor 法別.
    NoRule,
    /// The certificate type is not in the master (reported by
    /// [`Masters::check_certificate_type`]; nothing more to say here).
    TypeUnknown,
    /// The value is empty but the type registers numbers or 法別 (the field is optional in PMH:
    /// report it as a warning at most).
    Missing {
        /// The registered numbers, or the registered 法別 if it lists no numbers.
        expected: Vec<String>,
    },
    /// The type lists 公費負担者番号 and the value is none of them.
    NotRegistered {
        /// The registered numbers.
        expected: Vec<String>,
    },
    /// The type lists only 法別番号 and the value starts with none of them.
    WrongHoubetsu {
        /// The registered 法別番号.
        expected: Vec<String>,
    },
}

/// A problem in a 追加条件 value found by [`Masters::check_conditions`]. `index` is the 1-based
/// position of the `;`-separated entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConditionProblem {
    /// The entry is not `項目コード-コード` with 半角英数 codes.
    Malformed {
        /// 1-based entry.
        index: u32,
    },
    /// The 項目コード is not defined for the type.
    UnknownItem {
        /// 1-based entry.
        index: u32,
        /// The item code found.
        item: String,
        /// The defined item codes (first [`LIST_LIMIT`]).
        valid: Vec<String>,
        /// How many more were not listed.
        more: usize,
    },
    /// The コード is not allowed for the item (for the type).
    UnknownCode {
        /// 1-based entry.
        index: u32,
        /// The item code.
        item: String,
        /// The code found.
        code: String,
        /// The allowed codes of the item (first [`LIST_LIMIT`]).
        valid: Vec<String>,
        /// How many more were not listed.
        more: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct CodeEntry {
    scope: Option<String>,
    code: String,
    name: String,
    at: Place,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ConditionEntry {
    scope: Option<String>,
    item: String,
    item_name: String,
    code: String,
    name: String,
    at: Place,
}

/// The municipality's 制度マスタ: one or more master CSV files merged.
///
/// Load with [`Masters::from_files`] (loads and validates), or [`Masters::load_csv`] per file
/// followed by [`Masters::validate`].
#[derive(Debug, Clone, Default)]
pub struct Masters {
    types: BTreeMap<String, CertificateType>,
    segments: Vec<CodeEntry>,
    income_segments: Vec<CodeEntry>,
    conditions: Vec<ConditionEntry>,
    sources: Vec<Source>,
}

impl Masters {
    /// An empty master: every master check is skipped.
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads `(name, bytes)` master files in order, merges them and [validates](Self::validate)
    /// the result. This is what the CLI's repeatable `--master PATH` should call.
    pub fn from_files<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    ) -> Result<Masters, ConfigError> {
        let mut m = Masters::new();
        for (name, bytes) in files {
            m.load_csv(bytes, name)?;
        }
        m.validate()?;
        Ok(m)
    }

    /// Whether nothing is defined (no master loaded).
    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
            && self.segments.is_empty()
            && self.income_segments.is_empty()
            && self.conditions.is_empty()
    }

    /// Parses one master CSV (`source` is its name for messages, usually the path) and merges it
    /// into `self`. On error `self` is unchanged. A definition that repeats one already loaded
    /// (from this or an earlier file) is an error naming both places.
    ///
    /// Call [`Masters::validate`] after the last file: references from scoped rows to
    /// certificate types may point into a later file.
    pub fn load_csv(&mut self, bytes: &[u8], source: &str) -> Result<(), ConfigError> {
        let (text, encoding) = decode(bytes, source)?;
        let rows = read_rows(&text, source)?;
        let mut next = self.clone();
        let mut loader = Loader::new(&mut next, source);
        loader.rows(&rows);
        let Loader {
            errors,
            total_errors,
            added,
            ..
        } = loader;
        if !errors.is_empty() {
            return Err(combine(source, errors, total_errors));
        }
        if added == 0 {
            return Err(ConfigError::new(
                format!(
                    "制度マスタ「{source}」に定義の行がありません（見出し行の下に、種類を書いた行が必要です）"
                ),
                format!(
                    "master \"{source}\" defines nothing (rows with a kind are needed below the header row)"
                ),
            ));
        }
        next.sources.push(Source {
            name: source.to_owned(),
            sha256: hex(&Sha256::digest(bytes)),
            encoding,
        });
        *self = next;
        Ok(())
    }

    /// Checks what can only be checked once every file is loaded: every scoped row (区分,
    /// 所得区分, 追加条件 with a 機関別受給者証種別ID) names a defined 受給者証種別.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let scoped = self
            .segments
            .iter()
            .map(|e| (Kind::Segment, &e.scope, &e.at))
            .chain(
                self.income_segments
                    .iter()
                    .map(|e| (Kind::IncomeSegment, &e.scope, &e.at)),
            )
            .chain(
                self.conditions
                    .iter()
                    .map(|e| (Kind::Condition, &e.scope, &e.at)),
            );
        let mut errors = Vec::new();
        let mut total = 0;
        for (kind, scope, at) in scoped {
            let Some(id) = scope else { continue };
            if self.types.contains_key(id) {
                continue;
            }
            total += 1;
            if errors.len() < MAX_ERRORS {
                let (valid, more) = first_few(self.types.keys().map(String::as_str));
                let list = list_or_none(&valid, more);
                errors.push(ConfigError::new(
                    format!(
                        "制度マスタ{} 列「機関別受給者証種別ID」: {} の行が受給者証種別「{id}」を指定していますが、その受給者証種別はどのマスタにも定義されていません（定義済み: {}）",
                        at.ja(),
                        kind.ja(),
                        list.0
                    ),
                    format!(
                        "master {}, column \"機関別受給者証種別ID\": this {} row names certificate type \"{id}\", which no master file defines (defined: {})",
                        at.en(),
                        kind.en(),
                        list.1
                    ),
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            let name = self
                .sources
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            Err(combine(&name, errors, total))
        }
    }

    /// A master CSV to start from (`pmhcsv master --template`): UTF-8 with BOM, CRLF, `#`
    /// comment rows explaining the columns, the header, and example rows of every kind. It loads
    /// as is.
    pub fn template() -> Vec<u8> {
        let mut out = Vec::with_capacity(TEMPLATE.len() + 3);
        out.extend_from_slice(b"\xEF\xBB\xBF");
        for line in TEMPLATE.lines() {
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out
    }

    /// The loaded files, in load order.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// The certificate type with this ID.
    pub fn certificate_type(&self, id: &str) -> Option<&CertificateType> {
        self.types.get(id.trim_matches(is_edge_trim_char))
    }

    /// All certificate type IDs, sorted.
    pub fn certificate_type_ids(&self) -> impl Iterator<Item = &str> {
        self.types.keys().map(String::as_str)
    }

    /// 区分 codes allowed for `type_id` (unscoped ones plus those scoped to it), in definition
    /// order; `None` when there are none (then the check is skipped).
    pub fn segment_codes(&self, type_id: &str) -> Option<Vec<&str>> {
        codes_for(&self.segments, type_id)
    }

    /// 所得区分 codes allowed for `type_id`, like [`Masters::segment_codes`].
    pub fn income_segment_codes(&self, type_id: &str) -> Option<Vec<&str>> {
        codes_for(&self.income_segments, type_id)
    }

    /// The name of a 区分 code for `type_id` (scoped definition first), if defined.
    pub fn segment_name(&self, type_id: &str, code: &str) -> Option<&str> {
        name_for(&self.segments, type_id, code)
    }

    /// The name of a 所得区分 code for `type_id`, like [`Masters::segment_name`].
    pub fn income_segment_name(&self, type_id: &str, code: &str) -> Option<&str> {
        name_for(&self.income_segments, type_id, code)
    }

    /// Checks a 機関別受給者証種別ID. [`CodeCheck::NoRule`] when the master defines no types;
    /// [`CodeCheck::Ok`] for an empty value (the required-field check reports that).
    pub fn check_certificate_type(&self, id: &str) -> CodeCheck {
        let id = id.trim_matches(is_edge_trim_char);
        if self.types.is_empty() {
            CodeCheck::NoRule
        } else if id.is_empty() || self.types.contains_key(id) {
            CodeCheck::Ok
        } else {
            let (valid, more) = first_few(self.types.keys().map(String::as_str));
            CodeCheck::Unknown { valid, more }
        }
    }

    /// Checks a 区分 value for the row's certificate type. Skipped ([`CodeCheck::NoRule`]) when
    /// the master defines no 区分 for the type; an empty value is [`CodeCheck::Ok`].
    pub fn check_segment(&self, type_id: &str, value: &str) -> CodeCheck {
        check_code(&self.segments, type_id, value)
    }

    /// Checks a 所得区分 value, like [`Masters::check_segment`].
    pub fn check_income_segment(&self, type_id: &str, value: &str) -> CodeCheck {
        check_code(&self.income_segments, type_id, value)
    }

    /// Checks a 公費負担者番号 against the numbers (or, failing those, the 法別番号) registered
    /// for the row's certificate type. The check digit is not this function's business.
    pub fn check_insurer_number(&self, type_id: &str, insurer_number: &str) -> InsurerMatch {
        if self.types.is_empty() {
            return InsurerMatch::NoRule;
        }
        let Some(t) = self.certificate_type(type_id) else {
            return InsurerMatch::TypeUnknown;
        };
        let value = insurer_number.trim_matches(is_edge_trim_char);
        let (list, by_number) = if !t.insurer_numbers.is_empty() {
            (&t.insurer_numbers, true)
        } else if !t.houbetsu.is_empty() {
            (&t.houbetsu, false)
        } else {
            return InsurerMatch::NoRule;
        };
        if value.is_empty() {
            InsurerMatch::Missing {
                expected: list.clone(),
            }
        } else if by_number {
            if list.iter().any(|n| n == value) {
                InsurerMatch::Ok
            } else {
                InsurerMatch::NotRegistered {
                    expected: list.clone(),
                }
            }
        } else if list.iter().any(|h| value.starts_with(h.as_str())) {
            InsurerMatch::Ok
        } else {
            InsurerMatch::WrongHoubetsu {
                expected: list.clone(),
            }
        }
    }

    /// Checks a 追加条件 value (`項目コード-コード;...`; `-` or `‐` U+2010 between the codes, `;`
    /// between entries, a trailing `;` and spaces around entries and codes tolerated; codes
    /// 半角英数). Pairs are checked against the items defined for `type_id` (unscoped plus
    /// scoped to it); when there are none, only the syntax is checked. An empty value has no
    /// problems.
    pub fn check_conditions(&self, type_id: &str, value: &str) -> Vec<ConditionProblem> {
        let type_id = type_id.trim_matches(is_edge_trim_char);
        let applicable: Vec<&ConditionEntry> = self
            .conditions
            .iter()
            .filter(|e| applies(&e.scope, type_id))
            .collect();
        let mut problems = Vec::new();
        for (index, entry) in parse_conditions(value) {
            let Some((item, code)) = entry else {
                problems.push(ConditionProblem::Malformed { index });
                continue;
            };
            if applicable.is_empty() {
                continue;
            }
            if !applicable.iter().any(|e| e.item == item) {
                let mut items: Vec<&str> = Vec::new();
                for e in &applicable {
                    if !items.contains(&e.item.as_str()) {
                        items.push(&e.item);
                    }
                }
                let (valid, more) = first_few(items.into_iter());
                problems.push(ConditionProblem::UnknownItem {
                    index,
                    item: item.to_owned(),
                    valid,
                    more,
                });
            } else if !applicable.iter().any(|e| e.item == item && e.code == code) {
                let (valid, more) = first_few(
                    applicable
                        .iter()
                        .filter(|e| e.item == item)
                        .map(|e| e.code.as_str()),
                );
                problems.push(ConditionProblem::UnknownCode {
                    index,
                    item: item.to_owned(),
                    code: code.to_owned(),
                    valid,
                    more,
                });
            }
        }
        problems
    }

    /// The name of a 追加条件 item for `type_id` (scoped definition first), if any is given.
    pub fn condition_item_name(&self, type_id: &str, item: &str) -> Option<&str> {
        let mut found = None;
        for e in &self.conditions {
            if e.item == item && !e.item_name.is_empty() && applies(&e.scope, type_id) {
                if e.scope.is_some() {
                    return Some(&e.item_name);
                }
                found.get_or_insert(e.item_name.as_str());
            }
        }
        found
    }

    /// A short Japanese summary for the report, e.g. `制度マスタ（master.csv）: 受給者証種別 2件、
    /// 区分 1件、所得区分 1件、追加条件 2項目・3コード`; `制度マスタなし（…）` when empty.
    pub fn describe(&self) -> String {
        if self.is_empty() {
            return "制度マスタなし（機関別受給者証種別ID・公費負担者番号・区分・所得区分・追加条件のマスタ照合は行っていません）".to_owned();
        }
        let c = self.counts();
        format!(
            "制度マスタ（{}）: 受給者証種別 {}件、区分 {}件、所得区分 {}件、追加条件 {}項目・{}コード",
            self.source_names(),
            c[0],
            c[1],
            c[2],
            c[3],
            c[4]
        )
    }

    /// [`Masters::describe`] in English.
    pub fn describe_en(&self) -> String {
        if self.is_empty() {
            return "no municipality master (certificate type IDs, insurer numbers, segments, income segments and additional conditions were not checked against one)".to_owned();
        }
        let c = self.counts();
        format!(
            "municipality master ({}): {} certificate types, {} segment codes, {} income segment codes, {} condition items with {} codes",
            self.source_names(),
            c[0],
            c[1],
            c[2],
            c[3],
            c[4]
        )
    }

    fn source_names(&self) -> String {
        self.sources
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Types, 区分, 所得区分, distinct (scope, item) pairs, condition codes.
    fn counts(&self) -> [usize; 5] {
        let mut items: Vec<(&Option<String>, &str)> = Vec::new();
        for e in &self.conditions {
            if !items.contains(&(&e.scope, e.item.as_str())) {
                items.push((&e.scope, &e.item));
            }
        }
        [
            self.types.len(),
            self.segments.len(),
            self.income_segments.len(),
            items.len(),
            self.conditions.len(),
        ]
    }
}

fn applies(scope: &Option<String>, type_id: &str) -> bool {
    scope.as_deref().is_none_or(|s| s == type_id)
}

fn codes_for<'a>(list: &'a [CodeEntry], type_id: &str) -> Option<Vec<&'a str>> {
    let type_id = type_id.trim_matches(is_edge_trim_char);
    let codes: Vec<&str> = list
        .iter()
        .filter(|e| applies(&e.scope, type_id))
        .map(|e| e.code.as_str())
        .collect();
    (!codes.is_empty()).then_some(codes)
}

fn name_for<'a>(list: &'a [CodeEntry], type_id: &str, code: &str) -> Option<&'a str> {
    let type_id = type_id.trim_matches(is_edge_trim_char);
    let mut found = None;
    for e in list {
        if e.code == code && applies(&e.scope, type_id) {
            if e.scope.is_some() {
                return Some(&e.name);
            }
            found.get_or_insert(e.name.as_str());
        }
    }
    found
}

fn check_code(list: &[CodeEntry], type_id: &str, value: &str) -> CodeCheck {
    let type_id = type_id.trim_matches(is_edge_trim_char);
    let value = value.trim_matches(is_edge_trim_char);
    let mut any = false;
    for e in list.iter().filter(|e| applies(&e.scope, type_id)) {
        if e.code == value {
            return CodeCheck::Ok;
        }
        any = true;
    }
    if !any {
        CodeCheck::NoRule
    } else if value.is_empty() {
        CodeCheck::Ok
    } else {
        let (valid, more) = first_few(
            list.iter()
                .filter(|e| applies(&e.scope, type_id))
                .map(|e| e.code.as_str()),
        );
        CodeCheck::Unknown { valid, more }
    }
}

fn first_few<'a>(it: impl Iterator<Item = &'a str>) -> (Vec<String>, usize) {
    let mut valid = Vec::new();
    let mut more = 0;
    for s in it {
        if valid.len() < LIST_LIMIT {
            valid.push(s.to_owned());
        } else {
            more += 1;
        }
    }
    (valid, more)
}

/// (ja, en) rendering of a value list for messages.
fn list_or_none(valid: &[String], more: usize) -> (String, String) {
    if valid.is_empty() {
        return ("なし".to_owned(), "none".to_owned());
    }
    let list = valid.join(", ");
    if more == 0 {
        (list.clone(), list)
    } else {
        (
            format!("{list} ほか{more}件"),
            format!("{list} and {more} more"),
        )
    }
}

/// Entries of a 追加条件 value: (1-based index, `Some((item, code))` or `None` if malformed).
fn parse_conditions(value: &str) -> Vec<(u32, Option<(&str, &str)>)> {
    let value = value.trim_matches(is_edge_trim_char);
    if value.is_empty() {
        return Vec::new();
    }
    let parts: Vec<&str> = value.split(';').collect();
    let n = parts.len();
    let mut out = Vec::with_capacity(n);
    for (i, part) in parts.into_iter().enumerate() {
        let entry = part.trim_matches(is_edge_trim_char);
        if entry.is_empty() && i + 1 == n && n > 1 {
            continue; // a trailing ';'
        }
        let index = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let parsed = entry
            .split_once(['-', '\u{2010}'])
            .map(|(a, b)| {
                (
                    a.trim_matches(is_edge_trim_char),
                    b.trim_matches(is_edge_trim_char),
                )
            })
            .filter(|(a, b)| is_condition_code(a) && is_condition_code(b));
        out.push((index, parsed));
    }
    out
}

fn is_condition_code(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn is_alnum_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= CODE_MAX_CHARS && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn hex(bytes: &[u8]) -> String {
    use fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Several errors of one file → one [`ConfigError`].
fn combine(source: &str, mut errors: Vec<ConfigError>, total: usize) -> ConfigError {
    if errors.len() == 1 && total <= 1 {
        return errors.remove(0);
    }
    let shown = errors.len();
    let mut ja = if total > shown {
        format!("制度マスタ「{source}」に誤りが{total}件あります（最初の{shown}件）:")
    } else {
        format!("制度マスタ「{source}」に誤りが{total}件あります:")
    };
    let mut en = if total > shown {
        format!("master \"{source}\" has {total} problems (the first {shown}):")
    } else {
        format!("master \"{source}\" has {total} problems:")
    };
    for e in errors {
        ja.push_str("\n- ");
        ja.push_str(&e.ja);
        en.push_str("\n- ");
        en.push_str(&e.en);
    }
    ConfigError::new(ja, en)
}

// ---------------------------------------------------------------------------------------------
// Reading

fn decode(bytes: &[u8], source: &str) -> Result<(Vec<u8>, TextEncoding), ConfigError> {
    let mut d = Decoder::new();
    let mut out = Vec::with_capacity(bytes.len());
    d.push(bytes, &mut out);
    d.finish(&mut out);
    if d.encoding() == TextEncoding::Unknown {
        let why = d.failure().unwrap_or("unknown encoding");
        return Err(ConfigError::new(
            format!(
                "制度マスタ「{source}」の文字コードを判別できません（UTF-8 または Shift_JIS(CP932) の CSV にしてください）: {why}"
            ),
            format!(
                "master \"{source}\": unknown text encoding (save it as a UTF-8 or Shift_JIS (CP932) CSV): {why}"
            ),
        ));
    }
    Ok((out, d.encoding()))
}

struct Row {
    line: u64,
    cells: Vec<String>,
}

fn read_rows(text: &[u8], source: &str) -> Result<Vec<Row>, ConfigError> {
    let delimiter = detect_delimiter(text);
    let mut reader = RecordReader::new(delimiter);
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut total = 0usize;
    let mut f = |ev: Event<'_>| {
        let Event::Record(rec) = ev else { return };
        let mut problem = None;
        if !rec.quotes_balanced {
            problem = Some(ConfigError::new(
                format!(
                    "制度マスタ「{source}」{}行目: 引用符 \" が閉じていません（この行から後が1つの値になっています）",
                    rec.line
                ),
                format!(
                    "master \"{source}\" line {}: unclosed quote \" (the rest of the file became one value)",
                    rec.line
                ),
            ));
        }
        let mut cells = Vec::with_capacity(rec.len());
        for i in 0..rec.len() {
            match std::str::from_utf8(rec.field(i)) {
                Ok(s) if !s.contains('\u{FFFD}') => cells.push(s.to_owned()),
                _ => {
                    problem.get_or_insert_with(|| {
                        ConfigError::new(
                            format!(
                                "制度マスタ「{source}」{}行目 {}列目: 文字コードとして読めないバイトがあります（文字化け）",
                                rec.line,
                                i + 1
                            ),
                            format!(
                                "master \"{source}\" line {}, column {}: bytes that are not valid text (mojibake)",
                                rec.line,
                                i + 1
                            ),
                        )
                    });
                    cells.push(String::new());
                }
            }
        }
        match problem {
            Some(e) => {
                total += 1;
                if errors.len() < MAX_ERRORS {
                    errors.push(e);
                }
            }
            None => rows.push(Row {
                line: rec.line,
                cells,
            }),
        }
    };
    reader.feed(text, &mut f);
    reader.finish(&mut f);
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(combine(source, errors, total))
    }
}

/// Tab when the first line that is not blank or a comment has tabs and no commas.
fn detect_delimiter(text: &[u8]) -> u8 {
    for line in text.split(|&b| b == b'\n') {
        let t = line.trim_ascii();
        if t.is_empty() || t.starts_with(b"#") || t.starts_with("＃".as_bytes()) {
            continue;
        }
        return if t.contains(&b'\t') && !t.contains(&b',') {
            b'\t'
        } else {
            b','
        };
    }
    b','
}

fn cell_trim(s: &str) -> &str {
    s.trim_matches(is_edge_trim_char)
}

fn is_skipped(cells: &[String]) -> bool {
    let first = cells.first().map_or("", |c| cell_trim(c));
    first.starts_with('#')
        || first.starts_with('＃')
        || cells.iter().all(|c| cell_trim(c).is_empty())
}

/// A column of the master CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Kind,
    TypeId,
    Code,
    Name,
    Insurer,
    Houbetsu,
    RecipientCheck,
    ItemCode,
    ItemName,
    Note,
}

impl Col {
    const ALL: [Col; 10] = [
        Col::Kind,
        Col::TypeId,
        Col::Code,
        Col::Name,
        Col::Insurer,
        Col::Houbetsu,
        Col::RecipientCheck,
        Col::ItemCode,
        Col::ItemName,
        Col::Note,
    ];

    const fn idx(self) -> usize {
        self as usize
    }

    /// Japanese header (first) and accepted aliases.
    fn names(self) -> &'static [&'static str] {
        match self {
            Col::Kind => &["種類", "kind"],
            Col::TypeId => &[
                "機関別受給者証種別ID",
                "certificate_type_id",
                "orgSpecificCertificateTypeId",
                "受給者証種別ID",
            ],
            Col::Code => &["コード", "code"],
            Col::Name => &["名称", "name"],
            Col::Insurer => &[
                "公費負担者番号",
                "insurer_number",
                "medicalSubsidyInsurerNumber",
                "負担者番号",
            ],
            Col::Houbetsu => &["法別番号", "houbetsu", "法別"],
            Col::RecipientCheck => &["受給者番号検証", "recipient_check", "公費受給者番号検証"],
            Col::ItemCode => &["項目コード", "item_code"],
            Col::ItemName => &["項目名", "item_name"],
            Col::Note => &["備考", "note", "notes", "comment", "remarks", "メモ"],
        }
    }

    fn ja(self) -> &'static str {
        self.names()[0]
    }

    fn en(self) -> &'static str {
        self.names()[1]
    }

    fn parse(header: &str) -> Option<Col> {
        let f = fold(header);
        Col::ALL
            .into_iter()
            .find(|c| c.names().iter().any(|n| fold(n) == f))
    }

    /// Whether rows of `kind` may fill the column.
    fn used_by(self, kind: Kind) -> bool {
        match self {
            Col::Kind | Col::TypeId | Col::Name | Col::Note => true,
            Col::Code => true, // 受給者証種別: blank or the same ID (checked separately)
            Col::Insurer | Col::Houbetsu | Col::RecipientCheck => kind == Kind::CertificateType,
            Col::ItemCode | Col::ItemName => kind == Kind::Condition,
        }
    }
}

/// Header information of one file.
struct Header {
    /// Column index of each [`Col`].
    index: [Option<usize>; 10],
    /// Header cells as written.
    names: Vec<String>,
    /// Columns with an empty header.
    unnamed: Vec<usize>,
}

/// Definitions by (kind, code key): the scopes and places they were defined with.
type Seen = HashMap<(Kind, String), Vec<(Option<String>, Place)>>;

struct Loader<'m> {
    m: &'m mut Masters,
    source: &'m str,
    errors: Vec<ConfigError>,
    total_errors: usize,
    added: usize,
    /// Existing entries by key, for duplicate detection: (kind, code key) → places and scopes.
    seen: Seen,
    /// 追加条件 item names: (scope, item) → (name, place).
    item_names: HashMap<(Option<String>, String), (String, Place)>,
}

impl<'m> Loader<'m> {
    fn new(m: &'m mut Masters, source: &'m str) -> Self {
        let mut seen = Seen::new();
        for e in &m.segments {
            seen.entry((Kind::Segment, e.code.clone()))
                .or_default()
                .push((e.scope.clone(), e.at.clone()));
        }
        for e in &m.income_segments {
            seen.entry((Kind::IncomeSegment, e.code.clone()))
                .or_default()
                .push((e.scope.clone(), e.at.clone()));
        }
        let mut item_names = HashMap::new();
        for e in &m.conditions {
            seen.entry((Kind::Condition, condition_key(&e.item, &e.code)))
                .or_default()
                .push((e.scope.clone(), e.at.clone()));
            if !e.item_name.is_empty() {
                item_names
                    .entry((e.scope.clone(), e.item.clone()))
                    .or_insert_with(|| (e.item_name.clone(), e.at.clone()));
            }
        }
        Self {
            m,
            source,
            errors: Vec::new(),
            total_errors: 0,
            added: 0,
            seen,
            item_names,
        }
    }

    fn error(&mut self, e: ConfigError) {
        self.total_errors += 1;
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(e);
        }
    }

    fn rows(&mut self, rows: &[Row]) {
        let mut rows = rows.iter().filter(|r| !is_skipped(&r.cells));
        let Some(header_row) = rows.next() else {
            let source = self.source;
            self.error(ConfigError::new(
                format!("制度マスタ「{source}」が空です（見出し行がありません）"),
                format!("master \"{source}\" is empty (no header row)"),
            ));
            return;
        };
        let Some(header) = self.header(header_row) else {
            return;
        };
        for row in rows {
            if let Err(e) = self.row(&header, row) {
                self.error(e);
            }
        }
    }

    fn header(&mut self, row: &Row) -> Option<Header> {
        let source = self.source;
        let mut h = Header {
            index: [None; 10],
            names: row.cells.iter().map(|c| cell_trim(c).to_owned()).collect(),
            unnamed: Vec::new(),
        };
        let mut ok = true;
        for (i, name) in h.names.iter().enumerate() {
            if name.is_empty() {
                h.unnamed.push(i);
                continue;
            }
            match Col::parse(name) {
                Some(col) => {
                    if let Some(prev) = h.index[col.idx()] {
                        ok = false;
                        self.error(ConfigError::new(
                            format!(
                                "制度マスタ「{source}」{}行目（見出し行） {}列目「{name}」: 列「{}」が {}列目「{}」と重複しています",
                                row.line,
                                i + 1,
                                col.ja(),
                                prev + 1,
                                h.names[prev]
                            ),
                            format!(
                                "master \"{source}\" line {} (header row), column {} \"{name}\": column \"{}\" ({}) repeats column {} \"{}\"",
                                row.line,
                                i + 1,
                                col.ja(),
                                col.en(),
                                prev + 1,
                                h.names[prev]
                            ),
                        ));
                    } else {
                        h.index[col.idx()] = Some(i);
                    }
                }
                None => {
                    ok = false;
                    let ja_list = Col::ALL.map(Col::ja).join("、");
                    let en_list = Col::ALL.map(Col::en).join(", ");
                    self.error(ConfigError::new(
                        format!(
                            "制度マスタ「{source}」{}行目（見出し行） {}列目「{name}」: 知らない列名です（使える列: {ja_list}）",
                            row.line,
                            i + 1
                        ),
                        format!(
                            "master \"{source}\" line {} (header row), column {} \"{name}\": unknown column (known columns: {en_list}, or their Japanese names)",
                            row.line,
                            i + 1
                        ),
                    ));
                }
            }
        }
        if h.index[Col::Kind.idx()].is_none() {
            ok = false;
            self.error(ConfigError::new(
                format!(
                    "制度マスタ「{source}」{}行目（見出し行）: 列「種類」がありません（最初の見出し行は「{}」で始まる必要があります）",
                    row.line,
                    HEADER
                ),
                format!(
                    "master \"{source}\" line {} (header row): no column \"種類\" (kind); the header row should be \"{}\" or the English names",
                    row.line,
                    HEADER
                ),
            ));
        }
        ok.then_some(h)
    }

    fn row(&mut self, h: &Header, row: &Row) -> Result<(), ConfigError> {
        let ctx = Ctx {
            source: self.source,
            line: row.line,
            header: h,
            cells: &row.cells,
        };
        // Values outside the named columns.
        for (i, c) in row.cells.iter().enumerate() {
            let v = cell_trim(c);
            if v.is_empty() || (i < h.names.len() && !h.unnamed.contains(&i)) {
                continue;
            }
            return Err(ctx.err_index(
                i,
                &format!("見出しのない列に値「{v}」があります"),
                &format!("value \"{v}\" in a column without a header"),
            ));
        }
        let kind_cell = ctx.get(Col::Kind);
        let Some(kind) = Kind::parse(kind_cell) else {
            let ja_list = Kind::ALL.map(Kind::ja).join("、");
            let en_list = Kind::ALL.map(Kind::en).join(", ");
            return Err(if kind_cell.is_empty() {
                ctx.err(
                    Col::Kind,
                    &format!("種類が空です（{ja_list} のどれかを書いてください）"),
                    &format!("the kind is empty (write one of {ja_list} / {en_list})"),
                )
            } else {
                ctx.err(
                    Col::Kind,
                    &format!("知らない種類「{kind_cell}」です（{ja_list} のどれか）"),
                    &format!("unknown kind \"{kind_cell}\" (one of {ja_list} / {en_list})"),
                )
            });
        };
        for col in Col::ALL {
            let v = ctx.get(col);
            if !v.is_empty() && !col.used_by(kind) {
                return Err(ctx.err(
                    col,
                    &format!(
                        "この列は {} の行では使いません（値「{v}」）。列を間違えていませんか",
                        kind.ja()
                    ),
                    &format!(
                        "this column is not used by {} rows (value \"{v}\"); wrong column?",
                        kind.en()
                    ),
                ));
            }
        }
        let at = Place {
            source: self.source.to_owned(),
            line: row.line,
        };
        match kind {
            Kind::CertificateType => self.certificate_type(&ctx, at),
            Kind::Segment | Kind::IncomeSegment => self.code(&ctx, kind, at),
            Kind::Condition => self.condition(&ctx, at),
        }
    }

    fn certificate_type(&mut self, ctx: &Ctx<'_>, at: Place) -> Result<(), ConfigError> {
        let id = ctx.require(Col::TypeId, Kind::CertificateType)?;
        check_alnum(ctx, Col::TypeId, id)?;
        let code = ctx.get(Col::Code);
        if !code.is_empty() && code != id {
            return Err(ctx.err(
                Col::Code,
                &format!(
                    "受給者証種別の行ではコードを空にしてください（IDは 機関別受給者証種別ID 列の「{id}」です。値「{code}」）"
                ),
                &format!(
                    "leave the code empty in certificate_type rows (the ID \"{id}\" is in the certificate_type_id column; value \"{code}\")"
                ),
            ));
        }
        let mut numbers: Vec<String> = Vec::new();
        for n in split_list(ctx.get(Col::Insurer)) {
            if !(n.len() == 8 && n.bytes().all(|b| b.is_ascii_digit())) {
                let hint =
                    halfwidth_hint(n, |s| s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()));
                return Err(ctx.err(
                    Col::Insurer,
                    &format!(
                        "公費負担者番号「{n}」は半角数字8桁ではありません{}（複数あるときは ; で区切ります）",
                        hint.0
                    ),
                    &format!(
                        "insurer number \"{n}\" is not 8 ASCII digits{} (separate several with ;)",
                        hint.1
                    ),
                ));
            }
            if numbers.iter().any(|x| x == n) {
                return Err(ctx.err(
                    Col::Insurer,
                    &format!("公費負担者番号「{n}」が2回書かれています"),
                    &format!("insurer number \"{n}\" is listed twice"),
                ));
            }
            numbers.push(n.to_owned());
        }
        let mut houbetsu: Vec<String> = Vec::new();
        for h in split_list(ctx.get(Col::Houbetsu)) {
            let two_digits = h.len() == 2 && h.bytes().all(|b| b.is_ascii_digit());
            if !two_digits || h.starts_with('0') {
                let hint = halfwidth_hint(h, |s| {
                    s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) && !s.starts_with('0')
                });
                let why = if two_digits {
                    (
                        "（01〜09 は医療保険の法別で、公費ではありません）",
                        " (01-09 are health insurance, not public expense)",
                    )
                } else {
                    ("", "")
                };
                return Err(ctx.err(
                    Col::Houbetsu,
                    &format!(
                        "法別番号「{h}」は半角数字2桁（10〜99）ではありません{}{}",
                        why.0, hint.0
                    ),
                    &format!(
                        "houbetsu \"{h}\" is not 2 ASCII digits 10-99{}{}",
                        why.1, hint.1
                    ),
                ));
            }
            if houbetsu.iter().any(|x| x == h) {
                return Err(ctx.err(
                    Col::Houbetsu,
                    &format!("法別番号「{h}」が2回書かれています"),
                    &format!("houbetsu \"{h}\" is listed twice"),
                ));
            }
            houbetsu.push(h.to_owned());
        }
        if !houbetsu.is_empty()
            && let Some(n) = numbers
                .iter()
                .find(|n| !houbetsu.iter().any(|h| n.starts_with(h.as_str())))
        {
            let list = houbetsu.join(", ");
            return Err(ctx.err(
                Col::Insurer,
                &format!(
                    "公費負担者番号「{n}」の法別「{}」が、法別番号 列（{list}）にありません",
                    &n[..2]
                ),
                &format!(
                    "insurer number \"{n}\" has houbetsu \"{}\", which the houbetsu column ({list}) does not list",
                    &n[..2]
                ),
            ));
        }
        let check_cell = ctx.get(Col::RecipientCheck);
        let recipient_check_digit = if check_cell.is_empty() {
            let codes: Vec<&str> = if houbetsu.is_empty() {
                numbers.iter().map(|n| &n[..2]).collect()
            } else {
                houbetsu.iter().map(String::as_str).collect()
            };
            !codes.is_empty()
                && codes
                    .iter()
                    .all(|c| c.parse::<u8>().is_ok_and(tables::is_national_houbetsu))
        } else {
            parse_yes_no(check_cell).ok_or_else(|| {
                ctx.err(
                    Col::RecipientCheck,
                    &format!(
                        "「{check_cell}」は使えません（する / しない、または空欄＝法別から自動）"
                    ),
                    &format!(
                        "\"{check_cell}\" is not yes/no (する/しない, 1/0, true/false; empty = from the houbetsu)"
                    ),
                )
            })?
        };
        if let Some(prev) = self.m.types.get(id) {
            return Err(ctx.err(
                Col::TypeId,
                &format!(
                    "受給者証種別「{id}」は {} で定義済みです（同じIDを2回定義しています）",
                    prev.defined_at.ja()
                ),
                &format!(
                    "certificate type \"{id}\" is already defined at {}",
                    prev.defined_at.en()
                ),
            ));
        }
        self.m.types.insert(
            id.to_owned(),
            CertificateType {
                id: id.to_owned(),
                name: ctx.get(Col::Name).to_owned(),
                insurer_numbers: numbers,
                houbetsu,
                recipient_check_digit,
                defined_at: at,
            },
        );
        self.added += 1;
        Ok(())
    }

    fn code(&mut self, ctx: &Ctx<'_>, kind: Kind, at: Place) -> Result<(), ConfigError> {
        let code = ctx.require(Col::Code, kind)?;
        if code.chars().count() > CODE_MAX_CHARS || code.chars().any(char::is_control) {
            return Err(ctx.err(
                Col::Code,
                &format!(
                    "コード「{code}」は使えません（{CODE_MAX_CHARS}文字以内、制御文字なし）"
                ),
                &format!(
                    "code \"{code}\" is not usable (at most {CODE_MAX_CHARS} characters, no control characters)"
                ),
            ));
        }
        for scope in scopes(ctx)? {
            self.not_seen(ctx, Col::Code, kind, code.to_owned(), code, &scope)?;
            let entry = CodeEntry {
                scope,
                code: code.to_owned(),
                name: ctx.get(Col::Name).to_owned(),
                at: at.clone(),
            };
            self.seen
                .entry((kind, code.to_owned()))
                .or_default()
                .push((entry.scope.clone(), at.clone()));
            if kind == Kind::Segment {
                self.m.segments.push(entry);
            } else {
                self.m.income_segments.push(entry);
            }
            self.added += 1;
        }
        Ok(())
    }

    fn condition(&mut self, ctx: &Ctx<'_>, at: Place) -> Result<(), ConfigError> {
        let item = ctx.require(Col::ItemCode, Kind::Condition)?;
        check_alnum(ctx, Col::ItemCode, item)?;
        let code = ctx.require(Col::Code, Kind::Condition)?;
        check_alnum(ctx, Col::Code, code)?;
        let item_name = ctx.get(Col::ItemName);
        for scope in scopes(ctx)? {
            let key = condition_key(item, code);
            self.not_seen(
                ctx,
                Col::Code,
                Kind::Condition,
                key.clone(),
                &format!("{item}-{code}"),
                &scope,
            )?;
            if !item_name.is_empty() {
                let k = (scope.clone(), item.to_owned());
                match self.item_names.get(&k) {
                    Some((name, p)) if name != item_name => {
                        return Err(ctx.err(
                            Col::ItemName,
                            &format!(
                                "項目コード「{item}」の項目名「{item_name}」が、{} の項目名「{name}」と違います",
                                p.ja()
                            ),
                            &format!(
                                "item \"{item}\" is named \"{item_name}\" here but \"{name}\" at {}",
                                p.en()
                            ),
                        ));
                    }
                    Some(_) => {}
                    None => {
                        self.item_names
                            .insert(k, (item_name.to_owned(), at.clone()));
                    }
                }
            }
            self.seen
                .entry((Kind::Condition, key))
                .or_default()
                .push((scope.clone(), at.clone()));
            self.m.conditions.push(ConditionEntry {
                scope,
                item: item.to_owned(),
                item_name: item_name.to_owned(),
                code: code.to_owned(),
                name: ctx.get(Col::Name).to_owned(),
                at: at.clone(),
            });
            self.added += 1;
        }
        Ok(())
    }

    /// Error if `key` of `kind` is already defined for an overlapping scope.
    fn not_seen(
        &self,
        ctx: &Ctx<'_>,
        col: Col,
        kind: Kind,
        key: String,
        shown: &str,
        scope: &Option<String>,
    ) -> Result<(), ConfigError> {
        let Some(prev) = self.seen.get(&(kind, key)) else {
            return Ok(());
        };
        let Some((prev_scope, p)) = prev
            .iter()
            .find(|(s, _)| s.is_none() || scope.is_none() || s == scope)
        else {
            return Ok(());
        };
        let scope_ja = |s: &Option<String>| {
            s.as_ref().map_or("すべての受給者証種別".to_owned(), |id| {
                format!("受給者証種別「{id}」")
            })
        };
        let scope_en = |s: &Option<String>| {
            s.as_ref()
                .map_or("every certificate type".to_owned(), |id| {
                    format!("certificate type \"{id}\"")
                })
        };
        Err(ctx.err(
            col,
            &format!(
                "{}「{shown}」（{}）は {} で既に定義されています（{}）",
                kind.ja(),
                scope_ja(scope),
                p.ja(),
                scope_ja(prev_scope)
            ),
            &format!(
                "{} \"{shown}\" ({}) is already defined at {} ({})",
                kind.en(),
                scope_en(scope),
                p.en(),
                scope_en(prev_scope)
            ),
        ))
    }
}

fn condition_key(item: &str, code: &str) -> String {
    format!("{item}-{code}")
}

/// One data row being read, for cell access and messages naming file, line and column.
struct Ctx<'r> {
    source: &'r str,
    line: u64,
    header: &'r Header,
    cells: &'r [String],
}

impl<'r> Ctx<'r> {
    /// The trimmed cell of `col` (`""` when the column or the cell is absent).
    fn get(&self, col: Col) -> &'r str {
        self.header.index[col.idx()]
            .and_then(|i| self.cells.get(i))
            .map_or("", |c| cell_trim(c))
    }

    /// The cell of a column the row's kind needs: error if the column is missing or empty.
    fn require(&self, col: Col, kind: Kind) -> Result<&'r str, ConfigError> {
        if self.header.index[col.idx()].is_none() {
            let (source, line) = (self.source, self.line);
            return Err(ConfigError::new(
                format!(
                    "制度マスタ「{source}」{line}行目: 列「{}」がありません（{} の行に必要です）",
                    col.ja(),
                    kind.ja()
                ),
                format!(
                    "master \"{source}\" line {line}: no column \"{}\" ({}), which {} rows need",
                    col.ja(),
                    col.en(),
                    kind.en()
                ),
            ));
        }
        let v = self.get(col);
        if v.is_empty() {
            return Err(self.err(
                col,
                &format!("{} の行には値が必要です", kind.ja()),
                &format!("{} rows need a value here", kind.en()),
            ));
        }
        Ok(v)
    }

    fn err(&self, col: Col, ja: &str, en: &str) -> ConfigError {
        match self.header.index[col.idx()] {
            Some(i) => self.err_index(i, ja, en),
            None => {
                let (source, line) = (self.source, self.line);
                ConfigError::new(
                    format!("制度マスタ「{source}」{line}行目 列「{}」: {ja}", col.ja()),
                    format!(
                        "master \"{source}\" line {line}, column \"{}\" ({}): {en}",
                        col.ja(),
                        col.en()
                    ),
                )
            }
        }
    }

    fn err_index(&self, i: usize, ja: &str, en: &str) -> ConfigError {
        let (source, line) = (self.source, self.line);
        let name = self.header.names.get(i).map_or("", String::as_str);
        ConfigError::new(
            format!(
                "制度マスタ「{source}」{line}行目 {}列目「{name}」: {ja}",
                i + 1
            ),
            format!(
                "master \"{source}\" line {line}, column {} \"{name}\": {en}",
                i + 1
            ),
        )
    }
}

/// The scopes of a 区分 / 所得区分 / 追加条件 row: `[None]` when unscoped.
fn scopes(ctx: &Ctx<'_>) -> Result<Vec<Option<String>>, ConfigError> {
    let cell = ctx.get(Col::TypeId);
    if cell.is_empty() {
        return Ok(vec![None]);
    }
    let mut out: Vec<Option<String>> = Vec::new();
    for id in split_list(cell) {
        check_alnum(ctx, Col::TypeId, id)?;
        if out.iter().any(|s| s.as_deref() == Some(id)) {
            return Err(ctx.err(
                Col::TypeId,
                &format!("機関別受給者証種別ID「{id}」が2回書かれています"),
                &format!("certificate type \"{id}\" is listed twice"),
            ));
        }
        out.push(Some(id.to_owned()));
    }
    if out.is_empty() {
        return Err(ctx.err(
            Col::TypeId,
            &format!("「{cell}」に機関別受給者証種別IDがありません"),
            &format!("\"{cell}\" contains no certificate type ID"),
        ));
    }
    Ok(out)
}

/// Values of a list cell: separated by `;` (also `；`, `、`, `,`), each trimmed.
fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split([';', '；', '、', ','])
        .map(cell_trim)
        .filter(|p| !p.is_empty())
}

/// 半角英数 ≤50 (IDs, 追加条件 codes).
fn check_alnum(ctx: &Ctx<'_>, col: Col, v: &str) -> Result<(), ConfigError> {
    if is_alnum_id(v) {
        return Ok(());
    }
    let hint = halfwidth_hint(v, is_alnum_id);
    Err(ctx.err(
        col,
        &format!(
            "「{v}」は使えません: 半角英数字（0-9, A-Z, a-z）{CODE_MAX_CHARS}文字以内で書いてください{}",
            hint.0
        ),
        &format!(
            "\"{v}\" is not usable: use ASCII letters and digits (0-9, A-Z, a-z), at most {CODE_MAX_CHARS}{}",
            hint.1
        ),
    ))
}

/// A "write it half-width" hint when narrowing full-width letters and digits makes `v` valid.
fn halfwidth_hint(v: &str, valid: impl Fn(&str) -> bool) -> (String, String) {
    let narrow = fullwidth_alnum_to_halfwidth(v);
    if narrow != v && valid(&narrow) {
        (
            format!("（全角です。半角で「{narrow}」と書いてください）"),
            format!(" (full-width characters: write \"{narrow}\")"),
        )
    } else {
        (String::new(), String::new())
    }
}

fn parse_yes_no(s: &str) -> Option<bool> {
    const YES: [&str; 12] = [
        "する",
        "はい",
        "あり",
        "有",
        "要",
        "○",
        "〇",
        "yes",
        "y",
        "true",
        "1",
        "検証する",
    ];
    const NO: [&str; 12] = [
        "しない",
        "いいえ",
        "なし",
        "無",
        "不要",
        "×",
        "-",
        "no",
        "n",
        "false",
        "0",
        "検証しない",
    ];
    let f = fold(s);
    if YES.iter().any(|y| fold(y) == f) {
        Some(true)
    } else if NO.iter().any(|n| fold(n) == f) {
        Some(false)
    } else {
        None
    }
}

/// The header row the template and the docs use.
pub const HEADER: &str = "種類,機関別受給者証種別ID,コード,名称,公費負担者番号,法別番号,受給者番号検証,項目コード,項目名,備考";

/// Template text (without BOM; [`Masters::template`] adds it and CRLF line ends).
const TEMPLATE: &str = "\
# pmhcsv 制度マスタ（municipality master）テンプレート。「#」で始まる行はコメントで、読み飛ばされます。
# 1行に1つの定義を書きます。種類: 受給者証種別 / 区分 / 所得区分 / 追加条件（英語: certificate_type / segment / income_segment / condition）。
# 受給者証種別: 機関別受給者証種別ID（半角英数50文字以内）・名称（受給者証名）・公費負担者番号（半角数字8桁）または法別番号（2桁）・受給者番号検証（する/しない。空欄は法別が国の制度なら する）。
# 区分・所得区分: コードと名称。機関別受給者証種別ID を書くとその種別だけ、空欄ならすべての種別で使えます（複数は ; で区切る）。
# 追加条件: 項目コードとコード（どちらも半角英数）が1組。名称はコードの名前、項目名は項目の名前です。
# 公費負担者番号・法別番号が複数あるときは ; で区切ります。備考の列は自由に使えます。Excel ではコードの列を「文字列」にしてください（01 が 1 になります）。
種類,機関別受給者証種別ID,コード,名称,公費負担者番号,法別番号,受給者番号検証,項目コード,項目名,備考
受給者証種別,KODOMO01,,子ども医療費受給者証,88134457,,しない,,,地単：負担者番号で照合
受給者証種別,NANBYO01,,特定医療費(指定難病)受給者証,,54,する,,,国の制度：法別番号で照合
区分,NANBYO01,1,入院,,,,,,NANBYO01 だけで使う区分
区分,NANBYO01,2,外来,,,,,,
所得区分,,一般,一般所得,,,,,,すべての種別で使う所得区分
所得区分,,低所得,低所得,,,,,,
追加条件,NANBYO01,1,該当,,,,01,人工呼吸器等装着,
追加条件,NANBYO01,0,非該当,,,,01,人工呼吸器等装着,
追加条件,NANBYO01,3,高額かつ長期,,,,02,負担上限の特例,
";

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::SHIFT_JIS;
    use proptest::prelude::*;

    const JA: &str = "\u{FEFF}種類,機関別受給者証種別ID,コード,名称,公費負担者番号,法別番号,受給者番号検証,項目コード,項目名\r\n\
        受給者証種別,KODOMO01,,子ども医療費受給者証,88134457,,,,\r\n\
        受給者証種別,NANBYO01,,特定医療費(指定難病)受給者証,,54,,,\r\n\
        区分,NANBYO01,1,入院,,,,,\r\n\
        所得区分,,一般,一般所得,,,,,\r\n\
        追加条件,NANBYO01,1,該当,,,,01,人工呼吸器等装着\r\n\
        追加条件,NANBYO01,3,高額かつ長期,,,,02,負担上限の特例\r\n";

    fn load(text: &str) -> Result<Masters, ConfigError> {
        Masters::from_files([("m.csv", text.as_bytes())])
    }

    fn load_err(text: &str) -> ConfigError {
        match load(text) {
            Ok(m) => panic!("expected an error, got {m:?}"),
            Err(e) => e,
        }
    }

    /// The message names the file, the line and (when given) the column, in both languages.
    fn assert_names(e: &ConfigError, line: u64, column: Option<(usize, &str)>) {
        assert!(e.ja.contains("「m.csv」"), "{}", e.ja);
        assert!(e.en.contains("\"m.csv\""), "{}", e.en);
        assert!(e.ja.contains(&format!("{line}行目")), "{}", e.ja);
        assert!(e.en.contains(&format!("line {line}")), "{}", e.en);
        if let Some((n, name)) = column {
            assert!(e.ja.contains(&format!("{n}列目「{name}」")), "{}", e.ja);
            assert!(e.en.contains(&format!("column {n} \"{name}\"")), "{}", e.en);
        }
    }

    fn ok_all(m: &Masters, type_id: &str, insurer: &str, seg: &str, inc: &str, cond: &str) {
        assert_eq!(
            m.check_certificate_type(type_id),
            CodeCheck::Ok,
            "{type_id}"
        );
        assert_eq!(
            m.check_insurer_number(type_id, insurer),
            InsurerMatch::Ok,
            "{type_id} {insurer}"
        );
        assert!(
            matches!(
                m.check_segment(type_id, seg),
                CodeCheck::Ok | CodeCheck::NoRule
            ),
            "{type_id} {seg}"
        );
        assert!(
            matches!(
                m.check_income_segment(type_id, inc),
                CodeCheck::Ok | CodeCheck::NoRule
            ),
            "{type_id} {inc}"
        );
        assert_eq!(
            m.check_conditions(type_id, cond),
            vec![],
            "{type_id} {cond}"
        );
    }

    #[test]
    fn japanese_header() {
        let m = load(JA).unwrap();
        assert!(!m.is_empty());
        let k = m.certificate_type("KODOMO01").unwrap();
        assert_eq!(k.name, "子ども医療費受給者証");
        assert_eq!(k.insurer_numbers, ["88134457"]);
        assert!(k.houbetsu.is_empty());
        assert!(!k.recipient_check_digit, "88 is not a national 法別");
        assert_eq!(k.defined_at.to_string(), "m.csv:2");
        let n = m.certificate_type("NANBYO01").unwrap();
        assert_eq!(n.houbetsu, ["54"]);
        assert!(n.recipient_check_digit, "54 is national");
        assert_eq!(
            m.certificate_type_ids().collect::<Vec<_>>(),
            ["KODOMO01", "NANBYO01"]
        );
        assert_eq!(m.segment_codes("NANBYO01"), Some(vec!["1"]));
        assert_eq!(m.segment_codes("KODOMO01"), None);
        assert_eq!(m.income_segment_codes("KODOMO01"), Some(vec!["一般"]));
        assert_eq!(m.segment_name("NANBYO01", "1"), Some("入院"));
        assert_eq!(m.income_segment_name("X", "一般"), Some("一般所得"));
        assert_eq!(
            m.condition_item_name("NANBYO01", "01"),
            Some("人工呼吸器等装着")
        );
        assert_eq!(m.condition_item_name("KODOMO01", "01"), None);
        assert_eq!(m.sources().len(), 1);
        assert_eq!(m.sources()[0].encoding, TextEncoding::Utf8Bom);
        assert_eq!(m.sources()[0].sha256.len(), 64);
        let d = m.describe();
        assert!(d.contains("m.csv"), "{d}");
        assert!(
            d.contains("受給者証種別 2件、区分 1件、所得区分 1件、追加条件 2項目・2コード"),
            "{d}"
        );
        assert!(m.describe_en().contains("2 certificate types"));
    }

    #[test]
    fn english_header_kinds_and_column_order() {
        let text = "Kind,Code,Certificate_Type_ID,Name,Houbetsu,Recipient_Check,Item_Code,Item_Name,Insurer_Number,Note\n\
            certificate_type,,T1,Type one,81,yes,,,81136244;81137242,\n\
            CERTIFICATE_TYPE,,T2,,,no,,,,\n\
            segment,A,T1,,,,,,,\n\
            income_segment,X,,,,,,,,note\n\
            condition,9,T1;T2,,,,ZZ,Item,,\n";
        let m = load(text).unwrap();
        let t1 = m.certificate_type("T1").unwrap();
        assert_eq!(t1.insurer_numbers, ["81136244", "81137242"]);
        assert!(t1.recipient_check_digit, "explicit yes");
        assert!(!m.certificate_type("T2").unwrap().recipient_check_digit);
        assert_eq!(m.segment_codes("T1"), Some(vec!["A"]));
        assert_eq!(m.income_segment_codes("T2"), Some(vec!["X"]));
        assert_eq!(m.check_conditions("T2", "ZZ-9"), vec![]);
        assert_eq!(m.check_conditions("T1", "ZZ-9"), vec![]);
        assert_eq!(m.sources()[0].encoding, TextEncoding::Ascii);
        // Full-width and spaced header spellings fold to the same columns.
        let text = "ｋｉｎｄ, certificate type id ,ｃｏｄｅ\r\n受給者証種別,A1,\r\n";
        let m = load(text).unwrap();
        assert!(m.certificate_type("A1").is_some());
    }

    #[test]
    fn cp932_master() {
        let (bytes, _, unmappable) = SHIFT_JIS.encode(JA.trim_start_matches('\u{FEFF}'));
        assert!(!unmappable);
        let m = Masters::from_files([("sjis.csv", &bytes[..])]).unwrap();
        assert_eq!(m.sources()[0].encoding, TextEncoding::Cp932);
        assert_eq!(
            m.certificate_type("NANBYO01").unwrap().name,
            "特定医療費(指定難病)受給者証"
        );
        assert_eq!(m.income_segment_codes("NANBYO01"), Some(vec!["一般"]));
        // UTF-16 with BOM works too.
        let mut utf16 = vec![0xFF, 0xFE];
        for u in JA.trim_start_matches('\u{FEFF}').encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        let m = Masters::from_files([("u16.csv", &utf16[..])]).unwrap();
        assert_eq!(m.certificate_type_ids().count(), 2);
    }

    #[test]
    fn comments_blank_rows_and_tabs() {
        let text = "# comment, with a comma\n\n種類,機関別受給者証種別ID,コード\n,,\n＃ 全角の井桁もコメント\n  \n受給者証種別,A1,\n#受給者証種別,A2,\n";
        let m = load(text).unwrap();
        assert_eq!(m.certificate_type_ids().collect::<Vec<_>>(), ["A1"]);
        let tsv = "種類\t機関別受給者証種別ID\tコード\n区分\t\t1\n所得区分\t\t一般\n";
        let m = load(tsv).unwrap();
        assert_eq!(m.segment_codes("any"), Some(vec!["1"]));
        assert_eq!(m.income_segment_codes("any"), Some(vec!["一般"]));
    }

    #[test]
    fn merging_two_files() {
        let a = "種類,機関別受給者証種別ID,コード,名称,公費負担者番号\r\n受給者証種別,KODOMO01,,子ども,88134457\r\n";
        let b =
            "種類,機関別受給者証種別ID,コード,名称\r\n区分,KODOMO01,1,一\r\n所得区分,,一般,\r\n";
        let m = Masters::from_files([("a.csv", a.as_bytes()), ("b.csv", b.as_bytes())]).unwrap();
        assert_eq!(m.sources().len(), 2);
        assert_eq!(m.segment_codes("KODOMO01"), Some(vec!["1"]));
        assert_eq!(
            m.check_insurer_number("KODOMO01", "88134457"),
            InsurerMatch::Ok
        );
        let d = m.describe();
        assert!(d.contains("a.csv, b.csv"), "{d}");
        // A scoped row may come before the type it names, as long as some file defines it.
        let m = Masters::from_files([("b.csv", b.as_bytes()), ("a.csv", a.as_bytes())]).unwrap();
        assert_eq!(m.segment_codes("KODOMO01"), Some(vec!["1"]));
        // ... but not if no file does.
        let e = Masters::from_files([("b.csv", b.as_bytes())]).unwrap_err();
        assert!(e.ja.contains("「b.csv」2行目"), "{}", e.ja);
        assert!(e.ja.contains("機関別受給者証種別ID"), "{}", e.ja);
        assert!(e.en.contains("\"b.csv\" line 2"), "{}", e.en);
        assert!(e.en.contains("KODOMO01"), "{}", e.en);
    }

    #[test]
    fn duplicates_name_both_places() {
        // Within one file.
        let e =
            load("種類,機関別受給者証種別ID,コード\n受給者証種別,A1,\n区分,,1\n受給者証種別,A1,\n")
                .to_owned()
                .unwrap_err();
        assert_names(&e, 4, Some((2, "機関別受給者証種別ID")));
        assert!(e.ja.contains("「m.csv」2行目"), "{}", e.ja);
        assert!(e.en.contains("\"m.csv\" line 2"), "{}", e.en);
        // Between files; the failed load leaves the masters unchanged.
        let a = "種類,機関別受給者証種別ID,コード\n所得区分,,一般\n";
        let b = "種類,機関別受給者証種別ID,コード\n受給者証種別,A1,\n所得区分,A1,一般\n";
        let mut m = Masters::new();
        m.load_csv(a.as_bytes(), "a.csv").unwrap();
        let e = m.load_csv(b.as_bytes(), "b.csv").unwrap_err();
        assert!(e.ja.contains("「b.csv」3行目 3列目「コード」"), "{}", e.ja);
        assert!(e.ja.contains("「a.csv」2行目"), "{}", e.ja);
        assert!(e.ja.contains("すべての受給者証種別"), "{}", e.ja);
        assert!(e.en.contains("\"a.csv\" line 2"), "{}", e.en);
        assert!(
            m.certificate_type("A1").is_none(),
            "unchanged after a failed load"
        );
        assert_eq!(m.sources().len(), 1);
        // Same code for two different types is fine; twice for one type is not.
        let ok = "種類,機関別受給者証種別ID,コード\n受給者証種別,A1,\n受給者証種別,A2,\n区分,A1,1\n区分,A2,1\n";
        assert!(load(ok).is_ok());
        let e = load("種類,機関別受給者証種別ID,コード\n受給者証種別,A1,\n区分,A1,1\n区分,A1;A2,1\n受給者証種別,A2,\n")
            .unwrap_err();
        assert_names(&e, 4, Some((3, "コード")));
        assert!(e.ja.contains("「m.csv」3行目"), "{}", e.ja);
        // 追加条件 pairs.
        let e = load("種類,機関別受給者証種別ID,コード,項目コード\n追加条件,,1,01\n追加条件,,2,01\n追加条件,,1,01\n")
            .unwrap_err();
        assert_names(&e, 4, Some((3, "コード")));
        assert!(e.ja.contains("01-1"), "{}", e.ja);
        // Loading the same file twice is a duplicate too.
        let mut m = Masters::new();
        m.load_csv(a.as_bytes(), "a.csv").unwrap();
        assert!(m.load_csv(a.as_bytes(), "a.csv").is_err());
    }

    #[test]
    fn bad_rows_name_file_line_and_column() {
        const H: &str = "種類,機関別受給者証種別ID,コード,名称,公費負担者番号,法別番号,受給者番号検証,項目コード,項目名\n";
        // (data row, column number, column header, expected fragment of the Japanese message)
        let cases: &[(&str, usize, &str, &str)] = &[
            (
                "受給者証種別,ＫＯＤＯＭＯ01,,,,,,,",
                2,
                "機関別受給者証種別ID",
                "半角で「KODOMO01」",
            ),
            (
                "受給者証種別,KODOMO-01,,,,,,,",
                2,
                "機関別受給者証種別ID",
                "半角英数字",
            ),
            (
                &format!("受給者証種別,{},,,,,,,", "A".repeat(51)),
                2,
                "機関別受給者証種別ID",
                "50文字以内",
            ),
            (
                "受給者証種別,,,,,,,,",
                2,
                "機関別受給者証種別ID",
                "値が必要",
            ),
            ("受給者証種別,A1,B1,,,,,,", 3, "コード", "コードを空に"),
            (
                "受給者証種別,A1,,,8813445,,,,",
                5,
                "公費負担者番号",
                "半角数字8桁",
            ),
            (
                "受給者証種別,A1,,,８８１３４４５７,,,,",
                5,
                "公費負担者番号",
                "半角で「88134457」",
            ),
            (
                "受給者証種別,A1,,,88134457;88134457,,,,",
                5,
                "公費負担者番号",
                "2回",
            ),
            ("受給者証種別,A1,,,,541,,,", 6, "法別番号", "2桁"),
            ("受給者証種別,A1,,,,06,,,", 6, "法別番号", "医療保険"),
            (
                "受給者証種別,A1,,,88134457,54,,,",
                5,
                "公費負担者番号",
                "法別「88」",
            ),
            (
                "受給者証種別,A1,,,,,たぶん,,",
                7,
                "受給者番号検証",
                "する / しない",
            ),
            ("受給者証種別,A1,,,,,,01,", 8, "項目コード", "使いません"),
            ("区分,,1,,88134457,,,,", 5, "公費負担者番号", "使いません"),
            ("区分,,,名前だけ,,,,,", 3, "コード", "値が必要"),
            (
                &format!("区分,,{},,,,,,", "あ".repeat(51)),
                3,
                "コード",
                "50文字以内",
            ),
            ("区分,A1;A1,1,,,,,,", 2, "機関別受給者証種別ID", "2回"),
            ("区分,A 1,1,,,,,,", 2, "機関別受給者証種別ID", "半角英数字"),
            (
                "所得区分,;,1,,,,,,",
                2,
                "機関別受給者証種別ID",
                "ありません",
            ),
            ("追加条件,,1,,,,,,", 8, "項目コード", "値が必要"),
            ("追加条件,,,,,,,01,", 3, "コード", "値が必要"),
            ("追加条件,,1,,,,,０１,", 8, "項目コード", "半角で「01」"),
            ("追加条件,,1-2,,,,,01,", 3, "コード", "半角英数字"),
            ("不明な種類,,1,,,,,,", 1, "種類", "知らない種類"),
            (",A1,1,,,,,,", 1, "種類", "種類が空"),
            ("区分,,1,,,,,,,extra", 10, "", "見出しのない列"),
        ];
        for &(row, n, col, frag) in cases {
            let text = format!("{H}{row}\n");
            let e = load_err(&text);
            assert_names(&e, 2, Some((n, col)));
            assert!(e.ja.contains(frag), "{row}: {}", e.ja);
            assert!(!e.en.is_empty());
        }
        let e = load_err(&format!(
            "{H}受給者証種別,A1,,,,,,,\n追加条件,,1,,,,,01,項目\n追加条件,,2,,,,,01,別の名前\n"
        ));
        assert_names(&e, 4, Some((9, "項目名")));
        assert!(e.ja.contains("「m.csv」3行目"), "{}", e.ja);
    }

    #[test]
    fn bad_files() {
        // Unknown and duplicate headers, missing 種類.
        let e = load_err("種類,コード,公費負担者番,名称\n区分,1,,\n");
        assert_names(&e, 1, Some((3, "公費負担者番")));
        assert!(e.ja.contains("知らない列名"), "{}", e.ja);
        let e = load_err("種類,コード,code\n区分,1,1\n");
        assert_names(&e, 1, Some((3, "code")));
        let e = load_err("コード,名称\n1,a\n");
        assert_names(&e, 1, None);
        assert!(e.ja.contains("列「種類」がありません"), "{}", e.ja);
        // A kind whose column is missing.
        let e = load_err("種類,コード\n受給者証種別,\n");
        assert_names(&e, 2, None);
        assert!(
            e.ja.contains("列「機関別受給者証種別ID」がありません"),
            "{}",
            e.ja
        );
        let e = load_err("種類,コード\n追加条件,1\n");
        assert!(e.ja.contains("列「項目コード」がありません"), "{}", e.ja);
        // Empty header cells are fine while their column is empty.
        assert!(load("種類,コード,,\n区分,1,,\n").is_ok());
        let e = load_err("種類,コード,,\n区分,1,,x\n");
        assert_names(&e, 2, Some((4, "")));
        // Empty, header only, comments only, undecodable, binary, unclosed quote.
        for text in ["", "\u{FEFF}", "# only a comment\n", "\n\n"] {
            let e = load_err(text);
            assert!(e.ja.contains("「m.csv」が空"), "{:?}: {}", text, e.ja);
        }
        let e = load_err("種類,コード\n");
        assert!(e.ja.contains("定義の行がありません"), "{}", e.ja);
        let e = Masters::from_files([("m.csv", &b"PK\x03\x04\x14\x00\x00\x00"[..])]).unwrap_err();
        assert!(e.ja.contains("文字コード"), "{}", e.ja);
        let mut bytes = SHIFT_JIS.encode("種類,コード\n区分,一般\n").0.into_owned();
        bytes.extend_from_slice(b"\x81,x\n");
        let e = Masters::from_files([("m.csv", &bytes[..])]).unwrap_err();
        assert_names(&e, 3, None);
        assert!(e.ja.contains("1列目"), "{}", e.ja);
        let e = load_err("種類,コード\n区分,\"1\n区分,2\n");
        assert_names(&e, 2, None);
        assert!(e.ja.contains("引用符"), "{}", e.ja);
    }

    #[test]
    fn several_problems_are_reported_together() {
        let mut text = String::from("種類,機関別受給者証種別ID,コード\n");
        for _ in 0..(MAX_ERRORS + 5) {
            text.push_str("区分,,\n");
        }
        text.push_str("区分,,1\n");
        let e = load_err(&text);
        assert!(
            e.ja.contains(&format!(
                "誤りが{}件あります（最初の{MAX_ERRORS}件）",
                MAX_ERRORS + 5
            )),
            "{}",
            e.ja
        );
        assert_eq!(e.ja.matches("\n- ").count(), MAX_ERRORS);
        assert!(e.ja.contains("「m.csv」2行目 3列目「コード」"), "{}", e.ja);
        assert!(e.en.contains("has 25 problems"), "{}", e.en);
    }

    #[test]
    fn template_round_trip() {
        let t = Masters::template();
        assert!(t.starts_with(b"\xEF\xBB\xBF"));
        let body = &t[3..];
        assert_eq!(
            body.windows(2).filter(|w| w == b"\r\n").count(),
            body.iter().filter(|&&b| b == b'\n').count(),
            "CRLF only"
        );
        assert!(std::str::from_utf8(body).unwrap().contains(HEADER));
        let m = Masters::from_files([("template.csv", &t[..])]).unwrap();
        let c = m.counts();
        assert!(c.iter().all(|&n| n >= 1), "{c:?}");
        assert!(
            m.describe()
                .starts_with("制度マスタ（template.csv）: 受給者証種別 2件")
        );
        // The template's example rows satisfy the checks they describe.
        ok_all(&m, "NANBYO01", "54016027", "1", "一般", "01-1;02-3");
        ok_all(&m, "KODOMO01", "88134457", "", "低所得", "");
        // Its comment rows are parsed as comments by Excel-style CSV readers too.
        assert!(
            std::str::from_utf8(body)
                .unwrap()
                .lines()
                .filter(|l| l.starts_with('#'))
                .all(|l| !l.contains(',') && !l.contains('"'))
        );
    }

    #[test]
    fn example_fixture_matches_valid_fixtures() {
        let bytes = include_bytes!("../../fixtures/masters/example_master.csv");
        let m = Masters::from_files([("example_master.csv", &bytes[..])]).unwrap();
        assert_eq!(
            m.certificate_type_ids().collect::<Vec<_>>(),
            ["KODOMO01", "NANBYO01"]
        );
        let fixtures: [&str; 5] = [
            include_str!("../../fixtures/valid/diff_history.csv"),
            include_str!("../../fixtures/valid/full_certificate_items.csv"),
            include_str!("../../fixtures/valid/full_id_headers.csv"),
            include_str!("../../fixtures/valid/full_minimal.csv"),
            include_str!("../../fixtures/valid/full_renewal_not_overlapping.csv"),
        ];
        let mut rows = 0;
        for text in fixtures {
            let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{FEFF}').as_bytes());
            let headers = r.headers().unwrap().clone();
            let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h)).unwrap();
            let (t, ins, seg, inc, cond, rec) = (
                col(&["機関別受給者証種別ID", "orgSpecificCertificateTypeId"]),
                col(&["公費負担者番号"]),
                col(&["区分"]),
                col(&["所得区分"]),
                col(&["追加条件"]),
                col(&["公費受給者番号"]),
            );
            for record in r.records() {
                let record = record.unwrap();
                let f = |i: usize| record.get(i).unwrap();
                ok_all(&m, f(t), f(ins), f(seg), f(inc), f(cond));
                // The recipient number passes the check the master asks for.
                if m.certificate_type(f(t)).unwrap().recipient_check_digit {
                    assert_eq!(
                        crate::domain::checkdigit::recipient_number(f(rec)),
                        crate::domain::checkdigit::CheckOutcome::Valid,
                        "{}",
                        f(rec)
                    );
                }
                rows += 1;
            }
        }
        assert!(rows >= 10, "{rows}");
        // And the values used there are really checked.
        assert!(matches!(
            m.check_segment("NANBYO01", "9"),
            CodeCheck::Unknown { .. }
        ));
        assert_eq!(m.check_segment("KODOMO01", "9"), CodeCheck::NoRule);
        assert!(matches!(
            m.check_insurer_number("KODOMO01", "88134458"),
            InsurerMatch::NotRegistered { .. }
        ));
    }

    #[test]
    fn lookups() {
        let m = load(JA).unwrap();
        assert_eq!(m.check_certificate_type("NANBYO01"), CodeCheck::Ok);
        assert_eq!(m.check_certificate_type(" NANBYO01 "), CodeCheck::Ok);
        assert_eq!(m.check_certificate_type(""), CodeCheck::Ok);
        assert_eq!(
            m.check_certificate_type("nanbyo01"),
            CodeCheck::Unknown {
                valid: vec!["KODOMO01".into(), "NANBYO01".into()],
                more: 0
            }
        );
        assert_eq!(m.check_segment("NANBYO01", "1"), CodeCheck::Ok);
        assert_eq!(m.check_segment("NANBYO01", ""), CodeCheck::Ok);
        assert_eq!(
            m.check_segment("NANBYO01", "2"),
            CodeCheck::Unknown {
                valid: vec!["1".into()],
                more: 0
            }
        );
        assert_eq!(m.check_segment("KODOMO01", "2"), CodeCheck::NoRule);
        assert_eq!(m.check_income_segment("KODOMO01", "一般"), CodeCheck::Ok);
        assert!(matches!(
            m.check_income_segment("UNKNOWN9", "低所得"),
            CodeCheck::Unknown { .. }
        ));
        // Insurer numbers: by number, by 法別, missing, unknown type.
        assert_eq!(
            m.check_insurer_number("KODOMO01", "88134457"),
            InsurerMatch::Ok
        );
        assert_eq!(
            m.check_insurer_number("KODOMO01", "88134458"),
            InsurerMatch::NotRegistered {
                expected: vec!["88134457".into()]
            }
        );
        assert_eq!(
            m.check_insurer_number("NANBYO01", "54016027"),
            InsurerMatch::Ok
        );
        assert_eq!(
            m.check_insurer_number("NANBYO01", "51016027"),
            InsurerMatch::WrongHoubetsu {
                expected: vec!["54".into()]
            }
        );
        assert_eq!(
            m.check_insurer_number("NANBYO01", ""),
            InsurerMatch::Missing {
                expected: vec!["54".into()]
            }
        );
        assert_eq!(
            m.check_insurer_number("OTHER", "54016027"),
            InsurerMatch::TypeUnknown
        );
        let bare = load("種類,機関別受給者証種別ID\n受給者証種別,T1\n").unwrap();
        assert_eq!(
            bare.check_insurer_number("T1", "12345678"),
            InsurerMatch::NoRule
        );
        assert!(!bare.certificate_type("T1").unwrap().recipient_check_digit);
        // Recipient check digit defaults: from the 法別 column, else from the numbers.
        let m2 = load(
            "種類,機関別受給者証種別ID,公費負担者番号,法別番号,受給者番号検証\n\
             受給者証種別,A,54016027,,\n受給者証種別,B,,21;88,\n受給者証種別,C,,88,する\n\
             受給者証種別,D,,54,しない\n受給者証種別,E,,15;21,\n",
        )
        .unwrap();
        let rc = |id: &str| m2.certificate_type(id).unwrap().recipient_check_digit;
        assert!(rc("A") && !rc("B") && rc("C") && !rc("D") && rc("E"));
        // An empty master checks nothing.
        let empty = Masters::new();
        assert!(empty.is_empty());
        assert_eq!(empty.check_certificate_type("X"), CodeCheck::NoRule);
        assert_eq!(empty.check_insurer_number("X", "1"), InsurerMatch::NoRule);
        assert_eq!(empty.check_segment("X", "1"), CodeCheck::NoRule);
        assert_eq!(empty.check_conditions("X", "01-1"), vec![]);
        assert!(empty.describe().starts_with("制度マスタなし"));
        assert!(empty.validate().is_ok());
    }

    #[test]
    fn list_limit() {
        let mut text = String::from("種類,機関別受給者証種別ID,コード,項目コード\n");
        for i in 0..13 {
            text.push_str(&format!(
                "受給者証種別,T{i:02},,\n区分,,{i},\n追加条件,,{i},I{i}\n追加条件,,{i},J\n"
            ));
        }
        let m = load(&text).unwrap();
        let CodeCheck::Unknown { valid, more } = m.check_certificate_type("X") else {
            panic!()
        };
        assert_eq!((valid.len(), more), (LIST_LIMIT, 3));
        assert_eq!(valid[0], "T00");
        let CodeCheck::Unknown { valid, more } = m.check_segment("T00", "x") else {
            panic!()
        };
        assert_eq!((valid.len(), more, valid[9].as_str()), (LIST_LIMIT, 3, "9"));
        let p = m.check_conditions("T00", "K-1;J-99");
        assert!(
            matches!(&p[0], ConditionProblem::UnknownItem { index: 1, valid, more: 4, .. } if valid.len() == LIST_LIMIT && valid[1] == "J"),
            "{p:?}"
        );
        assert!(
            matches!(
                &p[1],
                ConditionProblem::UnknownCode {
                    index: 2,
                    more: 3,
                    ..
                }
            ),
            "{p:?}"
        );
        assert!(
            m.describe().contains("追加条件 14項目・26コード"),
            "{}",
            m.describe()
        );
    }

    #[test]
    fn conditions() {
        let m = load(JA).unwrap();
        let ok = |t: &str, v: &str| assert_eq!(m.check_conditions(t, v), vec![], "{v}");
        ok("NANBYO01", "01-1;02-3");
        ok("NANBYO01", "01\u{2010}1;02\u{2010}3");
        ok("NANBYO01", " 01-1 ; 02 - 3 ; ");
        ok("NANBYO01", "01-1;");
        ok("NANBYO01", "");
        ok("NANBYO01", "　");
        // No items for KODOMO01: only the syntax is checked.
        ok("KODOMO01", "99-9");
        assert_eq!(
            m.check_conditions("KODOMO01", "99-9;x"),
            vec![ConditionProblem::Malformed { index: 2 }]
        );
        assert_eq!(
            m.check_conditions("NANBYO01", "01-1;03-1;01-2;;0１-1;01-1-1;-1;01-;01‑1"),
            vec![
                ConditionProblem::UnknownItem {
                    index: 2,
                    item: "03".into(),
                    valid: vec!["01".into(), "02".into()],
                    more: 0
                },
                ConditionProblem::UnknownCode {
                    index: 3,
                    item: "01".into(),
                    code: "2".into(),
                    valid: vec!["1".into()],
                    more: 0
                },
                ConditionProblem::Malformed { index: 4 },
                ConditionProblem::Malformed { index: 5 },
                ConditionProblem::Malformed { index: 6 },
                ConditionProblem::Malformed { index: 7 },
                ConditionProblem::Malformed { index: 8 },
                // U+2011 NON-BREAKING HYPHEN is not a separator.
                ConditionProblem::Malformed { index: 9 },
            ]
        );
        assert_eq!(
            m.check_conditions("NANBYO01", ";"),
            vec![ConditionProblem::Malformed { index: 1 }]
        );
        // Unscoped items apply to every type, scoped ones add to them.
        let m = load(
            "種類,機関別受給者証種別ID,コード,項目コード,項目名\n受給者証種別,A,,,\n受給者証種別,B,,,\n\
             追加条件,,1,01,共通\n追加条件,A,2,01,Aだけ\n",
        )
        .unwrap();
        assert_eq!(m.check_conditions("A", "01-1;01-2"), vec![]);
        assert_eq!(m.check_conditions("B", "01-1"), vec![]);
        assert!(matches!(
            m.check_conditions("B", "01-2")[..],
            [ConditionProblem::UnknownCode { index: 1, .. }]
        ));
        assert_eq!(m.condition_item_name("A", "01"), Some("Aだけ"));
        assert_eq!(m.condition_item_name("B", "01"), Some("共通"));
    }

    /// One master row of a random kind, with values in the columns that kind uses and now and
    /// then noise in any column.
    fn master_row() -> impl Strategy<Value = String> {
        let ids = proptest::sample::select(vec!["KODOMO01", "NANBYO01", "", "KODOMO01;NANBYO01"]);
        let verify = proptest::sample::select(vec!["", "する", "しない"]);
        let noise = "[ A-Z0-9;,\"#区分受給者証種別所得追加条件一般\\-]{0,6}";
        let row = (
            0u8..4,
            ids,
            "[0-9]{1,2}",
            "[ア-ン]{1,4}",
            "[0-9]{2}",
            verify,
        );
        let damage = (proptest::bool::weighted(0.15), 0usize..9, noise);
        (row, damage).prop_map(
            |((kind, ids, code, name, item, verify), (noisy, at, noise))| {
                let line = match kind {
                    0 => format!("受給者証種別,T{code},,{name},88134457,,{verify},,"),
                    1 => format!("区分,{ids},{code},{name},,,,,"),
                    2 => format!("所得区分,{ids},{code},{name},,,,,"),
                    _ => format!("追加条件,{ids},{code},{name},,,,{item},{name}"),
                };
                let mut cells: Vec<String> = line.split(',').map(str::to_owned).collect();
                if noisy {
                    cells[at] = noise;
                }
                cells.join(",")
            },
        )
    }

    /// Masters made of the example's certificate types and random rows: loading, validation
    /// and every check never panic, and most masters load (so that the checks run).
    #[test]
    fn arbitrary_rows_never_panic() {
        let (cases, loaded, checked) = (
            std::cell::Cell::new(0u32),
            std::cell::Cell::new(0u32),
            std::cell::Cell::new(0u32),
        );
        let head = JA.lines().take(3).collect::<Vec<_>>().join("\r\n");
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(256));
        runner
            .run(&proptest::collection::vec(master_row(), 0..8), |rows| {
                cases.set(cases.get() + 1);
                let mut text = head.clone();
                for r in &rows {
                    text.push_str("\r\n");
                    text.push_str(r);
                }
                let mut m = Masters::new();
                if m.load_csv(text.as_bytes(), "p.csv").is_ok() {
                    loaded.set(loaded.get() + 1);
                    let _ = m.validate();
                    let ids: Vec<String> = m.certificate_type_ids().map(str::to_owned).collect();
                    checked.set(checked.get() + u32::from(!ids.is_empty()));
                    for id in ids.iter().map(String::as_str).chain(["", "X"]) {
                        let _ = m.check_insurer_number(id, "12345678");
                        let _ = m.check_segment(id, "1");
                        let _ = m.check_conditions(id, "01-1;A");
                    }
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
        let (n, loaded, checked) = (cases.get(), loaded.get(), checked.get());
        assert!(loaded * 100 >= n * 50, "{loaded} of {n} masters loaded");
        assert!(
            checked * 100 >= n * 50,
            "{checked} of {n} masters were checked against"
        );
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let mut m = Masters::new();
            let _ = m.load_csv(&bytes, "p.csv");
            let _ = m.validate();
            let _ = m.describe();
        }

        #[test]
        fn conditions_never_panic(value in "\\PC{0,40}", ty in "[A-Z0-9]{0,3}") {
            let m = load(JA).unwrap();
            let p = m.check_conditions(&ty, &value);
            prop_assert!(p.len() <= value.split(';').count());
        }

        #[test]
        fn well_formed_conditions_have_no_syntax_problems(
            pairs in proptest::collection::vec(("[0-9A-Za-z]{1,4}", "[0-9A-Za-z]{1,4}", proptest::bool::ANY), 1..6)
        ) {
            let value = pairs
                .iter()
                .map(|(a, b, u)| format!("{a}{}{b}", if *u { '\u{2010}' } else { '-' }))
                .collect::<Vec<_>>()
                .join(";");
            let p = Masters::new().check_conditions("X", &value);
            prop_assert!(p.is_empty(), "{:?}", p);
        }
    }
}
