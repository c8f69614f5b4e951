import multiprocessing as mp
import sys


class Stats:
    calls = 0


def work(n):
    Stats.calls += 1
    acc = 0
    for i in range(n):
        acc += i * i
    return acc


if __name__ == "__main__":
    method = sys.argv[1]
    with mp.get_context(method).Pool(4) as pool:
        results = pool.map(work, range(200, 400))
    print(method, len(results), sum(results))
