/* SPDX-License-Identifier: GPL-2.0-only */
/* Memory checks shared by the tests of several layers (no cmocka, no layers). */
#ifndef SIOVD_TESTS_TEST_MEM_H
#define SIOVD_TESTS_TEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* test_all_bytes - whether each of the @len bytes at @p is @v (true for 0 bytes). */
bool test_all_bytes(const void *p, uint8_t v, size_t len);

#endif
