//! Sentences of help-desk copy (redact) and diff errors, and of the diff's notes.

use super::pick;
use crate::findings::diagnostic::column_letter;
use crate::input::decode::TextEncoding;
use crate::output::render::Lang;
use crate::tools::diff::{DeletionLimit, DiffError, DiffIssue, Side, StateProblem, Unusable};
use crate::tools::redact::RedactError;

impl RedactError {
    /// The sentence in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            RedactError::FindingsChanged {
                original,
                redacted,
                first,
            } => {
                let at = first.map_or(String::new(), |f| {
                    let code = f.code.as_str();
                    match lang {
                        Lang::Ja => format!(
                            "（最初の違い: {code}{}{}）",
                            f.row.map_or(String::new(), |r| format!(" {r}行目")),
                            f.column
                                .map_or(String::new(), |c| format!(" {}列", column_letter(c)))
                        ),
                        Lang::En => format!(
                            " (first difference: {code}{}{})",
                            f.row.map_or(String::new(), |r| format!(" row {r}")),
                            f.column
                                .map_or(String::new(), |c| format!(" column {}", column_letter(c)))
                        ),
                    }
                });
                match lang {
                    Lang::Ja => format!(
                        "匿名化したファイルの検査結果が元のファイルと一致しないため、匿名化ファイルは作成していません。元のファイルの指摘 {original} 件、匿名化後 {redacted} 件{at}。--seed を変えて再実行するか、開発元にお問い合わせください（ファイルは送らず、このメッセージだけをお伝えください）。"
                    ),
                    Lang::En => format!(
                        "the redacted copy would not reproduce the original's findings ({original} before, {redacted} after{at}), so none was written. Try another --seed, or report this message (not the file) to the developers."
                    ),
                }
            }
            RedactError::UnsupportedEncoding { encoding } => match (encoding, lang) {
                (TextEncoding::Ambiguous, Lang::Ja) => "文字コードが判別できない（Shift_JIS と EUC-JP のどちらとしても読める）ため、匿名化ファイルは作成していません。--encoding で文字コードを指定して実行してください。".to_owned(),
                (TextEncoding::Ambiguous, Lang::En) => "The file's encoding cannot be told (it reads as both Shift_JIS and EUC-JP), so no copy was made. Name the encoding with --encoding.".to_owned(),
                (_, Lang::Ja) => format!(
                    "文字コード {} のファイルに、匿名化の前後で同じに読めないバイトまたは文字（JIS X 0208 にない文字など）があるため、匿名化ファイルは作成していません。UTF-8、Shift_JIS (CP932) または EUC-JP で出力し直してから実行してください。",
                    encoding.as_str()
                ),
                (_, Lang::En) => format!(
                    "The {} file holds bytes or characters that do not survive the copy unchanged (characters outside JIS X 0208, for example), so no copy was made. Export the file as UTF-8, Shift_JIS (CP932) or EUC-JP first.",
                    encoding.as_str()
                ),
            },
        }
    }
}

/// `前回のファイル (--from)` / `the earlier snapshot (--from)`.
fn side(s: Side, lang: Lang) -> &'static str {
    match (s, lang) {
        (Side::From, Lang::Ja) => "前回のファイル (--from)",
        (Side::To, Lang::Ja) => "今回のファイル (--to)",
        (Side::From, Lang::En) => "the earlier snapshot (--from)",
        (Side::To, Lang::En) => "the later snapshot (--to)",
    }
}

/// `2行目・3行目 ほか（計 7 行）` / `rows 2, 3 and more (7 rows)`.
fn rows(rows: &[u32], count: u64, lang: Lang) -> String {
    let cut = count > rows.len() as u64;
    match lang {
        Lang::Ja => {
            let list: Vec<String> = rows.iter().map(|r| format!("{r}行目")).collect();
            let more = if cut {
                format!(" ほか（計 {count} 行）")
            } else {
                String::new()
            };
            format!("{}{more}", list.join("・"))
        }
        Lang::En => {
            let list: Vec<String> = rows.iter().map(u32::to_string).collect();
            let more = if cut {
                format!(" and more ({count} rows)")
            } else {
                String::new()
            };
            format!("rows {}{more}", list.join(", "))
        }
    }
}

impl DiffError {
    /// The sentence in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        use DiffError as E;
        let ja = lang == Lang::Ja;
        match self {
            E::NoCertificateKey => pick(
                lang,
                "全件レイアウトに受給者証を特定する項目 (keys.certificate) がありません。",
                "the full layout has no certificate key (keys.certificate)",
            ),
            E::PeriodNeedsValidFrom => pick(
                lang,
                "全件レイアウトに有効期間開始日 (keys.valid_from) がないため、--row-key period は使えません。",
                "the full layout has no keys.valid_from: --row-key period cannot be used",
            ),
            E::NoHistoryKey { layout } => {
                if ja {
                    format!(
                        "差分レイアウト {layout} に履歴キー (keys.history_key) がありません。--layout には差分履歴レイアウトを指定してください。"
                    )
                } else {
                    format!(
                        "layout {layout} has no keys.history_key: --layout must be a diff-history layout"
                    )
                }
            }
            E::NoDeletionFlag { layout, field } => {
                if ja {
                    format!(
                        "差分レイアウト {layout} に削除フラグ「{field}」(真偽値の項目) がありません。"
                    )
                } else {
                    format!("layout {layout} has no boolean deletion flag '{field}'")
                }
            }
            E::UnknownFillField { field } => {
                if ja {
                    format!("--fill の項目 {field} は差分レイアウトにありません。")
                } else {
                    format!("--fill names field {field}, which is not in the diff layout")
                }
            }
            E::SequenceNeedsState => pick(
                lang,
                "履歴キー方式 sequence には前回の状態ファイル (--state) が必要です。初回は --from なしで実行して全件を登録し、状態ファイルを作ってください。",
                "the sequence scheme needs the previous state (--state); run the first time without --from to register everything and create it",
            ),
            E::KeySchemeChanged { changes } => {
                let what: Vec<String> = changes.iter().map(|c| scheme_change(c, ja)).collect();
                if ja {
                    format!(
                        "状態ファイルは別のキー方式で作られています（{}）。受給者証サブキーや履歴キーの採番方法が変わると、PMH に登録済みの履歴と対応しません。変更後の初回連携は、差分履歴のリセットAPI（S00G-E11/E12。登録済みの情報を強制失効させてから登録します）で行う必要があります（資料 000 の 758〜764 行）。--from なしで全件を登録する差分を作り、リセットAPIで連携してください。差分ファイルも状態ファイルも書いていません。",
                        what.join("、")
                    )
                } else {
                    format!(
                        "the state was made under another key scheme ({}). When the numbering of 受給者証サブキー or historyKey changes, PMH's registered history no longer matches: the first upload after the change must go through the reset API (S00G-E11/E12, which forcibly expires what was registered before; seed 000 lines 758-764). Make a diff without --from (everything registered) and upload it through the reset API. No diff and no state were written.",
                        what.join("; ")
                    )
                }
            }
            E::State { line, problem } => {
                let why = problem.why(lang);
                if ja {
                    format!(
                        "状態ファイルの {line} 行目を読めません（{why}）。pmhcsv diff が書いたファイルを指定してください。"
                    )
                } else {
                    format!("state file, line {line}: {why}; pass a file written by pmhcsv diff")
                }
            }
            E::Io(e) => {
                if ja {
                    format!("読み書きできませんでした: {e}")
                } else {
                    format!("cannot read or write: {e}")
                }
            }
            E::UnusableSnapshot { side: s, reason } => {
                let which = side(*s, lang);
                match (reason, ja) {
                    (Unusable::Unreadable { code }, true) => {
                        let i = code.info();
                        format!(
                            "{which}を読めません（{} {}）。{}このまま差分を作ると全員が削除されるため、差分を作りませんでした。",
                            code.as_str(),
                            i.title_ja,
                            i.hint_ja
                        )
                    }
                    (Unusable::Unreadable { code }, false) => {
                        let i = code.info();
                        format!(
                            "cannot read {which} ({} {}). {} A diff from it would delete everyone, so none was made",
                            code.as_str(),
                            i.title_en,
                            i.hint_en
                        )
                    }
                    (Unusable::NoRows, true) => format!(
                        "{which} にデータの行がありません（空のファイル、見出し行だけ、または見出し行を読めません）。このまま差分を作ると全員が削除されるため、差分を作りませんでした。"
                    ),
                    (Unusable::NoRows, false) => format!(
                        "{which} has no data rows (empty, header only, or no readable header); a diff from it would delete everyone, so none was made"
                    ),
                    (Unusable::MissingKeyColumn { label }, true) => format!(
                        "{which} に受給者証を特定する列「{label}」がありません。このまま差分を作ると全員が削除・再登録されるため、差分を作りませんでした。列名を確認してください。"
                    ),
                    (Unusable::MissingKeyColumn { label }, false) => format!(
                        "{which} lacks the certificate key column \"{label}\"; a diff would delete and re-register everyone, so none was made. Check the column names"
                    ),
                    (Unusable::RowsUnread { code, row }, true) => {
                        let i = code.info();
                        format!(
                            "{which} に読めなかった行があります（{}{} {}）。読めなかった受給者証が削除または登録漏れになるため、差分を作りませんでした。{}",
                            row.map_or_else(String::new, |r| format!("{r}行目: ")),
                            code.as_str(),
                            i.title_ja,
                            i.hint_ja
                        )
                    }
                    (Unusable::RowsUnread { code, row }, false) => {
                        let i = code.info();
                        format!(
                            "{which} has rows that were not read ({}{} {}); their certificates would be deleted or left out, so no diff was made. {}",
                            row.map_or_else(String::new, |r| format!("row {r}: ")),
                            code.as_str(),
                            i.title_en,
                            i.hint_en
                        )
                    }
                    (Unusable::NoKeyedRows, true) => format!(
                        "{which} のどの行も受給者証を特定する項目（個人番号・公費受給者番号など）が空です。差分を作りませんでした。"
                    ),
                    (Unusable::NoKeyedRows, false) => format!(
                        "{which}: every row's certificate key (My Number, recipient number …) is empty; no diff was made"
                    ),
                }
            }
            E::TooManyDeletions {
                deletions,
                previous,
                limit,
            } => {
                let limit_ja = match limit {
                    DeletionLimit::Default => "10件かつ5%".to_owned(),
                    DeletionLimit::Rows(n) => format!("{n}件"),
                    DeletionLimit::Share { basis_points } => {
                        format!("{}%", f64::from(*basis_points) / 100.0)
                    }
                    DeletionLimit::None => "なし".to_owned(),
                };
                let limit_en = match limit {
                    DeletionLimit::Default => "10 and 5 %".to_owned(),
                    DeletionLimit::Rows(n) => n.to_string(),
                    DeletionLimit::Share { basis_points } => {
                        format!("{} %", f64::from(*basis_points) / 100.0)
                    }
                    DeletionLimit::None => "none".to_owned(),
                };
                if ja {
                    format!(
                        "削除が {deletions} 件（前回 {previous} 件の受給者証のうち）あり、上限（{limit_ja}）を超えるため差分を作りませんでした。今回のファイルに行の欠け（Excel のフィルター、途中で止まった出力、別のシート）がないか確認してください。削除が正しい場合は --max-deletions で上限を指定して実行してください（例: --max-deletions {deletions}）。"
                    )
                } else {
                    format!(
                        "{deletions} deletions (of {previous} certificates last time) exceed the limit ({limit_en}), so no diff was made. Check today's file for missing rows (an Excel filter, an export that stopped, another sheet); if the deletions are right, run with --max-deletions (e.g. --max-deletions {deletions})"
                    )
                }
            }
            E::Unencodable { row, column, ch } => {
                let cp = u32::from(*ch);
                if ja {
                    format!(
                        "今回のファイルの {row} 行目「{column}」の文字（U+{cp:04X}）は差分ファイルの文字コード（Shift_JIS）で書けないため、差分を作りませんでした。書き出すと「&#{cp};」という文字列がそのまま登録されます。受給者証の表記と照らして標準の文字に置き換えるか、差分レイアウトの出力文字コードを UTF-8 にしてください。"
                    )
                } else {
                    format!(
                        "row {row} of today's file: \"{column}\" holds a character (U+{cp:04X}) the diff file's encoding (Shift_JIS) cannot hold, so no diff was made (it would be registered as the text \"&#{cp};\"). Replace it with the standard character after checking the certificate, or set the diff layout's output encoding to UTF-8."
                    )
                }
            }
            E::Changed(s) => {
                if ja {
                    format!(
                        "{} が読み取り中に変更されました。ファイルの書き出しが終わってから実行してください。",
                        side(*s, lang)
                    )
                } else {
                    format!(
                        "{} changed while it was being read; run again once it is completely written.",
                        side(*s, lang)
                    )
                }
            }
        }
    }
}

impl StateProblem {
    fn why(&self, lang: Lang) -> String {
        use StateProblem as S;
        if let S::Expected(word) = self {
            return match lang {
                Lang::Ja => format!("「{word}」で始まる行のはずです"),
                Lang::En => format!("expected `{word}`"),
            };
        }
        let (ja, en) = match self {
            S::NotText => ("文字として読めません", "not text"),
            S::NotAState => (
                "pmhcsv diff の状態ファイルではありません",
                "not a pmhcsv diff state",
            ),
            S::Expected(_) => ("", ""),
            S::UnknownScheme => ("知らない履歴キー方式です", "unknown scheme"),
            S::UnknownRowKey => ("知らない行の識別です", "unknown row key"),
            S::BadCount => ("件数が数ではありません", "bad count"),
            S::BadRowKey => ("行の識別が壊れています", "bad row key"),
            S::BadContent => ("内容の指紋が壊れています", "bad content"),
            S::BadCounter => ("カウンタの行が壊れています", "bad counter"),
            S::TextAfterEnd => (
                "状態の終わりの後に文字があります",
                "text after the end of the state",
            ),
            S::EndsEarly => ("ファイルが途中で終わっています", "the file ends early"),
        };
        pick(lang, ja, en)
    }
}

impl DiffIssue {
    /// The sentence in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        use DiffIssue as I;
        let ja = lang == Lang::Ja;
        match self {
            I::Collision {
                side: s,
                rows: r,
                count,
                written,
            } => {
                let (s, r) = (side(*s, lang), rows(r, *count, lang));
                if ja {
                    let what = if *written {
                        "前回どちらが登録されたか判断できないため、今回の行を更新として出力しました。"
                    } else {
                        "どちらが正しいか判断できないため、この受給者証の差分は出力していません。元のデータを直してから作り直してください。"
                    };
                    format!(
                        "{s} の {r} は、同じ受給者証（受給者証を特定する項目が同じ）で有効期間開始日も同じです。{what}"
                    )
                } else {
                    let what = if *written {
                        "which one was registered cannot be told, so the later row was written as an update."
                    } else {
                        "which one is right cannot be told, so nothing was written for this certificate. Fix the source data and run again."
                    };
                    format!("{s}, {r}: the same certificate key and validity start; {what}")
                }
            }
            I::EmptyKey {
                side: s,
                rows: r,
                count,
            } => {
                let (s, r) = (side(*s, lang), rows(r, *count, lang));
                if ja {
                    format!(
                        "{s} の {r} は、受給者証を特定する項目（個人番号・公費受給者番号など）がすべて空のため、差分に含めていません。"
                    )
                } else {
                    format!(
                        "{s}, {r}: every certificate key field is empty; not included in the diff."
                    )
                }
            }
            I::Filled {
                field,
                label,
                value,
                count,
            } => {
                if ja {
                    format!(
                        "差分履歴レイアウトで必須の「{label}」({field}) が空の {count} 行に「{value}」を入れました（全件ファイルでは任意項目のため）。違う場合は --fill {field}=値 で指定してください。"
                    )
                } else {
                    format!(
                        "{field} is required in the diff layout but optional in the full one: \"{value}\" was written into {count} empty cells (use --fill {field}=VALUE otherwise)."
                    )
                }
            }
            I::UnknownHistoryKey { rows: r, count } => {
                let r = rows(r, *count, lang);
                if ja {
                    format!(
                        "前回のファイル (--from) の {r} は今回なくなりましたが、状態ファイルに履歴キーがないため削除レコードを出力できませんでした。状態ファイルが前回の差分作成時のものか確認してください。"
                    )
                } else {
                    format!(
                        "the earlier snapshot (--from), {r}: gone now, but the state has no historyKey for them, so no deletion record was written. Check that the state belongs to the previous run."
                    )
                }
            }
            I::StateIncomplete { count } => {
                if ja {
                    format!(
                        "変更のなかった {count} 行の履歴キーが状態ファイルにありません。次回以降、これらの更新・削除に履歴キーを付けられません。状態ファイルが前回の差分作成時のものか確認してください。"
                    )
                } else {
                    format!(
                        "{count} unchanged rows have no historyKey in the state; their later updates and deletions cannot carry one. Check that the state belongs to the previous run."
                    )
                }
            }
            I::StateFromOtherSnapshot => pick(
                lang,
                "状態ファイルは、今回 --from に指定したファイルとは別のファイルから作られています。前回 --to に指定したファイルを --from に指定してください（履歴キーがずれるおそれがあります）。",
                "the state was written after another snapshot than --from: pass the previous --to file as --from (history keys may not match).",
            ),
            I::FieldsNotInDiffLayout { fields } => {
                if ja {
                    format!(
                        "全件レイアウトの項目 {} は差分履歴レイアウトにないため出力していません。",
                        fields.join("・")
                    )
                } else {
                    format!(
                        "fields {} of the full layout are not in the diff layout and were not written.",
                        fields.join(", ")
                    )
                }
            }
        }
    }
}

/// One key-scheme difference, for [`DiffError::KeySchemeChanged`]'s message.
fn scheme_change(c: &crate::tools::diff::KeySchemeChange, ja: bool) -> String {
    use crate::tools::diff::KeySchemeChange as K;
    match (c, ja) {
        (K::HistoryKey { was, now }, true) => format!(
            "履歴キー方式: 状態ファイル「{}」、今回「{}」",
            was.as_str(),
            now.as_str()
        ),
        (K::HistoryKey { was, now }, false) => format!(
            "historyKey scheme: state \"{}\", this run \"{}\"",
            was.as_str(),
            now.as_str()
        ),
        (K::RowKey { was, now }, true) => format!(
            "履歴行の識別 (--row-key): 状態ファイル「{}」、今回「{}」",
            was.as_str(),
            now.as_str()
        ),
        (K::RowKey { was, now }, false) => format!(
            "row key (--row-key): state \"{}\", this run \"{}\"",
            was.as_str(),
            now.as_str()
        ),
        (K::CertificateKey { was, now }, true) => format!(
            "受給者証を特定する項目 (keys.certificate): 状態ファイル {}、今回 {}",
            was.join("+"),
            now.join("+")
        ),
        (K::CertificateKey { was, now }, false) => format!(
            "certificate key fields (keys.certificate): state {}, this run {}",
            was.join("+"),
            now.join("+")
        ),
    }
}
