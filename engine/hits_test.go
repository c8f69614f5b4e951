package engine

import (
	"strings"
	"testing"
)

// Hit counts as VS Code's users write them: which hits of 1..6 stop.
func TestHitCount(t *testing.T) {
	for _, tc := range []struct {
		cond string
		want string // the hits that stop, of 1..6
	}{
		{"", "123456"},
		{"3", "3456"},
		{">= 3", "3456"},
		{"==2", "2"},
		{"> 4", "56"},
		{"% 2", "246"},
	} {
		h, err := ParseHitCount(tc.cond)
		if err != nil {
			t.Fatalf("%q: %v", tc.cond, err)
		}
		var got strings.Builder
		for hit := 1; hit <= 6; hit++ {
			if h.Reached(hit) {
				got.WriteByte(byte('0' + hit))
			}
		}
		if got.String() != tc.want {
			t.Errorf("hit count %q stops at hits %s, want %s", tc.cond, got.String(), tc.want)
		}
	}
	for _, bad := range []string{"x", "0", "> -1", "%"} {
		if _, err := ParseHitCount(bad); err == nil || !strings.Contains(err.Error(), "write N, >= N") {
			t.Errorf("hit count %q: %v, want a refusal that says what to write", bad, err)
		}
	}
}
