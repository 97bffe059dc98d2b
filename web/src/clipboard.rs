//! Cells on the clipboard as Excel puts them there: one line per row (CRLF), a tab between
//! cells, a final line break; a cell holding a tab, a line break or a leading double quote is
//! quoted, its double quotes doubled. Copying from the grid writes this; pasting reads it, so a
//! value with a line break survives a copy from Excel or from the grid.

/// The text Excel puts on the clipboard for `rows` of cells.
pub fn to_text<S: AsRef<str>>(rows: &[Vec<S>]) -> String {
    let mut out = String::new();
    for row in rows {
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                out.push('\t');
            }
            let cell = cell.as_ref();
            if cell.contains(['\t', '\n', '\r']) || cell.starts_with('"') {
                out.push('"');
                out.push_str(&cell.replace('"', "\"\""));
                out.push('"');
            } else {
                out.push_str(cell);
            }
        }
        out.push_str("\r\n");
    }
    out
}

/// The rows of cells in a clipboard text (the inverse of [`to_text`]; plain text without
/// quotes reads as lines split at tabs). The final line break ends the last row; it does not
/// start another. A quote that is never closed is taken as text.
pub fn from_text(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut rest = text;
    loop {
        // A cell that starts with a double quote and has its closing quote before a tab, a line
        // break or the end is a quoted cell.
        if cell.is_empty()
            && let Some(body) = rest.strip_prefix('"')
            && let Some((value, len)) = quoted(body)
        {
            cell = value;
            rest = &body[len..];
        }
        match rest.find(['\t', '\n']) {
            None => {
                cell.push_str(rest);
                if !cell.is_empty() || !row.is_empty() {
                    row.push(cell);
                    rows.push(row);
                }
                return rows;
            }
            Some(at) => {
                cell.push_str(rest[..at].strip_suffix('\r').unwrap_or(&rest[..at]));
                row.push(std::mem::take(&mut cell));
                if rest.as_bytes()[at] == b'\n' {
                    rows.push(std::mem::take(&mut row));
                }
                rest = &rest[at + 1..];
            }
        }
    }
}

/// A quoted cell's value and the bytes it takes after its opening quote (closing quote
/// included), when its closing quote is followed by a tab, a line break or the end.
fn quoted(body: &str) -> Option<(String, usize)> {
    let mut value = String::new();
    let mut from = 0;
    while let Some(q) = body[from..].find('"') {
        let at = from + q;
        value.push_str(&body[from..at]);
        if body[at + 1..].starts_with('"') {
            value.push('"');
            from = at + 2;
            continue;
        }
        let after = &body[at + 1..];
        return (after.is_empty() || after.starts_with(['\t', '\n', '\r']))
            .then_some((value, at + 1));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_text_reads_as_its_cells() {
        assert_eq!(from_text("a\tb\r\nc\td\r\n"), [["a", "b"], ["c", "d"]]);
        assert_eq!(from_text("a\tb"), [["a", "b"]]);
        assert_eq!(from_text("only\r\n"), [["only"]]);
        // Empty cells and empty rows stay.
        assert_eq!(from_text("\t\r\n\t\r\n"), [["", ""], ["", ""]]);
        assert_eq!(from_text("\r\n\r\n"), [[""], [""]]);
        // Quoted cells with a line break, a tab and doubled quotes.
        assert_eq!(
            from_text("\"1行目\r\n2行目\"\tx\r\n\"a\tb\"\t\"\"\"q\"\"\"\r\n"),
            [["1行目\r\n2行目", "x"], ["a\tb", "\"q\""]]
        );
        // A quote that is not a quoted cell is text.
        assert_eq!(from_text("\"abc\tx\r\n"), [["\"abc", "x"]]);
        assert_eq!(from_text("a\"b\tc"), [["a\"b", "c"]]);
        assert!(from_text("").is_empty());
    }

    #[test]
    fn what_the_grid_copies_pastes_back_unchanged() {
        let values = [
            "",
            "a",
            "\"",
            "\"\"",
            "\"x",
            "x\"",
            "a\tb",
            "1\n2",
            "1\r\n2",
            "\r",
            "\t",
            "全角　空白",
            "\"\t\"",
            "end\n",
        ];
        for a in values {
            for b in values {
                for rows in [1, 2] {
                    let block: Vec<Vec<&str>> = (0..rows).map(|_| vec![a, b]).collect();
                    let text = to_text(&block);
                    assert_eq!(from_text(&text), block, "{a:?} {b:?} as {text:?}");
                }
            }
        }
    }
}
