"""Calls: a small function called 2M times, and 100,000 calls that end
by an exception (returns by exception are stop points too)."""


def add(a, b):
    return a + b


def fail(i):
    raise ValueError(i)


def run():
    total = 0
    for i in range(2_000_000):
        total = add(total, i)
    for i in range(100_000):
        try:
            fail(i)
        except ValueError:
            total += 1
    return total
