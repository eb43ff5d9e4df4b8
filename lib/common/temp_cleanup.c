/*
 * The temporary output files in flight, and the signal handlers that remove
 * them (temp_cleanup.h). A fixed table of slots claimed with atomic
 * operations: the handler may run on any thread at any moment, so it reads
 * only slots marked complete and calls only async-signal-safe functions.
 */
#include "temp_cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

/* More than meta ever writes at once (a plot and a report per thread). */
#define TEMP_SLOTS 64

enum { SLOT_FREE, SLOT_CLAIMED, SLOT_NOTED };

static struct temp_slot {
    atomic_int state;
    int dir_fd;
    char name[256];
} slots[TEMP_SLOTS];

int meta_temp_note(int dir_fd, const char *name)
{
    size_t len = strlen(name);
    if (len >= sizeof slots[0].name)
        return 0;
    for (int i = 0; i < TEMP_SLOTS; i++) {
        int expected = SLOT_FREE;
        if (!atomic_compare_exchange_strong(&slots[i].state, &expected, SLOT_CLAIMED))
            continue;
        slots[i].dir_fd = dir_fd;
        memcpy(slots[i].name, name, len + 1);
        atomic_store(&slots[i].state, SLOT_NOTED);
        return i + 1;
    }
    return 0;
}

void meta_temp_forget(int note)
{
    if (note > 0 && note <= TEMP_SLOTS)
        atomic_store(&slots[note - 1].state, SLOT_FREE);
}

static void remove_and_die(int sig)
{
    int saved = errno;
    for (int i = 0; i < TEMP_SLOTS; i++)
        if (atomic_load(&slots[i].state) == SLOT_NOTED)
            unlinkat(slots[i].dir_fd, slots[i].name, 0);
    errno = saved;
    /* SA_RESETHAND restored the default action on entry; the signal is
     * blocked until the handler returns, then delivered again. */
    raise(sig);
}

void meta_temp_remove_on_signals(void)
{
    static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction old;
        if (sigaction(signals[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN)
            continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = remove_and_die;
        sa.sa_flags = SA_RESETHAND;
        sigemptyset(&sa.sa_mask);
        sigaction(signals[i], &sa, NULL);
    }
}
