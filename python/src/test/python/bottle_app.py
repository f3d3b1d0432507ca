"""A Bottle application."""
import bottle

app = bottle.Bottle()


@app.route("/")
def index():
    return "Hello from Bottle"


@app.route("/hello/<name>")
def hello(name):
    return "Hello %s" % name


@app.post("/echo")
def echo():
    bottle.response.content_type = "application/octet-stream"
    return bottle.request.body.read()
