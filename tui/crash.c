/* crash.c — a crash (SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL) must not leave
 * the user's terminal in raw mode on the alternate screen: the handler writes
 * the reset sequences and restores the saved termios (both async-signal-safe;
 * endwin() is not), then dies of the same signal. The lab's journal lets
 * `umlab cleanup` undo the rest.
 *
 * Global state: what the handler needs, set once before curses starts. */
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "tui/ui.h"

static const int crash_signals[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL};
#define NSIGS (sizeof crash_signals / sizeof crash_signals[0])

static struct termios saved_tio;
static bool have_tio;
static char reset_seq[256];
static size_t reset_len;
static struct sigaction old_actions[NSIGS];

static void on_crash(int sig)
{
    if (reset_len)
        (void)!write(STDOUT_FILENO, reset_seq, reset_len);
    if (have_tio)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void add_seq(const char *s)
{
    size_t n = strlen(s);
    if (reset_len + n < sizeof reset_seq) {
        memcpy(reset_seq + reset_len, s, n);
        reset_len += n;
    }
}

void crash_install(void)
{
    have_tio = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
    reset_len = 0;
    /* mouse reporting off, attributes off, cursor on, main screen back */
    add_seq("\033[?1000l\033[?1002l\033[?1006l\033[0m\033[?25h\033[?1049l\r\n");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_crash;
    sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NSIGS; i++)
        sigaction(crash_signals[i], &sa, &old_actions[i]);
}

void crash_uninstall(void)
{
    for (size_t i = 0; i < NSIGS; i++)
        sigaction(crash_signals[i], &old_actions[i], NULL);
}
