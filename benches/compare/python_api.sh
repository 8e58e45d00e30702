#!/usr/bin/env bash
# blazetext's Python package vs the `fasttext` wheel and gensim's FastText, called from Python
# (issue 16's speed and memory targets): builds the blazetext wheel with the release profile (as
# `pip install .` does), installs it into a virtualenv with a NumPy-2-compatible fasttext wheel
# (fasttext-numpy2, else fasttext-wheel) and gensim, and runs python_api.py there.
#
# Usage: benches/compare/python_api.sh [python_api.py arguments: --runs 3 --gensim-runs 1
#        --tokens 2000000 --threads 2 --corpora DIR --json FILE]
#        env: VENV (default bench-out/python-venv, kept between runs), WHEEL (a prebuilt
#        blazetext wheel: skips the build)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${VENV:-$root/bench-out/python-venv}"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install -q --upgrade pip
fi
py="$venv/bin/python"
"$py" -m pip install -q "maturin>=1.16,<2" numpy gensim
"$py" -c "import fasttext" 2>/dev/null \
    || "$py" -m pip install -q --only-binary :all: fasttext-numpy2 \
    || "$py" -m pip install -q --only-binary :all: fasttext-wheel

if [ -z "${WHEEL:-}" ]; then
    rm -rf "$root/bench-out/python-wheel"
    (cd "$root" && "$venv/bin/maturin" build --release --quiet --out "$root/bench-out/python-wheel")
    WHEEL="$(ls "$root"/bench-out/python-wheel/blazetext-*.whl)"
fi
"$py" -m pip install -q --force-reinstall --no-deps "$WHEEL"
"$py" -m pip list 2>/dev/null | grep -iE '^(blazetext|fasttext|gensim|numpy) '

# From outside the source tree, so the installed package is the one imported.
mkdir -p "$root/bench-out"
cd "$root/bench-out"
exec "$py" "$root/benches/compare/python_api.py" "$@"
