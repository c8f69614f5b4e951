package pyeval

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
)

//go:embed uncaught.py
var uncaughtProgram string

// Uncaught is the exception the main script died of, as the interpreter
// keeps it to print it (sys.last_exc, sys.last_value).
type Uncaught struct {
	Code   uint64 // the code object of the frame that raised it
	Line   int    // the line it was raised at
	Levels int    // the frames its traceback went through
	Text   string // the last line of its traceback: "KeyError: 'sku-17'"
}

// Uncaught reads the exception the main script died of, in a copy of the
// program just after it: false when there is none (the script returned,
// or died of SystemExit, which is not kept).
func (a *API) Uncaught(ctx context.Context, m Machine) (Uncaught, bool, error) {
	e := &evaluation{ctx: ctx, m: m, api: a}
	program := exceptionLine + uncaughtProgram
	e.writeStrings([]string{program, "report"})
	d := e.call(a.dictNew)
	if e.call(a.runString, e.names[program], fileInput, d, d, 0) == 0 && e.err == nil {
		res := e.driverFailed()
		return Uncaught{}, false, fmt.Errorf("read the uncaught exception: %s", res.Exception)
	}
	report := e.utf8(e.call(a.dictGetItemString, d, e.names["report"]))
	e.call(a.decRef, d)
	if e.err != nil || report == "" {
		return Uncaught{}, false, e.err
	}
	return parseUncaught(report)
}

func parseUncaught(report string) (Uncaught, bool, error) {
	parts := strings.SplitN(report, "\x00", 4)
	if len(parts) != 4 {
		return Uncaught{}, false, fmt.Errorf("odd report of the uncaught exception: %q", report)
	}
	code, err1 := strconv.ParseUint(parts[0], 10, 64)
	line, err2 := strconv.Atoi(parts[1])
	levels, err3 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return Uncaught{}, false, fmt.Errorf("odd report of the uncaught exception: %q", report)
	}
	return Uncaught{Code: code, Line: line, Levels: levels, Text: parts[3]}, true, nil
}
