// SPDX-License-Identifier: GPL-2.0-only
/* Test module "failing": its init fails with -ENODEV. */
#include <errno.h>

#include "base/module.h"

static int failing_init(void)
{
	return -ENODEV;
}

MODULE_LICENSE("GPL");
DEFINE_MODULE(failing_init, NULL);
