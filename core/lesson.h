/* lesson.h — a lesson: a lab (optional) and a sequence of steps, each a short
 * text and one check in the lab-file check language (docs/LESSONS.md). The
 * file is a lab file with three more keywords: `lesson TITLE`, `step TEXT`
 * (the check line after it is the step's), and `guest NAME later` (a guest the
 * student adds: checks may name it, nothing builds it). Running, the lesson's
 * checklist (checklist.h) evaluates only the current step's check and moves
 * on when it becomes true. */
#ifndef UMLAB_LESSON_H
#define UMLAB_LESSON_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "core/labfile.h"

#define LESSON_MAX_STEPS 64
#define LESSON_TEXT_MAX  400

struct lab;
struct checklist;

struct lesson_step {
    char *text;
    size_t check; /* index into the spec's checks */
    int line;
};

struct lesson {
    char *title;
    char *source;
    struct lab_spec *spec; /* owned until lesson_start hands it to the lab */
    const struct lab_spec *run_spec;
    struct lesson_step *steps;
    size_t nsteps;
    size_t cur; /* the step shown; nsteps: all done */
    struct checklist *cl;
};

int lesson_parse(const char *name, const char *text, size_t len, struct lesson **out,
                 struct err *e);
/* Reads FD (a regular file, at most LABFILE_SIZE_MAX bytes) and parses it. */
int lesson_read_fd(int fd, const char *name, struct lesson **out, struct err *e);
/* Builds the lesson's lab in LAB (labapply), which then owns LS
 * (lab->lesson), and starts step 1. On failure LS is freed. */
int lesson_start(struct lab *lab, struct lesson *ls, void (*progress)(void *ctx, const char *line),
                 void *pctx, struct err *e);
void lesson_free(struct lesson *ls);

#endif
