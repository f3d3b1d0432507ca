"""Serve hello_app through Tornado's WSGIContainer (Debian's python3-tornado), as Tornado documents it."""
import sys

import tornado.httpserver
import tornado.ioloop
import tornado.wsgi

from hello_app import app

if __name__ == "__main__":
    port = int(sys.argv[1])
    server = tornado.httpserver.HTTPServer(tornado.wsgi.WSGIContainer(app))
    server.listen(port, address="127.0.0.1")
    tornado.ioloop.IOLoop.current().start()
