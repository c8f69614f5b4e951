"""Loops that stay on one line, a comprehension, a generator and an
exception: where sys.settrace and sys.monitoring differ most."""


def gen(n):
    for i in range(n):
        yield i * i


def fails():
    raise ValueError("no")


total = 0
for i in range(3): total += i
while total < 10: total += 1
squares = [x * x for x in range(4)]
evens = sum(v for v in gen(5) if v % 2 == 0)
try:
    fails()
except ValueError:
    total += 1
print(total, squares, evens)
