//! The validation worker's side: entry point and message loop.
//!
//! Runs inside a dedicated worker started by [`crate::host`]. The worker's JS bootstrap
//! (`worker_bootstrap.js`) instantiates this same wasm binary and calls [`worker_main`]. The
//! worker holds the [`Session`] (the data and its findings) and answers the page's requests
//! one at a time, in order.

use std::cell::RefCell;

use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::error::WorkerError;
use crate::protocol::{
    DownloadKind, FromWorker, JobId, LayoutSpec, Phase, Prepare, ReportLang, ToWorker, ViewReq,
};
use crate::session::{DiffInputs, DownloadExtra, Session};
use crate::wire;

thread_local! {
    static SESSION: RefCell<Session> = RefCell::new(Session::default());
}

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

/// Milliseconds from the worker's clock (sub-millisecond where the browser allows).
fn now(scope: &DedicatedWorkerGlobalScope) -> f64 {
    scope
        .performance()
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Handles one request from the page.
fn handle(scope: &DedicatedWorkerGlobalScope, event: &MessageEvent) {
    let (request, bytes) = match wire::open::<ToWorker>(&event.data()) {
        Ok((request, bytes)) => (request, bytes.map(|b| b.to_vec())),
        Err(error) => {
            web_sys::console::error_1(&format!("worker: {error}").into());
            return;
        }
    };
    SESSION.with(|cell| {
        let mut session = cell.borrow_mut();
        answer(scope, &mut session, request, bytes);
    });
}

/// Posts progress at most every ~50 ms of worker time (and always the last step).
struct Progress<'a> {
    scope: &'a DedicatedWorkerGlobalScope,
    job: JobId,
    last: f64,
}

impl Progress<'_> {
    fn report(&mut self, phase: Phase, done: u64, total: u64) {
        let t = now(self.scope);
        if done < total && t - self.last < 50.0 {
            return;
        }
        self.last = t;
        post(
            self.scope,
            &FromWorker::Progress {
                job: self.job,
                phase,
                done,
                total,
            },
            None,
        );
    }
}

/// A random seed from `crypto.getRandomValues` (the worker's own `crypto`).
fn random_seed(scope: &DedicatedWorkerGlobalScope) -> Result<u64, WorkerError> {
    let mut bytes = [0u8; 8];
    scope
        .crypto()
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes))
        .map_err(|e| {
            let detail = crate::host::describe_js_error(&e);
            WorkerError::NoRandom { detail }
        })?;
    Ok(u64::from_le_bytes(bytes))
}

fn failed(scope: &DedicatedWorkerGlobalScope, job: JobId, error: WorkerError) {
    post(scope, &FromWorker::Failed { job, error }, None);
}

/// The summary and view after a change, or the failure.
fn changed(
    scope: &DedicatedWorkerGlobalScope,
    session: &mut Session,
    job: JobId,
    result: Result<u32, WorkerError>,
    view: &ViewReq,
    started: f64,
) {
    let cells = match result {
        Ok(cells) => cells,
        Err(message) => return failed(scope, job, message),
    };
    let recheck_ms = now(scope) - started;
    let left_out = session.take_left_out();
    let same = if cells > 0 {
        session.same_offer()
    } else {
        None
    };
    match (session.summary(), session.view(view)) {
        (Ok(summary), Ok(view)) => post(
            scope,
            &FromWorker::Changed {
                job,
                summary,
                view,
                cells,
                recheck_ms,
                same,
                left_out,
            },
            None,
        ),
        (Err(message), _) | (_, Err(message)) => failed(scope, job, message),
    }
}

/// Sets the layout and the master files (their bytes concatenated, `lens` long each).
fn configure(
    scope: &DedicatedWorkerGlobalScope,
    session: &mut Session,
    layout: &LayoutSpec,
    masters: &[String],
    lens: &[u32],
    previous: Option<&str>,
    bytes: Vec<u8>,
) {
    let mut files: Vec<(&str, &[u8])> = Vec::new();
    let mut at = 0usize;
    for (name, &len) in masters.iter().zip(lens) {
        let end = (at + len as usize).min(bytes.len());
        files.push((name, &bytes[at..end]));
        at = end;
    }
    // The previous upload's bytes follow the masters' (its length is the last of `lens`).
    let previous_bytes = lens
        .get(masters.len())
        .map(|&len| &bytes[at.min(bytes.len())..(at + len as usize).min(bytes.len())]);
    if let Err(error) = session.configure(layout, &files) {
        post(scope, &FromWorker::ConfigFailed { error }, None);
        return;
    }
    session.set_previous(previous.zip(previous_bytes));
}

/// Checks the loaded input and answers with the summary and the first view.
fn check(
    scope: &DedicatedWorkerGlobalScope,
    session: &mut Session,
    job: JobId,
    (mapping, prepare, at): (&str, &Prepare, &str),
    view: &ViewReq,
) {
    let started = now(scope);
    let mut progress = Progress {
        scope,
        job,
        last: f64::MIN,
    };
    if let Err(message) = session.check(mapping, prepare, at, &mut |p, d, t| {
        progress.report(p, d, t)
    }) {
        return failed(scope, job, message);
    }
    match (session.summary(), session.view(view)) {
        (Ok(summary), Ok(view)) => {
            let worker_ms = now(scope) - started;
            post(
                scope,
                &FromWorker::Checked {
                    job,
                    summary,
                    view,
                    worker_ms,
                },
                None,
            );
        }
        (Err(message), _) | (_, Err(message)) => failed(scope, job, message),
    }
}

/// Makes a file to download and posts its bytes (transferred).
fn download(
    scope: &DedicatedWorkerGlobalScope,
    session: &Session,
    job: JobId,
    kind: DownloadKind,
    lang: ReportLang,
    time: &str,
) {
    // The help-desk copy's seed: random, from the browser's cryptographic source, never shown
    // or sent (whoever has it and the copy could test guesses).
    let seed = if kind == DownloadKind::Helpdesk {
        match random_seed(scope) {
            Ok(seed) => seed,
            Err(message) => return failed(scope, job, message),
        }
    } else {
        0
    };
    let mut progress = Progress {
        scope,
        job,
        last: f64::MIN,
    };
    let extra = DownloadExtra { time, seed };
    match session.download(kind, lang, &extra, &mut |p, d, t| progress.report(p, d, t)) {
        Ok((name, mime, bytes, errors)) => {
            let bytes = Uint8Array::from(bytes.as_slice());
            post(
                scope,
                &FromWorker::File {
                    job,
                    name,
                    mime: mime.to_owned(),
                    errors,
                },
                Some(bytes),
            );
        }
        Err(message) => failed(scope, job, message),
    }
}

fn answer(
    scope: &DedicatedWorkerGlobalScope,
    session: &mut Session,
    request: ToWorker,
    bytes: Option<Vec<u8>>,
) {
    match request {
        ToWorker::Configure {
            layout,
            masters,
            lens,
            previous,
        } => configure(
            scope,
            session,
            &layout,
            &masters,
            &lens,
            previous.as_deref(),
            bytes.unwrap_or_default(),
        ),
        ToWorker::SetEncoding { encoding } => session.set_encoding(&encoding),
        ToWorker::Load { job, source, sheet } => {
            let mut progress = Progress {
                scope,
                job,
                last: f64::MIN,
            };
            match session.load(source, bytes, sheet, &mut |p, d, t| {
                progress.report(p, d, t)
            }) {
                Ok(preview) => post(scope, &FromWorker::Loaded { job, preview }, None),
                Err(message) => failed(scope, job, message),
            }
        }
        ToWorker::Check {
            job,
            mapping,
            prepare,
            at,
            view,
        } => check(scope, session, job, (&mapping, &prepare, &at), &view),
        ToWorker::Clear => session.clear(),
        ToWorker::ExcludeRow { job, row, at, view } => {
            let started = now(scope);
            let result = session.exclude_row(row, &at);
            changed(scope, session, job, result, &view, started);
        }
        ToWorker::Replace {
            job,
            col,
            find,
            replace,
            at,
            view,
        } => {
            let started = now(scope);
            let result = session.replace_in_column(col, &find, &replace, &at);
            changed(scope, session, job, result, &view, started);
        }
        ToWorker::SetHeaderRow { job, row } => match session.set_header_row(row) {
            Ok(preview) => post(scope, &FromWorker::Loaded { job, preview }, None),
            Err(message) => failed(scope, job, message),
        },
        ToWorker::View { job, view } => match session.view(&view) {
            Ok(view) => post(scope, &FromWorker::Viewed { job, view }, None),
            Err(message) => failed(scope, job, message),
        },
        ToWorker::Edit {
            job,
            cell,
            value,
            at,
            view,
        } => {
            let started = now(scope);
            let result = session.edit(cell, &value, &at);
            changed(scope, session, job, result, &view, started);
        }
        ToWorker::PasteCells {
            job,
            start,
            text,
            at,
            view,
        } => {
            let started = now(scope);
            let result = session.paste(start, &text, &at);
            changed(scope, session, job, result, &view, started);
        }
        ToWorker::Repair {
            job,
            cell,
            code,
            all,
            at,
            view,
        } => {
            let started = now(scope);
            let result = session.repair(cell, &code, all, &at);
            changed(scope, session, job, result, &view, started);
        }
        ToWorker::SetCells {
            job,
            cells,
            how,
            at,
            view,
        } => {
            let started = now(scope);
            let result = session.set_cells(&cells, how, &at);
            changed(scope, session, job, result, &view, started);
        }
        ToWorker::FixSame { job, fix, at, view } => {
            let started = now(scope);
            let result = session.fix_same(&fix, &at);
            changed(scope, session, job, result, &view, started);
        }
        ToWorker::Undo { job, at, view } => {
            let started = now(scope);
            let result = session.undo(&at);
            changed(scope, session, job, result, &view, started);
        }
        ToWorker::Redo { job, at, view } => {
            let started = now(scope);
            let result = session.redo(&at);
            changed(scope, session, job, result, &view, started);
        }
        ToWorker::Download {
            job,
            kind,
            lang,
            time,
        } => download(scope, session, job, kind, lang, &time),
        ToWorker::MakeDiff {
            job,
            from,
            to,
            state,
            lens,
            allow_deletions,
        } => {
            let bytes = bytes.unwrap_or_default();
            let view = match split_files(&bytes, &lens) {
                Some(parts) => {
                    let mut parts = parts.into_iter();
                    let from = from.map(|name| (name, parts.next().unwrap_or_default()));
                    let to_bytes = parts.next().unwrap_or_default();
                    let state_bytes = if state { parts.next() } else { None };
                    session.make_diff(&DiffInputs {
                        from: from.as_ref().map(|(n, b)| (n.as_str(), *b)),
                        to: (&to, to_bytes),
                        state: state_bytes,
                        allow_deletions,
                    })
                }
                None => {
                    return failed(scope, job, WorkerError::BadLengths);
                }
            };
            post(scope, &FromWorker::DiffMade { job, view }, None);
        }
        ToWorker::Bench { job, repeats } => {
            let result = session.bench(repeats, &mut |run| {
                let t = now(scope);
                run();
                now(scope) - t
            });
            match result {
                Ok(b) => post(
                    scope,
                    &FromWorker::Benched {
                        job,
                        bytes: b.bytes,
                        rows: b.rows,
                        runs_ms: b.runs_ms,
                        check_ms: b.check_ms,
                    },
                    None,
                ),
                Err(message) => failed(scope, job, message),
            }
        }
    }
}

/// Cuts concatenated files at `lens`; `None` when the lengths do not add up to the bytes.
fn split_files<'a>(bytes: &'a [u8], lens: &[u32]) -> Option<Vec<&'a [u8]>> {
    let mut rest = bytes;
    let mut out = Vec::with_capacity(lens.len());
    for &len in lens {
        let len = usize::try_from(len).ok()?;
        if len > rest.len() {
            return None;
        }
        let (head, tail) = rest.split_at(len);
        out.push(head);
        rest = tail;
    }
    rest.is_empty().then_some(out)
}

/// Posts a message to the page ([`wire::envelope`]); `bytes` is transferred.
pub(crate) fn post(
    scope: &DedicatedWorkerGlobalScope,
    message: &FromWorker,
    bytes: Option<Uint8Array>,
) {
    let result = wire::envelope(message, bytes.as_ref()).and_then(|object| match &bytes {
        Some(bytes) => scope.post_message_with_transfer(&object, &Array::of1(&bytes.buffer())),
        None => scope.post_message(&object),
    });
    if let Err(error) = result {
        web_sys::console::error_2(&"worker: postMessage failed".into(), &error);
    }
}
