#!/usr/bin/env bash
# bench/crash: kill -9 at each named fault point of a commit (mid-state-write, before-commit,
# after-commit) while `netwatch run` finds events on snmpsim, TRIALS times per point, then checks
# that after a restart every event is there exactly once. `npm test` runs 2 trials per point.
#
#   sudo bash bench/crash.sh [TRIALS=20]
#
# Needs root (scripts/test-services.sh installs and starts snmpsim on 127.0.0.1) and a build.
set -euo pipefail
TRIALS=${1:-20}
cd "$(dirname "$0")/.."
[ -f dist/src/cli.js ] || npm run build
NETWATCH_CRASH_TRIALS=$TRIALS npx vitest run --project integration test/integration/crash-fault-points.test.ts 2>&1 \
  | grep -E 'crash trials|Tests|FAIL|✓|×'
