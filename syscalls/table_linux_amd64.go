//go:build linux && amd64

package syscalls

import "golang.org/x/sys/unix"

// ioctl requests whose outputs are known. Any other request is treated as
// writing nothing: the recorder should warn about it (see KnownIoctl),
// because if it does write memory replay will diverge.
const (
	reqFIONREAD = unix.TIOCINQ // FIONREAD and TIOCINQ are the same request
	reqFIONBIO  = 0x5421       // asm-generic/ioctls.h; x/sys/unix names none of these three
	reqFIONCLEX = 0x5450
	reqFIOCLEX  = 0x5451
)

var ioctlOutputs = ioctlSwitch(byArg(1, 0xffffffff, // the request is an unsigned int
	when(unix.TCGETS, fixed(2, sizeTermios)),
	when(unix.TCGETS2, fixed(2, sizeTermios2)),
	when(unix.TIOCGWINSZ, fixed(2, sizeWinsize)),
	when(reqFIONREAD, fixed(2, sizeInt)),
	when(unix.TIOCOUTQ, fixed(2, sizeInt)),
	when(unix.TIOCGPGRP, fixed(2, sizeInt)),
	when(unix.TIOCGSID, fixed(2, sizeInt)),
	when(unix.TIOCGPTN, fixed(2, sizeInt)),
	// Network interface queries (uuid.getnode, socket.if_nameindex) fill
	// a struct ifreq.
	when(unix.SIOCGIFNAME, fixed(2, sizeIfreq)),
	when(unix.SIOCGIFFLAGS, fixed(2, sizeIfreq)),
	when(unix.SIOCGIFADDR, fixed(2, sizeIfreq)),
	when(unix.SIOCGIFDSTADDR, fixed(2, sizeIfreq)),
	when(unix.SIOCGIFBRDADDR, fixed(2, sizeIfreq)),
	when(unix.SIOCGIFNETMASK, fixed(2, sizeIfreq)),
	when(unix.SIOCGIFMTU, fixed(2, sizeIfreq)),
	when(unix.SIOCGIFHWADDR, fixed(2, sizeIfreq)),
	when(unix.SIOCGIFINDEX, fixed(2, sizeIfreq)),
	// Requests that write nothing into the caller's memory.
	when(reqFIOCLEX), when(reqFIONCLEX), when(reqFIONBIO),
	when(unix.TCSETS), when(unix.TCSETSW), when(unix.TCSETSF), when(unix.TCFLSH),
	when(unix.TIOCSWINSZ), when(unix.TIOCSPGRP),
))

// ioctlSwitch marks the ioctl switch: a request it does not list but
// which encodes a read direction and a size (_IOR, _IOWR) writes that
// many bytes at its argument.
func ioctlSwitch(o Output) Output {
	o.IoctlEncoded = true
	return o
}

// KnownIoctl reports whether the table knows what an ioctl request writes.
// For unknown requests ioctl declares no outputs.
func KnownIoctl(request uint64) bool {
	if iocRead(request) > 0 {
		return true
	}
	for _, c := range ioctlOutputs.Cases {
		if c.Value == request&ioctlOutputs.Mask {
			return true
		}
	}
	return false
}

// fcntl commands that write through arg 2; the others return a value or
// only read memory.
var fcntlOutputs = byArg(1, 0xffffffff,
	when(unix.F_GETLK, fixed(2, sizeFlock)),
	when(unix.F_OFD_GETLK, fixed(2, sizeFlock)),
	when(unix.F_GETOWN_EX, fixed(2, sizeFOwnerEx)),
)

// futex operations that modify futex words (PI locking, WAKE_OP); plain
// WAIT and WAKE write nothing. The mask drops FUTEX_PRIVATE_FLAG and
// FUTEX_CLOCK_REALTIME.
const (
	futexWakeOp        = 5
	futexLockPI        = 6
	futexUnlockPI      = 7
	futexTrylockPI     = 8
	futexWaitRequeuePI = 11
	futexCmpRequeuePI  = 12
	futexLockPI2       = 13
)

var futexOutputs = byArg(1, 0x7f,
	when(futexWakeOp, fixed(4, sizeInt)),
	when(futexLockPI, fixed(0, sizeInt)),
	when(futexUnlockPI, fixed(0, sizeInt)),
	when(futexTrylockPI, fixed(0, sizeInt)),
	when(futexWaitRequeuePI, fixed(0, sizeInt), fixed(4, sizeInt)),
	when(futexCmpRequeuePI, fixed(0, sizeInt), fixed(4, sizeInt)),
	when(futexLockPI2, fixed(0, sizeInt)),
)

// prctl options that write through arg 1. prctl is Special, but the session
// still uses these to record what the kernel wrote.
var prctlOutputs = byArg(0, 0xffffffff,
	when(unix.PR_GET_PDEATHSIG, fixed(1, sizeInt)),
	when(unix.PR_GET_UNALIGN, fixed(1, sizeInt)),
	when(unix.PR_GET_FPEMU, fixed(1, sizeInt)),
	when(unix.PR_GET_FPEXC, fixed(1, sizeInt)),
	when(unix.PR_GET_NAME, fixed(1, 16)), // TASK_COMM_LEN
	when(unix.PR_GET_ENDIAN, fixed(1, sizeInt)),
	when(unix.PR_GET_TSC, fixed(1, sizeInt)),
	when(unix.PR_GET_CHILD_SUBREAPER, fixed(1, sizeInt)),
	when(unix.PR_GET_TID_ADDRESS, fixed(1, sizeLong)),
)

// arch_prctl codes that write through arg 1.
const (
	archGetFS = 0x1003
	archGetGS = 0x1004
)

var archPrctlOutputs = byArg(0, 0xffffffff,
	when(archGetFS, fixed(1, sizeLong)),
	when(archGetGS, fixed(1, sizeLong)),
)

// syslog actions that fill the buffer.
var syslogOutputs = byArg(0, 0xffffffff,
	when(2, resultBytes(1, 2)), // SYSLOG_ACTION_READ
	when(3, resultBytes(1, 2)), // SYSLOG_ACTION_READ_ALL
	when(4, resultBytes(1, 2)), // SYSLOG_ACTION_READ_CLEAR
)

// select and pselect6: the three fd_sets (written only on success) and the
// remaining timeout (also written when interrupted).
// clone writes the new task's tid where the flags ask: replay's thread has
// another tid, and the program must see the recorded one.
var cloneOutputs = outs(
	byArg(0, unix.CLONE_PARENT_SETTID, when(unix.CLONE_PARENT_SETTID, fixed(2, sizeInt))),
	byArg(0, unix.CLONE_CHILD_SETTID, when(unix.CLONE_CHILD_SETTID, fixed(3, sizeInt))),
)

var selectOutputs = outs(bitmap(1, 0), bitmap(2, 0), bitmap(3, 0), onError(fixed(4, sizeTimeval)))

// table is the x86-64 syscall table, in number order. Notes on policy:
//   - Execute with ResultMustMatch: calls that shape the address space, the
//     signal state or the thread's kernel registrations, which replay needs
//     for real so execution and signal delivery stay faithful.
//   - Special: calls the session handles by name (processes, exec, memory
//     mappings, signals sent or waited for, prctl, restart_syscall).
//   - Refuse: calls whose effects can't be recorded or replayed (io_uring,
//     AIO, ptrace, BPF, cross-process memory access, System V IPC, obsolete
//     or privileged-kernel calls). glibc falls back on ENOSYS for rseq and
//     clone3.
//   - Emulate: everything else; replay just writes back the result and the
//     outputs.
var table = []Syscall{
	{Nr: unix.SYS_READ, Name: "read", Args: args("fd", "buf", "count"), Policy: Emulate, Outputs: outs(resultBytes(1, 2))},
	{Nr: unix.SYS_WRITE, Name: "write", Args: args("fd", "buf", "count"), Policy: Emulate, Visible: true},
	{Nr: unix.SYS_OPEN, Name: "open", Args: args("pathname", "flags", "mode"), Policy: Emulate},
	{Nr: unix.SYS_CLOSE, Name: "close", Args: args("fd"), Policy: Emulate},
	{Nr: unix.SYS_STAT, Name: "stat", Args: args("pathname", "statbuf"), Policy: Emulate, Outputs: outs(fixed(1, sizeStat))},
	{Nr: unix.SYS_FSTAT, Name: "fstat", Args: args("fd", "statbuf"), Policy: Emulate, Outputs: outs(fixed(1, sizeStat))},
	{Nr: unix.SYS_LSTAT, Name: "lstat", Args: args("pathname", "statbuf"), Policy: Emulate, Outputs: outs(fixed(1, sizeStat))},
	{Nr: unix.SYS_POLL, Name: "poll", Args: args("fds", "nfds", "timeout"), Policy: Emulate, Outputs: outs(onError(argElems(0, 1, sizePollfd)))},
	{Nr: unix.SYS_LSEEK, Name: "lseek", Args: args("fd", "offset", "whence"), Policy: Emulate},
	{Nr: unix.SYS_MMAP, Name: "mmap", Args: args("addr", "length", "prot", "flags", "fd", "offset"), Policy: Special, Private: true},
	{Nr: unix.SYS_MPROTECT, Name: "mprotect", Args: args("addr", "len", "prot"), Policy: Execute, ResultMustMatch: true, Private: true},
	{Nr: unix.SYS_MUNMAP, Name: "munmap", Args: args("addr", "length"), Policy: Execute, ResultMustMatch: true, Private: true},
	{Nr: unix.SYS_BRK, Name: "brk", Args: args("addr"), Policy: Execute, ResultMustMatch: true, Private: true},
	{Nr: unix.SYS_RT_SIGACTION, Name: "rt_sigaction", Args: args("signum", "act", "oldact", "sigsetsize"), Policy: Execute, ResultMustMatch: true, Outputs: outs(fixed(2, sizeSigaction))},
	{Nr: unix.SYS_RT_SIGPROCMASK, Name: "rt_sigprocmask", Args: args("how", "set", "oldset", "sigsetsize"), Policy: Execute, ResultMustMatch: true, Outputs: outs(argBytes(2, 3)), Private: true},
	{Nr: unix.SYS_RT_SIGRETURN, Name: "rt_sigreturn", Args: args(), Policy: Special},
	{Nr: unix.SYS_IOCTL, Name: "ioctl", Args: args("fd", "request", "argp"), Policy: Emulate, Outputs: outs(ioctlOutputs)},
	{Nr: unix.SYS_PREAD64, Name: "pread64", Args: args("fd", "buf", "count", "offset"), Policy: Emulate, Outputs: outs(resultBytes(1, 2))},
	{Nr: unix.SYS_PWRITE64, Name: "pwrite64", Args: args("fd", "buf", "count", "offset"), Policy: Emulate, Visible: true},
	{Nr: unix.SYS_READV, Name: "readv", Args: args("fd", "iov", "iovcnt"), Policy: Emulate, Outputs: outs(iovecs(1, 2))},
	{Nr: unix.SYS_WRITEV, Name: "writev", Args: args("fd", "iov", "iovcnt"), Policy: Emulate, Visible: true},
	{Nr: unix.SYS_ACCESS, Name: "access", Args: args("pathname", "mode"), Policy: Emulate},
	{Nr: unix.SYS_PIPE, Name: "pipe", Args: args("pipefd"), Policy: Emulate, Outputs: outs(fixed(0, sizeFdPair))},
	{Nr: unix.SYS_SELECT, Name: "select", Args: args("nfds", "readfds", "writefds", "exceptfds", "timeout"), Policy: Emulate, Outputs: selectOutputs},
	{Nr: unix.SYS_SCHED_YIELD, Name: "sched_yield", Args: args(), Policy: Emulate, Private: true},
	{Nr: unix.SYS_MREMAP, Name: "mremap", Args: args("old_address", "old_size", "new_size", "flags", "new_address"), Policy: Special, Private: true},
	{Nr: unix.SYS_MSYNC, Name: "msync", Args: args("addr", "length", "flags"), Policy: Emulate},
	{Nr: unix.SYS_MINCORE, Name: "mincore", Args: args("addr", "length", "vec"), Policy: Emulate, Outputs: outs(pageVector(2, 1))},
	{Nr: unix.SYS_MADVISE, Name: "madvise", Args: args("addr", "length", "advice"), Policy: Execute, ResultMustMatch: true, Private: true},
	{Nr: unix.SYS_SHMGET, Name: "shmget", Args: args("key", "size", "shmflg"), Policy: Refuse},
	{Nr: unix.SYS_SHMAT, Name: "shmat", Args: args("shmid", "shmaddr", "shmflg"), Policy: Refuse},
	{Nr: unix.SYS_SHMCTL, Name: "shmctl", Args: args("shmid", "cmd", "buf"), Policy: Refuse},
	{Nr: unix.SYS_DUP, Name: "dup", Args: args("oldfd"), Policy: Emulate},
	{Nr: unix.SYS_DUP2, Name: "dup2", Args: args("oldfd", "newfd"), Policy: Emulate},
	{Nr: unix.SYS_PAUSE, Name: "pause", Args: args(), Policy: Special},
	{Nr: unix.SYS_NANOSLEEP, Name: "nanosleep", Args: args("req", "rem"), Policy: Emulate, Outputs: outs(onError(fixed(1, sizeTimespec)))},
	{Nr: unix.SYS_GETITIMER, Name: "getitimer", Args: args("which", "curr_value"), Policy: Emulate, Outputs: outs(fixed(1, sizeItimerval))},
	{Nr: unix.SYS_ALARM, Name: "alarm", Args: args("seconds"), Policy: Emulate},
	{Nr: unix.SYS_SETITIMER, Name: "setitimer", Args: args("which", "new_value", "old_value"), Policy: Emulate, Outputs: outs(fixed(2, sizeItimerval))},
	{Nr: unix.SYS_GETPID, Name: "getpid", Args: args(), Policy: Emulate, Private: true},
	{Nr: unix.SYS_SENDFILE, Name: "sendfile", Args: args("out_fd", "in_fd", "offset", "count"), Policy: Emulate, Outputs: outs(fixed(2, sizeLong))},
	{Nr: unix.SYS_SOCKET, Name: "socket", Args: args("domain", "type", "protocol"), Policy: Emulate},
	{Nr: unix.SYS_CONNECT, Name: "connect", Args: args("sockfd", "addr", "addrlen"), Policy: Emulate},
	{Nr: unix.SYS_ACCEPT, Name: "accept", Args: args("sockfd", "addr", "addrlen"), Policy: Emulate, Outputs: outs(sockaddr(1, 2))},
	{Nr: unix.SYS_SENDTO, Name: "sendto", Args: args("sockfd", "buf", "len", "flags", "dest_addr", "addrlen"), Policy: Emulate, Visible: true},
	{Nr: unix.SYS_RECVFROM, Name: "recvfrom", Args: args("sockfd", "buf", "len", "flags", "src_addr", "addrlen"), Policy: Emulate, Outputs: outs(resultBytes(1, 2), sockaddr(4, 5))},
	{Nr: unix.SYS_SENDMSG, Name: "sendmsg", Args: args("sockfd", "msg", "flags"), Policy: Emulate, Visible: true},
	{Nr: unix.SYS_RECVMSG, Name: "recvmsg", Args: args("sockfd", "msg", "flags"), Policy: Emulate, Outputs: outs(msghdr(1))},
	{Nr: unix.SYS_SHUTDOWN, Name: "shutdown", Args: args("sockfd", "how"), Policy: Emulate},
	{Nr: unix.SYS_BIND, Name: "bind", Args: args("sockfd", "addr", "addrlen"), Policy: Emulate},
	{Nr: unix.SYS_LISTEN, Name: "listen", Args: args("sockfd", "backlog"), Policy: Emulate},
	{Nr: unix.SYS_GETSOCKNAME, Name: "getsockname", Args: args("sockfd", "addr", "addrlen"), Policy: Emulate, Outputs: outs(sockaddr(1, 2))},
	{Nr: unix.SYS_GETPEERNAME, Name: "getpeername", Args: args("sockfd", "addr", "addrlen"), Policy: Emulate, Outputs: outs(sockaddr(1, 2))},
	{Nr: unix.SYS_SOCKETPAIR, Name: "socketpair", Args: args("domain", "type", "protocol", "sv"), Policy: Emulate, Outputs: outs(fixed(3, sizeFdPair))},
	{Nr: unix.SYS_SETSOCKOPT, Name: "setsockopt", Args: args("sockfd", "level", "optname", "optval", "optlen"), Policy: Emulate},
	{Nr: unix.SYS_GETSOCKOPT, Name: "getsockopt", Args: args("sockfd", "level", "optname", "optval", "optlen"), Policy: Emulate, Outputs: outs(valueResult(3, 4, 0))},
	{Nr: unix.SYS_CLONE, Name: "clone", Args: args("flags", "stack", "parent_tid", "child_tid", "tls"), Policy: Special, Outputs: cloneOutputs},
	{Nr: unix.SYS_FORK, Name: "fork", Args: args(), Policy: Special},
	{Nr: unix.SYS_VFORK, Name: "vfork", Args: args(), Policy: Special},
	{Nr: unix.SYS_EXECVE, Name: "execve", Args: args("pathname", "argv", "envp"), Policy: Special},
	{Nr: unix.SYS_EXIT, Name: "exit", Args: args("status"), Policy: Special},
	{Nr: unix.SYS_WAIT4, Name: "wait4", Args: args("pid", "wstatus", "options", "rusage"), Policy: Emulate, Outputs: outs(fixed(1, sizeInt), fixed(3, sizeRusage))},
	{Nr: unix.SYS_KILL, Name: "kill", Args: args("pid", "sig"), Policy: Special},
	{Nr: unix.SYS_UNAME, Name: "uname", Args: args("buf"), Policy: Emulate, Outputs: outs(fixed(0, sizeUtsname))},
	{Nr: unix.SYS_SEMGET, Name: "semget", Args: args("key", "nsems", "semflg"), Policy: Refuse},
	{Nr: unix.SYS_SEMOP, Name: "semop", Args: args("semid", "sops", "nsops"), Policy: Refuse},
	{Nr: unix.SYS_SEMCTL, Name: "semctl", Args: args("semid", "semnum", "cmd", "arg"), Policy: Refuse},
	{Nr: unix.SYS_SHMDT, Name: "shmdt", Args: args("shmaddr"), Policy: Refuse},
	{Nr: unix.SYS_MSGGET, Name: "msgget", Args: args("key", "msgflg"), Policy: Refuse},
	{Nr: unix.SYS_MSGSND, Name: "msgsnd", Args: args("msqid", "msgp", "msgsz", "msgflg"), Policy: Refuse},
	{Nr: unix.SYS_MSGRCV, Name: "msgrcv", Args: args("msqid", "msgp", "msgsz", "msgtyp", "msgflg"), Policy: Refuse},
	{Nr: unix.SYS_MSGCTL, Name: "msgctl", Args: args("msqid", "cmd", "buf"), Policy: Refuse},
	{Nr: unix.SYS_FCNTL, Name: "fcntl", Args: args("fd", "cmd", "arg"), Policy: Emulate, Outputs: outs(fcntlOutputs)},
	{Nr: unix.SYS_FLOCK, Name: "flock", Args: args("fd", "operation"), Policy: Emulate},
	{Nr: unix.SYS_FSYNC, Name: "fsync", Args: args("fd"), Policy: Emulate},
	{Nr: unix.SYS_FDATASYNC, Name: "fdatasync", Args: args("fd"), Policy: Emulate},
	{Nr: unix.SYS_TRUNCATE, Name: "truncate", Args: args("path", "length"), Policy: Emulate},
	{Nr: unix.SYS_FTRUNCATE, Name: "ftruncate", Args: args("fd", "length"), Policy: Emulate},
	{Nr: unix.SYS_GETDENTS, Name: "getdents", Args: args("fd", "dirp", "count"), Policy: Emulate, Outputs: outs(resultBytes(1, 2))},
	{Nr: unix.SYS_GETCWD, Name: "getcwd", Args: args("buf", "size"), Policy: Emulate, Outputs: outs(resultBytes(0, 1))},
	{Nr: unix.SYS_CHDIR, Name: "chdir", Args: args("path"), Policy: Emulate},
	{Nr: unix.SYS_FCHDIR, Name: "fchdir", Args: args("fd"), Policy: Emulate},
	{Nr: unix.SYS_RENAME, Name: "rename", Args: args("oldpath", "newpath"), Policy: Emulate},
	{Nr: unix.SYS_MKDIR, Name: "mkdir", Args: args("pathname", "mode"), Policy: Emulate},
	{Nr: unix.SYS_RMDIR, Name: "rmdir", Args: args("pathname"), Policy: Emulate},
	{Nr: unix.SYS_CREAT, Name: "creat", Args: args("pathname", "mode"), Policy: Emulate},
	{Nr: unix.SYS_LINK, Name: "link", Args: args("oldpath", "newpath"), Policy: Emulate},
	{Nr: unix.SYS_UNLINK, Name: "unlink", Args: args("pathname"), Policy: Emulate},
	{Nr: unix.SYS_SYMLINK, Name: "symlink", Args: args("target", "linkpath"), Policy: Emulate},
	{Nr: unix.SYS_READLINK, Name: "readlink", Args: args("pathname", "buf", "bufsiz"), Policy: Emulate, Outputs: outs(resultBytes(1, 2))},
	{Nr: unix.SYS_CHMOD, Name: "chmod", Args: args("pathname", "mode"), Policy: Emulate},
	{Nr: unix.SYS_FCHMOD, Name: "fchmod", Args: args("fd", "mode"), Policy: Emulate},
	{Nr: unix.SYS_CHOWN, Name: "chown", Args: args("pathname", "owner", "group"), Policy: Emulate},
	{Nr: unix.SYS_FCHOWN, Name: "fchown", Args: args("fd", "owner", "group"), Policy: Emulate},
	{Nr: unix.SYS_LCHOWN, Name: "lchown", Args: args("pathname", "owner", "group"), Policy: Emulate},
	{Nr: unix.SYS_UMASK, Name: "umask", Args: args("mask"), Policy: Emulate},
	{Nr: unix.SYS_GETTIMEOFDAY, Name: "gettimeofday", Args: args("tv", "tz"), Policy: Emulate, Outputs: outs(fixed(0, sizeTimeval), fixed(1, sizeTimezone)), Private: true},
	{Nr: unix.SYS_GETRLIMIT, Name: "getrlimit", Args: args("resource", "rlim"), Policy: Emulate, Outputs: outs(fixed(1, sizeRlimit))},
	{Nr: unix.SYS_GETRUSAGE, Name: "getrusage", Args: args("who", "usage"), Policy: Emulate, Outputs: outs(fixed(1, sizeRusage))},
	{Nr: unix.SYS_SYSINFO, Name: "sysinfo", Args: args("info"), Policy: Emulate, Outputs: outs(fixed(0, sizeSysinfo))},
	{Nr: unix.SYS_TIMES, Name: "times", Args: args("buf"), Policy: Emulate, Outputs: outs(fixed(0, sizeTms))},
	{Nr: unix.SYS_PTRACE, Name: "ptrace", Args: args("request", "pid", "addr", "data"), Policy: Refuse},
	{Nr: unix.SYS_GETUID, Name: "getuid", Args: args(), Policy: Emulate},
	{Nr: unix.SYS_SYSLOG, Name: "syslog", Args: args("type", "bufp", "len"), Policy: Emulate, Outputs: outs(syslogOutputs)},
	{Nr: unix.SYS_GETGID, Name: "getgid", Args: args(), Policy: Emulate},
	{Nr: unix.SYS_SETUID, Name: "setuid", Args: args("uid"), Policy: Emulate},
	{Nr: unix.SYS_SETGID, Name: "setgid", Args: args("gid"), Policy: Emulate},
	{Nr: unix.SYS_GETEUID, Name: "geteuid", Args: args(), Policy: Emulate},
	{Nr: unix.SYS_GETEGID, Name: "getegid", Args: args(), Policy: Emulate},
	{Nr: unix.SYS_SETPGID, Name: "setpgid", Args: args("pid", "pgid"), Policy: Emulate},
	{Nr: unix.SYS_GETPPID, Name: "getppid", Args: args(), Policy: Emulate},
	{Nr: unix.SYS_GETPGRP, Name: "getpgrp", Args: args(), Policy: Emulate},
	{Nr: unix.SYS_SETSID, Name: "setsid", Args: args(), Policy: Emulate},
	{Nr: unix.SYS_SETREUID, Name: "setreuid", Args: args("ruid", "euid"), Policy: Emulate},
	{Nr: unix.SYS_SETREGID, Name: "setregid", Args: args("rgid", "egid"), Policy: Emulate},
	{Nr: unix.SYS_GETGROUPS, Name: "getgroups", Args: args("size", "list"), Policy: Emulate, Outputs: outs(resultElems(1, sizeInt, 0))},
	{Nr: unix.SYS_SETGROUPS, Name: "setgroups", Args: args("size", "list"), Policy: Emulate},
	{Nr: unix.SYS_SETRESUID, Name: "setresuid", Args: args("ruid", "euid", "suid"), Policy: Emulate},
	{Nr: unix.SYS_GETRESUID, Name: "getresuid", Args: args("ruid", "euid", "suid"), Policy: Emulate, Outputs: outs(fixed(0, sizeInt), fixed(1, sizeInt), fixed(2, sizeInt))},
	{Nr: unix.SYS_SETRESGID, Name: "setresgid", Args: args("rgid", "egid", "sgid"), Policy: Emulate},
	{Nr: unix.SYS_GETRESGID, Name: "getresgid", Args: args("rgid", "egid", "sgid"), Policy: Emulate, Outputs: outs(fixed(0, sizeInt), fixed(1, sizeInt), fixed(2, sizeInt))},
	{Nr: unix.SYS_GETPGID, Name: "getpgid", Args: args("pid"), Policy: Emulate},
	{Nr: unix.SYS_SETFSUID, Name: "setfsuid", Args: args("fsuid"), Policy: Emulate},
	{Nr: unix.SYS_SETFSGID, Name: "setfsgid", Args: args("fsgid"), Policy: Emulate},
	{Nr: unix.SYS_GETSID, Name: "getsid", Args: args("pid"), Policy: Emulate},
	{Nr: unix.SYS_CAPGET, Name: "capget", Args: args("hdrp", "datap"), Policy: Emulate, Outputs: outs(fixed(0, sizeCapHeader), fixed(1, sizeCapData))},
	{Nr: unix.SYS_CAPSET, Name: "capset", Args: args("hdrp", "datap"), Policy: Emulate},
	{Nr: unix.SYS_RT_SIGPENDING, Name: "rt_sigpending", Args: args("set", "sigsetsize"), Policy: Emulate, Outputs: outs(argBytes(0, 1))},
	{Nr: unix.SYS_RT_SIGTIMEDWAIT, Name: "rt_sigtimedwait", Args: args("set", "info", "timeout", "sigsetsize"), Policy: Emulate, Outputs: outs(fixed(1, sizeSiginfo))},
	{Nr: unix.SYS_RT_SIGQUEUEINFO, Name: "rt_sigqueueinfo", Args: args("tgid", "sig", "info"), Policy: Special},
	{Nr: unix.SYS_RT_SIGSUSPEND, Name: "rt_sigsuspend", Args: args("mask", "sigsetsize"), Policy: Special},
	{Nr: unix.SYS_SIGALTSTACK, Name: "sigaltstack", Args: args("ss", "old_ss"), Policy: Execute, ResultMustMatch: true, Outputs: outs(fixed(1, sizeStack))},
	{Nr: unix.SYS_UTIME, Name: "utime", Args: args("filename", "times"), Policy: Emulate},
	{Nr: unix.SYS_MKNOD, Name: "mknod", Args: args("pathname", "mode", "dev"), Policy: Emulate},
	{Nr: unix.SYS_USELIB, Name: "uselib", Args: args("library"), Policy: Refuse},
	{Nr: unix.SYS_PERSONALITY, Name: "personality", Args: args("persona"), Policy: Refuse}, // would change the memory layout
	{Nr: unix.SYS_USTAT, Name: "ustat", Args: args("dev", "ubuf"), Policy: Emulate, Outputs: outs(fixed(1, sizeUstat))},
	{Nr: unix.SYS_STATFS, Name: "statfs", Args: args("path", "buf"), Policy: Emulate, Outputs: outs(fixed(1, sizeStatfs))},
	{Nr: unix.SYS_FSTATFS, Name: "fstatfs", Args: args("fd", "buf"), Policy: Emulate, Outputs: outs(fixed(1, sizeStatfs))},
	{Nr: unix.SYS_SYSFS, Name: "sysfs", Args: args("option", "arg1", "arg2"), Policy: Refuse},
	{Nr: unix.SYS_GETPRIORITY, Name: "getpriority", Args: args("which", "who"), Policy: Emulate},
	{Nr: unix.SYS_SETPRIORITY, Name: "setpriority", Args: args("which", "who", "prio"), Policy: Emulate},
	{Nr: unix.SYS_SCHED_SETPARAM, Name: "sched_setparam", Args: args("pid", "param"), Policy: Emulate},
	{Nr: unix.SYS_SCHED_GETPARAM, Name: "sched_getparam", Args: args("pid", "param"), Policy: Emulate, Outputs: outs(fixed(1, sizeInt))},
	{Nr: unix.SYS_SCHED_SETSCHEDULER, Name: "sched_setscheduler", Args: args("pid", "policy", "param"), Policy: Emulate},
	{Nr: unix.SYS_SCHED_GETSCHEDULER, Name: "sched_getscheduler", Args: args("pid"), Policy: Emulate},
	{Nr: unix.SYS_SCHED_GET_PRIORITY_MAX, Name: "sched_get_priority_max", Args: args("policy"), Policy: Emulate},
	{Nr: unix.SYS_SCHED_GET_PRIORITY_MIN, Name: "sched_get_priority_min", Args: args("policy"), Policy: Emulate},
	{Nr: unix.SYS_SCHED_RR_GET_INTERVAL, Name: "sched_rr_get_interval", Args: args("pid", "tp"), Policy: Emulate, Outputs: outs(fixed(1, sizeTimespec))},
	{Nr: unix.SYS_MLOCK, Name: "mlock", Args: args("addr", "len"), Policy: Execute, ResultMustMatch: true},
	{Nr: unix.SYS_MUNLOCK, Name: "munlock", Args: args("addr", "len"), Policy: Execute, ResultMustMatch: true},
	{Nr: unix.SYS_MLOCKALL, Name: "mlockall", Args: args("flags"), Policy: Execute, ResultMustMatch: true},
	{Nr: unix.SYS_MUNLOCKALL, Name: "munlockall", Args: args(), Policy: Execute, ResultMustMatch: true},
	{Nr: unix.SYS_VHANGUP, Name: "vhangup", Args: args(), Policy: Emulate},
	{Nr: unix.SYS_MODIFY_LDT, Name: "modify_ldt", Args: args("func", "ptr", "bytecount"), Policy: Refuse},
	{Nr: unix.SYS_PIVOT_ROOT, Name: "pivot_root", Args: args("new_root", "put_old"), Policy: Emulate},
	{Nr: unix.SYS__SYSCTL, Name: "_sysctl", Args: args("args"), Policy: Refuse},
	{Nr: unix.SYS_PRCTL, Name: "prctl", Args: args("option", "arg2", "arg3", "arg4", "arg5"), Policy: Special, Outputs: outs(prctlOutputs)},
	{Nr: unix.SYS_ARCH_PRCTL, Name: "arch_prctl", Args: args("code", "addr"), Policy: Execute, ResultMustMatch: true, Outputs: outs(archPrctlOutputs)},
	{Nr: unix.SYS_ADJTIMEX, Name: "adjtimex", Args: args("buf"), Policy: Emulate, Outputs: outs(fixed(0, sizeTimex))},
	{Nr: unix.SYS_SETRLIMIT, Name: "setrlimit", Args: args("resource", "rlim"), Policy: Emulate},
	{Nr: unix.SYS_CHROOT, Name: "chroot", Args: args("path"), Policy: Emulate},
	{Nr: unix.SYS_SYNC, Name: "sync", Args: args(), Policy: Emulate},
	{Nr: unix.SYS_ACCT, Name: "acct", Args: args("filename"), Policy: Emulate},
	{Nr: unix.SYS_SETTIMEOFDAY, Name: "settimeofday", Args: args("tv", "tz"), Policy: Emulate},
	{Nr: unix.SYS_MOUNT, Name: "mount", Args: args("source", "target", "filesystemtype", "mountflags", "data"), Policy: Emulate},
	{Nr: unix.SYS_UMOUNT2, Name: "umount2", Args: args("target", "flags"), Policy: Emulate},
	{Nr: unix.SYS_SWAPON, Name: "swapon", Args: args("path", "swapflags"), Policy: Emulate},
	{Nr: unix.SYS_SWAPOFF, Name: "swapoff", Args: args("path"), Policy: Emulate},
	{Nr: unix.SYS_REBOOT, Name: "reboot", Args: args("magic", "magic2", "cmd", "arg"), Policy: Refuse},
	{Nr: unix.SYS_SETHOSTNAME, Name: "sethostname", Args: args("name", "len"), Policy: Emulate},
	{Nr: unix.SYS_SETDOMAINNAME, Name: "setdomainname", Args: args("name", "len"), Policy: Emulate},
	{Nr: unix.SYS_IOPL, Name: "iopl", Args: args("level"), Policy: Refuse},
	{Nr: unix.SYS_IOPERM, Name: "ioperm", Args: args("from", "num", "turn_on"), Policy: Refuse},
	{Nr: unix.SYS_CREATE_MODULE, Name: "create_module", Args: args("name", "size"), Policy: Refuse},
	{Nr: unix.SYS_INIT_MODULE, Name: "init_module", Args: args("module_image", "len", "param_values"), Policy: Refuse},
	{Nr: unix.SYS_DELETE_MODULE, Name: "delete_module", Args: args("name", "flags"), Policy: Refuse},
	{Nr: unix.SYS_GET_KERNEL_SYMS, Name: "get_kernel_syms", Args: args("table"), Policy: Refuse},
	{Nr: unix.SYS_QUERY_MODULE, Name: "query_module", Args: args("name", "which", "buf", "bufsize", "ret"), Policy: Refuse},
	{Nr: unix.SYS_QUOTACTL, Name: "quotactl", Args: args("cmd", "special", "id", "addr"), Policy: Refuse}, // outputs depend on cmd; not modelled
	{Nr: unix.SYS_NFSSERVCTL, Name: "nfsservctl", Args: args("cmd", "argp", "resp"), Policy: Refuse},
	{Nr: unix.SYS_GETPMSG, Name: "getpmsg", Args: args(), Policy: Refuse},
	{Nr: unix.SYS_PUTPMSG, Name: "putpmsg", Args: args(), Policy: Refuse},
	{Nr: unix.SYS_AFS_SYSCALL, Name: "afs_syscall", Args: args(), Policy: Refuse},
	{Nr: unix.SYS_TUXCALL, Name: "tuxcall", Args: args(), Policy: Refuse},
	{Nr: unix.SYS_SECURITY, Name: "security", Args: args(), Policy: Refuse},
	{Nr: unix.SYS_GETTID, Name: "gettid", Args: args(), Policy: Emulate, Private: true},
	{Nr: unix.SYS_READAHEAD, Name: "readahead", Args: args("fd", "offset", "count"), Policy: Emulate},
	{Nr: unix.SYS_SETXATTR, Name: "setxattr", Args: args("path", "name", "value", "size", "flags"), Policy: Emulate},
	{Nr: unix.SYS_LSETXATTR, Name: "lsetxattr", Args: args("path", "name", "value", "size", "flags"), Policy: Emulate},
	{Nr: unix.SYS_FSETXATTR, Name: "fsetxattr", Args: args("fd", "name", "value", "size", "flags"), Policy: Emulate},
	{Nr: unix.SYS_GETXATTR, Name: "getxattr", Args: args("path", "name", "value", "size"), Policy: Emulate, Outputs: outs(resultBytes(2, 3))},
	{Nr: unix.SYS_LGETXATTR, Name: "lgetxattr", Args: args("path", "name", "value", "size"), Policy: Emulate, Outputs: outs(resultBytes(2, 3))},
	{Nr: unix.SYS_FGETXATTR, Name: "fgetxattr", Args: args("fd", "name", "value", "size"), Policy: Emulate, Outputs: outs(resultBytes(2, 3))},
	{Nr: unix.SYS_LISTXATTR, Name: "listxattr", Args: args("path", "list", "size"), Policy: Emulate, Outputs: outs(resultBytes(1, 2))},
	{Nr: unix.SYS_LLISTXATTR, Name: "llistxattr", Args: args("path", "list", "size"), Policy: Emulate, Outputs: outs(resultBytes(1, 2))},
	{Nr: unix.SYS_FLISTXATTR, Name: "flistxattr", Args: args("fd", "list", "size"), Policy: Emulate, Outputs: outs(resultBytes(1, 2))},
	{Nr: unix.SYS_REMOVEXATTR, Name: "removexattr", Args: args("path", "name"), Policy: Emulate},
	{Nr: unix.SYS_LREMOVEXATTR, Name: "lremovexattr", Args: args("path", "name"), Policy: Emulate},
	{Nr: unix.SYS_FREMOVEXATTR, Name: "fremovexattr", Args: args("fd", "name"), Policy: Emulate},
	{Nr: unix.SYS_TKILL, Name: "tkill", Args: args("tid", "sig"), Policy: Special},
	{Nr: unix.SYS_TIME, Name: "time", Args: args("tloc"), Policy: Emulate, Outputs: outs(fixed(0, sizeLong))},
	{Nr: unix.SYS_FUTEX, Name: "futex", Args: args("uaddr", "futex_op", "val", "timeout", "uaddr2", "val3"), Policy: Emulate, Outputs: outs(futexOutputs), Private: true},
	{Nr: unix.SYS_SCHED_SETAFFINITY, Name: "sched_setaffinity", Args: args("pid", "cpusetsize", "mask"), Policy: Emulate},
	{Nr: unix.SYS_SCHED_GETAFFINITY, Name: "sched_getaffinity", Args: args("pid", "cpusetsize", "mask"), Policy: Emulate, Outputs: outs(resultBytes(2, 1))},
	{Nr: unix.SYS_SET_THREAD_AREA, Name: "set_thread_area", Args: args("u_info"), Policy: Refuse},
	{Nr: unix.SYS_IO_SETUP, Name: "io_setup", Args: args("nr_events", "ctx_idp"), Policy: Refuse},
	{Nr: unix.SYS_IO_DESTROY, Name: "io_destroy", Args: args("ctx_id"), Policy: Refuse},
	{Nr: unix.SYS_IO_GETEVENTS, Name: "io_getevents", Args: args("ctx_id", "min_nr", "nr", "events", "timeout"), Policy: Refuse},
	{Nr: unix.SYS_IO_SUBMIT, Name: "io_submit", Args: args("ctx_id", "nr", "iocbpp"), Policy: Refuse},
	{Nr: unix.SYS_IO_CANCEL, Name: "io_cancel", Args: args("ctx_id", "iocb", "result"), Policy: Refuse},
	{Nr: unix.SYS_GET_THREAD_AREA, Name: "get_thread_area", Args: args("u_info"), Policy: Refuse},
	{Nr: unix.SYS_LOOKUP_DCOOKIE, Name: "lookup_dcookie", Args: args("cookie", "buffer", "len"), Policy: Refuse},
	{Nr: unix.SYS_EPOLL_CREATE, Name: "epoll_create", Args: args("size"), Policy: Emulate},
	{Nr: unix.SYS_EPOLL_CTL_OLD, Name: "epoll_ctl_old", Args: args(), Policy: Refuse},
	{Nr: unix.SYS_EPOLL_WAIT_OLD, Name: "epoll_wait_old", Args: args(), Policy: Refuse},
	{Nr: unix.SYS_REMAP_FILE_PAGES, Name: "remap_file_pages", Args: args("addr", "size", "prot", "pgoff", "flags"), Policy: Refuse},
	{Nr: unix.SYS_GETDENTS64, Name: "getdents64", Args: args("fd", "dirp", "count"), Policy: Emulate, Outputs: outs(resultBytes(1, 2))},
	{Nr: unix.SYS_SET_TID_ADDRESS, Name: "set_tid_address", Args: args("tidptr"), Policy: Execute}, // replay's tid differs; the program sees the recorded one
	{Nr: unix.SYS_RESTART_SYSCALL, Name: "restart_syscall", Args: args(), Policy: Special},
	{Nr: unix.SYS_SEMTIMEDOP, Name: "semtimedop", Args: args("semid", "sops", "nsops", "timeout"), Policy: Refuse},
	{Nr: unix.SYS_FADVISE64, Name: "fadvise64", Args: args("fd", "offset", "len", "advice"), Policy: Emulate},
	{Nr: unix.SYS_TIMER_CREATE, Name: "timer_create", Args: args("clockid", "sevp", "timerid"), Policy: Emulate, Outputs: outs(fixed(2, sizeInt))},
	{Nr: unix.SYS_TIMER_SETTIME, Name: "timer_settime", Args: args("timerid", "flags", "new_value", "old_value"), Policy: Emulate, Outputs: outs(fixed(3, sizeItimerspec))},
	{Nr: unix.SYS_TIMER_GETTIME, Name: "timer_gettime", Args: args("timerid", "curr_value"), Policy: Emulate, Outputs: outs(fixed(1, sizeItimerspec))},
	{Nr: unix.SYS_TIMER_GETOVERRUN, Name: "timer_getoverrun", Args: args("timerid"), Policy: Emulate},
	{Nr: unix.SYS_TIMER_DELETE, Name: "timer_delete", Args: args("timerid"), Policy: Emulate},
	{Nr: unix.SYS_CLOCK_SETTIME, Name: "clock_settime", Args: args("clockid", "tp"), Policy: Emulate},
	{Nr: unix.SYS_CLOCK_GETTIME, Name: "clock_gettime", Args: args("clockid", "tp"), Policy: Emulate, Outputs: outs(fixed(1, sizeTimespec)), Private: true},
	{Nr: unix.SYS_CLOCK_GETRES, Name: "clock_getres", Args: args("clockid", "res"), Policy: Emulate, Outputs: outs(fixed(1, sizeTimespec))},
	{Nr: unix.SYS_CLOCK_NANOSLEEP, Name: "clock_nanosleep", Args: args("clockid", "flags", "request", "remain"), Policy: Emulate, Outputs: outs(onError(fixed(3, sizeTimespec)))},
	{Nr: unix.SYS_EXIT_GROUP, Name: "exit_group", Args: args("status"), Policy: Special},
	{Nr: unix.SYS_EPOLL_WAIT, Name: "epoll_wait", Args: args("epfd", "events", "maxevents", "timeout"), Policy: Emulate, Outputs: outs(resultElems(1, sizeEpollEvent, 2))},
	{Nr: unix.SYS_EPOLL_CTL, Name: "epoll_ctl", Args: args("epfd", "op", "fd", "event"), Policy: Emulate},
	{Nr: unix.SYS_TGKILL, Name: "tgkill", Args: args("tgid", "tid", "sig"), Policy: Special},
	{Nr: unix.SYS_UTIMES, Name: "utimes", Args: args("filename", "times"), Policy: Emulate},
	{Nr: unix.SYS_VSERVER, Name: "vserver", Args: args(), Policy: Refuse},
	{Nr: unix.SYS_MBIND, Name: "mbind", Args: args("addr", "len", "mode", "nodemask", "maxnode", "flags"), Policy: Emulate},
	{Nr: unix.SYS_SET_MEMPOLICY, Name: "set_mempolicy", Args: args("mode", "nodemask", "maxnode"), Policy: Emulate},
	{Nr: unix.SYS_GET_MEMPOLICY, Name: "get_mempolicy", Args: args("mode", "nodemask", "maxnode", "addr", "flags"), Policy: Emulate, Outputs: outs(fixed(0, sizeInt), bitmap(1, 2))},
	{Nr: unix.SYS_MQ_OPEN, Name: "mq_open", Args: args("name", "oflag", "mode", "attr"), Policy: Emulate},
	{Nr: unix.SYS_MQ_UNLINK, Name: "mq_unlink", Args: args("name"), Policy: Emulate},
	{Nr: unix.SYS_MQ_TIMEDSEND, Name: "mq_timedsend", Args: args("mqdes", "msg_ptr", "msg_len", "msg_prio", "abs_timeout"), Policy: Emulate},
	{Nr: unix.SYS_MQ_TIMEDRECEIVE, Name: "mq_timedreceive", Args: args("mqdes", "msg_ptr", "msg_len", "msg_prio", "abs_timeout"), Policy: Emulate, Outputs: outs(resultBytes(1, 2), fixed(3, sizeInt))},
	{Nr: unix.SYS_MQ_NOTIFY, Name: "mq_notify", Args: args("mqdes", "sevp"), Policy: Emulate},
	{Nr: unix.SYS_MQ_GETSETATTR, Name: "mq_getsetattr", Args: args("mqdes", "newattr", "oldattr"), Policy: Emulate, Outputs: outs(fixed(2, sizeMqAttr))},
	{Nr: unix.SYS_KEXEC_LOAD, Name: "kexec_load", Args: args("entry", "nr_segments", "segments", "flags"), Policy: Refuse},
	{Nr: unix.SYS_WAITID, Name: "waitid", Args: args("idtype", "id", "infop", "options", "rusage"), Policy: Emulate, Outputs: outs(fixed(2, sizeSiginfo), fixed(4, sizeRusage))},
	{Nr: unix.SYS_ADD_KEY, Name: "add_key", Args: args("type", "description", "payload", "plen", "keyring"), Policy: Emulate},
	{Nr: unix.SYS_REQUEST_KEY, Name: "request_key", Args: args("type", "description", "callout_info", "dest_keyring"), Policy: Emulate},
	{Nr: unix.SYS_KEYCTL, Name: "keyctl", Args: args("operation", "arg2", "arg3", "arg4", "arg5"), Policy: Refuse}, // outputs depend on the operation; not modelled
	{Nr: unix.SYS_IOPRIO_SET, Name: "ioprio_set", Args: args("which", "who", "ioprio"), Policy: Emulate},
	{Nr: unix.SYS_IOPRIO_GET, Name: "ioprio_get", Args: args("which", "who"), Policy: Emulate},
	{Nr: unix.SYS_INOTIFY_INIT, Name: "inotify_init", Args: args(), Policy: Emulate},
	{Nr: unix.SYS_INOTIFY_ADD_WATCH, Name: "inotify_add_watch", Args: args("fd", "pathname", "mask"), Policy: Emulate},
	{Nr: unix.SYS_INOTIFY_RM_WATCH, Name: "inotify_rm_watch", Args: args("fd", "wd"), Policy: Emulate},
	{Nr: unix.SYS_MIGRATE_PAGES, Name: "migrate_pages", Args: args("pid", "maxnode", "old_nodes", "new_nodes"), Policy: Emulate},
	{Nr: unix.SYS_OPENAT, Name: "openat", Args: args("dirfd", "pathname", "flags", "mode"), Policy: Emulate},
	{Nr: unix.SYS_MKDIRAT, Name: "mkdirat", Args: args("dirfd", "pathname", "mode"), Policy: Emulate},
	{Nr: unix.SYS_MKNODAT, Name: "mknodat", Args: args("dirfd", "pathname", "mode", "dev"), Policy: Emulate},
	{Nr: unix.SYS_FCHOWNAT, Name: "fchownat", Args: args("dirfd", "pathname", "owner", "group", "flags"), Policy: Emulate},
	{Nr: unix.SYS_FUTIMESAT, Name: "futimesat", Args: args("dirfd", "pathname", "times"), Policy: Emulate},
	{Nr: unix.SYS_NEWFSTATAT, Name: "newfstatat", Args: args("dirfd", "pathname", "statbuf", "flags"), Policy: Emulate, Outputs: outs(fixed(2, sizeStat))},
	{Nr: unix.SYS_UNLINKAT, Name: "unlinkat", Args: args("dirfd", "pathname", "flags"), Policy: Emulate},
	{Nr: unix.SYS_RENAMEAT, Name: "renameat", Args: args("olddirfd", "oldpath", "newdirfd", "newpath"), Policy: Emulate},
	{Nr: unix.SYS_LINKAT, Name: "linkat", Args: args("olddirfd", "oldpath", "newdirfd", "newpath", "flags"), Policy: Emulate},
	{Nr: unix.SYS_SYMLINKAT, Name: "symlinkat", Args: args("target", "newdirfd", "linkpath"), Policy: Emulate},
	{Nr: unix.SYS_READLINKAT, Name: "readlinkat", Args: args("dirfd", "pathname", "buf", "bufsiz"), Policy: Emulate, Outputs: outs(resultBytes(2, 3))},
	{Nr: unix.SYS_FCHMODAT, Name: "fchmodat", Args: args("dirfd", "pathname", "mode"), Policy: Emulate},
	{Nr: unix.SYS_FACCESSAT, Name: "faccessat", Args: args("dirfd", "pathname", "mode"), Policy: Emulate},
	{Nr: unix.SYS_PSELECT6, Name: "pselect6", Args: args("nfds", "readfds", "writefds", "exceptfds", "timeout", "sigmask"), Policy: Emulate, Outputs: selectOutputs},
	{Nr: unix.SYS_PPOLL, Name: "ppoll", Args: args("fds", "nfds", "tmo_p", "sigmask", "sigsetsize"), Policy: Emulate, Outputs: outs(onError(argElems(0, 1, sizePollfd)), onError(fixed(2, sizeTimespec)))},
	{Nr: unix.SYS_UNSHARE, Name: "unshare", Args: args("flags"), Policy: Emulate},
	{Nr: unix.SYS_SET_ROBUST_LIST, Name: "set_robust_list", Args: args("head", "len"), Policy: Execute, ResultMustMatch: true},
	{Nr: unix.SYS_GET_ROBUST_LIST, Name: "get_robust_list", Args: args("pid", "head_ptr", "len_ptr"), Policy: Emulate, Outputs: outs(fixed(1, sizeLong), fixed(2, sizeLong))},
	{Nr: unix.SYS_SPLICE, Name: "splice", Args: args("fd_in", "off_in", "fd_out", "off_out", "len", "flags"), Policy: Emulate, Outputs: outs(fixed(1, sizeLong), fixed(3, sizeLong))},
	{Nr: unix.SYS_TEE, Name: "tee", Args: args("fd_in", "fd_out", "len", "flags"), Policy: Emulate},
	{Nr: unix.SYS_SYNC_FILE_RANGE, Name: "sync_file_range", Args: args("fd", "offset", "nbytes", "flags"), Policy: Emulate},
	{Nr: unix.SYS_VMSPLICE, Name: "vmsplice", Args: args("fd", "iov", "nr_segs", "flags"), Policy: Emulate, Outputs: outs(iovecs(1, 2))}, // reading from a pipe fills iov
	{Nr: unix.SYS_MOVE_PAGES, Name: "move_pages", Args: args("pid", "count", "pages", "nodes", "status", "flags"), Policy: Emulate, Outputs: outs(argElems(4, 1, sizeInt))},
	{Nr: unix.SYS_UTIMENSAT, Name: "utimensat", Args: args("dirfd", "pathname", "times", "flags"), Policy: Emulate},
	{Nr: unix.SYS_EPOLL_PWAIT, Name: "epoll_pwait", Args: args("epfd", "events", "maxevents", "timeout", "sigmask", "sigsetsize"), Policy: Emulate, Outputs: outs(resultElems(1, sizeEpollEvent, 2))},
	{Nr: unix.SYS_SIGNALFD, Name: "signalfd", Args: args("fd", "mask", "sizemask"), Policy: Emulate},
	{Nr: unix.SYS_TIMERFD_CREATE, Name: "timerfd_create", Args: args("clockid", "flags"), Policy: Emulate},
	{Nr: unix.SYS_EVENTFD, Name: "eventfd", Args: args("initval"), Policy: Emulate},
	{Nr: unix.SYS_FALLOCATE, Name: "fallocate", Args: args("fd", "mode", "offset", "len"), Policy: Emulate},
	{Nr: unix.SYS_TIMERFD_SETTIME, Name: "timerfd_settime", Args: args("fd", "flags", "new_value", "old_value"), Policy: Emulate, Outputs: outs(fixed(3, sizeItimerspec))},
	{Nr: unix.SYS_TIMERFD_GETTIME, Name: "timerfd_gettime", Args: args("fd", "curr_value"), Policy: Emulate, Outputs: outs(fixed(1, sizeItimerspec))},
	{Nr: unix.SYS_ACCEPT4, Name: "accept4", Args: args("sockfd", "addr", "addrlen", "flags"), Policy: Emulate, Outputs: outs(sockaddr(1, 2))},
	{Nr: unix.SYS_SIGNALFD4, Name: "signalfd4", Args: args("fd", "mask", "sizemask", "flags"), Policy: Emulate},
	{Nr: unix.SYS_EVENTFD2, Name: "eventfd2", Args: args("initval", "flags"), Policy: Emulate},
	{Nr: unix.SYS_EPOLL_CREATE1, Name: "epoll_create1", Args: args("flags"), Policy: Emulate},
	{Nr: unix.SYS_DUP3, Name: "dup3", Args: args("oldfd", "newfd", "flags"), Policy: Emulate},
	{Nr: unix.SYS_PIPE2, Name: "pipe2", Args: args("pipefd", "flags"), Policy: Emulate, Outputs: outs(fixed(0, sizeFdPair))},
	{Nr: unix.SYS_INOTIFY_INIT1, Name: "inotify_init1", Args: args("flags"), Policy: Emulate},
	{Nr: unix.SYS_PREADV, Name: "preadv", Args: args("fd", "iov", "iovcnt", "pos_l", "pos_h"), Policy: Emulate, Outputs: outs(iovecs(1, 2))},
	{Nr: unix.SYS_PWRITEV, Name: "pwritev", Args: args("fd", "iov", "iovcnt", "pos_l", "pos_h"), Policy: Emulate, Visible: true},
	{Nr: unix.SYS_RT_TGSIGQUEUEINFO, Name: "rt_tgsigqueueinfo", Args: args("tgid", "tid", "sig", "info"), Policy: Special},
	{Nr: unix.SYS_PERF_EVENT_OPEN, Name: "perf_event_open", Args: args("attr", "pid", "cpu", "group_fd", "flags"), Policy: Refuse},
	{Nr: unix.SYS_RECVMMSG, Name: "recvmmsg", Args: args("sockfd", "msgvec", "vlen", "flags", "timeout"), Policy: Emulate, Outputs: outs(mmsgRecv(1, 2), fixed(4, sizeTimespec))},
	{Nr: unix.SYS_FANOTIFY_INIT, Name: "fanotify_init", Args: args("flags", "event_f_flags"), Policy: Emulate},
	{Nr: unix.SYS_FANOTIFY_MARK, Name: "fanotify_mark", Args: args("fanotify_fd", "flags", "mask", "dirfd", "pathname"), Policy: Emulate},
	{Nr: unix.SYS_PRLIMIT64, Name: "prlimit64", Args: args("pid", "resource", "new_limit", "old_limit"), Policy: Emulate, Outputs: outs(fixed(3, sizeRlimit))},
	{Nr: unix.SYS_NAME_TO_HANDLE_AT, Name: "name_to_handle_at", Args: args("dirfd", "pathname", "handle", "mount_id", "flags"), Policy: Emulate, Outputs: outs(fileHandle(2), fixed(3, sizeInt))},
	{Nr: unix.SYS_OPEN_BY_HANDLE_AT, Name: "open_by_handle_at", Args: args("mount_fd", "handle", "flags"), Policy: Emulate},
	{Nr: unix.SYS_CLOCK_ADJTIME, Name: "clock_adjtime", Args: args("clk_id", "buf"), Policy: Emulate, Outputs: outs(fixed(1, sizeTimex))},
	{Nr: unix.SYS_SYNCFS, Name: "syncfs", Args: args("fd"), Policy: Emulate},
	{Nr: unix.SYS_SENDMMSG, Name: "sendmmsg", Args: args("sockfd", "msgvec", "vlen", "flags"), Policy: Emulate, Outputs: outs(mmsgSent(1, 2))},
	{Nr: unix.SYS_SETNS, Name: "setns", Args: args("fd", "nstype"), Policy: Emulate},
	{Nr: unix.SYS_GETCPU, Name: "getcpu", Args: args("cpu", "node", "tcache"), Policy: Emulate, Outputs: outs(fixed(0, sizeInt), fixed(1, sizeInt))},
	// process_vm_readv writes only into the caller's local iovecs,
	// whichever process it reads (a program reading its own stack, as
	// test_external_inspection does): those bytes replay like a readv's.
	{Nr: unix.SYS_PROCESS_VM_READV, Name: "process_vm_readv", Args: args("pid", "local_iov", "liovcnt", "remote_iov", "riovcnt", "flags"), Policy: Emulate, Outputs: outs(iovecs(1, 2))},
	{Nr: unix.SYS_PROCESS_VM_WRITEV, Name: "process_vm_writev", Args: args("pid", "local_iov", "liovcnt", "remote_iov", "riovcnt", "flags"), Policy: Refuse},
	{Nr: unix.SYS_KCMP, Name: "kcmp", Args: args("pid1", "pid2", "type", "idx1", "idx2"), Policy: Refuse},
	{Nr: unix.SYS_FINIT_MODULE, Name: "finit_module", Args: args("fd", "param_values", "flags"), Policy: Refuse},
	{Nr: unix.SYS_SCHED_SETATTR, Name: "sched_setattr", Args: args("pid", "attr", "flags"), Policy: Emulate},
	{Nr: unix.SYS_SCHED_GETATTR, Name: "sched_getattr", Args: args("pid", "attr", "size", "flags"), Policy: Emulate, Outputs: outs(argBytes(1, 2))},
	{Nr: unix.SYS_RENAMEAT2, Name: "renameat2", Args: args("olddirfd", "oldpath", "newdirfd", "newpath", "flags"), Policy: Emulate},
	{Nr: unix.SYS_SECCOMP, Name: "seccomp", Args: args("operation", "flags", "args"), Policy: Refuse},
	{Nr: unix.SYS_GETRANDOM, Name: "getrandom", Args: args("buf", "buflen", "flags"), Policy: Emulate, Outputs: outs(resultBytes(0, 1))},
	{Nr: unix.SYS_MEMFD_CREATE, Name: "memfd_create", Args: args("name", "flags"), Policy: Emulate},
	{Nr: unix.SYS_KEXEC_FILE_LOAD, Name: "kexec_file_load", Args: args("kernel_fd", "initrd_fd", "cmdline_len", "cmdline", "flags"), Policy: Refuse},
	{Nr: unix.SYS_BPF, Name: "bpf", Args: args("cmd", "attr", "size"), Policy: Refuse},
	{Nr: unix.SYS_EXECVEAT, Name: "execveat", Args: args("dirfd", "pathname", "argv", "envp", "flags"), Policy: Special},
	{Nr: unix.SYS_USERFAULTFD, Name: "userfaultfd", Args: args("flags"), Policy: Refuse},
	{Nr: unix.SYS_MEMBARRIER, Name: "membarrier", Args: args("cmd", "flags", "cpu_id"), Policy: Emulate},
	{Nr: unix.SYS_MLOCK2, Name: "mlock2", Args: args("addr", "len", "flags"), Policy: Execute, ResultMustMatch: true},
	{Nr: unix.SYS_COPY_FILE_RANGE, Name: "copy_file_range", Args: args("fd_in", "off_in", "fd_out", "off_out", "len", "flags"), Policy: Emulate, Outputs: outs(fixed(1, sizeLong), fixed(3, sizeLong))},
	{Nr: unix.SYS_PREADV2, Name: "preadv2", Args: args("fd", "iov", "iovcnt", "pos_l", "pos_h", "flags"), Policy: Emulate, Outputs: outs(iovecs(1, 2))},
	{Nr: unix.SYS_PWRITEV2, Name: "pwritev2", Args: args("fd", "iov", "iovcnt", "pos_l", "pos_h", "flags"), Policy: Emulate, Visible: true},
	{Nr: unix.SYS_PKEY_MPROTECT, Name: "pkey_mprotect", Args: args("addr", "len", "prot", "pkey"), Policy: Execute, ResultMustMatch: true},
	{Nr: unix.SYS_PKEY_ALLOC, Name: "pkey_alloc", Args: args("flags", "access_rights"), Policy: Execute, ResultMustMatch: true},
	{Nr: unix.SYS_PKEY_FREE, Name: "pkey_free", Args: args("pkey"), Policy: Execute, ResultMustMatch: true},
	{Nr: unix.SYS_STATX, Name: "statx", Args: args("dirfd", "pathname", "flags", "mask", "statxbuf"), Policy: Emulate, Outputs: outs(fixed(4, sizeStatx))},
	{Nr: unix.SYS_IO_PGETEVENTS, Name: "io_pgetevents", Args: args("ctx_id", "min_nr", "nr", "events", "timeout", "usig"), Policy: Refuse},
	{Nr: unix.SYS_RSEQ, Name: "rseq", Args: args("rseq", "rseq_len", "flags", "sig"), Policy: Refuse},
	{Nr: unix.SYS_URETPROBE, Name: "uretprobe", Args: args(), Policy: Refuse},
	{Nr: unix.SYS_UPROBE, Name: "uprobe", Args: args(), Policy: Refuse},
	{Nr: unix.SYS_PIDFD_SEND_SIGNAL, Name: "pidfd_send_signal", Args: args("pidfd", "sig", "info", "flags"), Policy: Special},
	{Nr: unix.SYS_IO_URING_SETUP, Name: "io_uring_setup", Args: args("entries", "params"), Policy: Refuse},
	{Nr: unix.SYS_IO_URING_ENTER, Name: "io_uring_enter", Args: args("fd", "to_submit", "min_complete", "flags", "argp", "argsz"), Policy: Refuse},
	{Nr: unix.SYS_IO_URING_REGISTER, Name: "io_uring_register", Args: args("fd", "opcode", "arg", "nr_args"), Policy: Refuse},
	{Nr: unix.SYS_OPEN_TREE, Name: "open_tree", Args: args("dirfd", "path", "flags"), Policy: Emulate},
	{Nr: unix.SYS_MOVE_MOUNT, Name: "move_mount", Args: args("from_dirfd", "from_path", "to_dirfd", "to_path", "flags"), Policy: Emulate},
	{Nr: unix.SYS_FSOPEN, Name: "fsopen", Args: args("fsname", "flags"), Policy: Emulate},
	{Nr: unix.SYS_FSCONFIG, Name: "fsconfig", Args: args("fd", "cmd", "key", "value", "aux"), Policy: Emulate},
	{Nr: unix.SYS_FSMOUNT, Name: "fsmount", Args: args("fd", "flags", "attr_flags"), Policy: Emulate},
	{Nr: unix.SYS_FSPICK, Name: "fspick", Args: args("dirfd", "path", "flags"), Policy: Emulate},
	{Nr: unix.SYS_PIDFD_OPEN, Name: "pidfd_open", Args: args("pid", "flags"), Policy: Emulate},
	{Nr: unix.SYS_CLONE3, Name: "clone3", Args: args("cl_args", "size"), Policy: Refuse}, // glibc falls back to clone
	{Nr: unix.SYS_CLOSE_RANGE, Name: "close_range", Args: args("first", "last", "flags"), Policy: Emulate},
	{Nr: unix.SYS_OPENAT2, Name: "openat2", Args: args("dirfd", "pathname", "how", "size"), Policy: Emulate},
	{Nr: unix.SYS_PIDFD_GETFD, Name: "pidfd_getfd", Args: args("pidfd", "targetfd", "flags"), Policy: Emulate},
	{Nr: unix.SYS_FACCESSAT2, Name: "faccessat2", Args: args("dirfd", "pathname", "mode", "flags"), Policy: Emulate},
	{Nr: unix.SYS_PROCESS_MADVISE, Name: "process_madvise", Args: args("pidfd", "iovec", "vlen", "advice", "flags"), Policy: Refuse},
	{Nr: unix.SYS_EPOLL_PWAIT2, Name: "epoll_pwait2", Args: args("epfd", "events", "maxevents", "timeout", "sigmask", "sigsetsize"), Policy: Emulate, Outputs: outs(resultElems(1, sizeEpollEvent, 2))},
	{Nr: unix.SYS_MOUNT_SETATTR, Name: "mount_setattr", Args: args("dirfd", "pathname", "flags", "attr", "size"), Policy: Emulate},
	{Nr: unix.SYS_QUOTACTL_FD, Name: "quotactl_fd", Args: args("fd", "cmd", "id", "addr"), Policy: Refuse},
	{Nr: unix.SYS_LANDLOCK_CREATE_RULESET, Name: "landlock_create_ruleset", Args: args("attr", "size", "flags"), Policy: Emulate},
	{Nr: unix.SYS_LANDLOCK_ADD_RULE, Name: "landlock_add_rule", Args: args("ruleset_fd", "rule_type", "rule_attr", "flags"), Policy: Emulate},
	{Nr: unix.SYS_LANDLOCK_RESTRICT_SELF, Name: "landlock_restrict_self", Args: args("ruleset_fd", "flags"), Policy: Emulate},
	{Nr: unix.SYS_MEMFD_SECRET, Name: "memfd_secret", Args: args("flags"), Policy: Refuse},
	{Nr: unix.SYS_PROCESS_MRELEASE, Name: "process_mrelease", Args: args("pidfd", "flags"), Policy: Emulate},
	{Nr: unix.SYS_FUTEX_WAITV, Name: "futex_waitv", Args: args("waiters", "nr_futexes", "flags", "timeout", "clockid"), Policy: Emulate},
	{Nr: unix.SYS_SET_MEMPOLICY_HOME_NODE, Name: "set_mempolicy_home_node", Args: args("start", "len", "home_node", "flags"), Policy: Emulate},
	{Nr: unix.SYS_CACHESTAT, Name: "cachestat", Args: args("fd", "cstat_range", "cstat", "flags"), Policy: Emulate, Outputs: outs(fixed(2, sizeCachestat))},
	{Nr: unix.SYS_FCHMODAT2, Name: "fchmodat2", Args: args("dirfd", "pathname", "mode", "flags"), Policy: Emulate},
	{Nr: unix.SYS_MAP_SHADOW_STACK, Name: "map_shadow_stack", Args: args("addr", "size", "flags"), Policy: Refuse},
	{Nr: unix.SYS_FUTEX_WAKE, Name: "futex_wake", Args: args("uaddr", "mask", "nr", "flags"), Policy: Emulate},
	{Nr: unix.SYS_FUTEX_WAIT, Name: "futex_wait", Args: args("uaddr", "val", "mask", "flags", "timeout", "clockid"), Policy: Emulate},
	{Nr: unix.SYS_FUTEX_REQUEUE, Name: "futex_requeue", Args: args("waiters", "flags", "nr_wake", "nr_requeue"), Policy: Emulate},
	{Nr: unix.SYS_MSEAL, Name: "mseal", Args: args("addr", "len", "flags"), Policy: Execute, ResultMustMatch: true},
	{Nr: unix.SYS_SETXATTRAT, Name: "setxattrat", Args: args("dirfd", "pathname", "at_flags", "name", "uargs", "usize"), Policy: Emulate},
	{Nr: unix.SYS_LISTXATTRAT, Name: "listxattrat", Args: args("dirfd", "pathname", "at_flags", "list", "size"), Policy: Emulate, Outputs: outs(resultBytes(3, 4))},
	{Nr: unix.SYS_REMOVEXATTRAT, Name: "removexattrat", Args: args("dirfd", "pathname", "at_flags", "name"), Policy: Emulate},
}
