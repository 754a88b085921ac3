/* Test-only access to the simulated guest (tests/check_ospm.c). */
#ifndef QMACHINED_ACPI_OSPM_PRIV_H
#define QMACHINED_ACPI_OSPM_PRIV_H

/* How many times the guest has handled an SCI so far. */
unsigned ospm_priv_run_count(void);
/* As if the SCI level had just risen. */
void ospm_priv_sci(void);

#endif
