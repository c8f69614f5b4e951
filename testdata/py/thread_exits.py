"""An uncaught exception in a thread, then the process ended from a non-main thread."""
import os
import threading
import time


def boom():
    raise ValueError("uncaught in a thread")


t = threading.Thread(target=boom)
t.start()
t.join()
print("after the thread's exception", flush=True)


def end():
    time.sleep(0.01)
    print("ending from a thread", flush=True)
    os._exit(3)


threading.Thread(target=end).start()
while True:
    time.sleep(0.005)
