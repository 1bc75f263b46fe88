/* prompt.c — the command prompt: GNU readline's callback interface drawn in
 * the status line. Readline never touches the terminal here: its input comes
 * from our byte queue (fed from curses keys), its output stream is /dev/null,
 * its terminal prep hooks do nothing and it catches no signals.
 *
 * Global state, because readline's callbacks take no context: the console
 * the callbacks act on, the byte queue, the two /dev/null streams and the
 * completion generators' iteration state. Nothing else in tui/ is global
 * (crash.c keeps what a signal handler needs). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <wchar.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "core/cmd.h"
#include "tui/histfile.h"
#include "tui/ui.h"

#define HISTORY_KEEP 1000

static struct tui *rl_tui;
static unsigned char inq[256];
static size_t inq_head, inq_len;
static FILE *rl_null_in, *rl_null_out;
static int gen_index;    /* completion generators: where the last call stopped */
static int hist_fd = -1; /* the history file, opened as its owner (histfile.c) */

static int getc_cb(FILE *f)
{
    (void)f;
    if (inq_len == 0)
        return EOF;
    unsigned char c = inq[inq_head];
    inq_head = (inq_head + 1) % sizeof inq;
    inq_len--;
    return c;
}

static int input_available_cb(void)
{
    return inq_len > 0;
}

static void redisplay_cb(void)
{
    if (rl_tui)
        tui_mark(rl_tui, D_STATUS);
}

static void prep_noop(int meta)
{
    (void)meta;
}

static void deprep_noop(void)
{
}

static void save_history_line(const char *line)
{
    add_history(line);
    if (hist_fd < 0)
        return;
    struct err e;
    if (histfile_append(hist_fd, line, &e) < 0)
        tui_log(rl_tui, LOG_ERR, "%s", e.msg);
}

static void on_line(char *line)
{
    struct tui *t = rl_tui;
    enum prompt_mode mode = t->prompt;
    prompt_close(t);
    if (!line)
        return; /* Ctrl-D on an empty line */
    if (mode == PROMPT_CMD && line[0]) {
        save_history_line(line);
        tui_submit(t, line);
    } else if (mode == PROMPT_SEARCH) {
        input_search(t, line);
    }
    free(line);
}

/* ---- completion ---- */

static char *gen_first_word(const char *text, int state)
{
    if (!state)
        gen_index = 0;
    size_t n = strlen(text);
    const char *name;
    while ((name = cmd_name(gen_index++))) {
        size_t w = strcspn(name, " ");
        const char *prev = gen_index >= 2 ? cmd_name(gen_index - 2) : NULL;
        if (prev && strncmp(prev, name, w) == 0 && strcspn(prev, " ") == w)
            continue; /* "guest add", "guest del": offer "guest" once */
        if (w >= n && strncmp(name, text, n) == 0)
            return strndup(name, w);
    }
    return NULL;
}

static char first_word[32];

static char *gen_second_word(const char *text, int state)
{
    if (!state)
        gen_index = 0;
    size_t n = strlen(text), fw = strlen(first_word);
    const char *name;
    while ((name = cmd_name(gen_index++))) {
        if (strncmp(name, first_word, fw) != 0 || name[fw] != ' ')
            continue;
        if (strncmp(name + fw + 1, text, n) == 0)
            return strdup(name + fw + 1);
    }
    return NULL;
}

static char *gen_target(const char *text, int state)
{
    static const char *const extra[] = {"host", "internet", "on", "off", "auto"};
    if (!state)
        gen_index = 0;
    size_t n = strlen(text);
    struct lab *lab = rl_tui->lab;
    while ((size_t)gen_index < lab->nguests + sizeof extra / sizeof extra[0]) {
        int i = gen_index++;
        const char *name =
            (size_t)i < lab->nguests ? lab->guests[i]->name : extra[(size_t)i - lab->nguests];
        if (strncmp(name, text, n) == 0)
            return strdup(name);
    }
    return NULL;
}

static bool has_subcommands(const char *word)
{
    size_t w = strlen(word);
    const char *name;
    for (int i = 0; (name = cmd_name(i)); i++)
        if (strncmp(name, word, w) == 0 && name[w] == ' ')
            return true;
    return false;
}

static char **complete(const char *text, int start, int end)
{
    (void)end;
    rl_attempted_completion_over = 1; /* never file names */
    /* which word is being completed? */
    int words = 0;
    bool in_word = false;
    size_t fw_len = 0;
    const char *fw_start = NULL;
    for (int i = 0; i < start; i++) {
        bool blank = rl_line_buffer[i] == ' ' || rl_line_buffer[i] == '\t';
        if (!blank && !in_word) {
            words++;
            if (words == 1)
                fw_start = rl_line_buffer + i;
        }
        if (blank && in_word && words == 1)
            fw_len = (size_t)(rl_line_buffer + i - fw_start);
        in_word = !blank;
    }
    if (words == 0)
        return rl_completion_matches(text, gen_first_word);
    if (fw_start && fw_len < sizeof first_word) {
        memcpy(first_word, fw_start, fw_len);
        first_word[fw_len] = '\0';
        if (words == 1 && has_subcommands(first_word))
            return rl_completion_matches(text, gen_second_word);
    }
    return rl_completion_matches(text, gen_target);
}

static void display_matches(char **matches, int num, int max_length)
{
    (void)max_length;
    char buf[512];
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 1; i <= num && len + 2 < sizeof buf; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s ", matches[i]);
    tui_log(rl_tui, LOG_INFO, "completions: %s", buf);
}

/* ---- the interface ---- */

static void add_history_cb(void *ctx, const char *line)
{
    (void)ctx;
    add_history(line);
}

int prompt_init(struct tui *t, struct err *e)
{
    rl_tui = t;
    rl_null_in = fopen("/dev/null", "r");
    rl_null_out = fopen("/dev/null", "w");
    if (!rl_null_in || !rl_null_out) {
        err_sys(e, "prompt: /dev/null");
        prompt_fini(t);
        return -1;
    }
    rl_readline_name = "umlab";
    rl_instream = rl_null_in;
    rl_outstream = rl_null_out;
    rl_getc_function = getc_cb;
    rl_input_available_hook = input_available_cb;
    rl_redisplay_function = redisplay_cb;
    rl_prep_term_function = prep_noop;
    rl_deprep_term_function = deprep_noop;
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_change_environment = 0;
    rl_attempted_completion_function = complete;
    rl_completion_display_matches_hook = display_matches;
    using_history();
    stifle_history(HISTORY_KEEP);
    /* readline never sees the path: the file is read and appended through a
     * descriptor opened as its owner, never through a link. */
    const char *path = t->opts ? t->opts->history_path : NULL;
    if (t->opts && t->opts->history_error)
        tui_log(t, LOG_ERR, "%s", t->opts->history_error);
    if (path && t->opts->history_owner) {
        struct err he;
        hist_fd = histfile_open(t->opts->history_owner, path, &he);
        if (hist_fd < 0 || histfile_read(hist_fd, add_history_cb, NULL, &he) < 0)
            tui_log(t, LOG_ERR, "%s", he.msg);
    }
    return 0;
}

void prompt_fini(struct tui *t)
{
    prompt_close(t);
    if (hist_fd >= 0) {
        struct err he;
        (void)histfile_trim(hist_fd, HISTORY_KEEP, &he); /* best effort: it was saved */
        close(hist_fd);
        hist_fd = -1;
    }
    clear_history();
    if (rl_null_in)
        fclose(rl_null_in);
    if (rl_null_out)
        fclose(rl_null_out);
    rl_null_in = rl_null_out = NULL;
    rl_instream = rl_outstream = NULL;
    rl_tui = NULL;
}

void prompt_open(struct tui *t, enum prompt_mode mode, const char *prefill)
{
    if (t->prompt != PROMPT_NONE || mode == PROMPT_NONE)
        return;
    t->prompt = mode;
    inq_len = inq_head = 0;
    rl_callback_handler_install(mode == PROMPT_CMD ? "umlab> " : "search back: ", on_line);
    if (prefill && *prefill)
        rl_insert_text(prefill);
    tui_mark(t, D_STATUS);
}

void prompt_close(struct tui *t)
{
    if (t->prompt == PROMPT_NONE)
        return;
    t->prompt = PROMPT_NONE;
    rl_callback_sigcleanup(); /* a half-read key sequence */
    rl_replace_line("", 1);
    rl_callback_handler_remove();
    inq_len = inq_head = 0;
    tui_mark(t, D_STATUS);
}

void prompt_feed(struct tui *t, bool is_keycode, int code)
{
    if (!is_keycode && (code == 0x1b || code == 0x03 || code == 0x07)) {
        prompt_close(t); /* Esc, Ctrl-C, Ctrl-G: never mind */
        return;
    }
    char buf[8];
    size_t n = keys_to_bytes(is_keycode, code, buf);
    for (size_t i = 0; i < n && inq_len < sizeof inq; i++) {
        inq[(inq_head + inq_len) % sizeof inq] = (unsigned char)buf[i];
        inq_len++;
    }
    while (inq_len > 0 && t->prompt != PROMPT_NONE)
        rl_callback_read_char();
    tui_mark(t, D_STATUS);
}

void prompt_view(const char **prompt, const char **line, int *cursor_col)
{
    *prompt = rl_prompt ? rl_prompt : "";
    *line = rl_line_buffer ? rl_line_buffer : "";
    int col = 0;
    mbstate_t st;
    memset(&st, 0, sizeof st);
    const char *s = *line;
    const char *end = s + (rl_point > 0 ? rl_point : 0);
    while (s < end && *s) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, s, (size_t)(end - s), &st);
        if (n == 0 || n == (size_t)-1 || n == (size_t)-2) {
            n = 1;
            wc = L'?';
            memset(&st, 0, sizeof st);
        }
        int w = wcwidth(wc);
        col += w > 0 ? w : 0;
        s += n;
    }
    *cursor_col = col;
}
