//! Stage 1, bytes → records: encoding detection and strict decoding ([`decode`]), CSV records
//! with their physical lines ([`reader`]), hashing and batching ([`front`]), the in-memory
//! table of a page that re-checks rows ([`records`]), whether a record looks like data rather
//! than a header row ([`header_row`]), the raw character walk that redaction
//! rewrites ([`lex`]), and `.xlsx` workbooks turned into the same CSV text ([`xlsx`]).

pub(crate) mod decode;
pub(crate) mod front;
pub(crate) mod hash;
pub mod header_row;
pub(crate) mod lex;
pub(crate) mod reader;
pub mod records;
pub mod xlsx;
