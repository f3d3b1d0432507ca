"""Applications that break the contract or fail, one per path, and chunk types the validator would refuse (it
takes only `bytes`, where PEP 3333 servers commonly take any bytes-like object)."""
import time

closed = []


class Body:
    def __init__(self, chunks, fail_on_close=False):
        self.chunks = chunks
        self.fail_on_close = fail_on_close

    def __iter__(self):
        for chunk in self.chunks:
            if chunk == "raise":
                raise KeyError("broken-iteration-secret")
            yield chunk

    def close(self):
        closed.append(1)
        if self.fail_on_close:
            raise OSError("close failed")


def app(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/bytes":
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return [bytes(range(256)), bytearray(b"-ba-"), memoryview(b"mv")]
    if path == "/read-huge":
        data = environ["wsgi.input"].read(2**31 - 1)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [data]
    if path == "/raise":
        raise ValueError("secret-detail-42")
    if path == "/none":
        start_response("200 OK", [])
        return None
    if path == "/str-chunk":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return ["not bytes"]
    if path == "/bad-status":
        start_response(200, [])
        return [b""]
    if path == "/bad-header":
        start_response("200 OK", [("X-Bad", 5)])
        return [b""]
    if path == "/raise-in-iteration":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Body([b"first ", "raise"])
    if path == "/raise-in-close":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Body([b"body"], fail_on_close=True)
    if path == "/closed":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [str(len(closed)).encode()]
    if path == "/sleep":
        time.sleep(float(environ.get("QUERY_STRING") or "5"))
        start_response("200 OK", [])
        return [b"slept"]
    if path == "/spin":
        while True:
            pass
    start_response("404 Not Found", [])
    return [b""]
