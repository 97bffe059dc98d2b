//! The app's view components. They get state and callbacks through props and hold no
//! validation logic.

mod diff_maker;
mod grid;
mod input_panel;
mod lang_toggle;
mod mapping;
mod results;
pub(crate) mod settings;
mod status;

pub use diff_maker::DiffMakerPanel;
pub use input_panel::InputPanel;
pub use lang_toggle::LangToggle;
pub use mapping::MappingPanel;
pub use results::ResultsPanel;
pub use settings::SettingsPanel;
pub use status::StatusBar;
