//! The validation worker's side: entry point and message loop.
//!
//! Runs inside a dedicated worker started by [`crate::host`]. The worker's JS bootstrap
//! (`worker_bootstrap.js`) instantiates this same wasm binary and calls [`worker_main`].

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::job::{self, Progress};
use crate::protocol::{self, FromWorker, JobId, ToWorker};

/// Starts the worker: installs the panic hook and the message handler, then answers `Ready`.
pub fn worker_main() {
    crate::panic::install_for_worker();
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        web_sys::console::error_1(&"worker_main called outside a dedicated worker".into());
        return;
    };
    let handler_scope = scope.clone();
    let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        handle(&handler_scope, &event);
    });
    scope.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    handler.forget();
    post(&scope, &FromWorker::Ready, None);
}

/// Handles one request from the page.
fn handle(scope: &DedicatedWorkerGlobalScope, event: &MessageEvent) {
    let data = event.data();
    let json = Reflect::get(&data, &"json".into())
        .ok()
        .and_then(|v| v.as_string());
    let request = match json.as_deref().map(protocol::decode::<ToWorker>) {
        Some(Ok(request)) => request,
        Some(Err(error)) => {
            web_sys::console::error_1(&error.into());
            return;
        }
        None => {
            web_sys::console::error_1(&"worker message without `json`".into());
            return;
        }
    };
    match request {
        ToWorker::Check { job, source: _ } => {
            let bytes = Reflect::get(&data, &"bytes".into())
                .ok()
                .and_then(|v| v.dyn_into::<Uint8Array>().ok());
            match bytes {
                Some(bytes) => check(scope, job, &bytes.to_vec()),
                None => post(
                    scope,
                    &FromWorker::Failed {
                        job,
                        message: "request without bytes".into(),
                    },
                    None,
                ),
            }
        }
    }
}

/// Runs one check and posts progress and the result.
fn check(scope: &DedicatedWorkerGlobalScope, job: JobId, input: &[u8]) {
    let mut on_progress = |Progress { done, total }| {
        post(scope, &FromWorker::Progress { job, done, total }, None);
    };
    let stats = job::run_check(input, &mut on_progress);
    post(scope, &FromWorker::Finished { job, stats }, None);
}

/// Posts a message to the page in the `{ json, bytes? }` shape; `bytes` is transferred.
pub(crate) fn post(
    scope: &DedicatedWorkerGlobalScope,
    message: &FromWorker,
    bytes: Option<Uint8Array>,
) {
    let result =
        envelope(&protocol::encode(message), bytes.as_ref()).and_then(|object| match &bytes {
            Some(bytes) => scope.post_message_with_transfer(&object, &Array::of1(&bytes.buffer())),
            None => scope.post_message(&object),
        });
    if let Err(error) = result {
        web_sys::console::error_2(&"worker: postMessage failed".into(), &error);
    }
}

/// Builds the `{ json, bytes? }` message object (shared with the page side).
pub(crate) fn envelope(json: &str, bytes: Option<&Uint8Array>) -> Result<Object, JsValue> {
    let object = Object::new();
    Reflect::set(&object, &"json".into(), &json.into())?;
    if let Some(bytes) = bytes {
        Reflect::set(&object, &"bytes".into(), bytes)?;
    }
    Ok(object)
}
