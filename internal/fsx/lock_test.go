package fsx

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestLockExcludesSecondHolder(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), ".easel", "lock")
	unlock, err := Lock(ctx, path, false)
	if err != nil {
		t.Fatalf("first Lock: %v", err)
	}
	if _, err := Lock(ctx, path, false); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Lock while held: err = %v, want ErrLocked", err)
	}
	if err := unlock(); err != nil {
		t.Fatalf("unlock: %v", err)
	}
	unlock2, err := Lock(ctx, path, false)
	if err != nil {
		t.Fatalf("Lock after unlock: %v", err)
	}
	if err := unlock2(); err != nil {
		t.Fatal(err)
	}
}

func TestLockWaitCancelled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	unlock, err := Lock(context.Background(), path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Lock(ctx, path, true)
	if !errors.Is(err, ErrLocked) || !errors.Is(err, context.Canceled) {
		t.Errorf("waiting Lock with a cancelled ctx: err = %v, want ErrLocked and context.Canceled", err)
	}
}

func TestLockWaitGetsReleasedLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	unlock, err := Lock(context.Background(), path, false)
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	got := make(chan error, 1)
	go func() {
		close(started)
		u, err := Lock(context.Background(), path, true)
		if err == nil {
			err = u()
		}
		got <- err
	}()
	<-started
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Errorf("waiting Lock: %v", err)
	}
}

// lockHelperEnv makes the test binary act as another easel process holding
// the lock: it locks the named path, prints "locked" and holds the lock
// until its stdin closes.
const lockHelperEnv = "FSX_TEST_LOCK_HELPER"

func TestLockHelperProcess(t *testing.T) {
	path := os.Getenv(lockHelperEnv)
	if path == "" {
		t.Skip("helper process for TestLockAcrossProcesses")
	}
	unlock, err := Lock(context.Background(), path, false)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("locked")
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = unlock()
	os.Exit(0)
}

func TestLockAcrossProcesses(t *testing.T) {
	tests := []struct {
		name    string
		release func(stdin io.Closer, cmd *exec.Cmd) error
	}{
		{name: "holder unlocks", release: func(stdin io.Closer, _ *exec.Cmd) error { return stdin.Close() }},
		{name: "holder crashes", release: func(_ io.Closer, cmd *exec.Cmd) error { return cmd.Process.Kill() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "lock")
			cmd, stdin := startLockHolder(t, path)
			if _, err := Lock(context.Background(), path, false); !errors.Is(err, ErrLocked) {
				t.Errorf("Lock held by another process: err = %v, want ErrLocked", err)
			}
			if err := tt.release(stdin, cmd); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			unlock, err := Lock(context.Background(), path, false)
			if err != nil {
				t.Fatalf("Lock after the other process let go: %v", err)
			}
			_ = unlock()
		})
	}
}

func startLockHolder(t *testing.T, path string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelperProcess$")
	cmd.Env = append(os.Environ(), lockHelperEnv+"="+path)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("lock holder said %q, %v", line, err)
	}
	return cmd, stdin
}
