/* test_snapshot.c — rates from counters (core/rate.c) and an interface's
 * counters fed into the lab's snapshot (core/snapshot.c): a counter that wraps,
 * a link that vanishes and comes back, one made again under its name, a gap
 * while nobody looked, and a command's look between two ticks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/snapshot.h"

static void test_rates(void **state)
{
    (void)state;
    struct rate r;
    memset(&r, 0, sizeof r);
    assert_true(rate_last(&r) == 0);
    rate_sample(&r, 1000, 0); /* the base: no rate yet */
    assert_int_equal(r.n, 0);
    rate_sample(&r, 3000, 1000);
    assert_int_equal(r.n, 1);
    assert_true(rate_last(&r) == 2000.0);
    rate_sample(&r, 4000, 1500); /* per second, whatever the interval */
    assert_true(rate_last(&r) == 2000.0);
    rate_sample(&r, 10, 2500); /* counter went back (reset): 0, not 2^64 */
    assert_true(rate_last(&r) == 0);
    rate_sample(&r, 1010, 3500); /* ... and the reset value is the new base */
    assert_true(rate_last(&r) == 1000.0);
    rate_sample(&r, 1020, 3500); /* no time passed: 0, no division by zero */
    assert_true(rate_last(&r) == 0);
    assert_true(rate_at(&r, 0) == 2000.0);
    assert_true(rate_at(&r, 99) == 0);
    assert_true(rate_at(&r, -1) == 0);
}

static void test_rate_wrap(void **state)
{
    (void)state;
    struct rate r;
    memset(&r, 0, sizeof r);
    rate_sample(&r, UINT64_MAX - 99, 0);
    rate_sample(&r, 400, 1000); /* 100 up to 0, then 400 */
    assert_true(rate_last(&r) == 500.0);
    rate_sample(&r, 900, 2000);
    assert_true(rate_last(&r) == 500.0);
}

static void test_history_ring(void **state)
{
    (void)state;
    struct rate r;
    memset(&r, 0, sizeof r);
    uint64_t c = 0;
    rate_sample(&r, c, 0);
    for (int i = 1; i <= RATE_LEN + 5; i++) {
        c += (uint64_t)i;
        rate_sample(&r, c, i * 1000);
    }
    assert_int_equal(r.n, RATE_LEN);
    /* the oldest kept is sample 6, the newest RATE_LEN+5 */
    assert_true(rate_at(&r, 0) == 6.0);
    assert_true(rate_last(&r) == (double)(RATE_LEN + 5));
}

static struct snap_counters bytes(uint64_t rx, uint64_t tx)
{
    return (struct snap_counters){.rx_bytes = rx, .tx_bytes = tx, .up = true};
}

static void test_iface_vanished(void **state)
{
    (void)state;
    struct snap_iface f;
    memset(&f, 0, sizeof f);
    struct snap_counters c = bytes(1000, 50);
    snap_iface_feed(&f, &c, 7, 0, true);
    c = bytes(3000, 150);
    snap_iface_feed(&f, &c, 7, 1000, true);
    assert_true(f.have);
    assert_true(rate_last(&f.rx) == 2000.0);
    assert_true(rate_last(&f.tx) == 100.0);

    snap_iface_feed(&f, NULL, 0, 2000, true); /* gone: no counters, rate 0 */
    assert_false(f.have);
    assert_true(rate_last(&f.rx) == 0);
    assert_int_equal(f.rx.n, 2);
    snap_iface_feed(&f, NULL, 0, 3000, true); /* still gone: the history moves on */
    assert_int_equal(f.rx.n, 3);
    assert_true(rate_last(&f.rx) == 0);

    /* back with the same index and counters from 0: a new base, no jump */
    c = bytes(10, 10);
    snap_iface_feed(&f, &c, 7, 4000, true);
    assert_true(f.have);
    assert_true(f.c.rx_bytes == 10);
    assert_int_equal(f.rx.n, 3);
    assert_true(rate_last(&f.rx) == 0);
    c = bytes(510, 10);
    snap_iface_feed(&f, &c, 7, 5000, true);
    assert_true(rate_last(&f.rx) == 500.0);
}

static void test_iface_recreated(void **state)
{
    (void)state;
    struct snap_iface f;
    memset(&f, 0, sizeof f);
    struct snap_counters c = bytes(1000, 0);
    snap_iface_feed(&f, &c, 7, 0, true);
    /* deleted and made again between two looks, already past the old value:
     * without the index it would read as 9000 B/s */
    c = bytes(10000, 0);
    snap_iface_feed(&f, &c, 9, 1000, true);
    assert_true(rate_last(&f.rx) == 0);
    assert_int_equal(f.ifindex, 9);
    c = bytes(10300, 0);
    snap_iface_feed(&f, &c, 9, 2000, true);
    assert_true(rate_last(&f.rx) == 300.0);
}

static void test_iface_looks(void **state)
{
    (void)state;
    struct snap_iface f;
    memset(&f, 0, sizeof f);
    struct snap_counters c = bytes(0, 0);
    snap_iface_feed(&f, &c, 3, 0, true);
    /* a command's look between ticks: fresh counters, the rate's base stays */
    c = bytes(600, 0);
    snap_iface_feed(&f, &c, 3, 400, false);
    assert_true(f.c.rx_bytes == 600);
    assert_int_equal(f.rx.n, 0);
    c = bytes(1000, 0);
    snap_iface_feed(&f, &c, 3, 1000, true);
    assert_true(rate_last(&f.rx) == 1000.0);
    /* a refresh right after a tick (the pane shown again) does not sample */
    c = bytes(1100, 0);
    snap_iface_feed(&f, &c, 3, 1000 + SNAP_RATE_MIN_MS - 1, true);
    assert_int_equal(f.rx.n, 1);
    /* nobody looked for a while: no average over the gap, a new base */
    c = bytes(1000000, 0);
    snap_iface_feed(&f, &c, 3, 60000, true);
    assert_true(rate_last(&f.rx) == 0);
    c = bytes(1000200, 0);
    snap_iface_feed(&f, &c, 3, 61000, true);
    assert_true(rate_last(&f.rx) == 200.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rates),           cmocka_unit_test(test_rate_wrap),
        cmocka_unit_test(test_history_ring),    cmocka_unit_test(test_iface_vanished),
        cmocka_unit_test(test_iface_recreated), cmocka_unit_test(test_iface_looks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
