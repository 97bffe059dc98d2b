//! No input may panic the checker, build, redaction or the diff (in WASM a panic is an opaque
//! crash for the user). The inputs are real bytes — CP932 with 半角カナ, kanji and 和暦, UTF-8
//! with and without BOM, UTF-16LE/BE with BOM —, some broken (a stray lead byte, a truncated
//! multibyte sequence, an unpaired surrogate, a dropped byte), with mixed line endings, fed in
//! arbitrary chunks. Each property also asserts that its generator reaches what it is about
//! (the encoding detected, broken bytes reported, rows checked, rows written, rows diffed).

use std::cell::Cell;

use pmh_core::OutputFormat;
use pmh_core::TextEncoding;
use pmh_core::diff::{DiffConfig, DiffError, Snapshot, diff};
use pmh_core::redact::{RedactError, redact};
use pmh_core::render::{Format, Input, RenderOptions, render};
use pmh_core::{Checker, Code, Layout, Options, Report};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const HEADER: &str = "機関別受給者証種別ID,個人番号,氏名,氏名カナ,住所,生年月日,性別,不開示フラグ,受給者証名,有効期間開始日,有効期間終了日,履歴キー,削除フラグ";

/// Validates in chunks of `chunk` bytes and renders every report format.
fn check(layout: &Layout, opts: Options, bytes: &[u8], chunk: usize) -> Report {
    let mut c = Checker::new(layout, opts);
    for part in bytes.chunks(chunk.max(1)) {
        c.feed(part);
    }
    let report = c.finish();
    let inputs = [Input {
        path: "p",
        report: &report,
    }];
    for f in Format::ALL {
        let _ = render(f, layout, &inputs, RenderOptions::default());
    }
    assert!(report.rows <= bytes.len() as u64 + 1);
    report
}

/// `pmhcsv build` in chunks of `chunk` bytes: the report and the upload file written.
fn build(layout: &Layout, output: OutputFormat, bytes: &[u8], chunk: usize) -> (Report, Vec<u8>) {
    conformance::build_in_chunks(layout, Options::build(output), bytes, chunk)
}

/// A snapshot read in chunks of a chosen size (the diff's reader is chunked too).
struct Chunked<'a>(&'a [u8], usize);

impl Snapshot for Chunked<'_> {
    fn read(&mut self, sink: &mut dyn FnMut(&[u8])) -> Result<(), String> {
        for part in self.0.chunks(self.1.max(1)) {
            sink(part);
        }
        Ok(())
    }
}

/// CP932 bytes of `text`, as Excel's 「CSV (コンマ区切り)」 writes them on Japanese Windows
/// (`encoding_rs`'s Shift_JIS is the Windows repertoire; an unmappable character becomes a
/// numeric character reference, as the WHATWG encoder does).
fn cp932_bytes_of_text(text: &str) -> Vec<u8> {
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(text);
    bytes.into_owned()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Enc {
    Utf8,
    Utf8Bom,
    Cp932,
    Utf16Le,
    Utf16Be,
}

fn encode(text: &str, enc: Enc) -> Vec<u8> {
    match enc {
        Enc::Utf8 => text.as_bytes().to_vec(),
        Enc::Utf8Bom => format!("\u{FEFF}{text}").into_bytes(),
        Enc::Cp932 => cp932_bytes_of_text(text),
        Enc::Utf16Le => std::iter::once(0xFEFF)
            .chain(text.encode_utf16())
            .flat_map(u16::to_le_bytes)
            .collect(),
        Enc::Utf16Be => std::iter::once(0xFEFF)
            .chain(text.encode_utf16())
            .flat_map(u16::to_be_bytes)
            .collect(),
    }
}

/// What was done to the encoded bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Damage {
    None,
    /// The file ends at a position (often inside a multibyte character).
    Truncate,
    /// A lead byte with no trail (CP932 0x82, UTF-8 E3 81) or an unpaired UTF-16 surrogate.
    StrayLead,
    /// One byte is gone (UTF-16 loses its alignment).
    DropByte,
}

/// The bytes of `text` in `enc`, damaged by `d` at a position chosen by `at`.
fn damaged(text: &str, enc: Enc, d: Damage, at: usize) -> Vec<u8> {
    let mut bytes = encode(text, enc);
    let bom = match enc {
        Enc::Utf8Bom => 3,
        Enc::Utf16Le | Enc::Utf16Be => 2,
        _ => 0,
    };
    if bytes.len() <= bom {
        return bytes;
    }
    let anywhere = bom + at % (bytes.len() - bom);
    match d {
        Damage::None => {}
        Damage::Truncate => bytes.truncate(anywhere.max(1)),
        Damage::DropByte => {
            bytes.remove(anywhere);
        }
        Damage::StrayLead => {
            // At the end of a line, preferably a data row's: the stray byte cannot pair with
            // the CR or LF that follows (a CP932 lead byte before a kanji would just pair up).
            // Line ends: a CR, or an LF not after a CR.
            let ends: Vec<usize> = text
                .match_indices(['\r', '\n'])
                .map(|(i, _)| i)
                .filter(|&i| !(text[i..].starts_with('\n') && text[..i].ends_with('\r')))
                .collect();
            let rows: Vec<usize> = ends.iter().copied().skip(1).collect();
            let pick = if rows.is_empty() { &ends } else { &rows };
            let i = pick
                .get(at % pick.len().max(1))
                .copied()
                .unwrap_or(text.len());
            let at = encode(&text[..i], enc).len();
            let stray: &[u8] = match enc {
                Enc::Cp932 => &[0x82],
                Enc::Utf8 | Enc::Utf8Bom => &[0xE3, 0x81],
                Enc::Utf16Le => &[0x00, 0xD8],
                Enc::Utf16Be => &[0xD8, 0x00],
            };
            bytes.splice(at..at, stray.iter().copied());
        }
    }
    bytes
}

/// One source row from values staff files hold, with its own line ending (files mix them).
fn row() -> impl Strategy<Value = String> {
    let values = prop::sample::select(vec![
        "KODOMO01",
        "123456789018",
        "１２３４５６７８９０１８",
        "23456789013",
        "2.10988E+11",
        "愛知花子",
        "髙橋花子",
        "𠮷田",
        "愛知\u{E000}子",
        "アイチ　ハナコ",
        "ｱｲﾁ ﾊﾅｺ",
        "ﾔﾏﾀﾞ ﾀﾛｳ",
        "ｻﾄｳ ｲﾁﾛｰ",
        "愛知県名古屋市中区栄1〜3",
        "ｺｰﾎﾟ栄101",
        "平成25年1月1日",
        "H25.1.1",
        "R7.4.1",
        "令和元年5月1日",
        "平成32年3月31日",
        "昭和64年1月7日",
        "2025-04-01",
        "2026-03-31",
        "2026-02-30",
        "41275",
        "\"愛知,花子\"",
        "\"市立病院\r\n（小児科）\"",
        "\"",
        "",
        "0",
        "1",
        "2",
        "01-1;02-3",
        "子ども医療費受給者証",
        "①",
    ]);
    let eol = prop::sample::select(vec!["\r\n", "\r\n", "\n", "\r"]);
    (prop::collection::vec(values, 0..14), eol).prop_map(|(v, eol)| format!("{}{eol}", v.join(",")))
}

/// A file's text: usually the header (with its own line ending), then rows.
fn file_text() -> impl Strategy<Value = String> {
    (
        prop::bool::weighted(0.8),
        prop::sample::select(vec!["\r\n", "\n"]),
        prop::collection::vec(row(), 0..8),
    )
        .prop_map(|(header, eol, rows)| {
            let head = if header {
                format!("{HEADER}{eol}")
            } else {
                String::new()
            };
            format!("{head}{}", rows.concat())
        })
}

fn encodings() -> impl Strategy<Value = Enc> {
    prop::sample::select(vec![
        Enc::Utf8,
        Enc::Utf8Bom,
        Enc::Cp932,
        Enc::Cp932,
        Enc::Utf16Le,
        Enc::Utf16Be,
    ])
}

fn damages() -> impl Strategy<Value = Damage> {
    prop::sample::select(vec![
        Damage::None,
        Damage::None,
        Damage::Truncate,
        Damage::StrayLead,
        Damage::StrayLead,
        Damage::DropByte,
    ])
}

/// Counts how often a property reached what it is about.
#[derive(Default)]
struct Reach {
    cases: Cell<u32>,
    clean_cp932: Cell<u32>,
    clean_cp932_detected: Cell<u32>,
    clean_utf16: Cell<u32>,
    clean_utf16_detected: Cell<u32>,
    stray: Cell<u32>,
    stray_reported: Cell<u32>,
    rows_checked: Cell<u32>,
    rows_written: Cell<u32>,
    redacted_changed: Cell<u32>,
    redact_refused: Cell<u32>,
    redact_unreadable: Cell<u32>,
    diffed: Cell<u32>,
}

/// Findings as (code, row, column), sorted.
fn positions(r: &Report) -> Vec<(Code, Option<u32>, Option<u32>)> {
    let mut v: Vec<_> = r
        .diagnostics
        .iter()
        .map(|d| (d.code, d.row, d.column))
        .collect();
    v.sort();
    v
}

fn bump(c: &Cell<u32>) {
    c.set(c.get() + 1);
}

/// Every entry point on one input: validate, build (CSV or JSON), redact, diff.
#[expect(clippy::too_many_arguments, reason = "one generated case")]
fn all_entry_points(
    reach: &Reach,
    text: &str,
    enc: Enc,
    dmg: Damage,
    at: usize,
    chunk: usize,
    json: bool,
    seed: u64,
) {
    let clean = encode(text, enc);
    let bytes = damaged(text, enc, dmg, at);
    let full = Layout::full();
    bump(&reach.cases);

    let report = check(&full, Options::validate(), &bytes, chunk);
    // Chunked = whole, whatever the encoding and wherever a chunk ends.
    assert_eq!(
        report,
        pmh_core::check_bytes(&full, Options::validate(), &bytes),
        "chunks of {chunk}"
    );
    let diff_layout = Layout::diff();
    let _ = check(&diff_layout, Options::validate(), &bytes, chunk);
    if dmg == Damage::None && !text.is_ascii() {
        if enc == Enc::Cp932 {
            bump(&reach.clean_cp932);
            if report.encoding == TextEncoding::Cp932 {
                bump(&reach.clean_cp932_detected);
            }
        }
        if matches!(enc, Enc::Utf16Le | Enc::Utf16Be) {
            bump(&reach.clean_utf16);
            let want = if enc == Enc::Utf16Le {
                TextEncoding::Utf16Le
            } else {
                TextEncoding::Utf16Be
            };
            if report.encoding == want {
                bump(&reach.clean_utf16_detected);
            }
        }
    }
    if dmg == Damage::StrayLead && report.rows > 0 && report.count(Code::NoHeader) == 0 {
        // Broken bytes in a row are reported on that row (S008), never dropped silently.
        bump(&reach.stray);
        if report.count(Code::UndecodableBytes) > 0 {
            bump(&reach.stray_reported);
        }
    }
    if report.rows > 0 {
        bump(&reach.rows_checked);
    }

    let output = if json {
        OutputFormat::Json
    } else {
        OutputFormat::Csv
    };
    let (built, out) = build(&full, output, &bytes, chunk);
    if built.rows > 0 && built.count(Code::NoHeader) == 0 && !out.is_empty() {
        bump(&reach.rows_written);
        if json {
            let v: serde_json::Value = serde_json::from_slice(&out).expect("build's JSON parses");
            assert!(v.is_array());
        } else {
            // What build wrote is UTF-8 with BOM: it reads back, whatever the input was.
            let again = check(&full, Options::validate(), &out, chunk);
            assert_eq!(again.encoding, TextEncoding::Utf8Bom);
        }
    }

    for opts in [Options::validate(), Options::build(OutputFormat::Csv)] {
        let copy = redact(&full, &opts, &bytes, seed);
        // Redaction checks its copy and refuses (FindingsChanged, nothing written) rather than
        // give a copy with other findings: a refusal is counted, a copy is checked here again.
        let copy = match copy {
            Ok(copy) => copy,
            // The checker itself cannot read the input (valid as both CP932 and EUC-JP, S018):
            // there is nothing to copy. Counted apart, and only ever for such an input.
            Err(RedactError::UnsupportedEncoding { .. }) => {
                assert_eq!(
                    report.encoding,
                    TextEncoding::Ambiguous,
                    "refused as unreadable"
                );
                bump(&reach.redact_unreadable);
                continue;
            }
            Err(e) => {
                if std::env::var_os("PMH_DEBUG_REFUSALS").is_some() {
                    eprintln!("refused: {}", e.message(pmh_core::Lang::En));
                }
                bump(&reach.redact_refused);
                continue;
            }
        };
        let before = check(&full, opts.clone(), &bytes, chunk);
        let after = check(&full, opts, &copy, chunk);
        assert_eq!(positions(&before), positions(&after), "redacted copy");
        if copy != bytes {
            bump(&reach.redacted_changed);
        }
    }

    // The damaged file against the clean one, each read in chunks.
    let mut sink = |_: &[u8]| -> Result<(), String> { Ok(()) };
    let mut from = Chunked(&bytes, chunk);
    let r = diff(
        &full,
        &diff_layout,
        &Options::default(),
        &DiffConfig::default(),
        Some(&mut from as &mut dyn Snapshot),
        &mut Chunked(&clean, chunk + 1),
        None.into(),
        &mut sink,
    );
    assert!(
        !matches!(r, Err(DiffError::Changed(_))),
        "a snapshot read twice the same way cannot change"
    );
    if let Ok(o) = r
        && o.counts.registered + o.counts.updated + o.counts.deleted + o.counts.unchanged > 0
    {
        bump(&reach.diffed);
    }
}

#[test]
fn real_bytes_through_every_entry_point() {
    let reach = Reach::default();
    let mut runner = TestRunner::new(Config {
        cases: 256,
        ..Config::default()
    });
    let strategy = (
        file_text(),
        encodings(),
        damages(),
        any::<usize>(),
        1usize..64,
        any::<bool>(),
        any::<u64>(),
    );
    runner
        .run(&strategy, |(text, enc, dmg, at, chunk, json, seed)| {
            all_entry_points(&reach, &text, enc, dmg, at, chunk, json, seed);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let n = reach.cases.get();
    let pct = |a: &Cell<u32>, b: u32| u64::from(a.get()) * 100 / u64::from(b.max(1));
    let stats = format!(
        "cases {n}; clean CP932 detected {}/{}; clean UTF-16 detected {}/{}; stray bytes reported {}/{}; rows checked {}; rows written {}; redacted copies changed {}, refused {} (+{} unreadable); diffed {}",
        reach.clean_cp932_detected.get(),
        reach.clean_cp932.get(),
        reach.clean_utf16_detected.get(),
        reach.clean_utf16.get(),
        reach.stray_reported.get(),
        reach.stray.get(),
        reach.rows_checked.get(),
        reach.rows_written.get(),
        reach.redacted_changed.get(),
        reach.redact_refused.get(),
        reach.redact_unreadable.get(),
        reach.diffed.get(),
    );
    // The generator reaches what the property is about.
    assert!(reach.clean_cp932.get() >= 10, "{stats}");
    assert!(
        pct(&reach.clean_cp932_detected, reach.clean_cp932.get()) >= 90,
        "{stats}"
    );
    assert!(reach.clean_utf16.get() >= 10, "{stats}");
    assert_eq!(
        reach.clean_utf16_detected.get(),
        reach.clean_utf16.get(),
        "a BOM decides: {stats}"
    );
    assert!(reach.stray.get() >= 15, "{stats}");
    assert!(
        pct(&reach.stray_reported, reach.stray.get()) >= 50,
        "{stats}"
    );
    // Most cases have data rows the checker reads; 69 % with runner seed 406 (so not 70),
    // more with every other seed of 1–40, 131–170 and 300–425.
    assert!(pct(&reach.rows_checked, n) >= 60, "{stats}");
    assert!(pct(&reach.rows_written, n) >= 30, "{stats}");
    assert!(pct(&reach.redacted_changed, 2 * n) >= 50, "{stats}");
    // Redaction refuses (never a wrong copy) only when no stand-in keeps a finding; none of
    // these inputs needs that any more (4,000 redactions: 0 refused, with the search for
    // personal values in every cell). A 生年月日 of "0" in build
    // mode is kept (no other digit is V004), undecodable bytes keep their U+FFFD count, and
    // rows are matched by sheet row even with CR-only line endings.
    // At most one refusal in 100 redactions. The runner's seed is random; seeds 1–40 gave 2
    // refusals in 20,480 redactions, seeds 161 and 167 the most of 131–170 (1 and 2 in 512).
    // What is still refused: a 生年月日 of 令和元年5月1日 in build mode on a row whose
    // 有効期間開始日 is that same day (a stand-in must be an earlier day still written 令和元年,
    // and there is none), and a few damaged bytes detected as EUC-JP whose copy the detection
    // reads otherwise. No longer refused: shifted rows of one certificate whose
    // 機関別受給者証種別ID held a date (K001 turning into K004: seeds 7 and 12), a 個人番号 with
    // and without a U+FEFF in two rows of one certificate (seeds 127 and 128 of
    // help_desk_no_panic), and stand-ins meeting another row's value (K004: seed 5).
    assert!(
        u64::from(reach.redact_refused.get()) * 100 <= u64::from(2 * n),
        "{stats}"
    );
    assert!(pct(&reach.diffed, n) >= 30, "{stats}");
}

#[test]
fn cp932_bytes_are_real_cp932() {
    let text = "氏名カナ,生年月日\r\nｱｲﾁ ﾊﾅｺ,平成25年1月1日\r\n愛知花子,髙橋①\r\n";
    let bytes = cp932_bytes_of_text(text);
    // Half-width katakana are single bytes in CP932, kanji two: ｱ = B1, 愛 = 88 A4.
    assert!(bytes.windows(1).any(|w| w == [0xB1]), "{bytes:02X?}");
    assert!(bytes.windows(2).any(|w| w == [0x88, 0xA4]), "{bytes:02X?}");
    assert!(std::str::from_utf8(&bytes).is_err(), "not UTF-8 any more");
    let (back, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(&bytes);
    assert!(!had_errors);
    assert_eq!(back, text);
    let report = check(&Layout::full(), Options::validate(), &bytes, 3);
    assert_eq!(report.encoding, TextEncoding::Cp932);
    assert_eq!(report.count(Code::NotUtf8), 1, "{:?}", report.diagnostics);
}

/// CSV atoms: header labels, quotes, separators, line breaks and tricky characters; with
/// `cp932_only`, only characters CP932 has (so that the text survives a round trip).
fn csvish(cp932_only: bool) -> impl Strategy<Value = String> {
    let mut atoms = vec![
        "個人番号",
        "氏名",
        "有効期間開始日",
        "有効期間終了日",
        "性別",
        ",",
        ",",
        "\t",
        "\"",
        "\"\"",
        "\r\n",
        "\n",
        "\r",
        "123456789018",
        "2.10988E+11",
        "2025-04-01",
        "2026-02-30",
        "平成32年3月31日",
        "ｱｲﾁ",
        "髙﨑①",
        " ",
        "　",
        "0",
        "1",
        "2",
        "01-1;",
        "‐",
        "",
    ];
    if !cp932_only {
        atoms.extend(["\u{FEFF}", "\u{E000}", "𠮷", "\u{FFFD}"]);
    }
    prop::collection::vec(prop::sample::select(atoms), 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600), chunk in 1usize..64) {
        check(&Layout::full(), Options::validate(), &bytes, chunk);
        let _ = build(&Layout::full(), OutputFormat::Csv, &bytes, chunk);
    }

    #[test]
    fn csv_shaped_text(text in csvish(false), chunk in 1usize..64, diff in any::<bool>()) {
        let layout = if diff { Layout::diff() } else { Layout::full() };
        let header = format!("{HEADER}\r\n");
        check(&layout, Options::validate(), format!("{header}{text}").as_bytes(), chunk);
        check(&layout, Options::validate(), text.as_bytes(), chunk);
    }

    /// The atoms as CP932 bytes: they decode back to the text, a text with a character outside
    /// ASCII gives bytes outside ASCII, and the checker reads them as CP932, in any chunks —
    /// unless the same bytes are also valid EUC-JP with another text (`ｱｲﾁｱｲﾁ` is 6 bytes that
    /// EUC-JP reads as 3 kanji): then it refuses to guess (S018), never reads them as EUC-JP.
    #[test]
    fn cp932_bytes_of_csv_shaped_text(text in csvish(true), chunk in 1usize..64) {
        let bytes = cp932_bytes_of_text(&text);
        let (back, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(&bytes);
        prop_assert!(!had_errors);
        prop_assert_eq!(&back, &text);
        prop_assert_eq!(bytes.is_ascii(), text.is_ascii());
        let report = check(&Layout::full(), Options::validate(), &bytes, chunk);
        prop_assert_eq!(&report, &pmh_core::check_bytes(&Layout::full(), Options::validate(), &bytes));
        if !text.is_ascii() {
            let (euc, euc_errors) = encoding_rs::EUC_JP.decode_without_bom_handling(&bytes);
            let expected = if !euc_errors && euc != text {
                TextEncoding::Ambiguous
            } else {
                TextEncoding::Cp932
            };
            prop_assert_eq!(report.encoding, expected);
        }
    }
}

#[test]
fn broken_bytes_are_reported_not_dropped() {
    // One case per encoding, fed in several chunkings, so that a regression names itself: a
    // stray lead byte (an unpaired surrogate) at the end of the data row.
    let text = format!(
        "{HEADER}\r\nKODOMO01,123456789018,愛知花子,ｱｲﾁ ﾊﾅｺ,愛知県,平成25年1月1日,2,0,子ども医療費受給者証,2025-04-01,2026-03-31,H1,0\r\n"
    );
    for enc in [
        Enc::Utf8,
        Enc::Utf8Bom,
        Enc::Cp932,
        Enc::Utf16Le,
        Enc::Utf16Be,
    ] {
        let bytes = damaged(&text, enc, Damage::StrayLead, 0);
        assert_ne!(bytes, encode(&text, enc));
        for chunk in [1, 2, 3, 7, 4096] {
            let r = check(&Layout::diff(), Options::validate(), &bytes, chunk);
            let found: Vec<_> = positions(&r)
                .into_iter()
                .filter(|(c, ..)| matches!(c, Code::UndecodableBytes | Code::UnknownEncoding))
                .collect();
            // Row 2, the last column: where the byte is.
            let expected = [(Code::UndecodableBytes, Some(2), Some(13))];
            assert_eq!(found, expected, "{enc:?} chunk {chunk}");
        }
    }
}
