#!/usr/bin/env bash
# The test command (README): installs what the tests need when this machine lacks it —
# PostgreSQL's server binaries (the tests start their own throwaway cluster), PgBouncer (the
# store contracts through transaction pooling), Redis (the nodes' shared invalidations) and
# Chromium (the web page's browser tests) — then
# runs every test and ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ -n "${MNEMO_TEST_POSTGRES:-}" ] || missing+=(postgresql)
[ -x "${MNEMO_CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
[ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
    echo "test: installing ${missing[*]} (Debian packages)"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    if ! command -v apt-get >/dev/null; then
        echo "test: no apt-get here; install ${missing[*]} yourself (see README)"; exit 1
    fi
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null || {
        echo "test: could not install ${missing[*]}"; exit 1; }
fi

started=$(date +%s)
log=$(mktemp)
# Every response a test receives is checked against the OpenAPI document and written down here.
find artifacts -name openapi-responses.tsv -delete 2>/dev/null
dotnet test "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Each test assembly ends with "Passed!  - Failed: F, Passed: P, Skipped: S, Total: T, ..."
# (or "Failed!  - ..."); add them up.
read -r passed failed < <(sed -n -E 's/.*(Passed|Failed)! +- +Failed: +([0-9]+), +Passed: +([0-9]+),.*/\3 \2/p' "$log" \
    | awk '{ p += $1; f += $2 } END { print p + 0, f + 0 }')
rm -f "$log"
echo "test: dotnet test exited ${status} after $(( $(date +%s) - started ))s"
checks=$(find artifacts -name openapi-responses.tsv 2>/dev/null)
if [ -n "$checks" ]; then
    cat $checks | awk -F'\t' '{ n++; ops[$1]; pairs[$1 " " $2]; if ($3 != "ok") bad++ }
        END { printf "test: OpenAPI: %d responses checked against the document (%d operations, %d operation-status pairs), %d not as documented\n", n, length(ops), length(pairs), bad + 0 }'
    # A violation fails its test; this catches one a test swallowed (a retry loop, a catch-all).
    if cat $checks | awk -F'\t' '$3 != "ok"' | grep -q .; then
        echo "test: responses not as the OpenAPI document says:"; cat $checks | awk -F'\t' '$3 != "ok"' | sort | uniq -c | head -20
        failed=$(( failed + 1 ))
    fi
fi
echo "${passed} passed, ${failed} failed"
if [ "$status" -ne 0 ] || [ "$passed" -eq 0 ] || [ "$failed" -ne 0 ]; then
    exit 1
fi
