#!/usr/bin/env bash
# Installs a release build of hepml-compile under PREFIX (default /usr/local):
#   PREFIX/bin/hepml-compile
#   PREFIX/share/hepml-compile/templates/   (found by the executable, via /proc/self/exe)
# The templates are copied owned by the installing user and not writable by
# others: hepml-compile refuses templates another user could have changed.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${1:-/usr/local}"
case "$prefix" in /*) ;; *) echo "install.sh: PREFIX must be an absolute path" >&2; exit 2 ;; esac
swift build -c release --product hepml-compile
bin="$(swift build -c release --show-bin-path)/hepml-compile"
install -d -m 755 "$prefix/bin" "$prefix/share/hepml-compile"
install -m 755 "$bin" "$prefix/bin/hepml-compile"
rm -rf "$prefix/share/hepml-compile/templates.new"
cp -R templates "$prefix/share/hepml-compile/templates.new"
chmod -R go-w "$prefix/share/hepml-compile/templates.new"
rm -rf "$prefix/share/hepml-compile/templates"
mv "$prefix/share/hepml-compile/templates.new" "$prefix/share/hepml-compile/templates"
echo "installed $prefix/bin/hepml-compile and $prefix/share/hepml-compile/templates"
