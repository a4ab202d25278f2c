/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test module "alpha": exports alpha_value() in namespace ALPHA, has a
 * parameter "level" (1..100, default 7) and an auxiliary driver for
 * "test.alpha" devices that counts its probes in the test program's
 * test_alpha_probes (resolved from the executable).
 */
#ifndef TEST_MODULES_ALPHA_H
#define TEST_MODULES_ALPHA_H

#pragma GCC visibility push(default)
int alpha_value(void);
#pragma GCC visibility pop

#endif
