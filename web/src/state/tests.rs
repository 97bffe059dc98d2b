use super::*;
use crate::error::WorkerError;
use crate::protocol::{DiffMadeView, Jumped, Mark, PreviousView, Sev};

fn preview(headers: &[&str]) -> Preview {
    Preview {
        source: Some(InputSource::Paste),
        headers: headers.iter().map(|h| (*h).to_owned()).collect(),
        samples: vec![Vec::new(); headers.len()],
        rows: 2,
        ..Preview::default()
    }
}

fn worker(message: FromWorker) -> Action {
    Action::Worker(Box::new(message), None)
}

/// A paste, started at 1,000 ms (job ids count up from 1).
fn load(job: u32) -> Action {
    let _ = job;
    Action::Paste {
        bytes: Handle::new(()),
        len: 100,
        confirmed: false,
    }
}

fn at(ms: u64) -> Now {
    Now {
        ms,
        local: "2025-04-01 09:30:15".into(),
        iso: "2025-04-01T00:30:15.000Z".into(),
    }
}

/// Applies `action` as job `job` (the next id handed out) at 1,000 ms, with its effects.
fn step(mut state: State, job: u32, action: Action) -> (State, Vec<Effect>) {
    state.last_job = job - 1;
    let fx = state.update(action, &at(1_000));
    (state, fx)
}

fn as_job(state: State, job: u32, action: Action) -> State {
    step(state, job, action).0
}

fn grid_row(row: u32) -> GridRow {
    GridRow {
        row,
        cells: vec!["a".into(), "b".into()],
        blank: false,
        marks: vec![Mark {
            col: 2,
            severity: Sev::Error,
            findings: vec![finding("N001", Sev::Error)],
        }],
    }
}

fn finding(code: &str, severity: Sev) -> FindingView {
    FindingView {
        code: code.into(),
        severity,
        row: Some(2),
        col: Some(2),
        field: None,
        title: Msg::default(),
        message: Msg::new("m", "m"),
        hint: Msg::default(),
        repair: None,
        pair: None,
    }
}

fn view(filter: Filter, start: u32, rows: std::ops::Range<u32>, total: u32) -> ViewData {
    ViewData {
        window: Window {
            filter,
            start,
            total,
            rows: rows.map(grid_row).collect(),
        },
        list: Some(FindingsPage::default()),
        jumped: None,
    }
}

fn run(actions: impl IntoIterator<Item = Action>) -> State {
    actions.into_iter().fold(State::default(), |mut s, a| {
        let _ = s.update(a, &at(1_000));
        s
    })
}

fn to_results() -> State {
    let state = run([
        worker(FromWorker::Ready),
        load(1),
        worker(FromWorker::Loaded {
            job: JobId(1),
            preview: preview(&["個人番号", "氏名", "メモ"]),
        }),
        Action::Check,
    ]);
    let mut state = state;
    let _ = state.update(
        worker(FromWorker::Checked {
            job: JobId(2),
            summary: Summary {
                rows: 300,
                errors: 1,
                ..Summary::default()
            },
            view: view(Filter::All, 0, 2..202, 300),
            worker_ms: 120.5,
        }),
        &at(1_500),
    );
    state
}

#[test]
fn starts_on_the_input_step_in_japanese() {
    let state = State::default();
    assert_eq!(state.lang, Lang::Ja);
    assert_eq!(state.worker, WorkerStatus::Starting);
    assert_eq!(state.screen, Screen::Input);
    assert_eq!(state.config.layout.0.id, "full");
    assert_eq!(state.config.spec(), LayoutSpec::Full);
    assert_eq!(run([Action::SetLang(Lang::En)]).lang, Lang::En);
    // Steps that have nothing to show are not reachable.
    assert_eq!(run([Action::GoTo(Screen::Results)]).screen, Screen::Input);
}

#[test]
fn load_shows_the_mapping_with_automatic_targets() {
    let state = run([
        load(1),
        worker(FromWorker::Progress {
            job: JobId(1),
            phase: Phase::Reading,
            done: 500,
            total: 100,
        }),
    ]);
    let busy = state.busy.clone().unwrap();
    assert_eq!((busy.done, busy.phase), (100, Some(Phase::Reading)));
    let state = state.reduce(worker(FromWorker::Loaded {
        job: JobId(1),
        preview: preview(&["個人番号", "氏名", "メモ"]),
    }));
    assert!(!state.is_busy());
    assert_eq!(state.screen, Screen::Mapping);
    let m = state.mapping.clone().unwrap();
    assert_eq!(m.targets[0], Target::Field("myNumber".into()));
    // An unknown column is left out until the clerk keeps it (issue 11, defect 3).
    assert_eq!(m.targets[2], Target::Ignore);
    assert_eq!(m.applied, None);

    let state = state.reduce(Action::SetTarget {
        col: 2,
        target: Target::Ignore,
    });
    assert_eq!(state.mapping.unwrap().targets[2], Target::Ignore);
}

#[test]
fn a_saved_mapping_is_offered_for_the_same_columns() {
    let layout = Layout::full();
    let headers: Vec<String> = ["番号", "氏名"].iter().map(|s| (*s).to_owned()).collect();
    let saved = mapping::to_mapping(
        "区の様式",
        &layout,
        &headers,
        &[Target::Field("myNumber".into()), Target::Ignore],
    );
    let state = run([
        Action::SavedRead(Some(mapping::store_json(std::slice::from_ref(&saved)))),
        load(1),
        worker(FromWorker::Loaded {
            job: JobId(1),
            preview: preview(&["番号", "氏名"]),
        }),
    ]);
    let m = state.mapping.clone().unwrap();
    assert_eq!(m.applied.as_deref(), Some("区の様式"));
    assert_eq!(m.name, "区の様式");
    assert_eq!(
        m.targets,
        [Target::Field("myNumber".into()), Target::Ignore]
    );
    let auto = state.reduce(Action::UseSaved(None)).mapping.unwrap();
    assert_eq!(auto.applied, None);
    assert_eq!(auto.targets[1], Target::Field("basicFiveInfo.name".into()));
    let again = run([
        load(1),
        worker(FromWorker::Loaded {
            job: JobId(1),
            preview: preview(&["番号", "氏名"]),
        }),
        Action::UseMapping(saved),
    ]);
    assert_eq!(again.mapping.unwrap().applied.as_deref(), Some("区の様式"));
}

#[test]
fn superseded_answers_are_ignored() {
    let state = run([
        load(1),
        load(2),
        worker(FromWorker::Loaded {
            job: JobId(1),
            preview: preview(&["a"]),
        }),
    ]);
    assert!(state.mapping.is_none());
    assert!(state.is_busy());
    let state = state.reduce(worker(FromWorker::Failed {
        job: JobId(1),
        error: WorkerError::NotLoaded,
    }));
    assert!(state.is_busy(), "an old failure does not end the new job");
    assert!(state.error.is_some());
}

#[test]
fn check_results_windows_and_changes() {
    let state = to_results();
    assert_eq!(state.screen, Screen::Results);
    let r = state.results.clone().unwrap();
    assert_eq!(r.check_ms, (120.5, 500));
    assert_eq!(r.window.rows.len(), 200);
    assert_eq!(r.findings_of(CellRef { row: 5, col: 2 })[0].code, "N001");
    assert!(r.findings_of(CellRef { row: 5, col: 1 }).is_empty());
    assert!(r.findings_of(CellRef { row: 900, col: 2 }).is_empty());

    let fix = SameFix {
        col: 2,
        before: "男".into(),
        after: "1".into(),
        count: 4,
    };
    // Focus a cell, then the rows move: it follows its row.
    let state = state.reduce(Action::Activate(Active {
        index: 3,
        cell: CellRef { row: 5, col: 2 },
    }));
    let state = state.reduce(worker(FromWorker::Changed {
        job: JobId(9),
        summary: Summary {
            errors: 0,
            upload_ready: true,
            ..Summary::default()
        },
        view: view(Filter::All, 0, 3..203, 300),
        cells: 1,
        recheck_ms: 2.5,
        same: Some(fix.clone()),
        left_out: None,
    }));
    let r = state.results.clone().unwrap();
    assert_eq!(r.active.unwrap().index, 2);
    assert_eq!(r.last_change, Some((1, 2.5)));
    // The hand correction's offer is shown; taking it asks the worker for exactly that fix.
    assert_eq!(r.same_offer.as_ref(), Some(&fix));
    let (fixing, fx) = step(state.clone(), 10, Action::FixSame(fix.clone()));
    assert!(fixing.is_busy());
    assert!(fx.iter().any(|e| matches!(
        e,
        Effect::Post { request: ToWorker::FixSame { fix: f, .. }, .. } if *f == fix
    )));
    let bulk = as_job(
        state.clone(),
        11,
        Action::Repair(CellRef { row: 5, col: 2 }, "X001".into(), true),
    );
    assert!(bulk.is_busy());
    let bulk = bulk.reduce(worker(FromWorker::Changed {
        job: JobId(11),
        summary: Summary::default(),
        view: view(Filter::All, 0, 2..202, 300),
        cells: 200,
        recheck_ms: 900.0,
        same: None,
        left_out: None,
    }));
    assert!(!bulk.is_busy());
    // Any other change withdraws the offer.
    assert_eq!(bulk.results.as_ref().unwrap().same_offer, None);
    assert!(r.summary.upload_ready);

    // A filter clears the rows and asks from the top.
    let state = state.reduce(Action::SetFilter(Filter::Problems));
    let r = state.results.clone().unwrap();
    assert_eq!(r.window.filter, Filter::Problems);
    assert!(r.window.rows.is_empty());
    assert_eq!(r.requested, Some(0));
    assert_eq!(r.view_req(0, None, None).window.filter, Filter::Problems);
    let state = state.reduce(worker(FromWorker::Viewed {
        job: JobId(10),
        view: view(Filter::Problems, 0, 2..4, 2),
    }));
    assert_eq!(state.results.unwrap().requested, None);
}

#[test]
fn jumps_focus_the_cell_and_scroll() {
    let state = to_results();
    let mut v = view(Filter::All, 100, 102..302, 300);
    v.jumped = Some(Jumped {
        cell: CellRef { row: 150, col: 4 },
        index: 148,
    });
    let state = state.reduce(worker(FromWorker::Viewed {
        job: JobId(3),
        view: v,
    }));
    let r = state.results.unwrap();
    assert_eq!(
        r.active,
        Some(Active {
            index: 148,
            cell: CellRef { row: 150, col: 4 }
        })
    );
    assert_eq!(r.scroll_nonce, 1);
}

#[test]
fn downloads_ask_first_and_show_progress() {
    // Errors remain: the upload CSV asks first.
    let (state, fx) = step(to_results(), 5, Action::Download(DownloadKind::UploadCsv));
    assert!(fx.is_empty());
    assert_eq!(
        state.results.as_ref().unwrap().confirm,
        Some(DownloadKind::UploadCsv)
    );
    assert_eq!(state.clone().reduce(Action::Confirm(false)).busy, None);
    let (state, fx) = step(state, 5, Action::Confirm(true));
    assert_eq!(state.results.as_ref().unwrap().confirm, None);
    assert!(matches!(
        &fx[..],
        [Effect::Post {
            job: JobId(5),
            request: ToWorker::Download {
                kind: DownloadKind::UploadCsv,
                ..
            },
            ..
        }]
    ));
    assert!(state.is_busy());
    let state = state.reduce(worker(FromWorker::File {
        job: JobId(5),
        name: "a.csv".into(),
        mime: "text/csv".into(),
        errors: 1,
    }));
    assert!(!state.is_busy());
}

#[test]
fn the_receipt_knows_whether_the_upload_csv_was_saved() {
    let file = |job: u32| {
        worker(FromWorker::File {
            job: JobId(job),
            name: "x".into(),
            mime: "text/csv".into(),
            errors: 0,
        })
    };
    let download = |job: u32, kind: DownloadKind| (job, Action::Download(kind));
    let saved = |s: &State| s.results.as_ref().unwrap().upload_saved();
    let state = to_results();
    assert_eq!(saved(&state), UploadSaved::No);
    // Other downloads (the help-desk copy, the receipt, the JSON body) do not count.
    let state = [
        download(5, DownloadKind::Helpdesk),
        (5, file(5)),
        download(6, DownloadKind::Receipt),
        (6, file(6)),
        download(7, DownloadKind::UploadJson),
        (7, Action::Confirm(true)),
        (7, file(7)),
    ]
    .into_iter()
    .fold(state, |s, (job, a)| as_job(s, job, a));
    assert!(!state.is_busy());
    assert_eq!(saved(&state), UploadSaved::No);
    // The upload CSV.
    let (job, a) = download(8, DownloadKind::UploadCsv);
    let state = as_job(state, job, a);
    let state = as_job(state, 8, Action::Confirm(true)).reduce(file(8));
    assert!(!state.is_busy());
    assert_eq!(saved(&state), UploadSaved::Current);
    // A stale answer (another job) changes nothing.
    let (job, a) = download(9, DownloadKind::Receipt);
    let state = as_job(state, job, a).reduce(file(8));
    assert!(state.is_busy());
    assert_eq!(saved(&state), UploadSaved::Current);
    let state = state.reduce(file(9));
    // A change after saving: the saved file is out of date.
    let changed = state.clone().reduce(worker(FromWorker::Changed {
        job: JobId(10),
        summary: Summary {
            changes: 1,
            ..Summary::default()
        },
        view: view(Filter::All, 0, 2..202, 300),
        cells: 1,
        recheck_ms: 1.0,
        same: None,
        left_out: None,
    }));
    assert_eq!(saved(&changed), UploadSaved::Stale);
    let (job, a) = download(11, DownloadKind::UploadCsv);
    let again = as_job(as_job(changed, job, a), 11, Action::Confirm(true)).reduce(file(11));
    assert_eq!(saved(&again), UploadSaved::Current);
    // A new check starts over.
    let rechecked = as_job(again, 12, Action::GoTo(Screen::Mapping));
    let rechecked = as_job(rechecked, 12, Action::Check).reduce(worker(FromWorker::Checked {
        job: JobId(12),
        summary: Summary::default(),
        view: view(Filter::All, 0, 2..202, 300),
        worker_ms: 1.0,
    }));
    assert_eq!(saved(&rechecked), UploadSaved::No);
}

#[test]
fn config_changes_void_the_results() {
    let (state, fx) = step(to_results(), 3, Action::PickLayout(LayoutChoice::Diff));
    assert!(matches!(
        &fx[..],
        [
            Effect::Post {
                request: ToWorker::Configure {
                    layout: LayoutSpec::Diff,
                    ..
                },
                ..
            },
            Effect::FocusLater("mapping-heading", "pmh:mapping-shown"),
        ]
    ));
    assert_eq!(state.notice, Some(Notice::ConfigChanged));
    assert!(state.results.is_none());
    assert_eq!(state.screen, Screen::Mapping);
    assert_eq!(state.config.spec(), LayoutSpec::Diff);
    let master = include_bytes!("../../../fixtures/masters/example_master.csv");
    let state = state.reduce(Action::MastersRead(Ok(vec![(
        "m.csv".into(),
        master.to_vec(),
    )])));
    assert_eq!(state.config.masters.len(), 1, "{:?}", state.error);
    let bad = state.clone().reduce(Action::MastersRead(Ok(vec![(
        "bad.csv".into(),
        b"x".to_vec(),
    )])));
    assert!(matches!(bad.error, Some(AppError::Masters(_))));
    assert_eq!(bad.config.masters.len(), 1);
    // A custom layout without its file falls back to 全件.
    let config = Config {
        choice: LayoutChoice::Custom,
        ..Config::default()
    };
    assert_eq!(config.spec(), LayoutSpec::Full);
}

#[test]
fn a_worker_panic_goes_back_to_the_input() {
    let state = to_results().reduce(worker(FromWorker::Panicked {
        message: "boom".into(),
    }));
    assert_eq!(state.screen, Screen::Input);
    assert!(state.results.is_none() && state.mapping.is_none());
    assert!(state.error.is_some());
    assert_eq!(state.worker, WorkerStatus::Starting);
    let failed = run([load(1), Action::SpawnFailed("blocked".into())]);
    assert_eq!(failed.worker, WorkerStatus::Failed("blocked".into()));
    assert!(!failed.is_busy());
}

#[test]
fn read_failures_are_reported() {
    let state = run([
        load(1),
        Action::ReadFailed {
            job: JobId(1),
            detail: "NotReadableError".into(),
        },
    ]);
    assert!(!state.is_busy());
    assert_eq!(
        state.error,
        Some(AppError::ReadFailed {
            name: None,
            detail: "NotReadableError".into()
        })
    );
    let state = run([Action::StorageFailed, Action::Dismiss]);
    assert_eq!(state.error, None);
}

#[test]
fn effects_are_decided_by_the_reducer() {
    // Start: read the saved mappings, start the worker; once ready, configure it.
    let mut state = State::default();
    let fx = state.update(Action::Started, &at(0));
    assert_eq!(
        fx,
        [
            Effect::ReadSaved,
            Effect::SpawnWorker,
            Effect::Document(Lang::Ja)
        ]
    );
    let fx = state.update(worker(FromWorker::Ready), &at(0));
    assert!(matches!(
        &fx[..],
        [Effect::Post {
            job: JobId(0),
            request: ToWorker::Configure { .. },
            bytes: None
        }]
    ));

    // A paste over edited data asks first; the answer carries the confirmation.
    let edited = to_results().reduce(worker(FromWorker::Changed {
        job: JobId(9),
        summary: Summary {
            changes: 1,
            ..Summary::default()
        },
        view: view(Filter::All, 0, 2..202, 300),
        cells: 1,
        recheck_ms: 1.0,
        same: None,
        left_out: None,
    }));
    let bytes = Handle::new(());
    let (asked, fx) = step(
        edited.clone(),
        20,
        Action::Paste {
            bytes: bytes.clone(),
            len: 3,
            confirmed: false,
        },
    );
    assert!(!asked.is_busy());
    assert_eq!(
        fx,
        [Effect::Ask {
            question: Text::DiscardChanges,
            yes: Box::new(Action::Paste {
                bytes: bytes.clone(),
                len: 3,
                confirmed: true
            })
        }]
    );
    let (loading, fx) = step(
        asked,
        20,
        Action::Paste {
            bytes: bytes.clone(),
            len: 3,
            confirmed: true,
        },
    );
    assert!(loading.is_busy());
    assert_eq!(fx.len(), 2);
    assert_eq!(fx[0], Effect::Mark("pmh:input"));
    // The edit guard follows the edits.
    let (_, fx) = step(edited.clone(), 21, Action::PickLayout(LayoutChoice::Diff));
    assert!(fx.contains(&Effect::GuardUnload(false)));

    // A file of an unknown type is refused before anything is read.
    let (refused, fx) = step(
        State::default(),
        1,
        Action::OpenFile {
            file: Handle::new(()),
            name: "a.pdf".into(),
            size: 9,
            confirmed: false,
        },
    );
    assert!(fx.is_empty());
    assert_eq!(
        refused.error,
        Some(AppError::FileType {
            name: "a.pdf".into()
        })
    );

    // Edits go to the worker with the view shown and the local time for the log.
    let (_, fx) = step(
        edited.clone(),
        30,
        Action::Edit(CellRef { row: 5, col: 2 }, "x".into()),
    );
    match &fx[..] {
        [
            Effect::Mark("pmh:edit"),
            Effect::Post {
                job: JobId(30),
                request: ToWorker::Edit { at, view, .. },
                ..
            },
        ] => {
            assert_eq!(at, "2025-04-01 09:30:15");
            assert_eq!(
                view.list,
                Some(ListReq {
                    code: None,
                    offset: 0,
                    limit: LIST_PAGE
                })
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn views_and_downloads_go_through_the_reducer() {
    let edited = to_results();
    // Scrolling within the loaded rows asks for nothing.
    let (_, fx) = step(
        edited.clone(),
        31,
        Action::Need {
            first: 10,
            visible: 15,
        },
    );
    assert!(fx.is_empty());

    // A download from the worker is saved only for the job waited for.
    let (waiting, _) = step(
        edited.clone(),
        40,
        Action::Download(DownloadKind::ReportCsv),
    );
    let data = Handle::new(());
    let file = |job| {
        Action::Worker(
            Box::new(FromWorker::File {
                job: JobId(job),
                name: "r.csv".into(),
                mime: "text/csv".into(),
                errors: 0,
            }),
            Some(data.clone()),
        )
    };
    assert!(waiting.clone().update(file(39), &at(0)).is_empty());
    let mut done = waiting;
    assert_eq!(
        done.update(file(40), &at(0)),
        [Effect::Download {
            name: "r.csv".into(),
            mime: "text/csv".into(),
            data: Payload::Js(data.clone()),
            report: true
        }]
    );
    let done = done.reduce(Action::Saved(Ok("r.csv".into())));
    assert_eq!(done.notice, Some(Notice::Downloaded("r.csv".into())));
}

#[test]
fn mappings_are_stored_before_they_count_as_saved() {
    let mut state = run([
        load(1),
        worker(FromWorker::Loaded {
            job: JobId(1),
            preview: preview(&["番号", "氏名"]),
        }),
    ]);
    assert!(state.update(Action::SaveMapping, &at(0)).is_empty());
    assert_eq!(state.error, Some(AppError::NameNeeded));
    let _ = state.update(Action::SetMappingName("区".into()), &at(0));
    let fx = state.update(Action::SaveMapping, &at(0));
    let [
        Effect::Store {
            key: extras_key, ..
        },
        Effect::Store { key, value, then },
    ] = &fx[..]
    else {
        panic!("{fx:?}");
    };
    assert_eq!(*extras_key, mapping::EXTRAS_KEY);
    assert_eq!(*key, mapping::STORE_KEY);
    assert!(value.contains("番号") && !value.contains("山田"));
    // Nothing counts as saved until storage took it.
    assert!(state.saved.is_empty());
    let storage_refused = state.clone().reduce(Action::StorageFailed);
    assert!(storage_refused.saved.is_empty());
    assert_eq!(storage_refused.error, Some(AppError::StorageFailed));
    let state = state.reduce((**then).clone());
    assert_eq!(state.saved.len(), 1);
    assert_eq!(state.notice, Some(Notice::MappingSaved("区".into())));
    assert_eq!(state.mapping.unwrap().applied.as_deref(), Some("区"));
}

#[test]
fn a_worker_that_was_ready_is_replaced_after_a_panic() {
    let panic = || {
        worker(FromWorker::Panicked {
            message: "boom".into(),
        })
    };
    let mut ready = run([worker(FromWorker::Ready)]);
    assert_eq!(ready.update(panic(), &at(0)), [Effect::SpawnWorker]);
    // A worker that never started is not restarted in a loop.
    let mut booting = State::default();
    assert!(booting.update(panic(), &at(0)).is_empty());
}

#[test]
fn windows_are_asked_for_only_when_needed() {
    let window = Window {
        filter: Filter::All,
        start: 100,
        total: 10_000,
        rows: (0..200).map(|i| grid_row(i + 102)).collect(),
    };
    // Rows 150..165 visible: loaded.
    assert_eq!(window_needed(&window, None, 150, 15), None);
    // Near the end of the window: a new one centred on the visible rows.
    assert_eq!(window_needed(&window, None, 280, 15), Some(280 - 92));
    // Already asked for.
    assert_eq!(window_needed(&window, Some(188), 280, 15), None);
    // At the very end.
    assert_eq!(window_needed(&window, None, 9_990, 15), Some(9_800));
    // Nothing to show.
    let empty = Window::default();
    assert_eq!(window_needed(&empty, None, 0, 15), None);
    // Short views are covered by one window.
    let short = Window {
        total: 5,
        rows: (0..5).map(grid_row).collect(),
        ..Window::default()
    };
    assert_eq!(window_needed(&short, None, 0, 15), None);
}

/// The previous upload (issue 12): picked, read and sent to the worker after the masters'
/// bytes (results void, as for any setting); an upload download asks first when PMH would
/// delete more certificates than the limit allows, even without errors; nothing is stored.
#[test]
fn the_previous_upload_is_configured_and_guards_the_download() {
    let state = run([worker(FromWorker::Ready)]);
    let (state, fx) = step(
        state,
        1,
        Action::PreviousRead(Ok(("last.csv".into(), b"abc".to_vec()))),
    );
    assert_eq!(state.config.previous.as_ref().unwrap().name, "last.csv");
    assert!(
        matches!(
            &fx[..],
            [Effect::Post {
                request: ToWorker::Configure { lens, previous: Some(name), .. },
                bytes: Some(_),
                ..
            }] if lens == &vec![3] && name == "last.csv"
        ),
        "{fx:?}"
    );
    assert!(!fx.iter().any(|e| matches!(e, Effect::Store { .. })));
    let (state, fx) = step(state, 1, Action::ClearPrevious);
    assert_eq!(state.config.previous, None);
    assert!(matches!(
        &fx[..],
        [Effect::Post {
            request: ToWorker::Configure { previous: None, .. },
            ..
        }]
    ));

    // No error, but 15 removals over the limit: the upload CSV asks first.
    let state = asks_first(without_errors(Some(PreviousView {
        removed: 15,
        previous_certificates: 20,
        over_limit: true,
        ..PreviousView::default()
    })));
    let (_, fx) = step(state.clone(), 5, Action::Confirm(false));
    assert!(fx.is_empty());
    let (_, fx) = step(state, 5, Action::Confirm(true));
    assert!(matches!(
        &fx[..],
        [Effect::Post {
            request: ToWorker::Download {
                kind: DownloadKind::UploadCsv,
                ..
            },
            ..
        }]
    ));
    // No error, but the previous upload given could not be compared: how many certificates
    // PMH would delete is unknown, so the upload CSV asks first too.
    asks_first(without_errors(Some(PreviousView {
        refused: Some(Msg::new("比較しませんでした", "nothing was compared")),
        ..PreviousView::default()
    })));
    // No errors and no previous upload: no question.
    let (_, fx) = step(
        without_errors(None),
        6,
        Action::Download(DownloadKind::UploadCsv),
    );
    assert!(!fx.is_empty(), "no errors, no previous: no question");
    // A header-only upload file (every data row left out) asks first, whatever the counts.
    let mut state = without_errors(None);
    if let Some(r) = state.results.as_mut() {
        let r = Rc::make_mut(r);
        let mut s = (*r.summary).clone();
        s.header_only = true;
        r.summary = Rc::new(s);
    }
    asks_first(state);
}

/// Asks for the upload CSV in `state`: nothing is made, the question is asked; the state
/// waiting for the answer.
fn asks_first(state: State) -> State {
    let (state, fx) = step(state, 5, Action::Download(DownloadKind::UploadCsv));
    assert!(fx.is_empty(), "nothing is made before the answer");
    assert_eq!(
        state.results.as_ref().unwrap().confirm,
        Some(DownloadKind::UploadCsv)
    );
    state
}

/// The results state of [`to_results`] with no errors and this comparison with a previous
/// upload.
fn without_errors(previous: Option<PreviousView>) -> State {
    let mut state = to_results();
    if let Some(r) = state.results.as_mut() {
        let r = Rc::make_mut(r);
        let mut s = (*r.summary).clone();
        s.errors = 0;
        s.previous = previous;
        r.summary = Rc::new(s);
    }
    state
}

/// 「差分履歴ファイルを作る」: nothing is asked of the worker without today's file; the files
/// travel concatenated in the worker's order with their lengths; a new file voids the result;
/// nothing can be saved after a refusal; saving asks the worker for the file made.
#[test]
fn the_diff_maker_sends_its_files_in_order_and_saves_only_what_was_made() {
    let read = |slot, name: &str, bytes: &[u8]| {
        Action::DiffFileRead(slot, Ok((name.to_owned(), bytes.to_vec())))
    };
    let (s, fx) = step(State::default(), 1, Action::MakeDiff(false));
    assert!(
        fx.is_empty() && s.busy.is_none(),
        "no today's file: nothing to make"
    );
    let s = State::default()
        .reduce(read(DiffSlot::From, "y.csv", b"YY"))
        .reduce(read(DiffSlot::To, "t.csv", b"TTT"))
        .reduce(read(DiffSlot::State, "s.txt", b"S"));
    let (s, fx) = step(s, 7, Action::MakeDiff(true));
    assert_eq!(s.busy.as_ref().map(|b| &b.task), Some(&Task::MakeDiff));
    assert_eq!(
        fx,
        vec![Effect::Post {
            job: JobId(7),
            request: ToWorker::MakeDiff {
                job: JobId(7),
                from: Some("y.csv".into()),
                to: "t.csv".into(),
                state: true,
                lens: vec![2, 3, 1],
                allow_deletions: true,
            },
            bytes: Some(Payload::Bytes(b"YYTTTS".to_vec().into())),
        }]
    );
    // A refusal: shown, but nothing to save.
    let refused = DiffMadeView {
        refused: Some(Msg::new("拒否", "refused")),
        deletions: Some((15, 20)),
        ..DiffMadeView::default()
    };
    let s = s.reduce(worker(FromWorker::DiffMade {
        job: JobId(7),
        view: refused.clone(),
    }));
    assert!(s.busy.is_none());
    assert_eq!(s.diff_maker.made.as_deref(), Some(&refused));
    let (s, fx) = step(s, 8, Action::SaveDiff(DownloadKind::DiffCsv));
    assert!(fx.is_empty() && s.busy.is_none());
    // A made file can be saved; a new file voids it.
    let (s, _) = step(s, 9, Action::MakeDiff(false));
    let s = s.reduce(worker(FromWorker::DiffMade {
        job: JobId(9),
        view: DiffMadeView {
            ok: true,
            ..DiffMadeView::default()
        },
    }));
    let (s2, fx) = step(s.clone(), 10, Action::SaveDiff(DownloadKind::DiffState));
    assert!(matches!(
        fx.as_slice(),
        [Effect::Post {
            request: ToWorker::Download {
                kind: DownloadKind::DiffState,
                ..
            },
            ..
        }]
    ));
    assert_eq!(
        s2.busy.map(|b| b.task),
        Some(Task::Download(DownloadKind::DiffState))
    );
    let s = s.reduce(Action::ClearDiffFile(DiffSlot::State));
    assert_eq!(s.diff_maker.made, None);
    assert_eq!(s.diff_maker.state, None);
    // An answer to an older request is ignored.
    let s = s.reduce(worker(FromWorker::DiffMade {
        job: JobId(3),
        view: DiffMadeView::default(),
    }));
    assert_eq!(s.diff_maker.made, None);
}

/// 「公式テンプレートを読み込む」 (issue 10, item 6): the workbook of the seed's shape becomes the
/// layout (its exact header row), is used as a layout file, and is stored with column names
/// only — none of the template's sample values; a stored one is restored; forgetting it
/// removes it and goes back to 全件; a file without a header row is refused with the reason.
#[test]
fn the_official_template_becomes_the_layout_and_stores_labels_only() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/xlsx/template_official.xlsx"
    ))
    .unwrap();
    let (s, fx) = step(
        State::default(),
        1,
        Action::TemplateRead(Ok(("設計書.xlsx".into(), bytes))),
    );
    assert_eq!(s.config.choice, LayoutChoice::Custom);
    let headers: Vec<&str> = s
        .config
        .layout
        .0
        .fields
        .iter()
        .map(|f| f.label_ja.as_str())
        .collect();
    assert_eq!(headers.first(), Some(&"機関別受給者証種別ID"));
    assert!(headers.contains(&"個人番号(マイナンバー)"), "{headers:?}");
    let summary = s.config.template.as_ref().unwrap();
    assert!(
        summary.ja.contains("見本の行 3 行は読み込んでいません"),
        "{}",
        summary.ja
    );
    let stored = fx
        .iter()
        .find_map(|e| match e {
            Effect::Store { key, value, .. } if *key == mapping::TEMPLATE_KEY => {
                Some(value.clone())
            }
            _ => None,
        })
        .expect("the derived layout is stored");
    for sample in [
        "東京子",
        "000000000001",
        "81654321",
        "東京都千代田区1-1",
        "00000002",
        "平成25年1月1日",
    ] {
        assert!(!stored.contains(sample), "sample value {sample} stored");
    }
    // Restored on the next start, then forgotten.
    let s = State::default().reduce(Action::TemplateRestored(Some(stored)));
    assert_eq!(s.config.choice, LayoutChoice::Custom);
    assert_eq!(
        s.config
            .layout
            .0
            .fields
            .first()
            .map(|f| f.label_ja.as_str()),
        Some("機関別受給者証種別ID")
    );
    let (s, fx) = step(s, 2, Action::ForgetTemplate);
    assert_eq!(s.config.choice, LayoutChoice::Full);
    assert!(fx.contains(&Effect::Unstore(mapping::TEMPLATE_KEY)));
    // Garbage stored by an older version is dropped; a file with no header row is refused.
    let (s, fx) = step(
        State::default(),
        1,
        Action::TemplateRestored(Some("{".into())),
    );
    assert_eq!(s.config.choice, LayoutChoice::Full);
    assert_eq!(fx, vec![Effect::Unstore(mapping::TEMPLATE_KEY)]);
    let s = State::default().reduce(Action::TemplateRead(Ok((
        "x.csv".into(),
        b"a,b\n1,2\n".to_vec(),
    ))));
    assert!(
        matches!(s.error, Some(AppError::Layout { .. })),
        "{:?}",
        s.error
    );
    assert_eq!(s.config.choice, LayoutChoice::Full);
}

/// A change of the mapping after a check closes step 3 until the clerk checks again: its
/// verdict and download were the old mapping's (a 券面 column switched off still in the upload
/// file, a swapped 氏名/カナ not swapped). Renaming the mapping changes nothing checked; undoing
/// the change opens step 3 again; a new check does too.
#[test]
fn a_mapping_change_closes_the_results_until_checked_again() {
    let state = to_results();
    assert!(state.results_current());
    let state = state.reduce(Action::GoTo(Screen::Mapping));
    let renamed = state
        .clone()
        .reduce(Action::SetMappingName("区の様式".into()));
    assert!(renamed.results_current(), "a name is not checked");
    let before = state.mapping.as_ref().unwrap().targets[1].clone();
    assert_ne!(before, Target::Ignore);
    for change in [
        Action::SetTarget {
            col: 1,
            target: Target::Ignore,
        },
        Action::SetConstant {
            field: "basicFiveInfo.sex".into(),
            value: "2".into(),
        },
        Action::SetValue {
            field: "basicFiveInfo.sex".into(),
            from: "女".into(),
            to: "2".into(),
        },
    ] {
        let changed = state.clone().reduce(change.clone());
        assert!(!changed.results_current(), "{change:?}");
        let tried = changed.reduce(Action::GoTo(Screen::Results));
        assert_eq!(tried.screen, Screen::Mapping, "{change:?}");
        assert!(
            tried.results.is_some(),
            "the results (and their edits) are kept"
        );
    }
    let changed = state.clone().reduce(Action::SetTarget {
        col: 1,
        target: Target::Ignore,
    });
    let undone = changed.clone().reduce(Action::SetTarget {
        col: 1,
        target: before,
    });
    assert!(undone.results_current());
    assert_eq!(
        undone.reduce(Action::GoTo(Screen::Results)).screen,
        Screen::Results
    );
    let (checked, fx) = step(changed, 3, Action::Check);
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Post {
                request: ToWorker::Check { .. },
                ..
            }
        )),
        "{fx:?}"
    );
    assert!(checked.results_current());
}

/// The exported mapping file leaves out column names that look like data, as the saved copy
/// does: a file without a header row, its first row confirmed as the header, has a My Number
/// and a name for "column names", and the file is what a clerk hands on.
#[test]
fn an_exported_mapping_holds_no_value_from_the_data() {
    let mut data_header = preview(&["123456789018", "愛知花子", "番号"]);
    data_header.header_looks_like_data = true;
    let mut state = run([
        load(1),
        worker(FromWorker::Loaded {
            job: JobId(1),
            preview: data_header,
        }),
        Action::ConfirmHeader,
        Action::SetTarget {
            col: 0,
            target: Target::Field("basicFiveInfo.myNumber".into()),
        },
        Action::SetTarget {
            col: 1,
            target: Target::Field("basicFiveInfo.name".into()),
        },
        Action::SetMappingName("区の様式".into()),
    ]);
    let fx = state.update(Action::ExportMapping, &at(0));
    let [
        Effect::Download {
            name,
            data: Payload::Text(json),
            ..
        },
    ] = &fx[..]
    else {
        panic!("{fx:?}");
    };
    assert_eq!(name, "区の様式.json");
    assert!(
        !json.contains("123456789018") && !json.contains("愛知花子"),
        "{json}"
    );
    // 「番号」 too: under a header row that looks like data, only names of layout fields stay
    // (`mapping::storable_header`, the saved copy's rule).
    assert_eq!(state.notice, Some(Notice::MappingExportedWithout(3)));
    // A real header row is exported whole, without a notice.
    let mut state = run([
        load(1),
        worker(FromWorker::Loaded {
            job: JobId(1),
            preview: preview(&["個人番号", "氏名"]),
        }),
    ]);
    let fx = state.update(Action::ExportMapping, &at(0));
    let [
        Effect::Download {
            data: Payload::Text(json),
            ..
        },
    ] = &fx[..]
    else {
        panic!("{fx:?}");
    };
    assert!(json.contains("個人番号") && json.contains("氏名"), "{json}");
    assert_eq!(state.notice, None);
}

/// No header row was recognised (S016): nothing of the input was checked, and an upload file
/// would hold no recipient (in 全件連携, everyone deleted). It is not offered, not even behind
/// the question; the other downloads (the findings) still are.
#[test]
fn no_upload_file_is_made_when_nothing_was_checked() {
    let mut state = to_results();
    let mut results = (*state.results.clone().unwrap()).clone();
    let mut summary = (*results.summary).clone();
    summary.codes.push(crate::protocol::CodeCount {
        code: "S016".into(),
        severity: Sev::Error,
        title: crate::protocol::Msg::new("見出し行が見つかりません", "No header row"),
        count: 1,
        repairable: 0,
    });
    results.summary = Rc::new(summary);
    state.results = Some(Rc::new(results));
    for kind in [DownloadKind::UploadCsv, DownloadKind::UploadJson] {
        let mut s = state.clone();
        assert!(s.update(Action::Download(kind), &at(0)).is_empty());
        assert_eq!(s.error, Some(AppError::NothingToUpload));
        assert_eq!(s.results.unwrap().confirm, None, "no question either");
    }
    let (_, fx) = step(state, 40, Action::Download(DownloadKind::ReportCsv));
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Post {
                request: ToWorker::Download { .. },
                ..
            }
        )),
        "{fx:?}"
    );
}

/// What a grid paste left out (it did not fit) is kept for the page to say, until the next
/// change answers.
#[test]
fn a_paste_left_out_is_said_until_the_next_change() {
    let changed = |left_out| {
        worker(FromWorker::Changed {
            job: JobId(9),
            summary: Summary::default(),
            view: view(Filter::All, 0, 2..202, 300),
            cells: 5,
            recheck_ms: 1.0,
            same: None,
            left_out,
        })
    };
    let left = crate::protocol::LeftOut {
        rows: 2,
        cols: 0,
        cells: 10,
    };
    let state = to_results().reduce(changed(Some(left)));
    assert_eq!(state.results.as_ref().unwrap().left_out, Some(left));
    let state = state.reduce(changed(None));
    assert_eq!(state.results.as_ref().unwrap().left_out, None);
}
