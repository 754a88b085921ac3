/* Accelerator QOM types (introspection only): see accel.c. */
#ifndef QMACHINED_ACCEL_H
#define QMACHINED_ACCEL_H

#define TYPE_ACCEL "accel"

void accel_register_types(void);

#endif
