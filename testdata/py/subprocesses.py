"""Runs other programs; the recorded process sees them only through its syscalls."""
import os
import subprocess
import sys

work = sys.argv[1]
r = subprocess.run(["ls", "-la", work], capture_output=True)
print("ls status", r.returncode, "lines", len(r.stdout.splitlines()))
with subprocess.Popen(["printf", "a\\nb\\nc\\n"], stdout=subprocess.PIPE, text=True) as p:
    for line in p.stdout:
        print("popen line", line.strip())
pid = os.fork()
if pid == 0:
    os._exit(7)
print("fork child status", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
