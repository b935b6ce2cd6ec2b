#!/usr/bin/env bash
# Runs every Go fuzz target of the repository (func FuzzXxx in a _test.go file), one after the
# other, for FUZZTIME each, and prints one line per target. Exits non-zero when any target fails:
# a finding, whose input go test writes to <package>/testdata/fuzz/<Target>/<hash> (from then on
# the plain `go test` of that package fails on it too), or a build error.
#
#   scripts/fuzz.sh                     # 3s per target
#   FUZZTIME=60s scripts/fuzz.sh        # longer, locally
#   FUZZTIME=60s FUZZMINIMIZETIME=60s scripts/fuzz.sh   # and minimize what it finds
#
# FUZZMINIMIZETIME is 0 by default: minimizing every new interesting input would take most of a
# short run (a content file is tens of kilobytes), so a finding is kept as found.
set -euo pipefail

cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-3s}
FUZZMINIMIZETIME=${FUZZMINIMIZETIME:-0}
# The API target writes to an embedded store in a temporary directory; on tmpfs a write costs a
# fifth. The go command keeps its own temporary files where they were.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	export GOTMPDIR=${GOTMPDIR:-/tmp} TMPDIR=/dev/shm
fi

# Only the packages that declare a fuzz target are listed: `go test -list` runs each test binary,
# and some packages' TestMain start things (DynamoDB Local in store/dynamo).
mapfile -t dirs < <(grep -rlE --include='*_test.go' --exclude-dir=node_modules --exclude-dir=cdk.out \
	'^func Fuzz' . | xargs -r -n1 dirname | sort -u)
if [ ${#dirs[@]} -eq 0 ]; then
	echo "fuzz: no fuzz targets found"
	exit 0
fi
# go test -list prints the matching names, then "ok <package> <time>" for each package.
targets=()
names=()
while read -r first pkg _; do
	case $first in
	Fuzz*) names+=("$first") ;;
	ok)
		for n in ${names[@]+"${names[@]}"}; do targets+=("$pkg $n"); done
		names=()
		;;
	esac
done < <("$GO" test -list '^Fuzz' "${dirs[@]}")

log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed=0
began=$SECONDS
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	start=$SECONDS
	status=FAIL
	# Go before 1.27 can end a duration-bound run with a bare "context deadline exceeded" and no
	# finding: a race in its fuzzing coordinator at the end of -fuzztime (go.dev/issue/75804), not
	# a failure of the target. Such a run is tried once more; a finding always fails.
	for try in 1 2; do
		if "$GO" test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime "$FUZZMINIMIZETIME" "$pkg" >"$log" 2>&1; then
			status=ok
			break
		fi
		if [ "$try" = 2 ] || grep -qE 'testdata/fuzz/' "$log" ||
			[ "$(grep -vE '^(fuzz: elapsed: |--- FAIL: |FAIL|exit status |warning: )' "$log" | sed 's/^[[:space:]]*//' | sort -u)" != "context deadline exceeded" ]; then
			break
		fi
		echo "     (${name}: the coordinator's end-of-run race, go.dev/issue/75804; once more)"
	done
	[ "$status" = ok ] || failed=1
	# The last progress line, "fuzz: elapsed: 3s, execs: 14233 (4744/sec), new interesting: 5 (total: 300)",
	# or "fuzz: elapsed: 3s, gathering baseline coverage: 675/968 completed" when the seeds and the
	# inputs cached from earlier runs (go clean -fuzzcache) took all the time.
	progress=$(grep -E '^fuzz: elapsed: ' "$log" | tail -n1 | sed -E 's/^fuzz: elapsed: [^,]*, //; s/ \([0-9]+\/sec\)//' || true)
	printf '%-4s %-24s %-22s %3ss  %s\n' "$status" "$name" "$pkg" "$((SECONDS - start))" "${progress:-no fuzzing progress reported}"
	if [ "$status" = FAIL ]; then
		found=$(grep -Eo 'testdata/fuzz/[^ ]+' "$log" | head -n1 || true)
		if [ -n "$found" ]; then
			dir=$("$GO" list -f '{{.Dir}}' "$pkg")
			echo "     finding: ${dir#"$PWD"/}/$found (re-run: go test -run '${name}/${found##*/}' $pkg)"
		fi
		grep -vE '^fuzz: elapsed:' "$log" | sed 's/^/     | /' | head -n 40
	fi
done
echo "fuzz: ${#targets[@]} targets, ${FUZZTIME} each, $((SECONDS - began))s in all"
exit "$failed"
