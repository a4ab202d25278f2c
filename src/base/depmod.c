// SPDX-License-Identifier: GPL-2.0-only
/*
 * siov-depmod: the build-time module index (the kernel's modpost file2alias
 * step and depmod in one), read by the loader (base/module.c).
 *
 *   siov-depmod OUTDIR MODULE.so...
 *
 * writes OUTDIR/modules.alias, OUTDIR/modules.dep and OUTDIR/modules.symbols:
 *  - aliases from the id tables that MODULE_DEVICE_TABLE() names
 *    ("__mod_<bus>__<table>_device_table"): pci entries become
 *    "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X" patterns with "*" for
 *    PCI_ANY_ID and for masked-out class bytes ("vfio_pci:" instead of
 *    "pci:" for override-only entries); auxiliary entries "auxiliary:<name>";
 *  - dependencies: module A depends on module B when A's dynamic symbol
 *    table has an undefined symbol that B defines;
 *  - namespaced exports: "<symbol> <module> <namespace>", from the
 *    "__ksymtab_strings" entries EXPORT_SYMBOL_NS() leaves.
 * Module paths in both files are relative to OUTDIR. Nothing runs module
 * code: the id tables are read from the files' data. Exit status 0, or 1
 * with a message naming the file that could not be indexed.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/auxiliary.h"
#include "base/module_elf.h"
#include "pci/pci.h"

struct dmod {
	const char *file;
	char *name;
	char *rel;		/* path relative to OUTDIR */
	struct modelf elf;
	FILE *aliases;		/* where this module's aliases go */
};

static struct dmod *mods;
static unsigned int nr_mods;

static char *relpath(const char *from_dir, const char *to)
{
	char a[PATH_MAX], b[PATH_MAX], *out;
	size_t i = 0, last = 0, ups = 0, k;
	const char *rest;

	if (!realpath(from_dir, a) || !realpath(to, b))
		return NULL;
	while (a[i] && a[i] == b[i])
		if (a[i++] == '/')
			last = i;
	if (!a[i] && b[i] == '/') {
		rest = b + i + 1;		/* @to lies below @from_dir */
	} else {
		rest = b + last;
		for (k = last, ups = 1; a[k]; k++)
			ups += a[k] == '/';
	}
	out = malloc(ups * 3 + strlen(rest) + 1);
	if (!out)
		return NULL;
	out[0] = '\0';
	for (k = 0; k < ups; k++)
		strcat(out, "../");
	strcat(out, rest);
	return out;
}

/* ---- aliases (file2alias) --------------------------------------------------- */

static void add_field(char *buf, size_t size, const char *tag, bool set, uint32_t v,
		      int width)
{
	size_t n = strlen(buf);

	if (set)
		snprintf(buf + n, size - n, "%s%0*X", tag, width, v);
	else
		snprintf(buf + n, size - n, "%s*", tag);
}

/* One class byte: exact (mask 0xff), or any (mask 0); else not expressible. */
static int add_class(char *buf, size_t size, const char *tag, uint32_t class,
		     uint32_t mask, int shift)
{
	uint32_t m = (mask >> shift) & 0xff;

	if (m != 0 && m != 0xff)
		return -EINVAL;
	add_field(buf, size, tag, m == 0xff, (class >> shift) & 0xff, 2);
	return 0;
}

static int pci_alias(const struct pci_device_id *id, char *buf, size_t size)
{
	snprintf(buf, size, "%s", id->override_only ? "vfio_pci:" : "pci:");
	add_field(buf, size, "v", id->vendor != PCI_ANY_ID, id->vendor, 8);
	add_field(buf, size, "d", id->device != PCI_ANY_ID, id->device, 8);
	add_field(buf, size, "sv", id->subvendor != PCI_ANY_ID, id->subvendor, 8);
	add_field(buf, size, "sd", id->subdevice != PCI_ANY_ID, id->subdevice, 8);
	if (add_class(buf, size, "bc", id->class, id->class_mask, 16) ||
	    add_class(buf, size, "sc", id->class, id->class_mask, 8) ||
	    add_class(buf, size, "i", id->class, id->class_mask, 0))
		return -EINVAL;
	return 0;
}

static int pci_table(struct dmod *m, const void *data, size_t size)
{
	const struct pci_device_id *id = data;
	char alias[256];
	size_t i;

	for (i = 0; (i + 1) * sizeof(*id) <= size; i++, id++) {
		if (!id->vendor && !id->subvendor && !id->class_mask)
			return 0;
		if (pci_alias(id, alias, sizeof(alias))) {
			fprintf(stderr, "siov-depmod: %s: pci entry %zu has a partial class mask\n",
				m->file, i);
			return -EINVAL;
		}
		fprintf(m->aliases, "alias %s %s\n", alias, m->name);
	}
	fprintf(stderr, "siov-depmod: %s: pci table without terminator\n", m->file);
	return -EINVAL;
}

static int aux_table(struct dmod *m, const void *data, size_t size)
{
	const struct auxiliary_device_id *id = data;
	size_t i;

	for (i = 0; (i + 1) * sizeof(*id) <= size; i++, id++) {
		if (!id->name[0])
			return 0;
		if (!memchr(id->name, '\0', sizeof(id->name))) {
			fprintf(stderr, "siov-depmod: %s: auxiliary name not terminated\n", m->file);
			return -EINVAL;
		}
		fprintf(m->aliases, "alias auxiliary:%s %s\n", id->name, m->name);
	}
	fprintf(stderr, "siov-depmod: %s: auxiliary table without terminator\n", m->file);
	return -EINVAL;
}

/* "__mod_<bus>__<table>_device_table": one id table. */
static int device_table(void *arg, const char *sym)
{
	static const char suffix[] = "_device_table";
	struct dmod *m = arg;
	const char *bus = sym + strlen("__mod_"), *sep;
	size_t len = strlen(sym), size;
	const void *data;

	if (len < strlen("__mod_") + sizeof(suffix) ||
	    strcmp(sym + len - (sizeof(suffix) - 1), suffix))
		return 0;
	sep = strstr(bus, "__");
	data = modelf_symbol_data(&m->elf, sym, &size);
	if (!sep || !data) {
		fprintf(stderr, "siov-depmod: %s: cannot read %s\n", m->file, sym);
		return -EINVAL;
	}
	if ((size_t)(sep - bus) == 3 && !strncmp(bus, "pci", 3))
		return pci_table(m, data, size);
	if ((size_t)(sep - bus) == 9 && !strncmp(bus, "auxiliary", 9))
		return aux_table(m, data, size);
	fprintf(stderr, "siov-depmod: %s: %s: unknown bus\n", m->file, sym);
	return -EINVAL;
}

/* ---- dependencies ------------------------------------------------------------ */

struct def_find {
	const char *name;
	bool found;
};

static int def_match(void *arg, const char *name, bool defined)
{
	struct def_find *f = arg;

	if (defined && !strcmp(name, f->name)) {
		f->found = true;
		return 1;
	}
	return 0;
}

struct dep_scan {
	struct dmod *m;
	bool *uses;		/* nr_mods flags */
};

static int dep_sym(void *arg, const char *name, bool defined)
{
	struct dep_scan *s = arg;
	unsigned int i;

	if (defined)
		return 0;
	for (i = 0; i < nr_mods; i++) {
		struct def_find f = { .name = name };

		if (&mods[i] == s->m || s->uses[i])
			continue;
		modelf_for_each_dynsym(&mods[i].elf, def_match, &f);
		if (f.found)
			s->uses[i] = true;
	}
	return 0;
}

static int write_deps(FILE *out, struct dmod *m)
{
	struct dep_scan s = { .m = m };
	unsigned int i;

	s.uses = calloc(nr_mods, sizeof(*s.uses));
	if (!s.uses)
		return -ENOMEM;
	modelf_for_each_dynsym(&m->elf, dep_sym, &s);
	fprintf(out, "%s:", m->rel);
	for (i = 0; i < nr_mods; i++)
		if (s.uses[i])
			fprintf(out, " %s", mods[i].rel);
	fprintf(out, "\n");
	free(s.uses);
	return 0;
}

/* ---- namespaced exports ------------------------------------------------------------ */

static int write_symbols(FILE *out, struct dmod *m)
{
	const char *s = NULL, *colon;

	while ((s = modelf_kstrtab_next(&m->elf, s))) {
		colon = strchr(s, ':');
		if (!colon || colon == s || !colon[1]) {
			fprintf(stderr, "siov-depmod: %s: bad export \"%s\"\n", m->file, s);
			return -EINVAL;
		}
		fprintf(out, "%.*s %s %s\n", (int)(colon - s), s, m->name, colon + 1);
	}
	return 0;
}

/* ---- main ---------------------------------------------------------------------- */

static int open_module(struct dmod *m, const char *file, const char *outdir)
{
	const char *base = strrchr(file, '/');
	size_t len;
	int rc;

	m->file = file;
	base = base ? base + 1 : file;
	len = strlen(base);
	if (len <= 3 || strcmp(base + len - 3, ".so")) {
		fprintf(stderr, "siov-depmod: %s: not a .so\n", file);
		return -EINVAL;
	}
	m->name = strndup(base, len - 3);
	m->rel = relpath(outdir, file);
	if (!m->name || !m->rel) {
		fprintf(stderr, "siov-depmod: %s: %s\n", file, strerror(errno));
		return -EINVAL;
	}
	rc = modelf_open(file, &m->elf);
	if (rc)
		fprintf(stderr, "siov-depmod: %s: %s\n", file, strerror(-rc));
	return rc;
}

static FILE *open_out(const char *dir, const char *name, char *tmp, size_t size)
{
	snprintf(tmp, size, "%s/%s.tmp", dir, name);
	return fopen(tmp, "w");
}

static int commit_out(FILE *f, const char *dir, const char *name, const char *tmp)
{
	char path[PATH_MAX];

	if (fclose(f))
		return -errno;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return rename(tmp, path) ? -errno : 0;
}

int main(int argc, char **argv)
{
	char atmp[PATH_MAX], dtmp[PATH_MAX], stmp[PATH_MAX];
	FILE *aliases, *deps, *syms;
	unsigned int i;
	int rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: siov-depmod OUTDIR MODULE.so...\n");
		return 2;
	}
	nr_mods = (unsigned int)(argc - 2);
	mods = calloc(nr_mods ? nr_mods : 1, sizeof(*mods));
	aliases = open_out(argv[1], "modules.alias", atmp, sizeof(atmp));
	deps = open_out(argv[1], "modules.dep", dtmp, sizeof(dtmp));
	syms = open_out(argv[1], "modules.symbols", stmp, sizeof(stmp));
	if (!mods || !aliases || !deps || !syms) {
		perror("siov-depmod");
		return 1;
	}
	fprintf(aliases, "# Aliases from the modules' id tables (siov-depmod).\n");
	for (i = 0; !rc && i < nr_mods; i++) {
		mods[i].aliases = aliases;
		rc = open_module(&mods[i], argv[i + 2], argv[1]);
		if (!rc)
			rc = modelf_for_each_symbol_prefix(&mods[i].elf, "__mod_", device_table,
							   &mods[i]);
	}
	for (i = 0; !rc && i < nr_mods; i++)
		rc = write_deps(deps, &mods[i]);
	for (i = 0; !rc && i < nr_mods; i++)
		rc = write_symbols(syms, &mods[i]);
	if (rc) {
		fclose(aliases);
		fclose(deps);
		fclose(syms);
	} else {
		rc = commit_out(aliases, argv[1], "modules.alias", atmp);
		if (!rc)
			rc = commit_out(deps, argv[1], "modules.dep", dtmp);
		else
			fclose(deps);
		if (!rc)
			rc = commit_out(syms, argv[1], "modules.symbols", stmp);
		else
			fclose(syms);
	}
	for (i = 0; i < nr_mods; i++) {
		modelf_close(&mods[i].elf);
		free(mods[i].name);
		free(mods[i].rel);
	}
	free(mods);
	if (rc) {
		fprintf(stderr, "siov-depmod: failed: %s\n", strerror(rc < 0 ? -rc : rc));
		unlink(atmp);
		unlink(dtmp);
		unlink(stmp);
		return 1;
	}
	return 0;
}
