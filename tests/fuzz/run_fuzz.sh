#!/bin/sh
# run_fuzz.sh HARNESS CORPUS ARTIFACTS [libFuzzer options...]: runs a libFuzzer harness over a
# copy of its seed corpus in a temp dir, so the seeds in the tree are never modified; a crashing
# input is written to ARTIFACTS/. Exit status: the harness's (0 when nothing was found).
set -eu
harness=$1 corpus=$2 artifacts=$3
shift 3
work=$(mktemp -d "${TMPDIR:-/tmp}/tristar-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$work/corpus" "$artifacts"
cp -R "$corpus/." "$work/corpus/"
status=0
"$harness" -artifact_prefix="$artifacts/" "$@" "$work/corpus" || status=$?
exit "$status"
