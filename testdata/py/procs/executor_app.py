from concurrent.futures import ProcessPoolExecutor


def square(n):
    return n * n


if __name__ == "__main__":
    with ProcessPoolExecutor(4) as ex:
        print("executor", sum(ex.map(square, range(100))))
