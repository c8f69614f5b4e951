//go:build linux && amd64

package pyframes

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rrpy/internal/pythons"
	"rrpy/ptrace"

	"golang.org/x/sys/unix"
)

// report is what testdata/stack.py says of itself before it stops.
type report struct {
	Version [3]int
	Frames  []struct {
		Name, QualName, File string
		Line                 int
		Locals               [][2]string
	}
}

// stopped is a python stopped by its own SIGSTOP, and what it reported.
type stopped struct {
	proc   *ptrace.Proc
	py     *Python
	r      *Reader
	report report
	script string
}

// runToStop runs testdata/stack.py under trace until it stops itself. The
// tracee is killed when the test ends.
func runToStop(t *testing.T, python string) *stopped {
	t.Helper()
	st, line := runScriptToStop(t, python, "testdata/stack.py")
	if err := json.Unmarshal([]byte(line), &st.report); err != nil {
		t.Fatalf("decode the report %q: %v", line, err)
	}
	return st
}

// runScriptToStop runs a script with args under trace until it stops
// itself with SIGSTOP, and returns the first line it printed. The tracee
// is killed when the test ends.
func runScriptToStop(t testing.TB, python, script string, args ...string) (*stopped, string) {
	t.Helper()
	if _, err := os.Stat(python); err != nil {
		t.Skipf("no %s on this machine: %v", python, err)
	}
	script, err := filepath.Abs(script)
	if err != nil {
		t.Fatal(err)
	}
	out, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	t.Cleanup(func() { out.Close() })
	stderr, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stderr.Close() })
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { devnull.Close() })
	tr := ptrace.NewTracer()
	p, err := tr.Launch(ptrace.LaunchOptions{
		Path:  python,
		Argv:  append([]string{python, script}, args...),
		Env:   []string{"PATH=/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE=1"},
		Files: []*os.File{devnull, w, stderr},
	})
	if err != nil {
		tr.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Kill(); tr.Close() })
	var sig unix.Signal
	for i := 0; ; i++ {
		s, err := p.ResumeWait(ptrace.ToCont, sig)
		if err != nil {
			t.Fatal(err)
		}
		if s.Kind == ptrace.StopSignal && s.Signal == unix.SIGSTOP {
			break
		}
		if s.Kind == ptrace.StopExited || i > 100 {
			msg, _ := os.ReadFile(stderr.Name())
			t.Fatalf("%s ended before its SIGSTOP (%v):\n%s", python, s, msg)
		}
		sig = 0
		if s.Kind == ptrace.StopSignal {
			sig = s.Signal
		}
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("read the report of %s: %v", python, err)
	}
	st := &stopped{proc: p, script: script}
	if st.py, err = Find(p.Pid); err != nil {
		t.Fatal(err)
	}
	st.r = NewReader(p, st.py)
	return st, line
}

// innermost returns the current frame of the only thread.
func (st *stopped) innermost(t *testing.T) uint64 {
	t.Helper()
	threads, err := st.r.Threads()
	if err != nil {
		t.Fatal(err)
	}
	if len(threads) != 1 {
		t.Fatalf("Threads = %#x, want one thread", threads)
	}
	f, err := st.r.CurrentFrame(threads[0])
	if err != nil || f == 0 {
		t.Fatalf("CurrentFrame = %#x, %v", f, err)
	}
	return f
}

// shims counts the frames owned by the C stack in the chain from inner.
func (st *stopped) shims(t *testing.T, inner uint64) int {
	t.Helper()
	l, n := st.py.Layout, 0
	for addr := inner; addr != 0; {
		f, err := st.r.interpFrame(addr)
		if err != nil {
			t.Fatal(err)
		}
		if int64(f[l.InterpFrameOwner]) == l.FrameOwnedByCstack {
			n++
		}
		addr = f.ptr(l.InterpFramePrevious)
	}
	if st.py.Version.Minor >= 12 && n == 0 {
		t.Errorf("CPython %v: no shim frame under the main script", st.py.Version)
	}
	return n
}

func forEachPython(t *testing.T, fn func(t *testing.T, st *stopped)) {
	pythons.ForEach(t, func(t *testing.T, in pythons.Interpreter) {
		st := runToStop(t, in.Path)
		want := filepath.Base(in.Path)
		if in.Shared {
			want = "libpython" + in.Version() + ".so.1.0"
		}
		if got := filepath.Base(st.py.File); got != want {
			t.Errorf("Find took the interpreter from %s, want %s", st.py.File, want)
		}
		fn(t, st)
	})
}

func TestFindDetectsVersionFromBinary(t *testing.T) {
	forEachPython(t, func(t *testing.T, st *stopped) {
		v := st.report.Version
		if want := (Version{v[0], v[1], v[2]}); st.py.Version != want {
			t.Errorf("Find: version %v, want %v", st.py.Version, want)
		}
		if addr, err := st.py.Symbol("PyEval_SetTrace"); err != nil || addr < st.py.Bias {
			t.Errorf("Symbol(PyEval_SetTrace) = %#x, %v (bias %#x)", addr, err, st.py.Bias)
		}
		if _, err := st.py.Symbol("no_such_symbol"); err == nil {
			t.Error("Symbol found no_such_symbol")
		}
	})
}

func TestStackMatchesPython(t *testing.T) {
	forEachPython(t, func(t *testing.T, st *stopped) {
		inner := st.innermost(t)
		frames, err := st.r.Stack(inner)
		if err != nil {
			t.Fatal(err)
		}
		want := st.report.Frames
		if len(frames) != len(want) {
			t.Fatalf("Stack: %d frames, want %d: %+v", len(frames), len(want), frames)
		}
		for i, f := range frames {
			w := want[i]
			if f.Code.Name != w.Name || f.Code.QualName != w.QualName || f.Code.Filename != st.script || f.Line != w.Line {
				t.Errorf("frame %d: %s (%s) %s:%d, want %s (%s) %s:%d", i,
					f.Code.Name, f.Code.QualName, f.Code.Filename, f.Line, w.Name, w.QualName, st.script, w.Line)
			}
		}
		if frames[len(frames)-1].Code.Name != "<module>" {
			t.Errorf("the outermost frame is %s, want <module>", frames[len(frames)-1].Code.Name)
		}
		// Depth counts the C stack's shim frames (3.12+) too, as the probe does.
		depth, err := st.r.Depth(inner)
		if wantDepth := len(want) + st.shims(t, inner); err != nil || depth != wantDepth {
			t.Errorf("Depth = %d, %v; want %d", depth, err, wantDepth)
		}
	})
}

// TestFrameMatchesStack reads each frame alone, and checks the frame
// object offsets the trace-function probe follows to it.
func TestFrameMatchesStack(t *testing.T) {
	forEachPython(t, func(t *testing.T, st *stopped) {
		frames, err := st.r.Stack(st.innermost(t))
		if err != nil {
			t.Fatal(err)
		}
		l := st.py.Layout
		for _, f := range frames {
			got, err := st.r.Frame(f.Addr)
			if err != nil || got != f {
				t.Errorf("Frame(%#x) = %+v, %v; want %+v", f.Addr, got, err, f)
			}
			// report() made a frame object for every frame.
			obj, err := st.r.u64(f.Addr + l.InterpFrameFrameObj)
			if err != nil || obj == 0 {
				t.Fatalf("frame_obj of %#x: %#x, %v", f.Addr, obj, err)
			}
			if back, err := st.r.u64(obj + l.FrameObjectFrame); err != nil || back != f.Addr {
				t.Errorf("f_frame of the frame object %#x = %#x, %v; want %#x", obj, back, err, f.Addr)
			}
		}
	})
}

// cutReprs are the variables whose repr rrpy cuts, unlike Python.
var cutReprs = map[string]string{
	"deep": "[[[[[[[...]]]]]]]",
	"long": "[" + func() string {
		var s []string
		for i := range 100 {
			s = append(s, itoa(i))
		}
		return strings.Join(s, ", ")
	}() + ", ...]",
	"longstr": "'" + strings.Repeat("ab", 248) + "a..." + strings.Repeat("ab", 249) + "'",
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + itoa(i%10)
}

func TestLocalsAndReprMatchPython(t *testing.T) {
	forEachPython(t, func(t *testing.T, st *stopped) {
		frames, err := st.r.Stack(st.innermost(t))
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range frames {
			vars, err := st.r.Locals(f)
			if err != nil {
				t.Fatalf("Locals of %s: %v", f.Code.Name, err)
			}
			var got, want []string
			for _, v := range vars {
				got = append(got, v.Name+" = "+v.Repr)
			}
			for _, nv := range st.report.Frames[i].Locals {
				if cut, ok := cutReprs[nv[0]]; ok {
					nv[1] = cut
				}
				want = append(want, nv[0]+" = "+nv[1])
			}
			if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
				t.Errorf("Locals of %s:\n%s\nwant (Python's own repr):\n%s", f.Code.Name, g, w)
			}
		}
	})
}

func TestFindWithoutPython(t *testing.T) {
	// The test binary maps no CPython.
	if _, err := Find(os.Getpid()); !errors.Is(err, ErrNoPython) {
		t.Errorf("Find(self) = %v, want ErrNoPython", err)
	}
}

// TestGarbageDoesNotPanic points every reading function at addresses that
// hold no such structure: words around real frames, code objects and
// thread states, and the values of those words taken as pointers. Errors
// are expected; panics and endless loops are not.
func TestGarbageDoesNotPanic(t *testing.T) {
	st := runToStop(t, pythons.Minor(t, 11).Path)
	inner := st.innermost(t)
	frames, err := st.r.Stack(inner)
	if err != nil {
		t.Fatal(err)
	}
	rt := st.py.Runtime
	threads, _ := st.r.Threads()
	var addrs []uint64
	for _, base := range []uint64{inner, frames[1].Code.Addr, threads[0], rt} {
		for off := uint64(0); off < 1024; off += 8 {
			a := base - 256 + off
			addrs = append(addrs, a, a+3)
			if v, err := st.r.u64(a); err == nil {
				addrs = append(addrs, v)
			}
		}
	}
	calls := map[string]func(a uint64) error{
		"Repr":     func(a uint64) error { _, err := st.r.Repr(a); return err },
		"TypeName": func(a uint64) error { _, err := st.r.TypeName(a); return err },
		"Code":     func(a uint64) error { _, err := st.r.Code(a); return err },
		"Frame":    func(a uint64) error { _, err := st.r.Frame(a); return err },
		"Stack":    func(a uint64) error { _, err := st.r.Stack(a); return err },
		"Depth":    func(a uint64) error { _, err := st.r.Depth(a); return err },
		"Locals":   func(a uint64) error { _, err := st.r.Locals(Frame{Addr: a}); return err },
		"Threads": func(a uint64) error {
			py := *st.py
			py.Runtime = a
			_, err := NewReader(st.proc, &py).Threads()
			return err
		},
		"CurrentFrame": func(a uint64) error { _, err := st.r.CurrentFrame(a); return err },
	}
	errs := 0
	for name, call := range calls {
		for _, a := range addrs {
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("%s(%#x) panicked: %v", name, a, p)
					}
				}()
				if call(a) != nil {
					errs++
				}
			}()
		}
	}
	if errs == 0 {
		t.Error("no call failed: the addresses were not garbage")
	}
}
