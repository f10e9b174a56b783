// SPDX-License-Identifier: GPL-2.0
/*
 * sysctlw: write a value to a /proc/sys file and say which call failed, with
 * which errno, as shells only print strerror() and differ in where.
 *
 *   sysctlw PATH VALUE
 *
 * Prints "open=ERRNO", "write=ERRNO" or "write=ok"; exits 0 in every case
 * where the calls could be made, so that the caller judges the line.
 */
#define _GNU_SOURCE
#include <errno.h>

#include "test_util.h"

int main(int argc, char **argv)
{
	int fd;

	if (argc != 3)
		return usage("usage: sysctlw PATH VALUE\n");
	fd = open(argv[1], O_WRONLY);
	if (fd < 0) {
		printf("open=%s\n", strerrorname_np(errno) ?: "E?");
		return 0;
	}
	if (write(fd, argv[2], strlen(argv[2])) < 0)
		printf("write=%s\n", strerrorname_np(errno) ?: "E?");
	else
		printf("write=ok\n");
	close(fd);
	return 0;
}
