"""Threads that sleep and print with timestamps; the interleaving must replay as recorded."""
import threading
import time

lock = threading.Lock()


def sleeper(n):
    for i in range(5):
        time.sleep(0.002 * (n + 1))
        with lock:
            print(f"thread {n} step {i} at {time.monotonic():.6f}", flush=True)


threads = [threading.Thread(target=sleeper, args=(n,)) for n in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("joined", threading.active_count())
