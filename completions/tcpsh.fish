# fish completion for tcpsh: subcommands, the options of the shell and of
# `tcpsh run` (with their fixed values), .pkt files after run, and lesson names
# (from the directory tcpsh lesson reads, see __tcpsh_lessons) after lesson.

function __tcpsh_lessons
    # the directory tcpsh lesson reads: $TCPSH_LESSONS, else share/tcpsh/lessons
    # beside the tcpsh in PATH (or lessons/ next to it), else ./lessons
    set -l dir $TCPSH_LESSONS
    if test -z "$dir"
        set -l bin (path dirname -- (command -s tcpsh))
        for d in $bin/../share/tcpsh/lessons $bin/lessons lessons
            if test -n "$bin" -a -d $d; or test $d = lessons -a -d lessons
                set dir $d
                break
            end
        end
    end
    test -n "$dir"; or return
    set -l pkts $dir/*.pkt
    path basename -- $pkts | path change-extension ''
end

# The directories and the *.pkt files that start with the current token.
function __tcpsh_pkt_files
    set -l tok (commandline -ct)
    set -l dirs $tok*/
    set -l pkts $tok*.pkt
    string replace -r '/+$' / -- $dirs
    path filter -f -- $pkts
end

set -l sub 'run lesson'
complete -c tcpsh -f
complete -c tcpsh -n "not __fish_seen_subcommand_from $sub" -a run -d 'replay packetdrill scripts'
complete -c tcpsh -n "not __fish_seen_subcommand_from $sub" -a lesson -d 'a guided lesson'

# The interactive shell
set -l sh "not __fish_seen_subcommand_from $sub"
complete -c tcpsh -n $sh -l pcap -r -F -d 'write every segment to a pcap file'
complete -c tcpsh -n $sh -l format -x -a 'tcpdump packetdrill' -d 'how segments are printed'
complete -c tcpsh -n $sh -l ascii -d 'no Unicode symbols'
complete -c tcpsh -n $sh -l allow-shell -d 'run backquoted commands through /bin/sh'
complete -c tcpsh -n $sh -l present -d 'presenter mode for a class'
complete -c tcpsh -n $sh -l present-delay -x -d "seconds before the kernel's replies in presenter mode"
complete -c tcpsh -n $sh -l explain -d 'teaching mode: the TCP rule after each segment'
complete -c tcpsh -n $sh -l color -x -a 'auto always never' -d 'colour by direction'
complete -c tcpsh -n $sh -l time -x -a 'relative absolute delta' -d 'the time column'
complete -c tcpsh -n $sh -l json -d 'one JSON object per event'
complete -c tcpsh -n $sh -s h -l help -d usage
complete -c tcpsh -n $sh -l version -d 'the version'

# tcpsh run
set -l run '__fish_seen_subcommand_from run'
complete -c tcpsh -n $run -k -a '(__tcpsh_pkt_files)'
complete -c tcpsh -n $run -l ip_version -x -a 'ipv4 ipv6 ipv4-mapped-ipv6' -d 'address family'
for o in local_ip remote_ip gateway_ip netmask_ip bind_port connect_port mtu mss \
        tolerance_usecs tolerance_percent tcp_ts_tick_usecs define
    complete -c tcpsh -n $run -l $o -x
end
complete -c tcpsh -n $run -s D -x -d 'define NAME=VALUE'
complete -c tcpsh -n $run -l non_fatal -x -a packet
complete -c tcpsh -n $run -l init_scripts -r -F
complete -c tcpsh -n $run -s v -l verbose -d 'print the whole transcript'
complete -c tcpsh -n $run -l dry_run -d 'parse only'
complete -c tcpsh -n $run -l tcp_ts_ecr_scaled
complete -c tcpsh -n $run -l strict_segments
complete -c tcpsh -n $run -l send_omit_free
complete -c tcpsh -n $run -l allow-shell -d 'run backquoted commands through /bin/sh'
complete -c tcpsh -n $run -l json -d 'every event as a JSON object'
complete -c tcpsh -n $run -s h -l help -d usage

# tcpsh lesson NAME|FILE
complete -c tcpsh -n '__fish_seen_subcommand_from lesson' -a '(__tcpsh_lessons)' -d lesson
complete -c tcpsh -n '__fish_seen_subcommand_from lesson' -a '(__tcpsh_pkt_files)'
complete -c tcpsh -n '__fish_seen_subcommand_from lesson' -l check -d 'replay lessons as tests'
complete -c tcpsh -n '__fish_seen_subcommand_from lesson' -l auto -x -d 'advance every N seconds'
complete -c tcpsh -n '__fish_seen_subcommand_from lesson' -l json -d 'a machine-readable result'
complete -c tcpsh -n '__fish_seen_subcommand_from lesson' -l then-shell -d 'stay in the shell at the end'
complete -c tcpsh -n '__fish_seen_subcommand_from lesson' -l ascii -d 'no Unicode symbols'
complete -c tcpsh -n '__fish_seen_subcommand_from lesson' -s h -l help -d usage
