/*
 * fw_cfg, the firmware configuration interface, on I/O ports: "fwcfg" at
 * 0x510 (a 16-bit selector write at 0x510, byte data reads at either port)
 * and "fwcfg.dma" at 0x514 (reads give the "QEMU CFG" signature; 32-bit
 * writes of the descriptor address, high half first, or one 64-bit write,
 * run a transfer).  Items are added by the machine; QEMU's access rules
 * are kept: other widths read 0 and write nothing.
 */
#include "isa.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define FW_CFG_CTL_SIZE 2
#define FW_CFG_DMA_SIZE 8
#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID 0x01
#define FW_CFG_FILE_DIR 0x19
#define FW_CFG_FILE_FIRST 0x20
#define FW_CFG_ARCH_LOCAL 0x8000
#define FW_CFG_ENTRY_MASK 0x3fff
#define FW_CFG_INVALID 0xffff
#define FW_CFG_MAX_ENTRY 0x4000
#define FW_CFG_MAX_FILES 64
#define FW_CFG_FILE_NAME_LEN 56
#define FW_CFG_SLOTS (FW_CFG_FILE_FIRST + FW_CFG_MAX_FILES)

#define FW_CFG_VERSION 0x01
#define FW_CFG_VERSION_DMA 0x02

/* DMA control bits (big-endian descriptor). */
#define DMA_CTL_ERROR 0x01
#define DMA_CTL_READ 0x02
#define DMA_CTL_SKIP 0x04
#define DMA_CTL_SELECT 0x08
#define DMA_CTL_WRITE 0x10

static const uint8_t dma_signature[FW_CFG_DMA_SIZE] = "QEMU CFG";

typedef struct FWCfgEntry {
    uint16_t key;
    uint32_t len;
    uint8_t *data;
} FWCfgEntry;

typedef struct FWCfgFile {
    char name[FW_CFG_FILE_NAME_LEN];
    uint16_t select;
} FWCfgFile;

struct FWCfgState {
    SysBusDevice parent_obj;
    /* Set by the board before realize. */
    MemoryRegion *io;
    uint16_t base, dma_base;
    AddressSpace *dma_as;
    /* Items and registers. */
    /*
     * The items that hold data, in the order added (a few dozen): only
     * keys below FW_CFG_SLOTS (generic or arch-local) ever do, any other
     * reads as an empty item.
     */
    FWCfgEntry *items;
    unsigned nr_items;
    /* The files, sorted by name: file i is item FW_CFG_FILE_FIRST + i. */
    FWCfgFile *files;
    unsigned nr_files;
    uint16_t cur_entry;
    uint32_t cur_offset;
    uint64_t dma_addr;
    MemoryRegion ctl_io, dma_io;
};

OBJECT_DECLARE_CASTS(FWCfgState, DeviceClass, FW_CFG, "fw_cfg")

/* The item with this key, or NULL for one that is empty. */
static FWCfgEntry *entry(FWCfgState *s, uint16_t key)
{
    unsigned i;

    key &= FW_CFG_ARCH_LOCAL | FW_CFG_ENTRY_MASK;
    for (i = 0; i < s->nr_items; i++) {
        if (s->items[i].key == key) {
            return &s->items[i];
        }
    }
    return NULL;
}

static FWCfgEntry *current(FWCfgState *s)
{
    if (s->cur_entry == FW_CFG_INVALID) {
        return NULL;
    }
    return entry(s, s->cur_entry);
}

static void fw_cfg_select(FWCfgState *s, uint16_t key)
{
    s->cur_offset = 0;
    if ((key & FW_CFG_ENTRY_MASK) >= FW_CFG_MAX_ENTRY) {
        s->cur_entry = FW_CFG_INVALID;
    } else {
        s->cur_entry = key;
    }
}

/* Item bytes as a big-endian number of 'size' bytes, zero-padded. */
static uint64_t fw_cfg_data_read(FWCfgState *s, unsigned size)
{
    FWCfgEntry *e = current(s);
    uint64_t value = 0;

    if (!e || !e->data || s->cur_offset >= e->len) {
        return 0;
    }
    do {
        value = (value << 8) | e->data[s->cur_offset++];
    } while (--size && s->cur_offset < e->len);
    return value << (8 * size);
}

static uint64_t ctl_read(void *opaque, uint64_t addr, unsigned size)
{
    (void)addr;
    if (size != 1) {
        return 0; /* QEMU refuses the access */
    }
    return fw_cfg_data_read(opaque, 1);
}

static void ctl_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    /* Byte writes (old data writes) are ignored since QEMU 2.4. */
    if (size == 2 && addr == 0) {
        fw_cfg_select(opaque, (uint16_t)val);
    }
}

static const MemoryRegionOps ctl_ops = {
    .read = ctl_read,
    .write = ctl_write,
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static uint32_t be32_at(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* What a DMA read past an item's end delivers. */
static const uint8_t dma_zeros[64 * 1024];

/* Runs the descriptor at dma_addr: control, length, address (BE). */
static void fw_cfg_dma_transfer(FWCfgState *s)
{
    uint8_t desc[16];
    uint32_t control, length;
    uint64_t addr;
    FWCfgEntry *e;
    uint8_t buf[256];

    address_space_read(s->dma_as, s->dma_addr, desc, sizeof(desc));
    control = be32_at(desc);
    length = be32_at(desc + 4);
    addr = ((uint64_t)be32_at(desc + 8) << 32) | be32_at(desc + 12);
    if (control & DMA_CTL_SELECT) {
        fw_cfg_select(s, (uint16_t)(control >> 16));
    }
    e = current(s);
    if (control & DMA_CTL_WRITE) {
        control = DMA_CTL_ERROR; /* fw_cfg items are read-only here */
    } else if (control & (DMA_CTL_READ | DMA_CTL_SKIP)) {
        /* The item's remaining bytes, then zeros for the rest. */
        while (length && e && e->data && s->cur_offset < e->len) {
            uint32_t n = length < sizeof(buf) ? length : sizeof(buf);

            if (n > e->len - s->cur_offset) {
                n = e->len - s->cur_offset;
            }
            memcpy(buf, e->data + s->cur_offset, n);
            if (control & DMA_CTL_READ) {
                address_space_write(s->dma_as, addr, buf, n);
            }
            s->cur_offset += n;
            addr += n;
            length -= n;
        }
        /*
         * Past the end: a read fills with zeros, in large pieces (a
         * descriptor may ask for up to 4 GiB), a skip does nothing.
         */
        while (length && (control & DMA_CTL_READ)) {
            uint32_t n =
                length < sizeof(dma_zeros) ? length : sizeof(dma_zeros);

            address_space_write(s->dma_as, addr, dma_zeros, n);
            addr += n;
            length -= n;
        }
        control = 0;
    } else {
        control = 0;
    }
    put_be32(desc, control);
    address_space_write(s->dma_as, s->dma_addr, desc, 4);
}

static uint64_t dma_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t v = 0;
    unsigned i;

    (void)opaque;
    /* The signature in memory order: a big-endian register. */
    for (i = 0; i < size && addr + i < FW_CFG_DMA_SIZE; i++) {
        v |= (uint64_t)dma_signature[addr + i] << (8 * i);
    }
    return v;
}

static uint64_t bswap(uint64_t v, unsigned size)
{
    uint64_t r = 0;
    unsigned i;

    for (i = 0; i < size; i++) {
        r = (r << 8) | ((v >> (8 * i)) & 0xff);
    }
    return r;
}

static void dma_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    FWCfgState *s = opaque;

    if (size == 4 && addr == 0) {
        s->dma_addr = bswap(val, 4) << 32;
    } else if (size == 4 && addr == 4) {
        s->dma_addr |= bswap(val, 4);
        fw_cfg_dma_transfer(s);
    } else if (size == 8 && addr == 0) {
        s->dma_addr = bswap(val, 8);
        fw_cfg_dma_transfer(s);
    }
}

static const MemoryRegionOps dma_ops = {
    .read = dma_read,
    .write = dma_write,
    .valid = { .max_access_size = 8, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
};

static void set_entry(FWCfgState *s, uint16_t key, uint8_t *data, uint32_t len)
{
    FWCfgEntry *e = entry(s, key);

    /* the board's keys are all below FW_CFG_SLOTS */
    assert((key & FW_CFG_ENTRY_MASK) < FW_CFG_SLOTS);
    if (!e) {
        s->items = xrealloc(s->items, (s->nr_items + 1) * sizeof(*s->items));
        e = &s->items[s->nr_items++];
        e->key = key;
    } else {
        free(e->data);
    }
    e->data = data;
    e->len = len;
}

void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data,
                      uint32_t len)
{
    uint8_t *copy = xmalloc(len ? len : 1);

    memcpy(copy, data, len);
    set_entry(s, key, copy, len);
}

void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t val)
{
    uint8_t b[2] = { (uint8_t)val, (uint8_t)(val >> 8) };

    fw_cfg_add_bytes(s, key, b, sizeof(b));
}

void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t val)
{
    uint8_t b[4];
    unsigned i;

    for (i = 0; i < 4; i++) {
        b[i] = (uint8_t)(val >> (8 * i));
    }
    fw_cfg_add_bytes(s, key, b, sizeof(b));
}

void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t val)
{
    uint8_t b[8];
    unsigned i;

    for (i = 0; i < 8; i++) {
        b[i] = (uint8_t)(val >> (8 * i));
    }
    fw_cfg_add_bytes(s, key, b, sizeof(b));
}

/* The directory: a BE32 count, then size, select, reserved, name each. */
static void rebuild_file_dir(FWCfgState *s)
{
    uint32_t len = 4 + s->nr_files * 64;
    uint8_t *dir = xzalloc(len);
    unsigned i;

    put_be32(dir, s->nr_files);
    for (i = 0; i < s->nr_files; i++) {
        uint8_t *f = dir + 4 + i * 64;
        FWCfgEntry *e = entry(s, s->files[i].select);

        put_be32(f, e ? e->len : 0);
        f[4] = (uint8_t)(s->files[i].select >> 8);
        f[5] = (uint8_t)s->files[i].select;
        memcpy(f + 8, s->files[i].name, FW_CFG_FILE_NAME_LEN);
    }
    set_entry(s, FW_CFG_FILE_DIR, dir, len);
}

void fw_cfg_add_file(FWCfgState *s, const char *name, const void *data,
                     uint32_t len)
{
    unsigned i, pos;

    if (s->nr_files >= FW_CFG_MAX_FILES) {
        return;
    }
    /* Files are kept sorted by name; their selectors follow that order. */
    for (pos = 0; pos < s->nr_files; pos++) {
        if (strcmp(name, s->files[pos].name) < 0) {
            break;
        }
    }
    /* The files after it move up one selector, their items with them. */
    for (i = 0; i < s->nr_items; i++) {
        uint16_t key = s->items[i].key;

        if (key >= FW_CFG_FILE_FIRST + pos &&
            key < FW_CFG_FILE_FIRST + s->nr_files) {
            s->items[i].key = key + 1;
        }
    }
    s->files = xrealloc(s->files, (s->nr_files + 1) * sizeof(*s->files));
    memmove(&s->files[pos + 1], &s->files[pos],
            (s->nr_files - pos) * sizeof(s->files[0]));
    memset(&s->files[pos], 0, sizeof(s->files[pos]));
    snprintf(s->files[pos].name, sizeof(s->files[pos].name), "%s", name);
    s->nr_files++;
    for (i = 0; i < s->nr_files; i++) {
        s->files[i].select = (uint16_t)(FW_CFG_FILE_FIRST + i);
    }
    fw_cfg_add_bytes(s, (uint16_t)(FW_CFG_FILE_FIRST + pos), data, len);
    rebuild_file_dir(s);
}

void fw_cfg_reset(FWCfgState *s)
{
    fw_cfg_select(s, FW_CFG_SIGNATURE);
}

static bool fw_cfg_io_realize(DeviceState *dev, Error **errp)
{
    FWCfgState *s = FW_CFG(dev);
    static const char sig[4] = { 'Q', 'E', 'M', 'U' };

    (void)errp;
    fw_cfg_add_bytes(s, FW_CFG_SIGNATURE, sig, sizeof(sig));
    fw_cfg_add_i32(s, FW_CFG_ID, FW_CFG_VERSION | FW_CFG_VERSION_DMA);
    rebuild_file_dir(s);
    memory_region_init_io(&s->ctl_io, NULL, &ctl_ops, s, "fwcfg",
                          FW_CFG_CTL_SIZE);
    memory_region_init_io(&s->dma_io, NULL, &dma_ops, s, "fwcfg.dma",
                          FW_CFG_DMA_SIZE);
    if (s->io) {
        memory_region_add_subregion(s->io, s->base, &s->ctl_io);
        memory_region_add_subregion(s->io, s->dma_base, &s->dma_io);
    }
    fw_cfg_reset(s);
    return true;
}

static void fw_cfg_qdev_reset(DeviceState *dev)
{
    fw_cfg_reset(FW_CFG(dev));
}

static void fw_cfg_class_init(ObjectClass *klass, void *data)
{
    (void)data;
    DEVICE_CLASS(klass)->reset = fw_cfg_qdev_reset;
}

static void fw_cfg_io_class_init(ObjectClass *klass, void *data)
{
    (void)data;
    DEVICE_CLASS(klass)->realize = fw_cfg_io_realize;
}

const TypeInfo fw_cfg_type_info = {
    .name = "fw_cfg",
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(FWCfgState),
    .class_size = sizeof(DeviceClass),
    .class_init = fw_cfg_class_init,
    .abstract = true,
};

const TypeInfo fw_cfg_io_type_info = {
    .name = TYPE_FW_CFG_IO,
    .parent = "fw_cfg",
    .class_size = sizeof(DeviceClass),
    .class_init = fw_cfg_io_class_init,
};

/* Under a machine the device is /machine/fw_cfg, as in QEMU. */
FWCfgState *fw_cfg_init_io_dma(MemoryRegion *io, uint16_t base,
                               uint16_t dma_base, AddressSpace *dma_as)
{
    FWCfgState *s = FW_CFG(qdev_new(TYPE_FW_CFG_IO));
    Object *machine = qdev_get_machine();

    s->io = io;
    s->base = base;
    s->dma_base = dma_base;
    s->dma_as = dma_as;
    if (machine) {
        object_property_add_child(machine, "fw_cfg", OBJECT(s));
    }
    isa_realize_board(s);
    return s;
}
