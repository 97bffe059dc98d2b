//! The shape of a message between the page and the worker (both directions):
//! `{ json: string, bytes?: Uint8Array }` — the request or answer (a [`crate::protocol`] enum)
//! as serde JSON text, and bulk data beside it as a transferable buffer, never inside the
//! JSON. (`worker_bootstrap.js` writes its one message, `boot_failed`, the same way.)
//!
//! JSON text rather than serde-wasm-bindgen objects: measured with `cargo xtask bench-web`
//! (docs/web.md), objects were no faster from paste to results and slower from an edit to the
//! change on screen, and made the page 60 KB larger.

use js_sys::{Object, Reflect, Uint8Array};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::protocol;

/// Builds the message object for `message`, with `bytes` beside it.
///
/// # Errors
/// The browser refused to build the object.
pub fn envelope<T: Serialize>(message: &T, bytes: Option<&Uint8Array>) -> Result<Object, JsValue> {
    let object = Object::new();
    Reflect::set(&object, &"json".into(), &protocol::encode(message).into())?;
    if let Some(bytes) = bytes {
        Reflect::set(&object, &"bytes".into(), bytes)?;
    }
    Ok(object)
}

/// The message in a message event's `data`, and the bytes beside it.
///
/// # Errors
/// Not a message of this protocol (for the console).
pub fn open<T: DeserializeOwned>(data: &JsValue) -> Result<(T, Option<Uint8Array>), String> {
    let bytes = Reflect::get(data, &"bytes".into())
        .ok()
        .and_then(|v| v.dyn_into::<Uint8Array>().ok());
    let json = Reflect::get(data, &"json".into())
        .ok()
        .and_then(|v| v.as_string())
        .ok_or("message without `json`")?;
    Ok((protocol::decode(&json)?, bytes))
}
