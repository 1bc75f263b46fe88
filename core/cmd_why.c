/* cmd_why.c — `why GUEST TARGET`: the path of a ping hop by hop, the first
 * hop where packets stop, and the command that fixes it. */
#include "core/cmds.h"
#include "core/why_facts.h"

static const char *mark(enum why_status s)
{
    return s == WHY_PASS ? "ok  " : s == WHY_FAIL ? "FAIL" : "?   ";
}

static void put_list(struct out *o, const char *key, const char (*v)[WHY_FIXSZ], size_t n)
{
    out_arr_begin(o, key);
    for (size_t i = 0; i < n; i++)
        out_str(o, NULL, v[i]);
    out_arr_end(o);
}

static void print_fix(struct out *o, const struct why_hop *h, const char *indent)
{
    for (size_t i = 0; i < h->nfix; i++)
        out_printf(o, "%s%s `%s`\n", indent, i ? "then:" : "fix: ", h->fix[i]);
    for (size_t i = 0; i < h->nshell; i++)
        out_printf(o, "%s%s %s\n", indent,
                   i                                  ? "      "
                   : strcmp(h->shell_on, "host") == 0 ? "shell (host):"
                                                      : "shell (guest):",
                   h->shell[i]);
}

static void put_counters(struct out *o, const char *key, const struct why_counters *c)
{
    out_obj_begin(o, key);
    out_uint(o, "src_rx", c->src_rx);
    out_uint(o, "src_tx", c->src_tx);
    out_uint(o, "dst_rx", c->dst_rx);
    out_uint(o, "dst_tx", c->dst_tx);
    out_uint(o, "forward", c->fwd);
    out_uint(o, "masquerade", c->masq);
    out_obj_end(o);
}

static int why_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    struct guest *g = a->guest;
    struct why_gathered got;
    if (why_gather(lab, g, a->argv[1], &got, e) < 0)
        return -1;
    struct why_report r;
    why_diagnose(&got.f, &r);

    for (size_t i = 0; i < r.n; i++) {
        const struct why_hop *h = &r.hops[i];
        out_printf(o, "%s %-12s %s\n", mark(h->status), h->id, h->detail);
        if ((int)i == r.first_fail)
            print_fix(o, h, "                  ");
    }
    out_printf(o, "%s\n", r.summary);

    char ds[INET_ADDRSTRLEN];
    const struct why_hop *ff = r.first_fail >= 0 ? &r.hops[r.first_fail] : NULL;
    out_str(o, "from", g->name);
    out_str(o, "to", a->argv[1]);
    out_str(o, "address", addr_str(got.f.dst, ds));
    out_bool(o, "reachable", r.reachable);
    out_str(o, "cause", ff ? ff->id : NULL);
    out_str(o, "summary", r.summary);
    put_list(o, "fix", ff ? ff->fix : NULL, ff ? ff->nfix : 0);
    out_str(o, "shell_on", ff && ff->nshell ? ff->shell_on : NULL);
    put_list(o, "shell", ff ? ff->shell : NULL, ff ? ff->nshell : 0);
    out_arr_begin(o, "hops");
    for (size_t i = 0; i < r.n; i++) {
        const struct why_hop *h = &r.hops[i];
        out_obj_begin(o, NULL);
        out_str(o, "id", h->id);
        out_str(o, "title", h->title);
        out_str(o, "status", why_status_name(h->status));
        out_str(o, "detail", h->detail);
        put_list(o, "fix", h->fix, h->nfix);
        out_str(o, "shell_on", h->nshell ? h->shell_on : NULL);
        put_list(o, "shell", h->shell, h->nshell);
        out_obj_end(o);
    }
    out_arr_end(o);
    out_obj_begin(o, "probe");
    out_bool(o, "sent", got.f.probed);
    out_int(o, "packets_sent", got.f.sent);
    out_int(o, "packets_received", got.f.received);
    put_counters(o, "before", &got.f.before);
    put_counters(o, "after", &got.f.after);
    out_obj_end(o);
    why_gathered_free(&got);
    return 0;
}

const struct cmd_entry cmd_why = {
    .name = "why",
    .usage = "GUEST TARGET",
    .summary = "walk the path of a ping hop by hop: where packets stop, and the command that "
               "fixes it",
    .args = {.min = 2, .max = 2},
    .target = CMD_TARGET_GUEST,
    .exec = why_cmd,
};
