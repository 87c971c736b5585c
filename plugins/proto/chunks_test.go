package proto

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// Chunks are at most ChunkSize, in order, each in its own buffer, and no
// larger than what is left when the size is known.
func TestSendChunks(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), (2*ChunkSize+100)/16)
	for _, size := range []int64{0, int64(len(data))} {
		var got [][]byte
		readErr, sendErr := SendChunks(bytes.NewReader(data), size, func(b []byte) error {
			got = append(got, b)
			return nil
		})
		if readErr != nil || sendErr != nil {
			t.Fatalf("size %d: %v, %v", size, readErr, sendErr)
		}
		if !bytes.Equal(bytes.Join(got, nil), data) || len(got) != 3 {
			t.Fatalf("size %d: %d chunks of the data reassembled wrong", size, len(got))
		}
		if &got[0][0] == &got[1][0] {
			t.Errorf("size %d: a buffer was reused", size)
		}
		if last := got[2]; size > 0 && cap(last) != len(last) {
			t.Errorf("size %d: the last chunk's buffer holds %d bytes for %d", size, cap(last), len(last))
		}
	}
	var n int
	if _, _ = SendChunks(bytes.NewReader(nil), 0, func([]byte) error { n++; return nil }); n != 0 {
		t.Errorf("empty input sent %d chunks", n)
	}
}

// A read failure and a send failure come back apart.
func TestSendChunksErrors(t *testing.T) {
	boom := errors.New("disk gone")
	readErr, sendErr := SendChunks(io.MultiReader(bytes.NewReader([]byte("abc")), errReader{boom}), 0, func([]byte) error { return nil })
	if !errors.Is(readErr, boom) || sendErr != nil {
		t.Errorf("read failure: %v, %v", readErr, sendErr)
	}
	gone := errors.New("stream closed")
	readErr, sendErr = SendChunks(bytes.NewReader([]byte("abc")), 3, func([]byte) error { return gone })
	if readErr != nil || !errors.Is(sendErr, gone) {
		t.Errorf("send failure: %v, %v", readErr, sendErr)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
