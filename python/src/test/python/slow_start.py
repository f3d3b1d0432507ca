"""An application whose import takes as long as the test wants: it waits for a flag file."""
import os
import time

FLAG = os.path.join("target", "slow-start.flag")

while not os.path.exists(FLAG):
    time.sleep(0.05)


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"warmed up"]
