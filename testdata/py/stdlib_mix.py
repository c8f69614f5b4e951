"""Imports half the standard library and prints what each gives; replay must print the same bytes."""
import datetime
import hashlib
import json
import os
import random
import socket
import tempfile
import uuid

print("now", datetime.datetime.now().isoformat())
print("uuid4", uuid.uuid4())
print("uuid1", uuid.uuid1())
print("sha256", hashlib.sha256(os.urandom(32)).hexdigest())
print("json", json.dumps({"r": random.random(), "n": random.randint(0, 10**9)}, sort_keys=True))
print("host", socket.gethostname())
with tempfile.TemporaryDirectory() as d:
    print("tmpdir", d)
    with tempfile.NamedTemporaryFile(dir=d, delete=False) as f:
        print("tmpfile", os.path.basename(f.name))
print("id", id(object()) % 4096)
print("cwd", os.getcwd())
