//! Whole-file tools built on the checker: 差分履歴 from two 全件 snapshots ([`diff`]) and
//! help-desk copies without personal data ([`redact`]).

pub mod diff;
pub mod redact;
pub(crate) mod rng;
