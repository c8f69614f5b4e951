"""A signal that comes while the main thread computes, just after another
thread's read returned: the signal is held for the main thread's next
syscall, and the other thread must not run from there, or it finds the GIL
held where replay, which stops the main thread only at its syscalls, finds
it free (repro of test_asyncio.test_subprocess's divergence)."""
import os, signal, threading, time
got = []
signal.signal(signal.SIGUSR1, lambda s, f: got.append(s))
r, w = os.pipe()
parent = os.getpid()
if os.fork() == 0:
    for _ in range(40):
        os.write(w, b"x")                # wakes the worker
        time.sleep(0.002)
        os.kill(parent, signal.SIGUSR1)  # comes while the main thread computes
        time.sleep(0.01)
    os._exit(0)
seen = []
def worker():
    for _ in range(40):
        seen.append(os.read(r, 1))
t = threading.Thread(target=worker)
t.start()
while t.is_alive():
    time.sleep(0)                        # the GIL released around a syscall
    sum(range(200000))                   # then held while computing
t.join()
os.wait()
print(len(seen), len(got) > 0)
