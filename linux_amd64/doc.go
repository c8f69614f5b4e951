// Package linux_amd64 holds the raw x86-64 facts rrpy needs below the
// syscall table: reading the time-stamp counter for instructions it
// emulates, and recognising the instructions that trap under
// PR_TSC_SIGSEGV.
package linux_amd64 //nolint:revive,stylecheck // named after the platform, as the design's layout asks
