use super::*;
use proptest::prelude::*;

fn ymd(y: i32, m: u8, d: u8) -> Ymd {
    Ymd::new(y, m, d).unwrap()
}

fn ok(s: &str, serial: bool) -> LenientDate {
    match parse_lenient(s, serial) {
        Ok(d) => d,
        Err(e) => panic!("{s:?}: {e:?}"),
    }
}

fn assert_date(s: &str, date: Ymd, form: DateForm) {
    let got = ok(s, false);
    assert_eq!((got.date, got.form, got.note), (date, form, None), "{s:?}");
}

#[test]
fn ymd_validation() {
    assert!(Ymd::new(2024, 2, 29).is_some());
    assert!(Ymd::new(2023, 2, 29).is_none());
    assert!(Ymd::new(1900, 2, 29).is_none());
    assert!(Ymd::new(2000, 2, 29).is_some());
    assert!(Ymd::new(2013, 4, 31).is_none());
    assert!(Ymd::new(2013, 13, 1).is_none());
    assert!(Ymd::new(2013, 0, 1).is_none());
    assert!(Ymd::new(2013, 1, 0).is_none());
    assert!(Ymd::new(10_000, 1, 1).is_none());
    assert!(Ymd::new(-1, 1, 1).is_none());
    assert_eq!(ymd(2013, 1, 1).to_string(), "2013-01-01");
    assert_eq!(ymd(5, 3, 9).to_string(), "0005-03-09");
    // Hand-built dates outside `Ymd::new`'s range keep the `{:04}-{:02}-{:02}` text.
    for (year, month, day) in [(0, 1, 1), (9999, 12, 31), (10_000, 1, 2), (-5, 13, 100)] {
        let d = Ymd { year, month, day };
        assert_eq!(d.to_string(), format!("{year:04}-{month:02}-{day:02}"));
    }
    for year in 0..=9999 {
        for (month, day) in [(1, 1), (9, 30), (10, 9), (12, 31)] {
            let d = ymd(year, month, day);
            assert_eq!(d.to_string(), format!("{year:04}-{month:02}-{day:02}"));
        }
    }
}

#[test]
fn days_anchor_points() {
    assert_eq!(ymd(1970, 1, 1).to_days(), 0);
    assert_eq!(ymd(1969, 12, 31).to_days(), -1);
    assert_eq!(ymd(2000, 3, 1).to_days(), 11_017);
    assert_eq!(ymd(1899, 12, 30).to_days(), EXCEL_EPOCH_DAYS);
    assert_eq!(Ymd::from_days(0), Some(ymd(1970, 1, 1)));
    assert_eq!(Ymd::from_days(ymd(0, 1, 1).to_days()), Some(ymd(0, 1, 1)));
    assert_eq!(Ymd::from_days(ymd(0, 1, 1).to_days() - 1), None);
    assert_eq!(Ymd::from_days(ymd(9999, 12, 31).to_days() + 1), None);
    assert_eq!(Ymd::from_days(i32::MIN), None);
    assert_eq!(Ymd::from_days(i32::MAX), None);
    let absurd = Ymd {
        year: i32::MAX,
        month: 255,
        day: 255,
    };
    assert_eq!(absurd.to_days(), i32::MAX);
    assert_eq!(ymd(2019, 4, 30).add_days(1), Some(ymd(2019, 5, 1)));
    assert_eq!(ymd(9999, 12, 31).add_days(1), None);
}

#[test]
fn order_keys_order_as_the_calendar() {
    // Every day of 0000–9999: strictly increasing with the day number, so comparing keys is
    // comparing dates, and far above the key index's "no date" (i32::MIN).
    let (first, last) = (ymd(0, 1, 1).to_days(), ymd(9999, 12, 31).to_days());
    let mut before = i32::MIN;
    for days in first..=last {
        let key = Ymd::from_days(days).unwrap().order_key();
        assert!(key > before, "{days}");
        before = key;
    }
    assert_eq!(ymd(0, 1, 1).order_key(), 33);
}

#[test]
fn iso_and_formats() {
    assert_eq!(parse_iso("2013-01-01"), Some(ymd(2013, 1, 1)));
    for bad in [
        "2013-1-1",
        "2013/01/01",
        "2013-02-30",
        "20130101",
        "2013-01-01 ",
        "２０１３-01-01",
        "",
        "2013-01-0a",
        "+013-01-01",
    ] {
        assert_eq!(parse_iso(bad), None, "{bad:?}");
    }
    assert_eq!(
        parse_with_format("2013/01/01", "YYYY/MM/DD"),
        Some(ymd(2013, 1, 1))
    );
    assert_eq!(parse_with_format("2013/1/1", "YYYY/MM/DD"), None);
    assert_eq!(
        parse_with_format("20130101", "YYYYMMDD"),
        Some(ymd(2013, 1, 1))
    );
    assert_eq!(
        parse_with_format("2013-01-01", "YYYY-MM-DD"),
        Some(ymd(2013, 1, 1))
    );
    assert_eq!(parse_with_format("2013-01-01", "DD/MM/YYYY"), None);
    assert_eq!(parse_with_format("2013-01-01", "YYYY/MM/DD"), None);
    for f in ["YYYY-MM-DD", "YYYY/MM/DD", "YYYYMMDD"] {
        let s = format_date(ymd(2025, 4, 1), f).unwrap();
        assert_eq!(parse_with_format(&s, f), Some(ymd(2025, 4, 1)));
    }
    assert_eq!(format_date(ymd(2025, 4, 1), "x"), None);
}

#[test]
fn eras() {
    for (i, era) in Era::ALL.into_iter().enumerate() {
        assert_eq!(usize::from(era.code()), i + 1);
        assert_eq!(Era::from_code(era.code()), Some(era));
        assert_eq!(Era::from_letter(era.letter()), Some(era));
        assert_eq!(
            Era::from_letter(era.letter().to_ascii_lowercase()),
            Some(era)
        );
        if let (Some(end), Some(next)) = (era.end(), era.next()) {
            assert_eq!(end.add_days(1), Some(next.start()));
        }
    }
    assert_eq!(Era::Heisei.start(), ymd(1989, 1, 8));
    assert_eq!(Era::Reiwa.end(), None);
    assert_eq!(Era::of_date(ymd(1989, 1, 7)), Some(Era::Showa));
    assert_eq!(Era::of_date(ymd(1989, 1, 8)), Some(Era::Heisei));
    assert_eq!(Era::of_date(ymd(1800, 1, 1)), None);
}

// Spec: domain-codes §7.2, every row.
#[test]
fn section_7_2_wareki_rows() {
    let d2013 = ymd(2013, 1, 1);
    let heisei = DateForm::Wareki { era: Era::Heisei };
    for s in [
        "平成25年1月1日",
        "平成２５年１月１日",
        "平25.1.1",
        "H25.1.1",
        "h25/1/1",
        "Ｈ２５．１．１",
        "H25-1-1",
        "㍻25.1.1",
    ] {
        assert_date(s, d2013, heisei.clone());
    }
    let reiwa = DateForm::Wareki { era: Era::Reiwa };
    for s in ["R7/4/1", "R07.04.01", "令7.4.1", "令和7年4月1日"] {
        assert_date(s, ymd(2025, 4, 1), reiwa.clone());
    }
    assert_date("令和元年5月1日", ymd(2019, 5, 1), reiwa.clone());
    assert_date("平成元年1月8日", ymd(1989, 1, 8), heisei.clone());
    assert_date(
        "昭和64年1月7日",
        ymd(1989, 1, 7),
        DateForm::Wareki { era: Era::Showa },
    );
    assert_eq!(
        parse_lenient("平成元年1月7日", false),
        Err(DateError::BeforeEraStart { era: Era::Heisei })
    );
    let overflow = ok("平成31年5月1日", false);
    assert_eq!(overflow.date, ymd(2019, 5, 1));
    assert_eq!(
        overflow.note,
        Some(DateNote::EraOverflow {
            era: Era::Heisei,
            year: 31
        })
    );
    let overflow = ok("平成32年3月31日", false);
    assert_eq!(overflow.date, ymd(2020, 3, 31));
    assert_eq!(overflow.form, heisei);
    assert_eq!(
        overflow.note,
        Some(DateNote::EraOverflow {
            era: Era::Heisei,
            year: 32
        })
    );
}

#[test]
fn section_7_2_gregorian_rows() {
    let d2013 = ymd(2013, 1, 1);
    assert_date("2013-01-01", d2013, DateForm::Iso);
    for s in [
        "2013/1/1",
        "2013.1.1",
        "2013/1/1 0:00",
        "2013-1-1",
        "2013/01/01",
        "2013/1/1 13:45:10",
        "2013-01-01T00:00:00",
    ] {
        assert_date(s, d2013, DateForm::Slash);
    }
    assert_date("2013年1月1日", d2013, DateForm::Kanji);
    assert_date("2013年 1月 1日", d2013, DateForm::Kanji);
    assert_date("20130101", d2013, DateForm::Compact);
    assert_date("4250101", d2013, DateForm::EraCode);
    assert_date("２０１３／１／１", d2013, DateForm::Slash);
    assert_date("２０１３－０１－０１", d2013, DateForm::Slash);
    assert_date("\u{3000}2013/1/1 ", d2013, DateForm::Slash);
    assert_date(" 2013-01-01\u{3000}", d2013, DateForm::Iso);
    assert_eq!(
        parse_lenient("25/1/1", false),
        Err(DateError::AmbiguousTwoDigitYear)
    );
    assert_eq!(
        parse_lenient("1/1/25", false),
        Err(DateError::AmbiguousTwoDigitYear)
    );
    assert_eq!(
        parse_lenient("25年1月1日", false),
        Err(DateError::AmbiguousTwoDigitYear)
    );
    assert_eq!(
        parse_lenient("250101", true),
        Err(DateError::AmbiguousTwoDigitYear)
    );
    assert_eq!(
        parse_lenient("1/1/2025", false),
        Err(DateError::Unrecognised)
    );
}

#[test]
fn section_7_2_serial_rows() {
    let serial = |s: &str| {
        let d = ok(s, true);
        assert_eq!(d.form, DateForm::ExcelSerial);
        d.date
    };
    assert_eq!(serial("41275"), ymd(2013, 1, 1));
    assert_eq!(serial("45748"), ymd(2025, 4, 1));
    assert_eq!(serial("41275.5"), ymd(2013, 1, 1));
    // The plausibility window: 61 (1900-03-01) … 73415 (2100-12-31). A bare `1` is no date.
    assert_eq!(serial("61"), ymd(1900, 3, 1));
    assert_eq!(parse_lenient("１", true), Err(DateError::SerialOutOfRange));
    assert_eq!(parse_lenient("1", true), Err(DateError::SerialOutOfRange));
    assert_eq!(
        parse_lenient("59.5", true),
        Err(DateError::SerialOutOfRange)
    );
    assert_eq!(serial("73415"), ymd(2100, 12, 31));
    assert_eq!(
        parse_lenient("73416", true),
        Err(DateError::SerialOutOfRange)
    );
    assert_eq!(parse_lenient("0", true), Err(DateError::SerialOutOfRange));
    assert_eq!(parse_lenient("60", true), Err(DateError::SerialOutOfRange));
    // Cells of a workbook keep the whole 1900 system (the serial's cell type says it is a date).
    assert_eq!(excel_serial_to_date(60.0), Err(DateError::Serial60));
    assert_eq!(excel_serial_to_date(1.0), Ok(ymd(1900, 1, 1)));
    assert_eq!(
        parse_lenient("999999999999", true),
        Err(DateError::SerialOutOfRange)
    );
    assert_eq!(parse_lenient("41275", false), Err(DateError::Unrecognised));
    assert_eq!(
        parse_lenient("41275.5", false),
        Err(DateError::Unrecognised)
    );
    assert_eq!(parse_lenient("45748", false), Err(DateError::Unrecognised));
}

#[test]
fn errors() {
    assert_eq!(parse_lenient("", false), Err(DateError::Empty));
    assert_eq!(parse_lenient(" \u{3000}\t", false), Err(DateError::Empty));
    assert_eq!(
        parse_lenient("2013/2/30", false),
        Err(DateError::InvalidCalendarDate)
    );
    assert_eq!(
        parse_lenient("20130230", false),
        Err(DateError::InvalidCalendarDate)
    );
    assert_eq!(
        parse_lenient("平成31年2月29日", false),
        Err(DateError::InvalidCalendarDate)
    );
    assert_eq!(
        parse_lenient("明治5年1月1日", false),
        Err(DateError::UnsupportedMeiji)
    );
    assert_eq!(
        parse_lenient("1050101", false),
        Err(DateError::UnsupportedMeiji)
    );
    assert_eq!(
        parse_lenient("令和0年5月1日", false),
        Err(DateError::BeforeEraStart { era: Era::Reiwa })
    );
    assert_eq!(
        parse_lenient("R1.4.30", false),
        Err(DateError::BeforeEraStart { era: Era::Reiwa })
    );
    for s in [
        "abc",
        "H25",
        "平成25年1月",
        "2013/1-1",
        "2013/1/1 x",
        "H25.1.1.1",
        "2013/1/1 25:00",
        "X25.1.1",
        "元年1月1日",
        "H125.1.1",
        "2013年1月1日 0:00",
        "2013/1/001",
        "1/1/2025",
        "12345",
    ] {
        assert_eq!(
            parse_lenient(s, false),
            Err(DateError::Unrecognised),
            "{s:?}"
        );
    }
    // Seven digits without a valid era code: not a date; as a serial, out of range.
    for s in ["6250101", "0250101"] {
        assert_eq!(
            parse_lenient(s, false),
            Err(DateError::Unrecognised),
            "{s:?}"
        );
        assert_eq!(
            parse_lenient(s, true),
            Err(DateError::SerialOutOfRange),
            "{s:?}"
        );
    }
}

#[test]
fn boundary_days_and_meiji() {
    let d = ok("明治45年7月30日", false);
    assert_eq!(
        (d.date, d.note),
        (ymd(1912, 7, 30), Some(DateNote::BoundaryDay))
    );
    let d = ok("大正15年12月25日", false);
    assert_eq!(
        (d.date, d.note),
        (ymd(1926, 12, 25), Some(DateNote::BoundaryDay))
    );
    // 平成 began the day after (翌日施行): 昭和64年1月8日 is an overflow, not a boundary day.
    let d = ok("昭和64年1月8日", false);
    assert_eq!(
        d.note,
        Some(DateNote::EraOverflow {
            era: Era::Showa,
            year: 64
        })
    );
    assert_eq!(ok("明治6年1月1日", false).date, ymd(1873, 1, 1));
    assert_eq!(ok("M45.7.29", false).date, ymd(1912, 7, 29));
    assert_eq!(ok("大正元年7月30日", false).note, None);
    assert_eq!(ok("㍼64年1月7日", false).date, ymd(1989, 1, 7));
    assert_eq!(ok("㋿7年4月1日", false).date, ymd(2025, 4, 1));
    assert_eq!(ok("平成 25年 1月 1日", false).date, ymd(2013, 1, 1));
    assert_eq!(ok("平成25年1月1", false).date, ymd(2013, 1, 1));
}

// Spec: domain-codes §7.3 worked serials.
#[test]
fn excel_serials() {
    for (serial, date) in [
        (41_275, ymd(2013, 1, 1)),
        (45_748, ymd(2025, 4, 1)),
        (32_516, ymd(1989, 1, 8)),
        (43_586, ymd(2019, 5, 1)),
        (1, ymd(1900, 1, 1)),
        (59, ymd(1900, 2, 28)),
        (61, ymd(1900, 3, 1)),
        (73_415, ymd(2100, 12, 31)),
        (2_958_465, ymd(9999, 12, 31)),
    ] {
        assert_eq!(
            excel_serial_to_date(f64::from(serial)),
            Ok(date),
            "{serial}"
        );
        assert_eq!(date_to_excel_serial(date), serial, "{date}");
    }
    assert_eq!(excel_serial_to_date(60.0), Err(DateError::Serial60));
    assert_eq!(excel_serial_to_date(60.9), Err(DateError::Serial60));
    assert_eq!(excel_serial_to_date(41_275.999), Ok(ymd(2013, 1, 1)));
    for bad in [0.0, 0.5, -1.0, f64::NAN, f64::INFINITY, 2_958_466.0] {
        assert_eq!(
            excel_serial_to_date(bad),
            Err(DateError::SerialOutOfRange),
            "{bad}"
        );
    }
    assert_eq!(date_to_excel_serial(ymd(1899, 12, 31)), 0);
}

#[test]
fn wareki_formatting() {
    assert_eq!(to_wareki(ymd(2013, 1, 1)), Some((Era::Heisei, 25, 1, 1)));
    assert_eq!(to_wareki(ymd(1872, 12, 31)), None);
    assert_eq!(
        format_wareki(ymd(2019, 5, 1), WarekiStyle::Kanji).as_deref(),
        Some("令和元年5月1日")
    );
    assert_eq!(
        format_wareki(ymd(2025, 4, 1), WarekiStyle::Kanji).as_deref(),
        Some("令和7年4月1日")
    );
    assert_eq!(
        format_wareki(ymd(2013, 1, 1), WarekiStyle::Letter).as_deref(),
        Some("H25.1.1")
    );
    assert_eq!(
        format_wareki(ymd(2013, 1, 1), WarekiStyle::EraCode).as_deref(),
        Some("4250101")
    );
    assert_eq!(format_wareki(ymd(2200, 1, 1), WarekiStyle::EraCode), None);
}

/// Date-shaped text in the forms source data has (ISO-like, 和暦, era letters, compact,
/// serials; full-width, padded; months and days one past their range): the lenient parser
/// never panics, and both of its outcomes are reached.
#[test]
fn lenient_reaches_both_outcomes_on_date_shaped_text() {
    let era = prop::sample::select(vec!["平成", "令和", "昭和", "大正", "明治"]);
    let letter = prop::sample::select(vec!["H", "R", "S", "T", "M", "h", "r"]);
    let sep = prop::sample::select(vec!["-", "/", "."]);
    let y = prop_oneof![
        Just("元".to_owned()),
        (1u32..65).prop_map(|y| y.to_string())
    ];
    let style = prop_oneof![
        (1868u32..2100, sep.clone(), 0u32..14, 0u32..33)
            .prop_map(|(y, s, m, d)| format!("{y}{s}{m}{s}{d}")),
        (era, y.clone(), 0u32..14, 0u32..33).prop_map(|(e, y, m, d)| format!("{e}{y}年{m}月{d}日")),
        (letter, y, sep, 0u32..14, 0u32..33)
            .prop_map(|(e, y, s, m, d)| format!("{e}{y}{s}{m}{s}{d}")),
        (1868u32..2100, 0u32..14, 0u32..33).prop_map(|(y, m, d)| format!("{y}{m:02}{d:02}")),
        (1u32..80000).prop_map(|n| n.to_string()),
    ];
    let text = (style, any::<bool>(), any::<bool>()).prop_map(|(t, wide, pad)| {
        let t = if pad { format!(" {t}\u{3000}") } else { t };
        if !wide {
            return t;
        }
        t.chars()
            .map(|c| match c.to_digit(10) {
                Some(d) if c.is_ascii_digit() => char::from_u32(0xFF10 + d).unwrap_or(c),
                _ => c,
            })
            .collect()
    });
    let (ok, err) = (std::cell::Cell::new(0u32), std::cell::Cell::new(0u32));
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(512));
    runner
        .run(&(text, any::<bool>()), |(s, allow)| {
            let c = if parse_lenient(&s, allow).is_ok() {
                &ok
            } else {
                &err
            };
            c.set(c.get() + 1);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let (ok, err) = (ok.get(), err.get());
    assert!(ok * 100 >= (ok + err) * 30, "{ok} parsed, {err} refused");
    assert!(err * 100 >= (ok + err) * 10, "{ok} parsed, {err} refused");
}

proptest! {
    #[test]
    fn wareki_round_trip(days in ymd(1912, 7, 30).to_days()..=ymd(2100, 12, 31).to_days()) {
        let d = Ymd::from_days(days).unwrap();
        let (era, ..) = to_wareki(d).unwrap();
        for style in [WarekiStyle::Kanji, WarekiStyle::Letter, WarekiStyle::EraCode] {
            let text = format_wareki(d, style).unwrap();
            let parsed = parse_lenient(&text, false).unwrap();
            prop_assert_eq!(parsed.date, d, "{}", text);
            prop_assert_eq!(parsed.note, None);
            let form = if style == WarekiStyle::EraCode { DateForm::EraCode } else { DateForm::Wareki { era } };
            prop_assert_eq!(parsed.form, form);
        }
    }

    #[test]
    fn days_round_trip(days in any::<i32>()) {
        // Every day count inside 0000–9999 round-trips; every other is refused.
        match Ymd::from_days(days) {
            Some(d) => prop_assert_eq!(d.to_days(), days),
            None => prop_assert!(
                days < ymd(0, 1, 1).to_days() || days > ymd(9999, 12, 31).to_days()
            ),
        }
    }

    #[test]
    fn ymd_round_trip(y in 0i32..=9999, m in 1u8..=12, d in 1u8..=31) {
        if let Some(date) = Ymd::new(y, m, d) {
            prop_assert_eq!(Ymd::from_days(date.to_days()), Some(date));
            prop_assert_eq!(parse_iso(&date.to_string()), Some(date));
            if date < ymd(9999, 12, 31) {
                prop_assert!(Ymd::from_days(date.to_days() + 1).unwrap() > date);
            }
        }
    }

    #[test]
    fn serial_round_trip(serial in 1u32..=EXCEL_SERIAL_MAX) {
        prop_assume!(serial != 60);
        let d = excel_serial_to_date(f64::from(serial)).unwrap();
        prop_assert_eq!(date_to_excel_serial(d), serial);
    }

    #[test]
    fn parsers_never_panic(s in "\\PC{0,24}", allow in any::<bool>()) {
        let _ = parse_iso(&s);
        let _ = parse_with_format(&s, "YYYYMMDD");
        let _ = parse_lenient(&s, allow);
    }

    #[test]
    fn lenient_never_panics_on_date_like_text(
        s in "[ 　0-9０-９/.\\-年月日元平成令和昭大明HRSTMhrtsm:T]{0,16}",
        allow in any::<bool>(),
    ) {
        let _ = parse_lenient(&s, allow);
    }
}

/// Era years past the era's end are read for at most `ERA_OVERFLOW_YEARS` calendar years after
/// the era's last year: 平成 ended in 2019, so 平成36年 (2024) is read, 平成37年 (2025) and
/// 平成99年 (not 2087) are not; 昭和 ended in 1989 (昭和64年), so 昭和69年 is the last.
#[test]
fn era_overflow_is_bounded() {
    let ok = |s: &str| parse_lenient(s, false).map(|d| d.date);
    assert_eq!(ok("平成36年12月31日"), Ok(ymd(2024, 12, 31)));
    for s in ["平成37年1月1日", "平成99年3月31日", "H99.3.31", "4990331"] {
        assert_eq!(
            parse_lenient(s, true),
            Err(DateError::EraYearTooLate { era: Era::Heisei }),
            "{s}"
        );
    }
    assert_eq!(ok("昭和69年1月1日"), Ok(ymd(1994, 1, 1)));
    assert_eq!(
        parse_lenient("昭和70年1月1日", false),
        Err(DateError::EraYearTooLate { era: Era::Showa })
    );
    // 令和 has not ended: no bound.
    assert_eq!(ok("令和99年1月1日"), Ok(ymd(2117, 1, 1)));
}

/// `Ymd::new` and `Ymd::to_days` decide the calendar without chrono: the same answers as
/// chrono on the first and last days of every month of years 0–9999, and on out-of-range
/// months and days.
#[test]
fn ymd_new_agrees_with_chrono() {
    use chrono::{Datelike, NaiveDate};
    for year in 0..=9999 {
        for month in 0..=13u8 {
            for day in [0u8, 1, 27, 28, 29, 30, 31, 32, 255] {
                let ours = Ymd::new(year, month, day);
                let chrono = NaiveDate::from_ymd_opt(year, u32::from(month), u32::from(day));
                assert_eq!(ours.is_some(), chrono.is_some(), "{year}-{month}-{day}");
                // The day count too, and back.
                if let (Some(ours), Some(chrono)) = (ours, chrono) {
                    let days = chrono.num_days_from_ce() - 719_163;
                    assert_eq!(ours.to_days(), days, "{year}-{month}-{day}");
                    assert_eq!(Ymd::from_days(days), Some(ours));
                }
            }
        }
    }
    assert!(Ymd::new(-1, 1, 1).is_none());
    assert!(Ymd::new(10_000, 1, 1).is_none());
}
