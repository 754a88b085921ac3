/*
 * FlatView benchmark: time of one outermost commit (re-render of every
 * view plus the listener diff, with a memslot table listening) and of a
 * dispatch lookup, for 16, 256, 1024, 4096 and 16384 regions (or the
 * counts given as arguments).  Prints a table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "src/memory.h"
#include "src/memslots.h"
#include "src/util.h"
#include "tests/bench/benchlib.h"

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static uint64_t nop_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0;
}

static void nop_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
}

static const MemoryRegionOps nop_ops = {
    .read = nop_read,
    .write = nop_write,
};

static void run(unsigned n)
{
    MemoryRegion *regs = xzalloc(n * sizeof(*regs));
    MemoryRegion ram, below;
    MemSlots *ms;
    double t0, build_us, commit_us, lookup_ns;
    unsigned i, iters = n >= 4096 ? 100 : 1000;
    volatile uint64_t sink = 0;
    unsigned lookups = 1000000;
    char metric[64];

    memory_init();
    memory_region_init_ram(&ram, NULL, "pc.ram", 1ULL << 32);
    memory_region_init_alias(&below, NULL, "ram-below-4g", &ram, 0, 1ULL << 32);
    memory_region_add_subregion(get_system_memory(), 0, &below);
    ms = memslots_new(&address_space_memory, 0);

    /* Every other region is RAM-shadowing I/O at priority 1. */
    t0 = now_us();
    memory_region_transaction_begin();
    for (i = 0; i < n; i++) {
        char name[32];

        snprintf(name, sizeof(name), "dev%u", i);
        memory_region_init_io(&regs[i], NULL, &nop_ops, NULL, name, 0x1000);
        memory_region_add_subregion_overlap(get_system_memory(),
                                            (uint64_t)i * 0x2000, &regs[i], 1);
    }
    memory_region_transaction_commit();
    build_us = now_us() - t0;

    t0 = now_us();
    for (i = 0; i < iters; i++) {
        memory_region_set_enabled(&regs[i % n], false);
        memory_region_set_enabled(&regs[i % n], true);
    }
    commit_us = (now_us() - t0) / (2.0 * iters);

    t0 = now_us();
    for (i = 0; i < lookups; i++) {
        MemoryRegionSection s;

        address_space_translate(&address_space_memory,
                                ((uint64_t)i * 0x1357) % ((uint64_t)n * 0x2000),
                                &s);
        sink += s.offset_within_region;
    }
    lookup_ns = (now_us() - t0) * 1000.0 / lookups;

    snprintf(metric, sizeof(metric), "FlatView commit, %u regions", n);
    bench_record("flatview_bench", metric, "qmachined", commit_us, "us");
    printf("%8u %10u %14.1f %14.1f %12.1f\n", n, memslots_used(ms), build_us,
           commit_us, lookup_ns);

    memslots_free(ms);
    memory_region_transaction_begin();
    for (i = 0; i < n; i++) {
        memory_region_del_subregion(get_system_memory(), &regs[i]);
    }
    memory_region_del_subregion(get_system_memory(), &below);
    memory_region_transaction_commit();
    for (i = 0; i < n; i++) {
        memory_region_finalize(&regs[i]);
    }
    memory_region_finalize(&below);
    memory_region_finalize(&ram);
    memory_cleanup();
    free(regs);
    (void)sink;
}

int main(int argc, char **argv)
{
    static const unsigned sizes[] = { 16, 256, 1024, 4096, 16384 };
    int i;

    printf("%8s %10s %14s %14s %12s\n", "regions", "memslots", "build_us",
           "commit_us", "lookup_ns");
    if (argc > 1) {
        for (i = 1; i < argc; i++) {
            unsigned long n = strtoul(argv[i], NULL, 0);

            if (n < 1 || n > 1000000) {
                fprintf(stderr, "%s: region count out of range: %s\n", argv[0],
                        argv[i]);
                return 1;
            }
            run((unsigned)n);
        }
        return 0;
    }
    for (i = 0; i < (int)ARRAY_SIZE(sizes); i++) {
        run(sizes[i]);
    }
    return 0;
}
