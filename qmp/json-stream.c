/*
 * QMP input stream, behaving like QEMU 7.2's JSON message parser.
 *
 * Three stages, each fed by the previous one:
 *
 * Lexer (one byte at a time, state machine).  Tokens: { } [ ] : , and
 * strings, integers, floats and keywords ([a-z]+, checked by the parser).
 * Whitespace is space, tab, CR, LF.  Strings are double- or single-quoted;
 * they accept bytes 0x20..0xFD, after a backslash any such byte (escapes
 * are checked by the parser).  Numbers follow RFC 8259 exactly ("01",
 * "1.", "-", "1e" are lexical errors).  Numbers and keywords end at the
 * first byte that cannot continue them, which is then lexed afresh, so a
 * top-level "1" or "null" is only complete once the next byte arrives.
 * Anything else is a lexical error, including '%' (no interpolation on
 * the monitor), control characters, 0xFE/0xFF, and a control character
 * (newline!) inside a string.  The offending byte is part of the bad
 * token.  On an error the partial token is reported and dropped and the
 * lexer skips input until a resynchronisation byte: { } [ ] : , or a
 * control character other than tab, or 0xFE/0xFF.  That byte is then
 * lexed normally.  A single token longer than 64 MiB is cut off and
 * handed on as it is (which the next stage rejects), and lexing restarts
 * from scratch with the following byte.
 *
 * Streamer.  Counts braces and brackets (closers decrement, possibly
 * below zero) and collects tokens.  A lexical error reports
 * "JSON parse error, stray '<token>'" and drops everything collected.
 * Before a token is collected the limits are checked: total token bytes
 * + this token + 1 > 64 MiB: "JSON token size limit exceeded"; more than
 * 2 Mi tokens: "JSON token count limit exceeded"; braces + brackets >
 * 1024: "JSON nesting depth limit exceeded"; each drops everything
 * collected, resets the counts and carries on with the next token (no
 * skipping).  Once both counts are zero, or either is negative, the
 * collected tokens are parsed, and the result (value or error) emitted.
 *
 * Parser.  Recursive descent over the collected tokens.  The first error
 * wins: "JSON parse error, " followed by one of "expecting value",
 * "premature EOI", "key is not a string in object", "missing : in object
 * pair", "Missing value in dict", "duplicate key", "expected separator
 * in dict", "expected separator in list", "invalid keyword '<kw>'",
 * "invalid escape sequence in string", "\uXXXX is not a valid Unicode
 * character", "invalid UTF-8 sequence in string" (detail truncated to
 * 1023 bytes as QEMU does).  Strings: escapes \" \' \\ \/ \b \f \n \r \t
 * and \uXXXX with surrogate pairs; lone surrogates, noncharacters
 * (U+FDD0..U+FDEF, U+xxFFFE/F) and malformed, overlong or surrogate
 * UTF-8 are errors.  U+0000 (written "\u0000" or as the modified-UTF-8
 * pair C0 80) is stored as C0 80, as QEMU stores it: a string from the
 * wire never holds a NUL byte, so no C string function can cut it short,
 * and a name with U+0000 in it is simply a different name (not found,
 * "expects an identifier", ...) exactly as in QEMU.  The writer
 * (json-out.c) shows C0 80 as \u0000 again.  Integers
 * fitting int64 become json_integer; larger non-negative ones up to
 * UINT64_MAX are uint64 in QEMU, which jansson lacks: json_uint64()
 * keeps them exact (a json_real with a side record); anything else becomes a
 * double like strtod().  A double overflowing to infinity is kept as one, as
 * QEMU keeps it (json_number(): +/-DBL_MAX to jansson, "inf" on output).
 *
 * Error texts are made valid UTF-8 the way QEMU's JSON writer shows
 * them: each invalid sequence in a stray token becomes U+FFFD.
 */
#include "qmp/json-stream.h"
#include "qmp/json-out.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/util.h"

/* Buffers bigger than this are released when a message is done. */
#define KEEP_CAPACITY (64 * 1024)

typedef enum TokenType {
    TOK_LCURLY,
    TOK_RCURLY,
    TOK_LSQUARE,
    TOK_RSQUARE,
    TOK_COLON,
    TOK_COMMA,
    TOK_INTEGER,
    TOK_FLOAT,
    TOK_KEYWORD,
    TOK_STRING,
    TOK_ERROR, /* lexical error: the bad token so far */
    TOK_OVERSIZE, /* a token cut off at the lexer's size limit */
    TOK_EOI, /* end of input (flush) */
} TokenType;

typedef enum LexState {
    LX_START,
    LX_RECOVERY,
    LX_DQ,
    LX_DQ_ESC,
    LX_SQ,
    LX_SQ_ESC,
    LX_ZERO,
    LX_SIGN,
    LX_DIGITS,
    LX_FRAC, /* after '.' */
    LX_FRAC_DIGITS,
    LX_EXP, /* after 'e' */
    LX_EXP_SIGN,
    LX_EXP_DIGITS,
    LX_KEYWORD,
} LexState;

/* What one lexer step does with the byte. */
typedef enum StepKind {
    STEP_GOTO, /* take the byte, continue in step.state */
    STEP_TOKEN, /* token step.tok is complete */
    STEP_RESTART, /* back to the start state (whitespace, resync) */
    STEP_ERROR, /* lexical error, byte belongs to the bad token */
} StepKind;

typedef struct Step {
    StepKind kind;
    bool lookahead; /* the byte is not taken; look at it again */
    LexState state;
    TokenType tok;
} Step;

typedef struct Token {
    TokenType type;
    size_t off; /* into JsonStream.text, NUL-terminated there */
    size_t len;
} Token;

typedef struct Buf {
    char *data;
    size_t len;
    size_t cap;
} Buf;

struct JsonStream {
    JsonStreamEmit *emit;
    void *opaque;

    /* lexer */
    LexState state;
    Buf tok;

    /* streamer */
    Token *tokens;
    size_t ntokens;
    size_t tokens_cap;
    Buf text;
    size_t token_size;

    /* parser: strings are decoded here before they become values */
    Buf scratch;
    long brace_count;
    long bracket_count;
};

/* ---- small buffers ---- */

static void buf_reserve(Buf *b, size_t extra)
{
    size_t need = b->len + extra;
    size_t cap;

    if (need <= b->cap) {
        return;
    }
    cap = b->cap ? b->cap : 64;
    while (cap < need) {
        cap *= 2;
    }
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

static void buf_append(Buf *b, const char *p, size_t n)
{
    if (n == 0) {
        return;
    }
    buf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void buf_putc(Buf *b, char c)
{
    if (b->len == b->cap) {
        buf_reserve(b, 1);
    }
    b->data[b->len++] = c;
}

/* Empties b, giving back memory if it grew large. */
static void buf_clear(Buf *b)
{
    b->len = 0;
    if (b->cap > KEEP_CAPACITY) {
        free(b->data);
        b->data = NULL;
        b->cap = 0;
    }
}

/* ---- modified UTF-8 (QEMU's rules) ---- */

static bool codepoint_valid(long cp)
{
    if (cp < 0 || cp > 0x10FFFF) {
        return false;
    }
    if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
        return false; /* noncharacter */
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) {
        return false; /* surrogate */
    }
    return true;
}

/*
 * Decodes the sequence at s (NUL-terminated), allowing the pair C0 80 for
 * U+0000.  Returns the code point or -1; *end is set past the bytes that
 * make up the (possibly invalid) sequence, as QEMU steps over them.
 */
static long utf8_decode(const unsigned char *s, const unsigned char **end)
{
    static const long min_for_len[] = { 0,       0,        0x80,     0x800,
                                        0x10000, 0x200000, 0x4000000 };
    unsigned lead = *s++;
    unsigned nbytes, i;
    long cp;

    if (lead == 0) {
        *end = s - 1;
        return -1;
    }
    if (lead < 0x80) {
        *end = s;
        return lead;
    }
    if (lead >= 0xFE || !(lead & 0x40)) {
        *end = s; /* impossible byte or stray continuation byte */
        return -1;
    }
    nbytes = 0;
    while (lead & (0x80 >> nbytes)) {
        nbytes++;
    }
    cp = lead & (0x7F >> nbytes);
    for (i = 1; i < nbytes; i++) {
        if ((*s & 0xC0) != 0x80) {
            *end = s;
            return -1; /* truncated */
        }
        cp = (cp << 6) | (*s++ & 0x3F);
    }
    *end = s;
    if (!codepoint_valid(cp)) {
        return -1;
    }
    if (cp < min_for_len[nbytes] && !(cp == 0 && nbytes == 2)) {
        return -1; /* overlong, other than C0 80 */
    }
    return cp;
}

/* Appends cp (valid) as UTF-8; U+0000 becomes the pair C0 80. */
static void utf8_append(Buf *b, long cp)
{
    char out[4];
    size_t n;

    if (cp > 0 && cp < 0x80) {
        out[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    buf_append(b, out, n);
}

/*
 * Copies the NUL-terminated str replacing each invalid sequence with
 * U+FFFD, as QEMU's JSON writer renders it on the wire.  (U+0000 as C0 80,
 * which QEMU would show as \u0000, also becomes U+FFFD here.)
 */
static char *utf8_sanitize(const char *str)
{
    const unsigned char *p = (const unsigned char *)str;
    const unsigned char *end;
    Buf b = { NULL, 0, 0 };
    long cp;

    while (*p) {
        cp = utf8_decode(p, &end);
        if (cp <= 0) {
            utf8_append(&b, 0xFFFD);
        } else {
            buf_append(&b, (const char *)p, end - p);
        }
        p = end;
    }
    buf_putc(&b, '\0');
    return b.data;
}

/* ---- parser ---- */

typedef struct Parser {
    const JsonStream *s;
    size_t pos;
    Error *err;
    Buf *scratch; /* the stream's, reused for each string */
} Parser;

static void parse_error(Parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void parse_error(Parser *p, const char *fmt, ...)
{
    char detail[1024]; /* QEMU formats the detail into 1024 bytes */
    va_list ap;

    if (p->err) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    error_setg(&p->err, "JSON parse error, %s", detail);
}

static const Token *peek_token(Parser *p)
{
    return p->pos < p->s->ntokens ? &p->s->tokens[p->pos] : NULL;
}

static const Token *next_token(Parser *p)
{
    return p->pos < p->s->ntokens ? &p->s->tokens[p->pos++] : NULL;
}

static const char *token_text(Parser *p, const Token *t)
{
    return p->s->text.data + t->off;
}

static int hex4(const char *s)
{
    int v = 0;
    int i;

    for (i = 0; i < 4; i++) {
        int c = (unsigned char)s[i];

        v <<= 4;
        if (c >= '0' && c <= '9') {
            v |= c - '0';
        } else if (c >= 'a' && c <= 'f') {
            v |= c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            v |= c - 'A' + 10;
        } else {
            return -1; /* stops at the closing quote or the NUL */
        }
    }
    return v;
}

/* Decodes string token t into p->scratch (from its start); false: error. */
static bool decode_string(Parser *p, const Token *t)
{
    const char *str = token_text(p, t);
    const char *end_of_token = str + t->len;
    const char *ptr = str;
    const char *esc;
    char quote = *ptr++;
    Buf *out = p->scratch;
    long cp, low;

    out->len = 0;
    while (*ptr != quote) {
        if ((unsigned char)*ptr < 0x80 && *ptr != '\\') {
            /* plain ASCII run: copy at once */
            const char *run = ptr;

            while ((unsigned char)*ptr < 0x80 && *ptr != '\\' &&
                   *ptr != quote && *ptr) {
                ptr++;
            }
            buf_append(out, run, ptr - run);
            continue;
        }
        if (*ptr != '\\') {
            const unsigned char *next;

            cp = utf8_decode((const unsigned char *)ptr, &next);
            if (cp < 0) {
                parse_error(p, "invalid UTF-8 sequence in string");
                goto fail;
            }
            /* C0 80 (U+0000) is kept as it is, like any other sequence */
            buf_append(out, ptr, (const char *)next - ptr);
            ptr = (const char *)next;
            continue;
        }
        esc = ptr++;
        switch (*ptr++) {
        case '"':
            buf_putc(out, '"');
            break;
        case '\'':
            buf_putc(out, '\'');
            break;
        case '\\':
            buf_putc(out, '\\');
            break;
        case '/':
            buf_putc(out, '/');
            break;
        case 'b':
            buf_putc(out, '\b');
            break;
        case 'f':
            buf_putc(out, '\f');
            break;
        case 'n':
            buf_putc(out, '\n');
            break;
        case 'r':
            buf_putc(out, '\r');
            break;
        case 't':
            buf_putc(out, '\t');
            break;
        case 'u':
            cp = hex4(ptr);
            if (cp >= 0) {
                ptr += 4;
                if (cp >= 0xD800 && cp <= 0xDBFF && ptr[0] == '\\' &&
                    ptr[1] == 'u') {
                    low = hex4(ptr + 2);
                    if (low >= 0xDC00 && low <= 0xDFFF) {
                        cp = 0x10000 + ((cp & 0x3FF) << 10) + (low & 0x3FF);
                        ptr += 6;
                    } else {
                        cp = -1;
                    }
                }
            } else {
                /* QEMU reports four bytes after "\u", up to token end */
                ptr = ptr + 4 <= end_of_token ? ptr + 4 : end_of_token;
            }
            if (!codepoint_valid(cp)) {
                parse_error(p, "%.*s is not a valid Unicode character",
                            (int)(ptr - esc), esc);
                goto fail;
            }
            utf8_append(out, cp);
            break;
        default:
            parse_error(p, "invalid escape sequence in string");
            goto fail;
        }
    }

    return true;

fail:
    return false;
}

static json_t *parse_string(Parser *p, const Token *t)
{
    if (!decode_string(p, t)) {
        return NULL;
    }
    return json_stringn_nocheck(p->scratch->data ? p->scratch->data : "",
                                p->scratch->len);
}

static json_t *parse_number(Parser *p, const Token *t)
{
    const char *str = token_text(p, t);
    double d;

    if (t->type == TOK_INTEGER) {
        long long v;
        unsigned long long u;

        errno = 0;
        v = strtoll(str, NULL, 10);
        if (errno == 0) {
            return json_integer(v);
        }
        if (str[0] != '-') {
            errno = 0;
            u = strtoull(str, NULL, 10);
            if (errno == 0) {
                /* uint64 in QEMU: kept exact (see json-out.h) */
                return json_uint64(u);
            }
        }
    }
    d = strtod(str, NULL);
    return json_number(d);
}

static json_t *parse_keyword(Parser *p, const Token *t)
{
    const char *str = token_text(p, t);

    if (!strcmp(str, "true")) {
        return json_true();
    } else if (!strcmp(str, "false")) {
        return json_false();
    } else if (!strcmp(str, "null")) {
        return json_null();
    }
    parse_error(p, "invalid keyword '%s'", str);
    return NULL;
}

static json_t *parse_value(Parser *p);

/* Keys up to this long are kept on the stack while the value is parsed. */
#define KEY_ON_STACK 64

static bool parse_member(Parser *p, json_t *obj)
{
    const Token *t = peek_token(p);
    char key_small[KEY_ON_STACK];
    char *key = NULL;
    size_t key_len = 0;
    json_t *value;

    if (!t) {
        parse_error(p, "premature EOI");
        return false;
    }
    if (t->type == TOK_STRING) {
        /* The key's bytes, without making it a string value. */
        if (!decode_string(p, next_token(p))) {
            parse_error(p, "key is not a string in object");
            return false;
        }
        key_len = p->scratch->len;
        key = key_len < sizeof(key_small) ? key_small : xmalloc(key_len + 1);
        if (key_len) {
            memcpy(key, p->scratch->data, key_len);
        }
        key[key_len] = '\0';
    } else {
        json_decref(parse_value(p));
        parse_error(p, "key is not a string in object");
        return false;
    }
    t = next_token(p);
    if (!t) {
        parse_error(p, "premature EOI");
        goto fail;
    }
    if (t->type != TOK_COLON) {
        parse_error(p, "missing : in object pair");
        goto fail;
    }
    value = parse_value(p);
    if (!value) {
        parse_error(p, "Missing value in dict");
        goto fail;
    }
    if (json_object_getn(obj, key, key_len)) {
        parse_error(p, "duplicate key");
        json_decref(value);
        goto fail;
    }
    json_object_setn_new_nocheck(obj, key, key_len, value);
    if (key != key_small) {
        free(key);
    }
    return true;

fail:
    if (key != key_small) {
        free(key);
    }
    return false;
}

static json_t *parse_object(Parser *p)
{
    json_t *obj = json_object();
    const Token *t;

    next_token(p); /* the '{' */
    t = peek_token(p);
    if (!t) {
        parse_error(p, "premature EOI");
        goto fail;
    }
    if (t->type == TOK_RCURLY) {
        next_token(p);
        return obj;
    }
    if (!parse_member(p, obj)) {
        goto fail;
    }
    for (;;) {
        t = next_token(p);
        if (!t) {
            parse_error(p, "premature EOI");
            goto fail;
        }
        if (t->type == TOK_RCURLY) {
            return obj;
        }
        if (t->type != TOK_COMMA) {
            parse_error(p, "expected separator in dict");
            goto fail;
        }
        if (!parse_member(p, obj)) {
            goto fail;
        }
    }

fail:
    json_decref(obj);
    return NULL;
}

static json_t *parse_array(Parser *p)
{
    json_t *arr = json_array();
    json_t *elem;
    const Token *t;

    next_token(p); /* the '[' */
    t = peek_token(p);
    if (!t) {
        parse_error(p, "premature EOI");
        goto fail;
    }
    if (t->type == TOK_RSQUARE) {
        next_token(p);
        return arr;
    }
    for (;;) {
        elem = parse_value(p);
        if (!elem) {
            parse_error(p, "expecting value");
            goto fail;
        }
        json_array_append_new(arr, elem);
        t = next_token(p);
        if (!t) {
            parse_error(p, "premature EOI");
            goto fail;
        }
        if (t->type == TOK_RSQUARE) {
            return arr;
        }
        if (t->type != TOK_COMMA) {
            parse_error(p, "expected separator in list");
            goto fail;
        }
    }

fail:
    json_decref(arr);
    return NULL;
}

static json_t *parse_value(Parser *p)
{
    const Token *t = peek_token(p);

    if (!t) {
        parse_error(p, "premature EOI");
        return NULL;
    }
    switch (t->type) {
    case TOK_LCURLY:
        return parse_object(p);
    case TOK_LSQUARE:
        return parse_array(p);
    case TOK_INTEGER:
    case TOK_FLOAT:
        return parse_number(p, next_token(p));
    case TOK_STRING:
        return parse_string(p, next_token(p));
    case TOK_KEYWORD:
        return parse_keyword(p, next_token(p));
    default:
        parse_error(p, "expecting value");
        return NULL;
    }
}

/* ---- streamer ---- */

static void streamer_clear(JsonStream *s)
{
    s->ntokens = 0;
    if (s->tokens_cap * sizeof(Token) > KEEP_CAPACITY) {
        free(s->tokens);
        s->tokens = NULL;
        s->tokens_cap = 0;
    }
    buf_clear(&s->text);
    s->token_size = 0;
    s->brace_count = 0;
    s->bracket_count = 0;
}

/* Parses what was collected, resets, and emits the result. */
static void streamer_finish(JsonStream *s, Error *err)
{
    json_t *value = NULL;

    if (!err) {
        Parser p = { s, 0, NULL, &s->scratch };

        value = parse_value(&p);
        buf_clear(&s->scratch);
        if (p.err) {
            json_decref(value);
            value = NULL;
            err = p.err;
        }
    }
    streamer_clear(s);
    s->emit(s->opaque, value, err);
}

static void streamer_push(JsonStream *s, TokenType type, const char *str,
                          size_t len)
{
    Token *t;

    if (s->ntokens == s->tokens_cap) {
        s->tokens_cap = s->tokens_cap ? s->tokens_cap * 2 : 64;
        s->tokens = xrealloc(s->tokens, s->tokens_cap * sizeof(Token));
    }
    t = &s->tokens[s->ntokens++];
    t->type = type;
    t->off = s->text.len;
    t->len = len;
    buf_append(&s->text, str, len);
    buf_putc(&s->text, '\0');
    s->token_size += len;
}

static void streamer_token(JsonStream *s, TokenType type, const char *str,
                           size_t len)
{
    Error *err = NULL;

    switch (type) {
    case TOK_LCURLY:
        s->brace_count++;
        break;
    case TOK_RCURLY:
        s->brace_count--;
        break;
    case TOK_LSQUARE:
        s->bracket_count++;
        break;
    case TOK_RSQUARE:
        s->bracket_count--;
        break;
    case TOK_ERROR: {
        /* the text stops at a NUL byte, as QEMU's "%s" does */
        char *raw = xstrndup(str ? str : "", len);
        char *clean = utf8_sanitize(raw);

        error_setg(&err, "JSON parse error, stray '%s'", clean);
        free(clean);
        free(raw);
        streamer_finish(s, err);
        return;
    }
    case TOK_EOI:
        if (s->ntokens) {
            streamer_finish(s, NULL);
        }
        return;
    default:
        break;
    }

    if (s->token_size + len + 1 > JSON_STREAM_MAX_TOKEN_SIZE) {
        error_setg(&err, "JSON token size limit exceeded");
    } else if (s->ntokens + 1 > JSON_STREAM_MAX_TOKEN_COUNT) {
        error_setg(&err, "JSON token count limit exceeded");
    } else if (s->brace_count + s->bracket_count > JSON_STREAM_MAX_NESTING) {
        error_setg(&err, "JSON nesting depth limit exceeded");
    }
    if (err) {
        streamer_finish(s, err);
        return;
    }

    streamer_push(s, type, str, len);
    if (s->brace_count < 0 || s->bracket_count < 0 ||
        (s->brace_count == 0 && s->bracket_count == 0)) {
        streamer_finish(s, NULL);
    }
}

/* ---- lexer ---- */

static Step step_goto(LexState state)
{
    return (Step){ STEP_GOTO, false, state, 0 };
}

static Step step_token(TokenType tok, bool lookahead)
{
    return (Step){ STEP_TOKEN, lookahead, LX_START, tok };
}

static Step step_restart(bool lookahead)
{
    return (Step){ STEP_RESTART, lookahead, LX_START, 0 };
}

static Step step_error(void)
{
    return (Step){ STEP_ERROR, false, LX_RECOVERY, 0 };
}

static bool is_digit(unsigned c)
{
    return c >= '0' && c <= '9';
}

/* The transition for byte c in state st. */
static Step lex_step(LexState st, unsigned c)
{
    switch (st) {
    case LX_START:
        switch (c) {
        case '"':
            return step_goto(LX_DQ);
        case '\'':
            return step_goto(LX_SQ);
        case '0':
            return step_goto(LX_ZERO);
        case '-':
            return step_goto(LX_SIGN);
        case '{':
            return step_token(TOK_LCURLY, false);
        case '}':
            return step_token(TOK_RCURLY, false);
        case '[':
            return step_token(TOK_LSQUARE, false);
        case ']':
            return step_token(TOK_RSQUARE, false);
        case ',':
            return step_token(TOK_COMMA, false);
        case ':':
            return step_token(TOK_COLON, false);
        case ' ':
        case '\t':
        case '\r':
        case '\n':
            return step_restart(false);
        default:
            if (c >= '1' && c <= '9') {
                return step_goto(LX_DIGITS);
            }
            if (c >= 'a' && c <= 'z') {
                return step_goto(LX_KEYWORD);
            }
            return step_error();
        }
    case LX_RECOVERY:
        if ((c < 0x20 && c != '\t') || c >= 0xFE || c == '[' || c == ']' ||
            c == '{' || c == '}' || c == ':' || c == ',') {
            return step_restart(true);
        }
        return step_goto(LX_RECOVERY);
    case LX_DQ:
    case LX_SQ:
        if (c < 0x20 || c > 0xFD) {
            return step_error();
        }
        if (c == '\\') {
            return step_goto(st == LX_DQ ? LX_DQ_ESC : LX_SQ_ESC);
        }
        if (c == (st == LX_DQ ? '"' : '\'')) {
            return step_token(TOK_STRING, false);
        }
        return step_goto(st);
    case LX_DQ_ESC:
    case LX_SQ_ESC:
        if (c < 0x20 || c > 0xFD) {
            return step_error();
        }
        return step_goto(st == LX_DQ_ESC ? LX_DQ : LX_SQ);
    case LX_ZERO:
        if (is_digit(c)) {
            return step_error();
        }
        if (c == '.') {
            return step_goto(LX_FRAC);
        }
        return step_token(TOK_INTEGER, true);
    case LX_SIGN:
        if (c == '0') {
            return step_goto(LX_ZERO);
        }
        if (c >= '1' && c <= '9') {
            return step_goto(LX_DIGITS);
        }
        return step_error();
    case LX_DIGITS:
        if (is_digit(c)) {
            return step_goto(LX_DIGITS);
        }
        if (c == '.') {
            return step_goto(LX_FRAC);
        }
        if (c == 'e' || c == 'E') {
            return step_goto(LX_EXP);
        }
        return step_token(TOK_INTEGER, true);
    case LX_FRAC:
        return is_digit(c) ? step_goto(LX_FRAC_DIGITS) : step_error();
    case LX_FRAC_DIGITS:
        if (is_digit(c)) {
            return step_goto(LX_FRAC_DIGITS);
        }
        if (c == 'e' || c == 'E') {
            return step_goto(LX_EXP);
        }
        return step_token(TOK_FLOAT, true);
    case LX_EXP:
        if (c == '+' || c == '-') {
            return step_goto(LX_EXP_SIGN);
        }
        return is_digit(c) ? step_goto(LX_EXP_DIGITS) : step_error();
    case LX_EXP_SIGN:
        return is_digit(c) ? step_goto(LX_EXP_DIGITS) : step_error();
    case LX_EXP_DIGITS:
        if (is_digit(c)) {
            return step_goto(LX_EXP_DIGITS);
        }
        return step_token(TOK_FLOAT, true);
    case LX_KEYWORD:
        if (c >= 'a' && c <= 'z') {
            return step_goto(LX_KEYWORD);
        }
        return step_token(TOK_KEYWORD, true);
    }
    return step_error();
}

/*
 * Runs the machine on byte c.  With at_end, c is a virtual end-of-input
 * byte that is never taken: it only drives the machine back to start.
 */
static void lex_byte(JsonStream *s, unsigned char c, bool at_end)
{
    bool taken = false;

    while (at_end ? s->state != LX_START : !taken) {
        Step st = lex_step(s->state, c);

        taken = !at_end && !st.lookahead;
        if (taken) {
            buf_putc(&s->tok, (char)c);
        }
        switch (st.kind) {
        case STEP_GOTO:
            s->state = st.state;
            if (st.state == LX_RECOVERY) {
                s->tok.len = 0;
            }
            break;
        case STEP_TOKEN:
            streamer_token(s, st.tok, s->tok.data, s->tok.len);
            s->tok.len = 0;
            s->state = LX_START;
            break;
        case STEP_RESTART:
            s->tok.len = 0;
            s->state = LX_START;
            break;
        case STEP_ERROR:
            streamer_token(s, TOK_ERROR, s->tok.data, s->tok.len);
            s->tok.len = 0;
            s->state = LX_RECOVERY;
            break;
        }
    }

    if (s->tok.len > JSON_STREAM_MAX_TOKEN_SIZE) {
        streamer_token(s, TOK_OVERSIZE, s->tok.data, s->tok.len);
        buf_clear(&s->tok);
        s->state = LX_START;
    }
}

/* ---- public API ---- */

JsonStream *json_stream_new(JsonStreamEmit *emit, void *opaque)
{
    JsonStream *s = xzalloc(sizeof(*s));

    s->emit = emit;
    s->opaque = opaque;
    s->state = LX_START;
    return s;
}

/*
 * Inside a string, how many bytes from p on simply continue it (the
 * machine would stay in the same state, taking each byte).
 */
static size_t string_run(const unsigned char *p, size_t len, unsigned quote)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned c = p[i];

        if (c < 0x20 || c > 0xFD || c == '\\' || c == quote) {
            break;
        }
    }
    return i;
}

void json_stream_feed(JsonStream *s, const char *buf, size_t len)
{
    const unsigned char *p = (const unsigned char *)buf;
    size_t i = 0, run;

    while (i < len) {
        if (s->state == LX_START) {
            /* fast path for what the machine does in one step here */
            char c = (char)p[i];
            TokenType tok;

            switch (c) {
            case ' ':
            case '\t':
            case '\r':
            case '\n':
                i++;
                continue;
            case '"':
                buf_putc(&s->tok, c);
                s->state = LX_DQ;
                i++;
                continue;
            case '{':
                tok = TOK_LCURLY;
                break;
            case '}':
                tok = TOK_RCURLY;
                break;
            case '[':
                tok = TOK_LSQUARE;
                break;
            case ']':
                tok = TOK_RSQUARE;
                break;
            case ',':
                tok = TOK_COMMA;
                break;
            case ':':
                tok = TOK_COLON;
                break;
            default:
                lex_byte(s, p[i++], false);
                continue;
            }
            i++;
            streamer_token(s, tok, &c, 1);
            continue;
        }
        if (s->state == LX_DQ && p[i] == '"') {
            /* the string's closing quote */
            buf_putc(&s->tok, '"');
            i++;
            streamer_token(s, TOK_STRING, s->tok.data, s->tok.len);
            s->tok.len = 0;
            s->state = LX_START;
            continue;
        }
        if (s->state == LX_DQ || s->state == LX_SQ) {
            /* fast path; stop where the size limit check must fire */
            run = string_run(p + i, len - i, s->state == LX_DQ ? '"' : '\'');
            if (run > JSON_STREAM_MAX_TOKEN_SIZE - s->tok.len) {
                run = JSON_STREAM_MAX_TOKEN_SIZE - s->tok.len;
            }
            if (run) {
                buf_append(&s->tok, (const char *)p + i, run);
                i += run;
                continue;
            }
        }
        lex_byte(s, p[i++], false);
    }
    if (s->state == LX_START || s->state == LX_RECOVERY) {
        buf_clear(&s->tok);
    }
}

void json_stream_flush(JsonStream *s)
{
    lex_byte(s, 0, true);
    streamer_token(s, TOK_EOI, "", 0);
    buf_clear(&s->tok);
}

void json_stream_reset(JsonStream *s)
{
    s->state = LX_START;
    buf_clear(&s->tok);
    streamer_clear(s);
}

void json_stream_free(JsonStream *s)
{
    if (!s) {
        return;
    }
    free(s->tok.data);
    free(s->tokens);
    free(s->text.data);
    free(s->scratch.data);
    free(s);
}
