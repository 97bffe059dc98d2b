//! The 追加条件 grammar, in one place (pmh-layout.md row 15, grammar VERIFIED): `項目コード-コード`
//! pairs joined by `;`. The hyphen is `-` or `‐` (U+2010, as the spec prints it); both codes are
//! 半角英数. Spaces around an entry and one trailing `;` are tolerated; an empty entry anywhere
//! else (`01-1;;02-3`), a space inside an entry (`01 - 1`) or a code that is not 半角英数 makes
//! the entry malformed.
//!
//! V007 (syntax) and the master checks M005/M006 (unknown item or code) both read a value
//! through [`entries`] and nothing else, so a value can never be well-formed for one and
//! malformed for the other.

use crate::domain::chars::trim_edges;

/// One well-formed entry of a 追加条件 value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Condition<'a> {
    /// 1-based position of the entry among the `;`-separated entries.
    pub(crate) index: u32,
    /// 項目コード.
    pub(crate) item: &'a str,
    /// コード.
    pub(crate) code: &'a str,
}

/// The entries of a 追加条件 value, in order: `Ok` for a well-formed entry, `Err(index)` (1-based)
/// for a malformed one. An empty value (after trimming its edges) has no entries.
pub(crate) fn entries(value: &str) -> impl Iterator<Item = Result<Condition<'_>, u32>> {
    let value = trim_edges(value);
    let parts = if value.is_empty() {
        0
    } else {
        value.split(';').count()
    };
    value
        .split(';')
        .take(parts)
        .enumerate()
        .filter_map(move |(i, part)| {
            let entry = trim_edges(part);
            if entry.is_empty() && i + 1 == parts && parts > 1 {
                return None; // one trailing ';'
            }
            let index = u32::try_from(i + 1).unwrap_or(u32::MAX);
            Some(
                entry
                    .split_once(['-', '\u{2010}'])
                    .filter(|(item, code)| is_code(item) && is_code(code))
                    .map(|(item, code)| Condition { index, item, code })
                    .ok_or(index),
            )
        })
}

/// 1-based index of the first malformed entry (V007), if any.
pub(crate) fn first_malformed(value: &str) -> Option<u32> {
    if plainly_well_formed(value) {
        return None;
    }
    entries(value).find_map(Result::err)
}

/// The common written form, read without trimming: `項目コード-コード` pairs of ASCII letters and
/// digits joined by `;`, with at most one trailing `;` and no space anywhere. Every such value
/// is well-formed for [`entries`] (a test checks it on generated values); anything else — a
/// space, `‐`, an empty entry — goes through [`entries`]. Read byte by byte (string splitting
/// cost about 600 instructions for `01-1;02-3`); a test compares it with the split form.
fn plainly_well_formed(value: &str) -> bool {
    let b = value.as_bytes();
    let mut i = 0;
    let run = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_alphanumeric) {
            *i += 1;
        }
        *i > start
    };
    loop {
        if !run(&mut i) || b.get(i) != Some(&b'-') {
            return false;
        }
        i += 1;
        if !run(&mut i) {
            return false;
        }
        match b.get(i) {
            None => return true,
            Some(b';') if i + 1 == b.len() => return true, // one trailing ';'
            Some(b';') => i += 1,
            Some(_) => return false,
        }
    }
}

/// The form build writes (pmh-layout.md row 15: "accept `-` and `‐`, write `-`"): the
/// entries joined by `;` with `-` between item and code, without the spaces and the trailing
/// `;` the grammar tolerates. `None` when the value is already so, or when an entry is
/// malformed (V007 then reports it as it stands).
pub(crate) fn canonical(value: &str) -> Option<String> {
    if is_canonical(value) {
        return None;
    }
    let mut out = String::with_capacity(value.len());
    for e in entries(value) {
        let c = e.ok()?;
        if !out.is_empty() {
            out.push(';');
        }
        out.push_str(c.item);
        out.push('-');
        out.push_str(c.code);
    }
    (!out.is_empty() && out != value).then_some(out)
}

/// Whether `value` is written as [`canonical`] would write it (the common case, decided on
/// its bytes).
pub(crate) fn is_canonical(value: &str) -> bool {
    plainly_well_formed(value) && !value.ends_with(';')
}

fn is_code(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &str) -> Vec<Result<(u32, &str, &str), u32>> {
        entries(v)
            .map(|e| e.map(|c| (c.index, c.item, c.code)))
            .collect()
    }

    #[test]
    fn canonical_form_is_what_build_writes() {
        assert_eq!(canonical("01-1;02-3"), None);
        assert_eq!(canonical("01‐1"), Some("01-1".into()));
        assert_eq!(canonical(" 01-1 ; 02‐3 ;"), Some("01-1;02-3".into()));
        assert_eq!(canonical("01-1;"), Some("01-1".into()));
        assert_eq!(
            canonical("01-1;;02-3"),
            None,
            "malformed: V007 reports it as it is"
        );
        assert_eq!(canonical("01 - 1"), None);
        assert_eq!(canonical(""), None);
        // Whatever is canonical is well-formed, and canonical again.
        for v in ["01‐1;02‐3", "A-b ;", "1-1;2-2;3‐3"] {
            let c = canonical(v).unwrap();
            assert!(is_canonical(&c) && first_malformed(&c).is_none(), "{c}");
            assert_eq!(canonical(&c), None);
        }
    }

    /// The byte-level fast path says "well-formed" only of values [`entries`] reads without a
    /// malformed entry; generated values reach both its answers.
    #[test]
    fn plain_form_is_well_formed() {
        use proptest::prelude::*;
        let plain = std::cell::Cell::new(0u32);
        let mut runner = proptest::test_runner::TestRunner::default();
        runner
            .run(
                &"[0-9a-zA-Z;\\- ‐]{0,12}|([0-9A]{1,2}-[0-9a]{1,2};){0,3}|[0-9A]{1,2}-[0-9a]{1,2}(;[0-9A]{1,2}-[0-9a ]{1,2}){0,3};?",
                |v| {
                    let fast = plainly_well_formed(&v);
                    prop_assert_eq!(fast, plainly_well_formed_by_split(&v), "{:?}", v);
                    if fast {
                        plain.set(plain.get() + 1);
                        prop_assert!(entries(&v).all(|e| e.is_ok()), "{v:?}");
                        prop_assert!(entries(&v).count() > 0, "{v:?}");
                    }
                    prop_assert_eq!(first_malformed(&v), entries(&v).find_map(Result::err));
                    Ok(())
                },
            )
            .unwrap();
        let plain = plain.get();
        assert!(
            plain > 10,
            "the generator reaches the fast path ({plain} times)"
        );
        assert!(plainly_well_formed("01-1;02-3;"));
        assert!(!plainly_well_formed("01-1;;02-3"));
        assert!(!plainly_well_formed(";"));
        assert!(!plainly_well_formed(""));
        assert!(!plainly_well_formed("01‐1"));
    }

    /// The byte reader's reference: the same form read by splitting the string.
    fn plainly_well_formed_by_split(value: &str) -> bool {
        let mut parts = value.split(';').peekable();
        let mut seen = false;
        while let Some(part) = parts.next() {
            if part.is_empty() && seen && parts.peek().is_none() {
                return true; // one trailing ';'
            }
            match part.split_once('-') {
                Some((item, code)) if is_code(item) && is_code(code) => seen = true,
                _ => return false,
            }
        }
        seen
    }

    #[test]
    fn well_formed() {
        assert_eq!(pairs(""), []);
        assert_eq!(pairs("  "), []);
        assert_eq!(pairs("01-1;02-3"), [Ok((1, "01", "1")), Ok((2, "02", "3"))]);
        assert_eq!(pairs("01‐1"), [Ok((1, "01", "1"))]);
        assert_eq!(pairs("01-1;"), [Ok((1, "01", "1"))]);
        assert_eq!(
            pairs("01-1; 02-3 "),
            [Ok((1, "01", "1")), Ok((2, "02", "3"))]
        );
    }

    #[test]
    fn malformed() {
        // Issue 8: both parsers used to accept these in one place or the other.
        assert_eq!(first_malformed("01-1;;02-3;"), Some(2));
        assert_eq!(first_malformed("01 - 1"), Some(1));
        assert_eq!(first_malformed("01-1;023"), Some(2));
        assert_eq!(first_malformed("-1"), Some(1));
        assert_eq!(first_malformed("01-"), Some(1));
        assert_eq!(first_malformed(";"), Some(1));
        assert_eq!(first_malformed("01-1;;"), Some(2));
        assert_eq!(first_malformed("０１-1"), Some(1));
        assert_eq!(first_malformed("01-1-2"), Some(1));
        assert_eq!(
            pairs("01-1;x;02-3"),
            [Ok((1, "01", "1")), Err(2), Ok((3, "02", "3"))]
        );
    }
}
