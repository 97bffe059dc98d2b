//! What a check finds: the code catalogue ([`codes`]: every code's severity, titles, reason,
//! 修正方法 and the function that emits it), one finding ([`diagnostic`]), its sentences in
//! Japanese and English ([`message`]), the sentences of every error ([`error_text`]), and the
//! report of one input ([`report`]).

pub(crate) mod codes;
pub(crate) mod diagnostic;
pub(crate) mod error_text;
pub(crate) mod message;
pub(crate) mod report;
