//! Sentences of layout, mapping and master (制度マスタ) file errors, and the master summary.

use std::fmt::Write as _;

use super::pick;
use crate::check::master::{
    CODE_MAX_CHARS, HEADER, Kind, MasterCell, MasterColumn, MasterError, MasterProblem, Masters,
    Place,
};
use crate::layout::{ConfigError, LayoutError, MappingError};
use crate::output::render::Lang;

impl ConfigError {
    /// The sentence in `lang`; several master problems are listed one per line (`\n- `).
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ConfigError::Layout(e) => e.message(lang),
            ConfigError::Mapping(e) => e.message(lang),
            ConfigError::Master(e) => e.message(lang),
            ConfigError::Masters { file, total, first } => {
                let shown = first.len();
                let mut out = match (lang, *total > shown) {
                    (Lang::Ja, true) => {
                        format!("制度マスタ「{file}」に誤りが{total}件あります（最初の{shown}件）:")
                    }
                    (Lang::Ja, false) => format!("制度マスタ「{file}」に誤りが{total}件あります:"),
                    (Lang::En, true) => {
                        format!("master \"{file}\" has {total} problems (the first {shown}):")
                    }
                    (Lang::En, false) => format!("master \"{file}\" has {total} problems:"),
                };
                for e in first {
                    out.push_str("\n- ");
                    out.push_str(&e.message(lang));
                }
                out
            }
        }
    }
}

impl LayoutError {
    /// The sentence in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        use LayoutError as E;
        let ja = lang == Lang::Ja;
        match self {
            E::Toml { detail } => {
                if ja {
                    format!("レイアウトファイルを読み取れません: {detail}")
                } else {
                    format!("cannot read the layout file: {detail}")
                }
            }
            E::EmptyId => pick(lang, "レイアウトの id が空です", "the layout id is empty"),
            E::NoFields => pick(
                lang,
                "レイアウトに項目 (fields) がありません",
                "the layout has no fields",
            ),
            E::BadDelimiter { delimiter: d } => {
                let d = d.escape_debug();
                if ja {
                    format!(
                        "区切り文字 '{d}' は半角1文字（引用符と改行などの制御文字以外。タブは可）にしてください"
                    )
                } else {
                    format!(
                        "the delimiter '{d}' must be one ASCII character other than a quote or a control character (a tab is allowed)"
                    )
                }
            }
            E::BadBooleans => pick(
                lang,
                "真偽値の表記 (boolean_true / boolean_false) は空でない異なる値にしてください",
                "boolean_true and boolean_false must be different, non-empty spellings",
            ),
            E::BadFieldId { number: n, id } => {
                if ja {
                    format!("{n} 番目の項目の id '{id}' は半角英数字とドットで書いてください")
                } else {
                    format!("field {n}: id '{id}' must be ASCII letters, digits and dots")
                }
            }
            E::EmptyLabel { field: f } => {
                if ja {
                    format!("項目 {f} の日本語名・英語名が空です")
                } else {
                    format!("field {f}: label_ja and label_en must not be empty")
                }
            }
            E::DuplicateFieldId { field: f } => {
                if ja {
                    format!("項目 id '{f}' が重複しています")
                } else {
                    format!("duplicate field id '{f}'")
                }
            }
            E::LengthConflict { field: f } => {
                if ja {
                    format!("項目 {f}: length と min_length/max_length は同時に指定できません")
                } else {
                    format!("field {f}: give either length or min_length/max_length")
                }
            }
            E::MinAboveMax { field: f } => {
                if ja {
                    format!("項目 {f}: min_length が max_length より大きいです")
                } else {
                    format!("field {f}: min_length is greater than max_length")
                }
            }
            E::CodeWithoutCodes { field: f } => {
                if ja {
                    format!("項目 {f}: type = \"code\" には codes の一覧が必要です")
                } else {
                    format!("field {f}: type \"code\" needs a codes list")
                }
            }
            E::CodesOnNonCode { field: f } => {
                if ja {
                    format!("項目 {f}: codes は type = \"code\" の項目にだけ指定できます")
                } else {
                    format!("field {f}: codes are only allowed on type \"code\"")
                }
            }
            E::DuplicateCode { field: f } => {
                if ja {
                    format!("項目 {f}: codes に重複があります")
                } else {
                    format!("field {f}: duplicate code in codes")
                }
            }
            E::UnknownKeyField { field: id } => {
                if ja {
                    format!("keys に指定された項目 '{id}' がレイアウトにありません")
                } else {
                    format!("keys names field '{id}', which is not in the layout")
                }
            }
            E::KeyDateNotDate { field: id } => {
                if ja {
                    format!("keys の日付項目 '{id}' は type = \"date\" にしてください")
                } else {
                    format!("key date field '{id}' must have type \"date\"")
                }
            }
            E::OverlapNeedsValidity => pick(
                lang,
                "no_overlap には valid_from と valid_to の指定が必要です",
                "no_overlap needs valid_from and valid_to",
            ),
            E::ZeroLength { field } => {
                if ja {
                    format!(
                        "項目 {field} の長さ (length / max_length) が 0 です。1 以上にしてください"
                    )
                } else {
                    format!("field {field}: length / max_length is 0; it must be 1 or more")
                }
            }
            E::NoCertificateKey => pick(
                lang,
                "受給者証を特定する項目 (keys.certificate) がありません。重複（K001）や期間の重なり（K002）を確かめられないため、1 つ以上指定してください",
                "keys.certificate is empty: duplicates (K001) and overlapping periods (K002) could not be found; name one field or more",
            ),
            E::RepeatedKeyField { field } => {
                if ja {
                    format!("keys.certificate に項目 {field} が2回あります")
                } else {
                    format!("keys.certificate names {field} twice")
                }
            }
            E::SameValidityFields => pick(
                lang,
                "valid_from と valid_to が同じ項目です。有効期間の逆転（R001）を確かめられないため、別々の項目にしてください",
                "valid_from and valid_to name one field: a reversed period (R001) could never be found; name two fields",
            ),
            E::NoHeaderRow => pick(
                lang,
                "header = false には対応していません（検査も出力も見出し行を前提にしています）。header = true にしてください",
                "header = false is not supported (checks and outputs all expect a header row); set header = true",
            ),
        }
    }
}

impl MappingError {
    /// The sentence in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (MappingError::Json { detail }, Lang::Ja) => {
                format!("列の対応付けファイルを読み取れません: {detail}")
            }
            (MappingError::Json { detail }, Lang::En) => {
                format!("cannot read the mapping file: {detail}")
            }
            (MappingError::UnknownTarget { target, layout }, Lang::Ja) => {
                format!("対応付けファイルの項目ID '{target}' はレイアウト '{layout}' にありません")
            }
            (MappingError::UnknownTarget { target, layout }, Lang::En) => {
                format!("mapping target '{target}' is not a field of layout '{layout}'")
            }
        }
    }
}

/// `「file」12行目` / `"file" line 12`.
fn place(p: &Place, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("「{}」{}行目", p.source, p.line),
        Lang::En => format!("\"{}\" line {}", p.source, p.line),
    }
}

/// The header of a master column: `機関別受給者証種別ID` / `certificate_type_id`.
fn col(c: MasterColumn, lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => c.names()[0],
        Lang::En => c.names()[1],
    }
}

/// `受給者証種別「X」` / `すべての受給者証種別`, or in English.
fn scope(s: Option<&String>, lang: Lang) -> String {
    match (s, lang) {
        (None, Lang::Ja) => "すべての受給者証種別".to_owned(),
        (Some(id), Lang::Ja) => format!("受給者証種別「{id}」"),
        (None, Lang::En) => "every certificate type".to_owned(),
        (Some(id), Lang::En) => format!("certificate type \"{id}\""),
    }
}

/// The "write it half-width" hint.
fn halfwidth(narrow: Option<&String>, lang: Lang) -> String {
    match (narrow, lang) {
        (None, _) => String::new(),
        (Some(n), Lang::Ja) => format!("（全角です。半角で「{n}」と書いてください）"),
        (Some(n), Lang::En) => format!(" (full-width characters: write \"{n}\")"),
    }
}

/// A list of values, `なし` when empty, `… ほかN件` when cut.
fn list_or_none(valid: &[String], more: usize, lang: Lang) -> String {
    if valid.is_empty() {
        return pick(lang, "なし", "none");
    }
    let list = valid.join(", ");
    match (more, lang) {
        (0, _) => list,
        (_, Lang::Ja) => format!("{list} ほか{more}件"),
        (_, Lang::En) => format!("{list} and {more} more"),
    }
}

impl MasterError {
    /// The sentence in `lang`, naming the file, the line and the column.
    pub fn message(&self, lang: Lang) -> String {
        use MasterProblem as P;
        let file = &self.file;
        let ja = lang == Lang::Ja;
        // Problems of the whole file, and the one found after loading: their own sentence.
        match &*self.problem {
            P::Encoding { why } => {
                return if ja {
                    format!(
                        "制度マスタ「{file}」の文字コードを判別できません（UTF-8 または Shift_JIS(CP932) の CSV にしてください）: {}",
                        why.ja()
                    )
                } else {
                    format!(
                        "master \"{file}\": unknown text encoding (save it as a UTF-8 or Shift_JIS (CP932) CSV): {}",
                        why.en()
                    )
                };
            }
            P::Empty => {
                return if ja {
                    format!("制度マスタ「{file}」が空です（見出し行がありません）")
                } else {
                    format!("master \"{file}\" is empty (no header row)")
                };
            }
            P::NoDefinitions => {
                return if ja {
                    format!(
                        "制度マスタ「{file}」に定義の行がありません（見出し行の下に、種類を書いた行が必要です）"
                    )
                } else {
                    format!(
                        "master \"{file}\" defines nothing (rows with a kind are needed below the header row)"
                    )
                };
            }
            P::UndefinedType {
                kind,
                id,
                defined,
                more,
            } => {
                let line = self.line.unwrap_or(0);
                let list = list_or_none(defined, *more, lang);
                return if ja {
                    format!(
                        "制度マスタ「{file}」{line}行目 列「機関別受給者証種別ID」: {} の行が受給者証種別「{id}」を指定していますが、その受給者証種別はどのマスタにも定義されていません（定義済み: {list}）",
                        kind.name(Lang::Ja)
                    )
                } else {
                    format!(
                        "master \"{file}\" line {line}, column \"機関別受給者証種別ID\": this {} row names certificate type \"{id}\", which no master file defines (defined: {list})",
                        kind.name(Lang::En)
                    )
                };
            }
            _ => {}
        }
        let header_row = matches!(
            *self.problem,
            P::DuplicateColumn { .. } | P::UnknownColumn | P::NoKindColumn
        );
        let mut out = String::new();
        if ja {
            let _ = write!(out, "制度マスタ「{file}」");
            if let Some(line) = self.line {
                let _ = write!(out, "{line}行目");
            }
            if header_row {
                out.push_str("（見出し行）");
            }
            match &self.cell {
                Some(MasterCell::At { number, header }) => {
                    let _ = write!(out, " {number}列目「{header}」");
                }
                Some(MasterCell::Number(n)) => {
                    let _ = write!(out, " {n}列目");
                }
                Some(MasterCell::Missing(c)) => {
                    let _ = write!(out, " 列「{}」", col(*c, Lang::Ja));
                }
                None => {}
            }
        } else {
            let _ = write!(out, "master \"{file}\"");
            if let Some(line) = self.line {
                let _ = write!(out, " line {line}");
            }
            if header_row {
                out.push_str(" (header row)");
            }
            match &self.cell {
                Some(MasterCell::At { number, header }) => {
                    let _ = write!(out, ", column {number} \"{header}\"");
                }
                Some(MasterCell::Number(n)) => {
                    let _ = write!(out, ", column {n}");
                }
                Some(MasterCell::Missing(c)) => {
                    let _ = write!(
                        out,
                        ", column \"{}\" ({})",
                        col(*c, Lang::Ja),
                        col(*c, Lang::En)
                    );
                }
                None => {}
            }
        }
        out.push_str(": ");
        out.push_str(&self.problem.detail(lang));
        out
    }
}

impl MasterProblem {
    /// What is wrong, after the place (`制度マスタ「m.csv」3行目 2列目「コード」: ` + this).
    fn detail(&self, lang: Lang) -> String {
        use MasterProblem as P;
        let ja = lang == Lang::Ja;
        let kinds_ja = || Kind::ALL.map(|k| k.name(Lang::Ja)).join("、");
        let kinds_en = || Kind::ALL.map(|k| k.name(Lang::En)).join(", ");
        match self {
            P::Encoding { .. } | P::Empty | P::NoDefinitions | P::UndefinedType { .. } => {
                String::new()
            }
            P::UnclosedQuote => pick(
                lang,
                "引用符 \" が閉じていません（この行から後が1つの値になっています）",
                "unclosed quote \" (the rest of the file became one value)",
            ),
            P::Mojibake => pick(
                lang,
                "文字コードとして読めないバイトがあります（文字化け）",
                "bytes that are not valid text (mojibake)",
            ),
            P::DuplicateColumn {
                column,
                first,
                first_header,
            } => {
                if ja {
                    format!(
                        "列「{}」が {first}列目「{first_header}」と重複しています",
                        col(*column, Lang::Ja)
                    )
                } else {
                    format!(
                        "column \"{}\" ({}) repeats column {first} \"{first_header}\"",
                        col(*column, Lang::Ja),
                        col(*column, Lang::En)
                    )
                }
            }
            P::UnknownColumn => {
                if ja {
                    let list = MasterColumn::ALL.map(|c| col(c, Lang::Ja)).join("、");
                    format!("知らない列名です（使える列: {list}）")
                } else {
                    let list = MasterColumn::ALL.map(|c| col(c, Lang::En)).join(", ");
                    format!("unknown column (known columns: {list}, or their Japanese names)")
                }
            }
            P::NoKindColumn => {
                if ja {
                    format!(
                        "列「種類」がありません（最初の見出し行は「{HEADER}」で始まる必要があります）"
                    )
                } else {
                    format!(
                        "no column \"種類\" (kind); the header row should be \"{HEADER}\" or the English names"
                    )
                }
            }
            P::RequiredColumnMissing { column, kind } => {
                if ja {
                    format!(
                        "列「{}」がありません（{} の行に必要です）",
                        col(*column, Lang::Ja),
                        kind.name(Lang::Ja)
                    )
                } else {
                    format!(
                        "no column \"{}\" ({}), which {} rows need",
                        col(*column, Lang::Ja),
                        col(*column, Lang::En),
                        kind.name(Lang::En)
                    )
                }
            }
            P::ValueWithoutHeader { value: v } => {
                if ja {
                    format!("見出しのない列に値「{v}」があります")
                } else {
                    format!("value \"{v}\" in a column without a header")
                }
            }
            P::KindEmpty => {
                if ja {
                    format!("種類が空です（{} のどれかを書いてください）", kinds_ja())
                } else {
                    format!(
                        "the kind is empty (write one of {} / {})",
                        kinds_ja(),
                        kinds_en()
                    )
                }
            }
            P::KindUnknown { value: v } => {
                if ja {
                    format!("知らない種類「{v}」です（{} のどれか）", kinds_ja())
                } else {
                    format!(
                        "unknown kind \"{v}\" (one of {} / {})",
                        kinds_ja(),
                        kinds_en()
                    )
                }
            }
            P::ColumnNotUsed { kind, value: v } => {
                if ja {
                    format!(
                        "この列は {} の行では使いません（値「{v}」）。列を間違えていませんか",
                        kind.name(Lang::Ja)
                    )
                } else {
                    format!(
                        "this column is not used by {} rows (value \"{v}\"); wrong column?",
                        kind.name(Lang::En)
                    )
                }
            }
            P::ValueRequired { kind } => {
                if ja {
                    format!("{} の行には値が必要です", kind.name(Lang::Ja))
                } else {
                    format!("{} rows need a value here", kind.name(Lang::En))
                }
            }
            P::CodeInTypeRow { id, value: code } => {
                if ja {
                    format!(
                        "受給者証種別の行ではコードを空にしてください（IDは 機関別受給者証種別ID 列の「{id}」です。値「{code}」）"
                    )
                } else {
                    format!(
                        "leave the code empty in certificate_type rows (the ID \"{id}\" is in the certificate_type_id column; value \"{code}\")"
                    )
                }
            }
            P::InsurerNumberFormat {
                value: n,
                halfwidth: h,
            } => {
                let hint = halfwidth(h.as_ref(), lang);
                if ja {
                    format!(
                        "公費負担者番号「{n}」は半角数字8桁ではありません{hint}（複数あるときは ; で区切ります）"
                    )
                } else {
                    format!(
                        "insurer number \"{n}\" is not 8 ASCII digits{hint} (separate several with ;)"
                    )
                }
            }
            P::InsurerNumberTwice { value: n } => {
                if ja {
                    format!("公費負担者番号「{n}」が2回書かれています")
                } else {
                    format!("insurer number \"{n}\" is listed twice")
                }
            }
            P::HoubetsuFormat {
                value: h,
                health_insurance,
                halfwidth: narrow,
            } => {
                let hint = halfwidth(narrow.as_ref(), lang);
                let why = match (health_insurance, lang) {
                    (false, _) => "",
                    (true, Lang::Ja) => "（01〜09 は医療保険の法別で、公費ではありません）",
                    (true, Lang::En) => " (01-09 are health insurance, not public expense)",
                };
                if ja {
                    format!("法別番号「{h}」は半角数字2桁（10〜99）ではありません{why}{hint}")
                } else {
                    format!("houbetsu \"{h}\" is not 2 ASCII digits 10-99{why}{hint}")
                }
            }
            P::HoubetsuTwice { value: h } => {
                if ja {
                    format!("法別番号「{h}」が2回書かれています")
                } else {
                    format!("houbetsu \"{h}\" is listed twice")
                }
            }
            P::InsurerNotInHoubetsu {
                number: n,
                houbetsu,
            } => {
                let list = houbetsu.join(", ");
                let hb = n.get(..2).unwrap_or(n);
                if ja {
                    format!(
                        "公費負担者番号「{n}」の法別「{hb}」が、法別番号 列（{list}）にありません"
                    )
                } else {
                    format!(
                        "insurer number \"{n}\" has houbetsu \"{hb}\", which the houbetsu column ({list}) does not list"
                    )
                }
            }
            P::RecipientCheckValue { value: v } => {
                if ja {
                    format!("「{v}」は使えません（する / しない、または空欄＝法別から自動）")
                } else {
                    format!(
                        "\"{v}\" is not yes/no (する/しない, 1/0, true/false; empty = from the houbetsu)"
                    )
                }
            }
            P::TypeDefinedTwice { id, first } => {
                if ja {
                    format!(
                        "受給者証種別「{id}」は {} で定義済みです（同じIDを2回定義しています）",
                        place(first, lang)
                    )
                } else {
                    format!(
                        "certificate type \"{id}\" is already defined at {}",
                        place(first, lang)
                    )
                }
            }
            P::CodeNotUsable { code } => {
                if ja {
                    format!(
                        "コード「{code}」は使えません（{CODE_MAX_CHARS}文字以内、制御文字なし）"
                    )
                } else {
                    format!(
                        "code \"{code}\" is not usable (at most {CODE_MAX_CHARS} characters, no control characters)"
                    )
                }
            }
            P::ItemNameDiffers {
                item,
                name,
                first_name,
                first,
            } => {
                if ja {
                    format!(
                        "項目コード「{item}」の項目名「{name}」が、{} の項目名「{first_name}」と違います",
                        place(first, lang)
                    )
                } else {
                    format!(
                        "item \"{item}\" is named \"{name}\" here but \"{first_name}\" at {}",
                        place(first, lang)
                    )
                }
            }
            P::AlreadyDefined {
                kind,
                value,
                scope: here,
                first,
                first_scope,
            } => {
                if ja {
                    format!(
                        "{}「{value}」（{}）は {} で既に定義されています（{}）",
                        kind.name(Lang::Ja),
                        scope(here.as_ref(), lang),
                        place(first, lang),
                        scope(first_scope.as_ref(), lang)
                    )
                } else {
                    format!(
                        "{} \"{value}\" ({}) is already defined at {} ({})",
                        kind.name(Lang::En),
                        scope(here.as_ref(), lang),
                        place(first, lang),
                        scope(first_scope.as_ref(), lang)
                    )
                }
            }
            P::TypeIdTwice { id } => {
                if ja {
                    format!("機関別受給者証種別ID「{id}」が2回書かれています")
                } else {
                    format!("certificate type \"{id}\" is listed twice")
                }
            }
            P::NoTypeId { value } => {
                if ja {
                    format!("「{value}」に機関別受給者証種別IDがありません")
                } else {
                    format!("\"{value}\" contains no certificate type ID")
                }
            }
            P::NotAlnum {
                value: v,
                halfwidth: narrow,
            } => {
                let hint = halfwidth(narrow.as_ref(), lang);
                if ja {
                    format!(
                        "「{v}」は使えません: 半角英数字（0-9, A-Z, a-z）{CODE_MAX_CHARS}文字以内で書いてください{hint}"
                    )
                } else {
                    format!(
                        "\"{v}\" is not usable: use ASCII letters and digits (0-9, A-Z, a-z), at most {CODE_MAX_CHARS}{hint}"
                    )
                }
            }
        }
    }
}

impl Masters {
    /// A short summary for the report, e.g. `制度マスタ（master.csv）: 受給者証種別 2件、区分
    /// 1件、所得区分 1件、追加条件 2項目・3コード`; `制度マスタなし（…）` when empty.
    pub fn describe(&self, lang: Lang) -> String {
        if self.is_empty() {
            return pick(
                lang,
                "制度マスタなし（機関別受給者証種別ID・公費負担者番号・区分・所得区分・追加条件のマスタ照合は行っていません）",
                "no municipality master (certificate type IDs, insurer numbers, segments, income segments and additional conditions were not checked against one)",
            );
        }
        let [types, segments, incomes, items, codes] = self.counts();
        let names = self.source_names();
        match lang {
            Lang::Ja => format!(
                "制度マスタ（{names}）: 受給者証種別 {types}件、区分 {segments}件、所得区分 {incomes}件、追加条件 {items}項目・{codes}コード"
            ),
            Lang::En => format!(
                "municipality master ({names}): {types} certificate types, {segments} segment codes, {incomes} income segment codes, {items} condition items with {codes} codes"
            ),
        }
    }
}
