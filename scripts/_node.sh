# shellcheck shell=bash
# Sourced by scripts/check (not run on its own): defines ensure_node_tools, which makes sure
# node_modules/ holds the web client's lint and format tools (package.json, package-lock.json
# at the repository root; nothing of it is served: the web client has no build). Like
# ensure_venv, it reinstalls only when package-lock.json changed. Callers cd to the root first.

ensure_node_tools() {
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        echo "error: checking the web client needs Node.js and npm; install them (e.g. apt install nodejs npm) and retry." >&2
        exit 1
    fi
    local stamp=node_modules/.hub-installed wanted
    wanted="$(sha256sum package-lock.json | cut -d' ' -f1)"
    if [[ ! -d node_modules || "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]]; then
        echo "==> installing the web client's tools into node_modules (package-lock.json changed)"
        if ! npm ci --no-audit --no-fund --loglevel=error; then
            echo "error: npm ci failed (above). Check the network to the npm registry, then run this script again." >&2
            exit 1
        fi
        echo "$wanted" > "$stamp"
    fi
}
