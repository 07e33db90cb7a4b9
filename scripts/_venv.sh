# shellcheck shell=bash
# Sourced by scripts/serve, scripts/test and scripts/check (not run on its own): defines
# ensure_venv, which makes sure .venv exists with the project installed. Kept in one file so
# the three entry points cannot drift apart. Callers cd to the repository root first.

ensure_venv() {
    if [[ ! -x .venv/bin/python ]]; then
        local python="" candidate
        for candidate in python3.13 python3.12 python3.11 python3; do
            if command -v "$candidate" >/dev/null 2>&1 &&
                "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
                python="$candidate"
                break
            fi
        done
        if [[ -z "$python" ]]; then
            echo "error: the hub needs Python 3.11 or newer; install it (e.g. apt install python3.11) and retry." >&2
            exit 1
        fi
        echo "==> creating .venv with $python"
        "$python" -m venv .venv
    fi
    local stamp=.venv/.hub-installed wanted
    wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    if [[ "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]]; then
        echo "==> installing the hub and its dependencies into .venv (pyproject.toml changed)"
        # Progress as one line per package; the full log stays in .venv/pip-install.log.
        set +o pipefail
        .venv/bin/python -m pip install --progress-bar off -e '.[test,dev]' 2>&1 |
            tee .venv/pip-install.log | grep --line-buffered -E '^(Collecting|Successfully installed)' |
            sed -u 's/^/    /'
        local status=${PIPESTATUS[0]}
        set -o pipefail
        if [[ $status != 0 ]]; then
            grep -v '^WARNING: Location' .venv/pip-install.log | tail -20 >&2
            echo "error: installing the hub's dependencies failed (above; full log in .venv/pip-install.log)." >&2
            echo "       Check the network to PyPI, then run this script again." >&2
            exit 1
        fi
        echo "$wanted" > "$stamp"
    fi
}
