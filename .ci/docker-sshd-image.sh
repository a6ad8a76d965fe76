#!/usr/bin/env bash
# The amazon-ebs tests' instance machine (local/sshd:bookworm) from test/fixtures/amazon/sshd.Dockerfile; the tests build
# it themselves when missing, this only keeps that time out of the test run.
set -euo pipefail
cd "$(dirname "$0")/.."
docker image inspect local/sshd:bookworm >/dev/null 2>&1 && exit 0
docker build -q -t local/sshd:bookworm - <test/fixtures/amazon/sshd.Dockerfile >/dev/null
echo "built local/sshd:bookworm"
