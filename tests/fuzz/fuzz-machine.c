/* See fuzz-machine.h. */
#include "fuzz-machine.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpi/ospm.h"
#include "loop.h"
#include "options.h"
#include "pc.h"
#include "qdev.h"
#include "qmp/commands.h"
#include "runstate.h"

/* The default machine's size, as src/main.c sets it. */
#define FUZZ_RAM_SIZE (1ull << 30)
#define FUZZ_SLOTS 8
#define FUZZ_MAXMEM (16ull << 30)

/* Lives as long as the process, like main()'s options. */
static MachineOptions opts;

void fuzz_machine_init(void)
{
    static bool done;
    char prog[] = "qmachined";
    char *argv[] = { prog, NULL };
    RunConfig rc = { 0 };
    bool exit_now = false;
    Error *err = NULL;

    if (done) {
        return;
    }
    done = true;
    if (!options_parse(&opts, 1, argv, &exit_now) || exit_now) {
        fprintf(stderr, "fuzz: cannot parse the default options\n");
        abort();
    }
    opts.ram_size = FUZZ_RAM_SIZE;
    opts.slots = FUZZ_SLOTS;
    opts.maxmem = FUZZ_MAXMEM;
    if (!loop_init()) {
        fprintf(stderr, "fuzz: cannot create the event loop\n");
        abort();
    }
    qmp_machine_set_identity(opts.name, opts.uuid, opts.smp_cpus);
    if (!qdev_machine_init("pc-i440fx-7.2-machine", &err) ||
        (pc_machine_set_options(&opts), !pc_machine_create(&opts, &err)) ||
        !ospm_init(&opts, &err)) {
        fprintf(stderr, "fuzz: cannot build the machine: %s\n",
                error_get_pretty(err));
        abort();
    }
    runstate_init(false, &rc);
}
