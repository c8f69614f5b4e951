package session

import (
	"encoding/binary"
	"testing"
)

// buildImage lays out an initial stack as the kernel does: argc, argv,
// NULL, envp, NULL, auxv pairs up to AT_NULL, then the strings.
func buildImage(base uint64, argv, env []string, auxv [][2]uint64) stackImage {
	words := 1 + len(argv) + 1 + len(env) + 1 + 2*len(auxv) + 2
	strOff := uint64(8 * words)
	var data []byte
	put := func(v uint64) { data = binary.LittleEndian.AppendUint64(data, v) }
	var strs []byte
	ptrs := func(list []string) {
		for _, s := range list {
			put(base + strOff + uint64(len(strs)))
			strs = append(append(strs, s...), 0)
		}
		put(0)
	}
	put(uint64(len(argv)))
	ptrs(argv)
	ptrs(env)
	for _, a := range auxv {
		put(a[0])
		put(a[1])
	}
	put(atNull)
	put(0)
	return stackImage{Addr: base, Data: append(data, strs...)}
}

func TestImageArgvEnv(t *testing.T) {
	img := buildImage(0x7fff0000, []string{"python3", "-c", "pass"}, []string{"A=1", "B=2"}, nil)
	argv, env, err := img.argvEnv()
	if err != nil {
		t.Fatal(err)
	}
	if len(argv) != 3 || argv[2] != "pass" || len(env) != 2 || env[1] != "B=2" {
		t.Errorf("argv %q env %q", argv, env)
	}
}

func TestHideVDSO(t *testing.T) {
	const atPagesz = 6
	img := buildImage(0x7fff0000, []string{"p"}, []string{"X=y"}, [][2]uint64{{atPagesz, 4096}, {atSysinfoEhdr, 0x7ffff7fc1000}})
	if err := img.hideVDSO(); err != nil {
		t.Fatal(err)
	}
	off, _ := img.auxvOffset()
	if typ := binary.LittleEndian.Uint64(img.Data[off+16:]); typ != atIgnore {
		t.Errorf("AT_SYSINFO_EHDR became %d, want AT_IGNORE", typ)
	}
	if typ := binary.LittleEndian.Uint64(img.Data[off:]); typ != atPagesz {
		t.Errorf("AT_PAGESZ was touched: %d", typ)
	}
}

func TestTruncatedImageIsAnError(t *testing.T) {
	img := buildImage(0x7fff0000, []string{"p"}, nil, nil)
	img.Data = img.Data[:12]
	if err := img.hideVDSO(); err == nil {
		t.Error("a truncated stack image was accepted")
	}
}
