"""Prints its pid and a line every few milliseconds, for tests that stop the recording midway."""
import os
import sys
import time

print("pid", os.getpid(), flush=True)
for i in range(int(sys.argv[1])):
    print("tick", i, flush=True)
    time.sleep(0.01)
print("done", flush=True)
