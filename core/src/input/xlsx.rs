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
//! # Cell values
//!
//! | cell | CSV text |
//! |---|---|
//! | string | as is: no trimming, no normalisation |
//! | number | exact digits: `210987654320`, `0.5`, `1234.25`; integers never get `.0` or an exponent (below 1e15: rounded to 15 significant digits, Excel's precision; 1e15 up to 1e21: shortest round-trip digits; larger: `1.23456789012346E+21`) |
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
//! order, hidden ones included. `sheet_to_csv(bytes, None)` reads the first *visible*
//! worksheet (what the user sees as the first tab; a hidden first sheet is typically a list of
//! choices for drop-downs). A name is matched exactly, then case-insensitively.
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

/// Why a workbook (or the requested sheet) cannot be turned into CSV text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XlsxError {
    /// Japanese explanation.
    pub ja: String,
    /// English explanation.
    pub en: String,
}

impl XlsxError {
    fn new(ja: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            ja: ja.into(),
            en: en.into(),
        }
    }
}

impl fmt::Display for XlsxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.ja, self.en)
    }
}

impl std::error::Error for XlsxError {}

/// Excel's grid: 1,048,576 rows × 16,384 columns (XFD).
const EXCEL_MAX_ROWS: u32 = 1_048_576;
const EXCEL_MAX_COLUMNS: u32 = 16_384;
/// Used range cap (rows × columns, empty cells included): all of Excel's rows at 64 columns.
const MAX_CELLS: u64 = EXCEL_MAX_ROWS as u64 * 64;
/// Output cap.
const MAX_OUTPUT_BYTES: usize = 1 << 30;

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

/// One worksheet as CSV text (see the [module documentation](self) for the format).
///
/// `sheet`: `None` reads the first visible worksheet; a name reads that sheet.
///
/// # Errors
/// When `bytes` is not a readable `.xlsx` workbook (damaged, truncated, password-protected,
/// `.xls`, `.xlsb`), the sheet does not exist (the message lists the sheets), the sheet XML is
/// damaged, or the used range exceeds the limits.
pub fn sheet_to_csv(bytes: &[u8], sheet: Option<&str>) -> Result<Vec<u8>, XlsxError> {
    guard(|| convert(bytes, sheet))
}

/// Runs `f`, turning a panic inside calamine into an error where panics unwind (native).
///
/// calamine parses cell references with plain `u32` arithmetic: a damaged or hostile sheet
/// (`r="AAAAAAAAAA1"`) overflows, which panics in debug builds (release builds wrap, and the
/// ZIP checksum then fails). In wasm32 panics abort, but the web build is a release build.
fn guard<T>(f: impl FnOnce() -> Result<T, XlsxError>) -> Result<T, XlsxError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(XlsxError::new(
            "Excelファイル(.xlsx)の内容が壊れているため読み取れません(読み取り中に内部エラーが発生しました)",
            "Cannot read the Excel workbook (.xlsx): its content is damaged (internal error while reading)",
        ))
    })
}

fn convert(bytes: &[u8], sheet: Option<&str>) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = open(bytes)?;
    let name = pick_sheet(workbook.sheets_metadata(), sheet)?;
    let is_1904 = workbook.has_1904_epoch();
    match read_sheet(&mut workbook, &name, is_1904, false) {
        Err(Stop::OutOfOrder) => match read_sheet(&mut workbook, &name, is_1904, true) {
            Err(Stop::OutOfOrder) => Err(sheet_error(&name, "cells out of order")),
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
        return XlsxError::new(
            "パスワードで保護されたExcelファイルは読み取れません。Excelでパスワードを解除して保存し直してください",
            "The workbook is password-protected: remove the password in Excel and save it again",
        );
    }
    if bytes.starts_with(CFB_MAGIC) {
        return XlsxError::new(
            "旧形式のExcelファイル(.xls)には対応していません。Excelで「Excelブック(*.xlsx)」として保存し直してください",
            "Excel 97-2003 workbooks (.xls) are not supported: save the file as \"Excel Workbook (*.xlsx)\" in Excel",
        );
    }
    if bytes.starts_with(b"PK\x03\x04")
        && memchr::memmem::find(bytes, b"xl/workbook.bin").is_some()
        && memchr::memmem::find(bytes, b"xl/workbook.xml").is_none()
    {
        return XlsxError::new(
            "Excelバイナリブック(.xlsb)には対応していません。Excelで「Excelブック(*.xlsx)」として保存し直してください",
            "Excel binary workbooks (.xlsb) are not supported: save the file as \"Excel Workbook (*.xlsx)\" in Excel",
        );
    }
    XlsxError::new(
        format!(
            "Excelファイル(.xlsx)として読み取れません。ファイルが壊れているか、途中で切れているか、.xlsx以外の形式です(詳細: {e})"
        ),
        format!(
            "Cannot read the file as an Excel workbook (.xlsx): it is damaged, truncated or not an .xlsx file ({e})"
        ),
    )
}

fn worksheets(sheets: &[Sheet]) -> impl Iterator<Item = &Sheet> {
    sheets.iter().filter(|s| s.typ == SheetType::WorkSheet)
}

fn quoted_list<'s>(names: impl Iterator<Item = &'s str>) -> (String, String) {
    let mut ja = String::new();
    let mut en = String::new();
    for (i, name) in names.enumerate() {
        if i > 0 {
            en.push_str(", ");
        }
        let _ = write!(ja, "「{name}」");
        let _ = write!(en, "\"{name}\"");
    }
    if ja.is_empty() {
        ja.push_str("(なし)");
        en.push_str("(none)");
    }
    (ja, en)
}

fn pick_sheet(sheets: &[Sheet], wanted: Option<&str>) -> Result<String, XlsxError> {
    let Some(wanted) = wanted else {
        let first = worksheets(sheets)
            .find(|s| s.visible == SheetVisible::Visible)
            .or_else(|| worksheets(sheets).next());
        return first.map(|s| s.name.clone()).ok_or_else(|| {
            XlsxError::new(
                "このExcelファイルにはワークシートがありません",
                "The workbook has no worksheet",
            )
        });
    };
    let found = sheets.iter().find(|s| s.name == wanted).or_else(|| {
        let lower = wanted.to_lowercase();
        let mut matches = sheets.iter().filter(|s| s.name.to_lowercase() == lower);
        match (matches.next(), matches.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    });
    let (ja_list, en_list) = quoted_list(worksheets(sheets).map(|s| s.name.as_str()));
    match found {
        Some(s) if s.typ == SheetType::WorkSheet => Ok(s.name.clone()),
        Some(s) => Err(XlsxError::new(
            format!(
                "シート「{}」はワークシートではありません(グラフシートなど)。データのあるシートを指定してください。ワークシート: {ja_list}",
                s.name
            ),
            format!(
                "Sheet \"{}\" is not a worksheet (a chart sheet?); name a sheet with data. Worksheets: {en_list}",
                s.name
            ),
        )),
        None => Err(XlsxError::new(
            format!("シート「{wanted}」が見つかりません。このファイルのシート: {ja_list}"),
            format!("Sheet \"{wanted}\" not found; the workbook's sheets: {en_list}"),
        )),
    }
}

fn sheet_error(sheet: &str, detail: impl fmt::Display) -> XlsxError {
    XlsxError::new(
        format!("シート「{sheet}」の内容が壊れているため読み取れません(詳細: {detail})"),
        format!("Cannot read sheet \"{sheet}\": its content is damaged ({detail})"),
    )
}

fn read_error(sheet: &str, e: calamine::XlsxError) -> XlsxError {
    match e {
        calamine::XlsxError::CellError(value) => XlsxError::new(
            format!(
                "シート「{sheet}」のセルのエラー値「{value}」は読み取れません。Excelでエラーを解消するか、値として貼り付けてから保存し直してください"
            ),
            format!(
                "Sheet \"{sheet}\": the cell error value \"{value}\" cannot be read; fix the error in Excel, or paste the cells as values, and save again"
            ),
        ),
        calamine::XlsxError::NotAWorksheet(_) => XlsxError::new(
            format!("シート「{sheet}」はワークシートではありません"),
            format!("Sheet \"{sheet}\" is not a worksheet"),
        ),
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
) -> Result<Vec<u8>, Stop> {
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
    let mut writer = CsvWriter::new(sheet, is_1904);
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
        // Stable: of two values for one cell the later one wins, as in calamine's ranges.
        cells.sort_by_key(|(cell, _)| cell.get_position());
        let mut cells = cells.into_iter().peekable();
        while let Some((cell, style)) = cells.next() {
            let (row, col) = cell.get_position();
            if cells
                .peek()
                .is_some_and(|(next, _)| next.get_position() == (row, col))
            {
                continue;
            }
            writer.cell(row, col, cell.get_value(), format_of(style))?;
        }
    }
    Ok(writer.finish()?)
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
        Err(sheet_error(
            sheet,
            format_args!(
                "cell {}{} is outside Excel's grid (1,048,576 rows × 16,384 columns)",
                column_letters(col),
                u64::from(row) + 1
            ),
        ))
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
}

impl<'s> CsvWriter<'s> {
    fn new(sheet: &'s str, is_1904: bool) -> Self {
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
        }
    }

    fn too_large(&self, rows: u64, columns: u64) -> XlsxError {
        let sheet = self.sheet;
        XlsxError::new(
            format!(
                "シート「{sheet}」の使用範囲が大きすぎます({rows}行×{columns}列、上限{MAX_CELLS}セル)。データから離れた位置にある値や空白文字を削除してください"
            ),
            format!(
                "Sheet \"{sheet}\": the used range is too large ({rows} rows × {columns} columns, limit {MAX_CELLS} cells); delete stray values or spaces far from the data"
            ),
        )
    }

    fn too_long(&self) -> XlsxError {
        let sheet = self.sheet;
        XlsxError::new(
            format!("シート「{sheet}」のデータが大きすぎます(CSVで1 GiBを超えます)"),
            format!("Sheet \"{sheet}\" holds too much data (over 1 GiB as CSV)"),
        )
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
        self.value(value, format);
        if self.out.len() > MAX_OUTPUT_BYTES {
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
            .filter(|&n| n <= MAX_OUTPUT_BYTES)
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
    } else if ax < 1e21 {
        // Integral digits (or nearly): the shortest text that reads back as the same f64.
        let _ = write!(out, "{x}");
    } else {
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
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[allow(clippy::disallowed_methods)] // tests read their fixtures
    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/../fixtures/xlsx/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn csv(bytes: &[u8], sheet: Option<&str>) -> String {
        String::from_utf8(sheet_to_csv(bytes, sheet).unwrap()).unwrap()
    }

    fn num(x: f64) -> String {
        let mut s = String::new();
        format_number(x, NumberFormat::General, &mut s);
        s
    }

    // ---- A minimal workbook writer (stored ZIP, hand-written XML) for crafted sheets. ----

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn zip_stored(files: &[(&str, &str)]) -> Vec<u8> {
        fn u16le(v: &mut Vec<u8>, x: usize) {
            v.extend_from_slice(&u16::try_from(x).unwrap().to_le_bytes());
        }
        fn u32le(v: &mut Vec<u8>, x: u32) {
            v.extend_from_slice(&x.to_le_bytes());
        }
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, body) in files {
            let (name, body) = (name.as_bytes(), body.as_bytes());
            let offset = u32::try_from(out.len()).unwrap();
            let crc = crc32(body);
            let size = u32::try_from(body.len()).unwrap();
            out.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x21\x00");
            u32le(&mut out, crc);
            u32le(&mut out, size);
            u32le(&mut out, size);
            u16le(&mut out, name.len());
            u16le(&mut out, 0);
            out.extend_from_slice(name);
            out.extend_from_slice(body);
            central
                .extend_from_slice(b"PK\x01\x02\x14\x00\x14\x00\x00\x00\x00\x00\x00\x00\x21\x00");
            u32le(&mut central, crc);
            u32le(&mut central, size);
            u32le(&mut central, size);
            u16le(&mut central, name.len());
            central.extend_from_slice(&[0; 12]);
            u32le(&mut central, offset);
            central.extend_from_slice(name);
        }
        let cd_offset = u32::try_from(out.len()).unwrap();
        let cd_len = u32::try_from(central.len()).unwrap();
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00");
        u16le(&mut out, files.len());
        u16le(&mut out, files.len());
        u32le(&mut out, cd_len);
        u32le(&mut out, cd_offset);
        u16le(&mut out, 0);
        out
    }

    const NS: &str = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

    /// A workbook with one sheet "S" whose `<sheetData>` content is `sheet_data`.
    fn workbook(sheet_data: &str, shared: &[&str], workbook_pr: &str) -> Vec<u8> {
        let content_types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
        let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
        let wb = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook {NS}>{workbook_pr}<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        );
        let wb_rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;
        let sheet = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>{sheet_data}</sheetData></worksheet>"#
        );
        let sst: String = shared.iter().map(|s| format!("<si>{s}</si>")).collect();
        let sst = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="{0}" uniqueCount="{0}">{sst}</sst>"#,
            shared.len()
        );
        // Style 0 General, 1 built-in 14 (date), 2 "000000", 3 built-in 46 ([h]:mm:ss).
        let styles = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet {NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="000000"/></numFmts><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="46"/></cellXfs></styleSheet>"#
        );
        zip_stored(&[
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", rels),
            ("xl/workbook.xml", &wb),
            ("xl/_rels/workbook.xml.rels", wb_rels),
            ("xl/worksheets/sheet1.xml", &sheet),
            ("xl/sharedStrings.xml", &sst),
            ("xl/styles.xml", &styles),
        ])
    }

    fn crafted(sheet_data: &str) -> Result<String, XlsxError> {
        sheet_to_csv(&workbook(sheet_data, &[], ""), None).map(|b| String::from_utf8(b).unwrap())
    }

    // ---- Real workbooks written by openpyxl (fixtures/xlsx/make_xlsx.py). ----

    #[test]
    fn xlsx_full_layout_numbers_and_dates() {
        let bytes = fixture("full_numbers_dates.xlsx");
        assert!(is_xlsx(&bytes));
        assert_eq!(sheet_names(&bytes).unwrap(), ["全件"]);
        let expected = "機関別受給者証種別ID,個人番号,氏名,氏名カナ,住所,生年月日,性別,不開示フラグ,公費負担者番号,受給者証名,公費受給者番号,受給者証サブキー,区分,所得区分,追加条件,指定医療機関情報,常に償還払い,自己負担上限額種別,自己負担上限額,有効期間開始日,有効期間終了日\r\n\
            KODOMO01,123456789018,愛知花子,アイチ　ハナコ,愛知県名古屋市中区栄1-1-1,2013-01-01,2,0,88134457,子ども医療費受給者証,00012345,,,,,,0,,,2025-04-01,2026-03-31\r\n\
            KODOMO01,23456789013,山田太郎,ヤマダ　タロウ,愛知県名古屋市中区栄1-1-1,2015-06-30,1,0,88134457,子ども医療費受給者証,00012345,,,,,,0,,,2025-04-01,2026-03-31\r\n\
            NANBYO01,983205673214,佐藤一郎,サトウ　イチロウ,愛知県名古屋市中区栄1-1-1,1950-12-31,1,0,54016027,特定医療費(指定難病)受給者証,1234566,,1,一般,01-1;02-3,0110113719 札幌病院,0,月額,10000,2025-04-01,2026-03-31\r\n";
        assert_eq!(csv(&bytes, None), expected);
        assert_eq!(csv(&bytes, Some("全件")), expected);
    }

    #[test]
    fn xlsx_cell_types() {
        let bytes = fixture("cell_types.xlsx");
        // Row 1 is above the used range (B2:E32): one empty field per column A..E.
        let expected = ",,,,\r\n\
            ,label,value,,\r\n\
            ,integer,42,,\r\n\
            ,negative,-7,,\r\n\
            ,my number,210987654320,,\r\n\
            ,15 digits,123456789012345,,\r\n\
            ,16 digits,1234567890123456,,\r\n\
            ,half,0.5,,\r\n\
            ,quarter,1234.25,,\r\n\
            ,float noise,0.3,,\r\n\
            ,tiny,0.000001,,\r\n\
            ,true,1,,\r\n\
            ,false,0,,\r\n\
            ,error,#N/A,,\r\n\
            ,div0,#DIV/0!,,\r\n\
            ,date,2025-04-01,,\r\n\
            ,datetime,2025-04-01 09:30:15,,\r\n\
            ,time,12:00:00,,\r\n\
            ,serial 60,60,,\r\n\
            ,serial 59,1900-02-28,,\r\n\
            ,serial 61,1900-03-01,,\r\n\
            ,9999-12-31,9999-12-31,,\r\n\
            ,zero padded,023456789013,,\r\n\
            ,padded 6,001234,,\r\n\
            ,text format,12345,,\r\n\
            ,comma,\"a,b\",,\r\n\
            ,quote,\"say \"\"hi\"\"\",,\r\n\
            ,newline,\"line1\nline2\",,\r\n\
            ,spaces, 山田　太郎 ,,\r\n\
            ,duration,1.5,,\r\n\
            ,,,,\r\n\
            ,,,,far\r\n";
        assert_eq!(csv(&bytes, None), expected);
    }

    #[test]
    fn xlsx_sheet_choice() {
        let bytes = fixture("sheets.xlsx");
        // The chart sheet "グラフ" has no cells and is not listed.
        assert_eq!(sheet_names(&bytes).unwrap(), ["リスト", "説明", "データ"]);
        // None: the first visible worksheet (the hidden "リスト" is skipped).
        assert_eq!(
            csv(&bytes, None),
            "このブックは2枚目のシートにデータがあります\r\n"
        );
        assert_eq!(
            csv(&bytes, Some("データ")),
            "個人番号,氏名\r\n123456789018,愛知花子\r\n"
        );
        assert_eq!(csv(&bytes, Some("リスト")), "選択肢\r\n");
        let e = sheet_to_csv(&bytes, Some("Sheet1")).unwrap_err();
        assert_eq!(
            e.ja,
            "シート「Sheet1」が見つかりません。このファイルのシート: 「リスト」「説明」「データ」"
        );
        assert_eq!(
            e.en,
            "Sheet \"Sheet1\" not found; the workbook's sheets: \"リスト\", \"説明\", \"データ\""
        );
        let e = sheet_to_csv(&bytes, Some("グラフ")).unwrap_err();
        assert!(e.ja.contains("ワークシートではありません"), "{e}");
    }

    #[test]
    fn xlsx_date_1904() {
        let bytes = fixture("date1904.xlsx");
        assert_eq!(
            csv(&bytes, None),
            "生年月日,有効期間開始日,日時,数値\r\n\
             2013-01-01,2025-04-01,2019-05-01 12:00:00,41275\r\n\
             1904-01-01,1904-01-02,,0\r\n"
        );
    }

    #[test]
    fn xlsx_truncated_and_foreign_files() {
        let truncated = fixture("truncated.xlsx");
        assert!(
            is_xlsx(&truncated),
            "magic and the first part names are there"
        );
        let e = sheet_to_csv(&truncated, None).unwrap_err();
        assert!(
            e.ja.starts_with("Excelファイル(.xlsx)として読み取れません。"),
            "{e}"
        );
        assert!(e.en.starts_with("Cannot read the file as an Excel workbook"));
        assert_eq!(sheet_names(&truncated).unwrap_err(), e);

        let encrypted = fixture("encrypted.xlsx");
        assert!(!is_xlsx(&encrypted));
        let e = sheet_to_csv(&encrypted, None).unwrap_err();
        assert!(e.ja.starts_with("パスワードで保護された"), "{e}");

        let mut xls = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
        xls.resize(4096, 0);
        let e = sheet_to_csv(&xls, None).unwrap_err();
        assert!(e.ja.starts_with("旧形式のExcelファイル(.xls)"), "{e}");

        for bytes in [&b""[..], b"PK\x03\x04", b"a,b\r\n1,2\r\n", b"PK\x05\x06"] {
            assert!(!is_xlsx(bytes));
            assert!(sheet_to_csv(bytes, None).is_err());
        }
    }

    #[test]
    fn xlsx_is_xlsx() {
        for name in [
            "full_numbers_dates.xlsx",
            "cell_types.xlsx",
            "sheets.xlsx",
            "date1904.xlsx",
        ] {
            assert!(is_xlsx(&fixture(name)), "{name}");
        }
        assert!(is_xlsx(&workbook("", &[], "")));
        // A ZIP that is not a workbook (a .docx, say).
        assert!(!is_xlsx(&zip_stored(&[("word/document.xml", "<w/>")])));
        assert!(!is_xlsx("機関別受給者証種別ID,個人番号\r\n".as_bytes()));
    }

    // ---- Crafted sheets: what openpyxl does not write. ----

    #[test]
    fn xlsx_shared_strings_rich_text_and_phonetic_runs() {
        // Japanese Excel stores furigana (<rPh>) in the shared strings: it must not leak in.
        let bytes = workbook(
            r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>"#,
            &[
                r#"<t>山田</t><rPh sb="0" eb="2"><t>ヤマダ</t></rPh><phoneticPr fontId="1"/>"#,
                r#"<r><t>愛知</t></r><r><t xml:space="preserve"> 花子</t></r>"#,
                "<t>a_x000D_b</t>",
            ],
            "",
        );
        assert_eq!(csv(&bytes, None), "山田,愛知 花子,\"a\rb\"\r\n");
    }

    #[test]
    fn xlsx_numbers_with_formats_booleans_errors_and_iso_dates() {
        let got = crafted(concat!(
            r#"<row r="1"><c r="A1"><v>0.30000000000000004</v></c><c r="B1"><v>1E+21</v></c>"#,
            r#"<c r="C1"><v>1.5E-25</v></c><c r="D1"><v>-0.0</v></c><c r="E1" s="2"><v>0</v></c>"#,
            r#"<c r="F1" s="2"><v>-12</v></c><c r="G1" s="2"><v>12.5</v></c></row>"#,
            r#"<row r="2"><c r="A2" t="d"><v>2025-04-01T00:00:00</v></c>"#,
            r#"<c r="B2" t="d"><v>2025-04-01T09:05:00.123Z</v></c><c r="C2" t="d"><v>12:00:00</v></c>"#,
            r#"<c r="D2" t="b"><v>true</v></c><c r="E2" t="e"><v>#REF!</v></c>"#,
            r#"<c r="F2" t="str"><v>formula, text</v></c><c r="G2" s="3"><v>0.25</v></c></row>"#,
            r#"<row r="3"><c r="A3" s="1"><v>0</v></c><c r="B3" s="1"><v>60.5</v></c>"#,
            r#"<c r="C3" s="1"><v>2958466</v></c><c r="D3" s="1"><v>-1</v></c>"#,
            r#"<c r="E3" s="1"><v>45747.99999999</v></c><c r="F3" s="1"><v>1</v></c></row>"#,
        ))
        .unwrap();
        assert_eq!(
            got,
            "0.3,1E+21,1.5E-25,0,000000,-12,12.5\r\n\
             2025-04-01,2025-04-01 09:05:00,12:00:00,1,#REF!,\"formula, text\",0.25\r\n\
             0,60.5,2958466,-1,2025-04-01,1900-01-01,\r\n"
        );
    }

    #[test]
    fn xlsx_used_range_rows_and_columns() {
        // Used range C3:D5 with an empty row 4: Excel row N is CSV record N, column A is field 1.
        let got = crafted(concat!(
            r#"<row r="3"><c r="C3" t="inlineStr"><is><t>x</t></is></c></row>"#,
            r#"<row r="5"><c r="D5"><v>1</v></c></row>"#,
            // Styled but empty cells and empty strings do not widen the range or add rows.
            r#"<row r="6"><c r="H6" s="1"/><c r="I6" t="inlineStr"><is><t></t></is></c></row>"#,
        ))
        .unwrap();
        assert_eq!(got, ",,,\r\n,,,\r\n,,x,\r\n,,,\r\n,,,1\r\n");
        assert_eq!(crafted("").unwrap(), "");
        assert_eq!(
            crafted(r#"<row r="1"><c r="A1" s="1"/></row>"#).unwrap(),
            ""
        );
        // One column: an empty row is an empty line.
        assert_eq!(
            crafted(
                r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="3"><c r="A3"><v>3</v></c></row>"#
            )
            .unwrap(),
            "1\r\n\r\n3\r\n"
        );
        // Rows and cells without `r` attributes (allowed by the schema).
        assert_eq!(
            crafted(r#"<row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>"#)
                .unwrap(),
            "1,2\r\n3,\r\n"
        );
    }

    #[test]
    fn xlsx_cells_out_of_order_are_sorted() {
        let got = crafted(concat!(
            r#"<row r="2"><c r="B2"><v>4</v></c><c r="A2"><v>3</v></c></row>"#,
            r#"<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c><c r="A1"><v>9</v></c></row>"#,
        ))
        .unwrap();
        assert_eq!(got, "9,2\r\n3,4\r\n");
    }

    #[test]
    fn xlsx_limits() {
        // A stray value in XFD1048576 next to data: refused, not 17 billion empty fields.
        let e = crafted(
            r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
        )
        .unwrap_err();
        assert!(
            e.ja.contains("使用範囲が大きすぎます(1048576行×16384列"),
            "{e}"
        );
        // A full-width row far right is fine.
        let got = crafted(r#"<row r="1"><c r="XFD1"><v>1</v></c></row>"#).unwrap();
        assert_eq!(got.len(), 16_383 + 1 + 2);
        // Beyond Excel's grid.
        let e = crafted(r#"<row r="1"><c r="XFE1"><v>1</v></c></row>"#).unwrap_err();
        assert!(e.en.contains("outside Excel's grid"), "{e}");
        let e = crafted(r#"<row r="1048577"><c r="A1048577"><v>1</v></c></row>"#).unwrap_err();
        assert!(e.en.contains("cell A1048577 is outside"), "{e}");
    }

    #[test]
    fn xlsx_damaged_sheet_xml() {
        let e = crafted(r#"<row r="1"><c r="A1" t="e"><v>#SPILL!</v></c></row>"#).unwrap_err();
        assert!(e.ja.contains("エラー値「#SPILL!」"), "{e}");
        let e = crafted(r#"<row r="1"><c r="A1" t="s"><v>7</v></c></row>"#).unwrap_err();
        assert!(e.ja.starts_with("シート「S」の内容が壊れているため"), "{e}");
        let e = crafted(r#"<row r="1"><c r="A1" t="b"><v>2</v></c></row>"#).unwrap_err();
        assert!(e.ja.starts_with("シート「S」の内容が壊れているため"), "{e}");
        let e = crafted(r#"<row r="1"><c r="A1"><v>1</v>"#).unwrap_err();
        assert!(e.ja.starts_with("シート「S」の内容が壊れているため"), "{e}");
    }

    #[test]
    fn xlsx_1904_flag_in_crafted_workbook() {
        let bytes = workbook(
            r#"<row r="1"><c r="A1" s="1"><v>0</v></c><c r="B1" s="1"><v>39813</v></c><c r="C1" s="1"><v>0.75</v></c></row>"#,
            &[],
            r#"<workbookPr date1904="true"/>"#,
        );
        assert_eq!(csv(&bytes, None), "1904-01-01,2013-01-01,18:00:00\r\n");
    }

    #[test]
    fn xlsx_numbers() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-1.0, "-1"),
            (210_987_654_320.0, "210987654320"),
            (23_456_789_013.0, "23456789013"),
            (999_999_999_999_999.0, "999999999999999"),
            (1e15, "1000000000000000"),
            (1_234_567_890_123_456.0, "1234567890123456"),
            (123_456_789_012_345_680.0, "123456789012345680"),
            (0.5, "0.5"),
            (1234.25, "1234.25"),
            (0.1 + 0.2, "0.3"),
            (-0.125, "-0.125"),
            (1e-20, "0.00000000000000000001"),
            (1.5e-25, "1.5E-25"),
            (-2.5e300, "-2.5E+300"),
            (f64::NAN, "#NUM!"),
            (f64::INFINITY, "#NUM!"),
            (99_999.999_999_999_99, "100000"),
        ];
        for &(x, want) in cases {
            assert_eq!(num(x), want, "{x:?}");
        }
        let mut s = String::new();
        format_number(23_456_789_013.0, NumberFormat::ZeroPad(12), &mut s);
        assert_eq!(s, "023456789013");
        s.clear();
        format_number(1_234_567.0, NumberFormat::ZeroPad(6), &mut s);
        assert_eq!(s, "1234567");
        assert_eq!(NumberFormat::of("000000000000"), NumberFormat::ZeroPad(12));
        assert_eq!(NumberFormat::of("0000;-0000"), NumberFormat::ZeroPad(4));
        assert_eq!(NumberFormat::of("0"), NumberFormat::General);
        assert_eq!(NumberFormat::of("0.00"), NumberFormat::General);
        assert_eq!(NumberFormat::of("General"), NumberFormat::General);
    }

    #[test]
    fn xlsx_serials_match_domain_codes_7_3() {
        let date = |serial: f64, is_1904: bool| {
            let mut s = String::new();
            DateTime::from_serial(serial, is_1904)?.write(&mut s);
            Some(s)
        };
        for (serial, want) in [
            (1.0, "1900-01-01"),
            (59.0, "1900-02-28"),
            (61.0, "1900-03-01"),
            (41275.0, "2013-01-01"),
            (45748.0, "2025-04-01"),
            (32516.0, "1989-01-08"),
            (43586.0, "2019-05-01"),
            (2_958_465.0, "9999-12-31"),
            (45748.5, "2025-04-01 12:00:00"),
            (0.5, "12:00:00"),
        ] {
            assert_eq!(date(serial, false).as_deref(), Some(want), "{serial}");
        }
        for serial in [0.0, 60.0, 60.9, -1.0, 2_958_466.0, f64::NAN] {
            assert_eq!(date(serial, false), None, "{serial}");
        }
        assert_eq!(date(0.0, true).as_deref(), Some("1904-01-01"));
        assert_eq!(date(41275.0 - 1462.0, true).as_deref(), Some("2013-01-01"));
        assert_eq!(date(2_957_003.0, true).as_deref(), Some("9999-12-31"));
        assert_eq!(date(2_957_004.0, true), None);
    }

    #[test]
    fn xlsx_iso_dates() {
        let iso = |s: &str| {
            iso_datetime(s).map(|d| {
                let mut out = String::new();
                d.write(&mut out);
                out
            })
        };
        assert_eq!(iso("2025-04-01").as_deref(), Some("2025-04-01"));
        assert_eq!(iso("2024-02-29T00:00:00").as_deref(), Some("2024-02-29"));
        assert_eq!(
            iso("2025-04-01T23:59:59+09:00").as_deref(),
            Some("2025-04-01 23:59:59")
        );
        for bad in [
            "2025-02-29",
            "2025-13-01",
            "2025-04-01T24:00:00",
            "12:00:00",
            "2025-04-01T1",
        ] {
            assert_eq!(iso(bad), None, "{bad}");
        }
    }

    #[test]
    fn xlsx_csv_quoting() {
        let mut out = Vec::new();
        for s in ["plain", "a,b", "say \"hi\"", "\"", "cr\r", "lf\n", " lead"] {
            write_field(&mut out, s);
            out.push(b'|');
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"\"\"\"|\"cr\r\"|\"lf\n\"| lead|"
        );
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16_383), "XFD");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn xlsx_arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048),
                                            zip_magic in any::<bool>()) {
            let mut bytes = bytes;
            if zip_magic {
                bytes.splice(0..0, *b"PK\x03\x04");
            }
            let _ = is_xlsx(&bytes);
            let _ = sheet_names(&bytes);
            let _ = sheet_to_csv(&bytes, None);
        }

        #[test]
        fn xlsx_truncated_or_corrupted_workbooks_never_panic(cut in 0usize..6000,
                                                             flips in prop::collection::vec((0usize..6000, any::<u8>()), 0..4)) {
            for name in ["full_numbers_dates.xlsx", "cell_types.xlsx", "sheets.xlsx"] {
                let full = fixture(name);
                let mut bytes = full[..cut.min(full.len())].to_vec();
                let _ = sheet_to_csv(&bytes, None);
                bytes.clone_from(&full);
                for &(at, b) in &flips {
                    if let Some(x) = bytes.get_mut(at) {
                        *x ^= b;
                    }
                }
                let _ = sheet_names(&bytes);
                let _ = sheet_to_csv(&bytes, Some("データ"));
                let _ = sheet_to_csv(&bytes, None);
            }
        }

        /// Whatever the stored XML says, the CSV has one record per row up to the last value
        /// and equal field counts.
        #[test]
        fn xlsx_records_are_rectangular(cells in prop::collection::vec((0u32..20, 0u32..8, 0u32..1000), 0..40)) {
            let mut by_row = std::collections::BTreeMap::<u32, std::collections::BTreeMap<u32, u32>>::new();
            for &(r, c, v) in &cells {
                by_row.entry(r).or_default().insert(c, v);
            }
            let xml: String = by_row.iter().map(|(r, cols)| {
                let cs: String = cols.iter().map(|(c, v)| {
                    format!(r#"<c r="{}{}"><v>{v}</v></c>"#, column_letters(*c), r + 1)
                }).collect();
                format!(r#"<row r="{}">{cs}</row>"#, r + 1)
            }).collect();
            let got = crafted(&xml).unwrap();
            let width = cells.iter().map(|c| c.1 + 1).max().unwrap_or(0) as usize;
            let rows = cells.iter().map(|c| c.0 + 1).max().unwrap_or(0) as usize;
            let records: Vec<&str> = got.split_terminator("\r\n").collect();
            prop_assert_eq!(records.len(), rows);
            for (i, rec) in records.iter().enumerate() {
                let fields: Vec<&str> = rec.split(',').collect();
                prop_assert_eq!(fields.len(), width.max(1));
                for (j, f) in fields.iter().enumerate() {
                    let want = by_row.get(&u32::try_from(i).unwrap())
                        .and_then(|cols| cols.get(&u32::try_from(j).unwrap()))
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    prop_assert_eq!(*f, want.as_str());
                }
            }
        }
    }
}
