"""rrpy's benchmark workloads: python3 workloads.py NAME [DIR]."""
import os
import sys


def cpu():
    # A pure-Python loop: no syscalls, so recording costs nothing here.
    total = 0
    for i in range(3_000_000):
        total += i * i % 7
    print(total)


def files(work):
    # Syscall-heavy: create, then stat and read, 2,000 small files.
    os.makedirs(work, exist_ok=True)
    for i in range(2000):
        with open(os.path.join(work, f"f{i}"), "w") as f:
            f.write("x" * (i % 100))
    size = 0
    for name in os.listdir(work):
        path = os.path.join(work, name)
        size += os.stat(path).st_size
        with open(path) as f:
            size += len(f.read())
    print(size)


if __name__ == "__main__":
    if sys.argv[1] == "cpu":
        cpu()
    else:
        files(sys.argv[2])
