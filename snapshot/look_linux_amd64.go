package snapshot

import (
	"errors"

	"rrpy/frontend"
	"rrpy/pyframes"
)

// Stack returns the current call stack, outermost frame first.
func (tl *Timeline) Stack() ([]frontend.Frame, error) {
	rd, cur, err := tl.currentFrame()
	if err != nil {
		return nil, err
	}
	frames, err := rd.Stack(cur.Addr)
	if err != nil {
		return nil, err
	}
	out := make([]frontend.Frame, len(frames))
	for i, f := range frames {
		line := f.Line
		if i == 0 {
			line = tl.loc.Line // the probe's f_lineno, exact at a return too
		}
		out[len(frames)-1-i] = frontend.Frame{File: f.Code.Filename, Line: line, Func: f.Code.Name}
	}
	return out, nil
}

// Locals returns the current frame's local variables.
func (tl *Timeline) Locals() ([]frontend.Var, error) {
	rd, cur, err := tl.currentFrame()
	if err != nil {
		return nil, err
	}
	vars, err := rd.Locals(cur)
	if err != nil {
		return nil, err
	}
	out := make([]frontend.Var, len(vars))
	for i, v := range vars {
		out[i] = frontend.Var{Name: v.Name, Repr: v.Repr}
	}
	return out, nil
}

// currentFrame reads the frame of the current stop point, with what p
// changed there (`p n = 99`, then locals says 99, as in pdb).
func (tl *Timeline) currentFrame() (*pyframes.Reader, pyframes.Frame, error) {
	if tl.s == nil {
		return nil, pyframes.Frame{}, errNoReplay
	}
	rd := tl.reader()
	if tl.now.scratch != nil {
		rd = pyframes.NewReader(tl.now.scratch, tl.py.Layout)
	}
	cur, err := rd.FrameObject(tl.here.Frame)
	return rd, cur, err
}

// Source returns a Python source file as it was when recorded.
func (tl *Timeline) Source(file string) ([]byte, error) { return tl.sources.get(file) }

// SourceFiles lists the recorded source files, for break FILE:LINE.
func (tl *Timeline) SourceFiles() []string { return tl.sources.files() }

// Checkpoints returns the times of the checkpoints that exist.
func (tl *Timeline) Checkpoints() []uint64 { return tl.cps.times() }

// errNoReplay is returned when no replay stands at the present, which
// only a failed move leaves behind.
var errNoReplay = errors.New("the replay is not at a stop point: go somewhere first")
