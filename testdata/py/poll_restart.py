"""A SIGCHLD that arrives while poll() blocks, with no handler: the kernel
restarts the poll with restart_syscall, which writes the revents (repro
poll_restart.py of the fidelity harness's test_multiprocessing_main_handling)."""
import subprocess, sys
# The child exits at 1 s; its own child keeps the pipes open until 2 s
# (margins for a loaded machine, where the recording is slow to reach poll).
code = "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(2)']); time.sleep(1)"
child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
print(child.communicate())        # poll()s both pipes: SIGCHLD comes in the middle
