//! The column mapping screen's model: which PMH field each source column holds.
//!
//! Matching is `pmh_core`'s [`Matcher`] (labels, ids, aliases, width/case/space folding and
//! near-match suggestions); the result is the very [`ColumnMapping`] JSON file that
//! `pmhcsv --mapping` reads. Saved mappings (in the browser's localStorage) are those JSON
//! objects: column names and field ids only, never data.

use std::collections::BTreeMap;

use pmh_core::{ColumnMapping, Layout};
use pmh_core::{Matcher, Use};

/// localStorage key of the saved mappings (a JSON array of mapping files).
pub const STORE_KEY: &str = "pmhcsv.mappings.v1";

/// What one source column becomes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// This PMH field (its id).
    Field(String),
    /// Kept as a 受給者証券面項目 (certificate-face item) under its header.
    Detail,
    /// Left out.
    Ignore,
}

impl Target {
    /// The value in a mapping file: the field id, `"*"` or `""`.
    pub fn as_mapping_value(&self) -> &str {
        match self {
            Target::Field(id) => id,
            Target::Detail => "*",
            Target::Ignore => "",
        }
    }

    /// Parses a mapping file value.
    pub fn from_mapping_value(value: &str) -> Target {
        match value {
            "" => Target::Ignore,
            "*" => Target::Detail,
            id => Target::Field(id.to_owned()),
        }
    }
}

/// The target of every column, as `pmh_core` maps the header row (with `mapping` first).
/// A column neither the matcher nor `mapping` knows is left out (「使わない」): uploading it
/// as a 受給者証券面項目 (備考, 電話番号 …) must be the clerk's explicit choice.
pub fn targets(
    layout: &Layout,
    headers: &[String],
    mapping: Option<&ColumnMapping>,
) -> Vec<Target> {
    let map = Matcher::new(layout).map(layout, headers, mapping);
    // 受給者証券面項目 the layout names (年齢, 疾病名 …, a template's green columns) are kept by
    // default; any other column the matcher does not know is left out unless the clerk keeps it.
    let known: Vec<String> = layout
        .certificate_items
        .known
        .iter()
        .map(|k| pmh_core::fold(k))
        .collect();
    map.uses
        .iter()
        .zip(headers)
        .map(|(u, h)| match u {
            Use::Field(i) => layout
                .fields
                .get(*i)
                .map_or(Target::Ignore, |f| Target::Field(f.id.clone())),
            Use::Detail
                if mapping
                    .and_then(|m| m.columns.get(h.trim()))
                    .is_some_and(|v| v == "*") =>
            {
                Target::Detail
            }
            Use::Detail
                if mapping.is_none_or(|m| !m.columns.contains_key(h.trim()))
                    && known.contains(&pmh_core::fold(h)) =>
            {
                Target::Detail
            }
            Use::Detail | Use::Ignored => Target::Ignore,
        })
        .collect()
}

/// localStorage key of what is saved beside each mapping: constant fields and value
/// mappings (the mapping file itself is the CLI's format and has no room for them).
pub const EXTRAS_KEY: &str = "pmhcsv.mapping-extras.v1";

/// localStorage key of the layout derived from the official template (「公式テンプレートを読み込む」):
/// `{"name": file name, "toml": the layout}` — labels and field definitions only, never a value
/// of the template's sample rows or of the data.
pub const TEMPLATE_KEY: &str = "pmhcsv.template-layout.v1";

/// Constant fields and value mappings saved with the mapping `name` for `layout`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Extras {
    /// The mapping's name.
    pub name: String,
    /// Its layout id.
    pub layout: String,
    /// (field id, value) filled in every row.
    #[serde(default)]
    pub constants: Vec<(String, String)>,
    /// Field id → (code label → code).
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
}

/// The saved extras in `json`; unreadable entries are skipped.
pub fn parse_extras(json: &str) -> Vec<Extras> {
    let Ok(values) = serde_json::from_str::<Vec<serde_json::Value>>(json) else {
        return Vec::new();
    };
    values
        .into_iter()
        .filter_map(|v| serde_json::from_value::<Extras>(v).ok())
        .collect()
}

/// `saved` with `extras` added, replacing those of the same name and layout.
pub fn upsert_extras(saved: &[Extras], extras: Extras) -> Vec<Extras> {
    let mut out = vec![extras.clone()];
    out.extend(
        saved
            .iter()
            .filter(|e| !(e.name == extras.name && e.layout == extras.layout))
            .cloned(),
    );
    out
}

/// Whether column name `header` may be saved: never a value of the data. Refused: anything
/// shaped like a value (a run of 4 digits, a date, an e-mail address), a sample value of any
/// column, and, when the header row itself looks like data (the clerk kept it as the header
/// although the page asked), every name the layout does not know as a field label, id or
/// alias.
pub fn storable_header(layout: &Layout, preview: &crate::protocol::Preview, header: &str) -> bool {
    let h = header.trim();
    if h.is_empty() || pmh_core::header_row::looks_like_value(h) || h.chars().count() > 40 {
        return false;
    }
    let in_data = preview.samples.iter().flatten().any(|v| v.trim() == h)
        || preview
            .distinct
            .iter()
            .flatten()
            .flatten()
            .any(|(v, _)| v == h);
    if in_data {
        return false;
    }
    if preview.header_looks_like_data {
        return matches!(
            targets(layout, &[h.to_owned()], None).first(),
            Some(Target::Field(_))
        );
    }
    true
}

/// `mapping` without the column names that look like data ([`storable_header`]), and how many
/// it left out: what is stored, and what the exported mapping file holds.
pub fn without_data_names(
    mut mapping: ColumnMapping,
    layout: &Layout,
    preview: &crate::protocol::Preview,
) -> (ColumnMapping, usize) {
    let before = mapping.columns.len();
    mapping
        .columns
        .retain(|h, _| storable_header(layout, preview, h));
    let left_out = before - mapping.columns.len();
    (mapping, left_out)
}

/// Boolean words a clerk's export uses, saved as value-mapping keys of a boolean field.
const BOOLEAN_WORDS: [&str; 12] = [
    "はい",
    "いいえ",
    "有",
    "無",
    "あり",
    "なし",
    "する",
    "しない",
    "○",
    "×",
    "true",
    "false",
];

/// Whether a value-mapping key (a source value of a code column) may be saved with the
/// mapping. Strict, as the key comes from the data: it must be a code *label*, never a
/// recipient's value. Saved only: for a code or boolean field; 1–4 characters, no digit, not
/// shaped like a value; and either a label of the field's code list (男, 女), that label with
/// 性 (男性, 女性), its English label, a boolean word (はい, 有 …), or a value of at most 2
/// characters that occurs in at least 3 rows of a column with at most 12 distinct values
/// (`count`: its rows; `None`: the column has more distinct values). A 性別 column filled
/// with names yields nothing.
pub fn storable_value_key(layout: &Layout, field_id: &str, key: &str, count: Option<u64>) -> bool {
    let Some(f) = layout
        .field_index(field_id)
        .and_then(|i| layout.fields.get(i))
    else {
        return false;
    };
    let boolean = matches!(f.value_type, pmh_core::ValueType::Boolean);
    if f.codes.is_empty() && !boolean {
        return false;
    }
    let k = key.trim();
    let n = k.chars().count();
    if n == 0
        || n > 4
        || k.chars().any(|c| c.is_numeric())
        || pmh_core::header_row::looks_like_value(k)
    {
        return false;
    }
    let known = f.codes.iter().any(|c| {
        k == c.ja
            || k == format!("{}性", c.ja)
            || (!c.en.is_empty() && k.eq_ignore_ascii_case(&c.en))
    }) || ((boolean || f.codes.len() == 2) && BOOLEAN_WORDS.contains(&k));
    known || (n <= 2 && count.is_some_and(|c| c >= 3))
}

/// Whether field `id` may be filled with one value for every row and saved so: a field that
/// holds no personal data.
pub fn constant_allowed(layout: &Layout, id: &str) -> bool {
    layout
        .field_index(id)
        .and_then(|i| layout.fields.get(i))
        .is_some_and(|f| f.personal == pmh_core::Personal::None)
}

/// A near-matching field for each column that matched none (edit distance, as the checker's
/// S014 suggestion): its id.
pub fn suggestions(layout: &Layout, headers: &[String], targets: &[Target]) -> Vec<Option<String>> {
    let matcher = Matcher::new(layout);
    headers
        .iter()
        .zip(targets)
        .map(|(h, t)| match t {
            Target::Detail | Target::Ignore if !h.trim().is_empty() => matcher
                .suggest(h)
                .and_then(|i| layout.fields.get(i))
                .map(|f| f.id.clone()),
            _ => None,
        })
        .collect()
}

/// Sets column `col` to `target`, and every column with the same header too (a mapping file
/// maps header names, so equal headers cannot differ).
pub fn set_target(headers: &[String], targets: &mut [Target], col: usize, target: &Target) {
    let Some(name) = headers.get(col).map(|h| h.trim()) else {
        return;
    };
    for (h, t) in headers.iter().zip(targets.iter_mut()) {
        if h.trim() == name {
            *t = target.clone();
        }
    }
}

/// The mapping file for these choices: every named column with its target.
pub fn to_mapping(
    name: &str,
    layout: &Layout,
    headers: &[String],
    targets: &[Target],
) -> ColumnMapping {
    let mut columns = BTreeMap::new();
    for (h, t) in headers.iter().zip(targets) {
        let h = h.trim();
        if h.is_empty() {
            continue; // an empty header cannot be named; the checker reports it (S015)
        }
        columns
            .entry(h.to_owned())
            .or_insert_with(|| t.as_mapping_value().to_owned());
    }
    ColumnMapping {
        name: name.trim().to_owned(),
        layout: layout.id.clone(),
        columns,
    }
}

/// Required fields that no column holds (layout indices).
pub fn missing_required(layout: &Layout, targets: &[Target]) -> Vec<usize> {
    layout
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            f.required
                && !targets
                    .iter()
                    .any(|t| matches!(t, Target::Field(id) if *id == f.id))
        })
        .map(|(i, _)| i)
        .collect()
}

/// Fields held by more than one column: (field id, the 0-based columns).
pub fn conflicts(targets: &[Target]) -> Vec<(String, Vec<usize>)> {
    let mut by_field: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (col, t) in targets.iter().enumerate() {
        if let Target::Field(id) = t {
            by_field.entry(id).or_default().push(col);
        }
    }
    by_field
        .into_iter()
        .filter(|(_, cols)| cols.len() > 1)
        .map(|(id, cols)| (id.to_owned(), cols))
        .collect()
}

/// The saved mappings in `json` (the localStorage value); unreadable entries are skipped.
pub fn parse_store(json: &str) -> Vec<ColumnMapping> {
    let Ok(values) = serde_json::from_str::<Vec<serde_json::Value>>(json) else {
        return Vec::new();
    };
    values
        .into_iter()
        .filter_map(|v| serde_json::from_value::<ColumnMapping>(v).ok())
        .filter(|m| !m.name.trim().is_empty())
        .collect()
}

/// The localStorage value for `saved`.
pub fn store_json(saved: &[ColumnMapping]) -> String {
    serde_json::to_string(saved).unwrap_or_else(|_| "[]".to_owned())
}

/// `saved` with `mapping` added, replacing one of the same name and layout; newest first.
pub fn upsert(saved: &[ColumnMapping], mapping: ColumnMapping) -> Vec<ColumnMapping> {
    let others: Vec<ColumnMapping> = saved
        .iter()
        .filter(|m| !(m.name == mapping.name && m.layout == mapping.layout))
        .cloned()
        .collect();
    let mut out = vec![mapping];
    out.extend(others);
    out
}

/// `saved` without the mapping named `name` for `layout_id`.
pub fn remove(saved: &[ColumnMapping], name: &str, layout_id: &str) -> Vec<ColumnMapping> {
    saved
        .iter()
        .filter(|m| !(m.name == name && m.layout == layout_id))
        .cloned()
        .collect()
}

/// The saved mapping to offer for these headers, applied column by column (a column added
/// since does not make it unusable): the one for this layout naming the most of these
/// columns — every one, or at least two — then naming the fewest others; the newest wins a
/// tie. Columns it does not name are matched automatically.
pub fn best_saved(saved: &[ColumnMapping], layout_id: &str, headers: &[String]) -> Option<usize> {
    let named: Vec<&str> = headers
        .iter()
        .map(|h| h.trim())
        .filter(|h| !h.is_empty())
        .collect();
    if named.is_empty() {
        return None;
    }
    saved
        .iter()
        .enumerate()
        .filter(|(_, m)| m.layout == layout_id || m.layout.is_empty())
        .map(|(i, m)| {
            let common = named.iter().filter(|h| m.columns.contains_key(**h)).count();
            (i, common, m.columns.len() - common)
        })
        .filter(|&(_, common, _)| common == named.len() || common >= 2)
        .min_by_key(|&(i, common, others)| (std::cmp::Reverse(common), others, i))
        .map(|(i, ..)| i)
}

/// The saved mappings made for `layout_id` (indices into `saved`).
pub fn for_layout(saved: &[ColumnMapping], layout_id: &str) -> Vec<usize> {
    saved
        .iter()
        .enumerate()
        .filter(|(_, m)| m.layout == layout_id || m.layout.is_empty())
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn auto_matches_labels_ids_and_aliases() {
        let layout = Layout::full();
        let headers = h(&[
            "個人番号",
            "氏名ｶﾅ",
            "basicFiveInfo.name",
            "疾病名",
            "公費負担者番",
        ]);
        let t = targets(&layout, &headers, None);
        assert_eq!(t[0], Target::Field("myNumber".into()));
        assert_eq!(t[1], Target::Field("basicFiveInfo.nameKana".into()));
        assert_eq!(t[2], Target::Field("basicFiveInfo.name".into()));
        // 疾病名 is a 券面 item the layout names: kept. Unknown columns are left out by
        // default (issue 11, defect 3).
        assert_eq!(t[3], Target::Detail);
        assert_eq!(t[4], Target::Ignore);
        let unknown = targets(&layout, &h(&["個人番号", "備考", "電話番号"]), None);
        assert_eq!(unknown[1..], [Target::Ignore, Target::Ignore]);
        let s = suggestions(&layout, &headers, &t);
        assert_eq!(s[4].as_deref(), Some("medicalSubsidyInsurerNumber"));
        assert_eq!(s[3], None);
        assert_eq!(s[0], None);
    }

    #[test]
    fn mapping_round_trips_through_the_core_json() {
        let layout = Layout::full();
        let headers = h(&["番号", "メモ", " 氏名 ", "疾病名", ""]);
        let mut t = targets(&layout, &headers, None);
        set_target(&headers, &mut t, 0, &Target::Field("myNumber".into()));
        set_target(&headers, &mut t, 1, &Target::Ignore);
        set_target(&headers, &mut t, 3, &Target::Detail);
        let m = to_mapping("区の様式", &layout, &headers, &t);
        assert_eq!(m.name, "区の様式");
        assert_eq!(m.layout, "full");
        assert_eq!(m.columns.len(), 4, "the empty header is not named");
        assert_eq!(m.columns["番号"], "myNumber");
        assert_eq!(m.columns["メモ"], "");
        assert_eq!(m.columns["氏名"], "basicFiveInfo.name");
        assert_eq!(m.columns["疾病名"], "*");
        // The CLI reads the same file and maps the header the same way.
        let again = ColumnMapping::from_json(&m.to_json(), &layout).unwrap();
        assert_eq!(again, m);
        assert_eq!(targets(&layout, &headers, Some(&again))[..4], t[..4]);
    }

    #[test]
    fn equal_headers_share_a_target() {
        let headers = h(&["備考", "氏名", "備考 "]);
        let mut t = vec![Target::Detail; 3];
        set_target(&headers, &mut t, 0, &Target::Ignore);
        assert_eq!(t, [Target::Ignore, Target::Detail, Target::Ignore]);
        set_target(&headers, &mut t, 9, &Target::Detail);
    }

    #[test]
    fn missing_and_conflicting_fields() {
        let layout = Layout::full();
        let t = vec![
            Target::Field("myNumber".into()),
            Target::Field("myNumber".into()),
            Target::Detail,
        ];
        assert_eq!(conflicts(&t), vec![("myNumber".to_owned(), vec![0, 1])]);
        let missing = missing_required(&layout, &t);
        assert!(!missing.contains(&layout.field_index("myNumber").unwrap()));
        assert!(missing.contains(&layout.field_index("basicFiveInfo.name").unwrap()));
    }

    #[test]
    fn saved_mappings_store_and_offer() {
        let layout = Layout::full();
        let headers = h(&["番号", "氏名"]);
        let t = targets(&layout, &headers, None);
        let a = to_mapping("A", &layout, &headers, &t);
        let mut b = to_mapping("B", &layout, &h(&["番号", "氏名", "その他"]), &t);
        b.columns.insert("その他".into(), "".into());
        let saved = upsert(&upsert(&[], a.clone()), b.clone());
        assert_eq!(
            saved.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
            ["B", "A"]
        );
        // A names exactly these columns: it is preferred to B, which names one more.
        assert_eq!(best_saved(&saved, "full", &headers), Some(1));
        assert_eq!(best_saved(&saved, "diff", &headers), None);
        assert_eq!(best_saved(&saved, "full", &h(&["番号", "未知"])), None);
        // One column added since: the mapping still applies, column by column.
        assert_eq!(
            best_saved(&saved, "full", &h(&["番号", "氏名", "追加した列"])),
            Some(1)
        );
        assert_eq!(
            best_saved(&saved, "full", &h(&["番号", "氏名", "その他", "追加"])),
            Some(0)
        );
        assert_eq!(for_layout(&saved, "full"), [0, 1]);

        let json = store_json(&saved);
        assert!(!json.contains("山田"), "only names");
        assert_eq!(parse_store(&json), saved);
        assert_eq!(parse_store("not json"), vec![]);
        assert_eq!(
            parse_store(r#"[{"columns":{}}, {"name":"x","columns":{"a":""}}, 3]"#).len(),
            1
        );
        let replaced = upsert(
            &saved,
            to_mapping("A", &layout, &h(&["x"]), &[Target::Ignore]),
        );
        assert_eq!(replaced.len(), 2);
        assert_eq!(replaced[0].columns.len(), 1);
        assert_eq!(remove(&replaced, "A", "full").len(), 1);
    }

    #[test]
    fn a_saved_mapping_keeps_an_explicit_certificate_item_and_leaves_out_the_unknown() {
        let layout = Layout::full();
        let mut m = to_mapping("x", &layout, &h(&["備考"]), &[Target::Detail]);
        let headers = h(&["備考", "電話番号"]);
        assert_eq!(
            targets(&layout, &headers, Some(&m)),
            [Target::Detail, Target::Ignore]
        );
        m.columns.insert("備考".into(), String::new());
        assert_eq!(
            targets(&layout, &headers, Some(&m)),
            [Target::Ignore, Target::Ignore]
        );
    }

    fn preview_of(
        headers: &[&str],
        samples: &[&[&str]],
        looks_like_data: bool,
    ) -> crate::protocol::Preview {
        crate::protocol::Preview {
            headers: h(headers),
            samples: samples.iter().map(|s| h(s)).collect(),
            header_row: 1,
            header_looks_like_data: looks_like_data,
            ..Default::default()
        }
    }

    #[test]
    fn column_names_that_are_data_are_never_stored() {
        let layout = Layout::full();
        let p = preview_of(
            &["番号", "氏名", "電話"],
            &[&["123456789018"], &["山田太郎"], &["052-123-4567"]],
            false,
        );
        for header in ["番号", "氏名", "電話", "疾病名"] {
            assert!(storable_header(&layout, &p, header), "{header}");
        }
        // Shaped like a value, or equal to a value of the data.
        for header in [
            "123456789018",
            "2025-04-01",
            "平成25年1月1日",
            "052-123-4567",
            "山田太郎",
            "a@b.jp",
            "",
        ] {
            assert!(!storable_header(&layout, &p, header), "{header}");
        }
        // The header row itself looks like data (the clerk said it is the header): only names
        // the layout knows are stored; a name such as 愛知花子 is not.
        let hostile = preview_of(
            &["KODOMO01", "愛知花子", "性別"],
            &[&["KODOMO01"], &["山田太郎"], &["1"]],
            true,
        );
        assert!(!storable_header(&layout, &hostile, "愛知花子"));
        assert!(!storable_header(&layout, &hostile, "喘息"));
        assert!(storable_header(&layout, &hostile, "性別"));
    }

    #[test]
    fn value_mapping_keys_are_code_labels_only() {
        let layout = Layout::full();
        let sex = "basicFiveInfo.sex";
        for key in ["男", "女", "男性", "女性", "male", "MALE"] {
            assert!(storable_value_key(&layout, sex, key, Some(1)), "{key}");
        }
        // Names in a 性別 column: rare values, long, or containing a label (正男) are refused.
        for (key, count) in [
            ("愛知花子", Some(1)),
            ("花子", Some(1)),
            ("花子", None),
            ("正男", Some(2)),
            ("山田太郎", Some(30)),
            ("1", Some(10)),
            ("２", Some(10)),
            ("H25.1.1", Some(5)),
        ] {
            assert!(!storable_value_key(&layout, sex, key, count), "{key}");
        }
        // A short label used in many rows of a low-cardinality column (不明 for 3 people).
        assert!(storable_value_key(&layout, sex, "不明", Some(3)));
        assert!(!storable_value_key(&layout, sex, "不明", None));
        // Boolean words for a boolean field; nothing for a field without codes.
        assert!(storable_value_key(
            &layout,
            "isNotDisclosed",
            "なし",
            Some(1)
        ));
        assert!(!storable_value_key(
            &layout,
            "basicFiveInfo.name",
            "男",
            Some(9)
        ));
        assert!(!storable_value_key(&layout, "noSuchField", "男", Some(9)));
    }

    #[test]
    fn constants_only_for_fields_without_personal_data() {
        let layout = Layout::full();
        assert!(constant_allowed(&layout, "orgSpecificCertificateTypeId"));
        assert!(constant_allowed(&layout, "isNotDisclosed"));
        assert!(!constant_allowed(&layout, "myNumber"));
        assert!(!constant_allowed(&layout, "basicFiveInfo.name"));
        assert!(!constant_allowed(&layout, "basicFiveInfo.dateOfBirth"));
    }

    #[test]
    fn extras_round_trip_and_replace() {
        let e = Extras {
            name: "A".into(),
            layout: "full".into(),
            constants: vec![("isNotDisclosed".into(), "0".into())],
            values: BTreeMap::from([(
                "basicFiveInfo.sex".into(),
                BTreeMap::from([("男".into(), "1".into())]),
            )]),
        };
        let all = upsert_extras(&[], e.clone());
        let json = serde_json::to_string(&all).unwrap();
        assert_eq!(parse_extras(&json), all);
        assert_eq!(parse_extras("nope"), vec![]);
        let replaced = upsert_extras(
            &all,
            Extras {
                constants: Vec::new(),
                ..e
            },
        );
        assert_eq!(replaced.len(), 1);
        assert!(replaced[0].constants.is_empty());
    }

    #[test]
    fn mapping_values() {
        for t in [Target::Field("x".into()), Target::Detail, Target::Ignore] {
            assert_eq!(Target::from_mapping_value(t.as_mapping_value()), t);
        }
    }
}
