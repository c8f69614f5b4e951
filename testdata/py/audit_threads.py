"""An audit hook written in Python, as CPython's test runner installs,
and new threads: rrpy's clock is installed in each thread without the
hook seeing it (the program audits nothing it did not do itself)."""
import sys
import threading

seen = []
sys.addaudithook(lambda event, args: seen.append(event) if event.startswith("sys.") else None)


def work(n):
    return sum(range(n))


threads = [threading.Thread(target=work, args=(100000,)) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("threads done, audited:", sorted(set(seen)))
