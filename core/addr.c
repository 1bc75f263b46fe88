/* addr.c — see addr.h. */
#include "core/addr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>

static uint32_t mask_of(int prefix)
{
    return prefix == 0 ? 0 : 0xffffffffU << (32 - prefix);
}

int addr_parse(const char *s, struct in_addr *out, int *prefix_out, struct err *e)
{
    uint32_t v = 0;
    const char *p = s;
    for (int i = 0; i < 4; i++) {
        if (!isdigit((unsigned char)*p))
            return err_set(e, "'%s' is not an IPv4 address", s);
        unsigned long oct = 0;
        int digits = 0;
        while (isdigit((unsigned char)*p)) {
            oct = oct * 10 + (unsigned long)(*p++ - '0');
            if (++digits > 3 || oct > 255)
                return err_set(e, "'%s' is not an IPv4 address", s);
        }
        v = (v << 8) | (uint32_t)oct;
        if (i < 3 && *p++ != '.')
            return err_set(e, "'%s' is not an IPv4 address", s);
    }
    int prefix = -1;
    if (*p == '/') {
        p++;
        if (!isdigit((unsigned char)*p))
            return err_set(e, "'%s': bad prefix length", s);
        char *end;
        long pl = strtol(p, &end, 10);
        if (*end || pl < 0 || pl > 32 || end - p > 2)
            return err_set(e, "'%s': bad prefix length", s);
        prefix = (int)pl;
        p = end;
    }
    if (*p)
        return err_set(e, "'%s' is not an IPv4 address", s);
    out->s_addr = htonl(v);
    if (prefix_out)
        *prefix_out = prefix;
    else if (prefix >= 0)
        return err_set(e, "'%s': no prefix length expected", s);
    return 0;
}

int subnet_parse(const char *s, struct subnet *out, struct err *e)
{
    struct in_addr a;
    int prefix;
    if (addr_parse(s, &a, &prefix, e) < 0)
        return -1;
    if (prefix < 0)
        return err_set(e, "subnet '%s' needs a prefix length (e.g. 192.168.0.0/24)", s);
    if (prefix < 8 || prefix > 30)
        return err_set(e, "subnet '%s': prefix must be between 8 and 30", s);
    if (ntohl(a.s_addr) & ~mask_of(prefix))
        return err_set(e, "subnet '%s' has host bits set", s);
    out->net = a;
    out->prefix = prefix;
    return 0;
}

bool subnet_contains(const struct subnet *sn, struct in_addr a)
{
    uint32_t m = mask_of(sn->prefix);
    return (ntohl(a.s_addr) & m) == ntohl(sn->net.s_addr);
}

bool subnet_is_edge(const struct subnet *sn, struct in_addr a)
{
    uint32_t host = ntohl(a.s_addr) & ~mask_of(sn->prefix);
    return host == 0 || host == ~mask_of(sn->prefix);
}

struct in_addr subnet_host(const struct subnet *sn, unsigned n)
{
    struct in_addr a = {htonl(ntohl(sn->net.s_addr) + n)};
    return a;
}

unsigned subnet_size(const struct subnet *sn)
{
    return (unsigned)((1ULL << (32 - sn->prefix)) - 2);
}

const char *addr_str(struct in_addr a, char *buf)
{
    if (!inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN))
        strcpy(buf, "?");
    return buf;
}

static bool in_list(const struct in_addr *used, size_t n, struct in_addr a)
{
    for (size_t i = 0; i < n; i++)
        if (used[i].s_addr == a.s_addr)
            return true;
    return false;
}

int addr_check_guest(const struct subnet *sn, struct in_addr host, const struct in_addr *used,
                     size_t n, struct in_addr a, struct err *e)
{
    char b[INET_ADDRSTRLEN], nb[INET_ADDRSTRLEN];
    if (!subnet_contains(sn, a))
        return err_set(e, "%s is outside the lab subnet %s/%d", addr_str(a, b),
                       addr_str(sn->net, nb), sn->prefix);
    if (subnet_is_edge(sn, a))
        return err_set(e, "%s is the network or broadcast address of %s/%d", addr_str(a, b),
                       addr_str(sn->net, nb), sn->prefix);
    if (a.s_addr == host.s_addr)
        return err_set(e, "%s is the host's own address", addr_str(a, b));
    if (in_list(used, n, a))
        return err_set(e, "%s is already used by another guest", addr_str(a, b));
    return 0;
}

int addr_alloc(const struct subnet *sn, struct in_addr host, const struct in_addr *used, size_t n,
               struct in_addr *out, struct err *e)
{
    unsigned size = subnet_size(sn);
    for (unsigned i = 1; i <= size; i++) {
        struct in_addr a = subnet_host(sn, i);
        if (a.s_addr != host.s_addr && !in_list(used, n, a)) {
            *out = a;
            return 0;
        }
    }
    char nb[INET_ADDRSTRLEN];
    return err_set(e, "no free address left in %s/%d", addr_str(sn->net, nb), sn->prefix);
}
