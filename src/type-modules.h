/*
 * Every module that registers QOM types, one line each:
 * QM_TYPE_MODULE(prefix) calls prefix_register_types() at start-up
 * (object_register_all_types), in this order: it decides where each
 * type lands in the type table, so new modules go at the end.
 */
QM_TYPE_MODULE(qdev)
QM_TYPE_MODULE(pci)
QM_TYPE_MODULE(i440fx)
QM_TYPE_MODULE(piix3)
QM_TYPE_MODULE(piix_ide)
QM_TYPE_MODULE(sysbus)
QM_TYPE_MODULE(ioapic)
QM_TYPE_MODULE(i8259)
QM_TYPE_MODULE(isa)
QM_TYPE_MODULE(piix4_pm)
QM_TYPE_MODULE(user_creatable)
QM_TYPE_MODULE(backend)
QM_TYPE_MODULE(dimm)
QM_TYPE_MODULE(virtio_pci)
QM_TYPE_MODULE(virtio_balloon)
QM_TYPE_MODULE(virtio_rng)
QM_TYPE_MODULE(virtio_net)
QM_TYPE_MODULE(virtio_serial)
QM_TYPE_MODULE(e1000)
QM_TYPE_MODULE(pc)
QM_TYPE_MODULE(hpet)
QM_TYPE_MODULE(accel)
QM_TYPE_MODULE(secret)
QM_TYPE_MODULE(chardev_socket)
QM_TYPE_MODULE(cpu)
QM_TYPE_MODULE(apic)
QM_TYPE_MODULE(x86_cpu)
