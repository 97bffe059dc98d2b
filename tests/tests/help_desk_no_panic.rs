//! No input may panic redaction, the diff or the state reader; and redaction keeps the
//! findings of any CSV-shaped text, not only of well-formed files.

use pmh_core::diff::{Bytes, DiffConfig, DiffStateReader, Snapshot, diff};
use pmh_core::redact::redact;
use pmh_core::{InputKind, Lang, Layout, Options};
use proptest::prelude::*;

const HEADER: &str = "機関別受給者証種別ID,個人番号,氏名,氏名カナ,住所,生年月日,性別,不開示フラグ,受給者証名,有効期間開始日,有効期間終了日,受給者証番号,保護者氏名\r\n";

/// CSV-shaped text with the characters redaction cares about.
fn csvish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        ",",
        ",",
        ",",
        "\t",
        "\"",
        "\"\"",
        "\r\n",
        "\n",
        "\r",
        "KODOMO01",
        "123456789018",
        "123456789012",
        "23456789013",
        "000000000000",
        "１２３",
        "2.10988E+11",
        "2013-01-01",
        "2025-04-01",
        "2026-02-30",
        "平成32年3月31日",
        "令和元年5月1日",
        "H25.1.1",
        "41275",
        "愛知花子",
        "髙﨑",
        "アイチ　ハナコ",
        "ｱｲﾁ ﾊﾞﾅｺ",
        "やまだ",
        "愛知県名古屋市中区栄1-1-1",
        "〜",
        "−",
        "一",
        "①",
        "\u{E000}",
        "𠮷",
        "\u{FEFF}",
        " ",
        "　",
        "0",
        "1",
        "2",
        "\u{FFFD}",
        "",
    ]);
    prop::collection::vec(atoms, 0..60).prop_map(|v| v.concat())
}

fn opts(build: bool) -> Options {
    Options {
        kind: if build {
            InputKind::Source
        } else {
            InputKind::Upload
        },
        repair: build,
        ..Options::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn redact_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400), seed in any::<u64>()) {
        let r = redact(&Layout::full(), &Options::default(), &bytes, seed);
        prop_assert!(r.is_ok(), "{:?}", r.err().map(|e| e.message(Lang::En)));
    }

    #[test]
    fn redact_csv_shaped_text(text in csvish(), seed in any::<u64>(), build in any::<bool>(), header in any::<bool>()) {
        let input = if header { format!("\u{FEFF}{HEADER}{text}") } else { text };
        let r = redact(&Layout::full(), &opts(build), input.as_bytes(), seed);
        prop_assert!(r.is_ok(), "{:?}", r.err().map(|e| e.message(Lang::En)));
        let (cp932, _, _) = encoding_rs::SHIFT_JIS.encode(input.trim_start_matches('\u{FEFF}'));
        let r = redact(&Layout::full(), &opts(build), &cp932, seed);
        prop_assert!(r.is_ok(), "cp932: {:?}", r.err().map(|e| e.message(Lang::En)));
    }

    #[test]
    fn diff_arbitrary_snapshots(a in csvish(), b in csvish()) {
        let a = format!("{HEADER}{a}");
        let b = format!("{HEADER}{b}");
        let mut out = Vec::new();
        let mut sink = |x: &[u8]| -> Result<(), String> {
            out.extend_from_slice(x);
            Ok(())
        };
        let mut from = Bytes(a.as_bytes());
        let r = diff(
            &Layout::full(),
            &Layout::diff(),
            &Options::default(),
            &DiffConfig::default(),
            Some(&mut from as &mut dyn Snapshot),
            &mut Bytes(b.as_bytes()),
            None.into(),
            &mut sink,
        );
        prop_assert!(r.is_ok());
    }

    #[test]
    fn state_reader_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300), chunk in 1usize..40) {
        let mut r = DiffStateReader::new();
        let mut ok = true;
        for c in bytes.chunks(chunk) {
            ok &= r.feed(c).is_ok();
        }
        if ok {
            let _ = r.finish();
        }
    }
}
