//! Step 1 in 差分履歴 mode: 「2つの全件ファイルから差分履歴ファイルを作る」 — the previous and the
//! current 全件 files and the state file in, the 差分履歴 upload and the new state file out
//! (`pmhcsv diff`, in the worker). Decides nothing: every event becomes an [`Action`].

use web_sys::File;
use yew::prelude::*;

use crate::components::settings::picked_files;
use crate::protocol::{DiffMadeView, DownloadKind};
use crate::state::{Action, DiffMaker, DiffSlot, Handle, MasterFile};
use crate::text::{self, Lang, Text};

/// Props of [`DiffMakerPanel`].
#[derive(Properties, PartialEq)]
pub struct DiffMakerProps {
    /// UI language.
    pub lang: Lang,
    /// The files and the last result.
    pub maker: DiffMaker,
    /// A long job runs.
    pub busy: bool,
    /// Sends an action.
    pub send: Callback<Action>,
}

/// One file input with its name and a remove button.
fn file_row(
    props: &DiffMakerProps,
    slot: DiffSlot,
    id: &'static str,
    label: Text,
    file: Option<&MasterFile>,
    accept: &'static str,
) -> Html {
    let lang = props.lang;
    let onchange =
        props.send.reform(
            move |event: Event| match picked_files(&event).into_iter().next() {
                Some(f) => {
                    let name = f.name();
                    Action::DiffFile(slot, Handle::new::<File>(f), name)
                }
                None => Action::Dismiss,
            },
        );
    let chosen = file.map(|f| {
        html! {
            <>
                <span class="file-name" id={format!("{id}-name")}>{ f.name.clone() }</span>
                <button
                    type="button"
                    class="link-button"
                    id={format!("{id}-clear")}
                    disabled={props.busy}
                    onclick={props.send.reform(move |_: MouseEvent| Action::ClearDiffFile(slot))}
                >
                    { Text::DiffClear.get(lang) }
                </button>
            </>
        }
    });
    html! {
        <div class="diff-file">
            <span class="diff-file-label" id={format!("{id}-label")}>{ label.get(lang) }</span>
            <label class="file-button">
                { Text::DiffPick.get(lang) }
                <input
                    {id}
                    class="visually-hidden"
                    type="file"
                    {accept}
                    aria-labelledby={format!("{id}-label")}
                    disabled={props.busy}
                    {onchange}
                />
            </label>
            { for chosen }
        </div>
    }
}

/// What the last attempt made: counts, verdict, notes, the two downloads; or why not.
fn result(props: &DiffMakerProps, made: &DiffMadeView) -> Html {
    let lang = props.lang;
    if let Some(reason) = &made.refused {
        let confirm = made.deletions.map(|(deletions, _)| {
            html! {
                <button
                    type="button"
                    id="diff-confirm-deletions"
                    class="danger"
                    disabled={props.busy}
                    onclick={props.send.reform(|_: MouseEvent| Action::MakeDiff(true))}
                >
                    { text::diff_confirm_deletions(lang, deletions) }
                </button>
            }
        });
        return html! {
            <div class="diff-result verdict-error" id="diff-result" role="alert">
                <p id="diff-refused">{ lang.msg(reason).to_owned() }</p>
                { for confirm }
            </div>
        };
    }
    let save = |kind: DownloadKind, id: &'static str, label: Text, primary: bool| {
        html! {
            <button
                type="button"
                {id}
                class={classes!(primary.then_some("primary"))}
                disabled={props.busy}
                onclick={props.send.reform(move |_: MouseEvent| Action::SaveDiff(kind))}
            >
                { label.get(lang) }
            </button>
        }
    };
    let verdict = if made.nothing_changed() {
        Text::DiffNothingChanged
    } else if made.ok {
        Text::DiffOk
    } else {
        Text::DiffNotOk
    };
    let notes = made.issues.iter().map(|(m, error)| {
        html! { <li class={classes!(error.then_some("is-error"))}>{ lang.msg(m).to_owned() }</li> }
    });
    html! {
        <div
            class={classes!("diff-result", if made.ok { "verdict-ok" } else { "verdict-error" })}
            id="diff-result"
            role="status"
        >
            <p id="diff-verdict"><strong>{ verdict.get(lang) }</strong></p>
            <p id="diff-counts">{ text::diff_counts(lang, made) }</p>
            <p id="diff-errors" class="muted">{ text::diff_errors(lang, made) }</p>
            if !made.issues.is_empty() {
                <h4>{ Text::DiffNotes.get(lang) }</h4>
                <ul id="diff-notes">{ for notes }</ul>
            }
            <div class="button-row">
                { save(DownloadKind::DiffCsv, "diff-save-csv", Text::DiffSaveCsv, made.ok) }
                { save(DownloadKind::DiffState, "diff-save-state", Text::DiffSaveState, false) }
            </div>
        </div>
    }
}

/// The 差分履歴 maker.
#[component(DiffMakerPanel)]
pub fn diff_maker_panel(props: &DiffMakerProps) -> Html {
    let lang = props.lang;
    let m = &props.maker;
    let csv = ".csv,.tsv,.txt";
    html! {
        <section class="panel diff-maker" aria-labelledby="diff-maker-heading">
            <h2 id="diff-maker-heading">{ Text::DiffMakerHeading.get(lang) }</h2>
            <p class="muted small">{ Text::DiffMakerHint.get(lang) }</p>
            { file_row(props, DiffSlot::From, "diff-from", Text::DiffFromLabel, m.from.as_ref(), csv) }
            { file_row(props, DiffSlot::To, "diff-to", Text::DiffToLabel, m.to.as_ref(), csv) }
            { file_row(props, DiffSlot::State, "diff-state", Text::DiffStateLabel, m.state.as_ref(), ".txt") }
            <div class="button-row">
                <button
                    type="button"
                    id="diff-make"
                    class="primary"
                    disabled={props.busy || m.to.is_none()}
                    onclick={props.send.reform(|_: MouseEvent| Action::MakeDiff(false))}
                >
                    { Text::DiffMake.get(lang) }
                </button>
                if m.to.is_none() {
                    <span class="muted small">{ Text::DiffNeedsTo.get(lang) }</span>
                }
            </div>
            { for m.made.as_deref().map(|made| result(props, made)) }
            <p class="muted small">{ Text::DiffResetHint.get(lang) }</p>
        </section>
    }
}
