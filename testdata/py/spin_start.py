# One thread computes without a syscall while the main thread starts and
# joins short threads: each new thread must get turns beside the spinner.
import threading, time
stop = False
def spin():
    while not stop:
        pass
busy = threading.Thread(target=spin); busy.start()
for i in range(20):
    t = threading.Thread(target=time.sleep, args=(0.001,)); t.start(); t.join()
stop = True; busy.join()
print("started and joined 20 threads beside a spinning one")
