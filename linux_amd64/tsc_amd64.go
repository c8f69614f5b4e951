package linux_amd64 //nolint:revive,stylecheck

// ReadTSC executes rdtsc in rrpy itself: the value a trapped rdtsc of the
// tracee is given at record time.
func ReadTSC() uint64
