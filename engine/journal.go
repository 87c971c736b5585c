package engine

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/easelhq/easel/lockfile"
)

// The journal makes every success durable at once without rewriting the
// whole lockfile per image: each change is appended (and fsynced) to
// .easel/journal, the lockfile is rewritten at most about once a second and
// at the end of the run, and a run killed in between replays the journal
// into the lockfile the next time easel opens the project. Replaying is
// idempotent, so the journal is only removed after a final save.

const journalName = "journal"

const journalMagic = "#easel-journal"

// journal appends records under its caller's lock (so their order is the
// lockfile's), and syncs outside it: one fsync covers every record written
// before it, so images finishing together share one (group commit).
type journal struct {
	f *os.File

	mu      sync.Mutex // guards written
	written int        // records written
	syncMu  sync.Mutex // serialises fsyncs; guards synced
	synced  int        // records known to be on disk
}

func journalPath(dir string) string { return filepath.Join(dir, StateDir, journalName) }

func openJournal(dir string) (*journal, error) {
	f, err := os.OpenFile(journalPath(dir), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening the journal: %w", err)
	}
	return &journal{f: f}, nil
}

// set writes a lockfile entry as a one-image lockfile fragment and returns
// its sequence number for sync.
func (j *journal) set(img *lockfile.Image) (int, error) {
	frag := lockfile.New()
	frag.SetImage(img)
	return j.append("set", frag.Bytes())
}

func (j *journal) remove(addr string) (int, error) {
	return j.append("remove", []byte(addr))
}

// append writes one framed record (not yet synced).
func (j *journal) append(op string, payload []byte) (int, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s %d\n", journalMagic, op, len(payload))
	b.Write(payload)
	b.WriteByte('\n')
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := j.f.Write(b.Bytes()); err != nil {
		return 0, fmt.Errorf("writing the journal: %w", err)
	}
	j.written++
	return j.written, nil
}

// sync returns once record seq is on disk, fsyncing unless a sync that
// started after it was written already covered it.
func (j *journal) sync(seq int) error {
	j.syncMu.Lock()
	defer j.syncMu.Unlock()
	if j.synced >= seq {
		return nil
	}
	j.mu.Lock()
	upto := j.written
	j.mu.Unlock()
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("syncing the journal: %w", err)
	}
	j.synced = upto
	return nil
}

func (j *journal) close() error { return j.f.Close() }

// replayJournal applies a journal left by an interrupted run to lock and
// reports how many records it applied. A torn last record is ignored.
func replayJournal(dir string, lock *lockfile.File) (int, error) {
	data, err := os.ReadFile(journalPath(dir))
	if os.IsNotExist(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	r := bufio.NewReader(bytes.NewReader(data))
	n := 0
	for {
		op, payload, ok := readRecord(r)
		if !ok {
			return n, nil
		}
		switch op {
		case "set":
			frag, diags := lockfile.Parse(payload, journalPath(dir))
			if diags.HasErrors() || len(frag.Images) != 1 {
				return n, nil
			}
			lock.SetImage(frag.Images[0])
		case "remove":
			lock.RemoveImage(string(payload))
		default:
			return n, nil
		}
		n++
	}
}

func readRecord(r *bufio.Reader) (string, []byte, bool) {
	header, err := r.ReadString('\n')
	if err != nil {
		return "", nil, false
	}
	f := strings.Fields(header)
	if len(f) != 3 || f[0] != journalMagic {
		return "", nil, false
	}
	size, err := strconv.Atoi(f[2])
	if err != nil || size < 0 || size > 64<<20 {
		return "", nil, false
	}
	payload := make([]byte, size+1)
	if _, err := io.ReadFull(r, payload); err != nil || payload[size] != '\n' {
		return "", nil, false
	}
	return f[1], payload[:size], true
}

// recoverJournal folds a leftover journal into the lockfile on disk and
// removes it. It runs under the run lock, before anything reads the lockfile.
func recoverJournal(dir string) error {
	if _, err := os.Stat(journalPath(dir)); os.IsNotExist(err) {
		return nil
	}
	path := filepath.Join(dir, lockfile.FileName)
	lock, diags := lockfile.Load(path)
	if diags.HasErrors() {
		return fmt.Errorf("the lockfile cannot be read, so the journal of an interrupted run was not replayed: %s", diags.Error())
	}
	n, err := replayJournal(dir, lock)
	if err != nil {
		return err
	}
	if n > 0 {
		if err := writeLock(path, lock.Bytes()); err != nil {
			return err
		}
	}
	return os.Remove(journalPath(dir))
}
