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
/// ひらがな → カタカナ, lower case, no white space, no BOM, no hyphens or dashes (「有効期間-始期」
/// and 「有効期間始期」 name the same column; the katakana long-vowel mark ー is kept), and
/// bracket styles unified to `(` `)`.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = match c {
            '（' | '【' | '［' | '〔' | '「' | '『' | '〈' | '《' | '[' | '<' | '＜' => {
                '('
            }
            '）' | '】' | '］' | '〕' | '」' | '』' | '〉' | '》' | ']' | '>' | '＞' => {
                ')'
            }
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            // ひらがな → カタカナ: 「氏名かな」 names the same column as 「氏名カナ」.
            '\u{3041}'..='\u{3096}' => char::from_u32(u32::from(c) + 0x60).unwrap_or(c),
            _ => c,
        };
        if c.is_whitespace()
            || matches!(
                c,
                '\u{FEFF}' | '\u{200B}' | '_' | '・' | '-' | '\u{2010}'..='\u{2015}' | '\u{2212}'
            )
        {
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
    /// Source header → field id, `"*"` (券面項目) or `""` (ignore). A header named twice in
    /// the file is refused: which of its two targets was meant cannot be told.
    #[serde(deserialize_with = "distinct_columns")]
    pub columns: std::collections::BTreeMap<String, String>,
}

/// The `columns` object, refusing a key given twice (JSON parsers keep the last silently).
fn distinct_columns<'de, D>(d: D) -> Result<std::collections::BTreeMap<String, String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Columns;
    impl<'de> serde::de::Visitor<'de> for Columns {
        type Value = std::collections::BTreeMap<String, String>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object of column name → field id")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = std::collections::BTreeMap::new();
            while let Some((k, v)) = map.next_entry::<String, String>()? {
                if out.contains_key(&k) {
                    return Err(serde::de::Error::custom(format!(
                        "列名「{k}」が2回あります（どちらの対応付けか決められません） / column \"{k}\" is given twice"
                    )));
                }
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Columns)
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
    /// Columns after the fixed ones named exactly like a fixed field held by an earlier column,
    /// kept as 券面 items: (column, first column, field) — S020, so it is never silent.
    pub card_repeats: Vec<(usize, usize, usize)>,
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

/// How a header named a field ([`Matcher::resolve`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    /// The field's Japanese or English label or its id, exactly (after [`fold`]).
    Label,
    /// One of the field's aliases, exactly (after [`fold`]).
    Alias,
    /// A label or alias once its qualifiers and prefixes are read: 「氏名（漢字）」,
    /// 「個人番号（12桁）」, 「受給者生年月日」, 「有効期間（至）」, 「適用期間 (始期)」.
    Qualified,
}

/// Matcher from folded names to fields, built once per layout.
///
/// Two tiers, kept apart on purpose (a wrong match is worse than none):
/// * [`Matcher::lookup`] / [`Matcher::resolve`] — **applied**: an exact label, id or alias, or
///   one after deterministic reading of qualifiers: bracketed notes that only describe the
///   value (「（12桁）」「（和暦）」「（男女）」「（1:男 2:女）」) are dropped; steering ones pick
///   or veto the field (「（カナ）」「（フリガナ）」 only a カナ field, 「（漢字）」 never one,
///   「（自）（始）（始期）（開始）」 only the validity start, 「（至）（終）（終期）（終了）」 only the
///   end); any other note (「住所（送付先）」「氏名（保護者）」) matches nothing, since it names
///   another person's or place's value. Person prefixes (受給者, 対象者, 支給決定者) are read
///   through, and 「開始年月日」「始期」 as 開始日 after a period word (有効期間, 適用期間, …).
///   An answer is given only when every reading agrees on one field.
/// * [`Matcher::suggest`] — **offered** (S014's hint, the page's 候補): a near spelling by edit
///   distance, for unbracketed headers of 4 characters or more, never across カナ/漢字 or
///   start/end, and only when one field is nearest.
#[derive(Debug, Clone)]
pub struct Matcher {
    /// Folded name → (field, how it names it).
    names: HashMap<String, (usize, MatchKind)>,
    /// (folded name, field) for near-match suggestions.
    all: Vec<(Vec<char>, usize)>,
    /// Per field: whether it holds カナ (its label says カナ, or its characters are katakana).
    kana: Vec<bool>,
    /// The validity start and end fields (`keys.valid_from`, `keys.valid_to`).
    valid_from: Option<usize>,
    valid_to: Option<usize>,
}

/// A bracketed note's effect on matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Note {
    /// Describes the value only (「12桁」「和暦」「男女」「1:男2:女」): ignored.
    Neutral,
    /// Only a カナ field.
    Kana,
    /// Never a カナ field.
    Kanji,
    /// Only the validity start.
    From,
    /// Only the validity end.
    To,
    /// Anything else: names something else (「送付先」「保護者」); no match.
    Other,
}

/// Words before a field name that only say whose value it is.
const PERSON_PREFIXES: &[&str] = &["受給者", "対象者", "支給決定者", "受給資格者"];
/// 受給者証券面項目 the seeds name (seed 000 lines 108–116, seed 002 lines 322–335 and 471):
/// never offered as a near spelling of a fixed field (「指定医療機関名」 is not 指定医療機関情報).
const CARD_ITEMS: &[&str] = &[
    "疾病名",
    "指定医療機関名",
    "年齢",
    "交付年月日",
    "受給者証番号",
    "制度",
];
/// Words that name the validity period (longest first).
const PERIOD_WORDS: &[&str] = &[
    "医療費助成資格有効期間",
    "資格有効期間",
    "認定有効期間",
    "有効期間",
    "有効期限",
    "適用期間",
    "認定期間",
    "助成期間",
    "有効",
    "適用",
];
/// Endings after a period word that say which end (folded).
const FROM_WORDS: &[&str] = &["開始日", "開始年月日", "始期", "始期日", "開始", "自", "始"];
const TO_WORDS: &[&str] = &[
    "終了日",
    "終了年月日",
    "終期",
    "終期日",
    "終了",
    "満了日",
    "至",
    "終",
];

fn classify(note: &str) -> Note {
    const KANA: &[&str] = &["カナ", "フリガナ", "カタカナ", "ヨミ", "ヨミガナ", "kana"];
    if KANA.iter().any(|k| note.contains(k)) {
        return Note::Kana;
    }
    if note == "漢字" || note == "漢字氏名" || note == "kanji" {
        return Note::Kanji;
    }
    if [
        "自",
        "始",
        "始期",
        "開始",
        "開始日",
        "から",
        "from",
        "start",
    ]
    .contains(&note)
    {
        return Note::From;
    }
    if ["至", "終", "終期", "終了", "終了日", "まで", "to", "end"].contains(&note) {
        return Note::To;
    }
    const NEUTRAL: &[&str] = &[
        "和暦",
        "西暦",
        "男女",
        "必須",
        "任意",
        "半角",
        "全角",
        "数字",
        "半角数字",
        "英数",
        "半角英数",
        "英数字",
        "半角英数字",
        "日付",
        "数値",
        "コード",
        "文字",
        "全角文字",
    ];
    if NEUTRAL.contains(&note) {
        return Note::Neutral;
    }
    // 「12桁」「8桁」「30文字以内」: a length.
    let digits_then = |suffixes: &[&str]| {
        let rest = note.trim_start_matches(|c: char| c.is_ascii_digit());
        rest.len() < note.len() && suffixes.contains(&rest)
    };
    if digits_then(&["桁", "文字", "文字以内", "桁以内", "桁数字", "桁半角数字"])
    {
        return Note::Neutral;
    }
    // A date format (「yyyy/mm/dd」「yyyymmdd」「yyyy年mm月dd日」) or a code list (「1:男2:女」,
    // 「0:無,1:有」, 「0=いいえ/1=はい」): only these characters.
    let date_like = note
        .chars()
        .all(|c| matches!(c, 'y' | 'm' | 'd' | '/' | '.' | '年' | '月' | '日'));
    let code_like = note.chars().any(|c| c.is_ascii_digit())
        && note.chars().all(|c| {
            c.is_ascii_digit()
                || matches!(c, ':' | '=' | ',' | '、' | '/' | '男' | '女' | '有' | '無')
                || "不明はいいえありなし".contains(c)
        });
    if date_like || code_like {
        return Note::Neutral;
    }
    Note::Other
}

/// Splits a folded header into the text outside brackets and the bracketed notes; `None` when
/// the brackets do not pair up.
fn split_notes(folded: &str) -> Option<(String, Vec<String>)> {
    let mut core = String::new();
    let mut notes = Vec::new();
    let mut cur: Option<String> = None;
    for c in folded.chars() {
        match (c, cur.as_mut()) {
            ('(', None) => cur = Some(String::new()),
            ('(', Some(_)) => return None,
            (')', Some(_)) => notes.push(cur.take().unwrap_or_default()),
            (')', None) => return None,
            (c, Some(n)) => n.push(c),
            (c, None) => core.push(c),
        }
    }
    if cur.is_some() {
        return None;
    }
    Some((core, notes))
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
            .map(|n| (n, MatchKind::Label));
            let aliases = f.aliases.iter().map(|a| (a.as_str(), MatchKind::Alias));
            for (n, kind) in primary.into_iter().chain(aliases) {
                let k = fold(n);
                if k.is_empty() {
                    continue;
                }
                names.entry(k.clone()).or_insert((i, kind));
                all.push((k.chars().collect(), i));
            }
        }
        let kana = layout
            .fields
            .iter()
            .map(|f| {
                fold(&f.label_ja).contains("カナ") || f.chars == crate::layout::CharClass::Katakana
            })
            .collect();
        let k = layout.key_index();
        Self {
            names,
            all,
            kana,
            valid_from: k.valid_from,
            valid_to: k.valid_to,
        }
    }

    /// The field a header names, if any (applied matches only: see [`Matcher::resolve`]).
    pub fn lookup(&self, header: &str) -> Option<usize> {
        self.resolve(header).map(|(f, _)| f)
    }

    /// The field a header names and how: exactly by label/id or alias, or by a qualified
    /// reading that every interpretation agrees on. `None` rather than a guess.
    pub fn resolve(&self, header: &str) -> Option<(usize, MatchKind)> {
        let k = fold(header);
        if k.is_empty() {
            return None;
        }
        if let Some(&(f, kind)) = self.names.get(&k) {
            return Some((f, kind));
        }
        self.qualified(&k, 0).map(|f| (f, MatchKind::Qualified))
    }

    /// The qualified reading of a folded header (see [`Matcher`]).
    fn qualified(&self, k: &str, depth: u8) -> Option<usize> {
        let (mut core, notes) = split_notes(k)?;
        // 「（フリガナ）」「（氏名）」 alone, or after a person word (「支給決定者（住所）」): the
        // note is the name.
        if PERSON_PREFIXES.contains(&core.as_str()) && notes.len() == 1 {
            core.clear();
        }
        if core.is_empty() {
            if notes.len() != 1 || depth > 0 {
                return None;
            }
            let n = &notes[0];
            return self
                .names
                .get(n)
                .map(|&(f, _)| f)
                .or_else(|| self.qualified(n, depth + 1));
        }
        let mut kana: Option<bool> = None;
        let mut side: Option<bool> = None; // Some(true): the end
        let steer = |want: &mut Option<bool>, v: bool| match *want {
            Some(w) if w != v => false,
            _ => {
                *want = Some(v);
                true
            }
        };
        for n in &notes {
            let ok = match classify(n) {
                Note::Neutral => true,
                Note::Kana => steer(&mut kana, true),
                Note::Kanji => steer(&mut kana, false),
                Note::From => steer(&mut side, false),
                Note::To => steer(&mut side, true),
                Note::Other => false,
            };
            if !ok {
                return None;
            }
        }
        // 「氏名漢字」「漢字氏名」: the marker outside brackets.
        for marker in ["漢字"] {
            if let Some(rest) = core
                .strip_suffix(marker)
                .or_else(|| core.strip_prefix(marker))
                && !rest.is_empty()
            {
                core = rest.to_owned();
                if !steer(&mut kana, false) {
                    return None;
                }
            }
        }
        let mut cores = vec![core.clone()];
        for p in PERSON_PREFIXES {
            if let Some(rest) = core.strip_prefix(p)
                && !rest.is_empty()
            {
                cores.push(rest.to_owned());
            }
        }
        let mut found: Option<usize> = None;
        let mut agree = |f: usize| match found {
            Some(g) if g != f => false,
            _ => {
                found = Some(f);
                true
            }
        };
        for c in &cores {
            for f in self.readings(c, kana, side) {
                if !agree(f) {
                    return None;
                }
            }
        }
        let f = found?;
        // Steering notes veto whatever does not fit them.
        if kana.is_some_and(|want| self.kana.get(f).copied() != Some(want)) {
            return None;
        }
        match side {
            Some(false) if Some(f) != self.valid_from => None,
            Some(true) if Some(f) != self.valid_to => None,
            _ => Some(f),
        }
    }

    /// Every field one unbracketed core can name, given the steering notes.
    fn readings(&self, core: &str, kana: Option<bool>, side: Option<bool>) -> Vec<usize> {
        let mut out = Vec::new();
        let mut push = |f: usize| {
            if !out.contains(&f) {
                out.push(f);
            }
        };
        if let Some(&(f, _)) = self.names.get(core) {
            // 「氏名（カナ）」: the label plus カナ names the カナ field.
            if kana == Some(true) && !self.kana.get(f).copied().unwrap_or(false) {
                for k in [format!("{core}カナ"), format!("カナ{core}")] {
                    if let Some(&(g, _)) = self.names.get(&k) {
                        push(g);
                    }
                }
            } else {
                push(f);
            }
        }
        // A period word plus an end: 「有効期間（至）」「適用期間始期」「有効期間開始年月日」.
        for w in PERIOD_WORDS {
            let Some(rest) = core.strip_prefix(w) else {
                continue;
            };
            let end = if FROM_WORDS.contains(&rest) {
                Some(false)
            } else if TO_WORDS.contains(&rest) {
                Some(true)
            } else if rest.is_empty() {
                side
            } else {
                None
            };
            if let Some(to) = end
                && side.is_none_or(|s| s == to)
            {
                let f = if to { self.valid_to } else { self.valid_from };
                if let Some(f) = f {
                    push(f);
                }
            }
            break;
        }
        // 「開始年月日」「終了年月日」 alone, as 開始日/終了日.
        match core {
            "開始年月日" => {
                if let Some(f) = self.valid_from {
                    push(f);
                }
            }
            "終了年月日" => {
                if let Some(f) = self.valid_to {
                    push(f);
                }
            }
            _ => {}
        }
        out
    }

    /// A field whose name is close to `header`, to offer (never applied): a typo — edit
    /// distance 1 from exactly one field's name of 4 characters or more, with the same first
    /// character (「母氏名カナ」「保護者氏名」 name another person, not a misspelt 氏名カナ).
    /// None for bracketed headers (their notes were read by [`Matcher::resolve`]), headers
    /// under 4 characters (「種別」 is not 「性別」), the 券面 items the seeds name, or across
    /// カナ/漢字 and start/end.
    pub fn suggest(&self, header: &str) -> Option<usize> {
        let folded = fold(header);
        // A header that names a field but is not used as it is a 券面 repeat of a fixed label
        // (the field is held by an earlier column): offering the field would be wrong.
        if folded.contains(['(', ')'])
            || CARD_ITEMS.iter().any(|c| fold(c) == folded)
            || self.resolve(header).is_some()
        {
            return None;
        }
        let h: Vec<char> = folded.chars().collect();
        if h.len() < 4 {
            return None;
        }
        let has = |words: &[&str]| words.iter().any(|w| folded.contains(w));
        let says_kana = has(&["カナ", "フリガナ", "カタカナ", "ヨミ"]);
        let says_kanji = has(&["漢字"]);
        let says_to = has(&["終", "至", "まで", "満了"]);
        let says_from = has(&["開始", "始", "から"]);
        let mut best: Option<(usize, usize)> = None;
        let mut tie = false;
        for (name, field) in &self.all {
            let is_kana = self.kana.get(*field).copied().unwrap_or(false);
            if (says_kana && !is_kana)
                || (says_kanji && is_kana)
                || (says_to && Some(*field) == self.valid_from)
                || (says_from && Some(*field) == self.valid_to)
                || name.len() < 4
                || name.first() != h.first()
            {
                continue;
            }
            let d = edit_distance(&h, name);
            if d > 1 {
                continue;
            }
            match best {
                Some((bd, bf)) if d == bd && bf != *field => tie = true,
                Some((bd, _)) if d >= bd => {}
                _ => {
                    best = Some((d, *field));
                    tie = false;
                }
            }
        }
        if tie {
            return None;
        }
        best.map(|(_, f)| f)
    }

    /// Maps a header row, honouring an explicit mapping first.
    ///
    /// Which column is the fixed field when a name repeats: the **first** column naming it.
    /// A later column naming a field already taken is a 受給者証券面項目 (kept in order under
    /// its header) when it stands after the last fixed field's first column — the seeds list
    /// 受給者証名 and 公費負担者番号 among the 券面 items — or when it names the field only by an
    /// alias or a qualified reading; a repeat *among* the fixed columns is S005. An explicit
    /// mapping naming two columns of different names as one field is S005 too. A repeat of a
    /// label kept as a 券面 item is listed in `HeaderMap::card_repeats` (S020, information).
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
        let mut explicit_cols = vec![false; headers.len()];
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
                Some(id) => {
                    explicit_cols[col] = true;
                    layout.field_index(id).map_or(Use::Detail, Use::Field)
                }
                None => match self.resolve(h) {
                    // A second column matching only an alias (or a qualified reading) of a
                    // field already present is a 券面 item that happens to share the name
                    // (e.g. 受給者番号 printed on the card).
                    Some((f, kind)) if kind != MatchKind::Label && field_column[f].is_some() => {
                        Use::Detail
                    }
                    Some((f, _)) => Use::Field(f),
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
        // Repeats after the fixed block are 券面 items (see above). The block ends at the last
        // required field's first column (required fields are never 券面 items). A first
        // column naming an optional field stays that field wherever it stands: source data for
        // `build` comes in any column order, and taking it away silently would lose the field.
        let required_cols = layout
            .fields
            .iter()
            .zip(&field_column)
            .filter(|(f, _)| f.required)
            .filter_map(|(_, c)| *c)
            .max();
        let last_fixed = required_cols.or_else(|| field_column.iter().flatten().copied().max());
        let mut card_repeats = Vec::new();
        duplicates.retain(|&(col, first, f)| {
            let after = last_fixed.is_some_and(|last| col > last);
            let same_name = headers[col].trim() == headers[first].trim();
            if after && (!explicit_cols[col] || same_name) {
                uses[col] = Use::Detail;
                card_repeats.push((col, first, f));
                false
            } else {
                true
            }
        });
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
            card_repeats,
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

    /// Issue 10 (2): 券面 columns may repeat fixed labels (seed 000 lines 108–116 list
    /// 受給者証名 and 公費負担者番号 among the 受給者証券面項目); the first column is the fixed
    /// field, a repeat after the fixed block is a 券面 item, a repeat among them is S005.
    #[test]
    fn card_items_may_repeat_fixed_labels() {
        let layout = Layout::full();
        let m = Matcher::new(&layout);
        let fixed: Vec<String> = layout.fields.iter().map(|f| f.label_ja.clone()).collect();
        let card = [
            "受給者証名",
            "公費負担者番号",
            "疾病名",
            "氏名",
            "個人番号",
            "受給者証名",
        ];
        let h: Vec<String> = fixed
            .iter()
            .cloned()
            .chain(card.iter().map(|s| (*s).to_owned()))
            .collect();
        let map = m.map(&layout, &h, None);
        assert!(map.duplicates.is_empty(), "{:?}", map.duplicates);
        assert!(map.unknown_among_fixed.is_empty());
        for (i, _) in layout.fields.iter().enumerate() {
            assert_eq!(map.uses[i], Use::Field(i));
            assert_eq!(map.field_column[i], Some(i));
        }
        assert!(map.uses[fixed.len()..].iter().all(|u| *u == Use::Detail));
        // ... and none of them is offered the field it repeats (the page lists 候補).
        for c in card {
            assert_eq!(m.suggest(c), None, "{c}");
        }
        // A repeat among the fixed columns is still a duplicate.
        let mut among = fixed.clone();
        among.insert(3, "個人番号".to_owned());
        let map = m.map(&layout, &among, None);
        let my = layout.field_index("myNumber").unwrap();
        assert_eq!(map.duplicates, vec![(3, my, my)]);
        // Each label repeat is listed (S020: never silent).
        let repeats: Vec<usize> = m
            .map(&layout, &h, None)
            .card_repeats
            .iter()
            .map(|r| r.0 - fixed.len())
            .collect();
        assert_eq!(repeats, [0, 1, 3, 4, 5]);
        // Without the optional 公費負担者番号 column, a 公費負担者番号 column after the fixed
        // ones is that field (source data comes in any order); the 受給者証名 repeat before it
        // is a 券面 item among fixed columns (S014), not silently anything.
        let ins = layout.field_index("medicalSubsidyInsurerNumber").unwrap();
        let mut without: Vec<String> = fixed.clone();
        without.remove(ins);
        let n = without.len();
        without.extend(["受給者証名", "公費負担者番号"].map(str::to_owned));
        let map = m.map(&layout, &without, None);
        assert!(map.duplicates.is_empty());
        assert_eq!(map.field_column[ins], Some(n + 1));
        assert_eq!(map.uses[n], Use::Detail);
        assert_eq!(map.unknown_among_fixed, [(n, None)]);
        // A mapping names columns: the same name twice is one field first, then a 券面 item;
        // two different names mapped to one field stay a conflict (S005).
        let mapping = ColumnMapping::from_json(
            r#"{"columns": {"氏名": "basicFiveInfo.name", "名前": "basicFiveInfo.name"}}"#,
            &layout,
        )
        .unwrap();
        let mut twice = fixed.clone();
        twice.push("氏名".to_owned());
        let map = m.map(&layout, &twice, Some(&mapping));
        assert!(map.duplicates.is_empty());
        assert_eq!(map.uses[fixed.len()], Use::Detail);
        twice.push("名前".to_owned());
        let map = m.map(&layout, &twice, Some(&mapping));
        let name = layout.field_index("basicFiveInfo.name").unwrap();
        assert_eq!(map.duplicates, vec![(fixed.len() + 1, name, name)]);
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
        // A column named twice: JSON keeps the last silently, the mapping refuses it.
        let twice =
            ColumnMapping::from_json(r#"{"columns": {"番号": "myNumber", "番号": ""}}"#, &layout)
                .unwrap_err();
        assert!(
            twice
                .message(crate::Lang::Ja)
                .contains("列名「番号」が2回あります"),
            "{}",
            twice.message(crate::Lang::Ja)
        );
        // What it writes reads back (keys are distinct).
        assert_eq!(
            ColumnMapping::from_json(&mapping.to_json(), &layout).unwrap(),
            mapping
        );
    }
}
