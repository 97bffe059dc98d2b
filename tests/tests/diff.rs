//! `pmh_core::diff`: 差分履歴 records from two 全件 snapshots — add, change, delete,
//! unchanged, key collisions, a moved validity period, renewals, the three historyKey schemes,
//! the state across days, and the output validated against the diff layout.

use chrono::{Days, NaiveDate};
use std::cell::RefCell;

use pmh_core::diff::{
    Bytes, DeletionLimit, DiffConfig, DiffError, DiffIssue, DiffOutcome, DiffState,
    HistoryKeyScheme, RowKey, Side, diff,
};
use pmh_core::{Checker, Lang, Layout, Options, Report, RowView};

const MY_NUMBER: usize = 1;
const ADDRESS: usize = 4;
/// 公費受給者番号 (`medicalSubsidyRecipientNumber`), a certificate key field.
const RECIPIENT: usize = 10;
const VALID_FROM: usize = 26;

/// Synthetic row `i` as fields (valid for the full layout; My Number unique per `i`).
fn row(i: u64) -> Vec<String> {
    let mut line = String::new();
    pmh_core::synth::full_row(77, i, &mut line);
    line.trim_end().split(',').map(str::to_owned).collect()
}

/// `s` with its ASCII digits in 全角 (`00012345` → `０００１２３４５`), as a number retyped with
/// the IME on.
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32('０' as u32 + d).unwrap_or(c),
            None => c,
        })
        .collect()
}

fn file(rows: &[Vec<String>]) -> Vec<u8> {
    let mut s = String::from("\u{FEFF}");
    s.push_str(pmh_core::synth::FULL_HEADER);
    s.push_str("\r\n");
    for r in rows {
        s.push_str(&r.join(","));
        s.push_str("\r\n");
    }
    s.into_bytes()
}

struct Run {
    out: Vec<u8>,
    outcome: DiffOutcome,
}

fn run(
    from: Option<&[u8]>,
    to: &[u8],
    cfg: &DiffConfig,
    state: Option<&DiffState>,
) -> Result<Run, DiffError> {
    let full = Layout::full();
    let diff_layout = Layout::diff();
    let mut out = Vec::new();
    let mut sink = |b: &[u8]| -> Result<(), String> {
        out.extend_from_slice(b);
        Ok(())
    };
    let mut f = from.map(Bytes);
    let mut t = Bytes(to);
    let outcome = diff(
        &full,
        &diff_layout,
        &Options::default(),
        cfg,
        f.as_mut().map(|b| b as &mut dyn pmh_core::diff::Snapshot),
        &mut t,
        state.into(),
        &mut sink,
    )?;
    Ok(Run { out, outcome })
}

/// The diff file's rows as (field values by diff layout order), and its report.
type Details = Vec<Vec<(String, String)>>;

fn read_diff(bytes: &[u8]) -> (Report, Vec<Vec<String>>, Details) {
    let layout = Layout::diff();
    let rows = RefCell::new(Vec::new());
    let details = RefCell::new(Vec::new());
    let mut c = Checker::new(&layout, Options::default());
    c.set_visitor(Box::new(|r: RowView<'_>| {
        rows.borrow_mut()
            .push(r.fields.iter().map(|s| (*s).to_owned()).collect());
        details.borrow_mut().push(
            r.details
                .iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect(),
        );
    }));
    c.feed(bytes);
    (c.finish(), rows.into_inner(), details.into_inner())
}

fn field(layout: &Layout, id: &str) -> usize {
    layout.field_index(id).unwrap()
}

/// The output has no errors (every input was clean) — the contract of `pmhcsv diff`. A diff
/// without records is the header alone (S003, "nothing to upload").
fn assert_clean(run: &Run) {
    let (report, rows, _) = read_diff(&run.out);
    if rows.is_empty() {
        assert_eq!(report.errors, report.count(pmh_core::Code::HeaderOnly));
        return;
    }
    let shown = pmh_core::render::text(
        &Layout::diff(),
        &[pmh_core::Input {
            path: "diff.csv",
            report: &report,
        }],
        pmh_core::RenderOptions::default(),
    );
    assert_eq!(report.errors, 0, "{shown}");
    assert_eq!(run.outcome.output.errors, 0, "{shown}");
}

/// (myNumber, isDeleted, historyKey) of every output row.
fn records(out: &[u8]) -> Vec<(String, String, String)> {
    let d = Layout::diff();
    let (_, rows, _) = read_diff(out);
    rows.iter()
        .map(|r| {
            (
                r[field(&d, "myNumber")].clone(),
                r[field(&d, "isDeleted")].clone(),
                r[field(&d, "historyKey")].clone(),
            )
        })
        .collect()
}

#[test]
fn add_change_delete_and_unchanged() {
    let y: Vec<_> = (0..5).map(row).collect();
    let mut t = vec![
        y[0].clone(),
        y[1].clone(),
        y[2].clone(),
        y[4].clone(),
        row(10),
    ];
    t[2][ADDRESS].push_str("2階");
    let r = run(Some(&file(&y)), &file(&t), &DiffConfig::default(), None).unwrap();
    let c = r.outcome.counts;
    assert_eq!(
        (c.registered, c.updated, c.deleted, c.unchanged, c.skipped),
        (1, 1, 1, 3, 0)
    );
    let recs = records(&r.out);
    assert_eq!(recs.len(), 3);
    // Deletions first, carrying the last content, then updates and registrations in file order.
    assert_eq!(recs[0].0, y[3][MY_NUMBER]);
    assert_eq!(recs[0].1, "1");
    assert_eq!(recs[1].0, y[2][MY_NUMBER]);
    assert_eq!(recs[1].1, "0");
    assert_eq!(recs[2].0, row(10)[MY_NUMBER]);
    let (_, rows, _) = read_diff(&r.out);
    let d = Layout::diff();
    assert_eq!(rows[0][field(&d, "basicFiveInfo.address")], y[3][ADDRESS]);
    assert_eq!(rows[1][field(&d, "basicFiveInfo.address")], t[2][ADDRESS]);
    for rec in &recs {
        assert_eq!(rec.2.len(), 20, "default: 20 hex characters");
        assert!(rec.2.bytes().all(|b| b.is_ascii_hexdigit()));
    }
    assert_clean(&r);
    assert_eq!(r.outcome.to.errors, 0);
    assert_eq!(r.outcome.from.as_ref().unwrap().errors, 0);
}

#[test]
fn identical_snapshots_give_an_empty_diff() {
    let y = file(&(0..20).map(row).collect::<Vec<_>>());
    let r = run(Some(&y), &y, &DiffConfig::default(), None).unwrap();
    assert_eq!(records(&r.out).len(), 0);
    assert_eq!(r.outcome.counts.unchanged, 20);
    assert!(
        r.out.starts_with("\u{FEFF}機関別受給者証種別ID".as_bytes()),
        "header only"
    );
}

#[test]
fn without_from_everything_is_registered() {
    let t: Vec<_> = (0..7).map(row).collect();
    let r = run(None, &file(&t), &DiffConfig::default(), None).unwrap();
    assert_eq!(r.outcome.counts.registered, 7);
    assert_eq!(records(&r.out).len(), 7);
    assert_clean(&r);
}

#[test]
fn deterministic_output() {
    let y: Vec<_> = (0..30).map(row).collect();
    let mut t: Vec<_> = (5..40).map(row).collect();
    t[3][ADDRESS].push('X');
    let a = run(Some(&file(&y)), &file(&t), &DiffConfig::default(), None).unwrap();
    let b = run(Some(&file(&y)), &file(&t), &DiffConfig::default(), None).unwrap();
    assert_eq!(a.out, b.out);
    assert_eq!(a.outcome.state.to_text(), b.outcome.state.to_text());
}

#[test]
fn key_collision_in_to_writes_nothing_for_that_certificate() {
    let y: Vec<_> = (0..4).map(row).collect();
    let mut dup = y[1].clone();
    dup[ADDRESS].push('別');
    let t = vec![y[0].clone(), y[1].clone(), dup, y[2].clone(), row(9)];
    let r = run(Some(&file(&y)), &file(&t), &DiffConfig::default(), None).unwrap();
    let collision = r
        .outcome
        .issues
        .iter()
        .find(|i| matches!(i, DiffIssue::Collision { side: Side::To, .. }))
        .expect("collision reported");
    assert!(collision.is_error());
    let msg = collision.message(Lang::Ja);
    assert!(msg.contains("3行目") && msg.contains("4行目"), "{msg}");
    assert!(!msg.contains(&y[1][MY_NUMBER]), "no values in messages");
    let recs = records(&r.out);
    assert!(
        recs.iter().all(|x| x.0 != y[1][MY_NUMBER]),
        "nothing for the collided certificate: {recs:?}"
    );
    // Row 3 of `from` vanished: still deleted; row 9 registered.
    assert_eq!(r.outcome.counts.deleted, 1);
    assert_eq!(r.outcome.counts.registered, 1);
    assert_eq!(r.outcome.counts.skipped, 2);
    assert_clean(&r);
}

#[test]
fn key_collision_in_from_resends_the_later_row() {
    let mut y: Vec<_> = (0..3).map(row).collect();
    let mut dup = y[0].clone();
    dup[ADDRESS].push('甲');
    y.push(dup);
    let t: Vec<_> = (0..3).map(row).collect();
    let r = run(Some(&file(&y)), &file(&t), &DiffConfig::default(), None).unwrap();
    assert!(r.outcome.issues.iter().any(|i| matches!(
        i,
        DiffIssue::Collision {
            side: Side::From,
            written: true,
            ..
        }
    )));
    let recs = records(&r.out);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].0, y[0][MY_NUMBER]);
    assert_eq!(recs[0].1, "0");
    assert_clean(&r);
}

#[test]
fn moved_validity_period_is_a_deletion_and_a_registration() {
    let y: Vec<_> = (0..3).map(row).collect();
    let mut t = y.clone();
    let old = t[1][VALID_FROM].clone();
    // One day later (still before validTo).
    let d = iso(&old);
    t[1][VALID_FROM] = (d + Days::new(1)).to_string();
    let r = run(Some(&file(&y)), &file(&t), &DiffConfig::default(), None).unwrap();
    let recs = records(&r.out);
    assert_eq!(recs.len(), 2, "{recs:?}");
    assert_eq!(
        (recs[0].0.as_str(), recs[0].1.as_str()),
        (y[1][MY_NUMBER].as_str(), "1")
    );
    assert_eq!(
        (recs[1].0.as_str(), recs[1].1.as_str()),
        (y[1][MY_NUMBER].as_str(), "0")
    );
    assert_ne!(recs[0].2, recs[1].2, "two history rows, two keys (no K003)");
    let (_, rows, _) = read_diff(&r.out);
    let dl = Layout::diff();
    assert_eq!(rows[0][field(&dl, "validFrom")], old);
    assert_eq!(rows[1][field(&dl, "validFrom")], t[1][VALID_FROM]);
    assert_clean(&r);

    // Keyed by certificate alone, the same change is one update.
    let cfg = DiffConfig {
        row_key: RowKey::Certificate,
        ..DiffConfig::default()
    };
    let r = run(Some(&file(&y)), &file(&t), &cfg, None).unwrap();
    let recs = records(&r.out);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].1, "0");
    assert_eq!(r.outcome.counts.updated, 1);
}

#[test]
fn a_renewal_row_is_its_own_history_row() {
    // Current and next year's certificate in one snapshot: not a collision.
    let y: Vec<_> = (0..2).map(row).collect();
    let mut next = y[0].clone();
    let to = iso(&y[0][VALID_FROM + 1]);
    next[VALID_FROM] = (to + Days::new(1)).to_string();
    next[VALID_FROM + 1] = (to + Days::new(365)).to_string();
    let mut t = y.clone();
    t.push(next);
    let r = run(Some(&file(&y)), &file(&t), &DiffConfig::default(), None).unwrap();
    assert!(
        r.outcome.issues.iter().all(|i| !i.is_error()),
        "{:?}",
        r.outcome.issues
    );
    assert_eq!(r.outcome.counts.registered, 1);
    assert_eq!(r.outcome.to.errors, 0);
    assert_clean(&r);
}

#[test]
fn period_scheme_keeps_the_key_across_updates() {
    let y: Vec<_> = (0..3).map(row).collect();
    let cfg = DiffConfig {
        scheme: HistoryKeyScheme::Period,
        ..DiffConfig::default()
    };
    let day1 = run(None, &file(&y), &cfg, None).unwrap();
    let mut t = y.clone();
    t[0][ADDRESS].push('A');
    let day2 = run(Some(&file(&y)), &file(&t), &cfg, None).unwrap();
    let k1 = &records(&day1.out)[0].2;
    let k2 = &records(&day2.out)[0].2;
    assert_eq!(k1, k2);
    // Hash scheme: a new key for the new version.
    let h1 = run(None, &file(&y), &DiffConfig::default(), None).unwrap();
    let h2 = run(Some(&file(&y)), &file(&t), &DiffConfig::default(), None).unwrap();
    assert_ne!(records(&h1.out)[0].2, records(&h2.out)[0].2);
}

#[test]
fn hash_scheme_deletions_use_the_key_of_the_last_content() {
    let y: Vec<_> = (0..3).map(row).collect();
    let day1 = run(None, &file(&y), &DiffConfig::default(), None).unwrap();
    let key_of_row1 = records(&day1.out)[1].2.clone();
    let t = vec![y[0].clone(), y[2].clone()];
    let day2 = run(Some(&file(&y)), &file(&t), &DiffConfig::default(), None).unwrap();
    let recs = records(&day2.out);
    assert_eq!(
        recs,
        vec![(y[1][MY_NUMBER].clone(), "1".into(), key_of_row1)]
    );
}

#[test]
fn sequence_scheme_across_three_days_with_state() {
    let cfg = DiffConfig {
        scheme: HistoryKeyScheme::Sequence,
        ..DiffConfig::default()
    };
    let a: Vec<_> = (0..4).map(row).collect();
    let day1 = run(None, &file(&a), &cfg, None).unwrap();
    assert!(records(&day1.out).iter().all(|r| r.2 == "1"));
    let state1 = DiffState::from_text(&day1.outcome.state.to_text()).unwrap();
    assert_eq!(state1.len(), 4);

    let mut b = a.clone();
    b[0][ADDRESS].push('B');
    b.remove(3);
    let day2 = run(Some(&file(&a)), &file(&b), &cfg, Some(&state1)).unwrap();
    let recs = records(&day2.out);
    assert_eq!(
        recs,
        vec![
            (a[3][MY_NUMBER].clone(), "1".into(), "1".into()),
            (a[0][MY_NUMBER].clone(), "0".into(), "2".into()),
        ]
    );
    assert_clean(&day2);
    let state2 = DiffState::from_text(&day2.outcome.state.to_text()).unwrap();

    let mut c = b.clone();
    c[0][ADDRESS].push('C');
    let day3 = run(Some(&file(&b)), &file(&c), &cfg, Some(&state2)).unwrap();
    assert_eq!(
        records(&day3.out),
        vec![(a[0][MY_NUMBER].clone(), "0".into(), "3".into())]
    );
    assert!(day3.outcome.issues.is_empty(), "{:?}", day3.outcome.issues);

    // The state of another day is noticed.
    let stale = run(Some(&file(&b)), &file(&c), &cfg, Some(&state1)).unwrap();
    assert!(
        stale
            .outcome
            .issues
            .contains(&DiffIssue::StateFromOtherSnapshot)
    );
}

#[test]
fn sequence_scheme_needs_a_state_when_there_is_a_from() {
    let cfg = DiffConfig {
        scheme: HistoryKeyScheme::Sequence,
        ..DiffConfig::default()
    };
    let a = file(&(0..2).map(row).collect::<Vec<_>>());
    let err = run(Some(&a), &a, &cfg, None).err().expect("an error");
    assert!(matches!(err, DiffError::SequenceNeedsState));
    assert!(err.message(Lang::Ja).contains("--state"));
}

#[test]
fn empty_optional_field_required_in_diff_is_filled() {
    let mut r0 = row(1);
    r0[16] = String::new(); // 常に償還払い: optional in 全件, required in 差分履歴
    let r = run(None, &file(&[r0]), &DiffConfig::default(), None).unwrap();
    assert!(
        r.outcome
            .issues
            .iter()
            .any(|i| matches!(i, DiffIssue::Filled { count: 1, .. }))
    );
    let (_, rows, _) = read_diff(&r.out);
    assert_eq!(
        rows[0][field(&Layout::diff(), "isAlwaysReimbursement")],
        "0"
    );
    assert_clean(&r);
}

#[test]
fn certificate_items_of_both_days_are_kept() {
    // Yesterday had an extra 券面 column that today lacks: the deletion still carries it.
    let y: Vec<_> = (0..2).map(row).collect();
    let mut yfile = String::from("\u{FEFF}");
    yfile.push_str(pmh_core::synth::FULL_HEADER);
    yfile.push_str(",備考\r\n");
    for r in &y {
        yfile.push_str(&r.join(","));
        yfile.push_str(",旧券面\r\n");
    }
    let t = file(&y[..1]);
    let r = run(Some(yfile.as_bytes()), &t, &DiffConfig::default(), None).unwrap();
    let (_, _, details) = read_diff(&r.out);
    assert_eq!(
        details.len(),
        2,
        "the deletion and the update (券面 changed)"
    );
    assert!(details[0].iter().any(|(n, v)| n == "備考" && v == "旧券面"));
    assert_clean(&r);
}

#[test]
fn rows_without_a_certificate_key_are_reported() {
    let mut r0 = row(1);
    for i in [0, 1, 10, 11] {
        r0[i] = String::new();
    }
    let r = run(None, &file(&[r0, row(2)]), &DiffConfig::default(), None).unwrap();
    assert!(r.outcome.issues.iter().any(|i| matches!(
        i,
        DiffIssue::EmptyKey {
            side: Side::To,
            count: 1,
            ..
        }
    )));
    assert_eq!(records(&r.out).len(), 1);
}

#[test]
fn a_non_diff_output_layout_is_a_config_error() {
    let full = Layout::full();
    let mut sink = |_: &[u8]| -> Result<(), String> { Ok(()) };
    let a = file(&[row(1)]);
    let err = diff(
        &full,
        &full,
        &Options::default(),
        &DiffConfig::default(),
        None,
        &mut Bytes(&a),
        None.into(),
        &mut sink,
    )
    .err()
    .unwrap();
    assert!(
        err.message(Lang::Ja).contains("履歴キー"),
        "{}",
        err.message(Lang::Ja)
    );
}

/// A diff layout written in CP932 cannot hold 𠮷: the encoder would write `&#134071;` as the
/// name's text and PMH register it. The diff is refused (the CLI then keeps no file: the
/// bytes streamed so far go to a temporary file that is never moved into place), and the
/// message names the row, the column and the code point, not the name. UTF-8 holds it.
#[test]
fn a_character_a_cp932_diff_file_cannot_hold_refuses_the_diff() {
    let full = Layout::full();
    let toml = pmh_core::DIFF_TOML
        .replacen("\nencoding = \"utf-8\"", "\nencoding = \"cp932\"", 1)
        .replacen("\nbom = true", "\nbom = false", 1);
    let cp932 = Layout::from_toml(&toml).unwrap();
    assert_ne!(
        cp932.dialect,
        Layout::diff().dialect,
        "diff.toml's dialect lines moved"
    );
    let mut named = row(2);
    named[2] = "𠮷野花子".into();
    let to = file(&[row(1), named]);
    let mut sink = |_: &[u8]| -> Result<(), String> { Ok(()) };
    let err = diff(
        &full,
        &cp932,
        &Options::default(),
        &DiffConfig::default(),
        None,
        &mut Bytes(&to),
        None.into(),
        &mut sink,
    )
    .expect_err("refused");
    assert!(
        matches!(&err, DiffError::Unencodable { row: 3, column, ch: '\u{20BB7}' } if column == "氏名"),
        "{err:?}"
    );
    let ja = err.message(Lang::Ja);
    assert!(
        ja.contains("3 行目「氏名」") && ja.contains("U+20BB7"),
        "{ja}"
    );
    assert!(!ja.contains('𠮷') && !ja.contains("野花子"), "{ja}");
    // Without the character, the CP932 diff is written (and holds no reference).
    let mut written = Vec::new();
    let mut sink = |b: &[u8]| -> Result<(), String> {
        written.extend_from_slice(b);
        Ok(())
    };
    let plain = file(&[row(1), row(2)]);
    diff(
        &full,
        &cp932,
        &Options::default(),
        &DiffConfig::default(),
        None,
        &mut Bytes(&plain),
        None.into(),
        &mut sink,
    )
    .expect("a diff of CP932-safe values");
    assert!(!written.is_empty() && !written.windows(2).any(|w| w == b"&#"));
    assert!(
        run(None, &to, &DiffConfig::default(), None).is_ok(),
        "UTF-8 holds it"
    );
}

#[test]
fn the_valid_fixtures_diff_cleanly() {
    for f in conformance::fixture_files("valid") {
        let name = conformance::name(&f);
        if name.starts_with("diff") {
            continue;
        }
        let bytes = std::fs::read(&f).unwrap();
        let mut opts = conformance::options_for(&f);
        opts.max_diagnostics = 1000;
        let full = Layout::full();
        let d = Layout::diff();
        let mut out = Vec::new();
        let mut sink = |b: &[u8]| -> Result<(), String> {
            out.extend_from_slice(b);
            Ok(())
        };
        let outcome = diff(
            &full,
            &d,
            &opts,
            &DiffConfig::default(),
            None,
            &mut Bytes(&bytes),
            None.into(),
            &mut sink,
        )
        .unwrap();
        assert_eq!(outcome.to.errors, 0, "{name}");
        assert_eq!(outcome.output.errors, 0, "{name}: output");
        assert!(outcome.counts.registered > 0, "{name}");
    }
}

mod model {
    //! Three days of snapshots applied as PMH would apply the diffs (a deletion removes a
    //! history row and must name the historyKey PMH holds; any other record sets the row and
    //! must change it): after each day PMH holds exactly the day's snapshot as sent (an empty
    //! 常に償還払い is sent as `0`), and nothing unchanged is re-sent. 常に償還払い is drawn from
    //! `0`, empty and `1`, so a row is often sent the same while its cell went from `0` to empty
    //! (the fill) or back; a key value (個人番号, 公費受給者番号, 有効期間開始日) is often retyped
    //! in 全角 or with edge spaces, a BOM or a zero-width space, which build removes, so a row
    //! is often sent the same while its key was written differently (PMH holds the key as
    //! sent: one history row, never a deletion plus a registration). The run asserts that the
    //! generator reached each branch.
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::{
        Config, FileFailurePersistence, TestCaseError, TestError, TestRunner,
    };
    use std::cell::Cell;
    use std::collections::BTreeMap;

    const DAYS: usize = 3;
    /// The default fill of an empty 常に償還払い.
    const FILL: &str = "0";

    /// What PMH holds per history row: the content sent and its historyKey.
    type Pmh = BTreeMap<(String, String), (Vec<String>, String)>;

    fn certificate_key() -> &'static [usize] {
        static CERTIFICATE: std::sync::OnceLock<Vec<usize>> = std::sync::OnceLock::new();
        CERTIFICATE.get_or_init(|| Layout::full().key_index().certificate)
    }

    /// A key value as PMH receives it, read independently of pmhcsv's code: the characters
    /// the retyping below adds (edge spaces, BOM, zero-width space) removed, 全角 digits
    /// half-width.
    fn as_sent(v: &str) -> String {
        let folded: String = v
            .chars()
            .filter(|&c| c != '\u{200B}' && c != '\u{FEFF}')
            .map(|c| {
                if ('０'..='９').contains(&c) {
                    char::from_u32(u32::from(b'0') + (c as u32 - '０' as u32)).unwrap_or(c)
                } else {
                    c
                }
            })
            .collect();
        folded.trim_matches([' ', '\u{3000}']).to_owned()
    }

    fn key(full_fields: &[String]) -> (String, String) {
        let cert: Vec<String> = certificate_key()
            .iter()
            .map(|&i| as_sent(&full_fields[i]))
            .collect();
        (cert.join("|"), as_sent(&full_fields[VALID_FROM]))
    }

    /// A row's content as written to the diff file: an empty 常に償還払い is filled, and the
    /// key values are sent as build writes them.
    fn sent_content(r: &[String]) -> Vec<String> {
        let mut c = r[..28].to_vec();
        if c[REIMBURSEMENT].trim().is_empty() {
            c[REIMBURSEMENT] = FILL.into();
        }
        for &i in certificate_key().iter().chain([&VALID_FROM]) {
            c[i] = as_sent(&c[i]);
        }
        c
    }

    /// A snapshot as PMH should hold it after the day's diff.
    fn sent(rows: &[Vec<String>]) -> BTreeMap<(String, String), Vec<String>> {
        rows.iter().map(|r| (key(r), sent_content(r))).collect()
    }

    fn apply(pmh: &mut Pmh, out: &[u8]) -> Result<(), TestCaseError> {
        let d = Layout::diff();
        let f = Layout::full();
        let (_, rows, _) = read_diff(out);
        for r in rows {
            let full_fields: Vec<String> = f
                .fields
                .iter()
                .map(|ff| r[field(&d, &ff.id)].clone())
                .collect();
            let k = key(&full_fields);
            let history_key = r[field(&d, "historyKey")].clone();
            if r[field(&d, "isDeleted")] == "1" {
                let held = pmh.remove(&k);
                prop_assert!(held.is_some(), "deleting a row PMH does not have");
                let held_key = held.map(|h| h.1).unwrap_or_default();
                prop_assert_eq!(
                    held_key,
                    history_key,
                    "the deletion names another historyKey"
                );
            } else {
                if let Some((held, _)) = pmh.get(&k) {
                    prop_assert_ne!(held, &full_fields, "an update that changes nothing");
                }
                pmh.insert(k, (full_fields, history_key));
            }
        }
        Ok(())
    }

    /// How a row's key values are typed on one day: as generated, or retyped in a way build
    /// undoes (so the row is sent the same).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Retype {
        AsGenerated,
        FullWidthRecipient,
        FullWidthMyNumber,
        FullWidthValidFrom,
        EdgeSpaces,
        Bom,
        ZeroWidthInside,
    }

    impl Retype {
        fn apply(self, r: &mut [String]) {
            match self {
                Retype::AsGenerated => {}
                Retype::FullWidthRecipient => r[RECIPIENT] = full_width(&r[RECIPIENT]),
                Retype::FullWidthMyNumber => r[MY_NUMBER] = full_width(&r[MY_NUMBER]),
                Retype::FullWidthValidFrom => r[VALID_FROM] = full_width(&r[VALID_FROM]),
                Retype::EdgeSpaces => r[RECIPIENT] = format!(" {}\u{3000}", r[RECIPIENT]),
                Retype::Bom => r[MY_NUMBER].insert(0, '\u{FEFF}'),
                Retype::ZeroWidthInside => r[RECIPIENT].insert(3, '\u{200B}'),
            }
        }

        fn full_width(self) -> bool {
            matches!(
                self,
                Retype::FullWidthRecipient | Retype::FullWidthMyNumber | Retype::FullWidthValidFrom
            )
        }
    }

    /// One row on one day: present, how many times its address was edited (a change), its
    /// 常に償還払い, and how its key values are typed.
    type Version = (bool, u8, &'static str, Retype);

    /// The day's snapshot rows; a day without rows keeps row 0 (an empty snapshot is refused,
    /// see `unusable_snapshots_are_refused`).
    fn day(history: &[Vec<Version>], d: usize) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        for (i, h) in history.iter().enumerate() {
            let (present, edits, reimbursement, retype) = h[d];
            if present || (i == 0 && history.iter().all(|h| !h[d].0)) {
                let mut r = row(i as u64);
                r[ADDRESS].push_str(&"改".repeat(usize::from(edits)));
                r[REIMBURSEMENT] = reimbursement.to_owned();
                retype.apply(&mut r);
                rows.push(r);
            }
        }
        rows
    }

    fn fail(e: impl std::fmt::Debug) -> TestCaseError {
        TestCaseError::fail(format!("{e:?}"))
    }

    #[test]
    fn applying_the_diffs_of_three_days_gives_each_day() {
        use Retype::*;
        let version = (
            any::<bool>(),
            0u8..2,
            prop::sample::select(vec!["0", "", "1"]),
            // As generated half of the time.
            prop::sample::select(vec![
                AsGenerated,
                AsGenerated,
                AsGenerated,
                AsGenerated,
                AsGenerated,
                AsGenerated,
                FullWidthRecipient,
                FullWidthMyNumber,
                FullWidthValidFrom,
                EdgeSpaces,
                Bom,
                ZeroWidthInside,
            ]),
        );
        let strategy = (
            proptest::collection::vec(proptest::collection::vec(version, DAYS), 1..12),
            prop::sample::select(vec![
                HistoryKeyScheme::Hash,
                HistoryKeyScheme::Period,
                HistoryKeyScheme::Sequence,
            ]),
            any::<bool>(),
        );
        // Rows kept whose cell went between `0` and empty (sent the same, so unchanged), and
        // rows whose cell went between `1` and empty (sent differently, so updated).
        let (same_through_fill, changed_through_fill) = (Cell::new(0u64), Cell::new(0u64));
        // Rows kept whose key values were typed differently on the two days: in 全角 on one,
        // or with edge spaces, a BOM or a zero-width space.
        let (retyped_full_width, retyped_invisible) = (Cell::new(0u64), Cell::new(0u64));
        let mut runner = TestRunner::new(Config {
            cases: 64,
            source_file: Some(file!()),
            failure_persistence: Some(Box::new(FileFailurePersistence::SourceParallel(
                "proptest-regressions",
            ))),
            ..Config::default()
        });
        let result = runner.run(&strategy, |(history, scheme, with_state)| {
            // `sequence` numbers only with the state.
            let with_state = with_state || scheme == HistoryKeyScheme::Sequence;
            // The model is about correctness: the deletion guard is off (it has its own tests).
            let cfg = DiffConfig {
                scheme,
                max_deletions: DeletionLimit::None,
                ..DiffConfig::default()
            };
            let days: Vec<Vec<Vec<String>>> = (0..DAYS).map(|d| day(&history, d)).collect();
            let mut pmh = Pmh::new();
            let mut state: Option<DiffState> = None;
            for d in 0..DAYS {
                let from = (d > 0).then(|| file(&days[d - 1]));
                let r = run(
                    from.as_deref(),
                    &file(&days[d]),
                    &cfg,
                    state.as_ref().filter(|_| with_state),
                )
                .map_err(fail)?;
                assert_clean(&r);
                apply(&mut pmh, &r.out)?;
                let held: BTreeMap<_, _> =
                    pmh.iter().map(|(k, v)| (k.clone(), v.0.clone())).collect();
                prop_assert_eq!(&held, &sent(&days[d]), "day {}", d);
                if d > 0 {
                    // Every row kept is either unchanged or one update, by its content as sent.
                    let before = sent(&days[d - 1]);
                    let now = sent(&days[d]);
                    let kept: Vec<_> = now.keys().filter(|k| before.contains_key(*k)).collect();
                    let updated = kept.iter().filter(|k| before[**k] != now[**k]).count();
                    let c = r.outcome.counts;
                    prop_assert_eq!(
                        (c.updated, c.unchanged),
                        (updated as u64, (kept.len() - updated) as u64),
                        "day {}",
                        d
                    );
                    let cell = |rows: &[Vec<String>], k: &(String, String)| {
                        rows.iter()
                            .find(|r| key(r) == *k)
                            .map(|r| r[REIMBURSEMENT].clone())
                            .unwrap_or_default()
                    };
                    for k in kept {
                        let pair = (cell(&days[d - 1], k), cell(&days[d], k));
                        match (pair.0.as_str(), pair.1.as_str()) {
                            ("0", "") | ("", "0") => {
                                same_through_fill.set(same_through_fill.get() + 1)
                            }
                            ("1", "") | ("", "1") => {
                                changed_through_fill.set(changed_through_fill.get() + 1)
                            }
                            _ => {}
                        }
                    }
                    for h in &history {
                        let (was, now) = (h[d - 1], h[d]);
                        if was.0 && now.0 && was.3 != now.3 {
                            let reached = if was.3.full_width() || now.3.full_width() {
                                &retyped_full_width
                            } else {
                                &retyped_invisible
                            };
                            reached.set(reached.get() + 1);
                        }
                    }
                }
                state = Some(DiffState::from_text(&r.outcome.state.to_text()).map_err(fail)?);
            }
            Ok(())
        });
        if let Err(e) = result {
            match e {
                TestError::Fail(why, value) => panic!("{why}\nminimal failing input: {value:?}"),
                TestError::Abort(why) => panic!("{why}"),
            }
        }
        assert!(
            same_through_fill.get() > 0,
            "the generator never kept a row whose 常に償還払い went between 0 and empty"
        );
        assert!(
            changed_through_fill.get() > 0,
            "the generator never kept a row whose 常に償還払い went between 1 and empty"
        );
        // About 100 and 70 in the 64 cases.
        assert!(
            retyped_full_width.get() >= 20,
            "the generator kept a row whose key went to or from 全角 only {} times",
            retyped_full_width.get()
        );
        assert!(
            retyped_invisible.get() >= 20,
            "the generator kept a row whose key gained or lost edge spaces, a BOM or a \
             zero-width space only {} times",
            retyped_invisible.get()
        );
    }
}

/// Seed 000 lines 758–764: when the 受給者証サブキー or 履歴キー numbering changes, the first
/// upload must go through the reset API (S00G-E11/E12). A state written under another
/// historyKey scheme, row key or certificate key is refused (nothing written), naming every
/// difference and the reset API.
#[test]
fn a_state_made_with_another_key_scheme_needs_the_reset_api() {
    use pmh_core::diff::KeySchemeChange;
    let a: Vec<_> = (0..3).map(row).collect();
    let day1 = run(None, &file(&a), &DiffConfig::default(), None).unwrap();
    let state = DiffState::from_text(&day1.outcome.state.to_text()).unwrap();
    // The same scheme continues.
    let same = run(
        Some(&file(&a)),
        &file(&a),
        &DiffConfig::default(),
        Some(&state),
    )
    .unwrap();
    assert_eq!(records(&same.out).len(), 0);

    let cfg = DiffConfig {
        row_key: RowKey::Certificate,
        scheme: HistoryKeyScheme::Period,
        ..DiffConfig::default()
    };
    let err = run(Some(&file(&a)), &file(&a), &cfg, Some(&state))
        .err()
        .expect("refused");
    let DiffError::KeySchemeChanged { changes } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        changes,
        &vec![
            KeySchemeChange::HistoryKey {
                was: HistoryKeyScheme::Hash,
                now: HistoryKeyScheme::Period
            },
            KeySchemeChange::RowKey {
                was: RowKey::Period,
                now: RowKey::Certificate
            },
        ]
    );
    let ja = err.message(Lang::Ja);
    for needle in [
        "リセットAPI",
        "S00G-E11/E12",
        "受給者証サブキー",
        "履歴キー",
        "「hash」",
        "「period」",
    ] {
        assert!(ja.contains(needle), "{needle}: {ja}");
    }
    assert!(err.message(Lang::En).contains("reset API (S00G-E11/E12"));

    // Another certificate key (a layout whose keys.certificate differs).
    let mut full = Layout::full();
    full.keys.certificate = vec!["myNumber".into(), "medicalSubsidyRecipientNumber".into()];
    let mut out = Vec::new();
    let mut sink = |b: &[u8]| -> Result<(), String> {
        out.extend_from_slice(b);
        Ok(())
    };
    let (y, t) = (file(&a), file(&a));
    let err = diff(
        &full,
        &Layout::diff(),
        &Options::default(),
        &DiffConfig::default(),
        Some(&mut Bytes(&y)),
        &mut Bytes(&t),
        Some(&state).into(),
        &mut sink,
    )
    .expect_err("refused");
    assert!(out.is_empty(), "nothing written");
    let DiffError::KeySchemeChanged { changes } = &err else {
        panic!("{err:?}")
    };
    let [KeySchemeChange::CertificateKey { was, now }] = changes.as_slice() else {
        panic!("{changes:?}")
    };
    assert_eq!(was, &Layout::full().keys.certificate);
    assert_eq!(now, &full.keys.certificate);
    assert!(
        err.message(Lang::Ja)
            .contains("myNumber+medicalSubsidyRecipientNumber")
    );
}

/// A state of format 1 (no `key-fields` line) is still read, as made under the certificate key
/// the tool had then; the format written records the key.
#[test]
fn a_format_1_state_is_read_under_the_legacy_key() {
    let a: Vec<_> = (0..2).map(row).collect();
    let day1 = run(None, &file(&a), &DiffConfig::default(), None).unwrap();
    let text = day1.outcome.state.to_text();
    let key_line = text.lines().nth(3).unwrap();
    assert!(key_line.starts_with("key-fields "), "{text}");
    let v1 = text
        .replacen("pmhcsv-diff-state 2", "pmhcsv-diff-state 1", 1)
        .replacen(&format!("{key_line}\n"), "", 1);
    let state = DiffState::from_text(&v1).unwrap();
    assert_eq!(
        state.key_fields(),
        pmh_core::diff::LEGACY_CERTIFICATE_KEY
            .iter()
            .map(|s| (*s).to_owned())
            .collect::<Vec<_>>()
    );
    let r = run(
        Some(&file(&a)),
        &file(&a),
        &DiffConfig::default(),
        Some(&state),
    );
    if Layout::full().keys.certificate == state.key_fields() {
        assert_eq!(records(&r.unwrap().out).len(), 0);
    } else {
        assert!(matches!(r, Err(DiffError::KeySchemeChanged { .. })));
    }
}

/// A `YYYY-MM-DD` date of a generated file.
fn iso(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// Issue 9 (4): a truncated export (a filter left on, an export that stopped) would delete the
/// missing certificates at PMH. Beyond the limit the diff is refused and nothing is written;
/// the limit can be raised explicitly.
#[test]
fn deletion_guard_refuses_a_truncated_snapshot() {
    let y: Vec<Vec<String>> = (0..200).map(row).collect();
    let t: Vec<Vec<String>> = y[..150].to_vec(); // 50 of 200 gone: 25 %
    match run(Some(&file(&y)), &file(&t), &DiffConfig::default(), None) {
        Err(DiffError::TooManyDeletions {
            deletions: 50,
            previous: 200,
            limit: DeletionLimit::Default,
        }) => {}
        Err(e) => panic!("expected the guard, got {e:?}"),
        Ok(r) => panic!("expected the guard, got {:?}", r.outcome.counts),
    }
    // A usual day passes: 10 deletions, or 5 % of the certificates.
    let r = run(
        Some(&file(&y)),
        &file(&y[..190]),
        &DiffConfig::default(),
        None,
    )
    .unwrap();
    assert_eq!(r.outcome.counts.deleted, 10);
    // Explicitly allowed.
    for limit in [
        DeletionLimit::Rows(50),
        DeletionLimit::Share {
            basis_points: 2_500,
        },
        DeletionLimit::None,
    ] {
        let cfg = DiffConfig {
            max_deletions: limit,
            ..DiffConfig::default()
        };
        let r = run(Some(&file(&y)), &file(&t), &cfg, None).unwrap();
        assert_eq!(r.outcome.counts.deleted, 50, "{limit:?}");
    }
    let cfg = DiffConfig {
        max_deletions: DeletionLimit::Rows(49),
        ..DiffConfig::default()
    };
    assert!(matches!(
        run(Some(&file(&y)), &file(&t), &cfg, None),
        Err(DiffError::TooManyDeletions { .. })
    ));
}

/// Issue 9 (4): today's snapshot empty, header-only, or without a certificate key column would
/// make a diff that deletes every recipient (and that file validates clean): refused.
#[test]
fn unusable_snapshots_are_refused() {
    let y: Vec<Vec<String>> = (0..5).map(row).collect();
    let header_only = file(&[]);
    let no_key_column = String::from_utf8(file(&y))
        .unwrap()
        .replacen("個人番号", "番号メモ", 1)
        .into_bytes();
    let cfg = DiffConfig {
        max_deletions: DeletionLimit::None,
        ..DiffConfig::default()
    };
    for (today, want) in [
        (Vec::new(), "NoRows"),
        (header_only, "NoRows"),
        (no_key_column, "MissingKeyColumn"),
    ] {
        match run(Some(&file(&y)), &today, &cfg, None) {
            Err(DiffError::UnusableSnapshot {
                side: pmh_core::diff::Side::To,
                reason,
            }) => assert!(format!("{reason:?}").starts_with(want), "{reason:?}"),
            Err(e) => panic!("{want}: expected a refusal, got {e:?}"),
            Ok(r) => panic!("{want}: expected a refusal, got {:?}", r.outcome.counts),
        }
    }
}

/// A today's snapshot whose encoding is ambiguous (S018) or unknown (S002) has no readable
/// rows; a diff against it would delete every recipient. Refused, nothing written.
#[test]
fn unreadable_snapshots_are_refused_not_diffed_into_deletions() {
    let yesterday =
        std::fs::read(conformance::fixtures_dir().join("valid/full_minimal.csv")).unwrap();
    for bad in [
        "invalid/S018_ambiguous_encoding.csv",
        "invalid/S002_not_text.csv",
    ] {
        let today = std::fs::read(conformance::fixtures_dir().join(bad)).unwrap();
        let mut out = Vec::new();
        let mut sink = |x: &[u8]| -> Result<(), String> {
            out.extend_from_slice(x);
            Ok(())
        };
        let mut from = Bytes(&yesterday);
        let r = diff(
            &Layout::full(),
            &Layout::diff(),
            &Options::default(),
            &DiffConfig::default(),
            Some(&mut from as &mut dyn pmh_core::diff::Snapshot),
            &mut Bytes(&today),
            None.into(),
            &mut sink,
        );
        let e = r.err().unwrap_or_else(|| panic!("{bad}: a diff was made"));
        let code = &bad[8..12];
        assert!(
            e.message(pmh_core::Lang::Ja).contains(code),
            "{bad}: {}",
            e.message(pmh_core::Lang::Ja)
        );
        assert!(out.is_empty(), "{bad}: nothing is written");
    }
}

/// Issue 10 (3), seed 000 lines 549–551: the row key is the seeds' certificate key, so two rows
/// of one snapshot that differ only by 機関別受給者証種別ID are one row key — a collision, and
/// nothing is written for that certificate (validate warns about the same rows: K004).
#[test]
fn rows_differing_only_by_type_collide() {
    const TYPE_ID: usize = 0;
    let y: Vec<_> = (0..3).map(row).collect();
    let mut other_type = y[1].clone();
    other_type[TYPE_ID] = format!("{}X", other_type[TYPE_ID]);
    let t = vec![y[0].clone(), y[1].clone(), other_type, y[2].clone()];
    let r = run(Some(&file(&y)), &file(&t), &DiffConfig::default(), None).unwrap();
    assert!(
        r.outcome
            .issues
            .iter()
            .any(|i| matches!(i, DiffIssue::Collision { side: Side::To, .. })),
        "{:?}",
        r.outcome.issues
    );
    assert!(records(&r.out).iter().all(|x| x.0 != y[1][MY_NUMBER]));
    let report = pmh_core::check_bytes(&Layout::full(), Options::default(), &file(&t));
    assert_eq!(report.count(pmh_core::Code::CertificateTypeOnly), 1);
}

/// docs/diff.md: changing `keys.certificate` changes every `hash`/`period` historyKey, which is
/// why an upgrade from the old built-in key (with 機関別受給者証種別ID) needs the old key in a
/// layout file or the reset API (seed 000 lines 758–764). The same registration, keyed both ways.
#[test]
fn the_certificate_key_is_part_of_every_history_key() {
    let old_key = pmh_core::FULL_TOML.replace(
        "certificate = [\"myNumber\", \"medicalSubsidyRecipientNumber\", \"certificationSubKey\"]",
        "certificate = [\"myNumber\", \"medicalSubsidyRecipientNumber\", \"certificationSubKey\", \"orgSpecificCertificateTypeId\"]",
    );
    assert_ne!(
        old_key,
        pmh_core::FULL_TOML,
        "the built-in key is the seeds' one"
    );
    let keyed = |full: &Layout| {
        let mut out = Vec::new();
        let mut sink = |b: &[u8]| -> Result<(), String> {
            out.extend_from_slice(b);
            Ok(())
        };
        let cfg = DiffConfig {
            scheme: HistoryKeyScheme::Period,
            ..DiffConfig::default()
        };
        let to = file(&[row(1)]);
        diff(
            full,
            &Layout::diff(),
            &Options::default(),
            &cfg,
            None,
            &mut Bytes(&to),
            None.into(),
            &mut sink,
        )
        .unwrap();
        records(&out)
    };
    let new = keyed(&Layout::full());
    let old = keyed(&Layout::from_toml(&old_key).unwrap());
    assert_eq!(new.len(), 1);
    assert_eq!(old.len(), 1);
    assert_eq!((&new[0].0, &new[0].1), (&old[0].0, &old[0].1));
    assert_ne!(
        new[0].2, old[0].2,
        "the historyKey depends on the key's fields"
    );
}

/// Position of 常に償還払い (`isAlwaysReimbursement`) in the full layout: optional in 全件,
/// required in 差分履歴, where an empty cell is written as `0` (the default `--fill`).
const REIMBURSEMENT: usize = 16;

/// Rows `0..n` with 常に償還払い set to `value`.
/// Rows 0 and 1 of the synthetic generator as pmhcsv made them when the keys below were
/// pinned (its birth dates have changed since): pinned keys need pinned rows.
const PINNED_ROWS: [&str; 2] = [
    "KODOMO01,123456789018,山田健一,ヤマダ　ケンイチ,神奈川県横浜市西区みなとみらい2-12-10,1965-02-16,1,0,88135165,子ども医療費受給者証,92391467,,,,,,0,,,,,,,,,,2022-05-30,2023-05-29,2229823,,",
    "HITORI01,202646789046,長谷川一郎,ハセガワ　イチロウ,神奈川県横浜市西区みなとみらい7-8-20 コーポ鈴木201号室,1955-03-09,1,0,81133084,ひとり親家庭等医療費受給者証,94006344,,,,,,0,,,,,,,,,,2024-03-26,2025-03-25,4291017,,",
];

fn pinned_rows_with_reimbursement(value: &str) -> Vec<Vec<String>> {
    PINNED_ROWS
        .iter()
        .map(|line| {
            let mut r: Vec<String> = line.split(',').map(str::to_owned).collect();
            r[REIMBURSEMENT] = value.to_owned();
            r
        })
        .collect()
}

fn rows_with_reimbursement(n: u64, value: &str) -> Vec<Vec<String>> {
    (0..n)
        .map(|i| {
            let mut r = row(i);
            r[REIMBURSEMENT] = value.to_owned();
            r
        })
        .collect()
}

/// docs/diff.md item 3: "same content → nothing", where the content is what is sent. An empty
/// 常に償還払い is written as `0`: yesterday's `0` and today's empty cell (or the reverse) are
/// the same record, so nothing is re-sent (before, every certificate was an update identical to
/// yesterday's, each with a new historyKey). A value that is sent differently is an update.
#[test]
fn a_cell_sent_as_its_fill_value_is_not_a_change() {
    assert_eq!(
        Layout::full().fields[REIMBURSEMENT].id,
        "isAlwaysReimbursement"
    );
    let d = Layout::diff();
    let col = field(&d, "isAlwaysReimbursement");
    // (yesterday, today, updates, the value sent for an update)
    for (yesterday, today, updated, sent) in [
        ("0", "", 0, None),
        ("", "0", 0, None),
        (" ", "0", 0, None),
        ("0", "0", 0, None),
        ("", "", 0, None),
        ("1", "", 6, Some("0")),
        ("", "1", 6, Some("1")),
        ("0", "1", 6, Some("1")),
        ("1", "0", 6, Some("0")),
    ] {
        let what = format!("{yesterday:?} → {today:?}");
        let y = rows_with_reimbursement(6, yesterday);
        let t = rows_with_reimbursement(6, today);
        for state in [false, true] {
            let day1 = run(None, &file(&y), &DiffConfig::default(), None).unwrap();
            let st = DiffState::from_text(&day1.outcome.state.to_text()).unwrap();
            let r = run(
                Some(&file(&y)),
                &file(&t),
                &DiffConfig::default(),
                state.then_some(&st),
            )
            .unwrap();
            let c = r.outcome.counts;
            assert_eq!(
                (c.registered, c.updated, c.deleted, c.unchanged),
                (0, updated, 0, 6 - updated),
                "{what}, state {state}"
            );
            let (_, rows, _) = read_diff(&r.out);
            assert_eq!(rows.len() as u64, updated, "{what}");
            for row in &rows {
                assert_eq!(Some(row[col].as_str()), sent, "{what}");
            }
            assert_clean(&r);
        }
    }
}

/// The rows sent as the fill value share one `hash` historyKey, that of the empty cell, and
/// it is the key earlier versions gave a row with an empty 常に償還払い (pinned): keys PMH holds
/// for such rows still match, so a deletion recomputed without `--state` names the right one.
/// A row that was unchanged only through the fill is deleted later with the key it was
/// registered with.
#[test]
fn the_hash_key_of_a_filled_cell_is_stable() {
    let key = |value: &str| {
        let r = run(
            None,
            &file(&pinned_rows_with_reimbursement(value)),
            &DiffConfig::default(),
            None,
        )
        .unwrap();
        let recs = records(&r.out);
        let state = r.outcome.state.to_text();
        (recs[1].2.clone(), state.lines().nth(6).unwrap().to_owned())
    };
    let empty = key("");
    // Made by pmhcsv before fills were compared as sent: row(1) with an empty cell.
    assert_eq!(empty.0, "05cb521ab4b41e5497f2");
    assert_eq!(
        empty.1,
        "88cf1dc855fb70c177d51eaf83a2fd62 726cc0142c855600 05cb521ab4b41e5497f2"
    );
    assert_eq!(key("0"), empty, "`0` is sent as an empty cell is");
    assert_eq!(key(" "), empty);
    assert_eq!(key("1").0, "278e3dff9d66e4366866", "`1` keeps its key");

    // Day 1 `0` (registered), day 2 empty (nothing sent), day 3 gone: the deletion, made
    // without the state from day 2's row, carries the key of day 1's registration.
    let cfg = DiffConfig {
        max_deletions: DeletionLimit::None,
        ..DiffConfig::default()
    };
    let day1 = rows_with_reimbursement(3, "0");
    let day2 = rows_with_reimbursement(3, "");
    let day3 = vec![day2[0].clone(), day2[2].clone()];
    let registered = records(&run(None, &file(&day1), &cfg, None).unwrap().out);
    let r2 = run(Some(&file(&day1)), &file(&day2), &cfg, None).unwrap();
    assert_eq!(records(&r2.out), vec![]);
    let r3 = run(Some(&file(&day2)), &file(&day3), &cfg, None).unwrap();
    assert_eq!(
        records(&r3.out),
        vec![(
            day1[1][MY_NUMBER].clone(),
            "1".into(),
            registered[1].2.clone()
        )]
    );
}

/// The state's content fingerprints are written, not read: the comparison is between `--from`
/// and `--to`, and the state supplies only the historyKeys and counters. A state whose
/// content fingerprints mean something else (written by a version that fingerprinted the
/// content before the fills) gives the same diff.
#[test]
fn the_content_fingerprints_of_a_state_do_not_change_the_diff() {
    let y = rows_with_reimbursement(5, "0");
    let mut t = rows_with_reimbursement(5, "");
    t[1][ADDRESS].push('改');
    t.remove(3);
    for scheme in [
        HistoryKeyScheme::Hash,
        HistoryKeyScheme::Period,
        HistoryKeyScheme::Sequence,
    ] {
        let cfg = DiffConfig {
            scheme,
            ..DiffConfig::default()
        };
        let day1 = run(None, &file(&y), &cfg, None).unwrap();
        let text = day1.outcome.state.to_text();
        let other: String = text
            .lines()
            .map(|l| {
                let p: Vec<&str> = l.split(' ').collect();
                if p.len() == 3 && p[0].len() == 32 && p[1].len() == 16 {
                    format!("{} {:016x} {}\n", p[0], 0x0123_4567_89ab_cdefu64, p[2])
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        assert_ne!(other, text);
        let a = DiffState::from_text(&text).unwrap();
        let b = DiffState::from_text(&other).unwrap();
        let ra = run(Some(&file(&y)), &file(&t), &cfg, Some(&a)).unwrap();
        let rb = run(Some(&file(&y)), &file(&t), &cfg, Some(&b)).unwrap();
        assert_eq!(ra.out, rb.out, "{scheme:?}");
        let c = ra.outcome.counts;
        assert_eq!((c.updated, c.deleted, c.unchanged), (1, 1, 3), "{scheme:?}");
    }
}

/// docs/diff.md item 2: key values (certificate key, 有効期間開始日) are compared, hashed and
/// written as build sends them. A certificate whose 受給者番号, 個人番号 or 有効期間開始日 was
/// retyped in 全角, or with edge spaces, a BOM or a zero-width space, is the same certificate:
/// unchanged, or one update carrying the key as build writes it — never a deletion plus a
/// registration under a key no certificate shows (if PMH rejected that registration, the
/// certificate was lost). Each day's diff is byte for byte the one made from the file typed in
/// ASCII, under every scheme, with the state and without; so is the deletion of those rows
/// the next day, which names the historyKey PMH holds.
#[test]
fn a_retyped_key_is_the_same_certificate() {
    let y: Vec<_> = (0..7).map(row).collect();
    let mut typed = y.clone();
    typed[5][ADDRESS].push('改'); // the one real change
    let mut retyped = typed.clone();
    retyped[0][RECIPIENT] = full_width(&retyped[0][RECIPIENT]);
    retyped[1][MY_NUMBER] = format!(" {}\u{3000}", retyped[1][MY_NUMBER]);
    retyped[2][MY_NUMBER].insert(0, '\u{FEFF}');
    retyped[3][RECIPIENT].insert(2, '\u{200B}');
    retyped[4][VALID_FROM] = full_width(&retyped[4][VALID_FROM]);
    retyped[5][MY_NUMBER] = full_width(&retyped[5][MY_NUMBER]);
    retyped[5][RECIPIENT].push(' ');
    let last_day = file(&typed[6..]);
    let d = Layout::diff();
    for scheme in [
        HistoryKeyScheme::Hash,
        HistoryKeyScheme::Period,
        HistoryKeyScheme::Sequence,
    ] {
        for with_state in [false, true] {
            if scheme == HistoryKeyScheme::Sequence && !with_state {
                continue;
            }
            let what = format!("{scheme:?}, state {with_state}");
            let cfg = DiffConfig {
                scheme,
                max_deletions: DeletionLimit::None,
                ..DiffConfig::default()
            };
            let day1 = run(None, &file(&y), &cfg, None).unwrap();
            let st = DiffState::from_text(&day1.outcome.state.to_text()).unwrap();
            let st = with_state.then_some(&st);
            let a = run(Some(&file(&y)), &file(&typed), &cfg, st).unwrap();
            let b = run(Some(&file(&y)), &file(&retyped), &cfg, st).unwrap();
            let c = b.outcome.counts;
            assert_eq!(
                (c.registered, c.updated, c.deleted, c.unchanged),
                (0, 1, 0, 6),
                "{what}"
            );
            assert_eq!(
                String::from_utf8_lossy(&b.out),
                String::from_utf8_lossy(&a.out),
                "{what}"
            );
            assert_clean(&b);
            let (_, rows, _) = read_diff(&b.out);
            assert_eq!(rows[0][field(&d, "myNumber")], y[5][MY_NUMBER], "{what}");
            assert_eq!(
                rows[0][field(&d, "medicalSubsidyRecipientNumber")],
                y[5][RECIPIENT],
                "{what}"
            );
            // The same historyKeys kept for the next day (the snapshot's hash aside).
            let kept = |r: &Run| -> Vec<String> {
                let text = r.outcome.state.to_text();
                text.lines()
                    .filter(|l| !l.starts_with("snapshot "))
                    .map(str::to_owned)
                    .collect()
            };
            assert_eq!(kept(&b), kept(&a), "{what}");

            // The next day the six certificates are gone: the same deletions.
            let (sa, sb) = (
                DiffState::from_text(&a.outcome.state.to_text()).unwrap(),
                DiffState::from_text(&b.outcome.state.to_text()).unwrap(),
            );
            let ga = run(
                Some(&file(&typed)),
                &last_day,
                &cfg,
                with_state.then_some(&sa),
            )
            .unwrap();
            let gb = run(
                Some(&file(&retyped)),
                &last_day,
                &cfg,
                with_state.then_some(&sb),
            )
            .unwrap();
            assert_eq!(gb.outcome.counts.deleted, 6, "{what}");
            assert_eq!(
                String::from_utf8_lossy(&gb.out),
                String::from_utf8_lossy(&ga.out),
                "{what}"
            );
            assert_clean(&gb);
        }
    }
}
