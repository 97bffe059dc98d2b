//! Invariants over the layouts and the code catalogue: what a reviewer would otherwise have
//! to check by eye.

use std::collections::HashSet;

use pmh_core::{Basis, ValueType};
use pmh_core::{Code, Lang, Layout};

fn layouts() -> [Layout; 2] {
    [Layout::full(), Layout::diff()]
}

#[test]
fn field_ids_unique_ascii_and_labelled() {
    for l in layouts() {
        let mut ids = HashSet::new();
        for f in &l.fields {
            assert!(ids.insert(f.id.clone()), "{}: duplicate id {}", l.id, f.id);
            assert!(
                f.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'),
                "{}",
                f.id
            );
            assert!(
                f.id.chars().next().is_some_and(|c| c.is_ascii_lowercase()),
                "lowerCamel id: {}",
                f.id
            );
            assert!(
                !f.label_ja.trim().is_empty() && !f.label_en.trim().is_empty(),
                "{}",
                f.id
            );
            assert!(
                !f.source.trim().is_empty(),
                "{}: every field cites its source",
                f.id
            );
        }
    }
}

#[test]
fn names_do_not_collide_across_fields() {
    for l in layouts() {
        let mut seen = std::collections::HashMap::new();
        for (i, f) in l.fields.iter().enumerate() {
            for n in std::iter::once(&f.label_ja).chain(f.aliases.iter()) {
                let k = pmh_core::fold(n);
                if let Some(j) = seen.insert(k.clone(), i) {
                    assert_eq!(i, j, "{}: '{n}' names two fields", l.id);
                }
            }
        }
    }
}

#[test]
fn every_field_has_a_basis_and_consistent_rules() {
    for l in layouts() {
        for f in &l.fields {
            let b = f.basis;
            assert!(matches!(
                b,
                Basis::Verified | Basis::Inferred | Basis::Unknown
            ));
            if f.value_type == ValueType::Code {
                assert!(!f.codes.is_empty(), "{}", f.id);
            }
        }
    }
}

#[test]
fn diff_extends_full() {
    let (full, diff) = (Layout::full(), Layout::diff());
    for f in &full.fields {
        assert!(diff.field_index(&f.id).is_some(), "diff lacks {}", f.id);
    }
    assert!(diff.keys.history_key.is_some());
    assert!(full.keys.no_overlap);
}

#[test]
fn codes_are_unique_categorised_and_documented() {
    let mut seen = HashSet::new();
    for c in Code::ALL {
        let s = c.as_str();
        assert!(seen.insert(s), "duplicate code {s}");
        assert_eq!(s.len(), 4, "{s}");
        assert!(
            matches!(&s[..1], "S" | "V" | "R" | "K" | "N" | "C" | "M" | "X"),
            "{s}: unknown category"
        );
        assert!(s[1..].chars().all(|c| c.is_ascii_digit()), "{s}");
        let i = c.info();
        for t in [
            i.title_ja, i.title_en, i.why_ja, i.why_en, i.hint_ja, i.hint_en,
        ] {
            assert!(!t.trim().is_empty(), "{s}: empty text");
        }
    }
    // Within a category, codes are listed in order (new codes are appended, never renumbered).
    for w in Code::ALL.windows(2) {
        let (a, b) = (w[0].as_str(), w[1].as_str());
        if a[..1] == b[..1] {
            assert!(a < b, "{a} before {b}");
        }
    }
}

#[test]
fn bad_layout_files_are_config_errors() {
    let good = pmh_core::FULL_TOML;
    for (what, text) in [
        ("syntax", "id = ".to_owned()),
        ("empty", String::new()),
        (
            "dup id",
            good.replacen(
                "id = \"myNumber\"",
                "id = \"orgSpecificCertificateTypeId\"",
                1,
            ),
        ),
        (
            "code w/o list",
            good.replacen("type = \"boolean\"", "type = \"code\"", 1),
        ),
        (
            "bad delimiter",
            good.replacen("delimiter = \",\"", "delimiter = \"ab\"", 1),
        ),
        (
            "bad basis",
            good.replacen("basis = \"verified\"", "basis = \"maybe\"", 1),
        ),
    ] {
        let e = Layout::from_toml(&text).expect_err(what);
        assert!(
            !e.message(Lang::Ja).is_empty() && !e.message(Lang::En).is_empty(),
            "{what}"
        );
    }
}
