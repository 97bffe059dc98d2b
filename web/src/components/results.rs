//! Step 3: the summary (upload-ready or not, counts by code), downloads, the grid and the
//! side panel (the selected cell's findings with 修正方法 and repairs, the findings list).

use std::rc::Rc;

use pmh_core::column_letter;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::grid::{ColKind, ColumnHead, Grid};
use crate::dom;
use crate::mapping::Target;
use crate::protocol::{
    BlockEdit, CellRef, CodeCount, DownloadKind, Filter, FindingView, SameFix, Sev,
};
use crate::state::{Active, LayoutRef, MappingState, ResultsState};
use crate::text::{self, Lang, Text};

/// Props of [`ResultsPanel`].
#[derive(Properties, PartialEq)]
pub struct ResultsPanelProps {
    /// UI language.
    pub lang: Lang,
    /// The results.
    pub results: Rc<ResultsState>,
    /// The mapping used (for the grid's column headers).
    pub mapping: Option<Rc<MappingState>>,
    /// The layout.
    pub layout: LayoutRef,
    /// A long job runs.
    pub busy: bool,
    /// Show other rows.
    pub on_filter: Callback<Filter>,
    /// Rows on screen (first, count).
    pub on_need: Callback<(u32, u32)>,
    /// A cell got the focus.
    pub on_activate: Callback<Active>,
    /// Bring a cell into view and focus it.
    pub on_jump: Callback<CellRef>,
    /// Edit a cell.
    pub on_edit: Callback<(CellRef, String)>,
    /// Apply a repair: cell, code, to every cell with the code.
    pub on_repair: Callback<(CellRef, String, bool)>,
    /// Undo the last change.
    pub on_undo: Callback<()>,
    /// Leave a row out of the upload.
    pub on_exclude: Callback<u32>,
    /// Replace in a column: (column, find, replace).
    pub on_replace: Callback<(u32, String, String)>,
    /// 「同じ値のセルをすべて直す」.
    pub on_fix_same: Callback<SameFix>,
    /// Set a block of cells of the grid's selected range.
    pub on_cells: Callback<(Vec<(CellRef, String)>, BlockEdit)>,
    /// A copy of a range wider than the rows loaded was refused.
    pub on_range_too_large: Callback<()>,
    /// Redo the last change undone.
    pub on_redo: Callback<()>,
    /// Paste cells copied from Excel at a cell.
    pub on_paste: Callback<(CellRef, String)>,
    /// Show findings list page: code, offset.
    pub on_list: Callback<(Option<String>, u32)>,
    /// Download a file.
    pub on_download: Callback<DownloadKind>,
    /// Answer the download confirmation.
    pub on_confirm: Callback<bool>,
    /// Back to the mapping.
    pub on_back: Callback<()>,
}

fn sev_badge(lang: Lang, s: Sev) -> Html {
    let class = match s {
        Sev::Error => "badge sev-error",
        Sev::Warning => "badge sev-warning",
        Sev::Info => "badge sev-info",
    };
    html! { <span {class}>{ text::severity(lang, s) }</span> }
}

/// The grid's column headers from the mapping.
fn columns(lang: Lang, layout: &LayoutRef, mapping: Option<&MappingState>) -> Vec<ColumnHead> {
    let Some(m) = mapping else { return Vec::new() };
    m.preview
        .headers
        .iter()
        .enumerate()
        .map(|(c, header)| {
            let (target, kind) = match m.targets.get(c) {
                Some(Target::Field(id)) => (
                    layout
                        .0
                        .field_index(id)
                        .and_then(|i| layout.0.fields.get(i))
                        .map_or_else(
                            || id.clone(),
                            |f| lang.pick(f.label_ja.clone(), f.label_en.clone()),
                        ),
                    ColKind::Field,
                ),
                Some(Target::Ignore) => (Text::Ignored.get(lang).to_owned(), ColKind::Ignored),
                _ => (Text::DetailItem.get(lang).to_owned(), ColKind::Detail),
            };
            // Wide enough for the header, the field and the sample values (CJK characters are
            // about twice as wide as ASCII ones).
            let px =
                |s: &str| -> u32 { s.chars().map(|c| if c.is_ascii() { 8 } else { 14 }).sum() };
            let widest = m
                .preview
                .samples
                .get(c)
                .into_iter()
                .flatten()
                .map(|s| px(s))
                .chain([px(header), px(&target) * 11 / 13])
                .max()
                .unwrap_or(0);
            let width = (widest + 20).clamp(72, 240);
            ColumnHead {
                letter: column_letter(c as u32 + 1),
                header: header.clone(),
                target,
                kind,
                width,
            }
        })
        .collect()
}

/// The verdict, counts and facts of the check.
fn summary_box(lang: Lang, r: &ResultsState) -> Html {
    let s = &r.summary;
    let deletes = s
        .previous
        .as_ref()
        .filter(|p| p.over_limit)
        .map(|p| p.removed);
    let not_compared = s
        .previous
        .as_ref()
        .is_some_and(crate::protocol::PreviousView::not_compared);
    let verdict = if s.upload_ready {
        html! { <p id="verdict" class="verdict is-ready">{ "✔ " }{ Text::VerdictReady.get(lang) }</p> }
    } else if let (0, Some(removed)) = (s.errors, deletes) {
        html! { <p id="verdict" class="verdict is-not-ready">{ "✖ " }{ text::verdict_deletions(lang, removed) }</p> }
    } else if s.errors == 0 && not_compared {
        html! { <p id="verdict" class="verdict is-not-ready">{ "✖ " }{ Text::VerdictNotCompared.get(lang) }</p> }
    } else {
        html! { <p id="verdict" class="verdict is-not-ready">{ "✖ " }{ text::verdict_not_ready(lang, s.errors, s.error_rows) }</p> }
    };
    let source = s
        .source
        .as_ref()
        .map(|src| text::source_name(lang, src))
        .unwrap_or_default();
    let sheet = s
        .sheet
        .as_ref()
        .map(|n| format!(" [{n}]"))
        .unwrap_or_default();
    html! {
        <div class="summary-box" id="summary">
            <h2 id="results-heading" tabindex="-1">{ Text::ResultsHeading.get(lang) }</h2>
            { verdict }
            <p id="counts" class="counts">{ text::counts_line(lang, s.rows, s.errors, s.warnings, s.infos) }</p>
            <p class="muted small" id="facts">
                { text::facts_line(
                    lang,
                    &format!("{source}{sheet}"),
                    lang.msg(&s.layout),
                    lang.msg(&s.masters),
                    &text::check_time(lang, r.check_ms.0, r.check_ms.1),
                ) }
            </p>
            if s.truncated {
                <p class="warning-box">{ Text::Truncated.get(lang) }</p>
            }
        </div>
    }
}

/// The columns uploaded as 受給者証券面項目, each with a sample value, so that nothing is
/// uploaded the clerk did not choose to.
fn details_box(lang: Lang, m: Option<&MappingState>) -> Html {
    let Some(m) = m else { return html! {} };
    let lines: Vec<String> = m
        .targets
        .iter()
        .enumerate()
        .filter(|(_, t)| **t == Target::Detail)
        .filter_map(|(c, _)| {
            let header = m.preview.headers.get(c)?;
            let sample = m
                .preview
                .samples
                .get(c)
                .and_then(|s| s.first())
                .cloned()
                .unwrap_or_default();
            Some(text::prep::detail_line(lang, header.trim(), &sample))
        })
        .collect();
    html! {
        <div class="details-box" id="detail-columns">
            <h3>{ text::prep::details_heading(lang) }</h3>
            if lines.is_empty() {
                <p class="muted small">{ text::prep::details_none(lang) }</p>
            } else {
                <ul>{ for lines.into_iter().map(|l| html! { <li>{ l }</li> }) }</ul>
            }
        </div>
    }
}

/// One download button.
fn download_button(
    lang: Lang,
    busy: bool,
    on_download: &Callback<DownloadKind>,
    (kind, id, label, primary): (DownloadKind, &'static str, Text, bool),
) -> Html {
    html! {
        <button
            type="button"
            {id}
            class={classes!(primary.then_some("primary"))}
            disabled={busy}
            onclick={on_download.reform(move |_: MouseEvent| kind)}
        >
            { label.get(lang) }
        </button>
    }
}

/// The help-desk copy and the receipt, with their notes.
fn downloads_more(
    lang: Lang,
    r: &ResultsState,
    busy: bool,
    on_download: &Callback<DownloadKind>,
) -> Html {
    let s = &r.summary;
    let button = |spec| download_button(lang, busy, on_download, spec);
    html! {
        <div class="downloads-more" role="group" aria-labelledby="downloads-more-heading">
            <h3 id="downloads-more-heading">{ Text::DownloadsMore.get(lang) }</h3>
            { button((DownloadKind::Helpdesk, "download-helpdesk", Text::DownloadHelpdesk, false)) }
            <p class="muted small download-note" id="helpdesk-note">
                { Text::HelpdeskNote.get(lang) }
                if s.workbook {
                    { text::sentence_gap(lang) }{ Text::HelpdeskNoteWorkbook.get(lang) }
                }
            </p>
            { button((DownloadKind::Receipt, "download-receipt", Text::DownloadReceipt, false)) }
            <p class="muted small download-note" id="receipt-note">
                { Text::ReceiptNote.get(lang) }{ text::sentence_gap(lang) }
                { text::receipt_upload(lang, r.upload_saved(), s.changes) }
            </p>
        </div>
    }
}

/// The question before an upload file is downloaded while errors remain.
fn confirm_box(lang: Lang, r: &ResultsState, on_confirm: &Callback<bool>) -> Option<Html> {
    let s = &r.summary;
    let deletes = s
        .previous
        .as_ref()
        .filter(|p| p.over_limit)
        .map(|p| p.removed);
    let not_compared = s
        .previous
        .as_ref()
        .is_some_and(crate::protocol::PreviousView::not_compared);
    // The dialog is named by the paragraphs it shows (one or more of them).
    let labels = [
        (deletes.is_some(), "confirm-deletions"),
        (not_compared, "confirm-not-compared"),
        (s.unread_lines > 0, "confirm-unread"),
        (s.header_only, "confirm-header-only"),
        (!s.header_only && s.errors > 0, "confirm-text"),
    ]
    .iter()
    .filter(|(shown, _)| *shown)
    .map(|(_, id)| *id)
    .collect::<Vec<_>>()
    .join(" ");
    r.confirm.map(|kind| {
        html! {
            <div class="confirm" role="alertdialog" aria-labelledby={labels} id="confirm">
                if let Some(removed) = deletes {
                    <p id="confirm-deletions" class="confirm-deletions">{ text::confirm_deletions(lang, removed) }</p>
                }
                if not_compared {
                    <p id="confirm-not-compared" class="confirm-deletions">{ Text::ConfirmNotCompared.get(lang) }</p>
                }
                if s.unread_lines > 0 {
                    <p id="confirm-unread" class="confirm-deletions">{ text::confirm_unread(lang, s.unread_lines) }</p>
                }
                if s.header_only {
                    <p id="confirm-header-only" class="confirm-deletions">{ text::confirm_header_only(lang) }</p>
                } else if s.errors > 0 {
                    <p id="confirm-text">{ text::confirm_download(lang, kind, s.errors, s.error_rows) }</p>
                }
                <div class="confirm-actions">
                    <button type="button" id="confirm-no" class="primary" onclick={on_confirm.reform(|_: MouseEvent| false)} autofocus=true>
                        { Text::ConfirmNo.get(lang) }
                    </button>
                    <button type="button" id="confirm-yes" onclick={on_confirm.reform(|_: MouseEvent| true)}>
                        { Text::ConfirmYes.get(lang) }
                    </button>
                </div>
            </div>
        }
    })
}

/// The comparison with the previous upload: counts, the verdict, the lists (removed first).
fn previous_box(lang: Lang, p: &crate::protocol::PreviousView) -> Html {
    let list =
        |id: &'static str, heading: Text, rows: &[crate::protocol::PersonRow], total: u64| {
            if rows.is_empty() {
                return html! {};
            }
            let items = rows
                .iter()
                .map(|row| html! { <li>{ text::person_row(lang, row) }</li> });
            let more = total.saturating_sub(rows.len() as u64);
            html! {
                <div class="previous-list" id={id}>
                    <h4>{ heading.get(lang) }</h4>
                    <ul>{ for items }</ul>
                    if more > 0 {
                        <p class="muted small">{ text::more_rows(lang, more) }</p>
                    }
                </div>
            }
        };
    html! {
        <section class="previous-box" id="previous-box" aria-labelledby="previous-heading">
            <h3 id="previous-heading">{ format!("{}：{}", Text::PreviousHeading.get(lang), p.name) }</h3>
            if let Some(reason) = &p.refused {
                <p class="verdict is-not-ready" id="previous-refused" role="alert">{ lang.msg(reason).to_owned() }</p>
            } else {
                <p id="previous-counts">{ text::previous_counts(lang, p) }</p>
                if p.over_limit {
                    <p class="verdict is-not-ready" id="previous-over-limit" role="alert">
                        { text::previous_over_limit(lang, p.removed, p.previous_certificates) }
                    </p>
                }
                if p.nothing_changed() {
                    <p class="verdict is-ready" id="previous-nothing">{ Text::PreviousNothingChanged.get(lang) }</p>
                }
                { list("previous-removed", Text::PreviousRemovedList, &p.removed_list, p.removed) }
                { list("previous-added", Text::PreviousAddedList, &p.added_list, p.added) }
                { list("previous-changed", Text::PreviousChangedList, &p.changed_list, p.changed) }
            }
        </section>
    }
}

/// Findings about the whole file or its header.
fn file_findings_box(lang: Lang, findings: &[FindingView]) -> Option<Html> {
    (!findings.is_empty()).then(|| {
        let items = findings.iter().map(|f| {
            html! {
                <li class="finding">
                    { sev_badge(lang, f.severity) }
                    <span class="code">{ f.code.clone() }</span>
                    <span class="message">{ lang.msg(&f.message).to_owned() }</span>
                    <span class="hint">{ format!("{}：{}", Text::Fix.get(lang), lang.msg(&f.hint)) }</span>
                </li>
            }
        });
        html! {
            <details class="file-findings" open={findings.iter().any(|f| f.severity != Sev::Info)}>
                <summary>{ format!("{}（{}）", Text::FileFindings.get(lang), findings.len()) }</summary>
                <ul>{ for items }</ul>
            </details>
        }
    })
}

/// The grid's toolbar: the row filter, the change count, undo and back.
fn toolbar(props: &ResultsPanelProps) -> Html {
    let (lang, r) = (props.lang, &props.results);
    let s = &r.summary;
    let filter = r.window.filter.clone();
    let filter_value = match &filter {
        Filter::All => "all".to_owned(),
        Filter::Problems => "problems".to_owned(),
        Filter::Errors => "errors".to_owned(),
        Filter::Code(c) => format!("code:{c}"),
    };
    let on_filter = props.on_filter.reform(|e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        match select.value().as_str() {
            "problems" => Filter::Problems,
            "errors" => Filter::Errors,
            v => v
                .strip_prefix("code:")
                .map_or(Filter::All, |c| Filter::Code(c.to_owned())),
        }
    });
    let code_options = s.codes.iter().map(|c| {
        let v = format!("code:{}", c.code);
        html! { <option value={v.clone()} selected={filter_value == v}>{ text::filter_code(lang, &c.code, &c.title) }</option> }
    });
    html! {
        <div class="grid-toolbar">
            <label for="row-filter">{ Text::FilterLabel.get(lang) }</label>
            <select id="row-filter" onchange={on_filter}>
                <option value="all" selected={filter == Filter::All}>{ Text::FilterAll.get(lang) }</option>
                <option value="problems" selected={filter == Filter::Problems}>{ Text::FilterProblems.get(lang) }</option>
                <option value="errors" selected={filter == Filter::Errors}>{ Text::FilterErrors.get(lang) }</option>
                { for code_options }
            </select>
            <span class="muted" id="rows-shown">{ text::rows_shown(lang, r.window.total) }</span>
            <span class="spacer" />
            <span class="muted" id="changes">{ text::changes(lang, s.changes) }</span>
            <button type="button" id="undo" disabled={props.busy || s.changes == 0} onclick={props.on_undo.reform(|_: MouseEvent| ())}>
                { Text::Undo.get(lang) }
            </button>
            <button type="button" id="back-to-mapping" disabled={props.busy} onclick={props.on_back.reform(|_: MouseEvent| ())}>
                { Text::BackToMapping.get(lang) }
            </button>
        </div>
    }
}

/// The side panel: the selected cell, counts by code, the findings list.
fn side_panel(props: &ResultsPanelProps) -> Html {
    let (lang, r) = (props.lang, &props.results);
    let codes = Rc::new(r.summary.codes.clone());
    let value = r.active.and_then(|a| {
        r.row(a.cell.row)
            .and_then(|g| g.cells.get(a.cell.col.max(1) as usize - 1).cloned())
    });
    html! {
        <aside class="side" aria-label={Text::CellHeading.get(lang)}>
            <CellPanel
                {lang}
                active={r.active}
                findings={Rc::new(r.active.map(|a| r.findings_of(a.cell)).unwrap_or_default())}
                {value}
                codes={codes.clone()}
                busy={props.busy}
                on_repair={props.on_repair.clone()}
                on_exclude={props.on_exclude.clone()}
                on_replace={props.on_replace.clone()}
            />
            <CodesPanel
                {lang}
                {codes}
                busy={props.busy}
                on_filter={props.on_filter.clone()}
                on_repair={props.on_repair.clone()}
            />
            <FindingsList
                {lang}
                results={r.clone()}
                on_list={props.on_list.clone()}
                on_jump={props.on_jump.clone()}
            />
        </aside>
    }
}

/// The results section.
#[component(ResultsPanel)]
pub fn results_panel(props: &ResultsPanelProps) -> Html {
    let lang = props.lang;
    let r = &props.results;
    let s = &r.summary;
    let columns = {
        let (layout, mapping) = (props.layout.clone(), props.mapping.clone());
        use_memo((lang, layout, mapping), |(lang, layout, mapping)| {
            columns(*lang, layout, mapping.as_deref())
        })
    };
    // For the benchmark: the moment a change is on screen.
    use_effect_with(Rc::as_ptr(s) as usize, |_| dom::mark("pmh:summary-shown"));
    // Focus the safe answer when the question appears.
    use_effect_with(r.confirm.is_some(), |&shown| {
        if shown {
            dom::focus_id("confirm-no");
        }
    });
    let button = |spec| download_button(lang, props.busy, &props.on_download, spec);

    html! {
        <section class="panel results-panel" aria-labelledby="results-heading">
            <div class="results-top">
                { summary_box(lang, r) }
                { details_box(lang, props.mapping.as_deref()) }
                <div class="downloads" role="group" aria-labelledby="downloads-heading">
                    <h3 id="downloads-heading">{ Text::Downloads.get(lang) }</h3>
                    { button((DownloadKind::UploadCsv, "download-csv", Text::DownloadUpload, true)) }
                    { button((DownloadKind::UploadJson, "download-json", Text::DownloadJson, false)) }
                    { button((DownloadKind::ReportCsv, "download-report", Text::DownloadReport, false)) }
                    { button((DownloadKind::ChangeLog, "download-log", Text::DownloadLog, false)) }
                </div>
            </div>
            { downloads_more(lang, r, props.busy, &props.on_download) }
            { for confirm_box(lang, r, &props.on_confirm) }
            { for s.previous.as_ref().map(|p| previous_box(lang, p)) }
            { for file_findings_box(lang, &s.file_findings) }
            <div class="results-main">
                <div class="grid-area">
                    { toolbar(props) }
                    { for r.same_offer.as_ref().map(|fix| fix_same_offer(lang, props, fix)) }
                    <Grid
                        {lang}
                        columns={columns.clone()}
                        window={r.window.clone()}
                        active={r.active}
                        scroll_nonce={r.scroll_nonce}
                        on_need={props.on_need.clone()}
                        on_activate={props.on_activate.clone()}
                        on_edit={props.on_edit.clone()}
                        on_undo={props.on_undo.clone()}
                        on_redo={props.on_redo.clone()}
                        on_paste={props.on_paste.clone()}
                        on_cells={props.on_cells.clone()}
                        on_range_too_large={props.on_range_too_large.clone()}
                    />
                    <p class="muted small grid-help">
                        { Text::GridHelp.get(lang) }
                        if let Some((cells, ms)) = r.last_change {
                            <span id="last-change">{ " " }{ text::last_change(lang, cells, ms) }</span>
                        }
                    </p>
                    if let Some(left) = r.left_out {
                        <p id="paste-left-out" class="confirm-deletions" role="status">
                            { text::paste_left_out(lang, left) }
                        </p>
                    }
                </div>
                { side_panel(props) }
            </div>
        </section>
    }
}

/// 「同じ値のセルをすべて直す」: after a hand correction, the same correction for every other
/// cell of the column that still holds the old value (one change, undone at once).
fn fix_same_offer(lang: Lang, props: &ResultsPanelProps, fix: &SameFix) -> Html {
    let onclick = props.on_fix_same.reform({
        let fix = fix.clone();
        move |_: MouseEvent| fix.clone()
    });
    let letter = column_letter(fix.col);
    html! {
        <p class="fix-same" id="fix-same-offer">
            <span>{ text::fix_same_offer(lang, &letter, &fix.before, &fix.after, fix.count) }</span>
            { " " }
            <button type="button" id="fix-same" class="primary" disabled={props.busy} {onclick}>
                { text::fix_same_button(lang, fix.count) }
            </button>
        </p>
    }
}

/// Props of [`CellPanel`].
#[derive(Properties, PartialEq)]
pub struct CellPanelProps {
    /// UI language.
    pub lang: Lang,
    /// The selected cell.
    pub active: Option<Active>,
    /// Its findings.
    pub findings: Rc<Vec<FindingView>>,
    /// Its value.
    pub value: Option<String>,
    /// Counts by code (for "apply to all").
    pub codes: Rc<Vec<CodeCount>>,
    /// A long job runs.
    pub busy: bool,
    /// Apply a repair.
    pub on_repair: Callback<(CellRef, String, bool)>,
    /// Leave a row out of the upload.
    pub on_exclude: Callback<u32>,
    /// Replace in a column: (column, find, replace).
    pub on_replace: Callback<(u32, String, String)>,
}

/// Row actions for the selected cell: leave its row out of the upload (one action for a
/// duplicate row), and find-and-replace in its column.
fn row_tools(props: &CellPanelProps, a: Active) -> Html {
    let lang = props.lang;
    if a.cell.row == 0 || a.cell.col == 0 {
        return html! {};
    }
    let row = a.cell.row;
    let col = a.cell.col;
    let exclude = props.on_exclude.reform(move |_: MouseEvent| row);
    let find_ref = NodeRef::default();
    let with_ref = NodeRef::default();
    let onsubmit = {
        let (cb, find_ref, with_ref) =
            (props.on_replace.clone(), find_ref.clone(), with_ref.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (Some(find), Some(with)) = (
                find_ref.cast::<HtmlInputElement>(),
                with_ref.cast::<HtmlInputElement>(),
            ) else {
                return;
            };
            if !find.value().is_empty() {
                cb.emit((col, find.value(), with.value()));
            }
        })
    };
    html! {
        <div class="row-tools">
            <button type="button" id="exclude-row" disabled={props.busy} onclick={exclude}>
                { text::exclude_row(lang, row) }
            </button>
            <form class="replace-form" {onsubmit}>
                <label for="replace-find">{ text::replace_find(lang, &column_letter(col)) }</label>
                <input id="replace-find" type="text" ref={find_ref} value={props.value.clone().unwrap_or_default()} />
                <label for="replace-with">{ text::replace_with(lang) }</label>
                <input id="replace-with" type="text" ref={with_ref} />
                <button type="submit" id="replace-run" disabled={props.busy}>{ text::replace_run(lang) }</button>
            </form>
        </div>
    }
}

/// The selected cell: where it is, its value, its findings with 修正方法 and repairs.
#[component(CellPanel)]
pub fn cell_panel(props: &CellPanelProps) -> Html {
    let lang = props.lang;
    let body = match props.active {
        None => html! { <p class="muted">{ Text::NoCell.get(lang) }</p> },
        Some(a) => {
            let field = props
                .findings
                .iter()
                .find(|f| f.col == Some(a.cell.col))
                .and_then(|f| f.field.clone());
            let place = text::place(
                lang,
                (a.cell.row > 0).then_some(a.cell.row),
                (a.cell.col > 0).then_some(a.cell.col),
                field.as_ref(),
            );
            let items = props.findings.iter().map(|f| {
                let repair = f.repair.as_ref().filter(|_| f.col.is_some()).map(|rep| {
                    let cell = CellRef { row: a.cell.row, col: f.col.unwrap_or(a.cell.col) };
                    let code = f.code.clone();
                    let one = props.on_repair.reform({
                        let code = code.clone();
                        move |_: MouseEvent| (cell, code.clone(), false)
                    });
                    let count = props
                        .codes
                        .iter()
                        .find(|c| c.code == f.code)
                        .map_or(0, |c| c.repairable);
                    let all = props.on_repair.reform({
                        let code = code.clone();
                        move |_: MouseEvent| (cell, code.clone(), true)
                    });
                    html! {
                        <div class="repair">
                            <p class="repair-values">
                                <span class="before">{ rep.before.clone() }</span>
                                { " → " }
                                <span class="after">{ rep.after.clone() }</span>
                            </p>
                            <p class="muted small">
                                { if rep.proposal { Text::RepairProposal.get(lang) } else { Text::RepairAuto.get(lang) } }
                            </p>
                            <button type="button" class="primary apply-one" disabled={props.busy} onclick={one}>
                                { Text::ApplyRepair.get(lang) }
                            </button>
                            if count > 1 {
                                <button type="button" class="apply-all" disabled={props.busy} onclick={all}>
                                    { text::apply_all(lang, &code, count) }
                                </button>
                            }
                        </div>
                    }
                });
                html! {
                    <li class="finding" data-code={f.code.clone()}>
                        <p class="finding-head">
                            { sev_badge(lang, f.severity) }
                            <span class="code">{ f.code.clone() }</span>
                            <span class="title">{ lang.msg(&f.title).to_owned() }</span>
                            if f.col.is_none() {
                                <span class="muted">{ format!("（{}）", Text::WholeRow.get(lang)) }</span>
                            }
                        </p>
                        <p class="message">{ lang.msg(&f.message).to_owned() }</p>
                        <p class="hint"><strong>{ Text::Fix.get(lang) }</strong>{ "：" }{ lang.msg(&f.hint).to_owned() }</p>
                        { for repair }
                    </li>
                }
            });
            html! {
                <>
                    <p class="cell-place" id="cell-place">{ place }</p>
                    if let Some(v) = &props.value {
                        <p class="cell-value"><code>{ if v.is_empty() { Text::EmptyValue.get(lang).to_owned() } else { v.clone() } }</code></p>
                    }
                    if props.findings.is_empty() {
                        <p class="muted">{ Text::CellClean.get(lang) }</p>
                    } else {
                        <ul class="cell-findings" id="cell-findings">{ for items }</ul>
                    }
                    { row_tools(props, a) }
                </>
            }
        }
    };
    html! {
        <section class="side-section cell-panel" aria-labelledby="cell-heading" aria-live="polite">
            <h3 id="cell-heading">{ Text::CellHeading.get(lang) }</h3>
            { body }
        </section>
    }
}

/// Props of [`CodesPanel`].
#[derive(Properties, PartialEq)]
pub struct CodesPanelProps {
    /// UI language.
    pub lang: Lang,
    /// Counts by code.
    pub codes: Rc<Vec<CodeCount>>,
    /// A long job runs.
    pub busy: bool,
    /// Show only the rows with a code.
    pub on_filter: Callback<Filter>,
    /// Apply every repair of a code.
    pub on_repair: Callback<(CellRef, String, bool)>,
}

/// Counts by code, each with "show these rows" and, for repairs, "apply all".
#[component(CodesPanel)]
pub fn codes_panel(props: &CodesPanelProps) -> Html {
    let lang = props.lang;
    let rows = props.codes.iter().map(|c| {
        let code = c.code.clone();
        let show = props.on_filter.reform({
            let code = code.clone();
            move |_: MouseEvent| Filter::Code(code.clone())
        });
        let apply = (c.repairable > 0).then(|| {
            let onclick = props.on_repair.reform({
                let code = code.clone();
                move |_: MouseEvent| (CellRef { row: 0, col: 0 }, code.clone(), true)
            });
            html! {
                <button type="button" class="link-button" disabled={props.busy} {onclick}>
                    { text::apply_all(lang, &c.code, c.repairable) }
                </button>
            }
        });
        html! {
            <li class="code-count" data-code={c.code.clone()}>
                { sev_badge(lang, c.severity) }
                <span class="code">{ c.code.clone() }</span>
                <span class="title">{ lang.msg(&c.title).to_owned() }</span>
                <span class="count">{ text::group_thousands(c.count) }</span>
                <button type="button" class="link-button" onclick={show}>{ Text::ShowCode.get(lang) }</button>
                { for apply }
            </li>
        }
    });
    html! {
        <details class="side-section codes-panel" open=true>
            <summary><h3>{ Text::ByCode.get(lang) }</h3></summary>
            if props.codes.is_empty() {
                <p class="muted">{ Text::NoFindings.get(lang) }</p>
            } else {
                <ul class="code-counts" id="code-counts">{ for rows }</ul>
            }
        </details>
    }
}

/// Props of [`FindingsList`].
#[derive(Properties, PartialEq)]
pub struct FindingsListProps {
    /// UI language.
    pub lang: Lang,
    /// The results.
    pub results: Rc<ResultsState>,
    /// Show a page: code, offset.
    pub on_list: Callback<(Option<String>, u32)>,
    /// Jump to a cell.
    pub on_jump: Callback<CellRef>,
}

/// Every finding, a page at a time; each one jumps to its cell.
#[component(FindingsList)]
pub fn findings_list(props: &FindingsListProps) -> Html {
    let lang = props.lang;
    let list = &props.results.list;
    let codes = &props.results.summary.codes;
    let code = list.code.clone();
    let on_code = {
        let cb = props.on_list.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let v = select.value();
            cb.emit(((!v.is_empty()).then_some(v), 0));
        })
    };
    let options = codes.iter().map(|c| {
        html! {
            <option value={c.code.clone()} selected={code.as_deref() == Some(c.code.as_str())}>
                { format!("{} {}（{}）", c.code, lang.msg(&c.title), text::group_thousands(c.count)) }
            </option>
        }
    });
    let items = list.items.iter().map(|f| {
        let place = match (f.pair, f.col) {
            (Some(first), Some(second)) => text::place_two(lang, f.row, first, second),
            _ => text::place(lang, f.row, f.col, f.field.as_ref()),
        };
        let body = html! {
            <>
                { sev_badge(lang, f.severity) }
                <span class="code">{ f.code.clone() }</span>
                <span class="place">{ place }</span>
                <span class="message">{ lang.msg(&f.message).to_owned() }</span>
            </>
        };
        match f.row {
            Some(row) => {
                // A finding about two cells jumps to the first (both are marked).
                let cell = CellRef { row, col: f.pair.or(f.col).unwrap_or(1) };
                let onclick = props.on_jump.reform(move |_: MouseEvent| cell);
                html! { <li><button type="button" class="finding-link" {onclick}>{ body }</button></li> }
            }
            None => html! { <li class="finding-static">{ body }</li> },
        }
    });
    let limit = crate::state::LIST_PAGE;
    let prev = list.offset.saturating_sub(limit);
    let next = list.offset + limit;
    let on_prev = props.on_list.reform({
        let code = code.clone();
        move |_: MouseEvent| (code.clone(), prev)
    });
    let on_next = props.on_list.reform({
        let code = code.clone();
        move |_: MouseEvent| (code.clone(), next)
    });
    html! {
        <details class="side-section findings-list" open=true>
            <summary><h3>{ Text::FindingsHeading.get(lang) }</h3></summary>
            <div class="list-tools">
                <select id="list-code" aria-label={Text::FindingsHeading.get(lang)} onchange={on_code}>
                    <option value="" selected={code.is_none()}>{ Text::ListAllCodes.get(lang) }</option>
                    { for options }
                </select>
            </div>
            if list.items.is_empty() {
                <p class="muted">{ Text::NoFindings.get(lang) }</p>
            } else {
                <ol class="findings" id="findings">{ for items }</ol>
            }
            <div class="pager">
                <button type="button" disabled={list.offset == 0} onclick={on_prev}>{ Text::PagePrev.get(lang) }</button>
                <span class="muted">{ text::page_range(lang, list.offset, list.items.len(), list.total) }</span>
                <button type="button" disabled={next >= list.total} onclick={on_next}>{ Text::PageNext.get(lang) }</button>
            </div>
        </details>
    }
}
