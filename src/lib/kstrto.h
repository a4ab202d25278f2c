/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parsing of attribute writes with the kernel's kstrto*() rules: the whole
 * string must be a number (one trailing newline allowed), base 0 accepts
 * 0x/0 prefixes; kstrtobool takes 1/0, y/n, on/off.
 *
 * Return: 0, -EINVAL for a malformed string, -ERANGE on overflow.
 */
#ifndef SIOVD_LIB_KSTRTO_H
#define SIOVD_LIB_KSTRTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int kstrtou64(const char *s, unsigned int base, uint64_t *res);
int kstrtouint(const char *s, unsigned int base, unsigned int *res);
int kstrtoint(const char *s, unsigned int base, int *res);
int kstrtobool(const char *s, bool *res);

/*
 * sysfs_streq - compare an attribute write with a keyword, ignoring one
 * trailing newline on either side.
 */
bool sysfs_streq(const char *s1, const char *s2);

#endif
