//! The staff web app: one offline HTML page (Yew UI) plus a validation worker.
//!
//! The same wasm binary runs in both places. The page's boot script (in `index.html`)
//! instantiates it and calls `start_ui`; the UI then starts a worker from a Blob URL
//! (`host`), posts it the same bytes, and the worker's bootstrap calls `worker_main`.
//! Neither entry point runs on instantiation (there is no `#[wasm_bindgen(start)]`).
//!
//! Pure modules ([`session`] and [`table`]: the worker's data; [`state`] (the reducer, which
//! returns the effects to run) and [`mapping`]: the page's; [`protocol`], [`error`], [`text`])
//! build natively and carry the unit tests; everything touching browser APIs is compiled for
//! `wasm32` only: the one effect executor (`effects`), the components, the worker's message
//! loop and the browser glue. See docs/web.md.

pub mod clipboard;
pub mod error;
pub mod mapping;
pub mod protocol;
pub mod session;
pub mod state;
pub mod table;
pub mod text;

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod dom;
#[cfg(target_arch = "wasm32")]
mod effects;
#[cfg(target_arch = "wasm32")]
mod host;
#[cfg(target_arch = "wasm32")]
mod panic;
#[cfg(target_arch = "wasm32")]
mod screens;
#[cfg(target_arch = "wasm32")]
mod wire;
#[cfg(target_arch = "wasm32")]
mod worker;

#[cfg(target_arch = "wasm32")]
pub use wasm::{start_ui, worker_main};

#[cfg(target_arch = "wasm32")]
mod wasm {
    use std::rc::Rc;

    use js_sys::Uint8Array;
    use wasm_bindgen::prelude::*;

    use crate::app::{App, AppProps};
    use crate::host::Boot;

    /// Page entry point, called by the boot script of `index.html` once the module is
    /// instantiated: renders the app into `#app`. `module_bytes` is the module's bytes and
    /// `glue` the text of the inline wasm-bindgen glue; together they start the worker.
    ///
    /// (Do not name a parameter `wasm`: the generated glue would shadow its own `wasm` object.)
    #[wasm_bindgen]
    pub fn start_ui(module_bytes: Uint8Array, glue: String) -> Result<(), JsValue> {
        crate::panic::install_for_page();
        let root = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("app"))
            .ok_or_else(|| JsValue::from_str("#app element not found"))?;
        // Replace the static "loading" text; Yew appends to what is there.
        root.set_inner_html("");
        let props = AppProps {
            boot: Rc::new(Boot {
                wasm: module_bytes,
                glue,
            }),
        };
        yew::Renderer::<App>::with_root_and_props(root, props).render();
        Ok(())
    }

    /// Worker entry point, called by `worker_bootstrap.js` inside the validation worker.
    #[wasm_bindgen]
    pub fn worker_main() {
        crate::worker::worker_main();
    }
}
