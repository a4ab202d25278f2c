/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Loadable modules: drivers as shared objects, loaded by modalias, with
 * namespaced exports (seeds 000, 002, 004; the kernel's kernel/module/ and
 * modprobe, reduced to what siovd needs).
 *
 * The core layers (sysfs, driver core, iommu, irq, pci, platform, the VFIO
 * core and the vfio-user transport) are built into the siovd executable,
 * which exports them to modules (-rdynamic). Drivers are modules: idxd,
 * mdev, vfio_pci_core, vfio_pci, vfio_idxd. A module is one shared object
 * "<name>.so" holding
 *  - struct module __this_module (DEFINE_MODULE(): its init and exit),
 *  - its id tables, named for depmod by MODULE_DEVICE_TABLE(),
 *  - a ".modinfo" section of "tag=value" strings (MODULE_IMPORT_NS(),
 *    MODULE_DESCRIPTION(), MODULE_LICENSE()),
 *  - a "__ksymtab" section: the symbols it exports in a namespace
 *    (EXPORT_SYMBOL_NS()), and a "__param" section (module_param_uint()).
 * Modules are built with hidden visibility: only what their public header
 * declares visible is reachable from other modules at all.
 *
 * At build time siov-depmod reads every module's ELF file and writes, next to
 * them, modules.alias ("alias <fnmatch pattern> <module>", from the id
 * tables: "pci:v00008086d00000B25sv*sd*bc*sc*i*", "auxiliary:idxd.mdev",
 * "vfio_pci:v*d*sv*sd*bc*sc*i*" for override-only entries) and modules.dep
 * ("<path>: <path of each module it takes symbols from>"), paths relative to
 * the index, and modules.symbols ("<symbol> <module> <namespace>" for each
 * namespaced export).
 *
 * Loading (request_module(), what udev + modprobe do): every module whose
 * alias matches the string, or whose name it is ('-' and '_' are the same),
 * is loaded after its dependencies: the loader reads the module's ELF
 * dynamic symbol table and refuses (-EINVAL, nothing loaded) a module that
 * uses a symbol exported in a namespace it does not import; then dlopen(),
 * /sys/module/<name>/ appears (initstate "coming"), init() runs, and the
 * module is "live". A failing init() unloads it again and returns its error.
 * The driver core calls request_module() with a device's modalias when a
 * device finds no driver (see base/device.h), so plugging in a device loads
 * its driver; loads are synchronous and may nest (a module's init adds a
 * device that loads another module).
 *
 * Unloading (delete_module(), rmmod): refused with -EBUSY while the module's
 * reference count is not zero. Every module that uses it holds one reference
 * (listed in /sys/module/<name>/holders/), and so does everything that
 * pinned it with try_module_get(): an open VFIO session pins the module of
 * its device's driver, symbol_get() pins the symbol's module. Otherwise
 * exit() runs (unregistering its drivers unbinds their devices), the
 * module's references on its dependencies are dropped and it is dlclose()d.
 *
 * /sys/module/<name>/: initstate, refcnt, holders/<user> -> ../../<user>,
 * parameters/<param> (mode as declared).
 *
 * Built-in code (a test program that links a driver's static library) has
 * THIS_MODULE == NULL: such a driver is never unloaded and try_module_get()
 * on it always succeeds, as for built-in kernel drivers.
 *
 * Lifetime: module_loader_init() after sysfs_init(), module_loader_exit()
 * (which unloads every module, newest first) before sysfs_exit().
 *
 * Threading: event-loop thread only, like the driver core.
 */
#ifndef SIOVD_BASE_MODULE_H
#define SIOVD_BASE_MODULE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "lib/list.h"
#include "sysfs/sysfs.h"

/* ---- what a module declares ------------------------------------------------ */

/**
 * struct kernel_symbol - an exported symbol in a namespace: one entry of a
 * module's (or the executable's) "__ksymtab" section.
 * @addr: its address; @name: its name; @namespace: the namespace, "" none.
 */
struct kernel_symbol {
	const void *addr;
	const char *name;
	const char *namespace;
};

/**
 * struct kernel_param - a module parameter: /sys/module/<mod>/parameters/
 * <attr.name>, an unsigned int in [@min, @max] (kstrtouint, base 0), read
 * with "%u\n". @attr.mode 0444 makes it read-only, 0644 writable.
 */
struct kernel_param {
	struct attribute attr;
	unsigned int *arg;
	unsigned int min, max;
};

#define __MODULE_ID3(a, b)	a##b
#define __MODULE_ID2(a, b)	__MODULE_ID3(a, b)
#define __MODULE_UNIQUE(p)	__MODULE_ID2(p, __COUNTER__)
#define __module_stringify(x)	#x

/*
 * EXPORT_SYMBOL_NS - export @sym (declared visible in the module's public
 * header) in namespace @ns: only modules that MODULE_IMPORT_NS(@ns) may
 * use it; the loader refuses the others with -EINVAL. The entry's strings
 * "<sym>:<ns>" are also kept in "__ksymtab_strings", which siov-depmod
 * reads into modules.symbols.
 */
#define EXPORT_SYMBOL_NS(sym, ns)						\
	static const struct kernel_symbol __ksymtab_##sym			\
	__attribute__((section("__ksymtab"), used, aligned(sizeof(void *)))) =	\
	{ (const void *)&sym, #sym, __module_stringify(ns) };			\
	static const char __kstrtab_##sym[]					\
	__attribute__((section("__ksymtab_strings"), used, aligned(1))) =	\
	#sym ":" __module_stringify(ns)

/* MODULE_INFO - one "tag=info" string in the module's .modinfo section. */
#define MODULE_INFO(tag, info)							\
	static const char __MODULE_UNIQUE(__modinfo_##tag)[]			\
	__attribute__((section(".modinfo"), used, aligned(1))) = #tag "=" info

#define MODULE_IMPORT_NS(ns)	MODULE_INFO(import_ns, __module_stringify(ns))
#define MODULE_DESCRIPTION(s)	MODULE_INFO(description, s)
#define MODULE_LICENSE(s)	MODULE_INFO(license, s)

/*
 * MODULE_DEVICE_TABLE - name id table @name of bus @type (pci, auxiliary)
 * for siov-depmod, which turns its entries into aliases.
 */
#define MODULE_DEVICE_TABLE(type, name)						\
	extern __typeof__(name) __mod_##type##__##name##_device_table		\
	__attribute__((unused, alias(#name), visibility("default")))

/*
 * module_param_uint - parameter @name backed by the unsigned int @var,
 * accepted in [@lo, @hi], mode @perm (0444 or 0644).
 */
#define module_param_uint(name, var, lo, hi, perm)				\
	static const struct kernel_param __param_##name				\
	__attribute__((section("__param"), used, aligned(sizeof(void *)))) =	\
	{ { #name, perm }, &(var), lo, hi }

enum module_state {
	MODULE_STATE_COMING,	/* init() running */
	MODULE_STATE_LIVE,
	MODULE_STATE_GOING,	/* exit() running */
};

/**
 * struct module - one loaded module. The module defines it (DEFINE_MODULE);
 * the loader fills in the rest.
 * @name: KBUILD_MODNAME, the .so's base name.
 * @init: run at load (may be NULL: a library module). Return: 0 or -errno.
 * @exit: run at unload (may be NULL).
 * @syms, @syms_end: its __ksymtab; @params, @params_end: its __param.
 */
struct module {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
	const struct kernel_symbol *syms, *syms_end;
	const struct kernel_param *params, *params_end;

	/* private to the loader */
	enum module_state state;
	unsigned int refcnt;
	void *handle;
	char **imports;			/* namespaces from .modinfo */
	unsigned int nr_imports;
	struct list_head list;		/* loaded modules, in load order */
	struct list_head uses;		/* struct module_use: what it depends on */
	struct sysfs_dir *dir, *holders_dir;
};

/*
 * DEFINE_MODULE - the module's descriptor, in one file of the module that
 * is linked only into its shared object (protected: the module's own
 * references never bind to another module's descriptor).
 */
#define DEFINE_MODULE(_init, _exit)						\
	extern const struct kernel_symbol __start___ksymtab[]			\
		__attribute__((weak, visibility("hidden")));			\
	extern const struct kernel_symbol __stop___ksymtab[]			\
		__attribute__((weak, visibility("hidden")));			\
	extern const struct kernel_param __start___param[]			\
		__attribute__((weak, visibility("hidden")));			\
	extern const struct kernel_param __stop___param[]			\
		__attribute__((weak, visibility("hidden")));			\
	struct module __this_module __attribute__((visibility("protected"))) = {	\
		.name = KBUILD_MODNAME, .init = (_init), .exit = (_exit),	\
		.syms = __start___ksymtab, .syms_end = __stop___ksymtab,	\
		.params = __start___param, .params_end = __stop___param,	\
	}

/* The module of the code that uses it; NULL when built in. */
extern struct module __this_module __attribute__((weak));
#define THIS_MODULE	(&__this_module)

/* ---- the loader -------------------------------------------------------------- */

/**
 * module_loader_init - read @dir/modules.alias and @dir/modules.dep and
 * create /sys/module. @dir NULL: no loadable modules (request_module()
 * finds nothing). Call after sysfs_init().
 * Return: 0; -ENOENT (@dir lacks the index); -EINVAL (malformed index);
 * -ENOMEM; -EEXIST (already initialised).
 */
int module_loader_init(const char *dir);

/**
 * module_loader_exit - unload every module, newest first (exit() runs even
 * for a module still referenced, with a warning), forget the index, remove
 * /sys/module.
 */
void module_loader_exit(void);

/**
 * request_module - load every module whose alias pattern matches the
 * formatted string, or whose name it is, with their dependencies.
 * Return: 0 when at least one matched (loaded now or already live);
 * -ENOENT nothing matched (or no loader); otherwise the first load's error:
 * -EINVAL (namespace not imported, bad ELF), -ENOEXEC (dlopen refused it),
 * -ELOOP (circular dependency), or the module's init() error.
 */
int request_module(const char *fmt, ...) __printf(1, 2);

/**
 * delete_module - unload module @name (rmmod).
 * Return: 0; -ENOENT (not loaded); -EBUSY (reference count not zero:
 * used by another module or pinned); -EAGAIN (coming or going).
 */
int delete_module(const char *name);

/* The loaded module named @name, or NULL. */
struct module *find_module(const char *name);

/**
 * try_module_get - pin @mod (NULL = built in: always succeeds).
 * Return: false when @mod is not live (being unloaded).
 */
bool try_module_get(struct module *mod);
void module_put(struct module *mod);
unsigned int module_refcount(const struct module *mod);

/**
 * __symbol_get - the address of @name in a loaded module, pinning that
 * module until __symbol_put(@name). Return: it, or NULL.
 */
void *__symbol_get(const char *name);
void __symbol_put(const char *name);
#define symbol_get(x)	((__typeof__(&(x)))__symbol_get(#x))
#define symbol_put(x)	__symbol_put(#x)

#endif
