# bash completion for tcpsh: its subcommands, the options of the shell and of
# `tcpsh run` (with their fixed values), .pkt files after run, and lesson names
# (from the directory tcpsh lesson reads, see _tcpsh_lessons_dir) after lesson. Self-contained: needs no bash-completion helper.

# The directory `tcpsh lesson` reads: $TCPSH_LESSONS, else share/tcpsh/lessons
# beside the tcpsh in PATH (or lessons/ next to it), else ./lessons.
_tcpsh_lessons_dir()
{
	local bin d
	if [[ -n ${TCPSH_LESSONS-} ]]; then
		printf '%s\n' "$TCPSH_LESSONS"
		return
	fi
	if bin=$(type -P tcpsh); then
		for d in "${bin%/*}/../share/tcpsh/lessons" "${bin%/*}/lessons"; do
			[[ -d $d ]] && { printf '%s\n' "$d"; return; }
		done
	fi
	[[ -d lessons ]] && printf '%s\n' lessons
}

# Adds to COMPREPLY the directories and the *.pkt files that start with $1.
_tcpsh_pkt_files()
{
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	COMPREPLY+=($(compgen -d -- "$1") $(compgen -f -X '!*.pkt' -- "$1"))
}

_tcpsh()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local mode=shell i opt val
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in run | lesson) mode=${COMP_WORDS[i]}; break ;; esac
	done
	COMPREPLY=()

	# --opt=value: bash splits it into "--opt" "=" "value" (COMP_WORDBREAKS).
	if [[ $cur == --*=* ]]; then
		opt=${cur%%=*} val=${cur#*=}
	elif [[ $cur == = ]]; then
		opt=$prev val=
	elif [[ $prev == = ]] && ((COMP_CWORD >= 2)); then
		opt=${COMP_WORDS[COMP_CWORD-2]} val=$cur
	else
		opt=$prev val=$cur # --opt value
	fi

	case $mode:$opt in
	shell:--format)
		COMPREPLY=($(compgen -W 'tcpdump packetdrill' -- "$val")); return ;;
	shell:--pcap | run:--init_scripts)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$val")); return ;;
	run:--ip_version)
		COMPREPLY=($(compgen -W 'ipv4 ipv6 ipv4-mapped-ipv6' -- "$val")); return ;;
	lesson:--auto)
		return ;; # seconds per step, the user's choice
	run:--non_fatal)
		COMPREPLY=($(compgen -W 'packet' -- "$val")); return ;;
	run:-D | run:--define | run:--*_ip | run:--*_port | run:--mtu | run:--mss | run:--tolerance_* | run:--tcp_ts_tick_usecs)
		return ;; # a value the user chooses
	esac
	[[ $cur == = ]] && cur=

	case $mode in
	shell)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '--pcap --format --ascii --allow-shell --explain --color= --time= --json --present --present-delay= --help --version' -- "$cur"))
			[[ ${#COMPREPLY[@]} == 1 && $COMPREPLY == *= ]] && compopt -o nospace 2>/dev/null
		else
			COMPREPLY=($(compgen -W 'run lesson' -- "$cur"))
		fi ;;
	run)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '--ip_version= --local_ip= --remote_ip= --gateway_ip=
				--netmask_ip= --bind_port= --connect_port= --mtu= --mss= --tolerance_usecs=
				--tolerance_percent= --tcp_ts_tick_usecs= --tcp_ts_ecr_scaled
				--strict_segments --non_fatal= -D --define= --verbose --dry_run
				--init_scripts= --send_omit_free --allow-shell --json --help' -- "$cur"))
			[[ ${#COMPREPLY[@]} == 1 && $COMPREPLY == *= ]] && compopt -o nospace 2>/dev/null
		else
			_tcpsh_pkt_files "$cur"
		fi ;;
	lesson)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '--check --auto --json --then-shell --ascii --help' -- "$cur"))
			return
		fi
		local dir names
		dir=$(_tcpsh_lessons_dir)
		if [[ -n $dir && -d $dir ]]; then
			names=$(cd "$dir" && for f in *.pkt; do [[ -e $f ]] && printf '%s\n' "${f%.pkt}"; done)
			COMPREPLY=($(compgen -W "$names" -- "$cur"))
		fi
		# a FILE.pkt too, when a path is being typed or no lesson matches
		[[ $cur == */* || $cur == .* || ${#COMPREPLY[@]} == 0 ]] && _tcpsh_pkt_files "$cur" ;;
	esac
}
complete -F _tcpsh tcpsh
