"""One-line loops: a for, a while, a list comprehension and a generator
expression, each on one line, so every turn is a backward jump that stays
on its line (a stop point 3.12's LINE event does not report)."""


def run():
    total = 0
    for i in range(1_000_000): total += i
    n = 1_000_000
    while n: n -= 1
    squares = [x * x for x in range(1_000_000)]
    evens = sum(x for x in range(1_000_000) if x % 2 == 0)
    return total + len(squares) + evens
