# Sets up values for pyframes' tests, reports on its own stack through
# stdout (one JSON line: what Python itself says of each frame and the repr
# of each variable), then stops itself with SIGSTOP for the test to read
# the same from its memory.
import json
import os
import signal
import sys


class A:
    pass


class Sub(list):
    pass


def report():
    frames = []
    f = sys._getframe(1)
    while f is not None:
        code = f.f_code
        names = [(k, repr(v)) for k, v in f.f_locals.items()
                 if not (k.startswith('__') and k.endswith('__'))]
        frames.append({'name': code.co_name, 'qualname': code.co_qualname,
                       'file': code.co_filename, 'line': f.f_lineno,
                       'locals': names})
        f = f.f_back
    frames[0]['line'] += 1  # the stop is on the line after the call
    print(json.dumps({'version': list(sys.version_info[:3]), 'frames': frames}), flush=True)


def target(n, *args, **kw):
    big = 100000000000000000000
    neg = -100000000000000000000
    small = -5
    zero = 0
    large = 2**62 + 12345
    f = 2.5
    fs = [0.1, 1e16, 1e15, -0.0, 1e-05, 0.0001, float('inf'), -float('inf'), float('nan'), 1.5e300, 5e-324]
    s = 'café'
    quotes = ["it's", 'say "hi"', 'both \' and "', 'tab\there\nnl\\ \x00 \x7f \u200b \U0001f600 \ud800']
    b = b'\x00\xff'
    bq = [b"it's", b'\t\n\r\\ "x"']
    none = None
    t = True
    no = False
    one = (1,)
    empty = [(), [], {}, set(), frozenset(), '', b'']
    lst = [5, 6, 7]
    d = {1: 2, 3: 4, 5: 6}
    sd = {'a': 1, 'b': [2]}
    st = {3}
    fz = frozenset({4})
    a = A()
    sub = Sub([1, 2])
    rec = [1, 2]
    rec.append(rec)
    drec = {}
    drec['self'] = drec
    misc = [A, int, len, [].append, Ellipsis, NotImplemented, json, sys, report]
    deep = [[[[[[[[1]]]]]]]]  # beyond Reader.MaxDepth
    long = list(range(150))  # beyond Reader.MaxItems
    longstr = 'ab' * 3000  # beyond Reader.MaxString
    captured = 'cell'

    def inner():
        x = captured
        del_me = 1
        del del_me
        report()
        os.kill(os.getpid(), signal.SIGSTOP)
        return x

    return inner()


def gen():
    yield target(3)  # a frame owned by a generator


def outer():
    return next(gen())


outer()
