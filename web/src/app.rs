//! The root component: owns the state and the worker, and wires callbacks to effects.
//!
//! Every callback does two things at most: dispatch an [`Action`] to the pure reducer, and
//! post a request to the worker (or read a file, or touch localStorage). Answers from the
//! worker come back as actions too.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use js_sys::{JsString, Uint8Array};
use pmh_core::Masters;
use pmh_core::{ColumnMapping, Layout};
use web_sys::File;
use yew::prelude::*;

use crate::components::{
    InputPanel, LangToggle, MappingPanel, ResultsPanel, SettingsPanel, StatusBar,
};
use crate::dom;
use crate::host::{Boot, WorkerHost, describe_js_error};
use crate::mapping::{self, Target};
use crate::protocol::{
    CellRef, DownloadKind, Filter, FromWorker, InputSource, JobId, ListReq, Msg, ReportLang,
    ToWorker,
};
use crate::state::{
    Action, Active, CustomLayout, LIST_PAGE, LayoutChoice, MasterFile, Screen, State, window_needed,
};
use crate::text::{self, Lang, Text};

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
/// The state as last rendered, for event handlers created once (the worker's).
type Latest = Rc<RefCell<State>>;

/// Everything a callback needs to act.
#[derive(Clone)]
struct Ctx {
    slot: HostSlot,
    dispatch: UseReducerDispatcher<State>,
    next_job: Rc<RefCell<u32>>,
    latest: Latest,
}

impl Ctx {
    fn job(&self) -> JobId {
        let mut next = self.next_job.borrow_mut();
        *next = next.wrapping_add(1);
        JobId(*next)
    }

    fn state(&self) -> State {
        self.latest.borrow().clone()
    }

    fn dispatch(&self, action: Action) {
        self.dispatch.dispatch(action);
    }

    /// Posts a request; a failure to post is reported like a failed request.
    fn post(&self, job: JobId, request: &ToWorker, bytes: Option<&Uint8Array>) {
        let result = match self.slot.borrow().as_ref() {
            Some(host) => host.post(request, bytes).map_err(|e| describe_js_error(&e)),
            None => Err("no worker".to_owned()),
        };
        if let Err(detail) = result {
            self.dispatch(Action::Worker {
                message: Box::new(FromWorker::Failed {
                    job,
                    message: Msg::new(
                        format!("確認機能に依頼できませんでした（{detail}）。"),
                        format!("The checker could not be reached ({detail})."),
                    ),
                }),
                at_ms: dom::now_ms(),
            });
        }
    }

    /// Tells the worker the current layout and masters.
    fn configure(&self, state: &State) {
        let files = &state.config.masters;
        let mut bytes = Vec::new();
        for f in files {
            bytes.extend_from_slice(&f.bytes);
        }
        let request = ToWorker::Configure {
            layout: state.config.spec(),
            masters: files.iter().map(|f| f.name.clone()).collect(),
            lens: files
                .iter()
                .map(|f| u32::try_from(f.bytes.len()).unwrap_or(u32::MAX))
                .collect(),
        };
        let bytes = (!bytes.is_empty()).then(|| Uint8Array::from(bytes.as_slice()));
        self.post(JobId(0), &request, bytes.as_ref());
    }

    /// Asks for the current results view again (after a change of what is shown).
    fn view(&self, state: &State, start: u32, list: Option<ListReq>, jump: Option<CellRef>) {
        let Some(results) = &state.results else {
            return;
        };
        let job = self.job();
        let view = results.view_req(start, list, jump);
        self.post(job, &ToWorker::View { job, view }, None);
    }
}

/// Starts a worker into `slot` (dropping, and so terminating, any previous one). If a worker
/// that had been ready panics, a new one is started.
fn spawn_worker(ctx: &Ctx, boot: &Rc<Boot>) {
    let weak_slot: Weak<_> = Rc::downgrade(&ctx.slot);
    let (boot_for_respawn, ctx_events) = (boot.clone(), ctx.clone());
    let on_message = move |message: FromWorker, bytes: Option<Uint8Array>, was_ready: bool| {
        let respawn = was_ready && matches!(message, FromWorker::Panicked { .. });
        on_worker_message(&ctx_events, &message, bytes);
        ctx_events.dispatch(Action::Worker {
            message: Box::new(message),
            at_ms: dom::now_ms(),
        });
        if respawn {
            // Not from inside this callback: replacing the host drops the closure running now.
            let (weak_slot, boot, ctx) = (
                weak_slot.clone(),
                boot_for_respawn.clone(),
                ctx_events.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                if weak_slot.upgrade().is_some() {
                    spawn_worker(&ctx, &boot);
                }
            });
        }
    };
    match WorkerHost::spawn(boot, on_message) {
        Ok(host) => *ctx.slot.borrow_mut() = Some(host),
        Err(error) => {
            ctx.slot.borrow_mut().take();
            ctx.dispatch(Action::SpawnFailed(describe_js_error(&error)));
        }
    }
}

/// Effects of worker answers (before the reducer sees them).
fn on_worker_message(ctx: &Ctx, message: &FromWorker, bytes: Option<Uint8Array>) {
    match message {
        FromWorker::Ready => {
            let state = ctx.state();
            ctx.configure(&state);
        }
        FromWorker::Loaded { .. } => dom::mark("pmh:loaded"),
        FromWorker::Checked { .. } => dom::mark("pmh:checked"),
        FromWorker::Changed { .. } => dom::mark("pmh:changed"),
        FromWorker::File {
            job, name, mime, ..
        } => {
            let state = ctx.state();
            if state.busy.as_ref().is_some_and(|b| b.job == *job)
                && let Some(bytes) = bytes
            {
                match dom::download(name, mime, &bytes) {
                    Ok(()) => ctx.dispatch(Action::Notice(Msg::new(
                        text::downloaded(Lang::Ja, name),
                        text::downloaded(Lang::En, name),
                    ))),
                    Err(e) => ctx.dispatch(Action::Error(Msg::new(
                        format!(
                            "ファイルを保存できませんでした（{}）。",
                            describe_js_error(&e)
                        ),
                        format!("The file could not be saved ({}).", describe_js_error(&e)),
                    ))),
                }
            }
        }
        FromWorker::Benched {
            bytes,
            rows,
            runs_ms,
            ..
        } => {
            // For the benchmark script (tests/e2e/bench.mjs).
            let value = serde_json::json!({ "bytes": bytes, "rows": rows, "runs_ms": runs_ms });
            if let Some(w) = web_sys::window() {
                let _ = js_sys::Reflect::set(
                    &w,
                    &"__pmhBench".into(),
                    &JsString::from(value.to_string()),
                );
            }
        }
        _ => {}
    }
}

/// Exposes `window.pmhBench(repeats)` for the benchmark script (`cargo xtask bench-web`): it
/// asks the worker to time the core checker on the loaded input; the timings land in
/// `window.__pmhBench` (JSON). Harmless for users: it only measures.
fn expose_bench(ctx: &Ctx) {
    let ctx = ctx.clone();
    let bench = wasm_bindgen::closure::Closure::<dyn FnMut(u32)>::new(move |repeats: u32| {
        let job = ctx.job();
        ctx.post(job, &ToWorker::Bench { job, repeats }, None);
    });
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &"pmhBench".into(), bench.as_ref());
    }
    bench.forget();
}

/// Reads the saved mappings from localStorage.
fn read_saved() -> Rc<Vec<ColumnMapping>> {
    Rc::new(
        dom::storage_get(mapping::STORE_KEY)
            .map(|json| mapping::parse_store(&json))
            .unwrap_or_default(),
    )
}

fn accepted_input(name: &str) -> bool {
    let lower = name.to_lowercase();
    [".csv", ".tsv", ".txt", ".xlsx", ".xlsm"]
        .iter()
        .any(|ext| lower.ends_with(ext))
        || !lower.contains('.')
}

/// The whole app.
#[component(App)]
pub fn app(props: &AppProps) -> Html {
    let state = use_reducer(State::default);
    let slot: HostSlot = use_mut_ref(|| None);
    let next_job = use_mut_ref(|| 0u32);
    let latest: Latest = use_mut_ref(State::default);
    *latest.borrow_mut() = (*state).clone();
    let ctx = Ctx {
        slot: slot.clone(),
        dispatch: state.dispatcher(),
        next_job,
        latest,
    };

    // Start the worker and read the saved mappings once; terminate the worker when the app
    // goes away.
    {
        let (ctx, boot) = (ctx.clone(), props.boot.clone());
        use_effect_with((), move |()| {
            ctx.dispatch(Action::SavedList(read_saved()));
            spawn_worker(&ctx, &boot);
            expose_bench(&ctx);
            let slot = ctx.slot.clone();
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

    // Move the focus to the heading of a step when it is shown.
    use_effect_with(state.screen, |&screen| {
        let id = match screen {
            Screen::Input => None,
            Screen::Mapping => Some("mapping-heading"),
            Screen::Results => Some("results-heading"),
        };
        if let Some(id) = id {
            dom::focus_id(id);
            dom::mark(match screen {
                Screen::Mapping => "pmh:mapping-shown",
                _ => "pmh:results-shown",
            });
        }
    });

    let lang = state.lang;
    let on_lang = {
        let ctx = ctx.clone();
        Callback::from(move |lang: Lang| ctx.dispatch(Action::SetLang(lang)))
    };

    // ---- settings ----
    let on_layout = {
        let ctx = ctx.clone();
        Callback::from(move |choice: LayoutChoice| {
            let state = ctx.state();
            let layout = match choice {
                LayoutChoice::Full => Layout::full(),
                LayoutChoice::Diff => Layout::diff(),
                LayoutChoice::Custom => {
                    let Some(custom) = &state.config.custom else {
                        return;
                    };
                    match Layout::from_toml(&custom.toml) {
                        Ok(l) => l,
                        Err(e) => return ctx.dispatch(Action::Error(Msg::new(e.ja, e.en))),
                    }
                }
            };
            let next = state.clone().reduce(Action::LayoutChosen {
                choice,
                layout: Rc::new(layout.clone()),
                custom: None,
            });
            ctx.configure(&next);
            ctx.dispatch(Action::LayoutChosen {
                choice,
                layout: Rc::new(layout),
                custom: None,
            });
            if state.mapping.is_some() {
                ctx.dispatch(Action::Notice(Msg::new(
                    Text::ConfigChanged.get(Lang::Ja),
                    Text::ConfigChanged.get(Lang::En),
                )));
            }
        })
    };
    let on_layout_file = {
        let ctx = ctx.clone();
        Callback::from(move |file: File| {
            let ctx = ctx.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let name = file.name();
                let toml = match dom::file_text(&file).await {
                    Ok(t) => t,
                    Err(e) => {
                        return ctx.dispatch(Action::Error(Msg::new(
                            format!(
                                "「{name}」を読めませんでした（{}）。",
                                describe_js_error(&e)
                            ),
                            format!("“{name}” could not be read ({}).", describe_js_error(&e)),
                        )));
                    }
                };
                match Layout::from_toml(&toml) {
                    Ok(layout) => {
                        let custom = CustomLayout {
                            name,
                            toml: Rc::from(toml.as_str()),
                        };
                        let action = Action::LayoutChosen {
                            choice: LayoutChoice::Custom,
                            layout: Rc::new(layout),
                            custom: Some(custom),
                        };
                        let next = ctx.state().reduce(action.clone());
                        ctx.configure(&next);
                        ctx.dispatch(action);
                    }
                    Err(e) => ctx.dispatch(Action::Error(Msg::new(
                        format!("「{name}」はレイアウトファイルとして使えません：{}", e.ja),
                        format!("“{name}” cannot be used as a layout file: {}", e.en),
                    ))),
                }
            });
        })
    };
    let on_masters = {
        let ctx = ctx.clone();
        Callback::from(move |files: Vec<File>| {
            let ctx = ctx.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let mut loaded = Vec::new();
                for file in &files {
                    match dom::file_bytes(file).await {
                        Ok(bytes) => loaded.push(MasterFile {
                            name: file.name(),
                            bytes: Rc::from(bytes.to_vec()),
                        }),
                        Err(e) => {
                            return ctx.dispatch(Action::Error(Msg::new(
                                format!(
                                    "「{}」を読めませんでした（{}）。",
                                    file.name(),
                                    describe_js_error(&e)
                                ),
                                format!(
                                    "“{}” could not be read ({}).",
                                    file.name(),
                                    describe_js_error(&e)
                                ),
                            )));
                        }
                    }
                }
                // Validated here for an immediate message; the worker loads the same bytes.
                let inputs: Vec<(&str, &[u8])> = loaded
                    .iter()
                    .map(|f| (f.name.as_str(), &*f.bytes))
                    .collect();
                match Masters::from_files(inputs) {
                    Ok(m) => {
                        let action = Action::MastersLoaded {
                            files: loaded,
                            summary: Some(Msg::new(m.describe(), m.describe_en())),
                        };
                        let next = ctx.state().reduce(action.clone());
                        ctx.configure(&next);
                        ctx.dispatch(action);
                    }
                    Err(e) => ctx.dispatch(Action::Error(Msg::new(e.ja, e.en))),
                }
            });
        })
    };
    let on_masters_clear = {
        let ctx = ctx.clone();
        Callback::from(move |()| {
            let action = Action::MastersLoaded {
                files: Vec::new(),
                summary: None,
            };
            let next = ctx.state().reduce(action.clone());
            ctx.configure(&next);
            ctx.dispatch(action);
        })
    };

    // Ask before closing or reloading the page while edits exist.
    let edited = state
        .results
        .as_ref()
        .is_some_and(|r| r.summary.changes > 0);
    use_effect_with(edited, |&edited| {
        dom::guard_unload(edited);
    });

    // ---- input ----
    // A new input replaces the data: ask first when it was edited.
    let may_replace = {
        let ctx = ctx.clone();
        move || {
            let state = ctx.state();
            let edited = state
                .results
                .as_ref()
                .is_some_and(|r| r.summary.changes > 0);
            !edited || dom::confirm(Text::DiscardChanges.get(state.lang))
        }
    };
    let load_bytes = {
        let ctx = ctx.clone();
        move |source: InputSource, bytes: Uint8Array| {
            let job = ctx.job();
            ctx.dispatch(Action::LoadStarted {
                job,
                source: source.clone(),
                total: u64::from(bytes.length()),
                reading: false,
                at_ms: dom::now_ms(),
            });
            ctx.post(
                job,
                &ToWorker::Load {
                    job,
                    source,
                    sheet: None,
                },
                Some(&bytes),
            );
        }
    };
    let on_paste = {
        let (load_bytes, may_replace) = (load_bytes.clone(), may_replace.clone());
        Callback::from(move |text: JsString| {
            if !may_replace() {
                return;
            }
            dom::mark("pmh:input");
            load_bytes(InputSource::Paste, dom::utf8(&text));
        })
    };
    let on_file = {
        let ctx = ctx.clone();
        Callback::from(move |file: File| {
            if !may_replace() {
                return;
            }
            let name = file.name();
            if !accepted_input(&name) {
                return ctx.dispatch(Action::Error(Msg::new(
                    text::file_type_unknown(Lang::Ja, &name),
                    text::file_type_unknown(Lang::En, &name),
                )));
            }
            dom::mark("pmh:input");
            let job = ctx.job();
            let source = InputSource::File { name };
            // File.size is a non-negative, integer-valued f64: the cast is exact.
            let total = file.size() as u64;
            ctx.dispatch(Action::LoadStarted {
                job,
                source: source.clone(),
                total,
                reading: true,
                at_ms: dom::now_ms(),
            });
            // Read straight into a JS buffer and transfer it: the bytes never pass through
            // this thread's wasm memory.
            let ctx = ctx.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match dom::file_bytes(&file).await {
                    Ok(bytes) => ctx.post(
                        job,
                        &ToWorker::Load {
                            job,
                            source,
                            sheet: None,
                        },
                        Some(&bytes),
                    ),
                    Err(error) => ctx.dispatch(Action::ReadFailed {
                        job,
                        detail: describe_js_error(&error),
                    }),
                }
            });
        })
    };

    // ---- mapping ----
    let on_target = {
        let ctx = ctx.clone();
        Callback::from(move |(col, target): (usize, Target)| {
            ctx.dispatch(Action::SetTarget { col, target });
        })
    };
    let on_use_saved = {
        let ctx = ctx.clone();
        Callback::from(move |index: Option<usize>| {
            let state = ctx.state();
            match index.and_then(|i| state.saved.get(i)) {
                Some(m) => {
                    // Field ids that the current layout lacks are reported, not guessed.
                    match ColumnMapping::from_json(&m.to_json(), &state.config.layout.0) {
                        Ok(m) => ctx.dispatch(Action::UseMapping(m)),
                        Err(e) => ctx.dispatch(Action::Error(Msg::new(e.ja, e.en))),
                    }
                }
                None => ctx.dispatch(Action::AutoMapping),
            }
        })
    };
    let on_name = {
        let ctx = ctx.clone();
        Callback::from(move |name: String| ctx.dispatch(Action::SetMappingName(name)))
    };
    let current_mapping = |state: &State| -> Option<ColumnMapping> {
        let m = state.mapping.as_ref()?;
        Some(mapping::to_mapping(
            &m.name,
            &state.config.layout.0,
            &m.preview.headers,
            &m.targets,
        ))
    };
    let on_save = {
        let ctx = ctx.clone();
        Callback::from(move |()| {
            let state = ctx.state();
            let Some(m) = current_mapping(&state) else {
                return;
            };
            if m.name.is_empty() {
                return ctx.dispatch(Action::Error(Msg::new(
                    Text::NameNeeded.get(Lang::Ja),
                    Text::NameNeeded.get(Lang::En),
                )));
            }
            let name = m.name.clone();
            let saved = mapping::upsert(&state.saved, m.clone());
            match dom::storage_set(mapping::STORE_KEY, &mapping::store_json(&saved)) {
                Ok(()) => {
                    ctx.dispatch(Action::SavedList(Rc::new(saved)));
                    ctx.dispatch(Action::UseMapping(m));
                    ctx.dispatch(Action::Notice(Msg::new(
                        format!("対応付け「{name}」を保存しました。"),
                        format!("Saved the mapping “{name}”."),
                    )));
                }
                Err(_) => ctx.dispatch(Action::Error(Msg::new(
                    Text::StorageFailed.get(Lang::Ja),
                    Text::StorageFailed.get(Lang::En),
                ))),
            }
        })
    };
    let on_delete_saved = {
        let ctx = ctx.clone();
        Callback::from(move |name: String| {
            let state = ctx.state();
            let saved = mapping::remove(&state.saved, &name, &state.config.layout.0.id);
            match dom::storage_set(mapping::STORE_KEY, &mapping::store_json(&saved)) {
                Ok(()) => {
                    ctx.dispatch(Action::SavedList(Rc::new(saved)));
                    ctx.dispatch(Action::AutoMapping);
                    ctx.dispatch(Action::Notice(Msg::new(
                        Text::Deleted.get(Lang::Ja),
                        Text::Deleted.get(Lang::En),
                    )));
                }
                Err(_) => ctx.dispatch(Action::Error(Msg::new(
                    Text::StorageFailed.get(Lang::Ja),
                    Text::StorageFailed.get(Lang::En),
                ))),
            }
        })
    };
    let on_export = {
        let ctx = ctx.clone();
        Callback::from(move |()| {
            let state = ctx.state();
            let Some(m) = current_mapping(&state) else {
                return;
            };
            let stem = if m.name.is_empty() {
                "mapping".to_owned()
            } else {
                m.name.clone()
            };
            let mut json = m.to_json();
            json.push('\n');
            if let Err(e) = dom::download_text(&format!("{stem}.json"), "application/json", &json) {
                ctx.dispatch(Action::Error(Msg::new(
                    format!(
                        "ファイルを保存できませんでした（{}）。",
                        describe_js_error(&e)
                    ),
                    format!("The file could not be saved ({}).", describe_js_error(&e)),
                )));
            }
        })
    };
    let on_import = {
        let ctx = ctx.clone();
        Callback::from(move |file: File| {
            let ctx = ctx.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let name = file.name();
                let text = match dom::file_text(&file).await {
                    Ok(t) => t,
                    Err(e) => {
                        return ctx.dispatch(Action::Error(Msg::new(
                            format!(
                                "「{name}」を読めませんでした（{}）。",
                                describe_js_error(&e)
                            ),
                            format!("“{name}” could not be read ({}).", describe_js_error(&e)),
                        )));
                    }
                };
                let layout = ctx.state().config.layout.0.clone();
                match ColumnMapping::from_json(text.trim_start_matches('\u{FEFF}'), &layout) {
                    Ok(m) => {
                        ctx.dispatch(Action::UseMapping(m));
                        ctx.dispatch(Action::Notice(Msg::new(
                            Text::Imported.get(Lang::Ja),
                            Text::Imported.get(Lang::En),
                        )));
                    }
                    Err(e) => ctx.dispatch(Action::Error(Msg::new(
                        format!("「{name}」：{}", e.ja),
                        format!("“{name}”: {}", e.en),
                    ))),
                }
            });
        })
    };
    let on_sheet = {
        let ctx = ctx.clone();
        Callback::from(move |sheet: Option<String>| {
            let state = ctx.state();
            let Some(source) = state
                .mapping
                .as_ref()
                .and_then(|m| m.preview.source.clone())
            else {
                return;
            };
            let job = ctx.job();
            ctx.dispatch(Action::LoadStarted {
                job,
                source: source.clone(),
                total: 0,
                reading: false,
                at_ms: dom::now_ms(),
            });
            ctx.post(job, &ToWorker::Load { job, source, sheet }, None);
        })
    };
    let on_check = {
        let ctx = ctx.clone();
        Callback::from(move |()| {
            let state = ctx.state();
            let Some(m) = current_mapping(&state) else {
                return;
            };
            dom::mark("pmh:check");
            let job = ctx.job();
            ctx.dispatch(Action::CheckStarted {
                job,
                at_ms: dom::now_ms(),
            });
            let view = crate::protocol::ViewReq {
                window: crate::protocol::WindowReq {
                    filter: Filter::All,
                    start: 0,
                    count: crate::state::WINDOW_ROWS,
                },
                list: Some(ListReq {
                    code: None,
                    offset: 0,
                    limit: LIST_PAGE,
                }),
                jump: None,
            };
            ctx.post(
                job,
                &ToWorker::Check {
                    job,
                    mapping: m.to_json(),
                    view,
                },
                None,
            );
        })
    };
    let on_goto = {
        let ctx = ctx.clone();
        Callback::from(move |screen: Screen| ctx.dispatch(Action::GoTo(screen)))
    };
    let on_dismiss = {
        let ctx = ctx.clone();
        Callback::from(move |()| ctx.dispatch(Action::Dismiss))
    };

    // ---- results ----
    let on_filter = {
        let ctx = ctx.clone();
        Callback::from(move |filter: Filter| {
            let state = ctx.state().reduce(Action::SetFilter(filter.clone()));
            ctx.dispatch(Action::SetFilter(filter));
            ctx.view(&state, 0, None, None);
        })
    };
    let on_need = {
        let ctx = ctx.clone();
        Callback::from(move |(first, visible): (u32, u32)| {
            let state = ctx.state();
            let Some(results) = &state.results else {
                return;
            };
            if let Some(start) = window_needed(&results.window, results.requested, first, visible) {
                ctx.dispatch(Action::WindowRequested(start));
                ctx.view(&state, start, None, None);
            }
        })
    };
    let on_activate = {
        let ctx = ctx.clone();
        Callback::from(move |active: Active| ctx.dispatch(Action::Activate(Some(active))))
    };
    let on_jump = {
        let ctx = ctx.clone();
        Callback::from(move |cell: CellRef| {
            let state = ctx.state();
            let start = state.results.as_ref().map_or(0, |r| r.window.start);
            ctx.view(&state, start, None, Some(cell));
        })
    };
    let change = {
        let ctx = ctx.clone();
        move |make: &dyn Fn(JobId, crate::protocol::ViewReq) -> ToWorker| {
            let state = ctx.state();
            let Some(results) = &state.results else {
                return;
            };
            let job = ctx.job();
            let view = results.view_req(results.window.start, Some(results.list_req()), None);
            let request = make(job, view);
            // A repair of every cell with a finding can take a moment: show it.
            if matches!(request, ToWorker::Repair { all: true, .. }) {
                ctx.dispatch(Action::BulkChangeStarted {
                    job,
                    at_ms: dom::now_ms(),
                });
            }
            ctx.post(job, &request, None);
        }
    };
    let on_edit = {
        let change = change.clone();
        Callback::from(move |(cell, value): (CellRef, String)| {
            dom::mark("pmh:edit");
            let at = dom::now_local();
            change(&|job, view| ToWorker::Edit {
                job,
                cell,
                value: value.clone(),
                at: at.clone(),
                view,
            });
        })
    };
    let on_repair = {
        let change = change.clone();
        Callback::from(move |(cell, code, all): (CellRef, String, bool)| {
            let at = dom::now_local();
            change(&|job, view| ToWorker::Repair {
                job,
                cell,
                code: code.clone(),
                all,
                at: at.clone(),
                view,
            });
        })
    };
    let on_undo = {
        let change = change.clone();
        Callback::from(move |()| {
            let at = dom::now_local();
            change(&|job, view| ToWorker::Undo {
                job,
                at: at.clone(),
                view,
            });
        })
    };
    let on_list = {
        let ctx = ctx.clone();
        Callback::from(move |(code, offset): (Option<String>, u32)| {
            let state = ctx.state();
            let Some(results) = &state.results else {
                return;
            };
            let list = ListReq {
                code,
                offset,
                limit: LIST_PAGE,
            };
            ctx.view(&state, results.window.start, Some(list), None);
        })
    };
    let start_download = {
        let ctx = ctx.clone();
        move |kind: DownloadKind| {
            let state = ctx.state();
            let job = ctx.job();
            ctx.dispatch(Action::DownloadStarted {
                job,
                kind,
                at_ms: dom::now_ms(),
            });
            let lang = match state.lang {
                Lang::Ja => ReportLang::Ja,
                Lang::En => ReportLang::En,
            };
            let time = dom::now_iso();
            ctx.post(
                job,
                &ToWorker::Download {
                    job,
                    kind,
                    lang,
                    time,
                },
                None,
            );
        }
    };
    let on_download = {
        let (ctx, start_download) = (ctx.clone(), start_download.clone());
        Callback::from(move |kind: DownloadKind| {
            let state = ctx.state();
            let Some(results) = &state.results else {
                return;
            };
            let upload = matches!(kind, DownloadKind::UploadCsv | DownloadKind::UploadJson);
            if upload && results.summary.errors > 0 {
                ctx.dispatch(Action::Confirm(Some(kind)));
            } else {
                start_download(kind);
            }
        })
    };
    let on_confirm = {
        let ctx = ctx.clone();
        Callback::from(move |yes: bool| {
            let state = ctx.state();
            let kind = state.results.as_ref().and_then(|r| r.confirm);
            ctx.dispatch(Action::Confirm(None));
            if let (true, Some(kind)) = (yes, kind) {
                start_download(kind);
            }
        })
    };

    let steps = [
        (Screen::Input, Text::StepInput),
        (Screen::Mapping, Text::StepMapping),
        (Screen::Results, Text::StepResults),
    ]
    .into_iter()
    .map(|(screen, label)| {
        let current = state.screen == screen;
        let reachable = match screen {
            Screen::Input => true,
            Screen::Mapping => state.mapping.is_some(),
            Screen::Results => state.results.is_some(),
        };
        let onclick = on_goto.reform(move |_: MouseEvent| screen);
        html! {
            <li class={classes!("step", current.then_some("is-current"))}>
                <button
                    type="button"
                    class="step-button"
                    disabled={!reachable || state.is_busy()}
                    aria-current={current.then_some("step")}
                    {onclick}
                >
                    { label.get(lang) }
                </button>
            </li>
        }
    });

    let body = match state.screen {
        Screen::Input => html! {
            <>
                <SettingsPanel
                    {lang}
                    config={state.config.clone()}
                    busy={state.is_busy()}
                    on_layout={on_layout}
                    on_layout_file={on_layout_file}
                    on_masters={on_masters}
                    on_masters_clear={on_masters_clear}
                />
                <InputPanel {lang} busy={state.is_busy()} {on_paste} {on_file} />
            </>
        },
        Screen::Mapping => match &state.mapping {
            Some(m) => html! {
                <MappingPanel
                    {lang}
                    layout={state.config.layout.clone()}
                    mapping={m.clone()}
                    saved={state.saved.clone()}
                    busy={state.is_busy()}
                    {on_target}
                    {on_use_saved}
                    {on_name}
                    {on_save}
                    {on_delete_saved}
                    {on_export}
                    {on_import}
                    {on_sheet}
                    {on_check}
                    on_back={on_goto.reform(|()| Screen::Input)}
                />
            },
            None => html! {},
        },
        Screen::Results => match &state.results {
            Some(r) => html! {
                <ResultsPanel
                    {lang}
                    results={r.clone()}
                    mapping={state.mapping.clone()}
                    layout={state.config.layout.clone()}
                    busy={state.is_busy()}
                    {on_filter}
                    {on_need}
                    {on_activate}
                    {on_jump}
                    {on_edit}
                    {on_repair}
                    {on_undo}
                    {on_list}
                    {on_download}
                    {on_confirm}
                    on_back={on_goto.reform(|()| Screen::Mapping)}
                />
            },
            None => html! {},
        },
    };

    html! {
        <>
            <header class="app-header">
                <h1>{ Text::Title.get(lang) }</h1>
                <LangToggle {lang} on_change={on_lang} />
            </header>
            <p id="privacy" class="privacy">{ Text::Privacy.get(lang) }</p>
            <div class="nav-row">
                <nav class="steps" aria-label={Text::StepsLabel.get(lang)}>
                    <ol>{ for steps }</ol>
                </nav>
                <StatusBar
                    {lang}
                    worker={state.worker.clone()}
                    busy={state.busy.clone()}
                    error={state.error.clone()}
                    notice={state.notice.clone()}
                    {on_dismiss}
                />
            </div>
            <main>{ body }</main>
        </>
    }
}
