package syscalls

// Constructors for the table's outputs. They keep each table line short and
// make the meaning of the indices obvious at the call site.

// noArg marks an Output without a count argument.
const noArg = -1

// Sizes of the x86-64 kernel structures the table refers to.
const (
	sizeStat       = 144 // struct stat
	sizeStatx      = 256 // struct statx
	sizeUtsname    = 390 // struct new_utsname
	sizeTimespec   = 16  // struct timespec
	sizeTimeval    = 16  // struct timeval
	sizeTimezone   = 8   // struct timezone
	sizeRlimit     = 16  // struct rlimit64
	sizeRusage     = 144 // struct rusage
	sizeSysinfo    = 112 // struct sysinfo
	sizeTms        = 32  // struct tms
	sizeStatfs     = 120 // struct statfs
	sizeItimerval  = 32  // struct itimerval
	sizeItimerspec = 32  // struct itimerspec
	sizeSigaction  = 32  // kernel struct sigaction: handler, flags, restorer, mask
	sizeStack      = 24  // stack_t
	sizeSiginfo    = 128 // siginfo_t
	sizeTermios    = 36  // kernel struct termios (not glibc's 60-byte one)
	sizeTermios2   = 44  // struct termios2
	sizeWinsize    = 8   // struct winsize
	sizeFlock      = 32  // struct flock
	sizeFOwnerEx   = 8   // struct f_owner_ex
	sizePollfd     = 8   // struct pollfd
	sizeEpollEvent = 12  // struct epoll_event (packed on x86-64)
	sizeTimex      = 208 // struct __kernel_timex
	sizeMqAttr     = 64  // struct mq_attr
	sizeUstat      = 32  // struct ustat
	sizeCapData    = 24  // two struct __user_cap_data_struct (capability v2/v3)
	sizeCapHeader  = 8   // struct __user_cap_header_struct
	sizeCachestat  = 40  // struct cachestat
	sizeIfreq      = 40  // struct ifreq
	sizeInt        = 4
	sizeLong       = 8
	sizeFdPair     = 8 // int[2] of pipe, pipe2, socketpair
)

// args names a call's arguments.
func args(names ...string) []string { return names }

// outs lists a call's outputs.
func outs(o ...Output) []Output { return o }

// fixed is a size-byte struct at pointer arg.
func fixed(arg, size int) Output {
	return Output{Kind: Fixed, Arg: arg, CountArg: noArg, Size: size}
}

// onError marks an output the kernel also writes when the call fails.
func onError(o Output) Output {
	o.OnError = true
	return o
}

// resultBytes is result bytes at pointer arg, capped by arg capArg (the
// buffer size) when capArg is not noArg.
func resultBytes(arg, capArg int) Output {
	return resultElems(arg, 1, capArg)
}

// resultElems is result elements of size bytes at pointer arg, the count
// capped by arg capArg when capArg is not noArg.
func resultElems(arg, size, capArg int) Output {
	return Output{Kind: ResultSized, Arg: arg, CountArg: capArg, Size: size}
}

// argBytes is as many bytes at pointer arg as arg countArg says.
func argBytes(arg, countArg int) Output { return argElems(arg, countArg, 1) }

// argElems is arg countArg elements of size bytes at pointer arg.
func argElems(arg, countArg, size int) Output {
	return Output{Kind: ArgSized, Arg: arg, CountArg: countArg, Size: size, Per: 1}
}

// bitmap is a bitmap of arg nbitsArg bits, in 64-bit words, at pointer arg
// (fd_set, nodemask).
func bitmap(arg, nbitsArg int) Output {
	return Output{Kind: ArgSized, Arg: arg, CountArg: nbitsArg, Size: 8, Per: 64}
}

// pageVector is one byte per page of the arg lenArg bytes (mincore).
func pageVector(arg, lenArg int) Output {
	return Output{Kind: ArgSized, Arg: arg, CountArg: lenArg, Size: 1, Per: 4096}
}

// valueResult is a struct at pointer arg whose length is the u32 at pointer
// arg lenPtrArg after the call, capped at limit when limit > 0.
func valueResult(arg, lenPtrArg, limit int) Output {
	return Output{Kind: ValueResult, Arg: arg, CountArg: lenPtrArg, Size: limit}
}

// sockaddr is a socket address with its socklen_t length.
func sockaddr(arg, lenPtrArg int) Output { return valueResult(arg, lenPtrArg, sockaddrMax) }

// iovecs is the iovec array at arg with arg countArg entries, filled with
// result bytes.
func iovecs(arg, countArg int) Output {
	return Output{Kind: Iovec, Arg: arg, CountArg: countArg}
}

// msghdr is the struct msghdr at arg of a receive call.
func msghdr(arg int) Output { return Output{Kind: Msghdr, Arg: arg, CountArg: noArg} }

// mmsgRecv is the mmsghdr array at arg with arg vlenArg entries, of which
// result were received.
func mmsgRecv(arg, vlenArg int) Output {
	return Output{Kind: MmsgRecv, Arg: arg, CountArg: vlenArg}
}

// mmsgSent is the msg_len fields of the first result entries of the mmsghdr
// array at arg.
func mmsgSent(arg, vlenArg int) Output {
	return Output{Kind: MmsgSent, Arg: arg, CountArg: vlenArg}
}

// fileHandle is the struct file_handle at arg.
func fileHandle(arg int) Output { return Output{Kind: FileHandle, Arg: arg, CountArg: noArg} }

// byArg picks outputs by the value of arg masked with mask.
func byArg(arg int, mask uint64, cases ...Case) Output {
	return Output{Kind: Switch, Arg: arg, CountArg: noArg, Mask: mask, Cases: cases}
}

// when is one case of byArg.
func when(value uint64, o ...Output) Case { return Case{Value: value, Outputs: o} }
