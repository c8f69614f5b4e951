# A dict used on every line: its reference count never rests.
d = {}
for i in range(30000):
    d[i % 10] = i
d[10] = 0
for i in range(100):
    d[i % 10] = i
print(len(d))
