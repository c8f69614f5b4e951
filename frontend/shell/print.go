package shell

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"rrpy/engine"
)

// print is p EXPR, in the selected frame: the value, "$N = " first when
// the program had it.
func (s *shell) print(arg string) error {
	if arg == "" {
		return userError("Print what?")
	}
	ctx, stop := s.moveContext()
	v, err := s.t.Print(ctx, arg, s.selected())
	stop()
	if err != nil {
		return err
	}
	s.showValue(v)
	return nil
}

// showValue prints what an evaluation printed, then its value, "$N = "
// first when the program had it, or its exception.
func (s *shell) showValue(v engine.Value) {
	s.out.printf("%s", v.Output)
	if v.Output != "" && !strings.HasSuffix(v.Output, "\n") {
		s.out.printf("\n")
	}
	switch {
	case v.Err != "":
		s.out.printf("%s\n", v.Err)
	case v.Statement:
	case v.Anchor >= 0:
		s.out.printf("$%d = %s\n", v.Anchor, v.Repr)
	default:
		s.out.printf("%s\n", v.Repr)
	}
}

// setWatch is watch EXPR.
func (s *shell) setWatch(arg string) error {
	if arg == "" {
		return userError("Watch what?")
	}
	v, err := s.watchable(arg, "watch")
	if err != nil {
		return err
	}
	if i := slices.IndexFunc(s.bps, func(b *breakpoint) bool { return b.Watch == arg }); i >= 0 {
		return refusal(fmt.Sprintf("Watchpoint %d already watches %s", s.bps[i].ID, arg))
	}
	b := s.add(engine.Breakpoint{Watch: arg}, engine.HitRule{}, false)
	s.out.printf("Watchpoint %d added\n", b.ID)
	s.showWatchValue(b.Breakpoint, v.Text())
	return nil
}

// watchable evaluates a watch expression at the present, refusing one a
// watch cannot follow: a syntax error, a name of the program's (cmd
// says which command asks).
func (s *shell) watchable(expr, cmd string) (engine.Value, error) {
	ctx, stop := s.moveContext()
	v, err := s.t.WatchValue(ctx, expr)
	stop()
	if err != nil {
		return v, err
	}
	if strings.HasPrefix(v.Err, "SyntaxError") {
		return v, userError(v.Err)
	}
	if m := unknownName.FindStringSubmatch(v.Err); m != nil {
		return v, refusal(fmt.Sprintf("A %s sees only the builtins and $N names, not %s: p %s names its value $N, to %s", cmd, m[1], m[1], cmd))
	}
	return v, nil
}

// unknownName is the error of a watch expression naming what is neither
// a builtin nor a $N (a variable of the program, which a watch does not
// see: it runs at every stop point, in every frame).
var unknownName = regexp.MustCompile(`^NameError: name '([^']+)' is not defined$`)

// updateWatches evaluates the watchpoints where a move ended and says
// which values differ from the last ones shown.
func (s *shell) updateWatches() error {
	for _, bp := range s.bps {
		if bp.Watch == "" {
			continue
		}
		ctx, stop := s.moveContext()
		v, err := s.t.WatchValue(ctx, bp.Watch)
		stop()
		if err != nil {
			return fmt.Errorf("watchpoint %d: %w", bp.ID, err)
		}
		if v.Text() != s.watched[bp.ID] {
			s.showWatchValue(bp.Breakpoint, v.Text())
		}
	}
	return nil
}

func (s *shell) showWatchValue(bp engine.Breakpoint, text string) {
	s.watched[bp.ID] = text
	s.out.printf("updating watchpoint value: %s => %s\n", bp.Watch, text)
}
