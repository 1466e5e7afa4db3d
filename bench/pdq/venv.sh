# Sourced by bench/pdq/run and bench/pages/run: creates (or reuses) the Python venv
# bench/.venv with the pinned PDQ reference (PyPI pdqhash, Meta's C++ core, built here from
# its sdist), Pillow and numpy; rebuilt only when the requirement files change.
# Sets $venv.
pdq_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$(dirname "$pdq_dir")/.venv"
stamp="$(cat "$pdq_dir/requirements-build.txt" "$pdq_dir/requirements.txt" | sha256sum | cut -d' ' -f1)"
if [[ ! -x "$venv/bin/python" || "$(cat "$venv/.pdq-requirements" 2>/dev/null)" != "$stamp" ]]; then
    echo "Setting up $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$pdq_dir/requirements-build.txt"
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-build-isolation \
        -r "$pdq_dir/requirements.txt"
    echo "$stamp" >"$venv/.pdq-requirements"
fi
