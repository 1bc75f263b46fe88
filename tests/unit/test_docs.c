/* test_docs.c — the README's and the man page's tables of keys and commands
 * say what the code has: every row of the keymap (tui/keys.c keys_table) and
 * every entry of cmd_table is documented, and nothing documented is missing
 * from them. The docs are read from the source tree: $UMLAB_SRCDIR (the
 * Makefile sets it), else two levels above this binary (build/tests/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cmd.h"
#include "tui/keys.h"

#define MAX_LINES 2000

struct doc {
    const char *name;
    char *text;
    char *line[MAX_LINES];
    int n;
};

static void doc_load(struct doc *d, const char *rel)
{
    char dir[PATH_MAX], path[PATH_MAX * 2];
    const char *src = getenv("UMLAB_SRCDIR");
    if (!src) {
        ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
        assert_true(n > 0);
        dir[n] = '\0';
        snprintf(path, sizeof path, "%s/../..", dirname(dir));
        snprintf(dir, sizeof dir, "%s", path);
        src = dir;
    }
    snprintf(path, sizeof path, "%s/%s", src, rel);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s (set UMLAB_SRCDIR to the source tree)", path);
    memset(d, 0, sizeof *d);
    d->name = rel;
    size_t cap = 0;
    assert_true(getdelim(&d->text, &cap, '\0', f) > 0);
    fclose(f);
    for (char *save = NULL, *l = strtok_r(d->text, "\n", &save); l && d->n < MAX_LINES;
         l = strtok_r(NULL, "\n", &save))
        d->line[d->n++] = l;
}

/* The index of the line that starts with HEAD, failing when there is none. */
static int doc_find(const struct doc *d, const char *head)
{
    for (int i = 0; i < d->n; i++)
        if (strncmp(d->line[i], head, strlen(head)) == 0)
            return i;
    fail_msg("%s: no line starting with '%s'", d->name, head);
    return -1;
}

/* The first cell of a markdown table row, without "`" and "**" when PLAIN
 * (else as it is, "\|" unescaped). */
static void md_first_cell(const char *row, bool plain, char *out, size_t outsz)
{
    size_t n = 0;
    for (const char *s = row + 1; *s && n + 1 < outsz; s++) {
        if (*s == '\\' && s[1] == '|')
            s++;
        else if (*s == '|')
            break;
        else if (plain && *s == '`')
            continue;
        else if (plain && *s == '*' && s[1] == '*' && ++s)
            continue;
        out[n++] = *s;
    }
    while (n && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

/* A man page line as text: no request (.B), font changes (\fB) or "\-". */
static void troff_plain(const char *line, char *out, size_t outsz)
{
    const char *s = line;
    if (*s == '.')
        s += strcspn(s, " ") + (s[strcspn(s, " ")] == ' ');
    size_t n = 0;
    for (; *s && n + 1 < outsz; s++) {
        if (*s == '\\' && s[1] == 'f' && s[2])
            s += 2;
        else if (*s == '\\' && s[1] == '-')
            out[n++] = *++s;
        else
            out[n++] = *s;
    }
    out[n] = '\0';
}

/* ---- keys ---- */

struct key_seen {
    bool seen[64][KEYS_PER_BINDING];
};

/* One documented key: "F5", "Shift-PgUp", "Ctrl-] :", "Ctrl-] Ctrl-]". Marks
 * it seen; returns its keymap row (failing when no row has it). */
static const struct key_binding *doc_key(const char *doc, const char *item, struct key_seen *ks)
{
    static const char pfx[] = KEYS_PREFIX_NAME " ";
    bool prefix = strncmp(item, pfx, strlen(pfx)) == 0;
    const char *name = prefix ? item + strlen(pfx) : item;
    for (size_t i = 0; i < keys_ntable; i++)
        for (int j = 0; j < KEYS_PER_BINDING && keys_table[i].keys[j].code; j++) {
            char buf[8];
            const struct key_spec *k = &keys_table[i].keys[j];
            if (k->prefix == prefix && strcmp(keys_name(k, buf), name) == 0) {
                ks->seen[i][j] = true;
                return &keys_table[i];
            }
        }
    fail_msg("%s documents the key '%s', which the keymap does not have", doc, item);
    return NULL;
}

/* CELL lists keys ("F2, Ctrl-] a") of one keymap row. */
static void doc_key_cell(const char *doc, char *cell, struct key_seen *ks)
{
    const struct key_binding *row = NULL;
    char *save = NULL;
    for (char *item = strtok_r(cell, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        item += strspn(item, " ");
        const struct key_binding *b = doc_key(doc, item, ks);
        if (row && b != row)
            fail_msg("%s: '%s' is in the row of another key's action", doc, item);
        row = b;
    }
}

static void keys_all_seen(const char *doc, const struct key_seen *ks)
{
    assert_true(keys_ntable <= 64);
    for (size_t i = 0; i < keys_ntable; i++)
        for (int j = 0; j < KEYS_PER_BINDING && keys_table[i].keys[j].code; j++) {
            char buf[8];
            const struct key_spec *k = &keys_table[i].keys[j];
            if (!ks->seen[i][j])
                fail_msg("%s does not document the key %s%s (%s)", doc,
                         k->prefix ? KEYS_PREFIX_NAME " " : "", keys_name(k, buf),
                         keys_table[i].help);
        }
}

static void test_readme_keys(void **state)
{
    (void)state;
    struct doc d;
    doc_load(&d, "README.md");
    struct key_seen ks = {0};
    for (int i = doc_find(&d, "| key | action |") + 2; i < d.n && d.line[i][0] == '|'; i++) {
        char cell[256];
        md_first_cell(d.line[i], true, cell, sizeof cell);
        doc_key_cell(d.name, cell, &ks);
    }
    keys_all_seen(d.name, &ks);
    free(d.text);
}

static void test_man_keys(void **state)
{
    (void)state;
    struct doc d;
    doc_load(&d, "docs/umlab.1");
    struct key_seen ks = {0};
    for (int i = doc_find(&d, ".SH KEYS") + 1; i + 1 < d.n && strncmp(d.line[i], ".SH", 3); i++) {
        if (strcmp(d.line[i], ".TP") != 0)
            continue;
        char cell[256];
        troff_plain(d.line[i + 1], cell, sizeof cell);
        doc_key_cell(d.name, cell, &ks);
    }
    keys_all_seen(d.name, &ks);
    free(d.text);
}

/* ---- commands ---- */

struct cmd_seen {
    bool seen[64];
};

/* One documented form ("nat on [UPLINK]", "guest del NAME"): its first two
 * words or its first word name a command of cmd_table. */
static void doc_command(const char *doc, const char *form, struct cmd_seen *cs)
{
    size_t w1 = strcspn(form, " "), w2 = w1 + (form[w1] ? 1 + strcspn(form + w1 + 1, " ") : 0);
    int one = -1;
    for (int i = 0; cmd_table[i]; i++) {
        assert_true(i < 64);
        const char *name = cmd_table[i]->name;
        if (strlen(name) == w2 && strncmp(name, form, w2) == 0) {
            cs->seen[i] = true;
            return;
        }
        if (strlen(name) == w1 && strncmp(name, form, w1) == 0)
            one = i;
    }
    if (one < 0)
        fail_msg("%s documents the command '%s', which cmd_table does not have", doc, form);
    cs->seen[one] = true;
}

static void cmds_all_seen(const char *doc, const struct cmd_seen *cs)
{
    for (int i = 0; cmd_table[i]; i++)
        if (!cs->seen[i])
            fail_msg("%s does not document the command '%s'", doc, cmd_table[i]->name);
}

static void test_readme_commands(void **state)
{
    (void)state;
    struct doc d;
    doc_load(&d, "README.md");
    struct cmd_seen cs = {0};
    int rows = 0;
    for (int i = doc_find(&d, "| command | what it does |") + 2; i < d.n && d.line[i][0] == '|';
         i++, rows++) {
        char cell[512];
        md_first_cell(d.line[i], false, cell, sizeof cell);
        /* each `code span` is one form */
        char *save = NULL;
        bool code = cell[0] == '`';
        for (char *s = strtok_r(cell, "`", &save); s; s = strtok_r(NULL, "`", &save), code = !code)
            if (code)
                doc_command(d.name, s, &cs);
    }
    assert_true(rows > 5);
    cmds_all_seen(d.name, &cs);
    free(d.text);
}

static void test_man_commands(void **state)
{
    (void)state;
    struct doc d;
    doc_load(&d, "docs/umlab.1");
    struct cmd_seen cs = {0};
    for (int i = doc_find(&d, ".SH COMMANDS") + 1; i + 1 < d.n && strncmp(d.line[i], ".SH", 3);
         i++) {
        if (strcmp(d.line[i], ".TP") != 0)
            continue;
        char tag[512];
        troff_plain(d.line[i + 1], tag, sizeof tag);
        /* forms are separated by ", " or " | " outside brackets */
        int depth = 0;
        char *form = tag;
        for (char *s = tag;; s++) {
            depth += (*s == '[') - (*s == ']');
            size_t sep = depth ? 0 : !strncmp(s, ", ", 2) ? 2 : !strncmp(s, " | ", 3) ? 3 : 0;
            if (*s && !sep)
                continue;
            bool last = !*s;
            *s = '\0';
            doc_command(d.name, form, &cs);
            if (last)
                break;
            form = s + sep;
            s += sep - 1;
        }
    }
    cmds_all_seen(d.name, &cs);
    free(d.text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_readme_keys),
        cmocka_unit_test(test_man_keys),
        cmocka_unit_test(test_readme_commands),
        cmocka_unit_test(test_man_commands),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
