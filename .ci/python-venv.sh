#!/usr/bin/env bash
# The Python tools the tests run, from PyPI into one virtual environment: moto's server (a local AWS API for the cloud
# builders' tests) and Salt (salt-call, for the salt-masterless provisioner's real-tool test; Debian does not package it).
# Cached under /var/cache/bakehouse like the QEMU guest, and keyed on this script's content, so changing a pin reinstalls
# once and later runs take no time. test/support/python-venv.ts finds it at the same place.
set -euo pipefail
venv=${BAKEHOUSE_PYTHON_VENV:-/var/cache/bakehouse/venv}
recipe=$(sha256sum "$0" | cut -d' ' -f1)
if [ -x "$venv/bin/salt-call" ] && [ -x "$venv/bin/moto_server" ] && [ "$(cat "$venv/recipe" 2>/dev/null)" = "$recipe" ]; then exit 0; fi
rm -rf "$venv"
python3 -m venv "$venv"
# Salt to the release: 3007.17 is published only as a 17 MB source archive, which pip builds and then backtracks from.
"$venv/bin/pip" install --quiet --disable-pip-version-check 'moto[server]==5.*' 'salt==3007.16'
echo "$recipe" >"$venv/recipe"
