/* pty.h — a child process on a pseudo-terminal, with non-blocking I/O.
 * Writes go through a queue drained on POLLOUT: never a blocking loop. */
#ifndef UMLAB_PTY_H
#define UMLAB_PTY_H

#include <stdbool.h>
#include <sched.h>
#include <stddef.h>
#include <sys/types.h>
#include "base/err.h"

struct pty_spawn_opts {
    unsigned short rows, cols;
    uid_t uid; /* run as this user/group when drop_priv */
    gid_t gid;
    bool drop_priv;
    const char *cwd;           /* NULL: inherit */
    char *const *env;          /* NULL: inherit; else the whole environment */
    int keep_fds[4];           /* fds the child keeps (besides 0..2), -1 = unused */
    const cpu_set_t *affinity; /* NULL: inherit; else set before exec (children inherit it) */
    int session_nice;          /* > 0: the child's new session runs at this nice (below) */
};

/* At most this much input waits for a child that does not read (a guest
 * looping on cursor queries would otherwise grow the queue without end). */
#define PTY_WQ_MAX (64 * 1024)

struct ptyproc {
    int master; /* non-blocking, close-on-exec; -1 when closed */
    pid_t pid;  /* child, leader of its own session and process group; 0 when reaped */
    char *wq;   /* pending input for the child, at most PTY_WQ_MAX bytes */
    size_t wq_len, wq_cap;
    unsigned long long dropped; /* bytes refused because the queue was full */
};

/* Starts ARGV[0] (searched on PATH) on a new pty. The child is a session leader
 * with the pty as controlling terminal. With the kernel's autogroups each
 * session is a scheduling group of its own, weighed against the others by
 * its autogroup's nice (/proc/self/autogroup), not its processes': SESSION_NICE
 * sets that (best effort: a kernel without autogroups has nothing to set). */
int pty_spawn(struct ptyproc *p, char *const argv[], const struct pty_spawn_opts *opts,
              struct err *e);

/* Reads what is available into BUF. Returns bytes read, 0 when nothing is
 * available now (EAGAIN), -1 at end (EIO/EOF: the child side is closed).
 * Keep reading until -1 before closing, or the child's last output is lost.
 * (Writes still succeed after the child is gone: -1 here is the end signal.) */
ssize_t pty_read(struct ptyproc *p, char *buf, size_t len);

/* Queues LEN bytes for the child and tries to write right away. When they do
 * not fit under PTY_WQ_MAX, none of them is queued (a terminal reply is never
 * cut in half): they are counted in dropped and an error says so. */
int pty_write(struct ptyproc *p, const char *buf, size_t len, struct err *e);
/* Writes as much of the queue as the pty takes now (call on POLLOUT). */
int pty_flush(struct ptyproc *p, struct err *e);
static inline bool pty_wants_pollout(const struct ptyproc *p)
{
    return p->wq_len > 0;
}

int pty_resize(struct ptyproc *p, unsigned short rows, unsigned short cols, struct err *e);
/* Reaps the child: BLOCK waits, else WNOHANG. Returns 1 when reaped (STATUS
 * as from waitpid, pid set to 0), 0 when still running, -1 on error. */
int pty_reap(struct ptyproc *p, bool block, int *status, struct err *e);
/* Closes the master and frees the queue (does not signal or reap the child). */
void pty_close(struct ptyproc *p);

#endif
