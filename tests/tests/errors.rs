//! Errors are values a caller can branch on: each failure below comes back as its variant,
//! with the facts (file, line, column, values) in fields, through the public API only. The
//! sentences themselves are tested in `core/src/findings/error_text/tests.rs`.

use conformance::fixtures_dir;
use pmh_core::diff::{DiffError, DiffState, StateProblem};
use pmh_core::xlsx::{XlsxError, sheet_to_csv};
use pmh_core::{
    ColumnMapping, ConfigError, Lang, Layout, LayoutError, MappingError, MasterCell, MasterColumn,
    MasterError, MasterKind, MasterPlace, MasterProblem, Masters,
};

const HEADER: &str = "種類,機関別受給者証種別ID,コード,名称,公費負担者番号,法別番号,受給者番号検証,項目コード,項目名\r\n";

fn master(rows: &str) -> String {
    format!("{HEADER}{rows}")
}

fn place(source: &str, line: u64) -> MasterPlace {
    MasterPlace {
        source: source.into(),
        line,
    }
}

/// The one master problem of a failed load.
fn one(e: ConfigError) -> MasterError {
    match e {
        ConfigError::Master(m) => m,
        other => panic!("expected one master problem, got {other:?}"),
    }
}

#[test]
fn a_duplicate_definition_across_files_names_both_places() {
    let a = master("受給者証種別,KODOMO01,,子ども,88134457,,,,\r\n区分,,1,入院,,,,,\r\n");
    let b = master("受給者証種別,NANBYO01,,難病,,54,,,\r\n区分,NANBYO01,1,入院,,,,,\r\n");
    let e = Masters::from_files([("a.csv", a.as_bytes()), ("b.csv", b.as_bytes())]).unwrap_err();
    let e = one(e);
    assert_eq!(e.file, "b.csv");
    assert_eq!(e.line, Some(3));
    assert_eq!(
        e.cell,
        Some(MasterCell::At {
            number: 3,
            header: "コード".into()
        })
    );
    assert_eq!(
        *e.problem,
        MasterProblem::AlreadyDefined {
            kind: MasterKind::Segment,
            value: "1".into(),
            scope: Some("NANBYO01".into()),
            first: place("a.csv", 3),
            first_scope: None,
        }
    );
    // Display is the Japanese sentence; English on request.
    assert!(e.to_string().contains("「a.csv」3行目"), "{e}");
    assert!(e.message(Lang::En).contains("\"a.csv\" line 3"));
}

#[test]
fn a_certificate_type_defined_twice_points_at_the_first() {
    let text = master(
        "受給者証種別,KODOMO01,,子ども,88134457,,,,\r\n受給者証種別,KODOMO01,,子ども,88134457,,,,\r\n",
    );
    let e = one(Masters::from_files([("m.csv", text.as_bytes())]).unwrap_err());
    assert_eq!(e.line, Some(3));
    assert_eq!(
        *e.problem,
        MasterProblem::TypeDefinedTwice {
            id: "KODOMO01".into(),
            first: place("m.csv", 2),
        }
    );
}

#[test]
fn several_problems_of_one_file_are_one_error_listing_each() {
    let text = master("区別,,1,,,,,,\r\n区分,,,,,,,,\r\n受給者証種別,ＡＢ１,,,,,,,\r\n");
    let e = Masters::from_files([("m.csv", text.as_bytes())]).unwrap_err();
    let ConfigError::Masters { file, total, first } = &e else {
        panic!("expected several problems, got {e:?}");
    };
    assert_eq!(file, "m.csv");
    assert_eq!(*total, 3);
    let problems: Vec<&MasterProblem> = first.iter().map(|m| &*m.problem).collect();
    assert_eq!(
        problems,
        [
            &MasterProblem::KindUnknown {
                value: "区別".into()
            },
            &MasterProblem::ValueRequired {
                kind: MasterKind::Segment
            },
            &MasterProblem::NotAlnum {
                value: "ＡＢ１".into(),
                halfwidth: Some("AB1".into())
            },
        ]
    );
    assert_eq!(e.message(Lang::Ja).matches("\n- ").count(), 3);
}

#[test]
fn a_missing_column_and_an_undefined_type_are_told_apart() {
    let text = "種類,機関別受給者証種別ID,コード\r\n追加条件,,1\r\n";
    let e = one(Masters::from_files([("m.csv", text.as_bytes())]).unwrap_err());
    assert_eq!(
        *e.problem,
        MasterProblem::RequiredColumnMissing {
            column: MasterColumn::ItemCode,
            kind: MasterKind::Condition,
        }
    );

    let text =
        master("受給者証種別,KODOMO01,,子ども,88134457,,,,\r\n区分,NANBYO01,1,入院,,,,,\r\n");
    let e = one(Masters::from_files([("m.csv", text.as_bytes())]).unwrap_err());
    assert!(
        matches!(
            &*e.problem,
            MasterProblem::UndefinedType { kind: MasterKind::Segment, id, defined, more: 0 }
                if id == "NANBYO01" && defined == &["KODOMO01"]
        ),
        "{e:?}"
    );
}

#[test]
fn layout_problems_are_layout_variants() {
    let dup = pmh_core::FULL_TOML.replacen(
        "id = \"myNumber\"",
        "id = \"orgSpecificCertificateTypeId\"",
        1,
    );
    assert_eq!(
        Layout::from_toml(&dup).unwrap_err(),
        ConfigError::Layout(LayoutError::DuplicateFieldId {
            field: "orgSpecificCertificateTypeId".into()
        })
    );
    let e = Layout::from_toml("id = \"x\"\nversion = ").unwrap_err();
    assert!(
        matches!(&e, ConfigError::Layout(LayoutError::Toml { detail }) if detail.contains("line 2")),
        "{e:?}"
    );
}

#[test]
fn a_mapping_to_an_unknown_field_names_it() {
    let e =
        ColumnMapping::from_json(r#"{"columns": {"番号": "nope"}}"#, &Layout::full()).unwrap_err();
    assert_eq!(
        e,
        ConfigError::Mapping(MappingError::UnknownTarget {
            target: "nope".into(),
            layout: "full".into(),
        })
    );
}

#[test]
fn a_missing_sheet_lists_the_worksheets() {
    let bytes = std::fs::read(fixtures_dir().join("xlsx/sheets.xlsx")).unwrap();
    let e = sheet_to_csv(&bytes, Some("全件")).unwrap_err();
    assert_eq!(
        e,
        XlsxError::SheetNotFound {
            sheet: "全件".into(),
            worksheets: vec!["リスト".into(), "説明".into(), "データ".into()],
        }
    );
    assert!(matches!(
        sheet_to_csv(b"a,b\r\n", None).unwrap_err(),
        XlsxError::NotXlsx { .. }
    ));
}

#[test]
fn a_bad_state_file_names_the_line_and_the_reason() {
    let e = DiffState::from_text("pmhcsv-diff-state 1\nscheme nope\n").unwrap_err();
    assert_eq!(
        e,
        DiffError::State {
            line: 2,
            problem: StateProblem::UnknownScheme
        }
    );
    assert_eq!(
        e.message(Lang::Ja),
        "状態ファイルの 2 行目を読めません（知らない履歴キー方式です）。pmhcsv diff が書いたファイルを指定してください。"
    );
    assert_eq!(
        e.message(Lang::En),
        "state file, line 2: unknown scheme; pass a file written by pmhcsv diff"
    );
}
