#!/usr/bin/env bash
# The googlecompute tests' instance machine (local/gce-guest:bookworm): the sshd image plus curl, iptables and the gcloud
# stand-in of test/fixtures/googlecompute/ (guest.Dockerfile). The tests build it themselves when missing
# (test/emulators/gce/guest.ts); this only keeps that time out of the test run.
set -euo pipefail
cd "$(dirname "$0")/.."
docker image inspect local/gce-guest:bookworm >/dev/null 2>&1 && exit 0
docker build -q -t local/gce-guest:bookworm -f test/fixtures/googlecompute/guest.Dockerfile test/fixtures/googlecompute >/dev/null
echo "built local/gce-guest:bookworm"
