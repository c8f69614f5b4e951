"""Starts a thread: recording threads is the next milestone, so rrpy must say so."""
import threading

print("before", flush=True)
t = threading.Thread(target=print, args=("in thread",))
t.start()
t.join()
print("after")
