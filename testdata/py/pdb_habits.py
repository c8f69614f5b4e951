"""pdb's habits in rrpy's shell: frames, breakpoints, return values."""


def scale(value, factor=2, *rest, **options):
    result = value * factor
    return result


def total(limit):
    acc = 0
    for i in range(limit):
        acc += scale(i)
    return acc


print(total(5))
