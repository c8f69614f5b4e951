package session

import "encoding/binary"

// While recorded, the program runs on the one CPU of rrpy's tracer
// thread (ptrace.NewTracer: a stop is then a switch between two tasks,
// not a wake-up of another CPU). rrpy runs one of its threads at a time
// anyway, and its untraced children get every CPU back. So that the
// program sizes its pools as it would without rrpy, sched_getaffinity of
// its own threads answers rrpy's CPUs, until it sets an affinity itself.

// showFreeCPUs writes rrpy's CPUs over the mask a sched_getaffinity of
// the program's own thread returned (the bytes its result says).
func (r *recorder) showFreeCPUs(t *task, e *syscallEntry, result int64) error {
	free, bound := r.tracer.FreeCPUs()
	if !bound || r.ownAffinity || isError(result) || !r.ownThread(e.args[0]) {
		return nil
	}
	var mask []byte // the kernel's array of unsigned longs
	for _, word := range free {
		mask = binary.LittleEndian.AppendUint64(mask, uint64(word))
	}
	n := min(int(result), len(mask))
	return t.proc.WriteMemory(e.args[2], mask[:n])
}

// noteOwnAffinity notes a sched_setaffinity of the program's own thread:
// from then on it is told the truth.
func (r *recorder) noteOwnAffinity(e *syscallEntry, result int64) {
	if !isError(result) && r.ownThread(e.args[0]) {
		r.ownAffinity = true
	}
}

// ownThread tells whether a pid argument names a thread of the program:
// 0 (the caller) or one rrpy traces.
func (r *recorder) ownThread(pid uint64) bool {
	_, traced := r.tasks[int(int32(pid))]
	return int32(pid) == 0 || traced
}
