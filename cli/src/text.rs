//! Every sentence `pmhcsv` itself writes, in Japanese and English: argument problems,
//! refusals and operating-system errors. Findings and core errors have their own text modules
//! in core (`findings/message.rs`, `findings/error_text/`); the diff summary is in `diff.rs`'s
//! `summary`, written against the same `Lang`.

use std::io;
use std::path::Path;

use pmh_core::Lang;

/// A problem with the command line or the files named on it (exit 2).
#[derive(Debug)]
pub(crate) enum Usage<'a> {
    /// `--max-deletions` that is not N, N% or all.
    MaxDeletions(&'a str),
    /// `--history-key-length` outside 8–50.
    HistoryKeyLength,
    /// `--fill` without `=`.
    Fill(&'a str),
    /// `--history-key sequence` without `--state`.
    SequenceNeedsState,
    /// An output (or the state file) that is an input.
    OverwriteInput(&'a Path),
    /// Two outputs (`-o`, `--report`, `--receipt`, `--state`) that are one file.
    SameOutput {
        /// The file.
        path: &'a Path,
        /// The two options that name it.
        flags: (&'static str, &'static str),
    },
    /// A layout file that cannot be read.
    LayoutUnreadable {
        /// What was given to `--layout`.
        sel: &'a str,
        /// The operating system's words.
        detail: String,
    },
    /// `pmhcsv explain` with a code that does not exist.
    UnknownCode(&'a str),
    /// `--receipt-time` that is not RFC 3339.
    ReceiptTime(&'a str),
    /// `--max-removals` that is not N, N% or all.
    MaxRemovals(&'a str),
    /// `--as-of` that is not a `YYYY-MM-DD` date.
    AsOf(&'a str),
    /// `--previous` with several inputs.
    PreviousOneInput,
    /// `--previous` with standard input (it is read more than once).
    PreviousStdin,
    /// `build -o -` or `diff -o -`: standard output carries the report or the summary, so the
    /// file would be mixed into it (and `-` is no file name to create).
    OutputStdout,
    /// `build --json --previous`: the request body is no 全件 file to compare.
    PreviousWithJson,
    /// `build --previous` refused: the upload file was not written (at this path).
    NothingWritten(&'a Path),
    /// `build --previous -o DEVICE`: the upload file is read back to compare, which a device
    /// or pipe cannot be.
    PreviousNeedsFile(&'a Path),
    /// A file `--previous` cannot compare (the same refusal as `pmhcsv diff`).
    Unusable {
        /// The file.
        path: &'a Path,
        /// Whether it is the previous file (else the current one).
        previous: bool,
        /// Why.
        reason: &'a pmh_core::diff::Unusable,
    },
}

impl Usage<'_> {
    pub(crate) fn message(&self, lang: Lang) -> String {
        let ja = lang == Lang::Ja;
        match self {
            Usage::MaxDeletions(t) if ja => format!(
                "--max-deletions {t}: 件数（50）、割合（10%）または all で指定してください。"
            ),
            Usage::MaxDeletions(t) => {
                format!("--max-deletions {t}: expected a count (50), a share (10%) or all")
            }
            Usage::HistoryKeyLength if ja => {
                "--history-key-length は 8〜50 で指定してください。".into()
            }
            Usage::HistoryKeyLength => "--history-key-length must be 8–50".into(),
            Usage::Fill(f) if ja => format!("--fill {f}: 項目=値 の形で指定してください。"),
            Usage::Fill(f) => format!("--fill {f}: expected FIELD=VALUE"),
            Usage::SequenceNeedsState if ja => {
                "--history-key sequence には --state が必要です（番号を日をまたいで保つため）。"
                    .into()
            }
            Usage::SequenceNeedsState => {
                "--history-key sequence needs --state (to keep the numbers from day to day)".into()
            }
            Usage::OverwriteInput(p) if ja => format!(
                "{}: 入力ファイルと同じファイルには書き込めません（元のデータが失われます）。別の出力先を指定してください。",
                p.display()
            ),
            Usage::OverwriteInput(p) => format!(
                "{}: refusing to write over an input file (its data would be lost); choose another output",
                p.display()
            ),
            Usage::SameOutput { path, flags } if ja => format!(
                "{}: {} と {} に同じファイルが指定されています（後から書いたほうが先のほうを上書きします）。別々のファイルを指定してください。何も書き出していません。",
                path.display(),
                flags.0,
                flags.1
            ),
            Usage::SameOutput { path, flags } => format!(
                "{}: {} and {} name the same file (the one written last would replace the other); give each its own file. Nothing was written",
                path.display(),
                flags.0,
                flags.1
            ),
            Usage::LayoutUnreadable { sel, detail } if ja => {
                format!("レイアウトファイル {sel} を読めません（{detail}）。")
            }
            Usage::LayoutUnreadable { sel, detail } => {
                format!("cannot read layout file {sel}: {detail}")
            }
            Usage::UnknownCode(c) if ja => {
                format!("不明なコードです: {c}（pmhcsv explain で一覧を表示できます）")
            }
            Usage::UnknownCode(c) => {
                format!("unknown code: {c} (run `pmhcsv explain` for the list)")
            }
            Usage::ReceiptTime(t) if ja => format!(
                "--receipt-time の時刻 {t} は RFC 3339 形式ではありません（例: 2025-04-01T09:00:00Z）。"
            ),
            Usage::ReceiptTime(t) => {
                format!("--receipt-time {t} is not an RFC 3339 time (e.g. 2025-04-01T09:00:00Z)")
            }
            Usage::AsOf(t) if ja => format!(
                "--as-of の日付 {t} を読めません。YYYY-MM-DD の形で指定してください（例: 2026-04-01）。"
            ),
            Usage::AsOf(t) => format!("--as-of {t} is not a YYYY-MM-DD date (e.g. 2026-04-01)"),
            Usage::MaxRemovals(t) if ja => format!(
                "--max-removals {t}: 件数（50）、割合（10%）または all で指定してください。"
            ),
            Usage::MaxRemovals(t) => {
                format!("--max-removals {t}: expected a count (50), a share (10%) or all")
            }
            Usage::PreviousOneInput if ja => {
                "--previous と比べられるのは1つのファイルだけです。ファイルを1つ指定してください。".into()
            }
            Usage::PreviousOneInput => {
                "--previous compares one file: give exactly one input".into()
            }
            Usage::PreviousStdin if ja => {
                "--previous では標準入力（-）は使えません（ファイルを2回読むため）。ファイル名を指定してください。".into()
            }
            Usage::PreviousStdin => {
                "--previous cannot read standard input (-), which cannot be read twice: name a file".into()
            }
            Usage::OutputStdout if ja => {
                "-o に -（標準出力）は使えません（標準出力にはこのコマンドの結果が表示されます）。出力するファイル名を指定してください。".into()
            }
            Usage::OutputStdout => {
                "-o - (standard output) cannot take this file: the command prints its results there. Name the file to write".into()
            }
            Usage::PreviousWithJson if ja => {
                "--previous は CSV のアップロードファイルと比べます。--json と一緒には使えません。".into()
            }
            Usage::PreviousWithJson => {
                "--previous compares the CSV upload file: it cannot be used with --json".into()
            }
            Usage::PreviousNeedsFile(p) if ja => format!(
                "{}: --previous は書き出したアップロードファイルを読み直して比べるため、-o にはファイルを指定してください（デバイスやパイプは読み直せません）。",
                p.display()
            ),
            Usage::PreviousNeedsFile(p) => format!(
                "{}: --previous reads the upload file back to compare it, so -o must name a file (a device or pipe cannot be read back)",
                p.display()
            ),
            Usage::NothingWritten(p) if ja => format!(
                "{}: アップロードファイルは書き出していません（前からあったファイルはそのままです）。",
                p.display()
            ),
            Usage::NothingWritten(p) => format!(
                "{}: no upload file was written (a file already there is left as it was)",
                p.display()
            ),
            Usage::Unusable {
                path,
                previous,
                reason,
            } => unusable(path, *previous, reason, ja),
        }
    }
}

/// Why a file cannot be compared with `--previous`, and that nothing was compared.
fn unusable(path: &Path, previous: bool, reason: &pmh_core::diff::Unusable, ja: bool) -> String {
    use pmh_core::diff::Unusable as U;
    let p = path.display();
    let which = match (previous, ja) {
        (true, true) => "前回アップロードしたファイル (--previous)",
        (false, true) => "今回のファイル",
        (true, false) => "the previous upload (--previous)",
        (false, false) => "the current file",
    };
    match (reason, ja) {
        (U::Unreadable { code }, true) => format!(
            "{p}: {which}を読めません（{} {}）。比較しませんでした。{}",
            code.as_str(),
            code.info().title_ja,
            code.info().hint_ja
        ),
        (U::Unreadable { code }, false) => format!(
            "{p}: cannot read {which} ({} {}); nothing was compared. {}",
            code.as_str(),
            code.info().title_en,
            code.info().hint_en
        ),
        (U::NoRows, true) => format!(
            "{p}: {which}にデータの行がありません（空のファイル、見出し行だけ、または見出し行を読めません）。比べると全員が削除されたように見えるため、比較しませんでした。{}",
            if previous {
                "前回アップロードしたファイルを指定してください。"
            } else {
                "受給者のデータの行があるファイルか確認してください。"
            }
        ),
        (U::NoRows, false) => format!(
            "{p}: {which} has no data rows (empty, header only, or no readable header); compared with it everyone would look deleted, so nothing was compared"
        ),
        (U::MissingKeyColumn { label }, true) => format!(
            "{p}: {which}に受給者証を特定する列「{label}」がありません。比べると全員が削除・追加されたように見えるため、比較しませんでした。列名を確認してください。"
        ),
        (U::MissingKeyColumn { label }, false) => format!(
            "{p}: {which} lacks the certificate key column \"{label}\"; everyone would look deleted and added, so nothing was compared. Check the column names"
        ),
        (U::RowsUnread { code, row }, true) => format!(
            "{p}: {which}に読めなかった行があります（{}{} {}）。読めなかった受給者証は削除されたように見えたり数えられなかったりするため、比較しませんでした。{}",
            row.map_or_else(String::new, |r| format!("{r}行目: ")),
            code.as_str(),
            code.info().title_ja,
            code.info().hint_ja
        ),
        (U::RowsUnread { code, row }, false) => format!(
            "{p}: {which} has rows that were not read ({}{} {}); their certificates would look deleted or go uncounted, so nothing was compared. {}",
            row.map_or_else(String::new, |r| format!("row {r}: ")),
            code.as_str(),
            code.info().title_en,
            code.info().hint_en
        ),
        (U::NoKeyedRows, true) => format!(
            "{p}: {which}のどの行も受給者証を特定する項目（個人番号・公費受給者番号など）が空です。比較しませんでした。"
        ),
        (U::NoKeyedRows, false) => format!(
            "{p}: every row of {which} has an empty certificate key (My Number, recipient number …); nothing was compared"
        ),
    }
}

/// An operating-system error writing to standard output (a closed pipe, a full disk), as
/// [`os_error`] words it for a file.
pub(crate) fn stdout_error(e: &io::Error) -> String {
    os_error(Path::new("標準出力 (standard output)"), e)
}

/// An operating-system error on `path`: Japanese first, with the system's own words after
/// (a missing file, a folder, no permission, a full disk, a missing output folder…).
pub(crate) fn os_error(path: &Path, e: &io::Error) -> String {
    use io::ErrorKind as K;
    let ja = match e.kind() {
        K::NotFound => "ファイルまたはフォルダーが見つかりません",
        K::PermissionDenied => "アクセスする権限がありません",
        K::IsADirectory => "ファイルではなくフォルダーです",
        K::NotADirectory => "途中のフォルダー名がフォルダーではありません",
        K::StorageFull => "ディスクの空き容量が足りません",
        K::AlreadyExists => "同じ名前のファイルがすでにあります",
        K::ReadOnlyFilesystem => "書き込みできない場所です",
        K::InvalidData => "ファイルの内容を読み取れません",
        K::UnexpectedEof => "ファイルが途中で終わっています",
        K::Interrupted | K::WouldBlock | K::TimedOut => "読み書きが中断されました",
        K::BrokenPipe => "書き込み先が閉じられました（パイプの受け手が先に終わりました）",
        _ => "読み書きできませんでした",
    };
    format!("{}: {ja}（{e}）", path.display())
}

/// The summary of `pmhcsv layout --from-template`: what was mapped, what was not, which
/// required fields the template lacks, and that its sample rows were ignored.
pub(crate) fn template_summary(
    r: &pmh_core::template::TemplateReport,
    layout: &pmh_core::Layout,
    template: &str,
    output: Option<&Path>,
    lang: Lang,
) -> String {
    use pmh_core::column_letter;
    use pmh_core::template::TemplateColumn as C;
    use std::fmt::Write as _;
    let ja = lang == Lang::Ja;
    let mut s = String::new();
    let sheet = r.sheet.as_deref().map_or(String::new(), |n| {
        if ja {
            format!("シート「{n}」、")
        } else {
            format!("sheet \"{n}\", ")
        }
    });
    let out = output.map_or_else(|| "-".to_owned(), |p| p.display().to_string());
    let _ = if ja {
        writeln!(
            s,
            "公式テンプレート {template}（{sheet}見出し {} 行目、{} 列）からレイアウトを作りました: {out}",
            r.header_row,
            r.headers.len()
        )
    } else {
        writeln!(
            s,
            "layout made from the official template {template} ({sheet}header row {}, {} columns): {out}",
            r.header_row,
            r.headers.len()
        )
    };
    let col = |i: usize| column_letter(u32::try_from(i + 1).unwrap_or(u32::MAX));
    let label_of = |id: &str| {
        layout
            .fields
            .iter()
            .find(|f| f.id == id)
            .map_or(String::new(), |f| f.label_ja.clone())
    };
    let mapped: Vec<String> = r
        .columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match c {
            C::Field { id, our_label } => Some(format!(
                "  {}「{}」→ {our_label}（{id}）",
                col(i),
                r.headers[i]
            )),
            _ => None,
        })
        .collect();
    let _ = if ja {
        writeln!(s, "対応づけた列（{}列）:", mapped.len())
    } else {
        writeln!(s, "mapped columns ({}):", mapped.len())
    };
    for m in &mapped {
        let _ = writeln!(s, "{m}");
    }
    let items: Vec<String> = r
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c, C::CertificateItem))
        .map(|(i, _)| format!("{}「{}」", col(i), r.headers[i]))
        .collect();
    if !items.is_empty() {
        let _ = if ja {
            writeln!(
                s,
                "受給者証券面項目として出力する列（{}列、この順）: {}",
                items.len(),
                items.join("、")
            )
        } else {
            writeln!(
                s,
                "certificate-face items, written in this order ({}): {}",
                items.len(),
                items.join(", ")
            )
        };
    }
    for (i, c) in r.columns.iter().enumerate() {
        if let C::Unmapped {
            field_id,
            suggestion,
        } = c
        {
            let near = suggestion.as_deref().map_or(String::new(), |id| {
                if ja {
                    format!(
                        "（近い項目: {}（{id}）。自動では対応づけていません）",
                        label_of(id)
                    )
                } else {
                    format!(" (close to {id}; not applied)")
                }
            });
            let _ = if ja {
                writeln!(
                    s,
                    "対応づけられなかった列: {}「{}」{near} — 何も検査しない自由記述の項目 {field_id} としてレイアウトに残しました。レイアウトファイルで正しい項目に書き換えてください。",
                    col(i),
                    r.headers[i]
                )
            } else {
                writeln!(
                    s,
                    "column not mapped: {} \"{}\"{near}: kept as the unchecked free-text field {field_id}; edit the layout file to name its field.",
                    col(i),
                    r.headers[i]
                )
            };
        }
    }
    for (id, label) in &r.missing_required {
        let _ = if ja {
            writeln!(
                s,
                "テンプレートにない必須（またはキー）項目: {label}（{id}）— レイアウトには残しました（build はこの列も出力し、validate は列がなければ S004 を報告します）。"
            )
        } else {
            writeln!(
                s,
                "required (or key) field missing from the template: {label} ({id}): kept in the layout (build writes it; validate reports S004 without it)."
            )
        };
    }
    if !r.left_out.is_empty() {
        let names: Vec<String> = r
            .left_out
            .iter()
            .map(|(id, label)| format!("{label}（{id}）"))
            .collect();
        let _ = if ja {
            writeln!(
                s,
                "テンプレートにない任意項目（レイアウトから除きました）: {}",
                names.join("、")
            )
        } else {
            writeln!(
                s,
                "optional fields not in the template (left out): {}",
                names.join(", ")
            )
        };
    }
    if r.rows_above > 0 {
        let _ = if ja {
            writeln!(
                s,
                "見出し行より上の {} 行（表題など）は読み込んでいません。",
                r.rows_above
            )
        } else {
            writeln!(
                s,
                "{} rows above the header (titles) were ignored.",
                r.rows_above
            )
        };
    }
    let _ = if ja {
        writeln!(
            s,
            "見本のデータ行（{} 行）は読み込んでいません（公式の見本の番号は検査用数字が合わないため、データとしては使いません）。",
            r.sample_rows
        )
    } else {
        writeln!(
            s,
            "sample data rows ({}) were ignored (the official sample numbers fail their check digits).",
            r.sample_rows
        )
    };
    let _ = if r.complete() && ja {
        writeln!(
            s,
            "build --layout でこのレイアウトを指定すると、テンプレートと同じ見出し行のファイルを出力します。"
        )
    } else if r.complete() {
        writeln!(
            s,
            "build --layout with this layout writes exactly the template's header row."
        )
    } else if ja {
        writeln!(s, "上の項目を確認してください（終了コード 1）。")
    } else {
        writeln!(s, "check the items above (exit code 1).")
    };
    // The template's header cells are the file's text: an ESC sequence in one must not reach
    // the terminal raw (written visibly, as the reports write them).
    s.lines()
        .fold(String::with_capacity(s.len()), |mut out, line| {
            out.push_str(&pmh_core::visible(line));
            out.push('\n');
            out
        })
}

/// The source commit this binary was built from (`build-support/source_commit.rs`), if known.
pub(crate) const SOURCE_COMMIT: Option<&str> = option_env!("PMH_SOURCE_COMMIT");

/// What `pmhcsv --version` (and `-V`) prints after the name: the tool version, the source
/// commit when known, and each built-in layout's version (the page's footer shows the same).
/// One fact per line, `key: value`, so that a vendor's CI can grep it.
pub(crate) fn version_text() -> String {
    let mut out = String::from(env!("CARGO_PKG_VERSION"));
    match SOURCE_COMMIT {
        Some(commit) => out.push_str(&format!("\ncommit: {commit}")),
        None => out.push_str("\ncommit: unknown (built without git)"),
    }
    for id in pmh_core::Layout::BUILTIN_IDS {
        if let Some(layout) = pmh_core::Layout::builtin(id) {
            out.push_str(&format!(
                "\nlayout {id}: {} ({})",
                layout.version, layout.title_ja
            ));
        }
    }
    out
}
