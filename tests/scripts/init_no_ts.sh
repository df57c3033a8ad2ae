sysctl -q net.ipv4.tcp_timestamps=0
