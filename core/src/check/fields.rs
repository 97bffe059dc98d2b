//! One cell at a time (V codes: required, length, characters, dates, codes, flags, 追加条件;
//! C codes: characters outside the safe set) and the identifiers' check digits (N codes).

use super::*;

impl<'l> Back<'l> {
    #[expect(
        clippy::too_many_arguments,
        reason = "hot path: plain arguments, no per-cell allocation"
    )]
    pub(super) fn cell(
        &mut self,
        fi: usize,
        raw: &str,
        row: u32,
        line: u64,
        col: Option<u32>,
        text: &str,
        values: &[(usize, usize)],
        dates: &mut RowDates,
    ) {
        let layout = self.layout;
        let f = &layout.fields[fi];
        // A finding on this cell; built out of line (findings are rare, cells are not).
        let at = |code: Code, rule: Rule| cell_finding(f, fi, code, rule, row, line, col);
        let value = trim_edges(raw);
        // A BOM (U+FEFF) in a value — at the start of a row when files were concatenated —
        // would be uploaded as part of the value: an error, not an edge space (V008). A clean
        // record has none (U+FEFF is outside CP932).
        let bom = self.may_have_bom && raw.contains('\u{FEFF}');
        if value.is_empty() {
            if f.required {
                self.sink.push(at(Code::Required, Rule::Required));
            } else if f.has_check(Check::RecipientNumber) {
                // Seed 002 line 542: PMH's look-up screen requires the number.
                self.sink.push(
                    Diagnostic::new(Code::RecipientNumberEmpty)
                        .at(row, line)
                        .column(col)
                        .field(fi, Basis::Verified),
                );
            }
            if bom {
                self.bom_in_value(row, line, col, Some(fi), raw);
            } else if !raw.is_empty() {
                self.edge_space(fi, row, line, col, raw);
            }
            return;
        }
        if bom {
            // The value is wrong as it stands; its other checks would judge other bytes.
            self.bom_in_value(row, line, col, Some(fi), raw);
            return;
        }
        // An invisible character inside (a clean record has none): the value is wrong as it
        // stands, and the checks below would judge a character nobody sees (V003 in a field
        // whose character rule is inferred is only a warning).
        if !self.clean
            && let Some(found) = first_invisible(value, |_| false)
        {
            self.invisible_char(row, line, col, Some(fi), value, found);
            return;
        }
        if value.len() != raw.len() {
            self.edge_space(fi, row, line, col, raw);
        }
        // A formula's error (#N/A …) in place of the value, in any column: never data.
        if value.as_bytes()[0] == b'#' && is_excel_error(value) {
            self.excel_error(row, line, col, Some(fi), value);
            return;
        }
        // Excel's exponent form destroys identifiers: say so instead of "not digits" (which is
        // only a warning where 地単 numbers may hold letters). A 16-digit or longer number from
        // a workbook arrives in this form too: Excel kept 15 of its digits.
        let plan = &self.cell_plans[fi];
        let (identifier, name_text, code_like) = (plan.identifier, plan.name_text, plan.code_like);
        let length = (!plan.length_surely_fits(value)).then_some((plan.min_chars, plan.max_chars));
        // Most identifiers are digits only: then neither the exponent form nor the Digits
        // class has anything to find (one scan instead of two).
        let only_digits = identifier.is_some() && all_ascii_digits(value.as_bytes());
        let exponent = match identifier {
            _ if only_digits => false,
            Some(false) => is_exponent_form(value),
            Some(true) => is_excel_exponent_display(value),
            None => false,
        };
        if exponent {
            self.sink
                .push_with(at(Code::MyNumberExponent, Rule::Checks), |d| d.value(value));
            return;
        }
        let mut ok = true;
        if let Some((min, max)) = length {
            let n = char_count(value);
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                ok = false;
                self.sink
                    .push(
                        at(Code::Length, Rule::Length)
                            .value(value)
                            .detail(Detail::Length {
                                min,
                                max,
                                actual: n,
                            }),
                    );
            }
        }
        // A My Number in a text field (住所, カナ, 受給者証名 …; 氏名 has V012): 12 or 36 bytes.
        if plan.my_number_elsewhere
            && my_number_shaped(value)
            && self.my_number_elsewhere(row, line, col, Some(fi), value)
        {
            ok = false;
        }
        match f.value_type {
            // 氏名: a digit (ASCII or full-width) is another column's value (V012).
            ValueType::Text if name_text && holds_digit(value) => {
                ok = false;
                self.sink
                    .push(at(Code::DigitInName, Rule::Chars).value(value));
            }
            ValueType::Text | ValueType::Digits => {
                let class = if f.value_type == ValueType::Digits {
                    CharClass::Digits
                } else {
                    f.chars
                };
                // A clean record has no control character: nothing to find for text classes.
                // Digits only: nothing to find for the digit classes either.
                let nothing_to_find = (self.clean
                    && matches!(class, CharClass::Text | CharClass::Name))
                    || (only_digits && matches!(class, CharClass::Digits | CharClass::Alnum));
                let scan = !nothing_to_find;
                if let Some((pos, ch)) = if scan {
                    first_disallowed(value, class)
                } else {
                    None
                } {
                    ok = false;
                    if !(code_like
                        && self.full_width_in_code(fi, Rule::Chars, row, line, col, value))
                    {
                        let basis = f.basis_of(Rule::Chars);
                        self.char_not_allowed(row, line, col, Some((fi, basis)), value, (pos, ch));
                    }
                }
            }
            ValueType::Code => {
                if !f.codes.iter().any(|c| c.code == value) {
                    ok = false;
                    if !self.full_width_in_code(fi, Rule::Codes, row, line, col, value) {
                        self.sink
                            .push(at(Code::NotInCodeList, Rule::Codes).value(value));
                    }
                }
            }
            ValueType::Date => {
                let parsed = self
                    .date_separator
                    .and_then(|sep| date::parse_fixed(value, sep));
                match parsed {
                    Some(d) => dates.set(&self.keys, fi, d),
                    None if self.full_width_in_code(fi, Rule::Codes, row, line, col, value) => {
                        ok = false;
                    }
                    None => {
                        ok = false;
                        let problem = self.date_problems[fi].as_ref();
                        self.sink.push_with(at(Code::Date, Rule::Codes), |d| {
                            let detail = match problem {
                                Some(e) => {
                                    let (ja, en) = date_error_text(e);
                                    Detail::DateProblem { ja, en }
                                }
                                None => Detail::Date {
                                    recognised: date::parse_lenient(value, true)
                                        .ok()
                                        .map(|l| l.date.to_string()),
                                },
                            };
                            d.value(value).detail(detail)
                        });
                    }
                }
            }
            ValueType::Boolean => {
                let d = &layout.dialect;
                if value != d.boolean_true && value != d.boolean_false {
                    ok = false;
                    if !self.full_width_in_code(fi, Rule::Codes, row, line, col, value) {
                        self.sink
                            .push_with(at(Code::Boolean, Rule::Codes), |d| d.value(value));
                    }
                }
            }
            ValueType::Conditions => {
                if let Some(index) = conditions::first_malformed(value) {
                    ok = false;
                    if !self.full_width_in_code(fi, Rule::Codes, row, line, col, value) {
                        self.sink.push(
                            at(Code::ConditionsSyntax, Rule::Codes)
                                .value(value)
                                .detail(Detail::Entry { index }),
                        );
                    }
                }
            }
        }
        if f.value_type == ValueType::Text && !self.clean && !value.is_ascii() {
            for cf in repair::char_findings(f, value) {
                let code = match cf.issue {
                    CharIssue::Gaiji => Code::Gaiji,
                    CharIssue::VendorSpecific => Code::VendorChar,
                    // The decoder writes U+FFFD for bytes it could not read; every U+FFFD in a
                    // row is reported once, by the row's S008, not again as outside CP932.
                    CharIssue::OutsideCp932 if cf.ch == '\u{FFFD}' => continue,
                    // Build writing CP932 says C005 (an error) for the same character.
                    CharIssue::OutsideCp932 if self.cp932_output() => continue,
                    CharIssue::OutsideCp932 => Code::OutsideCp932,
                    CharIssue::HalfWidthKana => Code::HalfwidthKanaInText,
                    CharIssue::Control => continue, // V003 already
                };
                let d = Diagnostic::new(code).at(row, line).column(col);
                let mut d = d.value(value).detail(Detail::CharIssue {
                    ch: cf.ch,
                    pos: cf.pos,
                    suggestion: cf.suggestion,
                });
                d.field = Some(fi);
                // PMH's character set is not public (inferred rule): the policy decides
                // (`Code::policy_severity`). The layout may set the level per field
                // (`char_issues`), within the same policy.
                let d = d.with_basis(Basis::Inferred);
                match f.char_issues {
                    None => self.sink.push(d),
                    Some(CharLevel::Ignore) => {}
                    Some(level) => self.sink.push(Diagnostic {
                        severity: code.policy_severity(d.basis, level.severity()),
                        ..d
                    }),
                }
            }
        }
        if ok && !f.checks.is_empty() {
            self.named_checks(fi, value, row, line, col, text, values);
        }
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "hot path: plain arguments, no per-cell allocation"
    )]
    pub(super) fn named_checks(
        &mut self,
        fi: usize,
        value: &str,
        row: u32,
        line: u64,
        col: Option<u32>,
        text: &str,
        values: &[(usize, usize)],
    ) {
        let f = &self.layout.fields[fi];
        let at = |code: Code| cell_finding(f, fi, code, Rule::Checks, row, line, col);
        for check in &f.checks {
            match check {
                Check::MyNumber => match checkdigit::my_number(value) {
                    checkdigit::CheckOutcome::Invalid { .. } => {
                        self.sink
                            .push_with(at(Code::MyNumberCheckDigit), |d| d.value(value));
                    }
                    checkdigit::CheckOutcome::Valid if checkdigit::is_all_same_digit(value) => {
                        self.sink
                            .push_with(at(Code::MyNumberSameDigits), |d| d.value(value));
                    }
                    _ => {}
                },
                Check::InsurerNumber => {
                    if value.len() == 8 && !checkdigit::insurer_prefecture_valid(value) {
                        self.sink
                            .push_with(at(Code::InsurerPrefecture), |d| d.value(value));
                    }
                    if let checkdigit::CheckOutcome::Invalid { expected } =
                        checkdigit::insurer_number(value)
                    {
                        let known = self.opts.known_insurer_numbers.iter().any(|k| k == value);
                        let code = if known {
                            Code::InsurerCheckDigitOverridden
                        } else {
                            Code::InsurerCheckDigit
                        };
                        self.sink.push(
                            at(code)
                                .value(value)
                                .detail(Detail::Expected { digit: expected }),
                        );
                    }
                }
                Check::RecipientNumber => {
                    // Only national programmes use the check digit: the master says so per
                    // certificate type when given; otherwise 法別 in the national table.
                    let get = |i: Option<usize>| {
                        i.and_then(|i| values.get(i))
                            .and_then(|&(s, e)| text.get(s..e))
                            .map_or("", trim_edges)
                    };
                    let from_master = self
                        .opts
                        .masters
                        .as_deref()
                        .and_then(|m| m.certificate_type(get(self.type_field)))
                        .and_then(|t| t.recipient_check_digit);
                    let national = from_master.unwrap_or_else(|| {
                        tables::insurer_kind(get(self.insurer_field))
                            == Some(tables::InsurerKind::National)
                    });
                    if national
                        && let checkdigit::CheckOutcome::Invalid { expected } =
                            checkdigit::recipient_number(value)
                    {
                        self.sink.push(
                            at(Code::RecipientCheckDigit)
                                .value(value)
                                .detail(Detail::Expected { digit: expected }),
                        );
                    }
                }
                Check::MedicalInstitutionCodes => {
                    // 10-digit codes carry their prefecture. A bare 7-digit code can only be
                    // checked in prefectures 11–14 (known here from the row's 公費負担者番号);
                    // elsewhere it is never rejected (domain-codes §4.2).
                    let insurer = self
                        .insurer_field
                        .and_then(|i| values.get(i))
                        .and_then(|&(s, e)| text.get(s..e))
                        .map_or("", trim_edges);
                    let prefecture = insurer
                        .get(2..4)
                        .and_then(|p| p.parse::<u8>().ok())
                        .filter(|_| insurer.len() == 8);
                    let tens =
                        digit_runs(value, 10).map(|c| (c, checkdigit::medical_institution_code(c)));
                    let sevens = prefecture.into_iter().flat_map(|p| {
                        digit_runs(value, 7)
                            .map(move |c| (c, checkdigit::medical_institution_code7(c, p)))
                    });
                    for (code, outcome) in tens.chain(sevens) {
                        if let checkdigit::CheckOutcome::Invalid { expected } = outcome {
                            self.sink.push(
                                at(Code::MedicalInstitutionCheckDigit)
                                    .value(code)
                                    .detail(Detail::Expected { digit: expected }),
                            );
                        }
                    }
                }
                // Master checks need a municipality master (domain-rules issue); without one they
                // are skipped.
                Check::MasterSegment | Check::MasterIncomeSegment | Check::Amount => {}
            }
        }
    }

    /// V009: a BOM (U+FEFF) inside a value, of a layout field or of a 受給者証券面項目 column
    /// (`field` `None`): those bytes would be uploaded as part of the value.
    /// V003: a character the field's class does not allow, or, in a 券面 column (`field`
    /// `None`), a control character: a 券面 value is uploaded too.
    pub(super) fn char_not_allowed(
        &mut self,
        row: u32,
        line: u64,
        col: Option<u32>,
        field: Option<(usize, Basis)>,
        value: &str,
        (pos, ch): (u32, char),
    ) {
        let mut d = Diagnostic::new(Code::Chars).at(row, line).column(col);
        if let Some((fi, basis)) = field {
            d = d.field(fi, basis);
        }
        self.sink
            .push(d.value(value).detail(Detail::Char { ch, pos }));
    }

    /// V016 in place of the finding a number, code, date or flag that failed its check would
    /// get, when the value holds a full-width letter or digit: whatever PMH's rules for the
    /// value are, it is another value unless PMH narrows it (not published), so the finding
    /// keeps its severity where the rule is inferred (`STRICT_WHEN_INFERRED`). Build narrows
    /// the same characters (X002, [`crate::domain::chars::is_fullwidth_alnum`]). Returns whether the value
    /// held one. Out of line: only a value that failed comes here.
    #[cold]
    #[inline(never)]
    fn full_width_in_code(
        &mut self,
        fi: usize,
        rule: Rule,
        row: u32,
        line: u64,
        col: Option<u32>,
        value: &str,
    ) -> bool {
        let Some((pos, ch)) = crate::domain::chars::first_fullwidth_alnum(value) else {
            return false;
        };
        let f = &self.layout.fields[fi];
        self.sink.push(
            cell_finding(f, fi, Code::FullWidthInCode, rule, row, line, col)
                .value(value)
                .detail(Detail::Char { ch, pos }),
        );
        true
    }

    /// Whether the cells of [`Back::lost_fields`] may hold a `?`, a `&` or a lost mark (C006):
    /// one search over the text from the first of them to the last (they are neighbours in the
    /// layouts). A clean record (the front end's all-clear scan) has no mark: the marks are not
    /// clear characters ([`crate::domain::chars::is_clear`]).
    #[inline]
    pub(super) fn may_have_lost(&self, text: &str, ranges: &[(usize, usize)]) -> bool {
        let (mut from, mut to) = (usize::MAX, 0);
        for &fi in &self.lost_fields {
            if let Some(&(s, e)) = ranges.get(fi) {
                from = from.min(s);
                to = to.max(e);
            }
        }
        let Some(span) = text.get(from..to) else {
            return false;
        };
        memchr::memchr2(b'?', b'&', span.as_bytes()).is_some()
            || (!self.clean && span.contains(crate::domain::chars::is_lost_mark))
    }

    /// C006: the trace of a character lost before this file (`?`, `？`, `〓`, `●`, `&#134071;`)
    /// in a name or an address ([`crate::domain::chars::first_lost_character`]), for a record
    /// that may hold one ([`Self::may_have_lost`]; rare: out of line, before the cells). Its
    /// basis is the field's character rule; the code keeps its severity (`STRICT_WHEN_INFERRED`).
    /// Returns `field_cols` without the columns of the cells found: their other checks are
    /// skipped, as they would misname the cause (a digit of the reference in 氏名, V012).
    #[cold]
    #[inline(never)]
    pub(super) fn lost_characters(
        &mut self,
        text: &str,
        ranges: &[(usize, usize)],
        field_cols: &[Option<u32>],
        row: u32,
        line: u64,
    ) -> Vec<Option<u32>> {
        let mut cols = field_cols.to_vec();
        for k in 0..self.lost_fields.len() {
            let fi = self.lost_fields[k];
            let (Some(&(s, e)), Some(Some(_))) = (ranges.get(fi), field_cols.get(fi)) else {
                continue;
            };
            let value = trim_edges(text.get(s..e).unwrap_or(""));
            let Some((pos, ch)) = crate::domain::chars::first_lost_character(value) else {
                continue;
            };
            let f = &self.layout.fields[fi];
            self.sink.push(
                cell_finding(
                    f,
                    fi,
                    Code::LostCharacter,
                    Rule::Chars,
                    row,
                    line,
                    field_cols[fi],
                )
                .value(value)
                .detail(Detail::Char { ch, pos }),
            );
            if let Some(c) = cols.get_mut(fi) {
                *c = None;
            }
        }
        cols
    }

    /// Build writes a CP932 upload file: a character outside CP932 is C005 there.
    pub(super) fn cp932_output(&self) -> bool {
        self.opts.output == Some(OutputFormat::Csv)
            && self.layout.dialect.encoding == crate::layout::Encoding::Cp932
    }

    /// V008, or V015 in a number, code, date or flag field: spaces around the value (or a
    /// value of spaces only). Out of line: a clean cell has none.
    #[cold]
    #[inline(never)]
    fn edge_space(&mut self, fi: usize, row: u32, line: u64, col: Option<u32>, raw: &str) {
        let f = &self.layout.fields[fi];
        let d = if self.cell_plans[fi].code_like {
            // Whatever PMH's rules for the value are, the value with its spaces is another one
            // unless PMH trims (not published): an error, as the wrong ✔ is the worse answer.
            Diagnostic::new(Code::EdgeSpaceInCode)
                .at(row, line)
                .column(col)
                .field(fi, Basis::Verified)
        } else {
            cell_finding(f, fi, Code::Whitespace, Rule::Chars, row, line, col)
        };
        self.sink.push(d.value(raw));
    }

    /// V014: an invisible character ([`crate::domain::chars::is_invisible`]) inside the value
    /// of a layout field or a 券面 column (`field` `None`): wrong whatever PMH's character
    /// rules are, so verified.
    #[cold]
    #[inline(never)]
    pub(super) fn invisible_char(
        &mut self,
        row: u32,
        line: u64,
        col: Option<u32>,
        field: Option<usize>,
        value: &str,
        (pos, ch): (u32, char),
    ) {
        let mut d = Diagnostic::new(Code::InvisibleChar)
            .at(row, line)
            .column(col);
        if let Some(fi) = field {
            d = d.field(fi, Basis::Verified);
        }
        self.sink
            .push(d.value(value).detail(Detail::Char { ch, pos }));
    }

    /// V013: a whole value that is a My Number (12 digits, either width, check digit valid, not
    /// one digit repeated) in a text field or a 券面 column: a column mapped one off, or someone
    /// else's number shown at medical institutions. Out of line: the caller tests the shape
    /// ([`my_number_shaped`]).
    #[cold]
    #[inline(never)]
    pub(super) fn my_number_elsewhere(
        &mut self,
        row: u32,
        line: u64,
        col: Option<u32>,
        field: Option<usize>,
        value: &str,
    ) -> bool {
        let shaped = is_whole_my_number(value);
        if shaped {
            self.value_finding(Code::MyNumberElsewhere, row, line, col, field, value);
        }
        shaped
    }

    /// A finding about a whole value, in a layout field (verified: wrong whatever PMH's rules
    /// are) or a 券面 column: V011, V013.
    fn value_finding(
        &mut self,
        code: Code,
        row: u32,
        line: u64,
        col: Option<u32>,
        field: Option<usize>,
        value: &str,
    ) {
        let mut d = Diagnostic::new(code).at(row, line).column(col).value(value);
        if let Some(fi) = field {
            d = d.field(fi, Basis::Verified);
        }
        self.sink.push(d);
    }

    /// V011: an Excel error value (`#N/A` …) in a layout field or a 券面 column.
    pub(super) fn excel_error(
        &mut self,
        row: u32,
        line: u64,
        col: Option<u32>,
        field: Option<usize>,
        value: &str,
    ) {
        self.value_finding(Code::ExcelError, row, line, col, field, value);
    }

    pub(super) fn bom_in_value(
        &mut self,
        row: u32,
        line: u64,
        col: Option<u32>,
        field: Option<usize>,
        raw: &str,
    ) {
        let mut d = Diagnostic::new(Code::BomInValue)
            .at(row, line)
            .column(col)
            .value(raw);
        if let Some(fi) = field {
            d = d.field(fi, Basis::Verified);
        }
        self.sink.push(d);
    }
}

/// A finding on the cell of field `fi` (`f`) at `row`/`line`, in input column `col`.
#[cold]
#[inline(never)]
fn cell_finding(
    f: &crate::layout::Field,
    fi: usize,
    code: Code,
    rule: Rule,
    row: u32,
    line: u64,
    col: Option<u32>,
) -> Diagnostic {
    Diagnostic::new(code)
        .at(row, line)
        .column(col)
        .field(fi, f.basis_of(rule))
}
