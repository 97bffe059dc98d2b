//! `pmh_core::diff::compare` (issue 12 item 1), by property: generated pairs of 全件 snapshots
//! where the answer is known. The same certificates shuffled, with the fixed columns in another
//! order and re-encoded (CP932, UTF-16LE/BE) → nothing changed; k certificates removed →
//! exactly those k, by their rows in the previous file; one address changed → exactly that
//! certificate and that field; an empty, header-only or unkeyable snapshot, or one with rows
//! not read (an unclosed quote, a line too long) on either side → refused with the side and the
//! reason, exactly as `diff` refuses it. The generator's reach
//! of every branch is asserted, so the properties cannot pass on cases that never happen.

use std::cell::RefCell;
use std::collections::BTreeSet;

use pmh_core::diff::{Bytes, DeletionLimit, DiffError, Side, Unusable, compare};
use pmh_core::{Layout, Options};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// Columns of the built-in 全件 layout (the synthetic rows add three 券面項目 after them).
const FIXED: usize = 28;
const ADDRESS: usize = 4;
/// The certificate key fields: 種別ID, 個人番号, 公費受給者番号, 受給者証サブキー.
const KEY: [usize; 4] = [0, 1, 10, 11];

fn header() -> Vec<String> {
    pmh_core::synth::FULL_HEADER
        .split(',')
        .map(str::to_owned)
        .collect()
}

fn row(i: u64) -> Vec<String> {
    let mut line = String::new();
    pmh_core::synth::full_row(31, i, &mut line);
    line.trim_end().split(',').map(str::to_owned).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Utf8Bom,
    Cp932,
    Utf16Le,
    Utf16Be,
}

/// The CSV text of `rows` with the fixed columns in `order` (券面項目 stay after them).
fn text(header: &[String], rows: &[Vec<String>], order: &[usize]) -> String {
    let cols: Vec<usize> = order.iter().copied().chain(FIXED..header.len()).collect();
    let line = |r: &[String]| {
        cols.iter()
            .map(|&c| r.get(c).map_or("", String::as_str))
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut s = line(header);
    s.push_str("\r\n");
    for r in rows {
        s.push_str(&line(r));
        s.push_str("\r\n");
    }
    s
}

/// `text` in `enc`; `None` when CP932 cannot hold it.
fn encode(text: &str, enc: Encoding) -> Option<Vec<u8>> {
    match enc {
        Encoding::Utf8Bom => Some(format!("\u{FEFF}{text}").into_bytes()),
        Encoding::Cp932 => {
            let (b, _, lossy) = encoding_rs::SHIFT_JIS.encode(text);
            (!lossy).then(|| b.into_owned())
        }
        Encoding::Utf16Le | Encoding::Utf16Be => Some(
            std::iter::once(0xFEFF)
                .chain(text.encode_utf16())
                .flat_map(|u: u16| {
                    if enc == Encoding::Utf16Le {
                        u.to_le_bytes()
                    } else {
                        u.to_be_bytes()
                    }
                })
                .collect(),
        ),
    }
}

/// How the current snapshot is made from the previous one.
#[derive(Debug, Clone)]
enum Case {
    /// The same certificates: shuffled by `perm`, fixed columns in another order, re-encoded.
    Same,
    /// These rows (indices into the previous file) are gone.
    Removed(BTreeSet<usize>),
    /// The address of this row changed.
    Changed(usize),
    /// One side cannot be compared.
    Unusable(Side, Bad),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bad {
    Empty,
    HeaderOnly,
    NoKeyColumn,
    EveryKeyEmpty,
    /// One row opens a quote it never closes (S007): the rows after it are swallowed.
    UnclosedQuote,
    /// One row is longer than any record (S021): it is cut and not read.
    TooLong,
}

fn case() -> impl Strategy<Value = (usize, Case, Vec<u32>, Vec<u32>, Encoding)> {
    let bad = prop_oneof![
        Just(Bad::Empty),
        Just(Bad::HeaderOnly),
        Just(Bad::NoKeyColumn),
        Just(Bad::EveryKeyEmpty),
        Just(Bad::UnclosedQuote),
        Just(Bad::TooLong),
    ];
    let side = prop_oneof![Just(Side::From), Just(Side::To)];
    let enc = prop_oneof![
        Just(Encoding::Utf8Bom),
        Just(Encoding::Cp932),
        Just(Encoding::Utf16Le),
        Just(Encoding::Utf16Be),
    ];
    (2usize..30).prop_flat_map(move |n| {
        // At least one certificate removed, at least one kept.
        let removed = proptest::collection::btree_set(0..n, 1..n).prop_map(Case::Removed);
        let kind = prop_oneof![
            2 => Just(Case::Same),
            3 => removed,
            2 => (0..n).prop_map(Case::Changed),
            5 => (side.clone(), bad.clone()).prop_map(|(s, b)| Case::Unusable(s, b)),
        ];
        (
            Just(n),
            kind,
            // Sort keys for the row order and the fixed-column order.
            proptest::collection::vec(any::<u32>(), n),
            proptest::collection::vec(any::<u32>(), FIXED),
            enc.clone(),
        )
    })
}

/// A permutation of `0..keys.len()`: the indices sorted by their key.
fn permutation(keys: &[u32]) -> Vec<usize> {
    let mut p: Vec<usize> = (0..keys.len()).collect();
    p.sort_by_key(|&i| (keys[i], i));
    p
}

#[derive(Debug, Default)]
struct Reach {
    same: u32,
    removed: u32,
    removed_many: u32,
    changed: u32,
    refused: [[u32; 6]; 2],
    columns_moved: u32,
    encodings: [u32; 4],
}

#[test]
fn comparison_properties_and_their_reach() {
    let layout = Layout::full();
    let header = header();
    let reach = RefCell::new(Reach::default());
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 300,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let result = runner.run(&case(), |(n, case, row_keys, col_keys, enc)| {
        let previous: Vec<Vec<String>> = (0..n as u64).map(row).collect();
        let identity: Vec<usize> = (0..FIXED).collect();
        let prev_bytes = encode(&text(&header, &previous, &identity), Encoding::Utf8Bom).unwrap();
        let order = permutation(&col_keys);
        let mut current: Vec<Vec<String>> = permutation(&row_keys)
            .into_iter()
            .map(|i| previous[i].clone())
            .collect();
        let mut r = reach.borrow_mut();
        match &case {
            Case::Same => {}
            Case::Removed(gone) => {
                current.retain(|row| !gone.iter().any(|&g| previous[g][1] == row[1]));
            }
            Case::Changed(i) => {
                for row in &mut current {
                    if row[1] == previous[*i][1] {
                        row[ADDRESS].push('改');
                    }
                }
            }
            Case::Unusable(..) => {}
        }
        let Some(mut cur_bytes) = encode(&text(&header, &current, &order), enc) else {
            return Ok(()); // CP932 cannot hold a character: not this case
        };
        let mut prev_bytes = prev_bytes;
        // The row of the broken side that an unclosed quote or a long line breaks.
        let broken_at = row_keys[0] as usize % n;
        if let Case::Unusable(side, bad) = case {
            let rows = if side == Side::From {
                &previous
            } else {
                &current
            };
            let broken: Vec<u8> = match bad {
                Bad::Empty => Vec::new(),
                Bad::HeaderOnly => {
                    encode(&text(&header, &[], &identity), Encoding::Utf8Bom).unwrap()
                }
                Bad::NoKeyColumn => {
                    let without: Vec<usize> =
                        identity.iter().copied().filter(|&c| c != 1).collect();
                    encode(&text(&header, rows, &without), Encoding::Utf8Bom).unwrap()
                }
                Bad::EveryKeyEmpty => {
                    let blank: Vec<Vec<String>> = rows
                        .iter()
                        .map(|row| {
                            let mut row = row.clone();
                            for k in KEY {
                                row[k].clear();
                            }
                            row
                        })
                        .collect();
                    encode(&text(&header, &blank, &identity), Encoding::Utf8Bom).unwrap()
                }
                Bad::UnclosedQuote | Bad::TooLong => {
                    let mut rows = rows.clone();
                    let address = &mut rows[broken_at][ADDRESS];
                    *address = if bad == Bad::UnclosedQuote {
                        format!("\"{address}")
                    } else {
                        // One byte over the reader's limit (`MAX_RECORD_BYTES`, 1 MiB).
                        "x".repeat((1 << 20) + 1)
                    };
                    encode(&text(&header, &rows, &identity), Encoding::Utf8Bom).unwrap()
                }
            };
            if side == Side::From {
                prev_bytes = broken;
            } else {
                cur_bytes = broken;
            }
        }
        let got = compare(
            &layout,
            &Options::default(),
            &mut Bytes(&prev_bytes),
            &mut Bytes(&cur_bytes),
        );
        if let Case::Unusable(side, bad) = case {
            let want = match bad {
                Bad::Empty | Bad::HeaderOnly => Unusable::NoRows,
                Bad::NoKeyColumn => Unusable::MissingKeyColumn {
                    label: "個人番号".into(),
                },
                Bad::EveryKeyEmpty => Unusable::NoKeyedRows,
                Bad::UnclosedQuote | Bad::TooLong => Unusable::RowsUnread {
                    code: if bad == Bad::UnclosedQuote {
                        pmh_core::Code::UnclosedQuote
                    } else {
                        pmh_core::Code::RecordTooLong
                    },
                    row: Some(broken_at as u32 + 2),
                },
            };
            prop_assert_eq!(
                got.as_ref().err(),
                Some(&DiffError::UnusableSnapshot { side, reason: want })
            );
            r.refused[usize::from(side == Side::To)][bad as usize] += 1;
            return Ok(());
        }
        let c = got.map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        r.encodings[enc as usize] += 1;
        if order != identity {
            r.columns_moved += 1;
        }
        prop_assert_eq!(c.previous_certificates, n as u64);
        prop_assert!(c.added.is_empty());
        match case {
            Case::Same => {
                prop_assert!(c.unchanged_all(), "{:?}", c.changed);
                prop_assert_eq!(c.unchanged, n as u64);
                prop_assert!(c.removals_allowed(DeletionLimit::Rows(0)));
                r.same += 1;
            }
            Case::Removed(gone) => {
                // Exactly those rows of the previous file (sheet row = index + 2).
                let rows: Vec<u32> = c.removed.iter().map(|g| g.rows[0]).collect();
                let want: Vec<u32> = gone.iter().map(|&g| g as u32 + 2).collect();
                prop_assert_eq!(rows, want);
                prop_assert!(c.changed.is_empty());
                prop_assert_eq!(c.unchanged, (n - gone.len()) as u64);
                prop_assert_eq!(
                    c.removals_allowed(DeletionLimit::Default),
                    gone.len() <= 10 || gone.len() * 20 <= n
                );
                r.removed += 1;
                if gone.len() > 10 {
                    r.removed_many += 1;
                }
            }
            Case::Changed(i) => {
                prop_assert_eq!(c.changed.len(), 1);
                prop_assert_eq!(&c.changed[0].previous_rows, &vec![i as u32 + 2]);
                prop_assert_eq!(&c.changed[0].fields, &vec![ADDRESS]);
                prop_assert!(!c.changed[0].details && !c.changed[0].history_rows);
                prop_assert!(c.removed.is_empty());
                prop_assert_eq!(c.unchanged, n as u64 - 1);
                r.changed += 1;
            }
            Case::Unusable(..) => unreachable!(),
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let r = reach.into_inner();
    eprintln!("reach: {r:?}");
    assert!(r.same >= 15, "{r:?}");
    assert!(r.removed >= 25 && r.removed_many >= 3, "{r:?}");
    assert!(r.changed >= 15, "{r:?}");
    assert!(r.columns_moved >= 40, "{r:?}");
    assert!(r.encodings.iter().all(|&n| n >= 10), "{r:?}");
    assert!(
        r.refused.iter().flatten().all(|&n| n >= 2),
        "every refusal on both sides: {r:?}"
    );
}

/// `diff` refuses the same snapshots for the same reasons (one function decides for both).
#[test]
fn diff_and_compare_refuse_alike() {
    let layout = Layout::full();
    let header = header();
    let identity: Vec<usize> = (0..FIXED).collect();
    let good = encode(
        &text(&header, &[row(1), row(2)], &identity),
        Encoding::Utf8Bom,
    )
    .unwrap();
    let header_only = encode(&text(&header, &[], &identity), Encoding::Utf8Bom).unwrap();
    // The second of three certificates opens a quote it never closes: the third is swallowed.
    let mut rows = vec![row(1), row(2), row(3)];
    rows[1][ADDRESS].insert(0, '"');
    let unclosed = encode(&text(&header, &rows, &identity), Encoding::Utf8Bom).unwrap();
    let mut refused = 0;
    for bad in [Vec::new(), header_only, unclosed] {
        for bad_side in [Side::From, Side::To] {
            let (from, to) = if bad_side == Side::From {
                (&bad, &good)
            } else {
                (&good, &bad)
            };
            let c = compare(
                &layout,
                &Options::default(),
                &mut Bytes(from),
                &mut Bytes(to),
            )
            .err();
            let mut written = Vec::new();
            let mut sink = |b: &[u8]| {
                written.extend_from_slice(b);
                Ok(())
            };
            let d = pmh_core::diff::diff(
                &layout,
                &Layout::diff(),
                &Options::default(),
                &pmh_core::diff::DiffConfig::default(),
                Some(&mut Bytes(from)),
                &mut Bytes(to),
                pmh_core::diff::StateInput::None,
                &mut sink,
            )
            .err();
            assert_eq!(c, d);
            let Some(DiffError::UnusableSnapshot { side, .. }) = c else {
                panic!("not refused: {c:?}");
            };
            assert_eq!(side, bad_side);
            assert!(written.is_empty(), "a refused diff writes nothing");
            refused += 1;
        }
    }
    assert_eq!(refused, 6);
}

/// A certificate whose 公費受給者番号 was retyped in 全角 (`０００１２３４５`) or with edge spaces
/// is the certificate of the previous upload, as build sends it and as the checker's K001
/// reads it: a change of that field as written, never a removal plus an addition (a removal
/// counts toward P001's limit and says PMH will delete the certificate).
#[test]
fn a_retyped_key_is_the_same_certificate() {
    const RECIPIENT: usize = 10;
    let layout = Layout::full();
    let header = header();
    let identity: Vec<usize> = (0..FIXED).collect();
    let previous = vec![row(1), row(2), row(3), row(4)];
    let mut current = previous.clone();
    current[1][RECIPIENT] = current[1][RECIPIENT]
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32('０' as u32 + d).unwrap_or(c),
            None => c,
        })
        .collect();
    current[2][RECIPIENT] = format!(" {}\u{3000}", current[2][RECIPIENT]);
    let bytes =
        |rows: &[Vec<String>]| encode(&text(&header, rows, &identity), Encoding::Utf8Bom).unwrap();
    let c = compare(
        &layout,
        &Options::default(),
        &mut Bytes(&bytes(&previous)),
        &mut Bytes(&bytes(&current)),
    )
    .unwrap();
    assert!(c.removed.is_empty(), "{:?}", c.removed);
    assert!(c.added.is_empty(), "{:?}", c.added);
    assert_eq!(c.unchanged, 2);
    assert_eq!(c.changed.len(), 2);
    for ch in &c.changed {
        assert_eq!(ch.fields, [RECIPIENT], "{ch:?}");
    }
}
