"""A SIGCHLD wakes the main thread in its futex wait (the kernel's
ERESTARTSYS), but the worker thread takes it first: the main thread's wait
is restarted with no signal of its own (repro of test_asyncio.test_events'
divergence)."""
import os, signal, threading, time
signal.signal(signal.SIGCHLD, lambda s, f: None)
done = threading.Event()
def worker():
    for _ in range(100):
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        for _ in range(50):
            time.sleep(0.0002)          # syscalls while the SIGCHLD is pending
        os.waitpid(pid, 0)
    done.set()
threading.Thread(target=worker).start()
done.wait()                             # the main thread waits in a futex
print("done")
