/* lab_pane.c — the lab's own programs on panes: the host shell and tcpdump of
 * an interface. They run in the lab's namespace because umlab itself does. */
#include "core/lab.h"

#include <stdio.h>
#include <stdlib.h>

#include "netcfg/link.h"

static void tell(struct lab_pane *lp, enum lab_pane_event ev)
{
    struct lab *lab = lp->lab;
    if (lab->hooks.pane_event)
        lab->hooks.pane_event(lab->hooks.ctx, lp, ev);
}

static void on_ended(void *ctx)
{
    struct lab_pane *lp = ctx;
    if (lp->pane.reaped && !lp->pane.open)
        tell(lp, LAB_PANE_ENDED);
}

static const struct pane_hooks lab_pane_hooks = {.ended = on_ended};

struct lab_pane *lab_find_pane(const struct lab *lab, enum lab_pane_kind kind, const char *iface)
{
    for (size_t i = 0; i < lab->npanes; i++) {
        struct lab_pane *lp = lab->panes[i];
        if (lp->kind == kind && (kind != LAB_PANE_DUMP || strcmp(lp->iface, iface) == 0))
            return lp;
    }
    return NULL;
}

static int spawn(struct lab *lab, struct lab_pane *lp, struct err *e)
{
    /* TERM: libvterm is an xterm; PS1 says where the shell runs. sh, not the
     * user's $SHELL: its rc files would replace the prompt. */
    char ps1[96];
    snprintf(ps1, sizeof ps1, "PS1=[umlab %s: %s] # ", lab->name,
             lab->netns[0] ? lab->netns : "host netns");
    const char *set[] = {"TERM=xterm-256color", ps1};
    char *sh[] = {(char *)"/bin/sh", NULL};
    char *dump[] = {(char *)"tcpdump", (char *)"-l", (char *)"-n", (char *)"-i", lp->iface, NULL};
    struct pty_spawn_opts so = {.keep_fds = {-1, -1, -1, -1}};
    if (!(so.env = pane_env(set, lp->kind == LAB_PANE_SHELL ? 2 : 1)))
        return err_sys(e, "%s: environment", lp->kind == LAB_PANE_SHELL ? "host shell" : "tcpdump");
    int rc = pane_spawn(&lp->pane, lp->kind == LAB_PANE_SHELL ? sh : dump, &so, e);
    free((void *)so.env);
    return rc;
}

int lab_pane_open(struct lab *lab, enum lab_pane_kind kind, const char *iface,
                  struct lab_pane **out, struct err *e)
{
    struct lab_pane *lp = lab_find_pane(lab, kind, iface);
    if (lp && lp->pane.reaped) { /* exited: start again in place, after its last output */
        pane_drain(&lp->pane);
        if (spawn(lab, lp, e) < 0)
            return -1;
    } else if (!lp) {
        if (kind == LAB_PANE_DUMP &&
            (strlen(iface) >= sizeof lp->iface || link_ifindex(lab->nl, iface) <= 0))
            return err_set(e, "tcpdump: no interface named '%s' in the lab's namespace", iface);
        struct lab_pane **np = realloc(lab->panes, (lab->npanes + 1) * sizeof *np);
        if (np)
            lab->panes = np;
        if (!np || !(lp = calloc(1, sizeof *lp)))
            return err_sys(e, "pane");
        *lp = (struct lab_pane){.lab = lab, .kind = kind};
        snprintf(lp->iface, sizeof lp->iface, "%s", kind == LAB_PANE_DUMP ? iface : "");
        if (pane_init(&lp->pane, lab->loop, lab->rows, lab->cols, LAB_SCROLLBACK, &lab_pane_hooks,
                      lp, e) < 0 ||
            spawn(lab, lp, e) < 0) {
            pane_fini(&lp->pane);
            free(lp);
            return -1;
        }
        lab->panes[lab->npanes++] = lp;
    }
    tell(lp, LAB_PANE_OPENED);
    *out = lp;
    return 0;
}

void lab_pane_close(struct lab *lab, struct lab_pane *lp)
{
    for (size_t i = 0; i < lab->npanes; i++)
        if (lab->panes[i] == lp) {
            memmove(&lab->panes[i], &lab->panes[i + 1], (lab->npanes - i - 1) * sizeof *lab->panes);
            lab->npanes--;
            break;
        }
    tell(lp, LAB_PANE_CLOSED);
    pane_fini(&lp->pane);
    free(lp);
}
