package pyeval

import (
	"reflect"
	"testing"
)

func TestRewrite(t *testing.T) {
	for _, c := range []struct {
		src, want string
		used      []int
	}{
		{"$0.value", "__rrpy_0.value", []int{0}},
		{"len($12) + $3 + $12", "len(__rrpy_12) + __rrpy_3 + __rrpy_12", []int{12, 3}},
		{"'$0' + \"$1\" + $2", "'$0' + \"$1\" + __rrpy_2", []int{2}},
		{"'''a ' $0''' + $1", "'''a ' $0''' + __rrpy_1", []int{1}},
		{"'it\\'s $0' + $1", "'it\\'s $0' + __rrpy_1", []int{1}},
		{"x # $0", "x # $0", nil},
		{"$x + $", "$x + $", nil},
		{"'open", "'open", nil},
	} {
		got, used := Rewrite(c.src)
		if got != c.want || !reflect.DeepEqual(used, c.used) {
			t.Errorf("Rewrite(%q) = %q, %v; want %q, %v", c.src, got, used, c.want, c.used)
		}
	}
}
