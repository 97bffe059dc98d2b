//! The inferred-rule policy (README, "What it checks"): a finding from a rule whose basis is
//! not `verified` is at most a warning, EXCEPT R001 (the validity period ends before it
//! starts), K001 (the same certificate twice in one file), K002 (overlapping periods of one
//! certificate), C001 (外字), V012 (a digit in 氏名), V016 (a 全角 letter or digit in a
//! number, code, date or flag) and C006 (`?` or `&#…;` in a name or an address, a lost
//! character), where the data is wrong whatever PMH's unpublished rules are.
//! The list is `STRICT_WHEN_INFERRED` in `core/src/findings/codes.rs`; these tests pin it, check the table for every code and basis, and
//! drive real checks with every basis through layouts whose rules are all verified, all
//! inferred or all unknown.

use std::collections::{BTreeMap, BTreeSet};

use conformance::{
    Outcome, all_fixtures, declared_outcomes, fixture_files, layout_for, options_for,
};
use pmh_core::{Basis, Checker, Code, Diagnostic, Layout, Report, STRICT_WHEN_INFERRED, Severity};

const BASES: [Basis; 3] = [Basis::Verified, Basis::Inferred, Basis::Unknown];

/// The policy, written out independently of core: what a finding of `code` from a rule with
/// `basis` must be, when the code's own (or the layout's `char_issues`) level is `level`.
fn expected(code: Code, basis: Basis, level: Severity) -> Severity {
    let strict = matches!(
        code,
        Code::PeriodReversed
            | Code::DuplicateCertificate
            | Code::OverlappingPeriods
            | Code::Gaiji
            | Code::DigitInName
            | Code::FullWidthInCode
            | Code::LostCharacter
            | Code::BirthDateConflict
    );
    if basis != Basis::Verified && !strict && level == Severity::Error {
        Severity::Warning
    } else {
        level
    }
}

#[test]
fn the_strict_list_is_exactly_r001_k001_k002_c001_v012_v016_c006_and_k005() {
    let listed: Vec<&str> = STRICT_WHEN_INFERRED.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        listed,
        [
            "R001", "K001", "K002", "C001", "V012", "V016", "C006", "K005"
        ],
        "a change of policy: update README too"
    );
    for c in STRICT_WHEN_INFERRED {
        assert_eq!(c.severity(), Severity::Error, "{}", c.as_str());
    }
    let readme = std::fs::read_to_string(conformance::fixtures_dir().join("../README.md")).unwrap();
    assert!(
        readme.contains("at most warnings, except R001")
            && ["K001", "K002", "C001", "V012", "V016", "C006", "K005"]
                .iter()
                .all(|c| readme.contains(c)),
        "README states the policy with its list"
    );
}

#[test]
fn table_for_every_code_and_basis() {
    for &code in Code::ALL {
        for basis in BASES {
            let d = Diagnostic::new(code).with_basis(basis);
            assert_eq!(d.basis, basis);
            assert_eq!(
                d.severity,
                expected(code, basis, code.severity()),
                "{} with basis {basis:?}",
                code.as_str()
            );
            assert_eq!(d.severity, code.policy_severity(basis, code.severity()));
            // A level set by the layout (char_issues) goes through the same policy.
            for level in [Severity::Error, Severity::Warning, Severity::Info] {
                assert_eq!(
                    code.policy_severity(basis, level),
                    expected(code, basis, level)
                );
            }
        }
    }
}

/// A built-in layout whose every rule basis (fields, per-rule overrides, certificate key) is
/// `basis`.
fn layout_with_basis(layout: &Layout, basis: Basis) -> Layout {
    let toml = if layout.id == "diff" {
        pmh_core::DIFF_TOML
    } else {
        pmh_core::FULL_TOML
    };
    let to = format!("\"{}\"", basis.as_str());
    let text = toml
        .replace("\"verified\"", &to)
        .replace("\"inferred\"", &to)
        .replace("\"unknown\"", &to);
    let mut l = Layout::from_toml(&text).unwrap_or_else(|e| panic!("{e}"));
    // The fixture's dialect (a CP932 upload file) is kept: only the bases change.
    l.dialect = layout.dialect.clone();
    assert!(l.fields.iter().all(|f| f.basis == basis));
    assert_eq!(l.keys.certificate_basis, basis);
    l
}

fn check(layout: &Layout, path: &std::path::Path) -> Report {
    let bytes = std::fs::read(path).unwrap();
    if pmh_core::xlsx::is_xlsx(&bytes) {
        // As `pmhcsv build` reads a workbook: its number cells decide X008.
        let (csv, numbers) = pmh_core::xlsx::sheet_to_csv_with_numbers(&bytes, None).unwrap();
        let opts = pmh_core::Options {
            numeric_cells: Some(std::sync::Arc::new(numbers)),
            ..if conformance::is_validated_workbook(path) {
                options_for(path)
            } else {
                pmh_core::Options::build(pmh_core::OutputFormat::Csv)
            }
        };
        let mut c = Checker::new(layout, opts);
        c.feed(&csv);
        return c.finish();
    }
    let mut c = Checker::new(layout, options_for(path));
    c.feed(&bytes);
    let mut report = c.finish();
    // P001: compared with the previous upload its sidecar names.
    conformance::apply_previous(path, layout, &mut report);
    report
}

/// The level a finding has before the policy: the layout's `char_issues` for C codes in a
/// field that sets one, else the code's own.
fn level(layout: &Layout, d: &Diagnostic) -> Severity {
    let char_code = matches!(
        d.code,
        Code::Gaiji | Code::VendorChar | Code::OutsideCp932 | Code::HalfwidthKanaInText
    );
    match d.field.and_then(|i| layout.fields[i].char_issues) {
        Some(l) if char_code => l.severity(),
        _ => d.code.severity(),
    }
}

/// Codes whose basis core fixes instead of taking it from the layout, with that basis. Every
/// other code must be seen with all three bases.
fn fixed_basis(code: Code) -> Option<Basis> {
    use Code::*;
    Some(match code {
        // File structure and encoding; the master's absence; build's repairs.
        EmptyFile
        | UnknownEncoding
        | HeaderOnly
        | DuplicateColumn
        | RaggedRow
        | UnclosedQuote
        | UndecodableBytes
        | BlankRow
        | NotUtf8
        | AmbiguousEncoding
        | BareQuote
        | BomInValue
        | ExcelError
        | DelimiterMismatch
        | UnknownColumn
        | EmptyHeader
        | NoHeader
        | NoMaster
        | CardItemNamedLikeField
        | RecordTooLong
        | WorkbookNotUpload
        | OtherLayoutColumn
        | RowsInValue
        | EncodingLooksUtf8
        | HiddenRows
        | HiddenColumns
        | DuplicateHistoryKey => Basis::Verified,
        // A My Number where no field is the 個人番号, an invisible character, spaces around a
        // number, code or date: wrong whatever PMH's rules are.
        MyNumberElsewhere | InvisibleChar | EdgeSpaceInCode => Basis::Verified,
        // The layout's own output encoding cannot hold the character: no PMH rule behind it.
        NotInOutputEncoding => Basis::Verified,
        // PMH deletes what a 全件 file lacks (the seed says so): no layout rule behind it.
        TooManyRemovals => Basis::Verified,
        // Seed 004 Q76 (only valid certificates in 全件); seed 002 l.542 (look-up needs the
        // 公費受給者番号): statements of the seeds, not layout rules.
        ExpiredInFull | RecipientNumberEmpty => Basis::Verified,
        // A birth after the reference date or before 1900: wrong whatever PMH's rules are.
        BirthImpossible => Basis::Verified,
        RepairTrim | RepairWidth | RepairKana | ProposeLongVowel | RepairMacJis | RepairDate
        | RepairEraOverflow | RepairLeadingZeros | ProposeMacJis | ProposeLeadingZeros
        | RepairExcelSerial | RepairAmount | RepairInvisible | RepairConditions => Basis::Verified,
        // One 個人番号, two dates of birth: no PMH document states it (seed 004 Q31 says whose
        // number a certificate is linked to), so inferred, and strict.
        BirthDateConflict => Basis::Inferred,
        // BOM and line endings, the order of the key dates, PMH's character set: inferred.
        BomMismatch | LineEndingMismatch | PeriodReversed | BirthAfterStart => Basis::Inferred,
        // The fixtures' layouts are the built-in ones, whose header is a reconstruction (a
        // template's is verified: tests/tests/seeds.rs).
        HeaderNotLabel | ColumnOrder => Basis::Inferred,
        Gaiji | VendorChar | OutsideCp932 | HalfwidthKanaInText => Basis::Inferred,
        _ => return None,
    })
}

#[test]
fn real_checks_follow_the_policy_with_every_basis() {
    let mut seen: BTreeMap<Code, BTreeSet<&'static str>> = BTreeMap::new();
    let mut demoted = BTreeSet::new();
    let mut kept_strict = BTreeSet::new();
    let files: Vec<_> = fixture_files("invalid")
        .into_iter()
        .chain(fixture_files("valid"))
        // X008 needs a workbook's number cell; S022 a workbook checked as validate does;
        // S026 and S027 a workbook's hidden rows and columns.
        .chain([
            conformance::fixtures_dir().join("xlsx/full_numbers_dates.xlsx"),
            conformance::fixtures_dir().join("xlsx/validated_as_upload.xlsx"),
            conformance::fixtures_dir().join("xlsx/hidden_rows_columns.xlsx"),
        ])
        .collect();
    for f in &files {
        let builtin = layout_for(f);
        for basis in BASES {
            let layout = layout_with_basis(&builtin, basis);
            let report = check(&layout, f);
            assert!(report.diagnostics.len() < 1000, "{}", f.display());
            for d in &report.diagnostics {
                // An upload file's headers against a template's (verified): warnings; against
                // the built-in layouts' reconstruction (inferred): information, set by the
                // check itself, not by the policy (which never lowers a warning).
                let want = if matches!(d.code, Code::HeaderNotLabel | Code::ColumnOrder) {
                    assert_eq!(d.basis, Basis::Inferred);
                    Severity::Info
                } else {
                    expected(d.code, d.basis, level(&layout, d))
                };
                assert_eq!(
                    d.severity,
                    want,
                    "{}: {} with basis {:?} (layout {basis:?})",
                    f.display(),
                    d.code.as_str(),
                    d.basis
                );
                seen.entry(d.code).or_default().insert(d.basis.as_str());
                if d.basis != Basis::Verified && d.code.severity() == Severity::Error {
                    if d.severity == Severity::Error {
                        kept_strict.insert(d.code.as_str());
                    } else {
                        demoted.insert(d.code.as_str());
                    }
                }
            }
        }
    }
    // What the checks reached: every code with every basis, unless core fixes its basis.
    for &code in Code::ALL {
        let got = seen.get(&code).cloned().unwrap_or_default();
        let want: BTreeSet<&str> = match fixed_basis(code) {
            Some(b) => BTreeSet::from([b.as_str()]),
            None => BASES.iter().map(|b| b.as_str()).collect(),
        };
        assert_eq!(got, want, "{}: bases seen", code.as_str());
    }
    // The branches that matter were reached: errors from non-verified rules were demoted, and
    // exactly the strict list kept its errors.
    assert_eq!(
        kept_strict,
        BTreeSet::from([
            "C001", "C006", "K001", "K002", "K005", "R001", "V012", "V016"
        ])
    );
    for code in ["V001", "V002", "V004", "V006", "N001", "N003"] {
        assert!(
            demoted.contains(code),
            "{code} not seen demoted: {demoted:?}"
        );
    }
}

#[test]
fn manifest_codes_do_not_depend_on_the_basis() {
    // The policy changes severities, never which codes are found.
    for (rel, outcome) in declared_outcomes() {
        let Outcome::Codes(codes) = outcome else {
            continue;
        };
        if !rel.ends_with(".csv") {
            continue;
        }
        let path = conformance::fixtures_dir().join(&rel);
        for basis in BASES {
            let layout = layout_with_basis(&layout_for(&path), basis);
            let r = check(&layout, &path);
            let got: BTreeSet<Code> = Code::ALL
                .iter()
                .copied()
                .filter(|&c| r.count(c) > 0)
                .collect();
            assert_eq!(got, codes, "{rel} with {basis:?}");
        }
    }
    assert!(all_fixtures().len() > 70);
}
