/*
 * help: the text of `help` and `help TOPIC`, one table row per topic.
 */
#ifndef TCPSH_HELP_H
#define TCPSH_HELP_H

#include "sb.h"

/* Appends the help for topic (NULL: the overview). Returns -1 for an unknown
 * topic, after appending a message listing the topics. */
int help_text(const char *topic, struct sb *out);
/* Topic names, for completion: NULL after the last. */
const char *help_topic_at(size_t i);

#endif
