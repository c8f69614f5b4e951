import collections


class Point:
    def __repr__(self):
        return "Point(1, 2)"


p = Point()
od = collections.OrderedDict(a=1)
dq = collections.deque([1, 2])
print("done")
