/* lab_netns.c — the lab's own network namespace, and the sandbox's stand-in
 * internet (198.51.100.1) behind a veth uplink. */
#include "core/lab.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "core/lab_internal.h"
#include "netcfg/link.h"
#include "netcfg/netns.h"

/* Journals, then creates namespace NAME. The create is the existence check
 * (O_EXCL): a name someone else holds fails and its record is dropped, so
 * that undoing this lab never deletes their namespace. */
static int create_netns(struct lab *lab, const char *name, int *seq, struct err *e)
{
    if ((*seq = journal_add(&lab->journal, J_NETNS, e, 1, name)) < 0)
        return -1;
    if (netns_create(name, e) < 0) {
        if (errno == EEXIST)
            lab_forget(lab, seq);
        return -1;
    }
    return 0;
}

int lab_setup_sandbox(struct lab *lab, struct err *e)
{
    snprintf(lab->inet_netns, sizeof lab->inet_netns, "%s-inet", lab->netns);
    int seq = -1;
    if (create_netns(lab, lab->inet_netns, &seq, e) < 0)
        return -1;
    int inet_fd = netns_open(lab->inet_netns, e);
    if (inet_fd < 0)
        return -1;
    struct in_addr up, inet;
    if (addr_parse(SANDBOX_UPLINK_ADDR, &up, NULL, e) < 0 ||
        addr_parse(SANDBOX_INET, &inet, NULL, e) < 0 ||
        journal_add(&lab->journal, J_VETH, e, 1, SANDBOX_UPLINK) < 0 ||
        veth_create(lab->nl, SANDBOX_UPLINK, "eth0", inet_fd, e) < 0 ||
        addr_add(lab->nl, SANDBOX_UPLINK, up, 24, e) < 0 ||
        link_set_up(lab->nl, SANDBOX_UPLINK, true, e) < 0) {
        close(inet_fd);
        return -1;
    }
    /* The stand-in internet: 198.51.100.1 on its eth0, and no route back to the
     * lab's private subnet (like the real one): only NAT'ed packets get answers. */
    int rc = 0;
    struct nlconn *inl = NULL;
    if (netns_enter_fd(inet_fd, e) < 0 || nlconn_open(&inl, e) < 0 ||
        addr_add(inl, "eth0", inet, 24, e) < 0 || link_set_up(inl, "eth0", true, e) < 0)
        rc = -1;
    if (inl)
        nlconn_close(inl);
    close(inet_fd);
    struct err e2;
    if (netns_enter(lab->netns, rc < 0 ? &e2 : e) < 0)
        return -1;
    if (rc == 0)
        snprintf(lab->uplink, sizeof lab->uplink, "%s", SANDBOX_UPLINK);
    return rc;
}

int lab_setup_netns(struct lab *lab, const struct lab_opts *o, struct err *e)
{
    if (!o->netns && !o->sandbox)
        return 0;
    if (o->netns)
        snprintf(lab->netns, sizeof lab->netns, "%s", o->netns);
    else
        snprintf(lab->netns, sizeof lab->netns, "umlab-%s", lab->name);
    int seq = -1;
    if (create_netns(lab, lab->netns, &seq, e) < 0 ||
        journal_add(&lab->journal, J_ENTER, e, 1, lab->netns) < 0 || netns_enter(lab->netns, e) < 0)
        return -1;
    return 0;
}
