/*
 * libFuzzer harness: QMP.  Each input is the byte stream one monitor
 * client sends.  It goes through the QMP stream parser into the same
 * request handling a monitor socket uses (negotiation, dispatch with the
 * real command table, the handlers) against the real pc machine, built
 * once per process.  Every reply and event is rendered with json-out as
 * the monitor would write it, then discarded.
 *
 * The machine's state carries over from one input to the next, as it
 * would for successive clients of one daemon.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz-machine.h"
#include "loop.h"
#include "qmp/json-out.h"
#include "qmp/json-stream.h"
#include "qmp/qmp.h"

typedef struct FuzzClient {
    QmpSession session; /* first, as in qmp/monitor.c */
    JsonBuf out;
} FuzzClient;

static void fuzz_send(QmpSession *s, json_t *msg)
{
    FuzzClient *c = (FuzzClient *)s;

    json_out_append(&c->out, msg);
    json_buf_append(&c->out, "\r\n", 2);
    c->out.len = 0;
}

static void fuzz_event(void *opaque, const char *name, QmpEventMsg *ev)
{
    FuzzClient *c = opaque;
    const char *text;
    size_t len;

    if (c->session.negotiated) {
        /* As the monitor writes it: the text, and its JSON made too. */
        text = qmp_event_text(ev, &len);
        json_buf_append(&c->out, text, len);
        json_buf_append(&c->out, "\r\n", 2);
        c->out.len = 0;
        (void)qmp_event_json(ev);
    }
}

static void fuzz_request(void *opaque, json_t *value, Error *err)
{
    FuzzClient *c = opaque;

    qmp_handle_request(&c->session, value, err);
    json_decref(value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzClient c = { .session = { .oob_offered = true, .send = fuzz_send } };
    JsonStream *js;
    json_t *greeting;

    fuzz_machine_init();
    qmp_event_subscribe(fuzz_event, &c);
    greeting = qmp_greeting(&c.session);
    fuzz_send(&c.session, greeting);
    json_decref(greeting);

    js = json_stream_new(fuzz_request, &c);
    json_stream_feed(js, (const char *)data, size);
    json_stream_free(js);

    /* Timers that are already due (the simulated guest, events). */
    loop_iterate(0);
    qmp_event_unsubscribe(fuzz_event, &c);
    json_buf_free(&c.out);
    return 0;
}
