/* login.h — how umlab answers a getty: the user (and password) it types. */
#ifndef UMLAB_LOGIN_H
#define UMLAB_LOGIN_H

#include <stdbool.h>
#include "base/err.h"

#define LOGIN_USER_MAX 33  /* including the NUL */
#define LOGIN_PASS_MAX 128 /* including the NUL */

struct login {
    bool off; /* --login none: leave the getty to the user */
    char user[LOGIN_USER_MAX];
    char pass[LOGIN_PASS_MAX]; /* "" with has_pass false: none given */
    bool has_pass;
};

/* Parses "USER[:PASSWORD]" or "none". NULL gives the default, root without a
 * password. USER: letters, digits, '_', '-', '.', not starting with '-';
 * PASSWORD: printable ASCII (it is typed into a console). */
int login_parse(const char *spec, struct login *out, struct err *e);

#endif
