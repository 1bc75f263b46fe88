/* mconsole.h — a client for UML's management console (halt, reboot, sysrq...).
 * The packaged uml_mconsole hangs against this kernel; this one has a timeout
 * on every call. The socket is UML_DIR/UMID/mconsole (SOCK_DGRAM). */
#ifndef UMLAB_MCONSOLE_H
#define UMLAB_MCONSOLE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "base/err.h"

#define MCONSOLE_MAGIC   0xcafebabeU
#define MCONSOLE_VERSION 2U
#define MCONSOLE_MAX     512

struct mconsole_request {
    uint32_t magic;
    uint32_t version;
    uint32_t len;
    char data[MCONSOLE_MAX];
};

struct mconsole_reply {
    uint32_t err;
    uint32_t more;
    uint32_t len;
    char data[MCONSOLE_MAX];
};

/* Fills REQ for command CMD; fails when CMD is empty or too long. Pure. */
int mconsole_encode(const char *cmd, struct mconsole_request *req, struct err *e);
/* Checks a received datagram of N bytes and copies it into REP (data NUL
 * terminated). Pure. */
int mconsole_decode(const void *buf, size_t n, struct mconsole_reply *rep, struct err *e);

/* Sends CMD to the socket at PATH and collects the reply text (all parts while
 * `more`) into OUT. Returns 0 on success, -1 on transport error or timeout, and
 * 1 when the guest answered with an error (its text in OUT and E). */
int mconsole_call(const char *path, const char *cmd, int timeout_ms, char *out, size_t outsz,
                  struct err *e);

/* An O_PATH descriptor of the socket REL beneath directory DIRFD: no symlink
 * in any component, no "..", and it must be a socket owned by OWNER (see
 * mconsole.c for why). -1 with a one-line error otherwise. */
int mconsole_resolve(int dirfd, const char *rel, uid_t owner, struct err *e);
/* mconsole_call on the socket mconsole_resolve finds beneath directory DIR
 * (trusted: root's): what root uses for a socket in a tree another user can
 * write. */
int mconsole_call_at(const char *dir, const char *rel, uid_t owner, const char *cmd, int timeout_ms,
                     char *out, size_t outsz, struct err *e);

#endif
