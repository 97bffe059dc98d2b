//! Japanese public-data rules: check digits, code tables, dates, characters.
//!
//! Pure functions over `&str`; no knowledge of layouts or diagnostics. The validator wires
//! them to fields through the layout data.

pub mod chars;
pub mod checkdigit;
pub mod date;
pub mod tables;
