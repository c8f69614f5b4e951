"""setitimer with a handler while the main thread sleeps."""
import signal, time
n = [0]
def h(s, f): n[0] += 1
signal.signal(signal.SIGALRM, h)
signal.setitimer(signal.ITIMER_REAL, 0.05, 0.05)
t0 = time.time()
while n[0] < 5:
    time.sleep(0.02)
signal.setitimer(signal.ITIMER_REAL, 0)
print("ticks", n[0], round(time.time() - t0, 1) >= 0)
