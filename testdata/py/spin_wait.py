"""One thread spins on a flag another sets after a sleep: no syscall from the spinner."""
import threading
import time

flag = False


def setter():
    global flag
    time.sleep(0.1)
    flag = True


threading.Thread(target=setter).start()
while not flag:
    pass
print("flag seen")
