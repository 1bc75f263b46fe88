/* labsave_part.c — saving one host's part of a multi-host lab
 * (labsave.h): the running lab is this host's guests, the lab file it came
 * from says the rest. The saved file is again the whole lab, for every
 * host: its `host` lines, this host's guests placed on it, the other
 * hosts' guests as the file had them, the LANs they need, and NAT when
 * another host does it. Pure. */
#include <stdlib.h>
#include <string.h>

#include "core/lab.h"
#include "core/labsave.h"

static int dup_to(char **dst, const char *src)
{
    if (!src)
        return 0;
    *dst = strdup(src);
    return *dst ? 0 : -1;
}

static bool same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* S's index of FROM's LAN LI, added as FROM has it when S lacks it; -1
 * when S is full. */
static int lan_of(struct lab_spec *s, const struct lab_spec *from, int li)
{
    int k = labfile_find_lan(s, from->lans[li].name);
    if (k >= 0 || s->nlans == LABFILE_MAX_LANS)
        return k;
    s->lans[s->nlans] = from->lans[li];
    return (int)s->nlans++;
}

/* Another host's guest G of FROM, appended to S with what it inherited
 * from FROM's defaults written out where S's differ. 0, or -1 out of memory. */
static int carry_guest(struct lab_spec *s, const struct lab_spec *from,
                       const struct labfile_guest *g)
{
    if (s->nguests == LABFILE_MAX_GUESTS || labfile_find_guest(s, g->name) >= 0)
        return 0;
    struct labfile_guest n = *g;
    n.image = n.login = NULL;
    n.startup = NULL; /* labsave_carry copies the startup lines by name */
    n.nstartup = 0;
    n.host_name[0] = '\0';
    const char *image = g->image ? g->image : from->image;
    const char *login = g->login ? g->login : from->login;
    if (!same_str(image, s->image) && dup_to(&n.image, image) < 0)
        return -1;
    if (!same_str(login, s->login) && dup_to(&n.login, login) < 0) {
        free(n.image);
        return -1;
    }
    if (!n.mem_mb && from->mem_mb != s->mem_mb)
        n.mem_mb = from->mem_mb ? from->mem_mb : LAB_DEFAULT_MEM;
    for (size_t k = 0; k < n.nnics; k++)
        if (n.nics[k].lan >= 0 && (n.nics[k].lan = lan_of(s, from, n.nics[k].lan)) < 0)
            n.nics[k].lan = -1; /* S full of LANs: cannot happen with FROM's limits */
    s->guests[s->nguests++] = n;
    return 0;
}

int labsave_carry_part(struct lab_spec *s, const struct lab_spec *from)
{
    if (!from || from->as_host < 0)
        return 0;
    memcpy(s->hosts, from->hosts, from->nhosts * sizeof *from->hosts);
    s->nhosts = from->nhosts;
    for (size_t i = 0; i < s->nguests; i++)
        s->guests[i].host = from->as_host; /* what runs here, added later too */
    for (size_t i = 0; i < from->nguests; i++)
        if (!from->guests[i].later && !labfile_guest_here(from, i) &&
            carry_guest(s, from, &from->guests[i]) < 0)
            return -1;
    if (!labfile_nat_here(from) && from->nat == 1) { /* another host's NAT */
        s->nat = 1;
        if (!s->uplink && dup_to(&s->uplink, from->uplink) < 0)
            return -1;
    }
    return 0;
}
