package host

import (
	"bytes"
	"sync"

	"github.com/hashicorp/go-hclog"
)

// maxLogLine bounds a buffered line of provider output; longer lines are
// logged in pieces.
const maxLogLine = 64 << 10

// logWriter logs each line written to it at debug level. Providers' writes
// to os.Stdout and os.Stderr after they start serving arrive here (go-plugin
// forwards them); they must never reach the user's terminal directly.
type logWriter struct {
	logger hclog.Logger
	stream string

	mu  sync.Mutex
	buf []byte
}

func newLogWriter(logger hclog.Logger, stream string) *logWriter {
	return &logWriter{logger: logger, stream: stream}
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		w.emit(w.buf[:i])
		w.buf = w.buf[i+1:]
	}
	if len(w.buf) >= maxLogLine {
		w.emit(w.buf)
		w.buf = nil
	}
	if len(w.buf) == 0 {
		w.buf = nil // let a large buffer go
	}
	return len(p), nil
}

func (w *logWriter) emit(line []byte) {
	if line = bytes.TrimRight(line, "\r"); len(line) > 0 {
		w.logger.Debug(string(line), "stream", w.stream)
	}
}
