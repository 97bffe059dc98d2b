#!/usr/bin/env bash
# Runs every test on a fresh machine: setup (idempotent), then `cargo xtask test`
# (native workspace tests, then the browser end-to-end tests in headless Chromium).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
exec cargo xtask test
