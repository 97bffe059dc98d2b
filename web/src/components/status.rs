//! The status area under the steps: worker state, progress of a long job, the last error
//! (role=alert) and status lines (role=status).

use yew::prelude::*;

use crate::error::{AppError, Notice};
use crate::state::{Busy, WorkerStatus};
use crate::text::{self, Lang, Text};

/// Props of [`StatusBar`].
#[derive(Properties, PartialEq)]
pub struct StatusBarProps {
    /// UI language.
    pub lang: Lang,
    /// The worker.
    pub worker: WorkerStatus,
    /// A long job.
    pub busy: Option<Busy>,
    /// The last error.
    pub error: Option<AppError>,
    /// A status line.
    pub notice: Option<Notice>,
    /// Clears the error and the status line.
    pub on_dismiss: Callback<()>,
}

/// The status area.
#[component(StatusBar)]
pub fn status_bar(props: &StatusBarProps) -> Html {
    let lang = props.lang;
    let worker = match &props.worker {
        WorkerStatus::Starting => html! {
            <p id="worker-status" class="status">{ Text::WorkerStarting.get(lang) }</p>
        },
        WorkerStatus::Ready => html! {
            <p id="worker-status" class="status is-ready visually-hidden">{ Text::WorkerReady.get(lang) }</p>
        },
        WorkerStatus::Failed(detail) => html! {
            <div id="worker-status" class="status is-error" role="alert">
                <p>{ Text::WorkerFailed.get(lang) }</p>
                <p class="detail">{ detail.clone() }</p>
            </div>
        },
    };
    let busy = props.busy.as_ref().map(|b| {
        html! {
            <div class="busy" id="busy">
                <progress
                    max={b.total.max(1).to_string()}
                    value={(!b.reading && b.total > 0).then(|| b.done.to_string())}
                    aria-label={Text::Working.get(lang)}
                />
                <span class="busy-text">{ text::busy_line(lang, b) }</span>
            </div>
        }
    });
    let dismiss = props.on_dismiss.reform(|_: MouseEvent| ());
    html! {
        <div class="status-area">
            { worker }
            <div aria-live="polite" class="live">
                { for busy }
                if let Some(n) = &props.notice {
                    <p class="notice" id="notice" role="status">
                        { text::notice(lang, n) }
                        <button type="button" class="link-button" onclick={dismiss.clone()}>
                            { Text::Close.get(lang) }
                        </button>
                    </p>
                }
            </div>
            if let Some(e) = &props.error {
                <div class="error-box" id="error" role="alert">
                    <p>{ text::error(lang, e) }</p>
                    <button type="button" class="link-button" onclick={dismiss}>
                        { Text::Close.get(lang) }
                    </button>
                </div>
            }
        </div>
    }
}
