//! The parts of a workbook read directly, beside calamine's cell reader, which says nothing
//! of them: the active tab (`<workbookView activeTab="N">` in the workbook part) and the rows
//! and columns Excel hides (`<row r="5" hidden="1">`, a row hidden by hand, by an autofilter —
//! how a clerk filters the list to "this month" — or by a collapsed outline, and
//! `<col min="2" max="3" hidden="1">`, in the worksheet's own XML). One way to find a part:
//! the package relationships name the workbook part, its relationships the worksheets.
//!
//! Hidden rows are converted like any other (Excel's own "Save as CSV" writes them too), so
//! they are uploaded: the checker reports the ones that hold data (S026) and the hidden columns
//! that are uploaded (S027), so that a filtered sheet is never sent without a word.
//!
//! Reading them never fails a conversion: a part that cannot be found or read gives no active
//! tab and no hidden rows (the cells were read by calamine already). A row or column is hidden
//! by its `hidden` attribute or by a height or width of zero (`<row r="5" ht="0"
//! customHeight="1">`, which Excel shows as hidden and some generators write without
//! `hidden`). The sheet XML is first scanned for `hidden` and for a height or width starting
//! with `0` (a plain byte search over the inflated part, [`MAY_HIDE`]); only a sheet that has
//! one is parsed.

use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

/// The hidden rows and columns of one worksheet, 1-based, as ascending inclusive runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct HiddenRanges {
    /// Sheet rows.
    pub(super) rows: Vec<(u32, u32)>,
    /// Columns (A = 1).
    pub(super) columns: Vec<(u32, u32)>,
}

impl HiddenRanges {
    /// Whether 1-based sheet row `row` is hidden; `cursor` walks `rows` for ascending calls.
    pub(super) fn row_hidden(&self, row: u32, cursor: &mut usize) -> bool {
        while self.rows.get(*cursor).is_some_and(|&(_, end)| end < row) {
            *cursor += 1;
        }
        self.rows
            .get(*cursor)
            .is_some_and(|&(start, end)| start <= row && row <= end)
    }
}

/// Appends the run `start..=end` to ascending runs, merging it with the last when they touch.
fn push_run(runs: &mut Vec<(u32, u32)>, start: u32, end: u32) {
    match runs.last_mut() {
        Some(last) if start <= last.1.saturating_add(1) && start >= last.0 => {
            last.1 = last.1.max(end);
        }
        _ => runs.push((start, end)),
    }
}

/// Sorts and merges runs (columns may be listed in any order by other writers).
fn normalise(runs: &mut Vec<(u32, u32)>) {
    if runs.windows(2).all(|w| w[0].1 < w[1].0) {
        return;
    }
    runs.sort_unstable();
    let mut merged: Vec<(u32, u32)> = Vec::with_capacity(runs.len());
    for &(s, e) in runs.iter() {
        match merged.last_mut() {
            Some(last) if s <= last.1.saturating_add(1) => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    *runs = merged;
}

type Archive<'b> = zip::ZipArchive<Cursor<&'b [u8]>>;

/// The hidden rows and columns of worksheet `sheet` (its name as the workbook lists it).
/// Empty when there are none, or when the parts cannot be found or read.
pub(super) fn hidden_ranges(bytes: &[u8], sheet: &str) -> HiddenRanges {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return HiddenRanges::default();
    };
    let Some(path) = sheet_path(&mut archive, sheet) else {
        return HiddenRanges::default();
    };
    if !part_contains(&mut archive, &path, MAY_HIDE) {
        return HiddenRanges::default();
    }
    let Some(name) = entry_name(&archive, &path) else {
        return HiddenRanges::default();
    };
    let Ok(entry) = archive.by_name(&name) else {
        return HiddenRanges::default();
    };
    read_hidden(std::io::BufReader::new(entry))
}

/// The archive's name of part `path`: exact, else the one that differs only in case (Excel
/// matches part names case-insensitively; so does calamine).
fn entry_name(archive: &Archive<'_>, path: &str) -> Option<String> {
    if archive.index_for_name(path).is_some() {
        return Some(path.to_owned());
    }
    archive
        .file_names()
        .flatten()
        .find(|n| n.eq_ignore_ascii_case(path))
        .map(std::borrow::Cow::into_owned)
}

/// Part `path` as text (workbook and relationship parts: small), at most 16 MiB.
fn read_part(archive: &mut Archive<'_>, path: &str) -> Option<String> {
    let name = entry_name(archive, path)?;
    let entry = archive.by_name(&name).ok()?;
    let mut text = String::new();
    entry.take(16 << 20).read_to_string(&mut text).ok()?;
    Some(text)
}

/// Whether part `path`, inflated, contains `needle` (streamed: the part is not held).
/// What a worksheet that hides a row or a column holds: the attribute `hidden`, or a row height
/// or column width that starts with `0` (`ht="0"`, `width='0.0'`; the parse decides).
const MAY_HIDE: &[&[u8]] = &[b"hidden", b"ht=\"0", b"ht='0", b"width=\"0", b"width='0"];

/// Whether part `path` holds one of `needles`.
fn part_contains(archive: &mut Archive<'_>, path: &str, needles: &[&[u8]]) -> bool {
    let Some(name) = entry_name(archive, path) else {
        return false;
    };
    let Ok(mut entry) = archive.by_name(&name) else {
        return false;
    };
    let finders: Vec<_> = needles.iter().map(memchr::memmem::Finder::new).collect();
    let keep = needles.iter().map(|n| n.len()).max().unwrap_or(1) - 1;
    let mut buf = vec![0u8; 256 * 1024];
    let mut filled = 0usize;
    loop {
        let Ok(n) = entry.read(&mut buf[filled..]) else {
            // Damaged: calamine read the cells, so look no further.
            return false;
        };
        if n == 0 {
            return false;
        }
        filled += n;
        if finders.iter().any(|f| f.find(&buf[..filled]).is_some()) {
            return true;
        }
        // Keep the last bytes: the word may straddle two reads.
        let tail = filled.saturating_sub(keep);
        buf.copy_within(tail..filled, 0);
        filled -= tail;
    }
}

/// The value of attribute `local` (its local name: `r:id` is `id`) of element `e`.
fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == local)
            .then(|| a.normalized_value(XmlVersion::Implicit1_0).ok())
            .flatten()
            .map(|v| v.into_owned())
    })
}

/// Every start or empty element of a small part: (local name, the element), in order.
fn elements(xml: &str, mut each: impl FnMut(&str, &BytesStart<'_>)) {
    let mut reader = Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let name = e.local_name();
                each(name.as_ref(), &e);
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
}

/// The folder of part `path` (`xl/` of `xl/workbook.xml`).
fn folder(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..=i])
}

/// Relationship targets of part `path` by id, resolved to part names.
fn relationships(archive: &mut Archive<'_>, path: &str) -> Vec<(String, String)> {
    let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
    let rels = if dir.is_empty() {
        format!("_rels/{file}.rels")
    } else {
        format!("{dir}/_rels/{file}.rels")
    };
    let Some(xml) = read_part(archive, &rels) else {
        return Vec::new();
    };
    let base = folder(path);
    let mut out = Vec::new();
    elements(&xml, |name, e| {
        if name != "Relationship" {
            return;
        }
        if let (Some(id), Some(target)) = (attr(e, "Id"), attr(e, "Target")) {
            let resolved = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_owned(),
                None => format!("{base}{target}"),
            };
            out.push((id, resolved));
        }
    });
    out
}

/// The workbook part's name, from the package relationships (`xl/workbook.xml` in every file
/// Excel writes, and when the relationships do not say).
fn workbook_part(archive: &mut Archive<'_>) -> String {
    let mut workbook = None;
    if let Some(xml) = read_part(archive, "_rels/.rels") {
        elements(&xml, |name, e| {
            if name == "Relationship"
                && workbook.is_none()
                && attr(e, "Type").is_some_and(|t| t.ends_with("/officeDocument"))
            {
                workbook = attr(e, "Target").map(|t| t.trim_start_matches('/').to_owned());
            }
        });
    }
    workbook.unwrap_or_else(|| "xl/workbook.xml".to_owned())
}

/// The workbook's active tab (`<workbookView activeTab="N">` in the workbook part, an index
/// into the workbook's sheets): the sheet Excel shows when the file is opened, which is the one
/// the user was looking at when she saved. `None` when absent or unreadable.
pub(super) fn active_tab(bytes: &[u8]) -> Option<usize> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let workbook = workbook_part(&mut archive);
    let xml = read_part(&mut archive, &workbook)?;
    let mut tab = None;
    elements(&xml, |name, e| {
        if name == "workbookView" && tab.is_none() {
            tab = Some(attr(e, "activeTab").and_then(|v| v.trim().parse().ok()));
        }
    });
    tab.flatten()
}

/// The part name of worksheet `sheet`: the workbook part (from the package relationships),
/// its `<sheet name=… r:id=…>`, and that relationship's target.
fn sheet_path(archive: &mut Archive<'_>, sheet: &str) -> Option<String> {
    let workbook = workbook_part(archive);
    let xml = read_part(archive, &workbook)?;
    let mut id = None;
    elements(&xml, |name, e| {
        if name == "sheet" && id.is_none() && attr(e, "name").as_deref() == Some(sheet) {
            id = attr(e, "id");
        }
    });
    let id = id?;
    relationships(archive, &workbook)
        .into_iter()
        .find(|(i, _)| *i == id)
        .map(|(_, target)| target)
}

/// The hidden rows and columns of a worksheet's XML, streamed.
fn read_hidden(source: impl std::io::BufRead) -> HiddenRanges {
    let mut out = HiddenRanges::default();
    let mut reader = Reader::from_reader(source);
    let mut buf = Vec::new();
    // A `<row>` without `r` follows the one before it.
    let mut last_row = 0u32;
    let number = |e: &BytesStart<'_>, key: &str| attr(e, key).and_then(|v| v.trim().parse().ok());
    // Hidden by the attribute, or by a height (row) or width (column) of zero.
    let hidden = |e: &BytesStart<'_>, size: &str| {
        e.attributes().flatten().any(|a| {
            let key = a.key.local_name();
            (key.as_ref() == "hidden" && a.as_bool() == Some(true))
                || (key.as_ref() == size && a.value.trim().parse::<f64>().ok() == Some(0.0))
        })
    };
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                "row" => {
                    let row = number(&e, "r").unwrap_or(last_row.saturating_add(1));
                    last_row = row;
                    if row > 0 && hidden(&e, "ht") {
                        push_run(&mut out.rows, row, row);
                    }
                }
                "col" => {
                    if let (Some(min), Some(max)) = (number(&e, "min"), number(&e, "max"))
                        && min > 0
                        && min <= max
                        && hidden(&e, "width")
                    {
                        push_run(&mut out.columns, min, max);
                    }
                }
                _ => {}
            },
            Ok(Event::End(e)) if e.local_name().as_ref() == "sheetData" => break,
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    normalise(&mut out.rows);
    normalise(&mut out.columns);
    out
}
