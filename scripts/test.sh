#!/usr/bin/env bash
# The whole suite: external tools the tests need, type-check, lint, then every test file
# (unit tests beside the code in src/, end-to-end suites in test/) under Node's test runner.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-tools.sh
npx tsc --noEmit -p tsconfig.json
npx eslint --max-warnings 0 .
mapfile -t files < <(find src test bench -name '*.test.ts' | sort)
exec node --import tsx --test --test-concurrency="${SKIFF_TEST_CONCURRENCY:-1}" "${files[@]}"
