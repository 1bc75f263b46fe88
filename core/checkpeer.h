/* checkpeer.h — a multi-host lab's checks across hosts (docs/MULTIHOST.md):
 * each running part (`umlab LAB --as H`) serves a check service on its
 * host's address from the lab file (TCP, port LABFILE_CHECK_PORT unless the
 * `host` line says), and a part's `check` asks the host of a check's guest
 * to run it there.
 *
 * The protocol is one line each way. The request is CHECKPEER_MAGIC and the
 * check's canonical text (labfile_check_format); the service runs it only if
 * that text is byte-identical to one of its own lab file's checks whose
 * guest runs on its host: a peer can trigger the lab's own checks and
 * nothing else. The reply is "pass|FAIL|skip|refused WHY". The service never
 * blocks the event loop (a guest's part runs on its control channel), holds
 * at most CHECKPEER_MAX_CONNS connections, each for at most
 * CHECKPEER_SERVE_MS; the asking side gives up after CHECKPEER_CONNECT_MS to
 * connect and CHECKPEER_REPLY_MS in all, serving the loop meanwhile (two
 * parts may ask each other at once). */
#ifndef UMLAB_CHECKPEER_H
#define UMLAB_CHECKPEER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "base/strbuf.h"
#include "core/labcheck.h"
#include "core/labfile.h"

#define CHECKPEER_MAGIC      "umlab-check 1 "
#define CHECKPEER_REQ_MAX    (LABFILE_LINE_MAX + 32) /* a request line, with its newline */
#define CHECKPEER_REPLY_MAX  (LABCHECK_WHY_MAX + 16)
#define CHECKPEER_MAX_CONNS  4
#define CHECKPEER_EXEC_MS    11000 /* a check's command in the guest */
#define CHECKPEER_SERVE_MS   14000 /* a connection's whole life at the service */
#define CHECKPEER_CONNECT_MS 3000
#define CHECKPEER_REPLY_MS   18000 /* the service's whole answer */
/* A reach check run for a peer pings up to this many times, 2 s each: a
 * restarted guest elsewhere has a new MAC its peers learn in a few seconds. */
#define CHECKPEER_REACH_TRIES 5

struct lab;
struct checkserve;

enum checkpeer_verdict { CHECKPEER_PASS, CHECKPEER_FAIL, CHECKPEER_SKIP, CHECKPEER_REFUSED };

/* ---- pure, for tests ---- */

/* The request line for check text TEXT, newline included. */
void checkpeer_request(const char *text, struct strbuf *out);
/* The check of S a request line (newline stripped) names: its index, or -1
 * with WHY when the line is malformed or no check of S has that text. */
long checkpeer_match(const struct lab_spec *s, const char *line, char *why, size_t whysz);
/* "VERDICT WHY\n", WHY cut to one line. */
void checkpeer_reply(enum checkpeer_verdict v, const char *why, struct strbuf *out);
/* Reads a reply line (newline stripped): 0 with *V and WHY, -1 when it is
 * not one (a peer that is not umlab). */
int checkpeer_parse_reply(const char *line, enum checkpeer_verdict *v, char *why, size_t whysz);

/* ---- the service (checkserve.c) ---- */

/* A non-blocking TCP socket in the namespace umlab started in (where the
 * underlay is), LAB's own when it has none; -1 with E. */
int checkpeer_socket(struct lab *lab, struct err *e);

/* Serves LAB's checks on host S->as_host's address and check port, on a
 * socket in the namespace umlab started in (the underlay's). NULL when S
 * is not a part or its host has no check service (*OUT NULL, 0), or -1 with
 * E when it cannot listen (the part still runs: the caller says so). */
int checkserve_start(struct checkserve **out, struct lab *lab, const struct lab_spec *s,
                     const struct labcheck_base *base, struct err *e);
void checkserve_stop(struct checkserve *cs);

/* ---- the asking side (checkask.c) ---- */

/* Asks host H of S (LAB's part) to run check CI: 0 with *V and R->why,
 * or -1 with R->why saying why no answer came (refused, timed out, not
 * umlab), naming the host. */
int checkask_run(struct lab *lab, const struct lab_spec *s, size_t ci, enum checkpeer_verdict *v,
                 struct labcheck_result *r);

#endif
