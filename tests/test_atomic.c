/*
 * test_atomic.c - writing a file whole or not at all (output/atomic.c).
 *
 * The temporary file sits beside the destination with a recognisable name
 * and is the pending path a signal handler would remove; commit replaces
 * the destination and forgets it; abort removes it and leaves the
 * destination as it was; a missing folder or a destination that is a
 * folder is HN_ERR_IO with "cannot write PATH: reason" and leaves nothing;
 * a new file gets 0666 less the umask and a replaced one keeps its mode;
 * a link is written through; a device, a read-only file and a link to
 * nothing are refused before anything is created.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "results_fixture.h"

/* dir/name in a new string (caller frees). */
static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Writes text to fd in full; fails the test otherwise. */
static void put(int fd, const char *text)
{
    ssize_t n = write(fd, text, strlen(text));
    assert_int_equal(n, (ssize_t)strlen(text));
}

/* Asserts that the file at path holds exactly want. */
static void assert_file_text(const char *path, const char *want)
{
    char *text = fixture_slurp(path, NULL);
    assert_string_equal(text, want);
    free(text);
}

/* Setup: a new empty folder for the test, its path in *state. */
static int make_dir(void **state)
{
    *state = strdup(testutil_tmpdir());
    return *state ? 0 : -1;
}

/* Teardown: removes the test's folder and all in it. */
static int remove_dir(void **state)
{
    fixture_rmtree(*state);
    free(*state);
    return 0;
}

static void test_commit_replaces_destination(void **state)
{
    const char *dir = *state;
    char *dest = testutil_write(dir, "out.csv", "OLD\n");

    hn_atomic a;
    hn_error err;
    assert_null(atomic_pending_path());
    assert_int_equal(atomic_begin(&a, dest, &err), HN_OK);
    assert_true(a.fd >= 0);
    /* the temporary file: same folder, ".out.csv.hnsim-XXXXXX" */
    char *prefix = join(dir, ".out.csv.hnsim-");
    assert_int_equal(strncmp(a.tmp, prefix, strlen(prefix)), 0);
    assert_int_equal(strlen(a.tmp), strlen(prefix) + 6);
    free(prefix);
    assert_non_null(atomic_pending_path());
    assert_string_equal(atomic_pending_path(), a.tmp);
    assert_int_equal(access(a.tmp, F_OK), 0);

    put(a.fd, "NEW\n");
    /* until the commit, the destination is the old file */
    assert_file_text(dest, "OLD\n");

    char *tmp = strdup(a.tmp);
    assert_int_equal(atomic_commit(&a, &err), HN_OK);
    assert_null(a.tmp);
    assert_null(a.dest);
    assert_int_equal(a.fd, -1);
    assert_null(atomic_pending_path());
    assert_int_equal(access(tmp, F_OK), -1);
    assert_file_text(dest, "NEW\n");
    assert_int_equal(fixture_count_temps(dir), 0);
    free(tmp);
    free(dest);
}

/* A writer that writes by path (libxlsxwriter) closes a.fd first; commit reopens to fsync. */
static void test_commit_after_writer_closed_fd(void **state)
{
    const char *dir = *state;
    char *dest = join(dir, "book.xlsx");
    hn_atomic a;
    hn_error err;
    assert_int_equal(atomic_begin(&a, dest, &err), HN_OK);
    close(a.fd);
    a.fd = -1;
    FILE *f = fopen(a.tmp, "wb");
    assert_non_null(f);
    fputs("PK by path", f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(atomic_commit(&a, &err), HN_OK);
    assert_file_text(dest, "PK by path");
    free(dest);
}

static void test_abort_leaves_destination(void **state)
{
    const char *dir = *state;
    char *dest = testutil_write(dir, "out.csv", "OLD\n");
    hn_atomic a;
    hn_error err;
    assert_int_equal(atomic_begin(&a, dest, &err), HN_OK);
    put(a.fd, "half a file");
    assert_int_equal(fixture_count_temps(dir), 1);
    atomic_abort(&a);
    atomic_abort(&a); /* twice is fine */
    assert_null(atomic_pending_path());
    assert_int_equal(fixture_count_temps(dir), 0);
    assert_file_text(dest, "OLD\n");
    free(dest);
}

static void test_missing_folder(void **state)
{
    const char *dir = *state;
    char *dest = join(dir, "no/such/folder/out.xlsx");
    hn_atomic a;
    hn_error err;
    assert_int_equal(atomic_begin(&a, dest, &err), HN_ERR_IO);
    assert_int_equal(err.status, HN_ERR_IO);
    char want[600];
    snprintf(want, sizeof want, "cannot write %s: No such file or directory", dest);
    assert_string_equal(err.message, want);
    assert_null(a.tmp);
    assert_int_equal(a.fd, -1);
    assert_null(atomic_pending_path());
    assert_int_equal(fixture_count_temps(dir), 0);
    free(dest);

    assert_int_equal(atomic_begin(&a, "", &err), HN_ERR_IO);
    assert_int_equal(atomic_begin(&a, "somewhere/", &err), HN_ERR_IO);
    assert_contains(err.message, "it names a folder; name a file in it");
}

/*
 * A destination that is a folder is refused before anything is written
 * (atomic_resolve, so commands refuse it before a run); one that becomes a
 * folder after atomic_begin makes the rename fail: the temporary file goes,
 * the folder stays.
 */
static void test_destination_is_a_folder(void **state)
{
    const char *dir = *state;
    char *dest = join(dir, "taken");
    assert_int_equal(mkdir(dest, 0755), 0);
    char *inside = testutil_write(dest, "keep.txt", "keep");
    hn_atomic a;
    hn_error err;
    char want[600];
    assert_int_equal(atomic_begin(&a, dest, &err), HN_ERR_IO);
    snprintf(want, sizeof want, "cannot write %s: it is a folder; name a file in it", dest);
    assert_contains(err.message, want);
    assert_int_equal(fixture_count_temps(dir), 0);
    char *real = NULL;
    assert_int_equal(atomic_resolve(dest, &real, &err), HN_ERR_IO);
    assert_null(real);

    assert_file_text(inside, "keep");
    free(inside);
    free(dest);
    dest = join(dir, "late");
    assert_int_equal(atomic_begin(&a, dest, &err), HN_OK);
    assert_int_equal(mkdir(dest, 0755), 0);
    inside = testutil_write(dest, "keep.txt", "keep");
    put(a.fd, "x");
    assert_int_equal(atomic_commit(&a, &err), HN_ERR_IO);
    snprintf(want, sizeof want, "cannot write %s: ", dest);
    assert_contains(err.message, want);
    assert_null(atomic_pending_path());
    assert_int_equal(fixture_count_temps(dir), 0);
    assert_file_text(inside, "keep");
    free(inside);
    free(dest);
}

/* A file name without a folder is written in the current folder. */
static void test_bare_file_name(void **state)
{
    const char *dir = *state;
    char old[1024];
    assert_non_null(getcwd(old, sizeof old));
    assert_int_equal(chdir(dir), 0);
    hn_atomic a;
    hn_error err;
    assert_int_equal(atomic_begin(&a, "bare.csv", &err), HN_OK);
    assert_int_equal(strncmp(a.tmp, "./.bare.csv.hnsim-", 18), 0);
    put(a.fd, "bare");
    assert_int_equal(atomic_commit(&a, &err), HN_OK);
    assert_file_text("bare.csv", "bare");
    assert_int_equal(chdir(old), 0);
}

/* New files get 0666 less the umask (mkstemp would give 0600); a replaced file keeps its mode. */
static void test_modes(void **state)
{
    const char *dir = *state;
    mode_t old_mask = umask(022);
    char *dest = join(dir, "new.csv");
    hn_atomic a;
    hn_error err;
    struct stat sb;
    assert_int_equal(atomic_begin(&a, dest, &err), HN_OK);
    assert_int_equal(atomic_commit(&a, &err), HN_OK);
    assert_int_equal(stat(dest, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0644);

    assert_int_equal(chmod(dest, 0640), 0);
    assert_int_equal(atomic_begin(&a, dest, &err), HN_OK);
    assert_int_equal(atomic_commit(&a, &err), HN_OK);
    assert_int_equal(stat(dest, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0640);
    umask(old_mask);
    free(dest);
}

/* A destination that is a symbolic link is written through: the target is replaced, the link kept. */
static void test_link_written_through(void **state)
{
    const char *dir = *state;
    char *target = testutil_write(dir, "real.csv", "OLD\n");
    char *link = join(dir, "link.csv");
    assert_int_equal(symlink("real.csv", link), 0);
    char *real = NULL;
    hn_error err;
    assert_int_equal(atomic_resolve(link, &real, &err), HN_OK);
    char want[600];
    assert_non_null(realpath(target, want));
    assert_string_equal(real, want);
    free(real);

    hn_atomic a;
    assert_int_equal(atomic_begin(&a, link, &err), HN_OK);
    put(a.fd, "NEW\n");
    assert_int_equal(atomic_commit(&a, &err), HN_OK);
    struct stat sb;
    assert_int_equal(lstat(link, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
    assert_file_text(target, "NEW\n");
    assert_int_equal(fixture_count_temps(dir), 0);
    free(target);
    free(link);
}

/*
 * Refused before anything is created: a device (through a link, as
 * `-o out.csv` -> /dev/null would be), a read-only file, a link to nothing.
 * Each is HN_ERR_IO "cannot write PATH: why" and leaves the target as it was.
 */
static void test_refused_destinations(void **state)
{
    const char *dir = *state;
    hn_atomic a;
    hn_error err;
    char want[600];

    char *dev = join(dir, "dev.csv");
    assert_int_equal(symlink("/dev/null", dev), 0);
    assert_int_equal(atomic_begin(&a, dev, &err), HN_ERR_IO);
    snprintf(want, sizeof want, "cannot write %s: it is not a regular file", dev);
    assert_contains(err.message, want);
    assert_null(a.tmp);
    assert_null(atomic_pending_path());

    char *ro = testutil_write(dir, "ro.csv", "KEEP");
    assert_int_equal(chmod(ro, 0444), 0);
    assert_int_equal(atomic_begin(&a, ro, &err), HN_ERR_IO);
    snprintf(want, sizeof want, "cannot write %s: the file is read-only", ro);
    assert_contains(err.message, want);
    assert_file_text(ro, "KEEP");
    assert_int_equal(chmod(ro, 0644), 0);

    char *dangling = join(dir, "gone.csv");
    assert_int_equal(symlink("no-such-file.csv", dangling), 0);
    assert_int_equal(atomic_begin(&a, dangling, &err), HN_ERR_IO);
    assert_contains(err.message, "a symbolic link to a missing file");

    assert_int_equal(fixture_count_temps(dir), 0);
    free(dev);
    free(ro);
    free(dangling);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commit_replaces_destination, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_commit_after_writer_closed_fd, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_abort_leaves_destination, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_missing_folder, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_destination_is_a_folder, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_bare_file_name, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_modes, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_link_written_through, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_refused_destinations, make_dir, remove_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
