//! Header row → layout fields.
//!
//! A header cell matches a field by its Japanese label, English label, id or an alias, ignoring
//! 全角/半角 width, letter case and all white space (「個人番号 」, 「ｺｼﾞﾝ番号」 and `MYNUMBER`
//! style differences do not matter). An explicit [`ColumnMapping`] (the JSON mapping file the
//! CLI and the web app share) takes precedence.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::layout::{ConfigError, Layout};

/// Folds a header for matching: full-width ASCII → ASCII, half-width katakana → full-width,
/// lower case, no white space, no BOM, and bracket styles unified.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = match c {
            '（' | '【' | '［' | '〔' | '「' | '[' => '(',
            '）' | '】' | '］' | '〕' | '」' | ']' => ')',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            // ひらがな → カタカナ: 「氏名かな」 names the same column as 「氏名カナ」.
            '\u{3041}'..='\u{3096}' => char::from_u32(u32::from(c) + 0x60).unwrap_or(c),
            _ => c,
        };
        if c.is_whitespace() || c == '\u{FEFF}' || c == '\u{200B}' || c == '_' || c == '・' {
            continue;
        }
        out.push(c.to_ascii_lowercase());
    }
    widen_kana(&out)
}

/// Half-width katakana → full-width, for matching only (voiced marks combined where possible).
fn widen_kana(s: &str) -> String {
    if !s.chars().any(|c| ('\u{FF61}'..='\u{FF9F}').contains(&c)) {
        return s.to_owned();
    }
    crate::domain::chars::halfwidth_kana_to_fullwidth(s)
}

/// A saved column mapping: source header → field id. `""` ignores a column; `"*"` keeps it as
/// a 受給者証券面項目 (certificate-face item). The same JSON file serves the CLI and the web app.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnMapping {
    /// Optional name (the web app lists saved mappings by name).
    #[serde(default)]
    pub name: String,
    /// Layout id this mapping was made for.
    #[serde(default)]
    pub layout: String,
    /// Source header → field id, `"*"` (券面項目) or `""` (ignore).
    pub columns: std::collections::BTreeMap<String, String>,
}

impl ColumnMapping {
    /// Parses a mapping file and checks that every target exists in the layout.
    ///
    /// # Errors
    /// A [`ConfigError`] for bad JSON or an unknown field id.
    pub fn from_json(text: &str, layout: &Layout) -> Result<Self, ConfigError> {
        let m: ColumnMapping = serde_json::from_str(text).map_err(|e| MappingError::Json {
            detail: e.to_string(),
        })?;
        for target in m.columns.values() {
            if !target.is_empty() && target != "*" && layout.field_index(target).is_none() {
                return Err(MappingError::UnknownTarget {
                    target: target.clone(),
                    layout: layout.id.clone(),
                }
                .into());
            }
        }
        Ok(m)
    }

    /// Serialises the mapping as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// What is wrong with a column mapping JSON (`--mapping`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MappingError {
    /// Not JSON of the expected shape: the parser's own words (with line and column).
    Json {
        /// The JSON parser's message.
        detail: String,
    },
    /// A column is mapped to a field id the layout does not have.
    UnknownTarget {
        /// The field id named.
        target: String,
        /// The layout's id.
        layout: String,
    },
}

/// How one source column is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// Holds this layout field.
    Field(usize),
    /// Kept as a 受給者証券面項目 (certificate-face item) under its header.
    Detail,
    /// Ignored (explicitly, by the mapping).
    Ignored,
}

/// Result of mapping a header row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderMap {
    /// Header text of each source column.
    pub headers: Vec<String>,
    /// Use of each source column.
    pub uses: Vec<Use>,
    /// For each layout field, the source column holding it (first one when duplicated).
    pub field_column: Vec<Option<usize>>,
    /// Columns that map to a field already taken: (column, first column, field).
    pub duplicates: Vec<(usize, usize, usize)>,
    /// Unmatched columns standing before the last matched field: (column, suggested field).
    pub unknown_among_fixed: Vec<(usize, Option<usize>)>,
    /// Columns whose header is empty.
    pub empty_headers: Vec<usize>,
}

impl HeaderMap {
    /// Whether any column matched a field.
    pub fn any_field(&self) -> bool {
        self.field_column.iter().any(Option::is_some)
    }
}

/// Matcher from folded names to fields, built once per layout.
#[derive(Debug, Clone)]
pub struct Matcher {
    /// Folded name → (field, whether the name is an alias rather than a label or id).
    names: HashMap<String, (usize, bool)>,
    /// (folded name, field) for near-match suggestions.
    all: Vec<(Vec<char>, usize)>,
}

impl Matcher {
    /// Indexes every label, id and alias of the layout.
    pub fn new(layout: &Layout) -> Self {
        let mut names = HashMap::new();
        let mut all = Vec::new();
        for (i, f) in layout.fields.iter().enumerate() {
            let last_id_part = f.id.rsplit('.').next().unwrap_or(&f.id);
            let primary = [
                f.label_ja.as_str(),
                f.label_en.as_str(),
                f.id.as_str(),
                last_id_part,
            ]
            .map(|n| (n, false));
            let aliases = f.aliases.iter().map(|a| (a.as_str(), true));
            for (n, alias) in primary.into_iter().chain(aliases) {
                let k = fold(n);
                if k.is_empty() {
                    continue;
                }
                names.entry(k.clone()).or_insert((i, alias));
                all.push((k.chars().collect(), i));
            }
        }
        Self { names, all }
    }

    /// The field a header names, if any.
    pub fn lookup(&self, header: &str) -> Option<usize> {
        self.names.get(&fold(header)).map(|&(f, _)| f)
    }

    /// A field whose name is close to `header` (edit distance ≤ 1, or ≤ 2 for longer names).
    pub fn suggest(&self, header: &str) -> Option<usize> {
        let h: Vec<char> = fold(header).chars().collect();
        if h.is_empty() {
            return None;
        }
        let mut best: Option<(usize, usize)> = None;
        for (name, field) in &self.all {
            let limit = if name.len().min(h.len()) >= 5 { 2 } else { 1 };
            let d = edit_distance(&h, name);
            if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, *field));
            }
        }
        best.map(|(_, f)| f)
    }

    /// Maps a header row, honouring an explicit mapping first.
    pub fn map(
        &self,
        layout: &Layout,
        headers: &[String],
        mapping: Option<&ColumnMapping>,
    ) -> HeaderMap {
        let n = layout.fields.len();
        let mut uses = Vec::with_capacity(headers.len());
        let mut field_column: Vec<Option<usize>> = vec![None; n];
        let mut duplicates = Vec::new();
        let mut empty_headers = Vec::new();
        for (col, h) in headers.iter().enumerate() {
            let explicit = mapping.and_then(|m| {
                m.columns
                    .get(h.trim())
                    .or_else(|| m.columns.get(h.as_str()))
            });
            let u = match explicit.map(String::as_str) {
                Some("") => Use::Ignored,
                Some("*") => Use::Detail,
                Some(id) => layout.field_index(id).map_or(Use::Detail, Use::Field),
                None => match self.names.get(&fold(h)) {
                    // A second column matching only an alias of a field already present is a
                    // 券面 item that happens to share the name (e.g. 受給者番号 printed on the card).
                    Some(&(f, true)) if field_column[f].is_some() => Use::Detail,
                    Some(&(f, _)) => Use::Field(f),
                    None => Use::Detail,
                },
            };
            if let Use::Field(f) = u {
                if let Some(first) = field_column[f] {
                    duplicates.push((col, first, f));
                } else {
                    field_column[f] = Some(col);
                }
            }
            if h.trim().is_empty() && explicit.is_none() {
                empty_headers.push(col);
            }
            uses.push(u);
        }
        let last_field_col = uses.iter().rposition(|u| matches!(u, Use::Field(_)));
        let unknown_among_fixed = match last_field_col {
            Some(last) => (0..last)
                .filter(|&c| uses[c] == Use::Detail && !headers[c].trim().is_empty())
                .filter(|&c| mapping.is_none_or(|m| !m.columns.contains_key(headers[c].trim())))
                .map(|c| (c, self.suggest(&headers[c])))
                .collect(),
            None => Vec::new(),
        };
        HeaderMap {
            headers: headers.to_vec(),
            uses,
            field_column,
            duplicates,
            unknown_among_fixed,
            empty_headers,
        }
    }
}

/// Levenshtein distance over characters (headers are short).
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_width_case_and_space() {
        assert_eq!(fold(" 個人番号　"), fold("個人番号"));
        assert_eq!(fold("ＭｙＮｕｍｂｅｒ"), fold("mynumber"));
        assert_eq!(fold("氏名（カナ）"), fold("氏名(カナ)"));
        assert_eq!(fold("氏名かな"), fold("氏名カナ"));
        assert_eq!(fold("ｼﾒｲｶﾅ"), fold("シメイカナ"));
    }

    #[test]
    fn maps_labels_ids_and_aliases() {
        let layout = Layout::full();
        let m = Matcher::new(&layout);
        assert_eq!(m.lookup("個人番号"), layout.field_index("myNumber"));
        assert_eq!(m.lookup("myNumber"), layout.field_index("myNumber"));
        assert_eq!(m.lookup("ＭＹＮＵＭＢＥＲ"), layout.field_index("myNumber"));
        assert_eq!(
            m.lookup("basicFiveInfo.name"),
            layout.field_index("basicFiveInfo.name")
        );
        assert_eq!(m.lookup("マイナンバー"), layout.field_index("myNumber"));
        assert_eq!(m.lookup("疾病名"), None);
    }

    #[test]
    fn suggests_near_matches() {
        let layout = Layout::full();
        let m = Matcher::new(&layout);
        assert_eq!(
            m.suggest("公費負担者番"),
            layout.field_index("medicalSubsidyInsurerNumber")
        );
        assert_eq!(m.suggest("疾病名"), None);
    }

    #[test]
    fn duplicates_and_unknowns() {
        let layout = Layout::full();
        let m = Matcher::new(&layout);
        let h: Vec<String> = [
            "個人番号",
            "氏名x",
            "MyNumber",
            "氏名",
            "疾病名",
            "マイナンバー",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let map = m.map(&layout, &h, None);
        // A second column named by label or id is a real duplicate ...
        assert_eq!(
            map.duplicates,
            vec![(2, 0, layout.field_index("myNumber").unwrap())]
        );
        assert_eq!(map.unknown_among_fixed.len(), 1);
        assert_eq!(map.unknown_among_fixed[0].0, 1);
        assert_eq!(map.uses[4], Use::Detail);
        // ... one matching only an alias is a 券面 item sharing the name.
        assert_eq!(map.uses[5], Use::Detail);
    }

    #[test]
    fn explicit_mapping_wins() {
        let layout = Layout::full();
        let m = Matcher::new(&layout);
        let mapping =
            ColumnMapping::from_json(r#"{"columns": {"番号": "myNumber", "メモ": ""}}"#, &layout)
                .unwrap();
        let h: Vec<String> = ["番号", "メモ"].iter().map(|s| (*s).to_owned()).collect();
        let map = m.map(&layout, &h, Some(&mapping));
        assert_eq!(
            map.uses,
            vec![
                Use::Field(layout.field_index("myNumber").unwrap()),
                Use::Ignored
            ]
        );
        assert!(ColumnMapping::from_json(r#"{"columns": {"a": "nope"}}"#, &layout).is_err());
    }
}
