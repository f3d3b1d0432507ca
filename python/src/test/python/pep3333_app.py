"""A plain WSGI application exercising every part of the contract, wrapped in wsgiref's validator so that the
environ, wsgi.input, wsgi.errors and start_response the server gives are checked on every request."""
import json
import sys
from wsgiref.validate import validator


def raw_app(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/environ":
        summary = {
            "types": {k: type(v).__name__ for k, v in environ.items()},
            "wsgi.version": list(environ["wsgi.version"]),
            "flags": {k: environ[k] for k in ("wsgi.multithread", "wsgi.multiprocess", "wsgi.run_once")},
            "values": {k: v for k, v in environ.items() if isinstance(v, str)},
        }
        body = json.dumps(summary).encode("utf-8")
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    if path == "/input":
        inp = environ["wsgi.input"]
        first = inp.readline()
        second = inp.readline(3)
        rest_lines = inp.readlines()
        body = json.dumps({"first": first.decode("latin-1"), "second": second.decode("latin-1"),
                           "rest": [line.decode("latin-1") for line in rest_lines],
                           "after": inp.read(100).decode("latin-1")}).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]
    if path == "/iterate":
        count = sum(len(line) for line in environ["wsgi.input"])
        body = str(count).encode()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [body]
    if path == "/errors":
        environ["wsgi.errors"].write("python says hello to wsgi.errors\n")
        environ["wsgi.errors"].flush()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"logged"]
    if path == "/write":
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"written ")
        return [b"then returned"]
    if path == "/exc-info":
        try:
            raise RuntimeError("first attempt failed")
        except RuntimeError:
            start_response("200 OK", [("Content-Type", "text/plain")])
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")], sys.exc_info())
        return [b"replaced"]
    if path == "/file":
        import io
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return environ["wsgi.file_wrapper"](io.BytesIO(b"x" * 20000), 4096)
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]


app = validator(raw_app)
