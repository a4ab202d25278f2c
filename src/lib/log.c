// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"

static atomic_int log_level = -1;

static enum log_level log_level_from_env(void)
{
	const char *s = getenv("SIOVD_LOG");

	if (!s)
		return LOG_WARN;
	if (!strcmp(s, "debug"))
		return LOG_DEBUG;
	if (!strcmp(s, "info"))
		return LOG_INFO;
	if (!strcmp(s, "err"))
		return LOG_ERR;
	return LOG_WARN;
}

void log_set_level(enum log_level level)
{
	atomic_store(&log_level, (int)level);
}

enum log_level log_get_level(void)
{
	int l = atomic_load(&log_level);

	if (l < 0) {
		l = log_level_from_env();
		atomic_store(&log_level, l);
	}
	return (enum log_level)l;
}

void log_msg(enum log_level level, const char *prefix, const char *fmt, ...)
{
	static const char *const names[] = { "err", "warn", "info", "debug" };
	char buf[1024];
	va_list ap;
	int n;

	if (level > log_get_level())
		return;
	n = snprintf(buf, sizeof(buf), "siovd %s: %s%s", names[level],
		     prefix ? prefix : "", prefix ? ": " : "");
	if (n < 0 || (size_t)n >= sizeof(buf))
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	n = strlen(buf);
	if (n && buf[n - 1] != '\n' && (size_t)n < sizeof(buf) - 1) {
		buf[n++] = '\n';
		buf[n] = '\0';
	}
	if (write(STDERR_FILENO, buf, n) < 0)
		return;
}
