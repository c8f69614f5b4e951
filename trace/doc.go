// Package trace owns rrpy's on-disk recording format: the event stream a
// recording appends to, its metadata, versioning, checksums and compression,
// and the content-addressed store of mapped files ("blobs").
//
// The package knows nothing about ptrace or CPython; it stores what the
// recorder hands it and gives the same values back to replay, in order.
//
// # Directory layout
//
// A trace is a directory (created 0700, every file 0600 because recordings
// hold the environment and program data):
//
//	DIR/meta.json   Meta as JSON. Written by Create with Complete=false and
//	                rewritten (temp file + rename) by Writer.Close with
//	                Complete=true, ExitStatus and Events (the event count), so
//	                a recording cut off at any point still has readable
//	                metadata. A reader that reaches the clean end of a
//	                complete trace with fewer than Events events reports
//	                ErrIncomplete: the file was cut at a chunk boundary.
//	DIR/events      the event stream, described below.
//	DIR/output-order  the order of every image's write and writev events
//	                across images: uvarint pairs (image id, event index),
//	                so that a replay of the whole tree shows its output as
//	                the recording did (order.go).
//	DIR/procs/ID/   one more trace (meta.json, events) per process image
//	                after the first: each process the program forked, each
//	                program an execve began, numbered as they began
//	                (images.go). A forked image's Meta.ForkedFrom names its
//	                parent image and the parent's fork event, where its
//	                replay begins; an exec'd image starts with its own Exec
//	                event and replays on its own. An image an execve ended
//	                ends with an Exit event whose Nr is execve, and names
//	                the image that follows in Meta.ExecedAs.
//
// The per-machine data directory is DefaultDir(): traces live in
// DefaultDir()/traces and blobs in DefaultDir()/blobs.
//
// # Events file
//
// All fixed-width integers are little-endian.
//
//	header:  magic "RRPYTRACE\n" (10 bytes)
//	         uint32 format version (FormatVersion)
//	chunks:  zero or more, back to back, until end of file
//
// Each chunk is a 16-byte header followed by a zstd frame:
//
//	uint32 uncompressed length   length of the encoded events, <= 64 MiB
//	uint32 compressed length     length of the zstd frame that follows, <= 64 MiB
//	uint32 CRC-32C (Castagnoli) of the compressed bytes
//	uint32 event count           >= 1
//	[compressed length]byte      zstd frame holding the encoded events
//
// Chunks are written with a single write(2) each, so a crash leaves at most
// one truncated chunk at the end of the file. A reader returns every event of
// the complete chunks before reporting ErrIncomplete.
//
// # Event encoding
//
// Inside a chunk, events are encoded back to back with no separator. uvarint
// and varint are the encodings of encoding/binary (varint is zig-zag).
//
//	byte     kind (EventKind, 1..8)
//	byte     flags: which optional fields follow
//	           0x01 Args   0x02 Result   0x04 Writes   0x08 Blob
//	           0x10 Path   0x20 Regs     0x40 Status   0x80 Time
//	varint   Tid
//	varint   Nr
//	if Args:   6 x uvarint
//	if Result: varint
//	if Writes: uvarint count, then count x (uvarint addr, uvarint len, len bytes)
//	if Blob:   uvarint len, len bytes
//	if Path:   uvarint len, len bytes
//	if Regs:   uvarint count, then count x uvarint
//	if Status: varint
//	if Time:   uvarint
//
// A field whose value is zero (empty) is omitted and its flag left clear.
// A decoded event never shares memory with another event's slices except
// that Writes data of events of the same chunk may point into one buffer.
//
// # Versioning
//
// FormatVersion is written both in the events header and in meta.json. It is
// bumped on every change to anything described here; a reader refuses any
// other version with a *VersionError rather than guess.
//
// # Blob store
//
// Files mapped by the tracee (the executable, the interpreter, shared
// libraries) are stored once per machine under their SHA-256:
//
//	BLOBDIR/ab/cdef...   content of the file whose hex sha256 is "abcdef..."
//
// Blobs are written to a temporary file in BLOBDIR and renamed into place,
// so a blob that exists is always complete. Blob files are 0600, directories
// 0700.
package trace
