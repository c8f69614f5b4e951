package shell

import (
	"fmt"
	"strings"
)

// setCommands is pdb's commands [N]: the lines that follow, up to end,
// run where breakpoint N (the last one set) stops.
func (s *shell) setCommands(arg string) error {
	if s.in == nil {
		return refusal("commands reads its list from the shell's input: type it in rrpy replay")
	}
	b, err := s.commandsTarget(arg)
	if err != nil {
		return err
	}
	var list []string
	for {
		line, err := s.readLine("(com) ")
		if err != nil { // the end of the input ends the list too
			break
		}
		if line = strings.TrimSpace(line); line == "end" {
			break
		}
		if line != "" {
			list = append(list, line)
		}
	}
	b.commands = list
	return nil
}

// commandsTarget is the breakpoint commands N names, or the last one set.
func (s *shell) commandsTarget(arg string) (*breakpoint, error) {
	if arg != "" {
		b, rest, err := s.breakpointArg("commands", arg)
		if err == nil && rest != "" {
			err = userError(fmt.Sprintf("commands takes one breakpoint number, got '%s'", arg))
		}
		return b, err
	}
	if len(s.bps) == 0 {
		return nil, userError("No breakpoints: commands needs one (break first)")
	}
	return s.bps[len(s.bps)-1], nil
}

// silent says the breakpoint's commands start with silent: its stops are
// not shown, the commands say what they will.
func (b *breakpoint) silent() bool {
	return len(b.commands) > 0 && b.commands[0] == "silent"
}

// commandsToRun are the commands to run where b stopped: up to the first
// that moves in time, which ends the list as in pdb.
func (b *breakpoint) commandsToRun() []string {
	list := b.commands
	if b.silent() {
		list = list[1:]
	}
	var run []string
	for _, line := range list {
		run = append(run, line)
		if c := lookup(firstWord(line)); c != nil && c.group == groupMove {
			break
		}
	}
	return run
}

func firstWord(line string) string {
	name, _ := splitCommand(line)
	return name
}
