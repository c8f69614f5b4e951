"""posix_spawn, whose child shares the parent's memory until it execs (clone
with CLONE_VM|CLONE_VFORK) and reports a failed exec there (repro
exec_fails.py: subprocess on 3.13 spawns this way)."""
import os
try:
    pid = os.posix_spawn("/no/such/program", ["program"], os.environ)
    print("spawned; the child exited with", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
except OSError as e:
    print("OSError:", e)
pid = os.posix_spawn("/bin/true", ["true"], os.environ)
print("true exited with", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
