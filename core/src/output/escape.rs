//! What a report may not pass on from the file: each output format's neutraliser, applied by
//! [`crate::output::render`] to every value, path and message it writes (values are masked and
//! cut to length before, in [`crate::findings::message`]).
//!
//! - text, CSV, JUnit, GitHub: control characters (C0, DEL, C1), bidi embeddings, overrides and
//!   isolates, bidi marks, the line/paragraph separators and the other invisible characters
//!   (zero-width, soft hyphen …) are written visibly as `<U+001B>` (the notation of the
//!   messages' own `(U+0009)`), so a value cannot move the cursor, erase earlier findings,
//!   recolour the terminal, reorder what is shown or hide a character. The noncharacters
//!   (U+FFFE and U+FFFF, which XML 1.0 forbids, among them) are written so too;
//! - CSV for Excel: a cell that would start a formula gets a leading `'` (OWASP CSV injection);
//! - JUnit: `& < > " '` become entities, so the document is well-formed for any input;
//! - GitHub annotations: GitHub's workflow-command escaping (`%`, CR, LF; `:` and `,` in
//!   properties), so a value cannot start a second command.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` must not reach a terminal or a viewer raw: every character a value may not
/// hold unseen ([`crate::domain::chars::is_invisible`], V014's rule): control characters (C0
/// with TAB, LF, CR and ESC; DEL; C1 with CSI U+009B and OSC U+009D), the bidi embeddings,
/// overrides, isolates and marks, the line and paragraph separators, the zero-width and other
/// format characters, and the noncharacters (U+FFFE/U+FFFF, which XML 1.0 forbids). Shown as
/// `<U+200B>`, the character a finding is about can be seen in the report.
pub fn is_unsafe(c: char) -> bool {
    crate::domain::chars::is_invisible(c)
}

fn push_code_point(out: &mut String, c: char) {
    let _ = write!(out, "<U+{:04X}>", u32::from(c));
}

/// `s` with every character `is_unsafe` names written as `<U+XXXX>`.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_unsafe(c) {
            push_code_point(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether a spreadsheet would read a cell starting with `c` as a formula: OWASP's `=`, `+`,
/// `-`, `@`, TAB and CR, plus LF and the 全角 forms (`＝＋－＠`), which Japanese Excel may also
/// take as the start of a formula.
pub fn starts_formula(c: char) -> bool {
    matches!(
        c,
        '=' | '+' | '-' | '@' | '\t' | '\r' | '\n' | '＝' | '＋' | '－' | '＠'
    )
}

/// One cell of a CSV report for Excel: a cell that would start a formula gets a leading `'`
/// (so Excel shows it as text); every cell so, whatever it holds — also `-1`, since no column
/// of the report is a number that could be negative.
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    if s.chars().next().is_some_and(starts_formula) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// Text for XML 1.0 content or a double- or single-quoted attribute: [`visible`] (which also
/// covers U+FFFE and U+FFFF, not allowed in XML; Rust strings hold no surrogates), then
/// entities.
pub fn xml(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c if is_unsafe(c) => {
                let _ = write!(o, "&lt;U+{:04X}&gt;", u32::from(c));
            }
            c => o.push(c),
        }
    }
    o
}

/// GitHub workflow-command data (the message after `::`): [`visible`], then `%`, CR and LF
/// escaped as GitHub's toolkit does.
pub fn github_data(s: &str) -> String {
    visible(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A GitHub workflow-command property value (`file=`, `title=`): as [`github_data`], and `:`
/// and `,`, which end a property.
pub fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_become_visible() {
        assert_eq!(visible("abc"), "abc");
        assert_eq!(visible("a\u{1B}[2Jb"), "a<U+001B>[2Jb");
        assert_eq!(visible("\r\n\t"), "<U+000D><U+000A><U+0009>");
        assert_eq!(visible("\u{7F}\u{9B}\u{85}"), "<U+007F><U+009B><U+0085>");
        assert_eq!(
            visible("\u{202E}\u{2066}\u{2069}\u{200F}\u{2028}"),
            "<U+202E><U+2066><U+2069><U+200F><U+2028>"
        );
        assert_eq!(visible("愛知　花子 ①"), "愛知　花子 ①");
        // Invisible characters a value holds (V014) are shown where they are.
        assert_eq!(
            visible("0001234\u{200B}5\u{00AD}\u{FEFF}\u{FDD0}"),
            "0001234<U+200B>5<U+00AD><U+FEFF><U+FDD0>"
        );
        // An 異体字 selector is part of the character it follows.
        assert_eq!(visible("葛\u{E0100}"), "葛\u{E0100}");
    }

    #[test]
    fn formula_cells_get_a_quote() {
        for v in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-1",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "＝1+1",
        ] {
            assert_eq!(csv_cell(v), format!("'{v}"), "{v}");
        }
        for v in ["", "a=1", " =1", "1-2", "'=1", "愛知"] {
            assert_eq!(csv_cell(v), v, "{v}");
        }
        // Quoting stays correct around the added quote: a CR inside still quotes the cell.
        let mut out = String::new();
        crate::output::write::push_csv_field(&mut out, &csv_cell("\r=1,\"2\""), ',', false);
        assert_eq!(out, "\"'\r=1,\"\"2\"\"\"");
    }

    #[test]
    fn xml_text_is_well_formed() {
        assert_eq!(
            xml("a<b>&\"'\u{FFFE}\u{FFFF}\u{1}]]>"),
            "a&lt;b&gt;&amp;&quot;&apos;&lt;U+FFFE&gt;&lt;U+FFFF&gt;&lt;U+0001&gt;]]&gt;"
        );
    }

    #[test]
    fn github_commands_cannot_be_injected() {
        assert_eq!(
            github_data("50%\r\n::error::x"),
            "50%25<U+000D><U+000A>::error::x"
        );
        assert_eq!(github_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
