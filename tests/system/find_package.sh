#!/usr/bin/env bash
# Packaging: install the build tree into a temporary prefix, then configure, build and run a
# downstream project that uses find_package(rulegap) and links rulegap::rulegap, without setting
# the C++ standard itself (the target carries cxx_std_20); then build the same program with the
# README's plain compiler line, against the same prefix.
set -u
BIN=$1; REPO=$2
BUILD=$(dirname "$BIN")
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
WANT="accept drop accept drop"
cmake --install "$BUILD" --prefix "$TMP/prefix" >"$TMP/install.log" 2>&1 || { cat "$TMP/install.log"; echo "FAIL: install"; exit 1; }
if grep -q 'CMAKE_CXX_STANDARD' "$REPO/tests/package/consumer/CMakeLists.txt"; then
  echo "FAIL: the consumer sets the C++ standard itself; it must come from rulegap::rulegap"; exit 1; fi
cmake -S "$REPO/tests/package/consumer" -B "$TMP/build" -DCMAKE_PREFIX_PATH="$TMP/prefix" >"$TMP/cfg.log" 2>&1 \
  || { cat "$TMP/cfg.log"; echo "FAIL: configure consumer"; exit 1; }
cmake --build "$TMP/build" >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log"; echo "FAIL: build consumer"; exit 1; }
out=$("$TMP/build/consumer") || { echo "FAIL: consumer exited non-zero: $out"; exit 1; }
[ "$out" = "$WANT" ] || { echo "FAIL: consumer printed '$out'"; exit 1; }
echo "ok: find_package(rulegap) consumer builds (no standard set) and runs ($out)"

# The README's line for a build without CMake, as written, with its prefix /usr/local replaced.
line=$(grep -m1 -E '^ *g\+\+ .*app\.cpp .*-lrulegap' "$REPO/README.md") \
  || { echo "FAIL: README.md has no 'g++ ... app.cpp ... -lrulegap' line"; exit 1; }
line=${line//\/usr\/local/$TMP/prefix}
line=${line/app.cpp/$REPO/tests/package/consumer/main.cpp -o $TMP/plain}
read -r -a argv <<<"$line"
"${argv[@]}" >"$TMP/plain.log" 2>&1 || { cat "$TMP/plain.log"; echo "FAIL: the README's line: $line"; exit 1; }
out=$("$TMP/plain") || { echo "FAIL: the program built with the README's line exited non-zero: $out"; exit 1; }
[ "$out" = "$WANT" ] || { echo "FAIL: the program built with the README's line printed '$out'"; exit 1; }
echo "ok: the README's compiler line builds against the installed prefix and runs ($out)"

# pkg-config: the installed rulegap.pc gives the flags and libraries.
if command -v pkg-config >/dev/null; then
  pcdir=$(dirname "$(find "$TMP/prefix" -name rulegap.pc | head -1)")
  [ -f "$pcdir/rulegap.pc" ] || { echo "FAIL: no rulegap.pc installed"; exit 1; }
  flags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags --libs rulegap) || { echo "FAIL: pkg-config --cflags --libs rulegap"; exit 1; }
  inc=$(printf '%s\n' $flags | sed -n 's/^-I//p' | head -1)
  [ -n "$inc" ] && [ "$(cd "$inc" 2>/dev/null && pwd -P)" = "$(cd "$TMP/prefix/include" && pwd -P)" ] \
    || { echo "FAIL: pkg-config's -I does not name the installed include directory: $flags"; exit 1; }
  # shellcheck disable=SC2086
  g++ -std=c++20 "$REPO/tests/package/consumer/main.cpp" -o "$TMP/bypc" $flags >"$TMP/pc.log" 2>&1 \
    || { cat "$TMP/pc.log"; echo "FAIL: build with pkg-config's flags: $flags"; exit 1; }
  out=$("$TMP/bypc") || { echo "FAIL: the program built with pkg-config exited non-zero: $out"; exit 1; }
  [ "$out" = "$WANT" ] || { echo "FAIL: the program built with pkg-config printed '$out'"; exit 1; }
  echo "ok: pkg-config's flags for rulegap build the consumer against the installed prefix and it runs ($out)"
else
  echo "FAIL: pkg-config is not installed (scripts/install-deps.sh installs it)"; exit 1
fi
