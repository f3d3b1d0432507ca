"""A Flask application as a team would have it: routes, a form, JSON, sessions, uploads, files, streamed responses,
external URLs and error handlers, all from Flask's documentation."""
import hashlib
import os

from flask import (Flask, Response, abort, jsonify, request, send_file, session, stream_with_context, url_for)

app = Flask(__name__)
app.secret_key = "wsgiflux-test-only"

REPORT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "flask_report.csv")


class QuotaExceeded(Exception):
    pass


@app.errorhandler(404)
def not_found(error):
    return jsonify(error="no such page", path=request.path), 404


@app.errorhandler(QuotaExceeded)
def quota_exceeded(error):
    return "quota exceeded: %s" % error, 429, {"Retry-After": "30"}


@app.errorhandler(500)
def server_error(error):
    return "the team's own 500 page", 500


@app.route("/")
def hello():
    return "Hello from Flask"


@app.route("/form", methods=["POST"])
def form():
    return "name=%s;items=%s" % (request.form["name"], ",".join(request.form.getlist("item")))


@app.route("/json", methods=["GET", "POST"])
def json():
    if request.method == "POST":
        payload = request.get_json()
        return jsonify(received=payload, size=len(request.data))
    return jsonify(framework="flask", script_name=request.script_root, path=request.path,
                   args=request.args.to_dict())


@app.route("/stream")
def stream():
    count = int(request.args.get("count", "3"))

    def generate():
        for i in range(count):
            yield "line %d\n" % i

    return Response(stream_with_context(generate()), mimetype="text/plain")


@app.route("/greetings")
def greetings():
    def generate():
        yield "hello "
        # Only inside stream_with_context does the request outlive the view function.
        yield request.args["who"]
        yield " from %s" % session.get("name", "nobody")

    return Response(stream_with_context(generate()), mimetype="text/plain")


@app.route("/upload", methods=["POST"])
def upload():
    total = 0
    stream = request.stream
    while True:
        chunk = stream.read(65536)
        if not chunk:
            break
        total += len(chunk)
    return "received %d bytes" % total


@app.route("/files", methods=["POST"])
def files():
    uploaded = request.files["document"]
    data = uploaded.read()
    return jsonify(filename=uploaded.filename, content_type=uploaded.mimetype, size=len(data),
                   sha256=hashlib.sha256(data).hexdigest(), title=request.form["title"])


@app.route("/report.csv")
def report():
    return send_file(REPORT, mimetype="text/csv", as_attachment=True, download_name="report.csv")


@app.route("/session/<name>", methods=["PUT"])
def remember(name):
    session["name"] = name
    session["visits"] = 0
    return "remembered"


@app.route("/session")
def visit():
    session["visits"] = session.get("visits", 0) + 1
    return "%s, visit %d" % (session.get("name", "nobody"), session["visits"])


@app.route("/links")
def links():
    return jsonify(report=url_for("report", _external=True), here=url_for("links", page=2))


@app.route("/quota")
def quota():
    raise QuotaExceeded("10 uploads a day")


@app.route("/forbidden")
def forbidden():
    abort(403)


@app.route("/wsgi")
def wsgi():
    return jsonify(multiprocess=request.environ["wsgi.multiprocess"], multithread=request.environ["wsgi.multithread"])


@app.route("/fail")
def fail():
    raise ValueError("the legacy code failed: secret-detail-42")


@app.route("/native")
def shadowed():
    return "Flask should never answer this: the native route wins"


@app.route("/external")
def external():
    # What a legacy app puts in a redirect or an e-mail: its public URL, built from HTTP_HOST and wsgi.url_scheme.
    return url_for("external", _external=True)
