package shell

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"rrpy/engine"
)

// keeper is the Target's memory between sessions, or a refusal that says
// it has none.
func (s *shell) keeper() (engine.Keeper, error) {
	k, ok := s.t.(engine.Keeper)
	if !ok {
		return nil, refusal("This recording keeps no marks or $N names between sessions")
	}
	return k, nil
}

// mark is mark NAME [TIME]: a name for the present (or TIME) that go
// takes, kept with the recording.
func (s *shell) mark(arg string) error {
	name, timeText := splitCommand(arg)
	if name == "" {
		return userError("Mark with what name? (mark NAME [TIME])")
	}
	if _, err := strconv.ParseUint(name, 10, 64); err == nil || !isIdentifier(name) {
		return userError(fmt.Sprintf("a mark's name is a word, not a time: got '%s'", name))
	}
	k, err := s.keeper()
	if err != nil {
		return err
	}
	t := s.t.Now().Time
	if timeText = strings.TrimSpace(timeText); timeText != "" {
		if t, err = strconv.ParseUint(timeText, 10, 64); err != nil {
			return userError(fmt.Sprintf("mark needs a time (a number), got '%s'", timeText))
		}
	}
	err = k.Mark(name, t)
	s.out.printf("Mark %s at time %d\n", name, t)
	return err
}

// markTime is the time a mark names, for go NAME.
func (s *shell) markTime(name string) (uint64, bool) {
	k, ok := s.t.(engine.Keeper)
	if !ok {
		return 0, false
	}
	t, ok := k.Marks()[name]
	return t, ok
}

// infoMarks lists the marks, by time.
func (s *shell) infoMarks() error {
	k, err := s.keeper()
	if err != nil {
		return err
	}
	marks := k.Marks()
	names := make([]string, 0, len(marks))
	for name := range marks {
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(cmp.Compare(marks[a], marks[b]), cmp.Compare(a, b)) })
	if len(names) == 0 {
		s.out.printf("No marks: mark NAME names the present.\n")
	}
	for _, name := range names {
		s.out.printf("%s  time %d\n", name, marks[name])
	}
	return nil
}

// infoAnchors lists the $N names, kept from session to session, with
// their objects' lives: searched over the whole recording first (kept
// too, so that the next time lists them at once).
func (s *shell) infoAnchors() error {
	k, err := s.keeper()
	if err != nil {
		return err
	}
	if len(k.Anchors()) == 0 {
		s.out.printf("No $N names yet: p names a value the program has.\n")
		return nil
	}
	ctx, stop := s.moveContext()
	quiet := s.showProgress()
	err = k.SearchAnchors(ctx)
	quiet()
	interrupted := ctx.Err() != nil
	stop()
	if err != nil && !interrupted {
		return fmt.Errorf("search the lives of the $N names: %w", err)
	}
	if interrupted && s.interactive {
		s.out.printf("\n") // past the terminal's ^C
	}
	for n, a := range k.Anchors() {
		s.out.printf("$%d  %s\n", n, life(a))
	}
	if interrupted {
		s.out.printf("Interrupted: the lives are as far as searched.\n")
	}
	return nil
}

// life says when an anchor's object was born and freed, as far as known.
func life(a engine.Anchor) string {
	if a.Static {
		return "alive throughout (in the executable's data)"
	}
	born := fmt.Sprintf("alive at %d, born then or earlier", a.Born)
	switch {
	case a.BornKnown && a.Born == 0:
		born = "alive from the start"
	case a.BornKnown:
		born = fmt.Sprintf("born at %d", a.Born)
	}
	died := fmt.Sprintf("alive up to %d at least", a.Died)
	switch {
	case a.DiedKnown:
		died = fmt.Sprintf("freed at %d", a.Died)
	case a.Lasts:
		died = "alive to the end"
	}
	return born + ", " + died
}
