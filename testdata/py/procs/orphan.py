import os
import time

if os.fork() == 0:
    time.sleep(1)
    print("the child outlived its parent", flush=True)
    os._exit(0)
print("the parent ends", flush=True)
