"""A ThreadPoolExecutor mapping a function over 1,000 items."""
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor


def work(i):
    return hashlib.sha256(str(i).encode() + os.urandom(4)).hexdigest()[:8]


with ThreadPoolExecutor(max_workers=4) as pool:
    results = list(pool.map(work, range(1000)))
print(len(results), results[0], results[-1], len(set(results)))
