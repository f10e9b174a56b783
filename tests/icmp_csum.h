/* SPDX-License-Identifier: GPL-2.0 */
/* The Internet checksum, for the test programs that build or check ICMP. */
#ifndef ICMP_CSUM_H
#define ICMP_CSUM_H

#include <stddef.h>

/* The folded one's complement sum of @len bytes at @data, plus @sum. */
static inline unsigned short csum_fold_add(const void *data, size_t len,
					   unsigned int sum)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

#endif
