"""A program that uses sys.monitoring itself, as coverage.py's sysmon
core does (tool 1): rrpy's clock (tool 4) and its own must both work."""
import sys

mon = sys.monitoring
mon.use_tool_id(mon.COVERAGE_ID, "cov")
seen = set()


def line(code, lineno):
    seen.add((code.co_name, lineno))
    return mon.DISABLE


mon.register_callback(mon.COVERAGE_ID, mon.events.LINE, line)
mon.set_events(mon.COVERAGE_ID, mon.events.LINE)


def square(n):
    return n * n


total = 0
for i in range(5):
    total += square(i)
mon.set_events(mon.COVERAGE_ID, 0)
print("total", total, "lines seen", len(seen))
