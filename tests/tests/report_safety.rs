//! Reports never leak, never inject: generated hostile files (formula prefixes, control and
//! bidi characters, U+FFFE, huge values, My Numbers with valid and invalid check digits planted
//! in random columns, birth dates in many forms, X008 candidates) go through the real checker
//! (validate and build) and every renderer in both languages, and:
//!
//! - no cell of the CSV report starts a formula, and it parses with 11 cells a row;
//! - no text report, CSV, JUnit or GitHub output holds a raw control or bidi character;
//! - the JUnit report parses with a strict XML parser (roxmltree), one test case a finding;
//! - each GitHub annotation is one line, one command, with clean properties;
//! - no JSON value is longer than the bound, and `value_cut` says how much was cut;
//! - masks reveal at most the last 4 digits of a My Number and the year of a birth date:
//!   metamorphically, replacing every planted number by another with the same last 4 digits
//!   (and the same check-digit outcome), and every birth date by another day of the same year
//!   in the same form, leaves every masked report byte for byte the same. A planted number
//!   never touches another digit (`digits_touch`): the check outcome would then be the
//!   cell's, not the number's.
//!
//! Each property counts how many cases reached the branch it is about and asserts the count.

use std::cell::RefCell;
use std::collections::BTreeMap;

use pmh_core::render::{self, Format, Input, Lang, RenderOptions};
use pmh_core::{Code, Layout, Options, OutputFormat, Report, check_bytes, push_csv_field};
use proptest::prelude::*;

const HEADER: &str = "機関別受給者証種別ID,個人番号,氏名,氏名カナ,住所,生年月日,性別,不開示フラグ,公費負担者番号,受給者証名,公費受給者番号,受給者証サブキー,区分,所得区分,追加条件,指定医療機関情報,常に償還払い,自己負担上限額種別,金額（月）,有効期間開始日,有効期間終了日,受給者証番号,疾病名,備考";
const BASE: [&str; 24] = [
    "KODOMO01",
    "",
    "愛知花子",
    "アイチ　ハナコ",
    "愛知県名古屋市中区栄1-1-1",
    "",
    "2",
    "0",
    "88134457",
    "子ども医療費受給者証",
    "00012345",
    "",
    "",
    "",
    "",
    "",
    "0",
    "",
    "",
    "2025-04-01",
    "2026-03-31",
    "A-1",
    "喘息",
    "",
];
const MY_NUMBER_COL: usize = 1;
const BIRTH_COL: usize = 5;
/// The bound of values carried in reports (`VALUE_MAX` in core).
const VALUE_MAX: usize = 200;

// ---------------------------------------------------------------- My Numbers

/// The My Number check digit of 11 digits (個人番号 check digit, as the law defines it).
fn check_digit(d: &[u8]) -> u8 {
    let s: u32 = (1..=11)
        .map(|n| {
            let p = u32::from(d[11 - n]);
            let q = if n <= 6 { n + 1 } else { n - 5 } as u32;
            p * q
        })
        .sum();
    let r = s % 11;
    if r <= 1 { 0 } else { (11 - r) as u8 }
}

fn digits_from(mut seed: u64, n: usize) -> Vec<u8> {
    (0..n)
        .map(|_| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((seed >> 33) % 10) as u8
        })
        .collect()
}

/// How a planted number is written.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Style {
    /// `123456789018`
    Plain,
    /// `1234 5678 9018` (as on the card)
    Spaced,
    /// `１２３４５６７８９０１８`
    FullWidth,
    /// 11 digits: a number whose leading zero Excel dropped (X008 candidate).
    Eleven,
}

/// A planted number: 12 digits, the check digit right or wrong.
#[derive(Debug, Clone)]
struct Num {
    digits: Vec<u8>,
    style: Style,
}

impl Num {
    fn new(seed: u64, valid: bool, style: Style) -> Self {
        let mut digits = digits_from(seed, 11);
        if style == Style::Eleven {
            digits[0] = 0;
        }
        let cd = check_digit(&digits);
        digits.push(if valid { cd } else { (cd + 1) % 10 });
        Num { digits, style }
    }

    fn valid(&self) -> bool {
        check_digit(&self.digits[..11]) == self.digits[11]
    }

    /// Another number with the same last 4 digits and the same check-digit outcome (and the
    /// leading zero of an X008 candidate): everything a mask may show is the same.
    fn variant(&self) -> Self {
        let mut seed = self.digits.iter().fold(7u64, |a, d| a * 31 + u64::from(*d));
        loop {
            seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut d = digits_from(seed, 8);
            if self.style == Style::Eleven {
                d[0] = 0;
            }
            d.extend_from_slice(&self.digits[8..]);
            let v = Num {
                digits: d,
                style: self.style,
            };
            if v.valid() == self.valid() && v.digits != self.digits {
                return v;
            }
        }
    }

    fn ascii(&self) -> String {
        self.digits.iter().map(|d| char::from(b'0' + d)).collect()
    }

    fn text(&self) -> String {
        let a = self.ascii();
        match self.style {
            Style::Plain => a,
            Style::Spaced => format!("{} {} {}", &a[..4], &a[4..8], &a[8..]),
            Style::FullWidth => a
                .chars()
                .map(|c| char::from_u32(u32::from(c) - 0x30 + 0xFF10).unwrap())
                .collect(),
            Style::Eleven => a[1..].to_owned(),
        }
    }

    /// Strings whose presence in a report would reveal more than the last 4 digits.
    fn secrets(&self) -> Vec<String> {
        let a = self.ascii();
        let t = self.text();
        let head: String = t.chars().take(t.chars().count() - 4).collect();
        let mut s = vec![a[..8].to_owned(), head];
        if self.style == Style::Eleven {
            s.push(a[1..8].to_owned());
        }
        s
    }
}

// ---------------------------------------------------------------- birth dates

#[derive(Debug, Clone)]
struct Birth {
    year: u32,
    md: (u32, u32),
    other_md: (u32, u32),
    form: u8,
}

impl Birth {
    fn text(&self, other: bool) -> String {
        let y = self.year;
        let (m, d) = if other { self.other_md } else { self.md };
        match self.form {
            0 => format!("{y:04}-{m:02}-{d:02}"),
            1 => format!("{y:04}/{m:02}/{d:02}"),
            2 => format!("{y:04}{m:02}{d:02}"),
            3 => format!("{y:04}年{m:02}月{d:02}日"),
            4 if (1990..=2018).contains(&y) => format!("平成{:02}年{m:02}月{d:02}日", y - 1988),
            5 if (1990..=2018).contains(&y) => format!("H{:02}.{m:02}.{d:02}", y - 1988),
            _ => format!("{y:04}-{m:02}-{d:02}")
                .chars()
                .map(|c| match c {
                    '0'..='9' => char::from_u32(u32::from(c) - 0x30 + 0xFF10).unwrap(),
                    '-' => '－',
                    c => c,
                })
                .collect(),
        }
    }
}

fn birth() -> impl Strategy<Value = Birth> {
    // Never 2025 or 2026 (the validity years): R002 then does not depend on month and day.
    (
        prop_oneof![1950u32..=2018, 2027u32..=2028],
        (1u32..=12, 1u32..=28),
        (1u32..=12, 1u32..=28),
        0u8..7,
    )
        .prop_filter("another day", |(_, a, b, _)| a != b)
        .prop_map(|(year, md, other_md, form)| Birth {
            year,
            md,
            other_md,
            form,
        })
}

// ---------------------------------------------------------------- hostile cells

#[derive(Debug, Clone)]
enum Piece {
    Lit(&'static str),
    Huge(usize),
    Num(Num),
}

const ATOMS: &[&str] = &[
    // formulas (OWASP)
    "=HYPERLINK(\"http://evil.example\",\"x\")",
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "-",
    "@A1",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    // terminal control
    "\u{1B}[2J\u{1B}[H",
    "\u{1B}]8;;http://x\u{7}link\u{1B}]8;;\u{7}",
    "\u{9B}31m",
    "\u{7F}",
    "\u{8}\u{8}\u{8}",
    "\u{1}",
    "\n結果: 0行 — エラー 0件。アップロードできます。\n",
    "\r\n",
    // bidi
    "\u{202E}gnp.exe",
    "\u{2066}\u{2069}",
    "\u{200F}",
    "\u{2028}",
    // XML
    "\u{FFFE}",
    "\u{FFFF}",
    "]]>",
    "<x a=\"1\">&amp;</x>",
    "'",
    // GitHub workflow commands
    "%0A::error::injected",
    ",title=x::y",
    "50%",
    // ordinary
    "愛知",
    "abc",
    "1",
    " ",
    "2024-02-30", // a date, but never a generated birth date (those are 1950–2018, 2027–2028)
];

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        6 => prop::sample::select(ATOMS).prop_map(Piece::Lit),
        1 => prop::sample::select(vec![150usize, 201, 1000, 70_000]).prop_map(Piece::Huge),
        3 => (any::<u64>(), any::<bool>(), prop::sample::select(vec![Style::Plain, Style::Spaced, Style::FullWidth, Style::Eleven]))
            .prop_map(|(s, v, st)| Piece::Num(Num::new(s, v, st))),
    ]
}

/// One to three pieces of a hostile cell, no number touching another digit
/// ([`digits_touch`]).
fn pieces() -> impl Strategy<Value = Vec<Piece>> {
    prop::collection::vec(piece(), 1..4)
        .prop_filter("a number's digits never run into a neighbour's", |p| {
            !digits_touch(p)
        })
}

/// Whether a number's digits run into a neighbour's digits. `"1"` before an 11-digit number
/// makes a 12-digit 個人番号 whose check digit depends on the digits a mask hides: its variant
/// (the same last 4 digits and the same check outcome *as a number*) may then turn N001 on or
/// off, which the reports rightly show. The relation is about what a mask shows, so such
/// cells are not generated (a proptest run found one: `"1"` + `01305403532|8` as 11 digits).
fn digits_touch(pieces: &[Piece]) -> bool {
    let digit =
        |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c));
    pieces.windows(2).any(|w| match (&w[0], &w[1]) {
        (Piece::Num(_), Piece::Num(_)) => true,
        (Piece::Num(_), Piece::Lit(s)) => digit(s.chars().next()),
        (Piece::Lit(s), Piece::Num(_)) => digit(s.chars().last()),
        _ => false,
    })
}

#[test]
fn numbers_never_run_into_other_digits() {
    let eleven = || Piece::Num(Num::new(0x0130_5403_5328, false, Style::Eleven));
    let full = || Piece::Num(Num::new(7, true, Style::FullWidth));
    // The composition a run found, and its mirror images.
    assert!(digits_touch(&[Piece::Lit("1"), eleven()]));
    assert!(digits_touch(&[eleven(), Piece::Lit("1")]));
    assert!(digits_touch(&[Piece::Lit("2024-02-30"), full()]));
    assert!(digits_touch(&[eleven(), full()]));
    // Separated by anything else, they may meet.
    assert!(!digits_touch(&[Piece::Lit("1"), Piece::Lit(" "), eleven()]));
    assert!(!digits_touch(&[
        Piece::Lit("愛知"),
        eleven(),
        Piece::Lit("abc")
    ]));
    assert!(!digits_touch(&[
        Piece::Lit("1"),
        Piece::Huge(150),
        eleven()
    ]));
}

#[derive(Debug, Clone)]
struct Row {
    my_number: Num,
    birth: Birth,
    /// (column, pieces) written over the base row.
    plants: Vec<(usize, Vec<Piece>)>,
}

fn row() -> impl Strategy<Value = Row> {
    (
        any::<u64>(),
        prop::bool::weighted(0.8),
        prop::sample::select(vec![
            Style::Plain,
            Style::Plain,
            Style::Eleven,
            Style::FullWidth,
        ]),
        birth(),
        prop::collection::vec((0usize..24, pieces()), 0..4),
    )
        .prop_map(|(seed, valid, style, birth, plants)| Row {
            my_number: Num::new(seed, valid, style),
            birth,
            plants,
        })
}

#[derive(Debug, Clone)]
struct Case {
    rows: Vec<Row>,
    build: bool,
    path: &'static str,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(row(), 1..6),
        any::<bool>(),
        prop::sample::select(vec![
            "export.csv",
            "=cmd|'/C calc'!A0.csv",
            "-",
            "+x.csv",
            "@x.csv",
            "evil\u{1B}[2J.csv",
            "a\n::error::b.csv",
            "dir,with:colon%.csv",
            "\u{202E}vsc.exe",
            "\u{FFFE}.csv",
        ]),
    )
        .prop_map(|(rows, build, path)| Case { rows, build, path })
}

impl Case {
    /// The file, with every number and birth date as planted or (`variant`) replaced.
    fn file(&self, variant: bool) -> String {
        let mut out = format!("\u{FEFF}{HEADER}\r\n");
        for r in &self.rows {
            let mut cells: Vec<String> = BASE.iter().map(|s| (*s).to_owned()).collect();
            let n = if variant {
                r.my_number.variant()
            } else {
                r.my_number.clone()
            };
            cells[MY_NUMBER_COL] = n.text();
            cells[BIRTH_COL] = r.birth.text(variant);
            for (col, pieces) in &r.plants {
                if *col == BIRTH_COL {
                    continue; // the birth date stays a date: its findings must not change
                }
                cells[*col] = pieces
                    .iter()
                    .map(|p| match p {
                        Piece::Lit(s) => (*s).to_owned(),
                        Piece::Huge(n) => "長".repeat(*n),
                        Piece::Num(n) if variant => n.variant().text(),
                        Piece::Num(n) => n.text(),
                    })
                    .collect();
            }
            for (i, c) in cells.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_csv_field(&mut out, c, ',', true);
            }
            out.push_str("\r\n");
        }
        out
    }

    /// Every planted number (the row's own and those in other columns).
    fn numbers(&self) -> Vec<Num> {
        let mut v = Vec::new();
        for r in &self.rows {
            v.push(r.my_number.clone());
            for (col, pieces) in &r.plants {
                if *col == BIRTH_COL {
                    continue;
                }
                for p in pieces {
                    if let Piece::Num(n) = p {
                        v.push(n.clone());
                    }
                }
            }
        }
        v
    }

    fn check(&self, variant: bool) -> Report {
        let opts = if self.build {
            Options::build(OutputFormat::Csv)
        } else {
            Options::validate()
        };
        let mut r = check_bytes(&Layout::full(), opts, self.file(variant).as_bytes());
        r.sha256 = String::new(); // the only thing that differs between file and variant
        r
    }
}

fn renders(path: &str, report: &Report, show_values: bool) -> Vec<(Format, Lang, String)> {
    let layout = Layout::full();
    let inputs = [Input { path, report }];
    let mut out = Vec::new();
    for f in Format::ALL {
        for lang in [Lang::Ja, Lang::En] {
            let opts = RenderOptions { lang, show_values };
            out.push((f, lang, render::render(f, &layout, &inputs, opts)));
        }
    }
    out
}

// ---------------------------------------------------------------- the properties' own rules

/// What must not reach a terminal or viewer raw (the spec, written independently of core).
fn raw_control(c: char) -> bool {
    let u = u32::from(c);
    (u < 0x20 && c != '\n')
        || (0x7F..=0x9F).contains(&u)
        || (0x202A..=0x202E).contains(&u)
        || (0x2066..=0x2069).contains(&u)
        || u == 0xFFFE
        || u == 0xFFFF
}

/// OWASP: a cell starting with one of these is read as a formula.
fn formula_start(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

#[derive(Default, Debug)]
struct Reached {
    cases: u32,
    csv_cells_neutralised: u32,
    csv_path_cells_neutralised: u32,
    csv_value_cells_neutralised: u32,
    text_escapes: u32,
    text_renders_with_escapes: u32,
    junit_noncharacters: u32,
    github_lines_escaped: u32,
    json_values_cut: u32,
    my_number_field_values: u32,
    numbers_in_other_columns: u32,
    x008: u32,
    r002: u32,
    birth_values: u32,
    reports_differing_unmasked: u32,
}

/// `out` without any code's fixed texts (titles, explanations, fix hints, both languages):
/// they are the same in every report, so what remains is all that depends on the data.
fn without_code_texts(out: &str) -> String {
    let mut out = out.to_owned();
    for code in Code::ALL {
        let i = code.info();
        for text in [
            i.title_ja, i.title_en, i.why_ja, i.why_en, i.hint_ja, i.hint_en,
        ] {
            if !text.is_empty() {
                out = out.replace(text, "");
            }
        }
    }
    out
}

fn check_case(c: &Case, seen: &mut Reached) -> Result<(), TestCaseError> {
    seen.cases += 1;
    let a = c.check(false);
    let b = c.check(true);
    let masked = renders(c.path, &a, false);
    let masked_b = renders(c.path, &b, false);
    let diags = &a.diagnostics;
    // Metamorphic: the masked reports cannot tell the numbers or days apart.
    for ((f, l, x), (_, _, y)) in masked.iter().zip(&masked_b) {
        prop_assert!(
            x == y,
            "{f:?} {l:?} differs between numbers/dates with the same last 4 digits/year:\n{}",
            first_difference(x, y)
        );
    }
    // …while unmasked they differ, whenever a finding carries a planted value.
    let shown_a = renders(c.path, &a, true);
    let shown_b = renders(c.path, &b, true);
    if shown_a != shown_b {
        seen.reports_differing_unmasked += 1;
    }
    // Direct: no render holds more than the last 4 digits of a planted number, nor a whole
    // birth date. The codes' fixed texts are left out first: V004's fix hint shows the example
    // date 2013-01-01, the same in every report, which a generated birth date may equal.
    let numbers = c.numbers();
    for (f, l, out) in &masked {
        let out = &without_code_texts(out);
        for n in &numbers {
            for s in n.secrets() {
                prop_assert!(!out.contains(&s), "{f:?} {l:?} reveals {s} of {}", n.text());
            }
        }
        for r in &c.rows {
            let bd = r.birth.text(false);
            prop_assert!(!out.contains(&bd), "{f:?} {l:?} reveals birth date {bd}");
            let iso = format!(
                "{:04}-{:02}-{:02}",
                r.birth.year, r.birth.md.0, r.birth.md.1
            );
            prop_assert!(!out.contains(&iso), "{f:?} {l:?} reveals birth date {iso}");
        }
    }
    // Which branches the findings reached.
    let layout = Layout::full();
    for d in diags {
        let id = d.field.map(|i| layout.fields[i].id.as_str());
        if let Some(v) = &d.value {
            if id == Some("myNumber") {
                seen.my_number_field_values += 1;
            } else if numbers.iter().any(|n| v.contains(&n.text())) {
                seen.numbers_in_other_columns += 1;
            }
            if id == Some("basicFiveInfo.dateOfBirth") {
                seen.birth_values += 1;
            }
        }
        // A leading-zero pair: applied (X008, from a workbook number) or proposed (X010).
        seen.x008 += u32::from(matches!(
            d.code,
            Code::RepairLeadingZeros | Code::ProposeLeadingZeros
        ));
        seen.r002 += u32::from(d.code == Code::BirthAfterStart);
    }
    for (f, lang, out) in &masked {
        match f {
            Format::Text => text_is_inert(out, seen)?,
            Format::Csv => csv_cells_are_inert(out, diags.len(), *lang, c.path, seen)?,
            Format::Junit => junit_parses(out, diags.len(), seen)?,
            Format::Github => github_is_one_command_a_line(out, diags.len(), seen)?,
            Format::Json => json_is_bounded(out, &a, seen)?,
        }
    }
    Ok(())
}

fn first_difference(x: &str, y: &str) -> String {
    for (i, (a, b)) in x.lines().zip(y.lines()).enumerate() {
        if a != b {
            return format!("line {i}:\n  {a}\n  {b}");
        }
    }
    "(line counts differ)".into()
}

fn text_is_inert(out: &str, seen: &mut Reached) -> Result<(), TestCaseError> {
    if let Some(c) = out.chars().find(|c| raw_control(*c)) {
        return Err(TestCaseError::fail(format!(
            "raw U+{:04X} in the text report",
            u32::from(c)
        )));
    }
    let n = out.matches("<U+").count() as u32;
    seen.text_escapes += n;
    seen.text_renders_with_escapes += u32::from(n > 0);
    Ok(())
}

fn csv_cells_are_inert(
    out: &str,
    findings: usize,
    lang: Lang,
    path: &str,
    seen: &mut Reached,
) -> Result<(), TestCaseError> {
    prop_assert!(out.starts_with('\u{FEFF}'), "no BOM");
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(out.trim_start_matches('\u{FEFF}').as_bytes());
    let mut records = 0;
    for rec in rd.records() {
        let rec =
            rec.map_err(|e| TestCaseError::fail(format!("CSV report does not parse: {e}")))?;
        prop_assert_eq!(rec.len(), 11, "{:?}", rec);
        records += 1;
        for (i, cell) in rec.iter().enumerate() {
            let first = cell.chars().next();
            prop_assert!(
                !first.is_some_and(formula_start),
                "cell {} starts a formula: {:?}",
                i,
                cell
            );
            prop_assert!(!cell.chars().any(raw_control), "raw control in {:?}", cell);
            let neutralised =
                cell.starts_with('\'') && cell.chars().nth(1).is_some_and(formula_start);
            if neutralised && lang == Lang::Ja {
                seen.csv_cells_neutralised += 1;
                if i == 0 && path.starts_with(formula_start) {
                    seen.csv_path_cells_neutralised += 1;
                }
                if i == 10 {
                    seen.csv_value_cells_neutralised += 1;
                }
            }
        }
    }
    prop_assert_eq!(records, findings + 1);
    Ok(())
}

fn junit_parses(out: &str, findings: usize, seen: &mut Reached) -> Result<(), TestCaseError> {
    let doc = roxmltree::Document::parse(out)
        .map_err(|e| TestCaseError::fail(format!("JUnit is not well-formed XML: {e}\n{out}")))?;
    let cases = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    prop_assert_eq!(cases, findings.max(1));
    let text: String = doc
        .descendants()
        .filter_map(|n| n.text())
        .chain(
            doc.descendants()
                .flat_map(|n| n.attributes().map(|a| a.value())),
        )
        .collect();
    prop_assert!(!text.chars().any(raw_control), "raw control in JUnit text");
    seen.junit_noncharacters +=
        (text.matches("<U+FFFE>").count() + text.matches("<U+FFFF>").count()) as u32;
    Ok(())
}

fn github_is_one_command_a_line(
    out: &str,
    findings: usize,
    seen: &mut Reached,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(out.lines().count(), findings);
    prop_assert!(!out.contains('\r'));
    for line in out.lines() {
        prop_assert!(!line.chars().any(raw_control), "raw control: {:?}", line);
        let rest = ["::error ", "::warning ", "::notice "]
            .iter()
            .find_map(|p| line.strip_prefix(p))
            .ok_or_else(|| TestCaseError::fail(format!("not an annotation: {line:?}")))?;
        let (props, data) = rest
            .split_once("::")
            .ok_or_else(|| TestCaseError::fail(format!("no message: {line:?}")))?;
        let mut keys = Vec::new();
        for p in props.split(',') {
            let (k, v) = p
                .split_once('=')
                .ok_or_else(|| TestCaseError::fail(format!("bad property {p:?} in {line:?}")))?;
            prop_assert!(!v.contains(':'), "{:?}", line);
            keys.push(k);
        }
        prop_assert!(
            keys.first() == Some(&"file") && keys.last() == Some(&"title"),
            "{:?}",
            keys
        );
        prop_assert!(
            keys.iter()
                .all(|k| ["file", "line", "col", "title"].contains(k))
        );
        if data.contains("%25") || props.contains("%3A") || props.contains("%2C") {
            seen.github_lines_escaped += 1;
        }
    }
    Ok(())
}

fn json_is_bounded(out: &str, report: &Report, seen: &mut Reached) -> Result<(), TestCaseError> {
    let v: serde_json::Value =
        serde_json::from_str(out).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let ds = v["diagnostics"].as_array().cloned().unwrap_or_default();
    prop_assert_eq!(ds.len(), report.diagnostics.len());
    for (j, d) in ds.iter().zip(&report.diagnostics) {
        for m in ["message_ja", "message_en"] {
            let n = j[m].as_str().unwrap_or("").chars().count();
            prop_assert!(n <= 1000, "{} has {} characters", m, n);
        }
        match (&d.value, j["value"].as_str()) {
            (None, None) => prop_assert!(j["value_cut"].is_null()),
            (Some(raw), Some(shown)) => {
                let raw_n = raw.chars().count();
                let cut = j["value_cut"].as_u64().unwrap_or(u64::MAX) as usize;
                let shown_n = shown.chars().count();
                if raw_n > VALUE_MAX {
                    seen.json_values_cut += 1;
                    prop_assert_eq!(cut, raw_n - VALUE_MAX);
                    prop_assert_eq!(shown_n, VALUE_MAX + 1);
                    prop_assert!(shown.ends_with('…'));
                } else {
                    prop_assert_eq!(cut, 0);
                    prop_assert_eq!(shown_n, raw_n);
                }
            }
            (raw, shown) => prop_assert!(false, "value {:?} shown as {:?}", raw, shown),
        }
    }
    Ok(())
}

#[test]
fn reports_neither_leak_nor_inject() {
    let cases = 160;
    let seen = RefCell::new(Reached::default());
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    runner
        .run(&case(), |c| check_case(&c, &mut seen.borrow_mut()))
        .unwrap_or_else(|e| panic!("{e}"));
    let s = seen.into_inner();
    eprintln!("{s:#?}");
    // Every branch that matters was reached, often.
    let at_least: BTreeMap<&str, (u32, u32)> = [
        ("CSV cells neutralised", (s.csv_cells_neutralised, 100)),
        (
            "CSV file-path cells neutralised",
            (s.csv_path_cells_neutralised, 10),
        ),
        (
            "CSV value cells neutralised",
            (s.csv_value_cells_neutralised, 20),
        ),
        (
            "text reports (of 2 per case) with escapes",
            (s.text_renders_with_escapes, cases / 2),
        ),
        (
            "U+FFFE/U+FFFF made visible in JUnit",
            (s.junit_noncharacters, 20),
        ),
        ("GitHub % : , escaped", (s.github_lines_escaped, 20)),
        ("JSON values cut", (s.json_values_cut, 20)),
        ("My Number field values", (s.my_number_field_values, 50)),
        ("numbers in other columns", (s.numbers_in_other_columns, 50)),
        ("X008/X010 pairs", (s.x008, 10)),
        ("R002 findings", (s.r002, 10)),
        ("birth-date values", (s.birth_values, 50)),
        (
            "reports that differ unmasked",
            (s.reports_differing_unmasked, cases / 2),
        ),
    ]
    .into_iter()
    .collect();
    for (what, (got, want)) in at_least {
        assert!(got >= want, "{what}: reached {got} times, want ≥ {want}");
    }
}

#[test]
fn the_test_check_digit_is_the_law_s() {
    for i in 0..1000 {
        let n = pmh_core::synth::my_number(i);
        let d: Vec<u8> = n.bytes().map(|b| b - b'0').collect();
        assert_eq!(check_digit(&d[..11]), d[11], "{n}");
    }
    let n = Num::new(42, true, Style::Plain);
    let v = n.variant();
    assert!(n.valid() && v.valid() && n.digits[8..] == v.digits[8..] && n.digits != v.digits);
}

#[test]
fn the_xml_parser_rejects_what_the_junit_report_must_avoid() {
    // The property above is only as strict as its parser: show that it refuses non-XML.
    for bad in [
        "<a>\u{FFFE}</a>",
        "<a>\u{1}</a>",
        "<a b=\"\u{FFFF}\"/>",
        "<a>&</a>",
        "<a>]]></a>",
    ] {
        assert!(roxmltree::Document::parse(bad).is_err(), "{bad:?}");
    }
}

/// A fixed example of each format, before → after, for review.
#[test]
fn one_hostile_row_in_every_format() {
    let file = format!(
        "\u{FEFF}{HEADER}\r\n{}\r\n",
        [
            "KODOMO01",
            "23456789013",
            "愛知花子",
            "アイチ　ハナコ",
            "住所",
            "2027-05-17",
            "2",
            "0",
            "=HYPERLINK(\"http://x\")",
            "子ども医療費受給者証\u{1B}[2J",
            "\u{FFFE}",
            "",
            "",
            "",
            "",
            "",
            "0",
            "",
            "",
            "2025-04-01",
            "2026-03-31",
            "",
            "",
            "",
        ]
        .iter()
        .map(|c| {
            let mut s = String::new();
            push_csv_field(&mut s, c, ',', true);
            s
        })
        .collect::<Vec<_>>()
        .join(",")
    );
    let report = check_bytes(
        &Layout::full(),
        Options::build(OutputFormat::Csv),
        file.as_bytes(),
    );
    let inputs = [Input {
        path: "=x.csv",
        report: &report,
    }];
    let layout = Layout::full();
    let all: String = Format::ALL
        .iter()
        .map(|f| render::render(*f, &layout, &inputs, RenderOptions::default()))
        .collect();
    insta::assert_snapshot!(all);
}

/// A case of one row, as the property test's shrinker reported them: My Number
/// 747651454939, born on 1 January of `year` in date form `form` (the variant: 2 January).
fn one_row_case((year, form): (u32, u8), plants: Vec<(usize, Vec<Piece>)>, build: bool) -> Case {
    Case {
        rows: vec![Row {
            my_number: Num {
                digits: vec![7, 4, 7, 6, 5, 1, 4, 5, 4, 9, 3, 9],
                style: Style::Plain,
            },
            birth: Birth {
                year,
                md: (1, 1),
                other_md: (1, 2),
                form,
            },
            plants,
        }],
        build,
        path: "export.csv",
    }
}

/// Found by the property test with runner seeds 507 and 508: a 12-digit number typed into
/// 金額（月） whose variant (same last 4 digits) starts with 0. The amount repair dropped the
/// leading zero of one and not the other, so the masked build reports differed, telling a
/// reader that the hidden digits began with 0. Numbers of 11 digits or more are no longer
/// rewritten as amounts.
#[test]
fn a_hidden_number_in_an_amount_column_is_not_rewritten() {
    let c = one_row_case(
        (1950, 0),
        vec![(
            18,
            vec![Piece::Num(Num {
                digits: vec![1, 1, 6, 9, 5, 1, 6, 9, 7, 8, 7, 5],
                style: Style::FullWidth,
            })],
        )],
        true,
    );
    // The variant's hidden digits start with 0: the case that leaked.
    let Piece::Num(planted) = &c.rows[0].plants[0].1[0] else {
        unreachable!()
    };
    assert_eq!(planted.variant().digits[0], 0);
    check_case(&c, &mut Reached::default()).unwrap();
}

/// Runner seed 611: a birth date of 2013-01-01 seemed to leak into the masked text report.
/// The date there was V004's fix hint, "例: 2013-01-01", which is the same in every report.
/// The direct check now reads each render without the codes' fixed texts. The birth date
/// itself is still masked, and the check still looks at everything that depends on the data.
#[test]
fn a_birth_date_equal_to_the_hint_s_example_is_still_masked() {
    let c = one_row_case((2013, 1), vec![], false);
    let report = c.check(false);
    let text = renders(c.path, &report, false)
        .into_iter()
        .find(|(f, l, _)| *f == Format::Text && *l == Lang::Ja)
        .map(|(_, _, out)| out)
        .unwrap();
    // The case the seed found: the hint's example is in the report, the value masked.
    assert!(text.contains("例: 2013-01-01"), "{text}");
    assert!(text.contains("「2013/**/**」"), "{text}");
    let data = without_code_texts(&text);
    assert!(
        !data.contains("2013-01-01") && !data.contains("2013/01/01"),
        "{data}"
    );
    assert!(
        data.contains("「2013/**/**」"),
        "only fixed texts were left out: {data}"
    );
    check_case(&c, &mut Reached::default()).unwrap();
}

/// A JUnit report whose list `--max-diagnostics` cut is never green: the cases that were left
/// out are one more case, failing when errors are among them, and every suite's `failures`
/// counts its failing cases. With the list cut to nothing, the lone passing `validate` case
/// (a clean file's) showed a file with 23 errors as a passed test run.
#[test]
fn a_truncated_junit_report_still_fails() {
    let path = conformance::fixtures_dir().join("invalid/K001_duplicate_certificate.csv");
    let bytes = std::fs::read(&path).unwrap();
    let layout = pmh_core::Layout::full();
    for max in [0usize, 1, 1000] {
        let opts = pmh_core::Options {
            max_diagnostics: max,
            ..conformance::options_for(&path)
        };
        let report = pmh_core::check_bytes(&layout, opts, &bytes);
        assert!(report.errors > 0);
        let out = pmh_core::render::junit(
            &layout,
            &[pmh_core::Input {
                path: "k.csv",
                report: &report,
            }],
            pmh_core::RenderOptions::default(),
        );
        let doc = roxmltree::Document::parse(&out).unwrap();
        let failing = doc
            .descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count();
        assert!(
            failing > 0,
            "max {max}: a report with errors has a failing case\n{out}"
        );
        let suite = doc
            .descendants()
            .find(|n| n.has_tag_name("testsuite"))
            .unwrap();
        assert_eq!(
            suite.attribute("failures"),
            Some(failing.to_string().as_str()),
            "{out}"
        );
        let cases = doc
            .descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .count();
        assert_eq!(
            suite.attribute("tests"),
            Some(cases.to_string().as_str()),
            "{out}"
        );
        assert!(
            !out.contains("name=\"validate\""),
            "no clean-file case\n{out}"
        );
        let cut = report.total() > report.diagnostics.len() as u64;
        assert_eq!(
            out.contains("件の指摘（うちエラー"),
            cut,
            "max {max}\n{out}"
        );
    }
}

/// Every report's entry point masks a number of 11 digits or more in a file's name (the CLI's
/// reports and the page's report CSV alike); `show_values` shows it.
#[test]
fn a_number_in_a_file_name_is_masked_in_every_format() {
    let path = conformance::fixtures_dir().join("valid/full_minimal.csv");
    let report = check_bytes(
        &Layout::full(),
        Options::default(),
        &std::fs::read(path).unwrap(),
    );
    let inputs = [Input {
        path: "愛知花子_123456789018.csv",
        report: &report,
    }];
    for format in Format::ALL {
        for show_values in [false, true] {
            let opts = RenderOptions {
                show_values,
                ..RenderOptions::default()
            };
            for out in [
                render::render(format, &Layout::full(), &inputs, opts),
                render::render_with_previous(format, &Layout::full(), &inputs, opts, None),
            ] {
                assert_eq!(
                    out.contains("123456789018"),
                    show_values,
                    "{format:?}\n{out}"
                );
                assert!(out.contains("9018"), "{format:?}\n{out}");
            }
        }
    }
}
