#!/usr/bin/env bash
# The whole suite: external tools the tests need, type-check, lint, then every test file
# (unit tests beside the code in src/, end-to-end suites in test/) under Node's test runner.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-tools.sh
npx tsc --noEmit -p tsconfig.json
npx eslint --max-warnings 0 .
mapfile -t files < <(find src test bench -name '*.test.ts' | sort)
# A file that hangs (a lost exit event, a handle left open) fails after 20 minutes instead of
# holding the whole run past CI's limit; the longest file (serving-autoscaling) takes about 3-4.
# (No --test-force-exit: on Node 20 it cuts files' reports short.)
exec node --import tsx --test --test-concurrency="${SKIFF_TEST_CONCURRENCY:-1}" \
  --test-timeout="${SKIFF_TEST_FILE_TIMEOUT_MS:-1200000}" "${files[@]}"
