//! Generated documentation is checked in and must match the data it is generated from.
//! `UPDATE_DOCS=1 cargo test -p conformance --test docs` rewrites it.

use std::path::Path;

use pmh_core::{Layout, docs};

fn check(path: &str, expected: &str) {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, expected).unwrap();
        return;
    }
    let actual = std::fs::read_to_string(&p).unwrap_or_default();
    assert!(
        actual == expected,
        "{path} is out of date: run UPDATE_DOCS=1 cargo test -p conformance --test docs"
    );
}

#[test]
fn codes_md_is_current() {
    check("docs/codes.md", &docs::codes_markdown());
}

#[test]
fn layout_docs_are_current() {
    check(
        "docs/layout-full.md",
        &docs::layout_markdown(&Layout::full()),
    );
    check(
        "docs/layout-diff.md",
        &docs::layout_markdown(&Layout::diff()),
    );
}
