//! Results: worker status, progress, and the outcome of the latest check.

use yew::prelude::*;

use crate::state::{JobState, WorkerStatus};
use crate::text::{self, Lang, Text};

/// Props of [`Results`].
#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    /// UI language.
    pub lang: Lang,
    /// The worker's status.
    pub worker: WorkerStatus,
    /// The latest request.
    pub job: JobState,
}

/// The results section.
#[component(Results)]
pub fn results(props: &ResultsProps) -> Html {
    let lang = props.lang;
    let worker = match &props.worker {
        WorkerStatus::Starting => html! {
            <p id="worker-status" class="status">{ Text::WorkerStarting.get(lang) }</p>
        },
        WorkerStatus::Ready => html! {
            <p id="worker-status" class="status is-ready">{ Text::WorkerReady.get(lang) }</p>
        },
        WorkerStatus::Failed(detail) => html! {
            <div id="worker-status" class="status is-error" role="alert">
                <p>{ Text::WorkerFailed.get(lang) }</p>
                <p class="detail">{ detail.clone() }</p>
            </div>
        },
    };
    let job = match &props.job {
        JobState::Idle => html! { <p class="muted">{ Text::NoInputYet.get(lang) }</p> },
        JobState::Running {
            source,
            reading,
            progress,
            ..
        } => {
            let line = if *reading {
                Text::ReadingFile.get(lang).to_owned()
            } else {
                text::progress(lang, progress.done, progress.total)
            };
            html! {
                <div class="job is-running">
                    <p class="source">{ text::source_name(lang, source) }</p>
                    <progress
                        max={progress.total.max(1).to_string()}
                        value={progress.done.to_string()}
                        aria-label={Text::Checking.get(lang)}
                    />
                    <p class="progress-text">{ line }</p>
                </div>
            }
        }
        JobState::Done {
            source,
            stats,
            elapsed_ms,
            ..
        } => html! {
            <div class="job is-done">
                <p class="source">{ text::source_name(lang, source) }</p>
                <p id="result-summary" class="summary">{ text::stats_summary(lang, stats) }</p>
                <p class="muted">{ text::elapsed(lang, *elapsed_ms) }</p>
            </div>
        },
        JobState::Failed { source, error, .. } => html! {
            <div class="job is-error" role="alert">
                <p class="source">{ text::source_name(lang, source) }</p>
                <p>{ text::job_error(lang, error) }</p>
            </div>
        },
    };
    html! {
        <section class="panel results-panel" aria-labelledby="results-heading">
            <h2 id="results-heading">{ Text::ResultsHeading.get(lang) }</h2>
            <div id="results" aria-live="polite">
                { job }
            </div>
            { worker }
        </section>
    }
}
