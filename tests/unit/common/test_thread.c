// SPDX-License-Identifier: GPL-2.0-only
/* Thread states from /proc (see test_thread.h). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "test_thread.h"

char test_thread_state(int tid)
{
	char path[64], buf[256], *p;
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	fp = fopen(path, "r");
	if (!fp)
		return '?';
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = 0;
	/* the state follows the command name, which may hold spaces and ')' */
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

bool test_thread_in_futex(int tid)
{
	char path[64];
	long nr = -1;
	FILE *fp;

	if (test_thread_state(tid) != 'S')
		return false;
	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
	fp = fopen(path, "r");
	if (!fp)
		return false;
	if (fscanf(fp, "%ld", &nr) != 1)
		nr = -1;
	fclose(fp);
	return nr == SYS_futex;
}

int test_thread_by_name(const char *comm)
{
	DIR *dir = opendir("/proc/self/task");
	struct dirent *de;
	int tid = -1;

	while (dir && tid < 0 && (de = readdir(dir))) {
		char path[300], name[32] = "";
		FILE *f;

		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(name, sizeof(name), f)) {
			name[strcspn(name, "\n")] = '\0';
			if (!strcmp(name, comm))
				tid = atoi(de->d_name);
		}
		fclose(f);
	}
	if (dir)
		closedir(dir);
	return tid;
}
