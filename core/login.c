/* login.c — see login.h. */
#include "core/login.h"

#include <string.h>

int login_parse(const char *spec, struct login *out, struct err *e)
{
    struct login l = {.off = false, .user = "root"};
    if (!spec) {
        *out = l;
        return 0;
    }
    if (strcmp(spec, "none") == 0) {
        l.off = true;
        l.user[0] = '\0';
        *out = l;
        return 0;
    }
    const char *colon = strchr(spec, ':');
    size_t ulen = colon ? (size_t)(colon - spec) : strlen(spec);
    if (ulen == 0 || ulen >= LOGIN_USER_MAX || spec[0] == '-')
        return err_set(e, "--login: give USER[:PASSWORD] (user of 1-%d characters) or none",
                       LOGIN_USER_MAX - 1);
    for (size_t i = 0; i < ulen; i++) {
        char c = spec[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return err_set(e, "--login: user name may hold letters, digits, '_', '-' and '.'");
    }
    memcpy(l.user, spec, ulen);
    l.user[ulen] = '\0';
    if (colon) {
        const char *p = colon + 1;
        size_t plen = strlen(p);
        if (plen >= LOGIN_PASS_MAX)
            return err_set(e, "--login: password longer than %d characters", LOGIN_PASS_MAX - 1);
        for (size_t i = 0; i < plen; i++)
            if (p[i] < 0x20 || p[i] > 0x7e)
                return err_set(e, "--login: the password must be printable ASCII");
        memcpy(l.pass, p, plen + 1);
        l.has_pass = true;
    }
    *out = l;
    return 0;
}
