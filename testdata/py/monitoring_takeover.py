"""A program that takes sys.monitoring's tool 4, rrpy's clock: rrpy must
say where."""
import sys

mon = sys.monitoring
x = 1
try:
    mon.use_tool_id(4, "mine")
except ValueError as e:
    print("refused:", e)
mon.register_callback(4, mon.events.LINE, lambda code, line: None)
y = 2
print("done", x + y)
