"""history of a value that changes at every turn of a loop."""
items = []
for i in range(2000):
    items.append(i)
print(len(items))
