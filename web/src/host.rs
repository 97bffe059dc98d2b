//! The page's side of the validation worker: spawning it and talking to it.
//!
//! The worker runs the very wasm binary the page runs. Its source is the wasm-bindgen glue
//! (read back from the page's inline `<script>`) plus `worker_bootstrap.js`, started from a Blob
//! URL: `file://` pages cannot start workers from a path. The page then posts the wasm bytes;
//! the bootstrap instantiates them and calls `worker_main`.

use std::rc::Rc;

use gloo_events::EventListener;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Blob, BlobPropertyBag, ErrorEvent, MessageEvent, Url, Worker};

use crate::protocol::{FromWorker, ToWorker};
use crate::wire;

/// Appended to the glue to form the worker's source.
const WORKER_BOOTSTRAP: &str = include_str!("worker_bootstrap.js");

/// What the page's boot script hands over: the module's bytes and the glue's source text.
pub struct Boot {
    /// The wasm module, as the page instantiated it. Posted (copied) to every new worker.
    pub wasm: Uint8Array,
    /// wasm-bindgen's `no-modules` glue, as inlined in the page.
    pub glue: String,
}

/// A running worker. Dropping it terminates the worker.
pub struct WorkerHost {
    worker: Worker,
    url: String,
    /// Removed (with the worker) when the host is dropped.
    _listeners: [EventListener; 2],
}

impl WorkerHost {
    /// Starts a worker and posts it the module. Every message from it (and a `BootFailed` for
    /// script errors) goes to `on_message`, with the bytes it carried.
    pub fn spawn(
        boot: &Boot,
        on_message: impl Fn(FromWorker, Option<Uint8Array>) + 'static,
    ) -> Result<Self, JsValue> {
        let source = format!("{}\n{}", boot.glue, WORKER_BOOTSTRAP);
        let options = BlobPropertyBag::new();
        options.set_type("text/javascript");
        let blob = Blob::new_with_str_sequence_and_options(&Array::of1(&source.into()), &options)?;
        let url = Url::create_object_url_with_blob(&blob)?;
        let worker = match Worker::new(&url) {
            Ok(worker) => worker,
            Err(error) => {
                let _ = Url::revoke_object_url(&url);
                return Err(error);
            }
        };

        let on_message = Rc::new(on_message);
        let on_message_event = {
            let on_message = on_message.clone();
            EventListener::new(&worker, "message", move |event| {
                let Some(event) = event.dyn_ref::<MessageEvent>() else {
                    return;
                };
                match wire::open::<FromWorker>(&event.data()) {
                    Ok((message, bytes)) => on_message(message, bytes),
                    Err(error) => web_sys::console::error_1(&format!("page: {error}").into()),
                }
            })
        };
        let on_error_event = EventListener::new(&worker, "error", move |event| {
            let message = event
                .dyn_ref::<ErrorEvent>()
                .map(ErrorEvent::message)
                .unwrap_or_default();
            on_message(FromWorker::BootFailed { message }, None);
        });
        // The first message is the module; the bootstrap queues anything posted after it.
        worker.post_message(&boot.wasm)?;
        Ok(WorkerHost {
            worker,
            url,
            _listeners: [on_message_event, on_error_event],
        })
    }

    /// Posts a request, with `bytes` beside it (transferred, not copied: the page loses them).
    pub fn post(&self, request: &ToWorker, bytes: Option<&Uint8Array>) -> Result<(), JsValue> {
        let message = wire::envelope(request, bytes)?;
        match bytes {
            Some(bytes) => self
                .worker
                .post_message_with_transfer(&message, &Array::of1(&bytes.buffer())),
            None => self.worker.post_message(&message),
        }
    }
}

impl Drop for WorkerHost {
    fn drop(&mut self) {
        self.worker.terminate();
        let _ = Url::revoke_object_url(&self.url);
    }
}

/// A readable one-line description of a JS exception or value.
pub fn describe_js_error(value: &JsValue) -> String {
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        return String::from(error.to_string());
    }
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}
