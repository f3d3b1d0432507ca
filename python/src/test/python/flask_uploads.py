"""Uploads through Flask's documented readers of wsgi.input: every endpoint answers what it received as
"<length> <sha256>" lines, so a client compares them with what it sent."""
import hashlib

from flask import Flask, request

app = Flask(__name__)


def digest(data):
    return "%d %s" % (len(data), hashlib.sha256(data).hexdigest())


@app.route("/files", methods=["POST"])
def files():
    # werkzeug's multipart parser: request.files and request.form, in the order of the fields' names.
    lines = []
    for name in sorted(request.files):
        for uploaded in request.files.getlist(name):
            lines.append("file %s %s %s" % (name, uploaded.filename, digest(uploaded.read())))
    for name in sorted(request.form):
        lines.append("field %s %s" % (name, digest(request.form[name].encode("utf-8"))))
    return "\n".join(lines) + "\n"


@app.route("/data", methods=["POST", "PUT"])
def data():
    return digest(request.get_data()) + "\n"


@app.route("/stream", methods=["POST", "PUT"])
def stream():
    size = int(request.args.get("size", "65536"))
    sha = hashlib.sha256()
    total = 0
    short_reads = 0
    while True:
        chunk = request.stream.read(size)
        if not chunk:
            break
        if len(chunk) < size:
            short_reads += 1
        total += len(chunk)
        sha.update(chunk)
    # A read(n) returns n bytes, or fewer only at the end: one short read at most.
    return "%d %s short=%d\n" % (total, sha.hexdigest(), short_reads)


@app.route("/form", methods=["POST"])
def form():
    return "\n".join("field %s %s" % (name, digest(request.form[name].encode("utf-8")))
                     for name in sorted(request.form)) + "\n"


@app.route("/ping")
def ping():
    return "pong\n"
