package engine

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/easelhq/easel/plugins"
)

// Queued calls. When every image of an apply goes to one provider that
// queues calls (plugins.Schema.QueuesCalls), the walk hands it up to
// Parallelism/2 calls more than Parallelism, each carrying Slots =
// Parallelism: the provider runs Parallelism of them and starts the next
// the moment one ends. Otherwise a slot stayed idle from the vendor's
// answer until easel had received it, written it, and sent the next
// request to the provider (3 to 9 ms an image at parallelism 64 on two
// cores, against 1 ms for a bare HTTP client).
//
// The vendor never sees more than Parallelism calls at once. A call still
// waiting for its slot is withdrawn (plugins.Provider.Withdraw) when apply
// is stopped or its provider runs out of quota: it ends as not started,
// unbilled, its budget reservation returned.

// queueDepth is how many calls beyond Parallelism the walk may hand out:
// none unless every image goes to the same provider key, which queues
// calls, without candidates (their calls share the image's slots).
func (a *applier) queueDepth(work map[*node]*Change) int {
	key := ""
	for _, c := range work {
		if c.Candidates > 1 || (key != "" && c.Provider != key) {
			return 0
		}
		key = c.Provider
	}
	if sch := a.p.Schemas[providerName(key)]; sch == nil || !sch.QueuesCalls {
		return 0
	}
	return (a.opts.Parallelism + 1) / 2
}

// newBatch names this apply's calls for Withdraw.
func newBatch() string {
	return "apply-" + rand.Text()
}

// enqueue records that a call with slots is about to go to prov. It
// reports false once the calls were withdrawn: the call must not be sent.
func (a *applier) enqueue(prov plugins.Provider) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.withdrawn {
		return false
	}
	a.queuedTo = prov
	return true
}

// withdraw ends the calls waiting at the provider, and keeps any not yet
// sent from being sent. Stopping the apply and the provider running out
// of quota both come here: there is only the one provider to withdraw from.
func (a *applier) withdraw(ctx context.Context) {
	if a.queued == 0 {
		return
	}
	a.mu.Lock()
	prov := a.queuedTo
	already := a.withdrawn
	a.withdrawn = true
	a.mu.Unlock()
	if already || prov == nil {
		return
	}
	// Past a cancelled ctx too: the calls must not start after the stop.
	// A hung provider is given withdrawTimeout.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), withdrawTimeout)
	defer cancel()
	if err := prov.Withdraw(wctx, a.batch); err != nil {
		fmt.Fprintln(a.p.opts.Log, "warning: withdrawing queued calls:", err)
	}
}

// withdrawTimeout bounds a Withdraw call: it only takes calls off a queue.
const withdrawTimeout = 10 * time.Second

// errNotSent is the error of a call withdrawn before it was sent.
var errNotSent = &plugins.GenerateError{Kind: plugins.ErrWithdrawn, Message: "withdrawn before it was sent"}

// withdrawnSkip turns the error of a withdrawn call into the skip it is:
// the image never started, and its budget reservation is returned.
func (a *applier) withdrawnSkip(inst *providerInstance, c *Change, err error) error {
	var ge *plugins.GenerateError
	if !errors.As(err, &ge) || ge.Kind != plugins.ErrWithdrawn {
		return err
	}
	a.unreserve(c)
	if err := inst.stopped(); err != nil {
		return err
	}
	return notStarted
}
