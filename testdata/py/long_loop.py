"""Many stop points on one line, for moves long enough to interrupt."""
import sys

total = 0
for i in range(int(sys.argv[1])):
    total += i
print(total)
