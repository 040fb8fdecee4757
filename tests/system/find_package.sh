#!/usr/bin/env bash
# Packaging: install the build tree into a temporary prefix, then configure, build and run a
# downstream project that uses find_package(rulegap) and links rulegap::rulegap.
set -u
BIN=$1; REPO=$2
BUILD=$(dirname "$BIN")
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
cmake --install "$BUILD" --prefix "$TMP/prefix" >"$TMP/install.log" 2>&1 || { cat "$TMP/install.log"; echo "FAIL: install"; exit 1; }
cmake -S "$REPO/tests/package/consumer" -B "$TMP/build" -DCMAKE_PREFIX_PATH="$TMP/prefix" >"$TMP/cfg.log" 2>&1 \
  || { cat "$TMP/cfg.log"; echo "FAIL: configure consumer"; exit 1; }
cmake --build "$TMP/build" >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log"; echo "FAIL: build consumer"; exit 1; }
out=$("$TMP/build/consumer") || { echo "FAIL: consumer exited non-zero: $out"; exit 1; }
[ "$out" = "accept drop" ] || { echo "FAIL: consumer printed '$out'"; exit 1; }
echo "ok: find_package(rulegap) consumer builds and runs ($out)"
