// SPDX-License-Identifier: GPL-2.0-only
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/kstrto.h"

static bool only_newline_after(const char *end)
{
	return *end == '\0' || (end[0] == '\n' && end[1] == '\0');
}

int kstrtou64(const char *s, unsigned int base, uint64_t *res)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (end == s || !only_newline_after(end))
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	*res = v;
	return 0;
}

int kstrtouint(const char *s, unsigned int base, unsigned int *res)
{
	uint64_t v;
	int rc = kstrtou64(s, base, &v);

	if (rc)
		return rc;
	if (v > UINT_MAX)
		return -ERANGE;
	*res = (unsigned int)v;
	return 0;
}

int kstrtoint(const char *s, unsigned int base, int *res)
{
	uint64_t v;
	int rc;

	if (s && *s == '-') {
		rc = kstrtou64(s + 1, base, &v);
		if (rc)
			return rc;
		if (v > (uint64_t)INT_MAX + 1)
			return -ERANGE;
		*res = (int)(-(int64_t)v);
		return 0;
	}
	rc = kstrtou64(s, base, &v);
	if (rc)
		return rc;
	if (v > INT_MAX)
		return -ERANGE;
	*res = (int)v;
	return 0;
}

int kstrtobool(const char *s, bool *res)
{
	if (!s)
		return -EINVAL;
	if (sysfs_streq(s, "1") || sysfs_streq(s, "y") || sysfs_streq(s, "Y") ||
	    sysfs_streq(s, "on") || sysfs_streq(s, "yes")) {
		*res = true;
		return 0;
	}
	if (sysfs_streq(s, "0") || sysfs_streq(s, "n") || sysfs_streq(s, "N") ||
	    sysfs_streq(s, "off") || sysfs_streq(s, "no")) {
		*res = false;
		return 0;
	}
	return -EINVAL;
}

bool sysfs_streq(const char *s1, const char *s2)
{
	while (*s1 && *s1 == *s2) {
		s1++;
		s2++;
	}
	if (*s1 == *s2)
		return true;
	if (!*s1 && *s2 == '\n' && !s2[1])
		return true;
	if (*s1 == '\n' && !s1[1] && !*s2)
		return true;
	return false;
}
