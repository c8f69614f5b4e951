"""process_vm_readv of the program's own pid, as test_external_inspection
reads a stack: the bytes it copies into the local buffer replay as
recorded (repro vm_readv.py)."""
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
src, dst = ctypes.create_string_buffer(b"hello"), ctypes.create_string_buffer(5)
local, remote = iovec(ctypes.addressof(dst), 5), iovec(ctypes.addressof(src), 5)
n = libc.process_vm_readv(os.getpid(), ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
print(dst.raw if n == 5 else os.strerror(ctypes.get_errno()))
