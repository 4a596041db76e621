/* Split OCPP-J frame texts into envelope columns in one pass over Arrow string views.
 *
 * Each frame's text is checked against a strict subset of JSON: the subset whose compact form
 * the SQL split (DuckDB's JSON functions) writes back unchanged, apart from blanks between
 * tokens. A frame in it gets its message type and its id, action, payload, error code and
 * description as string views into the frame texts (payloads with blanks are copied without
 * them), and a call its connector id. Any other frame (exponents, a trailing zero in a
 * fraction, \u or \/ escapes, extra elements, broken JSON...) is marked for the SQL split,
 * which also says why it fails.
 *
 * Payloads given apart from their frame (by layouts that log requests and responses as JSON
 * columns) are checked against the same subset, made compact and read for a connector id.
 *
 * Logs of blank-line separated records (EVerest's) are cut into records in one pass, each
 * given as a view into the log's bytes with the number of its first line.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64
#define COLUMNS 5 /* unique_id, frame_action, payload, error_code, error_description */

typedef struct {
    const uint8_t *p;
    const uint8_t *end;
    int blanks; /* a blank was skipped inside the payload */
} Cursor;

typedef struct {
    int32_t len;
    const uint8_t *at;  /* the bytes (in a frame text or in the copy buffer) */
    int32_t buffer;     /* Arrow buffer index of ``at`` (when len > 12) */
    int32_t offset;     /* offset of ``at`` in that buffer */
} Piece;

static int is_blank(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static int skip_blanks(Cursor *c) {
    int skipped = 0;
    while (c->p < c->end && is_blank(*c->p)) {
        c->p++;
        skipped = 1;
    }
    return skipped;
}

static int expect(Cursor *c, uint8_t ch) {
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return 1;
    }
    return 0;
}

/* A string; ``plain``: no escape allowed (its text is taken as it is). Escapes the SQL split
 * writes back as they are: \" \\ \n \t \r \b \f. */
static int string(Cursor *c, int plain) {
    if (!expect(c, '"')) return 0;
    while (c->p < c->end) {
        uint8_t ch = *c->p++;
        if (ch == '"') return 1;
        if (ch < 0x20) return 0;
        if (ch == '\\') {
            if (plain || c->p >= c->end) return 0;
            ch = *c->p++;
            if (!(ch == '"' || ch == '\\' || ch == 'n' || ch == 't' || ch == 'r' || ch == 'b' ||
                  ch == 'f'))
                return 0;
        }
    }
    return 0;
}

static int is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

/* A number written as the SQL split writes it back: an integer (not -0), or a decimal without
 * exponent whose value prints the same (at most 15 significant digits, no trailing zero but
 * in ``.0``, at least 1e-6). */
static int number(Cursor *c) {
    const uint8_t *start = c->p;
    if (c->p < c->end && *c->p == '-') c->p++;
    const uint8_t *int_start = c->p;
    if (c->p >= c->end || !is_digit(*c->p)) return 0;
    if (*c->p == '0') {
        c->p++;
    } else {
        while (c->p < c->end && is_digit(*c->p)) c->p++;
    }
    Py_ssize_t int_digits = c->p - int_start;
    int zero_int = int_digits == 1 && *int_start == '0';
    if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) return 0;
    if (c->p >= c->end || *c->p != '.') {
        if (zero_int && *start == '-') return 0; /* -0 is written 0 */
        return 1;
    }
    c->p++;
    const uint8_t *frac = c->p;
    while (c->p < c->end && is_digit(*c->p)) c->p++;
    Py_ssize_t frac_digits = c->p - frac;
    if (frac_digits == 0) return 0;
    if (c->p < c->end && (*c->p == 'e' || *c->p == 'E' || *c->p == '.')) return 0;
    if (frac_digits == 1 && frac[0] == '0') return int_digits <= 15;
    if (frac[frac_digits - 1] == '0') return 0;
    if (!zero_int) return int_digits + frac_digits <= 15;
    Py_ssize_t zeros = 0;
    while (zeros < frac_digits && frac[zeros] == '0') zeros++;
    return zeros <= 5 && frac_digits - zeros <= 15;
}

static int literal(Cursor *c, const char *word, Py_ssize_t n) {
    if (c->end - c->p < n || memcmp(c->p, word, (size_t)n) != 0) return 0;
    c->p += n;
    return 1;
}

static int value(Cursor *c, int depth);

/* The members of an object or the items of an array, after its opening bracket. */
static int members(Cursor *c, int depth, uint8_t close, int keyed) {
    if (depth > MAX_DEPTH) return 0;
    c->blanks |= skip_blanks(c);
    if (expect(c, close)) return 1;
    for (;;) {
        if (keyed) {
            if (!string(c, 0)) return 0;
            c->blanks |= skip_blanks(c);
            if (!expect(c, ':')) return 0;
            c->blanks |= skip_blanks(c);
        }
        if (!value(c, depth + 1)) return 0;
        c->blanks |= skip_blanks(c);
        if (expect(c, close)) return 1;
        if (!expect(c, ',')) return 0;
        c->blanks |= skip_blanks(c);
    }
}

static int value(Cursor *c, int depth) {
    if (c->p >= c->end) return 0;
    switch (*c->p) {
    case '{':
        c->p++;
        return members(c, depth, '}', 1);
    case '[':
        c->p++;
        return members(c, depth, ']', 0);
    case '"':
        return string(c, 0);
    case 't':
        return literal(c, "true", 4);
    case 'f':
        return literal(c, "false", 5);
    case 'n':
        return literal(c, "null", 4);
    default:
        return number(c);
    }
}

/* ``text[from, to)`` as a piece of a frame stored at ``buffer``/``offset`` (``buffer`` < 0:
 * the frame is inline in its view, so the piece is too). */
static Piece piece(const uint8_t *text, const uint8_t *from, const uint8_t *to, int32_t buffer,
                   int32_t offset) {
    Piece pc = {(int32_t)(to - from), from, buffer, offset + (int32_t)(from - text)};
    return pc;
}

static void write_view(uint8_t *view, Piece pc) {
    memset(view, 0, 16);
    memcpy(view, &pc.len, 4);
    if (pc.len <= 12) {
        memcpy(view + 4, pc.at, (size_t)pc.len);
    } else {
        memcpy(view + 4, pc.at, 4);
        memcpy(view + 8, &pc.buffer, 4);
        memcpy(view + 12, &pc.offset, 4);
    }
}

/* Copy a JSON value without the blanks between its tokens. */
static Py_ssize_t compact(const uint8_t *from, const uint8_t *to, uint8_t *out) {
    uint8_t *o = out;
    int in_string = 0;
    for (const uint8_t *p = from; p < to; p++) {
        uint8_t ch = *p;
        if (in_string) {
            *o++ = ch;
            if (ch == '\\') {
                *o++ = *++p;
            } else if (ch == '"') {
                in_string = 0;
            }
        } else if (!is_blank(ch)) {
            *o++ = ch;
            in_string = ch == '"';
        }
    }
    return o - out;
}

/* ------------------------------------------------------------------ a call's connector */

/* The connector id of a call's payload as the patterns in chargescope.readers.ocppj read it
 * (byte for byte, not as JSON): the digits after the first ``"evse":{...,"id":``, else after
 * the first ``"evseId":``, else after the first ``"connectorId":``; -1 when none is found,
 * -2 when the digits found do not fit an Int32. */

static int regex_blank(uint8_t c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

static const uint8_t *skip(const uint8_t *p, const uint8_t *end) {
    while (p < end && regex_blank(*p)) p++;
    return p;
}

/* After ``p``: blanks, a colon, blanks and at least one digit; the digits' value (-2: too
 * large), or -1 when they do not follow. */
static int64_t colon_digits(const uint8_t *p, const uint8_t *end) {
    p = skip(p, end);
    if (p >= end || *p != ':') return -1;
    p = skip(p + 1, end);
    if (p >= end || !is_digit(*p)) return -1;
    int64_t v = 0;
    for (; p < end && is_digit(*p); p++) {
        v = v * 10 + (*p - '0');
        if (v > INT32_MAX) {
            while (p < end && is_digit(*p)) p++;
            return -2;
        }
    }
    return v;
}

/* The evse id after the ``"evse"`` at ``at``: blanks, a colon, blanks, an opening brace, then
 * the first ``"id"`` before any other brace followed by a colon and digits; -1 when not. */
static int64_t evse_at(const uint8_t *at, const uint8_t *end) {
    const uint8_t *q = skip(at + 6, end);
    if (q >= end || *q != ':') return -1;
    q = skip(q + 1, end);
    if (q >= end || *q != '{') return -1;
    for (q++; q < end && *q != '{' && *q != '}'; q++) {
        if (*q == '"' && end - q >= 4 && memcmp(q, "\"id\"", 4) == 0) {
            int64_t v = colon_digits(q + 4, end);
            if (v != -1) return v;
        }
    }
    return -1;
}

/* One pass over the payload's quotes: each pattern's first match is the one the regex finds,
 * and the first pattern that matches anywhere wins. */
static int64_t call_connector(const uint8_t *p, Py_ssize_t n) {
    const uint8_t *end = p + n;
    int64_t flat = -1, connector = -1;
    for (const uint8_t *q = memchr(p, '"', (size_t)n); q && end - q >= 6;
         q = memchr(q + 1, '"', (size_t)(end - q - 1))) {
        if (q[1] == 'e' && memcmp(q + 1, "evse", 4) == 0) {
            if (q[5] == '"') {
                int64_t v = evse_at(q, end);
                if (v != -1) return v;
            } else if (flat == -1 && end - q >= 8 && memcmp(q + 5, "Id\"", 3) == 0) {
                flat = colon_digits(q + 8, end);
            }
        } else if (q[1] == 'c' && connector == -1 && end - q >= 13 &&
                   memcmp(q + 1, "connectorId\"", 12) == 0) {
            connector = colon_digits(q + 13, end);
        }
    }
    return flat != -1 ? flat : connector;
}

typedef struct {
    Piece col[COLUMNS];
    int present[COLUMNS];
    int8_t type;
    const uint8_t *payload_from, *payload_to;
    int payload_blanks;
} Frame;

/* The text between a string's quotes. */
static Piece quoted(const uint8_t *text, const uint8_t *open, const uint8_t *after, int32_t b,
                    int32_t off) {
    return piece(text, open + 1, after - 1, b, off);
}

/* Read one frame; 0 when it is not in the subset taken here. */
static int frame(const uint8_t *text, Py_ssize_t n, int32_t b, int32_t off, Frame *f) {
    Cursor c = {text, text + n, 0};
    memset(f->present, 0, sizeof f->present);
    skip_blanks(&c);
    if (!expect(&c, '[')) return 0;
    skip_blanks(&c);
    if (c.p >= c.end || *c.p < '2' || *c.p > '6') return 0;
    f->type = (int8_t)(*c.p++ - '0');
    skip_blanks(&c);
    if (!expect(&c, ',')) return 0;
    skip_blanks(&c);
    const uint8_t *at = c.p;
    if (!string(&c, 1)) return 0;
    f->col[0] = quoted(text, at, c.p, b, off);
    f->present[0] = 1;
    skip_blanks(&c);
    if (!expect(&c, ',')) return 0;
    skip_blanks(&c);
    if (f->type != 3) {
        at = c.p;
        if (!string(&c, 1)) return 0;
        int first = (f->type == 2 || f->type == 6) ? 1 : 3; /* action, or error code */
        f->col[first] = quoted(text, at, c.p, b, off);
        f->present[first] = 1;
        skip_blanks(&c);
        if (!expect(&c, ',')) return 0;
        skip_blanks(&c);
        if (f->type == 4 || f->type == 5) {
            at = c.p;
            if (!string(&c, 1)) return 0;
            f->col[4] = quoted(text, at, c.p, b, off);
            f->present[4] = 1;
            skip_blanks(&c);
            if (c.p < c.end && *c.p == ']') { /* no details: the payload is {} */
                f->payload_from = f->payload_to = NULL;
                goto close;
            }
            if (!expect(&c, ',')) return 0;
            skip_blanks(&c);
        }
    }
    if (c.p >= c.end || !(*c.p == '{' || (f->type == 3 && *c.p == '['))) return 0;
    f->payload_from = c.p;
    c.blanks = 0;
    if (!value(&c, 0)) return 0;
    f->payload_to = c.p;
    f->payload_blanks = c.blanks;
    skip_blanks(&c);
close:
    if (!expect(&c, ']')) return 0;
    skip_blanks(&c);
    return c.p == c.end;
}

/* Read one payload given apart from its frame (any JSON value, blanks around it); 0 when it
 * is not in the subset taken here. */
static int payload(const uint8_t *text, Py_ssize_t n, Frame *f) {
    Cursor c = {text, text + n, 0};
    memset(f->present, 0, sizeof f->present);
    f->type = 1;
    skip_blanks(&c);
    f->payload_from = c.p;
    if (!value(&c, 0)) return 0;
    f->payload_to = c.p;
    f->payload_blanks = c.blanks;
    skip_blanks(&c);
    return c.p == c.end;
}

static void set_bit(uint8_t *bits, Py_ssize_t i) { bits[i >> 3] |= (uint8_t)(1u << (i & 7)); }

static int get_bit(const uint8_t *bits, Py_ssize_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }

typedef struct {
    const uint8_t *views;
    const uint8_t *validity; /* may be NULL */
    Py_ssize_t offset;       /* the input array's offset */
    const uint8_t **data;    /* the input's data buffers */
    Py_ssize_t start, stop;  /* rows to split (start a multiple of 8) */
    int8_t *types;           /* out: message type, 0 where the SQL split must do it */
    int32_t *connectors;     /* out: a call's connector id (see call_connector) */
    uint8_t *connector_valid; /* out, zeroed: which calls have one */
    uint8_t *out_views;      /* out, zeroed: COLUMNS blocks of 16 bytes a row, column by column */
    uint8_t *out_valid;      /* out, zeroed: COLUMNS bitmaps of ``bitmap_bytes`` */
    Py_ssize_t rows, bitmap_bytes;
    uint8_t *copy;           /* out: compacted payloads */
    Py_ssize_t copy_len;
    int32_t copy_buffer;     /* the copy's Arrow buffer index */
    Py_ssize_t copied, left_over;
    int payloads;            /* the texts are payloads given apart, not frames */
} Job;

static const uint8_t EMPTY_OBJECT[2] = {'{', '}'};

/* Where a taken row's payload goes: the only column of payloads given apart. */
static Piece *payload_view(Frame *f, int payloads) { return &f->col[payloads ? 0 : 2]; }

static void split_rows(Job *j) {
    Frame f;
    int columns = j->payloads ? 1 : COLUMNS;
    for (Py_ssize_t i = j->start; i < j->stop; i++) {
        Py_ssize_t at = i + j->offset;
        const uint8_t *view = j->views + 16 * at;
        int32_t len, b = -1, off = 0;
        memcpy(&len, view, 4);
        const uint8_t *text;
        if (len <= 12) {
            text = view + 4;
        } else {
            memcpy(&b, view + 8, 4);
            memcpy(&off, view + 12, 4);
            text = j->data[b] + off;
        }
        int given = j->validity == NULL || get_bit(j->validity, at);
        int ok;
        if (j->payloads) {
            ok = 1;
            if (given) {
                ok = payload(text, len, &f);
            } else { /* a null payload is taken as {} */
                f.type = 1;
                f.payload_from = NULL;
                f.payload_blanks = 0;
                memset(f.present, 0, sizeof f.present);
            }
        } else {
            ok = given && frame(text, len, b, off, &f);
        }
        if (ok && f.payload_blanks && j->copied + (f.payload_to - f.payload_from) > j->copy_len)
            ok = 0; /* no room left to copy the payload */
        j->types[i] = ok ? f.type : 0;
        if (!ok) { /* its views and validity bits stay zero: null */
            j->left_over++;
            continue;
        }
        Piece *pc = payload_view(&f, j->payloads);
        f.present[pc - f.col] = 1;
        if (f.payload_from == NULL) { /* no details, or a null payload given apart: {} */
            Piece empty = {2, EMPTY_OBJECT, 0, 0};
            *pc = empty;
        } else if (f.payload_blanks) {
            Py_ssize_t n = compact(f.payload_from, f.payload_to, j->copy + j->copied);
            Piece copied = {(int32_t)n, j->copy + j->copied, j->copy_buffer, (int32_t)j->copied};
            *pc = copied;
            if (n > 12) j->copied += n;
        } else {
            *pc = piece(text, f.payload_from, f.payload_to, b, off);
        }
        if (f.type == 2 || j->payloads) { /* a payload given apart may be a call's */
            int64_t c = call_connector(pc->at, pc->len);
            j->connectors[i] = (int32_t)(c < 0 ? 0 : c);
            if (c >= 0) set_bit(j->connector_valid, i);
        }
        for (int k = 0; k < columns; k++) {
            if (f.present[k]) {
                write_view(j->out_views + 16 * (k * j->rows + i), f.col[k]);
                set_bit(j->out_valid + k * j->bitmap_bytes, i);
            }
        }
    }
}

/* split(views, validity, offset, data, start, stop, types, connectors, connector_valid,
 *       out_views, out_valid, copy, copy_buffer, payloads) -> (texts left for the SQL split,
 *       bytes copied). ``payloads``: the texts are payloads given apart (one output column, a
 *       null one taken as {}); else frames (COLUMNS output columns). */
static PyObject *split(PyObject *self, PyObject *args) {
    Py_buffer views, validity, types, connectors, connector_valid, out_views, out_valid, copy;
    PyObject *validity_obj, *data_obj;
    Py_ssize_t offset, start, stop;
    int copy_buffer, payloads;
    if (!PyArg_ParseTuple(args, "y*OnOnnw*w*w*w*w*w*ip", &views, &validity_obj, &offset,
                          &data_obj, &start, &stop, &types, &connectors, &connector_valid,
                          &out_views, &out_valid, &copy, &copy_buffer, &payloads))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t nbuf = 0, got = 0;
    Py_buffer *bufs = NULL;
    const uint8_t **data = NULL;
    int has_validity = validity_obj != Py_None;
    if (has_validity && PyObject_GetBuffer(validity_obj, &validity, PyBUF_SIMPLE) < 0) goto done;
    PyObject *seq = PySequence_Fast(data_obj, "data must be a sequence of buffers");
    if (seq == NULL) goto release;
    nbuf = PySequence_Fast_GET_SIZE(seq);
    bufs = PyMem_Calloc((size_t)nbuf + 1, sizeof(Py_buffer));
    data = PyMem_Calloc((size_t)nbuf + 1, sizeof(uint8_t *));
    if (bufs == NULL || data == NULL) {
        PyErr_NoMemory();
        goto free_seq;
    }
    for (; got < nbuf; got++) {
        if (PyObject_GetBuffer(PySequence_Fast_GET_ITEM(seq, got), &bufs[got], PyBUF_SIMPLE) < 0)
            goto free_seq;
        data[got] = bufs[got].buf;
    }
    Py_ssize_t rows = types.len;
    Py_ssize_t bitmap_bytes = (rows + 7) / 8, columns = payloads ? 1 : COLUMNS;
    if (start % 8 || start < 0 || stop < start || stop > rows ||
        views.len < 16 * (offset + rows) || out_views.len < 16 * columns * rows ||
        connectors.len < 4 * rows || connector_valid.len < bitmap_bytes ||
        out_valid.len < columns * bitmap_bytes ||
        (has_validity && validity.len < (offset + rows + 7) / 8)) {
        PyErr_SetString(PyExc_ValueError, "buffers too small for the rows asked for");
        goto free_seq;
    }
    Job job = {.views = views.buf,
               .validity = has_validity ? validity.buf : NULL,
               .offset = offset,
               .data = data,
               .start = start,
               .stop = stop,
               .types = types.buf,
               .connectors = connectors.buf,
               .connector_valid = connector_valid.buf,
               .out_views = out_views.buf,
               .out_valid = out_valid.buf,
               .rows = rows,
               .bitmap_bytes = bitmap_bytes,
               .copy = copy.buf,
               .copy_len = copy.len,
               .copy_buffer = copy_buffer,
               .payloads = payloads};
    Py_BEGIN_ALLOW_THREADS split_rows(&job);
    Py_END_ALLOW_THREADS result = Py_BuildValue("nn", job.left_over, job.copied);
free_seq:
    for (Py_ssize_t k = 0; k < got; k++) PyBuffer_Release(&bufs[k]);
    PyMem_Free(bufs);
    PyMem_Free(data);
    Py_DECREF(seq);
release:
    if (has_validity) PyBuffer_Release(&validity);
done:
    PyBuffer_Release(&views);
    PyBuffer_Release(&types);
    PyBuffer_Release(&connectors);
    PyBuffer_Release(&connector_valid);
    PyBuffer_Release(&out_views);
    PyBuffer_Release(&out_valid);
    PyBuffer_Release(&copy);
    return result;
}

/* ------------------------------------------------------------------ blank-line records */

typedef struct {
    uint8_t *buf;
    size_t len, cap;
} Grow;

static int put(Grow *g, const void *src, size_t n) {
    if (g->len + n > g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 1 << 16;
        while (cap < g->len + n) cap *= 2;
        uint8_t *buf = realloc(g->buf, cap);
        if (buf == NULL) return 0;
        g->buf = buf;
        g->cap = cap;
    }
    memcpy(g->buf + g->len, src, n);
    g->len += n;
    return 1;
}

/* One record, ``from``..``to`` (a leading line break dropped), ``before`` line breaks before
 * it: its view into buffer 0 and its first line's number. */
static int record(const uint8_t *data, const uint8_t *from, const uint8_t *to, int64_t before,
                  Grow *views, Grow *lines) {
    int64_t line = before + 1;
    if (from < to && *from == '\n') {
        from++;
        line++;
    }
    uint8_t view[16];
    write_view(view, piece(data, from, to, 0, 0));
    return put(views, view, 16) && put(lines, &line, 8);
}

/* Cut ``data`` at each blank-line separator ("\n\n", leftmost first, not overlapping). */
static int cut_records(const uint8_t *data, Py_ssize_t n, Grow *views, Grow *lines,
                       int64_t *newlines) {
    const uint8_t *p = data, *end = data + n, *chunk = data, *q;
    int64_t count = 0, before = 0;
    while (p < end && (q = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        if (q + 1 < end && q[1] == '\n') {
            if (!record(data, chunk, q, before, views, lines)) return 0;
            count += 2;
            p = chunk = q + 2;
            before = count;
        } else {
            count += 1;
            p = q + 1;
        }
    }
    *newlines = count;
    return record(data, chunk, end, before, views, lines);
}

/* records(data) -> (views, lines, line breaks): ``data`` cut into blank-line separated
 * records, each without a leading line break, as Arrow binary views into ``data`` (buffer 0),
 * with the number of its first line; and how many line breaks ``data`` holds. */
static PyObject *records(PyObject *self, PyObject *args) {
    Py_buffer data;
    if (!PyArg_ParseTuple(args, "y*", &data)) return NULL;
    PyObject *result = NULL;
    if (data.len >= INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "data too large for 32-bit view offsets");
        PyBuffer_Release(&data);
        return NULL;
    }
    Grow views = {0}, lines = {0};
    int64_t newlines = 0;
    int ok;
    Py_BEGIN_ALLOW_THREADS ok = cut_records(data.buf, data.len, &views, &lines, &newlines);
    Py_END_ALLOW_THREADS if (!ok) PyErr_NoMemory();
    else result = Py_BuildValue("y#y#L", (const char *)views.buf, (Py_ssize_t)views.len,
                                (const char *)lines.buf, (Py_ssize_t)lines.len,
                                (long long)newlines);
    free(views.buf);
    free(lines.buf);
    PyBuffer_Release(&data);
    return result;
}

static PyMethodDef methods[] = {
    {"split", split, METH_VARARGS, "Split OCPP-J frame texts given as Arrow string views."},
    {"records", records, METH_VARARGS, "Cut text into blank-line separated records."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_envelope",
                                    "OCPP-J envelope split over Arrow string views.", -1,
                                    methods};

PyMODINIT_FUNC PyInit__envelope(void) { return PyModule_Create(&module); }
