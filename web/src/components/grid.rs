//! The data grid: every row of the input with virtual scrolling (only the rows on screen are
//! in the DOM; rows come from the worker in windows), problem cells coloured by severity,
//! keyboard navigation (roving tabindex) and in-place editing.
//!
//! Row numbers and column letters are the sheet's (header = row 1), as in Excel and in every
//! report. Events are delegated to the grid element (one handler, not one per cell); cells
//! carry their position in `data-` attributes.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::prelude::*;

use crate::protocol::{CellRef, GridRow, Sev, Window};
use crate::state::Active;
use crate::text::{Lang, Text};

/// Height of one row in pixels (must match `.grid-row` in style.css).
pub const ROW_H: u32 = 28;
/// Height of the column header in pixels (must match `.grid-head`).
pub const HEAD_H: u32 = 46;
/// Width of the row number column in pixels (must match `.row-num`).
pub const ROWNUM_W: u32 = 64;
/// Rows rendered above and below the visible ones.
const OVERSCAN: u32 = 8;

/// How a column is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColKind {
    /// Holds a PMH field.
    Field,
    /// A certificate-face item.
    Detail,
    /// Left out.
    Ignored,
}

/// One column header of the grid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnHead {
    /// Column letter.
    pub letter: String,
    /// Header in the source.
    pub header: String,
    /// What it becomes.
    pub target: String,
    /// How it is used.
    pub kind: ColKind,
    /// Width in pixels.
    pub width: u32,
}

/// Props of [`Grid`].
#[derive(Properties, PartialEq)]
pub struct GridProps {
    /// UI language.
    pub lang: Lang,
    /// Columns.
    pub columns: Rc<Vec<ColumnHead>>,
    /// Rows loaded.
    pub window: Rc<Window>,
    /// The focused cell.
    pub active: Option<Active>,
    /// Bumped to scroll to `active` and focus it.
    pub scroll_nonce: u32,
    /// Rows `first..first + visible` are on screen: load them if needed.
    pub on_need: Callback<(u32, u32)>,
    /// A cell got the focus.
    pub on_activate: Callback<Active>,
    /// A cell was edited.
    pub on_edit: Callback<(CellRef, String)>,
}

fn sev_class(s: Sev) -> &'static str {
    match s {
        Sev::Error => "sev-error",
        Sev::Warning => "sev-warning",
        Sev::Info => "sev-info",
    }
}

/// `(index, row, col)` of the grid cell at or around an event target.
fn cell_at(target: Option<web_sys::EventTarget>) -> Option<(u32, u32, u32)> {
    let el: Element = target?.dyn_into().ok()?;
    let cell = el.closest("[data-c]").ok()??;
    let get = |name: &str| cell.get_attribute(name)?.parse::<u32>().ok();
    Some((get("data-i")?, get("data-r")?, get("data-c")?))
}

fn cell_id(index: u32, col: u32) -> String {
    format!("cell-{index}-{col}")
}

/// The visible rows of the viewport: (first, count).
fn visible_rows(viewport: &Element) -> (u32, u32) {
    let top = u32::try_from(viewport.scroll_top().max(0)).unwrap_or(0);
    let height = u32::try_from(viewport.client_height().max(0)).unwrap_or(0);
    let first = top / ROW_H;
    let visible = height.saturating_sub(HEAD_H).div_ceil(ROW_H).max(1);
    (first, visible)
}

/// The grid.
#[component(Grid)]
pub fn grid(props: &GridProps) -> Html {
    let lang = props.lang;
    let viewport = use_node_ref();
    let editor = use_node_ref();
    let view = use_state(|| (0u32, 16u32));
    // The cell being edited: (active cell, value when editing began).
    let editing = use_state(|| None::<(Active, String)>);
    let committed = use_mut_ref(|| false);
    // Whether the user typed in the editor (an <input> drops line breaks from the value it was
    // given, so an untouched multi-line value must not count as an edit).
    let dirty = use_mut_ref(|| false);
    let pending_focus = use_mut_ref(|| false);
    let window = &props.window;
    let total = window.total;
    let ncols = u32::try_from(props.columns.len()).unwrap_or(0).max(1);

    // Measure once mounted (the viewport's height is set by the stylesheet).
    {
        let (viewport, view) = (viewport.clone(), view.clone());
        use_effect_with((), move |()| {
            if let Some(el) = viewport.cast::<Element>() {
                view.set(visible_rows(&el));
            }
        });
    }
    // Another view (filter): back to its top.
    {
        let (viewport, view) = (viewport.clone(), view.clone());
        use_effect_with(window.filter.clone(), move |_| {
            if let Some(el) = viewport.cast::<Element>() {
                el.set_scroll_top(0);
                view.set(visible_rows(&el));
            }
        });
    }
    // Ask for rows whenever what is visible is not loaded.
    {
        let on_need = props.on_need.clone();
        let key = (*view, Rc::as_ptr(window) as usize);
        use_effect_with(key, move |&((first, visible), _)| {
            on_need.emit((first, visible));
        });
    }
    // Jumps: scroll the focused row into view, then focus it.
    {
        let (viewport, pending_focus, active) =
            (viewport.clone(), pending_focus.clone(), props.active);
        use_effect_with(props.scroll_nonce, move |&nonce| {
            if nonce > 0
                && let (Some(el), Some(a)) = (viewport.cast::<Element>(), active)
            {
                el.set_scroll_top(
                    i32::try_from(a.index.saturating_sub(3) * ROW_H).unwrap_or(i32::MAX),
                );
                *pending_focus.borrow_mut() = true;
            }
        });
    }
    // After every render: move the focus where it was asked to go.
    {
        let (pending_focus, editor, editing, active) = (
            pending_focus.clone(),
            editor.clone(),
            editing.clone(),
            props.active,
        );
        use_effect(move || {
            if let Some(input) = editor.cast::<HtmlInputElement>() {
                if editing.is_some() && *pending_focus.borrow() {
                    let _ = input.focus();
                    input.select();
                    *pending_focus.borrow_mut() = false;
                }
            } else if *pending_focus.borrow()
                && let Some(a) = active
                && let Some(el) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id(&cell_id(a.index, a.cell.col)))
                    .and_then(|e| e.dyn_into::<HtmlElement>().ok())
            {
                let _ = el.focus();
                *pending_focus.borrow_mut() = false;
            }
        });
    }

    let row_at = {
        let window = window.clone();
        move |index: u32| -> Option<GridRow> {
            index
                .checked_sub(window.start)
                .and_then(|k| window.rows.get(k as usize))
                .cloned()
        }
    };

    let onscroll = {
        let (viewport, view) = (viewport.clone(), view.clone());
        Callback::from(move |_: Event| {
            if let Some(el) = viewport.cast::<Element>() {
                let now = visible_rows(&el);
                if now != *view {
                    view.set(now);
                }
            }
        })
    };

    let activate = {
        let (on_activate, pending_focus) = (props.on_activate.clone(), pending_focus.clone());
        move |active: Active, focus: bool| {
            if focus {
                *pending_focus.borrow_mut() = true;
            }
            on_activate.emit(active);
        }
    };

    let start_edit = {
        let (editing, committed, dirty, pending_focus, row_at) = (
            editing.clone(),
            committed.clone(),
            dirty.clone(),
            pending_focus.clone(),
            row_at.clone(),
        );
        move |active: Active| {
            let Some(row) = row_at(active.index) else {
                return;
            };
            if active.cell.col == 0 || row.row == 0 {
                return;
            }
            let value = row
                .cells
                .get(active.cell.col as usize - 1)
                .cloned()
                .unwrap_or_default();
            *committed.borrow_mut() = false;
            *dirty.borrow_mut() = false;
            *pending_focus.borrow_mut() = true;
            editing.set(Some((active, value)));
        }
    };

    let onclick = {
        let activate = activate.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some((index, row, col)) = cell_at(e.target()) {
                activate(
                    Active {
                        index,
                        cell: CellRef { row, col },
                    },
                    true,
                );
            }
        })
    };
    let ondblclick = {
        let start_edit = start_edit.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some((index, row, col)) = cell_at(e.target()) {
                start_edit(Active {
                    index,
                    cell: CellRef { row, col },
                });
            }
        })
    };
    let onfocusin = {
        let (on_activate, current) = (props.on_activate.clone(), props.active);
        Callback::from(move |e: FocusEvent| {
            if let Some((index, row, col)) = cell_at(e.target()) {
                let a = Active {
                    index,
                    cell: CellRef { row, col },
                };
                if current != Some(a) {
                    on_activate.emit(a);
                }
            }
        })
    };
    let onkeydown = {
        let (viewport, view, row_at, activate, start_edit) = (
            viewport.clone(),
            view.clone(),
            row_at.clone(),
            activate.clone(),
            start_edit.clone(),
        );
        let (active, editing_now) = (props.active, editing.is_some());
        Callback::from(move |e: KeyboardEvent| {
            if editing_now || total == 0 {
                return;
            }
            let a = active.unwrap_or(Active {
                index: view.0,
                cell: CellRef { row: 0, col: 1 },
            });
            let (first, visible) = *view;
            let page = visible.saturating_sub(1).max(1);
            let ctrl = e.ctrl_key() || e.meta_key();
            let (mut index, mut col) = (a.index, a.cell.col.max(1));
            match e.key().as_str() {
                "ArrowDown" => index = (index + 1).min(total - 1),
                "ArrowUp" => index = index.saturating_sub(1),
                "PageDown" => index = (index + page).min(total - 1),
                "PageUp" => index = index.saturating_sub(page),
                "ArrowRight" => col = (col + 1).min(ncols),
                "ArrowLeft" => col = col.saturating_sub(1).max(1),
                "Home" if ctrl => (index, col) = (0, 1),
                "End" if ctrl => (index, col) = (total - 1, ncols),
                "Home" => col = 1,
                "End" => col = ncols,
                "Enter" | "F2" => {
                    e.prevent_default();
                    start_edit(a);
                    return;
                }
                _ => return,
            }
            e.prevent_default();
            // Keep the row on screen.
            if let Some(el) = viewport.cast::<Element>() {
                if index < first {
                    el.set_scroll_top(i32::try_from(index * ROW_H).unwrap_or(i32::MAX));
                } else if index >= first + visible {
                    let top = (index + 1).saturating_sub(visible) * ROW_H;
                    el.set_scroll_top(i32::try_from(top).unwrap_or(i32::MAX));
                }
            }
            let row = row_at(index).map_or(0, |g| g.row);
            activate(
                Active {
                    index,
                    cell: CellRef { row, col },
                },
                true,
            );
        })
    };

    // The editor.
    let finish_edit = {
        let (editing, committed, dirty, pending_focus, on_edit) = (
            editing.clone(),
            committed.clone(),
            dirty.clone(),
            pending_focus.clone(),
            props.on_edit.clone(),
        );
        move |value: Option<String>| {
            if *committed.borrow() {
                return;
            }
            *committed.borrow_mut() = true;
            if let (Some((a, before)), Some(value)) = (&*editing, value)
                && *dirty.borrow()
                && *before != value
            {
                on_edit.emit((a.cell, value));
            }
            *pending_focus.borrow_mut() = true;
            editing.set(None);
        }
    };
    let editor_keydown = {
        let finish_edit = finish_edit.clone();
        Callback::from(move |e: KeyboardEvent| {
            e.stop_propagation();
            let input: HtmlInputElement = e.target_unchecked_into();
            match e.key().as_str() {
                "Enter" => {
                    e.prevent_default();
                    finish_edit(Some(input.value()));
                }
                "Escape" => {
                    e.prevent_default();
                    finish_edit(None);
                }
                _ => {}
            }
        })
    };
    let editor_input = {
        let dirty = dirty.clone();
        Callback::from(move |_: InputEvent| *dirty.borrow_mut() = true)
    };
    let editor_blur = {
        let finish_edit = finish_edit.clone();
        Callback::from(move |e: FocusEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            finish_edit(Some(input.value()));
        })
    };

    // Rows to render.
    let (first, visible) = *view;
    let from = first.saturating_sub(OVERSCAN);
    let to = (first + visible + OVERSCAN).min(total);
    let tab_target = props
        .active
        .map_or((from.max(first), 1), |a| (a.index, a.cell.col));
    let rows = (from..to).map(|index| {
        let top = format!("top:{}px", index * ROW_H);
        let Some(row) = row_at(index) else {
            return html! {
                <div class="grid-row is-loading" role="row" style={top} key={format!("l{index}")}>
                    <div class="row-num">{ "…" }</div>
                    <div class="cell loading">{ Text::LoadingRows.get(lang) }</div>
                </div>
            };
        };
        let mark_of = |col: u32| row.marks.iter().find(|m| m.col == col);
        let row_mark = mark_of(0);
        let row_sev = row
            .marks
            .iter()
            .map(|m| m.severity)
            .min()
            .map(sev_class);
        let row_title = row_mark.map(|m| {
            m.findings
                .iter()
                .map(|f| format!("{} {}", f.code, lang.msg(&f.message)))
                .collect::<Vec<_>>()
                .join("\n")
        });
        let is_active_row = props.active.is_some_and(|a| a.index == index);
        let cells = props.columns.iter().enumerate().map(|(c, head)| {
            let col = c as u32 + 1;
            let value = row.cells.get(c).map_or("", String::as_str);
            let mark = mark_of(col);
            let active = props.active.is_some_and(|a| a.index == index && a.cell.col == col);
            let tabindex = if (index, col) == tab_target { "0" } else { "-1" };
            let title = match mark {
                Some(m) => Some(
                    m.findings
                        .iter()
                        .map(|f| format!("{} {}", f.code, lang.msg(&f.message)))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                None if value.chars().count() > 12 => Some(value.to_owned()),
                None => None,
            };
            let class = classes!(
                "cell",
                mark.map(|m| sev_class(m.severity)),
                active.then_some("is-active"),
                match head.kind {
                    ColKind::Ignored => Some("is-ignored"),
                    ColKind::Detail => Some("is-detail"),
                    ColKind::Field => None,
                }
            );
            let editing_here = editing
                .as_ref()
                .is_some_and(|(a, _)| a.index == index && a.cell.col == col);
            let content = if editing_here {
                let initial = editing.as_ref().map(|(_, v)| v.clone()).unwrap_or_default();
                html! {
                    <input
                        ref={editor.clone()}
                        class="cell-editor"
                        type="text"
                        value={initial}
                        aria-label={format!("{} {}{}", Text::EditLabel.get(lang), head.letter, row.row)}
                        onkeydown={editor_keydown.clone()}
                        oninput={editor_input.clone()}
                        onblur={editor_blur.clone()}
                    />
                }
            } else {
                html! { { value.to_owned() } }
            };
            html! {
                <div
                    role="gridcell"
                    id={cell_id(index, col)}
                    {class}
                    style={format!("width:{}px", head.width)}
                    {tabindex}
                    {title}
                    aria-selected={active.then_some("true")}
                    aria-invalid={mark.filter(|m| m.severity == Sev::Error).map(|_| "true")}
                    data-i={index.to_string()}
                    data-r={row.row.to_string()}
                    data-c={col.to_string()}
                >
                    { content }
                </div>
            }
        });
        html! {
            <div
                class={classes!("grid-row", is_active_row.then_some("is-active-row"), row.blank.then_some("is-blank"))}
                role="row"
                aria-rowindex={row.row.to_string()}
                style={top}
                key={format!("r{}", row.row)}
            >
                <div
                    role="rowheader"
                    class={classes!("row-num", row_sev)}
                    title={row_title}
                    data-i={index.to_string()}
                    data-r={row.row.to_string()}
                    data-c="0"
                >
                    { row.row }
                </div>
                { for cells }
            </div>
        }
    });

    let width: u32 = ROWNUM_W + props.columns.iter().map(|c| c.width).sum::<u32>();
    let heads = props.columns.iter().map(|c| {
        let class = classes!(
            "col-head",
            match c.kind {
                ColKind::Ignored => Some("is-ignored"),
                ColKind::Detail => Some("is-detail"),
                ColKind::Field => None,
            }
        );
        html! {
            <div role="columnheader" {class} style={format!("width:{}px", c.width)} title={format!("{} {} → {}", c.letter, c.header, c.target)}>
                <span class="col-letter">{ c.letter.clone() }</span>
                <span class="col-name">{ c.header.clone() }</span>
                <span class="col-target">{ c.target.clone() }</span>
            </div>
        }
    });

    html! {
        <div
            id="grid"
            class="grid"
            role="grid"
            aria-label={Text::GridLabel.get(lang)}
            aria-rowcount={(total + 1).to_string()}
            aria-colcount={(ncols + 1).to_string()}
            ref={viewport}
            {onscroll}
            {onclick}
            {ondblclick}
            {onfocusin}
            {onkeydown}
        >
            <div class="grid-canvas" style={format!("width:{width}px;height:{}px", HEAD_H + total * ROW_H)}>
                <div class="grid-head" role="row" aria-rowindex="1">
                    <div role="columnheader" class="row-num corner">{ Text::RowHeader.get(lang) }</div>
                    { for heads }
                </div>
                <div class="grid-body" style={format!("height:{}px", total * ROW_H)}>
                    { for rows }
                </div>
                if total == 0 {
                    <p class="grid-empty">{ Text::NoRows.get(lang) }</p>
                }
            </div>
        </div>
    }
}
