/* Unit tests: the memory API (rendering, transactions, listeners, access). */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "qmp/commands.h"
#include "src/memory.h"
#include "src/memory_priv.h"
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

    /* The last range hit is a hint only: after r3 goes (and another
     * region takes its place) accesses go where the view says. */
    d3.log[0] = 0;
    (void)address_space_ld(&address_space_io, 0x300, 4);
    ck_assert_str_eq(d3.log, "r4@0;");
    memory_region_del_subregion(get_system_io(), &r3);
    ck_assert_uint_eq(address_space_ld(&address_space_io, 0x300, 1), 0xff);
    d1.log[0] = 0;
    memory_region_del_subregion(get_system_io(), &r1);
    memory_region_add_subregion(get_system_io(), 0x300, &r1);
    (void)address_space_ld(&address_space_io, 0x300, 1);
    ck_assert_str_eq(d1.log, "r1@0;");
    memory_region_del_subregion(get_system_io(), &r1);
    memory_region_add_subregion(get_system_io(), 0x300, &r3);
    d3.log[0] = 0;
    (void)address_space_ld(&address_space_io, 0x300, 4);
    ck_assert_str_eq(d3.log, "r4@0;");

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

/* ---- partial re-renders against full renders (randomized) ---------- */

/*
 * A random world of containers, I/O, RAM, ROM, ROM devices and aliases
 * (levels keep it acyclic: a container or alias of level L only holds or
 * targets regions of a deeper level) under four address spaces: the
 * system one, a container of its own, an alias of that container (which
 * shares its view) and a container whose one child becomes its flatview
 * root; RAM lies under the first two, so uncovered pieces merge with
 * their neighbours.  A seeded sequence of topology changes, single and in
 * nested transactions, is played twice: with every commit rendering from
 * scratch (the reference) and with partial re-renders.  After every step the
 * two must have produced the same listener calls and the same "info mtree -f",
 * and the partial run's views must equal full renders of their roots with every
 * region's references accounted for.
 */
#define RND_POOL 40
#define RND_ALL (RND_POOL + 5)

enum { RND_CONTAINER, RND_IO, RND_RAM, RND_ROM, RND_ROMDEV, RND_ALIAS };

typedef struct RndListener {
    MemoryListener l;
    struct RndWorld *w;
} RndListener;

typedef struct RndWorld {
    MemoryRegion pool[RND_POOL];
    int kind[RND_POOL];
    unsigned level[RND_POOL];
    MemoryRegion root_b, wrap, root_c; /* root_c: an alias of root_b */
    MemoryRegion bg_sys, bg_b; /* RAM under everything: ranges merge */
    AddressSpace as_b, as_c, as_d, as_e;
    bool as_e_live;
    RndListener lis[4];
    FlatView *held[4];
    unsigned seed;
    char *log;
    size_t log_len, log_cap;
} RndWorld;

static const MemoryRegionOps rnd_ops = { 0 };

static unsigned rnd(RndWorld *w, unsigned n)
{
    w->seed = w->seed * 1103515245u + 12345u;
    return ((w->seed >> 8) & 0xffffff) % n;
}

static void rnd_logf(RndWorld *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void rnd_logf(RndWorld *w, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (;;) {
        size_t room = w->log_cap - w->log_len;

        va_start(ap, fmt);
        n = vsnprintf(w->log ? w->log + w->log_len : NULL, room, fmt, ap);
        va_end(ap);
        if ((size_t)n < room) {
            w->log_len += (size_t)n;
            return;
        }
        w->log_cap = (w->log_cap + (size_t)n + 1) * 2;
        w->log = xrealloc(w->log, w->log_cap);
    }
}

static void rnd_section(MemoryListener *l, const char *what,
                        MemoryRegionSection *s)
{
    RndWorld *w = ((RndListener *)l)->w;

    rnd_logf(w, "%s:%s %s@%llx+%llx off %llx%s;", l->name, what,
             memory_region_name(s->mr),
             (unsigned long long)s->offset_within_address_space,
             (unsigned long long)s->size,
             (unsigned long long)s->offset_within_region,
             s->readonly ? " ro" : "");
}

static void rnd_begin(MemoryListener *l)
{
    rnd_logf(((RndListener *)l)->w, "%s:begin;", l->name);
}

static void rnd_commit(MemoryListener *l)
{
    rnd_logf(((RndListener *)l)->w, "%s:commit;", l->name);
}

static void rnd_add(MemoryListener *l, MemoryRegionSection *s)
{
    rnd_section(l, "add", s);
}

static void rnd_del(MemoryListener *l, MemoryRegionSection *s)
{
    rnd_section(l, "del", s);
}

static void rnd_nop(MemoryListener *l, MemoryRegionSection *s)
{
    rnd_section(l, "nop", s);
}

static uint64_t rnd_size(RndWorld *w, bool huge_ok)
{
    static const uint64_t sizes[] = { 0x100,  0x800,  0x1000,
                                      0x3000, 0x8000, 0x10000 };

    if (huge_ok && !rnd(w, 12)) {
        return UINT64_MAX;
    }
    return sizes[rnd(w, ARRAY_SIZE(sizes))];
}

static uint64_t rnd_offset(RndWorld *w)
{
    if (!rnd(w, 20)) {
        return UINT64_MAX - 0xfff - 0x100 * rnd(w, 8); /* clipped at 2^64 */
    }
    return 0x100 * (uint64_t)rnd(w, 0x100);
}

static void rnd_world_init(RndWorld *w, unsigned seed)
{
    static const char *const lnames[] = { "sys", "b", "c", "d" };
    unsigned i, lvl, n = 0;

    memset(w, 0, sizeof(*w));
    w->seed = seed;
    memory_init();
    /* Deepest level first, so aliases find their targets. */
    for (lvl = 3; lvl >= 1; lvl--) {
        for (i = 0; i < RND_POOL / 3 + (lvl == 1 ? RND_POOL % 3 : 0); i++) {
            MemoryRegion *mr = &w->pool[n];
            int kind = (int)rnd(w, 6);
            char name[16];
            unsigned t, tries;

            snprintf(name, sizeof(name), "r%u", n);
            w->level[n] = lvl;
            if (kind == RND_ALIAS) {
                /* A target of a deeper level, if there is one. */
                for (tries = 0, t = RND_POOL; tries < 20; tries++) {
                    t = rnd(w, n ? n : 1);
                    if (n && w->level[t] > lvl) {
                        break;
                    }
                    t = RND_POOL;
                }
                if (t == RND_POOL) {
                    kind = RND_RAM;
                } else {
                    memory_region_init_alias(mr, NULL, name, &w->pool[t],
                                             0x100 * (uint64_t)rnd(w, 0x80),
                                             rnd_size(w, false));
                }
            }
            w->kind[n] = kind;
            switch (kind) {
            case RND_CONTAINER:
                memory_region_init(mr, NULL, name, rnd_size(w, true));
                break;
            case RND_IO:
                memory_region_init_io(mr, NULL, &rnd_ops, NULL, name,
                                      rnd_size(w, false));
                break;
            case RND_RAM:
                memory_region_init_ram(mr, NULL, name, rnd_size(w, false));
                break;
            case RND_ROM:
                memory_region_init_rom(mr, NULL, name, rnd_size(w, false));
                break;
            case RND_ROMDEV:
                memory_region_init_rom_device(mr, NULL, &rnd_ops, NULL, name,
                                              rnd_size(w, false));
                break;
            default:
                break;
            }
            n++;
        }
    }
    ck_assert_uint_eq(n, RND_POOL);
    memory_region_init(&w->root_b, NULL, "root-b", 0x10000);
    memory_region_init(&w->wrap, NULL, "wrap", 0x20000);
    memory_region_init_alias(&w->root_c, NULL, "root-c", &w->root_b, 0,
                             0x10000);
    memory_region_init_ram(&w->bg_sys, NULL, "bg-sys", 0x20000);
    memory_region_init_ram(&w->bg_b, NULL, "bg-b", 0x10000);
    memory_region_add_subregion_overlap(get_system_memory(), 0, &w->bg_sys, -1);
    memory_region_add_subregion_overlap(&w->root_b, 0, &w->bg_b, -1);
    address_space_init(&w->as_b, &w->root_b, "rnd-b");
    address_space_init(&w->as_c, &w->root_c, "rnd-c");
    address_space_init(&w->as_d, &w->wrap, "rnd-d");
    for (i = 0; i < 4; i++) {
        MemoryListener *l = &w->lis[i].l;
        AddressSpace *as = i == 0   ? &address_space_memory
                           : i == 1 ? &w->as_b
                           : i == 2 ? &w->as_c
                                    : &w->as_d;

        w->lis[i].w = w;
        l->begin = rnd_begin;
        l->commit = rnd_commit;
        l->region_add = rnd_add;
        l->region_del = rnd_del;
        /* b and d listen without nops, so their diffs skip the rest. */
        l->region_nop = i == 1 || i == 3 ? NULL : rnd_nop;
        l->priority = (int)i;
        l->name = lnames[i];
        memory_listener_register(l, as);
    }
}

/* A container that may hold pool region r (its level is shallower). */
static MemoryRegion *rnd_container_for(RndWorld *w, unsigned r)
{
    unsigned tries, c;

    for (tries = 0; tries < 10; tries++) {
        unsigned pick = rnd(w, RND_POOL + 3);

        if (pick == RND_POOL) {
            return get_system_memory();
        }
        if (pick == RND_POOL + 1) {
            return &w->root_b;
        }
        if (pick == RND_POOL + 2) {
            return &w->wrap;
        }
        c = pick;
        if (w->kind[c] == RND_CONTAINER && w->level[c] < w->level[r]) {
            return &w->pool[c];
        }
    }
    return get_system_memory();
}

static void rnd_step(RndWorld *w, unsigned depth);

static void rnd_one(RndWorld *w, unsigned depth)
{
    unsigned r = rnd(w, RND_POOL);
    MemoryRegion *mr = &w->pool[r];
    unsigned op = rnd(w, depth < 3 ? 15 : 13), i;

    switch (op) {
    case 0:
    case 1:
    case 2:
        if (!memory_region_is_mapped(mr)) {
            MemoryRegion *c = rnd_container_for(w, r);

            if (rnd(w, 2)) {
                memory_region_add_subregion(c, rnd_offset(w), mr);
            } else {
                memory_region_add_subregion_overlap(c, rnd_offset(w), mr,
                                                    (int)rnd(w, 6) - 2);
            }
        }
        break;
    case 3:
        if (memory_region_is_mapped(mr)) {
            memory_region_del_subregion(memory_region_get_container(mr), mr);
        }
        break;
    case 4:
        memory_region_set_address(mr, rnd_offset(w));
        break;
    case 5:
    case 6: {
        /* Now and then a root. */
        unsigned pick = rnd(w, 12);
        MemoryRegion *t = pick == 0   ? &w->root_b
                          : pick == 1 ? &w->wrap
                          : pick == 2 ? &w->root_c
                                      : mr;

        memory_region_set_enabled(t, !memory_region_is_enabled(t));
        break;
    }
    case 7:
        if (!rnd(w, 8)) {
            memory_region_set_size(rnd(w, 2) ? &w->root_b : &w->root_c,
                                   rnd(w, 2) ? 0x10000 : 0x8000);
        } else {
            memory_region_set_size(mr,
                                   rnd_size(w, w->kind[r] == RND_CONTAINER));
        }
        break;
    case 8:
        if (w->kind[r] == RND_ALIAS) {
            memory_region_set_alias_offset(mr, 0x100 * (uint64_t)rnd(w, 0x80));
        }
        break;
    case 9:
        memory_region_set_readonly(mr, rnd(w, 2));
        break;
    case 10:
        if (w->kind[r] == RND_ROMDEV) {
            memory_region_rom_device_set_romd(mr, !memory_region_is_romd(mr));
        }
        break;
    case 11:
        /* Hold or release a view: its references may not move then. */
        i = rnd(w, 4);
        if (w->held[i]) {
            memory_view_release(w->held[i]);
            w->held[i] = NULL;
        } else {
            w->held[i] = memory_view_hold(i == 0   ? &address_space_memory
                                          : i == 1 ? &w->as_b
                                          : i == 2 ? &w->as_c
                                                   : &w->as_d);
        }
        break;
    case 12:
        /* A space that comes and goes, rooted at a pool container. */
        if (w->as_e_live) {
            address_space_destroy(&w->as_e);
            w->as_e_live = false;
        } else if (w->kind[r] == RND_CONTAINER) {
            address_space_init(&w->as_e, mr, "rnd-e");
            w->as_e_live = true;
        }
        break;
    default:
        /* A transaction, now and then one with too many changes. */
        memory_region_transaction_begin();
        for (i = rnd(w, 20) ? 2 + rnd(w, 6) : 80; i > 0; i--) {
            rnd_step(w, depth + 1);
        }
        memory_region_transaction_commit();
        break;
    }
}

static void rnd_step(RndWorld *w, unsigned depth)
{
    rnd_one(w, depth);
}

static void rnd_world_free(RndWorld *w)
{
    unsigned i, lvl;

    memory_region_transaction_begin();
    for (i = 0; i < RND_POOL; i++) {
        if (memory_region_is_mapped(&w->pool[i])) {
            memory_region_del_subregion(
                memory_region_get_container(&w->pool[i]), &w->pool[i]);
        }
    }
    memory_region_del_subregion(get_system_memory(), &w->bg_sys);
    memory_region_del_subregion(&w->root_b, &w->bg_b);
    memory_region_transaction_commit();
    for (i = 0; i < 4; i++) {
        if (w->held[i]) {
            memory_view_release(w->held[i]);
        }
        memory_listener_unregister(&w->lis[i].l);
    }
    if (w->as_e_live) {
        address_space_destroy(&w->as_e);
    }
    address_space_destroy(&w->as_d);
    address_space_destroy(&w->as_c);
    address_space_destroy(&w->as_b);
    memory_region_finalize(&w->root_c);
    /* Aliases before their targets (which are deeper). */
    for (lvl = 1; lvl <= 3; lvl++) {
        for (i = 0; i < RND_POOL; i++) {
            if (w->kind[i] == RND_ALIAS && w->level[i] == lvl) {
                memory_region_finalize(&w->pool[i]);
            }
        }
    }
    for (i = 0; i < RND_POOL; i++) {
        if (w->kind[i] != RND_ALIAS) {
            memory_region_finalize(&w->pool[i]);
        }
    }
    memory_region_finalize(&w->wrap);
    memory_region_finalize(&w->root_b);
    memory_region_finalize(&w->bg_sys);
    memory_region_finalize(&w->bg_b);
    memory_cleanup();
}

/* What one step showed: the listener calls, then "info mtree -f". */
static char *rnd_snapshot(RndWorld *w)
{
    char *flat = memory_info_mtree(true);
    char *s = xasprintf("%s\n--\n%s", w->log ? w->log : "", flat);

    free(flat);
    w->log_len = 0;
    if (w->log) {
        w->log[0] = 0;
    }
    return s;
}

#define RND_STEPS 1500

static char **rnd_play(unsigned seed, bool incremental)
{
    RndWorld *w = xzalloc(sizeof(*w));
    char **snap = xzalloc((RND_STEPS + 2) * sizeof(*snap));
    MemoryRegion *check[RND_ALL];
    unsigned i;

    memory_set_incremental(incremental);
    rnd_world_init(w, seed);
    for (i = 0; i < RND_POOL; i++) {
        check[i] = &w->pool[i];
    }
    check[RND_POOL] = &w->root_b;
    check[RND_POOL + 1] = &w->wrap;
    check[RND_POOL + 2] = &w->root_c;
    check[RND_POOL + 3] = &w->bg_sys;
    check[RND_POOL + 4] = &w->bg_b;
    snap[0] = rnd_snapshot(w);
    for (i = 1; i <= RND_STEPS; i++) {
        char *err;

        rnd_step(w, 0);
        snap[i] = rnd_snapshot(w);
        err = memory_check_views(check, RND_ALL);
        if (err) {
            ck_abort_msg("seed %u step %u (%s): %s", seed, i,
                         incremental ? "partial" : "full", err);
        }
    }
    rnd_world_free(w);
    snap[RND_STEPS + 1] = xstrdup(w->log ? w->log : "");
    free(w->log);
    free(w);
    memory_set_incremental(true);
    return snap;
}

START_TEST(test_partial_render_random)
{
    static const unsigned seeds[] = { 1, 7, 2024, 31337 };
    unsigned s, i;

    for (s = 0; s < ARRAY_SIZE(seeds); s++) {
        char **full = rnd_play(seeds[s], false);
        char **part = rnd_play(seeds[s], true);

        for (i = 0; i <= RND_STEPS + 1; i++) {
            if (strcmp(full[i], part[i]) != 0) {
                ck_abort_msg("seed %u step %u differs:\nfull:\n%s\n"
                             "partial:\n%s",
                             seeds[s], i, full[i], part[i]);
            }
        }
        for (i = 0; i <= RND_STEPS + 1; i++) {
            free(full[i]);
            free(part[i]);
        }
        free(full);
        free(part);
    }
}
END_TEST

/*
 * Two windows of one commit, the second continuing the range the first
 * merged: RAM under y and z, both disabled at once, is one range again.
 */
START_TEST(test_partial_render_windows)
{
    /* _i == 0: full renders (the reference), 1: partial ones. */
    MemoryRegion ram, y, z, v;
    Recorder r = { 0 };
    MemoryRegion *check[] = { &ram, &y, &z, &v };
    static const char *const split[] = {
        "  0000000000000000-0000000000000fff (prio 0, ram): ram",
        "  0000000000001000-0000000000001fff (prio 1, i/o): y",
        "  0000000000002000-0000000000002fff (prio 0, ram): ram "
        "@0000000000002000",
        "  0000000000003000-0000000000003fff (prio 1, i/o): z",
        "  0000000000004000-0000000000004fff (prio 0, ram): ram "
        "@0000000000004000",
        "  0000000000005000-0000000000005fff (prio 1, i/o): v",
    };
    static const char *const whole[] = {
        "  0000000000000000-0000000000004fff (prio 0, ram): ram",
        "  0000000000005000-0000000000005fff (prio 1, i/o): v",
    };
    static const MemoryRegionOps nops = { 0 };
    char *err;

    memory_set_incremental(_i);
    memory_init();
    memory_region_init_ram(&ram, NULL, "ram", 0x5000);
    memory_region_init_io(&y, NULL, &nops, NULL, "y", 0x1000);
    memory_region_init_io(&z, NULL, &nops, NULL, "z", 0x1000);
    memory_region_init_io(&v, NULL, &nops, NULL, "v", 0x1000);
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    memory_region_add_subregion_overlap(get_system_memory(), 0x1000, &y, 1);
    memory_region_add_subregion_overlap(get_system_memory(), 0x3000, &z, 1);
    memory_region_add_subregion_overlap(get_system_memory(), 0x5000, &v, 1);
    assert_memory_view(split, ARRAY_SIZE(split));
    r.l = (MemoryListener){ NULL, NULL, l_add, l_del, NULL, 0, "l", NULL };
    memory_listener_register(&r.l, &address_space_memory);

    r.log[0] = 0;
    memory_region_transaction_begin();
    memory_region_set_enabled(&z, false);
    memory_region_set_enabled(&y, false);
    memory_region_transaction_commit();
    assert_memory_view(whole, ARRAY_SIZE(whole));
    ck_assert_str_eq(r.log, "l:del ram@0+1000;l:del y@1000+1000;"
                            "l:del ram@2000+1000;l:del z@3000+1000;"
                            "l:del ram@4000+1000;l:add ram@0+5000;");
    err = memory_check_views(check, ARRAY_SIZE(check));
    ck_assert_msg(!err, "%s", err);

    /* And back, with v moved next to them in the same commit. */
    r.log[0] = 0;
    memory_region_transaction_begin();
    memory_region_set_enabled(&y, true);
    memory_region_set_address(&v, 0x4000);
    memory_region_set_enabled(&z, true);
    memory_region_transaction_commit();
    ck_assert_str_eq(r.log, "l:del ram@0+5000;l:del v@5000+1000;"
                            "l:add ram@0+1000;l:add y@1000+1000;"
                            "l:add ram@2000+1000;l:add z@3000+1000;"
                            "l:add v@4000+1000;");
    err = memory_check_views(check, ARRAY_SIZE(check));
    ck_assert_msg(!err, "%s", err);

    memory_listener_unregister(&r.l);
    memory_region_del_subregion(get_system_memory(), &ram);
    memory_region_del_subregion(get_system_memory(), &y);
    memory_region_del_subregion(get_system_memory(), &z);
    memory_region_del_subregion(get_system_memory(), &v);
    memory_region_finalize(&ram);
    memory_region_finalize(&y);
    memory_region_finalize(&z);
    memory_region_finalize(&v);
    memory_cleanup();
    memory_set_incremental(true);
}
END_TEST

/* The benchmark's shape: one region toggled among many, one listener. */
START_TEST(test_partial_render_many)
{
    enum { N = 300 };
    MemoryRegion *regs = xzalloc(N * sizeof(*regs));
    MemoryRegion *check[N + 2];
    MemoryRegion ram, below;
    MemSlots *ms;
    uint64_t renders;
    unsigned i;
    char *err;

    memory_init();
    memory_region_init_ram(&ram, NULL, "pc.ram", 1ULL << 32);
    memory_region_init_alias(&below, NULL, "ram-below-4g", &ram, 0, 1ULL << 32);
    memory_region_add_subregion(get_system_memory(), 0, &below);
    ms = memslots_new(&address_space_memory, 0);
    memory_region_transaction_begin();
    for (i = 0; i < N; i++) {
        char name[16];

        snprintf(name, sizeof(name), "dev%u", i);
        memory_region_init_io(&regs[i], NULL, &rnd_ops, NULL, name, 0x1000);
        memory_region_add_subregion_overlap(get_system_memory(),
                                            (uint64_t)i * 0x2000, &regs[i], 1);
        check[i] = &regs[i];
    }
    memory_region_transaction_commit();
    check[N] = &ram;
    check[N + 1] = &below;
    ck_assert_uint_eq(memslots_used(ms), N);
    renders = memory_render_count();
    for (i = 0; i < 3 * N; i++) {
        MemoryRegion *r = &regs[(i * 7) % N];

        memory_region_set_enabled(r, !memory_region_is_enabled(r));
        err = memory_check_views(check, N + 2);
        ck_assert_msg(!err, "commit %u: %s", i, err);
    }
    ck_assert_uint_eq(memory_render_count(), renders + 3 * N);
    /* 3N toggles of N/gcd regions: every region ends disabled. */
    ck_assert_uint_eq(memslots_used(ms), 1);
    memslots_free(ms);
    memory_region_transaction_begin();
    for (i = 0; i < N; i++) {
        memory_region_del_subregion(get_system_memory(), &regs[i]);
    }
    memory_region_del_subregion(get_system_memory(), &below);
    memory_region_transaction_commit();
    for (i = 0; i < N; i++) {
        memory_region_finalize(&regs[i]);
    }
    memory_region_finalize(&below);
    memory_region_finalize(&ram);
    memory_cleanup();
    free(regs);
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
    tcase_add_test(tc, test_partial_render_random);
    tcase_add_loop_test(tc, test_partial_render_windows, 0, 2);
    tcase_add_test(tc, test_partial_render_many);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { memory_suite };
