#!/usr/bin/env bash
# The whole test suite. Installs what the tests need beyond npm (redis-server, chromium, nginx)
# when it is missing, builds every package, runs vitest and prints one closing line
# "Tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

find_missing() {
  missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
}
find_missing
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing test dependencies: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  # Another install (unattended-upgrades, a provisioning script) may hold the dpkg lock:
  # wait for it up to 10 minutes instead of failing at once.
  apt_wait=(-o DPkg::Lock::Timeout=600)
  apt_log=$(mktemp)
  if ! $SUDO apt-get "${apt_wait[@]}" update -qq >"$apt_log" 2>&1; then
    echo "error: 'apt-get update' failed:" >&2; tail -n 20 "$apt_log" >&2
  fi
  if ! $SUDO env DEBIAN_FRONTEND=noninteractive apt-get "${apt_wait[@]}" install -y -qq --no-install-recommends "${missing[@]}" >"$apt_log" 2>&1; then
    echo "error: could not install ${missing[*]} with apt-get:" >&2; tail -n 20 "$apt_log" >&2
  fi
  rm -f "$apt_log"
  find_missing
  if [ ${#missing[@]} -gt 0 ]; then
    echo "error: still missing after apt-get: ${missing[*]}; the tests that need them will fail" >&2
  fi
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
node scripts/test-summary.mjs "$report" "$status" || status=1
exit $status
