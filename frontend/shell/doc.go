// Package shell is rrpy's replay shell: it reads RevPDB-style commands
// (step, bstep, continue, bcontinue, go, break, ...), drives an
// engine.Target through the recording and prints what a pdb user expects
// to see.
//
// It owns the command language and the text of every message; it knows the
// recording only through the engine's Target interface, so it imports
// nothing of the replayer and can be tested against a scripted fake.
// The commands are declared once, in commands.go; docs/commands.md is
// generated from that table (go test ./frontend/shell -run TestCLIDoc -update).
package shell
