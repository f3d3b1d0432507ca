import sys


def app(environ, start_response):
    body = ("Hello from %s %s at %s%s\n" % (sys.implementation.name, sys.version.split()[0],
                                             environ["SCRIPT_NAME"], environ["PATH_INFO"])).encode("utf-8")
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]
