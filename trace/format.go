package trace

import (
	"encoding/binary"
	"hash/crc32"
)

// FormatVersion is the version of the on-disk format described in doc.go.
// It is bumped on every format change; a reader refuses other versions.
const FormatVersion = 4

// magic starts every events file.
const magic = "RRPYTRACE\n"

// fileHeaderSize is the magic plus the uint32 format version.
const fileHeaderSize = len(magic) + 4

// chunkHeaderSize is four uint32: uncompressed length, compressed length,
// CRC-32C of the compressed bytes, event count.
const chunkHeaderSize = 16

// MaxChunkSize bounds both lengths in a chunk header. A reader refuses larger
// values instead of allocating them, so a corrupt header cannot exhaust
// memory; the writer therefore cannot store a single event that encodes to
// more than this.
const MaxChunkSize = 64 << 20

// chunkTarget is the encoded size after which the writer starts a new chunk.
const chunkTarget = 256 << 10

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

type chunkHeader struct {
	rawLen  uint32 // length of the encoded events
	compLen uint32 // length of the zstd frame
	crc     uint32 // CRC-32C of the zstd frame
	count   uint32 // number of events
}

func appendFileHeader(dst []byte) []byte {
	dst = append(dst, magic...)
	return binary.LittleEndian.AppendUint32(dst, FormatVersion)
}

func (h chunkHeader) append(dst []byte) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, h.rawLen)
	dst = binary.LittleEndian.AppendUint32(dst, h.compLen)
	dst = binary.LittleEndian.AppendUint32(dst, h.crc)
	return binary.LittleEndian.AppendUint32(dst, h.count)
}

// parseChunkHeader decodes b, which must hold chunkHeaderSize bytes.
func parseChunkHeader(b []byte) chunkHeader {
	return chunkHeader{
		rawLen:  binary.LittleEndian.Uint32(b[0:]),
		compLen: binary.LittleEndian.Uint32(b[4:]),
		crc:     binary.LittleEndian.Uint32(b[8:]),
		count:   binary.LittleEndian.Uint32(b[12:]),
	}
}

// check returns why the header cannot describe a chunk the writer would
// produce, or "" if it is plausible.
func (h chunkHeader) check() string {
	switch {
	case h.count == 0:
		return "chunk holds no events"
	case h.rawLen > MaxChunkSize:
		return "uncompressed length exceeds 64 MiB"
	case h.compLen > MaxChunkSize:
		return "compressed length exceeds 64 MiB"
	case h.compLen == 0:
		return "compressed length is zero"
	case uint64(h.count)*2 > uint64(h.rawLen):
		// Every event encodes to at least its kind and flags bytes.
		return "more events than bytes can hold"
	}
	return ""
}
