/*
 * QMP input stream: a streaming JSON lexer, message splitter and parser
 * that accepts, rejects and recovers exactly like QEMU 7.2's monitor.
 * See json-stream.c for the behaviour in detail.
 */
#ifndef QMACHINED_JSON_STREAM_H
#define QMACHINED_JSON_STREAM_H

#include <stddef.h>

#include <jansson.h>

#include "src/error.h"

/* Limits, as in QEMU (json-lexer.c / json-streamer.c). */
#define JSON_STREAM_MAX_TOKEN_SIZE (64ULL << 20) /* bytes per message */
#define JSON_STREAM_MAX_TOKEN_COUNT (2ULL << 20) /* tokens per message */
#define JSON_STREAM_MAX_NESTING 1024 /* open brackets */

typedef struct JsonStream JsonStream;

/*
 * Called once per complete top-level JSON value, or once per error.
 * Exactly one of value/err is non-NULL.  Ownership of both passes to the
 * callee (value: a new reference; err: free with error_free).  Every err
 * is a GenericError whose text is valid UTF-8.  The callback must not
 * free the stream.
 *
 * Values: strings are valid UTF-8 except that U+0000 is stored as the
 * modified-UTF-8 pair C0 80 (as QEMU stores it), so they never hold a NUL
 * byte; make jansson strings of them with json_stringn_nocheck() (see
 * json_text() in json-out.h).  Integers within int64 are json_integer;
 * integers in (INT64_MAX, UINT64_MAX] (uint64 in QEMU) and all other
 * numbers are json_real.
 */
typedef void JsonStreamEmit(void *opaque, json_t *value, Error *err);

JsonStream *json_stream_new(JsonStreamEmit *emit, void *opaque);

/* Feeds raw bytes; may call emit any number of times. */
void json_stream_feed(JsonStream *s, const char *buf, size_t len);

/*
 * End of input: completes a pending number or keyword, reports an
 * unterminated string or a partial message (e.g. "JSON parse error,
 * premature EOI"), like QEMU's json_message_parser_flush().  The stream
 * is back in its initial state afterwards and may be fed again.
 * Note: QEMU's QMP monitor does not flush on disconnect, it discards;
 * use json_stream_reset() for that.
 */
void json_stream_flush(JsonStream *s);

/* Discards all pending input and state without emitting anything. */
void json_stream_reset(JsonStream *s);

void json_stream_free(JsonStream *s); /* NULL ok */

#endif
