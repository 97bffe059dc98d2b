//! Sentences of workbook (.xlsx) errors.

use super::pick;
use crate::input::xlsx::{MAX_CELLS, XlsxError};
use crate::output::render::Lang;

impl XlsxError {
    /// The sentence in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        use XlsxError as E;
        let ja = lang == Lang::Ja;
        match self {
            E::Internal => pick(
                lang,
                "Excelファイル(.xlsx)の内容が壊れているため読み取れません(読み取り中に内部エラーが発生しました)",
                "Cannot read the Excel workbook (.xlsx): its content is damaged (internal error while reading)",
            ),
            E::Password => pick(
                lang,
                "パスワードで保護されたExcelファイルは読み取れません。Excelでパスワードを解除して保存し直してください",
                "The workbook is password-protected: remove the password in Excel and save it again",
            ),
            E::Xls => pick(
                lang,
                "旧形式のExcelファイル(.xls)には対応していません。Excelで「Excelブック(*.xlsx)」として保存し直してください",
                "Excel 97-2003 workbooks (.xls) are not supported: save the file as \"Excel Workbook (*.xlsx)\" in Excel",
            ),
            E::Xlsb => pick(
                lang,
                "Excelバイナリブック(.xlsb)には対応していません。Excelで「Excelブック(*.xlsx)」として保存し直してください",
                "Excel binary workbooks (.xlsb) are not supported: save the file as \"Excel Workbook (*.xlsx)\" in Excel",
            ),
            E::NotXlsx { detail } => {
                if ja {
                    format!(
                        "Excelファイル(.xlsx)として読み取れません。ファイルが壊れているか、途中で切れているか、.xlsx以外の形式です(詳細: {detail})"
                    )
                } else {
                    format!(
                        "Cannot read the file as an Excel workbook (.xlsx): it is damaged, truncated or not an .xlsx file ({detail})"
                    )
                }
            }
            E::NoWorksheet => pick(
                lang,
                "このExcelファイルにはワークシートがありません",
                "The workbook has no worksheet",
            ),
            E::SheetNotFound { sheet, worksheets } => {
                let list = quoted_list(worksheets, lang);
                if ja {
                    format!("シート「{sheet}」が見つかりません。このファイルのシート: {list}")
                } else {
                    format!("Sheet \"{sheet}\" not found; the workbook's sheets: {list}")
                }
            }
            E::ChartSheet { sheet, worksheets } => {
                let list = quoted_list(worksheets, lang);
                if ja {
                    format!(
                        "シート「{sheet}」はワークシートではありません(グラフシートなど)。データのあるシートを指定してください。ワークシート: {list}"
                    )
                } else {
                    format!(
                        "Sheet \"{sheet}\" is not a worksheet (a chart sheet?); name a sheet with data. Worksheets: {list}"
                    )
                }
            }
            E::NotAWorksheet { sheet } => {
                if ja {
                    format!("シート「{sheet}」はワークシートではありません")
                } else {
                    format!("Sheet \"{sheet}\" is not a worksheet")
                }
            }
            E::Damaged { sheet, detail } => {
                if ja {
                    format!("シート「{sheet}」の内容が壊れているため読み取れません(詳細: {detail})")
                } else {
                    format!("Cannot read sheet \"{sheet}\": its content is damaged ({detail})")
                }
            }
            E::OutsideGrid { sheet, cell } => {
                if ja {
                    format!(
                        "シート「{sheet}」の内容が壊れているため読み取れません(詳細: セル {cell} がExcelのシートの範囲(1,048,576行×16,384列)の外にあります)"
                    )
                } else {
                    format!(
                        "Cannot read sheet \"{sheet}\": its content is damaged (cell {cell} is outside Excel's grid (1,048,576 rows × 16,384 columns))"
                    )
                }
            }
            E::DuplicateCell { sheet, cell } => {
                if ja {
                    format!(
                        "シート「{sheet}」の内容が壊れているため読み取れません(詳細: セル {cell} に2つの異なる値が書かれています。どちらが正しいか分からず、片方の行が失われるため読み取りを中止しました。Excel で開いて保存し直してください)"
                    )
                } else {
                    format!(
                        "Cannot read sheet \"{sheet}\": its content is damaged (cell {cell} is written twice with different values; which is right cannot be told, and one row would be lost, so reading stopped. Open it in Excel and save it again)"
                    )
                }
            }
            E::CellsOutOfOrder { sheet } => {
                if ja {
                    format!(
                        "シート「{sheet}」の内容が壊れているため読み取れません(詳細: セルの並び順が壊れています)"
                    )
                } else {
                    format!(
                        "Cannot read sheet \"{sheet}\": its content is damaged (cells out of order)"
                    )
                }
            }
            E::CellError { sheet, value } => {
                if ja {
                    format!(
                        "シート「{sheet}」のセルのエラー値「{value}」は読み取れません。Excelでエラーを解消するか、値として貼り付けてから保存し直してください"
                    )
                } else {
                    format!(
                        "Sheet \"{sheet}\": the cell error value \"{value}\" cannot be read; fix the error in Excel, or paste the cells as values, and save again"
                    )
                }
            }
            E::TooLarge {
                sheet,
                rows,
                columns,
            } => {
                if ja {
                    format!(
                        "シート「{sheet}」の使用範囲が大きすぎます({rows}行×{columns}列、上限{MAX_CELLS}セル)。データから離れた位置にある値や空白文字を削除してください"
                    )
                } else {
                    format!(
                        "Sheet \"{sheet}\": the used range is too large ({rows} rows × {columns} columns, limit {MAX_CELLS} cells); delete stray values or spaces far from the data"
                    )
                }
            }
            E::TooLong { sheet, limit_mib } => {
                if ja {
                    format!(
                        "シート「{sheet}」のデータが大きすぎます(CSVにすると{limit_mib} MiBを超えます)。同じ値が非常に多くのセルに入っていないか、データから離れた位置に値がないか確認してください"
                    )
                } else {
                    format!(
                        "Sheet \"{sheet}\" holds too much data (over {limit_mib} MiB as CSV); check for one value filling very many cells, or values far from the data"
                    )
                }
            }
        }
    }
}

/// `「a」「b」` / `"a", "b"`; `(なし)` / `(none)` when empty.
fn quoted_list(names: &[String], lang: Lang) -> String {
    if names.is_empty() {
        return pick(lang, "(なし)", "(none)");
    }
    match lang {
        Lang::Ja => names.iter().map(|n| format!("「{n}」")).collect(),
        Lang::En => names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

impl crate::layout::template::TemplateError {
    /// The sentence in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        use crate::layout::template::TemplateError as E;
        match self {
            E::Xlsx(e) => e.message(lang),
            E::NoHeader(rows) => match lang {
                Lang::Ja => format!(
                    "見出し行が見つかりません（最初の {rows} 行に、レイアウトの項目名と一致する列がありません）。公式テンプレート（ファイル設計書の【3】CSVサンプル）か、1行目が公式の見出し行の CSV を選んでください。"
                ),
                Lang::En => format!(
                    "No header row found (no column of the first {rows} rows names a field of the layout). Choose the official template (the 【3】CSVサンプル sheet of the ファイル設計書) or a CSV whose first row is the official header."
                ),
            },
        }
    }
}
