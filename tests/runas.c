// SPDX-License-Identifier: GPL-2.0
/*
 * runas: run a command with the given uid, gid and supplementary groups.
 *
 *   runas UID GID[,GROUP...] COMMAND [ARG...]
 *
 * busybox has no setpriv --reuid, and the socket tests must run as an
 * unprivileged uid with exactly the groups they choose.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

#define MAX_GROUPS 32

static unsigned long parse_id(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || (*end && *end != ',')) {
		fprintf(stderr, "runas: bad id '%s'\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	gid_t groups[MAX_GROUPS];
	size_t ngroups = 0;
	uid_t uid;
	gid_t gid;
	char *p;

	if (argc < 4)
		return usage("usage: runas UID GID[,GROUP...] COMMAND [ARG...]\n");
	uid = parse_id(argv[1]);
	gid = parse_id(argv[2]);
	for (p = strchr(argv[2], ','); p; p = strchr(p + 1, ',')) {
		if (ngroups == MAX_GROUPS) {
			fprintf(stderr, "runas: too many groups\n");
			return 2;
		}
		groups[ngroups++] = parse_id(p + 1);
	}

	if (setgroups(ngroups, groups) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid)) {
		perror("runas");
		return 2;
	}
	execv(argv[3], argv + 3);
	fprintf(stderr, "runas: %s: %s\n", argv[3], strerror(errno));
	return 127;
}
