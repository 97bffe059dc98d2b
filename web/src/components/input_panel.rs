//! Input: a file drop/pick area and a paste area.
//!
//! The paste area is uncontrolled (its text is read on submit, not mirrored in state): pastes
//! of 100,000 rows must not be copied on every keystroke or re-render.

use web_sys::{File, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::text::{Lang, Text};

/// Props of [`InputPanel`].
#[derive(Properties, PartialEq)]
pub struct InputPanelProps {
    /// UI language.
    pub lang: Lang,
    /// Called with the paste area's text when the user pastes or presses the button.
    pub on_paste: Callback<String>,
    /// Called with a dropped or picked file.
    pub on_file: Callback<File>,
}

/// The input section.
#[component(InputPanel)]
pub fn input_panel(props: &InputPanelProps) -> Html {
    let lang = props.lang;
    let paste_ref = use_node_ref();
    let dragging = use_state(|| false);

    let submit_paste = {
        let (paste_ref, on_paste) = (paste_ref.clone(), props.on_paste.clone());
        move || {
            if let Some(area) = paste_ref.cast::<HtmlTextAreaElement>() {
                let text = area.value();
                if !text.is_empty() {
                    on_paste.emit(text);
                }
            }
        }
    };
    // Ctrl+V of cells from Excel: check at once, no extra click needed.
    let oninput = {
        let submit_paste = submit_paste.clone();
        Callback::from(move |event: InputEvent| {
            if event.input_type() == "insertFromPaste" {
                submit_paste();
            }
        })
    };
    let onclick = Callback::from(move |_: MouseEvent| submit_paste());

    let on_pick = {
        let on_file = props.on_file.clone();
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                on_file.emit(file);
            }
            // Picking the same file again must fire `change` again.
            input.set_value("");
        })
    };
    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            dragging.set(true);
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let ondrop = {
        let (dragging, on_file) = (dragging.clone(), props.on_file.clone());
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            dragging.set(false);
            let file = event
                .data_transfer()
                .and_then(|transfer| transfer.files())
                .and_then(|files| files.get(0));
            if let Some(file) = file {
                on_file.emit(file);
            }
        })
    };

    html! {
        <section class="panel input-panel" aria-labelledby="input-heading">
            <h2 id="input-heading">{ Text::InputHeading.get(lang) }</h2>
            <div class="input-grid">
                <div
                    class={classes!("drop-zone", dragging.then_some("is-dragging"))}
                    {ondragover}
                    {ondragleave}
                    {ondrop}
                >
                    <p class="drop-hint">{ Text::DropHint.get(lang) }</p>
                    <p class="pick-hint">{ Text::PickFile.get(lang) }</p>
                    <label class="pick-button">
                        { Text::PickButton.get(lang) }
                        <input
                            id="file-input"
                            class="visually-hidden"
                            type="file"
                            accept=".csv,.tsv,.txt,.xlsx"
                            onchange={on_pick}
                        />
                    </label>
                </div>
                <div class="paste-zone">
                    <label for="paste-area" class="paste-label">{ Text::PasteHeading.get(lang) }</label>
                    <textarea
                        id="paste-area"
                        ref={paste_ref}
                        rows="6"
                        spellcheck="false"
                        wrap="off"
                        placeholder={Text::PastePlaceholder.get(lang)}
                        {oninput}
                    />
                    <button id="paste-submit" type="button" class="primary" {onclick}>
                        { Text::PasteSubmit.get(lang) }
                    </button>
                </div>
            </div>
        </section>
    }
}
