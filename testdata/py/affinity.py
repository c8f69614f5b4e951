"""The CPUs the program, and a child of it, may run on: as without rrpy."""
import os
import subprocess
import sys

print("program", sorted(os.sched_getaffinity(0)))
child = "import os; print(sorted(os.sched_getaffinity(0)))"
print("child", subprocess.run([sys.executable, "-c", child], capture_output=True, text=True).stdout.strip())
