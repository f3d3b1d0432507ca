"""wsgiflux's side of the bridge between the Java gateway and a Python WSGI application (PEP 3333).

Loaded once into every interpreter context. Java calls `load` once per context, then `call` once per request with:
  env       the request's string environ entries as one string, key and value separated by U+FFFF (environ strings
            are ISO-8859-1, so U+FFFF never occurs in them): one crossing instead of one per entry
  extras    None, or a flat Java array [key, value, ...] of the entries that are not plain strings
  exchange  the Java PythonExchange of this request: body input, error stream, start_response and write
"""

import importlib
import sys

_SEP = '\uffff'


class Input:
    """wsgi.input: a binary file-like object over the streamed Java request body."""

    __slots__ = ('_exchange',)

    def __init__(self, exchange):
        self._exchange = exchange

    def read(self, size=-1):
        if size is None:
            size = -1
        return self._exchange.read(size).encode('latin-1')

    def readline(self, size=-1):
        if size is None:
            size = -1
        return self._exchange.readline(size).encode('latin-1')

    def readlines(self, hint=-1):
        lines = []
        total = 0
        while True:
            line = self.readline()
            if not line:
                return lines
            lines.append(line)
            total += len(line)
            if hint is not None and 0 < hint <= total:
                return lines

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def close(self):
        pass


class Errors:
    """wsgi.errors: a text stream to the `wsgi.errors` logger, one log line per line written."""

    __slots__ = ('_exchange',)

    def __init__(self, exchange):
        self._exchange = exchange

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError('wsgi.errors.write() takes str, not ' + type(s).__name__)
        self._exchange.error(s)

    def writelines(self, seq):
        for s in seq:
            self.write(s)

    def flush(self):
        self._exchange.flushErrors()


class FileWrapper:
    """wsgi.file_wrapper: iterates a file-like object block by block and closes it with the response."""

    def __init__(self, filelike, blksize=8192):
        self.filelike = filelike
        self.blksize = blksize
        if hasattr(filelike, 'close'):
            self.close = filelike.close

    def __iter__(self):
        return self

    def __next__(self):
        data = self.filelike.read(self.blksize)
        if data:
            return data
        raise StopIteration


_CONSTANTS = {
    'wsgi.version': (1, 0),
    'wsgi.multithread': True,
    'wsgi.multiprocess': False,
    'wsgi.run_once': False,
    'wsgi.input_terminated': True,
    'wsgi.file_wrapper': FileWrapper,
}


def load(spec, path, multiprocess):
    """Put `path` (folders separated by U+FFFF) in front of sys.path and import `module:callable` (gunicorn's form;
    `module` alone means `module:application`). `multiprocess`: whether the application runs in other contexts too,
    each with its own module globals, which is what PEP 3333 calls another process."""
    _CONSTANTS['wsgi.multiprocess'] = multiprocess
    for entry in reversed(path.split(_SEP) if path else []):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    module_name, _, attribute = spec.partition(':')
    target = importlib.import_module(module_name)
    for name in (attribute or 'application').split('.'):
        target = getattr(target, name)
    if not callable(target):
        raise TypeError('WSGI application ' + spec + ' is not callable: ' + type(target).__name__)
    return target


def before_close(timeout):
    """Wait up to `timeout` seconds for the application's own non-daemon threads, as the interpreter does at exit,
    then forget the shutdown locks: a Java thread that once entered this context (a worker, the warm-up thread)
    may have left one behind that nothing will ever release, and closing the context would wait for it forever."""
    threading = sys.modules.get('threading')
    if threading is None:
        # Never imported: the application started no thread to wait for. Importing it here would run a cold import
        # in the JVM's shutdown hook, which took more than Surefire's 30 s exit timeout on a loaded machine.
        return
    main = threading.main_thread()
    for thread in threading.enumerate():
        if thread is not main and not thread.daemon and thread.is_alive():
            thread.join(timeout)
    locks = getattr(threading, '_shutdown_locks', None)
    if locks is not None:
        locks.clear()


def call(app, env, extras, exchange):
    """Run one request: build the environ, define start_response, call the application, return its body."""
    parts = env.split(_SEP)
    environ = dict(zip(parts[0::2], parts[1::2]))
    environ.update(_CONSTANTS)
    environ['wsgi.input'] = Input(exchange)
    environ['wsgi.errors'] = Errors(exchange)
    if extras is not None:
        for i in range(0, len(extras), 2):
            environ[extras[i]] = extras[i + 1]

    def write(data):
        exchange.write(data)

    def start_response(status, headers, exc_info=None):
        if type(status) is not str:
            raise TypeError('status must be str, not ' + type(status).__name__)
        if type(headers) is not list:
            raise TypeError('headers must be a list, not ' + type(headers).__name__)
        flat = []
        for header in headers:
            if type(header) is not tuple or len(header) != 2:
                raise TypeError('each header must be a (name, value) tuple, not ' + repr(header))
            name, value = header
            if type(name) is not str or type(value) is not str:
                raise TypeError('header name and value must be str: ' + repr(header))
            flat.append(name)
            flat.append(value)
        if exc_info is None:
            exchange.start(status, flat, False)
        else:
            try:
                if not exchange.start(status, flat, True):
                    # PEP 3333: the headers were sent, the error cannot be reported any more: re-raise it.
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None
        return write

    return app(environ, start_response)
