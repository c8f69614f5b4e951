"""A SIGTERM handler, SIGCHLD from a finishing child, os.system, and os._exit."""
import os
import signal
import subprocess
import time

got = []
signal.signal(signal.SIGTERM, lambda s, f: got.append("TERM"))
os.kill(os.getpid(), signal.SIGTERM)
print("handled", got, flush=True)
signal.signal(signal.SIGCHLD, lambda s, f: got.append("CHLD"))
subprocess.run(["true"])
time.sleep(0.05)
print("sigchld", "CHLD" in got, flush=True)
print("system status", os.system("echo from-the-child > /dev/null"), flush=True)
os._exit(5)
