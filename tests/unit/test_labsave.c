/* test_labsave.c — what `save` carries over from the lab file a lab was built
 * from (core/labsave_carry.c): texts, startup lines by guest name, and the
 * checks of the guests and LANs still there, their indices remapped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/labsave.h"

static const char FROM[] = "title T\n"
                           "description d1\n"
                           "lab twolans\n"
                           "lan A subnet 10.0.1.0/24\n"
                           "lan B subnet 10.0.2.0/24\n"
                           "guest pc1\nguest r1\nguest pc2\n"
                           "nic pc1 A 10.0.1.1\n"
                           "nic r1 A 10.0.1.254\n"
                           "nic r1 B 10.0.2.254\n"
                           "nic pc2 B 10.0.2.1\n"
                           "startup pc2 touch /tmp/x\n"
                           "startup pc2 echo hi\n"
                           "check reach pc1 pc2\n"
                           "check reach pc2 r1\n"
                           "check counter A rx moved\n"
                           "check ! counter B tx moved\n"
                           "check exec pc2 test -f /tmp/x\n"
                           "check counter uplink tx moved\n";

/* The running lab after pc1 and LAN A went, pc2 listed before r1. */
static struct lab_spec *running(void)
{
    struct lab_spec *s = labfile_new("saved.lab");
    assert_non_null(s);
    s->nlans = 1;
    snprintf(s->lans[0].name, sizeof s->lans[0].name, "B");
    s->nguests = 2;
    snprintf(s->guests[0].name, sizeof s->guests[0].name, "pc2");
    snprintf(s->guests[1].name, sizeof s->guests[1].name, "r1");
    return s;
}

static void test_carry(void **state)
{
    (void)state;
    struct lab_spec *from = NULL;
    struct err e;
    assert_int_equal(labfile_parse("from.lab", FROM, sizeof FROM - 1, &from, &e), 0);
    struct lab_spec *s = running();
    assert_int_equal(labsave_carry(s, from), 0);
    assert_string_equal(s->title, "T");
    assert_int_equal(s->ndesc, 1);
    assert_string_equal(s->name, "twolans");
    assert_int_equal(s->guests[0].nstartup, 2);
    assert_string_equal(s->guests[0].startup[1], "echo hi");
    assert_int_equal(s->guests[1].nstartup, 0);
    /* checks naming pc1 or LAN A are gone; the rest name the same things */
    const char *want[] = {"reach pc2 r1", "! counter B tx moved", "exec pc2 test -f /tmp/x",
                          "counter uplink tx moved"};
    assert_int_equal(s->nchecks, 4);
    for (size_t i = 0; i < 4; i++) {
        struct strbuf b = {0};
        labfile_check_format(s, &s->checks[i], &b);
        assert_string_equal(sb_str(&b), want[i]);
        sb_free(&b);
    }
    /* the carried lab writes a file that parses */
    struct strbuf text = {0};
    labfile_format(s, &text);
    struct lab_spec *again = NULL;
    assert_int_equal(labfile_parse("again.lab", sb_str(&text), text.len, &again, &e), 0);
    assert_int_equal(again->nchecks, 4);
    sb_free(&text);
    labfile_free(again);
    labfile_free(s);
    labfile_free(from);
}

/* A multi-host lab's part (core/labsave_part.c): host b saves. */
static const char PARTS[] = "lab mh\n"
                            "subnet 10.79.0.0/16\n"
                            "host a 203.0.113.1\n"
                            "host b 203.0.113.2 check-port 4791\n"
                            "nat on\n"
                            "lan lan0 subnet 10.79.1.0/24\n"
                            "lan lan9 subnet 10.79.9.0/24\n"
                            "guest ra host a login admin\n"
                            "nic ra tap 10.79.0.1\n"
                            "nic ra lan0 10.79.1.1\n"
                            "nic ra lan9 10.79.9.1\n"
                            "forward ra on\n"
                            "startup ra echo hi\n"
                            "guest pb host b\n"
                            "nic pb lan0 10.79.1.2\n"
                            "route pb default via 10.79.1.1\n"
                            "check reach ra pb\n"
                            "check reach pb ra\n";

static void test_carry_part(void **state)
{
    (void)state;
    struct lab_spec *from = NULL;
    struct err e;
    assert_int_equal(labfile_parse("mh.lab", PARTS, sizeof PARTS - 1, &from, &e), 0);
    assert_int_equal(labfile_set_as(from, "b", &e), 0);
    /* b's running lab: pb on lan0 (and a guest added by hand), mem 64 for all */
    struct lab_spec *s = labfile_new("saved.lab");
    assert_non_null(s);
    s->subnet = from->subnet;
    s->has_subnet = true;
    s->mem_mb = 64;
    s->nlans = 1;
    s->lans[0] = from->lans[0];
    s->nguests = 2;
    s->guests[0] = (struct labfile_guest){.name = "pb", .nnics = 1, .nroutes = 1};
    s->guests[0].nics[0] = from->guests[1].nics[0];
    s->guests[0].routes[0] = from->guests[1].routes[0];
    snprintf(s->guests[1].name, sizeof s->guests[1].name, "extra");
    assert_int_equal(labsave_carry(s, from), 0);

    assert_int_equal(s->nhosts, 2);
    assert_int_equal(s->hosts[1].check_port, 4791);
    assert_int_equal(s->guests[0].host, 1); /* pb and extra run on b */
    assert_int_equal(s->guests[1].host, 1);
    assert_int_equal(s->nguests, 3); /* ra, a's, as the file has it */
    const struct labfile_guest *ra = &s->guests[2];
    assert_string_equal(ra->name, "ra");
    assert_int_equal(ra->host, 0);
    assert_int_equal(ra->mem_mb, 256); /* the default, not b's 64 */
    assert_string_equal(ra->login, "admin");
    assert_int_equal(ra->nnics, 3);
    assert_int_equal(ra->nics[1].lan, 0); /* lan0: b's */
    assert_int_equal(ra->nics[2].lan, 1); /* lan9: only a's, carried */
    assert_string_equal(s->lans[1].name, "lan9");
    assert_true(ra->forward);
    assert_int_equal(ra->nstartup, 1);
    assert_int_equal(s->nat, 1); /* a does the NAT */
    assert_int_equal(s->nchecks, 2);

    /* the saved file is the whole lab again: it parses, and says the same */
    struct strbuf text = {0}, again_text = {0};
    labfile_format(s, &text);
    assert_non_null(strstr(sb_str(&text), "host b 203.0.113.2 check-port 4791\n"));
    assert_non_null(strstr(sb_str(&text), "guest pb host b"));
    assert_non_null(strstr(sb_str(&text), "guest ra mem 256 login admin host a\n"));
    struct lab_spec *again = NULL;
    assert_int_equal(labfile_parse("again.lab", sb_str(&text), text.len, &again, &e), 0);
    labfile_format(again, &again_text);
    assert_string_equal(sb_str(&again_text), sb_str(&text));
    assert_int_equal(labfile_set_as(again, "a", &e), 0); /* and a can build its part */
    sb_free(&text);
    sb_free(&again_text);
    labfile_free(again);
    labfile_free(s);
    labfile_free(from);
}

static void test_no_source(void **state)
{
    (void)state;
    struct lab_spec *s = running();
    assert_int_equal(labsave_carry(s, NULL), 0);
    assert_null(s->title);
    assert_int_equal(s->nchecks, 0);
    labfile_free(s);
}

static void test_password(void **state)
{
    (void)state;
    struct lab_spec *s = running();
    assert_false(labsave_has_password(s));
    s->login = strdup("root");
    assert_false(labsave_has_password(s));
    s->guests[1].login = strdup("admin:secret");
    assert_true(labsave_has_password(s));
    labfile_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_carry),
        cmocka_unit_test(test_carry_part),
        cmocka_unit_test(test_no_source),
        cmocka_unit_test(test_password),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
