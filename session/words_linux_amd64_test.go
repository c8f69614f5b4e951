package session

import (
	"os"
	"path/filepath"
	"testing"

	"rrpy/probe"
	"rrpy/trace"
)

// recordPython records /usr/bin/python3.11 -c src into a new trace.
func recordPython(t *testing.T, src string) ReplayOptions {
	t.Helper()
	const py = "/usr/bin/python3.11"
	if _, err := os.Stat(py); err != nil {
		t.Skipf("%s is not installed", py)
	}
	blobs, err := trace.OpenBlobStore(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	dir := filepath.Join(t.TempDir(), "trace")
	status, err := Record(RecordOptions{Path: py, Argv: []string{py, "-c", src}, Env: []string{"PATH=/usr/bin"},
		TraceDir: dir, Blobs: blobs, Stdio: []*os.File{devnull, devnull, devnull}, Version: "test"})
	if err != nil || status != 0 {
		t.Fatalf("record: status %d, %v", status, err)
	}
	return ReplayOptions{TraceDir: dir, Blobs: blobs}
}

// A watched word on a page that is not mapped makes the probe fault: the
// replay reports a trap there and goes on in step with the recording.
func TestProbeFaultOnWatchedWordIsATrap(t *testing.T) {
	s, err := StartSession(recordPython(t, "x = 0\nfor i in range(100): x += i\n"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start, err := s.Now()
	if err != nil {
		t.Fatal(err)
	}
	trap, err := s.Resume(probe.Conditions{Words: []probe.Word{{Addr: 0x10, Value: 0}}})
	if err != nil || trap.Ended || trap.Time != start+1 {
		t.Fatalf("with an unmapped word watched: %+v, %v; want a trap at %d", trap, err, start+1)
	}
	end, err := s.Resume(probe.Conditions{})
	if err != nil || !end.Ended || end.Status != 0 {
		t.Errorf("the replay then ended: %+v, %v", end, err)
	}
}
