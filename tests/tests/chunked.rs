//! Chunked = whole (issue 9 item 3): however the bytes arrive — one at a time, in any chunk size,
//! or all at once — the checker gives exactly the same report (codes, rows, lines, columns,
//! values, counts, encoding, line endings) and `build` writes exactly the same bytes. A pipe
//! that delivers a file line by line once split rows because an empty decoded chunk (the
//! decoder holding back part of a character) was taken for the end of the file.
//!
//! Cases: every CSV fixture as the fixture harness checks it, and generated files in every
//! supported encoding (UTF-8 with and without BOM, UTF-16LE/BE, CP932, EUC-JP, ISO-2022-JP),
//! detected and named explicitly, with CRLF, LF and CR-only line endings, quoted line breaks,
//! blank lines and a file longer than the detection window; each fed in chunks of every size
//! from 1 to 64 bytes and a few larger ones (window edges included).

use conformance::{fixture_files, layout_for, options_for};
use pmh_core::{
    Checker, EncodingChoice, InputKind, Layout, Options, OutputFormat, Report, TextEncoding,
};

/// Chunk sizes: every size from 1 to 64, and larger ones around the decoder's 4 KiB window.
fn chunk_sizes() -> Vec<usize> {
    let mut v: Vec<usize> = (1..=64).collect();
    v.extend([100, 255, 256, 1000, 4095, 4096, 4097, 65_536]);
    v
}

/// The report and the upload bytes (build mode) for `bytes` fed in `chunk`-byte pieces
/// (`None`: all at once).
fn run(layout: &Layout, opts: &Options, bytes: &[u8], chunk: Option<usize>) -> (Report, Vec<u8>) {
    let mut c = Checker::new(layout, opts.clone());
    let mut out = Vec::new();
    match chunk {
        None => c.feed(bytes),
        Some(n) => {
            for piece in bytes.chunks(n) {
                c.feed(piece);
                out.extend(c.take_output());
            }
        }
    }
    out.extend(c.take_output());
    let (report, tail) = c.finish_with_output();
    out.extend(tail);
    (report, out)
}

/// Asserts chunked = whole for every chunk size; returns the number of comparisons.
fn assert_chunked_equals_whole(label: &str, layout: &Layout, opts: &Options, bytes: &[u8]) -> u32 {
    let (whole, whole_out) = run(layout, opts, bytes, None);
    let mut n = 0;
    for size in chunk_sizes() {
        let (report, out) = run(layout, opts, bytes, Some(size));
        assert!(
            report == whole,
            "{label}: chunks of {size} bytes give another report\nwhole: {whole:?}\nchunked: {report:?}"
        );
        assert!(
            out == whole_out,
            "{label}: chunks of {size} bytes write other upload bytes"
        );
        n += 1;
    }
    n
}

fn build_opts() -> Options {
    Options::build(OutputFormat::Csv)
}

#[test]
fn every_fixture_chunked_equals_whole_in_validate_and_build() {
    let mut files = fixture_files("valid");
    files.extend(fixture_files("invalid"));
    assert!(files.len() > 70, "{}", files.len());
    let mut cases = 0;
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let layout = layout_for(f);
        let label = f.display().to_string();
        // As the fixture harness checks it (validate, or build for X… fixtures).
        cases += assert_chunked_equals_whole(&label, &layout, &options_for(f), &bytes);
        // And through build, whatever the fixture is about (same upload bytes).
        let opts = Options {
            encoding: options_for(f).encoding,
            ..build_opts()
        };
        cases += assert_chunked_equals_whole(&format!("{label} (build)"), &layout, &opts, &bytes);
    }
    eprintln!("fixtures: {} files, {cases} chunked runs", files.len());
}

/// Rows with the characters and shapes that cross chunk boundaries badly: multi-byte names
/// (JIS X 0208 only, so every encoding has them), half-width kana, a quoted value with a line
/// break and a comma, a quote escaped inside a value, a bare quote (S019), a blank line, a
/// 和暦 date.
fn sample_text(eol: &str, rows: usize) -> String {
    let header = "機関別受給者証種別ID,個人番号,氏名,氏名カナ,住所,生年月日,性別,不開示フラグ,公費負担者番号,受給者証名,公費受給者番号,受給者証サブキー,区分,所得区分,追加条件,指定医療機関情報,常に償還払い,自己負担上限額種別,金額（月）,有効期間開始日,有効期間終了日,備考";
    let names = [
        ("愛知花子", "アイチ　ハナコ", "愛知県名古屋市中区栄1-1-1"),
        ("山田太郎", "ﾔﾏﾀﾞ ﾀﾛｳ", "北海道札幌市中央区北一条西2丁目"),
        (
            "佐藤一郎",
            "サトウ　イチロウ",
            "\"東京都千代田区霞が関1-3-1\r\n合同庁舎4号館\"",
        ),
    ];
    let mut s = String::from(header);
    s.push_str(eol);
    for i in 0..rows {
        let (name, kana, addr) = names[i % names.len()];
        let birth = if i % 4 == 3 {
            "平成25年1月1日"
        } else {
            "2013-01-01"
        };
        // Every sixth row has a quote RFC 4180 does not allow (S019), the others an escaped one.
        let memo = if i % 6 == 5 {
            format!("メモ\"{i}\"")
        } else {
            format!("\"メモ \"\"{i}\"\", 一般\"")
        };
        s.push_str(&format!(
            "KODOMO01,12345678901{},{name},{kana},{addr},{birth},2,0,88134457,子ども医療費受給者証,0001234{},,,,,,0,,,2025-04-01,2026-03-31,{memo}{eol}",
            i % 10,
            i % 10
        ));
        if i % 5 == 4 {
            s.push_str(eol); // a blank line
        }
    }
    s
}

/// `text` in `enc`, with a BOM where the encoding has one and `bom` asks for it.
fn encode(text: &str, enc: EncodingChoice, bom: bool) -> Vec<u8> {
    let utf16 = |le: bool| {
        let mut v = if le {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        if !bom {
            v.clear();
        }
        for u in text.encode_utf16() {
            v.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        v
    };
    let legacy = |e: &'static encoding_rs::Encoding| {
        let (bytes, _, unmappable) = e.encode(text);
        assert!(!unmappable, "{} cannot write the sample", e.name());
        bytes.into_owned()
    };
    match enc {
        EncodingChoice::Auto | EncodingChoice::Utf8 => {
            let mut v = if bom {
                vec![0xEF, 0xBB, 0xBF]
            } else {
                Vec::new()
            };
            v.extend_from_slice(text.as_bytes());
            v
        }
        EncodingChoice::Utf16Le => utf16(true),
        EncodingChoice::Utf16Be => utf16(false),
        EncodingChoice::Cp932 => legacy(encoding_rs::SHIFT_JIS),
        EncodingChoice::EucJp => legacy(encoding_rs::EUC_JP),
        EncodingChoice::Iso2022Jp => legacy(encoding_rs::ISO_2022_JP),
    }
}

#[test]
fn generated_files_in_every_encoding_chunked_equal_whole() {
    // (encoding, BOM, what detection must say)
    let encodings = [
        (EncodingChoice::Utf8, false, TextEncoding::Utf8),
        (EncodingChoice::Utf8, true, TextEncoding::Utf8Bom),
        (EncodingChoice::Utf16Le, true, TextEncoding::Utf16Le),
        (EncodingChoice::Utf16Be, true, TextEncoding::Utf16Be),
        (EncodingChoice::Cp932, false, TextEncoding::Cp932),
        (EncodingChoice::EucJp, false, TextEncoding::EucJp),
        (EncodingChoice::Iso2022Jp, false, TextEncoding::Iso2022Jp),
    ];
    let layout = Layout::full();
    let mut cases = 0;
    let mut per_encoding = Vec::new();
    for (enc, bom, detected) in encodings {
        let mut here = 0;
        // 7 rows (small), and 40 rows: longer than the 4 KiB detection window.
        for (eol, rows) in [("\r\n", 7), ("\n", 7), ("\r", 7), ("\r\n", 40)] {
            let text = sample_text(eol, rows);
            let bytes = encode(&text, enc, bom);
            assert!(rows < 40 || bytes.len() > 4096);
            let label = format!("{} bom={bom} eol={eol:?} rows={rows}", enc.as_str());
            // Detected, and named explicitly (the choice overrides detection).
            for choice in [EncodingChoice::Auto, enc] {
                for base in [Options::validate(), build_opts()] {
                    let opts = Options {
                        encoding: choice,
                        ..base
                    };
                    let (whole, out) = run(&layout, &opts, &bytes, None);
                    assert_eq!(whole.encoding, detected, "{label}: {}", choice.as_str());
                    let blanks = (0..rows).filter(|i| i % 5 == 4 && i + 1 < rows).count();
                    assert_eq!(whole.rows, (rows + blanks) as u64, "{label}: rows");
                    let bare = whole.count(pmh_core::Code::BareQuote);
                    assert_eq!(bare, (rows / 6) as u64, "{label}: S019");
                    if opts.kind == InputKind::Source {
                        // Every row is written, the names as they were.
                        assert!(
                            String::from_utf8_lossy(&out)
                                .contains("北海道札幌市中央区北一条西2丁目")
                        );
                    }
                    here += assert_chunked_equals_whole(
                        &format!("{label} choice={}", choice.as_str()),
                        &layout,
                        &opts,
                        &bytes,
                    );
                }
            }
        }
        per_encoding.push((enc.as_str(), bom, here));
        cases += here;
    }
    eprintln!("generated: {cases} chunked runs: {per_encoding:?}");
    assert_eq!(cases, 7 * 4 * 2 * 2 * chunk_sizes().len() as u32);
}

/// A CR-only file reports the same physical lines as its CRLF twin (it used to say line 1 for
/// every row), and the redacted copy's lines match too.
#[test]
fn cr_only_files_report_real_lines() {
    let layout = Layout::full();
    let crlf = sample_text("\r\n", 12).replace("12345678901", "12345678900");
    let cr = crlf.replace("\r\n", "\r");
    let lines = |text: &str| -> Vec<(String, Option<u32>, Option<u64>)> {
        let (r, _) = run(&layout, &Options::validate(), text.as_bytes(), Some(5));
        r.diagnostics
            .iter()
            .map(|d| (d.code.as_str().to_owned(), d.row, d.line))
            .collect()
    };
    let a = lines(&crlf);
    let b = lines(&cr);
    assert!(a.iter().filter(|d| d.0 == "N001").count() >= 10, "{a:?}");
    assert!(
        a.iter().any(|d| d
            .1
            .zip(d.2)
            .is_some_and(|(row, line)| u64::from(row) != line)),
        "the sample has rows whose line differs from the row (quoted line breaks)"
    );
    let drop_s012 = |v: Vec<(String, Option<u32>, Option<u64>)>| -> Vec<_> {
        v.into_iter().filter(|d| d.0 != "S012").collect()
    };
    assert_eq!(drop_s012(a), drop_s012(b));
}
