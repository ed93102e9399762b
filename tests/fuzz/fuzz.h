#pragma once
/* The libFuzzer entry points every harness in tests/fuzz defines (LLVMFuzzerInitialize only
 * where a harness needs one-time setup). The same harness file links either with libFuzzer
 * (clang -fsanitize=fuzzer: fuzz_NAME) or with replay.c, a plain main that feeds it every file
 * of a corpus (any compiler: fuzz_replay_NAME, run by ctest as fuzz/replay_NAME). */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Stops the harness when an invariant of the code under test does not hold: prints the
 * message and aborts, so libFuzzer saves the input and the replay fails. */
#define FUZZ_CHECK(cond, ...)                                                            \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                     \
			fputc('\n', stderr);                                             \
			abort();                                                         \
		}                                                                        \
	} while (0)
