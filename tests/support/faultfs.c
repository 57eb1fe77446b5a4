// libsbc_faultfs.so: an LD_PRELOAD library for tests that makes writes to files under one directory fail on
// demand, as a full, read-only or failing disk would, without mount, tmpfs, chattr or permissions (the tests
// run as root in a container, where none of those can be relied on).
//
//   SBC_FAULTFS_DIR      the directory whose files fail (the data directory)
//   SBC_FAULTFS_TRIGGER  a file: while it exists, calls on descriptors of files under SBC_FAULTFS_DIR fail;
//                        its content names the errno: ENOSPC (also when empty or unknown), EDQUOT, EROFS, EIO
//
// Intercepted: what SQLite's unix VFS writes and syncs with (`nm -D libsqlite3.so.0`: write, pwrite64,
// ftruncate64, fdatasync; the growth of the -shm file goes through pwrite64 too), plus their twins pwrite,
// ftruncate and fsync, which other SQLite builds use. Everything else, and every call while the trigger is
// absent, goes straight to the next definition (libc, or the sanitizer's interceptor).

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

// The next definition of a function, looked up once (a benign race: every thread finds the same address).
#define REAL(name)                                                                                           \
    static __typeof__(name)* real_##name;                                                                    \
    __typeof__(name)* next_##name = __atomic_load_n(&real_##name, __ATOMIC_ACQUIRE);                         \
    if (next_##name == NULL) {                                                                               \
        next_##name = (__typeof__(name)*)dlsym(RTLD_NEXT, #name);                                            \
        __atomic_store_n(&real_##name, next_##name, __ATOMIC_RELEASE);                                       \
    }

static int errno_named(const char* name) {
    if (strncmp(name, "EROFS", 5) == 0) {
        return EROFS;
    }
    if (strncmp(name, "EIO", 3) == 0) {
        return EIO;
    }
    if (strncmp(name, "EDQUOT", 6) == 0) {
        return EDQUOT;
    }
    return ENOSPC;
}

// True when descriptor fd is `dir` or a file under it (both compared as canonical paths).
static int under(int fd, const char* dir) {
    char canonical[PATH_MAX];
    if (realpath(dir, canonical) == NULL) {
        return 0;
    }
    char link[64];
    char target[PATH_MAX];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof(target) - 1);
    if (n <= 0) {
        return 0;
    }
    target[n] = '\0';
    size_t length = strlen(canonical);
    return strncmp(target, canonical, length) == 0 && (target[length] == '/' || target[length] == '\0');
}

// The errno a call on fd must fail with now, or 0 to let it through. Leaves errno as it found it.
static int fault_for(int fd) {
    const char* trigger = getenv("SBC_FAULTFS_TRIGGER");
    const char* dir = getenv("SBC_FAULTFS_DIR");
    if (trigger == NULL || dir == NULL || fd < 0) {
        return 0;
    }
    int saved = errno;
    int fault = 0;
    int t = open(trigger, O_RDONLY | O_CLOEXEC);
    if (t >= 0) {
        char name[16] = {0};
        ssize_t n = read(t, name, sizeof(name) - 1);
        close(t);
        if (under(fd, dir)) {
            fault = errno_named(n > 0 ? name : "");
        }
    }
    errno = saved;
    return fault;
}

#define FAIL_IF_FAULTED(fd)                                                                                  \
    do {                                                                                                     \
        int fault = fault_for(fd);                                                                           \
        if (fault != 0) {                                                                                    \
            errno = fault;                                                                                   \
            return -1;                                                                                       \
        }                                                                                                    \
    } while (0)

ssize_t write(int fd, const void* buf, size_t count) {
    REAL(write);
    FAIL_IF_FAULTED(fd);
    return next_write(fd, buf, count);
}

ssize_t pwrite(int fd, const void* buf, size_t count, off_t offset) {
    REAL(pwrite);
    FAIL_IF_FAULTED(fd);
    return next_pwrite(fd, buf, count, offset);
}

ssize_t pwrite64(int fd, const void* buf, size_t count, off64_t offset) {
    REAL(pwrite64);
    FAIL_IF_FAULTED(fd);
    return next_pwrite64(fd, buf, count, offset);
}

int ftruncate(int fd, off_t length) {
    REAL(ftruncate);
    FAIL_IF_FAULTED(fd);
    return next_ftruncate(fd, length);
}

int ftruncate64(int fd, off64_t length) {
    REAL(ftruncate64);
    FAIL_IF_FAULTED(fd);
    return next_ftruncate64(fd, length);
}

int fsync(int fd) {
    REAL(fsync);
    FAIL_IF_FAULTED(fd);
    return next_fsync(fd);
}

int fdatasync(int fd) {
    REAL(fdatasync);
    FAIL_IF_FAULTED(fd);
    return next_fdatasync(fd);
}
