//! Every error variant renders in both languages. Each `*_variant` function matches
//! exhaustively, so a new variant does not compile until it is named here, and each test checks
//! that its samples cover every name.

use std::collections::HashSet;

use super::*;
use crate::check::master::{Kind, MasterCell, MasterColumn, MasterProblem, Masters, Place};
use crate::findings::codes::Code;
use crate::tools::diff::{DiffIssue, HistoryKeyScheme, RowKey, Side, StateProblem};
use crate::tools::redact::FindingAt;

fn is_japanese(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}')
}

/// Non-empty, Japanese text in Japanese, no format placeholder left, the two languages differ.
fn assert_renders(what: &str, ja: &str, en: &str) {
    assert!(!ja.trim().is_empty(), "{what}: empty Japanese");
    assert!(!en.trim().is_empty(), "{what}: empty English");
    assert!(ja.chars().any(is_japanese), "{what}: no Japanese in {ja:?}");
    for (lang, text) in [("ja", ja), ("en", en)] {
        assert!(
            !text.contains("{}") && !text.contains("{:") && !text.contains("{\""),
            "{what} ({lang}): placeholder left in {text:?}"
        );
    }
    assert_ne!(ja, en, "{what}: the same text in both languages");
}

fn assert_covers(names: impl IntoIterator<Item = &'static str>, count: usize, what: &str) {
    let seen: HashSet<&str> = names.into_iter().collect();
    assert_eq!(
        seen.len(),
        count,
        "{what}: a variant has no sample: {seen:?}"
    );
}

fn place(line: u64) -> Place {
    Place {
        source: "a.csv".into(),
        line,
    }
}

fn layout_variant(e: &LayoutError) -> &'static str {
    use LayoutError as E;
    match e {
        E::Toml { .. } => "Toml",
        E::EmptyId => "EmptyId",
        E::NoFields => "NoFields",
        E::BadDelimiter { .. } => "BadDelimiter",
        E::BadBooleans => "BadBooleans",
        E::BadFieldId { .. } => "BadFieldId",
        E::EmptyLabel { .. } => "EmptyLabel",
        E::DuplicateFieldId { .. } => "DuplicateFieldId",
        E::LengthConflict { .. } => "LengthConflict",
        E::MinAboveMax { .. } => "MinAboveMax",
        E::CodeWithoutCodes { .. } => "CodeWithoutCodes",
        E::CodesOnNonCode { .. } => "CodesOnNonCode",
        E::DuplicateCode { .. } => "DuplicateCode",
        E::UnknownKeyField { .. } => "UnknownKeyField",
        E::KeyDateNotDate { .. } => "KeyDateNotDate",
        E::OverlapNeedsValidity => "OverlapNeedsValidity",
        E::ZeroLength { .. } => "ZeroLength",
        E::NoCertificateKey => "NoCertificateKey",
        E::RepeatedKeyField { .. } => "RepeatedKeyField",
        E::SameValidityFields => "SameValidityFields",
        E::NoHeaderRow => "NoHeaderRow",
    }
}

#[test]
fn every_layout_error_renders_in_both_languages() {
    use LayoutError as E;
    let f = || "birthDate".to_owned();
    let all = vec![
        E::Toml {
            detail: "TOML parse error at line 2, column 11".into(),
        },
        E::EmptyId,
        E::NoFields,
        E::BadDelimiter {
            delimiter: "ab".into(),
        },
        E::BadBooleans,
        E::BadFieldId {
            number: 3,
            id: "生年月日".into(),
        },
        E::EmptyLabel { field: f() },
        E::DuplicateFieldId { field: f() },
        E::LengthConflict { field: f() },
        E::MinAboveMax { field: f() },
        E::CodeWithoutCodes { field: f() },
        E::CodesOnNonCode { field: f() },
        E::DuplicateCode { field: f() },
        E::UnknownKeyField { field: f() },
        E::KeyDateNotDate { field: f() },
        E::OverlapNeedsValidity,
        E::ZeroLength { field: f() },
        E::NoCertificateKey,
        E::RepeatedKeyField { field: f() },
        E::SameValidityFields,
        E::NoHeaderRow,
    ];
    assert_covers(all.iter().map(layout_variant), 21, "LayoutError");
    for e in all {
        let what = layout_variant(&e);
        assert_renders(what, &e.message(Lang::Ja), &e.message(Lang::En));
        let c = ConfigError::from(e.clone());
        assert_eq!(c.message(Lang::Ja), e.message(Lang::Ja), "{what}");
        assert_eq!(
            c.to_string(),
            e.message(Lang::Ja),
            "{what}: Display is Japanese"
        );
    }
}

#[test]
fn every_mapping_error_renders_in_both_languages() {
    let all = [
        MappingError::Json {
            detail: "expected value at line 1 column 1".into(),
        },
        MappingError::UnknownTarget {
            target: "nope".into(),
            layout: "full".into(),
        },
    ];
    for e in all {
        let what = match &e {
            MappingError::Json { .. } => "Json",
            MappingError::UnknownTarget { .. } => "UnknownTarget",
        };
        assert_renders(what, &e.message(Lang::Ja), &e.message(Lang::En));
        assert_eq!(
            ConfigError::from(e.clone()).to_string(),
            e.message(Lang::Ja)
        );
    }
}

fn master_variant(p: &MasterProblem) -> &'static str {
    use MasterProblem as P;
    match p {
        P::Encoding { .. } => "Encoding",
        P::Empty => "Empty",
        P::NoDefinitions => "NoDefinitions",
        P::UnclosedQuote => "UnclosedQuote",
        P::Mojibake => "Mojibake",
        P::DuplicateColumn { .. } => "DuplicateColumn",
        P::UnknownColumn => "UnknownColumn",
        P::NoKindColumn => "NoKindColumn",
        P::RequiredColumnMissing { .. } => "RequiredColumnMissing",
        P::ValueWithoutHeader { .. } => "ValueWithoutHeader",
        P::KindEmpty => "KindEmpty",
        P::KindUnknown { .. } => "KindUnknown",
        P::ColumnNotUsed { .. } => "ColumnNotUsed",
        P::ValueRequired { .. } => "ValueRequired",
        P::CodeInTypeRow { .. } => "CodeInTypeRow",
        P::InsurerNumberFormat { .. } => "InsurerNumberFormat",
        P::InsurerNumberTwice { .. } => "InsurerNumberTwice",
        P::HoubetsuFormat { .. } => "HoubetsuFormat",
        P::HoubetsuTwice { .. } => "HoubetsuTwice",
        P::InsurerNotInHoubetsu { .. } => "InsurerNotInHoubetsu",
        P::RecipientCheckValue { .. } => "RecipientCheckValue",
        P::TypeDefinedTwice { .. } => "TypeDefinedTwice",
        P::CodeNotUsable { .. } => "CodeNotUsable",
        P::ItemNameDiffers { .. } => "ItemNameDiffers",
        P::AlreadyDefined { .. } => "AlreadyDefined",
        P::TypeIdTwice { .. } => "TypeIdTwice",
        P::NoTypeId { .. } => "NoTypeId",
        P::NotAlnum { .. } => "NotAlnum",
        P::UndefinedType { .. } => "UndefinedType",
    }
}

fn master_samples() -> Vec<MasterError> {
    use MasterProblem as P;
    let at = |n: usize, h: &str| {
        Some(MasterCell::At {
            number: n,
            header: h.into(),
        })
    };
    let e = |line: Option<u64>, cell: Option<MasterCell>, problem: MasterProblem| MasterError {
        file: "m.csv".into(),
        line,
        cell,
        problem: Box::new(problem),
    };
    let v = |s: &str| s.to_owned();
    vec![
        e(
            None,
            None,
            P::Encoding {
                why: crate::input::decode::DecodeFailure::NotJapaneseText,
            },
        ),
        e(None, None, P::Empty),
        e(None, None, P::NoDefinitions),
        e(Some(4), None, P::UnclosedQuote),
        e(Some(4), Some(MasterCell::Number(2)), P::Mojibake),
        e(
            Some(1),
            at(5, "kind"),
            P::DuplicateColumn {
                column: MasterColumn::Kind,
                first: 1,
                first_header: v("種類"),
            },
        ),
        e(Some(1), at(3, "メモ欄"), P::UnknownColumn),
        e(Some(1), None, P::NoKindColumn),
        e(
            Some(2),
            None,
            P::RequiredColumnMissing {
                column: MasterColumn::ItemCode,
                kind: Kind::Condition,
            },
        ),
        e(Some(2), at(11, ""), P::ValueWithoutHeader { value: v("x") }),
        e(
            Some(2),
            Some(MasterCell::Missing(MasterColumn::Kind)),
            P::KindEmpty,
        ),
        e(Some(2), at(1, "種類"), P::KindUnknown { value: v("区別") }),
        e(
            Some(2),
            at(8, "項目コード"),
            P::ColumnNotUsed {
                kind: Kind::Segment,
                value: v("01"),
            },
        ),
        e(
            Some(2),
            at(3, "コード"),
            P::ValueRequired {
                kind: Kind::Segment,
            },
        ),
        e(
            Some(2),
            at(3, "コード"),
            P::CodeInTypeRow {
                id: v("KODOMO01"),
                value: v("1"),
            },
        ),
        e(
            Some(2),
            at(5, "公費負担者番号"),
            P::InsurerNumberFormat {
                value: v("８８１３４４５７"),
                halfwidth: Some(v("88134457")),
            },
        ),
        e(
            Some(2),
            at(5, "公費負担者番号"),
            P::InsurerNumberTwice {
                value: v("88134457"),
            },
        ),
        e(
            Some(2),
            at(6, "法別番号"),
            P::HoubetsuFormat {
                value: v("06"),
                health_insurance: true,
                halfwidth: None,
            },
        ),
        e(
            Some(2),
            at(6, "法別番号"),
            P::HoubetsuTwice { value: v("54") },
        ),
        e(
            Some(2),
            at(5, "公費負担者番号"),
            P::InsurerNotInHoubetsu {
                number: v("88134457"),
                houbetsu: vec![v("54"), v("51")],
            },
        ),
        e(
            Some(2),
            at(7, "受給者番号検証"),
            P::RecipientCheckValue {
                value: v("たぶん")
            },
        ),
        e(
            Some(3),
            at(2, "機関別受給者証種別ID"),
            P::TypeDefinedTwice {
                id: v("KODOMO01"),
                first: place(2),
            },
        ),
        e(
            Some(3),
            at(3, "コード"),
            P::CodeNotUsable { code: v("a\tb") },
        ),
        e(
            Some(3),
            at(9, "項目名"),
            P::ItemNameDiffers {
                item: v("01"),
                name: v("呼吸器"),
                first_name: v("人工呼吸器等装着"),
                first: place(2),
            },
        ),
        e(
            Some(3),
            at(3, "コード"),
            P::AlreadyDefined {
                kind: Kind::Condition,
                value: v("01-1"),
                scope: Some(v("NANBYO01")),
                first: place(2),
                first_scope: None,
            },
        ),
        e(
            Some(3),
            at(2, "機関別受給者証種別ID"),
            P::TypeIdTwice { id: v("A1") },
        ),
        e(
            Some(3),
            at(2, "機関別受給者証種別ID"),
            P::NoTypeId { value: v(";;") },
        ),
        e(
            Some(3),
            at(2, "機関別受給者証種別ID"),
            P::NotAlnum {
                value: v("ＡＢ１"),
                halfwidth: Some(v("AB1")),
            },
        ),
        e(
            Some(3),
            None,
            P::UndefinedType {
                kind: Kind::IncomeSegment,
                id: v("X1"),
                defined: vec![v("A1"), v("B2")],
                more: 3,
            },
        ),
    ]
}

#[test]
fn every_master_error_renders_in_both_languages() {
    let all = master_samples();
    assert_covers(
        all.iter().map(|e| master_variant(&e.problem)),
        29,
        "MasterProblem",
    );
    for e in &all {
        let what = master_variant(&e.problem);
        let (ja, en) = (e.message(Lang::Ja), e.message(Lang::En));
        assert_renders(what, &ja, &en);
        assert!(ja.starts_with("制度マスタ「m.csv」"), "{what}: {ja}");
        assert!(en.starts_with("master \"m.csv\""), "{what}: {en}");
        if let Some(line) = e.line {
            assert!(ja.contains(&format!("{line}行目")), "{what}: {ja}");
            assert!(en.contains(&format!("line {line}")), "{what}: {en}");
        }
        assert_eq!(e.to_string(), ja, "{what}: Display is Japanese");
    }
    // Several problems of one file: a header line, then one line each.
    let several = ConfigError::Masters {
        file: "m.csv".into(),
        total: 40,
        first: all[..3].to_vec(),
    };
    let (ja, en) = (several.message(Lang::Ja), several.message(Lang::En));
    assert_renders("Masters", &ja, &en);
    assert!(
        ja.starts_with("制度マスタ「m.csv」に誤りが40件あります（最初の3件）:\n- "),
        "{ja}"
    );
    assert!(
        en.starts_with("master \"m.csv\" has 40 problems (the first 3):\n- "),
        "{en}"
    );
    assert_eq!(ja.matches("\n- ").count(), 3);
}

#[test]
fn master_sentences_are_unchanged() {
    // Word for word what the loader wrote before errors became enums (tests and staff rely on
    // them).
    let all = master_samples();
    let find = |name: &str| {
        all.iter()
            .find(|e| master_variant(&e.problem) == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let e = find("AlreadyDefined");
    assert_eq!(
        e.message(Lang::Ja),
        "制度マスタ「m.csv」3行目 3列目「コード」: 追加条件「01-1」（受給者証種別「NANBYO01」）は 「a.csv」2行目 で既に定義されています（すべての受給者証種別）"
    );
    assert_eq!(
        e.message(Lang::En),
        "master \"m.csv\" line 3, column 3 \"コード\": condition \"01-1\" (certificate type \"NANBYO01\") is already defined at \"a.csv\" line 2 (every certificate type)"
    );
    let e = find("KindEmpty");
    assert_eq!(
        e.message(Lang::Ja),
        "制度マスタ「m.csv」2行目 列「種類」: 種類が空です（受給者証種別、区分、所得区分、追加条件 のどれかを書いてください）"
    );
    assert_eq!(
        e.message(Lang::En),
        "master \"m.csv\" line 2, column \"種類\" (kind): the kind is empty (write one of 受給者証種別、区分、所得区分、追加条件 / certificate_type, segment, income_segment, condition)"
    );
    let e = find("DuplicateColumn");
    assert_eq!(
        e.message(Lang::Ja),
        "制度マスタ「m.csv」1行目（見出し行） 5列目「kind」: 列「種類」が 1列目「種類」と重複しています"
    );
    assert_eq!(
        e.message(Lang::En),
        "master \"m.csv\" line 1 (header row), column 5 \"kind\": column \"種類\" (kind) repeats column 1 \"種類\""
    );
    let e = find("Mojibake");
    assert_eq!(
        e.message(Lang::Ja),
        "制度マスタ「m.csv」4行目 2列目: 文字コードとして読めないバイトがあります（文字化け）"
    );
    let e = find("UndefinedType");
    assert_eq!(
        e.message(Lang::Ja),
        "制度マスタ「m.csv」3行目 列「機関別受給者証種別ID」: 所得区分 の行が受給者証種別「X1」を指定していますが、その受給者証種別はどのマスタにも定義されていません（定義済み: A1, B2 ほか3件）"
    );
    assert_eq!(
        e.message(Lang::En),
        "master \"m.csv\" line 3, column \"機関別受給者証種別ID\": this income_segment row names certificate type \"X1\", which no master file defines (defined: A1, B2 and 3 more)"
    );
    let e = find("InsurerNumberFormat");
    assert_eq!(
        e.message(Lang::Ja),
        "制度マスタ「m.csv」2行目 5列目「公費負担者番号」: 公費負担者番号「８８１３４４５７」は半角数字8桁ではありません（全角です。半角で「88134457」と書いてください）（複数あるときは ; で区切ります）"
    );
}

fn xlsx_variant(e: &XlsxError) -> &'static str {
    use XlsxError as E;
    match e {
        E::Internal => "Internal",
        E::Password => "Password",
        E::Xls => "Xls",
        E::Xlsb => "Xlsb",
        E::NotXlsx { .. } => "NotXlsx",
        E::NoWorksheet => "NoWorksheet",
        E::SheetNotFound { .. } => "SheetNotFound",
        E::ChartSheet { .. } => "ChartSheet",
        E::NotAWorksheet { .. } => "NotAWorksheet",
        E::Damaged { .. } => "Damaged",
        E::OutsideGrid { .. } => "OutsideGrid",
        E::CellsOutOfOrder { .. } => "CellsOutOfOrder",
        E::DuplicateCell { .. } => "DuplicateCell",
        E::CellError { .. } => "CellError",
        E::TooLarge { .. } => "TooLarge",
        E::TooLong { .. } => "TooLong",
    }
}

#[test]
fn every_xlsx_error_renders_in_both_languages() {
    use XlsxError as E;
    let sheet = || "データ".to_owned();
    let all = vec![
        E::Internal,
        E::Password,
        E::Xls,
        E::Xlsb,
        E::NotXlsx {
            detail: "Zip error: invalid Zip archive".into(),
        },
        E::NoWorksheet,
        E::SheetNotFound {
            sheet: "Sheet1".into(),
            worksheets: vec![],
        },
        E::ChartSheet {
            sheet: "グラフ".into(),
            worksheets: vec![sheet(), "説明".into()],
        },
        E::NotAWorksheet { sheet: sheet() },
        E::Damaged {
            sheet: sheet(),
            detail: "cells out of order".into(),
        },
        E::CellError {
            sheet: sheet(),
            value: "#DIV/0!".into(),
        },
        E::OutsideGrid {
            sheet: sheet(),
            cell: "XFE1".into(),
        },
        E::CellsOutOfOrder { sheet: sheet() },
        E::DuplicateCell {
            sheet: sheet(),
            cell: "B3".into(),
        },
        E::TooLarge {
            sheet: sheet(),
            rows: 1_048_576,
            columns: 16_384,
        },
        E::TooLong {
            sheet: sheet(),
            limit_mib: 64,
        },
    ];
    assert_covers(all.iter().map(xlsx_variant), 16, "XlsxError");
    for e in &all {
        let what = xlsx_variant(e);
        assert_renders(what, &e.message(Lang::Ja), &e.message(Lang::En));
        assert_eq!(e.to_string(), e.message(Lang::Ja), "{what}");
    }
    assert_eq!(
        all[6].message(Lang::Ja),
        "シート「Sheet1」が見つかりません。このファイルのシート: (なし)"
    );
    assert_eq!(
        all[7].message(Lang::En),
        "Sheet \"グラフ\" is not a worksheet (a chart sheet?); name a sheet with data. Worksheets: \"データ\", \"説明\""
    );
}

#[test]
fn every_redact_error_renders_in_both_languages() {
    for first in [
        None,
        Some(FindingAt {
            code: Code::MyNumberCheckDigit,
            row: Some(3),
            column: Some(2),
        }),
    ] {
        let e = RedactError::FindingsChanged {
            original: 4,
            redacted: 5,
            first,
        };
        let what = match e {
            RedactError::FindingsChanged { .. } => "FindingsChanged",
            RedactError::UnsupportedEncoding { .. } => "UnsupportedEncoding",
        };
        let (ja, en) = (e.message(Lang::Ja), e.message(Lang::En));
        assert_renders(what, &ja, &en);
        assert_eq!(e.to_string(), ja);
        if first.is_some() {
            assert!(ja.contains(" 3行目 B列）"), "{ja}");
            assert!(en.contains(" row 3 column B)"), "{en}");
        }
    }
}

fn diff_variant(e: &DiffError) -> &'static str {
    use DiffError as E;
    match e {
        E::NoCertificateKey => "NoCertificateKey",
        E::PeriodNeedsValidFrom => "PeriodNeedsValidFrom",
        E::NoHistoryKey { .. } => "NoHistoryKey",
        E::NoDeletionFlag { .. } => "NoDeletionFlag",
        E::UnknownFillField { .. } => "UnknownFillField",
        E::SequenceNeedsState => "SequenceNeedsState",
        E::State { .. } => "State",
        E::Io(_) => "Io",
        E::Changed(_) => "Changed",
        E::UnusableSnapshot { .. } => "UnusableSnapshot",
        E::TooManyDeletions { .. } => "TooManyDeletions",
        E::Unencodable { .. } => "Unencodable",
        E::KeySchemeChanged { .. } => "KeySchemeChanged",
    }
}

fn state_variant(p: StateProblem) -> &'static str {
    use StateProblem as S;
    match p {
        S::NotText => "NotText",
        S::NotAState => "NotAState",
        S::Expected(_) => "Expected",
        S::UnknownScheme => "UnknownScheme",
        S::UnknownRowKey => "UnknownRowKey",
        S::BadCount => "BadCount",
        S::BadRowKey => "BadRowKey",
        S::BadContent => "BadContent",
        S::BadCounter => "BadCounter",
        S::TextAfterEnd => "TextAfterEnd",
        S::EndsEarly => "EndsEarly",
    }
}

#[test]
fn every_diff_error_renders_in_both_languages() {
    use DiffError as E;
    use StateProblem as S;
    let problems = [
        S::NotText,
        S::NotAState,
        S::Expected("scheme"),
        S::UnknownScheme,
        S::UnknownRowKey,
        S::BadCount,
        S::BadRowKey,
        S::BadContent,
        S::BadCounter,
        S::TextAfterEnd,
        S::EndsEarly,
    ];
    assert_covers(
        problems.iter().copied().map(state_variant),
        11,
        "StateProblem",
    );
    let mut all = vec![
        E::NoCertificateKey,
        E::PeriodNeedsValidFrom,
        E::NoHistoryKey {
            layout: "full".into(),
        },
        E::NoDeletionFlag {
            layout: "diff".into(),
            field: "isDeleted".into(),
        },
        E::UnknownFillField {
            field: "nope".into(),
        },
        E::SequenceNeedsState,
        E::KeySchemeChanged {
            changes: vec![
                crate::tools::diff::KeySchemeChange::HistoryKey {
                    was: HistoryKeyScheme::Sequence,
                    now: HistoryKeyScheme::Hash,
                },
                crate::tools::diff::KeySchemeChange::RowKey {
                    was: RowKey::Period,
                    now: RowKey::Certificate,
                },
                crate::tools::diff::KeySchemeChange::CertificateKey {
                    was: vec!["myNumber".into(), "certificationSubKey".into()],
                    now: vec!["myNumber".into()],
                },
            ],
        },
        E::Io("No such file or directory (os error 2)".into()),
        E::Changed(Side::From),
        E::Changed(Side::To),
        E::Unencodable {
            row: 7,
            column: "氏名".into(),
            ch: '\u{20BB7}',
        },
        E::UnusableSnapshot {
            side: Side::To,
            reason: crate::tools::diff::Unusable::NoRows,
        },
        E::UnusableSnapshot {
            side: Side::To,
            reason: crate::tools::diff::Unusable::MissingKeyColumn {
                label: "個人番号".into(),
            },
        },
        E::UnusableSnapshot {
            side: Side::From,
            reason: crate::tools::diff::Unusable::NoKeyedRows,
        },
        E::UnusableSnapshot {
            side: Side::To,
            reason: crate::tools::diff::Unusable::RowsUnread {
                code: crate::findings::codes::Code::UnclosedQuote,
                row: Some(28),
            },
        },
        E::UnusableSnapshot {
            side: Side::From,
            reason: crate::tools::diff::Unusable::RowsUnread {
                code: crate::findings::codes::Code::RecordTooLong,
                row: None,
            },
        },
        E::TooManyDeletions {
            deletions: 120,
            previous: 1000,
            limit: crate::tools::diff::DeletionLimit::Default,
        },
        E::TooManyDeletions {
            deletions: 120,
            previous: 1000,
            limit: crate::tools::diff::DeletionLimit::Share { basis_points: 250 },
        },
    ];
    all.extend(
        problems
            .iter()
            .map(|&problem| E::State { line: 2, problem }),
    );
    assert_covers(all.iter().map(diff_variant), 13, "DiffError");
    for e in &all {
        let what = diff_variant(e);
        let (ja, en) = (e.message(Lang::Ja), e.message(Lang::En));
        assert_renders(what, &ja, &en);
        assert_eq!(e.to_string(), ja, "{what}");
        if let E::State { problem, .. } = e {
            // The reason is Japanese too (it used to be the English words inside the Japanese).
            let why = ja
                .split_once('（')
                .and_then(|(_, r)| r.split_once('）'))
                .map_or("", |(w, _)| w);
            assert!(
                why.chars().any(is_japanese),
                "{}: {ja}",
                state_variant(*problem)
            );
        }
    }
}

#[test]
fn every_diff_issue_renders_in_both_languages() {
    use DiffIssue as I;
    let all = vec![
        I::Collision {
            side: Side::To,
            rows: vec![3, 4],
            count: 2,
            written: false,
        },
        I::Collision {
            side: Side::From,
            rows: vec![3, 4, 5, 6, 7],
            count: 9,
            written: true,
        },
        I::EmptyKey {
            side: Side::From,
            rows: vec![2],
            count: 1,
        },
        I::Filled {
            field: "isAlwaysReimbursement".into(),
            label: "常時償還払い".into(),
            value: "0".into(),
            count: 3,
        },
        I::UnknownHistoryKey {
            rows: vec![8],
            count: 1,
        },
        I::StateIncomplete { count: 4 },
        I::StateFromOtherSnapshot,
        I::FieldsNotInDiffLayout {
            fields: vec!["a".into(), "b".into()],
        },
    ];
    let names = all.iter().map(|i| match i {
        I::Collision { .. } => "Collision",
        I::EmptyKey { .. } => "EmptyKey",
        I::Filled { .. } => "Filled",
        I::UnknownHistoryKey { .. } => "UnknownHistoryKey",
        I::StateIncomplete { .. } => "StateIncomplete",
        I::StateFromOtherSnapshot => "StateFromOtherSnapshot",
        I::FieldsNotInDiffLayout { .. } => "FieldsNotInDiffLayout",
    });
    assert_covers(names, 7, "DiffIssue");
    for i in &all {
        assert_renders(
            &format!("{i:?}"),
            &i.message(Lang::Ja),
            &i.message(Lang::En),
        );
    }
    assert!(
        all[1]
            .message(Lang::Ja)
            .contains("3行目・4行目・5行目・6行目・7行目 ほか（計 9 行）")
    );
    assert!(
        all[1]
            .message(Lang::En)
            .contains("rows 3, 4, 5, 6, 7 and more (9 rows)")
    );
}

#[test]
fn masters_describe_in_both_languages() {
    let empty = Masters::new();
    assert_renders(
        "describe",
        &empty.describe(Lang::Ja),
        &empty.describe(Lang::En),
    );
}
