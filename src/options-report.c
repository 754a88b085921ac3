/* Messages about the command line; see options-report.h. */
#include "options-report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void options_warn(const char *fmt, ...)
{
    va_list ap;
    char *text;
    char *line;

    va_start(ap, fmt);
    text = xvasprintf(fmt, ap);
    va_end(ap);
    line = xasprintf("warning: %s", text);
    options_report(NULL, NULL, line);
    free(line);
    free(text);
}

void options_report(const char *option, const char *arg, const char *text)
{
    size_t len = strlen(text);

    if (option && arg) {
        fprintf(stderr, "%s: %s %s: ", OPTIONS_PROGNAME, option, arg);
    } else if (option) {
        fprintf(stderr, "%s: %s: ", OPTIONS_PROGNAME, option);
    } else {
        fprintf(stderr, "%s: ", OPTIONS_PROGNAME);
    }
    fputs(text, stderr);
    if (!len || text[len - 1] != '\n') {
        fputc('\n', stderr);
    }
}
