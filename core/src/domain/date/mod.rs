//! Calendar dates: strict ISO parsing for the hot path, 和暦 (Japanese eras), Excel serials and
//! a lenient parser that proposes repairs.
//!
//! * [`Ymd`] is a proleptic Gregorian date (`0..=9999`); validity and day arithmetic are
//!   `chrono`'s (`NaiveDate`). The 和暦 era table and the Excel serial rules are ours.
//! * [`parse_iso`] accepts exactly `YYYY-MM-DD` (the PMH form, pmh-layout §2, VERIFIED) without
//!   allocating.
//! * [`parse_lenient`] recognises what staff paste (domain-codes §7.2, VERIFIED by a reference
//!   script; every row is a test) and says which form it saw, so the validator can report the
//!   repair; it never decides on its own that a repair is acceptable.
//!
//! Eras (domain-codes §7.1, VERIFIED): 大正 and 昭和 began on the day of the change
//! (当日改元), 平成 the day after (翌日施行), 令和 on 2019-05-01. Policies (INFERRED, §7.1):
//! * `明治45年7月30日` / `大正15年12月25日` name the first day of the next era in the old era's
//!   terms; accepted with [`DateNote::BoundaryDay`].
//! * Dates after an era's end in that era's terms (`平成31年5月1日`, `平成32年3月31日`) are legal
//!   on pre-printed certificates; accepted with [`DateNote::EraOverflow`] as `first year + N − 1`,
//!   but only up to [`ERA_OVERFLOW_YEARS`] calendar years after the year the era ended
//!   (INFERRED: certificates printed before 2019-05-01 carry 平成 dates up to their validity's
//!   end, at most a few years ahead; `平成99年` is a typo, not 2087): later is
//!   [`DateError::EraYearTooLate`].
//! * 明治1–5年 were lunisolar, so arithmetic conversion is wrong: rejected as
//!   [`DateError::UnsupportedMeiji`].
//! * Two-digit Gregorian years (`25/1/1`, `1/1/25`) are ambiguous and never guessed.
//!
//! Excel 1900 date system (domain-codes §7.3, VERIFIED, ECMA-376 Part 4): serial 1 = 1900-01-01,
//! 59 = 1900-02-28, 60 = the non-existent 1900-02-29, 61 = 1900-03-01. Serials typed as text
//! are read only in [`EXCEL_SERIAL_SANE_MIN`]`..=`[`EXCEL_SERIAL_SANE_MAX`] (1900-03-01 …
//! 2100-12-31, INFERRED plausibility window): a bare `1` or `59` in a date cell is a mistake,
//! not 1900-01-01, and serials 1–60 are where Excel's fake 1900-02-29 makes other programs
//! disagree by a day.

use std::borrow::Cow;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use unicode_normalization::UnicodeNormalization;

/// A valid proleptic Gregorian calendar date.
///
/// Fields are public for pattern matching; construct with [`Ymd::new`] (which validates) or
/// [`Ymd::from_days`]. Ordering is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ymd {
    /// Gregorian year (`0..=9999` when built with [`Ymd::new`]).
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Day of month, 1–31.
    pub day: u8,
}

/// Days from 1970-01-01 to 1899-12-30 (Excel serial 0 for serials ≥ 61).
const EXCEL_EPOCH_DAYS: i32 = -25_569;
/// Largest serial the 1900 system represents: 9999-12-31 (ECMA-376).
pub const EXCEL_SERIAL_MAX: u32 = 2_958_465;
/// Largest serial [`parse_lenient`] accepts from text: 2100-12-31 (domain-codes §9.3 sanity
/// range 1900-01-01 … 2100-12-31).
pub const EXCEL_SERIAL_SANE_MAX: u32 = 73_415;
/// Smallest serial [`parse_lenient`] accepts from text: 1900-03-01 (after Excel's fake
/// 1900-02-29; a bare `1` is not a birth date).
pub const EXCEL_SERIAL_SANE_MIN: u32 = 61;
/// Calendar years after an era's last year within which a date may still be written in that
/// era (`平成32年` = 2020 ≤ 2019 + 5; `平成37年` = 2025 is not). INFERRED.
pub const ERA_OVERFLOW_YEARS: i32 = 5;

/// 1970-01-01 in `chrono`'s day count (days since 0001-01-01, which is day 1).
const UNIX_EPOCH_FROM_CE: i32 = 719_163;

impl Ymd {
    /// The date `year-month-day` if it exists in the Gregorian calendar and `year` is in
    /// `0..=9999` (the range the four-digit `YYYY-MM-DD` form can express).
    #[must_use]
    pub fn new(year: i32, month: u8, day: u8) -> Option<Ymd> {
        if !(0..=9999).contains(&year) {
            return None;
        }
        // The proleptic Gregorian calendar, as chrono's `NaiveDate::from_ymd_opt` decides it
        // (a test compares the two on every day of 0000–9999 and on bad months and days);
        // without chrono's ordinal arithmetic on every date cell.
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        if day == 0 || day > days {
            return None;
        }
        Some(Ymd { year, month, day })
    }

    /// A strict `YYYY-MM-DD` date (the CLI's `--as-of`, the page's date).
    #[must_use]
    pub fn parse_iso(s: &str) -> Option<Ymd> {
        parse_with_format(s, "YYYY-MM-DD")
    }

    fn from_naive(d: NaiveDate) -> Option<Ymd> {
        // Month and day come from a valid `NaiveDate`: 1–12 and 1–31.
        Ymd::new(d.year(), d.month() as u8, d.day() as u8)
    }

    /// Days since 1970-01-01 (negative before), proleptic Gregorian. A hand-built `Ymd` that
    /// is not a real date saturates (`i32::MIN` / `i32::MAX`) instead of being guessed.
    #[must_use]
    pub fn to_days(self) -> i32 {
        if Ymd::new(self.year, self.month, self.day).is_some() {
            // Every date cell of a file comes here: arithmetic on the checked date (Howard
            // Hinnant's `days_from_civil`) instead of chrono's calendar look-ups. A test
            // compares the two on the first and last days of every month of 0000–9999.
            let (m, d) = (i32::from(self.month), i32::from(self.day));
            let y = self.year - i32::from(m <= 2);
            let era = y.div_euclid(400);
            let year_of_era = y - era * 400;
            let day_of_year = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
            let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
            return era * 146_097 + day_of_era - 719_468;
        }
        match NaiveDate::from_ymd_opt(self.year, u32::from(self.month), u32::from(self.day)) {
            Some(d) => d.num_days_from_ce() - UNIX_EPOCH_FROM_CE,
            None if self.year < 0 => i32::MIN,
            None => i32::MAX,
        }
    }

    /// A number that orders dates as the calendar does (`a < b` exactly when `a` is the
    /// earlier date, equal for the same date), without [`to_days`](Self::to_days)'s
    /// arithmetic: year, month and day in bit fields. Only for comparing: the difference of
    /// two keys is no number of days. Years are clamped to ±1,000,000 (no overflow for a
    /// hand-built value); every parsed date is in 0000–9999.
    #[must_use]
    pub fn order_key(self) -> i32 {
        self.year.clamp(-1_000_000, 1_000_000) * 512
            + i32::from(self.month) * 32
            + i32::from(self.day)
    }

    /// The date `days` after 1970-01-01; `None` outside `0..=9999`.
    #[must_use]
    pub fn from_days(days: i32) -> Option<Ymd> {
        NaiveDate::from_num_days_from_ce_opt(days.checked_add(UNIX_EPOCH_FROM_CE)?)
            .and_then(Ymd::from_naive)
    }

    /// This date moved by `days` (negative moves back); `None` if that leaves `0..=9999`.
    #[must_use]
    pub fn add_days(self, days: i32) -> Option<Ymd> {
        Ymd::from_days(self.to_days().checked_add(days)?)
    }
}

impl fmt::Display for Ymd {
    /// `YYYY-MM-DD`, zero padded.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The digits by hand for the years `Ymd::new` builds: most rows of an old 全件 file are
        // R003 with two dates, and the formatting machinery (padding, one piece at a time) was
        // about 5 % of the page's check in WebAssembly. Same text as the `write!` below.
        if let Ok(year) = u16::try_from(self.year)
            && year <= 9999
            && self.month <= 99
            && self.day <= 99
        {
            let digit = |n: u16| b'0' + (n % 10) as u8;
            let (month, day) = (u16::from(self.month), u16::from(self.day));
            let text = [
                digit(year / 1000),
                digit(year / 100),
                digit(year / 10),
                digit(year),
                b'-',
                digit(month / 10),
                digit(month),
                b'-',
                digit(day / 10),
                digit(day),
            ];
            return f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?);
        }
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Decimal value of a short run of ASCII digits; `None` if any byte is not a digit.
fn ascii_num(bytes: &[u8]) -> Option<u32> {
    let mut n: u32 = 0;
    for &b in bytes {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u32::from(b - b'0'))?;
    }
    Some(n)
}

/// `YYYY?MM?DD` with a fixed separator (or none), strictly zero padded.
pub(crate) fn parse_fixed(s: &str, sep: Option<u8>) -> Option<Ymd> {
    let b = s.as_bytes();
    let (y, m, d) = match sep {
        Some(sep) => {
            if b.len() != 10 || b[4] != sep || b[7] != sep {
                return None;
            }
            (&b[0..4], &b[5..7], &b[8..10])
        }
        None => {
            if b.len() != 8 {
                return None;
            }
            (&b[0..4], &b[4..6], &b[6..8])
        }
    };
    let year = i32::try_from(ascii_num(y)?).ok()?;
    let month = u8::try_from(ascii_num(m)?).ok()?;
    let day = u8::try_from(ascii_num(d)?).ok()?;
    Ymd::new(year, month, day)
}

/// Strict `YYYY-MM-DD` (10 ASCII characters, a real calendar date). No allocation.
#[must_use]
pub fn parse_iso(s: &str) -> Option<Ymd> {
    parse_fixed(s, Some(b'-'))
}

/// Strict parse in one of the supported formats: `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYYMMDD`.
///
/// Zero padding is required; an unknown `format` gives `None`.
#[must_use]
pub fn parse_with_format(s: &str, format: &str) -> Option<Ymd> {
    format_separator(format).and_then(|sep| parse_fixed(s, sep))
}

/// The separator of a format [`parse_with_format`] accepts (`Some(None)`: `YYYYMMDD`), for
/// [`parse_fixed`]; `None` for an unknown format. The checker resolves it once per file.
pub(crate) fn format_separator(format: &str) -> Option<Option<u8>> {
    match format {
        "YYYY-MM-DD" => Some(Some(b'-')),
        "YYYY/MM/DD" => Some(Some(b'/')),
        "YYYYMMDD" => Some(None),
        _ => None,
    }
}

/// Formats `d` in one of the formats [`parse_with_format`] accepts; `None` for an unknown format
/// or a year outside `0..=9999`.
#[must_use]
pub fn format_date(d: Ymd, format: &str) -> Option<String> {
    if !(0..=9999).contains(&d.year) {
        return None;
    }
    let (y, m, day) = (d.year, d.month, d.day);
    match format {
        "YYYY-MM-DD" => Some(format!("{y:04}-{m:02}-{day:02}")),
        "YYYY/MM/DD" => Some(format!("{y:04}/{m:02}/{day:02}")),
        "YYYYMMDD" => Some(format!("{y:04}{m:02}{day:02}")),
        _ => None,
    }
}

/// A Japanese era (元号) from 明治 on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Era {
    /// 明治 (M, 1).
    Meiji,
    /// 大正 (T, 2).
    Taisho,
    /// 昭和 (S, 3).
    Showa,
    /// 平成 (H, 4).
    Heisei,
    /// 令和 (R, 5).
    Reiwa,
}

impl Era {
    /// All eras, oldest first.
    pub const ALL: [Era; 5] = [Era::Meiji, Era::Taisho, Era::Showa, Era::Heisei, Era::Reiwa];

    /// Two-character name, e.g. `平成`.
    #[must_use]
    pub const fn name_ja(self) -> &'static str {
        match self {
            Era::Meiji => "明治",
            Era::Taisho => "大正",
            Era::Showa => "昭和",
            Era::Heisei => "平成",
            Era::Reiwa => "令和",
        }
    }

    /// One-character abbreviation, e.g. `平`.
    #[must_use]
    pub const fn short_ja(self) -> char {
        match self {
            Era::Meiji => '明',
            Era::Taisho => '大',
            Era::Showa => '昭',
            Era::Heisei => '平',
            Era::Reiwa => '令',
        }
    }

    /// Upper-case letter used by Excel and in forms, e.g. `H` (§7.1).
    #[must_use]
    pub const fn letter(self) -> char {
        match self {
            Era::Meiji => 'M',
            Era::Taisho => 'T',
            Era::Showa => 'S',
            Era::Heisei => 'H',
            Era::Reiwa => 'R',
        }
    }

    /// Numeric era code 1–5 used in GYYMMDD data (§7.1, §7.2).
    #[must_use]
    pub const fn code(self) -> u8 {
        match self {
            Era::Meiji => 1,
            Era::Taisho => 2,
            Era::Showa => 3,
            Era::Heisei => 4,
            Era::Reiwa => 5,
        }
    }

    /// The era with numeric code `code` (1–5).
    #[must_use]
    pub const fn from_code(code: u8) -> Option<Era> {
        match code {
            1 => Some(Era::Meiji),
            2 => Some(Era::Taisho),
            3 => Some(Era::Showa),
            4 => Some(Era::Heisei),
            5 => Some(Era::Reiwa),
            _ => None,
        }
    }

    /// The era for a letter `M T S H R`, either case.
    #[must_use]
    pub const fn from_letter(letter: char) -> Option<Era> {
        match letter.to_ascii_uppercase() {
            'M' => Some(Era::Meiji),
            'T' => Some(Era::Taisho),
            'S' => Some(Era::Showa),
            'H' => Some(Era::Heisei),
            'R' => Some(Era::Reiwa),
            _ => None,
        }
    }

    /// First day of the era (Gregorian).
    ///
    /// 明治 is dated from 1868-01-25 (慶応4年1月1日, the retroactive start), although only
    /// 明治6年 onwards can be converted arithmetically.
    #[must_use]
    pub const fn start(self) -> Ymd {
        match self {
            Era::Meiji => Ymd {
                year: 1868,
                month: 1,
                day: 25,
            },
            Era::Taisho => Ymd {
                year: 1912,
                month: 7,
                day: 30,
            },
            Era::Showa => Ymd {
                year: 1926,
                month: 12,
                day: 25,
            },
            Era::Heisei => Ymd {
                year: 1989,
                month: 1,
                day: 8,
            },
            Era::Reiwa => Ymd {
                year: 2019,
                month: 5,
                day: 1,
            },
        }
    }

    /// Last day of the era; `None` for the current era.
    #[must_use]
    pub const fn end(self) -> Option<Ymd> {
        match self {
            Era::Meiji => Some(Ymd {
                year: 1912,
                month: 7,
                day: 29,
            }),
            Era::Taisho => Some(Ymd {
                year: 1926,
                month: 12,
                day: 24,
            }),
            Era::Showa => Some(Ymd {
                year: 1989,
                month: 1,
                day: 7,
            }),
            Era::Heisei => Some(Ymd {
                year: 2019,
                month: 4,
                day: 30,
            }),
            Era::Reiwa => None,
        }
    }

    /// Gregorian year of era year 1 (元年): Gregorian year = `first_year() + N − 1`.
    #[must_use]
    pub const fn first_year(self) -> i32 {
        self.start().year
    }

    /// The following era, if any.
    #[must_use]
    pub const fn next(self) -> Option<Era> {
        match self {
            Era::Meiji => Some(Era::Taisho),
            Era::Taisho => Some(Era::Showa),
            Era::Showa => Some(Era::Heisei),
            Era::Heisei => Some(Era::Reiwa),
            Era::Reiwa => None,
        }
    }

    /// The era in force on `d`; `None` before 明治.
    #[must_use]
    pub fn of_date(d: Ymd) -> Option<Era> {
        Era::ALL.into_iter().rev().find(|e| d >= e.start())
    }
}

/// How a leniently parsed date was written (for the repair message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateForm {
    /// Already the canonical `YYYY-MM-DD`.
    Iso,
    /// Gregorian year-month-day separated by `/`, `.` or `-` that is not already strict ISO
    /// (`2013/1/1`, `2013.1.1`, `2013-1-1`, full-width `２０１３－０１－０１`), optionally followed by
    /// a time (`2013/1/1 0:00`, `2013-01-01T00:00:00`), which is dropped.
    Slash,
    /// `2013年1月1日`.
    Kanji,
    /// `20130101`.
    Compact,
    /// 和暦 with an era name, abbreviation or letter (`平成25年1月1日`, `H25.1.1`, `令7.4.1`).
    Wareki {
        /// The era written.
        era: Era,
    },
    /// `GYYMMDD` with a numeric era code (`4250101`).
    EraCode,
    /// An Excel 1900-system serial number (`41275`, `41275.5`).
    ExcelSerial,
}

/// Something the staff should confirm about an accepted date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateNote {
    /// The date lies after the end of the era it is written in (`平成32年3月31日` →
    /// 2020-03-31); legal on pre-printed certificates (§7.1).
    EraOverflow {
        /// The era written.
        era: Era,
        /// The era year written (e.g. 32).
        year: u32,
    },
    /// The first day of the next era written in the old era (`明治45年7月30日`,
    /// `大正15年12月25日`): colloquial, strictly the new era's 元年 (§7.1).
    BoundaryDay,
}

/// Why a value could not be read as a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Nothing but spaces.
    Empty,
    /// No supported date form.
    Unrecognised,
    /// The form was recognised but the date does not exist (`2013/2/30`).
    InvalidCalendarDate,
    /// A date before the era began (`平成元年1月7日`).
    BeforeEraStart {
        /// The era written.
        era: Era,
    },
    /// 明治1–5年: lunisolar calendar, no arithmetic conversion (§7.1).
    UnsupportedMeiji,
    /// A Gregorian year of one or two digits (`25/1/1`, `1/1/25`): never guessed.
    AmbiguousTwoDigitYear,
    /// An Excel serial outside the accepted range.
    SerialOutOfRange,
    /// An era year more than [`ERA_OVERFLOW_YEARS`] years past the era's end (`平成99年`).
    EraYearTooLate {
        /// The era written.
        era: Era,
    },
    /// Excel serial 60, the non-existent 1900-02-29 (§7.3).
    Serial60,
}

/// A date recognised by [`parse_lenient`], with the form it was written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LenientDate {
    /// The date.
    pub date: Ymd,
    /// How it was written.
    pub form: DateForm,
    /// Something to confirm, if any.
    pub note: Option<DateNote>,
}

/// Converts an Excel 1900-system serial (fraction = time of day, dropped) to a date.
///
/// Accepts the full Excel range 1 ..= 2,958,465 (9999-12-31) so that `.xlsx` cells holding
/// "no end" dates such as 9999-12-31 convert; [`parse_lenient`] applies the narrower
/// [`EXCEL_SERIAL_SANE_MAX`] to serials typed as text. Serial 60 is [`DateError::Serial60`].
///
/// # Errors
/// [`DateError::SerialOutOfRange`] for NaN, infinities, values below 1 or above the maximum;
/// [`DateError::Serial60`] for 60.
pub fn excel_serial_to_date(serial: f64) -> Result<Ymd, DateError> {
    if !serial.is_finite() || serial < 1.0 || serial >= f64::from(EXCEL_SERIAL_MAX) + 1.0 {
        return Err(DateError::SerialOutOfRange);
    }
    // In range 1..=2_958_465 after the checks above, so the cast is exact.
    match serial.floor() as i32 {
        60 => Err(DateError::Serial60),
        n => excel_day_to_date(n, ExcelDates::System1900).ok_or(DateError::SerialOutOfRange),
    }
}

/// A workbook's date system (`<workbookPr date1904="1"/>` selects 1904).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExcelDates {
    /// Serial 1 = 1900-01-01, with Lotus 1-2-3's fake 1900-02-29 at serial 60.
    System1900,
    /// Serial 0 = 1904-01-01 (old Mac Excel).
    System1904,
}

/// The date of a whole Excel serial day in `system`: the one place that knows the epochs and
/// the 1900 system's fake leap day. `None` for 1900 serials 0 ("1900-01-00") and 60
/// (1900-02-29, which never existed), negative days and dates after 9999-12-31.
#[must_use]
pub fn excel_day_to_date(day: i32, system: ExcelDates) -> Option<Ymd> {
    match system {
        ExcelDates::System1904 if day >= 0 => Ymd::from_days(EXCEL_EPOCH_DAYS + 1462 + day),
        ExcelDates::System1904 => None,
        ExcelDates::System1900 => match day {
            ..=0 | 60 => None,
            // Before the fake leap day, serial 1 = 1900-01-01 (epoch 1899-12-31).
            1..=59 => Ymd::from_days(EXCEL_EPOCH_DAYS + 1 + day),
            _ => Ymd::from_days(EXCEL_EPOCH_DAYS + day),
        },
    }
}

/// The Excel 1900-system serial of `d`.
///
/// Dates before 1900-01-01 have no serial in this system and give 0 (Excel's "1900-01-00").
#[must_use]
pub fn date_to_excel_serial(d: Ymd) -> u32 {
    const MARCH_1_1900: Ymd = Ymd {
        year: 1900,
        month: 3,
        day: 1,
    };
    const JAN_1_1900: Ymd = Ymd {
        year: 1900,
        month: 1,
        day: 1,
    };
    let days = i64::from(d.to_days());
    let serial = if d >= MARCH_1_1900 {
        days - i64::from(EXCEL_EPOCH_DAYS)
    } else if d >= JAN_1_1900 {
        days - i64::from(EXCEL_EPOCH_DAYS) - 1
    } else {
        0
    };
    u32::try_from(serial).unwrap_or(u32::MAX)
}

/// The 和暦 of `d` as `(era, era year, month, day)`.
///
/// `None` before 明治6年1月1日 (1873-01-01, the switch to the Gregorian calendar; earlier 明治
/// dates cannot be converted arithmetically).
#[must_use]
pub fn to_wareki(d: Ymd) -> Option<(Era, u32, u8, u8)> {
    if d < (Ymd {
        year: 1873,
        month: 1,
        day: 1,
    }) {
        return None;
    }
    let era = Era::of_date(d)?;
    let year = u32::try_from(d.year - era.first_year() + 1).ok()?;
    Some((era, year, d.month, d.day))
}

/// Ways to write a 和暦 date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "reference rule with tests; no check uses it yet")
)]
pub enum WarekiStyle {
    /// `令和7年4月1日`; year 1 is written `元年` (the official style).
    Kanji,
    /// `R7.4.1`, as Excel's `ge.m.d` format shows it.
    Letter,
    /// `5070401` (GYYMMDD); only for era years up to 99.
    EraCode,
}

/// Formats `d` as 和暦 in `style`; `None` when [`to_wareki`] is `None` or the style cannot
/// express the era year (GYYMMDD beyond year 99).
#[must_use]
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "reference rule with tests; no check uses it yet")
)]
pub fn format_wareki(d: Ymd, style: WarekiStyle) -> Option<String> {
    let (era, year, month, day) = to_wareki(d)?;
    match style {
        WarekiStyle::Kanji if year == 1 => Some(format!("{}元年{month}月{day}日", era.name_ja())),
        WarekiStyle::Kanji => Some(format!("{}{year}年{month}月{day}日", era.name_ja())),
        WarekiStyle::Letter => Some(format!("{}{year}.{month}.{day}", era.letter())),
        WarekiStyle::EraCode if year <= 99 => {
            Some(format!("{}{year:02}{month:02}{day:02}", era.code()))
        }
        WarekiStyle::EraCode => None,
    }
}

/// Converts an era date to Gregorian, applying the §7.1 policies.
fn resolve_era(
    era: Era,
    year: u32,
    month: u32,
    day: u32,
) -> Result<(Ymd, Option<DateNote>), DateError> {
    if era == Era::Meiji && (1..=5).contains(&year) {
        return Err(DateError::UnsupportedMeiji);
    }
    // year ≤ 99 from the parser; be defensive for other callers.
    let gregorian = i32::try_from(year)
        .ok()
        .and_then(|y| (era.first_year() - 1).checked_add(y))
        .ok_or(DateError::InvalidCalendarDate)?;
    let month = u8::try_from(month).map_err(|_| DateError::InvalidCalendarDate)?;
    let day = u8::try_from(day).map_err(|_| DateError::InvalidCalendarDate)?;
    let date = Ymd::new(gregorian, month, day).ok_or(DateError::InvalidCalendarDate)?;
    if date < era.start() {
        return Err(DateError::BeforeEraStart { era });
    }
    if let Some(end) = era.end()
        && date.year > end.year + ERA_OVERFLOW_YEARS
    {
        return Err(DateError::EraYearTooLate { era });
    }
    let note = match era.end() {
        Some(end) if date > end => {
            let same_day_change = matches!(era, Era::Meiji | Era::Taisho);
            let next_start = era.next().map(Era::start);
            if same_day_change && next_start == Some(date) {
                Some(DateNote::BoundaryDay)
            } else {
                Some(DateNote::EraOverflow { era, year })
            }
        }
        _ => None,
    };
    Ok((date, note))
}

/// Maps dash look-alikes that NFKC leaves alone to `-`.
fn fold_dash(c: char) -> char {
    match c {
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}' => '-',
        other => other,
    }
}

/// Reads a leniently written date (domain-codes §7.2) and says how it was written.
///
/// The input is trimmed (ASCII and Unicode spaces incl. U+3000, zero-width characters) and, when
/// not ASCII, NFKC-normalised (full-width digits/letters/punctuation → ASCII, `㍻` → `平成`);
/// dash look-alikes (U+2010–U+2015, U+2212, `ー`) count as `-`. Accepted forms:
///
/// * 和暦: era name / abbreviation / letter (either case), year digits or `元`, then
///   `年…月…日` (`日` optional) or the same `.`, `/` or `-` twice: `平成25年1月1日`, `平25.1.1`,
///   `H25.1.1`, `h25/1/1`, `R07.04.01`, `令和元年5月1日`;
/// * Gregorian: `YYYY-MM-DD` ([`DateForm::Iso`]), `2013/1/1`, `2013.1.1`, `2013-1-1`, each with
///   an optional time (`2013/1/1 0:00`) ([`DateForm::Slash`]); `2013年1月1日` ([`DateForm::Kanji`]);
///   `20130101` ([`DateForm::Compact`]);
/// * `GYYMMDD` with era code 1–5 (`4250101`, [`DateForm::EraCode`]);
/// * Excel serials (`41275`, `41275.5`) only when `allow_serial`, in `61..=73415`
///   (1900-03-01 … 2100-12-31).
///
/// # Errors
/// See [`DateError`]. Notably a six-digit string that reads as `YYMMDD` and any
/// `NN/NN/NN` form are [`DateError::AmbiguousTwoDigitYear`]; a 1–5 digit number without
/// `allow_serial` is [`DateError::Unrecognised`].
pub fn parse_lenient(s: &str, allow_serial: bool) -> Result<LenientDate, DateError> {
    let trimmed = crate::domain::chars::trim_edges(s);
    if trimmed.is_empty() {
        return Err(DateError::Empty);
    }
    if let Some(date) = parse_iso(trimmed) {
        return Ok(LenientDate {
            date,
            form: DateForm::Iso,
            note: None,
        });
    }
    let normalised: Cow<'_, str> = if trimmed.is_ascii() {
        Cow::Borrowed(trimmed)
    } else {
        Cow::Owned(trimmed.nfkc().map(fold_dash).collect())
    };
    let text = crate::domain::chars::trim_edges(&normalised);
    if text.is_empty() {
        return Err(DateError::Empty);
    }
    if text != trimmed {
        // Full-width input that normalises to strict ISO is still a repair (not `Iso`).
        if let Some(date) = parse_iso(text) {
            return Ok(LenientDate {
                date,
                form: DateForm::Slash,
                note: None,
            });
        }
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return parse_all_digits(text, allow_serial);
    }
    if is_decimal(text) {
        return if allow_serial {
            parse_serial_text(text)
        } else {
            Err(DateError::Unrecognised)
        };
    }
    let mut cur = Cursor { s: text, pos: 0 };
    match cur.eat_era() {
        Some(era) => parse_wareki(cur, era),
        None => parse_gregorian(cur),
    }
}

/// `digits '.' digits`.
fn is_decimal(s: &str) -> bool {
    match s.split_once('.') {
        Some((int, frac)) => {
            !int.is_empty()
                && !frac.is_empty()
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

fn parse_serial_text(s: &str) -> Result<LenientDate, DateError> {
    let int_part = s.split_once('.').map_or(s, |(i, _)| i);
    // More than 6 integer digits is out of range whatever follows; avoids float parsing noise.
    if int_part.trim_start_matches('0').len() > 6 {
        return Err(DateError::SerialOutOfRange);
    }
    let value: f64 = s.parse().map_err(|_| DateError::Unrecognised)?;
    if value >= f64::from(EXCEL_SERIAL_SANE_MAX) + 1.0 || value < f64::from(EXCEL_SERIAL_SANE_MIN) {
        return Err(DateError::SerialOutOfRange);
    }
    let date = excel_serial_to_date(value)?;
    Ok(LenientDate {
        date,
        form: DateForm::ExcelSerial,
        note: None,
    })
}

fn parse_all_digits(s: &str, allow_serial: bool) -> Result<LenientDate, DateError> {
    let b = s.as_bytes();
    match b.len() {
        8 => {
            let date = parse_fixed(s, None).ok_or(DateError::InvalidCalendarDate)?;
            return Ok(LenientDate {
                date,
                form: DateForm::Compact,
                note: None,
            });
        }
        7 => {
            if let Some(era) = Era::from_code(b[0] - b'0') {
                let year = ascii_num(&b[1..3]).ok_or(DateError::Unrecognised)?;
                let month = ascii_num(&b[3..5]).ok_or(DateError::Unrecognised)?;
                let day = ascii_num(&b[5..7]).ok_or(DateError::Unrecognised)?;
                let (date, note) = resolve_era(era, year, month, day)?;
                return Ok(LenientDate {
                    date,
                    form: DateForm::EraCode,
                    note,
                });
            }
        }
        6 => {
            let month = ascii_num(&b[2..4]).unwrap_or(0);
            let day = ascii_num(&b[4..6]).unwrap_or(0);
            if (1..=12).contains(&month) && (1..=31).contains(&day) {
                return Err(DateError::AmbiguousTwoDigitYear);
            }
        }
        _ => {}
    }
    if allow_serial {
        parse_serial_text(s)
    } else {
        Err(DateError::Unrecognised)
    }
}

/// Character cursor over a normalised string; positions are always on char boundaries.
struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn rest(&self) -> &str {
        self.s.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn eat_str(&mut self, p: &str) -> bool {
        if self.rest().starts_with(p) {
            self.pos += p.len();
            true
        } else {
            false
        }
    }

    fn eat_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }

    /// A run of ASCII digits: `(value, digit count)`; `None` if there is none or it is longer
    /// than 9 digits.
    fn number(&mut self) -> Option<(u32, usize)> {
        let digits = self.rest().bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        let value = ascii_num(self.rest().as_bytes().get(..digits)?)?;
        self.pos += digits;
        Some((value, digits))
    }

    /// A number of 1..=`max` digits.
    fn short_number(&mut self, max: usize) -> Option<u32> {
        match self.number()? {
            (v, n) if n <= max => Some(v),
            _ => None,
        }
    }

    fn eat_era(&mut self) -> Option<Era> {
        for era in Era::ALL {
            if self.eat_str(era.name_ja()) || self.eat(era.short_ja()) {
                return Some(era);
            }
        }
        let era = Era::from_letter(self.peek()?)?;
        self.bump();
        Some(era)
    }
}

/// Separator style shared by the 和暦 and Gregorian grammars.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sep {
    Kanji,
    Punct(char),
}

fn first_separator(cur: &mut Cursor<'_>) -> Option<Sep> {
    match cur.bump()? {
        '年' => Some(Sep::Kanji),
        c @ ('.' | '/' | '-') => Some(Sep::Punct(c)),
        _ => None,
    }
}

fn second_separator(cur: &mut Cursor<'_>, sep: Sep) -> bool {
    match sep {
        Sep::Kanji => cur.eat('月'),
        Sep::Punct(c) => cur.eat(c),
    }
}

/// `month SEP day [日]` after the first separator (one or two digits each); returns
/// (month, day) and leaves the cursor after the day (and its `日`).
fn month_day(cur: &mut Cursor<'_>, sep: Sep) -> Result<(u32, u32), DateError> {
    cur.eat_ws();
    let month = cur.short_number(2).ok_or(DateError::Unrecognised)?;
    cur.eat_ws();
    if !second_separator(cur, sep) {
        return Err(DateError::Unrecognised);
    }
    cur.eat_ws();
    let day = cur.short_number(2).ok_or(DateError::Unrecognised)?;
    if sep == Sep::Kanji {
        let before = cur.pos;
        cur.eat_ws();
        if !cur.eat('日') {
            cur.pos = before;
        }
    }
    Ok((month, day))
}

fn parse_wareki(mut cur: Cursor<'_>, era: Era) -> Result<LenientDate, DateError> {
    cur.eat_ws();
    let year = if cur.eat('元') {
        1
    } else {
        cur.short_number(2).ok_or(DateError::Unrecognised)?
    };
    cur.eat_ws();
    let sep = first_separator(&mut cur).ok_or(DateError::Unrecognised)?;
    let (month, day) = month_day(&mut cur, sep)?;
    cur.eat_ws();
    if !cur.at_end() {
        return Err(DateError::Unrecognised);
    }
    let (date, note) = resolve_era(era, year, month, day)?;
    Ok(LenientDate {
        date,
        form: DateForm::Wareki { era },
        note,
    })
}

fn parse_gregorian(mut cur: Cursor<'_>) -> Result<LenientDate, DateError> {
    let (year, year_digits) = cur.number().ok_or(DateError::Unrecognised)?;
    cur.eat_ws();
    let sep = first_separator(&mut cur).ok_or(DateError::Unrecognised)?;
    let (month, day) = month_day(&mut cur, sep)?;
    match year_digits {
        4 => {}
        1 | 2 => {
            // `25/1/1`, `1/1/25`, `25年1月1日`: must not be guessed. Check the tail first so
            // trailing garbage stays Unrecognised.
            cur.eat_ws();
            return if cur.at_end() {
                Err(DateError::AmbiguousTwoDigitYear)
            } else {
                Err(DateError::Unrecognised)
            };
        }
        _ => return Err(DateError::Unrecognised),
    }
    if matches!(sep, Sep::Punct(_)) {
        skip_time(&mut cur)?;
    }
    cur.eat_ws();
    if !cur.at_end() {
        return Err(DateError::Unrecognised);
    }
    let date = i32::try_from(year)
        .ok()
        .zip(u8::try_from(month).ok())
        .zip(u8::try_from(day).ok())
        .and_then(|((y, m), d)| Ymd::new(y, m, d))
        .ok_or(DateError::InvalidCalendarDate)?;
    let form = match sep {
        Sep::Kanji => DateForm::Kanji,
        Sep::Punct(_) => DateForm::Slash,
    };
    Ok(LenientDate {
        date,
        form,
        note: None,
    })
}

/// Optional ` H:MM[:SS[.fff]]` (or `THH:MM…`) after a Gregorian date; the time is validated and
/// dropped.
fn skip_time(cur: &mut Cursor<'_>) -> Result<(), DateError> {
    let start = cur.pos;
    let had_space = cur.peek().is_some_and(char::is_whitespace);
    cur.eat_ws();
    if !(had_space || cur.eat('T')) || cur.at_end() {
        cur.pos = start;
        return Ok(());
    }
    let hour = cur.short_number(2).ok_or(DateError::Unrecognised)?;
    if !cur.eat(':') {
        return Err(DateError::Unrecognised);
    }
    let minute = cur.short_number(2).ok_or(DateError::Unrecognised)?;
    let mut second = 0;
    if cur.eat(':') {
        second = cur.short_number(2).ok_or(DateError::Unrecognised)?;
        if cur.eat('.') {
            cur.number().ok_or(DateError::Unrecognised)?;
        }
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(DateError::Unrecognised);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
