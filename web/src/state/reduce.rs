//! The reducer: [`State::update`] and what it does for each kind of action.

use std::rc::Rc;

use pmh_core::Masters;
use pmh_core::{ColumnMapping, Layout};

use super::*;

/// Extensions of the files the page reads as input.
fn accepted_input(name: &str) -> bool {
    let lower = name.to_lowercase();
    [".csv", ".tsv", ".txt", ".xlsx", ".xlsm"]
        .iter()
        .any(|ext| lower.ends_with(ext))
        || !lower.contains('.')
}

/// One request to the worker.
fn post(job: JobId, request: ToWorker, bytes: Option<Payload>) -> Vec<Effect> {
    vec![Effect::Post {
        job,
        request,
        bytes,
    }]
}

/// A new input replaces the data: ask first when it was edited.
fn ask_discard(yes: Action) -> Vec<Effect> {
    vec![Effect::Ask {
        question: Text::DiscardChanges,
        yes: Box::new(yes),
    }]
}

impl State {
    /// Applies one action and returns what to do next. Answers about requests that are no
    /// longer current are ignored.
    pub fn update(&mut self, action: Action, now: &Now) -> Vec<Effect> {
        let before = (self.lang, self.screen, self.edited());
        let mut fx = match action {
            Action::Started => {
                vec![
                    Effect::ReadSaved,
                    Effect::SpawnWorker,
                    Effect::Document(self.lang),
                ]
            }
            Action::SetLang(lang) => {
                self.lang = lang;
                Vec::new()
            }
            Action::SpawnFailed(detail) => {
                self.busy = None;
                self.worker = WorkerStatus::Failed(detail);
                Vec::new()
            }
            Action::Worker(message, bytes) => self.on_worker(*message, bytes, now.ms),
            Action::PostFailed { job, detail } => {
                if self.busy_with(job) {
                    self.busy = None;
                }
                self.edit_results(|r| r.requested = None);
                self.fail(AppError::Unreachable { detail })
            }
            Action::PickEncoding(encoding) => {
                self.config.encoding = encoding.clone();
                vec![Effect::Post {
                    job: JobId(0),
                    request: ToWorker::SetEncoding { encoding },
                    bytes: None,
                }]
            }
            Action::PickLayout(_)
            | Action::LayoutFile(..)
            | Action::MasterFiles(_)
            | Action::MastersRead(_)
            | Action::ClearMasters
            | Action::PreviousFile(..)
            | Action::PreviousRead(_)
            | Action::ClearPrevious => self.on_settings(action),
            Action::TextRead {
                purpose,
                name,
                result,
            } => self.on_text(purpose, name, result),
            Action::Paste { .. } | Action::OpenFile { .. } | Action::ReadFailed { .. } => {
                self.on_input(action, now)
            }
            Action::SavedRead(stored) => {
                self.saved = Rc::new(stored.map(|s| mapping::parse_store(&s)).unwrap_or_default());
                Vec::new()
            }
            Action::ExtrasRead(stored) => {
                self.extras = Rc::new(
                    stored
                        .map(|s| mapping::parse_extras(&s))
                        .unwrap_or_default(),
                );
                Vec::new()
            }
            Action::ExtrasWritten(extras) => {
                self.extras = extras;
                Vec::new()
            }
            Action::SetHeaderRow(row) => self.set_header_row(row, now),
            Action::ClearData { confirmed: false } => vec![Effect::Ask {
                question: Text::ClearDataQuestion,
                yes: Box::new(Action::ClearData { confirmed: true }),
            }],
            Action::ClearData { confirmed: true } => {
                // Everything of the session goes: the page's copies and the worker's.
                self.mapping = None;
                self.results = None;
                self.busy = None;
                self.error = None;
                self.screen = Screen::Input;
                self.config.previous = None;
                self.tell(Notice::DataCleared);
                vec![Effect::Post {
                    job: JobId(0),
                    request: ToWorker::Clear,
                    bytes: None,
                }]
            }
            Action::MasterTemplate => {
                let template = pmh_core::Masters::template();
                vec![Effect::Download {
                    name: "制度マスタ_雛形.csv".into(),
                    mime: "text/csv".into(),
                    data: Payload::Text(String::from_utf8_lossy(&template).into_owned()),
                    report: true,
                }]
            }
            Action::ConfirmHeader => {
                self.edit_mapping(|m| m.header_confirmed = true);
                Vec::new()
            }
            Action::SetValue { field, from, to } => {
                self.edit_mapping(|m| {
                    let map = m.values.entry(field.clone()).or_default();
                    if to.is_empty() {
                        map.remove(&from);
                    } else {
                        map.insert(from, to);
                    }
                    if map.is_empty() {
                        m.values.remove(&field);
                    }
                });
                Vec::new()
            }
            Action::SetConstant { field, value } => {
                self.edit_mapping(|m| {
                    m.constants.retain(|(f, _)| *f != field);
                    if !value.trim().is_empty() {
                        m.constants.push((field, value.trim().to_owned()));
                    }
                });
                Vec::new()
            }
            Action::SetTarget { .. }
            | Action::UseSaved(_)
            | Action::UseMapping(_)
            | Action::SetMappingName(_)
            | Action::SaveMapping
            | Action::DeleteSaved(_)
            | Action::SavedWritten { .. }
            | Action::ExportMapping
            | Action::ImportMapping(..)
            | Action::Sheet(_)
            | Action::Check => self.on_mapping(action, now),
            Action::GoTo(screen) => {
                self.go_to(screen);
                Vec::new()
            }
            Action::Dismiss => {
                self.error = None;
                self.notice = None;
                Vec::new()
            }
            Action::SetFilter(_)
            | Action::Need { .. }
            | Action::Activate(_)
            | Action::Jump(_)
            | Action::List(..) => self.on_view(action),
            Action::Edit(..)
            | Action::PasteCells(..)
            | Action::Repair(..)
            | Action::Undo
            | Action::Redo
            | Action::ExcludeRow(_)
            | Action::Replace { .. }
            | Action::FixSame(_)
            | Action::SetCells(..) => self.on_change(action, now),
            Action::RangeTooLarge => self.fail(AppError::RangeTooLarge {
                max: crate::state::WINDOW_ROWS,
            }),
            Action::Download(_) | Action::Confirm(_) => self.on_download(action, now),
            Action::Saved(Ok(name)) => self.tell(Notice::Downloaded(name)),
            Action::Saved(Err(detail)) => self.fail(AppError::SaveFailed { detail }),
            Action::Bench(repeats) => {
                let job = self.job();
                post(job, ToWorker::Bench { job, repeats }, None)
            }
            Action::StorageFailed => self.fail(AppError::StorageFailed),
            Action::TemplateFile(..)
            | Action::TemplateRead(_)
            | Action::TemplateRestored(_)
            | Action::TemplateStored
            | Action::ForgetTemplate => self.on_template(action),
            Action::DiffFile(..)
            | Action::DiffFileRead(..)
            | Action::ClearDiffFile(_)
            | Action::MakeDiff(_)
            | Action::SaveDiff(_) => self.on_diff_maker(action, now),
        };
        fx.extend(self.document_effects(before));
        fx
    }

    /// Applies one action, dropping its effects (tests, and chains of answers).
    #[must_use]
    pub fn reduce(mut self, action: Action) -> State {
        let _ = self.update(action, &Now::default());
        self
    }

    /// Effects that follow from what changed on screen.
    fn document_effects(&self, (lang, screen, edited): (Lang, Screen, bool)) -> Vec<Effect> {
        let mut fx = Vec::new();
        if self.lang != lang {
            fx.push(Effect::Document(self.lang));
        }
        if self.edited() != edited {
            fx.push(Effect::GuardUnload(self.edited()));
        }
        if self.screen != screen {
            // Move the focus to the heading of a step when it is shown.
            match self.screen {
                Screen::Input => {}
                Screen::Mapping => {
                    fx.push(Effect::FocusLater("mapping-heading", "pmh:mapping-shown"));
                }
                Screen::Results => {
                    fx.push(Effect::FocusLater("results-heading", "pmh:results-shown"));
                }
            }
        }
        fx
    }

    /// Whether cells were changed since the check (closing the page would lose them).
    pub fn edited(&self) -> bool {
        self.results.as_ref().is_some_and(|r| r.summary.changes > 0)
    }

    fn job(&mut self) -> JobId {
        self.last_job = self.last_job.wrapping_add(1);
        JobId(self.last_job)
    }

    fn fail(&mut self, error: AppError) -> Vec<Effect> {
        self.error = Some(error);
        self.notice = None;
        Vec::new()
    }

    fn tell(&mut self, notice: Notice) -> Vec<Effect> {
        self.notice = Some(notice);
        self.error = None;
        Vec::new()
    }

    fn start(&mut self, job: JobId, task: Task, total: u64, reading: bool, at_ms: u64) {
        self.busy = Some(Busy {
            job,
            task,
            reading,
            phase: None,
            done: 0,
            total,
            started_ms: at_ms,
        });
    }

    /// What a check asks with: the mapping (without its name, which changes nothing checked)
    /// and the constant fields and value mappings.
    fn check_key(&self) -> Option<(String, crate::protocol::Prepare)> {
        let m = self.mapping.as_ref()?;
        let mapping =
            mapping::to_mapping("", &self.config.layout.0, &m.preview.headers, &m.targets);
        Some((mapping.to_json(), self.prepare()))
    }

    /// Whether the results shown were made with the mapping the clerk sees now. After a change
    /// of a column's target, a constant field or a value mapping they are not: step 3 stays
    /// closed until the clerk checks again (its verdict and its download would be the old
    /// mapping's, a column switched off still in the upload file).
    pub fn results_current(&self) -> bool {
        self.results.is_some()
            && self.checked_with.is_some()
            && self.checked_with == self.check_key()
    }

    fn go_to(&mut self, screen: Screen) {
        let possible = match screen {
            Screen::Input => true,
            Screen::Mapping => self.mapping.is_some(),
            Screen::Results => self.results_current(),
        };
        if possible {
            self.screen = screen;
            self.error = None;
        }
    }

    /// The worker request that configures the current layout and masters, and the previous
    /// upload (its bytes after the masters').
    fn configure(&self) -> Effect {
        let files = &self.config.masters;
        let mut bytes = Vec::new();
        for f in files.iter().chain(&self.config.previous) {
            bytes.extend_from_slice(&f.bytes);
        }
        let request = ToWorker::Configure {
            layout: self.config.spec(),
            masters: files.iter().map(|f| f.name.clone()).collect(),
            lens: files
                .iter()
                .chain(&self.config.previous)
                .map(|f| u32::try_from(f.bytes.len()).unwrap_or(u32::MAX))
                .collect(),
            previous: self.config.previous.as_ref().map(|f| f.name.clone()),
        };
        Effect::Post {
            job: JobId(0),
            request,
            bytes: (!bytes.is_empty()).then(|| Payload::Bytes(Rc::from(bytes))),
        }
    }

    /// Layout and master choices.
    fn on_settings(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::PickLayout(choice) => {
                let layout = match choice {
                    LayoutChoice::Full => Layout::full(),
                    LayoutChoice::Diff => Layout::diff(),
                    LayoutChoice::Custom => {
                        let Some(custom) = &self.config.custom else {
                            return Vec::new();
                        };
                        match Layout::from_toml(&custom.toml) {
                            Ok(l) => l,
                            Err(e) => {
                                return self.fail(AppError::Layout {
                                    name: None,
                                    reason: text::core_error(text::CoreError::Config(&e)),
                                });
                            }
                        }
                    }
                };
                let had_input = self.mapping.is_some();
                let fx = self.set_layout(choice, Rc::new(layout), None);
                if had_input {
                    self.tell(Notice::ConfigChanged);
                }
                fx
            }
            Action::LayoutFile(file, name) => vec![Effect::ReadText {
                file,
                name,
                purpose: TextFile::Layout,
            }],
            Action::MasterFiles(files) => vec![Effect::ReadMasters(files)],
            Action::MastersRead(Err((name, detail))) => self.fail(AppError::ReadFailed {
                name: Some(name),
                detail,
            }),
            Action::MastersRead(Ok(files)) => {
                // Validated here for an immediate message; the worker loads the same bytes.
                let inputs = files.iter().map(|(n, b)| (n.as_str(), b.as_slice()));
                match Masters::from_files(inputs) {
                    Ok(m) => {
                        let files = files
                            .into_iter()
                            .map(|(name, bytes)| MasterFile {
                                name,
                                bytes: Rc::from(bytes),
                            })
                            .collect();
                        self.set_masters(files, Some(text::masters_summary(&m)))
                    }
                    Err(e) => self.fail(AppError::Masters(text::core_error(
                        text::CoreError::Config(&e),
                    ))),
                }
            }
            Action::ClearMasters => self.set_masters(Vec::new(), None),
            Action::PreviousFile(file, name) => vec![Effect::ReadPrevious(file, name)],
            Action::PreviousRead(Err((name, detail))) => self.fail(AppError::ReadFailed {
                name: Some(name),
                detail,
            }),
            Action::PreviousRead(Ok((name, bytes))) => self.set_previous(Some(MasterFile {
                name,
                bytes: Rc::from(bytes),
            })),
            Action::ClearPrevious => self.set_previous(None),
            _ => Vec::new(),
        }
    }

    fn set_layout(
        &mut self,
        choice: LayoutChoice,
        layout: Rc<Layout>,
        custom: Option<CustomLayout>,
    ) -> Vec<Effect> {
        let changed = !Rc::ptr_eq(&self.config.layout.0, &layout);
        self.config.choice = choice;
        self.config.layout = LayoutRef(layout);
        if custom.is_some() {
            self.config.custom = custom;
        }
        self.error = None;
        self.config_changed(changed);
        vec![self.configure()]
    }

    fn set_masters(&mut self, files: Vec<MasterFile>, summary: Option<Msg>) -> Vec<Effect> {
        self.config.masters = files;
        self.config.masters_summary = summary;
        self.error = None;
        self.config_changed(false);
        vec![self.configure()]
    }

    /// The previous upload changes the results (their comparison): they are made again.
    fn set_previous(&mut self, file: Option<MasterFile>) -> Vec<Effect> {
        self.config.previous = file;
        self.error = None;
        self.config_changed(false);
        vec![self.configure()]
    }

    /// A layout or mapping file read as text.
    fn on_text(
        &mut self,
        purpose: TextFile,
        name: String,
        result: Result<String, String>,
    ) -> Vec<Effect> {
        let text = match result {
            Ok(text) => text,
            Err(detail) => {
                return self.fail(AppError::ReadFailed {
                    name: Some(name),
                    detail,
                });
            }
        };
        match purpose {
            TextFile::Layout => match Layout::from_toml(&text) {
                Ok(layout) => {
                    let custom = CustomLayout {
                        name,
                        toml: Rc::from(text.as_str()),
                    };
                    self.set_layout(LayoutChoice::Custom, Rc::new(layout), Some(custom))
                }
                Err(e) => self.fail(AppError::Layout {
                    name: Some(name),
                    reason: text::core_error(text::CoreError::Config(&e)),
                }),
            },
            TextFile::Mapping => {
                let layout = self.config.layout.0.clone();
                match ColumnMapping::from_json(text.trim_start_matches('\u{FEFF}'), &layout) {
                    Ok(m) => {
                        let fx = self.on_mapping(Action::UseMapping(m), &Now::default());
                        self.tell(Notice::MappingImported);
                        fx
                    }
                    Err(e) => self.fail(AppError::Mapping {
                        name: Some(name),
                        reason: text::core_error(text::CoreError::Config(&e)),
                    }),
                }
            }
        }
    }

    /// A new input: pasted text or a file.
    fn on_input(&mut self, action: Action, now: &Now) -> Vec<Effect> {
        match action {
            Action::Paste {
                bytes,
                len,
                confirmed,
            } => {
                if self.edited() && !confirmed {
                    return ask_discard(Action::Paste {
                        bytes,
                        len,
                        confirmed: true,
                    });
                }
                let job = self.job();
                self.error = None;
                self.notice = None;
                self.start(job, Task::Load(InputSource::Paste), len, false, now.ms);
                let request = ToWorker::Load {
                    job,
                    source: InputSource::Paste,
                    sheet: None,
                };
                let mut fx = vec![Effect::Mark("pmh:input")];
                fx.extend(post(job, request, Some(Payload::Js(bytes))));
                fx
            }
            Action::OpenFile {
                file,
                name,
                size,
                confirmed,
            } => {
                if self.edited() && !confirmed {
                    return ask_discard(Action::OpenFile {
                        file,
                        name,
                        size,
                        confirmed: true,
                    });
                }
                if !accepted_input(&name) {
                    return self.fail(AppError::FileType { name });
                }
                let job = self.job();
                let source = InputSource::File { name };
                self.error = None;
                self.notice = None;
                self.start(job, Task::Load(source.clone()), size, true, now.ms);
                vec![
                    Effect::Mark("pmh:input"),
                    Effect::LoadFile { job, file, source },
                ]
            }
            Action::ReadFailed { job, detail } => {
                if self.busy_with(job) {
                    self.busy = None;
                    return self.fail(AppError::ReadFailed { name: None, detail });
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// The mapping as a mapping file says it.
    pub fn current_mapping(&self) -> Option<ColumnMapping> {
        let m = self.mapping.as_ref()?;
        Some(mapping::to_mapping(
            &m.name,
            &self.config.layout.0,
            &m.preview.headers,
            &m.targets,
        ))
    }

    /// The column mapping screen.
    fn on_mapping(&mut self, action: Action, now: &Now) -> Vec<Effect> {
        let layout = self.config.layout.0.clone();
        match action {
            Action::SetTarget { col, target } => self.edit_mapping(|m| {
                mapping::set_target(&m.preview.headers, &mut m.targets, col, &target);
                m.suggestions = mapping::suggestions(&layout, &m.preview.headers, &m.targets);
            }),
            Action::UseSaved(index) => match index.and_then(|i| self.saved.get(i)) {
                // Field ids that the current layout lacks are reported, not guessed.
                Some(m) => match ColumnMapping::from_json(&m.to_json(), &layout) {
                    Ok(m) => return self.on_mapping(Action::UseMapping(m), now),
                    Err(e) => {
                        return self.fail(AppError::Mapping {
                            name: None,
                            reason: text::core_error(text::CoreError::Config(&e)),
                        });
                    }
                },
                None => self.auto_mapping(),
            },
            Action::UseMapping(chosen) => {
                let name = chosen.name.clone();
                self.edit_mapping(|m| {
                    m.targets = mapping::targets(&layout, &m.preview.headers, Some(&chosen));
                    m.suggestions = mapping::suggestions(&layout, &m.preview.headers, &m.targets);
                    m.applied = (!name.is_empty()).then(|| name.clone());
                    if !name.is_empty() {
                        m.name = name.clone();
                    }
                });
                self.use_extras(&name);
            }
            Action::SetMappingName(name) => self.edit_mapping(|m| m.name = name),
            Action::SaveMapping => return self.save_mapping(),
            Action::DeleteSaved(name) => {
                let saved = mapping::remove(&self.saved, &name, &layout.id);
                return vec![Effect::Store {
                    key: mapping::STORE_KEY,
                    value: mapping::store_json(&saved),
                    then: Box::new(Action::SavedWritten {
                        saved: Rc::new(saved),
                        used: None,
                        left_out: 0,
                    }),
                }];
            }
            Action::SavedWritten {
                saved,
                used,
                left_out,
            } => {
                self.saved = saved;
                match used {
                    Some(m) => {
                        let name = m.name.clone();
                        let fx = self.on_mapping(Action::UseMapping(m), now);
                        self.tell(if left_out > 0 {
                            Notice::MappingSavedWithout(name, left_out)
                        } else {
                            Notice::MappingSaved(name)
                        });
                        return fx;
                    }
                    None => {
                        self.auto_mapping();
                        return self.tell(Notice::MappingDeleted);
                    }
                }
            }
            Action::ExportMapping => return self.export_mapping(),
            Action::ImportMapping(file, name) => {
                return vec![Effect::ReadText {
                    file,
                    name,
                    purpose: TextFile::Mapping,
                }];
            }
            Action::Sheet(sheet) => return self.read_sheet(sheet, now),
            Action::Check => return self.check(now),
            _ => {}
        }
        Vec::new()
    }

    fn auto_mapping(&mut self) {
        let layout = self.config.layout.0.clone();
        self.edit_mapping(|m| {
            m.targets = mapping::targets(&layout, &m.preview.headers, None);
            m.suggestions = mapping::suggestions(&layout, &m.preview.headers, &m.targets);
            m.applied = None;
        });
    }

    /// Saves the mapping, its constant fields and value mappings — never a value from the
    /// data: column names that look like data and value-mapping keys that are not code labels
    /// are left out (`mapping::storable_header`, `mapping::storable_value_key`).
    fn save_mapping(&mut self) -> Vec<Effect> {
        let (Some(m), Some(state)) = (self.current_mapping(), self.mapping.clone()) else {
            return Vec::new();
        };
        if m.name.is_empty() {
            return self.fail(AppError::NameNeeded);
        }
        let layout = self.config.layout.0.clone();
        let (stored, left_out) = mapping::without_data_names(m.clone(), &layout, &state.preview);
        let mut values = std::collections::BTreeMap::new();
        for (field, map) in &state.values {
            // The rows holding each value, from the columns mapped to the field.
            let count = |key: &str| -> Option<u64> {
                state
                    .targets
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| matches!(t, Target::Field(id) if id == field))
                    .filter_map(|(c, _)| state.preview.distinct.get(c).cloned().flatten())
                    .map(|d| d.iter().find(|(v, _)| v == key).map_or(0, |(_, n)| *n))
                    .reduce(|a, b| a + b)
            };
            let kept: std::collections::BTreeMap<String, String> = map
                .iter()
                .filter(|(k, _)| mapping::storable_value_key(&layout, field, k, count(k)))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if !kept.is_empty() {
                values.insert(field.clone(), kept);
            }
        }
        let extras = mapping::Extras {
            name: m.name.clone(),
            layout: layout.id.clone(),
            constants: state
                .constants
                .iter()
                .filter(|(id, _)| mapping::constant_allowed(&layout, id))
                .cloned()
                .collect(),
            values,
        };
        let all_extras = mapping::upsert_extras(&self.extras, extras);
        let saved = mapping::upsert(&self.saved, stored);
        vec![
            Effect::Store {
                key: mapping::EXTRAS_KEY,
                value: serde_json::to_string(&all_extras).unwrap_or_else(|_| "[]".to_owned()),
                then: Box::new(Action::ExtrasWritten(Rc::new(all_extras))),
            },
            Effect::Store {
                key: mapping::STORE_KEY,
                value: mapping::store_json(&saved),
                then: Box::new(Action::SavedWritten {
                    saved: Rc::new(saved),
                    used: Some(m),
                    left_out,
                }),
            },
        ]
    }

    /// The constant fields and value mappings saved with mapping `name`.
    fn use_extras(&mut self, name: &str) {
        let layout_id = self.config.layout.0.id.clone();
        let extras = self
            .extras
            .iter()
            .find(|e| e.name == name && e.layout == layout_id)
            .cloned();
        if let Some(extras) = extras {
            self.edit_mapping(|m| {
                m.constants = extras.constants.clone();
                m.values = extras.values.clone();
            });
        }
    }

    /// Reads the input again with another header row.
    fn set_header_row(&mut self, row: u32, now: &Now) -> Vec<Effect> {
        let Some(source) = self.mapping.as_ref().and_then(|m| m.preview.source.clone()) else {
            return Vec::new();
        };
        let job = self.job();
        self.error = None;
        self.notice = None;
        self.start(job, Task::Load(source), 0, false, now.ms);
        post(job, ToWorker::SetHeaderRow { job, row }, None)
    }

    /// Downloads the mapping as JSON: the file a clerk hands to a colleague or the vendor, so
    /// column names that look like data (a file without a header row has a My Number and a
    /// name for "column names") are left out, as in the saved copy.
    fn export_mapping(&mut self) -> Vec<Effect> {
        let (Some(m), Some(state)) = (self.current_mapping(), self.mapping.clone()) else {
            return Vec::new();
        };
        let stem = if m.name.is_empty() {
            "mapping".to_owned()
        } else {
            m.name.clone()
        };
        let (m, left_out) = mapping::without_data_names(m, &self.config.layout.0, &state.preview);
        let mut json = m.to_json();
        json.push('\n');
        let fx = vec![Effect::Download {
            name: format!("{stem}.json"),
            mime: "application/json".into(),
            data: Payload::Text(json),
            report: false,
        }];
        if left_out > 0 {
            self.tell(Notice::MappingExportedWithout(left_out));
        }
        fx
    }

    fn read_sheet(&mut self, sheet: Option<String>, now: &Now) -> Vec<Effect> {
        let Some(source) = self.mapping.as_ref().and_then(|m| m.preview.source.clone()) else {
            return Vec::new();
        };
        let job = self.job();
        self.error = None;
        self.notice = None;
        self.start(job, Task::Load(source.clone()), 0, false, now.ms);
        post(job, ToWorker::Load { job, source, sheet }, None)
    }

    /// The constant fields and value mappings of the mapping screen, for the worker.
    fn prepare(&self) -> crate::protocol::Prepare {
        let Some(m) = self.mapping.as_ref() else {
            return crate::protocol::Prepare::default();
        };
        crate::protocol::Prepare {
            constants: m
                .constants
                .iter()
                .filter(|(id, _)| {
                    !m.targets
                        .iter()
                        .any(|t| matches!(t, Target::Field(f) if f == id))
                })
                .cloned()
                .collect(),
            values: m.values.clone(),
        }
    }

    fn check(&mut self, now: &Now) -> Vec<Effect> {
        let Some(m) = self.current_mapping() else {
            return Vec::new();
        };
        // Row 1 looks like data and the clerk has not said it is the header: a check now
        // could drop the first recipient under a ✔.
        if self
            .mapping
            .as_ref()
            .is_some_and(|s| s.preview.header_looks_like_data && !s.header_confirmed)
        {
            return self.fail(AppError::HeaderUnanswered);
        }
        let job = self.job();
        self.error = None;
        self.notice = None;
        self.start(job, Task::Check, 0, false, now.ms);
        let view = ViewReq {
            window: WindowReq {
                filter: Filter::All,
                start: 0,
                count: WINDOW_ROWS,
            },
            list: Some(ListReq {
                code: None,
                offset: 0,
                limit: LIST_PAGE,
            }),
            jump: None,
        };
        self.checked_with = self.check_key();
        let mut fx = vec![Effect::Mark("pmh:check")];
        fx.extend(post(
            job,
            ToWorker::Check {
                job,
                mapping: m.to_json(),
                prepare: self.prepare(),
                at: now.local.clone(),
                view,
            },
            None,
        ));
        fx
    }

    /// What the results screen shows: filter, scrolling, focus, jumps, list pages.
    fn on_view(&mut self, action: Action) -> Vec<Effect> {
        let Some(results) = self.results.clone() else {
            return Vec::new();
        };
        match action {
            Action::SetFilter(filter) => {
                self.edit_results(|r| {
                    let window = Rc::make_mut(&mut r.window);
                    window.filter = filter;
                    window.start = 0;
                    window.rows.clear();
                    r.requested = Some(0);
                    r.active = None;
                });
                self.view(0, None, None)
            }
            Action::Need { first, visible } => {
                match window_needed(&results.window, results.requested, first, visible) {
                    Some(start) => {
                        self.edit_results(|r| r.requested = Some(start));
                        self.view(start, None, None)
                    }
                    None => Vec::new(),
                }
            }
            Action::Activate(active) => {
                self.edit_results(|r| r.active = Some(active));
                Vec::new()
            }
            Action::Jump(cell) => self.view(results.window.start, None, Some(cell)),
            Action::List(code, offset) => {
                let list = ListReq {
                    code,
                    offset,
                    limit: LIST_PAGE,
                };
                self.view(results.window.start, Some(list), None)
            }
            _ => Vec::new(),
        }
    }

    /// Asks the worker for a view of the results.
    fn view(&mut self, start: u32, list: Option<ListReq>, jump: Option<CellRef>) -> Vec<Effect> {
        let Some(results) = &self.results else {
            return Vec::new();
        };
        let view = results.view_req(start, list, jump);
        let job = self.job();
        post(job, ToWorker::View { job, view }, None)
    }

    /// Edits, repairs and undo: the worker changes the data and re-checks.
    fn on_change(&mut self, action: Action, now: &Now) -> Vec<Effect> {
        let Some(results) = self.results.clone() else {
            return Vec::new();
        };
        let job = self.job();
        let view = results.view_req(results.window.start, Some(results.list_req()), None);
        let at = now.local.clone();
        let mut fx = Vec::new();
        let request = match action {
            Action::Edit(cell, value) => {
                fx.push(Effect::Mark("pmh:edit"));
                ToWorker::Edit {
                    job,
                    cell,
                    value,
                    at,
                    view,
                }
            }
            Action::ExcludeRow(row) => ToWorker::ExcludeRow { job, row, at, view },
            Action::PasteCells(start, text) => {
                self.start(job, Task::Change, 0, false, now.ms);
                ToWorker::PasteCells {
                    job,
                    start,
                    text,
                    at,
                    view,
                }
            }
            Action::Replace { col, find, replace } => {
                self.start(job, Task::Change, 0, false, now.ms);
                ToWorker::Replace {
                    job,
                    col,
                    find,
                    replace,
                    at,
                    view,
                }
            }
            Action::Repair(cell, code, all) => {
                // A repair of every cell with a finding can take a moment: show it.
                if all {
                    self.start(job, Task::Change, 0, false, now.ms);
                }
                ToWorker::Repair {
                    job,
                    cell,
                    code,
                    all,
                    at,
                    view,
                }
            }
            Action::SetCells(cells, how) => {
                self.start(job, Task::Change, 0, false, now.ms);
                ToWorker::SetCells {
                    job,
                    cells,
                    how,
                    at,
                    view,
                }
            }
            Action::FixSame(fix) => {
                self.start(job, Task::Change, 0, false, now.ms);
                ToWorker::FixSame { job, fix, at, view }
            }
            Action::Redo => ToWorker::Redo { job, at, view },
            _ => ToWorker::Undo { job, at, view },
        };
        fx.extend(post(job, request, None));
        fx
    }

    /// Downloads; upload files ask first while errors remain.
    fn on_download(&mut self, action: Action, now: &Now) -> Vec<Effect> {
        let Some(results) = self.results.clone() else {
            return Vec::new();
        };
        let kind = match action {
            Action::Download(kind) => {
                let upload = matches!(kind, DownloadKind::UploadCsv | DownloadKind::UploadJson);
                // Nothing of the input was checked (S016): an upload file would be empty.
                if upload && results.summary.codes.iter().any(|c| c.code == "S016") {
                    return self.fail(AppError::NothingToUpload);
                }
                // Errors remain, or the comparison with the previous upload holds it (too many
                // removals, or no comparison): the question says which, and nothing is made
                // before the answer.
                let held = results
                    .summary
                    .previous
                    .as_ref()
                    .is_some_and(crate::protocol::PreviousView::holds_the_upload);
                if upload && (results.summary.errors > 0 || results.summary.header_only || held) {
                    self.edit_results(|r| r.confirm = Some(kind));
                    return Vec::new();
                }
                kind
            }
            Action::Confirm(yes) => {
                self.edit_results(|r| r.confirm = None);
                match (yes, results.confirm) {
                    (true, Some(kind)) => kind,
                    _ => return Vec::new(),
                }
            }
            _ => return Vec::new(),
        };
        self.request_download(kind, now)
    }

    /// Asks the worker for a file to download (a long job: the progress bar shows it).
    fn request_download(&mut self, kind: DownloadKind, now: &Now) -> Vec<Effect> {
        let job = self.job();
        self.start(job, Task::Download(kind), 0, false, now.ms);
        let lang = match self.lang {
            Lang::Ja => ReportLang::Ja,
            Lang::En => ReportLang::En,
        };
        let request = ToWorker::Download {
            job,
            kind,
            lang,
            time: now.iso.clone(),
        };
        post(job, request, None)
    }

    /// After a layout or master change: results are void (the worker dropped them); a loaded
    /// input goes back to the mapping step (re-matched if the layout changed).
    fn config_changed(&mut self, layout_changed: bool) {
        self.results = None;
        if layout_changed {
            self.auto_mapping();
        }
        if self.screen == Screen::Results {
            self.screen = Screen::Mapping;
        }
    }

    fn edit_mapping(&mut self, f: impl FnOnce(&mut MappingState)) {
        if let Some(m) = self.mapping.as_mut() {
            f(Rc::make_mut(m));
        }
    }

    fn edit_results(&mut self, f: impl FnOnce(&mut ResultsState)) {
        if let Some(r) = self.results.as_mut() {
            f(Rc::make_mut(r));
        }
    }

    fn busy_with(&self, job: JobId) -> bool {
        self.busy.as_ref().is_some_and(|b| b.job == job)
    }

    fn on_worker(&mut self, message: FromWorker, bytes: Option<Handle>, at_ms: u64) -> Vec<Effect> {
        match message {
            FromWorker::Ready => {
                self.worker = WorkerStatus::Ready;
                // A new worker (first start or a restart) gets the whole configuration.
                let mut fx = vec![self.configure()];
                if !self.config.encoding.is_empty() {
                    fx.push(Effect::Post {
                        job: JobId(0),
                        request: ToWorker::SetEncoding {
                            encoding: self.config.encoding.clone(),
                        },
                        bytes: None,
                    });
                }
                return fx;
            }
            FromWorker::BootFailed { message } => {
                self.busy = None;
                self.worker = WorkerStatus::Failed(message);
            }
            FromWorker::Panicked { .. } => {
                // The data the worker held is gone. A worker that had been ready is replaced.
                let respawn = self.worker == WorkerStatus::Ready;
                self.busy = None;
                self.worker = WorkerStatus::Starting;
                self.mapping = None;
                self.results = None;
                self.screen = Screen::Input;
                self.fail(AppError::WorkerPanicked);
                return if respawn {
                    vec![Effect::SpawnWorker]
                } else {
                    Vec::new()
                };
            }
            FromWorker::Progress {
                job,
                phase,
                done,
                total,
            } => {
                if let Some(b) = self.busy.as_mut().filter(|b| b.job == job) {
                    b.reading = false;
                    b.phase = Some(phase);
                    b.total = total;
                    b.done = done.min(total);
                }
            }
            FromWorker::ConfigFailed { error } => {
                self.error = Some(AppError::Worker(error));
            }
            FromWorker::Loaded { job, preview } => {
                self.on_loaded(job, preview);
                return vec![Effect::Mark("pmh:loaded")];
            }
            FromWorker::Checked {
                job,
                summary,
                view,
                worker_ms,
            } => {
                self.on_checked(job, summary, view, worker_ms, at_ms);
                return vec![Effect::Mark("pmh:checked")];
            }
            FromWorker::Viewed { view, .. } => self.apply_view(view),
            FromWorker::Changed {
                job,
                summary,
                view,
                cells,
                recheck_ms,
                same,
                left_out,
            } => {
                if self.busy_with(job) {
                    self.busy = None;
                }
                self.edit_results(|r| {
                    r.summary = Rc::new(summary);
                    r.last_change = Some((cells, recheck_ms));
                    r.same_offer = same;
                    r.left_out = left_out;
                });
                self.apply_view(view);
                return vec![Effect::Mark("pmh:changed")];
            }
            FromWorker::File {
                job, name, mime, ..
            } => return self.on_file(job, name, mime, bytes),
            FromWorker::DiffMade { job, view } => {
                if self.busy.take_if(|b| b.job == job).is_some() {
                    self.diff_maker.made = Some(Rc::new(view));
                }
                return vec![Effect::Mark("pmh:diff-made")];
            }
            FromWorker::Benched {
                bytes,
                rows,
                runs_ms,
                check_ms,
                ..
            } => {
                // For the benchmark script (tests/e2e/bench.mjs).
                let value = serde_json::json!({
                    "bytes": bytes, "rows": rows, "runs_ms": runs_ms, "check_ms": check_ms
                });
                return vec![Effect::PublishBench(value.to_string())];
            }
            FromWorker::Failed { job, error } => {
                if self.busy_with(job) {
                    self.busy = None;
                }
                self.edit_results(|r| r.requested = None);
                self.fail(AppError::Worker(error));
            }
        }
        Vec::new()
    }

    fn on_loaded(&mut self, job: JobId, preview: Preview) {
        if !self.busy_with(job) {
            return;
        }
        self.busy = None;
        let layout = self.config.layout.0.clone();
        let saved = mapping::best_saved(&self.saved, &layout.id, &preview.headers)
            .and_then(|i| self.saved.get(i));
        let targets = mapping::targets(&layout, &preview.headers, saved);
        let suggestions = mapping::suggestions(&layout, &preview.headers, &targets);
        let applied = saved.map(|m| m.name.clone());
        self.mapping = Some(Rc::new(MappingState {
            preview: Rc::new(preview),
            targets,
            suggestions,
            name: applied.clone().unwrap_or_default(),
            applied: applied.clone(),
            constants: Vec::new(),
            values: std::collections::BTreeMap::new(),
            header_confirmed: false,
        }));
        if let Some(name) = applied {
            self.use_extras(&name);
        }
        self.results = None;
        self.screen = Screen::Mapping;
    }

    fn on_checked(
        &mut self,
        job: JobId,
        summary: Summary,
        view: ViewData,
        worker_ms: f64,
        at_ms: u64,
    ) {
        let Some(busy) = self.busy.take_if(|b| b.job == job) else {
            return;
        };
        self.results = Some(Rc::new(ResultsState {
            summary: Rc::new(summary),
            window: Rc::new(view.window),
            requested: None,
            list: Rc::new(view.list.unwrap_or_default()),
            active: None,
            scroll_nonce: 0,
            confirm: None,
            last_change: None,
            same_offer: None,
            left_out: None,
            check_ms: (worker_ms, at_ms.saturating_sub(busy.started_ms)),
            upload_saved: None,
        }));
        self.screen = Screen::Results;
    }

    /// A download is ready: save it if it is the one being waited for.
    fn on_file(
        &mut self,
        job: JobId,
        name: String,
        mime: String,
        bytes: Option<Handle>,
    ) -> Vec<Effect> {
        let Some(busy) = self.busy.take_if(|b| b.job == job) else {
            return Vec::new();
        };
        if busy.task == Task::Download(DownloadKind::UploadCsv) {
            self.edit_results(|r| r.upload_saved = Some(r.summary.changes));
        }
        match bytes {
            Some(bytes) => vec![Effect::Download {
                name,
                mime,
                data: Payload::Js(bytes),
                report: true,
            }],
            None => Vec::new(),
        }
    }

    /// Applies a view answer to the results.
    fn apply_view(&mut self, view: ViewData) {
        self.edit_results(|r| {
            let window = view.window;
            if r.requested == Some(window.start) || view.jumped.is_some() {
                r.requested = None;
            }
            if let Some(jumped) = view.jumped {
                r.active = Some(Active {
                    index: jumped.index,
                    cell: jumped.cell,
                });
                r.scroll_nonce = r.scroll_nonce.wrapping_add(1);
            } else if let Some(active) = r.active.as_mut() {
                // Keep the focused cell on its row if the row is still shown, else on the
                // row now at its place.
                if let Some(k) = window.rows.iter().position(|g| g.row == active.cell.row) {
                    active.index = window.start + k as u32;
                } else if let Some(g) = active
                    .index
                    .checked_sub(window.start)
                    .and_then(|k| window.rows.get(k as usize))
                {
                    active.cell.row = g.row;
                }
            }
            if window.filter != r.window.filter && window.total > 0 {
                r.active = r.active.filter(|_| view.jumped.is_some());
            }
            r.window = Rc::new(window);
            if let Some(list) = view.list {
                r.list = Rc::new(list);
            }
        });
    }

    /// 「公式テンプレートを読み込む」: the template's header row becomes the layout (its exact
    /// labels and order, the columns after the fixed ones 券面 items), used like a layout file
    /// and remembered — labels only: the template's sample rows are never read into it.
    fn on_template(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::TemplateFile(file, name) => vec![Effect::ReadTemplate(file, name)],
            Action::TemplateRead(Err((name, detail))) => self.fail(AppError::ReadFailed {
                name: Some(name),
                detail,
            }),
            Action::TemplateRead(Ok((name, bytes))) => {
                match pmh_core::template::from_template_bytes(&Layout::full(), &bytes, None) {
                    Ok((layout, report)) => {
                        let toml = layout.to_toml();
                        self.config.template = Some(text::template_summary(&name, &report));
                        let stored = serde_json::json!({ "name": name, "toml": toml }).to_string();
                        let mut fx = self.use_template(name, toml, layout);
                        fx.push(Effect::Store {
                            key: mapping::TEMPLATE_KEY,
                            value: stored,
                            then: Box::new(Action::TemplateStored),
                        });
                        fx
                    }
                    Err(e) => self.fail(AppError::Layout {
                        name: Some(name),
                        reason: text::core_error(text::CoreError::Template(&e)),
                    }),
                }
            }
            Action::TemplateRestored(Some(stored)) => {
                let parsed: Option<(String, String)> =
                    serde_json::from_str::<serde_json::Value>(&stored)
                        .ok()
                        .and_then(|v| {
                            Some((
                                v.get("name")?.as_str()?.to_owned(),
                                v.get("toml")?.as_str()?.to_owned(),
                            ))
                        });
                // A stored layout that no longer reads (an older version) is forgotten.
                match parsed.and_then(|(n, t)| Layout::from_toml(&t).ok().map(|l| (n, t, l))) {
                    Some((name, toml, layout)) => {
                        self.config.template = Some(text::template_restored(&name));
                        self.use_template(name, toml, layout)
                    }
                    None => vec![Effect::Unstore(mapping::TEMPLATE_KEY)],
                }
            }
            Action::TemplateStored => self.tell(Notice::TemplateSaved),
            Action::ForgetTemplate => {
                self.config.template = None;
                self.config.custom = None;
                let mut fx = self.set_layout(LayoutChoice::Full, Rc::new(Layout::full()), None);
                fx.push(Effect::Unstore(mapping::TEMPLATE_KEY));
                fx
            }
            _ => Vec::new(),
        }
    }

    fn use_template(&mut self, name: String, toml: String, layout: Layout) -> Vec<Effect> {
        let custom = CustomLayout {
            name,
            toml: Rc::from(toml.as_str()),
        };
        self.set_layout(LayoutChoice::Custom, Rc::new(layout), Some(custom))
    }

    /// 「差分履歴ファイルを作る」: its files, the request, and saving what it made.
    fn on_diff_maker(&mut self, action: Action, now: &Now) -> Vec<Effect> {
        match action {
            Action::DiffFile(slot, file, name) => vec![Effect::ReadDiffFile(slot, file, name)],
            Action::DiffFileRead(_, Err((name, detail))) => self.fail(AppError::ReadFailed {
                name: Some(name),
                detail,
            }),
            Action::DiffFileRead(slot, Ok((name, bytes))) => {
                *self.diff_maker.slot_mut(slot) = Some(MasterFile {
                    name,
                    bytes: bytes.into(),
                });
                self.diff_maker.made = None;
                Vec::new()
            }
            Action::ClearDiffFile(slot) => {
                *self.diff_maker.slot_mut(slot) = None;
                self.diff_maker.made = None;
                Vec::new()
            }
            Action::MakeDiff(allow_deletions) => {
                let Some(to) = self.diff_maker.to.clone() else {
                    return Vec::new();
                };
                let (from, state) = (self.diff_maker.from.clone(), self.diff_maker.state.clone());
                // The files travel concatenated, in the order the worker reads them.
                let mut bytes = Vec::new();
                let mut lens = Vec::new();
                for f in [from.as_ref(), Some(&to), state.as_ref()]
                    .into_iter()
                    .flatten()
                {
                    bytes.extend_from_slice(&f.bytes);
                    lens.push(u32::try_from(f.bytes.len()).unwrap_or(u32::MAX));
                }
                self.diff_maker.made = None;
                let job = self.job();
                self.start(job, Task::MakeDiff, 0, false, now.ms);
                let request = ToWorker::MakeDiff {
                    job,
                    from: from.map(|f| f.name),
                    to: to.name,
                    state: state.is_some(),
                    lens,
                    allow_deletions,
                };
                post(job, request, Some(Payload::Bytes(bytes.into())))
            }
            Action::SaveDiff(kind) => {
                let made_ok = self
                    .diff_maker
                    .made
                    .as_ref()
                    .is_some_and(|m| m.refused.is_none());
                if !made_ok {
                    return Vec::new();
                }
                self.request_download(kind, now)
            }
            _ => Vec::new(),
        }
    }

    /// Whether a long job is under way.
    pub fn is_busy(&self) -> bool {
        self.busy.is_some()
    }
}
