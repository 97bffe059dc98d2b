//! Writers of the upload file: CSV in the layout's dialect, and the JSON API request body.
//!
//! Both append to a caller-owned `Vec<u8>` (no I/O): the CLI drains it to a file as rows
//! arrive, the browser turns it into a download.

use serde_json::{Map, Value};

use crate::layout::{Encoding, Layout, LineEnding, Quoting, ValueType};

/// Output format of `build`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// The upload CSV in the layout's dialect (default: UTF-8 with BOM, CRLF, Japanese header).
    #[default]
    Csv,
    /// The API request body: a JSON array of records with the exact property names and types.
    Json,
}

/// JSON member names of a 受給者証券面項目 (certificate-face item). The spec shows the array
/// `certificationDetail` but not its members (UNKNOWN): these are our documented placeholders.
pub const DETAIL_ARRAY: &str = "certificationDetail";
/// Member holding the item name.
pub const DETAIL_NAME: &str = "itemName";
/// Member holding the printed value.
pub const DETAIL_VALUE: &str = "itemValue";

fn eol(layout: &Layout) -> &'static str {
    match layout.dialect.line_ending {
        LineEnding::Crlf => "\r\n",
        LineEnding::Lf => "\n",
    }
}

fn push_field(line: &mut String, v: &str, layout: &Layout) {
    let d = &layout.dialect;
    push_csv_field(
        line,
        v,
        d.delimiter_byte() as char,
        d.quoting == Quoting::Always,
    );
}

/// Appends one CSV field (RFC 4180): quoted when `always` or when it holds the delimiter, a
/// quote or a line break, with `"` doubled. The one quoting rule of every CSV this project
/// writes: upload files, reports, change logs and the page's copies.
pub fn push_csv_field(out: &mut String, v: &str, delimiter: char, always: bool) {
    if always || v.contains([delimiter, '"', '\n', '\r']) {
        out.push('"');
        for c in v.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
        out.push('"');
    } else {
        out.push_str(v);
    }
}

fn push_line(out: &mut Vec<u8>, line: &str, layout: &Layout) {
    match layout.dialect.encoding {
        Encoding::Utf8 => out.extend_from_slice(line.as_bytes()),
        // Characters outside CP932 are reported as C003 before they get here; the encoder
        // writes them as numeric references, visibly, rather than dropping them.
        Encoding::Cp932 => out.extend_from_slice(&encoding_rs::SHIFT_JIS.encode(line).0),
    }
}

/// Appends the CSV header row (with the BOM when the dialect has one): every layout field's
/// Japanese label, then the 券面項目 names.
pub fn csv_header(out: &mut Vec<u8>, layout: &Layout, details: &[&str]) {
    if layout.dialect.bom && layout.dialect.encoding == Encoding::Utf8 {
        out.extend_from_slice("\u{FEFF}".as_bytes());
    }
    csv_row(
        out,
        layout,
        layout
            .fields
            .iter()
            .map(|f| f.label_ja.as_str())
            .chain(details.iter().copied()),
    );
}

/// Appends one CSV row.
pub fn csv_row<'a>(out: &mut Vec<u8>, layout: &Layout, values: impl Iterator<Item = &'a str>) {
    let mut line = String::with_capacity(256);
    for (i, v) in values.enumerate() {
        if i > 0 {
            line.push(layout.dialect.delimiter_byte() as char);
        }
        push_field(&mut line, v, layout);
    }
    line.push_str(eol(layout));
    push_line(out, &line, layout);
}

/// The JSON value of one field: booleans as JSON booleans, everything else as a string
/// (`isAlwaysReimbursement` stays the string `"0"`/`"1"`, as the spec says).
fn json_value(layout: &Layout, ty: ValueType, v: &str) -> Value {
    match ty {
        ValueType::Boolean if v == layout.dialect.boolean_true => Value::Bool(true),
        ValueType::Boolean if v == layout.dialect.boolean_false => Value::Bool(false),
        _ => Value::String(v.to_owned()),
    }
}

/// One record as the API expects it: dotted ids become nested objects
/// (`basicFiveInfo.name` → `{"basicFiveInfo": {"name": …}}`); empty optional values are
/// left out; 券面項目 go into [`DETAIL_ARRAY`].
pub fn json_record(layout: &Layout, values: &[&str], details: &[(&str, &str)]) -> Value {
    let mut root = Map::new();
    for (f, v) in layout.fields.iter().zip(values) {
        if v.is_empty() {
            continue;
        }
        let parts: Vec<&str> = f.id.split('.').collect();
        insert_path(&mut root, &parts, json_value(layout, f.value_type, v));
    }
    let items: Vec<Value> = details
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(n, v)| {
            let mut m = Map::new();
            m.insert(DETAIL_NAME.into(), Value::String((*n).to_owned()));
            m.insert(DETAIL_VALUE.into(), Value::String((*v).to_owned()));
            Value::Object(m)
        })
        .collect();
    if !items.is_empty() {
        root.insert(DETAIL_ARRAY.into(), Value::Array(items));
    }
    Value::Object(root)
}

/// Inserts `value` at a dotted path, creating (or replacing non-object) parents.
fn insert_path(map: &mut Map<String, Value>, parts: &[&str], value: Value) {
    match parts {
        [] => {}
        [leaf] => {
            map.insert((*leaf).to_owned(), value);
        }
        [head, rest @ ..] => {
            let entry = map
                .entry((*head).to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            if let Value::Object(child) = entry {
                insert_path(child, rest, value);
            }
        }
    }
}

/// Appends one JSON record to an array being written (`first` opens the array).
pub fn json_push(out: &mut Vec<u8>, record: &Value, first: bool) {
    out.extend_from_slice(if first { b"[\n" } else { b",\n" });
    out.extend_from_slice(serde_json::to_string(record).unwrap_or_default().as_bytes());
}

/// Closes the JSON array (`empty`: no record was written).
pub fn json_close(out: &mut Vec<u8>, empty: bool) {
    out.extend_from_slice(if empty { b"[]\n" } else { b"\n]\n" });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_when_needed() {
        let layout = Layout::full();
        let mut out = Vec::new();
        csv_row(&mut out, &layout, ["a", "b,c", "d\"e", "f\ng"].into_iter());
        assert_eq!(out, b"a,\"b,c\",\"d\"\"e\",\"f\ng\"\r\n");
    }

    #[test]
    fn json_nests_and_types() {
        let layout = Layout::diff();
        let mut values = vec![""; layout.fields.len()];
        let set = |values: &mut Vec<&str>, id: &str, v: &'static str| {
            let i = layout.field_index(id).unwrap();
            values[i] = v;
        };
        set(&mut values, "basicFiveInfo.name", "愛知花子");
        set(&mut values, "isNotDisclosed", "0");
        set(&mut values, "isDeleted", "1");
        set(&mut values, "isAlwaysReimbursement", "0");
        let v = json_record(&layout, &values, &[("疾病名", "喘息"), ("空", "")]);
        assert_eq!(v["basicFiveInfo"]["name"], "愛知花子");
        assert_eq!(v["isNotDisclosed"], false);
        assert_eq!(v["isDeleted"], true);
        assert_eq!(v["isAlwaysReimbursement"], "0");
        assert_eq!(v[DETAIL_ARRAY].as_array().unwrap().len(), 1);
        assert!(v.get("myNumber").is_none(), "empty values are left out");
    }
}
