/*
 * lesson_main: the `tcpsh lesson` command line (list, find, check, play).
 */
#ifndef TCPSH_LESSON_MAIN_H
#define TCPSH_LESSON_MAIN_H

/* argv[0] is "lesson". Returns the exit status. */
int lesson_main(int argc, char **argv);

#endif
