/* Unit tests: the memory API (rendering, transactions, listeners, access). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "qmp/commands.h"
#include "src/memory.h"
#include "src/memslots.h"
#include "src/util.h"

/* ---- helpers ---------------------------------------------------------- */

static char *flat_text(void)
{
    return memory_info_mtree(true);
}

/* The lines of FlatView #0 (the "memory" space) after its header. */
static void assert_memory_view(const char *const *lines, size_t n)
{
    char *text = flat_text();
    char *p = strstr(text, " Root memory region:");
    size_t i;

    ck_assert_ptr_nonnull(p);
    p = strchr(p, '\n') + 1;
    for (i = 0; i < n; i++) {
        size_t len = strlen(lines[i]);

        if (strncmp(p, lines[i], len) != 0 || p[len] != '\n') {
            ck_abort_msg("line %zu: expected '%s' in\n%s", i, lines[i], text);
        }
        p += len + 1;
    }
    ck_assert_msg(*p == '\n', "extra lines in\n%s", text);
    free(text);
}

/* ---- docs/devel/memory.rst overlap example ------------------------- */

START_TEST(test_doc_example)
{
    MemoryRegion ram, lomem, himem, vga_window, pci_hole, pci, vga_area;
    MemoryRegion vram_lo, vram_hi, vram, vga_mmio;
    static const MemoryRegionOps nops = { 0 };
    static const char *const expect[] = {
        "  0000000000000000-000000000009ffff (prio 0, ram): ram",
        "  00000000000a0000-00000000000a7fff (prio 0, ram): vram "
        "@0000000000010000",
        "  00000000000a8000-00000000000affff (prio 0, ram): vram "
        "@0000000000020000",
        "  00000000000b0000-00000000dfffffff (prio 0, ram): ram "
        "@00000000000b0000",
        "  00000000e1000000-00000000e1ffffff (prio 0, ram): vram",
        "  00000000e2000000-00000000e200ffff (prio 0, i/o): vga-mmio",
        "  0000000100000000-000000011fffffff (prio 0, ram): ram "
        "@00000000e0000000",
    };

    memory_init();
    memory_region_init_ram(&ram, NULL, "ram", 0x100000000ULL);
    memory_region_init(&pci, NULL, "pci", 0x100000000ULL);
    memory_region_init_ram(&vram, NULL, "vram", 0x1000000);
    memory_region_init_io(&vga_mmio, NULL, &nops, NULL, "vga-mmio", 0x10000);
    memory_region_init(&vga_area, NULL, "vga-area", 0x20000);
    memory_region_init_alias(&vram_lo, NULL, "vram-lo", &vram, 0x10000, 0x8000);
    memory_region_init_alias(&vram_hi, NULL, "vram-hi", &vram, 0x20000, 0x8000);
    memory_region_add_subregion(&vga_area, 0, &vram_lo);
    memory_region_add_subregion(&vga_area, 0x8000, &vram_hi);
    memory_region_add_subregion(&pci, 0xa0000, &vga_area);
    memory_region_add_subregion(&pci, 0xe1000000, &vram);
    memory_region_add_subregion(&pci, 0xe2000000, &vga_mmio);

    memory_region_init_alias(&lomem, NULL, "lomem", &ram, 0, 0xe0000000);
    memory_region_init_alias(&himem, NULL, "himem", &ram, 0xe0000000,
                             0x20000000);
    memory_region_init_alias(&vga_window, NULL, "vga-window", &pci, 0xa0000,
                             0x20000);
    memory_region_init_alias(&pci_hole, NULL, "pci-hole", &pci, 0xe0000000,
                             0x20000000);
    memory_region_transaction_begin();
    memory_region_add_subregion(get_system_memory(), 0, &lomem);
    memory_region_add_subregion(get_system_memory(), 0x100000000ULL, &himem);
    memory_region_add_subregion_overlap(get_system_memory(), 0xa0000,
                                        &vga_window, 1);
    memory_region_add_subregion(get_system_memory(), 0xe0000000, &pci_hole);
    memory_region_transaction_commit();

    assert_memory_view(expect, ARRAY_SIZE(expect));

    /* Unassigned memory reads as zero; the pci hole gap is unassigned. */
    ck_assert_uint_eq(address_space_ld(&address_space_memory, 0xe0000000, 4),
                      0);
    address_space_st(&address_space_memory, 0xa0004, 0xdeadbeef, 4);
    ck_assert_uint_eq(address_space_ld(&address_space_memory, 0xe1010004, 4),
                      0xdeadbeef);
    address_space_st(&address_space_memory, 0x100000010ULL, 0x55, 1);
    {
        uint8_t b = 0;

        memory_region_ram_read(&ram, 0xe0000010, &b, 1);
        ck_assert_uint_eq(b, 0x55);
    }

    memory_region_transaction_begin();
    memory_region_del_subregion(get_system_memory(), &lomem);
    memory_region_del_subregion(get_system_memory(), &himem);
    memory_region_del_subregion(get_system_memory(), &vga_window);
    memory_region_del_subregion(get_system_memory(), &pci_hole);
    memory_region_transaction_commit();
    memory_region_finalize(&lomem);
    memory_region_finalize(&himem);
    memory_region_finalize(&vga_window);
    memory_region_finalize(&pci_hole);
    memory_region_del_subregion(&pci, &vga_area);
    memory_region_finalize(&vga_area); /* drops vram-lo/hi too */
    memory_region_finalize(&vram_lo);
    memory_region_finalize(&vram_hi);
    memory_region_del_subregion(&pci, &vram);
    memory_region_finalize(&vram);
    memory_region_finalize(&pci);
    memory_region_finalize(&vga_mmio);
    memory_region_finalize(&ram);
    memory_cleanup();
}
END_TEST

/* ---- priorities, newest-first, disabled, merging -------------------- */

START_TEST(test_priorities)
{
    MemoryRegion a, b, c, d;
    static const char *const expect1[] = {
        "  0000000000001000-0000000000001fff (prio 0, ram): b",
        "  0000000000002000-0000000000002fff (prio 0, ram): a "
        "@0000000000001000",
        "  0000000000003000-0000000000003fff (prio 2, ram): c",
    };
    static const char *const expect2[] = {
        "  0000000000001000-0000000000002fff (prio 0, ram): a",
        "  0000000000003000-0000000000003fff (prio 2, ram): c",
    };
    static const char *const expect3[] = {
        "  0000000000001000-0000000000001fff (prio 0, ram): a",
        "  0000000000002000-0000000000002fff (prio 5, rom): d",
        "  0000000000003000-0000000000003fff (prio 2, ram): c",
    };

    memory_init();
    memory_region_init_ram(&a, NULL, "a", 0x2000);
    memory_region_init_ram(&b, NULL, "b", 0x1000);
    memory_region_init_ram(&c, NULL, "c", 0x1000);
    memory_region_init_rom(&d, NULL, "d", 0x1000);
    memory_region_add_subregion(get_system_memory(), 0x1000, &a);
    /* Same priority: the newer one (b) wins. */
    memory_region_add_subregion(get_system_memory(), 0x1000, &b);
    memory_region_add_subregion_overlap(get_system_memory(), 0x3000, &c, 2);
    assert_memory_view(expect1, ARRAY_SIZE(expect1));

    /* Disabling b uncovers a, and a's two pieces merge back. */
    memory_region_set_enabled(&b, false);
    assert_memory_view(expect2, ARRAY_SIZE(expect2));

    /* A ROM on top with a higher priority. */
    memory_region_add_subregion_overlap(get_system_memory(), 0x2000, &d, 5);
    assert_memory_view(expect3, ARRAY_SIZE(expect3));

    /* ROM writes are ignored, RAM writes stick. */
    address_space_st(&address_space_memory, 0x2000, 0x1234, 2);
    ck_assert_uint_eq(address_space_ld(&address_space_memory, 0x2000, 2), 0);
    address_space_st(&address_space_memory, 0x1ffe, 0xabcd, 2);
    ck_assert_uint_eq(address_space_ld(&address_space_memory, 0x1ffe, 2),
                      0xabcd);
    memory_region_ram_write(&d, 0, "\x11\x22", 2);
    ck_assert_uint_eq(address_space_ld(&address_space_memory, 0x2000, 2),
                      0x2211);

    memory_region_del_subregion(get_system_memory(), &a);
    memory_region_del_subregion(get_system_memory(), &b);
    memory_region_del_subregion(get_system_memory(), &c);
    memory_region_del_subregion(get_system_memory(), &d);
    memory_region_finalize(&a);
    memory_region_finalize(&b);
    memory_region_finalize(&c);
    memory_region_finalize(&d);
    memory_cleanup();
}
END_TEST

/* ---- transactions ----------------------------------------------------- */

START_TEST(test_transaction_depth)
{
    MemoryRegion r[3];
    uint64_t before;
    unsigned i;

    memory_init();
    for (i = 0; i < 3; i++) {
        char name[8];

        snprintf(name, sizeof(name), "r%u", i);
        memory_region_init_ram(&r[i], NULL, name, 0x1000);
    }
    before = memory_render_count();
    memory_region_transaction_begin();
    memory_region_add_subregion(get_system_memory(), 0x0000, &r[0]);
    memory_region_transaction_begin();
    memory_region_add_subregion(get_system_memory(), 0x1000, &r[1]);
    memory_region_add_subregion(get_system_memory(), 0x2000, &r[2]);
    memory_region_transaction_commit();
    ck_assert_uint_eq(memory_render_count(), before);
    memory_region_transaction_commit();
    ck_assert_uint_eq(memory_render_count(), before + 1);

    /* A transaction that changes nothing renders nothing. */
    memory_region_transaction_begin();
    memory_region_set_enabled(&r[0], true);
    memory_region_transaction_commit();
    ck_assert_uint_eq(memory_render_count(), before + 1);

    /* Each implicit transaction renders once. */
    memory_region_del_subregion(get_system_memory(), &r[2]);
    ck_assert_uint_eq(memory_render_count(), before + 2);

    memory_region_del_subregion(get_system_memory(), &r[0]);
    memory_region_del_subregion(get_system_memory(), &r[1]);
    for (i = 0; i < 3; i++) {
        memory_region_finalize(&r[i]);
    }
    memory_cleanup();
}
END_TEST

/* ---- listeners -------------------------------------------------------- */

typedef struct Recorder {
    MemoryListener l;
    char log[2048];
} Recorder;

static void rec(MemoryListener *l, const char *what, MemoryRegionSection *s)
{
    Recorder *r = (Recorder *)l;
    size_t len = strlen(r->log);

    if (s) {
        snprintf(r->log + len, sizeof(r->log) - len, "%s:%s %s@%llx+%llx;",
                 l->name, what, memory_region_name(s->mr),
                 (unsigned long long)s->offset_within_address_space,
                 (unsigned long long)s->size);
    } else {
        snprintf(r->log + len, sizeof(r->log) - len, "%s:%s;", l->name, what);
    }
}

static char shared_log[4096];

static void rec_shared(MemoryListener *l, const char *what,
                       MemoryRegionSection *s)
{
    size_t len = strlen(shared_log);

    if (s) {
        snprintf(shared_log + len, sizeof(shared_log) - len, "%s:%s %s;",
                 l->name, what, memory_region_name(s->mr));
    } else {
        snprintf(shared_log + len, sizeof(shared_log) - len, "%s:%s;", l->name,
                 what);
    }
}

static void l_begin(MemoryListener *l)
{
    rec(l, "begin", NULL);
    rec_shared(l, "begin", NULL);
}

static void l_commit(MemoryListener *l)
{
    rec(l, "commit", NULL);
    rec_shared(l, "commit", NULL);
}

static void l_add(MemoryListener *l, MemoryRegionSection *s)
{
    rec(l, "add", s);
    rec_shared(l, "add", s);
}

static void l_del(MemoryListener *l, MemoryRegionSection *s)
{
    rec(l, "del", s);
    rec_shared(l, "del", s);
}

static void l_nop(MemoryListener *l, MemoryRegionSection *s)
{
    rec(l, "nop", s);
    rec_shared(l, "nop", s);
}

START_TEST(test_listeners)
{
    Recorder hi = { 0 }, lo = { 0 };
    MemoryRegion a, b;

    memory_init();
    memory_region_init_ram(&a, NULL, "a", 0x2000);
    memory_region_init_ram(&b, NULL, "b", 0x1000);
    memory_region_add_subregion(get_system_memory(), 0, &a);

    hi.l = (MemoryListener){ l_begin, l_commit, l_add, l_del,
                             l_nop,   20,       "hi",  NULL };
    lo.l = (MemoryListener){ l_begin, l_commit, l_add, l_del,
                             l_nop,   5,        "lo",  NULL };
    memory_listener_register(&hi.l, &address_space_memory);
    ck_assert_str_eq(hi.log, "hi:begin;hi:add a@0+2000;hi:commit;");
    memory_listener_register(&lo.l, &address_space_memory);
    ck_assert_str_eq(lo.log, "lo:begin;lo:add a@0+2000;lo:commit;");

    /* b covers a's second page: a is split (del, then add + add). */
    shared_log[0] = 0;
    memory_region_add_subregion(get_system_memory(), 0x1000, &b);
    ck_assert_str_eq(shared_log, "lo:begin;hi:begin;"
                                 "hi:del a;lo:del a;"
                                 "lo:add a;hi:add a;lo:add b;hi:add b;"
                                 "lo:commit;hi:commit;");

    /* Unrelated change: everything is a nop. */
    shared_log[0] = 0;
    memory_region_set_readonly(&b, false); /* no change at all */
    ck_assert_str_eq(shared_log, "");
    memory_region_set_size(&b, 0x800);
    ck_assert_str_eq(shared_log,
                     "lo:begin;hi:begin;"
                     "hi:del b;lo:del b;"
                     "lo:nop a;hi:nop a;lo:add b;hi:add b;lo:add a;hi:add a;"
                     "lo:commit;hi:commit;");

    shared_log[0] = 0;
    memory_listener_unregister(&hi.l);
    ck_assert_str_eq(shared_log,
                     "hi:begin;hi:del a;hi:del b;hi:del a;hi:commit;");
    memory_listener_unregister(&lo.l);

    memory_region_del_subregion(get_system_memory(), &a);
    memory_region_del_subregion(get_system_memory(), &b);
    memory_region_finalize(&a);
    memory_region_finalize(&b);
    memory_cleanup();
}
END_TEST

/* ---- access sizes ----------------------------------------------------- */

typedef struct Dev {
    char log[512];
    uint64_t regs;
} Dev;

static uint64_t dev_read(void *opaque, uint64_t addr, unsigned size)
{
    Dev *d = opaque;
    size_t len = strlen(d->log);

    snprintf(d->log + len, sizeof(d->log) - len, "r%u@%llx;", size,
             (unsigned long long)addr);
    return 0x1111111111111111ULL * (addr + 1);
}

static void dev_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    Dev *d = opaque;
    size_t len = strlen(d->log);

    snprintf(d->log + len, sizeof(d->log) - len, "w%u@%llx=%llx;", size,
             (unsigned long long)addr, (unsigned long long)val);
}

START_TEST(test_access_sizes)
{
    static const MemoryRegionOps byte_ops = {
        .read = dev_read,
        .write = dev_write,
        .impl = { .min_access_size = 1, .max_access_size = 1 },
    };
    static const MemoryRegionOps word_only_ops = {
        .read = dev_read,
        .write = dev_write,
        .valid = { .min_access_size = 2, .max_access_size = 2 },
        .impl = { .min_access_size = 2, .max_access_size = 2 },
    };
    static const MemoryRegionOps wide_ops = {
        .read = dev_read,
        .write = dev_write,
        .impl = { .min_access_size = 4, .max_access_size = 4 },
    };
    MemoryRegion r1, r2, r3;
    Dev d1 = { "", 0 }, d2 = { "", 0 }, d3 = { "", 0 };
    uint8_t buf[8];
    uint64_t v;

    memory_init();
    memory_region_init_io(&r1, NULL, &byte_ops, &d1, "bytes", 8);
    memory_region_init_io(&r2, NULL, &word_only_ops, &d2, "words", 8);
    memory_region_init_io(&r3, NULL, &wide_ops, &d3, "wide", 8);
    memory_region_add_subregion(get_system_io(), 0x100, &r1);
    memory_region_add_subregion(get_system_io(), 0x200, &r2);
    memory_region_add_subregion(get_system_io(), 0x300, &r3);

    /* A 4-byte access to a byte-wide device is split into four. */
    v = address_space_ld(&address_space_io, 0x100, 4);
    ck_assert_str_eq(d1.log, "r1@0;r1@1;r1@2;r1@3;");
    ck_assert_uint_eq(v, 0x44332211);
    d1.log[0] = 0;
    address_space_st(&address_space_io, 0x102, 0xaabb, 2);
    ck_assert_str_eq(d1.log, "w1@2=bb;w1@3=aa;");

    /* Outside valid: rejected, reads 0, the device never sees it. */
    v = address_space_ld(&address_space_io, 0x200, 4);
    ck_assert_uint_eq(v, 0);
    ck_assert_str_eq(d2.log, "");
    /* Buffer reads split to what is valid. */
    address_space_read(&address_space_io, 0x200, buf, 4);
    ck_assert_str_eq(d2.log, "r2@0;r2@2;");
    /* A 1-byte read of a 2-byte-only device is invalid. */
    d2.log[0] = 0;
    v = address_space_ld(&address_space_io, 0x200, 1);
    ck_assert_uint_eq(v, 0);
    ck_assert_str_eq(d2.log, "");

    /* Narrower than impl.min: one wide access, value truncated. */
    v = address_space_ld(&address_space_io, 0x301, 1);
    ck_assert_str_eq(d3.log, "r4@1;");
    ck_assert_uint_eq(v, 0x22);

    /* Unassigned ports read as all-ones. */
    ck_assert_uint_eq(address_space_ld(&address_space_io, 0x1234, 1), 0xff);
    address_space_read(&address_space_io, 0x1233, buf, 4);
    ck_assert_uint_eq(buf[0] & buf[1] & buf[2] & buf[3], 0xff);

    /* I/O accesses are not clipped at the end of a range. */
    memory_region_set_size(&r1, 2);
    d1.log[0] = 0;
    address_space_read(&address_space_io, 0x100, buf, 4);
    ck_assert_str_eq(d1.log, "r1@0;r1@1;r1@2;r1@3;");
    /* ...but they are bounded by the address's alignment. */
    d1.log[0] = 0;
    address_space_read(&address_space_io, 0x101, buf, 4);
    ck_assert_str_eq(d1.log, "r1@1;");

    memory_region_del_subregion(get_system_io(), &r1);
    memory_region_del_subregion(get_system_io(), &r2);
    memory_region_del_subregion(get_system_io(), &r3);
    memory_region_finalize(&r1);
    memory_region_finalize(&r2);
    memory_region_finalize(&r3);
    memory_cleanup();
}
END_TEST

/* ---- RAM ---------------------------------------------------------------- */

START_TEST(test_sparse_ram)
{
    MemoryRegion big;
    uint8_t buf[16];

    memory_init();
    memory_region_init_ram(&big, NULL, "big", 16ULL << 30);
    memory_region_add_subregion(get_system_memory(), 0, &big);
    ck_assert_uint_eq(memory_region_ram_pages_allocated(&big), 0);
    address_space_read(&address_space_memory, 0x3ffffff00ULL, buf, 16);
    ck_assert_uint_eq(memory_region_ram_pages_allocated(&big), 0);
    address_space_write(&address_space_memory, 0x3ffffeffcULL, "0123456789",
                        10);
    ck_assert_uint_eq(memory_region_ram_pages_allocated(&big), 2);
    address_space_read(&address_space_memory, 0x3ffffeffcULL, buf, 10);
    ck_assert_int_eq(memcmp(buf, "0123456789", 10), 0);
    ck_assert_uint_eq(
        address_space_ld(&address_space_memory, 0x3fffff000ULL, 4), 0x37363534);
    memory_region_del_subregion(get_system_memory(), &big);
    memory_region_finalize(&big);
    memory_cleanup();
}
END_TEST

/* ---- info mtree --------------------------------------------------------- */

START_TEST(test_mtree_text)
{
    MemoryRegion ram, below, pci, rom, hidden;
    static const MemoryRegionOps nops = { 0 };
    char *t;
    static const char expect[] =
        "address-space: memory\n"
        "  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n"
        "    0000000000000000-0000000007ffffff (prio 0, ram): alias "
        "ram-below-4g @pc.ram 0000000000000000-0000000007ffffff\n"
        "    0000000000000000-ffffffffffffffff (prio -1, i/o): pci\n"
        "      00000000000c0000-00000000000dffff (prio 1, rom): pc.rom\n"
        "      00000000000d0000-00000000000d0fff (prio 0, i/o): hidden "
        "[disabled]\n"
        "\n"
        "address-space: I/O\n"
        "  0000000000000000-000000000000ffff (prio 0, i/o): io\n"
        "\n"
        "memory-region: pc.ram\n"
        "  0000000000000000-0000000007ffffff (prio 0, ram): pc.ram\n"
        "\n";

    memory_init();
    memory_region_init_ram(&ram, NULL, "pc.ram", 128 << 20);
    memory_region_init_alias(&below, NULL, "ram-below-4g", &ram, 0, 128 << 20);
    memory_region_init(&pci, NULL, "pci", UINT64_MAX);
    memory_region_init_rom(&rom, NULL, "pc.rom", 0x20000);
    memory_region_init_io(&hidden, NULL, &nops, NULL, "hidden", 0x1000);
    memory_region_set_enabled(&hidden, false);
    memory_region_add_subregion(get_system_memory(), 0, &below);
    memory_region_add_subregion_overlap(get_system_memory(), 0, &pci, -1);
    memory_region_add_subregion_overlap(&pci, 0xc0000, &rom, 1);
    memory_region_add_subregion(&pci, 0xd0000, &hidden);

    t = memory_info_mtree_full(false, true, false);
    ck_assert_str_eq(t, expect);
    free(t);
    t = memory_info_mtree(false);
    ck_assert_ptr_null(strstr(t, "hidden"));
    free(t);

    t = memory_info_mtree(true);
    ck_assert_str_eq(
        t, "FlatView #0\n"
           " AS \"memory\", root: system\n"
           " Root memory region: system\n"
           "  0000000000000000-0000000007ffffff (prio 0, ram): pc.ram\n"
           "\n"
           "FlatView #1\n"
           " AS \"I/O\", root: io\n"
           " Root memory region: io\n"
           "  0000000000000000-000000000000ffff (prio 0, i/o): io\n"
           "\n");
    free(t);

    memory_region_del_subregion(&pci, &hidden);
    memory_region_del_subregion(&pci, &rom);
    memory_region_del_subregion(get_system_memory(), &pci);
    memory_region_del_subregion(get_system_memory(), &below);
    memory_region_finalize(&hidden);
    memory_region_finalize(&rom);
    memory_region_finalize(&pci);
    memory_region_finalize(&below);
    memory_region_finalize(&ram);
    memory_cleanup();
}
END_TEST

/* ---- memslots ------------------------------------------------------------ */

START_TEST(test_memslots)
{
    MemoryRegion ram, below, above, bios, dimm;
    MemSlots *ms;
    json_t *j;
    const MemSlot *s;

    memory_init();
    memory_region_init_ram(&ram, NULL, "pc.ram", 0x100000000ULL);
    memory_region_init_alias(&below, NULL, "ram-below-4g", &ram, 0, 0xc0000000);
    memory_region_init_alias(&above, NULL, "ram-above-4g", &ram, 0xc0000000,
                             0x40000000);
    memory_region_init_rom(&bios, NULL, "pc.bios", 0x40000);
    memory_region_add_subregion(get_system_memory(), 0, &below);
    memory_region_add_subregion(get_system_memory(), 0x100000000ULL, &above);
    memory_region_add_subregion(get_system_memory(), 0xfffc0000, &bios);

    ms = memslots_new(&address_space_memory, 4);
    ck_assert_uint_eq(memslots_used(ms), 3);
    /* Slots follow the flat view's address order. */
    s = memslots_get(ms, 1);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(s->guest_phys_addr, 0xfffc0000);
    ck_assert_uint_eq(s->flags, MEMSLOT_FLAG_READONLY);
    s = memslots_get(ms, 2);
    ck_assert_uint_eq(s->region_offset, 0xc0000000);
    ck_assert_uint_eq(s->userspace_addr,
                      memory_region_get_ram_addr(&ram) + 0xc0000000);

    /* A DIMM takes the next free slot; removing it frees the slot. */
    memory_region_init_ram(&dimm, NULL, "dimm0", 0x40000000);
    memory_region_add_subregion(get_system_memory(), 0x140000000ULL, &dimm);
    ck_assert_uint_eq(memslots_used(ms), 4);
    ck_assert(!memslots_has_free_slot(ms));
    j = memslots_to_json(ms);
    ck_assert_uint_eq(json_array_size(j), 4);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_array_get(j, 3), "region")),
        "dimm0");
    json_decref(j);
    memory_region_del_subregion(get_system_memory(), &dimm);
    ck_assert_uint_eq(memslots_used(ms), 3);
    ck_assert_ptr_null(memslots_get(ms, 3));
    ck_assert(memslots_has_free_slot(ms));

    memslots_free(ms);
    memory_region_del_subregion(get_system_memory(), &below);
    memory_region_del_subregion(get_system_memory(), &above);
    memory_region_del_subregion(get_system_memory(), &bios);
    memory_region_finalize(&dimm);
    memory_region_finalize(&below);
    memory_region_finalize(&above);
    memory_region_finalize(&bios);
    memory_region_finalize(&ram);
    memory_cleanup();
}
END_TEST

/*
 * Slot ids against a model of the rule (the lowest free id; a removed
 * section frees its own slot; nothing when the table is full): RAM pages
 * at random addresses (so that they collide in the slot hash), none next
 * to another, toggled at random, alone and several in one commit (whose
 * diff removes first, then adds by address).
 */
START_TEST(test_memslots_random)
{
    enum { N = 200, MAX = 150 };
    MemoryRegion *regs = xzalloc(N * sizeof(*regs));
    int model_id[N]; /* -1: no slot */
    bool on[N], id_used[MAX];
    uint64_t addr[N];
    unsigned seed = 99, step, i, k;
    MemSlots *ms;

    memory_init();
    ms = memslots_new(&address_space_memory, MAX);
    memset(id_used, 0, sizeof(id_used));
    /* Distinct even page numbers, ascending: the regions never touch. */
    for (i = 0; i < N; i++) {
        do {
            seed = seed * 1103515245u + 12345u;
            addr[i] = (uint64_t)((seed >> 4) % (1u << 19)) * 2 * 0x1000;
            for (k = 0; k < i && addr[k] != addr[i]; k++) {
            }
        } while (k < i);
        for (k = i; k > 0 && addr[k - 1] > addr[k]; k--) {
            uint64_t t = addr[k];

            addr[k] = addr[k - 1];
            addr[k - 1] = t;
        }
    }
    for (i = 0; i < N; i++) {
        char name[16];

        snprintf(name, sizeof(name), "ram%u", i);
        memory_region_init_ram(&regs[i], NULL, name, 0x1000);
        memory_region_set_enabled(&regs[i], false);
        memory_region_add_subregion(get_system_memory(), addr[i], &regs[i]);
        model_id[i] = -1;
        on[i] = false;
    }
    for (step = 0; step < 3000; step++) {
        bool want[N];
        unsigned n = (seed = seed * 1103515245u + 12345u) >> 16 & 3 ? 1 : 5;

        memcpy(want, on, sizeof(want));
        memory_region_transaction_begin();
        while (n--) {
            unsigned r = ((seed = seed * 1103515245u + 12345u) >> 8) % N;

            want[r] = !want[r];
            memory_region_set_enabled(&regs[r], want[r]);
        }
        memory_region_transaction_commit();
        for (i = 0; i < N; i++) {
            if (on[i] && !want[i] && model_id[i] >= 0) {
                id_used[model_id[i]] = false;
                model_id[i] = -1;
            }
        }
        for (i = 0; i < N; i++) {
            if (!on[i] && want[i]) {
                unsigned id;

                for (id = 0; id < MAX && id_used[id]; id++) {
                }
                if (id < MAX) {
                    id_used[id] = true;
                    model_id[i] = (int)id;
                }
            }
            on[i] = want[i];
        }
        for (i = 0; i < N; i++) {
            const MemSlot *m = model_id[i] >= 0
                                   ? memslots_get(ms, (unsigned)model_id[i])
                                   : NULL;

            if (model_id[i] >= 0) {
                ck_assert_msg(
                    m && m->mr == &regs[i] && m->guest_phys_addr == addr[i],
                    "step %u: ram%u should hold slot %d", step, i, model_id[i]);
            }
        }
        for (i = 0, n = 0; i < MAX; i++) {
            n += id_used[i];
        }
        ck_assert_uint_eq(memslots_used(ms), n);
    }
    memslots_free(ms);
    memory_region_transaction_begin();
    for (i = 0; i < N; i++) {
        memory_region_del_subregion(get_system_memory(), &regs[i]);
    }
    memory_region_transaction_commit();
    for (i = 0; i < N; i++) {
        memory_region_finalize(&regs[i]);
    }
    memory_cleanup();
    free(regs);
}
END_TEST

static Suite *memory_suite(void)
{
    Suite *s = suite_create("memory");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_doc_example);
    tcase_add_test(tc, test_priorities);
    tcase_add_test(tc, test_transaction_depth);
    tcase_add_test(tc, test_listeners);
    tcase_add_test(tc, test_access_sizes);
    tcase_add_test(tc, test_sparse_ram);
    tcase_add_test(tc, test_mtree_text);
    tcase_add_test(tc, test_memslots);
    tcase_add_test(tc, test_memslots_random);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { memory_suite };
