//! Does a record look like data rather than a header row?
//!
//! A paste without its header row makes the first recipient's values the column names: she is
//! then silently missing from the upload (in a 全件 upload, PMH treats her as deleted). A header
//! cell names a column; it is never a 12-digit number, a date or a phone number. This guess is
//! deliberately narrow (only value shapes no column name has), so that a real header is never
//! taken for data; the page asks the user whenever it says yes.

/// Whether `cell` has the shape of a value rather than a column name: a run of four or more
/// digits (My Number, 公費負担者番号, phone and postal numbers, amounts, dates written
/// `20250401`), a date (`2025-04-01`, `2025/4/1`, `平成25年1月1日`, `H25.1.1`), or an
/// e-mail address. Digits may be full-width.
pub fn looks_like_value(cell: &str) -> bool {
    let cell = cell.trim();
    if cell.is_empty() {
        return false;
    }
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    // A run of four or more digits.
    let mut run = 0;
    for c in cell.chars() {
        run = if digit(c) { run + 1 } else { 0 };
        if run >= 4 {
            return true;
        }
    }
    if cell.contains('@') && cell.contains('.') {
        return true;
    }
    is_date_shaped(cell, digit)
}

/// A date: digits separated by `-`, `/`, `.` or 年月日 (with an optional era before them).
fn is_date_shaped(cell: &str, digit: impl Fn(char) -> bool) -> bool {
    let eras = [
        "令和", "平成", "昭和", "大正", "明治", "R", "H", "S", "T", "M", "Ｒ", "Ｈ", "Ｓ",
    ];
    let rest = eras
        .iter()
        .find_map(|e| cell.strip_prefix(e))
        .unwrap_or(cell);
    let mut groups = 0;
    let mut in_digits = false;
    let mut separators = 0;
    for c in rest.chars() {
        if digit(c) {
            if !in_digits {
                groups += 1;
                in_digits = true;
            }
        } else if matches!(c, '-' | '/' | '.' | '年' | '月' | '日' | '－' | '／' | '．')
            || (c == '元' && groups == 0)
        {
            if c == '元' {
                groups += 1;
            }
            in_digits = false;
            separators += 1;
        } else {
            return false;
        }
    }
    groups == 3 && separators >= 2
}

/// Whether a record (its cells) looks like data, not a header row: at least one cell has the
/// shape of a value ([`looks_like_value`]).
pub fn looks_like_data<S: AsRef<str>>(cells: &[S]) -> bool {
    cells.iter().any(|c| looks_like_value(c.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_recognised() {
        for value in [
            "123456789018",
            "１２３４５６７８９０１８",
            "2025-04-01",
            "2025/4/1",
            "平成25年1月1日",
            "令和元年5月1日",
            "H25.1.1",
            "052-123-4567",
            "88134457",
            "10000",
            "hanako@example.jp",
        ] {
            assert!(looks_like_value(value), "{value}");
        }
    }

    #[test]
    fn header_names_are_not_values() {
        // Every label and alias of both layouts is a header, never a value.
        for layout in [crate::Layout::full(), crate::Layout::diff()] {
            for f in &layout.fields {
                assert!(!looks_like_value(&f.label_ja), "{}", f.label_ja);
                assert!(!looks_like_value(&f.id), "{}", f.id);
                for a in &f.aliases {
                    assert!(!looks_like_value(a), "{a}");
                }
            }
        }
        for header in [
            "番号",
            "メモ",
            "備考",
            "電話番号",
            "有効期間（至）",
            "住所2",
            "列A",
            "",
            "1",
            "2",
        ] {
            assert!(!looks_like_value(header), "{header}");
        }
    }

    #[test]
    fn records() {
        assert!(looks_like_data(&["KODOMO01", "123456789018", "愛知花子"]));
        assert!(!looks_like_data(&["機関別受給者証種別ID", "番号", "氏名"]));
        assert!(!looks_like_data::<&str>(&[]));
    }
}
