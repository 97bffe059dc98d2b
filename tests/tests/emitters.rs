//! One rule, one place: every finding code is emitted by exactly one function of
//! `core/src/check/`, and the catalogue (`Code::emitter`, shown by `pmhcsv explain`) names that
//! function. The test reads the checker's source: a code constructed in a second function, a
//! code no function emits, or a catalogue entry pointing elsewhere fails it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use pmh_core::Code;

/// `(file from the repository root, Type::function)` of every `Code::Variant` in non-test code.
fn emission_sites() -> BTreeMap<String, BTreeSet<(String, String)>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    collect(&root.join("core/src/check"), &mut files);
    assert!(
        files.len() >= 8,
        "expected the checker's sources, found {files:?}"
    );
    let mut sites: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for path in files {
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = fs::read_to_string(&path).unwrap();
        let (mut function, mut impl_type) = (String::new(), None::<String>);
        for line in text.lines() {
            if line.starts_with("#[cfg(test)]") {
                break; // unit tests follow
            }
            let trimmed = line.trim_start();
            if trimmed.starts_with("//") {
                continue;
            }
            if let Some(rest) = line.strip_prefix("impl") {
                // `impl<'l> Back<'l> {`, `impl KeyTracker {`
                let rest = rest.trim_start();
                let rest = if rest.starts_with('<') {
                    &rest[rest.find('>').map_or(0, |i| i + 1)..]
                } else {
                    rest
                };
                impl_type = Some(
                    rest.trim_start()
                        .split(|c: char| !c.is_alphanumeric() && c != '_')
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                );
            } else if !line.starts_with(' ') && fn_name(trimmed).is_some() {
                impl_type = None;
            }
            if let Some(name) = fn_name(trimmed) {
                function = match (&impl_type, line.starts_with(' ')) {
                    (Some(t), true) => format!("{t}::{name}"),
                    _ => name.to_owned(),
                };
            }
            for (i, _) in line.match_indices("Code::") {
                let variant: String = line[i + 6..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if variant == "ALL" {
                    continue;
                }
                sites
                    .entry(variant)
                    .or_default()
                    .insert((rel.clone(), function.clone()));
            }
        }
    }
    sites
}

fn fn_name(trimmed: &str) -> Option<&str> {
    let rest = trimmed
        .trim_start_matches("pub(crate) ")
        .trim_start_matches("pub(super) ")
        .trim_start_matches("pub(in crate::check) ")
        .trim_start_matches("pub ")
        .trim_start_matches("const ");
    let rest = rest.strip_prefix("fn ")?;
    rest.split(|c: char| !c.is_alphanumeric() && c != '_')
        .next()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs")
            && path.file_name().is_some_and(|n| n != "tests.rs")
        {
            out.push(path);
        }
    }
    out.sort();
}

#[test]
fn every_code_has_exactly_one_emitter_and_the_catalogue_names_it() {
    let sites = emission_sites();
    let mut problems = Vec::new();
    for &code in Code::ALL {
        let variant = format!("{code:?}");
        let e = code.emitter();
        let want = BTreeSet::from([(e.file.to_owned(), e.function.to_owned())]);
        match sites.get(&variant) {
            None => problems.push(format!("{}: no function emits it", code.as_str())),
            Some(found) if *found != want => problems.push(format!(
                "{}: emitted in {found:?}, catalogue says {want:?}",
                code.as_str()
            )),
            Some(_) => {}
        }
    }
    for variant in sites.keys() {
        if !Code::ALL.iter().any(|c| format!("{c:?}") == *variant) {
            problems.push(format!("Code::{variant} is not in the catalogue"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The scanner itself: it must see a second emitter when there is one (the test above would
/// otherwise pass on a scanner that finds nothing).
#[test]
fn the_scanner_sees_every_code_and_the_checker_functions() {
    let sites = emission_sites();
    assert_eq!(sites.len(), Code::ALL.len(), "{sites:?}");
    let functions: BTreeSet<&str> = sites.values().flatten().map(|(_, f)| f.as_str()).collect();
    for f in [
        "Back::cell",
        "Back::named_checks",
        "Back::header_row",
        "Back::row_checks",
        "KeyTracker::observe_key",
        "Back::master_checks",
        "Back::repair_row",
    ] {
        assert!(functions.contains(f), "{f} not found in {functions:?}");
    }
}

#[test]
fn explain_names_the_emitter() {
    for &code in Code::ALL {
        let e = code.emitter();
        for lang in [pmh_core::Lang::Ja, pmh_core::Lang::En] {
            let text = pmh_core::docs::explain(code, lang);
            assert!(text.contains(e.file) && text.contains(e.function), "{text}");
        }
        assert!(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join(e.file)
                .is_file(),
            "{}: {} does not exist",
            code.as_str(),
            e.file
        );
    }
}
