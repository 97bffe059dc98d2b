//! Japanese public-data rules: check digits, code tables, dates, characters.
//!
//! Pure functions over `&str`; no knowledge of layouts or diagnostics. The validator wires
//! them to fields through the layout data.

pub(crate) mod chars;
pub(crate) mod checkdigit;
pub(crate) mod date;
pub(crate) mod tables;
