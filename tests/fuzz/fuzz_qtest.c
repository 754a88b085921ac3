/*
 * libFuzzer harness: the qtest protocol (src/qtest.c).  An input is the
 * byte stream one qtest client sends.  The harness connects a client
 * over a socketpair and drives qtest.c's own client_io() (line
 * splitting, limits, every command, replies) until the client has read
 * everything and hit end of file, against the real pc machine, built
 * once per process.  Replies are read back and discarded.
 *
 * src/qtest.c is compiled into this file so its static per-client
 * handler is the one exercised; its listener functions are unused (and
 * its object is then not linked from the library).
 */
#include "src/qtest.c"

#include <sys/socket.h>

#include "fuzz-machine.h"

static bool client_alive(const QtestClient *c)
{
    const QtestClient *p;

    for (p = clients; p; p = p->next) {
        if (p == c) {
            return true;
        }
    }
    return false;
}

static void drain(int fd)
{
    char buf[65536];

    while (read(fd, buf, sizeof(buf)) > 0) {
        /* Replies are discarded. */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QtestClient *c;
    size_t sent = 0;
    bool eof = false;
    int sv[2];

    fuzz_machine_init();
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) <
        0) {
        abort();
    }
    c = xzalloc(sizeof(*c));
    c->fd = sv[1];
    c->watch = loop_watch_fd(sv[1], LOOP_READ, client_io, c);
    c->next = clients;
    clients = c;

    while (client_alive(c)) {
        if (sent < size) {
            ssize_t n = write(sv[0], data + sent, size - sent);

            if (n > 0) {
                sent += (size_t)n;
            }
        }
        if (sent == size && !eof) {
            shutdown(sv[0], SHUT_WR);
            eof = true;
        }
        drain(sv[0]);
        client_io(c, sv[1], LOOP_READ);
    }
    drain(sv[0]);
    close(sv[0]);
    loop_iterate(0);
    return 0;
}
