# shellcheck shell=bash
# Sourced by scripts/serve, scripts/test and scripts/check (not run on its own): defines
# ensure_venv, which makes sure .venv exists with the project installed. Kept in one file so
# the three entry points cannot drift apart. Callers cd to the repository root first.

# ensure_venv [EXTRAS]: the hub plus the pyproject extras each command needs (serve: none,
# test: "test", check: "test,dev"). The stamp records the pyproject.toml it installed from and
# which extras, so a later command installs only what is missing: serve then test adds the
# test tools; test then serve installs nothing.
ensure_venv() {
    local wanted_extras=${1:-}
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

    local stamp=.venv/.hub-installed pyproject installed_for="" installed_extras="" reason
    pyproject="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    if [[ -f "$stamp" ]]; then
        installed_for="$(sed -n 's/^pyproject //p' "$stamp")"
        installed_extras="$(sed -n 's/^extras //p' "$stamp")"
        if [[ -z "$installed_for" ]]; then
            # The stamp before extras were recorded: a bare hash, and always both extras.
            installed_for="$(head -n 1 "$stamp")"
            installed_extras="test,dev"
        fi
    fi
    if [[ "$installed_for" != "$pyproject" ]]; then
        installed_extras=""
        if [[ -z "$installed_for" ]]; then
            reason="first run"
        else
            reason="pyproject.toml changed"
        fi
    else
        local missing=() extra
        for extra in ${wanted_extras//,/ }; do
            [[ ",$installed_extras," == *",$extra,"* ]] || missing+=("$extra")
        done
        (( ${#missing[@]} )) || return 0
        reason="adding the ${missing[*]} tools"
    fi

    # Keep what is already installed from this pyproject.toml, add what this command wants.
    local extras
    extras="$(tr ',' '\n' <<<"$installed_extras,$wanted_extras" | sed '/^$/d' | sort -u | paste -sd, -)"
    local target=.
    [[ -z "$extras" ]] || target=".[$extras]"
    echo "==> installing the hub and its dependencies into .venv ($reason)"
    # Progress as one line per package; the full log stays in .venv/pip-install.log.
    set +o pipefail
    .venv/bin/python -m pip install --progress-bar off -e "$target" 2>&1 |
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
    printf 'pyproject %s\nextras %s\n' "$pyproject" "$extras" >"$stamp"
}
