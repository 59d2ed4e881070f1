/* A main() for the fuzz targets when they are built without libFuzzer:
 * runs LLVMFuzzerTestOneInput once on every file given, or on every file of
 * every directory given, in name order.  With no argument it replays
 * $srcdir/fuzz/corpus/NAME, NAME being the target's fuzz_corpus_name, so
 * `make check` runs each corpus with the normal compiler (and sanitizers,
 * if configured with them).
 *
 *   fuzz_rsp_replay [FILE|DIR]...
 *
 * Exit 0 when every input ran, 99 when an input or the corpus could not be
 * read; a finding aborts, as it would under libFuzzer.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern const char fuzz_corpus_name[];

static unsigned long n_inputs;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? 2 * cap : 4096;
			uint8_t *nb = realloc(buf, cap);
			if (!nb) {
				fprintf(stderr, "replay: %s: out of memory\n", path);
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		fprintf(stderr, "replay: %s: read error\n", path);
		free(buf);
		return -1;
	}
	/* Exactly len bytes, like libFuzzer, so overreads are caught. */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	n_inputs++;
	return 0;
}

static int only_files(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int run_path(const char *path)
{
	struct stat st;
	struct dirent **names;
	int rc = 0;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	int n = scandir(path, &names, only_files, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		size_t len = strlen(path) + strlen(names[i]->d_name) + 2;
		char *full = malloc(len);
		if (!full || snprintf(full, len, "%s/%s", path, names[i]->d_name) < 0 ||
		    run_file(full) < 0)
			rc = -1;
		free(full);
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	int rc = 0;

	if (argc < 2) {
		const char *srcdir = getenv("srcdir");
		char dir[4096];

		snprintf(dir, sizeof(dir), "%s/fuzz/corpus/%s", srcdir ? srcdir : ".",
		         fuzz_corpus_name);
		rc = run_path(dir);
		if (rc == 0)
			printf("replayed %lu inputs from %s\n", n_inputs, dir);
	}
	for (int i = 1; i < argc; i++)
		if (run_path(argv[i]) < 0)
			rc = -1;
	if (argc >= 2)
		printf("replayed %lu inputs\n", n_inputs);
	if (n_inputs == 0) {
		fprintf(stderr, "replay: no inputs\n");
		return 99;
	}
	return rc < 0 ? 99 : 0;
}
