#!/bin/sh
# Writes the rulegap(1) man page from the command's own help texts (the top-level --help and
# each command's --help), with help2man.   cmake/man.sh RULEGAP_BINARY OUTPUT
set -eu
bin=$1 out=$2
extra=$(mktemp); trap 'rm -f "$extra"' EXIT
{
  echo "[COMMANDS]"
  for c in explain query lint check; do
    echo ".SS \"rulegap $c\""
    echo ".nf"
    # roff: a backslash is written \e; a line starting with . or ' is escaped with \&.
    "$bin" "$c" --help | sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
    echo ".fi"
  done
  echo "[FILES]"
  echo "Requirement catalogs shipped with rulegap are in"
  echo ".IR PREFIX /share/rulegap/rules/"
  echo "and are named on the command line by their name alone:"
  echo ".B \"--catalog mps\"."
  echo "[SEE ALSO]"
  echo "The README and docs/ of the source tree."
} > "$extra"
help2man --no-info --section=1 --name="static firewall policy auditor" --include="$extra" --output="$out" "$bin"
