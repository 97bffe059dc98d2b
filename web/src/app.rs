//! The root component: renders the state and wires events to the store. It decides nothing:
//! every event becomes an [`Action`] for the reducer (`state.rs`), whose effects the one
//! executor (`effects.rs`) runs.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::{LangToggle, StatusBar};
use crate::effects::Store;
use crate::host::Boot;
use crate::screens::{InputScreen, MappingScreen, ResultsScreen, Steps};
use crate::state::{Action, Screen};
use crate::text::{self, Text};

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

/// The whole app.
#[component(App)]
pub fn app(props: &AppProps) -> Html {
    let store = (*use_memo((), {
        let boot = props.boot.clone();
        move |()| Store::new(boot)
    }))
    .clone();
    let redraw = use_force_update();
    store.on_change(move || redraw.force_update());
    let send = (*use_memo((), {
        let store = store.clone();
        move |()| Callback::from(move |action: Action| store.send(action))
    }))
    .clone();
    {
        let store = store.clone();
        use_effect_with((), move |()| {
            store.send(Action::Started);
            move || store.shutdown()
        });
    }

    let state = store.state();
    let lang = state.lang;
    // Parsing the built-in layouts for their versions once per language, not per redraw.
    let footer = use_memo(lang, |lang| {
        text::version_footer(*lang, text::SOURCE_COMMIT)
    });
    let busy = state.is_busy();
    let body = match (state.screen, &state.mapping, &state.results) {
        (Screen::Input, ..) => html! {
            <InputScreen {lang} config={state.config.clone()} diff_maker={state.diff_maker.clone()} {busy} send={send.clone()} />
        },
        (Screen::Mapping, Some(m), _) => html! {
            <MappingScreen
                {lang}
                layout={state.config.layout.clone()}
                mapping={m.clone()}
                saved={state.saved.clone()}
                {busy}
                results_outdated={state.results.is_some() && !state.results_current()}
                send={send.clone()}
            />
        },
        (Screen::Results, _, Some(r)) => html! {
            <ResultsScreen
                {lang}
                results={r.clone()}
                mapping={state.mapping.clone()}
                layout={state.config.layout.clone()}
                {busy}
                send={send.clone()}
            />
        },
        _ => html! {},
    };

    html! {
        <>
            <header class="app-header">
                <h1>{ Text::Title.get(lang) }</h1>
                <p id="privacy" class="privacy">{ Text::Privacy.get(lang) }</p>
                <button
                    type="button"
                    id="clear-data"
                    class="clear-data"
                    onclick={send.reform(|_: MouseEvent| Action::ClearData { confirmed: false })}
                >
                    { Text::ClearData.get(lang) }
                </button>
                <LangToggle {lang} on_change={send.reform(Action::SetLang)} />
            </header>
            <div class="nav-row">
                <Steps
                    {lang}
                    screen={state.screen}
                    reachable={(state.mapping.is_some(), state.results_current())}
                    {busy}
                    send={send.clone()}
                />
                <StatusBar
                    {lang}
                    worker={state.worker.clone()}
                    busy={state.busy.clone()}
                    error={state.error.clone()}
                    notice={state.notice.clone()}
                    on_dismiss={send.reform(|()| Action::Dismiss)}
                />
            </div>
            <main>{ body }</main>
            <footer id="version" class="app-footer">{ (*footer).clone() }</footer>
        </>
    }
}
