"""signal.alarm, then a loop with no syscall until the handler ran."""
import signal

fired = False


def on_alarm(signum, frame):
    global fired
    fired = True


signal.signal(signal.SIGALRM, on_alarm)
signal.alarm(1)
n = 0
while not fired:
    n += 1
print("alarm seen", n > 0)
