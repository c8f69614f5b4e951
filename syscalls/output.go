package syscalls

import (
	"encoding/binary"
	"errors"
	"fmt"
	"syscall"
)

// OutputKind is the closed set of ways the kernel writes tracee memory.
type OutputKind uint8

const (
	// Fixed: Size bytes at pointer arg Arg (struct stat, timespec...).
	Fixed OutputKind = iota + 1
	// ResultSized: result*Size bytes at pointer arg Arg (read buffers,
	// epoll events, getgroups). If CountArg >= 0 the element count is
	// capped by that argument, because some calls return a length larger
	// than what they wrote (recvfrom with MSG_TRUNC, getxattr with size 0).
	ResultSized
	// ArgSized: ceil(arg CountArg / Per) * Size bytes at pointer arg Arg
	// (sigset of size arg, pollfd array, fd_set bitmaps, mincore vector).
	ArgSized
	// ValueResult: a struct at pointer arg Arg whose length is the u32 at
	// pointer arg CountArg after the call (socklen_t), capped at Size when
	// Size > 0; the u32 length word itself is written too.
	ValueResult
	// Iovec: the iovec array at arg Arg with CountArg entries is filled in
	// order with result bytes (readv, preadv).
	Iovec
	// Msghdr: the struct msghdr at arg Arg (recvmsg): msg_name and
	// msg_namelen, the iovecs filled with result bytes, msg_control and
	// msg_controllen, msg_flags.
	Msghdr
	// MmsgRecv: the first result entries of the struct mmsghdr array at arg
	// Arg (recvmmsg), each one like Msghdr with msg_len bytes, plus msg_len.
	MmsgRecv
	// MmsgSent: msg_len of the first result entries of the struct mmsghdr
	// array at arg Arg (sendmmsg).
	MmsgSent
	// FileHandle: struct file_handle at arg Arg, 8 header bytes plus the
	// handle_bytes it holds after the call (name_to_handle_at).
	FileHandle
	// Switch: the outputs depend on the value of arg Arg masked with Mask
	// (ioctl request, fcntl command, futex op); the first matching Case
	// applies, and no case means no outputs.
	Switch
)

// Output describes one piece of tracee memory the kernel writes. Build
// outputs with the constructors used by the table; the meaning of each field
// depends on Kind (see the OutputKind constants).
//
// A NULL pointer is skipped. An output is taken only when the result is
// >= 0, unless OnError is set (see OnError).
type Output struct {
	Kind OutputKind
	// Arg is the index of the pointer argument (the selector for Switch).
	Arg int
	// CountArg is the index of the argument that gives a length, count or
	// cap, or -1 when there is none.
	CountArg int
	// Size is the struct size, element size or length cap.
	Size int
	// Per is, for ArgSized, how many units of the count argument make one
	// element (64 bits per fd_set word, 4096 bytes per mincore page).
	Per int
	// OnError means the kernel also writes this output when the call fails
	// (nanosleep's rem on EINTR, select's remaining timeout). It is then
	// taken for any error except EFAULT and EINVAL, where the kernel gave up
	// before writing. Taking it when the kernel did not in fact write is
	// harmless: replay writes back the bytes that were already there.
	OnError bool
	// IoctlEncoded, on a Switch over an ioctl request, decodes the size of
	// a request no case lists from its _IOC encoding.
	IoctlEncoded bool
	// Mask and Cases are for Switch.
	Mask  uint64
	Cases []Case
}

// Case is one alternative of a Switch output.
type Case struct {
	Value   uint64
	Outputs []Output
}

// MemoryReader reads tracee memory; Writes needs it for iovecs, msghdrs and
// value-result lengths.
type MemoryReader interface {
	ReadMemory(addr uint64, buf []byte) error
}

// Region is a span of tracee memory.
type Region struct {
	Addr uint64
	Len  int
}

// Kernel structure sizes and limits used when walking tracee memory.
const (
	iovecSize        = 16   // struct iovec
	msghdrSize       = 56   // struct msghdr
	mmsghdrSize      = 64   // struct mmsghdr: msghdr + msg_len + padding
	sockaddrMax      = 128  // sizeof(struct sockaddr_storage)
	uioMaxIOV        = 1024 // UIO_MAXIOV: the kernel refuses longer iovec arrays
	maxRegion        = 1 << 30
	maxMmsg          = 1024 // UIO_MAXIOV caps vlen for recvmmsg/sendmmsg too
	msgNameOff       = 0
	msgNamelenOff    = 8
	msgIovOff        = 16
	msgIovlenOff     = 24
	msgControlOff    = 32
	msgControllenOff = 40
	msgFlagsOff      = 48
	mmsgLenOff       = 56
)

// Writes returns the regions the kernel wrote during a call with these entry
// arguments and this result. It is called at the syscall-exit stop, so
// lengths the kernel updated (socklen_t, msg_controllen) are read as they
// are after the call. Regions with Len 0 are omitted.
func (s *Syscall) Writes(args [6]uint64, result int64, mem MemoryReader) ([]Region, error) {
	w := writer{args: args, result: result, mem: mem}
	for _, o := range s.Outputs {
		if err := w.add(o); err != nil {
			return nil, fmt.Errorf("%s outputs: %w", s.Name, err)
		}
	}
	return w.regions, nil
}

// writer accumulates the regions of one call.
type writer struct {
	args    [6]uint64
	result  int64
	mem     MemoryReader
	regions []Region
}

// emit appends a region, skipping NULL pointers and empty lengths.
func (w *writer) emit(addr uint64, n int64) error {
	if addr == 0 || n <= 0 {
		return nil
	}
	if n > maxRegion {
		return fmt.Errorf("implausible output size %d at %#x", n, addr)
	}
	w.regions = append(w.regions, Region{Addr: addr, Len: int(n)})
	return nil
}

// taken reports whether output o applies to this call's result.
func (w *writer) taken(o Output) bool {
	if w.result >= 0 {
		return true
	}
	errno := syscall.Errno(-w.result)
	return o.OnError && errno != syscall.EFAULT && errno != syscall.EINVAL
}

func (w *writer) add(o Output) error {
	// A Switch is always evaluated: its cases decide for themselves whether
	// they apply to an error result.
	if o.Kind != Switch && !w.taken(o) {
		return nil
	}
	ptr := w.args[o.Arg]
	switch o.Kind {
	case Fixed:
		return w.emit(ptr, int64(o.Size))
	case ResultSized:
		return w.emit(ptr, w.resultCount(o)*int64(o.Size))
	case ArgSized:
		return w.argSized(ptr, o)
	case ValueResult:
		return w.valueResult(ptr, w.args[o.CountArg], o.Size)
	case Iovec:
		return w.iovecs(ptr, w.args[o.CountArg], w.result)
	case Msghdr:
		return w.msghdr(ptr, w.result)
	case MmsgRecv:
		return w.mmsgRecv(ptr, w.mmsgCount(o))
	case MmsgSent:
		for i := int64(0); i < w.mmsgCount(o); i++ {
			if err := w.emit(ptr+uint64(i)*mmsghdrSize+mmsgLenOff, 4); err != nil {
				return err
			}
		}
		return nil
	case FileHandle:
		return w.fileHandle(ptr)
	case Switch:
		return w.switchCase(o)
	}
	return fmt.Errorf("unknown output kind %d", o.Kind)
}

// resultCount is the result, capped by the count argument when there is
// one.
func (w *writer) resultCount(o Output) int64 {
	n := w.result
	if o.CountArg >= 0 {
		if c := w.args[o.CountArg]; c < uint64(n) {
			n = int64(c)
		}
	}
	return n
}

func (w *writer) argSized(ptr uint64, o Output) error {
	count := w.args[o.CountArg]
	per := uint64(max(o.Per, 1))
	if count > maxRegion {
		return fmt.Errorf("implausible count %d for output at %#x", count, ptr)
	}
	elems := (count + per - 1) / per
	return w.emit(ptr, int64(elems)*int64(o.Size))
}

// mmsgCount is the number of mmsghdr entries the call processed.
func (w *writer) mmsgCount(o Output) int64 {
	return min(w.resultCount(o), maxMmsg)
}

// valueResult handles a struct whose length the kernel stores in a u32 at
// lenPtr. The kernel copies min(old length, real length) bytes and stores the
// real length; only the latter is visible after the call, so a truncated
// address may be over-recorded up to limit, which is harmless.
func (w *writer) valueResult(ptr, lenPtr uint64, limit int) error {
	if ptr == 0 || lenPtr == 0 {
		// With no buffer the kernel ignores the length pointer, which may
		// then be garbage, so it is not read.
		return nil
	}
	n, err := w.readU32(lenPtr)
	if err != nil {
		return fmt.Errorf("read length at %#x: %w", lenPtr, err)
	}
	length := int64(n)
	if limit > 0 {
		length = min(length, int64(limit))
	}
	if err := w.emit(ptr, length); err != nil {
		return err
	}
	return w.emit(lenPtr, 4)
}

// iovecs records n bytes spread in order over the iovec array at iovPtr.
func (w *writer) iovecs(iovPtr, count uint64, n int64) error {
	if iovPtr == 0 || count == 0 || n <= 0 {
		return nil
	}
	if count > uioMaxIOV {
		return fmt.Errorf("iovec count %d at %#x exceeds UIO_MAXIOV", count, iovPtr)
	}
	buf := make([]byte, count*iovecSize)
	if err := w.read(iovPtr, buf); err != nil {
		return fmt.Errorf("read iovec at %#x: %w", iovPtr, err)
	}
	for i := 0; i < int(count) && n > 0; i++ {
		base := binary.LittleEndian.Uint64(buf[i*iovecSize:])
		length := binary.LittleEndian.Uint64(buf[i*iovecSize+8:])
		take := min(int64(min(length, maxRegion)), n)
		if err := w.emit(base, take); err != nil {
			return err
		}
		n -= take
	}
	return nil
}

// msghdr records what recvmsg wrote through the struct msghdr at ptr, given
// that n bytes of data were received.
func (w *writer) msghdr(ptr uint64, n int64) error {
	if ptr == 0 {
		return nil
	}
	hdr := make([]byte, msghdrSize)
	if err := w.read(ptr, hdr); err != nil {
		return fmt.Errorf("read msghdr at %#x: %w", ptr, err)
	}
	return w.msghdrFrom(ptr, hdr, n)
}

// msghdrFrom is msghdr with the header already read.
func (w *writer) msghdrFrom(ptr uint64, hdr []byte, n int64) error {
	le := binary.LittleEndian
	name := le.Uint64(hdr[msgNameOff:])
	namelen := le.Uint32(hdr[msgNamelenOff:])
	iov := le.Uint64(hdr[msgIovOff:])
	iovlen := le.Uint64(hdr[msgIovlenOff:])
	control := le.Uint64(hdr[msgControlOff:])
	controllen := le.Uint64(hdr[msgControllenOff:])

	// After the call msg_namelen is the real address length and
	// msg_controllen the number of control bytes written.
	steps := []struct {
		addr uint64
		n    int64
	}{
		{name, min(int64(namelen), sockaddrMax)},
		{ptr + msgNamelenOff, 4},
		{control, int64(min(controllen, maxRegion))},
		{ptr + msgControllenOff, 8},
		{ptr + msgFlagsOff, 4},
	}
	for _, st := range steps {
		if err := w.emit(st.addr, st.n); err != nil {
			return err
		}
	}
	if err := w.iovecs(iov, iovlen, n); err != nil {
		return fmt.Errorf("msghdr at %#x: %w", ptr, err)
	}
	return nil
}

// mmsgRecv records count received entries of the mmsghdr array at ptr.
func (w *writer) mmsgRecv(ptr uint64, count int64) error {
	if ptr == 0 || count <= 0 {
		return nil
	}
	buf := make([]byte, count*mmsghdrSize)
	if err := w.read(ptr, buf); err != nil {
		return fmt.Errorf("read mmsghdr array at %#x: %w", ptr, err)
	}
	for i := int64(0); i < count; i++ {
		entry := buf[i*mmsghdrSize : (i+1)*mmsghdrSize]
		addr := ptr + uint64(i)*mmsghdrSize
		n := int64(binary.LittleEndian.Uint32(entry[mmsgLenOff:]))
		if err := w.msghdrFrom(addr, entry[:msghdrSize], n); err != nil {
			return err
		}
		if err := w.emit(addr+mmsgLenOff, 4); err != nil {
			return err
		}
	}
	return nil
}

// fileHandle records a struct file_handle: u32 handle_bytes, int
// handle_type, then handle_bytes bytes.
func (w *writer) fileHandle(ptr uint64) error {
	if ptr == 0 {
		return nil
	}
	n, err := w.readU32(ptr)
	if err != nil {
		return fmt.Errorf("read file_handle at %#x: %w", ptr, err)
	}
	return w.emit(ptr, 8+int64(n))
}

func (w *writer) switchCase(o Output) error {
	v := w.args[o.Arg] & o.Mask
	for _, c := range o.Cases {
		if c.Value != v {
			continue
		}
		for _, sub := range c.Outputs {
			if err := w.add(sub); err != nil {
				return fmt.Errorf("case %#x: %w", v, err)
			}
		}
		return nil
	}
	if n := iocRead(v); o.IoctlEncoded && n > 0 {
		return w.add(fixed(ioctlArgp, n))
	}
	return nil
}

// read reads tracee memory; outputs that need it fail cleanly without a
// reader instead of panicking.
func (w *writer) read(addr uint64, buf []byte) error {
	if w.mem == nil {
		return errors.New("no memory reader")
	}
	return w.mem.ReadMemory(addr, buf)
}

func (w *writer) readU32(addr uint64) (uint32, error) {
	var b [4]byte
	if err := w.read(addr, b[:]); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b[:]), nil
}

// validate checks that o refers only to arguments 0..nargs-1.
func (o Output) validate(nargs int) error {
	if o.Kind < Fixed || o.Kind > Switch {
		return fmt.Errorf("bad output kind %d", o.Kind)
	}
	if o.Arg < 0 || o.Arg >= nargs {
		return fmt.Errorf("output %v: arg %d out of range", o.Kind, o.Arg)
	}
	needsCount := o.Kind == ArgSized || o.Kind == ValueResult || o.Kind == Iovec
	if o.CountArg >= nargs || o.CountArg < -1 || (needsCount && o.CountArg < 0) {
		return fmt.Errorf("output %v: count arg %d out of range", o.Kind, o.CountArg)
	}
	for _, c := range o.Cases {
		for _, sub := range c.Outputs {
			if err := sub.validate(nargs); err != nil {
				return fmt.Errorf("case %#x: %w", c.Value, err)
			}
		}
	}
	return nil
}

// String returns the kind's name.
func (k OutputKind) String() string {
	names := [...]string{"", "fixed", "result-sized", "arg-sized", "value-result",
		"iovec", "msghdr", "mmsg-recv", "mmsg-sent", "file-handle", "switch"}
	if int(k) < len(names) && k != 0 {
		return names[k]
	}
	return fmt.Sprintf("OutputKind(%d)", uint8(k))
}

// ioctlArgp is the index of ioctl's argument pointer.
const ioctlArgp = 2

// iocRead is the size an _IOC-encoded request says the kernel writes
// back, or 0.
func iocRead(request uint64) int {
	const iocReadDir = 2
	if (request>>30)&3&iocReadDir == 0 {
		return 0
	}
	return int((request >> 16) & 0x3fff)
}
