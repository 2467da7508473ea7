#!/usr/bin/env bash
# The whole test suite. Installs what the tests need beyond npm (redis-server, chromium, nginx)
# when it is missing, builds every package, runs vitest and prints one closing line
# "Tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing test dependencies: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq >/dev/null && \
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || echo "warning: could not install ${missing[*]}; the tests that need them will fail"
fi
# Debian starts services on install; the tests run their own instances on free ports.
if command -v service >/dev/null 2>&1; then
  service redis-server stop >/dev/null 2>&1 || true
  service nginx stop >/dev/null 2>&1 || true
fi

[ -d node_modules ] || npm ci
npm run build --silent || { echo "Tests: 0 passed, 1 failed"; exit 1; }

report=.vitest-report.json
rm -f "$report"
npx vitest run --reporter=default --reporter=json --outputFile="$report" "$@"
status=$?
node scripts/test-summary.mjs "$report" || status=1
exit $status
