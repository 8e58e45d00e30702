#!/usr/bin/env bash
# Builds the Python wheel once, installs it into a fresh virtualenv with numpy, pytest and
# scikit-learn, and runs the pytest suite. Usage: python/run_tests.sh [pytest arguments]
#
# The wheel is built with the release profile minus LTO (and with parallel codegen): the tests
# need optimised code, not the last few percent that thin LTO with one codegen unit gives, and
# that halves the build on two cores. cargo's target dir is the repository's, so a second run only
# relinks.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
py="$work/venv/bin/python"
"$py" -m pip install -q --upgrade pip
"$py" -m pip install -q "maturin>=1.16,<2" numpy pytest scikit-learn
# The reference the comparison tests check against; they skip, saying why, when it is missing.
"$py" -m pip install -q --only-binary :all: fasttext-numpy2 \
    || echo "note: could not install fasttext-numpy2; the comparison tests will skip"

export CARGO_TARGET_DIR="$root/target"
export CARGO_PROFILE_RELEASE_LTO=off
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
export CARGO_PROFILE_RELEASE_DEBUG=0
"$work/venv/bin/maturin" build --release --quiet --out "$work/wheels"
"$py" -m pip install -q "$work"/wheels/blazetext-*.whl

# Run from outside the source tree so the installed package, not python/blazetext, is imported.
cd "$work"
"$py" -m pytest -q -rs -p no:cacheprovider "$root/python/tests" "$@"
