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

#include "irq.h"
#include "loop.h"
#include "memory.h"
#include "object.h"
#include "qmp/json-out.h"
#include "sockets.h"
#include "util.h"

#define QTEST_MAX_LINE (1u << 20)

typedef struct QtestClient {
    int fd;
    LoopWatch *watch;
    JsonBuf in;
    JsonBuf out;
    size_t out_pos;
    struct QtestClient *next;
} QtestClient;

static int server_fd = -1;
static LoopWatch *server_watch;
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
    close(c->fd);
    json_buf_free(&c->in);
    json_buf_free(&c->out);
    free(c);
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

static void broadcast(const char *line)
{
    QtestClient *c;

    for (c = clients; c; c = c->next) {
        json_buf_append(&c->out, line, strlen(line));
        loop_watch_set_events(c->watch, LOOP_READ | LOOP_WRITE);
    }
}

static void irq_spy(void *opaque, int n, int level)
{
    char line[64];

    if (n < 0 || n >= QTEST_MAX_IRQ || irq_levels[n] == !!level) {
        return;
    }
    irq_levels[n] = !!level;
    snprintf(line, sizeof(line), "IRQ %s %d\n", level ? "raise" : "lower",
             n);
    broadcast(line);
}

static void irq_intercept(QtestClient *c, const char *path, bool out)
{
    Object *obj = object_resolve_path(path, NULL);
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
    if (out) {
        if (irq_find_gpio_out(obj, &lines, &n)) {
            /* The device's outputs now go to the test only. */
            intercept_out_lines = xzalloc(sizeof(qemu_irq) * (n ? n : 1));
            intercept_out_n = n;
            for (i = 0; i < n; i++) {
                intercept_out_lines[i] = qemu_allocate_irq(irq_spy, NULL, i);
                lines[i] = intercept_out_lines[i];
            }
        }
    } else if (irq_find_gpio_in(obj, &lines, &n)) {
        qemu_irq_intercept(lines, n, irq_spy, NULL);
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

static void handle_line(QtestClient *c, char *line)
{
    static const struct {
        const char *name;
        void (*fn)(QtestClient *c, unsigned size, char **w, int n);
        unsigned size;
    } simple[] = {
        { "inb", cmd_in, 1 },     { "inw", cmd_in, 2 },
        { "inl", cmd_in, 4 },     { "outb", cmd_out, 1 },
        { "outw", cmd_out, 2 },   { "outl", cmd_out, 4 },
        { "readb", cmd_read, 1 }, { "readw", cmd_read, 2 },
        { "readl", cmd_read, 4 }, { "readq", cmd_read, 8 },
        { "writeb", cmd_write, 1 }, { "writew", cmd_write, 2 },
        { "writel", cmd_write, 4 }, { "writeq", cmd_write, 8 },
    };
    char *words[8];
    int n = 0;
    char *save = NULL, *w;
    uint64_t addr, len, val;
    uint8_t *buf;
    size_t i;

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
        buf = xzalloc(len);
        address_space_read(&address_space_memory, addr, buf, len);
        if (words[0][0] == 'b') {
            char *enc = b64_encode(buf, len);

            reply(c, "OK %s\n", enc);
            free(enc);
        } else {
            JsonBuf hex = { 0 };
            char two[3];

            json_buf_append(&hex, "OK 0x", 5);
            for (i = 0; i < len; i++) {
                snprintf(two, sizeof(two), "%02x", buf[i]);
                json_buf_append(&hex, two, 2);
            }
            json_buf_append(&hex, "\n", 1);
            json_buf_append(&c->out, hex.data, hex.len);
            json_buf_free(&hex);
        }
        free(buf);
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

static bool flush(QtestClient *c)
{
    while (c->out_pos < c->out.len) {
        ssize_t r = write(c->fd, c->out.data + c->out_pos,
                          c->out.len - c->out_pos);

        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno == EAGAIN;
        }
        c->out_pos += (size_t)r;
    }
    c->out.len = c->out_pos = 0;
    return true;
}

static void client_io(void *opaque, int fd, unsigned events)
{
    QtestClient *c = opaque;
    char buf[4096];
    ssize_t r;
    char *nl;

    if (events & LOOP_READ) {
        r = read(fd, buf, sizeof(buf));
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
            client_free(c);
            return;
        }
        if (r > 0) {
            json_buf_append(&c->in, buf, (size_t)r);
        }
        while (c->in.len && (nl = memchr(c->in.data, '\n', c->in.len))) {
            size_t len = (size_t)(nl - c->in.data);
            char *line = xstrndup(c->in.data, len);

            if (len && line[len - 1] == '\r') {
                line[len - 1] = '\0';
            }
            memmove(c->in.data, nl + 1, c->in.len - len - 1);
            c->in.len -= len + 1;
            handle_line(c, line);
            free(line);
        }
        if (c->in.len > QTEST_MAX_LINE) {
            client_free(c);
            return;
        }
    }
    if (!flush(c)) {
        client_free(c);
        return;
    }
    loop_watch_set_events(c->watch, LOOP_READ |
                          (c->out.len > c->out_pos ? LOOP_WRITE : 0));
}

static void server_accept(void *opaque, int fd, unsigned events)
{
    QtestClient *c;
    int cfd = socket_accept(fd);

    if (cfd < 0) {
        return;
    }
    c = xzalloc(sizeof(*c));
    c->fd = cfd;
    c->watch = loop_watch_fd(cfd, LOOP_READ, client_io, c);
    c->next = clients;
    clients = c;
}

bool qtest_listen(const ListenAddr *addr, Error **errp)
{
    server_fd = socket_listen(addr, errp);
    if (server_fd < 0) {
        return false;
    }
    server_watch = loop_watch_fd(server_fd, LOOP_READ, server_accept, NULL);
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
    loop_watch_remove(server_watch);
    server_watch = NULL;
    if (server_fd >= 0) {
        close(server_fd);
        server_fd = -1;
    }
}
