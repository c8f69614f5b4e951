"""A pure-Python loop: 3M turns of arithmetic over several lines."""


def run():
    total = 0
    for i in range(3_000_000):
        a = i * i
        b = a % 7
        total += b
    return total
