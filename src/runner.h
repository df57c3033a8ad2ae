/*
 * runner: `tcpsh run [OPTIONS] SCRIPT...`, packetdrill-compatible replay.
 * Each script runs in a child process with a fresh private namespace, in the
 * script's directory, with packetdrill's command-line options (also
 * accepted as header lines in the script). Exit status: 0 every script
 * passed, 1 one failed, 2 a usage or syntax error, 3 no privileges.
 */
#ifndef TCPSH_RUNNER_H
#define TCPSH_RUNNER_H

int runner_main(int argc, char **argv);

#endif
