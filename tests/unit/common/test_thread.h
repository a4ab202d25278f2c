/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Thread states for unit tests that must see a thread blocked (on a lock,
 * in a wait) before they go on: read from /proc/self/task/<tid>/, so only
 * for threads of the test process. Shared by the unit tests of every layer.
 */
#ifndef SIOVD_TESTS_TEST_THREAD_H
#define SIOVD_TESTS_TEST_THREAD_H

#include <stdbool.h>

/*
 * test_thread_state - the state letter of thread @tid of this process, as
 * proc(5) shows it ('R' running, 'S' sleeping, 'D' disk sleep, ...).
 * Return: the letter, or '?' if the thread or its stat file is gone.
 */
char test_thread_state(int tid);

/*
 * test_thread_in_futex - whether thread @tid sleeps in futex(2), where a
 * contended mutex, rwlock or condition variable waits.
 */
bool test_thread_in_futex(int tid);

/*
 * test_thread_by_name - the id of a thread of this process whose name
 * (/proc/self/task/<tid>/comm, as pthread_setname_np() set it) is @comm.
 * Return: the tid, or -1 when none has it.
 */
int test_thread_by_name(const char *comm);

#endif
