import multiprocessing as mp


def worker(name, inbox, outbox):
    while True:
        item = inbox.get()
        if item is None:
            break
        outbox.put((name, item * 2))


if __name__ == "__main__":
    ctx = mp.get_context("fork")
    inbox, outbox = ctx.Queue(), ctx.Queue()
    workers = [ctx.Process(target=worker, args=(n, inbox, outbox)) for n in ("a", "b")]
    for w in workers:
        w.start()
    for i in range(50):
        inbox.put(i)
    for _ in workers:
        inbox.put(None)
    got = sorted(outbox.get()[1] for _ in range(50))
    for w in workers:
        w.join()
    print("queue", len(got), sum(got), [w.exitcode for w in workers])
