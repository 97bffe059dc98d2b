use super::*;
use crate::output::render::Lang;

#[test]
fn fingerprints_are_stable() {
    // Stored in state files: these values must never change.
    let mut f = Fingerprint::new(1);
    f.add(b"123456789018");
    assert_eq!(f.finish128(), 0xb665_923a_82db_ddeb_be30_5b7c_1f40_38bb);
    let mut g = Fingerprint::new(2);
    g.add(b"");
    assert_eq!(format!("{:016x}", g.finish64()), "d2d279f1c3b21b01");
}

#[test]
fn state_round_trips() {
    let mut s = DiffState {
        scheme: Some(HistoryKeyScheme::Sequence),
        row_key: Some(RowKey::Period),
        snapshot_sha256: "ab".repeat(32),
        ..DiffState::default()
    };
    s.push(7, 9, "3");
    s.push(1, 2, "abc");
    s.units.sort_by_key(|u| u.unit);
    s.counters = vec![(5, 3)];
    let text = s.to_text();
    let back = DiffState::from_text(&text).unwrap();
    assert_eq!(back.to_text(), text);
    assert_eq!(back.find(7).map(|e| back.key_of(e)), Some("3"));
    assert_eq!(back.counter(5), 3);
    let err = DiffState::from_text("pmhcsv-diff-state 1\nscheme nope\n").unwrap_err();
    assert!(
        err.message(Lang::Ja).contains("2 行目"),
        "{}",
        err.message(Lang::Ja)
    );
    assert!(DiffState::from_text("hello").is_err());
    assert!(
        DiffState::from_text(&text[..text.len() - 3]).is_err(),
        "truncated"
    );
    // Fed in any chunking.
    for size in [1, 7, 64] {
        let mut r = DiffStateReader::new();
        for c in text.as_bytes().chunks(size) {
            r.feed(c).unwrap();
        }
        assert_eq!(r.finish().unwrap(), back);
    }
}
