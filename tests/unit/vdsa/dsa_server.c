// SPDX-License-Identifier: GPL-2.0-only
/*
 * dsa_server: serve one emulated DSA function (dsa_pt.h) over vfio-user
 * for the vdsa tool's test. Prints the socket path on stdout, then runs
 * until SIGTERM or SIGINT.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "dsa_pt.h"

int main(void)
{
	struct dsa_pt_server s;
	sigset_t set;
	int sig, rc;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	/* Blocked here, so the loop thread inherits the mask and sigwait() gets them. */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	rc = dsa_pt_server_start(&s, "dsa-tool0", 32);
	if (rc) {
		fprintf(stderr, "dsa_server: %s\n", strerror(-rc));
		return 1;
	}
	printf("%s\n", s.path);
	fflush(stdout);
	sigwait(&set, &sig);
	dsa_pt_server_stop(&s);
	return 0;
}
