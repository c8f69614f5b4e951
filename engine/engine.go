// Package engine is what every frontend of rrpy drives: the replay shell
// and the debug adapter (DAP) alike. It declares the engine's vocabulary
// (a stop point's Location, a Stop and why, Breakpoint, Value, Frame,
// Var) and the Target interface the replayed recording implements
// (package snapshot), as Delve's pkg/proc does for its frontends; it
// imports nothing of rrpy, so frontends can be tested against fakes.
package engine

import "context"

// Event says what happens at a stop point.
type Event int

const (
	LineStart Event = iota // a line is about to run: "> "
	Return                 // the frame returns: "<< "
	Unwind                 // the frame returns by an exception: "!! "
)

// Location is one stop point of the recording: a moment of Python time.
type Location struct {
	Time      uint64
	Event     Event
	File      string // co_filename, as the program saw it
	Line      int
	Func      string // co_name
	FirstLine int    // co_firstlineno of the running code object
	Thread    int    // the thread's tid when recorded
	Threads   int    // how many threads the program has then
	// ShuttingDown says the main script has ended: the interpreter
	// prints the traceback, runs atexit handlers and shuts down.
	ShuttingDown bool
}

// Frame is one Python frame of the current call stack.
type Frame struct {
	File      string
	Line      int
	Func      string
	FirstLine int // co_firstlineno
}

// Thread is one of the program's Python threads at the present.
type Thread struct {
	ID      int  // its tid when recorded
	Current bool // the present is in it
	Main    bool // the interpreter's first thread
	// Frames is its call stack, innermost first (empty while it runs no
	// Python code); the current thread's is Stack's.
	Frames []Frame
}

// Var is a variable, or a part of an object (an item, an attribute), as
// decoded from the program's memory at the present.
type Var struct {
	Name string
	Repr string
	// Object is the program's object, for Children and Anchor at the
	// present (0 when there is none to read: a value p changed).
	Object uint64
	// Expandable says Children lists something.
	Expandable bool
	// Path is how a part of an object is reached from the object, as
	// Python writes it (".value", "[0]", "['a']"): a watch on $N+Path
	// follows it. Empty for a variable.
	Path string
	// Arg says a local variable is a parameter of its frame's function.
	Arg bool
}

// Breakpoint is what the target must stop at. Exactly one of Func, Line
// and Watch is set; File is empty for Func breakpoints.
type Breakpoint struct {
	ID   int
	Func string // break foo: stops when a function of that name is called
	File string // break app.py:12: matches a co_filename that ends with it
	Line int
	// Watch is a watchpoint's expression: the move stops where its value
	// (compared by repr, see Target.WatchValue) changes.
	Watch string
}

// Value is what evaluating Python source at the present gave.
type Value struct {
	Repr   string
	Anchor int    // the $N that names the value, -1 when the evaluation made it
	Object uint64 // the program's object the $N names (0 without a $N)
	// Expandable says Children lists something of Object.
	Expandable bool
	Statement  bool   // the source was a statement: no value
	Output     string // what the evaluation printed
	Err        string // its exception's last line, or why it could not run
	// Absent says, with Err, that a $N the source uses named no object at
	// the present: not born yet, or freed.
	Absent Absence
}

// Absence is why a $N names no object at a time.
type Absence int

const (
	Present    Absence = iota // alive, or not asked
	NotBornYet                // the object is created later
	Freed                     // the object was freed earlier
)

// String is how a history row shows the absence.
func (a Absence) String() string {
	switch a {
	case NotBornYet:
		return "not alive yet"
	case Freed:
		return "freed"
	}
	return "alive"
}

// Text is how a watchpoint shows the value: its repr, or its error.
func (v Value) Text() string {
	if v.Err != "" {
		return v.Err
	}
	return v.Repr
}

// Stop is where a move ended and why.
type Stop struct {
	Location
	Hit *Breakpoint // the breakpoint that stopped it, if one did
	// AtEdge is set when the move ran into the start or the end of the
	// recording before reaching what it looked for.
	AtEdge bool
	// Note says why the move stopped where a user would not guess it:
	// "Uncaught exception: KeyError: 'sku-17'", "End of the main
	// script.", "The recording was cut off here." It replaces the edge
	// message.
	Note string
}

// Target is a replayed recording the shell travels in. Every move ends at
// a stop point; a canceled ctx (Ctrl-C) ends a move early, at a valid
// stop point. Times are stable across replays of one trace.
type Target interface {
	Now() Location
	// Go travels to time t, clamped to the recording: from the main
	// script's first stop point to the last stop point.
	Go(ctx context.Context, t uint64) (Stop, error)
	// Next runs to the next (backward: previous) stop point in this frame
	// or a caller, over calls.
	Next(ctx context.Context, backward bool) (Stop, error)
	// Finish runs to this frame's return; backward, to the stop point
	// of the caller that called it (AtEdge at the top: "No caller.").
	Finish(ctx context.Context, backward bool) (Stop, error)
	// SwitchThread runs to the next (backward: previous) stop point of a
	// thread other than the current one's: the other side of the nearest
	// thread switch (AtEdge when there is none).
	SwitchThread(ctx context.Context, backward bool) (Stop, error)
	// Continue runs to the next (backward: previous) breakpoint hit, or to
	// the end (start) of the recording.
	Continue(ctx context.Context, backward bool, bps []Breakpoint) (Stop, error)
	// Stack returns the current call stack, innermost frame first: frame
	// 0 is where the present stands, frame i its i-th caller.
	Stack() ([]Frame, error)
	// Threads returns the program's Python threads at the present, the
	// main thread first, each with its call stack: the others wait (for
	// the GIL, a lock, I/O) where their frames say.
	Threads() ([]Thread, error)
	// Locals returns the local variables of frame i of a thread's stack:
	// thread 0 is the current one, others are named by Thread.ID.
	Locals(thread, frame int) ([]Var, error)
	// Globals returns the module globals frame i of a thread sees (its
	// dunders left out).
	Globals(thread, frame int) ([]Var, error)
	// Children returns the parts of a program's object at the present:
	// a container's items, an instance's or a module's attributes.
	Children(ctx context.Context, obj uint64) ([]Var, error)
	// Anchor names a program's object at the present $N, as p names a
	// value the program had, and returns N.
	Anchor(ctx context.Context, obj uint64) (int, error)
	// Source returns a Python source file as it was when recorded.
	Source(file string) ([]byte, error)
	// Checkpoints returns the times of the checkpoints that exist.
	Checkpoints() []uint64
	// Print evaluates Python source, an expression or a statement, in
	// frame i of the stack. What it changes lasts until the present
	// moves.
	Print(ctx context.Context, src string, frame int) (Value, error)
	// Evaluate is Print for the frontends' own evaluations (a
	// breakpoint's condition, a display): the value gets no $N, so the
	// user's names stay the user's.
	Evaluate(ctx context.Context, src string, frame int) (Value, error)
	// WatchValue evaluates a watch expression at the present, with the
	// builtins and the $N anchors only; it changes nothing.
	WatchValue(ctx context.Context, expr string) (Value, error)
	// ReturnValue evaluates, at a return stop point (Event Return), the
	// value the frame returns, named $N as p names a value the program
	// has; elsewhere it fails.
	ReturnValue(ctx context.Context) (Value, error)
}

// ProgressReporter is implemented by targets that can say, from another
// goroutine while a move runs, what it is going through: the stretch of
// time it replays, from where it began to where it is now.
type ProgressReporter interface {
	Progress() (from, now uint64, ok bool)
}

// Searcher is implemented by targets that can move for a search rather
// than for the user (History): the program's output on the way is not
// shown, and later moves show it where the user gets to it.
type Searcher interface {
	// Searching turns that on or off, and returns what it was.
	Searching(on bool) (was bool)
}

// CheckpointMeter is implemented by targets whose checkpoints are
// processes: it measures the memory they hold (bytes, their processes'
// PSS summed less the program's own resident set), the program's
// resident set, and the bound the first is kept under.
type CheckpointMeter interface {
	CheckpointMemory() (held, program, bound uint64, err error)
}

// SourceLister is implemented by targets that know every Python source
// file of the recording, so that a breakpoint can name a file the
// session has not been in yet. Optional: without it a frontend matches
// the files it has seen.
type SourceLister interface {
	SourceFiles() []string
	// DefinesFunction tells whether a recorded source defines a
	// function named name.
	DefinesFunction(name string) bool
	// Functions lists the names of the functions the recorded sources
	// define, sorted, each once.
	Functions() []string
}

// Keeper is implemented by targets that keep with the recording what a
// session named, so that a later session knows it: the $N anchors and
// marked times. Optional: without it they last one session.
type Keeper interface {
	// Anchors describes the $N anchors, $0 first, as far as their lives
	// have been searched.
	Anchors() []Anchor
	// SearchAnchors finds every anchor's birth and death over the whole
	// recording, and keeps them with the anchors. The present stays. A
	// canceled ctx ends it early, what was found kept.
	SearchAnchors(ctx context.Context) error
	// Marks returns the marked times by name.
	Marks() map[string]uint64
	// Mark names a time; a mark of that name moves there.
	Mark(name string, t uint64) error
}

// Anchor is what is known of the life of the object a $N names.
type Anchor struct {
	Seen   uint64 // a time it was alive: where p named it
	Static bool   // in the executable's data: alive from start to end
	// Born is the first time it was alive when BornKnown; else it was
	// alive at least from Born on (searched back so far).
	Born      uint64
	BornKnown bool
	// Died is the first time it was dead when DiedKnown; else it was
	// alive at least up to Died (searched so far), or to the end of the
	// recording when Lasts.
	Died      uint64
	DiedKnown bool
	Lasts     bool
}
