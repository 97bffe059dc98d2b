//! Learning the official template (issue 10 item 6): the header row of the ファイル設計書's
//! 【3】CSVサンプル sheet (seed 002 lines 429–498), or of any CSV whose first row is the official
//! header, turned into a layout that keeps the template's exact labels and column order.
//!
//! ```text
//! template bytes ─(xlsx: 【3】CSVサンプル sheet)─▶ rows ─header row─▶ Matcher::map ─▶ Layout + TemplateReport
//! ```
//!
//! * Each column is mapped with the header matcher ([`Matcher::map`], the same as `validate`).
//!   A mapped column keeps the template's label as the field's `label_ja` (our label becomes
//!   an alias, so source files with our labels still map).
//! * The fixed columns end at the last column that maps to a field for the first time; every
//!   column after it is a 受給者証券面項目 (the green columns staff add, change or delete), as
//!   is a later column repeating a fixed field's name.
//! * A column among the fixed ones that maps to nothing stays in the layout, in its place, as
//!   an optional free-text field of basis `unknown` (so that `build` writes exactly the
//!   template's header row) and is reported: map it by hand.
//! * A required field (or a key field) the template lacks stays in the layout after the fixed
//!   columns and is reported: a layout that silently dropped it would let files without it
//!   pass. Optional fields the template lacks are left out.
//! * Rows after the header are the template's sample rows: ignored, and counted (the official
//!   sample numbers fail their check digits).

use std::fmt::Write as _;

use serde::Serialize;

use super::header::{Matcher, Use, fold};
use super::{Basis, CharClass, Field, Layout, Personal, RuleBasis, ValueType};
use crate::check::trim_edges;
use crate::input::decode::EncodingChoice;
use crate::input::front::Front;
use crate::input::xlsx::{self, XlsxError};

/// The sheet of the ファイル設計書 that holds the template (seed 002 line 458).
pub const TEMPLATE_SHEET: &str = "【3】CSVサンプル";

/// What became of one template column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TemplateColumn {
    /// Mapped to a field of the base layout (its id and our own Japanese label).
    Field {
        /// The field id.
        id: String,
        /// The base layout's Japanese label.
        our_label: String,
    },
    /// A 受給者証券面項目 (after the fixed columns, or repeating a fixed field's name).
    CertificateItem,
    /// Among the fixed columns, but no field matched: kept as free text (`field_id`).
    Unmapped {
        /// The id given to it in the derived layout.
        field_id: String,
        /// A field whose name is close, if any (never applied).
        suggestion: Option<String>,
    },
}

/// What [`from_template`] did, for the user to check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateReport {
    /// The worksheet read (an `.xlsx` template), if any.
    pub sheet: Option<String>,
    /// 1-based row of the header in the sheet or file.
    pub header_row: usize,
    /// Non-empty rows above the header (titles, notes): ignored.
    pub rows_above: usize,
    /// The template's header labels, exactly.
    pub headers: Vec<String>,
    /// What became of each column, in order.
    pub columns: Vec<TemplateColumn>,
    /// Non-empty rows after the header (the template's sample data): ignored.
    pub sample_rows: usize,
    /// Required or key fields of the base layout the template lacks: (id, our Japanese label).
    /// They are kept in the layout (after the template's fixed columns).
    pub missing_required: Vec<(String, String)>,
    /// Optional fields of the base layout the template lacks: left out of the layout.
    pub left_out: Vec<(String, String)>,
}

impl TemplateReport {
    /// Whether the derived layout writes exactly the template's header row (nothing had to be
    /// added) and every fixed column was mapped.
    pub fn complete(&self) -> bool {
        self.missing_required.is_empty()
            && !self
                .columns
                .iter()
                .any(|c| matches!(c, TemplateColumn::Unmapped { .. }))
    }
}

/// Why a template could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// The workbook or its sheet could not be read.
    #[error("{0}")]
    Xlsx(XlsxError),
    /// No row in the first rows names any field of the layout.
    #[error(
        "見出し行が見つかりません（最初の {0} 行に、レイアウトの項目名と一致する列がありません）。"
    )]
    NoHeader(usize),
}

/// Rows searched for the header row.
const HEADER_SEARCH_ROWS: usize = 20;

/// Reads a template: an `.xlsx` (the sheet `sheet`, else the one named like
/// [`TEMPLATE_SHEET`], else the first visible one) or CSV/TSV text in any supported encoding;
/// then [`from_template_rows`].
///
/// # Errors
/// An unreadable workbook or sheet; no header row found.
pub fn from_template_bytes(
    base: &Layout,
    bytes: &[u8],
    sheet: Option<&str>,
) -> Result<(Layout, TemplateReport), TemplateError> {
    let (text, sheet_read) = if xlsx::is_xlsx(bytes) {
        let names = xlsx::sheet_names(bytes).map_err(TemplateError::Xlsx)?;
        let chosen = sheet.map(str::to_owned).or_else(|| {
            let want = fold(TEMPLATE_SHEET);
            let short = fold("CSVサンプル");
            names
                .iter()
                .find(|n| fold(n) == want)
                .or_else(|| names.iter().find(|n| fold(n).contains(&short)))
                .cloned()
        });
        let csv = xlsx::sheet_to_csv(bytes, chosen.as_deref()).map_err(TemplateError::Xlsx)?;
        let name = chosen.or_else(|| names.first().cloned());
        (csv, name)
    } else {
        (bytes.to_vec(), None)
    };
    let rows = split_rows(&text);
    let (layout, mut report) = from_template_rows(base, &rows)?;
    report.sheet = sheet_read;
    Ok((layout, report))
}

/// Every record of CSV text as its fields (edges untouched), blank lines as empty rows.
fn split_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut front = Front::with_encoding(b',', EncodingChoice::Auto);
    front.feed(bytes);
    let mut batches: Vec<_> = front.take_ready().collect();
    let (rest, _) = front.finish();
    batches.extend(rest);
    let mut rows = Vec::new();
    for b in &batches {
        for r in b.records() {
            if r.is_blank() {
                rows.push(Vec::new());
            } else {
                rows.push(r.fields().map(str::to_owned).collect());
            }
        }
    }
    rows
}

/// The layout a template's rows describe (see the module docs), from the rows of its sheet or
/// file: the header is the row, among the first 20, that names the most fields.
///
/// # Errors
/// [`TemplateError::NoHeader`] when no row names a field.
pub fn from_template_rows(
    base: &Layout,
    rows: &[Vec<String>],
) -> Result<(Layout, TemplateReport), TemplateError> {
    let matcher = Matcher::new(base);
    let nonblank = |r: &Vec<String>| r.iter().any(|c| !trim_edges(c).is_empty());
    let mut best: Option<(usize, usize)> = None;
    for (i, r) in rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
        let hits = r
            .iter()
            .filter(|c| matcher.lookup(c.trim_start_matches('\u{FEFF}')).is_some())
            .count();
        if hits > 0 && best.is_none_or(|(_, h)| hits > h) {
            best = Some((i, hits));
        }
    }
    let Some((hi, _)) = best else {
        return Err(TemplateError::NoHeader(HEADER_SEARCH_ROWS));
    };
    let mut headers: Vec<String> = rows[hi].clone();
    if let Some(first) = headers.first_mut() {
        *first = first.trim_start_matches('\u{FEFF}').to_owned();
    }
    // Trailing empty header cells (a sheet's used range) are not columns.
    while headers.last().is_some_and(|h| trim_edges(h).is_empty()) {
        headers.pop();
    }
    let (layout, mut report) = from_template(base, &headers);
    report.header_row = hi + 1;
    report.rows_above = rows[..hi].iter().filter(|r| nonblank(r)).count();
    report.sample_rows = rows[hi + 1..].iter().filter(|r| nonblank(r)).count();
    Ok((layout, report))
}

/// The layout a template header row describes (see the module docs). The page and the CLI
/// both call this (through [`from_template_bytes`]).
pub fn from_template(base: &Layout, headers: &[String]) -> (Layout, TemplateReport) {
    let matcher = Matcher::new(base);
    let map = matcher.map(base, headers, None);
    let first_use = |col: usize| match map.uses[col] {
        Use::Field(f) => (map.field_column[f] == Some(col)).then_some(f),
        _ => None,
    };
    let fixed_end = (0..headers.len()).rev().find(|&c| first_use(c).is_some());
    let mut fields: Vec<Field> = Vec::new();
    let mut columns = Vec::with_capacity(headers.len());
    for (col, h) in headers.iter().enumerate() {
        let fixed = fixed_end.is_some_and(|end| col <= end);
        match first_use(col) {
            Some(f) if fixed => {
                let ours = &base.fields[f];
                let mut field = ours.clone();
                if field.label_ja != *h {
                    field.label_ja.clone_from(h);
                    if !field.aliases.contains(&ours.label_ja) {
                        field.aliases.push(ours.label_ja.clone());
                    }
                }
                columns.push(TemplateColumn::Field {
                    id: ours.id.clone(),
                    our_label: ours.label_ja.clone(),
                });
                fields.push(field);
            }
            _ if !fixed || trim_edges(h).is_empty() => {
                columns.push(TemplateColumn::CertificateItem);
            }
            _ => {
                let id = format!("templateColumn{}", col + 1);
                let suggestion = matcher.suggest(h).map(|f| base.fields[f].id.clone());
                fields.push(unmapped_field(&id, h, col + 1));
                columns.push(TemplateColumn::Unmapped {
                    field_id: id,
                    suggestion,
                });
            }
        }
    }
    let key_ids: Vec<&str> = base
        .keys
        .certificate
        .iter()
        .chain(&base.keys.history_key)
        .chain(&base.keys.valid_from)
        .chain(&base.keys.valid_to)
        .chain(&base.keys.date_of_birth)
        .map(String::as_str)
        .collect();
    let mut missing_required = Vec::new();
    let mut left_out = Vec::new();
    for (f, ours) in base.fields.iter().enumerate() {
        if map.field_column[f].is_some_and(|c| fixed_end.is_some_and(|end| c <= end)) {
            continue;
        }
        let pair = (ours.id.clone(), ours.label_ja.clone());
        if ours.required || key_ids.contains(&ours.id.as_str()) {
            missing_required.push(pair);
            fields.push(ours.clone());
        } else {
            left_out.push(pair);
        }
    }
    let layout = Layout {
        id: format!("{}-template", base.id),
        version: format!("{}+template", base.version),
        title_ja: format!("{}（公式テンプレートから作成）", base.title_ja),
        title_en: format!("{} (from the official template)", base.title_en),
        source: format!(
            "Derived by `pmhcsv layout --from-template` from the official template's header row ({} columns), on top of layout {} {}. Labels and order are the template's; rules are those of the base layout.",
            headers.len(),
            base.id,
            base.version
        ),
        dialect: crate::layout::Dialect {
            official_header: true,
            ..base.dialect.clone()
        },
        keys: base.keys.clone(),
        fields,
        certificate_items: {
            // The template's own 券面 columns are known items: the page keeps them by default
            // (a column it does not know is left out unless the clerk keeps it).
            let mut items = base.certificate_items.clone();
            for (h, c) in headers.iter().zip(&columns) {
                if matches!(c, TemplateColumn::CertificateItem)
                    && !items.known.iter().any(|k| fold(k) == fold(h))
                {
                    items.known.push(h.clone());
                }
            }
            items
        },
    };
    let report = TemplateReport {
        sheet: None,
        header_row: 1,
        rows_above: 0,
        headers: headers.to_vec(),
        columns,
        sample_rows: 0,
        missing_required,
        left_out,
    };
    (layout, report)
}

/// A fixed template column no field matched: optional free text, basis unknown.
fn unmapped_field(id: &str, label: &str, column: usize) -> Field {
    Field {
        id: id.to_owned(),
        label_ja: label.to_owned(),
        label_en: format!("Template column {column} (not mapped)"),
        aliases: Vec::new(),
        required: false,
        value_type: ValueType::Text,
        length: None,
        min_length: None,
        max_length: None,
        chars: CharClass::Text,
        codes: Vec::new(),
        checks: Vec::new(),
        personal: Personal::default(),
        char_issues: None,
        basis: Basis::Unknown,
        source: format!(
            "Column {column} of the official template; no field of the base layout matched its label, so nothing is checked. Replace this block with the field it holds."
        ),
        rule_basis: RuleBasis::default(),
    }
}

impl Layout {
    /// The layout as a TOML document that [`Layout::from_toml`] reads back unchanged (a test
    /// checks the round trip of both built-in layouts).
    pub fn to_toml(&self) -> String {
        let value = serde_json::to_value(self).unwrap_or_default();
        let mut out = String::new();
        let Some(top) = value.as_object() else {
            return out;
        };
        let mut tables = Vec::new();
        for (k, v) in ordered(top) {
            match v {
                serde_json::Value::Object(_) => tables.push((k, v)),
                serde_json::Value::Array(a) if a.iter().all(serde_json::Value::is_object) => {
                    tables.push((k, v));
                }
                serde_json::Value::Null => {}
                _ => {
                    let _ = writeln!(out, "{} = {}", key(k), inline(v));
                }
            }
        }
        // Tables before arrays of tables (`[dialect]`, `[keys]`, then `[[fields]]`).
        tables.sort_by_key(|(_, v)| v.is_array());
        for (k, v) in tables {
            match v {
                serde_json::Value::Object(m) => {
                    let _ = writeln!(out, "\n[{}]", key(k));
                    for (mk, mv) in ordered(m) {
                        if !mv.is_null() {
                            let _ = writeln!(out, "{} = {}", key(mk), inline(mv));
                        }
                    }
                }
                serde_json::Value::Array(items) => {
                    for item in items {
                        let _ = writeln!(out, "\n[[{}]]", key(k));
                        let Some(m) = item.as_object() else { continue };
                        for (mk, mv) in ordered(m) {
                            if !is_empty_value(mv) {
                                let _ = writeln!(out, "{} = {}", key(mk), inline(mv));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }
}

/// The members of `m` in the order a person reads a layout file: identity first, then the rest
/// alphabetically.
fn ordered(m: &serde_json::Map<String, serde_json::Value>) -> Vec<(&String, &serde_json::Value)> {
    const FIRST: [&str; 9] = [
        "id", "version", "title_ja", "title_en", "label_ja", "label_en", "aliases", "required",
        "type",
    ];
    let rank = |k: &str| FIRST.iter().position(|f| *f == k).unwrap_or(FIRST.len());
    let mut v: Vec<_> = m.iter().collect();
    v.sort_by(|a, b| rank(a.0).cmp(&rank(b.0)).then_with(|| a.0.cmp(b.0)));
    v
}

/// Null, or an object whose members are all null (an unset `rule_basis`).
fn is_empty_value(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => true,
        serde_json::Value::Object(m) => m.values().all(serde_json::Value::is_null),
        _ => false,
    }
}

fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_owned()
    } else {
        toml_string(k)
    }
}

fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn inline(v: &serde_json::Value) -> String {
    use serde_json::Value as V;
    match v {
        V::Null => "\"\"".into(),
        V::Bool(b) => b.to_string(),
        V::Number(n) => n.to_string(),
        V::String(s) => toml_string(s),
        V::Array(a) => {
            let items: Vec<String> = a.iter().map(inline).collect();
            format!("[{}]", items.join(", "))
        }
        V::Object(m) => {
            let items: Vec<String> = m
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| format!("{} = {}", key(k), inline(v)))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn both_builtin_layouts_round_trip_through_toml() {
        for l in [Layout::full(), Layout::diff()] {
            let text = l.to_toml();
            let back = Layout::from_toml(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
            assert_eq!(back, l, "{text}");
        }
    }

    #[test]
    fn labels_order_items_and_missing_fields() {
        let base = Layout::full();
        let headers = strings(&[
            "個人番号(マイナンバー)",
            "機関別受給者証種別ID",
            "氏名",
            "謎の列",
            "氏名（カナ）",
            "住所",
            "生年月日",
            "性別",
            "不開示フラグ",
            "受給者証名",
            "有効期間(開始)",
            "有効期間(終了)",
            "疾病名",
            "氏名",
        ]);
        let (l, r) = from_template(&base, &headers);
        let labels: Vec<&str> = l.fields.iter().map(|f| f.label_ja.as_str()).collect();
        // The template's labels, in its order; the unmapped fixed column kept in place; the
        // 券面 columns (疾病名, a second 氏名) are not fields.
        assert_eq!(
            labels[..12],
            headers[..12].iter().map(String::as_str).collect::<Vec<_>>()
        );
        assert_eq!(l.fields[0].id, "myNumber");
        assert!(l.fields[0].aliases.contains(&"個人番号".to_owned()));
        assert_eq!(l.fields[3].id, "templateColumn4");
        assert_eq!(l.fields[3].basis, Basis::Unknown);
        assert_eq!(r.columns[12], TemplateColumn::CertificateItem);
        assert_eq!(r.columns[13], TemplateColumn::CertificateItem);
        assert!(matches!(r.columns[3], TemplateColumn::Unmapped { .. }));
        // Key fields the template lacks are kept (after the fixed columns) and reported.
        let missing: Vec<&str> = r
            .missing_required
            .iter()
            .map(|(id, _)| id.as_str())
            .collect();
        assert!(
            missing.contains(&"medicalSubsidyRecipientNumber"),
            "{missing:?}"
        );
        assert!(l.field_index("medicalSubsidyRecipientNumber").unwrap() >= 12);
        // Optional ones are left out.
        let out: Vec<&str> = r.left_out.iter().map(|(id, _)| id.as_str()).collect();
        assert!(out.contains(&"segment"), "{out:?}");
        assert!(l.field_index("segment").is_none());
        assert!(!r.complete());
        // The derived layout is a valid layout file.
        let back = Layout::from_toml(&l.to_toml()).unwrap();
        assert_eq!(back, l);
    }

    #[test]
    fn header_row_is_found_below_titles_and_samples_are_counted() {
        let base = Layout::full();
        let rows = vec![
            strings(&["CSVサンプル"]),
            Vec::new(),
            strings(&["個人番号", "氏名", "疾病名"]),
            strings(&["123456789012", "東京子", "喘息"]),
            Vec::new(),
            strings(&["123456789013", "田中子", ""]),
        ];
        let (_, r) = from_template_rows(&base, &rows).unwrap();
        assert_eq!((r.header_row, r.rows_above, r.sample_rows), (3, 1, 2));
        assert_eq!(r.headers, strings(&["個人番号", "氏名", "疾病名"]));
        assert_eq!(
            from_template_rows(&base, &[strings(&["a", "b"])]),
            Err(TemplateError::NoHeader(HEADER_SEARCH_ROWS))
        );
    }
}
