//! Every error sentence, in Japanese and English: the one place where the errors of the
//! layout, mapping and master files ([`ConfigError`]), of workbooks ([`XlsxError`]), of help-desk
//! copies ([`RedactError`]) and of diffs ([`DiffError`], and the notes of [`DiffIssue`](crate::tools::diff::DiffIssue)) become
//! words. Translators review this folder (findings' sentences are in [`message`](super::message)).
//!
//! The error types carry facts only (file, line, column, the value, what was expected); each
//! has one `message(Lang)`. Their `Display` is the Japanese sentence: staff read Japanese
//! first, and the CLI's default `--lang` is `ja`. A caller that knows the user's language calls
//! `message(lang)` instead.

//!
//! By source: [`config`] (layout, mapping and master files), [`xlsx`] (workbooks), [`tools`]
//! (help-desk copies and diffs).

use std::fmt;

use crate::check::master::MasterError;
use crate::input::xlsx::XlsxError;
use crate::layout::{ConfigError, LayoutError, MappingError};
use crate::output::render::Lang;
use crate::tools::diff::DiffError;
use crate::tools::redact::RedactError;

mod config;
mod tools;
mod xlsx;

macro_rules! display_ja {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.message(Lang::Ja))
            }
        }
    )*};
}

display_ja!(
    ConfigError,
    LayoutError,
    MappingError,
    MasterError,
    XlsxError,
    RedactError,
    DiffError
);

/// `ja` or `en`.
fn pick(lang: Lang, ja: &str, en: &str) -> String {
    match lang {
        Lang::Ja => ja.to_owned(),
        Lang::En => en.to_owned(),
    }
}

#[cfg(test)]
mod tests;
