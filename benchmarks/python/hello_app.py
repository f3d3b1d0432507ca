"""The benchmark's WSGI app in Python, for the gunicorn and Tornado reference points: /hello and /sleep?ms=N."""
import time
from urllib.parse import parse_qs

HELLO = b"Hello, World!"


def app(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path.endswith("/sleep"):
        ms = int(parse_qs(environ.get("QUERY_STRING", "")).get("ms", ["20"])[0])
        time.sleep(ms / 1000.0)
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(HELLO)))])
    return [HELLO]
