#!/usr/bin/env bash
# One-time, idempotent setup of everything the build and the tests need beyond cargo:
# the wasm32 target, the wasm-bindgen CLI pinned in web/Cargo.toml, Debian's Chromium (with a
# Japanese font for readable screenshots); for `cargo xtask dist` the musl and MinGW targets
# with their C tools (musl-tools, gcc-mingw-w64-x86-64) and `file`; with PMH_SETUP_WINE=1 also
# Debian's wine64 for `cargo xtask dist-check`. Node.js >= 20 and npm come with the machine
# image. Each step is skipped when already done, so running it again is cheap.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p; s/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' web/Cargo.toml | head -n1)
: "${WASM_BINDGEN_VERSION:?cannot read the pinned wasm-bindgen version from web/Cargo.toml}"

for target in wasm32-unknown-unknown x86_64-unknown-linux-musl x86_64-pc-windows-gnu; do
  if ! rustup target list --installed | grep -qx "$target"; then
    rustup target add "$target"
  fi
done
rustup component add clippy rustfmt >/dev/null 2>&1 || true

if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  cargo install --locked wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# Debian packages, installed in one apt-get run when any is missing.
packages=()
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi ipa; then
  packages+=(chromium fonts-ipafont-gothic)
fi
command -v musl-gcc >/dev/null 2>&1 || packages+=(musl-tools)
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || packages+=(gcc-mingw-w64-x86-64)
command -v file >/dev/null 2>&1 || packages+=(file)
if [ "${PMH_SETUP_WINE:-0}" = 1 ] && [ ! -x /usr/lib/wine/wine64 ]; then
  packages+=(wine64)
fi
if [ "${#packages[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

command -v node >/dev/null || { echo "setup: Node.js >= 20 and npm are needed for the browser tests" >&2; exit 1; }
echo "setup: ok (wasm-bindgen $WASM_BINDGEN_VERSION, $(chromium --version 2>/dev/null), node $(node --version))"
