// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test module "gamma": uses alpha_value() without importing ALPHA; the
 * loader must refuse it before its init runs.
 */
#include <errno.h>

#include "base/module.h"
#include "alpha.h"

extern int test_gamma_inits;

static int gamma_init(void)
{
	test_gamma_inits++;
	return alpha_value() ? 0 : -EINVAL;
}

MODULE_LICENSE("GPL");
DEFINE_MODULE(gamma_init, NULL);
