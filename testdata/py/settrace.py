"""The program replaces the trace function: rrpy must say so."""
import sys


def tracer(frame, event, arg):
    return None


x = 1
sys.settrace(tracer)
y = 2
print("traced", x + y)
