import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
done = subprocess.run([sys.executable, os.path.join(here, "child.py"), "alpha", "beta"])
print("python child exited", done.returncode, flush=True)
lines = subprocess.run("ls / | wc -l", shell=True, capture_output=True, text=True)
print("pipeline printed a number:", lines.stdout.strip().isdigit(), flush=True)
print("os.system exited", os.system("exit 4") >> 8)
