/* fwdshare.h — net/ipv4/ip_forward shared by the host-mode labs of one
 * network namespace.
 *
 * Every host-mode lab needs ip_forward on; turning it on also rewrites other
 * sysctls (see sysctl_forward_side_keys). The first lab to need it saves the
 * original values, once, in STATE_BASE/.forwarding/net-DEV-INO.saved (root's,
 * 0700 directory, the namespace named by its inode); every lab journals those
 * same originals (ordinary `sysctl KEY OLD` records, so `umlab cleanup` can
 * restore them after a crash), and is a holder while it runs: a file
 * net-DEV-INO.holder.LAB it keeps flock'ed (.forwarding/lock serializes all of it). A lab going
 * away (exit or cleanup) while another holder lives leaves forwarding on and marks its records
 * done; the last one out restores them, under the registry's lock so a lab starting meanwhile
 * cannot take the "on" values for the originals. A holder whose process died (its lock is free)
 * does not count. Labs in their own namespace (--netns, --sandbox) own it alone and do not
 * register. */
#ifndef UMLAB_FWDSHARE_H
#define UMLAB_FWDSHARE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "core/journal.h"
#include "netcfg/sysctl.h"

struct fwd_value {
    char key[SYSCTL_KEYSZ];
    char val[16];
};

struct fwd_saved {
    struct fwd_value *v; /* side-effect keys first, ip_forward last */
    size_t n;
};

/* Registers lab LAB (state directory STATEDIR, whose parent is the state
 * base) as a holder; *HOLDER_FD gets the descriptor to keep open while the
 * lab runs. SAVED gets the original values (read now when no other live
 * holder saved them before). */
int fwdshare_join(const char *statedir, const char *lab, int *holder_fd, struct fwd_saved *saved,
                  struct err *e);
void fwdshare_saved_free(struct fwd_saved *s);

/* Called before undoing lab LAB's journal RECS (N of them; J: its open
 * journal, or NULL after a crash). When the lab has forwarding records of the
 * starting namespace: leaves the registry (closing HOLDER_FD if >= 0), then
 * marks those records done, restoring them first if it was the last holder.
 * On any error the records are left for the normal undo (the host's values
 * win over a neighbour lab). LOG may be NULL. */
void fwdshare_release(const char *statedir, const char *lab, int holder_fd, struct jrecord *recs,
                      size_t n, struct journal *j, void (*log)(void *ctx, const char *line),
                      void *logctx);

/* Parses a saved file's TEXT (lines "KEY VALUE", keys of the forwarding set
 * only, values digits or '-'). Pure. */
int fwdshare_parse(const char *text, struct fwd_saved *out, struct err *e);

#endif
