package trace

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// A recording's images: the root first, then procs/ID in the order they
// began; an image dir knows its recording; the output order reads back as
// written, a pair cut by a kill dropped.
func TestImagesAndOrder(t *testing.T) {
	root := filepath.Join(t.TempDir(), "trace")
	for _, id := range []int{0, 2, 10} {
		w, err := Create(ImageDir(root, id), &Meta{Pid: 100 + id})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(0); err != nil {
			t.Fatal(err)
		}
	}
	images, err := Images(root)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int
	for _, img := range images {
		ids = append(ids, img.ID)
		if got := RecordingOf(img.Dir); got != root {
			t.Errorf("RecordingOf(%s) = %s, want %s", img.Dir, got, root)
		}
	}
	if !reflect.DeepEqual(ids, []int{0, 2, 10}) {
		t.Errorf("images %v, want [0 2 10]", ids)
	}
	if img, ok := LastImageOf(images, 110); !ok || img.ID != 10 {
		t.Errorf("LastImageOf(110) = %v, %v", img.ID, ok)
	}
	if _, ok := LastImageOf(images, 7); ok {
		t.Error("LastImageOf found a pid the recording has not")
	}

	o, err := CreateOrder(root)
	if err != nil {
		t.Fatal(err)
	}
	want := []OutputRef{{0, 5}, {2, 300}, {0, 1 << 20}}
	for _, ref := range want {
		if err := o.Note(ref); err != nil {
			t.Fatal(err)
		}
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, orderFile)
	data, _ := os.ReadFile(path)
	if err := os.WriteFile(path, append(data, 3), 0o600); err != nil { // half a pair
		t.Fatal(err)
	}
	got, err := ReadOrder(root)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ReadOrder = %v, %v; want %v", got, err, want)
	}
	if _, err := Images(t.TempDir()); err == nil {
		t.Error("Images of an empty directory: no error")
	}
}
