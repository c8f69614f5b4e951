package session

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/sys/unix"

	"rrpy/ptrace"
	"rrpy/trace"
)

// mmap redoes a recorded mapping at its recorded address. A file-backed
// one maps the file's content as recorded, from the blob store, so that
// a file changed or deleted since does not change the replay.
func (r *replayer) mmap(t *rtask, regs ptrace.Regs, ev *trace.Event) error {
	if isError(ev.Result) {
		return nil // the program saw the error; nothing to map
	}
	args := ev.Args
	args[0] = uint64(ev.Result)
	const sharing = unix.MAP_SHARED | unix.MAP_PRIVATE
	if args[3]&unix.MAP_FIXED == 0 {
		args[3] |= unix.MAP_FIXED_NOREPLACE
	}
	fd := -1
	switch {
	case ev.Blob != "":
		var err error
		if fd, err = r.openBlob(t, regs, ev); err != nil {
			return err
		}
		// A private copy: the blob store must never be written through.
		args[3] = args[3]&^(sharing|unix.MAP_FIXED_NOREPLACE) | unix.MAP_PRIVATE | unix.MAP_FIXED
		args[4] = uint64(fd)
	case args[3]&unix.MAP_ANONYMOUS == 0:
		// A device or other non-file mapping: anonymous memory stands in.
		args[3] |= unix.MAP_ANONYMOUS
		args[4] = ^uint64(0)
	}
	got, err := r.inject(t, regs, unix.SYS_MMAP, args)
	if fd >= 0 {
		if _, cerr := r.inject(t, regs, unix.SYS_CLOSE, [6]uint64{uint64(fd)}); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return err
	}
	if got != ev.Result {
		return r.diverge(fmt.Sprintf("%s mapped at %s here, %#x when recorded",
			describeEvent(ev), describeResult(got), ev.Result))
	}
	return nil
}

// openBlob opens the stored copy of a mapped file inside the tracee,
// writing its path below the red zone for the duration of the call.
func (r *replayer) openBlob(t *rtask, regs ptrace.Regs, ev *trace.Event) (int, error) {
	if !r.opts.Blobs.Has(ev.Blob) {
		return -1, fmt.Errorf("event %d: the stored copy of %s (blob %s) is missing from %s",
			r.index, ev.Path, ev.Blob, r.opts.Blobs.Dir())
	}
	path := append([]byte(r.opts.Blobs.Path(ev.Blob)), 0)
	at := (regs.Rsp - redZone - uint64(len(path))) &^ 15
	saved := make([]byte, len(path))
	if err := t.proc.ReadMemory(at, saved); err != nil {
		return -1, err
	}
	if err := t.proc.WriteMemory(at, path); err != nil {
		return -1, err
	}
	fd, err := r.inject(t, regs, unix.SYS_OPENAT, [6]uint64{uint64(atFDCWD), at, unix.O_RDONLY | unix.O_CLOEXEC})
	if werr := t.proc.WriteMemory(at, saved); err == nil {
		err = werr
	}
	if err != nil {
		return -1, err
	}
	if fd < 0 {
		return -1, fmt.Errorf("event %d: open stored copy of %s: %w", r.index, ev.Path, unix.Errno(-fd))
	}
	return int(fd), nil
}

// redZone is the x86-64 ABI's 128 bytes below rsp that leaf code may use.
const redZone = 128

// atFDCWD is AT_FDCWD as a register holds it.
var atFDCWD int64 = unix.AT_FDCWD

// readIovecs gathers the first n bytes an iovec array points to.
func readIovecs(p *ptrace.Proc, addr uint64, count, n int) ([]byte, error) {
	raw := make([]byte, 16*count)
	if err := p.ReadMemory(addr, raw); err != nil {
		return nil, err
	}
	out := make([]byte, 0, n)
	for i := 0; i < count && len(out) < n; i++ {
		base := binary.LittleEndian.Uint64(raw[16*i:])
		l := int(min(binary.LittleEndian.Uint64(raw[16*i+8:]), uint64(n-len(out))))
		buf := make([]byte, l)
		if err := p.ReadMemory(base, buf); err != nil {
			return nil, err
		}
		out = append(out, buf...)
	}
	return out, nil
}
