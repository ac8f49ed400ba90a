#!/bin/bash
# Remakes profiles/FOGRA39L-coated.icc and profiles/FOGRA29L-uncoated.icc (not run by the build
# or by setup.sh: the profiles are shipped). Needs Debian's icc-profiles-free (Fogra's
# characterisation data FOGRA39L.ti3 and FOGRA29L.ti3, zlib licence) and argyll (colprof).
# colprof takes some 25 CPU seconds a profile.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
make() {  # data name, paper, output file
  cp "/usr/share/color/icc/$1.ti3" "$work/"
  colprof -qm -kr -l300 -L95 -A booklet -M "${1%L}" \
    -D "${1%L} $2 (booklet, from Fogra's $1 data)" \
    -C "Profile made with ArgyllCMS colprof from $1.ti3 (icc-profiles-free, zlib licence, Kai-Uwe Behrmann). Altered from the original data." \
    "$work/$1"
  cp "$work/$1.icc" "profiles/$3"
}
make FOGRA39L coated FOGRA39L-coated.icc
make FOGRA29L uncoated FOGRA29L-uncoated.icc
