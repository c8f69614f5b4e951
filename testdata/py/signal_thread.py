"""A signal sent with pthread_kill to a thread blocked in a sleep, while the
main thread goes on: recorded after other threads' events (repro tsig2.py)."""
import signal, threading, time
got = []
signal.signal(signal.SIGUSR1, lambda s, f: got.append(s))
def worker():
    time.sleep(1.0)   # blocked in clock_nanosleep when the signal comes
t = threading.Thread(target=worker); t.start()
time.sleep(0.3)
signal.pthread_kill(t.ident, signal.SIGUSR1)
t.join()
print("handled", len(got))
