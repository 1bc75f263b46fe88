/* checkpeer.c — the check service's lines (checkpeer.h). Pure. */
#include "core/checkpeer.h"

#include <stdio.h>
#include <string.h>

static const char *const verdicts[] = {"pass", "FAIL", "skip", "refused"};

void checkpeer_request(const char *text, struct strbuf *out)
{
    sb_printf(out, "%s%s\n", CHECKPEER_MAGIC, text);
}

long checkpeer_match(const struct lab_spec *s, const char *line, char *why, size_t whysz)
{
    size_t m = strlen(CHECKPEER_MAGIC);
    if (strncmp(line, CHECKPEER_MAGIC, m) != 0) {
        snprintf(why, whysz, "not a umlab check request");
        return -1;
    }
    const char *text = line + m;
    long found = -1;
    for (size_t i = 0; i < s->nchecks && found < 0; i++) {
        struct strbuf t = {0};
        labfile_check_format(s, &s->checks[i], &t);
        if (!t.oom && strcmp(sb_str(&t), text) == 0)
            found = (long)i;
        sb_free(&t);
    }
    if (found < 0)
        snprintf(why, whysz, "not a check of this lab (only its own checks are run)");
    return found;
}

void checkpeer_reply(enum checkpeer_verdict v, const char *why, struct strbuf *out)
{
    sb_printf(out, "%s ", verdicts[v]);
    for (const char *p = why; *p; p++)
        sb_printf(out, "%c", (unsigned char)*p < 0x20 ? ' ' : *p);
    sb_printf(out, "\n");
}

int checkpeer_parse_reply(const char *line, enum checkpeer_verdict *v, char *why, size_t whysz)
{
    for (size_t k = 0; k < sizeof verdicts / sizeof *verdicts; k++) {
        size_t n = strlen(verdicts[k]);
        if (strncmp(line, verdicts[k], n) == 0 && line[n] == ' ') {
            *v = (enum checkpeer_verdict)k;
            snprintf(why, whysz, "%s", line + n + 1);
            for (char *p = why; *p; p++) /* whatever a peer sent: one printable line */
                if ((unsigned char)*p < 0x20 || *p == 0x7f)
                    *p = ' ';
            return 0;
        }
    }
    return -1;
}
