# Builds objects for pyframes' watch-expression tests, evaluates each
# expression given as an argument ($N is ANCHORS[N]), reports on stdout one
# JSON line (the anchors' ids, and per expression Python's repr of its
# value or the exception it raised), then stops itself with SIGSTOP for
# the test to evaluate the same from memory.
import json
import os
import re
import signal
import sys


class Marker:
    pass


class Plain:
    kind = 'plain'
    marker = Marker()
    count = 5
    ratio = 0.5

    def __init__(self):
        self.value = 7
        self.name = 'café'
        self.items = [1, 2]
        self.count = 6  # shadows the class attribute
        self.method = 'own'  # shadows a function: a non-data descriptor

    def method(self):
        return 1

    def other(self):
        return 2


class Child(Plain):
    pass


class Outer:
    def __init__(self):
        self.inner = Child()
        self.big = 2**100
        self.none = None


class WithProperty:
    @property
    def value(self):
        return 1


class WithGetattr:
    value = 3

    def __getattr__(self, name):
        return 42


class WithRepr:
    def __repr__(self):
        return 'WithRepr()'


class Slotted:
    __slots__ = ('x',)

    def __init__(self):
        self.x = 1


class Sub(list):
    pass


with_property = WithProperty()
with_property.__dict__['value'] = 5  # the property still wins
outer = Outer()
vars(outer)  # turns its split values into a real dict, the other layout
deep = []
for _ in range(20):
    deep = [deep]
rec = [1]
rec.append(rec)

ANCHORS = [
    Plain(),                                                     # 0
    [1, 2, 'x', None, True, 2.5],                                # 1
    {'a': 1, 'b': [2, 3], 7: 'seven', True: 'yes', None: 'no'},  # 2
    (1, 'two', 3.0),                                             # 3
    {1, 2, 3},                                                   # 4
    'naïve ☃ \U0001f600 \u00a0 "q" \'',                          # 5
    2**100,                                                      # 6
    with_property,                                               # 7
    WithGetattr(),                                               # 8
    json,                                                        # 9
    frozenset({'a'}),                                            # 10
    b'by\x00tes "\'',                                            # 11
    outer,                                                       # 12
    WithRepr(),                                                  # 13
    [1, WithRepr()],                                             # 14
    Slotted(),                                                   # 15
    float('nan'),                                                # 16
    {(1, 2): 3, 'k': 4},                                         # 17
    'new in Unicode 15: \U0001fae8',                             # 18
    Sub([1, 2]),                                                 # 19
    list(range(300)),                                            # 20
    deep,                                                        # 21
    rec,                                                         # 22
    'ab' * 3000,                                                 # 23
    -2**70,                                                      # 24
    [1.5, -0.0, 1e300, float('inf')],                            # 25
    10**700,                                                     # 26
    (),                                                          # 27
    {'d': {'e': set(), 'f': frozenset()}, 'g': (1,)},            # 28
    {1.0: 'one', 'k': 2},                                        # 29
]


def evaluate(src):
    try:
        value = eval(re.sub(r'\$(\d+)', r'ANCHORS[\1]', src), {'ANCHORS': ANCHORS})
        return {'repr': repr(value)}
    except Exception as e:
        return {'error': type(e).__name__}


results = [evaluate(src) for src in sys.argv[1:]]
print(json.dumps({'anchors': [id(a) for a in ANCHORS], 'results': results}), flush=True)
os.kill(os.getpid(), signal.SIGSTOP)
