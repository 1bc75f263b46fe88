/* xstate.c — a preload library for linux.uml (umlab-xstate.so).
 *
 * Why: Debian's linux.uml 6.1 saves and restores a guest process's FPU state
 * with PTRACE_GETREGSET/SETREGSET(NT_X86_XSTATE) and a buffer of a fixed size
 * (x87+SSE+AVX). Host kernels refuse a SETREGSET whose buffer is not the full
 * XSAVE size (EFAULT), and on hosts with AVX-512 or AMX that size is larger:
 * every guest then dies at its first user instruction ("userspace - ptrace set
 * fp regs failed, errno = 14", "Attempted to kill init").
 *
 * What: ptrace() is wrapped. GETREGSET passes through (the kernel truncates to
 * the caller's buffer). A SETREGSET that fails with EFAULT is redone with a
 * full-size buffer: the process's current state, with the part UML knows
 * overwritten by UML's copy. After the first such failure every SETREGSET goes
 * that way. On hosts where UML's size is right, nothing changes.
 *
 * linux.uml is single-threaded on the host side for these calls (its tracer
 * thread), so one static buffer is enough. */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

/* Larger than any XSAVE area (AMX: ~11 KiB). */
static unsigned char full_state[64 * 1024] __attribute__((aligned(64)));
static bool merge_always;

static long raw_ptrace(long req, pid_t pid, void *addr, void *data)
{
    return syscall(SYS_ptrace, req, (long)pid, addr, data);
}

static long set_xstate_merged(pid_t pid, void *addr, const struct iovec *uml)
{
    struct iovec full = {full_state, sizeof full_state};
    if (raw_ptrace(PTRACE_GETREGSET, pid, addr, &full) < 0)
        return -1;
    size_t n = uml->iov_len < full.iov_len ? uml->iov_len : full.iov_len;
    memcpy(full_state, uml->iov_base, n);
    return raw_ptrace(PTRACE_SETREGSET, pid, addr, &full);
}

long ptrace(enum __ptrace_request req, ...);

long ptrace(enum __ptrace_request req, ...)
{
    va_list ap;
    va_start(ap, req);
    pid_t pid = va_arg(ap, pid_t);
    void *addr = va_arg(ap, void *);
    void *data = va_arg(ap, void *);
    va_end(ap);

    if (req == PTRACE_SETREGSET && (long)addr == NT_X86_XSTATE && data) {
        if (!merge_always) {
            long r = raw_ptrace(req, pid, addr, data);
            if (r == 0 || errno != EFAULT)
                return r;
            merge_always = true;
        }
        return set_xstate_merged(pid, addr, data);
    }
    if (req == PTRACE_PEEKTEXT || req == PTRACE_PEEKDATA || req == PTRACE_PEEKUSER) {
        /* glibc's convention: the word is the return value, errno 0 on success */
        long word;
        if (raw_ptrace(req, pid, addr, &word) < 0)
            return -1;
        errno = 0;
        return word;
    }
    return raw_ptrace(req, pid, addr, data);
}
