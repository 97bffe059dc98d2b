//! Invariants over the layouts and the code catalogue: what a reviewer would otherwise have
//! to check by eye.

use std::collections::HashSet;

use pmh_core::ValueType;
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
fn rules_and_their_bases_belong_to_the_field() {
    // A code field lists its codes once each; a per-rule basis names a rule the field has.
    for l in layouts() {
        for f in &l.fields {
            let id = format!("{}: {}", l.id, f.id);
            if f.value_type == ValueType::Code {
                assert!(!f.codes.is_empty(), "{id}: code field without codes");
            }
            let codes: HashSet<&str> = f.codes.iter().map(|c| c.code.as_str()).collect();
            assert_eq!(codes.len(), f.codes.len(), "{id}: a code listed twice");
            let rb = &f.rule_basis;
            if rb.max_length.is_some() {
                assert!(
                    f.length.is_some() || f.min_length.is_some() || f.max_length.is_some(),
                    "{id}: basis of a length rule it does not have"
                );
            }
            if rb.checks.is_some() {
                assert!(
                    !f.checks.is_empty(),
                    "{id}: basis of checks it does not have"
                );
            }
            if rb.codes.is_some() {
                assert!(
                    !f.codes.is_empty() || f.value_type != ValueType::Text,
                    "{id}: basis of a code list it does not have"
                );
            }
            // A non-verified rule of a verified field, or the reverse, is a deliberate entry:
            // never the field's own basis again.
            for b in [rb.required, rb.max_length, rb.chars, rb.codes, rb.checks]
                .into_iter()
                .flatten()
            {
                assert_ne!(b, f.basis, "{id}: rule_basis repeats the field's basis");
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
            matches!(&s[..1], "S" | "V" | "R" | "K" | "N" | "C" | "M" | "X" | "P"),
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
fn code_ids_parse_back_and_index_their_position() {
    for (i, &c) in Code::ALL.iter().enumerate() {
        assert_eq!(Code::parse(c.as_str()), Some(c), "{}", c.as_str());
        assert_eq!(Code::parse(&c.as_str().to_lowercase()), Some(c));
        assert_eq!(Code::parse(&format!(" {} ", c.as_str())), Some(c));
        assert_eq!(c.index(), i, "{}: index is its position in ALL", c.as_str());
    }
    for bad in [
        "", "V", "V0", "V000", "V1000", "Z001", "S099", "XX01", "V001x",
    ] {
        assert_eq!(Code::parse(bad), None, "{bad}");
    }
}

#[test]
fn docs_and_explain_list_every_code() {
    let md = pmh_core::docs::codes_markdown();
    let file = std::fs::read_to_string(conformance::fixtures_dir().join("../docs/codes.md"))
        .expect("docs/codes.md");
    for &c in Code::ALL {
        let i = c.info();
        let heading = format!("## {} — {} / {}\n", c.as_str(), i.title_ja, i.title_en);
        assert!(md.contains(&heading), "codes_markdown lacks {heading}");
        assert!(file.contains(&heading), "docs/codes.md lacks {heading}");
        let ja = pmh_core::docs::explain(c, pmh_core::Lang::Ja);
        let en = pmh_core::docs::explain(c, pmh_core::Lang::En);
        assert!(ja.starts_with(c.as_str()) && ja.contains(i.hint_ja), "{ja}");
        assert!(en.starts_with(c.as_str()) && en.contains(i.hint_en), "{en}");
    }
    // One heading per code, no more.
    assert_eq!(md.matches("\n## ").count(), Code::ALL.len());
}

#[test]
fn every_code_is_produced_by_a_fixture() {
    // The manifest's sets are exact (tests/tests/fixtures.rs), so this is what fixtures do.
    let produced: HashSet<Code> = conformance::declared_outcomes()
        .into_values()
        .filter_map(|o| match o {
            conformance::Outcome::Codes(c) => Some(c),
            conformance::Outcome::Unreadable => None,
        })
        .flatten()
        .collect();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| !produced.contains(c))
        .map(|c| c.as_str())
        .collect();
    assert!(missing.is_empty(), "codes no fixture produces: {missing:?}");
}

#[test]
fn every_code_has_messages_in_both_languages() {
    let layout = Layout::full();
    for &c in Code::ALL {
        let m = pmh_core::message(&layout, &pmh_core::Diagnostic::new(c), false);
        assert!(
            !m.ja.trim().is_empty(),
            "{}: no Japanese message",
            c.as_str()
        );
        assert!(
            !m.en.trim().is_empty(),
            "{}: no English message",
            c.as_str()
        );
        assert!(
            !m.ja.is_ascii(),
            "{}: the Japanese message is English: {}",
            c.as_str(),
            m.ja
        );
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
