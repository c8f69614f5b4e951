"""Calls to step over and out of."""


def square(n):
    return n * n


def total(limit):
    for i in range(limit):
        s = square(i)
    return s


print(total(3))
