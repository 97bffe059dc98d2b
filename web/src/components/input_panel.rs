//! Step 1, part 2: a file drop/pick area and a paste area.
//!
//! A paste (Ctrl+V of cells copied from Excel, which arrive as tab-separated text) is taken
//! from the clipboard event itself and never put into the text area: 100,000 pasted rows
//! would make the text area itself slow. Text typed into the area is read on the button.

use js_sys::JsString;
use wasm_bindgen::JsCast;
use web_sys::{File, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::settings::picked_files;
use crate::dom;
use crate::text::{Lang, Text};

/// Props of [`InputPanel`].
#[derive(Properties, PartialEq)]
pub struct InputPanelProps {
    /// UI language.
    pub lang: Lang,
    /// A long job runs.
    pub busy: bool,
    /// Called with pasted (or typed) text.
    pub on_paste: Callback<JsString>,
    /// Called with a dropped or picked file.
    pub on_file: Callback<File>,
}

/// The input section.
#[component(InputPanel)]
pub fn input_panel(props: &InputPanelProps) -> Html {
    let lang = props.lang;
    let paste_ref = use_node_ref();
    let dragging = use_state(|| false);

    let onpaste = {
        let on_paste = props.on_paste.clone();
        Callback::from(move |event: Event| {
            let Some(transfer) = event
                .dyn_ref::<web_sys::ClipboardEvent>()
                .and_then(web_sys::ClipboardEvent::clipboard_data)
            else {
                return; // let the browser paste into the area; the button reads it
            };
            let text = dom::pasted_text(&transfer);
            if text.length() > 0 {
                event.prevent_default();
                on_paste.emit(text);
            }
        })
    };
    let onclick = {
        let (paste_ref, on_paste) = (paste_ref.clone(), props.on_paste.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(area) = paste_ref.cast::<HtmlTextAreaElement>() {
                let text = dom::textarea_text(&area);
                if text.length() > 0 {
                    on_paste.emit(text);
                }
            }
        })
    };
    let on_pick = {
        let on_file = props.on_file.clone();
        Callback::from(move |event: Event| {
            if let Some(file) = picked_files(&event).into_iter().next() {
                on_file.emit(file);
            }
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
                            accept=".csv,.tsv,.txt,.xlsx,.xlsm"
                            disabled={props.busy}
                            onchange={on_pick}
                        />
                    </label>
                    <p class="muted small">{ Text::EncodingsHint.get(lang) }</p>
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
                        {onpaste}
                    />
                    <button id="paste-submit" type="button" disabled={props.busy} {onclick}>
                        { Text::PasteSubmit.get(lang) }
                    </button>
                </div>
            </div>
        </section>
    }
}
