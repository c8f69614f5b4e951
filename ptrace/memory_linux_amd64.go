package ptrace

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Region is a span of tracee memory.
type Region struct {
	Addr uint64
	Len  int
}

// ReadMemory fills buf from tracee memory at addr.
func (p *Proc) ReadMemory(addr uint64, buf []byte) error {
	if len(buf) == 0 {
		return nil
	}
	local := []unix.Iovec{{Base: &buf[0]}}
	local[0].SetLen(len(buf))
	remote := []unix.RemoteIovec{{Base: uintptr(addr), Len: len(buf)}}
	n, err := unix.ProcessVMReadv(p.Pid, local, remote, 0)
	if err != nil {
		return fmt.Errorf("read %d bytes at %#x of pid %d: %w", len(buf), addr, p.Pid, err)
	}
	if n != len(buf) {
		return fmt.Errorf("read %d bytes at %#x of pid %d: only %d readable", len(buf), addr, p.Pid, n)
	}
	return nil
}

// ReadRegions reads several spans in one process_vm_readv where it can.
func (p *Proc) ReadRegions(regions []Region) ([][]byte, error) {
	out := make([][]byte, len(regions))
	local := make([]unix.Iovec, 0, len(regions))
	remote := make([]unix.RemoteIovec, 0, len(regions))
	total := 0
	for i, r := range regions {
		out[i] = make([]byte, r.Len)
		if r.Len == 0 {
			continue
		}
		iov := unix.Iovec{Base: &out[i][0]}
		iov.SetLen(r.Len)
		local = append(local, iov)
		remote = append(remote, unix.RemoteIovec{Base: uintptr(r.Addr), Len: r.Len})
		total += r.Len
	}
	if total == 0 {
		return out, nil
	}
	// The kernel caps one call at IOV_MAX iovecs; fall back to one read a
	// region when a batch is too long or only partly readable, so that the
	// error names the region at fault.
	if len(local) <= 1024 {
		if n, err := unix.ProcessVMReadv(p.Pid, local, remote, 0); err == nil && n == total {
			return out, nil
		}
	}
	for i, r := range regions {
		if err := p.ReadMemory(r.Addr, out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// WriteMemory writes data into tracee memory at addr, through
// /proc/PID/mem so that read-only pages (code) can be written too.
func (p *Proc) WriteMemory(addr uint64, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	if p.mem == nil {
		f, err := os.OpenFile(fmt.Sprintf("/proc/%d/mem", p.Pid), os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("open memory of pid %d: %w", p.Pid, err)
		}
		p.mem = f
	}
	n, err := p.mem.WriteAt(data, int64(addr))
	if err != nil {
		return fmt.Errorf("write %d bytes at %#x of pid %d: %w", len(data), addr, p.Pid, err)
	}
	if n != len(data) {
		return fmt.Errorf("write %d bytes at %#x of pid %d: only %d written", len(data), addr, p.Pid, n)
	}
	return nil
}

func (p *Proc) closeMem() {
	if p.mem != nil {
		p.mem.Close()
		p.mem = nil
	}
}
