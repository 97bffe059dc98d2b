#!/usr/bin/env bash
# Builds dist/pmh-csv-builder.html and runs the browser end-to-end tests in tests/e2e
# (npm ci, then node --test). Same as `cargo xtask e2e`.
#
# Needs: rustup target wasm32-unknown-unknown; the wasm-bindgen CLI at the version pinned in
# web/Cargo.toml (xtask prints the install command if it is missing); Debian packages
# chromium, nodejs (>= 20) and npm. Respects CARGO_TARGET_DIR; CHROMIUM overrides the browser.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec cargo xtask e2e "$@"
