//! Small browser helpers for the page: clock, performance marks, downloads, localStorage,
//! clipboard text and file reading (storage, timers, file reading, dialogs and events through
//! gloo). Nothing here sends anything anywhere: downloads are `blob:` links the browser saves
//! locally, storage is the browser's own.

use gloo_events::{EventListener, EventListenerOptions};
use gloo_storage::{LocalStorage, Storage};
use js_sys::{JsString, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Blob, BlobPropertyBag, DataTransfer, File, HtmlAnchorElement, HtmlElement, Url};

#[wasm_bindgen]
extern "C" {
    /// The browser's `TextEncoder` (UTF-8), used so that large pasted text goes from a JS
    /// string to bytes without passing through this module's memory.
    #[wasm_bindgen(js_name = TextEncoder)]
    type JsTextEncoder;

    #[wasm_bindgen(constructor, js_class = "TextEncoder")]
    fn new() -> JsTextEncoder;

    #[wasm_bindgen(method, js_class = "TextEncoder")]
    fn encode(this: &JsTextEncoder, text: &JsString) -> Uint8Array;
}

/// Page clock in whole milliseconds since the epoch (`Instant::now` panics on wasm32).
pub fn now_ms() -> u64 {
    // Date.now() is a non-negative, integer-valued f64: the cast is exact.
    js_sys::Date::now() as u64
}

/// UTC date and time as RFC 3339 with milliseconds (`new Date().toISOString()`):
/// `2025-04-01T00:30:15.123Z`, for the receipt.
pub fn now_iso() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}

/// Local date and time for the change log: `2025-04-01 09:30:15`.
pub fn now_local() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds()
    )
}

/// Sets a performance mark (read by the benchmark and the browser's profiler).
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// UTF-8 bytes of a JS string, made by the browser.
pub fn utf8(text: &JsString) -> Uint8Array {
    JsTextEncoder::new().encode(text)
}

/// The plain text of a paste event, as the JS string itself (not copied into this module).
pub fn pasted_text(transfer: &DataTransfer) -> JsString {
    js_sys::Reflect::get(transfer, &"getData".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call1(transfer, &"text/plain".into()).ok())
        .and_then(|v| v.dyn_into::<JsString>().ok())
        .unwrap_or_default()
}

/// The text of a text area, as the JS string itself.
pub fn textarea_text(area: &web_sys::HtmlTextAreaElement) -> JsString {
    js_sys::Reflect::get(area, &"value".into())
        .ok()
        .and_then(|v| v.dyn_into::<JsString>().ok())
        .unwrap_or_default()
}

/// Saves `bytes` as file `name` through a `blob:` link (a local download, no network).
///
/// # Errors
/// The browser refused to make the Blob or the link.
pub fn download(name: &str, mime: &str, bytes: &Uint8Array) -> Result<(), JsValue> {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let parts = js_sys::Array::of1(bytes);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let a: HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.set_hidden(true);
    if let Some(body) = document.body() {
        body.append_child(&a)?;
        a.click();
        body.remove_child(&a)?;
    } else {
        a.click();
    }
    // Give the browser time to start saving before the URL is revoked.
    gloo_timers::callback::Timeout::new(60_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// A value from localStorage (`None` if absent or storage is unavailable).
pub fn storage_get(key: &str) -> Option<String> {
    LocalStorage::raw().get_item(key).ok()?
}

/// Writes a localStorage value (the text as given, not re-encoded).
///
/// # Errors
/// Storage is unavailable or full.
pub fn storage_set(key: &str, value: &str) -> Result<(), JsValue> {
    LocalStorage::raw().set_item(key, value)
}

/// Removes a localStorage value (nothing happens when storage is unavailable).
pub fn storage_remove(key: &str) {
    LocalStorage::delete(key);
}

/// The bytes of a file the user gave, as a JS buffer (they never enter wasm memory).
///
/// # Errors
/// The browser could not read it (its message).
pub async fn file_bytes(file: &File) -> Result<Uint8Array, String> {
    let blob = gloo_file::Blob::from(web_sys::Blob::from(file.clone()));
    gloo_file::futures::read_as_array_buffer(&blob)
        .await
        .map(|buffer| Uint8Array::new(&buffer))
        .map_err(|e| e.to_string())
}

/// The text (UTF-8) of a file the user gave.
///
/// # Errors
/// The browser could not read it (its message).
pub async fn file_text(file: &File) -> Result<String, String> {
    let blob = gloo_file::Blob::from(web_sys::Blob::from(file.clone()));
    gloo_file::futures::read_as_text(&blob)
        .await
        .map_err(|e| e.to_string())
}

/// Asks a yes/no question in the browser's own dialog (keyboard accessible, blocking).
pub fn confirm(message: &str) -> bool {
    gloo_dialogs::confirm(message)
}

/// A listener that makes the browser ask before the page is closed or reloaded (edits would
/// be lost); dropping it stops asking.
pub fn unload_guard() -> Option<EventListener> {
    let window = web_sys::window()?;
    Some(EventListener::new_with_options(
        &window,
        "beforeunload",
        EventListenerOptions::enable_prevent_default(),
        |event| {
            event.prevent_default();
            if let Some(e) = event.dyn_ref::<web_sys::BeforeUnloadEvent>() {
                e.set_return_value("unsaved");
            }
        },
    ))
}

/// Sets a property of `window` (hooks for the benchmark script).
pub fn set_global(name: &str, value: &JsValue) {
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &name.into(), value);
    }
}

/// Keeps `<html lang>` and the window title in step with the UI language.
pub fn set_document_lang(tag: &str, title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        if let Some(root) = document.document_element() {
            let _ = root.set_attribute("lang", tag);
        }
        document.set_title(title);
    }
}

/// Runs `f` once the screen was drawn (a zero-delay timer: Yew renders before it fires).
pub fn after_render(f: impl FnOnce() + 'static) {
    gloo_timers::callback::Timeout::new(0, f).forget();
}

/// Focuses the element with `id`, if there is one.
pub fn focus_id(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
