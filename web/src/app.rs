//! The root component: owns the state and the worker, and wires callbacks to effects.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use js_sys::Uint8Array;
use wasm_bindgen_futures::JsFuture;
use web_sys::File;
use yew::prelude::*;

use crate::components::{InputPanel, LangToggle, Results};
use crate::host::{Boot, WorkerHost, describe_js_error};
use crate::protocol::{FromWorker, InputSource, JobId};
use crate::state::{Action, State};
use crate::text::{Lang, Text};

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(Rc::unwrap_or_clone(self).reduce(action))
    }
}

/// Props of [`App`].
#[derive(Properties)]
pub struct AppProps {
    /// Module bytes and glue, to start workers with.
    pub boot: Rc<Boot>,
}

impl PartialEq for AppProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.boot, &other.boot)
    }
}

/// The slot holding the current worker (replaced when a worker dies).
type HostSlot = Rc<RefCell<Option<WorkerHost>>>;

/// Page clock in whole milliseconds since the epoch (`Instant::now` panics on wasm32).
fn now_ms() -> u64 {
    // Date.now() is a non-negative, integer-valued f64: the cast is exact.
    js_sys::Date::now() as u64
}

/// Starts a worker into `slot` (dropping, and so terminating, any previous one). If a worker
/// that had been ready panics, a new one is started.
fn spawn_worker(slot: &HostSlot, boot: &Rc<Boot>, dispatch: &UseReducerDispatcher<State>) {
    let weak_slot: Weak<_> = Rc::downgrade(slot);
    let (boot_for_respawn, dispatch_for_events) = (boot.clone(), dispatch.clone());
    let on_message = move |message: FromWorker, was_ready: bool| {
        let respawn = was_ready && matches!(message, FromWorker::Panicked { .. });
        dispatch_for_events.dispatch(Action::Worker {
            message,
            at_ms: now_ms(),
        });
        if respawn {
            // Not from inside this callback: replacing the host drops the closure running now.
            let (weak_slot, boot, dispatch) = (
                weak_slot.clone(),
                boot_for_respawn.clone(),
                dispatch_for_events.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(slot) = weak_slot.upgrade() {
                    spawn_worker(&slot, &boot, &dispatch);
                }
            });
        }
    };
    match WorkerHost::spawn(boot, on_message) {
        Ok(host) => *slot.borrow_mut() = Some(host),
        Err(error) => {
            slot.borrow_mut().take();
            dispatch.dispatch(Action::SpawnFailed(describe_js_error(&error)));
        }
    }
}

/// Posts a check request, or reports why it could not be posted.
fn post_check(
    slot: &HostSlot,
    dispatch: &UseReducerDispatcher<State>,
    job: JobId,
    source: InputSource,
    bytes: &Uint8Array,
) {
    let result = match slot.borrow().as_ref() {
        Some(host) => host
            .check(job, source, bytes)
            .map_err(|e| describe_js_error(&e)),
        None => Err("no worker".to_owned()),
    };
    if let Err(message) = result {
        dispatch.dispatch(Action::Worker {
            message: FromWorker::Failed { job, message },
            at_ms: now_ms(),
        });
    }
}

/// The whole app.
#[component(App)]
pub fn app(props: &AppProps) -> Html {
    let state = use_reducer(State::default);
    let slot: HostSlot = use_mut_ref(|| None);
    let next_job = use_mut_ref(|| 0u32);

    // Start the worker once; terminate it when the app goes away.
    {
        let (slot, boot, dispatch) = (slot.clone(), props.boot.clone(), state.dispatcher());
        use_effect_with((), move |()| {
            spawn_worker(&slot, &boot, &dispatch);
            move || drop(slot.borrow_mut().take())
        });
    }

    // Keep <html lang> and the window title in step with the UI language.
    use_effect_with(state.lang, |&lang| {
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            if let Some(root) = document.document_element() {
                let _ = root.set_attribute("lang", lang.tag());
            }
            document.set_title(Text::Title.get(lang));
        }
    });

    let new_job = move || {
        let mut next = next_job.borrow_mut();
        *next = next.wrapping_add(1);
        JobId(*next)
    };

    let on_lang = {
        let dispatch = state.dispatcher();
        Callback::from(move |lang: Lang| dispatch.dispatch(Action::SetLang(lang)))
    };

    let on_paste = {
        let (slot, dispatch, new_job) = (slot.clone(), state.dispatcher(), new_job.clone());
        Callback::from(move |text: String| {
            let job = new_job();
            let bytes = Uint8Array::from(text.as_bytes());
            dispatch.dispatch(Action::Started {
                job,
                source: InputSource::Paste,
                total: u64::from(bytes.length()),
                reading: false,
                at_ms: now_ms(),
            });
            post_check(&slot, &dispatch, job, InputSource::Paste, &bytes);
        })
    };

    let on_file = {
        let (slot, dispatch) = (slot.clone(), state.dispatcher());
        Callback::from(move |file: File| {
            let job = new_job();
            let source = InputSource::File { name: file.name() };
            // File.size is a non-negative, integer-valued f64: the cast is exact.
            let total = file.size() as u64;
            dispatch.dispatch(Action::Started {
                job,
                source: source.clone(),
                total,
                reading: true,
                at_ms: now_ms(),
            });
            // Read straight into a JS buffer and transfer it: the bytes never pass through
            // this thread's wasm memory.
            let (slot, dispatch) = (slot.clone(), dispatch.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match JsFuture::from(file.array_buffer()).await {
                    Ok(buffer) => {
                        post_check(&slot, &dispatch, job, source, &Uint8Array::new(&buffer))
                    }
                    Err(error) => dispatch.dispatch(Action::ReadFailed {
                        job,
                        detail: describe_js_error(&error),
                    }),
                }
            });
        })
    };

    let lang = state.lang;
    html! {
        <>
            <header class="app-header">
                <h1>{ Text::Title.get(lang) }</h1>
                <LangToggle {lang} on_change={on_lang} />
            </header>
            <p id="privacy" class="privacy">{ Text::Privacy.get(lang) }</p>
            <main>
                <InputPanel {lang} {on_paste} {on_file} />
                <Results {lang} worker={state.worker.clone()} job={state.job.clone()} />
            </main>
        </>
    }
}
