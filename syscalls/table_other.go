//go:build !(linux && amd64)

package syscalls

// The table describes x86-64 Linux, with the numbers x/sys/unix gives for
// it; on other platforms it is empty and every call is unknown, so that
// rrpy builds there and says it cannot record.
var table []Syscall

// KnownIoctl reports whether the table knows what an ioctl request
// writes: here it knows none.
func KnownIoctl(uint64) bool { return false }
