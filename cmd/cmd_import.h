/*
 * The sources of `meta import` (cmd_import.c holds their table): each
 * lives in cmd/cmd_import_<source>.c, takes the arguments after `import`
 * (argv[0] is the source's name) and returns the exit status as a command
 * does.
 */
#ifndef META_CMD_IMPORT_H
#define META_CMD_IMPORT_H

int cmd_import_ctgov(int argc, char **argv);
extern const char cmd_import_ctgov_usage[];

#endif
