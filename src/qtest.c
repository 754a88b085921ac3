/*
 * The qtest protocol: one command per line, one reply line per command
 * ("OK ...", "FAIL ..."), asynchronous "IRQ raise/lower N" lines.  Each
 * connection has its own line buffer; commands run on the event loop.
 */
#include "qtest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <inttypes.h>
#include <stdio.h>

#include "chardev-socket.h"
#include "irq.h"
#include "loop.h"
#include "memory.h"
#include "object.h"
#include "qdev.h"
#include "qmp/json-out.h"
#include "sockets.h"
#include "util.h"

#define QTEST_MAX_LINE (1u << 20)
/*
 * Output limits, as for QMP: no further command is read while this much
 * output waits for the client; asynchronous IRQ lines still go out, but a
 * client that lets QTEST_HARD_LIMIT pile up is disconnected.
 */
#define QTEST_BACKLOG_LIMIT (4u << 20)
#define QTEST_HARD_LIMIT (16u << 20)
/* A big read reply is encoded this many bytes of memory at a time
 * (a multiple of 3, so base64 pieces join up). */
#define QTEST_CHUNK (3u * 10240)
/* Lines handled per wake-up before other clients get their turn. */
#define QTEST_LINES_PER_TURN 64

typedef struct QtestClient {
    int fd;
    LoopWatch *watch;
    JsonBuf in;
    JsonBuf out;
    size_t out_pos;
    /* a "read"/"b64read" reply being written out a chunk at a time */
    uint8_t *big;
    size_t big_len, big_pos;
    bool big_b64;
    JsonBuf later; /* IRQ lines that arrived during a big reply */
    bool in_io; /* client_io() is running for it: free it there */
    bool dead;
    struct QtestClient *next;
} QtestClient;

static SocketListener server = { .fd = -1 };
static ChardevSocket *server_chr; /* /chardevs/qtest */
static QtestClient *clients;

static void client_free(QtestClient *c)
{
    QtestClient **p;

    for (p = &clients; *p; p = &(*p)->next) {
        if (*p == c) {
            *p = c->next;
            break;
        }
    }
    loop_watch_remove(c->watch);
    chardev_socket_client_removed(server_chr, c->fd);
    close(c->fd);
    json_buf_free(&c->in);
    json_buf_free(&c->out);
    json_buf_free(&c->later);
    free(c->big);
    free(c);
}

static size_t pending(const QtestClient *c)
{
    return c->out.len - c->out_pos;
}

static void reply(QtestClient *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void reply(QtestClient *c, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = xvasprintf(fmt, ap);
    va_end(ap);
    json_buf_append(&c->out, s, strlen(s));
    free(s);
}

/* ---- IRQ interception ------------------------------------------------- */

#define QTEST_MAX_IRQ 256

static const void *intercept_owner;
static bool irq_levels[QTEST_MAX_IRQ];
static qemu_irq *intercept_out_lines;
static int intercept_out_n;

static void client_update_watch(QtestClient *c);

static void broadcast(const char *line)
{
    QtestClient *c;

    QtestClient *next;

    for (c = clients; c; c = next) {
        next = c->next; /* c may be disconnected below */
        /* never in the middle of a reply */
        json_buf_append(c->big ? &c->later : &c->out, line, strlen(line));
        client_update_watch(c);
    }
}

static void irq_spy(void *opaque, int n, int level)
{
    char line[64];

    if (n < 0 || n >= QTEST_MAX_IRQ || irq_levels[n] == !!level) {
        return;
    }
    irq_levels[n] = !!level;
    snprintf(line, sizeof(line), "IRQ %s %d\n", level ? "raise" : "lower", n);
    broadcast(line);
}

static void irq_intercept(QtestClient *c, const char *path, bool out)
{
    Object *obj = object_resolve_path(path, NULL);
    DeviceState *dev;
    qemu_irq *lines;
    int n, i;

    if (!obj) {
        reply(c, "FAIL Unknown device\n");
        return;
    }
    if (intercept_owner) {
        reply(c, intercept_owner == obj ? "OK\n"
                                        : "FAIL IRQ intercept already "
                                          "enabled\n");
        return;
    }
    intercept_owner = obj;
    dev = (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE);
    if (out) {
        if (dev && dev->gpio_out) {
            lines = dev->gpio_out;
            n = dev->num_gpio_out;
            /* The device's outputs now go to the test only. */
            intercept_out_lines = xzalloc(sizeof(qemu_irq) * (n ? n : 1));
            intercept_out_n = n;
            for (i = 0; i < n; i++) {
                intercept_out_lines[i] = qemu_allocate_irq(irq_spy, NULL, i);
                lines[i] = intercept_out_lines[i];
            }
        }
    } else if (dev && dev->gpio_in) {
        qemu_irq_intercept(dev->gpio_in, dev->num_gpio_in, irq_spy, NULL);
    }
    reply(c, "OK\n");
}

/* ---- commands ---------------------------------------------------------- */

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;

    if (!s || !*s) {
        return false;
    }
    errno = 0;
    *out = strtoull(s, &end, 0);
    return errno == 0 && *end == '\0' && *s != '-';
}

static int hex_nibble(char ch)
{
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
        return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
        return ch - 'A' + 10;
    }
    return 0;
}

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *b64_encode(const uint8_t *data, size_t len)
{
    char *out = xmalloc(len / 3 * 4 + 5);
    size_t i, o = 0;

    for (i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16;

        if (i + 1 < len) {
            v |= (uint32_t)data[i + 1] << 8;
        }
        if (i + 2 < len) {
            v |= data[i + 2];
        }
        out[o++] = b64chars[(v >> 18) & 63];
        out[o++] = b64chars[(v >> 12) & 63];
        out[o++] = i + 1 < len ? b64chars[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < len ? b64chars[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

static bool b64_decode(const char *s, uint8_t **data, size_t *len)
{
    size_t n = strlen(s), i, o = 0;
    uint32_t acc = 0;
    int bits = 0;

    *data = xmalloc(n / 4 * 3 + 3);
    for (i = 0; i < n; i++) {
        const char *p = strchr(b64chars, s[i]);

        if (s[i] == '=') {
            break;
        }
        if (!p || !s[i]) {
            free(*data);
            return false;
        }
        acc = (acc << 6) | (uint32_t)(p - b64chars);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            (*data)[o++] = (uint8_t)(acc >> bits);
        }
    }
    *len = o;
    return true;
}

/* Largest buffer a read/write/memset may ask for. */
#define QTEST_MAX_BUF (16u << 20)

static void cmd_in(QtestClient *c, unsigned size, char **w, int n)
{
    uint64_t port;

    if (n != 2 || !parse_u64(w[1], &port) || port > 0xffff) {
        reply(c, "FAIL invalid arguments\n");
        return;
    }
    reply(c, "OK 0x%04" PRIx64 "\n",
          address_space_read_le(&address_space_io, port, size));
}

static void cmd_out(QtestClient *c, unsigned size, char **w, int n)
{
    uint64_t port, val;

    if (n != 3 || !parse_u64(w[1], &port) || port > 0xffff ||
        !parse_u64(w[2], &val)) {
        reply(c, "FAIL invalid arguments\n");
        return;
    }
    address_space_write_le(&address_space_io, port, val, size);
    reply(c, "OK\n");
}

static void cmd_read(QtestClient *c, unsigned size, char **w, int n)
{
    uint64_t addr;

    if (n != 2 || !parse_u64(w[1], &addr)) {
        reply(c, "FAIL invalid arguments\n");
        return;
    }
    reply(c, "OK 0x%016" PRIx64 "\n",
          address_space_read_le(&address_space_memory, addr, size));
}

static void cmd_write(QtestClient *c, unsigned size, char **w, int n)
{
    uint64_t addr, val;

    if (n != 3 || !parse_u64(w[1], &addr) || !parse_u64(w[2], &val)) {
        reply(c, "FAIL invalid arguments\n");
        return;
    }
    address_space_write_le(&address_space_memory, addr, val, size);
    reply(c, "OK\n");
}

/*
 * Runs one command line of line_len bytes (NUL-terminated there).  A NUL byte
 * inside the line belongs to the word it is in: such a word is never a
 * command, number or path (QEMU's own qtest stops reading at one).
 */
static void handle_line(QtestClient *c, char *line, size_t line_len)
{
    static const struct {
        const char *name;
        void (*fn)(QtestClient *c, unsigned size, char **w, int n);
        unsigned size;
    } simple[] = {
        { "inb", cmd_in, 1 },       { "inw", cmd_in, 2 },
        { "inl", cmd_in, 4 },       { "outb", cmd_out, 1 },
        { "outw", cmd_out, 2 },     { "outl", cmd_out, 4 },
        { "readb", cmd_read, 1 },   { "readw", cmd_read, 2 },
        { "readl", cmd_read, 4 },   { "readq", cmd_read, 8 },
        { "writeb", cmd_write, 1 }, { "writew", cmd_write, 2 },
        { "writel", cmd_write, 4 }, { "writeq", cmd_write, 8 },
    };
    char *words[8];
    int n = 0;
    char *save = NULL, *w;
    uint64_t addr, len, val;
    uint8_t *buf;
    size_t i;

    char *nulbyte;

    /* a NUL byte becomes 0x01 (a byte no command, number or path has) */
    while ((nulbyte = memchr(line, '\0', line_len)) != NULL) {
        *nulbyte = '\x01';
    }
    for (w = strtok_r(line, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        if (n == (int)ARRAY_SIZE(words)) {
            reply(c, "FAIL too many arguments\n");
            return;
        }
        words[n++] = w;
    }
    if (n == 0) {
        return;
    }
    if (strchr(words[0], '\x01')) {
        reply(c, "FAIL Unknown command\n");
        return;
    }
    for (i = 0; i < ARRAY_SIZE(simple); i++) {
        if (!strcmp(words[0], simple[i].name)) {
            simple[i].fn(c, simple[i].size, words, n);
            return;
        }
    }
    if (!strcmp(words[0], "read") || !strcmp(words[0], "b64read")) {
        if (n != 3 || !parse_u64(words[1], &addr) ||
            !parse_u64(words[2], &len) || len > QTEST_MAX_BUF) {
            reply(c, "FAIL invalid arguments\n");
            return;
        }
        /* memory as it is now, written out as the client reads it */
        buf = xzalloc(len ? len : 1);
        address_space_read(&address_space_memory, addr, buf, len);
        c->big = buf;
        c->big_len = len;
        c->big_pos = 0;
        c->big_b64 = words[0][0] == 'b';
        json_buf_append(&c->out, c->big_b64 ? "OK " : "OK 0x",
                        c->big_b64 ? 3 : 5);
    } else if (!strcmp(words[0], "write")) {
        size_t dlen;

        if (n != 4 || !parse_u64(words[1], &addr) ||
            !parse_u64(words[2], &len) || len > QTEST_MAX_BUF) {
            reply(c, "FAIL invalid arguments\n");
            return;
        }
        dlen = strlen(words[3]);
        if (dlen < 3) {
            reply(c, "ERR invalid argument size\n");
            return;
        }
        buf = xzalloc(len);
        for (i = 0; i < len; i++) {
            if (2 + 2 * i + 2 <= dlen) {
                buf[i] = (uint8_t)(hex_nibble(words[3][2 + 2 * i]) << 4 |
                                   hex_nibble(words[3][3 + 2 * i]));
            }
        }
        address_space_write(&address_space_memory, addr, buf, len);
        free(buf);
        reply(c, "OK\n");
    } else if (!strcmp(words[0], "b64write")) {
        size_t dlen;

        if (n != 4 || !parse_u64(words[1], &addr) ||
            !parse_u64(words[2], &len) || len > QTEST_MAX_BUF ||
            !b64_decode(words[3], &buf, &dlen)) {
            reply(c, "FAIL invalid arguments\n");
            return;
        }
        if (dlen < len) {
            buf = xrealloc(buf, len);
            memset(buf + dlen, 0, len - dlen);
        }
        address_space_write(&address_space_memory, addr, buf, len);
        free(buf);
        reply(c, "OK\n");
    } else if (!strcmp(words[0], "memset")) {
        if (n != 4 || !parse_u64(words[1], &addr) ||
            !parse_u64(words[2], &len) || len > QTEST_MAX_BUF ||
            !parse_u64(words[3], &val)) {
            reply(c, "FAIL invalid arguments\n");
            return;
        }
        buf = xmalloc(len ? len : 1);
        memset(buf, (int)(val & 0xff), len);
        address_space_write(&address_space_memory, addr, buf, len);
        free(buf);
        reply(c, "OK\n");
    } else if (!strcmp(words[0], "endianness")) {
        reply(c, "OK little\n");
    } else if (!strcmp(words[0], "irq_intercept_in") ||
               !strcmp(words[0], "irq_intercept_out")) {
        if (n != 2) {
            reply(c, "FAIL invalid arguments\n");
            return;
        }
        irq_intercept(c, words[1], words[0][14] == 'o');
    } else {
        reply(c, "FAIL Unknown command '%s'\n", words[0]);
    }
}

/* Encodes the next piece of a big read reply into the output. */
static void big_reply_step(QtestClient *c)
{
    static const char hexdigits[] = "0123456789abcdef";
    size_t n = c->big_len - c->big_pos, i, o;
    const uint8_t *p = c->big + c->big_pos;
    char *enc;

    if (n > QTEST_CHUNK) {
        n = QTEST_CHUNK; /* a multiple of 3: base64 stays aligned */
    }
    if (c->big_b64) {
        enc = b64_encode(p, n);
        json_buf_append(&c->out, enc, strlen(enc));
        free(enc);
    } else {
        enc = xmalloc(2 * n + 1);
        for (i = o = 0; i < n; i++) {
            enc[o++] = hexdigits[p[i] >> 4];
            enc[o++] = hexdigits[p[i] & 15];
        }
        json_buf_append(&c->out, enc, o);
        free(enc);
    }
    c->big_pos += n;
    if (c->big_pos == c->big_len) {
        json_buf_append(&c->out, "\n", 1);
        free(c->big);
        c->big = NULL;
        if (c->later.len) {
            json_buf_append(&c->out, c->later.data, c->later.len);
            json_buf_free(&c->later);
        }
    }
}

/* Writes what the socket takes; false on a dead connection. */
static bool flush(QtestClient *c)
{
    while (c->out_pos < c->out.len) {
        ssize_t r =
            write(c->fd, c->out.data + c->out_pos, c->out.len - c->out_pos);

        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                break;
            }
            return false;
        }
        c->out_pos += (size_t)r;
    }
    if (c->out_pos == c->out.len) {
        c->out.len = c->out_pos = 0;
    } else if (c->out_pos > QTEST_CHUNK && c->out_pos * 2 > c->out.len) {
        memmove(c->out.data, c->out.data + c->out_pos, pending(c));
        c->out.len -= c->out_pos;
        c->out_pos = 0;
    }
    return true;
}

/* Is there a whole line waiting, and may it run now? */
static bool line_ready(const QtestClient *c)
{
    return !c->big && pending(c) < QTEST_BACKLOG_LIMIT && c->in.len &&
           memchr(c->in.data, '\n', c->in.len);
}

static void run_one_line(QtestClient *c)
{
    char *nl = memchr(c->in.data, '\n', c->in.len);
    size_t len = (size_t)(nl - c->in.data);
    char *line = xmalloc(len + 1);

    memcpy(line, c->in.data, len);
    line[len] = '\0';
    if (len && line[len - 1] == '\r') {
        line[--len] = '\0';
    }
    memmove(c->in.data, nl + 1, c->in.len - (size_t)(nl - c->in.data) - 1);
    c->in.len -= (size_t)(nl - c->in.data) + 1;
    handle_line(c, line, len);
    free(line);
}

/*
 * Reads when the client may send more, runs waiting lines and encodes big
 * replies while the output is small, and arms the watch for what is left.
 * Waiting work (lines, a big reply) keeps LOOP_WRITE armed, so the loop
 * comes back to it after serving everyone else.
 */
static void client_update_watch(QtestClient *c)
{
    unsigned ev = 0;

    if (pending(c) > QTEST_HARD_LIMIT) {
        static bool said;

        if (!said) {
            fprintf(stderr,
                    "qmachined: qtest client not reading, "
                    "disconnected (more than %u MiB waiting)\n",
                    QTEST_HARD_LIMIT >> 20);
            said = true;
        }
        if (c->in_io) {
            c->dead = true;
        } else {
            client_free(c);
        }
        return;
    }
    if (!c->big && pending(c) < QTEST_BACKLOG_LIMIT &&
        !(c->in.len && memchr(c->in.data, '\n', c->in.len))) {
        ev |= LOOP_READ;
    }
    if (pending(c) || c->big || line_ready(c)) {
        ev |= LOOP_WRITE;
    }
    loop_watch_set_events(c->watch, ev);
}

static void client_io(void *opaque, int fd, unsigned events)
{
    QtestClient *c = opaque;
    char buf[4096];
    ssize_t r;
    int lines = 0;

    if (events & LOOP_READ) {
        r = read(fd, buf, sizeof(buf));
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
            client_free(c);
            return;
        }
        if (r > 0) {
            json_buf_append(&c->in, buf, (size_t)r);
        }
        if (c->in.len > QTEST_MAX_LINE &&
            !memchr(c->in.data, '\n', c->in.len)) {
            client_free(c);
            return;
        }
    }
    c->in_io = true;
    for (;;) {
        if (c->dead || !flush(c)) {
            client_free(c);
            return;
        }
        if (c->big && pending(c) < QTEST_CHUNK) {
            big_reply_step(c);
        } else if (line_ready(c) && lines < QTEST_LINES_PER_TURN) {
            run_one_line(c);
            lines++;
        } else {
            break;
        }
    }
    c->in_io = false;
    client_update_watch(c);
}

static void server_accept(void *opaque, int fd, unsigned events)
{
    QtestClient *c;
    int cfd = socket_accept_listener(&server);

    if (cfd < 0) {
        return;
    }
    c = xzalloc(sizeof(*c));
    c->fd = cfd;
    c->watch = loop_watch_fd(cfd, LOOP_READ, client_io, c);
    chardev_socket_client_added(server_chr, cfd);
    c->next = clients;
    clients = c;
}

bool qtest_listen(const ListenAddr *addr, Error **errp)
{
    server.fd = socket_listen(addr, errp);
    if (server.fd < 0) {
        return false;
    }
    if (addr->chardev_id) {
        server_chr =
            chardev_socket_new(addr->chardev_id, addr, server.fd, errp);
        if (!server_chr) {
            if (addr->kind != LISTEN_FD) {
                close(server.fd);
            }
            server.fd = -1;
            return false;
        }
    }
    server.watch = loop_watch_fd(server.fd, LOOP_READ, server_accept, NULL);
    return true;
}

void qtest_cleanup(void)
{
    int i;

    for (i = 0; i < intercept_out_n; i++) {
        qemu_free_irq(intercept_out_lines[i]);
    }
    free(intercept_out_lines);
    intercept_out_lines = NULL;
    intercept_out_n = 0;
    intercept_owner = NULL;
    while (clients) {
        client_free(clients);
    }
    server_chr = NULL; /* stays in /chardevs until the tree goes */
    socket_listener_cancel_backoff(&server);
    loop_watch_remove(server.watch);
    server.watch = NULL;
    if (server.fd >= 0) {
        close(server.fd);
        server.fd = -1;
    }
}
