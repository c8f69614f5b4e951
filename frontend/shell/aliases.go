package shell

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// maxAliasDepth bounds how many aliases one line expands through: an
// alias may name another, not itself forever.
const maxAliasDepth = 10

// expandAliases replaces the alias that starts a line by what it stands
// for, as pdb does: %1, %2... by the arguments, %* by all of them.
func (s *shell) expandAliases(line string) (string, error) {
	for depth := 0; ; depth++ {
		name, arg := splitCommand(line)
		def, ok := s.aliases[name]
		if !ok {
			return line, nil
		}
		if depth == maxAliasDepth {
			return "", userError(fmt.Sprintf("alias %s expands more than %d times: does it name itself?", name, maxAliasDepth))
		}
		args := strings.Fields(arg)
		for i, a := range args {
			def = strings.ReplaceAll(def, "%"+strconv.Itoa(i+1), a)
		}
		line = strings.ReplaceAll(def, "%*", strings.Join(args, " "))
	}
}

// alias is alias [NAME [COMMAND]]: lists, shows or sets an alias.
func (s *shell) alias(arg string) error {
	if arg == "" {
		names := make([]string, 0, len(s.aliases))
		for name := range s.aliases {
			names = append(names, name)
		}
		slices.Sort(names)
		if len(names) == 0 {
			s.out.printf("No aliases.\n")
		}
		for _, name := range names {
			s.out.printf("%s = %s\n", name, s.aliases[name])
		}
		return nil
	}
	name, def := splitCommand(arg)
	def = strings.TrimSpace(def)
	switch {
	case def == "":
		if d, ok := s.aliases[name]; ok {
			s.out.printf("%s = %s\n", name, d)
			return nil
		}
		return userError(fmt.Sprintf("No alias %s", name))
	case name == "alias" || name == "unalias":
		return refusal(fmt.Sprintf("%s cannot be an alias: it would be no way back", name))
	}
	s.aliases[name] = def
	return nil
}

// unalias is unalias NAME.
func (s *shell) unalias(arg string) error {
	if arg == "" {
		return userError("Unalias what? (unalias NAME)")
	}
	if _, ok := s.aliases[arg]; !ok {
		return userError(fmt.Sprintf("No alias %s", arg))
	}
	delete(s.aliases, arg)
	return nil
}
