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
//! | [`RepairKind::LeadingZeros`] | My Number (11 → 12 digits); national 受給者番号 (6 → 7) | when the check digit then passes: applied for an `.xlsx` number cell (X008), proposed otherwise (X010) | §9.2 |
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

/// A named transformation of one cell.
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
    /// An amount as staff type it (`10,000円`, `￥10,000`, `1万円`, `1.5万円`, `1万2000円`) →
    /// whole yen in digits, in fields with the `amount` check. Anything else (`10.000`,
    /// `1,00円`, `約1万円`, `1万5千円`) is left for the validator (V003).
    Amount,
    /// A code field holding its code's own label (`女` → `2`, `はい` → `1`) or an alias the
    /// layout's code table lists (`女性`); a flag written `有`/`無`, `あり`/`なし`, `はい`/`いいえ`
    /// → the dialect's true/false. Only exact, unambiguous matches.
    CodeLabel,
    /// A well-formed 追加条件 written in the form the layout writes: `-` between item and code
    /// (not `‐`, U+2010, as the spec prints it), no spaces, no trailing `;` (`01‐1; 02-3;` →
    /// `01-1;02-3`).
    Conditions,
    /// Invisible formatting characters inside the value (zero-width space U+200B, soft hyphen
    /// U+00AD, direction controls …, [`chars::is_invisible_format`]) deleted, in every field:
    /// every visible character stays. Control characters (tabs, line breaks) are not: where
    /// one belongs is the user's to say (V014).
    Invisible,
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
    /// The cell came from a numeric spreadsheet cell (an `.xlsx` number): a number has no
    /// leading zeros, so an 11-digit My Number there provably lost its zero. Anywhere else an
    /// 11-digit value may be a dropped digit, and padding it could make another person's
    /// number (issue 9): then the padding is only proposed (X010).
    pub numeric_source: bool,
    /// Every character of the row [`chars::is_clear`] (the front end's all-clear scan), so no
    /// cell holds a Mac/JIS form and that step is skipped. Set it only from that scan; `false`
    /// (the default) looks.
    pub row_all_clear: bool,
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
            ..RowContext::default()
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

/// Which steps run for a cell: its field's [`FieldPlan`] in its row's [`RowContext`].
#[derive(Debug, Clone, Copy)]
struct Plan {
    mac_jis: MacJisMode,
    width: bool,
    kana: bool,
    date: bool,
    my_number: bool,
    recipient: bool,
    /// Leading zeros may be restored, not only proposed ([`RowContext::numeric_source`]).
    pad_proven: bool,
    /// The row is not all clear, so a cell may hold an invisible formatting character
    /// ([`RepairKind::Invisible`]; none is clear).
    invisible: bool,
    /// An amount field (`checks = ["amount"]`): [`RepairKind::Amount`].
    amount: bool,
    /// A 追加条件 field: [`RepairKind::Conditions`].
    conditions: bool,
    /// A code or flag field: [`RepairKind::CodeLabel`].
    labels: bool,
}

/// Which steps can run for a field, derived once from the layout data: build mode plans every
/// field once per file, not once per cell (asking each field for its checks, cell by cell, and
/// building an empty [`CellRepair`] for every clean cell cost 6 % of the page's check).
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldPlan {
    /// The plan in a row that changes nothing ([`RowContext::default`]).
    plan: Plan,
    /// The field carries the 受給者番号 check digit in national programmes.
    recipient_check: bool,
    /// Leading zeros can be restored in this field, so whether the cell came from a numeric
    /// spreadsheet cell matters ([`RowContext::numeric_source`]).
    pub(crate) pads: bool,
}

impl FieldPlan {
    pub(crate) fn of(field: &Field) -> FieldPlan {
        let text_class = (field.value_type == ValueType::Text).then_some(field.chars);
        let width = field.is_code_like();
        let mac_jis = match text_class {
            Some(CharClass::Text) => MacJisMode::Apply,
            Some(CharClass::Name) => MacJisMode::Propose,
            _ => MacJisMode::Off,
        };
        let my_number = field.has_check(Check::MyNumber);
        let recipient_check = field.has_check(Check::RecipientNumber);
        FieldPlan {
            plan: Plan {
                mac_jis,
                width,
                kana: text_class == Some(CharClass::Katakana),
                date: field.value_type == ValueType::Date,
                my_number,
                recipient: false,
                pad_proven: false,
                invisible: true,
                amount: field.has_check(Check::Amount),
                conditions: field.value_type == ValueType::Conditions,
                labels: matches!(field.value_type, ValueType::Code | ValueType::Boolean),
            },
            recipient_check,
            pads: my_number || recipient_check,
        }
    }

    fn in_row(&self, ctx: RowContext) -> Plan {
        Plan {
            mac_jis: if ctx.row_all_clear {
                MacJisMode::Off
            } else {
                self.plan.mac_jis
            },
            recipient: ctx.national_programme && self.recipient_check,
            pad_proven: ctx.numeric_source,
            invisible: !ctx.row_all_clear,
            ..self.plan
        }
    }
}

/// Repairs one cell of `field` (see the module docs for the steps and policies).
///
/// Fast: a clean cell costs one scan of the value (plus a strict date parse in date fields) and
/// no allocation, and returns `CellRepair::default()`. Never panics.
#[must_use]
pub fn repair_cell(field: &Field, dialect: &Dialect, value: &str, ctx: RowContext) -> CellRepair {
    repair_planned(&FieldPlan::of(field), field, dialect, value, ctx).unwrap_or_default()
}

/// [`repair_cell`] with the field's plan made beforehand; `None` when the cell needs no step
/// (the common case, decided without allocating or building a [`CellRepair`]).
///
/// LLVM inlines this and [`is_clean_fast`] into `repair_row` natively but not for WebAssembly,
/// where each call returned its `Option<CellRepair>` through memory: inlined there too, the
/// worker's check took 6 % less time in Chromium (natively it changed nothing or cost 1 %).
#[cfg_attr(target_arch = "wasm32", inline(always))]
pub(crate) fn repair_planned(
    plan: &FieldPlan,
    field: &Field,
    dialect: &Dialect,
    value: &str,
    ctx: RowContext,
) -> Option<CellRepair> {
    if value.is_empty() {
        return None;
    }
    let plan = plan.in_row(ctx);
    if is_clean_fast(&plan, dialect, value) {
        return None;
    }
    Some(repair_slow(&plan, field, dialect, value))
}

/// The common cases that need no step at all, decided without allocating. `false` only means
/// "look closer": [`repair_slow`] then decides (and still allocates nothing if no step applies).
#[cfg_attr(target_arch = "wasm32", inline(always))]
fn is_clean_fast(plan: &Plan, dialect: &Dialect, value: &str) -> bool {
    if plan.invisible && chars::has_invisible_format(value) {
        return false;
    }
    if plan.date {
        return date::parse_with_format(value, dialect.date_format.as_str()).is_some();
    }
    if plan.amount && !value.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    if plan.labels && !value.is_ascii() {
        return false;
    }
    if plan.conditions && !crate::check::conditions::is_canonical(value) {
        return false;
    }
    if plan.kana && chars::is_fullwidth_katakana_name(value) {
        // Only ァ–ヶ, ー, ・ and inner single spaces: nothing to trim, widen or propose.
        return true;
    }
    // `trim_edges` decides on the edge bytes; decoding both edge characters and asking
    // `is_edge_space` (Unicode's white-space table) cost 4 % of the page's check.
    if chars::trim_edges(value).len() != value.len() {
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

fn repair_slow(plan: &Plan, field: &Field, dialect: &Dialect, value: &str) -> CellRepair {
    let mut s = Steps {
        cur: Cow::Borrowed(value),
        out: CellRepair::default(),
    };
    let trimmed = chars::trim_edges(value);
    if trimmed.len() != value.len() {
        s.record(RepairKind::Trim, trimmed.to_owned(), true);
        s.cur = Cow::Borrowed(trimmed);
    }
    if plan.invisible && chars::has_invisible_format(&s.cur) {
        let after = chars::without_invisible_format(&s.cur);
        // What is left may have spaces at its edges ("\u{200B} 123"): trimmed, as above.
        let trimmed = chars::trim_edges(&after).to_owned();
        s.apply(RepairKind::Invisible, after);
        if trimmed.len() != s.cur.len() {
            s.apply(RepairKind::Trim, trimmed);
        }
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

    if plan.amount
        && let Some(after) = amount_digits(&s.cur)
        && after != *s.cur
    {
        s.apply(RepairKind::Amount, after);
    }
    if plan.labels
        && let Some(after) = code_of_label(field, dialect, &s.cur)
    {
        s.apply(RepairKind::CodeLabel, after.to_owned());
    }
    if plan.conditions
        && let Some(after) = crate::check::conditions::canonical(&s.cur)
    {
        s.apply(RepairKind::Conditions, after);
    }

    if plan.my_number {
        if is_exponent_form(&s.cur) {
            s.out.problem = Some(Unrepairable::ExponentMyNumber);
        } else if s.cur.len() == 11 {
            pad(&mut s, 12, checkdigit::my_number, plan.pad_proven);
        }
    }
    if plan.recipient && s.cur.len() == 6 {
        pad(&mut s, 7, checkdigit::recipient_number, plan.pad_proven);
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

/// Whole yen in digits for an amount as staff type it (see [`RepairKind::Amount`]); `None`
/// when the text is not unambiguously one amount.
///
/// A value with 11 or more digits is no 医療費 amount (ten billion yen): it is left as it is,
/// for the length check to report. Reports hide such a number but its last four digits (it
/// may be a My Number in the wrong column), and rewriting it — dropping a leading zero —
/// would tell a masked report's reader what the hidden digits were (found by the report
/// safety property test).
#[must_use]
pub fn amount_digits(value: &str) -> Option<String> {
    if crate::findings::message::may_hide_digits(value) {
        return None;
    }
    let mut t = chars::trim_edges(value);
    t = t
        .strip_prefix('¥')
        .or_else(|| t.strip_prefix('￥'))
        .unwrap_or(t);
    t = t.strip_suffix('円').unwrap_or(t);
    let yen: u64 = match t.split_once('万') {
        Some((man, rest)) => {
            let (whole, frac) = man.split_once('.').unwrap_or((man, ""));
            if frac.len() > 4 || !frac.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let whole = grouped(whole)?;
            let frac_yen: u64 = if frac.is_empty() {
                0
            } else {
                // `1.5万` = 15000: the fraction in units of 1 yen (at most 4 digits).
                frac.parse::<u64>().ok()? * 10u64.pow(4 - u32::try_from(frac.len()).ok()?)
            };
            let rest = if rest.is_empty() {
                0
            } else {
                let r = grouped(rest)?;
                if r >= 10_000 || !frac.is_empty() {
                    return None;
                }
                r
            };
            whole
                .checked_mul(10_000)?
                .checked_add(frac_yen)?
                .checked_add(rest)?
        }
        None => grouped(t)?,
    };
    Some(yen.to_string())
}

/// A whole number written with digits and, optionally, thousands separators in their places
/// (`10,000`, `１，０００` after the width step); `None` otherwise.
fn grouped(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let plain: String = if s.contains([',', '，']) {
        let groups: Vec<&str> = s.split([',', '，']).collect();
        let ok = groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
            && groups.iter().skip(1).all(|g| g.len() == 3);
        if !ok {
            return None;
        }
        groups.concat()
    } else {
        s.to_owned()
    };
    if !plain.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    plain.parse().ok()
}

/// Words for a flag's true and false (`有`/`無` …), compared exactly.
const FLAG_TRUE: &[&str] = &["有", "有り", "あり", "はい", "該当"];
const FLAG_FALSE: &[&str] = &["無", "無し", "なし", "いいえ", "非該当"];

/// The code a code field's label or listed alias stands for, or the dialect's true/false for a
/// flag's word (see [`RepairKind::CodeLabel`]); `None` when the value is already a code, or
/// matches no label, or more than one.
#[must_use]
pub fn code_of_label<'a>(field: &'a Field, dialect: &'a Dialect, value: &str) -> Option<&'a str> {
    match field.value_type {
        ValueType::Code => {
            if field.codes.iter().any(|c| c.code == value) {
                return None;
            }
            let mut hits = field
                .codes
                .iter()
                .filter(|c| c.ja == value || c.aliases.iter().any(|a| a == value));
            let first = hits.next()?;
            hits.next().is_none().then_some(first.code.as_str())
        }
        ValueType::Boolean => {
            if value == dialect.boolean_true || value == dialect.boolean_false {
                None
            } else if FLAG_TRUE.contains(&value) {
                Some(dialect.boolean_true.as_str())
            } else if FLAG_FALSE.contains(&value) {
                Some(dialect.boolean_false.as_str())
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Leading zeros for a number that is `len` digits with them, when the padded value passes
/// `check` and is not a placeholder: applied only when the cell was a spreadsheet number
/// (`proven`), proposed otherwise — a check digit that passes after padding does not prove the
/// zero was lost (a dropped digit passes in about one case in ten).
fn pad(s: &mut Steps<'_>, len: usize, check: fn(&str) -> checkdigit::CheckOutcome, proven: bool) {
    if let Some(padded) = checkdigit::pad_leading_zeros_if_valid(&s.cur, len, check)
        && !checkdigit::is_all_same_digit(&padded)
    {
        if proven {
            s.apply(RepairKind::LeadingZeros, padded);
        } else {
            s.propose(RepairKind::LeadingZeros, padded);
        }
    }
}

/// Whether `s` holds a character [`chars::mac_jis_to_cp932`] maps.
///
/// Every such character (U+00A2/A3/AC, U+2014/2016/2212, U+301C) starts with UTF-8 lead byte
/// `C2`, `E2` or `E3`; kanji (`E4`–`E9`) are skipped by `memchr`. Each hit is matched on its
/// bytes, not decoded: kana (`E3 81`–`E3 83`) hit at every character, and decoding each cost
/// WebAssembly three times what it costs natively. A test compares this with the table for
/// every character.
fn has_mac_jis(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr3_iter(0xC2, 0xE2, 0xE3, b).any(|i| {
        matches!(
            b[i..],
            [0xC2, 0xA2 | 0xA3 | 0xAC, ..]
                | [0xE2, 0x80, 0x94 | 0x96, ..]
                | [0xE2, 0x88, 0x92, ..]
                | [0xE3, 0x80, 0x9C, ..]
        )
    })
}

/// Whether `s` holds a character [`chars::fullwidth_alnum_to_halfwidth`] converts.
fn has_fullwidth_alnum(s: &str) -> bool {
    chars::first_fullwidth_alnum(s).is_some()
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

// ---------------------------------------------------------------------------------------------
// The repairs of one row, reported (X codes) and applied before the checks

use crate::check::Back;
use crate::findings::codes::Code;
use crate::findings::diagnostic::{Detail, Diagnostic};
use crate::layout::Basis;

impl<'l> Back<'l> {
    /// Build mode: repairs every cell of the row and reports each repair, proposal and
    /// unrepairable value. Returns whether a value changed: then `text` holds the row's values
    /// concatenated (`ranges` per field); otherwise both stay empty and the row is checked as
    /// it stands (most rows need no repair: copying each one into `text`, a `memory.copy` per
    /// field in WebAssembly, only cost time).
    #[expect(clippy::too_many_arguments, reason = "borrow-split parts of self")]
    pub(crate) fn repair_row(
        &mut self,
        all: &str,
        values: &[(usize, usize)],
        field_cols: &[Option<u32>],
        row: u32,
        line: u64,
        text: &mut String,
        ranges: &mut Vec<(usize, usize)>,
    ) -> bool {
        let layout = self.layout;
        text.clear();
        ranges.clear();
        let get = |i: usize| {
            values
                .get(i)
                .and_then(|&(s, e)| all.get(s..e))
                .unwrap_or("")
        };
        let ctx = self.insurer_field.map_or(RowContext::default(), |i| {
            RowContext::from_insurer_number(get(i))
        });
        let mut changed = false;
        let push = |text: &mut String, ranges: &mut Vec<(usize, usize)>, value: &str| {
            let start = text.len();
            text.push_str(value);
            ranges.push((start, text.len()));
        };
        for (fi, (f, plan)) in layout.fields.iter().zip(&self.repair_plans).enumerate() {
            let raw = get(fi);
            self.date_problems[fi] = None;
            let cr = if field_cols[fi].is_none() {
                None
            } else {
                let numeric_source = plan.pads
                    && self
                        .opts
                        .numeric_cells
                        .as_ref()
                        .zip(field_cols[fi])
                        .is_some_and(|(cells, col)| cells.contains(row, col));
                let ctx = RowContext {
                    numeric_source,
                    row_all_clear: self.clean,
                    ..ctx
                };
                repair_planned(plan, f, &layout.dialect, raw, ctx)
            };
            let Some(cr) = cr else {
                if changed {
                    push(text, ranges, raw);
                }
                continue;
            };
            if let Some(value) = cr.value.as_deref() {
                if !changed {
                    // The first change: the fields before it as they stand.
                    for k in 0..fi {
                        push(text, ranges, get(k));
                    }
                    changed = true;
                }
                push(text, ranges, value);
            } else if changed {
                push(text, ranges, raw);
            }
            if cr.is_clean() {
                continue;
            }
            let col = field_cols[fi];
            for r in &cr.repairs {
                let code = match (r.kind, r.applied) {
                    (RepairKind::Trim, _) => Code::RepairTrim,
                    (RepairKind::Width, _) => Code::RepairWidth,
                    (RepairKind::HalfwidthKana, _) => Code::RepairKana,
                    (RepairKind::LongVowel, _) => Code::ProposeLongVowel,
                    (RepairKind::MacJis, true) => Code::RepairMacJis,
                    (RepairKind::MacJis, false) => Code::ProposeMacJis,
                    (RepairKind::Date, _) if r.date_note.is_some() => Code::RepairEraOverflow,
                    (RepairKind::Date, _) if r.date_form == Some(date::DateForm::ExcelSerial) => {
                        Code::RepairExcelSerial
                    }
                    (RepairKind::Date, _) => Code::RepairDate,
                    (RepairKind::LeadingZeros, true) => Code::RepairLeadingZeros,
                    (RepairKind::LeadingZeros, false) => Code::ProposeLeadingZeros,
                    (RepairKind::Amount, _) => Code::RepairAmount,
                    (RepairKind::CodeLabel, _) => Code::RepairCodeLabel,
                    (RepairKind::Invisible, _) => Code::RepairInvisible,
                    (RepairKind::Conditions, _) => Code::RepairConditions,
                };
                // A label read through the layout's code table is as sure as that table (性別's
                // 1=男 2=女 is inferred); the flag words (有/無 …) are our reading.
                let basis = match (r.kind, f.value_type) {
                    (RepairKind::CodeLabel, ValueType::Code) => {
                        f.basis_of(crate::layout::Rule::Codes)
                    }
                    (RepairKind::CodeLabel, _) => Basis::Inferred,
                    _ => Basis::Verified,
                };
                self.sink.push(
                    Diagnostic::new(code)
                        .at(row, line)
                        .column(col)
                        .field(fi, basis)
                        .value(&r.before)
                        .detail(Detail::Repair {
                            after: r.after.clone(),
                        }),
                );
            }
            if let Some(Unrepairable::Date(e)) = cr.problem {
                self.date_problems[fi] = Some(e);
            }
        }
        changed
    }
}

#[cfg(test)]
mod tests;
