package shell

import (
	"fmt"
	"strings"
)

// command is one entry of the shell's language.
type command struct {
	name    string
	aliases []string
	args    string   // what follows the name in a usage line: "[N]"
	subs    []string // fixed first words of the argument, for completion
	group   string
	short   string // one line for the help list
	long    string // what help CMD adds
	fn      func(s *shell, arg string) error
	// completes says what tab completes in the argument.
	completes argKind
}

// argKind is what a command's argument is, for completion.
type argKind int

const (
	fixedArg    argKind = iota // subs, or nothing
	pythonArg                  // Python in the selected frame: its names, attributes, $N
	watchArg                   // a watch expression: $N and attributes
	locationArg                // FILE:LINE or a function: the recorded files
)

const (
	groupMove    = "Moving in time"
	groupBreak   = "Breakpoints"
	groupInspect = "Looking around"
	groupShell   = "The shell"
)

// commands is the shell's language, declared once: dispatch, help,
// completion and docs/commands.md all read it. A function rather than a variable so
// that no one can change it and the handlers may mention it.
func commands() []command {
	return []command{
		{name: "step", aliases: []string{"s"}, args: "[N]", group: groupMove,
			short: "go N stop points forward (default 1)",
			long:  "Stop points are the prompt's times: step N is go NOW+N, stepping into calls.",
			fn:    func(s *shell, arg string) error { return s.step(arg, false) }},
		{name: "bstep", aliases: []string{"bs"}, args: "[N]", group: groupMove,
			short: "go N stop points backward (default 1)",
			long:  "bstep N is go NOW-N: the stop points just before this one, in whatever frame they are.",
			fn:    func(s *shell, arg string) error { return s.step(arg, true) }},
		{name: "next", aliases: []string{"n"}, group: groupMove,
			short: "run to the next line of this frame, over calls",
			long:  "Stops at the next stop point of this frame, or of its caller once it returns.",
			fn:    func(s *shell, arg string) error { return s.next(arg, false) }},
		{name: "bnext", aliases: []string{"bn"}, group: groupMove,
			short: "run back to the previous line of this frame, over calls",
			long:  "Stops at the previous stop point of this frame, or of its caller before the call.",
			fn:    func(s *shell, arg string) error { return s.next(arg, true) }},
		{name: "finish", aliases: []string{"f", "return", "r"}, group: groupMove,
			short: "run until this frame returns",
			long:  "Stops where the current frame returns (<<) or unwinds by an exception (!!). return is pdb's name.",
			fn:    func(s *shell, arg string) error { return s.finish(arg, false) }},
		{name: "bfinish", aliases: []string{"bf"}, group: groupMove,
			short: "run back to the call of this frame",
			long:  "Stops in the caller, at the line that called the current frame. At the outermost frame: No caller.",
			fn:    func(s *shell, arg string) error { return s.finish(arg, true) }},
		{name: "until", aliases: []string{"unt"}, args: "[LINE]", group: groupMove,
			short: "run to a line past this one in this frame, or to LINE",
			long: "As next, but over a loop's jump back: stops at the first line of this frame\n" +
				"greater than the current one (at or past LINE), or where the frame returns.",
			fn: (*shell).until},
		{name: "continue", aliases: []string{"c"}, group: groupMove,
			short: "run forward to the next breakpoint or watchpoint hit, or the end",
			long:  "Runs until a breakpoint is hit, a watched value changes, or the recording ends.",
			fn:    func(s *shell, arg string) error { return s.cont(arg, false) }},
		{name: "bcontinue", aliases: []string{"bc"}, group: groupMove,
			short: "run backward to the previous breakpoint or watchpoint hit, or the start",
			long: "Runs back in time until a breakpoint is hit (Reverse-hit), to the start of the\n" +
				"line that last changed a watched value, or to the recording's start.",
			fn: func(s *shell, arg string) error { return s.cont(arg, true) }},
		{name: "nthread", group: groupMove,
			short: "run to the next stop point of another thread",
			long:  "Stops at the first stop point after a thread switch: another thread runs there.",
			fn:    func(s *shell, arg string) error { return s.switchThread(arg, false) }},
		{name: "bthread", group: groupMove,
			short: "run back to the last stop point of another thread",
			long:  "Stops at the last stop point another thread ran before this thread's turn.",
			fn:    func(s *shell, arg string) error { return s.switchThread(arg, true) }},
		{name: "go", args: "TIME | MARK", group: groupMove,
			short: "jump to a time (a prompt's number) or a mark",
			long:  "Times outside the recording are clamped to its start or its end. mark NAME names a time.",
			fn:    (*shell).goTo},
		{name: "mark", args: "NAME [TIME]", group: groupMove,
			short: "name the present (or TIME), for go NAME",
			long:  "Marks are kept with the recording, as the $N names are: a later rrpy replay knows them (info marks).",
			fn:    (*shell).mark},

		{name: "break", completes: locationArg, aliases: []string{"b"}, args: "[FUNC | FILE:LINE | LINE] [if COND]", group: groupBreak,
			short: "set a breakpoint, or list them",
			long: "break foo stops when a function named foo is called; break app.py:12 at line 12\n" +
				"of the recorded file whose path ends with app.py; break 12 at line 12 of the\n" +
				"selected frame's file. Lines without code (blank, comments, past the end) are\n" +
				"refused. if COND (or pdb's , COND) stops only where the Python condition holds,\n" +
				"in the frame hit; a condition that raises stops and says so. Without an\n" +
				"argument, break lists the breakpoints as info breakpoints does.",
			fn: (*shell).setBreak},
		{name: "tbreak", completes: locationArg, args: "[FUNC | FILE:LINE | LINE] [if COND]", group: groupBreak,
			short: "set a temporary breakpoint, deleted where it first stops",
			long:  "As break, forward or backward: the first hit that stops deletes it.",
			fn:    (*shell).setTempBreak},
		{name: "condition", args: "N [COND]", group: groupBreak,
			short: "set breakpoint N's condition, or remove it",
			long:  "COND is Python, evaluated in the frame hit as p does; without it the breakpoint stops at every hit.",
			fn:    (*shell).condition},
		{name: "ignore", args: "N [COUNT]", group: groupBreak,
			short: "let the next COUNT hits of breakpoint N go by",
			long:  "Hits whose condition fails do not count. COUNT 0 (the default) stops at the next hit.",
			fn:    (*shell).ignore},
		{name: "disable", args: "N...", group: groupBreak,
			short: "disable breakpoints or watchpoints: moves pass them",
			fn:    (*shell).disable},
		{name: "enable", args: "N...", group: groupBreak,
			short: "enable breakpoints or watchpoints again",
			fn:    (*shell).enable},
		{name: "commands", args: "[N]", group: groupBreak,
			short: "give breakpoint N shell commands to run where it stops",
			long: "The lines that follow, up to end, are the list (pdb's (com) prompt); without N,\n" +
				"the last breakpoint set's; an empty list removes it. silent first: the stop is\n" +
				"not shown. A command that moves in time (continue...) ends the list there.\n" +
				"They run at hits forward and backward.",
			fn: (*shell).setCommands},
		{name: "delete", aliases: []string{"del"}, args: "N...", group: groupBreak,
			short: "delete breakpoints or watchpoints by number",
			long:  "The numbers are the ones break and watch printed (see info breakpoints).",
			fn:    (*shell).deleteBreaks},
		{name: "clear", completes: locationArg, aliases: []string{"cl"}, args: "N... | FILE:LINE | FUNC", group: groupBreak,
			short: "delete breakpoints by number, or those at a location",
			long:  "A bare number is a breakpoint's number, as in pdb: clear app.py:12 clears by line.",
			fn:    (*shell).clearBreaks},
		{name: "watch", completes: watchArg, args: "EXPR", group: groupBreak,
			short: "stop where the value of EXPR changes",
			long: "EXPR sees the builtins and the $N objects only, not the frame's names:\n" +
				"watch $0.value, watch len($1). continue stops after the line that changed it,\n" +
				"bcontinue at the start of that line.",
			fn: (*shell).setWatch},

		{name: "history", completes: watchArg, args: "EXPR", group: groupInspect,
			short: "list every value EXPR took over the recording, and the lines that changed it",
			long: "EXPR is as for watch: the builtins and $N, history $0.value. One row a value:\n" +
				"the time the line that changed it starts (go there to see it run), where that\n" +
				"line is, the value after it (not alive yet or freed where a $N names no object);\n" +
				"the first row is the value at the start. It travels the whole recording, forward\n" +
				"from its start, without showing the program's output, and comes back to the\n" +
				"present (what p changed there is dropped). Ctrl-C stops it with the rows found.",
			fn: (*shell).history},
		{name: "info", args: "breakpoints | watchpoints | paused | anchors | marks", subs: []string{"breakpoints", "watchpoints", "paused", "anchors", "marks"}, group: groupInspect,
			short: "list breakpoints, watchpoints, checkpoints' times, $N names or marks",
			long: "info breakpoints lists the breakpoints and watchpoints, info watchpoints the\n" +
				"watchpoints; info paused the times of the checkpoints that moves in time start from\n" +
				"and the memory they hold (rrpy replay --checkpoint-memory bounds it);\n" +
				"info anchors the $N names, kept with the recording, with when their objects were\n" +
				"born and freed (searched over the whole recording the first time, then kept);\n" +
				"info marks the marks.",
			fn: (*shell).info},
		{name: "where", aliases: []string{"w", "bt", "backtrace"}, group: groupInspect,
			short: "print the call stack, most recent call last",
			long:  "Each frame with its line's source; > marks the selected frame (see up and down).",
			fn:    (*shell).backtrace},
		{name: "up", aliases: []string{"u"}, args: "[N]", group: groupInspect,
			short: "select the frame N calls out (default 1)",
			long: "p, locals, args, list and ll then look at the caller's frame. Moving in time\n" +
				"selects the innermost frame again. At the outermost frame: Oldest frame.",
			fn: (*shell).up},
		{name: "down", aliases: []string{"d"}, args: "[N]", group: groupInspect,
			short: "select the frame N calls in (default 1)",
			long:  "Back toward the frame the present runs in. At the innermost frame: Newest frame.",
			fn:    (*shell).down},
		{name: "threads", group: groupInspect,
			short: "list the program's Python threads and where each is",
			long: "* marks the thread the present is in; the others wait (for the GIL, a lock,\n" +
				"I/O) at the line shown. nthread and bthread move to another thread's turn.",
			fn: (*shell).threads},
		{name: "list", aliases: []string{"l"}, group: groupInspect,
			short: "print the selected frame's function around its line, with line numbers",
			long:  "From the function's first line; at module level, the lines around the current one. B marks a breakpoint.",
			fn:    (*shell).list},
		{name: "longlist", aliases: []string{"ll"}, group: groupInspect,
			short: "print the whole of the selected frame's function",
			long:  "At module level, the whole file. B marks a breakpoint.",
			fn:    (*shell).longlist},
		{name: "locals", group: groupInspect,
			short: "print the selected frame's local variables",
			fn:    (*shell).locals},
		{name: "args", aliases: []string{"a"}, group: groupInspect,
			short: "print the arguments of the selected frame's function",
			long:  "Its parameters and their values now (a parameter the function reassigned shows the new value).",
			fn:    (*shell).args},
		{name: "print", completes: pythonArg, aliases: []string{"p", "!"}, args: "EXPR", group: groupInspect,
			short: "evaluate a Python expression or statement in the selected frame",
			long: "Runs in the selected frame's globals and locals, in a throw-away copy of the\n" +
				"program: what it changes lasts until time moves. A value the program had\n" +
				"gets a number, $N = ..., which names that object at any time; $N may be used\n" +
				"in later expressions. !STMT is print STMT.",
			fn: (*shell).print},

		{name: "pp", completes: pythonArg, args: "EXPR", group: groupInspect,
			short: "pretty-print the value of EXPR, in the selected frame",
			long:  "With the program's pprint; where the program never imported it, as p prints it.",
			fn:    (*shell).pp},
		{name: "whatis", completes: pythonArg, args: "EXPR", group: groupInspect,
			short: "print the type of EXPR's value, in the selected frame",
			long:  "As pdb says it: Function f, Method m, Class mod.C, or the type, <class 'int'>.",
			fn:    (*shell).whatis},
		{name: "source", completes: pythonArg, args: "EXPR", group: groupInspect,
			short: "print the recorded source of a function, method, class or module",
			long:  "EXPR is evaluated in the selected frame, as p does: source scale, source obj.method, source Foo.",
			fn:    (*shell).showSource},
		{name: "retval", aliases: []string{"rv"}, group: groupInspect,
			short: "print the value the frame returns, at a return (<<)",
			long:  "As p prints it: $N = ... names the object returned at any time.",
			fn:    (*shell).retval},
		{name: "display", completes: pythonArg, args: "[EXPR]", group: groupInspect,
			short: "show EXPR's value at each stop where it changed, or list the displays",
			long: "As pdb's display: EXPR belongs to the selected frame's function and is\n" +
				"evaluated as p at every stop in that function, forward or backward; its\n" +
				"value is shown where it differs from the last one shown, with the old one.",
			fn: (*shell).setDisplay},
		{name: "undisplay", args: "[EXPR]", group: groupInspect,
			short: "stop displaying EXPR (without EXPR, every display)",
			fn:    (*shell).undisplay},

		{name: "alias", args: "[NAME [COMMAND]]", group: groupShell,
			short: "name a command line, or list the aliases",
			long: "As pdb's: %1, %2... in COMMAND are the alias's arguments, %* all of them;\n" +
				"alias NAME shows one. An alias is looked up before the commands. .rrpyrc\n" +
				"in the home and the current directories runs at the start, a good place for them.",
			fn: (*shell).alias},
		{name: "unalias", args: "NAME", group: groupShell,
			short: "remove an alias",
			fn:    (*shell).unalias},
		{name: "set", args: "[context N]", subs: []string{"context"}, group: groupShell,
			short: "set how many lines a stop shows around its line, or list the settings",
			long:  "set context 0 shows a stop's line alone; the default is 5.",
			fn:    (*shell).set},
		{name: "help", aliases: []string{"h", "?"}, args: "[COMMAND]", group: groupShell,
			short: "list the commands, or explain one",
			fn:    (*shell).help},
		{name: "quit", aliases: []string{"q", "exit"}, group: groupShell,
			short: "leave the shell (so does end of input)",
			fn:    func(*shell, string) error { return errQuit }},
	}
}

// lookup finds a command by its name or an alias.
func lookup(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return &c
		}
		for _, a := range c.aliases {
			if a == name {
				return &c
			}
		}
	}
	return nil
}

// usage is a command's name and arguments: "step [N]".
func (c *command) usage() string {
	return strings.TrimSpace(c.name + " " + c.args)
}

// title is the help list's left column: "step [N] (s)".
func (c *command) title() string {
	if len(c.aliases) == 0 {
		return c.usage()
	}
	return fmt.Sprintf("%s (%s)", c.usage(), strings.Join(c.aliases, ", "))
}

func (s *shell) help(arg string) error {
	if arg == "" {
		s.out.printf("%s", helpList())
		return nil
	}
	c := lookup(arg)
	if c == nil {
		return userError(fmt.Sprintf("no command '%s', try 'help'", arg))
	}
	s.out.printf("%s", helpCommand(c))
	return nil
}

// helpList is what help prints: the commands by group, one a line.
func helpList() string {
	cmds := commands()
	width := 0
	for _, c := range cmds {
		width = max(width, len(c.title()))
	}
	var b strings.Builder
	group := ""
	for _, c := range cmds {
		if c.group != group {
			if group != "" {
				b.WriteString("\n")
			}
			group = c.group
			fmt.Fprintf(&b, "%s:\n", group)
		}
		fmt.Fprintf(&b, "  %-*s  %s\n", width, c.title(), c.short)
	}
	b.WriteString("\nAn empty line repeats the last command. help COMMAND says more.\n")
	return b.String()
}

// helpCommand is what help CMD prints.
func helpCommand(c *command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", c.usage())
	if len(c.aliases) > 0 {
		fmt.Fprintf(&b, "Aliases: %s\n", strings.Join(c.aliases, ", "))
	}
	fmt.Fprintf(&b, "%s.\n", upperFirst(c.short))
	if c.long != "" {
		fmt.Fprintf(&b, "%s\n", c.long)
	}
	return b.String()
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// noArg refuses an argument to a command that takes none, as pdb does.
func noArg(arg string) error {
	if arg != "" {
		return refusal("Invalid argument: " + arg)
	}
	return nil
}
