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

use crate::protocol::{BlockEdit, CellRef, GridRow, Sev, Window};
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
    /// Ctrl+Z: undo the last change.
    #[prop_or_default]
    pub on_undo: Callback<()>,
    /// Ctrl+Y: redo the last change undone.
    #[prop_or_default]
    pub on_redo: Callback<()>,
    /// Ctrl+V: cells copied from Excel, pasted with their top-left corner at this cell.
    #[prop_or_default]
    pub on_paste: Callback<(CellRef, String)>,
    /// Delete, Ctrl+D or Ctrl+V of one value on a selected range: its cells set at once.
    #[prop_or_default]
    pub on_cells: Callback<(Vec<(CellRef, String)>, BlockEdit)>,
    /// Ctrl+C of a range reaching beyond the rows loaded.
    #[prop_or_default]
    pub on_range_too_large: Callback<()>,
}

/// The selected range (Shift+arrows, Shift+click): view indices `top..=bottom`, columns
/// `left..=right` (1-based); one cell when nothing was extended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Range {
    top: u32,
    bottom: u32,
    left: u32,
    right: u32,
}

impl Range {
    /// The range between the anchor (where Shift-selection began) and the active cell.
    fn of(anchor: Option<Active>, active: Active) -> Self {
        let a = anchor.unwrap_or(active);
        let (ca, cb) = (a.cell.col.max(1), active.cell.col.max(1));
        Self {
            top: a.index.min(active.index),
            bottom: a.index.max(active.index),
            left: ca.min(cb),
            right: ca.max(cb),
        }
    }

    fn contains(&self, index: u32, col: u32) -> bool {
        (self.top..=self.bottom).contains(&index) && (self.left..=self.right).contains(&col)
    }

    fn is_cell(&self) -> bool {
        self.top == self.bottom && self.left == self.right
    }

    /// The range's rows, when every one of them is loaded.
    fn rows<'w>(&self, window: &'w Window) -> Option<Vec<&'w GridRow>> {
        (self.top..=self.bottom)
            .map(|i| GridUi::row_at(window, i))
            .collect()
    }

    /// The values of `row` in the range's columns.
    fn values<'r>(&self, row: &'r GridRow) -> Vec<&'r str> {
        (self.left..=self.right)
            .map(|c| row.cells.get(c as usize - 1).map_or("", String::as_str))
            .collect()
    }
}

/// The cell edits that give the data rows of `rows` the values `value(col)` (columns of
/// `range`), leaving out cells that already hold it.
fn block_edits<'r>(
    range: &Range,
    rows: impl IntoIterator<Item = &'r GridRow>,
    value: impl Fn(u32) -> Option<String>,
) -> Vec<(CellRef, String)> {
    let mut edits = Vec::new();
    for row in rows.into_iter().filter(|r| r.row > 0) {
        for col in range.left..=range.right {
            let Some(v) = value(col) else {
                continue;
            };
            let now = row.cells.get(col as usize - 1).map_or("", String::as_str);
            if now != v {
                edits.push((CellRef { row: row.row, col }, v));
            }
        }
    }
    edits
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

/// Where a key moves the focus in the grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Nav {
    /// To (view index, column).
    To(u32, u32),
    /// Start editing the focused cell.
    Edit,
}

/// What `key` does from (`index`, `col`) in a view of `total` rows and `ncols` columns, with
/// `page` rows per page.
fn navigate(
    key: &str,
    ctrl: bool,
    (index, col): (u32, u32),
    total: u32,
    ncols: u32,
    page: u32,
) -> Option<Nav> {
    let last = total.saturating_sub(1);
    let to = match key {
        "ArrowDown" => (index.saturating_add(1).min(last), col),
        "ArrowUp" => (index.saturating_sub(1), col),
        "PageDown" => (index.saturating_add(page).min(last), col),
        "PageUp" => (index.saturating_sub(page), col),
        "ArrowRight" => (index, (col + 1).min(ncols)),
        "ArrowLeft" => (index, col.saturating_sub(1).max(1)),
        "Home" if ctrl => (0, 1),
        "End" if ctrl => (last, ncols),
        "Home" => (index, 1),
        "End" => (index, ncols),
        "Enter" | "F2" => return Some(Nav::Edit),
        _ => return None,
    };
    Some(Nav::To(to.0, to.1))
}

/// An Excel key on a cell that is not being edited.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Excel {
    /// A printable key: start editing, replacing the value with it.
    Type(String),
    /// Delete / Backspace: clear the cell.
    Clear,
    /// Ctrl+Z.
    Undo,
    /// Ctrl+Y.
    Redo,
    /// Ctrl+D: the value of the cell above.
    FillDown,
    /// Tab: the next cell to the right.
    Right,
}

/// What an Excel key does (`None`: not one of them).
fn excel_key(key: &str, ctrl: bool, alt: bool, shift: bool) -> Option<Excel> {
    match key {
        "Delete" | "Backspace" if !ctrl && !alt => Some(Excel::Clear),
        "z" | "Z" if ctrl && !alt => Some(Excel::Undo),
        "y" | "Y" if ctrl && !alt => Some(Excel::Redo),
        "d" | "D" if ctrl && !alt => Some(Excel::FillDown),
        "Tab" if !ctrl && !alt && !shift => Some(Excel::Right),
        k if !ctrl && !alt && k.chars().count() == 1 && !k.chars().all(char::is_control) => {
            Some(Excel::Type(k.to_owned()))
        }
        _ => None,
    }
}

/// Ctrl+D on `range`: its top row copied into the rows below it, or, for a one-row range, the
/// row above copied into it (as Excel does). `None`: a row needed is not loaded.
fn fill_down(range: &Range, window: &Window) -> Option<Vec<(CellRef, String)>> {
    let (source, targets) = if range.top == range.bottom {
        let above = GridUi::row_at(window, range.top.checked_sub(1)?)?;
        (above, vec![GridUi::row_at(window, range.top)?])
    } else {
        let rows = range.rows(window)?;
        (rows[0], rows[1..].to_vec())
    };
    let values = range.values(source);
    Some(block_edits(range, targets, |col| {
        values
            .get((col - range.left) as usize)
            .map(|v| (*v).to_owned())
    }))
}

/// Scrolls the viewport so that view index `index` is on screen.
fn keep_on_screen(viewport: &NodeRef, index: u32, (first, visible): (u32, u32)) {
    if let Some(el) = viewport.cast::<Element>() {
        if index < first {
            el.set_scroll_top(i32::try_from(index * ROW_H).unwrap_or(i32::MAX));
        } else if index >= first + visible {
            let top = (index + 1).saturating_sub(visible) * ROW_H;
            el.set_scroll_top(i32::try_from(top).unwrap_or(i32::MAX));
        }
    }
}

/// The grid's own UI state: what is on screen, the cell being edited, where the focus goes.
#[derive(Clone)]
struct GridUi {
    viewport: NodeRef,
    /// The active cell's text box: invisible while the cell is only selected, so that what
    /// the clerk types — with the IME on too — lands in it; shown once she types (or presses
    /// F2, Enter, or double-clicks).
    editor: NodeRef,
    /// Visible rows: (first, count).
    view: UseStateHandle<(u32, u32)>,
    /// The cell being edited, for drawing.
    editing: UseStateHandle<Option<Active>>,
    /// The same, changed at once: events can arrive before the next render.
    live: Rc<std::cell::RefCell<Option<Active>>>,
    /// The cell's value when editing began (what an edit is compared with).
    before: Rc<std::cell::RefCell<String>>,
    /// Whether the user typed in the editor (an <input> drops line breaks from the value it
    /// was given, so an untouched multi-line value must not count as an edit).
    dirty: Rc<std::cell::RefCell<bool>>,
    pending_focus: Rc<std::cell::RefCell<bool>>,
    /// What to put into the editor once it is drawn: (text, select it all). F2 and Enter give
    /// the cell's value, selected; a key typed while the cell itself had the focus gives what
    /// was typed (later keys are added until the editor has the focus).
    fill: Rc<std::cell::RefCell<Option<(String, bool)>>>,
    /// Shift-selection: (the cell it began at, the active cell it was extended to). Stale once
    /// the active cell moved otherwise (a click, a jump, Enter after an edit).
    anchor: UseStateHandle<Option<(Active, Active)>>,
}

impl GridUi {
    /// The selected range around the active cell `active`.
    fn range(&self, active: Active) -> Range {
        let anchor = (*self.anchor)
            .filter(|(_, to)| *to == active)
            .map(|(from, _)| from);
        Range::of(anchor, active)
    }

    fn row_at(window: &Window, index: u32) -> Option<&GridRow> {
        index
            .checked_sub(window.start)
            .and_then(|k| window.rows.get(k as usize))
    }

    /// The value of the cell `active`, when it is a data cell on screen.
    fn value_at(window: &Window, active: Active) -> Option<String> {
        let row = Self::row_at(window, active.index)?;
        if active.cell.col == 0 || row.row == 0 {
            return None;
        }
        Some(
            row.cells
                .get(active.cell.col as usize - 1)
                .cloned()
                .unwrap_or_default(),
        )
    }

    /// Starts editing the active cell. `fill`: what to put into the editor once it is drawn
    /// (see [`GridUi::fill`]); `None`: the clerk is typing into it already.
    fn start_edit(&self, window: &Window, active: Active, fill: Option<(String, bool)>) {
        let Some(before) = Self::value_at(window, active) else {
            return;
        };
        // Typed text replaces the value (Excel); F2 shows it unchanged.
        *self.dirty.borrow_mut() = !fill.as_ref().is_some_and(|(_, select)| *select);
        *self.fill.borrow_mut() = fill;
        *self.before.borrow_mut() = before;
        *self.live.borrow_mut() = Some(active);
        *self.pending_focus.borrow_mut() = true;
        self.editing.set(Some(active));
    }

    /// F2, Enter, double-click: edits the cell's value as it is, selected.
    fn edit_value(&self, window: &Window, active: Active) {
        if let Some(value) = Self::value_at(window, active) {
            self.start_edit(window, active, Some((value, true)));
        }
    }

    /// Ends the edit: `value`, when it differs from the cell's, is the new value (`None`:
    /// cancelled). A second call (Enter, then the blur it causes) does nothing.
    fn finish_edit(&self, value: Option<String>, on_edit: &Callback<(CellRef, String)>) {
        let Some(a) = self.live.borrow_mut().take() else {
            return;
        };
        if let Some(value) = value
            && *self.dirty.borrow()
            && *self.before.borrow() != value
        {
            on_edit.emit((a.cell, value));
        }
        *self.fill.borrow_mut() = None;
        *self.pending_focus.borrow_mut() = true;
        self.editing.set(None);
    }
}

#[hook]
fn use_grid_ui() -> GridUi {
    GridUi {
        viewport: use_node_ref(),
        editor: use_node_ref(),
        view: use_state(|| (0u32, 16u32)),
        editing: use_state(|| None::<Active>),
        live: use_mut_ref(|| None),
        before: use_mut_ref(String::new),
        dirty: use_mut_ref(|| false),
        pending_focus: use_mut_ref(|| false),
        fill: use_mut_ref(|| None),
        anchor: use_state(|| None),
    }
}

/// Keeps the grid in step with its props: measures the viewport, returns to the top on a new
/// filter, asks for rows that are not loaded, scrolls to jumps and moves the focus.
#[hook]
fn use_grid_sync(ui: &GridUi, props: &GridProps) {
    {
        let (viewport, view) = (ui.viewport.clone(), ui.view.clone());
        use_effect_with((), move |()| {
            if let Some(el) = viewport.cast::<Element>() {
                view.set(visible_rows(&el));
            }
        });
    }
    {
        let (viewport, view) = (ui.viewport.clone(), ui.view.clone());
        use_effect_with(props.window.filter.clone(), move |_| {
            if let Some(el) = viewport.cast::<Element>() {
                el.set_scroll_top(0);
                view.set(visible_rows(&el));
            }
        });
    }
    {
        let on_need = props.on_need.clone();
        let key = (*ui.view, Rc::as_ptr(&props.window) as usize);
        use_effect_with(key, move |&((first, visible), _)| {
            on_need.emit((first, visible));
        });
    }
    {
        let (viewport, pending_focus, active) =
            (ui.viewport.clone(), ui.pending_focus.clone(), props.active);
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
    // After every render: move the focus where it was asked to go — to the active cell's text
    // box, which is drawn only when the cell is on screen.
    let (ui, active) = (ui.clone(), props.active);
    use_effect(move || {
        if let Some(input) = ui.editor.cast::<HtmlInputElement>() {
            if *ui.pending_focus.borrow() {
                let _ = input.focus();
                *ui.pending_focus.borrow_mut() = false;
            }
            if let Some((text, select)) = ui.fill.borrow_mut().take() {
                input.set_value(&text);
                if select {
                    input.select();
                }
            } else if ui.live.borrow().is_none() && !input.value().is_empty() {
                // An edit ended (Esc, or confirmed in place): the box is empty again.
                input.set_value("");
            }
        } else if *ui.pending_focus.borrow()
            && let Some(a) = active
            && let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&cell_id(a.index, a.cell.col)))
                .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        {
            let _ = el.focus();
            *ui.pending_focus.borrow_mut() = false;
        }
    });
}

/// The grid's event handlers (delegated: one per event for the whole grid).
struct Handlers {
    onscroll: Callback<Event>,
    onclick: Callback<MouseEvent>,
    ondblclick: Callback<MouseEvent>,
    onfocusin: Callback<FocusEvent>,
    onkeydown: Callback<KeyboardEvent>,
    oncopy: Callback<Event>,
    onpaste: Callback<Event>,
}

fn active_at(target: Option<web_sys::EventTarget>) -> Option<Active> {
    cell_at(target).map(|(index, row, col)| Active {
        index,
        cell: CellRef { row, col },
    })
}

fn handlers(ui: &GridUi, props: &GridProps) -> Handlers {
    // Moving the active cell ends a Shift-selection; `extend` moves it keeping the range's
    // other corner where the selection began.
    let activate = {
        let (on_activate, pending_focus) = (props.on_activate.clone(), ui.pending_focus.clone());
        move |active: Active| {
            *pending_focus.borrow_mut() = true;
            on_activate.emit(active);
        }
    };
    let extend = {
        let (ui, activate, current) = (ui.clone(), activate.clone(), props.active);
        move |to: Active| {
            if let Some(from) = current {
                let begin = (*ui.anchor)
                    .filter(|(_, at)| *at == from)
                    .map_or(from, |(begin, _)| begin);
                ui.anchor.set(Some((begin, to)));
            }
            activate(to);
        }
    };
    let onscroll = {
        let (viewport, view) = (ui.viewport.clone(), ui.view.clone());
        Callback::from(move |_: Event| {
            if let Some(el) = viewport.cast::<Element>() {
                let now = visible_rows(&el);
                if now != *view {
                    view.set(now);
                }
            }
        })
    };
    let onclick = {
        let (activate, extend) = (activate.clone(), extend.clone());
        Callback::from(move |e: MouseEvent| {
            if let Some(a) = active_at(e.target()) {
                if e.shift_key() && a.cell.col > 0 {
                    extend(a);
                } else {
                    activate(a);
                }
            }
        })
    };
    let ondblclick = {
        let (ui, window) = (ui.clone(), props.window.clone());
        Callback::from(move |e: MouseEvent| {
            if let Some(a) = active_at(e.target()) {
                ui.edit_value(&window, a);
            }
        })
    };
    let onfocusin = {
        let (on_activate, current) = (props.on_activate.clone(), props.active);
        let pending_focus = ui.pending_focus.clone();
        Callback::from(move |e: FocusEvent| {
            if let Some(a) = active_at(e.target())
                && current != Some(a)
            {
                // A cell reached by Tab: once drawn as the active cell, its text box takes the
                // focus (else typing with the IME on would go nowhere).
                *pending_focus.borrow_mut() = true;
                on_activate.emit(a);
            }
        })
    };
    // Ctrl+C copies the selected range as Excel does (tab-separated rows); Ctrl+V pastes a
    // block copied from Excel at the range's top-left cell, or one value into every cell of
    // the range — not while a cell is being edited, where the browser's own copy and paste
    // apply.
    let oncopy = {
        let (ui, window, active) = (ui.clone(), props.window.clone(), props.active);
        let too_large = props.on_range_too_large.clone();
        Callback::from(move |e: Event| {
            let Some(a) = active.filter(|_| ui.live.borrow().is_none()) else {
                return;
            };
            let e: web_sys::ClipboardEvent = e.unchecked_into();
            e.prevent_default();
            let range = ui.range(a);
            let Some(rows) = range.rows(&window) else {
                too_large.emit(());
                return;
            };
            let block: Vec<Vec<&str>> = rows.iter().map(|r| range.values(r)).collect();
            let text = if range.is_cell() {
                // One cell: its value alone, as Excel's cell text (no line break after it).
                block[0][0].to_owned()
            } else {
                crate::clipboard::to_text(&block)
            };
            if let Some(data) = e.clipboard_data() {
                let _ = data.set_data("text/plain", &text);
            }
        })
    };
    let onpaste = {
        let (ui, window, active) = (ui.clone(), props.window.clone(), props.active);
        let (on_paste, on_cells) = (props.on_paste.clone(), props.on_cells.clone());
        Callback::from(move |e: Event| {
            let Some(a) = active.filter(|a| ui.live.borrow().is_none() && a.cell.row > 0) else {
                return;
            };
            let e: web_sys::ClipboardEvent = e.unchecked_into();
            let text = e
                .clipboard_data()
                .and_then(|d| d.get_data("text/plain").ok())
                .unwrap_or_default();
            if text.is_empty() {
                return;
            }
            e.prevent_default();
            let range = ui.range(a);
            let cells = crate::clipboard::from_text(&text);
            if let ([one], false) = (cells.as_slice(), range.is_cell())
                && let [value] = one.as_slice()
                && let Some(rows) = range.rows(&window)
            {
                let edits = block_edits(&range, rows, |_| Some(value.clone()));
                if !edits.is_empty() {
                    on_cells.emit((edits, BlockEdit::Fill));
                }
                return;
            }
            let top = GridUi::row_at(&window, range.top).map_or(a.cell.row, |r| r.row);
            on_paste.emit((
                CellRef {
                    row: top,
                    col: range.left,
                },
                text,
            ));
        })
    };
    let onkeydown = {
        let (ui, window, active) = (ui.clone(), props.window.clone(), props.active);
        let (on_edit, on_undo) = (props.on_edit.clone(), props.on_undo.clone());
        let (on_redo, on_cells) = (props.on_redo.clone(), props.on_cells.clone());
        let too_large = props.on_range_too_large.clone();
        let ncols = u32::try_from(props.columns.len()).unwrap_or(0).max(1);
        Callback::from(move |e: KeyboardEvent| {
            let total = window.total;
            // Whether the key went to the active cell's text box (else to a cell itself).
            let in_box = e
                .target()
                .is_some_and(|t| t.dyn_into::<HtmlInputElement>().is_ok());
            // A key typed on a cell that had the focus itself started an edit whose box is not
            // drawn yet: keys typed meanwhile belong to it (else they would be lost).
            if !in_box && let Some((buffer, false)) = ui.fill.borrow_mut().as_mut() {
                if let Some(Excel::Type(text)) = excel_key(
                    &e.key(),
                    e.ctrl_key() || e.meta_key(),
                    e.alt_key(),
                    e.shift_key(),
                ) {
                    e.prevent_default();
                    buffer.push_str(&text);
                }
                return;
            }
            if ui.live.borrow().is_some() || total == 0 {
                return;
            }
            let (first, visible) = *ui.view;
            let a = active.unwrap_or(Active {
                index: first,
                cell: CellRef { row: 0, col: 1 },
            });
            let page = visible.saturating_sub(1).max(1);
            let ctrl = e.ctrl_key() || e.meta_key();
            let from = (a.index, a.cell.col.max(1));
            let key = e.key();
            // Excel habits: typing replaces the cell, Delete clears it, Ctrl+Z undoes, Ctrl+D
            // copies the cell above, Tab moves right (and leaves the grid from the last column).
            match excel_key(&key, ctrl, e.alt_key(), e.shift_key()) {
                Some(Excel::Type(text)) => {
                    // In the text box the character (or the IME's composition) goes into it,
                    // and its input event starts the edit.
                    if !in_box {
                        e.prevent_default();
                        ui.start_edit(&window, a, Some((text, false)));
                    }
                    return;
                }
                Some(Excel::Clear) => {
                    e.prevent_default();
                    let range = ui.range(a);
                    if range.is_cell() {
                        if GridUi::value_at(&window, a).is_some_and(|v| !v.is_empty()) {
                            on_edit.emit((a.cell, String::new()));
                        }
                    } else if let Some(rows) = range.rows(&window) {
                        let edits = block_edits(&range, rows, |_| Some(String::new()));
                        if !edits.is_empty() {
                            on_cells.emit((edits, BlockEdit::Clear));
                        }
                    } else {
                        too_large.emit(());
                    }
                    return;
                }
                Some(Excel::Undo) => {
                    e.prevent_default();
                    on_undo.emit(());
                    return;
                }
                Some(Excel::Redo) => {
                    e.prevent_default();
                    on_redo.emit(());
                    return;
                }
                Some(Excel::FillDown) => {
                    e.prevent_default();
                    match fill_down(&ui.range(a), &window) {
                        Some(edits) if !edits.is_empty() => {
                            on_cells.emit((edits, BlockEdit::FillDown));
                        }
                        Some(_) => {}
                        None if a.index == 0 => {}
                        None => too_large.emit(()),
                    }
                    return;
                }
                Some(Excel::Right) if a.cell.col < ncols => {
                    e.prevent_default();
                    let row = GridUi::row_at(&window, a.index).map_or(0, |g| g.row);
                    activate(Active {
                        index: a.index,
                        cell: CellRef {
                            row,
                            col: a.cell.col + 1,
                        },
                    });
                    return;
                }
                _ => {}
            }
            match navigate(&key, ctrl, from, total, ncols, page) {
                None => {}
                Some(Nav::Edit) => {
                    e.prevent_default();
                    ui.edit_value(&window, a);
                }
                Some(Nav::To(index, col)) => {
                    e.prevent_default();
                    keep_on_screen(&ui.viewport, index, (first, visible));
                    let row = GridUi::row_at(&window, index).map_or(0, |g| g.row);
                    let to = Active {
                        index,
                        cell: CellRef { row, col },
                    };
                    // Shift+arrows (and Shift+Ctrl+Home/End …) extend the selected range.
                    if e.shift_key() && active.is_some() {
                        extend(to);
                    } else {
                        activate(to);
                    }
                }
            }
        })
    };
    Handlers {
        onscroll,
        onclick,
        ondblclick,
        onfocusin,
        onkeydown,
        oncopy,
        onpaste,
    }
}

/// The in-place editor's handlers: Enter confirms, Esc cancels, leaving the cell confirms.
#[derive(Clone)]
struct EditorHandlers {
    keydown: Callback<KeyboardEvent>,
    input: Callback<InputEvent>,
    blur: Callback<FocusEvent>,
}

fn editor_handlers(ui: &GridUi, props: &GridProps) -> EditorHandlers {
    let on_edit = &props.on_edit;
    let keydown = {
        let (ui, on_edit) = (ui.clone(), on_edit.clone());
        let (window, on_activate) = (props.window.clone(), props.on_activate.clone());
        let ncols = u32::try_from(props.columns.len()).unwrap_or(0).max(1);
        Callback::from(move |e: KeyboardEvent| {
            // A cell only selected: its keys are the grid's.
            if ui.live.borrow().is_none() {
                return;
            }
            e.stop_propagation();
            // Enter and Esc while the IME converts belong to the IME.
            if e.is_composing() || e.key_code() == 229 {
                return;
            }
            let input: HtmlInputElement = e.target_unchecked_into();
            let key = e.key();
            match key.as_str() {
                // Excel: Enter confirms and moves down, Tab confirms and moves right.
                "Enter" | "Tab" if !e.shift_key() => {
                    e.prevent_default();
                    let at = *ui.live.borrow();
                    ui.finish_edit(Some(input.value()), &on_edit);
                    if let Some(a) = at {
                        let (index, col) = if key == "Enter" {
                            (
                                (a.index + 1).min(window.total.saturating_sub(1)),
                                a.cell.col,
                            )
                        } else {
                            (a.index, (a.cell.col + 1).min(ncols))
                        };
                        let row = GridUi::row_at(&window, index).map_or(a.cell.row, |g| g.row);
                        *ui.pending_focus.borrow_mut() = true;
                        on_activate.emit(Active {
                            index,
                            cell: CellRef { row, col },
                        });
                    }
                }
                "Escape" => {
                    e.prevent_default();
                    ui.finish_edit(None, &on_edit);
                }
                _ => {}
            }
        })
    };
    // The clerk typed into the selected cell's box (with the IME on too: the first input event
    // comes with the composition's first character): the edit starts with what she typed.
    let input = {
        let (ui, window, active) = (ui.clone(), props.window.clone(), props.active);
        Callback::from(move |_: InputEvent| {
            if ui.live.borrow().is_none()
                && let Some(a) = active
            {
                ui.start_edit(&window, a, None);
            }
            *ui.dirty.borrow_mut() = true;
        })
    };
    let blur = {
        let (ui, on_edit) = (ui.clone(), on_edit.clone());
        Callback::from(move |e: FocusEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            ui.finish_edit(Some(input.value()), &on_edit);
        })
    };
    EditorHandlers {
        keydown,
        input,
        blur,
    }
}

/// What every row needs to draw itself.
struct RowCtx<'a> {
    lang: Lang,
    columns: &'a [ColumnHead],
    active: Option<Active>,
    /// The selected range, when it is more than the active cell.
    range: Option<Range>,
    /// The one cell in the tab order: (view index, column).
    tab_target: (u32, u32),
    editing: Option<Active>,
    editor: &'a NodeRef,
    editor_handlers: &'a EditorHandlers,
}

fn kind_class(kind: ColKind) -> Option<&'static str> {
    match kind {
        ColKind::Ignored => Some("is-ignored"),
        ColKind::Detail => Some("is-detail"),
        ColKind::Field => None,
    }
}

/// The findings of a mark as a tooltip: one `CODE message` per line.
fn findings_title(lang: Lang, mark: &crate::protocol::Mark) -> String {
    mark.findings
        .iter()
        .map(|f| format!("{} {}", f.code, lang.msg(&f.message)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn loading_row(lang: Lang, index: u32) -> Html {
    html! {
        <div class="grid-row is-loading" role="row" style={format!("top:{}px", index * ROW_H)} key={format!("l{index}")}>
            <div class="row-num">{ "…" }</div>
            <div class="cell loading">{ Text::LoadingRows.get(lang) }</div>
        </div>
    }
}

fn row_html(cx: &RowCtx<'_>, index: u32, row: &GridRow) -> Html {
    let row_sev = row.marks.iter().map(|m| m.severity).min().map(sev_class);
    let row_title = row
        .marks
        .iter()
        .find(|m| m.col == 0)
        .map(|m| findings_title(cx.lang, m));
    let is_active_row = cx.active.is_some_and(|a| a.index == index);
    let cells = cx
        .columns
        .iter()
        .enumerate()
        .map(|(c, head)| cell_html(cx, index, row, c as u32 + 1, head));
    html! {
        <div
            class={classes!("grid-row", is_active_row.then_some("is-active-row"), row.blank.then_some("is-blank"))}
            role="row"
            aria-rowindex={row.row.to_string()}
            style={format!("top:{}px", index * ROW_H)}
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
}

fn cell_html(cx: &RowCtx<'_>, index: u32, row: &GridRow, col: u32, head: &ColumnHead) -> Html {
    let lang = cx.lang;
    let value = row.cells.get(col as usize - 1).map_or("", String::as_str);
    let mark = row.marks.iter().find(|m| m.col == col);
    let active = cx
        .active
        .is_some_and(|a| a.index == index && a.cell.col == col);
    let selected = active || cx.range.is_some_and(|r| r.contains(index, col));
    let tabindex = if (index, col) == cx.tab_target && !(active && row.row > 0) {
        "0"
    } else {
        "-1"
    };
    let title = match mark {
        Some(m) => Some(findings_title(lang, m)),
        None if value.chars().count() > 12 => Some(value.to_owned()),
        None => None,
    };
    let class = classes!(
        "cell",
        mark.map(|m| sev_class(m.severity)),
        active.then_some("is-active"),
        (selected && !active).then_some("is-selected"),
        kind_class(head.kind)
    );
    let editing = cx
        .editing
        .is_some_and(|a| a.index == index && a.cell.col == col);
    // The active data cell holds its text box: the same element while it is only selected
    // (invisible, taking what is typed) and while it is edited, so that an IME composition
    // begun in it goes on undisturbed. It has no `value` attribute: its text is set only by
    // the effect (F2) or by the clerk.
    let content = if active && row.row > 0 {
        html! {
            <>
                <span class={classes!("cell-text", editing.then_some("is-hidden"))}>{ value.to_owned() }</span>
                <input
                    ref={cx.editor.clone()}
                    id="cell-editor"
                    class={if editing { "cell-editor" } else { "cell-catcher" }}
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    aria-label={format!("{} {}{}", Text::EditLabel.get(lang), head.letter, row.row)}
                    onkeydown={cx.editor_handlers.keydown.clone()}
                    oninput={cx.editor_handlers.input.clone()}
                    onblur={cx.editor_handlers.blur.clone()}
                />
            </>
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
            aria-selected={selected.then_some("true")}
            aria-invalid={mark.filter(|m| m.severity == Sev::Error).map(|_| "true")}
            data-i={index.to_string()}
            data-r={row.row.to_string()}
            data-c={col.to_string()}
        >
            { content }
        </div>
    }
}

fn column_head(c: &ColumnHead) -> Html {
    let class = classes!("col-head", kind_class(c.kind));
    html! {
        <div role="columnheader" {class} style={format!("width:{}px", c.width)} title={format!("{} {} → {}", c.letter, c.header, c.target)}>
            <span class="col-letter">{ c.letter.clone() }</span>
            <span class="col-name">{ c.header.clone() }</span>
            <span class="col-target">{ c.target.clone() }</span>
        </div>
    }
}

/// The grid.
#[component(Grid)]
pub fn grid(props: &GridProps) -> Html {
    let lang = props.lang;
    let ui = use_grid_ui();
    use_grid_sync(&ui, props);
    let Handlers {
        onscroll,
        onclick,
        ondblclick,
        onfocusin,
        onkeydown,
        oncopy,
        onpaste,
    } = handlers(&ui, props);
    let editor_handlers = editor_handlers(&ui, props);
    let window = &props.window;
    let total = window.total;
    let ncols = u32::try_from(props.columns.len()).unwrap_or(0).max(1);

    // Rows to render.
    let (first, visible) = *ui.view;
    let from = first.saturating_sub(OVERSCAN);
    let to = (first + visible + OVERSCAN).min(total);
    let cx = RowCtx {
        lang,
        columns: &props.columns,
        active: props.active,
        range: props.active.map(|a| ui.range(a)).filter(|r| !r.is_cell()),
        tab_target: props
            .active
            .map_or((from.max(first), 1), |a| (a.index, a.cell.col)),
        editing: *ui.editing,
        editor: &ui.editor,
        editor_handlers: &editor_handlers,
    };
    let rows = (from..to).map(|index| match GridUi::row_at(window, index) {
        Some(row) => row_html(&cx, index, row),
        None => loading_row(lang, index),
    });
    let width: u32 = ROWNUM_W + props.columns.iter().map(|c| c.width).sum::<u32>();

    html! {
        <div
            id="grid"
            class="grid"
            role="grid"
            aria-label={Text::GridLabel.get(lang)}
            aria-rowcount={(total + 1).to_string()}
            aria-colcount={(ncols + 1).to_string()}
            // Without rows no cell takes the focus: the grid itself does, so that a keyboard can
            // scroll its wide header (axe: scrollable-region-focusable).
            tabindex={(total == 0).then_some("0")}
            ref={ui.viewport.clone()}
            {onscroll}
            {onclick}
            {ondblclick}
            {onfocusin}
            {onkeydown}
            {oncopy}
            {onpaste}
        >
            <div class="grid-canvas" style={format!("width:{width}px;height:{}px", HEAD_H + total * ROW_H)}>
                <div class="grid-head" role="row" aria-rowindex="1">
                    <div role="columnheader" class="row-num corner">{ Text::RowHeader.get(lang) }</div>
                    { for props.columns.iter().map(column_head) }
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
