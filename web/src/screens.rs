//! One component per step: settings and input, column mapping, results. Each gets the part
//! of the state it shows and one `send` callback; it turns the panels' events into
//! [`Action`]s and decides nothing itself.

use std::rc::Rc;

use js_sys::JsString;
use pmh_core::ColumnMapping;
use web_sys::File;
use yew::prelude::*;

use crate::components::{DiffMakerPanel, InputPanel, MappingPanel, ResultsPanel, SettingsPanel};
use crate::dom;
use crate::mapping::Target;
use crate::protocol::{CellRef, DownloadKind, Filter};
use crate::state::{
    Action, Active, Config, DiffMaker, Handle, LayoutChoice, LayoutRef, MappingState, ResultsState,
    Screen,
};
use crate::text::{Lang, Text};

/// A file as an action's handle and its name.
fn file_handle(file: File) -> (Handle, String) {
    let name = file.name();
    (Handle::new(file), name)
}

/// Props of [`InputScreen`].
#[derive(Properties, PartialEq)]
pub struct InputScreenProps {
    /// UI language.
    pub lang: Lang,
    /// Layout and masters.
    pub config: Config,
    /// 「差分履歴ファイルを作る」 (shown in 差分履歴 mode).
    pub diff_maker: DiffMaker,
    /// A long job runs.
    pub busy: bool,
    /// Sends an action.
    pub send: Callback<Action>,
}

/// Step 1: settings and the input.
#[component(InputScreen)]
pub fn input_screen(props: &InputScreenProps) -> Html {
    let send = &props.send;
    let on_paste = send.reform(|text: JsString| {
        let bytes = dom::utf8(&text);
        Action::Paste {
            len: u64::from(bytes.length()),
            bytes: Handle::new(bytes),
            confirmed: false,
        }
    });
    let on_file = send.reform(|file: File| {
        // File.size is a non-negative, integer-valued f64: the cast is exact.
        let size = file.size() as u64;
        let (file, name) = file_handle(file);
        Action::OpenFile {
            file,
            name,
            size,
            confirmed: false,
        }
    });
    html! {
        <>
            <SettingsPanel
                lang={props.lang}
                config={props.config.clone()}
                busy={props.busy}
                on_layout={send.reform(Action::PickLayout)}
                on_layout_file={send.reform(|file: File| {
                    let (file, name) = file_handle(file);
                    Action::LayoutFile(file, name)
                })}
                on_masters={send.reform(|files: Vec<File>| {
                    Action::MasterFiles(files.into_iter().map(file_handle).collect())
                })}
                on_masters_clear={send.reform(|()| Action::ClearMasters)}
                on_encoding={send.reform(Action::PickEncoding)}
                on_previous={send.reform(|file: File| {
                    let (file, name) = file_handle(file);
                    Action::PreviousFile(file, name)
                })}
                on_previous_clear={send.reform(|()| Action::ClearPrevious)}
                on_template={send.reform(|file: File| {
                    let (file, name) = file_handle(file);
                    Action::TemplateFile(file, name)
                })}
                on_template_forget={send.reform(|()| Action::ForgetTemplate)}
                on_master_template={send.reform(|()| Action::MasterTemplate)}
            />
            if props.config.choice == LayoutChoice::Diff {
                <DiffMakerPanel
                    lang={props.lang}
                    maker={props.diff_maker.clone()}
                    busy={props.busy}
                    send={send.clone()}
                />
            }
            <InputPanel lang={props.lang} busy={props.busy} {on_paste} {on_file} />
        </>
    }
}

/// Props of [`MappingScreen`].
#[derive(Properties, PartialEq)]
pub struct MappingScreenProps {
    /// UI language.
    pub lang: Lang,
    /// The layout.
    pub layout: LayoutRef,
    /// The mapping shown.
    pub mapping: Rc<MappingState>,
    /// Saved mappings.
    pub saved: Rc<Vec<ColumnMapping>>,
    /// A long job runs.
    pub busy: bool,
    /// Results exist but were made with another mapping (step 3 is closed).
    pub results_outdated: bool,
    /// Sends an action.
    pub send: Callback<Action>,
}

/// Step 2: the column mapping.
#[component(MappingScreen)]
pub fn mapping_screen(props: &MappingScreenProps) -> Html {
    let send = &props.send;
    html! {
        <>
        if props.results_outdated {
            <p class="warning-box" id="results-outdated" role="status">{ Text::ResultsOutdated.get(props.lang) }</p>
        }
        <MappingPanel
            lang={props.lang}
            layout={props.layout.clone()}
            mapping={props.mapping.clone()}
            saved={props.saved.clone()}
            busy={props.busy}
            on_target={send.reform(|(col, target): (usize, Target)| Action::SetTarget { col, target })}
            on_use_saved={send.reform(Action::UseSaved)}
            on_name={send.reform(Action::SetMappingName)}
            on_save={send.reform(|()| Action::SaveMapping)}
            on_delete_saved={send.reform(Action::DeleteSaved)}
            on_export={send.reform(|()| Action::ExportMapping)}
            on_import={send.reform(|file: File| {
                let (file, name) = file_handle(file);
                Action::ImportMapping(file, name)
            })}
            on_sheet={send.reform(Action::Sheet)}
            on_check={send.reform(|()| Action::Check)}
            on_back={send.reform(|()| Action::GoTo(Screen::Input))}
            on_header_row={send.reform(Action::SetHeaderRow)}
            on_header_confirmed={send.reform(|()| Action::ConfirmHeader)}
            on_value={send.reform(|(field, from, to): (String, String, String)| Action::SetValue { field, from, to })}
            on_constant={send.reform(|(field, value): (String, String)| Action::SetConstant { field, value })}
        />
        </>
    }
}

/// Props of [`ResultsScreen`].
#[derive(Properties, PartialEq)]
pub struct ResultsScreenProps {
    /// UI language.
    pub lang: Lang,
    /// The results.
    pub results: Rc<ResultsState>,
    /// The mapping they were made with.
    pub mapping: Option<Rc<MappingState>>,
    /// The layout.
    pub layout: LayoutRef,
    /// A long job runs.
    pub busy: bool,
    /// Sends an action.
    pub send: Callback<Action>,
}

/// Step 3: results, fixing and downloads.
#[component(ResultsScreen)]
pub fn results_screen(props: &ResultsScreenProps) -> Html {
    let send = &props.send;
    html! {
        <ResultsPanel
            lang={props.lang}
            results={props.results.clone()}
            mapping={props.mapping.clone()}
            layout={props.layout.clone()}
            busy={props.busy}
            on_filter={send.reform(|filter: Filter| Action::SetFilter(filter))}
            on_need={send.reform(|(first, visible): (u32, u32)| Action::Need { first, visible })}
            on_activate={send.reform(|active: Active| Action::Activate(active))}
            on_jump={send.reform(|cell: CellRef| Action::Jump(cell))}
            on_edit={send.reform(|(cell, value): (CellRef, String)| Action::Edit(cell, value))}
            on_repair={send.reform(|(cell, code, all): (CellRef, String, bool)| Action::Repair(cell, code, all))}
            on_undo={send.reform(|()| Action::Undo)}
            on_exclude={send.reform(Action::ExcludeRow)}
            on_redo={send.reform(|()| Action::Redo)}
            on_paste={send.reform(|(cell, text): (CellRef, String)| Action::PasteCells(cell, text))}
            on_replace={send.reform(|(col, find, replace): (u32, String, String)| Action::Replace { col, find, replace })}
            on_fix_same={send.reform(Action::FixSame)}
            on_cells={send.reform(|(cells, how)| Action::SetCells(cells, how))}
            on_range_too_large={send.reform(|()| Action::RangeTooLarge)}
            on_list={send.reform(|(code, offset): (Option<String>, u32)| Action::List(code, offset))}
            on_download={send.reform(|kind: DownloadKind| Action::Download(kind))}
            on_confirm={send.reform(Action::Confirm)}
            on_back={send.reform(|()| Action::GoTo(Screen::Mapping))}
        />
    }
}

/// Props of [`Steps`].
#[derive(Properties, PartialEq)]
pub struct StepsProps {
    /// UI language.
    pub lang: Lang,
    /// The step shown.
    pub screen: Screen,
    /// Steps 2 and 3 can be shown.
    pub reachable: (bool, bool),
    /// A long job runs.
    pub busy: bool,
    /// Sends an action.
    pub send: Callback<Action>,
}

/// The three steps as buttons.
#[component(Steps)]
pub fn steps(props: &StepsProps) -> Html {
    let lang = props.lang;
    let steps = [
        (Screen::Input, Text::StepInput, true),
        (Screen::Mapping, Text::StepMapping, props.reachable.0),
        (Screen::Results, Text::StepResults, props.reachable.1),
    ]
    .into_iter()
    .map(|(screen, label, reachable)| {
        let current = props.screen == screen;
        let onclick = props.send.reform(move |_: MouseEvent| Action::GoTo(screen));
        html! {
            <li class={classes!("step", current.then_some("is-current"))}>
                <button
                    type="button"
                    class="step-button"
                    disabled={!reachable || props.busy}
                    aria-current={current.then_some("step")}
                    {onclick}
                >
                    { label.get(lang) }
                </button>
            </li>
        }
    });
    html! {
        <nav class="steps" aria-label={Text::StepsLabel.get(lang)}>
            <ol>{ for steps }</ol>
        </nav>
    }
}
