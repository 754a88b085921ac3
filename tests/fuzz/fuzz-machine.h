/*
 * Shared set-up for the libFuzzer harnesses: the documented default pc
 * machine, built once per process as src/main.c builds it (without any
 * listening front end), so every input runs against the real model.
 */
#ifndef QMACHINED_FUZZ_MACHINE_H
#define QMACHINED_FUZZ_MACHINE_H

#include <stddef.h>
#include <stdint.h>

/* Builds the machine on the first call; aborts if that fails. */
void fuzz_machine_init(void);

/* libFuzzer's entry point, defined by each harness. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
