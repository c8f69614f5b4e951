import sys

words = sys.argv[1:]
count = len(words)
print("child got", count, "words:", " ".join(words), flush=True)
sys.exit(count)
