package fsx

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// ErrLocked is returned by Lock when another process (or another Lock call
// in this process) holds the lock.
var ErrLocked = errors.New("locked by another easel process")

// lockRetry is how often a waiting Lock tries again.
const lockRetry = 100 * time.Millisecond

// Lock takes an exclusive advisory lock on path, creating the file and its
// parent directories if needed. With wait false it fails at once with
// ErrLocked when the lock is held; with wait true it retries until it gets
// the lock or ctx is done (the error then wraps both ErrLocked and ctx.Err()).
// The lock file is left in place after unlock; removing it would race.
func Lock(ctx context.Context, path string, wait bool) (unlock func() error, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("creating lock directory: %w", err)
	}
	fl := flock.New(path)
	ok, err := tryLock(ctx, fl, wait)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%s: %w", path, ErrLocked)
	}
	return func() error {
		if err := fl.Unlock(); err != nil {
			return fmt.Errorf("unlocking %s: %w", path, err)
		}
		return nil
	}, nil
}

func tryLock(ctx context.Context, fl *flock.Flock, wait bool) (bool, error) {
	if !wait {
		ok, err := fl.TryLock()
		if err != nil {
			return false, fmt.Errorf("locking %s: %w", fl.Path(), err)
		}
		return ok, nil
	}
	ok, err := fl.TryLockContext(ctx, lockRetry)
	if err != nil && ctx.Err() != nil {
		return false, fmt.Errorf("waiting for %s: %w: %w", fl.Path(), ErrLocked, ctx.Err())
	}
	if err != nil {
		return false, fmt.Errorf("locking %s: %w", fl.Path(), err)
	}
	return ok, nil
}
