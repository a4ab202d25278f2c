/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Logging: pr_<level>() and dev_<level>() in the kernel's spelling, written
 * to stderr with a level prefix. Thread-safe (one write(2) per message).
 * The level is process-wide: LOG_ERR..LOG_DEBUG; messages above it are
 * dropped. SIOVD_LOG=debug|info|warn|err in the environment sets it at
 * start-up.
 */
#ifndef SIOVD_LIB_LOG_H
#define SIOVD_LIB_LOG_H

#include "lib/compiler.h"

enum log_level { LOG_ERR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
void log_msg(enum log_level level, const char *prefix, const char *fmt, ...) __printf(3, 4);

#define pr_err(...)	log_msg(LOG_ERR, NULL, __VA_ARGS__)
#define pr_warn(...)	log_msg(LOG_WARN, NULL, __VA_ARGS__)
#define pr_info(...)	log_msg(LOG_INFO, NULL, __VA_ARGS__)
#define pr_debug(...)	log_msg(LOG_DEBUG, NULL, __VA_ARGS__)

/* dev_*() take any object with a dev_name(): a struct device. */
#define dev_err(d, ...)		log_msg(LOG_ERR, dev_name(d), __VA_ARGS__)
#define dev_warn(d, ...)	log_msg(LOG_WARN, dev_name(d), __VA_ARGS__)
#define dev_info(d, ...)	log_msg(LOG_INFO, dev_name(d), __VA_ARGS__)
#define dev_dbg(d, ...)		log_msg(LOG_DEBUG, dev_name(d), __VA_ARGS__)

#endif
