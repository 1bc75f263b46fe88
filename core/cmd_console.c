/* cmd_console.c — send, expect, sleep, echo: scripting a guest's console. */
#include <regex.h>
#include <stdlib.h>

#include "core/cmds.h"
#include "core/console.h"
#include "core/labfile.h"
#include "core/regex_size.h"
#include "base/parse.h"

#define EXPECT_TIMEOUT_MS 10000

/* Decodes \n \r \t \e \\ \xHH in S into OUT. */
static int unescape(const char *s, struct strbuf *out, struct err *e)
{
    for (; *s; s++) {
        if (*s != '\\') {
            sb_append(out, s, 1);
            continue;
        }
        char c;
        switch (*++s) {
        case 'n':
            c = '\n';
            break;
        case 'r':
            c = '\r';
            break;
        case 't':
            c = '\t';
            break;
        case 'e':
            c = 0x1b;
            break;
        case '\\':
            c = '\\';
            break;
        case 'x': {
            char hex[3] = {s[1], s[1] ? s[2] : 0, 0};
            char *end;
            long v = strtol(hex, &end, 16);
            if (!hex[0] || !hex[1] || *end)
                return err_set(e, "bad \\x escape (use \\xHH)");
            c = (char)v;
            s += 2;
            break;
        }
        default:
            return err_set(e, "unknown escape '\\%c'", *s ? *s : ' ');
        }
        sb_append(out, &c, 1);
    }
    return 0;
}

static int send_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    (void)lab;
    struct guest *g = a->guest;
    if (g->state == GUEST_EXITED)
        return err_set(e, "%s is not running", g->name);
    bool raw = cmd_flag(a, "raw");
    struct strbuf text = {0};
    for (int i = 1; i < a->argc; i++) {
        if (i > 1)
            sb_append(&text, " ", 1);
        if (raw) {
            if (unescape(a->argv[i], &text, e) < 0) {
                sb_free(&text);
                return -1;
            }
        } else {
            sb_append(&text, a->argv[i], strlen(a->argv[i]));
        }
    }
    if (!raw)
        sb_append(&text, "\r", 1);
    int rc = guest_send(g, sb_str(&text), e);
    if (rc == 0) {
        out_str(o, "name", "%s: ", g->name);
        out_uint(o, "bytes", "sent %llu byte(s)\n", text.len);
    }
    sb_free(&text);
    return rc;
}

static int expect_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    struct guest *g = a->guest;
    int timeout;
    if (cmd_parse_timeout(a->argc > 2 ? a->argv[2] : NULL, EXPECT_TIMEOUT_MS, &timeout, e) < 0)
        return -1;
    /* bounded as a lab file's screen checks: regcomp can take seconds or
     * gigabytes on a small regex (regex_size.h) */
    char why[128];
    if (regex_too_hard(a->argv[1], LABFILE_REGEX_MAX, LABFILE_REGEX_ATOMS, LABFILE_REGEX_LOOPS, why,
                       sizeof why))
        return err_set(e, "expect: %s", why);
    regex_t re;
    int rc = regcomp(&re, a->argv[1], REG_EXTENDED | REG_NEWLINE);
    if (rc != 0) {
        char msg[128];
        regerror(rc, &re, msg, sizeof msg);
        return err_set(e, "expect: bad pattern '%s': %s", a->argv[1], msg);
    }
    char line[1024];
    rc = console_expect(lab, g, &re, timeout, line, sizeof line, e);
    regfree(&re);
    if (rc < 0)
        return -1;
    out_str(o, "name", "%s: ", g->name);
    out_str(o, "line", "%s\n", line);
    return 0;
}

static int sleep_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    int ms;
    if (cmd_parse_timeout(a->argv[0], 0, &ms, e) < 0)
        return -1;
    int64_t deadline = loop_now_ms() + ms;
    while (loop_now_ms() < deadline) {
        if (lab->quit_signal)
            return err_set(e, "interrupted");
        if (loop_run_once(lab->loop, (int)(deadline - loop_now_ms()), e) < 0)
            return -1;
    }
    out_double(o, "slept", NULL, ms / 1000.0);
    return 0;
}

static int echo_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    (void)lab;
    (void)e;
    struct strbuf t = {0};
    for (int i = 0; i < a->argc; i++) {
        if (i)
            sb_append(&t, " ", 1);
        sb_append(&t, a->argv[i], strlen(a->argv[i]));
    }
    out_str(o, "text", "%s\n", sb_str(&t));
    sb_free(&t);
    return 0;
}

static int screen_cmd(struct lab *lab, const struct cmd_args *a, struct out *o, struct err *e)
{
    (void)lab;
    struct pane *p = a->pane;
    int lines = 24;
    if (a->argc > 1) {
        long v;
        if (parse_long(a->argv[1], 1, LAB_SCROLLBACK, &v) < 0)
            return err_set(e, "screen: LINES must be 1..%d", LAB_SCROLLBACK);
        lines = (int)v;
    }
    uint64_t cur = pane_cursor_line(p);
    struct strbuf t = {0};
    pane_text(p, cur >= (uint64_t)lines ? cur - (uint64_t)lines + 1 : 0, &t);
    out_str(o, "name", NULL, a->argv[0]);
    out_str(o, "text", "%s\n", sb_str(&t));
    sb_free(&t);
    return 0;
}

const struct cmd_entry cmd_screen = {
    .name = "screen",
    .usage = "PANE [LINES]",
    .summary = "print the last LINES (default 24) lines of a pane: GUEST, host (the shell), "
               "dump:GUEST|LAN|IFACE",
    .args = {.min = 1, .max = 2},
    .target = CMD_TARGET_PANE,
    .exec = screen_cmd,
};

const struct cmd_entry cmd_send = {
    .name = "send",
    .usage = "GUEST [--raw] TEXT...",
    .summary =
        "type TEXT and Enter into a guest's console (--raw: no Enter, \\n \\e \\xHH escapes)",
    .args = {.min = 2, .max = CMD_MAX_ARGS, .opts = "raw", .verbatim_from = 2},
    .target = CMD_TARGET_GUEST,
    .exec = send_cmd,
};
const struct cmd_entry cmd_expect = {
    .name = "expect",
    .usage = "GUEST REGEX [TIMEOUT]",
    .summary =
        "wait until the guest's screen shows REGEX (since the last send/expect; default 10 s)",
    .args = {.min = 2, .max = 3},
    .target = CMD_TARGET_GUEST,
    .exec = expect_cmd,
};
const struct cmd_entry cmd_sleep = {
    .name = "sleep",
    .usage = "SECONDS",
    .summary = "pause a script (the guests keep running)",
    .args = {.min = 1, .max = 1},
    .exec = sleep_cmd,
};
const struct cmd_entry cmd_echo = {
    .name = "echo",
    .usage = "TEXT...",
    .summary = "print TEXT (for scripted demos)",
    .args = {.max = CMD_MAX_ARGS, .verbatim_from = 1},
    .exec = echo_cmd,
};
