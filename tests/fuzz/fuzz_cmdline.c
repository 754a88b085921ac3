/*
 * libFuzzer harness: the command-line parser (src/options.c).  An input
 * is the argument list after the program name, the arguments separated
 * by NUL bytes (a trailing NUL ends the last one).  options_parse()
 * reports errors and returns false instead of exiting, so the harness
 * calls it directly, then releases everything with options_free().
 * Its messages go to stdout/stderr; run with -close_fd_mask=3.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-machine.h"
#include "options.h"
#include "util.h"

/* More arguments than any real command line; keeps the input bounded. */
#define FUZZ_MAX_ARGS 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = xzalloc(size + 1);
    char *argv[FUZZ_MAX_ARGS + 2];
    char prog[] = "qmachined";
    MachineOptions opts;
    bool exit_now = false;
    size_t pos = 0;
    int argc = 0;

    memcpy(copy, data, size);
    argv[argc++] = prog;
    while (pos < size && argc <= FUZZ_MAX_ARGS) {
        argv[argc++] = copy + pos;
        pos += strlen(copy + pos) + 1;
    }
    argv[argc] = NULL;

    memset(&opts, 0, sizeof(opts));
    (void)options_parse(&opts, argc, argv, &exit_now);
    options_free(&opts);
    free(copy);
    return 0;
}
