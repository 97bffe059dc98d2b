//! Conformance and fixture tests live in `tests/`.
