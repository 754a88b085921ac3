/*
 * Messages about the command line on stderr, as QEMU prints them with
 * the option's location: "qmachined: OPTION ARG: TEXT" and
 * "qmachined: warning: TEXT".  Used by the parser and the subjects it
 * calls (options.c, machine-props.c, memory-size.c, smp.c, chardev.c,
 * numa.c), and by the daemon for errors it finds at start-up.
 */
#ifndef QMACHINED_OPTIONS_REPORT_H
#define QMACHINED_OPTIONS_REPORT_H

/* Program name used in messages. */
#define OPTIONS_PROGNAME "qmachined"

/*
 * Prints "qmachined: OPTION ARG: TEXT" to stderr (just "qmachined: TEXT"
 * when option is NULL), as QEMU reports errors tied to an option, e.g.
 * for a -device whose device_add fails at start-up.
 */
void options_report(const char *option, const char *arg, const char *text);

/* Prints "qmachined: warning: TEXT" to stderr (no option location). */
void options_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
