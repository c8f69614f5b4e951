"""A CPU-bound thread holds the GIL while another prints every 10 ms."""
import threading
import time

done = False


def printer():
    i = 0
    while not done:
        print("tick", i, flush=True)
        i += 1
        time.sleep(0.01)


t = threading.Thread(target=printer)
t.start()
total = 0
for i in range(10_000_000):
    total += i * i
print("computed", total, flush=True)
done = True
t.join()
