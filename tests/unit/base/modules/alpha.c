// SPDX-License-Identifier: GPL-2.0-only
/* Test module "alpha" (see alpha.h). */
#include "base/auxiliary.h"
#include "base/module.h"
#include "alpha.h"

extern int test_alpha_probes, test_alpha_removes, test_alpha_inits;

static unsigned int level = 7;
module_param_uint(level, level, 1, 100, 0644);

int alpha_value(void)
{
	return (int)level * 6;
}
EXPORT_SYMBOL_NS(alpha_value, ALPHA);

static int alpha_probe(struct auxiliary_device *adev, const struct auxiliary_device_id *id)
{
	test_alpha_probes++;
	return 0;
}

static void alpha_remove(struct auxiliary_device *adev)
{
	test_alpha_removes++;
}

static const struct auxiliary_device_id alpha_ids[] = {
	{ .name = "test.alpha" },
	{ .name = "" },
};
MODULE_DEVICE_TABLE(auxiliary, alpha_ids);

static struct auxiliary_driver alpha_driver = {
	.name = "drv",
	.probe = alpha_probe,
	.remove = alpha_remove,
	.id_table = alpha_ids,
	.driver = { .owner = THIS_MODULE },
};

static int alpha_init(void)
{
	test_alpha_inits++;
	return auxiliary_driver_register(&alpha_driver);
}

static void alpha_exit(void)
{
	auxiliary_driver_unregister(&alpha_driver);
}

MODULE_DESCRIPTION("test module: an exporter");
MODULE_LICENSE("GPL");
DEFINE_MODULE(alpha_init, alpha_exit);
