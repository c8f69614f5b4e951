"""A semaphore in memory shared with a child process (multiprocessing's,
mapped from /dev/shm): the child's release is no syscall of the program."""
import multiprocessing as mp
if __name__ == "__main__":
    ctx = mp.get_context("fork")
    sem = ctx.Semaphore(0)
    child = ctx.Process(target=sem.release)
    child.start()
    child.join()
    print("acquired:", sem.acquire(timeout=5))
