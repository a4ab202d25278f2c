/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading a module's ELF file without running it: what the loader checks
 * before dlopen() (undefined symbols against namespaced exports, the
 * .modinfo strings) and what siov-depmod indexes (defined and undefined
 * dynamic symbols, id tables). Private to src/base (module.c, depmod.c).
 *
 * Only 64-bit little-endian ELF shared objects of the build machine are
 * accepted. Every offset and size taken from the file is checked against
 * the file before use: a truncated or hostile file gives -ENOEXEC, never a
 * read outside the buffer.
 *
 * Threading: none (plain data).
 */
#ifndef SIOVD_BASE_MODULE_ELF_H
#define SIOVD_BASE_MODULE_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * struct modelf - a module file read into memory.
 * @data, @size: the whole file.
 * The remaining members point into @data (NULL/0 when absent).
 */
struct modelf {
	uint8_t *data;
	size_t size;
	const void *shdrs;
	unsigned int shnum;
	const void *dynsym, *symtab;
	size_t ndynsym, nsymtab;
	const char *dynstr, *strtab;
	size_t dynstr_size, strtab_size;
	const char *modinfo;
	size_t modinfo_size;
	const char *kstrtab;		/* "__ksymtab_strings" */
	size_t kstrtab_size;
};

/*
 * modelf_open - read @path and index its sections.
 * Return: 0; -ENOEXEC (not an ELF shared object we can read); -errno of
 * open/read; -ENOMEM. modelf_close() frees it (also after an error).
 */
int modelf_open(const char *path, struct modelf *m);
void modelf_close(struct modelf *m);

/*
 * modelf_for_each_dynsym - call @fn for each named global or weak symbol of
 * the dynamic symbol table, @defined false for an undefined one (what the
 * module takes from elsewhere). Stops at a non-zero return and returns it.
 */
int modelf_for_each_dynsym(const struct modelf *m,
			   int (*fn)(void *arg, const char *name, bool defined), void *arg);

/*
 * modelf_symbol_data - the file bytes of defined data symbol @name (from
 * .symtab, else .dynsym). Return: a pointer into the file and *@size, or
 * NULL (absent, in a section without file data, or out of bounds).
 */
const void *modelf_symbol_data(const struct modelf *m, const char *name, size_t *size);

/*
 * modelf_for_each_symbol_prefix - call @fn with each defined symbol whose
 * name starts with @prefix (.symtab, else .dynsym), each name once.
 */
int modelf_for_each_symbol_prefix(const struct modelf *m, const char *prefix,
				  int (*fn)(void *arg, const char *name), void *arg);

/*
 * modelf_kstrtab_next - iterate the "<symbol>:<namespace>" strings of the
 * module's namespaced exports: NULL first, then the previous result.
 */
const char *modelf_kstrtab_next(const struct modelf *m, const char *prev);

/*
 * modelf_modinfo_next - iterate the .modinfo values of @tag: pass NULL to
 * get the first, then the previous result. Return: the value after
 * "@tag=", or NULL.
 */
const char *modelf_modinfo_next(const struct modelf *m, const char *tag, const char *prev);

#endif
