/* nicspec.c — see nicspec.h. */
#include "core/nicspec.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/addr.h"

bool lan_name_valid(const char *name)
{
    static const char *const reserved[] = {"tap", "uplink", "internet", "host", "all"};
    size_t n = strlen(name);
    if (n == 0 || n >= LAN_NAME_MAX || !isalpha((unsigned char)name[0]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)name[i]) && name[i] != '-' && name[i] != '_')
            return false;
    for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
        if (strcmp(name, reserved[i]) == 0)
            return false;
    return true;
}

int nic_spec_parse(const char *s, struct nic_spec *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    out->prefix = -1;
    const char *colon = strchr(s, ':');
    size_t n = colon ? (size_t)(colon - s) : strlen(s);
    char lan[LAN_NAME_MAX + 1];
    if (n == 0 || n >= sizeof lan)
        return err_set(e, "NIC '%s': give LAN[:ADDR/LEN] or tap[:ADDR]", s);
    memcpy(lan, s, n);
    lan[n] = '\0';
    bool tap = strcmp(lan, "tap") == 0;
    if (!tap && !lan_name_valid(lan))
        return err_set(e, "NIC '%s': '%s' is not a LAN name (letters, digits, '-', '_')", s, lan);
    if (!tap)
        snprintf(out->lan, sizeof out->lan, "%s", lan);
    if (!colon)
        return 0;
    struct err ae;
    if (addr_parse(colon + 1, &out->addr, &out->prefix, &ae) < 0)
        return err_set(e, "NIC '%s': '%s' is not an IPv4 address[/LEN]", s, colon + 1);
    if (out->addr.s_addr == 0)
        return err_set(e, "NIC '%s': 0.0.0.0 is no address", s);
    if (out->prefix >= 0 && (out->prefix < 1 || out->prefix > 30))
        return err_set(e, "NIC '%s': prefix /%d, give 1..30", s, out->prefix);
    if (tap && out->prefix >= 0)
        return err_set(e, "NIC '%s': a routed tap's prefix is the lab subnet's: give tap:ADDR", s);
    return 0;
}

int nic_index_parse(const char *s, unsigned max, unsigned *idx, struct err *e)
{
    unsigned v = 0;
    const char *p = s;
    if (strncmp(p, "eth", 3) != 0 || !p[3])
        return err_set(e, "'%s': give an interface as ethN (eth0, eth1...)", s);
    for (p += 3; *p; p++) {
        if (!isdigit((unsigned char)*p) || v > 1000 || (p[0] == '0' && p[1] && p == s + 3))
            return err_set(e, "'%s': give an interface as ethN (eth0, eth1...)", s);
        v = v * 10 + (unsigned)(*p - '0');
    }
    if (v >= max)
        return err_set(e, "'%s': at most %u NICs (eth0..eth%u)", s, max, max - 1);
    *idx = v;
    return 0;
}
