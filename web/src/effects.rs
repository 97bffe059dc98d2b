//! The store and the one effect executor.
//!
//! [`Store::send`] applies an action to the latest state with [`State::update`], then runs the
//! effects it returned, in order. Effects report back by sending more actions, which are queued
//! and applied after the current one (never nested), so the reducer always sees the latest
//! state. After the queue is empty the app is asked to render once.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use js_sys::{JsString, Uint8Array};
use wasm_bindgen::closure::Closure;
use web_sys::File;

use crate::dom;
use crate::host::{Boot, WorkerHost, describe_js_error};
use crate::protocol::{FromWorker, InputSource, JobId, ToWorker};
use crate::state::{Action, Effect, Handle, NamedBytes, Now, Payload, State, TextFile};
use crate::text::Text;

/// The app's state, its worker, and the queue of actions to apply.
pub struct Store {
    me: Weak<Store>,
    boot: Rc<Boot>,
    state: RefCell<Rc<State>>,
    queue: RefCell<VecDeque<Action>>,
    running: Cell<bool>,
    render: RefCell<Option<Rc<dyn Fn()>>>,
    host: RefCell<Option<WorkerHost>>,
    /// While set, the browser asks before the page is closed (edits would be lost).
    unload_guard: RefCell<Option<gloo_events::EventListener>>,
}

impl Store {
    /// A store for the page; nothing runs until [`Action::Started`] is sent.
    pub fn new(boot: Rc<Boot>) -> Rc<Store> {
        Rc::new_cyclic(|me| Store {
            me: me.clone(),
            boot,
            state: RefCell::new(Rc::new(State::default())),
            queue: RefCell::new(VecDeque::new()),
            running: Cell::new(false),
            render: RefCell::new(None),
            host: RefCell::new(None),
            unload_guard: RefCell::new(None),
        })
    }

    /// The state to render.
    pub fn state(&self) -> Rc<State> {
        self.state.borrow().clone()
    }

    /// What to call when the state changed.
    pub fn on_change(&self, render: impl Fn() + 'static) {
        *self.render.borrow_mut() = Some(Rc::new(render));
    }

    /// Terminates the worker (the app goes away).
    pub fn shutdown(&self) {
        drop(self.host.borrow_mut().take());
    }

    /// Applies `action` (after any queued before it) and runs its effects.
    pub fn send(&self, action: Action) {
        self.queue.borrow_mut().push_back(action);
        if self.running.replace(true) {
            return;
        }
        loop {
            let next = self.queue.borrow_mut().pop_front();
            let Some(action) = next else { break };
            let now = Now {
                ms: dom::now_ms(),
                local: dom::now_local(),
                iso: dom::now_iso(),
            };
            let mut state = Rc::unwrap_or_clone(self.state.replace(Rc::default()));
            let effects = state.update(action, &now);
            *self.state.borrow_mut() = Rc::new(state);
            for effect in effects {
                self.run(effect);
            }
        }
        self.running.set(false);
        let render = self.render.borrow().clone();
        if let Some(render) = render {
            render();
        }
    }

    /// A sender for callbacks that outlive this call (async reads, worker events).
    fn sender(&self) -> impl Fn(Action) + Clone + 'static {
        let me = self.me.clone();
        move |action| {
            if let Some(store) = me.upgrade() {
                store.send(action);
            }
        }
    }

    /// Runs one effect.
    fn run(&self, effect: Effect) {
        let send = self.sender();
        match effect {
            Effect::SpawnWorker => {
                // Not from inside a worker event: replacing the host drops the closure running.
                let me = self.me.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    if let Some(store) = me.upgrade() {
                        store.spawn_worker();
                    }
                });
            }
            Effect::Post {
                job,
                request,
                bytes,
            } => self.post(job, &request, bytes.as_ref().map(payload).as_ref()),
            Effect::LoadFile { job, file, source } => self.load_file(job, &file, source),
            Effect::ReadText {
                file,
                name,
                purpose,
            } => read_text(file, name, purpose, send),
            Effect::ReadMasters(files) => read_masters(files, send),
            Effect::ReadPrevious(file, name) => read_file(file, name, send, Action::PreviousRead),
            Effect::ReadDiffFile(slot, file, name) => {
                read_file(file, name, send, move |r| Action::DiffFileRead(slot, r));
            }
            Effect::ReadTemplate(file, name) => read_file(file, name, send, Action::TemplateRead),
            Effect::Unstore(key) => dom::storage_remove(key),
            Effect::ReadSaved => {
                send(Action::SavedRead(dom::storage_get(
                    crate::mapping::STORE_KEY,
                )));
                send(Action::ExtrasRead(dom::storage_get(
                    crate::mapping::EXTRAS_KEY,
                )));
                send(Action::TemplateRestored(dom::storage_get(
                    crate::mapping::TEMPLATE_KEY,
                )));
            }
            Effect::Store { key, value, then } => match dom::storage_set(key, &value) {
                Ok(()) => send(*then),
                Err(_) => send(Action::StorageFailed),
            },
            Effect::Download {
                name,
                mime,
                data,
                report,
            } => match dom::download(&name, &mime, &payload(&data)) {
                Ok(()) if report => send(Action::Saved(Ok(name))),
                Ok(()) => {}
                Err(e) => send(Action::Saved(Err(describe_js_error(&e)))),
            },
            Effect::Ask { question, yes } => {
                if dom::confirm(question.get(self.state.borrow().lang)) {
                    send(*yes);
                }
            }
            Effect::Mark(name) => dom::mark(name),
            Effect::PublishBench(json) => dom::set_global("__pmhBench", &JsString::from(json)),
            Effect::Document(lang) => dom::set_document_lang(lang.tag(), Text::Title.get(lang)),
            Effect::GuardUnload(on) => {
                *self.unload_guard.borrow_mut() = if on { dom::unload_guard() } else { None };
            }
            Effect::FocusLater(id, mark) => dom::after_render(move || {
                dom::focus_id(id);
                dom::mark(mark);
            }),
        }
    }

    /// Starts a worker (dropping, and so terminating, any previous one) and exposes the
    /// benchmark hook.
    fn spawn_worker(&self) {
        let send = self.sender();
        let on_message = move |message: FromWorker, bytes: Option<Uint8Array>| {
            send(Action::Worker(Box::new(message), bytes.map(Handle::new)));
        };
        let spawned = WorkerHost::spawn(&self.boot, on_message);
        match spawned {
            Ok(host) => *self.host.borrow_mut() = Some(host),
            Err(error) => {
                drop(self.host.borrow_mut().take());
                self.send(Action::SpawnFailed(describe_js_error(&error)));
            }
        }
        expose_bench(self.sender());
    }

    /// Posts a request; a failure to post is reported like a failed request.
    fn post(&self, job: JobId, request: &ToWorker, bytes: Option<&Uint8Array>) {
        let result = match self.host.borrow().as_ref() {
            Some(host) => host.post(request, bytes).map_err(|e| describe_js_error(&e)),
            None => Err("no worker".to_owned()),
        };
        if let Err(detail) = result {
            self.send(Action::PostFailed { job, detail });
        }
    }

    /// Reads an input file straight into a JS buffer and transfers it to the worker: the bytes
    /// never pass through this thread's wasm memory.
    fn load_file(&self, job: JobId, file: &Handle, source: InputSource) {
        let Some(file) = file.get::<File>().cloned() else {
            return;
        };
        let me = self.me.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let read = dom::file_bytes(&file).await;
            let Some(store) = me.upgrade() else { return };
            match read {
                Ok(bytes) => {
                    let request = ToWorker::Load {
                        job,
                        source,
                        sheet: None,
                    };
                    store.post(job, &request, Some(&bytes));
                }
                Err(detail) => store.send(Action::ReadFailed { job, detail }),
            }
        });
    }
}

/// The bytes of a payload as a JS buffer.
fn payload(data: &Payload) -> Uint8Array {
    match data {
        Payload::Bytes(bytes) => Uint8Array::from(&bytes[..]),
        Payload::Text(text) => Uint8Array::from(text.as_bytes()),
        Payload::Js(handle) => handle
            .get::<Uint8Array>()
            .cloned()
            .unwrap_or_else(|| Uint8Array::new_with_length(0)),
    }
}

fn read_text(file: Handle, name: String, purpose: TextFile, send: impl Fn(Action) + 'static) {
    let Some(file) = file.get::<File>().cloned() else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let result = dom::file_text(&file).await;
        send(Action::TextRead {
            purpose,
            name,
            result,
        });
    });
}

/// Reads one user file into this thread's memory (the previous upload, a template, a file of
/// 「差分履歴ファイルを作る」) and answers with `answer` of (name, bytes) or (name, the browser's
/// error).
fn read_file(
    file: Handle,
    name: String,
    send: impl Fn(Action) + 'static,
    answer: impl FnOnce(Result<NamedBytes, (String, String)>) -> Action + 'static,
) {
    wasm_bindgen_futures::spawn_local(async move {
        let Some(file) = file.get::<File>() else {
            return;
        };
        send(answer(match dom::file_bytes(file).await {
            Ok(bytes) => Ok((name, bytes.to_vec())),
            Err(detail) => Err((name, detail)),
        }));
    });
}

fn read_masters(files: Vec<(Handle, String)>, send: impl Fn(Action) + 'static) {
    wasm_bindgen_futures::spawn_local(async move {
        let mut loaded = Vec::new();
        for (file, name) in files {
            let Some(file) = file.get::<File>() else {
                continue;
            };
            match dom::file_bytes(file).await {
                Ok(bytes) => loaded.push((name, bytes.to_vec())),
                Err(detail) => return send(Action::MastersRead(Err((name, detail)))),
            }
        }
        send(Action::MastersRead(Ok(loaded)));
    });
}

/// Exposes `window.pmhBench(repeats)` for the benchmark script (`cargo xtask bench-web`): it
/// asks the worker to time the core checker on the loaded input; the timings land in
/// `window.__pmhBench` (JSON). Harmless for users: it only measures.
fn expose_bench(send: impl Fn(Action) + 'static) {
    let bench = Closure::<dyn FnMut(u32)>::new(move |repeats: u32| send(Action::Bench(repeats)));
    dom::set_global("pmhBench", bench.as_ref());
    bench.forget();
}
