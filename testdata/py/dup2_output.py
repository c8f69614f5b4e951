"""Writes to fd 1 while dup2 put a temporary file there: the terminal gets
only the last line, recorded or replayed (repro dup2.py)."""
import os, tempfile
fd, path = tempfile.mkstemp(); os.unlink(path)
saved = os.dup(1)
os.dup2(fd, 1)
os.write(1, b"this went to a temp file, not the terminal\n")
os.dup2(saved, 1)
os.lseek(fd, 0, 0)
print("visible; the file holds", os.read(fd, 100))
