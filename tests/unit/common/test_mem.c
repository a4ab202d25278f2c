// SPDX-License-Identifier: GPL-2.0-only
/* Memory checks (see test_mem.h). */
#include "test_mem.h"

bool test_all_bytes(const void *p, uint8_t v, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != v)
			return false;
	return true;
}
