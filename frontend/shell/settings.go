package shell

import (
	"fmt"
	"strconv"
	"strings"
)

// set is set [NAME VALUE]: the shell's settings; without an argument, it
// lists them.
func (s *shell) set(arg string) error {
	if arg == "" {
		s.out.printf("context %d\n", s.contextLines)
		return nil
	}
	name, value := splitCommand(arg)
	if name != "context" {
		return userError(fmt.Sprintf("no setting '%s': set context N", name))
	}
	n, err := strconv.Atoi(strings.TrimSpace(value))
	if err != nil || n < 0 {
		return userError(fmt.Sprintf("set context needs a number of lines, got '%s'", strings.TrimSpace(value)))
	}
	s.contextLines = n
	return nil
}
