"""Reads and writes files; the replay must not touch the disk and still print the same bytes."""
import os
import sys

work = sys.argv[1]
path = os.path.join(work, "data.txt")
with open(path, "w") as f:
    for i in range(100):
        f.write(f"line {i} {os.urandom(4).hex()}\n")
with open(path) as f:
    lines = f.readlines()
print("lines", len(lines), "last", lines[-1].strip())
st = os.stat(path)
print("size", st.st_size, "mtime", int(st.st_mtime))
print("listing", sorted(os.listdir(work)))
os.rename(path, path + ".old")
print("exists", os.path.exists(path), os.path.exists(path + ".old"))
