package proto

import (
	"errors"
	"io"
)

// SendChunks streams r to its end in chunks of at most ChunkSize: it
// passes each chunk to send in a fresh buffer, since gRPC may hold on to a
// sent message. size, when above zero, is how many bytes r holds, so that
// a small image or reference costs a buffer of its own size rather than
// ChunkSize. A failure to read r is returned as readErr, one to send as
// sendErr (the stream is gone), so that a caller can tell its input from
// its peer.
func SendChunks(r io.Reader, size int64, send func([]byte) error) (readErr, sendErr error) {
	left := size
	for {
		n := ChunkSize
		if size > 0 {
			n = int(min(max(left, 1), ChunkSize))
		}
		buf := make([]byte, n)
		got, err := io.ReadFull(r, buf)
		left -= int64(got)
		if got > 0 {
			if err := send(buf[:got]); err != nil {
				return nil, err
			}
		}
		switch {
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			return nil, nil
		case err != nil:
			return err, nil
		}
	}
}
