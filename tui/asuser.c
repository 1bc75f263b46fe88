/* asuser.c — see asuser.h. */
#include "tui/asuser.h"

#include "core/useropen.h"

int asuser_open(const struct histfile_owner *o, const char *what, const char *path,
                asuser_open_fn opener, const void *arg, struct err *e)
{
    struct useropen_who w = {.uid = o->uid, .gid = o->gid, .drop = o->drop};
    return useropen_with(&w, what, path, opener, arg, e);
}
