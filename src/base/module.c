// SPDX-License-Identifier: GPL-2.0-only
/*
 * The module loader: the index (modules.alias, modules.dep), loading with
 * dependencies and the namespace check, unloading, reference counts,
 * /sys/module. See base/module.h for the rules.
 * Source: the behaviour of the kernel's kernel/module/main.c (load order,
 * ref_module, delete_module refusals, verify_namespace_is_imported) and of
 * kmod's modprobe (alias matching with fnmatch, '-' equal to '_'), not
 * their code.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/module.h"
#include "base/module_elf.h"
#include "lib/kstrto.h"
#include "lib/log.h"

#define MODULE_NAME_MAX		64
#define MODULE_MAX_DEPTH	16

/* The executable's own namespaced exports (the built-in part). */
extern const struct kernel_symbol __start___ksymtab[] __attribute__((weak, visibility("hidden")));
extern const struct kernel_symbol __stop___ksymtab[] __attribute__((weak, visibility("hidden")));

struct mod_alias {
	char *pattern;
	char *module;
};

struct mod_dep {
	char *name;		/* module name: the file's base name without .so */
	char *path;		/* relative to the index directory */
	char **deps;		/* module names */
	unsigned int nr_deps;
};

/* One edge "user uses target": in user->uses; target->refcnt counts it. */
struct module_use {
	struct list_head node;
	struct module *target;
};

static struct {
	bool initialised;
	char *dir;
	struct mod_alias *aliases;
	unsigned int nr_aliases;
	struct mod_dep *deps;
	unsigned int nr_deps;
	struct sysfs_dir *sys_module;
	struct list_head modules;
} loader = { .modules = LIST_HEAD_INIT(loader.modules) };

/* ---- the index ------------------------------------------------------------------ */

/* A module name from a path: base name without ".so". NULL when malformed. */
static char *name_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len;

	base = base ? base + 1 : path;
	len = strlen(base);
	if (len <= 3 || strcmp(base + len - 3, ".so") || len - 3 >= MODULE_NAME_MAX)
		return NULL;
	return strndup(base, len - 3);
}

/* '-' and '_' are the same in a module name (modprobe's rule). */
static bool modname_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (*a != *b && !((*a == '-' || *a == '_') && (*b == '-' || *b == '_')))
			return false;
	return *a == *b;
}

static FILE *index_open(const char *file, int *rc)
{
	char path[4096];
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", loader.dir, file) >= sizeof(path)) {
		*rc = -ENAMETOOLONG;
		return NULL;
	}
	f = fopen(path, "re");
	*rc = f ? 0 : -errno;
	return f;
}

/* One line "alias PATTERN MODULE" (or blank, or a # comment). */
static int parse_alias_line(char *line)
{
	char *save = NULL, *kw, *pattern, *module, *extra;
	struct mod_alias *a;

	kw = strtok_r(line, " \t\n", &save);
	if (!kw || *kw == '#')
		return 0;
	pattern = strtok_r(NULL, " \t\n", &save);
	module = strtok_r(NULL, " \t\n", &save);
	extra = strtok_r(NULL, " \t\n", &save);
	if (strcmp(kw, "alias") || !pattern || !module || extra)
		return -EINVAL;
	a = realloc(loader.aliases, (loader.nr_aliases + 1) * sizeof(*a));
	if (!a)
		return -ENOMEM;
	loader.aliases = a;
	a = &loader.aliases[loader.nr_aliases];
	a->pattern = strdup(pattern);
	a->module = strdup(module);
	if (!a->pattern || !a->module) {
		free(a->pattern);
		free(a->module);
		return -ENOMEM;
	}
	loader.nr_aliases++;
	return 0;
}

static int dep_add_dep(struct mod_dep *d, const char *path)
{
	char **v = realloc(d->deps, (d->nr_deps + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	d->deps = v;
	d->deps[d->nr_deps] = name_from_path(path);
	if (!d->deps[d->nr_deps])
		return -EINVAL;
	d->nr_deps++;
	return 0;
}

/* One line "PATH: DEP_PATH..." (or blank, or a # comment). */
static int parse_dep_line(char *line)
{
	char *save = NULL, *colon, *tok;
	struct mod_dep *d;
	int rc;

	line[strcspn(line, "\n")] = '\0';
	if (!*line || *line == '#')
		return 0;
	colon = strchr(line, ':');
	if (!colon || colon == line)
		return -EINVAL;
	*colon = '\0';
	d = realloc(loader.deps, (loader.nr_deps + 1) * sizeof(*d));
	if (!d)
		return -ENOMEM;
	loader.deps = d;
	d = &loader.deps[loader.nr_deps];
	memset(d, 0, sizeof(*d));
	loader.nr_deps++;
	d->path = strdup(line);
	d->name = name_from_path(line);
	if (!d->path || !d->name)
		return d->path ? -EINVAL : -ENOMEM;
	for (tok = strtok_r(colon + 1, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		rc = dep_add_dep(d, tok);
		if (rc)
			return rc;
	}
	return 0;
}

static int index_read(const char *file, int (*parse)(char *line))
{
	char line[4096];
	FILE *f;
	int rc;

	f = index_open(file, &rc);
	if (!f)
		return rc;
	while (fgets(line, sizeof(line), f)) {
		if (!strchr(line, '\n') && !feof(f)) {
			rc = -EINVAL;	/* a line longer than any we write */
			break;
		}
		rc = parse(line);
		if (rc)
			break;
	}
	fclose(f);
	if (rc)
		pr_err("module index %s/%s: %s", loader.dir, file, strerror(-rc));
	return rc;
}

static void index_free(void)
{
	unsigned int i, j;

	for (i = 0; i < loader.nr_aliases; i++) {
		free(loader.aliases[i].pattern);
		free(loader.aliases[i].module);
	}
	for (i = 0; i < loader.nr_deps; i++) {
		for (j = 0; j < loader.deps[i].nr_deps; j++)
			free(loader.deps[i].deps[j]);
		free(loader.deps[i].deps);
		free(loader.deps[i].name);
		free(loader.deps[i].path);
	}
	free(loader.aliases);
	free(loader.deps);
	free(loader.dir);
	loader.aliases = NULL;
	loader.deps = NULL;
	loader.dir = NULL;
	loader.nr_aliases = loader.nr_deps = 0;
}

static const struct mod_dep *dep_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < loader.nr_deps; i++)
		if (modname_eq(loader.deps[i].name, name))
			return &loader.deps[i];
	return NULL;
}

/* ---- exports and namespaces ------------------------------------------------------- */

static const struct kernel_symbol *syms_find(const struct kernel_symbol *s,
					     const struct kernel_symbol *end, const char *name)
{
	for (; s && s < end; s++)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

/* The namespaced export @name, built in or of a loaded module, or NULL. */
static const struct kernel_symbol *export_find(const char *name)
{
	const struct kernel_symbol *ks;
	struct module *mod;

	ks = syms_find(__start___ksymtab, __stop___ksymtab, name);
	if (ks)
		return ks;
	list_for_each_entry(mod, &loader.modules, list) {
		ks = syms_find(mod->syms, mod->syms_end, name);
		if (ks)
			return ks;
	}
	return NULL;
}

struct ns_check {
	const struct modelf *elf;
	const char *module;
	int rc;
};

static bool imports_ns(const struct modelf *elf, const char *ns)
{
	const char *v = NULL;

	while ((v = modelf_modinfo_next(elf, "import_ns", v)))
		if (!strcmp(v, ns))
			return true;
	return false;
}

static int ns_check_sym(void *arg, const char *name, bool defined)
{
	struct ns_check *c = arg;
	const struct kernel_symbol *ks;

	if (defined)
		return 0;
	ks = export_find(name);
	if (!ks || !ks->namespace[0] || imports_ns(c->elf, ks->namespace))
		return 0;
	pr_err("module %s uses symbol %s from namespace %s, but does not import it",
	       c->module, name, ks->namespace);
	c->rc = -EINVAL;
	return 0;	/* report every offending symbol */
}

/*
 * The kernel's verify_namespace_is_imported(), before the module runs: every
 * undefined symbol exported in a namespace needs MODULE_IMPORT_NS of it.
 */
static int module_check_file(const char *path, const char *name)
{
	struct ns_check c = { .module = name };
	struct modelf elf;
	int rc;

	rc = modelf_open(path, &elf);
	if (rc) {
		pr_err("module %s: cannot read %s: %s", name, path, strerror(-rc));
		modelf_close(&elf);
		return rc == -ENOEXEC ? -EINVAL : rc;
	}
	c.elf = &elf;
	modelf_for_each_dynsym(&elf, ns_check_sym, &c);
	modelf_close(&elf);
	return c.rc;
}

/* ---- /sys/module/<name> ---------------------------------------------------------- */

static const struct attribute mod_attr_initstate = { .name = "initstate", .mode = 0444 };
static const struct attribute mod_attr_refcnt = { .name = "refcnt", .mode = 0444 };

static const char *const module_state_names[] = {
	[MODULE_STATE_COMING] = "coming",
	[MODULE_STATE_LIVE] = "live",
	[MODULE_STATE_GOING] = "going",
};

static const struct kernel_param *attr_to_param(struct module *mod, const struct attribute *attr)
{
	const struct kernel_param *p;

	for (p = mod->params; p && p < mod->params_end; p++)
		if (&p->attr == attr)
			return p;
	return NULL;
}

static ssize_t module_attr_show(void *owner, const struct attribute *attr, char *buf)
{
	struct module *mod = owner;
	const struct kernel_param *p;

	if (attr == &mod_attr_initstate)
		return snprintf(buf, SYSFS_PAGE_SIZE, "%s\n", module_state_names[mod->state]);
	if (attr == &mod_attr_refcnt)
		return snprintf(buf, SYSFS_PAGE_SIZE, "%u\n", mod->refcnt);
	p = attr_to_param(mod, attr);
	if (p)
		return snprintf(buf, SYSFS_PAGE_SIZE, "%u\n", *p->arg);
	return -EIO;
}

static ssize_t module_attr_store(void *owner, const struct attribute *attr,
				 const char *buf, size_t count)
{
	const struct kernel_param *p = attr_to_param(owner, attr);
	unsigned int v;
	int rc;

	if (!p)
		return -EIO;
	rc = kstrtouint(buf, 0, &v);
	if (rc)
		return rc;
	if (v < p->min || v > p->max)
		return -EINVAL;
	*p->arg = v;
	return (ssize_t)count;
}

static const struct sysfs_ops module_sysfs_ops = {
	.show = module_attr_show,
	.store = module_attr_store,
};

static int module_sysfs_params(struct module *mod)
{
	struct sysfs_dir *dir;
	const struct kernel_param *p;
	int rc;

	if (!mod->params || mod->params == mod->params_end)
		return 0;
	dir = sysfs_mkdir(mod->dir, "parameters", mod, &module_sysfs_ops);
	if (!dir)
		return -errno;
	for (p = mod->params; p < mod->params_end; p++) {
		rc = sysfs_create_file(dir, &p->attr);
		if (rc)
			return rc;
	}
	return 0;
}

static int module_sysfs_add(struct module *mod)
{
	int rc;

	mod->dir = sysfs_mkdir(loader.sys_module, mod->name, mod, &module_sysfs_ops);
	if (!mod->dir)
		return -errno;
	rc = sysfs_create_file(mod->dir, &mod_attr_initstate);
	if (!rc)
		rc = sysfs_create_file(mod->dir, &mod_attr_refcnt);
	if (!rc) {
		mod->holders_dir = sysfs_mkdir(mod->dir, "holders", NULL, NULL);
		rc = mod->holders_dir ? 0 : -errno;
	}
	if (!rc)
		rc = module_sysfs_params(mod);
	if (rc) {
		sysfs_remove_dir(mod->dir);
		mod->dir = mod->holders_dir = NULL;
	}
	return rc;
}

/* ---- dependencies ------------------------------------------------------------------- */

/* @user uses @target (ref_module): a reference and a holders/ link. */
static int module_use(struct module *user, struct module *target)
{
	struct module_use *u;

	list_for_each_entry(u, &user->uses, node)
		if (u->target == target)
			return 0;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->target = target;
	list_add_tail(&u->node, &user->uses);
	target->refcnt++;
	if (target->holders_dir && user->dir)
		sysfs_create_link(target->holders_dir, user->dir, user->name);
	return 0;
}

static void module_unuse_all(struct module *user)
{
	struct module_use *u, *n;

	list_for_each_entry_safe(u, n, &user->uses, node) {
		sysfs_remove_link(u->target->holders_dir, user->name);
		u->target->refcnt--;
		list_del_init(&u->node);
		free(u);
	}
}

/* ---- load and unload ---------------------------------------------------------------- */

struct module *find_module(const char *name)
{
	struct module *mod;

	list_for_each_entry(mod, &loader.modules, list)
		if (modname_eq(mod->name, name))
			return mod;
	return NULL;
}

/* Undo a load from its last step: sysfs, uses, list, the shared object. */
static void module_free(struct module *mod)
{
	void *handle = mod->handle;

	if (mod->dir)
		sysfs_remove_dir(mod->dir);
	mod->dir = mod->holders_dir = NULL;
	module_unuse_all(mod);
	list_del_init(&mod->list);
	mod->handle = NULL;
	if (handle)
		dlclose(handle);
}

/* dlopen() the checked file and find its descriptor. Return: it or NULL. */
static struct module *module_map(const char *path, const char *name)
{
	struct module *mod;
	void *handle;

	handle = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
	if (!handle) {
		pr_err("module %s: %s", name, dlerror());
		return NULL;
	}
	mod = dlsym(handle, "__this_module");
	if (!mod || !mod->name || !modname_eq(mod->name, name)) {
		pr_err("module %s: %s has no matching __this_module", name, path);
		dlclose(handle);
		return NULL;
	}
	mod->handle = handle;
	mod->state = MODULE_STATE_COMING;
	mod->refcnt = 0;
	mod->dir = mod->holders_dir = NULL;
	INIT_LIST_HEAD(&mod->uses);
	INIT_LIST_HEAD(&mod->list);
	return mod;
}

/* Record the dependencies (already live) and create /sys/module/<name>. */
static int module_link(struct module *mod, const struct mod_dep *dep)
{
	unsigned int i;
	int rc;

	rc = module_sysfs_add(mod);
	for (i = 0; !rc && i < dep->nr_deps; i++) {
		struct module *target = find_module(dep->deps[i]);

		rc = target ? module_use(mod, target) : -ENOENT;
	}
	return rc;
}

static int module_load(const char *name, unsigned int depth);

static int module_load_deps(const struct mod_dep *dep, unsigned int depth)
{
	unsigned int i;
	int rc;

	for (i = 0; i < dep->nr_deps; i++) {
		rc = module_load(dep->deps[i], depth + 1);
		if (rc) {
			pr_err("module %s: dependency %s: %s", dep->name, dep->deps[i],
			       strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static int module_load(const char *name, unsigned int depth)
{
	const struct mod_dep *dep;
	struct module *mod;
	char path[4096];
	int rc;

	mod = find_module(name);
	if (mod)
		return mod->state == MODULE_STATE_GOING ? -EAGAIN : 0;
	if (depth > MODULE_MAX_DEPTH)
		return -ELOOP;
	dep = dep_find(name);
	if (!dep)
		return -ENOENT;
	rc = module_load_deps(dep, depth);
	if (rc)
		return rc;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", loader.dir, dep->path) >= sizeof(path))
		return -ENAMETOOLONG;
	rc = module_check_file(path, dep->name);
	if (rc)
		return rc;
	mod = module_map(path, dep->name);
	if (!mod)
		return -ENOEXEC;
	list_add_tail(&mod->list, &loader.modules);
	rc = module_link(mod, dep);
	if (!rc && mod->init)
		rc = mod->init();
	if (rc) {
		pr_err("module %s: load failed: %s", mod->name, strerror(-rc));
		mod->state = MODULE_STATE_GOING;
		module_free(mod);
		return rc;
	}
	mod->state = MODULE_STATE_LIVE;
	pr_info("module %s loaded", mod->name);
	return 0;
}

/* Names of the modules @str names: by alias pattern or by module name. */
static bool alias_matches(const struct mod_alias *a, const char *str)
{
	return !fnmatch(a->pattern, str, 0);
}

int request_module(const char *fmt, ...)
{
	char str[512];
	unsigned int i;
	bool found = false;
	va_list ap;
	int rc = 0, n;

	va_start(ap, fmt);
	n = vsnprintf(str, sizeof(str), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(str))
		return -ENAMETOOLONG;
	if (!loader.initialised || !loader.dir)
		return -ENOENT;
	for (i = 0; i < loader.nr_aliases; i++) {
		if (!alias_matches(&loader.aliases[i], str))
			continue;
		found = true;
		n = module_load(loader.aliases[i].module, 0);
		if (n && !rc)
			rc = n;
	}
	if (!found && dep_find(str)) {
		found = true;
		rc = module_load(str, 0);
	}
	if (!found)
		pr_debug("no module for %s", str);
	return found ? rc : -ENOENT;
}

int delete_module(const char *name)
{
	struct module *mod = find_module(name);

	if (!mod)
		return -ENOENT;
	if (mod->state != MODULE_STATE_LIVE)
		return -EAGAIN;
	if (mod->refcnt) {
		pr_info("module %s is in use (refcnt %u)", mod->name, mod->refcnt);
		return -EBUSY;
	}
	mod->state = MODULE_STATE_GOING;
	if (mod->exit)
		mod->exit();
	pr_info("module %s unloaded", mod->name);
	module_free(mod);
	return 0;
}

/* ---- references ------------------------------------------------------------------------ */

bool try_module_get(struct module *mod)
{
	if (!mod)
		return true;
	if (mod->state != MODULE_STATE_LIVE)
		return false;
	mod->refcnt++;
	return true;
}

void module_put(struct module *mod)
{
	if (!mod)
		return;
	if (!mod->refcnt) {
		pr_err("module %s: reference count underflow", mod->name);
		return;
	}
	mod->refcnt--;
}

unsigned int module_refcount(const struct module *mod)
{
	return mod ? mod->refcnt : 0;
}

/* The loaded module whose shared object defines @name, and the address. */
static struct module *symbol_owner(const char *name, void **addr)
{
	struct module *mod;
	Dl_info sym, self;
	void *p;

	list_for_each_entry(mod, &loader.modules, list) {
		p = dlsym(mod->handle, name);
		/* dlsym also searches the module's own DT_NEEDED libraries */
		if (!p || !dladdr(p, &sym) || !dladdr(mod, &self) ||
		    sym.dli_fbase != self.dli_fbase)
			continue;
		*addr = p;
		return mod;
	}
	return NULL;
}

void *__symbol_get(const char *name)
{
	void *addr = NULL;
	struct module *mod = symbol_owner(name, &addr);

	if (!mod || !try_module_get(mod))
		return NULL;
	return addr;
}

void __symbol_put(const char *name)
{
	void *addr;

	module_put(symbol_owner(name, &addr));
}

/* ---- init and exit ----------------------------------------------------------------------- */

int module_loader_init(const char *dir)
{
	int rc;

	if (loader.initialised)
		return -EEXIST;
	loader.sys_module = sysfs_mkdir_path("/sys/module");
	if (!loader.sys_module)
		return -ENOMEM;
	if (dir) {
		loader.dir = strdup(dir);
		if (!loader.dir)
			return -ENOMEM;
		rc = index_read("modules.dep", parse_dep_line);
		if (!rc)
			rc = index_read("modules.alias", parse_alias_line);
		if (rc) {
			index_free();
			return rc;
		}
	}
	loader.initialised = true;
	return 0;
}

void module_loader_exit(void)
{
	struct module *mod;

	if (!loader.initialised)
		return;
	while (!list_empty(&loader.modules)) {
		mod = list_entry(loader.modules.prev, struct module, list);
		if (mod->refcnt)
			pr_warn("module %s unloaded with %u references", mod->name, mod->refcnt);
		mod->state = MODULE_STATE_GOING;
		if (mod->exit)
			mod->exit();
		module_free(mod);
	}
	index_free();
	sysfs_remove_dir(loader.sys_module);
	loader.sys_module = NULL;
	loader.initialised = false;
}
