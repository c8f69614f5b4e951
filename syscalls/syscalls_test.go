//go:build linux && amd64

package syscalls

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
	"testing"
)

func TestNumbersMatchUnix(t *testing.T) {
	for _, s := range All() {
		want, ok := unixNumbers[s.Name]
		if !ok {
			t.Errorf("%s: no unix.SYS_%s constant", s.Name, strings.ToUpper(s.Name))
			continue
		}
		if s.Nr != want {
			t.Errorf("%s: Nr = %d, unix.SYS_%s = %d", s.Name, s.Nr, strings.ToUpper(s.Name), want)
		}
	}
	// A few numbers straight from arch/x86/entry/syscalls/syscall_64.tbl,
	// in case the constants themselves were wrong.
	kernel := map[string]int{"read": 0, "write": 1, "mmap": 9, "rt_sigreturn": 15, "clone": 56,
		"execve": 59, "exit_group": 231, "openat": 257, "newfstatat": 262, "statx": 332, "rseq": 334,
		"clone3": 435, "close_range": 436, "epoll_pwait2": 441}
	for name, nr := range kernel {
		if s, ok := ByName(name); !ok || s.Nr != nr {
			t.Errorf("ByName(%q) = %v, %v; want number %d", name, s, ok, nr)
		}
	}
}

func TestIndex(t *testing.T) {
	all := All()
	if len(all) != len(table) {
		t.Fatalf("All() has %d entries, table %d", len(all), len(table))
	}
	for i, s := range all {
		if i > 0 && all[i-1].Nr >= s.Nr {
			t.Errorf("All() not sorted: %v before %v", all[i-1], s)
		}
		if i > 0 && table[i-1].Nr >= table[i].Nr {
			t.Errorf("table not in number order: %s before %s", table[i-1].Name, table[i].Name)
		}
		if got, ok := Lookup(s.Nr); !ok || got != s {
			t.Errorf("Lookup(%d) = %v, %v; want %v", s.Nr, got, ok, s)
		}
		if got, ok := ByName(s.Name); !ok || got != s {
			t.Errorf("ByName(%q) = %v, %v; want %v", s.Name, got, ok, s)
		}
	}
	all[0] = nil
	if All()[0] == nil {
		t.Error("All() returned the shared slice")
	}
	for _, nr := range []int{-1, 472, 1000, 0x40000000} {
		if s, ok := Lookup(nr); ok {
			t.Errorf("Lookup(%d) = %v; want not found", nr, s)
		}
	}
	if s, ok := ByName("no_such_call"); ok {
		t.Errorf("ByName(no_such_call) = %v", s)
	}
}

func TestCoversSeen(t *testing.T) {
	f, err := os.Open("../../shared/syscalls-seen.txt")
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("../../shared/syscalls-seen.txt does not exist")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 {
			t.Errorf("malformed line %q", line)
			continue
		}
		n++
		if _, ok := ByName(fields[1]); !ok {
			t.Errorf("seen syscall %q is not in the table", fields[1])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Error("no syscalls read from syscalls-seen.txt")
	}
}

// required is the list of calls a CPython or small C program can make.
const required = `read write open openat close stat fstat lstat newfstatat statx poll lseek mmap
mprotect munmap brk rt_sigaction rt_sigprocmask rt_sigreturn ioctl pread64 pwrite64 readv
writev access pipe select sched_yield mremap msync mincore madvise dup dup2 pause nanosleep
getitimer alarm setitimer getpid sendfile socket connect accept sendto recvfrom sendmsg
recvmsg shutdown bind listen getsockname getpeername socketpair setsockopt getsockopt clone
fork vfork execve exit wait4 kill uname fcntl flock fsync fdatasync truncate ftruncate
getdents getcwd chdir fchdir rename mkdir rmdir creat link unlink symlink readlink chmod
fchmod chown fchown lchown umask gettimeofday getrlimit getrusage sysinfo times getuid
getgid setuid setgid geteuid getegid setpgid getppid getpgrp setsid setreuid setregid
getgroups setgroups getresuid getresgid getpgid getsid capget rt_sigpending
rt_sigtimedwait rt_sigsuspend sigaltstack statfs fstatfs getpriority setpriority
sched_setparam sched_getparam sched_setscheduler sched_getscheduler sched_get_priority_max
sched_get_priority_min sched_rr_get_interval sched_setattr sched_getattr mlock munlock
mlockall munlockall prctl arch_prctl setrlimit sync gettid readahead setxattr lsetxattr
fsetxattr getxattr lgetxattr fgetxattr listxattr llistxattr flistxattr removexattr
lremovexattr fremovexattr time futex sched_setaffinity sched_getaffinity set_tid_address
getdents64 fadvise64 clock_gettime clock_getres clock_nanosleep exit_group epoll_wait
epoll_ctl tgkill utimes mkdirat fchownat futimesat unlinkat renameat linkat symlinkat
readlinkat fchmodat faccessat pselect6 ppoll set_robust_list get_robust_list splice tee
utimensat epoll_pwait timerfd_create eventfd fallocate timerfd_settime timerfd_gettime
accept4 signalfd4 eventfd2 epoll_create1 dup3 pipe2 inotify_init1 preadv pwritev prlimit64
name_to_handle_at syncfs sendmmsg setns getcpu renameat2 seccomp getrandom memfd_create
copy_file_range preadv2 pwritev2 rseq pidfd_open clone3 close_range openat2 faccessat2
epoll_pwait2 membarrier tkill restart_syscall waitid execveat`

func TestCoversRequired(t *testing.T) {
	for _, name := range strings.Fields(required) {
		if _, ok := ByName(name); !ok {
			t.Errorf("required syscall %q is not in the table", name)
		}
	}
}

func TestPolicies(t *testing.T) {
	tests := []struct {
		policy    Policy
		mustMatch bool
		names     string
	}{
		{Execute, true, "brk munmap mprotect madvise arch_prctl set_robust_list mlock munlock mlockall munlockall mlock2 sigaltstack rt_sigaction rt_sigprocmask"},
		{Execute, false, "set_tid_address"},
		{Special, false, "mmap mremap execve execveat fork vfork clone exit exit_group rt_sigreturn kill tgkill tkill pidfd_send_signal rt_sigqueueinfo rt_tgsigqueueinfo prctl pause rt_sigsuspend restart_syscall"},
		{Refuse, false, "rseq clone3 io_uring_setup io_uring_enter io_uring_register io_setup io_destroy io_submit io_cancel io_getevents userfaultfd perf_event_open ptrace process_vm_writev kcmp bpf seccomp modify_ldt kexec_load kexec_file_load init_module finit_module delete_module personality"},
		{Emulate, false, "read write openat close newfstatat getitimer futex poll wait4 waitid getpid gettid ioctl fcntl select pselect6 recvmsg getdents64 getrandom process_vm_readv"},
	}
	for _, tt := range tests {
		for _, name := range strings.Fields(tt.names) {
			s, ok := ByName(name)
			if !ok {
				t.Errorf("%s missing", name)
				continue
			}
			if s.Policy != tt.policy || s.ResultMustMatch != tt.mustMatch {
				t.Errorf("%s: policy %v mustMatch %v; want %v %v", name, s.Policy, s.ResultMustMatch, tt.policy, tt.mustMatch)
			}
		}
	}
}

func TestPolicyString(t *testing.T) {
	for p, want := range map[Policy]string{Emulate: "emulate", Execute: "execute", Refuse: "refuse", Special: "special", 0: "Policy(0)", 9: "Policy(9)"} {
		if got := p.String(); got != want {
			t.Errorf("Policy(%d).String() = %q; want %q", p, got, want)
		}
	}
}

// fakeMem is tracee memory made of separate mapped segments.
type fakeMem map[uint64][]byte

func (m fakeMem) ReadMemory(addr uint64, buf []byte) error {
	for base, b := range m {
		if addr >= base && addr+uint64(len(buf)) <= base+uint64(len(b)) {
			copy(buf, b[addr-base:])
			return nil
		}
	}
	return fmt.Errorf("fake: %#x+%d not mapped", addr, len(buf))
}

// words encodes little-endian u64s, the layout of iovec arrays.
func words(vals ...uint64) []byte {
	b := make([]byte, 8*len(vals))
	for i, v := range vals {
		binary.LittleEndian.PutUint64(b[8*i:], v)
	}
	return b
}

func u32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// msghdrBytes lays out a struct msghdr as it is after recvmsg.
func msghdrBytes(name uint64, namelen uint32, iov, iovlen, control, controllen uint64) []byte {
	return words(name, uint64(namelen), iov, iovlen, control, controllen, 0)
}

func errno(e syscall.Errno) int64 { return -int64(e) }

func TestWrites(t *testing.T) {
	const erestartRestartblock = 516 // kernel-internal, seen at syscall-exit stops

	// An mmsghdr array of two entries for recvmmsg/sendmmsg.
	mmsg := append(msghdrBytes(0, 0, 0xa100, 1, 0, 0), words(5)...) // msg_len 5
	mmsg = append(mmsg, append(msghdrBytes(0xa300, 8, 0xa200, 1, 0, 0), words(7)...)...)

	mem := fakeMem{
		// readv: four iovecs, one of them empty.
		0x2000: words(0x3000, 10, 0x4000, 0, 0x5000, 20, 0x6000, 30),
		// recvmsg: msghdr with name, two iovecs and control data.
		0x7000: msghdrBytes(0x8000, 16, 0x9000, 2, 0xc000, 24),
		0x9000: words(0xa000, 8, 0xb000, 100),
		// recvmsg with no name and no control buffer.
		0x7100: msghdrBytes(0, 0, 0x9000, 2, 0, 0),
		// socklen_t words after the call.
		0xd000: u32(16),
		0xd100: u32(200), // larger than sockaddr_storage: truncated address
		0xd200: u32(4),   // getsockopt optlen
		// recvmmsg / sendmmsg
		0xe000: mmsg,
		0xa100: words(0xa500, 64),
		0xa200: words(0xa600, 64),
		// name_to_handle_at: handle_bytes = 12
		0xf000: u32(12),
	}

	tests := []struct {
		name   string
		call   string
		args   [6]uint64
		result int64
		want   []Region
	}{
		{"read result bytes", "read", [6]uint64{3, 0x1000, 100}, 42, []Region{{0x1000, 42}}},
		{"read EOF", "read", [6]uint64{3, 0x1000, 100}, 0, nil},
		{"read error", "read", [6]uint64{3, 0x1000, 100}, errno(syscall.EAGAIN), nil},
		{"pread64", "pread64", [6]uint64{3, 0x1000, 100, 7}, 100, []Region{{0x1000, 100}}},
		{"write writes nothing", "write", [6]uint64{1, 0x1000, 5}, 5, nil},
		{"stat", "stat", [6]uint64{0x100, 0x1000}, 0, []Region{{0x1000, 144}}},
		{"stat ENOENT", "stat", [6]uint64{0x100, 0x1000}, errno(syscall.ENOENT), nil},
		{"stat NULL buf", "stat", [6]uint64{0x100, 0}, 0, nil},
		{"newfstatat", "newfstatat", [6]uint64{3, 0x100, 0x1000, 0}, 0, []Region{{0x1000, 144}}},
		{"statx", "statx", [6]uint64{3, 0x100, 0, 0xfff, 0x1000}, 0, []Region{{0x1000, 256}}},
		{"uname", "uname", [6]uint64{0x1000}, 0, []Region{{0x1000, 390}}},
		{"gettimeofday NULL tz", "gettimeofday", [6]uint64{0x1000, 0}, 0, []Region{{0x1000, 16}}},
		{"wait4 NULL status", "wait4", [6]uint64{^uint64(0), 0, 0, 0x1000}, 1234, []Region{{0x1000, 144}}},
		{"wait4 status", "wait4", [6]uint64{^uint64(0), 0x1000, 0, 0}, 1234, []Region{{0x1000, 4}}},
		{"pipe2", "pipe2", [6]uint64{0x1000, 0}, 0, []Region{{0x1000, 8}}},
		{"time", "time", [6]uint64{0x1000}, 1700000000, []Region{{0x1000, 8}}},
		{"rt_sigaction old", "rt_sigaction", [6]uint64{2, 0x1000, 0x2000, 8}, 0, []Region{{0x2000, 32}}},
		{"rt_sigprocmask oldset", "rt_sigprocmask", [6]uint64{0, 0x1000, 0x2000, 8}, 0, []Region{{0x2000, 8}}},
		{"rt_sigprocmask no oldset", "rt_sigprocmask", [6]uint64{0, 0x1000, 0, 8}, 0, nil},
		{"rt_sigpending", "rt_sigpending", [6]uint64{0x1000, 8}, 0, []Region{{0x1000, 8}}},
		{"getcwd", "getcwd", [6]uint64{0x1000, 4096}, 12, []Region{{0x1000, 12}}},
		{"getrandom", "getrandom", [6]uint64{0x1000, 16, 0}, 16, []Region{{0x1000, 16}}},
		{"readlinkat", "readlinkat", [6]uint64{3, 0x100, 0x1000, 64}, 9, []Region{{0x1000, 9}}},
		{"getxattr size query writes nothing", "getxattr", [6]uint64{0x100, 0x200, 0x1000, 0}, 12, nil},
		{"getxattr value", "getxattr", [6]uint64{0x100, 0x200, 0x1000, 64}, 12, []Region{{0x1000, 12}}},
		{"flistxattr", "flistxattr", [6]uint64{3, 0x1000, 64}, 20, []Region{{0x1000, 20}}},
		{"getgroups count query", "getgroups", [6]uint64{0, 0x1000}, 5, nil},
		{"getgroups", "getgroups", [6]uint64{10, 0x1000}, 5, []Region{{0x1000, 20}}},
		{"sched_getaffinity", "sched_getaffinity", [6]uint64{0, 128, 0x1000}, 8, []Region{{0x1000, 8}}},
		{"epoll_wait", "epoll_wait", [6]uint64{4, 0x1000, 16, 0}, 2, []Region{{0x1000, 24}}},
		{"epoll_wait timeout", "epoll_wait", [6]uint64{4, 0x1000, 16, 0}, 0, nil},
		{"mincore", "mincore", [6]uint64{0x7000000, 8193, 0x1000}, 0, []Region{{0x1000, 3}}},

		{"readv spans iovecs", "readv", [6]uint64{3, 0x2000, 4}, 25, []Region{{0x3000, 10}, {0x5000, 15}}},
		{"readv fills all", "readv", [6]uint64{3, 0x2000, 4}, 60, []Region{{0x3000, 10}, {0x5000, 20}, {0x6000, 30}}},
		{"readv EOF reads no iovec", "readv", [6]uint64{3, 0x9999, 4}, 0, nil},
		{"preadv2", "preadv2", [6]uint64{3, 0x2000, 4, 0, 0, 0}, 5, []Region{{0x3000, 5}}},
		{"process_vm_readv fills the local iovecs", "process_vm_readv", [6]uint64{77, 0x2000, 4, 0x9999, 1, 0}, 25, []Region{{0x3000, 10}, {0x5000, 15}}},

		{"recvmsg", "recvmsg", [6]uint64{3, 0x7000, 0}, 20, []Region{
			{0x8000, 16}, {0x7008, 4}, {0xc000, 24}, {0x7028, 8}, {0x7030, 4}, {0xa000, 8}, {0xb000, 12}}},
		{"recvmsg no name no control", "recvmsg", [6]uint64{3, 0x7100, 0}, 3, []Region{
			{0x7108, 4}, {0x7128, 8}, {0x7130, 4}, {0xa000, 3}}},
		{"recvmsg error", "recvmsg", [6]uint64{3, 0x7000, 0}, errno(syscall.EAGAIN), nil},
		{"recvmmsg", "recvmmsg", [6]uint64{3, 0xe000, 2, 0, 0}, 2, []Region{
			{0xe008, 4}, {0xe028, 8}, {0xe030, 4}, {0xa500, 5}, {0xe038, 4},
			{0xa300, 8}, {0xe048, 4}, {0xe068, 8}, {0xe070, 4}, {0xa600, 7}, {0xe078, 4}}},
		{"sendmmsg", "sendmmsg", [6]uint64{3, 0xe000, 2, 0}, 1, []Region{{0xe038, 4}}},

		{"getsockname", "getsockname", [6]uint64{3, 0x1000, 0xd000}, 0, []Region{{0x1000, 16}, {0xd000, 4}}},
		{"getpeername truncated", "getpeername", [6]uint64{3, 0x1000, 0xd100}, 0, []Region{{0x1000, 128}, {0xd100, 4}}},
		{"accept4 NULL addr", "accept4", [6]uint64{3, 0, 0, 0}, 5, nil},
		{"accept NULL addr garbage addrlen", "accept", [6]uint64{3, 0, 0xdead0000}, 5, nil},
		{"accept addr", "accept", [6]uint64{3, 0x1000, 0xd000}, 5, []Region{{0x1000, 16}, {0xd000, 4}}},
		{"recvfrom truncated datagram", "recvfrom", [6]uint64{3, 0x1000, 100, 0x20, 0x3000, 0xd000}, 300, []Region{{0x1000, 100}, {0x3000, 16}, {0xd000, 4}}},
		{"recvfrom NULL src", "recvfrom", [6]uint64{3, 0x1000, 100, 0, 0, 0}, 10, []Region{{0x1000, 10}}},
		{"getsockopt", "getsockopt", [6]uint64{3, 1, 7, 0x1000, 0xd200}, 0, []Region{{0x1000, 4}, {0xd200, 4}}},

		{"poll", "poll", [6]uint64{0x1000, 3, 100}, 1, []Region{{0x1000, 24}}},
		{"poll EINTR writes revents", "poll", [6]uint64{0x1000, 3, 100}, errno(syscall.EINTR), []Region{{0x1000, 24}}},
		{"poll EFAULT", "poll", [6]uint64{0x1000, 3, 100}, errno(syscall.EFAULT), nil},
		{"ppoll", "ppoll", [6]uint64{0x1000, 2, 0x2000, 0, 8}, 0, []Region{{0x1000, 16}, {0x2000, 16}}},
		{"select", "select", [6]uint64{65, 0x1000, 0, 0x3000, 0x4000}, 1, []Region{{0x1000, 16}, {0x3000, 16}, {0x4000, 16}}},
		{"select no timeout", "select", [6]uint64{3, 0x1000, 0x2000, 0, 0}, 0, []Region{{0x1000, 8}, {0x2000, 8}}},
		{"select EINTR only timeout", "select", [6]uint64{65, 0x1000, 0, 0x3000, 0x4000}, errno(syscall.EINTR), []Region{{0x4000, 16}}},
		{"select EINVAL", "select", [6]uint64{65, 0x1000, 0, 0x3000, 0x4000}, errno(syscall.EINVAL), nil},
		{"pselect6", "pselect6", [6]uint64{64, 0x1000, 0x2000, 0x3000, 0x4000, 0x5000}, 2, []Region{{0x1000, 8}, {0x2000, 8}, {0x3000, 8}, {0x4000, 16}}},

		{"ioctl TCGETS", "ioctl", [6]uint64{0, 0x5401, 0x1000}, 0, []Region{{0x1000, 36}}},
		{"ioctl TCGETS high bits ignored", "ioctl", [6]uint64{0, 0xffffffff00005401, 0x1000}, 0, []Region{{0x1000, 36}}},
		{"ioctl TIOCGWINSZ", "ioctl", [6]uint64{1, 0x5413, 0x1000}, 0, []Region{{0x1000, 8}}},
		{"ioctl FIONREAD", "ioctl", [6]uint64{3, 0x541B, 0x1000}, 0, []Region{{0x1000, 4}}},
		{"ioctl TIOCGPGRP", "ioctl", [6]uint64{0, 0x540F, 0x1000}, 0, []Region{{0x1000, 4}}},
		{"ioctl TCGETS ENOTTY", "ioctl", [6]uint64{3, 0x5401, 0x1000}, errno(syscall.ENOTTY), nil},
		{"ioctl unknown request", "ioctl", [6]uint64{0, 0x5402, 0x1000}, 0, nil},
		{"fcntl F_GETLK", "fcntl", [6]uint64{3, 5, 0x1000}, 0, []Region{{0x1000, 32}}},
		{"fcntl F_SETLK", "fcntl", [6]uint64{3, 6, 0x1000}, 0, nil},
		{"fcntl F_GETFL", "fcntl", [6]uint64{3, 3, 0}, 2, nil},
		{"futex wait", "futex", [6]uint64{0x1000, 0 | 128, 1, 0, 0, 0}, 0, nil},
		{"futex wake_op private", "futex", [6]uint64{0x1000, 5 | 128, 1, 1, 0x2000, 0}, 1, []Region{{0x2000, 4}}},
		{"arch_prctl ARCH_GET_FS", "arch_prctl", [6]uint64{0x1003, 0x1000}, 0, []Region{{0x1000, 8}}},
		{"arch_prctl ARCH_SET_FS", "arch_prctl", [6]uint64{0x1002, 0x7f0000}, 0, nil},
		{"prctl PR_GET_NAME", "prctl", [6]uint64{16, 0x1000}, 0, []Region{{0x1000, 16}}},

		{"nanosleep EINTR rem", "nanosleep", [6]uint64{0x1000, 0x2000}, errno(syscall.EINTR), []Region{{0x2000, 16}}},
		{"nanosleep restart rem", "nanosleep", [6]uint64{0x1000, 0x2000}, -erestartRestartblock, []Region{{0x2000, 16}}},
		{"nanosleep EFAULT", "nanosleep", [6]uint64{0x1000, 0x2000}, errno(syscall.EFAULT), nil},
		{"nanosleep NULL rem", "nanosleep", [6]uint64{0x1000, 0}, errno(syscall.EINTR), nil},
		{"clock_nanosleep EINTR", "clock_nanosleep", [6]uint64{1, 0, 0x1000, 0x2000}, errno(syscall.EINTR), []Region{{0x2000, 16}}},
		{"clock_gettime error", "clock_gettime", [6]uint64{99, 0x1000}, errno(syscall.EINVAL), nil},

		{"name_to_handle_at", "name_to_handle_at", [6]uint64{3, 0x100, 0xf000, 0x2000, 0}, 0, []Region{{0xf000, 20}, {0x2000, 4}}},
		{"sendfile offset", "sendfile", [6]uint64{1, 3, 0x1000, 10}, 10, []Region{{0x1000, 8}}},
		{"mmap declares nothing", "mmap", [6]uint64{0, 4096, 3, 0x22, ^uint64(0), 0}, 0x7f0000000000, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ok := ByName(tt.call)
			if !ok {
				t.Fatalf("%s not in table", tt.call)
			}
			got, err := s.Writes(tt.args, tt.result, mem)
			if err != nil {
				t.Fatalf("Writes: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Writes = %v; want %v", got, tt.want)
			}
		})
	}
}

func TestWritesErrors(t *testing.T) {
	tests := []struct {
		name    string
		call    string
		args    [6]uint64
		result  int64
		mem     MemoryReader
		wantMsg string
	}{
		{"unmapped iovec", "readv", [6]uint64{3, 0x2000, 2}, 10, fakeMem{}, "read iovec at 0x2000"},
		{"no reader", "getsockname", [6]uint64{3, 0x1000, 0xd000}, 0, nil, "no memory reader"},
		{"unmapped msghdr", "recvmsg", [6]uint64{3, 0x7000, 0}, 1, fakeMem{}, "read msghdr at 0x7000"},
		{"too many iovecs", "readv", [6]uint64{3, 0x2000, 5000}, 10, fakeMem{}, "exceeds UIO_MAXIOV"},
		{"unmapped socklen", "accept", [6]uint64{3, 0x1000, 0xd000}, 4, fakeMem{}, "read length at 0xd000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := ByName(tt.call)
			_, err := s.Writes(tt.args, tt.result, tt.mem)
			if err == nil || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("Writes error = %v; want one containing %q", err, tt.wantMsg)
			}
			if !strings.HasPrefix(err.Error(), tt.call) {
				t.Errorf("error %q does not name the call", err)
			}
		})
	}
}

func TestKnownIoctl(t *testing.T) {
	for req, want := range map[uint64]bool{0x5401: true, 0x5413: true, 0x541B: true, 0x540F: true, 0x5402: true, 0x5421: true, 0x4242: false} {
		if got := KnownIoctl(req); got != want {
			t.Errorf("KnownIoctl(%#x) = %v; want %v", req, got, want)
		}
	}
}

// Every output of every entry must be computable without panicking, for
// any result, with a reader that has nothing mapped.
func TestWritesNeverPanics(t *testing.T) {
	args := [6]uint64{0x1000, 0x2000, 0x3000, 0x4000, 0x5000, 0x6000}
	for _, s := range All() {
		for _, res := range []int64{0, 1, 64, errno(syscall.EINTR), errno(syscall.EFAULT)} {
			_, _ = s.Writes(args, res, fakeMem{})
			_, _ = s.Writes([6]uint64{}, res, nil)
		}
	}
}

func TestValidate(t *testing.T) {
	bad := []Syscall{
		{Nr: 1, Name: "x", Args: args("a"), Policy: 0},
		{Nr: 1, Name: "x", Args: args("a"), Policy: Emulate, Outputs: outs(fixed(1, 8))},
		{Nr: 1, Name: "x", Args: args("a", "b"), Policy: Emulate, Outputs: outs(iovecs(0, 2))},
		{Nr: 1, Name: "x", Args: args("a"), Policy: Emulate, ResultMustMatch: true},
		{Nr: 1, Name: "x", Args: args("a", "b"), Policy: Emulate, Outputs: outs(byArg(0, 1, when(1, fixed(3, 4))))},
	}
	for i, s := range bad {
		if err := s.validate(); err == nil {
			t.Errorf("bad entry %d validated", i)
		}
	}
}

func TestIoctlOutputs(t *testing.T) {
	sc, _ := ByName("ioctl")
	const argp = 0x1000
	cases := []struct {
		name    string
		request uint64
		want    int
	}{
		{"SIOCGIFHWADDR fills an ifreq", unix.SIOCGIFHWADDR, 40},
		{"TCGETS fills a kernel termios", unix.TCGETS, 36},
		{"FIONBIO writes nothing", reqFIONBIO, 0},
		{"_IOR request decoded from its encoding", 0x80085000 | 0x42, 8},
	}
	for _, c := range cases {
		regions, err := sc.Writes([6]uint64{3, c.request, argp}, 0, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got := 0
		for _, r := range regions {
			got += r.Len
		}
		if got != c.want {
			t.Errorf("%s: %d bytes, want %d", c.name, got, c.want)
		}
		if !KnownIoctl(c.request) {
			t.Errorf("%s: not known", c.name)
		}
	}
	if KnownIoctl(0x4242) {
		t.Errorf("an unencoded request no case lists must be unknown")
	}
}
