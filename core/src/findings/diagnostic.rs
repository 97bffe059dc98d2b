//! One finding about an input file: code, severity, where it is (as a person sees it in Excel)
//! and the facts needed to phrase it. Sentences are made in [`crate::findings::message`] only.

use crate::findings::codes::{Code, Severity};
use crate::layout::Basis;

/// Facts of one finding; turned into sentences by [`message`](crate::message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    /// Nothing beyond the code, row and field.
    None,
    /// Encoding found (S010).
    Encoding {
        /// Name of the encoding found.
        found: &'static str,
    },
    /// A header is involved (S004 label of the missing field, S005/S014 the header text).
    Header {
        /// Header text as written in the file.
        header: String,
        /// A near-matching field id, when there is one (S014); the field of the other column
        /// (S029).
        suggestion: Option<usize>,
        /// The other column (S005: the first column mapped to the same field; S029: the column
        /// of a field the layout puts before this one), 1-based.
        other_column: Option<u32>,
    },
    /// Field count of a ragged row (S006).
    Ragged {
        /// Columns in the header row.
        expected: u32,
        /// Columns in this row.
        found: u32,
    },
    /// How many physical lines an unclosed quote swallowed (S007).
    Lines {
        /// Number of lines.
        count: u64,
    },
    /// The most bytes a record may hold (S021).
    Limit {
        /// The limit in bytes.
        bytes: u64,
    },
    /// Dialect difference (S011–S013).
    Dialect {
        /// What the layout expects.
        expected: &'static str,
        /// What the file has.
        found: &'static str,
    },
    /// Length finding (V002).
    Length {
        /// Minimum characters.
        min: Option<u32>,
        /// Maximum characters.
        max: Option<u32>,
        /// Characters found.
        actual: u32,
    },
    /// First disallowed character (V003).
    Char {
        /// The character.
        ch: char,
        /// 1-based character position in the value.
        pos: u32,
    },
    /// The date did not parse (V004); `recognised` is the ISO date if a lenient parse succeeded.
    Date {
        /// The date a lenient parse finds, e.g. `2013-01-01` for `平成25年1月1日`.
        recognised: Option<String>,
    },
    /// Another row is involved (K001–K003).
    OtherRow {
        /// The earlier row's number in the sheet.
        row: u32,
    },
    /// Two dates of one row (R001, R002).
    Dates {
        /// The earlier-expected date.
        first: String,
        /// The later-expected date.
        second: String,
    },
    /// The expected check digit (N003, N005, N006).
    Expected {
        /// Expected digit.
        digit: u8,
    },
    /// Position of the syntax problem in 追加条件 (V007): the 1-based entry number.
    Entry {
        /// Entry number.
        index: u32,
    },
    /// A repair or proposal (X codes): the value after it; `Diagnostic::value` is before.
    Repair {
        /// The value after the repair.
        after: String,
    },
    /// Values the master allows (M codes): the first few, and how many more.
    Valid {
        /// The offending part (e.g. one 追加条件 entry), when not the whole value.
        part: Option<String>,
        /// First valid values.
        values: Vec<String>,
        /// How many more are valid.
        more: usize,
    },
    /// A character finding (C codes).
    CharIssue {
        /// The character.
        ch: char,
        /// 1-based position in the value.
        pos: u32,
        /// A standard form, if one is known.
        suggestion: Option<&'static str>,
    },
    /// Certificates of the previous upload missing from this file (P001).
    Removals {
        /// Certificates missing (PMH deletes them).
        removed: u64,
        /// Certificates in the previous file.
        previous: u64,
        /// Their first rows in the previous file, at most five.
        rows: Vec<u32>,
    },
    /// Rows of a workbook hidden in Excel that hold data (S026).
    HiddenRows {
        /// How many.
        count: u64,
        /// The first of them, as the report numbers rows, at most five.
        rows: Vec<u32>,
    },
    /// Columns of a workbook hidden in Excel that are uploaded (S027).
    HiddenColumns {
        /// How many.
        count: u64,
        /// The first of them, at most five: the column (1-based) and its header.
        columns: Vec<(u32, String)>,
    },
    /// Why the bytes could not be read as text (S002).
    Unreadable(crate::input::decode::DecodeFailure),
    /// Why a date could not be read (V004 from a repair attempt).
    DateProblem {
        /// Japanese reason.
        ja: &'static str,
        /// English reason.
        en: &'static str,
    },
}

/// One finding. Every number is 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code.
    pub code: Code,
    /// Severity of this finding (the code's default, or lowered for inferred rules).
    pub severity: Severity,
    /// Basis of the rule that found it.
    pub basis: Basis,
    /// Row in the sheet: header row = 1, first data row = 2. `None` for whole-file findings.
    pub row: Option<u32>,
    /// Physical line in the file where the row starts (differs when quoted values span lines).
    pub line: Option<u64>,
    /// Column in the input, 1-based (A = 1). `None` when the column is absent from the file.
    pub column: Option<u32>,
    /// Index of the layout field, when the finding is about one.
    pub field: Option<usize>,
    /// The raw value (masked when rendered unless values are shown).
    pub value: Option<String>,
    /// Facts for the message.
    pub detail: Detail,
}

impl Diagnostic {
    /// A finding with the code's default severity and a verified basis.
    pub fn new(code: Code) -> Self {
        Self {
            code,
            severity: code.severity(),
            basis: Basis::Verified,
            row: None,
            line: None,
            column: None,
            field: None,
            value: None,
            detail: Detail::None,
        }
    }

    /// Sets the row and line.
    #[must_use]
    pub fn at(mut self, row: u32, line: u64) -> Self {
        self.row = Some(row);
        self.line = Some(line);
        self
    }

    /// Sets the input column (1-based).
    #[must_use]
    pub fn column(mut self, column: Option<u32>) -> Self {
        self.column = column;
        self
    }

    /// Sets the field and the basis of the rule; non-verified rules lower errors to warnings.
    #[must_use]
    pub fn field(mut self, field: usize, basis: Basis) -> Self {
        self.field = Some(field);
        self.with_basis(basis)
    }

    /// Sets the basis; a finding from an inferred or unknown rule is at most a warning, except
    /// the codes of [`crate::STRICT_WHEN_INFERRED`] (see [`Code::policy_severity`]).
    #[must_use]
    pub fn with_basis(mut self, basis: Basis) -> Self {
        self.basis = basis;
        self.severity = self.code.policy_severity(basis, self.severity);
        self
    }

    /// Sets the raw value.
    #[must_use]
    pub fn value(mut self, value: &str) -> Self {
        self.value = Some(value.to_owned());
        self
    }

    /// Sets the detail.
    #[must_use]
    pub fn detail(mut self, detail: Detail) -> Self {
        self.detail = detail;
        self
    }
}

/// Spreadsheet column letters for a 1-based column: 1 → A, 27 → AA.
pub fn column_letter(column: u32) -> String {
    let mut n = column;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + u8::try_from(rem).unwrap_or(0));
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letter(1), "A");
        assert_eq!(column_letter(26), "Z");
        assert_eq!(column_letter(27), "AA");
        assert_eq!(column_letter(52), "AZ");
        assert_eq!(column_letter(703), "AAA");
        assert_eq!(column_letter(0), "");
    }

    #[test]
    fn inferred_rules_lower_errors() {
        let d = Diagnostic::new(Code::Length).field(0, Basis::Unknown);
        assert_eq!(d.severity, Severity::Warning);
        let d = Diagnostic::new(Code::Length).field(0, Basis::Verified);
        assert_eq!(d.severity, Severity::Error);
        let d = Diagnostic::new(Code::PeriodReversed).with_basis(Basis::Inferred);
        assert_eq!(d.severity, Severity::Error);
        let d = Diagnostic::new(Code::OverlappingPeriods).with_basis(Basis::Inferred);
        assert_eq!(d.severity, Severity::Error);
        let d = Diagnostic::new(Code::BirthAfterStart).with_basis(Basis::Inferred);
        assert_eq!(d.severity, Severity::Warning);
    }
}
