//! Documentation generated from the data: the layout as a Markdown table with each rule's
//! basis, the code catalogue, one code's explanation, and an empty CSV template.

use std::fmt::Write;

use crate::findings::codes::Code;
use crate::layout::{Basis, CharClass, Encoding, Field, Layout, LineEnding, Rule, ValueType};
use crate::output::render::Lang;

fn basis_mark(b: Basis) -> &'static str {
    match b {
        Basis::Verified => "確認済 (verified)",
        Basis::Inferred => "推定 (inferred)",
        Basis::Unknown => "不明・既定値 (unknown)",
    }
}

fn length_text(f: &Field) -> String {
    match f.length_bounds() {
        (Some(a), Some(b)) if a == b => format!("{a}"),
        (Some(a), Some(b)) => format!("{a}–{b}"),
        (None, Some(b)) => format!("≤{b}"),
        (Some(a), None) => format!("≥{a}"),
        (None, None) => String::new(),
    }
}

fn type_text(f: &Field) -> String {
    match f.value_type {
        ValueType::Code => {
            let codes: Vec<String> = f
                .codes
                .iter()
                .map(|c| format!("{}={}", c.code, c.ja))
                .collect();
            format!("code ({})", codes.join(", "))
        }
        ValueType::Text => format!("text / {}", f.chars.label(Lang::Ja)),
        ValueType::Digits => format!("digits / {}", CharClass::Digits.label(Lang::Ja)),
        t => t.as_str().to_owned(),
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The layout as Markdown: dialect, keys and a field table with each rule's basis.
pub fn layout_markdown(layout: &Layout) -> String {
    let mut o = String::new();
    let d = &layout.dialect;
    let _ = writeln!(
        o,
        "# {} / {} (`{}` {})\n",
        layout.title_ja, layout.title_en, layout.id, layout.version
    );
    if !layout.source.is_empty() {
        let _ = writeln!(o, "出典 / source: {}\n", layout.source);
    }
    let _ = writeln!(o, "## CSV の形式 / dialect\n");
    let enc = match d.encoding {
        Encoding::Utf8 => "UTF-8",
        Encoding::Cp932 => "CP932",
    };
    let le = match d.line_ending {
        LineEnding::Crlf => "CRLF",
        LineEnding::Lf => "LF",
    };
    let _ = writeln!(o, "| 設定 | 値 |\n|---|---|");
    let _ = writeln!(
        o,
        "| 文字コード / encoding | {enc}{} |",
        if d.bom {
            "（BOMあり / with BOM）"
        } else {
            ""
        }
    );
    let _ = writeln!(o, "| 改行 / line ending | {le} |");
    let _ = writeln!(
        o,
        "| 区切り / delimiter | `{}` |",
        if d.delimiter == "\t" {
            "TAB"
        } else {
            &d.delimiter
        }
    );
    let _ = writeln!(
        o,
        "| 見出し行 / header row | {} |",
        if d.header {
            "あり / yes"
        } else {
            "なし / no"
        }
    );
    let _ = writeln!(o, "| 日付 / dates | {} |", d.date_format.as_str());
    let _ = writeln!(
        o,
        "| 真偽値 / booleans | {} / {} |\n",
        d.boolean_true, d.boolean_false
    );
    let _ = writeln!(o, "## キー / keys\n");
    let _ = writeln!(
        o,
        "- 受給者証キー / certificate key: {} — {}",
        layout.keys.certificate.join(" + "),
        basis_mark(layout.keys.certificate_basis)
    );
    if let Some(t) = &layout.keys.certificate_type {
        let _ = writeln!(
            o,
            "- 受給者証種別 / certificate type: {t} — キーが同じで有効期間が同じか重なり、これだけが異なる行は K004（警告） / rows of one certificate that repeat or overlap with another type are K004 (a warning)"
        );
    }
    if let Some(h) = &layout.keys.history_key {
        let _ = writeln!(o, "- 履歴キー / history key: {h} (一意 per certificate)");
    }
    if layout.keys.no_overlap {
        let _ = writeln!(
            o,
            "- 同じ受給者証の有効期間は重ならない / validity periods of one certificate must not overlap"
        );
    }
    let _ = writeln!(o, "\n## 項目 / fields\n");
    let _ = writeln!(
        o,
        "| # | 項目名 | id | 必須 | 型 | 桁 | チェック | 根拠 / basis | 出典・注記 / source |"
    );
    let _ = writeln!(o, "|---|---|---|---|---|---|---|---|---|");
    for (i, f) in layout.fields.iter().enumerate() {
        let checks: Vec<&str> = f.checks.iter().map(|c| c.as_str()).collect();
        let mut basis = basis_mark(f.basis).to_owned();
        for (rule, name) in [
            (Rule::Required, "required"),
            (Rule::Length, "length"),
            (Rule::Chars, "chars"),
            (Rule::Codes, "codes"),
            (Rule::Checks, "checks"),
        ] {
            let b = f.basis_of(rule);
            if b != f.basis {
                let _ = write!(basis, "; {name}: {}", basis_mark(b));
            }
        }
        let _ = writeln!(
            o,
            "| {} | {} | `{}` | {} | {} | {} | {} | {} | {} |",
            i + 1,
            cell(&f.label_ja),
            f.id,
            if f.required { "必須" } else { "任意" },
            cell(&type_text(f)),
            length_text(f),
            checks.join(", "),
            basis,
            cell(&f.source)
        );
    }
    let _ = writeln!(
        o,
        "\n固定項目の後ろの列は受給者証券面項目（見出し = 項目名）として、順序どおりに保持します。\nColumns after the fixed fields are certificate-face items (header = item name), kept in order."
    );
    let _ = writeln!(
        o,
        "固定項目と同じ名前の列は、最初の列が固定項目、固定項目の後ろにある2つ目以降の列は券面項目です（固定項目の間での重複は S005）。\nA column named like a fixed field is the field when it is the first such column; a later one after the fixed fields is a certificate-face item (a repeat among the fixed fields is S005)."
    );
    let _ = writeln!(o, "\n## 見出しの別名 / header aliases\n");
    let _ = writeln!(
        o,
        "項目名・id・英語名のほか、次の見出しも同じ項目として読みます（全角/半角・大文字小文字・空白・ハイフンは区別しません。「（12桁）」「（和暦）」のような注記、「（カナ）」「（漢字）」「（自）」「（至）」の指定、「受給者」などの前置きも読みます: README「Header matching」）。\nBesides the label, id and English label, these headers name the same field (width, case, spaces and hyphens ignored; value notes, steering notes and person prefixes are read too: README, Header matching).\n"
    );
    for f in layout.fields.iter().filter(|f| !f.aliases.is_empty()) {
        let _ = writeln!(
            o,
            "- {} (`{}`): {}",
            f.label_ja,
            f.id,
            cell(&f.aliases.join("、"))
        );
    }
    o
}

/// An empty CSV template: the header row in the layout's dialect (BOM, line ending).
pub fn template(layout: &Layout) -> Vec<u8> {
    let mut s = String::new();
    if layout.dialect.bom && layout.dialect.encoding == Encoding::Utf8 {
        s.push('\u{FEFF}');
    }
    let delim = layout.dialect.delimiter.as_str();
    for (i, f) in layout.fields.iter().enumerate() {
        if i > 0 {
            s.push_str(delim);
        }
        crate::output::render::csv_field(&mut s, &f.label_ja);
    }
    s.push_str(match layout.dialect.line_ending {
        LineEnding::Crlf => "\r\n",
        LineEnding::Lf => "\n",
    });
    match layout.dialect.encoding {
        Encoding::Utf8 => s.into_bytes(),
        Encoding::Cp932 => encoding_rs::SHIFT_JIS.encode(&s).0.into_owned(),
    }
}

/// What a code means, why it matters and how to fix it.
pub fn explain(code: Code, lang: Lang) -> String {
    let i = code.info();
    let e = code.emitter();
    match lang {
        Lang::Ja => format!(
            "{} [{}] {}\n\n理由: {}\n\n修正方法: {}\n\n検査箇所: {} ({})\n",
            code.as_str(),
            i.severity.label_ja(),
            i.title_ja,
            i.why_ja,
            i.hint_ja,
            e.file,
            e.function
        ),
        Lang::En => format!(
            "{} [{}] {}\n\nWhy: {}\n\nFix: {}\n\nChecked in: {} ({})\n",
            code.as_str(),
            i.severity.as_str(),
            i.title_en,
            i.why_en,
            i.hint_en,
            e.file,
            e.function
        ),
    }
}

/// The whole code catalogue as Markdown.
pub fn codes_markdown() -> String {
    let mut o = String::from("# 指摘コード一覧 / finding codes\n\n");
    o.push_str(
        "Generated from `core/src/findings/codes.rs`. Codes are never renumbered. Each code is \
         emitted by exactly one function (検査箇所 / checked in), which a test verifies.\n\n",
    );
    o.push_str(
        "推定規則・根拠不明の規則による指摘は最大でも警告です（下記「推定規則でもエラー」のコードを除く）。 / \
         A finding from a rule whose basis is not verified is at most a warning, except the codes \
         marked \"error even when inferred\" below (the data contradicts itself).\n\n",
    );
    for c in Code::ALL {
        let i = c.info();
        let _ = writeln!(o, "## {} — {} / {}\n", c.as_str(), i.title_ja, i.title_en);
        let _ = writeln!(
            o,
            "- 重要度 / severity: {} ({}){}",
            i.severity.label_ja(),
            i.severity.as_str(),
            if c.strict_when_inferred() {
                " — 推定規則でもエラー / error even when inferred"
            } else {
                ""
            }
        );
        let _ = writeln!(o, "- 理由: {}", i.why_ja);
        let _ = writeln!(o, "- Why: {}", i.why_en);
        let _ = writeln!(o, "- 修正方法: {}", i.hint_ja);
        let _ = writeln!(o, "- Fix: {}", i.hint_en);
        let e = c.emitter();
        let _ = writeln!(
            o,
            "- 検査箇所 / checked in: `{}` (`{}`)\n",
            e.file, e.function
        );
    }
    o
}
