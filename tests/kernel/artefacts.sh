#!/usr/bin/env bash
# The session's artefacts against the real kernel: a shell session typed
# through a pipe (handshake, data, close) that writes a diagram, an SVG, a
# packetdrill script and a pcap started half-way. Then: `tcpsh run` passes
# on the saved script (and fails on a copy with one kernel segment changed,
# so the check can fail); xmllint parses the SVG; tcpdump -r prints exactly
# tcpsh's segment lines for the pcap, which holds the packets from before
# `pcap FILE` as well as after, and none after `pcap off`; tshark -r reads
# it; writing to /dev/full or a missing directory says so and the session
# goes on. Prints PASS/FAIL lines.
set -u
cd "$(dirname "$0")/../.." || exit 1
export LC_ALL=C.UTF-8
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS artefacts_$1"; }
fail() {
	echo "FAIL artefacts_$1: $2"
	[ -n "${3:-}" ] && sed 's/^/    | /' "$3" | head -60
}

cat >"$tmp/session.in" <<IN
socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
bind(3, ..., ...) = 0
listen(3, 1) = 0
< S 0:0(0) win 1000 <mss 1000>
< . 1:1(0) ack 1 win 1000
pcap $tmp/session.pcap
accept(3, ..., ...) = 4
write(4, ..., 10) = 10
< . 1:1(0) ack 11 win 1000
< P. 1:3(2) ack 11 win 4000
wait 0.3
read(4, ..., 1000) = 2
< F. 3:3(0) ack 11 win 4000
wait 0.3
close(4) = 0
< . 4:4(0) ack 12 win 4000
wait 0.2
diagram
diagram --ascii
diagram $tmp/session.svg
save $tmp/session.pkt
save /dev/full
save $tmp/no/such/dir/x.pkt
pcap off
socket(..., SOCK_STREAM, IPPROTO_TCP) = 5
connect(5, ..., ...) = -1 EINPROGRESS (Operation now in progress)
wait 0.2
IN
timeout 60 ./tcpsh <"$tmp/session.in" >"$tmp/session.out" 2>&1
status=$?
out=$tmp/session.out

# The session itself went on to the end after the failed saves.
if [ "$status" = 0 ] && grep -q '^tcpsh> wait 0.2$' "$out" && grep -q 'connect(5' "$out"; then
	pass session_goes_on
else
	fail session_goes_on "exit status $status" "$out"
fi

# diagram: both ends, one arrow per segment, states, calls; ASCII has no UTF-8.
segs=$(grep -cE '^ *[0-9]+\.[0-9]{3} IP ' "$out")
arrows=$(sed -n '/^tcpsh> diagram$/,/^tcpsh> /p' "$out" | grep -cE '│(── .* ─+▶|◀─ .* ─+)│')
if grep -q '   time you 192.0.2.1:40000 .* kernel 192.168.0.1:8080$' "$out" &&
	grep -qF '│── S 0:0(0) win 1000 <mss 1000> ─' "$out" &&
	grep -qE '│◀─ S\. 0:0\(0\) ack 1 win 64240 <mss 1460> ─+│$' "$out" &&
	grep -qE '│ SYN_SENT +│ SYN_RECV$' "$out" && grep -qE '│ listen\(3, 1\) = 0$' "$out" &&
	[ "$arrows" -gt 0 ]; then
	pass diagram_text
else
	fail diagram_text "heading, arrows ($arrows) or states missing" "$out"
fi
ascii=$(sed -n '/^tcpsh> diagram --ascii$/,/^tcpsh> /p' "$out" | sed '1d;$d')
if [ -n "$ascii" ] && ! printf '%s' "$ascii" | LC_ALL=C grep -q '[^ -~]' &&
	printf '%s\n' "$ascii" | grep -qE '\|-- S 0:0\(0\) win 1000 <mss 1000> -+>\|'; then
	pass diagram_ascii
else
	fail diagram_ascii "non-ASCII bytes or no arrow" "$out"
fi

# The SVG is well-formed XML with the escaped labels.
if [ -s "$tmp/session.svg" ] && xmllint --noout "$tmp/session.svg" 2>"$tmp/xmllint.err" &&
	grep -qF '&lt;mss 1000&gt;' "$tmp/session.svg"; then
	pass diagram_svg_xml
else
	fail diagram_svg_xml "xmllint rejects it or labels missing" "$tmp/xmllint.err"
fi

# save: the replay passes; a changed expectation makes it fail.
if [ -s "$tmp/session.pkt" ] && timeout 60 ./tcpsh run "$tmp/session.pkt" >"$tmp/replay.out" 2>&1; then
	pass save_replays
else
	fail save_replays "tcpsh run failed on the saved session" "$tmp/replay.out"
	sed 's/^/    pkt | /' "$tmp/session.pkt"
fi
sed -E 's/^(\+[0-9.]+ > P\. 1:11\(10\) ack 1 win )[0-9]+/\112345/' "$tmp/session.pkt" >"$tmp/changed.pkt"
timeout 60 ./tcpsh run "$tmp/changed.pkt" >"$tmp/changed.out" 2>&1
st=$?
if ! cmp -s "$tmp/session.pkt" "$tmp/changed.pkt" && [ "$st" = 1 ]; then
	pass save_replay_can_fail
else
	fail save_replay_can_fail "a changed window: exit $st" "$tmp/changed.out"
fi
if grep -qE '^tcpsh: /dev/full: cannot write: No space left on device$' "$out" &&
	grep -qE "^tcpsh: $tmp/no/such/dir/x.pkt: cannot write: No such file or directory$" "$out" &&
	[ ! -e "$tmp/no" ]; then
	pass save_errors
else
	fail save_errors "no clear message for /dev/full or a missing directory" "$out"
fi

# pcap FILE half-way: everything before and after, up to 'pcap off'; tcpdump
# prints exactly tcpsh's lines (all of them: the connect after 'pcap off' is
# the only SYN from the kernel, and must not be there).
grep -E '^ *[0-9]+\.[0-9]{3} IP ' "$out" | grep -v 'Flags \[S\], seq [0-9]*, win 64240' |
	sed -E 's/^ *[0-9]+\.[0-9]{3} //' >"$tmp/ours"
tcpdump -n -r "$tmp/session.pcap" 2>"$tmp/tcpdump.err" | sed -E 's/^[0-9:.]+ //' >"$tmp/theirs"
if [ -s "$tmp/ours" ] && diff -u "$tmp/theirs" "$tmp/ours" >"$tmp/pcap.diff" &&
	grep -q 'writing .*session.pcap: 3 packets so far' "$out" && [ "$segs" -gt "$(wc -l <"$tmp/ours")" ]; then
	pass pcap_tcpdump "($(wc -l <"$tmp/ours") packets)"
else
	fail pcap_tcpdump "tcpdump -r differs from tcpsh's lines" "$tmp/pcap.diff"
fi
if command -v tshark >/dev/null; then
	n=$(tshark -r "$tmp/session.pcap" 2>"$tmp/tshark.err" | grep -c 'TCP')
	if [ "$n" = "$(wc -l <"$tmp/ours")" ] && tshark -r "$tmp/session.pcap" 2>/dev/null | grep -q 'SYN, ACK'; then
		pass pcap_tshark
	else
		fail pcap_tshark "tshark read $n TCP packets, expected $(wc -l <"$tmp/ours")" "$tmp/tshark.err"
	fi
else
	fail pcap_tshark "tshark is not installed (make check installs it)"
fi

# Calls that block in the shell (accept before the SYN, read before the data,
# a blocking connect: an active open) are saved where they started, in the
# blocking form, and the replay passes.
printf '%s\n' 'socket(..., SOCK_STREAM, IPPROTO_TCP) = 3' 'bind(3, ..., ...) = 0' 'listen(3, 5) = 0' \
	'accept(3, ..., ...) = 4' 'wait 0.2' '< S 0:0(0) win 1000 <mss 1000>' '< . 1:1(0) ack 1 win 1000' \
	'read(4, ..., 100) = 2' 'wait 0.3' '< P. 1:3(2) ack 1 win 1000' \
	'socket(..., SOCK_STREAM, IPPROTO_TCP) = 5' 'connect(5, ..., ...) = 0' 'wait 0.1' \
	'< S. 0:0(0) ack 1 win 1000 <mss 1000>' 'wait 0.1' "save $tmp/blocked.pkt" |
	timeout 60 ./tcpsh >"$tmp/blocked.out" 2>&1
if grep -qE '^\+[0-9.]+\.\.\.[0-9.]+ accept\(3, \.\.\., \.\.\.\) = 4$' "$tmp/blocked.pkt" &&
	grep -qE '^\+[0-9.]+\.\.\.[0-9.]+ connect\(5, \.\.\., \.\.\.\) = 0$' "$tmp/blocked.pkt" &&
	timeout 60 ./tcpsh run "$tmp/blocked.pkt" >"$tmp/blocked_replay.out" 2>&1; then
	pass save_blocking_calls_replay
else
	fail save_blocking_calls_replay "the saved script or its replay" "$tmp/blocked_replay.out"
	sed 's/^/    pkt | /' "$tmp/blocked.pkt" 2>/dev/null
fi

# TCP timestamps: a session where the student echoes the kernel's TS val, as
# read from the screen (a coprocess reads tcpsh's output line by line), then
# saves it. The replay maps the saved TS values to the live ones.
ts_val() { # ts_val REGEX: waits for a segment line matching REGEX, prints its TS val
	local line
	while IFS= read -r -t 10 line <&"$tin"; do
		printf '%s\n' "$line" >>"$tmp/ts.out"
		# bash's own matching: a fork per line would make the kernel wait for us
		if [[ $line =~ $1 ]] && [[ $line =~ TS\ val\ ([0-9]+) ]]; then
			printf '%s\n' "${BASH_REMATCH[1]}"
			return 0
		fi
	done
	return 1
}
coproc T { timeout 60 ./tcpsh 2>&1; }
# bash unsets T and T_PID when the coprocess ends: keep its pipes and pid.
tpid=$T_PID
exec {tin}<&"${T[0]}" {tout}>&"${T[1]}"
say() { printf '%s\n' "$1" >&"$tout"; }
say 'socket(..., SOCK_STREAM, IPPROTO_TCP) = 3'
say 'bind(3, ..., ...) = 0'
say 'listen(3, 1) = 0'
say '< S 0:0(0) win 1000 <mss 1000,sackOK,TS val 100 ecr 0,nop,wscale 7>'
v1=$(ts_val 'Flags \[S\.\].*TS val [0-9]+ ecr 100')
say "< . 1:1(0) ack 1 win 1000 <nop,nop,TS val 110 ecr ${v1:-0}>"
say 'accept(3, ..., ...) = 4'
say 'write(4, ..., 10) = 10'
v2=$(ts_val 'Flags \[P\.\], seq 1:11.*TS val [0-9]+ ecr 110')
say "< . 1:1(0) ack 11 win 1000 <nop,nop,TS val 120 ecr ${v2:-0}>"
say 'close(4) = 0'
v3=$(ts_val 'Flags \[F\.\], seq 11.*TS val [0-9]+ ecr 120')
say "< F. 1:1(0) ack 12 win 1000 <nop,nop,TS val 130 ecr ${v3:-0}>"
say 'wait 0.2'
say "save $tmp/ts.pkt"
say 'quit'
while IFS= read -r -t 10 line <&"$tin"; do printf '%s\n' "$line" >>"$tmp/ts.out"; done
wait "$tpid" 2>/dev/null
exec {tin}<&- {tout}>&-
if [ -n "$v1" ] && [ -n "$v2" ] && [ -n "$v3" ] && grep -qE "^\+[0-9.]+ > P\. 1:11\(10\) ack 1 .*TS val $v2 ecr 110" "$tmp/ts.pkt" &&
	grep -qE "^\+[0-9.]+ < \. 1:1\(0\) ack 11 .*TS val 120 ecr $v2" "$tmp/ts.pkt" &&
	timeout 60 ./tcpsh run "$tmp/ts.pkt" >"$tmp/ts_replay.out" 2>&1; then
	pass save_timestamps_replay
else
	fail save_timestamps_replay "TS vals [$v1 $v2 $v3]; the replay or the saved script" "$tmp/ts_replay.out"
	sed 's/^/    out | /' "$tmp/ts.out" | tail -30
	sed 's/^/    pkt | /' "$tmp/ts.pkt" 2>/dev/null
fi
exit 0
