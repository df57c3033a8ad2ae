# Sourced by run and pd-verdicts: the corpus README's arguments for a family,
# as the array args. $1 is ipv4 or ipv6.
case $1 in
ipv4) args=(--ip_version=ipv4 --local_ip=192.168.0.1 --gateway_ip=192.168.0.1
	--netmask_ip=255.255.0.0 --remote_ip=192.0.2.1
	-D TFO_COOKIE=3021b9d889017eeb -D CODE=host_unreachable
	-D CMSG_LEVEL_IP=SOL_IP -D CMSG_TYPE_RECVERR=IP_RECVERR) ;;
ipv6) args=(--ip_version=ipv6 --mtu=1520 --local_ip=fd3d:0a0b:17d6::1
	--gateway_ip=fd3d:0a0b:17d6:8888::1 --remote_ip=fd3d:fa7b:d17d::1
	-D TFO_COOKIE=c1d1e9742a47a9bc -D CMSG_LEVEL_IP=SOL_IPV6
	-D CMSG_TYPE_RECVERR=IPV6_RECVERR) ;;
*) echo "FAMILY must be ipv4 or ipv6" >&2; exit 2 ;;
esac
