//! Panic hooks: a panic must never reach the user as an opaque `unreachable` trap.
//!
//! On the page, the hook logs to the console and reveals the static `#pmh-fatal` banner of
//! `index.html` (outside the Yew root, so it works even though the app is dead after a panic).
//! In the worker, the hook logs and posts [`FromWorker::Panicked`] so the page can say so and
//! replace the worker.

use std::panic::{self, PanicHookInfo};

use wasm_bindgen::JsCast;
use web_sys::DedicatedWorkerGlobalScope;

use crate::protocol::FromWorker;

/// Installs the page's hook. Goes through Yew, which would otherwise replace it with its own
/// console-only hook when the app is rendered.
pub fn install_for_page() {
    yew::set_custom_panic_hook(Box::new(|info: &PanicHookInfo<'_>| {
        console_error_panic_hook::hook(info);
        show_fatal(&info.to_string());
    }));
}

/// Installs the worker's hook.
pub fn install_for_worker() {
    panic::set_hook(Box::new(|info: &PanicHookInfo<'_>| {
        console_error_panic_hook::hook(info);
        if let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() {
            crate::worker::post(
                &scope,
                &FromWorker::Panicked {
                    message: info.to_string(),
                },
                None,
            );
        }
    }));
}

/// Reveals the page's fatal-error banner (its Japanese/English text is in `index.html`) and
/// puts `detail` into its details line. Does nothing if the page has no banner.
pub fn show_fatal(detail: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(detail_el) = document.get_element_by_id("pmh-fatal-detail") {
        detail_el.set_text_content(Some(detail));
    }
    if let Some(banner) = document.get_element_by_id("pmh-fatal") {
        // Best effort: there is nothing left to report a failure to.
        let _ = banner.remove_attribute("hidden");
    }
}
