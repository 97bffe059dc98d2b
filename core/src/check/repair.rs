//! Builder repairs: named, per-cell transformations of what Excel and hand-typing do to data
//! (issue 3 item 4), and character findings for names, カナ and addresses (item 5).
//!
//! [`repair_cell`] looks at one cell of one field and returns a [`CellRepair`]: the repaired
//! value (if an applied repair changed it), every step with its before/after (so the report can
//! show row, field, before and after), and an [`Unrepairable`] problem when the damage cannot be
//! undone. [`char_findings`] lists the characters of a name, カナ or address that downstream
//! CP932 systems cannot hold. Both are pure and allocate nothing for a clean cell.
//!
//! Steps, in order (each sees the result of the applied steps before it):
//!
//! | Step | Fields | Applied or proposed | Basis |
//! |---|---|---|---|
//! | [`RepairKind::Trim`] | all | applied | domain-codes §9, issue 3 item 4 |
//! | [`RepairKind::MacJis`] | text (`chars = "text"`) / names and addresses (`chars = "name"`) | applied / **proposed** | §8.3 |
//! | [`RepairKind::Width`] | digits, code, date, boolean, conditions; text with `chars = "digits"` or `"alnum"` | applied | §8.2, §10.2 |
//! | [`RepairKind::HalfwidthKana`] | `chars = "katakana"` | applied | §8.2 |
//! | [`RepairKind::LongVowel`] | `chars = "katakana"` | **proposed** | §8.3 policy |
//! | [`RepairKind::Date`] | date | applied (with a [`DateNote`] to confirm) | §7, §9.3 |
//! | [`RepairKind::LeadingZeros`] | My Number (11 → 12 digits); national 受給者番号 (6 → 7) | applied only when the check digit then passes | §9.2 |
//!
//! Policies (INFERRED from domain-codes §8–§10 and the issue):
//! * Names and addresses (`chars = "name"`) are never normalised: no NFKC, no width change, no
//!   kana change. Only edge trimming is applied; a Mac/JIS form (`〜`) is proposed, never
//!   changed silently, and everything else is a [`CharFinding`].
//! * In カナ fields the Mac/JIS step does not run: every Mac/JIS form is invalid there in either
//!   spelling, and the dash forms (`−`, `—`) are what the long-vowel proposal replaces by `ー`.
//! * Excel serials are read only in date fields and only in 1..=73415 (1900-01-01 …
//!   2100-12-31, [`date::parse_lenient`]). `45748` in a number field stays `45748`.
//! * Leading zeros are restored only for exact lengths (11-digit My Number, 6-digit national
//!   受給者番号), only when the padded value passes its check digit, and never to an
//!   all-same-digit placeholder. Every such repair is reported.
//! * A value that is already valid gets no problem: an unparseable date is reported only when it
//!   is not already in the dialect's format, an empty cell never (required-ness is the
//!   validator's finding).

use std::borrow::Cow;

use crate::check::cells::is_exponent_form;
use crate::domain::chars::{self, CharIssue};
use crate::domain::checkdigit;
use crate::domain::date::{self, DateError, DateForm, DateNote};
use crate::domain::tables;
use crate::layout::{CharClass, Check, Dialect, Field, ValueType};

/// A named transformation of one cell. Stable: reports and the fixture catalogue use
/// [`RepairKind::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RepairKind {
    /// NBSP, zero-width, BOM, ideographic and ASCII spaces removed at the edges (all fields).
    Trim,
    /// 全角 digits and Latin letters → 半角 in number, code, date, boolean and conditions fields
    /// and in text fields of class digits / alnum; never in names, addresses or カナ.
    Width,
    /// 半角カナ → 全角 with voiced marks combined (`ｶﾞ` → `ガ`), in カナ fields only.
    HalfwidthKana,
    /// Look-alike hyphens and dashes between katakana → `ー` (`アイチ−ハナコ` → `アイチーハナコ`).
    /// Always a proposal.
    LongVowel,
    /// Mac/JIS code points → their CP932 forms (`〜` → `～`, `−` → `－`, `—` → `―`, `‖` → `∥`,
    /// `¢ £ ¬` → `￠ ￡ ￢`). Applied in text fields, a proposal in names and addresses.
    MacJis,
    /// A date in another form (和暦, `2013/1/1`, `2013年1月1日`, `20130101`, `4250101`, an Excel
    /// serial) rewritten in the dialect's date format (date fields only).
    Date,
    /// Leading zeros that Excel dropped, restored because the check digit then passes.
    LeadingZeros,
}

/// One step of [`repair_cell`]: what it saw and what it wrote (or proposes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    /// Which transformation.
    pub kind: RepairKind,
    /// The value before this step (after the applied steps before it).
    pub before: String,
    /// The value this step wrote, or proposes when `applied` is false.
    pub after: String,
    /// Whether the step changed the value. `false` is a proposal for the user to confirm.
    pub applied: bool,
    /// For [`RepairKind::Date`]: something staff must confirm about the date (`平成32年3月31日`
    /// read as 2020-03-31 is [`DateNote::EraOverflow`]; the caller reports a warning).
    pub date_note: Option<DateNote>,
    /// For [`RepairKind::Date`]: how the date was written (和暦, Excel serial, …), for the
    /// message.
    pub date_form: Option<DateForm>,
}

/// Damage that cannot be repaired: the cell keeps its value and the caller reports an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unrepairable {
    /// A My Number in Excel's exponent form (`2.10988E+11`): the last digits are gone and no
    /// rule can recover them (domain-codes §9.2). The source must be exported again with the
    /// column formatted as text.
    ExponentMyNumber,
    /// A date field whose value is not in the dialect's format and cannot be read as a date
    /// (`平成元年1月7日` is [`DateError::BeforeEraStart`], `25/1/1`
    /// [`DateError::AmbiguousTwoDigitYear`]).
    Date(DateError),
}

/// The outcome of [`repair_cell`] for one cell.
///
/// `CellRepair::default()` (nothing to do) is what a clean cell gets, without allocating.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CellRepair {
    /// The repaired value when an applied repair changed it; `None` when the cell stays as it is.
    pub value: Option<String>,
    /// Every step that applied or proposes something, in step order.
    pub repairs: Vec<Repair>,
    /// Damage that cannot be repaired.
    pub problem: Option<Unrepairable>,
}

impl CellRepair {
    /// Whether there is nothing to apply, propose or report.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.value.is_none() && self.repairs.is_empty() && self.problem.is_none()
    }

    /// The value to write: the repaired value, or `original` when nothing was applied.
    #[must_use]
    pub fn value_or<'a>(&'a self, original: &'a str) -> &'a str {
        self.value.as_deref().unwrap_or(original)
    }
}

/// What [`repair_cell`] needs to know about the rest of the row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowContext {
    /// The row's 公費負担者番号 is a national programme (法別 in the national table,
    /// domain-codes §6.1), so its 受給者番号 carries the national check digit.
    pub national_programme: bool,
}

impl RowContext {
    /// The context for a row whose 公費負担者番号 cell holds `raw` (edge spaces and 全角
    /// digits are tolerated, as [`repair_cell`] would repair them).
    #[must_use]
    pub fn from_insurer_number(raw: &str) -> RowContext {
        let trimmed = chars::trim_edges(raw);
        let number: Cow<'_, str> = if has_fullwidth_alnum(trimmed) {
            Cow::Owned(chars::fullwidth_alnum_to_halfwidth(trimmed))
        } else {
            Cow::Borrowed(trimmed)
        };
        RowContext {
            national_programme: tables::insurer_kind(&number)
                == Some(tables::InsurerKind::National),
        }
    }
}

/// What the Mac/JIS step does in a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MacJisMode {
    Off,
    Apply,
    Propose,
}

/// Which steps run for a field (derived from the layout data; a few enum matches).
#[derive(Debug, Clone, Copy)]
struct Plan {
    mac_jis: MacJisMode,
    width: bool,
    kana: bool,
    date: bool,
    my_number: bool,
    recipient: bool,
}

impl Plan {
    fn of(field: &Field, ctx: RowContext) -> Plan {
        let text_class = (field.value_type == ValueType::Text).then_some(field.chars);
        let width = match field.value_type {
            ValueType::Digits
            | ValueType::Code
            | ValueType::Date
            | ValueType::Boolean
            | ValueType::Conditions => true,
            ValueType::Text => matches!(field.chars, CharClass::Digits | CharClass::Alnum),
        };
        let mac_jis = match text_class {
            Some(CharClass::Text) => MacJisMode::Apply,
            Some(CharClass::Name) => MacJisMode::Propose,
            _ => MacJisMode::Off,
        };
        Plan {
            mac_jis,
            width,
            kana: text_class == Some(CharClass::Katakana),
            date: field.value_type == ValueType::Date,
            my_number: field.has_check(Check::MyNumber),
            recipient: ctx.national_programme && field.has_check(Check::RecipientNumber),
        }
    }
}

/// Repairs one cell of `field` (see the module docs for the steps and policies).
///
/// Fast: a clean cell costs one scan of the value (plus a strict date parse in date fields) and
/// no allocation, and returns `CellRepair::default()`. Never panics.
#[must_use]
pub fn repair_cell(field: &Field, dialect: &Dialect, value: &str, ctx: RowContext) -> CellRepair {
    if value.is_empty() {
        return CellRepair::default();
    }
    let plan = Plan::of(field, ctx);
    if is_clean_fast(&plan, dialect, value) {
        return CellRepair::default();
    }
    repair_slow(&plan, dialect, value)
}

/// The common cases that need no step at all, decided without allocating. `false` only means
/// "look closer": [`repair_slow`] then decides (and still allocates nothing if no step applies).
fn is_clean_fast(plan: &Plan, dialect: &Dialect, value: &str) -> bool {
    if plan.date {
        return date::parse_with_format(value, dialect.date_format.as_str()).is_some();
    }
    if plan.kana && chars::is_fullwidth_katakana_name(value) {
        // Only ァ–ヶ, ー, ・ and inner single spaces: nothing to trim, widen or propose.
        return true;
    }
    let edge = |c: Option<char>| c.is_some_and(chars::is_edge_space);
    if edge(value.chars().next()) || edge(value.chars().next_back()) {
        return false;
    }
    if !value.is_ascii() {
        // Padding and the exponent form need ASCII digits, so only the character steps remain.
        let mac_jis = plan.mac_jis != MacJisMode::Off && has_mac_jis(value);
        let width = plan.width && has_fullwidth_alnum(value);
        return !(plan.kana || mac_jis || width);
    }
    let b = value.as_bytes();
    if plan.my_number && !(b.len() == 12 && b.iter().all(u8::is_ascii_digit)) {
        return false; // 11 digits or an exponent form
    }
    !(plan.recipient && b.len() == 6)
}

/// Records steps on a working value that is only copied when a step applies.
struct Steps<'a> {
    cur: Cow<'a, str>,
    out: CellRepair,
}

impl<'a> Steps<'a> {
    fn apply(&mut self, kind: RepairKind, after: String) {
        self.record(kind, after.clone(), true);
        self.cur = Cow::Owned(after);
    }

    fn propose(&mut self, kind: RepairKind, after: String) {
        self.record(kind, after, false);
    }

    fn record(&mut self, kind: RepairKind, after: String, applied: bool) {
        self.out.repairs.push(Repair {
            kind,
            before: self.cur.as_ref().to_owned(),
            after,
            applied,
            date_note: None,
            date_form: None,
        });
    }

    fn finish(mut self) -> CellRepair {
        if self.out.repairs.iter().any(|r| r.applied) {
            self.out.value = Some(self.cur.into_owned());
        }
        self.out
    }
}

fn repair_slow(plan: &Plan, dialect: &Dialect, value: &str) -> CellRepair {
    let mut s = Steps {
        cur: Cow::Borrowed(value),
        out: CellRepair::default(),
    };
    let trimmed = chars::trim_edges(value);
    if trimmed.len() != value.len() {
        s.record(RepairKind::Trim, trimmed.to_owned(), true);
        s.cur = Cow::Borrowed(trimmed);
    }
    if s.cur.is_empty() {
        return s.finish();
    }

    if plan.mac_jis != MacJisMode::Off && has_mac_jis(&s.cur) {
        let after: String = s
            .cur
            .chars()
            .map(|c| chars::mac_jis_to_cp932(c).unwrap_or(c))
            .collect();
        if plan.mac_jis == MacJisMode::Apply {
            s.apply(RepairKind::MacJis, after);
        } else {
            s.propose(RepairKind::MacJis, after);
        }
    }

    if plan.width && has_fullwidth_alnum(&s.cur) {
        let after = chars::fullwidth_alnum_to_halfwidth(&s.cur);
        s.apply(RepairKind::Width, after);
    }

    if plan.kana && !chars::is_fullwidth_katakana_name(&s.cur) {
        if s.cur.chars().any(is_halfwidth_kana) {
            let after = chars::halfwidth_kana_to_fullwidth(&s.cur);
            s.apply(RepairKind::HalfwidthKana, after);
        }
        if let Some(after) = chars::lookalike_long_vowel_fix(&s.cur) {
            s.propose(RepairKind::LongVowel, after);
        }
    }

    if plan.date {
        repair_date(&mut s, dialect);
    }

    if plan.my_number {
        if is_exponent_form(&s.cur) {
            s.out.problem = Some(Unrepairable::ExponentMyNumber);
        } else if s.cur.len() == 11 {
            pad(&mut s, 12, checkdigit::my_number);
        }
    }
    if plan.recipient && s.cur.len() == 6 {
        pad(&mut s, 7, checkdigit::recipient_number);
    }
    s.finish()
}

fn repair_date(s: &mut Steps<'_>, dialect: &Dialect) {
    let format = dialect.date_format.as_str();
    if date::parse_with_format(&s.cur, format).is_some() {
        return;
    }
    match date::parse_lenient(&s.cur, true) {
        Ok(lenient) => {
            // `format_date` only fails outside years 0..=9999, which `parse_lenient` never
            // returns; the written value is then left alone rather than guessed.
            if let Some(after) = date::format_date(lenient.date, format)
                && after != *s.cur
            {
                s.apply(RepairKind::Date, after);
                if let Some(r) = s.out.repairs.last_mut() {
                    r.date_note = lenient.note;
                    r.date_form = Some(lenient.form);
                }
            }
        }
        // Only spaces left: an empty cell, not a bad date (required-ness is checked elsewhere).
        Err(DateError::Empty) => {}
        Err(e) => s.out.problem = Some(Unrepairable::Date(e)),
    }
}

/// Restores leading zeros when the padded value passes `check` and is not a placeholder.
fn pad(s: &mut Steps<'_>, len: usize, check: fn(&str) -> checkdigit::CheckOutcome) {
    if let Some(padded) = checkdigit::pad_leading_zeros_if_valid(&s.cur, len, check)
        && !checkdigit::is_all_same_digit(&padded)
    {
        s.apply(RepairKind::LeadingZeros, padded);
    }
}

/// The character starting at byte `i`, which must be a UTF-8 lead byte.
fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..).and_then(|rest| rest.chars().next())
}

/// Whether `s` holds a character [`chars::mac_jis_to_cp932`] maps.
///
/// Every such character (U+00A2/A3/AC, U+2014/2016/2212, U+301C) starts with UTF-8 lead byte
/// `C2`, `E2` or `E3`, so only those positions are decoded (a lead byte is never a continuation
/// byte, so each hit is a character boundary). Kanji (`E4`–`E9`) are skipped by `memchr`.
fn has_mac_jis(s: &str) -> bool {
    memchr::memchr3_iter(0xC2, 0xE2, 0xE3, s.as_bytes())
        .any(|i| char_at(s, i).and_then(chars::mac_jis_to_cp932).is_some())
}

/// Whether `s` holds a character [`chars::fullwidth_alnum_to_halfwidth`] converts
/// (`０`–`９`, `Ａ`–`Ｚ`, `ａ`–`ｚ`: all U+FFxx, UTF-8 lead byte `EF`).
fn has_fullwidth_alnum(s: &str) -> bool {
    memchr::memchr_iter(0xEF, s.as_bytes()).any(|i| {
        char_at(s, i).is_some_and(|c| matches!(c, '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ'))
    })
}

fn is_halfwidth_kana(c: char) -> bool {
    ('\u{FF61}'..='\u{FF9F}').contains(&c)
}

/// At most this many [`CharFinding`]s per cell.
pub const MAX_CHAR_FINDINGS: usize = 10;

/// A character of a name, カナ or address that downstream CP932 systems cannot hold as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharFinding {
    /// Why the character is a problem.
    pub issue: CharIssue,
    /// The character (its code point goes into the message).
    pub ch: char,
    /// Position of its first occurrence, 1-based, in characters.
    pub pos: u32,
    /// A standard form for the user to confirm (`髙` → `高`, `①` → `(1)`), if one exists.
    pub suggestion: Option<&'static str>,
}

/// The characters of `value` to flag in a text field (domain-codes §8.4): 外字 (private use),
/// 機種依存文字 (NEC/IBM extensions such as `①` `㈱` `髙` `﨑`), characters outside CP932, and in
/// names and addresses (`chars = "name"`) 半角カナ.
///
/// One finding per distinct character, in order of first occurrence, at most
/// [`MAX_CHAR_FINDINGS`]. Only text fields of class name, katakana or text are examined (the
/// other classes accept ASCII only, which the character-class check reports). Not reported
/// here: control characters (a character-class finding), Mac/JIS forms (a [`RepairKind::MacJis`]
/// repair or proposal), and 半角カナ in カナ fields (repaired by
/// [`RepairKind::HalfwidthKana`]). Pure ASCII returns an empty `Vec` without allocating, and so
/// does any clean value.
#[must_use]
pub fn char_findings(field: &Field, value: &str) -> Vec<CharFinding> {
    let name = match (field.value_type, field.chars) {
        (ValueType::Text, CharClass::Name) => true,
        (ValueType::Text, CharClass::Katakana | CharClass::Text) => false,
        _ => return Vec::new(),
    };
    if value.is_ascii() || chars::all_clear(value) {
        return Vec::new();
    }
    let mut found: Vec<CharFinding> = Vec::new();
    for (i, ch) in value.chars().enumerate() {
        if ch.is_ascii() {
            continue;
        }
        let Some(issue) = chars::classify(ch) else {
            continue;
        };
        let report = match issue {
            CharIssue::Gaiji | CharIssue::VendorSpecific | CharIssue::OutsideCp932 => true,
            CharIssue::HalfWidthKana => name,
            CharIssue::Control => false,
        };
        if !report || found.iter().any(|f| f.ch == ch) {
            continue;
        }
        found.push(CharFinding {
            issue,
            ch,
            pos: u32::try_from(i + 1).unwrap_or(u32::MAX),
            suggestion: chars::suggestion(ch),
        });
        if found.len() == MAX_CHAR_FINDINGS {
            break;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::{Era, WarekiStyle, Ymd};
    use crate::layout::{DateFormat, Layout};
    use proptest::prelude::*;

    fn full() -> Layout {
        Layout::full()
    }

    fn field(id: &str) -> Field {
        let layout = full();
        let i = layout.field_index(id).unwrap();
        layout.fields[i].clone()
    }

    const NATIONAL: RowContext = RowContext {
        national_programme: true,
    };
    const LOCAL: RowContext = RowContext {
        national_programme: false,
    };

    fn repair(id: &str, value: &str) -> CellRepair {
        repair_cell(&field(id), &full().dialect, value, LOCAL)
    }

    fn kinds(r: &CellRepair) -> Vec<(RepairKind, bool)> {
        r.repairs.iter().map(|x| (x.kind, x.applied)).collect()
    }

    /// The single applied repair of `kind` and the final value.
    #[track_caller]
    fn assert_applied(r: &CellRepair, kind: RepairKind, before: &str, after: &str, value: &str) {
        let step = r
            .repairs
            .iter()
            .find(|x| x.kind == kind)
            .unwrap_or_else(|| panic!("no {kind:?} in {r:?}"));
        assert!(step.applied, "{r:?}");
        assert_eq!((step.before.as_str(), step.after.as_str()), (before, after));
        assert_eq!(r.value.as_deref(), Some(value), "{r:?}");
    }

    const MY_NUMBER: &str = "myNumber";
    const NAME: &str = "basicFiveInfo.name";
    const KANA: &str = "basicFiveInfo.nameKana";
    const ADDRESS: &str = "basicFiveInfo.address";
    const BIRTH: &str = "basicFiveInfo.dateOfBirth";
    const VALID_FROM: &str = "validFrom";
    const RECIPIENT: &str = "medicalSubsidyRecipientNumber";
    const CERT_NAME: &str = "certificationName";
    const AMOUNT: &str = "maxCopaymentAmount.amount";

    #[test]
    fn clean_values_get_nothing() {
        for (id, v) in [
            (MY_NUMBER, "123456789018"),
            (NAME, "山田太郎"),
            (NAME, "山田　太郎"),
            (KANA, "ヤマダ　タロウ"),
            (KANA, "アイチハナコ"),
            (ADDRESS, "愛知県名古屋市中区三の丸３－１－２"),
            (BIRTH, "2013-01-01"),
            (VALID_FROM, "2025-04-01"),
            ("basicFiveInfo.sex", "2"),
            ("isNotDisclosed", "0"),
            ("medicalSubsidyInsurerNumber", "54016027"),
            (RECIPIENT, "1234566"),
            (RECIPIENT, "ABC-123"),
            (CERT_NAME, "子ども医療費受給者証"),
            (AMOUNT, "45748"),
            ("additionalConditions", "01-1;02-3"),
            (MY_NUMBER, ""),
            (BIRTH, ""),
            (MY_NUMBER, "12345"), // wrong length: the validator's finding, not a repair
        ] {
            let r = repair_cell(&field(id), &full().dialect, v, NATIONAL);
            assert!(r.is_clean(), "{id} {v:?}: {r:?}");
            assert_eq!(r.value_or(v), v);
        }
    }

    #[test]
    fn trim_edges_in_every_field() {
        let r = repair(MY_NUMBER, " 123456789018\u{3000}");
        assert_eq!(kinds(&r), [(RepairKind::Trim, true)]);
        assert_applied(
            &r,
            RepairKind::Trim,
            " 123456789018\u{3000}",
            "123456789018",
            "123456789018",
        );
        let r = repair(NAME, "\u{A0}山田\u{3000}太郎\u{200B}");
        assert_eq!(kinds(&r), [(RepairKind::Trim, true)]);
        assert_eq!(r.value.as_deref(), Some("山田\u{3000}太郎"));
        let r = repair(KANA, "\u{FEFF}ヤマダ ");
        assert_eq!(r.value.as_deref(), Some("ヤマダ"));
        let r = repair(BIRTH, "\t2013-01-01\r\n");
        assert_eq!(kinds(&r), [(RepairKind::Trim, true)]);
        assert_eq!(r.value.as_deref(), Some("2013-01-01"));
        // Only spaces: trimmed to empty; no date problem (required-ness is checked elsewhere).
        let r = repair(BIRTH, " \u{3000} ");
        assert_eq!(r.value.as_deref(), Some(""));
        assert_eq!(r.problem, None);
    }

    // Spec: issue 3 item 4, 全角 digits/letters → 半角 in code and number fields only.
    #[test]
    fn width() {
        let r = repair(MY_NUMBER, "１２３４５６７８９０１８");
        assert_eq!(kinds(&r), [(RepairKind::Width, true)]);
        assert_applied(
            &r,
            RepairKind::Width,
            "１２３４５６７８９０１８",
            "123456789018",
            "123456789018",
        );
        let r = repair("orgSpecificCertificateTypeId", "ＫＯＤＯＭＯ０１");
        assert_eq!(r.value.as_deref(), Some("KODOMO01"));
        let r = repair(RECIPIENT, "ａｂ１２");
        assert_eq!(r.value.as_deref(), Some("ab12"));
        assert_eq!(
            repair("basicFiveInfo.sex", "２").value.as_deref(),
            Some("2")
        );
        assert_eq!(repair("isNotDisclosed", "１").value.as_deref(), Some("1"));
        assert_eq!(
            repair("additionalConditions", "０１-１").value.as_deref(),
            Some("01-1")
        );
        assert_eq!(repair(AMOUNT, "１０００").value.as_deref(), Some("1000"));
        // Never in names, addresses, カナ or free text.
        for (id, v) in [
            (NAME, "山田１郎"),
            (ADDRESS, "中区三の丸３－１－２"),
            (KANA, "ヤマダ１"),
            (CERT_NAME, "第１種"),
        ] {
            let r = repair(id, v);
            assert!(
                r.repairs.iter().all(|x| x.kind != RepairKind::Width),
                "{r:?}"
            );
            assert_eq!(r.value, None, "{id} {v}");
        }
    }

    // Spec: issue 3 item 4 and domain-codes §8.2.
    #[test]
    fn halfwidth_kana_only_in_kana_fields() {
        let r = repair(KANA, "ｶﾞ");
        assert_applied(&r, RepairKind::HalfwidthKana, "ｶﾞ", "ガ", "ガ");
        let r = repair(KANA, "ﾔﾏﾀﾞ ﾀﾛｳ");
        assert_eq!(r.value.as_deref(), Some("ヤマダ タロウ"));
        assert_eq!(kinds(&r), [(RepairKind::HalfwidthKana, true)]);
        // ｰ becomes ー with the rest; ﾜﾞ stays inside CP932.
        assert_eq!(repair(KANA, "ｺｰﾋｰ").value.as_deref(), Some("コーヒー"));
        assert_eq!(repair(KANA, "ﾜﾞ").value.as_deref(), Some("ワ゛"));
        // A name field is never changed: only flagged.
        let r = repair(NAME, "ｶﾞ");
        assert!(r.is_clean(), "{r:?}");
        let found = char_findings(&field(NAME), "ｶﾞ");
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|f| f.issue == CharIssue::HalfWidthKana));
        assert!(repair(ADDRESS, "ｱｲﾁｹﾝ").is_clean());
    }

    // Spec: domain-codes §8.3 policy: ー between katakana is proposed, never silent.
    #[test]
    fn long_vowel_is_a_proposal() {
        let r = repair(KANA, "アイチ−ハナコ");
        assert_eq!(kinds(&r), [(RepairKind::LongVowel, false)]);
        assert_eq!(r.repairs[0].before, "アイチ−ハナコ");
        assert_eq!(r.repairs[0].after, "アイチーハナコ");
        assert_eq!(r.value, None);
        assert_eq!(r.repairs.iter().filter(|x| !x.applied).count(), 1);
        assert_eq!(r.repairs.iter().filter(|x| x.applied).count(), 0);
        for dash in ['-', '－', '‐', '―', '—', '─'] {
            let v = format!("コ{dash}ヒ{dash}");
            let r = repair(KANA, &v);
            assert_eq!(kinds(&r), [(RepairKind::LongVowel, false)], "{v}");
            assert_eq!(r.repairs[0].after, "コーヒー");
        }
        // After widening: the proposal is made on the widened value.
        let r = repair(KANA, "ｺ-ﾋ-");
        assert_eq!(
            kinds(&r),
            [
                (RepairKind::HalfwidthKana, true),
                (RepairKind::LongVowel, false)
            ]
        );
        assert_eq!(r.value.as_deref(), Some("コ-ヒ-"));
        assert_eq!(r.repairs[1].before, "コ-ヒ-");
        assert_eq!(r.repairs[1].after, "コーヒー");
        // Not in names.
        assert!(repair(NAME, "アイチ-ハナコ").is_clean());
    }

    // Spec: domain-codes §8.3 (CP932 vs JIS pairs).
    #[test]
    fn mac_jis() {
        // Address (name class): a proposal only.
        let r = repair(ADDRESS, "東京都千代田区1〜3");
        assert_eq!(kinds(&r), [(RepairKind::MacJis, false)]);
        assert_eq!(r.repairs[0].after, "東京都千代田区1～3");
        assert_eq!(r.value, None);
        let r = repair(NAME, "山田—太郎");
        assert_eq!(kinds(&r), [(RepairKind::MacJis, false)]);
        assert_eq!(r.repairs[0].after, "山田―太郎");
        // Free text: applied, every pair.
        let r = repair(CERT_NAME, "〜−—‖¢£¬");
        assert_applied(
            &r,
            RepairKind::MacJis,
            "〜−—‖¢£¬",
            "～－―∥￠￡￢",
            "～－―∥￠￡￢",
        );
        // After trimming, on the trimmed value.
        let r = repair(CERT_NAME, " 医療費〜 ");
        assert_eq!(
            kinds(&r),
            [(RepairKind::Trim, true), (RepairKind::MacJis, true)]
        );
        assert_eq!(r.repairs[1].before, "医療費〜");
        assert_eq!(r.value.as_deref(), Some("医療費～"));
        // Not in カナ (the dash is a long-vowel proposal there) nor in number fields.
        let r = repair(KANA, "アイチ〜");
        assert!(
            r.repairs.iter().all(|x| x.kind != RepairKind::MacJis),
            "{r:?}"
        );
        assert!(repair(AMOUNT, "1〜3").is_clean());
    }

    // Spec: issue 3 item 4 and domain-codes §7.2: every form listed.
    #[test]
    fn dates_from_every_listed_form() {
        for (input, iso, form) in [
            (
                "平成25年1月1日",
                "2013-01-01",
                DateForm::Wareki { era: Era::Heisei },
            ),
            (
                "H25.1.1",
                "2013-01-01",
                DateForm::Wareki { era: Era::Heisei },
            ),
            (
                "h25/1/1",
                "2013-01-01",
                DateForm::Wareki { era: Era::Heisei },
            ),
            (
                "平25.1.1",
                "2013-01-01",
                DateForm::Wareki { era: Era::Heisei },
            ),
            (
                "㍻25.1.1",
                "2013-01-01",
                DateForm::Wareki { era: Era::Heisei },
            ),
            ("R7/4/1", "2025-04-01", DateForm::Wareki { era: Era::Reiwa }),
            (
                "令和7年4月1日",
                "2025-04-01",
                DateForm::Wareki { era: Era::Reiwa },
            ),
            (
                "令和元年5月1日",
                "2019-05-01",
                DateForm::Wareki { era: Era::Reiwa },
            ),
            (
                "昭和64年1月7日",
                "1989-01-07",
                DateForm::Wareki { era: Era::Showa },
            ),
            ("2013/1/1", "2013-01-01", DateForm::Slash),
            ("2013/1/1 0:00", "2013-01-01", DateForm::Slash),
            ("2013.1.1", "2013-01-01", DateForm::Slash),
            ("2013年1月1日", "2013-01-01", DateForm::Kanji),
            ("20130101", "2013-01-01", DateForm::Compact),
            ("4250101", "2013-01-01", DateForm::EraCode),
            ("45748", "2025-04-01", DateForm::ExcelSerial),
            ("41275", "2013-01-01", DateForm::ExcelSerial),
        ] {
            let r = repair(VALID_FROM, input);
            assert_eq!(kinds(&r), [(RepairKind::Date, true)], "{input}");
            assert_applied(&r, RepairKind::Date, input, iso, iso);
            assert_eq!(r.repairs[0].date_form, Some(form), "{input}");
            assert_eq!(r.repairs[0].date_note, None, "{input}");
            assert_eq!(r.problem, None);
        }
        // Full-width: widened first, then read.
        let r = repair(BIRTH, "平成２５年１月１日");
        assert_eq!(
            kinds(&r),
            [(RepairKind::Width, true), (RepairKind::Date, true)]
        );
        assert_eq!(r.repairs[0].after, "平成25年1月1日");
        assert_eq!(r.value.as_deref(), Some("2013-01-01"));
        let r = repair(BIRTH, "２０１３－０１－０１");
        assert_eq!(r.value.as_deref(), Some("2013-01-01"));
    }

    // Spec: domain-codes §7.1 (era overflow legal on pre-printed certificates).
    #[test]
    fn era_overflow_is_repaired_with_a_note() {
        let r = repair("validTo", "平成32年3月31日");
        assert_applied(
            &r,
            RepairKind::Date,
            "平成32年3月31日",
            "2020-03-31",
            "2020-03-31",
        );
        assert_eq!(
            r.repairs[0].date_note,
            Some(DateNote::EraOverflow {
                era: Era::Heisei,
                year: 32
            })
        );
        let r = repair(BIRTH, "明治45年7月30日");
        assert_eq!(r.value.as_deref(), Some("1912-07-30"));
        assert_eq!(r.repairs[0].date_note, Some(DateNote::BoundaryDay));
    }

    #[test]
    fn unreadable_dates_are_problems() {
        for (input, err) in [
            (
                "平成元年1月7日",
                DateError::BeforeEraStart { era: Era::Heisei },
            ),
            ("25/1/1", DateError::AmbiguousTwoDigitYear),
            ("2013/2/30", DateError::InvalidCalendarDate),
            ("明治5年1月1日", DateError::UnsupportedMeiji),
            ("60", DateError::Serial60),
            ("73416", DateError::SerialOutOfRange),
            ("いつか", DateError::Unrecognised),
        ] {
            let r = repair(VALID_FROM, input);
            assert_eq!(r.problem, Some(Unrepairable::Date(err)), "{input}");
            assert_eq!(r.value, None, "{input}");
            assert!(r.repairs.is_empty(), "{input}");
        }
    }

    // Spec: domain-codes §7.2 (serials only in date columns).
    #[test]
    fn serials_only_in_date_fields() {
        assert_eq!(
            repair(VALID_FROM, "45748").value.as_deref(),
            Some("2025-04-01")
        );
        for id in [AMOUNT, RECIPIENT, CERT_NAME, "certificationSubKey"] {
            assert!(repair(id, "45748").is_clean(), "{id}");
        }
    }

    #[test]
    fn dates_follow_the_dialect_format() {
        let f = field(VALID_FROM);
        let mut dialect = full().dialect;
        dialect.date_format = DateFormat::Slash;
        let r = repair_cell(&f, &dialect, "2013-01-01", LOCAL);
        assert_eq!(r.value.as_deref(), Some("2013/01/01"));
        assert_eq!(r.repairs[0].date_form, Some(DateForm::Iso));
        assert!(repair_cell(&f, &dialect, "2013/01/01", LOCAL).is_clean());
        assert_eq!(
            repair_cell(&f, &dialect, "H25.1.1", LOCAL).value.as_deref(),
            Some("2013/01/01")
        );
        dialect.date_format = DateFormat::Compact;
        assert!(repair_cell(&f, &dialect, "20130101", LOCAL).is_clean());
        assert_eq!(
            repair_cell(&f, &dialect, "4250101", LOCAL).value.as_deref(),
            Some("20130101")
        );
        assert_eq!(
            repair_cell(&f, &dialect, "2013-01-01", LOCAL)
                .value
                .as_deref(),
            Some("20130101")
        );
    }

    // Spec: domain-codes §9.2 (a My Number starting with 0 loses it in Excel).
    #[test]
    fn my_number_leading_zero() {
        assert_eq!(
            checkdigit::my_number("023456789013"),
            checkdigit::CheckOutcome::Valid
        );
        let r = repair(MY_NUMBER, "23456789013");
        assert_eq!(kinds(&r), [(RepairKind::LeadingZeros, true)]);
        assert_applied(
            &r,
            RepairKind::LeadingZeros,
            "23456789013",
            "023456789013",
            "023456789013",
        );
        // Padded value fails the check digit: left alone (the validator reports the length).
        assert_ne!(
            checkdigit::my_number("012345678901"),
            checkdigit::CheckOutcome::Valid
        );
        assert!(repair(MY_NUMBER, "12345678901").is_clean());
        // Never to a placeholder, never for other lengths.
        assert_eq!(
            checkdigit::my_number("000000000000"),
            checkdigit::CheckOutcome::Valid
        );
        assert!(repair(MY_NUMBER, "00000000000").is_clean());
        assert!(repair(MY_NUMBER, "3456789013").is_clean());
        // Full width and trimmed first.
        let r = repair(MY_NUMBER, " ２３４５６７８９０１３");
        assert_eq!(
            kinds(&r),
            [
                (RepairKind::Trim, true),
                (RepairKind::Width, true),
                (RepairKind::LeadingZeros, true)
            ]
        );
        assert_eq!(r.value.as_deref(), Some("023456789013"));
        // Only in fields that carry the My Number check.
        assert!(repair(AMOUNT, "23456789013").is_clean());
    }

    // Spec: domain-codes §9.2: Excel's exponent form destroys the digits.
    #[test]
    fn my_number_exponent_form_is_unrepairable() {
        for v in ["2.10988E+11", "2.10988e+11", "1E+11", "2.1E11"] {
            let r = repair(MY_NUMBER, v);
            assert_eq!(r.problem, Some(Unrepairable::ExponentMyNumber), "{v}");
            assert_eq!(r.value, None);
            assert!(r.repairs.is_empty());
        }
        let r = repair(MY_NUMBER, " 2.10988E+11 ");
        assert_eq!(r.problem, Some(Unrepairable::ExponentMyNumber));
        assert_eq!(kinds(&r), [(RepairKind::Trim, true)]);
        for v in ["E+11", "2.1E", "2..1E+11", "2.1E+1a", "abc", "210987654320"] {
            assert!(!is_exponent_form(v), "{v}");
        }
        assert!(repair(AMOUNT, "2.10988E+11").is_clean());
    }

    // Spec: domain-codes §2.3–§2.4 (national 受給者番号: Luhn over 6 digits).
    #[test]
    fn recipient_leading_zero_only_for_national_programmes() {
        assert_eq!(
            checkdigit::recipient_number("0123455"),
            checkdigit::CheckOutcome::Valid
        );
        let f = field(RECIPIENT);
        let d = full().dialect;
        let r = repair_cell(&f, &d, "123455", NATIONAL);
        assert_applied(&r, RepairKind::LeadingZeros, "123455", "0123455", "0123455");
        assert!(repair_cell(&f, &d, "123455", LOCAL).is_clean());
        // Padded value does not validate.
        assert_ne!(
            checkdigit::recipient_number("0123456"),
            checkdigit::CheckOutcome::Valid
        );
        assert!(repair_cell(&f, &d, "123456", NATIONAL).is_clean());
        // Other lengths, other fields: never.
        assert!(repair_cell(&f, &d, "23455", NATIONAL).is_clean());
        assert!(repair_cell(&field("certificationSubKey"), &d, "123455", NATIONAL).is_clean());
    }

    #[test]
    fn row_context_from_insurer_number() {
        // 54 難病 (national) / 88 地単 (§6).
        assert!(RowContext::from_insurer_number("54016027").national_programme);
        assert!(RowContext::from_insurer_number(" ５４０１６０２７　").national_programme);
        assert!(!RowContext::from_insurer_number("88134457").national_programme);
        assert!(!RowContext::from_insurer_number("").national_programme);
        assert!(!RowContext::from_insurer_number("5401602").national_programme);
    }

    #[test]
    fn prefilters_agree_with_the_conversions() {
        for cp in 0..=0x3_FFFF {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let s = format!("漢{c}あ");
            assert_eq!(
                has_mac_jis(&s),
                chars::mac_jis_to_cp932(c).is_some(),
                "U+{cp:04X}"
            );
            assert_eq!(
                has_fullwidth_alnum(&s),
                chars::fullwidth_alnum_to_halfwidth(&s) != s,
                "U+{cp:04X}"
            );
        }
    }

    #[test]
    fn character_findings() {
        let name = field(NAME);
        let found = char_findings(&name, "髙橋①\u{E000}𠮷髙");
        let summary: Vec<_> = found
            .iter()
            .map(|f| (f.issue, f.ch, f.pos, f.suggestion))
            .collect();
        assert_eq!(
            summary,
            [
                (CharIssue::VendorSpecific, '髙', 1, Some("高")),
                (CharIssue::VendorSpecific, '①', 3, Some("(1)")),
                (CharIssue::Gaiji, '\u{E000}', 4, None),
                (CharIssue::OutsideCp932, '\u{20BB7}', 5, Some("吉")),
            ]
        );
        let found = char_findings(&field(ADDRESS), "大阪府㈱\u{FA11}");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].suggestion, Some("(株)"));
        assert_eq!(found[1].suggestion, Some("崎"));
        // カナ: outside CP932 with a suggestion; half-width kana are a repair there, not a finding.
        let kana = field(KANA);
        let found = char_findings(&kana, "ヷｶ");
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].issue, found[0].suggestion),
            (CharIssue::OutsideCp932, Some("ワ゛"))
        );
        // Free text is examined too; half-width kana only in names.
        assert_eq!(char_findings(&field(CERT_NAME), "①ｶ").len(), 1);
        // Mac/JIS forms and controls are someone else's finding.
        assert!(char_findings(&name, "山田〜太郎\u{85}").is_empty());
        // Clean, ASCII and non-text fields: nothing.
        assert!(char_findings(&name, "山田太郎").is_empty());
        assert!(char_findings(&name, "Smith John").is_empty());
        assert!(char_findings(&field(MY_NUMBER), "①").is_empty());
        assert!(char_findings(&field(RECIPIENT), "①").is_empty());
        assert!(char_findings(&field(BIRTH), "㍻25.1.1").is_empty());
        // Capped, one per distinct character.
        let many: String = ('\u{E000}'..='\u{E020}').chain(['\u{E000}'; 5]).collect();
        let found = char_findings(&name, &many);
        assert_eq!(found.len(), MAX_CHAR_FINDINGS);
        assert_eq!(found.last().map(|f| f.pos), Some(10));
        assert_eq!(char_findings(&name, "髙髙髙").len(), 1);
    }

    fn all_fields() -> Vec<(Field, Dialect)> {
        [Layout::full(), Layout::diff()]
            .into_iter()
            .flat_map(|l| {
                let d = l.dialect.clone();
                l.fields.into_iter().map(move |f| (f, d.clone()))
            })
            .collect()
    }

    /// Repairing the repaired value applies nothing more and reports the same problem.
    fn assert_idempotent(
        f: &Field,
        d: &Dialect,
        s: &str,
        ctx: RowContext,
    ) -> Result<(), TestCaseError> {
        let first = repair_cell(f, d, s, ctx);
        for r in &first.repairs {
            prop_assert_ne!(&r.before, &r.after, "{} {:?}", f.id, r);
        }
        let once = first.value_or(s);
        let second = repair_cell(f, d, once, ctx);
        prop_assert_eq!(
            second.repairs.iter().filter(|x| x.applied).count(),
            0,
            "{} {:?} → {:?}: {:?}",
            f.id,
            s,
            once,
            second
        );
        prop_assert_eq!(second.value, None);
        prop_assert_eq!(&second.problem, &first.problem, "{} {:?}", f.id, s);
        let _ = char_findings(f, s);
        let _ = char_findings(f, once);
        Ok(())
    }

    proptest! {
        // Spec: issue 3 tests: era round trips.
        #[test]
        fn wareki_round_trip(days in Ymd::new(1912, 7, 30).unwrap().to_days()..=Ymd::new(2100, 12, 31).unwrap().to_days()) {
            let d = Ymd::from_days(days).unwrap();
            let f = field(VALID_FROM);
            let dialect = full().dialect;
            for style in [WarekiStyle::Kanji, WarekiStyle::Letter, WarekiStyle::EraCode] {
                let text = date::format_wareki(d, style).unwrap();
                let r = repair_cell(&f, &dialect, &text, LOCAL);
                prop_assert_eq!(r.value, Some(d.to_string()), "{}", text);
                prop_assert_eq!(r.repairs.len(), 1);
                prop_assert_eq!(r.repairs[0].kind, RepairKind::Date);
                prop_assert_eq!(&r.repairs[0].date_note, &None);
                prop_assert_eq!(r.problem, None);
            }
        }

        #[test]
        fn width_is_idempotent(s in "[０-９Ａ-Ｚａ-ｚ0-9A-Za-z －ー]{0,16}") {
            for id in [MY_NUMBER, RECIPIENT, "orgSpecificCertificateTypeId", "basicFiveInfo.sex", AMOUNT] {
                let f = field(id);
                let d = full().dialect;
                let once = repair_cell(&f, &d, &s, LOCAL);
                let v = once.value_or(&s);
                prop_assert!(!has_fullwidth_alnum(v), "{}", v);
                let twice = repair_cell(&f, &d, v, LOCAL);
                prop_assert!(twice.repairs.iter().all(|r| r.kind != RepairKind::Width));
                prop_assert_eq!(twice.value, None);
            }
        }

        #[test]
        fn never_panics_and_is_idempotent(s in any::<String>(), national in any::<bool>()) {
            let ctx = RowContext { national_programme: national };
            for (f, d) in all_fields() {
                assert_idempotent(&f, &d, &s, ctx)?;
            }
        }

        #[test]
        fn idempotent_on_damaged_looking_values(
            s in "[ 　\u{A0}\u{200B}0-9０-９.E+/年月日元平成令和㍻HRhr\u{FF61}-\u{FF9F}ア-ン〜−—ー\\-]{0,14}",
            national in any::<bool>(),
        ) {
            let ctx = RowContext { national_programme: national };
            for (f, d) in all_fields() {
                assert_idempotent(&f, &d, &s, ctx)?;
            }
        }
    }
}
