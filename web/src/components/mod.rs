//! The app's view components. They get state and callbacks through props and hold no
//! validation logic.

mod input_panel;
mod lang_toggle;
mod results;

pub use input_panel::InputPanel;
pub use lang_toggle::LangToggle;
pub use results::Results;
