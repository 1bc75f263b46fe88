/* labsave_carry.c — what a saved lab takes over from the lab file it was
 * built from (labsave.h): texts, startup lines and checks. Pure. */
#include <stdlib.h>
#include <string.h>

#include "core/labsave.h"

static int dup_to(char **dst, const char *src)
{
    if (!src)
        return 0;
    *dst = strdup(src);
    return *dst ? 0 : -1;
}

static int carry_startup(struct labfile_guest *g, const struct labfile_guest *from)
{
    if (!from->nstartup || g->nstartup)
        return 0;
    if (!(g->startup = calloc(LABFILE_MAX_STARTUP, sizeof *g->startup)))
        return -1;
    for (size_t k = 0; k < from->nstartup && k < LABFILE_MAX_STARTUP; k++) {
        if (dup_to(&g->startup[k], from->startup[k]) < 0)
            return -1;
        g->nstartup++;
    }
    return 0;
}

/* Maps FROM's index of a guest (or LAN) to S's by name; false when S has
 * none of that name. -1 stays -1. */
static bool map_guest(const struct lab_spec *s, const struct lab_spec *from, int *idx)
{
    if (*idx < 0)
        return true;
    *idx = labfile_find_guest(s, from->guests[*idx].name);
    return *idx >= 0;
}

static bool map_lan(const struct lab_spec *s, const struct lab_spec *from, int *idx)
{
    if (*idx < 0)
        return true;
    *idx = labfile_find_lan(s, from->lans[*idx].name);
    return *idx >= 0;
}

static int carry_check(struct lab_spec *s, const struct lab_spec *from,
                       const struct labfile_check *c)
{
    struct labfile_check n = *c;
    n.text = NULL;
    if (!map_guest(s, from, &n.guest))
        return 0;
    if (n.kind == LABFILE_CHECK_REACH && n.to == LABFILE_TO_GUEST &&
        !map_guest(s, from, &n.to_guest))
        return 0;
    if (n.kind == LABFILE_CHECK_COUNTER && !map_lan(s, from, &n.lan))
        return 0;
    if (s->nchecks == LABFILE_MAX_CHECKS || dup_to(&n.text, c->text) < 0)
        return s->nchecks == LABFILE_MAX_CHECKS ? 0 : -1;
    s->checks[s->nchecks++] = n;
    return 0;
}

int labsave_carry(struct lab_spec *s, const struct lab_spec *from)
{
    if (!from)
        return 0;
    if (labsave_carry_part(s, from) < 0) /* before startup lines and checks: they follow */
        return -1;
    memcpy(s->name, from->name, sizeof s->name);
    if (!s->title && dup_to(&s->title, from->title) < 0)
        return -1;
    for (size_t i = 0; i < from->ndesc && s->ndesc < LABFILE_MAX_DESC; i++) {
        if (dup_to(&s->desc[s->ndesc], from->desc[i]) < 0)
            return -1;
        s->ndesc++;
    }
    for (size_t i = 0; i < s->nguests; i++) {
        int k = labfile_find_guest(from, s->guests[i].name);
        if (k >= 0 && carry_startup(&s->guests[i], &from->guests[k]) < 0)
            return -1;
    }
    for (size_t i = 0; i < from->nchecks; i++)
        if (carry_check(s, from, &from->checks[i]) < 0)
            return -1;
    return 0;
}

bool labsave_has_password(const struct lab_spec *s)
{
    if (s->login && strchr(s->login, ':'))
        return true;
    for (size_t i = 0; i < s->nguests; i++)
        if (s->guests[i].login && strchr(s->guests[i].login, ':'))
            return true;
    return false;
}
