package shell

import (
	"bufio"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/chzyer/readline"
)

// input is where command lines come from: a terminal through readline, or
// a plain stream (a pipe, a script, a test).
type input interface {
	// readLine returns the next line without its newline; io.EOF at the end.
	readLine(prompt string) (string, error)
	close()
}

func newInput(cfg Config, s *shell) (input, error) {
	if !cfg.Interactive {
		return &plainInput{r: bufio.NewReader(cfg.In)}, nil
	}
	rl, err := readline.NewEx(&readline.Config{
		HistoryFile:  historyFile(),
		AutoComplete: completion{s: s, commands: completer()},
		Stdin:        io.NopCloser(cfg.In),
		Stdout:       cfg.Out,
		Stderr:       cfg.Out,
	})
	if err != nil {
		return nil, err
	}
	return &terminalInput{rl: rl}, nil
}

// plainInput reads lines from a stream that is not a terminal.
type plainInput struct {
	r *bufio.Reader
}

func (p *plainInput) readLine(string) (string, error) {
	line, err := p.r.ReadString('\n')
	if errors.Is(err, io.EOF) && line != "" {
		err = nil // a last line without its newline still counts
	}
	return strings.TrimRight(line, "\r\n"), err
}

func (p *plainInput) close() {}

// terminalInput edits lines with readline.
type terminalInput struct {
	rl *readline.Instance
}

func (t *terminalInput) readLine(prompt string) (string, error) {
	t.rl.SetPrompt(prompt)
	for {
		line, err := t.rl.Readline()
		if errors.Is(err, readline.ErrInterrupt) {
			continue // Ctrl-C at the prompt: drop the line, prompt again
		}
		return line, err
	}
}

func (t *terminalInput) close() { t.rl.Close() }

// historyFile is where readline keeps the history between sessions, or ""
// (no history kept) when the user has no cache directory. It is the
// user's alone (0600, as the traces are): the lines typed name the
// program's values.
func historyFile() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	dir = filepath.Join(dir, "rrpy")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return ""
	}
	path := filepath.Join(dir, "history")
	// readline would create it readable by all; an older one may be.
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return ""
	}
	f.Close()
	if err := os.Chmod(path, 0o600); err != nil {
		return ""
	}
	return path
}

// completer completes command names (and info's and help's arguments).
func completer() readline.AutoCompleter {
	var items, names []readline.PrefixCompleterInterface
	for _, c := range commands() {
		names = append(names, readline.PcItem(c.name))
	}
	for _, c := range commands() {
		var subs []readline.PrefixCompleterInterface
		for _, sub := range c.subs {
			subs = append(subs, readline.PcItem(sub))
		}
		if c.name == "help" {
			subs = names
		}
		items = append(items, readline.PcItem(c.name, subs...))
	}
	return readline.NewPrefixCompleter(items...)
}
