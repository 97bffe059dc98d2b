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
//! - Every problem is a [`MasterError`]: the file, the line, the column and a
//!   [`MasterProblem`] a caller can match (a duplicate carries both places), rendered in
//!   Japanese or English by [`MasterError::message`]. One problem is [`ConfigError::Master`];
//!   up to [`MAX_ERRORS`] problems of one file are reported together as
//!   [`ConfigError::Masters`]. A file that fails to load leaves the [`Masters`] unchanged.
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
//! The example of these checks is the unit test `tests::module_example`.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::check::conditions::{self, Condition};
use crate::input::hash::sha256_hex;

use crate::domain::chars::{fullwidth_alnum_to_halfwidth, is_edge_space};
use crate::domain::tables;
use crate::input::decode::{Decoder, TextEncoding};
use crate::input::reader::{Event, RecordReader};
use crate::layout::ConfigError;
use crate::layout::header::fold;
use crate::output::render::Lang;

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

    /// The kind's name as written in the 種類 column: Japanese (`受給者証種別`) or the English
    /// alias (`certificate_type`).
    pub const fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Kind::CertificateType, Lang::Ja) => "受給者証種別",
            (Kind::Segment, Lang::Ja) => "区分",
            (Kind::IncomeSegment, Lang::Ja) => "所得区分",
            (Kind::Condition, Lang::Ja) => "追加条件",
            (Kind::CertificateType, Lang::En) => "certificate_type",
            (Kind::Segment, Lang::En) => "segment",
            (Kind::IncomeSegment, Lang::En) => "income_segment",
            (Kind::Condition, Lang::En) => "condition",
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

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.source, self.line)
    }
}

/// A column of the master CSV (by its meaning; the file may spell the header in Japanese or
/// English, see [`MasterColumn::names`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MasterColumn {
    /// 種類 (kind).
    Kind,
    /// 機関別受給者証種別ID (certificate_type_id).
    TypeId,
    /// コード (code).
    Code,
    /// 名称 (name).
    Name,
    /// 公費負担者番号 (insurer_number).
    Insurer,
    /// 法別番号 (houbetsu).
    Houbetsu,
    /// 受給者番号検証 (recipient_check).
    RecipientCheck,
    /// 項目コード (item_code).
    ItemCode,
    /// 項目名 (item_name).
    ItemName,
    /// 備考 (note).
    Note,
}

/// One problem of a master file: where it is and what it is. Rendered by
/// [`MasterError::message`]; a file's problems are collected in [`ConfigError::Masters`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct MasterError {
    /// The file name given to [`Masters::load_csv`].
    pub file: String,
    /// 1-based physical line; `None` for a problem of the whole file.
    pub line: Option<u64>,
    /// The column, when the problem is in one cell.
    pub cell: Option<MasterCell>,
    /// What is wrong (boxed: a `Result` carrying this error stays small).
    pub problem: Box<MasterProblem>,
}

/// The column of a [`MasterError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MasterCell {
    /// A column of the file: 1-based number and its header as written.
    At {
        /// 1-based column number.
        number: usize,
        /// The header cell (trimmed).
        header: String,
    },
    /// A column of the file by number only (its cells could not be read as text).
    Number(usize),
    /// A column the file does not have.
    Missing(MasterColumn),
}

/// What is wrong in a master file (see [`MasterError`] for where).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MasterProblem {
    /// Neither UTF-8 nor Shift_JIS (CP932).
    Encoding {
        /// The decoder's reason.
        why: crate::input::decode::DecodeFailure,
    },
    /// No header row.
    Empty,
    /// A header but no definition rows.
    NoDefinitions,
    /// A quote that is never closed (the rest of the file became one value).
    UnclosedQuote,
    /// Bytes that are not valid text (the cell is a [`MasterCell::Number`]).
    Mojibake,
    /// A header naming a column twice (header row).
    DuplicateColumn {
        /// The column named twice.
        column: MasterColumn,
        /// 1-based number of its first header cell.
        first: usize,
        /// That header cell as written.
        first_header: String,
    },
    /// A header cell naming no known column (header row).
    UnknownColumn,
    /// The header row has no 種類 (kind) column.
    NoKindColumn,
    /// A column a row of `kind` needs is not in the file.
    RequiredColumnMissing {
        /// The missing column.
        column: MasterColumn,
        /// The row's kind.
        kind: Kind,
    },
    /// A value in a column without a header.
    ValueWithoutHeader {
        /// The value.
        value: String,
    },
    /// The 種類 cell is empty.
    KindEmpty,
    /// The 種類 cell names no kind.
    KindUnknown {
        /// The cell.
        value: String,
    },
    /// A value in a column rows of `kind` do not use.
    ColumnNotUsed {
        /// The row's kind.
        kind: Kind,
        /// The value.
        value: String,
    },
    /// An empty cell that rows of `kind` need.
    ValueRequired {
        /// The row's kind.
        kind: Kind,
    },
    /// A 受給者証種別 row with a コード other than its ID.
    CodeInTypeRow {
        /// The ID (機関別受給者証種別ID).
        id: String,
        /// The コード cell.
        value: String,
    },
    /// A 公費負担者番号 that is not 8 ASCII digits.
    InsurerNumberFormat {
        /// The number as written.
        value: String,
        /// The half-width spelling, when narrowing full-width digits makes it valid.
        halfwidth: Option<String>,
    },
    /// A 公費負担者番号 listed twice in one cell.
    InsurerNumberTwice {
        /// The number.
        value: String,
    },
    /// A 法別番号 that is not 2 ASCII digits 10–99.
    HoubetsuFormat {
        /// The value as written.
        value: String,
        /// Two digits 01–09: a health-insurance 法別, not public expense.
        health_insurance: bool,
        /// The half-width spelling, when narrowing full-width digits makes it valid.
        halfwidth: Option<String>,
    },
    /// A 法別番号 listed twice in one cell.
    HoubetsuTwice {
        /// The value.
        value: String,
    },
    /// A 公費負担者番号 whose 法別 (first two digits) the 法別番号 column does not list.
    InsurerNotInHoubetsu {
        /// The number.
        number: String,
        /// The 法別番号 column's values.
        houbetsu: Vec<String>,
    },
    /// A 受給者番号検証 cell that is not yes/no.
    RecipientCheckValue {
        /// The cell.
        value: String,
    },
    /// A 受給者証種別 ID defined twice.
    TypeDefinedTwice {
        /// The ID.
        id: String,
        /// Where it was defined first.
        first: Place,
    },
    /// A 区分 / 所得区分 code that is too long or has control characters.
    CodeNotUsable {
        /// The code.
        code: String,
    },
    /// A 追加条件 項目コード named differently than where it was named first.
    ItemNameDiffers {
        /// The 項目コード.
        item: String,
        /// Its name on this row.
        name: String,
        /// Its name at `first`.
        first_name: String,
        /// Where it was named first.
        first: Place,
    },
    /// A definition that repeats one already loaded for an overlapping scope.
    AlreadyDefined {
        /// What is defined.
        kind: Kind,
        /// The code (`項目コード-コード` for 追加条件).
        value: String,
        /// This row's 受給者証種別 (`None`: every type).
        scope: Option<String>,
        /// Where it was defined first.
        first: Place,
        /// The first definition's 受給者証種別 (`None`: every type).
        first_scope: Option<String>,
    },
    /// A 機関別受給者証種別ID listed twice in one cell.
    TypeIdTwice {
        /// The ID.
        id: String,
    },
    /// A 機関別受給者証種別ID cell with separators only.
    NoTypeId {
        /// The cell.
        value: String,
    },
    /// An ID or 追加条件 code that is not ASCII letters and digits, at most 50 characters
    /// (`CODE_MAX_CHARS`).
    NotAlnum {
        /// The value.
        value: String,
        /// The half-width spelling, when narrowing full-width characters makes it valid.
        halfwidth: Option<String>,
    },
    /// A scoped row names a 受給者証種別 no loaded master defines (found by
    /// [`Masters::validate`]).
    UndefinedType {
        /// The row's kind.
        kind: Kind,
        /// The ID it names.
        id: String,
        /// The defined IDs (the first 10, `LIST_LIMIT`).
        defined: Vec<String>,
        /// How many more are defined.
        more: usize,
    },
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
    /// master, or defaulted from the 法別 as documented in the module). `None` when the master
    /// says neither (no 受給者番号検証, no 法別番号, no 公費負担者番号): each row's
    /// 公費負担者番号 decides, as without a master.
    pub recipient_check_digit: Option<bool>,
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
    /// Lookups rebuilt after each file ([`Index`]).
    index: Index,
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
        let mut next = self.clone();
        let encoding = read::load(&mut next, bytes, source)?;
        next.sources.push(Source {
            name: source.to_owned(),
            sha256: sha256_hex(bytes),
            encoding,
        });
        next.index = Index::new(&next);
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
                let (defined, more) = first_few(self.types.keys().map(String::as_str));
                errors.push(MasterError {
                    file: at.source.clone(),
                    line: Some(at.line),
                    cell: None,
                    problem: Box::new(MasterProblem::UndefinedType {
                        kind,
                        id: id.clone(),
                        defined,
                        more,
                    }),
                });
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
        self.types.get(id.trim_matches(is_edge_space))
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

    /// Checks a 機関別受給者証種別ID. `CodeCheck::NoRule` when the master defines no types;
    /// `CodeCheck::Ok` for an empty value (the required-field check reports that).
    pub fn check_certificate_type(&self, id: &str) -> CodeCheck {
        let id = id.trim_matches(is_edge_space);
        if self.types.is_empty() {
            CodeCheck::NoRule
        } else if id.is_empty() || self.types.contains_key(id) {
            CodeCheck::Ok
        } else {
            let (valid, more) = first_few(self.types.keys().map(String::as_str));
            CodeCheck::Unknown { valid, more }
        }
    }

    /// Checks a 区分 value for the row's certificate type. Skipped (`CodeCheck::NoRule`) when
    /// the master defines no 区分 for the type; an empty value is `CodeCheck::Ok`.
    pub fn check_segment(&self, type_id: &str, value: &str) -> CodeCheck {
        self.index
            .segments
            .check(&self.segments, type_id.trim_matches(is_edge_space), value)
    }

    /// Checks a 所得区分 value, like [`Masters::check_segment`].
    pub fn check_income_segment(&self, type_id: &str, value: &str) -> CodeCheck {
        self.index.income_segments.check(
            &self.income_segments,
            type_id.trim_matches(is_edge_space),
            value,
        )
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
        let value = insurer_number.trim_matches(is_edge_space);
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
        let type_id = type_id.trim_matches(is_edge_space);
        let index = &self.index.conditions;
        let items = index.items_for(type_id);
        let mut problems = Vec::new();
        if !items.any {
            return problems;
        }
        // Malformed entries are V007's (the same grammar, `conditions::entries`).
        for Condition {
            index: at,
            item,
            code,
        } in conditions::entries(value).filter_map(Result::ok)
        {
            let defined = index.entries_of(&self.conditions, type_id, item);
            if defined.clone().next().is_none() {
                problems.push(ConditionProblem::UnknownItem {
                    index: at,
                    item: item.to_owned(),
                    valid: items.valid.clone(),
                    more: items.more,
                });
            } else if !defined.clone().any(|e| e.code == code) {
                let (valid, more) = first_few(defined.map(|e| e.code.as_str()));
                problems.push(ConditionProblem::UnknownCode {
                    index: at,
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

    pub(crate) fn source_names(&self) -> String {
        self.sources
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Types, 区分, 所得区分, distinct (scope, item) pairs, condition codes.
    pub(crate) fn counts(&self) -> [usize; 5] {
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
    let type_id = type_id.trim_matches(is_edge_space);
    let codes: Vec<&str> = list
        .iter()
        .filter(|e| applies(&e.scope, type_id))
        .map(|e| e.code.as_str())
        .collect();
    (!codes.is_empty()).then_some(codes)
}

fn name_for<'a>(list: &'a [CodeEntry], type_id: &str, code: &str) -> Option<&'a str> {
    let type_id = type_id.trim_matches(is_edge_space);
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

fn is_alnum_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= CODE_MAX_CHARS && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Several errors of one file → one [`ConfigError`].
fn combine(source: &str, mut errors: Vec<MasterError>, total: usize) -> ConfigError {
    if errors.len() == 1 && total <= 1 {
        return ConfigError::Master(errors.remove(0));
    }
    ConfigError::Masters {
        file: source.to_owned(),
        total,
        first: errors,
    }
}

mod index;
#[cfg(test)]
use index::CodeIndex;
use index::Index;
mod read;
mod rules;
pub(crate) use read::HEADER;
use read::TEMPLATE;
#[cfg(test)]
mod tests;
