"""bench/clock's harness: python harness.py EXTDIR MODE WORKLOAD SHIFT.

Runs WORKLOAD's run() once under MODE (plain, settrace or monitoring) and
prints the seconds it took, installing and removing the clock included,
and the stop points the clock counted. SHIFT blank lines are put before
the workload's source: sys.monitoring hands line numbers to callbacks as
ints, and only those up to 256 are preallocated. main.go runs it once
per process so that no run inherits another's instrumentation (DISABLEd
locations, frame objects, warm caches).
"""
import os
import sys
import time

# A sys.monitoring tool id (0-5) that PEP 669 does not suggest for
# debuggers, coverage tools, profilers or optimizers.
TOOL = 4


def monitoring_on(clock):
    m = sys.monitoring
    E = m.events
    m.use_tool_id(TOOL, "bench")
    m.register_callback(TOOL, E.LINE, clock.line)
    m.register_callback(TOOL, E.PY_START, clock.start)
    m.register_callback(TOOL, E.PY_RETURN, clock.ret)
    m.register_callback(TOOL, E.PY_YIELD, clock.ret)
    m.register_callback(TOOL, E.PY_UNWIND, clock.unwind)
    m.register_callback(TOOL, E.JUMP, clock.jump)
    m.set_events(TOOL, E.LINE | E.PY_START | E.PY_RETURN | E.PY_YIELD | E.PY_UNWIND | E.JUMP)


def monitoring_off(clock):
    sys.monitoring.set_events(TOOL, 0)
    sys.monitoring.free_tool_id(TOOL)


def settrace_on(clock):
    clock.settrace(True)


def settrace_off(clock):
    clock.settrace(False)


def nothing(clock):
    pass


MODES = {
    "plain": (nothing, nothing),
    "settrace": (settrace_on, settrace_off),
    "monitoring": (monitoring_on, monitoring_off),
}


def load(name, shift):
    # Compiled here rather than imported, to put the lines where asked.
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name + ".py")
    with open(path) as f:
        source = "\n" * shift + f.read()
    namespace = {"__name__": name}
    exec(compile(source, path, "exec"), namespace)
    return namespace["run"]


def main():
    extdir, mode, name, shift = sys.argv[1:5]
    sys.path.insert(0, extdir)
    import _clock

    disable = sys.monitoring.DISABLE if hasattr(sys, "monitoring") else None
    _clock.init(1 << 63, disable)
    run = load(name, int(shift))
    on, off = MODES[mode]
    t0 = time.perf_counter()
    on(_clock)
    run()
    off(_clock)
    t1 = time.perf_counter()
    print(f"{t1 - t0:.6f} {_clock.count()}")


main()
