"""signal.alarm(1) then signal.pause(): the handler runs at the same point on replay."""
import signal, time
fired = []
signal.signal(signal.SIGALRM, lambda s, f: fired.append(time.time()))
signal.alarm(1)
signal.pause()
print("alarm fired", len(fired), fired[0] > 0)
