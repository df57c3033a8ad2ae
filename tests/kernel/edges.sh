#!/usr/bin/env bash
# The system edges against the real kernel: build/tools/edge_smoke as the
# current user and, when run as root, once more as nobody. Nobody either gets
# through a user namespace (when /dev/net/tun is usable by everyone) or must
# be told why not in one line, with exit code 3. Prints PASS/FAIL lines.
# Not a place to change the system: /dev/net/tun's mode is left as it is.
set -u
cd "$(dirname "$0")/../.." || exit 1
bin=$PWD/build/tools/edge_smoke
if [ ! -x "$bin" ]; then
	echo "FAIL edge_smoke_built ($bin is missing: run make tools)"
	exit 1
fi

"$bin"
rc=$?

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	out=$(cd /tmp && setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" 2>&1)
	urc=$?
	case $urc in
	0 | 1)
		printf '%s\n' "$out" | sed -E 's/^(PASS|FAIL) edge_/\1 edge_unprivileged_/'
		[ $urc -eq 0 ] || rc=1 ;;
	3)
		why=$(printf '%s\n' "$out" | grep '^SKIP edge_sandbox: ')
		if [ "$(printf '%s\n' "$why" | grep -c .)" = 1 ] && printf '%s' "$why" | grep -q '(.*)$'; then
			echo "  unprivileged: ${why#SKIP edge_sandbox: }"
			echo "PASS edge_unprivileged_refusal"
		else
			printf '%s\n' "$out"
			echo "FAIL edge_unprivileged_refusal (no one-line reason)"
			rc=1
		fi ;;
	*)
		printf '%s\n' "$out"
		echo "FAIL edge_unprivileged (exit $urc)"
		rc=1 ;;
	esac
fi
exit $rc
