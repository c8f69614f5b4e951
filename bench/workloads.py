"""rrpy's benchmark workloads: python3 workloads.py NAME [DIR]."""
import os
import sys


def cpu():
    # A pure-Python loop: no syscalls, so recording costs nothing here.
    total = 0
    for i in range(3_000_000):
        total += i * i % 7
    print(total)


def files(work):
    # Syscall-heavy: create, then stat and read, 2,000 small files.
    os.makedirs(work, exist_ok=True)
    for i in range(2000):
        with open(os.path.join(work, f"f{i}"), "w") as f:
            f.write("x" * (i % 100))
    size = 0
    for name in os.listdir(work):
        path = os.path.join(work, name)
        size += os.stat(path).st_size
        with open(path) as f:
            size += len(f.read())
    print(size)


def threads(work):
    # A thread pool reading files: 4 threads, 2,000 reads.
    from concurrent.futures import ThreadPoolExecutor

    os.makedirs(work, exist_ok=True)
    for i in range(200):
        with open(os.path.join(work, f"t{i}"), "w") as f:
            f.write("y" * i)

    def read(i):
        with open(os.path.join(work, f"t{i % 200}")) as f:
            return len(f.read())

    with ThreadPoolExecutor(max_workers=4) as pool:
        print(sum(pool.map(read, range(2000))))


def mixed():
    # Typical code: JSON round trips and string processing, 20,000 times.
    import json

    words = []
    for i in range(20_000):
        doc = {"id": i, "name": f"item-{i}", "tags": ["a", "b", str(i % 7)], "price": i * 0.5}
        back = json.loads(json.dumps(doc))
        words.append(back["name"].upper().replace("-", "_") + ":" + ",".join(back["tags"]))
    print(len(" ".join(words).split()))


def stops(n):
    # n stop points: each turn of the loop is two line starts.
    total = 0
    for i in range(n // 2):
        total += i
    print(total)


class Box:
    pass


def watched(n):
    # A watchpoint's search: box.attr and len(items) change, then n stop
    # points of a loop leave them alone.
    global box, items
    box, items = Box(), []
    box.attr = 1
    items.append(1)
    total = 0
    for i in range(n // 2):
        total += i
    print(total)


def hot(n):
    # An object whose reference count changes on every line: the worst
    # case for finding when an object was made.
    global d
    d = {}
    for i in range(n // 2):
        d[i % 10] = i
    print(len(d))


def getppid(n):
    # n of the cheapest syscall there is: what a traced syscall costs
    # rrpy, with next to nothing of Python around it.
    for _ in range(n):
        os.getppid()


def subprocesses():
    # 100 runs of /bin/true.
    import subprocess

    print(sum(subprocess.run(["/bin/true"]).returncode for _ in range(100)))


def calls():
    # A call-heavy loop: 2M calls of a small function, where the clock
    # hears a start and a return for each line it runs.
    def add(a, b):
        return a + b

    total = 0
    for i in range(2_000_000):
        total = add(total, i % 7)
    print(total)


def pipeline():
    # Work passed through queues: a producer, three stages, a consumer,
    # 4,000 items; each hand-over wakes a thread that needs the GIL.
    import queue, threading

    stages = [queue.Queue(maxsize=16) for _ in range(4)]

    def stage(src, dst):
        while (item := src.get()) is not None:
            dst.put(item * 2 + 1)
        dst.put(None)

    workers = [threading.Thread(target=stage, args=(stages[i], stages[i + 1])) for i in range(3)]
    for w in workers:
        w.start()
    total = 0

    def consume():
        nonlocal total
        while (item := stages[3].get()) is not None:
            total += item

    consumer = threading.Thread(target=consume)
    consumer.start()
    for i in range(4000):
        stages[0].put(i)
    stages[0].put(None)
    for w in workers + [consumer]:
        w.join()
    print(total)


def printing(megabytes):
    # print() of 100-byte lines; run with PYTHONUNBUFFERED=1 (as many
    # containers set it), each print is its own write.
    line = "x" * 99
    for _ in range(megabytes * 10_000):
        print(line)


def server(port_file, requests):
    # A ThreadingHTTPServer answering REQUESTS requests (from a client
    # process outside the recording), then exiting.
    import http.server

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = f"hello {self.path}\n".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler) as httpd:
        with open(port_file + ".tmp", "w") as f:
            f.write(str(httpd.server_address[1]))
        os.rename(port_file + ".tmp", port_file)
        for _ in range(requests):
            httpd.handle_request()
    print("served", requests)


def client(port_file, requests):
    # The server's client: waits for its port, then asks REQUESTS times.
    import time, urllib.request

    while not os.path.exists(port_file):
        time.sleep(0.01)
    port = open(port_file).read()
    for i in range(requests):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/{i}") as r:
            r.read()


class Particle:
    def __init__(self, i):
        self.x = i
        self.v = i % 7 - 3

    def move(self):
        self.x += self.v
        if self.x < 0 or self.x > 1000:
            self.v = -self.v
        return self.x


def objects_rare(step):
    return step * 2  # runs once every `every` rounds: bcontinue's target


def objects_never():
    return None  # never runs: a breakpoint no move hits


def objects(n, every=10000):
    # About n stop points of objects, method calls, dicts and lists, in
    # rounds of ~700 stop points, with a heap that stays the same size;
    # objects_rare runs once every `every` rounds.
    parts = [Particle(i) for i in range(100)]
    counts = {}
    recent = []
    for step in range(max(1, n // 700)):
        for p in parts:
            x = p.move()
            counts[x % 97] = counts.get(x % 97, 0) + 1
        recent.append(sorted(counts.values())[-3:])
        if len(recent) > 200:
            del recent[:100]
        if step % every == every - 1:
            objects_rare(step)
    print(sum(counts.values()))


def square_sum(n):
    return sum(i * i for i in range(n))


def pool():
    # multiprocessing.Pool(4).map over 200 items of CPU work: the workers
    # are recorded with the parent (issue 15).
    import multiprocessing

    with multiprocessing.Pool(4) as p:
        print(sum(p.map(square_sum, range(2000, 2200))))


def pychildren():
    # 100 runs of a Python child, each recorded.
    import subprocess

    print(sum(subprocess.run([sys.executable, "-c", "pass"]).returncode for _ in range(100)))


if __name__ == "__main__":
    name = sys.argv[1]
    if name == "cpu":
        cpu()
    elif name == "files":
        files(sys.argv[2])
    elif name == "threads":
        threads(sys.argv[2])
    elif name == "pipeline":
        pipeline()
    elif name == "print":
        printing(int(sys.argv[2]))
    elif name == "server":
        server(sys.argv[2], int(sys.argv[3]))
    elif name == "client":
        client(sys.argv[2], int(sys.argv[3]))
    elif name == "mixed":
        mixed()
    elif name == "calls":
        calls()
    elif name == "stops":
        stops(int(sys.argv[2]))
    elif name == "objects":
        objects(*map(int, sys.argv[2:4]))
    elif name == "watched":
        watched(int(sys.argv[2]))
    elif name == "hot":
        hot(int(sys.argv[2]))
    elif name == "getppid":
        getppid(int(sys.argv[2]))
    elif name == "pool":
        pool()
    elif name == "pychildren":
        pychildren()
    else:
        subprocesses()
