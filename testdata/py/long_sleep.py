"""A worker sleeps 6 s while the main thread joins it: nothing spins, so rrpy must not warn."""
import threading
import time

t = threading.Thread(target=time.sleep, args=(6,))
t.start()
t.join()
print("joined")
