"""Counts in a dict for ever, printing as it goes: for tests that cut the
recording off while the program runs."""
import os
import time

state = {"n": 0}
print("pid", os.getpid(), flush=True)
while True:
    state["n"] += 1
    print("tick", state["n"], flush=True)
    time.sleep(0.005)
