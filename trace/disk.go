package trace

import (
	"io/fs"
	"syscall"
)

// diskBytes is what a file takes on disk: its allocated blocks, so that
// a sparse file (a mapped 4 GiB file that is mostly holes) counts what
// it holds, not its length. A file system that does not say counts the
// length.
func diskBytes(fi fs.FileInfo) int64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Blocks * 512 // st_blocks is in 512-byte units whatever the block size
	}
	return fi.Size()
}

// inode names a file whatever its names: a blob hard-linked into a
// packed trace and into the store is one file, counted once.
type inode struct{ dev, ino uint64 }

// inodeOf returns fi's inode, ok false where the file system has none.
func inodeOf(fi fs.FileInfo) (inode, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return inode{}, false
	}
	return inode{uint64(st.Dev), st.Ino}, true
}
