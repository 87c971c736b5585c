// Package testwait waits in tests for something that happens on another
// goroutine or in another process. It is imported only from _test.go
// files.
package testwait

import (
	"testing"
	"time"
)

// bound is how long Until waits: generous, since it asserts nothing
// about time, only that the condition comes to hold.
const bound = 10 * time.Second

// Until polls cond every millisecond until it holds, and fails t, naming
// what it waited for, if it does not within a generous bound.
func Until(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(bound)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
