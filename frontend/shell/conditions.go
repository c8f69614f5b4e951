package shell

import (
	"context"
	"fmt"
	"strconv"

	"rrpy/engine"
)

// condition is condition N [COND]: without COND the breakpoint stops at
// every hit again.
func (s *shell) condition(arg string) error {
	b, cond, err := s.breakpointArg("condition", arg)
	if err != nil {
		return err
	}
	b.rule.Condition = cond
	if cond == "" {
		s.out.printf("Breakpoint %d is now unconditional.\n", b.ID)
		return nil
	}
	s.out.printf("New condition set for breakpoint %d.\n", b.ID)
	return nil
}

// ignore is ignore N [COUNT]: the next COUNT hits whose condition holds
// go by (0, the default, stops at the next).
func (s *shell) ignore(arg string) error {
	b, countText, err := s.breakpointArg("ignore", arg)
	if err != nil {
		return err
	}
	count := 0
	if countText != "" {
		if count, err = strconv.Atoi(countText); err != nil || count < 0 {
			return userError(fmt.Sprintf("ignore needs a count (a number), got '%s'", countText))
		}
	}
	b.rule.Ignore = count
	if count == 0 {
		s.out.printf("Will stop next time breakpoint %d is reached.\n", b.ID)
		return nil
	}
	s.out.printf("Will ignore next %s of breakpoint %d.\n", plural(count, "crossing"), b.ID)
	return nil
}

func (s *shell) disable(arg string) error {
	return s.eachBreakpoint("disable", arg, func(b *breakpoint) {
		b.disabled = true
		s.out.printf("Disabled %s %d at %s\n", kind(b.Breakpoint), b.ID, describe(b.Breakpoint))
	})
}

func (s *shell) enable(arg string) error {
	return s.eachBreakpoint("enable", arg, func(b *breakpoint) {
		b.disabled = false
		s.out.printf("Enabled %s %d at %s\n", kind(b.Breakpoint), b.ID, describe(b.Breakpoint))
	})
}

// takes tells whether a hit of breakpoint id stops, by its rule; a hit
// of one the shell does not know (another frontend's) stops.
func (s *shell) takes(ctx context.Context, id int) (stop bool, problem string, err error) {
	b := s.find(id)
	if b == nil {
		return true, "", nil
	}
	return b.rule.Takes(ctx, s.t)
}

// continueTo runs to the next (previous) hit that stops, or an edge. A
// condition that raised stops the move, and the stop's note says so.
func (s *shell) continueTo(ctx context.Context, backward bool) (engine.Stop, error) {
	bps := s.enabled()
	var problem string
	st, err := engine.ContinueTaking(ctx, s.t, backward, bps, func(ctx context.Context, hit engine.Stop) (bool, error) {
		stop, p, err := s.takes(ctx, hit.Hit.ID)
		problem = p
		return stop, err
	})
	if problem != "" && st.Hit != nil {
		st.Note = fmt.Sprintf("Breakpoint %d: %s", st.Hit.ID, problem)
	}
	return st, err
}
