//! Step 2: which PMH field each source column holds. Auto-matched by `pmh_core`, corrected
//! with one dropdown per column; saved by name in the browser, exported and imported as the
//! mapping JSON file the CLI's `--mapping` reads.

use std::rc::Rc;

use pmh_core::column_letter;
use pmh_core::{ColumnMapping, Layout};
use web_sys::{File, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::settings::picked_files;
use crate::mapping::{self, Target};
use crate::state::{LayoutRef, MappingState};
use crate::text::{self, Lang, Text};

/// Props of [`MappingPanel`].
#[derive(Properties, PartialEq)]
pub struct MappingPanelProps {
    /// UI language.
    pub lang: Lang,
    /// The layout.
    pub layout: LayoutRef,
    /// The mapping being edited.
    pub mapping: Rc<MappingState>,
    /// Saved mappings.
    pub saved: Rc<Vec<ColumnMapping>>,
    /// A long job runs.
    pub busy: bool,
    /// Column → target.
    pub on_target: Callback<(usize, Target)>,
    /// Use saved mapping `i` (`None`: automatic matching).
    pub on_use_saved: Callback<Option<usize>>,
    /// Name to save under.
    pub on_name: Callback<String>,
    /// Save.
    pub on_save: Callback<()>,
    /// Delete the saved mapping with this name.
    pub on_delete_saved: Callback<String>,
    /// Export as JSON.
    pub on_export: Callback<()>,
    /// Import a JSON file.
    pub on_import: Callback<File>,
    /// Read another sheet (`None`: the first visible one).
    pub on_sheet: Callback<Option<String>>,
    /// Check with this mapping.
    pub on_check: Callback<()>,
    /// Back to step 1.
    pub on_back: Callback<()>,
}

/// A field's label in the UI language (its id if the layout lacks it).
fn label_of(lang: Lang, layout: &Layout, id: &str) -> String {
    layout
        .field_index(id)
        .and_then(|i| layout.fields.get(i))
        .map_or_else(
            || id.to_owned(),
            |f| lang.pick(f.label_ja.clone(), f.label_en.clone()),
        )
}

/// The sheet choice of a workbook (nothing for one sheet or a CSV).
fn sheet_select(props: &MappingPanelProps) -> Html {
    let (lang, preview) = (props.lang, &props.mapping.preview);
    if preview.sheets.len() <= 1 {
        return html! {};
    }
    let onchange = props.on_sheet.reform(|e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        let v = select.value();
        (!v.is_empty()).then_some(v)
    });
    let options = preview.sheets.iter().map(|s| {
        html! { <option value={s.clone()} selected={preview.sheet.as_deref() == Some(s)}>{ s.clone() }</option> }
    });
    html! {
        <div class="field-inline">
            <label for="sheet-select">{ Text::SheetLabel.get(lang) }</label>
            <select id="sheet-select" disabled={props.busy} {onchange}>
                <option value="" selected={preview.sheet.is_none()}>{ Text::SheetDefault.get(lang) }</option>
                { for options }
            </select>
        </div>
    }
}

/// The saved mappings for this layout, and deleting the one in use.
fn saved_select(props: &MappingPanelProps) -> Html {
    let (lang, m) = (props.lang, &props.mapping);
    let usable = mapping::for_layout(&props.saved, &props.layout.0.id);
    let onchange = props.on_use_saved.reform(|e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        select.value().parse::<usize>().ok()
    });
    let options = usable.iter().map(|&i| {
        let s = &props.saved[i];
        let selected = m.applied.as_deref() == Some(s.name.as_str());
        html! { <option value={i.to_string()} {selected}>{ s.name.clone() }</option> }
    });
    html! {
        <div class="field-inline">
            <label for="saved-mapping">{ Text::SavedLabel.get(lang) }</label>
            <select id="saved-mapping" disabled={props.busy} {onchange}>
                <option value="" selected={m.applied.is_none()}>{ Text::SavedAuto.get(lang) }</option>
                { for options }
            </select>
            if let Some(name) = &m.applied {
                <button
                    type="button"
                    class="link-button"
                    onclick={props.on_delete_saved.reform({ let n = name.clone(); move |_: MouseEvent| n.clone() })}
                >
                    { Text::SavedDelete.get(lang) }
                </button>
            }
        </div>
    }
}

/// The row of one source column: letter, header, samples, target and a suggestion.
fn column_row(props: &MappingPanelProps, col: usize, header: &str) -> Html {
    let (lang, layout, m) = (props.lang, &props.layout.0, &props.mapping);
    let target = m.targets.get(col).cloned().unwrap_or(Target::Detail);
    let onchange = props.on_target.reform(move |e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        (col, Target::from_mapping_value(&select.value()))
    });
    let value = target.as_mapping_value().to_owned();
    let field_options = layout.fields.iter().map(|f| {
        let label = lang.pick(&f.label_ja, &f.label_en);
        let required = if f.required {
            format!(" [{}]", Text::Required.get(lang))
        } else {
            String::new()
        };
        html! {
            <option value={f.id.clone()} selected={value == f.id}>
                { format!("{label}（{}）{required}", f.id) }
            </option>
        }
    });
    let samples = m
        .preview
        .samples
        .get(col)
        .map(|s| s.join(" ／ "))
        .unwrap_or_default();
    let suggestion = m.suggestions.get(col).cloned().flatten().map(|id| {
        let label = label_of(lang, layout, &id);
        let onclick = props
            .on_target
            .reform(move |_: MouseEvent| (col, Target::Field(id.clone())));
        html! {
            <span class="suggestion">
                { text::suggestion(lang, &label) }
                <button type="button" class="link-button" {onclick}>{ text::use_suggestion(lang, &label) }</button>
            </span>
        }
    });
    let select_id = format!("target-{col}");
    let is_field = matches!(target, Target::Field(_));
    let empty_header = header.trim().is_empty();
    html! {
        <tr class={classes!(is_field.then_some("is-field"), (target == Target::Ignore).then_some("is-ignored"))}>
            <th scope="row" class="col-letter">{ column_letter(col as u32 + 1) }</th>
            <td class="col-header">
                <label for={select_id.clone()}>
                    { if empty_header { Text::NoHeader.get(lang).to_owned() } else { header.to_owned() } }
                </label>
            </td>
            <td class="col-samples">{ samples }</td>
            <td class="col-target">
                <select id={select_id} disabled={props.busy || empty_header} {onchange}>
                    <option value="*" selected={target == Target::Detail}>{ Text::TargetDetail.get(lang) }</option>
                    <option value="" selected={target == Target::Ignore}>{ Text::TargetIgnore.get(lang) }</option>
                    <optgroup label={Text::FieldsGroup.get(lang)}>{ for field_options }</optgroup>
                </select>
                { for suggestion }
            </td>
        </tr>
    }
}

/// Saving, exporting and importing the mapping, and the step's buttons.
fn mapping_actions(props: &MappingPanelProps) -> Html {
    let lang = props.lang;
    let on_name = props.on_name.reform(|e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        input.value()
    });
    let on_import = {
        let cb = props.on_import.clone();
        Callback::from(move |e: Event| {
            if let Some(f) = picked_files(&e).into_iter().next() {
                cb.emit(f);
            }
        })
    };
    let on_save_submit = props.on_save.reform(|e: SubmitEvent| e.prevent_default());
    html! {
        <div class="mapping-actions">
            <form class="save-form" onsubmit={on_save_submit}>
                <label for="mapping-name">{ Text::MappingName.get(lang) }</label>
                <input id="mapping-name" type="text" value={props.mapping.name.clone()} oninput={on_name} maxlength="80" />
                <button type="submit" id="mapping-save" disabled={props.busy}>{ Text::MappingSave.get(lang) }</button>
                <button type="button" id="mapping-export" onclick={props.on_export.reform(|_: MouseEvent| ())}>
                    { Text::MappingExport.get(lang) }
                </button>
                <label class="file-button">
                    { Text::MappingImport.get(lang) }
                    <input id="mapping-import" class="visually-hidden" type="file" accept=".json,application/json" onchange={on_import} />
                </label>
            </form>
            <p class="muted small">{ Text::MappingSaveHint.get(lang) }</p>
            <div class="step-actions">
                <button type="button" onclick={props.on_back.reform(|_: MouseEvent| ())}>
                    { Text::BackToInput.get(lang) }
                </button>
                <button
                    type="button"
                    id="run-check"
                    class="primary"
                    disabled={props.busy}
                    onclick={props.on_check.reform(|_: MouseEvent| ())}
                >
                    { Text::RunCheck.get(lang) }
                </button>
            </div>
        </div>
    }
}

/// The mapping section.
#[component(MappingPanel)]
pub fn mapping_panel(props: &MappingPanelProps) -> Html {
    let lang = props.lang;
    let layout = &props.layout.0;
    let m = &props.mapping;
    let preview = &m.preview;

    // Warnings.
    let missing: Vec<String> = mapping::missing_required(layout, &m.targets)
        .into_iter()
        .filter_map(|i| layout.fields.get(i))
        .map(|f| lang.pick(f.label_ja.clone(), f.label_en.clone()))
        .collect();
    let conflicts = mapping::conflicts(&m.targets)
        .into_iter()
        .map(|(id, cols)| {
            let letters: Vec<String> = cols.iter().map(|&c| column_letter(c as u32 + 1)).collect();
            html! { <li>{ text::conflict(lang, &label_of(lang, layout, &id), &letters) }</li> }
        });
    let rows = preview
        .headers
        .iter()
        .enumerate()
        .map(|(col, header)| column_row(props, col, header));
    let source = preview
        .source
        .clone()
        .unwrap_or(crate::protocol::InputSource::Paste);

    html! {
        <section class="panel mapping-panel" aria-labelledby="mapping-heading">
            <h2 id="mapping-heading" tabindex="-1">{ Text::MappingHeading.get(lang) }</h2>
            <p class="muted">{ Text::MappingIntro.get(lang) }</p>
            <p id="preview-line">{ text::preview_line(lang, &source, preview.rows, preview.headers.len(), &preview.encoding) }</p>
            <div class="mapping-tools">
                { sheet_select(props) }
                { saved_select(props) }
                <span class="spacer" />
                // The main action first in the keyboard order too (before one dropdown per column).
                <button
                    type="button"
                    id="run-check-top"
                    class="primary"
                    disabled={props.busy}
                    onclick={props.on_check.reform(|_: MouseEvent| ())}
                >
                    { Text::RunCheck.get(lang) }
                </button>
            </div>
            if let Some(name) = &m.applied {
                <p class="applied" id="mapping-applied">{ text::saved_applied(lang, name) }</p>
            }
            if !missing.is_empty() {
                <p class="warning-box" id="mapping-missing">{ text::missing_required(lang, &missing) }</p>
            }
            <ul class="warning-list">{ for conflicts }</ul>
            <div class="mapping-table-wrap">
                <table class="mapping-table">
                    <thead>
                        <tr>
                            <th scope="col">{ Text::ColLetter.get(lang) }</th>
                            <th scope="col">{ Text::ColHeader.get(lang) }</th>
                            <th scope="col">{ Text::ColSamples.get(lang) }</th>
                            <th scope="col">{ Text::ColTarget.get(lang) }</th>
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            { mapping_actions(props) }
        </section>
    }
}
