//! UI state and the reducer: the only place where UI state changes.
//!
//! Pure and synchronous, so it is unit-tested natively. Effects (posting to the worker, reading
//! files, the clock) happen in the components; they report back through [`Action`]s, which carry
//! every outside fact the reducer needs (job ids, times), so the reducer stays deterministic.
//!
//! Large data (pasted text, file bytes, later the report) is deliberately not kept here: the
//! state is cloned on every action, so it holds only small values.

use crate::job::{InputStats, Progress};
use crate::protocol::{FromWorker, InputSource, JobId};
use crate::text::Lang;

/// Everything the UI shows, apart from large data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    /// Language of the UI.
    pub lang: Lang,
    /// Whether the validation worker can take requests.
    pub worker: WorkerStatus,
    /// The latest check request and what became of it.
    pub job: JobState,
}

/// Life cycle of the validation worker.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum WorkerStatus {
    /// Spawned, not yet answered. Requests posted now are queued by the worker's bootstrap.
    #[default]
    Starting,
    /// Answered `Ready`.
    Ready,
    /// Could not be started; the detail is for the details line.
    Failed(String),
}

/// The latest check request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum JobState {
    /// Nothing was loaded yet.
    #[default]
    Idle,
    /// Being read (files) or checked.
    Running {
        /// The request.
        job: JobId,
        /// Where its input came from.
        source: InputSource,
        /// `true` while a file is still being read on the page, before the worker has it.
        reading: bool,
        /// Bytes done so far, as the worker reported.
        progress: Progress,
        /// When the request started, in milliseconds since the epoch (page clock).
        started_ms: u64,
    },
    /// Finished.
    Done {
        /// The request.
        job: JobId,
        /// Where its input came from.
        source: InputSource,
        /// The result.
        stats: InputStats,
        /// Time from request to result, in milliseconds.
        elapsed_ms: u64,
    },
    /// Did not finish.
    Failed {
        /// The request.
        job: JobId,
        /// Where its input came from.
        source: InputSource,
        /// Why.
        error: JobError,
    },
}

/// Why a check request did not finish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobError {
    /// The page could not read the dropped or picked file.
    ReadFailed(String),
    /// The worker panicked while checking; it is being replaced.
    WorkerCrashed,
    /// The worker refused the request or could not run at all.
    Worker(String),
}

/// Something that happened; [`State::reduce`] turns it into the next state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// The user picked a language.
    SetLang(Lang),
    /// A new check request was made (superseding any running one).
    Started {
        /// Fresh id of the request.
        job: JobId,
        /// Where its input comes from.
        source: InputSource,
        /// Size of the input in bytes.
        total: u64,
        /// `true` if the input must still be read before the worker gets it.
        reading: bool,
        /// Page clock, milliseconds since the epoch.
        at_ms: u64,
    },
    /// Reading a dropped or picked file failed.
    ReadFailed {
        /// The request.
        job: JobId,
        /// Browser's error text.
        detail: String,
    },
    /// The worker could not be spawned at all (for example, blocked by a browser policy).
    SpawnFailed(String),
    /// A message arrived from the worker.
    Worker {
        /// The decoded message.
        message: FromWorker,
        /// Page clock when it arrived, milliseconds since the epoch.
        at_ms: u64,
    },
}

impl State {
    /// Applies one action. Answers about any request but the latest one are ignored.
    #[must_use]
    pub fn reduce(mut self, action: Action) -> State {
        match action {
            Action::SetLang(lang) => self.lang = lang,
            Action::Started {
                job,
                source,
                total,
                reading,
                at_ms,
            } => {
                self.job = JobState::Running {
                    job,
                    source,
                    reading,
                    progress: Progress { done: 0, total },
                    started_ms: at_ms,
                };
            }
            Action::ReadFailed { job, detail } => {
                self.fail_job(job, JobError::ReadFailed(detail));
            }
            Action::SpawnFailed(detail) => {
                self.fail_running(JobError::Worker(detail.clone()));
                self.worker = WorkerStatus::Failed(detail);
            }
            Action::Worker { message, at_ms } => self.on_worker(message, at_ms),
        }
        self
    }

    fn on_worker(&mut self, message: FromWorker, at_ms: u64) {
        match message {
            FromWorker::Ready => self.worker = WorkerStatus::Ready,
            FromWorker::BootFailed { message } => {
                self.fail_running(JobError::Worker(message.clone()));
                self.worker = WorkerStatus::Failed(message);
            }
            FromWorker::Panicked { .. } => {
                // The page replaces the dead worker; the new one will answer `Ready`.
                self.fail_running(JobError::WorkerCrashed);
                self.worker = WorkerStatus::Starting;
            }
            FromWorker::Progress { job, done, total } => {
                if let JobState::Running {
                    job: current,
                    reading,
                    progress,
                    ..
                } = &mut self.job
                    && *current == job
                {
                    *reading = false;
                    *progress = Progress {
                        done: done.min(total),
                        total,
                    };
                }
            }
            FromWorker::Finished { job, stats } => {
                if let JobState::Running {
                    job: current,
                    source,
                    started_ms,
                    ..
                } = &self.job
                    && *current == job
                {
                    self.job = JobState::Done {
                        job,
                        source: source.clone(),
                        stats,
                        elapsed_ms: at_ms.saturating_sub(*started_ms),
                    };
                }
            }
            FromWorker::Failed { job, message } => self.fail_job(job, JobError::Worker(message)),
        }
    }

    /// Marks request `job` as failed if it is the one running.
    fn fail_job(&mut self, job: JobId, error: JobError) {
        if matches!(&self.job, JobState::Running { job: current, .. } if *current == job) {
            self.fail_running(error);
        }
    }

    /// Marks whatever request is running as failed.
    fn fail_running(&mut self, error: JobError) {
        if let JobState::Running { job, source, .. } = &self.job {
            self.job = JobState::Failed {
                job: *job,
                source: source.clone(),
                error,
            };
        }
    }

    /// Whether a check is under way (the UI shows a progress bar).
    pub fn is_busy(&self) -> bool {
        matches!(self.job, JobState::Running { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::Delimiter;

    fn started(job: u32, source: InputSource) -> Action {
        Action::Started {
            job: JobId(job),
            source,
            total: 100,
            reading: false,
            at_ms: 1_000,
        }
    }

    fn worker(message: FromWorker) -> Action {
        Action::Worker {
            message,
            at_ms: 1_250,
        }
    }

    fn stats() -> InputStats {
        InputStats {
            bytes: 100,
            lines: 3,
            columns: 2,
            delimiter: Delimiter::Tab,
        }
    }

    fn run(actions: impl IntoIterator<Item = Action>) -> State {
        actions.into_iter().fold(State::default(), State::reduce)
    }

    #[test]
    fn starts_in_japanese_with_the_worker_starting() {
        let state = State::default();
        assert_eq!(state.lang, Lang::Ja);
        assert_eq!(state.worker, WorkerStatus::Starting);
        assert_eq!(state.job, JobState::Idle);
        assert_eq!(run([Action::SetLang(Lang::En)]).lang, Lang::En);
    }

    #[test]
    fn a_request_runs_reports_progress_and_finishes() {
        let state = run([
            worker(FromWorker::Ready),
            started(1, InputSource::Paste),
            worker(FromWorker::Progress {
                job: JobId(1),
                done: 40,
                total: 100,
            }),
        ]);
        assert_eq!(state.worker, WorkerStatus::Ready);
        assert!(state.is_busy());
        assert!(matches!(
            state.job,
            JobState::Running {
                progress: Progress {
                    done: 40,
                    total: 100
                },
                ..
            }
        ));

        let state = state.reduce(worker(FromWorker::Finished {
            job: JobId(1),
            stats: stats(),
        }));
        assert_eq!(
            state.job,
            JobState::Done {
                job: JobId(1),
                source: InputSource::Paste,
                stats: stats(),
                elapsed_ms: 250,
            }
        );
        assert!(!state.is_busy());
    }

    #[test]
    fn answers_about_a_superseded_request_are_ignored() {
        let state = run([
            started(1, InputSource::Paste),
            started(
                2,
                InputSource::File {
                    name: "a.csv".into(),
                },
            ),
            worker(FromWorker::Finished {
                job: JobId(1),
                stats: stats(),
            }),
            worker(FromWorker::Failed {
                job: JobId(1),
                message: "late".into(),
            }),
            Action::ReadFailed {
                job: JobId(1),
                detail: "late".into(),
            },
        ]);
        assert!(matches!(state.job, JobState::Running { job: JobId(2), .. }));
    }

    #[test]
    fn the_first_progress_ends_the_reading_phase() {
        let mut start = started(
            3,
            InputSource::File {
                name: "b.csv".into(),
            },
        );
        if let Action::Started { reading, .. } = &mut start {
            *reading = true;
        }
        let state = run([start]);
        assert!(matches!(state.job, JobState::Running { reading: true, .. }));
        let state = state.reduce(worker(FromWorker::Progress {
            job: JobId(3),
            done: 500,
            total: 100,
        }));
        // `done` is clamped to `total`.
        assert!(matches!(
            state.job,
            JobState::Running {
                reading: false,
                progress: Progress {
                    done: 100,
                    total: 100
                },
                ..
            }
        ));
    }

    #[test]
    fn a_worker_panic_fails_the_running_request_and_awaits_a_new_worker() {
        let state = run([
            worker(FromWorker::Ready),
            started(4, InputSource::Paste),
            worker(FromWorker::Panicked {
                message: "boom".into(),
            }),
        ]);
        assert_eq!(state.worker, WorkerStatus::Starting);
        assert!(matches!(
            state.job,
            JobState::Failed {
                error: JobError::WorkerCrashed,
                ..
            }
        ));
        assert_eq!(
            state.reduce(worker(FromWorker::Ready)).worker,
            WorkerStatus::Ready
        );
    }

    #[test]
    fn read_and_spawn_failures_are_reported() {
        let state = run([
            started(
                5,
                InputSource::File {
                    name: "c.xlsx".into(),
                },
            ),
            Action::ReadFailed {
                job: JobId(5),
                detail: "NotReadableError".into(),
            },
        ]);
        assert!(matches!(
            state.job,
            JobState::Failed {
                error: JobError::ReadFailed(_),
                ..
            }
        ));

        let state = run([
            started(6, InputSource::Paste),
            Action::SpawnFailed("blocked".into()),
        ]);
        assert_eq!(state.worker, WorkerStatus::Failed("blocked".into()));
        assert!(matches!(
            state.job,
            JobState::Failed {
                error: JobError::Worker(_),
                ..
            }
        ));
    }
}
