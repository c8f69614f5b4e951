import os

total = 0
for i in range(3):
    total += i
pid = os.fork()
if pid == 0:
    x = total * 10
    print("child", x, flush=True)
    os._exit(3)
_, status = os.waitpid(pid, 0)
print("parent saw", os.waitstatus_to_exitcode(status))
