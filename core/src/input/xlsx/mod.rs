//! Reading `.xlsx` workbooks: one worksheet becomes UTF-8 CSV text, which then goes through
//! exactly the same pipeline (decoder, reader, checks) as a CSV file.
//!
//! ```text
//! .xlsx bytes ─calamine─▶ cells (row, column, value) ─sheet_to_csv─▶ CSV bytes ─▶ Checker
//! ```
//!
//! # The CSV written
//!
//! UTF-8 without BOM, CRLF line ends, comma delimiter, RFC 4180 quoting (a field containing
//! `,` `"` CR or LF is quoted, `"` doubled). CSV record *N* is Excel row *N*: rows above the
//! used range and entirely empty rows inside it are written as rows of empty fields, trailing
//! empty rows are dropped. Every record has the same number of fields, from column A to the
//! rightmost column holding a value, so field *k* is column *k* (empty cells, including cells
//! that only carry formatting, do not widen the range).
//!
//! Rows and columns Excel hides (by hand, by an autofilter, by a collapsed outline) are
//! written like any other, as Excel's own "Save as CSV" writes them; which ones are hidden is
//! returned beside the text ([`NumericCells::hidden_rows`], [`NumericCells::column_hidden`]),
//! so that the checker reports them (S026, S027): a clerk who filtered the list sees nothing of
//! the rows that would be uploaded.
//!
//! # Cell values
//!
//! | cell | CSV text |
//! |---|---|
//! | string | as is: no trimming, no normalisation |
//! | number | exact digits: `210987654320`, `0.5`, `1234.25`; integers below 1e15 never get `.0` or an exponent (rounded to 15 significant digits, Excel's precision); from 1e15 up, more digits than Excel keeps, Excel's exponent form with 15 significant digits: `1.23456789012346E+18` (so a 16-digit identifier is reported, never uploaded with invented zeros) |
//! | number formatted `000…0` | zero-padded to the format's width, as Excel shows it (`000000000000` on 23456789013 → `023456789013`) |
//! | date (number with a date format) | `YYYY-MM-DD`, or `YYYY-MM-DD HH:MM:SS` when the time is not midnight; `HH:MM:SS` for a time below one day |
//! | 1900 serial 60 (the non-existent 1900-02-29), serial 0, out of range | the serial number itself (never a wrong date) |
//! | 1904 date system | honoured (`<workbookPr date1904="1"/>`) |
//! | duration (`[h]:mm:ss`) | the number of days, as a number |
//! | ISO date string (`t="d"`) | `YYYY-MM-DD[ HH:MM:SS]`; anything else as is |
//! | boolean | `1` / `0` |
//! | error | its text: `#N/A`, `#DIV/0!` … |
//! | empty | empty |
//!
//! Leading zeros typed into a General cell are gone from the file itself (`023456789013` is
//! stored as the number 23456789013); this module writes what is stored, and the repair step
//! restores the zero when the check digit then passes.
//!
//! # Choosing the sheet
//!
//! [`sheet_names`] lists the worksheets (chart and dialog sheets have no cells) in workbook
//! order, hidden ones included. `sheet_to_csv(bytes, None)` reads the *active* worksheet (the
//! tab Excel shows on opening: the one the user saved the file from), else the first *visible*
//! one (a hidden first sheet is typically a list of choices for drop-downs). A name is matched exactly, then case-insensitively.
//!
//! # Limits
//!
//! Nothing panics on any input: damaged, truncated, encrypted or foreign files give an
//! [`XlsxError`] (so does a panic inside calamine where panics unwind: its cell-reference
//! arithmetic overflows on hostile input in debug builds). Cells are streamed from the sheet XML and written straight into the one
//! output buffer; the used range is capped at 1,048,576 × 64 cells and the output at 1 GiB so
//! that one stray value in cell XFD1048576 cannot exhaust memory.

use std::fmt;
use std::fmt::Write as _;
use std::io::Cursor;

use calamine::{DataRef, ExcelDateTime, Reader, Sheet, SheetType, SheetVisible, Xlsx};

use crate::domain::date::{ExcelDates, Ymd, excel_day_to_date};

mod parts;
use parts::{HiddenRanges, active_tab};

/// Why a workbook (or the requested sheet) cannot be turned into CSV text. Rendered by
/// [`XlsxError::message`]; `Display` is the Japanese sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XlsxError {
    /// The reader failed internally (a panic inside calamine): the content is damaged.
    Internal,
    /// The workbook is password-protected.
    Password,
    /// An Excel 97-2003 workbook (.xls).
    Xls,
    /// An Excel binary workbook (.xlsb).
    Xlsb,
    /// Not readable as a workbook: damaged, truncated or another format.
    NotXlsx {
        /// The reader's own words.
        detail: String,
    },
    /// The workbook has no worksheet.
    NoWorksheet,
    /// The requested sheet is not found.
    SheetNotFound {
        /// The name asked for.
        sheet: String,
        /// The workbook's worksheets, in tab order.
        worksheets: Vec<String>,
    },
    /// The requested sheet is a chart sheet or another non-worksheet.
    ChartSheet {
        /// The sheet.
        sheet: String,
        /// The workbook's worksheets, in tab order.
        worksheets: Vec<String>,
    },
    /// The sheet turned out not to be a worksheet while reading it.
    NotAWorksheet {
        /// The sheet.
        sheet: String,
    },
    /// The sheet's content is damaged.
    Damaged {
        /// The sheet.
        sheet: String,
        /// The reader's own words.
        detail: String,
    },
    /// A cell lies outside Excel's grid (1,048,576 rows × 16,384 columns): the sheet XML is
    /// damaged or not written by Excel.
    OutsideGrid {
        /// The sheet.
        sheet: String,
        /// The cell reference (`XFE1`).
        cell: String,
    },
    /// One cell written twice with different values (Excel never writes a cell twice): which
    /// one is the data cannot be told, and keeping either would lose the other's row.
    DuplicateCell {
        /// The sheet.
        sheet: String,
        /// The cell reference (`B3`).
        cell: String,
    },
    /// The cells stay out of order even after sorting: the sheet XML is damaged.
    CellsOutOfOrder {
        /// The sheet.
        sheet: String,
    },
    /// A cell holds an error value (`#DIV/0!`, `#N/A`, ...).
    CellError {
        /// The sheet.
        sheet: String,
        /// The error value.
        value: String,
    },
    /// The used range exceeds 1,048,576 × 64 cells.
    TooLarge {
        /// The sheet.
        sheet: String,
        /// Rows of the used range.
        rows: u64,
        /// Columns of the used range.
        columns: u64,
    },
    /// The CSV text would exceed its limit: 500 times the workbook's size, at least 64 MiB
    /// and at most 1 GiB (a small workbook whose one value fills many cells).
    TooLong {
        /// The sheet.
        sheet: String,
        /// The limit that was reached, in MiB (see `output_limit`).
        limit_mib: usize,
    },
}

/// Excel's grid: 1,048,576 rows × 16,384 columns (XFD).
const EXCEL_MAX_ROWS: u32 = 1_048_576;
const EXCEL_MAX_COLUMNS: u32 = 16_384;
/// Used range cap (rows × columns, empty cells included): all of Excel's rows at 64 columns.
pub(crate) const MAX_CELLS: u64 = EXCEL_MAX_ROWS as u64 * 64;
/// Output cap.
const MAX_OUTPUT_BYTES: usize = 1 << 30;
/// A workbook's CSV may be at most this many times the workbook's own size (and at least
/// [`MIN_OUTPUT_LIMIT`]): real sheets expand about 10×; a 70 KB workbook whose one shared string
/// fills a million cells would otherwise take gigabytes (issue 9).
const OUTPUT_PER_INPUT_BYTE: usize = 500;
/// The smallest output limit, whatever the workbook's size.
const MIN_OUTPUT_LIMIT: usize = 64 << 20;

/// The output limit for a workbook of `input` bytes.
fn output_limit(input: usize) -> usize {
    input
        .saturating_mul(OUTPUT_PER_INPUT_BYTE)
        .clamp(MIN_OUTPUT_LIMIT, MAX_OUTPUT_BYTES)
}

/// Largest 1900-system serial: 9999-12-31.
const MAX_SERIAL_1900: i64 = 2_958_465;
/// Largest 1904-system serial: 9999-12-31.
const MAX_SERIAL_1904: i64 = MAX_SERIAL_1900 - 1462;
const SECONDS_PER_DAY: i64 = 86_400;

/// Whether `bytes` looks like an `.xlsx` workbook: a ZIP archive (`PK\x03\x04`) naming an
/// `xl/` part of a workbook (`xl/workbook.xml`, `xl/worksheets/`, ...) in its first or last
/// 64 KiB: local headers come first, the central directory last, so a truncated workbook is
/// still recognised (and [`sheet_to_csv`] then says it is damaged). Cheap: nothing is
/// decompressed.
#[must_use]
pub fn is_xlsx(bytes: &[u8]) -> bool {
    const WINDOW: usize = 64 * 1024;
    const PARTS: [&[u8]; 5] = [
        b"xl/workbook",
        b"xl/worksheets/",
        b"xl/styles.xml",
        b"xl/sharedStrings.xml",
        b"xl/_rels/",
    ];
    if !bytes.starts_with(b"PK\x03\x04") {
        return false;
    }
    let head = &bytes[..bytes.len().min(WINDOW)];
    let tail = &bytes[bytes.len().saturating_sub(WINDOW)..];
    PARTS.iter().any(|part| {
        memchr::memmem::find(head, part).is_some() || memchr::memmem::find(tail, part).is_some()
    })
}

/// The worksheets of the workbook, in workbook (tab) order, hidden ones included.
///
/// # Errors
/// When `bytes` is not a readable `.xlsx` workbook.
pub fn sheet_names(bytes: &[u8]) -> Result<Vec<String>, XlsxError> {
    guard(|| {
        let workbook = open(bytes)?;
        Ok(worksheets(workbook.sheets_metadata())
            .map(|s| s.name.clone())
            .collect())
    })
}

/// The worksheet read when no name is given: the active tab, else the first visible one.
///
/// # Errors
/// The bytes are no workbook, or it has no worksheet.
pub fn default_sheet(bytes: &[u8]) -> Result<String, XlsxError> {
    guard(|| {
        let workbook = open(bytes)?;
        pick_sheet(workbook.sheets_metadata(), None, active_tab(bytes))
    })
}

/// One worksheet as CSV text (see the [module documentation](self) for the format).
///
/// `sheet`: `None` reads the active worksheet, else the first visible one; a name reads that
/// sheet.
///
/// # Errors
/// When `bytes` is not a readable `.xlsx` workbook (damaged, truncated, password-protected,
/// `.xls`, `.xlsb`), the sheet does not exist (the message lists the sheets), the sheet XML is
/// damaged, or the used range exceeds the limits.
pub fn sheet_to_csv(bytes: &[u8], sheet: Option<&str>) -> Result<Vec<u8>, XlsxError> {
    sheet_to_csv_with_numbers(bytes, sheet).map(|(csv, _)| csv)
}

/// [`sheet_to_csv`], and which cells were whole numbers and which rows and columns Excel hides:
/// pass them as `Options::numeric_cells`, so that leading zeros Excel dropped from a number are
/// restored (X008) where the workbook proves it, and only proposed elsewhere, and so that hidden
/// rows holding data and hidden columns that are uploaded are reported (S026, S027).
///
/// # Errors
/// As [`sheet_to_csv`].
pub fn sheet_to_csv_with_numbers(
    bytes: &[u8],
    sheet: Option<&str>,
) -> Result<(Vec<u8>, NumericCells), XlsxError> {
    guard(|| convert(bytes, sheet))
}

/// What a converted sheet's CSV text does not say about its cells: the cells that held whole
/// numbers (not text), by the report's row (the sheet's row number) and column (1-based); and
/// the rows and columns Excel hides ([`NumericCells::hidden_rows`],
/// [`NumericCells::column_hidden`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NumericCells {
    numbers: std::collections::HashSet<(u32, u32)>,
    /// Hidden sheet rows that hold a value, ascending.
    hidden_rows: Vec<u32>,
    /// Hidden columns, as ascending inclusive runs (1-based).
    hidden_columns: Vec<(u32, u32)>,
}

impl NumericCells {
    /// Forgets a cell (it was edited: its value no longer comes from the workbook's number).
    pub fn remove(&mut self, row: u32, column: u32) {
        self.numbers.remove(&(row, column));
    }

    /// The sheet rows (as the report numbers rows) that Excel hides — by hand, by an
    /// autofilter or a collapsed outline — and that hold a value, ascending. They are converted
    /// and uploaded like any other row (so is Excel's own "Save as CSV"): the checker reports
    /// those among its data rows (S026).
    #[must_use]
    pub fn hidden_rows(&self) -> &[u32] {
        &self.hidden_rows
    }

    /// Whether Excel hides column `column` (1-based): its values are uploaded all the same
    /// (S027 when the column is mapped to a field or kept as a 券面項目).
    #[must_use]
    pub fn column_hidden(&self, column: u32) -> bool {
        self.hidden_columns
            .iter()
            .any(|&(start, end)| start <= column && column <= end)
    }

    /// The cells of whole-file rows `rows`, numbered as a part of the file whose data record k
    /// (0-based) is its row k + 2 (what `incremental::check_part` checks). Hidden rows and
    /// columns are the whole file's business (file-level findings): a part has none.
    #[must_use]
    pub fn for_part(&self, rows: impl Iterator<Item = u32>) -> NumericCells {
        let columns = self.numbers.iter().map(|&(_, c)| c).max().unwrap_or(0);
        let mut part = std::collections::HashSet::new();
        for (k, row) in rows.enumerate() {
            let local = u32::try_from(k + 2).unwrap_or(u32::MAX);
            for c in 1..=columns {
                if self.contains(row, c) {
                    part.insert((local, c));
                }
            }
        }
        NumericCells {
            numbers: part,
            ..NumericCells::default()
        }
    }

    /// Whether the cell at `row` (as the report numbers rows) and `column` (1-based) was a
    /// whole number in the workbook.
    #[must_use]
    pub fn contains(&self, row: u32, column: u32) -> bool {
        self.numbers.contains(&(row, column))
    }

    /// How many number cells.
    #[must_use]
    pub fn len(&self) -> usize {
        self.numbers.len()
    }

    /// Whether there are no number cells.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.numbers.is_empty()
    }
}

/// Runs `f`, turning a panic inside calamine into an error where panics unwind (native).
///
/// calamine parses cell references with plain `u32` arithmetic: a damaged or hostile sheet
/// (`r="AAAAAAAAAA1"`) overflows, which panics in debug builds (release builds wrap, and the
/// ZIP checksum then fails). In wasm32 panics abort, but the web build is a release build.
fn guard<T>(f: impl FnOnce() -> Result<T, XlsxError>) -> Result<T, XlsxError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(XlsxError::Internal))
}

fn convert(bytes: &[u8], sheet: Option<&str>) -> Result<(Vec<u8>, NumericCells), XlsxError> {
    let mut workbook = open(bytes)?;
    let active = if sheet.is_none() {
        active_tab(bytes)
    } else {
        None
    };
    let name = pick_sheet(workbook.sheets_metadata(), sheet, active)?;
    let is_1904 = workbook.has_1904_epoch();
    let limit = output_limit(bytes.len());
    let hidden = parts::hidden_ranges(bytes, &name);
    let read = |workbook: &mut Workbook<'_>, sorted| {
        read_sheet(workbook, &name, is_1904, sorted, limit, &hidden)
    };
    match read(&mut workbook, false) {
        Err(Stop::OutOfOrder) => match read(&mut workbook, true) {
            Err(Stop::OutOfOrder) => Err(XlsxError::CellsOutOfOrder { sheet: name }),
            Err(Stop::Fail(e)) => Err(e),
            Ok(csv) => Ok(csv),
        },
        Err(Stop::Fail(e)) => Err(e),
        Ok(csv) => Ok(csv),
    }
}

type Workbook<'b> = Xlsx<Cursor<&'b [u8]>>;

fn open(bytes: &[u8]) -> Result<Workbook<'_>, XlsxError> {
    Xlsx::new(Cursor::new(bytes)).map_err(|e| open_error(bytes, &e))
}

fn open_error(bytes: &[u8], e: &calamine::XlsxError) -> XlsxError {
    const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    if matches!(e, calamine::XlsxError::Password) {
        return XlsxError::Password;
    }
    if bytes.starts_with(CFB_MAGIC) {
        return XlsxError::Xls;
    }
    if bytes.starts_with(b"PK\x03\x04")
        && memchr::memmem::find(bytes, b"xl/workbook.bin").is_some()
        && memchr::memmem::find(bytes, b"xl/workbook.xml").is_none()
    {
        return XlsxError::Xlsb;
    }
    XlsxError::NotXlsx {
        detail: e.to_string(),
    }
}

fn worksheets(sheets: &[Sheet]) -> impl Iterator<Item = &Sheet> {
    sheets.iter().filter(|s| s.typ == SheetType::WorkSheet)
}

fn pick_sheet(
    sheets: &[Sheet],
    wanted: Option<&str>,
    active: Option<usize>,
) -> Result<String, XlsxError> {
    let Some(wanted) = wanted else {
        let visible_worksheet =
            |s: &&Sheet| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible;
        let first = active
            .and_then(|i| sheets.get(i))
            .filter(visible_worksheet)
            .or_else(|| worksheets(sheets).find(|s| s.visible == SheetVisible::Visible))
            .or_else(|| worksheets(sheets).next());
        return first.map(|s| s.name.clone()).ok_or(XlsxError::NoWorksheet);
    };
    let found = sheets.iter().find(|s| s.name == wanted).or_else(|| {
        let lower = wanted.to_lowercase();
        let mut matches = sheets.iter().filter(|s| s.name.to_lowercase() == lower);
        match (matches.next(), matches.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    });
    let worksheets: Vec<String> = worksheets(sheets).map(|s| s.name.clone()).collect();
    match found {
        Some(s) if s.typ == SheetType::WorkSheet => Ok(s.name.clone()),
        Some(s) => Err(XlsxError::ChartSheet {
            sheet: s.name.clone(),
            worksheets,
        }),
        None => Err(XlsxError::SheetNotFound {
            sheet: wanted.to_owned(),
            worksheets,
        }),
    }
}

fn sheet_error(sheet: &str, detail: impl fmt::Display) -> XlsxError {
    XlsxError::Damaged {
        sheet: sheet.to_owned(),
        detail: detail.to_string(),
    }
}

fn read_error(sheet: &str, e: calamine::XlsxError) -> XlsxError {
    match e {
        calamine::XlsxError::CellError(value) => XlsxError::CellError {
            sheet: sheet.to_owned(),
            value: value.to_string(),
        },
        calamine::XlsxError::NotAWorksheet(_) => XlsxError::NotAWorksheet {
            sheet: sheet.to_owned(),
        },
        e => sheet_error(sheet, e),
    }
}

enum Stop {
    /// Cells are not in row-major order (Excel never writes that): read again and sort.
    OutOfOrder,
    Fail(XlsxError),
}

impl From<XlsxError> for Stop {
    fn from(e: XlsxError) -> Self {
        Stop::Fail(e)
    }
}

/// How a cell's number format changes the text of a plain number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumberFormat {
    General,
    /// `000…0`: integers shown zero-padded to this many digits.
    ZeroPad(u8),
}

impl NumberFormat {
    fn of(code: &str) -> Self {
        let first = code.split(';').next().unwrap_or("");
        match u8::try_from(first.len()) {
            Ok(n @ 2..=30) if first.bytes().all(|b| b == b'0') => NumberFormat::ZeroPad(n),
            _ => NumberFormat::General,
        }
    }
}

/// Streams the cells of `sheet` into CSV. `sorted`: collect and sort the cells first (the
/// fallback for sheets whose cells are not in row-major order).
fn read_sheet(
    workbook: &mut Workbook<'_>,
    sheet: &str,
    is_1904: bool,
    sorted: bool,
    limit: usize,
    hidden: &HiddenRanges,
) -> Result<(Vec<u8>, NumericCells), Stop> {
    let mut reader = workbook
        .worksheet_cells_reader(sheet)
        .map_err(|e| read_error(sheet, e))?;
    let formats: Vec<NumberFormat> = reader
        .styles()
        .iter()
        .map(|s| {
            s.number_format
                .as_ref()
                .map_or(NumberFormat::General, |f| NumberFormat::of(&f.format_code))
        })
        .collect();
    let mut writer = CsvWriter::new(sheet, is_1904, limit, hidden);
    let format_of = |style: usize| formats.get(style).copied().unwrap_or(NumberFormat::General);
    // One read loop for both modes (the reader is inlined where it is called: keep it once).
    let mut cells = Vec::new();
    while let Some((cell, style)) = reader
        .next_cell_with_style_id()
        .map_err(|e| read_error(sheet, e))?
    {
        if is_blank(cell.get_value()) {
            continue;
        }
        let (row, col) = cell.get_position();
        check_position(sheet, row, col)?;
        if sorted {
            cells.push((cell, style));
        } else {
            writer.cell(row, col, cell.get_value(), format_of(style))?;
        }
    }
    if sorted {
        // A cell written twice (a `<row r="3">` repeated by some generator) is read once if
        // both values are the same; two different values are a damaged sheet: calamine's
        // ranges keep the later one, and the other row would be lost without a word.
        cells.sort_by_key(|(cell, _)| cell.get_position());
        let mut cells = cells.into_iter().peekable();
        while let Some((cell, style)) = cells.next() {
            let (row, col) = cell.get_position();
            if let Some((next, _)) = cells.peek()
                && next.get_position() == (row, col)
            {
                if next.get_value() != cell.get_value() {
                    return Err(Stop::Fail(XlsxError::DuplicateCell {
                        sheet: sheet.to_owned(),
                        cell: format!("{}{}", column_letters(col), u64::from(row) + 1),
                    }));
                }
                continue;
            }
            writer.cell(row, col, cell.get_value(), format_of(style))?;
        }
    }
    let numbers = NumericCells {
        numbers: std::mem::take(&mut writer.numbers),
        hidden_rows: std::mem::take(&mut writer.hidden_rows),
        hidden_columns: hidden.columns.clone(),
    };
    Ok((writer.finish()?, numbers))
}

fn is_blank(value: &DataRef<'_>) -> bool {
    match value {
        DataRef::Empty => true,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.is_empty(),
        DataRef::SharedString(s) => s.is_empty(),
        _ => false,
    }
}

fn check_position(sheet: &str, row: u32, col: u32) -> Result<(), XlsxError> {
    if row < EXCEL_MAX_ROWS && col < EXCEL_MAX_COLUMNS {
        Ok(())
    } else {
        Err(XlsxError::OutsideGrid {
            sheet: sheet.to_owned(),
            cell: format!("{}{}", column_letters(col), u64::from(row) + 1),
        })
    }
}

/// `0` → `A`, `25` → `Z`, `26` → `AA`.
fn column_letters(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// Writes cells, given in row-major order, as CSV records; pads the records to the used
/// range's width at the end, in place.
struct CsvWriter<'s> {
    sheet: &'s str,
    is_1904: bool,
    out: Vec<u8>,
    /// Per finished record: its end offset in `out` (after CRLF) and its number of fields.
    records: Vec<(usize, u32)>,
    /// Fields written to the open record (the record of sheet row `records.len()`).
    fields: u32,
    /// Whether a record is open.
    open: bool,
    width: u32,
    last: Option<(u32, u32)>,
    scratch: String,
    /// Cells holding whole numbers: (sheet row, column), both 1-based.
    numbers: std::collections::HashSet<(u32, u32)>,
    /// Most bytes of CSV ([`output_limit`]).
    limit: usize,
    /// The sheet's hidden rows, and where the last row with a value was found in them.
    hidden: &'s HiddenRanges,
    hidden_cursor: usize,
    /// Hidden sheet rows (1-based) that hold a value, ascending.
    hidden_rows: Vec<u32>,
}

impl<'s> CsvWriter<'s> {
    fn new(sheet: &'s str, is_1904: bool, limit: usize, hidden: &'s HiddenRanges) -> Self {
        Self {
            sheet,
            is_1904,
            out: Vec::new(),
            records: Vec::new(),
            fields: 0,
            open: false,
            width: 0,
            last: None,
            scratch: String::new(),
            numbers: std::collections::HashSet::new(),
            limit,
            hidden,
            hidden_cursor: 0,
            hidden_rows: Vec::new(),
        }
    }

    fn too_large(&self, rows: u64, columns: u64) -> XlsxError {
        XlsxError::TooLarge {
            sheet: self.sheet.to_owned(),
            rows,
            columns,
        }
    }

    fn too_long(&self) -> XlsxError {
        XlsxError::TooLong {
            sheet: self.sheet.to_owned(),
            limit_mib: self.limit >> 20,
        }
    }

    fn close_record(&mut self) {
        self.out.extend_from_slice(b"\r\n");
        // An empty line is one empty field.
        self.records.push((self.out.len(), self.fields.max(1)));
        self.fields = 0;
        self.open = false;
    }

    /// Writes the (non-blank) value of cell (`row`, `col`), 0-based.
    fn cell(
        &mut self,
        row: u32,
        col: u32,
        value: &DataRef<'_>,
        format: NumberFormat,
    ) -> Result<(), Stop> {
        if self.last.is_some_and(|last| (row, col) <= last) {
            return Err(Stop::OutOfOrder);
        }
        // The first value of a row: note the row if Excel hides it.
        if self.last.is_none_or(|(r, _)| r != row)
            && self
                .hidden
                .row_hidden(row.saturating_add(1), &mut self.hidden_cursor)
        {
            self.hidden_rows.push(row.saturating_add(1));
        }
        self.last = Some((row, col));
        if col >= self.width {
            self.width = col + 1;
        }
        let rows = u64::from(row) + 1;
        if rows * u64::from(self.width) > MAX_CELLS {
            return Err(self.too_large(rows, u64::from(self.width)).into());
        }
        // Close the open record and write the empty rows up to `row`.
        let row = row as usize;
        if self.open && self.records.len() < row {
            self.close_record();
        }
        while self.records.len() < row {
            self.close_record();
        }
        self.open = true;
        // Separators for the empty fields before `col`, then the one before this field.
        let commas = if self.fields == 0 {
            col
        } else {
            col - self.fields + 1
        };
        self.out.resize(self.out.len() + commas as usize, b',');
        self.fields = col + 1;
        let whole = match value {
            DataRef::Float(x) => x.fract() == 0.0 && x.abs() < 1e15,
            DataRef::Int(_) => true,
            _ => false,
        };
        if whole {
            self.numbers.insert((row as u32 + 1, col + 1));
        }
        self.value(value, format);
        if self.out.len() > self.limit {
            return Err(self.too_long().into());
        }
        Ok(())
    }

    fn value(&mut self, value: &DataRef<'_>, format: NumberFormat) {
        match value {
            DataRef::String(s) | DataRef::DurationIso(s) => write_field(&mut self.out, s),
            DataRef::SharedString(s) => write_field(&mut self.out, s),
            DataRef::Float(x) => self.number(*x, format),
            // As in Excel, a number is an f64.
            DataRef::Int(i) => self.number(*i as f64, format),
            DataRef::Bool(b) => self.out.push(if *b { b'1' } else { b'0' }),
            DataRef::DateTime(dt) => self.datetime(dt),
            DataRef::DateTimeIso(s) => match iso_datetime(s) {
                Some(dt) => {
                    self.scratch.clear();
                    dt.write(&mut self.scratch);
                    self.out.extend_from_slice(self.scratch.as_bytes());
                }
                None => write_field(&mut self.out, s),
            },
            DataRef::Error(e) => {
                self.scratch.clear();
                let _ = write!(self.scratch, "{e}");
                write_field(&mut self.out, &self.scratch);
            }
            DataRef::Empty => {}
        }
    }

    fn number(&mut self, x: f64, format: NumberFormat) {
        self.scratch.clear();
        format_number(x, format, &mut self.scratch);
        self.out.extend_from_slice(self.scratch.as_bytes());
    }

    fn datetime(&mut self, dt: &ExcelDateTime) {
        let serial = dt.as_f64();
        if dt.is_duration() {
            return self.number(serial, NumberFormat::General);
        }
        match DateTime::from_serial(serial, self.is_1904) {
            Some(dt) => {
                self.scratch.clear();
                dt.write(&mut self.scratch);
                self.out.extend_from_slice(self.scratch.as_bytes());
            }
            None => self.number(serial, NumberFormat::General),
        }
    }

    fn finish(mut self) -> Result<Vec<u8>, XlsxError> {
        if self.open {
            self.close_record();
        }
        let width = self.width;
        let padding: u64 = self
            .records
            .iter()
            .map(|&(_, fields)| u64::from(width - fields))
            .sum();
        if padding == 0 {
            return Ok(self.out);
        }
        let old_len = self.out.len();
        let new_len = usize::try_from(padding)
            .ok()
            .and_then(|p| old_len.checked_add(p))
            .filter(|&n| n <= self.limit)
            .ok_or_else(|| self.too_long())?;
        // Move the records to their final places from the last one back; each moves forward
        // by the padding of the records before it, so nothing is overwritten before it moved.
        let out = &mut self.out;
        out.resize(new_len, 0);
        let mut dst_end = new_len;
        for i in (0..self.records.len()).rev() {
            let (end, fields) = self.records[i];
            let start = if i == 0 { 0 } else { self.records[i - 1].0 };
            let content = end - 2 - start;
            let pad = (width - fields) as usize;
            let new_start = dst_end - 2 - pad - content;
            out.copy_within(start..start + content, new_start);
            out[new_start + content..dst_end - 2].fill(b',');
            out[dst_end - 2..dst_end].copy_from_slice(b"\r\n");
            dst_end = new_start;
        }
        debug_assert_eq!(dst_end, 0);
        Ok(self.out)
    }
}

/// Appends `s` as one CSV field, quoted when it contains `,` `"` CR or LF.
fn write_field(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    if !bytes
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.extend_from_slice(bytes);
        return;
    }
    out.push(b'"');
    let mut rest = bytes;
    while let Some(i) = memchr::memchr(b'"', rest) {
        out.extend_from_slice(&rest[..=i]);
        out.push(b'"');
        rest = &rest[i + 1..];
    }
    out.extend_from_slice(rest);
    out.push(b'"');
}

/// The text of a number cell (see the module documentation).
fn format_number(x: f64, format: NumberFormat, out: &mut String) {
    if !x.is_finite() {
        // Excel cannot store these; another program wrote them.
        out.push_str("#NUM!");
        return;
    }
    if x == 0.0 {
        // Also -0.0.
        match format {
            NumberFormat::ZeroPad(n) => out.extend(std::iter::repeat_n('0', usize::from(n))),
            NumberFormat::General => out.push('0'),
        }
        return;
    }
    let ax = x.abs();
    if ax < 1e15 && x.fract() == 0.0 {
        // Fast path for integers (at most 15 digits, so already exact): the common case.
        // In range, so the cast is exact.
        let i = x as i64;
        if let NumberFormat::ZeroPad(n) = format
            && i > 0
        {
            let _ = write!(out, "{i:0width$}", width = usize::from(n));
        } else {
            let _ = write!(out, "{i}");
        }
    } else if ax < 1e15 {
        // Round to 15 significant digits (Excel's precision; hides binary noise such as
        // 0.30000000000000004), then write positionally.
        let sci = format!("{x:.14e}");
        let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let (negative, mantissa) = match mantissa.strip_prefix('-') {
            Some(m) => (true, m),
            None => (false, mantissa),
        };
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        let digits = digits.as_str();
        if negative {
            out.push('-');
        }
        if exp >= 0 {
            // At most 16 integer digits (999999999999999.9 rounds to 1e15).
            let int_len = usize::try_from(exp).unwrap_or(0) + 1;
            let (int, frac) = digits.split_at(int_len.min(digits.len()));
            let int_zeros = int_len - int.len();
            let frac = frac.trim_end_matches('0');
            if let NumberFormat::ZeroPad(n) = format
                && !negative
                && frac.is_empty()
            {
                let len = int.len() + int_zeros;
                out.extend(std::iter::repeat_n('0', usize::from(n).saturating_sub(len)));
            }
            out.push_str(int);
            out.extend(std::iter::repeat_n('0', int_zeros));
            if !frac.is_empty() {
                out.push('.');
                out.push_str(frac);
            }
        } else if exp >= -20 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n(
                '0',
                usize::try_from(-exp - 1).unwrap_or(0),
            ));
            out.push_str(digits.trim_end_matches('0'));
        } else {
            write_scientific(digits, exp, out);
        }
    } else {
        // 1e15 and up: more digits than Excel keeps (15 significant; the rest became zeros
        // when the value was typed or pasted). Written as Excel shows such a number, in its
        // exponent form, so that no identifier is uploaded with digits that were never in the
        // source: the checks then report it (N002 on a My Number, V003 on other digits).
        let sci = format!("{x:.14e}");
        let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        if let Some(m) = mantissa.strip_prefix('-') {
            out.push('-');
            let digits: String = m.chars().filter(char::is_ascii_digit).collect();
            write_scientific(&digits, exp, out);
        } else {
            let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
            write_scientific(&digits, exp, out);
        }
    }
}

/// Excel's style: `1.5E-25`, `1.23456789012346E+21`.
fn write_scientific(digits: &str, exp: i32, out: &mut String) {
    let digits = digits.trim_end_matches('0');
    let (first, rest) = digits.split_at(digits.len().min(1));
    out.push_str(if first.is_empty() { "0" } else { first });
    if !rest.is_empty() {
        out.push('.');
        out.push_str(rest);
    }
    let _ = write!(
        out,
        "E{}{:02}",
        if exp < 0 { '-' } else { '+' },
        exp.unsigned_abs()
    );
}

/// A date, a date and time, or (for a serial below one day) a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DateTime {
    /// `None` for a time of day only.
    date: Option<Ymd>,
    seconds: u32,
}

impl DateTime {
    /// An Excel serial (days since the epoch, fraction = time of day, rounded to the second).
    /// `None` where no correct date exists: 1900 serials 0 and 60 (the non-existent
    /// 1900-02-29), negative values, values after 9999-12-31, NaN.
    fn from_serial(serial: f64, is_1904: bool) -> Option<Self> {
        let max = if is_1904 {
            MAX_SERIAL_1904
        } else {
            MAX_SERIAL_1900
        };
        if !(serial >= 0.0 && serial < (max + 1) as f64) {
            return None;
        }
        // In range: below 2.6e11, so the cast is exact.
        let total = (serial * SECONDS_PER_DAY as f64).round() as i64;
        let (days, seconds) = (
            total.div_euclid(SECONDS_PER_DAY),
            u32::try_from(total.rem_euclid(SECONDS_PER_DAY)).ok()?,
        );
        if days == 0 && seconds > 0 {
            return Some(Self {
                date: None,
                seconds,
            });
        }
        if days > max {
            return None;
        }
        let system = if is_1904 {
            ExcelDates::System1904
        } else {
            ExcelDates::System1900
        };
        Some(Self {
            date: Some(excel_day_to_date(i32::try_from(days).ok()?, system)?),
            seconds,
        })
    }

    fn write(self, out: &mut String) {
        let (h, m, s) = (
            self.seconds / 3600,
            self.seconds / 60 % 60,
            self.seconds % 60,
        );
        match self.date {
            Some(date) => {
                let _ = write!(out, "{date}");
                if self.seconds > 0 {
                    let _ = write!(out, " {h:02}:{m:02}:{s:02}");
                }
            }
            None => {
                let _ = write!(out, "{h:02}:{m:02}:{s:02}");
            }
        }
    }
}

/// An ISO 8601 date cell (`t="d"`): `YYYY-MM-DD`, optionally `THH:MM:SS`, fraction, zone.
/// The zone is dropped (Excel has none). `None` for anything else.
fn iso_datetime(s: &str) -> Option<DateTime> {
    fn num(b: &[u8]) -> Option<u32> {
        if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        b.iter().try_fold(0u32, |n, &d| {
            n.checked_mul(10)?.checked_add(u32::from(d - b'0'))
        })
    }
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (year, month, day) = (num(&b[..4])?, num(&b[5..7])?, num(&b[8..10])?);
    let date = Ymd::new(
        i32::try_from(year).ok()?,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
    )?;
    let mut seconds = 0;
    if b.len() > 10 {
        if b.len() < 19 || !matches!(b[10], b'T' | b' ') || b[13] != b':' || b[16] != b':' {
            return None;
        }
        let (h, m, sec) = (num(&b[11..13])?, num(&b[14..16])?, num(&b[17..19])?);
        if h > 23 || m > 59 || sec > 59 {
            return None;
        }
        let mut rest = &b[19..];
        if let Some(frac) = rest.strip_prefix(b".") {
            let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            rest = &frac[n..];
        }
        let zone_ok = rest.is_empty()
            || rest == b"Z"
            || (rest.len() == 6
                && matches!(rest[0], b'+' | b'-')
                && rest[3] == b':'
                && num(&rest[1..3]).is_some()
                && num(&rest[4..6]).is_some());
        if !zone_ok {
            return None;
        }
        seconds = h * 3600 + m * 60 + sec;
    }
    Some(DateTime {
        date: Some(date),
        seconds,
    })
}

#[cfg(test)]
mod tests;
