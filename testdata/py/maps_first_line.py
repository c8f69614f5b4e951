"""Programs take the first line of /proc/self/maps for the executable's,
as CPython's _testexternalinspection does (test_external_inspection):
rrpy's own mapping must not come before it."""
import os, sys
with open("/proc/self/maps") as f:
    first = f.readline().split()
print("first mapping is the executable:", first[-1] == os.path.realpath(sys.executable))
