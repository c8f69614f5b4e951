# A 4 GiB sparse file mapped (as test_mmap's large-file tests do): rrpy
# stores it without reading or writing its holes.
import mmap, tempfile
with tempfile.TemporaryFile() as f:
    f.seek((4 << 30) - 3)
    f.write(b"end")
    f.flush()
    with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        print(len(m), m[-3:], m[1 << 31])
