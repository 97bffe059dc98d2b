//! Step 1, part 1: the record layout (全件 / 差分履歴 / a layout file) and the municipality
//! master files.

use web_sys::{File, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::state::{Config, LayoutChoice};
use crate::text::{Lang, Text};

/// Props of [`SettingsPanel`].
#[derive(Properties, PartialEq)]
pub struct SettingsPanelProps {
    /// UI language.
    pub lang: Lang,
    /// Current settings.
    pub config: Config,
    /// A long job runs: changes wait.
    pub busy: bool,
    /// A layout was chosen.
    pub on_layout: Callback<LayoutChoice>,
    /// A layout file was picked.
    pub on_layout_file: Callback<File>,
    /// Master files were picked.
    pub on_masters: Callback<Vec<File>>,
    /// The masters are removed.
    pub on_masters_clear: Callback<()>,
    /// An encoding was chosen (a core `EncodingChoice` name).
    pub on_encoding: Callback<String>,
    /// The previous upload was picked.
    pub on_previous: Callback<web_sys::File>,
    /// The previous upload is removed.
    pub on_previous_clear: Callback<()>,
    /// The official template was picked.
    pub on_template: Callback<web_sys::File>,
    /// The stored template is forgotten.
    pub on_template_forget: Callback<()>,
    /// Save the municipality master template.
    pub on_master_template: Callback<()>,
}

/// Files of a file input (and clears it, so that picking the same file again fires again).
pub fn picked_files(event: &Event) -> Vec<File> {
    let input: HtmlInputElement = event.target_unchecked_into();
    let mut out = Vec::new();
    if let Some(files) = input.files() {
        for i in 0..files.length() {
            if let Some(f) = files.get(i) {
                out.push(f);
            }
        }
    }
    input.set_value("");
    out
}

/// The settings section.
#[component(SettingsPanel)]
pub fn settings_panel(props: &SettingsPanelProps) -> Html {
    let lang = props.lang;
    let config = &props.config;
    let radio = |choice: LayoutChoice, id: &'static str, label: String, enabled: bool| {
        let onchange = props.on_layout.reform(move |_: Event| choice);
        html! {
            <label class={classes!("radio", (!enabled).then_some("is-disabled"))} for={id}>
                <input
                    type="radio"
                    name="layout"
                    {id}
                    checked={config.choice == choice}
                    disabled={!enabled || props.busy}
                    {onchange}
                />
                { label }
            </label>
        }
    };
    let custom_label = match &config.custom {
        Some(c) => format!("{}：{}", Text::LayoutCustom.get(lang), c.name),
        None => Text::LayoutCustom.get(lang).to_owned(),
    };
    let on_layout_file = {
        let cb = props.on_layout_file.clone();
        Callback::from(move |event: Event| {
            if let Some(f) = picked_files(&event).into_iter().next() {
                cb.emit(f);
            }
        })
    };
    let on_masters = {
        let cb = props.on_masters.clone();
        Callback::from(move |event: Event| {
            let files = picked_files(&event);
            if !files.is_empty() {
                cb.emit(files);
            }
        })
    };
    let on_previous = {
        let cb = props.on_previous.clone();
        Callback::from(move |event: Event| {
            if let Some(f) = picked_files(&event).into_iter().next() {
                cb.emit(f);
            }
        })
    };
    let previous = config.previous.as_ref().map(|p| {
        html! {
            <div class="masters-loaded">
                <ul class="file-list"><li id="previous-name">{ p.name.clone() }</li></ul>
                <button
                    type="button"
                    id="previous-clear"
                    class="link-button"
                    disabled={props.busy}
                    onclick={props.on_previous_clear.reform(|_: MouseEvent| ())}
                >
                    { Text::PreviousClear.get(lang) }
                </button>
            </div>
        }
    });
    let masters = if config.masters.is_empty() {
        html! {}
    } else {
        let names = config
            .masters
            .iter()
            .map(|m| html! { <li>{ m.name.clone() }</li> });
        html! {
            <div class="masters-loaded">
                <ul class="file-list">{ for names }</ul>
                if let Some(summary) = &config.masters_summary {
                    <p class="muted" id="masters-summary">{ lang.msg(summary).to_owned() }</p>
                }
                <button
                    type="button"
                    class="link-button"
                    disabled={props.busy}
                    onclick={props.on_masters_clear.reform(|_: MouseEvent| ())}
                >
                    { Text::MastersClear.get(lang) }
                </button>
            </div>
        }
    };
    html! {
        <section class="panel settings-panel" aria-labelledby="settings-heading">
            <h2 id="settings-heading">{ Text::SettingsHeading.get(lang) }</h2>
            <div class="settings-grid">
                <fieldset class="layout-choice">
                    <legend>{ Text::LayoutLabel.get(lang) }</legend>
                    { radio(LayoutChoice::Full, "layout-full", Text::LayoutFull.get(lang).to_owned(), true) }
                    { radio(LayoutChoice::Diff, "layout-diff", Text::LayoutDiff.get(lang).to_owned(), true) }
                    { radio(LayoutChoice::Custom, "layout-custom", custom_label, config.custom.is_some()) }
                    <label class="file-button">
                        { Text::LayoutFilePick.get(lang) }
                        <input
                            id="layout-file"
                            class="visually-hidden"
                            type="file"
                            accept=".toml"
                            disabled={props.busy}
                            onchange={on_layout_file}
                        />
                    </label>
                </fieldset>
                <fieldset class="masters">
                    <legend>{ Text::MastersLabel.get(lang) }</legend>
                    <label class="file-button">
                        { Text::MastersPick.get(lang) }
                        <input
                            id="master-files"
                            class="visually-hidden"
                            type="file"
                            accept=".csv,.txt"
                            multiple=true
                            disabled={props.busy}
                            onchange={on_masters}
                        />
                    </label>
                    { masters }
                    <button type="button" id="master-template" class="link-button"
                        onclick={props.on_master_template.reform(|_: MouseEvent| ())}>
                        { Text::MasterTemplate.get(lang) }
                    </button>
                </fieldset>
                { encoding_choice(props) }
                { template_choice(props) }
                // In 差分履歴 mode the two 全件 files are compared by 「差分履歴ファイルを作る」.
                if config.choice != LayoutChoice::Diff {
                    <fieldset class="previous">
                        <legend>{ Text::PreviousLabel.get(lang) }</legend>
                        { file_button(lang, Text::PreviousPick, "previous-file", ".csv,.tsv,.txt,.xlsx,.xlsm", props.busy, on_previous) }
                        <p class="muted small">{ Text::PreviousHint.get(lang) }</p>
                        { for previous }
                    </fieldset>
                }
            </div>
        </section>
    }
}

/// The text encoding of the next input: detected, or the clerk's choice (as `--encoding`).
fn encoding_choice(props: &SettingsPanelProps) -> Html {
    let lang = props.lang;
    let current = props.config.encoding.as_str();
    let onchange = props.on_encoding.reform(|event: Event| {
        let select: HtmlSelectElement = event.target_unchecked_into();
        select.value()
    });
    let options = pmh_core::EncodingChoice::ALL.iter().map(|&c| {
        let name = c.as_str();
        let selected = name == current || (current.is_empty() && c == pmh_core::EncodingChoice::Auto);
        html! {
            <option value={name} {selected}>{ lang.msg(&crate::text::encoding_choice(c)).to_owned() }</option>
        }
    });
    html! {
        <div class="encoding-choice">
            <label for="encoding">{ Text::EncodingLabel.get(lang) }</label>
            <select id="encoding" disabled={props.busy} {onchange}>
                { for options }
            </select>
            <p class="muted small">{ Text::EncodingHelp.get(lang) }</p>
        </div>
    }
}

/// 「公式テンプレートを読み込む」: the official template's header row becomes the layout.
fn template_choice(props: &SettingsPanelProps) -> Html {
    let lang = props.lang;
    let on_template = {
        let cb = props.on_template.clone();
        Callback::from(move |event: Event| {
            if let Some(f) = picked_files(&event).into_iter().next() {
                cb.emit(f);
            }
        })
    };
    let summary = props.config.template.as_ref().map(|m| {
        html! {
            <>
                <p class="muted small" id="template-summary">{ lang.msg(m).to_owned() }</p>
                <button
                    type="button"
                    id="template-forget"
                    class="link-button"
                    disabled={props.busy}
                    onclick={props.on_template_forget.reform(|_: MouseEvent| ())}
                >
                    { Text::TemplateForget.get(lang) }
                </button>
            </>
        }
    });
    html! {
        <fieldset class="template">
            <legend>{ Text::TemplateLabel.get(lang) }</legend>
            { file_button(lang, Text::TemplatePick, "template-file", ".xlsx,.xlsm,.csv,.tsv,.txt", props.busy, on_template) }
            <p class="muted small">{ Text::TemplateHint.get(lang) }</p>
            { for summary }
        </fieldset>
    }
}

/// A button that opens the file picker (a label around a hidden file input).
fn file_button(
    lang: Lang,
    label: Text,
    id: &'static str,
    accept: &'static str,
    busy: bool,
    onchange: Callback<Event>,
) -> Html {
    html! {
        <label class="file-button">
            { label.get(lang) }
            <input {id} class="visually-hidden" type="file" {accept} disabled={busy} {onchange} />
        </label>
    }
}
