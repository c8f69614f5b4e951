package shell

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/commands.md from the command table")

// commandsDoc is the shell's reference, generated from the command table.
const commandsDoc = "../../docs/commands.md"

// cliDoc renders the command table as Markdown, as delve's gen-cli-docs
// renders its own: the reference cannot drift from the shell.
func cliDoc() string {
	var b strings.Builder
	b.WriteString("# The replay shell's commands\n\n")
	b.WriteString("Generated from frontend/shell/commands.go by `go test ./frontend/shell -run TestCLIDoc -update`; do not edit.\n")
	b.WriteString("An empty line repeats the last command.\n")
	group := ""
	for _, c := range commands() {
		if c.group != group {
			group = c.group
			fmt.Fprintf(&b, "\n## %s\n", group)
		}
		fmt.Fprintf(&b, "\n### %s\n\n", c.usage())
		if len(c.aliases) > 0 {
			fmt.Fprintf(&b, "Aliases: %s\n\n", strings.Join(c.aliases, ", "))
		}
		fmt.Fprintf(&b, "%s.\n", upperFirst(c.short))
		if c.long != "" {
			fmt.Fprintf(&b, "%s\n", c.long)
		}
	}
	return b.String()
}

func TestCLIDoc(t *testing.T) {
	want := cliDoc()
	if *update {
		if err := os.WriteFile(commandsDoc, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(commandsDoc)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s is stale: go test ./frontend/shell -run TestCLIDoc -update", commandsDoc)
	}
}
