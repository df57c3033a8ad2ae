#!/usr/bin/env bash
# Backquoted commands against the real kernel, through build/tools/shellcmd_try
# (which enters a fresh tcpsh namespace and calls shellcmd_run): native
# sysctls, helpers, set_sysctls.py and its restore, tc, ip and ethtool take
# effect inside the namespace and never on the host; anything else runs only
# with --allow-shell, and nothing runs at all outside the namespace.
# Prints PASS/FAIL lines (SKIP when this system allows no namespace).
# Not a place to change the host: it only reads the host's values.
set -u
cd "$(dirname "$0")/../.." || exit 1
bin=$PWD/build/tools/shellcmd_try
if [ ! -x "$bin" ]; then
	echo "FAIL shellcmd_built ($bin is missing: run make tools)"
	exit 1
fi
tmp=$(mktemp -d)
marker=/tmp/tcpsh_should_not_exist_$$
trap 'rm -rf "$tmp" "$marker"' EXIT
rc=0

# check NAME OUTPUT WANT... : every WANT (a fixed string) is a line of OUTPUT.
check() {
	local name=$1 out=$2 want missing=""
	shift 2
	for want in "$@"; do
		grep -qxF -- "$want" <<<"$out" || missing="$missing [$want]"
	done
	if [ -z "$missing" ]; then
		echo "PASS shellcmd_$name"
	else
		echo "FAIL shellcmd_$name (missing:$missing)"
		sed 's/^/    | /' <<<"$out"
		rc=1
	fi
}

# verdict NAME CONDITION-STATUS DETAIL
verdict() {
	if [ "$2" = 0 ]; then
		echo "PASS shellcmd_$1"
	else
		echo "FAIL shellcmd_$1 ($3)"
		rc=1
	fi
}

host() { cat "/proc/sys/$1" 2>/dev/null; }

probe=$("$bin" true)
if [ $? = 3 ]; then
	echo "$probe" | sed 's/^SKIP shellcmd_sandbox: /  no namespace: /'
	echo "SKIP shellcmd (no private namespace on this system)"
	exit 0
fi

# ---- native sysctls take effect inside, never on the host ----
sack=$(host net/ipv4/tcp_sack)
rmem=$(host net/ipv4/tcp_rmem)
new=$((1 - sack))
out=$("$bin" --get=net.ipv4.tcp_sack "sysctl -q net.ipv4.tcp_sack=$new" --get=net.ipv4.tcp_sack \
	'sysctl -q net.ipv4.tcp_rmem="4096 540000 $((15*1024*1024))"' --get=net.ipv4.tcp_rmem \
	'echo 2 > /proc/sys/net/ipv4/tcp_ecn' --get=net.ipv4.tcp_ecn \
	'sysctl net.ipv4.tcp_dsack=0 net/ipv4/tcp_fack=1' 2>&1)
check native_sysctl "$out" "net.ipv4.tcp_sack=$sack" "ok" "net.ipv4.tcp_sack=$new" \
	"$(printf 'net.ipv4.tcp_rmem=4096\t540000\t15728640')" "net.ipv4.tcp_ecn=2" \
	"net.ipv4.tcp_dsack = 0" "net.ipv4.tcp_fack = 1"
[ "$(host net/ipv4/tcp_sack)" = "$sack" ] && [ "$(host net/ipv4/tcp_rmem)" = "$rmem" ]
verdict host_sysctls_unchanged $? "the host's tcp_sack or tcp_rmem changed"

# ---- a shell command runs only with --allow-shell ----
out=$("$bin" "touch $marker" 2>&1)
st=$?
[ $st = 1 ] && [ ! -e "$marker" ] && grep -qF -- "--allow-shell" <<<"$out"
verdict refused_without_allow_shell $? "status $st, output: $out"
out=$("$bin" --allow-shell "touch $marker" 2>&1)
[ -e "$marker" ]
verdict runs_with_allow_shell $? "no $marker after: $out"
rm -f "$marker"
out=$("$bin" "sysctl -w kernel.tcpsh_x=1" "sysctl -q net.ipv4.tcp_sack=0; touch $marker" \
	"echo 3 > /sys/module/tcp_cubic/parameters/hystart_detect" 2>&1)
[ ! -e "$marker" ] && [ "$(grep -c 'only with --allow-shell' <<<"$out")" = 3 ]
verdict refusals $? "$out"
out=$("$bin" --no-sandbox "sysctl -q net.ipv4.tcp_sack=$new" --allow-shell "touch $marker" 2>&1)
[ ! -e "$marker" ] && [ "$(host net/ipv4/tcp_sack)" = "$sack" ] &&
	[ "$(grep -c "outside tcpsh's private network namespace" <<<"$out")" = 2 ]
verdict nothing_outside_namespace $? "$out"

# ---- the shell: packetdrill's environment, directory and PPID ----
mkdir -p "$tmp/dir"
out=$("$bin" --dir "$tmp/dir" --ppid 0 --allow-shell \
	'[ "$PPID" = "$PACKETDRILL_PID" ] && echo same-pid; pwd; echo to-stderr >&2; exit 3' 2>&1)
check shell_env "$out" "same-pid" "$tmp/dir" "to-stderr" "error: exit status 3"
start=$(date +%s)
out=$("$bin" --allow-shell 'sleep 4 & echo started' 2>&1)
[ $(($(date +%s) - start)) -lt 3 ] && grep -qx started <<<"$out"
verdict shell_background_does_not_block $? "$out"

# ---- helpers: defaults.sh (also behind a flattened git symlink), set_sysctls.py ----
mkdir -p "$tmp/common" "$tmp/tcp/common" "$tmp/tcp/sack" "$tmp/tcp/fastopen/server"
cat >"$tmp/common/defaults.sh" <<'EOF'
#!/bin/bash
# Set standard production config values that relate to TCP behavior.

# Flush old cached data (fastopen cookies).
ip tcp_metrics flush all > /dev/null 2>&1

# TCP min, default, and max receive and send buffer sizes.
sysctl -q net.ipv4.tcp_rmem="4096 540000 $((15*1024*1024))"
sysctl -q net.ipv4.tcp_wmem="4096 $((256*1024)) 4194304"
sysctl -q net.ipv4.tcp_timestamps=1
sysctl -q net.ipv4.tcp_early_retrans=4 net.ipv4.tcp_recovery=1
sysctl -q net.ipv4.tcp_notsent_lowat=4294967295 > /dev/null 2>&1
sysctl -q net.ipv4.tcp_fastopen=0x70403
sysctl -q net.ipv4.tcp_fastopen_key=a1a1a1a1-b2b2b2b2-c3c3c3c3-d4d4d4d4

# Override the default qdisc on the tun device.
tc qdisc add dev tun0 root pfifo
EOF
chmod 755 "$tmp/common/defaults.sh"
printf '../../common/defaults.sh' >"$tmp/tcp/common/defaults.sh"
printf '#!/usr/bin/env python3\nopen("%s", "w")\n' "$tmp/python_ran" >"$tmp/tcp/common/set_sysctls.py"
chmod 755 "$tmp/tcp/common/set_sysctls.py"
ls /tmp/sysctl_restore_777.sh >/dev/null 2>&1 && restore_before=1 || restore_before=0
out=$("$bin" --tun --dir "$tmp/tcp/sack" --ppid 777 '../common/defaults.sh' \
	--get=net.ipv4.tcp_rmem --get=net.ipv4.tcp_fastopen --get=net.ipv4.tcp_timestamps \
	'../common/set_sysctls.py /proc/sys/net/ipv4/tcp_timestamps=0 /proc/sys/net/ipv4/tcp_wmem="4096 50000 4194304"' \
	--get=net.ipv4.tcp_timestamps --get=net.ipv4.tcp_wmem \
	'/tmp/sysctl_restore_${PPID}.sh' --get=net.ipv4.tcp_timestamps --get=net.ipv4.tcp_wmem \
	--allow-shell 'tc qdisc show dev tun0' 2>&1)
check helper_defaults "$out" "ok" "$(printf 'net.ipv4.tcp_rmem=4096\t540000\t15728640')" \
	"net.ipv4.tcp_fastopen=459779" "net.ipv4.tcp_timestamps=1" "net.ipv4.tcp_timestamps=0" \
	"$(printf 'net.ipv4.tcp_wmem=4096\t50000\t4194304')" "$(printf 'net.ipv4.tcp_wmem=4096\t262144\t4194304')"
grep -q '^qdisc pfifo .*root' <<<"$out" && [ "$(grep -c '^ok$' <<<"$out")" = 4 ]
verdict helper_applies_qdisc $? "$out"
[ ! -e "$tmp/python_ran" ] && { [ $restore_before = 1 ] || [ ! -e /tmp/sysctl_restore_777.sh ]; }
verdict set_sysctls_not_run $? "set_sysctls.py ran, or a restore file was written in /tmp"
out=$("$bin" --tun --dir "$tmp/tcp/fastopen/server" '../../common/defaults.sh' --get=net.ipv4.tcp_wmem 2>&1)
check helper_depth3_link "$out" "ok" "$(printf 'net.ipv4.tcp_wmem=4096\t262144\t4194304')"
out=$("$bin" --dir "$tmp/tcp/sack" '/tmp/sysctl_restore_${PPID}.sh' '../common/nothing.sh' 2>&1)
[ "$(grep -c 'not found' <<<"$out")" = 2 ]
verdict helper_not_found $? "$out"

printf 'root:$6$secrethash:19000:0:99999:7:::\n' >"$tmp/secret"
chmod 600 "$tmp/secret"
out=$("$bin" --dir "$tmp" ./secret 2>&1)
grep -qx 'error: ./secret: Permission denied' <<<"$out" && ! grep -q secrethash <<<"$out"
verdict helper_must_be_executable $? "$out"

printf '#!/bin/sh\nsysctl -q net.ipv4.tcp_sack=0\n\ntouch %s\n' "$marker" >"$tmp/common/bad.sh"
chmod 755 "$tmp/common/bad.sh"
out=$("$bin" --dir "$tmp/tcp" '../common/bad.sh' --get=net.ipv4.tcp_sack 2>&1)
[ ! -e "$marker" ] && grep -qF "(../common/bad.sh:4): a shell command; tcpsh runs those only with --allow-shell" <<<"$out" &&
	grep -qx "net.ipv4.tcp_sack=$sack" <<<"$out"
verdict helper_refused_whole $? "$out"

# ---- failures behave as in the shell: && || set -e, and the status of the last ----
out=$("$bin" 'sysctl -q net.ipv4.tcp_nope=1 2>/dev/null || sysctl -q net.ipv4.tcp_sack=0' --get=net.ipv4.tcp_sack \
	'sysctl -q net.ipv4.tcp_nope=1' \
	"$(printf 'sysctl -q net.ipv4.tcp_nope=1\nsysctl -q net.ipv4.tcp_dsack=0')" --get=net.ipv4.tcp_dsack \
	"$(printf 'set -e\nsysctl -q net.ipv4.tcp_nope=1\nsysctl -q net.ipv4.tcp_ecn=1')" --get=net.ipv4.tcp_ecn 2>&1)
check shell_semantics "$out" "net.ipv4.tcp_sack=0" "error: sysctl net.ipv4.tcp_nope: no such key in this kernel" \
	"sysctl net.ipv4.tcp_nope: no such key in this kernel" "net.ipv4.tcp_dsack=0" "net.ipv4.tcp_ecn=2"

# ---- tc, ip route, ethtool, tcp_metrics: in the namespace only ----
route_before=$(ip route show 192.0.2.1 2>&1)
out=$("$bin" --tun 'tc qdisc replace dev tun0 root pfifo limit 7' \
	'ip route change 192.0.2.1 via 192.168.0.2 dev tun0 advmss 600 mtu lock 640 initcwnd 11' \
	'ethtool -K tun0 tso off gso off' 'ip tcp_metrics flush all > /dev/null 2>&1' \
	'tc qdisc add dev tun0 root pfifo' 'ip route change 192.0.2.1 dev tun9' \
	--allow-shell 'tc qdisc show dev tun0' 'ip route show 192.0.2.1' 2>&1)
grep -q '^qdisc pfifo .*limit 7p' <<<"$out" &&
	grep -q '^192.0.2.1 via 192.168.0.2 dev tun0 .*mtu lock 640 advmss 600 initcwnd 11' <<<"$out" &&
	[ "$(grep -c '^ok$' <<<"$out")" = 6 ] && grep -q '^error: tc qdisc add dev tun0 root pfifo: ' <<<"$out" &&
	grep -qF 'error: ip -4 route change 192.0.2.1 dev tun9: no device tun9' <<<"$out"
verdict native_tools $? "$out"
[ "$(ip route show 192.0.2.1 2>&1)" = "$route_before" ]
verdict host_routes_unchanged $? "the host's route to 192.0.2.1 changed"

# ---- unprivileged (through a user namespace), when this system allows it ----
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	out=$(cd /tmp && setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" \
		"sysctl -q net.ipv4.tcp_sack=$new" --get=net.ipv4.tcp_sack "touch $marker" 2>&1)
	case $? in
	3) echo "SKIP shellcmd_unprivileged (${out#SKIP shellcmd_sandbox: })" ;;
	*)
		check unprivileged "$out" "ok" "net.ipv4.tcp_sack=$new"
		[ ! -e "$marker" ] && [ "$(host net/ipv4/tcp_sack)" = "$sack" ]
		verdict unprivileged_host_unchanged $? "$out" ;;
	esac
fi

exit $rc
