/* fuzz_labfile.c — a lab file as a teacher (or anyone) hands it out: parsed;
 * a failure is one line naming the file and leaves no spec; what parses is
 * written canonically, parsed again and written again, which must give the
 * same text; and its command lines must split back into the words meant
 * (a startup command comes back as one word, byte for byte). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmd.h"
#include "core/labfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct walk {
    const struct lab_spec *s;
    size_t lines, guest, startup; /* the next startup command expected */
};

static int check_line(void *ctx, const char *line)
{
    struct walk *w = ctx;
    struct cmd_args a;
    struct err e;
    w->lines++;
    if (cmd_split(line, &a, &e) < 2)
        abort();
    if (!strcmp(a.words[0], "exec")) {
        while (w->guest < w->s->nguests && w->startup >= w->s->guests[w->guest].nstartup) {
            w->guest++;
            w->startup = 0;
        }
        if (w->guest == w->s->nguests || a.nwords != 3 ||
            strcmp(a.words[1], w->s->guests[w->guest].name) != 0 ||
            strcmp(a.words[2], w->s->guests[w->guest].startup[w->startup]) != 0)
            abort();
        w->startup++;
    }
    cmd_args_free(&a);
    return 0;
}

static size_t expected_lines(const struct lab_spec *s)
{
    size_t n = s->nlans + (s->share_dir ? 1 : 0) + 2 * s->nguests + (s->nat == 1 ? 1 : 0);
    for (size_t i = 0; i < s->nguests; i++)
        n += s->guests[i].nroutes + (s->guests[i].forward ? 1 : 0) + s->guests[i].nstartup;
    return n;
}

static char *format(const struct lab_spec *s)
{
    struct strbuf b = {0};
    labfile_format(s, &b);
    if (b.oom)
        abort();
    return b.s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lab_spec *s = (struct lab_spec *)data; /* must come back NULL on failure */
    struct err e = {""};
    if (labfile_parse("fuzz.lab", (const char *)data, size, &s, &e) < 0) {
        if (s || strncmp(e.msg, "fuzz.lab:", 9) != 0 || strchr(e.msg, '\n'))
            abort();
        return 0;
    }
    char *t1 = format(s);
    struct lab_spec *s2 = NULL;
    if (labfile_parse("fuzz.lab", t1, strlen(t1), &s2, &e) < 0)
        abort(); /* what we write, we read */
    char *t2 = format(s2);
    if (strcmp(t1, t2) != 0)
        abort();

    struct walk w = {.s = s};
    if (labfile_to_commands(s, check_line, &w) != 0 || w.lines != expected_lines(s))
        abort();
    for (size_t i = 0; i < s->nchecks; i++) {
        struct strbuf b = {0};
        labfile_check_format(s, &s->checks[i], &b);
        if (b.oom || !b.len)
            abort();
        sb_free(&b);
    }
    free(t1);
    free(t2);
    labfile_free(s);
    labfile_free(s2);
    return 0;
}
