/*
 * Temporary output files removed when meta is interrupted: an output file is
 * written under a temporary name and renamed when whole (safe_out.h), so a
 * SIGINT, SIGTERM or SIGHUP in between would leave ".NAME.XXXXXX" in a
 * directory the user named. The files being written are noted here, and the
 * signal handlers remove them before meta dies of the signal as before.
 * (SIGKILL cannot be caught: after it a temporary file may remain.)
 */
#ifndef META_TEMP_CLEANUP_H
#define META_TEMP_CLEANUP_H

/*
 * Installs the handlers of SIGINT, SIGTERM and SIGHUP (each one not ignored
 * when meta starts: `nohup` keeps SIGHUP ignored). A handler removes every
 * noted file, restores the signal's default action and raises it again, so
 * the exit status still tells the signal. Call once, from main, before any
 * thread starts.
 */
void meta_temp_remove_on_signals(void);

/*
 * Notes the file `name` in the directory dir_fd as one to remove on those
 * signals. Returns a note (> 0) for meta_temp_forget, or 0 when every one of
 * the fixed slots is taken (the file is then not removed on a signal).
 * Safe from any thread; dir_fd must stay open until the note is forgotten.
 */
int meta_temp_note(int dir_fd, const char *name);

/* Forgets a note of meta_temp_note (0: nothing). Call once the file is
 * renamed or removed, before its directory's descriptor is closed. */
void meta_temp_forget(int note);

#endif
