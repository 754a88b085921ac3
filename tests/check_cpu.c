/*
 * Unit tests for src/cpu.c's vCPU list (the lowest free cpu-index, as a
 * vCPU hotplug will need) and src/x86-cpu.c's model table lookups.
 */
#include <check.h>
#include <string.h>

#include "check-main.h"
#include "cpu.h"
#include "x86-cpu.h"

static int index_list(int *out, int max)
{
    int n = 0;

    for (CPUState *c = cpu_first(); c && n < max; c = cpu_next(c)) {
        out[n++] = c->cpu_index;
    }
    return n;
}

START_TEST(test_cpu_index_reuse)
{
    CPUState a, b, c, d, e;
    int idx[5];

    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    memset(&c, 0, sizeof(c));
    memset(&d, 0, sizeof(d));
    memset(&e, 0, sizeof(e));
    a.cpu_index = b.cpu_index = c.cpu_index = d.cpu_index =
        CPU_INDEX_UNASSIGNED;
    cpu_list_add(&a);
    cpu_list_add(&b);
    cpu_list_add(&c);
    ck_assert_int_eq(a.cpu_index, 0);
    ck_assert_int_eq(b.cpu_index, 1);
    ck_assert_int_eq(c.cpu_index, 2);
    /* The gap b leaves is what the next vCPU without an index gets; the
     * list keeps the order of realization (QEMU's CPU_FOREACH). */
    cpu_list_remove(&b);
    ck_assert_int_eq(b.cpu_index, CPU_INDEX_UNASSIGNED);
    ck_assert_int_eq(index_list(idx, 5), 2);
    cpu_list_add(&d);
    ck_assert_int_eq(d.cpu_index, 1);
    ck_assert_int_eq(index_list(idx, 5), 3);
    ck_assert_int_eq(idx[0], 0);
    ck_assert_int_eq(idx[1], 2);
    ck_assert_int_eq(idx[2], 1);
    ck_assert_ptr_eq(cpu_next(&c), &d);
    /* An index the machine's pre-plug gave (the pc slot) is kept. */
    e.cpu_index = 4;
    cpu_list_add(&e);
    ck_assert_int_eq(e.cpu_index, 4);
    ck_assert_int_eq(index_list(idx, 5), 4);
    ck_assert_int_eq(idx[3], 4);
    cpu_list_remove(&e);
    /* Removing what is not in the list changes nothing. */
    cpu_list_remove(&b);
    ck_assert_int_eq(index_list(idx, 5), 3);
    cpu_list_remove(&a);
    cpu_list_remove(&c);
    cpu_list_remove(&d);
    ck_assert_ptr_null(cpu_first());
    ck_assert_ptr_null(cpu_next(NULL));
}
END_TEST

START_TEST(test_model_lookup)
{
    const X86CpuModel *m = x86_cpu_model_find("qemu64");

    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(m->type_name, "qemu64-x86_64-cpu");
    ck_assert_str_eq(m->alias_of, "qemu64-v1");
    ck_assert_ptr_nonnull(x86_cpu_model_find("qemu64-v1"));
    ck_assert_ptr_null(x86_cpu_model_find("qemu64-v2"));
    ck_assert_ptr_null(x86_cpu_model_find("qemu64-x86_64-cpu"));
    ck_assert_ptr_null(x86_cpu_model_find("QEMU64"));
    ck_assert_ptr_null(x86_cpu_model_find(""));
    ck_assert(x86_cpu_model_is_amd(m));
    ck_assert_int_eq(x86_cpu_model_phys_bits(m), 40);
    ck_assert_int_eq(x86_cpu_model_phys_bits(x86_cpu_model_find("qemu32")), 32);
    ck_assert_int_eq(x86_cpu_model_phys_bits(x86_cpu_model_find("pentium3")),
                     36);
    ck_assert(!x86_cpu_model_is_amd(x86_cpu_model_find("Dhyana")));
    ck_assert_int_eq(x86_cpu_model_ordering(x86_cpu_model_find("max")), 9);
    ck_assert_int_eq(x86_cpu_model_ordering(x86_cpu_model_find("base")), 8);
    ck_assert_int_eq(x86_cpu_model_ordering(m), 0);
    for (size_t i = 0; i < x86_cpu_model_count(); i++) {
        const X86CpuModel *e = x86_cpu_model_at(i);
        size_t n = strlen(e->name);

        ck_assert_ptr_eq(x86_cpu_model_find(e->name), e);
        ck_assert(!strncmp(e->type_name, e->name, n));
        ck_assert_str_eq(e->type_name + n, X86_CPU_TYPE_SUFFIX);
    }
    ck_assert_ptr_null(x86_cpu_model_at(x86_cpu_model_count()));
}
END_TEST

START_TEST(test_unavailable)
{
    const char *names[8];

    /* "host" needs KVM: that is all it lacks. */
    ck_assert_int_eq(
        x86_cpu_model_unavailable(x86_cpu_model_find("host"), names, 8), 1);
    ck_assert_str_eq(names[0], "kvm");
    ck_assert_int_eq(
        x86_cpu_model_unavailable(x86_cpu_model_find("max"), names, 8), 0);
    /* Word order first (CPUID.07H:EDX before nothing else here). */
    ck_assert_int_eq(x86_cpu_model_unavailable(
                         x86_cpu_model_find("Westmere-IBRS"), names, 8),
                     1);
    ck_assert_str_eq(names[0], "spec-ctrl");
    /* More than fits: the count is still the whole list. */
    ck_assert_int_eq(x86_cpu_model_unavailable(
                         x86_cpu_model_find("Skylake-Client"), names, 2),
                     9);
    ck_assert_str_eq(names[0], "pcid");
    ck_assert_str_eq(names[1], "x2apic");
}
END_TEST

static Suite *cpu_suite(void)
{
    Suite *s = suite_create("cpu");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_cpu_index_reuse);
    tcase_add_test(tc, test_model_lookup);
    tcase_add_test(tc, test_unavailable);
    suite_add_tcase(s, tc);
    return s;
}

const CheckSpec check_spec = { cpu_suite };
