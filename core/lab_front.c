/* lab_front.c — what a front end may set on a lab (lab.h): its hooks, the
 * size new guests' terminals get, a cancel and a quit. */
#include "core/lab.h"

void lab_set_hooks(struct lab *lab, const struct lab_hooks *hooks)
{
    lab->hooks = hooks ? *hooks : (struct lab_hooks){0};
}

void lab_set_term_size(struct lab *lab, int rows, int cols)
{
    if (rows > 0 && cols > 0) {
        lab->rows = rows;
        lab->cols = cols;
    }
}

void lab_cancel(struct lab *lab)
{
    lab->cancel = true;
}

void lab_quit(struct lab *lab, int signo)
{
    lab->quit_signal = signo;
}
