"""An exception caught, and another raised in its place: the one the
main script dies of was raised in load, not in parse."""


def parse(s):
    return int(s)


def load(items):
    out = []
    for s in items:
        try:
            out.append(parse(s))
        except ValueError:
            raise RuntimeError(f"bad item {s!r}")
    return out


load(["1", "2", "x"])
