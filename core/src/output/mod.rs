//! What leaves the core: reports rendered as text, JSON, CSV, JUnit and GitHub annotations
//! ([`render`]), the upload file in the layout's dialect or as the JSON API body ([`write`](mod@write)),
//! receipts ([`receipt`]) and documentation generated from the data ([`docs`]).

pub mod docs;
pub(crate) mod escape;
pub mod previous;
pub mod receipt;
pub mod render;
pub(crate) mod write;
