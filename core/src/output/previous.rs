//! The comparison with the previous upload (`--previous`) in the text and JSON reports: counts
//! (追加 / 変更 / 削除 / 変更なし), the lists as row numbers and field names, and whether an
//! upload is needed at all. Values are never shown: the rows are the clerk's to look up.

use std::fmt::Write as _;

use serde::Serialize;

use crate::layout::Layout;
use crate::output::render::Lang;
use crate::tools::diff::{Comparison, DeletionLimit};

/// Entries of each list shown in the text report at most (the JSON report has them all).
const TEXT_LISTED: usize = 20;

/// The comparison of the current input with the previous upload, for rendering.
#[derive(Debug, Clone, Copy)]
pub struct Previous<'a> {
    /// The previous file as the user named it.
    pub path: &'a str,
    /// The comparison.
    pub comparison: &'a Comparison,
    /// The removal limit in force (`--max-removals`).
    pub limit: DeletionLimit,
}

/// `default`, `50`, `5%`, `all`: the limit as `--max-removals` takes it.
pub fn limit_text(limit: DeletionLimit) -> String {
    match limit {
        DeletionLimit::Default => "default".into(),
        DeletionLimit::Rows(n) => n.to_string(),
        DeletionLimit::Share { basis_points } => {
            let (whole, frac) = (basis_points / 100, basis_points % 100);
            if frac == 0 {
                format!("{whole}%")
            } else {
                format!("{whole}.{frac:02}%")
            }
        }
        DeletionLimit::None => "all".into(),
    }
}

fn limit_label(limit: DeletionLimit, lang: Lang) -> String {
    match (limit, lang) {
        (DeletionLimit::Default, Lang::Ja) => "10件を超え、かつ前回の5%を超える削除はエラー".into(),
        (DeletionLimit::Default, Lang::En) => {
            "more than 10 and more than 5 % of the previous certificates is an error".into()
        }
        (DeletionLimit::None, Lang::Ja) => "上限なし（--max-removals all）".into(),
        (DeletionLimit::None, Lang::En) => "no limit (--max-removals all)".into(),
        (l, Lang::Ja) => format!("{} を超える削除はエラー", limit_text(l)),
        (l, Lang::En) => format!("more than {} is an error", limit_text(l)),
    }
}

fn rows_list(rows: impl Iterator<Item = String>, total: usize, lang: Lang) -> String {
    let shown: Vec<String> = rows.take(TEXT_LISTED).collect();
    let mut s = shown.join(", ");
    if total > shown.len() {
        let _ = match lang {
            Lang::Ja => write!(s, " ほか {}件", total - shown.len()),
            Lang::En => write!(s, " and {} more", total - shown.len()),
        };
    }
    s
}

fn field_names(layout: &Layout, ch: &crate::tools::diff::ChangedCertificate, lang: Lang) -> String {
    let mut names: Vec<String> = ch
        .fields
        .iter()
        .filter_map(|&i| layout.fields.get(i))
        .map(|f| match lang {
            Lang::Ja => f.label_ja.clone(),
            Lang::En => f.label_en.clone(),
        })
        .collect();
    if ch.details {
        names.push(match lang {
            Lang::Ja => "券面項目".into(),
            Lang::En => "certificate items".into(),
        });
    }
    if ch.history_rows {
        names.push(match lang {
            Lang::Ja => "履歴行の数".into(),
            Lang::En => "number of history rows".into(),
        });
    }
    names.join(match lang {
        Lang::Ja => "・",
        Lang::En => ", ",
    })
}

/// The text block: counts, the lists (removed first), and the verdict on the upload.
pub fn text_block(layout: &Layout, p: &Previous<'_>, lang: Lang) -> String {
    let c = p.comparison;
    let (added, changed, removed) = (c.added.len(), c.changed.len(), c.removed.len());
    let mut out = String::new();
    let first = |g: &[u32]| g.first().map_or_else(String::new, u32::to_string);
    let _ = match lang {
        Lang::Ja => {
            let _ = writeln!(out, "\n■ 前回アップロードしたファイルとの比較: {}", p.path);
            let _ = writeln!(
                out,
                "受給者証: 前回 {}件 → 今回 {}件",
                c.previous_certificates, c.current_certificates
            );
            writeln!(
                out,
                "追加 {added}件 / 変更 {changed}件 / 削除 {removed}件 / 変更なし {}件（上限: {}）",
                c.unchanged,
                limit_label(p.limit, lang)
            )
        }
        Lang::En => {
            let _ = writeln!(out, "\n■ Compared with the previous upload: {}", p.path);
            let _ = writeln!(
                out,
                "certificates: previous {} → now {}",
                c.previous_certificates, c.current_certificates
            );
            writeln!(
                out,
                "added {added} / changed {changed} / removed {removed} / unchanged {} (limit: {})",
                c.unchanged,
                limit_label(p.limit, lang)
            )
        }
    };
    if removed > 0 {
        let list = rows_list(c.removed.iter().map(|g| first(&g.rows)), removed, lang);
        let _ = match lang {
            Lang::Ja => writeln!(
                out,
                "削除（PMH から消える受給者証、前回ファイルの行）: {list}"
            ),
            Lang::En => writeln!(
                out,
                "removed (PMH deletes these; rows of the previous file): {list}"
            ),
        };
    }
    if added > 0 {
        let list = rows_list(c.added.iter().map(|g| first(&g.rows)), added, lang);
        let _ = match lang {
            Lang::Ja => writeln!(out, "追加（このファイルの行）: {list}"),
            Lang::En => writeln!(out, "added (rows of this file): {list}"),
        };
    }
    if changed > 0 {
        let list = rows_list(
            c.changed.iter().map(|ch| match lang {
                Lang::Ja => format!(
                    "{}行目（{}）",
                    first(&ch.current_rows),
                    field_names(layout, ch, lang)
                ),
                Lang::En => format!(
                    "row {} ({})",
                    first(&ch.current_rows),
                    field_names(layout, ch, lang)
                ),
            }),
            changed,
            lang,
        );
        let _ = match lang {
            Lang::Ja => writeln!(out, "変更（このファイルの行と項目）: {list}"),
            Lang::En => writeln!(out, "changed (rows of this file, fields): {list}"),
        };
    }
    if c.unchanged_all() {
        let _ = match lang {
            Lang::Ja => writeln!(out, "前回から変更はありません。アップロードは不要です。"),
            Lang::En => writeln!(
                out,
                "Nothing changed since the previous upload: no upload is needed."
            ),
        };
    }
    out
}

/// One changed certificate in the JSON report.
#[derive(Serialize)]
pub(crate) struct JsonChanged<'a> {
    previous_rows: &'a [u32],
    rows: &'a [u32],
    fields: Vec<&'a str>,
    certificate_items: bool,
    history_rows: bool,
}

/// The `"previous"` object of the JSON report. Field order is stable.
#[derive(Serialize)]
pub(crate) struct JsonPrevious<'a> {
    path: &'a str,
    sha256: &'a str,
    rows: u64,
    previous_certificates: u64,
    current_certificates: u64,
    added: usize,
    changed: usize,
    removed: usize,
    unchanged: u64,
    upload_needed: bool,
    max_removals: String,
    removals_within_limit: bool,
    removed_rows: Vec<&'a [u32]>,
    added_rows: Vec<&'a [u32]>,
    changed_certificates: Vec<JsonChanged<'a>>,
}

/// The `"previous"` object: counts, lists (rows of the previous file for removals, of this
/// file otherwise), field ids.
pub(crate) fn json_object<'a>(layout: &'a Layout, p: &Previous<'a>) -> JsonPrevious<'a> {
    let c = p.comparison;
    JsonPrevious {
        path: p.path,
        sha256: &c.previous.sha256,
        rows: c.previous.rows,
        previous_certificates: c.previous_certificates,
        current_certificates: c.current_certificates,
        added: c.added.len(),
        changed: c.changed.len(),
        removed: c.removed.len(),
        unchanged: c.unchanged,
        upload_needed: !c.unchanged_all(),
        max_removals: limit_text(p.limit),
        removals_within_limit: c.removals_allowed(p.limit),
        removed_rows: c.removed.iter().map(|g| g.rows.as_slice()).collect(),
        added_rows: c.added.iter().map(|g| g.rows.as_slice()).collect(),
        changed_certificates: c
            .changed
            .iter()
            .map(|ch| JsonChanged {
                previous_rows: &ch.previous_rows,
                rows: &ch.current_rows,
                fields: ch
                    .fields
                    .iter()
                    .filter_map(|&i| layout.fields.get(i).map(|f| f.id.as_str()))
                    .collect(),
                certificate_items: ch.details,
                history_rows: ch.history_rows,
            })
            .collect(),
    }
}
