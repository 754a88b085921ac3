/*
 * Pieces the C benchmarks share: handing a figure to make bench's table
 * (the format of tests/bench/benchresult.py) and connecting to a unix
 * socket a starting program will listen on.
 */
#ifndef QMACHINED_BENCHLIB_H
#define QMACHINED_BENCHLIB_H

/*
 * Appends one figure to the file QM_BENCH_RESULTS names (nothing without
 * it): the benchmark, what was measured, on which side, value and unit.
 */
void bench_record(const char *bench, const char *metric, const char *side,
                  double value, const char *unit);

/* A socket connected to path, trying every 50 ms up to tries times; -1. */
int bench_connect_unix(const char *path, int tries);

#endif
