// SPDX-License-Identifier: GPL-2.0-only
/* Test module "beta": imports namespace ALPHA and uses alpha_value(). */
#include "base/module.h"
#include "alpha.h"

extern int test_beta_value;

static int beta_init(void)
{
	test_beta_value = alpha_value();
	return 0;
}

MODULE_IMPORT_NS(ALPHA);
MODULE_LICENSE("GPL");
DEFINE_MODULE(beta_init, NULL);
