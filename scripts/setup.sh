#!/usr/bin/env bash
# Installs what the build needs on a Debian machine: system libraries (as root, via apt-get),
# then a virtual environment in .venv with the project and its development tools.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBS=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 qpdf poppler-utils default-jre-headless zbar-tools)
missing=()
for pkg in "${DEBS[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "setup: installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "setup: please install these Debian packages: ${missing[*]}" >&2
        exit 1
    fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e ".[dev]"

# EPUB accessibility check (tests/test_epub.py skips it, saying why, when these are missing):
# DAISY Ace from npm in the project-local, gitignored .tools/, run with Debian's chromium.
# The web edition's browser tests (tests/test_site.py) drive the same chromium through Playwright
# (never `playwright install`: it downloads a browser of its own).
ACE_VERSION=1.4.6
ace_debs=()
command -v npm >/dev/null || ace_debs+=(npm)
dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q "install ok installed" || ace_debs+=(chromium)
if ((${#ace_debs[@]})); then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "setup: installing ${ace_debs[*]} (for DAISY Ace)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${ace_debs[@]}" >/dev/null \
            || echo "setup: could not install ${ace_debs[*]}; the Ace test will be skipped" >&2
    else
        echo "setup: install ${ace_debs[*]} to run DAISY Ace (the Ace test is skipped without)" >&2
    fi
fi
if command -v npm >/dev/null && [ ! -x .tools/node_modules/.bin/ace-cli ]; then
    echo "setup: installing DAISY Ace $ACE_VERSION into .tools/"
    mkdir -p .tools
    PUPPETEER_SKIP_DOWNLOAD=1 npm install --silent --no-audit --no-fund --prefix .tools \
        "@daisy/ace-cli@$ACE_VERSION" >/dev/null \
        || echo "setup: npm could not install @daisy/ace-cli; the Ace test will be skipped" >&2
fi
