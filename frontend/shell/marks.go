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

// infoAnchors lists the $N names, kept from session to session, and what
// is known of their objects' lives.
func (s *shell) infoAnchors() error {
	k, err := s.keeper()
	if err != nil {
		return err
	}
	anchors := k.Anchors()
	if len(anchors) == 0 {
		s.out.printf("No $N names yet: p names a value the program has.\n")
	}
	for n, a := range anchors {
		if a.Static {
			s.out.printf("$%d  alive throughout (in the executable's data)\n", n)
			continue
		}
		born := fmt.Sprintf("alive at %d, born then or earlier", a.Born)
		if a.BornKnown {
			born = fmt.Sprintf("born at %d", a.Born)
		}
		died := fmt.Sprintf("alive up to %d at least", a.Died)
		if a.DiedKnown {
			died = fmt.Sprintf("freed at %d", a.Died)
		}
		s.out.printf("$%d  %s, %s\n", n, born, died)
	}
	return nil
}
