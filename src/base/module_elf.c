// SPDX-License-Identifier: GPL-2.0-only
/*
 * A module's ELF file, read and bounds-checked (see module_elf.h).
 * Source: the ELF-64 object file format (System V gABI, <elf.h>): section
 * headers, SHT_DYNSYM/SHT_SYMTAB with their linked string tables.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/module_elf.h"

#define MODELF_MAX_SIZE		(256U << 20)	/* bytes; no module is larger */

static const Elf64_Shdr *shdr(const struct modelf *m, unsigned int i)
{
	return (const Elf64_Shdr *)m->shdrs + i;
}

/* [off, off + len) lies in the file. */
static bool in_file(const struct modelf *m, uint64_t off, uint64_t len)
{
	return off <= m->size && len <= m->size - off;
}

static int read_all(int fd, struct modelf *m)
{
	struct stat st;
	size_t done = 0;
	ssize_t n;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(Elf64_Ehdr) ||
	    (uint64_t)st.st_size > MODELF_MAX_SIZE)
		return -ENOEXEC;
	m->size = (size_t)st.st_size;
	m->data = malloc(m->size);
	if (!m->data)
		return -ENOMEM;
	while (done < m->size) {
		n = read(fd, m->data + done, m->size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -ENOEXEC;
		done += (size_t)n;
	}
	return 0;
}

/* A string table: its data, trimmed to end at its last NUL. */
static const char *strtab_of(const struct modelf *m, unsigned int idx, size_t *size)
{
	const Elf64_Shdr *s;
	const char *p;
	size_t n;

	if (idx == 0 || idx >= m->shnum)
		return NULL;
	s = shdr(m, idx);
	if (s->sh_type != SHT_STRTAB || !in_file(m, s->sh_offset, s->sh_size) || !s->sh_size)
		return NULL;
	p = (const char *)m->data + s->sh_offset;
	n = s->sh_size;
	while (n && p[n - 1])
		n--;
	*size = n;
	return n ? p : NULL;
}

static int index_symtab(struct modelf *m, const Elf64_Shdr *s, const void **syms,
			size_t *nsyms, const char **str, size_t *str_size)
{
	if (s->sh_entsize != sizeof(Elf64_Sym) || !in_file(m, s->sh_offset, s->sh_size))
		return -ENOEXEC;
	*str = strtab_of(m, s->sh_link, str_size);
	if (!*str)
		return -ENOEXEC;
	*syms = m->data + s->sh_offset;
	*nsyms = s->sh_size / sizeof(Elf64_Sym);
	return 0;
}

static int index_sections(struct modelf *m)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)m->data;
	const char *shstr, *name;
	size_t shstr_size;
	unsigned int i;
	int rc;

	if (eh->e_shentsize != sizeof(Elf64_Shdr) || !eh->e_shnum ||
	    !in_file(m, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)) ||
	    eh->e_shoff % 8)
		return -ENOEXEC;
	m->shdrs = m->data + eh->e_shoff;
	m->shnum = eh->e_shnum;
	shstr = strtab_of(m, eh->e_shstrndx, &shstr_size);
	for (i = 1; i < m->shnum; i++) {
		const Elf64_Shdr *s = shdr(m, i);

		if (s->sh_type == SHT_DYNSYM) {
			rc = index_symtab(m, s, &m->dynsym, &m->ndynsym, &m->dynstr,
					  &m->dynstr_size);
			if (rc)
				return rc;
		} else if (s->sh_type == SHT_SYMTAB) {
			rc = index_symtab(m, s, &m->symtab, &m->nsymtab, &m->strtab,
					  &m->strtab_size);
			if (rc)
				return rc;
		}
		name = shstr && s->sh_name < shstr_size ? shstr + s->sh_name : NULL;
		if (name && !strcmp(name, ".modinfo") && s->sh_type == SHT_PROGBITS &&
		    in_file(m, s->sh_offset, s->sh_size)) {
			m->modinfo = (const char *)m->data + s->sh_offset;
			m->modinfo_size = s->sh_size;
		}
		if (name && !strcmp(name, "__ksymtab_strings") && s->sh_type == SHT_PROGBITS &&
		    in_file(m, s->sh_offset, s->sh_size)) {
			m->kstrtab = (const char *)m->data + s->sh_offset;
			m->kstrtab_size = s->sh_size;
		}
	}
	return m->dynsym ? 0 : -ENOEXEC;
}

int modelf_open(const char *path, struct modelf *m)
{
	const Elf64_Ehdr *eh;
	int fd, rc;

	memset(m, 0, sizeof(*m));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = read_all(fd, m);
	close(fd);
	if (rc)
		return rc;
	eh = (const Elf64_Ehdr *)m->data;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_type != ET_DYN)
		return -ENOEXEC;
	return index_sections(m);
}

void modelf_close(struct modelf *m)
{
	free(m->data);
	memset(m, 0, sizeof(*m));
}

static const char *sym_name(const char *str, size_t str_size, const Elf64_Sym *s)
{
	return s->st_name && s->st_name < str_size ? str + s->st_name : NULL;
}

int modelf_for_each_dynsym(const struct modelf *m,
			   int (*fn)(void *arg, const char *name, bool defined), void *arg)
{
	const Elf64_Sym *syms = m->dynsym;
	const char *name;
	size_t i;
	int rc;

	for (i = 1; i < m->ndynsym; i++) {
		unsigned char bind = ELF64_ST_BIND(syms[i].st_info);

		if (bind != STB_GLOBAL && bind != STB_WEAK)
			continue;
		name = sym_name(m->dynstr, m->dynstr_size, &syms[i]);
		if (!name)
			continue;
		rc = fn(arg, name, syms[i].st_shndx != SHN_UNDEF);
		if (rc)
			return rc;
	}
	return 0;
}

/* The symbol table depmod reads: the full one when the file kept it. */
static void best_symtab(const struct modelf *m, const Elf64_Sym **syms, size_t *n,
			const char **str, size_t *str_size)
{
	if (m->symtab) {
		*syms = m->symtab;
		*n = m->nsymtab;
		*str = m->strtab;
		*str_size = m->strtab_size;
	} else {
		*syms = m->dynsym;
		*n = m->ndynsym;
		*str = m->dynstr;
		*str_size = m->dynstr_size;
	}
}

const void *modelf_symbol_data(const struct modelf *m, const char *name, size_t *size)
{
	const Elf64_Sym *syms;
	const Elf64_Shdr *s;
	const char *str, *n;
	size_t i, nsyms, str_size;
	uint64_t rel;

	best_symtab(m, &syms, &nsyms, &str, &str_size);
	for (i = 1; i < nsyms; i++) {
		n = sym_name(str, str_size, &syms[i]);
		if (!n || strcmp(n, name))
			continue;
		if (syms[i].st_shndx == SHN_UNDEF || syms[i].st_shndx >= m->shnum)
			return NULL;
		s = shdr(m, syms[i].st_shndx);
		if (s->sh_type == SHT_NOBITS || syms[i].st_value < s->sh_addr)
			return NULL;
		rel = syms[i].st_value - s->sh_addr;
		if (rel > s->sh_size || syms[i].st_size > s->sh_size - rel ||
		    !in_file(m, s->sh_offset + rel, syms[i].st_size) ||
		    s->sh_offset > m->size)
			return NULL;
		*size = syms[i].st_size;
		return m->data + s->sh_offset + rel;
	}
	return NULL;
}

int modelf_for_each_symbol_prefix(const struct modelf *m, const char *prefix,
				  int (*fn)(void *arg, const char *name), void *arg)
{
	size_t i, j, nsyms, str_size, plen = strlen(prefix);
	const Elf64_Sym *syms;
	const char *str, *n, *o;
	bool seen;
	int rc;

	best_symtab(m, &syms, &nsyms, &str, &str_size);
	for (i = 1; i < nsyms; i++) {
		n = sym_name(str, str_size, &syms[i]);
		if (!n || strncmp(n, prefix, plen) || syms[i].st_shndx == SHN_UNDEF)
			continue;
		/* a name may appear as local and global; report it once */
		seen = false;
		for (j = 1; j < i && !seen; j++) {
			o = sym_name(str, str_size, &syms[j]);
			seen = o && syms[j].st_shndx != SHN_UNDEF && !strcmp(o, n);
		}
		if (seen)
			continue;
		rc = fn(arg, n);
		if (rc)
			return rc;
	}
	return 0;
}

/* The next NUL-terminated non-empty string of [@p, @end) at or after @from. */
static const char *strings_next(const char *p, const char *end, const char *prev)
{
	const char *nul;

	if (!p)
		return NULL;
	if (prev) {
		nul = memchr(prev, '\0', (size_t)(end - prev));
		if (!nul)
			return NULL;
		p = nul + 1;
	}
	while (p < end && !*p)
		p++;		/* alignment padding */
	if (p >= end || !memchr(p, '\0', (size_t)(end - p)))
		return NULL;
	return p;
}

const char *modelf_kstrtab_next(const struct modelf *m, const char *prev)
{
	if (!m->kstrtab)	/* no section: and NULL + 0 is undefined */
		return NULL;
	return strings_next(m->kstrtab, m->kstrtab + m->kstrtab_size, prev);
}

const char *modelf_modinfo_next(const struct modelf *m, const char *tag, const char *prev)
{
	const char *p = m->modinfo, *end;
	size_t tlen = strlen(tag);

	if (!p)
		return NULL;
	end = p + m->modinfo_size;	/* not before: NULL + 0 is undefined */
	if (prev) {
		/* prev points after "tag=" inside the section: skip that string */
		p = memchr(prev, '\0', (size_t)(end - prev));
		if (!p)
			return NULL;
		p++;
	}
	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));

		if (!nul)
			return NULL;
		if ((size_t)(nul - p) > tlen && !strncmp(p, tag, tlen) && p[tlen] == '=')
			return p + tlen + 1;
		p = nul + 1;
	}
	return NULL;
}
