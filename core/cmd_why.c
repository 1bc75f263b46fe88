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
        out_str(o, NULL, NULL, v[i]);
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
    out_uint(o, "src_rx", NULL, c->src_rx);
    out_uint(o, "src_tx", NULL, c->src_tx);
    out_uint(o, "dst_rx", NULL, c->dst_rx);
    out_uint(o, "dst_tx", NULL, c->dst_tx);
    out_uint(o, "forward", NULL, c->fwd);
    out_uint(o, "masquerade", NULL, c->masq);
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
    char ds[INET_ADDRSTRLEN];
    const struct why_hop *ff = r.first_fail >= 0 ? &r.hops[r.first_fail] : NULL;
    out_str(o, "from", NULL, g->name);
    out_str(o, "to", NULL, a->argv[1]);
    out_str(o, "address", NULL, addr_str(got.f.dst, ds));
    out_bool(o, "reachable", NULL, r.reachable);
    out_str(o, "cause", NULL, ff ? ff->id : NULL);
    out_str(o, "summary", NULL, r.summary);
    put_list(o, "fix", ff ? ff->fix : NULL, ff ? ff->nfix : 0);
    out_str(o, "shell_on", NULL, ff && ff->nshell ? ff->shell_on : NULL);
    put_list(o, "shell", ff ? ff->shell : NULL, ff ? ff->nshell : 0);
    out_arr_begin(o, "hops");
    for (size_t i = 0; i < r.n; i++) {
        const struct why_hop *h = &r.hops[i];
        out_obj_begin(o, NULL);
        out_printf(o, "%s ", mark(h->status));
        out_str(o, "id", "%-12s ", h->id);
        out_str(o, "title", NULL, h->title);
        out_str(o, "status", NULL, why_status_name(h->status));
        out_str(o, "detail", "%s\n", h->detail);
        if ((int)i == r.first_fail)
            print_fix(o, h, "                  ");
        put_list(o, "fix", h->fix, h->nfix);
        out_str(o, "shell_on", NULL, h->nshell ? h->shell_on : NULL);
        put_list(o, "shell", h->shell, h->nshell);
        out_obj_end(o);
    }
    out_arr_end(o);
    out_printf(o, "%s\n", r.summary);
    out_obj_begin(o, "probe");
    out_bool(o, "sent", NULL, got.f.probed);
    out_int(o, "packets_sent", NULL, got.f.sent);
    out_int(o, "packets_received", NULL, got.f.received);
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
