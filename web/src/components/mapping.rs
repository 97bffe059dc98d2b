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
    /// Use row `n` as the header row (0: none).
    pub on_header_row: Callback<u32>,
    /// The clerk says row 1 is the header (although it looks like data).
    pub on_header_confirmed: Callback<()>,
    /// Value mapping: (field id, source value, code or "").
    pub on_value: Callback<(String, String, String)>,
    /// Constant field: (field id, value or "").
    pub on_constant: Callback<(String, String)>,
}

/// The header-row question (when row 1 looks like data) and the header-row choice.
fn header_choice(props: &MappingPanelProps) -> Html {
    let (lang, m) = (props.lang, &props.mapping);
    let preview = &m.preview;
    let onchange = props.on_header_row.reform(|e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        select.value().parse::<u32>().unwrap_or(1)
    });
    let options = preview.top_rows.iter().map(|(n, cells)| {
        html! {
            <option value={n.to_string()} selected={preview.header_row == *n}>
                { text::prep::header_row_option(lang, *n as usize, cells) }
            </option>
        }
    });
    let ask = preview.header_looks_like_data && !m.header_confirmed;
    let first = preview
        .headers
        .iter()
        .take(6)
        .cloned()
        .collect::<Vec<_>>()
        .join(" ／ ");
    html! {
        <div class="header-choice">
            if ask {
                <div class="warning-box" role="group" aria-labelledby="header-question">
                    <p id="header-question">{ text::prep::header_question(lang, &first) }</p>
                    <button type="button" id="header-none" class="primary" disabled={props.busy}
                        onclick={props.on_header_row.reform(|_: MouseEvent| 0)}>{ text::prep::header_no(lang) }</button>
                    <button type="button" id="header-yes" disabled={props.busy}
                        onclick={props.on_header_confirmed.reform(|_: MouseEvent| ())}>{ text::prep::header_yes(lang) }</button>
                </div>
            }
            <div class="field-inline">
                <label for="header-row">{ text::prep::header_row_label(lang) }</label>
                <select id="header-row" disabled={props.busy} {onchange}>
                    <option value="0" selected={preview.header_row == 0}>{ text::prep::header_none(lang) }</option>
                    { for options }
                </select>
            </div>
        </div>
    }
}

/// Whether `value` is accepted by field `f` as it is (a code of its list, or 0/1).
fn accepted_code(f: &pmh_core::Field, value: &str) -> bool {
    if f.codes.is_empty() {
        matches!(value, "0" | "1")
    } else {
        f.codes.iter().any(|c| c.code == value)
    }
}

/// The codes offered for field `f`: (code, its label).
fn code_choices(f: &pmh_core::Field, lang: Lang) -> Vec<(String, String)> {
    if f.codes.is_empty() {
        vec![
            ("0".to_owned(), lang.pick("0：いいえ", "0: no").to_owned()),
            ("1".to_owned(), lang.pick("1：はい", "1: yes").to_owned()),
        ]
    } else {
        f.codes
            .iter()
            .map(|c| {
                (
                    c.code.clone(),
                    format!("{}：{}", c.code, lang.pick(&c.ja, &c.en)),
                )
            })
            .collect()
    }
}

/// Value mapping for the code columns whose values PMH does not accept (男 → 1 …).
fn value_mapping(props: &MappingPanelProps) -> Html {
    let (lang, layout, m) = (props.lang, &props.layout.0, &props.mapping);
    let mut rows = Vec::new();
    for (col, target) in m.targets.iter().enumerate() {
        let Target::Field(id) = target else { continue };
        let Some(f) = layout.field_index(id).and_then(|i| layout.fields.get(i)) else {
            continue;
        };
        if f.codes.is_empty() && !matches!(f.value_type, pmh_core::ValueType::Boolean) {
            continue;
        }
        let Some(Some(values)) = m.preview.distinct.get(col) else {
            continue;
        };
        let label = lang.pick(&f.label_ja, &f.label_en).clone();
        for (k, (value, count)) in values.iter().enumerate() {
            if accepted_code(f, value) {
                continue;
            }
            let chosen = m
                .values
                .get(id)
                .and_then(|v| v.get(value))
                .cloned()
                .unwrap_or_default();
            let select_id = format!("value-{col}-{k}");
            let onchange = {
                let (id, value) = (id.clone(), value.clone());
                props.on_value.reform(move |e: Event| {
                    let select: HtmlSelectElement = e.target_unchecked_into();
                    (id.clone(), value.clone(), select.value())
                })
            };
            let options = code_choices(f, lang).into_iter().map(|(code, text)| {
                html! { <option value={code.clone()} selected={chosen == code}>{ text }</option> }
            });
            rows.push(html! {
                <li>
                    <label for={select_id.clone()}>{ text::prep::value_label(lang, &label, value, *count) }</label>
                    { " → " }
                    <select id={select_id} data-value={value.clone()} disabled={props.busy} {onchange}>
                        <option value="" selected={chosen.is_empty()}>{ text::prep::value_keep(lang) }</option>
                        { for options }
                    </select>
                </li>
            });
        }
    }
    if rows.is_empty() {
        return html! {};
    }
    html! {
        <section class="prep-section" aria-labelledby="values-heading" id="value-mapping">
            <h3 id="values-heading">{ text::prep::values_heading(lang) }</h3>
            <p class="muted small">{ text::prep::values_intro(lang) }</p>
            <ul class="value-list">{ for rows }</ul>
        </section>
    }
}

/// Fields no column holds, filled with one value for every row.
fn constants(props: &MappingPanelProps) -> Html {
    let (lang, layout, m) = (props.lang, &props.layout.0, &props.mapping);
    let held = |id: &str| {
        m.targets
            .iter()
            .any(|t| matches!(t, Target::Field(f) if f == id))
    };
    let free: Vec<&pmh_core::Field> = layout
        .fields
        .iter()
        .filter(|f| !held(&f.id) && mapping::constant_allowed(layout, &f.id))
        .filter(|f| !m.constants.iter().any(|(id, _)| *id == f.id))
        .collect();
    let field_ref = NodeRef::default();
    let value_ref = NodeRef::default();
    let onsubmit = {
        let (cb, field_ref, value_ref) = (
            props.on_constant.clone(),
            field_ref.clone(),
            value_ref.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (Some(field), Some(value)) = (
                field_ref.cast::<HtmlSelectElement>(),
                value_ref.cast::<HtmlInputElement>(),
            ) else {
                return;
            };
            if !field.value().is_empty() && !value.value().trim().is_empty() {
                cb.emit((field.value(), value.value()));
                value.set_value("");
            }
        })
    };
    let current = m.constants.iter().map(|(id, value)| {
        let label = label_of(lang, layout, id);
        let onclick = props.on_constant.reform({
            let id = id.clone();
            move |_: MouseEvent| (id.clone(), String::new())
        });
        html! {
            <li>
                { text::prep::constant_line(lang, &label, value) }
                { " " }
                <button type="button" class="link-button" {onclick}>{ text::prep::constant_remove(lang, &label) }</button>
            </li>
        }
    });
    let options = free.iter().map(|f| {
        let required = if f.required { format!(" [{}]", Text::Required.get(lang)) } else { String::new() };
        html! { <option value={f.id.clone()}>{ format!("{}{required}", lang.pick(&f.label_ja, &f.label_en)) }</option> }
    });
    html! {
        <section class="prep-section" aria-labelledby="constants-heading">
            <h3 id="constants-heading">{ text::prep::constants_heading(lang) }</h3>
            <ul id="constants" class="value-list">{ for current }</ul>
            if !free.is_empty() {
                <form class="save-form" {onsubmit}>
                    <label for="constant-field">{ text::prep::constant_field(lang) }</label>
                    <select id="constant-field" ref={field_ref}>{ for options }</select>
                    <label for="constant-value">{ text::prep::constant_value(lang) }</label>
                    <input id="constant-value" type="text" maxlength="100" ref={value_ref} />
                    <button type="submit" id="constant-add" disabled={props.busy}>{ text::prep::constant_add(lang) }</button>
                </form>
            }
        </section>
    }
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
                // Always one slot (yew matches unkeyed children from the end: a suggestion
                // that appears or goes must not replace the focused dropdown).
                <span class="suggestion-slot">{ for suggestion }</span>
            </td>
        </tr>
    }
}

/// The header-row question is open: no check yet (it could drop the first recipient).
fn unanswered(props: &MappingPanelProps) -> bool {
    props.mapping.preview.header_looks_like_data && !props.mapping.header_confirmed
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
                    disabled={props.busy || unanswered(props)}
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
        .filter(|f| !m.constants.iter().any(|(id, _)| *id == f.id))
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
            { header_choice(props) }
            <div class="mapping-tools">
                { sheet_select(props) }
                { saved_select(props) }
                <span class="spacer" />
                // The main action first in the keyboard order too (before one dropdown per column).
                <button
                    type="button"
                    id="run-check-top"
                    class="primary"
                    disabled={props.busy || unanswered(props)}
                    onclick={props.on_check.reform(|_: MouseEvent| ())}
                >
                    { Text::RunCheck.get(lang) }
                </button>
            </div>
            // One container whatever it holds, so that the table after it keeps its place among
            // the section's children: a dropdown changed with ArrowDown keeps the focus.
            <div class="mapping-notes">
                if let Some(name) = &m.applied {
                    <p class="applied" id="mapping-applied">{ text::saved_applied(lang, name) }</p>
                }
                if !missing.is_empty() {
                    <p class="warning-box" id="mapping-missing">{ text::missing_required(lang, &missing) }</p>
                }
                <ul class="warning-list">{ for conflicts }</ul>
            </div>
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
            { value_mapping(props) }
            { constants(props) }
            { mapping_actions(props) }
        </section>
    }
}
