"""The part of the legacy estate that is Python: a small Flask app, served by the same server as the Java guestbook
(run with --spring.profiles.active=python)."""
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/")
def index():
    return "Hello from Flask, inside Spring Boot"


@app.route("/echo", methods=["POST"])
def echo():
    return jsonify(received=request.get_json(silent=True), script_name=request.script_root)
