"""A Flask application as a team would have it: routes, a form, JSON, a streamed response, errors."""
from flask import Flask, Response, jsonify, request, stream_with_context, url_for

app = Flask(__name__)


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
